//! CSDL XML -> syntax tree: a streaming reader on quick-xml, no DOM.
//!
//! Element and attribute names are matched on their local names (the Graph
//! documents use the `edmx:` prefix for the envelope and a default namespace
//! for the schemas); only the root is checked to be `Edmx` in the EDMX
//! namespace. Attributes the parser does not know are ignored; elements it
//! does not know are an error that names the element and its parent.
//!
//! Values follow XML's rules: line ends in text read as `\n`, line ends and
//! tabs written as such in attribute values read as spaces, references
//! (`&amp;`, `&#xA;`) are resolved; entities other than the predefined ones
//! are refused. Text content of expression elements is kept untrimmed.
//!
//! The layers, each using only those above it:
//! - [`reader`]: XML events with positions, the open elements, the limits;
//! - [`attributes`]: the attributes the parser knows and the scanner of a
//!   start tag's attribute list;
//! - [`parser`]: the state and steps every element's reader shares;
//! - one module per group of CSDL elements, the document's first:
//!   [`edmx`] (envelope) -> [`schema`] -> [`types`], [`operations`],
//!   [`container`] -> [`annotations`] (terms, annotations, expressions).

mod annotations;
mod attributes;
mod container;
mod edmx;
mod operations;
mod parser;
mod reader;
mod schema;
mod types;

pub use edmx::parse;
