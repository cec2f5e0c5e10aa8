//! Facts about the service that the metadata does not carry, each with where
//! it is documented. Kept to a minimum: everything else comes from the CSDL.

use crate::model::QName;

/// The most items one call of a collection-taking action accepts.
pub fn max_items(operation: &QName) -> Option<usize> {
    match (operation.namespace.as_str(), operation.name.as_str()) {
        // "You can add up to 20 activities per request" (Graph API
        // reference, externalItem: addActivities).
        ("microsoft.graph.externalConnectors", "addActivities") => Some(20),
        _ => None,
    }
}
