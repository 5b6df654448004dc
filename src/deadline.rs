//! The per-file time guard (`--max-file-time`). Parsing is linear in the size of a file,
//! which `--max-file-size` bounds; the analyses after it follow calls and search the
//! tree again for functions and sockets, so a pathological file could make them slow.
//! They call [`check`] where a walk starts and [`tick`] per node, and when the file's
//! time is up the analysis unwinds (without the panic hook: this is not a bug) to the
//! per-file guard in `lint.rs`, which reports the file as skipped.

use std::cell::Cell;
use std::time::{Duration, Instant};

/// The payload of the unwind that stops an analysis whose time is up.
#[derive(Debug)]
pub struct TimedOut;

thread_local! {
    static DEADLINE: Cell<Option<Instant>> = const { Cell::new(None) };
    static TICKS: Cell<u32> = const { Cell::new(0) };
}

/// Reading the clock every time would cost more than the walks it guards.
const TICKS_PER_CHECK: u32 = 1024;

/// Sets this thread's deadline until the guard is dropped.
pub fn start(limit: Option<Duration>) -> Guard {
    let deadline = limit.map(|limit| Instant::now() + limit);
    TICKS.set(0);
    Guard(DEADLINE.replace(deadline))
}

/// Restores the deadline that was in force before [`start`].
pub struct Guard(Option<Instant>);

impl Drop for Guard {
    fn drop(&mut self) {
        DEADLINE.set(self.0);
    }
}

/// Stops the analysis if this thread's deadline has passed.
pub fn check() {
    if let Some(deadline) = DEADLINE.get()
        && Instant::now() >= deadline
    {
        std::panic::resume_unwind(Box::new(TimedOut));
    }
}

/// [`check`], every so many calls.
pub fn tick() {
    let ticks = TICKS.get().wrapping_add(1);
    TICKS.set(ticks);
    if ticks.is_multiple_of(TICKS_PER_CHECK) {
        check();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_happens_without_a_deadline_or_before_it() {
        check();
        let _guard = start(Some(Duration::from_secs(3600)));
        for _ in 0..10_000 {
            tick();
        }
    }

    #[test]
    fn a_passed_deadline_unwinds_with_timed_out_and_the_guard_restores() {
        let outcome = std::panic::catch_unwind(|| {
            let _guard = start(Some(Duration::ZERO));
            check();
        });
        let payload = outcome.expect_err("the check unwinds");
        assert!(payload.downcast_ref::<TimedOut>().is_some());
        check();
    }
}
