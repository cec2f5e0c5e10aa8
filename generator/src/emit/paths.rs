//! The resource API of a module: functions for the container's roots,
//! a navigation trait per entity type a path addresses one of, and a
//! capabilities marker per root or navigation property whose capabilities
//! are not the runtime's standard ones. The verbs are the runtime's,
//! generic over the path's type and capabilities.

use proc_macro2::TokenStream;
use quote::quote;

use crate::model::{Model, Navigation, PropertyDef, ResolvedCapabilities, TypeId, TypeRef};

use super::capabilities::{self, CapsSpec, Owner};
use super::docs;
use super::naming::{self, Scope};
use super::plan::{PathUnit, Plan};
use super::structs;
use super::types::{csdl_type, ident, Cx};

/// The items of one unit of a paths file.
pub fn emit(cx: &Cx<'_, '_>, unit: &PathUnit) -> TokenStream {
    match unit {
        PathUnit::Roots(roots) => self::roots(cx, roots),
        PathUnit::Nav(id) => nav_trait(cx, *id),
        PathUnit::Caps(owner) => caps_marker(cx, owner),
        PathUnit::Status(id) => status(cx, *id),
    }
}

/// The path type of a root or navigation property: what it addresses (the
/// `Any*` enum of a type with derived types) and its capabilities marker.
fn path_type(
    cx: &Cx<'_, '_>,
    kind: &str,
    target: TypeId,
    owner: &Owner,
    spec: &CapsSpec,
    collection: bool,
) -> TokenStream {
    let value = cx.rust_type(None, &TypeRef::Named(target));
    let kind = ident(kind);
    let caps = match cx.plan.caps_name(owner) {
        Some(name) => {
            let namespace = match owner {
                Owner::Root(i) => {
                    &cx.plan
                        .model
                        .ty(cx.plan.model.roots[*i].entity)
                        .name
                        .namespace
                }
                Owner::Navigation { declaring, .. } => &cx.plan.model.ty(*declaring).name.namespace,
            };
            let path = cx.item_path(namespace, name);
            quote!(, #path)
        }
        None => match spec.standard(collection) {
            Some("StandardEvolvable") => quote!(, graphgen_runtime::caps::StandardEvolvable),
            _ => TokenStream::new(),
        },
    };
    quote!(graphgen_runtime::#kind<#value #caps>)
}

/// `[Global, UsGovL4]`: where a call may go.
fn clouds(plan: &Plan<'_>, availability: &crate::model::Availability) -> TokenStream {
    let clouds = plan
        .clouds(availability)
        .allowed()
        .into_iter()
        .map(|c| ident(c.variant()));
    quote!([#(#clouds),*])
}

fn roots(cx: &Cx<'_, '_>, indices: &[usize]) -> TokenStream {
    let plan = cx.plan;
    let model = plan.model;
    let names = root_names(plan);
    let fns = indices.iter().map(|&i| {
        let root = &model.roots[i];
        let owner = Owner::Root(i);
        let spec = capabilities::caps(model, &owner, root.entity, root.collection);
        let kind = if root.collection {
            "CollectionPath"
        } else {
            "Path"
        };
        // Each function has its type's `#[cfg]`: what it names is needed then.
        let ty = cx.with_features(plan.type_features(root.entity), || {
            path_type(cx, kind, root.entity, &owner, &spec, root.collection)
        });
        let name = ident(&names[i]);
        let what = if root.collection {
            format!("Collection({})", model.ty(root.entity).name)
        } else {
            model.ty(root.entity).name.to_string()
        };
        let mut paragraphs = vec![format!(
            "`/{}`: the {} `{}` of the entity container, `{what}`.",
            root.name,
            if root.collection {
                "entity set"
            } else {
                "singleton"
            },
            root.name
        )];
        paragraphs.extend(docs::description(&root.doc));
        paragraphs.push(verbs(
            &root.capabilities,
            &spec,
            root.collection,
            !root.collection,
        ));
        paragraphs.push(plan.clouds(&root.availability).doc_line());
        let doc = docs::attrs(&paragraphs);
        let cfg = plan.cfg(&plan.type_features(root.entity));
        let segment = &root.name;
        let clouds = clouds(plan, &root.availability);
        quote! {
            #doc
            #cfg
            pub fn #name() -> #ty = #segment #clouds;
        }
    });
    quote! {
        graphgen_runtime::roots! {
            #(#fns)*
        }
    }
}

/// Names of the runtime's own methods on a path: a navigation property
/// named like one gets another name, or the trait method would be hidden.
const PATH_METHODS: &[&str] = &[
    "as_str",
    "clouds",
    "check",
    "single",
    "collection",
    "refs",
    "cast",
    "get",
    "update",
    "put",
    "delete",
    "key",
    "list",
    "create",
    "add",
    "remove",
    "target",
];

/// A method of a navigation trait: a navigation property of the entity
/// type, its own or inherited, and the method's name.
pub struct NavMethod<'m> {
    pub declaring: TypeId,
    pub property: &'m PropertyDef,
    pub navigation: &'m Navigation,
    pub target: TypeId,
    pub name: String,
}

/// The methods of `id`'s navigation trait, in order, named apart from the
/// methods paths already have.
pub fn nav_methods(model: &Model, id: TypeId) -> Vec<NavMethod<'_>> {
    let mut scope = Scope::new();
    for method in PATH_METHODS {
        scope.reserve(method);
    }
    capabilities::navigations(model, id)
        .into_iter()
        .filter_map(|(declaring, property, navigation)| {
            Some(NavMethod {
                declaring,
                property,
                navigation,
                target: property.ty.named()?,
                name: scope.claim(naming::field_name(&property.name)),
            })
        })
        .collect()
}

/// The name of each root's function (by index in `Model::roots`): one
/// scope per module, roots in order.
pub fn root_names(plan: &Plan<'_>) -> Vec<String> {
    let model = plan.model;
    let mut scopes: Vec<Scope> = plan.modules.iter().map(|_| Scope::new()).collect();
    model
        .roots
        .iter()
        .map(|r| {
            let module = plan.module_index(&model.ty(r.entity).name.namespace);
            scopes[module].claim(naming::field_name(&r.name))
        })
        .collect()
}

fn nav_trait(cx: &Cx<'_, '_>, id: TypeId) -> TokenStream {
    let plan = cx.plan;
    let model = plan.model;
    let t = model.ty(id);
    let name = ident(plan.nav_trait(id).expect("a navigation trait was planned"));
    let value = cx.rust_type(None, &TypeRef::Named(id));
    let methods = nav_methods(model, id).into_iter().map(|m| {
        nav_method(
            cx,
            &t.availability,
            m.declaring,
            m.property,
            m.navigation,
            m.target,
            ident(&m.name),
        )
    });
    let doc = format!(
        " The navigation properties of `{}`, on any path addressing one.",
        t.name
    );
    let cfg = plan.cfg(&plan.type_features(id));
    quote! {
        #cfg
        graphgen_runtime::navigation! {
            #[doc = #doc]
            pub trait #name for #value {
                #(#methods)*
            }
        }
    }
}

fn nav_method(
    cx: &Cx<'_, '_>,
    owner_availability: &crate::model::Availability,
    declaring: TypeId,
    p: &PropertyDef,
    nav: &Navigation,
    target: TypeId,
    method: proc_macro2::Ident,
) -> TokenStream {
    let plan = cx.plan;
    let model = plan.model;
    let collection = p.ty.is_collection();
    let owner = Owner::Navigation {
        declaring,
        property: p.name.clone(),
    };
    let spec = capabilities::caps(model, &owner, target, collection);
    let segment = &p.name;
    // By reference: a collection the navigation property does not contain,
    // whose entities live in an entity set of their own.
    let references = (!nav.contains_target && collection && nav.resolved.referenceable.value)
        .then(|| {
            model
                .roots
                .iter()
                .find(|r| r.collection && model.is_a(target, r.entity))
        })
        .flatten();
    let (kind, path_kind, args) = match references {
        Some(set) => {
            let set = &set.name;
            ("refs", "RefCollectionPath", quote!(#segment, #set))
        }
        None if collection => ("collection", "CollectionPath", quote!(#segment)),
        None => ("single", "Path", quote!(#segment)),
    };
    let ty = path_type(cx, path_kind, target, &owner, &spec, collection);
    let kind = ident(kind);
    let mut paragraphs = vec![format!(
        "`{}`{}: `{}`.",
        p.name,
        if nav.contains_target {
            " (contained)"
        } else {
            ""
        },
        csdl_type(plan, &p.ty)
    )];
    paragraphs.extend(docs::description(&p.doc));
    paragraphs.push(verbs(&nav.resolved, &spec, collection, false));
    let here = plan.clouds(&p.availability);
    if here.narrower_than(&plan.clouds(owner_availability)) {
        paragraphs.push(here.doc_line());
    }
    let doc = docs::attrs(&paragraphs);
    let clouds = clouds(plan, &p.availability);
    quote! {
        #doc
        fn #method() -> #ty = #kind(#args) #clouds;
    }
}

/// What a path allows, with the annotation that decided each where one did.
fn verbs(c: &ResolvedCapabilities, spec: &CapsSpec, collection: bool, singleton: bool) -> String {
    let said = |what: &str, by: &Option<String>| match by {
        // A fact's source is a bare URL: Markdown makes it a link.
        Some(by) => format!("{what} ({})", docs::markdown(by)),
        None => what.to_string(),
    };
    let mut allowed = Vec::new();
    let mut refused = Vec::new();
    let mut note = |ok: bool, text: String| {
        if ok {
            allowed.push(text)
        } else {
            refused.push(text)
        }
    };
    if collection {
        note(spec.read, said("list", &c.read.by));
        note(spec.insert, said("create (`POST`)", &c.insert.by));
    }
    note(spec.read, said("get", &c.read.by));
    let (update, by) = match (spec.replace, &c.update_method.by) {
        (true, by) => ("replace (`PUT`)", by.as_ref().or(c.update.by.as_ref())),
        (false, _) => ("update (`PATCH`)", c.update.by.as_ref()),
    };
    note(
        spec.update.is_some() || spec.replace,
        said(update, &by.cloned()),
    );
    if !singleton {
        note(spec.delete, said("delete", &c.delete.by));
    }
    let mut text = format!("Allows: {}.", allowed.join(", "));
    if !refused.is_empty() {
        text.push_str(&format!(" Not: {}.", refused.join(", ")));
    }
    if let Some(Some(_)) = spec.update {
        text.push_str(
            " An update is a long-running operation: it answers with a `LongRunning` to poll.",
        );
    }
    text
}

fn caps_marker(cx: &Cx<'_, '_>, owner: &Owner) -> TokenStream {
    let plan = cx.plan;
    let model = plan.model;
    let name = ident(plan.caps_name(owner).expect("a marker was planned"));
    let (target, collection, capabilities, what, features) = match owner {
        Owner::Root(i) => {
            let root = &model.roots[*i];
            (
                root.entity,
                root.collection,
                &root.capabilities,
                format!("`/{}`", root.name),
                plan.type_features(root.entity),
            )
        }
        Owner::Navigation {
            declaring,
            property,
        } => {
            let (p, nav) = capabilities::navigation(model, *declaring, property)
                .expect("a navigation property of its declaring type");
            (
                p.ty.named().expect("an entity type"),
                p.ty.is_collection(),
                &nav.resolved,
                format!("`{}/{}`", model.ty(*declaring).name, property),
                plan.type_features(*declaring),
            )
        }
    };
    let spec = capabilities::caps(model, owner, target, collection);
    let mut traits = Vec::new();
    if spec.read {
        traits.push(quote!(Read));
    }
    if spec.insert {
        traits.push(quote!(Insert));
    }
    match spec.update {
        Some(Some(operation)) => {
            let operation = cx.type_path(operation);
            traits.push(quote!(Update(graphgen_runtime::LongRunning<#operation>)));
        }
        Some(None) => traits.push(quote!(Update)),
        None => {}
    }
    if spec.replace {
        traits.push(quote!(Replace));
    }
    if spec.delete {
        traits.push(quote!(Delete));
    }
    let mut items = Vec::new();
    for option in &spec.unsupported_queries {
        let option = ident(option);
        items.push(quote!(const #option = false;));
    }
    if let Some(bytes) = spec.max_body {
        let bytes = proc_macro2::Literal::usize_unsuffixed(bytes);
        items.push(quote!(const MAX_BODY_BYTES = Some(#bytes);));
    }
    if let Some((property, max)) = &spec.max_items {
        let max = proc_macro2::Literal::usize_unsuffixed(*max);
        items.push(quote!(const MAX_COLLECTION_ITEMS = Some((#property, #max));));
    }
    if spec.evolvable {
        items.push(quote!(const PREFER_UNKNOWN_ENUM_MEMBERS = true;));
    }
    if let Some((min, max)) = spec.key_rule {
        let (min, max) = (
            proc_macro2::Literal::usize_unsuffixed(min),
            proc_macro2::Literal::usize_unsuffixed(max),
        );
        items.push(quote!(fn check_key = graphgen_runtime::caps::alphanumeric::<#min, #max>;));
    }
    let items = (!items.is_empty()).then(|| quote!({ #(#items)* }));
    let mut paragraphs = vec![format!(
        "What {what} allows, as the metadata and the service's documentation say."
    )];
    let singleton = matches!(owner, Owner::Root(i) if !model.roots[*i].collection);
    paragraphs.push(verbs(capabilities, &spec, collection, singleton));
    let doc = docs::attrs(&paragraphs);
    let cfg = plan.cfg(&features);
    quote! {
        #doc
        #cfg
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
        pub struct #name;

        #cfg
        graphgen_runtime::caps! {
            #name: #(#traits),* #items;
        }
    }
}

/// `OperationStatus` of a long-running operation's resource.
fn status(cx: &Cx<'_, '_>, id: TypeId) -> TokenStream {
    let plan = cx.plan;
    let model = plan.model;
    let fact = model
        .service_facts
        .iter()
        .find_map(|f| match &f.fact {
            crate::model::Fact::LongRunningUpdate(f) if f.operation == id => Some(f),
            _ => None,
        })
        .expect("a long-running update names the type");
    let field = structs::fields(plan, id)
        .into_iter()
        .find(|f| f.prop.name == fact.status_property)
        .map(|f| ident(&f.name))
        .expect("the fact's status property is resolved in the model");
    let name = ident(plan.type_name(id));
    let (succeeded, failed) = (&fact.succeeded, &fact.failed);
    let cfg = plan.cfg(&plan.type_features(id));
    quote! {
        #cfg
        graphgen_runtime::operation_status! {
            #name: #field {
                succeeded: #succeeded,
                failed: #failed,
            }
        }
    }
}
