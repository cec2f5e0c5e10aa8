//! Complex and entity types: a struct per type with its inherited properties
//! written out as fields (no `serde(flatten)` of the base: that buffers every
//! value through a map and is slow), followed by its `object!` invocation,
//! which lists the members and the base views (`into_<base>()`).

use proc_macro2::TokenStream;
use quote::quote;

use crate::model::{PropertyDef, StructDef, TypeId, TypeKind, TypeRef};

use super::docs;
use super::naming::{self, Scope, ADDITIONAL_PROPERTIES_FIELD};
use super::plan::Plan;
use super::poly;
use super::types::{csdl_type, ident, Cx};

/// One field of a generated struct.
pub struct Field<'m> {
    pub prop: &'m PropertyDef,
    pub name: String,
    pub required: bool,
}

/// The fields of a struct: inherited properties first (root base first),
/// named in one scope so a base and its derived types agree on names.
pub fn fields<'m>(plan: &Plan<'m>, id: TypeId) -> Vec<Field<'m>> {
    let mut scope = Scope::struct_fields();
    plan.model
        .all_properties(id)
        .into_iter()
        .filter(|p| !Plan::is_skipped(&p.ty))
        .map(|p| Field {
            prop: p,
            name: scope.claim(naming::field_name(&p.name)),
            required: is_required(p),
        })
        .collect()
}

/// Required means `new` takes it: the metadata says `Nullable="false"`, so
/// a value the user builds must hold it. Keys (assigned by the service,
/// absent in request bodies and action payloads), computed properties
/// (never sent by clients) and navigation properties (present only when
/// expanded) are not, whatever their nullability, and neither is what some
/// cloud with the declaring type lacks (decided there, so that base and
/// derived types agree). A value read from the service may lack any
/// property (a GET answers only what is selected), so every field is a
/// `Nullable`.
fn is_required(p: &PropertyDef) -> bool {
    !p.nullable && p.in_every_cloud && !p.is_key && !p.computed && p.navigation.is_none()
}

/// The struct, its `object!` invocation, and its `Any*` enum if it has one.
pub fn emit(cx: &Cx<'_, '_>, id: TypeId, def: &StructDef) -> TokenStream {
    let plan = cx.plan;
    let model = plan.model;
    let t = model.ty(id);
    let name = ident(plan.type_name(id));
    let cfg = plan.cfg(&plan.type_features(id));

    if plan.is_json_alias(id) {
        let mut paragraphs = vec![format!(
            "`{}` (CSDL ComplexType with no properties): any JSON value.",
            t.name
        )];
        paragraphs.extend(docs::description(&t.doc));
        paragraphs.push(plan.clouds(&t.availability).doc_line());
        let doc = docs::attrs(&paragraphs);
        return quote! {
            #doc
            #cfg
            pub type #name = serde_json::Value;
        };
    }

    let fields = fields(plan, id);
    let open = plan.is_open(id);
    let kind = match &t.kind {
        TypeKind::Entity(_) => "EntityType",
        _ => "ComplexType",
    };

    let mut head = format!("`{}` (CSDL {kind}", t.name);
    if def.is_abstract {
        head.push_str(", abstract");
    }
    if open {
        head.push_str(", open");
    }
    if let Some(b) = def.base {
        head.push_str(&format!(", base type `{}`", model.ty(b).name));
    }
    head.push_str(").");
    let mut paragraphs = vec![head];
    paragraphs.extend(docs::description(&t.doc));
    if !def.derived.is_empty() {
        let names = model
            .descendants(id)
            .iter()
            .map(|d| format!("`{}`", model.ty(*d).name.name))
            .collect::<Vec<_>>()
            .join(", ");
        let any = match plan.any_name(id) {
            Some(any) => format!("; a value of any of them is an [`{any}`]"),
            None => String::new(),
        };
        paragraphs.push(format!("Derived types: {names}{any}."));
    }
    let skipped: Vec<String> = model
        .all_properties(id)
        .into_iter()
        .filter(|p| Plan::is_skipped(&p.ty))
        .map(|p| format!("`{}`", p.name))
        .collect();
    if !skipped.is_empty() {
        paragraphs.push(format!(
            "Stream properties ({}) have no JSON form and are not fields.",
            skipped.join(", ")
        ));
    }
    paragraphs.push(plan.clouds(&t.availability).doc_line());
    let doc = docs::attrs(&paragraphs);
    let deprecated = docs::deprecated(&t.doc);
    let required: Vec<&Field<'_>> = fields.iter().filter(|f| f.required).collect();
    let decls = fields
        .iter()
        .map(|f| field_decl(cx, id, f, &t.availability));
    let extra = open.then(|| {
        let field = ident(ADDITIONAL_PROPERTIES_FIELD);
        quote! {
            /// Properties the metadata does not declare (this is an open type), kept as received and written back.
            pub #field: serde_json::Map<String, serde_json::Value>,
        }
    });

    let members = fields
        .iter()
        .map(|f| member(&f.name, &cx.rust_type(Some(id), &f.prop.ty), &f.prop.name));
    let rest = open.then(|| {
        let field = ident(ADDITIONAL_PROPERTIES_FIELD);
        quote!(..#field)
    });
    let qualified = t.name.to_string();
    let new = (!required.is_empty()).then(|| {
        let params = required
            .iter()
            .map(|f| new_param(cx, Some(id), &f.name, &f.prop.ty));
        quote!(new(#(#params),*);)
    });
    let views = base_views(cx, id);
    let any = poly::emit(cx, id);
    quote! {
        #doc
        #deprecated
        #cfg
        #[derive(Clone, PartialEq, Default)]
        #[non_exhaustive]
        pub struct #name {
            #(#decls)*
            #extra
        }

        #cfg
        graphgen_runtime::object! {
            #name = #qualified {
                #(#members)*
                #rest
            }
            #new
            #views
        }

        #any
    }
}

/// A parameter of `new(...)`: `name: Type` takes `impl Into<Type>`, and a
/// collection's `name in Item` takes any iterator of `impl Into<Item>`.
pub fn new_param(cx: &Cx<'_, '_>, owner: Option<TypeId>, name: &str, ty: &TypeRef) -> TokenStream {
    let name = ident(name);
    match ty {
        TypeRef::Collection(item) => {
            let item = cx.rust_type(None, item);
            quote!(#name in #item)
        }
        _ => {
            let ty = cx.rust_type(owner, ty);
            quote!(#name: #ty)
        }
    }
}

/// A member of an `object!` invocation: `field: Type = "wire"`.
pub fn member(field: &str, ty: &TokenStream, wire: &str) -> TokenStream {
    let field = ident(field);
    quote!(#field: #ty = #wire,)
}

/// `fn into_<base>() -> Base { fields };` for each base type that carries
/// anything. Base views are methods, not `From` impls: a thousand `impl
/// From<X> for Entity` share one self type, and rustc checks those pairwise.
fn base_views(cx: &Cx<'_, '_>, id: TypeId) -> TokenStream {
    let plan = cx.plan;
    let model = plan.model;
    let mut method_names = Scope::new();
    method_names.reserve("new");
    let views = model
        .ancestors(id)
        .into_iter()
        .filter(|a| !plan.is_json_alias(*a))
        .filter(|a| plan.is_open(*a) || !fields(plan, *a).is_empty())
        .map(|a| {
            let method = ident(&method_names.claim(format!(
                "into_{}",
                naming::field_name(&model.ty(a).name.name).trim_start_matches("r#")
            )));
            let base = cx.type_path(a);
            let mut names: Vec<proc_macro2::Ident> =
                fields(plan, a).iter().map(|f| ident(&f.name)).collect();
            if plan.is_open(a) {
                names.push(ident(ADDITIONAL_PROPERTIES_FIELD));
            }
            quote!(fn #method() -> #base { #(#names),* };)
        });
    quote!(#(#views)*)
}

fn field_decl(
    cx: &Cx<'_, '_>,
    owner: TypeId,
    f: &Field<'_>,
    owner_availability: &crate::model::Availability,
) -> TokenStream {
    let plan = cx.plan;
    let p = f.prop;
    let ty = cx.rust_type(Some(owner), &p.ty);
    let mut first = format!("`{}`: `{}`", p.name, csdl_type(plan, &p.ty));
    first.push_str(match (f.required, p.nullable) {
        (true, _) => ", required: `new` takes it.",
        (false, false) => ", never null.",
        (false, true) => ".",
    });
    let mut paragraphs = vec![first];
    paragraphs.extend(docs::description(&p.doc));
    if p.is_key {
        paragraphs.push("The entity key: assigned by the service; absent when the entity is sent in a request body or embedded in an action's payload.".into());
    }
    if p.computed {
        paragraphs.push(
            "Read-only: computed by the service (Core.Computed); never sent by clients.".into(),
        );
    }
    if p.immutable {
        paragraphs.push(
            "Immutable: can be set when the entity is created, never changed (Core.Immutable)."
                .into(),
        );
    }
    if let Some(nav) = &p.navigation {
        let mut s = String::from("Navigation property");
        if nav.contains_target {
            s.push_str(" (contained)");
        }
        s.push_str(": present only when expanded (`$expand`) or sent inline.");
        let caps = &nav.capabilities;
        let mut denied = Vec::new();
        if caps.insertable == Some(false) {
            denied.push("insert");
        }
        if caps.updatable == Some(false) {
            denied.push("update");
        }
        if caps.deletable == Some(false) {
            denied.push("delete");
        }
        if !denied.is_empty() {
            s.push_str(&format!(
                " The service does not allow: {}.",
                denied.join(", ")
            ));
        }
        paragraphs.push(s);
    }
    let here = plan.clouds(&p.availability);
    if here.narrower_than(&plan.clouds(owner_availability)) {
        paragraphs.push(here.doc_line());
    }
    let doc = docs::attrs(&paragraphs);
    let deprecated = docs::deprecated(&p.doc);
    let name = ident(&f.name);
    let ty = cx.nullable(ty);
    quote! {
        #doc
        #deprecated
        pub #name: #ty,
    }
}
