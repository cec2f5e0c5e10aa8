//! `cargo xtask naive`: the baseline the generated crate's compile time is
//! compared with. The same types as the whole-Graph crate, written the naive
//! way: every property `Option`, plain serde derives, no polymorphism, no
//! docs, no operations. Inherited properties are written out, as any usable
//! generator must.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use graphgen::emit::naming::{self, Scope};
use graphgen::model::{Input, Model, Primitive, Selection, TypeId, TypeKind, TypeRef};

#[derive(clap::Args)]
pub struct Args {
    /// The folder holding the official documents.
    #[arg(long, default_value = "../shared/metadata")]
    from: PathBuf,
    /// Where to write the crate.
    #[arg(long, default_value = "target/naive")]
    out: PathBuf,
    /// Only each type's declared properties, not the inherited ones (a
    /// crate that cannot read a derived type's base properties).
    #[arg(long)]
    declared_only: bool,
}

pub fn run(root: &Path, args: Args) -> Result<(), String> {
    let from = root.join(&args.from);
    let document = from.join(crate::graph_check::CLEAN);
    let parsed = graphgen::csdl::parse_file(&document).map_err(|e| e.to_string())?;
    let inputs = [Input {
        cloud: "global",
        document: &parsed,
    }];
    let model = graphgen::model::build(&inputs, &Selection::All).map_err(|e| e.to_string())?;
    let out = root.join(&args.out);
    let _ = std::fs::remove_dir_all(&out);
    std::fs::create_dir_all(out.join("src")).map_err(|e| e.to_string())?;
    let files = naive_crate(&model, args.declared_only);
    for (path, text) in &files {
        std::fs::write(out.join(path), text).map_err(|e| format!("{path}: {e}"))?;
    }
    println!(
        "naive crate of {} types in {} ({} files)",
        model.types.len(),
        out.display(),
        files.len()
    );
    Ok(())
}

/// Relative path -> contents.
fn naive_crate(model: &Model, declared_only: bool) -> Vec<(String, String)> {
    let module = |ns: &str| naming::module_name(ns, "microsoft.graph");
    // Type names, unique per module.
    let mut scopes: HashMap<String, Scope> = HashMap::new();
    let names: Vec<String> = model
        .types
        .iter()
        .map(|t| {
            let scope = scopes.entry(module(&t.name.namespace)).or_default();
            scope.claim(naming::type_name(&t.name.name))
        })
        .collect();
    let path = |id: TypeId| {
        let t = model.ty(id);
        format!(
            "crate::{}::{}",
            module(&t.name.namespace),
            names[id.0 as usize]
        )
    };
    let rust = |r: &TypeRef| -> String {
        fn go(r: &TypeRef, named: &dyn Fn(TypeId) -> String) -> String {
            match r {
                TypeRef::Collection(inner) => format!("Vec<{}>", go(inner, named)),
                TypeRef::Named(id) => named(*id),
                TypeRef::Primitive(p) => match p {
                    Primitive::Boolean => "bool".into(),
                    Primitive::Byte => "u8".into(),
                    Primitive::SByte => "i8".into(),
                    Primitive::Int16 => "i16".into(),
                    Primitive::Int32 => "i32".into(),
                    Primitive::Int64 => "i64".into(),
                    Primitive::Single => "f32".into(),
                    Primitive::Double => "f64".into(),
                    Primitive::Untyped | Primitive::Geography => "serde_json::Value".into(),
                    _ => "String".into(),
                },
            }
        }
        let named = |id: TypeId| match model.ty(id).kind {
            TypeKind::Enum(_) => path(id),
            _ => format!("Box<{}>", path(id)),
        };
        go(r, &named)
    };
    let mut modules: std::collections::BTreeMap<String, String> = Default::default();
    for (i, t) in model.types.iter().enumerate() {
        let text = modules.entry(module(&t.name.namespace)).or_default();
        let name = &names[i];
        match &t.kind {
            TypeKind::Enum(e) => {
                let mut variants = Scope::new();
                let _ = writeln!(
                    text,
                    "#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]\npub enum {name} {{"
                );
                for m in &e.members {
                    let v = variants.claim(naming::variant_name(&m.name));
                    let _ = writeln!(text, "    #[serde(rename = {:?})]\n    {v},", m.name);
                }
                if e.members.is_empty() {
                    text.push_str("    #[serde(other)]\n    Other,\n");
                }
                text.push_str("}\n\n");
            }
            TypeKind::Complex(s) | TypeKind::Entity(s) => {
                let mut fields = Scope::new();
                let _ = writeln!(
                    text,
                    "#[derive(Debug, Clone, PartialEq, Default, serde::Serialize, serde::Deserialize)]\npub struct {name} {{"
                );
                let properties = if declared_only {
                    s.properties.iter().collect()
                } else {
                    model.all_properties(TypeId(i as u32))
                };
                for p in properties {
                    if p.ty.element() == &TypeRef::Primitive(Primitive::Stream) {
                        continue;
                    }
                    let f = fields.claim(naming::field_name(&p.name));
                    let _ = writeln!(
                        text,
                        "    #[serde(rename = {:?}, skip_serializing_if = \"Option::is_none\")]\n    pub {f}: Option<{}>,",
                        p.name,
                        rust(&p.ty)
                    );
                }
                text.push_str("}\n\n");
            }
        }
    }
    let mut files = vec![(
        "Cargo.toml".to_string(),
        "[package]\nname = \"naive-graph\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\nserde = { version = \"1\", features = [\"derive\"] }\nserde_json = \"1\"\n\n[workspace]\n".to_string(),
    )];
    let mut lib = String::from("//! The naive baseline; see `cargo xtask naive`.\n\n");
    for (m, text) in modules {
        let _ = writeln!(lib, "pub mod {m};");
        files.push((format!("src/{m}.rs"), text));
    }
    files.push(("src/lib.rs".into(), lib));
    files
}
