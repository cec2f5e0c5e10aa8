//! Runs `examples/add_activities.rs` as a program against the scripted
//! server on 127.0.0.1: its input forms, output lines (text and JSON),
//! progress, logging and exit statuses.
#![cfg(feature = "reqwest")]

use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use graphgen_testkit::examples::{self, TempFile};
use graphgen_testkit::{json, response, Reply, Server};
use serde_json::{json, Value};

const SENT: &str = r##"{"activities":[
  {"@odata.type":"#microsoft.graph.externalConnectors.externalActivity","type":"created","startDateTime":"2021-04-06T18:04:31.033Z","performedBy":{"type":"user","id":"1f0c997e-99f7-43f1-8cca-086f8d42be8d"}},
  {"@odata.type":"#microsoft.graph.externalConnectors.externalActivity","type":"viewed","startDateTime":"2021-04-06T18:05:00Z","performedBy":{"type":"user","id":"1f0c997e-99f7-43f1-8cca-086f8d42be8d"}},
  {"@odata.type":"#microsoft.graph.externalConnectors.externalActivity","type":"commented","startDateTime":"2021-04-06T18:06:00Z","performedBy":{"type":"user","id":"1f0c997e-99f7-43f1-8cca-086f8d42be8d"}}
]}"##;

fn sent() -> Vec<Value> {
    serde_json::from_str::<Value>(SENT).unwrap()["activities"]
        .as_array()
        .unwrap()
        .clone()
}

/// A result echoing `a`, failed with `error` if given.
fn result(a: &Value, error: Option<(&str, &str)>) -> Value {
    json!({
        "@odata.type": "#microsoft.graph.externalConnectors.externalActivityResult",
        "type": a["type"],
        "startDateTime": a["startDateTime"],
        "error": error.map(|(code, message)| json!({"code": code, "message": message})),
    })
}

fn results(activities: &[Value], failed: &[usize]) -> String {
    let value: Vec<Value> = activities
        .iter()
        .enumerate()
        .map(|(i, a)| {
            result(
                a,
                failed
                    .contains(&i)
                    .then_some(("InvalidRequest", "The startDateTime is in the future.")),
            )
        })
        .collect();
    json!({ "value": value }).to_string()
}

fn exe() -> PathBuf {
    examples::build(
        env!("CARGO"),
        env!("CARGO_MANIFEST_DIR"),
        "msgraph-connectors",
        "add_activities",
    )
}

/// Runs the example (built once per test run). `RUST_LOG` is empty unless
/// `env` sets it, whatever the test run has: empty is the same as unset.
async fn run(args: Vec<String>, stdin: Option<&str>, env: Vec<(&'static str, String)>) -> Output {
    let env = [vec![("RUST_LOG", String::new())], env].concat();
    examples::run(&exe(), args, stdin, env).await
}

fn args(server: &Server, file: &str, extra: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = [
        "--base-url",
        &format!("{}/v1.0", server.url()),
        "--connection",
        "contosohr",
        "--item",
        "TSP228082938",
        "--activities",
        file,
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    v.extend(extra.iter().map(|s| s.to_string()));
    v
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn all_recorded_exits_0() {
    let server = Server::start(vec![json(200, &results(&sent(), &[]))]).await;
    let file = TempFile::new("ok.json", SENT);
    let o = run(
        args(&server, &file.arg(), &["--token", "tok-123"]),
        None,
        vec![],
    )
    .await;
    assert_eq!(o.status.code(), Some(0), "stderr: {}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "0\tcreated\t2021-04-06T18:04:31.033Z\tok\n\
         1\tviewed\t2021-04-06T18:05:00Z\tok\n\
         2\tcommented\t2021-04-06T18:06:00Z\tok\n"
    );
    assert_eq!(stderr(&o), "");
    let reqs = server.requests();
    assert_eq!(reqs.len(), 1);
    assert_eq!(
        reqs[0].request_line,
        "POST /v1.0/external/connections/contosohr/items/TSP228082938/addActivities HTTP/1.1"
    );
    assert_eq!(reqs[0].header("authorization"), Some("Bearer tok-123"));
    assert!(reqs[0]
        .header("user-agent")
        .unwrap()
        .starts_with("msgraph-connectors/"));
    assert_eq!(reqs[0].json()["activities"], Value::Array(sent()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn some_failed_exits_2_and_prints_the_error_code() {
    let server = Server::start(vec![json(207, &results(&sent(), &[1]))]).await;
    // Read from standard input this time.
    let o = run(
        args(&server, "-", &["--token", "tok-123"]),
        Some(SENT),
        vec![],
    )
    .await;
    assert_eq!(o.status.code(), Some(2), "stderr: {}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "0\tcreated\t2021-04-06T18:04:31.033Z\tok\n\
         1\tviewed\t2021-04-06T18:05:00Z\tInvalidRequest: The startDateTime is in the future.\n\
         2\tcommented\t2021-04-06T18:06:00Z\tok\n"
    );
    assert_eq!(server.count(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_request_exits_1_with_the_message_on_stderr() {
    let server = Server::start(vec![response(
        400,
        &[
            ("Content-Type", "application/json"),
            ("request-id", "5a0c1ff4-0000-0000-0000-000000000001"),
        ],
        r#"{"error":{"code":"InvalidRequest","message":"Invalid activity type.","innerError":{"date":"2025-02-13T10:17:05","request-id":"5a0c1ff4-0000-0000-0000-000000000001"}}}"#,
    )])
    .await;
    let file = TempFile::new("bad.json", SENT);
    let o = run(
        args(&server, &file.arg(), &["--token", "SECRET-tok"]),
        None,
        vec![],
    )
    .await;
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(stdout(&o), "");
    let err = stderr(&o);
    assert!(err.contains("InvalidRequest"), "{err}");
    assert!(err.contains("Invalid activity type."), "{err}");
    assert!(
        err.contains("5a0c1ff4-0000-0000-0000-000000000001"),
        "{err}"
    );
    assert!(!err.contains("SECRET-tok"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn usage_errors_and_china_exit_1_without_a_request() {
    let server = Server::start(vec![json(200, &results(&sent(), &[]))]).await;
    let file = TempFile::new("china.json", SENT);
    let path = &file.arg();

    let o = run(
        args(&server, path, &["--token", "t", "--cloud", "china"]),
        None,
        vec![],
    )
    .await;
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("not available in the china cloud"),
        "{}",
        stderr(&o)
    );

    let o = run(
        args(&server, path, &["--token", "t", "--cloud", "mars"]),
        None,
        vec![],
    )
    .await;
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("mars"), "{}", stderr(&o));

    // No --token and no AZURE_* variables.
    let o = run(args(&server, path, &[]), None, vec![]).await;
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("AZURE_TENANT_ID"), "{}", stderr(&o));

    let o = run(
        args(&server, "-", &["--token", "t"]),
        Some("[1, 2]"),
        vec![],
    )
    .await;
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("standard input"), "{}", stderr(&o));

    assert_eq!(server.count(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn client_credentials_from_the_environment_and_a_split_send() {
    // 25 activities: two calls (20 + 5), one token request.
    let acts: Vec<Value> = (0..25)
        .map(|i| {
            json!({
                "@odata.type": "#microsoft.graph.externalConnectors.externalActivity",
                "type": "viewed",
                "startDateTime": format!("2021-04-06T18:04:{i:02}Z"),
            })
        })
        .collect();
    let tokens = Server::start(vec![json(
        200,
        r#"{"token_type":"Bearer","expires_in":3599,"access_token":"env-token"}"#,
    )])
    .await;
    let server = Server::start(vec![
        json(200, &results(&acts[..20], &[])),
        json(207, &results(&acts[20..], &[2])),
    ])
    .await;
    let file = TempFile::new("many.json", &json!({ "activities": acts }).to_string());
    // One call at a time: the scripted replies answer calls in order.
    let o = run(
        args(&server, &file.arg(), &["--concurrency", "1"]),
        None,
        vec![
            ("AZURE_TENANT_ID", "contoso".to_owned()),
            ("AZURE_CLIENT_ID", "app".to_owned()),
            ("AZURE_CLIENT_SECRET", "app-secret".to_owned()),
            ("AZURE_AUTHORITY_HOST", tokens.url()),
        ],
    )
    .await;
    assert_eq!(o.status.code(), Some(2), "stderr: {}", stderr(&o));
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 25);
    for (i, l) in lines.iter().enumerate() {
        assert!(
            l.starts_with(&format!("{i}\tviewed\t2021-04-06T18:04:{i:02}Z\t")),
            "{l}"
        );
    }
    assert_eq!(
        lines[22].rsplit('\t').next(),
        Some("InvalidRequest: The startDateTime is in the future.")
    );
    assert_eq!(lines.iter().filter(|l| l.ends_with("\tok")).count(), 24);

    // Not a terminal: plain progress lines, as each call ends.
    assert_eq!(stderr(&o), "sent 20/25\nsent 25/25\n");

    assert_eq!(tokens.count(), 1);
    assert_eq!(
        tokens.requests()[0].request_line,
        "POST /contoso/oauth2/v2.0/token HTTP/1.1"
    );
    let reqs = server.requests();
    let sizes: Vec<usize> = reqs
        .iter()
        .map(|r| r.json()["activities"].as_array().unwrap().len())
        .collect();
    assert_eq!(sizes, [20, 5]);
    assert!(reqs
        .iter()
        .all(|r| r.header("authorization") == Some("Bearer env-token")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_call_of_a_split_send_exits_1_and_lists_every_activity() {
    let acts: Vec<Value> = (0..25)
        .map(|i| {
            json!({
                "@odata.type": "#microsoft.graph.externalConnectors.externalActivity",
                "type": "modified",
                "startDateTime": format!("2021-04-06T18:05:{i:02}Z"),
            })
        })
        .collect();
    let server = Server::start(vec![
        json(
            500,
            r#"{"error":{"code":"generalException","message":"An internal error occurred."}}"#,
        ),
        json(200, &results(&acts[20..], &[])),
    ])
    .await;
    let file = TempFile::new("split-500.json", &json!({ "activities": acts }).to_string());
    let o = run(
        args(
            &server,
            &file.arg(),
            &["--token", "t", "--concurrency", "1"],
        ),
        None,
        vec![],
    )
    .await;
    assert_eq!(o.status.code(), Some(1), "stderr: {}", stderr(&o));
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 25, "{out}");
    for (i, l) in lines.iter().enumerate() {
        assert!(l.starts_with(&format!("{i}\tmodified\t")), "{l}");
        if i < 20 {
            assert!(l.contains("\tcall failed: HTTP 500"), "{l}");
            assert!(l.contains("generalException"), "{l}");
        } else {
            assert!(l.ends_with("\tok"), "{l}");
        }
    }
    assert!(
        stderr(&o).contains("activities 0..=19 failed"),
        "{}",
        stderr(&o)
    );
    assert_eq!(
        server.count(),
        2,
        "the 500 is not retried; the next call goes"
    );
}

/// `n` activities of type `kind`, a second apart.
fn activities(n: usize, kind: &str) -> Vec<Value> {
    (0..n)
        .map(|i| {
            json!({
                "@odata.type": "#microsoft.graph.externalConnectors.externalActivity",
                "type": kind,
                "startDateTime": format!("2021-04-06T18:{:02}:{:02}Z", i / 60, i % 60),
            })
        })
        .collect()
}

/// A server answering each call, after `delay`, with a result per activity
/// sent: an error (and a 207) for those starting at a time in `failing`.
/// Calls get the right results in whatever order they come.
async fn echo(delay: Duration, failing: &'static [&'static str]) -> Server {
    Server::respond_with(move |req, _| {
        let sent = req.json()["activities"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let failed: Vec<usize> = (0..sent.len())
            .filter(|&i| failing.contains(&sent[i]["startDateTime"].as_str().unwrap_or("")))
            .collect();
        let status = if failed.is_empty() { 200 } else { 207 };
        Reply::Delayed(delay, Box::new(json(status, &results(&sent, &failed))))
    })
    .await
}

const ALL_OK: &str = "0\tcreated\t2021-04-06T18:04:31.033Z\tok\n\
                      1\tviewed\t2021-04-06T18:05:00Z\tok\n\
                      2\tcommented\t2021-04-06T18:06:00Z\tok\n";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_body_a_bare_array_and_json_lines_give_the_same_lines() {
    let acts = sent();
    let pretty = |v: &Value| serde_json::to_string_pretty(v).unwrap();
    let lines: Vec<String> = acts.iter().map(Value::to_string).collect();
    // Blank lines anywhere, and Windows line ends.
    let jsonl = format!("\n{}\n\n{}\r\n{}", lines[0], lines[1], lines[2]);
    let forms = [
        ("body.json", pretty(&json!({ "activities": acts }))),
        ("array.json", pretty(&Value::Array(acts.clone()))),
        (
            "array-one-line.json",
            Value::Array(acts.clone()).to_string(),
        ),
        ("activities.jsonl", jsonl.clone()),
    ];
    let server = echo(Duration::ZERO, &[]).await;
    for (name, text) in &forms {
        let file = TempFile::new(name, text);
        let o = run(args(&server, &file.arg(), &["--token", "t"]), None, vec![]).await;
        assert_eq!(o.status.code(), Some(0), "{name}: {}", stderr(&o));
        assert_eq!(stdout(&o), ALL_OK, "{name}");
        assert_eq!(stderr(&o), "", "{name}");
    }
    let o = run(args(&server, "-", &["--token", "t"]), Some(&jsonl), vec![]).await;
    assert_eq!(o.status.code(), Some(0), "stdin: {}", stderr(&o));
    assert_eq!(stdout(&o), ALL_OK);
    // One call each, sending the same activities.
    let reqs = server.requests();
    assert_eq!(reqs.len(), forms.len() + 1);
    for r in &reqs {
        assert_eq!(r.json()["activities"], Value::Array(acts.clone()));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unreadable_input_exits_1_saying_where() {
    let server = echo(Duration::ZERO, &[]).await;
    let [a, b, c] = [0, 1, 2].map(|i| sent()[i].to_string());
    let cases = [
        // JSON Lines: the line (blank ones count), then the column.
        (
            "bad.jsonl",
            format!("{a}\n\n{b}\n{{\"type\": \"viewed\",\n{c}\n"),
            ":4:",
        ),
        (
            "not-one.jsonl",
            format!("{a}\n[1]\n"),
            ":2: not an externalActivity",
        ),
        // A first value left open reads as one value to the end of the file.
        (
            "first.jsonl",
            format!("{{\"type\": \n{a}\n"),
            ":3:0: EOF while parsing an object",
        ),
        // A body or an array: line and column, or the activity's position.
        (
            "body.json",
            "{\"activities\": [\n  {\"type\": \"x\"}\n  {}]}".into(),
            ":3:3:",
        ),
        (
            "array.json",
            format!("[{a}, 7]"),
            ": activity 1: not an externalActivity",
        ),
        (
            "twice.json",
            format!("{{\"activities\": [{a}]}}\n{{\"activities\": []}}"),
            ":2: more follows",
        ),
        ("empty.jsonl", "\n\n".into(), " holds no activities"),
    ];
    for (name, text, said) in &cases {
        let file = TempFile::new(name, text);
        let o = run(args(&server, &file.arg(), &["--token", "t"]), None, vec![]).await;
        assert_eq!(o.status.code(), Some(1), "{name}");
        assert_eq!(stdout(&o), "", "{name}");
        let err = stderr(&o);
        let expected = format!("error: {}{said}", file.arg());
        assert!(
            err.starts_with(&expected),
            "{name}: {err:?} is not {expected:?}…"
        );
        assert_eq!(err.lines().count(), 1, "{name}: {err}");
    }
    assert_eq!(server.count(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_prints_an_object_per_activity_and_calls_go_at_once() {
    // 25 activities: two calls, in flight together (each takes 300 ms).
    let acts = activities(25, "viewed");
    let server = echo(Duration::from_millis(300), &["2021-04-06T18:00:22Z"]).await;
    let file = TempFile::new(
        "many.jsonl",
        &acts.iter().map(|a| format!("{a}\n")).collect::<String>(),
    );
    let o = run(
        args(&server, &file.arg(), &["--token", "t", "--json"]),
        None,
        vec![],
    )
    .await;
    assert_eq!(o.status.code(), Some(2), "stderr: {}", stderr(&o));
    assert_eq!(server.max_in_flight(), 2);
    let mut lines: Vec<Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{l:?}: {e}")))
        .collect();
    lines.sort_by_key(|l| l["index"].as_u64());
    assert_eq!(lines.len(), 25);
    for (i, l) in lines.iter().enumerate() {
        assert_eq!(l["index"], i, "{l}");
        assert_eq!(l["type"], "viewed", "{l}");
        assert_eq!(l["startDateTime"], acts[i]["startDateTime"], "{l}");
        if i == 22 {
            assert_eq!(l["status"], "failed", "{l}");
            assert_eq!(l["error"]["code"], "InvalidRequest", "{l}");
            assert_eq!(l["error"]["message"], "The startDateTime is in the future.");
        } else {
            assert_eq!(l["status"], "ok", "{l}");
            assert_eq!(l.get("error"), None, "{l}");
        }
    }

    // A call that failed as a whole, one call at a time.
    let server = Server::start(vec![
        json(
            500,
            r#"{"error":{"code":"generalException","message":"Boom."}}"#,
        ),
        json(200, &results(&acts[20..], &[])),
    ])
    .await;
    let flags = ["--token", "t", "--json", "--concurrency", "1"];
    let o = run(args(&server, &file.arg(), &flags), None, vec![]).await;
    assert_eq!(o.status.code(), Some(1), "stderr: {}", stderr(&o));
    let lines: Vec<Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 25);
    for (i, l) in lines.iter().enumerate() {
        assert_eq!(l["index"], i, "{l}");
        match i {
            0..20 => {
                assert_eq!(l["status"], "callFailed", "{l}");
                assert_eq!(l["error"]["code"], "generalException", "{l}");
                let message = l["error"]["message"].as_str().unwrap();
                assert!(message.starts_with("HTTP 500"), "{l}");
            }
            _ => assert_eq!(l["status"], "ok", "{l}"),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn progress_goes_to_stderr_and_logging_follows_rust_log() {
    let acts = activities(45, "modified");
    let server = echo(Duration::ZERO, &[]).await;
    let file = TempFile::new("45.json", &Value::Array(acts).to_string());
    let flags = ["--token", "t", "--concurrency", "1"];
    let o = run(args(&server, &file.arg(), &flags), None, vec![]).await;
    assert_eq!(o.status.code(), Some(0), "stderr: {}", stderr(&o));
    assert_eq!(stderr(&o), "sent 20/45\nsent 40/45\nsent 45/45\n");
    let out = stdout(&o);
    assert_eq!(out.lines().count(), 45);
    assert!(out.lines().all(|l| l.ends_with("\tok")), "{out}");

    // RUST_LOG adds the runtime's log to standard error, without colours
    // (not a terminal), and changes nothing else.
    let log = vec![("RUST_LOG", "graphgen_runtime=debug".to_owned())];
    let o = run(args(&server, &file.arg(), &flags), None, log).await;
    assert_eq!(o.status.code(), Some(0), "stderr: {}", stderr(&o));
    assert_eq!(stdout(&o), out);
    let err = stderr(&o);
    assert!(err.contains("graph_split_call"), "{err}");
    assert!(err.contains("sent 45/45\n"), "{err}");
    assert!(!err.contains('\x1b'), "{err:?}");
    assert!(!err.contains("tok-"), "{err}");
}

/// Ctrl-C during a long send: the call in flight ends and is printed, the
/// rest is listed as not sent, and nothing more goes.
#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_c_lets_the_call_in_flight_end_and_lists_the_rest() {
    let acts = activities(45, "viewed");
    let server = echo(Duration::from_millis(1500), &[]).await;
    let file = TempFile::new("ctrl-c.json", &Value::Array(acts).to_string());
    let flags = ["--token", "t", "--concurrency", "1"];
    let child = Command::new(exe())
        .args(args(&server, &file.arg(), &flags))
        .env("RUST_LOG", "")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    while server.count() == 0 {
        assert!(started.elapsed() < Duration::from_secs(30), "no call came");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let kill = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let o = tokio::task::spawn_blocking(move || child.wait_with_output().unwrap())
        .await
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "stderr: {}", stderr(&o));
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 45, "{out}");
    for (i, l) in lines.iter().enumerate() {
        assert!(l.starts_with(&format!("{i}\tviewed\t")), "{l}");
        let end = if i < 20 {
            "\tok"
        } else {
            "\tnot sent: stopped before it was sent"
        };
        assert!(l.ends_with(end), "{l}");
    }
    let err = stderr(&o);
    assert!(
        err.contains("stopping: waiting for the calls in flight"),
        "{err}"
    );
    assert!(err.contains("sent 20/45\n"), "{err}");
    assert!(
        err.ends_with("error: stopped; 25 activities were not sent\n"),
        "{err}"
    );
    assert_eq!(server.count(), 1);
}
