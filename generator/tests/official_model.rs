//! The semantic model of the four official Graph documents: each resolves
//! whole, and availability per cloud comes out of them.
//!
//! When `../shared/metadata` is absent, they say they are skipped
//! (`graphgen_testkit::official`); CI makes that a failure.

use graphgen::model::{self, Input, QName, Selection};
use graphgen_testkit::official::{self, CHINA, CLEAN, GLOBAL, USGOV};

const NS: &str = "microsoft.graph.externalConnectors";

/// The types a document declares, in every schema.
fn declared_types(doc: &graphgen::csdl::ast::Document) -> usize {
    use graphgen::csdl::ast::SchemaItem;
    doc.schemas
        .iter()
        .flat_map(|s| &s.items)
        .filter(|i| {
            matches!(
                i,
                SchemaItem::EnumType(_) | SchemaItem::ComplexType(_) | SchemaItem::EntityType(_)
            )
        })
        .count()
}

#[test]
fn every_official_document_resolves_whole() {
    let Some(dir) = official::dir("every_official_document_resolves_whole") else {
        return;
    };
    for file in [CLEAN, GLOBAL, USGOV, CHINA] {
        let doc = graphgen::csdl::parse_file(&dir.join(file)).unwrap();
        let m = model::build(
            &[Input {
                cloud: "global",
                document: &doc,
            }],
            &Selection::All,
        )
        .unwrap_or_else(|e| panic!("{file}: {e}"));
        // Every namespace selected: every type the document declares.
        assert_eq!(m.types.len(), declared_types(&doc), "{file}");
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
        // Batch shapes, found from the CSDL alone: `addActivities` answers
        // one result per item wherever the document has it (China's has
        // not), with the documented limit.
        let add = QName::new(NS, "addActivities");
        let Some(op) = m.operations.iter().find(|o| o.name == add) else {
            assert_eq!(file, CHINA, "{add} is gone from {file}");
            continue;
        };
        let b = op
            .batch
            .as_ref()
            .unwrap_or_else(|| panic!("{file}: {add} is not a batch"));
        assert_eq!(
            format!(
                "({}: {}) -> {}.{} max {:?}",
                op.parameters[b.items_parameter].name,
                m.ty(b.item).name,
                m.ty(b.result).name,
                b.error_property,
                b.max_items
            ),
            "(activities: microsoft.graph.externalConnectors.externalActivity) -> microsoft.graph.externalConnectors.externalActivityResult.error max Some(20)",
            "{file}"
        );
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
    let m = model::build(&inputs, &Selection::Namespaces(vec![NS.into()])).unwrap();
    // Availability is where the documents declare it, element by element.
    let declares = |doc: &graphgen::csdl::ast::Document, name: &str| {
        use graphgen::csdl::ast::SchemaItem;
        doc.schemas
            .iter()
            .filter(|s| s.namespace == NS)
            .flat_map(|s| &s.items)
            .any(|i| match i {
                SchemaItem::EnumType(e) => e.name == name,
                SchemaItem::Action(o) => o.name == name,
                _ => false,
            })
    };
    let clouds_declaring = |name: &str| -> Vec<&str> {
        inputs
            .iter()
            .filter(|i| declares(i.document, name))
            .map(|i| i.cloud)
            .collect()
    };
    let add = m
        .operations
        .iter()
        .find(|o| o.name.name == "addActivities")
        .expect("addActivities is gone");
    assert_eq!(add.availability.0, clouds_declaring("addActivities"));
    assert_eq!(
        add.placement.as_ref().unwrap().to_string(),
        "/external/connections/{externalConnection-id}/items/{externalItem-id}/addActivities"
    );
    let category = m
        .type_id(&QName::new(NS, "contentCategory"))
        .expect("contentCategory is gone");
    assert_eq!(
        m.ty(category).availability.0,
        clouds_declaring("contentCategory")
    );
    let entity = m.type_id(&QName::new("microsoft.graph", "entity")).unwrap();
    assert_eq!(m.ty(entity).availability.0, ["global", "usgov", "china"]);
}
