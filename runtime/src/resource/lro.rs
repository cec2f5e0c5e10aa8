//! Long-running operations: a request answered with 202 Accepted and a
//! `Location` to poll until the operation ends.

use std::fmt;
use std::future::IntoFuture;
use std::marker::PhantomData;
use std::time::{Duration, SystemTime};

use http::{HeaderMap, StatusCode};
use serde::de::DeserializeOwned;
use serde::Deserialize;

use super::path::Route;
use crate::caps::Respond;
use crate::error::ODataError;
use crate::retry::parse_retry_after;
use crate::transport::BoxFuture;
use crate::{odata, Client, Clouds, Error, ResourceRequest};

/// How long [`LongRunning::wait`] waits between polls when the service
/// gives no `Retry-After`.
pub const DEFAULT_POLL_INTERVAL: Duration = Duration::from_secs(5);
/// How long [`LongRunning::wait`] waits in all before giving up.
pub const DEFAULT_MAX_WAIT: Duration = Duration::from_secs(30 * 60);

/// Where a long-running operation stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum State {
    /// Not ended yet (also any status this crate does not know).
    Running,
    /// Ended well.
    Succeeded,
    /// Ended in failure.
    Failed,
}

impl State {
    /// The state of Graph's usual status names: `completed` and
    /// `succeeded` are [`Succeeded`](State::Succeeded), `failed` is
    /// [`Failed`](State::Failed), anything else (`inprogress`, `running`,
    /// `notStarted`, an unknown member, none) is [`Running`](State::Running).
    ///
    /// ```
    /// use graphgen_runtime::State;
    ///
    /// assert_eq!(State::from_status(Some("completed")), State::Succeeded);
    /// assert_eq!(State::from_status(Some("inprogress")), State::Running);
    /// assert_eq!(State::from_status(None), State::Running);
    /// ```
    pub fn from_status(status: Option<&str>) -> State {
        match status {
            Some("completed" | "succeeded") => State::Succeeded,
            Some("failed") => State::Failed,
            _ => State::Running,
        }
    }
}

/// The resource a long-running operation's `Location` names (e.g.
/// `connectionOperation`), implemented by generated code.
///
/// When it says [`State::Failed`], its `error` member (Graph's
/// `publicError`) is read as an [`ODataError`] into
/// [`Error::OperationFailed`].
///
/// ```
/// use graphgen_runtime::{OperationStatus, State};
///
/// #[derive(serde::Deserialize)]
/// struct ConnectionOperation { status: Option<String> }
///
/// impl OperationStatus for ConnectionOperation {
///     fn state(&self) -> State {
///         State::from_status(self.status.as_deref())
///     }
/// }
/// ```
pub trait OperationStatus: DeserializeOwned {
    /// Where the operation stands.
    fn state(&self) -> State;
}

/// A long-running operation the service accepted (202 and a `Location`),
/// e.g. what registering a connection's schema answers: poll it once with
/// [`poll`](Self::poll), or until it ends with [`wait`](Self::wait) or by
/// awaiting [`poller`](Self::poller).
///
/// Polls go through the client (token, retries) and only to a `Location`
/// under the client's service root; any other is refused with
/// [`Error::UntrustedUrl`], since it would carry the token elsewhere (and
/// without the token the service would refuse the poll anyway).
///
/// ```no_run
/// use graphgen_runtime::{Client, Error, LongRunning, OperationStatus, State};
/// use std::time::Duration;
///
/// # #[derive(serde::Deserialize)] struct ConnectionOperation { status: Option<String> }
/// # impl OperationStatus for ConnectionOperation {
/// #     fn state(&self) -> State { State::from_status(self.status.as_deref()) }
/// # }
/// # async fn f(client: &Client, accepted: LongRunning<ConnectionOperation>) -> Result<(), Error> {
/// // `accepted` is what a PATCH of the schema answered.
/// let done: ConnectionOperation = accepted
///     .max_wait(Duration::from_secs(20 * 60))
///     .poller(client)
///     .await?;
/// # Ok(()) }
/// ```
pub struct LongRunning<S> {
    url: String,
    first_wait: Option<Duration>,
    interval: Duration,
    max_wait: Duration,
    _status: PhantomData<fn() -> S>,
}

impl<S> Clone for LongRunning<S> {
    fn clone(&self) -> Self {
        LongRunning {
            url: self.url.clone(),
            ..*self
        }
    }
}

impl<S> fmt::Debug for LongRunning<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LongRunning")
            .field("url", &self.url)
            .field("first_wait", &self.first_wait)
            .field("interval", &self.interval)
            .field("max_wait", &self.max_wait)
            .finish()
    }
}

/// 202 Accepted with a `Location`, and maybe a `Retry-After` before the
/// first poll; any other answer is [`Error::UnexpectedResponse`].
impl<S> Respond for LongRunning<S> {
    fn respond(status: StatusCode, headers: &HeaderMap, _: &[u8]) -> Result<Self, Error> {
        let location = headers
            .get(http::header::LOCATION)
            .and_then(|v| v.to_str().ok());
        match location {
            Some(url) if status == StatusCode::ACCEPTED => {
                let mut lro = LongRunning::new(url);
                lro.first_wait = parse_retry_after(headers, SystemTime::now());
                Ok(lro)
            }
            _ => Err(Error::UnexpectedResponse {
                status,
                expected: "a long-running operation answers 202 Accepted with a Location header",
            }),
        }
    }
}

impl<S> LongRunning<S> {
    /// The operation at `url` (a `Location` received some other way).
    pub fn new(url: impl Into<String>) -> Self {
        LongRunning {
            url: url.into(),
            first_wait: None,
            interval: DEFAULT_POLL_INTERVAL,
            max_wait: DEFAULT_MAX_WAIT,
            _status: PhantomData,
        }
    }

    /// The operation's URL (the `Location` header).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The wait between polls when the service gives no `Retry-After`
    /// (default [`DEFAULT_POLL_INTERVAL`]).
    pub fn poll_interval(mut self, interval: Duration) -> Self {
        self.interval = interval;
        self
    }

    /// The most [`wait`](Self::wait) waits in all (default
    /// [`DEFAULT_MAX_WAIT`]).
    pub fn max_wait(mut self, limit: Duration) -> Self {
        self.max_wait = limit;
        self
    }

    /// An owner of this operation and a client, whose `.await` is
    /// [`wait`](Self::wait).
    pub fn poller(self, client: &Client) -> Poller<S> {
        Poller {
            operation: self,
            client: client.clone(),
        }
    }
}

impl<S: OperationStatus> LongRunning<S> {
    /// `GET`s the operation once.
    pub async fn poll(&self, client: &Client) -> Result<S, Error> {
        Ok(self.poll_once(client).await?.status)
    }

    async fn poll_once(&self, client: &Client) -> Result<Polled<S>, Error> {
        let path = client
            .base_url()
            .path_of(&self.url)
            .ok_or_else(|| Error::UntrustedUrl {
                what: "Location",
                url: self.url.clone(),
                base: client.base_url().to_string(),
            })?;
        // Every cloud: the service named the URL, and the request that
        // started the operation was checked.
        let route = Route::encoded(path, Clouds::ALL);
        let poll = ResourceRequest::follow("poll", route, false, read_polled::<S>);
        client.send(poll).await
    }

    /// Polls until the operation ends: its status when it
    /// [succeeds](State::Succeeded), [`Error::OperationFailed`] with its
    /// `error` when it fails.
    ///
    /// The first poll goes at once, or after the 202's `Retry-After`; the
    /// next ones after each answer's `Retry-After` (seconds or an HTTP
    /// date), or the [poll interval](Self::poll_interval) when it has none
    /// (or says zero). When the next wait would end more than
    /// [`max_wait`](Self::max_wait) after the start, it gives up with
    /// [`Error::OperationTimedOut`] at once. A poll that fails (throttled
    /// beyond the client's retries, refused, unreadable) ends the wait
    /// with its error; the operation may go on.
    pub async fn wait(&self, client: &Client) -> Result<S, Error> {
        let start = tokio::time::Instant::now();
        let mut next_wait = self.first_wait;
        loop {
            if let Some(wait) = next_wait {
                let waited = start.elapsed();
                if waited.saturating_add(wait) > self.max_wait {
                    return Err(Error::OperationTimedOut {
                        url: self.url.clone(),
                        waited,
                        limit: self.max_wait,
                    });
                }
                tracing::debug!(url = %self.url, wait = ?wait, "long-running operation: waiting");
                tokio::time::sleep(wait).await;
            }
            let polled = self.poll_once(client).await?;
            match polled.status.state() {
                State::Succeeded => return Ok(polled.status),
                State::Failed => {
                    return Err(Error::OperationFailed {
                        url: self.url.clone(),
                        error: polled.error.map(Box::new),
                    })
                }
                State::Running => {
                    let retry_after = polled.retry_after.filter(|d| !d.is_zero());
                    next_wait = Some(retry_after.unwrap_or(self.interval));
                }
            }
        }
    }
}

/// A [`LongRunning`] operation with a client: `.await` it to
/// [`wait`](LongRunning::wait) until it ends.
pub struct Poller<S> {
    operation: LongRunning<S>,
    client: Client,
}

impl<S> fmt::Debug for Poller<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Poller")
            .field("operation", &self.operation)
            .field("client", &self.client)
            .finish()
    }
}

impl<S: OperationStatus + Send + 'static> IntoFuture for Poller<S> {
    type Output = Result<S, Error>;
    type IntoFuture = BoxFuture<'static, Result<S, Error>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(async move { self.operation.wait(&self.client).await })
    }
}

/// One answer to a poll.
struct Polled<S> {
    status: S,
    retry_after: Option<Duration>,
    error: Option<ODataError>,
}

#[derive(Deserialize)]
struct ErrorMember {
    error: Option<ODataError>,
}

/// Reads a poll's answer, with the operation's error when it failed.
fn read_polled<S: OperationStatus>(
    status: StatusCode,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Polled<S>, Error> {
    let operation: S = odata::object(status, body)?;
    let error = match operation.state() {
        State::Failed => serde_json::from_slice::<ErrorMember>(body)
            .ok()
            .and_then(|m| m.error),
        _ => None,
    };
    Ok(Polled {
        status: operation,
        retry_after: parse_retry_after(headers, SystemTime::now()),
        error,
    })
}
