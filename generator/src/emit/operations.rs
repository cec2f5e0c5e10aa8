//! Bound operations: a type per action or function placed on a URL.

use proc_macro2::TokenStream;
use quote::quote;

use super::plan::Plan;

pub fn emit(_plan: &Plan<'_>, _index: usize) -> TokenStream {
    quote!()
}
