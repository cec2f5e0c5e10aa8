//! URLs for bound operations, derived from the entity container: from an
//! entity set or singleton down containment navigation properties.

use std::collections::{HashSet, VecDeque};

use crate::csdl::ast::{Operation, StructuredType};

use super::build::{Decl, Index};
use super::names::{parse_type_ref, split_qualified};
use super::{PathSegment, QName, UrlPath};

/// Where the walk is: an entity type, addressed as one entity or as a collection.
#[derive(Clone, PartialEq, Eq, Hash)]
struct Node {
    ty: QName,
    collection: bool,
}

/// The shortest URL that addresses the binding parameter of `op`, followed by
/// the operation segment; ties go to the first entity set, singleton or
/// navigation property in document order. `Err` says why there is none.
pub(super) fn place(ix: &Index<'_>, op: &Operation) -> Result<UrlPath, String> {
    let binding = op
        .parameters
        .first()
        .ok_or_else(|| "no binding parameter".to_string())?;
    let raw = parse_type_ref(&binding.r#type).map_err(|e| e.to_string())?;
    let Some(Decl::Struct(bs, bt)) = ix.lookup(raw.namespace, raw.name) else {
        return Err(format!(
            "bound to `{}`, which is not an entity type",
            binding.r#type
        ));
    };
    let goal = Node {
        ty: QName::new(&bs.namespace, &bt.name),
        collection: raw.collection,
    };
    let Some((_, container)) = ix.container else {
        return Err("the document has no entity container".into());
    };

    let mut queue: VecDeque<(Node, Vec<PathSegment>)> = VecDeque::new();
    for (name, node) in roots(ix, container) {
        queue.push_back((node, vec![PathSegment::Literal(name)]));
    }
    let mut seen: HashSet<Node> = HashSet::new();
    while let Some((node, path)) = queue.pop_front() {
        if !seen.insert(node.clone()) {
            continue;
        }
        if node.collection == goal.collection && derives_from(ix, &goal.ty, &node.ty) {
            let mut segments = path;
            if node.ty != goal.ty {
                // A type-cast segment narrows the base type to the bound one.
                segments.push(PathSegment::Literal(goal.ty.to_string()));
            }
            segments.push(PathSegment::Literal(operation_segment(ix, op, &goal.ty)));
            return Ok(UrlPath { segments });
        }
        if node.collection {
            let mut p = path.clone();
            p.push(PathSegment::Key {
                entity: node.ty.clone(),
            });
            let next = Node {
                ty: node.ty.clone(),
                collection: false,
            };
            queue.push_back((next, p));
            continue;
        }
        for t in chain(ix, &node.ty) {
            for nav in t.navigation_properties.iter().filter(|n| n.contains_target) {
                let Ok(r) = parse_type_ref(&nav.r#type) else {
                    continue;
                };
                let Some(Decl::Struct(ns, nt)) = ix.lookup(r.namespace, r.name) else {
                    continue;
                };
                let next = Node {
                    ty: QName::new(&ns.namespace, &nt.name),
                    collection: r.collection,
                };
                if !seen.contains(&next) {
                    let mut p = path.clone();
                    p.push(PathSegment::Literal(nav.name.clone()));
                    queue.push_back((next, p));
                }
            }
        }
    }
    Err(format!(
        "no entity set, singleton or containment navigation reaches {} `{}`",
        if goal.collection {
            "a collection of"
        } else {
            "an entity of"
        },
        goal.ty
    ))
}

/// The entry points of canonical URLs, entity sets first, in document order.
///
/// Two kinds of container children are left out, because the metadata has a
/// better URL for what they reach:
/// - a singleton whose type is an entity set's entity type stands for one
///   member of that set (`me` is the signed-in user of `users`, `drive` their
///   drive): URLs through it work only for that one entity;
/// - an entity set that repeats, by name and type, a containment navigation
///   property of a singleton kept as a root (`connections` and
///   `external/connections`) is a shortcut: OData addresses a contained
///   entity through its container, and that is the URL the service documents.
fn roots(ix: &Index<'_>, container: &crate::csdl::ast::EntityContainer) -> Vec<(String, Node)> {
    let set_types: HashSet<QName> = container
        .entity_sets
        .iter()
        .filter_map(|s| entity_name(ix, &s.entity_type))
        .collect();
    let singletons: Vec<(String, QName)> = container
        .singletons
        .iter()
        .filter_map(|s| Some((s.name.clone(), entity_name(ix, &s.r#type)?)))
        .filter(|(_, ty)| !set_types.contains(ty))
        .collect();
    let contained_by_singleton = |set_name: &str, set_type: &QName| {
        singletons.iter().any(|(_, ty)| {
            chain(ix, ty).iter().any(|t| {
                t.navigation_properties.iter().any(|n| {
                    n.contains_target
                        && n.name == set_name
                        && parse_type_ref(&n.r#type).is_ok_and(|r| {
                            r.collection
                                && entity_name(ix, &format!("{}.{}", r.namespace, r.name)).as_ref()
                                    == Some(set_type)
                        })
                })
            })
        })
    };
    let mut out = Vec::new();
    for set in &container.entity_sets {
        if let Some(ty) = entity_name(ix, &set.entity_type) {
            if !contained_by_singleton(&set.name, &ty) {
                out.push((
                    set.name.clone(),
                    Node {
                        ty,
                        collection: true,
                    },
                ));
            }
        }
    }
    for (name, ty) in singletons {
        out.push((
            name,
            Node {
                ty,
                collection: false,
            },
        ));
    }
    out
}

/// The operation's URL segment: its simple name, as the service documents it,
/// unless the bound type has a property of that name, which the qualified
/// name then tells apart.
fn operation_segment(ix: &Index<'_>, op: &Operation, bound: &QName) -> String {
    let clash = chain(ix, bound).iter().any(|t| {
        t.properties.iter().any(|p| p.name == op.name)
            || t.navigation_properties.iter().any(|n| n.name == op.name)
    });
    match clash {
        true => {
            let ns = ix
                .operations
                .iter()
                .find(|(_, list)| list.iter().any(|o| std::ptr::eq(*o, op)))
                .map(|((ns, _), _)| *ns)
                .unwrap_or_default();
            format!("{ns}.{}", op.name)
        }
        false => op.name.clone(),
    }
}

fn entity_name(ix: &Index<'_>, text: &str) -> Option<QName> {
    let (ns, name) = split_qualified(text)?;
    match ix.lookup(ns, name)? {
        Decl::Struct(s, t) => Some(QName::new(&s.namespace, &t.name)),
        Decl::Enum(..) => None,
    }
}

/// The type and its base types, nearest first.
fn chain<'a>(ix: &Index<'a>, q: &QName) -> Vec<&'a StructuredType> {
    let mut out = Vec::new();
    let mut cur = match ix.lookup(&q.namespace, &q.name) {
        Some(Decl::Struct(_, t)) => Some(t),
        _ => None,
    };
    while let Some(t) = cur {
        if out.len() > 64 {
            break;
        }
        out.push(t);
        cur = ix.base(t).map(|(_, b)| b);
    }
    out
}

/// Whether `ty` is `ancestor` or derives from it.
fn derives_from(ix: &Index<'_>, ty: &QName, ancestor: &QName) -> bool {
    if ty == ancestor {
        return true;
    }
    let Some(Decl::Struct(_, a)) = ix.lookup(&ancestor.namespace, &ancestor.name) else {
        return false;
    };
    chain(ix, ty).iter().skip(1).any(|t| std::ptr::eq(*t, a))
}
