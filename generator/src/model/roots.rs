//! The entity sets and singletons of the entity containers whose entity
//! type is in the model, merged across documents.

use std::collections::{HashMap, HashSet};

use crate::csdl::ast::Annotation;

use super::capabilities::Place;
use super::documents::Documents;
use super::index::{Decl, Index};
use super::names::split_qualified;
use super::paths::canonical_roots;
use super::{QName, Root, TypeId};

/// Every entity set, then every singleton, of each document's container in
/// document order, whose entity type is one of `ids`; one of a name, as
/// the first document that declares it has it, with the clouds whose
/// container declares a child of that name.
pub(super) fn roots(docs: &Documents<'_, '_>, ids: &HashMap<&QName, TypeId>) -> Vec<Root> {
    let mut out: Vec<Root> = Vec::new();
    let mut seen: HashSet<String> = HashSet::new();
    for ix in docs.indexes {
        let Some((schema, container)) = ix.container else {
            continue;
        };
        let canonical = canonical_roots(ix, container);
        let sets = container
            .entity_sets
            .iter()
            .map(|s| (&s.name, &s.entity_type, &s.annotations[..], true));
        let singletons = container
            .singletons
            .iter()
            .map(|s| (&s.name, &s.r#type, &s.annotations[..], false));
        for (name, ty, annotations, collection) in sets.chain(singletons) {
            let Some(entity) = entity_id(ix, ty, ids) else {
                continue;
            };
            if !seen.insert(name.clone()) {
                continue;
            }
            let target = format!("{}.{}/{name}", schema.namespace, container.name);
            out.push(root(
                docs,
                ix,
                Child {
                    name,
                    entity,
                    collection,
                    target: &target,
                    annotations,
                    canonical: canonical.contains(name),
                },
            ));
        }
    }
    out
}

/// One container child, as [`roots`] found it.
struct Child<'c> {
    name: &'c str,
    entity: TypeId,
    collection: bool,
    target: &'c str,
    annotations: &'c [Annotation],
    canonical: bool,
}

fn root(docs: &Documents<'_, '_>, ix: &Index<'_>, c: Child<'_>) -> Root {
    let facts = ix.facts(c.target, c.annotations);
    let place = match c.collection {
        true => Place::EntitySet,
        false => Place::Singleton,
    };
    Root {
        name: c.name.to_string(),
        entity: c.entity,
        collection: c.collection,
        capabilities: facts.said.resolve(c.target, place),
        availability: docs.availability(|x| {
            x.container.is_some_and(|(_, xc)| {
                xc.entity_sets.iter().any(|s| s.name == c.name)
                    || xc.singletons.iter().any(|s| s.name == c.name)
            })
        }),
        doc: facts.doc,
        canonical: c.canonical,
    }
}

/// The model's id of the entity type a container child names.
fn entity_id(ix: &Index<'_>, text: &str, ids: &HashMap<&QName, TypeId>) -> Option<TypeId> {
    let (ns, name) = split_qualified(text)?;
    match ix.lookup(ns, name)? {
        Decl::Struct(s, t) => ids.get(&QName::new(&s.namespace, &t.name)).copied(),
        Decl::Enum(..) => None,
    }
}
