//! Batch operations, recognised from the CSDL alone: a collection of items
//! in, one result per item out, each result saying whether its item failed.

use std::collections::HashSet;

use super::{service, BatchShape, Model, OperationDef, OperationKind, TypeKind, TypeRef};

/// Sets [`OperationDef::batch`] on every operation of the model.
pub(super) fn find(model: &mut Model) {
    let shapes: Vec<Option<BatchShape>> =
        model.operations.iter().map(|op| shape(model, op)).collect();
    for (op, batch) in model.operations.iter_mut().zip(shapes) {
        op.batch = batch;
    }
}

/// The batch shape of `op`: it is an action (a function's parameters go in
/// its URL, an action's items in its body); it returns a collection of a
/// structured type with no derived types (every result has the same
/// properties); exactly one parameter is a collection of a type that result
/// type derives from (the items); and of the properties the result type has
/// and the item type does not, exactly one is single-valued and of a
/// complex type (the failure, null for an item that succeeded).
fn shape(model: &Model, op: &OperationDef) -> Option<BatchShape> {
    if op.kind != OperationKind::Action {
        return None;
    }
    let TypeRef::Collection(result) = &op.return_type.as_ref()?.ty else {
        return None;
    };
    let TypeRef::Named(result) = **result else {
        return None;
    };
    if !model.structure(result)?.derived.is_empty() {
        return None;
    }
    let mut items = op.parameters.iter().enumerate().filter_map(|(i, p)| {
        let TypeRef::Collection(item) = &p.ty else {
            return None;
        };
        match **item {
            TypeRef::Named(item) if model.is_a(result, item) => Some((i, item)),
            _ => None,
        }
    });
    let (items_parameter, item) = items.next()?;
    if items.next().is_some() {
        return None;
    }
    let item_properties: HashSet<&str> = model
        .all_properties(item)
        .into_iter()
        .map(|p| p.name.as_str())
        .collect();
    let mut errors = model.all_properties(result).into_iter().filter(|p| {
        !item_properties.contains(p.name.as_str())
            && matches!(p.ty, TypeRef::Named(id) if matches!(model.ty(id).kind, TypeKind::Complex(_)))
    });
    let error = errors.next()?;
    if errors.next().is_some() {
        return None;
    }
    Some(BatchShape {
        items_parameter,
        item,
        result,
        error_property: error.name.clone(),
        max_items: service::max_items(&op.name),
    })
}
