//! The async client: availability check, token, request, retries, parsing.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use http::header::{HeaderValue, AUTHORIZATION};
use http::{Request, Response};
use tracing::Instrument as _;

use crate::auth::{StaticToken, TokenProvider, TokenRequest};
use crate::batch::{BatchOperation, BatchOutcome};
use crate::error::ServiceError;
use crate::retry::{is_retryable_status, parse_retry_after};
use crate::sansio::{bearer, REQUEST_ID, RETRY_ATTEMPT};
use crate::transport::Transport;
use crate::{
    build_request, parse_response, BaseUrl, Cloud, Error, Operation, RequestContext, RetryPolicy,
    Secret,
};

/// Default per-attempt timeout.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(100);
/// Default response body limit (16 MiB).
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 16 << 20;

/// A Microsoft Graph client for one cloud. Cheap to clone (one `Arc`).
///
/// ```no_run
/// use graphgen_runtime::{Client, Cloud, RetryPolicy};
/// use std::time::Duration;
///
/// # fn f() -> Result<(), graphgen_runtime::Error> {
/// let client = Client::builder(Cloud::Global)
///     .bearer_token(std::env::var("GRAPH_TOKEN").unwrap_or_default())
///     .retry_policy(RetryPolicy { max_attempts: 3, ..RetryPolicy::default() })
///     .timeout(Duration::from_secs(30))
///     .user_agent(concat!("my-connector/", env!("CARGO_PKG_VERSION")))
///     .build()?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    cloud: Cloud,
    base_url: BaseUrl,
    token: Option<Arc<dyn TokenProvider>>,
    retry: RetryPolicy,
    timeout: Duration,
    max_response_bytes: usize,
    user_agent: Option<String>,
    transport: Arc<dyn Transport>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let i = &self.inner;
        f.debug_struct("Client")
            .field("cloud", &i.cloud)
            .field("base_url", &i.base_url)
            .field("token_provider", &i.token.as_ref().map(|_| "[redacted]"))
            .field("retry", &i.retry)
            .field("timeout", &i.timeout)
            .field("max_response_bytes", &i.max_response_bytes)
            .field("user_agent", &i.user_agent)
            .finish_non_exhaustive()
    }
}

/// Configures a [`Client`].
pub struct ClientBuilder {
    cloud: Cloud,
    base_url: Option<String>,
    token: Option<Arc<dyn TokenProvider>>,
    retry: RetryPolicy,
    timeout: Duration,
    max_response_bytes: usize,
    user_agent: Option<String>,
    transport: Option<Arc<dyn Transport>>,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("cloud", &self.cloud)
            .field("base_url", &self.base_url)
            .field("token_provider", &self.token.as_ref().map(|_| "[redacted]"))
            .field("retry", &self.retry)
            .field("timeout", &self.timeout)
            .field("max_response_bytes", &self.max_response_bytes)
            .field("user_agent", &self.user_agent)
            .finish_non_exhaustive()
    }
}

impl ClientBuilder {
    /// Sends to `url` instead of the cloud's service root (tests, proxies),
    /// e.g. `http://127.0.0.1:8080/v1.0`. The client still belongs to its
    /// cloud: operations the cloud lacks are refused. Checked by
    /// [`build`](Self::build): `https`, or `http` for loopback hosts only.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// Where bearer tokens come from (e.g.
    /// [`ClientCredentials`](crate::auth::ClientCredentials)).
    pub fn token_provider(mut self, provider: impl TokenProvider + 'static) -> Self {
        self.token = Some(Arc::new(provider));
        self
    }

    /// A fixed bearer token.
    pub fn bearer_token(self, token: impl Into<Secret>) -> Self {
        self.token_provider(StaticToken::new(token))
    }

    /// The throttling retry policy (default [`RetryPolicy::default`]).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Timeout of one whole attempt, response body included (default 100 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Largest response body read (default 16 MiB); larger ones fail with
    /// [`Error::BodyTooLarge`] without being buffered.
    pub fn max_response_bytes(mut self, limit: usize) -> Self {
        self.max_response_bytes = limit;
        self
    }

    /// The `User-Agent` header (the generated crate passes its name and
    /// version).
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }

    /// Another transport than the default reqwest one.
    pub fn transport(mut self, transport: impl Transport + 'static) -> Self {
        self.transport = Some(Arc::new(transport));
        self
    }

    /// Checks the settings and builds the client.
    pub fn build(self) -> Result<Client, Error> {
        let base_url = match &self.base_url {
            Some(u) => BaseUrl::parse(u)?,
            None => BaseUrl::for_cloud(self.cloud),
        };
        if let Some(ua) = &self.user_agent {
            HeaderValue::try_from(ua.as_str()).map_err(|_| {
                Error::InvalidRequest("the user agent is not a valid header value".into())
            })?;
        }
        let transport: Arc<dyn Transport> =
            match self.transport {
                Some(t) => t,
                #[cfg(feature = "reqwest")]
                None => Arc::new(crate::transport::ReqwestTransport::new()?),
                #[cfg(not(feature = "reqwest"))]
                None => return Err(Error::InvalidRequest(
                    "no transport: enable the `reqwest` feature or call ClientBuilder::transport"
                        .into(),
                )),
            };
        Ok(Client {
            inner: Arc::new(Inner {
                cloud: self.cloud,
                base_url,
                token: self.token,
                retry: self.retry,
                timeout: self.timeout,
                max_response_bytes: self.max_response_bytes,
                user_agent: self.user_agent,
                transport,
            }),
        })
    }
}

fn copy_request(r: &Request<Vec<u8>>) -> Request<Vec<u8>> {
    let mut out = Request::new(r.body().clone());
    *out.method_mut() = r.method().clone();
    *out.uri_mut() = r.uri().clone();
    *out.version_mut() = r.version();
    *out.headers_mut() = r.headers().clone();
    out
}

fn header_str<'a>(r: &'a Response<Vec<u8>>, name: &http::header::HeaderName) -> &'a str {
    r.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

impl Client {
    /// Starts configuring a client for `cloud`.
    pub fn builder(cloud: Cloud) -> ClientBuilder {
        ClientBuilder {
            cloud,
            base_url: None,
            token: None,
            retry: RetryPolicy::default(),
            timeout: DEFAULT_TIMEOUT,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            user_agent: None,
            transport: None,
        }
    }

    /// The client's cloud.
    pub fn cloud(&self) -> Cloud {
        self.inner.cloud
    }

    /// The service root requests go to.
    pub fn base_url(&self) -> &BaseUrl {
        &self.inner.base_url
    }

    /// The retry policy.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.inner.retry
    }

    /// The token for the client's cloud's scope, from the provider.
    async fn token(&self) -> Result<Option<Secret>, Error> {
        let inner = &*self.inner;
        let Some(provider) = &inner.token else {
            return Ok(None);
        };
        let request = TokenRequest::new(inner.cloud, &*inner.transport);
        let span = tracing::info_span!("graph_token", scope = request.scope, cloud = %inner.cloud);
        let token = provider.token(request).instrument(span).await?;
        Ok(Some(token.secret))
    }

    /// Sends an operation and parses its response.
    ///
    /// 1. Refuses with [`Error::NotAvailable`] an operation whose
    ///    [`availability`](Operation::availability) lacks the client's cloud
    ///    (even with a [`base_url`](ClientBuilder::base_url) override);
    ///    nothing is sent.
    /// 2. Gets a token, builds the request once (one `client-request-id`,
    ///    one body), sends it, and retries 429/503 as the
    ///    [`RetryPolicy`] says (with the same body and id, and a fresh token
    ///    from the provider's cache).
    /// 3. Parses a 2xx response with the operation; anything else is
    ///    [`Error::Service`].
    pub async fn send<O: Operation + Send>(&self, op: O) -> Result<O::Output, Error> {
        let inner = &*self.inner;
        let name = op.name();
        if !op.availability().contains(inner.cloud) {
            tracing::warn!(operation = name, cloud = %inner.cloud, "operation not available in this cloud");
            return Err(Error::NotAvailable {
                operation: name,
                path: op.path().unwrap_or_default(),
                cloud: inner.cloud,
            });
        }
        let mut ctx = RequestContext::new();
        ctx.user_agent = inner.user_agent.clone();
        let span = tracing::info_span!(
            "graph_call",
            operation = name,
            client_request_id = %ctx.client_request_id,
            request_id = tracing::field::Empty,
            status = tracing::field::Empty,
        );
        async move {
            ctx.token = self.token().await?;
            let request = build_request(&op, &inner.base_url, &ctx)?;
            let response = self.send_with_retries(request).await?;
            let status = response.status();
            let request_id = header_str(&response, &REQUEST_ID).to_owned();
            let current = tracing::Span::current();
            current.record("request_id", request_id.as_str());
            current.record("status", status.as_u16());
            let result = parse_response(op, response);
            match &result {
                Ok(_) => tracing::debug!(status = %status, request_id, "call succeeded"),
                Err(e) => tracing::warn!(status = %status, request_id, error = %e, "call failed"),
            }
            result
        }
        .instrument(span)
        .await
    }

    async fn send_with_retries(
        &self,
        request: Request<Vec<u8>>,
    ) -> Result<Response<Vec<u8>>, Error> {
        let inner = &*self.inner;
        let mut attempts: u32 = 0;
        let mut waited = Duration::ZERO;
        loop {
            attempts += 1;
            let mut req = copy_request(&request);
            if attempts > 1 {
                req.headers_mut()
                    .insert(RETRY_ATTEMPT, HeaderValue::from(attempts - 1));
                // Ask the provider again (it caches): a token that expired
                // while waiting is replaced; the body and id stay the same.
                if let Some(t) = self.token().await? {
                    req.headers_mut().insert(AUTHORIZATION, bearer(&t)?);
                }
            }
            let attempt_span = tracing::info_span!(
                "graph_attempt",
                attempt = attempts,
                request_id = tracing::field::Empty,
                status = tracing::field::Empty,
            );
            tracing::debug!(parent: &attempt_span, method = %req.method(), "sending request");
            let sent = tokio::time::timeout(
                inner.timeout,
                inner.transport.send(req, inner.max_response_bytes),
            )
            .instrument(attempt_span.clone())
            .await;
            if let Ok(Ok(response)) = &sent {
                attempt_span.record("request_id", header_str(response, &REQUEST_ID));
                attempt_span.record("status", response.status().as_u16());
            }
            let (retry_after, last) = match sent {
                Err(_) => {
                    tracing::warn!(parent: &attempt_span, timeout = ?inner.timeout, "attempt timed out");
                    return Err(Error::Timeout {
                        after: inner.timeout,
                    });
                }
                Ok(Err(Error::Transport {
                    message,
                    connect: true,
                    source,
                })) => {
                    // Nothing was sent: a retry cannot duplicate anything.
                    match inner.retry.next_wait(attempts, None, waited) {
                        Some(wait) => {
                            tracing::warn!(parent: &attempt_span, wait = ?wait, error = %message, "cannot connect; retrying");
                            tokio::time::sleep(wait).await;
                            waited += wait;
                            continue;
                        }
                        None => {
                            return Err(Error::Transport {
                                message,
                                connect: true,
                                source,
                            })
                        }
                    }
                }
                Ok(Err(e)) => {
                    tracing::warn!(parent: &attempt_span, error = %e, "request failed");
                    return Err(e);
                }
                Ok(Ok(response)) if is_retryable_status(response.status()) => {
                    let retry_after = parse_retry_after(response.headers(), SystemTime::now());
                    let (parts, body) = response.into_parts();
                    let last = ServiceError::from_response(parts.status, &parts.headers, &body);
                    (retry_after, last)
                }
                Ok(Ok(response)) => {
                    tracing::debug!(
                        parent: &attempt_span,
                        status = %response.status(),
                        request_id = header_str(&response, &REQUEST_ID),
                        "response"
                    );
                    return Ok(response);
                }
            };
            match inner.retry.next_wait(attempts, retry_after, waited) {
                Some(wait) => {
                    tracing::warn!(
                        parent: &attempt_span,
                        status = %last.status,
                        request_id = last.request_id.as_deref().unwrap_or(""),
                        retry_after = ?retry_after,
                        wait = ?wait,
                        "throttled; retrying"
                    );
                    tokio::time::sleep(wait).await;
                    waited += wait;
                }
                None => {
                    tracing::warn!(
                        parent: &attempt_span,
                        status = %last.status,
                        request_id = last.request_id.as_deref().unwrap_or(""),
                        retry_after = ?retry_after,
                        waited = ?waited,
                        "throttled; giving up"
                    );
                    return Err(Error::Throttled {
                        attempts,
                        retry_after,
                        waited,
                        last: Box::new(last),
                    });
                }
            }
        }
    }

    /// Sends a batch operation, refusing (before sending anything) one with
    /// more than [`MAX_ITEMS`](BatchOperation::MAX_ITEMS) items with
    /// [`Error::TooManyItems`], and one without any with [`Error::NoItems`].
    pub async fn send_batch<B: BatchOperation + Send>(
        &self,
        op: B,
    ) -> Result<BatchOutcome<B::Item, B::Result>, Error> {
        op.check_items()?;
        self.send(op).await
    }
}
