//! The GENERATED `AddActivities` operation through `graphgen_runtime::Client`
//! against a scripted HTTP/1.1 server on 127.0.0.1 (`graphgen-testkit`).
//!
//! `runtime/tests/client.rs` covers the same ground with a hand-written
//! stand-in operation; these tests prove the generated type, its path, body,
//! response parsing and pairing behave the same on the wire.
#![cfg(feature = "reqwest")]

use std::time::{Duration, Instant};

use graphgen_runtime::batch::EntryStatus;
use graphgen_runtime::edm::DateTimeOffset;
use graphgen_runtime::http::StatusCode;
use graphgen_runtime::{
    Client, ClientCredentials, Cloud, Error, Nullable, RetryPolicy, DEFAULT_USER_AGENT,
};
use graphgen_testkit::{json, response, Recorded, Reply, Server};
use msgraph_connectors::external_connectors::{
    AddActivities, AnyExternalActivity, ExternalActivity, ExternalActivityType, Identity,
    IdentityType,
};
use serde_json::{json, Value};

const CONNECTION: &str = "contosohr";
const ITEM: &str = "TSP228082938";
const REQUEST_LINE: &str =
    "POST /v1.0/external/connections/contosohr/items/TSP228082938/addActivities HTTP/1.1";
const TOKEN: &str = "test-token-abc";
/// What the crate should name itself in `User-Agent`.
const CRATE_USER_AGENT: &str = concat!("msgraph-connectors/", env!("CARGO_PKG_VERSION"));

/// The request body of the documented addActivities example (the same text
/// as in `tests/models.rs`).
const DOCUMENTED_REQUEST: &str = r##"{"activities":[{"@odata.type":"#microsoft.graph.externalConnectors.externalActivity","type":"created","startDateTime":"2021-04-06T18:04:31.033Z","performedBy":{"type":"user","id":"1f0c997e-99f7-43f1-8cca-086f8d42be8d"}}]}"##;

/// The response body of the documented addActivities example.
const DOCUMENTED_RESPONSE: &str = r##"{"value":[{"@odata.type":"#microsoft.graph.externalConnectors.externalActivityResult","type":"created","startDateTime":"2021-04-06T18:04:31.033Z","error":null}]}"##;

const USER: &str = "1f0c997e-99f7-43f1-8cca-086f8d42be8d";

// ---------------------------------------------------------------------------
// Building activities and the service's answers.

/// The documented activity, built in code with the generated types.
fn documented_activity() -> AnyExternalActivity {
    activity_at("2021-04-06T18:04:31.033Z", ExternalActivityType::Created)
}

fn activity_at(start: &str, kind: ExternalActivityType) -> AnyExternalActivity {
    let mut a = ExternalActivity::new(DateTimeOffset::new(start).unwrap(), kind);
    let mut by = Identity::default();
    by.r#type = Nullable::Value(IdentityType::User);
    by.id = Nullable::Value(USER.into());
    a.performed_by = Nullable::Value(by);
    a.into()
}

/// Activity number `i`: a distinct start time (and a type that cycles), so
/// each result echoes exactly one activity.
fn activity(i: usize) -> AnyExternalActivity {
    let kinds = [
        ExternalActivityType::Viewed,
        ExternalActivityType::Modified,
        ExternalActivityType::Created,
        ExternalActivityType::Commented,
    ];
    activity_at(
        &format!("2021-04-06T18:{:02}:{:02}.{:03}Z", i / 60, i % 60, i),
        kinds[i % kinds.len()].clone(),
    )
}

fn activities(n: usize) -> Vec<AnyExternalActivity> {
    (0..n).map(activity).collect()
}

fn add(activities: Vec<AnyExternalActivity>) -> AddActivities {
    AddActivities::new(CONNECTION, ITEM, activities)
}

fn plain(a: &AnyExternalActivity) -> &ExternalActivity {
    match a {
        AnyExternalActivity::ExternalActivity(a) => a,
        other => panic!("a plain externalActivity expected, got {other:?}"),
    }
}

/// The service's `externalActivityResult` for `a`, failed with `error` if given.
fn result_json(a: &AnyExternalActivity, error: Option<(&str, &str)>) -> Value {
    let a = plain(a);
    json!({
        "@odata.type": "#microsoft.graph.externalConnectors.externalActivityResult",
        "type": a.r#type,
        "startDateTime": a.start_date_time,
        "performedBy": a.performed_by,
        "error": error.map(|(code, message)| json!({"code": code, "message": message})),
    })
}

/// `{"value":[...]}` echoing `activities`, failing those at the positions in `failed`.
fn results_body(activities: &[AnyExternalActivity], failed: &[usize]) -> String {
    let value: Vec<Value> = activities
        .iter()
        .enumerate()
        .map(|(i, a)| {
            result_json(
                a,
                failed.contains(&i).then_some((
                    "InvalidRequest",
                    "The activity's startDateTime is in the future.",
                )),
            )
        })
        .collect();
    json!({ "value": value }).to_string()
}

fn ok_reply(activities: &[AnyExternalActivity]) -> Reply {
    json(200, &results_body(activities, &[]))
}

// ---------------------------------------------------------------------------
// Clients.

fn fast_retries(max_attempts: u32) -> RetryPolicy {
    RetryPolicy {
        max_attempts,
        max_total_wait: Duration::from_secs(3),
        base_delay: Duration::from_millis(5),
        max_delay: Duration::from_millis(20),
    }
}

/// A client from the crate's own builder (`msgraph_connectors::client`),
/// which names the crate in `User-Agent`.
fn builder(cloud: Cloud, server: &Server) -> graphgen_runtime::ClientBuilder {
    msgraph_connectors::client(cloud)
        .base_url(format!("{}/v1.0", server.url()))
        .bearer_token(TOKEN)
        .retry_policy(fast_retries(5))
        .timeout(Duration::from_secs(10))
}

fn client(server: &Server) -> Client {
    builder(Cloud::Global, server).build().unwrap()
}

fn is_guid(s: &str) -> bool {
    let groups: Vec<&str> = s.split('-').collect();
    groups.iter().map(|g| g.len()).eq([8, 4, 4, 4, 12])
        && groups
            .iter()
            .all(|g| g.bytes().all(|b| b.is_ascii_hexdigit()))
}

fn request_body(r: &Recorded) -> Value {
    serde_json::from_slice(&r.body).unwrap()
}

/// Waits a little so that a request that should not have been sent, had it
/// been, would have reached the server.
async fn settle() {
    tokio::time::sleep(Duration::from_millis(50)).await;
}

// ---------------------------------------------------------------------------
// The documented example on the wire.

#[tokio::test]
async fn documented_example_exact_request_and_200() {
    let server = Server::start(vec![response(
        200,
        &[
            ("Content-Type", "application/json"),
            ("request-id", "0b7fe7b0-0000-0000-0000-000000000001"),
        ],
        DOCUMENTED_RESPONSE,
    )])
    .await;
    let op = add(vec![documented_activity()]);
    let out = op.send(&client(&server)).await.unwrap();

    let reqs = server.requests();
    assert_eq!(reqs.len(), 1);
    let r = &reqs[0];
    assert_eq!(r.request_line, REQUEST_LINE);
    assert_eq!(r.header("authorization"), Some("Bearer test-token-abc"));
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert_eq!(r.header("accept"), Some("application/json"));
    assert_eq!(r.header("user-agent"), Some(CRATE_USER_AGENT));
    assert_eq!(r.header("retry-attempt"), None);
    let id = r.header("client-request-id").expect("client-request-id");
    assert!(is_guid(id), "not a GUID: {id}");
    assert_eq!(
        r.header("content-length"),
        Some(r.body.len().to_string().as_str())
    );
    assert_eq!(
        request_body(r),
        serde_json::from_str::<Value>(DOCUMENTED_REQUEST).unwrap()
    );
    // Written with the date-time text as given, and @odata.type first.
    assert!(
        r.body_str().starts_with(
            r##"{"activities":[{"@odata.type":"#microsoft.graph.externalConnectors.externalActivity","##
        ),
        "{}",
        r.body_str()
    );
    assert!(r
        .body_str()
        .contains(r#""startDateTime":"2021-04-06T18:04:31.033Z""#));
    // Every header sent, and nothing else.
    let mut names: Vec<&str> = r.headers.iter().map(|(n, _)| n.as_str()).collect();
    names.sort_unstable();
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

    // 200: the one activity succeeded.
    assert_eq!(out.status(), StatusCode::OK);
    assert!(!out.is_partial());
    assert!(out.is_complete_success());
    let [entry] = out.entries() else {
        panic!("one entry expected: {out:?}")
    };
    assert_eq!(entry.index, 0);
    assert_eq!(entry.item, documented_activity());
    let EntryStatus::Succeeded(result) = &entry.status else {
        panic!("{entry:?}")
    };
    assert_eq!(
        result.r#type,
        Nullable::Value(ExternalActivityType::Created)
    );
    assert_eq!(
        result.start_date_time.value().map(DateTimeOffset::as_str),
        Some("2021-04-06T18:04:31.033Z")
    );
    assert!(!result.error.is_value());
    assert!(out.unmatched_results().is_empty());
}

#[tokio::test]
async fn each_call_has_a_fresh_client_request_id() {
    let acts = activities(2);
    let server = Server::start(vec![ok_reply(&acts)]).await;
    let c = client(&server);
    add(acts.clone()).send(&c).await.unwrap();
    add(acts).send(&c).await.unwrap();
    let reqs = server.requests();
    assert_eq!(reqs.len(), 2);
    assert_ne!(
        reqs[0].header("client-request-id"),
        reqs[1].header("client-request-id")
    );
}

#[test]
fn the_crate_names_itself_in_user_agent() {
    assert_eq!(msgraph_connectors::USER_AGENT, CRATE_USER_AGENT);
}

/// A client built with the runtime's `Client::builder` directly (not
/// `msgraph_connectors::client`) sends the runtime's default `User-Agent`.
#[tokio::test]
async fn runtime_builder_sends_the_runtime_default_user_agent() {
    let acts = activities(1);
    let server = Server::start(vec![ok_reply(&acts)]).await;
    let c = Client::builder(Cloud::Global)
        .base_url(format!("{}/v1.0", server.url()))
        .bearer_token(TOKEN)
        .build()
        .unwrap();
    add(acts.clone()).send(&c).await.unwrap();
    // The crate's builder with nothing else set.
    let c = msgraph_connectors::client(Cloud::Global)
        .base_url(format!("{}/v1.0", server.url()))
        .build()
        .unwrap();
    add(acts).send(&c).await.unwrap();
    let reqs = server.requests();
    assert_eq!(reqs[0].header("user-agent"), Some(DEFAULT_USER_AGENT));
    assert!(DEFAULT_USER_AGENT.starts_with("graphgen-runtime/"));
    assert_eq!(reqs[1].header("user-agent"), Some(CRATE_USER_AGENT));
    assert_eq!(reqs[1].header("authorization"), None, "no token set");
}

// ---------------------------------------------------------------------------
// Outcomes.

#[tokio::test]
async fn multi_status_with_one_failed_activity() {
    let acts = activities(3);
    let server = Server::start(vec![json(207, &results_body(&acts, &[1]))]).await;
    let out = add(acts.clone()).send(&client(&server)).await.unwrap();

    assert_eq!(out.status(), StatusCode::MULTI_STATUS);
    assert!(out.is_partial());
    assert!(!out.is_complete_success());
    assert_eq!(out.succeeded().map(|e| e.index).collect::<Vec<_>>(), [0, 2]);
    let failed: Vec<_> = out.failed().collect();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0].index, 1);
    assert_eq!(failed[0].item, acts[1]);
    // The typed microsoft.graph.publicError.
    let error: &msgraph_connectors::graph::PublicError = failed[0].error().unwrap();
    assert_eq!(error.code.as_deref(), Some("InvalidRequest"));
    assert_eq!(
        error.message.as_deref(),
        Some("The activity's startDateTime is in the future.")
    );
    assert_eq!(out.missing().count(), 0);
    assert_eq!(out.into_retry_items(), vec![acts[1].clone()]);
}

#[tokio::test]
async fn results_in_another_order_and_time_format_are_paired_by_echo() {
    // The service may write the time with seven fractional digits and answer
    // in another order; one result is missing.
    let acts = vec![
        activity_at("2021-04-06T18:04:31.033Z", ExternalActivityType::Created),
        activity_at("2021-04-06T18:05:00Z", ExternalActivityType::Viewed),
        activity_at("2021-04-06T18:06:00Z", ExternalActivityType::Modified),
    ];
    let body = json!({"value": [
        {"@odata.type": "#microsoft.graph.externalConnectors.externalActivityResult",
         "type": "modified", "startDateTime": "2021-04-06T18:06:00.0000000Z", "error": null},
        {"@odata.type": "#microsoft.graph.externalConnectors.externalActivityResult",
         "type": "created", "startDateTime": "2021-04-06T18:04:31.0330000Z",
         "error": {"code": "ItemNotFound", "message": "no such item"}},
    ]});
    let server = Server::start(vec![json(207, &body.to_string())]).await;
    let out = add(acts.clone()).send(&client(&server)).await.unwrap();
    let st: Vec<&str> = out
        .entries()
        .iter()
        .map(|e| match e.status {
            EntryStatus::Succeeded(_) => "ok",
            EntryStatus::Failed(_) => "failed",
            EntryStatus::Missing => "missing",
        })
        .collect();
    assert_eq!(st, ["failed", "missing", "ok"]);
    assert_eq!(
        out.entries()[0].error().unwrap().code.as_deref(),
        Some("ItemNotFound")
    );
    // The missing one may have been recorded: not resubmitted.
    assert_eq!(out.into_retry_items(), vec![acts[0].clone()]);
}

// ---------------------------------------------------------------------------
// Errors.

#[tokio::test]
async fn bad_request_with_an_odata_error() {
    let body = r#"{"error":{"code":"InvalidRequest","message":"Invalid activity type.","innerError":{"date":"2025-02-13T10:17:05","request-id":"5a0c1ff4-0000-0000-0000-000000000001","client-request-id":"5a0c1ff4-0000-0000-0000-000000000002"}}}"#;
    let server = Server::start(vec![response(
        400,
        &[
            ("Content-Type", "application/json"),
            ("request-id", "5a0c1ff4-0000-0000-0000-000000000001"),
            ("client-request-id", "5a0c1ff4-0000-0000-0000-000000000002"),
        ],
        body,
    )])
    .await;
    let err = add(activities(1)).send(&client(&server)).await.unwrap_err();
    let Error::Service(e) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(e.status, StatusCode::BAD_REQUEST);
    assert_eq!(e.code(), Some("InvalidRequest"));
    assert_eq!(e.message(), Some("Invalid activity type."));
    assert_eq!(
        e.request_id.as_deref(),
        Some("5a0c1ff4-0000-0000-0000-000000000001")
    );
    let inner = e.odata.as_ref().unwrap().inner_error.as_ref().unwrap();
    assert_eq!(
        inner.request_id.as_deref(),
        Some("5a0c1ff4-0000-0000-0000-000000000001")
    );
    assert_eq!(
        inner.client_request_id.as_deref(),
        Some("5a0c1ff4-0000-0000-0000-000000000002")
    );
    // Sent without an offset; kept as text, not rejected.
    assert_eq!(inner.date.as_ref().unwrap().as_str(), "2025-02-13T10:17:05");
    assert_eq!(err.status(), Some(StatusCode::BAD_REQUEST));
    let shown = err.to_string();
    assert!(shown.contains("InvalidRequest"), "{shown}");
    assert!(
        shown.contains("5a0c1ff4-0000-0000-0000-000000000001"),
        "{shown}"
    );
    assert_eq!(server.count(), 1, "a 400 is not retried");
}

#[tokio::test]
async fn unauthorized() {
    let server = Server::start(vec![response(
        401,
        &[
            ("Content-Type", "application/json"),
            ("request-id", "r-401"),
            ("WWW-Authenticate", "Bearer realm=\"\""),
        ],
        r#"{"error":{"code":"InvalidAuthenticationToken","message":"Access token has expired or is not yet valid."}}"#,
    )])
    .await;
    let err = add(activities(1)).send(&client(&server)).await.unwrap_err();
    assert_eq!(err.status(), Some(StatusCode::UNAUTHORIZED));
    let e = err.service_error().unwrap();
    assert_eq!(e.code(), Some("InvalidAuthenticationToken"));
    assert_eq!(e.request_id.as_deref(), Some("r-401"));
    assert!(!format!("{err:?}{err}").contains(TOKEN));
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn too_many_requests_with_retry_after_one_second_then_ok() {
    let acts = activities(2);
    let server = Server::start(vec![
        response(
            429,
            &[("Retry-After", "1"), ("Content-Type", "application/json")],
            r#"{"error":{"code":"TooManyRequests","message":"Please retry after 1 second."}}"#,
        ),
        ok_reply(&acts),
    ])
    .await;
    let started = Instant::now();
    let out = add(acts).send(&client(&server)).await.unwrap();
    let elapsed = started.elapsed();
    assert!(out.is_complete_success());
    assert!(elapsed >= Duration::from_secs(1), "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(5), "{elapsed:?}");

    let reqs = server.requests();
    assert_eq!(reqs.len(), 2, "two attempts");
    assert!(reqs.iter().all(|r| r.request_line == REQUEST_LINE));
    assert_eq!(
        reqs[0].header("client-request-id"),
        reqs[1].header("client-request-id"),
        "a retry keeps the client-request-id"
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
        &[
            ("Retry-After", "0"),
            ("request-id", "r-429"),
            ("Content-Type", "application/json"),
        ],
        r#"{"error":{"code":"TooManyRequests","message":"Slow down"}}"#,
    )])
    .await;
    let c = builder(Cloud::Global, &server)
        .retry_policy(fast_retries(4))
        .build()
        .unwrap();
    let started = Instant::now();
    let err = add(activities(1)).send(&c).await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(3));
    match &err {
        Error::Throttled {
            attempts,
            retry_after,
            last,
            ..
        } => {
            assert_eq!(*attempts, 4);
            assert_eq!(*retry_after, Some(Duration::ZERO));
            assert_eq!(last.status, StatusCode::TOO_MANY_REQUESTS);
            assert_eq!(last.code(), Some("TooManyRequests"));
            assert_eq!(last.request_id.as_deref(), Some("r-429"));
        }
        other => panic!("{other:?}"),
    }
    let reqs = server.requests();
    assert_eq!(reqs.len(), 4);
    let attempts: Vec<_> = reqs.iter().map(|r| r.header("retry-attempt")).collect();
    assert_eq!(attempts, [None, Some("1"), Some("2"), Some("3")]);
    let ids: Vec<_> = reqs.iter().map(|r| r.header("client-request-id")).collect();
    assert!(ids.iter().all(|id| *id == ids[0]));

    // Without Retry-After: jittered backoff, still bounded by max_attempts.
    let server = Server::start(vec![response(429, &[], "")]).await;
    let c = builder(Cloud::Global, &server)
        .retry_policy(fast_retries(3))
        .build()
        .unwrap();
    let started = Instant::now();
    let err = add(activities(1)).send(&c).await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(2));
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
    assert_eq!(server.count(), 3);

    // A Retry-After beyond the total wait budget: no wait, no second request.
    let server = Server::start(vec![response(429, &[("Retry-After", "3600")], "")]).await;
    let c = builder(Cloud::Global, &server).build().unwrap();
    let started = Instant::now();
    let err = add(activities(1)).send(&c).await.unwrap_err();
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
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn service_unavailable_without_retry_after_then_ok() {
    let acts = activities(2);
    let server = Server::start(vec![
        response(503, &[("Content-Type", "text/plain")], "busy"),
        ok_reply(&acts),
    ])
    .await;
    let started = Instant::now();
    let out = add(acts).send(&client(&server)).await.unwrap();
    assert!(started.elapsed() < Duration::from_secs(2));
    assert!(out.is_complete_success());
    let reqs = server.requests();
    assert_eq!(reqs.len(), 2);
    assert_eq!(reqs[1].header("retry-attempt"), Some("1"));
    assert_eq!(
        reqs[0].header("client-request-id"),
        reqs[1].header("client-request-id")
    );
}

#[tokio::test]
async fn internal_server_error_is_sent_once() {
    let server = Server::start(vec![response(
        500,
        &[
            ("Content-Type", "application/json"),
            ("request-id", "r-500"),
        ],
        r#"{"error":{"code":"generalException","message":"An internal error occurred."}}"#,
    )])
    .await;
    let err = add(activities(1)).send(&client(&server)).await.unwrap_err();
    assert_eq!(err.status(), Some(StatusCode::INTERNAL_SERVER_ERROR));
    assert_eq!(
        err.service_error().unwrap().code(),
        Some("generalException")
    );
    settle().await;
    assert_eq!(
        server.count(),
        1,
        "never retried: it may have been recorded"
    );
}

#[tokio::test]
async fn malformed_json_in_a_200_is_a_decode_error() {
    let server = Server::start(vec![json(
        200,
        "{\"value\": [\n  {\"type\": \"viewed\", \"startDateTime\": }\n]}",
    )])
    .await;
    let err = add(activities(1)).send(&client(&server)).await.unwrap_err();
    match &err {
        Error::Decode {
            status,
            line,
            column,
            ..
        } => {
            assert_eq!(*status, StatusCode::OK);
            assert_eq!((*line, *column), (2, 39));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(server.count(), 1);

    // Well-formed JSON of the wrong shape too (a member of the wrong type).
    let server = Server::start(vec![json(200, r#"{"value":[{"type":5}]}"#)]).await;
    let err = add(activities(1)).send(&client(&server)).await.unwrap_err();
    assert!(matches!(err, Error::Decode { .. }), "{err:?}");
    // The message says where; its source, serde_json's error, says what.
    let source = std::error::Error::source(&err).unwrap().to_string();
    assert!(source.contains("invalid type"), "{source}");
    assert!(!err.to_string().contains(&source), "{err}");
}

#[tokio::test]
async fn an_oversized_body_is_refused() {
    let acts = activities(20);
    let body = results_body(&acts, &[]);
    assert!(body.len() > 2048);
    let server = Server::start(vec![json(200, &body)]).await;
    let c = builder(Cloud::Global, &server)
        .max_response_bytes(2048)
        .build()
        .unwrap();
    let err = add(acts.clone()).send(&c).await.unwrap_err();
    assert!(
        matches!(err, Error::BodyTooLarge { limit: 2048 }),
        "{err:?}"
    );
    assert_eq!(server.count(), 1);

    // Chunked, no length, never ending: stopped once over the cap.
    let server = Server::start(vec![Reply::Endless(
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
            .to_vec(),
    )])
    .await;
    let c = builder(Cloud::Global, &server)
        .max_response_bytes(32 * 1024)
        .build()
        .unwrap();
    let started = Instant::now();
    let err = add(acts).send(&c).await.unwrap_err();
    assert!(
        matches!(err, Error::BodyTooLarge { limit: 32768 }),
        "{err:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(5));
}

// ---------------------------------------------------------------------------
// Refused before sending.

#[tokio::test]
async fn china_is_refused_without_any_request() {
    let server = Server::start(vec![json(200, DOCUMENTED_RESPONSE)]).await;
    let c = builder(Cloud::China, &server).build().unwrap();
    let err = add(vec![documented_activity()]).send(&c).await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::NotAvailable {
                operation: "microsoft.graph.externalConnectors.addActivities",
                ref path,
                cloud: Cloud::China
            } if *path == format!("/external/connections/{CONNECTION}/items/{ITEM}/addActivities")
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("china"), "{err}");
    // send_split refuses the same way, listing every activity as not sent.
    let acts = activities(25);
    let out = add(acts.clone()).send_split(&c).await;
    let calls = out.failed_calls();
    assert_eq!(calls.len(), 1);
    assert!(matches!(calls[0].error, Error::NotAvailable { .. }));
    assert_eq!(out.into_retry_items(), acts);
    settle().await;
    assert_eq!(server.count(), 0);

    // The clouds that have the action send it.
    for cloud in [Cloud::Global, Cloud::UsGovL4, Cloud::UsGovL5] {
        let c = builder(cloud, &server).build().unwrap();
        add(vec![documented_activity()]).send(&c).await.unwrap();
    }
    assert_eq!(server.count(), 3);
}

#[tokio::test]
async fn no_activities_are_refused_without_any_request() {
    let server = Server::start(vec![ok_reply(&activities(1))]).await;
    let err = add(Vec::new()).send(&client(&server)).await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::NoItems {
                operation: "microsoft.graph.externalConnectors.addActivities"
            }
        ),
        "{err:?}"
    );
    settle().await;
    assert_eq!(server.count(), 0);
}

#[tokio::test]
async fn twenty_one_activities_are_refused_without_any_request() {
    let server = Server::start(vec![ok_reply(&activities(20))]).await;
    let err = add(activities(21))
        .send(&client(&server))
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::TooManyItems { max: 20, got: 21 }),
        "{err:?}"
    );
    settle().await;
    assert_eq!(server.count(), 0);
    // Twenty go.
    let out = add(activities(20)).send(&client(&server)).await.unwrap();
    assert!(out.is_complete_success());
    assert_eq!(out.entries().len(), 20);
}

#[tokio::test]
async fn forty_five_activities_go_as_twenty_twenty_five() {
    let acts = activities(45);
    let server = Server::start(vec![
        json(200, &results_body(&acts[0..20], &[])),
        json(207, &results_body(&acts[20..40], &[3, 17])),
        json(200, &results_body(&acts[40..45], &[])),
    ])
    .await;
    let out = add(acts.clone()).send_split(&client(&server)).await;

    let reqs = server.requests();
    assert_eq!(reqs.len(), 3);
    assert!(reqs.iter().all(|r| r.request_line == REQUEST_LINE));
    let sizes: Vec<usize> = reqs
        .iter()
        .map(|r| request_body(r)["activities"].as_array().unwrap().len())
        .collect();
    assert_eq!(sizes, [20, 20, 5]);
    // Each call carried its own slice, in order: every activity sent once.
    let sent: Vec<Value> = reqs
        .iter()
        .flat_map(|r| request_body(r)["activities"].as_array().unwrap().clone())
        .collect();
    assert_eq!(
        sent,
        serde_json::to_value(&acts).unwrap().as_array().unwrap()[..]
    );
    let mut ids: Vec<_> = reqs.iter().map(|r| r.header("client-request-id")).collect();
    ids.dedup();
    assert_eq!(ids.len(), 3, "one client-request-id per call");

    assert!(out.failed_calls().is_empty());
    assert!(out.is_partial());
    assert_eq!(
        out.statuses(),
        [StatusCode::OK, StatusCode::MULTI_STATUS, StatusCode::OK]
    );
    // Every activity accounted for exactly once, in order, with its index
    // in the whole input.
    let indices: Vec<usize> = out.entries().iter().map(|e| e.index).collect();
    assert_eq!(indices, (0..45).collect::<Vec<_>>());
    for e in out.entries() {
        assert_eq!(e.item, acts[e.index]);
        assert!(e.status.result().is_some());
    }
    assert_eq!(out.failed().map(|e| e.index).collect::<Vec<_>>(), [23, 37]);
    assert_eq!(out.succeeded().count(), 43);
    assert_eq!(out.missing().count(), 0);
    assert!(out.unmatched_results().is_empty());
    assert_eq!(
        out.failed()
            .next()
            .unwrap()
            .error()
            .unwrap()
            .code
            .as_deref(),
        Some("InvalidRequest")
    );
    assert!(!out.is_complete_success());
    assert_eq!(
        out.into_retry_items(),
        vec![acts[23].clone(), acts[37].clone()]
    );
}

#[tokio::test]
async fn a_failed_call_of_a_split_keeps_its_activities() {
    let acts = activities(45);
    let server = Server::start(vec![
        json(200, &results_body(&acts[0..20], &[])),
        json(
            500,
            r#"{"error":{"code":"generalException","message":"x"}}"#,
        ),
        json(200, &results_body(&acts[40..45], &[])),
    ])
    .await;
    let out = add(acts.clone()).send_split(&client(&server)).await;
    assert_eq!(server.count(), 3, "later calls still go");
    assert_eq!(out.entries().len(), 25);
    let calls = out.failed_calls();
    assert_eq!(calls.len(), 1);
    assert_eq!(
        calls[0].items.iter().map(|(i, _)| *i).collect::<Vec<_>>(),
        (20..40).collect::<Vec<_>>()
    );
    assert!(calls[0].not_sent.is_empty());
    // A 500 may have recorded them: unconfirmed, not handed back to resubmit.
    let unconfirmed: Vec<usize> = out.unconfirmed().iter().map(|(i, _)| *i).collect();
    assert_eq!(unconfirmed, (20..40).collect::<Vec<_>>());
    assert!(out.into_retry_items().is_empty());
}

#[tokio::test]
async fn ids_with_reserved_characters_are_encoded_or_refused() {
    let server = Server::start(vec![json(200, r#"{"value":[]}"#)]).await;
    let c = client(&server);
    AddActivities::new("a/b?c#d%e f", "ü", activities(1))
        .send(&c)
        .await
        .unwrap();
    AddActivities::new("contosohr", "Grüße ☃/..", activities(1))
        .send(&c)
        .await
        .unwrap();
    let lines: Vec<String> = server
        .requests()
        .into_iter()
        .map(|r| r.request_line)
        .collect();
    assert_eq!(
        lines,
        [
            "POST /v1.0/external/connections/a%2Fb%3Fc%23d%25e%20f/items/%C3%BC/addActivities HTTP/1.1",
            "POST /v1.0/external/connections/contosohr/items/Gr%C3%BC%C3%9Fe%20%E2%98%83%2F../addActivities HTTP/1.1",
        ]
    );

    // Dot segments and empty keys would change the path: refused, unsent.
    for (connection, item, segment) in [
        ("..", ITEM, "connections"),
        (".", ITEM, "connections"),
        ("", ITEM, "connections"),
        (CONNECTION, "..", "items"),
        (CONNECTION, ".", "items"),
        (CONNECTION, "", "items"),
    ] {
        let err = AddActivities::new(connection, item, activities(1))
            .send(&c)
            .await
            .unwrap_err();
        match err {
            Error::InvalidKey { segment: s, .. } => assert_eq!(s, segment),
            other => panic!("{connection:?}/{item:?}: {other:?}"),
        }
    }
    settle().await;
    assert_eq!(server.count(), 2);
}

// ---------------------------------------------------------------------------
// Client credentials.

fn form_fields(body: &str) -> Vec<(String, String)> {
    fn decode(s: &str) -> String {
        let mut out = Vec::new();
        let b = s.as_bytes();
        let mut i = 0;
        while i < b.len() {
            match b[i] {
                b'%' => {
                    out.push(u8::from_str_radix(&s[i + 1..i + 3], 16).unwrap());
                    i += 3;
                }
                b'+' => {
                    out.push(b' ');
                    i += 1;
                }
                c => {
                    out.push(c);
                    i += 1;
                }
            }
        }
        String::from_utf8(out).unwrap()
    }
    let mut fields: Vec<(String, String)> = body
        .split('&')
        .map(|kv| {
            let (k, v) = kv.split_once('=').unwrap();
            (decode(k), decode(v))
        })
        .collect();
    fields.sort();
    fields
}

#[tokio::test]
async fn client_credentials_against_a_local_token_endpoint() {
    let tokens = Server::start(vec![json(
        200,
        r#"{"token_type":"Bearer","expires_in":3599,"ext_expires_in":3599,"access_token":"eyJ0eXAi.local.ACCESS-TOKEN"}"#,
    )])
    .await;
    let acts = activities(1);
    let graph = Server::start(vec![ok_reply(&acts)]).await;
    let creds = ClientCredentials::new(
        "contoso.onmicrosoft.com",
        "00000000-0000-0000-0000-0000000000a1",
        "sec+ret/=&value",
    )
    .authority_host(&tokens.url())
    .unwrap();
    let c = Client::builder(Cloud::Global)
        .base_url(format!("{}/v1.0", graph.url()))
        .token_provider(creds)
        .build()
        .unwrap();
    add(acts.clone()).send(&c).await.unwrap();
    add(acts.clone()).send(&c).await.unwrap();

    let treqs = tokens.requests();
    assert_eq!(treqs.len(), 1, "the token is reused across calls");
    let t = &treqs[0];
    assert_eq!(
        t.request_line,
        "POST /contoso.onmicrosoft.com/oauth2/v2.0/token HTTP/1.1"
    );
    assert_eq!(
        t.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    let expected: Vec<(String, String)> = [
        ("client_id", "00000000-0000-0000-0000-0000000000a1"),
        ("client_secret", "sec+ret/=&value"),
        ("grant_type", "client_credentials"),
        ("scope", "https://graph.microsoft.com/.default"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    assert_eq!(form_fields(t.body_str()), expected);

    let greqs = graph.requests();
    assert_eq!(greqs.len(), 2);
    for r in &greqs {
        assert_eq!(r.request_line, REQUEST_LINE);
        assert_eq!(
            r.header("authorization"),
            Some("Bearer eyJ0eXAi.local.ACCESS-TOKEN")
        );
    }
    assert!(!format!("{c:?}").contains("sec+ret"));
}

#[tokio::test]
async fn client_credentials_in_a_us_gov_cloud_ask_for_its_scope() {
    let tokens = Server::start(vec![json(
        200,
        r#"{"token_type":"Bearer","expires_in":"3599","access_token":"gov-token"}"#,
    )])
    .await;
    let acts = activities(1);
    let graph = Server::start(vec![ok_reply(&acts)]).await;
    let creds = ClientCredentials::new("tenant", "client", "secret")
        .cloud(Cloud::UsGovL5)
        .authority_host(&tokens.url())
        .unwrap();
    let c = Client::builder(Cloud::UsGovL5)
        .base_url(format!("{}/v1.0", graph.url()))
        .token_provider(creds)
        .build()
        .unwrap();
    add(acts).send(&c).await.unwrap();
    let form = form_fields(tokens.requests()[0].body_str());
    assert!(form.contains(&(
        "scope".into(),
        "https://dod-graph.microsoft.us/.default".into()
    )));
    assert_eq!(
        graph.requests()[0].header("authorization"),
        Some("Bearer gov-token")
    );
}

#[tokio::test]
async fn a_refused_token_request_sends_nothing_to_graph() {
    let tokens = Server::start(vec![json(
        401,
        r#"{"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided.","error_codes":[7000215]}"#,
    )])
    .await;
    let graph = Server::start(vec![json(200, DOCUMENTED_RESPONSE)]).await;
    let creds = ClientCredentials::new("tenant", "client", "THE-CLIENT-SECRET")
        .authority_host(&tokens.url())
        .unwrap();
    let c = Client::builder(Cloud::Global)
        .base_url(format!("{}/v1.0", graph.url()))
        .token_provider(creds)
        .build()
        .unwrap();
    let err = add(vec![documented_activity()]).send(&c).await.unwrap_err();
    let Error::Auth(a) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(a.error.as_deref(), Some("invalid_client"));
    assert_eq!(a.error_codes, [7000215]);
    assert!(!format!("{err:?} {err}").contains("THE-CLIENT-SECRET"));
    settle().await;
    assert_eq!(graph.count(), 0);
}

#[test]
fn futures_are_send() {
    fn assert_send<T: Send>(_: T) {}
    let c = Client::builder(Cloud::Global).build().unwrap();
    assert_send(add(activities(1)).send(&c));
    assert_send(add(activities(1)).send_split(&c));
}

#[tokio::test]
async fn send_stream_reports_each_call_as_it_ends() {
    let server = Server::respond_with(|req, _| {
        let sent: Vec<AnyExternalActivity> =
            serde_json::from_value(request_body(req)["activities"].clone()).unwrap();
        ok_reply(&sent)
    })
    .await;
    let c = client(&server);
    let mut calls = add(activities(45)).send_stream(&c, 2);
    let mut seen = Vec::new();
    while let Some(outcome) = calls.next_outcome().await {
        let graphgen_runtime::CallOutcome::Answered(answered) = outcome else {
            panic!("{outcome:?}")
        };
        assert!(answered.is_complete_success());
        seen.extend(answered.entries().iter().map(|e| e.index));
    }
    seen.sort_unstable();
    assert_eq!(seen, (0..45).collect::<Vec<_>>());
    assert_eq!(server.count(), 3, "45 activities go as 20 + 20 + 5");
}
