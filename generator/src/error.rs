//! Errors as values, each with the place in the input it is about.

use std::fmt;

use crate::csdl::ast::Pos;

/// Where in the input a problem is: the file, the 1-based line and column of
/// the element's start tag, and the element's CSDL path (for example
/// `Schema[microsoft.graph]/EntityType[user]/Property[id]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub file: String,
    pub line: u32,
    pub col: u32,
    pub element: String,
}

impl Location {
    pub fn new(file: impl Into<String>, pos: Pos, element: impl Into<String>) -> Self {
        Location {
            file: file.into(),
            line: pos.line,
            col: pos.col,
            element: element.into(),
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.col)
    }
}

/// What kind of problem an [`Error`] is; stable, so tests and tools can match on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// Reading or writing a file failed.
    Io,
    /// The input is not well-formed XML (or not UTF-8).
    Xml,
    /// Well-formed XML that is not valid CSDL: a wrong root, a missing or
    /// malformed attribute, an element where it does not belong.
    Syntax,
    /// A reference to a type, term or element that does not exist.
    UnknownType,
    /// An `Edm.*` name that is not an Edm primitive type.
    UnknownPrimitive,
    /// Two elements with the same name in one scope.
    DuplicateName,
    /// A chain of base types that loops.
    BaseTypeCycle,
    /// A base type of the wrong kind (an entity type deriving from a complex type).
    WrongBaseKind,
    /// A name that is not a valid CSDL simple identifier.
    InvalidName,
    /// Two names that become the same Rust name.
    NameCollision,
    /// A documented limit (size, depth, length) was exceeded.
    Limit,
    /// A request the generator cannot carry out (unknown namespace, bad option).
    Usage,
    /// Valid CSDL that graphgen cannot generate code for yet (`TypeDefinition`,
    /// `ActionImport`, `FunctionImport`): refused rather than silently dropped.
    Unsupported,
}

impl ErrorKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::Io => "io",
            ErrorKind::Xml => "xml",
            ErrorKind::Syntax => "syntax",
            ErrorKind::UnknownType => "unknown-type",
            ErrorKind::UnknownPrimitive => "unknown-primitive",
            ErrorKind::DuplicateName => "duplicate-name",
            ErrorKind::BaseTypeCycle => "base-type-cycle",
            ErrorKind::WrongBaseKind => "wrong-base-kind",
            ErrorKind::InvalidName => "invalid-name",
            ErrorKind::NameCollision => "name-collision",
            ErrorKind::Limit => "limit",
            ErrorKind::Usage => "usage",
            ErrorKind::Unsupported => "unsupported",
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An error of any stage, with the place it is about when there is one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    pub kind: ErrorKind,
    pub message: String,
    pub location: Option<Location>,
}

impl Error {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error {
            kind,
            message: message.into(),
            location: None,
        }
    }

    pub fn at(kind: ErrorKind, location: Location, message: impl Into<String>) -> Self {
        Error {
            kind,
            message: message.into(),
            location: Some(location),
        }
    }

    pub fn io(path: &std::path::Path, err: &std::io::Error) -> Self {
        Error::new(ErrorKind::Io, format!("{}: {err}", path.display()))
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.location {
            Some(loc) => write!(
                f,
                "{loc}: error[{}]: {} (in {})",
                self.kind, self.message, loc.element
            ),
            None => write!(f, "error[{}]: {}", self.kind, self.message),
        }
    }
}

impl std::error::Error for Error {}

pub type Result<T, E = Error> = std::result::Result<T, E>;
