//! Sends activities to an external item with Microsoft Graph's
//! `addActivities` action and prints what became of each one.
//!
//! ```text
//! cargo run -p msgraph-connectors --example add_activities -- \
//!     --connection contosohr --item TSP228082938 --activities activities.json
//! ```
//!
//! FILE (or `-` for standard input) holds the request body of the action:
//!
//! ```json
//! {"activities": [{"@odata.type": "#microsoft.graph.externalConnectors.externalActivity",
//!   "type": "created", "startDateTime": "2021-04-06T18:04:31.033Z",
//!   "performedBy": {"type": "user", "id": "1f0c997e-99f7-43f1-8cca-086f8d42be8d"}}]}
//! ```
//!
//! One line per activity on standard output, tab-separated: its index in
//! FILE, its type, its start time, and `ok` or `CODE: message`.
//! Exit status: 0 when every activity was recorded (200), 2 when some
//! failed (207), 1 on an error (the message goes to standard error).
//!
//! Auth: `--token TOKEN` sends a bearer token you already have (note that
//! command-line arguments are visible to other local users). Without it, the
//! OAuth2 client-credentials flow runs with `AZURE_TENANT_ID`,
//! `AZURE_CLIENT_ID` and `AZURE_CLIENT_SECRET` against the cloud's Entra ID
//! authority (`--authority-host` or `AZURE_AUTHORITY_HOST` overrides it).
//! The app needs the `ExternalItem.ReadWrite.OwnedBy` or
//! `ExternalItem.ReadWrite.All` application permission.
//!
//! More than 20 activities are sent as consecutive calls of at most 20.

mod support;

use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use graphgen_runtime::batch::{BatchEntry, EntryStatus};
use graphgen_runtime::{Client, Cloud, Nullable};
use msgraph_connectors::external_connectors::{
    AddActivities, AddActivitiesBody, AnyExternalActivity, ExternalActivityResult,
};
use support::{describe, fail};

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

    /// JSON file holding {"activities": [...]}; `-` reads standard input.
    #[arg(long, value_name = "FILE")]
    activities: PathBuf,

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

fn read_activities(path: &PathBuf) -> Result<Vec<AnyExternalActivity>, String> {
    let mut text = Vec::new();
    let shown = if path.as_os_str() == "-" {
        std::io::stdin()
            .read_to_end(&mut text)
            .map_err(|e| format!("cannot read standard input: {e}"))?;
        "standard input".to_owned()
    } else {
        text = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        path.display().to_string()
    };
    let body: AddActivitiesBody = serde_json::from_slice(&text).map_err(|e| {
        format!("{shown} is not an addActivities request body ({{\"activities\": [...]}}): {e}")
    })?;
    match body.activities.into_value() {
        Some(activities) if !activities.is_empty() => Ok(activities),
        _ => Err(format!("{shown} holds no activities")),
    }
}

fn client(args: &Args) -> Result<Client, String> {
    // Names this crate in User-Agent.
    let builder = msgraph_connectors::client(args.cloud);
    let builder = args.service.apply(builder, args.cloud)?;
    builder.build().map_err(|e| describe(&e))
}

/// Type and start time of an activity as written in FILE.
fn type_and_start(a: &AnyExternalActivity) -> (String, String) {
    match a {
        AnyExternalActivity::ExternalActivity(a) => (shown(&a.r#type), shown(&a.start_date_time)),
        AnyExternalActivity::ExternalActivityResult(a) => {
            (shown(&a.r#type), shown(&a.start_date_time))
        }
        // An @odata.type this crate does not know: show what it holds.
        AnyExternalActivity::Unrecognized(map) => {
            let field = |name: &str| {
                map.get(name)
                    .and_then(|v| v.as_str())
                    .unwrap_or("?")
                    .to_owned()
            };
            (field("type"), field("startDateTime"))
        }
        _ => ("?".to_owned(), "?".to_owned()),
    }
}

/// A property as text, `?` when it has no value.
fn shown(value: &Nullable<impl std::fmt::Display>) -> String {
    value
        .value()
        .map_or_else(|| "?".to_owned(), ToString::to_string)
}

fn outcome_text(entry: &BatchEntry<AnyExternalActivity, ExternalActivityResult>) -> String {
    match &entry.status {
        EntryStatus::Succeeded(_) => "ok".to_owned(),
        EntryStatus::Failed(result) => match result.error.value() {
            Some(e) => format!(
                "{}: {}",
                e.code.as_deref().unwrap_or("(no code)"),
                e.message.as_deref().unwrap_or("(no message)")
            ),
            None => "failed".to_owned(),
        },
        EntryStatus::Missing => "missing: the response has no result for it".to_owned(),
    }
}

/// One tab-separated line; tabs and line breaks in the text become spaces.
fn line(out: &mut impl Write, index: usize, a: &AnyExternalActivity, outcome: &str) {
    let (kind, start) = type_and_start(a);
    let clean = |s: &str| s.replace(['\t', '\r', '\n'], " ");
    // A closed pipe (`| head`) is not worth a panic.
    let _ = writeln!(
        out,
        "{index}\t{}\t{}\t{}",
        clean(&kind),
        clean(&start),
        clean(outcome)
    );
}

/// Results that echo none of the activities sent are not printed as lines.
fn unmatched_note(count: usize) {
    if count > 0 {
        eprintln!("note: {count} result(s) in the response matched no activity sent");
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
    let op = AddActivities::new(&args.connection, &args.item, activities);
    let stdout = std::io::stdout();
    let mut out = stdout.lock();

    if op.body.activities.value().map_or(0, Vec::len) <= 20 {
        match op.send(&client).await {
            Ok(outcome) => {
                for entry in outcome.entries() {
                    line(&mut out, entry.index, &entry.item, &outcome_text(entry));
                }
                let _ = out.flush();
                unmatched_note(outcome.unmatched_results().len());
                if outcome.is_complete_success() {
                    ExitCode::SUCCESS
                } else {
                    ExitCode::from(2)
                }
            }
            Err(e) => fail(describe(&e)),
        }
    } else {
        let outcome = op.send_split(&client).await;
        // Every activity once, in FILE order: from a call that answered, or
        // from one that failed as a whole (or was not sent after it).
        let mut lines: Vec<(usize, &AnyExternalActivity, String)> = outcome
            .entries()
            .iter()
            .map(|e| (e.index, &e.item, outcome_text(e)))
            .collect();
        for call in outcome.failed_calls() {
            let why = describe(&call.error);
            for (i, a) in &call.items {
                // A 500 or a timeout may have been recorded all the same.
                lines.push((*i, a, format!("call failed: {why}")));
            }
            for (i, a) in &call.not_sent {
                lines.push((*i, a, "not sent: an earlier call failed".to_owned()));
            }
        }
        lines.sort_by_key(|(i, _, _)| *i);
        for (i, a, text) in &lines {
            line(&mut out, *i, a, text);
        }
        let _ = out.flush();
        unmatched_note(outcome.unmatched_results().len());
        if !outcome.failed_calls().is_empty() {
            for call in outcome.failed_calls() {
                eprintln!(
                    "error: the call with activities {}..={} failed: {}",
                    call.items.first().map_or(0, |(i, _)| *i),
                    call.items.last().map_or(0, |(i, _)| *i),
                    describe(&call.error)
                );
            }
            ExitCode::from(1)
        } else if outcome.is_complete_success() {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(2)
        }
    }
}
