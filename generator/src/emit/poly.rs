//! Polymorphic enums: a declared type with derived types holds a value of any
//! of them, told apart on the wire by `@odata.type`.

use std::fmt::Write as _;

use crate::model::TypeId;

use super::docs;
use super::naming::{self, Scope, UNRECOGNIZED_VARIANT};
use super::plan::Plan;
use super::text;
use super::types::type_path;
use super::wire::{arm, line, quoted, WIDTH};

/// The `Any*` enum of a type with derived types, and its impls, as text
/// (empty for a type without one). Their arms repeat per derived type, a
/// thousand times for `entity`, so they are written out directly, laid out
/// like the wire impls (`wire.rs`).
pub fn emit(plan: &Plan<'_>, id: TypeId) -> String {
    let Some(any) = plan.any_name(id) else {
        return String::new();
    };
    let model = plan.model;
    let t = model.ty(id);

    // The declared type first (unless abstract), then its descendants.
    let mut concrete: Vec<TypeId> = Vec::new();
    if model.structure(id).is_some_and(|s| !s.is_abstract) {
        concrete.push(id);
    }
    concrete.extend(
        model
            .descendants(id)
            .into_iter()
            .filter(|d| model.structure(*d).is_some_and(|s| !s.is_abstract)),
    );
    let mut scope = Scope::new();
    scope.reserve(UNRECOGNIZED_VARIANT);
    let cfg = plan.cfg_line(id);
    let variants: Vec<Variant<'_>> = concrete
        .iter()
        .map(|&c| {
            let variant_cfg = plan.cfg_line(c);
            Variant {
                name: scope.claim(naming::type_name(&model.ty(c).name.name)),
                path: text::type_text(&type_path(plan, c)).expect("a type path"),
                qualified: model.ty(c).name.to_string(),
                // A derived type may be needed by fewer features than the declared one.
                cfg: if variant_cfg == cfg { "" } else { variant_cfg },
                own: c == id,
            }
        })
        .collect();
    let u = UNRECOGNIZED_VARIANT;

    let mut paragraphs = vec![format!(
        "A `{}` or a type derived from it: the value of a property, parameter or result declared as `{}`.",
        t.name, t.name
    )];
    paragraphs.push(format!(
        "Deserialization picks the variant from `@odata.type` ({}), reading straight from the input when `@odata.type` comes first; serialization writes `@odata.type` first, then the value's properties. A type this crate does not know is kept whole in `{u}` and written back unchanged.",
        if variants.iter().any(|v| v.own) {
            "a value without it is the declared type"
        } else {
            "the declared type is abstract, so a value without it is unrecognized"
        }
    ));
    paragraphs.push(plan.clouds(&t.availability).doc_line());

    let mut out = String::with_capacity(2048 + variants.len() * 600);
    text::doc(&mut out, 0, &docs::lines(&paragraphs));
    text::cfg(&mut out, 0, cfg);
    let _ = write!(
        out,
        "#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(tag = \"@odata.type\")]
#[non_exhaustive]
pub enum {any} {{
"
    );
    for v in &variants {
        line(&mut out, 4, &format!("/// `{}`.", v.qualified));
        text::cfg(&mut out, 4, v.cfg);
        let tag = quoted(&format!("#{}", v.qualified));
        line(&mut out, 4, &format!("#[serde(rename = {tag})]"));
        line(&mut out, 4, &format!("{}(Box<{}>),", v.name, v.path));
    }
    let _ = write!(
        out,
        "    /// A value whose `@odata.type` this crate does not know, kept as received.
    #[serde(untagged)]
    {u}(serde_json::Map<String, serde_json::Value>),
}}
"
    );

    text::cfg(&mut out, 0, cfg);
    let _ = write!(
        out,
        "impl {any} {{
    /// The qualified type name of the value (`@odata.type` without `#`).
    pub fn odata_type(&self) -> Option<&str> {{
        match self {{
"
    );
    for v in &variants {
        text::cfg(&mut out, 12, v.cfg);
        let qualified = quoted(&v.qualified);
        arm(
            &mut out,
            12,
            &format!("Self::{}(_)", v.name),
            "Some(",
            &[&qualified],
        );
    }
    let _ = write!(
        out,
        "            Self::{u}(map) => map
                .get(\"@odata.type\")
                .and_then(serde_json::Value::as_str)
                .map(|t| t.trim_start_matches('#')),
        }}
    }}
}}
"
    );

    text::cfg(&mut out, 0, cfg);
    let _ = write!(
        out,
        "impl graphgen_runtime::poly::Dispatch for {any} {{
    fn is_known(odata_type: Option<&str>) -> bool {{
"
    );
    is_known(&mut out, &variants);
    let _ = write!(
        out,
        "    }}
    fn dispatch<'de, D: serde::Deserializer<'de>>(
        odata_type: Option<&str>,
        de: D,
    ) -> Result<Self, D::Error> {{
        match odata_type {{
"
    );
    for v in &variants {
        text::cfg(&mut out, 12, v.cfg);
        let variant = format!("Self::{}", v.name);
        arm(
            &mut out,
            12,
            &v.pattern(),
            "serde::Deserialize::deserialize(de).map(",
            &[&variant],
        );
    }
    let _ = write!(
        out,
        "            other => Err(serde::de::Error::custom(format_args!(
                \"`{{}}` is not a variant\",
                other.unwrap_or(\"(no @odata.type)\")
            ))),
        }}
    }}
    fn unrecognized(object: serde_json::Map<String, serde_json::Value>) -> Self {{
        Self::{u}(object)
    }}
}}
"
    );

    text::cfg(&mut out, 0, cfg);
    let _ = write!(
        out,
        "impl<'de> serde::Deserialize<'de> for {any} {{
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {{
        graphgen_runtime::poly::deserialize(deserializer)
    }}
}}
"
    );

    // Only the declared type converts with `From`: a `From` per derived type
    // puts a thousand impls on one self type for `entity`, which rustc checks
    // pairwise. Derived values go in through their variant.
    if let Some(v) = variants.iter().find(|v| v.own) {
        text::cfg(&mut out, 0, cfg);
        let _ = write!(
            out,
            "impl From<{path}> for {any} {{
    fn from(value: {path}) -> Self {{
        Self::{name}(Box::new(value))
    }}
}}
",
            path = v.path,
            name = v.name
        );
    }
    out
}

/// A variant of an `Any*` enum.
struct Variant<'a> {
    name: String,
    /// `crate::module::Type`.
    path: String,
    /// The qualified type name (`@odata.type` without `#`).
    qualified: String,
    /// Its own `#[cfg]` line, when narrower than the enum's.
    cfg: &'a str,
    /// The declared type itself (a value without `@odata.type` is one).
    own: bool,
}

impl Variant<'_> {
    /// The match pattern for its `@odata.type`.
    fn pattern(&self) -> String {
        let qualified = quoted(&self.qualified);
        if self.own {
            format!("None | Some({qualified})")
        } else {
            format!("Some({qualified})")
        }
    }
}

/// The body of `is_known`: `matches!` over the patterns, or a `match` when
/// variants carry a `cfg` (`matches!` alternatives cannot).
fn is_known(out: &mut String, variants: &[Variant<'_>]) {
    if variants.iter().any(|v| !v.cfg.is_empty()) {
        line(out, 8, "#[allow(clippy::match_like_matches_macro)]");
        line(out, 8, "match odata_type {");
        for v in variants {
            text::cfg(out, 12, v.cfg);
            line(out, 12, &format!("{} => true,", v.pattern()));
        }
        line(out, 12, "_ => false,");
        line(out, 8, "}");
        return;
    }
    let patterns: Vec<String> = variants.iter().map(Variant::pattern).collect();
    let one = format!("matches!(odata_type, {})", patterns.join(" | "));
    if 8 + one.len() <= WIDTH {
        line(out, 8, &one);
        return;
    }
    line(out, 8, "matches!(");
    line(out, 12, "odata_type,");
    for (i, p) in patterns.iter().enumerate() {
        match i {
            0 => line(out, 12, p),
            _ => line(out, 16, &format!("| {p}")),
        }
    }
    line(out, 8, ")");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn variants(cfg: &str, n: usize) -> Vec<Variant<'_>> {
        (0..n)
            .map(|i| Variant {
                name: format!("Derived{i}"),
                path: format!("crate::graph::Derived{i}"),
                qualified: format!("microsoft.graph.derivedTypeNumber{i}"),
                cfg: if i == 1 { cfg } else { "" },
                own: i == 0,
            })
            .collect()
    }

    /// `is_known` parses as a function body in each of its forms, and the
    /// declared type also matches a value without `@odata.type`.
    #[test]
    fn is_known_parses_in_every_form() {
        for (cfg, n, form) in [
            ("", 1, "matches!(odata_type, None | Some("),
            ("", 5, "matches!(\n"),
            ("#[cfg(feature = \"graph\")]\n", 3, "match odata_type {"),
        ] {
            let mut body = String::new();
            is_known(&mut body, &variants(cfg, n));
            assert!(body.contains(form), "{body}");
            assert!(body.contains("None | Some(\"microsoft.graph.derivedTypeNumber0\")"));
            assert!(body.lines().all(|l| l.len() <= WIDTH), "{body}");
            let function = format!("fn is_known(odata_type: Option<&str>) -> bool {{\n{body}}}\n");
            syn::parse_str::<syn::File>(&function).unwrap_or_else(|e| panic!("{e}:\n{function}"));
        }
    }
}
