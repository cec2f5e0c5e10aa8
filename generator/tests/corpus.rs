//! The hostile-input corpus: malformed and hostile CSDL documents, each run
//! through the whole pipeline (`graphgen::generate_into`, every namespace)
//! into a folder that already holds a crate.
//!
//! - A case named `ok_*` must succeed; its snapshot lists the Rust names the
//!   generator chose (collisions are numbered, never an error).
//! - Every other case must fail with a located error (never a panic, never a
//!   hang), and its snapshot holds the exact error: kind, file, line, column,
//!   element path and message. The output folder must be byte-for-byte as
//!   it was, and the `graphgen` command must exit non-zero saying the same.
//!
//! The committed cases are `tests/corpus/*.csdl` (`.gitattributes` keeps
//! their bytes: CRLF, BOM, UTF-16). Cases too big to commit (a 50 MB
//! attribute, 10,000-deep nesting, a document over the size limit) are made
//! here. Snapshots are in `tests/corpus/snapshots/`; review changes with
//! `cargo insta review`.

use std::collections::BTreeMap;
use std::fs;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use graphgen::csdl::limits;
use graphgen::emit::Options;
use graphgen::model::Selection;
use graphgen::{Config, Error, ErrorKind, MetadataFile};

const CORPUS: &str = "tests/corpus";

/// What the output folder holds before each run: a crate someone already
/// generated, plus a file the generator does not own.
const BEFORE: &[(&str, &str)] = &[
    ("SENTINEL", "the generator must not touch this file\n"),
    ("Cargo.toml", "[package]\nname = \"earlier\"\n"),
    (
        "src/lib.rs",
        "// generated earlier; must survive a failed run\n",
    ),
    (
        "src/old_module.rs",
        "// stale, but only a successful run may remove it\n",
    ),
];

/// Every case must finish well within this, in a debug build.
const CASE_TIME: Duration = Duration::from_secs(20);

fn config(path: &Path) -> Config {
    Config {
        metadata: vec![MetadataFile {
            cloud: "global".into(),
            path: path.to_path_buf(),
        }],
        selection: Selection::All,
        options: Options::new("corpus-case"),
    }
}

/// A fresh output folder holding [`BEFORE`].
fn out_dir(case: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("corpus")
        .join(case);
    let _ = fs::remove_dir_all(&dir);
    for (rel, contents) in BEFORE {
        let path = dir.join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, contents).unwrap();
    }
    dir
}

/// Every file under `dir` (relative path with `/` -> bytes).
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                let rel = path.strip_prefix(root).unwrap();
                let rel = rel.to_string_lossy().replace('\\', "/");
                out.insert(rel, fs::read(&path).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// The description of a committed case: its first XML comment, or a few
/// words for files that cannot hold one.
fn description(name: &str, bytes: &[u8]) -> String {
    match name {
        "not_xml" => return "plain text".into(),
        "not_xml_json_csdl" => return "CSDL in its JSON form, not XML".into(),
        "empty" => return "an empty file".into(),
        "whitespace_only" => return "only whitespace".into(),
        "xml_declaration_only" => return "an XML declaration and nothing else".into(),
        _ => {}
    }
    let text = String::from_utf8_lossy(bytes);
    match (text.find("<!--"), text.find("-->")) {
        (Some(a), Some(b)) if a < b => text[a + 4..b].trim().to_string(),
        _ => String::new(),
    }
}

/// The exact error, as snapshotted. Paths under the case folder are shown
/// as `<tmp>/` so generated cases snapshot the same on every machine.
fn render_error(description: &str, e: &Error, tmp: Option<&Path>) -> String {
    let redact = |s: &str| match tmp {
        Some(tmp) => s.replace(&format!("{}/", tmp.display()), "<tmp>/"),
        None => s.to_string(),
    };
    let mut s = format!("case: {description}\nkind: {}\n", e.kind);
    match &e.location {
        Some(loc) => {
            s += &format!(
                "file: {}\nline: {}\ncolumn: {}\nelement: {}\n",
                redact(&loc.file),
                loc.line,
                loc.col,
                loc.element
            );
        }
        None => s += "location: none\n",
    }
    s += &format!("message: {}\n", redact(&e.message));
    s += &format!("display: {}\n", redact(&e.to_string()));
    s
}

/// The Rust items and fields of the generated modules, in file order:
/// what the names of a successful case came out as.
fn rust_names(files: &BTreeMap<String, Vec<u8>>) -> String {
    let mut s = String::new();
    for (rel, bytes) in files {
        if !rel.starts_with("src/") || !rel.ends_with(".rs") || rel == "src/lib.rs" {
            continue;
        }
        let text = String::from_utf8_lossy(bytes);
        let mut lines = Vec::new();
        let mut in_item = false;
        let mut in_object = false;
        for line in text.lines() {
            let t = line.trim();
            let item = ["pub struct ", "pub enum ", "pub type "]
                .iter()
                .any(|k| t.starts_with(k));
            if item {
                lines.push(t.trim_end_matches(['{', ' ']).to_string());
                in_item = !t.ends_with(';') && !t.ends_with("{}");
                continue;
            }
            // Which member each field reads: the members listed in the
            // struct's `object!` invocation, `field: Type = "member"`.
            if line.starts_with("graphgen_runtime::object! {") {
                in_object = true;
                continue;
            }
            if in_object {
                if line == "}" {
                    in_object = false;
                } else if t.ends_with('{') {
                    // The header: `Name = "qualified.name" {`.
                } else if let Some((decl, rest)) = t.split_once(" = \"") {
                    let field = decl.split_once(':').map_or(decl, |(f, _)| f);
                    if let Some((member, _)) = rest.split_once('"') {
                        lines.push(format!("    reads \"{member}\" into {field}"));
                    }
                }
                continue;
            }
            if !in_item {
                continue;
            }
            if line.starts_with('}') {
                in_item = false;
            } else if !t.starts_with("//") && !t.starts_with("#[") && !t.is_empty() {
                lines.push(format!("    {}", t.trim_end_matches([',', '{'])));
            }
        }
        if !lines.is_empty() {
            s += &format!("{rel}:\n");
            for l in lines {
                s += &format!("  {l}\n");
            }
        }
    }
    s
}

/// Runs one case: the pipeline, the folder check, the snapshot. Returns the
/// error (for cases that must fail).
fn run_case(name: &str, path: &Path, description: &str) -> Option<Error> {
    let out = out_dir(name);
    let before = tree(&out);
    let started = Instant::now();
    let result = graphgen::generate_into(&config(path), &out);
    let took = started.elapsed();
    assert!(took < CASE_TIME, "{name} took {took:?}");
    let after = tree(&out);
    let settings = {
        let mut s = insta::Settings::clone_current();
        s.set_snapshot_path("corpus/snapshots");
        s.set_prepend_module_to_snapshot(false);
        s.set_omit_expression(true);
        s
    };
    // Made cases live in a temporary folder, shown as `<tmp>/`.
    let tmp = (!path.starts_with(CORPUS)).then(|| path.parent().unwrap());
    let error = match (name.starts_with("ok_"), result) {
        (true, Ok(_)) => {
            assert_eq!(after["SENTINEL"], before["SENTINEL"], "{name}: sentinel");
            // Sane output: the stale module is gone, every file is Rust that parses.
            assert!(!after.contains_key("src/old_module.rs"), "{name}");
            for (rel, bytes) in &after {
                if rel.ends_with(".rs") {
                    let text = std::str::from_utf8(bytes).unwrap();
                    if let Err(e) = syn::parse_file(text) {
                        panic!("{name}: {rel} does not parse: {e}");
                    }
                }
            }
            let names = format!("case: {description}\n{}", rust_names(&after));
            settings.bind(|| insta::assert_snapshot!(name, names));
            None
        }
        (true, Err(e)) => panic!("{name} must succeed: {e}"),
        (false, Ok(_)) => panic!("{name} must fail, and succeeded"),
        (false, Err(e)) => {
            assert!(
                before == after,
                "{name}: the output folder changed: {:?} -> {:?}",
                before.keys().collect::<Vec<_>>(),
                after.keys().collect::<Vec<_>>()
            );
            assert!(e.location.is_some(), "{name}: no location: {e}");
            let text = render_error(description, &e, tmp);
            settings.bind(|| insta::assert_snapshot!(name, text));
            Some(e)
        }
    };
    let _ = fs::remove_dir_all(&out);
    error
}

/// The committed cases, sorted by name.
fn committed() -> Vec<(String, PathBuf)> {
    let mut cases: Vec<(String, PathBuf)> = fs::read_dir(CORPUS)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "csdl"))
        .map(|p| {
            let name = p.file_stem().unwrap().to_string_lossy().into_owned();
            (name, Path::new(CORPUS).join(p.file_name().unwrap()))
        })
        .collect();
    cases.sort();
    cases
}

/// Runs `cases`, catching each failure so that one run reports all of them.
fn run_all(cases: Vec<(String, PathBuf, String)>) -> BTreeMap<String, Option<Error>> {
    let mut failures = Vec::new();
    let mut results = BTreeMap::new();
    for (name, path, description) in cases {
        match catch_unwind(AssertUnwindSafe(|| run_case(&name, &path, &description))) {
            Ok(e) => {
                results.insert(name, e);
            }
            Err(panic) => {
                let msg = panic
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_default();
                failures.push(format!("{name}: {msg}"));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} case(s) failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    results
}

#[test]
fn committed_cases() {
    let cases = committed();
    let failing = cases.iter().filter(|(n, _)| !n.starts_with("ok_")).count();
    assert!(failing >= 40, "only {failing} failing cases");
    let cases = cases
        .into_iter()
        .map(|(name, path)| {
            let d = description(&name, &fs::read(&path).unwrap());
            (name, path, d)
        })
        .collect();
    run_all(cases);
}

/// The CLI on every failing committed case: non-zero exit, the error on
/// stderr, the output folder unchanged.
#[test]
fn command_line_exits_non_zero() {
    for (name, path) in committed() {
        if name.starts_with("ok_") {
            continue;
        }
        let out = out_dir(&format!("cli_{name}"));
        let before = tree(&out);
        let run = Command::new(env!("CARGO_BIN_EXE_graphgen"))
            .arg("--metadata")
            .arg(&path)
            .arg("--all-namespaces")
            .arg("--out")
            .arg(&out)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&run.stderr);
        assert_eq!(run.status.code(), Some(1), "{name}: {stderr}");
        assert!(
            stderr.starts_with(&format!("{}:", path.display())) && stderr.contains("error["),
            "{name}: {stderr}"
        );
        assert!(run.stdout.is_empty(), "{name}");
        assert!(tree(&out) == before, "{name}: the output folder changed");
        let _ = fs::remove_dir_all(&out);
    }
}

/// What the documents say that nothing generated uses (an annotation on a
/// type no document declares) is a warning the command prints on stderr; the
/// crate is still written.
#[test]
fn the_command_prints_warnings() {
    let dir = out_dir("cli_warnings");
    let doc = dir.join("warned.csdl");
    fs::write(
        &doc,
        r#"<?xml version="1.0" encoding="utf-8"?>
<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">
  <edmx:DataServices>
    <Schema Namespace="contoso" xmlns="http://docs.oasis-open.org/odata/ns/edm">
      <ComplexType Name="a"><Property Name="b" Type="Edm.String" /></ComplexType>
      <Annotations Target="contoso.gone"><Annotation Term="Org.OData.Core.V1.Description" String="Removed." /></Annotations>
    </Schema>
  </edmx:DataServices>
</edmx:Edmx>
"#,
    )
    .unwrap();
    let out = dir.join("crate");
    let run = Command::new(env!("CARGO_BIN_EXE_graphgen"))
        .arg("--metadata")
        .arg(&doc)
        .args(["--all-namespaces", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{stderr}");
    assert_eq!(
        stderr,
        "warning: global: annotation target `contoso.gone` does not resolve\n"
    );
    assert!(String::from_utf8_lossy(&run.stdout).starts_with("1 types, "));
    assert!(out.join("src/lib.rs").exists());
    let _ = fs::remove_dir_all(&dir);
}

/// Outputs of legal variations of one document (CRLF, BOM) are the same crate.
#[test]
fn line_ends_and_bom_do_not_change_the_crate() {
    let crate_of = |case: &str| {
        let path = Path::new(CORPUS).join(format!("{case}.csdl"));
        let (output, _, _) = graphgen::generate(&config(&path)).unwrap();
        output.files
    };
    let lf = crate_of("ok_lf");
    assert!(
        lf.keys().any(|k| k.starts_with("src/contoso/")),
        "{:?}",
        lf.keys()
    );
    for case in ["ok_crlf", "ok_bom", "ok_bom_crlf"] {
        assert_eq!(crate_of(case), lf, "{case}");
    }
    // The description's `&#xA;` stays a line break; the CRLF of the file
    // itself is not in the output.
    assert!(lf.values().all(|f| !f.contains('\r')));
}

/// The committed per-cloud slices with every namespace selected (the
/// command line's `--all-namespaces`): each has a schema holding only the
/// entity container, which once made the emitter panic (found by the
/// `csdl_pipeline` fuzz target).
#[test]
fn official_slices_with_every_namespace() {
    for cloud in ["global", "usgov", "china"] {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../metadata")
            .join(format!("{cloud}.csdl"));
        let (output, model, _) =
            graphgen::generate(&config(&path)).unwrap_or_else(|e| panic!("{cloud}: {e}"));
        assert!(model
            .selected
            .iter()
            .all(|ns| model.namespaces.contains(ns)));
        assert!(output.files.contains_key("src/lib.rs"), "{cloud}");
    }
}

// --- Cases made here -------------------------------------------------------

const HEAD: &str = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<edmx:Edmx Version=\"4.0\" xmlns:edmx=\"http://docs.oasis-open.org/odata/ns/edmx\">\n  <edmx:DataServices>\n    <Schema Namespace=\"contoso\" xmlns=\"http://docs.oasis-open.org/odata/ns/edm\">\n";
const TAIL: &str = "    </Schema>\n  </edmx:DataServices>\n</edmx:Edmx>\n";

fn made_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("corpus-made");
    fs::create_dir_all(&dir).unwrap();
    dir
}

/// Writes a made case to a file and runs it like a committed one; it must
/// fail with an error of `kind`, which is returned.
fn made(name: &str, description: &str, kind: ErrorKind, bytes: &[u8]) -> Error {
    let path = made_dir().join(format!("{name}.csdl"));
    fs::write(&path, bytes).unwrap();
    let mut results = run_all(vec![(name.into(), path.clone(), description.into())]);
    let _ = fs::remove_file(&path);
    let e = results.remove(name).flatten().expect("made cases fail");
    assert_eq!(e.kind, kind, "{name}: {e}");
    e
}

#[test]
fn deep_nesting_10000() {
    // 10,000 nested <Collection>s inside an annotation (a collection may
    // hold collections, so only the depth limit stops this).
    let mut doc = String::from(HEAD);
    doc += "      <ComplexType Name=\"a\">\n        <Annotation Term=\"contoso.deep\">\n";
    doc += &"<Collection>".repeat(10_000);
    doc += &"</Collection>".repeat(10_000);
    doc += "\n        </Annotation>\n      </ComplexType>\n";
    doc += TAIL;
    let e = made(
        "made_deep_nesting_10000",
        "10,000 nested <Collection> elements (csdl::limits::MAX_DEPTH)",
        ErrorKind::Limit,
        doc.as_bytes(),
    );
    assert!(e.message.contains("MAX_DEPTH"), "{e}");
}

#[test]
fn deep_nesting_of_unknown_elements() {
    // Unknown elements are refused where they appear (error[syntax]), before any depth.
    let mut doc = String::from(HEAD);
    doc += &"<x>".repeat(10_000);
    doc += TAIL;
    made(
        "made_deep_unknown_elements",
        "10,000 nested unknown elements",
        ErrorKind::Syntax,
        doc.as_bytes(),
    );
}

#[test]
fn attribute_of_50_mb() {
    let mut doc = String::from(HEAD);
    doc += "      <ComplexType Name=\"a\">\n        <Annotation Term=\"Org.OData.Core.V1.Description\" String=\"";
    doc += &"x".repeat(50 * 1000 * 1000);
    doc += "\" />\n      </ComplexType>\n";
    doc += TAIL;
    assert!(doc.len() < limits::MAX_DOCUMENT_SIZE);
    let e = made(
        "made_attribute_50mb",
        "a 50 MB attribute value (csdl::limits::MAX_ATTRIBUTE_LEN)",
        ErrorKind::Limit,
        doc.as_bytes(),
    );
    assert!(e.message.contains("MAX_ATTRIBUTE_LEN"), "{e}");
}

#[test]
fn name_attribute_of_50_mb() {
    let mut doc = String::from(HEAD);
    doc += "      <ComplexType Name=\"";
    doc += &"a".repeat(50 * 1000 * 1000);
    doc += "\" />\n";
    doc += TAIL;
    let e = made(
        "made_name_50mb",
        "a 50 MB Name (csdl::limits::MAX_NAME_LEN)",
        ErrorKind::Limit,
        doc.as_bytes(),
    );
    assert!(e.message.contains("MAX_NAME_LEN"), "{e}");
}

#[test]
fn text_over_the_limit() {
    let mut doc = String::from(HEAD);
    doc += "      <ComplexType Name=\"a\">\n        <Annotation Term=\"Org.OData.Core.V1.Description\">\n          <String>";
    doc += &"y".repeat(limits::MAX_TEXT_LEN + 1);
    doc += "</String>\n        </Annotation>\n      </ComplexType>\n";
    doc += TAIL;
    let e = made(
        "made_text_over_limit",
        "an expression text one byte over csdl::limits::MAX_TEXT_LEN",
        ErrorKind::Limit,
        doc.as_bytes(),
    );
    assert!(e.message.contains("MAX_TEXT_LEN"), "{e}");
}

#[test]
fn document_over_the_size_limit() {
    let mut doc = String::from(HEAD);
    doc += "<!-- ";
    doc += &" ".repeat(limits::MAX_DOCUMENT_SIZE);
    doc += " -->\n";
    doc += TAIL;
    let e = made(
        "made_document_over_limit",
        "a document over csdl::limits::MAX_DOCUMENT_SIZE (a huge comment)",
        ErrorKind::Limit,
        doc.as_bytes(),
    );
    assert!(e.message.contains("MAX_DOCUMENT_SIZE"), "{e}");
}

/// A chain of `n` complex types, each deriving from the one before.
fn base_chain(n: usize) -> String {
    let mut doc = String::from(HEAD);
    doc += "      <ComplexType Name=\"t0\" />\n";
    for i in 1..n {
        doc += &format!(
            "      <ComplexType Name=\"t{i}\" BaseType=\"contoso.t{}\" />\n",
            i - 1
        );
    }
    doc + TAIL
}

#[test]
fn base_type_chain_over_the_limit() {
    // t64 has exactly MAX_BASE_TYPES base types: accepted.
    let path = made_dir().join("base_chain_at_limit.csdl");
    fs::write(&path, base_chain(limits::MAX_BASE_TYPES + 1)).unwrap();
    graphgen::generate(&config(&path)).unwrap();
    let _ = fs::remove_file(&path);
    // t65 has one more.
    let e = made(
        "made_base_chain_over_limit",
        "a type with 65 base types (csdl::limits::MAX_BASE_TYPES)",
        ErrorKind::Limit,
        base_chain(limits::MAX_BASE_TYPES + 2).as_bytes(),
    );
    assert!(e.message.contains("MAX_BASE_TYPES"), "{e}");
}

#[test]
fn many_entities_in_a_doctype_are_refused_at_once() {
    // A DOCTYPE of 20 MB of entity definitions: refused on sight (error[syntax]).
    let mut doc = String::from("<?xml version=\"1.0\"?>\n<!DOCTYPE edmx:Edmx [\n");
    let mut i = 0;
    while doc.len() < 20_000_000 {
        doc += &format!("  <!ENTITY e{i} \"&e{};&e{};\">\n", i + 1, i + 1);
        i += 1;
    }
    doc += "]>\n<edmx:Edmx Version=\"4.0\" xmlns:edmx=\"http://docs.oasis-open.org/odata/ns/edmx\" />\n";
    made(
        "made_doctype_20mb",
        "a 20 MB DOCTYPE of entity definitions",
        ErrorKind::Syntax,
        doc.as_bytes(),
    );
}
