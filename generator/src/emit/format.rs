//! The one printer of generated Rust: a `syn::File` (the emitters' tokens,
//! parsed, so everything printed is checked Rust) laid out as rustfmt lays
//! it out, so that the generated crates pass `rustfmt --check`.
//!
//! It prints only the few kinds of items the emitters write: declarations
//! of structs, enums and type aliases, `use` and `mod` items, a constant and
//! a one-expression function for the crate root, and invocations of the
//! runtime's macros, whose bodies rustfmt leaves alone and which are laid
//! out here a member a line. Anything else is an internal error, so a new
//! shape cannot slip out unformatted. prettyplease was the printer before;
//! its layout differs from rustfmt's (a 89-column margin, struct literals
//! and attributes broken otherwise), so its output failed `rustfmt --check`.

use std::fmt::Write as _;

use proc_macro2::{Delimiter, Spacing, TokenStream, TokenTree};
use quote::ToTokens;
use syn::{Attribute, Fields, Item, Meta, Visibility};

/// rustfmt's `max_width`.
pub const WIDTH: usize = 100;
const INDENT: usize = 4;

/// Prints the items of a file (and its inner attributes), a blank line
/// between items except within a run of `use` or `mod` items.
pub fn file(file: &syn::File) -> Result<String, String> {
    let mut out = String::with_capacity(4096);
    for attr in &file.attrs {
        attribute(&mut out, 0, attr)?;
    }
    let mut previous: Option<Run> = None;
    for item in &file.items {
        let run = Run::of(item);
        let blank = match previous {
            Some(previous) => run == Run::Other || previous != run,
            None => !file.attrs.is_empty(),
        };
        if blank {
            out.push('\n');
        }
        self::item(&mut out, item)?;
        previous = Some(run);
    }
    Ok(out)
}

/// Items that go without a blank line between them when they follow each
/// other.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Run {
    Use,
    Mod,
    Other,
}

impl Run {
    fn of(item: &Item) -> Run {
        match item {
            Item::Use(_) => Run::Use,
            Item::Mod(_) => Run::Mod,
            _ => Run::Other,
        }
    }
}

fn item(out: &mut String, item: &Item) -> Result<(), String> {
    match item {
        Item::Struct(s) => {
            attributes(out, 0, &s.attrs)?;
            let head = format!("{}struct {}", vis(&s.vis), s.ident);
            match &s.fields {
                Fields::Named(fields) if fields.named.is_empty() => {
                    line(out, 0, &format!("{head} {{}}"));
                }
                Fields::Named(fields) => {
                    line(out, 0, &format!("{head} {{"));
                    for f in &fields.named {
                        attributes(out, INDENT, &f.attrs)?;
                        let name = f.ident.as_ref().ok_or("a named field without a name")?;
                        let ty = inline(&f.ty.to_token_stream());
                        field(out, INDENT, &format!("{}{name}:", vis(&f.vis)), &ty);
                    }
                    line(out, 0, "}");
                }
                Fields::Unit => line(out, 0, &format!("{head};")),
                Fields::Unnamed(_) => {
                    return Err(format!("struct `{}` is a tuple struct", s.ident))
                }
            }
        }
        Item::Enum(e) => {
            attributes(out, 0, &e.attrs)?;
            line(out, 0, &format!("{}enum {} {{", vis(&e.vis), e.ident));
            for v in &e.variants {
                attributes(out, INDENT, &v.attrs)?;
                match &v.fields {
                    Fields::Unit => line(out, INDENT, &format!("{},", v.ident)),
                    Fields::Unnamed(f) if f.unnamed.len() == 1 => {
                        let ty = inline(&f.unnamed[0].ty.to_token_stream());
                        let one = format!("{}({ty}),", v.ident);
                        if fits(INDENT, &one) {
                            line(out, INDENT, &one);
                        } else {
                            line(out, INDENT, &format!("{}(", v.ident));
                            line(out, 2 * INDENT, &format!("{ty},"));
                            line(out, INDENT, "),");
                        }
                    }
                    _ => return Err(format!("variant `{}` has a shape not printed", v.ident)),
                }
            }
            line(out, 0, "}");
        }
        Item::Type(t) => {
            attributes(out, 0, &t.attrs)?;
            let ty = inline(&t.ty.to_token_stream());
            line(out, 0, &format!("{}type {} = {ty};", vis(&t.vis), t.ident));
        }
        Item::Use(u) => {
            attributes(out, 0, &u.attrs)?;
            let tree = inline(&u.tree.to_token_stream());
            line(out, 0, &format!("{}use {tree};", vis(&u.vis)));
        }
        Item::Mod(m) if m.content.is_none() => {
            attributes(out, 0, &m.attrs)?;
            line(out, 0, &format!("{}mod {};", vis(&m.vis), m.ident));
        }
        Item::Const(c) => {
            attributes(out, 0, &c.attrs)?;
            let ty = inline(&c.ty.to_token_stream());
            let expr = inline(&c.expr.to_token_stream());
            let one = format!("{}const {}: {ty} = {expr};", vis(&c.vis), c.ident);
            if !fits(0, &one) {
                return Err(format!("constant `{}` does not fit on a line", c.ident));
            }
            line(out, 0, &one);
        }
        Item::Fn(f) => {
            attributes(out, 0, &f.attrs)?;
            let [syn::Stmt::Expr(body, None)] = f.block.stmts.as_slice() else {
                return Err(format!("function `{}` is not one expression", f.sig.ident));
            };
            let sig = format!("{}{} {{", vis(&f.vis), inline(&f.sig.to_token_stream()));
            let body = inline(&body.to_token_stream());
            if !fits(0, &sig) || !fits(INDENT, &body) {
                return Err(format!("function `{}` does not fit its lines", f.sig.ident));
            }
            line(out, 0, &sig);
            line(out, INDENT, &body);
            line(out, 0, "}");
        }
        Item::Macro(m) if matches!(m.mac.delimiter, syn::MacroDelimiter::Brace(_)) => {
            attributes(out, 0, &m.attrs)?;
            let path = inline(&m.mac.path.to_token_stream());
            line(out, 0, &format!("{path}! {{"));
            block(out, INDENT, m.mac.tokens.clone());
            line(out, 0, "}");
        }
        other => {
            let text = inline(&other.to_token_stream());
            let start: String = text.chars().take(60).collect();
            return Err(format!("an item of a kind not printed: {start}"));
        }
    }
    Ok(())
}

/// `pub ` or nothing.
fn vis(vis: &Visibility) -> &'static str {
    match vis {
        Visibility::Public(_) => "pub ",
        _ => "",
    }
}

/// A field `head ty,`: on one line, else the type on the next line, as
/// rustfmt breaks a field that does not fit.
fn field(out: &mut String, indent: usize, head: &str, ty: &str) {
    let one = format!("{head} {ty},");
    if fits(indent, &one) {
        line(out, indent, &one);
    } else {
        line(out, indent, head);
        line(out, indent + INDENT, &format!("{ty},"));
    }
}

fn attributes(out: &mut String, indent: usize, attrs: &[Attribute]) -> Result<(), String> {
    for attr in attrs {
        attribute(out, indent, attr)?;
    }
    Ok(())
}

/// `///` or `//!` for docs (whose values start with a space, as the
/// emitters write them); any other attribute on one line when it fits and
/// its list is not too wide, else broken as rustfmt breaks it: its list a
/// line an element, the last element's own list going on where it is the
/// only one (`#[cfg(any(` ... `))]`).
fn attribute(out: &mut String, indent: usize, attr: &Attribute) -> Result<(), String> {
    let inner = matches!(attr.style, syn::AttrStyle::Inner(_));
    let (open, doc_marker) = if inner { ("#![", "//!") } else { ("#[", "///") };
    if let Meta::NameValue(nv) = &attr.meta {
        if nv.path.is_ident("doc") {
            if let syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(s),
                ..
            }) = &nv.value
            {
                // The emitters put a doc comment's lines in one attribute.
                if let Some(lines) = plain_doc_lines(&s.value()) {
                    for l in lines {
                        line(out, indent, &format!("{doc_marker}{l}"));
                    }
                    return Ok(());
                }
            }
        }
    }
    let meta = inline(&attr.meta.to_token_stream());
    let one = format!("{open}{meta}]");
    let Meta::List(list) = &attr.meta else {
        line(out, indent, &one);
        return Ok(());
    };
    let path = inline(&list.path.to_token_stream());
    let elements = split_top(list.tokens.clone(), ',');
    // `cfg(any(...))`: the only element is a call, whose list goes on.
    if let [only] = elements.as_slice() {
        if let [TokenTree::Ident(f), TokenTree::Group(g)] = only.as_slice() {
            if g.delimiter() == Delimiter::Parenthesis {
                let inner = split_top(g.stream(), ',');
                if fits(indent, &one) && !too_wide(&inner) {
                    line(out, indent, &one);
                } else {
                    line(out, indent, &format!("{open}{path}({f}("));
                    last_without_comma(out, indent + INDENT, &inner);
                    line(out, indent, "))]");
                }
                return Ok(());
            }
        }
    }
    if fits(indent, &one) && (elements.len() < 2 || !too_wide(&elements)) {
        line(out, indent, &one);
        return Ok(());
    }
    line(out, indent, &format!("{open}{path}("));
    last_without_comma(out, indent + INDENT, &elements);
    line(out, indent, ")]");
    Ok(())
}

/// rustfmt's `attr_fn_like_width`: an attribute's list wider than this on
/// one line is written an element a line.
const ATTRIBUTE_LIST_WIDTH: usize = 70;

fn too_wide(elements: &[Vec<TokenTree>]) -> bool {
    let width: usize = elements
        .iter()
        .map(|e| inline(&e.iter().cloned().collect()).chars().count())
        .sum::<usize>()
        + 2 * elements.len().saturating_sub(1);
    width > ATTRIBUTE_LIST_WIDTH
}

/// Elements a line each, with a comma after each but the last.
fn last_without_comma(out: &mut String, indent: usize, elements: &[Vec<TokenTree>]) {
    for (i, e) in elements.iter().enumerate() {
        let text = inline(&e.iter().cloned().collect());
        let comma = if i + 1 < elements.len() { "," } else { "" };
        line(out, indent, &format!("{text}{comma}"));
    }
}

/// The body of a runtime macro invocation: each element (ended by `;` in a
/// body of clauses, else by `,`) on a line of its own. A block whose
/// contents end with a separator is written a member a line, as is a group
/// that would not fit.
fn block(out: &mut String, indent: usize, tokens: TokenStream) {
    let tokens: Vec<TokenTree> = tokens.into_iter().collect();
    // Clauses end with `;` and may hold lists; members end with `,`.
    let clauses = tokens
        .iter()
        .any(|t| matches!(t, TokenTree::Punct(p) if p.as_char() == ';'));
    let end = if clauses { ';' } else { ',' };
    let mut current: Vec<TokenTree> = Vec::new();
    for (i, tt) in tokens.iter().enumerate() {
        let separator = |t: &TokenTree| matches!(t, TokenTree::Punct(p) if p.as_char() == end);
        // An element ends at a separator, or at a block not followed by one.
        let ends = separator(tt)
            || matches!(tt, TokenTree::Group(g) if g.delimiter() == Delimiter::Brace)
                && !tokens.get(i + 1).is_some_and(separator);
        current.push(tt.clone());
        if ends {
            element(out, indent, &current);
            current.clear();
        }
    }
    if !current.is_empty() {
        element(out, indent, &current);
    }
}

/// One element of a macro body: attributes on lines of their own, then the
/// rest on one line unless it holds a list to lay out.
fn element(out: &mut String, indent: usize, tokens: &[TokenTree]) {
    let mut rest = tokens;
    while let [TokenTree::Punct(p), TokenTree::Group(g), tail @ ..] = rest {
        if p.as_char() != '#' || g.delimiter() != Delimiter::Bracket {
            break;
        }
        match doc_lines(g.stream()) {
            Some(lines) => {
                for l in lines {
                    line(out, indent, &format!("///{l}"));
                }
            }
            None => line(out, indent, &inline(&rest[..2].iter().cloned().collect())),
        }
        rest = tail;
    }
    let one = inline(&rest.iter().cloned().collect());
    // The group to lay out as a list: a block whose contents end with a
    // separator, else, when the line is too long, the last parenthesised
    // group that holds a comma (a long `new(...)`).
    let listed = rest
        .iter()
        .position(|tt| matches!(tt, TokenTree::Group(g) if g.delimiter() == Delimiter::Brace && ends_with_separator(g.stream())));
    let listed = listed.or_else(|| {
        (!fits(indent, &one))
            .then(|| {
                rest.iter().rposition(|tt| {
                    matches!(tt, TokenTree::Group(g) if g.delimiter() == Delimiter::Parenthesis
                        && g.stream().into_iter().any(|t| matches!(&t, TokenTree::Punct(p) if p.as_char() == ',')))
                })
            })
            .flatten()
    });
    let Some(at) = listed else {
        line(out, indent, &one);
        return;
    };
    let TokenTree::Group(group) = &rest[at] else {
        unreachable!("found as a group")
    };
    let (open, close) = match group.delimiter() {
        Delimiter::Parenthesis => ("(", ")"),
        Delimiter::Bracket => ("[", "]"),
        _ => ("{", "}"),
    };
    let before = inline(&rest[..at].iter().cloned().collect());
    let space = if open == "{" && !before.is_empty() {
        " "
    } else {
        ""
    };
    line(out, indent, &format!("{before}{space}{open}"));
    block(out, indent + INDENT, group.stream());
    let after = inline(&rest[at + 1..].iter().cloned().collect());
    line(out, indent, &format!("{close}{after}"));
}

/// Whether a group's contents end with a separator: a list of members or
/// clauses, written a line each.
/// The lines of a `doc = "..."` attribute's text, when it can be written
/// as `///` comments (each line empty or starting with a space).
fn doc_lines(attribute: TokenStream) -> Option<Vec<String>> {
    let tokens: Vec<TokenTree> = attribute.into_iter().collect();
    let [TokenTree::Ident(name), TokenTree::Punct(eq), TokenTree::Literal(text)] =
        tokens.as_slice()
    else {
        return None;
    };
    if name != "doc" || eq.as_char() != '=' {
        return None;
    }
    let text = syn::parse2::<syn::LitStr>(TokenTree::Literal(text.clone()).into()).ok()?;
    plain_doc_lines(&text.value())
}

/// A doc text's lines, when each can follow `///` (empty, or starting
/// with a space: a line starting with `/` would make `////`, a plain
/// comment).
fn plain_doc_lines(text: &str) -> Option<Vec<String>> {
    let plain = |l: &str| l.is_empty() || l.starts_with(' ') && !l.contains('\r');
    text.split('\n')
        .all(plain)
        .then(|| text.split('\n').map(str::to_owned).collect())
}

fn ends_with_separator(tokens: TokenStream) -> bool {
    tokens
        .into_iter()
        .last()
        .is_some_and(|t| matches!(t, TokenTree::Punct(p) if matches!(p.as_char(), ',' | ';')))
}

/// Splits tokens at top-level `sep`s (not kept).
fn split_top(tokens: TokenStream, sep: char) -> Vec<Vec<TokenTree>> {
    let mut parts = vec![Vec::new()];
    for tt in tokens {
        match &tt {
            TokenTree::Punct(p) if p.as_char() == sep => parts.push(Vec::new()),
            _ => parts.last_mut().expect("never empty").push(tt),
        }
    }
    if parts.last().is_some_and(Vec::is_empty) {
        parts.pop();
    }
    parts
}

/// Tokens on one line, spaced as rustfmt spaces them.
pub fn inline(tokens: &TokenStream) -> String {
    let mut out = String::new();
    let mut prev = Prev::Start;
    write_inline(&mut out, tokens.clone(), &mut prev);
    out
}

/// What the last token written was, for the spacing of the next one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Prev {
    Start,
    /// An identifier or keyword.
    Word,
    /// The name of a lifetime (`static` in `'static`).
    Lifetime,
    Literal,
    /// A closing delimiter, or the `>` closing generic arguments.
    Close,
    /// A spaced punctuation character (`,` `;` `:` `=` `/` `|` `->`),
    /// and whether it was joined to the next.
    Punct(char, Spacing),
    /// A character that binds to what follows (`&`, `#`, `'`, `..`).
    Prefix,
    /// What the next token is glued to: `::`, `<`, `.`, a macro's `!`.
    Glue,
}

fn write_inline(out: &mut String, tokens: TokenStream, prev: &mut Prev) {
    let tokens: Vec<TokenTree> = tokens.into_iter().collect();
    for (i, tt) in tokens.iter().enumerate() {
        let next = match tokens.get(i + 1) {
            Some(TokenTree::Punct(n)) => Some(n.as_char()),
            _ => None,
        };
        match tt {
            TokenTree::Ident(ident) => {
                let spaced = match prev {
                    Prev::Word | Prev::Lifetime | Prev::Literal | Prev::Close | Prev::Punct(..) => {
                        true
                    }
                    Prev::Start | Prev::Prefix | Prev::Glue => false,
                };
                if spaced {
                    out.push(' ');
                }
                let _ = write!(out, "{ident}");
                *prev = if out.ends_with(&format!("'{ident}")) {
                    Prev::Lifetime
                } else {
                    Prev::Word
                };
            }
            TokenTree::Literal(lit) => {
                if !matches!(prev, Prev::Start | Prev::Prefix | Prev::Glue) {
                    out.push(' ');
                }
                let _ = write!(out, "{lit}");
                *prev = Prev::Literal;
            }
            TokenTree::Group(g) => {
                let (open, close) = match g.delimiter() {
                    Delimiter::Parenthesis => ("(", ")"),
                    Delimiter::Bracket => ("[", "]"),
                    Delimiter::Brace => ("{", "}"),
                    Delimiter::None => ("", ""),
                };
                // A call, generic list or attribute binds to what is before
                // it; a block, and a list after a keyword or an operator,
                // is spaced.
                let spaced = match (g.delimiter(), *prev) {
                    (_, Prev::Start | Prev::Glue | Prev::Prefix) => false,
                    (Delimiter::Brace | Delimiter::Bracket, _) => true,
                    (Delimiter::None, _) => false,
                    (_, Prev::Word) => ends_with_keyword(out),
                    (_, Prev::Literal | Prev::Close) => false,
                    (_, Prev::Lifetime | Prev::Punct(..)) => true,
                };
                if spaced {
                    out.push(' ');
                }
                out.push_str(open);
                let inner = g.stream();
                let padded = g.delimiter() == Delimiter::Brace && !inner.is_empty();
                if padded {
                    out.push(' ');
                }
                write_inline(out, inner, &mut Prev::Start);
                if padded {
                    out.push(' ');
                }
                out.push_str(close);
                *prev = Prev::Close;
            }
            TokenTree::Punct(p) => {
                let c = p.as_char();
                let joint = p.spacing() == Spacing::Joint;
                *prev = match c {
                    ',' | ';' => {
                        out.push(c);
                        Prev::Punct(c, Spacing::Alone)
                    }
                    // `::`, a path separator.
                    ':' if joint && next == Some(':') => {
                        out.push(':');
                        Prev::Punct(':', Spacing::Joint)
                    }
                    ':' if *prev == Prev::Punct(':', Spacing::Joint) => {
                        out.push(':');
                        Prev::Glue
                    }
                    ':' => {
                        out.push(':');
                        Prev::Punct(':', Spacing::Alone)
                    }
                    '<' => {
                        out.push('<');
                        Prev::Glue
                    }
                    // The end of `->` or `=>`.
                    '>' if matches!(*prev, Prev::Punct('-' | '=', Spacing::Joint)) => {
                        out.push('>');
                        Prev::Punct('>', Spacing::Alone)
                    }
                    '>' => {
                        out.push('>');
                        Prev::Close
                    }
                    '&' | '#' | '\'' => {
                        if !matches!(*prev, Prev::Start | Prev::Glue | Prev::Prefix) {
                            out.push(' ');
                        }
                        out.push(c);
                        Prev::Prefix
                    }
                    '!' if *prev == Prev::Word => {
                        out.push('!');
                        Prev::Glue
                    }
                    // `..`, binding to what follows.
                    '.' if joint && next == Some('.') => {
                        if !matches!(*prev, Prev::Start | Prev::Glue | Prev::Prefix) {
                            out.push(' ');
                        }
                        out.push('.');
                        Prev::Punct('.', Spacing::Joint)
                    }
                    '.' if *prev == Prev::Punct('.', Spacing::Joint) => {
                        out.push('.');
                        Prev::Prefix
                    }
                    '.' => {
                        out.push('.');
                        Prev::Glue
                    }
                    _ => {
                        // Operators and arrows: spaced, their characters
                        // joined (`->`, `=>`, `|`, `=`, `/`).
                        if !matches!(
                            *prev,
                            Prev::Punct(_, Spacing::Joint)
                                | Prev::Start
                                | Prev::Glue
                                | Prev::Prefix
                        ) {
                            out.push(' ');
                        }
                        out.push(c);
                        Prev::Punct(c, p.spacing())
                    }
                };
            }
        }
    }
}

/// Whether the text ends with a keyword a list after it is spaced from
/// (`fn name()` is not).
fn ends_with_keyword(out: &str) -> bool {
    let word = out
        .rsplit(|c: char| !(c.is_alphanumeric() || c == '_'))
        .next()
        .unwrap_or("");
    matches!(
        word,
        "in" | "as" | "mut" | "dyn" | "impl" | "return" | "match" | "if" | "for"
    )
}

fn fits(indent: usize, text: &str) -> bool {
    indent + text.chars().count() <= WIDTH
}

fn line(out: &mut String, indent: usize, text: &str) {
    out.extend(std::iter::repeat_n(' ', indent));
    out.push_str(text);
    out.push('\n');
}
