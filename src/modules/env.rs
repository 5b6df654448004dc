//! What a file's analysis knows of the modules it imports: the answers of the link
//! pass, and the demands the analysis makes of them.
//!
//! The analysis asks [`imported`] whenever its answer would depend on an imported name
//! (a constant's value, a helper's origin check or sink). In the first pass nothing is
//! linked yet: the question is only noted. The link pass answers the noted questions
//! from the exporting modules' summaries, and a file with answers is analysed again
//! with them in view ([`with_answers`]), so an imported helper counts exactly as a
//! same-file one.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::{ExportSummary, FunctionSummary};

/// An imported name: the module specifier as written, and the name it exports
/// (`default` for a default import, `*` for a namespace).
pub type ImportKey = (String, String);

/// What the analysis of a file could use of an imported name's summary, by name: the
/// link answers a question only with a summary that has something the question could
/// use, so that an answer that changes nothing lints nothing again.
pub type Demands = BTreeMap<ImportKey, Matters>;

/// Notes in `demands` that `key` is asked about for what `matters` names, beside what
/// other uses of it asked.
pub fn note(demands: &mut Demands, key: ImportKey, matters: Matters) {
    let entry = demands.entry(key).or_default();
    *entry = entry.join(matters);
}

/// Which parts of a summary could change what the analysis makes of an imported name,
/// one bit per use (several uses of one name are joined).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Matters(u8);

impl Matters {
    /// Any summary, even a function's that does nothing a rule reads: a helper handed
    /// the origin that checks nothing is not a check.
    pub const ANYTHING: Matters = Matters(1);
    /// Only a constant's value (what `imported_constant` reads).
    pub const VALUE: Matters = Matters(2);
    /// Only the sinks its parameters reach.
    pub const SINKS: Matters = Matters(4);
    /// Only whether it forwards to `addEventListener`.
    pub const LISTENER_WRAPPER: Matters = Matters(8);
    /// Only whether it makes and returns a socket (a factory).
    pub const SOCKET_FACTORY: Matters = Matters(16);
    /// Only what it does with a socket handed to its parameters: a socket handed to a
    /// helper that keeps it to itself is not handed off, but one handed to a function
    /// that uses no parameter as a socket goes to code the rules cannot see, as to an
    /// unknown function.
    pub const SOCKET_PARAMS: Matters = Matters(32);

    pub fn join(self, other: Matters) -> Matters {
        Matters(self.0 | other.0)
    }

    fn has(self, part: Matters) -> bool {
        self.0 & part.0 != 0
    }

    /// Whether a use of this kind reads a part of a function's summary that its own walks
    /// make (origin checks, sinks, returned functions): a pending summary cannot answer
    /// it (see [`super::FunctionSummary::pending`]).
    pub fn reads_walks(self) -> bool {
        self.has(Matters::ANYTHING) || self.has(Matters::SINKS)
    }

    /// Whether `summary` has something a use of this kind could read. A function's part
    /// counts in the functions of the object it returns too: a use of a function
    /// destructured from a call's result (`const { on } = useEvents()`) reads them.
    pub fn in_summary(self, summary: &ExportSummary) -> bool {
        let function = |part: fn(&FunctionSummary) -> bool| {
            summary.function.as_ref().is_some_and(|function| {
                part(function) || function.returned.iter().any(|(_, returned)| part(returned))
            })
        };
        self.has(Matters::ANYTHING)
            || (self.has(Matters::VALUE) && summary.value.is_some())
            || (self.has(Matters::SINKS) && function(|f| f.sinks.iter().any(Option::is_some)))
            || (self.has(Matters::LISTENER_WRAPPER) && function(|f| f.listener_wrapper.is_some()))
            || (self.has(Matters::SOCKET_FACTORY) && function(|f| f.socket.is_some()))
            || (self.has(Matters::SOCKET_PARAMS) && function(|f| !f.socket_params.is_empty()))
    }
}

/// [`Demands`] in JSON (the cache), whose object keys are strings: as pairs.
pub mod demands_as_pairs {
    use super::{Demands, ImportKey, Matters};
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(demands: &Demands, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(demands.iter())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Demands, D::Error> {
        let pairs = Vec::<(ImportKey, Matters)>::deserialize(deserializer)?;
        Ok(pairs.into_iter().collect())
    }
}

/// What the link pass found for a file's imported names.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Answers {
    pub found: BTreeMap<ImportKey, Imported>,
}

/// An imported name's summary and where it is defined.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Imported {
    /// The defining file, as shown.
    pub path: String,
    pub summary: ExportSummary,
}

impl Imported {
    /// `src/config.ts:3`
    pub fn location(&self) -> String {
        format!("{}:{}", self.path, self.summary.line)
    }
}

#[derive(Default)]
struct State {
    answers: Option<Arc<Answers>>,
    demands: Demands,
    /// Questions asked while summarising the file's exports (see [`summarising_exports`]).
    export_demands: Demands,
    summarising: bool,
    /// What the file's exports are summarised for.
    exports: Exports,
    /// Summaries an earlier analysis of the same bytes made, and those this one makes.
    remembered: SummaryMemo,
    made: SummaryMemo,
    /// The questions asked by each summary being made (innermost last).
    recording: Vec<Demands>,
}

/// The summaries of a file's functions as one analysis of its bytes made them, by the
/// function's span, each with the questions its making asked and the work it took, and
/// the answers that analysis had. The link pass analyses a file again when some answer
/// changed; a function whose making asked about none of the changed names walks the
/// same tree with the same answers, so its summary is taken from here (see
/// [`remembered_summary`]).
#[derive(Debug, Default)]
pub struct SummaryMemo {
    answers: Option<Arc<Answers>>,
    by_span: rustc_hash::FxHashMap<(u32, u32), Remembered>,
}

#[derive(Debug, Clone)]
struct Remembered {
    summary: FunctionSummary,
    asked: Demands,
    /// The steps of work (`crate::deadline`) its making took.
    steps: u64,
}

/// How much of a file's exports its analysis summarises.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Exports {
    /// What a first pass summarises when every function is summarised at once (only to
    /// show that summarising when asked changes no finding: `Engine::lazy_summaries`),
    /// up to a budget: the link may read them, and asks for the rest.
    #[default]
    Partial,
    /// A first pass that leaves every function's walks to the link: what a function does
    /// with an origin, an event or a value (three walks per parameter) is made only for
    /// the names some file asks about ([`Exports::Asked`]); the rest of each summary is
    /// known from the file's own walk (see [`super::FunctionSummary::pending`]).
    Lazy,
    /// The link asked for these exported names: their functions are summarised whatever
    /// their size, and the rest are left pending as in [`Exports::Lazy`].
    Asked(Arc<std::collections::BTreeSet<String>>),
    /// The link asked for the file's exports: every function is walked and every export
    /// summarised.
    Full,
    /// None: only the file's own findings are wanted, and no link reads its exports (the
    /// language server's lint of an open document). The findings are the same.
    None,
}

thread_local! {
    static STATE: RefCell<State> = RefCell::new(State::default());
}

/// What is known of `name` exported by `specifier`, noting the question: any summary
/// may change what the analysis makes of it.
pub fn imported(specifier: &str, name: &str) -> Option<Imported> {
    imported_for(specifier, name, Matters::ANYTHING)
}

/// What is known of `name` exported by `specifier`, noting the question and what part
/// of a summary it could use. The caller must make of a summary without that part what
/// it makes of no answer at all: the link leaves such summaries out.
pub fn imported_for(specifier: &str, name: &str, matters: Matters) -> Option<Imported> {
    STATE.with(|state| {
        let mut state = state.borrow_mut();
        let key = (specifier.to_string(), name.to_string());
        let found = state
            .answers
            .as_ref()
            .and_then(|answers| answers.found.get(&key).cloned());
        if let Some(recording) = state.recording.last_mut() {
            note(recording, key.clone(), matters);
        }
        let demands = if state.summarising {
            &mut state.export_demands
        } else {
            &mut state.demands
        };
        note(demands, key, matters);
        found
    })
}

/// What of the file's exports its analysis summarises.
pub fn export_mode() -> Exports {
    STATE.with(|state| state.borrow().exports.clone())
}

/// Whether the file's exports are summarised at all (see [`Exports::None`]).
pub fn summarises_exports() -> bool {
    STATE.with(|state| state.borrow().exports != Exports::None)
}

/// Runs `analyze` with `answers` in view, and returns what it asked of imported names.
/// `exports`: what of the file's exports to summarise; `remembered`: the summaries an
/// earlier analysis of the same bytes made (see [`SummaryMemo`]).
pub fn with_answers<R>(
    answers: Option<Arc<Answers>>,
    exports: Exports,
    remembered: SummaryMemo,
    analyze: impl FnOnce() -> R,
) -> (R, Questions) {
    let outer = STATE.with(|state| {
        std::mem::replace(
            &mut *state.borrow_mut(),
            State {
                demands: Demands::new(),
                export_demands: Demands::new(),
                summarising: false,
                exports,
                made: SummaryMemo {
                    answers: answers.clone(),
                    by_span: Default::default(),
                },
                answers,
                remembered,
                recording: Vec::new(),
            },
        )
    });
    // Restored even when the analysis unwinds (a deadline, a stack guard).
    struct Restore(Option<State>);
    impl Drop for Restore {
        fn drop(&mut self) {
            if let Some(outer) = self.0.take() {
                STATE.with(|state| *state.borrow_mut() = outer);
            }
        }
    }
    let mut restore = Restore(Some(outer));
    let result = analyze();
    let outer = restore.0.take().expect("restored once");
    let inner = STATE.with(|state| std::mem::replace(&mut *state.borrow_mut(), outer));
    (
        result,
        Questions {
            demands: inner.demands,
            export_demands: inner.export_demands,
            summaries: inner.made,
        },
    )
}

/// The summary of the function at `span`: the one an earlier analysis of the same bytes
/// made, if every name its making asked about has the same answer now, or else `make`'s.
/// Taking it asks its questions again and charges the work its making took, so the
/// analysis notes the same demands, and spends the same budget, as making it would.
pub fn remembered_summary(
    span: (u32, u32),
    make: impl FnOnce() -> FunctionSummary,
) -> FunctionSummary {
    let reused = STATE.with(|state| {
        let mut state = state.borrow_mut();
        let state = &mut *state;
        // Made already by this analysis (a function exported under two names), or by
        // the last one with the same answers to its questions.
        let remembered = match state.made.by_span.get(&span) {
            Some(made) => made.clone(),
            None => {
                let remembered = state.remembered.by_span.get(&span)?;
                let (then, now) = (&state.remembered.answers, &state.answers);
                let same_answers = match (then, now) {
                    (Some(then), Some(now)) if Arc::ptr_eq(then, now) => true,
                    _ => remembered.asked.keys().all(|key| {
                        let then = then.as_ref().and_then(|answers| answers.found.get(key));
                        let now = now.as_ref().and_then(|answers| answers.found.get(key));
                        then == now
                    }),
                };
                if !same_answers {
                    return None;
                }
                let remembered = remembered.clone();
                state.made.by_span.insert(span, remembered.clone());
                remembered
            }
        };
        for (key, &matters) in &remembered.asked {
            let demands = if state.summarising {
                &mut state.export_demands
            } else {
                &mut state.demands
            };
            note(demands, key.clone(), matters);
            if let Some(outer) = state.recording.last_mut() {
                note(outer, key.clone(), matters);
            }
        }
        Some((remembered.summary, remembered.steps))
    });
    if let Some((summary, steps)) = reused {
        crate::deadline::charge(steps);
        return summary;
    }
    STATE.with(|state| state.borrow_mut().recording.push(Demands::new()));
    // Popped even when the making unwinds (a deadline, a stack guard): what it asked
    // still counts for the summary being made around it.
    struct Recording;
    impl Drop for Recording {
        fn drop(&mut self) {
            STATE.with(|state| {
                let mut state = state.borrow_mut();
                if let Some(asked) = state.recording.pop()
                    && let Some(outer) = state.recording.last_mut()
                {
                    for (key, matters) in asked {
                        note(outer, key, matters);
                    }
                }
            });
        }
    }
    let recording = Recording;
    let started = crate::deadline::steps_taken();
    let summary = make();
    let steps = crate::deadline::steps_taken().saturating_sub(started);
    let asked = STATE.with(|state| state.borrow().recording.last().cloned().unwrap_or_default());
    drop(recording);
    STATE.with(|state| {
        state.borrow_mut().made.by_span.insert(
            span,
            Remembered {
                summary: summary.clone(),
                asked,
                steps,
            },
        );
    });
    summary
}

/// What a file's analysis asked about imported names.
pub struct Questions {
    /// For the file's own findings.
    pub demands: Demands,
    /// Only for the summaries of what it exports: the link answers these only when
    /// another file asks about the file's exports.
    pub export_demands: Demands,
    /// The summaries it made or took from those remembered, for its next analysis.
    pub summaries: SummaryMemo,
}

/// Runs `summarise` (the summaries of the file's exports), noting its questions apart.
pub fn summarising_exports<R>(summarise: impl FnOnce() -> R) -> R {
    let outer = STATE.with(|state| std::mem::replace(&mut state.borrow_mut().summarising, true));
    struct Restore(bool);
    impl Drop for Restore {
        fn drop(&mut self) {
            STATE.with(|state| state.borrow_mut().summarising = self.0);
        }
    }
    let _restore = Restore(outer);
    summarise()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answers_with(value: &str) -> Arc<Answers> {
        let summary = ExportSummary {
            line: 1,
            offset: 0,
            value: Some(super::super::ConstValue::Str(value.to_string())),
            function: None,
        };
        let imported = Imported {
            path: "config.js".into(),
            summary,
        };
        Arc::new(Answers {
            found: BTreeMap::from([(("./config".into(), "ORIGIN".into()), imported)]),
        })
    }

    /// Summarises the function at 1..9 of a file whose analysis reads `ORIGIN`, and says
    /// whether the summary was made rather than remembered.
    fn analyse(answers: &Arc<Answers>, remembered: SummaryMemo) -> (bool, Questions) {
        let mut made = false;
        let ((), questions) =
            with_answers(Some(answers.clone()), Exports::Partial, remembered, || {
                summarising_exports(|| {
                    remembered_summary((1, 9), || {
                        made = true;
                        imported_for("./config", "ORIGIN", Matters::VALUE);
                        FunctionSummary::default()
                    });
                });
            });
        (made, questions)
    }

    #[test]
    fn a_summary_is_remembered_while_the_answers_it_read_stand() {
        let first = answers_with("https://a.example");
        let (made, questions) = analyse(&first, SummaryMemo::default());
        assert!(made);
        let asked = questions.export_demands.clone();
        assert_eq!(asked.len(), 1);
        // The same answers: taken from memory, with the same questions noted.
        let (made, again) = analyse(&first, questions.summaries);
        assert!(!made, "remade though nothing it read changed");
        assert_eq!(again.export_demands, asked);
        assert!(again.demands.is_empty());
        // A changed answer: made again.
        let (made, _) = analyse(&answers_with("https://b.example"), again.summaries);
        assert!(made, "remembered though an answer it read changed");
    }
}
