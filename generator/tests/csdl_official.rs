//! The CSDL reader, writer and slicer on the official Microsoft Graph v1.0
//! documents (read from `../shared/metadata`, each parsed once per test
//! binary) and on the committed slices in `metadata/`.
//!
//! When `../shared/metadata` is absent, the tests that need it say they are
//! skipped (`graphgen_testkit::official`); CI makes that a failure.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use graphgen_testkit::official::{self, ALL, CHINA, CLEAN, GLOBAL, USGOV};

use graphgen::csdl::ast::*;
use graphgen::csdl::{parse, write};
use graphgen::slice::{borrow_capabilities, render, slice, Source};
use sha2::{Digest, Sha256};

const NAMESPACE: &str = "microsoft.graph.externalConnectors";

/// (committed slice, source document)
const SLICES: [(&str, &str); 3] = [
    ("global.csdl", GLOBAL),
    ("usgov.csdl", USGOV),
    ("china.csdl", CHINA),
];

fn metadata_dir() -> PathBuf {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../metadata")).to_path_buf()
}

struct Official {
    bytes: Vec<u8>,
    doc: Document,
}

/// The official documents, read and parsed once; `None` when `test` is
/// skipped for want of them.
fn official(test: &str) -> Option<&'static BTreeMap<&'static str, Official>> {
    static DOCS: OnceLock<BTreeMap<&'static str, Official>> = OnceLock::new();
    let dir = official::dir(test)?;
    Some(DOCS.get_or_init(|| {
        let mut docs = BTreeMap::new();
        for name in ALL {
            let path = dir.join(name);
            let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let doc = parse(name, &bytes).unwrap_or_else(|e| panic!("{e}"));
            docs.insert(name, Official { bytes, doc });
        }
        docs
    }))
}

// ---------------------------------------------------------------------------
// A walker over every element of a document.

/// Calls `f` with the element name and position of every element, the
/// expression elements without a position (`Collection`, `String`, ...) with `None`.
fn walk(doc: &mut Document, f: &mut dyn FnMut(&'static str, Option<&mut Pos>)) {
    f("Edmx", Some(&mut doc.pos));
    for s in &mut doc.schemas {
        f("Schema", Some(&mut s.pos));
        for item in &mut s.items {
            match item {
                SchemaItem::EnumType(e) => {
                    f("EnumType", Some(&mut e.pos));
                    for m in &mut e.members {
                        f("Member", Some(&mut m.pos));
                        annotations(&mut m.annotations, f);
                    }
                    annotations(&mut e.annotations, f);
                }
                SchemaItem::ComplexType(t) | SchemaItem::EntityType(t) => {
                    let name = match t.kind {
                        StructuredKind::Complex => "ComplexType",
                        StructuredKind::Entity => "EntityType",
                    };
                    f(name, Some(&mut t.pos));
                    for r in t.key.iter_mut().flatten() {
                        f("PropertyRef", Some(&mut r.pos));
                    }
                    for p in &mut t.properties {
                        f("Property", Some(&mut p.pos));
                        annotations(&mut p.annotations, f);
                    }
                    for n in &mut t.navigation_properties {
                        f("NavigationProperty", Some(&mut n.pos));
                        annotations(&mut n.annotations, f);
                    }
                    annotations(&mut t.annotations, f);
                }
                SchemaItem::Action(o) | SchemaItem::Function(o) => {
                    let name = match o.kind {
                        OperationKind::Action => "Action",
                        OperationKind::Function => "Function",
                    };
                    f(name, Some(&mut o.pos));
                    for p in &mut o.parameters {
                        f("Parameter", Some(&mut p.pos));
                        annotations(&mut p.annotations, f);
                    }
                    if let Some(r) = &mut o.return_type {
                        f("ReturnType", Some(&mut r.pos));
                        annotations(&mut r.annotations, f);
                    }
                    annotations(&mut o.annotations, f);
                }
                SchemaItem::Term(t) => {
                    f("Term", Some(&mut t.pos));
                    annotations(&mut t.annotations, f);
                }
                SchemaItem::EntityContainer(c) => {
                    f("EntityContainer", Some(&mut c.pos));
                    for s in &mut c.entity_sets {
                        f("EntitySet", Some(&mut s.pos));
                        for b in &mut s.bindings {
                            f("NavigationPropertyBinding", Some(&mut b.pos));
                        }
                        annotations(&mut s.annotations, f);
                    }
                    for s in &mut c.singletons {
                        f("Singleton", Some(&mut s.pos));
                        for b in &mut s.bindings {
                            f("NavigationPropertyBinding", Some(&mut b.pos));
                        }
                        annotations(&mut s.annotations, f);
                    }
                    annotations(&mut c.annotations, f);
                }
                SchemaItem::Annotations(a) => {
                    f("Annotations", Some(&mut a.pos));
                    annotations(&mut a.annotations, f);
                }
            }
        }
    }
}

fn annotations(list: &mut [Annotation], f: &mut dyn FnMut(&'static str, Option<&mut Pos>)) {
    for a in list {
        f("Annotation", Some(&mut a.pos));
        if let Some(v) = &mut a.value {
            expr(v, f);
        }
        annotations(&mut a.annotations, f);
    }
}

fn expr(e: &mut Expr, f: &mut dyn FnMut(&'static str, Option<&mut Pos>)) {
    match e {
        Expr::Collection(items) => {
            f("Collection", None);
            for item in items {
                expr(item, f);
            }
        }
        Expr::Record(r) => {
            f("Record", Some(&mut r.pos));
            for pv in &mut r.property_values {
                f("PropertyValue", Some(&mut pv.pos));
                if let Some(v) = &mut pv.value {
                    expr(v, f);
                }
                annotations(&mut pv.annotations, f);
            }
            annotations(&mut r.annotations, f);
        }
        _ => {}
    }
}

/// The document with every position zeroed and the source name cleared.
fn without_positions(doc: &Document) -> Document {
    let mut doc = doc.clone();
    doc.source.clear();
    walk(&mut doc, &mut |_, pos| {
        if let Some(pos) = pos {
            *pos = Pos::default();
        }
    });
    doc
}

fn counts(doc: &Document) -> BTreeMap<&'static str, usize> {
    let mut doc = doc.clone();
    let mut counts = BTreeMap::new();
    walk(&mut doc, &mut |name, _| {
        *counts.entry(name).or_insert(0) += 1
    });
    counts
}

// ---------------------------------------------------------------------------
// Parsing

#[test]
fn official_documents_have_the_expected_element_counts() {
    let Some(docs) = official("official_documents_have_the_expected_element_counts") else {
        return;
    };
    // Counted independently (an XML library walking each document); the clean
    // document's figures are those of ../shared/metadata/README.md.
    #[rustfmt::skip]
    let expected: [(&str, &[(&str, usize)]); 4] = [
        (CLEAN, &[("Action", 857), ("Annotation", 6147), ("Annotations", 4918), ("Collection", 277),
            ("ComplexType", 1780), ("Edmx", 1), ("EntityContainer", 1), ("EntitySet", 40), ("EntityType", 1182),
            ("EnumType", 861), ("Function", 324), ("Member", 6347), ("NavigationProperty", 1432),
            ("NavigationPropertyBinding", 101), ("Parameter", 3023), ("Property", 10528), ("PropertyRef", 12),
            ("PropertyValue", 1758), ("Record", 1158), ("ReturnType", 887), ("Schema", 11), ("Singleton", 30),
            ("Term", 11)]),
        (GLOBAL, &[("Action", 857), ("Annotation", 5922), ("Annotations", 4878), ("Collection", 111),
            ("ComplexType", 1779), ("Edmx", 1), ("EntityContainer", 1), ("EntitySet", 41), ("EntityType", 1182),
            ("EnumType", 861), ("Function", 326), ("Member", 6347), ("NavigationProperty", 1432),
            ("NavigationPropertyBinding", 101), ("Parameter", 3032), ("Property", 10525), ("PropertyRef", 12),
            ("PropertyValue", 1135), ("Record", 838), ("ReturnType", 889), ("Schema", 11), ("Singleton", 31),
            ("Term", 11)]),
        (USGOV, &[("Action", 751), ("Annotation", 4849), ("Annotations", 4029), ("Collection", 79),
            ("ComplexType", 1032), ("Edmx", 1), ("EntityContainer", 1), ("EntitySet", 39), ("EntityType", 832),
            ("EnumType", 628), ("Function", 195), ("Member", 4471), ("NavigationProperty", 1019),
            ("NavigationPropertyBinding", 56), ("Parameter", 2538), ("Property", 8038), ("PropertyRef", 10),
            ("PropertyValue", 812), ("Record", 598), ("ReturnType", 698), ("Schema", 6), ("Singleton", 27),
            ("Term", 8)]),
        (CHINA, &[("Action", 251), ("Annotation", 4612), ("Annotations", 3897), ("Collection", 44),
            ("ComplexType", 709), ("Edmx", 1), ("EntityContainer", 1), ("EntitySet", 37), ("EntityType", 582),
            ("EnumType", 412), ("Function", 109), ("Member", 2248), ("NavigationProperty", 735),
            ("NavigationPropertyBinding", 53), ("Parameter", 874), ("Property", 5732), ("PropertyRef", 7),
            ("PropertyValue", 553), ("Record", 479), ("ReturnType", 208), ("Schema", 4), ("Singleton", 18),
            ("Term", 8)]),
    ];
    for (name, expected) in expected {
        let actual = counts(&docs[name].doc);
        let expected: BTreeMap<&str, usize> = expected.iter().copied().collect();
        assert_eq!(actual, expected, "element counts of {name}");
    }
    let namespaces: Vec<&str> = docs[CLEAN]
        .doc
        .schemas
        .iter()
        .map(|s| s.namespace.as_str())
        .collect();
    assert_eq!(namespaces.len(), 11);
    assert!(namespaces.contains(&NAMESPACE));
    assert!(!docs[CHINA]
        .doc
        .schemas
        .iter()
        .any(|s| s.namespace == NAMESPACE));
}

#[test]
fn every_position_points_at_the_start_tag_of_its_element() {
    let Some(docs) = official("every_position_points_at_the_start_tag_of_its_element") else {
        return;
    };
    for name in ALL {
        let bytes = &docs[name].bytes;
        // Positions do not count the byte-order mark of the clean document.
        let text = std::str::from_utf8(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes))
            .expect("the documents are UTF-8");
        let line_starts: Vec<usize> = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        let mut doc = docs[name].doc.clone();
        let mut checked = 0;
        walk(&mut doc, &mut |element, pos| {
            let Some(pos) = pos else { return };
            let line = &text[line_starts[pos.line as usize - 1]..];
            let at: String = line.chars().skip(pos.col as usize - 1).take(60).collect();
            let tag = if matches!(element, "Edmx") {
                "<edmx:Edmx".to_string()
            } else {
                format!("<{element}")
            };
            assert!(
                at.starts_with(&tag) && !at[tag.len()..].starts_with(|c: char| c.is_alphanumeric()),
                "{name}:{}:{}: expected {tag}, found {at:?}",
                pos.line,
                pos.col
            );
            checked += 1;
        });
        assert!(checked > 10_000, "{name}: only {checked} elements checked");
    }
}

#[test]
fn the_clean_and_global_documents_differ_where_the_readme_says() {
    let Some(docs) = official("the_clean_and_global_documents_differ_where_the_readme_says") else {
        return;
    };
    let layout = |doc: &Document| -> String {
        doc.schemas
            .iter()
            .filter(|s| s.namespace == NAMESPACE)
            .flat_map(|s| &s.items)
            .find_map(|item| match item {
                SchemaItem::ComplexType(t) if t.name == "displayTemplate" => t
                    .properties
                    .iter()
                    .find(|p| p.name == "layout")
                    .map(|p| p.r#type.clone()),
                _ => None,
            })
            .expect("displayTemplate.layout")
    };
    assert_eq!(layout(&docs[GLOBAL].doc), "graph.Json");
    assert_eq!(layout(&docs[CLEAN].doc), "Edm.Untyped");
    // Two enum types without members.
    let empty_enums: Vec<&str> = docs[CLEAN]
        .doc
        .schemas
        .iter()
        .flat_map(|s| &s.items)
        .filter_map(|item| match item {
            SchemaItem::EnumType(e) if e.members.is_empty() => Some(e.name.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(empty_enums, ["auditLogRecordType", "auditLogUserType"]);
}

// ---------------------------------------------------------------------------
// Writing

#[test]
fn writing_and_parsing_again_gives_the_same_tree() {
    let Some(docs) = official("writing_and_parsing_again_gives_the_same_tree") else {
        return;
    };
    for name in ALL {
        let doc = &docs[name].doc;
        let text = write(doc);
        let again = parse("written", text.as_bytes()).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(
            without_positions(&again) == without_positions(doc),
            "{name}: parse(write(parse(x))) differs from parse(x)"
        );
        assert_eq!(write(&again), text, "{name}: writing is not stable");
    }
}

#[test]
fn writing_reproduces_the_service_documents_byte_for_byte() {
    let Some(docs) = official("writing_reproduces_the_service_documents_byte_for_byte") else {
        return;
    };
    // The clean document is written by another tool (attribute order, an
    // `xmlns:edm` on some annotations, no XML declaration), so only the three
    // `$metadata` documents are expected to come back unchanged.
    for name in [GLOBAL, USGOV, CHINA] {
        let official = std::str::from_utf8(&docs[name].bytes).unwrap();
        let written = write(&docs[name].doc);
        if written != official {
            let line = written
                .lines()
                .zip(official.lines())
                .position(|(a, b)| a != b)
                .map_or(0, |i| i + 1);
            panic!("{name}: the written document differs from the original at line {line}");
        }
    }
}

// ---------------------------------------------------------------------------
// Slicing

/// Qualified names of the items of a slice, by kind, e.g. `EntityType microsoft.graph.entity`.
fn items_of(doc: &Document) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for s in &doc.schemas {
        for item in &s.items {
            let (kind, name) = match item {
                SchemaItem::EnumType(e) => ("EnumType", &e.name),
                SchemaItem::ComplexType(t) => ("ComplexType", &t.name),
                SchemaItem::EntityType(t) => ("EntityType", &t.name),
                SchemaItem::Action(o) => ("Action", &o.name),
                SchemaItem::Function(o) => ("Function", &o.name),
                SchemaItem::Term(t) => ("Term", &t.name),
                SchemaItem::EntityContainer(c) => ("EntityContainer", &c.name),
                SchemaItem::Annotations(a) => ("Annotations", &a.target),
            };
            let qualified = if kind == "Annotations" {
                name.clone()
            } else {
                format!("{}.{name}", s.namespace)
            };
            out.insert(format!("{kind} {qualified}"));
        }
    }
    out
}

fn kinds_in(doc: &Document, namespace: &str) -> BTreeMap<&'static str, usize> {
    let mut out = BTreeMap::new();
    for s in doc.schemas.iter().filter(|s| s.namespace == namespace) {
        for item in &s.items {
            let kind = match item {
                SchemaItem::EnumType(_) => "EnumType",
                SchemaItem::ComplexType(_) => "ComplexType",
                SchemaItem::EntityType(_) => "EntityType",
                SchemaItem::Action(_) => "Action",
                SchemaItem::Function(_) => "Function",
                SchemaItem::Term(_) => "Term",
                SchemaItem::EntityContainer(_) => "EntityContainer",
                SchemaItem::Annotations(_) => "Annotations",
            };
            *out.entry(kind).or_insert(0) += 1;
        }
    }
    out
}

fn foreign_items(doc: &Document) -> BTreeSet<String> {
    items_of(doc)
        .into_iter()
        .filter(|i| !i.contains(NAMESPACE))
        .collect()
}

#[test]
fn the_global_slice_is_the_namespace_and_its_closure() {
    let Some(docs) = official("the_global_slice_is_the_namespace_and_its_closure") else {
        return;
    };
    let s = slice(&docs[GLOBAL].doc, NAMESPACE).unwrap();
    let own: BTreeMap<&str, usize> = [
        ("Action", 1),
        ("ComplexType", 14),
        ("EntityType", 9),
        ("EnumType", 11),
    ]
    .into_iter()
    .collect();
    assert_eq!(kinds_in(&s, NAMESPACE), own);
    let expected: BTreeSet<String> = [
        "ComplexType microsoft.graph.Json",
        "ComplexType microsoft.graph.publicError",
        "ComplexType microsoft.graph.publicErrorDetail",
        "ComplexType microsoft.graph.publicInnerError",
        "EntityType microsoft.graph.entity",
        "EnumType microsoft.graph.binaryOperator",
        "EntityContainer microsoft.graph.GraphService",
    ]
    .into_iter()
    .map(String::from)
    .collect();
    assert_eq!(foreign_items(&s), expected);
    // Schemas keep their namespace and alias, in document order; the one
    // out-of-line annotation of the namespace lives in identityGovernance.
    let schemas: Vec<(&str, Option<&str>)> = s
        .schemas
        .iter()
        .map(|s| (s.namespace.as_str(), s.alias.as_deref()))
        .collect();
    assert_eq!(
        schemas,
        [
            ("microsoft.graph", Some("graph")),
            (NAMESPACE, None),
            ("microsoft.graph.identityGovernance", None),
        ]
    );
    let annotations: Vec<&Annotations> = s
        .schemas
        .iter()
        .flat_map(|s| &s.items)
        .filter_map(|i| match i {
            SchemaItem::Annotations(a) => Some(&**a),
            _ => None,
        })
        .collect();
    assert_eq!(annotations.len(), 1);
    assert_eq!(
        annotations[0].target,
        "microsoft.graph.externalConnectors.externalConnection/state"
    );
    assert_eq!(
        annotations[0].annotations[0].term,
        "Org.OData.Core.V1.Computed"
    );
    // The container keeps `connections` and `external`, nothing else.
    let container = s
        .schemas
        .iter()
        .flat_map(|s| &s.items)
        .find_map(|i| match i {
            SchemaItem::EntityContainer(c) => Some(c),
            _ => None,
        })
        .unwrap();
    let sets: Vec<&str> = container
        .entity_sets
        .iter()
        .map(|e| e.name.as_str())
        .collect();
    let singletons: Vec<&str> = container
        .singletons
        .iter()
        .map(|e| e.name.as_str())
        .collect();
    assert_eq!(sets, ["connections"]);
    assert_eq!(singletons, ["external"]);
    // No description text is left (the original has 4,474 of them), and no terms are kept.
    let text = write(&s);
    assert!(!text.contains("Org.OData.Core.V1.Description"));
    assert!(!text.contains("Org.OData.Core.V1.LongDescription"));
    assert!(!items_of(&s).iter().any(|i| i.starts_with("Term ")));
    // The bound action is there with its signature.
    assert!(items_of(&s).contains(&format!("Action {NAMESPACE}.addActivities")));
}

#[test]
fn the_usgov_slice_is_smaller_and_the_china_slice_is_empty() {
    let Some(docs) = official("the_usgov_slice_is_smaller_and_the_china_slice_is_empty") else {
        return;
    };
    let usgov = slice(&docs[USGOV].doc, NAMESPACE).unwrap();
    let own: BTreeMap<&str, usize> = [
        ("Action", 1),
        ("ComplexType", 12),
        ("EntityType", 9),
        ("EnumType", 10),
    ]
    .into_iter()
    .collect();
    assert_eq!(kinds_in(&usgov, NAMESPACE), own);
    assert!(!items_of(&usgov).contains(&format!("EnumType {NAMESPACE}.contentCategory")));

    let china = slice(&docs[CHINA].doc, NAMESPACE).unwrap();
    assert!(china.schemas.is_empty());
    assert_eq!(china.version, "4.0");
    let text = write(&china);
    assert!(parse("china", text.as_bytes()).unwrap().schemas.is_empty());

    // The clean document types `layout` as Edm.Untyped, so graph.Json is not needed.
    let clean = slice(&docs[CLEAN].doc, NAMESPACE).unwrap();
    assert!(!items_of(&clean).contains("ComplexType microsoft.graph.Json"));
    assert!(items_of(&clean).contains("EntityType microsoft.graph.entity"));
}

#[test]
fn slicing_is_deterministic() {
    let Some(docs) = official("slicing_is_deterministic") else {
        return;
    };
    for name in ALL {
        let a = slice(&docs[name].doc, NAMESPACE).unwrap();
        let b = slice(&docs[name].doc, NAMESPACE).unwrap();
        assert_eq!(a, b, "{name}");
        assert_eq!(write(&a), write(&b), "{name}");
        // Slicing a slice changes nothing.
        let again = slice(&parse("slice", write(&a).as_bytes()).unwrap(), NAMESPACE).unwrap();
        assert!(
            without_positions(&again) == without_positions(&a),
            "{name}: slicing a slice changed it"
        );
    }
}

fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[test]
fn the_committed_slices_are_up_to_date() {
    let Some(docs) = official("the_committed_slices_are_up_to_date") else {
        return;
    };
    let clean_sha = sha256(&docs[CLEAN].bytes);
    for (file, source) in SLICES {
        let official = &docs[source];
        let sha = sha256(&official.bytes);
        let mut s = slice(&official.doc, NAMESPACE).unwrap();
        let borrowed = borrow_capabilities(&mut s, &docs[CLEAN].doc, NAMESPACE);
        let expected = render(
            &s,
            NAMESPACE,
            Source {
                name: source,
                sha256: &sha,
            },
            borrowed.map(|b| {
                (
                    b,
                    Source {
                        name: CLEAN,
                        sha256: &clean_sha,
                    },
                )
            }),
        );
        let path = metadata_dir().join(file);
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == expected,
            "metadata/{file} is stale or missing: run `cargo xtask metadata slice`"
        );
    }
}

/// The Capabilities annotations the clean document adds to the connectors'
/// slices: exactly the two the cloud documents lack, on the two targets.
#[test]
fn the_slices_borrow_the_clean_documents_capabilities() {
    let Some(docs) = official("the_slices_borrow_the_clean_documents_capabilities") else {
        return;
    };
    for source in [GLOBAL, USGOV] {
        let mut s = slice(&docs[source].doc, NAMESPACE).unwrap();
        let before = s.clone();
        let b = borrow_capabilities(&mut s, &docs[CLEAN].doc, NAMESPACE).expect(source);
        assert_eq!((b.blocks, b.annotations), (2, 2), "{source}");
        assert_eq!(s.schemas[b.schema].namespace, NAMESPACE);
        let added: Vec<(&str, &str)> = s.schemas[b.schema].items[b.first..]
            .iter()
            .map(|i| match i {
                SchemaItem::Annotations(a) => (a.target.as_str(), a.annotations[0].term.as_str()),
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(
            added,
            [
                (
                    "microsoft.graph.externalConnectors.externalConnection/items",
                    "Org.OData.Capabilities.V1.UpdateRestrictions"
                ),
                (
                    "microsoft.graph.externalConnectors.externalConnection/schema",
                    "Org.OData.Capabilities.V1.DeleteRestrictions"
                ),
            ],
            "{source}"
        );
        // Nothing else changed, and borrowing again adds nothing: the
        // slice now has those terms on those targets.
        s.schemas[b.schema].items.truncate(b.first);
        assert!(s == before, "{source}");
        let mut again = slice(&docs[source].doc, NAMESPACE).unwrap();
        borrow_capabilities(&mut again, &docs[CLEAN].doc, NAMESPACE);
        assert_eq!(
            borrow_capabilities(&mut again, &docs[CLEAN].doc, NAMESPACE),
            None
        );
    }
    let mut china = slice(&docs[CHINA].doc, NAMESPACE).unwrap();
    assert_eq!(
        borrow_capabilities(&mut china, &docs[CLEAN].doc, NAMESPACE),
        None
    );
}

// ---------------------------------------------------------------------------
// The committed slices on their own (no ../shared needed).

#[test]
fn the_committed_slices_parse_and_are_their_own_slice() {
    for (file, _) in SLICES {
        let path = metadata_dir().join(file);
        let bytes = std::fs::read(&path).unwrap_or_else(|e| {
            panic!("{}: {e}: run `cargo xtask metadata slice`", path.display())
        });
        let doc = parse(file, &bytes).unwrap_or_else(|e| panic!("{e}"));
        let again = slice(&doc, NAMESPACE).unwrap();
        assert!(
            without_positions(&again) == without_positions(&doc),
            "{file}: slicing the committed slice changes it"
        );
    }
    let global = parse(
        "global.csdl",
        &std::fs::read(metadata_dir().join("global.csdl")).unwrap(),
    )
    .unwrap();
    // 35 items of the namespace, and two blocks of Capabilities annotations
    // from the clean document.
    let kinds = kinds_in(&global, NAMESPACE);
    assert_eq!(kinds.values().sum::<usize>(), 37);
    assert_eq!(kinds.get("Annotations"), Some(&2));
    let china = parse(
        "china.csdl",
        &std::fs::read(metadata_dir().join("china.csdl")).unwrap(),
    )
    .unwrap();
    assert!(china.schemas.is_empty());
}

/// Reading speed, for maintainers: `cargo test --release -p graphgen --test
/// csdl_official -- --ignored --nocapture parse_speed`. Prints the best and
/// the median of 30 parses of each official document; asserts nothing,
/// because shared machines make timings unreliable.
#[test]
#[ignore = "a measurement for maintainers, not a check"]
fn parse_speed() {
    let Some(dir) = official::dir("parse_speed") else {
        return;
    };
    for name in ALL {
        let bytes = std::fs::read(dir.join(name)).unwrap();
        let mut times: Vec<f64> = (0..30)
            .map(|_| {
                let start = std::time::Instant::now();
                let doc = parse(name, &bytes).unwrap();
                let t = start.elapsed().as_secs_f64();
                drop(doc);
                t
            })
            .collect();
        times.sort_by(f64::total_cmp);
        let mb = bytes.len() as f64 / 1e6;
        eprintln!(
            "{name}: {mb:.1} MB, best {:.1} ms ({:.0} MB/s), median {:.1} ms ({:.0} MB/s)",
            times[0] * 1e3,
            mb / times[0],
            times[15] * 1e3,
            mb / times[15]
        );
    }
}
