//! Builds the [`Model`] from syntax trees: one index per document, checked
//! whole, then the closure of the selection, merged across documents.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet, VecDeque};

use crate::csdl::ast::{
    Annotation, Document, EntityContainer, EnumType, Operation, OperationKind, Pos, Schema,
    SchemaItem, StructuredKind, StructuredType,
};
use crate::csdl::limits::MAX_BASE_TYPES;
use crate::error::{Error, ErrorKind, Location, Result};

use super::annotations::{facts, Facts};
use super::names::{
    has_rust_name, is_property_name, is_simple_identifier, parse_type_ref, split_qualified,
};
use super::paths;
use super::{
    Availability, EnumDef, MemberDef, Model, Navigation, OperationDef, ParameterDef, Primitive,
    PropertyDef, QName, ReturnDef, StructDef, TypeDef, TypeId, TypeKind, TypeRef, Unplaced,
};

/// One input document and the cloud it describes (`global`, `usgov`, ...).
#[derive(Debug, Clone, Copy)]
pub struct Input<'a> {
    pub cloud: &'a str,
    pub document: &'a Document,
}

/// Which namespaces to generate (each with the closure of what it references).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selection {
    All,
    Namespaces(Vec<String>),
}

/// Resolves and checks every input document, then builds the model of the
/// selection. The first input is the primary: where documents define the same
/// element differently, the first one that defines it wins, except that a
/// type gets the properties later documents add and a property or parameter
/// is nullable when any document says so; availability records every input
/// that has it.
pub fn build(inputs: &[Input<'_>], selection: &Selection) -> Result<Model> {
    if inputs.is_empty() {
        return Err(Error::new(ErrorKind::Usage, "no metadata document given"));
    }
    let indexes = inputs
        .iter()
        .map(|i| Index::new(i.document))
        .collect::<Result<Vec<_>>>()?;
    for index in &indexes {
        index.check()?;
    }
    Builder {
        inputs,
        indexes: &indexes,
    }
    .build(selection)
}

// ---------------------------------------------------------------------------
// Per-document index and checks
// ---------------------------------------------------------------------------

/// A type declaration and the schema it is declared in.
#[derive(Clone, Copy)]
pub(super) enum Decl<'a> {
    Enum(&'a Schema, &'a EnumType),
    Struct(&'a Schema, &'a StructuredType),
}

impl<'a> Decl<'a> {
    fn schema(&self) -> &'a Schema {
        match self {
            Decl::Enum(s, _) | Decl::Struct(s, _) => s,
        }
    }
}

pub(super) struct Index<'a> {
    pub doc: &'a Document,
    /// Alias -> namespace.
    aliases: HashMap<&'a str, &'a str>,
    pub types: HashMap<(&'a str, &'a str), Decl<'a>>,
    pub operations: BTreeMap<(&'a str, &'a str), Vec<&'a Operation>>,
    operation_schemas: HashMap<(&'a str, &'a str), &'a Schema>,
    pub container: Option<(&'a Schema, &'a EntityContainer)>,
    /// Out-of-line annotations by target, with the target's alias expanded.
    annotations: HashMap<String, Vec<&'a Annotation>>,
}

fn loc(doc: &Document, pos: Pos, element: impl Into<String>) -> Location {
    Location::new(doc.source.clone(), pos, element)
}

pub(super) fn schema_path(s: &Schema) -> String {
    format!("Schema[{}]", s.namespace)
}

fn struct_path(s: &Schema, t: &StructuredType) -> String {
    let kind = match t.kind {
        StructuredKind::Complex => "ComplexType",
        StructuredKind::Entity => "EntityType",
    };
    format!("{}/{kind}[{}]", schema_path(s), t.name)
}

fn operation_path(s: &Schema, o: &Operation) -> String {
    let kind = match o.kind {
        OperationKind::Action => "Action",
        OperationKind::Function => "Function",
    };
    format!("{}/{kind}[{}]", schema_path(s), o.name)
}

impl<'a> Index<'a> {
    fn new(doc: &'a Document) -> Result<Self> {
        let mut index = Index {
            doc,
            aliases: HashMap::new(),
            types: HashMap::new(),
            operations: BTreeMap::new(),
            operation_schemas: HashMap::new(),
            container: None,
            annotations: HashMap::new(),
        };
        let mut namespaces: HashMap<&str, &Schema> = HashMap::new();
        for s in &doc.schemas {
            let here = || loc(doc, s.pos, schema_path(s));
            if s.namespace.is_empty() || !s.namespace.split('.').all(is_simple_identifier) {
                return Err(Error::at(
                    ErrorKind::InvalidName,
                    here(),
                    format!("`{}` is not a valid namespace", s.namespace),
                ));
            }
            for segment in s.namespace.split('.') {
                rust_name(segment, "namespace segment", here)?;
            }
            if namespaces.insert(&s.namespace, s).is_some() {
                return Err(Error::at(
                    ErrorKind::DuplicateName,
                    here(),
                    format!("namespace `{}` is declared twice", s.namespace),
                ));
            }
        }
        for s in &doc.schemas {
            if let Some(alias) = &s.alias {
                let here = || loc(doc, s.pos, schema_path(s));
                if !is_simple_identifier(alias) {
                    return Err(Error::at(
                        ErrorKind::InvalidName,
                        here(),
                        format!("`{alias}` is not a valid alias"),
                    ));
                }
                if namespaces.contains_key(alias.as_str()) || alias == "Edm" {
                    return Err(Error::at(
                        ErrorKind::DuplicateName,
                        here(),
                        format!("alias `{alias}` is also the name of a namespace"),
                    ));
                }
                if index.aliases.insert(alias, &s.namespace).is_some() {
                    return Err(Error::at(
                        ErrorKind::DuplicateName,
                        here(),
                        format!("alias `{alias}` is declared twice"),
                    ));
                }
            }
        }
        for s in &doc.schemas {
            for item in &s.items {
                let (name, pos, path, decl) = match item {
                    SchemaItem::EnumType(e) => (
                        &e.name,
                        e.pos,
                        format!("{}/EnumType[{}]", schema_path(s), e.name),
                        Some(Decl::Enum(s, e)),
                    ),
                    SchemaItem::ComplexType(t) | SchemaItem::EntityType(t) => {
                        (&t.name, t.pos, struct_path(s, t), Some(Decl::Struct(s, t)))
                    }
                    SchemaItem::Action(o) | SchemaItem::Function(o) => {
                        (&o.name, o.pos, operation_path(s, o), None)
                    }
                    SchemaItem::EntityContainer(c) => {
                        let path = format!("{}/EntityContainer[{}]", schema_path(s), c.name);
                        if index.container.is_some() {
                            return Err(Error::at(
                                ErrorKind::DuplicateName,
                                loc(doc, c.pos, path),
                                "a second entity container; one document has one",
                            ));
                        }
                        index.container = Some((s, c));
                        (&c.name, c.pos, path, None)
                    }
                    SchemaItem::Term(_) | SchemaItem::Annotations(_) => continue,
                };
                if !is_simple_identifier(name) {
                    return Err(Error::at(
                        ErrorKind::InvalidName,
                        loc(doc, pos, path),
                        format!("`{name}` is not a valid CSDL name"),
                    ));
                }
                if !matches!(item, SchemaItem::EntityContainer(_)) {
                    rust_name(name, "name", || loc(doc, pos, path.clone()))?;
                }
                let key = (s.namespace.as_str(), name.as_str());
                // Operations are looked up apart from types (Graph has both a
                // type and a function named `image`), so only types clash.
                let clash = match (decl, item) {
                    (Some(d), _) => index.types.insert(key, d).is_some(),
                    (None, SchemaItem::Action(o) | SchemaItem::Function(o)) => {
                        index.operations.entry(key).or_default().push(o);
                        index.operation_schemas.insert(key, s);
                        false
                    }
                    _ => false,
                };
                if clash {
                    return Err(Error::at(
                        ErrorKind::DuplicateName,
                        loc(doc, pos, path),
                        format!("`{}.{name}` is declared twice", s.namespace),
                    ));
                }
            }
        }
        for s in &doc.schemas {
            for item in &s.items {
                // A qualified block is an alternative for some audience;
                // what applies to everyone is unqualified.
                if let SchemaItem::Annotations(a) = item {
                    if a.qualifier.is_some() {
                        continue;
                    }
                    let target = index.expand_target(&a.target);
                    index
                        .annotations
                        .entry(target)
                        .or_default()
                        .extend(a.annotations.iter());
                }
            }
        }
        Ok(index)
    }

    /// `graph.user/id` -> `microsoft.graph.user/id`; an operation's parameter
    /// list is dropped, so the annotation applies to every overload.
    fn expand_target(&self, target: &str) -> String {
        let (head, rest) = match target.find('/') {
            Some(i) => target.split_at(i),
            None => (target, ""),
        };
        let head = head.split('(').next().unwrap_or(head);
        let head = match split_qualified(head) {
            Some((ns, name)) => match self.aliases.get(ns) {
                Some(full) => format!("{full}.{name}"),
                None => head.to_string(),
            },
            None => head.to_string(),
        };
        format!("{head}{rest}")
    }

    /// The out-of-line annotations for a target, plus the inline ones.
    pub(super) fn facts(&self, target: &str, inline: &'a [Annotation]) -> Facts {
        let outer = self.annotations.get(target).into_iter().flatten().copied();
        facts(inline.iter().chain(outer))
    }

    pub(super) fn namespace_of<'n>(&self, ns: &'n str) -> &'n str
    where
        'a: 'n,
    {
        self.aliases.get(ns).copied().unwrap_or(ns)
    }

    /// Resolves a qualified or aliased name to its declaration.
    pub(super) fn lookup(&self, ns: &str, name: &str) -> Option<Decl<'a>> {
        self.types.get(&(self.namespace_of(ns), name)).copied()
    }

    /// Resolves a type reference, or says what is wrong with it.
    pub(super) fn resolve(&self, text: &str, at: impl Fn() -> Location) -> Result<Resolved<'a>> {
        let raw = parse_type_ref(text).map_err(|m| Error::at(ErrorKind::Syntax, at(), m))?;
        let single = if raw.namespace == "Edm" {
            Primitive::from_edm(raw.name)
                .map(ResolvedSingle::Primitive)
                .ok_or_else(|| {
                    Error::at(
                        ErrorKind::UnknownPrimitive,
                        at(),
                        format!("`Edm.{}` is not an Edm primitive type", raw.name),
                    )
                })?
        } else {
            let decl = self.lookup(raw.namespace, raw.name).ok_or_else(|| {
                Error::at(
                    ErrorKind::UnknownType,
                    at(),
                    format!("type `{}.{}` is not declared", raw.namespace, raw.name),
                )
            })?;
            let name = match decl {
                Decl::Enum(s, e) => QName::new(&s.namespace, &e.name),
                Decl::Struct(s, t) => QName::new(&s.namespace, &t.name),
            };
            ResolvedSingle::Named(name, decl)
        };
        Ok(Resolved {
            collection: raw.collection,
            single,
        })
    }

    /// The base type of a structured type, already checked by [`Index::check`].
    pub(super) fn base(&self, t: &StructuredType) -> Option<(&'a Schema, &'a StructuredType)> {
        let base = t.base_type.as_deref()?;
        let (ns, name) = split_qualified(base)?;
        match self.lookup(ns, name)? {
            Decl::Struct(s, b) => Some((s, b)),
            Decl::Enum(..) => None,
        }
    }

    /// Checks the whole document: every reference resolves, base types are of
    /// the right kind and do not loop, names are unique.
    fn check(&self) -> Result<()> {
        let doc = self.doc;
        let mut overloads = BTreeSet::new();
        for s in &doc.schemas {
            for item in &s.items {
                match item {
                    SchemaItem::EnumType(e) => self.check_enum(s, e)?,
                    SchemaItem::ComplexType(t) | SchemaItem::EntityType(t) => {
                        self.check_struct(s, t)?
                    }
                    SchemaItem::Action(o) | SchemaItem::Function(o) => {
                        self.check_operation(s, o)?;
                        let key = (s.namespace.as_str(), o.name.as_str(), overload_key(self, o));
                        if !overloads.insert(key) {
                            return Err(self.overload_declared_twice(s, o));
                        }
                    }
                    SchemaItem::EntityContainer(c) => self.check_container(s, c)?,
                    SchemaItem::Term(_) | SchemaItem::Annotations(_) => {}
                }
            }
        }
        Ok(())
    }

    fn check_enum(&self, s: &Schema, e: &EnumType) -> Result<()> {
        let path = format!("{}/EnumType[{}]", schema_path(s), e.name);
        if let Some(u) = &e.underlying_type {
            let ok = u
                .strip_prefix("Edm.")
                .and_then(Primitive::from_edm)
                .is_some_and(Primitive::is_integer);
            if !ok {
                return Err(Error::at(
                    ErrorKind::UnknownPrimitive,
                    loc(self.doc, e.pos, path),
                    format!("`{u}` is not an integer type an enum can have"),
                ));
            }
        }
        let underlying = e
            .underlying_type
            .as_deref()
            .and_then(|u| u.strip_prefix("Edm."))
            .and_then(Primitive::from_edm)
            .unwrap_or(Primitive::Int32);
        let (min, max) = integer_range(underlying);
        // CSDL: a flags enum gives every member a non-negative value; a
        // non-flags enum gives values to all members or to none.
        let valued = e.members.iter().filter(|m| m.value.is_some()).count();
        let mixed = !e.is_flags && valued != 0 && valued != e.members.len();
        let mut seen = BTreeSet::new();
        let mut values: HashMap<i64, &str> = HashMap::new();
        for m in &e.members {
            let mpath = || format!("{path}/Member[{}]", m.name);
            if !is_simple_identifier(&m.name) {
                return Err(Error::at(
                    ErrorKind::InvalidName,
                    loc(self.doc, m.pos, mpath()),
                    format!("`{}` is not a valid member name", m.name),
                ));
            }
            rust_name(&m.name, "member name", || loc(self.doc, m.pos, mpath()))?;
            if !seen.insert(m.name.as_str()) {
                return Err(Error::at(
                    ErrorKind::DuplicateName,
                    loc(self.doc, m.pos, mpath()),
                    format!("member `{}` is declared twice", m.name),
                ));
            }
            let Some(v) = &m.value else {
                if e.is_flags || mixed {
                    let why = if e.is_flags {
                        "a member of a flags enum needs a value"
                    } else {
                        "some members of this enum have a value and this one has none: give all of them a value, or none"
                    };
                    return Err(Error::at(
                        ErrorKind::Syntax,
                        loc(self.doc, m.pos, mpath()),
                        why,
                    ));
                }
                continue;
            };
            let out_of_range = || {
                Error::at(
                    ErrorKind::Syntax,
                    loc(self.doc, m.pos, mpath()),
                    format!(
                        "member value `{v}` is out of the range of the underlying type \
                         `Edm.{underlying:?}` ({min} to {max})"
                    ),
                )
            };
            let text = v.trim();
            let Ok(value) = text.parse::<i64>() else {
                let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
                if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(out_of_range());
                }
                return Err(Error::at(
                    ErrorKind::Syntax,
                    loc(self.doc, m.pos, mpath()),
                    format!("member value `{v}` is not an integer"),
                ));
            };
            if value < min || value > max {
                return Err(out_of_range());
            }
            if e.is_flags {
                if value < 0 {
                    return Err(Error::at(
                        ErrorKind::Syntax,
                        loc(self.doc, m.pos, mpath()),
                        format!("member value `{v}` is negative; the members of a flags enum are non-negative"),
                    ));
                }
                // A member may combine others (15 = 1|2|4|8) or be zero
                // (`none`), but two members with the same value overlap.
                if let Some(first) = values.insert(value, &m.name) {
                    return Err(Error::at(
                        ErrorKind::DuplicateName,
                        loc(self.doc, m.pos, mpath()),
                        format!("member `{}` has the value {value} of member `{first}`: the members of a flags enum must have distinct values", m.name),
                    ));
                }
            }
        }
        Ok(())
    }

    fn check_struct(&self, s: &Schema, t: &StructuredType) -> Result<()> {
        let path = struct_path(s, t);
        let here = || loc(self.doc, t.pos, path.clone());
        // Base chain: right kind, no loop.
        let mut seen: Vec<(&str, &str)> = vec![(&s.namespace, &t.name)];
        let mut cur: (&Schema, &StructuredType) = (s, t);
        while let Some(base) = cur.1.base_type.as_deref() {
            let r = self.resolve(base, here)?;
            let ResolvedSingle::Named(qn, decl) = r.single else {
                return Err(Error::at(
                    ErrorKind::WrongBaseKind,
                    here(),
                    format!("base type `{base}` is a primitive type"),
                ));
            };
            let Decl::Struct(bs, bt) = decl else {
                return Err(Error::at(
                    ErrorKind::WrongBaseKind,
                    here(),
                    format!("base type `{base}` is an enum type"),
                ));
            };
            if r.collection {
                return Err(Error::at(
                    ErrorKind::WrongBaseKind,
                    here(),
                    format!("base type `{base}` is a collection"),
                ));
            }
            if bt.kind != cur.1.kind {
                let kinds = |k| match k {
                    StructuredKind::Complex => "a complex type",
                    StructuredKind::Entity => "an entity type",
                };
                return Err(Error::at(
                    ErrorKind::WrongBaseKind,
                    here(),
                    format!(
                        "`{}.{}` is {} and derives from `{qn}`, {}",
                        cur.0.namespace,
                        cur.1.name,
                        kinds(cur.1.kind),
                        kinds(bt.kind)
                    ),
                ));
            }
            let key = (bs.namespace.as_str(), bt.name.as_str());
            if seen.contains(&key) {
                let chain = seen
                    .iter()
                    .map(|(n, t)| format!("{n}.{t}"))
                    .chain([qn.to_string()])
                    .collect::<Vec<_>>()
                    .join(" -> ");
                return Err(Error::at(
                    ErrorKind::BaseTypeCycle,
                    here(),
                    format!("base types loop: {chain}"),
                ));
            }
            if seen.len() > MAX_BASE_TYPES {
                return Err(Error::at(
                    ErrorKind::Limit,
                    here(),
                    format!(
                        "more than {MAX_BASE_TYPES} base types above this type \
                         (csdl::limits::MAX_BASE_TYPES)"
                    ),
                ));
            }
            seen.push(key);
            cur = (bs, bt);
        }
        // Property names unique, including inherited ones.
        let mut names: HashMap<&str, String> = HashMap::new();
        let mut chain = vec![(s, t)];
        let mut c = (s, t);
        while let Some(b) = self.base(c.1) {
            chain.push(b);
            c = b;
        }
        for (cs, ct) in chain.iter().rev() {
            let owner = format!("{}.{}", cs.namespace, ct.name);
            let props = ct
                .properties
                .iter()
                .map(|p| (&p.name, p.pos, "Property"))
                .chain(
                    ct.navigation_properties
                        .iter()
                        .map(|n| (&n.name, n.pos, "NavigationProperty")),
                );
            for (name, pos, kind) in props {
                if let Some(prev) = names.insert(name, owner.clone()) {
                    // Report only on the type that declares the second one.
                    if std::ptr::eq(*ct, t) {
                        return Err(Error::at(
                            ErrorKind::DuplicateName,
                            loc(self.doc, pos, format!("{path}/{kind}[{name}]")),
                            format!("property `{name}` is already declared on `{prev}`"),
                        ));
                    }
                }
            }
        }
        for p in &t.properties {
            let at = || loc(self.doc, p.pos, format!("{path}/Property[{}]", p.name));
            if !is_property_name(&p.name) {
                return Err(Error::at(
                    ErrorKind::InvalidName,
                    at(),
                    format!("`{}` is not a valid property name", p.name),
                ));
            }
            rust_name(&p.name, "property name", at)?;
            let r = self.resolve(&p.r#type, at)?;
            if let ResolvedSingle::Named(qn, Decl::Struct(_, pt)) = &r.single {
                if pt.kind == StructuredKind::Entity {
                    return Err(Error::at(
                        ErrorKind::WrongBaseKind,
                        at(),
                        format!("structural property typed with entity type `{qn}`; use a NavigationProperty"),
                    ));
                }
            }
        }
        for n in &t.navigation_properties {
            let at = || {
                loc(
                    self.doc,
                    n.pos,
                    format!("{path}/NavigationProperty[{}]", n.name),
                )
            };
            if !is_simple_identifier(&n.name) {
                return Err(Error::at(
                    ErrorKind::InvalidName,
                    at(),
                    format!("`{}` is not a valid property name", n.name),
                ));
            }
            rust_name(&n.name, "property name", at)?;
            let r = self.resolve(&n.r#type, at)?;
            match r.single {
                ResolvedSingle::Named(_, Decl::Struct(_, nt))
                    if nt.kind == StructuredKind::Entity => {}
                _ => {
                    return Err(Error::at(
                        ErrorKind::UnknownType,
                        at(),
                        format!("navigation target `{}` is not an entity type", n.r#type),
                    ))
                }
            }
        }
        if let Some(key) = &t.key {
            if t.kind != StructuredKind::Entity {
                return Err(Error::at(
                    ErrorKind::Syntax,
                    here(),
                    "a complex type has no key",
                ));
            }
            for k in key {
                let declared = chain
                    .iter()
                    .any(|(_, ct)| ct.properties.iter().any(|p| p.name == k.name));
                if !declared {
                    return Err(Error::at(
                        ErrorKind::UnknownType,
                        loc(
                            self.doc,
                            k.pos,
                            format!("{path}/Key/PropertyRef[{}]", k.name),
                        ),
                        format!("key property `{}` is not a property of the type", k.name),
                    ));
                }
            }
        }
        Ok(())
    }

    fn check_operation(&self, s: &Schema, o: &Operation) -> Result<()> {
        let path = operation_path(s, o);
        if o.is_bound && o.parameters.is_empty() {
            return Err(Error::at(
                ErrorKind::Syntax,
                loc(self.doc, o.pos, path),
                "a bound operation needs its binding parameter, and has no parameters",
            ));
        }
        let mut seen = BTreeSet::new();
        for p in &o.parameters {
            let at = || loc(self.doc, p.pos, format!("{path}/Parameter[{}]", p.name));
            if !is_simple_identifier(&p.name) {
                return Err(Error::at(
                    ErrorKind::InvalidName,
                    at(),
                    format!("`{}` is not a valid parameter name", p.name),
                ));
            }
            rust_name(&p.name, "parameter name", at)?;
            if !seen.insert(p.name.as_str()) {
                return Err(Error::at(
                    ErrorKind::DuplicateName,
                    at(),
                    format!("parameter `{}` is declared twice", p.name),
                ));
            }
            self.resolve(&p.r#type, at)?;
        }
        if let Some(r) = &o.return_type {
            self.resolve(&r.r#type, || {
                loc(self.doc, r.pos, format!("{path}/ReturnType"))
            })?;
        }
        Ok(())
    }

    /// CSDL's rule for overloads, broken by `o`: which declarations it
    /// repeats, and why that is not an overload.
    fn overload_declared_twice(&self, s: &Schema, o: &Operation) -> Error {
        let name = format!("{}.{}", s.namespace, o.name);
        let binding = match binding_key(self, o) {
            b if b.is_empty() => "unbound".to_string(),
            b => format!("bound to `{b}`"),
        };
        let message = match o.kind {
            OperationKind::Action => format!(
                "action `{name}` {binding} is declared twice: CSDL allows one action of a name per binding type{}",
                if o.is_bound { "" } else { " and no overloads of unbound actions" }
            ),
            OperationKind::Function => format!(
                "function `{name}` {binding} with the parameters ({}) is declared twice: \
                 overloads of a function must differ in the names of their parameters",
                other_parameters(o).collect::<Vec<_>>().join(", ")
            ),
        };
        Error::at(
            ErrorKind::DuplicateName,
            loc(self.doc, o.pos, operation_path(s, o)),
            message,
        )
    }

    fn check_container(&self, s: &Schema, c: &EntityContainer) -> Result<()> {
        let path = format!("{}/EntityContainer[{}]", schema_path(s), c.name);
        let mut seen = BTreeSet::new();
        let children = c
            .entity_sets
            .iter()
            .map(|e| (&e.name, &e.entity_type, e.pos, "EntitySet"))
            .chain(
                c.singletons
                    .iter()
                    .map(|x| (&x.name, &x.r#type, x.pos, "Singleton")),
            );
        for (name, ty, pos, kind) in children {
            let at = || loc(self.doc, pos, format!("{path}/{kind}[{name}]"));
            if !seen.insert(name.as_str()) {
                return Err(Error::at(
                    ErrorKind::DuplicateName,
                    at(),
                    format!("`{name}` is declared twice in the container"),
                ));
            }
            let r = self.resolve(ty, at)?;
            let entity = matches!(r.single, ResolvedSingle::Named(_, Decl::Struct(_, t)) if t.kind == StructuredKind::Entity);
            if !entity || r.collection {
                return Err(Error::at(
                    ErrorKind::UnknownType,
                    at(),
                    format!("`{ty}` is not an entity type"),
                ));
            }
        }
        Ok(())
    }
}

pub(super) struct Resolved<'a> {
    pub collection: bool,
    pub single: ResolvedSingle<'a>,
}

pub(super) enum ResolvedSingle<'a> {
    Primitive(Primitive),
    Named(QName, Decl<'a>),
}

// ---------------------------------------------------------------------------
// The model of the selection
// ---------------------------------------------------------------------------

struct Builder<'i, 'a> {
    inputs: &'i [Input<'a>],
    indexes: &'i [Index<'a>],
}

impl<'i, 'a> Builder<'i, 'a> {
    /// The first document defining a type, with its declaration.
    fn find_type(&self, q: &QName) -> Option<(&'i Index<'a>, Decl<'a>)> {
        self.indexes.iter().find_map(|ix| {
            ix.types
                .get(&(q.namespace.as_str(), q.name.as_str()))
                .map(|d| (ix, *d))
        })
    }

    /// Each document's declaration of the structured type `q`, in input
    /// order, with the document's cloud.
    fn declarations<'q>(&self, q: &'q QName) -> impl Iterator<Item = Declaration<'i, 'a>> + 'q
    where
        'i: 'q,
        'a: 'q,
    {
        self.inputs
            .iter()
            .zip(self.indexes)
            .filter_map(move |(input, x)| {
                match x.types.get(&(q.namespace.as_str(), q.name.as_str())) {
                    Some(Decl::Struct(s, t)) => Some(Declaration {
                        cloud: input.cloud,
                        index: x,
                        schema: s,
                        t,
                    }),
                    _ => None,
                }
            })
    }

    /// The names, lowercased, that any document declares on an ancestor of
    /// `t` (as the model chains them: each base as its first document has it).
    fn inherited_names(&self, ix: &Index<'a>, t: &StructuredType) -> HashSet<String> {
        let mut names = HashSet::new();
        let mut visited = BTreeSet::new();
        let mut base = t.base_type.as_deref().and_then(|b| referenced(ix, b));
        while let Some(q) = base.take() {
            if !visited.insert(q.clone()) {
                break;
            }
            for d in self.declarations(&q) {
                names.extend(members(d.t).map(|(name, _, _)| name.to_lowercase()));
                if base.is_none() {
                    base =
                        d.t.base_type
                            .as_deref()
                            .and_then(|b| referenced(d.index, b));
                }
            }
        }
        names
    }

    fn availability(&self, has: impl Fn(&Index<'a>) -> bool) -> Availability {
        Availability(
            self.inputs
                .iter()
                .zip(self.indexes)
                .filter(|(_, ix)| has(ix))
                .map(|(i, _)| i.cloud.to_string())
                .collect(),
        )
    }

    fn build(&self, selection: &Selection) -> Result<Model> {
        let all_namespaces: BTreeSet<&str> = self
            .indexes
            .iter()
            .flat_map(|ix| ix.doc.schemas.iter().map(|s| s.namespace.as_str()))
            .collect();
        let selected: Vec<String> = match selection {
            Selection::All => all_namespaces.iter().map(|s| s.to_string()).collect(),
            Selection::Namespaces(list) => {
                let mut out = Vec::new();
                for ns in list {
                    if !all_namespaces.contains(ns.as_str()) {
                        let known = all_namespaces
                            .iter()
                            .copied()
                            .collect::<Vec<_>>()
                            .join(", ");
                        return Err(Error::new(
                            ErrorKind::Usage,
                            format!(
                                "namespace `{ns}` is in none of the documents (they have: {known})"
                            ),
                        ));
                    }
                    out.push(ns.clone());
                }
                out.sort();
                out.dedup();
                out
            }
        };
        let is_selected = |ns: &str| selected.iter().any(|s| s == ns);

        // Operations of the selected namespaces: each overload once, the
        // first document that defines it giving its definition. An overload
        // is the name, the binding and, for functions bound to the same type,
        // the set of parameter names. Each also gets its rank among the
        // overloads of its name and binding, in document order.
        let mut ops: Vec<(&'i Index<'a>, &'a Schema, &'a Operation, String, usize)> = Vec::new();
        let mut seen_ops: BTreeSet<(String, String)> = BTreeSet::new();
        let mut ranks: HashMap<(String, String), usize> = HashMap::new();
        for ix in self.indexes {
            for (&(ns, _), list) in &ix.operations {
                if !is_selected(ns) {
                    continue;
                }
                let schema = ix.operation_schemas[&(ns, list[0].name.as_str())];
                for o in list {
                    let binding = binding_key(ix, o);
                    let name = format!("{ns}.{}", o.name);
                    if seen_ops.insert((name.clone(), overload_key(ix, o))) {
                        let rank = ranks.entry((name, binding.clone())).or_insert(0);
                        ops.push((ix, schema, o, binding, *rank));
                        *rank += 1;
                    }
                }
            }
        }

        // The closure: selected types, then everything they and the operations reference.
        let mut closure: BTreeSet<QName> = BTreeSet::new();
        let mut queue: VecDeque<QName> = VecDeque::new();
        for ix in self.indexes {
            for &(ns, name) in ix.types.keys() {
                if is_selected(ns) {
                    queue.push_back(QName::new(ns, name));
                }
            }
        }
        for (ix, _, o, _, _) in &ops {
            let texts = o
                .parameters
                .iter()
                .map(|p| p.r#type.as_str())
                .chain(o.return_type.iter().map(|r| r.r#type.as_str()));
            for text in texts {
                if let Some(q) = referenced(ix, text) {
                    queue.push_back(q);
                }
            }
        }
        while let Some(q) = queue.pop_front() {
            if closure.contains(&q) {
                continue;
            }
            let Some((ix, decl)) = self.find_type(&q) else {
                continue;
            };
            if let Decl::Struct(_, t) = decl {
                let base = t.base_type.iter().map(|b| referenced(ix, b));
                // Every document's properties: a later one may add some (see `type_def`).
                let properties = self
                    .declarations(&q)
                    .flat_map(|d| members(d.t).map(move |(_, ty, _)| referenced(d.index, ty)));
                for r in base.chain(properties).flatten() {
                    if !closure.contains(&r) {
                        queue.push_back(r);
                    }
                }
            }
            closure.insert(q);
        }
        let names: Vec<QName> = closure.into_iter().collect();
        let ids: HashMap<&QName, TypeId> = names
            .iter()
            .enumerate()
            .map(|(i, q)| (q, TypeId(i as u32)))
            .collect();

        let mut types = Vec::with_capacity(names.len());
        for q in &names {
            let (ix, decl) = self.find_type(q).expect("closure holds declared types");
            types.push(self.type_def(q, ix, decl, &ids)?);
        }
        // Derived-type index.
        for i in 0..types.len() {
            let base = match &types[i].kind {
                TypeKind::Complex(s) | TypeKind::Entity(s) => s.base,
                TypeKind::Enum(_) => None,
            };
            if let Some(b) = base {
                if let TypeKind::Complex(s) | TypeKind::Entity(s) = &mut types[b.0 as usize].kind {
                    s.derived.push(TypeId(i as u32));
                }
            }
        }
        // A property a later document adds to a type (see `type_def`) that a
        // type deriving from it declares too is left to the derived type:
        // else the derived struct would have it twice.
        for i in 0..types.len() {
            let Some(primary) = types[i].availability.0.first().cloned() else {
                continue;
            };
            let (TypeKind::Complex(s) | TypeKind::Entity(s)) = &types[i].kind else {
                continue;
            };
            if s.properties
                .iter()
                .all(|p| p.availability.contains(&primary))
            {
                continue;
            }
            let mut below = HashSet::new();
            let mut stack = s.derived.clone();
            while let Some(d) = stack.pop() {
                if let TypeKind::Complex(ds) | TypeKind::Entity(ds) = &types[d.0 as usize].kind {
                    below.extend(ds.properties.iter().map(|p| p.name.to_lowercase()));
                    stack.extend(&ds.derived);
                }
            }
            if let TypeKind::Complex(s) | TypeKind::Entity(s) = &mut types[i].kind {
                s.properties.retain(|p| {
                    p.availability.contains(&primary) || !below.contains(&p.name.to_lowercase())
                });
            }
        }
        // Keys are inherited: mark key properties on the type that declares them.
        let key_owners: Vec<(usize, Vec<String>)> = types
            .iter()
            .enumerate()
            .filter_map(|(i, t)| match &t.kind {
                TypeKind::Entity(s) if !s.key.is_empty() => Some((i, s.key.clone())),
                _ => None,
            })
            .collect();
        for (i, key) in key_owners {
            if let TypeKind::Entity(s) = &mut types[i].kind {
                for p in &mut s.properties {
                    if key.contains(&p.name) {
                        p.is_key = true;
                    }
                }
            }
        }

        let mut operations = Vec::new();
        let mut unplaced = Vec::new();
        let reaches: Vec<Option<paths::Reach>> =
            self.indexes.iter().map(paths::Reach::new).collect();
        for (ix, schema, o, binding, rank) in ops {
            let q = QName::new(&schema.namespace, &o.name);
            let def = self.operation_def(ix, schema, o, &q, &ids)?;
            let reach = self
                .indexes
                .iter()
                .position(|x| std::ptr::eq(x, ix))
                .and_then(|i| reaches[i].as_ref());
            let def = match (o.is_bound, paths::place(ix, reach, o)) {
                (false, _) => {
                    unplaced.push(Unplaced {
                        operation: q,
                        binding,
                        reason: "unbound; operation imports are not generated".into(),
                    });
                    continue;
                }
                (true, Ok(path)) => OperationDef {
                    path: Some(path),
                    ..def
                },
                (true, Err(reason)) => {
                    unplaced.push(Unplaced {
                        operation: q,
                        binding,
                        reason,
                    });
                    def
                }
            };
            operations.push((rank, def));
        }
        // Names are numbered in this order: an overload found later (a
        // function's second parameter set) comes after every first one of
        // its name, so that it renames nothing.
        operations
            .sort_by_cached_key(|(rank, o)| (o.name.clone(), *rank, format!("{:?}", o.binding)));
        let operations: Vec<OperationDef> = operations.into_iter().map(|(_, o)| o).collect();
        unplaced.sort_by(|a, b| (&a.operation, &a.binding).cmp(&(&b.operation, &b.binding)));

        let mut warnings = self.unresolved_annotation_targets();
        for q in &names {
            warnings.extend(self.differences(q));
        }
        let mut namespaces: Vec<String> = names.iter().map(|q| q.namespace.clone()).collect();
        namespaces.extend(operations.iter().map(|o| o.name.namespace.clone()));
        namespaces.sort();
        namespaces.dedup();
        // A selected namespace that holds no type or operation (a schema of
        // only an entity container, terms or annotations, as in the
        // committed per-cloud slices) has nothing to generate and no module:
        // `selected` stays a subset of `namespaces`.
        let mut selected = selected;
        selected.retain(|ns| namespaces.binary_search(ns).is_ok());
        Ok(Model {
            clouds: self.inputs.iter().map(|i| i.cloud.to_string()).collect(),
            selected,
            namespaces,
            types,
            operations,
            unplaced,
            warnings,
        })
    }

    fn type_ref(
        &self,
        ix: &Index<'a>,
        text: &str,
        at: impl Fn() -> Location,
        ids: &HashMap<&QName, TypeId>,
    ) -> Result<TypeRef> {
        let r = ix.resolve(text, at)?;
        let single = match r.single {
            ResolvedSingle::Primitive(p) => TypeRef::Primitive(p),
            ResolvedSingle::Named(q, _) => TypeRef::Named(*ids.get(&q).ok_or_else(|| {
                Error::new(
                    ErrorKind::UnknownType,
                    format!("`{q}` is outside the closure"),
                )
            })?),
        };
        Ok(if r.collection {
            TypeRef::Collection(Box::new(single))
        } else {
            single
        })
    }

    fn type_def(
        &self,
        q: &QName,
        ix: &Index<'a>,
        decl: Decl<'a>,
        ids: &HashMap<&QName, TypeId>,
    ) -> Result<TypeDef> {
        let target = q.to_string();
        let schema = decl.schema();
        let doc = ix.doc;
        match decl {
            Decl::Enum(_, e) => {
                let facts = ix.facts(&target, &e.annotations);
                let underlying = e
                    .underlying_type
                    .as_deref()
                    .and_then(|u| u.strip_prefix("Edm."))
                    .and_then(Primitive::from_edm)
                    .unwrap_or(Primitive::Int32);
                let mut next = if e.is_flags { 1 } else { 0 };
                let mut members = Vec::new();
                for m in &e.members {
                    let value = match &m.value {
                        Some(v) => v.trim().parse::<i64>().unwrap_or_default(),
                        None => next,
                    };
                    next = value.saturating_add(1);
                    let mtarget = format!("{target}/{}", m.name);
                    let mf = ix.facts(&mtarget, &m.annotations);
                    members.push(MemberDef {
                        name: m.name.clone(),
                        value,
                        doc: mf.doc,
                        availability: self.availability(|x| {
                            matches!(x.types.get(&(q.namespace.as_str(), q.name.as_str())),
                                Some(Decl::Enum(_, xe)) if xe.members.iter().any(|xm| xm.name == m.name))
                        }),
                    });
                }
                Ok(TypeDef {
                    name: q.clone(),
                    kind: TypeKind::Enum(EnumDef {
                        underlying,
                        is_flags: e.is_flags,
                        members,
                    }),
                    doc: facts.doc,
                    availability: self.type_availability(q),
                })
            }
            Decl::Struct(_, t) => {
                let path = struct_path(schema, t);
                let facts = ix.facts(&target, &t.annotations);
                let base = match &t.base_type {
                    Some(b) => match self.type_ref(ix, b, || loc(doc, t.pos, path.clone()), ids)? {
                        TypeRef::Named(id) => Some(id),
                        _ => None,
                    },
                    None => None,
                };
                // `ix` has the first declaration: the one `find_type` gives.
                let declarations: Vec<Declaration<'i, 'a>> = self.declarations(q).collect();
                let clouds = PropertyClouds::new(&declarations, self.type_availability(q));
                let (first, later) = declarations
                    .split_first()
                    .expect("the type is declared where it was found");
                let mut properties = self.declared_properties(q, first, &clouds, ids, |_| true)?;
                // What later documents declare and the first does not (by
                // name in any case, inherited ones included) is added, for
                // the clouds that have it.
                if !later.is_empty() {
                    let mut seen = self.inherited_names(ix, t);
                    seen.extend(members(t).map(|(name, _, _)| name.to_lowercase()));
                    for d in later {
                        properties.extend(self.declared_properties(
                            q,
                            d,
                            &clouds,
                            ids,
                            |name| seen.insert(name.to_lowercase()),
                        )?);
                    }
                }
                let def = StructDef {
                    base,
                    is_abstract: t.is_abstract,
                    is_open: t.open_type,
                    has_stream: t.has_stream,
                    key: t.key.iter().flatten().map(|k| k.name.clone()).collect(),
                    properties,
                    derived: Vec::new(),
                };
                Ok(TypeDef {
                    name: q.clone(),
                    kind: match t.kind {
                        StructuredKind::Complex => TypeKind::Complex(def),
                        StructuredKind::Entity => TypeKind::Entity(def),
                    },
                    doc: facts.doc,
                    availability: clouds.type_clouds,
                })
            }
        }
    }

    fn type_availability(&self, q: &QName) -> Availability {
        self.availability(|ix| {
            ix.types
                .contains_key(&(q.namespace.as_str(), q.name.as_str()))
        })
    }

    /// The properties and navigation properties of the structured type `q`
    /// as one document declares it (`d`), those whose name `keep` accepts.
    fn declared_properties(
        &self,
        q: &QName,
        d: &Declaration<'i, 'a>,
        clouds: &PropertyClouds<'a>,
        ids: &HashMap<&QName, TypeId>,
        mut keep: impl FnMut(&str) -> bool,
    ) -> Result<Vec<PropertyDef>> {
        let (x, t) = (d.index, d.t);
        let target = q.to_string();
        let path = struct_path(d.schema, t);
        let mut properties = Vec::new();
        for p in &t.properties {
            if !keep(&p.name) {
                continue;
            }
            let at = || loc(x.doc, p.pos, format!("{path}/Property[{}]", p.name));
            let pf = x.facts(&format!("{target}/{}", p.name), &p.annotations);
            let (nullable, availability) = clouds.of(&p.name, p.nullable);
            properties.push(PropertyDef {
                name: p.name.clone(),
                ty: self.type_ref(x, &p.r#type, at, ids)?,
                nullable,
                navigation: None,
                computed: pf.computed,
                immutable: pf.immutable,
                is_key: false,
                doc: pf.doc,
                in_every_cloud: clouds.everywhere(&availability),
                availability,
            });
        }
        for n in &t.navigation_properties {
            if !keep(&n.name) {
                continue;
            }
            let at = || {
                loc(
                    x.doc,
                    n.pos,
                    format!("{path}/NavigationProperty[{}]", n.name),
                )
            };
            let nf = x.facts(&format!("{target}/{}", n.name), &n.annotations);
            let (nullable, availability) = clouds.of(&n.name, n.nullable);
            properties.push(PropertyDef {
                name: n.name.clone(),
                ty: self.type_ref(x, &n.r#type, at, ids)?,
                nullable,
                navigation: Some(Navigation {
                    contains_target: n.contains_target,
                    partner: n.partner.clone(),
                    capabilities: nf.capabilities,
                }),
                computed: nf.computed,
                immutable: nf.immutable,
                is_key: false,
                doc: nf.doc,
                in_every_cloud: clouds.everywhere(&availability),
                availability,
            });
        }
        Ok(properties)
    }

    fn operation_def(
        &self,
        ix: &Index<'a>,
        schema: &Schema,
        o: &Operation,
        q: &QName,
        ids: &HashMap<&QName, TypeId>,
    ) -> Result<OperationDef> {
        let path = operation_path(schema, o);
        let doc = ix.doc;
        let target = q.to_string();
        let facts = ix.facts(&target, &o.annotations);
        let mut params = o.parameters.iter();
        let binding = match o.is_bound {
            true => {
                let b = params
                    .next()
                    .expect("checked: bound operations have parameters");
                Some(self.type_ref(
                    ix,
                    &b.r#type,
                    || loc(doc, b.pos, format!("{path}/Parameter[{}]", b.name)),
                    ids,
                )?)
            }
            false => None,
        };
        let overload = overload_key(ix, o);
        // The same operation in each document, where it has one.
        let found: Vec<Option<&'a Operation>> = self
            .indexes
            .iter()
            .map(|x| {
                x.operations
                    .get(&(q.namespace.as_str(), q.name.as_str()))?
                    .iter()
                    .copied()
                    .find(|xo| overload_key(x, xo) == overload)
            })
            .collect();
        // The clouds whose document has the operation, and in it what `has` asks.
        let clouds_where = |has: &dyn Fn(&Operation) -> bool| {
            Availability(
                self.inputs
                    .iter()
                    .zip(&found)
                    .filter(|(_, o)| o.is_some_and(has))
                    .map(|(i, _)| i.cloud.to_string())
                    .collect(),
            )
        };
        let mut parameters = Vec::new();
        for p in params {
            let at = || loc(doc, p.pos, format!("{path}/Parameter[{}]", p.name));
            let pf = facts_inline(&p.annotations);
            let has = |xo: &Operation| xo.parameters.iter().any(|xp| xp.name == p.name);
            parameters.push(ParameterDef {
                name: p.name.clone(),
                ty: self.type_ref(ix, &p.r#type, at, ids)?,
                // Null where any document that has the parameter allows it.
                nullable: found.iter().flatten().any(|xo| {
                    xo.parameters
                        .iter()
                        .any(|xp| xp.name == p.name && xp.nullable != Some(false))
                }),
                optional: pf.optional_parameter,
                doc: pf.doc,
                // An action's parameters may differ between clouds.
                availability: clouds_where(&has),
                in_every_cloud: found.iter().flatten().all(|xo| has(xo)),
            });
        }
        let return_type = match &o.return_type {
            Some(r) => Some(ReturnDef {
                ty: self.type_ref(
                    ix,
                    &r.r#type,
                    || loc(doc, r.pos, format!("{path}/ReturnType")),
                    ids,
                )?,
                nullable: r.nullable.unwrap_or(true),
            }),
            None => None,
        };
        Ok(OperationDef {
            name: q.clone(),
            kind: o.kind,
            binding,
            parameters,
            return_type,
            is_composable: o.is_composable,
            doc: facts.doc,
            availability: clouds_where(&|_| true),
            path: None,
        })
    }

    /// Where the later documents' declarations of the structured type `q`
    /// differ from the first one's in what the first one decides: the base
    /// type and the types of properties both declare.
    fn differences(&self, q: &QName) -> Vec<String> {
        let mut out = Vec::new();
        let mut declarations = self.declarations(q);
        let Some(first) = declarations.next() else {
            return out;
        };
        let base = |d: &Declaration<'i, 'a>| match &d.t.base_type {
            Some(b) => format!("base type `{}`", canonical_type(d.index, b)),
            None => "no base type".to_string(),
        };
        let (cloud, ours) = (first.cloud, base(&first));
        for d in declarations {
            let theirs = base(&d);
            if ours != theirs {
                out.push(format!(
                    "`{q}`: {ours} in {cloud}, {theirs} in {}; {cloud}'s is generated",
                    d.cloud
                ));
            }
            for (name, ty, _) in members(first.t) {
                let Some((_, other, _)) = members(d.t).find(|(n, _, _)| *n == name) else {
                    continue;
                };
                let (ours, theirs) = (
                    canonical_type(first.index, ty),
                    canonical_type(d.index, other),
                );
                if ours != theirs {
                    out.push(format!(
                        "`{q}/{name}`: `{ours}` in {cloud}, `{theirs}` in {}; {cloud}'s is generated",
                        d.cloud
                    ));
                }
            }
        }
        out
    }

    /// Out-of-line annotation targets whose type or operation is in no document.
    fn unresolved_annotation_targets(&self) -> Vec<String> {
        let mut out = BTreeSet::new();
        for (ix, input) in self.indexes.iter().zip(self.inputs) {
            for target in ix.annotations.keys() {
                let head = target.split('/').next().unwrap_or(target);
                let Some((ns, name)) = split_qualified(head) else {
                    continue;
                };
                let known = ix.types.contains_key(&(ns, name))
                    || ix.operations.contains_key(&(ns, name))
                    || ix
                        .container
                        .is_some_and(|(s, c)| s.namespace == ns && c.name == name);
                if !known {
                    out.insert(format!(
                        "{}: annotation target `{target}` does not resolve",
                        input.cloud
                    ));
                }
            }
        }
        out.into_iter().collect()
    }
}

fn facts_inline(annotations: &[Annotation]) -> Facts {
    facts(annotations.iter())
}

/// Refuses a valid CSDL name that has no Rust name (see [`has_rust_name`]).
fn rust_name(name: &str, what: &str, at: impl Fn() -> Location) -> Result<()> {
    if has_rust_name(name) {
        return Ok(());
    }
    let rest = if name.bytes().all(|b| b == b'_' || b == b'-') {
        "nothing is left"
    } else {
        "it starts with a digit"
    };
    Err(Error::at(
        ErrorKind::InvalidName,
        at(),
        format!(
            "`{name}` is a valid CSDL {what}, but has no Rust name: once the leading \
             underscores are dropped, {rest} (a limit of this generator)"
        ),
    ))
}

/// The values an integer type holds, for enum member values.
fn integer_range(p: Primitive) -> (i64, i64) {
    match p {
        Primitive::Byte => (0, u8::MAX.into()),
        Primitive::SByte => (i8::MIN.into(), i8::MAX.into()),
        Primitive::Int16 => (i16::MIN.into(), i16::MAX.into()),
        Primitive::Int32 => (i32::MIN.into(), i32::MAX.into()),
        _ => (i64::MIN, i64::MAX),
    }
}

/// The binding parameter's type with aliases expanded, as a key for overloads.
fn binding_key(ix: &Index<'_>, o: &Operation) -> String {
    if !o.is_bound {
        return String::new();
    }
    match o.parameters.first() {
        Some(p) => canonical_type(ix, &p.r#type),
        None => String::new(),
    }
}

/// One document's declaration of a structured type.
struct Declaration<'i, 'a> {
    cloud: &'i str,
    index: &'i Index<'a>,
    schema: &'a Schema,
    t: &'a StructuredType,
}

/// Where each property of a structured type is, across the documents that
/// declare the type, and whether any of them lets it be null.
struct PropertyClouds<'a> {
    /// The clouds that have the type.
    type_clouds: Availability,
    /// By name; `None` when one document declares the type, which then
    /// says it all (most types: no map to build).
    by_name: Option<HashMap<&'a str, (bool, Availability)>>,
    /// The clouds of the first declaration's document.
    first: Availability,
}

impl<'a> PropertyClouds<'a> {
    /// `type_clouds`: the clouds whose document has a type of that name.
    fn new(declarations: &[Declaration<'_, 'a>], type_clouds: Availability) -> Self {
        let first = Availability(
            declarations
                .iter()
                .take(1)
                .map(|d| d.cloud.to_string())
                .collect(),
        );
        if declarations.len() == 1 {
            return PropertyClouds {
                type_clouds,
                by_name: None,
                first,
            };
        }
        let mut by_name: HashMap<&'a str, (bool, Availability)> = HashMap::new();
        for d in declarations {
            for (name, _, nullable) in members(d.t) {
                let (null, clouds) = by_name
                    .entry(name)
                    .or_insert_with(|| (false, Availability(Vec::new())));
                *null |= nullable != Some(false);
                if !clouds.contains(d.cloud) {
                    clouds.0.push(d.cloud.to_string());
                }
            }
        }
        PropertyClouds {
            type_clouds,
            by_name: Some(by_name),
            first,
        }
    }

    /// Whether any document lets the property `name` be null (`nullable`
    /// is what the one at hand writes), and its clouds.
    fn of(&self, name: &str, nullable: Option<bool>) -> (bool, Availability) {
        match &self.by_name {
            None => (nullable != Some(false), self.first.clone()),
            Some(by_name) => {
                let (null, clouds) = &by_name[name];
                (*null, clouds.clone())
            }
        }
    }

    /// Every document with the type declares a property of these clouds.
    fn everywhere(&self, clouds: &Availability) -> bool {
        self.type_clouds.0.iter().all(|c| clouds.contains(c))
    }
}

/// What tells one overload from another. CSDL allows one action of a name
/// per binding type, so an action is its binding; functions bound to one
/// type differ by the set of their other parameters' names. The same action
/// with other parameters in another cloud's document is the same action.
fn overload_key(ix: &Index<'_>, o: &Operation) -> String {
    let binding = binding_key(ix, o);
    if o.kind == OperationKind::Action {
        return binding;
    }
    let mut names: Vec<&str> = other_parameters(o).collect();
    names.sort_unstable();
    format!("{binding}({})", names.join(","))
}

/// The names of an operation's parameters after its binding parameter.
fn other_parameters(o: &Operation) -> impl Iterator<Item = &str> {
    o.parameters
        .iter()
        .skip(usize::from(o.is_bound))
        .map(|p| p.name.as_str())
}

/// A type reference with its namespace alias expanded, to compare references
/// across documents (as written when it does not parse).
fn canonical_type(ix: &Index<'_>, text: &str) -> String {
    match parse_type_ref(text) {
        Ok(r) => {
            let name = format!("{}.{}", ix.namespace_of(r.namespace), r.name);
            if r.collection {
                format!("Collection({name})")
            } else {
                name
            }
        }
        Err(_) => text.to_string(),
    }
}

/// A structured type's own properties and navigation properties: name, type
/// and `Nullable` as written.
fn members(t: &StructuredType) -> impl Iterator<Item = (&str, &str, Option<bool>)> {
    let properties = t
        .properties
        .iter()
        .map(|p| (p.name.as_str(), p.r#type.as_str(), p.nullable));
    let navigations = t
        .navigation_properties
        .iter()
        .map(|n| (n.name.as_str(), n.r#type.as_str(), n.nullable));
    properties.chain(navigations)
}

/// The declared type a reference names (not a primitive), if it resolves.
fn referenced(ix: &Index<'_>, text: &str) -> Option<QName> {
    let r = parse_type_ref(text).ok()?;
    if r.namespace == "Edm" {
        return None;
    }
    match ix.lookup(r.namespace, r.name)? {
        Decl::Enum(s, e) => Some(QName::new(&s.namespace, &e.name)),
        Decl::Struct(s, t) => Some(QName::new(&s.namespace, &t.name)),
    }
}
