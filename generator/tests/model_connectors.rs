//! The model of the committed connectors slices (`metadata/*.csdl`): the
//! resources the API lists.

use std::path::Path;

use graphgen::model::{self, Input, Model, QName, Selection, Verb, Via};

const NS: &str = "microsoft.graph.externalConnectors";

/// The model the generated crate is made from: the three committed slices.
fn committed() -> Model {
    let read = |file: &str| {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../metadata")
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
    let m = committed();
    let c = "/external/connections/{externalConnection-id}";
    let clouds = "global usgov";
    let expected = [
        format!("/external | GET, PATCH | {clouds}"),
        format!("/external/connections | list, POST | {clouds}"),
        format!("{c} | GET, PATCH, DELETE | {clouds}"),
        format!("{c}/groups | list, POST | {clouds}"),
        format!("{c}/groups/{{externalGroup-id}} | GET, PATCH, DELETE | {clouds}"),
        format!("{c}/items | list, POST | {clouds}"),
        format!(
            "{c}/items/{{externalItem-id}} | GET, PUT (UpdateRestrictions/UpdateMethod on {NS}.externalConnection/items), DELETE | {clouds}"
        ),
        format!("{c}/operations | list, POST | {clouds}"),
        format!("{c}/operations/{{connectionOperation-id}} | GET, PATCH, DELETE | {clouds}"),
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
