//! URLs for bound operations, derived from the entity container: from an
//! entity set or singleton down containment navigation properties, and,
//! for what those do not reach, down other navigation properties and
//! type-cast segments.

use std::cell::OnceCell;
use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap, HashSet};

use crate::csdl::ast::{
    EntityContainer, NavigationProperty, Operation, OperationKind, Schema, SchemaItem,
    StructuredKind, StructuredType,
};

use super::index::{Decl, Index};
use super::names::{parse_type_ref, split_qualified};
use super::{PathSegment, QName, UrlPath};

/// Where the walk is: an entity type, addressed as one entity or as a collection.
#[derive(Clone, PartialEq, Eq, Hash)]
struct Node {
    ty: QName,
    collection: bool,
}

/// Every node the container reaches, in breadth-first order: the first path
/// to each node is its shortest, ties going to the first entity set,
/// singleton or navigation property in document order. A second walk, from
/// all of them, reaches what containment does not: through navigation
/// properties that do not contain their target (`protectionUnits` of
/// `backupRestoreRoot`), and through a type-cast segment to a derived type
/// whose own properties lead on (`pages/{id}/microsoft.graph.sitePage/webParts`).
/// It adds only nodes the first walk left unreached, so that no URL the
/// first walk gives changes because another way exists.
pub(super) struct Reach {
    nodes: Vec<(Node, Option<usize>, PathSegment)>,
    index: HashMap<Node, usize>,
    /// Each entity type's directly derived ones (see [`derived_types`]).
    derived: HashMap<QName, Vec<QName>>,
    /// The same walk going on through composable functions too, which URLs
    /// are not derived through: only to say why a type is not reached, so
    /// only made when an operation is not placed.
    through_functions: OnceCell<Box<Reach>>,
}

impl Reach {
    /// One walk per document, shared by all its operations.
    pub(super) fn new(ix: &Index<'_>) -> Option<Reach> {
        let (_, container) = ix.container?;
        let mut reach = Reach {
            nodes: Vec::new(),
            index: HashMap::new(),
            derived: derived_types(ix),
            through_functions: OnceCell::new(),
        };
        let mut queue: Vec<usize> = Vec::new();
        for (name, node) in roots(ix, container) {
            if let Some(i) = reach.add(node, None, PathSegment::Literal(name)) {
                queue.push(i);
            }
        }
        let queue = queue.into_iter().map(|i| (0, i)).collect();
        let (no_casts, no_functions) = (HashMap::new(), HashMap::new());
        reach.walk(
            ix,
            queue,
            |nav| nav.contains_target,
            &no_casts,
            &no_functions,
        );
        // Every node again, nearest first, so that what the second walk adds
        // gets its shortest path too.
        let derived = std::mem::take(&mut reach.derived);
        reach.walk(ix, reach.by_depth(), |_| true, &derived, &no_functions);
        reach.derived = derived;
        Some(reach)
    }

    /// Every node with its depth, for a walk from all of them.
    fn by_depth(&self) -> Vec<(usize, usize)> {
        let mut depth = vec![0; self.nodes.len()];
        for i in 0..self.nodes.len() {
            // A parent comes before its children.
            if let Some(p) = self.nodes[i].1 {
                depth[i] = depth[p] + 1;
            }
        }
        depth.into_iter().enumerate().map(|(i, d)| (d, i)).collect()
    }

    /// This walk gone on through composable functions, from every node.
    fn through_functions(&self, ix: &Index<'_>) -> &Reach {
        self.through_functions.get_or_init(|| {
            let mut more = Reach {
                nodes: self.nodes.clone(),
                index: self.index.clone(),
                derived: HashMap::new(),
                through_functions: OnceCell::new(),
            };
            let functions = composable_functions(ix);
            more.walk(ix, self.by_depth(), |_| true, &self.derived, &functions);
            Box::new(more)
        })
    }

    /// Breadth-first from `queue` (depth and node, by depth and then in
    /// order): a collection leads to one of its entities by key, an entity
    /// down the navigation properties `follow` takes (its type's and its base
    /// types') and, by a type-cast segment, to each of its `derived` types;
    /// either through the `functions` bound to it.
    fn walk(
        &mut self,
        ix: &Index<'_>,
        queue: Vec<(usize, usize)>,
        follow: impl Fn(&NavigationProperty) -> bool,
        derived: &HashMap<QName, Vec<QName>>,
        functions: &HashMap<Node, Vec<(String, Node)>>,
    ) {
        let mut queue: BinaryHeap<Reverse<(usize, usize)>> =
            queue.into_iter().map(Reverse).collect();
        while let Some(Reverse((depth, i))) = queue.pop() {
            let next_depth = depth + 1;
            let mut queue_push = |j: usize| queue.push(Reverse((next_depth, j)));
            let node = self.nodes[i].0.clone();
            for (s, t) in chain(ix, &node.ty) {
                let bound = Node {
                    ty: QName::new(&s.namespace, &t.name),
                    collection: node.collection,
                };
                for (name, next) in functions.get(&bound).into_iter().flatten() {
                    let step = PathSegment::Literal(format!("{name}(…)"));
                    if let Some(j) = self.add(next.clone(), Some(i), step) {
                        queue_push(j);
                    }
                }
            }
            if node.collection {
                let step = PathSegment::Key {
                    entity: node.ty.clone(),
                };
                let single = Node {
                    ty: node.ty,
                    collection: false,
                };
                if let Some(j) = self.add(single, Some(i), step) {
                    queue_push(j);
                }
                continue;
            }
            // After a cast, only what the derived type itself declares: its
            // base types' properties are reached from the base, without it.
            let cast = matches!(&self.nodes[i].2, PathSegment::Literal(l) if l.contains('.'));
            let own = if cast { 1 } else { usize::MAX };
            for (_, t) in chain(ix, &node.ty).into_iter().take(own) {
                for nav in t.navigation_properties.iter().filter(|n| follow(n)) {
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
                    if let Some(j) = self.add(next, Some(i), PathSegment::Literal(nav.name.clone()))
                    {
                        queue_push(j);
                    }
                }
            }
            for d in derived
                .get(&node.ty)
                .into_iter()
                .flatten()
                .filter(|_| !cast)
            {
                let cast = Node {
                    ty: d.clone(),
                    collection: false,
                };
                if let Some(j) = self.add(cast, Some(i), PathSegment::Literal(d.to_string())) {
                    queue_push(j);
                }
            }
        }
    }

    /// The node of `goal` or of a base type of it that this walk reached
    /// first, with that type; not the root of the hierarchy (`entity`),
    /// which a navigation property of that type reaches without saying what
    /// it holds.
    fn first_of(&self, ix: &Index<'_>, goal: &QName, collection: bool) -> Option<(usize, QName)> {
        chain(ix, goal)
            .into_iter()
            .enumerate()
            .take_while(|(k, (_, t))| *k == 0 || t.base_type.is_some())
            .filter_map(|(_, (s, t))| {
                let ty = QName::new(&s.namespace, &t.name);
                let i = *self.index.get(&Node {
                    ty: ty.clone(),
                    collection,
                })?;
                Some((i, ty))
            })
            .min_by_key(|(i, _)| *i)
    }

    fn add(&mut self, node: Node, parent: Option<usize>, step: PathSegment) -> Option<usize> {
        if self.index.contains_key(&node) {
            return None;
        }
        let i = self.nodes.len();
        self.index.insert(node.clone(), i);
        self.nodes.push((node, parent, step));
        Some(i)
    }

    fn path_to(&self, mut i: usize) -> Vec<PathSegment> {
        let mut out = Vec::new();
        loop {
            let (_, parent, step) = &self.nodes[i];
            out.push(step.clone());
            match parent {
                Some(p) => i = *p,
                None => break,
            }
        }
        out.reverse();
        out
    }
}

/// The shortest URL that addresses the binding parameter of `op` (the bound
/// type itself, or a base type of it followed by a type-cast segment),
/// followed by the operation segment. `Err` says why there is none.
pub(super) fn place(
    ix: &Index<'_>,
    reach: Option<&Reach>,
    op: &Operation,
) -> Result<UrlPath, String> {
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
    let goal = QName::new(&bs.namespace, &bt.name);
    let Some(reach) = reach else {
        return Err("the document has no entity container".into());
    };
    let Some((i, reached)) = reach.first_of(ix, &goal, raw.collection) else {
        let mut reason = format!(
            "no entity set, singleton, navigation property or type cast reaches {} `{goal}`",
            if raw.collection {
                "a collection of"
            } else {
                "an entity of"
            },
        );
        reason.push_str(&why_not(ix, reach, &goal, raw.collection));
        return Err(reason);
    };
    let mut segments = reach.path_to(i);
    if reached != goal {
        // A type-cast segment narrows the base type to the bound one.
        segments.push(PathSegment::Literal(goal.to_string()));
    }
    segments.push(PathSegment::Literal(operation_segment(ix, op, &goal)));
    Ok(UrlPath { segments })
}

/// What is known of a type no URL reaches: a composable function reaches it
/// (the first such way), or its derived types are reached, each on its own.
fn why_not(ix: &Index<'_>, reach: &Reach, goal: &QName, collection: bool) -> String {
    let more = reach.through_functions(ix);
    if let Some((i, _)) = more.first_of(ix, goal, collection) {
        let path = UrlPath {
            segments: more.path_to(i),
        };
        return format!(
            "; only a composable function reaches it (`{path}`), and no URL is derived through a function"
        );
    }
    let mut reached = Vec::new();
    let mut below = vec![goal.clone()];
    // Base types cannot loop in a checked document; this does not rely on it.
    let mut seen = HashSet::new();
    while let Some(q) = below.pop() {
        for d in reach.derived.get(&q).into_iter().flatten() {
            if !seen.insert(d.clone()) {
                continue;
            }
            let node = Node {
                ty: d.clone(),
                collection,
            };
            if reach.index.contains_key(&node) {
                reached.push(format!("`{}`", d.name));
            }
            below.push(d.clone());
        }
    }
    match reached.len() {
        0 => String::new(),
        n => {
            reached.sort();
            let more = if n > 3 {
                format!(" and {} more", n - 3)
            } else {
                String::new()
            };
            reached.truncate(3);
            format!(
                "; only its derived types are reached, each at a URL of its own ({}{more})",
                reached.join(", ")
            )
        }
    }
}

/// Composable functions bound to an entity type or a collection of one and
/// returning one: the binding node, then each function's simple name and
/// what it returns, in name order.
fn composable_functions(ix: &Index<'_>) -> HashMap<Node, Vec<(String, Node)>> {
    let mut out: HashMap<Node, Vec<(String, Node)>> = HashMap::new();
    for op in ix.operations.values().flatten() {
        if op.kind != OperationKind::Function || !op.is_bound || !op.is_composable {
            continue;
        }
        let (Some(binding), Some(returns)) = (op.parameters.first(), op.return_type.as_ref())
        else {
            continue;
        };
        if let (Some(from), Some(to)) = (
            entity_node(ix, &binding.r#type),
            entity_node(ix, &returns.r#type),
        ) {
            out.entry(from).or_default().push((op.name.clone(), to));
        }
    }
    out
}

/// The node of an entity type reference (`Collection(...)` or not).
fn entity_node(ix: &Index<'_>, text: &str) -> Option<Node> {
    let r = parse_type_ref(text).ok()?;
    match ix.lookup(r.namespace, r.name)? {
        Decl::Struct(s, t) if t.kind == StructuredKind::Entity => Some(Node {
            ty: QName::new(&s.namespace, &t.name),
            collection: r.collection,
        }),
        _ => None,
    }
}

/// The names of the entity sets and singletons canonical URLs start at
/// (see [`roots`]).
pub(super) fn canonical_roots(ix: &Index<'_>, container: &EntityContainer) -> Vec<String> {
    roots(ix, container)
        .into_iter()
        .map(|(name, _)| name)
        .collect()
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
fn roots(ix: &Index<'_>, container: &EntityContainer) -> Vec<(String, Node)> {
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
            chain(ix, ty).iter().any(|(_, t)| {
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
    let clash = chain(ix, bound).iter().any(|(_, t)| {
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

/// Each entity type's directly derived entity types, in document order; none
/// for the roots of hierarchies. One step down is where the service declares
/// what a base type's property holds (`pages` of `baseSitePage`, cast to
/// `sitePage`); casting further, from a type far up (`baseItem`), finds ways
/// the service does not document.
fn derived_types(ix: &Index<'_>) -> HashMap<QName, Vec<QName>> {
    let mut out: HashMap<QName, Vec<QName>> = HashMap::new();
    for schema in &ix.doc.schemas {
        for item in &schema.items {
            let SchemaItem::EntityType(t) = item else {
                continue;
            };
            // A navigation property typed as the root of a hierarchy
            // (`entity`) says nothing of what it holds: no cast from there.
            let Some((s, base)) = ix.base(t).filter(|(_, b)| b.base_type.is_some()) else {
                continue;
            };
            out.entry(QName::new(&s.namespace, &base.name))
                .or_default()
                .push(QName::new(&schema.namespace, &t.name));
        }
    }
    out
}

/// The type and its base types, nearest first, each with its schema.
fn chain<'a>(ix: &Index<'a>, q: &QName) -> Vec<(&'a Schema, &'a StructuredType)> {
    let mut out = Vec::new();
    let mut cur = match ix.lookup(&q.namespace, &q.name) {
        Some(Decl::Struct(s, t)) => Some((s, t)),
        _ => None,
    };
    while let Some((s, t)) = cur {
        if out.len() > 64 {
            break;
        }
        out.push((s, t));
        cur = ix.base(t);
    }
    out
}
