//! `graphgen::emit::api` names and types every item as the generated code
//! does: the listing is checked against the emitted files, parsed with syn,
//! for the edge-case fixture and the committed connectors slices.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use graphgen::emit::api::{Api, TypeApiKind};
use graphgen::emit::Options;
use graphgen::model::{OperationKind, Selection};
use graphgen::{Config, MetadataFile};
use quote::ToTokens;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// A type as the api module writes it.
fn written(tokens: impl ToTokens) -> String {
    tokens
        .to_token_stream()
        .to_string()
        .replace(' ', "")
        .replace(',', ", ")
}

/// What the emitted files declare, by `module::Name`.
#[derive(Default)]
struct Declared {
    /// Fields as (name, type).
    structs: BTreeMap<String, Vec<(String, String)>>,
    enums: BTreeMap<String, Vec<String>>,
    aliases: Vec<String>,
    /// Root functions, `module::name`.
    roots: Vec<String>,
    /// Structs and enums of the type files (not operations or paths).
    type_items: Vec<String>,
}

fn declared(config: &Config) -> (Declared, Api) {
    let (output, model, _) = graphgen::generate(config).unwrap();
    let api = graphgen::emit::api::api(&model, &config.options).unwrap();
    let mut d = Declared::default();
    for (path, text) in &output.files {
        let Some(rest) = path.strip_prefix("src/") else {
            continue;
        };
        let Some((module, file)) = rest.split_once('/') else {
            continue;
        };
        let type_file = matches!(file, "complex_types.rs" | "entity_types.rs" | "enums.rs");
        let ast: syn::File = syn::parse_str(text).unwrap_or_else(|e| panic!("{path}: {e}"));
        for item in ast.items {
            match item {
                syn::Item::Struct(s) => {
                    let name = format!("{module}::{}", s.ident);
                    let fields = s
                        .fields
                        .iter()
                        .filter_map(|f| Some((f.ident.as_ref()?.to_string(), written(&f.ty))))
                        .collect();
                    if type_file {
                        d.type_items.push(name.clone());
                    }
                    d.structs.insert(name, fields);
                }
                syn::Item::Enum(e) => {
                    let name = format!("{module}::{}", e.ident);
                    let variants = e.variants.iter().map(|v| v.ident.to_string()).collect();
                    if type_file {
                        d.type_items.push(name.clone());
                    }
                    d.enums.insert(name, variants);
                }
                syn::Item::Type(t) => {
                    let name = format!("{module}::{}", t.ident);
                    d.type_items.push(name.clone());
                    d.aliases.push(name);
                }
                syn::Item::Macro(m) if m.mac.path.segments.last().unwrap().ident == "roots" => {
                    let tokens: Vec<String> =
                        m.mac.tokens.into_iter().map(|t| t.to_string()).collect();
                    for w in tokens.windows(2) {
                        if w[0] == "fn" {
                            d.roots.push(format!("{module}::{}", w[1]));
                        }
                    }
                }
                _ => {}
            }
        }
    }
    (d, api)
}

/// A raw identifier as syn prints it (`r#type`) is how the api names it.
fn check(config: &Config) {
    let (d, api) = declared(config);
    let mut listed = Vec::new();
    for t in &api.types {
        listed.push(t.rust.clone());
        match t.kind {
            TypeApiKind::Json => assert!(d.aliases.contains(&t.rust), "{}", t.rust),
            TypeApiKind::Enum | TypeApiKind::Flags => {
                let mut variants: Vec<String> = t.variants.iter().map(|v| v.rust.clone()).collect();
                variants.push("Unrecognized".into());
                assert_eq!(d.enums.get(&t.rust), Some(&variants), "{}", t.rust);
            }
            TypeApiKind::Complex | TypeApiKind::Entity => {
                let mut fields: Vec<(String, String)> = t
                    .fields
                    .iter()
                    .map(|f| (f.rust.clone(), f.ty.clone()))
                    .collect();
                if t.is_open {
                    fields.push((
                        "additional_properties".into(),
                        "serde_json::Map<String, serde_json::Value>".into(),
                    ));
                }
                assert_eq!(d.structs.get(&t.rust), Some(&fields), "{}", t.rust);
            }
        }
        if let Some((any, variants)) = &t.any {
            listed.push(any.clone());
            let mut names: Vec<String> = variants.iter().map(|(v, _)| v.clone()).collect();
            names.push("Unrecognized".into());
            assert_eq!(d.enums.get(any), Some(&names), "{any}");
        }
    }
    for o in &api.operations {
        let Ok((name, _)) = &o.request else { continue };
        let fields = |n: &str| -> Vec<String> {
            let fields = d
                .structs
                .get(n)
                .unwrap_or_else(|| panic!("{n} is not declared"));
            fields.iter().map(|(f, _)| f.clone()).collect()
        };
        let params: Vec<String> = o.parameters.iter().map(|p| p.rust.clone()).collect();
        // Keys, then a function's parameters or an action's body, whose
        // fields are the parameters.
        let mut expected = o.keys.clone();
        match o.kind {
            OperationKind::Function => expected.extend(params),
            OperationKind::Action if !params.is_empty() => {
                expected.push("body".into());
                assert_eq!(fields(&format!("{name}Body")), params, "{name}Body");
            }
            OperationKind::Action => {}
        }
        assert_eq!(fields(name), expected, "{name}");
    }
    let roots: Vec<String> = api.roots.iter().map(|r| r.rust.clone()).collect();
    assert_eq!(roots.len(), d.roots.len());
    for r in &roots {
        assert!(d.roots.contains(r), "{r} in {:?}", d.roots);
    }
    // Nothing the type files declare is missing from the listing.
    for item in &d.type_items {
        assert!(listed.contains(item), "{item} is declared but not listed");
    }
    assert!(!api.types.is_empty() && !api.operations.is_empty() && !api.resources.is_empty());
}

#[test]
fn the_api_of_the_edge_cases_is_what_is_emitted() {
    check(&Config {
        metadata: vec![MetadataFile {
            cloud: "global".into(),
            path: root().join("fixtures/edge-cases.csdl"),
        }],
        selection: Selection::All,
        options: Options::new("edge-cases"),
    });
}

#[test]
fn the_api_of_the_connectors_is_what_is_emitted() {
    for folder in ["metadata", "fixtures/history/2023-05-24"] {
        check(&Config {
            metadata: ["global", "usgov", "china"]
                .into_iter()
                .map(|cloud| MetadataFile {
                    cloud: cloud.into(),
                    path: root().join(folder).join(format!("{cloud}.csdl")),
                })
                .collect(),
            selection: Selection::Namespaces(vec!["microsoft.graph.externalConnectors".into()]),
            options: Options::new("connectors"),
        });
    }
}
