//! `cargo xtask metadata ...`: cut the committed per-cloud slices out of the official documents.

use std::path::{Path, PathBuf};

#[derive(clap::Subcommand)]
pub enum Command {
    /// Cut `metadata/{global,usgov,china}.csdl` out of the official documents.
    Slice {
        /// The folder holding the official documents.
        #[arg(long, default_value = "../shared/metadata")]
        from: PathBuf,
    },
}

pub fn run(_root: &Path, command: Command) -> Result<(), String> {
    match command {
        Command::Slice { .. } => Err("metadata slice: not written yet".into()),
    }
}
