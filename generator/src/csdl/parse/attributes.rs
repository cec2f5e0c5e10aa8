//! Attributes: the ones the parser knows, a scanner for a start tag's
//! attribute list, and what the elements' readers take from it (required,
//! boolean, an annotation value in attribute notation).
//!
//! Values follow XML's rules: line ends and tabs written as such read as
//! spaces, references (`&amp;`, `&#xA;`) are resolved, a raw `<` is refused.

use std::borrow::Cow;

use super::reader::{is_xml_space, normalize_line_ends, Reader, Start};
use crate::csdl::ast::{Expr, Facets, Pos};
use crate::csdl::limits::{MAX_ATTRIBUTES, MAX_ATTRIBUTE_LEN, MAX_NAME_LEN};
use crate::error::{Error, ErrorKind, Result};

/// The attributes the reader knows (by local name).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum A {
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

/// `true`/`false` as CSDL writes them; `1`/`0` as XML Schema also allows.
pub(super) fn parse_bool(text: &str) -> Option<bool> {
    match text {
        "true" | "1" => Some(true),
        "false" | "0" => Some(false),
        _ => None,
    }
}

/// The known attributes of one start tag, as (attribute, unescaped value);
/// values borrow from the input unless they had to be unescaped.
pub(super) struct Attrs<'a> {
    items: Vec<(A, Cow<'a, str>)>,
}

impl<'a> Attrs<'a> {
    pub(super) fn take_cow(&mut self, a: A) -> Option<Cow<'a, str>> {
        let i = self.items.iter().position(|(k, _)| *k == a)?;
        Some(self.items.swap_remove(i).1)
    }

    pub(super) fn take(&mut self, a: A) -> Option<String> {
        self.take_cow(a).map(Cow::into_owned)
    }

    /// `MaxLength`, `Precision`, `Scale` and `SRID`, boxed when any is there.
    pub(super) fn facets(&mut self) -> Option<Box<Facets>> {
        let facets = Facets {
            max_length: self.take(A::MaxLength),
            precision: self.take(A::Precision),
            scale: self.take(A::Scale),
            srid: self.take(A::Srid),
        };
        (facets != Facets::default()).then(|| Box::new(facets))
    }

    /// A required attribute of the element `leaf` (`None`: the innermost open element).
    pub(super) fn required(
        &mut self,
        r: &Reader<'_>,
        id: A,
        pos: Pos,
        leaf: Option<&str>,
    ) -> Result<String> {
        self.required_cow(r, id, pos, leaf).map(Cow::into_owned)
    }

    pub(super) fn required_cow(
        &mut self,
        r: &Reader<'_>,
        id: A,
        pos: Pos,
        leaf: Option<&str>,
    ) -> Result<Cow<'a, str>> {
        match self.take_cow(id) {
            Some(v) => Ok(v),
            None => {
                let name = leaf.unwrap_or(r.current());
                Err(r.err(
                    ErrorKind::Syntax,
                    pos,
                    leaf,
                    format!("<{name}> is missing the required attribute `{}`", id.name()),
                ))
            }
        }
    }

    /// A boolean attribute of the innermost open element.
    pub(super) fn bool(&mut self, r: &Reader<'_>, id: A, pos: Pos) -> Result<Option<bool>> {
        match self.take_cow(id) {
            None => Ok(None),
            Some(v) => match parse_bool(&v) {
                Some(b) => Ok(Some(b)),
                None => Err(bad_bool(r, &v, id.name(), pos)),
            },
        }
    }

    /// Takes the expression in attribute notation, if there is one (at most one).
    pub(super) fn expr(&mut self, r: &Reader<'_>, pos: Pos) -> Result<Option<Expr>> {
        let mut found: Option<(A, Expr)> = None;
        let mut i = 0;
        while i < self.items.len() {
            let id = self.items[i].0;
            if id.is_expr() {
                let (id, text) = self.items.swap_remove(i);
                let expr = match id.expr(text.into_owned()) {
                    Some(Ok(e)) => e,
                    Some(Err(bad)) => return Err(bad_bool(r, &bad, id.name(), pos)),
                    None => unreachable!("checked above"),
                };
                if let Some((first, _)) = &found {
                    return Err(r.err(
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
}

fn bad_bool(r: &Reader<'_>, value: &str, what: &str, pos: Pos) -> Error {
    r.err(
        ErrorKind::Syntax,
        pos,
        None,
        format!("invalid boolean `{value}` in `{what}`: expected `true` or `false`"),
    )
}

/// Buffers reused from one start tag to the next.
pub(super) struct Scanner<'a> {
    /// Spare attribute lists, to avoid an allocation per element.
    pool: Vec<Vec<(A, Cow<'a, str>)>>,
    /// Byte ranges of the attribute names of the current start tag (duplicate check).
    keys: Vec<(usize, usize)>,
}

impl<'a> Scanner<'a> {
    pub(super) fn new() -> Self {
        Scanner {
            pool: Vec::new(),
            keys: Vec::with_capacity(MAX_ATTRIBUTES),
        }
    }

    /// The known attributes of `s` (an element `name` not entered yet).
    ///
    /// The attribute list is scanned here rather than with quick-xml's
    /// iterator, which costs a third of the reading time on the Graph
    /// documents: values stay borrowed from the input unless they hold a
    /// reference (`&amp;`), and the duplicate check needs no allocation.
    pub(super) fn scan(
        &mut self,
        r: &mut Reader<'a>,
        s: &Start<'_>,
        name: &'static str,
    ) -> Result<Attrs<'a>> {
        let mut items = self.pool.pop().unwrap_or_default();
        let Some((base, end)) = r.input_range(s.tag.attributes_raw()) else {
            return Ok(Attrs { items });
        };
        let input = r.input;
        let raw = &input[base..end];
        self.keys.clear();
        // The attributes so far, and the known ones among them as bits.
        let (mut count, mut known) = (0, 0u64);
        let malformed = |r: &Reader<'_>, what: String| {
            r.err(
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
                return Err(r.err(
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
                    r,
                    format!("expected an attribute name at `{shown}`"),
                ));
            }
            let key_text = || String::from_utf8_lossy(key).into_owned();
            if key.len() > MAX_NAME_LEN {
                return Err(r.err(
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
                    r,
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
                        r,
                        format!("the value of attribute `{}` is not quoted", key_text()),
                    ))
                }
            };
            let value_start = i + 1;
            let Some(len) = memchr::memchr(quote, &raw[value_start..]) else {
                return Err(malformed(
                    r,
                    format!("the value of attribute `{}` is not closed", key_text()),
                ));
            };
            let value_end = value_start + len;
            i = value_end + 1;
            if i < raw.len() && !is_xml_space(raw[i]) {
                return Err(malformed(
                    r,
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
                    r,
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
                return Err(r.err(
                    ErrorKind::Limit,
                    s.pos,
                    Some(name),
                    format!(
                        "attribute `{}` is longer than {limit} bytes (csdl::limits::{which})",
                        id.name()
                    ),
                ));
            }
            let Some(text) = r.text.get(base + value_start..base + value_end) else {
                // Past the first invalid UTF-8 sequence.
                let off = r.bad_utf8.unwrap_or(0);
                return Err(r.utf8_err_in(off, Some(name)));
            };
            let value = if !needs_normalizing(text.as_bytes()) {
                Cow::Borrowed(text)
            } else {
                if text.contains('<') {
                    return Err(malformed(
                        r,
                        format!("`<` in the value of attribute `{}`", id.name()),
                    ));
                }
                // Attribute-value normalisation: a line end or tab written as
                // such reads as a space (written as a reference, it stays).
                let normalized = normalize_line_ends(text).replace(['\n', '\t'], " ");
                match quick_xml::escape::unescape(&normalized) {
                    Ok(v) => Cow::Owned(v.into_owned()),
                    Err(e) => {
                        return Err(r.err(
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

    /// Gives an attribute buffer back for reuse.
    pub(super) fn recycle(&mut self, a: Attrs<'a>) {
        let mut items = a.items;
        items.clear();
        self.pool.push(items);
    }
}

#[cfg(test)]
mod tests {
    use crate::csdl::{parse, EDMX_NAMESPACE};

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
