//! The committed generated crates against the generator and their metadata.

use std::path::Path;

/// `generated/` and `fixtures/edge-cases/` are exactly what `cargo xtask
/// regen` makes from the committed metadata with this generator.
#[test]
fn generated_crates_are_fresh() {
    let root = xtask::project_root();
    let stale = xtask::regen::stale(&root).expect("the committed metadata generates");
    assert!(
        stale.is_empty(),
        "the generated crates are stale; run `cargo xtask regen`. Files that differ: {stale:?}"
    );
}

/// The generated crates are laid out as rustfmt lays them out (the
/// `@generated` marker keeps `cargo fmt` off them, so this checks it).
#[test]
fn generated_crates_pass_rustfmt_check() {
    let root = xtask::project_root();
    let rustfmt = std::process::Command::new("rustfmt")
        .arg("--version")
        .output();
    if !rustfmt.is_ok_and(|o| o.status.success()) {
        // CI installs rustfmt (`.ci/run`); a machine without it says so.
        eprintln!("SKIPPED: generated_crates_pass_rustfmt_check: rustfmt is not installed");
        assert!(
            std::env::var_os("GRAPHGEN_REQUIRE_RUSTFMT").is_none(),
            "rustfmt is required here"
        );
        return;
    }
    for dir in ["generated", "fixtures/edge-cases"] {
        let files: Vec<_> = walk(&root.join(dir).join("src"));
        assert!(!files.is_empty(), "{dir} has sources");
        let out = std::process::Command::new("rustfmt")
            .args(["--check", "--edition", "2021"])
            .args(&files)
            .output()
            .expect("rustfmt runs");
        assert!(
            out.status.success(),
            "rustfmt --check finds differences in {dir}:\n{}",
            String::from_utf8_lossy(&out.stdout)
        );
    }
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).expect("a source folder") {
        let path = entry.expect("an entry").path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
    files.sort();
    files
}
