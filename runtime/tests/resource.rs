//! The resource API (typed paths, generic verbs, paging, long-running
//! operations) against real HTTP servers on 127.0.0.1.
#![cfg(feature = "reqwest")]

mod support;

use std::time::{Duration, Instant};

use graphgen_runtime::caps::{Standard, StandardEvolvable};
use graphgen_runtime::{
    Client, Cloud, Clouds, CollectionPath, Error, LongRunning, OperationStatus, Path, RetryPolicy,
    State,
};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use support::{json, response, Server};

const TOKEN: &str = "Bearer test-token-abc";
const CONNECTORS: Clouds = Clouds::of(&[Cloud::Global, Cloud::UsGovL4, Cloud::UsGovL5]);

fn client_for(cloud: Cloud, server: &Server) -> Client {
    Client::builder(cloud)
        .base_url(format!("{}/v1.0", server.url()))
        .bearer_token("test-token-abc")
        .retry_policy(RetryPolicy::none())
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap()
}

fn client(server: &Server) -> Client {
    client_for(Cloud::Global, server)
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Item {
    id: String,
}

/// The shape of `connectionOperation`.
#[derive(Debug, Deserialize)]
struct ConnectionOperation {
    id: String,
    status: Option<String>,
}

impl OperationStatus for ConnectionOperation {
    fn state(&self) -> State {
        State::from_status(self.status.as_deref())
    }
}

struct SchemaCaps;
graphgen_runtime::caps! { SchemaCaps: Read, Update(LongRunning<ConnectionOperation>) }

struct ItemCaps;
graphgen_runtime::caps! { ItemCaps: Read, Replace, Delete }

fn connection() -> Path<Value> {
    Path::<Value>::root("external", CONNECTORS)
        .collection::<Value, Standard>("connections", CONNECTORS)
        .key("contosohr")
}

fn items() -> CollectionPath<Item, ItemCaps> {
    connection().collection("items", CONNECTORS)
}

fn schema() -> Path<Value, SchemaCaps> {
    connection().single::<Value, SchemaCaps>("schema", CONNECTORS)
}

fn page(ids: &[&str], next: Option<String>) -> String {
    let value: Vec<_> = ids.iter().map(|id| json!({ "id": id })).collect();
    let mut body = json!({ "value": value });
    if let Some(next) = next {
        body["@odata.nextLink"] = json!(next);
    }
    body.to_string()
}

fn operation(status: &str) -> String {
    json!({ "id": "op1", "status": status }).to_string()
}

fn items_url(server: &str) -> String {
    format!("{server}/v1.0/external/connections/contosohr/items")
}

#[test]
fn every_future_is_send() {
    fn send<F: std::future::Future + Send>(_: F) {}
    let c = Client::builder(Cloud::Global).build().unwrap();
    let item = Item { id: "a".into() };
    send(items().key("a").get().send(&c));
    send(items().key("a").put(&item).send(&c));
    send(items().list().send(&c));
    send(items().list().stream(&c).try_next());
    send(items().list().pages(&c).try_next());
    let lro = LongRunning::<ConnectionOperation>::new("https://graph.microsoft.com/v1.0/x");
    send(lro.poll(&c));
    send(lro.wait(&c));
    send(std::future::IntoFuture::into_future(lro.poller(&c)));
}

// ---------------------------------------------------------------------------
// Paging.

#[tokio::test]
async fn three_pages_follow_the_next_links_one_at_a_time() {
    let server = Server::start_with(|url| {
        let base = items_url(url);
        vec![
            json(
                200,
                &page(&["a", "b"], Some(format!("{base}?$skiptoken=p%2B2"))),
            ),
            // An empty page with a link is not the end.
            json(200, &page(&[], Some(format!("{base}?$skiptoken=p3")))),
            json(200, &page(&["c"], None)),
        ]
    })
    .await;
    let c = client(&server);
    let mut pages = items().list().top(2).pages(&c);
    let first = pages.try_next().await.unwrap().unwrap();
    assert_eq!(
        first.items,
        [Item { id: "a".into() }, Item { id: "b".into() }]
    );
    assert!(first
        .next_link
        .as_deref()
        .unwrap()
        .ends_with("?$skiptoken=p%2B2"));
    // The next page is asked for only when it is wanted.
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(server.count(), 1);
    let second = pages.try_next().await.unwrap().unwrap();
    assert!(second.items.is_empty());
    let third = pages.try_next().await.unwrap().unwrap();
    assert_eq!((third.items.len(), third.next_link), (1, None));
    assert!(pages.try_next().await.unwrap().is_none());
    assert!(pages.try_next().await.unwrap().is_none());

    let reqs = server.requests();
    let lines: Vec<_> = reqs.iter().map(|r| r.request_line.as_str()).collect();
    assert_eq!(
        lines,
        [
            "GET /v1.0/external/connections/contosohr/items?$top=2 HTTP/1.1",
            "GET /v1.0/external/connections/contosohr/items?$skiptoken=p%2B2 HTTP/1.1",
            "GET /v1.0/external/connections/contosohr/items?$skiptoken=p3 HTTP/1.1",
        ]
    );
    assert!(reqs
        .iter()
        .all(|r| r.header("authorization") == Some(TOKEN)));
}

#[tokio::test]
async fn the_item_stream_yields_every_member_in_order() {
    let server = Server::start_with(|url| {
        let base = items_url(url);
        vec![
            json(
                200,
                &page(&["a", "b"], Some(format!("{base}?$skiptoken=2"))),
            ),
            json(200, &page(&[], Some(format!("{base}?$skiptoken=3")))),
            json(200, &page(&["c"], None)),
        ]
    })
    .await;
    let mut all = items().list().stream(&client(&server));
    let mut ids = Vec::new();
    while let Some(item) = all.try_next().await.unwrap() {
        ids.push(item.id);
    }
    assert_eq!(ids, ["a", "b", "c"]);
    assert_eq!(server.count(), 3);
}

#[tokio::test]
async fn one_page_with_its_count() {
    let body = json!({"@odata.count": 42, "value": [{"id": "a"}]}).to_string();
    let server = Server::start(vec![json(200, &body)]).await;
    let page = items()
        .list()
        .count(true)
        .select(&["id"])
        .send(&client(&server))
        .await
        .unwrap();
    assert_eq!((page.count, page.items.len()), (Some(42), 1));
    assert_eq!(
        server.requests()[0].request_line,
        "GET /v1.0/external/connections/contosohr/items?$count=true&$select=id HTTP/1.1"
    );
}

#[tokio::test]
async fn a_next_link_to_another_host_is_refused() {
    let elsewhere = Server::start(vec![json(200, &page(&["stolen"], None))]).await;
    let other = items_url(&elsewhere.url());
    let server = Server::start(vec![json(200, &page(&["a"], Some(other.clone())))]).await;
    let mut all = items().list().stream(&client(&server));
    assert_eq!(all.try_next().await.unwrap().unwrap().id, "a");
    let err = all.try_next().await.unwrap_err();
    assert!(
        matches!(&err, Error::UntrustedUrl { what: "@odata.nextLink", url, .. } if *url == other),
        "{err:?}"
    );
    assert!(err.to_string().contains(&server.url()), "{err}");
    // The stream ends after its error, and nothing went to the other host.
    assert!(all.try_next().await.unwrap().is_none());
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(elsewhere.count(), 0);
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn a_next_link_to_the_same_page_ends_the_stream() {
    let server = Server::start_with(|url| {
        let base = items_url(url);
        vec![
            json(200, &page(&["a"], Some(format!("{base}?$skiptoken=1")))),
            json(200, &page(&[], Some(format!("{base}?$skiptoken=1")))),
        ]
    })
    .await;
    let mut all = items().list().stream(&client(&server));
    assert_eq!(all.try_next().await.unwrap().unwrap().id, "a");
    let err = all.try_next().await.unwrap_err();
    assert!(matches!(err, Error::UnexpectedResponse { .. }), "{err:?}");
    assert_eq!(server.count(), 2);
}

#[tokio::test]
async fn a_refused_list_sends_nothing() {
    let server = Server::start(vec![json(200, &page(&[], None))]).await;
    // A bad key, then a path China lacks.
    let mut all = connection()
        .collection::<Item, ItemCaps>("items", Clouds::ALL)
        .key("..")
        .collection::<Item, ItemCaps>("x", Clouds::ALL)
        .list()
        .stream(&client(&server));
    let err = all.try_next().await.unwrap_err();
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
    let err = items()
        .list()
        .send(&client_for(Cloud::China, &server))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::NotAvailable { operation: "list", path, cloud: Cloud::China }
            if path == "/external/connections/contosohr/items"),
        "{err:?}"
    );
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(server.count(), 0);
}

// ---------------------------------------------------------------------------
// Verbs.

#[tokio::test]
async fn put_delete_and_create_statuses() {
    let server = Server::start(vec![
        json(200, r#"{"id":"a"}"#),
        response(201, &[], "not JSON: PUT does not read the body"),
        response(204, &[], ""),
        response(204, &[], ""),
        json(201, r#"{"id":"new","extra":1}"#),
        json(
            409,
            r#"{"error":{"code":"Conflict","message":"The id is taken."}}"#,
        ),
    ])
    .await;
    let c = client(&server);
    let item = Item { id: "a".into() };
    for _ in 0..3 {
        items().key("a").put(&item).send(&c).await.unwrap();
    }
    items().key("a").delete().send(&c).await.unwrap();
    let connections = Path::<Value>::root("external", CONNECTORS)
        .collection::<Item, Standard>("connections", CONNECTORS);
    let created = connections.create(&item).send(&c).await.unwrap();
    assert_eq!(created.id, "new");
    let err = connections.create(&item).send(&c).await.unwrap_err();
    assert_eq!(err.service_error().unwrap().code(), Some("Conflict"));

    let reqs = server.requests();
    let lines: Vec<_> = reqs.iter().map(|r| r.request_line.as_str()).collect();
    let item_line = "/v1.0/external/connections/contosohr/items/a HTTP/1.1";
    assert_eq!(lines[0], format!("PUT {item_line}"));
    assert_eq!(lines[3], format!("DELETE {item_line}"));
    assert_eq!(lines[4], "POST /v1.0/external/connections HTTP/1.1");
    assert_eq!(reqs[0].body_str(), r#"{"id":"a"}"#);
    assert_eq!(reqs[0].header("content-type"), Some("application/json"));
    assert_eq!(reqs[3].header("content-type"), None);
    assert!(reqs[3].body.is_empty());
    assert!(reqs.iter().all(|r| r.header("prefer").is_none()));
}

#[tokio::test]
async fn prefer_header_when_the_path_asks_for_it() {
    let server = Server::start(vec![json(200, r#"{"id":"a"}"#)]).await;
    let c = client(&server);
    let labels = CollectionPath::<Item, StandardEvolvable>::root("labels", Clouds::ALL);
    labels.key("a").get().send(&c).await.unwrap();
    let plain = CollectionPath::<Item, Standard>::root("labels", Clouds::ALL);
    plain.key("a").get().send(&c).await.unwrap();
    let reqs = server.requests();
    assert_eq!(
        reqs[0].header("prefer"),
        Some("include-unknown-enum-members")
    );
    assert_eq!(reqs[1].header("prefer"), None);
}

#[tokio::test]
async fn references_are_added_and_removed() {
    let server = Server::start(vec![response(204, &[], "")]).await;
    let c = client(&server);
    let members = CollectionPath::<Value>::root("groups", Clouds::ALL)
        .key("g1")
        .refs::<Item, Standard>("members", "directoryObjects", Clouds::ALL);
    members.add("u 1").send(&c).await.unwrap();
    let url = "https://graph.microsoft.com/v1.0/directoryObjects/u2";
    members.add(url).send(&c).await.unwrap();
    members.remove("u 1").send(&c).await.unwrap();

    let reqs = server.requests();
    assert_eq!(
        reqs[0].request_line,
        "POST /v1.0/groups/g1/members/$ref HTTP/1.1"
    );
    assert_eq!(
        reqs[0].json(),
        json!({ "@odata.id": format!("{}/v1.0/directoryObjects/u%201", server.url()) })
    );
    assert_eq!(reqs[1].json(), json!({ "@odata.id": url }));
    assert_eq!(
        reqs[2].request_line,
        "DELETE /v1.0/groups/g1/members/u%201/$ref HTTP/1.1"
    );
    assert!(reqs[2].body.is_empty());
}

// ---------------------------------------------------------------------------
// Long-running operations.

fn location(url: &str) -> String {
    format!("{url}/v1.0/external/connections/contosohr/operations/op1")
}

#[tokio::test]
async fn schema_registration_is_polled_until_completed() {
    let server = Server::start_with(|url| {
        let running = |ra| {
            response(
                200,
                &[("Content-Type", "application/json"), ("Retry-After", ra)],
                &operation("inprogress"),
            )
        };
        vec![
            response(202, &[("Location", &location(url))], ""),
            running("1"),
            running("1"),
            json(200, &operation("completed")),
        ]
    })
    .await;
    let c = client(&server);
    let body = json!({ "baseType": "microsoft.graph.externalItem", "properties": [] });
    let lro = schema().update(&body).send(&c).await.unwrap();
    assert_eq!(lro.url(), location(&server.url()));
    let started = Instant::now();
    // A long default interval: only Retry-After can make this quick.
    let done = lro
        .poll_interval(Duration::from_secs(60))
        .poller(&c)
        .await
        .unwrap();
    let elapsed = started.elapsed();
    assert_eq!(
        (done.id.as_str(), done.status.as_deref()),
        ("op1", Some("completed"))
    );
    assert!(elapsed >= Duration::from_secs(2), "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(10), "{elapsed:?}");

    let reqs = server.requests();
    let lines: Vec<_> = reqs.iter().map(|r| r.request_line.as_str()).collect();
    let poll = "GET /v1.0/external/connections/contosohr/operations/op1 HTTP/1.1";
    assert_eq!(
        lines,
        [
            "PATCH /v1.0/external/connections/contosohr/schema HTTP/1.1",
            poll,
            poll,
            poll
        ]
    );
    assert_eq!(reqs[0].json(), body);
    assert!(reqs
        .iter()
        .all(|r| r.header("authorization") == Some(TOKEN)));
}

#[tokio::test]
async fn a_failed_operation_carries_its_error() {
    let failed = json!({
        "id": "op1",
        "status": "failed",
        "error": {"code": "InvalidSchema", "message": "Property 'x' is not searchable.",
                  "details": [{"code": "d", "message": "m", "target": "x"}]}
    })
    .to_string();
    let server = Server::start_with(|url| {
        vec![
            response(
                202,
                &[("Location", &location(url)), ("Retry-After", "0")],
                "",
            ),
            json(200, &failed),
        ]
    })
    .await;
    let c = client(&server);
    let lro = schema().update(&json!({})).send(&c).await.unwrap();
    let err = lro.wait(&c).await.unwrap_err();
    let Error::OperationFailed { url, error } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(*url, location(&server.url()));
    let error = error.as_deref().unwrap();
    assert_eq!(error.code, "InvalidSchema");
    assert_eq!(error.details[0].target.as_deref(), Some("x"));
    assert!(
        err.to_string().contains("Property 'x' is not searchable."),
        "{err}"
    );
    assert_eq!(server.count(), 2);
    // One poll by hand says the same.
    let status = lro.poll(&c).await.unwrap();
    assert_eq!(status.state(), State::Failed);
}

#[tokio::test]
async fn a_location_on_another_host_is_never_polled() {
    let elsewhere = Server::start(vec![json(200, &operation("completed"))]).await;
    let foreign = location(&elsewhere.url());
    let server = Server::start(vec![response(202, &[("Location", foreign.as_str())], "")]).await;
    let c = client(&server);
    let lro = schema().update(&json!({})).send(&c).await.unwrap();
    let err = lro.wait(&c).await.unwrap_err();
    assert!(
        matches!(&err, Error::UntrustedUrl { what: "Location", url, .. } if *url == foreign),
        "{err:?}"
    );
    let err = lro.poll(&c).await.unwrap_err();
    assert!(matches!(err, Error::UntrustedUrl { .. }), "{err:?}");
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(elsewhere.count(), 0);
    assert_eq!(server.count(), 1);
}

#[tokio::test]
async fn waiting_is_bounded() {
    let server = Server::start_with(|url| {
        vec![
            response(202, &[("Location", &location(url))], ""),
            response(
                200,
                &[("Content-Type", "application/json"), ("Retry-After", "1")],
                &operation("inprogress"),
            ),
        ]
    })
    .await;
    let c = client(&server);
    let lro = schema().update(&json!({})).send(&c).await.unwrap();
    let started = Instant::now();
    let err = lro
        .max_wait(Duration::from_millis(1500))
        .poller(&c)
        .await
        .unwrap_err();
    let elapsed = started.elapsed();
    let Error::OperationTimedOut { url, waited, limit } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(*url, location(&server.url()));
    assert_eq!(*limit, Duration::from_millis(1500));
    // Poll, wait 1 s, poll: the next second would pass the limit.
    assert!(
        *waited >= Duration::from_secs(1) && *waited < Duration::from_millis(1500),
        "{waited:?}"
    );
    assert!(elapsed < Duration::from_millis(1500), "{elapsed:?}");
    assert!(err.to_string().contains(url.as_str()), "{err}");
    assert_eq!(server.count(), 3);
}

#[tokio::test]
async fn accepted_without_a_location_is_an_error() {
    let server = Server::start(vec![response(202, &[], ""), response(204, &[], "")]).await;
    let c = client(&server);
    for status in [202, 204] {
        let err = schema().update(&json!({})).send(&c).await.unwrap_err();
        assert!(
            matches!(err, Error::UnexpectedResponse { status: s, .. } if s == status),
            "{err:?}"
        );
        assert!(!err.certainly_not_processed());
    }
}
