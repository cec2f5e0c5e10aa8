//! Long sends: split batches as a stream of per-call outcomes with bounded
//! concurrency, early stops, throttling, and many independent requests.
#![cfg(feature = "reqwest")]

mod support;

use std::collections::BTreeSet;
use std::time::Duration;

use futures_util::StreamExt as _;
use graphgen_runtime::{CallOutcome, Client, Cloud, Clouds, CollectionPath, Error, RetryPolicy};
use support::op::{add, results_body, Activity};
use support::{json, response, Recorded, Reply, Server};

fn client(server: &Server) -> Client {
    Client::builder(Cloud::Global)
        .base_url(format!("{}/v1.0", server.url()))
        .bearer_token("test-token")
        .retry_policy(RetryPolicy {
            max_attempts: 3,
            max_total_wait: Duration::from_secs(5),
            base_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(5),
        })
        .build()
        .unwrap()
}

/// Answers an `addActivities` call with a result for each activity sent.
fn echo(req: &Recorded) -> Reply {
    let sent: Vec<Activity> = serde_json::from_value(req.json()["activities"].clone()).unwrap();
    json(200, &results_body(&sent, &[]))
}

/// Indices of every item an outcome accounts for.
fn indices(o: &CallOutcome<Activity, support::op::ActivityResult>) -> Vec<usize> {
    match o {
        CallOutcome::Answered(a) => a.entries().iter().map(|e| e.index).collect(),
        CallOutcome::Failed(c) => c.items.iter().map(|(i, _)| *i).collect(),
        CallOutcome::NotSent(items) => items.iter().map(|(i, _)| *i).collect(),
    }
}

#[tokio::test]
async fn outcomes_come_as_calls_end_with_input_indices() {
    // The first call answers last, so outcomes are not in call order.
    let server = Server::respond_with(|req, i| {
        let wait = if i == 0 { 300 } else { 20 };
        Reply::Delayed(Duration::from_millis(wait), Box::new(echo(req)))
    })
    .await;
    let op = add(95);
    let all = op.activities.clone();
    let outcomes: Vec<_> = client(&server).send_batch_stream(op, 3).collect().await;

    assert_eq!(outcomes.len(), 5, "95 items go as 20+20+20+20+15");
    let firsts: Vec<usize> = outcomes.iter().map(|o| indices(o)[0]).collect();
    assert_ne!(firsts[0], 0, "the slow first call is not reported first");
    assert_eq!(*firsts.last().unwrap(), 0, "it is reported last");
    let mut seen = BTreeSet::new();
    for o in &outcomes {
        let CallOutcome::Answered(a) = o else {
            panic!("{o:?}")
        };
        assert_eq!(o.item_count(), a.entries().len());
        for e in a.entries() {
            assert_eq!(e.item, all[e.index], "index {} is the input's", e.index);
            assert!(e.status.is_success());
            assert!(seen.insert(e.index), "index {} twice", e.index);
        }
    }
    assert_eq!(seen.len(), 95);
    assert!(server.max_in_flight() <= 3, "{}", server.max_in_flight());

    // Collected, the same calls merge in input order.
    let op = add(95);
    let out = client(&server)
        .send_batch_stream(op, 3)
        .into_outcome()
        .await;
    let order: Vec<usize> = out.entries().iter().map(|e| e.index).collect();
    assert_eq!(order, (0..95).collect::<Vec<_>>());
    assert_eq!(out.statuses().len(), 5);
    assert!(out.is_complete_success());
}

#[tokio::test]
async fn concurrency_is_bounded_and_used() {
    for limit in [1, 4] {
        let server = Server::respond_with(|req, _| {
            Reply::Delayed(Duration::from_millis(100), Box::new(echo(req)))
        })
        .await;
        let outcomes: Vec<_> = client(&server)
            .send_batch_stream(add(200), limit)
            .collect()
            .await;
        assert_eq!(outcomes.len(), 10);
        assert_eq!(server.count(), 10);
        assert_eq!(server.max_in_flight(), limit, "limit {limit}");
    }
    // Zero counts as one.
    let server = Server::respond_with(|req, _| echo(req)).await;
    let outcomes: Vec<_> = client(&server)
        .send_batch_stream(add(40), 0)
        .collect()
        .await;
    assert_eq!(outcomes.len(), 2);
    assert_eq!(server.max_in_flight(), 1);
}

#[tokio::test]
async fn stopping_reports_calls_in_flight_then_what_was_never_sent() {
    let server = Server::respond_with(|req, i| {
        // The second call ends well after the first.
        let wait = if i == 1 { 300 } else { 50 };
        Reply::Delayed(Duration::from_millis(wait), Box::new(echo(req)))
    })
    .await;
    let mut calls = client(&server).send_batch_stream(add(100), 2);
    let first = calls.next().await.unwrap();
    assert_eq!(indices(&first), (0..20).collect::<Vec<_>>());
    calls.stop();
    let rest: Vec<_> = calls.collect().await;
    assert_eq!(rest.len(), 2, "{rest:?}");
    assert!(
        matches!(rest[0], CallOutcome::Answered(_)),
        "the call in flight is reported"
    );
    assert_eq!(indices(&rest[0]), (20..40).collect::<Vec<_>>());
    let CallOutcome::NotSent(never) = &rest[1] else {
        panic!("{:?}", rest[1])
    };
    assert_eq!(
        never.iter().map(|(i, _)| *i).collect::<Vec<_>>(),
        (40..100).collect::<Vec<_>>()
    );
    assert_eq!(server.count(), 2, "nothing started after stop");

    // Collected after a stop: every item once, the unsent ones to resubmit.
    let mut calls = client(&server).send_batch_stream(add(30), 1);
    calls.stop();
    let out = calls.into_outcome().await;
    assert_eq!(out.not_sent().len(), 30);
    assert!(!out.is_complete_success());
    assert_eq!(out.into_retry_items().len(), 30);
}

#[tokio::test]
async fn dropping_the_stream_starts_no_further_call() {
    let server = Server::respond_with(|req, _| {
        Reply::Delayed(Duration::from_millis(50), Box::new(echo(req)))
    })
    .await;
    let mut calls = client(&server).send_batch_stream(add(200), 2);
    calls.next().await.unwrap();
    drop(calls);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(server.count(), 2, "only the calls started before the drop");
}

#[tokio::test]
async fn an_error_failing_every_call_stops_the_send() {
    let server = Server::start(vec![Reply::Delayed(
        Duration::from_millis(50),
        Box::new(json(
            401,
            r#"{"error":{"code":"InvalidAuthenticationToken","message":"expired"}}"#,
        )),
    )])
    .await;
    let op = add(100);
    let all = op.activities.clone();
    let outcomes: Vec<_> = client(&server)
        .send_batch_stream(op.clone(), 2)
        .collect()
        .await;
    assert_eq!(server.count(), 2, "the two calls in flight, no more");
    assert_eq!(outcomes.len(), 3);
    assert!(outcomes[..2]
        .iter()
        .all(|o| matches!(o, CallOutcome::Failed(_))));
    assert!(matches!(outcomes[2], CallOutcome::NotSent(ref n) if n.len() == 60));
    assert_eq!(
        outcomes.iter().map(CallOutcome::item_count).sum::<usize>(),
        100
    );

    let out = client(&server)
        .send_batch_stream(op, 2)
        .into_outcome()
        .await;
    let calls = out.failed_calls();
    assert_eq!(calls.len(), 2);
    assert_eq!(calls[0].items[0].0, 0);
    assert_eq!(
        calls[0].not_sent.len(),
        60,
        "the first stopping call holds the rest"
    );
    assert!(calls[1].not_sent.is_empty());
    assert_eq!(
        out.into_retry_items(),
        all,
        "every item exactly once, in order"
    );
}

#[tokio::test]
async fn throttled_calls_are_retried_by_the_policy() {
    let server = Server::respond_with(|req, i| {
        if i < 2 {
            response(429, &[("Retry-After", "0")], "")
        } else {
            echo(req)
        }
    })
    .await;
    let out = client(&server)
        .send_batch_stream(add(60), 2)
        .into_outcome()
        .await;
    assert!(out.is_complete_success(), "{out:?}");
    assert_eq!(out.entries().len(), 60);
    let reqs = server.requests();
    assert_eq!(reqs.len(), 5, "3 calls and 2 retries");
    assert_eq!(
        reqs.iter()
            .filter(|r| r.header("retry-attempt") == Some("1"))
            .count(),
        2
    );

    // A budget spent stops the send: the rest is not sent.
    let server = Server::start(vec![response(429, &[("Retry-After", "0")], "")]).await;
    let outcomes: Vec<_> = client(&server)
        .send_batch_stream(add(60), 1)
        .collect()
        .await;
    assert_eq!(server.count(), 3, "max_attempts of the first call");
    assert!(
        matches!(&outcomes[0], CallOutcome::Failed(c) if matches!(c.error, Error::Throttled { attempts: 3, .. }))
    );
    assert!(matches!(&outcomes[1], CallOutcome::NotSent(n) if n.len() == 40));
}

/// External items: created or replaced with PUT.
struct ItemCaps;

graphgen_runtime::caps! {
    ItemCaps: Read, Replace, Delete {
        fn check_key = graphgen_runtime::caps::alphanumeric::<1, 128>;
    }
}

#[tokio::test]
async fn send_all_puts_items_with_bounded_concurrency() {
    let server = Server::respond_with(|_, i| {
        Reply::Delayed(
            Duration::from_millis(20 + 40 * (i as u64 % 3)),
            Box::new(response(204, &[], "")),
        )
    })
    .await;
    let items = CollectionPath::<serde_json::Value, ItemCaps>::root("items", Clouds::ALL);
    let bodies: Vec<serde_json::Value> = (0..12)
        .map(|i| serde_json::json!({ "id": format!("item{i}") }))
        .collect();
    let puts = bodies
        .iter()
        .enumerate()
        .map(|(i, b)| items.key(format!("item{i}")).put(b));
    let results: Vec<_> = client(&server).send_all(puts, 3).collect().await;

    let mut got: Vec<usize> = results.iter().map(|(i, _)| *i).collect();
    assert!(results.iter().all(|(_, r)| r.is_ok()), "{results:?}");
    got.sort_unstable();
    assert_eq!(got, (0..12).collect::<Vec<_>>());
    assert!(server.max_in_flight() <= 3 && server.max_in_flight() >= 2);
    for r in server.requests() {
        let id = r.json()["id"].as_str().unwrap().to_owned();
        assert_eq!(r.request_line, format!("PUT /v1.0/items/{id} HTTP/1.1"));
    }

    // Dropped early: no request starts after the drop.
    let server = Server::respond_with(|_, _| {
        Reply::Delayed(Duration::from_millis(50), Box::new(response(204, &[], "")))
    })
    .await;
    let puts = bodies
        .iter()
        .enumerate()
        .map(|(i, b)| items.key(format!("item{i}")).put(b));
    let mut results = Box::pin(client(&server).send_all(puts, 2));
    results.next().await.unwrap().1.unwrap();
    drop(results);
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(server.count(), 2, "the drop sent nothing more");
}

#[test]
fn streams_are_send() {
    fn assert_send<T: Send>(_: &T) {}
    let c = Client::builder(Cloud::Global).build().unwrap();
    assert_send(&c.send_batch_stream(add(1), 2));
    assert_send(&c.send_batch_stream(add(1), 2).into_outcome());
    assert_send(&c.send_all(vec![add(1)], 2));
}

#[tokio::test]
async fn next_outcome_reads_the_stream_without_stream_ext() {
    let server = Server::respond_with(|req, _| echo(req)).await;
    let mut calls = client(&server).send_batch_stream(add(45), 2);
    let mut counts = Vec::new();
    while let Some(outcome) = calls.next_outcome().await {
        assert!(matches!(outcome, CallOutcome::Answered(_)), "{outcome:?}");
        counts.push(outcome.item_count());
    }
    counts.sort_unstable();
    assert_eq!(counts, [5, 20, 20]);
    assert_eq!(server.count(), 3);
}
