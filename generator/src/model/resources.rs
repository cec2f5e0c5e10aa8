//! What the entity container reaches: the resources (URLs) a generated API
//! offers, with the methods each allows and the annotation that decided
//! each, and the clouds that have it.
//!
//! From each canonical root (see [`Root::canonical`]), breadth-first down
//! the navigation properties of the entity type reached (its own and its
//! base types'): one that contains its target leads on; one that does not
//! is listed, one step, and leads nowhere (its entities have their own
//! URLs). Each navigation property of each entity type is taken once, at
//! its shortest path (fewest segments, then the first root and property in
//! order), so paths that cycle through containment end. Type casts are not
//! taken.
//!
//! `NavigationRestrictions/Navigability` is "default navigability for all
//! navigation properties of the annotation target": below a root or
//! navigation property whose is `Single`, navigation properties are listed
//! one level and lead no further; a root whose is `None` leads nowhere. A
//! navigation property whose own is `None` is left out, as Microsoft's
//! documents mean it (`multiValueExtendedProperties`, reached by `$expand`
//! only).

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashSet};

use super::{
    Availability, Decided, Doc, Model, Navigability, PathSegment, ResolvedCapabilities, TypeId,
    UpdateMethod, UrlPath,
};

/// An entity set or singleton of an entity container whose entity type is
/// in the model.
#[derive(Debug, Clone, PartialEq)]
pub struct Root {
    pub name: String,
    pub entity: TypeId,
    /// An entity set (a collection) rather than a singleton.
    pub collection: bool,
    pub capabilities: ResolvedCapabilities,
    /// The clouds whose container declares it.
    pub availability: Availability,
    pub doc: Doc,
    /// URLs start here. False for a shortcut to what the metadata gives a
    /// better URL: an entity set repeating a singleton's containment
    /// navigation property (`connections` and `external/connections`), a
    /// singleton standing for one member of an entity set (`me` of `users`).
    pub canonical: bool,
}

/// How a resource is reached: the last step of its path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Via {
    /// An entity set or singleton (by name).
    Root(String),
    /// A navigation property of `owner` (the entity type the path is at,
    /// which has it or inherits it).
    Navigation {
        owner: TypeId,
        property: String,
        contained: bool,
    },
}

/// What a request to a resource does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verb {
    /// `GET` one entity.
    Get,
    /// `GET` a collection.
    List,
    /// `POST` a new entity to a collection.
    Create,
    /// `PATCH` an entity.
    Patch,
    /// `PUT` an entity.
    Put,
    /// `DELETE` an entity.
    Delete,
    /// `POST {path}/$ref`: add a reference to a collection.
    AddRef,
    /// `PUT {path}/$ref`: set a single-valued reference.
    SetRef,
    /// `DELETE {path}/$ref`: remove a reference.
    RemoveRef,
}

impl Verb {
    pub fn http_method(self) -> &'static str {
        match self {
            Verb::Get | Verb::List => "GET",
            Verb::Create | Verb::AddRef => "POST",
            Verb::Patch => "PATCH",
            Verb::Put | Verb::SetRef => "PUT",
            Verb::Delete | Verb::RemoveRef => "DELETE",
        }
    }
}

/// A request a resource could take, and whether the service allows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Method {
    pub verb: Verb,
    pub allowed: Decided<bool>,
}

/// A URL the container reaches and what can be done there.
#[derive(Debug, Clone, PartialEq)]
pub struct Resource {
    pub path: UrlPath,
    /// The entity type of what the URL addresses.
    pub entity: TypeId,
    /// The URL addresses a collection (list, create) rather than one entity.
    pub collection: bool,
    pub via: Via,
    /// The capabilities of the root or navigation property it is reached by.
    pub capabilities: ResolvedCapabilities,
    /// Every method of its kind of resource, allowed or not: a collection
    /// is listed and created in; one entity is read, updated (by PATCH or
    /// PUT) and deleted (not a singleton); through a navigation property
    /// that does not contain its target, references are added, set and
    /// removed with `$ref`.
    pub methods: Vec<Method>,
    /// The clouds that have the root and every navigation property on the way.
    pub availability: Availability,
}

/// An entity the walk reached, to go on from.
struct Node {
    entity: TypeId,
    segments: Vec<PathSegment>,
    availability: Availability,
    /// Whether containment leads on from the entities reached from here.
    further: bool,
}

/// The resources of `model` (see the module).
pub(super) fn resources(model: &Model) -> Vec<Resource> {
    let mut out = Vec::new();
    let mut nodes: Vec<Node> = Vec::new();
    let mut queue: BinaryHeap<Reverse<(usize, usize)>> = BinaryHeap::new();
    for root in model.roots.iter().filter(|r| r.canonical) {
        let at = add(
            model,
            &mut out,
            Step {
                segments: vec![PathSegment::Literal(root.name.clone())],
                entity: root.entity,
                collection: root.collection,
                via: Via::Root(root.name.clone()),
                capabilities: &root.capabilities,
                availability: root.availability.clone(),
            },
        );
        let further = match root.capabilities.navigability.value {
            Navigability::None => continue,
            Navigability::Single => false,
            Navigability::Recursive => true,
        };
        queue.push(Reverse((at.len(), nodes.len())));
        nodes.push(Node {
            entity: root.entity,
            segments: at,
            availability: root.availability.clone(),
            further,
        });
    }
    let mut seen: HashSet<(TypeId, &str)> = HashSet::new();
    while let Some(Reverse((_, i))) = queue.pop() {
        let entity = nodes[i].entity;
        for p in model.all_properties(entity) {
            let (Some(nav), Some(target)) = (&p.navigation, p.ty.named()) else {
                continue;
            };
            let navigability = nav.resolved.navigability.value;
            if navigability == Navigability::None || !seen.insert((entity, p.name.as_str())) {
                continue;
            }
            let node = &nodes[i];
            let mut segments = node.segments.clone();
            segments.push(PathSegment::Literal(p.name.clone()));
            let availability = intersect(&node.availability, &p.availability);
            let further = node.further && nav.contains_target;
            let at = add(
                model,
                &mut out,
                Step {
                    segments,
                    entity: target,
                    collection: p.ty.is_collection(),
                    via: Via::Navigation {
                        owner: entity,
                        property: p.name.clone(),
                        contained: nav.contains_target,
                    },
                    capabilities: &nav.resolved,
                    availability: availability.clone(),
                },
            );
            if further {
                queue.push(Reverse((at.len(), nodes.len())));
                nodes.push(Node {
                    entity: target,
                    segments: at,
                    availability,
                    further: navigability == Navigability::Recursive,
                });
            }
        }
    }
    out
}

/// One step of the walk: the path to a root or navigation property.
struct Step<'m> {
    segments: Vec<PathSegment>,
    entity: TypeId,
    collection: bool,
    via: Via,
    capabilities: &'m ResolvedCapabilities,
    availability: Availability,
}

/// Adds the resources of `step` (a collection and one of its entities, or
/// one entity) to `out`; returns the path to one entity, to go on from.
fn add(model: &Model, out: &mut Vec<Resource>, step: Step<'_>) -> Vec<PathSegment> {
    let c = step.capabilities;
    let (root, related) = match &step.via {
        Via::Root(_) => (true, false),
        Via::Navigation { contained, .. } => (false, !contained),
    };
    let method = |verb, allowed: &Decided<bool>| Method {
        verb,
        allowed: allowed.clone(),
    };
    let update = Method {
        verb: match c.update_method.value {
            UpdateMethod::Patch => Verb::Patch,
            UpdateMethod::Put => Verb::Put,
        },
        // The method decides which verb once updating is allowed.
        allowed: match c.update.value {
            true => Decided {
                value: true,
                by: c.update_method.by.clone().or_else(|| c.update.by.clone()),
            },
            false => c.update.clone(),
        },
    };
    let mut one = vec![method(Verb::Get, &c.read), update];
    let resource = |segments: Vec<PathSegment>, collection: bool, methods: Vec<Method>| Resource {
        path: UrlPath { segments },
        entity: step.entity,
        collection,
        via: step.via.clone(),
        capabilities: c.clone(),
        methods,
        availability: step.availability.clone(),
    };
    if !step.collection {
        if !root {
            one.push(method(Verb::Delete, &c.delete));
        }
        if related {
            one.push(method(Verb::SetRef, &c.referenceable));
            one.push(method(Verb::RemoveRef, &c.referenceable));
        }
        out.push(resource(step.segments.clone(), false, one));
        return step.segments;
    }
    let mut many = vec![method(Verb::List, &c.read), method(Verb::Create, &c.insert)];
    one.push(method(Verb::Delete, &c.delete));
    if related {
        many.push(method(Verb::AddRef, &c.referenceable));
        one.push(method(Verb::RemoveRef, &c.referenceable));
    }
    let mut keyed = step.segments.clone();
    keyed.push(PathSegment::Key {
        entity: model.ty(step.entity).name.clone(),
    });
    out.push(resource(step.segments, true, many));
    out.push(resource(keyed.clone(), false, one));
    keyed
}

/// The clouds in both, in `a`'s order.
fn intersect(a: &Availability, b: &Availability) -> Availability {
    Availability(a.0.iter().filter(|c| b.contains(c)).cloned().collect())
}
