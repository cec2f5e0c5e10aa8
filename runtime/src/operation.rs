//! The description of one API operation, its request path and the service
//! root it is sent to.

use std::fmt;
use std::net::IpAddr;

use http::{HeaderMap, Method, StatusCode};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

use crate::{Cloud, Clouds, Error};

/// One API request with its inputs: a generated request type (see
/// [`operation!`](crate::operation!)) or a generic verb on a resource path
/// (see [`resource`](crate::resource)).
///
/// It knows its method, path and body and how to read a successful
/// response; the rest (headers, retries, errors) is the runtime's. See
/// [`build_request`](crate::build_request) and
/// [`parse_response`](crate::parse_response) for use without [`Client`](crate::Client).
/// Name, method and availability are methods, not constants, so one generic
/// request type serves every path.
pub trait Operation {
    /// What a successful response is parsed into.
    type Output;
    /// What the request is, for errors and logs: the qualified CSDL name of
    /// an action or function (`"microsoft.graph.externalConnectors.addActivities"`),
    /// or the verb of a resource request (`"get"`, `"list"`, …).
    fn name(&self) -> &'static str;
    /// The HTTP method.
    fn method(&self) -> Method;
    /// The clouds whose metadata has this request (computed by the generator).
    fn availability(&self) -> Clouds;
    /// Whether the request asks for enum members declared after
    /// `unknownFutureValue` (`Prefer: include-unknown-enum-members`): Graph
    /// sends and accepts them only then.
    fn prefer_unknown_enum_members(&self) -> bool {
        false
    }
    /// The path below the service root, percent-encoded, starting with `/`;
    /// it may end with a query string (`?$top=5`), also percent-encoded.
    fn path(&self) -> Result<String, Error>;
    /// The JSON request body, if any.
    fn body(&self) -> Result<Option<Vec<u8>>, Error>;
    /// Turns a 2xx response into the output; consumes the operation so its
    /// inputs can be paired with results.
    fn parse_response(
        self,
        status: StatusCode,
        headers: &HeaderMap,
        body: &[u8],
    ) -> Result<Self::Output, Error>;
}

/// Characters left as they are in a key segment: RFC 3986 `unreserved`.
const KEY_ENCODE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Builds a percent-encoded request path.
///
/// ```
/// use graphgen_runtime::PathBuilder;
///
/// let path = PathBuilder::new()
///     .segment("external")
///     .segment("connections")
///     .key("contoso")
///     .segment("items")
///     .key("a/b?c#d%e f")
///     .segment("addActivities")
///     .finish()?;
/// assert_eq!(path, "/external/connections/contoso/items/a%2Fb%3Fc%23d%25e%20f/addActivities");
/// # Ok::<(), graphgen_runtime::Error>(())
/// ```
///
/// A bad key does not stop the chain: the builder keeps the first one and
/// [`finish`](Self::finish) returns its error, so a generated `path` is one
/// expression without a `?` per key (rustc checks that faster).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PathBuilder {
    path: String,
    last_segment: &'static str,
    /// The first bad key: the segment it addresses, and what is wrong.
    bad_key: Option<(&'static str, &'static str)>,
}

impl PathBuilder {
    /// An empty path.
    pub fn new() -> Self {
        PathBuilder::default()
    }

    /// Appends a CSDL name (entity set, navigation property, bound
    /// operation) as it is. It must be a static identifier from the metadata:
    /// it is not encoded, so it must hold only unreserved characters
    /// (debug builds assert this).
    pub fn segment(mut self, name: &'static str) -> Self {
        debug_assert!(
            !name.is_empty()
                && name
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b)),
            "PathBuilder::segment({name:?}) takes a CSDL identifier"
        );
        self.path.push('/');
        self.path.push_str(name);
        self.last_segment = name;
        self
    }

    /// Appends a segment that is not a CSDL identifier and needs no
    /// encoding (`$ref`).
    pub(crate) fn raw_segment(mut self, segment: &'static str) -> Self {
        self.path.push('/');
        self.path.push_str(segment);
        self
    }

    /// Like [`key`](Self::key), first asking `check` (a path's own key
    /// rule) whether the key is acceptable.
    pub(crate) fn checked_key(
        mut self,
        id: &str,
        check: fn(&str) -> Result<(), &'static str>,
    ) -> Self {
        if let Err(reason) = check(id) {
            self.bad_key.get_or_insert((self.last_segment, reason));
        }
        self.key(id)
    }

    /// A path already checked and encoded (one the service handed out).
    pub(crate) fn from_encoded(path: String) -> Self {
        PathBuilder {
            path,
            ..PathBuilder::default()
        }
    }

    /// The path so far, whatever its keys.
    pub(crate) fn as_str(&self) -> &str {
        &self.path
    }

    /// The error of the first bad key, if any.
    pub(crate) fn error(&self) -> Option<Error> {
        self.bad_key
            .map(|(segment, reason)| Error::InvalidKey { segment, reason })
    }

    /// Appends a key value (`.../connections/{id}`) as one segment,
    /// percent-encoding every byte that is not an RFC 3986 unreserved
    /// character, so the value can never add segments, a query or a fragment.
    ///
    /// An empty key, and `.` and `..` (which URL normalization would remove
    /// or turn into "the parent"), make [`finish`](Self::finish) fail with
    /// [`Error::InvalidKey`], naming the segment the key addresses.
    pub fn key(mut self, id: impl AsRef<str>) -> Self {
        let id = id.as_ref();
        let reason = match id {
            "" => Some("the key is empty"),
            "." | ".." => Some("the key is a dot segment ('.' or '..')"),
            _ => None,
        };
        if let Some(reason) = reason {
            self.bad_key.get_or_insert((self.last_segment, reason));
        }
        self.path.push('/');
        self.path.extend(utf8_percent_encode(id, KEY_ENCODE));
        self
    }

    /// Appends the segments of a path template: a segment in braces
    /// (`{externalItem-id}`) is the next of `keys` (see [`key`](Self::key)),
    /// any other a fixed segment (see [`segment`](Self::segment)). A
    /// template and keys that do not match make [`finish`](Self::finish)
    /// fail with [`Error::InvalidKey`].
    ///
    /// ```
    /// use graphgen_runtime::PathBuilder;
    ///
    /// let path = PathBuilder::new()
    ///     .template("/external/connections/{externalConnection-id}/items", &["contoso"])
    ///     .finish()?;
    /// assert_eq!(path, "/external/connections/contoso/items");
    /// # Ok::<(), graphgen_runtime::Error>(())
    /// ```
    pub fn template(mut self, template: &'static str, keys: &[&str]) -> Self {
        let mut keys = keys.iter();
        for segment in template.split('/').filter(|s| !s.is_empty()) {
            if segment.starts_with('{') && segment.ends_with('}') {
                match keys.next() {
                    Some(key) => self = self.key(key),
                    None => self.mismatch(),
                }
            } else {
                self = self.segment(segment);
            }
        }
        if keys.next().is_some() {
            self.mismatch();
        }
        self
    }

    /// Records that a template and its keys do not match.
    fn mismatch(&mut self) {
        let reason = "the path template and the keys do not match";
        self.bad_key.get_or_insert((self.last_segment, reason));
    }

    /// Appends a function call, `name(p1=v1,p2=v2)`: each value an OData URL
    /// literal, percent-encoded like a key, so no value can change the path.
    ///
    /// ```
    /// use graphgen_runtime::{odata::Literal, PathBuilder};
    ///
    /// let path = PathBuilder::new()
    ///     .segment("reports")
    ///     .function("getReport", &[("period", Literal::string("D7")), ("top", Literal::raw(5))])
    ///     .finish()?;
    /// assert_eq!(path, "/reports/getReport(period=%27D7%27,top=5)");
    /// # Ok::<(), graphgen_runtime::Error>(())
    /// ```
    pub fn function(
        mut self,
        name: &'static str,
        args: &[(&'static str, crate::odata::Literal)],
    ) -> Self {
        self = self.segment(name);
        self.path.push('(');
        for (i, (param, value)) in args.iter().enumerate() {
            if i > 0 {
                self.path.push(',');
            }
            self.path.push_str(param);
            self.path.push('=');
            self.path
                .extend(utf8_percent_encode(value.as_str(), KEY_ENCODE));
        }
        self.path.push(')');
        self
    }

    /// The path, starting with `/` (empty if nothing was appended), or the
    /// error of the first bad key.
    pub fn finish(self) -> Result<String, Error> {
        match self.error() {
            Some(e) => Err(e),
            None => Ok(self.path),
        }
    }
}

/// A validated service root such as `https://graph.microsoft.com/v1.0`:
/// absolute, `https` (plain `http` only for loopback hosts: `localhost`,
/// `127.0.0.0/8`, `::1`), no user info, query or fragment; a trailing `/`
/// is dropped.
///
/// ```
/// use graphgen_runtime::{BaseUrl, Cloud};
///
/// assert_eq!(BaseUrl::for_cloud(Cloud::China).as_str(), "https://microsoftgraph.chinacloudapi.cn/v1.0");
/// assert!(BaseUrl::parse("http://127.0.0.1:8080/v1.0/").is_ok());
/// assert!(BaseUrl::parse("http://graph.example.com/v1.0").is_err());
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct BaseUrl(String);

impl BaseUrl {
    /// Validates a service root.
    pub fn parse(url: &str) -> Result<Self, Error> {
        let bad = |reason| Error::InvalidBaseUrl {
            url: url.to_owned(),
            reason,
        };
        if url.contains(['?', '#']) {
            return Err(bad("a base URL cannot have a query or a fragment"));
        }
        let uri: http::Uri = url.parse().map_err(|_| bad("not a valid absolute URL"))?;
        let authority = uri.authority().ok_or(bad("not an absolute URL"))?;
        if authority.as_str().contains('@') {
            return Err(bad("a base URL cannot hold user info"));
        }
        let host = authority.host();
        if host.is_empty() {
            return Err(bad("no host"));
        }
        match uri.scheme_str() {
            Some("https") => {}
            Some("http") if is_loopback(host) => {}
            Some("http") => {
                return Err(bad(
                    "plain http is allowed only for loopback hosts (localhost, 127.0.0.0/8, ::1)",
                ))
            }
            _ => return Err(bad("the scheme must be https")),
        }
        let trimmed = url.trim_end_matches('/');
        Ok(BaseUrl(trimmed.to_owned()))
    }

    /// The built-in service root of a cloud.
    pub fn for_cloud(cloud: Cloud) -> Self {
        BaseUrl(cloud.graph_base_url().to_owned())
    }

    /// The URL, without a trailing `/`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The path and query of `url` below this service root, starting with
    /// `/`: how a URL the service hands out (`@odata.nextLink`, a
    /// `Location`) is sent through the same client. `None` when `url` is
    /// not under the root: another scheme, host or port (the default port
    /// of the scheme counts as given), user info, a fragment, or a path
    /// outside the root's. A URL starting with one `/` is taken relative to
    /// the root's host.
    ///
    /// ```
    /// use graphgen_runtime::{BaseUrl, Cloud};
    ///
    /// let base = BaseUrl::for_cloud(Cloud::Global);
    /// let next = "https://graph.microsoft.com:443/v1.0/users?$skiptoken=X%2B1";
    /// assert_eq!(base.path_of(next).as_deref(), Some("/users?$skiptoken=X%2B1"));
    /// assert_eq!(base.path_of("/v1.0/users").as_deref(), Some("/users"));
    /// assert_eq!(base.path_of("https://graph.microsoft.com.evil.example/v1.0/users"), None);
    /// assert_eq!(base.path_of("https://graph.microsoft.com/beta/users"), None);
    /// ```
    pub fn path_of(&self, url: &str) -> Option<String> {
        if url.contains('#') || url.starts_with("//") {
            return None;
        }
        let base: http::Uri = self.0.parse().ok()?;
        let path_and_query = if url.starts_with('/') {
            url.parse::<http::uri::PathAndQuery>().ok()?
        } else {
            let uri: http::Uri = url.parse().ok()?;
            let (scheme, authority) = (uri.scheme_str()?, uri.authority()?);
            let default_port = |scheme: &str| match scheme {
                "http" => Some(80),
                "https" => Some(443),
                _ => None,
            };
            let same = scheme.eq_ignore_ascii_case(base.scheme_str()?)
                && !authority.as_str().contains('@')
                && authority.host().eq_ignore_ascii_case(base.host()?)
                && uri.port_u16().or(default_port(scheme))
                    == base.port_u16().or(default_port(base.scheme_str()?));
            if !same {
                return None;
            }
            uri.path_and_query()?.clone()
        };
        let rest = path_and_query
            .as_str()
            .strip_prefix(base.path().trim_end_matches('/'))?;
        rest.starts_with('/').then(|| rest.to_owned())
    }

    /// `self` followed by `path` (which starts with `/`).
    pub fn join(&self, path: &str) -> String {
        let mut s = String::with_capacity(self.0.len() + path.len());
        s.push_str(&self.0);
        s.push_str(path);
        s
    }
}

fn is_loopback(host: &str) -> bool {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    bare.eq_ignore_ascii_case("localhost")
        || bare.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

impl fmt::Display for BaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for BaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("BaseUrl").field(&self.0).finish()
    }
}

impl std::str::FromStr for BaseUrl {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        BaseUrl::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_one_segment() {
        let p = PathBuilder::new()
            .segment("items")
            .key("Grüße/..?x=1#f 100%")
            .finish()
            .unwrap();
        assert_eq!(p, "/items/Gr%C3%BC%C3%9Fe%2F..%3Fx%3D1%23f%20100%25");
        let p = PathBuilder::new()
            .segment("items")
            .key("A-z_0.9~")
            .finish()
            .unwrap();
        assert_eq!(p, "/items/A-z_0.9~");
        let p = PathBuilder::new()
            .segment("items")
            .key("...")
            .finish()
            .unwrap();
        assert_eq!(p, "/items/...");
    }

    #[test]
    fn templates_take_their_keys_in_order() {
        let template =
            "/external/connections/{externalConnection-id}/items/{externalItem-id}/addActivities";
        let p = PathBuilder::new()
            .template(template, &["c/1", "i 2"])
            .finish()
            .unwrap();
        assert_eq!(p, "/external/connections/c%2F1/items/i%202/addActivities");
        // A bad key names the segment before it, as with `key`.
        let e = PathBuilder::new()
            .template(template, &["c", ".."])
            .finish()
            .unwrap_err();
        assert!(
            matches!(
                e,
                Error::InvalidKey {
                    segment: "items",
                    ..
                }
            ),
            "{e:?}"
        );
        // Too few or too many keys for the template.
        for keys in [&["c"][..], &["c", "i", "x"][..]] {
            let e = PathBuilder::new()
                .template(template, keys)
                .finish()
                .unwrap_err();
            assert!(e.to_string().contains("do not match"), "{e}");
        }
    }

    #[test]
    fn bad_keys_name_the_segment() {
        for k in ["", ".", ".."] {
            // The first bad key is the one reported; the chain goes on to `finish`.
            let e = PathBuilder::new()
                .segment("connections")
                .key(k)
                .segment("items")
                .key("")
                .finish()
                .unwrap_err();
            assert!(
                matches!(
                    e,
                    Error::InvalidKey {
                        segment: "connections",
                        ..
                    }
                ),
                "{e:?}"
            );
            assert!(e.to_string().contains("`connections`"), "{e}");
        }
    }

    #[test]
    fn base_urls() {
        for ok in [
            "https://graph.microsoft.com/v1.0",
            "https://graph.microsoft.com/v1.0/",
            "http://localhost:1234",
            "http://LOCALHOST/v1.0",
            "http://127.0.0.1:9/v1.0",
            "http://127.200.3.4/v1.0",
            "http://[::1]:8080/v1.0",
            "https://10.0.0.1/v1.0",
        ] {
            let b = BaseUrl::parse(ok).unwrap_or_else(|e| panic!("{ok}: {e}"));
            assert!(!b.as_str().ends_with('/'));
        }
        for bad in [
            "http://graph.microsoft.com/v1.0",
            "http://10.0.0.1/v1.0",
            "http://[::2]/v1.0",
            "http://localhost.evil.com/",
            "ftp://localhost/",
            "https://user:pw@graph.microsoft.com/v1.0",
            "https://graph.microsoft.com/v1.0?x=1",
            "https://graph.microsoft.com/v1.0#f",
            "/v1.0",
            "graph.microsoft.com",
            "",
        ] {
            let e = BaseUrl::parse(bad).unwrap_err();
            assert!(matches!(e, Error::InvalidBaseUrl { .. }), "{bad}: {e:?}");
        }
        assert_eq!(
            BaseUrl::parse("http://127.0.0.1:1/v1.0/")
                .unwrap()
                .join("/x"),
            "http://127.0.0.1:1/v1.0/x"
        );
    }

    #[test]
    fn urls_below_the_root() {
        let base = BaseUrl::parse("http://127.0.0.1:8080/v1.0").unwrap();
        for (url, path) in [
            ("http://127.0.0.1:8080/v1.0/a?$skip=2", "/a?$skip=2"),
            ("HTTP://127.0.0.1:8080/v1.0/a/b", "/a/b"),
            ("/v1.0/a", "/a"),
        ] {
            assert_eq!(base.path_of(url).as_deref(), Some(path), "{url}");
        }
        for url in [
            "http://127.0.0.1:8081/v1.0/a",
            "http://127.0.0.1/v1.0/a",
            "https://127.0.0.1:8080/v1.0/a",
            "http://localhost:8080/v1.0/a",
            "http://u@127.0.0.1:8080/v1.0/a",
            "http://127.0.0.1:8080/v1.0/a#f",
            "http://127.0.0.1:8080/v1.0",
            "http://127.0.0.1:8080/v1.0?x=1",
            "http://127.0.0.1:8080/v1.00/a",
            "http://127.0.0.1:8080/beta/a",
            "//127.0.0.1:8080/v1.0/a",
            "/beta/a",
            "v1.0/a",
            "",
            "not a url",
        ] {
            assert_eq!(base.path_of(url), None, "{url}");
        }
        // A root without a path takes any path of its host, and the
        // scheme's default port counts as given.
        let bare = BaseUrl::parse("https://graph.microsoft.com").unwrap();
        assert_eq!(
            bare.path_of("https://graph.microsoft.com:443/x").as_deref(),
            Some("/x")
        );
        assert_eq!(bare.path_of("https://graph.microsoft.com:8443/x"), None);
    }
}
