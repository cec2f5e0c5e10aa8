//! The request of a generic verb on a path (`get`, `update`, `put`,
//! `delete`, `create`, and adding or removing a reference).

use std::fmt;

use http::{HeaderMap, Method, StatusCode};
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::path::Route;
use crate::caps::{Delete, Insert, Read, Replace, Respond, Update};
use crate::{
    odata, BaseUrl, Client, Clouds, CollectionPath, Error, Operation, Path, PathBuilder,
    RefCollectionPath,
};

/// Reads a 2xx response into the request's output.
pub(crate) type Reader<O> = fn(StatusCode, &HeaderMap, &[u8]) -> Result<O, Error>;

/// A value serialized only when the request is built.
trait JsonBody {
    fn to_json(&self) -> Result<Vec<u8>, Error>;
}

impl<T: Serialize + ?Sized> JsonBody for T {
    fn to_json(&self) -> Result<Vec<u8>, Error> {
        serde_json::to_vec(self).map_err(Error::Encode)
    }
}

enum Body<'a> {
    None,
    Value(&'a (dyn JsonBody + Sync)),
    /// `{"@odata.id": …}` of a member given by URL, or by key in `target`.
    Reference {
        target: &'static str,
        id_or_url: String,
        check: fn(&str) -> Result<(), &'static str>,
    },
}

/// The request of a generic verb on a [`Path`], [`CollectionPath`] or
/// [`RefCollectionPath`]: an [`Operation`] whose output is `O`. Nothing is
/// checked or serialized until it is built ([`build_request`](crate::build_request)
/// or [`send`](Self::send)); then a bad key, a body larger than the path's
/// [`MAX_BODY_BYTES`](crate::caps::Caps::MAX_BODY_BYTES), or a body that
/// cannot be serialized is an error and nothing is sent.
///
/// ```
/// use graphgen_runtime::{Clouds, CollectionPath, Operation};
/// use http::Method;
///
/// let users = CollectionPath::<serde_json::Value>::root("users", Clouds::ALL);
/// let patch = serde_json::json!({"jobTitle": "Engineer"});
/// let request = users.key("42").update(&patch);
/// assert_eq!(request.method(), Method::PATCH);
/// assert_eq!(request.path()?, "/users/42");
/// assert_eq!(request.body()?.unwrap(), br#"{"jobTitle":"Engineer"}"#);
/// # Ok::<(), graphgen_runtime::Error>(())
/// ```
#[must_use = "a request does nothing until it is sent"]
pub struct ResourceRequest<'a, O> {
    name: &'static str,
    method: Method,
    route: Route,
    body: Body<'a>,
    limit: Option<usize>,
    items: Option<(&'static str, usize)>,
    prefer: bool,
    root: Option<BaseUrl>,
    read: Reader<O>,
}

impl<O> fmt::Debug for ResourceRequest<'_, O> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResourceRequest")
            .field("name", &self.name)
            .field("method", &self.method)
            .field("path", &self.route.as_str())
            .finish_non_exhaustive()
    }
}

impl<'a, O> ResourceRequest<'a, O> {
    fn new<C: crate::caps::Caps>(
        name: &'static str,
        method: Method,
        route: Route,
        body: Body<'a>,
        read: Reader<O>,
    ) -> Self {
        ResourceRequest {
            name,
            method,
            route,
            body,
            limit: C::MAX_BODY_BYTES,
            items: C::MAX_COLLECTION_ITEMS,
            prefer: C::PREFER_UNKNOWN_ENUM_MEMBERS,
            root: None,
            read,
        }
    }

    /// A `GET` of a path the service handed out.
    pub(crate) fn follow(name: &'static str, route: Route, prefer: bool, read: Reader<O>) -> Self {
        ResourceRequest {
            name,
            method: Method::GET,
            route,
            body: Body::None,
            limit: None,
            items: None,
            prefer,
            root: None,
            read,
        }
    }

    /// Sets the service root from which [`add`](RefCollectionPath::add)
    /// makes a member's URL when it is given by key; [`send`](Self::send)
    /// sets the client's, so only a request built without a
    /// [`Client`] (sans-IO) needs it.
    pub fn service_root(mut self, root: &BaseUrl) -> Self {
        self.root = Some(root.clone());
        self
    }

    /// Sends the request with `client` (token, retries, typed errors).
    pub async fn send(self, client: &Client) -> Result<O, Error> {
        client.send(self.service_root(client.base_url())).await
    }

    fn reference_body(
        &self,
        id_or_url: &str,
        target: &'static str,
        check: fn(&str) -> Result<(), &'static str>,
    ) -> Result<Vec<u8>, Error> {
        let url = if id_or_url.starts_with("https://") || id_or_url.starts_with("http://") {
            id_or_url.parse::<http::Uri>().map_err(|e| {
                Error::InvalidRequest(format!("bad reference URL {id_or_url:?}: {e}"))
            })?;
            id_or_url.to_owned()
        } else {
            let path = PathBuilder::new()
                .segment(target)
                .checked_key(id_or_url, check)
                .finish()?;
            let root = self.root.as_ref().ok_or_else(|| {
                Error::InvalidRequest(format!(
                    "a reference by key ({id_or_url:?}) needs the service root: send the request with a Client, or call service_root"
                ))
            })?;
            root.join(&path)
        };
        serde_json::to_vec(&serde_json::json!({ "@odata.id": url })).map_err(Error::Encode)
    }
}

impl<O> Operation for ResourceRequest<'_, O> {
    type Output = O;

    fn name(&self) -> &'static str {
        self.name
    }

    fn method(&self) -> Method {
        self.method.clone()
    }

    fn availability(&self) -> Clouds {
        self.route.clouds()
    }

    fn prefer_unknown_enum_members(&self) -> bool {
        self.prefer
    }

    fn path(&self) -> Result<String, Error> {
        self.route.check().map(str::to_owned)
    }

    fn body(&self) -> Result<Option<Vec<u8>>, Error> {
        let bytes = match &self.body {
            Body::None => return Ok(None),
            Body::Value(value) => value.to_json()?,
            Body::Reference {
                target,
                id_or_url,
                check,
            } => self.reference_body(id_or_url, target, *check)?,
        };
        if let Some((property, max)) = self.items {
            check_items(&bytes, property, max)?;
        }
        match self.limit {
            Some(limit) if bytes.len() > limit => Err(Error::RequestTooLarge {
                limit,
                size: bytes.len(),
            }),
            _ => Ok(Some(bytes)),
        }
    }

    fn parse_response(
        self,
        status: StatusCode,
        headers: &HeaderMap,
        body: &[u8],
    ) -> Result<O, Error> {
        (self.read)(status, headers, body)
    }
}

/// An entity in the body (200 or 201).
fn read_object<T: DeserializeOwned>(
    status: StatusCode,
    _: &HeaderMap,
    body: &[u8],
) -> Result<T, Error> {
    odata::object(status, body)
}

impl<T: DeserializeOwned, C: Read> Path<T, C> {
    /// `GET` the entity.
    pub fn get(&self) -> ResourceRequest<'static, T> {
        let route = self.route().clone();
        ResourceRequest::new::<C>("get", Method::GET, route, Body::None, read_object::<T>)
    }
}

impl<T: Serialize + Sync, C: Update> Path<T, C> {
    /// `PATCH` the entity with the members of `value` that are set; the
    /// answer is read as [`Update::Updated`] says (`()`, or a
    /// [`LongRunning`](crate::LongRunning) operation).
    pub fn update<'a>(&self, value: &'a T) -> ResourceRequest<'a, C::Updated> {
        let route = self.route().clone();
        let body = Body::Value(value);
        ResourceRequest::new::<C>("update", Method::PATCH, route, body, C::Updated::respond)
    }
}

impl<T: Serialize + Sync, C: Replace> Path<T, C> {
    /// `PUT` the entity: create it, or replace it whole. Any 2xx (200, 201,
    /// 204) is success; its body is not read.
    pub fn put<'a>(&self, value: &'a T) -> ResourceRequest<'a, ()> {
        let route = self.route().clone();
        let body = Body::Value(value);
        ResourceRequest::new::<C>("replace", Method::PUT, route, body, <()>::respond)
    }
}

impl<T, C: Delete> Path<T, C> {
    /// `DELETE` the entity.
    pub fn delete(&self) -> ResourceRequest<'static, ()> {
        let route = self.route().clone();
        ResourceRequest::new::<C>("delete", Method::DELETE, route, Body::None, <()>::respond)
    }
}

impl<T: Serialize + DeserializeOwned + Sync, C: Insert> CollectionPath<T, C> {
    /// `POST` a new member; the answer (201) is the member as created.
    pub fn create<'a>(&self, value: &'a T) -> ResourceRequest<'a, T> {
        let route = self.route().clone();
        let body = Body::Value(value);
        ResourceRequest::new::<C>("create", Method::POST, route, body, read_object::<T>)
    }
}

impl<T, C: Insert> RefCollectionPath<T, C> {
    /// Adds a reference to a member: `POST …/$ref` with
    /// `{"@odata.id": "<URL>"}`. `id_or_url` is the member's absolute URL
    /// (`https://…`), sent as given, or its key, made into
    /// `<service root>/<target>/<key>` (see [`Path::refs`]).
    ///
    /// ```
    /// use graphgen_runtime::{BaseUrl, Cloud, Clouds, CollectionPath, Operation};
    ///
    /// let members = CollectionPath::<serde_json::Value>::root("groups", Clouds::ALL)
    ///     .key("g1")
    ///     .refs::<serde_json::Value, graphgen_runtime::caps::Standard>(
    ///         "members", "directoryObjects", Clouds::ALL);
    /// let add = members.add("u 1").service_root(&BaseUrl::for_cloud(Cloud::Global));
    /// assert_eq!(add.path()?, "/groups/g1/members/$ref");
    /// assert_eq!(
    ///     add.body()?.unwrap(),
    ///     br#"{"@odata.id":"https://graph.microsoft.com/v1.0/directoryObjects/u%201"}"#
    /// );
    /// # Ok::<(), graphgen_runtime::Error>(())
    /// ```
    pub fn add(&self, id_or_url: &str) -> ResourceRequest<'static, ()> {
        let route = self.route().reference();
        let body = Body::Reference {
            target: self.target(),
            id_or_url: id_or_url.to_owned(),
            check: C::check_key,
        };
        ResourceRequest::new::<C>("add reference", Method::POST, route, body, <()>::respond)
    }
}

impl<T, C: Delete> RefCollectionPath<T, C> {
    /// Removes the reference to the member with key `id`:
    /// `DELETE …/{id}/$ref`. The member itself stays.
    pub fn remove(&self, id: &str) -> ResourceRequest<'static, ()> {
        let route = self.route().member_reference(id, C::check_key);
        ResourceRequest::new::<C>(
            "remove reference",
            Method::DELETE,
            route,
            Body::None,
            <()>::respond,
        )
    }
}

/// Refuses a body whose collection `property` holds more than `max` items
/// ([`Caps::MAX_COLLECTION_ITEMS`](crate::caps::Caps::MAX_COLLECTION_ITEMS)).
fn check_items(body: &[u8], property: &'static str, max: usize) -> Result<(), Error> {
    #[derive(serde::Deserialize)]
    struct Counted(#[serde(default)] serde_json::Map<String, serde_json::Value>);
    let Ok(Counted(object)) = serde_json::from_slice(body) else {
        return Ok(());
    };
    match object.get(property).and_then(serde_json::Value::as_array) {
        Some(items) if items.len() > max => Err(Error::TooManyPropertyItems {
            property,
            max,
            got: items.len(),
        }),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::caps::{Caps, Standard, StandardEvolvable};
    use crate::{Cloud, RequestContext};

    fn short(key: &str) -> Result<(), &'static str> {
        match key.len() <= 4 {
            true => Ok(()),
            false => Err("at most 4 characters"),
        }
    }

    struct Small;
    impl Caps for Small {
        const MAX_BODY_BYTES: Option<usize> = Some(16);
        fn check_key(key: &str) -> Result<(), &'static str> {
            short(key)
        }
    }
    impl Replace for Small {}
    impl Insert for Small {}
    impl Delete for Small {}

    struct Refs;
    crate::caps! { Refs: Insert, Delete { fn check_key = short; } }

    type Value = serde_json::Value;

    fn items() -> CollectionPath<Value, Small> {
        CollectionPath::root("items", Clouds::of(&[Cloud::Global]))
    }

    /// Name, method, path and body of a request.
    fn shape<O>(r: ResourceRequest<'_, O>) -> (&'static str, Method, String, Option<String>) {
        let body = r.body().unwrap().map(|b| String::from_utf8(b).unwrap());
        (r.name(), r.method(), r.path().unwrap(), body)
    }

    #[test]
    fn verbs_have_their_method_path_and_body() {
        let users = CollectionPath::<Value>::root("users", Clouds::ALL);
        let user = users.key("u1");
        let v = serde_json::json!({"a": 1});
        let body = Some(r#"{"a":1}"#.to_owned());
        let one = "/users/u1".to_owned();
        assert_eq!(shape(user.get()), ("get", Method::GET, one.clone(), None));
        assert_eq!(
            shape(user.update(&v)),
            ("update", Method::PATCH, one.clone(), body.clone())
        );
        assert_eq!(shape(user.delete()), ("delete", Method::DELETE, one, None));
        assert_eq!(
            shape(users.create(&v)),
            ("create", Method::POST, "/users".to_owned(), body.clone())
        );
        let put = items().key("k").put(&v);
        assert_eq!(put.availability(), Clouds::of(&[Cloud::Global]));
        assert!(!put.prefer_unknown_enum_members());
        assert_eq!(
            shape(put),
            ("replace", Method::PUT, "/items/k".to_owned(), body)
        );
    }

    #[test]
    fn bodies_over_the_limit_are_refused() {
        let fits = serde_json::json!({"a": "01234567"});
        assert_eq!(serde_json::to_vec(&fits).unwrap().len(), 16);
        assert!(items().key("k").put(&fits).body().unwrap().is_some());
        let big = serde_json::json!({"a": "012345678"});
        for err in [
            items().key("k").put(&big).body().unwrap_err(),
            items().create(&big).body().unwrap_err(),
        ] {
            assert!(
                matches!(
                    err,
                    Error::RequestTooLarge {
                        limit: 16,
                        size: 17
                    }
                ),
                "{err:?}"
            );
            assert!(err.certainly_not_processed());
        }
        let base = crate::BaseUrl::for_cloud(Cloud::Global);
        let err =
            crate::build_request(&items().create(&big), &base, &RequestContext::new()).unwrap_err();
        assert!(matches!(err, Error::RequestTooLarge { .. }), "{err:?}");
    }

    #[test]
    fn keys_are_checked_by_the_path_rule() {
        let err = items().key("abcde").delete().path().unwrap_err();
        assert!(
            matches!(
                err,
                Error::InvalidKey {
                    segment: "items",
                    reason: "at most 4 characters"
                }
            ),
            "{err:?}"
        );
        assert_eq!(
            err.to_string(),
            "invalid key for `items`: at most 4 characters"
        );
        assert_eq!(items().key("abcd").delete().path().unwrap(), "/items/abcd");
    }

    #[test]
    fn evolvable_paths_ask_for_every_enum_member() {
        let p = CollectionPath::<Value, StandardEvolvable>::root("labels", Clouds::ALL);
        assert!(p.list().prefer_unknown_enum_members());
        assert!(p.key("a").get().prefer_unknown_enum_members());
        let base = crate::BaseUrl::for_cloud(Cloud::Global);
        let req = crate::build_request(&p.key("a").get(), &base, &RequestContext::new()).unwrap();
        assert_eq!(req.headers()["prefer"], "include-unknown-enum-members");
        let req = crate::build_request(
            &CollectionPath::<Value, Standard>::root("x", Clouds::ALL).list(),
            &base,
            &RequestContext::new(),
        )
        .unwrap();
        assert!(req.headers().get("prefer").is_none());
    }

    #[test]
    fn references_by_key_or_url() {
        let members = CollectionPath::<Value>::root("groups", Clouds::ALL)
            .key("g")
            .refs::<Value, Refs>("members", "directoryObjects", Clouds::ALL);
        let base = crate::BaseUrl::parse("http://127.0.0.1:1/v1.0").unwrap();
        let add = members.add("u/1").service_root(&base);
        assert_eq!(add.path().unwrap(), "/groups/g/members/$ref");
        assert_eq!(
            add.body().unwrap().unwrap(),
            br#"{"@odata.id":"http://127.0.0.1:1/v1.0/directoryObjects/u%2F1"}"#
        );
        let url = "https://graph.microsoft.com/v1.0/users/abc";
        let add = members.add(url);
        assert_eq!(
            add.body().unwrap().unwrap(),
            format!(r#"{{"@odata.id":"{url}"}}"#).as_bytes()
        );
        // A key needs the service root, and must pass the rule.
        let err = members.add("u1").body().unwrap_err();
        assert!(err.to_string().contains("service root"), "{err}");
        let err = members
            .add("toolong")
            .service_root(&base)
            .body()
            .unwrap_err();
        assert!(
            matches!(
                err,
                Error::InvalidKey {
                    segment: "directoryObjects",
                    ..
                }
            ),
            "{err:?}"
        );
        let err = members.add("https://bad url").body().unwrap_err();
        assert!(matches!(err, Error::InvalidRequest(_)), "{err:?}");
        let remove = members.remove("u 1");
        assert_eq!(
            (remove.method(), remove.path().unwrap()),
            (Method::DELETE, "/groups/g/members/u%201/$ref".to_owned())
        );
        assert!(remove.body().unwrap().is_none());
        let err = members.remove("..").path().unwrap_err();
        assert!(
            matches!(
                err,
                Error::InvalidKey {
                    segment: "members",
                    ..
                }
            ),
            "{err:?}"
        );
    }
}
