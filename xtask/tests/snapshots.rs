//! Snapshots worth reviewing: the public API of each generated crate, one
//! line per item, and the API change reports between the history
//! fixtures. No snapshot file may outlive its test.

use std::path::Path;

/// The snapshots in `tests/snapshots/`, each asserted by a test here; a file not listed fails [`no_snapshot_is_orphaned`].
const SNAPSHOTS: &[&str] = &[
    "api_generated",
    "api_fixtures_edge-cases",
    "history_2023-05-24_to_2023-10-27",
    "history_2023-10-27_to_2023-05-24",
    "history_2023-10-27_to_2026-08-20",
    "history_2026-08-20_to_2023-10-27",
];

fn snapshot_settings() -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots"));
    settings.set_prepend_module_to_snapshot(false);
    settings
}

/// The public API of each generated crate, one line per item, so that a
/// metadata or generator change shows as a short diff of what users see
/// (`cargo insta review`). The committed crates and
/// [`generated_crates_are_fresh`] check the files byte for byte.
#[test]
fn generated_apis_snapshots() {
    let root = xtask::project_root();
    snapshot_settings().bind(|| {
        for target in xtask::regen::TARGETS {
            let api = xtask::api::api_of_config(&(target.config)(&root))
                .expect("the committed metadata generates");
            let name = format!("api_{}", target.dir.replace('/', "_"));
            assert!(SNAPSHOTS.contains(&name.as_str()), "{name} is not listed");
            insta::assert_snapshot!(name, xtask::api::listing(&api));
        }
    });
}

/// A snapshot no test asserts would stay behind unseen, and match again
/// when its test comes back: every file must be one of [`SNAPSHOTS`].
#[test]
fn no_snapshot_is_orphaned() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots");
    let mut orphans = Vec::new();
    for entry in std::fs::read_dir(&dir).expect("the snapshot folder") {
        let name = entry.expect("an entry").file_name();
        let name = name.to_string_lossy();
        // `.snap.new`: a listed snapshot's pending change, for `cargo insta review`.
        let stem = name
            .strip_suffix(".snap")
            .or_else(|| name.strip_suffix(".snap.new"));
        if !stem.is_some_and(|stem| SNAPSHOTS.contains(&stem)) {
            orphans.push(name.to_string());
        }
    }
    orphans.sort();
    assert!(
        orphans.is_empty(),
        "files in {} that no test asserts (remove them, or list them in SNAPSHOTS with their test): {orphans:?}",
        dir.display()
    );
}

/// The history fixtures (`fixtures/history/`: slices of Microsoft's
/// documents of three dates), in order.
const HISTORY: [&str; 3] = ["2023-05-24", "2023-10-27", "2026-08-20"];

/// The report `cargo xtask api-diff` prints between consecutive history
/// fixtures, read both ways: a real metadata change and its reverse, each
/// change named with its class.
#[test]
fn history_reports_snapshots() {
    let root = xtask::project_root();
    let options = xtask::regen::options(xtask::regen::FIRST_VERSION);
    let selection = graphgen::model::Selection::Namespaces(vec![xtask::regen::NAMESPACE.into()]);
    let api = |date: &str| {
        let documents = xtask::api::documents(&root.join("fixtures/history").join(date))
            .unwrap_or_else(|e| panic!("{e}"));
        xtask::api::api(&documents, &selection, &options).unwrap_or_else(|e| panic!("{e}"))
    };
    snapshot_settings().bind(|| {
        for pair in HISTORY.windows(2) {
            let (a, b) = (api(pair[0]), api(pair[1]));
            for ((from, old), (to, new)) in [
                ((pair[0], &a), (pair[1], &b)),
                ((pair[1], &b), (pair[0], &a)),
            ] {
                let changes = xtask::api_diff::diff(old, new);
                let report = format!(
                    "{}\n\n{}",
                    xtask::api_diff::summary(&changes),
                    xtask::api_diff::markdown(&changes)
                );
                let name = format!("history_{from}_to_{to}");
                assert!(SNAPSHOTS.contains(&name.as_str()), "{name} is not listed");
                insta::assert_snapshot!(name, report);
            }
        }
    });
}
