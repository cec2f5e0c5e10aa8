//! The `graphgen` command line: what it writes and says, as a user runs it.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn graphgen(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_graphgen"))
        .args(args)
        .output()
        .expect("graphgen runs")
}

fn global_slice() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../metadata/global.csdl")
        .display()
        .to_string()
}

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("cli")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.parent().unwrap()).unwrap();
    dir
}

/// The `graphgen-runtime = ...` line of a generated manifest.
fn runtime_line(out: &Path) -> String {
    let manifest = std::fs::read_to_string(out.join("Cargo.toml")).unwrap();
    manifest
        .lines()
        .find(|l| l.starts_with("graphgen-runtime = "))
        .expect("the manifest depends on graphgen-runtime")
        .to_string()
}

#[test]
fn by_default_the_crate_depends_on_the_runtime_it_was_built_with() {
    let out = scratch("default");
    let run = graphgen(&[
        "--metadata",
        &global_slice(),
        "--namespace",
        "microsoft.graph.externalConnectors",
        "--out",
        out.to_str().unwrap(),
    ]);
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let line = runtime_line(&out);
    let path = line
        .split_once("path = \"")
        .and_then(|(_, rest)| rest.split_once('"'))
        .map(|(path, _)| path)
        .unwrap_or_else(|| panic!("a path dependency: {line}"));
    assert!(Path::new(path).is_relative(), "{line}");
    // The path resolves from the generated crate to this workspace's runtime.
    let runtime = out.join(path).canonicalize().unwrap();
    let expected = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../runtime")
        .canonicalize()
        .unwrap();
    assert_eq!(runtime, expected);
    assert!(
        stdout.contains(&format!(
            "depends on graphgen-runtime at {path} (the sources"
        )),
        "{stdout}"
    );
}

#[test]
fn runtime_flags_choose_a_path_or_a_registry_version() {
    let out = scratch("version");
    let slice = global_slice();
    let common = [
        "--metadata",
        &slice,
        "--namespace",
        "microsoft.graph.externalConnectors",
        "--out",
        out.to_str().unwrap(),
    ];
    let run = graphgen(&[&common[..], &["--runtime-version", "0.9.1"]].concat());
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert_eq!(
        runtime_line(&out),
        r#"graphgen-runtime = { version = "0.9.1", default-features = false }"#
    );
    assert!(
        String::from_utf8_lossy(&run.stdout).contains("graphgen-runtime 0.9.1 from the registry")
    );

    let run = graphgen(&[&common[..], &["--runtime-path", "../rt"]].concat());
    assert!(run.status.success());
    assert_eq!(
        runtime_line(&out),
        r#"graphgen-runtime = { path = "../rt", default-features = false }"#
    );

    let both = graphgen(
        &[
            &common[..],
            &["--runtime-path", "../rt", "--runtime-version", "1"],
        ]
        .concat(),
    );
    assert_eq!(both.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&both.stderr).contains("cannot be used with"));
}

#[test]
fn a_missing_document_is_named_and_nothing_is_written() {
    let out = scratch("missing");
    let run = graphgen(&[
        "--metadata",
        "usgov=no-such-file.xml",
        "--all-namespaces",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(run.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(stderr.contains("no-such-file.xml"), "{stderr}");
    assert!(!out.exists());
}

#[test]
fn no_selection_is_a_usage_error() {
    let run = graphgen(&["--metadata", &global_slice(), "--out", "unused"]);
    assert_eq!(run.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&run.stderr).contains("--namespace NS"));
}
