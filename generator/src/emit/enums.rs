//! Enum types: a Rust enum per CSDL EnumType that survives new members,
//! followed by its `open_enum!` invocation.

use proc_macro2::TokenStream;
use quote::quote;

use crate::model::{EnumDef, TypeId};

use super::docs;
use super::naming::{self, Scope, UNRECOGNIZED_VARIANT};
use super::types::{ident, Cx};

/// The enum and its `open_enum!` invocation.
pub fn emit(cx: &Cx<'_, '_>, id: TypeId, def: &EnumDef) -> TokenStream {
    let plan = cx.plan;
    let t = plan.model.ty(id);
    let name = ident(plan.type_name(id));
    let mut scope = Scope::new();
    scope.reserve(UNRECOGNIZED_VARIANT);
    let mut variants = Vec::new();
    let mut members = Vec::new();
    for m in &def.members {
        let variant = ident(&scope.claim(naming::variant_name(&m.name)));
        let mut paragraphs = vec![format!("`{}` (value {}).", m.name, m.value)];
        paragraphs.extend(docs::description(&m.doc));
        if m.after_unknown_future_value {
            paragraphs.push("Declared after `unknownFutureValue`: Graph sends and accepts it only when a request carries `Prefer: include-unknown-enum-members` (this crate's requests whose types reach it do); without it, Graph answers `unknownFutureValue` in its place.".into());
        }
        let here = plan.clouds(&m.availability);
        if here.narrower_than(&plan.clouds(&t.availability)) {
            paragraphs.push(here.doc_line());
        }
        let doc = docs::attrs(&paragraphs);
        let deprecated = docs::deprecated(&m.doc);
        variants.push(quote! {
            #doc
            #deprecated
            #variant,
        });
        let wire = &m.name;
        members.push(quote!(#variant = #wire,));
    }

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
    let doc = docs::attrs(&paragraphs);
    let deprecated = docs::deprecated(&t.doc);
    let cfg = plan.cfg(&plan.type_features(id));
    let unrecognized = ident(UNRECOGNIZED_VARIANT);
    quote! {
        #doc
        #deprecated
        #cfg
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            /// A member this crate does not know, kept as received.
            #unrecognized(String),
        }

        #cfg
        graphgen_runtime::open_enum! {
            #name {
                #(#members)*
            }
        }
    }
}
