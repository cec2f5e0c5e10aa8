//! The Rust type of a CSDL type reference (the Edm mapping lives here).

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::model::{Primitive, TypeId, TypeKind, TypeRef};

use super::plan::Plan;

/// An identifier from a name that may be a raw identifier (`r#type`).
pub fn ident(name: &str) -> proc_macro2::Ident {
    match name.strip_prefix("r#") {
        Some(raw) => proc_macro2::Ident::new_raw(raw, proc_macro2::Span::call_site()),
        None => format_ident!("{}", name),
    }
}

/// `crate::module::Name` for a generated type.
pub fn type_path(plan: &Plan<'_>, id: TypeId) -> TokenStream {
    let t = plan.model.ty(id);
    let module = ident(plan.module_name(&t.name.namespace));
    let name = ident(plan.type_name(id));
    quote!(crate::#module::#name)
}

/// `crate::module::AnyName` for a polymorphic declared type.
pub fn any_path(plan: &Plan<'_>, id: TypeId) -> Option<TokenStream> {
    let name = plan.any_name(id)?;
    let t = plan.model.ty(id);
    let module = ident(plan.module_name(&t.name.namespace));
    let name = ident(name);
    Some(quote!(crate::#module::#name))
}

pub fn primitive(p: Primitive) -> TokenStream {
    use Primitive::*;
    match p {
        String => quote!(String),
        Boolean => quote!(bool),
        Byte => quote!(u8),
        SByte => quote!(i8),
        Int16 => quote!(i16),
        Int32 => quote!(i32),
        Int64 => quote!(i64),
        Single => quote!(f32),
        Double => quote!(f64),
        Decimal => quote!(graphgen_runtime::edm::Decimal),
        Guid => quote!(graphgen_runtime::edm::Guid),
        Date => quote!(graphgen_runtime::edm::Date),
        DateTimeOffset => quote!(graphgen_runtime::edm::DateTimeOffset),
        TimeOfDay => quote!(graphgen_runtime::edm::TimeOfDay),
        Duration => quote!(graphgen_runtime::edm::Duration),
        Binary => quote!(graphgen_runtime::edm::Binary),
        // Untyped, streams and geo values (GeoJSON) are kept as JSON.
        Untyped
        | Stream
        | Geography
        | GeographyPoint
        | GeographyLineString
        | GeographyPolygon
        | GeographyMultiPoint
        | GeographyMultiLineString
        | GeographyMultiPolygon
        | GeographyCollection
        | Geometry
        | GeometryPoint
        | GeometryLineString
        | GeometryPolygon
        | GeometryMultiPoint
        | GeometryMultiLineString
        | GeometryMultiPolygon
        | GeometryCollection => quote!(serde_json::Value),
    }
}

/// The Rust type of a value of `ty` held by `owner` (which decides boxing).
pub fn rust_type(plan: &Plan<'_>, owner: Option<TypeId>, ty: &TypeRef) -> TokenStream {
    match ty {
        TypeRef::Primitive(p) => primitive(*p),
        TypeRef::Collection(inner) => {
            let inner = rust_type(plan, None, inner);
            quote!(Vec<#inner>)
        }
        TypeRef::Named(id) => {
            let id = *id;
            if let Some(any) = any_path(plan, id) {
                return any;
            }
            let path = type_path(plan, id);
            match &plan.model.ty(id).kind {
                TypeKind::Enum(e) if e.is_flags => quote!(graphgen_runtime::Flags<#path>),
                TypeKind::Enum(_) => path,
                _ if owner.is_some_and(|o| plan.is_boxed(o, ty)) => quote!(Box<#path>),
                _ => path,
            }
        }
    }
}

/// How a type is written in docs: `Collection(microsoft.graph.entity)`.
pub fn csdl_type(plan: &Plan<'_>, ty: &TypeRef) -> String {
    match ty {
        TypeRef::Primitive(p) => format!("Edm.{p:?}"),
        TypeRef::Named(id) => plan.model.ty(*id).name.to_string(),
        TypeRef::Collection(inner) => format!("Collection({})", csdl_type(plan, inner)),
    }
}
