//! The input documents together, each with its index: where a type is
//! declared first and in which clouds, and how a reference resolves to a
//! type of the model.

use std::collections::{BTreeSet, HashMap, HashSet};

use crate::csdl::ast::{Document, Schema, StructuredType};
use crate::error::{Error, ErrorKind, Location, Result};

use super::index::{members, referenced, Decl, Index, ResolvedSingle};
use super::{Availability, QName, TypeId, TypeRef};

/// One input document and the cloud it describes (`global`, `usgov`, ...).
#[derive(Debug, Clone, Copy)]
pub struct Input<'a> {
    pub cloud: &'a str,
    pub document: &'a Document,
}

/// The inputs, in order (the first is the primary), and their indexes.
pub(super) struct Documents<'i, 'a> {
    pub inputs: &'i [Input<'a>],
    pub indexes: &'i [Index<'a>],
}

/// One document's declaration of a structured type.
pub(super) struct Declaration<'i, 'a> {
    pub cloud: &'i str,
    pub index: &'i Index<'a>,
    pub schema: &'a Schema,
    pub t: &'a StructuredType,
}

impl<'i, 'a> Documents<'i, 'a> {
    /// The first document defining a type, with its declaration.
    pub(super) fn find_type(&self, q: &QName) -> Option<(&'i Index<'a>, Decl<'a>)> {
        self.indexes.iter().find_map(|ix| {
            ix.types
                .get(&(q.namespace.as_str(), q.name.as_str()))
                .map(|d| (ix, *d))
        })
    }

    /// Each document's declaration of the structured type `q`, in input
    /// order, with the document's cloud.
    pub(super) fn declarations<'q>(
        &self,
        q: &'q QName,
    ) -> impl Iterator<Item = Declaration<'i, 'a>> + 'q
    where
        'i: 'q,
        'a: 'q,
    {
        self.inputs
            .iter()
            .zip(self.indexes)
            .filter_map(move |(input, x)| {
                match x.types.get(&(q.namespace.as_str(), q.name.as_str())) {
                    Some(Decl::Struct(s, t)) => Some(Declaration {
                        cloud: input.cloud,
                        index: x,
                        schema: s,
                        t,
                    }),
                    _ => None,
                }
            })
    }

    /// The names, lowercased, that any document declares on an ancestor of
    /// `t` (as the model chains them: each base as its first document has it).
    pub(super) fn inherited_names(&self, ix: &Index<'a>, t: &StructuredType) -> HashSet<String> {
        let mut names = HashSet::new();
        let mut visited = BTreeSet::new();
        let mut base = t.base_type.as_deref().and_then(|b| referenced(ix, b));
        while let Some(q) = base.take() {
            if !visited.insert(q.clone()) {
                break;
            }
            for d in self.declarations(&q) {
                names.extend(members(d.t).map(|(name, _, _)| name.to_lowercase()));
                if base.is_none() {
                    base =
                        d.t.base_type
                            .as_deref()
                            .and_then(|b| referenced(d.index, b));
                }
            }
        }
        names
    }

    pub(super) fn availability(&self, has: impl Fn(&Index<'a>) -> bool) -> Availability {
        Availability(
            self.inputs
                .iter()
                .zip(self.indexes)
                .filter(|(_, ix)| has(ix))
                .map(|(i, _)| i.cloud.to_string())
                .collect(),
        )
    }

    pub(super) fn type_availability(&self, q: &QName) -> Availability {
        self.availability(|ix| {
            ix.types
                .contains_key(&(q.namespace.as_str(), q.name.as_str()))
        })
    }

    pub(super) fn type_ref(
        &self,
        ix: &Index<'a>,
        text: &str,
        at: impl Fn() -> Location,
        ids: &HashMap<&QName, TypeId>,
    ) -> Result<TypeRef> {
        let r = ix.resolve(text, at)?;
        let single = match r.single {
            ResolvedSingle::Primitive(p) => TypeRef::Primitive(p),
            ResolvedSingle::Named(q, _) => TypeRef::Named(*ids.get(&q).ok_or_else(|| {
                Error::new(
                    ErrorKind::UnknownType,
                    format!("`{q}` is outside the closure"),
                )
            })?),
        };
        Ok(if r.collection {
            TypeRef::Collection(Box::new(single))
        } else {
            single
        })
    }
}
