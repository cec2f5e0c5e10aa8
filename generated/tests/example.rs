//! Runs `examples/add_activities.rs` as a program against the scripted
//! server on 127.0.0.1: its output lines and exit statuses.
#![cfg(feature = "reqwest")]

use std::process::Output;

use graphgen_testkit::examples::{self, TempFile};
use graphgen_testkit::{json, response, Server};
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

/// Runs the example (built once per test run).
async fn run(args: Vec<String>, stdin: Option<&str>, env: Vec<(&'static str, String)>) -> Output {
    let exe = examples::build(
        env!("CARGO"),
        env!("CARGO_MANIFEST_DIR"),
        "msgraph-connectors",
        "add_activities",
    );
    examples::run(&exe, args, stdin, env).await
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
    let o = run(
        args(&server, &file.arg(), &[]),
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
    let o = run(args(&server, &file.arg(), &["--token", "t"]), None, vec![]).await;
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
