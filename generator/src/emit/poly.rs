//! Polymorphic enums: a declared type with derived types holds a value of any
//! of them, told apart on the wire by `@odata.type`.

use proc_macro2::TokenStream;
use quote::quote;

use crate::model::TypeId;

use super::docs;
use super::naming::{self, Scope, UNRECOGNIZED_VARIANT};
use super::plan::Plan;
use super::types::{ident, type_path};

pub fn emit(plan: &Plan<'_>, id: TypeId) -> TokenStream {
    let Some(any) = plan.any_name(id) else {
        return quote!();
    };
    let model = plan.model;
    let t = model.ty(id);
    let any = ident(any);

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
    let variants: Vec<(proc_macro2::Ident, TypeId, String)> = concrete
        .iter()
        .map(|&c| {
            let name = scope.claim(naming::type_name(&model.ty(c).name.name));
            (ident(&name), c, model.ty(c).name.to_string())
        })
        .collect();

    let cfg = plan.cfg(id);
    // A derived type may be needed by fewer features than the declared one.
    let own_cfg = plan.cfg_line(id);
    let variant_cfg = |c: TypeId| {
        let line = plan.cfg_line(c);
        if line == own_cfg {
            quote!()
        } else {
            Plan::tokens(line.to_string())
        }
    };
    let decls = variants.iter().map(|(v, c, q)| {
        let path = type_path(plan, *c);
        let tag = format!("#{q}");
        let doc = format!(" `{q}`.");
        let vcfg = variant_cfg(*c);
        quote! {
            #[doc = #doc]
            #vcfg
            #[serde(rename = #tag)]
            #v(Box<#path>),
        }
    });
    let own = variants
        .iter()
        .find(|(_, c, _)| *c == id)
        .map(|(v, _, _)| v);
    let arms = variants.iter().map(|(v, c, q)| {
        let vcfg = variant_cfg(*c);
        if Some(v) == own {
            quote!(#vcfg None | Some(#q) => serde::Deserialize::deserialize(de).map(Self::#v),)
        } else {
            quote!(#vcfg Some(#q) => serde::Deserialize::deserialize(de).map(Self::#v),)
        }
    });
    let any_variant_cfg = variants.iter().any(|(_, c, _)| !variant_cfg(*c).is_empty());
    let is_known = if any_variant_cfg {
        // Arms can carry a `cfg`; `matches!` alternatives cannot.
        let arms = variants.iter().map(|(v, c, q)| {
            let vcfg = variant_cfg(*c);
            if Some(v) == own {
                quote!(#vcfg None | Some(#q) => true,)
            } else {
                quote!(#vcfg Some(#q) => true,)
            }
        });
        quote! {
            #[allow(clippy::match_like_matches_macro)]
            match odata_type {
                #(#arms)*
                _ => false,
            }
        }
    } else {
        let patterns = variants.iter().map(|(v, _, q)| {
            if Some(v) == own {
                quote!(None | Some(#q))
            } else {
                quote!(Some(#q))
            }
        });
        quote!(matches!(odata_type, #(#patterns)|*))
    };
    // Only the declared type converts with `From`: a `From` per derived type
    // puts a thousand impls on one self type for `entity`, which rustc checks
    // pairwise. Derived values go in through their variant.
    let froms = variants
        .iter()
        .filter(|(_, c, _)| *c == id)
        .map(|(v, c, _)| {
            let path = type_path(plan, *c);
            quote! {
                #cfg
                impl From<#path> for #any {
                    fn from(value: #path) -> Self {
                        Self::#v(Box::new(value))
                    }
                }
            }
        });
    let odata_types = variants.iter().map(|(v, c, q)| {
        let vcfg = variant_cfg(*c);
        quote!(#vcfg Self::#v(_) => Some(#q),)
    });
    let unrecognized = ident(UNRECOGNIZED_VARIANT);

    let mut paragraphs = vec![format!(
        "A `{}` or a type derived from it: the value of a property, parameter or result declared as `{}`.",
        t.name, t.name
    )];
    paragraphs.push(format!(
        "Deserialization picks the variant from `@odata.type` ({}), reading straight from the input when `@odata.type` comes first; serialization writes `@odata.type` first, then the value's properties. A type this crate does not know is kept whole in `{UNRECOGNIZED_VARIANT}` and written back unchanged.",
        if own.is_some() {
            "a value without it is the declared type"
        } else {
            "the declared type is abstract, so a value without it is unrecognized"
        }
    ));
    paragraphs.push(plan.clouds(&t.availability).doc_line());
    let doc = docs::attrs(&paragraphs);

    quote! {
        #doc
        #cfg
        #[derive(Debug, Clone, PartialEq, serde::Serialize)]
        #[serde(tag = "@odata.type")]
        #[non_exhaustive]
        pub enum #any {
            #(#decls)*
            /// A value whose `@odata.type` this crate does not know, kept as received.
            #[serde(untagged)]
            #unrecognized(serde_json::Map<String, serde_json::Value>),
        }

        #cfg
        impl #any {
            /// The qualified type name of the value (`@odata.type` without `#`).
            pub fn odata_type(&self) -> Option<&str> {
                match self {
                    #(#odata_types)*
                    Self::#unrecognized(map) => map
                        .get("@odata.type")
                        .and_then(serde_json::Value::as_str)
                        .map(|t| t.trim_start_matches('#')),
                }
            }
        }

        #cfg
        impl graphgen_runtime::poly::Dispatch for #any {
            fn is_known(odata_type: Option<&str>) -> bool {
                #is_known
            }

            fn dispatch<'de, D: serde::Deserializer<'de>>(odata_type: Option<&str>, de: D) -> Result<Self, D::Error> {
                match odata_type {
                    #(#arms)*
                    other => Err(serde::de::Error::custom(format_args!("`{}` is not a variant", other.unwrap_or("(no @odata.type)")))),
                }
            }

            fn unrecognized(object: serde_json::Map<String, serde_json::Value>) -> Self {
                Self::#unrecognized(object)
            }
        }

        #cfg
        impl<'de> serde::Deserialize<'de> for #any {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                graphgen_runtime::poly::deserialize(deserializer)
            }
        }

        #(#froms)*
    }
}
