//! The `bench-stage` binary that `cargo xtask bench` runs: each stage prints
//! the time the bench looks for on a valid document; on a malformed one it
//! fails with the document's name and nothing on stdout.

use std::path::Path;
use std::process::{Command, Output};

fn run(stage: &str, document: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_bench-stage"))
        .arg(stage)
        .arg(document)
        .output()
        .unwrap()
}

#[test]
fn stages_print_their_times_and_fail_cleanly() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let good = root.join("fixtures/edge-cases.csdl");
    let bad = root.join("generator/tests/corpus/mismatched_end_tag.csdl");
    assert!(bad.exists(), "{} is missing", bad.display());
    // What `bench::run` reads after each stage's time.
    for (stage, marker) in [
        ("parse", "bytes in "),
        ("parse-again", "again in this process in "),
        ("tokenize", "with quick-xml alone in this process in "),
        ("tokenize-once", "reading the files, in "),
        ("resolve", "resolved "),
    ] {
        let ok = run(stage, &good);
        let stdout = String::from_utf8_lossy(&ok.stdout);
        assert!(
            ok.status.success(),
            "{stage}: {}",
            String::from_utf8_lossy(&ok.stderr)
        );
        let after = stdout
            .split(marker)
            .nth(1)
            .unwrap_or_else(|| panic!("{stage}: {stdout}"));
        assert!(
            after.starts_with(|c: char| c.is_ascii_digit()),
            "{stage}: {stdout}"
        );

        let failed = run(stage, &bad);
        let stderr = String::from_utf8_lossy(&failed.stderr);
        assert_eq!(failed.status.code(), Some(1), "{stage}: {stderr}");
        assert!(
            stderr.contains("mismatched_end_tag.csdl"),
            "{stage}: {stderr}"
        );
        assert!(failed.stdout.is_empty(), "{stage}");
    }
}
