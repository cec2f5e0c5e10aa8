//! Progress of a long send, on standard error only: standard output stays
//! the examples' results, whatever reads them.

use std::io::{IsTerminal, Write};
use std::sync::Mutex;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Sends of at most this many items (one `addActivities` call's worth) end
/// too soon for progress to help; none is shown for them.
const QUIET_UP_TO: usize = 20;

/// The bar on the screen, if any: every line printed while it is there
/// goes through it (see [`out_line`]).
static SHOWN: Mutex<Option<ProgressBar>> = Mutex::new(None);

/// How far a send of `total` items is: a bar when standard error is a
/// terminal, else a line such as `sent 20/45` each time it moves on.
pub struct Progress {
    how: How,
    verb: &'static str,
    done: usize,
    total: usize,
}

enum How {
    Quiet,
    Lines,
    Bar(ProgressBar),
}

impl Progress {
    /// Progress of `total` items, each `verb` (`sent`, `put`) when done.
    pub fn new(verb: &'static str, total: usize) -> Progress {
        let stderr = std::io::stderr();
        // Log lines (RUST_LOG) written under a bar would tear it: with them,
        // plain lines.
        let logging = std::env::var_os("RUST_LOG").is_some_and(|v| !v.is_empty());
        let how = if total <= QUIET_UP_TO {
            How::Quiet
        } else if stderr.is_terminal() && !logging {
            let style = ProgressStyle::with_template("{bar:30} {pos}/{len} {msg} ({elapsed})")
                .expect("a valid template");
            let bar =
                ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::stderr())
                    .with_style(style)
                    .with_message(verb);
            *shown() = Some(bar.clone());
            How::Bar(bar)
        } else {
            How::Lines
        };
        Progress {
            how,
            verb,
            done: 0,
            total,
        }
    }

    /// `n` more items are done.
    pub fn advance(&mut self, n: usize) {
        self.done += n;
        match &self.how {
            How::Quiet => {}
            How::Lines => err_line(format_args!("{} {}/{}", self.verb, self.done, self.total)),
            How::Bar(bar) => bar.set_position(self.done as u64),
        }
    }
}

impl Drop for Progress {
    // Whatever way the send ends, the bar does not stay behind on the screen.
    fn drop(&mut self) {
        if let How::Bar(bar) = &self.how {
            bar.finish_and_clear();
            *shown() = None;
        }
    }
}

fn shown() -> std::sync::MutexGuard<'static, Option<ProgressBar>> {
    // A panic while holding it leaves nothing half-changed.
    SHOWN.lock().unwrap_or_else(|e| e.into_inner())
}

/// Prints `text` and a line break on standard output. A bar on the screen
/// is taken off meanwhile: where standard output is the same terminal,
/// the two would tear each other.
pub fn out_line(text: impl std::fmt::Display) {
    print_line(std::io::stdout, text);
}

/// [`out_line`] for standard error.
pub fn err_line(text: impl std::fmt::Display) {
    print_line(std::io::stderr, text);
}

fn print_line<W: Write>(stream: fn() -> W, text: impl std::fmt::Display) {
    // A closed pipe (`| head`) is not worth a panic.
    let print = || writeln!(stream(), "{text}");
    let _ = match shown().as_ref() {
        Some(bar) => bar.suspend(print),
        None => print(),
    };
}
