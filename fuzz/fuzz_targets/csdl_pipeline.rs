//! parse -> resolve -> emit, in memory, on arbitrary bytes.
//!
//! Every stage must return (never panic, never hang); an error about the
//! input must say where it is; and the emitter must never produce a file
//! that does not parse as Rust (it reports that as an `internal:` error,
//! which is a generator bug, so it fails the run here).
#![no_main]

use graphgen::emit::{self, Options};
use graphgen::model::{self, Input, Selection};
use graphgen::ErrorKind;
use libfuzzer_sys::fuzz_target;

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
