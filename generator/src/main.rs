//! `graphgen`: generate a Rust crate from OData CSDL metadata.

use std::path::{Component, Path, PathBuf};
use std::process::ExitCode;

use clap::Parser;
use graphgen::emit::{Options, RuntimeDependency};
use graphgen::model::Selection;
use graphgen::{Config, MetadataFile};

// Formatting allocates and frees millions of small token trees; mimalloc
// does that about a third faster than the system allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Generates a typed Rust crate from Microsoft Graph OData CSDL metadata.
#[derive(Parser)]
#[command(name = "graphgen", version)]
struct Args {
    /// A metadata document, optionally labelled with its cloud:
    /// `global=FILE`, `usgov=FILE`, `china=FILE` (a bare FILE is `global`).
    /// Repeat for several clouds; the first is the primary.
    #[arg(long = "metadata", required = true, value_name = "[CLOUD=]FILE")]
    metadata: Vec<String>,
    /// A namespace to generate, with the closure of what it references (repeatable).
    #[arg(
        long = "namespace",
        value_name = "NS",
        conflicts_with = "all_namespaces"
    )]
    namespaces: Vec<String>,
    /// Generate every namespace of the documents.
    #[arg(long)]
    all_namespaces: bool,
    /// The folder to write the crate into (created if missing).
    #[arg(long)]
    out: PathBuf,
    /// The package name of the generated crate.
    #[arg(long, default_value = "msgraph")]
    crate_name: String,
    /// Where the generated crate finds graphgen-runtime: a path relative to
    /// the generated crate. By default, the runtime sources this graphgen
    /// was built from, when they are still there.
    #[arg(long, value_name = "PATH", conflicts_with = "runtime_version")]
    runtime_path: Option<String>,
    /// Depend on graphgen-runtime of this version from the registry instead.
    #[arg(long, value_name = "VERSION")]
    runtime_version: Option<String>,
}

/// The runtime sources next to this generator's (`generator/../runtime`),
/// fixed when it was built.
const BUILT_WITH_RUNTIME: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../runtime");

/// Where the generated crate gets the runtime when no flag says: the sources
/// this graphgen was built from, as a path relative to `out`, so that the
/// crate builds as written; the registry version if they are gone (an
/// installed binary whose checkout was removed).
fn default_runtime(out: &Path) -> (RuntimeDependency, String) {
    let version = env!("CARGO_PKG_VERSION");
    let registry = || {
        (
            RuntimeDependency::Version(version.into()),
            format!("graphgen-runtime {version} from the registry"),
        )
    };
    let Ok(runtime) = Path::new(BUILT_WITH_RUNTIME).canonicalize() else {
        return registry();
    };
    if !runtime.join("Cargo.toml").is_file() {
        return registry();
    }
    let Some(out) = absolute_out(out) else {
        return registry();
    };
    let path = relative(&out, &runtime);
    let shown = path.display().to_string();
    (
        RuntimeDependency::Path(shown.clone()),
        format!("graphgen-runtime at {shown} (the sources this graphgen was built from; --runtime-version to use the registry)"),
    )
}

/// `out` made absolute through its nearest existing ancestor, so that
/// symbolic links resolve the same way as the runtime's path.
fn absolute_out(out: &Path) -> Option<PathBuf> {
    let out = std::path::absolute(out).ok()?;
    let mut rest = Vec::new();
    let mut existing = out.as_path();
    loop {
        if let Ok(real) = existing.canonicalize() {
            return Some(rest.iter().rev().fold(real, |p, c| p.join(c)));
        }
        rest.push(existing.file_name()?.to_owned());
        existing = existing.parent()?;
    }
}

/// The path from directory `from` to `to`, both absolute and canonical.
fn relative(from: &Path, to: &Path) -> PathBuf {
    let from: Vec<Component<'_>> = from.components().collect();
    let to: Vec<Component<'_>> = to.components().collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut path: PathBuf = from[common..]
        .iter()
        .map(|_| Component::ParentDir)
        .collect();
    path.extend(&to[common..]);
    if path.as_os_str().is_empty() {
        path.push(".");
    }
    path
}

fn main() -> ExitCode {
    let args = Args::parse();
    let selection = if args.all_namespaces {
        Selection::All
    } else if args.namespaces.is_empty() {
        eprintln!("error[usage]: give --namespace NS (repeatable) or --all-namespaces");
        return ExitCode::from(2);
    } else {
        Selection::Namespaces(args.namespaces)
    };
    let mut options = Options::new(args.crate_name);
    let runtime_note;
    (options.runtime, runtime_note) = match (args.runtime_path, args.runtime_version) {
        (Some(path), _) => (
            RuntimeDependency::Path(path.clone()),
            format!("graphgen-runtime at {path}"),
        ),
        (None, Some(v)) => (
            RuntimeDependency::Version(v.clone()),
            format!("graphgen-runtime {v} from the registry"),
        ),
        (None, None) => default_runtime(&args.out),
    };
    options.preamble = "@generated by graphgen; do not edit, run graphgen again.".into();
    let config = Config {
        metadata: args
            .metadata
            .iter()
            .map(|m| MetadataFile::parse_arg(m))
            .collect(),
        selection,
        options,
    };
    match graphgen::generate_into(&config, &args.out) {
        Ok(summary) => {
            println!("{summary}");
            println!("{}: depends on {runtime_note}", args.out.display());
            for w in &summary.warnings {
                eprintln!("warning: {w}");
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}
