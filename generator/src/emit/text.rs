//! Items written straight as text in prettyplease's layout.
//!
//! Parsing tokens back with syn and printing them with prettyplease is most
//! of the emitter's time. The most common shapes (struct and enum
//! declarations, `new()`, base views) are simple enough to write out
//! directly when every line fits in prettyplease's margin, which is when
//! prettyplease breaks nothing; the callers fall back to tokens otherwise,
//! so the output is the same either way (checked byte for byte on the whole
//! of Microsoft Graph when this was written, and by the tests below).

use proc_macro2::{Spacing, TokenStream, TokenTree};

/// A line of code up to this long is never broken by prettyplease (its
/// `MARGIN`); doc comments are never broken at all.
pub const MARGIN: usize = 89;

/// One line of code at `indent`, or `None` when prettyplease would break it.
pub fn code(out: &mut String, indent: usize, text: &str) -> Option<()> {
    if indent + text.len() > MARGIN {
        return None;
    }
    super::wire::line(out, indent, text);
    Some(())
}

/// [`cfg`] at the top level, as a string.
pub fn cfg_lines(line: &str) -> String {
    let mut out = String::new();
    cfg(&mut out, 0, line);
    out
}

/// A function signature: `open` + parameters + `close` on one line when it
/// fits, else a parameter a line.
pub fn signature(
    out: &mut String,
    indent: usize,
    open: &str,
    params: &[String],
    close: &str,
) -> Option<()> {
    let one = format!("{open}{}{close}", params.join(", "));
    if indent + one.len() <= MARGIN {
        return code(out, indent, &one);
    }
    code(out, indent, open)?;
    for p in params {
        code(out, indent + 4, &format!("{p},"))?;
    }
    code(out, indent, close)
}

/// prettyplease keeps a struct expression on one line only up to this width,
/// its closing brace not counted.
const STRUCT_EXPR_WIDTH: usize = 34;

/// A struct expression closing a block: `Path { a, b: c }` when it is short,
/// else a field a line.
pub fn struct_expr(out: &mut String, indent: usize, path: &str, fields: &[String]) -> Option<()> {
    let one = match fields {
        [] => format!("{path} {{}}"),
        _ => format!("{path} {{ {} }}", fields.join(", ")),
    };
    if one.len() - 1 <= STRUCT_EXPR_WIDTH {
        return code(out, indent, &one);
    }
    code(out, indent, &format!("{path} {{"))?;
    for f in fields {
        code(out, indent + 4, &format!("{f},"))?;
    }
    code(out, indent, "}")
}

/// `///` lines for the values of `#[doc = "..."]` attributes (see
/// [`super::docs::lines`]), as prettyplease writes them.
pub fn doc(out: &mut String, indent: usize, lines: &[String]) {
    for l in lines {
        out.extend(std::iter::repeat_n(' ', indent));
        out.push_str("///");
        out.push_str(l);
        out.push('\n');
    }
}

/// A `#[cfg(...)]` line (with its line break, or empty) at `indent`,
/// broken the way prettyplease breaks an attribute that does not fit.
pub fn cfg(out: &mut String, indent: usize, line: &str) {
    let one = line.trim_end();
    if one.is_empty() {
        return;
    }
    let list = one
        .strip_prefix("#[cfg(any(")
        .and_then(|l| l.strip_suffix("))]"))
        .filter(|_| indent + one.len() > MARGIN);
    let Some(list) = list else {
        super::wire::line(out, indent, one);
        return;
    };
    super::wire::line(out, indent, "#[cfg(");
    super::wire::line(out, indent + 4, "any(");
    let features: Vec<&str> = list.split(", ").collect();
    for (i, f) in features.iter().enumerate() {
        let comma = if i + 1 < features.len() { "," } else { "" };
        super::wire::line(out, indent + 8, &format!("{f}{comma}"));
    }
    super::wire::line(out, indent + 4, ")");
    super::wire::line(out, indent, ")]");
}

/// A type (paths with generic arguments) as prettyplease writes it, or
/// `None` for tokens of any other kind.
pub fn type_text(tokens: &TokenStream) -> Option<String> {
    let mut out = String::new();
    let mut after_ident = false;
    for t in tokens.clone() {
        match t {
            TokenTree::Ident(i) => {
                if after_ident {
                    out.push(' ');
                }
                out.push_str(&i.to_string());
                after_ident = true;
                continue;
            }
            TokenTree::Punct(p) => match (p.as_char(), p.spacing()) {
                (':' | '<' | '>', _) => out.push(p.as_char()),
                (',', Spacing::Alone) => out.push_str(", "),
                _ => return None,
            },
            _ => return None,
        }
        after_ident = false;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use quote::quote;

    use super::*;

    #[test]
    fn types_read_like_prettyplease_writes_them() {
        let ty = quote!(Option<Vec<Box<crate::graph::Entity>>>);
        assert_eq!(
            type_text(&ty).as_deref(),
            Some("Option<Vec<Box<crate::graph::Entity>>>")
        );
        let map = quote!(serde_json::Map<String, serde_json::Value>);
        assert_eq!(
            type_text(&map).as_deref(),
            Some("serde_json::Map<String, serde_json::Value>")
        );
        assert_eq!(type_text(&quote!(r#type)).as_deref(), Some("r#type"));
        assert_eq!(type_text(&quote!(&'a str)), None);
        assert_eq!(type_text(&quote!([u8; 4])), None);
    }

    /// The layouts here are prettyplease's: the same items through syn and
    /// prettyplease come out the same.
    #[test]
    fn layouts_match_prettyplease() {
        let long = (0..6)
            .map(|i| format!("feature = \"namespace_number_{i}\""))
            .collect::<Vec<_>>()
            .join(", ");
        for line in [
            String::new(),
            "#[cfg(feature = \"graph\")]\n".to_string(),
            format!("#[cfg(any({long}))]\n"),
        ] {
            let mut text = String::new();
            cfg(&mut text, 0, &line);
            doc(
                &mut text,
                0,
                &[" A struct.".into(), String::new(), " More.".into()],
            );
            text.push_str("pub struct S {\n");
            doc(&mut text, 4, &[" A field.".into()]);
            code(
                &mut text,
                4,
                "pub field: Option<Vec<crate::graph::Entity>>,",
            )
            .unwrap();
            text.push_str("}\n");
            let file: syn::File = syn::parse_str(&text).unwrap();
            assert_eq!(prettyplease::unparse(&file), text);
        }
        // Signatures and struct expressions either side of the limits.
        for (params, fields) in [
            // 35 columns, then 36.
            (vec!["a: u8"], vec!["aaaaaaaaa", "bbbbbbbbb: None"]),
            (vec!["a: u8"], vec!["aaaaaaaaa", "bbbbbbbbbb: None"]),
            (vec!["a: u8"], vec![]),
            (
                vec![
                    "first_parameter: crate::graph::Entity",
                    "second_one: Option<Vec<u8>>",
                ],
                vec!["first_parameter", "second_one"],
            ),
        ] {
            let params: Vec<String> = params.iter().map(|p| p.to_string()).collect();
            let fields: Vec<String> = fields.iter().map(|f| f.to_string()).collect();
            let mut text = String::from("impl S {\n");
            signature(&mut text, 4, "pub fn new(", &params, ") -> Self {").unwrap();
            struct_expr(&mut text, 8, "Self", &fields).unwrap();
            text.push_str("    }\n}\n");
            let file: syn::File = syn::parse_str(&text).unwrap();
            assert_eq!(prettyplease::unparse(&file), text);
        }
        let mut out = String::new();
        assert_eq!(code(&mut out, 4, &"x".repeat(MARGIN - 3)), None);
        assert_eq!(code(&mut out, 4, &"x".repeat(MARGIN - 4)), Some(()));
    }
}
