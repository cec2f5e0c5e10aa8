//! Facts about the service that the CSDL does not carry, each citing where
//! it is documented. Kept to a minimum: everything else comes from the CSDL.

use super::QName;

/// The most items one call of a batch operation takes: namespace,
/// operation, limit.
const MAX_ITEMS: &[(&str, &str, usize)] = &[
    // Microsoft Graph connectors API limits
    // (https://learn.microsoft.com/graph/connecting-external-content-api-limits),
    // "Item ingestion": 20 activities per activities call.
    ("microsoft.graph.externalConnectors", "addActivities", 20),
];

/// The documented limit on the items one call of `operation` takes.
pub(super) fn max_items(operation: &QName) -> Option<usize> {
    MAX_ITEMS
        .iter()
        .find(|(ns, name, _)| *ns == operation.namespace && *name == operation.name)
        .map(|&(_, _, max)| max)
}
