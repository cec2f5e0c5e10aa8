//! `graphgen`: generate a Rust crate from OData CSDL metadata.

use std::path::PathBuf;
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
    /// the generated crate; by default the registry version matching this generator.
    #[arg(long, value_name = "PATH")]
    runtime_path: Option<String>,
    /// For benchmarks: stop after a stage and print its time.
    #[arg(long, hide = true, value_enum)]
    stop_after: Option<Stage>,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum Stage {
    Parse,
    /// Read the documents, parse them once, then time parsing the same bytes
    /// again in the process.
    ParseAgain,
    /// The same for quick-xml alone going through the bytes: the floor a
    /// parser built on it can reach.
    Tokenize,
    /// Read the documents and go through them once with quick-xml alone:
    /// what `parse` costs it in a fresh process.
    TokenizeOnce,
    Resolve,
}

/// How many times `--stop-after parse-again` and `tokenize` go through the
/// documents in one process.
const WARM_PARSES: usize = 15;

/// The median time of `WARM_PARSES` runs of `f`, after one untimed run;
/// what a run returns is dropped outside its timing.
fn warm_median<T>(
    mut f: impl FnMut() -> graphgen::Result<T>,
) -> graphgen::Result<std::time::Duration> {
    drop(f()?);
    let mut times = Vec::new();
    for _ in 0..WARM_PARSES {
        let start = std::time::Instant::now();
        let out = f()?;
        times.push(start.elapsed());
        drop(out);
    }
    times.sort_unstable();
    Ok(times[WARM_PARSES / 2])
}

/// What quick-xml alone does for a parser: every event, and each start tag's
/// attributes split and unescaped. Returns the attribute bytes seen, so the
/// work cannot be optimised away.
fn tokenize(source: &str, bytes: &[u8]) -> graphgen::Result<usize> {
    use quick_xml::events::Event;
    let fail = |what: String| {
        graphgen::Error::new(
            graphgen::ErrorKind::Xml,
            format!("{source}: quick-xml alone: {what}"),
        )
    };
    let mut reader = quick_xml::Reader::from_reader(bytes);
    let mut seen = 0;
    loop {
        match reader.read_event() {
            Ok(Event::Start(tag) | Event::Empty(tag)) => {
                for attribute in tag.attributes() {
                    let attribute = attribute.map_err(|e| fail(e.to_string()))?;
                    seen += attribute
                        .unescape_value()
                        .map_err(|e| fail(e.to_string()))?
                        .len();
                }
            }
            Ok(Event::Eof) => return Ok(seen),
            Ok(_) => {}
            Err(e) => return Err(fail(e.to_string())),
        }
    }
}

/// [`tokenize`] over each document.
fn tokenize_all(files: &[(String, Vec<u8>)]) -> graphgen::Result<usize> {
    files
        .iter()
        .map(|(source, file)| tokenize(source, file))
        .sum()
}

/// The documents' total size in bytes.
fn total_len(files: &[(String, Vec<u8>)]) -> usize {
    files.iter().map(|(_, bytes)| bytes.len()).sum()
}

/// Runs the first stages only, for `cargo xtask bench`.
fn stages(config: &Config, stop_after: Stage) -> graphgen::Result<String> {
    // The same bytes again and again in this process: the parser's own
    // speed, without a fresh process's page faults and file reading, or
    // quick-xml's alone.
    if let Stage::ParseAgain | Stage::Tokenize = stop_after {
        let files = read_files(config)?;
        let bytes = total_len(&files);
        let (verb, how, median) = if let Stage::Tokenize = stop_after {
            let median = warm_median(|| tokenize_all(&files))?;
            ("tokenized", "with quick-xml alone", median)
        } else {
            let median = warm_median(|| {
                files
                    .iter()
                    .map(|(source, file)| graphgen::csdl::parse(source, file))
                    .collect::<graphgen::Result<Vec<_>>>()
            })?;
            ("parsed", "again", median)
        };
        return Ok(format!(
            "{verb} {bytes} bytes {how} in this process in {median:?} (median of {WARM_PARSES})"
        ));
    }
    let start = std::time::Instant::now();
    if let Stage::TokenizeOnce = stop_after {
        let files = read_files(config)?;
        tokenize_all(&files)?;
        let bytes = total_len(&files);
        return Ok(format!(
            "tokenized {bytes} bytes once with quick-xml alone, reading the files, in {:?}",
            start.elapsed()
        ));
    }
    let documents = graphgen::read(&config.metadata)?;
    let parse = start.elapsed();
    let bytes: u64 = config
        .metadata
        .iter()
        .filter_map(|m| std::fs::metadata(&m.path).ok())
        .map(|m| m.len())
        .sum();
    if let Stage::Parse = stop_after {
        return Ok(format!("parsed {bytes} bytes in {parse:?}"));
    }
    let inputs: Vec<graphgen::model::Input<'_>> = config
        .metadata
        .iter()
        .zip(&documents)
        .map(|(m, d)| graphgen::model::Input {
            cloud: &m.cloud,
            document: d,
        })
        .collect();
    let start = std::time::Instant::now();
    let model = graphgen::model::build(&inputs, &config.selection)?;
    Ok(format!(
        "parsed {bytes} bytes in {parse:?}, resolved {} types in {:?}",
        model.types.len(),
        start.elapsed()
    ))
}

/// Each document's name and bytes.
fn read_files(config: &Config) -> graphgen::Result<Vec<(String, Vec<u8>)>> {
    config
        .metadata
        .iter()
        .map(|m| {
            Ok((
                m.path.display().to_string(),
                graphgen::csdl::read_file(&m.path)?,
            ))
        })
        .collect()
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
    if let Some(path) = args.runtime_path {
        options.runtime = RuntimeDependency::Path(path);
    }
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
    if let Some(stage) = args.stop_after {
        return match stages(&config, stage) {
            Ok(line) => {
                println!("{line}");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("{e}");
                ExitCode::FAILURE
            }
        };
    }
    match graphgen::generate_into(&config, &args.out) {
        Ok(summary) => {
            println!("{summary}");
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
