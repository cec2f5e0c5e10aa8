//! Doc comments: where each item comes from and what the metadata says of it.

use proc_macro2::TokenStream;
use quote::quote;

use crate::model::Doc;

/// `#[doc = "..."]` attributes, one per line; paragraphs separated by a blank line.
pub fn attrs(paragraphs: &[String]) -> TokenStream {
    attrs_of(&lines(paragraphs))
}

/// One `#[doc = "..."]` attribute holding these lines (see [`lines`]): the
/// printer writes it as `///` lines, and one attribute is a few tokens
/// where a line each was most of the tokens the emitter builds and parses.
pub fn attrs_of(lines: &[String]) -> TokenStream {
    if lines.is_empty() {
        return TokenStream::new();
    }
    let text = lines.join("\n");
    quote!(#[doc = #text])
}

/// The values of the doc attributes of `paragraphs`: a line each, starting
/// with a space, and an empty one between paragraphs.
pub fn lines(paragraphs: &[String]) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for p in paragraphs.iter().filter(|p| !p.trim().is_empty()) {
        if !lines.is_empty() {
            lines.push(String::new());
        }
        lines.extend(p.lines().map(|l| {
            let l = l.trim_end();
            if l.trim().is_empty() {
                String::new()
            } else {
                format!(" {l}")
            }
        }));
    }
    lines
}

/// Text from the metadata can hold characters rustdoc would read as markup.
fn escape(text: &str) -> String {
    text.replace('[', "\\[")
        .replace(']', "\\]")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The description paragraphs of an element, when its metadata has them.
pub fn description(doc: &Doc) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(d) = &doc.description {
        out.push(escape(d));
    }
    if let Some(d) = &doc.long_description {
        out.push(escape(d));
    }
    out
}

/// `#[deprecated(...)]` for a Core.Revisions deprecation. The date goes in
/// the note: `since` is for crate versions.
pub fn deprecated(doc: &Doc) -> TokenStream {
    match &doc.deprecation {
        Some(d) => {
            let mut note = d
                .description
                .clone()
                .unwrap_or_else(|| "deprecated in the metadata".into());
            match (&d.date, &d.removal_date) {
                (Some(date), Some(removal)) => {
                    note.push_str(&format!(" (deprecated {date}, removal {removal})"))
                }
                (Some(date), None) => note.push_str(&format!(" (deprecated {date})")),
                (None, Some(removal)) => note.push_str(&format!(" (removal {removal})")),
                (None, None) => {}
            }
            quote!(#[deprecated(note = #note)])
        }
        None => quote!(),
    }
}
