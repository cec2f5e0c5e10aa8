//! Complex and entity types: a struct per type with its inherited properties
//! written out as fields (no `serde(flatten)` of the base: that buffers every
//! value through a map and is slow), and an `into_<base>()` method for each
//! base view.

use proc_macro2::TokenStream;
use quote::quote;

use crate::model::{PropertyDef, StructDef, TypeId, TypeKind};

use super::docs;
use super::naming::{self, Scope, ADDITIONAL_PROPERTIES_FIELD};
use super::plan::Plan;
use super::types::{csdl_type, ident, rust_type, type_path};
use super::wire;

/// One field of a generated struct.
pub struct Field<'m> {
    pub prop: &'m PropertyDef,
    pub name: String,
    pub required: bool,
}

/// The fields of a struct: inherited properties first (root base first),
/// named in one scope so a base and its derived types agree on names.
pub fn fields<'m>(plan: &Plan<'m>, id: TypeId) -> Vec<Field<'m>> {
    let mut scope = Scope::new();
    scope.reserve(ADDITIONAL_PROPERTIES_FIELD);
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

/// Required means: the metadata says `Nullable="false"`, and the service
/// sends it in every representation. Keys (assigned by the service, absent in
/// request bodies and action payloads), computed properties (never sent by
/// clients) and navigation properties (present only when expanded) are
/// optional whatever their nullability.
pub fn is_required(p: &PropertyDef) -> bool {
    !p.nullable && !p.is_key && !p.computed && p.navigation.is_none()
}

/// The struct and its inherent impls as tokens, and its wire impls as text.
pub fn emit(plan: &Plan<'_>, id: TypeId, def: &StructDef) -> (TokenStream, String) {
    let model = plan.model;
    let t = model.ty(id);
    let name = ident(plan.type_name(id));

    let cfg = plan.cfg(id);
    if plan.is_json_alias(id) {
        let mut paragraphs = vec![format!(
            "`{}` (CSDL ComplexType with no properties): any JSON value.",
            t.name
        )];
        paragraphs.extend(docs::description(&t.doc));
        paragraphs.push(plan.clouds(&t.availability).doc_line());
        let doc = docs::attrs(&paragraphs);
        let alias = quote! {
            #doc
            #cfg
            pub type #name = serde_json::Value;
        };
        return (alias, String::new());
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

    let field_decls = fields
        .iter()
        .map(|f| field_decl(plan, id, f, &t.availability));
    let additional = open.then(|| {
        let field = ident(ADDITIONAL_PROPERTIES_FIELD);
        quote! {
            /// Properties the metadata does not declare (this is an open type), kept as received and written back.
            pub #field: serde_json::Map<String, serde_json::Value>,
        }
    });
    let any_required = fields.iter().any(|f| f.required);
    let derive_default = (!any_required).then(|| quote!(Default,));
    let constructor = any_required.then(|| constructor(plan, id, &fields, open, &cfg));
    // Base views are methods, not `From` impls: a thousand `impl From<X> for
    // Entity` share one self type, and rustc checks those pairwise. A base
    // view of a base with no fields would carry nothing.
    let mut method_names = Scope::new();
    method_names.reserve("new");
    let conversions = model
        .ancestors(id)
        .into_iter()
        .filter(|a| !plan.is_json_alias(*a))
        .filter(|a| plan.is_open(*a) || !self::fields(plan, *a).is_empty())
        .map(|a| {
            let method = method_names.claim(format!(
                "into_{}",
                naming::field_name(&model.ty(a).name.name).trim_start_matches("r#")
            ));
            base_view(plan, id, a, &fields, open, &method)
        })
        .collect::<Vec<_>>();
    let conversions = (!conversions.is_empty()).then(|| {
        quote! {
            #cfg
            impl #name {
                #(#conversions)*
            }
        }
    });

    let wire_fields: Vec<wire::WireField<'_>> = fields
        .iter()
        .map(|f| wire::WireField {
            ident: ident(&f.name).to_string(),
            json: &f.prop.name,
            required: f.required,
        })
        .collect();
    let qualified = t.name.to_string();
    let wire = wire::impls(&wire::Wire {
        name: plan.type_name(id),
        qualified: &qualified,
        fields: &wire_fields,
        additional: open.then_some(ADDITIONAL_PROPERTIES_FIELD),
        cfg: &plan.cfg_line(id),
    });

    let tokens = quote! {
        #doc
        #deprecated
        #cfg
        #[derive(Debug, Clone, PartialEq, #derive_default)]
        #[non_exhaustive]
        pub struct #name {
            #(#field_decls)*
            #additional
        }

        #constructor
        #conversions
    };
    (tokens, wire)
}

fn field_decl(
    plan: &Plan<'_>,
    owner: TypeId,
    f: &Field<'_>,
    owner_availability: &crate::model::Availability,
) -> TokenStream {
    let p = f.prop;
    let name = ident(&f.name);
    let ty = rust_type(plan, Some(owner), &p.ty);
    let mut first = format!("`{}`: `{}`", p.name, csdl_type(plan, &p.ty));
    first.push_str(match (f.required, p.nullable) {
        (true, _) => ", required.",
        (false, false) => ", not nullable, but absent from some payloads.",
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
    if f.required {
        quote! {
            #doc
            #deprecated
            pub #name: #ty,
        }
    } else {
        quote! {
            #doc
            #deprecated
            pub #name: Option<#ty>,
        }
    }
}

fn constructor(
    plan: &Plan<'_>,
    id: TypeId,
    fields: &[Field<'_>],
    open: bool,
    cfg: &TokenStream,
) -> TokenStream {
    let name = ident(plan.type_name(id));
    let params = fields.iter().filter(|f| f.required).map(|f| {
        let n = ident(&f.name);
        let ty = rust_type(plan, Some(id), &f.prop.ty);
        quote!(#n: #ty)
    });
    let inits = fields.iter().map(|f| {
        let n = ident(&f.name);
        if f.required {
            quote!(#n)
        } else {
            quote!(#n: None)
        }
    });
    let additional = open.then(|| {
        let field = ident(ADDITIONAL_PROPERTIES_FIELD);
        quote!(#field: serde_json::Map::new(),)
    });
    let many = fields.iter().filter(|f| f.required).count() > 7;
    let allow = many.then(|| quote!(#[allow(clippy::too_many_arguments)]));
    quote! {
        #cfg
        impl #name {
            /// A value with the required properties set and every optional one `None`.
            #allow
            pub fn new(#(#params),*) -> Self {
                Self {
                    #(#inits,)*
                    #additional
                }
            }
        }
    }
}

/// `impl From<Derived> for Base`: the base view keeps the inherited fields.
fn base_view(
    plan: &Plan<'_>,
    id: TypeId,
    base: TypeId,
    fields: &[Field<'_>],
    open: bool,
    method: &str,
) -> TokenStream {
    let base_path = type_path(plan, base);
    let base_fields = self::fields(plan, base);
    let moves = base_fields.iter().map(|bf| {
        let n = ident(&bf.name);
        debug_assert!(fields.iter().any(|f| f.name == bf.name));
        // A field boxed in one type but not the other converts through Box.
        let value = match (
            plan.is_boxed(id, &bf.prop.ty),
            plan.is_boxed(base, &bf.prop.ty),
            bf.required,
        ) {
            (true, false, true) => quote!(*self.#n),
            (true, false, false) => quote!(self.#n.map(|v| *v)),
            (false, true, true) => quote!(Box::new(self.#n)),
            (false, true, false) => quote!(self.#n.map(Box::new)),
            _ => quote!(self.#n),
        };
        quote!(#n: #value)
    });
    let additional = (open && plan.is_open(base)).then(|| {
        let field = ident(ADDITIONAL_PROPERTIES_FIELD);
        quote!(#field: self.#field,)
    });
    let doc = format!(
        " The `{}` view of this `{}`: its inherited properties.",
        plan.model.ty(base).name.name,
        plan.model.ty(id).name.name
    );
    let method = ident(method);
    quote! {
        #[doc = #doc]
        pub fn #method(self) -> #base_path {
            #base_path {
                #(#moves,)*
                #additional
            }
        }
    }
}
