//! Carrying a request to the service: the [`Transport`] trait, the default
//! reqwest implementation (`ReqwestTransport`, cargo feature `reqwest`),
//! and adapters keeping a team's own middleware: `MiddlewareTransport` for
//! a `reqwest_middleware::ClientWithMiddleware` (feature
//! `reqwest-middleware`) and `TowerTransport` for a
//! `tower::Service<http::Request<_>>` (feature `tower`). Token requests of
//! [`ClientCredentials`](crate::ClientCredentials) go through the client's
//! transport too.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use http::{Request, Response};

use crate::Error;

/// A boxed, `Send` future (what object-safe async traits here return).
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Sends one HTTP request and reads the whole response.
///
/// Implementations must:
/// - never follow redirects (a bearer token must not go to another host):
///   a 3xx is returned as a response;
/// - refuse a body over `max_response_bytes` with [`Error::BodyTooLarge`]
///   without reading more than that (check `Content-Length` first, then
///   count while reading);
/// - report failures as [`Error::Transport`], with `connect: true` only when
///   nothing can have been sent;
/// - return a non-2xx response even if its body could not be read to the end
///   (with the part that was read), so the status is never lost.
///
/// The client applies the timeout around `send`.
pub trait Transport: Send + Sync {
    /// Sends `request`.
    fn send(
        &self,
        request: Request<Vec<u8>>,
        max_response_bytes: usize,
    ) -> BoxFuture<'_, Result<Response<Vec<u8>>, Error>>;
}

impl<T: Transport + ?Sized> Transport for Arc<T> {
    fn send(
        &self,
        request: Request<Vec<u8>>,
        max_response_bytes: usize,
    ) -> BoxFuture<'_, Result<Response<Vec<u8>>, Error>> {
        (**self).send(request, max_response_bytes)
    }
}

impl<T: Transport + ?Sized> Transport for Box<T> {
    fn send(
        &self,
        request: Request<Vec<u8>>,
        max_response_bytes: usize,
    ) -> BoxFuture<'_, Result<Response<Vec<u8>>, Error>> {
        (**self).send(request, max_response_bytes)
    }
}

#[cfg(feature = "reqwest")]
pub use self::reqwest_transport::ReqwestTransport;

#[cfg(feature = "reqwest-middleware")]
mod middleware;
#[cfg(feature = "reqwest-middleware")]
pub use self::middleware::MiddlewareTransport;

#[cfg(feature = "tower")]
mod tower;
#[cfg(feature = "tower")]
pub use self::tower::TowerTransport;

/// A request that failed on its way: `connect` only when nothing was sent
/// (and so it can be sent again whatever its verb).
#[cfg_attr(not(any(feature = "reqwest", feature = "tower")), allow(dead_code))]
fn send_failed(connect: bool, source: Box<dyn std::error::Error + Send + Sync>) -> Error {
    let message = if connect {
        "cannot connect"
    } else {
        "request failed"
    };
    Error::transport(message, connect, Some(source))
}

/// A response body read up to a limit.
#[cfg_attr(not(any(feature = "reqwest", feature = "tower")), allow(dead_code))]
struct Body {
    bytes: Vec<u8>,
    limit: usize,
}

#[cfg_attr(not(any(feature = "reqwest", feature = "tower")), allow(dead_code))]
impl Body {
    /// Refuses a announced length over the limit before reading anything.
    fn new(announced: Option<u64>, limit: usize) -> Result<Self, Error> {
        if announced.is_some_and(|len| len > limit as u64) {
            return Err(Error::BodyTooLarge { limit });
        }
        let capacity = announced.map_or(0, |l| l as usize).min(limit);
        Ok(Body {
            bytes: Vec::with_capacity(capacity),
            limit,
        })
    }

    fn push(&mut self, chunk: &[u8]) -> Result<(), Error> {
        if self.bytes.len() + chunk.len() > self.limit {
            return Err(Error::BodyTooLarge { limit: self.limit });
        }
        self.bytes.extend_from_slice(chunk);
        Ok(())
    }
}

#[cfg(feature = "reqwest")]
mod reqwest_transport {
    use super::*;

    /// The default transport: reqwest with rustls, redirects disabled.
    #[derive(Clone, Debug)]
    pub struct ReqwestTransport {
        client: reqwest::Client,
    }

    impl ReqwestTransport {
        /// A reqwest client with rustls and redirects disabled.
        pub fn new() -> Result<Self, Error> {
            let client = reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .map_err(|e| {
                    Error::transport("cannot build the HTTP client", false, Some(Box::new(e)))
                })?;
            Ok(ReqwestTransport { client })
        }

        /// Uses your own reqwest client (proxy, TLS settings, …). It must not
        /// follow redirects: build it with
        /// `.redirect(reqwest::redirect::Policy::none())`.
        pub fn from_client(client: reqwest::Client) -> Self {
            ReqwestTransport { client }
        }
    }

    impl Transport for ReqwestTransport {
        fn send(
            &self,
            request: Request<Vec<u8>>,
            max_response_bytes: usize,
        ) -> BoxFuture<'_, Result<Response<Vec<u8>>, Error>> {
            Box::pin(async move {
                let request = convert_request(request)?;
                let response = self.client.execute(request).await.map_err(reqwest_error)?;
                read_response(response, max_response_bytes).await
            })
        }
    }

    /// An `http` request as reqwest's.
    pub(super) fn convert_request(request: Request<Vec<u8>>) -> Result<reqwest::Request, Error> {
        reqwest::Request::try_from(request)
            .map_err(|e| Error::transport("cannot convert the request", true, Some(Box::new(e))))
    }

    /// A reqwest failure, `connect` only when nothing was sent.
    pub(super) fn reqwest_error(e: reqwest::Error) -> Error {
        super::send_failed(e.is_connect(), Box::new(e.without_url()))
    }

    /// Reads a reqwest response within the limit (see [`Transport`]).
    pub(super) async fn read_response(
        mut response: reqwest::Response,
        max_response_bytes: usize,
    ) -> Result<Response<Vec<u8>>, Error> {
        let status = response.status();
        let mut body = Body::new(response.content_length(), max_response_bytes)?;
        loop {
            match response.chunk().await {
                Ok(Some(chunk)) => body.push(&chunk)?,
                Ok(None) => break,
                // Keep the status of an error response whose body broke off.
                Err(_) if !status.is_success() => break,
                Err(e) => {
                    return Err(Error::transport(
                        "reading the response body failed",
                        false,
                        Some(Box::new(e.without_url())),
                    ))
                }
            }
        }
        let mut out = Response::new(body.bytes);
        *out.status_mut() = status;
        *out.version_mut() = response.version();
        *out.headers_mut() = std::mem::take(response.headers_mut());
        Ok(out)
    }
}
