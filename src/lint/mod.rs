//! The pipeline, one way: discover → read + prefilter → parse → facts → rules →
//! suppressions → report.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::config::Config;
use crate::diagnostic::{Diagnostic, Finding, Severity};
use crate::discover::{DiscoverOptions, discover};
use crate::embedded::{self, PageRefs};
use crate::parse::parse_script;
use crate::prefilter::{Prefilter, Verdict};
use crate::results::{FileResult, LintError, ProjectFacts, RunReport, Stamp};
use crate::rules::{self, PARSE_ERROR, RULES, Rule, RuleContext};
use crate::semantic::sockets::SocketKind;
use crate::semantic::{self, FileFacts};
use crate::source::{FileKind, Language, LineIndex, display_path};
use crate::suppress;

mod memo;
mod passes;
mod stats;

use memo::{cached_result, memo_of};
pub use passes::KEEPALIVE_WORDS;
use passes::{LinkedFiles, holds_keepalive_word};
use stats::StageClock;

/// Files above this size (10 MB) are skipped unless `--max-file-size` says otherwise:
/// large enough for real bundles, small enough that one file cannot stall a run.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 10 * 1024 * 1024;

/// Linting one file may take this long (`--max-file-time`) before it is given up. The
/// work budget (`deadline::WORK_PER_BYTE`) is what bounds pathological files; the clock is
/// a last resort, far above what a 10 MB bundle takes in a test build on a busy 2-core
/// machine (30 s was reached there).
pub const DEFAULT_MAX_FILE_TIME: std::time::Duration = std::time::Duration::from_secs(300);

/// The largest file kept for the link only because summaries of its exports are pending
/// (see `Engine::lint_bytes_as`).
const KEEP_PENDING_BYTES: usize = 256 * 1024;

/// How much source may be linted at once across threads. Each byte becomes about 15
/// bytes of syntax tree, so 8 MB in flight keeps the trees near 120 MB, and two big
/// bundles are never parsed at once. Files up to 512 KB do not wait for the budget:
/// their trees are small (one per other thread at most beyond it), and they keep the
/// other threads busy beside a bundle that takes it all. On the benchmark corpus (two threads, medians of
/// 5, interleaved): 16 MB without the small-file rule peaked at 286 MB; with it, 12 MB
/// at 249 MB, 10 MB at 231 MB and 8 MB at 221 MB, all in the same time.
pub const BUDGET: crate::schedule::Budget = crate::schedule::Budget {
    bytes: 8 * 1024 * 1024,
    small_item: 512 * 1024,
};

/// The enabled rules and what a file must contain to be worth parsing.
pub struct Engine {
    pub config: Config,
    /// Files larger than this many bytes are skipped with a notice.
    pub max_file_size: u64,
    /// Files that take longer than this to lint are skipped with a notice.
    pub max_file_time: Option<std::time::Duration>,
    /// Results of an earlier run, by path, when `--cache` is on.
    pub cache: Option<crate::cache::Cache>,
    /// The same, still being read (see [`Engine::cache`]).
    pub cache_loading: Option<crate::cache::Loading>,
    /// Parse every file, skipping the prefilter (for the page map).
    pub read_everything: bool,
    /// The second pass leaves unparsed the modules that cannot lead to a file with facts
    /// (on by default; off only to show that it changes no finding).
    pub prune_loaded_scripts: bool,
    /// Markup whose scripts hold no needle is read for its tags alone, its scripts
    /// parsed when a later pass needs them (on by default; off only to show that it
    /// changes no finding).
    pub defer_markup_scripts: bool,
    /// Between full builds of the page map, the second pass follows what the modules it
    /// parsed import (on by default; off, it builds the map after every round, only to
    /// show that it changes no finding).
    pub follow_second_pass_imports: bool,
    /// Exported functions are summarised only for the names some file asks about (on by
    /// default; off only to show that it changes no finding: see
    /// [`crate::modules::env::Exports::Lazy`]).
    pub lazy_summaries: bool,
    /// Keep what each stage and file cost, for `--stats`.
    pub collect_stats: bool,
    enabled: Vec<(&'static Rule, Severity)>,
    prefilter: Prefilter,
    /// The stage running now and what each file cost in it (`--stats`).
    stage: std::sync::Mutex<&'static str>,
    file_times: std::sync::Mutex<Vec<crate::results::FileTime>>,
    /// Trees kept for the link pass (`kept.limit` 0: none, every file the link lints
    /// again is parsed again, as the tests compare).
    pub kept: crate::trees::KeptTrees,
    /// Keep a run's threads for the next run instead of stopping them (the CLI's): a
    /// thread that stops frees its allocator's pages one by one, which the process's exit
    /// does at once, and `--fix` runs twice. Off for a process that lives on (the language
    /// server), whose idle threads would keep the pages they freed.
    pub keep_threads: bool,
    /// The last run's threads, when [`Engine::keep_threads`].
    spare_pool: std::sync::Mutex<Option<rayon::ThreadPool>>,
    /// The link answers every question with any summary found, not only with one that
    /// has what the question could use: the tests compare the two.
    pub link_answers_everything: bool,
    /// Texts that stand for files' bytes on disk, by the path a walk finds them at: the
    /// language server's unsaved documents. Such a file is never taken from the cache.
    pub overlay: std::collections::HashMap<PathBuf, Arc<[u8]>>,
}

/// How to lint one file beyond its bytes.
#[derive(Debug, Clone, Default)]
struct FileOptions {
    /// A page of the run includes it (see `crate::pages`): parse it whatever the
    /// prefilter says.
    loaded: bool,
    /// The link pass's answers for the names it imports.
    answers: Option<Arc<crate::modules::env::Answers>>,
    /// Parse it whatever the prefilter says, and summarise these of its exports: the link
    /// needs them.
    exports: Option<crate::modules::env::Exports>,
    /// Only its findings are wanted: no link reads its exports, which are not summarised
    /// (see [`Engine::lint_findings`]).
    findings_only: bool,
    /// Keep its trees for the link pass if it may lint the file again
    /// (see `crate::trees`).
    keep_trees: bool,
    /// The link pass lints it again: with `answers`, or with none where its last result
    /// had some. A cached entry stands only if it was made with the same answers.
    relinked: bool,
}

impl FileOptions {
    fn exports(&self, lazy_summaries: bool) -> crate::modules::env::Exports {
        use crate::modules::env::Exports;
        if let Some(exports) = &self.exports {
            exports.clone()
        } else if self.findings_only {
            Exports::None
        } else if lazy_summaries {
            Exports::Lazy
        } else {
            Exports::Partial
        }
    }
}

/// Why a file has no result.
#[derive(Debug)]
enum Skipped {
    /// It could not be read or linted: the run is incomplete.
    Error(LintError),
    /// It is larger than `--max-file-size`, or linting it took longer than
    /// `--max-file-time`: said, not silent, but not a failure.
    OverLimit(LintError),
    /// Its listed size is over `--max-file-size`: as `OverLimit`, and decided by its
    /// stamp alone (the cache's memo of a run keeps it).
    Larger(LintError, Stamp),
}

/// What to lint.
pub enum Input {
    /// Files and folders.
    Paths(Vec<PathBuf>),
    /// Text from standard input, linted as if it were the file `name`.
    Stdin { name: String, bytes: Vec<u8> },
}

impl Engine {
    /// The cache, when `--cache` is on and it could be read; waits for it if it is still
    /// being read.
    pub fn cache(&self) -> Option<&crate::cache::Cache> {
        match &self.cache_loading {
            Some(loading) => loading.cache(),
            None => self.cache.as_ref(),
        }
    }

    /// Whether a cache is on, without waiting for one being read.
    fn cache_on(&self) -> bool {
        self.cache.is_some() || self.cache_loading.is_some()
    }

    pub fn new(config: Config) -> Engine {
        let enabled: Vec<(&'static Rule, Severity)> = RULES
            .iter()
            .map(|rule| (rule, config.severity(rule.id)))
            .filter(|(_, severity)| *severity != Severity::Off)
            .collect();
        let prefilter = Prefilter::new(
            enabled
                .iter()
                .filter(|(rule, _)| {
                    rule.check.is_some() || rule.project || rule.id == crate::rules::UNUSED_IGNORE
                })
                .flat_map(|(rule, _)| rule.triggers),
        );
        Engine {
            config,
            max_file_size: DEFAULT_MAX_FILE_SIZE,
            max_file_time: Some(DEFAULT_MAX_FILE_TIME),
            cache: None,
            cache_loading: None,
            read_everything: false,
            prune_loaded_scripts: true,
            defer_markup_scripts: true,
            follow_second_pass_imports: true,
            lazy_summaries: true,
            collect_stats: false,
            enabled,
            prefilter,
            stage: std::sync::Mutex::new("first pass"),
            file_times: std::sync::Mutex::default(),
            kept: crate::trees::KeptTrees::default(),
            keep_threads: false,
            spare_pool: std::sync::Mutex::default(),
            link_answers_everything: false,
            overlay: std::collections::HashMap::new(),
        }
    }

    /// The bytes of the file at `path`, or its text in [`Self::overlay`].
    fn read_source(&self, path: &Path) -> Result<Vec<u8>, crate::safe_io::ReadError> {
        match self.overlay.get(path) {
            Some(text) if text.len() as u64 > self.max_file_size => {
                Err(crate::safe_io::ReadError::TooLarge(self.max_file_size))
            }
            Some(text) => Ok(text.to_vec()),
            None => crate::safe_io::read_file(path, self.max_file_size),
        }
    }

    fn severity(&self, rule_id: &str) -> Severity {
        self.enabled
            .iter()
            .find(|(rule, _)| rule.id == rule_id)
            .map_or(Severity::Off, |(_, severity)| *severity)
    }

    /// What the prefilter says about a file's bytes (the benchmark's parse-only floor
    /// uses it to parse exactly what crosswire parses).
    pub fn prefilter_verdict(&self, bytes: &[u8], kind: FileKind) -> Verdict {
        self.prefilter.verdict(bytes, kind)
    }

    /// Lints one file's bytes. `path` is only used for display.
    pub fn lint_bytes(&self, path: String, bytes: Vec<u8>, kind: FileKind) -> FileResult {
        self.lint_bytes_as(path, bytes, kind, &FileOptions::default(), &mut None)
    }

    /// The findings of one file's bytes linted alone, as [`Engine::lint_bytes`] finds them,
    /// for a process that lints file after file (the language server, `--fix`): a file
    /// larger than `max_file_size`, one that takes too long, and an internal error are an
    /// error that says so, not a panic. What only the link pass reads of a file (the
    /// summaries of its exports) is not made: it took a third of the time of a file that
    /// exports hundreds of functions.
    pub fn lint_findings(
        &self,
        path: String,
        bytes: Vec<u8>,
        kind: FileKind,
    ) -> Result<Vec<Finding>, LintError> {
        if bytes.len() as u64 > self.max_file_size {
            return Err(LintError {
                message: format!(
                    "skipped: larger than {} bytes (--max-file-size); no findings are reported \
                     for this file",
                    self.max_file_size
                ),
                path,
            });
        }
        let options = FileOptions {
            findings_only: true,
            ..FileOptions::default()
        };
        self.lint_guarded(path, bytes, kind, &options, &mut None)
            .map(|result| result.findings)
            .map_err(|skipped| match skipped {
                Skipped::Error(error) | Skipped::OverLimit(error) | Skipped::Larger(error, _) => {
                    error
                }
            })
    }

    /// Lints one file's bytes. `trees` holds, on the way in, the trees kept from an
    /// earlier pass over these bytes, walked again instead of parsing; on the way out,
    /// the trees to keep, when `options` asks and the link may want the file again.
    fn lint_bytes_as(
        &self,
        path: String,
        bytes: Vec<u8>,
        kind: FileKind,
        options: &FileOptions,
        trees: &mut Option<crate::trees::KeptTree>,
    ) -> FileResult {
        let loaded = options.loaded;
        // A file the link pass lints again was parsed before, perhaps for its exports.
        // One a page includes is parsed whatever the prefilter says: its imports matter.
        let verdict = if self.read_everything
            || options.exports.is_some()
            || options.answers.is_some()
            || options.loaded
        {
            Verdict::Parse
        } else {
            self.prefilter.verdict(&bytes, kind)
        };
        if verdict == Verdict::Skip || (verdict == Verdict::ParseIfLoaded && !loaded) {
            return FileResult {
                deferred: verdict == Verdict::ParseIfLoaded,
                skipped_words: Some(crate::results::SkippedWords {
                    keepalive: holds_keepalive_word(&bytes),
                }),
                ..unparsed(path)
            };
        }
        let _deadline =
            crate::deadline::start(self.max_file_time, crate::deadline::budget_for(bytes.len()));
        let (text, invalid_utf8_at, repairs) = match String::from_utf8(bytes) {
            Ok(text) => (text, None, Vec::new()),
            Err(error) => {
                let at = error.utf8_error().valid_up_to();
                let byte = error.as_bytes()[at];
                let (text, repairs) = crate::source::decode_lossy(error.as_bytes());
                (text, Some((at, byte)), repairs)
            }
        };
        // Most parsed files have no findings and no directives: lines are counted on demand.
        let lines: std::cell::OnceCell<LineIndex> = std::cell::OnceCell::new();
        let mut findings = Vec::new();
        if let Some((at, byte)) = invalid_utf8_at {
            self.push_pipeline_finding(
                &mut findings,
                PARSE_ERROR,
                Diagnostic::new(
                    format!(
                        "this file is not valid UTF-8 (byte 0x{byte:02X} at offset {at}); \
                         crosswire linted it with the invalid bytes replaced"
                    ),
                    at..(at + 1).min(text.len()),
                )
                .with_help("save the file as UTF-8"),
            );
        }
        let (blocks, page) = embedded::split(kind, &text);
        // A component's tags may embed something the page map follows; its scripts wait.
        // A page's scripts are parsed: the page map and the keep-alive pass read what a
        // page's own code imports. So are scripts HTML decodes first (an SVG script, an
        // attribute with character references), which the needle search reads otherwise.
        let scripts_wait = verdict == Verdict::MarkupOnly
            && self.defer_markup_scripts
            && kind != FileKind::Html
            && page.scripts.is_empty()
            && blocks.iter().all(|block| block.decoded.is_none());
        let skipped_words = scripts_wait.then(|| crate::results::SkippedWords {
            keepalive: holds_keepalive_word(text.as_bytes()),
        });
        let parsed_blocks = if scripts_wait { 0 } else { blocks.len() };
        let analysis = embedded::AnalysisText::new(&text, &blocks);
        let waiting_imports = if scripts_wait {
            let mut strings: Vec<String> = (0..blocks.len())
                .flat_map(|index| {
                    crate::modules::scan::strings_of(analysis.code(&blocks, index).0.as_bytes())
                })
                .collect();
            strings.sort_unstable();
            strings.dedup();
            strings
        } else {
            Vec::new()
        };
        let mut facts = FileFacts::default();
        let mut comments = Vec::new();
        let (globals, mut earlier, remembered) = match trees.take() {
            Some(mut kept) => (
                std::mem::take(&mut kept.globals),
                std::mem::take(&mut kept.scripts).into_iter(),
                std::mem::take(&mut kept.summaries),
            ),
            None => (
                swc_common::Globals::new(),
                Vec::new().into_iter(),
                crate::modules::env::SummaryMemo::default(),
            ),
        };
        // Text that had to be repaired is not what the file holds: parsed again if asked.
        let keep_trees = options.keep_trees && invalid_utf8_at.is_none();
        let mut kept_scripts = Vec::new();
        let ((), mut questions) = crate::modules::env::with_answers(
            options.answers.clone(),
            options.exports(self.lazy_summaries),
            remembered,
            || {
                swc_common::GLOBALS.set(&globals, || {
                    for (index, block) in blocks.iter().enumerate().take(parsed_blocks) {
                        let (code, base) = analysis.code(&blocks, index);
                        let earlier = earlier.next();
                        // The tree is dropped inside the room too: dropping a deep tree recurses.
                        let outcome = catch_unwind(AssertUnwindSafe(|| {
                            crate::stack::with_room(code.len(), || {
                                let mut parsed = match earlier {
                                    Some(earlier) => earlier?,
                                    None => parse_script(code, base, block.language)?,
                                };
                                let block_facts = semantic::analyze_in_page(
                                    &parsed,
                                    code,
                                    base,
                                    &path,
                                    semantic::MarkupCalls {
                                        on_user_action: &page.user_action_calls,
                                        otherwise: &page.other_handler_calls,
                                    },
                                );
                                let comments = if keep_trees {
                                    parsed.comments.clone()
                                } else {
                                    std::mem::take(&mut parsed.comments)
                                };
                                Ok((block_facts, comments, keep_trees.then_some(parsed)))
                            })
                        }))
                        .unwrap_or_else(|panic| {
                            if !panic.is::<crate::stack::TooDeep>() {
                                std::panic::resume_unwind(panic);
                            }
                            Err(crate::parse::SyntaxError::too_deep(base))
                        });
                        match outcome {
                            Ok((block_facts, block_comments, tree)) => {
                                facts.extend(block_facts);
                                comments.extend(block_comments);
                                kept_scripts.extend(tree.map(Ok));
                            }
                            Err(mut error) => {
                                if keep_trees {
                                    kept_scripts.push(Err(error.clone()));
                                }
                                error.span = analysis.to_file(error.span);
                                let what = if matches!(kind, FileKind::Script(_)) {
                                    "this file"
                                } else {
                                    "this script"
                                };
                                let diagnostic = if error.too_deep {
                                    Diagnostic::new(
                                        format!("{what} is {}", error.message),
                                        error.span,
                                    )
                                    .with_span_label("nested too deeply from here on")
                                    .with_help(
                                        "if this is generated code, leave it out with \
                                     `[files] ignore` in crosswire.toml",
                                    )
                                } else {
                                    Diagnostic::new(
                                        format!("cannot parse {what}: {}", error.message),
                                        error.span,
                                    )
                                    .with_span_label("syntax error here")
                                };
                                self.push_pipeline_finding(&mut findings, PARSE_ERROR, diagnostic);
                            }
                        }
                    }
                })
            },
        );
        for comment in &mut comments {
            comment.span = analysis.to_file(comment.span.clone());
        }
        // Directives may sit in markup comments too (`<!-- crosswire-ignore-next-line … -->`).
        comments.extend(
            page.comments
                .iter()
                .map(|comment| crate::parse::CommentText {
                    span: comment.span.clone(),
                    text: comment.text.clone(),
                    is_block: true,
                }),
        );
        facts.page.extend(page);
        for (rule, severity) in &self.enabled {
            let Some(check) = rule.check else { continue };
            let context = RuleContext {
                facts: &facts,
                text: &analysis.text,
                options: self.config.options(rule.id),
            };
            let mut diagnostics = Vec::new();
            check(&context, &mut diagnostics);
            findings.extend(diagnostics.into_iter().map(|diagnostic| Finding {
                rule: rule.id,
                severity: *severity,
                diagnostic,
                fingerprint: String::new(),
            }));
        }
        // One finding per rule, place and message: a name that may hold any of several
        // sockets or windows made each use of it a finding once per candidate (2,000 sockets
        // in one `var` gave 2,000,000 findings, found by fuzzing).
        sort_findings(&mut findings);
        findings.dedup_by(|later, earlier| {
            later.rule == earlier.rule
                && later.diagnostic.span == earlier.diagnostic.span
                && later.diagnostic.message == earlier.diagnostic.message
        });
        if !analysis.is_file() {
            for finding in &mut findings {
                let diagnostic = &mut finding.diagnostic;
                diagnostic.span = analysis.to_file(diagnostic.span.clone());
                for label in &mut diagnostic.labels {
                    label.span = analysis.to_file(label.span.clone());
                }
                for fix in &mut diagnostic.fixes {
                    for (span, _) in &mut fix.edits {
                        *span = analysis.to_file(span.clone());
                    }
                }
            }
            let page = &mut facts.page;
            for reference in page
                .scripts
                .iter_mut()
                .chain(&mut page.frames)
                .chain(&mut page.workers)
                .chain(&mut page.popups)
            {
                reference.span = analysis.to_file(reference.span.clone());
            }
        }
        comments.sort_by_key(|comment| comment.span.start);
        let (directives, mut findings) = if comments.is_empty() && findings.is_empty() {
            (Vec::new(), findings)
        } else {
            let lines = lines.get_or_init(|| LineIndex::new(&text));
            let mut directives = suppress::parse_directives(&comments, lines);
            let findings = suppress::silence(findings, &mut directives, lines);
            (directives, findings)
        };
        suppress::report_unused(
            &mut findings,
            &directives,
            |rule| self.severity(rule),
            |rule| rules::find(rule).is_none_or(|rule| !rule.project),
        );
        sort_findings(&mut findings);
        let mut module = std::mem::take(&mut facts.module);
        // The link pass lints again a file whose imports it answers, or whose exports
        // it needs summarised in full. Summaries left pending are asked for in a few
        // modules (a sixth of the names on the application corpus), so a file kept only
        // for them is kept only while small: a bundle's exports, which no module names,
        // would fill the store.
        if keep_trees
            && (!questions.demands.is_empty()
                || !questions.export_demands.is_empty()
                || module.partial
                || (text.len() <= KEEP_PENDING_BYTES && module.has_pending()))
        {
            *trees = Some(crate::trees::KeptTree::new(
                text.as_bytes().to_vec(),
                globals,
                kept_scripts,
                std::mem::take(&mut questions.summaries),
            ));
        } else {
            crate::trees::drop_in_room(kept_scripts, text.len());
        }
        if !module.exports.is_empty() {
            let lines = lines.get_or_init(|| LineIndex::new(&text));
            for export in &mut module.exports {
                if let crate::modules::Export::Local { summary, .. } = export {
                    summary.line =
                        lines.line_of(analysis.to_file(summary.offset..summary.offset).start);
                }
            }
        }
        let project = ProjectFacts {
            analysed: parsed_blocks > 0,
            module,
            demands: questions.demands,
            export_demands: questions.export_demands,
            linked_with: options
                .answers
                .as_ref()
                .map(|answers| crate::link::answers_hash(answers)),
            sockets: facts
                .sockets
                .iter()
                .filter(|socket| socket.kind == SocketKind::Browser && !socket.node_client)
                .filter_map(|socket| {
                    let construction = analysis.to_file(socket.construction.clone());
                    Some((construction, socket.endpoint.clone()?))
                })
                .collect(),
            servers: facts
                .servers
                .iter()
                .map(|server| {
                    (
                        analysis.to_file(server.construction.clone()),
                        server.path.clone(),
                        server.relay_only,
                    )
                })
                .collect(),
            framed_wildcards: facts
                .post_messages
                .iter()
                .filter(|call| call.wildcard_origin.is_some())
                .filter_map(|call| {
                    Some((
                        analysis.to_file(call.callee_span.clone()),
                        call.frame_id.clone()?,
                    ))
                })
                .collect(),
            directives,
            reach: {
                let mut reach = std::mem::take(&mut facts.reach);
                for exposed in &mut reach.exposed {
                    exposed.construction = analysis.to_file(exposed.construction.clone());
                }
                reach
            },
        };
        // Project-level findings may point into files with page links or sockets.
        let functions = facts.function_index();
        stamp_fingerprints(&mut findings, &path, &text, |offset| {
            functions.enclosing(offset).map(str::to_string)
        });
        let keep_text = !findings.is_empty()
            || self.read_everything
            || !facts.page.is_empty()
            || !project.is_empty();
        let lines = keep_text.then(|| {
            lines
                .into_inner()
                .unwrap_or_else(|| LineIndex::new(&text))
                .with_repairs(repairs)
        });
        FileResult {
            path,
            parsed: parsed_blocks > 0,
            deferred: false,
            findings,
            text: keep_text.then(|| Arc::from(text)),
            lines,
            page: facts.page,
            project,
            content_hash: None,
            cache_key: None,
            stamp: None,
            cached: false,
            reported_in_part: false,
            skipped_words,
            scripts_wait,
            waiting_imports,
        }
    }

    fn push_pipeline_finding(
        &self,
        findings: &mut Vec<Finding>,
        rule: &'static str,
        diagnostic: Diagnostic,
    ) {
        let severity = self.severity(rule);
        if severity != Severity::Off {
            findings.push(Finding {
                rule,
                severity,
                diagnostic,
                fingerprint: String::new(),
            });
        }
    }

    /// Reads and lints one file; a panic inside becomes an error for that file alone.
    /// `stamp` is what the file's metadata said (size 0 if it could not be read).
    /// `trees` as for [`Self::lint_bytes_as`]: with kept trees, the bytes they were
    /// parsed from are linted, not the file's.
    fn lint_path(
        &self,
        path: &Path,
        stamp: Stamp,
        cwd: &Path,
        options: &FileOptions,
        trees: &mut Option<crate::trees::KeptTree>,
    ) -> Result<FileResult, Skipped> {
        let shown = display_path(path, cwd);
        let size = stamp.size;
        if size > self.max_file_size {
            return Err(Skipped::Larger(
                LintError {
                    path: shown,
                    message: format!(
                        "skipped: {size} bytes is over --max-file-size ({} bytes)",
                        self.max_file_size
                    ),
                },
                stamp,
            ));
        }
        let kind = FileKind::from_path(path).unwrap_or(FileKind::Script(Language::JavaScript));
        // The limit bounds the read itself: the file may have grown since it was listed.
        let read = || {
            self.read_source(path).map_err(|error| match error {
                crate::safe_io::ReadError::TooLarge(limit) => over_size_limit(shown.clone(), limit),
                error => Skipped::Error(LintError {
                    path: shown.clone(),
                    message: format!("cannot read file: {error}"),
                }),
            })
        };
        if let Some(kept) = trees {
            let bytes = std::mem::take(&mut kept.bytes);
            let hash = self
                .cache()
                .is_some()
                .then(|| crate::cache::content_hash(&bytes));
            let mut result = self.lint_guarded(shown.clone(), bytes, kind, options, trees)?;
            if let Some(hash) = hash {
                result.content_hash = Some(hash);
                result.stamp = Some(stamp);
                result.cache_key = Some(crate::cache::path_key(path, cwd));
            }
            return Ok(result);
        }
        let Some(cache) = self.cache() else {
            return self.lint_guarded(shown.clone(), read()?, kind, options, trees);
        };
        let cache_key = crate::cache::path_key(path, cwd);
        // A file left unparsed there must be parsed now that a page loads it. One the link
        // pass lints again stands if its entry was made with the same answers (none
        // included: an imported helper that is gone leaves none), and, when its exports
        // are wanted, with all of them summarised; the first pass takes any, and the link pass
        // compares its answers.
        let entry = cache.files().get(&cache_key).filter(|entry| {
            let answered = if options.relinked {
                entry.project.linked_with
                    == options
                        .answers
                        .as_ref()
                        .map(|answers| crate::link::answers_hash(answers))
            } else {
                options.answers.is_none()
            };
            (!options.loaded || entry.project.analysed)
                && answered
                && options
                    .exports
                    .as_ref()
                    .is_none_or(|exports| entry.parsed && entry.project.module.summarises(exports))
        });
        // Unchanged metadata: the file is not even read, unless findings need its text.
        let entry = entry.filter(|_| !self.overlay.contains_key(path));
        let mut result = match entry.filter(|entry| stamp.unchanged_since(&entry.stamp)) {
            Some(entry) => {
                let bytes = if entry.needs_text() {
                    read()?
                } else {
                    Vec::new()
                };
                cached_result(shown, bytes, entry, entry.hash.clone())
            }
            None => {
                let bytes = read()?;
                let hash = crate::cache::content_hash(&bytes);
                match entry.filter(|entry| entry.hash == hash) {
                    Some(entry) => cached_result(shown, bytes, entry, hash),
                    None => {
                        let mut result =
                            self.lint_guarded(shown.clone(), bytes, kind, options, trees)?;
                        result.content_hash = Some(hash);
                        result
                    }
                }
            }
        };
        result.stamp = Some(stamp);
        result.cache_key = Some(cache_key);
        Ok(result)
    }

    fn lint_guarded(
        &self,
        shown: String,
        bytes: Vec<u8>,
        kind: FileKind,
        options: &FileOptions,
        trees: &mut Option<crate::trees::KeptTree>,
    ) -> Result<FileResult, Skipped> {
        let size = bytes.len();
        catch_unwind(AssertUnwindSafe(|| {
            self.lint_bytes_as(shown.clone(), bytes, kind, options, trees)
        }))
        .map_err(|panic| {
            if let Some(timed_out) = panic.downcast_ref::<crate::deadline::TimedOut>() {
                let limit = self.max_file_time.unwrap_or_default().as_secs_f64();
                let message = if timed_out.out_of_work {
                    format!(
                        "skipped: linting it needed more than {} steps of work, crosswire's \
                         budget for a file of this size; no findings are reported for this file",
                        crate::deadline::budget_for(size)
                    )
                } else {
                    format!(
                        "skipped: linting took longer than --max-file-time ({limit} s); \
                         no findings are reported for this file"
                    )
                };
                return Skipped::OverLimit(LintError {
                    path: shown,
                    message,
                });
            }
            let reason = crate::parse::panic_reason(panic.as_ref());
            Skipped::Error(LintError {
                path: shown,
                message: format!(
                    "internal error while linting this file ({reason}); please report it"
                ),
            })
        })
    }

    /// Lints `paths` on the pool, largest file first so that one big bundle does not
    /// finish last, within [`BUDGET`] (a tree takes ~15 times its source).
    /// Results come back in the order of `paths`.
    fn lint_paths(
        &self,
        pool: &rayon::ThreadPool,
        paths: &[PathBuf],
        known_stamps: Option<&[Stamp]>,
        options: &[FileOptions],
        cwd: &Path,
    ) -> Vec<Result<FileResult, Skipped>> {
        let stamps: Vec<Stamp> = match known_stamps {
            Some(stamps) if stamps.len() == paths.len() => stamps.to_vec(),
            _ => pool.install(|| {
                paths
                    .par_iter()
                    .map(|path| {
                        std::fs::metadata(path)
                            .map_or_else(|_| Default::default(), |m| Stamp::of(&m))
                    })
                    .collect()
            }),
        };
        let sizes: Vec<u64> = stamps.iter().map(|stamp| stamp.size).collect();
        let stage = *self
            .stage
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        crate::schedule::map_largest_first(pool, &sizes, BUDGET, |index| {
            let started = std::time::Instant::now();
            let options = &options[index];
            let mut trees = if options.answers.is_some() || options.exports.is_some() {
                self.kept.take(&paths[index])
            } else {
                None
            };
            let reused = trees.is_some();
            let result = self.lint_path(&paths[index], stamps[index], cwd, options, &mut trees);
            if let Some(trees) = trees {
                self.kept.keep(paths[index].clone(), trees);
            }
            let time = started.elapsed();
            if self.collect_stats
                && let Ok(file) = &result
            {
                self.file_times
                    .lock()
                    .unwrap_or_else(|poisoned| poisoned.into_inner())
                    .push(crate::results::FileTime {
                        path: file.path.clone(),
                        stage,
                        time,
                        bytes: sizes[index],
                        parsed: file.parsed && !reused,
                    });
            }
            result
        })
    }

    /// Lints the input on `threads` threads.
    pub fn run(&self, input: Input, threads: usize, use_ignore_files: bool) -> RunReport {
        self.run_caching(input, threads, use_ignore_files).0
    }

    /// Lints the input on `threads` threads, and gives, when the cache is on, what to
    /// store (see [`CacheUpdate`]).
    pub fn run_caching(
        &self,
        input: Input,
        threads: usize,
        use_ignore_files: bool,
    ) -> (RunReport, CacheUpdate) {
        let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
        let mut report = RunReport::default();
        let mut clock = StageClock::new(self);
        // What the run is given besides its files, for the cache's memo of a run.
        let run_key = match &input {
            Input::Paths(paths) if self.cache_on() => {
                Some(self.run_key(&cwd, paths, use_ignore_files))
            }
            _ => None,
        };
        let roots: Vec<String> = match &input {
            Input::Paths(paths) => paths
                .iter()
                .filter(|path| path.is_dir())
                .map(|path| display_path(path, &cwd))
                .collect(),
            Input::Stdin { .. } => Vec::new(),
        };
        report.walked = roots.clone();
        // Where each discovered file is, by the path shown, for the second pass.
        let mut discovered: Vec<PathBuf> = Vec::new();
        let (pool, results) = match input {
            Input::Stdin { name, bytes } => {
                let kind = FileKind::from_path(Path::new(&name))
                    .unwrap_or(FileKind::Script(Language::JavaScript));
                report.files_scanned = 1;
                let pool = self.pool(1);
                // Standard input was read up to one byte past the limit.
                let result = if bytes.len() as u64 > self.max_file_size {
                    Err(over_size_limit(name, self.max_file_size))
                } else {
                    pool.install(|| {
                        self.lint_guarded(name, bytes, kind, &FileOptions::default(), &mut None)
                    })
                };
                (pool, vec![result])
            }
            Input::Paths(paths) => {
                // Walking folders is parallel too; a run of named files starts no more
                // threads than it has files.
                let walking_pool = (!roots.is_empty()).then(|| self.pool(threads));
                let options = DiscoverOptions {
                    use_ignore_files,
                    config: &self.config,
                };
                let found = match &walking_pool {
                    Some(pool) => pool.install(|| discover(&paths, &options)),
                    None => discover(&paths, &options),
                };
                for (path, reason) in found.errors {
                    report.errors.push(LintError {
                        path: display_path(&path, &cwd),
                        message: reason,
                    });
                }
                // Named, yet left out: said, as ESLint says "File ignored because of a
                // matching ignore pattern".
                for path in found.ignored {
                    report.notices.push(LintError {
                        path: display_path(&path, &cwd),
                        message: "ignored by `[files] ignore` in the config; not linted".into(),
                    });
                }
                for (path, message) in found.notices {
                    report.notices.push(LintError {
                        path: display_path(&path, &cwd),
                        message,
                    });
                }
                for path in found.unsupported {
                    report.notices.push(LintError {
                        path: display_path(&path, &cwd),
                        message: "not a JavaScript or TypeScript file; skipped".into(),
                    });
                }
                report.files_scanned = found.files.len();
                discovered = found.files;
                let discovered_stamps = found.stamps;
                clock.finished("discover", "first pass");
                let pool = walking_pool.unwrap_or_else(|| self.pool(threads.min(discovered.len())));
                // Nothing changed since the memo's run: its findings, and nothing linted.
                // Unsaved texts standing for files are not what the memo saw.
                if let Some(run_key) = run_key.as_ref().filter(|_| self.overlay.is_empty())
                    && let Some(memo) = self.cache().and_then(|cache| cache.memo.as_ref())
                    && let Some((files, notices)) = self.memo_results(
                        memo,
                        run_key,
                        &discovered,
                        &discovered_stamps,
                        &cwd,
                        &pool,
                    )
                {
                    report.files_cached = files.len();
                    report.files = files;
                    report.notices.extend(notices);
                    report.sort_files();
                    report
                        .errors
                        .sort_by(|a, b| (&a.path, &a.message).cmp(&(&b.path, &b.message)));
                    clock.finished("cache check", "first pass");
                    report.stats = clock.into_stats();
                    return (
                        report,
                        CacheUpdate {
                            unchanged: true,
                            ..CacheUpdate::default()
                        },
                    );
                }
                let options = vec![
                    FileOptions {
                        keep_trees: true,
                        ..FileOptions::default()
                    };
                    discovered.len()
                ];
                let results =
                    self.lint_paths(&pool, &discovered, Some(&discovered_stamps), &options, &cwd);
                (pool, results)
            }
        };
        // Where each file of the report was discovered.
        let mut positions: Vec<usize> = Vec::new();
        // Anything said from here on, but that a file is too large to lint, makes the run
        // one not to keep as a memo.
        let said_before_linting = report.errors.len() + report.notices.len();
        let mut larger: Vec<crate::cache::SkippedFile> = Vec::new();
        // Each file's stamp as the first pass saw it, for the memo.
        let first_stamps: std::collections::HashMap<String, Stamp> = results
            .iter()
            .filter_map(|result| {
                let file = result.as_ref().ok()?;
                Some((file.cache_key.clone()?, file.stamp?))
            })
            .collect();
        for (position, result) in results.into_iter().enumerate() {
            match result {
                Ok(file) => {
                    report.files_parsed += usize::from(file.parsed);
                    report.files_cached += usize::from(file.cached);
                    report.files.push(file);
                    positions.push(position);
                }
                Err(Skipped::Error(error)) => report.errors.push(error),
                Err(Skipped::Larger(notice, stamp)) => {
                    larger.push(crate::cache::SkippedFile {
                        key: crate::cache::path_key(&discovered[position], &cwd),
                        stamp,
                        notice: notice.message.clone(),
                    });
                    report.unanalysable.insert(notice.path.clone());
                    report.notices.push(notice);
                }
                Err(Skipped::OverLimit(notice)) => {
                    report.unanalysable.insert(notice.path.clone());
                    report.notices.push(notice)
                }
            }
        }
        clock.finished("first pass", "second pass");
        let mut mapper = crate::pages::PageMapper::new(&report, &roots);
        self.lint_loaded_scripts(
            &mut report,
            &pool,
            &discovered,
            &positions,
            &mut mapper,
            &cwd,
        );
        self.lint_importing_markup(&mut report, &pool, &discovered, &positions, &mapper, &cwd);
        clock.finished("second pass", "link pass");
        if !discovered.is_empty() {
            let files = LinkedFiles {
                engine: self,
                pool: &pool,
                discovered: &discovered,
                positions: &positions,
                cwd: &cwd,
            };
            crate::link::run(&mut report, &files, &mapper.resolver);
            self.lint_reaching_scripts(
                &mut report,
                &pool,
                &discovered,
                &positions,
                &mut mapper,
                &cwd,
            );
        }
        // Many trees: dropped in parallel.
        let kept = self.kept.take_all();
        if !kept.is_empty() {
            pool.install(|| kept.into_par_iter().for_each(drop));
        }
        clock.finished("link pass", "project passes");
        if report.sort_files() {
            mapper.reordered(&report);
        }
        let mut update = CacheUpdate::default();
        if self.cache().is_some() {
            update.entries = report
                .files
                .iter()
                .filter_map(|file| {
                    let hash = file.content_hash.clone()?;
                    Some((
                        file.cache_key.clone()?,
                        crate::cache::Entry::from_result(file, hash),
                    ))
                })
                .collect();
        }
        // The page map followed through imports, when a project-level pass can use it.
        let same_page = self.severity(crate::rules::WEBSOCKET_SAME_PAGE);
        let starts_workers = report
            .files
            .iter()
            .any(|file| !file.page.workers.is_empty());
        let relates = report.files.iter().any(|file| {
            !(file.page.frames.is_empty()
                && file.page.workers.is_empty()
                && file.page.popups.is_empty())
        });
        let same_page_matters = same_page != Severity::Off
            && relates
            && report
                .files
                .iter()
                .any(|file| !file.project.sockets.is_empty());
        // `"*"` sent to frames found by id, which the markup may show are sandboxed.
        let frames_by_id = report.files.iter().any(|file| {
            !file.project.framed_wildcards.is_empty()
                && file
                    .findings
                    .iter()
                    .any(|finding| finding.rule == "postmessage-wildcard-origin")
        });
        let keepalive_matters = !crate::project::escaping_findings(&report).is_empty();
        if starts_workers || same_page_matters || frames_by_id || keepalive_matters {
            let pages = mapper.build(&report, &pool);
            if starts_workers {
                crate::project::drop_worker_message_findings(&mut report, &pages);
            }
            if frames_by_id {
                crate::project::drop_sandboxed_frame_wildcards(&mut report, &pages, &roots);
            }
            if same_page_matters {
                crate::project::same_page(&mut report, same_page, &pages);
            }
            if keepalive_matters {
                crate::project::keepalive_elsewhere(&mut report, &pages, &mapper.resolver);
            }
        }
        // Directives naming project-level rules are judged once those have run.
        for file in &mut report.files {
            if let Some(text) = file.text.clone() {
                let path = file.path.clone();
                stamp_fingerprints(&mut file.findings, &path, &text, |_| None);
            }
            suppress::report_unused(
                &mut file.findings,
                &file.project.directives,
                |rule| self.severity(rule),
                |rule| rules::find(rule).is_some_and(|rule| rule.project),
            );
            sort_findings(&mut file.findings);
        }
        report
            .errors
            .sort_by(|a, b| (&a.path, &a.message).cmp(&(&b.path, &b.message)));
        clock.finished("project passes", "first pass");
        report.stats = clock.into_stats();
        if let Some(run) = run_key.filter(|_| self.overlay.is_empty())
            && report.errors.len() + report.notices.len() == said_before_linting + larger.len()
        {
            update.memo = memo_of(&report, run, &first_stamps, larger);
        }
        (report, update)
    }

    /// A hash of what a run is given besides its files: see [`crate::cache::run_key`].
    fn run_key(&self, cwd: &Path, paths: &[PathBuf], use_ignore_files: bool) -> String {
        let options = format!(
            "{:?} {:?} {} {} {}",
            self.max_file_size,
            self.max_file_time,
            self.read_everything,
            self.link_answers_everything,
            use_ignore_files
        );
        let config = self.config.describe();
        let mut parts: Vec<&[u8]> = vec![
            cwd.as_os_str().as_encoded_bytes(),
            options.as_bytes(),
            config.as_bytes(),
        ];
        parts.extend(paths.iter().map(|path| path.as_os_str().as_encoded_bytes()));
        crate::cache::run_key(&parts)
    }
}

/// What a run with the cache on gives the cache.
#[derive(Debug, Default)]
pub struct CacheUpdate {
    /// Each linted file's entry, by key: taken before the project-level passes, whose
    /// findings depend on other files.
    pub entries: Vec<(String, crate::cache::Entry)>,
    /// The memo of the run, when it was complete (nothing could not be read, nothing was
    /// skipped) over paths it was given.
    pub memo: Option<crate::cache::Memo>,
    /// The run was the memo's, with nothing changed since: nothing to write.
    pub unchanged: bool,
}

/// A file's result with nothing in it.
fn unparsed(path: String) -> FileResult {
    FileResult {
        path,
        parsed: false,
        deferred: false,
        findings: Vec::new(),
        text: None,
        lines: None,
        page: PageRefs::default(),
        project: ProjectFacts::default(),
        content_hash: None,
        cache_key: None,
        stamp: None,
        cached: false,
        reported_in_part: false,
        skipped_words: None,
        scripts_wait: false,
        waiting_imports: Vec::new(),
    }
}

/// A file, or standard input, that was read up to one byte past `--max-file-size`.
fn over_size_limit(path: String, limit: u64) -> Skipped {
    Skipped::OverLimit(LintError {
        path,
        message: format!("skipped: over --max-file-size ({limit} bytes)"),
    })
}

/// A run's pool, which goes back to [`Engine::spare_pool`] when the run is over (when the
/// engine keeps its threads).
struct Pool<'e> {
    pool: Option<rayon::ThreadPool>,
    /// Whether the pool has threads of its own: one made of the calling thread works
    /// only from that thread, and is not kept.
    own_threads: bool,
    engine: &'e Engine,
}

impl std::ops::Deref for Pool<'_> {
    type Target = rayon::ThreadPool;

    fn deref(&self) -> &rayon::ThreadPool {
        self.pool
            .as_ref()
            .expect("a pool is held until it is dropped")
    }
}

impl Drop for Pool<'_> {
    fn drop(&mut self) {
        if self.own_threads
            && self.engine.keep_threads
            && let Ok(mut spare) = self.engine.spare_pool.lock()
        {
            *spare = self.pool.take();
        }
    }
}

impl Engine {
    /// A pool of `threads` threads (see [`start_pool`]): the last run's when it has as many.
    fn pool(&self, threads: usize) -> Pool<'_> {
        let spare = self
            .spare_pool
            .lock()
            .ok()
            .and_then(|mut spare| spare.take())
            .filter(|pool| pool.current_num_threads() == pool_size(threads));
        let (pool, own_threads) = match spare {
            Some(pool) => (pool, true),
            None => start_pool(threads),
        };
        Pool {
            pool: Some(pool),
            own_threads,
            engine: self,
        }
    }
}

/// How many threads [`start_pool`] asks for, given `threads`.
fn pool_size(threads: usize) -> usize {
    let cpus = std::thread::available_parallelism().map_or(1, |count| count.get());
    threads.clamp(1, cpus)
}

/// The pool that lints: at most one thread per CPU (more only compete for the same cores)
/// and per file. A thread that cannot start (an address-space limit, say) halves the
/// count, down to linting on the calling thread alone.
/// Says whether the pool has threads of its own.
fn start_pool(threads: usize) -> (rayon::ThreadPool, bool) {
    let mut threads = pool_size(threads);
    loop {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .stack_size(crate::stack::WORKER_STACK_BYTES)
            .thread_name(|index| format!("crosswire-{index}"))
            .build();
        match pool {
            Ok(pool) => return (pool, true),
            Err(_) if threads > 1 => threads /= 2,
            // The calling thread's stack is what it is: `stack::with_room` gives each script
            // a segment of its own where it is too small.
            Err(_) => {
                let pool = rayon::ThreadPoolBuilder::new()
                    .num_threads(1)
                    .use_current_thread()
                    .build()
                    .expect("a pool of the calling thread needs no new thread");
                return (pool, false);
            }
        }
    }
}

/// Gives each finding without one a fingerprint that survives unrelated edits: the
/// rule, the file, the enclosing function's name, the flagged code with its white space
/// folded, and how many identical findings come before it in the file. Line numbers
/// are left out on purpose.
pub fn stamp_fingerprints(
    findings: &mut [Finding],
    path: &str,
    text: &str,
    enclosing_function: impl Fn(usize) -> Option<String>,
) {
    let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for finding in findings.iter_mut() {
        let span = &finding.diagnostic.span;
        crate::deadline::tick();
        let code = fold_white_space(text.get(span.clone()).unwrap_or_default(), 200);
        let function = enclosing_function(span.start).unwrap_or_default();
        let key = format!("{}\0{function}\0{code}", finding.rule);
        let occurrence = seen.entry(key).or_default();
        *occurrence += 1;
        if finding.fingerprint.is_empty() {
            finding.fingerprint = crate::diagnostic::stable_hash(&[
                finding.rule,
                path,
                &function,
                &code,
                &occurrence.to_string(),
            ]);
        }
    }
}

/// The first `limit` characters of `code` with its words joined by single spaces: a
/// finding may span megabytes, so only what is kept is read.
fn fold_white_space(code: &str, limit: usize) -> String {
    let mut folded = String::new();
    let mut count = 0;
    for (index, word) in code.split_whitespace().enumerate() {
        let separator = (index > 0).then_some(' ');
        for character in separator.into_iter().chain(word.chars()) {
            if count == limit {
                return folded;
            }
            folded.push(character);
            count += 1;
        }
    }
    folded
}

/// Findings in source order; rule and message break ties so output is stable.
fn sort_findings(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        (a.diagnostic.span.start, a.rule, &a.diagnostic.message).cmp(&(
            b.diagnostic.span.start,
            b.rule,
            &b.diagnostic.message,
        ))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guarded_linting_reports_limits_instead_of_unwinding() {
        let mut engine = Engine::new(Config::defaults(".".into()));
        let code = b"parent.postMessage(data, \"*\");\n".to_vec();
        let kind = FileKind::Script(Language::JavaScript);
        let findings = engine
            .lint_findings("a.js".into(), code.clone(), kind)
            .unwrap();
        assert_eq!(findings[0].rule, "postmessage-wildcard-origin");
        engine.max_file_size = 10;
        let error = engine.lint_findings("a.js".into(), code, kind).unwrap_err();
        assert_eq!(error.path, "a.js");
        assert!(
            error.message.contains("larger than 10 bytes"),
            "{}",
            error.message
        );
    }

    #[test]
    fn folding_reads_only_what_it_keeps_and_keeps_what_a_full_fold_would() {
        for code in [
            "",
            "  a  b\n\tc ",
            "x",
            "word ".repeat(100).as_str(),
            " é  ü ",
        ] {
            let full: String = code.split_whitespace().collect::<Vec<_>>().join(" ");
            for limit in [0, 1, 3, 4, 200] {
                let expected: String = full.chars().take(limit).collect();
                assert_eq!(fold_white_space(code, limit), expected, "{code:?} {limit}");
            }
        }
    }

    #[test]
    fn an_engine_that_keeps_its_threads_runs_again_on_them_and_finds_the_same() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.js"), "parent.postMessage(data, '*');\n").unwrap();
        let input = || Input::Paths(vec![dir.path().to_path_buf()]);
        let findings = |report: &RunReport| -> Vec<String> {
            report
                .files
                .iter()
                .flat_map(|file| file.findings.iter().map(|finding| finding.rule.to_string()))
                .collect()
        };
        let kept_threads = |engine: &Engine| {
            let spare = engine.spare_pool.lock().unwrap();
            spare.as_ref().map(|pool| pool.current_num_threads())
        };
        let mut engine = Engine::new(Config::defaults(dir.path().to_path_buf()));
        let first = engine.run(input(), 2, false);
        assert_eq!(kept_threads(&engine), None);
        engine.keep_threads = true;
        let second = engine.run(input(), 2, false);
        assert_eq!(kept_threads(&engine), Some(pool_size(2)));
        let third = engine.run(input(), 2, false);
        assert_eq!(findings(&first), ["postmessage-wildcard-origin"]);
        assert_eq!(findings(&second), findings(&first));
        assert_eq!(findings(&third), findings(&first));
        // Another thread count: a pool of that many replaces the kept one.
        engine.run(input(), 1, false);
        assert_eq!(kept_threads(&engine), Some(1));
    }

    /// A file the walk found but that is gone (or unreadable) when its turn comes: an
    /// error naming it, and the other files' results intact.
    #[test]
    fn a_file_that_vanishes_after_the_walk_is_an_error_for_that_file_alone() {
        let dir = tempfile::tempdir().unwrap();
        let kept = dir.path().join("kept.js");
        let vanished = dir.path().join("vanished.js");
        std::fs::write(&kept, "parent.postMessage(data, '*');\n").unwrap();
        std::fs::write(&vanished, "parent.postMessage(data, '*');\n").unwrap();
        let engine = Engine::new(Config::defaults(dir.path().to_path_buf()));
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(2)
            .build()
            .unwrap();
        let paths = vec![vanished.clone(), kept.clone()];
        // The walk's sizes are taken, then the file goes away.
        let sizes = [Stamp::default(); 2];
        std::fs::remove_file(&vanished).unwrap();
        let results: Vec<_> = paths
            .iter()
            .zip(sizes)
            .map(|(path, size)| {
                engine.lint_path(path, size, dir.path(), &FileOptions::default(), &mut None)
            })
            .collect();
        match &results[0] {
            Err(Skipped::Error(error)) => {
                assert_eq!(error.path, "vanished.js");
                assert_eq!(error.message, "cannot read file: no such file or folder");
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(results[1].as_ref().unwrap().findings.len(), 1);
        // The same through the scheduler that `run` uses.
        let results = engine.lint_paths(
            &pool,
            &paths,
            None,
            &[FileOptions::default(), FileOptions::default()],
            dir.path(),
        );
        assert!(matches!(&results[0], Err(Skipped::Error(_))));
        assert_eq!(results[1].as_ref().unwrap().findings.len(), 1);
    }

    /// The size checked when the file was listed is not the size read: a file that grew
    /// past --max-file-size since is skipped, whether the cache is on or not.
    #[test]
    fn a_file_that_grows_past_the_limit_after_the_walk_is_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("grown.js");
        let text = "parent.postMessage(data, '*');\n";
        std::fs::write(&path, text.repeat(100)).unwrap();
        let listed = Stamp {
            size: text.len() as u64,
            modified: None,
        };
        for cached in [false, true] {
            let mut engine = Engine::new(Config::defaults(dir.path().to_path_buf()));
            engine.max_file_size = 2 * text.len() as u64;
            if cached {
                engine.cache = Some(crate::cache::Cache::default());
            }
            match engine.lint_path(
                &path,
                listed,
                dir.path(),
                &FileOptions::default(),
                &mut None,
            ) {
                Err(Skipped::OverLimit(notice)) => {
                    assert_eq!(notice.path, "grown.js");
                    assert!(
                        notice.message.contains("--max-file-size"),
                        "{}",
                        notice.message
                    );
                }
                other => panic!("not skipped: {:?}", other.map(|file| file.findings.len())),
            }
        }
    }
}
