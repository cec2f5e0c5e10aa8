//! Project automation behind `cargo xtask`, as a library so tests run the
//! same code as the commands.

pub mod api;
pub mod api_diff;
pub mod bench;
pub mod bench_stage;
pub mod changes;
pub mod graph_check;
pub mod metadata;
pub mod naive;
pub mod regen;

use std::path::{Path, PathBuf};

/// The workspace root: the parent of this crate's manifest directory.
pub fn project_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives one level below the workspace root")
        .to_path_buf()
}
