//! The middleware transports (features `reqwest-middleware` and `tower`)
//! against the local test server: the team's middleware sees Graph and token
//! requests, and the transport contract holds (no redirect followed, the
//! response limit, the status of a broken error body, connect failures).
#![cfg(any(feature = "reqwest-middleware", feature = "tower"))]

mod support;

use std::time::Duration;

use graphgen_runtime::transport::Transport;
use graphgen_runtime::{Client, ClientCredentials, Cloud, Error, RetryPolicy};
use support::op::{add, results_body};
use support::{json, response, Reply, Server};

/// The header the test middleware adds to every request.
const MARK: &str = "x-team-middleware";

fn client(server: &Server, transport: impl Transport + 'static) -> Client {
    Client::builder(Cloud::Global)
        .base_url(server.url())
        .bearer_token("t")
        .transport(transport)
        .retry_policy(RetryPolicy::none())
        .max_response_bytes(1000)
        .build()
        .unwrap()
}

/// Everything each middleware transport must do, `value` being what its
/// middleware writes in [`MARK`].
async fn honours_the_contract<T: Transport + 'static>(make: impl Fn() -> T, value: &str) {
    // Graph and token requests both go through the middleware.
    let tokens = Server::start(vec![json(
        200,
        r#"{"token_type":"Bearer","expires_in":3599,"access_token":"tok"}"#,
    )])
    .await;
    let graph = Server::start(vec![json(200, &results_body(&add(1).activities, &[]))]).await;
    let creds = ClientCredentials::new("tenant", "client", "secret")
        .authority_host(&tokens.url())
        .unwrap();
    let c = Client::builder(Cloud::Global)
        .base_url(graph.url())
        .token_provider(creds)
        .transport(make())
        .build()
        .unwrap();
    let out = c.send(add(1)).await.unwrap();
    assert!(out.is_complete_success());
    assert_eq!(tokens.requests()[0].header(MARK), Some(value));
    let call = &graph.requests()[0];
    assert_eq!(call.header(MARK), Some(value));
    assert_eq!(call.header("authorization"), Some("Bearer tok"));
    assert_eq!(call.json()["activities"].as_array().unwrap().len(), 1);

    // A redirect is an answer, not followed.
    let elsewhere = Server::start(vec![json(200, "{}")]).await;
    let location = format!("{}/stolen", elsewhere.url());
    let server = Server::start(vec![response(307, &[("Location", &location)], "")]).await;
    let err = client(&server, make()).send(add(1)).await.unwrap_err();
    assert_eq!(
        err.status(),
        Some(http::StatusCode::TEMPORARY_REDIRECT),
        "{err}"
    );
    assert_eq!(elsewhere.count(), 0);

    // The response limit: announced, and counted while reading.
    let server = Server::start(vec![json(200, &"x".repeat(5000))]).await;
    let err = client(&server, make()).send(add(1)).await.unwrap_err();
    assert!(
        matches!(err, Error::BodyTooLarge { limit: 1000 }),
        "{err:?}"
    );
    let chunked =
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
    let server = Server::start(vec![Reply::Endless(chunked.to_vec())]).await;
    let err = tokio::time::timeout(
        Duration::from_secs(10),
        client(&server, make()).send(add(1)),
    )
    .await
    .expect("stops reading at the limit")
    .unwrap_err();
    assert!(
        matches!(err, Error::BodyTooLarge { limit: 1000 }),
        "{err:?}"
    );

    // An error answer whose body breaks off keeps its status.
    let head = b"HTTP/1.1 500 Internal Server Error\r\nContent-Length: 400\r\n\r\n{\"error\":";
    let server = Server::start(vec![Reply::ResetAfter(head.to_vec())]).await;
    let err = client(&server, make()).send(add(1)).await.unwrap_err();
    assert_eq!(
        err.status(),
        Some(http::StatusCode::INTERNAL_SERVER_ERROR),
        "{err:?}"
    );

    // Nothing listening: a connect failure, nothing sent.
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap()
    };
    let c = Client::builder(Cloud::Global)
        .base_url(format!("http://{closed}"))
        .bearer_token("t")
        .transport(make())
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    let err = c.send(add(1)).await.unwrap_err();
    assert!(
        matches!(err, Error::Transport { connect: true, .. }),
        "{err:?}"
    );
    assert!(err.certainly_not_processed());
}

#[cfg(feature = "reqwest-middleware")]
mod middleware {
    use super::*;
    use graphgen_runtime::transport::MiddlewareTransport;
    use reqwest_middleware::{Middleware, Next};

    struct Mark;

    #[async_trait::async_trait]
    impl Middleware for Mark {
        async fn handle(
            &self,
            mut req: reqwest::Request,
            extensions: &mut http::Extensions,
            next: Next<'_>,
        ) -> reqwest_middleware::Result<reqwest::Response> {
            req.headers_mut()
                .insert(MARK, http::HeaderValue::from_static("reqwest-middleware"));
            next.run(req, extensions).await
        }
    }

    fn transport() -> MiddlewareTransport {
        let inner = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        MiddlewareTransport::new(
            reqwest_middleware::ClientBuilder::new(inner)
                .with(Mark)
                .build(),
        )
    }

    #[tokio::test]
    async fn a_reqwest_middleware_client_is_the_transport() {
        honours_the_contract(transport, "reqwest-middleware").await;
    }

    /// A middleware failing on its own is a transport error, not a connect one.
    struct Refuse;

    #[async_trait::async_trait]
    impl Middleware for Refuse {
        async fn handle(
            &self,
            _: reqwest::Request,
            _: &mut http::Extensions,
            _: Next<'_>,
        ) -> reqwest_middleware::Result<reqwest::Response> {
            Err(reqwest_middleware::Error::middleware(
                std::io::Error::other("quota reached"),
            ))
        }
    }

    #[tokio::test]
    async fn a_failing_middleware_is_a_transport_error() {
        let server = Server::start(vec![json(200, "{}")]).await;
        let refusing = reqwest_middleware::ClientBuilder::new(reqwest::Client::new())
            .with(Refuse)
            .build();
        let err = client(&server, MiddlewareTransport::new(refusing))
            .send(add(1))
            .await
            .unwrap_err();
        assert!(
            matches!(err, Error::Transport { connect: false, .. }),
            "{err:?}"
        );
        assert_eq!(server.count(), 0);
    }
}

#[cfg(feature = "tower")]
mod tower_service {
    use super::*;
    use bytes::Bytes;
    use graphgen_runtime::transport::TowerTransport;
    use http_body_util::Full;
    use hyper_util::client::legacy::Client as HyperClient;
    use hyper_util::rt::TokioExecutor;

    fn transport() -> impl Transport {
        let hyper = HyperClient::builder(TokioExecutor::new()).build_http::<Full<Bytes>>();
        let service = tower::ServiceBuilder::new()
            .map_request(|mut r: http::Request<Full<Bytes>>| {
                r.headers_mut()
                    .insert(MARK, http::HeaderValue::from_static("tower"));
                r
            })
            .service(hyper);
        TowerTransport::new(service)
    }

    #[tokio::test]
    async fn a_tower_service_is_the_transport() {
        honours_the_contract(transport, "tower").await;
    }

    #[tokio::test]
    async fn a_boxed_service_that_is_not_sync_works() {
        let hyper = HyperClient::builder(TokioExecutor::new()).build_http::<Full<Bytes>>();
        let boxed = tower::util::BoxCloneService::new(hyper);
        let server = Server::start(vec![json(200, &results_body(&add(1).activities, &[]))]).await;
        let out = client(&server, TowerTransport::new(boxed))
            .send(add(1))
            .await
            .unwrap();
        assert!(out.is_complete_success());
    }
}
