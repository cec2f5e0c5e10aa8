//! What a path allows, as the runtime's capabilities marker says it: the
//! verbs, query options, key rule and body limits of an entity set,
//! singleton or navigation property, from the model's resolved
//! Capabilities and documented service facts.

use crate::model::{Fact, Model, Navigability, Navigation, PropertyDef, TypeId, UpdateMethod};

/// Where a path goes through: a root of the container, or a navigation
/// property of the entity type that declares it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Owner {
    /// An index into `Model::roots`.
    Root(usize),
    Navigation {
        declaring: TypeId,
        property: String,
    },
}

/// The capabilities marker of a path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CapsSpec {
    pub read: bool,
    pub insert: bool,
    /// `PATCH`, and the operation type it answers with when it is a
    /// long-running operation.
    pub update: Option<Option<TypeId>>,
    /// `PUT`.
    pub replace: bool,
    pub delete: bool,
    /// The query options the collection does not support (`Caps`
    /// constants, such as `FILTERABLE`).
    pub unsupported_queries: Vec<&'static str>,
    pub max_body: Option<usize>,
    /// A collection-valued property of the body (its wire name) and the
    /// most items it may hold.
    pub max_items: Option<(String, usize)>,
    /// Keys of `min` to `max` ASCII letters and digits.
    pub key_rule: Option<(usize, usize)>,
    /// The path's type reaches an enum member declared after
    /// `unknownFutureValue`.
    pub evolvable: bool,
}

impl CapsSpec {
    /// The runtime's own marker this is, if it is one (`Standard` or
    /// `StandardEvolvable`): every verb, every query option, no rule.
    pub fn standard(&self, collection: bool) -> Option<&'static str> {
        let plain = self.read
            && (self.insert || !collection)
            && self.update == Some(None)
            && !self.replace
            && self.delete
            && self.unsupported_queries.is_empty()
            && self.max_body.is_none()
            && self.max_items.is_none()
            && self.key_rule.is_none();
        match (plain, self.evolvable) {
            (true, false) => Some("Standard"),
            (true, true) => Some("StandardEvolvable"),
            (false, _) => None,
        }
    }
}

/// The capabilities of a root or navigation property reaching `target`.
pub fn caps(model: &Model, owner: &Owner, target: TypeId, collection: bool) -> CapsSpec {
    let (capabilities, singleton) = match owner {
        Owner::Root(i) => {
            let root = &model.roots[*i];
            (&root.capabilities, !root.collection)
        }
        Owner::Navigation {
            declaring,
            property,
        } => (
            &navigation(model, *declaring, property)
                .expect("a navigation property of its declaring type")
                .1
                .resolved,
            false,
        ),
    };
    let q = &capabilities.query;
    let unsupported_queries = [
        ("FILTERABLE", &q.filter),
        ("SELECTABLE", &q.select),
        ("EXPANDABLE", &q.expand),
        ("SORTABLE", &q.sort),
        ("TOP", &q.top),
        ("SKIP", &q.skip),
        ("COUNTABLE", &q.count),
        ("SEARCHABLE", &q.search),
    ]
    .into_iter()
    .filter(|(_, decided)| collection && !decided.value)
    .map(|(name, _)| name)
    .collect();
    let updatable = capabilities.update.value;
    let put = capabilities.update_method.value == UpdateMethod::Put;
    let mut spec = CapsSpec {
        read: capabilities.read.value,
        insert: collection && capabilities.insert.value,
        update: (updatable && !put).then_some(None),
        replace: updatable && put,
        // A singleton is not deleted.
        delete: capabilities.delete.value && !singleton,
        unsupported_queries,
        max_body: None,
        max_items: None,
        key_rule: None,
        evolvable: model.ty(target).evolvable,
    };
    for fact in &model.service_facts {
        match &fact.fact {
            Fact::LongRunningUpdate(f)
                if is(owner, f.owner, &f.navigation) && spec.update.is_some() =>
            {
                spec.update = Some(Some(f.operation));
            }
            Fact::KeyRule {
                owner: o,
                navigation,
                min_len,
                max_len,
                alphanumeric: true,
            } if is(owner, *o, navigation) => spec.key_rule = Some((*min_len, *max_len)),
            Fact::MaxRequestBody {
                owner: o,
                navigation,
                bytes,
            } if is(owner, *o, navigation) => spec.max_body = Some(*bytes),
            Fact::MaxCollectionItems {
                owner: o,
                property,
                max,
            } if model.is_a(target, *o) => spec.max_items = Some((property.clone(), *max)),
            _ => {}
        }
    }
    spec
}

/// Whether a fact about `navigation` of `declaring` is about `owner`.
fn is(owner: &Owner, declaring: TypeId, navigation: &str) -> bool {
    matches!(owner, Owner::Navigation { declaring: d, property } if *d == declaring && property == navigation)
}

/// A navigation property declared by `declaring`, with its facts.
pub fn navigation<'m>(
    model: &'m Model,
    declaring: TypeId,
    name: &str,
) -> Option<(&'m PropertyDef, &'m Navigation)> {
    model
        .structure(declaring)?
        .properties
        .iter()
        .find(|p| p.name == name)
        .and_then(|p| Some((p, p.navigation.as_ref()?)))
}

/// The navigation properties of an entity type that paths follow (its own
/// and its base types', root base first; not those whose
/// `NavigationRestrictions/Navigability` is `None`), each with the type
/// that declares it.
pub fn navigations(model: &Model, id: TypeId) -> Vec<(TypeId, &PropertyDef, &Navigation)> {
    let mut chain = model.ancestors(id);
    chain.reverse();
    chain.push(id);
    chain
        .into_iter()
        .filter_map(|t| Some((t, model.structure(t)?)))
        .flat_map(|(t, s)| s.properties.iter().map(move |p| (t, p)))
        .filter_map(|(t, p)| Some((t, p, p.navigation.as_ref()?)))
        .filter(|(_, _, n)| n.resolved.navigability.value != Navigability::None)
        .collect()
}
