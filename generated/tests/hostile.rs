//! The GENERATED `AddActivities` against answers that do not match what was
//! sent, and servers that try to pull the call elsewhere (the scripted
//! `graphgen-testkit` server on 127.0.0.1). Transport-level misbehaviour
//! (endless bodies, resets, timeouts, `Retry-After`, gzip) is in
//! `runtime/tests/hostile.rs`; `tests/client.rs` has the service's normal
//! answers, including a 207 with one result missing among reordered ones.
#![cfg(feature = "reqwest")]

use std::time::Duration;

use graphgen_runtime::batch::EntryStatus;
use graphgen_runtime::edm::DateTimeOffset;
use graphgen_runtime::{Client, Cloud, Error, Nullable, RetryPolicy};
use graphgen_testkit::{json, response, Reply, Server};
use msgraph_connectors::external_connectors::{
    AddActivities, AnyExternalActivity, ExternalActivity, ExternalActivityType, Identity,
    IdentityType,
};
use serde_json::{json, Value};

const TOKEN: &str = "hostile-generated-token";

fn activity(i: usize) -> AnyExternalActivity {
    let kinds = [
        ExternalActivityType::Viewed,
        ExternalActivityType::Modified,
        ExternalActivityType::Created,
        ExternalActivityType::Commented,
    ];
    let start = format!("2021-04-06T18:{:02}:{:02}.{:03}Z", i / 60, i % 60, i);
    let mut a = ExternalActivity::new(
        DateTimeOffset::new(&start).unwrap(),
        kinds[i % kinds.len()].clone(),
    );
    let mut by = Identity::default();
    by.r#type = Nullable::Value(IdentityType::User);
    by.id = Nullable::Value("1f0c997e-99f7-43f1-8cca-086f8d42be8d".into());
    a.performed_by = Nullable::Value(by);
    a.into()
}

fn activities(n: usize) -> Vec<AnyExternalActivity> {
    (0..n).map(activity).collect()
}

/// The service's result for activity `i`, failed with `code` if given.
fn result(i: usize, code: Option<&str>) -> Value {
    let a = serde_json::to_value(activity(i)).unwrap();
    json!({
        "@odata.type": "#microsoft.graph.externalConnectors.externalActivityResult",
        "type": a["type"],
        "startDateTime": a["startDateTime"],
        "performedBy": a["performedBy"],
        "error": code.map(|c| json!({"code": c, "message": "failed"})),
    })
}

fn body(results: Vec<Value>) -> String {
    json!({ "value": results }).to_string()
}

fn client(server: &Server) -> Client {
    msgraph_connectors::client(Cloud::Global)
        .base_url(format!("{}/v1.0", server.url()))
        .bearer_token(TOKEN)
        .retry_policy(RetryPolicy {
            max_attempts: 3,
            max_total_wait: Duration::from_secs(2),
            base_delay: Duration::from_millis(5),
            max_delay: Duration::from_millis(20),
        })
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap()
}

fn states(
    entries: &[graphgen_runtime::batch::BatchEntry<AnyExternalActivity, impl Sized>],
) -> String {
    entries
        .iter()
        .map(|e| match e.status {
            EntryStatus::Succeeded(_) => 'o',
            EntryStatus::Failed(_) => 'F',
            EntryStatus::Missing => '?',
        })
        .collect()
}

async fn send(
    status: u16,
    results: Vec<Value>,
    sent: usize,
) -> graphgen_runtime::BatchOutcome<
    AnyExternalActivity,
    msgraph_connectors::external_connectors::ExternalActivityResult,
> {
    let server = Server::start(vec![json(status, &body(results))]).await;
    let out = AddActivities::new("c", "i", activities(sent))
        .send(&client(&server))
        .await
        .unwrap();
    assert_eq!(server.count(), 1);
    // Whatever came back, each activity sent has exactly one entry, in order.
    assert_eq!(out.entries().len(), sent);
    for (i, e) in out.entries().iter().enumerate() {
        assert_eq!((e.index, &e.item), (i, &activity(i)));
    }
    out
}

/// A 207 with fewer results than activities: the ones without a result are
/// `Missing`, counted, not silently successful, and not resubmitted (the
/// service may have recorded them).
#[tokio::test]
async fn fewer_results_than_activities() {
    let out = send(
        207,
        vec![result(0, None), result(2, Some("InvalidRequest"))],
        4,
    )
    .await;
    assert_eq!(states(out.entries()), "o?F?");
    assert_eq!(out.missing().map(|e| e.index).collect::<Vec<_>>(), [1, 3]);
    assert!(!out.is_complete_success());
    assert!(out.unmatched_results().is_empty());
    assert_eq!(out.into_retry_items(), vec![activity(2)]);
}

/// A 207 with no result at all for three activities.
#[tokio::test]
async fn no_results_for_three_activities() {
    let out = send(207, vec![], 3).await;
    assert_eq!(states(out.entries()), "???");
    assert!(!out.is_complete_success());
}

/// A 200 that lists fewer results is not a complete success either.
#[tokio::test]
async fn a_200_with_a_result_short() {
    let out = send(200, vec![result(1, None)], 2).await;
    assert_eq!(states(out.entries()), "?o");
    assert!(!out.is_complete_success());
}

/// More results than activities: a duplicate and a result for an activity
/// never sent are kept as unmatched, never paired twice, and the outcome is
/// not a complete success.
#[tokio::test]
async fn more_results_than_activities() {
    let out = send(
        207,
        vec![
            result(0, None),
            result(0, Some("Duplicate")),
            result(1, None),
            result(7, None),
        ],
        2,
    )
    .await;
    assert_eq!(states(out.entries()), "oo");
    assert_eq!(out.unmatched_results().len(), 2);
    assert_eq!(
        out.unmatched_results()[0]
            .error
            .value()
            .and_then(|e| e.code.as_deref()),
        Some("Duplicate")
    );
    assert!(!out.is_complete_success());
}

/// As many results as activities, but one echoes nothing that was sent:
/// pairing falls back to echoes, so the odd one is unmatched and its slot
/// missing; counts alone never decide.
#[tokio::test]
async fn same_count_but_a_stranger() {
    let out = send(
        207,
        vec![result(0, None), result(9, None), result(2, None)],
        3,
    )
    .await;
    assert_eq!(states(out.entries()), "o?o");
    assert_eq!(out.unmatched_results().len(), 1);
}

/// A split send whose middle call's 207 drops results: all 45 activities
/// are still accounted for.
#[tokio::test]
async fn a_split_send_with_a_short_answer_accounts_for_every_activity() {
    let results = |r: std::ops::Range<usize>| r.map(|i| result(i, None)).collect::<Vec<_>>();
    let server = Server::start(vec![
        json(200, &body(results(0..20))),
        json(207, &body(results(20..35))), // 5 of 20 missing
        json(200, &body(results(40..45))),
    ])
    .await;
    let out = AddActivities::new("c", "i", activities(45))
        .send_split(&client(&server))
        .await;
    assert_eq!(server.count(), 3);
    let indices: Vec<usize> = out.entries().iter().map(|e| e.index).collect();
    assert_eq!(indices, (0..45).collect::<Vec<_>>());
    assert_eq!(
        out.missing().map(|e| e.index).collect::<Vec<_>>(),
        (35..40).collect::<Vec<_>>()
    );
    assert_eq!(out.succeeded().count(), 40);
    assert!(!out.is_complete_success());
}

/// A 307 or 308 (which would resend the body) to another host: the crate's
/// client follows neither, so the bearer token and the activities never
/// reach the other host.
#[tokio::test]
async fn method_preserving_redirects_are_not_followed() {
    let elsewhere = Server::start(vec![json(200, &body(vec![result(0, None)]))]).await;
    for status in [307u16, 308] {
        let server = Server::start(vec![response(
            status,
            &[("Location", &format!("{}/v1.0/collect", elsewhere.url()))],
            "",
        )])
        .await;
        let err = AddActivities::new("c", "i", activities(1))
            .send(&client(&server))
            .await
            .unwrap_err();
        match &err {
            Error::Service(e) => assert_eq!(e.status.as_u16(), status),
            other => panic!("{status}: {other:?}"),
        }
        assert!(!format!("{err:?} {err}").contains(TOKEN));
        let reqs = server.requests();
        assert_eq!(reqs.len(), 1);
        assert_eq!(
            reqs[0].header("authorization"),
            Some(format!("Bearer {TOKEN}").as_str())
        );
    }
    assert_eq!(elsewhere.count(), 0);
    // A redirect is not retried either, even when it says Retry-After.
    let server = Server::start(vec![
        response(
            308,
            &[("Location", "/v1.0/again"), ("Retry-After", "0")],
            "",
        ),
        Reply::Hang,
    ])
    .await;
    let err = AddActivities::new("c", "i", activities(1))
        .send(&client(&server))
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(308));
    assert_eq!(server.count(), 1);
}
