//! The operations of the selected namespaces: each overload once, its
//! definition across documents, and its URL.

use std::collections::{BTreeSet, HashMap};

use crate::csdl::ast::{self, Annotation, Operation, Schema};
use crate::error::Result;

use super::annotations::{facts, Facts};
use super::documents::Documents;
use super::index::{binding_key, loc, operation_path, overload_key, Index};
use super::paths;
use super::{
    Availability, NotPlaced, OperationDef, OperationKind, ParameterDef, QName, ReturnDef, TypeId,
    UnboundOperation, UrlPath,
};

/// An operation of a selected namespace, as the first document that has
/// it declares it.
pub(super) struct Selected<'i, 'a> {
    pub index: &'i Index<'a>,
    pub schema: &'a Schema,
    pub operation: &'a Operation,
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
                let name = format!("{ns}.{}", o.name);
                if seen_ops.insert((name.clone(), overload_key(ix, o))) {
                    let rank = ranks.entry((name, binding_key(ix, o))).or_insert(0);
                    ops.push(Selected {
                        index: ix,
                        schema,
                        operation: o,
                        rank: *rank,
                    });
                    *rank += 1;
                }
            }
        }
    }
    ops
}

/// The bound operations' definitions, each placed on a URL or not, in the
/// order names are numbered; and the unbound operations, sorted by name.
pub(super) fn defs(
    docs: &Documents<'_, '_>,
    ops: Vec<Selected<'_, '_>>,
    ids: &HashMap<&QName, TypeId>,
) -> Result<(Vec<OperationDef>, Vec<UnboundOperation>)> {
    let mut operations = Vec::new();
    let mut unbound = Vec::new();
    let reaches: Vec<Option<paths::Reach>> = docs.indexes.iter().map(paths::Reach::new).collect();
    for s in ops {
        let name = QName::new(&s.schema.namespace, &s.operation.name);
        if !s.operation.is_bound {
            unbound.push(UnboundOperation {
                name,
                not_placed: NotPlaced {
                    reason: "unbound; operation imports are not generated".into(),
                },
            });
            continue;
        }
        let placement = placement(docs, &reaches, &s);
        let def = docs.operation_def(s.index, s.schema, s.operation, name, placement, ids)?;
        operations.push((s.rank, def));
    }
    // Names are numbered in this order: an overload found later (a
    // function's second parameter set) comes after every first one of
    // its name, so that it renames nothing.
    operations.sort_by_cached_key(|(rank, o)| (o.name.clone(), *rank, format!("{:?}", o.binding)));
    let operations: Vec<OperationDef> = operations.into_iter().map(|(_, o)| o).collect();
    unbound.sort_by(|a, b| a.name.cmp(&b.name));
    Ok((operations, unbound))
}

/// The URL of a bound operation, derived from its document's entity
/// container (`reaches` has one walk per document, see `paths`), or why
/// there is none.
fn placement(
    docs: &Documents<'_, '_>,
    reaches: &[Option<paths::Reach>],
    s: &Selected<'_, '_>,
) -> Result<UrlPath, NotPlaced> {
    let reach = docs
        .indexes
        .iter()
        .position(|x| std::ptr::eq(x, s.index))
        .and_then(|i| reaches[i].as_ref());
    paths::place(s.index, reach, s.operation).map_err(|reason| NotPlaced { reason })
}

impl<'i, 'a> Documents<'i, 'a> {
    /// The definition of the bound operation `o`, named `q`, across the
    /// documents that have it.
    fn operation_def(
        &self,
        ix: &Index<'a>,
        schema: &Schema,
        o: &Operation,
        q: QName,
        placement: Result<UrlPath, NotPlaced>,
        ids: &HashMap<&QName, TypeId>,
    ) -> Result<OperationDef> {
        let path = operation_path(schema, o);
        let doc = ix.doc;
        let target = q.to_string();
        let facts = ix.facts(&target, &o.annotations);
        let mut params = o.parameters.iter();
        let b = params
            .next()
            .expect("checked: bound operations have parameters");
        let binding = self.type_ref(
            ix,
            &b.r#type,
            || loc(doc, b.pos, format!("{path}/Parameter[{}]", b.name)),
            ids,
        )?;
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
            name: q,
            kind: match o.kind {
                ast::OperationKind::Action => OperationKind::Action,
                ast::OperationKind::Function => OperationKind::Function,
            },
            binding,
            parameters,
            return_type,
            is_composable: o.is_composable,
            doc: facts.doc,
            availability: clouds_where(&|_| true),
            placement,
            // Decided once every type is known (see `batch`).
            batch: None,
        })
    }
}

fn facts_inline(annotations: &[Annotation]) -> Facts {
    facts(annotations.iter())
}
