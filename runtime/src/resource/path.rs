//! Typed paths: where an entity or a collection is, which clouds have it,
//! and (as a type parameter) what it allows.

use std::fmt;
use std::marker::PhantomData;

use crate::caps::{Caps, Standard};
use crate::{Clouds, Error, PathBuilder};

/// A percent-encoded path and the clouds it exists in; a bad key is kept
/// and reported when a request is built.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct Route {
    path: PathBuilder,
    clouds: Clouds,
}

impl Route {
    /// A path below the service root the service handed out (a nextLink,
    /// a `Location`), with its query.
    pub(crate) fn encoded(path: String, clouds: Clouds) -> Route {
        Route {
            path: PathBuilder::from_encoded(path),
            clouds,
        }
    }

    fn root(segment: &'static str, clouds: Clouds) -> Route {
        Route {
            path: PathBuilder::new().segment(segment),
            clouds,
        }
    }

    fn child(&self, segment: &'static str, clouds: Clouds) -> Route {
        Route {
            path: self.path.clone().segment(segment),
            clouds: self.clouds.intersect(clouds),
        }
    }

    fn key(&self, id: &str, check: fn(&str) -> Result<(), &'static str>) -> Route {
        Route {
            path: self.path.clone().checked_key(id, check),
            clouds: self.clouds,
        }
    }

    /// This route followed by `$ref`.
    pub(crate) fn reference(&self) -> Route {
        Route {
            path: self.path.clone().raw_segment("$ref"),
            clouds: self.clouds,
        }
    }

    /// A member of this collection, by `id`, then `$ref`.
    pub(crate) fn member_reference(
        &self,
        id: &str,
        check: fn(&str) -> Result<(), &'static str>,
    ) -> Route {
        self.key(id, check).reference()
    }

    pub(crate) fn as_str(&self) -> &str {
        self.path.as_str()
    }

    pub(crate) fn clouds(&self) -> Clouds {
        self.clouds
    }

    /// The path, or the error of its first bad key.
    pub(crate) fn check(&self) -> Result<&str, Error> {
        match self.path.error() {
            Some(e) => Err(e),
            None => Ok(self.path.as_str()),
        }
    }

    fn fmt(&self, kind: &str, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct(kind)
            .field("path", &self.as_str())
            .field("clouds", &self.clouds)
            .finish()
    }
}

/// What [`Path`], [`CollectionPath`] and [`RefCollectionPath`] share.
macro_rules! common {
    ($name:ident) => {
        impl<T, C> $name<T, C> {
            pub(crate) fn route(&self) -> &Route {
                &self.route
            }

            /// The percent-encoded path below the service root, starting
            /// with `/`, bad keys and all.
            pub fn as_str(&self) -> &str {
                self.route.as_str()
            }

            /// The clouds whose metadata has every step of this path.
            pub fn clouds(&self) -> Clouds {
                self.route.clouds()
            }

            /// The path, or [`Error::InvalidKey`] for its first bad key.
            pub fn check(&self) -> Result<&str, Error> {
                self.route.check()
            }
        }

        impl<T, C> Clone for $name<T, C> {
            fn clone(&self) -> Self {
                $name {
                    route: self.route.clone(),
                    ..*self
                }
            }
        }

        impl<T, C> PartialEq for $name<T, C> {
            fn eq(&self, other: &Self) -> bool {
                self.route == other.route
            }
        }

        impl<T, C> Eq for $name<T, C> {}

        impl<T, C> fmt::Debug for $name<T, C> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.route.fmt(stringify!($name), f)
            }
        }
    };
}

/// One entity of type `T` (an entity set member, a singleton, a
/// single-valued navigation), its verbs allowed by `C` (see
/// [`caps`](mod@crate::caps)).
///
/// ```
/// use graphgen_runtime::{Cloud, Clouds, CollectionPath, Path};
/// # struct External; struct Connection; struct Item;
///
/// const CONNECTORS: Clouds = Clouds::of(&[Cloud::Global, Cloud::UsGovL4, Cloud::UsGovL5]);
/// let external: Path<External> = Path::root("external", CONNECTORS);
/// let connections: CollectionPath<Connection> = external.collection("connections", Clouds::ALL);
/// let item: Path<Item> = connections
///     .key("contoso hr")
///     .collection::<Item, _>("items", Clouds::of(&[Cloud::Global]))
///     .key("a/b");
/// assert_eq!(item.as_str(), "/external/connections/contoso%20hr/items/a%2Fb");
/// // Each step's clouds are intersected.
/// assert_eq!(item.clouds(), Clouds::of(&[Cloud::Global]));
/// ```
pub struct Path<T, C = Standard> {
    route: Route,
    _type: PhantomData<fn() -> (T, C)>,
}

common!(Path);

impl<T, C> Path<T, C> {
    fn at(route: Route) -> Self {
        Path {
            route,
            _type: PhantomData,
        }
    }

    /// A singleton at the service root (`/me`, `/external`).
    pub fn root(segment: &'static str, clouds: Clouds) -> Self {
        Path::at(Route::root(segment, clouds))
    }

    /// A single-valued navigation property, in the clouds of both.
    pub fn single<U, C2>(&self, segment: &'static str, clouds: Clouds) -> Path<U, C2> {
        Path::at(self.route.child(segment, clouds))
    }

    /// A collection-valued navigation property that contains its members
    /// (addressed through this entity), in the clouds of both.
    pub fn collection<U, C2>(
        &self,
        segment: &'static str,
        clouds: Clouds,
    ) -> CollectionPath<U, C2> {
        CollectionPath::at(self.route.child(segment, clouds))
    }

    /// A collection-valued navigation property that only references its
    /// members: they are listed here, and added and removed as references
    /// (`$ref`). `target` is the path of the entity set they live in (the
    /// metadata's navigation property binding, e.g. `directoryObjects`),
    /// from which [`add`](RefCollectionPath::add) makes a member's URL.
    pub fn refs<U, C2>(
        &self,
        segment: &'static str,
        target: &'static str,
        clouds: Clouds,
    ) -> RefCollectionPath<U, C2> {
        RefCollectionPath {
            route: self.route.child(segment, clouds),
            target,
            _type: PhantomData,
        }
    }

    /// The same entity as the derived type `U` (a type-cast segment, e.g.
    /// `microsoft.graph.user`), in the clouds of both.
    pub fn cast<U>(&self, qualified_name: &'static str, clouds: Clouds) -> Path<U, C> {
        Path::at(self.route.child(qualified_name, clouds))
    }
}

/// A collection of `T` (an entity set, a contained collection-valued
/// navigation), its verbs and query options allowed by `C`.
///
/// ```
/// use graphgen_runtime::{Clouds, CollectionPath, Error};
/// # struct Connection;
///
/// let connections = CollectionPath::<Connection>::root("connections", Clouds::ALL);
/// assert_eq!(connections.key("a b").as_str(), "/connections/a%20b");
/// // A bad key does not stop the chain; it is reported when a request is built.
/// let bad = connections.key("..");
/// assert_eq!(bad.as_str(), "/connections/..");
/// assert!(matches!(bad.check(), Err(Error::InvalidKey { segment: "connections", .. })));
/// ```
pub struct CollectionPath<T, C = Standard> {
    route: Route,
    _type: PhantomData<fn() -> (T, C)>,
}

common!(CollectionPath);

impl<T, C> CollectionPath<T, C> {
    fn at(route: Route) -> Self {
        CollectionPath {
            route,
            _type: PhantomData,
        }
    }

    /// An entity set at the service root (`/users`).
    pub fn root(segment: &'static str, clouds: Clouds) -> Self {
        CollectionPath::at(Route::root(segment, clouds))
    }

    /// The members of the derived type `U` only (a type-cast segment), in
    /// the clouds of both.
    pub fn cast<U>(&self, qualified_name: &'static str, clouds: Clouds) -> CollectionPath<U, C> {
        CollectionPath::at(self.route.child(qualified_name, clouds))
    }
}

impl<T, C: Caps> CollectionPath<T, C> {
    /// The member with key `id`, percent-encoded as one segment. A key that
    /// is empty, a dot segment, or refused by [`Caps::check_key`] makes
    /// every request on the path fail with [`Error::InvalidKey`].
    pub fn key(&self, id: impl AsRef<str>) -> Path<T, C> {
        Path::at(self.route.key(id.as_ref(), C::check_key))
    }
}

/// A collection-valued navigation property whose members live elsewhere
/// (e.g. a group's `members`): listed here, added and removed as
/// references. See [`Path::refs`].
pub struct RefCollectionPath<T, C = Standard> {
    route: Route,
    target: &'static str,
    _type: PhantomData<fn() -> (T, C)>,
}

common!(RefCollectionPath);

impl<T, C> RefCollectionPath<T, C> {
    /// The path of the entity set the members live in.
    pub fn target(&self) -> &'static str {
        self.target
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Cloud;

    struct Conn;
    struct Item;

    struct Strict;
    impl Caps for Strict {
        fn check_key(key: &str) -> Result<(), &'static str> {
            match key.bytes().all(|b| b.is_ascii_alphanumeric()) {
                true => Ok(()),
                false => Err("letters and digits only"),
            }
        }
    }

    const GOV: Clouds = Clouds::of(&[Cloud::Global, Cloud::UsGovL4, Cloud::UsGovL5]);

    #[test]
    fn segments_keys_and_casts() {
        let conns = Path::<(), Standard>::root("external", Clouds::ALL)
            .collection::<Conn, Standard>("connections", GOV);
        let item = conns
            .key("Grüße/..?#%")
            .collection::<Item, Standard>("items", Clouds::ALL)
            .key("i");
        assert_eq!(
            item.as_str(),
            "/external/connections/Gr%C3%BC%C3%9Fe%2F..%3F%23%25/items/i"
        );
        assert_eq!(item.check().unwrap(), item.as_str());
        let cast = item.cast::<Conn>("microsoft.graph.thing", Clouds::of(&[Cloud::Global]));
        assert_eq!(
            cast.as_str(),
            format!("{}/microsoft.graph.thing", item.as_str())
        );
        assert_eq!(cast.clouds(), Clouds::of(&[Cloud::Global]));
        let users = CollectionPath::<Conn>::root("users", Clouds::ALL)
            .cast::<Item>("microsoft.graph.user", Clouds::ALL);
        assert_eq!(users.as_str(), "/users/microsoft.graph.user");
        let manager =
            Path::<Conn>::root("me", Clouds::ALL).single::<Conn, Standard>("manager", GOV);
        assert_eq!(manager.as_str(), "/me/manager");
        assert_eq!(manager.clouds(), GOV);
        let members = manager.refs::<Conn, Standard>("members", "directoryObjects", Clouds::ALL);
        assert_eq!(members.as_str(), "/me/manager/members");
        assert_eq!(members.target(), "directoryObjects");
    }

    #[test]
    fn availability_narrows_at_every_step() {
        let china = Clouds::of(&[Cloud::China, Cloud::Global]);
        let p = Path::<Conn>::root("a", GOV)
            .single::<Conn, Standard>("b", china)
            .collection::<Conn, Standard>("c", Clouds::ALL)
            .key("k");
        assert_eq!(p.clouds(), Clouds::of(&[Cloud::Global]));
        let none = p.single::<Conn, Standard>("d", Clouds::of(&[Cloud::China]));
        assert!(none.clouds().is_empty());
    }

    #[test]
    fn bad_keys_are_kept_and_reported_with_their_segment() {
        let conns = CollectionPath::<Conn, Strict>::root("connections", Clouds::ALL);
        let first = conns
            .key("a-b")
            .collection::<Item, Standard>("items", Clouds::ALL)
            .key("");
        assert_eq!(first.as_str(), "/connections/a-b/items/");
        let err = first.check().unwrap_err();
        assert!(
            matches!(
                err,
                Error::InvalidKey {
                    segment: "connections",
                    reason: "letters and digits only"
                }
            ),
            "{err:?}"
        );
        for bad in ["", ".", ".."] {
            let err = conns.key(bad).check().unwrap_err();
            assert!(
                matches!(
                    err,
                    Error::InvalidKey {
                        segment: "connections",
                        ..
                    }
                ),
                "{bad:?}"
            );
        }
        assert_eq!(conns.key("ab12").check().unwrap(), "/connections/ab12");
    }

    #[test]
    fn paths_compare_clone_and_show_their_path() {
        let a = CollectionPath::<Conn>::root("connections", GOV).key("x");
        let b = a.clone();
        assert_eq!(a, b);
        assert_ne!(a, CollectionPath::<Conn>::root("connections", GOV).key("y"));
        assert_eq!(
            format!("{a:?}"),
            r#"Path { path: "/connections/x", clouds: {Global, UsGovL4, UsGovL5} }"#
        );
    }
}
