//! The crate around the items: module files, `lib.rs`, `Cargo.toml`.

use proc_macro2::TokenStream;
use quote::quote;

use crate::model::TypeKind;

use super::plan::{Features, ItemFile, ModulePlan, PathUnit, Plan};
use super::types::{ident, Cx, Imports};
use super::{enums, naming, operations, paths, structs, RuntimeDependency};

/// One top-level item (or pair of items) of an item file: the unit the
/// emitter builds and formats independently.
#[derive(Debug, Clone)]
pub enum Unit {
    /// An enum, or a structured type with its `Any*` enum when it has one.
    Type(crate::model::TypeId),
    /// The request type of a bound operation.
    Operation(usize),
    /// Items of the resource API.
    Path(PathUnit),
}

/// The items of one item file of a namespace module, in file order.
pub fn item_file_units(plan: &Plan<'_>, module: &ModulePlan, file: ItemFile) -> Vec<Unit> {
    let model = plan.model;
    match file {
        ItemFile::Operations => module
            .operations
            .iter()
            .map(|&i| Unit::Operation(i))
            .collect(),
        ItemFile::Paths => plan
            .path_units(module)
            .into_iter()
            .map(Unit::Path)
            .collect(),
        _ => module
            .types
            .iter()
            .filter(|&&id| ItemFile::of(&model.ty(id).kind) == file)
            .map(|&id| Unit::Type(id))
            .collect(),
    }
}

/// The items of one unit, written in `cx` (which records what they name).
pub fn emit_unit(cx: &mut Cx<'_, '_>, unit: &Unit) -> TokenStream {
    let plan = cx.plan;
    match *unit {
        Unit::Operation(i) => {
            cx.set_features(plan.namespace_features(&plan.operation(i).name.namespace));
            operations::emit(cx, i)
        }
        Unit::Type(id) => {
            cx.set_features(plan.type_features(id));
            match &plan.model.ty(id).kind {
                TypeKind::Enum(e) => enums::emit(cx, id, e),
                TypeKind::Complex(s) | TypeKind::Entity(s) => structs::emit(cx, id, s),
            }
        }
        Unit::Path(ref unit) => {
            cx.set_features(plan.path_unit_features(unit));
            paths::emit(cx, unit)
        }
    }
}

/// What opens an item file: its docs, and the imports of what its items
/// name, each under the features of the items that name it.
pub fn item_file_header(
    plan: &Plan<'_>,
    module: &ModulePlan,
    file: ItemFile,
    imports: &Imports,
) -> TokenStream {
    let doc = format!(" {} of `{}`.", file.what(), module.namespace);
    // Generated code names deprecated items itself (fields, conversions);
    // users still get the warning where they use them.
    let allow = plan
        .has_deprecations()
        .then(|| quote!(#![allow(deprecated)]));
    let import = |features: &Features, path: TokenStream| {
        let cfg = plan.cfg(features);
        quote!(#cfg use #path;)
    };
    // In the order rustfmt sorts them.
    let siblings = imports
        .siblings
        .as_ref()
        .map(|f| import(f, quote!(super::*)));
    let modules = imports.modules.iter().map(|(module, features)| {
        let module = ident(module);
        import(features, quote!(crate::#module))
    });
    let edm = imports
        .edm
        .as_ref()
        .map(|f| import(f, quote!(graphgen_runtime::edm)));
    let nullable = imports
        .nullable
        .as_ref()
        .map(|f| import(f, quote!(graphgen_runtime::Nullable)));
    quote! {
        #![doc = #doc]
        #allow
        #siblings
        #(#modules)*
        #edm
        #nullable
    }
}

/// `mod.rs` of a namespace module: the item files, re-exported.
pub fn mod_rs(plan: &Plan<'_>, module: &ModulePlan) -> TokenStream {
    let model = plan.model;
    let count_kind = |pred: fn(&TypeKind) -> bool| {
        module
            .types
            .iter()
            .filter(|&&id| pred(&model.ty(id).kind))
            .count()
    };
    let summary = format!(
        " `{}`: {}, {}, {}, {}.",
        module.namespace,
        count(count_kind(|k| matches!(k, TypeKind::Enum(_))), "enum type"),
        count(
            count_kind(|k| matches!(k, TypeKind::Complex(_))),
            "complex type"
        ),
        count(
            count_kind(|k| matches!(k, TypeKind::Entity(_))),
            "entity type"
        ),
        count(module.operations.len(), "bound operation"),
    );
    let files: Vec<ItemFile> = ItemFile::ALL
        .into_iter()
        .filter(|&f| plan.has_file(module, f))
        .collect();
    let mods: Vec<_> = files.iter().map(|f| ident(f.module())).collect();
    // With namespace features, a file is compiled when any of its items is.
    let cfgs: Vec<TokenStream> = files
        .iter()
        .map(|&f| {
            let features = match f {
                ItemFile::Operations => plan.namespace_features(&module.namespace),
                ItemFile::Paths => {
                    let mut features = Features::default();
                    for unit in plan.path_units(module) {
                        features.extend(&plan.path_unit_features(&unit));
                    }
                    features
                }
                kind => {
                    let mut features = Features::default();
                    for &id in &module.types {
                        if ItemFile::of(&model.ty(id).kind) == kind {
                            features.extend(&plan.type_features(id));
                        }
                    }
                    features
                }
            };
            plan.cfg(&features)
        })
        .collect();
    quote! {
        #![doc = #summary]
        #(#cfgs mod #mods;)*
        #(#cfgs pub use self::#mods::*;)*
    }
}

pub fn lib_rs(plan: &Plan<'_>) -> TokenStream {
    let model = plan.model;
    let mut lines = vec![format!(
        " Microsoft Graph types and operations for {}, generated by graphgen from the OData CSDL metadata.",
        model
            .selected
            .iter()
            .map(|s| format!("`{s}`"))
            .collect::<Vec<_>>()
            .join(", ")
    )];
    if let Some(call) = first_call(plan) {
        lines.extend(
            quick_start(plan, &call)
                .lines()
                .map(|l| format!(" {l}").trim_end().to_string()),
        );
    }
    lines.extend([
        String::new(),
        " # Modules".to_string(),
        String::new(),
        format!(
            " Metadata read for: {}. One module per CSDL namespace (selected ones and what they reference):",
            model.clouds.join(", ")
        ),
        String::new(),
    ]);
    for (name, ns) in plan.module_names() {
        lines.push(format!(" - `{ns}`: [`{name}`]"));
    }
    let mut names: Vec<&str> = plan.modules.iter().map(|m| m.name.as_str()).collect();
    names.sort_unstable();
    let modules = names.into_iter().map(ident);
    quote! {
        #(#![doc = #lines])*

        pub use graphgen_runtime as runtime;

        /// The `User-Agent` of this crate's calls: its name and version.
        pub const USER_AGENT: &str = concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION"));

        /// A client builder for `cloud` whose calls name this crate in `User-Agent`.
        pub fn client(cloud: graphgen_runtime::Cloud) -> graphgen_runtime::ClientBuilder {
            graphgen_runtime::Client::builder(cloud).user_agent(USER_AGENT)
        }

        #(pub mod #modules;)*
    }
}

/// The call the quick start makes: a path from a root, listed or read.
struct Call {
    module: String,
    /// `use` of a navigation trait the path needs.
    uses: Option<String>,
    /// `root()` or `root().navigation()`.
    path: String,
    url: String,
    list: bool,
}

/// The first read a selected namespace offers in the global cloud: a
/// canonical entity set listed, else a singleton's first contained
/// collection listed, else a singleton read.
fn first_call(plan: &Plan<'_>) -> Option<Call> {
    let model = plan.model;
    let names = paths::root_names(plan);
    let candidates: Vec<usize> = model
        .selected
        .iter()
        .flat_map(|ns| {
            (0..model.roots.len()).filter(move |&i| {
                let r = &model.roots[i];
                &model.ty(r.entity).name.namespace == ns
                    && r.canonical
                    && r.capabilities.read.value
                    && r.availability.contains("global")
            })
        })
        .collect();
    let call = |i: usize, nav: Option<&paths::NavMethod<'_>>| {
        let r = &model.roots[i];
        let module = plan
            .module_name(&model.ty(r.entity).name.namespace)
            .to_string();
        match nav {
            Some(m) => Call {
                uses: plan.nav_trait(r.entity).map(str::to_string),
                path: format!("{}().{}()", names[i], m.name),
                url: format!("/{}/{}", r.name, m.property.name),
                module,
                list: true,
            },
            None => Call {
                uses: None,
                path: format!("{}()", names[i]),
                url: format!("/{}", r.name),
                module,
                list: r.collection,
            },
        }
    };
    if let Some(&i) = candidates.iter().find(|&&i| model.roots[i].collection) {
        return Some(call(i, None));
    }
    for &i in &candidates {
        let navs = paths::nav_methods(model, model.roots[i].entity);
        let listed = navs.iter().find(|m| {
            m.property.ty.is_collection()
                && m.navigation.contains_target
                && m.navigation.resolved.read.value
                && m.property.availability.contains("global")
        });
        if let Some(m) = listed {
            return Some(call(i, Some(m)));
        }
    }
    candidates.first().map(|&i| call(i, None))
}

/// The crate docs' quick start: a client with client credentials, and
/// `call` sent.
fn quick_start(plan: &Plan<'_>, call: &Call) -> String {
    let krate = plan.options.crate_name.replace('-', "_");
    let uses = [
        format!("use {krate}::runtime::{{ClientCredentials, Cloud}};"),
        match &call.uses {
            Some(t) => format!("use {krate}::{}::{{self, {t}}};", call.module),
            None => format!("use {krate}::{};", call.module),
        },
    ];
    let (what, send) = match call.list {
        true => (
            "the first page",
            format!(
                "let page = {}::{}.list().send(&client).await?;\nprintln!(\"{{}} listed\", page.items.len());",
                call.module, call.path
            ),
        ),
        false => (
            "one entity",
            format!(
                "let value = {}::{}.get().send(&client).await?;\nprintln!(\"{{value:?}}\");",
                call.module, call.path
            ),
        ),
    };
    format!(
        "\n# Quick start\n\n\
         A client for the global cloud with an app's client credentials (from\n\
         `AZURE_TENANT_ID`, `AZURE_CLIENT_ID` and `AZURE_CLIENT_SECRET`; the app\n\
         needs the permission each call documents, with admin consent), and\n\
         `GET {url}`, {what}:\n\n\
         ```no_run\n{uses}\n\n\
         # async fn quick_start() -> Result<(), Box<dyn std::error::Error>> {{\n\
         let client = {krate}::client(Cloud::Global)\n    \
         .token_provider(ClientCredentials::from_env(Cloud::Global)?)\n    \
         .build()?;\n\
         {send}\n\
         # Ok(())\n\
         # }}\n\
         ```\n\n\
         Paths start at each module's root functions; a path's methods are the\n\
         requests its capabilities allow, and each operation is a request type\n\
         with `new(...)` and `send(&client)`.",
        url = call.url,
        uses = uses.join("\n"),
    )
}

pub fn manifest(plan: &Plan<'_>) -> String {
    let o = plan.options;
    let runtime = match &o.runtime {
        RuntimeDependency::Path(p) => format!("{{ path = {p:?}, default-features = false }}"),
        RuntimeDependency::Version(v) => format!("{{ version = {v:?}, default-features = false }}"),
    };
    let mut s = format!(
        r#"# {preamble}

[package]
name = {name:?}
version = {version:?}
edition = "2021"
license = "MIT"
description = "Typed Microsoft Graph models and operations, generated by graphgen"

[dependencies]
graphgen-runtime = {runtime}
serde = {{ version = "1", features = ["derive"] }}
serde_json = "1"

[features]
default = [{defaults}]
{runtime_features}{namespaces}"#,
        preamble = o.preamble,
        name = o.crate_name,
        version = o.crate_version,
        defaults = std::iter::once("reqwest")
            .chain(plan.features.iter().map(String::as_str))
            .map(|f| format!("{f:?}"))
            .collect::<Vec<_>>()
            .join(", "),
        runtime_features = naming::RUNTIME_FEATURES
            .iter()
            .map(|(f, what)| format!("# {what}\n{f} = [\"graphgen-runtime/{f}\"]\n"))
            .collect::<String>(),
        namespaces = if plan.features.is_empty() {
            String::new()
        } else {
            let mut s = String::from(
                "# One feature per namespace: it compiles the namespace and what it references.\n",
            );
            for f in &plan.features {
                s.push_str(&format!("{f} = []\n"));
            }
            s
        },
    );
    if !o.manifest_extra.is_empty() {
        s.push('\n');
        s.push_str(o.manifest_extra.trim_end());
        s.push('\n');
    }
    s
}

fn count(n: usize, what: &str) -> String {
    format!("{n} {what}{}", if n == 1 { "" } else { "s" })
}
