//! What `csdl_pipeline` and `csdl_clouds` check once their documents parse.

use graphgen::emit::{self, Options};
use graphgen::model::{self, Input, Selection};
use graphgen::ErrorKind;

/// Builds the model of every namespace of `inputs` and emits its crate:
/// both must return, an error about the input must say where it is, and the
/// emitter must never produce a file that does not parse as Rust (reported
/// as an `internal:` error, a generator bug).
pub fn check(inputs: &[Input<'_>]) {
    let model = match model::build(inputs, &Selection::All) {
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
}
