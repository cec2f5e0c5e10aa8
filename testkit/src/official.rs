//! The official Microsoft Graph documents, for the tests that read them.
//!
//! They live outside the repository, in `../shared/metadata` beside the
//! workspace (`GRAPHGEN_OFFICIAL_DIR` names another folder). Where they are
//! absent, a test that needs them is skipped, and says so on stderr:
//! `SKIPPED: <test>: ../shared/metadata is absent`. With
//! `GRAPHGEN_REQUIRE_OFFICIAL=1` (CI sets it) a missing folder fails the
//! test instead, so that a run that skipped them cannot pass for a full one.

use std::ffi::OsString;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

/// The clean v1.0 document (Microsoft's, with its known defects repaired).
pub const CLEAN: &str = "graph-v1.0.clean.xml";
/// The `$metadata` of the global cloud.
pub const GLOBAL: &str = "graph-v1.0-global.csdl";
/// The `$metadata` of the US Government cloud.
pub const USGOV: &str = "graph-v1.0-usgov.csdl";
/// The `$metadata` of the China cloud.
pub const CHINA: &str = "graph-v1.0-china.csdl";
/// All four, the clean document first.
pub const ALL: [&str; 4] = [CLEAN, GLOBAL, USGOV, CHINA];

/// Names a folder to use instead of `../shared/metadata`.
pub const DIR_VAR: &str = "GRAPHGEN_OFFICIAL_DIR";
/// When `1`, a missing folder fails the test instead of skipping it.
pub const REQUIRE_VAR: &str = "GRAPHGEN_REQUIRE_OFFICIAL";

static SKIPPED: AtomicUsize = AtomicUsize::new(0);

/// The folder of the official documents for `test`, or `None` after saying
/// on stderr that `test` is skipped (see the module's docs).
///
/// # Panics
///
/// When the folder is absent and `GRAPHGEN_REQUIRE_OFFICIAL=1`.
pub fn dir(test: &str) -> Option<PathBuf> {
    let (dir, required) = settings(std::env::var_os(DIR_VAR), std::env::var_os(REQUIRE_VAR));
    locate(test, dir, required)
}

/// How many tests this process skipped for want of the documents.
pub fn skipped() -> usize {
    SKIPPED.load(Ordering::SeqCst)
}

/// The folder and whether it is required, from the two variables' values.
fn settings(dir: Option<OsString>, require: Option<OsString>) -> (PathBuf, bool) {
    let dir = match dir {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/metadata"),
    };
    (dir, require.is_some_and(|v| v == "1"))
}

fn locate(test: &str, dir: PathBuf, required: bool) -> Option<PathBuf> {
    if dir.is_dir() {
        return Some(dir);
    }
    if required {
        panic!(
            "{test}: ../shared/metadata is absent (looked in {}) and {REQUIRE_VAR}=1",
            dir.display()
        );
    }
    SKIPPED.fetch_add(1, Ordering::SeqCst);
    // Straight to the stream, in one write: the test harness hides what
    // `eprintln!` prints in a test that passes.
    let line = format!("SKIPPED: {test}: ../shared/metadata is absent\n");
    let _ = std::io::stderr().lock().write_all(line.as_bytes());
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        std::env::temp_dir().join(format!("graphgen-testkit-{}-{name}", std::process::id()))
    }

    #[test]
    fn the_variables_name_the_folder_and_require_it() {
        let (default, required) = settings(None, None);
        assert!(
            default.ends_with("shared/metadata"),
            "{}",
            default.display()
        );
        assert!(!required);
        let (dir, required) = settings(Some("elsewhere".into()), Some("1".into()));
        assert_eq!((dir, required), (PathBuf::from("elsewhere"), true));
        assert!(!settings(None, Some("0".into())).1);
        assert!(!settings(None, Some("".into())).1);
    }

    #[test]
    fn a_present_folder_is_given_and_an_absent_one_skips_and_counts() {
        let present = scratch("present");
        std::fs::create_dir_all(&present).unwrap();
        let before = skipped();
        assert_eq!(locate("t", present.clone(), false), Some(present.clone()));
        assert_eq!(locate("t", present.clone(), true), Some(present.clone()));
        assert_eq!(skipped(), before);
        assert_eq!(
            locate("(testkit: a skip on purpose)", scratch("absent"), false),
            None
        );
        assert_eq!(skipped(), before + 1);
        std::fs::remove_dir_all(&present).unwrap();
    }

    #[test]
    #[should_panic(expected = "t: ../shared/metadata is absent")]
    fn an_absent_folder_fails_when_required() {
        locate("t", scratch("absent-required"), true);
    }
}
