//! The public API of the crate generated from some metadata
//! ([`graphgen::emit::api`]), from the metadata inputs `cargo xtask
//! api-diff` takes, and as the one-line-per-item listing the API snapshots
//! show.

use std::fmt::Write as _;
use std::fs;
use std::path::Path;

use graphgen::emit::api::{Api, TypeApiKind};
use graphgen::emit::Options;
use graphgen::model::{self, Input, Selection};

use crate::metadata::{self, CLOUDS};

/// One metadata document: the cloud it describes, a name for errors, its bytes.
pub struct Document {
    pub cloud: String,
    pub name: String,
    pub bytes: Vec<u8>,
}

/// The documents of a metadata input: a single document (the global
/// cloud's); a folder of official documents as `cargo xtask metadata slice
/// --from` takes (they are sliced in memory first, as that command would);
/// or a folder of slices like `metadata/` (`global.csdl`, `usgov.csdl`,
/// `china.csdl`, those present).
pub fn documents(path: &Path) -> Result<Vec<Document>, String> {
    let io = |p: &Path, e: std::io::Error| graphgen::Error::io(p, &e).to_string();
    if !path.is_dir() {
        let bytes = graphgen::csdl::read_file(path).map_err(|e| e.to_string())?;
        return Ok(vec![Document {
            cloud: "global".into(),
            name: path.display().to_string(),
            bytes,
        }]);
    }
    if path.join(CLOUDS[0].source).is_file() {
        let outputs = metadata::slice_outputs(path, &metadata::Upstream::default())?;
        return Ok(CLOUDS
            .iter()
            .filter_map(|c| {
                let (_, bytes) = outputs.iter().find(|(name, _)| name == c.slice)?;
                Some(Document {
                    cloud: c.cloud.into(),
                    name: format!("{} (sliced)", path.join(c.source).display()),
                    bytes: bytes.clone(),
                })
            })
            .collect());
    }
    let mut out = Vec::new();
    for c in &CLOUDS {
        let file = path.join(c.slice);
        if file.is_file() {
            out.push(Document {
                cloud: c.cloud.into(),
                name: file.display().to_string(),
                bytes: fs::read(&file).map_err(|e| io(&file, e))?,
            });
        }
    }
    if out.is_empty() {
        return Err(format!(
            "{}: neither official documents ({}) nor slices ({}) are in this folder",
            path.display(),
            CLOUDS.map(|c| c.source).join(", "),
            CLOUDS.map(|c| c.slice).join(", ")
        ));
    }
    Ok(out)
}

/// The API of the crate `options` make of `documents` (the first is the
/// primary, see [`model::build`]).
pub fn api(
    documents: &[Document],
    selection: &Selection,
    options: &Options,
) -> Result<Api, String> {
    let parsed = documents
        .iter()
        .map(|d| graphgen::csdl::parse(&d.name, &d.bytes))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| e.to_string())?;
    let inputs: Vec<Input<'_>> = documents
        .iter()
        .zip(&parsed)
        .map(|(d, document)| Input {
            cloud: &d.cloud,
            document,
        })
        .collect();
    let model = model::build(&inputs, selection).map_err(|e| e.to_string())?;
    graphgen::emit::api::api(&model, options).map_err(|e| e.to_string())
}

/// The API of the crate a configuration generates.
pub fn api_of_config(config: &graphgen::Config) -> Result<Api, String> {
    let documents = config
        .metadata
        .iter()
        .map(|m| {
            Ok(Document {
                cloud: m.cloud.clone(),
                name: m.path.display().to_string(),
                bytes: graphgen::csdl::read_file(&m.path).map_err(|e| e.to_string())?,
            })
        })
        .collect::<Result<Vec<_>, String>>()?;
    api(&documents, &config.selection, &config.options)
}

/// `[Global UsGovL4]`.
fn clouds(clouds: &[&str]) -> String {
    format!("[{}]", clouds.join(" "))
}

/// The API, one line per item: each type, its `new`, its fields (those it
/// declares; inherited ones are on its base's lines) and variants, each
/// operation with its `new`, each root function, each resource path with
/// its verbs. Every line
/// names its item in full, so a change reads as a short diff of lines.
pub fn listing(api: &Api) -> String {
    let mut out = String::new();
    for t in &api.types {
        let mut head = match t.kind {
            TypeApiKind::Enum => format!("enum {}: {}", t.rust, t.csdl),
            TypeApiKind::Flags => format!("flags enum {}: {}", t.rust, t.csdl),
            TypeApiKind::Complex => format!("struct {}: complex type {}", t.rust, t.csdl),
            TypeApiKind::Entity => format!("struct {}: entity type {}", t.rust, t.csdl),
            TypeApiKind::Json => format!("type {} = serde_json::Value: {}", t.rust, t.csdl),
        };
        if t.is_abstract {
            head.push_str(", abstract");
        }
        if t.is_open {
            head.push_str(", open");
        }
        if let Some(base) = &t.base {
            let _ = write!(head, ", base {base}");
        }
        if t.deprecated {
            head.push_str(", deprecated");
        }
        let _ = writeln!(out, "{head} {}", clouds(&t.clouds));
        let new = t.new_parameters();
        if !new.is_empty() {
            let _ = writeln!(out, "fn {}::new({})", t.rust, new.join(", "));
        }
        for f in t.fields.iter().filter(|f| f.declared_by == t.csdl) {
            let mut line = format!("field {}.{}: {} = {}", t.rust, f.rust, f.ty, f.csdl);
            if f.required {
                line.push_str(", required");
            }
            if f.navigation {
                line.push_str(", navigation");
            }
            if f.deprecated {
                line.push_str(", deprecated");
            }
            if f.clouds != t.clouds {
                let _ = write!(line, " {}", clouds(&f.clouds));
            }
            let _ = writeln!(out, "{line}");
        }
        for v in &t.variants {
            let mut line = format!("variant {}::{} = {}", t.rust, v.rust, v.csdl);
            // Only flags go on the wire as numbers.
            if t.kind == TypeApiKind::Flags {
                let _ = write!(line, " ({})", v.value);
            }
            if v.after_unknown_future_value {
                line.push_str(", after unknownFutureValue");
            }
            if v.deprecated {
                line.push_str(", deprecated");
            }
            if v.clouds != t.clouds {
                let _ = write!(line, " {}", clouds(&v.clouds));
            }
            let _ = writeln!(out, "{line}");
        }
        if let Some((any, variants)) = &t.any {
            for (variant, csdl) in variants {
                let _ = writeln!(out, "variant {any}::{variant} = {csdl}");
            }
        }
    }
    for o in &api.operations {
        let binding = o.binding.as_deref().unwrap_or("(unbound)");
        match &o.request {
            Ok((name, url)) => {
                let mut line = format!(
                    "operation {name} = {} on {binding}: {} {url}",
                    o.csdl, o.method
                );
                if let Some(returns) = &o.returns {
                    let _ = write!(line, " -> {returns}");
                }
                if o.deprecated {
                    line.push_str(", deprecated");
                }
                let _ = writeln!(out, "{line} {}", clouds(&o.clouds));
                let params: Vec<String> = o
                    .parameters
                    .iter()
                    .filter(|p| p.required)
                    .map(|p| format!("{}: {}", p.rust, p.ty))
                    .collect();
                let _ = writeln!(
                    out,
                    "fn {name}::new({}; {})",
                    o.keys.join(", "),
                    params.join(", ")
                );
                for p in o.parameters.iter().filter(|p| !p.required) {
                    let _ = writeln!(
                        out,
                        "parameter {name}.{}: {} = {}, optional",
                        p.rust, p.ty, p.csdl
                    );
                }
            }
            Err(reason) => {
                let _ = writeln!(
                    out,
                    "operation {} on {binding}: not generated: {reason}",
                    o.csdl
                );
            }
        }
    }
    for r in &api.roots {
        let _ = writeln!(
            out,
            "root fn {}() = {} -> {}{} {}",
            r.rust,
            r.path,
            r.value,
            if r.collection { " (collection)" } else { "" },
            clouds(&r.clouds)
        );
    }
    for r in &api.resources {
        let _ = writeln!(
            out,
            "path {}: {} -> {}{} {}",
            r.path,
            if r.verbs.is_empty() {
                "(no verb)".to_string()
            } else {
                r.verbs.join(", ")
            },
            r.value,
            if r.collection { " (collection)" } else { "" },
            clouds(&r.clouds)
        );
    }
    out
}
