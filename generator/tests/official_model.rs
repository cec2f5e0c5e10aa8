//! The semantic model of the four official Graph documents: each resolves
//! whole, and availability per cloud comes out of them.
//!
//! When `../shared/metadata` is absent, they say they are skipped
//! (`graphgen_testkit::official`); CI makes that a failure.

use graphgen::model::{self, Input, QName, Selection};
use graphgen_testkit::official::{self, CHINA, CLEAN, GLOBAL, USGOV};

#[test]
fn every_official_document_resolves_whole() {
    let Some(dir) = official::dir("every_official_document_resolves_whole") else {
        return;
    };
    for (file, min_types) in [(CLEAN, 3800), (GLOBAL, 3800), (USGOV, 2400), (CHINA, 1650)] {
        let doc = graphgen::csdl::parse_file(&dir.join(file)).unwrap();
        let m = model::build(
            &[Input {
                cloud: "global",
                document: &doc,
            }],
            &Selection::All,
        )
        .unwrap_or_else(|e| panic!("{file}: {e}"));
        assert!(
            m.types.len() >= min_types,
            "{file}: {} types",
            m.types.len()
        );
        assert!(!m.operations.is_empty(), "{file}");
        // An operation not placed says which type of its own no URL reaches.
        for op in &m.operations {
            if let Err(not_placed) = &op.placement {
                let bound = m.ty(op.binding.named().unwrap()).name.to_string();
                assert!(
                    not_placed.reason.contains(&format!("`{bound}`")),
                    "{file}: {}: {}",
                    op.name,
                    not_placed.reason
                );
            }
        }
        // Batch shapes, found from the CSDL alone: only `addActivities`
        // (absent from China's document) answers one result per item.
        let batches: Vec<String> = m
            .operations
            .iter()
            .filter_map(|o| {
                let b = o.batch.as_ref()?;
                Some(format!(
                    "{}({}: {}) -> {}.{} max {:?}",
                    o.name,
                    o.parameters[b.items_parameter].name,
                    m.ty(b.item).name,
                    m.ty(b.result).name,
                    b.error_property,
                    b.max_items
                ))
            })
            .collect();
        let expected: &[&str] = match file {
            "graph-v1.0-china.csdl" => &[],
            _ => &["microsoft.graph.externalConnectors.addActivities(activities: microsoft.graph.externalConnectors.externalActivity) -> microsoft.graph.externalConnectors.externalActivityResult.error max Some(20)"],
        };
        assert_eq!(batches, expected, "{file}");
    }
}

#[test]
fn availability_per_cloud_comes_from_the_three_service_documents() {
    let Some(dir) = official::dir("availability_per_cloud_comes_from_the_three_service_documents")
    else {
        return;
    };
    let parse = |f: &str| graphgen::csdl::parse_file(&dir.join(f)).unwrap();
    let (global, usgov, china) = (parse(GLOBAL), parse(USGOV), parse(CHINA));
    let inputs = [
        Input {
            cloud: "global",
            document: &global,
        },
        Input {
            cloud: "usgov",
            document: &usgov,
        },
        Input {
            cloud: "china",
            document: &china,
        },
    ];
    let m = model::build(
        &inputs,
        &Selection::Namespaces(vec!["microsoft.graph.externalConnectors".into()]),
    )
    .unwrap();
    let add = m
        .operations
        .iter()
        .find(|o| o.name.name == "addActivities")
        .unwrap();
    assert_eq!(add.availability.0, ["global", "usgov"]);
    assert_eq!(
        add.placement.as_ref().unwrap().to_string(),
        "/external/connections/{externalConnection-id}/items/{externalItem-id}/addActivities"
    );
    let ns = "microsoft.graph.externalConnectors";
    let category = m.type_id(&QName::new(ns, "contentCategory")).unwrap();
    assert_eq!(
        m.ty(category).availability.0,
        ["global"],
        "usgov has no contentCategory"
    );
    let entity = m.type_id(&QName::new("microsoft.graph", "entity")).unwrap();
    assert_eq!(m.ty(entity).availability.0, ["global", "usgov", "china"]);
}
