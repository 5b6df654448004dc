//! Which files are worth parsing, decided from their raw bytes with one multi-needle
//! search. Parsing is most of crosswire's cost, and real bundles mention `"message"`
//! and `iframe` for reasons that have nothing to do with messaging, so each rule says
//! as narrowly as it can what a file must contain for the rule to have anything to say.

use aho_corasick::AhoCorasick;

use crate::source::FileKind;

/// Where a trigger counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// In every file.
    Anywhere,
    /// Only in HTML, Vue, Svelte and Astro files.
    Markup,
    /// Only in a script that a page of the run loads with `<script src>`: such a
    /// script's frames, workers and popups belong to the page (`websocket-same-page`).
    LoadedScript,
}

/// A byte string that makes a file worth parsing for a rule.
#[derive(Debug, Clone, Copy)]
pub struct Trigger {
    pub needle: &'static str,
    /// When not empty, the file must also contain one of these: `"message"` alone
    /// is in every bundle; next to a listener API it may name the event.
    pub companions: &'static [&'static str],
    pub scope: Scope,
}

impl Trigger {
    pub const fn word(needle: &'static str) -> Trigger {
        Trigger {
            needle,
            companions: &[],
            scope: Scope::Anywhere,
        }
    }

    pub const fn with(needle: &'static str, companions: &'static [&'static str]) -> Trigger {
        Trigger {
            needle,
            companions,
            scope: Scope::Anywhere,
        }
    }

    pub const fn in_markup(needle: &'static str) -> Trigger {
        Trigger {
            needle,
            companions: &[],
            scope: Scope::Markup,
        }
    }

    pub const fn in_loaded_script(needle: &'static str) -> Trigger {
        Trigger {
            needle,
            companions: &[],
            scope: Scope::LoadedScript,
        }
    }
}

/// What the prefilter says about a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Nothing any enabled rule looks for.
    Skip,
    Parse,
    /// Worth parsing only if a page of the run loads it.
    ParseIfLoaded,
}

/// The enabled rules' triggers, compiled into one automaton.
pub struct Prefilter {
    automaton: AhoCorasick,
    /// Each trigger as pattern indexes into the automaton.
    triggers: Vec<CompiledTrigger>,
    /// Patterns that alone make any file worth parsing: the search stops at the first.
    decisive: Vec<bool>,
}

struct CompiledTrigger {
    needle: usize,
    companions: Vec<usize>,
    scope: Scope,
}

impl Prefilter {
    pub fn new<'a>(triggers: impl IntoIterator<Item = &'a Trigger>) -> Prefilter {
        let mut patterns: Vec<&'static str> = Vec::new();
        let mut index_of = |needle: &'static str| match patterns.iter().position(|p| *p == needle) {
            Some(index) => index,
            None => {
                patterns.push(needle);
                patterns.len() - 1
            }
        };
        let triggers: Vec<CompiledTrigger> = triggers
            .into_iter()
            .map(|trigger| CompiledTrigger {
                needle: index_of(trigger.needle),
                companions: trigger.companions.iter().map(|c| index_of(c)).collect(),
                scope: trigger.scope,
            })
            .collect();
        let mut decisive = vec![false; patterns.len()];
        for trigger in &triggers {
            if trigger.companions.is_empty() && trigger.scope == Scope::Anywhere {
                decisive[trigger.needle] = true;
            }
        }
        // Overlapping matches, so that `WebSocket` is seen inside `WebSocketServer`.
        let automaton = AhoCorasick::new(&patterns).expect("trigger strings are valid patterns");
        Prefilter {
            automaton,
            triggers,
            decisive,
        }
    }

    pub fn verdict(&self, bytes: &[u8], kind: FileKind) -> Verdict {
        let mut seen = vec![false; self.decisive.len()];
        let mut state = aho_corasick::automaton::OverlappingState::start();
        loop {
            self.automaton.find_overlapping(bytes, &mut state);
            let Some(found) = state.get_match() else {
                break;
            };
            let pattern = found.pattern().as_usize();
            if self.decisive[pattern] {
                return Verdict::Parse;
            }
            seen[pattern] = true;
        }
        let markup = !matches!(kind, FileKind::Script(_));
        let mut verdict = Verdict::Skip;
        for trigger in &self.triggers {
            let present = seen[trigger.needle]
                && (trigger.companions.is_empty()
                    || trigger.companions.iter().any(|&companion| seen[companion]));
            if !present {
                continue;
            }
            match trigger.scope {
                Scope::Anywhere => return Verdict::Parse,
                Scope::Markup if markup => return Verdict::Parse,
                Scope::Markup => {}
                Scope::LoadedScript if markup => return Verdict::Parse,
                Scope::LoadedScript => verdict = Verdict::ParseIfLoaded,
            }
        }
        verdict
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Language;

    const SCRIPT: FileKind = FileKind::Script(Language::JavaScript);

    fn prefilter() -> Prefilter {
        Prefilter::new(&[
            Trigger::word("postMessage"),
            Trigger::word("WebSocket"),
            Trigger::with("\"message\"", &["addEventListener", "jQuery("]),
            Trigger::in_markup("<script"),
            Trigger::in_loaded_script("iframe"),
        ])
    }

    #[test]
    fn a_word_alone_is_enough() {
        let prefilter = prefilter();
        assert_eq!(
            prefilter.verdict(b"x.postMessage(1)", SCRIPT),
            Verdict::Parse
        );
        assert_eq!(prefilter.verdict(b"var s", SCRIPT), Verdict::Skip);
    }

    #[test]
    fn overlapping_needles_are_all_seen() {
        let prefilter = Prefilter::new(&[
            Trigger::with("WebSocketServer", &["zzz"]),
            Trigger::word("WebSocket"),
        ]);
        assert_eq!(
            prefilter.verdict(b"new WebSocketServer()", SCRIPT),
            Verdict::Parse
        );
    }

    #[test]
    fn a_needle_with_companions_needs_one_of_them() {
        let prefilter = prefilter();
        assert_eq!(
            prefilter.verdict(b"el.classList.add(\"message\")", SCRIPT),
            Verdict::Skip
        );
        assert_eq!(
            prefilter.verdict(b"addEventListener(\"message\", f)", SCRIPT),
            Verdict::Parse
        );
        // In either order.
        assert_eq!(
            prefilter.verdict(b"const E = \"message\"; jQuery(window).on(E, f)", SCRIPT),
            Verdict::Parse
        );
    }

    #[test]
    fn scopes_depend_on_the_kind_of_file() {
        let prefilter = prefilter();
        assert_eq!(prefilter.verdict(b"'<script>'", SCRIPT), Verdict::Skip);
        assert_eq!(
            prefilter.verdict(b"<script>", FileKind::Html),
            Verdict::Parse
        );
        assert_eq!(
            prefilter.verdict(b"createElement('iframe')", SCRIPT),
            Verdict::ParseIfLoaded
        );
        assert_eq!(
            prefilter.verdict(b"<div>iframe</div>", FileKind::Vue),
            Verdict::Parse
        );
    }
}
