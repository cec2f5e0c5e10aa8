//! A whole connector through the generated resource API, against the test
//! kit's double of the service (`graphgen_testkit::connectors`): the exact
//! requests in order, the bodies that matter, the schema registration
//! polled as `Retry-After` says, every page of the items, and what the
//! client refuses before sending anything.
#![cfg(feature = "reqwest")]

use std::time::{Duration, Instant};

use graphgen_testkit::connectors::{Config, Double};
use graphgen_testkit::Recorded;
use msgraph_connectors::external_connectors::{
    external, AccessType, Acl, AclType, AddActivities, AnyExternalActivity, ConnectionOperation,
    ConnectionOperationStatus, ConnectionState, ExternalActivity, ExternalActivityType,
    ExternalConnection, ExternalConnectionNav, ExternalConnectionsCaps, ExternalGroup,
    ExternalGroupNav, ExternalItem, ExternalItemContent, ExternalItemContentType, ExternalNav,
    Identity, IdentityType, Label, Properties, Property, PropertyType, Schema,
};
use msgraph_connectors::runtime::batch::EntryStatus;
use msgraph_connectors::runtime::caps::Standard;
use msgraph_connectors::runtime::edm::DateTimeOffset;
use msgraph_connectors::runtime::http::StatusCode;
use msgraph_connectors::runtime::{Client, Cloud, Clouds, Error, Operation, Path, RetryPolicy};
use serde_json::{json, Value};

const CONNECTION: &str = "contosohr";
const ITEMS: [&str; 5] = ["TSP1", "TSP2", "TSP3", "TSP4", "TSP5"];
const TENANT: &str = "67a141d8-cf4e-4528-ba07-bed21bfacd2d";
const USER: &str = "1f0c997e-99f7-43f1-8cca-086f8d42be8d";

fn client(double: &Double) -> Client {
    msgraph_connectors::client(Cloud::Global)
        .base_url(double.base_url())
        .bearer_token("flow-token")
        .retry_policy(RetryPolicy::none())
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap()
}

fn connection(id: &str) -> ExternalConnection {
    let mut c = ExternalConnection::default();
    c.id = id.to_owned().into();
    c.name = "Contoso HR".to_owned().into();
    c.description = "Tickets of Contoso HR".to_owned().into();
    c
}

fn property(name: &str, kind: PropertyType) -> Property {
    let mut p = Property::new(name, kind);
    p.is_retrievable = true.into();
    p
}

fn schema() -> Schema {
    let mut title = property("title", PropertyType::String);
    title.is_searchable = true.into();
    title.labels = vec![Label::Title].into();
    let mut tags = property("tags", PropertyType::StringCollection);
    tags.is_queryable = true.into();
    let mut s = Schema::new("microsoft.graph.externalItem");
    s.properties = vec![
        title,
        tags,
        property("priority", PropertyType::Int64),
        property("assignee", PropertyType::String),
    ]
    .into();
    s
}

fn schema_of(n: usize) -> Schema {
    let mut s = Schema::new("microsoft.graph.externalItem");
    s.properties = (0..n)
        .map(|i| property(&format!("p{i}"), PropertyType::String))
        .collect::<Vec<_>>()
        .into();
    s
}

/// Ticket `n`: a collection and a non-ASCII string among its properties
/// (both annotated), and an ACL granting the tenant.
fn item(n: i64) -> ExternalItem {
    let mut properties = Properties::default();
    properties
        .set_property("title", format!("Ticket {n}"))
        .set_property("tags", vec!["hr", "policy"])
        .set_property("priority", n)
        .set_property("assignee", "Zoë");
    let mut content = ExternalItemContent::new(ExternalItemContentType::Text);
    content.value = format!("Ticket {n} body").into();
    let mut item = ExternalItem::default();
    item.acl = vec![Acl::new(AccessType::Grant, AclType::Everyone, TENANT)].into();
    item.content = content.into();
    item.properties = properties.into();
    item
}

fn activity(at: &str) -> AnyExternalActivity {
    let start = DateTimeOffset::new(at).unwrap();
    let mut a = ExternalActivity::new(start, ExternalActivityType::Created);
    let mut by = Identity::default();
    by.id = USER.to_owned().into();
    by.r#type = IdentityType::User.into();
    a.performed_by = by.into();
    a.into()
}

/// The request recorded as `METHOD target`.
fn find<'a>(requests: &'a [Recorded], line: &str) -> Vec<&'a Recorded> {
    requests
        .iter()
        .filter(|r| format!("{} {}", r.method(), r.target()) == line)
        .collect()
}

#[tokio::test]
async fn the_whole_flow_sends_exactly_these_requests() {
    let double = Double::start().await;
    let c = client(&double);
    let connections = external().connections();
    let conn = connections.key(CONNECTION);

    // Create the connection; a second time it exists.
    let created = connections
        .create(&connection(CONNECTION))
        .send(&c)
        .await
        .unwrap();
    assert_eq!(created.id.as_deref(), Some(CONNECTION));
    assert_eq!(created.state.value(), Some(&ConnectionState::Draft));
    let err = connections
        .create(&connection(CONNECTION))
        .send(&c)
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(StatusCode::CONFLICT), "{err:?}");
    assert_eq!(err.service_error().and_then(|e| e.code()), Some("conflict"));

    // A schema of 129 properties is refused here; 128 would go.
    let err = conn
        .schema()
        .update(&schema_of(129))
        .send(&c)
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::TooManyPropertyItems {
                property: "properties",
                max: 128,
                got: 129
            }
        ),
        "{err:?}"
    );
    assert!(conn.schema().update(&schema_of(128)).body().is_ok());

    // Register the schema; wait as the double's Retry-After says, not the
    // (long) poll interval.
    let accepted = conn.schema().update(&schema()).send(&c).await.unwrap();
    let location = format!(
        "{}/external/connections/contosohr/operations/op1",
        double.base_url()
    );
    assert_eq!(accepted.url(), location);
    let started = Instant::now();
    let done: ConnectionOperation = accepted
        .poll_interval(Duration::from_secs(60))
        .poller(&c)
        .await
        .unwrap();
    let waited = started.elapsed();
    assert_eq!(
        done.status.value(),
        Some(&ConnectionOperationStatus::Completed)
    );
    assert!(
        waited >= Duration::from_secs(2) && waited < Duration::from_secs(30),
        "{waited:?}"
    );
    let registered = conn.schema().get().send(&c).await.unwrap();
    assert_eq!(registered.properties, schema().properties);

    // Refused here: an id with a `-`, a body over 4 MB.
    let err = conn
        .items()
        .key("TSP-1")
        .put(&item(1))
        .send(&c)
        .await
        .unwrap_err();
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
    // And connection ids out of 3 to 32 letters and digits.
    for id in ["hr", "hr-tickets", &"a".repeat(33)] {
        let err = external()
            .connections()
            .key(id)
            .get()
            .send(&c)
            .await
            .unwrap_err();
        assert!(
            matches!(
                err,
                Error::InvalidKey {
                    segment: "connections",
                    ..
                }
            ),
            "{id}: {err:?}"
        );
    }
    let mut big = item(1);
    let mut content = ExternalItemContent::new(ExternalItemContentType::Text);
    content.value = "x".repeat(4_000_000).into();
    big.content = content.into();
    let err = conn
        .items()
        .key("TSP1")
        .put(&big)
        .send(&c)
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::RequestTooLarge {
                limit: 4_000_000,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.certainly_not_processed());

    // Put the items (the first twice: created, then replaced).
    for (n, id) in (1..).zip(ITEMS) {
        conn.items().key(id).put(&item(n)).send(&c).await.unwrap();
    }
    conn.items()
        .key(ITEMS[0])
        .put(&item(1))
        .send(&c)
        .await
        .unwrap();

    // One activity on the first item.
    let outcome = AddActivities::new(
        CONNECTION,
        ITEMS[0],
        vec![activity("2021-04-06T18:04:31.033Z")],
    )
    .send(&c)
    .await
    .unwrap();
    assert!(outcome.is_complete_success());

    // Every item, page after page.
    let mut all = conn.items().list().stream(&c);
    let mut listed = Vec::new();
    while let Some(item) = all.try_next().await.unwrap() {
        listed.push(item);
    }
    let ids: Vec<_> = listed.iter().filter_map(|i| i.id.as_deref()).collect();
    assert_eq!(ids, ITEMS);
    assert_eq!(listed[1].properties, item(2).properties);

    // Delete an item: then it is not found.
    conn.items().key(ITEMS[2]).delete().send(&c).await.unwrap();
    let err = conn.items().key(ITEMS[2]).get().send(&c).await.unwrap_err();
    assert_eq!(err.status(), Some(StatusCode::NOT_FOUND), "{err:?}");

    conn.delete().send(&c).await.unwrap();
    assert_eq!(double.connection(CONNECTION), None);

    // Nothing refused reached the double: these are all the requests.
    let root = "/v1.0/external/connections";
    let items = format!("{root}/contosohr/items");
    let poll = format!("GET {root}/contosohr/operations/op1 200");
    let mut expected = vec![
        format!("POST {root} 201"),
        format!("POST {root} 409"),
        format!("PATCH {root}/contosohr/schema 202"),
        poll.clone(),
        poll.clone(),
        poll,
        format!("GET {root}/contosohr/schema 200"),
    ];
    expected.extend(ITEMS.iter().map(|id| format!("PUT {items}/{id} 201")));
    expected.extend([
        format!("PUT {items}/TSP1 200"),
        format!("POST {items}/TSP1/addActivities 200"),
        format!("GET {items} 200"),
        format!("GET {items}?$skiptoken=2 200"),
        format!("GET {items}?$skiptoken=4 200"),
        format!("DELETE {items}/TSP3 204"),
        format!("GET {items}/TSP3 404"),
        format!("DELETE {root}/contosohr 204"),
    ]);
    assert_eq!(double.lines(), expected);

    let requests = double.requests();
    assert!(requests
        .iter()
        .all(|r| r.header("authorization") == Some("Bearer flow-token")));

    // The schema: its body, and the header that lets labels declared after
    // unknownFutureValue through.
    let patch = find(&requests, &format!("PATCH {root}/contosohr/schema"))[0];
    assert_eq!(
        patch.json(),
        json!({
            "baseType": "microsoft.graph.externalItem",
            "properties": [
                {"isRetrievable": true, "isSearchable": true, "labels": ["title"], "name": "title", "type": "string"},
                {"isQueryable": true, "isRetrievable": true, "name": "tags", "type": "stringCollection"},
                {"isRetrievable": true, "name": "priority", "type": "int64"},
                {"isRetrievable": true, "name": "assignee", "type": "string"},
            ],
        })
    );
    assert_eq!(patch.header("prefer"), Some("include-unknown-enum-members"));

    // The Location was polled at once, then after each Retry-After (1 s).
    let polls = find(&requests, &format!("GET {root}/contosohr/operations/op1"));
    for pair in polls.windows(2) {
        let gap = pair[1].received - pair[0].received;
        assert!(gap >= Duration::from_secs(1), "{gap:?}");
    }

    // An item: each annotation right before its property, byte for byte.
    let put = find(&requests, &format!("PUT {items}/TSP2"))[0];
    assert_eq!(
        put.body_str(),
        format!(
            r#"{{"acl":[{{"accessType":"grant","type":"everyone","value":"{TENANT}"}}],"content":{{"type":"text","value":"Ticket 2 body"}},"properties":{{"assignee@odata.type":"String","assignee":"Zoë","priority":2,"tags@odata.type":"Collection(String)","tags":["hr","policy"],"title":"Ticket 2"}}}}"#
        )
    );

    let add = find(&requests, &format!("POST {items}/TSP1/addActivities"))[0];
    assert_eq!(
        add.body_str(),
        format!(
            r##"{{"activities":[{{"@odata.type":"#microsoft.graph.externalConnectors.externalActivity","startDateTime":"2021-04-06T18:04:31.033Z","type":"created","performedBy":{{"id":"{USER}","type":"user"}}}}]}}"##
        )
    );
}

/// The path of connection `contosohr`, created.
async fn created(c: &Client) -> Path<ExternalConnection, ExternalConnectionsCaps> {
    let connections = external().connections();
    connections
        .create(&connection(CONNECTION))
        .send(c)
        .await
        .unwrap();
    connections.key(CONNECTION)
}

/// A registered connection with one item, for the tests below.
async fn ready(double: &Double, c: &Client) {
    let conn = created(c).await;
    let accepted = conn.schema().update(&schema()).send(c).await.unwrap();
    accepted.poller(c).await.unwrap();
    conn.items().key("a1").put(&item(1)).send(c).await.unwrap();
    assert_eq!(double.item_ids(CONNECTION), ["a1"]);
}

#[tokio::test]
async fn some_activities_refused_is_a_207() {
    let double = Double::start_with(Config {
        retry_after: None,
        polls_running: 0,
        failing_activities: vec![1],
        ..Config::default()
    })
    .await;
    let c = client(&double);
    ready(&double, &c).await;
    let activities = vec![
        activity("2021-04-06T18:04:31Z"),
        activity("2021-04-06T18:05:31Z"),
    ];
    let outcome = AddActivities::new(CONNECTION, "a1", activities)
        .send(&c)
        .await
        .unwrap();
    assert!(outcome.is_partial());
    let statuses: Vec<_> = outcome
        .entries()
        .iter()
        .map(|e| match &e.status {
            EntryStatus::Succeeded(_) => "ok".to_owned(),
            EntryStatus::Failed(r) => r.error.value().unwrap().code.as_deref().unwrap().into(),
            EntryStatus::Missing => "missing".to_owned(),
        })
        .collect();
    assert_eq!(statuses, ["ok", "InvalidRequest"]);
    assert!(double
        .lines()
        .last()
        .unwrap()
        .ends_with("/addActivities 207"));
    // An item that is not there has no activities.
    let err = AddActivities::new(CONNECTION, "zz9", vec![activity("2021-04-06T18:04:31Z")])
        .send(&c)
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(StatusCode::NOT_FOUND));
}

#[tokio::test]
async fn a_failed_registration_carries_its_error_and_registers_nothing() {
    let double = Double::start_with(Config {
        retry_after: None,
        polls_running: 0,
        fail_schema: true,
        ..Config::default()
    })
    .await;
    let c = client(&double);
    let conn = created(&c).await;
    let accepted = conn.schema().update(&schema()).send(&c).await.unwrap();
    let err = accepted.poller(&c).await.unwrap_err();
    match &err {
        Error::OperationFailed {
            error: Some(error), ..
        } => assert_eq!(error.code, "InvalidSchema"),
        other => panic!("{other:?}"),
    }
    // No schema: no items.
    let err = conn
        .items()
        .key("a1")
        .put(&item(1))
        .send(&c)
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(StatusCode::BAD_REQUEST));
    let err = conn.schema().get().send(&c).await.unwrap_err();
    assert_eq!(err.status(), Some(StatusCode::NOT_FOUND));
}

#[tokio::test]
async fn groups_and_their_members() {
    let double = Double::start().await;
    let c = client(&double);
    let conn = created(&c).await;
    let mut group = ExternalGroup::default();
    group.id = "g1".to_owned().into();
    group.display_name = "Payroll".to_owned().into();
    conn.groups().create(&group).send(&c).await.unwrap();
    let err = conn.groups().create(&group).send(&c).await.unwrap_err();
    assert_eq!(err.status(), Some(StatusCode::CONFLICT));

    let mut rename = ExternalGroup::default();
    rename.display_name = "Payroll team".to_owned().into();
    conn.groups()
        .key("g1")
        .update(&rename)
        .send(&c)
        .await
        .unwrap();
    let got = conn.groups().key("g1").get().send(&c).await.unwrap();
    assert_eq!(got.display_name.as_deref(), Some("Payroll team"));

    let members = conn.groups().key("g1").members();
    for (id, kind) in [
        (USER, IdentityType::User),
        ("g2", IdentityType::ExternalGroup),
    ] {
        let mut member = Identity::default();
        member.id = id.to_owned().into();
        member.r#type = kind.into();
        members.create(&member).send(&c).await.unwrap();
    }
    let page = members.list().send(&c).await.unwrap();
    let ids: Vec<_> = page.items.iter().filter_map(|m| m.id.as_deref()).collect();
    assert_eq!(ids, [USER, "g2"]);
    members.key("g2").delete().send(&c).await.unwrap();
    let err = members.key("g2").get().send(&c).await.unwrap_err();
    assert_eq!(err.status(), Some(StatusCode::NOT_FOUND));
    let groups = conn.groups().list().send(&c).await.unwrap();
    assert_eq!(groups.items.len(), 1);
    conn.groups().key("g1").delete().send(&c).await.unwrap();
    let err = members.list().send(&c).await.unwrap_err();
    assert_eq!(err.status(), Some(StatusCode::NOT_FOUND));

    let groups = format!("/v1.0/external/connections/{CONNECTION}/groups");
    assert_eq!(
        double.lines()[1..],
        [
            format!("POST {groups} 201"),
            format!("POST {groups} 409"),
            format!("PATCH {groups}/g1 204"),
            format!("GET {groups}/g1 200"),
            format!("POST {groups}/g1/members 201"),
            format!("POST {groups}/g1/members 201"),
            format!("GET {groups}/g1/members 200"),
            format!("DELETE {groups}/g1/members/g2 204"),
            format!("GET {groups}/g1/members/g2 404"),
            format!("GET {groups} 200"),
            format!("DELETE {groups}/g1 204"),
            format!("GET {groups}/g1/members 404"),
        ]
    );
}

#[tokio::test]
async fn wrong_urls_verbs_and_ids_fail_loudly() {
    let double = Double::start().await;
    let c = client(&double);
    let root = Path::<Value>::root("external", Clouds::ALL);
    ready(&double, &c).await;
    let code = |e: &Error| e.service_error().and_then(|s| s.code()).map(str::to_owned);

    // A path the service does not have.
    let nowhere = root.collection::<Value, Standard>("connectors", Clouds::ALL);
    let err = nowhere.list().send(&c).await.unwrap_err();
    assert_eq!(err.status(), Some(StatusCode::NOT_FOUND));
    assert_eq!(code(&err).as_deref(), Some("UnknownPath"));

    // DELETE of the schema, through a path typed without the generated
    // marker (with it, it does not compile): the service refuses it.
    let schema = root
        .collection::<Value, Standard>("connections", Clouds::ALL)
        .key(CONNECTION)
        .single::<Value, Standard>("schema", Clouds::ALL);
    let err = schema.delete().send(&c).await.unwrap_err();
    assert_eq!(err.status(), Some(StatusCode::METHOD_NOT_ALLOWED));

    // A query option the double does not know.
    let items = external().connections().key(CONNECTION).items();
    let err = items.list().top(1).send(&c).await.unwrap_err();
    assert_eq!(err.status(), Some(StatusCode::BAD_REQUEST));

    // A connection id the service refuses, which the generated path lets
    // through (the metadata says nothing of it).
    let err = external()
        .connections()
        .create(&connection("hr-tickets"))
        .send(&c)
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(StatusCode::BAD_REQUEST));

    // An item id the generated path refuses, sent through a path typed by
    // hand: the service refuses it too.
    let loose = root
        .collection::<Value, Standard>("connections", Clouds::ALL)
        .key(CONNECTION)
        .collection::<Value, Loose>("items", Clouds::ALL);
    let err = loose.key("a-1").put(&json!({})).send(&c).await.unwrap_err();
    assert_eq!(err.status(), Some(StatusCode::BAD_REQUEST));

    // Without a token.
    let anonymous = msgraph_connectors::client(Cloud::Global)
        .base_url(double.base_url())
        .bearer_token("")
        .build()
        .unwrap();
    let err = items.key("a1").get().send(&anonymous).await.unwrap_err();
    assert_eq!(err.status(), Some(StatusCode::UNAUTHORIZED));

    let statuses: Vec<String> = double.lines().iter().skip(6).cloned().collect();
    let root = "/v1.0/external";
    assert_eq!(
        statuses,
        [
            format!("GET {root}/connectors 404"),
            format!("DELETE {root}/connections/{CONNECTION}/schema 405"),
            format!("GET {root}/connections/{CONNECTION}/items?$top=1 400"),
            format!("POST {root}/connections 400"),
            format!("PUT {root}/connections/{CONNECTION}/items/a-1 400"),
            format!("GET {root}/connections/{CONNECTION}/items/a1 401"),
        ]
    );
}

/// Items PUT without the generated key rule.
struct Loose;
msgraph_connectors::runtime::caps! { Loose: Replace }
