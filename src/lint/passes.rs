//! The passes after the first, which read every file's facts: the page map's second
//! pass (the modules a page loads), the third (scripts that may keep another file's socket
//! alive) and the files the link pass lints again (`crate::link`).

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::{Engine, FileOptions, Skipped};
use crate::diagnostic::Severity;
use crate::results::{FileResult, RunReport};
use crate::source::FileKind;

impl Engine {
    /// The second pass: scripts left unparsed because only a page's modules matter to
    /// `websocket-same-page`, now that the pages are known. Only the modules of the page
    /// map's contexts are parsed (a page's scripts and what they import, transitively, a
    /// worker's entry and its imports: see `crate::pages`), each round those the last one
    /// reached, and only when some file of the run opens a browser socket and some file
    /// embeds, starts or opens another, or was left for this pass.
    pub(super) fn lint_loaded_scripts(
        &self,
        report: &mut RunReport,
        pool: &rayon::ThreadPool,
        discovered: &[PathBuf],
        positions: &[usize],
        mapper: &mut crate::pages::PageMapper,
        cwd: &Path,
    ) {
        /// Rounds of the second pass, at most: each follows the imports of the last.
        const MAX_ROUNDS: usize = 64;
        let relates = |file: &FileResult| {
            file.deferred
                || !file.page.frames.is_empty()
                || !file.page.workers.is_empty()
                || !file.page.popups.is_empty()
        };
        if self.severity(crate::rules::WEBSOCKET_SAME_PAGE) == Severity::Off
            || !report.files.iter().any(relates)
            || report
                .files
                .iter()
                .all(|file| file.project.sockets.is_empty())
        {
            return;
        }
        let mut tried = std::collections::BTreeSet::new();
        // What a page holds can change the run's findings only through the files with
        // facts a project pass reads: parsed, left for this pass, or markup whose tags
        // alone embed or load something (a component with a template and no script).
        // The rest hold no needle.
        let mut leads = crate::modules::leads::Leads::new(
            report
                .files
                .iter()
                .map(FileResult::matters_to_pages)
                .collect(),
        );
        // Between full builds of the map, what a round reaches is what the modules it
        // parsed import, followed through the files the last build knew. The scripts a
        // page parsed here loads, and the frames, workers and popups a file parsed here
        // starts (new contexts), wait for the next full build: when a round reaches
        // nothing new, the pass builds the map in full and goes on if that reaches a
        // module not yet tried. So it ends where rebuilding after every round ends: each
        // round adds only files the map reaches, and a decision on a file is never taken
        // back.
        let mut pages = mapper.build(report, pool);
        let mut reach = Reach::new(pages.reached());
        let mut frontier: Vec<usize> = reach.files.iter().copied().collect();
        let mut built = true;
        for _ in 0..MAX_ROUNDS {
            let mut untried = |candidates: &mut dyn Iterator<Item = usize>| -> Vec<(usize, bool)> {
                candidates
                    .filter(|&at| !report.files[at].project.analysed && tried.insert(at))
                    .map(|at| (at, report.files[at].deferred))
                    .collect()
            };
            let mut reached = untried(&mut frontier.drain(..));
            if reached.is_empty() {
                if !built {
                    pages = mapper.build(report, pool);
                    built = true;
                    reach = Reach::new(pages.reached());
                    reached = untried(&mut reach.files.iter().copied());
                }
                if reached.is_empty() {
                    return;
                }
            }
            // A module that cannot lead to a file with facts is not parsed: what it
            // imports could only add files without facts to its pages.
            if self.prune_loaded_scripts {
                let starts: Vec<usize> = reached
                    .iter()
                    .filter(|(_, deferred)| !deferred)
                    .map(|&(at, _)| at)
                    .collect();
                let edges = SecondPassEdges {
                    engine: self,
                    report,
                    pages: &pages,
                    index: &mapper.index,
                    resolver: &mapper.resolver,
                    discovered,
                    positions,
                };
                leads.explore(&starts, &edges, pool);
                reached.retain(|&(at, deferred)| deferred || leads.leads_to_facts(at));
            }
            // A module the prefilter skipped matters only for what it imports: one whose
            // text says neither `import`, `export` nor `require` is not parsed.
            let wanted: Vec<usize> = pool.install(|| {
                reached
                    .into_par_iter()
                    .filter(|&(at, deferred)| {
                        deferred
                            || self
                                .read_source(&discovered[positions[at]])
                                .is_ok_and(|bytes| {
                                    ["import", "export", "require"].iter().any(|word| {
                                        memchr::memmem::find(&bytes, word.as_bytes()).is_some()
                                    })
                                })
                    })
                    .map(|(at, _)| at)
                    .collect()
            });
            if wanted.is_empty() {
                continue;
            }
            let paths: Vec<PathBuf> = wanted
                .iter()
                .map(|&at| discovered[positions[at]].clone())
                .collect();
            let options = vec![
                FileOptions {
                    loaded: true,
                    keep_trees: true,
                    ..FileOptions::default()
                };
                paths.len()
            ];
            let results = self.lint_paths(pool, &paths, None, &options, cwd);
            for (&at, result) in wanted.iter().zip(results) {
                match result {
                    Ok(result) => {
                        report.files_parsed += usize::from(result.parsed);
                        report.files[at] = result;
                    }
                    Err(Skipped::Error(error)) => report.errors.push(error),
                    Err(Skipped::OverLimit(notice) | Skipped::Larger(notice, _)) => {
                        report.notices.push(notice)
                    }
                }
            }
            built = false;
            if !self.follow_second_pass_imports {
                pages = mapper.build(report, pool);
                built = true;
                reach = Reach::new(pages.reached());
                frontier.extend(reach.files.iter().copied());
            } else {
                let imports = |at: usize| -> Vec<usize> {
                    let file = &report.files[at];
                    let mut targets: Vec<usize> = file
                        .project
                        .module
                        .specifiers
                        .iter()
                        .filter_map(|specifier| {
                            crate::pages::import_target(
                                &mapper.resolver,
                                &mapper.index,
                                at,
                                &file.path,
                                specifier,
                            )
                        })
                        .collect();
                    targets.sort_unstable();
                    targets.dedup();
                    targets
                };
                let fresh: Vec<(usize, Vec<usize>)> =
                    pool.install(|| wanted.par_iter().map(|&at| (at, imports(at))).collect());
                reach.fresh.extend(fresh);
                for &at in &wanted {
                    frontier.extend(reach.follow(at, &pages));
                }
            }
        }
    }

    /// Markup whose scripts the first pass left unparsed (they hold no needle, only tags
    /// a page map reads) and the second pass did not need, but which may ask the link
    /// something it can answer: parsed before the link, so that its scripts' questions
    /// about the names they import are answered as if the first pass had parsed them.
    ///
    /// A script without a needle asks only whether an imported function registers a
    /// listener (a wrapper handed an event name and a handler) or makes a socket (a
    /// factory); the other questions arise inside handlers and around sockets, which
    /// take a needle or one of those answers first. Either answer needs, somewhere
    /// along the imports, a parsed module exporting a function that may say so
    /// ([`may_answer_from_exports`]) or an unparsed one that may be a wrapper
    /// ([`may_wrap_listeners`]). So markup that cannot reach such a module through what
    /// its scripts could import is left unparsed (see [`ImportEdges`]).
    pub(super) fn lint_importing_markup(
        &self,
        report: &mut RunReport,
        pool: &rayon::ThreadPool,
        discovered: &[PathBuf],
        positions: &[usize],
        mapper: &crate::pages::PageMapper,
        cwd: &Path,
    ) {
        let waiting: Vec<usize> = (0..report.files.len())
            .filter(|&at| report.files[at].scripts_wait)
            .collect();
        if waiting.is_empty() {
            return;
        }
        let edges = ImportEdges {
            engine: self,
            report,
            index: &mapper.index,
            resolver: &mapper.resolver,
            discovered,
            positions,
        };
        // Each waiting file's own targets: what it holds itself does not count, since
        // it asks the link only about what it imports.
        let targets: Vec<Option<Vec<usize>>> = pool.install(|| {
            waiting
                .par_iter()
                .map(|&at| edges.candidates(at, None))
                .collect()
        });
        let mut leads = crate::modules::leads::Leads::new(
            report.files.iter().map(may_answer_from_exports).collect(),
        );
        let starts: Vec<usize> = targets.iter().flatten().flatten().copied().collect();
        leads.explore(&starts, &edges, pool);
        let wanted: Vec<usize> = waiting
            .iter()
            .zip(&targets)
            .filter(|(_, targets)| {
                targets.as_ref().is_none_or(|targets| {
                    targets.iter().any(|&target| leads.leads_to_facts(target))
                })
            })
            .map(|(&at, _)| at)
            .collect();
        let options: Vec<FileOptions> = wanted
            .iter()
            .map(|_| FileOptions {
                loaded: true,
                keep_trees: true,
                ..FileOptions::default()
            })
            .collect();
        self.relint(report, pool, discovered, positions, &wanted, &options, cwd);
    }

    /// The third pass: scripts the prefilter skipped that may keep alive or reopen a
    /// socket of another file by name (see `crate::project::keepalive_elsewhere`),
    /// parsed now that the findings on escaping sockets are known: the other scripts of
    /// the pages that load a classic script with such a finding, and, for a module, the
    /// files that name what it exports and arm a timer or handle a close.
    pub(super) fn lint_reaching_scripts(
        &self,
        report: &mut RunReport,
        pool: &rayon::ThreadPool,
        discovered: &[PathBuf],
        positions: &[usize],
        mapper: &mut crate::pages::PageMapper,
        cwd: &Path,
    ) {
        if crate::project::KEEPALIVE_RULES
            .iter()
            .all(|rule| self.severity(rule) == Severity::Off)
        {
            return;
        }
        let escaping = crate::project::escaping_findings(report);
        if escaping.is_empty() {
            return;
        }
        let pages = mapper.build(report, pool);
        let mut wanted = std::collections::BTreeSet::new();
        // For a module: each exported name with the stem an import of it must name
        // (`./socket` for `socket.js`, `./lib` for `lib/index.js`).
        let mut names: Vec<(String, String)> = Vec::new();
        for &at in &escaping {
            let file = &report.files[at];
            let module = &file.project.module;
            if module.specifiers.is_empty() && module.exports.is_empty() {
                wanted.extend(
                    crate::project::reaching_files(report, &pages, at)
                        .into_iter()
                        .filter(|&other| !report.files[other].project.analysed),
                );
                continue;
            }
            let path = Path::new(&file.path);
            let stem = match path.file_stem().and_then(|stem| stem.to_str()) {
                Some("index") => path
                    .parent()
                    .and_then(|parent| parent.file_name())
                    .and_then(|name| name.to_str()),
                other => other,
            };
            let Some(stem) = stem else { continue };
            for exposed in &file.project.reach.exposed {
                for name in exposed
                    .holders
                    .iter()
                    .chain(&exposed.senders)
                    .chain(&exposed.openers)
                {
                    let exported = module.exports.iter().any(|export| {
                        matches!(export, crate::modules::Export::Local { name: exported, .. } if exported == name)
                    });
                    if exported {
                        names.push((name.clone(), stem.to_string()));
                    }
                }
            }
        }
        names.sort();
        names.dedup();
        if !names.is_empty() {
            // A file the first pass saw without such a word is not read again.
            let unparsed: Vec<usize> = (0..report.files.len())
                .filter(|&at| {
                    let file = &report.files[at];
                    !file.project.analysed
                        && file.skipped_words.is_none_or(|words| words.keepalive)
                        && !wanted.contains(&at)
                })
                .collect();
            let found: Vec<usize> = pool.install(|| {
                unparsed
                    .into_par_iter()
                    .filter(|&at| {
                        self.read_source(&discovered[positions[at]])
                            .is_ok_and(|bytes| {
                                let has = |word: &str| {
                                    memchr::memmem::find(&bytes, word.as_bytes()).is_some()
                                };
                                holds_keepalive_word(&bytes)
                                    && names.iter().any(|(name, stem)| has(name) && has(stem))
                            })
                    })
                    .collect()
            });
            wanted.extend(found);
        }
        let wanted: Vec<usize> = wanted.into_iter().collect();
        let options: Vec<FileOptions> = wanted
            .iter()
            .map(|_| FileOptions {
                loaded: true,
                ..FileOptions::default()
            })
            .collect();
        self.relint(report, pool, discovered, positions, &wanted, &options, cwd);
    }

    /// Lints the files at `wanted` (positions in the report) again with `options`.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn relint(
        &self,
        report: &mut RunReport,
        pool: &rayon::ThreadPool,
        discovered: &[PathBuf],
        positions: &[usize],
        wanted: &[usize],
        options: &[FileOptions],
        cwd: &Path,
    ) {
        if wanted.is_empty() {
            return;
        }
        let paths: Vec<PathBuf> = wanted
            .iter()
            .map(|&at| discovered[positions[at]].clone())
            .collect();
        let results = self.lint_paths(pool, &paths, None, options, cwd);
        for (&at, result) in wanted.iter().zip(results) {
            match result {
                Ok(result) => {
                    report.files_parsed += usize::from(result.parsed && !report.files[at].parsed);
                    report.files[at] = result;
                }
                Err(Skipped::Error(error)) => report.errors.push(error),
                Err(Skipped::OverLimit(notice) | Skipped::Larger(notice, _)) => {
                    report.unanalysable.insert(report.files[at].path.clone());
                    report.notices.push(notice)
                }
            }
        }
    }
}

/// The run's files as the link pass sees them: it asks for some to be linted again.
pub(super) struct LinkedFiles<'a> {
    pub(super) engine: &'a Engine,
    pub(super) pool: &'a rayon::ThreadPool,
    pub(super) discovered: &'a [PathBuf],
    /// Where each file of the report was discovered.
    pub(super) positions: &'a [usize],
    pub(super) cwd: &'a Path,
}

impl crate::link::Files for LinkedFiles<'_> {
    fn relint(&self, report: &mut RunReport, wanted: &[usize], how: Vec<crate::link::Relint>) {
        let options: Vec<FileOptions> = how
            .into_iter()
            .map(|how| FileOptions {
                exports: how.exports,
                answers: how.answers,
                keep_trees: true,
                relinked: true,
                ..FileOptions::default()
            })
            .collect();
        self.engine.relint(
            report,
            self.pool,
            self.discovered,
            self.positions,
            wanted,
            &options,
            self.cwd,
        );
    }

    fn answers_everything(&self) -> bool {
        self.engine.link_answers_everything
    }

    fn matching(
        &self,
        candidates: &[usize],
        matches: &(dyn Fn(&[u8]) -> bool + Sync),
    ) -> Vec<usize> {
        self.pool.install(|| {
            candidates
                .par_iter()
                .copied()
                .filter(|&at| {
                    self.engine
                        .read_source(&self.discovered[self.positions[at]])
                        .is_ok_and(|bytes| matches(&bytes))
                })
                .collect()
        })
    }
}

/// Words of a script that arms a timer or handles a close: one that may keep another
/// file's socket alive or reopen it (see `Engine::lint_reaching_scripts`).
pub const KEEPALIVE_WORDS: [&str; 4] = ["setInterval", "onclose", "'close'", "\"close\""];

pub(super) fn holds_keepalive_word(bytes: &[u8]) -> bool {
    KEEPALIVE_WORDS
        .iter()
        .any(|word| memchr::memmem::find(bytes, word.as_bytes()).is_some())
}

/// The edges the second pass explores to learn which modules can lead to facts (see
/// `crate::modules::leads`): the scripts a file loads, and what it imports: its
/// specifiers once parsed, every string of its text that resolves before.
/// What the second pass's page map reaches, between full builds: the files the last
/// build reached, and the imports of the modules parsed since.
struct Reach {
    files: std::collections::BTreeSet<usize>,
    /// The files each module parsed since the last build imports.
    fresh: std::collections::HashMap<usize, Vec<usize>>,
}

impl Reach {
    fn new(files: std::collections::BTreeSet<usize>) -> Reach {
        Reach {
            files,
            fresh: Default::default(),
        }
    }

    /// The files newly reached through `from`, which the map reaches: what it imports and
    /// loads, transitively, each by the last build's edges or, parsed since, its imports.
    fn follow(&mut self, from: usize, pages: &crate::pages::Pages) -> Vec<usize> {
        let mut found = Vec::new();
        let mut queue = vec![from];
        while let Some(at) = queue.pop() {
            crate::deadline::tick();
            let next: Vec<usize> = match self.fresh.get(&at) {
                Some(imports) => imports.clone(),
                None => pages.loads[at]
                    .iter()
                    .map(|&(target, _)| target)
                    .chain(pages.imports[at].iter().copied())
                    .collect(),
            };
            for target in next {
                if self.files.insert(target) {
                    found.push(target);
                    queue.push(target);
                }
            }
        }
        found
    }
}

pub(super) struct SecondPassEdges<'a> {
    engine: &'a Engine,
    report: &'a RunReport,
    pages: &'a crate::pages::Pages,
    index: &'a crate::pages::PathIndex,
    resolver: &'a crate::modules::resolve::Resolver,
    discovered: &'a [PathBuf],
    positions: &'a [usize],
}

impl SecondPassEdges<'_> {
    fn loads(&self, at: usize) -> impl Iterator<Item = usize> + '_ {
        self.pages.loads[at].iter().map(|&(target, _)| target)
    }
}

impl crate::modules::leads::Edges for SecondPassEdges<'_> {
    fn parsed(&self, at: usize) -> Option<Vec<usize>> {
        if !self.report.files[at].project.analysed {
            return None;
        }
        Some(
            self.loads(at)
                .chain(self.pages.imports[at].iter().copied())
                .collect(),
        )
    }

    fn scanned(&self, at: usize) -> Option<Vec<usize>> {
        let path = &self.discovered[self.positions[at]];
        let candidates = import_strings(self.engine, &self.report.files[at], path, None)?;
        let mut targets: Vec<usize> = self.loads(at).collect();
        targets.extend(candidates.iter().filter_map(|candidate| {
            crate::pages::import_target(
                self.resolver,
                self.index,
                at,
                &self.report.files[at].path,
                candidate,
            )
        }));
        targets.sort_unstable();
        targets.dedup();
        Some(targets)
    }
}

/// The edges [`Engine::lint_importing_markup`] explores: what a parsed file imports, and
/// every string of an unparsed file's text that resolves. An unparsed file that calls a
/// listener API may define a wrapper, so it is not vouched for (it leads to answers), as
/// a file whose text cannot be read or scanned.
struct ImportEdges<'a> {
    engine: &'a Engine,
    report: &'a RunReport,
    index: &'a crate::pages::PathIndex,
    resolver: &'a crate::modules::resolve::Resolver,
    discovered: &'a [PathBuf],
    positions: &'a [usize],
}

impl ImportEdges<'_> {
    /// The files of the run `at`'s scripts could import (see [`import_strings`]); `bytes`
    /// are its bytes when already read.
    fn candidates(&self, at: usize, bytes: Option<&[u8]>) -> Option<Vec<usize>> {
        let path = &self.discovered[self.positions[at]];
        let strings = import_strings(self.engine, &self.report.files[at], path, bytes)?;
        Some(self.resolved(at, &strings))
    }

    /// The files of the run `specifiers` name from `at`, each once, as the link's module
    /// graph resolves them: a query or a loader prefix (`./x.js?v=1`) names the file
    /// too, where the page map leaves such URLs alone.
    fn resolved(&self, at: usize, specifiers: &[String]) -> Vec<usize> {
        let from = &self.report.files[at].path;
        let mut targets: Vec<usize> = specifiers
            .iter()
            .filter_map(|specifier| {
                crate::pages::module_target(self.resolver, self.index, at, from, specifier)
            })
            .collect();
        targets.sort_unstable();
        targets.dedup();
        targets
    }
}

impl crate::modules::leads::Edges for ImportEdges<'_> {
    fn parsed(&self, at: usize) -> Option<Vec<usize>> {
        let file = &self.report.files[at];
        file.project
            .analysed
            .then(|| self.resolved(at, &file.project.module.specifiers))
    }

    fn scanned(&self, at: usize) -> Option<Vec<usize>> {
        let path = &self.discovered[self.positions[at]];
        let bytes = self.engine.read_source(path).ok()?;
        if may_wrap_listeners(&bytes) {
            return None;
        }
        self.candidates(at, Some(&bytes))
    }
}

/// Every string an unparsed file's scripts could import: those noted for markup whose
/// scripts wait ([`FileResult::waiting_imports`]), or every string of its text
/// (`modules::scan`); `None` when the text cannot be read or the scan cannot vouch for
/// it. `bytes` are the file's bytes when already read.
fn import_strings<'f>(
    engine: &Engine,
    file: &'f FileResult,
    path: &Path,
    bytes: Option<&[u8]>,
) -> Option<std::borrow::Cow<'f, [String]>> {
    if file.scripts_wait {
        return Some(std::borrow::Cow::Borrowed(&file.waiting_imports));
    }
    let read;
    let bytes = match bytes {
        Some(bytes) => bytes,
        None => {
            read = engine.read_source(path).ok()?;
            &read
        }
    };
    let markup = !matches!(FileKind::from_path(path)?, FileKind::Script(_));
    crate::modules::scan::specifier_candidates(bytes, markup).map(std::borrow::Cow::Owned)
}

/// Whether a parsed file exports a function whose summary may say it registers a
/// listener or makes a socket (known, or left pending until asked).
fn may_answer_from_exports(file: &FileResult) -> bool {
    file.project.analysed
        && file.project.module.exports.iter().any(|export| {
            matches!(
                export,
                crate::modules::Export::Local { summary, .. }
                    if summary.function.as_ref().is_some_and(|function| !function.is_empty())
            )
        })
}

/// Whether an unparsed script may define a listener wrapper: it names a listener API
/// other than in a call that hands it an event type written there
/// (`el.addEventListener("click", …)`): a type from elsewhere, a computed or optional call
/// (`t[add]`, `t.addEventListener?.(…)`), type arguments, a space. Or it uses jQuery,
/// whose `.on` the wrappers also forward to.
fn may_wrap_listeners(bytes: &[u8]) -> bool {
    if ["$(", "jQuery("]
        .iter()
        .any(|word| memchr::memmem::find(bytes, word.as_bytes()).is_some())
    {
        return true;
    }
    ["addEventListener", "attachEvent"].iter().any(|api| {
        memchr::memmem::find_iter(bytes, api.as_bytes()).any(|at| {
            let after = &bytes[at + api.len()..];
            let Some(rest) = after.strip_prefix(b"(") else {
                return true;
            };
            !starts_with_plain_string_argument(rest)
        })
    })
}

/// Whether a call's arguments start with a whole string written there
/// (`"click", handler`): a quote, text without escapes or substitutions, the same quote,
/// then `,` or `)`.
fn starts_with_plain_string_argument(arguments: &[u8]) -> bool {
    let skip_space = |bytes: &[u8]| -> usize {
        bytes
            .iter()
            .take_while(|byte| byte.is_ascii_whitespace())
            .count()
    };
    let at = skip_space(arguments);
    let Some(&quote) = arguments.get(at) else {
        return false;
    };
    if !matches!(quote, b'"' | b'\'' | b'`') {
        return false;
    }
    let text = &arguments[at + 1..];
    let Some(end) = memchr::memchr(quote, text) else {
        return false;
    };
    let inside = &text[..end];
    if memchr::memchr(b'\\', inside).is_some() || (quote == b'`' && inside.contains(&b'$')) {
        return false;
    }
    let after = &text[end + 1..];
    matches!(after.get(skip_space(after)), Some(b',' | b')'))
}

#[cfg(test)]
mod tests {
    use super::may_wrap_listeners;

    #[test]
    fn a_listener_api_handed_a_type_from_elsewhere_may_be_a_wrapper() {
        assert!(may_wrap_listeners(b"t.addEventListener(type, h)"));
        assert!(may_wrap_listeners(b"t.addEventListener (type, h)"));
        assert!(may_wrap_listeners(b"t.addEventListener?.(type, h)"));
        assert!(may_wrap_listeners(b"t.addEventListener<K>(type, h)"));
        assert!(may_wrap_listeners(
            b"const add = 'addEventListener'; t[add](e, h)"
        ));
        assert!(may_wrap_listeners(b"t.attachEvent('on' + type, h)"));
        assert!(may_wrap_listeners(b"$(t).on(type, h)"));
        // Every call hands it a type written there: no wrapper.
        assert!(!may_wrap_listeners(
            b"el.addEventListener('click', go); el.addEventListener( \"keyup\", go)"
        ));
        assert!(!may_wrap_listeners(b"const count = 1;"));
        assert!(may_wrap_listeners(b"t.addEventListener(`on${type}`, h)"));
        assert!(may_wrap_listeners(b"t.addEventListener(\"a\\\"\" + t, h)"));
    }
}
