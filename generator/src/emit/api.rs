//! The public API of a generated crate, item by item, as the emitter names
//! and types it: each type with its fields, `new` parameters and variants,
//! each operation with its request type, method, URL and clouds, each
//! resource path with its verbs. Built from the model with the emitter's
//! own plan and helpers (nothing is emitted), so that what a metadata change
//! does to users of the crate is found by comparing two of these (`cargo
//! xtask api-diff`), not by diffing generated text.

use proc_macro2::TokenStream;

use crate::error::Result;
use crate::model::{Availability, Model, OperationKind, TypeId, TypeKind, Verb};

use super::naming::{self, Scope, UNRECOGNIZED_VARIANT};
use super::plan::{ItemFile, Plan};
use super::types::{csdl_type, Cx};
use super::{operations, paths, poly, structs, Options};

/// The public API of the crate [`super::emit`] makes of a model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Api {
    /// Sorted by CSDL name.
    pub types: Vec<TypeApi>,
    /// In model order (name, then binding), unbound ones last.
    pub operations: Vec<OperationApi>,
    /// The functions of the container's entity sets and singletons, in
    /// the model's order.
    pub roots: Vec<RootApi>,
    /// In the model's breadth-first order from the roots.
    pub resources: Vec<ResourceApi>,
}

/// What a CSDL type becomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TypeApiKind {
    Enum,
    /// Written as `graphgen_runtime::Flags<E>`.
    Flags,
    Complex,
    Entity,
    /// A complex type that carries no data: `type X = serde_json::Value`.
    Json,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypeApi {
    /// The qualified CSDL name.
    pub csdl: String,
    /// `module::Name`.
    pub rust: String,
    pub kind: TypeApiKind,
    pub is_abstract: bool,
    /// Has the `additional_properties` field.
    pub is_open: bool,
    /// The CSDL name of the base type.
    pub base: Option<String>,
    /// The `Any*` enum (`module::AnyName`) of a polymorphic type, with its
    /// variants as (variant, CSDL name of the concrete type).
    pub any: Option<(String, Vec<(String, String)>)>,
    /// The `graphgen_runtime::Cloud` variants whose values may hold it.
    pub clouds: Vec<&'static str>,
    pub deprecated: bool,
    /// Every field of the struct, inherited ones first (none for enums and
    /// JSON aliases).
    pub fields: Vec<FieldApi>,
    /// The members of an enum.
    pub variants: Vec<VariantApi>,
}

impl TypeApi {
    /// `new`'s parameters as `name: Type`, in order; empty when the struct
    /// has no `new` (it is built with `Default`).
    pub fn new_parameters(&self) -> Vec<String> {
        self.fields
            .iter()
            .filter(|f| f.required)
            .map(|f| format!("{}: {}", f.rust, f.new_type))
            .collect()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldApi {
    /// The CSDL property name (the JSON member).
    pub csdl: String,
    pub rust: String,
    /// The field's type: `Nullable<T>`.
    pub ty: String,
    /// `T`, as `new` takes it when the field is required.
    pub new_type: String,
    /// `new` takes it.
    pub required: bool,
    /// The CSDL name of the type that declares it (a base type's for an
    /// inherited field).
    pub declared_by: String,
    pub navigation: bool,
    pub clouds: Vec<&'static str>,
    pub deprecated: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VariantApi {
    pub csdl: String,
    pub rust: String,
    pub value: i64,
    pub clouds: Vec<&'static str>,
    pub deprecated: bool,
    /// Declared after `unknownFutureValue`: sent and taken only with
    /// `Prefer: include-unknown-enum-members`.
    pub after_unknown_future_value: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperationApi {
    /// The qualified CSDL name.
    pub csdl: String,
    /// The CSDL type of the binding parameter; `None` for an unbound operation.
    pub binding: Option<String>,
    pub kind: OperationKind,
    /// The request type, `module::Name`, and its URL (function parameters
    /// shown); or why there is none (listed in `OPERATIONS.md`).
    pub request: std::result::Result<(String, String), String>,
    /// `POST` for an action, `GET` for a function.
    pub method: &'static str,
    /// The key fields the URL needs, in order (the first arguments of `new`).
    pub keys: Vec<String>,
    pub parameters: Vec<ParameterApi>,
    /// The Rust type of the result, if any.
    pub returns: Option<String>,
    /// The `graphgen_runtime::Cloud` variants a call may go to.
    pub clouds: Vec<&'static str>,
    pub deprecated: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParameterApi {
    pub csdl: String,
    pub rust: String,
    pub ty: String,
    /// `new` takes it.
    pub required: bool,
}

/// The function of an entity set or singleton.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RootApi {
    /// `module::name`.
    pub rust: String,
    /// `/name`.
    pub path: String,
    /// What it addresses, `module::Name`.
    pub value: String,
    /// An entity set rather than a singleton.
    pub collection: bool,
    pub clouds: Vec<&'static str>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceApi {
    /// `/external/connections/{externalConnection-id}`.
    pub path: String,
    /// What the path addresses, `module::Name` (the `Any*` enum of a
    /// polymorphic type).
    pub value: String,
    pub collection: bool,
    /// The runtime's methods the service allows there (`get`, `list`,
    /// `create`, `update`, `put`, `delete`, `add $ref`, `set $ref`,
    /// `remove $ref`).
    pub verbs: Vec<&'static str>,
    pub clouds: Vec<&'static str>,
}

/// The API of the crate `options` make of `model`.
pub fn api(model: &Model, options: &Options) -> Result<Api> {
    let plan = Plan::new(model, options)?;
    let types = (0..model.types.len())
        .map(|i| type_api(&plan, TypeId(i as u32)))
        .collect();
    let mut operations: Vec<OperationApi> = (0..model.operations.len())
        .map(|i| operation_api(&plan, i))
        .collect();
    operations.extend(model.unbound.iter().map(|u| OperationApi {
        csdl: u.name.to_string(),
        binding: None,
        kind: OperationKind::Action,
        request: Err(u.not_placed.reason.clone()),
        method: "",
        keys: Vec::new(),
        parameters: Vec::new(),
        returns: None,
        clouds: Vec::new(),
        deprecated: false,
    }));
    let root_names = paths::root_names(&plan);
    let roots = model
        .roots
        .iter()
        .zip(root_names)
        .map(|(r, name)| {
            let module = plan.module_index(&model.ty(r.entity).name.namespace);
            RootApi {
                rust: format!("{}::{name}", plan.modules[module].name),
                path: format!("/{}", r.name),
                value: qualified(&plan, r.entity),
                collection: r.collection,
                clouds: clouds(&plan, &r.availability),
            }
        })
        .collect();
    let resources = model
        .resources
        .iter()
        .map(|r| ResourceApi {
            path: r.path.to_string(),
            value: qualified(&plan, r.entity),
            collection: r.collection,
            verbs: r
                .methods
                .iter()
                .filter(|m| m.allowed.value)
                .map(|m| verb(m.verb))
                .collect(),
            clouds: clouds(&plan, &r.availability),
        })
        .collect();
    Ok(Api {
        types,
        operations,
        roots,
        resources,
    })
}

/// The runtime's method for a verb.
fn verb(v: Verb) -> &'static str {
    match v {
        Verb::Get => "get",
        Verb::List => "list",
        Verb::Create => "create",
        Verb::Patch => "update",
        Verb::Put => "put",
        Verb::Delete => "delete",
        Verb::AddRef => "add $ref",
        Verb::SetRef => "set $ref",
        Verb::RemoveRef => "remove $ref",
    }
}

fn clouds(plan: &Plan<'_>, availability: &Availability) -> Vec<&'static str> {
    plan.clouds(availability)
        .allowed()
        .into_iter()
        .map(|c| c.variant())
        .collect()
}

/// `module::Name` of a type as a value of it is written (`module::AnyName`
/// for a polymorphic one).
fn qualified(plan: &Plan<'_>, id: TypeId) -> String {
    let module = plan.module_name(&plan.model.ty(id).name.namespace);
    let name = plan.any_name(id).unwrap_or_else(|| plan.type_name(id));
    format!("{module}::{name}")
}

/// A type as written in Rust source: `Nullable<Vec<graph::PublicError>>`.
fn written(tokens: TokenStream) -> String {
    tokens.to_string().replace(' ', "").replace(',', ", ")
}

fn type_api(plan: &Plan<'_>, id: TypeId) -> TypeApi {
    let model = plan.model;
    let t = model.ty(id);
    let module = plan.module_name(&t.name.namespace);
    let cx = Cx::new(
        plan,
        plan.module_index(&t.name.namespace),
        ItemFile::of(&t.kind),
    );
    let mut api = TypeApi {
        csdl: t.name.to_string(),
        rust: format!("{module}::{}", plan.type_name(id)),
        kind: TypeApiKind::Enum,
        is_abstract: false,
        is_open: false,
        base: None,
        any: None,
        clouds: clouds(plan, &t.availability),
        deprecated: t.doc.deprecation.is_some(),
        fields: Vec::new(),
        variants: Vec::new(),
    };
    match &t.kind {
        TypeKind::Enum(e) => {
            if e.is_flags {
                api.kind = TypeApiKind::Flags;
            }
            let mut scope = Scope::new();
            scope.reserve(UNRECOGNIZED_VARIANT);
            api.variants = e
                .members
                .iter()
                .map(|m| VariantApi {
                    csdl: m.name.clone(),
                    rust: scope.claim(naming::variant_name(&m.name)),
                    value: m.value,
                    clouds: clouds(plan, &m.availability),
                    deprecated: m.doc.deprecation.is_some(),
                    after_unknown_future_value: m.after_unknown_future_value,
                })
                .collect();
        }
        TypeKind::Complex(_) | TypeKind::Entity(_) if plan.is_json_alias(id) => {
            api.kind = TypeApiKind::Json;
        }
        TypeKind::Complex(s) | TypeKind::Entity(s) => {
            api.kind = match t.kind {
                TypeKind::Entity(_) => TypeApiKind::Entity,
                _ => TypeApiKind::Complex,
            };
            api.is_abstract = s.is_abstract;
            api.is_open = plan.is_open(id);
            api.base = s.base.map(|b| model.ty(b).name.to_string());
            api.any = plan.any_name(id).map(|any| {
                let concrete = poly::concrete_types(model, id);
                let names = poly::variant_names(model, &concrete);
                let variants = names
                    .into_iter()
                    .zip(&concrete)
                    .map(|(n, c)| (n, model.ty(*c).name.to_string()))
                    .collect();
                (format!("{module}::{any}"), variants)
            });
            api.fields = structs::fields(plan, id)
                .into_iter()
                .map(|f| {
                    let ty = cx.rust_type(Some(id), &f.prop.ty);
                    FieldApi {
                        csdl: f.prop.name.clone(),
                        rust: f.name,
                        ty: written(cx.nullable(ty.clone())),
                        new_type: written(ty),
                        required: f.required,
                        declared_by: declaring(model, id, &f.prop.name),
                        navigation: f.prop.navigation.is_some(),
                        clouds: clouds(plan, &f.prop.availability),
                        deprecated: f.prop.doc.deprecation.is_some(),
                    }
                })
                .collect();
        }
    }
    api
}

/// The CSDL name of the type in `id`'s chain that declares `property`.
fn declaring(model: &Model, id: TypeId, property: &str) -> String {
    std::iter::once(id)
        .chain(model.ancestors(id))
        .find(|&t| {
            model
                .structure(t)
                .is_some_and(|s| s.properties.iter().any(|p| p.name == property))
        })
        .map_or_else(
            || model.ty(id).name.to_string(),
            |t| model.ty(t).name.to_string(),
        )
}

fn operation_api(plan: &Plan<'_>, index: usize) -> OperationApi {
    let op = plan.operation(index);
    let module = plan.module_index(&op.name.namespace);
    let cx = Cx::new(plan, module, ItemFile::Operations);
    let names = operations::names(op);
    let parameters = op
        .parameters
        .iter()
        .zip(names.parameters)
        .map(|(p, rust)| ParameterApi {
            csdl: p.name.clone(),
            rust,
            ty: written(cx.rust_type(None, &p.ty)),
            required: operations::is_required(p),
        })
        .collect();
    let request = match &op.placement {
        Ok(path) => {
            let mut url = path.to_string();
            if op.kind == OperationKind::Function && !op.parameters.is_empty() {
                let names: Vec<String> = op
                    .parameters
                    .iter()
                    .map(|p| format!("{0}={{{0}}}", p.name))
                    .collect();
                url.push_str(&format!("({})", names.join(",")));
            }
            let name = format!(
                "{}::{}",
                plan.modules[module].name,
                plan.operation_name(index)
            );
            Ok((name, url))
        }
        Err(not_placed) => Err(not_placed.reason.clone()),
    };
    OperationApi {
        csdl: op.name.to_string(),
        binding: Some(csdl_type(plan, &op.binding)),
        kind: op.kind,
        request,
        method: match op.kind {
            OperationKind::Action => "POST",
            OperationKind::Function => "GET",
        },
        keys: names.keys,
        parameters,
        returns: op
            .return_type
            .as_ref()
            .map(|r| written(cx.rust_type(None, &r.ty))),
        clouds: clouds(plan, &op.availability),
        deprecated: op.doc.deprecation.is_some(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    #[test]
    fn types_are_written_as_in_source() {
        assert_eq!(
            written(quote!(Nullable<Vec<graph::PublicError>>)),
            "Nullable<Vec<graph::PublicError>>"
        );
        assert_eq!(
            written(quote!(graphgen_runtime::Flags<Weekdays>)),
            "graphgen_runtime::Flags<Weekdays>"
        );
    }
}
