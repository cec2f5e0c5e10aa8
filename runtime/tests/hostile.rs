//! The client against servers that misbehave on purpose (the scripted
//! `graphgen-testkit` server on 127.0.0.1), with the hand-written stand-in
//! operation. Cases `tests/client.rs` already covers are not repeated: a
//! chunked body that never ends against a small cap and against the timeout,
//! a server that reads the request and never answers, a reset before any
//! answer, a `Retry-After` of one year in seconds, a 302 to another server.
//! The generated `AddActivities` has its own hostile tests in
//! `generated/tests/hostile.rs` (result counts, redirects with its client).
#![cfg(feature = "reqwest")]

mod support;

use std::time::{Duration, Instant, SystemTime};

use graphgen_runtime::{
    Client, ClientCredentials, Cloud, Error, RetryPolicy, DEFAULT_MAX_RESPONSE_BYTES,
    DEFAULT_TIMEOUT,
};
use support::op::{add, results_body};
use support::{chunk, json, response, Reply, Server};

const TOKEN: &str = "hostile-test-token";

fn fast_retries() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 5,
        max_total_wait: Duration::from_secs(5),
        base_delay: Duration::from_millis(5),
        max_delay: Duration::from_millis(20),
    }
}

/// A client with the default limits (body cap, timeout, retry budget)
/// unless a test changes them.
fn builder(server: &Server) -> graphgen_runtime::ClientBuilder {
    Client::builder(Cloud::Global)
        .base_url(format!("{}/v1.0", server.url()))
        .bearer_token(TOKEN)
}

fn ok_reply(n: usize) -> Reply {
    json(200, &results_body(&add(n).activities, &[]))
}

// --- Bodies that never end, headers that never end ---------------------------

#[test]
fn the_defaults_are_the_documented_ones() {
    assert_eq!(DEFAULT_TIMEOUT, Duration::from_secs(100));
    assert_eq!(DEFAULT_MAX_RESPONSE_BYTES, 16 * 1024 * 1024);
    let p = RetryPolicy::default();
    assert_eq!(p.max_attempts, 5);
    assert_eq!(p.max_total_wait, Duration::from_secs(120));
    assert_eq!(p.base_delay, Duration::from_secs(1));
    assert_eq!(p.max_delay, Duration::from_secs(32));
    let c = Client::builder(Cloud::Global).build().unwrap();
    let debug = format!("{c:?}");
    assert!(debug.contains("timeout: 100s"), "{debug}");
    assert!(debug.contains("max_response_bytes: 16777216"), "{debug}");
}

/// A chunked 200 flooding 64 KiB chunks as fast as the socket takes them:
/// the default 16 MiB cap stops it, long before the default timeout.
#[tokio::test]
async fn an_endless_body_stops_at_the_default_cap() {
    let server = Server::start(vec![Reply::Stream {
        head: b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
            .to_vec(),
        chunk: chunk(&[b' '; 64 * 1024]),
        pause: Duration::ZERO,
    }])
    .await;
    let started = Instant::now();
    let err = builder(&server)
        .build()
        .unwrap()
        .send(add(1))
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::BodyTooLarge { limit } if limit == DEFAULT_MAX_RESPONSE_BYTES),
        "{err:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(20));
    assert!(err.to_string().contains("16777216"), "{err}");
    assert_eq!(server.count(), 1, "not retried");
}

/// The same flood on a 503 (which would be retried if it were read whole):
/// the cap wins, and nothing is sent again.
#[tokio::test]
async fn an_endless_error_body_is_capped_and_not_retried() {
    let server = Server::start(vec![Reply::Stream {
        head: b"HTTP/1.1 503 Service Unavailable\r\nRetry-After: 0\r\nTransfer-Encoding: chunked\r\n\r\n"
            .to_vec(),
        chunk: chunk(&[b'x'; 64 * 1024]),
        pause: Duration::ZERO,
    }])
    .await;
    let err = builder(&server)
        .max_response_bytes(1 << 20)
        .retry_policy(fast_retries())
        .build()
        .unwrap()
        .send(add(1))
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::BodyTooLarge { limit: 1048576 }),
        "{err:?}"
    );
    assert_eq!(server.count(), 1);
}

/// A `Content-Length` of a terabyte is refused before a byte of the body is read.
#[tokio::test]
async fn an_announced_huge_body_is_refused_before_reading() {
    let server = Server::start(vec![Reply::Stream {
        head: b"HTTP/1.1 200 OK\r\nContent-Length: 1000000000000\r\n\r\n".to_vec(),
        chunk: vec![b'{'; 1024],
        pause: Duration::from_millis(10),
    }])
    .await;
    let started = Instant::now();
    let err = builder(&server)
        .build()
        .unwrap()
        .send(add(1))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::BodyTooLarge { .. }), "{err:?}");
    assert!(started.elapsed() < Duration::from_secs(5));
}

/// Header lines that never end: hyper's header limits stop them.
#[tokio::test]
async fn endless_headers_fail_fast() {
    let server = Server::start(vec![Reply::Stream {
        head: b"HTTP/1.1 200 OK\r\n".to_vec(),
        chunk: b"X-Padding: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n".to_vec(),
        pause: Duration::ZERO,
    }])
    .await;
    let started = Instant::now();
    let err = builder(&server)
        .retry_policy(fast_retries())
        .build()
        .unwrap()
        .send(add(1))
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Transport { connect: false, .. }),
        "{err:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(10));
    assert_eq!(server.count(), 1, "not retried: the request was sent");
}

/// A body that drips one byte every 50 ms, forever, under any size cap:
/// only the per-attempt timeout stops it.
#[tokio::test]
async fn a_slow_drip_is_stopped_by_the_timeout() {
    let server = Server::start(vec![Reply::Stream {
        head: b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec(),
        chunk: chunk(b" "),
        pause: Duration::from_millis(50),
    }])
    .await;
    let started = Instant::now();
    let err = builder(&server)
        .timeout(Duration::from_millis(400))
        .build()
        .unwrap()
        .send(add(1))
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Timeout { after } if after == Duration::from_millis(400)),
        "{err:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(server.count(), 1, "a timeout is not retried");
}

/// A listener whose backlog accepts the connection but which never reads
/// it nor answers: the timeout stops the call.
#[tokio::test]
async fn a_listener_that_never_accepts_is_stopped_by_the_timeout() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let c = Client::builder(Cloud::Global)
        .base_url(format!("http://{addr}"))
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let started = Instant::now();
    let err = c.send(add(1)).await.unwrap_err();
    assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
    assert!(started.elapsed() < Duration::from_secs(5));
    drop(listener);
}

// --- Connections lost in the middle of a response ------------------------------

fn head_and_part_of_body(status: u16, reason: &str) -> Vec<u8> {
    let body = results_body(&add(1).activities, &[]);
    let mut out = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    out.extend_from_slice(&body.as_bytes()[..body.len() / 2]);
    out
}

/// A 200 whose body is cut by a reset: a transport error (the request was
/// sent, so it is not retried), never a half-parsed success.
#[tokio::test]
async fn a_reset_in_the_middle_of_a_success_body() {
    let server = Server::start(vec![
        Reply::ResetAfter(head_and_part_of_body(200, "OK")),
        ok_reply(1),
    ])
    .await;
    let err = builder(&server)
        .retry_policy(fast_retries())
        .build()
        .unwrap()
        .send(add(1))
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Transport { connect: false, .. }),
        "{err:?}"
    );
    assert_eq!(server.count(), 1);
}

/// The same with an orderly close (FIN) instead of a reset.
#[tokio::test]
async fn a_close_in_the_middle_of_a_success_body() {
    let server = Server::start(vec![Reply::RawThenClose(head_and_part_of_body(200, "OK"))]).await;
    let err = builder(&server)
        .build()
        .unwrap()
        .send(add(1))
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Transport { connect: false, .. }),
        "{err:?}"
    );
    assert_eq!(server.count(), 1);
}

/// A 500 whose body is cut by a reset keeps its status.
#[tokio::test]
async fn a_reset_in_the_middle_of_an_error_body_keeps_the_status() {
    let server = Server::start(vec![Reply::ResetAfter(head_and_part_of_body(
        500,
        "Internal Server Error",
    ))])
    .await;
    let err = builder(&server)
        .build()
        .unwrap()
        .send(add(1))
        .await
        .unwrap_err();
    assert_eq!(
        err.status(),
        Some(http::StatusCode::INTERNAL_SERVER_ERROR),
        "{err:?}"
    );
    assert_eq!(server.count(), 1);
}

// --- Retry-After ---------------------------------------------------------------

/// `Retry-After` a year ahead, as an HTTP date and as more seconds than a
/// u64 holds: the total-wait budget refuses at once, without sleeping, and
/// the error says what the service asked for.
#[tokio::test]
async fn retry_after_of_a_year_in_any_form_fails_at_once() {
    let in_a_year = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(365 * 86400));
    for value in [in_a_year.as_str(), "99999999999999999999999999"] {
        let server = Server::start(vec![response(429, &[("Retry-After", value)], "")]).await;
        let started = Instant::now();
        let err = builder(&server)
            .build()
            .unwrap()
            .send(add(1))
            .await
            .unwrap_err();
        assert!(started.elapsed() < Duration::from_secs(2), "{value}");
        match &err {
            Error::Throttled {
                attempts: 1,
                retry_after: Some(asked),
                waited,
                ..
            } => {
                assert!(
                    *asked > Duration::from_secs(364 * 86400),
                    "{value}: {asked:?}"
                );
                assert_eq!(*waited, Duration::ZERO);
            }
            other => panic!("{value}: {other:?}"),
        }
        let text = err.to_string();
        assert!(
            text.contains("throttled") && text.contains("the service asked for"),
            "{text}"
        );
        assert_eq!(server.count(), 1, "{value}");
    }
}

/// A negative, fractional, empty or garbage `Retry-After` counts as absent:
/// the client backs off on its own (capped, jittered) and tries again.
#[tokio::test]
async fn negative_or_garbage_retry_after_falls_back_to_backoff() {
    for value in [
        "-1",
        "-99999999999",
        "1.5",
        "",
        "soon",
        "Mon, 99 Foo 2020 25:61:61 GMT",
        "0x10",
    ] {
        let server = Server::start(vec![
            response(429, &[("Retry-After", value)], ""),
            response(503, &[("Retry-After", value)], ""),
            ok_reply(1),
        ])
        .await;
        let started = Instant::now();
        let out = builder(&server)
            .retry_policy(fast_retries())
            .build()
            .unwrap()
            .send(add(1))
            .await
            .unwrap_or_else(|e| panic!("{value:?}: {e}"));
        assert!(out.is_complete_success(), "{value:?}");
        assert!(started.elapsed() < Duration::from_secs(2), "{value:?}");
        let reqs = server.requests();
        assert_eq!(reqs.len(), 3, "{value:?}");
        assert_eq!(reqs[2].header("retry-attempt"), Some("2"));
    }
}

/// A garbage `Retry-After` with the default policy: the backoff (1 s, then
/// 2 s, ... capped at 32 s, jittered) is used, bounded by the attempts.
#[tokio::test]
async fn garbage_retry_after_with_the_default_policy_stays_within_the_budget() {
    let server = Server::start(vec![response(429, &[("Retry-After", "later")], "")]).await;
    let c = builder(&server)
        .retry_policy(RetryPolicy {
            max_attempts: 2,
            ..RetryPolicy::default()
        })
        .build()
        .unwrap();
    let started = Instant::now();
    let err = c.send(add(1)).await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::Throttled {
                attempts: 2,
                retry_after: None,
                ..
            }
        ),
        "{err:?}"
    );
    // One backoff of at most base_delay (1 s).
    assert!(started.elapsed() < Duration::from_millis(1500));
    assert_eq!(server.count(), 2);
}

// --- Compression -----------------------------------------------------------------

/// A gzip stream of `n` zero bytes (a "gzip bomb": ~13 bits per 258 bytes).
fn gzip_of_zeros(n: usize) -> Vec<u8> {
    struct Bits {
        out: Vec<u8>,
        acc: u32,
        len: u32,
    }
    impl Bits {
        /// `count` bits of `value`, least significant first.
        fn put(&mut self, value: u32, count: u32) {
            self.acc |= value << self.len;
            self.len += count;
            while self.len >= 8 {
                self.out.push(self.acc as u8);
                self.acc >>= 8;
                self.len -= 8;
            }
        }
        /// A Huffman code, most significant bit first.
        fn code(&mut self, code: u32, count: u32) {
            for i in (0..count).rev() {
                self.put((code >> i) & 1, 1);
            }
        }
    }
    let mut b = Bits {
        out: vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff],
        acc: 0,
        len: 0,
    };
    b.put(1, 1); // final block
    b.put(1, 2); // fixed Huffman codes
    b.code(0x30, 8); // literal 0
    let mut left = n - 1;
    while left >= 258 {
        b.code(0xc5, 8); // length 258 (code 285)
        b.code(0, 5); // distance 1
        left -= 258;
    }
    for _ in 0..left {
        b.code(0x30, 8);
    }
    b.code(0, 7); // end of block
    b.put(0, 7); // flush to a byte boundary
                 // The CRC-32 is left zero: the stream is never inflated here, and an
                 // inflater would hit the body cap long before checking it.
    let mut out = b.out;
    out.extend_from_slice(&0u32.to_le_bytes());
    out.extend_from_slice(&(n as u32).to_le_bytes());
    out
}

/// reqwest is built without its `gzip`/`brotli`/`deflate`/`zstd` features:
/// the client asks for no compression and never inflates a body, so a
/// 256 MiB gzip bomb is just 1.3 MB of bytes that do not decode as JSON
/// (and, announced bigger than the cap, is refused unread).
#[tokio::test]
async fn a_gzip_bomb_is_not_inflated() {
    let bomb = gzip_of_zeros(256 << 20);
    assert!(bomb.len() < 2 << 20, "{}", bomb.len());
    let mut head = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\nContent-Length: {}\r\n\r\n",
        bomb.len()
    )
    .into_bytes();
    head.extend_from_slice(&bomb);
    let server = Server::start(vec![Reply::Raw(head)]).await;
    let started = Instant::now();
    let err = builder(&server)
        .build()
        .unwrap()
        .send(add(1))
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Decode { status, .. } if status == 200),
        "{err:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(10));
    let req = &server.requests()[0];
    assert_eq!(
        req.header("accept-encoding"),
        None,
        "no compression asked for"
    );

    // With a cap below its compressed size, it is refused unread.
    let server = Server::start(vec![Reply::Raw(
        format!(
            "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: {}\r\n\r\n",
            bomb.len()
        )
        .into_bytes()
        .into_iter()
        .chain(bomb.iter().copied())
        .collect(),
    )])
    .await;
    let err = builder(&server)
        .max_response_bytes(1 << 20)
        .build()
        .unwrap()
        .send(add(1))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::BodyTooLarge { .. }), "{err:?}");
}

// --- Redirects ---------------------------------------------------------------------

/// 301, 302, 303, 307 and 308 to another host: never followed, so neither
/// the bearer token nor the body reaches it; the 3xx is the error.
#[tokio::test]
async fn no_redirect_is_followed_and_the_token_stays_home() {
    let elsewhere = Server::start(vec![ok_reply(1)]).await;
    for status in [301u16, 302, 303, 307, 308] {
        let location = format!("{}/v1.0/steal", elsewhere.url());
        let server = Server::start(vec![response(status, &[("Location", &location)], "")]).await;
        let err = builder(&server)
            .retry_policy(fast_retries())
            .build()
            .unwrap()
            .send(add(1))
            .await
            .unwrap_err();
        assert_eq!(err.status().map(|s| s.as_u16()), Some(status), "{err:?}");
        assert_eq!(server.count(), 1);
        assert!(!format!("{err:?}{err}").contains(TOKEN));
    }
    assert_eq!(elsewhere.count(), 0, "nothing reached the other host");
}

/// A token endpoint that redirects: the client secret is not sent on.
#[tokio::test]
async fn a_redirecting_token_endpoint_gets_no_secret_forwarded() {
    const SECRET: &str = "client-secret-never-forwarded";
    let elsewhere = Server::start(vec![json(
        200,
        r#"{"token_type":"Bearer","expires_in":3599,"access_token":"stolen"}"#,
    )])
    .await;
    let tokens = Server::start(vec![response(
        307,
        &[("Location", &format!("{}/token", elsewhere.url()))],
        "",
    )])
    .await;
    let graph = Server::start(vec![ok_reply(1)]).await;
    let creds = ClientCredentials::new("tenant", "client", SECRET)
        .authority_host(&tokens.url())
        .unwrap();
    let err = Client::builder(Cloud::Global)
        .base_url(graph.url())
        .token_provider(creds)
        .build()
        .unwrap()
        .send(add(1))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Auth(_)), "{err:?}");
    assert!(!format!("{err:?}{err}").contains(SECRET));
    assert_eq!(tokens.count(), 1);
    assert_eq!(elsewhere.count(), 0);
    assert_eq!(graph.count(), 0, "no call without a token");
}

/// A token endpoint answering `expires_in` of u64::MAX seconds must not bring
/// the client down (an Instant overflow once did): the lifetime is capped.
#[tokio::test]
async fn a_token_that_never_expires() {
    let tokens = Server::start(vec![json(
        200,
        r#"{"token_type":"Bearer","expires_in":18446744073709551615,"access_token":"forever"}"#,
    )])
    .await;
    let graph = Server::start(vec![ok_reply(1)]).await;
    let creds = ClientCredentials::new("tenant", "client", "secret")
        .authority_host(&tokens.url())
        .unwrap();
    let out = Client::builder(Cloud::Global)
        .base_url(graph.url())
        .token_provider(creds)
        .build()
        .unwrap()
        .send(add(1))
        .await;
    assert!(out.is_ok(), "{out:?}");
}
