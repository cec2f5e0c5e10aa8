//! CSDL XML -> syntax tree: a streaming reader on quick-xml, no DOM.
//!
//! Element and attribute names are matched on their local names (the Graph
//! documents use the `edmx:` prefix for the envelope and a default namespace
//! for the schemas); only the root is checked to be `Edmx` in the EDMX
//! namespace. Attributes the reader does not know are ignored; elements it does
//! not know are an error that names the element and its parent.
//!
//! Positions are computed incrementally from byte offsets (one pass over the
//! input in total); columns count Unicode scalar values; lines end at `\n`,
//! so CRLF files count like LF files (a lone CR, the line end of classic Mac
//! OS, is not counted as a line end in positions).
//!
//! Values follow XML's rules: line ends in text read as `\n`, line ends and
//! tabs written as such in attribute values read as spaces, references
//! (`&amp;`, `&#xA;`) are resolved; entities other than the predefined ones
//! are refused. Text content of expression elements is kept untrimmed.

use std::borrow::Cow;

use quick_xml::events::{BytesCData, BytesStart, BytesText, Event};
use quick_xml::Reader;

use super::ast::*;
use super::limits::{
    MAX_ATTRIBUTES, MAX_ATTRIBUTE_LEN, MAX_DEPTH, MAX_DOCUMENT_SIZE, MAX_NAME_LEN, MAX_TEXT_LEN,
};
use crate::error::{Error, ErrorKind, Location, Result};

/// The namespace of the `edmx:Edmx` envelope.
pub const EDMX_NAMESPACE: &str = "http://docs.oasis-open.org/odata/ns/edmx";
/// The namespace of `Schema` and everything in it.
pub const EDM_NAMESPACE: &str = "http://docs.oasis-open.org/odata/ns/edm";

/// The element path used for problems outside of any element.
const DOCUMENT: &str = "(document)";

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// Parses a CSDL (EDMX XML) document.
///
/// `source` names the input in error messages (normally its path). The input
/// must be UTF-8 (a byte-order mark is accepted); DTDs are refused and
/// entities other than the five predefined ones and character references are
/// never expanded. See [`super::limits`] for the size limits.
pub fn parse(source: &str, input: &[u8]) -> Result<Document> {
    let start = Pos { line: 1, col: 1 };
    if input.len() > MAX_DOCUMENT_SIZE {
        return Err(Error::at(
            ErrorKind::Limit,
            Location::new(source, start, DOCUMENT),
            format!(
                "the document is {} bytes long, more than the limit of {} bytes (csdl::limits::MAX_DOCUMENT_SIZE)",
                input.len(),
                MAX_DOCUMENT_SIZE
            ),
        ));
    }
    if is_utf16(input) {
        return Err(Error::at(
            ErrorKind::Xml,
            Location::new(source, start, DOCUMENT),
            "the document is encoded in UTF-16, which is not supported: convert it to UTF-8 \
             (for example `iconv -f UTF-16 -t UTF-8`)",
        ));
    }
    let input = input.strip_prefix(UTF8_BOM).unwrap_or(input);
    // The input up to the first invalid UTF-8 sequence (all of it when valid).
    let text = match std::str::from_utf8(input) {
        Ok(text) => text,
        Err(e) => std::str::from_utf8(&input[..e.valid_up_to()]).unwrap_or_default(),
    };
    Parser::new(source, input, text).document()
}

/// UTF-16 byte-order marks, or a `<` next to a zero byte (UTF-16 without BOM).
fn is_utf16(input: &[u8]) -> bool {
    input.starts_with(&[0xFE, 0xFF])
        || input.starts_with(&[0xFF, 0xFE])
        || input.starts_with(&[0x00, b'<'])
        || input.starts_with(&[b'<', 0x00])
}

// ---------------------------------------------------------------------------
// Positions

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

// ---------------------------------------------------------------------------
// Attributes

/// The attributes the reader knows (by local name).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum A {
    Version,
    Namespace,
    Alias,
    Name,
    Value,
    IsFlags,
    UnderlyingType,
    BaseType,
    Abstract,
    OpenType,
    HasStream,
    Type,
    Nullable,
    DefaultValue,
    MaxLength,
    Precision,
    Scale,
    Unicode,
    Srid,
    Partner,
    ContainsTarget,
    IsBound,
    IsComposable,
    EntitySetPath,
    AppliesTo,
    BaseTerm,
    Extends,
    EntityType,
    IncludeInServiceDocument,
    Path,
    Target,
    Qualifier,
    Term,
    Property,
    // Constant and path expressions in attribute form (besides `Path`).
    Binary,
    Bool,
    Date,
    DateTimeOffset,
    Decimal,
    Duration,
    EnumMember,
    Float,
    Guid,
    Int,
    String,
    TimeOfDay,
    AnnotationPath,
    ModelElementPath,
    NavigationPropertyPath,
    PropertyPath,
}

// The known attributes of a start tag are kept as bits of a `u64`.
const _: () = assert!((A::PropertyPath as u32) < 64);

impl A {
    fn from_local(name: &[u8]) -> Option<A> {
        Some(match name {
            b"Version" => A::Version,
            b"Namespace" => A::Namespace,
            b"Alias" => A::Alias,
            b"Name" => A::Name,
            b"Value" => A::Value,
            b"IsFlags" => A::IsFlags,
            b"UnderlyingType" => A::UnderlyingType,
            b"BaseType" => A::BaseType,
            b"Abstract" => A::Abstract,
            b"OpenType" => A::OpenType,
            b"HasStream" => A::HasStream,
            b"Type" => A::Type,
            b"Nullable" => A::Nullable,
            b"DefaultValue" => A::DefaultValue,
            b"MaxLength" => A::MaxLength,
            b"Precision" => A::Precision,
            b"Scale" => A::Scale,
            b"Unicode" => A::Unicode,
            b"SRID" => A::Srid,
            b"Partner" => A::Partner,
            b"ContainsTarget" => A::ContainsTarget,
            b"IsBound" => A::IsBound,
            b"IsComposable" => A::IsComposable,
            b"EntitySetPath" => A::EntitySetPath,
            b"AppliesTo" => A::AppliesTo,
            b"BaseTerm" => A::BaseTerm,
            b"Extends" => A::Extends,
            b"EntityType" => A::EntityType,
            b"IncludeInServiceDocument" => A::IncludeInServiceDocument,
            b"Path" => A::Path,
            b"Target" => A::Target,
            b"Qualifier" => A::Qualifier,
            b"Term" => A::Term,
            b"Property" => A::Property,
            b"Binary" => A::Binary,
            b"Bool" => A::Bool,
            b"Date" => A::Date,
            b"DateTimeOffset" => A::DateTimeOffset,
            b"Decimal" => A::Decimal,
            b"Duration" => A::Duration,
            b"EnumMember" => A::EnumMember,
            b"Float" => A::Float,
            b"Guid" => A::Guid,
            b"Int" => A::Int,
            b"String" => A::String,
            b"TimeOfDay" => A::TimeOfDay,
            b"AnnotationPath" => A::AnnotationPath,
            b"ModelElementPath" => A::ModelElementPath,
            b"NavigationPropertyPath" => A::NavigationPropertyPath,
            b"PropertyPath" => A::PropertyPath,
            _ => return None,
        })
    }

    /// The XML name of the attribute.
    fn name(self) -> &'static str {
        macro_rules! names {
            ($($v:ident)*) => {
                match self { $(A::$v => stringify!($v),)* A::Srid => "SRID" }
            };
        }
        names!(Version Namespace Alias Name Value IsFlags UnderlyingType BaseType Abstract
            OpenType HasStream Type Nullable DefaultValue MaxLength Precision Scale Unicode
            Partner ContainsTarget IsBound IsComposable EntitySetPath AppliesTo BaseTerm Extends
            EntityType IncludeInServiceDocument Path Target Qualifier Term Property Binary Bool
            Date DateTimeOffset Decimal Duration EnumMember Float Guid Int String TimeOfDay
            AnnotationPath ModelElementPath NavigationPropertyPath PropertyPath)
    }

    /// Attribute notation of an annotation expression (`String="..."`, `Path="..."`).
    fn is_expr(self) -> bool {
        matches!(
            self,
            A::Binary
                | A::Bool
                | A::Date
                | A::DateTimeOffset
                | A::Decimal
                | A::Duration
                | A::EnumMember
                | A::Float
                | A::Guid
                | A::Int
                | A::String
                | A::TimeOfDay
                | A::AnnotationPath
                | A::ModelElementPath
                | A::NavigationPropertyPath
                | A::Path
                | A::PropertyPath
        )
    }

    /// Attributes that hold identifiers or qualified names ([`MAX_NAME_LEN`]).
    fn is_name(self) -> bool {
        matches!(
            self,
            A::Name | A::Namespace | A::Alias | A::Qualifier | A::Term | A::Property
        )
    }

    /// Attribute notation of an annotation expression (on `Annotation` and
    /// `PropertyValue`): builds the expression from the attribute's text.
    fn expr(self, text: String) -> Option<std::result::Result<Expr, String>> {
        Some(Ok(match self {
            A::Binary => Expr::Binary(text),
            A::Bool => {
                return Some(match parse_bool(&text) {
                    Some(b) => Ok(Expr::Bool(b)),
                    None => Err(text),
                })
            }
            A::Date => Expr::Date(text),
            A::DateTimeOffset => Expr::DateTimeOffset(text),
            A::Decimal => Expr::Decimal(text),
            A::Duration => Expr::Duration(text),
            A::EnumMember => Expr::EnumMember(text),
            A::Float => Expr::Float(text),
            A::Guid => Expr::Guid(text),
            A::Int => Expr::Int(text),
            A::String => Expr::String(text),
            A::TimeOfDay => Expr::TimeOfDay(text),
            A::AnnotationPath => Expr::AnnotationPath(text),
            A::ModelElementPath => Expr::ModelElementPath(text),
            A::NavigationPropertyPath => Expr::NavigationPropertyPath(text),
            A::Path => Expr::Path(text),
            A::PropertyPath => Expr::PropertyPath(text),
            _ => return None,
        }))
    }
}

/// Bytes that end an attribute name (or may not occur in one).
static NAME_STOP: [bool; 256] = byte_set(b" \t\r\n=\"'<>&/");

/// Whether an attribute value needs a closer look: references, `<`, line
/// ends and tabs (other control characters take that path too, which keeps
/// them as they are). One pass without branches, which vectorises.
fn needs_normalizing(value: &[u8]) -> bool {
    let special = |b: u8| u8::from(b == b'&') | u8::from(b == b'<') | u8::from(b < 0x20);
    value.iter().fold(0, |found, &b| found | special(b)) != 0
}

const fn byte_set(bytes: &[u8]) -> [bool; 256] {
    let mut set = [false; 256];
    let mut i = 0;
    while i < bytes.len() {
        set[bytes[i] as usize] = true;
        i += 1;
    }
    set
}

/// Line ends as XML reads them: CRLF and a lone CR become LF.
fn normalize_line_ends(text: &str) -> Cow<'_, str> {
    if text.contains('\r') {
        Cow::Owned(text.replace("\r\n", "\n").replace('\r', "\n"))
    } else {
        Cow::Borrowed(text)
    }
}

/// `true`/`false` as CSDL writes them; `1`/`0` as XML Schema also allows.
fn parse_bool(text: &str) -> Option<bool> {
    match text {
        "true" | "1" => Some(true),
        "false" | "0" => Some(false),
        _ => None,
    }
}

/// The known attributes of one start tag, as (attribute, unescaped value);
/// values borrow from the input unless they had to be unescaped.
struct Attrs<'a> {
    items: Vec<(A, Cow<'a, str>)>,
}

impl<'a> Attrs<'a> {
    fn take_cow(&mut self, a: A) -> Option<Cow<'a, str>> {
        let i = self.items.iter().position(|(k, _)| *k == a)?;
        Some(self.items.swap_remove(i).1)
    }

    fn take(&mut self, a: A) -> Option<String> {
        self.take_cow(a).map(Cow::into_owned)
    }

    /// `MaxLength`, `Precision`, `Scale` and `SRID`, boxed when any is there.
    fn facets(&mut self) -> Option<Box<Facets>> {
        let facets = Facets {
            max_length: self.take(A::MaxLength),
            precision: self.take(A::Precision),
            scale: self.take(A::Scale),
            srid: self.take(A::Srid),
        };
        (facets != Facets::default()).then(|| Box::new(facets))
    }
}

// ---------------------------------------------------------------------------
// Element names

/// Maps the local name of an expression element to its static name.
fn expr_element(local: &[u8]) -> Option<&'static str> {
    Some(match local {
        b"Binary" => "Binary",
        b"Bool" => "Bool",
        b"Date" => "Date",
        b"DateTimeOffset" => "DateTimeOffset",
        b"Decimal" => "Decimal",
        b"Duration" => "Duration",
        b"EnumMember" => "EnumMember",
        b"Float" => "Float",
        b"Guid" => "Guid",
        b"Int" => "Int",
        b"String" => "String",
        b"TimeOfDay" => "TimeOfDay",
        b"AnnotationPath" => "AnnotationPath",
        b"ModelElementPath" => "ModelElementPath",
        b"NavigationPropertyPath" => "NavigationPropertyPath",
        b"Path" => "Path",
        b"PropertyPath" => "PropertyPath",
        b"Null" => "Null",
        b"Collection" => "Collection",
        b"Record" => "Record",
        _ => return None,
    })
}

// ---------------------------------------------------------------------------
// The reader

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
struct Start<'a> {
    tag: BytesStart<'a>,
    pos: Pos,
    empty: bool,
}

impl Start<'_> {
    fn local(&self) -> &[u8] {
        let name = self.tag.name();
        let full = name.into_inner();
        match full.iter().position(|&b| b == b':') {
            Some(i) => &full[i + 1..],
            None => full,
        }
    }

    fn local_lossy(&self) -> String {
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

struct Parser<'a> {
    source: &'a str,
    input: &'a [u8],
    /// The input up to the first invalid UTF-8 sequence (all of it when valid).
    text: &'a str,
    reader: Reader<&'a [u8]>,
    lines: Lines,
    /// Byte offset of the first invalid UTF-8 sequence, if any.
    bad_utf8: Option<usize>,
    stack: Vec<Frame<'a>>,
    lists: Lists,
    /// Spare attribute buffers, to avoid an allocation per element.
    pool: Vec<Vec<(A, Cow<'a, str>)>>,
    /// Byte ranges of the attribute names of the current start tag (duplicate check).
    keys: Vec<(usize, usize)>,
}

/// Stacks the lists of children are built on, reused for the whole document;
/// a list is moved off in an exactly sized `Vec` when its element ends. (A
/// `Vec` pushed to from empty keeps room for four, which left a third of the
/// syntax tree's memory unused: page faults cost more than the copy.)
#[derive(Default)]
struct Lists {
    members: Vec<Member>,
    properties: Vec<Property>,
    navigation_properties: Vec<NavigationProperty>,
    parameters: Vec<Parameter>,
    annotations: Vec<Annotation>,
    property_values: Vec<PropertyValue>,
    exprs: Vec<Expr>,
}

/// A type with a stack in [`Lists`].
trait Listed: Sized {
    fn stack(lists: &mut Lists) -> &mut Vec<Self>;
}

macro_rules! listed {
    ($($t:ty => $field:ident),*) => {
        $(impl Listed for $t {
            fn stack(lists: &mut Lists) -> &mut Vec<Self> {
                &mut lists.$field
            }
        })*
    };
}

listed!(
    Member => members,
    Property => properties,
    NavigationProperty => navigation_properties,
    Parameter => parameters,
    Annotation => annotations,
    PropertyValue => property_values,
    Expr => exprs
);

fn is_xml_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

/// A reader of `input` as the parser configures it.
fn reader(input: &[u8]) -> Reader<&[u8]> {
    let mut reader = Reader::from_reader(input);
    let config = reader.config_mut();
    // Whitespace between elements is skipped without an event; text
    // content of expression elements is read untrimmed (see `text_content`).
    config.trim_text_start = true;
    config.trim_text_end = false;
    config.expand_empty_elements = false;
    config.check_end_names = true;
    reader
}

impl<'a> Parser<'a> {
    /// A parser of `input`, whose valid UTF-8 prefix is `text`.
    fn new(source: &'a str, input: &'a [u8], text: &'a str) -> Self {
        Parser {
            source,
            input,
            text,
            reader: reader(input),
            lines: Lines::START,
            bad_utf8: (text.len() < input.len()).then_some(text.len()),
            stack: Vec::with_capacity(MAX_DEPTH),
            lists: Lists::default(),
            pool: Vec::new(),
            keys: Vec::with_capacity(MAX_ATTRIBUTES),
        }
    }

    // --- positions and errors ---------------------------------------------

    /// The byte offset the reader has got to.
    fn position(&self) -> usize {
        self.reader.buffer_position() as usize
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

    fn err(&self, kind: ErrorKind, pos: Pos, leaf: Option<&str>, msg: impl Into<String>) -> Error {
        Error::at(kind, Location::new(self.source, pos, self.path(leaf)), msg)
    }

    fn xml_err(&mut self, e: quick_xml::Error) -> Error {
        let off = self.reader.error_position() as usize;
        let pos = self.pos_at(off);
        self.err(ErrorKind::Xml, pos, None, format!("malformed XML: {e}"))
    }

    fn utf8_err(&mut self, off: usize) -> Error {
        self.utf8_err_in(off, None)
    }

    /// Invalid UTF-8 at `off`, inside the start tag of `leaf` when given.
    fn utf8_err_in(&mut self, off: usize, leaf: Option<&str>) -> Error {
        let pos = self.pos_at(off);
        self.err(
            ErrorKind::Xml,
            pos,
            leaf,
            format!("invalid UTF-8 at byte offset {off}: the document must be UTF-8 encoded"),
        )
    }

    fn unknown_element(&self, s: &Start<'_>) -> Error {
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
    fn unsupported(&self, s: &Start<'_>, what: &str) -> Error {
        let name = s.local_lossy();
        self.err(
            ErrorKind::Unsupported,
            s.pos,
            Some(&name),
            format!("<{name}> is valid CSDL that graphgen does not support yet: {what}"),
        )
    }

    /// Reads an element whose attributes mean nothing to generated code and
    /// whose children may only be annotations (checked, then dropped).
    fn ignored(&mut self, s: Start<'a>, name: &'static str) -> Result<()> {
        self.enter_plain(&s, name)?;
        self.ignored_children()
    }

    // --- events -------------------------------------------------------------

    /// The next event that matters: comments and processing instructions are
    /// skipped, a DOCTYPE is refused, start tags get their position and the
    /// depth and name-length limits are checked.
    fn next(&mut self) -> Result<Ev<'a>> {
        loop {
            let first = self.position() == 0;
            let event = self.reader.read_event();
            if let Some(bad) = self.bad_utf8 {
                let failed_before = match &event {
                    Err(_) => (self.reader.error_position() as usize) <= bad,
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
    fn enter(&mut self, s: &Start<'a>, name: &'static str, ident: Option<Cow<'a, str>>) {
        self.stack.push(Frame {
            name,
            ident,
            empty: s.empty,
        });
    }

    /// Where a new list of `T` starts (see [`Lists`]).
    fn mark<T: Listed>(&mut self) -> usize {
        T::stack(&mut self.lists).len()
    }

    /// Reads the child `c` with `read` onto its list.
    fn add<T: Listed>(
        &mut self,
        c: Start<'a>,
        read: impl FnOnce(&mut Self, Start<'a>) -> Result<T>,
    ) -> Result<()> {
        let item = read(self, c)?;
        T::stack(&mut self.lists).push(item);
        Ok(())
    }

    /// The list of `T` started at `mark`.
    fn list<T: Listed>(&mut self, mark: usize) -> Vec<T> {
        T::stack(&mut self.lists).drain(mark..).collect()
    }

    /// Gives an attribute buffer back for reuse.
    fn recycle(&mut self, a: Attrs<'a>) {
        let mut items = a.items;
        items.clear();
        self.pool.push(items);
    }

    /// Where `part` (a slice of an event, which borrows the input) is in the input.
    fn input_range(&self, part: &[u8]) -> Option<(usize, usize)> {
        let start = (part.as_ptr() as usize).checked_sub(self.input.as_ptr() as usize)?;
        let end = start.checked_add(part.len())?;
        (end <= self.input.len()).then_some((start, end))
    }

    /// The next child element of the innermost open element, or `None` after
    /// its end tag (which closes it). Text other than whitespace is an error.
    fn child(&mut self) -> Result<Option<Start<'a>>> {
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
    fn no_children(&mut self) -> Result<()> {
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
        let name = self.stack.last().map(|f| f.name).unwrap_or("?");
        self.err(
            ErrorKind::Xml,
            pos,
            None,
            format!("unexpected end of the document: <{name}> is not closed"),
        )
    }

    /// Text content of an expression element (already entered), closing it.
    fn text_content(&mut self) -> Result<String> {
        if let Some(f) = self.stack.last() {
            if f.empty {
                self.stack.pop();
                return Ok(String::new());
            }
        }
        // Keep leading whitespace: the element holds no child elements, so
        // trimming is off exactly until its end tag.
        self.reader.config_mut().trim_text_start = false;
        let text = self.untrimmed_text();
        self.reader.config_mut().trim_text_start = true;
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

    // --- attributes -----------------------------------------------------------

    /// The known attributes of `s` (an element `name` not entered yet).
    ///
    /// The attribute list is scanned here rather than with quick-xml's
    /// iterator, which costs a third of the reading time on the Graph
    /// documents: values stay borrowed from the input unless they hold a
    /// reference (`&amp;`), and the duplicate check needs no allocation.
    fn attrs(&mut self, s: &Start<'_>, name: &'static str) -> Result<Attrs<'a>> {
        let mut items = self.pool.pop().unwrap_or_default();
        let Some((base, end)) = self.input_range(s.tag.attributes_raw()) else {
            return Ok(Attrs { items });
        };
        let input = self.input;
        let raw = &input[base..end];
        self.keys.clear();
        // The attributes so far, and the known ones among them as bits.
        let (mut count, mut known) = (0, 0u64);
        let malformed = |this: &Self, what: String| {
            this.err(
                ErrorKind::Xml,
                s.pos,
                Some(name),
                format!("malformed XML: {what}"),
            )
        };
        let mut i = 0;
        loop {
            while i < raw.len() && is_xml_space(raw[i]) {
                i += 1;
            }
            if i == raw.len() {
                break;
            }
            if count == MAX_ATTRIBUTES {
                return Err(self.err(
                    ErrorKind::Limit,
                    s.pos,
                    Some(name),
                    format!(
                        "<{name}> has more than {MAX_ATTRIBUTES} attributes (csdl::limits::MAX_ATTRIBUTES)"
                    ),
                ));
            }
            // name
            let key_start = i;
            i += raw[i..]
                .iter()
                .position(|&b| NAME_STOP[b as usize])
                .unwrap_or(raw.len() - i);
            let key = &raw[key_start..i];
            if key.is_empty() || (i < raw.len() && !is_xml_space(raw[i]) && raw[i] != b'=') {
                let shown = String::from_utf8_lossy(&raw[key_start..]).into_owned();
                return Err(malformed(
                    self,
                    format!("expected an attribute name at `{shown}`"),
                ));
            }
            let key_text = || String::from_utf8_lossy(key).into_owned();
            if key.len() > MAX_NAME_LEN {
                return Err(self.err(
                    ErrorKind::Limit,
                    s.pos,
                    Some(name),
                    format!(
                        "an attribute name is longer than {MAX_NAME_LEN} bytes (csdl::limits::MAX_NAME_LEN)"
                    ),
                ));
            }
            // = "value"
            while i < raw.len() && is_xml_space(raw[i]) {
                i += 1;
            }
            if raw.get(i) != Some(&b'=') {
                return Err(malformed(
                    self,
                    format!("attribute `{}` has no value", key_text()),
                ));
            }
            i += 1;
            while i < raw.len() && is_xml_space(raw[i]) {
                i += 1;
            }
            let quote = match raw.get(i) {
                Some(&q @ (b'"' | b'\'')) => q,
                _ => {
                    return Err(malformed(
                        self,
                        format!("the value of attribute `{}` is not quoted", key_text()),
                    ))
                }
            };
            let value_start = i + 1;
            let Some(len) = memchr::memchr(quote, &raw[value_start..]) else {
                return Err(malformed(
                    self,
                    format!("the value of attribute `{}` is not closed", key_text()),
                ));
            };
            let value_end = value_start + len;
            i = value_end + 1;
            if i < raw.len() && !is_xml_space(raw[i]) {
                return Err(malformed(
                    self,
                    format!("no space after the value of attribute `{}`", key_text()),
                ));
            }
            let colon = key.iter().rposition(|&b| b == b':');
            let local = colon.map_or(key, |colon| &key[colon + 1..]);
            let id = A::from_local(local);
            // Attribute names are unique in an element: known names without a
            // prefix are told by their bit, others by comparing the names.
            let twice = match (colon, id) {
                (None, Some(id)) => {
                    let bit = 1u64 << id as u32;
                    let twice = known & bit != 0;
                    known |= bit;
                    twice
                }
                _ => {
                    let twice = self
                        .keys
                        .iter()
                        .any(|&(start, end)| &input[start..end] == key);
                    self.keys
                        .push((base + key_start, base + key_start + key.len()));
                    twice
                }
            };
            if twice {
                return Err(malformed(
                    self,
                    format!("attribute `{}` is given twice", key_text()),
                ));
            }
            count += 1;
            // Namespace declarations and unknown attributes are skipped.
            if key == b"xmlns" || key.starts_with(b"xmlns:") {
                continue;
            }
            let Some(id) = id else {
                continue;
            };
            let (limit, which) = if id.is_name() {
                (MAX_NAME_LEN, "MAX_NAME_LEN")
            } else {
                (MAX_ATTRIBUTE_LEN, "MAX_ATTRIBUTE_LEN")
            };
            if len > limit {
                return Err(self.err(
                    ErrorKind::Limit,
                    s.pos,
                    Some(name),
                    format!(
                        "attribute `{}` is longer than {limit} bytes (csdl::limits::{which})",
                        id.name()
                    ),
                ));
            }
            let Some(text) = self.text.get(base + value_start..base + value_end) else {
                // Past the first invalid UTF-8 sequence.
                let off = self.bad_utf8.unwrap_or(0);
                return Err(self.utf8_err_in(off, Some(name)));
            };
            let value = if !needs_normalizing(text.as_bytes()) {
                Cow::Borrowed(text)
            } else {
                if text.contains('<') {
                    return Err(malformed(
                        self,
                        format!("`<` in the value of attribute `{}`", id.name()),
                    ));
                }
                // Attribute-value normalisation: a line end or tab written as
                // such reads as a space (written as a reference, it stays).
                let normalized = normalize_line_ends(text).replace(['\n', '\t'], " ");
                match quick_xml::escape::unescape(&normalized) {
                    Ok(v) => Cow::Owned(v.into_owned()),
                    Err(e) => {
                        return Err(self.err(
                            ErrorKind::Xml,
                            s.pos,
                            Some(name),
                            format!("malformed XML: attribute `{}`: {e}", id.name()),
                        ))
                    }
                }
            };
            items.push((id, value));
        }
        Ok(Attrs { items })
    }

    /// A required attribute of the element `leaf` (`None`: the innermost open element).
    fn required(&self, a: &mut Attrs<'a>, id: A, pos: Pos, leaf: Option<&str>) -> Result<String> {
        self.required_cow(a, id, pos, leaf).map(Cow::into_owned)
    }

    fn required_cow(
        &self,
        a: &mut Attrs<'a>,
        id: A,
        pos: Pos,
        leaf: Option<&str>,
    ) -> Result<Cow<'a, str>> {
        match a.take_cow(id) {
            Some(v) => Ok(v),
            None => {
                let name = match leaf {
                    Some(l) => l,
                    None => self.stack.last().map(|f| f.name).unwrap_or("?"),
                };
                Err(self.err(
                    ErrorKind::Syntax,
                    pos,
                    leaf,
                    format!("<{name}> is missing the required attribute `{}`", id.name()),
                ))
            }
        }
    }

    /// A boolean attribute of the innermost open element.
    fn bool_attr(&self, a: &mut Attrs<'a>, id: A, pos: Pos) -> Result<Option<bool>> {
        match a.take_cow(id) {
            None => Ok(None),
            Some(v) => match parse_bool(&v) {
                Some(b) => Ok(Some(b)),
                None => Err(self.bad_bool(&v, id.name(), pos)),
            },
        }
    }

    fn bad_bool(&self, value: &str, what: &str, pos: Pos) -> Error {
        self.err(
            ErrorKind::Syntax,
            pos,
            None,
            format!("invalid boolean `{value}` in `{what}`: expected `true` or `false`"),
        )
    }

    /// Takes the expression in attribute notation, if there is one (at most one).
    fn attr_expr(&self, a: &mut Attrs<'a>, pos: Pos) -> Result<Option<Expr>> {
        let mut found: Option<(A, Expr)> = None;
        let mut i = 0;
        while i < a.items.len() {
            let id = a.items[i].0;
            if id.is_expr() {
                let (id, text) = a.items.swap_remove(i);
                let expr = match id.expr(text.into_owned()) {
                    Some(Ok(e)) => e,
                    Some(Err(bad)) => return Err(self.bad_bool(&bad, id.name(), pos)),
                    None => unreachable!("checked above"),
                };
                if let Some((first, _)) = &found {
                    return Err(self.err(
                        ErrorKind::Syntax,
                        pos,
                        None,
                        format!(
                            "more than one value: both `{}` and `{}` are given",
                            first.name(),
                            id.name()
                        ),
                    ));
                }
                found = Some((id, expr));
            } else {
                i += 1;
            }
        }
        Ok(found.map(|(_, e)| e))
    }

    // --- the document -----------------------------------------------------------

    fn document(&mut self) -> Result<Document> {
        let root = loop {
            match self.next()? {
                Ev::Start(s) => break s,
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
        };
        let doc = self.edmx(root)?;
        loop {
            match self.next()? {
                Ev::Eof(_) => return Ok(doc),
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

    fn edmx(&mut self, s: Start<'a>) -> Result<Document> {
        // The root must be `Edmx` in the EDMX namespace, declared on the root itself.
        let qname = s.tag.name();
        let (prefix, local) = match qname.as_ref().iter().position(|&b| b == b':') {
            Some(i) => (&qname.as_ref()[..i], &qname.as_ref()[i + 1..]),
            None => (&qname.as_ref()[..0], qname.as_ref()),
        };
        let mut namespace = None;
        for attr in s.tag.attributes().with_checks(false).flatten() {
            let key = attr.key.as_ref();
            let declared = if prefix.is_empty() {
                key == b"xmlns"
            } else {
                key.strip_prefix(b"xmlns:") == Some(prefix)
            };
            if declared {
                namespace = Some(attr.value.into_owned());
            }
        }
        let leaf = String::from_utf8_lossy(qname.as_ref()).into_owned();
        if local != b"Edmx" || namespace.as_deref() != Some(EDMX_NAMESPACE.as_bytes()) {
            let ns = namespace
                .map(|n| format!("namespace `{}`", String::from_utf8_lossy(&n)))
                .unwrap_or_else(|| "no namespace".to_string());
            return Err(self.err(
                ErrorKind::Syntax,
                s.pos,
                Some(&leaf),
                format!(
                    "the root element is <{leaf}> in {ns}; a CSDL document starts with <edmx:Edmx> \
                     in namespace `{EDMX_NAMESPACE}`"
                ),
            ));
        }
        let mut a = self.attrs(&s, "edmx:Edmx")?;
        let version = self.required(&mut a, A::Version, s.pos, Some("edmx:Edmx"))?;
        self.recycle(a);
        if version != "4.0" && version != "4.01" {
            return Err(self.err(
                ErrorKind::Syntax,
                s.pos,
                Some("edmx:Edmx"),
                format!("unsupported EDMX version `{version}`: expected `4.0` or `4.01`"),
            ));
        }
        self.enter(&s, "edmx:Edmx", None);
        let mut schemas = None;
        while let Some(c) = self.child()? {
            match c.local() {
                b"DataServices" if schemas.is_none() => schemas = Some(self.data_services(c)?),
                b"DataServices" => {
                    return Err(self.err(
                        ErrorKind::Syntax,
                        c.pos,
                        Some("edmx:DataServices"),
                        "more than one <edmx:DataServices>",
                    ))
                }
                // Vocabularies and other documents: the terms generated code
                // uses are known by name (`Core.`, `Capabilities.`), and
                // nothing is fetched.
                b"Reference" if schemas.is_none() => self.reference(c)?,
                _ => return Err(self.unknown_element(&c)),
            }
        }
        let Some(schemas) = schemas else {
            return Err(Error::at(
                ErrorKind::Syntax,
                Location::new(self.source, s.pos, "edmx:Edmx"),
                "<edmx:Edmx> has no <edmx:DataServices>",
            ));
        };
        Ok(Document {
            source: self.source.to_string(),
            version,
            schemas,
            pos: s.pos,
        })
    }

    /// `edmx:Reference` and its `edmx:Include`, `edmx:IncludeAnnotations`
    /// and annotations: checked, then dropped.
    fn reference(&mut self, s: Start<'a>) -> Result<()> {
        self.enter_plain(&s, "edmx:Reference")?;
        while let Some(c) = self.child()? {
            match c.local() {
                b"Include" => {
                    let mut a = self.attrs(&c, "edmx:Include")?;
                    self.required(&mut a, A::Namespace, c.pos, Some("edmx:Include"))?;
                    self.recycle(a);
                    self.enter(&c, "edmx:Include", None);
                    self.ignored_children()?;
                }
                b"IncludeAnnotations" => self.ignored(c, "edmx:IncludeAnnotations")?,
                b"Annotation" => drop(self.annotation(c)?),
                _ => return Err(self.unknown_element(&c)),
            }
        }
        Ok(())
    }

    /// The annotations of an element that is itself dropped.
    fn ignored_children(&mut self) -> Result<()> {
        drop(self.only_annotations()?);
        Ok(())
    }

    fn data_services(&mut self, s: Start<'a>) -> Result<Vec<Schema>> {
        self.enter(&s, "edmx:DataServices", None);
        let mut schemas = Vec::new();
        while let Some(c) = self.child()? {
            match c.local() {
                b"Schema" => schemas.push(self.schema(c)?),
                _ => return Err(self.unknown_element(&c)),
            }
        }
        Ok(schemas)
    }

    fn schema(&mut self, s: Start<'a>) -> Result<Schema> {
        let mut a = self.attrs(&s, "Schema")?;
        let namespace = self.required_cow(&mut a, A::Namespace, s.pos, Some("Schema"))?;
        self.enter(&s, "Schema", Some(namespace.clone()));
        let alias = a.take(A::Alias);
        self.recycle(a);
        let items = self.schema_items()?;
        Ok(Schema {
            namespace: namespace.into_owned(),
            alias,
            items,
            pos: s.pos,
        })
    }

    /// The children of the open `Schema`, to its end.
    fn schema_items(&mut self) -> Result<Vec<SchemaItem>> {
        let mut items = Vec::new();
        while let Some(c) = self.child()? {
            let item = match c.local() {
                b"EnumType" => SchemaItem::EnumType(Box::new(self.enum_type(c)?)),
                b"ComplexType" => {
                    SchemaItem::ComplexType(Box::new(self.structured(c, StructuredKind::Complex)?))
                }
                b"EntityType" => {
                    SchemaItem::EntityType(Box::new(self.structured(c, StructuredKind::Entity)?))
                }
                b"Action" => {
                    SchemaItem::Action(Box::new(self.operation(c, OperationKind::Action)?))
                }
                b"Function" => {
                    SchemaItem::Function(Box::new(self.operation(c, OperationKind::Function)?))
                }
                b"Term" => SchemaItem::Term(Box::new(self.term(c)?)),
                b"EntityContainer" => SchemaItem::EntityContainer(Box::new(self.container(c)?)),
                b"Annotations" => SchemaItem::Annotations(Box::new(self.annotations_block(c)?)),
                b"TypeDefinition" => {
                    return Err(self.unsupported(
                        &c,
                        "a named primitive type; no Microsoft Graph document has one so far",
                    ))
                }
                _ => return Err(self.unknown_element(&c)),
            };
            items.push(item);
        }
        Ok(items)
    }

    /// Reads the attributes and the required `Name` and enters the element;
    /// the caller takes what else it needs and then recycles the attributes.
    fn named(&mut self, s: &Start<'a>, name: &'static str) -> Result<(Attrs<'a>, String)> {
        let mut a = self.attrs(s, name)?;
        let n = self.required_cow(&mut a, A::Name, s.pos, Some(name))?;
        self.enter(s, name, Some(n.clone()));
        Ok((a, n.into_owned()))
    }

    fn enum_type(&mut self, s: Start<'a>) -> Result<EnumType> {
        let (mut a, name) = self.named(&s, "EnumType")?;
        let underlying_type = a.take(A::UnderlyingType);
        let is_flags = self.bool_attr(&mut a, A::IsFlags, s.pos)?.unwrap_or(false);
        self.recycle(a);
        let (members, annotations) = (self.mark::<Member>(), self.mark::<Annotation>());
        while let Some(c) = self.child()? {
            match c.local() {
                b"Member" => self.add(c, Self::member)?,
                b"Annotation" => self.add(c, Self::annotation)?,
                _ => return Err(self.unknown_element(&c)),
            }
        }
        Ok(EnumType {
            name,
            underlying_type,
            is_flags,
            members: self.list(members),
            annotations: self.list(annotations),
            pos: s.pos,
        })
    }

    fn member(&mut self, s: Start<'a>) -> Result<Member> {
        let (mut a, name) = self.named(&s, "Member")?;
        let value = a.take(A::Value);
        self.recycle(a);
        let annotations = self.only_annotations()?;
        Ok(Member {
            name,
            value,
            annotations,
            pos: s.pos,
        })
    }

    /// Children of an element that may only hold `Annotation`s.
    fn only_annotations(&mut self) -> Result<Vec<Annotation>> {
        let annotations = self.mark::<Annotation>();
        while let Some(c) = self.child()? {
            match c.local() {
                b"Annotation" => self.add(c, Self::annotation)?,
                _ => return Err(self.unknown_element(&c)),
            }
        }
        Ok(self.list(annotations))
    }

    fn structured(&mut self, s: Start<'a>, kind: StructuredKind) -> Result<StructuredType> {
        let elem = match kind {
            StructuredKind::Complex => "ComplexType",
            StructuredKind::Entity => "EntityType",
        };
        let (mut a, name) = self.named(&s, elem)?;
        let base_type = a.take(A::BaseType);
        let is_abstract = self.bool_attr(&mut a, A::Abstract, s.pos)?.unwrap_or(false);
        let open_type = self.bool_attr(&mut a, A::OpenType, s.pos)?.unwrap_or(false);
        let has_stream = self
            .bool_attr(&mut a, A::HasStream, s.pos)?
            .unwrap_or(false);
        self.recycle(a);
        let mut key = None;
        let properties = self.mark::<Property>();
        let navigation_properties = self.mark::<NavigationProperty>();
        let annotations = self.mark::<Annotation>();
        while let Some(c) = self.child()? {
            match c.local() {
                b"Key" if key.is_none() && kind == StructuredKind::Entity => {
                    key = Some(self.key(c)?)
                }
                b"Property" => self.add(c, Self::property)?,
                b"NavigationProperty" => self.add(c, Self::navigation_property)?,
                b"Annotation" => self.add(c, Self::annotation)?,
                _ => return Err(self.unknown_element(&c)),
            }
        }
        let properties = self.list(properties);
        let navigation_properties = self.list(navigation_properties);
        let annotations = self.list(annotations);
        Ok(StructuredType {
            kind,
            name,
            base_type,
            is_abstract,
            open_type,
            has_stream,
            key,
            properties,
            navigation_properties,
            annotations,
            pos: s.pos,
        })
    }

    fn key(&mut self, s: Start<'a>) -> Result<Vec<PropertyRef>> {
        let a = self.attrs(&s, "Key")?;
        self.recycle(a);
        self.enter(&s, "Key", None);
        let mut refs = Vec::new();
        while let Some(c) = self.child()? {
            match c.local() {
                b"PropertyRef" => {
                    let (mut a, name) = self.named(&c, "PropertyRef")?;
                    let alias = a.take(A::Alias);
                    self.recycle(a);
                    self.no_children()?;
                    refs.push(PropertyRef {
                        name,
                        alias,
                        pos: c.pos,
                    });
                }
                _ => return Err(self.unknown_element(&c)),
            }
        }
        Ok(refs)
    }

    fn property(&mut self, s: Start<'a>) -> Result<Property> {
        let (mut a, name) = self.named(&s, "Property")?;
        let r#type = self.required(&mut a, A::Type, s.pos, None)?;
        let nullable = self.bool_attr(&mut a, A::Nullable, s.pos)?;
        let unicode = self.bool_attr(&mut a, A::Unicode, s.pos)?;
        let default_value = a.take(A::DefaultValue);
        let facets = a.facets();
        self.recycle(a);
        let annotations = self.only_annotations()?;
        Ok(Property {
            name,
            r#type,
            nullable,
            default_value,
            unicode,
            facets,
            annotations,
            pos: s.pos,
        })
    }

    fn navigation_property(&mut self, s: Start<'a>) -> Result<NavigationProperty> {
        let (mut a, name) = self.named(&s, "NavigationProperty")?;
        let r#type = self.required(&mut a, A::Type, s.pos, None)?;
        let nullable = self.bool_attr(&mut a, A::Nullable, s.pos)?;
        let contains_target = self
            .bool_attr(&mut a, A::ContainsTarget, s.pos)?
            .unwrap_or(false);
        let partner = a.take(A::Partner);
        self.recycle(a);
        let annotations = self.mark::<Annotation>();
        while let Some(c) = self.child()? {
            match c.local() {
                b"Annotation" => self.add(c, Self::annotation)?,
                // Constraints between keys and deletion rules are the
                // service's business: no generated code depends on them.
                b"ReferentialConstraint" => self.ignored(c, "ReferentialConstraint")?,
                b"OnDelete" => self.ignored(c, "OnDelete")?,
                _ => return Err(self.unknown_element(&c)),
            }
        }
        let annotations = self.list(annotations);
        Ok(NavigationProperty {
            name,
            r#type,
            nullable,
            partner,
            contains_target,
            annotations,
            pos: s.pos,
        })
    }

    fn operation(&mut self, s: Start<'a>, kind: OperationKind) -> Result<Operation> {
        let elem = match kind {
            OperationKind::Action => "Action",
            OperationKind::Function => "Function",
        };
        let (mut a, name) = self.named(&s, elem)?;
        let is_bound = self.bool_attr(&mut a, A::IsBound, s.pos)?.unwrap_or(false);
        let is_composable = match kind {
            OperationKind::Function => self.bool_attr(&mut a, A::IsComposable, s.pos)?,
            OperationKind::Action => None,
        }
        .unwrap_or(false);
        let entity_set_path = a.take(A::EntitySetPath);
        self.recycle(a);
        let parameters = self.mark::<Parameter>();
        let mut return_type = None;
        let annotations = self.mark::<Annotation>();
        while let Some(c) = self.child()? {
            match c.local() {
                b"Parameter" => self.add(c, Self::parameter)?,
                b"ReturnType" if return_type.is_none() => return_type = Some(self.return_type(c)?),
                b"Annotation" => self.add(c, Self::annotation)?,
                _ => return Err(self.unknown_element(&c)),
            }
        }
        let parameters = self.list(parameters);
        let annotations = self.list(annotations);
        Ok(Operation {
            kind,
            name,
            is_bound,
            is_composable,
            entity_set_path,
            parameters,
            return_type,
            annotations,
            pos: s.pos,
        })
    }

    fn parameter(&mut self, s: Start<'a>) -> Result<Parameter> {
        let (mut a, name) = self.named(&s, "Parameter")?;
        let r#type = self.required(&mut a, A::Type, s.pos, None)?;
        let nullable = self.bool_attr(&mut a, A::Nullable, s.pos)?;
        let unicode = self.bool_attr(&mut a, A::Unicode, s.pos)?;
        let facets = a.facets();
        self.recycle(a);
        let annotations = self.only_annotations()?;
        Ok(Parameter {
            name,
            r#type,
            nullable,
            unicode,
            facets,
            annotations,
            pos: s.pos,
        })
    }

    fn return_type(&mut self, s: Start<'a>) -> Result<ReturnType> {
        let mut a = self.attrs(&s, "ReturnType")?;
        self.enter(&s, "ReturnType", None);
        let r#type = self.required(&mut a, A::Type, s.pos, None)?;
        let nullable = self.bool_attr(&mut a, A::Nullable, s.pos)?;
        let unicode = self.bool_attr(&mut a, A::Unicode, s.pos)?;
        let facets = a.facets();
        self.recycle(a);
        let annotations = self.only_annotations()?;
        Ok(ReturnType {
            r#type,
            nullable,
            unicode,
            facets,
            annotations,
            pos: s.pos,
        })
    }

    fn term(&mut self, s: Start<'a>) -> Result<Term> {
        let (mut a, name) = self.named(&s, "Term")?;
        let r#type = self.required(&mut a, A::Type, s.pos, None)?;
        let nullable = self.bool_attr(&mut a, A::Nullable, s.pos)?;
        let base_term = a.take(A::BaseTerm);
        let applies_to = a.take(A::AppliesTo);
        let default_value = a.take(A::DefaultValue);
        self.recycle(a);
        let annotations = self.only_annotations()?;
        Ok(Term {
            name,
            r#type,
            base_term,
            applies_to,
            nullable,
            default_value,
            annotations,
            pos: s.pos,
        })
    }

    fn container(&mut self, s: Start<'a>) -> Result<EntityContainer> {
        let (mut a, name) = self.named(&s, "EntityContainer")?;
        let extends = a.take(A::Extends);
        self.recycle(a);
        let mut entity_sets = Vec::new();
        let mut singletons = Vec::new();
        let mut annotations = Vec::new();
        while let Some(c) = self.child()? {
            match c.local() {
                b"EntitySet" => {
                    let (mut a, name) = self.named(&c, "EntitySet")?;
                    let entity_type = self.required(&mut a, A::EntityType, c.pos, None)?;
                    let include_in_service_document =
                        self.bool_attr(&mut a, A::IncludeInServiceDocument, c.pos)?;
                    self.recycle(a);
                    let (bindings, annotations) = self.bindings_and_annotations()?;
                    entity_sets.push(EntitySet {
                        name,
                        entity_type,
                        include_in_service_document,
                        bindings,
                        annotations,
                        pos: c.pos,
                    });
                }
                b"Singleton" => {
                    let (mut a, name) = self.named(&c, "Singleton")?;
                    let r#type = self.required(&mut a, A::Type, c.pos, None)?;
                    self.recycle(a);
                    let (bindings, annotations) = self.bindings_and_annotations()?;
                    singletons.push(Singleton {
                        name,
                        r#type,
                        bindings,
                        annotations,
                        pos: c.pos,
                    });
                }
                b"Annotation" => annotations.push(self.annotation(c)?),
                b"ActionImport" | b"FunctionImport" => {
                    return Err(self.unsupported(
                        &c,
                        "unbound operations are not generated; no Microsoft Graph document \
                         imports one so far",
                    ))
                }
                _ => return Err(self.unknown_element(&c)),
            }
        }
        Ok(EntityContainer {
            name,
            extends,
            entity_sets,
            singletons,
            annotations,
            pos: s.pos,
        })
    }

    fn bindings_and_annotations(
        &mut self,
    ) -> Result<(Vec<NavigationPropertyBinding>, Vec<Annotation>)> {
        let mut bindings = Vec::new();
        let mut annotations = Vec::new();
        while let Some(c) = self.child()? {
            match c.local() {
                b"NavigationPropertyBinding" => {
                    let mut a = self.attrs(&c, "NavigationPropertyBinding")?;
                    let path = self.required_cow(
                        &mut a,
                        A::Path,
                        c.pos,
                        Some("NavigationPropertyBinding"),
                    )?;
                    self.enter(&c, "NavigationPropertyBinding", Some(path.clone()));
                    let target = self.required(&mut a, A::Target, c.pos, None)?;
                    self.recycle(a);
                    self.no_children()?;
                    bindings.push(NavigationPropertyBinding {
                        path: path.into_owned(),
                        target,
                        pos: c.pos,
                    });
                }
                b"Annotation" => annotations.push(self.annotation(c)?),
                _ => return Err(self.unknown_element(&c)),
            }
        }
        Ok((bindings, annotations))
    }

    fn annotations_block(&mut self, s: Start<'a>) -> Result<Annotations> {
        let mut a = self.attrs(&s, "Annotations")?;
        let target = self.required_cow(&mut a, A::Target, s.pos, Some("Annotations"))?;
        self.enter(&s, "Annotations", Some(target.clone()));
        let qualifier = a.take(A::Qualifier);
        self.recycle(a);
        let annotations = self.only_annotations()?;
        Ok(Annotations {
            target: target.into_owned(),
            qualifier,
            annotations,
            pos: s.pos,
        })
    }

    fn annotation(&mut self, s: Start<'a>) -> Result<Annotation> {
        let mut a = self.attrs(&s, "Annotation")?;
        let term = self.required_cow(&mut a, A::Term, s.pos, Some("Annotation"))?;
        let qualifier = a.take(A::Qualifier);
        let ident = match &qualifier {
            Some(q) => Cow::Owned(format!("{term}#{q}")),
            None => term.clone(),
        };
        self.enter(&s, "Annotation", Some(ident));
        let mut value = self.attr_expr(&mut a, s.pos)?;
        self.recycle(a);
        let annotations = self.mark::<Annotation>();
        while let Some(c) = self.child()? {
            match c.local() {
                b"Annotation" => self.add(c, Self::annotation)?,
                local => match expr_element(local) {
                    Some(name) => {
                        if value.is_some() {
                            return Err(self.more_than_one_value(&c));
                        }
                        value = Some(self.expr(c, name)?);
                    }
                    None => return Err(self.unknown_element(&c)),
                },
            }
        }
        Ok(Annotation {
            term: term.into_owned(),
            qualifier,
            value,
            annotations: self.list(annotations),
            pos: s.pos,
        })
    }

    fn more_than_one_value(&self, c: &Start<'_>) -> Error {
        let name = c.local_lossy();
        self.err(
            ErrorKind::Syntax,
            c.pos,
            Some(&name),
            format!(
                "more than one value: <{name}> follows another value in <{}>",
                self.stack.last().map(|f| f.name).unwrap_or("?")
            ),
        )
    }

    /// Enters an element that takes no attributes (but checks their limits).
    fn enter_plain(&mut self, s: &Start<'a>, name: &'static str) -> Result<()> {
        let a = self.attrs(s, name)?;
        self.recycle(a);
        self.enter(s, name, None);
        Ok(())
    }

    /// An expression in element notation; `name` is from [`expr_element`].
    fn expr(&mut self, s: Start<'a>, name: &'static str) -> Result<Expr> {
        match name {
            "Record" => return Ok(Expr::Record(Box::new(self.record(s)?))),
            "Collection" => {
                self.enter_plain(&s, name)?;
                let items = self.mark::<Expr>();
                while let Some(c) = self.child()? {
                    match expr_element(c.local()) {
                        Some(n) => self.add(c, |p, c| p.expr(c, n))?,
                        None => return Err(self.unknown_element(&c)),
                    }
                }
                return Ok(Expr::Collection(self.list(items)));
            }
            "Null" => {
                self.enter_plain(&s, name)?;
                // `<Null>` may be annotated; such annotations are not kept.
                while let Some(c) = self.child()? {
                    match c.local() {
                        b"Annotation" => {
                            self.annotation(c)?;
                        }
                        _ => return Err(self.unknown_element(&c)),
                    }
                }
                return Ok(Expr::Null);
            }
            _ => {}
        }
        self.enter_plain(&s, name)?;
        let pos = s.pos;
        let text = self.text_content()?;
        Ok(match name {
            "Binary" => Expr::Binary(text),
            "Bool" => match parse_bool(text.trim()) {
                Some(b) => Expr::Bool(b),
                None => {
                    return Err(self.err(
                        ErrorKind::Syntax,
                        pos,
                        Some("Bool"),
                        format!("invalid boolean `{text}` in <Bool>: expected `true` or `false`"),
                    ))
                }
            },
            "Date" => Expr::Date(text),
            "DateTimeOffset" => Expr::DateTimeOffset(text),
            "Decimal" => Expr::Decimal(text),
            "Duration" => Expr::Duration(text),
            "EnumMember" => Expr::EnumMember(text),
            "Float" => Expr::Float(text),
            "Guid" => Expr::Guid(text),
            "Int" => Expr::Int(text),
            "String" => Expr::String(text),
            "TimeOfDay" => Expr::TimeOfDay(text),
            "AnnotationPath" => Expr::AnnotationPath(text),
            "ModelElementPath" => Expr::ModelElementPath(text),
            "NavigationPropertyPath" => Expr::NavigationPropertyPath(text),
            "Path" => Expr::Path(text),
            "PropertyPath" => Expr::PropertyPath(text),
            other => unreachable!("expr_element returned {other}"),
        })
    }

    fn record(&mut self, s: Start<'a>) -> Result<Record> {
        let mut a = self.attrs(&s, "Record")?;
        let r#type = a.take_cow(A::Type);
        self.recycle(a);
        self.enter(&s, "Record", r#type.clone());
        let (property_values, annotations) =
            (self.mark::<PropertyValue>(), self.mark::<Annotation>());
        while let Some(c) = self.child()? {
            match c.local() {
                b"PropertyValue" => self.add(c, Self::property_value)?,
                b"Annotation" => self.add(c, Self::annotation)?,
                _ => return Err(self.unknown_element(&c)),
            }
        }
        Ok(Record {
            r#type: r#type.map(Cow::into_owned),
            property_values: self.list(property_values),
            annotations: self.list(annotations),
            pos: s.pos,
        })
    }

    fn property_value(&mut self, s: Start<'a>) -> Result<PropertyValue> {
        let mut a = self.attrs(&s, "PropertyValue")?;
        let property = self.required_cow(&mut a, A::Property, s.pos, Some("PropertyValue"))?;
        self.enter(&s, "PropertyValue", Some(property.clone()));
        let mut value = self.attr_expr(&mut a, s.pos)?;
        self.recycle(a);
        let annotations = self.mark::<Annotation>();
        while let Some(c) = self.child()? {
            match c.local() {
                b"Annotation" => self.add(c, Self::annotation)?,
                local => match expr_element(local) {
                    Some(name) => {
                        if value.is_some() {
                            return Err(self.more_than_one_value(&c));
                        }
                        value = Some(self.expr(c, name)?);
                    }
                    None => return Err(self.unknown_element(&c)),
                },
            }
        }
        Ok(PropertyValue {
            property: property.into_owned(),
            value,
            annotations: self.list(annotations),
            pos: s.pos,
        })
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

    #[test]
    fn references_constraints_and_delete_rules_are_read_and_dropped() {
        let bytes = include_bytes!("../../tests/corpus/ok_references_and_constraints.csdl");
        let d = parse("t.csdl", bytes).expect("valid CSDL");
        let SchemaItem::EntityType(order) = &d.schemas[0].items[0] else {
            panic!("the first item is the entity type `order`");
        };
        let nav = &order.navigation_properties[0];
        // The navigation property keeps its own annotation, read after them.
        assert_eq!(nav.annotations.len(), 1);
        assert_eq!(nav.annotations[0].term, "Core.Description");
        assert!(matches!(&nav.annotations[0].value, Some(Expr::String(s)) if s == "Who ordered."));
    }

    #[test]
    fn attributes_given_twice() {
        let with = |attrs: &str| {
            let body = format!("      <EntityType Name=\"t\" {attrs}/>");
            parse("t.csdl", doc(&schema("a", &body)).as_bytes())
        };
        for twice in [
            r#"Name="u""#,
            r#"x="1" x="2""#,
            r#"p:Name="1" p:Name="2""#,
            r#"xmlns:p="u" xmlns:p="v""#,
            r#"Abstract="true" OpenType="true" Abstract="true""#,
        ] {
            let e = with(twice).unwrap_err();
            assert!(e.to_string().contains("given twice"), "{twice}: {e}");
        }
        for once in [
            r#"p:Name="1""#,
            r#"x="1" p:x="2" q:x="3""#,
            r#"xmlns:p="u" p="v""#,
        ] {
            with(once).unwrap();
        }
    }

    const EDM: &str = r#"xmlns="http://docs.oasis-open.org/odata/ns/edm""#;

    /// An envelope around `schemas`.
    fn doc(schemas: &str) -> String {
        format!(
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n\
             <edmx:Edmx Version=\"4.0\" xmlns:edmx=\"{EDMX_NAMESPACE}\">\n  \
             <edmx:DataServices>\n{schemas}\n  </edmx:DataServices>\n</edmx:Edmx>\n"
        )
    }

    fn schema(ns: &str, body: &str) -> String {
        format!(
            "    <Schema Namespace=\"{ns}\" {EDM}>\n      \
             <EnumType Name=\"color\">\n        <Member Name=\"red\" Value=\"0\"/>\n      \
             </EnumType>\n{body}\n    </Schema>"
        )
    }
}
