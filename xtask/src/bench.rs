//! `cargo xtask bench`: the generator's speed and memory on the whole
//! Microsoft Graph document and on the committed crate, in a release build.
//! Stages are timed on their own by the `bench-stage` binary
//! ([`crate::bench_stage`]), full runs on `graphgen` itself.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

#[derive(clap::Args)]
pub struct Args {
    /// The folder holding the official documents.
    #[arg(long, default_value = "../shared/metadata")]
    from: PathBuf,
    /// Runs per measurement (the median is reported).
    #[arg(long, default_value_t = 7)]
    runs: usize,
    /// An odata2ts executable (`node_modules/.bin/odata2ts` of an
    /// `npm install @odata2ts/odata2ts typescript`): also measures it on the
    /// global slice, in the same run, for comparison.
    #[arg(long, value_name = "PATH")]
    odata2ts: Option<PathBuf>,
}

struct Measure {
    median: Duration,
    peak_mb: f64,
    /// The median number of page faults of a run (minor ones: memory
    /// faulted in, which a fresh process pays for page by page).
    faults: u64,
    /// What each run printed, trimmed.
    lines: Vec<String>,
}

impl Measure {
    /// The median of the times the runs printed after `marker`, in ms.
    fn internal_median(&self, marker: &str) -> Result<f64, String> {
        let times = self
            .lines
            .iter()
            .map(|line| {
                internal_ms(line, marker)
                    .ok_or_else(|| format!("bench: no time after `{marker}` in `{line}`"))
            })
            .collect::<Result<Vec<f64>, String>>()?;
        Ok(median(times))
    }
}

/// The middle value (the upper one of an even count); `values` is not empty.
fn median<T: Copy + PartialOrd>(mut values: Vec<T>) -> T {
    values.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
    values[values.len() / 2]
}

pub fn run(root: &Path, args: Args) -> Result<(), String> {
    // An absolute path replaces the root.
    let from = root.join(&args.from);
    let clean = from.join(crate::graph_check::CLEAN);
    if !clean.exists() {
        return Err(format!("bench: {} not found", clean.display()));
    }
    let build = "build --release --quiet -p graphgen -p xtask --bin graphgen --bin bench-stage";
    let status = Command::new(env!("CARGO"))
        .args(build.split(' '))
        .current_dir(root)
        .status()
        .map_err(|e| format!("bench: cargo build: {e}"))?;
    if !status.success() {
        return Err(format!("bench: cargo {build} failed"));
    }
    let bin = root.join("target/release/graphgen");
    let stage_bin = root.join("target/release/bench-stage");
    let out = root.join("target/bench/out");
    let size_mb = std::fs::metadata(&clean).map_err(|e| e.to_string())?.len() as f64 / 1e6;
    let clean_arg = format!("global={}", clean.display());
    // The stages' runner takes the stage and the document.
    let stage = |name: &str| vec![name.to_string(), clean_arg.clone()];

    println!(
        "graphgen on {} ({size_mb:.1} MB, all namespaces), median of {} runs, release build:",
        clean.display(),
        args.runs
    );
    // Parsing alone: the same bytes, already in memory, parsed again and
    // again in one process, as criterion measures a function (and as
    // quick-xml's own figure is stated); taken in turns with quick-xml alone
    // so that both see the same machine.
    let [again_ms, tokenize_ms] = internal_medians(
        &stage_bin,
        [stage("parse-again"), stage("tokenize")],
        "process in ",
        args.runs,
    )?;
    println!(
        "  parse alone:          {again_ms:>7.1} ms  ({:.0} MB/s: the bytes in memory, parsed over and over in one process, as criterion would)",
        size_mb / (again_ms / 1e3)
    );
    println!(
        "    quick-xml alone on the same bytes, in turns: {tokenize_ms:.1} ms ({:.0} MB/s: every event, attributes split and unescaped, one thread)",
        size_mb / (tokenize_ms / 1e3)
    );
    // A fresh process also reads the file and faults in every page it
    // touches: what one run of graphgen pays, next to quick-xml doing the same.
    let [parse, tokenize_once] = measure_in_turns(
        &stage_bin,
        [stage("parse"), stage("tokenize-once")],
        args.runs,
    )?;
    let parse_ms = parse.internal_median("in ")?;
    let tokenize_once_ms = tokenize_once.internal_median("in ")?;
    println!(
        "  read and parse in a fresh process: {parse_ms:.1} ms ({:.0} MB/s, {} page faults; the whole process {:.1} ms)  peak {:.0} MB",
        size_mb / (parse_ms / 1e3),
        parse.faults,
        parse.median.as_secs_f64() * 1e3,
        parse.peak_mb
    );
    println!(
        "    quick-xml alone, reading the file, in a fresh process, in turns: {tokenize_once_ms:.1} ms ({:.0} MB/s, every event once; {} page faults)",
        size_mb / (tokenize_once_ms / 1e3),
        tokenize_once.faults
    );
    let resolve = measure(&stage_bin, &stage("resolve"), args.runs)?;
    println!(
        "  parse + resolve:      {:>7.1} ms  peak {:.0} MB",
        resolve.median.as_secs_f64() * 1e3,
        resolve.peak_mb
    );
    // Full runs write into the same folder each time; the first writes it all.
    let _ = std::fs::remove_dir_all(&out);
    let whole = [
        "--metadata".into(),
        clean_arg.clone(),
        "--all-namespaces".into(),
        "--out".into(),
        out.display().to_string(),
    ];
    let full = measure(&bin, &whole, args.runs)?;
    println!(
        "  full run (format, write): {:>7.1} ms  peak {:.0} MB   [{}]",
        full.median.as_secs_f64() * 1e3,
        full.peak_mb,
        full.lines.last().map_or("", String::as_str)
    );
    let _ = std::fs::remove_dir_all(&out);
    let mut slices: Vec<String> = Vec::new();
    for (cloud, path) in crate::regen::SLICES {
        slices.push("--metadata".into());
        slices.push(format!("{cloud}={}", root.join(path).display()));
    }
    slices.extend([
        "--namespace".into(),
        crate::regen::NAMESPACE.into(),
        "--out".into(),
        root.join("target/bench/connectors").display().to_string(),
    ]);
    let connectors = measure(&bin, &slices, args.runs)?;
    println!(
        "  externalConnectors from the three slices: {:.1} ms  peak {:.0} MB",
        connectors.median.as_secs_f64() * 1e3,
        connectors.peak_mb
    );
    if let Some(odata2ts) = &args.odata2ts {
        let odata2ts = &std::path::absolute(odata2ts).map_err(|e| format!("bench: {e}"))?;
        // The same input for both: the global slice, every kind of output.
        let slice = root.join(crate::regen::SLICES[0].1);
        let ours = measure(
            &bin,
            &[
                "--metadata".into(),
                slice.display().to_string(),
                "--all-namespaces".into(),
                "--out".into(),
                root.join("target/bench/slice").display().to_string(),
            ],
            args.runs,
        )?;
        // odata2ts reads tsconfig.json from the folder it runs in: the one
        // holding its node_modules.
        let package = odata2ts
            .ancestors()
            .find(|d| d.join("node_modules").is_dir())
            .map(Path::to_path_buf);
        let theirs = measure_in(
            odata2ts,
            &[
                "-s".into(),
                slice.display().to_string(),
                "-o".into(),
                root.join("target/bench/odata2ts").display().to_string(),
                "-m".into(),
                "all".into(),
                "-e".into(),
                "ts".into(),
            ],
            args.runs,
            package.as_deref(),
        )?;
        println!(
            "  the global slice ({}): graphgen {:.1} ms, peak {:.0} MB; odata2ts (models, q-objects, services) {:.1} ms, peak {:.0} MB",
            crate::regen::SLICES[0].1,
            ours.median.as_secs_f64() * 1e3,
            ours.peak_mb,
            theirs.median.as_secs_f64() * 1e3,
            theirs.peak_mb
        );
    }
    Ok(())
}

/// Runs `bin args` `runs` times; the median wall time (the whole process)
/// and the largest peak resident memory.
fn measure(bin: &Path, args: &[String], runs: usize) -> Result<Measure, String> {
    measure_in(bin, args, runs, None)
}

/// [`measure`], with the process started in `cwd`.
fn measure_in(
    bin: &Path,
    args: &[String],
    runs: usize,
    cwd: Option<&Path>,
) -> Result<Measure, String> {
    let mut times = Vec::new();
    let mut peak_kb = 0u64;
    let mut faults = Vec::new();
    let mut lines = Vec::new();
    for _ in 0..runs.max(1) {
        let start = Instant::now();
        let mut command = Command::new("/usr/bin/time");
        command.arg("-v").arg(bin).args(args);
        if let Some(cwd) = cwd {
            command.current_dir(cwd);
        }
        let output = command.output().map_err(|e| {
            format!(
                "bench: {}: {e} (GNU time is needed for peak memory)",
                bin.display()
            )
        })?;
        times.push(start.elapsed());
        if !output.status.success() {
            return Err(format!(
                "bench: {} failed: {}",
                bin.display(),
                String::from_utf8_lossy(&output.stderr)
            ));
        }
        let stderr = String::from_utf8_lossy(&output.stderr);
        if let Some(kb) = time_field(&stderr, "Maximum resident set size (kbytes)") {
            peak_kb = peak_kb.max(kb);
        }
        faults.extend(time_field(
            &stderr,
            "Minor (reclaiming a frame) page faults",
        ));
        lines.push(String::from_utf8_lossy(&output.stdout).trim().to_string());
    }
    Ok(Measure {
        median: median(times),
        peak_mb: peak_kb as f64 / 1e3,
        faults: if faults.is_empty() { 0 } else { median(faults) },
        lines,
    })
}

/// The number GNU `time -v` reports after `label` in `stderr`.
fn time_field(stderr: &str, label: &str) -> Option<u64> {
    stderr
        .lines()
        .find_map(|l| l.trim().strip_prefix(label)?.strip_prefix(':'))
        .and_then(|n| n.trim().parse().ok())
}

/// Runs each of the `N` argument lists in turn, `runs` times: each list's
/// runs measured as [`measure`] measures them, so that all see the same machine.
fn measure_in_turns<const N: usize>(
    bin: &Path,
    args: [Vec<String>; N],
    runs: usize,
) -> Result<[Measure; N], String> {
    let mut each: [Vec<Measure>; N] = std::array::from_fn(|_| Vec::new());
    for _ in 0..runs.max(1) {
        for (args, each) in args.iter().zip(&mut each) {
            each.push(measure(bin, args, 1)?);
        }
    }
    Ok(each.map(|runs| Measure {
        median: median(runs.iter().map(|m| m.median).collect()),
        peak_mb: runs.iter().map(|m| m.peak_mb).fold(0.0, f64::max),
        faults: median(runs.iter().map(|m| m.faults).collect()),
        lines: runs.into_iter().flat_map(|m| m.lines).collect(),
    }))
}

/// [`measure_in_turns`], keeping the median of the time each prints after
/// `marker`, in ms.
fn internal_medians<const N: usize>(
    bin: &Path,
    args: [Vec<String>; N],
    marker: &str,
    runs: usize,
) -> Result<[f64; N], String> {
    let measures = measure_in_turns(bin, args, runs)?;
    let mut medians = [0.0; N];
    for (median, measure) in medians.iter_mut().zip(&measures) {
        *median = measure.internal_median(marker)?;
    }
    Ok(medians)
}

/// The duration after `marker` in a line like "parsed 3517196 bytes in 18.2ms", in ms.
fn internal_ms(line: &str, marker: &str) -> Option<f64> {
    let text = line.split(marker).nth(1)?.split([',', ' ']).next()?;
    if let Some(ms) = text.strip_suffix("ms") {
        ms.parse().ok()
    } else if let Some(us) = text.strip_suffix("µs") {
        us.parse::<f64>().ok().map(|u| u / 1e3)
    } else {
        text.strip_suffix('s')?.parse::<f64>().ok().map(|s| s * 1e3)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_of_gnu_time_are_read_by_label() {
        let stderr = "\tCommand being timed: \"graphgen\"\n\
                      \tMaximum resident set size (kbytes): 15360\n\
                      \tMajor (requiring I/O) page faults: 0\n\
                      \tMinor (reclaiming a frame) page faults: 2841\n";
        assert_eq!(
            time_field(stderr, "Maximum resident set size (kbytes)"),
            Some(15360)
        );
        assert_eq!(
            time_field(stderr, "Minor (reclaiming a frame) page faults"),
            Some(2841)
        );
        assert_eq!(
            time_field(stderr, "Major (requiring I/O) page faults"),
            Some(0)
        );
        assert_eq!(time_field(stderr, "Swaps"), None);
    }

    #[test]
    fn internal_times_are_read_in_any_unit() {
        let line = "parsed 3517196 bytes in 18.2ms, resolved 3823 types in 1.5s";
        assert_eq!(internal_ms(line, "bytes in "), Some(18.2));
        assert_eq!(internal_ms(line, "types in "), Some(1500.0));
        assert_eq!(internal_ms("done in 950µs", "in "), Some(0.95));
        assert_eq!(internal_ms("no time here", "in "), None);
    }
}
