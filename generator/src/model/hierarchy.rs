//! Passes over the type definitions once all are made: what derives from
//! what, properties left to derived types, which properties are keys, and
//! which types' values can hold members of evolvable enums.

use std::collections::HashSet;

use super::{TypeDef, TypeId, TypeKind};

/// Records on each structured type the types deriving directly from it.
pub(super) fn link_derived(types: &mut [TypeDef]) {
    for i in 0..types.len() {
        let base = match &types[i].kind {
            TypeKind::Complex(s) | TypeKind::Entity(s) => s.base,
            TypeKind::Enum(_) => None,
        };
        if let Some(b) = base {
            if let TypeKind::Complex(s) | TypeKind::Entity(s) = &mut types[b.0 as usize].kind {
                s.derived.push(TypeId(i as u32));
            }
        }
    }
}

/// A property a later document adds to a type (see `types::defs`) that a
/// type deriving from it declares too is left to the derived type: else
/// the derived struct would have it twice.
pub(super) fn prune_added_properties(types: &mut [TypeDef]) {
    for i in 0..types.len() {
        let Some(primary) = types[i].availability.0.first().cloned() else {
            continue;
        };
        let (TypeKind::Complex(s) | TypeKind::Entity(s)) = &types[i].kind else {
            continue;
        };
        if s.properties
            .iter()
            .all(|p| p.availability.contains(&primary))
        {
            continue;
        }
        let mut below = HashSet::new();
        let mut stack = s.derived.clone();
        while let Some(d) = stack.pop() {
            if let TypeKind::Complex(ds) | TypeKind::Entity(ds) = &types[d.0 as usize].kind {
                below.extend(ds.properties.iter().map(|p| p.name.to_lowercase()));
                stack.extend(&ds.derived);
            }
        }
        if let TypeKind::Complex(s) | TypeKind::Entity(s) = &mut types[i].kind {
            s.properties.retain(|p| {
                p.availability.contains(&primary) || !below.contains(&p.name.to_lowercase())
            });
        }
    }
}

/// Keys are inherited: marks key properties on the type that declares them.
pub(super) fn mark_keys(types: &mut [TypeDef]) {
    let key_owners: Vec<(usize, Vec<String>)> = types
        .iter()
        .enumerate()
        .filter_map(|(i, t)| match &t.kind {
            TypeKind::Entity(s) if !s.key.is_empty() => Some((i, s.key.clone())),
            _ => None,
        })
        .collect();
    for (i, key) in key_owners {
        if let TypeKind::Entity(s) = &mut types[i].kind {
            for p in &mut s.properties {
                if key.contains(&p.name) {
                    p.is_key = true;
                }
            }
        }
    }
}

/// Marks [`TypeDef::evolvable`](super::TypeDef::evolvable): an enum with a
/// member declared after `unknownFutureValue`; a structured type with a
/// property (its own or inherited, a collection or not) of an evolvable
/// type, or with a derived type that is evolvable (a value of the base type
/// may be one of the derived). Navigation properties do not count: their
/// values come only when expanded, and their own type says.
pub(super) fn mark_evolvable(types: &mut [TypeDef]) {
    let mut evolvable: Vec<bool> = types
        .iter()
        .map(|t| match &t.kind {
            TypeKind::Enum(e) => e.members.iter().any(|m| m.after_unknown_future_value),
            _ => false,
        })
        .collect();
    // The types a value of each type can hold directly.
    let holds: Vec<Vec<usize>> = (0..types.len())
        .map(|i| {
            let mut out = Vec::new();
            let mut cur = Some(i);
            // Base types do not loop in a checked document; this does not rely on it.
            for _ in 0..types.len() {
                let Some(t) = cur else { break };
                let (TypeKind::Complex(s) | TypeKind::Entity(s)) = &types[t].kind else {
                    break;
                };
                out.extend(
                    s.properties
                        .iter()
                        .filter(|p| p.navigation.is_none())
                        .filter_map(|p| p.ty.named())
                        .map(|id| id.0 as usize),
                );
                if t == i {
                    out.extend(s.derived.iter().map(|d| d.0 as usize));
                }
                cur = s.base.map(|b| b.0 as usize);
            }
            out
        })
        .collect();
    loop {
        let mut changed = false;
        for i in 0..types.len() {
            if !evolvable[i] && holds[i].iter().any(|&j| evolvable[j]) {
                evolvable[i] = true;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    for (t, e) in types.iter_mut().zip(evolvable) {
        t.evolvable = e;
    }
}
