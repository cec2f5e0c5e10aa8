//! What the model decides about operations, so that emitters only write:
//! batch shapes found from the CSDL, the service's documented limits, and
//! unbound operations listed apart from the bound ones.

mod fixture;

use fixture::{build, doc, graph_with, operations_list, rows_of, BASE};
use graphgen::model::{BatchShape, Model, QName};

/// A board's notes pinned in one call, and the ways a call can fail to be a
/// batch: `count` (primitive), `tags` (a collection) and `label` (the item
/// has it) are no error property of `noteOutcome`; `problem` is. `peek` is
/// a function, whose parameters go in its URL.
const NOTES: &str = r#"<ComplexType Name="failure"><Property Name="code" Type="Edm.String" /></ComplexType>
<ComplexType Name="label"><Property Name="text" Type="Edm.String" /></ComplexType>
<EntityType Name="board" BaseType="graph.entity" />
<ComplexType Name="note"><Property Name="text" Type="Edm.String" /><Property Name="label" Type="graph.label" /></ComplexType>
<ComplexType Name="noteOutcome" BaseType="graph.note"><Property Name="count" Type="Edm.Int32" /><Property Name="tags" Type="Collection(graph.label)" /><Property Name="problem" Type="graph.failure" /></ComplexType>
<ComplexType Name="noteEcho" BaseType="graph.note"><Property Name="count" Type="Edm.Int32" /></ComplexType>
<ComplexType Name="noteDouble" BaseType="graph.note"><Property Name="problem" Type="graph.failure" /><Property Name="warning" Type="graph.failure" /></ComplexType>
<ComplexType Name="noteBase" BaseType="graph.note"><Property Name="problem" Type="graph.failure" /></ComplexType>
<ComplexType Name="noteSpecial" BaseType="graph.noteBase" />
<Action Name="pin" IsBound="true"><Parameter Name="board" Type="graph.board" /><Parameter Name="mode" Type="Edm.String" /><Parameter Name="notes" Type="Collection(graph.note)" /><ReturnType Type="Collection(graph.noteOutcome)" /></Action>
<Action Name="echo" IsBound="true"><Parameter Name="board" Type="graph.board" /><Parameter Name="notes" Type="Collection(graph.note)" /><ReturnType Type="Collection(graph.noteEcho)" /></Action>
<Action Name="double" IsBound="true"><Parameter Name="board" Type="graph.board" /><Parameter Name="notes" Type="Collection(graph.note)" /><ReturnType Type="Collection(graph.noteDouble)" /></Action>
<Action Name="unrelated" IsBound="true"><Parameter Name="board" Type="graph.board" /><Parameter Name="notes" Type="Collection(graph.note)" /><ReturnType Type="Collection(graph.failure)" /></Action>
<Action Name="derived" IsBound="true"><Parameter Name="board" Type="graph.board" /><Parameter Name="notes" Type="Collection(graph.note)" /><ReturnType Type="Collection(graph.noteBase)" /></Action>
<Action Name="twoLists" IsBound="true"><Parameter Name="board" Type="graph.board" /><Parameter Name="notes" Type="Collection(graph.note)" /><Parameter Name="more" Type="Collection(graph.note)" /><ReturnType Type="Collection(graph.noteOutcome)" /></Action>
<Action Name="one" IsBound="true"><Parameter Name="board" Type="graph.board" /><Parameter Name="notes" Type="Collection(graph.note)" /><ReturnType Type="graph.noteOutcome" /></Action>
<Function Name="peek" IsBound="true"><Parameter Name="board" Type="graph.board" /><Parameter Name="notes" Type="Collection(graph.note)" /><ReturnType Type="Collection(graph.noteOutcome)" /></Function>
<EntityContainer Name="GraphService"><EntitySet Name="boards" EntityType="graph.board" /></EntityContainer>
"#;

fn id(m: &Model, ns: &str, name: &str) -> graphgen::model::TypeId {
    m.type_id(&QName::new(ns, name)).unwrap()
}

/// The operations of a model that have a batch shape, by simple name.
fn batches(m: &Model) -> Vec<(&str, &BatchShape)> {
    m.operations
        .iter()
        .filter_map(|o| Some((o.name.name.as_str(), o.batch.as_ref()?)))
        .collect()
}

/// Every `.rs` file the emitter writes for a model, concatenated.
fn code(m: &Model) -> String {
    let out = graphgen::emit::emit(m, &graphgen::emit::Options::new("batches")).unwrap();
    out.files
        .iter()
        .filter(|(path, _)| path.ends_with(".rs"))
        .map(|(_, text)| text.as_str())
        .collect()
}

#[test]
fn a_batch_is_found_from_the_csdl_whatever_its_names() {
    let m = graph_with("notes.csdl", NOTES);
    let ns = "microsoft.graph";
    assert_eq!(
        batches(&m),
        [(
            "pin",
            &BatchShape {
                items_parameter: 1,
                item: id(&m, ns, "note"),
                result: id(&m, ns, "noteOutcome"),
                error_property: "problem".into(),
                max_items: None,
            }
        )]
    );
}

#[test]
fn a_collection_in_is_no_batch_unless_each_result_reports_its_item() {
    let m = graph_with("notes.csdl", NOTES);
    for name in [
        "echo",
        "double",
        "unrelated",
        "derived",
        "twoLists",
        "one",
        "peek",
    ] {
        let op = m.operations.iter().find(|o| o.name.name == name).unwrap();
        assert!(op.placement.is_ok(), "{name} is placed");
        assert_eq!(op.batch, None, "{name}");
    }
}

#[test]
fn a_documented_limit_makes_a_batch_operation_and_none_makes_none() {
    // Without a documented limit, `pin` is written as an ordinary operation.
    let m = graph_with("notes.csdl", NOTES);
    assert!(!code(&m).contains("graphgen_runtime::batch!"));
    // The connectors' `addActivities` takes at most 20 items per call.
    let connectors = r#"<Schema Namespace="microsoft.graph.externalConnectors" xmlns="http://docs.oasis-open.org/odata/ns/edm">
<EntityType Name="externalItem" BaseType="graph.entity" />
<EntityType Name="externalActivity" BaseType="graph.entity"><Property Name="type" Type="Edm.String" /></EntityType>
<EntityType Name="externalActivityResult" BaseType="microsoft.graph.externalConnectors.externalActivity"><Property Name="error" Type="graph.publicError" /></EntityType>
<Action Name="addActivities" IsBound="true"><Parameter Name="bindingParameter" Type="microsoft.graph.externalConnectors.externalItem" /><Parameter Name="activities" Type="Collection(microsoft.graph.externalConnectors.externalActivity)" /><ReturnType Type="Collection(microsoft.graph.externalConnectors.externalActivityResult)" /></Action>
<EntityContainer Name="GraphService"><EntitySet Name="items" EntityType="microsoft.graph.externalConnectors.externalItem" /></EntityContainer>
</Schema>"#;
    let d = doc("connectors.csdl", &format!("{BASE}\n{connectors}"));
    let m = build(&[("global", &d)], "microsoft.graph.externalConnectors").unwrap();
    let [(name, shape)] = batches(&m)[..] else {
        panic!("one batch: {:?}", batches(&m));
    };
    assert_eq!(
        (name, shape.error_property.as_str()),
        ("addActivities", "error")
    );
    assert_eq!(shape.max_items, Some(20));
    let code = code(&m);
    assert!(code.contains("graphgen_runtime::batch! {\n    AddActivities: activities {"));
    assert!(code.contains("        max: 20;\n"), "{code}");
}

#[test]
fn unbound_operations_are_listed_apart_with_why() {
    let m = graph_with(
        "unbound.csdl",
        r#"<Action Name="reset"><Parameter Name="force" Type="Edm.Boolean" /></Action>
<Function Name="today"><ReturnType Type="Edm.Date" /></Function>"#,
    );
    assert!(m.operations.is_empty(), "{:?}", m.operations);
    let unbound: Vec<(String, &str)> = m
        .unbound
        .iter()
        .map(|u| (u.name.to_string(), u.not_placed.reason.as_str()))
        .collect();
    let why = "unbound; operation imports are not generated";
    assert_eq!(
        unbound,
        [
            ("microsoft.graph.reset".to_string(), why),
            ("microsoft.graph.today".to_string(), why),
        ]
    );
    let list = operations_list(&m);
    assert_eq!(
        rows_of(&list, "microsoft.graph.reset"),
        [format!("| `microsoft.graph.reset` | (unbound) | {why} |")],
        "{list}"
    );
    assert!(list.contains("## Not generated (2)"), "{list}");
}
