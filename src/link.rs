//! The link pass, after every file's own pass: answers each file's questions about the
//! names it imports from the exporting modules' summaries (see `crate::modules`), and has
//! the files whose answers say something their findings were not made with linted again,
//! with the answers in view. A module the run left unparsed (it holds nothing a rule
//! looks for) is parsed for its exports when a file asks about it.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use rustc_hash::FxHashMap;

use crate::modules::Export;
use crate::modules::env::{Answers, Demands, Exports, Matters};
use crate::modules::graph::Graph;
use crate::modules::resolve::Resolver;
use crate::results::RunReport;

/// How many times the link pass answers and lints again: answers may raise new
/// questions (a wrapper's listener names an imported event type), and each module of a
/// chain of helpers calling helpers takes a round. A round is taken only while some
/// file's answers changed, so the bound costs nothing where chains are short.
const MAX_ROUNDS: usize = 8;

/// How deep, per round, the pass parses modules asked about for their exports (each
/// step follows the re-exports of the last): as deep as a lookup follows re-exports
/// (`crate::modules::graph`), so that a chain of barrels a lookup would follow is parsed.
const MAX_EXPORT_HOPS: usize = crate::modules::graph::MAX_HOPS;

/// How a file is to be linted again.
pub struct Relint {
    /// Whatever the prefilter says, with these of its exports summarised
    /// ([`Exports::Full`] or [`Exports::Asked`]): the link needs them. `None`: as its
    /// first pass summarised them.
    pub exports: Option<Exports>,
    /// With these answers to its questions (none: everything it imports is opaque).
    pub answers: Option<Arc<Answers>>,
}

/// The run's files, as the pipeline holds them.
pub trait Files {
    /// Lints the files at `wanted` (positions in the report) again, each as `how` says,
    /// and puts the results in the report.
    fn relint(&self, report: &mut RunReport, wanted: &[usize], how: Vec<Relint>);
    /// Whether every summary found answers a question, even one without what the
    /// question could use (see `Matters`): the tests compare the two.
    fn answers_everything(&self) -> bool {
        false
    }
    /// Those of `candidates` (positions in the report) whose bytes `matches`.
    fn matching(
        &self,
        candidates: &[usize],
        matches: &(dyn Fn(&[u8]) -> bool + Sync),
    ) -> Vec<usize>;
}

/// Links the report's files, resolving their imports with `resolver` (the page map's:
/// what it has resolved and read is reused) and the files skipped for a limit.
pub fn run(report: &mut RunReport, files: &impl Files, resolver: &Resolver) {
    parse_wrapper_callers(report, files);
    if report
        .files
        .iter()
        .all(|file| file.project.demands.is_empty() && file.project.export_demands.is_empty())
    {
        return;
    }
    // Files skipped for a limit resolve too: what they export is unknown, not absent.
    let knowing_more = resolver.knowing_more(
        report
            .files
            .iter()
            .map(|file| file.path.as_str())
            .chain(report.unanalysable.iter().map(String::as_str)),
    );
    let resolver = knowing_more.as_ref().unwrap_or(resolver);
    let index: FxHashMap<String, usize> = report
        .files
        .iter()
        .enumerate()
        .map(|(at, file)| (file.path.clone(), at))
        .collect();
    // Once linted again for its exports, a file keeps every export summarised, and once
    // linted with answers, it keeps them: each relint is made with both, or the two kinds
    // would undo each other round after round (a lint with answers but not every export
    // leaves the exports to the link again; one with every export but no answers drops
    // the answers).
    let mut state = LinkState::default();
    for _ in 0..MAX_ROUNDS {
        // Modules asked about that have no facts yet, and the modules they re-export
        // from: parse them for their exports, a hop deeper each time. A hop that wants
        // none answers from the graph it made: nothing changed since.
        let mut answers: Option<Vec<(usize, Answers)>> = None;
        for _ in 0..MAX_EXPORT_HOPS {
            let wanted: Vec<usize> = {
                let graph = graph(report, resolver);
                let asked = asked_about(report, &index, &graph, &state, files.answers_everything());
                let wanted = lint_for_exports(
                    report,
                    &index,
                    &graph,
                    &asked,
                    &mut state,
                    files.answers_everything(),
                );
                // A module walked again for its exports gets the answers the graph has
                // for it now, so that it is not walked again only to take them in.
                for &at in &wanted {
                    let file = &report.files[at];
                    let answers = answer_file(&graph, file, true, files.answers_everything());
                    if !answers.found.is_empty() {
                        state.answers.insert(at, Arc::new(answers));
                    }
                }
                if wanted.is_empty() {
                    answers = Some(answer_files(report, &graph, &asked, files));
                }
                wanted.into_iter().collect()
            };
            if wanted.is_empty() {
                break;
            }
            parse_for_exports(report, files, &wanted, &state);
        }
        let answers = answers.unwrap_or_else(|| {
            let graph = graph(report, resolver);
            let asked = asked_about(report, &index, &graph, &state, files.answers_everything());
            answer_files(report, &graph, &asked, files)
        });
        let (wanted, how): (Vec<usize>, Vec<Relint>) = answers
            .into_iter()
            .filter(|(at, answers)| {
                let now = (!answers.found.is_empty()).then(|| answers_hash(answers));
                now != report.files[*at].project.linked_with
            })
            .map(|(at, answers)| {
                let answers = (!answers.found.is_empty()).then(|| Arc::new(answers));
                match &answers {
                    Some(answers) => state.answers.insert(at, answers.clone()),
                    None => state.answers.remove(&at),
                };
                (
                    at,
                    Relint {
                        exports: state.in_full.get(&at).cloned(),
                        answers,
                    },
                )
            })
            .unzip();
        if wanted.is_empty() {
            break;
        }
        files.relint(report, &wanted, how);
    }
}

/// The modules a round of the link pass lints for their exports, with which of them
/// (noted in `state`): those asked about that have no facts yet (every export), and those
/// whose summaries of the names asked are pending (those names, and the ones asked before).
/// A name asked before and still pending (its module failed to lint again) is not asked
/// again: nothing would change.
fn lint_for_exports(
    report: &RunReport,
    index: &FxHashMap<String, usize>,
    graph: &Graph,
    asked: &BTreeSet<usize>,
    state: &mut LinkState,
    everything: bool,
) -> BTreeSet<usize> {
    let mut missing = BTreeSet::new();
    let mut pending: BTreeMap<usize, BTreeSet<String>> = BTreeMap::new();
    for (at, file) in report.files.iter().enumerate() {
        let keys = file
            .project
            .demands
            .iter()
            .chain(
                asked
                    .contains(&at)
                    .then_some(&file.project.export_demands)
                    .into_iter()
                    .flatten(),
            )
            // Answering everything, every question reads a function's walks.
            .map(|(key, matters)| {
                (
                    key,
                    if everything {
                        &Matters::ANYTHING
                    } else {
                        matters
                    },
                )
            });
        graph.unanalysed_targets(&file.path, keys, &mut |path, name| {
            let Some(&at) = index.get(path) else { return };
            match name {
                None => {
                    missing.insert(at);
                }
                Some(name) => {
                    pending.entry(at).or_default().insert(name.to_string());
                }
            }
        });
    }
    let analysable = |at: &usize| !report.unanalysable.contains(&report.files[*at].path);
    let mut wanted = BTreeSet::new();
    for at in missing.into_iter().filter(analysable) {
        let file = &report.files[at];
        if !file.project.analysed || file.project.module.partial {
            state.in_full.insert(at, Exports::Full);
            wanted.insert(at);
        }
    }
    for (at, names) in pending {
        if wanted.contains(&at) || !analysable(&at) {
            continue;
        }
        let mut all = match state.in_full.get(&at) {
            Some(Exports::Asked(before)) => (**before).clone(),
            Some(_) => continue,
            None => BTreeSet::new(),
        };
        let count = all.len();
        all.extend(names);
        if all.len() > count {
            state.in_full.insert(at, Exports::Asked(Arc::new(all)));
            wanted.insert(at);
        }
    }
    wanted
}

/// The answers to the questions of every file that has some.
fn answer_files(
    report: &RunReport,
    graph: &Graph,
    asked: &BTreeSet<usize>,
    files: &impl Files,
) -> Vec<(usize, Answers)> {
    report
        .files
        .iter()
        .enumerate()
        .filter(|(at, file)| has_questions(file, asked.contains(at)))
        .map(|(at, file)| {
            let answers = answer_file(graph, file, asked.contains(&at), files.answers_everything());
            (at, answers)
        })
        .collect()
}

/// A hash of the link pass's answers for one file: its findings, cached or not, stand
/// while the answers do.
pub fn answers_hash(answers: &Answers) -> String {
    let pairs: Vec<_> = answers.found.iter().collect();
    let text = serde_json::to_string(&pairs).expect("answers are plain data");
    crate::cache::content_hash(text.as_bytes())
}

/// Files the prefilter left unparsed that call a listener wrapper another module
/// exports (`listen(window, MESSAGE, handler)` holds no needle of its own): parsed, so
/// that the link can tell whether they register `message` handlers.
fn parse_wrapper_callers(report: &mut RunReport, files: &impl Files) {
    let calls: BTreeSet<String> = report
        .files
        .iter()
        .flat_map(|file| &file.project.module.exports)
        .filter_map(|export| match export {
            Export::Local { name, summary }
                if summary
                    .function
                    .as_ref()
                    .is_some_and(|function| function.listener_wrapper.is_some()) =>
            {
                // A name a call can spell: not empty, no empty field (`{ "": f }` would
                // make every file a caller).
                let shown = crate::modules::shown_field_path(name);
                (!shown.split('.').any(str::is_empty)).then(|| format!("{shown}("))
            }
            _ => None,
        })
        .collect();
    if calls.is_empty() {
        return;
    }
    let Ok(searcher) = aho_corasick::AhoCorasick::new(&calls) else {
        return;
    };
    let unparsed: Vec<usize> = (0..report.files.len())
        .filter(|&at| !report.files[at].project.analysed)
        .collect();
    let wanted = files.matching(&unparsed, &|bytes| searcher.is_match(bytes));
    parse_for_exports(report, files, &wanted, &LinkState::default());
}

/// The answers to the questions of `file` (see [`questions`]); with `everything`, every
/// question is answered with whatever summary was found.
fn answer_file(
    graph: &Graph,
    file: &crate::results::FileResult,
    exports_asked: bool,
    everything: bool,
) -> Answers {
    let questions = questions(file, exports_asked);
    if everything {
        let everything = questions
            .into_keys()
            .map(|key| (key, Matters::ANYTHING))
            .collect();
        graph.answer(&file.path, &everything)
    } else {
        graph.answer(&file.path, &questions)
    }
}

/// The questions of `file` the link answers: those for its findings, and those for
/// the summaries of its exports when another file asks about them.
fn questions(file: &crate::results::FileResult, exports_asked: bool) -> Demands {
    let mut questions = file.project.demands.clone();
    if exports_asked {
        for (key, &matters) in &file.project.export_demands {
            crate::modules::env::note(&mut questions, key.clone(), matters);
        }
    }
    questions
}

/// Whether [`questions`] of `file` would be any.
fn has_questions(file: &crate::results::FileResult, exports_asked: bool) -> bool {
    !file.project.demands.is_empty() || (exports_asked && !file.project.export_demands.is_empty())
}

/// The files (positions in the report) some file asks about, directly or through the
/// summaries of what it exports: their export summaries are worth answering for.
fn asked_about(
    report: &RunReport,
    index: &FxHashMap<String, usize>,
    graph: &Graph,
    state: &LinkState,
    everything: bool,
) -> BTreeSet<usize> {
    if everything {
        return (0..report.files.len()).collect();
    }
    let mut asked: BTreeSet<usize> = state.in_full.keys().copied().collect();
    let mut frontier: Vec<usize> = Vec::new();
    let reach =
        |from: &str, demands: &Demands, asked: &mut BTreeSet<usize>, next: &mut Vec<usize>| {
            for (specifier, name) in demands.keys() {
                if let Some(found) = graph.defining_path(from, specifier, name)
                    && let Some(&at) = index.get(&found)
                    && asked.insert(at)
                {
                    next.push(at);
                }
            }
        };
    for file in &report.files {
        reach(&file.path, &file.project.demands, &mut asked, &mut frontier);
    }
    frontier.extend(state.in_full.keys().copied());
    while let Some(at) = frontier.pop() {
        let file = &report.files[at];
        reach(
            &file.path,
            &file.project.export_demands,
            &mut asked,
            &mut frontier,
        );
    }
    asked
}

/// What the link pass has asked of each file so far.
#[derive(Default)]
struct LinkState {
    /// Files linted again for their exports, and for which of them.
    in_full: BTreeMap<usize, Exports>,
    /// The answers each file was last linted with.
    answers: BTreeMap<usize, Arc<Answers>>,
}

fn parse_for_exports(
    report: &mut RunReport,
    files: &impl Files,
    wanted: &[usize],
    state: &LinkState,
) {
    if wanted.is_empty() {
        return;
    }
    let how = wanted
        .iter()
        .map(|at| Relint {
            exports: Some(state.in_full.get(at).cloned().unwrap_or(Exports::Full)),
            answers: state.answers.get(at).cloned(),
        })
        .collect();
    files.relint(report, wanted, how);
}

/// The module graph of the run's files as they stand.
fn graph<'r>(report: &'r RunReport, resolver: &'r Resolver) -> Graph<'r> {
    Graph::new(
        resolver,
        report
            .files
            .iter()
            .filter(|file| file.project.analysed)
            .map(|file| (file.path.as_str(), &file.project.module)),
    )
    .with_unanalysable(&report.unanalysable)
}
