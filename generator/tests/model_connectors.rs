//! The model of the connectors slices of 2026-08-20 (the history fixture
//! `fixtures/history/2026-08-20/`, which `metadata/` was cut from: a fixed
//! input, where `metadata/` follows Microsoft): the resources the API
//! lists, the documented service facts, evolvable enums; and the facts'
//! refusal of metadata that lacks what they name.

use std::path::Path;

use graphgen::model::{
    self, Fact, Input, LongRunningUpdate, Model, QName, Selection, TypeKind, Verb, Via,
};
use graphgen::ErrorKind;

const NS: &str = "microsoft.graph.externalConnectors";

/// The model of the three slices of 2026-08-20.
fn connectors() -> Model {
    let read = |file: &str| {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../fixtures/history/2026-08-20")
            .join(file);
        graphgen::csdl::parse_file(&path).unwrap()
    };
    let docs = ["global", "usgov", "china"].map(|cloud| (cloud, read(&format!("{cloud}.csdl"))));
    let inputs: Vec<Input<'_>> = docs
        .iter()
        .map(|(cloud, document)| Input { cloud, document })
        .collect();
    model::build(&inputs, &Selection::Namespaces(vec![NS.into()])).unwrap()
}

fn id(m: &Model, ns: &str, name: &str) -> model::TypeId {
    m.type_id(&QName::new(ns, name)).unwrap()
}

/// Each resource: its path, its methods (allowed ones by HTTP method, a
/// refused one as `no …`, each with what decided it when an annotation
/// did), and its clouds.
fn listing(m: &Model) -> Vec<String> {
    m.resources
        .iter()
        .map(|r| {
            let methods: Vec<String> = r
                .methods
                .iter()
                .filter(|x| x.allowed.value || x.allowed.by.is_some())
                .map(|x| {
                    let what = match x.verb {
                        Verb::List => "list".to_string(),
                        Verb::AddRef | Verb::SetRef | Verb::RemoveRef => {
                            format!("{} $ref", x.verb.http_method())
                        }
                        v => v.http_method().to_string(),
                    };
                    let no = if x.allowed.value { "" } else { "no " };
                    match &x.allowed.by {
                        Some(by) => format!("{no}{what} ({by})"),
                        None => what,
                    }
                })
                .collect();
            format!(
                "{} | {} | {}",
                r.path,
                methods.join(", "),
                r.availability.0.join(" ")
            )
        })
        .collect()
}

#[test]
fn the_connectors_api_list() {
    let m = connectors();
    let c = "/external/connections/{externalConnection-id}";
    let clouds = "global usgov";
    let expected = [
        format!("/external | GET, PATCH | {clouds}"),
        format!("/external/connections | list, POST | {clouds}"),
        format!("{c} | GET, PATCH, DELETE | {clouds}"),
        format!("{c}/groups | list, POST | {clouds}"),
        format!("{c}/groups/{{externalGroup-id}} | GET, PATCH, DELETE | {clouds}"),
        format!(
            "{c}/items | list, no POST (created with PUT at the key: https://learn.microsoft.com/graph/api/externalconnectors-externalconnection-put-items?view=graph-rest-1.0) | {clouds}"
        ),
        format!(
            "{c}/items/{{externalItem-id}} | GET, PUT (UpdateRestrictions/UpdateMethod on {NS}.externalConnection/items), DELETE | {clouds}"
        ),
        format!("{c}/operations | list, no POST ({READ_ONLY}) | {clouds}"),
        format!(
            "{c}/operations/{{connectionOperation-id}} | GET, no PATCH ({READ_ONLY}), no DELETE ({READ_ONLY}) | {clouds}"
        ),
        format!(
            "{c}/schema | GET, PATCH, no DELETE (DeleteRestrictions/Deletable on {NS}.externalConnection/schema) | {clouds}"
        ),
        format!("{c}/groups/{{externalGroup-id}}/members | list, POST | {clouds}"),
        format!(
            "{c}/groups/{{externalGroup-id}}/members/{{identity-id}} | GET, PATCH, DELETE | {clouds}"
        ),
        format!("{c}/items/{{externalItem-id}}/activities | list, POST | {clouds}"),
        format!(
            "{c}/items/{{externalItem-id}}/activities/{{externalActivity-id}} | GET, PATCH, DELETE | {clouds}"
        ),
        // Not contained: one step, read only, no references by default.
        format!(
            "{c}/items/{{externalItem-id}}/activities/{{externalActivity-id}}/performedBy | GET | {clouds}"
        ),
    ];
    assert_eq!(listing(&m), expected);
    // `connections` repeats `external/connections`: a root, not a start.
    let roots: Vec<(&str, bool, Vec<String>)> = m
        .roots
        .iter()
        .map(|r| (r.name.as_str(), r.canonical, r.availability.0.clone()))
        .collect();
    let both = vec!["global".to_string(), "usgov".to_string()];
    assert_eq!(
        roots,
        [
            ("connections", false, both.clone()),
            ("external", true, both)
        ]
    );
    let performed_by = m.resources.last().unwrap();
    assert_eq!(
        performed_by.via,
        Via::Navigation {
            owner: id(&m, NS, "externalActivity"),
            property: "performedBy".into(),
            contained: false
        }
    );
    assert_eq!(performed_by.entity, id(&m, NS, "identity"));
}

const READ_ONLY: &str = "read-only: https://learn.microsoft.com/graph/api/resources/externalconnectors-connectionoperation?view=graph-rest-1.0";

#[test]
fn the_documented_facts_resolve_on_the_connectors_metadata() {
    let m = connectors();
    let connection = id(&m, NS, "externalConnection");
    let facts: Vec<&Fact> = m.service_facts.iter().map(|f| &f.fact).collect();
    assert_eq!(
        facts,
        [
            &Fact::BatchLimit {
                operation: QName::new(NS, "addActivities"),
                max: 20
            },
            &Fact::LongRunningUpdate(LongRunningUpdate {
                owner: connection,
                navigation: "schema".into(),
                operation: id(&m, NS, "connectionOperation"),
                status_property: "status".into(),
                status_type: id(&m, NS, "connectionOperationStatus"),
                succeeded: "completed".into(),
                failed: "failed".into(),
                error_property: "error".into(),
                error_type: id(&m, "microsoft.graph", "publicError"),
            }),
            &Fact::KeyRule {
                owner: connection,
                navigation: "items".into(),
                min_len: 1,
                max_len: 128,
                alphanumeric: true
            },
            &Fact::KeyRule {
                owner: id(&m, NS, "external"),
                navigation: "connections".into(),
                min_len: 3,
                max_len: 32,
                alphanumeric: true
            },
            &Fact::MaxRequestBody {
                owner: connection,
                navigation: "items".into(),
                bytes: 4_000_000
            },
            &Fact::CreatedAtKey {
                owner: connection,
                navigation: "items".into(),
            },
            &Fact::ReadOnly {
                owner: connection,
                navigation: "operations".into(),
            },
            &Fact::MaxCollectionItems {
                owner: id(&m, NS, "schema"),
                property: "properties".into(),
                max: 128
            },
        ]
    );
    assert!(m
        .service_facts
        .iter()
        .all(|f| f.source.starts_with("https://learn.microsoft.com/graph/")));
}

#[test]
fn evolvable_enums_of_the_connectors_metadata() {
    let m = connectors();
    let TypeKind::Enum(label) = &m.ty(id(&m, NS, "label")).kind else {
        panic!()
    };
    let after: Vec<&str> = label
        .members
        .iter()
        .filter(|x| x.after_unknown_future_value)
        .map(|x| x.name.as_str())
        .collect();
    assert_eq!(after.first(), Some(&"containerName"));
    assert!(after.contains(&"iconUrl") && after.contains(&"personManager"));
    assert!(!after.contains(&"title") && !after.contains(&"unknownFutureValue"));
    let evolvable: Vec<&str> = m
        .types
        .iter()
        .filter(|t| t.evolvable)
        .map(|t| t.name.name.as_str())
        .collect();
    // `label` and `propertyType` have members after unknownFutureValue;
    // `property` holds both, `schema` holds properties, and an `entity`
    // may be a schema.
    assert_eq!(
        evolvable,
        ["entity", "label", "property", "propertyType", "schema"]
    );
}

/// A connectors schema with just what the documented facts name, and
/// what it needs of `microsoft.graph`.
const FACTS: &str = r#"<Schema Namespace="microsoft.graph" Alias="graph" xmlns="http://docs.oasis-open.org/odata/ns/edm">
<EntityType Name="entity" Abstract="true"><Key><PropertyRef Name="id" /></Key><Property Name="id" Type="Edm.String" Nullable="false" /></EntityType>
<ComplexType Name="publicError"><Property Name="code" Type="Edm.String" /></ComplexType>
</Schema>
<Schema Namespace="microsoft.graph.externalConnectors" xmlns="http://docs.oasis-open.org/odata/ns/edm">
<EnumType Name="connectionOperationStatus"><Member Name="inprogress" Value="1" /><Member Name="completed" Value="2" /><Member Name="failed" Value="3" /></EnumType>
<EntityType Name="connectionOperation" BaseType="graph.entity"><Property Name="error" Type="graph.publicError" /><Property Name="status" Type="microsoft.graph.externalConnectors.connectionOperationStatus" /></EntityType>
<EntityType Name="externalConnection" BaseType="graph.entity"><NavigationProperty Name="items" Type="Collection(microsoft.graph.externalConnectors.externalItem)" ContainsTarget="true" /><NavigationProperty Name="schema" Type="microsoft.graph.externalConnectors.schema" ContainsTarget="true" /><NavigationProperty Name="operations" Type="Collection(microsoft.graph.externalConnectors.connectionOperation)" ContainsTarget="true" /></EntityType>
<EntityType Name="schema" BaseType="graph.entity"><Property Name="properties" Type="Collection(Edm.String)" /></EntityType>
<EntityType Name="externalItem" BaseType="graph.entity" />
<EntityType Name="externalActivity" BaseType="graph.entity"><Property Name="type" Type="Edm.String" /></EntityType>
<EntityType Name="externalActivityResult" BaseType="microsoft.graph.externalConnectors.externalActivity"><Property Name="error" Type="graph.publicError" /></EntityType>
<Action Name="addActivities" IsBound="true"><Parameter Name="bindingParameter" Type="microsoft.graph.externalConnectors.externalItem" /><Parameter Name="activities" Type="Collection(microsoft.graph.externalConnectors.externalActivity)" /><ReturnType Type="Collection(microsoft.graph.externalConnectors.externalActivityResult)" /></Action>
</Schema>"#;

fn facts_model(schemas: &str) -> Result<Model, graphgen::Error> {
    let edmx = format!(
        "<edmx:Edmx Version=\"4.0\" xmlns:edmx=\"http://docs.oasis-open.org/odata/ns/edmx\"><edmx:DataServices>{schemas}</edmx:DataServices></edmx:Edmx>"
    );
    let d = graphgen::csdl::parse("facts.csdl", edmx.as_bytes()).unwrap();
    let input = Input {
        cloud: "global",
        document: &d,
    };
    model::build(&[input], &Selection::Namespaces(vec![NS.into()]))
}

#[test]
fn the_facts_apply_where_their_types_are() {
    let m = facts_model(FACTS).unwrap();
    assert_eq!(m.service_facts.len(), 7);
    // Without `externalConnection` and `schema`, only the batch limit
    // (about `externalItem`) applies.
    let fewer = FACTS
        .replace(
            "<EntityType Name=\"externalConnection\"",
            "<EntityType Name=\"otherConnection\"",
        )
        .replace(
            "<EntityType Name=\"schema\"",
            "<EntityType Name=\"otherSchema\"",
        )
        .replace(
            "externalConnectors.schema\"",
            "externalConnectors.otherSchema\"",
        );
    let m = facts_model(&fewer).unwrap();
    let facts: Vec<&Fact> = m.service_facts.iter().map(|f| &f.fact).collect();
    assert!(
        matches!(facts[..], [Fact::BatchLimit { max: 20, .. }]),
        "{facts:?}"
    );
}

#[test]
fn metadata_lacking_what_a_fact_names_is_refused_naming_the_fact() {
    let long_running = "PATCH externalConnection/schema answers with a connectionOperation";
    let cases = [
        (
            FACTS.replace(
                "<Property Name=\"status\" Type=\"microsoft.graph.externalConnectors.connectionOperationStatus\" />",
                "",
            ),
            long_running,
            "`microsoft.graph.externalConnectors.connectionOperation` has no property `status`",
        ),
        (
            FACTS.replace("Name=\"failed\"", "Name=\"broken\""),
            long_running,
            "`microsoft.graph.externalConnectors.connectionOperationStatus` has no member `failed`",
        ),
        (
            FACTS.replace(
                "<Property Name=\"status\" Type=\"microsoft.graph.externalConnectors.connectionOperationStatus\" />",
                "<Property Name=\"status\" Type=\"Edm.String\" />",
            ),
            long_running,
            "`microsoft.graph.externalConnectors.connectionOperation/status` is not of the type `microsoft.graph.externalConnectors.connectionOperationStatus`",
        ),
        (
            FACTS.replace("<Property Name=\"error\" Type=\"graph.publicError\" /><Property Name=\"status\"", "<Property Name=\"status\""),
            long_running,
            "`microsoft.graph.externalConnectors.connectionOperation` has no property `error`",
        ),
        (
            FACTS.replace(
                "<NavigationProperty Name=\"schema\" Type=\"microsoft.graph.externalConnectors.schema\" ContainsTarget=\"true\" />",
                "<Property Name=\"schema\" Type=\"Edm.String\" />",
            ),
            long_running,
            "`microsoft.graph.externalConnectors.externalConnection/schema` is not a navigation property",
        ),
        (
            FACTS.replace(
                "Name=\"items\" Type=\"Collection(microsoft.graph.externalConnectors.externalItem)\"",
                "Name=\"items\" Type=\"microsoft.graph.externalConnectors.externalItem\"",
            ),
            "externalItem ids",
            "`microsoft.graph.externalConnectors.externalConnection/items` is not a collection navigation property",
        ),
        (
            FACTS.replace("NavigationProperty Name=\"operations\"", "NavigationProperty Name=\"jobs\""),
            "connectionOperations are read-only",
            "`microsoft.graph.externalConnectors.externalConnection` has no property `operations`",
        ),
        (
            FACTS.replace("Collection(Edm.String)", "Edm.String"),
            "properties per schema",
            "`microsoft.graph.externalConnectors.schema/properties` is not a collection",
        ),
        (
            FACTS.replace("Name=\"addActivities\"", "Name=\"addMore\""),
            "activities per addActivities call",
            "no batch operation `microsoft.graph.externalConnectors.addActivities` is bound to `microsoft.graph.externalConnectors.externalItem`",
        ),
    ];
    for (text, fact, what) in cases {
        let e = facts_model(&text).unwrap_err();
        assert_eq!(e.kind, ErrorKind::UnknownType, "{e}");
        assert!(
            e.message
                .starts_with(&format!("the documented service fact `{fact}` (https://")),
            "{e}"
        );
        assert!(e.message.ends_with(what), "{e}");
    }
}
