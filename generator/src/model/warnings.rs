//! Non-fatal findings about the documents: annotation targets no document
//! declares, and where later documents differ from the first one in what
//! the first one decides.

use std::collections::BTreeSet;

use super::documents::{Declaration, Documents};
use super::index::{canonical_type, members};
use super::names::split_qualified;
use super::QName;

/// The warnings about the documents and the types of the closure (`names`).
pub(super) fn collect(docs: &Documents<'_, '_>, names: &[QName]) -> Vec<String> {
    let mut warnings = docs.unresolved_annotation_targets();
    for q in names {
        warnings.extend(docs.differences(q));
    }
    warnings
}

impl<'i, 'a> Documents<'i, 'a> {
    /// Where the later documents' declarations of the structured type `q`
    /// differ from the first one's in what the first one decides: the base
    /// type and the types of properties both declare.
    fn differences(&self, q: &QName) -> Vec<String> {
        let mut out = Vec::new();
        let mut declarations = self.declarations(q);
        let Some(first) = declarations.next() else {
            return out;
        };
        let base = |d: &Declaration<'i, 'a>| match &d.t.base_type {
            Some(b) => format!("base type `{}`", canonical_type(d.index, b)),
            None => "no base type".to_string(),
        };
        let (cloud, ours) = (first.cloud, base(&first));
        for d in declarations {
            let theirs = base(&d);
            if ours != theirs {
                out.push(format!(
                    "`{q}`: {ours} in {cloud}, {theirs} in {}; {cloud}'s is generated",
                    d.cloud
                ));
            }
            for (name, ty, _) in members(first.t) {
                let Some((_, other, _)) = members(d.t).find(|(n, _, _)| *n == name) else {
                    continue;
                };
                let (ours, theirs) = (
                    canonical_type(first.index, ty),
                    canonical_type(d.index, other),
                );
                if ours != theirs {
                    out.push(format!(
                        "`{q}/{name}`: `{ours}` in {cloud}, `{theirs}` in {}; {cloud}'s is generated",
                        d.cloud
                    ));
                }
            }
        }
        out
    }

    /// Out-of-line annotation targets whose type or operation is in no document.
    fn unresolved_annotation_targets(&self) -> Vec<String> {
        let mut out = BTreeSet::new();
        for (ix, input) in self.indexes.iter().zip(self.inputs) {
            for target in ix.annotations.keys() {
                let head = target.split('/').next().unwrap_or(target);
                let Some((ns, name)) = split_qualified(head) else {
                    continue;
                };
                let known = ix.types.contains_key(&(ns, name))
                    || ix.operations.contains_key(&(ns, name))
                    || ix
                        .container
                        .is_some_and(|(s, c)| s.namespace == ns && c.name == name);
                if !known {
                    out.insert(format!(
                        "{}: annotation target `{target}` does not resolve",
                        input.cloud
                    ));
                }
            }
        }
        out.into_iter().collect()
    }
}
