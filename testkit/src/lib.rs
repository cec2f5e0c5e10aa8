//! Test support. At the top, a tiny scripted HTTP/1.1 server on 127.0.0.1:
//! it records each raw request and answers with raw bytes, so tests can also
//! send malformed, truncated or never-ending responses and reset
//! connections. [`connectors`] is a stateful double of the Microsoft Search
//! connectors service on the same server; [`examples`] builds and runs
//! example programs; [`official`] finds the official Graph documents, saying
//! when a test is skipped for want of them.

pub mod connectors;
pub mod examples;
pub mod official;

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// One request as it arrived.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub request_line: String,
    /// Header names lower-cased, in arrival order.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// When the request had been read whole.
    pub received: Instant,
    /// The status of the reply, when it has one.
    pub status: Option<u16>,
}

impl Recorded {
    /// The method of the request line.
    pub fn method(&self) -> &str {
        self.request_line.split(' ').next().unwrap_or("")
    }

    /// The request target (path and query) of the request line.
    pub fn target(&self) -> &str {
        self.request_line.split(' ').nth(1).unwrap_or("")
    }

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
    /// Write these bytes, then reset the connection (TCP RST rather than an
    /// orderly close): a connection lost in the middle of a response.
    ResetAfter(Vec<u8>),
    /// Write `head`, then `chunk` over and over (pausing `pause` between
    /// writes, none when zero) until the client goes away: a flood of body
    /// bytes, a slow drip, or header lines that never end.
    Stream {
        head: Vec<u8>,
        chunk: Vec<u8>,
        pause: Duration,
    },
    /// Never answer.
    Hang,
    /// Wait, then reply.
    Delayed(Duration, Box<Reply>),
}

/// Requests being answered now, and the most at once.
#[derive(Default)]
struct InFlight {
    now: AtomicUsize,
    max: AtomicUsize,
}

/// Counts a request as in flight until dropped.
struct InFlightGuard(Arc<InFlight>);

impl InFlightGuard {
    fn new(f: &Arc<InFlight>) -> Self {
        let now = f.now.fetch_add(1, Ordering::SeqCst) + 1;
        f.max.fetch_max(now, Ordering::SeqCst);
        InFlightGuard(f.clone())
    }
}

impl Drop for InFlightGuard {
    fn drop(&mut self) {
        self.0.now.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Reply {
    /// The status its bytes start with (`HTTP/1.1 201 …`), if any.
    pub fn status(&self) -> Option<u16> {
        let head = match self {
            Reply::Raw(b)
            | Reply::RawThenClose(b)
            | Reply::Endless(b)
            | Reply::ResetAfter(b)
            | Reply::Stream { head: b, .. } => b,
            Reply::Delayed(_, then) => return then.status(),
            Reply::Reset | Reply::Hang => return None,
        };
        let line = head.split(|&b| b == b'\r').next()?;
        std::str::from_utf8(line)
            .ok()?
            .split(' ')
            .nth(1)?
            .parse()
            .ok()
    }
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

/// One chunk of a chunked body holding `data`.
pub fn chunk(data: &[u8]) -> Vec<u8> {
    let mut out = format!("{:x}\r\n", data.len()).into_bytes();
    out.extend_from_slice(data);
    out.extend_from_slice(b"\r\n");
    out
}

/// A JSON response.
pub fn json(status: u16, body: &str) -> Reply {
    response(status, &[("Content-Type", "application/json")], body)
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        204 => "No Content",
        207 => "Multi-Status",
        302 => "Found",
        400 => "Bad Request",
        401 => "Unauthorized",
        404 => "Not Found",
        405 => "Method Not Allowed",
        409 => "Conflict",
        413 => "Content Too Large",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        _ => "Whatever",
    }
}

/// Makes the reply to each request (see [`Server::start_handler`]).
type Handler = dyn Fn(&Recorded) -> Reply + Send + Sync;

pub struct Server {
    pub addr: SocketAddr,
    requests: Arc<Mutex<Vec<Recorded>>>,
    in_flight: Arc<InFlight>,
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
        Server::start_with(|_| script).await
    }

    /// Like [`start`](Self::start), the script made from the server's
    /// `http://127.0.0.1:PORT`, for replies that name the server (an
    /// `@odata.nextLink`, a `Location`).
    pub async fn start_with(script: impl FnOnce(&str) -> Vec<Reply>) -> Server {
        Server::start_handler(|url| {
            let script = script(url);
            assert!(!script.is_empty());
            let next = AtomicUsize::new(0);
            move |_: &Recorded| {
                let i = next.fetch_add(1, Ordering::SeqCst);
                script[i.min(script.len() - 1)].clone()
            }
        })
        .await
    }

    /// A server answering each request with `respond(request, arrival
    /// number)` (0-based), e.g. echoing what was sent.
    pub async fn respond_with(
        respond: impl Fn(&Recorded, usize) -> Reply + Send + Sync + 'static,
    ) -> Server {
        Server::start_handler(|_| {
            let next = AtomicUsize::new(0);
            move |req: &Recorded| respond(req, next.fetch_add(1, Ordering::SeqCst))
        })
        .await
    }

    /// A server whose replies come from a handler, made from the server's
    /// `http://127.0.0.1:PORT`; it is called once per request, in the order
    /// they are recorded.
    pub async fn start_handler<H>(make: impl FnOnce(&str) -> H) -> Server
    where
        H: Fn(&Recorded) -> Reply + Send + Sync + 'static,
    {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let handler: Arc<Handler> = Arc::new(make(&format!("http://{addr}")));
        let requests = Arc::new(Mutex::new(Vec::new()));
        let in_flight = Arc::new(InFlight::default());
        let (recs, flight) = (requests.clone(), in_flight.clone());
        let task = tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    return;
                };
                let (recs, handler, flight) = (recs.clone(), handler.clone(), flight.clone());
                tokio::spawn(async move {
                    let _ = serve(stream, recs, handler, flight).await;
                });
            }
        });
        Server {
            addr,
            requests,
            in_flight,
            task,
        }
    }

    /// The most requests that were being answered at once.
    pub fn max_in_flight(&self) -> usize {
        self.in_flight.max.load(Ordering::SeqCst)
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
    handler: Arc<Handler>,
    in_flight: Arc<InFlight>,
) -> std::io::Result<()> {
    let mut buf = Vec::new();
    loop {
        let Some(mut req) = read_request(&mut stream, &mut buf).await? else {
            return Ok(());
        };
        let _answering = InFlightGuard::new(&in_flight);
        // Made and recorded under one lock: the record's order is the
        // order the handler saw.
        let mut reply = {
            let mut recs = recs.lock().unwrap();
            let reply = handler(&req);
            req.status = reply.status();
            recs.push(req);
            reply
        };
        while let Reply::Delayed(wait, then) = reply {
            tokio::time::sleep(wait).await;
            reply = *then;
        }
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
            Reply::ResetAfter(bytes) => {
                stream.write_all(&bytes).await?;
                stream.flush().await?;
                // SO_LINGER 0: closing sends RST instead of FIN.
                stream.set_zero_linger()?;
                return Ok(());
            }
            Reply::Stream { head, chunk, pause } => {
                stream.write_all(&head).await?;
                loop {
                    stream.write_all(&chunk).await?;
                    if !pause.is_zero() {
                        tokio::time::sleep(pause).await;
                    }
                }
            }
            Reply::Hang => {
                tokio::time::sleep(Duration::from_secs(3600)).await;
                return Ok(());
            }
            Reply::Delayed(..) => unreachable!("unwrapped above"),
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
        received: Instant::now(),
        status: None,
    }))
}
