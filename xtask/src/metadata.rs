//! `cargo xtask metadata ...`: cut the committed per-cloud slices out of the official documents.
//!
//! `cargo xtask metadata slice` reads the official Microsoft Graph v1.0 CSDL
//! documents (by default from `../shared/metadata`, relative to the workspace
//! root), slices each for [`NAMESPACE`] with [`graphgen::slice::slice`] and
//! writes `metadata/{global,usgov,china}.csdl`, `metadata/PROVENANCE.md` and a
//! copy of the upstream license. Everything is computed before anything is
//! written; files are replaced atomically (temporary file, then rename) and
//! only when their content changes, so a failed run leaves `metadata/` as it was.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use graphgen::slice::Source;
use sha2::{Digest, Sha256};

/// The namespace the project generates code for.
pub const NAMESPACE: &str = "microsoft.graph.externalConnectors";

/// Where the official documents come from.
const UPSTREAM_REPOSITORY: &str = "microsoftgraph/msgraph-metadata";
const UPSTREAM_URL: &str = "https://github.com/microsoftgraph/msgraph-metadata";
const UPSTREAM_SNAPSHOT: &str = "2026-08-20";
const UPSTREAM_COMMIT: &str = "f54f11b6";
const LICENSE_FILE: &str = "LICENSE-msgraph-metadata";

/// The document the slices borrow Capabilities annotations from.
const CLEAN: &str = "graph-v1.0.clean.xml";
const CLEAN_UPSTREAM_PATH: &str = "clean_v10_metadata/cleanMetadata.xml";

/// One committed slice: its file, its source document and what that is.
pub struct Cloud {
    pub slice: &'static str,
    pub source: &'static str,
    pub upstream_path: &'static str,
    pub description: &'static str,
}

/// The clouds the project keeps a slice for, in the order of PROVENANCE.md.
pub const CLOUDS: [Cloud; 3] = [
    Cloud {
        slice: "global.csdl",
        source: "graph-v1.0-global.csdl",
        upstream_path: "schemas/v1.0-Prod.csdl",
        description: "global service (graph.microsoft.com)",
    },
    Cloud {
        slice: "usgov.csdl",
        source: "graph-v1.0-usgov.csdl",
        upstream_path: "schemas/v1.0-Fairfax.csdl",
        description: "US Government L4 (graph.microsoft.us) and L5/DoD (dod-graph.microsoft.us)",
    },
    Cloud {
        slice: "china.csdl",
        source: "graph-v1.0-china.csdl",
        upstream_path: "schemas/v1.0-Mooncake.csdl",
        description: "China, operated by 21Vianet (microsoftgraph.chinacloudapi.cn)",
    },
];

#[derive(clap::Subcommand)]
pub enum Command {
    /// Cut `metadata/{global,usgov,china}.csdl` out of the official documents.
    Slice {
        /// The folder holding the official documents (a relative path is
        /// taken from the workspace root).
        #[arg(long, default_value = "../shared/metadata")]
        from: PathBuf,
    },
}

pub fn run(root: &Path, command: Command) -> Result<(), String> {
    match command {
        Command::Slice { from } => {
            let from = if from.is_absolute() {
                from
            } else {
                root.join(from)
            };
            let outputs = slice_outputs(&from)?;
            let changed = write_all(&root.join("metadata"), &outputs)?;
            if changed.is_empty() {
                println!("metadata/: up to date");
            } else {
                for name in changed {
                    println!("metadata/{name}: written");
                }
            }
            Ok(())
        }
    }
}

/// Lower-case hex sha256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut hex = String::with_capacity(64);
    for b in digest {
        let _ = write!(hex, "{b:02x}");
    }
    hex
}

/// Every file of `metadata/` as (file name, content), computed from the
/// official documents in `from`; nothing is written.
pub fn slice_outputs(from: &Path) -> Result<Vec<(String, Vec<u8>)>, String> {
    let read = |name: &str| -> Result<Vec<u8>, String> {
        let path = from.join(name);
        fs::read(&path).map_err(|e| graphgen::Error::io(&path, &e).to_string())
    };
    let clean_bytes = read(CLEAN)?;
    let clean_sha = sha256_hex(&clean_bytes);
    let clean = graphgen::csdl::parse(CLEAN, &clean_bytes).map_err(|e| e.to_string())?;
    let clean_source = Source {
        name: CLEAN,
        sha256: &clean_sha,
    };
    let mut outputs = Vec::new();
    let mut rows = Vec::new();
    for cloud in &CLOUDS {
        let bytes = read(cloud.source)?;
        let source_sha = sha256_hex(&bytes);
        let doc = graphgen::csdl::parse(cloud.source, &bytes).map_err(|e| e.to_string())?;
        let mut slice = graphgen::slice::slice(&doc, NAMESPACE).map_err(|e| e.to_string())?;
        let borrowed = graphgen::slice::borrow_capabilities(&mut slice, &clean, NAMESPACE);
        let source = Source {
            name: cloud.source,
            sha256: &source_sha,
        };
        let text = graphgen::slice::render(
            &slice,
            NAMESPACE,
            source,
            borrowed.map(|b| (b, clean_source)),
        );
        rows.push(Row {
            cloud,
            source_sha: source_sha.clone(),
            slice_sha: sha256_hex(text.as_bytes()),
            empty: slice.schemas.is_empty(),
            borrowed: borrowed.map_or(0, |b| b.annotations),
        });
        outputs.push((cloud.slice.to_string(), text.into_bytes()));
    }
    let license = read(LICENSE_FILE)?;
    outputs.push((
        "PROVENANCE.md".to_string(),
        provenance(&rows, &clean_sha).into_bytes(),
    ));
    outputs.push((LICENSE_FILE.to_string(), license));
    Ok(outputs)
}

/// One line of the table in PROVENANCE.md.
struct Row<'c> {
    cloud: &'c Cloud,
    source_sha: String,
    slice_sha: String,
    empty: bool,
    /// How many Capabilities annotations come from the clean document.
    borrowed: usize,
}

fn provenance(rows: &[Row<'_>], clean_sha: &str) -> String {
    let mut md = String::new();
    let _ = writeln!(md, "# Provenance of the metadata slices\n");
    let _ = writeln!(
        md,
        "The `*.csdl` files in this folder are slices, for the namespace `{NAMESPACE}`, of the \
         official Microsoft Graph v1.0 CSDL documents published in the public repository \
         [{UPSTREAM_REPOSITORY}]({UPSTREAM_URL}), snapshot of {UPSTREAM_SNAPSHOT} (upstream \
         commit {UPSTREAM_COMMIT}). That repository is MIT licensed; its license text is \
         copied to `{LICENSE_FILE}`.\n"
    );
    let _ = writeln!(
        md,
        "They are generated, do not edit them: `cargo xtask metadata slice` reads the source \
         documents from `../shared/metadata` (or `--from <folder>`) and rewrites every file here, \
         this one included.\n"
    );
    let _ = writeln!(
        md,
        "| slice | cloud | upstream path | source document | source sha256 | Capabilities annotations from `{CLEAN}` | slice sha256 |"
    );
    let _ = writeln!(md, "| --- | --- | --- | --- | --- | --- | --- |");
    for row in rows {
        let note = if row.empty {
            " (empty: namespace absent)"
        } else {
            ""
        };
        let _ = writeln!(
            md,
            "| `{}`{note} | {} | `{}` | `{}` | `{}` | {} | `{}` |",
            row.cloud.slice,
            row.cloud.description,
            row.cloud.upstream_path,
            row.cloud.source,
            row.source_sha,
            row.borrowed,
            row.slice_sha
        );
    }
    let _ = writeln!(
        md,
        "\nA slice keeps the whole `{NAMESPACE}` schema, the closure of the types it references \
         in other namespaces (each kept whole), the entity sets and singletons of the entity \
         container whose type is in the namespace, and the annotations of kept elements, \
         without description text (`Core.Description`, `Core.LongDescription`). A slice without \
         schemas means the cloud does not have the namespace. See `generator/src/slice/`."
    );
    let _ = writeln!(
        md,
        "\nThe per-cloud documents lack many `Org.OData.Capabilities.V1.*` annotations that the \
         clean document has (which HTTP methods and query options the service allows, such as \
         `UpdateRestrictions/UpdateMethod = PUT` on `externalConnection/items`). Each slice \
         therefore also carries the Capabilities annotations of the clean document \
         `{CLEAN}` (upstream path `{CLEAN_UPSTREAM_PATH}`, same snapshot, sha256 \
         `{clean_sha}`) whose target the slice declares (a type, a property or navigation \
         property of one, an entity set or singleton), unless the cloud's own document has an \
         annotation of the same term on that target: the cloud's own wins. They are out-of-line \
         `Annotations` blocks at the end of the `{NAMESPACE}` schema, after an XML comment \
         naming the clean document."
    );
    md
}

/// Writes the files whose content differs, each atomically; returns their names.
fn write_all(dir: &Path, outputs: &[(String, Vec<u8>)]) -> Result<Vec<String>, String> {
    fs::create_dir_all(dir).map_err(|e| graphgen::Error::io(dir, &e).to_string())?;
    let mut changed = Vec::new();
    for (name, content) in outputs {
        let path = dir.join(name);
        if fs::read(&path).ok().as_deref() == Some(content.as_slice()) {
            continue;
        }
        let tmp = dir.join(format!(".{name}.tmp{}", std::process::id()));
        let result = fs::write(&tmp, content).and_then(|()| fs::rename(&tmp, &path));
        if let Err(e) = result {
            let _ = fs::remove_file(&tmp);
            return Err(graphgen::Error::io(&path, &e).to_string());
        }
        changed.push(name.clone());
    }
    Ok(changed)
}
