//! The document: the `edmx:Edmx` envelope, its `edmx:Reference`s and its
//! `edmx:DataServices` holding the schemas.

use super::attributes::A;
use super::parser::Parser;
use super::reader::{Start, DOCUMENT};
use crate::csdl::ast::*;
use crate::csdl::limits::MAX_DOCUMENT_SIZE;
use crate::csdl::EDMX_NAMESPACE;
use crate::error::{Error, ErrorKind, Location, Result};

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// Parses a CSDL (EDMX XML) document.
///
/// `source` names the input in error messages (normally its path). The input
/// must be UTF-8 (a byte-order mark is accepted); DTDs are refused and
/// entities other than the five predefined ones and character references are
/// never expanded. See [`limits`](crate::csdl::limits) for the size limits.
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

impl<'a> Parser<'a> {
    fn document(&mut self) -> Result<Document> {
        let root = self.r.root()?;
        let doc = self.edmx(root)?;
        self.r.finish()?;
        Ok(doc)
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
            return Err(self.r.err(
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
        let version = a.required(&self.r, A::Version, s.pos, Some("edmx:Edmx"))?;
        self.recycle(a);
        if version != "4.0" && version != "4.01" {
            return Err(self.r.err(
                ErrorKind::Syntax,
                s.pos,
                Some("edmx:Edmx"),
                format!("unsupported EDMX version `{version}`: expected `4.0` or `4.01`"),
            ));
        }
        self.r.enter(&s, "edmx:Edmx", None);
        let mut schemas = None;
        while let Some(c) = self.r.child()? {
            match c.local() {
                b"DataServices" if schemas.is_none() => schemas = Some(self.data_services(c)?),
                b"DataServices" => {
                    return Err(self.r.err(
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
                _ => return Err(self.r.unknown_element(&c)),
            }
        }
        let Some(schemas) = schemas else {
            return Err(Error::at(
                ErrorKind::Syntax,
                Location::new(self.r.source(), s.pos, "edmx:Edmx"),
                "<edmx:Edmx> has no <edmx:DataServices>",
            ));
        };
        Ok(Document {
            source: self.r.source().to_string(),
            version,
            schemas,
            pos: s.pos,
        })
    }

    /// `edmx:Reference` and its `edmx:Include`, `edmx:IncludeAnnotations`
    /// and annotations: checked, then dropped.
    fn reference(&mut self, s: Start<'a>) -> Result<()> {
        self.enter_plain(&s, "edmx:Reference")?;
        while let Some(c) = self.r.child()? {
            match c.local() {
                b"Include" => {
                    let mut a = self.attrs(&c, "edmx:Include")?;
                    a.required(&self.r, A::Namespace, c.pos, Some("edmx:Include"))?;
                    self.recycle(a);
                    self.r.enter(&c, "edmx:Include", None);
                    self.ignored_children()?;
                }
                b"IncludeAnnotations" => self.ignored(c, "edmx:IncludeAnnotations")?,
                b"Annotation" => drop(self.annotation(c)?),
                _ => return Err(self.r.unknown_element(&c)),
            }
        }
        Ok(())
    }

    fn data_services(&mut self, s: Start<'a>) -> Result<Vec<Schema>> {
        self.r.enter(&s, "edmx:DataServices", None);
        let mut schemas = Vec::new();
        while let Some(c) = self.r.child()? {
            match c.local() {
                b"Schema" => schemas.push(self.schema(c)?),
                _ => return Err(self.r.unknown_element(&c)),
            }
        }
        Ok(schemas)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_constraints_and_delete_rules_are_read_and_dropped() {
        let bytes = include_bytes!("../../../tests/corpus/ok_references_and_constraints.csdl");
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
}
