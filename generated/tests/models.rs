//! The generated models against the JSON the service documents.

use graphgen_runtime::edm::DateTimeOffset;
use graphgen_runtime::http::StatusCode;
use graphgen_runtime::Nullable;
use msgraph_connectors::external_connectors::{
    ActivitySettings, AddActivitiesBody, AnyExternalActivity, AnyUrlToItemResolverBase,
    Configuration, ContentCategory, ExternalActivity, ExternalActivityResult, ExternalActivityType,
    ExternalConnection, Identity, IdentityType, Properties,
};
use msgraph_connectors::graph::PublicInnerError;
use serde_json::{json, Value};

/// The request body of the documented addActivities example.
const REQUEST: &str = r##"{"activities":[{"@odata.type":"#microsoft.graph.externalConnectors.externalActivity","type":"created","startDateTime":"2021-04-06T18:04:31.033Z","performedBy":{"type":"user","id":"1f0c997e-99f7-43f1-8cca-086f8d42be8d"}}]}"##;

/// The response body of the documented addActivities example.
const RESPONSE: &str = r##"{"value":[{"@odata.type":"#microsoft.graph.externalConnectors.externalActivityResult","type":"created","startDateTime":"2021-04-06T18:04:31.033Z","error":null}]}"##;

#[test]
fn documented_request_body_round_trips() {
    let body: AddActivitiesBody = serde_json::from_str(REQUEST).unwrap();
    let [AnyExternalActivity::ExternalActivity(activity)] =
        body.activities.value().map_or(&[][..], Vec::as_slice)
    else {
        panic!("one plain activity expected: {body:?}");
    };
    assert_eq!(
        activity.r#type,
        Nullable::Value(ExternalActivityType::Created)
    );
    assert_eq!(
        activity.start_date_time.value().map(DateTimeOffset::as_str),
        Some("2021-04-06T18:04:31.033Z")
    );
    let by = activity.performed_by.value().unwrap();
    assert_eq!(by.r#type, Nullable::Value(IdentityType::User));
    assert_eq!(
        by.id.as_deref(),
        Some("1f0c997e-99f7-43f1-8cca-086f8d42be8d")
    );

    let written = serde_json::to_string(&body).unwrap();
    let again: Value = serde_json::from_str(&written).unwrap();
    let original: Value = serde_json::from_str(REQUEST).unwrap();
    assert_eq!(again, original);
    // The time is written back as the same text, not reformatted.
    assert!(
        written.contains(r#""startDateTime":"2021-04-06T18:04:31.033Z""#),
        "{written}"
    );
}

#[test]
fn building_the_request_in_code_writes_odata_type_for_the_polymorphic_item() {
    let mut activity = ExternalActivity::new(
        DateTimeOffset::new("2021-04-06T18:04:31.033Z").unwrap(),
        ExternalActivityType::Created,
    );
    let mut by = Identity::default();
    by.r#type = Nullable::Value(IdentityType::User);
    by.id = Nullable::Value("1f0c997e-99f7-43f1-8cca-086f8d42be8d".into());
    activity.performed_by = Nullable::Value(by);
    let op = msgraph_connectors::external_connectors::AddActivities::new(
        "contosohr",
        "TSP228082938",
        [activity],
    );
    let written: Value = serde_json::to_value(&op.body).unwrap();
    assert_eq!(written, serde_json::from_str::<Value>(REQUEST).unwrap());
}

#[test]
fn documented_response_parses_with_error_null() {
    let results: Vec<ExternalActivityResult> =
        graphgen_runtime::odata::collection(StatusCode::OK, RESPONSE.as_bytes()).unwrap();
    assert_eq!(results.len(), 1);
    assert_eq!(
        results[0].r#type,
        Nullable::Value(ExternalActivityType::Created)
    );
    assert_eq!(
        results[0]
            .start_date_time
            .value()
            .map(DateTimeOffset::as_str),
        Some("2021-04-06T18:04:31.033Z")
    );
    // `"error": null` is kept as null, apart from absent.
    assert!(results[0].error.is_null());
}

#[test]
fn a_failed_result_carries_a_typed_error() {
    let body = json!({"value": [{
        "@odata.type": "#microsoft.graph.externalConnectors.externalActivityResult",
        "type": "modified",
        "startDateTime": "2021-04-06T18:04:31.033Z",
        "error": {"code": "InvalidRequest", "message": "The activity type is not supported."}
    }]});
    let results: Vec<ExternalActivityResult> =
        graphgen_runtime::odata::collection(StatusCode::MULTI_STATUS, body.to_string().as_bytes())
            .unwrap();
    let error = results[0].error.value().expect("error");
    assert_eq!(error.code.as_deref(), Some("InvalidRequest"));
    assert_eq!(
        error.message.as_deref(),
        Some("The activity type is not supported.")
    );
}

#[test]
fn unknown_enum_members_survive() {
    let json = r#"{"type":"liked","startDateTime":"2021-04-06T18:04:31.033Z"}"#;
    let activity: ExternalActivity = serde_json::from_str(json).unwrap();
    assert_eq!(
        activity.r#type,
        Nullable::Value(ExternalActivityType::Unrecognized("liked".into()))
    );
    assert_eq!(activity.r#type.value().unwrap().as_str(), "liked");
    let back: Value = serde_json::to_value(&activity).unwrap();
    assert_eq!(back, serde_json::from_str::<Value>(json).unwrap());
    // unknownFutureValue is a member like the others.
    let v: ExternalActivityType = serde_json::from_str(r#""unknownFutureValue""#).unwrap();
    assert_eq!(v, ExternalActivityType::UnknownFutureValue);
}

#[test]
fn derived_types_dispatch_on_odata_type() {
    let json = json!({"urlToItemResolvers": [
        {"@odata.type": "#microsoft.graph.externalConnectors.itemIdResolver", "priority": 1,
         "itemId": "{slug}", "urlMatchInfo": {"baseUrls": ["https://contoso.com"], "urlPattern": "/items/(?<slug>[^/]+)"}},
        {"@odata.type": "#microsoft.graph.externalConnectors.futureResolver", "priority": 2, "rule": "x"}
    ]});
    let settings: ActivitySettings = serde_json::from_value(json.clone()).unwrap();
    let resolvers = settings.url_to_item_resolvers.value().unwrap();
    match &resolvers[0] {
        AnyUrlToItemResolverBase::ItemIdResolver(r) => {
            assert_eq!(r.item_id.as_deref(), Some("{slug}"));
            assert_eq!(r.priority, Nullable::Value(1));
        }
        other => panic!("expected an item-id resolver, got {other:?}"),
    }
    // A derived type this crate does not know is kept whole.
    match &resolvers[1] {
        AnyUrlToItemResolverBase::Unrecognized(map) => assert_eq!(map["rule"], "x"),
        other => panic!("expected an unrecognized resolver, got {other:?}"),
    }
    assert_eq!(
        resolvers[1].odata_type(),
        Some("microsoft.graph.externalConnectors.futureResolver")
    );
    // Serialization writes @odata.type back for both.
    assert_eq!(serde_json::to_value(&settings).unwrap(), json);

    // @odata.type after other members: the object is buffered, same result.
    let late = r##"{"priority":3,"itemId":"x","@odata.type":"#microsoft.graph.externalConnectors.itemIdResolver"}"##;
    let r: AnyUrlToItemResolverBase = serde_json::from_str(late).unwrap();
    assert!(
        matches!(&r, AnyUrlToItemResolverBase::ItemIdResolver(r) if r.item_id.as_deref() == Some("x") && r.priority == Nullable::Value(3))
    );
    // The abstract declared type has no variant of its own: no @odata.type is unrecognized.
    let r: AnyUrlToItemResolverBase = serde_json::from_str(r#"{"priority":1}"#).unwrap();
    assert!(matches!(r, AnyUrlToItemResolverBase::Unrecognized(_)));
    // A known type with a bad member is an error, not silently unrecognized.
    let bad = r##"{"@odata.type":"#microsoft.graph.externalConnectors.itemIdResolver","priority":"high","itemId":"x"}"##;
    assert!(serde_json::from_str::<AnyUrlToItemResolverBase>(bad).is_err());
}

#[test]
fn open_types_keep_undeclared_properties() {
    let json =
        json!({"authorizedAppIds": ["a"], "tenantHint": "contoso", "nested": {"x": [1, 2.5]}});
    let config: Configuration = serde_json::from_value(json.clone()).unwrap();
    assert_eq!(
        config.authorized_app_ids.as_deref(),
        Some(&["a".to_string()][..])
    );
    assert_eq!(config.additional_properties["tenantHint"], "contoso");
    assert_eq!(serde_json::to_value(&config).unwrap(), json);

    let props = json!({"title": "Contoso", "tags": ["a"], "priority": 3});
    let p: Properties = serde_json::from_value(props.clone()).unwrap();
    assert_eq!(serde_json::to_value(&p).unwrap(), props);

    let inner = json!({"code": "x", "request-id": "r1", "date": "2025-02-13T10:17:05"});
    let i: PublicInnerError = serde_json::from_value(inner.clone()).unwrap();
    assert_eq!(i.additional_properties["request-id"], "r1");
    assert_eq!(serde_json::to_value(&i).unwrap(), inner);
}

#[test]
fn date_time_text_is_kept_to_the_digit() {
    for text in ["2021-04-06T18:04:31.033Z", "2021-04-06T18:04:31.0330000Z"] {
        let json = format!(r#"{{"type":"viewed","startDateTime":"{text}"}}"#);
        let a: ExternalActivity = serde_json::from_str(&json).unwrap();
        assert_eq!(
            a.start_date_time.value().map(DateTimeOffset::as_str),
            Some(text)
        );
        let written = serde_json::to_string(&a).unwrap();
        assert!(
            written.contains(&format!(r#""startDateTime":"{text}""#)),
            "{written}"
        );
    }
}

/// `Nullable="false"` means never null, not always present: what a GET
/// leaves out (`$select`) is absent, and only `new` requires it.
#[test]
fn required_properties_are_required_when_building_not_when_reading() {
    let selected = serde_json::from_str::<ExternalActivity>(r#"{"type":"viewed"}"#).unwrap();
    assert!(selected.start_date_time.is_absent());
    assert_eq!(
        selected.r#type,
        Nullable::Value(ExternalActivityType::Viewed)
    );
    let nothing = serde_json::from_str::<ExternalActivity>("{}").unwrap();
    assert_eq!(nothing, ExternalActivity::default());
    let built = ExternalActivity::new(
        DateTimeOffset::new("2021-04-06T18:04:31Z").unwrap(),
        ExternalActivityType::Viewed,
    );
    assert!(built.start_date_time.is_value() && built.r#type.is_value());
}

#[test]
fn a_property_some_clouds_lack_is_never_required() {
    // `contentCategory` is `Nullable="false"` in the global document and
    // absent from the US Government ones, whose connections come without it.
    let us_gov = r#"{"id":"contosohr","name":"Contoso HR","state":"ready"}"#;
    let connection: ExternalConnection = serde_json::from_str(us_gov).unwrap();
    assert!(connection.content_category.is_absent());
    assert_eq!(connection.name.as_deref(), Some("Contoso HR"));
    let global = r#"{"id":"contosohr","contentCategory":"knowledgeBase"}"#;
    let connection: ExternalConnection = serde_json::from_str(global).unwrap();
    assert_eq!(
        connection.content_category,
        Nullable::Value(ContentCategory::KnowledgeBase)
    );
}

#[test]
fn a_result_converts_to_its_base_view() {
    let r: ExternalActivityResult = serde_json::from_str(
        r#"{"type":"viewed","startDateTime":"2021-04-06T18:04:31Z","error":{"code":"x"}}"#,
    )
    .unwrap();
    let base: ExternalActivity = r.into_external_activity();
    assert_eq!(base.r#type, Nullable::Value(ExternalActivityType::Viewed));
}

/// Structs read JSON objects member by member (`graphgen_runtime::object`):
/// escaped member names, repeated members, `null` and wrong shapes.
#[test]
fn objects_are_read_member_by_member() {
    // An escaped member name is the same member.
    let a: ExternalActivity =
        serde_json::from_str(r#"{"st\u0061rtDateTime":"2021-04-06T18:04:31Z","type":"created"}"#)
            .unwrap();
    assert_eq!(
        a.start_date_time.value().map(DateTimeOffset::as_str),
        Some("2021-04-06T18:04:31Z")
    );
    // A repeated member keeps its last value, as serde_json::Value does.
    let a: ExternalActivity = serde_json::from_str(
        r#"{"type":"created","startDateTime":"2021-04-06T18:04:31Z","type":"viewed"}"#,
    )
    .unwrap();
    assert_eq!(a.r#type, Nullable::Value(ExternalActivityType::Viewed));
    // Unknown members of a closed type are skipped, whatever their shape.
    let a: ExternalActivity = serde_json::from_str(
        r#"{"x":{"y":[1,{"z":null}]},"type":"created","startDateTime":"2021-04-06T18:04:31Z"}"#,
    )
    .unwrap();
    assert_eq!(a.r#type, Nullable::Value(ExternalActivityType::Created));
    // Any member may be null, kept as null (and written back as null).
    let i: Identity = serde_json::from_str(r#"{"id":null,"type":null}"#).unwrap();
    assert!(i.id.is_null() && i.r#type.is_null());
    assert_eq!(
        serde_json::to_value(&i).unwrap(),
        json!({"id": null, "type": null})
    );
    // A member of the wrong type is an error.
    let e = serde_json::from_str::<ExternalActivity>(r#"{"type":5}"#)
        .unwrap_err()
        .to_string();
    assert!(e.contains("invalid type"), "{e}");
    // An array is not an object, even with the members in order.
    let e = serde_json::from_str::<ExternalActivity>(r#"["2021-04-06T18:04:31Z","created"]"#)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("expected a `microsoft.graph.externalConnectors.externalActivity` object"),
        "{e}"
    );
    // Absent members are left out; nothing else is added.
    let written = serde_json::to_value(Identity::default()).unwrap();
    assert_eq!(written, json!({}));
}

#[test]
fn debug_shows_what_is_set_by_rust_names() {
    let body: AddActivitiesBody = serde_json::from_str(REQUEST).unwrap();
    assert_eq!(
        format!("{body:?}"),
        "AddActivitiesBody { activities: [ExternalActivity(ExternalActivity { \
         start_date_time: DateTimeOffset(\"2021-04-06T18:04:31.033Z\"), type: Created, \
         performed_by: Identity { id: \"1f0c997e-99f7-43f1-8cca-086f8d42be8d\", type: User }, .. })] }"
    );
    // An absent member is left out, and `..` says so.
    let identity = Identity::default();
    assert_eq!(format!("{identity:?}"), "Identity { .. }");
}

/// An item's `properties` (an open type) set in code carry the annotations
/// the connectors service needs: collections and non-ASCII strings.
#[test]
fn item_properties_write_their_type_annotations() {
    let mut properties = Properties::default();
    properties
        .set_property("title", "Contoso HR policy")
        .set_property("tags", vec!["hr", "policy"])
        .set_property("ratings", vec![4.5, 5.0])
        .set_property("owner", "Zoë")
        .set_property("priority", 1_i64);
    assert_eq!(
        serde_json::to_value(&properties).unwrap(),
        json!({
            "title": "Contoso HR policy",
            "tags@odata.type": "Collection(String)", "tags": ["hr", "policy"],
            "ratings@odata.type": "Collection(Double)", "ratings": [4.5, 5.0],
            "owner@odata.type": "String", "owner": "Zoë",
            "priority": 1
        })
    );
}
