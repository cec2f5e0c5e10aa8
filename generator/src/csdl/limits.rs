//! Documented limits of the CSDL reader.
//!
//! The reader refuses input beyond these limits with an
//! [`ErrorKind::Limit`](crate::ErrorKind::Limit) error that names the limit,
//! so that hostile or broken input costs at most a bounded amount of time and
//! memory. The official Microsoft Graph documents stay far below every limit:
//!
//! | limit | value | largest in the Graph v1.0 documents |
//! | --- | --- | --- |
//! | [`MAX_DOCUMENT_SIZE`] | 64 MiB | 3.5 MB |
//! | [`MAX_DEPTH`] | 64 elements | 16 |
//! | [`MAX_NAME_LEN`] | 512 bytes | 74 (`Name`), 50 (`Namespace`) |
//! | [`MAX_ATTRIBUTE_LEN`] | 1 MiB | 849 (a `String` description) |
//! | [`MAX_TEXT_LEN`] | 1 MiB | under 100 |
//! | [`MAX_ATTRIBUTES`] | 64 per element | 5 |
//! | [`MAX_BASE_TYPES`] | 64 base types above a type | 4 |
//!
//! The depth is checked while streaming, before the element is read any
//! further, so very deep nesting fails after at most `MAX_DEPTH` elements.
//! Entities are never expanded (a document with a DOCTYPE is refused), so
//! entity-expansion attacks ("billion laughs") do not apply.

/// Largest accepted document, in bytes (64 MiB).
pub const MAX_DOCUMENT_SIZE: usize = 64 * 1024 * 1024;

/// Deepest accepted element nesting, counting `edmx:Edmx` as depth 1.
pub const MAX_DEPTH: usize = 64;

/// Longest accepted name, in bytes: XML element and attribute names, and the
/// values of the CSDL attributes that hold identifiers or qualified names
/// (`Name`, `Namespace`, `Alias`, `Qualifier`, `Term`, `Property`).
/// CSDL itself caps a simple identifier at 128 characters.
pub const MAX_NAME_LEN: usize = 512;

/// Longest accepted attribute value, in bytes, after unescaping (1 MiB).
pub const MAX_ATTRIBUTE_LEN: usize = 1024 * 1024;

/// Longest accepted text content of one expression element (`<String>`,
/// `<EnumMember>`, ...), in bytes, after unescaping (1 MiB).
pub const MAX_TEXT_LEN: usize = 1024 * 1024;

/// Most attributes accepted on one element (known or not).
pub const MAX_ATTRIBUTES: usize = 64;

/// Longest accepted chain of base types above one type (checked by
/// [`model::build`](crate::model::build), which walks every chain).
pub const MAX_BASE_TYPES: usize = 64;
