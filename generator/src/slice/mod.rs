//! Cut one namespace, and the closure of what it references, out of a CSDL
//! document, so that the project can commit a small, reviewable slice of
//! Microsoft's multi-megabyte metadata.
//!
//! What [`slice()`] keeps:
//!
//! - every schema with the wanted namespace, whole (its `Namespace` and
//!   `Alias`, every type, action, function and term), except for the
//!   container and out-of-line annotations, which follow the rules below;
//! - the closure of the types those items reference in other namespaces
//!   (`BaseType`, property and navigation-property types, parameter and
//!   return types, term types; `Collection(...)` unwrapped, namespace- or
//!   alias-qualified names resolved), each kept type whole; a foreign schema
//!   keeps its `Namespace` and `Alias` and only its kept items;
//! - the entity container (same name) with the entity sets and singletons
//!   whose type belongs to the namespace, each with the navigation-property
//!   bindings whose target is also kept; the container is left out when none
//!   of its children is kept;
//! - out-of-line `Annotations` whose `Target` is a kept element (a kept
//!   type or anything in it, a kept action or function with or without a
//!   parenthesised signature, the kept container or one of its kept children,
//!   a kept term), and the inline annotations of kept elements;
//! - terms of other namespaces only when a kept annotation uses them and
//!   their schema is kept anyway.
//!
//! [`borrow_capabilities`] then adds the Capabilities annotations another
//! document (Microsoft's clean one) has for the slice's elements and the
//! slice's own document lacks; [`render`] says so in comments.
//!
//! Description text is dropped everywhere: `Org.OData.Core.V1.Description`
//! and `Org.OData.Core.V1.LongDescription` annotations are removed (at any
//! depth), and an `Annotations` block left empty is removed.
//!
//! A document without the namespace gives a document without schemas, which
//! the generator reads as "this cloud does not have the namespace".
//! The result is deterministic: schemas and items stay in document order.
//! Positions are those of the source document.

mod capabilities;

use std::collections::{BTreeSet, HashMap, HashSet};

use crate::csdl::ast::*;
use crate::csdl::write::Note;
use crate::error::{Error, ErrorKind, Location, Result};

pub use capabilities::{borrow_capabilities, Borrowed};

/// The annotation terms whose text [`slice()`] drops.
pub const DESCRIPTION_TERMS: [&str; 2] = [
    "Org.OData.Core.V1.Description",
    "Org.OData.Core.V1.LongDescription",
];

/// Slices `doc` down to `namespace` and what it references; see the module docs.
///
/// Fails with [`ErrorKind::UnknownType`] when a type referenced from a kept
/// element is not defined in the document (a slice must be complete).
pub fn slice(doc: &Document, namespace: &str) -> Result<Document> {
    let mut out = Document {
        source: doc.source.clone(),
        version: doc.version.clone(),
        schemas: Vec::new(),
        pos: doc.pos,
    };
    if !doc.schemas.iter().any(|s| s.namespace == namespace) {
        return Ok(out);
    }
    let index = Index::new(doc);

    // 1. The closure of types, starting from the whole wanted namespace.
    let mut kept: BTreeSet<ItemId> = BTreeSet::new();
    let mut work: Vec<ItemId> = Vec::new();
    for (si, schema) in doc.schemas.iter().enumerate() {
        if schema.namespace != namespace {
            continue;
        }
        for (ii, item) in schema.items.iter().enumerate() {
            if matches!(
                item,
                SchemaItem::EntityContainer(_) | SchemaItem::Annotations(_)
            ) {
                continue;
            }
            if kept.insert((si, ii)) {
                work.push((si, ii));
            }
        }
    }
    let close = |kept: &mut BTreeSet<ItemId>, work: &mut Vec<ItemId>| {
        while let Some((si, ii)) = work.pop() {
            for found in index.references(doc, si, ii)? {
                if kept.insert(found) {
                    work.push(found);
                }
            }
        }
        Ok::<(), Error>(())
    };
    close(&mut kept, &mut work)?;

    // 2. Terms of other namespaces used by kept annotations, when their schema
    //    is kept anyway; their types join the closure (until nothing changes).
    loop {
        let kept_schemas: HashSet<usize> = kept.iter().map(|&(si, _)| si).collect();
        let names = KeptNames::new(doc, &index, &kept, namespace);
        let mut used = BTreeSet::new();
        for (si, schema) in doc.schemas.iter().enumerate() {
            for (ii, item) in schema.items.iter().enumerate() {
                let inline = kept.contains(&(si, ii));
                collect_terms(item, inline, &names, &mut used);
            }
        }
        let mut added = false;
        for (si, ii) in used {
            if kept_schemas.contains(&si) && kept.insert((si, ii)) {
                work.push((si, ii));
                added = true;
            }
        }
        if !added {
            break;
        }
        close(&mut kept, &mut work)?;
    }

    // 3. Copy what is kept, in document order, without descriptions.
    let names = KeptNames::new(doc, &index, &kept, namespace);
    for (si, schema) in doc.schemas.iter().enumerate() {
        let mut items = Vec::new();
        for (ii, item) in schema.items.iter().enumerate() {
            let copy = match item {
                SchemaItem::EntityContainer(c) => slice_container(c, &schema.namespace, &names)
                    .map(|c| SchemaItem::EntityContainer(Box::new(c))),
                SchemaItem::Annotations(a) => {
                    if names.target_kept(&a.target) {
                        let mut a = a.clone();
                        strip_descriptions(&mut a.annotations);
                        (!a.annotations.is_empty()).then_some(SchemaItem::Annotations(a))
                    } else {
                        None
                    }
                }
                _ if kept.contains(&(si, ii)) => {
                    let mut item = item.clone();
                    strip_item(&mut item);
                    Some(item)
                }
                _ => None,
            };
            items.extend(copy);
        }
        if !items.is_empty() {
            out.schemas.push(Schema {
                namespace: schema.namespace.clone(),
                alias: schema.alias.clone(),
                items,
                pos: schema.pos,
            });
        }
    }
    Ok(out)
}

/// A document a committed slice is made from: its name and sha256.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Source<'a> {
    pub name: &'a str,
    pub sha256: &'a str,
}

/// The text of a committed slice file: `slice` (cut from `source`) written
/// as EDMX XML, with a comment after the XML declaration naming the
/// command, the source and its hash. An empty slice gets a second comment
/// saying that `namespace` is absent from the source. When `borrowed` says
/// what [`borrow_capabilities`] added from another document, a comment
/// names that document and its hash in the header and before the first
/// added block.
pub fn render(
    slice: &Document,
    namespace: &str,
    source: Source<'_>,
    borrowed: Option<(Borrowed, Source<'_>)>,
) -> String {
    // `--` may not occur inside an XML comment.
    let clean = |s: &str| s.replace("--", "- -");
    let mut header = format!(
        "<!-- Sliced by `cargo xtask metadata slice` from {} (sha256 {}); do not edit. -->\n",
        clean(source.name),
        clean(source.sha256)
    );
    if slice.schemas.is_empty() {
        header.push_str(&format!(
            "<!-- The namespace {} is absent from {}: this slice is empty. -->\n",
            clean(namespace),
            clean(source.name)
        ));
    }
    let mut notes = Vec::new();
    let note;
    if let Some((b, from)) = borrowed {
        header.push_str(&format!(
            "<!-- With {} Capabilities annotations from {} (sha256 {}) that {} lacks. -->\n",
            b.annotations,
            clean(from.name),
            clean(from.sha256),
            clean(source.name)
        ));
        note = format!(
            "From {}: Capabilities annotations {} does not have for these targets.",
            from.name, source.name
        );
        notes.push(Note {
            schema: b.schema,
            item: b.first,
            text: &note,
        });
    }
    let xml = crate::csdl::write::write_with_notes(slice, &notes);
    let split = xml.find('\n').map_or(0, |i| i + 1);
    let mut out = String::with_capacity(xml.len() + header.len() + 1);
    out.push_str(&xml[..split]);
    out.push_str(&header);
    out.push_str(&xml[split..]);
    out.push('\n');
    out
}

/// Strips `Collection(...)` from a type name.
fn element_type(t: &str) -> &str {
    t.strip_prefix("Collection(")
        .and_then(|t| t.strip_suffix(')'))
        .unwrap_or(t)
        .trim()
}

/// (schema index, item index) of a schema item.
type ItemId = (usize, usize);

/// namespace -> name -> value.
type ByName<'d, V> = HashMap<&'d str, HashMap<&'d str, V>>;

fn lookup<'m, V>(map: &'m ByName<'_, V>, (ns, name): (&str, &str)) -> Option<&'m V> {
    map.get(ns)?.get(name)
}

/// Names of the document: qualifiers (namespaces and aliases), types and terms.
struct Index<'d> {
    /// Namespace or alias -> namespace.
    qualifiers: HashMap<&'d str, &'d str>,
    types: ByName<'d, ItemId>,
    terms: ByName<'d, ItemId>,
}

impl<'d> Index<'d> {
    fn new(doc: &'d Document) -> Self {
        let mut index = Index {
            qualifiers: HashMap::new(),
            types: HashMap::new(),
            terms: HashMap::new(),
        };
        for (si, schema) in doc.schemas.iter().enumerate() {
            let ns = schema.namespace.as_str();
            index.qualifiers.insert(ns, ns);
            if let Some(alias) = &schema.alias {
                index.qualifiers.entry(alias.as_str()).or_insert(ns);
            }
            for (ii, item) in schema.items.iter().enumerate() {
                let (map, name) = match item {
                    SchemaItem::EnumType(e) => (&mut index.types, e.name.as_str()),
                    SchemaItem::ComplexType(t) | SchemaItem::EntityType(t) => {
                        (&mut index.types, t.name.as_str())
                    }
                    SchemaItem::Term(t) => (&mut index.terms, t.name.as_str()),
                    _ => continue,
                };
                map.entry(ns).or_default().entry(name).or_insert((si, ii));
            }
        }
        index
    }

    /// `qualifier.name` -> (namespace, name), the qualifier being a namespace or an alias.
    fn resolve<'n>(&self, qualified: &'n str) -> Option<(&'d str, &'n str)> {
        let qualified = qualified.trim();
        let (qualifier, name) = qualified.rsplit_once('.')?;
        Some((*self.qualifiers.get(qualifier)?, name))
    }

    /// The types (and base terms) referenced by item `ii` of schema `si`.
    fn references(&self, doc: &Document, si: usize, ii: usize) -> Result<Vec<ItemId>> {
        let schema = &doc.schemas[si];
        let item = &schema.items[ii];
        let mut refs: Vec<(&str, Pos, String)> = Vec::new();
        let at = |what: String| format!("Schema[{}]/{what}", schema.namespace);
        match item {
            SchemaItem::ComplexType(t) | SchemaItem::EntityType(t) => {
                let kind = match t.kind {
                    StructuredKind::Complex => "ComplexType",
                    StructuredKind::Entity => "EntityType",
                };
                let here = at(format!("{kind}[{}]", t.name));
                if let Some(base) = &t.base_type {
                    refs.push((base, t.pos, here.clone()));
                }
                for p in &t.properties {
                    refs.push((&p.r#type, p.pos, format!("{here}/Property[{}]", p.name)));
                }
                for n in &t.navigation_properties {
                    refs.push((
                        &n.r#type,
                        n.pos,
                        format!("{here}/NavigationProperty[{}]", n.name),
                    ));
                }
            }
            SchemaItem::Action(o) | SchemaItem::Function(o) => {
                let kind = match o.kind {
                    OperationKind::Action => "Action",
                    OperationKind::Function => "Function",
                };
                let here = at(format!("{kind}[{}]", o.name));
                for p in &o.parameters {
                    refs.push((&p.r#type, p.pos, format!("{here}/Parameter[{}]", p.name)));
                }
                if let Some(r) = &o.return_type {
                    refs.push((&r.r#type, r.pos, format!("{here}/ReturnType")));
                }
            }
            SchemaItem::Term(t) => {
                let here = at(format!("Term[{}]", t.name));
                refs.push((&t.r#type, t.pos, here.clone()));
                if let Some(base) = &t.base_term {
                    if let Some(found) = self
                        .resolve(base)
                        .and_then(|key| lookup(&self.terms, key).copied())
                    {
                        let mut out = self.resolve_types(doc, refs)?;
                        out.push(found);
                        return Ok(out);
                    }
                }
            }
            SchemaItem::EnumType(_)
            | SchemaItem::EntityContainer(_)
            | SchemaItem::Annotations(_) => {}
        }
        self.resolve_types(doc, refs)
    }

    fn resolve_types(&self, doc: &Document, refs: Vec<(&str, Pos, String)>) -> Result<Vec<ItemId>> {
        let mut out = Vec::with_capacity(refs.len());
        for (t, pos, path) in refs {
            let t = element_type(t);
            if t.starts_with("Edm.") {
                continue;
            }
            match self.resolve(t).and_then(|key| lookup(&self.types, key)) {
                Some(&found) => out.push(found),
                None => {
                    return Err(Error::at(
                        ErrorKind::UnknownType,
                        Location::new(doc.source.clone(), pos, path),
                        format!(
                            "type `{t}` is not defined in the document, so it cannot be sliced"
                        ),
                    ))
                }
            }
        }
        Ok(out)
    }
}

/// What the slice keeps, by name, to decide annotation targets and bindings.
struct KeptNames<'d, 'i> {
    index: &'i Index<'d>,
    namespace: &'d str,
    /// Kept types and terms.
    elements: ByName<'d, ()>,
    /// Names of the actions and functions of the wanted namespace.
    operations: HashSet<&'d str>,
    /// Containers -> names of their kept entity sets and singletons.
    containers: ByName<'d, HashSet<&'d str>>,
}

impl<'d, 'i> KeptNames<'d, 'i> {
    fn new(
        doc: &'d Document,
        index: &'i Index<'d>,
        kept: &BTreeSet<ItemId>,
        namespace: &'d str,
    ) -> Self {
        let mut names = KeptNames {
            index,
            namespace,
            elements: HashMap::new(),
            operations: HashSet::new(),
            containers: HashMap::new(),
        };
        for &(si, ii) in kept {
            let ns = doc.schemas[si].namespace.as_str();
            let name = match &doc.schemas[si].items[ii] {
                SchemaItem::EnumType(e) => &e.name,
                SchemaItem::ComplexType(t) | SchemaItem::EntityType(t) => &t.name,
                SchemaItem::Term(t) => &t.name,
                SchemaItem::Action(o) | SchemaItem::Function(o) => {
                    names.operations.insert(&o.name);
                    continue;
                }
                SchemaItem::EntityContainer(_) | SchemaItem::Annotations(_) => continue,
            };
            names.elements.entry(ns).or_default().insert(name, ());
        }
        for schema in &doc.schemas {
            for item in &schema.items {
                if let SchemaItem::EntityContainer(c) = item {
                    let children: HashSet<&str> = c
                        .entity_sets
                        .iter()
                        .filter(|s| names.own_type(&s.entity_type))
                        .map(|s| s.name.as_str())
                        .chain(
                            c.singletons
                                .iter()
                                .filter(|s| names.own_type(&s.r#type))
                                .map(|s| s.name.as_str()),
                        )
                        .collect();
                    names
                        .containers
                        .entry(schema.namespace.as_str())
                        .or_default()
                        .insert(c.name.as_str(), children);
                }
            }
        }
        names
    }

    /// A kept type of the wanted namespace (for entity sets and singletons).
    fn own_type(&self, t: &str) -> bool {
        match self.index.resolve(element_type(t)) {
            Some(key) => key.0 == self.namespace && lookup(&self.elements, key).is_some(),
            None => false,
        }
    }

    /// A kept type, wherever it is defined (for type casts in paths).
    fn kept_type(&self, t: &str) -> bool {
        self.index
            .resolve(t)
            .is_some_and(|key| lookup(&self.elements, key).is_some())
    }

    /// Whether an `Annotations` target points at a kept element.
    fn target_kept(&self, target: &str) -> bool {
        let head_end = target.find(['/', '(']).unwrap_or(target.len());
        let head = &target[..head_end];
        let rest = target[head_end..].trim_start_matches('/');
        let Some((ns, name)) = self.index.resolve(head) else {
            return false;
        };
        if lookup(&self.elements, (ns, name)).is_some() {
            return true;
        }
        if ns == self.namespace && self.operations.contains(name) {
            return true;
        }
        match lookup(&self.containers, (ns, name)) {
            Some(children) if !children.is_empty() => {
                let child = rest.split('/').next().unwrap_or("");
                child.is_empty() || children.contains(child)
            }
            _ => false,
        }
    }

    /// Whether a navigation-property binding of container `container` (in
    /// namespace `ns`) stays: its target is kept and type casts in its path are.
    fn binding_kept(&self, ns: &str, container: &str, b: &NavigationPropertyBinding) -> bool {
        let casts_kept = b
            .path
            .split('/')
            .filter(|segment| segment.contains('.'))
            .all(|segment| self.kept_type(segment));
        if !casts_kept {
            return false;
        }
        let mut segments = b.target.split('/');
        let first = segments.next().unwrap_or("");
        let (container_key, child) = if first.contains('.') {
            match self.index.resolve(first) {
                Some(key) => (key, segments.next().unwrap_or("")),
                None => return false,
            }
        } else {
            match self.index.qualifiers.get(ns) {
                Some(&ns) => ((ns, container), first),
                None => return false,
            }
        };
        lookup(&self.containers, container_key).is_some_and(|children| children.contains(child))
    }
}

/// The container with only its kept children, or `None` when none is kept.
fn slice_container(
    c: &EntityContainer,
    ns: &str,
    names: &KeptNames<'_, '_>,
) -> Option<EntityContainer> {
    let keep_bindings = |bindings: &[NavigationPropertyBinding]| -> Vec<NavigationPropertyBinding> {
        bindings
            .iter()
            .filter(|b| names.binding_kept(ns, &c.name, b))
            .cloned()
            .collect()
    };
    let entity_sets: Vec<EntitySet> = c
        .entity_sets
        .iter()
        .filter(|s| names.own_type(&s.entity_type))
        .map(|s| {
            let mut s2 = EntitySet {
                bindings: keep_bindings(&s.bindings),
                annotations: s.annotations.clone(),
                ..s.clone()
            };
            strip_descriptions(&mut s2.annotations);
            s2
        })
        .collect();
    let singletons: Vec<Singleton> = c
        .singletons
        .iter()
        .filter(|s| names.own_type(&s.r#type))
        .map(|s| {
            let mut s2 = Singleton {
                bindings: keep_bindings(&s.bindings),
                annotations: s.annotations.clone(),
                ..s.clone()
            };
            strip_descriptions(&mut s2.annotations);
            s2
        })
        .collect();
    if entity_sets.is_empty() && singletons.is_empty() {
        return None;
    }
    let mut annotations = c.annotations.clone();
    strip_descriptions(&mut annotations);
    Some(EntityContainer {
        name: c.name.clone(),
        extends: c.extends.clone(),
        entity_sets,
        singletons,
        annotations,
        pos: c.pos,
    })
}

/// Terms (defined in the document) used by the annotations `item` keeps:
/// its out-of-line annotations when their target is kept, and its inline
/// annotations when `inline`.
fn collect_terms(
    item: &SchemaItem,
    inline: bool,
    names: &KeptNames<'_, '_>,
    used: &mut BTreeSet<ItemId>,
) {
    let mut add = |annotations: &[Annotation]| {
        let mut stack: Vec<&Annotation> = annotations.iter().collect();
        while let Some(a) = stack.pop() {
            if DESCRIPTION_TERMS.contains(&a.term.as_str()) {
                continue;
            }
            if let Some(&found) = names
                .index
                .resolve(&a.term)
                .and_then(|key| lookup(&names.index.terms, key))
            {
                used.insert(found);
            }
            stack.extend(a.annotations.iter());
        }
    };
    match item {
        SchemaItem::Annotations(a) => {
            if names.target_kept(&a.target) {
                add(&a.annotations);
            }
        }
        _ if !inline => {}
        SchemaItem::EnumType(e) => {
            add(&e.annotations);
            for m in &e.members {
                add(&m.annotations);
            }
        }
        SchemaItem::ComplexType(t) | SchemaItem::EntityType(t) => {
            add(&t.annotations);
            for p in &t.properties {
                add(&p.annotations);
            }
            for n in &t.navigation_properties {
                add(&n.annotations);
            }
        }
        SchemaItem::Action(o) | SchemaItem::Function(o) => {
            add(&o.annotations);
            for p in &o.parameters {
                add(&p.annotations);
            }
            if let Some(r) = &o.return_type {
                add(&r.annotations);
            }
        }
        SchemaItem::Term(t) => add(&t.annotations),
        SchemaItem::EntityContainer(c) => {
            add(&c.annotations);
            for s in &c.entity_sets {
                add(&s.annotations);
            }
            for s in &c.singletons {
                add(&s.annotations);
            }
        }
    }
}

/// Removes description annotations from a kept item, at every level.
fn strip_item(item: &mut SchemaItem) {
    match item {
        SchemaItem::EnumType(e) => {
            strip_descriptions(&mut e.annotations);
            for m in &mut e.members {
                strip_descriptions(&mut m.annotations);
            }
        }
        SchemaItem::ComplexType(t) | SchemaItem::EntityType(t) => {
            strip_descriptions(&mut t.annotations);
            for p in &mut t.properties {
                strip_descriptions(&mut p.annotations);
            }
            for n in &mut t.navigation_properties {
                strip_descriptions(&mut n.annotations);
            }
        }
        SchemaItem::Action(o) | SchemaItem::Function(o) => {
            strip_descriptions(&mut o.annotations);
            for p in &mut o.parameters {
                strip_descriptions(&mut p.annotations);
            }
            if let Some(r) = &mut o.return_type {
                strip_descriptions(&mut r.annotations);
            }
        }
        SchemaItem::Term(t) => strip_descriptions(&mut t.annotations),
        SchemaItem::EntityContainer(c) => {
            strip_descriptions(&mut c.annotations);
            for s in &mut c.entity_sets {
                strip_descriptions(&mut s.annotations);
            }
            for s in &mut c.singletons {
                strip_descriptions(&mut s.annotations);
            }
        }
        SchemaItem::Annotations(a) => strip_descriptions(&mut a.annotations),
    }
}

/// Removes `Core.Description` and `Core.LongDescription` annotations, also
/// from annotations of annotations and from records inside values.
pub fn strip_descriptions(annotations: &mut Vec<Annotation>) {
    annotations.retain(|a| !DESCRIPTION_TERMS.contains(&a.term.as_str()));
    for a in annotations {
        strip_descriptions(&mut a.annotations);
        if let Some(value) = &mut a.value {
            strip_expr(value);
        }
    }
}

fn strip_expr(e: &mut Expr) {
    match e {
        Expr::Collection(items) => items.iter_mut().for_each(strip_expr),
        Expr::Record(r) => {
            strip_descriptions(&mut r.annotations);
            for pv in &mut r.property_values {
                strip_descriptions(&mut pv.annotations);
                if let Some(v) = &mut pv.value {
                    strip_expr(v);
                }
            }
        }
        _ => {}
    }
}
