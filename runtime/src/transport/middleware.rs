//! A `reqwest_middleware` client as the transport.

use http::{Request, Response};

use super::reqwest_transport::{convert_request, read_response, reqwest_error};
use super::{BoxFuture, Transport};
use crate::Error;

/// A [`reqwest_middleware::ClientWithMiddleware`] as the [`Transport`], so
/// its middleware (tracing, metrics, …) sees every Graph and token request.
///
/// The [`Transport`] contract still holds: build the inner
/// `reqwest::Client` with `.redirect(reqwest::redirect::Policy::none())`
/// (a bearer token must not follow a redirect to another host), and add no
/// middleware that retries (the client's [`RetryPolicy`](crate::RetryPolicy)
/// retries only what is safe to send twice) or that follows redirects. The
/// response limit is applied while reading the body the middleware returns.
///
/// ```no_run
/// use graphgen_runtime::transport::MiddlewareTransport;
/// use graphgen_runtime::{Client, Cloud};
///
/// # fn f() -> Result<(), Box<dyn std::error::Error>> {
/// let inner = reqwest::Client::builder()
///     .redirect(reqwest::redirect::Policy::none())
///     .build()?;
/// let with_middleware = reqwest_middleware::ClientBuilder::new(inner).build();
/// let client = Client::builder(Cloud::Global)
///     .transport(MiddlewareTransport::new(with_middleware))
///     .build()?;
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct MiddlewareTransport {
    client: reqwest_middleware::ClientWithMiddleware,
}

impl MiddlewareTransport {
    /// Wraps the client.
    pub fn new(client: reqwest_middleware::ClientWithMiddleware) -> Self {
        MiddlewareTransport { client }
    }
}

impl Transport for MiddlewareTransport {
    fn send(
        &self,
        request: Request<Vec<u8>>,
        max_response_bytes: usize,
    ) -> BoxFuture<'_, Result<Response<Vec<u8>>, Error>> {
        Box::pin(async move {
            let request = convert_request(request)?;
            let response = self.client.execute(request).await.map_err(|e| match e {
                reqwest_middleware::Error::Reqwest(e) => reqwest_error(e),
                // A middleware's own failure: it may have sent the request.
                reqwest_middleware::Error::Middleware(e) => {
                    Error::transport("a middleware failed", false, Some(e.into()))
                }
            })?;
            read_response(response, max_response_bytes).await
        })
    }
}
