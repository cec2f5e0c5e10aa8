//! `cargo xtask metadata ...`: cut the committed per-cloud slices out of the official documents.
//!
//! `cargo xtask metadata slice` reads the official Microsoft Graph v1.0 CSDL
//! documents (by default from `../shared/metadata`, relative to the workspace
//! root), slices each for [`NAMESPACE`] with [`graphgen::slice::slice`] and
//! writes `metadata/{global,usgov,china}.csdl`, `metadata/PROVENANCE.md` and a
//! copy of the upstream license. Everything is computed before anything is
//! written; files are replaced atomically (temporary file, then rename) and
//! only when their content changes, so a failed run leaves `metadata/` as it was.
//!
//! PROVENANCE.md says where the documents come from as far as it is known:
//! the upstream commit and date given on the command line, or named by a
//! `README.md` beside the documents that also lists their sha256; else only
//! the documents' own sha256 and modification times.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use graphgen::slice::Source;
use sha2::{Digest, Sha256};

/// The namespace the project generates code for.
pub const NAMESPACE: &str = "microsoft.graph.externalConnectors";

/// Where the official documents are published.
const UPSTREAM_REPOSITORY: &str = "microsoftgraph/msgraph-metadata";
const UPSTREAM_URL: &str = "https://github.com/microsoftgraph/msgraph-metadata";
const LICENSE_FILE: &str = "LICENSE-msgraph-metadata";
/// The line of PROVENANCE.md that says where the documents come from.
const SOURCE_PREFIX: &str = "Source: ";

/// The document the slices borrow Capabilities annotations from.
const CLEAN: &str = "graph-v1.0.clean.xml";
const CLEAN_UPSTREAM_PATH: &str = "clean_v10_metadata/cleanMetadata.xml";

/// One committed slice: its file, its source document and what that is.
pub struct Cloud {
    /// The input label the generator takes (`global`, `usgov`, `china`).
    pub cloud: &'static str,
    pub slice: &'static str,
    pub source: &'static str,
    pub upstream_path: &'static str,
    pub description: &'static str,
}

/// The clouds the project keeps a slice for, in the order of PROVENANCE.md.
pub const CLOUDS: [Cloud; 3] = [
    Cloud {
        cloud: "global",
        slice: "global.csdl",
        source: "graph-v1.0-global.csdl",
        upstream_path: "schemas/v1.0-Prod.csdl",
        description: "global service (graph.microsoft.com)",
    },
    Cloud {
        cloud: "usgov",
        slice: "usgov.csdl",
        source: "graph-v1.0-usgov.csdl",
        upstream_path: "schemas/v1.0-Fairfax.csdl",
        description: "US Government L4 (graph.microsoft.us) and L5/DoD (dod-graph.microsoft.us)",
    },
    Cloud {
        cloud: "china",
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
        /// The folder to write (a relative path is taken from the workspace root).
        #[arg(long, default_value = "metadata")]
        out: PathBuf,
        #[command(flatten)]
        upstream: Upstream,
    },
}

/// Where the documents come from upstream, as far as it is known.
#[derive(clap::Args, Debug, Clone, Default, PartialEq, Eq)]
pub struct Upstream {
    /// The upstream commit of the documents (default: the one a README.md
    /// beside them names, if it lists their sha256).
    #[arg(long = "upstream-commit")]
    pub commit: Option<String>,
    /// The date of that commit, YYYY-MM-DD (default: as for the commit).
    #[arg(long = "upstream-date")]
    pub date: Option<String>,
}

pub fn run(root: &Path, command: Command) -> Result<(), String> {
    match command {
        Command::Slice {
            from,
            out,
            upstream,
        } => {
            let from = root.join(from);
            let outputs = slice_outputs(&from, &upstream)?;
            let changed = write_all(&root.join(&out), &outputs)?;
            let out = out.display();
            if changed.is_empty() {
                println!("{out}/: up to date");
            } else {
                for name in changed {
                    println!("{out}/{name}: written");
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
/// official documents in `from` that come from `upstream` (where fields
/// are missing, a README.md in `from` may tell); nothing is written.
pub fn slice_outputs(from: &Path, upstream: &Upstream) -> Result<Vec<(String, Vec<u8>)>, String> {
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
            modified: modified(&from.join(cloud.source)),
            source_sha: source_sha.clone(),
            slice_sha: sha256_hex(text.as_bytes()),
            empty: slice.schemas.is_empty(),
            borrowed: borrowed.map_or(0, |b| b.annotations),
        });
        outputs.push((cloud.slice.to_string(), text.into_bytes()));
    }
    let license = read(LICENSE_FILE)?;
    let mut shas: Vec<&str> = rows.iter().map(|r| r.source_sha.as_str()).collect();
    shas.push(&clean_sha);
    let upstream = upstream_of(from, upstream, &shas);
    let clean = Clean {
        sha: &clean_sha,
        modified: modified(&from.join(CLEAN)),
    };
    outputs.push((
        "PROVENANCE.md".to_string(),
        provenance(&rows, &clean, &upstream).into_bytes(),
    ));
    outputs.push((LICENSE_FILE.to_string(), license));
    Ok(outputs)
}

/// The modification time of a file, as an HTTP date, if the file system says.
fn modified(path: &Path) -> Option<String> {
    let time = fs::metadata(path).and_then(|m| m.modified()).ok()?;
    Some(httpdate::fmt_http_date(time))
}

/// `upstream`, with what it lacks taken from a README.md in `from` that
/// names the upstream commit (`upstream commit <hex>`) and its date
/// (`snapshot of YYYY-MM-DD`) and lists the sha256 of every document read,
/// so that a README left beside other documents is not believed.
fn upstream_of(from: &Path, upstream: &Upstream, shas: &[&str]) -> Upstream {
    let mut out = upstream.clone();
    if out.commit.is_some() && out.date.is_some() {
        return out;
    }
    let Ok(readme) = fs::read_to_string(from.join("README.md")) else {
        return out;
    };
    let text = readme.split_whitespace().collect::<Vec<_>>().join(" ");
    let commit = after(&text, "upstream commit ", |c| c.is_ascii_hexdigit());
    let date = after(&text, "snapshot of ", |c| c.is_ascii_digit() || c == '-');
    if commit.is_none() && date.is_none() {
        return out;
    }
    if let Some(missing) = shas.iter().find(|sha| !text.contains(*sha)) {
        eprintln!(
            "note: {} names an upstream snapshot but not the sha256 {missing} of a document read, so PROVENANCE.md does not repeat it",
            from.join("README.md").display()
        );
        return out;
    }
    out.commit = out.commit.or(commit);
    out.date = out.date.or(date.filter(|d| d.len() == 10));
    out
}

/// The run of characters that `keep` accepts right after the first `marker`
/// in `text`, if it is not empty.
fn after(text: &str, marker: &str, keep: impl Fn(char) -> bool) -> Option<String> {
    let start = text.find(marker)? + marker.len();
    let found: String = text[start..].chars().take_while(|&c| keep(c)).collect();
    (!found.is_empty()).then_some(found)
}

/// The line of a PROVENANCE.md that says where its documents come from,
/// without its prefix.
pub fn source(provenance: &str) -> Option<&str> {
    provenance
        .lines()
        .find_map(|l| l.strip_prefix(SOURCE_PREFIX))
        .map(|s| s.trim_end_matches('.'))
}

/// One line of the table in PROVENANCE.md.
struct Row<'c> {
    cloud: &'c Cloud,
    /// The source document's modification time.
    modified: Option<String>,
    source_sha: String,
    slice_sha: String,
    empty: bool,
    /// How many Capabilities annotations come from the clean document.
    borrowed: usize,
}

/// The clean document the Capabilities annotations come from.
struct Clean<'a> {
    sha: &'a str,
    modified: Option<String>,
}

fn provenance(rows: &[Row<'_>], clean: &Clean<'_>, upstream: &Upstream) -> String {
    let known = upstream.commit.is_some();
    let when = match (&upstream.commit, &upstream.date) {
        (Some(commit), Some(date)) => format!("{UPSTREAM_REPOSITORY} at commit `{commit}` ({date})"),
        (Some(commit), None) => {
            format!("{UPSTREAM_REPOSITORY} at commit `{commit}` (date not given)")
        }
        (None, Some(date)) => format!(
            "{UPSTREAM_REPOSITORY} as of {date} (commit not given; the documents are known by their sha256)"
        ),
        (None, None) => format!(
            "{UPSTREAM_REPOSITORY}, commit and date not given (the documents are known by their sha256 and modification times)"
        ),
    };
    let mut md = String::new();
    let _ = writeln!(
        md,
        "# Provenance of the metadata slices
"
    );
    let _ = writeln!(
        md,
        "{SOURCE_PREFIX}{when}.
"
    );
    let _ = writeln!(
        md,
        "The `*.csdl` files in this folder are slices, for the namespace `{NAMESPACE}`, of the \
         official Microsoft Graph v1.0 CSDL documents published in the public repository \
         [{UPSTREAM_REPOSITORY}]({UPSTREAM_URL}). That repository is MIT licensed; its license \
         text is copied to `{LICENSE_FILE}`.\n"
    );
    let _ = writeln!(
        md,
        "They are generated, do not edit them: `cargo xtask metadata slice` reads the source \
         documents from `../shared/metadata` (or `--from <folder>`) and rewrites every file here, \
         this one included. `--upstream-commit` and `--upstream-date` say where the documents \
         come from; without them a `README.md` beside the documents that names the upstream \
         commit and lists the documents' sha256 does.\n"
    );
    let modified = if known { "" } else { " source modified |" };
    let _ = writeln!(
        md,
        "| slice | cloud | upstream path | source document | source sha256 |{modified} Capabilities annotations from `{CLEAN}` | slice sha256 |"
    );
    let _ = writeln!(
        md,
        "| --- | --- | --- | --- | --- |{} --- | --- |",
        if known { "" } else { " --- |" }
    );
    let unknown = || "unknown".to_string();
    for row in rows {
        let note = if row.empty {
            " (empty: namespace absent)"
        } else {
            ""
        };
        let modified = if known {
            String::new()
        } else {
            format!(" {} |", row.modified.clone().unwrap_or_else(unknown))
        };
        let _ = writeln!(
            md,
            "| `{}`{note} | {} | `{}` | `{}` | `{}` |{modified} {} | `{}` |",
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
    let clean_modified = match (known, &clean.modified) {
        (true, _) => String::new(),
        (false, m) => format!(", modified {}", m.clone().unwrap_or_else(unknown)),
    };
    let _ = writeln!(
        md,
        "\nThe per-cloud documents lack many `Org.OData.Capabilities.V1.*` annotations that the \
         clean document has (which HTTP methods and query options the service allows, such as \
         `UpdateRestrictions/UpdateMethod = PUT` on `externalConnection/items`). Each slice \
         therefore also carries the Capabilities annotations of the clean document \
         `{CLEAN}` (upstream path `{CLEAN_UPSTREAM_PATH}`, same source, sha256 \
         `{}`{clean_modified}) whose target the slice declares (a type, a property or navigation \
         property of one, an entity set or singleton), unless the cloud's own document has an \
         annotation of the same term on that target: the cloud's own wins. They are out-of-line \
         `Annotations` blocks at the end of the `{NAMESPACE}` schema, after an XML comment \
         naming the clean document.",
        clean.sha
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
