//! Several clouds' documents read together: resolve and emit a crate for
//! all of them, on arbitrary bytes.
//!
//! The input is up to three documents (global, usgov, china) separated by
//! [`SEPARATOR`]. Each must parse (reading alone is `csdl_pipeline`'s);
//! then merging them must return, an error must say where it is, and the
//! emitter must never produce a file that does not parse as Rust.
#![no_main]

use graphgen::csdl::ast::Document;
use graphgen::model::Input;
use libfuzzer_sys::fuzz_target;

mod resolve_and_emit;

/// Between two documents of the input (also in `csdl.dict`).
const SEPARATOR: &[u8] = b"\n<!--graphgen:next-cloud-->\n";

const CLOUDS: [&str; 3] = ["global", "usgov", "china"];

/// The input cut at each separator, at most `CLOUDS.len()` parts.
fn documents(mut data: &[u8]) -> Vec<&[u8]> {
    let mut parts = Vec::new();
    while parts.len() + 1 < CLOUDS.len() {
        let Some(at) = data.windows(SEPARATOR.len()).position(|w| w == SEPARATOR) else {
            break;
        };
        parts.push(&data[..at]);
        data = &data[at + SEPARATOR.len()..];
    }
    parts.push(data);
    parts
}

fuzz_target!(|data: &[u8]| {
    let parts = documents(data);
    if parts.len() < 2 {
        return;
    }
    let Ok(parsed) = parts
        .iter()
        .zip(CLOUDS)
        .map(|(bytes, cloud)| graphgen::csdl::parse(cloud, bytes))
        .collect::<Result<Vec<Document>, _>>()
    else {
        return;
    };
    let inputs: Vec<Input<'_>> = parsed
        .iter()
        .zip(CLOUDS)
        .map(|(document, cloud)| Input { cloud, document })
        .collect();
    resolve_and_emit::check(&inputs);
});
