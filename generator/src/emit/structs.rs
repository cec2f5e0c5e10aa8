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
use super::poly;
use super::text;
use super::types::{csdl_type, ident, rust_type, type_path};
use super::wire;
use super::Items;

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
/// optional whatever their nullability, and so is what some cloud with the
/// declaring type lacks (decided there, so that base and derived types agree).
fn is_required(p: &PropertyDef) -> bool {
    !p.nullable && p.in_every_cloud && !p.is_key && !p.computed && p.navigation.is_none()
}

/// The struct, its inherent impls, its `Any*` enum if it has one, and its
/// wire impls.
pub fn emit(items: &mut Items, plan: &Plan<'_>, id: TypeId, def: &StructDef) {
    let model = plan.model;
    let t = model.ty(id);
    let name = ident(plan.type_name(id));

    if plan.is_json_alias(id) {
        let mut paragraphs = vec![format!(
            "`{}` (CSDL ComplexType with no properties): any JSON value.",
            t.name
        )];
        paragraphs.extend(docs::description(&t.doc));
        paragraphs.push(plan.clouds(&t.availability).doc_line());
        let doc = docs::attrs(&paragraphs);
        let cfg = plan.cfg(id);
        items.tokens(quote! {
            #doc
            #cfg
            pub type #name = serde_json::Value;
        });
        return;
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
    let mut decls: Vec<FieldDecl> = fields
        .iter()
        .map(|f| field_decl(plan, id, f, &t.availability))
        .collect();
    if open {
        decls.push(FieldDecl::new(
            vec![" Properties the metadata does not declare (this is an open type), kept as received and written back.".into()],
            ADDITIONAL_PROPERTIES_FIELD.into(),
            quote!(serde_json::Map<String, serde_json::Value>),
        ));
    }
    let any_required = fields.iter().any(|f| f.required);
    let decl = Decl {
        doc: docs::lines(&paragraphs),
        deprecated: docs::deprecated(&t.doc),
        cfg: plan.cfg_line(id).to_string(),
        name: plan.type_name(id),
        default: !any_required,
        debug: false,
        fields: decls,
    };
    decl.emit(items);
    if any_required {
        constructor(items, plan, id, &fields, open);
    }
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
            base_view(plan, id, a, &fields, open, method)
        })
        .collect::<Vec<_>>();
    if !conversions.is_empty() {
        match views_text(plan.cfg_line(id), plan.type_name(id), &conversions) {
            Some(text) => items.text(&text),
            None => {
                let views = conversions.iter().map(BaseView::tokens);
                let cfg = plan.cfg(id);
                items.tokens(quote! {
                    #cfg
                    impl #name {
                        #(#views)*
                    }
                });
            }
        }
    }
    items.text(&poly::emit(plan, id));

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
        cfg: plan.cfg_line(id),
    });

    items.text(&wire);
}

/// A struct declaration.
pub(super) struct Decl<'a> {
    /// Doc attribute values ([`docs::lines`]).
    pub doc: Vec<String>,
    /// `#[deprecated]`, or nothing.
    pub deprecated: TokenStream,
    /// The `#[cfg]` line, or empty.
    pub cfg: String,
    pub name: &'a str,
    /// Whether it derives `Default`.
    pub default: bool,
    /// Whether it derives `Debug`; a struct with `wire::impls` has its own.
    pub debug: bool,
    pub fields: Vec<FieldDecl>,
}

/// A field of a struct declaration.
pub(super) struct FieldDecl {
    doc: Vec<String>,
    deprecated: TokenStream,
    /// As Rust writes it (`r#type`).
    name: String,
    /// The whole type (`Option<_>` included).
    ty: TokenStream,
}

impl FieldDecl {
    pub fn new(doc: Vec<String>, name: String, ty: TokenStream) -> Self {
        FieldDecl {
            doc,
            deprecated: TokenStream::new(),
            name,
            ty,
        }
    }
}

impl Decl<'_> {
    /// As text when that is plain, else as tokens.
    pub fn emit(&self, items: &mut Items) {
        match self.text() {
            Some(text) => items.text(&text),
            None => items.tokens(self.tokens()),
        }
    }

    fn tokens(&self) -> TokenStream {
        let doc = docs::attrs_of(&self.doc);
        let deprecated = &self.deprecated;
        let cfg = Plan::tokens(self.cfg.clone());
        let name = ident(self.name);
        let debug = self.debug.then(|| quote!(Debug,));
        let default = self.default.then(|| quote!(Default,));
        let fields = self.fields.iter().map(|f| {
            let doc = docs::attrs_of(&f.doc);
            let (deprecated, name, ty) = (&f.deprecated, ident(&f.name), &f.ty);
            quote! {
                #doc
                #deprecated
                pub #name: #ty,
            }
        });
        quote! {
            #doc
            #deprecated
            #cfg
            #[derive(#debug Clone, PartialEq, #default)]
            #[non_exhaustive]
            pub struct #name {
                #(#fields)*
            }
        }
    }

    /// The declaration as prettyplease lays it out, when that is plain
    /// (see [`text`]).
    fn text(&self) -> Option<String> {
        if !self.deprecated.is_empty() || self.fields.iter().any(|f| !f.deprecated.is_empty()) {
            return None;
        }
        let mut out = String::with_capacity(256 + self.fields.len() * 128);
        text::doc(&mut out, 0, &self.doc);
        text::cfg(&mut out, 0, &self.cfg);
        out.push_str(match (self.debug, self.default) {
            (true, true) => "#[derive(Debug, Clone, PartialEq, Default)]\n",
            (true, false) => "#[derive(Debug, Clone, PartialEq)]\n",
            (false, true) => "#[derive(Clone, PartialEq, Default)]\n",
            (false, false) => "#[derive(Clone, PartialEq)]\n",
        });
        out.push_str("#[non_exhaustive]\n");
        if self.fields.is_empty() {
            text::code(&mut out, 0, &format!("pub struct {} {{}}", self.name))?;
            return Some(out);
        }
        text::code(&mut out, 0, &format!("pub struct {} {{", self.name))?;
        for f in &self.fields {
            text::doc(&mut out, 4, &f.doc);
            let ty = text::type_text(&f.ty)?;
            text::code(&mut out, 4, &format!("pub {}: {ty},", f.name))?;
        }
        out.push_str("}\n");
        Some(out)
    }
}

fn field_decl(
    plan: &Plan<'_>,
    owner: TypeId,
    f: &Field<'_>,
    owner_availability: &crate::model::Availability,
) -> FieldDecl {
    let p = f.prop;
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
    FieldDecl {
        doc: docs::lines(&paragraphs),
        deprecated: docs::deprecated(&p.doc),
        name: f.name.clone(),
        ty: if f.required { ty } else { quote!(Option<#ty>) },
    }
}

/// `new()` with the required fields as parameters: as text when that is
/// plain, else as tokens.
fn constructor(items: &mut Items, plan: &Plan<'_>, id: TypeId, fields: &[Field<'_>], open: bool) {
    let params: Vec<(&str, TokenStream)> = fields
        .iter()
        .filter(|f| f.required)
        .map(|f| (f.name.as_str(), rust_type(plan, Some(id), &f.prop.ty)))
        .collect();
    let mut inits: Vec<String> = fields
        .iter()
        .map(|f| match f.required {
            true => f.name.clone(),
            false => format!("{}: None", f.name),
        })
        .collect();
    if open {
        inits.push(format!(
            "{ADDITIONAL_PROPERTIES_FIELD}: serde_json::Map::new()"
        ));
    }
    let allow = (params.len() > 7).then_some("#[allow(clippy::too_many_arguments)]");
    const DOC: &str = " A value with the required properties set and every optional one `None`.";
    let (cfg, name) = (plan.cfg_line(id), plan.type_name(id));
    if let Some(text) = constructor_text(cfg, name, DOC, allow, &params, &inits) {
        items.text(&text);
        return;
    }
    let cfg = Plan::tokens(cfg.to_string());
    let name = ident(name);
    let params = params.iter().map(|(n, ty)| {
        let n = ident(n);
        quote!(#n: #ty)
    });
    let inits: TokenStream = inits.join(", ").parse().expect("field initializers");
    let allow = allow.map(|a| a.parse::<TokenStream>().expect("an attribute"));
    items.tokens(quote! {
        #cfg
        impl #name {
            #[doc = #DOC]
            #allow
            pub fn new(#(#params),*) -> Self {
                Self { #inits }
            }
        }
    });
}

fn constructor_text(
    cfg: &str,
    name: &str,
    doc: &str,
    allow: Option<&str>,
    params: &[(&str, TokenStream)],
    inits: &[String],
) -> Option<String> {
    let mut out = String::with_capacity(256 + inits.len() * 48);
    text::cfg(&mut out, 0, cfg);
    text::code(&mut out, 0, &format!("impl {name} {{"))?;
    text::doc(&mut out, 4, &[doc.to_string()]);
    if let Some(allow) = allow {
        text::code(&mut out, 4, allow)?;
    }
    let params = params
        .iter()
        .map(|(n, ty)| Some(format!("{n}: {}", text::type_text(ty)?)))
        .collect::<Option<Vec<String>>>()?;
    text::signature(&mut out, 4, "pub fn new(", &params, ") -> Self {")?;
    text::struct_expr(&mut out, 8, "Self", inits)?;
    out.push_str("    }\n}\n");
    Some(out)
}

/// An `into_<base>()` method: the base view keeps the inherited fields.
struct BaseView {
    doc: String,
    method: String,
    base_path: TokenStream,
    /// The base's fields as set from this type's: `name: value`, the open
    /// base's undeclared members last.
    inits: Vec<String>,
}

impl BaseView {
    fn tokens(&self) -> TokenStream {
        let doc = &self.doc;
        let method = ident(&self.method);
        let base_path = &self.base_path;
        let inits: TokenStream = self.inits.join(", ").parse().expect("field initializers");
        quote! {
            #[doc = #doc]
            pub fn #method(self) -> #base_path {
                #base_path { #inits }
            }
        }
    }
}

/// The `impl` holding the base views, as prettyplease lays it out when that
/// is plain (see [`text`]).
fn views_text(cfg: &str, name: &str, views: &[BaseView]) -> Option<String> {
    let mut out = String::with_capacity(views.len() * 512);
    text::cfg(&mut out, 0, cfg);
    text::code(&mut out, 0, &format!("impl {name} {{"))?;
    for v in views {
        let base = text::type_text(&v.base_path)?;
        text::doc(&mut out, 4, std::slice::from_ref(&v.doc));
        text::code(
            &mut out,
            4,
            &format!("pub fn {}(self) -> {base} {{", v.method),
        )?;
        text::struct_expr(&mut out, 8, &base, &v.inits)?;
        out.push_str("    }\n");
    }
    out.push_str("}\n");
    Some(out)
}

fn base_view(
    plan: &Plan<'_>,
    id: TypeId,
    base: TypeId,
    fields: &[Field<'_>],
    open: bool,
    method: String,
) -> BaseView {
    let mut inits: Vec<String> = self::fields(plan, base)
        .iter()
        .map(|bf| {
            debug_assert!(fields.iter().any(|f| f.name == bf.name));
            let n = &bf.name;
            // A field boxed in one type but not the other converts through `Box`.
            let value = match (
                plan.is_boxed(id, &bf.prop.ty),
                plan.is_boxed(base, &bf.prop.ty),
                bf.required,
            ) {
                (true, false, true) => format!("*self.{n}"),
                (true, false, false) => format!("self.{n}.map(|v| *v)"),
                (false, true, true) => format!("Box::new(self.{n})"),
                (false, true, false) => format!("self.{n}.map(Box::new)"),
                _ => format!("self.{n}"),
            };
            format!("{n}: {value}")
        })
        .collect();
    if open && plan.is_open(base) {
        let field = ADDITIONAL_PROPERTIES_FIELD;
        inits.push(format!("{field}: self.{field}"));
    }
    BaseView {
        doc: format!(
            " The `{}` view of this `{}`: its inherited properties.",
            plan.model.ty(base).name.name,
            plan.model.ty(id).name.name
        ),
        method,
        base_path: type_path(plan, base),
        inits,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The base views' two forms agree: the text is what prettyplease makes
    /// of the tokens, boxing conversions included.
    #[test]
    fn base_views_as_text_are_the_tokens_laid_out() {
        let view = BaseView {
            doc: " The `base` view of this `derived`: its inherited properties.".into(),
            method: "into_base".into(),
            base_path: quote!(crate::graph::Base),
            inits: vec![
                "id: self.id".into(),
                "parent: *self.parent".into(),
                "child: self.child.map(|v| *v)".into(),
                "boxed: Box::new(self.boxed)".into(),
                "maybe: self.maybe.map(Box::new)".into(),
            ],
        };
        let cfg = "#[cfg(feature = \"graph\")]\n";
        let text = views_text(cfg, "Derived", std::slice::from_ref(&view)).unwrap();
        let tokens = view.tokens();
        let cfg = Plan::tokens(cfg.to_string());
        let file: syn::File = syn::parse2(quote!(#cfg impl Derived { #tokens })).unwrap();
        assert_eq!(prettyplease::unparse(&file), text);
    }
}
