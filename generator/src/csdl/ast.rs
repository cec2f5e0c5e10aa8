//! The syntax tree of a CSDL (EDMX) document: every element and attribute the
//! Microsoft Graph documents use, as written, with the position of each element.
//!
//! No semantic decisions are made here: names stay as written (qualified or
//! aliased), types stay strings (`Collection(graph.entity)`), and attributes
//! keep their text, so later stages can report the exact source of a problem.

/// A 1-based line and column in the source text, pointing at an element's `<`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Pos {
    pub line: u32,
    pub col: u32,
}

/// `edmx:Edmx`.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// A name for the source (usually its path), used in error messages.
    pub source: String,
    /// The `Version` attribute of `edmx:Edmx` (always "4.0" for Graph).
    pub version: String,
    pub schemas: Vec<Schema>,
    pub pos: Pos,
}

/// `Schema`.
#[derive(Debug, Clone, PartialEq)]
pub struct Schema {
    pub namespace: String,
    pub alias: Option<String>,
    /// Children in document order.
    pub items: Vec<SchemaItem>,
    pub pos: Pos,
}

/// A child of a `Schema`. Each kind is boxed: a schema holds thousands, of
/// sizes from about 80 bytes (`Annotations`) to 280 (`Operation`), and an
/// unboxed list would give each the largest one's room.
#[derive(Debug, Clone, PartialEq)]
pub enum SchemaItem {
    EnumType(Box<EnumType>),
    ComplexType(Box<StructuredType>),
    EntityType(Box<StructuredType>),
    Action(Box<Operation>),
    Function(Box<Operation>),
    Term(Box<Term>),
    EntityContainer(Box<EntityContainer>),
    Annotations(Box<Annotations>),
}

/// `EnumType`.
#[derive(Debug, Clone, PartialEq)]
pub struct EnumType {
    pub name: String,
    /// `UnderlyingType`, e.g. `Edm.Int32`; `None` means `Edm.Int32`.
    pub underlying_type: Option<String>,
    pub is_flags: bool,
    pub members: Vec<Member>,
    pub annotations: Vec<Annotation>,
    pub pos: Pos,
}

/// `Member` of an `EnumType`.
#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    pub name: String,
    /// The `Value` attribute as written; `None` when implicit.
    pub value: Option<String>,
    pub annotations: Vec<Annotation>,
    pub pos: Pos,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StructuredKind {
    Complex,
    Entity,
}

/// `ComplexType` or `EntityType`.
#[derive(Debug, Clone, PartialEq)]
pub struct StructuredType {
    pub kind: StructuredKind,
    pub name: String,
    pub base_type: Option<String>,
    pub is_abstract: bool,
    pub open_type: bool,
    /// `HasStream` (entity types only).
    pub has_stream: bool,
    /// `Key` (entity types only): the `PropertyRef` names.
    pub key: Option<Vec<PropertyRef>>,
    pub properties: Vec<Property>,
    pub navigation_properties: Vec<NavigationProperty>,
    pub annotations: Vec<Annotation>,
    pub pos: Pos,
}

/// `PropertyRef` inside `Key`.
#[derive(Debug, Clone, PartialEq)]
pub struct PropertyRef {
    pub name: String,
    pub alias: Option<String>,
    pub pos: Pos,
}

/// `Property`.
#[derive(Debug, Clone, PartialEq)]
pub struct Property {
    pub name: String,
    /// `Type` as written: `Edm.String`, `graph.entity`, `Collection(...)`.
    pub r#type: String,
    /// `Nullable`; `None` when absent (which CSDL defines as `true`).
    pub nullable: Option<bool>,
    pub default_value: Option<String>,
    pub unicode: Option<bool>,
    /// `MaxLength`, `Precision`, `Scale` and `SRID`; `None` when all are absent.
    pub facets: Option<Box<Facets>>,
    pub annotations: Vec<Annotation>,
    pub pos: Pos,
}

/// The facets `MaxLength`, `Precision`, `Scale` and `SRID` as written.
/// Boxed where they occur: most elements have none, and the syntax tree of
/// a large document is smaller for it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Facets {
    pub max_length: Option<String>,
    pub precision: Option<String>,
    pub scale: Option<String>,
    pub srid: Option<String>,
}

/// What [`Property::facets()`] and its like give for an element without facets.
static NO_FACETS: Facets = Facets {
    max_length: None,
    precision: None,
    scale: None,
    srid: None,
};

macro_rules! facets_accessor {
    ($($node:ty),*) => {$(
        impl $node {
            /// The facets, all `None` when the element has none.
            pub fn facets(&self) -> &Facets {
                self.facets.as_deref().unwrap_or(&NO_FACETS)
            }
        }
    )*};
}

facets_accessor!(Property, Parameter, ReturnType);

/// `NavigationProperty`.
#[derive(Debug, Clone, PartialEq)]
pub struct NavigationProperty {
    pub name: String,
    pub r#type: String,
    pub nullable: Option<bool>,
    pub partner: Option<String>,
    pub contains_target: bool,
    pub annotations: Vec<Annotation>,
    pub pos: Pos,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OperationKind {
    Action,
    Function,
}

/// `Action` or `Function`.
#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    pub kind: OperationKind,
    pub name: String,
    pub is_bound: bool,
    /// `IsComposable` (functions only).
    pub is_composable: bool,
    pub entity_set_path: Option<String>,
    pub parameters: Vec<Parameter>,
    pub return_type: Option<ReturnType>,
    pub annotations: Vec<Annotation>,
    pub pos: Pos,
}

/// `Parameter`.
#[derive(Debug, Clone, PartialEq)]
pub struct Parameter {
    pub name: String,
    pub r#type: String,
    pub nullable: Option<bool>,
    pub unicode: Option<bool>,
    /// `MaxLength`, `Precision`, `Scale` and `SRID`; `None` when all are absent.
    pub facets: Option<Box<Facets>>,
    pub annotations: Vec<Annotation>,
    pub pos: Pos,
}

/// `ReturnType`.
#[derive(Debug, Clone, PartialEq)]
pub struct ReturnType {
    pub r#type: String,
    pub nullable: Option<bool>,
    pub unicode: Option<bool>,
    /// `MaxLength`, `Precision`, `Scale` and `SRID`; `None` when all are absent.
    pub facets: Option<Box<Facets>>,
    pub annotations: Vec<Annotation>,
    pub pos: Pos,
}

/// `Term`.
#[derive(Debug, Clone, PartialEq)]
pub struct Term {
    pub name: String,
    pub r#type: String,
    pub base_term: Option<String>,
    pub applies_to: Option<String>,
    pub nullable: Option<bool>,
    pub default_value: Option<String>,
    pub annotations: Vec<Annotation>,
    pub pos: Pos,
}

/// `EntityContainer`.
#[derive(Debug, Clone, PartialEq)]
pub struct EntityContainer {
    pub name: String,
    pub extends: Option<String>,
    pub entity_sets: Vec<EntitySet>,
    pub singletons: Vec<Singleton>,
    pub annotations: Vec<Annotation>,
    pub pos: Pos,
}

/// `EntitySet`.
#[derive(Debug, Clone, PartialEq)]
pub struct EntitySet {
    pub name: String,
    pub entity_type: String,
    pub include_in_service_document: Option<bool>,
    pub bindings: Vec<NavigationPropertyBinding>,
    pub annotations: Vec<Annotation>,
    pub pos: Pos,
}

/// `Singleton`.
#[derive(Debug, Clone, PartialEq)]
pub struct Singleton {
    pub name: String,
    pub r#type: String,
    pub bindings: Vec<NavigationPropertyBinding>,
    pub annotations: Vec<Annotation>,
    pub pos: Pos,
}

/// `NavigationPropertyBinding`.
#[derive(Debug, Clone, PartialEq)]
pub struct NavigationPropertyBinding {
    pub path: String,
    pub target: String,
    pub pos: Pos,
}

/// Out-of-line `Annotations Target="..."`.
#[derive(Debug, Clone, PartialEq)]
pub struct Annotations {
    pub target: String,
    pub qualifier: Option<String>,
    pub annotations: Vec<Annotation>,
    pub pos: Pos,
}

/// `Annotation Term="..."`, inline or inside `Annotations`.
#[derive(Debug, Clone, PartialEq)]
pub struct Annotation {
    pub term: String,
    pub qualifier: Option<String>,
    /// The value, from a constant attribute (`Bool="true"`) or a child
    /// expression element; `None` when the annotation has neither (the
    /// term's default applies, `true` for Core tags).
    pub value: Option<Expr>,
    /// Annotations of the annotation.
    pub annotations: Vec<Annotation>,
    pub pos: Pos,
}

/// An annotation expression (CSDL XML section 14.4), constant or dynamic.
/// Constants keep their text as written.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    Binary(String),
    Bool(bool),
    Date(String),
    DateTimeOffset(String),
    Decimal(String),
    Duration(String),
    EnumMember(String),
    Float(String),
    Guid(String),
    Int(String),
    String(String),
    TimeOfDay(String),
    AnnotationPath(String),
    ModelElementPath(String),
    NavigationPropertyPath(String),
    Path(String),
    PropertyPath(String),
    Null,
    Collection(Vec<Expr>),
    /// Boxed: records are rare, and the other expressions are small.
    Record(Box<Record>),
}

/// `Record` expression.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    pub r#type: Option<String>,
    pub property_values: Vec<PropertyValue>,
    pub annotations: Vec<Annotation>,
    pub pos: Pos,
}

impl Record {
    /// The value of the first `PropertyValue` of `property`, if it has one.
    pub fn value(&self, property: &str) -> Option<&Expr> {
        self.property_values
            .iter()
            .find(|pv| pv.property == property)
            .and_then(|pv| pv.value.as_ref())
    }
}

/// `PropertyValue` inside a `Record`.
#[derive(Debug, Clone, PartialEq)]
pub struct PropertyValue {
    pub property: String,
    pub value: Option<Expr>,
    pub annotations: Vec<Annotation>,
    pub pos: Pos,
}
