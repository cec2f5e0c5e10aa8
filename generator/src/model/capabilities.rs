//! The Capabilities annotations of an entity set, singleton or navigation
//! property, resolved: each method and query option allowed or not, with
//! the annotation that decided it, or the default.
//!
//! Defaults follow the Capabilities vocabulary
//! (<https://github.com/oasis-tcs/odata-vocabularies/blob/main/vocabularies/Org.OData.Capabilities.V1.md>):
//! a service "is assumed to support by default" counting, `$top`/`$skip`,
//! `$expand` and navigability, and "is expected to support" `$filter` and
//! `$orderby` unless annotated otherwise (so every query option defaults to
//! supported, as the restriction types' `DefaultValue="true"` say); but "a
//! client cannot assume that a service supports" insert, update and delete.
//! Those default to allowed where the collection or entity is the service's
//! own (an entity set, a singleton, a containment navigation property:
//! where else would its entities be written?), and to refused through a
//! navigation property that does not contain its target, whose entities
//! are written at their own URL. `NavigationRestrictions/Referenceable`
//! (adding and removing references with `$ref`) is not in that vocabulary
//! (Microsoft's documents use it): nothing lets a client assume it, so it
//! defaults to refused.

use crate::csdl::ast::Expr;

use super::Capabilities;

/// A value and the annotation that decided it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decided<T> {
    pub value: T,
    /// The term and property, and the target they annotate, such as
    /// `UpdateRestrictions/UpdateMethod on
    /// microsoft.graph.externalConnectors.externalConnection/items`; `None`
    /// when no annotation says and the default applies (see the module).
    pub by: Option<String>,
}

/// The HTTP method that updates an entity (`UpdateRestrictions/UpdateMethod`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UpdateMethod {
    /// Changes the properties sent; the default ("PATCH SHOULD be supported").
    Patch,
    /// Replaces the entity (and creates it at that key if absent).
    Put,
}

/// How far navigation properties can be followed
/// (`NavigationRestrictions/Navigability`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Navigability {
    /// Followed on and on; the default.
    Recursive,
    /// Followed one level, no further.
    Single,
    /// Not followed.
    None,
}

/// Where an element with Capabilities sits, which decides its defaults.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Place {
    EntitySet,
    Singleton,
    /// A navigation property that contains its target.
    Contained,
    /// A navigation property that does not.
    Related,
}

/// What the Capabilities annotations of an entity set, singleton or
/// navigation property allow, each decision with the annotation that made it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedCapabilities {
    /// `GET` (`ReadRestrictions/Readable`).
    pub read: Decided<bool>,
    /// `POST` to the collection (`InsertRestrictions/Insertable`).
    pub insert: Decided<bool>,
    /// Updating an entity (`UpdateRestrictions/Updatable`), by `update_method`.
    pub update: Decided<bool>,
    /// `UpdateRestrictions/UpdateMethod`.
    pub update_method: Decided<UpdateMethod>,
    /// `DELETE` (`DeleteRestrictions/Deletable`).
    pub delete: Decided<bool>,
    /// Adding and removing references with `$ref`
    /// (`NavigationRestrictions/Referenceable`); for a navigation property
    /// that does not contain its target.
    pub referenceable: Decided<bool>,
    /// `NavigationRestrictions/Navigability`: whether paths go on through
    /// navigation properties from here.
    pub navigability: Decided<Navigability>,
    pub query: QueryCapabilities,
}

/// The system query options a collection or entity takes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryCapabilities {
    /// `$filter` (`FilterRestrictions/Filterable`).
    pub filter: Decided<bool>,
    /// `$select` (`SelectSupport/Supported`).
    pub select: Decided<bool>,
    /// `$expand` (`ExpandRestrictions/Expandable`).
    pub expand: Decided<bool>,
    /// `$orderby` (`SortRestrictions/Sortable`).
    pub sort: Decided<bool>,
    /// `$top` (`TopSupported`).
    pub top: Decided<bool>,
    /// `$skip` (`SkipSupported`).
    pub skip: Decided<bool>,
    /// `$count` (`CountRestrictions/Countable`).
    pub count: Decided<bool>,
    /// `$search` (`SearchRestrictions/Searchable`).
    pub search: Decided<bool>,
}

/// A value an annotation states, and which term and property state it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stated<T> {
    value: T,
    what: &'static str,
}

/// What one element's Capabilities annotations state, before defaults.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Said {
    read: Option<Stated<bool>>,
    insert: Option<Stated<bool>>,
    update: Option<Stated<bool>>,
    update_method: Option<Stated<UpdateMethod>>,
    delete: Option<Stated<bool>>,
    referenceable: Option<Stated<bool>>,
    navigability: Option<Stated<Navigability>>,
    filter: Option<Stated<bool>>,
    select: Option<Stated<bool>>,
    expand: Option<Stated<bool>>,
    sort: Option<Stated<bool>>,
    top: Option<Stated<bool>>,
    skip: Option<Stated<bool>>,
    count: Option<Stated<bool>>,
    search: Option<Stated<bool>>,
}

/// The record properties read as booleans: term, property, what they state.
const RECORD_BOOLS: &[(&str, &str, &str)] = &[
    ("ReadRestrictions", "Readable", "ReadRestrictions/Readable"),
    (
        "InsertRestrictions",
        "Insertable",
        "InsertRestrictions/Insertable",
    ),
    (
        "UpdateRestrictions",
        "Updatable",
        "UpdateRestrictions/Updatable",
    ),
    (
        "DeleteRestrictions",
        "Deletable",
        "DeleteRestrictions/Deletable",
    ),
    (
        "NavigationRestrictions",
        "Referenceable",
        "NavigationRestrictions/Referenceable",
    ),
    (
        "FilterRestrictions",
        "Filterable",
        "FilterRestrictions/Filterable",
    ),
    ("SelectSupport", "Supported", "SelectSupport/Supported"),
    (
        "ExpandRestrictions",
        "Expandable",
        "ExpandRestrictions/Expandable",
    ),
    ("SortRestrictions", "Sortable", "SortRestrictions/Sortable"),
    (
        "CountRestrictions",
        "Countable",
        "CountRestrictions/Countable",
    ),
    (
        "SearchRestrictions",
        "Searchable",
        "SearchRestrictions/Searchable",
    ),
];

impl Said {
    /// Reads one unqualified annotation of the term `Capabilities.{term}`;
    /// a later one overrides what an earlier one stated. A value of
    /// another kind than the vocabulary's (a path, an unknown enum member)
    /// states nothing.
    pub(super) fn read(&mut self, term: &str, value: Option<&Expr>) {
        match term {
            "TopSupported" => self.top = tag(value, "TopSupported").or(self.top),
            "SkipSupported" => self.skip = tag(value, "SkipSupported").or(self.skip),
            _ => {}
        }
        let Some(Expr::Record(r)) = value else {
            return;
        };
        for &(t, property, what) in RECORD_BOOLS.iter().filter(|(t, _, _)| *t == term) {
            if let (Some(Expr::Bool(b)), Some(slot)) = (r.value(property), self.slot(t)) {
                *slot = Some(Stated { value: *b, what });
            }
        }
        match term {
            "UpdateRestrictions" => {
                if let Some(method) =
                    enum_members(r.value("UpdateMethod")).and_then(|m| update_method(&m))
                {
                    self.update_method = Some(Stated {
                        value: method,
                        what: "UpdateRestrictions/UpdateMethod",
                    });
                }
            }
            "NavigationRestrictions" => {
                let found = enum_members(r.value("Navigability")).and_then(|m| navigability(&m));
                if let Some(n) = found {
                    self.navigability = Some(Stated {
                        value: n,
                        what: "NavigationRestrictions/Navigability",
                    });
                }
            }
            _ => {}
        }
    }

    /// Where the boolean a record of `term` states goes.
    fn slot(&mut self, term: &str) -> Option<&mut Option<Stated<bool>>> {
        Some(match term {
            "ReadRestrictions" => &mut self.read,
            "InsertRestrictions" => &mut self.insert,
            "UpdateRestrictions" => &mut self.update,
            "DeleteRestrictions" => &mut self.delete,
            "NavigationRestrictions" => &mut self.referenceable,
            "FilterRestrictions" => &mut self.filter,
            "SelectSupport" => &mut self.select,
            "ExpandRestrictions" => &mut self.expand,
            "SortRestrictions" => &mut self.sort,
            "CountRestrictions" => &mut self.count,
            "SearchRestrictions" => &mut self.search,
            _ => return None,
        })
    }

    /// The stated read, insert, update and delete, as the emitter's docs
    /// read them today.
    pub(super) fn stated(&self) -> Capabilities {
        let value = |s: Option<Stated<bool>>| s.map(|s| s.value);
        Capabilities {
            readable: value(self.read),
            insertable: value(self.insert),
            updatable: value(self.update),
            deletable: value(self.delete),
        }
    }

    /// Each decision: what the annotations of `target` state, else the
    /// default for an element at `place` (see the module).
    pub(super) fn resolve(&self, target: &str, place: Place) -> ResolvedCapabilities {
        fn decide<T: Copy>(s: Option<Stated<T>>, default: T, target: &str) -> Decided<T> {
            match s {
                Some(s) => Decided {
                    value: s.value,
                    by: Some(format!("{} on {target}", s.what)),
                },
                None => Decided {
                    value: default,
                    by: None,
                },
            }
        }
        let own = place != Place::Related;
        ResolvedCapabilities {
            read: decide(self.read, true, target),
            insert: decide(self.insert, own, target),
            update: decide(self.update, own, target),
            update_method: decide(self.update_method, UpdateMethod::Patch, target),
            delete: decide(self.delete, own, target),
            referenceable: decide(self.referenceable, false, target),
            navigability: decide(self.navigability, Navigability::Recursive, target),
            query: QueryCapabilities {
                filter: decide(self.filter, true, target),
                select: decide(self.select, true, target),
                expand: decide(self.expand, true, target),
                sort: decide(self.sort, true, target),
                top: decide(self.top, true, target),
                skip: decide(self.skip, true, target),
                count: decide(self.count, true, target),
                search: decide(self.search, true, target),
            },
        }
    }
}

/// A `Core.Tag` term: no value means true.
fn tag(value: Option<&Expr>, what: &'static str) -> Option<Stated<bool>> {
    match value {
        None => Some(Stated { value: true, what }),
        Some(Expr::Bool(b)) => Some(Stated { value: *b, what }),
        Some(_) => None,
    }
}

/// The member names of an enum value: `Capabilities.HttpMethod/PATCH
/// Capabilities.HttpMethod/PUT` -> `["PATCH", "PUT"]`.
fn enum_members(value: Option<&Expr>) -> Option<Vec<&str>> {
    let Some(Expr::EnumMember(text)) = value else {
        return None;
    };
    Some(
        text.split_whitespace()
            .map(|m| m.rsplit('/').next().unwrap_or(m))
            .collect(),
    )
}

/// PATCH when the service takes it ("PATCH SHOULD be supported"), else PUT.
fn update_method(members: &[&str]) -> Option<UpdateMethod> {
    if members.contains(&"PATCH") {
        Some(UpdateMethod::Patch)
    } else if members.contains(&"PUT") {
        Some(UpdateMethod::Put)
    } else {
        None
    }
}

fn navigability(members: &[&str]) -> Option<Navigability> {
    match members {
        ["Recursive"] => Some(Navigability::Recursive),
        ["Single"] => Some(Navigability::Single),
        ["None"] => Some(Navigability::None),
        _ => None,
    }
}
