//! The operations of the selected namespaces: each overload once, its
//! definition across documents, and its URL.

use std::collections::{BTreeSet, HashMap};

use crate::csdl::ast::{Annotation, Operation, Schema};
use crate::error::Result;

use super::annotations::{facts, Facts};
use super::documents::Documents;
use super::index::{binding_key, loc, operation_path, overload_key, Index};
use super::paths;
use super::{Availability, OperationDef, ParameterDef, QName, ReturnDef, TypeId, Unplaced};

/// An operation of a selected namespace, as the first document that has
/// it declares it.
pub(super) struct Selected<'i, 'a> {
    pub index: &'i Index<'a>,
    pub schema: &'a Schema,
    pub operation: &'a Operation,
    /// The binding parameter's type with aliases expanded (empty if unbound).
    binding: String,
    /// Its rank among the overloads of its name and binding, in document order.
    rank: usize,
}

/// Operations of the selected namespaces: each overload once, the first
/// document that defines it giving its definition. An overload is the name,
/// the binding and, for functions bound to the same type, the set of
/// parameter names.
pub(super) fn select<'i, 'a>(
    docs: &Documents<'i, 'a>,
    is_selected: impl Fn(&str) -> bool,
) -> Vec<Selected<'i, 'a>> {
    let mut ops = Vec::new();
    let mut seen_ops: BTreeSet<(String, String)> = BTreeSet::new();
    let mut ranks: HashMap<(String, String), usize> = HashMap::new();
    for ix in docs.indexes {
        for (&(ns, _), list) in &ix.operations {
            if !is_selected(ns) {
                continue;
            }
            let schema = ix.operation_schemas[&(ns, list[0].name.as_str())];
            for o in list {
                let binding = binding_key(ix, o);
                let name = format!("{ns}.{}", o.name);
                if seen_ops.insert((name.clone(), overload_key(ix, o))) {
                    let rank = ranks.entry((name, binding.clone())).or_insert(0);
                    ops.push(Selected {
                        index: ix,
                        schema,
                        operation: o,
                        binding,
                        rank: *rank,
                    });
                    *rank += 1;
                }
            }
        }
    }
    ops
}

/// The selected operations' definitions, each placed on a URL derived from
/// its document's entity container, in the order names are numbered; and
/// those not placed, with why.
pub(super) fn defs(
    docs: &Documents<'_, '_>,
    ops: Vec<Selected<'_, '_>>,
    ids: &HashMap<&QName, TypeId>,
) -> Result<(Vec<OperationDef>, Vec<Unplaced>)> {
    let mut operations = Vec::new();
    let mut unplaced = Vec::new();
    let reaches: Vec<Option<paths::Reach>> = docs.indexes.iter().map(paths::Reach::new).collect();
    for Selected {
        index: ix,
        schema,
        operation: o,
        binding,
        rank,
    } in ops
    {
        let q = QName::new(&schema.namespace, &o.name);
        let def = docs.operation_def(ix, schema, o, &q, ids)?;
        let reach = docs
            .indexes
            .iter()
            .position(|x| std::ptr::eq(x, ix))
            .and_then(|i| reaches[i].as_ref());
        let def = match (o.is_bound, paths::place(ix, reach, o)) {
            (false, _) => {
                unplaced.push(Unplaced {
                    operation: q,
                    binding,
                    reason: "unbound; operation imports are not generated".into(),
                });
                continue;
            }
            (true, Ok(path)) => OperationDef {
                path: Some(path),
                ..def
            },
            (true, Err(reason)) => {
                unplaced.push(Unplaced {
                    operation: q,
                    binding,
                    reason,
                });
                def
            }
        };
        operations.push((rank, def));
    }
    // Names are numbered in this order: an overload found later (a
    // function's second parameter set) comes after every first one of
    // its name, so that it renames nothing.
    operations.sort_by_cached_key(|(rank, o)| (o.name.clone(), *rank, format!("{:?}", o.binding)));
    let operations: Vec<OperationDef> = operations.into_iter().map(|(_, o)| o).collect();
    unplaced.sort_by(|a, b| (&a.operation, &a.binding).cmp(&(&b.operation, &b.binding)));
    Ok((operations, unplaced))
}

impl<'i, 'a> Documents<'i, 'a> {
    fn operation_def(
        &self,
        ix: &Index<'a>,
        schema: &Schema,
        o: &Operation,
        q: &QName,
        ids: &HashMap<&QName, TypeId>,
    ) -> Result<OperationDef> {
        let path = operation_path(schema, o);
        let doc = ix.doc;
        let target = q.to_string();
        let facts = ix.facts(&target, &o.annotations);
        let mut params = o.parameters.iter();
        let binding = match o.is_bound {
            true => {
                let b = params
                    .next()
                    .expect("checked: bound operations have parameters");
                Some(self.type_ref(
                    ix,
                    &b.r#type,
                    || loc(doc, b.pos, format!("{path}/Parameter[{}]", b.name)),
                    ids,
                )?)
            }
            false => None,
        };
        let overload = overload_key(ix, o);
        // The same operation in each document, where it has one.
        let found: Vec<Option<&'a Operation>> = self
            .indexes
            .iter()
            .map(|x| {
                x.operations
                    .get(&(q.namespace.as_str(), q.name.as_str()))?
                    .iter()
                    .copied()
                    .find(|xo| overload_key(x, xo) == overload)
            })
            .collect();
        // The clouds whose document has the operation, and in it what `has` asks.
        let clouds_where = |has: &dyn Fn(&Operation) -> bool| {
            Availability(
                self.inputs
                    .iter()
                    .zip(&found)
                    .filter(|(_, o)| o.is_some_and(has))
                    .map(|(i, _)| i.cloud.to_string())
                    .collect(),
            )
        };
        let mut parameters = Vec::new();
        for p in params {
            let at = || loc(doc, p.pos, format!("{path}/Parameter[{}]", p.name));
            let pf = facts_inline(&p.annotations);
            let has = |xo: &Operation| xo.parameters.iter().any(|xp| xp.name == p.name);
            parameters.push(ParameterDef {
                name: p.name.clone(),
                ty: self.type_ref(ix, &p.r#type, at, ids)?,
                // Null where any document that has the parameter allows it.
                nullable: found.iter().flatten().any(|xo| {
                    xo.parameters
                        .iter()
                        .any(|xp| xp.name == p.name && xp.nullable != Some(false))
                }),
                optional: pf.optional_parameter,
                doc: pf.doc,
                // An action's parameters may differ between clouds.
                availability: clouds_where(&has),
                in_every_cloud: found.iter().flatten().all(|xo| has(xo)),
            });
        }
        let return_type = match &o.return_type {
            Some(r) => Some(ReturnDef {
                ty: self.type_ref(
                    ix,
                    &r.r#type,
                    || loc(doc, r.pos, format!("{path}/ReturnType")),
                    ids,
                )?,
                nullable: r.nullable.unwrap_or(true),
            }),
            None => None,
        };
        Ok(OperationDef {
            name: q.clone(),
            kind: o.kind,
            binding,
            parameters,
            return_type,
            is_composable: o.is_composable,
            doc: facts.doc,
            availability: clouds_where(&|_| true),
            path: None,
        })
    }
}

fn facts_inline(annotations: &[Annotation]) -> Facts {
    facts(annotations.iter())
}
