//! Carrying a request to the service: the [`Transport`] trait and the default
//! reqwest implementation.

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
                let request = reqwest::Request::try_from(request).map_err(|e| {
                    Error::transport("cannot convert the request", true, Some(Box::new(e)))
                })?;
                let mut response = self.client.execute(request).await.map_err(|e| {
                    let connect = e.is_connect();
                    Error::transport(
                        if connect {
                            "cannot connect"
                        } else {
                            "request failed"
                        },
                        connect,
                        Some(Box::new(e.without_url())),
                    )
                })?;
                let status = response.status();
                if let Some(len) = response.content_length() {
                    if len > max_response_bytes as u64 {
                        return Err(Error::BodyTooLarge {
                            limit: max_response_bytes,
                        });
                    }
                }
                let mut body = Vec::with_capacity(
                    response
                        .content_length()
                        .map_or(0, |l| l as usize)
                        .min(max_response_bytes),
                );
                loop {
                    match response.chunk().await {
                        Ok(Some(chunk)) => {
                            if body.len() + chunk.len() > max_response_bytes {
                                return Err(Error::BodyTooLarge {
                                    limit: max_response_bytes,
                                });
                            }
                            body.extend_from_slice(&chunk);
                        }
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
                let mut out = Response::new(body);
                *out.status_mut() = status;
                *out.version_mut() = response.version();
                *out.headers_mut() = std::mem::take(response.headers_mut());
                Ok(out)
            })
        }
    }
}
