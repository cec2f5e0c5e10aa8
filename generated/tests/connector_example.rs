//! Runs `examples/connector.rs` as a program: against its in-process double
//! when given no arguments, and against the test's own double given by
//! URL; its output lines, exit statuses and the requests it sent.
#![cfg(feature = "reqwest")]

use std::process::Output;

use graphgen_testkit::connectors::{Config, Double};
use graphgen_testkit::examples::{self, TempFile};

async fn run(args: &[&str]) -> Output {
    let exe = examples::build(
        env!("CARGO"),
        env!("CARGO_MANIFEST_DIR"),
        "msgraph-connectors",
        "connector",
    );
    let args = args.iter().map(|a| a.to_string()).collect();
    examples::run(&exe, args, None, Vec::new()).await
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

/// `lines` with each run of item PUTs sorted: they go several at a time
/// (`--concurrency`), so they end in any order.
fn puts_sorted<S: AsRef<str> + Ord + Clone>(lines: &[S]) -> Vec<S> {
    let is_put = |l: &S| l.as_ref().starts_with("PUT ");
    let mut out: Vec<S> = Vec::new();
    let mut run: Vec<S> = Vec::new();
    for l in lines {
        if is_put(l) {
            run.push(l.clone());
        } else {
            run.sort();
            out.append(&mut run);
            out.push(l.clone());
        }
    }
    run.sort();
    out.append(&mut run);
    out
}

/// A double that completes registrations at the first poll.
async fn quick_double(config: Config) -> Double {
    Double::start_with(Config {
        polls_running: 0,
        ..config
    })
    .await
}

const SCHEMA: &str = r#"{"baseType": "microsoft.graph.externalItem", "properties": [
  {"name": "title", "type": "string", "isSearchable": true, "isRetrievable": true},
  {"name": "tags", "type": "stringCollection", "isQueryable": true}
]}"#;

/// Three items; the annotation after its property, as a person may write it.
const ITEMS: &str = r#"{"id": "A1", "acl": [{"type": "everyone", "value": "t", "accessType": "grant"}], "properties": {"title": "One", "tags": ["x"], "tags@odata.type": "Collection(String)"}}

{"id": "A2", "acl": [{"type": "everyone", "value": "t", "accessType": "grant"}], "properties": {"title": "Two"}}
{"id": "A3", "acl": [{"type": "everyone", "value": "t", "accessType": "grant"}], "properties": {"title": "Three"}}
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_arguments_the_flow_runs_against_an_in_process_double() {
    let o = run(&[]).await;
    assert_eq!(o.status.code(), Some(0), "stderr: {}", stderr(&o));
    let items = "/external/connections/contosohr/items";
    let poll = "GET /external/connections/contosohr/operations/op1 200";
    let mut expected = vec![
        "POST /external/connections 201".to_owned(),
        "PATCH /external/connections/contosohr/schema 202".to_owned(),
        poll.to_owned(),
        poll.to_owned(),
        poll.to_owned(),
    ];
    for id in 38..=42 {
        expected.push(format!("PUT {items}/TSP2280829{id} 201"));
    }
    expected.extend([
        format!("POST {items}/TSP228082938/addActivities 200"),
        format!("GET {items} 200"),
        format!("GET {items}?$skiptoken=2 200"),
        format!("GET {items}?$skiptoken=4 200"),
    ]);
    let out = stdout(&o);
    assert_eq!(puts_sorted(&out.lines().collect::<Vec<_>>()), expected);
    assert_eq!(stderr(&o), "5 item(s) listed\n");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn files_an_existing_connection_and_cleanup_against_a_given_url() {
    let double = quick_double(Config::default()).await;
    let schema = TempFile::new("schema.json", SCHEMA);
    let items = TempFile::new("items.jsonl", ITEMS);
    let base = double.base_url();
    let args = [
        "--base-url",
        &base,
        "--token",
        "tok-1",
        "--connection",
        "hr2",
    ];
    let files = [
        "--schema",
        &schema.arg(),
        "--items",
        &items.arg(),
        "--cleanup",
    ];
    // The first run creates the connection; the second finds it there.
    let first = run(&[&args[..], &files[..4]].concat()).await;
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    let o = run(&[&args[..], &files[..]].concat()).await;
    assert_eq!(o.status.code(), Some(0), "stderr: {}", stderr(&o));
    let hr2 = "/external/connections/hr2";
    let mut expected = vec![
        "POST /external/connections 409".to_owned(),
        format!("PATCH {hr2}/schema 202"),
        format!("GET {hr2}/operations/op2 200"),
    ];
    expected.extend(["A1", "A2", "A3"].map(|id| format!("PUT {hr2}/items/{id} 200")));
    expected.extend([
        format!("POST {hr2}/items/A1/addActivities 200"),
        format!("GET {hr2}/items 200"),
        format!("GET {hr2}/items?$skiptoken=2 200"),
    ]);
    expected.extend(["A1", "A2", "A3"].map(|id| format!("DELETE {hr2}/items/{id} 204")));
    expected.push(format!("DELETE {hr2} 204"));
    let out = stdout(&o);
    assert_eq!(puts_sorted(&out.lines().collect::<Vec<_>>()), expected);
    assert_eq!(
        stderr(&o),
        "note: connection hr2 exists; going on\n3 item(s) listed\n"
    );

    // The double saw what the example printed, and the bodies from the files.
    let sent = double.lines().split_off(stdout(&first).lines().count());
    let printed: Vec<String> = expected
        .iter()
        .map(|l| l.replacen(" /", " /v1.0/", 1))
        .collect();
    assert_eq!(puts_sorted(&sent), printed);
    let requests = double.requests();
    assert!(requests
        .iter()
        .all(|r| r.header("authorization") == Some("Bearer tok-1")));
    let patch = requests.iter().find(|r| r.method() == "PATCH").unwrap();
    assert_eq!(
        patch.json(),
        serde_json::from_str::<serde_json::Value>(SCHEMA).unwrap()
    );
    let put = requests
        .iter()
        .find(|r| r.target() == "/v1.0/external/connections/hr2/items/A1")
        .unwrap();
    assert_eq!(
        put.body_str(),
        r#"{"acl":[{"accessType":"grant","type":"everyone","value":"t"}],"properties":{"tags@odata.type":"Collection(String)","tags":["x"],"title":"One"}}"#
    );
    assert_eq!(double.connection("hr2"), None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_registration_exits_1() {
    let double = quick_double(Config {
        fail_schema: true,
        ..Config::default()
    })
    .await;
    let o = run(&["--base-url", &double.base_url(), "--token", "t"]).await;
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stdout(&o).lines().collect::<Vec<_>>(),
        [
            "POST /external/connections 201",
            "PATCH /external/connections/contosohr/schema 202",
            "GET /external/connections/contosohr/operations/op1 200",
        ]
    );
    let err = stderr(&o);
    assert!(err.starts_with("error: waiting for the schema: "), "{err}");
    assert!(err.contains("The schema was refused."), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_item_the_client_refuses_is_never_sent_and_exits_1() {
    let double = quick_double(Config::default()).await;
    let bad = ITEMS.replace("\"A2\"", "\"A-2\"");
    let items = TempFile::new("bad-id.jsonl", &bad);
    let base = double.base_url();
    // One PUT at a time: none starts after the refused one.
    let flags = ["--base-url", &base, "--token", "t", "--concurrency", "1"];
    let o = run(&[&flags[..], &["--items", &items.arg()]].concat()).await;
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(
        out.ends_with("PUT /external/connections/contosohr/items/A1 201\n"),
        "{out}"
    );
    let err = stderr(&o);
    assert!(
        err.starts_with("error: putting item A-2: invalid key for `items`"),
        "{err}"
    );
    assert!(double.lines().iter().all(|l| !l.contains("A-2")));

    // Four at a time: the PUT of A3 may have started, and ends; the error
    // is still the refused item's (after a note: the connection is there).
    let o = run(&["--base-url", &base, "--token", "t", "--items", &items.arg()]).await;
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.ends_with(
            "\nerror: putting item A-2: invalid key for `items`: the key must be \
             letters and digits only, of the length the service allows\n"
        ),
        "{err}"
    );
    assert!(double.lines().iter().all(|l| !l.contains("A-2")));

    // A line without an id: nothing is sent at all.
    let before = double.requests().len();
    let items = TempFile::new("no-id.jsonl", &ITEMS.replace("\"id\": \"A3\", ", ""));
    let o = run(&["--base-url", &base, "--token", "t", "--items", &items.arg()]).await;
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(stdout(&o), "");
    assert!(
        stderr(&o).contains("no-id.jsonl:4: the item has no id"),
        "{}",
        stderr(&o)
    );
    assert_eq!(double.requests().len(), before);
}
