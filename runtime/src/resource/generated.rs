//! The macros the generated resource API invokes: entry points of the
//! entity container, navigation from a path addressing one entity, and the
//! status of a long-running operation.

/// Functions returning the paths of the entity container's entity sets
/// and singletons: each `fn name() -> PathType = "segment" [Clouds...];`.
///
/// ```
/// use graphgen_runtime::{CollectionPath, Path};
///
/// graphgen_runtime::roots! {
///     /// `users`.
///     pub fn users() -> CollectionPath<serde_json::Value> = "users" [Global, China];
///     /// `me`.
///     pub fn me() -> Path<serde_json::Value> = "me" [Global];
/// }
///
/// assert_eq!(users().key("a b").as_str(), "/users/a%20b");
/// assert!(!me().clouds().contains(graphgen_runtime::Cloud::China));
/// ```
#[macro_export]
macro_rules! roots {
    ($(
        $(#[$attr:meta])*
        pub fn $name:ident() -> $path:ty = $segment:literal [$($cloud:ident),* $(,)?];
    )*) => {
        $(
            $(#[$attr])*
            pub fn $name() -> $path {
                <$path>::root($segment, $crate::Clouds::of(&[$($crate::Cloud::$cloud),*]))
            }
        )*
    };
}

/// A trait of the navigation properties of an entity type, implemented for
/// every [`Path`](crate::Path) addressing one entity of it: each
/// `fn name() -> PathType = kind(segments...) [Clouds...];`, where `kind` is
/// the [`Path`](crate::Path) method that makes the path (`single`,
/// `collection`, or `refs` with the entity set its members live in).
///
/// ```
/// use graphgen_runtime::{CollectionPath, Path, RefCollectionPath};
///
/// pub struct Connection;
/// pub struct Item;
///
/// graphgen_runtime::navigation! {
///     /// Navigation from a connection.
///     pub trait ConnectionNav for Connection {
///         /// Its items.
///         fn items() -> CollectionPath<Item> = collection("items") [Global];
///         /// Its owners, by reference.
///         fn owners() -> RefCollectionPath<Item> = refs("owners", "users") [Global];
///     }
/// }
///
/// let connection = CollectionPath::<Connection>::root("connections", graphgen_runtime::Clouds::ALL).key("c");
/// assert_eq!(connection.items().key("i").as_str(), "/connections/c/items/i");
/// assert_eq!(connection.owners().as_str(), "/connections/c/owners");
/// ```
#[macro_export]
macro_rules! navigation {
    (
        $(#[$attr:meta])*
        pub trait $trait:ident for $entity:ty {
            $(
                $(#[$method_attr:meta])*
                fn $method:ident() -> $path:ty = $kind:ident($($segment:literal),+) [$($cloud:ident),* $(,)?];
            )*
        }
    ) => {
        $(#[$attr])*
        pub trait $trait {
            $(
                $(#[$method_attr])*
                fn $method(&self) -> $path;
            )*
        }
        impl<C> $trait for $crate::Path<$entity, C> {
            $(
                fn $method(&self) -> $path {
                    self.$kind($($segment,)+ $crate::Clouds::of(&[$($crate::Cloud::$cloud),*]))
                }
            )*
        }
    };
}

/// [`OperationStatus`](crate::OperationStatus) for the resource a
/// long-running operation's `Location` names: which member of which
/// property says it succeeded or failed (any other is still running).
///
/// ```
/// use graphgen_runtime::{Nullable, OperationStatus, State};
///
/// #[derive(Clone, PartialEq, Default)]
/// pub struct Operation {
///     pub status: Nullable<String>,
/// }
/// graphgen_runtime::object! {
///     Operation = "contoso.operation" {
///         status: String = "status",
///     }
/// }
///
/// graphgen_runtime::operation_status! {
///     Operation: status {
///         succeeded: "completed",
///         failed: "failed",
///     }
/// }
///
/// let running: Operation = serde_json::from_str(r#"{"status":"inprogress"}"#)?;
/// assert_eq!(running.state(), State::Running);
/// let done: Operation = serde_json::from_str(r#"{"status":"completed"}"#)?;
/// assert_eq!(done.state(), State::Succeeded);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[macro_export]
macro_rules! operation_status {
    ($name:ident: $status:ident { succeeded: $succeeded:literal, failed: $failed:literal $(,)? }) => {
        impl $crate::OperationStatus for $name {
            fn state(&self) -> $crate::State {
                match self.$status.value().map(|status| status.as_str()) {
                    $crate::__private::Some($succeeded) => $crate::State::Succeeded,
                    $crate::__private::Some($failed) => $crate::State::Failed,
                    _ => $crate::State::Running,
                }
            }
        }
    };
}
