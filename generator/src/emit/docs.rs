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

/// Metadata text as Markdown that renders as the text itself and that
/// rustdoc takes without a warning: bare URLs become autolinks, a Markdown
/// link `[text](https://...)` stays a link, code spans stay code, other
/// markup characters are escaped, and lines lose the leading spaces and
/// block markers that would make a heading, a list, a quote or a code block
/// (a doctest).
pub fn markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    for (i, line) in text.lines().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let line = line.trim();
        let rest = block_marker(line, &mut out);
        inline(rest, &mut out);
    }
    out
}

/// Escapes what would start a block at the start of a line; returns the rest.
fn block_marker<'a>(line: &'a str, out: &mut String) -> &'a str {
    let digits = line.len() - line.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    match line[digits..].chars().next() {
        Some(c @ ('.' | ')')) if digits > 0 => {
            out.push_str(&line[..digits]);
            out.push('\\');
            out.push(c);
            &line[digits + 1..]
        }
        Some(c @ ('#' | '-' | '+' | '=' | '|')) if digits == 0 => {
            out.push('\\');
            out.push(c);
            &line[1..]
        }
        _ => line,
    }
}

/// One line's inline text (see [`markdown`]).
fn inline(line: &str, out: &mut String) {
    let mut prev: Option<char> = None;
    let mut i = 0;
    while let Some(c) = line[i..].chars().next() {
        let rest = &line[i..];
        let next = rest[c.len_utf8()..].chars().next();
        let taken = if c == '`' {
            code_span(rest, out)
        } else if c == '[' {
            link(rest, out)
        } else if rest.starts_with("https://") || rest.starts_with("http://") {
            Some(autolink(rest, out))
        } else {
            None
        };
        if let Some(len) = taken {
            i += len;
            prev = line[..i].chars().next_back();
            continue;
        }
        let word = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
        match c {
            '\\' | '[' | ']' | '*' | '~' | '`' => {
                out.push('\\');
                out.push(c);
            }
            '_' if !(word(prev) && word(next)) => out.push_str("\\_"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' if is_reference(&rest[1..]) => out.push_str("&amp;"),
            _ => out.push(c),
        }
        prev = Some(c);
        i += c.len_utf8();
    }
}

/// A code span at the start of `rest`, copied as it is; its length, or
/// `None` when no run of as many backticks closes it on the line.
fn code_span(rest: &str, out: &mut String) -> Option<usize> {
    let open = rest.len() - rest.trim_start_matches('`').len();
    let mut at = open;
    while let Some(start) = rest[at..].find('`').map(|s| s + at) {
        let run = rest[start..].len() - rest[start..].trim_start_matches('`').len();
        if run == open {
            out.push_str(&rest[..start + run]);
            return Some(start + run);
        }
        at = start + run;
    }
    None
}

/// A Markdown link to a web page, `[text](https://...)`, kept a link with
/// its text escaped; its length.
fn link(rest: &str, out: &mut String) -> Option<usize> {
    let close = rest.find(']')?;
    let text = &rest[1..close];
    let target = rest[close..].strip_prefix("](")?;
    let end = target.find(')')?;
    let url = &target[..end];
    let is_url = (url.starts_with("https://") || url.starts_with("http://"))
        && !url.contains(|c: char| c.is_whitespace() || "<>()[]`".contains(c));
    if text.is_empty() || text.contains('[') || !is_url {
        return None;
    }
    out.push('[');
    inline(text, out);
    out.push_str("](");
    out.push_str(url);
    out.push(')');
    Some(close + 2 + end + 1)
}

/// A bare URL as an autolink, `<https://...>`, without the punctuation
/// that ends the sentence around it; its length.
fn autolink(rest: &str, out: &mut String) -> usize {
    let mut url = rest
        .split(|c: char| c.is_whitespace() || "<>\"`".contains(c))
        .next()
        .unwrap_or_default();
    loop {
        let unbalanced =
            |open: char, close: char| url.matches(close).count() > url.matches(open).count();
        match url.chars().next_back() {
            Some('.' | ',' | ':' | ';' | '!' | '?' | '\'' | '*' | '_') => {}
            Some(')') if unbalanced('(', ')') => {}
            Some(']') if unbalanced('[', ']') => {}
            _ => break,
        }
        url = &url[..url.len() - 1];
    }
    out.push('<');
    out.push_str(url);
    out.push('>');
    url.len()
}

/// Whether the text after a `&` would make it a character reference
/// (`&amp;`, `&#38;`).
fn is_reference(after: &str) -> bool {
    let name = after.strip_prefix('#').unwrap_or(after);
    let len = name.len()
        - name
            .trim_start_matches(|c: char| c.is_ascii_alphanumeric())
            .len();
    len > 0 && name[len..].starts_with(';')
}

/// The description paragraphs of an element, when its metadata has them.
pub fn description(doc: &Doc) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(d) = &doc.description {
        out.push(markdown(d));
    }
    if let Some(d) = &doc.long_description {
        out.push(markdown(d));
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

#[cfg(test)]
mod tests {
    use super::markdown;

    /// The descriptions of the official documents that rustdoc warned about
    /// or rendered wrong, and what they become.
    #[test]
    fn official_descriptions() {
        for (text, expected) in [
            // Bare URLs (rustdoc::bare_urls).
            (
                "Example: https://www.contoso.com",
                "Example: <https://www.contoso.com>",
            ),
            (
                r#"Indicates iOS/iPadOS web clip app URL. Example: "https://www.contoso.com""#,
                r#"Indicates iOS/iPadOS web clip app URL. Example: "<https://www.contoso.com>""#,
            ),
            // A Markdown link, once escaped into brackets and a bare URL.
            (
                "The time zone of the customer. For a list of possible values, see [dateTimeTimeZone](https://learn.microsoft.com/en-us/graph/api/resources/datetimetimezone?view=graph-rest-beta).",
                "The time zone of the customer. For a list of possible values, see [dateTimeTimeZone](https://learn.microsoft.com/en-us/graph/api/resources/datetimetimezone?view=graph-rest-beta).",
            ),
            // Brackets that are not a link (intra-doc links), angle brackets
            // (HTML tags).
            (
                "Address to the proxy server. Specify an address in the format <server>[“:”<port>]",
                r"Address to the proxy server. Specify an address in the format &lt;server&gt;\[“:”&lt;port&gt;\]",
            ),
            ("The measurement that is captured in PCR[0]", r"The measurement that is captured in PCR\[0\]"),
            (
                "It has to be a valid Url (http[s]://msdn.microsoft.com/).",
                r"It has to be a valid Url (http\[s\]://msdn.microsoft.com/).",
            ),
            // Code spans stay code, their brackets and underscores as they are.
            (
                "Example: `Windows11_23H2`. Possible values are: `none`, `x86`.",
                "Example: `Windows11_23H2`. Possible values are: `none`, `x86`.",
            ),
            // A backslash that would escape what follows it; emphasis markers.
            (
                r"The user can be a domain account (domain\user).",
                r"The user can be a domain account (domain\\user).",
            ),
            (
                "File name associated with the Value property (*.cer | *.crt | *.p7b | *.bin).",
                r"File name associated with the Value property (\*.cer | \*.crt | \*.p7b | \*.bin).",
            ),
            // Every ASCII punctuation character, a lone backtick among them.
            (
                r#"include: ! " # $ % & ' ( ) * + , - . / : ; < = > ? @ [ \ ] ^ _ ` { | } ~. Default"#,
                r#"include: ! " # $ % & ' ( ) \* + , - . / : ; &lt; = &gt; ? @ \[ \\ \] ^ \_ \` { | } \~. Default"#,
            ),
            // Words joined by underscores are no emphasis; T&C no reference.
            (
                "Use the new accessedResources_v2 property. Teams Q&A, T&C policy.",
                "Use the new accessedResources_v2 property. Teams Q&A, T&C policy.",
            ),
            (
                "Minimum # of symbols required.",
                "Minimum # of symbols required.",
            ),
        ] {
            assert_eq!(markdown(text), expected, "{text}");
        }
    }

    /// Line starts that would make a block: a heading, a list, a quote, a
    /// setext underline, an indented code block (which rustdoc would run as
    /// a doctest), a fence.
    #[test]
    fn block_markers_are_escaped() {
        let text = "Steps:\n# one\n- two\n+ three\n12. four\n3) five\n> quoted\n===\n    let x = 1;\n```rust\n~~~\n| a | b |\n2025 was a year.";
        let expected = r"Steps:
\# one
\- two
\+ three
12\. four
3\) five
&gt; quoted
\===
let x = 1;
\`\`\`rust
\~\~\~
\| a | b |
2025 was a year.";
        assert_eq!(markdown(text), expected);
    }

    #[test]
    fn urls_end_before_the_sentence_does() {
        for (text, expected) in [
            ("see https://a.example/x.", "see <https://a.example/x>."),
            ("(see https://a.example/x)", "(see <https://a.example/x>)"),
            (
                "https://a.example/f(1), then",
                "<https://a.example/f(1)>, then",
            ),
            ("'http://a.example/'", "'<http://a.example/>'"),
            (
                "at https://a.example/<b>",
                "at <https://a.example/>&lt;b&gt;",
            ),
            ("a http or https Url", "a http or https Url"),
        ] {
            assert_eq!(markdown(text), expected, "{text}");
        }
    }

    #[test]
    fn what_only_looks_like_markup_is_escaped() {
        for (text, expected) in [
            // Character references would render as the character.
            ("&amp; and &#38;", "&amp;amp; and &amp;#38;"),
            // Not a link: no URL, or brackets inside.
            ("[a](b)", r"\[a\](b)"),
            (
                "[[a]](https://x.example)",
                r"\[\[a\]\](<https://x.example>)",
            ),
            // A link's text is escaped like any text.
            (
                "[a_ <b>](https://x.example)",
                r"[a\_ &lt;b&gt;](https://x.example)",
            ),
            // A code span closes only on as many backticks.
            ("``a ` b`` and `c", r"``a ` b`` and \`c"),
            ("_lead and trail_", r"\_lead and trail\_"),
        ] {
            assert_eq!(markdown(text), expected, "{text}");
        }
    }
}
