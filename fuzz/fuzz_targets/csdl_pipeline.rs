//! parse -> resolve -> emit, in memory, on arbitrary bytes.
//!
//! Every stage must return (never panic, never hang); an error about the
//! input must say where it is; and the emitter must never produce a file
//! that does not parse as Rust (it reports that as an `internal:` error,
//! which is a generator bug, so it fails the run here).
#![no_main]

use graphgen::model::Input;
use libfuzzer_sys::fuzz_target;

mod resolve_and_emit;

fuzz_target!(|data: &[u8]| {
    let document = match graphgen::csdl::parse("fuzz.csdl", data) {
        Ok(d) => d,
        Err(e) => {
            assert!(
                e.location.is_some(),
                "a reader error without a location: {e}"
            );
            return;
        }
    };
    let inputs = [Input {
        cloud: "global",
        document: &document,
    }];
    resolve_and_emit::check(&inputs);
});
