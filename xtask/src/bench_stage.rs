//! The stages of graphgen that `cargo xtask bench` times on their own. The
//! `bench-stage` binary runs one (built for release, with graphgen's
//! allocator), so that the product's command line carries no benchmark
//! options.

use graphgen::{Error, ErrorKind, MetadataFile, Result};

/// A stage, and how it is timed.
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum Stage {
    /// Read and parse the documents once: what a run of graphgen pays for it
    /// in a fresh process.
    Parse,
    /// Read the documents, parse them once, then time parsing the same bytes
    /// again in this process (the median of [`WARM_RUNS`]).
    ParseAgain,
    /// The same for quick-xml alone going through the bytes: the floor a
    /// parser built on it can reach.
    Tokenize,
    /// Read the documents and go through them once with quick-xml alone:
    /// what `parse` costs it in a fresh process.
    TokenizeOnce,
    /// Parse and resolve every namespace (the model, no output).
    Resolve,
}

/// How many times `parse-again` and `tokenize` go through the documents.
pub const WARM_RUNS: usize = 15;

/// Runs `stage` on the documents; the line says what it did and how long it took.
pub fn run(stage: Stage, metadata: &[MetadataFile]) -> Result<String> {
    match stage {
        Stage::ParseAgain | Stage::Tokenize => {
            let files = read_files(metadata)?;
            let bytes = total_len(&files);
            let (verb, how, median) = match stage {
                Stage::Tokenize => ("tokenized", "with quick-xml alone", {
                    warm_median(|| tokenize_all(&files))?
                }),
                _ => ("parsed", "again", warm_median(|| parse_all(&files))?),
            };
            Ok(format!(
                "{verb} {bytes} bytes {how} in this process in {median:?} (median of {WARM_RUNS})"
            ))
        }
        Stage::TokenizeOnce => {
            let start = std::time::Instant::now();
            let files = read_files(metadata)?;
            tokenize_all(&files)?;
            Ok(format!(
                "tokenized {} bytes once with quick-xml alone, reading the files, in {:?}",
                total_len(&files),
                start.elapsed()
            ))
        }
        Stage::Parse | Stage::Resolve => {
            let start = std::time::Instant::now();
            let documents = graphgen::read(metadata)?;
            let parse = start.elapsed();
            let bytes: u64 = metadata
                .iter()
                .filter_map(|m| std::fs::metadata(&m.path).ok())
                .map(|m| m.len())
                .sum();
            if let Stage::Parse = stage {
                return Ok(format!("parsed {bytes} bytes in {parse:?}"));
            }
            let inputs: Vec<graphgen::model::Input<'_>> = metadata
                .iter()
                .zip(&documents)
                .map(|(m, d)| graphgen::model::Input {
                    cloud: &m.cloud,
                    document: d,
                })
                .collect();
            let start = std::time::Instant::now();
            let model = graphgen::model::build(&inputs, &graphgen::model::Selection::All)?;
            Ok(format!(
                "parsed {bytes} bytes in {parse:?}, resolved {} types in {:?}",
                model.types.len(),
                start.elapsed()
            ))
        }
    }
}

/// The median time of [`WARM_RUNS`] runs of `f`, after one untimed run;
/// what a run returns is dropped outside its timing.
fn warm_median<T>(mut f: impl FnMut() -> Result<T>) -> Result<std::time::Duration> {
    drop(f()?);
    let mut times = Vec::new();
    for _ in 0..WARM_RUNS {
        let start = std::time::Instant::now();
        let out = f()?;
        times.push(start.elapsed());
        drop(out);
    }
    times.sort_unstable();
    Ok(times[WARM_RUNS / 2])
}

/// Each document's name and bytes.
fn read_files(metadata: &[MetadataFile]) -> Result<Vec<(String, Vec<u8>)>> {
    metadata
        .iter()
        .map(|m| {
            let bytes = graphgen::csdl::read_file(&m.path)?;
            Ok((m.path.display().to_string(), bytes))
        })
        .collect()
}

/// The documents' total size in bytes.
fn total_len(files: &[(String, Vec<u8>)]) -> usize {
    files.iter().map(|(_, bytes)| bytes.len()).sum()
}

fn parse_all(files: &[(String, Vec<u8>)]) -> Result<Vec<graphgen::csdl::ast::Document>> {
    files
        .iter()
        .map(|(source, bytes)| graphgen::csdl::parse(source, bytes))
        .collect()
}

/// [`tokenize`] over each document.
fn tokenize_all(files: &[(String, Vec<u8>)]) -> Result<usize> {
    files
        .iter()
        .map(|(source, bytes)| tokenize(source, bytes))
        .sum()
}

/// What quick-xml alone does for a parser: every event, and each start tag's
/// attributes split and unescaped. Returns the attribute bytes seen, so the
/// work cannot be optimised away.
fn tokenize(source: &str, bytes: &[u8]) -> Result<usize> {
    use quick_xml::events::Event;
    let fail =
        |what: String| Error::new(ErrorKind::Xml, format!("{source}: quick-xml alone: {what}"));
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
