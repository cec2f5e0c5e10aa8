//! The generated models on the wire, next to what a person would write by
//! hand with serde for the same JSON:
//!
//! - `serialize_request`: a 20-activity `addActivities` request body
//!   (`AddActivitiesBody`, as `Operation::body` writes it).
//! - `parse_207`: a 20-result 207 Multi-Status response body into
//!   `Vec<ExternalActivityResult>` via `graphgen_runtime::odata::collection`
//!   (what `AddActivities::parse_response` does before pairing).
//! - `parse_request` (for information, no goal): reading the request body
//!   back, where every activity is polymorphic (`AnyExternalActivity` reads
//!   `@odata.type` first).
//!
//! `cargo bench -p msgraph-connectors --bench wire` prints criterion's
//! figures, then measures each pair again in alternating short batches (so
//! that load from other processes hits both sides alike, which criterion's
//! one-after-the-other runs cannot promise) and prints the medians and the
//! ratio generated / hand-written; the goal for the first two is at most 1.5.

use std::hint::black_box;

use criterion::{criterion_group, Criterion};
use graphgen_runtime::edm::DateTimeOffset;
use graphgen_runtime::http::StatusCode;
use graphgen_runtime::Nullable;
use msgraph_connectors::external_connectors::{
    AddActivities, AddActivitiesBody, AnyExternalActivity, ExternalActivity,
    ExternalActivityResult, ExternalActivityType, Identity, IdentityType,
};
use serde::{Deserialize, Serialize};

/// What a person would write by hand for the same JSON: plain `String`s,
/// `@odata.type` as an ordinary field (members in the order the generated
/// code writes them, so both write the same bytes).
mod baseline {
    use super::*;

    #[derive(Serialize, Deserialize)]
    pub struct Body {
        pub activities: Vec<Activity>,
    }

    #[derive(Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct Activity {
        #[serde(rename = "@odata.type")]
        pub odata_type: String,
        pub start_date_time: String,
        #[serde(rename = "type")]
        pub kind: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub performed_by: Option<Identity>,
    }

    #[derive(Serialize, Deserialize)]
    pub struct Identity {
        pub id: String,
        #[serde(rename = "type")]
        pub kind: String,
    }

    #[derive(Deserialize)]
    pub struct Results {
        pub value: Vec<ActivityResult>,
    }

    // Only read by the benchmark, not by code.
    #[allow(dead_code)]
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct ActivityResult {
        #[serde(rename = "@odata.type")]
        pub odata_type: String,
        #[serde(rename = "type")]
        pub kind: String,
        pub start_date_time: String,
        pub error: Option<PublicError>,
    }

    #[allow(dead_code)]
    #[derive(Deserialize)]
    pub struct PublicError {
        pub code: String,
        pub message: String,
    }
}

const USER: &str = "1f0c997e-99f7-43f1-8cca-086f8d42be8d";
const KINDS: [&str; 4] = ["viewed", "modified", "created", "commented"];

fn start(i: usize) -> String {
    format!("2021-04-06T18:04:{:02}.{:03}Z", i % 60, i * 37 % 1000)
}

fn generated_body(n: usize) -> AddActivitiesBody {
    let activities: Vec<AnyExternalActivity> = (0..n)
        .map(|i| {
            let mut a = ExternalActivity::new(
                DateTimeOffset::new(start(i)).unwrap(),
                KINDS[i % 4].parse::<ExternalActivityType>().unwrap(),
            );
            let mut by = Identity::default();
            by.r#type = Nullable::Value(IdentityType::User);
            by.id = Nullable::Value(USER.into());
            a.performed_by = Nullable::Value(by);
            a.into()
        })
        .collect();
    AddActivities::new("contosohr", "TSP228082938", activities).body
}

fn baseline_body(n: usize) -> baseline::Body {
    baseline::Body {
        activities: (0..n)
            .map(|i| baseline::Activity {
                odata_type: "#microsoft.graph.externalConnectors.externalActivity".into(),
                kind: KINDS[i % 4].into(),
                start_date_time: start(i),
                performed_by: Some(baseline::Identity {
                    kind: "user".into(),
                    id: USER.into(),
                }),
            })
            .collect(),
    }
}

/// A 207 body: one result per activity as the service writes them, every
/// fifth one failed.
fn response_207(n: usize) -> Vec<u8> {
    let value: Vec<serde_json::Value> = (0..n)
        .map(|i| {
            let error = (i % 5 == 3).then(|| {
                serde_json::json!({
                    "code": "InvalidRequest",
                    "message": "The startDateTime of the activity is in the future.",
                })
            });
            serde_json::json!({
                "@odata.type": "#microsoft.graph.externalConnectors.externalActivityResult",
                "type": KINDS[i % 4],
                "startDateTime": start(i),
                "error": error,
            })
        })
        .collect();
    serde_json::to_vec(&serde_json::json!({
        "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#Collection(microsoft.graph.externalConnectors.externalActivityResult)",
        "value": value,
    }))
    .unwrap()
}

fn serialize_request(c: &mut Criterion) {
    let generated = generated_body(20);
    let hand = baseline_body(20);
    // The same JSON, byte for byte.
    let a = serde_json::to_string(&generated).unwrap();
    let b = serde_json::to_string(&hand).unwrap();
    assert_eq!(a, b);

    let mut g = c.benchmark_group("serialize_request");
    g.throughput(criterion::Throughput::Bytes(a.len() as u64));
    g.bench_function("generated", |bench| {
        bench.iter(|| graphgen_runtime::odata::json_body(black_box(&generated)).unwrap())
    });
    g.bench_function("baseline", |bench| {
        bench.iter(|| serde_json::to_vec(black_box(&hand)).unwrap())
    });
    g.finish();
}

fn parse_207(c: &mut Criterion) {
    let body = response_207(20);
    let check: Vec<ExternalActivityResult> =
        graphgen_runtime::odata::collection(StatusCode::MULTI_STATUS, &body).unwrap();
    assert_eq!(check.len(), 20);
    assert_eq!(check.iter().filter(|r| r.error.is_value()).count(), 4);
    let check: baseline::Results = serde_json::from_slice(&body).unwrap();
    assert_eq!(check.value.len(), 20);

    let mut g = c.benchmark_group("parse_207");
    g.throughput(criterion::Throughput::Bytes(body.len() as u64));
    g.bench_function("generated", |bench| {
        bench.iter(|| {
            graphgen_runtime::odata::collection::<ExternalActivityResult>(
                StatusCode::MULTI_STATUS,
                black_box(&body),
            )
            .unwrap()
        })
    });
    g.bench_function("baseline", |bench| {
        bench.iter(|| serde_json::from_slice::<baseline::Results>(black_box(&body)).unwrap())
    });
    g.finish();
}

fn parse_request(c: &mut Criterion) {
    let body = serde_json::to_vec(&baseline_body(20)).unwrap();
    let mut g = c.benchmark_group("parse_request");
    g.throughput(criterion::Throughput::Bytes(body.len() as u64));
    g.bench_function("generated", |bench| {
        bench.iter(|| serde_json::from_slice::<AddActivitiesBody>(black_box(&body)).unwrap())
    });
    g.bench_function("baseline", |bench| {
        bench.iter(|| serde_json::from_slice::<baseline::Body>(black_box(&body)).unwrap())
    });
    g.finish();
}

criterion_group!(benches, serialize_request, parse_207, parse_request);

/// Runs `a` and `b` in alternating batches (so that background load hits
/// both alike) and gives the median time per call of each and the median of
/// the per-round ratios a/b.
fn interleaved(mut a: impl FnMut(), mut b: impl FnMut()) -> (f64, f64, f64) {
    use std::time::{Duration, Instant};
    let time = |f: &mut dyn FnMut(), n: u32| {
        let t = Instant::now();
        for _ in 0..n {
            f();
        }
        t.elapsed().as_nanos() as f64 / f64::from(n)
    };
    // Batches of about 200 µs.
    let one = time(&mut a, 100).max(1.0);
    let n = ((Duration::from_micros(200).as_nanos() as f64 / one).ceil() as u32).max(1);
    for _ in 0..20 {
        time(&mut a, n);
        time(&mut b, n);
    }
    let (mut ta, mut tb, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    for round in 0..1000 {
        let (x, y) = if round % 2 == 0 {
            let x = time(&mut a, n);
            (x, time(&mut b, n))
        } else {
            let y = time(&mut b, n);
            (time(&mut a, n), y)
        };
        ta.push(x);
        tb.push(y);
        ratios.push(x / y);
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    (median(&mut ta), median(&mut tb), median(&mut ratios))
}

fn ratios() {
    let generated = generated_body(20);
    let hand = baseline_body(20);
    let resp = response_207(20);
    let req = serde_json::to_vec(&hand).unwrap();
    let rows = [
        (
            "serialize_request",
            Some(1.5),
            interleaved(
                || {
                    black_box(graphgen_runtime::odata::json_body(black_box(&generated)).unwrap());
                },
                || {
                    black_box(serde_json::to_vec(black_box(&hand)).unwrap());
                },
            ),
        ),
        (
            "parse_207",
            Some(1.5),
            interleaved(
                || {
                    black_box(
                        graphgen_runtime::odata::collection::<ExternalActivityResult>(
                            StatusCode::MULTI_STATUS,
                            black_box(&resp),
                        )
                        .unwrap(),
                    );
                },
                || {
                    black_box(
                        serde_json::from_slice::<baseline::Results>(black_box(&resp)).unwrap(),
                    );
                },
            ),
        ),
        (
            "parse_request",
            None,
            interleaved(
                || {
                    black_box(
                        serde_json::from_slice::<AddActivitiesBody>(black_box(&req)).unwrap(),
                    );
                },
                || {
                    black_box(serde_json::from_slice::<baseline::Body>(black_box(&req)).unwrap());
                },
            ),
        ),
    ];
    println!(
        "\ngenerated vs hand-written baseline, interleaved (1000 alternating rounds, medians):"
    );
    for (group, goal, (g, h, ratio)) in rows {
        let verdict = match goal {
            Some(goal) if ratio <= goal => format!("within the {goal}x goal"),
            Some(goal) => format!("MISSES the {goal}x goal"),
            None => "information, no goal".to_owned(),
        };
        println!(
            "  {group:<18} generated {:>7.2} µs   baseline {:>7.2} µs   ratio {ratio:.2}x ({verdict})",
            g / 1000.0,
            h / 1000.0,
        );
    }
}

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
    // Only `cargo bench` measures (`cargo test --benches` runs each once).
    if std::env::args().any(|a| a == "--bench") {
        ratios();
    }
}
