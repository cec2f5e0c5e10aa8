//! Enum types: a Rust enum per CSDL EnumType that survives new members.

use proc_macro2::TokenStream;
use quote::quote;

use crate::model::{EnumDef, TypeId};

use super::docs;
use super::naming::{self, Scope, UNRECOGNIZED_VARIANT};
use super::plan::Plan;
use super::types::ident;

pub fn emit(plan: &Plan<'_>, id: TypeId, def: &EnumDef) -> TokenStream {
    let t = plan.model.ty(id);
    let name = ident(plan.type_name(id));
    let mut scope = Scope::new();
    scope.reserve(UNRECOGNIZED_VARIANT);
    let variants: Vec<(proc_macro2::Ident, &str, TokenStream)> = def
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
            let doc = docs::attrs(&paragraphs);
            let deprecated = docs::deprecated(&m.doc);
            (ident(&v), m.name.as_str(), quote!(#doc #deprecated))
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
    let doc = docs::attrs(&paragraphs);
    let deprecated = docs::deprecated(&t.doc);
    let unrecognized = ident(UNRECOGNIZED_VARIANT);
    let cfg = plan.cfg(id);

    let decls = variants.iter().map(|(v, _, attrs)| quote!(#attrs #v,));
    let as_str = variants.iter().map(|(v, s, _)| quote!(Self::#v => #s,));
    let from_known = variants.iter().map(|(v, s, _)| quote!(#s => Self::#v,));
    let known = variants.iter().map(|(v, _, _)| quote!(Self::#v));
    let from_known_body = if variants.is_empty() {
        quote!(let _ = name; None)
    } else {
        quote!(Some(match name { #(#from_known)* _ => return None }))
    };

    quote! {
        #doc
        #deprecated
        #cfg
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum #name {
            #(#decls)*
            /// A member this crate does not know, kept as received.
            #unrecognized(String),
        }

        #cfg
        impl #name {
            /// The members this crate knows, in metadata order.
            pub const KNOWN: &'static [Self] = &[#(#known),*];

            /// The member's name on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #(#as_str)*
                    Self::#unrecognized(name) => name,
                }
            }
        }

        #cfg
        impl graphgen_runtime::EnumMember for #name {
            fn from_known(name: &str) -> Option<Self> {
                #from_known_body
            }

            fn from_unknown(name: String) -> Self {
                Self::#unrecognized(name)
            }

            fn as_str(&self) -> &str {
                #name::as_str(self)
            }
        }

        #cfg
        impl std::str::FromStr for #name {
            type Err = std::convert::Infallible;

            fn from_str(name: &str) -> Result<Self, Self::Err> {
                Ok(<Self as graphgen_runtime::EnumMember>::from_known(name)
                    .unwrap_or_else(|| Self::#unrecognized(name.to_owned())))
            }
        }

        #cfg
        impl std::fmt::Display for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        #cfg
        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                graphgen_runtime::enums::serialize(self, serializer)
            }
        }

        #cfg
        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                graphgen_runtime::enums::deserialize(deserializer)
            }
        }
    }
}
