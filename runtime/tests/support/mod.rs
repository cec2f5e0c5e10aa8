//! A tiny scripted HTTP/1.1 server on 127.0.0.1 for tests: it records each
//! raw request and answers with raw bytes, so tests can also send malformed,
//! truncated or never-ending responses and reset connections.

#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// One request as it arrived.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub request_line: String,
    /// Header names lower-cased, in arrival order.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Recorded {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn body_str(&self) -> &str {
        std::str::from_utf8(&self.body).unwrap()
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap()
    }
}

/// What to do with one request.
#[derive(Clone, Debug)]
pub enum Reply {
    /// Write these bytes; keep the connection for further requests.
    Raw(Vec<u8>),
    /// Write these bytes, then close the connection.
    RawThenClose(Vec<u8>),
    /// Write this head (which should announce a chunked body), then send
    /// chunks forever (until the client goes away).
    Endless(Vec<u8>),
    /// Close the connection without answering (after reading the request).
    Reset,
    /// Never answer.
    Hang,
}

/// A complete response with `Content-Length`.
pub fn response(status: u16, headers: &[(&str, &str)], body: &str) -> Reply {
    let mut s = format!("HTTP/1.1 {status} {}\r\n", reason(status));
    for (n, v) in headers {
        s.push_str(&format!("{n}: {v}\r\n"));
    }
    s.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
    s.push_str(body);
    Reply::Raw(s.into_bytes())
}

/// A JSON response.
pub fn json(status: u16, body: &str) -> Reply {
    response(status, &[("Content-Type", "application/json")], body)
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        207 => "Multi-Status",
        302 => "Found",
        400 => "Bad Request",
        401 => "Unauthorized",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        _ => "Whatever",
    }
}

pub struct Server {
    pub addr: SocketAddr,
    requests: Arc<Mutex<Vec<Recorded>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Server {
    /// Starts a server answering requests with `script` in order; the last
    /// reply repeats forever.
    pub async fn start(script: Vec<Reply>) -> Server {
        assert!(!script.is_empty());
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let next = Arc::new(AtomicUsize::new(0));
        let script = Arc::new(script);
        let recs = requests.clone();
        let task = tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    return;
                };
                let (recs, next, script) = (recs.clone(), next.clone(), script.clone());
                tokio::spawn(async move {
                    let _ = serve(stream, recs, next, script).await;
                });
            }
        });
        Server {
            addr,
            requests,
            task,
        }
    }

    /// `http://127.0.0.1:PORT`
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.requests.lock().unwrap().clone()
    }

    pub fn count(&self) -> usize {
        self.requests.lock().unwrap().len()
    }
}

async fn serve(
    mut stream: TcpStream,
    recs: Arc<Mutex<Vec<Recorded>>>,
    next: Arc<AtomicUsize>,
    script: Arc<Vec<Reply>>,
) -> std::io::Result<()> {
    let mut buf = Vec::new();
    loop {
        let Some(req) = read_request(&mut stream, &mut buf).await? else {
            return Ok(());
        };
        recs.lock().unwrap().push(req);
        let i = next.fetch_add(1, Ordering::SeqCst);
        let reply = script[i.min(script.len() - 1)].clone();
        match reply {
            Reply::Raw(bytes) => {
                stream.write_all(&bytes).await?;
                stream.flush().await?;
            }
            Reply::RawThenClose(bytes) => {
                stream.write_all(&bytes).await?;
                stream.flush().await?;
                return Ok(());
            }
            Reply::Endless(head) => {
                stream.write_all(&head).await?;
                let chunk = format!("{:x}\r\n{}\r\n", 1024, "x".repeat(1024));
                loop {
                    stream.write_all(chunk.as_bytes()).await?;
                    tokio::time::sleep(Duration::from_millis(1)).await;
                }
            }
            Reply::Reset => return Ok(()),
            Reply::Hang => {
                tokio::time::sleep(Duration::from_secs(3600)).await;
                return Ok(());
            }
        }
    }
}

async fn read_request(
    stream: &mut TcpStream,
    buf: &mut Vec<u8>,
) -> std::io::Result<Option<Recorded>> {
    let head_end = loop {
        if let Some(p) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break p;
        }
        let mut tmp = [0u8; 4096];
        let n = stream.read(&mut tmp).await?;
        if n == 0 {
            return Ok(None);
        }
        buf.extend_from_slice(&tmp[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let request_line = lines.next().unwrap_or("").to_owned();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let len: usize = headers
        .iter()
        .find(|(n, _)| n == "content-length")
        .map(|(_, v)| v.parse().unwrap())
        .unwrap_or(0);
    let total = head_end + 4 + len;
    while buf.len() < total {
        let mut tmp = [0u8; 4096];
        let n = stream.read(&mut tmp).await?;
        if n == 0 {
            return Ok(None);
        }
        buf.extend_from_slice(&tmp[..n]);
    }
    let body = buf[head_end + 4..total].to_vec();
    buf.drain(..total);
    Ok(Some(Recorded {
        request_line,
        headers,
        body,
    }))
}

/// A test `Operation`/`BatchOperation` shaped like `addActivities`.
pub mod op {
    use graphgen_runtime::batch::{BatchOperation, BatchOutcome, ItemResult};
    use graphgen_runtime::edm::DateTimeOffset;
    use graphgen_runtime::http::{HeaderMap, Method, StatusCode};
    use graphgen_runtime::{Cloud, Error, Operation, PathBuilder};
    use serde::{Deserialize, Serialize};

    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct Activity {
        #[serde(rename = "@odata.type")]
        pub odata_type: String,
        #[serde(rename = "type")]
        pub kind: String,
        pub start_date_time: DateTimeOffset,
        pub performed_by: Identity,
    }

    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    pub struct Identity {
        #[serde(rename = "type")]
        pub kind: String,
        pub id: String,
    }

    #[derive(Debug, Clone, PartialEq, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct ActivityResult {
        #[serde(rename = "type")]
        pub kind: String,
        pub start_date_time: DateTimeOffset,
        pub performed_by: Option<Identity>,
        pub error: Option<PublicError>,
    }

    #[derive(Debug, Clone, PartialEq, Deserialize)]
    pub struct PublicError {
        pub code: String,
        pub message: String,
    }

    impl ItemResult<Activity> for ActivityResult {
        type Error = PublicError;
        fn item_error(&self) -> Option<&PublicError> {
            self.error.as_ref()
        }
        fn echoes(&self, item: &Activity) -> bool {
            self.kind == item.kind
                && self.start_date_time == item.start_date_time
                && match &self.performed_by {
                    Some(p) => *p == item.performed_by,
                    None => true,
                }
        }
    }

    pub fn activity(i: usize) -> Activity {
        Activity {
            odata_type: "#microsoft.graph.externalConnectors.externalActivity".into(),
            kind: "viewed".into(),
            start_date_time: DateTimeOffset::new(format!(
                "2021-04-06T18:04:{:02}.{:03}Z",
                i % 60,
                i
            ))
            .unwrap(),
            performed_by: Identity {
                kind: "user".into(),
                id: "1f0c997e-99f7-43f1-8cee-05e5e5e5e5e5".into(),
            },
        }
    }

    /// The JSON result for `a`, failed with `error` if given.
    pub fn result_json(a: &Activity, error: Option<(&str, &str)>) -> serde_json::Value {
        let mut v = serde_json::json!({
            "@odata.type": "#microsoft.graph.externalConnectors.externalActivityResult",
            "type": a.kind,
            "startDateTime": a.start_date_time,
            "performedBy": a.performed_by,
        });
        if let Some((code, message)) = error {
            v["error"] = serde_json::json!({"code": code, "message": message});
        }
        v
    }

    #[derive(Debug, Clone)]
    pub struct AddActivities {
        pub connection_id: String,
        pub item_id: String,
        pub activities: Vec<Activity>,
    }

    #[derive(Serialize)]
    struct Body<'a> {
        activities: &'a [Activity],
    }

    #[derive(Deserialize)]
    struct Results {
        value: Vec<ActivityResult>,
    }

    impl Operation for AddActivities {
        type Output = BatchOutcome<Activity, ActivityResult>;
        const NAME: &'static str = "microsoft.graph.externalConnectors.addActivities";
        const METHOD: Method = Method::POST;
        const AVAILABILITY: &'static [Cloud] = &[Cloud::Global, Cloud::UsGovL4, Cloud::UsGovL5];

        fn path(&self) -> Result<String, Error> {
            Ok(PathBuilder::new()
                .segment("external")
                .segment("connections")
                .key(&self.connection_id)?
                .segment("items")
                .key(&self.item_id)?
                .segment("addActivities")
                .finish())
        }

        fn body(&self) -> Result<Option<Vec<u8>>, Error> {
            serde_json::to_vec(&Body {
                activities: &self.activities,
            })
            .map(Some)
            .map_err(Error::Encode)
        }

        fn parse_response(
            self,
            status: StatusCode,
            _headers: &HeaderMap,
            body: &[u8],
        ) -> Result<Self::Output, Error> {
            let results = if body.is_empty() {
                Vec::new()
            } else {
                serde_json::from_slice::<Results>(body)
                    .map_err(|e| Error::decode(status, e))?
                    .value
            };
            Ok(BatchOutcome::pair(status, self.activities, results))
        }
    }

    impl BatchOperation for AddActivities {
        type Item = Activity;
        type Result = ActivityResult;
        const MAX_ITEMS: usize = 20;
        fn items(&self) -> &[Activity] {
            &self.activities
        }
        fn with_items(&self, items: Vec<Activity>) -> Self {
            AddActivities {
                connection_id: self.connection_id.clone(),
                item_id: self.item_id.clone(),
                activities: items,
            }
        }
    }

    pub fn add(n: usize) -> AddActivities {
        AddActivities {
            connection_id: "contosohr".into(),
            item_id: "TSP228082938".into(),
            activities: (0..n).map(activity).collect(),
        }
    }

    /// `{"value":[...]}` echoing `activities`, failing those in `failed`.
    pub fn results_body(activities: &[Activity], failed: &[usize]) -> String {
        let value: Vec<_> = activities
            .iter()
            .enumerate()
            .map(|(i, a)| {
                result_json(
                    a,
                    failed
                        .contains(&i)
                        .then_some(("InvalidRequest", "The activity is bad.")),
                )
            })
            .collect();
        serde_json::json!({ "value": value }).to_string()
    }
}
