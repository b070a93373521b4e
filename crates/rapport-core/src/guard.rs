//! Contained panics: third-party parsers get a `catch_unwind` around them, and the process's
//! panic hook asks `is_guarded` so that a contained panic is only logged, never treated as a
//! crash (which, in the TUI, would tear the terminal down).

use std::cell::Cell;
use std::panic::{AssertUnwindSafe, catch_unwind};

thread_local! {
    static DEPTH: Cell<u32> = const { Cell::new(0) };
}

/// Runs `f`, turning a panic into `Err(payload)`.
pub fn guarded<T>(f: impl FnOnce() -> T) -> std::thread::Result<T> {
    DEPTH.with(|d| d.set(d.get() + 1));
    let r = catch_unwind(AssertUnwindSafe(f));
    DEPTH.with(|d| d.set(d.get() - 1));
    r
}

/// True while this thread runs inside `guarded`.
pub fn is_guarded() -> bool {
    DEPTH.with(|d| d.get() > 0)
}
