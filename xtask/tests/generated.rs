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

/// Every generated file as an insta snapshot, so a metadata or generator
/// change shows up as a reviewable diff (`cargo insta review`).
#[test]
fn generated_files_snapshots() {
    let root = xtask::project_root();
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots"));
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| {
        for (dir, output) in
            xtask::regen::expected(&root).expect("the committed metadata generates")
        {
            for (file, contents) in &output.files {
                let name = format!("{dir}/{file}").replace(['/', '.'], "_");
                insta::assert_snapshot!(name, contents);
            }
        }
    });
}
