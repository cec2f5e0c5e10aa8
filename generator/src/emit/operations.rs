//! Bound operations: a request type per action or function placed on a URL,
//! implementing `graphgen_runtime::Operation` (and `BatchOperation` for
//! actions that take a collection of items and answer with one result each).

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::model::{OperationDef, OperationKind, PathSegment, Primitive, TypeId, TypeRef};

use super::docs;
use super::naming::{self, Scope};
use super::plan::Plan;
use super::structs::{self, Decl, FieldDecl};
use super::types::{csdl_type, ident, rust_type, type_path};
use std::fmt::Write as _;

use super::text;
use super::wire::{self, call, line, quoted, WIDTH};
use super::Items;

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

/// Whether an operation gets a request type: it needs a URL.
pub fn is_generated(op: &OperationDef) -> bool {
    op.placement.is_ok()
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
    let mut out = format!(
        "<!-- {} -->\n\n# Operations\n\nBound actions and functions of {}: a request type for each one placed on a URL derived from the entity container.\n\n| operation | request type | method and URL |\n| --- | --- | --- |\n",
        plan.options.preamble,
        model.selected.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>().join(", ")
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

/// The request type, its body type and their impls.
pub fn emit(plan: &Plan<'_>, index: usize) -> Items {
    let op = plan.operation(index);
    let Ok(path) = &op.placement else {
        return Items::default();
    };
    let model = plan.model;
    let cfg = plan.cfg_namespace(&op.name.namespace);
    let name = ident(plan.operation_name(index));
    let body_name = format_ident!("{}Body", plan.operation_name(index));

    // Key parameters, named after the entity type each key addresses.
    let mut scope = Scope::new();
    scope.reserve("body");
    let mut keys = Vec::new();
    // The path builder's calls after `PathBuilder::new()`.
    let mut path_calls: Vec<String> = Vec::new();
    let mut url = String::new();
    for segment in &path.segments {
        match segment {
            PathSegment::Literal(l) => {
                path_calls.push(format!(".segment({})", quoted(l)));
                url.push('/');
                url.push_str(l);
            }
            PathSegment::Key { entity } => {
                let field = scope.claim(format!(
                    "{}_id",
                    naming::field_name(&entity.name).trim_start_matches("r#")
                ));
                let f = ident(&field);
                path_calls.push(format!(".key(&self.{f})"));
                url.push_str(&format!("/{{{}-id}}", entity.name));
                keys.push((f, entity.name.clone()));
            }
        }
    }
    let method_text = match op.kind {
        OperationKind::Action => "POST",
        OperationKind::Function => "GET",
    };
    let clouds = plan.clouds(&op.availability);
    let qualified = op.name.to_string();
    let binding = csdl_type(plan, &op.binding);

    // The body: the parameters after the binding parameter.
    let params: Vec<(proc_macro2::Ident, &crate::model::ParameterDef, bool)> = op
        .parameters
        .iter()
        .map(|p| {
            // A parameter some cloud with the operation lacks is never required.
            let required = !p.nullable && !p.optional && p.in_every_cloud;
            (
                ident(&scope.claim(naming::field_name(&p.name))),
                p,
                required,
            )
        })
        .collect();
    let has_body = op.kind == OperationKind::Action && !params.is_empty();
    // A function's parameters go into the URL: `name(p=value,...)`.
    let url_params = op.kind == OperationKind::Function && !params.is_empty();
    if url_params {
        path_calls.pop();
        let name = match path.segments.last() {
            Some(PathSegment::Literal(l)) => l.clone(),
            _ => op.name.name.clone(),
        };
        path_calls.push(format!(".function({}, &args)", quoted(&name)));
        url.push_str(&url_parameters(op));
    }
    let args = url_params.then(|| {
        let pushes = params.iter().map(|(f, p, required)| {
            let name = &p.name;
            let literal = literal(plan, &p.ty, quote!(value));
            if *required {
                quote!(let value = &self.#f; args.push((#name, #literal));)
            } else {
                quote!(if let Some(value) = &self.#f { args.push((#name, #literal)); })
            }
        });
        quote! {
            let mut args = Vec::new();
            #(#pushes)*
        }
    });
    // One field per parameter, in the URL or the body.
    let param_fields = |how: [&str; 2]| -> Vec<FieldDecl> {
        params
            .iter()
            .map(|(f, p, required)| {
                let ty = rust_type(plan, None, &p.ty);
                let mut first = format!("`{}`: `{}`", p.name, csdl_type(plan, &p.ty));
                first.push_str(how[usize::from(!*required)]);
                let mut paragraphs = vec![first];
                paragraphs.extend(docs::description(&p.doc));
                let here = plan.clouds(&p.availability);
                if here.narrower_than(&clouds) {
                    paragraphs.push(here.doc_line());
                }
                FieldDecl::new(
                    docs::lines(&paragraphs),
                    f.to_string(),
                    if *required { ty } else { quote!(Option<#ty>) },
                )
            })
            .collect()
    };
    let init_url_params = url_params.then(|| {
        let inits = params
            .iter()
            .map(|(f, _, r)| if *r { quote!(#f,) } else { quote!(#f: None,) });
        quote!(#(#inits)*)
    });
    let batch = batch(plan, op);

    let kind = match op.kind {
        OperationKind::Action => "Action",
        OperationKind::Function => "Function",
    };
    let mut paragraphs = vec![
        format!("`{qualified}` (CSDL {kind}, bound to `{binding}`)."),
        format!("`{method_text} {url}`"),
    ];
    paragraphs.extend(docs::description(&op.doc));
    if let Some(b) = &batch {
        paragraphs.push(format!(
            "Takes at most {} items per call (the client refuses more before sending; `Client::send_batch_split` splits any number into calls). The outcome pairs each submitted item with its result: see [`graphgen_runtime::batch`].",
            b.max
        ));
    }
    paragraphs.push(clouds.doc_line());

    let mut fields: Vec<FieldDecl> = keys
        .iter()
        .map(|(f, entity)| {
            let d = format!(" The key of the `{entity}` addressed by the URL.");
            FieldDecl::new(vec![d], f.to_string(), quote!(String))
        })
        .collect();
    if url_params {
        fields.extend(param_fields([
            ", required; in the URL.",
            ", optional; in the URL when set.",
        ]));
    }
    if has_body {
        let d = format!(" The request body: the parameters of `{}`.", op.name.name);
        fields.push(FieldDecl::new(vec![d], "body".into(), quote!(#body_name)));
    }
    let cfg_line = plan.cfg_namespace_line(&op.name.namespace);
    let mut items = Items::default();
    Decl {
        doc: docs::lines(&paragraphs),
        deprecated: TokenStream::new(),
        cfg: cfg_line.clone(),
        name: plan.operation_name(index),
        default: false,
        debug: true,
        fields,
    }
    .emit(&mut items);
    let body_wire = has_body.then(|| {
        let d = format!(" The request body of [`{}`].", plan.operation_name(index));
        let wire_fields: Vec<wire::WireField<'_>> = params
            .iter()
            .map(|(f, p, required)| wire::WireField {
                ident: f.to_string(),
                json: &p.name,
                required: *required,
            })
            .collect();
        let qualified = format!("{} parameters", op.name);
        let wire = wire::impls(&wire::Wire {
            name: &body_name.to_string(),
            qualified: &qualified,
            fields: &wire_fields,
            additional: None,
            cfg: &plan.cfg_namespace_line(&op.name.namespace),
        });
        Decl {
            doc: vec![d],
            deprecated: TokenStream::new(),
            cfg: cfg_line.clone(),
            name: &body_name.to_string(),
            // `wire::impls` reads a body with no required parameter in place.
            default: !params.iter().any(|(_, _, r)| *r),
            debug: false,
            fields: param_fields([", required.", ", optional."]),
        }
        .emit(&mut items);
        wire
    });

    // Constructor: keys, then required parameters.
    let ctor_keys = keys.iter().map(|(f, _)| quote!(#f: impl Into<String>));
    let ctor_params = params.iter().filter(|(_, _, r)| *r).map(|(f, p, _)| {
        let ty = rust_type(plan, None, &p.ty);
        quote!(#f: #ty)
    });
    let init_keys = keys.iter().map(|(f, _)| quote!(#f: #f.into()));
    let init_body = has_body.then(|| {
        let inits = params
            .iter()
            .map(|(f, _, r)| if *r { quote!(#f) } else { quote!(#f: None) });
        quote!(body: #body_name { #(#inits),* },)
    });
    let many = keys.len() + params.iter().filter(|(_, _, r)| *r).count() > 7;
    let allow_many = many.then(|| quote!(#[allow(clippy::too_many_arguments)]));

    let body_fn = if has_body {
        quote!(graphgen_runtime::odata::json_body(&self.body))
    } else {
        quote!(Ok(None))
    };

    // `parse_response`'s statements.
    let parse_lines: Vec<String>;
    let output = match (&batch, &op.return_type) {
        (Some(b), _) => {
            let item = rust_type(plan, None, &TypeRef::Named(b.item));
            let result = type_path(plan, b.result);
            let (items_field, _, _) = &params[b.items];
            parse_lines = vec![
                "let results = graphgen_runtime::odata::collection(status, body)?;".into(),
                format!("Ok(graphgen_runtime::BatchOutcome::pair(status, self.body.{items_field}, results))"),
            ];
            quote!(graphgen_runtime::BatchOutcome<#item, #result>)
        }
        (None, None) => {
            parse_lines = vec!["let _ = (status, body);".into(), "Ok(())".into()];
            quote!(())
        }
        (None, Some(r)) => {
            let ty = rust_type(plan, None, &r.ty);
            let object = matches!(&r.ty, TypeRef::Named(id) if model.structure(*id).is_some() && !plan.is_json_alias(*id));
            let (optional, read) = match (r.ty.is_collection(), object, r.nullable) {
                (true, _, _) => (false, "collection"),
                (false, true, false) => (false, "object"),
                (false, true, true) => (true, "optional_object"),
                (false, false, false) => (false, "value"),
                (false, false, true) => (true, "optional_value"),
            };
            parse_lines = vec![format!("graphgen_runtime::odata::{read}(status, body)")];
            if optional {
                quote!(Option<#ty>)
            } else {
                ty
            }
        }
    };

    let send = match &batch {
        Some(b) => {
            let max = b.max;
            let one = format!(" Sends this call: refused before sending when it holds no items or more than {max}; retried only where nothing can be recorded twice (see [`graphgen_runtime::RetryPolicy`]).");
            let split = format!(" Sends any number of items as calls of at most {max}, in order, and merges what became of each item (see [`graphgen_runtime::SplitOutcome`]).");
            quote! {
                #[doc = #one]
                pub fn send(self, client: &graphgen_runtime::Client) -> impl std::future::Future<Output = Result<#output, graphgen_runtime::Error>> + '_ {
                    client.send_batch(self)
                }

                #[doc = #split]
                pub fn send_split(
                    self,
                    client: &graphgen_runtime::Client,
                ) -> impl std::future::Future<Output = graphgen_runtime::SplitOutcome<<Self as graphgen_runtime::BatchOperation>::Item, <Self as graphgen_runtime::BatchOperation>::Result>> + '_ {
                    client.send_batch_split(self)
                }
            }
        }
        None => quote! {
            /// Sends this call with `client` (token, retries, typed errors).
            // Not an `async fn`: a wrapper future per operation would make
            // rustc lay out the runtime's whole call for each of them.
            pub fn send(self, client: &graphgen_runtime::Client) -> impl std::future::Future<Output = Result<#output, graphgen_runtime::Error>> + '_ {
                client.send(self)
            }
        },
    };

    let batch_impl = batch.as_ref().map(|b| {
        let item = rust_type(plan, None, &TypeRef::Named(b.item));
        let result = type_path(plan, b.result);
        let max = b.max;
        let (items_field, _, _) = &params[b.items];
        let clone_keys = keys.iter().map(|(f, _)| quote!(#f: self.#f.clone()));
        // The other parameters are cloned; the items are not (cloning the
        // whole body per call made splitting quadratic).
        let other_params = params
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != b.items)
            .map(|(_, (f, _, _))| quote!(#f: self.body.#f.clone(),));
        quote! {
            #cfg
            impl graphgen_runtime::BatchOperation for #name {
                type Item = #item;
                type Result = #result;
                const MAX_ITEMS: usize = #max;

                fn items(&self) -> &[Self::Item] {
                    &self.body.#items_field
                }

                fn with_items(&self, items: Vec<Self::Item>) -> Self {
                    Self {
                        #(#clone_keys,)*
                        body: #body_name { #items_field: items, #(#other_params)* },
                    }
                }
            }
        }
    });
    let item_result_impl = batch.as_ref().map(|b| item_result(plan, b, &cfg));

    let request = (!url_params)
        .then(|| {
            let param_texts = keys
                .iter()
                .map(|(f, _)| Some(format!("{f}: impl Into<String>")))
                .chain(params.iter().filter(|(_, _, r)| *r).map(|(f, p, _)| {
                    let ty = text::type_text(&rust_type(plan, None, &p.ty))?;
                    Some(format!("{f}: {ty}"))
                }))
                .collect::<Option<Vec<String>>>()?;
            let inits: Vec<String> = keys
                .iter()
                .map(|(f, _)| format!("{f}: {f}.into()"))
                .collect();
            let body = has_body.then(|| {
                let fields: Vec<String> = params
                    .iter()
                    .map(|(f, _, r)| {
                        if *r {
                            f.to_string()
                        } else {
                            format!("{f}: None")
                        }
                    })
                    .collect();
                (body_name.to_string(), fields)
            });
            Some(Request {
                cfg: &cfg_line,
                name: plan.operation_name(index),
                params: param_texts,
                inits,
                body,
                many,
                output: match (&batch, &op.return_type) {
                    (None, None) => "()".into(),
                    _ => text::type_text(&output)?,
                },
                qualified: &qualified,
                method: method_text,
                availability: clouds
                    .allowed()
                    .into_iter()
                    .map(|c| text::type_text(&c.tokens()))
                    .collect::<Option<Vec<String>>>()?,
                path: &path_calls,
                has_body,
                parse: &parse_lines,
            })
        })
        .flatten();
    match &request {
        // The batch operations' `send` and `send_split` stay tokens: two of them.
        Some(r) if batch.is_none() => items.text(&inherent_text(r)),
        _ => items.tokens(quote! {
            #cfg
            impl #name {
                /// The operation for the entity these keys address, with the required parameters.
                #allow_many
                pub fn new(#(#ctor_keys,)* #(#ctor_params),*) -> Self {
                    Self {
                        #(#init_keys,)*
                        #init_url_params
                        #init_body
                    }
                }

                #send
            }
        }),
    }
    match &request {
        Some(r) => items.text(&operation_text(r)),
        // Functions with parameters in the URL: their literals are tokens.
        None => {
            let method = format_ident!("{method_text}");
            let availability = clouds.allowed().into_iter().map(|c| c.tokens());
            let builder: TokenStream = format!(
                "graphgen_runtime::PathBuilder::new(){}.finish()",
                path_calls.join("")
            )
            .parse()
            .expect("path builder calls");
            let parse: TokenStream = parse_lines.join("\n").parse().expect("statements");
            items.tokens(quote! {
                #cfg
                impl graphgen_runtime::Operation for #name {
                    type Output = #output;
                    const NAME: &'static str = #qualified;
                    const METHOD: graphgen_runtime::http::Method = graphgen_runtime::http::Method::#method;
                    const AVAILABILITY: &'static [graphgen_runtime::Cloud] = &[#(#availability),*];

                    fn path(&self) -> Result<String, graphgen_runtime::Error> {
                        #args
                        #builder
                    }

                    fn body(&self) -> Result<Option<Vec<u8>>, graphgen_runtime::Error> {
                        #body_fn
                    }

                    fn parse_response(
                        self,
                        status: graphgen_runtime::http::StatusCode,
                        _headers: &graphgen_runtime::http::HeaderMap,
                        body: &[u8],
                    ) -> Result<Self::Output, graphgen_runtime::Error> {
                        #parse
                    }
                }
            });
        }
    }
    items.tokens(quote!(#batch_impl #item_result_impl));
    items.text(&body_wire.unwrap_or_default());
    items
}

/// An expression for the OData URL literal of `value` (a reference to a
/// parameter of type `ty`).
fn literal(plan: &Plan<'_>, ty: &TypeRef, value: TokenStream) -> TokenStream {
    let lit = quote!(graphgen_runtime::odata::Literal);
    match ty {
        TypeRef::Primitive(Primitive::String) => quote!(#lit::string(#value)),
        TypeRef::Primitive(Primitive::Duration) => quote!(#lit::duration(#value)),
        TypeRef::Primitive(Primitive::Binary) => quote!(#lit::binary(#value)),
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
        ) => quote!(#lit::raw(#value)),
        TypeRef::Named(id)
            if matches!(plan.model.ty(*id).kind, crate::model::TypeKind::Enum(_)) =>
        {
            quote!(#lit::string(&#value.to_string()))
        }
        _ => quote!(#lit::json(#value)?),
    }
}

/// `ItemResult` for a batch's result type: its error property is the
/// item's failure, and it echoes an item when every required property of the
/// item type is equal (instants compared as instants, not as text); an item
/// of a type this crate does not know may be echoed by any result.
fn item_result(plan: &Plan<'_>, b: &Batch, cfg: &TokenStream) -> TokenStream {
    let model = plan.model;
    let item_any = plan.any_name(b.item).is_some();
    let item_ty = rust_type(plan, None, &TypeRef::Named(b.item));
    let result = type_path(plan, b.result);
    let error_field = ident(&b.error_field);
    let error_ty = structs::fields(plan, b.result)
        .into_iter()
        .find(|f| f.name == b.error_field)
        .map(|f| rust_type(plan, Some(b.result), &f.prop.ty))
        .expect("`batch` found the field");
    let compared: Vec<TokenStream> = structs::fields(plan, b.item)
        .into_iter()
        .filter(|f| f.required)
        .map(|f| {
            let n = ident(&f.name);
            match &f.prop.ty {
                TypeRef::Primitive(Primitive::DateTimeOffset) => {
                    quote!((self.#n.same_instant(&item.#n) || self.#n == item.#n))
                }
                _ => quote!(self.#n == item.#n),
            }
        })
        .collect();
    let compare = if compared.is_empty() {
        quote!(true)
    } else {
        quote!(#(#compared)&&*)
    };
    let echoes = if item_any {
        // Every variant of the item enum derives from the item type, so it
        // has the compared fields under the same names.
        let mut concrete: Vec<TypeId> = Vec::new();
        if model.structure(b.item).is_some_and(|s| !s.is_abstract) {
            concrete.push(b.item);
        }
        concrete.extend(
            model
                .descendants(b.item)
                .into_iter()
                .filter(|d| model.structure(*d).is_some_and(|s| !s.is_abstract)),
        );
        let any = ident(plan.any_name(b.item).expect("checked"));
        let module = ident(plan.module_name(&model.ty(b.item).name.namespace));
        let mut scope = Scope::new();
        scope.reserve(naming::UNRECOGNIZED_VARIANT);
        let arms = concrete.iter().map(|c| {
            let v = ident(&scope.claim(naming::type_name(&model.ty(*c).name.name)));
            quote!(crate::#module::#any::#v(item) => #compare,)
        });
        // An item this crate cannot read cannot be compared: it may be the one.
        quote! {
            match item {
                #(#arms)*
                _ => true,
            }
        }
    } else {
        compare
    };
    quote! {
        #cfg
        impl graphgen_runtime::ItemResult<#item_ty> for #result {
            type Error = #error_ty;

            fn item_error(&self) -> Option<&Self::Error> {
                self.#error_field.as_ref()
            }

            fn echoes(&self, item: &#item_ty) -> bool {
                #echoes
            }
        }
    }
}

/// The impls of a request type, written as text (see [`request_impls`]).
struct Request<'a> {
    cfg: &'a str,
    name: &'a str,
    /// The parameters of `new`.
    params: Vec<String>,
    /// The keys `new` sets, `name: value`.
    inits: Vec<String>,
    /// The body type and how `new` sets its fields, `name` or `name: None`.
    body: Option<(String, Vec<String>)>,
    /// `new` takes more than seven parameters.
    many: bool,
    output: String,
    qualified: &'a str,
    method: &'a str,
    availability: Vec<String>,
    /// The path builder's calls after `PathBuilder::new()`.
    path: &'a [String],
    has_body: bool,
    /// The statements of `parse_response`.
    parse: &'a [String],
}

/// `impl Request { new, send }`, laid out like the wire impls: most of an
/// operation's text has this one shape and `impl Operation`'s, so neither
/// goes through syn.
fn inherent_text(r: &Request<'_>) -> String {
    let mut out = String::with_capacity(1024);
    out.push_str(&text::cfg_lines(r.cfg));
    line(&mut out, 0, &format!("impl {} {{", r.name));
    line(
        &mut out,
        4,
        "/// The operation for the entity these keys address, with the required parameters.",
    );
    if r.many {
        line(&mut out, 4, "#[allow(clippy::too_many_arguments)]");
    }
    let params: Vec<&str> = r.params.iter().map(String::as_str).collect();
    call(&mut out, 4, "pub fn new(", &params, ") -> Self {");
    line(&mut out, 8, "Self {");
    for init in &r.inits {
        line(&mut out, 12, &format!("{init},"));
    }
    if let Some((body, fields)) = &r.body {
        let one = format!("body: {body} {{ {} }},", fields.join(", "));
        if 12 + one.len() <= WIDTH {
            line(&mut out, 12, &one);
        } else {
            line(&mut out, 12, &format!("body: {body} {{"));
            for f in fields {
                line(&mut out, 16, &format!("{f},"));
            }
            line(&mut out, 12, "},");
        }
    }
    line(&mut out, 8, "}");
    line(&mut out, 4, "}");
    line(
        &mut out,
        4,
        "/// Sends this call with `client` (token, retries, typed errors).",
    );
    line(&mut out, 4, "pub fn send(");
    line(&mut out, 8, "self,");
    line(&mut out, 8, "client: &graphgen_runtime::Client,");
    let result = format!("Result<{}, graphgen_runtime::Error>", r.output);
    let returns = format!(") -> impl std::future::Future<Output = {result}> + '_ {{");
    if 4 + returns.len() <= WIDTH {
        line(&mut out, 4, &returns);
    } else {
        line(&mut out, 4, ") -> impl std::future::Future<");
        generic_line(&mut out, 8, "Output = ", &result, ",");
        line(&mut out, 4, "> + '_ {");
    }
    line(&mut out, 8, "client.send(self)");
    out.push_str("    }\n}\n");
    out
}

/// `impl Operation` (see [`inherent_text`]); functions with parameters in
/// the URL go through tokens.
fn operation_text(r: &Request<'_>) -> String {
    let mut out = String::with_capacity(1024);
    out.push_str(&text::cfg_lines(r.cfg));
    let availability: Vec<&str> = r.availability.iter().map(String::as_str).collect();
    let method = r.method;
    let _ = writeln!(out, "impl graphgen_runtime::Operation for {} {{", r.name);
    generic_line(&mut out, 4, "type Output = ", &r.output, ";");
    let _ = write!(
        out,
        "    const NAME: &'static str = {};
    const METHOD: graphgen_runtime::http::Method = graphgen_runtime::http::Method::{method};
",
        quoted(r.qualified)
    );
    call(
        &mut out,
        4,
        "const AVAILABILITY: &'static [graphgen_runtime::Cloud] = &[",
        &availability,
        "];",
    );
    line(
        &mut out,
        4,
        "fn path(&self) -> Result<String, graphgen_runtime::Error> {",
    );
    line(&mut out, 8, "graphgen_runtime::PathBuilder::new()");
    for c in r.path {
        line(&mut out, 12, c);
    }
    line(&mut out, 12, ".finish()");
    line(&mut out, 4, "}");
    line(
        &mut out,
        4,
        "fn body(&self) -> Result<Option<Vec<u8>>, graphgen_runtime::Error> {",
    );
    line(
        &mut out,
        8,
        if r.has_body {
            "graphgen_runtime::odata::json_body(&self.body)"
        } else {
            "Ok(None)"
        },
    );
    let _ = write!(
        out,
        "    }}
    fn parse_response(
        self,
        status: graphgen_runtime::http::StatusCode,
        _headers: &graphgen_runtime::http::HeaderMap,
        body: &[u8],
    ) -> Result<Self::Output, graphgen_runtime::Error> {{
"
    );
    for statement in r.parse {
        line(&mut out, 8, statement);
    }
    out.push_str("    }\n}\n");
    out
}

/// `prefix` + a type + `suffix` on one line when it fits, else with the
/// type's generic arguments one a line.
fn generic_line(out: &mut String, indent: usize, prefix: &str, ty: &str, suffix: &str) {
    let one = format!("{prefix}{ty}{suffix}");
    let open = ty.find('<');
    let (Some(open), true) = (open, indent + one.len() > WIDTH && ty.ends_with('>')) else {
        line(out, indent, &one);
        return;
    };
    // The arguments split at the commas outside any inner `<...>`.
    let inner = &ty[open + 1..ty.len() - 1];
    let mut args = Vec::new();
    let (mut depth, mut start) = (0usize, 0usize);
    for (i, c) in inner.char_indices() {
        match c {
            '<' => depth += 1,
            '>' => depth = depth.saturating_sub(1),
            ',' if depth == 0 => {
                args.push(inner[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
    }
    args.push(inner[start..].trim());
    let args: Vec<&str> = args.into_iter().filter(|a| !a.is_empty()).collect();
    call(
        out,
        indent,
        &format!("{prefix}{}<", &ty[..open]),
        &args,
        &format!(">{suffix}"),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A long type breaks at its own generic arguments, not inside nested
    /// ones, and still parses.
    #[test]
    fn long_types_break_at_their_arguments() {
        let ty = "graphgen_runtime::BatchOutcome<crate::external_connectors::AnyExternalActivity, Option<Vec<crate::external_connectors::ExternalActivityResult>>>";
        let mut out = String::new();
        generic_line(&mut out, 4, "type Output = ", ty, ";");
        assert_eq!(
            out,
            "    type Output = graphgen_runtime::BatchOutcome<
        crate::external_connectors::AnyExternalActivity,
        Option<Vec<crate::external_connectors::ExternalActivityResult>>,
    >;
"
        );
        syn::parse_str::<syn::ImplItemType>(out.trim()).unwrap();
        let mut short = String::new();
        generic_line(&mut short, 4, "type Output = ", "Vec<String>", ";");
        assert_eq!(short, "    type Output = Vec<String>;\n");
    }
}
