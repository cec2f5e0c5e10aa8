//! Stage 1: CSDL XML -> syntax tree ([`ast`]), and back ([`write()`]).
//!
//! [`parse()`] reads a document as written (no semantic decisions), keeping the
//! position of every element; [`write()`] writes a syntax tree back as EDMX XML
//! in Microsoft's style. [`limits`] documents what the reader refuses.

pub mod ast;
pub mod limits;
mod parse;
pub mod write;

pub use parse::parse;
pub use write::write;

/// The namespace of the `edmx:Edmx` envelope.
pub const EDMX_NAMESPACE: &str = "http://docs.oasis-open.org/odata/ns/edmx";
/// The namespace of `Schema` and everything in it.
pub const EDM_NAMESPACE: &str = "http://docs.oasis-open.org/odata/ns/edm";

use std::path::Path;

/// Reads and parses the CSDL file at `path` (named by its path in errors).
pub fn parse_file(path: &Path) -> crate::Result<ast::Document> {
    let bytes = read_file(path)?;
    parse(&path.display().to_string(), &bytes)
}

/// Reads a metadata file, refusing one larger than
/// [`limits::MAX_DOCUMENT_SIZE`] without reading more than that: a file whose
/// size the file system does not know (a pipe, `/dev/zero`) is read up to the
/// limit and no further.
pub fn read_file(path: &Path) -> crate::Result<Vec<u8>> {
    use std::io::Read;

    // `size` when the file system knows it; else the reading stopped at the limit.
    let too_large = |size: Option<u64>| {
        let what = match size {
            Some(size) => format!("{size} bytes long, more than"),
            None => "longer than".to_string(),
        };
        crate::Error::at(
            crate::ErrorKind::Limit,
            crate::Location::new(
                path.display().to_string(),
                ast::Pos { line: 1, col: 1 },
                "(document)",
            ),
            format!(
                "the document is {what} the limit of {} bytes (csdl::limits::MAX_DOCUMENT_SIZE)",
                limits::MAX_DOCUMENT_SIZE
            ),
        )
    };
    let file = std::fs::File::open(path).map_err(|e| crate::Error::io(path, &e))?;
    let known = file.metadata().map(|m| m.len()).unwrap_or(0);
    if known > limits::MAX_DOCUMENT_SIZE as u64 {
        return Err(too_large(Some(known)));
    }
    let mut bytes = Vec::with_capacity(known as usize);
    file.take(limits::MAX_DOCUMENT_SIZE as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| crate::Error::io(path, &e))?;
    if bytes.len() > limits::MAX_DOCUMENT_SIZE {
        return Err(too_large(None));
    }
    Ok(bytes)
}
