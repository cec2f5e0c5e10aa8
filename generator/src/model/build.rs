//! Builds the [`Model`] from syntax trees: one index per document, checked
//! whole, then the closure of the selection, merged across documents, in
//! named passes.

use std::collections::{BTreeSet, HashMap};

use crate::error::{Error, ErrorKind, Result};

use super::documents::{Documents, Input};
use super::index::Index;
use super::{batch, closure, hierarchy, operations, resources, roots, service, types, warnings};
use super::{Model, QName, TypeId};

/// Which namespaces to generate (each with the closure of what it references).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selection {
    All,
    Namespaces(Vec<String>),
}

/// Resolves and checks every input document, then builds the model of the
/// selection. The first input is the primary: where documents define the same
/// element differently, the first one that defines it wins, except that a
/// type gets the properties later documents add and a property or parameter
/// is nullable when any document says so; availability records every input
/// that has it.
pub fn build(inputs: &[Input<'_>], selection: &Selection) -> Result<Model> {
    if inputs.is_empty() {
        return Err(Error::new(ErrorKind::Usage, "no metadata document given"));
    }
    let indexes = inputs
        .iter()
        .map(|i| Index::new(i.document))
        .collect::<Result<Vec<_>>>()?;
    for index in &indexes {
        index.check()?;
    }
    let docs = Documents {
        inputs,
        indexes: &indexes,
    };
    let selected = select(&docs, selection)?;
    let is_selected = |ns: &str| selected.iter().any(|s| s == ns);
    let ops = operations::select(&docs, is_selected);
    let names = closure::types(
        &docs,
        is_selected,
        ops.iter().map(|s| (s.index, s.operation)),
    );
    let ids: HashMap<&QName, TypeId> = names
        .iter()
        .enumerate()
        .map(|(i, q)| (q, TypeId(i as u32)))
        .collect();
    let mut types = types::defs(&docs, &names, &ids)?;
    hierarchy::link_derived(&mut types);
    hierarchy::prune_added_properties(&mut types);
    hierarchy::mark_keys(&mut types);
    hierarchy::mark_evolvable(&mut types);
    let (operations, unbound) = operations::defs(&docs, ops, &ids)?;
    let roots = roots::roots(&docs, &ids);
    let warnings = warnings::collect(&docs, &names);

    let mut namespaces: Vec<String> = names.iter().map(|q| q.namespace.clone()).collect();
    namespaces.extend(operations.iter().map(|o| o.name.namespace.clone()));
    namespaces.sort();
    namespaces.dedup();
    // A selected namespace that holds no type or operation (a schema of
    // only an entity container, terms or annotations, as in the
    // committed per-cloud slices) has nothing to generate and no module:
    // `selected` stays a subset of `namespaces`.
    let mut selected = selected;
    selected.retain(|ns| namespaces.binary_search(ns).is_ok());
    let mut model = Model {
        clouds: inputs.iter().map(|i| i.cloud.to_string()).collect(),
        selected,
        namespaces,
        types,
        operations,
        unbound,
        roots,
        // Walked once the model is whole.
        resources: Vec::new(),
        service_facts: Vec::new(),
        warnings,
    };
    batch::find(&mut model);
    model.service_facts = service::facts(&model)?;
    service::apply(&mut model);
    model.resources = resources::resources(&model);
    Ok(model)
}

/// The selected namespaces, sorted; each must be in some document.
fn select(docs: &Documents<'_, '_>, selection: &Selection) -> Result<Vec<String>> {
    let all_namespaces: BTreeSet<&str> = docs
        .indexes
        .iter()
        .flat_map(|ix| ix.doc.schemas.iter().map(|s| s.namespace.as_str()))
        .collect();
    Ok(match selection {
        Selection::All => all_namespaces.iter().map(|s| s.to_string()).collect(),
        Selection::Namespaces(list) => {
            let mut out = Vec::new();
            for ns in list {
                if !all_namespaces.contains(ns.as_str()) {
                    let known = all_namespaces
                        .iter()
                        .copied()
                        .collect::<Vec<_>>()
                        .join(", ");
                    return Err(Error::new(
                        ErrorKind::Usage,
                        format!(
                            "namespace `{ns}` is in none of the documents (they have: {known})"
                        ),
                    ));
                }
                out.push(ns.clone());
            }
            out.sort();
            out.dedup();
            out
        }
    })
}
