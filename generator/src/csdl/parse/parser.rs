//! What the readers of CSDL elements share: the parser (the XML reader, the
//! attribute scanner and the lists children are collected on) and the steps
//! every element takes (read its attributes, enter it, collect its children).

use super::attributes::{Attrs, Scanner, A};
use super::reader::{Reader, Start};
use crate::csdl::ast::*;
use crate::error::Result;

/// The parser of one document.
pub(super) struct Parser<'a> {
    /// The XML reader, for events and errors.
    pub(super) r: Reader<'a>,
    scanner: Scanner<'a>,
    lists: Lists,
}

/// Stacks the lists of children are built on, reused for the whole document;
/// a list is moved off in an exactly sized `Vec` when its element ends. (A
/// `Vec` pushed to from empty keeps room for four, which left a third of the
/// syntax tree's memory unused: page faults cost more than the copy.)
#[derive(Default)]
pub(super) struct Lists {
    members: Vec<Member>,
    properties: Vec<Property>,
    navigation_properties: Vec<NavigationProperty>,
    parameters: Vec<Parameter>,
    annotations: Vec<Annotation>,
    property_values: Vec<PropertyValue>,
    exprs: Vec<Expr>,
}

/// A type with a stack in [`Lists`].
pub(super) trait Listed: Sized {
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

impl<'a> Parser<'a> {
    /// A parser of `input`, whose valid UTF-8 prefix is `text`.
    pub(super) fn new(source: &'a str, input: &'a [u8], text: &'a str) -> Self {
        Parser {
            r: Reader::new(source, input, text),
            scanner: Scanner::new(),
            lists: Lists::default(),
        }
    }

    /// The known attributes of `s` (an element `name` not entered yet).
    pub(super) fn attrs(&mut self, s: &Start<'_>, name: &'static str) -> Result<Attrs<'a>> {
        self.scanner.scan(&mut self.r, s, name)
    }

    /// Gives an attribute buffer back for reuse.
    pub(super) fn recycle(&mut self, a: Attrs<'a>) {
        self.scanner.recycle(a);
    }

    /// Reads the attributes and the required `Name` and enters the element;
    /// the caller takes what else it needs and then recycles the attributes.
    pub(super) fn named(
        &mut self,
        s: &Start<'a>,
        name: &'static str,
    ) -> Result<(Attrs<'a>, String)> {
        let mut a = self.attrs(s, name)?;
        let n = a.required_cow(&self.r, A::Name, s.pos, Some(name))?;
        self.r.enter(s, name, Some(n.clone()));
        Ok((a, n.into_owned()))
    }

    /// Enters an element that takes no attributes (but checks their limits).
    pub(super) fn enter_plain(&mut self, s: &Start<'a>, name: &'static str) -> Result<()> {
        let a = self.attrs(s, name)?;
        self.recycle(a);
        self.r.enter(s, name, None);
        Ok(())
    }

    /// Where a new list of `T` starts (see [`Lists`]).
    pub(super) fn mark<T: Listed>(&mut self) -> usize {
        T::stack(&mut self.lists).len()
    }

    /// Reads the child `c` with `read` onto its list.
    pub(super) fn add<T: Listed>(
        &mut self,
        c: Start<'a>,
        read: impl FnOnce(&mut Self, Start<'a>) -> Result<T>,
    ) -> Result<()> {
        let item = read(self, c)?;
        T::stack(&mut self.lists).push(item);
        Ok(())
    }

    /// The list of `T` started at `mark`.
    pub(super) fn list<T: Listed>(&mut self, mark: usize) -> Vec<T> {
        T::stack(&mut self.lists).drain(mark..).collect()
    }
}
