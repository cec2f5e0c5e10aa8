//! Sends activities to an external item with Microsoft Graph's
//! `addActivities` action and prints what became of each one.
//!
//! ```text
//! cargo run -p msgraph-connectors --example add_activities -- \
//!     --connection contosohr --item TSP228082938 --activities activities.json [--json]
//! ```
//!
//! FILE (or `-` for standard input) holds the activities in any of three
//! forms, told apart by their content: the request body of the action,
//!
//! ```json
//! {"activities": [{"@odata.type": "#microsoft.graph.externalConnectors.externalActivity",
//!   "type": "created", "startDateTime": "2021-04-06T18:04:31.033Z",
//!   "performedBy": {"type": "user", "id": "1f0c997e-99f7-43f1-8cca-086f8d42be8d"}}]}
//! ```
//!
//! the bare array (`[{...}, {...}]`), or JSON Lines: one activity object a
//! line, blank lines allowed. A file that cannot be read says where: line
//! and column, the line of JSON Lines, or the activity's position.
//!
//! One line per activity on standard output, tab-separated: its index in
//! FILE (0-based, blank lines not counted), its type, its start time, and
//! `ok` or `CODE: message`. With `--json`, one JSON object a line instead:
//! `{"index", "type", "startDateTime", "status"}`, `status` being `ok`,
//! `failed`, `missing` (the response had no result for it), `callFailed`
//! or `notSent`, with `"error": {"code", "message"}` unless `ok`.
//! Exit status: 0 when every activity was recorded (200), 2 when some
//! failed (207), 1 on an error (the message goes to standard error).
//!
//! More than 20 activities are sent as calls of at most 20, `--concurrency`
//! (default 4) at a time. Their lines come as each call ends (so not
//! always in FILE order), and progress goes to standard error: a bar on a
//! terminal, else lines such as `sent 20/45`. Ctrl-C starts no further
//! call: those in flight end and are printed, the rest are listed as not
//! sent (exit status 1); a second Ctrl-C quits at once.
//!
//! Auth: `--token TOKEN` sends a bearer token you already have (note that
//! command-line arguments are visible to other local users). Without it, the
//! OAuth2 client-credentials flow runs with `AZURE_TENANT_ID`,
//! `AZURE_CLIENT_ID` and `AZURE_CLIENT_SECRET` against the cloud's Entra ID
//! authority (`--authority-host` or `AZURE_AUTHORITY_HOST` overrides it).
//! The app needs the `ExternalItem.ReadWrite.OwnedBy` or
//! `ExternalItem.ReadWrite.All` application permission.
//!
//! `RUST_LOG` (e.g. `RUST_LOG=graphgen_runtime=debug`) logs the runtime's
//! calls on standard error.

mod support;

use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use futures_util::StreamExt as _;
use graphgen_runtime::batch::{BatchEntry, EntryStatus};
use graphgen_runtime::{BatchOperation, CallOutcome, Client, Cloud, Nullable, DEFAULT_CONCURRENCY};
use msgraph_connectors::external_connectors::{
    AddActivities, AnyExternalActivity, ExternalActivityResult,
};
use serde_json::{json, Value};
use support::{describe, err_line, fail, out_line, Progress};

/// Send externalActivity records to an external item (Microsoft Graph
/// addActivities) and print the result of each.
#[derive(Parser, Debug)]
#[command(version)]
struct Args {
    /// The connection id (externalConnection key).
    #[arg(long, value_name = "ID")]
    connection: String,

    /// The external item id (externalItem key).
    #[arg(long, value_name = "ID")]
    item: String,

    /// JSON file holding {"activities": [...]}, [...] or one activity a
    /// line (JSON Lines); `-` reads standard input.
    #[arg(long, value_name = "FILE")]
    activities: PathBuf,

    /// Print one JSON object a line (index, type, startDateTime, status,
    /// error) instead of tab-separated text.
    #[arg(long)]
    json: bool,

    /// Calls in flight at once when more than 20 activities are sent.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_CONCURRENCY as u16,
          value_parser = clap::value_parser!(u16).range(1..))]
    concurrency: u16,

    /// National cloud: global, usgov-l4, usgov-l5 or china.
    #[arg(long, default_value = "global", value_name = "CLOUD")]
    cloud: Cloud,

    #[command(flatten)]
    service: support::Service,
}

fn main() -> ExitCode {
    // A usage error is exit status 1 (2 means "some activities failed").
    support::main(run)
}

/// The activities in FILE, in whichever of the three forms it holds.
fn read_activities(path: &PathBuf) -> Result<Vec<AnyExternalActivity>, String> {
    let mut bytes = Vec::new();
    let shown = if path.as_os_str() == "-" {
        std::io::stdin()
            .read_to_end(&mut bytes)
            .map_err(|e| format!("cannot read standard input: {e}"))?;
        "standard input".to_owned()
    } else {
        bytes = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        path.display().to_string()
    };
    let text = String::from_utf8(bytes).map_err(|e| format!("{shown} is not UTF-8: {e}"))?;
    // Some Windows editors start a file with a byte-order mark.
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let values = parse(text, &shown)?;
    if values.is_empty() {
        return Err(format!("{shown} holds no activities"));
    }
    values
        .into_iter()
        .enumerate()
        .map(|(i, (line, value))| {
            let at = match line {
                Some(n) => format!("{shown}:{n}"),
                None => format!("{shown}: activity {i}"),
            };
            serde_json::from_value(value).map_err(|e| format!("{at}: not an externalActivity: {e}"))
        })
        .collect()
}

/// FILE's activities as JSON values, each with its line for JSON Lines.
fn parse(text: &str, shown: &str) -> Result<Vec<(Option<usize>, Value)>, String> {
    let at = |e: &serde_json::Error| format!("{shown}:{}:{}: {}", e.line(), e.column(), bare(e));
    if text.trim_start().starts_with('[') {
        let all: Vec<Value> = serde_json::from_str(text).map_err(|e| at(&e))?;
        return Ok(all.into_iter().map(|v| (None, v)).collect());
    }
    // A request body is one value holding `activities`; anything else
    // starting with a value is JSON Lines.
    let mut values = serde_json::Deserializer::from_str(text).into_iter::<Value>();
    let first = match values.next() {
        None => return Ok(Vec::new()),
        Some(Err(e)) => return Err(at(&e)),
        Some(Ok(first)) => first,
    };
    let Some(activities) = first.get("activities") else {
        return json_lines(text, shown);
    };
    let end = values.byte_offset();
    match values.next() {
        None => {}
        Some(Err(e)) => return Err(at(&e)),
        Some(Ok(_)) => {
            // The line where the next value starts.
            let next = end + (text[end..].len() - text[end..].trim_start().len());
            let line = text[..next].matches('\n').count() + 1;
            return Err(format!(
                "{shown}:{line}: more follows the request body ({{\"activities\": [...]}})"
            ));
        }
    }
    match activities {
        Value::Array(all) => Ok(all.iter().map(|v| (None, v.clone())).collect()),
        Value::Null => Ok(Vec::new()),
        _ => Err(format!("{shown}: `activities` is not an array")),
    }
}

/// One activity a line; blank lines are skipped but counted.
fn json_lines(text: &str, shown: &str) -> Result<Vec<(Option<usize>, Value)>, String> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let value = serde_json::from_str(line).map_err(|e| {
            format!(
                "{shown}:{}:{}: {} (JSON Lines: one activity a line)",
                n + 1,
                e.column(),
                bare(&e)
            )
        })?;
        out.push((Some(n + 1), value));
    }
    Ok(out)
}

/// serde_json's message without the position it appends (given apart).
fn bare(e: &serde_json::Error) -> String {
    let text = e.to_string();
    let position = format!(" at line {} column {}", e.line(), e.column());
    text.strip_suffix(&position).unwrap_or(&text).to_owned()
}

fn client(args: &Args) -> Result<Client, String> {
    // Names this crate in User-Agent.
    let builder = msgraph_connectors::client(args.cloud);
    let builder = args.service.apply(builder, args.cloud)?;
    builder.build().map_err(|e| describe(&e))
}

/// Type and start time of an activity as written in FILE, if it has them.
fn type_and_start(a: &AnyExternalActivity) -> (Option<String>, Option<String>) {
    match a {
        AnyExternalActivity::ExternalActivity(a) => (shown(&a.r#type), shown(&a.start_date_time)),
        AnyExternalActivity::ExternalActivityResult(a) => {
            (shown(&a.r#type), shown(&a.start_date_time))
        }
        // An @odata.type this crate does not know: show what it holds.
        AnyExternalActivity::Unrecognized(map) => {
            let field = |name: &str| map.get(name).and_then(|v| v.as_str()).map(str::to_owned);
            (field("type"), field("startDateTime"))
        }
        _ => (None, None),
    }
}

fn shown(value: &Nullable<impl std::fmt::Display>) -> Option<String> {
    value.value().map(ToString::to_string)
}

/// What became of one activity.
enum Fate {
    Ok,
    /// The service's error for it (code, message), if it gave one.
    Failed(Option<(Option<String>, Option<String>)>),
    Missing,
    CallFailed {
        code: Option<String>,
        why: String,
    },
    NotSent(&'static str),
}

impl Fate {
    fn of(entry: &BatchEntry<AnyExternalActivity, ExternalActivityResult>) -> Fate {
        match &entry.status {
            EntryStatus::Succeeded(_) => Fate::Ok,
            EntryStatus::Failed(result) => Fate::Failed(
                result
                    .error
                    .value()
                    .map(|e| (e.code.value().cloned(), e.message.value().cloned())),
            ),
            EntryStatus::Missing => Fate::Missing,
        }
    }

    /// The last column of a text line.
    fn text(&self) -> String {
        match self {
            Fate::Ok => "ok".to_owned(),
            Fate::Failed(Some((code, message))) => format!(
                "{}: {}",
                code.as_deref().unwrap_or("(no code)"),
                message.as_deref().unwrap_or("(no message)")
            ),
            Fate::Failed(None) => "failed".to_owned(),
            Fate::Missing => "missing: the response has no result for it".to_owned(),
            // A 500 or a timeout may have been recorded all the same.
            Fate::CallFailed { why, .. } => format!("call failed: {why}"),
            Fate::NotSent(why) => format!("not sent: {why}"),
        }
    }

    /// `status` and `error` of a JSON line.
    fn json(&self) -> (&'static str, Value) {
        let error = |code: Option<&str>, message: &str| json!({"code": code, "message": message});
        match self {
            Fate::Ok => ("ok", Value::Null),
            Fate::Failed(Some((code, message))) => {
                ("failed", json!({"code": code, "message": message}))
            }
            Fate::Failed(None) => ("failed", error(None, "the result reports a failure")),
            Fate::Missing => ("missing", error(None, "the response has no result for it")),
            Fate::CallFailed { code, why } => ("callFailed", error(code.as_deref(), why)),
            Fate::NotSent(why) => ("notSent", error(None, why)),
        }
    }
}

/// Standard output: a line per activity, as text or JSON.
struct Report {
    json: bool,
}

impl Report {
    fn line(&self, index: usize, a: &AnyExternalActivity, fate: &Fate) {
        let (kind, start) = type_and_start(a);
        let text = if self.json {
            let (status, error) = fate.json();
            let mut line = json!({
                "index": index,
                "type": kind,
                "startDateTime": start,
                "status": status,
            });
            if !error.is_null() {
                line["error"] = error;
            }
            line.to_string()
        } else {
            // Tabs and line breaks in the text would break the columns.
            let clean = |s: &str| s.replace(['\t', '\r', '\n'], " ");
            let or_what = |s: Option<String>| clean(s.as_deref().unwrap_or("?"));
            format!(
                "{index}\t{}\t{}\t{}",
                or_what(kind),
                or_what(start),
                clean(&fate.text())
            )
        };
        out_line(text);
    }
}

/// Results that echo none of the activities sent are not printed as lines.
fn unmatched_note(count: usize) {
    if count > 0 {
        err_line(format!(
            "note: {count} result(s) in the response matched no activity sent"
        ));
    }
}

async fn run(args: Args) -> ExitCode {
    let activities = match read_activities(&args.activities) {
        Ok(a) => a,
        Err(e) => return fail(e),
    };
    let client = match client(&args) {
        Ok(c) => c,
        Err(e) => return fail(e),
    };
    let report = Report { json: args.json };
    let op = AddActivities::new(&args.connection, &args.item, activities);
    if op.items().len() <= AddActivities::MAX_ITEMS {
        send_one(&client, op, &report).await
    } else {
        send_many(&client, op, usize::from(args.concurrency), &report).await
    }
}

/// One call: its failure is the program's error, with no lines.
async fn send_one(client: &Client, op: AddActivities, report: &Report) -> ExitCode {
    match op.send(client).await {
        Ok(outcome) => {
            for entry in outcome.entries() {
                report.line(entry.index, &entry.item, &Fate::of(entry));
            }
            unmatched_note(outcome.unmatched_results().len());
            if outcome.is_complete_success() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(2)
            }
        }
        Err(e) => fail(describe(&e)),
    }
}

/// Calls of at most 20, printed as each ends so that a stop loses nothing
/// already sent.
async fn send_many(
    client: &Client,
    op: AddActivities,
    concurrency: usize,
    report: &Report,
) -> ExitCode {
    let mut progress = Progress::new("sent", op.items().len());
    let mut calls = client.send_batch_stream(op, concurrency);
    let mut interrupt = std::pin::pin!(tokio::signal::ctrl_c());
    let (mut watching, mut stopped) = (true, false);
    let (mut all_ok, mut unmatched, mut not_sent) = (true, 0, 0);
    let mut failed_calls = Vec::new();
    loop {
        let outcome = tokio::select! {
            // First, so that the handler is in place before any call goes.
            biased;
            signal = &mut interrupt, if watching => {
                if signal.is_err() {
                    // No handler: Ctrl-C keeps its default effect.
                    watching = false;
                } else if stopped {
                    err_line("interrupted again: the calls in flight may or may not have been recorded");
                    return ExitCode::from(1);
                } else {
                    stopped = true;
                    calls.stop();
                    err_line("stopping: waiting for the calls in flight (Ctrl-C again to quit now)");
                    interrupt.set(tokio::signal::ctrl_c());
                }
                continue;
            }
            next = calls.next() => match next {
                Some(outcome) => outcome,
                None => break,
            },
        };
        match outcome {
            CallOutcome::Answered(o) => {
                for entry in o.entries() {
                    report.line(entry.index, &entry.item, &Fate::of(entry));
                }
                all_ok &= o.is_complete_success();
                unmatched += o.unmatched_results().len();
                progress.advance(o.entries().len());
            }
            CallOutcome::Failed(call) => {
                let why = describe(&call.error);
                let code = call
                    .error
                    .service_error()
                    .and_then(|e| e.code())
                    .map(str::to_owned);
                let fate = Fate::CallFailed {
                    code,
                    why: why.clone(),
                };
                for (i, a) in &call.items {
                    report.line(*i, a, &fate);
                }
                let first = call.items.first().map_or(0, |(i, _)| *i);
                let last = call.items.last().map_or(0, |(i, _)| *i);
                failed_calls.push((first, last, why));
                progress.advance(call.items.len());
            }
            CallOutcome::NotSent(items) => {
                let fate = Fate::NotSent(match stopped {
                    true => "stopped before it was sent",
                    false => "an earlier call failed",
                });
                for (i, a) in &items {
                    report.line(*i, a, &fate);
                }
                not_sent += items.len();
            }
        }
    }
    unmatched_note(unmatched);
    drop(progress);
    failed_calls.sort();
    for (first, last, why) in &failed_calls {
        eprintln!("error: the call with activities {first}..={last} failed: {why}");
    }
    if stopped && not_sent > 0 {
        eprintln!("error: stopped; {not_sent} activities were not sent");
    }
    if !failed_calls.is_empty() || not_sent > 0 {
        ExitCode::from(1)
    } else if all_ok && unmatched == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    }
}
