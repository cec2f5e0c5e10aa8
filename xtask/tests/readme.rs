//! The README: its first lines are the two commands a newcomer runs, it
//! stays short, and every Rust block compiles (and runs, unless marked
//! otherwise) in a crate that has only the dependencies it tells users to
//! add (`readme/`).

use std::path::PathBuf;
use std::process::Command;

fn root() -> PathBuf {
    xtask::project_root()
}

fn readme() -> String {
    std::fs::read_to_string(root().join("README.md")).unwrap()
}

#[test]
fn opens_with_the_two_commands_and_stays_short() {
    let text = readme();
    let first: Vec<&str> = text.lines().take(4).collect();
    assert_eq!(first[0], "```sh");
    assert!(first[1].starts_with("cargo xtask regen "), "{first:?}");
    assert!(first[2].starts_with("cargo test --workspace "), "{first:?}");
    assert_eq!(first[3], "```");
    assert!(
        text.len() < 15_000,
        "README.md is {} bytes: keep it under 15 KB (details go to docs/)",
        text.len()
    );
}

/// The `[dependencies]` lines of the README's first `toml` block.
fn readme_dependencies() -> Vec<String> {
    let text = readme();
    let block = text
        .split("```toml\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("the README shows the dependencies to add in a toml block");
    block
        .lines()
        .filter(|l| !l.starts_with('[') && !l.trim().is_empty())
        .map(|l| l.split('#').next().unwrap().trim().to_string())
        .collect()
}

#[test]
fn the_check_crate_has_the_readmes_dependencies_and_no_other() {
    let manifest = std::fs::read_to_string(root().join("readme/Cargo.toml")).unwrap();
    let deps: Vec<String> = manifest
        .split("[dependencies]\n")
        .nth(1)
        .unwrap()
        .lines()
        .take_while(|l| !l.starts_with('['))
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.trim().replace("\"../generated\"", "\"generated\""))
        .collect();
    assert_eq!(deps, readme_dependencies());
}

#[test]
fn every_rust_block_compiles_as_a_users_crate_sees_it() {
    let text = readme();
    let blocks = text.matches("```rust").count();
    assert!(blocks >= 5, "{blocks} Rust blocks");
    let out = Command::new(env!("CARGO"))
        .args(["test", "--doc", "--locked", "--manifest-path"])
        .arg(root().join("readme/Cargo.toml"))
        // Its own folder: the check crate's dependencies resolve apart from
        // the workspace's, and a rebuild of one never invalidates the other.
        .env("CARGO_TARGET_DIR", root().join("target/readme"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "the README's Rust blocks fail in readme/ (if Cargo.lock is stale: \
         cargo update --manifest-path readme/Cargo.toml --workspace):\n{stdout}\n{stderr}"
    );
    // One doctest per block: none was skipped.
    let summary = format!("test result: ok. {blocks} passed; 0 failed; 0 ignored");
    assert!(stdout.contains(&summary), "expected `{summary}`:\n{stdout}");
}

#[test]
fn the_example_report_is_the_one_api_diff_writes() {
    let text = readme();
    let block = text
        .split("```markdown\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("the README shows an API change report");
    let snapshot = std::fs::read_to_string(
        root().join("xtask/tests/snapshots/history_2023-05-24_to_2023-10-27.snap"),
    )
    .unwrap();
    let report = snapshot.splitn(3, "---\n").nth(2).unwrap();
    assert_eq!(block.trim(), report.trim());
}
