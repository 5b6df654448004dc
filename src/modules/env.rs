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
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::ExportSummary;

/// An imported name: the module specifier as written, and the name it exports
/// (`default` for a default import, `*` for a namespace).
pub type ImportKey = (String, String);

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
    demands: BTreeSet<ImportKey>,
    /// The link asked for the file's exports: every function is walked.
    in_full: bool,
}

thread_local! {
    static STATE: RefCell<State> = RefCell::new(State::default());
}

/// What is known of `name` exported by `specifier`, noting the question.
pub fn imported(specifier: &str, name: &str) -> Option<Imported> {
    STATE.with(|state| {
        let mut state = state.borrow_mut();
        let key = (specifier.to_string(), name.to_string());
        let found = state
            .answers
            .as_ref()
            .and_then(|answers| answers.found.get(&key).cloned());
        state.demands.insert(key);
        found
    })
}

/// Whether an imported name of the file forwards to `addEventListener`: its calls may
/// sit anywhere, so the file is walked in full (see `crate::semantic::cold`).
pub fn imports_listener_wrappers() -> bool {
    STATE.with(|state| {
        state.borrow().answers.as_ref().is_some_and(|answers| {
            answers.found.values().any(|imported| {
                imported
                    .summary
                    .function
                    .as_ref()
                    .is_some_and(|function| function.listener_wrapper.is_some())
            })
        })
    })
}

/// Whether the link asked for the file's exports, so that it is walked in full and
/// every export summarised (see [`crate::modules::ModuleFacts::partial`]).
pub fn walks_in_full() -> bool {
    STATE.with(|state| state.borrow().in_full)
}

/// Runs `analyze` with `answers` in view, and returns what it asked of imported names.
/// `in_full`: the link needs every export's summary.
pub fn with_answers<R>(
    answers: Option<Arc<Answers>>,
    in_full: bool,
    analyze: impl FnOnce() -> R,
) -> (R, BTreeSet<ImportKey>) {
    let outer = STATE.with(|state| {
        std::mem::replace(
            &mut *state.borrow_mut(),
            State {
                answers,
                demands: BTreeSet::new(),
                in_full,
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
    (result, inner.demands)
}
