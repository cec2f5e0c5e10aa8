//! `bench-stage STAGE [CLOUD=]FILE...`: one stage of graphgen on the
//! documents, timed, for `cargo xtask bench` (see `xtask::bench_stage`).

use std::process::ExitCode;

use clap::Parser;
use graphgen::MetadataFile;
use xtask::bench_stage::{run, Stage};

// The allocator graphgen's command uses, so that the stages cost what they
// cost there.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Runs one stage of graphgen on the documents and prints how long it took.
#[derive(Parser)]
#[command(name = "bench-stage")]
struct Args {
    #[arg(value_enum)]
    stage: Stage,
    /// The documents, as graphgen's `--metadata` takes them (every namespace is selected).
    #[arg(required = true, value_name = "[CLOUD=]FILE")]
    metadata: Vec<String>,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let metadata: Vec<MetadataFile> = args
        .metadata
        .iter()
        .map(|m| MetadataFile::parse_arg(m))
        .collect();
    match run(args.stage, &metadata) {
        Ok(line) => {
            println!("{line}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}
