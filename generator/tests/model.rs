//! The semantic model on small documents: resolution, checks with their
//! locations, availability across clouds, URL placement, annotations.

mod fixture;

use fixture::{build, doc, graph_with, operations_list, rows_of, BASE};
use graphgen::csdl::ast::Document;
use graphgen::model::{self, Model, PathSegment, TypeKind, TypeRef};
use graphgen::{Error, ErrorKind};

const CONNECTORS: &str = r#"<Schema Namespace="microsoft.graph.externalConnectors" xmlns="http://docs.oasis-open.org/odata/ns/edm">
<EnumType Name="kind"><Member Name="a" Value="1" /><Member Name="b" Value="2" /></EnumType>
<EntityType Name="external"><NavigationProperty Name="connections" Type="Collection(microsoft.graph.externalConnectors.connection)" ContainsTarget="true" /></EntityType>
<EntityType Name="connection" BaseType="graph.entity"><Property Name="state" Type="microsoft.graph.externalConnectors.kind" /><NavigationProperty Name="items" Type="Collection(microsoft.graph.externalConnectors.item)" ContainsTarget="true" /></EntityType>
<EntityType Name="item" BaseType="graph.entity"><Property Name="kinds" Type="Collection(microsoft.graph.externalConnectors.kind)" Nullable="false" /></EntityType>
<EntityType Name="activity" BaseType="graph.entity"><Property Name="startDateTime" Type="Edm.DateTimeOffset" Nullable="false" /></EntityType>
<EntityType Name="activityResult" BaseType="microsoft.graph.externalConnectors.activity"><Property Name="error" Type="graph.publicError" /></EntityType>
<Action Name="add" IsBound="true"><Parameter Name="bindingParameter" Type="microsoft.graph.externalConnectors.item" /><Parameter Name="activities" Type="Collection(microsoft.graph.externalConnectors.activity)" Nullable="false" /><ReturnType Type="Collection(microsoft.graph.externalConnectors.activityResult)" /></Action>
</Schema>
<Schema Namespace="microsoft.graph.container" xmlns="http://docs.oasis-open.org/odata/ns/edm">
<EntityContainer Name="GraphService">
<EntitySet Name="connections" EntityType="microsoft.graph.externalConnectors.connection" />
<Singleton Name="external" Type="microsoft.graph.externalConnectors.external" />
</EntityContainer>
<Annotations Target="microsoft.graph.externalConnectors.connection/state"><Annotation Term="Org.OData.Core.V1.Computed" Bool="true" /></Annotations>
<Annotations Target="graph.publicError/code"><Annotation Term="Org.OData.Core.V1.Description" String="The code." /><Annotation Term="Org.OData.Core.V1.Revisions"><Collection><Record><PropertyValue Property="Date" Date="2025-01-01" /><PropertyValue Property="Kind"><EnumMember>Org.OData.Core.V1.RevisionKind/Deprecated</EnumMember></PropertyValue><PropertyValue Property="Description" String="Use other." /></Record></Collection></Annotation></Annotations>
</Schema>"#;

fn full() -> Document {
    doc("full.csdl", &format!("{BASE}\n{CONNECTORS}"))
}

#[test]
fn closure_resolution_and_inheritance() {
    let d = full();
    let m = build(&[("global", &d)], "microsoft.graph.externalConnectors").unwrap();
    let names: Vec<String> = m.types.iter().map(|t| t.name.to_string()).collect();
    // The closure: the namespace, plus what it references; `unused` is not referenced.
    assert!(names.contains(&"microsoft.graph.entity".to_string()));
    assert!(names.contains(&"microsoft.graph.publicError".to_string()));
    assert!(
        !names.contains(&"microsoft.graph.unused".to_string()),
        "{names:?}"
    );
    let activity = m
        .type_id(&model::QName::new(
            "microsoft.graph.externalConnectors",
            "activity",
        ))
        .unwrap();
    let result = m
        .type_id(&model::QName::new(
            "microsoft.graph.externalConnectors",
            "activityResult",
        ))
        .unwrap();
    let entity = m
        .type_id(&model::QName::new("microsoft.graph", "entity"))
        .unwrap();
    assert_eq!(m.ancestors(result), vec![activity, entity]);
    assert!(m.descendants(activity).contains(&result));
    let props: Vec<&str> = m
        .all_properties(result)
        .iter()
        .map(|p| p.name.as_str())
        .collect();
    assert_eq!(props, ["id", "startDateTime", "error"]);
    assert!(m.all_properties(result)[0].is_key);
    let item = m
        .type_id(&model::QName::new(
            "microsoft.graph.externalConnectors",
            "item",
        ))
        .unwrap();
    let kinds = &m.structure(item).unwrap().properties[0];
    assert!(
        matches!(&kinds.ty, TypeRef::Collection(inner) if matches!(**inner, TypeRef::Named(_)))
    );
    assert!(!kinds.nullable);
}

#[test]
fn annotations_apply() {
    let d = full();
    let m = build(&[("global", &d)], "microsoft.graph.externalConnectors").unwrap();
    let conn = m
        .type_id(&model::QName::new(
            "microsoft.graph.externalConnectors",
            "connection",
        ))
        .unwrap();
    let state = m
        .structure(conn)
        .unwrap()
        .properties
        .iter()
        .find(|p| p.name == "state")
        .unwrap();
    assert!(state.computed);
    // Annotations whose target uses the alias apply too.
    let err = m
        .type_id(&model::QName::new("microsoft.graph", "publicError"))
        .unwrap();
    let code = &m.structure(err).unwrap().properties[0];
    assert_eq!(code.doc.description.as_deref(), Some("The code."));
    let dep = code.doc.deprecation.as_ref().expect("deprecated");
    assert_eq!(dep.date.as_deref(), Some("2025-01-01"));
    assert_eq!(dep.description.as_deref(), Some("Use other."));
}

#[test]
fn placement_prefers_the_singleton_containment_over_the_shortcut_set() {
    let d = full();
    let m = build(&[("global", &d)], "microsoft.graph.externalConnectors").unwrap();
    let op = &m.operations[0];
    assert_eq!(op.name.name, "add");
    let path = op.placement.as_ref().expect("placed");
    assert_eq!(
        path.to_string(),
        "/external/connections/{connection-id}/items/{item-id}/add"
    );
    assert!(
        matches!(&path.segments[2], PathSegment::Key { entity } if entity.name == "connection")
    );
    assert!(m.unbound.is_empty());
}

#[test]
fn what_containment_does_not_reach_is_reached_by_other_navigation_and_casts() {
    let m = graph_with(
        "reach.csdl",
        r#"<EntityType Name="hub" BaseType="graph.entity">
<NavigationProperty Name="boxes" Type="Collection(graph.box)" ContainsTarget="true" />
<NavigationProperty Name="favorite" Type="graph.box" />
<NavigationProperty Name="units" Type="Collection(graph.unitBase)" />
<NavigationProperty Name="pages" Type="Collection(graph.pageBase)" ContainsTarget="true" />
<NavigationProperty Name="anything" Type="graph.entity" />
<NavigationProperty Name="sheets" Type="Collection(graph.sheet)" ContainsTarget="true" />
<NavigationProperty Name="swaps" Type="Collection(graph.swapRequest)" ContainsTarget="true" />
</EntityType>
<EntityType Name="box" BaseType="graph.entity" />
<EntityType Name="unitBase" BaseType="graph.entity" Abstract="true" />
<EntityType Name="driveUnit" BaseType="graph.unitBase" />
<EntityType Name="pageBase" BaseType="graph.entity" />
<EntityType Name="sitePage" BaseType="graph.pageBase"><NavigationProperty Name="parts" Type="Collection(graph.part)" ContainsTarget="true" /></EntityType>
<EntityType Name="part" BaseType="graph.entity" />
<EntityType Name="gadget" BaseType="graph.entity" />
<EntityType Name="sheet" BaseType="graph.entity" />
<EntityType Name="area" BaseType="graph.entity" />
<EntityType Name="requestBase" BaseType="graph.entity" Abstract="true" />
<EntityType Name="swapRequest" BaseType="graph.requestBase" />
<Function Name="area" IsBound="true" IsComposable="true"><Parameter Name="bindingParameter" Type="graph.sheet" /><Parameter Name="address" Type="Edm.String" /><ReturnType Type="graph.area" /></Function>
<Action Name="wipe" IsBound="true"><Parameter Name="bindingParameter" Type="graph.area" /></Action>
<Action Name="approve" IsBound="true"><Parameter Name="bindingParameter" Type="graph.requestBase" /></Action>
<Action Name="open" IsBound="true"><Parameter Name="bindingParameter" Type="graph.box" /></Action>
<Action Name="offboard" IsBound="true"><Parameter Name="bindingParameter" Type="graph.unitBase" /></Action>
<Action Name="locate" IsBound="true"><Parameter Name="bindingParameter" Type="graph.part" /></Action>
<Action Name="spin" IsBound="true"><Parameter Name="bindingParameter" Type="graph.gadget" /></Action>
<EntityContainer Name="GraphService"><Singleton Name="hub" Type="graph.hub" /></EntityContainer>
"#,
    );
    let path = |name: &str| {
        let op = m.operations.iter().find(|o| o.name.name == name).unwrap();
        op.placement.as_ref().ok().map(ToString::to_string)
    };
    // Containment first: the shorter `favorite` does not move this URL.
    assert_eq!(path("open").as_deref(), Some("/hub/boxes/{box-id}/open"));
    // A navigation property that does not contain its target.
    assert_eq!(
        path("offboard").as_deref(),
        Some("/hub/units/{unitBase-id}/offboard")
    );
    // A cast to the derived type that declares the way on.
    assert_eq!(
        path("locate").as_deref(),
        Some("/hub/pages/{pageBase-id}/microsoft.graph.sitePage/parts/{part-id}/locate")
    );
    // `anything` is typed as the root of the hierarchy: no cast from there.
    assert_eq!(path("spin"), None);
    // What is not placed says what is known of its type.
    let reasons: Vec<(&str, &str)> = m
        .operations
        .iter()
        .filter_map(|o| {
            let reason = &o.placement.as_ref().err()?.reason;
            Some((o.name.name.as_str(), reason.as_str()))
        })
        .collect();
    assert_eq!(
        reasons,
        [
            (
                "approve",
                "no entity set, singleton, navigation property or type cast reaches an entity of `microsoft.graph.requestBase`; only its derived types are reached, each at a URL of its own (`swapRequest`)"
            ),
            (
                "spin",
                "no entity set, singleton, navigation property or type cast reaches an entity of `microsoft.graph.gadget`"
            ),
            (
                "wipe",
                "no entity set, singleton, navigation property or type cast reaches an entity of `microsoft.graph.area`; only a composable function reaches it (`/hub/sheets/{sheet-id}/area(…)`), and no URL is derived through a function"
            ),
        ]
    );
}

#[test]
fn overloads_without_a_route_are_each_reported_with_their_own_reason() {
    // Two `poke` overloads, neither reachable, for different reasons; a
    // third one is placed.
    let m = graph_with(
        "overloads.csdl",
        r#"<EntityType Name="orphan" BaseType="graph.entity" />
<EntityType Name="stray" BaseType="graph.entity" />
<EntityType Name="thing" BaseType="graph.entity" />
<Action Name="poke" IsBound="true"><Parameter Name="bindingParameter" Type="graph.orphan" /></Action>
<Action Name="poke" IsBound="true"><Parameter Name="bindingParameter" Type="Collection(graph.stray)" /></Action>
<Action Name="poke" IsBound="true"><Parameter Name="bindingParameter" Type="graph.thing" /></Action>
<EntityContainer Name="GraphService"><EntitySet Name="things" EntityType="graph.thing" /></EntityContainer>
"#,
    );
    // Each overload's placement, by its binding: collection or not, and type.
    let reasons: Vec<(bool, &str, &str)> = m
        .operations
        .iter()
        .filter_map(|o| {
            let reason = &o.placement.as_ref().err()?.reason;
            let bound = &m.ty(o.binding.named()?).name.name;
            Some((o.binding.is_collection(), bound.as_str(), reason.as_str()))
        })
        .collect();
    assert_eq!(
        reasons,
        [
            (
                true,
                "stray",
                "no entity set, singleton, navigation property or type cast reaches a collection of `microsoft.graph.stray`"
            ),
            (
                false,
                "orphan",
                "no entity set, singleton, navigation property or type cast reaches an entity of `microsoft.graph.orphan`"
            ),
        ]
    );
    let list = operations_list(&m);
    assert_eq!(
        rows_of(&list, "microsoft.graph.poke"),
        [
            // Names are given to every overload, placed or not, so that one
            // placed later cannot rename the others.
            "| `microsoft.graph.poke` | `graph::Poke3` | `POST /things/{thing-id}/poke` |",
            "| `microsoft.graph.poke` | `Collection(microsoft.graph.stray)` | no entity set, singleton, navigation property or type cast reaches a collection of `microsoft.graph.stray` |",
            "| `microsoft.graph.poke` | `microsoft.graph.orphan` | no entity set, singleton, navigation property or type cast reaches an entity of `microsoft.graph.orphan` |",
        ],
        "{list}"
    );
}

#[test]
fn function_overloads_on_one_binding_are_each_generated() {
    // Graph's report functions come in pairs bound to one type, told apart
    // by their parameter names.
    let m = graph_with(
        "reports.csdl",
        r#"<EntityType Name="reportRoot" BaseType="graph.entity" />
<Function Name="detail" IsBound="true"><Parameter Name="reportRoot" Type="graph.reportRoot" /><Parameter Name="date" Type="Edm.Date" Nullable="false" /><ReturnType Type="Edm.String" /></Function>
<Function Name="detail" IsBound="true"><Parameter Name="reportRoot" Type="graph.reportRoot" /><Parameter Name="period" Type="Edm.String" Nullable="false" /><Parameter Name="top" Type="Edm.Int32" Nullable="false" /><ReturnType Type="Edm.String" /></Function>
<EntityContainer Name="GraphService"><Singleton Name="reports" Type="graph.reportRoot" /></EntityContainer>
"#,
    );
    let params: Vec<Vec<&str>> = m
        .operations
        .iter()
        .filter(|o| o.name.name == "detail")
        .map(|o| o.parameters.iter().map(|p| p.name.as_str()).collect())
        .collect();
    assert_eq!(params, [vec!["date"], vec!["period", "top"]]);
    assert!(m.operations.iter().all(|o| o.placement.is_ok()));
    let list = operations_list(&m);
    assert_eq!(
        rows_of(&list, "microsoft.graph.detail"),
        [
            "| `microsoft.graph.detail` | `graph::Detail` | `GET /reports/detail(date={date})` |",
            "| `microsoft.graph.detail` | `graph::Detail2` | `GET /reports/detail(period={period},top={top})` |",
        ],
        "{list}"
    );
}

#[test]
fn an_action_whose_parameters_differ_between_clouds_is_one_action() {
    // Graph's `decline` on an event takes `ProposedNewTime` in the global
    // document only: one action (CSDL allows one per binding type), in
    // every cloud, its parameter documented where it is and never required,
    // as a property some cloud lacks is never required.
    let action = |extra: &str| {
        let (parameter, property) = extra.split_once('|').unwrap_or_default();
        // A derived type in the global document only inherits the property.
        let derived = match property {
            "" => "",
            _ => r#"<EntityType Name="meeting" BaseType="graph.event" />"#,
        };
        BASE.replace(
            "</Schema>",
            &format!(
                r#"<EntityType Name="event" BaseType="graph.entity">{property}</EntityType>{derived}
<Action Name="decline" IsBound="true"><Parameter Name="bindingParameter" Type="graph.event" /><Parameter Name="Comment" Type="Edm.String" />{parameter}</Action>
<EntityContainer Name="GraphService"><EntitySet Name="events" EntityType="graph.event" /></EntityContainer>
</Schema>"#
            ),
        )
    };
    let global = doc(
        "global.csdl",
        &action(
            r#"<Parameter Name="ProposedNewTime" Type="Edm.String" Nullable="false" />|<Property Name="cancelled" Type="Edm.Boolean" Nullable="false" />"#,
        ),
    );
    let usgov = doc("usgov.csdl", &action(""));
    let m = build(&[("global", &global), ("usgov", &usgov)], "microsoft.graph").unwrap();
    let declines: Vec<_> = m
        .operations
        .iter()
        .filter(|o| o.name.name == "decline")
        .collect();
    assert_eq!(declines.len(), 1, "{declines:#?}");
    let decline = declines[0];
    assert_eq!(decline.availability.0, ["global", "usgov"]);
    let params: Vec<(&str, &[String])> = decline
        .parameters
        .iter()
        .map(|p| (p.name.as_str(), p.availability.0.as_slice()))
        .collect();
    assert_eq!(
        params,
        [
            ("Comment", &["global".to_string(), "usgov".to_string()][..]),
            ("ProposedNewTime", &["global".to_string()][..]),
        ]
    );
    let list = operations_list(&m);
    assert_eq!(rows_of(&list, "microsoft.graph.decline").len(), 1, "{list}");
    let out = graphgen::emit::emit(&m, &graphgen::emit::Options::new("clouds")).unwrap();
    let code: String = out
        .files
        .iter()
        .filter(|(path, _)| path.ends_with(".rs"))
        .map(|(_, text)| text.as_str())
        .collect();
    let field = code
        .split("pub struct DeclineBody")
        .nth(1)
        .expect("the request body type is generated");
    let field = &field[..field.find('}').unwrap()];
    let doc = &field[field.rfind("pub comment").unwrap()..];
    assert!(
        doc.contains("/// Available in: global. Not in: US Gov L4, US Gov L5 (DoD). Not checked (no metadata read): China (21Vianet).")
            && doc.contains("pub proposed_new_time: Nullable<String>,"),
        "{doc}"
    );
    // Required means `new(...)` takes it (`name: Type` appears only there).
    assert!(!new_params(&code).contains("proposed_new_time"), "{code}");
    assert_eq!(code.matches("pub cancelled: Nullable<bool>,").count(), 2);
    assert!(
        !new_params(&code).contains("cancelled"),
        "the property US Gov lacks is not required, in the derived type either (its base view moves it)"
    );
    // With the global document alone, both are required.
    let m = build(&[("global", &global)], "microsoft.graph").unwrap();
    let out = graphgen::emit::emit(&m, &graphgen::emit::Options::new("global")).unwrap();
    let code: String = out.files.values().map(String::as_str).collect();
    assert_eq!(code.matches("new(cancelled: bool").count(), 2, "{code}");
    assert!(code.contains("new(proposed_new_time: String"), "{code}");
}

#[test]
fn what_any_cloud_lets_be_null_is_not_required() {
    // Graph's `timeSlot.start` is `Nullable="false"` in the global document
    // and nullable in the US Government one: a crate for both reads null.
    let schema = |facet: &str| {
        BASE.replace(
            "</Schema>",
            &format!(
                r#"<ComplexType Name="timeSlot"><Property Name="start" Type="Edm.String"{facet} /></ComplexType>
<EntityType Name="event" BaseType="graph.entity" />
<Action Name="propose" IsBound="true"><Parameter Name="bindingParameter" Type="graph.event" /><Parameter Name="slot" Type="graph.timeSlot"{facet} /></Action>
<EntityContainer Name="GraphService"><EntitySet Name="events" EntityType="graph.event" /></EntityContainer>
</Schema>"#
            ),
        )
    };
    let global = doc("global.csdl", &schema(r#" Nullable="false""#));
    let usgov = doc("usgov.csdl", &schema(""));
    let facts = |m: &Model| {
        let slot = m
            .type_id(&model::QName::new("microsoft.graph", "timeSlot"))
            .unwrap();
        let start = m.all_properties(slot)[0].nullable;
        let propose = m.operations.iter().find(|o| o.name.name == "propose");
        (start, propose.unwrap().parameters[0].nullable)
    };
    let alone = build(&[("global", &global)], "microsoft.graph").unwrap();
    assert_eq!(facts(&alone), (false, false));
    let both = build(&[("global", &global), ("usgov", &usgov)], "microsoft.graph").unwrap();
    assert_eq!(facts(&both), (true, true));
    let reversed = build(&[("usgov", &usgov), ("global", &global)], "microsoft.graph").unwrap();
    assert_eq!(facts(&reversed), (true, true));
}

#[test]
fn properties_a_later_document_adds_are_kept_for_its_clouds() {
    // Graph's `changeNotification.sequenceNumber` is in the US Government
    // and China documents, not the global one: a crate for all three has it.
    let global = doc(
        "global.csdl",
        &BASE.replace(
            "</Schema>",
            r#"<ComplexType Name="changeNotification"><Property Name="id" Type="Edm.String" /></ComplexType>
<ComplexType Name="timeConstraint"><Property Name="timeSlots" Type="Edm.String" /></ComplexType>
<EntityType Name="place" BaseType="graph.entity"><Property Name="label" Type="Edm.String" /></EntityType>
<EntityType Name="room" BaseType="graph.place"><Property Name="capacity" Type="Edm.Int32" /></EntityType>
</Schema>"#,
        ),
    );
    let usgov = doc(
        "usgov.csdl",
        &BASE.replace(
            "</Schema>",
            r#"<ComplexType Name="changeNotification"><Property Name="id" Type="Edm.String" /><Property Name="sequenceNumber" Type="Edm.Int64" Nullable="false" /><Property Name="detail" Type="graph.govDetail" /></ComplexType>
<ComplexType Name="govDetail"><Property Name="code" Type="Edm.String" /></ComplexType>
<ComplexType Name="timeConstraint"><Property Name="timeslots" Type="Edm.String" /></ComplexType>
<EntityType Name="place" BaseType="graph.entity"><Property Name="capacity" Type="Edm.Int32" /></EntityType>
<EntityType Name="room" BaseType="graph.place"><Property Name="label" Type="Edm.String" /><Property Name="placeId" Type="Edm.String" /></EntityType>
</Schema>"#,
        ),
    );
    let m = build(&[("global", &global), ("usgov", &usgov)], "microsoft.graph").unwrap();
    let own = |name: &str| -> Vec<(String, Vec<String>)> {
        let id = m
            .type_id(&model::QName::new("microsoft.graph", name))
            .unwrap();
        let s = m.structure(id).unwrap();
        s.properties
            .iter()
            .map(|p| (p.name.clone(), p.availability.0.clone()))
            .collect()
    };
    let both = || vec!["global".to_string(), "usgov".to_string()];
    let gov = || vec!["usgov".to_string()];
    assert_eq!(
        own("changeNotification"),
        [
            ("id".into(), both()),
            ("sequenceNumber".into(), gov()),
            ("detail".into(), gov())
        ]
    );
    // The type only the added property references is generated.
    assert!(m
        .type_id(&model::QName::new("microsoft.graph", "govDetail"))
        .is_some());
    // The same name in another case is not added again (where it is
    // available is still told by its exact name).
    assert_eq!(
        own("timeConstraint"),
        [("timeSlots".into(), vec!["global".to_string()])]
    );
    // A property the base has in the first document is not added to a
    // derived type; one a derived type declares is not added to its base.
    assert_eq!(own("place"), [("label".into(), vec!["global".to_string()])]);
    assert_eq!(
        own("room"),
        [
            ("capacity".into(), vec!["global".to_string()]),
            ("placeId".into(), gov())
        ]
    );
    // Added properties are never required.
    let out = graphgen::emit::emit(&m, &graphgen::emit::Options::new("clouds")).unwrap();
    let code: String = out.files.values().map(String::as_str).collect();
    assert!(
        code.contains("pub sequence_number: Nullable<i64>,"),
        "{code}"
    );
    assert!(!new_params(&code).contains("sequence_number"), "{code}");
    // With the first document alone, nothing is added.
    let alone = build(&[("global", &global)], "microsoft.graph").unwrap();
    let id = alone
        .type_id(&model::QName::new("microsoft.graph", "changeNotification"))
        .unwrap();
    assert_eq!(alone.structure(id).unwrap().properties.len(), 1);
}

/// The parameters of every `new(...)` in generated code: what a value the
/// user builds must hold.
fn new_params(code: &str) -> String {
    let mut params = String::new();
    let mut inside = false;
    for line in code.lines() {
        let t = line.trim();
        inside |= t.starts_with("new(");
        if inside {
            params.push_str(t);
            params.push('\n');
            inside = !t.ends_with(");");
        }
    }
    params
}

#[test]
fn differences_the_first_document_decides_are_warnings() {
    // As in Graph: `namedLocation`'s base and a property's type differ
    // between the global and US Government documents; one document writes
    // the namespace's alias, the other its name, which is no difference.
    let schema = |alias: &str, base: &str, target: &str| {
        BASE.replace(
            "</Schema>",
            &format!(
                r#"<EntityType Name="policyItem" BaseType="graph.entity" />
<EntityType Name="namedLocation" BaseType="{base}"><Property Name="targets" Type="Collection({alias}.{target})" /><Property Name="code" Type="{alias}.publicError" /></EntityType>
<ComplexType Name="target" /><ComplexType Name="passkeyTarget" BaseType="graph.target" />
</Schema>"#
            ),
        )
    };
    let global = doc(
        "global.csdl",
        &schema("graph", "graph.policyItem", "passkeyTarget"),
    );
    let usgov = doc(
        "usgov.csdl",
        &schema("microsoft.graph", "microsoft.graph.entity", "target"),
    );
    let m = build(&[("global", &global), ("usgov", &usgov)], "microsoft.graph").unwrap();
    assert_eq!(
        m.warnings,
        [
            "`microsoft.graph.namedLocation`: base type `microsoft.graph.policyItem` in global, base type `microsoft.graph.entity` in usgov; global's is generated",
            "`microsoft.graph.namedLocation/targets`: `Collection(microsoft.graph.passkeyTarget)` in global, `Collection(microsoft.graph.target)` in usgov; global's is generated",
        ]
    );
    let same = build(
        &[("global", &global), ("usgov", &global)],
        "microsoft.graph",
    )
    .unwrap();
    assert!(same.warnings.is_empty(), "{:?}", same.warnings);
}

#[test]
fn overloads_declared_twice_in_one_document_are_refused() {
    let ops = |a: &str, b: &str| {
        format!(
            r#"<EntityType Name="t" BaseType="graph.entity" />{a}
{b}<EntityContainer Name="GraphService"><EntitySet Name="ts" EntityType="graph.t" /></EntityContainer>"#
        )
    };
    let refused = |a: &str, b: &str| {
        let d = doc(
            "twice.csdl",
            &BASE.replace("</Schema>", &format!("{}</Schema>", ops(a, b))),
        );
        build(&[("global", &d)], "microsoft.graph").unwrap_err()
    };
    // Two actions on one binding type, whatever their parameters.
    let e = refused(
        r#"<Action Name="go" IsBound="true"><Parameter Name="t" Type="graph.t" /><Parameter Name="a" Type="Edm.String" /></Action>"#,
        r#"<Action Name="go" IsBound="true"><Parameter Name="t" Type="graph.t" /><Parameter Name="b" Type="Edm.String" /></Action>"#,
    );
    assert_eq!(e.kind, ErrorKind::DuplicateName);
    let at = e.location.as_ref().unwrap();
    assert_eq!(
        (at.line, at.element.as_str()),
        (9, "Schema[microsoft.graph]/Action[go]"),
        "the second declaration"
    );
    assert!(
        e.message.contains("action `microsoft.graph.go` bound to `microsoft.graph.t` is declared twice: CSDL allows one action of a name per binding type"),
        "{}",
        e.message
    );
    // Unbound actions have no overloads at all.
    let e = refused(
        r#"<Action Name="go" />"#,
        r#"<Action Name="go"><Parameter Name="a" Type="Edm.String" /></Action>"#,
    );
    assert!(
        e.message
            .contains("action `microsoft.graph.go` unbound is declared twice")
            && e.message.ends_with("and no overloads of unbound actions"),
        "{}",
        e.message
    );
    // Functions with the same parameter names, in any order.
    let e = refused(
        r#"<Function Name="f" IsBound="true"><Parameter Name="t" Type="graph.t" /><Parameter Name="a" Type="Edm.String" /><Parameter Name="b" Type="Edm.String" /><ReturnType Type="Edm.String" /></Function>"#,
        r#"<Function Name="f" IsBound="true"><Parameter Name="t" Type="graph.t" /><Parameter Name="b" Type="Edm.Int32" /><Parameter Name="a" Type="Edm.String" /><ReturnType Type="Edm.String" /></Function>"#,
    );
    assert_eq!(e.kind, ErrorKind::DuplicateName);
    assert!(
        e.message.contains("function `microsoft.graph.f` bound to `microsoft.graph.t` with the parameters (b, a) is declared twice"),
        "{}",
        e.message
    );
    // An action and a function of one name, or the same action on another
    // binding type, are no repetition.
    let d = doc(
        "apart.csdl",
        &BASE.replace(
            "</Schema>",
            &format!(
                "{}</Schema>",
                ops(
                    r#"<Action Name="go" IsBound="true"><Parameter Name="t" Type="graph.t" /></Action><Action Name="go" IsBound="true"><Parameter Name="t" Type="Collection(graph.t)" /></Action>"#,
                    r#"<Function Name="go" IsBound="true"><Parameter Name="t" Type="graph.t" /><ReturnType Type="Edm.String" /></Function>"#,
                )
            ),
        ),
    );
    let m = build(&[("global", &d)], "microsoft.graph").unwrap();
    assert_eq!(
        m.operations.iter().filter(|o| o.name.name == "go").count(),
        3
    );
}

#[test]
fn an_operation_with_no_route_is_reported_not_dropped() {
    let m = graph_with(
        "orphan.csdl",
        r#"<EntityType Name="orphan" BaseType="graph.entity" /><Action Name="poke" IsBound="true"><Parameter Name="bindingParameter" Type="graph.orphan" /></Action>"#,
    );
    let [op] = m.operations.as_slice() else {
        panic!("one operation: {:?}", m.operations);
    };
    assert_eq!(op.name.name, "poke");
    let not_placed = op
        .placement
        .as_ref()
        .expect_err("no URL without a container");
    assert_eq!(not_placed.reason, "the document has no entity container");
    let list = operations_list(&m);
    assert_eq!(
        rows_of(&list, "microsoft.graph.poke"),
        ["| `microsoft.graph.poke` | `microsoft.graph.orphan` | the document has no entity container |"],
        "{list}"
    );
}

#[test]
fn availability_is_computed_per_cloud() {
    let global = full();
    let china = doc("china.csdl", BASE);
    let m = build(
        &[("global", &global), ("china", &china)],
        "microsoft.graph.externalConnectors",
    )
    .unwrap();
    let item = m
        .type_id(&model::QName::new(
            "microsoft.graph.externalConnectors",
            "item",
        ))
        .unwrap();
    assert_eq!(m.ty(item).availability.0, ["global"]);
    let entity = m
        .type_id(&model::QName::new("microsoft.graph", "entity"))
        .unwrap();
    assert_eq!(m.ty(entity).availability.0, ["global", "china"]);
    assert_eq!(m.operations[0].availability.0, ["global"]);
    assert_eq!(m.clouds, ["global", "china"]);
}

#[test]
fn a_namespace_no_document_has_is_a_usage_error() {
    let d = full();
    let e = build(&[("global", &d)], "microsoft.graph.nope").unwrap_err();
    assert_eq!(e.kind, ErrorKind::Usage);
    assert!(e.message.contains("microsoft.graph.nope"));
}

/// Builds a one-schema document and returns the error, which must have a location.
fn error_of(body: &str) -> Error {
    let d = doc(
        "bad.csdl",
        &format!("<Schema Namespace=\"ns\" Alias=\"n\" xmlns=\"http://docs.oasis-open.org/odata/ns/edm\">\n{body}\n</Schema>"),
    );
    let e = build(&[("global", &d)], "ns").unwrap_err();
    let loc = e
        .location
        .as_ref()
        .expect("errors about the input have a location");
    assert_eq!(loc.file, "bad.csdl");
    e
}

#[test]
fn unknown_type_names_file_line_column_and_element() {
    let e = error_of(
        "<ComplexType Name=\"a\">\n  <Property Name=\"p\" Type=\"ns.missing\" />\n</ComplexType>",
    );
    assert_eq!(e.kind, ErrorKind::UnknownType);
    let loc = e.location.unwrap();
    assert_eq!((loc.line, loc.col), (6, 3));
    assert_eq!(loc.element, "Schema[ns]/ComplexType[a]/Property[p]");
    assert!(e.message.contains("ns.missing"));
}

#[test]
fn unknown_primitive() {
    let e = error_of(
        "<ComplexType Name=\"a\"><Property Name=\"p\" Type=\"Edm.Strin\" /></ComplexType>",
    );
    assert_eq!(e.kind, ErrorKind::UnknownPrimitive);
    assert!(e.message.contains("Edm.Strin"));
}

#[test]
fn unterminated_collection() {
    let e = error_of("<ComplexType Name=\"a\"><Property Name=\"p\" Type=\"Collection(Edm.String\" /></ComplexType>");
    assert_eq!(e.kind, ErrorKind::Syntax);
}

#[test]
fn duplicate_type() {
    let e = error_of("<ComplexType Name=\"a\" />\n<EnumType Name=\"a\" />");
    assert_eq!(e.kind, ErrorKind::DuplicateName);
    assert_eq!(e.location.unwrap().element, "Schema[ns]/EnumType[a]");
}

#[test]
fn duplicate_property_including_inherited() {
    let e = error_of("<ComplexType Name=\"a\"><Property Name=\"p\" Type=\"Edm.String\" /></ComplexType>\n<ComplexType Name=\"b\" BaseType=\"n.a\"><Property Name=\"p\" Type=\"Edm.Int32\" /></ComplexType>");
    assert_eq!(e.kind, ErrorKind::DuplicateName);
    assert_eq!(
        e.location.unwrap().element,
        "Schema[ns]/ComplexType[b]/Property[p]"
    );
}

#[test]
fn base_type_cycles_direct_and_through_aliases() {
    let e = error_of("<ComplexType Name=\"a\" BaseType=\"ns.a\" />");
    assert_eq!(e.kind, ErrorKind::BaseTypeCycle);
    let e = error_of(
        "<ComplexType Name=\"a\" BaseType=\"n.b\" />\n<ComplexType Name=\"b\" BaseType=\"ns.a\" />",
    );
    assert_eq!(e.kind, ErrorKind::BaseTypeCycle);
    assert!(e.message.contains("ns.a -> ns.b -> ns.a"), "{}", e.message);
}

#[test]
fn base_type_cycle_across_namespaces() {
    let d = doc(
        "cross.csdl",
        r#"<Schema Namespace="one" xmlns="http://docs.oasis-open.org/odata/ns/edm"><ComplexType Name="a" BaseType="two.b" /></Schema>
<Schema Namespace="two" xmlns="http://docs.oasis-open.org/odata/ns/edm"><ComplexType Name="b" BaseType="one.a" /></Schema>"#,
    );
    let e = build(&[("global", &d)], "one").unwrap_err();
    assert_eq!(e.kind, ErrorKind::BaseTypeCycle);
}

#[test]
fn entity_deriving_from_complex_is_the_wrong_kind() {
    let e = error_of("<ComplexType Name=\"c\" />\n<EntityType Name=\"e\" BaseType=\"ns.c\" />");
    assert_eq!(e.kind, ErrorKind::WrongBaseKind);
    assert_eq!(e.location.unwrap().element, "Schema[ns]/EntityType[e]");
}

#[test]
fn enum_member_value_must_be_an_integer() {
    let e = error_of("<EnumType Name=\"k\"><Member Name=\"a\" Value=\"one\" /></EnumType>");
    assert_eq!(e.kind, ErrorKind::Syntax);
    assert_eq!(
        e.location.unwrap().element,
        "Schema[ns]/EnumType[k]/Member[a]"
    );
}

#[test]
fn key_property_must_exist() {
    let e = error_of("<EntityType Name=\"e\"><Key><PropertyRef Name=\"id\" /></Key></EntityType>");
    assert_eq!(e.kind, ErrorKind::UnknownType);
    assert_eq!(
        e.location.unwrap().element,
        "Schema[ns]/EntityType[e]/Key/PropertyRef[id]"
    );
}

#[test]
fn bound_action_needs_a_binding_parameter() {
    let e = error_of("<Action Name=\"go\" IsBound=\"true\" />");
    assert_eq!(e.kind, ErrorKind::Syntax);
}

#[test]
fn navigation_to_unknown_type() {
    let e = error_of(
        "<EntityType Name=\"e\"><NavigationProperty Name=\"n\" Type=\"ns.nothing\" /></EntityType>",
    );
    assert_eq!(e.kind, ErrorKind::UnknownType);
}

#[test]
fn alias_colliding_with_a_namespace() {
    let d = doc(
        "alias.csdl",
        r#"<Schema Namespace="one" Alias="two" xmlns="http://docs.oasis-open.org/odata/ns/edm" />
<Schema Namespace="two" xmlns="http://docs.oasis-open.org/odata/ns/edm" />"#,
    );
    let e = build(&[("global", &d)], "one").unwrap_err();
    assert_eq!(e.kind, ErrorKind::DuplicateName);
}

#[test]
fn invalid_names_are_refused() {
    let e = error_of("<ComplexType Name=\"a-b\" />");
    assert_eq!(e.kind, ErrorKind::InvalidName);
}

#[test]
fn enums_get_values_and_flags() {
    let d = doc(
        "enums.csdl",
        r#"<Schema Namespace="ns" xmlns="http://docs.oasis-open.org/odata/ns/edm"><EnumType Name="f" IsFlags="true" UnderlyingType="Edm.Int64"><Member Name="a" Value="1" /><Member Name="b" Value="2" /></EnumType><EnumType Name="plain"><Member Name="x" /><Member Name="y" /></EnumType></Schema>"#,
    );
    let m = build(&[("global", &d)], "ns").unwrap();
    let TypeKind::Enum(f) = &m.types[0].kind else {
        panic!()
    };
    assert!(f.is_flags);
    let TypeKind::Enum(p) = &m.types[1].kind else {
        panic!()
    };
    assert_eq!(
        p.members.iter().map(|m| m.value).collect::<Vec<_>>(),
        [0, 1]
    );
}

/// A file whose size the file system does not know is read up to the limit
/// and no further.
#[cfg(unix)]
#[test]
fn an_endless_file_is_refused_at_the_size_limit() {
    let e = graphgen::csdl::read_file(std::path::Path::new("/dev/zero")).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Limit);
    assert!(e.message.contains("MAX_DOCUMENT_SIZE"), "{}", e.message);
}
