//! The README's Rust blocks as doctests (see Cargo.toml).
#![doc = include_str!("../../README.md")]
