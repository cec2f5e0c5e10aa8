//! Bound operations: a request type per action or function placed on a URL,
//! implementing `graphgen_runtime::Operation` (and `BatchOperation` for
//! actions that take a collection of items and answer with one result each).

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::model::{
    OperationDef, OperationKind, PathSegment, Primitive, TypeId, TypeKind, TypeRef, Verb,
};

use super::docs;
use super::naming::{self, Scope};
use super::plan::Plan;
use super::poly;
use super::structs;
use super::types::{csdl_type, ident, Cx};

/// A batch operation as written: the model's [`crate::model::BatchShape`]
/// with the Rust name of its error field, where the service documents a
/// limit (`BatchOperation::MAX_ITEMS` needs one).
struct Batch {
    /// Index of the items among the parameters.
    items: usize,
    item: TypeId,
    result: TypeId,
    error_field: String,
    max: usize,
}

fn batch(plan: &Plan<'_>, op: &OperationDef) -> Option<Batch> {
    let shape = op.batch.as_ref()?;
    let error_field = structs::fields(plan, shape.result)
        .into_iter()
        .find(|f| f.prop.name == shape.error_property)?
        .name;
    Some(Batch {
        items: shape.items_parameter,
        item: shape.item,
        result: shape.result,
        error_field,
        max: shape.max_items?,
    })
}

/// The resources section of `OPERATIONS.md`: every URL the container
/// reaches, what it allows and refuses, and the annotation that decided
/// each (none: the OData default).
fn resources(plan: &Plan<'_>) -> String {
    let model = plan.model;
    if model.resources.is_empty() {
        return String::new();
    }
    let mut out = String::from(
        "## Resources\n\nEvery URL the entity container reaches (each navigation property of each entity type once, at its shortest path), what a request there may do, and the annotation that decided it (none given: the OData default). The paths' functions and navigation traits are in each module's `paths.rs`.\n\n| path | addresses | allowed | not allowed | clouds |\n| --- | --- | --- | --- | --- |\n",
    );
    for r in &model.resources {
        let mut allowed = Vec::new();
        let mut refused = Vec::new();
        for m in &r.methods {
            let verb = match m.verb {
                Verb::List => "`GET` (list)",
                Verb::Get => "`GET`",
                Verb::Create => "`POST`",
                Verb::Patch => "`PATCH`",
                Verb::Put => "`PUT`",
                Verb::Delete => "`DELETE`",
                Verb::AddRef => "`POST $ref`",
                Verb::SetRef => "`PUT $ref`",
                Verb::RemoveRef => "`DELETE $ref`",
            };
            let text = match &m.allowed.by {
                Some(by) => format!("{verb} ({by})"),
                None => verb.to_string(),
            };
            if m.allowed.value {
                allowed.push(text);
            } else {
                refused.push(text);
            }
        }
        let ty = model.ty(r.entity).name.to_string();
        let addresses = if r.collection {
            format!("`Collection({ty})`")
        } else {
            format!("`{ty}`")
        };
        out.push_str(&format!(
            "| `{}` | {addresses} | {} | {} | {} |\n",
            r.path,
            allowed.join(", "),
            refused.join(", "),
            plan.clouds(&r.availability).doc_line()
        ));
    }
    out.push('\n');
    out
}

/// A function's parameters as its URL shows them, `(date={date})`: the
/// overloads of a function bound to one type differ only there.
fn url_parameters(op: &OperationDef) -> String {
    if op.kind != OperationKind::Function || op.parameters.is_empty() {
        return String::new();
    }
    let params: Vec<String> = op
        .parameters
        .iter()
        .map(|p| format!("{0}={{{0}}}", p.name))
        .collect();
    format!("({})", params.join(","))
}

/// `OPERATIONS.md`: every operation of the crate with its URL, and every one
/// that got no request type with the reason. Nothing is dropped silently.
pub fn list(plan: &Plan<'_>) -> String {
    let model = plan.model;
    let selected = model
        .selected
        .iter()
        .map(|s| format!("`{s}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let mut out = format!(
        "<!-- {} -->\n\n# API\n\n{}## Operations\n\nBound actions and functions of {selected}: a request type for each one placed on a URL derived from the entity container.\n\n| operation | request type | method and URL |\n| --- | --- | --- |\n",
        plan.options.preamble,
        resources(plan),
    );
    let mut skipped = Vec::new();
    for (i, op) in model.operations.iter().enumerate() {
        match &op.placement {
            Ok(path) => {
                let method = match op.kind {
                    OperationKind::Action => "POST",
                    OperationKind::Function => "GET",
                };
                let module = plan.module_name(&op.name.namespace);
                let path = format!("{path}{}", url_parameters(op));
                out.push_str(&format!(
                    "| `{}` | `{module}::{}` | `{method} {path}` |\n",
                    op.name,
                    plan.operation_name(i)
                ));
            }
            Err(not_placed) => {
                // Overloads share a name: the binding tells them apart.
                let binding = csdl_type(plan, &op.binding);
                skipped.push(format!(
                    "| `{}` | `{binding}` | {} |\n",
                    op.name, not_placed.reason
                ));
            }
        }
    }
    for u in &model.unbound {
        skipped.push(format!(
            "| `{}` | (unbound) | {} |\n",
            u.name, u.not_placed.reason
        ));
    }
    if !skipped.is_empty() {
        out.push_str(&format!(
            "\n## Not generated ({})\n\n| operation | bound to | why |\n| --- | --- | --- |\n",
            skipped.len()
        ));
        for line in skipped {
            out.push_str(&line);
        }
    }
    out
}

/// The request type, its body type, and their `operation!`, `object!` and
/// `batch!` invocations.
pub fn emit(cx: &Cx<'_, '_>, index: usize) -> TokenStream {
    let plan = cx.plan;
    let op = plan.operation(index);
    let Ok(path) = &op.placement else {
        return TokenStream::new();
    };
    let cfg = plan.cfg(&plan.namespace_features(&op.name.namespace));
    let name = ident(plan.operation_name(index));
    let body_name = format_ident!("{}Body", plan.operation_name(index));

    let names = names(op);
    let mut keys = Vec::new();
    // The URL's segments, keys in braces: the operation's path template.
    let mut segments: Vec<String> = Vec::new();
    let mut key_names = names.keys.iter();
    for segment in &path.segments {
        match segment {
            PathSegment::Literal(l) => segments.push(l.clone()),
            PathSegment::Key { entity } => {
                let field = ident(key_names.next().expect("a name per key"));
                segments.push(format!("{{{}-id}}", entity.name));
                keys.push((field, entity.name.clone()));
            }
        }
    }
    let mut url = format!("/{}", segments.join("/"));
    let method = match op.kind {
        OperationKind::Action => "POST",
        OperationKind::Function => "GET",
    };
    let clouds = plan.clouds(&op.availability);
    let binding = csdl_type(plan, &op.binding);

    // The parameters after the binding parameter.
    let params: Vec<Param<'_>> = op
        .parameters
        .iter()
        .zip(&names.parameters)
        .map(|(p, name)| Param {
            field: ident(name),
            def: p,
            required: is_required(p),
        })
        .collect();
    let has_body = op.kind == OperationKind::Action && !params.is_empty();
    // A function's parameters go into the URL: `name(p=value,...)`.
    let url_params = op.kind == OperationKind::Function && !params.is_empty();
    let mut function = TokenStream::new();
    if url_params {
        // The last segment is the function's name, called with its parameters.
        let function_name = segments.pop().unwrap_or_else(|| op.name.name.clone());
        let args = params.iter().map(|p| {
            let (field, wire) = (&p.field, &p.def.name);
            let literal = ident(literal(plan, &p.def.ty));
            let kind = if p.required {
                quote!(required)
            } else {
                quote!(optional)
            };
            quote!(#field: #wire #literal #kind)
        });
        function = quote!(function: #function_name(#(#args),*););
        url.push_str(&url_parameters(op));
    }
    let template = format!("/{}", segments.join("/"));
    let batch = batch(plan, op);

    let kind = match op.kind {
        OperationKind::Action => "Action",
        OperationKind::Function => "Function",
    };
    let mut paragraphs = vec![
        format!("`{}` (CSDL {kind}, bound to `{binding}`).", op.name),
        format!("`{method} {url}`"),
    ];
    paragraphs.extend(docs::description(&op.doc));
    if let Some(b) = &batch {
        paragraphs.push(format!(
            "Takes at most {} items per call (the client refuses more before sending; `send_split` splits any number into calls). The outcome pairs each submitted item with its result: see [`graphgen_runtime::batch`](mod@graphgen_runtime::batch).",
            b.max
        ));
    }
    paragraphs.push(clouds.doc_line());
    let doc = docs::attrs(&paragraphs);

    let key_fields = keys.iter().map(|(field, entity)| {
        let doc = format!(" The key of the `{entity}` addressed by the URL.");
        quote! {
            #[doc = #doc]
            pub #field: String,
        }
    });
    // Body parameters are `Nullable` fields of an `object!` struct; URL
    // parameters are plain fields, `Option` when optional.
    let param_fields = |how: [&str; 2], in_body: bool| -> Vec<TokenStream> {
        params
            .iter()
            .map(|p| {
                let ty = cx.rust_type(None, &p.def.ty);
                let mut first = format!("`{}`: `{}`", p.def.name, csdl_type(plan, &p.def.ty));
                first.push_str(how[usize::from(!p.required)]);
                let mut paragraphs = vec![first];
                paragraphs.extend(docs::description(&p.def.doc));
                let here = plan.clouds(&p.def.availability);
                if here.narrower_than(&clouds) {
                    paragraphs.push(here.doc_line());
                }
                let doc = docs::attrs(&paragraphs);
                let field = &p.field;
                let ty = match (in_body, p.required) {
                    (true, _) => cx.nullable(ty),
                    (false, true) => ty,
                    (false, false) => quote!(Option<#ty>),
                };
                quote! {
                    #doc
                    pub #field: #ty,
                }
            })
            .collect()
    };
    let url_fields = if url_params {
        param_fields(
            [
                ", required; in the URL.",
                ", optional; in the URL when set.",
            ],
            false,
        )
    } else {
        Vec::new()
    };
    let body_field = has_body.then(|| {
        let doc = format!(" The request body: the parameters of `{}`.", op.name.name);
        quote! {
            #[doc = #doc]
            pub body: #body_name,
        }
    });
    let body = has_body.then(|| {
        let doc = format!(" The request body of [`{name}`](struct@{name}).");
        let fields = param_fields([", required: `new` takes it.", ", optional."], true);
        let members = params.iter().map(|p| {
            let ty = cx.rust_type(None, &p.def.ty);
            structs::member(&p.field.to_string(), &ty, &p.def.name)
        });
        let qualified = format!("{} parameters", op.name);
        let new = params.iter().any(|p| p.required).then(|| {
            let params = required_params(cx, &params);
            quote!(new(#(#params),*);)
        });
        quote! {
            #[doc = #doc]
            #cfg
            #[derive(Clone, PartialEq, Default)]
            #[non_exhaustive]
            pub struct #body_name {
                #(#fields)*
            }

            #cfg
            graphgen_runtime::object! {
                #body_name = #qualified {
                    #(#members)*
                }
                #new
            }
        }
    });

    let available = clouds.allowed().into_iter().map(|c| ident(c.variant()));
    let key_names = keys.iter().map(|(field, _)| field);
    let new_params = required_params(cx, &params);
    let body_clause = has_body.then(|| quote!(body: #body_name;));
    let output = match (&batch, &op.return_type) {
        (Some(b), _) => {
            let items = &params[b.items].field;
            let item = cx.rust_type(None, &TypeRef::Named(b.item));
            let result = cx.type_path(b.result);
            quote!(batch(#items: #item => #result))
        }
        (None, None) => quote!(none -> ()),
        (None, Some(r)) => {
            let ty = cx.rust_type(None, &r.ty);
            let model = plan.model;
            let object = matches!(&r.ty, TypeRef::Named(id) if model.structure(*id).is_some() && !plan.is_json_alias(*id));
            let (optional, read) = match (r.ty.is_collection(), object, r.nullable) {
                (true, _, _) => (false, "collection"),
                (false, true, false) => (false, "object"),
                (false, true, true) => (true, "optional_object"),
                (false, false, false) => (false, "value"),
                (false, false, true) => (true, "optional_value"),
            };
            let read = ident(read);
            if optional {
                quote!(#read -> Option<#ty>)
            } else {
                quote!(#read -> #ty)
            }
        }
    };
    // Graph sends and accepts enum members declared after
    // `unknownFutureValue` only when asked to.
    let evolvable = op
        .parameters
        .iter()
        .map(|p| &p.ty)
        .chain(op.return_type.iter().map(|r| &r.ty))
        .filter_map(TypeRef::named)
        .any(|id| plan.model.ty(id).evolvable);
    let prefer = evolvable.then(|| quote!(prefer_unknown_enum_members: true;));
    let qualified = op.name.to_string();
    let method = ident(method);
    let batch = batch
        .as_ref()
        .map(|b| batch_invocation(cx, b, &cfg, [&name, &body_name], &keys, &params));
    quote! {
        #doc
        #cfg
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub struct #name {
            #(#key_fields)*
            #(#url_fields)*
            #body_field
        }

        #body

        #cfg
        graphgen_runtime::operation! {
            #name: #method #qualified {
                path: #template;
                #function
                available: #(#available),*;
                new(#(#key_names),*; #(#new_params),*);
                #body_clause
                #prefer
                output: #output;
            }
        }

        #batch
    }
}

/// A parameter of an operation and its field.
/// The Rust names of an operation's request: its key fields, then its
/// parameters' fields (in the request body struct, each with a setter).
pub struct Names {
    pub keys: Vec<String>,
    pub parameters: Vec<String>,
}

/// Keys are named after the entity type each addresses; all share one
/// scope with the request's `body`.
pub fn names(op: &OperationDef) -> Names {
    let mut scope = Scope::struct_fields();
    scope.reserve("body");
    let keys = match &op.placement {
        Ok(path) => path
            .segments
            .iter()
            .filter_map(|segment| match segment {
                PathSegment::Key { entity } => Some(scope.claim(format!(
                    "{}_id",
                    naming::field_name(&entity.name).trim_start_matches("r#")
                ))),
                PathSegment::Literal(_) => None,
            })
            .collect(),
        Err(_) => Vec::new(),
    };
    let parameters = op
        .parameters
        .iter()
        .map(|p| scope.claim(naming::field_name(&p.name)))
        .collect();
    Names { keys, parameters }
}

/// Whether `new` takes a parameter: the metadata requires it, and every
/// cloud with the operation has it.
pub fn is_required(p: &crate::model::ParameterDef) -> bool {
    !p.nullable && !p.optional && p.in_every_cloud
}

struct Param<'m> {
    field: proc_macro2::Ident,
    def: &'m crate::model::ParameterDef,
    required: bool,
}

/// `name: Type` of each required parameter, for `new`.
fn required_params(cx: &Cx<'_, '_>, params: &[Param<'_>]) -> Vec<TokenStream> {
    params
        .iter()
        .filter(|p| p.required)
        .map(|p| structs::new_param(cx, None, &p.field.to_string(), &p.def.ty))
        .collect()
}

/// The name of the `odata::literal` function that writes a parameter of
/// `ty` in a URL.
fn literal(plan: &Plan<'_>, ty: &TypeRef) -> &'static str {
    match ty {
        TypeRef::Primitive(Primitive::String) => "string",
        TypeRef::Primitive(Primitive::Duration) => "duration",
        TypeRef::Primitive(Primitive::Binary) => "binary",
        TypeRef::Primitive(
            Primitive::Boolean
            | Primitive::Byte
            | Primitive::SByte
            | Primitive::Int16
            | Primitive::Int32
            | Primitive::Int64
            | Primitive::Single
            | Primitive::Double
            | Primitive::Decimal
            | Primitive::Date
            | Primitive::DateTimeOffset
            | Primitive::TimeOfDay
            | Primitive::Guid,
        ) => "raw",
        TypeRef::Named(id) if matches!(plan.model.ty(*id).kind, TypeKind::Enum(_)) => "member",
        _ => "json",
    }
}

/// The `batch!` invocation of a batch operation: its result's error field
/// is the item's failure, and a result echoes an item when every required
/// property of the item type is equal (instants compared as instants, not
/// as text).
fn batch_invocation(
    cx: &Cx<'_, '_>,
    b: &Batch,
    cfg: &TokenStream,
    [name, body_name]: [&proc_macro2::Ident; 2],
    keys: &[(proc_macro2::Ident, String)],
    params: &[Param<'_>],
) -> TokenStream {
    let plan = cx.plan;
    let model = plan.model;
    let items = &params[b.items].field;
    let item = cx.rust_type(None, &TypeRef::Named(b.item));
    let variants = plan.any_name(b.item).map(|_| {
        let names = poly::variant_names(model, &poly::concrete_types(model, b.item));
        let names = names.iter().map(|n| ident(n));
        quote!({ #(#names),* })
    });
    let result = cx.type_path(b.result);
    let error = ident(&b.error_field);
    let error_ty = structs::fields(plan, b.result)
        .into_iter()
        .find(|f| f.name == b.error_field)
        .map(|f| cx.rust_type(Some(b.result), &f.prop.ty))
        .expect("`batch` found the field");
    let echoes = structs::fields(plan, b.item)
        .into_iter()
        .filter(|f| f.required)
        .map(|f| {
            let field = ident(&f.name);
            let same = match &f.prop.ty {
                TypeRef::Primitive(Primitive::DateTimeOffset) => quote!(instant),
                _ => quote!(eq),
            };
            quote!(#field #same)
        });
    let key_names = keys.iter().map(|(field, _)| field);
    let others = params
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != b.items)
        .map(|(_, p)| &p.field);
    let max = proc_macro2::Literal::usize_unsuffixed(b.max);
    quote! {
        #cfg
        graphgen_runtime::batch! {
            #name: #items {
                keys: #(#key_names),*;
                body: #body_name { #(#others),* };
                max: #max;
                item: #item #variants;
                result: #result { #error: #error_ty };
                echoes: #(#echoes),*;
            }
        }
    }
}
