//! Stage 1: CSDL XML -> syntax tree ([`ast`]), and back ([`write`]).

pub mod ast;
