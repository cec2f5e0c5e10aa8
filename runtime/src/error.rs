//! The error type of every fallible runtime operation, and the OData error
//! envelope of a non-2xx response.

use std::fmt;
use std::time::Duration;

use http::{HeaderMap, StatusCode};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::edm::DateTimeOffset;
use crate::Cloud;

/// Everything that can go wrong building, sending or reading a request.
///
/// No variant ever holds a token or a client secret.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The service answered with a non-2xx status (a 3xx too: redirects are
    /// never followed).
    #[error(transparent)]
    Service(Box<ServiceError>),

    /// The operation or path is not in this cloud's metadata; nothing was
    /// sent.
    #[error("{operation} (`{path}`) is not available in the {cloud} cloud")]
    NotAvailable {
        /// What was refused ([`Operation::name`](crate::Operation::name)).
        operation: &'static str,
        /// The request's path below the service root (empty if it has a
        /// bad key).
        path: String,
        /// The client's cloud.
        cloud: Cloud,
    },

    /// More items than the service takes in one call; nothing was sent.
    #[error("too many items for one call: the service takes at most {max}, got {got}")]
    TooManyItems {
        /// The most the service takes.
        max: usize,
        /// How many were given.
        got: usize,
    },

    /// A request body whose collection-valued property holds more items
    /// than the service takes (a connection schema's `properties`); nothing
    /// was sent.
    #[error(
        "`{property}` holds {got} items, more than the {max} the service takes; nothing was sent"
    )]
    TooManyPropertyItems {
        /// The property.
        property: &'static str,
        /// The most the service takes.
        max: usize,
        /// How many the body holds.
        got: usize,
    },

    /// A batch call without any item; nothing was sent. An empty call would
    /// record nothing, and most likely an empty list was not meant.
    #[error("nothing to send: `{operation}` was given no items")]
    NoItems {
        /// Qualified name of the operation.
        operation: &'static str,
    },

    /// A key value cannot be put in a request path.
    #[error("invalid key for `{segment}`: {reason}")]
    InvalidKey {
        /// The path segment the key addresses (e.g. `connections`).
        segment: &'static str,
        /// What is wrong.
        reason: &'static str,
    },

    /// The service kept throttling (429/503) until the retry budget ran out.
    #[error(
        "throttled: gave up after {attempts} attempt(s) and {waited:?} of waiting{}; last response: {last}",
        match retry_after { Some(d) => format!(" (the service asked for {d:?} more)"), None => String::new() }
    )]
    Throttled {
        /// Requests sent.
        attempts: u32,
        /// The last `Retry-After`, if any.
        retry_after: Option<Duration>,
        /// Total time slept between attempts.
        waited: Duration,
        /// The last 429/503 response.
        last: Box<ServiceError>,
    },

    /// A response body exceeded the configured limit; reading stopped there.
    #[error("response body larger than the limit of {limit} bytes")]
    BodyTooLarge {
        /// The limit in bytes.
        limit: usize,
    },

    /// An attempt did not finish in time. It is not retried: the service may
    /// have processed the request.
    #[error("request timed out after {after:?}")]
    Timeout {
        /// The configured per-attempt timeout.
        after: Duration,
    },

    /// A connection-level failure.
    #[error("transport error{}: {message}", if *connect { " (connecting, nothing sent)" } else { "" })]
    Transport {
        /// Description of the failure.
        message: String,
        /// True when the failure happened while connecting, so the request
        /// cannot have reached the service (such failures may be retried).
        connect: bool,
        /// The underlying error.
        #[source]
        source: Option<Box<dyn std::error::Error + Send + Sync>>,
    },

    /// A 2xx response whose body is not the expected JSON.
    #[error("cannot decode the {status} response body at line {line}, column {column}")]
    Decode {
        /// The response status.
        status: StatusCode,
        /// 1-based line of the error in the body (0 when not applicable).
        line: usize,
        /// 1-based column.
        column: usize,
        /// serde_json's error.
        #[source]
        source: serde_json::Error,
    },

    /// A request body could not be serialized.
    #[error("cannot encode the request body")]
    Encode(#[source] serde_json::Error),

    /// Getting an access token failed.
    #[error(transparent)]
    Auth(Box<AuthError>),

    /// A base URL that cannot be used.
    #[error("invalid base URL {url:?}: {reason}")]
    InvalidBaseUrl {
        /// The URL as given.
        url: String,
        /// What is wrong.
        reason: &'static str,
    },

    /// A request body larger than the service takes on this path; nothing
    /// was sent.
    #[error("the request body is {size} bytes, more than the {limit} the service takes here; nothing was sent")]
    RequestTooLarge {
        /// The most the service takes, in bytes.
        limit: usize,
        /// The size of the body.
        size: usize,
    },

    /// A query option the collection does not support (its metadata's
    /// capabilities say so); nothing was sent.
    #[error("{option} is not supported on `{path}`; nothing was sent")]
    QueryNotSupported {
        /// The option, e.g. `$filter`.
        option: &'static str,
        /// The collection's path.
        path: String,
    },

    /// A URL the service handed out (`@odata.nextLink`, `Location`) that is
    /// not under the client's service root: it is not followed, so the
    /// token never goes anywhere else.
    #[error("refusing to follow the {what} {url:?}: it is not under the service root {base}, the only place the token is sent")]
    UntrustedUrl {
        /// What the URL is, e.g. `@odata.nextLink`.
        what: &'static str,
        /// The URL.
        url: String,
        /// The client's service root.
        base: String,
    },

    /// A 2xx response that does not have the shape the request expects
    /// (e.g. a 202 without `Location` where a long-running operation
    /// starts). The service may have acted on the request.
    #[error("unexpected {status} response: {expected}")]
    UnexpectedResponse {
        /// The response status.
        status: StatusCode,
        /// What was expected.
        expected: &'static str,
    },

    /// A long-running operation ended in failure.
    #[error("the long-running operation at {url} failed{}", match error {
        Some(e) => format!(": {}: {}", e.code, e.message),
        None => String::new(),
    })]
    OperationFailed {
        /// The operation's URL (the `Location` it was polled at).
        url: String,
        /// The operation's `error` member, if it had one.
        error: Option<Box<ODataError>>,
    },

    /// A long-running operation did not end within the time allowed; it
    /// may still end later (poll its URL again).
    #[error("gave up waiting for the long-running operation at {url} after {waited:?} (the limit is {limit:?})")]
    OperationTimedOut {
        /// The operation's URL.
        url: String,
        /// How long was waited.
        waited: Duration,
        /// The limit that was set.
        limit: Duration,
    },

    /// A request that cannot be built (e.g. a header value with control
    /// characters, or an operation path not starting with `/`).
    #[error("invalid request: {0}")]
    InvalidRequest(String),
}

impl Error {
    /// The HTTP status of a [`Error::Service`] or [`Error::Throttled`] error.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Service(e) => Some(e.status),
            Error::Throttled { last, .. } => Some(last.status),
            Error::Decode { status, .. } | Error::UnexpectedResponse { status, .. } => {
                Some(*status)
            }
            Error::Auth(e) => e.status,
            _ => None,
        }
    }

    /// The service error, for [`Error::Service`] and [`Error::Throttled`].
    pub fn service_error(&self) -> Option<&ServiceError> {
        match self {
            Error::Service(e) => Some(e),
            Error::Throttled { last, .. } => Some(last),
            _ => None,
        }
    }

    /// Whether the service certainly did not act on the request: it was
    /// refused before sending (not available in the cloud, no or too many items,
    /// an invalid key, URL, query or body, a body too large, an untrusted
    /// URL, no token), never reached the service (a
    /// failure to connect), was rejected with a 4xx answer other than 408, or
    /// was throttled (429, 503). Everything else (a 5xx, a timeout, a
    /// connection lost after sending, a 2xx body too large or unreadable) may
    /// have been processed: resending it could do the work twice.
    pub fn certainly_not_processed(&self) -> bool {
        match self {
            Error::NotAvailable { .. }
            | Error::TooManyItems { .. }
            | Error::TooManyPropertyItems { .. }
            | Error::NoItems { .. }
            | Error::InvalidKey { .. }
            | Error::InvalidBaseUrl { .. }
            | Error::InvalidRequest(_)
            | Error::Encode(_)
            | Error::RequestTooLarge { .. }
            | Error::QueryNotSupported { .. }
            | Error::UntrustedUrl { .. }
            | Error::Auth(_)
            | Error::Throttled { .. } => true,
            Error::Transport { connect, .. } => *connect,
            Error::Service(e) => {
                let s = e.status.as_u16();
                (400..500).contains(&s) && s != 408 || s == 503
            }
            _ => false,
        }
    }

    /// A decode error for a 2xx body, with serde_json's position.
    pub fn decode(status: StatusCode, source: serde_json::Error) -> Self {
        Error::Decode {
            status,
            line: source.line(),
            column: source.column(),
            source,
        }
    }

    /// A [`Error::Transport`], for custom [`Transport`](crate::Transport)s.
    pub fn transport(
        message: impl Into<String>,
        connect: bool,
        source: Option<Box<dyn std::error::Error + Send + Sync>>,
    ) -> Self {
        Error::Transport {
            message: message.into(),
            connect,
            source,
        }
    }
}

impl From<ServiceError> for Error {
    fn from(e: ServiceError) -> Self {
        Error::Service(Box::new(e))
    }
}

impl From<AuthError> for Error {
    fn from(e: AuthError) -> Self {
        Error::Auth(Box::new(e))
    }
}

/// How many bytes of an unparseable error body are kept.
pub const BODY_EXCERPT_LIMIT: usize = 512;

/// A non-2xx response.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ServiceError {
    /// The HTTP status.
    pub status: StatusCode,
    /// The OData error (`{"error": {...}}`), when the body holds one.
    pub odata: Option<ODataError>,
    /// The `request-id` response header.
    pub request_id: Option<String>,
    /// The `client-request-id` response header (echo of the request's).
    pub client_request_id: Option<String>,
    /// The start of the body (lossy UTF-8, at most [`BODY_EXCERPT_LIMIT`]
    /// bytes) when it is not an OData error.
    pub body_excerpt: Option<String>,
}

impl ServiceError {
    /// Reads a non-2xx response. Never fails: a body that is not an OData
    /// error (HTML, truncated JSON, empty) leaves `odata` empty and keeps an
    /// excerpt.
    pub fn from_response(status: StatusCode, headers: &HeaderMap, body: &[u8]) -> Self {
        let header = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let odata = serde_json::from_slice::<Envelope>(body)
            .ok()
            .map(|e| e.error);
        let body_excerpt = match odata {
            Some(_) => None,
            None if body.is_empty() => None,
            None => Some(excerpt(body)),
        };
        ServiceError {
            status,
            odata,
            request_id: header("request-id"),
            client_request_id: header("client-request-id"),
            body_excerpt,
        }
    }

    /// `error.code`, if the body held an OData error.
    pub fn code(&self) -> Option<&str> {
        self.odata.as_ref().map(|o| o.code.as_str())
    }

    /// `error.message`, if the body held an OData error.
    pub fn message(&self) -> Option<&str> {
        self.odata.as_ref().map(|o| o.message.as_str())
    }
}

fn excerpt(body: &[u8]) -> String {
    let cut = &body[..body.len().min(BODY_EXCERPT_LIMIT)];
    let mut s = String::from_utf8_lossy(cut).into_owned();
    if body.len() > BODY_EXCERPT_LIMIT {
        s.push('…');
    }
    s
}

impl fmt::Display for ServiceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HTTP {}", self.status)?;
        match &self.odata {
            Some(o) => write!(f, ": {}: {}", o.code, o.message)?,
            None => match &self.body_excerpt {
                Some(b) => write!(f, " (non-OData body: {b:?})")?,
                None => f.write_str(" (empty body)")?,
            },
        }
        if let Some(id) = &self.request_id {
            write!(f, " [request-id {id}]")?;
        }
        Ok(())
    }
}

impl std::error::Error for ServiceError {}

#[derive(Deserialize)]
struct Envelope {
    error: ODataError,
}

/// The OData JSON error object (`error` in `{"error": {...}}`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ODataError {
    /// Service-defined error code, e.g. `InvalidRequest`.
    #[serde(default)]
    pub code: String,
    /// Human-readable message.
    #[serde(default)]
    pub message: String,
    /// The target of the error, if given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    /// Further errors.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub details: Vec<ErrorDetail>,
    /// Graph's diagnostic object (`innerError`; `innererror` accepted).
    #[serde(
        default,
        rename = "innerError",
        alias = "innererror",
        skip_serializing_if = "Option::is_none"
    )]
    pub inner_error: Option<InnerError>,
    /// Any other members, kept as sent.
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

/// One entry of `error.details`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ErrorDetail {
    /// Error code.
    #[serde(default)]
    pub code: String,
    /// Message.
    #[serde(default)]
    pub message: String,
    /// Target.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    /// Any other members, kept as sent.
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

/// Graph's `innerError`: request ids and the server's date.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct InnerError {
    /// The service's id for the request.
    #[serde(
        default,
        rename = "request-id",
        skip_serializing_if = "Option::is_none"
    )]
    pub request_id: Option<String>,
    /// The id the client sent.
    #[serde(
        default,
        rename = "client-request-id",
        skip_serializing_if = "Option::is_none"
    )]
    pub client_request_id: Option<String>,
    /// When the error happened, as sent (Graph omits the offset:
    /// `"2025-02-13T10:17:05"`, which is UTC; kept as text).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<DateTimeOffset>,
    /// Any other members (`code`, a nested `innerError`, …), kept as sent.
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

/// The token endpoint refused or failed to issue a token.
#[derive(Debug)]
#[non_exhaustive]
pub struct AuthError {
    /// The token endpoint's HTTP status, if it answered.
    pub status: Option<StatusCode>,
    /// The OAuth2 `error` field (e.g. `invalid_client`).
    pub error: Option<String>,
    /// The `error_description` field.
    pub error_description: Option<String>,
    /// Entra ID's numeric `error_codes` (e.g. `[7000215]`).
    pub error_codes: Vec<i64>,
    /// What went wrong when there is no OAuth2 error body (unreachable
    /// endpoint, malformed answer, …).
    pub message: Option<String>,
    /// The underlying error (e.g. the transport failure, or the Azure
    /// credential's error).
    pub source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

impl AuthError {
    /// An error that is not the token endpoint's answer: `message` says
    /// what failed, `source` why (its text is not repeated in `message`).
    pub fn message(
        message: impl Into<String>,
        source: Option<Box<dyn std::error::Error + Send + Sync>>,
    ) -> Self {
        AuthError {
            status: None,
            error: None,
            error_description: None,
            error_codes: Vec::new(),
            message: Some(message.into()),
            source,
        }
    }
}

impl fmt::Display for AuthError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("cannot get an access token")?;
        if let Some(s) = self.status {
            write!(f, ": HTTP {s}")?;
        }
        if let Some(e) = &self.error {
            write!(f, ": {e}")?;
        }
        if let Some(d) = &self.error_description {
            write!(f, ": {d}")?;
        }
        if let Some(m) = &self.message {
            write!(f, ": {m}")?;
        }
        Ok(())
    }
}

impl std::error::Error for AuthError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::error::Error as _;

    /// Every variant that has a source: its message says what failed, the
    /// source says why, and a report printing the chain says each once.
    #[test]
    fn display_does_not_repeat_the_source() {
        let json_error = || serde_json::from_str::<u32>("1 x").unwrap_err();
        let io_error =
            std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "refused by peer");
        let errors = [
            Error::transport("cannot connect", true, Some(Box::new(io_error))),
            Error::decode(StatusCode::OK, json_error()),
            Error::Encode(json_error()),
            Error::from(AuthError::message(
                "the token request failed",
                Some(Box::new(Error::Timeout {
                    after: Duration::from_secs(3),
                })),
            )),
            Error::from(AuthError::message(
                "the Azure credential failed",
                Some(Box::new(json_error())),
            )),
        ];
        for e in errors {
            let source = e.source().unwrap_or_else(|| panic!("{e:?} has no source"));
            let (text, cause) = (e.to_string(), source.to_string());
            assert!(!cause.is_empty());
            assert!(
                !text.contains(&cause),
                "{text:?} repeats its source {cause:?}"
            );
        }
        let e = Error::decode(StatusCode::OK, json_error());
        assert_eq!(
            e.to_string(),
            "cannot decode the 200 OK response body at line 1, column 3"
        );
    }

    #[test]
    fn parses_graph_error_with_offsetless_date() {
        let body = br#"{"error":{"code":"InvalidRequest","message":"Bad id","target":"itemId",
            "details":[{"code":"X","message":"y","extra":1}],
            "innerError":{"date":"2025-02-13T10:17:05","request-id":"r1","client-request-id":"c1",
            "innerError":{"code":"deeper"}}}}"#;
        let mut h = HeaderMap::new();
        h.insert("request-id", "r1".parse().unwrap());
        let e = ServiceError::from_response(StatusCode::BAD_REQUEST, &h, body);
        let o = e.odata.as_ref().unwrap();
        assert_eq!(o.code, "InvalidRequest");
        assert_eq!(o.target.as_deref(), Some("itemId"));
        assert_eq!(o.details[0].other["extra"], 1);
        let inner = o.inner_error.as_ref().unwrap();
        assert_eq!(inner.date.as_ref().unwrap().as_str(), "2025-02-13T10:17:05");
        assert_eq!(inner.request_id.as_deref(), Some("r1"));
        assert_eq!(inner.client_request_id.as_deref(), Some("c1"));
        assert_eq!(inner.other["innerError"]["code"], "deeper");
        assert_eq!(e.request_id.as_deref(), Some("r1"));
        assert_eq!(
            e.to_string(),
            "HTTP 400 Bad Request: InvalidRequest: Bad id [request-id r1]"
        );
    }

    #[test]
    fn non_json_and_truncated_bodies_still_give_the_status() {
        let h = HeaderMap::new();
        let e = ServiceError::from_response(StatusCode::BAD_GATEWAY, &h, b"<html>oops</html>");
        assert!(e.odata.is_none());
        assert_eq!(e.body_excerpt.as_deref(), Some("<html>oops</html>"));
        let e = ServiceError::from_response(StatusCode::BAD_REQUEST, &h, br#"{"error":{"code":"#);
        assert!(e.odata.is_none());
        assert_eq!(e.status, StatusCode::BAD_REQUEST);
        let long = vec![b'x'; 5000];
        let e = ServiceError::from_response(StatusCode::BAD_REQUEST, &h, &long);
        assert_eq!(
            e.body_excerpt.unwrap().chars().count(),
            BODY_EXCERPT_LIMIT + 1
        );
        let e = ServiceError::from_response(StatusCode::UNAUTHORIZED, &h, b"");
        assert!(e.body_excerpt.is_none());
        assert_eq!(e.to_string(), "HTTP 401 Unauthorized (empty body)");
    }
}
