//! Turning an [`Operation`] into an HTTP request and a response into its
//! output, with no I/O: any HTTP library can carry the request.

use http::header::{HeaderName, HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_TYPE, USER_AGENT};
use http::{Request, Response};
use uuid::Uuid;

use crate::error::ServiceError;
use crate::{BaseUrl, BatchOperation, Error, Operation, Secret};

/// The `client-request-id` header.
pub const CLIENT_REQUEST_ID: HeaderName = HeaderName::from_static("client-request-id");
/// The `Retry-Attempt` header.
pub const RETRY_ATTEMPT: HeaderName = HeaderName::from_static("retry-attempt");
/// The `Prefer` header.
pub const PREFER: HeaderName = HeaderName::from_static("prefer");
/// The `request-id` response header.
pub const REQUEST_ID: HeaderName = HeaderName::from_static("request-id");

/// The `User-Agent` sent when the caller gives none.
pub const DEFAULT_USER_AGENT: &str = concat!("graphgen-runtime/", env!("CARGO_PKG_VERSION"));

/// Per-call values of a request that are not part of the operation.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct RequestContext {
    /// Sent as `Authorization: Bearer …` when set.
    pub token: Option<Secret>,
    /// Sent as `client-request-id`; keep it the same across the retries of
    /// one call.
    pub client_request_id: Uuid,
    /// Sent as `User-Agent` ([`DEFAULT_USER_AGENT`] when `None`).
    pub user_agent: Option<String>,
    /// Sent as `Retry-Attempt` when above zero (1 on the first retry).
    pub retry_attempt: u32,
}

impl Default for RequestContext {
    fn default() -> Self {
        RequestContext::new()
    }
}

impl RequestContext {
    /// A context with a fresh random `client-request-id`, no token, the
    /// default user agent, first attempt.
    pub fn new() -> Self {
        RequestContext {
            token: None,
            client_request_id: Uuid::new_v4(),
            user_agent: None,
            retry_attempt: 0,
        }
    }

    /// Sets the bearer token.
    pub fn with_token(mut self, token: impl Into<Secret>) -> Self {
        self.token = Some(token.into());
        self
    }

    /// Sets the `client-request-id`.
    pub fn with_client_request_id(mut self, id: Uuid) -> Self {
        self.client_request_id = id;
        self
    }

    /// Sets the `User-Agent`.
    pub fn with_user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }

    /// Sets the retry number (`Retry-Attempt`).
    pub fn with_retry_attempt(mut self, retry_attempt: u32) -> Self {
        self.retry_attempt = retry_attempt;
        self
    }
}

pub(crate) fn bearer(token: &Secret) -> Result<HeaderValue, Error> {
    let mut v = HeaderValue::try_from(format!("Bearer {}", token.expose())).map_err(|_| {
        Error::InvalidRequest("the access token is not a valid header value".into())
    })?;
    v.set_sensitive(true);
    Ok(v)
}

/// Builds the HTTP request of an operation.
///
/// Headers: `Accept: application/json`, `Content-Type: application/json`
/// (only with a body), `Authorization: Bearer …` (only with a token; marked
/// sensitive), `client-request-id`, `User-Agent`, `Retry-Attempt` (only
/// on retries), and `Prefer: include-unknown-enum-members` (only when
/// [`Operation::prefer_unknown_enum_members`] says so).
///
/// ```
/// use graphgen_runtime::{build_request, BaseUrl, Cloud, Clouds, Error, Operation, RequestContext};
/// use http::{HeaderMap, Method, StatusCode};
///
/// struct Ping;
/// impl Operation for Ping {
///     type Output = ();
///     fn name(&self) -> &'static str { "test.ping" }
///     fn method(&self) -> Method { Method::POST }
///     fn availability(&self) -> Clouds { Clouds::ALL }
///     fn path(&self) -> Result<String, Error> { Ok("/ping".into()) }
///     fn body(&self) -> Result<Option<Vec<u8>>, Error> { Ok(Some(b"{}".to_vec())) }
///     fn parse_response(self, _: StatusCode, _: &HeaderMap, _: &[u8]) -> Result<(), Error> { Ok(()) }
/// }
///
/// let ctx = RequestContext::new().with_token("t0k3n").with_user_agent("me/1.0");
/// let req = build_request(&Ping, &BaseUrl::for_cloud(Cloud::Global), &ctx)?;
/// assert_eq!(req.uri(), "https://graph.microsoft.com/v1.0/ping");
/// assert_eq!(req.headers()["authorization"], "Bearer t0k3n");
/// assert_eq!(req.headers()["content-type"], "application/json");
/// assert_eq!(req.headers()["user-agent"], "me/1.0");
/// assert_eq!(req.body(), b"{}");
/// assert!(req.headers().get("prefer").is_none());
/// # Ok::<(), Error>(())
/// ```
pub fn build_request<O: Operation>(
    op: &O,
    base_url: &BaseUrl,
    ctx: &RequestContext,
) -> Result<Request<Vec<u8>>, Error> {
    let path = op.path()?;
    if !path.starts_with('/') {
        return Err(Error::InvalidRequest(format!(
            "the path of {} does not start with '/'",
            op.name()
        )));
    }
    let url = base_url.join(&path);
    let uri: http::Uri = url
        .parse()
        .map_err(|e| Error::InvalidRequest(format!("bad request URL for {}: {e}", op.name())))?;
    let body = op.body()?;

    let mut builder = Request::builder().method(op.method()).uri(uri);
    let headers = builder.headers_mut().expect("fresh builder");
    headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
    if body.is_some() {
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    }
    if let Some(token) = &ctx.token {
        headers.insert(AUTHORIZATION, bearer(token)?);
    }
    headers.insert(
        CLIENT_REQUEST_ID,
        HeaderValue::try_from(ctx.client_request_id.to_string()).expect("a UUID is ASCII"),
    );
    let ua = ctx.user_agent.as_deref().unwrap_or(DEFAULT_USER_AGENT);
    headers.insert(
        USER_AGENT,
        HeaderValue::try_from(ua).map_err(|_| {
            Error::InvalidRequest("the user agent is not a valid header value".into())
        })?,
    );
    if ctx.retry_attempt > 0 {
        headers.insert(RETRY_ATTEMPT, HeaderValue::from(ctx.retry_attempt));
    }
    if op.prefer_unknown_enum_members() {
        headers.insert(
            PREFER,
            HeaderValue::from_static("include-unknown-enum-members"),
        );
    }
    builder
        .body(body.unwrap_or_default())
        .map_err(|e| Error::InvalidRequest(e.to_string()))
}

/// Builds the HTTP request of a batch operation (see [`build_request`]),
/// refusing as [`Client::send_batch`](crate::Client::send_batch) does a call
/// with no items or more than the service takes
/// ([`BatchOperation::check_items`]).
pub fn build_batch_request<B: BatchOperation>(
    op: &B,
    base_url: &BaseUrl,
    ctx: &RequestContext,
) -> Result<Request<Vec<u8>>, Error> {
    op.check_items()?;
    build_request(op, base_url, ctx)
}

/// Reads the response of an operation: a 2xx status goes to
/// [`Operation::parse_response`]; anything else becomes
/// [`Error::Service`] with the status, the OData error if the body holds
/// one, and the `request-id` header.
pub fn parse_response<O: Operation>(
    op: O,
    response: Response<impl AsRef<[u8]>>,
) -> Result<O::Output, Error> {
    let (parts, body) = response.into_parts();
    if parts.status.is_success() {
        op.parse_response(parts.status, &parts.headers, body.as_ref())
    } else {
        Err(ServiceError::from_response(parts.status, &parts.headers, body.as_ref()).into())
    }
}
