//! Stage 2: the resolved semantic model.
//!
//! Built from one or more syntax trees (one per national cloud) by [`build()`]:
//! names are resolved (qualified or aliased, `Collection(...)`), base-type
//! chains checked, annotations that matter to code applied, the closure of the
//! selected namespaces computed, bound operations placed on URLs derived from
//! the entity container, batch operations recognised, the resources the
//! container reaches listed with the methods their Capabilities allow,
//! documented service facts resolved, and availability per cloud recorded.
//! Emitters read only this model, never the XML, and decide nothing it
//! decides.

mod annotations;
mod batch;
mod build;
mod capabilities;
mod check;
mod closure;
mod documents;
mod hierarchy;
mod index;
mod names;
mod operations;
mod paths;
mod resources;
mod roots;
mod service;
mod types;
mod warnings;

use std::fmt;

pub(crate) use annotations::term_name;
pub use build::{build, Selection};
pub use capabilities::{
    Decided, Navigability, QueryCapabilities, ResolvedCapabilities, UpdateMethod,
};
pub use documents::Input;
pub use names::{parse_type_ref, RawTypeRef};
pub use resources::{Method, Resource, Root, Verb, Via};
pub use service::{Fact, LongRunningUpdate, ServiceFact};

/// A namespace-qualified name, always with the full namespace (never an alias).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct QName {
    pub namespace: String,
    pub name: String,
}

impl QName {
    pub fn new(namespace: impl Into<String>, name: impl Into<String>) -> Self {
        QName {
            namespace: namespace.into(),
            name: name.into(),
        }
    }
}

impl fmt::Display for QName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.namespace, self.name)
    }
}

/// Index of a type in [`Model::types`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TypeId(pub u32);

/// The clouds (input labels) in which an element exists, in input order.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Availability(pub Vec<String>);

impl Availability {
    pub fn contains(&self, cloud: &str) -> bool {
        self.0.iter().any(|c| c == cloud)
    }
}

/// The resolved model of the selected namespaces and their closure.
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    /// The input labels (clouds), in input order; the first is the primary.
    pub clouds: Vec<String>,
    /// The selected namespaces, sorted.
    pub selected: Vec<String>,
    /// Every namespace that holds a type or operation of the model, sorted.
    pub namespaces: Vec<String>,
    /// Types, sorted by qualified name; [`TypeId`] indexes this.
    pub types: Vec<TypeDef>,
    /// Bound operations of the selected namespaces, each placed on a URL or
    /// not (with why), sorted by name then binding.
    pub operations: Vec<OperationDef>,
    /// Unbound operations of the selected namespaces, sorted by name. They
    /// are reached only through the entity container's operation imports,
    /// which are not generated: no binding, no URL, no request type, listed
    /// so that none is dropped silently.
    pub unbound: Vec<UnboundOperation>,
    /// The entity sets, then the singletons, of the entity containers
    /// whose entity type is in the model, in document order.
    pub roots: Vec<Root>,
    /// Every URL the container reaches, each once, with the methods it
    /// allows (see [`Resource`]), in breadth-first order from the roots.
    pub resources: Vec<Resource>,
    /// The documented facts about the service that the metadata lacks
    /// (limits, long-running updates), for the types of the model.
    pub service_facts: Vec<ServiceFact>,
    /// Non-fatal findings: annotation targets that do not resolve, and base
    /// or property types on which later documents differ from the first.
    pub warnings: Vec<String>,
}

impl Model {
    pub fn ty(&self, id: TypeId) -> &TypeDef {
        &self.types[id.0 as usize]
    }

    pub fn type_id(&self, name: &QName) -> Option<TypeId> {
        self.types
            .binary_search_by(|t| t.name.cmp(name))
            .ok()
            .map(|i| TypeId(i as u32))
    }

    /// The struct view of a complex or entity type.
    pub fn structure(&self, id: TypeId) -> Option<&StructDef> {
        match &self.ty(id).kind {
            TypeKind::Complex(s) | TypeKind::Entity(s) => Some(s),
            TypeKind::Enum(_) => None,
        }
    }

    /// Base types from the direct base up to the root.
    pub fn ancestors(&self, id: TypeId) -> Vec<TypeId> {
        let mut out = Vec::new();
        let mut cur = self.structure(id).and_then(|s| s.base);
        while let Some(b) = cur {
            out.push(b);
            cur = self.structure(b).and_then(|s| s.base);
        }
        out
    }

    /// Every property of a structured type, inherited ones first (root base first).
    pub fn all_properties(&self, id: TypeId) -> Vec<&PropertyDef> {
        let mut chain = self.ancestors(id);
        chain.reverse();
        chain.push(id);
        chain
            .into_iter()
            .filter_map(|t| self.structure(t))
            .flat_map(|s| s.properties.iter())
            .collect()
    }

    /// All types deriving from `id`, directly or not, sorted by qualified name.
    pub fn descendants(&self, id: TypeId) -> Vec<TypeId> {
        let mut out = Vec::new();
        let mut stack = vec![id];
        while let Some(t) = stack.pop() {
            if let Some(s) = self.structure(t) {
                for &d in &s.derived {
                    out.push(d);
                    stack.push(d);
                }
            }
        }
        out.sort();
        out.dedup();
        out
    }

    /// Whether `id` is `ancestor` or derives from it.
    pub fn is_a(&self, id: TypeId, ancestor: TypeId) -> bool {
        id == ancestor || self.ancestors(id).contains(&ancestor)
    }
}

/// A type of the model.
#[derive(Debug, Clone, PartialEq)]
pub struct TypeDef {
    pub name: QName,
    pub kind: TypeKind,
    pub doc: Doc,
    pub availability: Availability,
    /// A value of the type can hold a member of an evolvable enum declared
    /// after `unknownFutureValue` ([`MemberDef::after_unknown_future_value`]),
    /// through its properties (not navigation properties), base and derived
    /// types and collections: Graph sends such members only to requests
    /// with `Prefer: include-unknown-enum-members`, `unknownFutureValue`
    /// otherwise.
    pub evolvable: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub enum TypeKind {
    Enum(EnumDef),
    Complex(StructDef),
    Entity(StructDef),
}

impl TypeKind {
    pub fn csdl_name(&self) -> &'static str {
        match self {
            TypeKind::Enum(_) => "EnumType",
            TypeKind::Complex(_) => "ComplexType",
            TypeKind::Entity(_) => "EntityType",
        }
    }
}

/// What the annotations say about an element, for its documentation.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Doc {
    /// Core.Description.
    pub description: Option<String>,
    /// Core.LongDescription.
    pub long_description: Option<String>,
    /// Core.Revisions with Kind Deprecated.
    pub deprecation: Option<Deprecation>,
}

/// A Core.Revisions entry of kind Deprecated.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Deprecation {
    pub date: Option<String>,
    pub removal_date: Option<String>,
    pub description: Option<String>,
    pub version: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct EnumDef {
    /// The underlying integer type, e.g. `Edm.Int32`.
    pub underlying: Primitive,
    pub is_flags: bool,
    pub members: Vec<MemberDef>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct MemberDef {
    pub name: String,
    pub value: i64,
    pub doc: Doc,
    pub availability: Availability,
    /// Declared after a member named `unknownFutureValue`: sent and taken
    /// only with `Prefer: include-unknown-enum-members`.
    pub after_unknown_future_value: bool,
}

/// A complex or entity type.
#[derive(Debug, Clone, PartialEq)]
pub struct StructDef {
    pub base: Option<TypeId>,
    pub is_abstract: bool,
    pub is_open: bool,
    pub has_stream: bool,
    /// Key property names (entity types; inherited keys are on the base).
    pub key: Vec<String>,
    /// Properties and navigation properties declared on this type, in document order.
    pub properties: Vec<PropertyDef>,
    /// Types in the model deriving directly from this one, sorted.
    pub derived: Vec<TypeId>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PropertyDef {
    pub name: String,
    pub ty: TypeRef,
    /// `Nullable` is not false in some document that declares it (absent
    /// means true).
    pub nullable: bool,
    pub navigation: Option<Navigation>,
    /// Core.Computed: set by the service, read-only for clients.
    pub computed: bool,
    /// Core.Immutable: can be set on create, never changed.
    pub immutable: bool,
    /// Part of the entity key (of this type or an ancestor).
    pub is_key: bool,
    pub doc: Doc,
    pub availability: Availability,
    /// Every document that has the declaring type declares this property;
    /// else values from some cloud come without it.
    pub in_every_cloud: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Navigation {
    pub contains_target: bool,
    pub partner: Option<String>,
    /// What the annotations state of read, insert, update and delete.
    pub capabilities: Capabilities,
    /// Every method and query option the annotations allow, with defaults,
    /// each with the annotation that decided it.
    pub resolved: ResolvedCapabilities,
}

/// The Capabilities read, insert, update and delete restrictions an
/// element's annotations state (`None`: not stated); see
/// [`ResolvedCapabilities`] for the decisions with defaults.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Capabilities {
    pub readable: Option<bool>,
    pub insertable: Option<bool>,
    pub updatable: Option<bool>,
    pub deletable: Option<bool>,
}

impl Capabilities {
    pub fn is_empty(&self) -> bool {
        *self == Capabilities::default()
    }
}

/// A reference to a type.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum TypeRef {
    Primitive(Primitive),
    Named(TypeId),
    Collection(Box<TypeRef>),
}

impl TypeRef {
    pub fn is_collection(&self) -> bool {
        matches!(self, TypeRef::Collection(_))
    }

    /// The element type of a collection, or the type itself.
    pub fn element(&self) -> &TypeRef {
        match self {
            TypeRef::Collection(inner) => inner,
            other => other,
        }
    }

    pub fn named(&self) -> Option<TypeId> {
        match self.element() {
            TypeRef::Named(id) => Some(*id),
            _ => None,
        }
    }
}

/// The Edm primitive types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Primitive {
    Binary,
    Boolean,
    Byte,
    Date,
    DateTimeOffset,
    Decimal,
    Double,
    Duration,
    Guid,
    Int16,
    Int32,
    Int64,
    SByte,
    Single,
    Stream,
    String,
    TimeOfDay,
    Untyped,
    Geography,
    GeographyPoint,
    GeographyLineString,
    GeographyPolygon,
    GeographyMultiPoint,
    GeographyMultiLineString,
    GeographyMultiPolygon,
    GeographyCollection,
    Geometry,
    GeometryPoint,
    GeometryLineString,
    GeometryPolygon,
    GeometryMultiPoint,
    GeometryMultiLineString,
    GeometryMultiPolygon,
    GeometryCollection,
}

impl Primitive {
    /// The primitive for an `Edm.*` simple name.
    pub fn from_edm(name: &str) -> Option<Primitive> {
        use Primitive::*;
        Some(match name {
            "Binary" => Binary,
            "Boolean" => Boolean,
            "Byte" => Byte,
            "Date" => Date,
            "DateTimeOffset" => DateTimeOffset,
            "Decimal" => Decimal,
            "Double" => Double,
            "Duration" => Duration,
            "Guid" => Guid,
            "Int16" => Int16,
            "Int32" => Int32,
            "Int64" => Int64,
            "SByte" => SByte,
            "Single" => Single,
            "Stream" => Stream,
            "String" => String,
            "TimeOfDay" => TimeOfDay,
            "Untyped" => Untyped,
            "Geography" => Geography,
            "GeographyPoint" => GeographyPoint,
            "GeographyLineString" => GeographyLineString,
            "GeographyPolygon" => GeographyPolygon,
            "GeographyMultiPoint" => GeographyMultiPoint,
            "GeographyMultiLineString" => GeographyMultiLineString,
            "GeographyMultiPolygon" => GeographyMultiPolygon,
            "GeographyCollection" => GeographyCollection,
            "Geometry" => Geometry,
            "GeometryPoint" => GeometryPoint,
            "GeometryLineString" => GeometryLineString,
            "GeometryPolygon" => GeometryPolygon,
            "GeometryMultiPoint" => GeometryMultiPoint,
            "GeometryMultiLineString" => GeometryMultiLineString,
            "GeometryMultiPolygon" => GeometryMultiPolygon,
            "GeometryCollection" => GeometryCollection,
            _ => return None,
        })
    }

    pub fn is_integer(self) -> bool {
        matches!(
            self,
            Primitive::Byte
                | Primitive::SByte
                | Primitive::Int16
                | Primitive::Int32
                | Primitive::Int64
        )
    }
}

/// An action (POST, may have effects) or a function (GET, none).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OperationKind {
    Action,
    Function,
}

/// A bound action or function of a selected namespace.
#[derive(Debug, Clone, PartialEq)]
pub struct OperationDef {
    pub name: QName,
    pub kind: OperationKind,
    /// The binding parameter's type.
    pub binding: TypeRef,
    /// Parameters after the binding parameter.
    pub parameters: Vec<ParameterDef>,
    pub return_type: Option<ReturnDef>,
    pub is_composable: bool,
    pub doc: Doc,
    pub availability: Availability,
    /// The URL the operation is reached at, or why none could be derived.
    pub placement: Result<UrlPath, NotPlaced>,
    /// Set when the operation takes a collection of items and answers with
    /// one result per item.
    pub batch: Option<BatchShape>,
}

/// Why an operation has no URL (and so no request type).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotPlaced {
    pub reason: String,
}

/// An action that takes a collection of items and answers with one result
/// per item, each result saying whether its item failed. Decided from the
/// CSDL (see `batch`): the result type derives from the item type, has no
/// derived types, and declares exactly one single-valued property of a
/// complex type that the item type does not have, which carries the failure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchShape {
    /// Index in [`OperationDef::parameters`] of the collection of items.
    pub items_parameter: usize,
    /// The type of the items.
    pub item: TypeId,
    /// The type of the results, one per item.
    pub result: TypeId,
    /// The CSDL name of the result's property that carries an item's failure.
    pub error_property: String,
    /// The most items one call takes, where the service documents it (see
    /// `service`); the CSDL does not say.
    pub max_items: Option<usize>,
}

/// An unbound operation of a selected namespace (see [`Model::unbound`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnboundOperation {
    pub name: QName,
    pub not_placed: NotPlaced,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ParameterDef {
    pub name: String,
    pub ty: TypeRef,
    pub nullable: bool,
    /// Core.OptionalParameter.
    pub optional: bool,
    pub doc: Doc,
    /// The clouds whose document gives the operation this parameter (an
    /// action's parameters may differ between clouds).
    pub availability: Availability,
    /// Every document with the operation gives it this parameter; else calls
    /// to some cloud go without it.
    pub in_every_cloud: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ReturnDef {
    pub ty: TypeRef,
    pub nullable: bool,
}

/// A URL below the service root, from the entity container down navigation
/// properties and type casts (see `paths`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UrlPath {
    pub segments: Vec<PathSegment>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathSegment {
    /// A fixed segment: an entity set, singleton, navigation property or operation name.
    Literal(String),
    /// A key segment addressing one entity of the collection before it;
    /// `entity` is the entity type it addresses (used to name the parameter).
    Key { entity: QName },
}

impl fmt::Display for UrlPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for s in &self.segments {
            match s {
                PathSegment::Literal(l) => write!(f, "/{l}")?,
                PathSegment::Key { entity } => write!(f, "/{{{}-id}}", entity.name)?,
            }
        }
        Ok(())
    }
}
