//! Several clouds' documents read together: resolve and emit a crate for
//! all of them, on arbitrary bytes.
//!
//! The input is up to three documents (global, usgov, china) separated by
//! [`SEPARATOR`]. Each must parse (reading alone is `csdl_pipeline`'s);
//! then merging them must return, an error must say where it is, and the
//! emitter must never produce a file that does not parse as Rust.
#![no_main]

use graphgen::csdl::ast::Document;
use graphgen::emit::{self, Options};
use graphgen::model::{self, Input, Selection};
use graphgen::ErrorKind;
use libfuzzer_sys::fuzz_target;

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
    let model = match model::build(&inputs, &Selection::All) {
        Ok(m) => m,
        Err(e) => {
            assert!(
                e.location.is_some() || e.kind == ErrorKind::Usage,
                "a model error without a location: {e}"
            );
            return;
        }
    };
    if let Err(e) = emit::emit(&model, &Options::new("fuzz")) {
        assert!(!e.message.starts_with("internal:"), "emitter bug: {e}");
    }
});
