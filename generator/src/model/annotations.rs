//! The annotations that mean something to generated code, read from terms.

use crate::csdl::ast::{Annotation, Expr, Record};

use super::capabilities::Said;
use super::{Deprecation, Doc};

const CORE: &str = "Org.OData.Core.V1.";
const CAPABILITIES: &str = "Org.OData.Capabilities.V1.";

/// The full name of a term, with the standard vocabulary aliases expanded.
pub(crate) fn term_name(term: &str) -> std::borrow::Cow<'_, str> {
    if let Some(rest) = term.strip_prefix("Core.") {
        format!("{CORE}{rest}").into()
    } else if let Some(rest) = term.strip_prefix("Capabilities.") {
        format!("{CAPABILITIES}{rest}").into()
    } else {
        term.into()
    }
}

/// What a set of annotations on one element says.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Facts {
    pub doc: Doc,
    pub computed: bool,
    pub immutable: bool,
    pub optional_parameter: bool,
    /// What the Capabilities annotations state.
    pub said: Said,
}

/// Reads the annotations that apply to one element: inline ones first, then
/// the out-of-line ones targeting it (the later one wins for single values).
pub fn facts<'a>(annotations: impl IntoIterator<Item = &'a Annotation>) -> Facts {
    let mut f = Facts::default();
    for a in annotations {
        // Qualified annotations are alternatives for other audiences; the
        // unqualified one is the one that applies to everyone.
        if a.qualifier.is_some() {
            continue;
        }
        let term = term_name(&a.term);
        let Some(local) = term
            .strip_prefix(CORE)
            .map(|t| ("core", t))
            .or_else(|| term.strip_prefix(CAPABILITIES).map(|t| ("capabilities", t)))
        else {
            continue;
        };
        match local {
            ("core", "Description") => f.doc.description = string(a.value.as_ref()),
            ("core", "LongDescription") => f.doc.long_description = string(a.value.as_ref()),
            ("core", "Computed") => f.computed = tag(a.value.as_ref()),
            ("core", "Immutable") => f.immutable = tag(a.value.as_ref()),
            ("core", "OptionalParameter") => f.optional_parameter = true,
            ("core", "Revisions") => {
                if let Some(d) = deprecation(a.value.as_ref()) {
                    f.doc.deprecation = Some(d);
                }
            }
            ("capabilities", term) => f.said.read(term, a.value.as_ref()),
            _ => {}
        }
    }
    f
}

fn string(value: Option<&Expr>) -> Option<String> {
    match value {
        Some(Expr::String(s)) => Some(s.clone()),
        _ => None,
    }
}

/// A Core tag term: absent value means true.
fn tag(value: Option<&Expr>) -> bool {
    !matches!(value, Some(Expr::Bool(false)))
}

fn record_string(r: &Record, property: &str) -> Option<String> {
    match r.value(property) {
        Some(Expr::String(s) | Expr::Date(s)) => Some(s.clone()),
        _ => None,
    }
}

/// The first Core.Revisions record of kind Deprecated.
fn deprecation(value: Option<&Expr>) -> Option<Deprecation> {
    let Some(Expr::Collection(items)) = value else {
        return None;
    };
    items.iter().find_map(|item| {
        let Expr::Record(r) = item else { return None };
        match r.value("Kind") {
            Some(Expr::EnumMember(kind)) if kind.ends_with("/Deprecated") => Some(Deprecation {
                date: record_string(r, "Date"),
                removal_date: record_string(r, "RemovalDate"),
                description: record_string(r, "Description"),
                version: record_string(r, "Version"),
            }),
            _ => None,
        }
    })
}
