//! The client against real HTTP servers on 127.0.0.1.
#![cfg(feature = "reqwest")]

mod support;

use std::time::{Duration, Instant};

use graphgen_runtime::batch::EntryStatus;
use graphgen_runtime::{
    build_batch_request, BaseUrl, Client, ClientCredentials, Cloud, Error, RequestContext,
    RetryPolicy, DEFAULT_USER_AGENT,
};
use support::op::{add, result_json, results_body, AddActivities};
use support::{json, response, Reply, Server};

fn fast_retries(max_attempts: u32) -> RetryPolicy {
    RetryPolicy {
        max_attempts,
        max_total_wait: Duration::from_secs(5),
        base_delay: Duration::from_millis(5),
        max_delay: Duration::from_millis(20),
    }
}

fn client(server: &Server) -> Client {
    client_for(Cloud::Global, server)
}

fn client_for(cloud: Cloud, server: &Server) -> Client {
    Client::builder(cloud)
        .base_url(format!("{}/v1.0", server.url()))
        .bearer_token("test-token-abc")
        .retry_policy(fast_retries(5))
        .timeout(Duration::from_secs(10))
        .user_agent("msgraph-connectors/0.1.0")
        .build()
        .unwrap()
}

fn ok_body(op: &AddActivities) -> Reply {
    json(200, &results_body(&op.activities, &[]))
}

#[tokio::test]
async fn exact_request_for_the_documented_example() {
    let op = add(2);
    let server = Server::start(vec![response(
        200,
        &[("Content-Type", "application/json"), ("request-id", "r-1")],
        &results_body(&op.activities, &[]),
    )])
    .await;
    let out = client(&server).send_batch(op.clone()).await.unwrap();
    assert!(out.is_complete_success());
    assert!(!out.is_partial());
    assert_eq!(out.entries().len(), 2);

    let reqs = server.requests();
    assert_eq!(reqs.len(), 1);
    let r = &reqs[0];
    assert_eq!(
        r.request_line,
        "POST /v1.0/external/connections/contosohr/items/TSP228082938/addActivities HTTP/1.1"
    );
    assert_eq!(r.header("authorization"), Some("Bearer test-token-abc"));
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert_eq!(r.header("accept"), Some("application/json"));
    assert_eq!(r.header("user-agent"), Some("msgraph-connectors/0.1.0"));
    assert_eq!(r.header("host"), Some(server.addr.to_string().as_str()));
    assert_eq!(r.header("retry-attempt"), None);
    let id = r.header("client-request-id").unwrap();
    assert!(uuid::Uuid::parse_str(id).is_ok(), "{id}");
    assert_eq!(
        r.header("content-length"),
        Some(r.body.len().to_string().as_str())
    );
    assert_eq!(
        r.body_str(),
        concat!(
            r#"{"activities":["#,
            r##"{"@odata.type":"#microsoft.graph.externalConnectors.externalActivity","type":"viewed","startDateTime":"2021-04-06T18:04:00.000Z","performedBy":{"type":"user","id":"1f0c997e-99f7-43f1-8cee-05e5e5e5e5e5"}},"##,
            r##"{"@odata.type":"#microsoft.graph.externalConnectors.externalActivity","type":"viewed","startDateTime":"2021-04-06T18:04:01.001Z","performedBy":{"type":"user","id":"1f0c997e-99f7-43f1-8cee-05e5e5e5e5e5"}}"##,
            "]}"
        )
    );
    // Every header the client sends, and nothing else.
    let mut names: Vec<_> = r.headers.iter().map(|(n, _)| n.as_str()).collect();
    names.sort();
    assert_eq!(
        names,
        [
            "accept",
            "authorization",
            "client-request-id",
            "content-length",
            "content-type",
            "host",
            "user-agent"
        ]
    );
}

#[tokio::test]
async fn each_call_has_a_fresh_client_request_id_and_a_default_user_agent() {
    let op = add(1);
    let server = Server::start(vec![ok_body(&op)]).await;
    let c = Client::builder(Cloud::Global)
        .base_url(server.url())
        .build()
        .unwrap();
    c.send(op.clone()).await.unwrap();
    c.send(op).await.unwrap();
    let reqs = server.requests();
    assert_ne!(
        reqs[0].header("client-request-id"),
        reqs[1].header("client-request-id")
    );
    assert_eq!(reqs[0].header("user-agent"), Some(DEFAULT_USER_AGENT));
    assert_eq!(reqs[0].header("authorization"), None, "no token configured");
    assert!(reqs[0]
        .request_line
        .starts_with("POST /external/connections/"));
}

#[tokio::test]
async fn multi_status_with_one_failed_item() {
    let op = add(3);
    let server = Server::start(vec![json(207, &results_body(&op.activities, &[1]))]).await;
    let out = client(&server).send_batch(op.clone()).await.unwrap();
    assert!(out.is_partial());
    assert!(!out.is_complete_success());
    assert_eq!(out.succeeded().count(), 2);
    let failed: Vec<_> = out.failed().collect();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0].index, 1);
    assert_eq!(failed[0].item, op.activities[1]);
    assert_eq!(failed[0].error().unwrap().code, "InvalidRequest");
    assert_eq!(out.into_retry_items(), vec![op.activities[1].clone()]);
}

#[tokio::test]
async fn results_in_another_order_and_a_missing_one() {
    let op = add(3);
    let body = serde_json::json!({"value": [
        result_json(&op.activities[2], None),
        result_json(&op.activities[0], Some(("Bad", "no"))),
    ]})
    .to_string();
    let server = Server::start(vec![json(207, &body)]).await;
    let out = client(&server).send_batch(op.clone()).await.unwrap();
    let st: Vec<_> = out
        .entries()
        .iter()
        .map(|e| match e.status {
            EntryStatus::Succeeded(_) => "ok",
            EntryStatus::Failed(_) => "failed",
            EntryStatus::Missing => "missing",
        })
        .collect();
    assert_eq!(st, ["failed", "missing", "ok"]);
    // The missing one may have been recorded: not resubmitted.
    assert_eq!(out.into_retry_items(), vec![op.activities[0].clone()]);
}

#[tokio::test]
async fn bad_request_with_odata_error() {
    let body = r#"{"error":{"code":"InvalidRequest","message":"The activity type is not valid.","innerError":{"date":"2025-02-13T10:17:05","request-id":"5a0c1ff4-0000-0000-0000-000000000001","client-request-id":"5a0c1ff4-0000-0000-0000-000000000002"}}}"#;
    let server = Server::start(vec![response(
        400,
        &[
            ("Content-Type", "application/json"),
            ("request-id", "5a0c1ff4-0000-0000-0000-000000000001"),
        ],
        body,
    )])
    .await;
    let err = client(&server).send_batch(add(1)).await.unwrap_err();
    let Error::Service(e) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(e.status, 400);
    assert_eq!(e.code(), Some("InvalidRequest"));
    assert_eq!(e.message(), Some("The activity type is not valid."));
    assert_eq!(
        e.request_id.as_deref(),
        Some("5a0c1ff4-0000-0000-0000-000000000001")
    );
    let inner = e.odata.as_ref().unwrap().inner_error.as_ref().unwrap();
    assert_eq!(inner.date.as_ref().unwrap().as_str(), "2025-02-13T10:17:05");
    assert_eq!(
        inner.client_request_id.as_deref(),
        Some("5a0c1ff4-0000-0000-0000-000000000002")
    );
    assert_eq!(server.count(), 1);
    assert!(err.to_string().contains("InvalidRequest"), "{err}");
}

#[tokio::test]
async fn unauthorized_is_not_retried() {
    let server = Server::start(vec![json(
        401,
        r#"{"error":{"code":"InvalidAuthenticationToken","message":"Access token is empty."}}"#,
    )])
    .await;
    let err = client(&server).send(add(1)).await.unwrap_err();
    assert_eq!(err.status(), Some(http::StatusCode::UNAUTHORIZED));
    assert_eq!(
        err.service_error().unwrap().code(),
        Some("InvalidAuthenticationToken")
    );
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn non_json_and_truncated_error_bodies_keep_the_status() {
    let server = Server::start(vec![response(
        502,
        &[("Content-Type", "text/html")],
        "<html><body>Bad gateway</body></html>",
    )])
    .await;
    let err = client(&server).send(add(1)).await.unwrap_err();
    let e = err.service_error().unwrap();
    assert_eq!(e.status, 502);
    assert!(e.odata.is_none());
    assert!(e.body_excerpt.as_deref().unwrap().contains("Bad gateway"));

    // The body breaks off before Content-Length is reached.
    let server = Server::start(vec![Reply::RawThenClose(
        b"HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n{\"error\":{\"code\":\"Inval".to_vec(),
    )])
    .await;
    let err = client(&server).send(add(1)).await.unwrap_err();
    let e = err.service_error().unwrap_or_else(|| panic!("{err:?}"));
    assert_eq!(e.status, 400);
    assert!(e.odata.is_none());
    assert_eq!(
        e.body_excerpt.as_deref(),
        Some("{\"error\":{\"code\":\"Inval")
    );
}

#[tokio::test]
async fn retry_after_one_second_then_ok() {
    let op = add(1);
    let server = Server::start(vec![
        response(429, &[("Retry-After", "1")], ""),
        ok_body(&op),
    ])
    .await;
    let started = Instant::now();
    let out = client(&server).send_batch(op).await.unwrap();
    let elapsed = started.elapsed();
    assert!(out.is_complete_success());
    assert!(elapsed >= Duration::from_secs(1), "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(5), "{elapsed:?}");
    let reqs = server.requests();
    assert_eq!(reqs.len(), 2);
    assert_eq!(
        reqs[0].header("client-request-id"),
        reqs[1].header("client-request-id")
    );
    assert_eq!(reqs[0].header("retry-attempt"), None);
    assert_eq!(reqs[1].header("retry-attempt"), Some("1"));
    assert_eq!(reqs[0].body, reqs[1].body);
    assert_eq!(
        reqs[1].header("authorization"),
        Some("Bearer test-token-abc")
    );
}

#[tokio::test]
async fn throttled_forever_stops_within_the_bound() {
    let server = Server::start(vec![response(
        429,
        &[("Retry-After", "0"), ("request-id", "r-429")],
        r#"{"error":{"code":"TooManyRequests","message":"Slow down"}}"#,
    )])
    .await;
    let c = Client::builder(Cloud::Global)
        .base_url(server.url())
        .retry_policy(fast_retries(4))
        .build()
        .unwrap();
    let err = c.send(add(1)).await.unwrap_err();
    match &err {
        Error::Throttled {
            attempts,
            retry_after,
            last,
            ..
        } => {
            assert_eq!(*attempts, 4);
            assert_eq!(*retry_after, Some(Duration::ZERO));
            assert_eq!(last.status, 429);
            assert_eq!(last.request_id.as_deref(), Some("r-429"));
            assert_eq!(last.code(), Some("TooManyRequests"));
        }
        other => panic!("{other:?}"),
    }
    let reqs = server.requests();
    assert_eq!(reqs.len(), 4);
    let attempts: Vec<_> = reqs.iter().map(|r| r.header("retry-attempt")).collect();
    assert_eq!(attempts, [None, Some("1"), Some("2"), Some("3")]);

    // Without Retry-After: jittered backoff, still bounded.
    let server = Server::start(vec![response(503, &[], "")]).await;
    let c = Client::builder(Cloud::Global)
        .base_url(server.url())
        .retry_policy(fast_retries(3))
        .build()
        .unwrap();
    let started = Instant::now();
    let err = c.send(add(1)).await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::Throttled {
                attempts: 3,
                retry_after: None,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_eq!(server.count(), 3);
}

#[tokio::test]
async fn a_retry_after_beyond_the_budget_stops_at_once() {
    let server = Server::start(vec![response(429, &[("Retry-After", "31536000")], "")]).await;
    let c = Client::builder(Cloud::Global)
        .base_url(server.url())
        .build()
        .unwrap();
    let started = Instant::now();
    let err = c.send(add(1)).await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(2));
    assert!(
        matches!(
            err,
            Error::Throttled {
                attempts: 1,
                waited: Duration::ZERO,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("throttled"), "{err}");
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn unavailable_without_retry_after_then_ok() {
    let op = add(2);
    let server = Server::start(vec![response(503, &[], "busy"), ok_body(&op)]).await;
    let out = client(&server).send_batch(op).await.unwrap();
    assert!(out.is_complete_success());
    let reqs = server.requests();
    assert_eq!(reqs.len(), 2);
    assert_eq!(reqs[1].header("retry-attempt"), Some("1"));
}

#[tokio::test]
async fn internal_server_error_is_not_retried() {
    let server = Server::start(vec![json(
        500,
        r#"{"error":{"code":"generalException","message":"oops"}}"#,
    )])
    .await;
    let err = client(&server).send(add(1)).await.unwrap_err();
    assert_eq!(err.status(), Some(http::StatusCode::INTERNAL_SERVER_ERROR));
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn a_connection_reset_after_sending_is_not_retried() {
    let server = Server::start(vec![Reply::Reset]).await;
    let err = client(&server).send(add(1)).await.unwrap_err();
    assert!(
        matches!(err, Error::Transport { connect: false, .. }),
        "{err:?}"
    );
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn a_timeout_is_not_retried() {
    let server = Server::start(vec![Reply::Hang]).await;
    let c = Client::builder(Cloud::Global)
        .base_url(server.url())
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let err = c.send(add(1)).await.unwrap_err();
    assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
    assert_eq!(server.count(), 1);

    // A body that never ends is cut by the same timeout.
    let server = Server::start(vec![Reply::Endless(
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec(),
    )])
    .await;
    let c = Client::builder(Cloud::Global)
        .base_url(server.url())
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let err = c.send(add(1)).await.unwrap_err();
    assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
}

#[tokio::test]
async fn a_refused_connection_is_a_connect_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let c = Client::builder(Cloud::Global)
        .base_url(format!("http://{addr}"))
        .retry_policy(fast_retries(3))
        .build()
        .unwrap();
    let err = c.send(add(1)).await.unwrap_err();
    assert!(
        matches!(err, Error::Transport { connect: true, .. }),
        "{err:?}"
    );
}

#[tokio::test]
async fn malformed_json_in_a_success_is_a_decode_error() {
    let server = Server::start(vec![json(200, "{\"value\": [\n  {\"type\": }\n]}")]).await;
    let err = client(&server).send(add(1)).await.unwrap_err();
    match err {
        Error::Decode {
            status,
            line,
            column,
            ..
        } => {
            assert_eq!(status, 200);
            assert_eq!((line, column), (2, 12));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn oversized_bodies_are_refused() {
    let big = "x".repeat(5000);
    // Announced by Content-Length.
    let server = Server::start(vec![json(200, &big)]).await;
    let c = Client::builder(Cloud::Global)
        .base_url(server.url())
        .max_response_bytes(1000)
        .build()
        .unwrap();
    let err = c.send(add(1)).await.unwrap_err();
    assert!(
        matches!(err, Error::BodyTooLarge { limit: 1000 }),
        "{err:?}"
    );

    // Chunked, without a length, never ending: stops once over the limit.
    let server = Server::start(vec![Reply::Endless(
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
            .to_vec(),
    )])
    .await;
    let c = Client::builder(Cloud::Global)
        .base_url(server.url())
        .max_response_bytes(64 * 1024)
        .build()
        .unwrap();
    let started = Instant::now();
    let err = c.send(add(1)).await.unwrap_err();
    assert!(
        matches!(err, Error::BodyTooLarge { limit: 65536 }),
        "{err:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test]
async fn redirects_are_not_followed() {
    let elsewhere = Server::start(vec![json(200, r#"{"value":[]}"#)]).await;
    let server = Server::start(vec![response(
        302,
        &[("Location", &format!("{}/steal", elsewhere.url()))],
        "",
    )])
    .await;
    let err = client(&server).send(add(1)).await.unwrap_err();
    assert_eq!(err.status(), Some(http::StatusCode::FOUND));
    assert_eq!(server.count(), 1);
    assert_eq!(elsewhere.count(), 0);
}

#[tokio::test]
async fn china_is_refused_without_a_request() {
    let server = Server::start(vec![json(200, r#"{"value":[]}"#)]).await;
    let err = client_for(Cloud::China, &server)
        .send_batch(add(1))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::NotAvailable {
                operation: "microsoft.graph.externalConnectors.addActivities",
                ref path,
                cloud: Cloud::China
            } if path == "/external/connections/contosohr/items/TSP228082938/addActivities"
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("china"), "{err}");
    // Give a stray request time to arrive, if one had been sent.
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(server.count(), 0);
    // The same client identity works in the other clouds.
    for cloud in [Cloud::Global, Cloud::UsGovL4, Cloud::UsGovL5] {
        client_for(cloud, &server).send(add(0)).await.unwrap();
    }
}

#[tokio::test]
async fn twenty_one_items_are_refused() {
    let server = Server::start(vec![json(200, r#"{"value":[]}"#)]).await;
    let err = client(&server).send_batch(add(21)).await.unwrap_err();
    assert!(
        matches!(err, Error::TooManyItems { max: 20, got: 21 }),
        "{err:?}"
    );
    assert_eq!(server.count(), 0);
    let op = add(20);
    let server = Server::start(vec![ok_body(&op)]).await;
    assert!(client(&server)
        .send_batch(op)
        .await
        .unwrap()
        .is_complete_success());
}

#[tokio::test]
async fn no_items_are_refused_without_a_request() {
    let server = Server::start(vec![json(200, r#"{"value":[]}"#)]).await;
    let err = client(&server).send_batch(add(0)).await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::NoItems {
                operation: "microsoft.graph.externalConnectors.addActivities"
            }
        ),
        "{err:?}"
    );
    assert!(err.certainly_not_processed());
    assert!(err.to_string().contains("no items"), "{err}");
    assert_eq!(server.count(), 0);
}

#[tokio::test]
async fn forty_five_items_go_as_three_calls() {
    let op = add(45);
    let a = &op.activities;
    let server = Server::start(vec![
        json(200, &results_body(&a[0..20], &[])),
        json(207, &results_body(&a[20..40], &[3])),
        json(200, &results_body(&a[40..45], &[])),
    ])
    .await;
    let out = client(&server).send_batch_split(op.clone()).await;
    let reqs = server.requests();
    let sizes: Vec<_> = reqs
        .iter()
        .map(|r| r.json()["activities"].as_array().unwrap().len())
        .collect();
    assert_eq!(sizes, [20, 20, 5]);
    // Each call carried its own slice, in order.
    let sent: Vec<serde_json::Value> = reqs
        .iter()
        .flat_map(|r| r.json()["activities"].as_array().unwrap().clone())
        .collect();
    assert_eq!(
        sent,
        serde_json::to_value(a).unwrap().as_array().unwrap().clone()
    );
    assert_ne!(
        reqs[0].header("client-request-id"),
        reqs[1].header("client-request-id")
    );

    assert!(out.failed_calls().is_empty());
    assert!(out.is_partial());
    assert_eq!(out.statuses(), [200, 207, 200]);
    let indices: Vec<_> = out.entries().iter().map(|e| e.index).collect();
    assert_eq!(indices, (0..45).collect::<Vec<_>>());
    for e in out.entries() {
        assert_eq!(e.item, a[e.index]);
    }
    let failed: Vec<_> = out.failed().map(|e| e.index).collect();
    assert_eq!(failed, [23]);
    assert_eq!(out.succeeded().count(), 44);
    assert!(!out.is_complete_success());
    assert_eq!(out.into_retry_items(), vec![a[23].clone()]);
}

#[tokio::test]
async fn a_failed_call_in_a_split_keeps_its_items() {
    let op = add(45);
    let a = &op.activities;
    let server = Server::start(vec![
        json(200, &results_body(&a[0..20], &[])),
        json(
            500,
            r#"{"error":{"code":"generalException","message":"x"}}"#,
        ),
        json(200, &results_body(&a[40..45], &[])),
    ])
    .await;
    let out = client(&server).send_batch_split(op.clone()).await;
    assert_eq!(server.count(), 3, "later calls still go");
    assert_eq!(out.entries().len(), 25);
    let calls = out.failed_calls();
    assert_eq!(calls.len(), 1);
    assert_eq!(
        calls[0].error.status(),
        Some(http::StatusCode::INTERNAL_SERVER_ERROR)
    );
    let idx: Vec<_> = calls[0].items.iter().map(|(i, _)| *i).collect();
    assert_eq!(idx, (20..40).collect::<Vec<_>>());
    assert!(calls[0].not_sent.is_empty());
    // A 500 may have recorded them: unconfirmed, not handed back to resubmit.
    let unconfirmed: Vec<usize> = out.unconfirmed().iter().map(|(i, _)| *i).collect();
    assert_eq!(unconfirmed, (20..40).collect::<Vec<_>>());
    assert!(out.into_retry_items().is_empty());

    // An auth failure stops the split: the rest is not sent.
    let server = Server::start(vec![json(
        401,
        r#"{"error":{"code":"InvalidAuthenticationToken","message":"expired"}}"#,
    )])
    .await;
    let out = client(&server).send_batch_split(op.clone()).await;
    assert_eq!(server.count(), 1);
    let calls = out.failed_calls();
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].items.len(), 20);
    assert_eq!(calls[0].not_sent.len(), 25);
    assert_eq!(calls[0].not_sent[0].0, 20);
    assert_eq!(out.into_retry_items(), a.clone(), "every item exactly once");

    // Nothing to send: no call.
    let out = client(&server).send_batch_split(add(0)).await;
    assert!(out.is_complete_success());
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn ids_with_reserved_characters_are_encoded() {
    let server = Server::start(vec![json(200, r#"{"value":[]}"#)]).await;
    let mut op = add(0);
    op.connection_id = "a/b?c#d%e f".into();
    op.item_id = "Grüße ☃/..".into();
    client(&server).send(op).await.unwrap();
    assert_eq!(
        server.requests()[0].request_line,
        "POST /v1.0/external/connections/a%2Fb%3Fc%23d%25e%20f/items/Gr%C3%BC%C3%9Fe%20%E2%98%83%2F../addActivities HTTP/1.1"
    );
    for bad in ["", ".", ".."] {
        let mut op = add(1);
        op.item_id = bad.into();
        let err = client(&server).send(op).await.unwrap_err();
        assert!(
            matches!(
                err,
                Error::InvalidKey {
                    segment: "items",
                    ..
                }
            ),
            "{err:?}"
        );
    }
    assert_eq!(server.count(), 1);
}

fn token_reply() -> Reply {
    json(
        200,
        r#"{"token_type":"Bearer","expires_in":3599,"ext_expires_in":3599,"access_token":"eyJ0eXAi.tok.SECRET-ACCESS-TOKEN"}"#,
    )
}

#[tokio::test]
async fn client_credentials_against_a_local_token_endpoint() {
    let tokens = Server::start(vec![token_reply()]).await;
    let op = add(1);
    let graph = Server::start(vec![ok_body(&op)]).await;
    let creds = ClientCredentials::new("tenant-1", "client-9", "s3cr3t+/=&value")
        .cloud(Cloud::UsGovL4)
        .authority_host(&tokens.url())
        .unwrap();
    let c = Client::builder(Cloud::UsGovL4)
        .base_url(graph.url())
        .token_provider(creds)
        .build()
        .unwrap();
    c.send(op.clone()).await.unwrap();
    c.send(op.clone()).await.unwrap();
    // Concurrent callers share the cached token too.
    let (a, b, d) = tokio::join!(c.send(op.clone()), c.send(op.clone()), c.send(op.clone()));
    a.unwrap();
    b.unwrap();
    d.unwrap();

    let treqs = tokens.requests();
    assert_eq!(treqs.len(), 1, "the token is reused");
    let t = &treqs[0];
    assert_eq!(t.request_line, "POST /tenant-1/oauth2/v2.0/token HTTP/1.1");
    assert_eq!(
        t.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    let mut form: Vec<(String, String)> = t
        .body_str()
        .split('&')
        .map(|kv| {
            let (k, v) = kv.split_once('=').unwrap();
            (
                k.to_owned(),
                percent_encoding::percent_decode_str(v)
                    .decode_utf8()
                    .unwrap()
                    .into_owned(),
            )
        })
        .collect();
    form.sort();
    assert_eq!(
        form,
        [
            ("client_id".to_owned(), "client-9".to_owned()),
            ("client_secret".to_owned(), "s3cr3t+/=&value".to_owned()),
            ("grant_type".to_owned(), "client_credentials".to_owned()),
            (
                "scope".to_owned(),
                "https://graph.microsoft.us/.default".to_owned()
            ),
        ]
    );
    let greqs = graph.requests();
    assert_eq!(greqs.len(), 5);
    for r in &greqs {
        assert_eq!(
            r.header("authorization"),
            Some("Bearer eyJ0eXAi.tok.SECRET-ACCESS-TOKEN")
        );
    }
}

#[tokio::test]
async fn a_failing_token_exchange_is_an_auth_error() {
    let tokens = Server::start(vec![json(
        401,
        r#"{"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided.","error_codes":[7000215],"trace_id":"t"}"#,
    )])
    .await;
    let graph = Server::start(vec![json(200, r#"{"value":[]}"#)]).await;
    let creds = ClientCredentials::new("tenant-1", "client-9", "THE-CLIENT-SECRET")
        .authority_host(&tokens.url())
        .unwrap();
    let c = Client::builder(Cloud::Global)
        .base_url(graph.url())
        .token_provider(creds)
        .build()
        .unwrap();
    let err = c.send(add(1)).await.unwrap_err();
    let Error::Auth(a) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(a.status, Some(http::StatusCode::UNAUTHORIZED));
    assert_eq!(a.error.as_deref(), Some("invalid_client"));
    assert_eq!(a.error_codes, [7000215]);
    assert!(err.to_string().contains("AADSTS7000215"), "{err}");
    assert!(!format!("{err:?}{err}").contains("THE-CLIENT-SECRET"));
    assert_eq!(graph.count(), 0);

    // An unreachable token endpoint.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let creds = ClientCredentials::new("t", "c", "THE-CLIENT-SECRET")
        .authority_host(&format!("http://{addr}"))
        .unwrap();
    let c = Client::builder(Cloud::Global)
        .base_url(graph.url())
        .token_provider(creds)
        .build()
        .unwrap();
    let err = c.send(add(1)).await.unwrap_err();
    assert!(matches!(err, Error::Auth(_)), "{err:?}");
    assert!(std::error::Error::source(&err).is_some());
}

#[tokio::test]
async fn invalid_base_urls() {
    for url in [
        "http://graph.example.com/v1.0",
        "ftp://127.0.0.1/",
        "not a url",
    ] {
        let err = Client::builder(Cloud::Global)
            .base_url(url)
            .build()
            .unwrap_err();
        assert!(
            matches!(err, Error::InvalidBaseUrl { .. }),
            "{url}: {err:?}"
        );
    }
    assert!(Client::builder(Cloud::Global)
        .base_url("http://[::1]:1/v1.0")
        .build()
        .is_ok());
    let err = Client::builder(Cloud::Global)
        .user_agent("bad\nagent")
        .build()
        .unwrap_err();
    assert!(matches!(err, Error::InvalidRequest(_)), "{err:?}");
}

#[test]
fn futures_are_send() {
    fn assert_send<T: Send>(_: T) {}
    let c = Client::builder(Cloud::Global).build().unwrap();
    assert_send(c.send(add(1)));
    assert_send(c.send_batch(add(1)));
    assert_send(c.send_batch_split(add(1)));
}

/// Without a client, `build_batch_request` refuses what `send_batch` refuses,
/// before a request exists.
#[test]
fn sans_io_batch_requests_are_checked() {
    let base = BaseUrl::for_cloud(Cloud::Global);
    let ctx = RequestContext::new();
    let none = build_batch_request(&add(0), &base, &ctx).unwrap_err();
    assert!(matches!(none, Error::NoItems { .. }), "{none:?}");
    let many = build_batch_request(&add(21), &base, &ctx).unwrap_err();
    assert!(
        matches!(many, Error::TooManyItems { max: 20, got: 21 }),
        "{many:?}"
    );
    for n in [1, 20] {
        let request = build_batch_request(&add(n), &base, &ctx).unwrap();
        assert_eq!(
            request.uri().path(),
            "/v1.0/external/connections/contosohr/items/TSP228082938/addActivities"
        );
    }
}
