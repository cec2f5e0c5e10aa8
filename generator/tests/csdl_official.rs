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

/// Every element the walker sees, counted straight from the XML by
/// quick-xml (a reader that builds no tree and knows nothing of CSDL):
/// elements with a local name the syntax tree keeps, `edmx:Edmx` as
/// `Edmx`, at any depth.
fn xml_counts(bytes: &[u8], names: &BTreeSet<&'static str>) -> BTreeMap<&'static str, usize> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_reader(bytes);
    let mut counts = BTreeMap::new();
    let mut buf = Vec::new();
    loop {
        match reader
            .read_event_into(&mut buf)
            .expect("the document is XML")
        {
            Event::Start(e) | Event::Empty(e) => {
                let local = e.local_name();
                let local = std::str::from_utf8(local.as_ref()).unwrap();
                if let Some(name) = names.get(local) {
                    *counts.entry(*name).or_insert(0) += 1;
                }
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    counts
}

/// The figures `README.md` beside the documents gives for the clean one
/// ("The clean document holds 861 EnumType, ..."), if it gives them and
/// lists the clean document's sha256 (a README left beside other
/// documents speaks of those).
fn readme_figures(dir: &Path, clean_sha: &str) -> BTreeMap<String, usize> {
    let Ok(readme) = std::fs::read_to_string(dir.join("README.md")) else {
        return BTreeMap::new();
    };
    if !readme.contains(clean_sha) {
        return BTreeMap::new();
    }
    let Some(at) = readme.find("The clean document holds") else {
        return BTreeMap::new();
    };
    let text = &readme[at..];
    let text = &text[..text.find("\n- ").unwrap_or(text.len())];
    let words: Vec<&str> = text.split_whitespace().collect();
    words
        .windows(2)
        .filter_map(|w| {
            let n = w[0].trim_start_matches('(').replace(',', "").parse().ok()?;
            let name = w[1].trim_end_matches([',', ')', '.']);
            Some((name.to_string(), n))
        })
        .collect()
}

#[test]
fn element_counts_agree_with_a_plain_xml_count() {
    let Some(docs) = official("element_counts_agree_with_a_plain_xml_count") else {
        return;
    };
    for name in ALL {
        let walked = counts(&docs[name].doc);
        let names: BTreeSet<&'static str> = walked.keys().copied().collect();
        assert!(names.len() > 15, "{name}: only {names:?}");
        let expected = xml_counts(&docs[name].bytes, &names);
        assert_eq!(walked, expected, "element counts of {name}");
    }
    // Where the README beside the documents states the clean document's
    // figures, they are these documents' (and not another day's).
    let dir = official::dir("element_counts_agree_with_a_plain_xml_count").unwrap();
    let clean = counts(&docs[CLEAN].doc);
    let figures = readme_figures(&dir, &sha256(&docs[CLEAN].bytes));
    for (element, n) in figures {
        if let Some(&counted) = clean.get(element.as_str()) {
            assert_eq!(counted, n, "{CLEAN}: {element}, README.md says {n}");
        }
    }
    assert!(docs[CLEAN]
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

/// The items of a document in `namespace`, without `Annotations` blocks
/// (a slice drops those that only describe).
fn own_items(doc: &Document, namespace: &str) -> BTreeSet<String> {
    items_of(doc)
        .into_iter()
        .filter(|i| !i.starts_with("Annotations ") && i.contains(&format!(" {namespace}.")))
        .collect()
}

/// The types of the model of `doc` for the namespace, as `items_of` names them.
fn closure(doc: &Document) -> BTreeSet<String> {
    let m = graphgen::model::build(
        &[graphgen::model::Input {
            cloud: "global",
            document: doc,
        }],
        &graphgen::model::Selection::Namespaces(vec![NAMESPACE.into()]),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    m.types
        .iter()
        .map(|t| format!("{} {}", t.kind.csdl_name(), t.name))
        .collect()
}

/// The entity sets and singletons of a document whose type is in the namespace.
fn roots_in_namespace(doc: &Document) -> BTreeSet<String> {
    let aliases: BTreeMap<&str, &str> = doc
        .schemas
        .iter()
        .filter_map(|s| Some((s.alias.as_deref()?, s.namespace.as_str())))
        .collect();
    let in_namespace = |ty: &str| {
        let (ns, _) = ty.rsplit_once('.').unwrap_or(("", ty));
        aliases.get(ns).copied().unwrap_or(ns) == NAMESPACE
    };
    let mut out = BTreeSet::new();
    for s in &doc.schemas {
        for item in &s.items {
            if let SchemaItem::EntityContainer(c) = item {
                out.extend(
                    c.entity_sets
                        .iter()
                        .filter(|e| in_namespace(&e.entity_type))
                        .map(|e| format!("set {}", e.name)),
                );
                out.extend(
                    c.singletons
                        .iter()
                        .filter(|e| in_namespace(&e.r#type))
                        .map(|e| format!("singleton {}", e.name)),
                );
            }
        }
    }
    out
}

/// What the slice must keep whatever the day's documents hold: the whole
/// namespace, exactly the closure the model computes (another
/// implementation than the slicer's), the roots of the namespace, no
/// description or term; and the items the crate is built around, named so
/// that a failure says which one the documents lost.
#[test]
fn the_global_slice_is_the_namespace_and_its_closure() {
    let Some(docs) = official("the_global_slice_is_the_namespace_and_its_closure") else {
        return;
    };
    let doc = &docs[GLOBAL].doc;
    let s = slice(doc, NAMESPACE).unwrap();
    assert_eq!(own_items(&s, NAMESPACE), own_items(doc, NAMESPACE));
    let kept_types: BTreeSet<String> = items_of(&s)
        .into_iter()
        .filter(|i| i.starts_with("EnumType ") || i.contains("Type "))
        .filter(|i| !i.starts_with("Annotations "))
        .collect();
    assert_eq!(
        kept_types,
        closure(doc),
        "the slice's types are the model's closure"
    );
    for named in [
        "ComplexType microsoft.graph.publicError",
        "EntityType microsoft.graph.entity",
        "EntityType microsoft.graph.externalConnectors.externalItem",
        "Action microsoft.graph.externalConnectors.addActivities",
    ] {
        assert!(
            items_of(&s).contains(named),
            "{named} is gone from {GLOBAL}"
        );
    }
    // Schemas keep their namespace and alias, in document order.
    let order: Vec<&str> = doc.schemas.iter().map(|s| s.namespace.as_str()).collect();
    let kept: Vec<usize> = s
        .schemas
        .iter()
        .map(|k| {
            let i = order.iter().position(|n| *n == k.namespace).unwrap();
            assert_eq!(k.alias, doc.schemas[i].alias, "{}", k.namespace);
            i
        })
        .collect();
    assert!(kept.windows(2).all(|w| w[0] < w[1]), "{kept:?}");
    // The computed state of a connection is kept, wherever it is annotated.
    let text = write(&s);
    assert!(text.contains(
        "<Annotations Target=\"microsoft.graph.externalConnectors.externalConnection/state\">"
    ));
    // The container keeps the roots of the namespace, nothing else.
    let roots = roots_in_namespace(&s);
    assert_eq!(roots, roots_in_namespace(doc));
    assert!(roots.contains("singleton external"), "{roots:?}");
    let container_items: usize = s
        .schemas
        .iter()
        .flat_map(|s| &s.items)
        .map(|i| match i {
            SchemaItem::EntityContainer(c) => c.entity_sets.len() + c.singletons.len(),
            _ => 0,
        })
        .sum();
    assert_eq!(container_items, roots.len());
    // No description text, no terms.
    assert!(!text.contains("Org.OData.Core.V1.Description"));
    assert!(!text.contains("Org.OData.Core.V1.LongDescription"));
    assert!(!items_of(&s).iter().any(|i| i.starts_with("Term ")));
}

/// Each cloud's slice has the namespace its document has (US Gov's lags
/// behind the global one), and is empty where the document lacks it
/// (China's).
#[test]
fn each_clouds_slice_has_what_its_document_has() {
    let Some(docs) = official("each_clouds_slice_has_what_its_document_has") else {
        return;
    };
    for name in [USGOV, CHINA, CLEAN] {
        let doc = &docs[name].doc;
        let s = slice(doc, NAMESPACE).unwrap();
        assert_eq!(
            own_items(&s, NAMESPACE),
            own_items(doc, NAMESPACE),
            "{name}"
        );
        let has = doc.schemas.iter().any(|s| s.namespace == NAMESPACE);
        assert_eq!(!s.schemas.is_empty(), has, "{name}");
        if !has {
            assert_eq!(s.version, "4.0");
            let text = write(&s);
            assert!(parse(name, text.as_bytes()).unwrap().schemas.is_empty());
        }
    }
    // The clean document types `layout` as Edm.Untyped where the global one
    // has graph.Json: a type is kept only if something kept names it.
    for name in [GLOBAL, CLEAN] {
        let doc = &docs[name].doc;
        let s = slice(doc, NAMESPACE).unwrap();
        let json = "ComplexType microsoft.graph.Json".to_string();
        assert_eq!(
            items_of(&s).contains(&json),
            closure(doc).contains(&json),
            "{name}"
        );
    }
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

/// The sha256 of the source document a committed slice records in its
/// first comment.
fn recorded_source(slice_text: &str) -> Option<&str> {
    let at = slice_text.find("(sha256 ")? + "(sha256 ".len();
    slice_text.get(at..at + 64)
}

/// The committed slices are what the slicer makes of the documents they
/// were cut from. When the official folder holds other documents (the
/// slices were cut `--from` elsewhere), they cannot be checked here: that
/// is said, as for a missing folder, and fails under
/// `GRAPHGEN_REQUIRE_OFFICIAL=1`.
#[test]
fn the_committed_slices_are_up_to_date() {
    let test = "the_committed_slices_are_up_to_date";
    let Some(docs) = official(test) else {
        return;
    };
    let clean_sha = sha256(&docs[CLEAN].bytes);
    for (file, source) in SLICES {
        let official = &docs[source];
        let sha = sha256(&official.bytes);
        let path = metadata_dir().join(file);
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        if let Some(recorded) = recorded_source(&committed).filter(|r| *r != sha) {
            let message = format!(
                "{test}: metadata/{file} was cut from a {source} with sha256 {recorded}, the official folder has one with sha256 {sha}: set {} to the folder the slices come from (see metadata/PROVENANCE.md) to check them",
                official::DIR_VAR
            );
            assert!(
                !matches!(std::env::var_os(official::REQUIRE_VAR), Some(v) if v == "1"),
                "{message}"
            );
            eprintln!("SKIPPED: {message}");
            return;
        }
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
        assert!(
            committed == expected,
            "metadata/{file} is stale or missing: run `cargo xtask metadata slice`"
        );
    }
}

/// The Capabilities annotations the clean document adds to the connectors'
/// slices are Capabilities annotations of elements the slice declares that
/// the cloud's own document does not make; the two the crate relies on
/// (items are replaced with PUT, a schema is not deleted) hold after
/// borrowing, whichever document says them.
#[test]
fn the_slices_borrow_the_clean_documents_capabilities() {
    let Some(docs) = official("the_slices_borrow_the_clean_documents_capabilities") else {
        return;
    };
    for source in [GLOBAL, USGOV] {
        let mut s = slice(&docs[source].doc, NAMESPACE).unwrap();
        let before = s.clone();
        let own = write(&before);
        if let Some(b) = borrow_capabilities(&mut s, &docs[CLEAN].doc, NAMESPACE) {
            assert_eq!(s.schemas[b.schema].namespace, NAMESPACE);
            let mut annotations = 0;
            for item in &s.schemas[b.schema].items[b.first..] {
                let SchemaItem::Annotations(a) = item else {
                    panic!("{source}: {item:?}")
                };
                for x in &a.annotations {
                    assert!(
                        x.term.starts_with("Org.OData.Capabilities.V1."),
                        "{}",
                        x.term
                    );
                    // Out of line in the cloud's own slice, it would be
                    // its own, and win.
                    let block = format!("<Annotations Target=\"{}\">", a.target);
                    let term = format!("<Annotation Term=\"{}\"", x.term);
                    assert!(
                        !own.split(&block).nth(1).is_some_and(|rest| rest
                            [..rest.find("</Annotations>").unwrap()]
                            .contains(&term)),
                        "{source}: {} on {} is the document's own",
                        x.term,
                        a.target
                    );
                    annotations += 1;
                }
            }
            assert_eq!(
                (b.blocks, b.annotations),
                (s.schemas[b.schema].items.len() - b.first, annotations)
            );
            // Nothing else changed.
            s.schemas[b.schema].items.truncate(b.first);
            assert!(s == before, "{source}");
        }
        // Borrowing again adds nothing: the slice now has those terms on
        // those targets.
        let mut again = slice(&docs[source].doc, NAMESPACE).unwrap();
        borrow_capabilities(&mut again, &docs[CLEAN].doc, NAMESPACE);
        assert_eq!(
            borrow_capabilities(&mut again, &docs[CLEAN].doc, NAMESPACE),
            None
        );
        // What the crate relies on.
        let m = graphgen::model::build(
            &[graphgen::model::Input {
                cloud: "global",
                document: &again,
            }],
            &graphgen::model::Selection::Namespaces(vec![NAMESPACE.into()]),
        )
        .unwrap();
        let connection = m
            .type_id(&graphgen::model::QName::new(
                NAMESPACE,
                "externalConnection",
            ))
            .expect("externalConnection");
        let nav = |name: &str| {
            m.structure(connection)
                .unwrap()
                .properties
                .iter()
                .find(|p| p.name == name)
                .and_then(|p| p.navigation.clone())
                .unwrap_or_else(|| panic!("{source}: externalConnection/{name} is gone"))
                .resolved
        };
        assert_eq!(
            nav("items").update_method.value,
            graphgen::model::UpdateMethod::Put,
            "{source}: externalConnection/items"
        );
        assert!(
            !nav("schema").delete.value,
            "{source}: externalConnection/schema"
        );
    }
    let mut china = slice(&docs[CHINA].doc, NAMESPACE).unwrap();
    assert_eq!(
        borrow_capabilities(&mut china, &docs[CLEAN].doc, NAMESPACE),
        None,
        "a slice without the namespace borrows nothing"
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
    // Each slice's header says how many Capabilities annotations it
    // borrowed, and whether the namespace is absent: the slice agrees.
    for (file, _) in SLICES {
        let text = std::fs::read_to_string(metadata_dir().join(file)).unwrap();
        let doc = parse(file, text.as_bytes()).unwrap();
        let said = text
            .split_once("<!-- With ")
            .and_then(|(_, rest)| rest.split_once(' '))
            .map_or(0, |(n, _)| n.parse::<usize>().unwrap());
        // The borrowed blocks follow a note, to the end of their schema.
        let borrowed = text
            .split_once("does not have for these targets. -->")
            .map_or(0, |(_, rest)| {
                rest[..rest.find("</Schema>").unwrap()]
                    .matches("<Annotation Term=\"Org.OData.Capabilities.V1.")
                    .count()
            });
        assert_eq!(borrowed, said, "{file}");
        assert_eq!(
            doc.schemas.is_empty(),
            text.contains("this slice is empty"),
            "{file}"
        );
    }
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
