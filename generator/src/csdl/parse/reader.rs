//! The XML side of the parser: quick-xml's events with their positions,
//! the open elements and their CSDL path (for error messages), and the
//! limits checked while streaming (depth, name and text length). It knows
//! nothing of CSDL beyond the names it is given.
//!
//! Positions are computed incrementally from byte offsets (one pass over the
//! input in total); columns count Unicode scalar values; lines end at `\n`,
//! so CRLF files count like LF files (a lone CR, the line end of classic Mac
//! OS, is not counted as a line end in positions).

use std::borrow::Cow;

use quick_xml::events::{BytesCData, BytesStart, BytesText, Event};

use crate::csdl::ast::Pos;
use crate::csdl::limits::{MAX_DEPTH, MAX_NAME_LEN, MAX_TEXT_LEN};
use crate::error::{Error, ErrorKind, Location, Result};

/// The element path used for problems outside of any element.
pub(super) const DOCUMENT: &str = "(document)";

/// Converts increasing byte offsets to line and column in one pass overall.
#[derive(Clone, Copy)]
struct Lines {
    off: usize,
    line: u32,
    col: u32,
    /// The first line end at or after `off` (the input's length when there
    /// is none); `None` until looked for.
    next_nl: Option<usize>,
}

impl Lines {
    const START: Lines = Lines {
        off: 0,
        line: 1,
        col: 1,
        next_nl: None,
    };

    /// Farther than this, line ends are counted in bulk rather than found
    /// one by one.
    const BULK: usize = 4096;

    fn pos(&mut self, input: &[u8], to: usize) -> Pos {
        let to = to.min(input.len());
        if to < self.off {
            // Only error positions can point backwards; start over once.
            *self = Lines::START;
        }
        let find =
            |from: usize| memchr::memchr(b'\n', &input[from..]).map_or(input.len(), |i| from + i);
        let mut nl = self.next_nl.unwrap_or_else(|| find(self.off));
        if nl >= to {
            self.col = self.col.saturating_add(count_chars(&input[self.off..to]));
        } else if to - nl > Self::BULK {
            let seg = &input[nl..to];
            let last = memchr::memrchr(b'\n', seg).unwrap_or(0);
            let newlines = 1 + count_bytes(&seg[..last], b'\n');
            self.line = self.line.saturating_add(newlines);
            self.col = 1 + count_chars(&seg[last + 1..]);
            nl = find(to);
        } else {
            // Start tags are mostly a line or two apart: finding each line
            // end costs less than counting them over the whole segment.
            loop {
                self.line = self.line.saturating_add(1);
                let line_start = nl + 1;
                nl = find(line_start);
                if nl >= to {
                    self.col = 1 + count_chars(&input[line_start..to]);
                    break;
                }
            }
        }
        self.next_nl = Some(nl);
        self.off = to;
        Pos {
            line: self.line,
            col: self.col,
        }
    }
}

/// Number of UTF-8 scalar values: bytes that are not continuation bytes.
fn count_chars(bytes: &[u8]) -> u32 {
    if bytes.is_ascii() {
        return bytes.len() as u32;
    }
    count_where(bytes, |b| (b as i8) >= -0x40)
}

/// Number of bytes equal to `byte` (memchr counts with the widest vectors
/// the CPU has, which the baseline target cannot assume).
fn count_bytes(bytes: &[u8], byte: u8) -> u32 {
    u32::try_from(memchr::memchr_iter(byte, bytes).count()).unwrap_or(u32::MAX)
}

/// Counts in byte-wide lanes, 255 bytes at a time, which vectorises well.
#[inline(always)]
fn count_where(bytes: &[u8], f: impl Fn(u8) -> bool) -> u32 {
    let mut total = 0u32;
    for chunk in bytes.chunks(255) {
        let n = chunk.iter().fold(0u8, |n, &b| n + u8::from(f(b)));
        total += u32::from(n);
    }
    total
}

pub(super) fn is_xml_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

/// Line ends as XML reads them: CRLF and a lone CR become LF.
pub(super) fn normalize_line_ends(text: &str) -> Cow<'_, str> {
    if text.contains('\r') {
        Cow::Owned(text.replace("\r\n", "\n").replace('\r', "\n"))
    } else {
        Cow::Borrowed(text)
    }
}

/// An open element: its path segment is `name[ident]`.
struct Frame<'a> {
    name: &'static str,
    ident: Option<Cow<'a, str>>,
    /// `<x/>`: the element has no children and no end tag.
    empty: bool,
}

fn segment(name: &str, ident: Option<&str>) -> String {
    match ident {
        Some(ident) => format!("{name}[{ident}]"),
        None => name.to_string(),
    }
}

/// A start tag (`<x>` or `<x/>`) not yet entered.
pub(super) struct Start<'a> {
    pub(super) tag: BytesStart<'a>,
    pub(super) pos: Pos,
    empty: bool,
}

impl Start<'_> {
    pub(super) fn local(&self) -> &[u8] {
        let name = self.tag.name();
        let full = name.into_inner();
        match full.iter().position(|&b| b == b':') {
            Some(i) => &full[i + 1..],
            None => full,
        }
    }

    pub(super) fn local_lossy(&self) -> String {
        String::from_utf8_lossy(self.local()).into_owned()
    }
}

enum Ev<'a> {
    Start(Start<'a>),
    End,
    /// Text with the byte offset where it starts.
    Text(BytesText<'a>, usize),
    CData(BytesCData<'a>, usize),
    /// End of input, at this byte offset.
    Eof(usize),
}

/// quick-xml over the input, with what it does not keep: positions, the open
/// elements, where the valid UTF-8 ends.
pub(super) struct Reader<'a> {
    source: &'a str,
    pub(super) input: &'a [u8],
    /// The input up to the first invalid UTF-8 sequence (all of it when valid).
    pub(super) text: &'a str,
    xml: quick_xml::Reader<&'a [u8]>,
    lines: Lines,
    /// Byte offset of the first invalid UTF-8 sequence, if any.
    pub(super) bad_utf8: Option<usize>,
    stack: Vec<Frame<'a>>,
}

impl<'a> Reader<'a> {
    /// A reader of `input`, whose valid UTF-8 prefix is `text`.
    pub(super) fn new(source: &'a str, input: &'a [u8], text: &'a str) -> Self {
        let mut xml = quick_xml::Reader::from_reader(input);
        let config = xml.config_mut();
        // Whitespace between elements is skipped without an event; text
        // content of expression elements is read untrimmed (see `text_content`).
        config.trim_text_start = true;
        config.trim_text_end = false;
        config.expand_empty_elements = false;
        config.check_end_names = true;
        Reader {
            source,
            input,
            text,
            xml,
            lines: Lines::START,
            bad_utf8: (text.len() < input.len()).then_some(text.len()),
            stack: Vec::with_capacity(MAX_DEPTH),
        }
    }

    /// The name of the input in errors.
    pub(super) fn source(&self) -> &'a str {
        self.source
    }

    // --- positions and errors ---------------------------------------------

    /// The byte offset the reader has got to.
    fn position(&self) -> usize {
        self.xml.buffer_position() as usize
    }

    fn pos_at(&mut self, offset: usize) -> Pos {
        self.lines.pos(self.input, offset)
    }

    /// The CSDL path of the open elements, plus `leaf` (an element that is
    /// being read but not entered yet). The envelope (`edmx:Edmx`,
    /// `edmx:DataServices`) is left out once there is something below it.
    fn path(&self, leaf: Option<&str>) -> String {
        let mut parts: Vec<String> = self
            .stack
            .iter()
            .filter(|f| !f.name.starts_with("edmx:"))
            .map(|f| segment(f.name, f.ident.as_deref()))
            .collect();
        if let Some(leaf) = leaf {
            parts.push(leaf.to_string());
        }
        if parts.is_empty() {
            return match self.stack.last() {
                Some(f) => segment(f.name, f.ident.as_deref()),
                None => DOCUMENT.to_string(),
            };
        }
        parts.join("/")
    }

    pub(super) fn err(
        &self,
        kind: ErrorKind,
        pos: Pos,
        leaf: Option<&str>,
        msg: impl Into<String>,
    ) -> Error {
        Error::at(kind, Location::new(self.source, pos, self.path(leaf)), msg)
    }

    fn xml_err(&mut self, e: quick_xml::Error) -> Error {
        let off = self.xml.error_position() as usize;
        let pos = self.pos_at(off);
        self.err(ErrorKind::Xml, pos, None, format!("malformed XML: {e}"))
    }

    fn utf8_err(&mut self, off: usize) -> Error {
        self.utf8_err_in(off, None)
    }

    /// Invalid UTF-8 at `off`, inside the start tag of `leaf` when given.
    pub(super) fn utf8_err_in(&mut self, off: usize, leaf: Option<&str>) -> Error {
        let pos = self.pos_at(off);
        self.err(
            ErrorKind::Xml,
            pos,
            leaf,
            format!("invalid UTF-8 at byte offset {off}: the document must be UTF-8 encoded"),
        )
    }

    pub(super) fn unknown_element(&self, s: &Start<'_>) -> Error {
        let name = s.local_lossy();
        let parent = self
            .stack
            .last()
            .map(|f| format!("<{}>", f.name))
            .unwrap_or_else(|| "the document".to_string());
        self.err(
            ErrorKind::Syntax,
            s.pos,
            Some(&name),
            format!("unexpected element <{name}> in {parent}"),
        )
    }

    /// Valid CSDL that no generated code could stand for yet: refused by
    /// name, so that a metadata update never loses it silently.
    pub(super) fn unsupported(&self, s: &Start<'_>, what: &str) -> Error {
        let name = s.local_lossy();
        self.err(
            ErrorKind::Unsupported,
            s.pos,
            Some(&name),
            format!("<{name}> is valid CSDL that graphgen does not support yet: {what}"),
        )
    }

    /// The name of the innermost open element (`?` outside the root).
    pub(super) fn current(&self) -> &'static str {
        self.stack.last().map(|f| f.name).unwrap_or("?")
    }

    // --- events -------------------------------------------------------------

    /// The next event that matters: comments and processing instructions are
    /// skipped, a DOCTYPE is refused, start tags get their position and the
    /// depth and name-length limits are checked.
    fn next(&mut self) -> Result<Ev<'a>> {
        loop {
            let first = self.position() == 0;
            let event = self.xml.read_event();
            if let Some(bad) = self.bad_utf8 {
                let failed_before = match &event {
                    Err(_) => (self.xml.error_position() as usize) <= bad,
                    _ => false,
                };
                if !failed_before && (self.position() > bad || matches!(event, Ok(Event::Eof))) {
                    // Name the element when the bad byte is inside its start tag.
                    let leaf = match &event {
                        Ok(Event::Start(tag)) | Ok(Event::Empty(tag)) => self
                            .input_range(tag)
                            .filter(|&(start, end)| start <= bad && bad < end)
                            .map(|_| {
                                let name = tag.local_name();
                                String::from_utf8_lossy(name.as_ref()).into_owned()
                            }),
                        _ => None,
                    };
                    return Err(self.utf8_err_in(bad, leaf.as_deref()));
                }
            }
            match event {
                Err(e) => return Err(self.xml_err(e)),
                Ok(Event::Start(tag)) => return self.start(tag, false).map(Ev::Start),
                Ok(Event::Empty(tag)) => return self.start(tag, true).map(Ev::Start),
                Ok(Event::End(_)) => return Ok(Ev::End),
                Ok(Event::Text(text)) => {
                    let off = self.input_range(&text).map_or(0, |r| r.0);
                    return Ok(Ev::Text(text, off));
                }
                Ok(Event::CData(text)) => {
                    let off = self.input_range(&text).map_or(0, |r| r.0);
                    return Ok(Ev::CData(text, off));
                }
                Ok(Event::Comment(_)) | Ok(Event::PI(_)) => {}
                Ok(Event::Decl(_)) => {
                    if !first || !self.input.starts_with(b"<?xml") {
                        let off = memchr::memmem::find(self.input, b"<?xml").unwrap_or(0);
                        let pos = self.pos_at(off);
                        return Err(self.err(
                            ErrorKind::Xml,
                            pos,
                            None,
                            "the XML declaration must be at the very start of the document",
                        ));
                    }
                }
                Ok(Event::DocType(text)) => {
                    let off = self.markup_offset(&text);
                    let pos = self.pos_at(off);
                    return Err(self.err(
                        ErrorKind::Syntax,
                        pos,
                        None,
                        "a DOCTYPE is not allowed in CSDL: document type definitions and \
                         entity declarations are refused",
                    ));
                }
                Ok(Event::Eof) => return Ok(Ev::Eof(self.input.len())),
            }
        }
    }

    /// The start tag of the root element: before it, only the XML
    /// declaration, comments, processing instructions and whitespace.
    pub(super) fn root(&mut self) -> Result<Start<'a>> {
        loop {
            match self.next()? {
                Ev::Start(s) => return Ok(s),
                Ev::End => {
                    let pos = self.pos_at(0);
                    return Err(self.err(ErrorKind::Xml, pos, None, "end tag without start tag"));
                }
                Ev::Text(text, off) => self.whitespace_only(&text, off)?,
                Ev::CData(text, off) => self.whitespace_only(&text, off)?,
                Ev::Eof(off) => {
                    let pos = self.pos_at(off);
                    return Err(self.err(
                        ErrorKind::Xml,
                        pos,
                        None,
                        "the document is empty: expected an <edmx:Edmx> root element",
                    ));
                }
            }
        }
    }

    /// Reads to the end of the input after the root element, where only
    /// comments, processing instructions and whitespace may follow.
    pub(super) fn finish(&mut self) -> Result<()> {
        loop {
            match self.next()? {
                Ev::Eof(_) => return Ok(()),
                Ev::Text(text, off) => self.whitespace_only(&text, off)?,
                Ev::CData(text, off) => self.whitespace_only(&text, off)?,
                Ev::Start(s) => {
                    return Err(self.err(
                        ErrorKind::Xml,
                        s.pos,
                        None,
                        format!(
                            "element <{}> after the end of the root element",
                            s.local_lossy()
                        ),
                    ))
                }
                Ev::End => {
                    let pos = self.pos_at(self.position());
                    return Err(self.err(ErrorKind::Xml, pos, None, "end tag without start tag"));
                }
            }
        }
    }

    /// The offset of the `<` that starts the markup whose content is `content`.
    fn markup_offset(&self, content: &[u8]) -> usize {
        match self.input_range(content) {
            Some((start, _)) => memchr::memrchr(b'<', &self.input[..start]).unwrap_or(0),
            None => self.position(),
        }
    }

    fn start(&mut self, tag: BytesStart<'a>, empty: bool) -> Result<Start<'a>> {
        // The tag's content starts right after its `<`.
        let offset = match self.input_range(&tag) {
            Some((start, _)) => start.saturating_sub(1),
            None => self.markup_offset(&tag),
        };
        debug_assert_eq!(self.input.get(offset), Some(&b'<'));
        let pos = self.pos_at(offset);
        let s = Start { tag, pos, empty };
        if s.tag.name().as_ref().len() > MAX_NAME_LEN {
            return Err(self.err(
                ErrorKind::Limit,
                pos,
                None,
                format!(
                    "an element name is longer than {MAX_NAME_LEN} bytes (csdl::limits::MAX_NAME_LEN)"
                ),
            ));
        }
        if self.stack.len() >= MAX_DEPTH {
            let leaf = s.local_lossy();
            return Err(self.err(
                ErrorKind::Limit,
                pos,
                Some(&leaf),
                format!("elements are nested more than {MAX_DEPTH} deep (csdl::limits::MAX_DEPTH)"),
            ));
        }
        Ok(s)
    }

    /// Opens the element `s` (read with [`Self::child`]) under the path segment `name[ident]`.
    pub(super) fn enter(&mut self, s: &Start<'a>, name: &'static str, ident: Option<Cow<'a, str>>) {
        self.stack.push(Frame {
            name,
            ident,
            empty: s.empty,
        });
    }

    /// Where `part` (a slice of an event, which borrows the input) is in the input.
    pub(super) fn input_range(&self, part: &[u8]) -> Option<(usize, usize)> {
        let start = (part.as_ptr() as usize).checked_sub(self.input.as_ptr() as usize)?;
        let end = start.checked_add(part.len())?;
        (end <= self.input.len()).then_some((start, end))
    }

    /// The next child element of the innermost open element, or `None` after
    /// its end tag (which closes it). Text other than whitespace is an error.
    pub(super) fn child(&mut self) -> Result<Option<Start<'a>>> {
        match self.stack.last() {
            Some(f) if f.empty => {
                self.stack.pop();
                return Ok(None);
            }
            _ => {}
        }
        loop {
            match self.next()? {
                Ev::Start(s) => return Ok(Some(s)),
                Ev::End => {
                    self.stack.pop();
                    return Ok(None);
                }
                Ev::Text(text, off) => self.whitespace_only(&text, off)?,
                Ev::CData(text, off) => self.whitespace_only(&text, off)?,
                Ev::Eof(off) => return Err(self.unclosed(off)),
            }
        }
    }

    /// Reads to the end of an element that has no children (but may hold whitespace).
    pub(super) fn no_children(&mut self) -> Result<()> {
        match self.child()? {
            Some(s) => Err(self.unknown_element(&s)),
            None => Ok(()),
        }
    }

    fn whitespace_only(&mut self, text: &[u8], off: usize) -> Result<()> {
        match text.iter().position(|&b| !is_xml_space(b)) {
            None => Ok(()),
            Some(i) => {
                let pos = self.pos_at(off + i);
                let end = text[i..].len().min(40);
                let snippet = String::from_utf8_lossy(&text[i..i + end]);
                let place = match self.stack.last() {
                    Some(f) => format!("in <{}>", f.name),
                    None => "outside the root element".to_string(),
                };
                let kind = if self.stack.is_empty() {
                    ErrorKind::Xml
                } else {
                    ErrorKind::Syntax
                };
                Err(self.err(
                    kind,
                    pos,
                    None,
                    format!("unexpected text {place}: `{snippet}`"),
                ))
            }
        }
    }

    fn unclosed(&mut self, off: usize) -> Error {
        let pos = self.pos_at(off);
        let name = self.current();
        self.err(
            ErrorKind::Xml,
            pos,
            None,
            format!("unexpected end of the document: <{name}> is not closed"),
        )
    }

    /// Text content of an expression element (already entered), closing it.
    pub(super) fn text_content(&mut self) -> Result<String> {
        if let Some(f) = self.stack.last() {
            if f.empty {
                self.stack.pop();
                return Ok(String::new());
            }
        }
        // Keep leading whitespace: the element holds no child elements, so
        // trimming is off exactly until its end tag.
        self.xml.config_mut().trim_text_start = false;
        let text = self.untrimmed_text();
        self.xml.config_mut().trim_text_start = true;
        text
    }

    fn untrimmed_text(&mut self) -> Result<String> {
        let mut out = String::new();
        loop {
            match self.next()? {
                Ev::Text(text, off) => {
                    let Ok(raw) = std::str::from_utf8(&text) else {
                        return Err(self.utf8_err(self.bad_utf8.unwrap_or(off)));
                    };
                    // XML reads CRLF and lone CR as LF; references stay as they are.
                    let raw = normalize_line_ends(raw);
                    let text = match quick_xml::escape::unescape(&raw) {
                        Ok(t) => t,
                        Err(e) => {
                            let pos = self.pos_at(off);
                            return Err(self.err(
                                ErrorKind::Xml,
                                pos,
                                None,
                                format!("malformed XML: {e}"),
                            ));
                        }
                    };
                    self.push_text(&mut out, &text, off)?;
                }
                Ev::CData(text, off) => {
                    let Ok(text) = std::str::from_utf8(&text) else {
                        return Err(self.utf8_err(self.bad_utf8.unwrap_or(off)));
                    };
                    self.push_text(&mut out, &normalize_line_ends(text), off)?;
                }
                Ev::Start(s) => return Err(self.unknown_element(&s)),
                Ev::End => {
                    self.stack.pop();
                    return Ok(out);
                }
                Ev::Eof(off) => return Err(self.unclosed(off)),
            }
        }
    }

    fn push_text(&mut self, out: &mut String, text: &str, off: usize) -> Result<()> {
        if out.len() + text.len() > MAX_TEXT_LEN {
            let pos = self.pos_at(off);
            return Err(self.err(
                ErrorKind::Limit,
                pos,
                None,
                format!("text longer than {MAX_TEXT_LEN} bytes (csdl::limits::MAX_TEXT_LEN)"),
            ));
        }
        out.push_str(text);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `Lines::pos` over increasing offsets (and an occasional step back)
    /// gives what counting from the start gives: line ends, `\r\n`,
    /// multibyte characters, segments longer than a vector.
    #[test]
    fn positions_are_those_counted_from_the_start() {
        let pieces = [
            "<a b=\"c\">",
            "\n",
            "\r\n",
            "    ",
            "é",
            "€𝄞",
            "x",
            &"y".repeat(300),
        ];
        let mut seed = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = move |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        let text: String = (0..3000).map(|_| pieces[next(pieces.len())]).collect();
        let input = text.as_bytes();
        let boundaries: Vec<usize> = (0..=input.len())
            .filter(|&i| text.is_char_boundary(i))
            .collect();
        let mut lines = Lines::START;
        let mut at = 0;
        for step in 0..5000 {
            at = if step % 500 == 499 {
                boundaries[next(boundaries.len())]
            } else {
                boundaries
                    [(boundaries.partition_point(|&b| b < at) + next(40)).min(boundaries.len() - 1)]
            };
            let before = &text[..at];
            let line = 1 + before.matches('\n').count() as u32;
            let col = 1 + before[before.rfind('\n').map_or(0, |i| i + 1)..]
                .chars()
                .count() as u32;
            assert_eq!(lines.pos(input, at), Pos { line, col }, "offset {at}");
        }
    }
}
