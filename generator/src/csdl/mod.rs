//! Stage 1: CSDL XML -> syntax tree ([`ast`]), and back ([`write`]).
//!
//! [`parse`] reads a document as written (no semantic decisions), keeping the
//! position of every element; [`write`] writes a syntax tree back as EDMX XML
//! in Microsoft's style. [`limits`] documents what the reader refuses.

pub mod ast;
pub mod limits;
pub mod parse;
pub mod write;

pub use parse::parse;
pub use write::write;

use std::path::Path;

/// Reads and parses the CSDL file at `path` (named by its path in errors).
pub fn parse_file(path: &Path) -> crate::Result<ast::Document> {
    let bytes = std::fs::read(path).map_err(|e| crate::Error::io(path, &e))?;
    parse(&path.display().to_string(), &bytes)
}
