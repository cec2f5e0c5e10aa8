//! What a path allows: the query options of its collection, its verbs,
//! its key rule and body limit, as a type parameter of
//! [`Path`](crate::Path) and [`CollectionPath`](crate::CollectionPath).
//!
//! Generated code declares one marker struct per distinct set of
//! capabilities (from the metadata's `Capabilities` annotations) with
//! [`caps!`](crate::caps!), and uses [`Standard`] for every path without
//! restrictions. A verb the path lacks is a compile error, not a request
//! the service refuses:
//!
//! ```compile_fail
//! use graphgen_runtime::{Clouds, CollectionPath};
//!
//! pub struct Items;
//! graphgen_runtime::caps! { Items: Read, Replace, Delete; }
//!
//! let items = CollectionPath::<serde_json::Value, Items>::root("items", Clouds::ALL);
//! // `Items` is not `Insert`: no POST to the collection.
//! let _ = items.create(&serde_json::json!({}));
//! ```

use http::{HeaderMap, StatusCode};

use crate::Error;

/// The capabilities of a path (see the [module docs](self)). Every item
/// has the default of a path whose metadata has no restrictions.
///
/// The query options apply to a collection's
/// [`list`](crate::CollectionPath::list): one whose constant is `false` is
/// refused with [`Error::QueryNotSupported`] when the request is built.
pub trait Caps {
    /// `$filter` (`FilterRestrictions/Filterable`).
    const FILTERABLE: bool = true;
    /// `$select` (`SelectSupport/Supported`).
    const SELECTABLE: bool = true;
    /// `$expand` (`ExpandRestrictions/Expandable`).
    const EXPANDABLE: bool = true;
    /// `$orderby` (`SortRestrictions/Sortable`).
    const SORTABLE: bool = true;
    /// `$top` (`TopSupported`).
    const TOP: bool = true;
    /// `$skip` (`SkipSupported`).
    const SKIP: bool = true;
    /// `$count` (`CountRestrictions/Countable`).
    const COUNTABLE: bool = true;
    /// `$search` (`SearchRestrictions/Searchable`).
    const SEARCHABLE: bool = true;
    /// The largest request body the service takes on this path, in bytes;
    /// a larger one is refused with [`Error::RequestTooLarge`] before
    /// sending.
    const MAX_BODY_BYTES: Option<usize> = None;
    /// A collection-valued property of the body that the service takes
    /// only so many items of (a connection schema's `properties`: 128); a
    /// body with more is refused with [`Error::TooManyPropertyItems`] before
    /// sending.
    const MAX_COLLECTION_ITEMS: Option<(&'static str, usize)> = None;
    /// Whether requests on this path send
    /// `Prefer: include-unknown-enum-members`: set when the path's type
    /// reaches an enum with members declared after `unknownFutureValue`,
    /// which Graph sends and accepts only with that header.
    const PREFER_UNKNOWN_ENUM_MEMBERS: bool = false;

    /// Whether `key` can address a member of this collection; the error
    /// says the rule (`"an item id is 1 to 128 letters and digits"`). A bad
    /// key fails the request with [`Error::InvalidKey`] when it is built,
    /// as an empty key or a dot segment always does.
    fn check_key(key: &str) -> Result<(), &'static str> {
        let _ = key;
        Ok(())
    }
}

/// The path can be read: `GET` of an entity, or of a collection
/// ([`list`](crate::CollectionPath::list)).
pub trait Read: Caps {}

/// Members can be created: `POST` to the collection
/// ([`create`](crate::CollectionPath::create)), or a reference added
/// ([`add`](crate::RefCollectionPath::add)).
pub trait Insert: Caps {}

/// The entity can be updated with `PATCH`
/// ([`update`](crate::Path::update)).
pub trait Update: Caps {
    /// What a successful `PATCH` answers: `()` (any 2xx, body not read) or
    /// [`LongRunning`](crate::LongRunning) (202 and a `Location` to poll).
    /// Stable Rust has no default for an associated type, so it lives here,
    /// where only updatable paths name it.
    type Updated: Respond;
}

/// The entity can be created or replaced with `PUT`
/// ([`put`](crate::Path::put); `UpdateRestrictions/UpdateMethod` PUT).
pub trait Replace: Caps {}

/// The entity can be deleted ([`delete`](crate::Path::delete)), or a
/// reference removed ([`remove`](crate::RefCollectionPath::remove)).
pub trait Delete: Caps {}

/// How a successful response becomes a value, for answers that carry no
/// entity (see [`Update::Updated`]).
pub trait Respond: Sized {
    /// Reads a 2xx response.
    fn respond(status: StatusCode, headers: &HeaderMap, body: &[u8]) -> Result<Self, Error>;
}

/// Any 2xx; the body, if any, is not read.
impl Respond for () {
    fn respond(_: StatusCode, _: &HeaderMap, _: &[u8]) -> Result<(), Error> {
        Ok(())
    }
}

/// A path without restrictions, as OData and Graph assume by default: every
/// query option, read, insert, update (`PATCH`, answer not read) and
/// delete, but not `PUT`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Standard;

impl Caps for Standard {}
impl Read for Standard {}
impl Insert for Standard {}
impl Update for Standard {
    type Updated = ();
}
impl Delete for Standard {}

/// [`Standard`], sending `Prefer: include-unknown-enum-members` (see
/// [`Caps::PREFER_UNKNOWN_ENUM_MEMBERS`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct StandardEvolvable;

impl Caps for StandardEvolvable {
    const PREFER_UNKNOWN_ENUM_MEMBERS: bool = true;
}
impl Read for StandardEvolvable {}
impl Insert for StandardEvolvable {}
impl Update for StandardEvolvable {
    type Updated = ();
}
impl Delete for StandardEvolvable {}

/// A key rule for [`Caps::check_key`]: `MIN` to `MAX` ASCII letters and
/// digits (connector item ids are 1 to 128).
///
/// ```
/// use graphgen_runtime::caps::alphanumeric;
///
/// assert!(alphanumeric::<1, 128>("TSP228082938").is_ok());
/// assert!(alphanumeric::<1, 128>("a-b").is_err());
/// assert!(alphanumeric::<1, 3>("abcd").is_err());
/// ```
pub fn alphanumeric<const MIN: usize, const MAX: usize>(key: &str) -> Result<(), &'static str> {
    let ok = (MIN..=MAX).contains(&key.len()) && key.bytes().all(|b| b.is_ascii_alphanumeric());
    if ok {
        Ok(())
    } else {
        Err("the key must be letters and digits only, of the length the service allows")
    }
}

/// The impls of a generated capabilities marker: [`Caps`] and the verb
/// traits it lists (`Read`, `Insert`, `Update`, `Update(Answer)` for a
/// `PATCH` that answers something, `Replace`, `Delete`), then, optionally
/// in braces, the [`Caps`] items that differ from the default (each
/// constant as `const NAME = value;`, then the key rule as
/// `fn check_key = path;`).
///
/// ```
/// use graphgen_runtime::{caps::Caps, Clouds, CollectionPath, Error, Operation};
///
/// /// An external item: created or replaced with PUT, never PATCHed.
/// pub struct ItemCaps;
///
/// fn item_id(key: &str) -> Result<(), &'static str> {
///     match key.len() <= 128 && key.bytes().all(|b| b.is_ascii_alphanumeric()) {
///         true => Ok(()),
///         false => Err("an item id is at most 128 letters and digits"),
///     }
/// }
///
/// graphgen_runtime::caps! {
///     ItemCaps: Read, Replace, Delete {
///         const FILTERABLE = false;
///         const MAX_BODY_BYTES = Some(4 << 20);
///         fn check_key = item_id;
///     }
/// }
///
/// assert!(!ItemCaps::FILTERABLE && ItemCaps::SELECTABLE);
/// let items = CollectionPath::<serde_json::Value, ItemCaps>::root("items", Clouds::ALL);
/// let err = items.key("a-b").put(&serde_json::json!({})).path().unwrap_err();
/// assert!(matches!(err, Error::InvalidKey { segment: "items", .. }), "{err}");
/// ```
#[macro_export]
macro_rules! caps {
    (
        $name:ident: $($verb:ident $(($answer:ty))?),* $(,)?
        $({
            $(const $const:ident = $value:expr;)*
            $(fn check_key = $check:path;)?
        })?
        $(;)?
    ) => {
        impl $crate::caps::Caps for $name {
            $($($crate::__caps_const!($const = $value);)*)?
            $($(
                fn check_key(key: &str) -> $crate::__private::Result<(), &'static str> {
                    $check(key)
                }
            )?)?
        }
        $($crate::__caps_verb!($name: $verb $(($answer))?);)*
    };
}

/// One constant of [`caps!`](crate::caps!), with its type.
#[doc(hidden)]
#[macro_export]
macro_rules! __caps_const {
    (MAX_BODY_BYTES = $value:expr) => {
        const MAX_BODY_BYTES: $crate::__private::Option<usize> = $value;
    };
    (MAX_COLLECTION_ITEMS = $value:expr) => {
        const MAX_COLLECTION_ITEMS: $crate::__private::Option<(&'static str, usize)> = $value;
    };
    ($const:ident = $value:expr) => {
        const $const: bool = $value;
    };
}

/// One verb trait of [`caps!`](crate::caps!).
#[doc(hidden)]
#[macro_export]
macro_rules! __caps_verb {
    ($name:ident: Update) => {
        impl $crate::caps::Update for $name {
            type Updated = ();
        }
    };
    ($name:ident: Update($answer:ty)) => {
        impl $crate::caps::Update for $name {
            type Updated = $answer;
        }
    };
    ($name:ident: $verb:ident) => {
        impl $crate::caps::$verb for $name {}
    };
}
