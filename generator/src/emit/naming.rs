//! Every naming rule of the generated code, in one place.
//!
//! CSDL names are camelCase identifiers; Rust wants UpperCamelCase types and
//! variants, snake_case fields and modules. Conversion can make two CSDL
//! names equal (`remoteControlSoftware` and `remote_Control_Software` in
//! `windowsMalwareCategory`), or hit a keyword or a name the generated code
//! itself uses: [`Scope`] hands out unique names deterministically (first come
//! keeps the plain name, later ones get a numeric suffix) so output never
//! depends on hash order.

use std::collections::HashSet;

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Rust keywords (2021 edition, strict and reserved) that need `r#` as identifiers.
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "do", "dyn",
    "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let",
    "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref", "return",
    "static", "struct", "trait", "true", "try", "type", "typeof", "unsafe", "unsized", "use",
    "virtual", "where", "while", "yield",
];

/// Keywords that cannot be raw identifiers; they get a trailing underscore.
const NOT_RAW: &[&str] = &["crate", "self", "super", "Self", "_"];

/// Type names the generated modules use unqualified; a CSDL type converting
/// to one of them gets the suffix `Type` so it never shadows them.
const TYPE_NAMES_IN_USE: &[&str] = &[
    "Box",
    "Clone",
    "Debug",
    "Default",
    "Deserialize",
    "Deserializer",
    "Err",
    "Hash",
    "None",
    "Nullable",
    "Ok",
    "Option",
    "PartialEq",
    "Result",
    "Self",
    "Serialize",
    "Serializer",
    "Some",
    "String",
    "Vec",
];

/// The generated crate's features that turn on the runtime's, with what
/// each brings; a namespace's feature never takes one of these names.
pub const RUNTIME_FEATURES: &[(&str, &str)] = &[
    (
        "reqwest",
        "The default async transport: reqwest with rustls. Turn it off to bring your own.",
    ),
    (
        "reqwest-middleware",
        "A `reqwest_middleware::ClientWithMiddleware` as the transport.",
    ),
    (
        "tower",
        "A `tower::Service<http::Request<_>>` as the transport.",
    ),
    (
        "azure",
        "Any `azure_core` `TokenCredential` (azure_identity's) as the token provider.",
    ),
    (
        "chrono",
        "Conversions between the Edm date and time types and chrono's.",
    ),
    (
        "time",
        "Conversions between the Edm date and time types and time's.",
    ),
    (
        "jiff",
        "Conversions between the Edm date and time types and jiff's.",
    ),
];

/// The Cargo feature of a namespace: its module's name, unless the
/// runtime's features have it (`time` becomes `time_namespace`).
pub fn namespace_feature(module: &str) -> String {
    if RUNTIME_FEATURES.iter().any(|(f, _)| *f == module) {
        format!("{module}_namespace")
    } else {
        module.to_string()
    }
}

/// The name of the catch-all variant of every generated enum: holds a member
/// (or, on polymorphic enums, a derived type) this crate does not know.
pub const UNRECOGNIZED_VARIANT: &str = "Unrecognized";

/// The field that keeps the undeclared properties of an open type.
pub const ADDITIONAL_PROPERTIES_FIELD: &str = "additional_properties";

/// Methods every generated struct has, or that a setter of that name would
/// shadow: an inherent `default(self, value)` would make `Type::default()`
/// resolve to the setter. A property converting to one of them gets a
/// trailing underscore, like `self_`.
const STRUCT_METHODS: &[&str] = &[
    "new",
    "set_property",
    "clone",
    "default",
    "deserialize",
    "eq",
    "fmt",
    "from",
    "hash",
    "into",
    "ne",
    "serialize",
    "to_owned",
    "to_string",
];

/// A Rust module name for a namespace: `microsoft.graph` -> `graph`,
/// `microsoft.graph.externalConnectors` -> `external_connectors`,
/// `microsoft.graph.partners.billing` -> `partners_billing`; namespaces
/// outside `prefix` keep all their segments (`contoso.hr` -> `contoso_hr`).
pub fn module_name(namespace: &str, prefix: &str) -> String {
    let rest = if namespace == prefix {
        namespace.rsplit('.').next().unwrap_or(namespace)
    } else {
        namespace
            .strip_prefix(prefix)
            .and_then(|r| r.strip_prefix('.'))
            .unwrap_or(namespace)
    };
    let name = rest
        .split('.')
        .map(|s| s.to_snake_case())
        .collect::<Vec<_>>()
        .join("_");
    escape(name)
}

/// `externalActivity` -> `ExternalActivity`.
pub fn type_name(csdl: &str) -> String {
    let name = csdl.to_upper_camel_case();
    if TYPE_NAMES_IN_USE.contains(&name.as_str()) {
        format!("{name}Type")
    } else {
        name
    }
}

/// `startDateTime` -> `start_date_time`; `type` -> `r#type`.
pub fn field_name(csdl: &str) -> String {
    escape(csdl.to_snake_case())
}

/// `unknownFutureValue` -> `UnknownFutureValue`.
pub fn variant_name(csdl: &str) -> String {
    escape(csdl.to_upper_camel_case())
}

/// `activities` -> `ACTIVITIES` style constants are not needed; operation
/// types are named like types: `addActivities` -> `AddActivities`.
pub fn operation_name(csdl: &str) -> String {
    type_name(csdl)
}

fn escape(name: String) -> String {
    if NOT_RAW.contains(&name.as_str()) {
        format!("{name}_")
    } else if KEYWORDS.contains(&name.as_str()) {
        format!("r#{name}")
    } else {
        name
    }
}

/// Unique names within one Rust scope (a module, a struct, an enum).
#[derive(Debug, Default)]
pub struct Scope {
    taken: HashSet<String>,
    /// Names claimed as `name_` instead of taken as they are.
    escape_trailing: &'static [&'static str],
}

impl Scope {
    pub fn new() -> Self {
        Scope::default()
    }

    /// The fields of a struct: each also names its setter, so names of the
    /// struct's other methods are escaped rather than numbered.
    pub fn struct_fields() -> Self {
        let mut scope = Scope::new();
        scope.reserve(ADDITIONAL_PROPERTIES_FIELD);
        scope.escape_trailing = STRUCT_METHODS;
        scope
    }

    /// Marks names the generated code itself uses in this scope.
    pub fn reserve(&mut self, name: &str) {
        self.taken.insert(bare(name).to_string());
    }

    /// `wanted` if free, else `wanted2`, `wanted3`, ...
    pub fn claim(&mut self, wanted: String) -> String {
        let wanted = if self.escape_trailing.contains(&bare(&wanted)) {
            format!("{}_", bare(&wanted))
        } else {
            wanted
        };
        if self.taken.insert(bare(&wanted).to_string()) {
            return wanted;
        }
        let base = bare(&wanted).trim_end_matches('_').to_string();
        (2..)
            .map(|n| format!("{base}{n}"))
            .find(|candidate| self.taken.insert(candidate.clone()))
            .expect("an unbounded range always yields a free name")
    }
}

/// A name without its `r#` prefix, which is how collisions must be judged.
fn bare(name: &str) -> &str {
    name.strip_prefix("r#").unwrap_or(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modules() {
        let p = "microsoft.graph";
        assert_eq!(module_name("microsoft.graph", p), "graph");
        assert_eq!(
            module_name("microsoft.graph.externalConnectors", p),
            "external_connectors"
        );
        assert_eq!(
            module_name("microsoft.graph.partners.billing", p),
            "partners_billing"
        );
        assert_eq!(module_name("microsoft.graph.security", p), "security");
        assert_eq!(module_name("contoso.hr", p), "contoso_hr");
    }

    #[test]
    fn namespace_features_never_take_a_runtime_feature() {
        assert_eq!(namespace_feature("search"), "search");
        assert_eq!(namespace_feature("time"), "time_namespace");
        assert_eq!(namespace_feature("reqwest"), "reqwest_namespace");
    }

    #[test]
    fn rust_names() {
        assert_eq!(type_name("externalActivity"), "ExternalActivity");
        assert_eq!(type_name("result"), "ResultType");
        assert_eq!(field_name("startDateTime"), "start_date_time");
        assert_eq!(field_name("type"), "r#type");
        assert_eq!(field_name("self"), "self_");
        assert_eq!(variant_name("unknownFutureValue"), "UnknownFutureValue");
        assert_eq!(variant_name("null"), "Null");
        assert_eq!(variant_name("self"), "Self_");
    }

    #[test]
    fn collisions_are_numbered_in_order() {
        let mut s = Scope::new();
        s.reserve(UNRECOGNIZED_VARIANT);
        assert_eq!(
            s.claim(variant_name("remoteControlSoftware")),
            "RemoteControlSoftware"
        );
        assert_eq!(
            s.claim(variant_name("remote_Control_Software")),
            "RemoteControlSoftware2"
        );
        assert_eq!(s.claim(variant_name("unrecognized")), "Unrecognized2");
        let mut f = Scope::new();
        assert_eq!(f.claim(field_name("type")), "r#type");
        assert_eq!(f.claim(field_name("Type")), "type2");
    }
}
