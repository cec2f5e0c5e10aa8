//! Vocabulary and annotations: `Term`, `Annotations` blocks, `Annotation`
//! and the expressions an annotation's value is written in (constants,
//! paths, `Collection`, `Record` with its `PropertyValue`s, `Null`).

use std::borrow::Cow;

use super::attributes::{parse_bool, A};
use super::parser::Parser;
use super::reader::Start;
use crate::csdl::ast::*;
use crate::error::{Error, ErrorKind, Result};

impl<'a> Parser<'a> {
    /// Reads an element whose attributes mean nothing to generated code and
    /// whose children may only be annotations (checked, then dropped).
    pub(super) fn ignored(&mut self, s: Start<'a>, name: &'static str) -> Result<()> {
        self.enter_plain(&s, name)?;
        self.ignored_children()
    }

    /// The annotations of an element that is itself dropped.
    pub(super) fn ignored_children(&mut self) -> Result<()> {
        drop(self.only_annotations()?);
        Ok(())
    }

    /// Children of an element that may only hold `Annotation`s.
    pub(super) fn only_annotations(&mut self) -> Result<Vec<Annotation>> {
        let annotations = self.mark::<Annotation>();
        while let Some(c) = self.r.child()? {
            match c.local() {
                b"Annotation" => self.add(c, Self::annotation)?,
                _ => return Err(self.r.unknown_element(&c)),
            }
        }
        Ok(self.list(annotations))
    }

    pub(super) fn term(&mut self, s: Start<'a>) -> Result<Term> {
        let (mut a, name) = self.named(&s, "Term")?;
        let r#type = a.required(&self.r, A::Type, s.pos, None)?;
        let nullable = a.bool(&self.r, A::Nullable, s.pos)?;
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

    pub(super) fn annotations_block(&mut self, s: Start<'a>) -> Result<Annotations> {
        let mut a = self.attrs(&s, "Annotations")?;
        let target = a.required_cow(&self.r, A::Target, s.pos, Some("Annotations"))?;
        self.r.enter(&s, "Annotations", Some(target.clone()));
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

    pub(super) fn annotation(&mut self, s: Start<'a>) -> Result<Annotation> {
        let mut a = self.attrs(&s, "Annotation")?;
        let term = a.required_cow(&self.r, A::Term, s.pos, Some("Annotation"))?;
        let qualifier = a.take(A::Qualifier);
        let ident = match &qualifier {
            Some(q) => Cow::Owned(format!("{term}#{q}")),
            None => term.clone(),
        };
        self.r.enter(&s, "Annotation", Some(ident));
        let value = a.expr(&self.r, s.pos)?;
        self.recycle(a);
        let (value, annotations) = self.value_and_annotations(value)?;
        Ok(Annotation {
            term: term.into_owned(),
            qualifier,
            value,
            annotations,
            pos: s.pos,
        })
    }

    /// The children of an `Annotation` or a `PropertyValue`: annotations and
    /// at most one value in element notation, none when `value` (in
    /// attribute notation) is there.
    fn value_and_annotations(
        &mut self,
        mut value: Option<Expr>,
    ) -> Result<(Option<Expr>, Vec<Annotation>)> {
        let annotations = self.mark::<Annotation>();
        while let Some(c) = self.r.child()? {
            match c.local() {
                b"Annotation" => self.add(c, Self::annotation)?,
                local => match expr_element(local) {
                    Some(name) => {
                        if value.is_some() {
                            return Err(self.more_than_one_value(&c));
                        }
                        value = Some(self.expr(c, name)?);
                    }
                    None => return Err(self.r.unknown_element(&c)),
                },
            }
        }
        Ok((value, self.list(annotations)))
    }

    fn more_than_one_value(&self, c: &Start<'_>) -> Error {
        let name = c.local_lossy();
        self.r.err(
            ErrorKind::Syntax,
            c.pos,
            Some(&name),
            format!(
                "more than one value: <{name}> follows another value in <{}>",
                self.r.current()
            ),
        )
    }

    /// An expression in element notation; `name` is from [`expr_element`].
    fn expr(&mut self, s: Start<'a>, name: &'static str) -> Result<Expr> {
        match name {
            "Record" => return Ok(Expr::Record(Box::new(self.record(s)?))),
            "Collection" => {
                self.enter_plain(&s, name)?;
                let items = self.mark::<Expr>();
                while let Some(c) = self.r.child()? {
                    match expr_element(c.local()) {
                        Some(n) => self.add(c, |p, c| p.expr(c, n))?,
                        None => return Err(self.r.unknown_element(&c)),
                    }
                }
                return Ok(Expr::Collection(self.list(items)));
            }
            "Null" => {
                self.enter_plain(&s, name)?;
                // `<Null>` may be annotated; such annotations are not kept.
                while let Some(c) = self.r.child()? {
                    match c.local() {
                        b"Annotation" => {
                            self.annotation(c)?;
                        }
                        _ => return Err(self.r.unknown_element(&c)),
                    }
                }
                return Ok(Expr::Null);
            }
            _ => {}
        }
        self.enter_plain(&s, name)?;
        let pos = s.pos;
        let text = self.r.text_content()?;
        Ok(match name {
            "Binary" => Expr::Binary(text),
            "Bool" => match parse_bool(text.trim()) {
                Some(b) => Expr::Bool(b),
                None => {
                    return Err(self.r.err(
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
        self.r.enter(&s, "Record", r#type.clone());
        let (property_values, annotations) =
            (self.mark::<PropertyValue>(), self.mark::<Annotation>());
        while let Some(c) = self.r.child()? {
            match c.local() {
                b"PropertyValue" => self.add(c, Self::property_value)?,
                b"Annotation" => self.add(c, Self::annotation)?,
                _ => return Err(self.r.unknown_element(&c)),
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
        let property = a.required_cow(&self.r, A::Property, s.pos, Some("PropertyValue"))?;
        self.r.enter(&s, "PropertyValue", Some(property.clone()));
        let value = a.expr(&self.r, s.pos)?;
        self.recycle(a);
        let (value, annotations) = self.value_and_annotations(value)?;
        Ok(PropertyValue {
            property: property.into_owned(),
            value,
            annotations,
            pos: s.pos,
        })
    }
}

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
