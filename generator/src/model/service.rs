//! Facts about the service that the CSDL does not carry, each citing where
//! it is documented. Kept to a minimum: everything else comes from the CSDL.
//!
//! Each fact is about one type (its anchor) and applies where the model has
//! that type; everything else it names must then be in the model, or
//! building the model fails naming the fact, so that the table cannot stop
//! applying unseen when the metadata changes under it.

use crate::error::{Error, ErrorKind, Result};

use super::{Decided, Model, OperationDef, PropertyDef, QName, TypeId, TypeKind, TypeRef};

const CONNECTORS: &str = "microsoft.graph.externalConnectors";

/// A documented fact about the service, resolved against the model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceFact {
    pub fact: Fact,
    /// Where the service documents it.
    pub source: &'static str,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fact {
    /// One call of a batch operation takes at most `max` items (also on
    /// its [`BatchShape`](super::BatchShape)).
    BatchLimit { operation: QName, max: usize },
    /// Updating the entity of a navigation property answers `202 Accepted`
    /// with a `Location` header naming an operation to poll.
    LongRunningUpdate(LongRunningUpdate),
    /// The keys of the entities of a collection navigation property: from
    /// `min_len` to `max_len` characters, ASCII letters and digits only
    /// when `alphanumeric`.
    KeyRule {
        owner: TypeId,
        navigation: String,
        min_len: usize,
        max_len: usize,
        alphanumeric: bool,
    },
    /// The body of a request writing an entity of a navigation property
    /// (create, update or replace) has at most `bytes` bytes.
    MaxRequestBody {
        owner: TypeId,
        navigation: String,
        bytes: usize,
    },
    /// The entities of a collection navigation property are created with
    /// `PUT` at their key, not with `POST` to the collection.
    CreatedAtKey { owner: TypeId, navigation: String },
    /// The entities of a navigation property are only read: the service
    /// creates, changes and removes them itself.
    ReadOnly { owner: TypeId, navigation: String },
    /// A collection-valued property holds at most `max` items.
    MaxCollectionItems {
        owner: TypeId,
        property: String,
        max: usize,
    },
}

/// See [`Fact::LongRunningUpdate`]: the entity type with the navigation
/// property, and the operation's type with what says how it went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LongRunningUpdate {
    pub owner: TypeId,
    pub navigation: String,
    /// The entity type the `Location` header names.
    pub operation: TypeId,
    /// Its property whose value says how far it is, of the enum `status_type`.
    pub status_property: String,
    pub status_type: TypeId,
    /// The members of `status_type` that say it is done.
    pub succeeded: String,
    pub failed: String,
    /// Its property that says why it failed, of the type `error_type`.
    pub error_property: String,
    pub error_type: TypeId,
}

/// A fact as the table writes it: names, resolved by [`facts`].
enum Row {
    BatchLimit {
        operation: &'static str,
        max: usize,
    },
    LongRunningUpdate {
        navigation: &'static str,
        operation: (&'static str, &'static str),
        status_property: &'static str,
        status_type: (&'static str, &'static str),
        succeeded: &'static str,
        failed: &'static str,
        error_property: &'static str,
    },
    KeyRule {
        navigation: &'static str,
        min_len: usize,
        max_len: usize,
        alphanumeric: bool,
    },
    MaxRequestBody {
        navigation: &'static str,
        bytes: usize,
    },
    CreatedAtKey {
        navigation: &'static str,
    },
    ReadOnly {
        navigation: &'static str,
    },
    MaxCollectionItems {
        property: &'static str,
        max: usize,
    },
}

struct Entry {
    /// What the fact is about, for messages.
    name: &'static str,
    /// The type it is about: (namespace, name).
    about: (&'static str, &'static str),
    row: Row,
    source: &'static str,
}

const LIMITS: &str = "https://learn.microsoft.com/graph/connecting-external-content-api-limits";

/// The table.
const FACTS: &[Entry] = &[
    Entry {
        name: "activities per addActivities call",
        about: (CONNECTORS, "externalItem"),
        // "Item ingestion": 20 activities per activities call.
        row: Row::BatchLimit {
            operation: "addActivities",
            max: 20,
        },
        source: LIMITS,
    },
    Entry {
        name: "PATCH externalConnection/schema answers with a connectionOperation",
        about: (CONNECTORS, "externalConnection"),
        // "returns a 202 Accepted response code and a URL in the Location
        // response header that can be used to get the operation status";
        // the operation's `error` says why when `status` is `failed`
        // (.../resources/externalconnectors-connectionoperation).
        row: Row::LongRunningUpdate {
            navigation: "schema",
            operation: (CONNECTORS, "connectionOperation"),
            status_property: "status",
            status_type: (CONNECTORS, "connectionOperationStatus"),
            succeeded: "completed",
            failed: "failed",
            error_property: "error",
        },
        source: "https://learn.microsoft.com/graph/api/externalconnectors-schema-create?view=graph-rest-1.0",
    },
    Entry {
        name: "externalItem ids",
        about: (CONNECTORS, "externalConnection"),
        // `id`: "Must be alphanumeric and a maximum of 128 characters.
        // Required."
        row: Row::KeyRule {
            navigation: "items",
            min_len: 1,
            max_len: 128,
            alphanumeric: true,
        },
        source: "https://learn.microsoft.com/graph/api/resources/externalconnectors-externalitem?view=graph-rest-1.0",
    },
    Entry {
        name: "externalConnection ids",
        about: (CONNECTORS, "external"),
        // `id`: "Must be between 3 and 32 characters in length. Must only
        // contain alphanumeric characters." (The names it may not start
        // with or be are left to the service.)
        row: Row::KeyRule {
            navigation: "connections",
            min_len: 3,
            max_len: 32,
            alphanumeric: true,
        },
        source: "https://learn.microsoft.com/graph/api/resources/externalconnectors-externalconnection?view=graph-rest-1.0",
    },
    Entry {
        name: "externalItem request body",
        about: (CONNECTORS, "externalConnection"),
        // "Item size; this limit applies to the request body when
        // ingesting and indexing an item: 4 MB", and "4 MB equals
        // 4,000,000 bytes".
        row: Row::MaxRequestBody {
            navigation: "items",
            bytes: 4_000_000,
        },
        source: LIMITS,
    },
    Entry {
        name: "externalItems are created with PUT",
        about: (CONNECTORS, "externalConnection"),
        // "Create externalItem": `PUT /external/connections/{connection-id}/items/{item-id}`;
        // the reference documents no POST to the collection (Microsoft's
        // PowerShell cmdlet that sends one gets a 404).
        row: Row::CreatedAtKey { navigation: "items" },
        source: "https://learn.microsoft.com/graph/api/externalconnectors-externalconnection-put-items?view=graph-rest-1.0",
    },
    Entry {
        name: "connectionOperations are read-only",
        about: (CONNECTORS, "externalConnection"),
        // The resource documents one method, "Get connectionOperation":
        // operations are started by the service (a schema update) and
        // polled, never created, changed or deleted by clients.
        row: Row::ReadOnly {
            navigation: "operations",
        },
        source: "https://learn.microsoft.com/graph/api/resources/externalconnectors-connectionoperation?view=graph-rest-1.0",
    },
    Entry {
        name: "properties per schema",
        about: (CONNECTORS, "schema"),
        // "Properties that can be defined in a schema: 128".
        row: Row::MaxCollectionItems {
            property: "properties",
            max: 128,
        },
        source: LIMITS,
    },
];

/// What the facts change in the capabilities the metadata gives: a
/// collection whose entities are created at their key takes no `POST`; a
/// read-only one takes only `GET`.
pub(super) fn apply(model: &mut Model) {
    let restrictions: Vec<(TypeId, String, bool, String)> = model
        .service_facts
        .iter()
        .filter_map(|f| match &f.fact {
            Fact::CreatedAtKey { owner, navigation } => Some((
                *owner,
                navigation.clone(),
                false,
                format!("created with PUT at the key: {}", f.source),
            )),
            Fact::ReadOnly { owner, navigation } => Some((
                *owner,
                navigation.clone(),
                true,
                format!("read-only: {}", f.source),
            )),
            _ => None,
        })
        .collect();
    for (owner, navigation, read_only, by) in restrictions {
        let structure = match &mut model.types[owner.0 as usize].kind {
            TypeKind::Complex(s) | TypeKind::Entity(s) => s,
            TypeKind::Enum(_) => continue,
        };
        let nav = structure
            .properties
            .iter_mut()
            .find(|p| p.name == navigation)
            .and_then(|p| p.navigation.as_mut());
        let Some(nav) = nav else { continue };
        let denied = || Decided {
            value: false,
            by: Some(by.clone()),
        };
        nav.resolved.insert = denied();
        if read_only {
            nav.resolved.update = denied();
            nav.resolved.delete = denied();
        }
    }
}

/// The documented limit on the items one call of `operation` takes.
pub(super) fn max_items(operation: &QName) -> Option<usize> {
    FACTS.iter().find_map(|e| match e.row {
        Row::BatchLimit {
            operation: name,
            max,
        } if e.about.0 == operation.namespace && name == operation.name => Some(max),
        _ => None,
    })
}

/// Every fact of the table whose type is in `model`, resolved; an error
/// names the first fact something of which the model lacks.
pub(super) fn facts(model: &Model) -> Result<Vec<ServiceFact>> {
    let mut out = Vec::new();
    for e in FACTS {
        let Some(owner) = model.type_id(&QName::new(e.about.0, e.about.1)) else {
            continue;
        };
        let r = Resolver { model, entry: e };
        let fact = match e.row {
            Row::BatchLimit { operation, max } => {
                let op = r.operation(owner, operation)?;
                Fact::BatchLimit {
                    operation: op.name.clone(),
                    max,
                }
            }
            Row::LongRunningUpdate {
                navigation,
                operation,
                status_property,
                status_type,
                succeeded,
                failed,
                error_property,
            } => {
                r.navigation(owner, navigation, None)?;
                let op = r.ty(operation)?;
                let status = r.property(op, status_property)?;
                let status_type = r.ty(status_type)?;
                if status.ty != TypeRef::Named(status_type) {
                    return Err(r.lacks(format!(
                        "`{}/{status_property}` is not of the type `{}`",
                        model.ty(op).name,
                        model.ty(status_type).name
                    )));
                }
                for member in [succeeded, failed] {
                    r.member(status_type, member)?;
                }
                let error = r.property(op, error_property)?;
                let Some(error_type) = error.ty.named().filter(|_| !error.ty.is_collection())
                else {
                    return Err(r.lacks(format!(
                        "`{}/{error_property}` is not of a named type",
                        model.ty(op).name
                    )));
                };
                Fact::LongRunningUpdate(LongRunningUpdate {
                    owner,
                    navigation: navigation.to_string(),
                    operation: op,
                    status_property: status_property.to_string(),
                    status_type,
                    succeeded: succeeded.to_string(),
                    failed: failed.to_string(),
                    error_property: error_property.to_string(),
                    error_type,
                })
            }
            Row::KeyRule {
                navigation,
                min_len,
                max_len,
                alphanumeric,
            } => {
                r.navigation(owner, navigation, Some(true))?;
                Fact::KeyRule {
                    owner,
                    navigation: navigation.to_string(),
                    min_len,
                    max_len,
                    alphanumeric,
                }
            }
            Row::MaxRequestBody { navigation, bytes } => {
                r.navigation(owner, navigation, None)?;
                Fact::MaxRequestBody {
                    owner,
                    navigation: navigation.to_string(),
                    bytes,
                }
            }
            Row::CreatedAtKey { navigation } => {
                r.navigation(owner, navigation, Some(true))?;
                Fact::CreatedAtKey {
                    owner,
                    navigation: navigation.to_string(),
                }
            }
            Row::ReadOnly { navigation } => {
                r.navigation(owner, navigation, None)?;
                Fact::ReadOnly {
                    owner,
                    navigation: navigation.to_string(),
                }
            }
            Row::MaxCollectionItems { property, max } => {
                if !r.property(owner, property)?.ty.is_collection() {
                    return Err(r.lacks(format!(
                        "`{}/{property}` is not a collection",
                        model.ty(owner).name
                    )));
                }
                Fact::MaxCollectionItems {
                    owner,
                    property: property.to_string(),
                    max,
                }
            }
        };
        out.push(ServiceFact {
            fact,
            source: e.source,
        });
    }
    Ok(out)
}

/// Looks up what one entry names, each miss an error naming the entry.
struct Resolver<'m> {
    model: &'m Model,
    entry: &'static Entry,
}

impl<'m> Resolver<'m> {
    fn lacks(&self, what: String) -> Error {
        Error::new(
            ErrorKind::UnknownType,
            format!(
                "the documented service fact `{}` ({}) does not fit the metadata: {what}",
                self.entry.name, self.entry.source
            ),
        )
    }

    fn ty(&self, (ns, name): (&str, &str)) -> Result<TypeId> {
        let q = QName::new(ns, name);
        self.model
            .type_id(&q)
            .ok_or_else(|| self.lacks(format!("the model has no type `{q}`")))
    }

    /// A property of `owner`, its own or inherited.
    fn property(&self, owner: TypeId, name: &str) -> Result<&'m PropertyDef> {
        self.model
            .all_properties(owner)
            .into_iter()
            .find(|p| p.name == name)
            .ok_or_else(|| {
                self.lacks(format!(
                    "`{}` has no property `{name}`",
                    self.model.ty(owner).name
                ))
            })
    }

    /// A navigation property of `owner`, a collection when `collection`
    /// says so.
    fn navigation(&self, owner: TypeId, name: &str, collection: Option<bool>) -> Result<()> {
        let p = self.property(owner, name)?;
        let kind_fits = collection.is_none_or(|c| p.ty.is_collection() == c);
        if p.navigation.is_none() || !kind_fits {
            let kind = match collection {
                Some(true) => "a collection navigation property",
                _ => "a navigation property",
            };
            return Err(self.lacks(format!(
                "`{}/{name}` is not {kind}",
                self.model.ty(owner).name
            )));
        }
        Ok(())
    }

    fn member(&self, enum_type: TypeId, name: &str) -> Result<()> {
        let t = self.model.ty(enum_type);
        match &t.kind {
            TypeKind::Enum(e) if e.members.iter().any(|m| m.name == name) => Ok(()),
            _ => Err(self.lacks(format!("`{}` has no member `{name}`", t.name))),
        }
    }

    /// The batch operation `name` bound to `binding`.
    fn operation(&self, binding: TypeId, name: &str) -> Result<&'m OperationDef> {
        let (ns, _) = self.entry.about;
        self.model
            .operations
            .iter()
            .find(|o| {
                o.name.namespace == ns && o.name.name == name && o.binding.named() == Some(binding)
            })
            .filter(|o| o.batch.is_some())
            .ok_or_else(|| {
                self.lacks(format!(
                    "no batch operation `{ns}.{name}` is bound to `{}`",
                    self.model.ty(binding).name
                ))
            })
    }
}
