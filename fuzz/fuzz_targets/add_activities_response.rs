//! The response handling of the generated `AddActivities`
//! (`graphgen_runtime::parse_response`) on any status, headers and body.
//!
//! Input layout (so that seeds stay readable): 2 bytes of status (big
//! endian, folded into 100..=999), 1 byte for the number of activities sent
//! (0..=25), then header lines `name: value` up to an empty line, then the
//! body.
//!
//! Checked for every input: no panic; a non-2xx status is `Error::Service`
//! with that status; a parsed outcome has exactly one entry per activity
//! sent, in order, and every result of the body is either paired with an
//! activity or reported as unmatched (nothing dropped either way).
#![no_main]

use graphgen_runtime::batch::EntryStatus;
use graphgen_runtime::edm::DateTimeOffset;
use graphgen_runtime::{parse_response, Error};
use libfuzzer_sys::fuzz_target;
use msgraph_connectors::external_connectors::{
    AddActivities, AnyExternalActivity, ExternalActivity, ExternalActivityType, Identity,
    IdentityType,
};

/// The results of a collection body, each skipped over.
#[derive(serde::Deserialize)]
struct Results {
    value: Vec<serde::de::IgnoredAny>,
}

/// Activity number `i`, as the seeds echo it.
fn activity(i: usize) -> AnyExternalActivity {
    let kinds = [
        ExternalActivityType::Viewed,
        ExternalActivityType::Modified,
        ExternalActivityType::Created,
        ExternalActivityType::Commented,
    ];
    let start = format!("2021-04-06T18:{:02}:{:02}.{:03}Z", i / 60, i % 60, i);
    let mut a = ExternalActivity::new(
        DateTimeOffset::new(&start).unwrap(),
        kinds[i % kinds.len()].clone(),
    );
    let mut by = Identity::default();
    by.r#type = graphgen_runtime::Nullable::Value(IdentityType::User);
    by.id = graphgen_runtime::Nullable::Value("1f0c997e-99f7-43f1-8cca-086f8d42be8d".into());
    a.performed_by = graphgen_runtime::Nullable::Value(by);
    a.into()
}

fuzz_target!(|data: &[u8]| {
    if data.len() < 3 {
        return;
    }
    let status = 100 + u16::from_be_bytes([data[0], data[1]]) % 900;
    let sent = usize::from(data[2]) % 26;
    let rest = &data[3..];
    let (head, body) = match rest.windows(2).position(|w| w == b"\n\n") {
        Some(i) => (&rest[..i], &rest[i + 2..]),
        None => (&rest[..0], rest),
    };
    let mut response = http::Response::builder().status(status);
    for line in head.split(|&b| b == b'\n') {
        let Some(colon) = line.iter().position(|&b| b == b':') else {
            continue;
        };
        let (name, value) = (&line[..colon], &line[colon + 1..]);
        let (Ok(name), Ok(value)) = (
            http::HeaderName::from_bytes(name),
            http::HeaderValue::from_bytes(value.trim_ascii()),
        ) else {
            continue;
        };
        response = response.header(name, value);
    }
    let Ok(response) = response.body(body.to_vec()) else {
        return;
    };
    let activities: Vec<AnyExternalActivity> = (0..sent).map(activity).collect();
    let op = AddActivities::new("connection", "item", activities.clone());

    match parse_response(op, response) {
        Ok(outcome) => {
            assert!((200..300).contains(&status), "{status} parsed as a success");
            assert_eq!(outcome.status().as_u16(), status);
            let entries = outcome.entries();
            assert_eq!(entries.len(), sent, "one entry per activity sent");
            for (i, e) in entries.iter().enumerate() {
                assert_eq!(e.index, i);
                assert_eq!(e.item, activities[i]);
            }
            let paired = entries
                .iter()
                .filter(|e| !matches!(e.status, EntryStatus::Missing))
                .count();
            // The body parsed as an OData collection (or was empty, which
            // reads as no results): every result in it is accounted for.
            // Counted as leniently as the client reads (serde_json does not
            // check UTF-8 inside strings it skips, such as `@odata.type`).
            let results = if body.iter().all(u8::is_ascii_whitespace) {
                0
            } else {
                serde_json::from_slice::<Results>(body).unwrap().value.len()
            };
            assert_eq!(paired + outcome.unmatched_results().len(), results);
            // Failed items are resubmitted; missing ones may have been
            // recorded, so they are reported, not resubmitted.
            let retry = entries
                .iter()
                .filter(|e| matches!(e.status, EntryStatus::Failed(_)))
                .count();
            assert_eq!(outcome.into_retry_items().len(), retry);
        }
        Err(Error::Service(e)) => {
            assert!(!(200..300).contains(&status), "{status}: {e}");
            assert_eq!(e.status.as_u16(), status);
            let _ = e.to_string();
        }
        Err(e) => {
            assert!((200..300).contains(&status), "{status}: {e:?}");
            let _ = e.to_string();
        }
    }
});
