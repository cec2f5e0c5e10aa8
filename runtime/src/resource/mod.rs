//! The resource API: typed paths with generic verbs.
//!
//! Generated code declares, per entity type, how its navigation properties
//! extend a path; the verbs are here, once:
//!
//! - [`Path<T, C>`](Path) addresses one entity of type `T`:
//!   [`get`](Path::get), [`update`](Path::update) (`PATCH`),
//!   [`put`](Path::put), [`delete`](Path::delete).
//! - [`CollectionPath<T, C>`](CollectionPath) addresses a collection:
//!   [`list`](CollectionPath::list) (with query options, one
//!   [`Page`] or a stream following `@odata.nextLink`),
//!   [`create`](CollectionPath::create) (`POST`), [`key`](CollectionPath::key).
//! - [`RefCollectionPath<T, C>`](RefCollectionPath) addresses a navigation
//!   property that references members kept elsewhere:
//!   [`list`](RefCollectionPath::list), [`add`](RefCollectionPath::add) and
//!   [`remove`](RefCollectionPath::remove) (`$ref`).
//! - `C` says what the path allows (see [`caps`](mod@caps)); a verb it lacks does not
//!   compile.
//! - A `PATCH` answered with 202 and a `Location` is a [`LongRunning`]
//!   operation, polled until it ends.
//!
//! Each verb returns a request implementing [`Operation`](crate::Operation),
//! built when it is sent: [`send`](ResourceRequest::send) it with a
//! [`Client`](crate::Client), or build it with
//! [`build_request`](crate::build_request). Every step of a path narrows
//! the [`Clouds`](crate::Clouds) it exists in; the client refuses a request
//! its cloud lacks.
//!
//! ```
//! use graphgen_runtime::caps::Standard;
//! use graphgen_runtime::{Cloud, Clouds, CollectionPath, Operation, Path};
//!
//! #[derive(serde::Serialize, serde::Deserialize)]
//! struct Connection { id: String, name: String }
//! struct External;
//!
//! // What generated code writes, per navigation property:
//! const CONNECTORS: Clouds = Clouds::of(&[Cloud::Global, Cloud::UsGovL4, Cloud::UsGovL5]);
//! fn external() -> Path<External> {
//!     Path::root("external", CONNECTORS)
//! }
//! fn connections(external: &Path<External>) -> CollectionPath<Connection> {
//!     external.collection("connections", CONNECTORS)
//! }
//!
//! let all = connections(&external());
//! let new = Connection { id: "contosohr".into(), name: "Contoso HR".into() };
//! let create = all.create(&new);
//! assert_eq!(create.method(), http::Method::POST);
//! assert_eq!(create.path()?, "/external/connections");
//! assert_eq!(all.key("contosohr").delete().path()?, "/external/connections/contosohr");
//! assert!(!all.list().top(10).availability().contains(Cloud::China));
//! # Ok::<(), graphgen_runtime::Error>(())
//! ```

pub mod caps;
mod generated;
mod list;
mod lro;
mod path;
mod request;

pub use list::{Items, ListRequest, Page, Pages};
pub use lro::{
    LongRunning, OperationStatus, Poller, State, DEFAULT_MAX_WAIT, DEFAULT_POLL_INTERVAL,
};
pub use path::{CollectionPath, Path, RefCollectionPath};
pub use request::ResourceRequest;
