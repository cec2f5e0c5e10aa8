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
        // Every bound operation is placed on a URL or reported with a reason.
        for op in &m.operations {
            assert!(
                op.path.is_some()
                    || m.unplaced.iter().any(|u| u.operation == op.name
                        && Some(u.binding.as_str())
                            == op.binding.as_ref().map(|b| csdl_type(&m, b)).as_deref()),
                "{file}: {} neither placed nor reported",
                op.name
            );
        }
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
        add.path.as_ref().unwrap().to_string(),
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

/// A type as CSDL writes it, with its namespace (how `Unplaced::binding` names it).
fn csdl_type(m: &graphgen::model::Model, ty: &graphgen::model::TypeRef) -> String {
    use graphgen::model::TypeRef;
    match ty {
        TypeRef::Primitive(p) => format!("Edm.{p:?}"),
        TypeRef::Named(id) => m.ty(*id).name.to_string(),
        TypeRef::Collection(inner) => format!("Collection({})", csdl_type(m, inner)),
    }
}
