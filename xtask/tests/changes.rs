//! `cargo xtask regen`'s CHANGES.md and version, on a scratch repository
//! whose metadata goes through the history fixtures.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use xtask::changes::{self, Previous, Release};

/// A scratch workspace: `metadata/` from a history fixture, an empty
/// `generated/`.
fn scratch(name: &str, history: &str) -> PathBuf {
    let root = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = fs::remove_dir_all(&root);
    fs::create_dir_all(root.join("metadata")).unwrap();
    fs::create_dir_all(root.join("generated")).unwrap();
    use_history(&root, history);
    root
}

/// Replaces `metadata/` with a history fixture's slices and provenance.
fn use_history(root: &Path, date: &str) {
    let from = xtask::project_root().join("fixtures/history").join(date);
    for file in ["global.csdl", "usgov.csdl", "china.csdl", "PROVENANCE.md"] {
        fs::copy(from.join(file), root.join("metadata").join(file)).unwrap();
    }
}

fn git(root: &Path, args: &[&str]) {
    let out = Command::new("git")
        .arg("-C")
        .arg(root)
        .args([
            "-c",
            "user.name=test",
            "-c",
            "user.email=test@example.invalid",
        ])
        .args(args)
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn release(root: &Path, previous: Previous<'_>) -> Option<Release> {
    changes::release(root, &root.join("generated"), previous).unwrap_or_else(|e| panic!("{e}"))
}

/// What regen writes of a release.
fn write(root: &Path, release: &Release) {
    fs::write(
        root.join("generated").join(changes::FILE),
        &release.changelog,
    )
    .unwrap();
}

#[test]
fn regen_reports_a_metadata_change_found_in_git_and_bumps_the_version() {
    let root = scratch("changes-git", "2023-05-24");
    git(&root, &["init", "-q"]);
    git(&root, &["add", "."]);
    git(&root, &["commit", "-q", "-m", "May 2023"]);

    let first = release(&root, Previous::Find(None)).unwrap();
    assert_eq!(first.version, "0.1.0");
    let entry = first.entry.as_deref().unwrap();
    assert!(entry.contains("The first entry"), "{entry}");
    assert!(
        entry.contains("commit `e9b282b591668a4af62a3bc9d5412270b01c26e7` (2023-05-24)"),
        "{entry}"
    );
    write(&root, &first);

    // Unchanged metadata: the same release, nothing new.
    let same = release(&root, Previous::NotLooked).unwrap();
    assert_eq!((same.version.as_str(), same.entry), ("0.1.0", None));
    assert_eq!(same.changelog, first.changelog);

    // New metadata, not committed: stale until regen compares it with
    // the committed slices.
    use_history(&root, "2023-10-27");
    assert!(release(&root, Previous::NotLooked).is_none());
    let second = release(&root, Previous::Find(None)).unwrap();
    assert_eq!(second.version, "0.2.0");
    let entry = second.entry.as_deref().unwrap();
    for part in [
        "## 0.2.0\n",
        "commit `6375af34ca0ce1538322cfd2b09c90618801e9ec` (2023-10-27). Before: microsoftgraph/msgraph-metadata at commit `e9b282b591668a4af62a3bc9d5412270b01c26e7` (2023-05-24).",
        "Version 0.1.0 → 0.2.0: breaking changes bump the minor version of a 0.x crate. 1 breaking change, 2 additive changes.",
        "### Breaking (1)\n\n- `/external/connections/{externalConnection-id}/schema`: no longer allows `delete`",
        "- `external_connectors::Label::IconUrl` (`microsoft.graph.externalConnectors.label/iconUrl`): variant added, declared after `unknownFutureValue`",
    ] {
        assert!(entry.contains(part), "{part}\nnot in\n{entry}");
    }
    // Newest first, the older entry kept.
    let newest = second.changelog.find("## 0.2.0").unwrap();
    let older = second.changelog.find("## 0.1.0").unwrap();
    assert!(newest < older);
    write(&root, &second);

    // Regen again: the version is read back, nothing is added.
    let again = release(&root, Previous::Find(None)).unwrap();
    assert_eq!((again.version.as_str(), again.entry), ("0.2.0", None));
    assert_eq!(again.changelog, second.changelog);
}

#[test]
fn without_git_the_previous_slices_come_from_a_folder() {
    let root = scratch("changes-folder", "2023-10-27");
    let first = release(&root, Previous::Find(None)).unwrap();
    write(&root, &first);
    use_history(&root, "2026-08-20");
    // No repository holds the slices recorded: regen says what to do.
    let e = changes::release(&root, &root.join("generated"), Previous::Find(None))
        .err()
        .expect("the previous slices are nowhere");
    assert!(
        e.contains("--previous <folder>") && e.contains("global.csdl sha256 "),
        "{e}"
    );
    let folder = xtask::project_root().join("fixtures/history/2023-10-27");
    let next = release(&root, Previous::Find(Some(&folder))).unwrap();
    assert_eq!(next.version, "0.1.1");
    let entry = next.entry.unwrap();
    assert!(
        entry.contains("additive changes only bump the patch version of a 0.x crate. No breaking change, 52 additive changes."),
        "{entry}"
    );
}
