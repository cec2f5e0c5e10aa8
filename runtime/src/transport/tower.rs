//! A `tower` service as the transport.

use std::error::Error as StdError;
use std::marker::PhantomData;
use std::sync::Mutex;

use bytes::Buf as _;
use http::header::CONTENT_LENGTH;
use http::{Request, Response};
use http_body::Body as HttpBody;
use http_body_util::BodyExt as _;
use tower_service::Service;

use super::{send_failed, Body, BoxFuture, Transport};
use crate::Error;

type BoxError = Box<dyn StdError + Send + Sync>;

/// A `tower::Service<http::Request<B>>` answering `http::Response<_>` as
/// the [`Transport`], so a team's layers (tracing, metrics, proxies, rate
/// limits) carry every Graph and token request. `B` is the service's
/// request body type, built from the request's bytes (`From<Vec<u8>>`, as
/// `http_body_util::Full<Bytes>` is); the response body may be any
/// `http_body::Body`.
///
/// The service is cloned for each request (tower services are cheap to
/// clone), made ready, then called. The [`Transport`] contract still holds:
/// add no layer that follows redirects (a bearer token must not go to
/// another host), decompresses, or retries (the client's
/// [`RetryPolicy`](crate::RetryPolicy) retries only what is safe to send
/// twice). The response limit is applied while reading the body: a
/// `Content-Length` or size hint over it is refused before reading. A
/// failure is taken as happening while connecting (nothing sent) only when
/// its causes include a refused connection.
///
/// ```no_run
/// use graphgen_runtime::transport::TowerTransport;
/// use graphgen_runtime::{Client, Cloud};
/// use http_body_util::Full;
/// use hyper_util::client::legacy::Client as HyperClient;
/// use hyper_util::rt::TokioExecutor;
///
/// # fn f() -> Result<(), graphgen_runtime::Error> {
/// // Any tower stack over an HTTPS-capable connector; plain HTTP shown.
/// let hyper = HyperClient::builder(TokioExecutor::new()).build_http::<Full<bytes::Bytes>>();
/// let service = tower::ServiceBuilder::new()
///     .map_request(|r: http::Request<Full<bytes::Bytes>>| r)
///     .service(hyper);
/// let client = Client::builder(Cloud::Global)
///     .transport(TowerTransport::new(service))
///     .build()?;
/// # Ok(()) }
/// ```
pub struct TowerTransport<S, B> {
    // A Mutex makes the transport Sync for services that are only Send.
    service: Mutex<S>,
    body: PhantomData<fn(Vec<u8>) -> B>,
}

impl<S, B> TowerTransport<S, B>
where
    S: Service<Request<B>>,
{
    /// Wraps the service.
    pub fn new(service: S) -> Self {
        TowerTransport {
            service: Mutex::new(service),
            body: PhantomData,
        }
    }
}

impl<S, B> std::fmt::Debug for TowerTransport<S, B> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TowerTransport").finish_non_exhaustive()
    }
}

/// Whether nothing can have been sent: a refused connection among the causes.
fn refused(e: &(dyn StdError + 'static)) -> bool {
    let mut cause = Some(e);
    while let Some(c) = cause {
        let is_refused = c
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::ConnectionRefused);
        if is_refused {
            return true;
        }
        cause = c.source();
    }
    false
}

fn service_error(e: impl Into<BoxError>) -> Error {
    let e = e.into();
    send_failed(refused(e.as_ref()), e)
}

impl<S, B, R> Transport for TowerTransport<S, B>
where
    S: Service<Request<B>, Response = Response<R>> + Clone + Send + 'static,
    S::Future: Send,
    S::Error: Into<BoxError>,
    B: From<Vec<u8>> + Send + 'static,
    R: HttpBody + Send + 'static,
    R::Data: Send,
    R::Error: Into<BoxError>,
{
    fn send(
        &self,
        request: Request<Vec<u8>>,
        max_response_bytes: usize,
    ) -> BoxFuture<'_, Result<Response<Vec<u8>>, Error>> {
        let mut service = match self.service.lock() {
            Ok(s) => s.clone(),
            // A clone panicked once; the service itself is still whole.
            Err(poisoned) => poisoned.into_inner().clone(),
        };
        Box::pin(async move {
            std::future::poll_fn(|cx| service.poll_ready(cx))
                .await
                .map_err(service_error)?;
            let response = service
                .call(request.map(B::from))
                .await
                .map_err(service_error)?;
            let (parts, body) = response.into_parts();
            let announced = parts
                .headers
                .get(CONTENT_LENGTH)
                .and_then(|v| v.to_str().ok()?.trim().parse::<u64>().ok())
                .into_iter()
                .chain(Some(body.size_hint().lower()))
                .max();
            let mut read = Body::new(announced, max_response_bytes)?;
            let mut body = std::pin::pin!(body);
            while let Some(frame) = body.frame().await {
                match frame {
                    Ok(frame) => {
                        if let Ok(mut data) = frame.into_data() {
                            while data.has_remaining() {
                                let chunk = data.chunk();
                                let n = chunk.len();
                                read.push(chunk)?;
                                data.advance(n);
                            }
                        }
                    }
                    // Keep the status of an error response whose body broke off.
                    Err(_) if !parts.status.is_success() => break,
                    Err(e) => {
                        return Err(Error::transport(
                            "reading the response body failed",
                            false,
                            Some(e.into()),
                        ))
                    }
                }
            }
            Ok(Response::from_parts(parts, read.bytes))
        })
    }
}
