//! The closure of the selection: the selected namespaces' types, then every
//! type they and the selected operations reference, through base types and
//! every document's properties.

use std::collections::{BTreeSet, VecDeque};

use crate::csdl::ast::Operation;

use super::documents::Documents;
use super::index::{members, referenced, Decl, Index};
use super::QName;

/// The types of the closure, sorted by qualified name.
pub(super) fn types<'i, 'a: 'i>(
    docs: &Documents<'i, 'a>,
    is_selected: impl Fn(&str) -> bool,
    operations: impl Iterator<Item = (&'i Index<'a>, &'a Operation)>,
) -> Vec<QName> {
    let mut closure: BTreeSet<QName> = BTreeSet::new();
    let mut queue: VecDeque<QName> = VecDeque::new();
    for ix in docs.indexes {
        for &(ns, name) in ix.types.keys() {
            if is_selected(ns) {
                queue.push_back(QName::new(ns, name));
            }
        }
    }
    for (ix, o) in operations {
        let texts = o
            .parameters
            .iter()
            .map(|p| p.r#type.as_str())
            .chain(o.return_type.iter().map(|r| r.r#type.as_str()));
        for text in texts {
            if let Some(q) = referenced(ix, text) {
                queue.push_back(q);
            }
        }
    }
    while let Some(q) = queue.pop_front() {
        if closure.contains(&q) {
            continue;
        }
        let Some((ix, decl)) = docs.find_type(&q) else {
            continue;
        };
        if let Decl::Struct(_, t) = decl {
            let base = t.base_type.iter().map(|b| referenced(ix, b));
            // Every document's properties: a later one may add some (see `types::defs`).
            let properties = docs
                .declarations(&q)
                .flat_map(|d| members(d.t).map(move |(_, ty, _)| referenced(d.index, ty)));
            for r in base.chain(properties).flatten() {
                if !closure.contains(&r) {
                    queue.push_back(r);
                }
            }
        }
        closure.insert(q);
    }
    closure.into_iter().collect()
}
