//! The whole pipeline as one call: read the documents, build the model, emit.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::csdl::{self, ast::Document};
use crate::emit::{self, Options, Output};
use crate::error::{Error, ErrorKind, Result};
use crate::model::{self, Input, Model, Selection};

/// One metadata document and the cloud it describes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetadataFile {
    /// `global`, `usgov`, `usgov-l4`, `usgov-l5` or `china`.
    pub cloud: String,
    pub path: PathBuf,
}

impl MetadataFile {
    /// Parses `cloud=PATH`, or a bare `PATH` (labelled `global`).
    pub fn parse_arg(arg: &str) -> Self {
        match arg.split_once('=') {
            Some((cloud, path)) if !cloud.is_empty() && !cloud.contains(['/', '\\']) => {
                MetadataFile {
                    cloud: cloud.to_string(),
                    path: path.into(),
                }
            }
            _ => MetadataFile {
                cloud: "global".into(),
                path: arg.into(),
            },
        }
    }
}

/// What to generate.
#[derive(Debug, Clone)]
pub struct Config {
    /// The documents; the first is the primary (see [`model::build`]).
    pub metadata: Vec<MetadataFile>,
    pub selection: Selection,
    pub options: Options,
}

/// Counts and times of one run, for the one-line summary.
#[derive(Debug, Clone)]
pub struct Summary {
    pub types: usize,
    /// Operations with a request type.
    pub operations: usize,
    /// Operations without one (no URL, unbound, function parameters), listed
    /// with the reason in the crate's `OPERATIONS.md`.
    pub not_generated: usize,
    pub files: usize,
    pub bytes_read: usize,
    pub parse: Duration,
    pub resolve: Duration,
    pub emit: Duration,
    /// What the documents say that nothing generated uses but a maintainer
    /// should know ([`crate::model::Model::warnings`]), and from
    /// [`generate_into`] an old copy of the crate it could not remove; not
    /// part of the line `Display` writes.
    pub warnings: Vec<String>,
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} types, {} operations ({} not generated, see OPERATIONS.md), {} files in {:.1?} (parse {:.1?}, resolve {:.1?}, emit {:.1?})",
            self.types,
            self.operations,
            self.not_generated,
            self.files,
            self.parse + self.resolve + self.emit,
            self.parse,
            self.resolve,
            self.emit
        )
    }
}

/// Reads and parses every document of `config`.
pub fn read(metadata: &[MetadataFile]) -> Result<Vec<Document>> {
    metadata.iter().map(|m| csdl::parse_file(&m.path)).collect()
}

/// Runs the pipeline in memory: nothing is written.
pub fn generate(config: &Config) -> Result<(Output, Model, Summary)> {
    if config.metadata.is_empty() {
        return Err(Error::new(ErrorKind::Usage, "no metadata document given"));
    }
    let start = Instant::now();
    let mut bytes_read = 0;
    let mut documents = Vec::new();
    for m in &config.metadata {
        let bytes = csdl::read_file(&m.path)?;
        bytes_read += bytes.len();
        documents.push(csdl::parse(&m.path.display().to_string(), &bytes)?);
    }
    let parse = start.elapsed();
    let inputs: Vec<Input<'_>> = config
        .metadata
        .iter()
        .zip(&documents)
        .map(|(m, d)| Input {
            cloud: &m.cloud,
            document: d,
        })
        .collect();
    let start = Instant::now();
    let model = model::build(&inputs, &config.selection)?;
    let resolve = start.elapsed();
    let start = Instant::now();
    let output = emit::emit(&model, &config.options)?;
    let emit = start.elapsed();
    let summary = Summary {
        types: model.types.len(),
        operations: model
            .operations
            .iter()
            .filter(|o| o.placement.is_ok())
            .count(),
        not_generated: model
            .operations
            .iter()
            .filter(|o| o.placement.is_err())
            .count()
            + model.unbound.len(),
        files: output.files.len(),
        bytes_read,
        parse,
        resolve,
        emit,
        warnings: model.warnings.clone(),
    };
    Ok((output, model, summary))
}

/// Runs the pipeline and writes the crate into `out`; on any error nothing
/// in `out` changes (see [`emit::write`]).
pub fn generate_into(config: &Config, out: &Path) -> Result<Summary> {
    let (output, _, mut summary) = generate(config)?;
    let report = emit::write::write(out, &output)?;
    summary.warnings.extend(report.leftover);
    Ok(summary)
}
