//! What each stage of a run costs, for `--stats`.

use super::Engine;

/// The process's CPU time, when `--stats` wants it.
pub(super) fn cpu_now(engine: &Engine) -> Option<std::time::Duration> {
    engine
        .collect_stats
        .then(crate::results::process_cpu_time)
        .flatten()
}

/// Times the stages of a run, for `--stats`.
pub(super) struct StageClock<'e> {
    engine: &'e Engine,
    started: std::time::Instant,
    cpu_started: Option<std::time::Duration>,
    stages: Vec<(&'static str, std::time::Duration)>,
    stage_cpu: Vec<Option<std::time::Duration>>,
}

impl<'e> StageClock<'e> {
    pub(super) fn new(engine: &'e Engine) -> StageClock<'e> {
        *engine
            .stage
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = "first pass";
        StageClock {
            engine,
            started: std::time::Instant::now(),
            cpu_started: cpu_now(engine),
            stages: Vec::new(),
            stage_cpu: Vec::new(),
        }
    }

    /// `stage` is over; files linted from now on count for `next`.
    pub(super) fn finished(&mut self, stage: &'static str, next: &'static str) {
        self.stages.push((stage, self.started.elapsed()));
        self.started = std::time::Instant::now();
        let cpu = cpu_now(self.engine);
        self.stage_cpu.push(
            cpu.zip(self.cpu_started)
                .map(|(now, then)| now.saturating_sub(then)),
        );
        self.cpu_started = cpu;
        *self
            .engine
            .stage
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = next;
    }

    pub(super) fn into_stats(self) -> crate::results::Stats {
        let files = std::mem::take(
            &mut *self
                .engine
                .file_times
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner()),
        );
        crate::results::Stats {
            stages: self.stages,
            stage_cpu: self.stage_cpu,
            files,
        }
    }
}
