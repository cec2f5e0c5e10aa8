//! Project automation: `cargo xtask <command>` (the alias lives in `.cargo/config.toml`).

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use xtask::{api_diff, bench, graph_check, metadata, naive, project_root, regen};

#[derive(Parser)]
#[command(name = "cargo xtask", about = "Project automation for graphgen")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Rebuild `generated/` from `metadata/`; report what changed in its API
    /// (also kept in `generated/CHANGES.md`) and set its version.
    Regen(regen::Args),
    /// Fail when `generated/` is stale against `metadata/` and the generator.
    Check,
    /// Measure the generator (release build) on the whole Graph document.
    Bench(bench::Args),
    /// Generate crates from the official Graph documents, `cargo check` and `cargo doc` them.
    GraphCheck(graph_check::Args),
    /// Write the naive baseline crate (every property `Option`, plain serde
    /// derives, no polymorphism) of the whole clean document, to compare
    /// compile times with.
    Naive(naive::Args),
    /// Print, as Markdown, what changes in the generated crate's API from
    /// OLD metadata to NEW, each change classed breaking or additive.
    ApiDiff(api_diff::Args),
    /// Work on the committed metadata slices.
    Metadata {
        #[command(subcommand)]
        command: metadata::Command,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Regen(args) => regen::regen(&project_root(), &args),
        Command::Check => regen::check(&project_root()),
        Command::Bench(args) => bench::run(&project_root(), args),
        Command::GraphCheck(args) => graph_check::run(&project_root(), args),
        Command::Naive(args) => naive::run(&project_root(), args),
        Command::ApiDiff(args) => api_diff::run(args),
        Command::Metadata { command } => metadata::run(&project_root(), command),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}
