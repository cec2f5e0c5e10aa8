//! Tokens and client secrets never appear in `Debug` output, errors or logs.
#![cfg(feature = "reqwest")]

mod support;

use std::io::Write;
use std::sync::{Arc, Mutex};

use graphgen_runtime::{
    build_request, AccessToken, BaseUrl, Client, ClientCredentials, Cloud, RequestContext,
    RetryPolicy, Secret, StaticToken,
};
use support::op::add;
use support::{json, response, Server};

const CLIENT_SECRET: &str = "CLIENT-SECRET-0123456789";
const BEARER: &str = "BEARER-TOKEN-0123456789";
const ACCESS: &str = "ACCESS-TOKEN-0123456789";

fn assert_clean(what: &str, text: &str) {
    for secret in [CLIENT_SECRET, BEARER, ACCESS] {
        assert!(!text.contains(secret), "{what} leaks {secret}: {text}");
    }
}

#[derive(Clone, Default)]
struct Buf(Arc<Mutex<Vec<u8>>>);

impl Write for Buf {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn debug_of_every_type_holding_a_secret_is_redacted() {
    let secret = Secret::new(BEARER);
    assert_eq!(format!("{secret:?}"), "[redacted]");
    assert_eq!(format!("{secret}"), "[redacted]");
    assert_clean(
        "AccessToken",
        &format!("{:?}", AccessToken::new(ACCESS, None)),
    );
    assert_clean("StaticToken", &format!("{:?}", StaticToken::new(BEARER)));
    let creds = ClientCredentials::new("tenant", "client", CLIENT_SECRET);
    assert_clean("ClientCredentials", &format!("{creds:?}"));
    let builder = Client::builder(Cloud::Global)
        .bearer_token(BEARER)
        .token_provider(creds);
    assert_clean("ClientBuilder", &format!("{builder:?}"));
    let client = builder.build().unwrap();
    assert_clean("Client", &format!("{client:?}"));
    let ctx = RequestContext::new().with_token(BEARER);
    assert_clean("RequestContext", &format!("{ctx:?}"));
    let req = build_request(&add(1), &BaseUrl::for_cloud(Cloud::Global), &ctx).unwrap();
    assert_eq!(
        req.headers()["authorization"].to_str().unwrap(),
        format!("Bearer {BEARER}")
    );
    assert!(req.headers()["authorization"].is_sensitive());
    assert_clean("http::Request", &format!("{req:?}"));
}

#[test]
fn logs_and_errors_never_hold_secrets() {
    let buf = Buf::default();
    let writer = buf.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        // Plain text, whatever features other crates of the workspace turn on.
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let mut errors = String::new();
    rt.block_on(async {
        // A failing token exchange.
        let tokens = Server::start(vec![json(
            401,
            r#"{"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided."}"#,
        )])
        .await;
        let graph = Server::start(vec![
            response(429, &[("Retry-After", "0"), ("request-id", "req-1")], ""),
            json(
                401,
                r#"{"error":{"code":"InvalidAuthenticationToken","message":"Access token validation failure."}}"#,
            ),
        ])
        .await;
        let creds = ClientCredentials::new("tenant", "client", CLIENT_SECRET)
            .authority_host(&tokens.url())
            .unwrap();
        let c = Client::builder(Cloud::Global)
            .base_url(graph.url())
            .token_provider(creds)
            .build()
            .unwrap();
        let err = c.send(add(1)).await.unwrap_err();
        errors.push_str(&format!("{err:?}\n{err}\n"));

        // A failing call (throttled once, then refused) with a static token.
        let c = Client::builder(Cloud::Global)
            .base_url(graph.url())
            .bearer_token(BEARER)
            .retry_policy(RetryPolicy {
                base_delay: std::time::Duration::from_millis(1),
                ..RetryPolicy::default()
            })
            .build()
            .unwrap();
        let err = c.send(add(1)).await.unwrap_err();
        errors.push_str(&format!("{err:?}\n{err}\n"));
        assert_eq!(graph.count(), 2);

        // A successful token exchange, then a failing call with that token.
        let tokens = Server::start(vec![json(
            200,
            &format!(r#"{{"token_type":"Bearer","expires_in":3599,"access_token":"{ACCESS}"}}"#),
        )])
        .await;
        let graph = Server::start(vec![json(
            500,
            r#"{"error":{"code":"generalException","message":"boom"}}"#,
        )])
        .await;
        let creds = ClientCredentials::new("tenant", "client", CLIENT_SECRET)
            .authority_host(&tokens.url())
            .unwrap();
        let c = Client::builder(Cloud::Global)
            .base_url(graph.url())
            .token_provider(creds)
            .build()
            .unwrap();
        let err = c.send(add(1)).await.unwrap_err();
        errors.push_str(&format!("{err:?}\n{err}\n"));
        assert_eq!(
            graph.requests()[0].header("authorization"),
            Some(format!("Bearer {ACCESS}").as_str())
        );

        // A split send through the client credentials' cached token.
        let graph = Server::start(vec![response(
            200,
            &[("request-id", "req-split")],
            r#"{"value":[]}"#,
        )])
        .await;
        let c = Client::builder(Cloud::Global)
            .base_url(graph.url())
            .bearer_token(BEARER)
            .build()
            .unwrap();
        let out = c.send_batch_split(add(25)).await;
        assert_eq!(out.missing().count(), 25);
        assert_eq!(graph.count(), 2);
    });
    drop(_guard);

    let logs = String::from_utf8(buf.0.lock().unwrap().clone()).unwrap();
    // The logs were captured and say what happened.
    for expected in [
        "microsoft.graph.externalConnectors.addActivities",
        "client_request_id",
        "the token endpoint refused",
        "invalid_client",
        "throttled; retrying",
        "req-1",
        "call failed",
        "got an access token",
        // Spans: the call, each attempt with its request id, the token
        // fetch with its scope, the split send and each of its calls.
        "graph_call{operation=\"microsoft.graph.externalConnectors.addActivities\" client_request_id=",
        "graph_attempt{attempt=1 request_id=\"req-1\" status=429}",
        "graph_attempt{attempt=2",
        "graph_token{scope=\"https://graph.microsoft.com/.default\" cloud=global}",
        "graph_split_send{operation=\"microsoft.graph.externalConnectors.addActivities\" items=25 calls=2 concurrency=1}",
        "graph_split_call{first_index=20 items=5}",
        "request_id=\"req-split\"",
    ] {
        assert!(logs.contains(expected), "logs lack {expected:?}:\n{logs}");
    }
    assert_clean("the logs", &logs);
    if std::env::var_os("SHOW_LOGS").is_some() {
        eprintln!("{logs}");
    }
    assert_clean("the errors", &errors);
    assert!(errors.contains("AADSTS7000215"), "{errors}");
}
