//! The per-file guards on work: a budget of steps, and a clock (`--max-file-time`).
//!
//! Parsing is linear in the size of a file, which `--max-file-size` bounds; the analyses
//! after it follow calls and search the tree again for functions and sockets, and the
//! stages after them look findings up, so a pathological file could make them slow. Each
//! of them calls [`tick`] per step (a node walked, a finding placed, a directive asked),
//! and [`check`] where a walk starts.
//!
//! - The **budget** counts steps: [`WORK_PER_BYTE`] per byte of the file, plus
//!   [`WORK_BASE`]. It decides the same on a loaded machine as on an idle one. Real code
//!   takes far less: when only the walks counted, the benchmark corpus's most demanding
//!   file took 0.11 steps per byte; with every stage counting, no file of either corpus is
//!   skipped.
//! - The **clock** is a last resort for work that no step counts; its default is far above
//!   what any real file takes on a busy 2-core machine.
//!
//! When either runs out the analysis unwinds (without the panic hook: this is not a bug)
//! to the per-file guard in `lint/mod.rs`, which reports the file as skipped.

use std::cell::Cell;
use std::time::{Duration, Instant};

/// The payload of the unwind that stops an analysis whose time or work is up.
#[derive(Debug)]
pub struct TimedOut {
    /// The work budget ran out (the clock, otherwise).
    pub out_of_work: bool,
}

/// Steps of work a file may take per byte of it.
pub const WORK_PER_BYTE: u64 = 16;

/// Steps of work any file may take, however small.
pub const WORK_BASE: u64 = 1_000_000;

thread_local! {
    static DEADLINE: Cell<Option<Instant>> = const { Cell::new(None) };
    static TICKS: Cell<u64> = const { Cell::new(0) };
    static BUDGET: Cell<u64> = const { Cell::new(u64::MAX) };
}

/// Reading the clock every time would cost more than the walks it guards.
const TICKS_PER_CHECK: u64 = 1024;

/// The budget of a file of `bytes` bytes.
pub fn budget_for(bytes: usize) -> u64 {
    WORK_BASE.saturating_add(WORK_PER_BYTE.saturating_mul(bytes as u64))
}

/// Sets this thread's clock and work budget until the guard is dropped.
pub fn start(limit: Option<Duration>, budget: u64) -> Guard {
    let deadline = limit.map(|limit| Instant::now() + limit);
    Guard {
        deadline: DEADLINE.replace(deadline),
        ticks: TICKS.replace(0),
        budget: BUDGET.replace(budget),
    }
}

/// Restores the guards that were in force before [`start`].
pub struct Guard {
    deadline: Option<Instant>,
    ticks: u64,
    budget: u64,
}

impl Drop for Guard {
    fn drop(&mut self) {
        DEADLINE.set(self.deadline);
        TICKS.set(self.ticks);
        BUDGET.set(self.budget);
    }
}

/// Stops the analysis if this thread's deadline has passed.
pub fn check() {
    if let Some(deadline) = DEADLINE.get()
        && Instant::now() >= deadline
    {
        std::panic::resume_unwind(Box::new(TimedOut { out_of_work: false }));
    }
}

/// One step of work: stops the analysis when the budget is spent, and reads the clock
/// every so many steps.
pub fn tick() {
    let ticks = TICKS.get().wrapping_add(1);
    TICKS.set(ticks);
    if ticks > BUDGET.get() {
        std::panic::resume_unwind(Box::new(TimedOut { out_of_work: true }));
    }
    if ticks.is_multiple_of(TICKS_PER_CHECK) {
        check();
    }
}

/// The steps this thread has taken since its budget was set.
pub fn steps_taken() -> u64 {
    TICKS.get()
}

/// Counts `steps` at once: work a memo saves is charged as if it were done again, so
/// that the budget decides the same whether it was saved or not.
pub fn charge(steps: u64) {
    let ticks = TICKS.get().saturating_add(steps);
    TICKS.set(ticks);
    if ticks > BUDGET.get() {
        std::panic::resume_unwind(Box::new(TimedOut { out_of_work: true }));
    }
    check();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_happens_without_a_deadline_or_before_it() {
        check();
        let _guard = start(Some(Duration::from_secs(3600)), u64::MAX);
        for _ in 0..10_000 {
            tick();
        }
    }

    #[test]
    fn a_passed_deadline_unwinds_with_timed_out_and_the_guard_restores() {
        let outcome = std::panic::catch_unwind(|| {
            let _guard = start(Some(Duration::ZERO), u64::MAX);
            check();
        });
        let payload = outcome.expect_err("the check unwinds");
        let timed_out = payload.downcast_ref::<TimedOut>().unwrap();
        assert!(!timed_out.out_of_work);
        check();
    }

    #[test]
    fn a_spent_budget_unwinds_whatever_the_clock_says_and_the_guard_restores() {
        let outcome = std::panic::catch_unwind(|| {
            let _guard = start(None, 100);
            for _ in 0..101 {
                tick();
            }
        });
        let payload = outcome.expect_err("the 101st step unwinds");
        assert!(payload.downcast_ref::<TimedOut>().unwrap().out_of_work);
        for _ in 0..1_000 {
            tick();
        }
    }
}
