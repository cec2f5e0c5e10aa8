//! Enum types: a Rust enum per CSDL EnumType that survives new members.

use proc_macro2::TokenStream;
use quote::quote;

use crate::model::{EnumDef, TypeId};

use super::docs;
use super::naming::{self, Scope, UNRECOGNIZED_VARIANT};
use super::plan::Plan;
use super::text;
use super::types::ident;
use super::wire::{call, line, quoted};
use super::Items;

use std::fmt::Write as _;

/// The enum and its impls.
pub fn emit(items: &mut Items, plan: &Plan<'_>, id: TypeId, def: &EnumDef) {
    let t = plan.model.ty(id);
    let name = ident(plan.type_name(id));
    let mut scope = Scope::new();
    scope.reserve(UNRECOGNIZED_VARIANT);
    let variants: Vec<(proc_macro2::Ident, &str, Vec<String>, TokenStream)> = def
        .members
        .iter()
        .map(|m| {
            let v = scope.claim(naming::variant_name(&m.name));
            let mut paragraphs = vec![format!("`{}` (value {}).", m.name, m.value)];
            paragraphs.extend(docs::description(&m.doc));
            let here = plan.clouds(&m.availability);
            if here.narrower_than(&plan.clouds(&t.availability)) {
                paragraphs.push(here.doc_line());
            }
            let deprecated = docs::deprecated(&m.doc);
            (
                ident(&v),
                m.name.as_str(),
                docs::lines(&paragraphs),
                deprecated,
            )
        })
        .collect();

    let mut paragraphs = vec![format!(
        "`{}` (CSDL {}EnumType{}).",
        t.name,
        if def.is_flags { "flags " } else { "" },
        if def.is_flags {
            "; values are written as a comma-separated list of members, see [`graphgen_runtime::Flags`]"
        } else {
            ""
        },
    )];
    paragraphs.extend(docs::description(&t.doc));
    paragraphs.push(
        "A member this crate does not know deserializes into `Unrecognized` and serializes back unchanged."
            .into(),
    );
    paragraphs.push(plan.clouds(&t.availability).doc_line());
    let doc = docs::lines(&paragraphs);
    let deprecated = docs::deprecated(&t.doc);
    let cfg = plan.cfg_line(id);
    let plain = deprecated.is_empty() && variants.iter().all(|v| v.3.is_empty());
    match plain
        .then(|| decl_text(&doc, cfg, plan.type_name(id), &variants))
        .flatten()
    {
        Some(text) => items.text(&text),
        None => {
            let doc = docs::attrs_of(&doc);
            let cfg = Plan::tokens(cfg.to_string());
            let unrecognized = ident(UNRECOGNIZED_VARIANT);
            let decls = variants.iter().map(|(v, _, doc, deprecated)| {
                let doc = docs::attrs_of(doc);
                quote!(#doc #deprecated #v,)
            });
            items.tokens(quote! {
                #doc
                #deprecated
                #cfg
                #[derive(Debug, Clone, PartialEq, Eq, Hash)]
                #[non_exhaustive]
                pub enum #name {
                    #(#decls)*
                    #[doc = #UNRECOGNIZED_DOC]
                    #unrecognized(String),
                }
            });
        }
    }
    let members: Vec<(String, &str)> = variants
        .iter()
        .map(|(v, s, _, _)| (v.to_string(), *s))
        .collect();
    items.text(&impls(&name.to_string(), &members, cfg));
}

const UNRECOGNIZED_DOC: &str = " A member this crate does not know, kept as received.";

/// The enum declaration as prettyplease lays it out, when that is plain (see
/// `text.rs`).
fn decl_text(
    doc: &[String],
    cfg: &str,
    name: &str,
    variants: &[(proc_macro2::Ident, &str, Vec<String>, TokenStream)],
) -> Option<String> {
    let mut out = String::with_capacity(256 + variants.len() * 64);
    text::doc(&mut out, 0, doc);
    text::cfg(&mut out, 0, cfg);
    out.push_str("#[derive(Debug, Clone, PartialEq, Eq, Hash)]\n#[non_exhaustive]\n");
    text::code(&mut out, 0, &format!("pub enum {name} {{"))?;
    for (v, _, doc, _) in variants {
        text::doc(&mut out, 4, doc);
        text::code(&mut out, 4, &format!("{v},"))?;
    }
    text::doc(&mut out, 4, &[UNRECOGNIZED_DOC.to_string()]);
    text::code(&mut out, 4, &format!("{UNRECOGNIZED_VARIANT}(String),"))?;
    out.push_str("}\n");
    Some(out)
}

/// The impls of an enum, as text: one fixed shape, so written directly like
/// the structs' wire impls (see `wire.rs`) rather than through syn.
fn impls(name: &str, members: &[(String, &str)], cfg: &str) -> String {
    let cfg = text::cfg_lines(cfg);
    let u = UNRECOGNIZED_VARIANT;
    let mut out = String::with_capacity(1500 + members.len() * 120);
    let known: Vec<String> = members.iter().map(|(v, _)| format!("Self::{v}")).collect();
    let known_args: Vec<&str> = known.iter().map(String::as_str).collect();
    let mut known = String::new();
    call(
        &mut known,
        4,
        "pub const KNOWN: &'static [Self] = &[",
        &known_args,
        "];",
    );
    let mut as_str = String::new();
    let mut from_known = String::new();
    for (v, wire) in members {
        let wire = quoted(wire);
        line(&mut as_str, 12, &format!("Self::{v} => {wire},"));
        line(&mut from_known, 12, &format!("{wire} => Some(Self::{v}),"));
    }
    let from_known = if members.is_empty() {
        "        let _ = name;\n        None\n".to_string()
    } else {
        format!("        match name {{\n{from_known}            _ => None,\n        }}\n")
    };
    let _ = write!(
        out,
        "{cfg}impl {name} {{
    /// The members this crate knows, in metadata order.
{known}    /// The member's name on the wire.
    pub fn as_str(&self) -> &str {{
        match self {{
{as_str}            Self::{u}(name) => name,
        }}
    }}
}}
{cfg}impl graphgen_runtime::EnumMember for {name} {{
    fn from_known(name: &str) -> Option<Self> {{
{from_known}    }}
    fn from_unknown(name: String) -> Self {{
        Self::{u}(name)
    }}
    fn as_str(&self) -> &str {{
        {name}::as_str(self)
    }}
}}
{cfg}impl std::str::FromStr for {name} {{
    type Err = std::convert::Infallible;
    fn from_str(name: &str) -> Result<Self, Self::Err> {{
        Ok(
            <Self as graphgen_runtime::EnumMember>::from_known(name)
                .unwrap_or_else(|| Self::{u}(name.to_owned())),
        )
    }}
}}
{cfg}impl std::fmt::Display for {name} {{
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {{
        f.write_str(self.as_str())
    }}
}}
{cfg}impl serde::Serialize for {name} {{
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {{
        graphgen_runtime::enums::serialize(self, serializer)
    }}
}}
{cfg}impl<'de> serde::Deserialize<'de> for {name} {{
    fn deserialize<D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Self, D::Error> {{
        graphgen_runtime::enums::deserialize(deserializer)
    }}
}}
"
    );
    out
}

#[cfg(test)]
mod tests {
    use super::super::wire::WIDTH;
    use super::*;

    #[test]
    fn impls_parse_and_fit() {
        let few = [("A".to_string(), "a"), ("B2".to_string(), "b")];
        let many: Vec<(String, &str)> = (0..30).map(|i| (format!("Member{i}"), "m")).collect();
        for members in [&few[..], &[][..], &many[..]] {
            let text = impls("Thing", members, "#[cfg(feature = \"graph\")]\n");
            syn::parse_str::<syn::File>(&text).expect("the impls parse");
            assert!(text.lines().all(|l| l.len() <= WIDTH), "{text}");
        }
    }
}
