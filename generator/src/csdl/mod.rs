//! Stage 1: CSDL XML -> syntax tree ([`ast`]), and back ([`write()`]).
//!
//! [`parse()`] reads a document as written (no semantic decisions), keeping the
//! position of every element; [`write()`] writes a syntax tree back as EDMX XML
//! in Microsoft's style. [`limits`] documents what the reader refuses.

pub mod ast;
pub mod limits;
pub mod parse;
pub mod write;

pub use parse::parse;
pub use write::write;

use std::path::Path;

/// Reads and parses the CSDL file at `path` (named by its path in errors).
/// A file larger than [`limits::MAX_DOCUMENT_SIZE`] is refused before it is read.
pub fn parse_file(path: &Path) -> crate::Result<ast::Document> {
    let source = path.display().to_string();
    let size = std::fs::metadata(path)
        .map_err(|e| crate::Error::io(path, &e))?
        .len();
    if size > limits::MAX_DOCUMENT_SIZE as u64 {
        return Err(crate::Error::at(
            crate::ErrorKind::Limit,
            crate::Location::new(source, ast::Pos { line: 1, col: 1 }, "(document)"),
            format!(
                "the document is {size} bytes long, more than the limit of {} bytes (csdl::limits::MAX_DOCUMENT_SIZE)",
                limits::MAX_DOCUMENT_SIZE
            ),
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| crate::Error::io(path, &e))?;
    parse(&source, &bytes)
}
