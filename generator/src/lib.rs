//! graphgen: Microsoft Graph OData CSDL -> typed Rust crate.
//!
//! The pipeline runs in one direction, each stage a plain function of its input:
//! [`csdl`] (XML -> syntax tree) -> [`model`] (resolved semantic model) ->
//! [`emit`] (Rust files).

pub mod csdl;
pub mod emit;
pub mod error;
mod generate;
pub mod model;
pub mod slice;

pub use error::{Error, ErrorKind, Location, Result};
pub use generate::{generate, generate_into, read, Config, MetadataFile, Summary};
