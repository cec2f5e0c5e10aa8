//! One document indexed by name, with its aliases and out-of-line
//! annotations, and what the checks and passes ask of its syntax tree.

use std::collections::{BTreeMap, HashMap};

use crate::csdl::ast::{
    Annotation, Document, EntityContainer, EnumType, Operation, OperationKind, Pos, Schema,
    SchemaItem, StructuredKind, StructuredType,
};
use crate::error::{Error, ErrorKind, Location, Result};

use super::annotations::{facts, Facts};
use super::names::{has_rust_name, is_simple_identifier, parse_type_ref, split_qualified};
use super::{Primitive, QName};

/// A type declaration and the schema it is declared in.
#[derive(Clone, Copy)]
pub(super) enum Decl<'a> {
    Enum(&'a Schema, &'a EnumType),
    Struct(&'a Schema, &'a StructuredType),
}

impl<'a> Decl<'a> {
    pub(super) fn schema(&self) -> &'a Schema {
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
    pub operation_schemas: HashMap<(&'a str, &'a str), &'a Schema>,
    pub container: Option<(&'a Schema, &'a EntityContainer)>,
    /// Out-of-line annotations by target, with the target's alias expanded.
    pub annotations: HashMap<String, Vec<&'a Annotation>>,
}

pub(super) fn loc(doc: &Document, pos: Pos, element: impl Into<String>) -> Location {
    Location::new(doc.source.clone(), pos, element)
}

pub(super) fn schema_path(s: &Schema) -> String {
    format!("Schema[{}]", s.namespace)
}

pub(super) fn struct_path(s: &Schema, t: &StructuredType) -> String {
    let kind = match t.kind {
        StructuredKind::Complex => "ComplexType",
        StructuredKind::Entity => "EntityType",
    };
    format!("{}/{kind}[{}]", schema_path(s), t.name)
}

pub(super) fn operation_path(s: &Schema, o: &Operation) -> String {
    let kind = match o.kind {
        OperationKind::Action => "Action",
        OperationKind::Function => "Function",
    };
    format!("{}/{kind}[{}]", schema_path(s), o.name)
}

impl<'a> Index<'a> {
    pub(super) fn new(doc: &'a Document) -> Result<Self> {
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
}

pub(super) struct Resolved<'a> {
    pub collection: bool,
    pub single: ResolvedSingle<'a>,
}

pub(super) enum ResolvedSingle<'a> {
    Primitive(Primitive),
    Named(QName, Decl<'a>),
}

/// Refuses a valid CSDL name that has no Rust name (see [`has_rust_name`]).
pub(super) fn rust_name(name: &str, what: &str, at: impl Fn() -> Location) -> Result<()> {
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

/// The binding parameter's type with aliases expanded, as a key for overloads.
pub(super) fn binding_key(ix: &Index<'_>, o: &Operation) -> String {
    if !o.is_bound {
        return String::new();
    }
    match o.parameters.first() {
        Some(p) => canonical_type(ix, &p.r#type),
        None => String::new(),
    }
}

/// What tells one overload from another. CSDL allows one action of a name
/// per binding type, so an action is its binding; functions bound to one
/// type differ by the set of their other parameters' names. The same action
/// with other parameters in another cloud's document is the same action.
pub(super) fn overload_key(ix: &Index<'_>, o: &Operation) -> String {
    let binding = binding_key(ix, o);
    if o.kind == OperationKind::Action {
        return binding;
    }
    let mut names: Vec<&str> = other_parameters(o).collect();
    names.sort_unstable();
    format!("{binding}({})", names.join(","))
}

/// The names of an operation's parameters after its binding parameter.
pub(super) fn other_parameters(o: &Operation) -> impl Iterator<Item = &str> {
    o.parameters
        .iter()
        .skip(usize::from(o.is_bound))
        .map(|p| p.name.as_str())
}

/// A type reference with its namespace alias expanded, to compare references
/// across documents (as written when it does not parse).
pub(super) fn canonical_type(ix: &Index<'_>, text: &str) -> String {
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
pub(super) fn members(t: &StructuredType) -> impl Iterator<Item = (&str, &str, Option<bool>)> {
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
pub(super) fn referenced(ix: &Index<'_>, text: &str) -> Option<QName> {
    let r = parse_type_ref(text).ok()?;
    if r.namespace == "Edm" {
        return None;
    }
    match ix.lookup(r.namespace, r.name)? {
        Decl::Enum(s, e) => Some(QName::new(&s.namespace, &e.name)),
        Decl::Struct(s, t) => Some(QName::new(&s.namespace, &t.name)),
    }
}

/// An enum's underlying type: `Edm.Int32` unless it names an Edm primitive
/// (the checks refuse one that is not an integer type).
pub(super) fn underlying_type(e: &EnumType) -> Primitive {
    e.underlying_type
        .as_deref()
        .and_then(|u| u.strip_prefix("Edm."))
        .and_then(Primitive::from_edm)
        .unwrap_or(Primitive::Int32)
}
