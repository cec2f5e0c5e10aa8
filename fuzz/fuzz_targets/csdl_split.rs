//! The parser's split reading (two threads, the second reading ahead from a
//! schema or schema child) on arbitrary bytes, at nine split points from the
//! start to the end of the input: each result, document or error, must be
//! the serial reader's.
//!
//! Documents under 256 KB are always read serially, so the pipeline target
//! never reaches the split reading; this one forces it.
#![no_main]

use graphgen::csdl::parse::{parse, parse_split_near};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let serial = parse("fuzz.csdl", data);
    for eighth in 0..=8 {
        let near = data.len() * eighth / 8;
        let (split, _) = parse_split_near("fuzz.csdl", data, near);
        assert!(
            split == serial,
            "split near byte {near}: {split:?}\nserially: {serial:?}"
        );
    }
});
