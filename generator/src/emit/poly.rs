//! Polymorphic enums: a declared type with derived types holds a value of any
//! of them, told apart on the wire by `@odata.type`.

use proc_macro2::TokenStream;
use quote::quote;

use crate::model::TypeId;

use super::docs;
use super::naming::{self, Scope, UNRECOGNIZED_VARIANT};
use super::types::{ident, Cx};

/// The concrete types a value of a declared type can be: the type itself
/// first (unless abstract), then its descendants.
pub fn concrete_types(model: &crate::model::Model, id: TypeId) -> Vec<TypeId> {
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
    concrete
}

/// The variant names of an `Any*` enum, in [`concrete_types`] order.
pub fn variant_names(model: &crate::model::Model, concrete: &[TypeId]) -> Vec<String> {
    let mut scope = Scope::new();
    scope.reserve(UNRECOGNIZED_VARIANT);
    concrete
        .iter()
        .map(|&c| scope.claim(naming::type_name(&model.ty(c).name.name)))
        .collect()
}

/// The `Any*` enum of a type with derived types and its `dispatch!`
/// invocation (nothing for a type without one).
pub fn emit(cx: &Cx<'_, '_>, id: TypeId) -> TokenStream {
    let plan = cx.plan;
    let Some(any) = plan.any_name(id) else {
        return TokenStream::new();
    };
    let model = plan.model;
    let t = model.ty(id);
    let any = ident(any);
    let features = plan.type_features(id);
    let cfg = plan.cfg(&features);
    let concrete = concrete_types(model, id);
    let names = variant_names(model, &concrete);
    let own = concrete.first() == Some(&id);

    let mut paragraphs = vec![format!(
        "A `{}` or a type derived from it: the value of a property, parameter or result declared as `{}`.",
        t.name, t.name
    )];
    paragraphs.push(format!(
        "Deserialization picks the variant from `@odata.type` ({}), reading straight from the input when `@odata.type` comes first; serialization writes `@odata.type` first, then the value's properties. A type this crate does not know is kept whole in `{UNRECOGNIZED_VARIANT}` and written back unchanged.",
        if own {
            "a value without it is the declared type"
        } else {
            "the declared type is abstract, so a value without it is unrecognized"
        }
    ));
    paragraphs.push(plan.clouds(&t.availability).doc_line());
    let doc = docs::attrs(&paragraphs);

    // A derived type may be needed by fewer features than the declared one.
    let variant_cfg = |c: TypeId| {
        let here = plan.type_features(c);
        if here == features {
            TokenStream::new()
        } else {
            plan.cfg(&here)
        }
    };
    let mut variants = Vec::new();
    let mut listed = Vec::new();
    for (&c, name) in concrete.iter().zip(&names) {
        let variant = ident(name);
        let qualified = model.ty(c).name.to_string();
        let doc = format!(" `{qualified}`.");
        let cfg = variant_cfg(c);
        let path = if cfg.is_empty() {
            cx.type_path(c)
        } else {
            cx.absolute_path(c)
        };
        variants.push(quote! {
            #[doc = #doc]
            #cfg
            #variant(Box<#path>),
        });
        if c != id {
            listed.push(quote!(#cfg #variant = #qualified,));
        }
    }
    let unrecognized = ident(UNRECOGNIZED_VARIANT);
    let head = if own {
        let variant = ident(&names[0]);
        let path = cx.type_path(id);
        let qualified = t.name.to_string();
        quote!(#any: #variant(#path) = #qualified)
    } else {
        quote!(#any)
    };
    quote! {
        #doc
        #cfg
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub enum #any {
            #(#variants)*
            /// A value whose `@odata.type` this crate does not know, kept as received.
            #unrecognized(serde_json::Map<String, serde_json::Value>),
        }

        #cfg
        graphgen_runtime::dispatch! {
            #head {
                #(#listed)*
            }
        }
    }
}
