//! Type references as written in CSDL: `Collection(...)`, qualified and aliased names.

/// A type reference split into its parts, names not yet resolved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RawTypeRef<'a> {
    pub collection: bool,
    /// The namespace or alias part (`Edm`, `graph`, `microsoft.graph`).
    pub namespace: &'a str,
    pub name: &'a str,
}

/// Splits `Collection(ns.name)` or `ns.name`; `Err` says what is wrong.
pub fn parse_type_ref(text: &str) -> Result<RawTypeRef<'_>, String> {
    let (collection, inner) = match text.strip_prefix("Collection(") {
        Some(rest) => match rest.strip_suffix(')') {
            Some(inner) => (true, inner),
            None => return Err(format!("`{text}`: `Collection(` is not closed")),
        },
        None => (false, text),
    };
    if inner.starts_with("Collection(") {
        return Err(format!(
            "`{text}`: a collection of collections is not allowed"
        ));
    }
    let (namespace, name) = split_qualified(inner)
        .ok_or_else(|| format!("`{text}`: expected a namespace-qualified type name"))?;
    Ok(RawTypeRef {
        collection,
        namespace,
        name,
    })
}

/// Splits `ns.name` at its last dot; both sides must be non-empty.
pub fn split_qualified(text: &str) -> Option<(&str, &str)> {
    let (ns, name) = text.rsplit_once('.')?;
    (!ns.is_empty() && !name.is_empty()).then_some((ns, name))
}

/// Whether `name` is a CSDL simple identifier: a letter or underscore, then
/// letters, digits or underscores (ASCII here; Graph uses nothing else), at
/// most 128 characters.
pub fn is_simple_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && name.len() <= 128
}

/// Property names: simple identifiers, and also names with `-` between
/// identifier characters (`request-id` in the clean Graph document's
/// `InnerError`, after the HTTP header it mirrors).
pub fn is_property_name(name: &str) -> bool {
    name.split('-').all(is_simple_identifier) && !name.starts_with('-')
}

/// Whether the generator can make a Rust name of a valid CSDL name: case
/// conversion drops leading underscores (`_id` -> `id`), so `_`, `__` or
/// `_1` would leave no identifier, or one starting with a digit. None of
/// Microsoft's names is like that.
pub fn has_rust_name(name: &str) -> bool {
    name.trim_start_matches(['_', '-'])
        .starts_with(|c: char| c.is_ascii_alphabetic())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_refs() {
        let r = parse_type_ref("Collection(graph.entity)").unwrap();
        assert!(r.collection);
        assert_eq!((r.namespace, r.name), ("graph", "entity"));
        let r = parse_type_ref("microsoft.graph.externalConnectors.acl").unwrap();
        assert!(!r.collection);
        assert_eq!(r.namespace, "microsoft.graph.externalConnectors");
        assert!(parse_type_ref("Collection(Edm.String").is_err());
        assert!(parse_type_ref("Collection(Collection(Edm.String))").is_err());
        assert!(parse_type_ref("String").is_err());
        assert!(parse_type_ref("Edm.").is_err());
    }

    #[test]
    fn identifiers() {
        assert!(is_simple_identifier("externalActivity"));
        assert!(is_simple_identifier("_x1"));
        assert!(!is_simple_identifier("1x"));
        assert!(!is_simple_identifier("a-b"));
        assert!(!is_simple_identifier(""));
        assert!(is_property_name("request-id"));
        assert!(!is_property_name("request--id"));
        assert!(!is_property_name("-id"));
        assert!(!is_property_name("a b"));
        assert!(has_rust_name("_id"));
        assert!(has_rust_name("x1"));
        assert!(!has_rust_name("_"));
        assert!(!has_rust_name("__"));
        assert!(!has_rust_name("_1"));
    }
}
