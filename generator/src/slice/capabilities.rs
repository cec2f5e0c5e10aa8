//! Capabilities annotations borrowed from another document for a slice.
//!
//! The per-cloud `$metadata` documents leave out many
//! `Org.OData.Capabilities.V1.*` annotations that Microsoft's clean
//! document has (`UpdateRestrictions/UpdateMethod = PUT` on
//! `externalConnection/items`, `DeleteRestrictions/Deletable = false` on
//! `externalConnection/schema`): without them the model would offer
//! methods the service refuses. [`borrow_capabilities`] copies them into a
//! slice for the elements the slice declares, unless the slice's own
//! document annotates that element with the same term (its own wins).

use std::collections::{HashMap, HashSet};

use crate::csdl::ast::*;
use crate::model::term_name;

use super::strip_descriptions;

const CAPABILITIES: &str = "Org.OData.Capabilities.V1.";

/// What [`borrow_capabilities`] added: `blocks` out-of-line `Annotations`
/// at the end of one schema of the slice, starting at item `first`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Borrowed {
    /// The index of the schema in [`Document::schemas`].
    pub schema: usize,
    /// The index in [`Schema::items`] of the first added block.
    pub first: usize,
    pub blocks: usize,
    /// The annotations in those blocks.
    pub annotations: usize,
}

/// Adds to `slice` (a slice for `namespace`) the Capabilities annotations of
/// `from` whose target the slice declares — a type, a property or
/// navigation property of one, an entity set or singleton — and whose term
/// the slice has on none of its annotations of that target. They go, one
/// out-of-line `Annotations` block per target (targets with full
/// namespaces) in the order `from` first annotates them, at the end of the
/// namespace's schema, without description text. Aliases are resolved in
/// each document by its own schemas. `None` when nothing is added.
pub fn borrow_capabilities(
    slice: &mut Document,
    from: &Document,
    namespace: &str,
) -> Option<Borrowed> {
    let schema = slice
        .schemas
        .iter()
        .position(|s| s.namespace == namespace)?;
    let declared = declared_terms(slice);
    let mut order: Vec<String> = Vec::new();
    let mut by_target: HashMap<String, Vec<Annotation>> = HashMap::new();
    for_each_annotation(from, &mut |target, a| {
        let term = term_name(&a.term);
        if !term.starts_with(CAPABILITIES) {
            return;
        }
        let Some(own) = declared.get(&target) else {
            return;
        };
        if own.contains(term.as_ref()) {
            return;
        }
        let list = by_target.entry(target.clone()).or_insert_with(|| {
            order.push(target);
            Vec::new()
        });
        list.push(a.clone());
    });
    if order.is_empty() {
        return None;
    }
    let items = &mut slice.schemas[schema].items;
    let first = items.len();
    let mut annotations = 0;
    for target in order {
        let mut list = by_target.remove(&target).unwrap_or_default();
        strip_descriptions(&mut list);
        annotations += list.len();
        let pos = list.first().map(|a| a.pos).unwrap_or_default();
        items.push(SchemaItem::Annotations(Box::new(Annotations {
            target,
            qualifier: None,
            annotations: list,
            pos,
        })));
    }
    Some(Borrowed {
        schema,
        first,
        blocks: items.len() - first,
        annotations,
    })
}

/// Every target `doc` declares that may carry Capabilities annotations
/// (see [`borrow_capabilities`]), with the full names of the terms `doc`
/// annotates it with, inline or out of line.
fn declared_terms(doc: &Document) -> HashMap<String, HashSet<String>> {
    let mut out: HashMap<String, HashSet<String>> = HashMap::new();
    for s in &doc.schemas {
        for item in &s.items {
            for (target, _) in inline_targets(s, item) {
                out.entry(target).or_default();
            }
        }
    }
    for_each_annotation(doc, &mut |target, a| {
        if let Some(terms) = out.get_mut(&target) {
            terms.insert(term_name(&a.term).into_owned());
        }
    });
    out
}

/// Calls `f` with the target (full namespace) and each annotation of `doc`,
/// inline or out of line, in document order; a qualified block's
/// annotations carry its qualifier.
fn for_each_annotation(doc: &Document, f: &mut dyn FnMut(String, &Annotation)) {
    let aliases: HashMap<&str, &str> = doc
        .schemas
        .iter()
        .filter_map(|s| Some((s.alias.as_deref()?, s.namespace.as_str())))
        .collect();
    for s in &doc.schemas {
        for item in &s.items {
            if let SchemaItem::Annotations(block) = item {
                let target = full_target(&aliases, &block.target);
                for a in &block.annotations {
                    match (&a.qualifier, &block.qualifier) {
                        (None, Some(q)) => {
                            let mut a = a.clone();
                            a.qualifier = Some(q.clone());
                            f(target.clone(), &a);
                        }
                        _ => f(target.clone(), a),
                    }
                }
                continue;
            }
            for (target, annotations) in inline_targets(s, item) {
                for a in annotations {
                    f(target.clone(), a);
                }
            }
        }
    }
}

/// The targets an item declares, each with its inline annotations: a
/// structured or enum type and its properties and navigation properties,
/// a container's entity sets and singletons.
fn inline_targets<'d>(s: &Schema, item: &'d SchemaItem) -> Vec<(String, &'d [Annotation])> {
    let ns = &s.namespace;
    match item {
        SchemaItem::EnumType(e) => vec![(format!("{ns}.{}", e.name), &e.annotations[..])],
        SchemaItem::ComplexType(t) | SchemaItem::EntityType(t) => {
            let ty = format!("{ns}.{}", t.name);
            let mut out = vec![(ty.clone(), &t.annotations[..])];
            out.extend(
                t.properties
                    .iter()
                    .map(|p| (format!("{ty}/{}", p.name), &p.annotations[..])),
            );
            out.extend(
                t.navigation_properties
                    .iter()
                    .map(|n| (format!("{ty}/{}", n.name), &n.annotations[..])),
            );
            out
        }
        SchemaItem::EntityContainer(c) => {
            let container = format!("{ns}.{}", c.name);
            let sets = c
                .entity_sets
                .iter()
                .map(|e| (format!("{container}/{}", e.name), &e.annotations[..]));
            let singletons = c
                .singletons
                .iter()
                .map(|e| (format!("{container}/{}", e.name), &e.annotations[..]));
            sets.chain(singletons).collect()
        }
        SchemaItem::Action(_)
        | SchemaItem::Function(_)
        | SchemaItem::Term(_)
        | SchemaItem::Annotations(_) => Vec::new(),
    }
}

/// `graph.user/manager` -> `microsoft.graph.user/manager`.
fn full_target(aliases: &HashMap<&str, &str>, target: &str) -> String {
    let (head, rest) = target.split_at(target.find('/').unwrap_or(target.len()));
    match head.rsplit_once('.') {
        Some((qualifier, name)) => match aliases.get(qualifier) {
            Some(ns) => format!("{ns}.{name}{rest}"),
            None => target.to_string(),
        },
        None => target.to_string(),
    }
}
