//! Listing a collection: query options, one page, and every page or item
//! as a stream that follows `@odata.nextLink`.

use std::fmt;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;
use http::{HeaderMap, Method, StatusCode};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde::de::DeserializeOwned;
use serde::Deserialize;

use super::path::Route;
use crate::caps::{Caps, Read, Standard};
use crate::transport::BoxFuture;
use crate::{Client, Clouds, CollectionPath, Error, Operation, RefCollectionPath, ResourceRequest};

/// Characters left as they are in a query option's value: RFC 3986
/// `unreserved`, and the sub-delimiters OData expressions are written
/// with, which mean nothing to a query string (`&`, `=`, `+`, `;`, `#`
/// and `%` are encoded).
const QUERY_ENCODE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')')
    .remove(b',')
    .remove(b':')
    .remove(b'/')
    .remove(b'@')
    .remove(b'!')
    .remove(b'*')
    .remove(b'$');

/// One page of a collection.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    /// The members on this page (`value`).
    pub items: Vec<T>,
    /// Where the next page is (`@odata.nextLink`), if there is one.
    pub next_link: Option<String>,
    /// The size of the whole collection (`@odata.count`), when asked for
    /// with [`count`](ListRequest::count).
    pub count: Option<u64>,
}

#[derive(Deserialize)]
#[serde(bound = "T: DeserializeOwned")]
struct WirePage<T> {
    value: Vec<T>,
    #[serde(rename = "@odata.nextLink")]
    next_link: Option<String>,
    #[serde(rename = "@odata.count")]
    count: Option<u64>,
}

fn read_page<T: DeserializeOwned>(
    status: StatusCode,
    _: &HeaderMap,
    body: &[u8],
) -> Result<Page<T>, Error> {
    let page: WirePage<T> = serde_json::from_slice(body).map_err(|e| Error::decode(status, e))?;
    Ok(Page {
        items: page.value,
        next_link: page.next_link,
        count: page.count,
    })
}

/// A `GET` of a collection with its query options: an [`Operation`] whose
/// output is one [`Page`]; [`stream`](Self::stream) and
/// [`pages`](Self::pages) follow `@odata.nextLink` to the end.
///
/// An option the collection does not support (see
/// [`Caps`](crate::caps::Caps)) is refused with
/// [`Error::QueryNotSupported`] when the request is built; setting an
/// option again replaces its value. Values are percent-encoded.
///
/// ```
/// use graphgen_runtime::{Clouds, CollectionPath, Operation};
///
/// let users = CollectionPath::<serde_json::Value>::root("users", Clouds::ALL);
/// let list = users
///     .list()
///     .select(&["id", "displayName"])
///     .filter("startswith(displayName,'A&B')")
///     .top(5)
///     .count(true);
/// assert_eq!(
///     list.path()?,
///     "/users?$select=id,displayName&$filter=startswith(displayName,'A%26B')&$top=5&$count=true"
/// );
/// # Ok::<(), graphgen_runtime::Error>(())
/// ```
#[must_use = "a request does nothing until it is sent"]
pub struct ListRequest<T, C = Standard> {
    route: Route,
    prefer: bool,
    query: Vec<(&'static str, String)>,
    refused: Option<&'static str>,
    _type: PhantomData<fn() -> (T, C)>,
}

impl<T, C> fmt::Debug for ListRequest<T, C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ListRequest")
            .field("path", &self.route.as_str())
            .field("query", &self.query)
            .finish_non_exhaustive()
    }
}

impl<T: DeserializeOwned, C: Read> CollectionPath<T, C> {
    /// `GET` the collection, one page at a time.
    pub fn list(&self) -> ListRequest<T, C> {
        ListRequest::new(self.route().clone())
    }
}

impl<T: DeserializeOwned, C: Read> RefCollectionPath<T, C> {
    /// `GET` the members this navigation property references.
    pub fn list(&self) -> ListRequest<T, C> {
        ListRequest::new(self.route().clone())
    }
}

impl<T, C: Caps> ListRequest<T, C> {
    fn new(route: Route) -> Self {
        ListRequest {
            route,
            prefer: C::PREFER_UNKNOWN_ENUM_MEMBERS,
            query: Vec::new(),
            refused: None,
            _type: PhantomData,
        }
    }

    fn option(mut self, name: &'static str, supported: bool, value: String) -> Self {
        if !supported {
            self.refused.get_or_insert(name);
        }
        match self.query.iter_mut().find(|(n, _)| *n == name) {
            Some(slot) => slot.1 = value,
            None => self.query.push((name, value)),
        }
        self
    }

    fn encoded(value: &str) -> String {
        utf8_percent_encode(value, QUERY_ENCODE).to_string()
    }

    /// `$select`: only these properties.
    pub fn select(self, properties: &[&str]) -> Self {
        let value: Vec<String> = properties.iter().map(|p| Self::encoded(p)).collect();
        self.option("$select", C::SELECTABLE, value.join(","))
    }

    /// `$filter`: an OData boolean expression, e.g. `startswith(displayName,'A')`.
    pub fn filter(self, expression: &str) -> Self {
        self.option("$filter", C::FILTERABLE, Self::encoded(expression))
    }

    /// `$search`: as Graph takes it, e.g. `"displayName:contoso"` (with the
    /// double quotes).
    pub fn search(self, text: &str) -> Self {
        self.option("$search", C::SEARCHABLE, Self::encoded(text))
    }

    /// `$orderby`, e.g. `displayName desc`.
    pub fn order_by(self, expression: &str) -> Self {
        self.option("$orderby", C::SORTABLE, Self::encoded(expression))
    }

    /// `$expand`, e.g. `members($select=id)`.
    pub fn expand(self, expression: &str) -> Self {
        self.option("$expand", C::EXPANDABLE, Self::encoded(expression))
    }

    /// `$top`: at most this many members per page.
    pub fn top(self, n: u32) -> Self {
        self.option("$top", C::TOP, n.to_string())
    }

    /// `$skip`: leave out this many members first.
    pub fn skip(self, n: u32) -> Self {
        self.option("$skip", C::SKIP, n.to_string())
    }

    /// `$count`: whether the first page says how many members there are
    /// ([`Page::count`]).
    pub fn count(self, count: bool) -> Self {
        self.option("$count", C::COUNTABLE, count.to_string())
    }
}

impl<T: DeserializeOwned, C> ListRequest<T, C> {
    /// Sends the request: the first page.
    pub async fn send(self, client: &Client) -> Result<Page<T>, Error> {
        client.send(self).await
    }
}

impl<T: DeserializeOwned + Send + 'static, C> ListRequest<T, C> {
    /// Every page, each fetched when the one before has been taken (see
    /// [`Pages`]).
    pub fn pages(self, client: &Client) -> Pages<T> {
        let state = match self.path() {
            Ok(path) => Step::Next { name: "list", path },
            Err(e) => Step::Failed(e),
        };
        Pages {
            client: client.clone(),
            clouds: self.route.clouds(),
            prefer: self.prefer,
            state,
        }
    }

    /// Every member of every page, in order (see [`Items`]).
    pub fn stream(self, client: &Client) -> Items<T> {
        Items {
            pages: self.pages(client),
            current: Vec::new().into_iter(),
        }
    }
}

impl<T: DeserializeOwned, C> Operation for ListRequest<T, C> {
    type Output = Page<T>;

    fn name(&self) -> &'static str {
        "list"
    }

    fn method(&self) -> Method {
        Method::GET
    }

    fn availability(&self) -> Clouds {
        self.route.clouds()
    }

    fn prefer_unknown_enum_members(&self) -> bool {
        self.prefer
    }

    fn path(&self) -> Result<String, Error> {
        let path = self.route.check()?;
        if let Some(option) = self.refused {
            return Err(Error::QueryNotSupported {
                option,
                path: path.to_owned(),
            });
        }
        let mut out = path.to_owned();
        for (i, (name, value)) in self.query.iter().enumerate() {
            out.push(if i == 0 { '?' } else { '&' });
            out.push_str(name);
            out.push('=');
            out.push_str(value);
        }
        Ok(out)
    }

    fn body(&self) -> Result<Option<Vec<u8>>, Error> {
        Ok(None)
    }

    fn parse_response(
        self,
        status: StatusCode,
        headers: &HeaderMap,
        body: &[u8],
    ) -> Result<Page<T>, Error> {
        read_page(status, headers, body)
    }
}

enum Step<T> {
    /// The page to ask for when the stream is polled again.
    Next {
        name: &'static str,
        path: String,
    },
    /// A page on its way; `path` is the one asked for.
    Sending {
        path: String,
        future: BoxFuture<'static, Result<Page<T>, Error>>,
    },
    /// An error to yield, then the end.
    Failed(Error),
    Done,
}

/// The pages of a collection, as a [`Stream`]: the first page is asked for
/// when the stream is first polled, each next one (its `@odata.nextLink`)
/// when the one before has been taken, so at most one page is held.
///
/// A nextLink not under the client's service root (another scheme, host or
/// port) is not followed: the stream yields [`Error::UntrustedUrl`] after
/// the page that named it, so the token is never sent elsewhere. A
/// nextLink naming the page just read yields [`Error::UnexpectedResponse`]
/// instead of asking for it forever. After an error the stream ends.
pub struct Pages<T> {
    client: Client,
    clouds: Clouds,
    prefer: bool,
    state: Step<T>,
}

impl<T> fmt::Debug for Pages<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = match &self.state {
            Step::Next { path, .. } => format!("next {path}"),
            Step::Sending { path, .. } => format!("sending {path}"),
            Step::Failed(e) => format!("failed: {e}"),
            Step::Done => "done".to_owned(),
        };
        f.debug_struct("Pages").field("state", &state).finish()
    }
}

impl<T: DeserializeOwned + Send + 'static> Pages<T> {
    /// The next page, `None` at the end: [`Stream::poll_next`] as a future,
    /// for use without a stream extension crate.
    pub async fn try_next(&mut self) -> Result<Option<Page<T>>, Error> {
        std::future::poll_fn(|cx| Pin::new(&mut *self).poll_next(cx))
            .await
            .transpose()
    }

    /// What follows a page read from `path`.
    fn after(&self, path: &str, page: &Page<T>) -> Step<T> {
        let Some(link) = &page.next_link else {
            return Step::Done;
        };
        match self.client.base_url().path_of(link) {
            None => Step::Failed(Error::UntrustedUrl {
                what: "@odata.nextLink",
                url: link.clone(),
                base: self.client.base_url().to_string(),
            }),
            Some(next) if next == path => Step::Failed(Error::UnexpectedResponse {
                status: StatusCode::OK,
                expected: "an @odata.nextLink other than the page just read",
            }),
            Some(next) => Step::Next {
                name: "next page",
                path: next,
            },
        }
    }
}

impl<T: DeserializeOwned + Send + 'static> Stream for Pages<T> {
    type Item = Result<Page<T>, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            match std::mem::replace(&mut this.state, Step::Done) {
                Step::Next { name, path } => {
                    let route = Route::encoded(path.clone(), this.clouds);
                    let request = ResourceRequest::follow(name, route, this.prefer, read_page::<T>);
                    let client = this.client.clone();
                    let future = Box::pin(async move { client.send(request).await });
                    this.state = Step::Sending { path, future };
                }
                Step::Sending { path, mut future } => {
                    let page = match future.as_mut().poll(cx) {
                        Poll::Pending => {
                            this.state = Step::Sending { path, future };
                            return Poll::Pending;
                        }
                        Poll::Ready(page) => page,
                    };
                    if let Ok(page) = &page {
                        this.state = this.after(&path, page);
                    }
                    return Poll::Ready(Some(page));
                }
                Step::Failed(e) => return Poll::Ready(Some(Err(e))),
                Step::Done => return Poll::Ready(None),
            }
        }
    }
}

/// The members of a collection, page after page, as a [`Stream`] (see
/// [`Pages`]: one page is held at a time, and the same URLs are refused).
///
/// ```no_run
/// use graphgen_runtime::{Client, Clouds, CollectionPath, Error};
///
/// # async fn f(client: &Client) -> Result<(), Error> {
/// let users = CollectionPath::<serde_json::Value>::root("users", Clouds::ALL);
/// let mut all = users.list().top(100).stream(client);
/// while let Some(user) = all.try_next().await? {
///     println!("{}", user["displayName"]);
/// }
/// # Ok(()) }
/// ```
pub struct Items<T> {
    pages: Pages<T>,
    current: std::vec::IntoIter<T>,
}

// The page's members are never pinned: `poll_next` only moves them out.
impl<T> Unpin for Items<T> {}

impl<T> fmt::Debug for Items<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Items")
            .field("pages", &self.pages)
            .field("left_on_page", &self.current.len())
            .finish()
    }
}

impl<T: DeserializeOwned + Send + 'static> Items<T> {
    /// The next member, `None` at the end: [`Stream::poll_next`] as a
    /// future, for use without a stream extension crate.
    pub async fn try_next(&mut self) -> Result<Option<T>, Error> {
        std::future::poll_fn(|cx| Pin::new(&mut *self).poll_next(cx))
            .await
            .transpose()
    }
}

impl<T: DeserializeOwned + Send + 'static> Stream for Items<T> {
    type Item = Result<T, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some(item) = this.current.next() {
                return Poll::Ready(Some(Ok(item)));
            }
            match Pin::new(&mut this.pages).poll_next(cx) {
                Poll::Ready(Some(Ok(page))) => this.current = page.items.into_iter(),
                Poll::Ready(Some(Err(e))) => return Poll::Ready(Some(Err(e))),
                Poll::Ready(None) => return Poll::Ready(None),
                Poll::Pending => return Poll::Pending,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::caps::Caps;

    struct NoQuery;
    impl Caps for NoQuery {
        const FILTERABLE: bool = false;
        const SELECTABLE: bool = false;
        const EXPANDABLE: bool = false;
        const SORTABLE: bool = false;
        const TOP: bool = false;
        const SKIP: bool = false;
        const COUNTABLE: bool = false;
        const SEARCHABLE: bool = false;
    }
    impl Read for NoQuery {}

    fn users() -> CollectionPath<serde_json::Value> {
        CollectionPath::root("users", Clouds::ALL)
    }

    #[test]
    fn query_options_are_encoded_and_replaced() {
        let list = users()
            .list()
            .filter("name eq 'a&b=c+d;e#f%g ü'")
            .search("\"displayName:x y\"")
            .order_by("displayName desc")
            .expand("members($select=id;$top=2)")
            .select(&["id", "a,b", "x&y"])
            .skip(20)
            .top(5)
            .top(7)
            .count(false);
        assert_eq!(
            list.path().unwrap(),
            concat!(
                "/users?$filter=name%20eq%20'a%26b%3Dc%2Bd%3Be%23f%25g%20%C3%BC'",
                "&$search=%22displayName:x%20y%22",
                "&$orderby=displayName%20desc",
                "&$expand=members($select%3Did%3B$top%3D2)",
                "&$select=id,a,b,x%26y",
                "&$skip=20&$top=7&$count=false"
            )
        );
        assert_eq!(users().list().path().unwrap(), "/users");
        assert_eq!(list.method(), Method::GET);
        assert!(list.body().unwrap().is_none());
    }

    #[test]
    fn unsupported_options_are_refused_when_built() {
        let all = CollectionPath::<serde_json::Value, NoQuery>::root("items", Clouds::ALL);
        let cases: [(&str, ListRequest<serde_json::Value, NoQuery>); 8] = [
            ("$filter", all.list().filter("x")),
            ("$select", all.list().select(&["id"])),
            ("$expand", all.list().expand("x")),
            ("$orderby", all.list().order_by("x")),
            ("$top", all.list().top(1)),
            ("$skip", all.list().skip(1)),
            ("$count", all.list().count(true)),
            ("$search", all.list().search("x")),
        ];
        for (option, list) in cases {
            let err = list.path().unwrap_err();
            assert!(
                matches!(&err, Error::QueryNotSupported { option: o, path } if *o == option && path == "/items"),
                "{err:?}"
            );
            assert!(err.to_string().contains(option), "{err}");
            assert!(err.certainly_not_processed());
        }
        // The first refused option is the one reported; no option is fine.
        let err = all.list().top(1).filter("x").path().unwrap_err();
        assert!(
            matches!(err, Error::QueryNotSupported { option: "$top", .. }),
            "{err:?}"
        );
        assert_eq!(all.list().path().unwrap(), "/items");
        // A bad key is reported before an option.
        let err = users()
            .key("")
            .collection::<serde_json::Value, NoQuery>("x", Clouds::ALL)
            .list()
            .top(1)
            .path()
            .unwrap_err();
        assert!(matches!(err, Error::InvalidKey { .. }), "{err:?}");
    }

    #[test]
    fn pages_are_read_with_their_link_and_count() {
        let body = br#"{"@odata.context":"c","@odata.count":3,"value":[{"a":1}],"@odata.nextLink":"https://x/v1.0/users?$skiptoken=2"}"#;
        let page = users()
            .list()
            .parse_response(StatusCode::OK, &HeaderMap::new(), body)
            .unwrap();
        assert_eq!(page.items, [serde_json::json!({"a": 1})]);
        assert_eq!(
            page.next_link.as_deref(),
            Some("https://x/v1.0/users?$skiptoken=2")
        );
        assert_eq!(page.count, Some(3));
        let h = HeaderMap::new();
        let last = read_page::<u8>(StatusCode::OK, &h, br#"{"value":[]}"#).unwrap();
        assert_eq!(
            last,
            Page {
                items: vec![],
                next_link: None,
                count: None
            }
        );
        for bad in [&b""[..], b"{}", b"[1]", b"{\"value\":[\"x\"]}"] {
            let err = read_page::<u8>(StatusCode::OK, &h, bad).unwrap_err();
            assert!(matches!(err, Error::Decode { .. }), "{err:?}");
        }
    }
}
