//! What a run produces, shared by the pipeline, the project-level passes, the cache and
//! the reporters. It stands beneath all of them and imports none of them.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::diagnostic::{Finding, Severity};
use crate::embedded::PageRefs;
use crate::semantic::sockets::Endpoint;
use crate::source::LineIndex;
use crate::suppress;

/// The result of linting one file.
#[derive(Debug)]
pub struct FileResult {
    /// The path as shown to users (relative to the working directory, `/`-separated).
    pub path: String,
    pub parsed: bool,
    /// Not parsed: only worth it if a page of the run loads the file (the second pass
    /// of `run` decides).
    pub deferred: bool,
    pub findings: Vec<Finding>,
    /// The text findings point into; kept only when there are findings.
    pub text: Option<Arc<str>>,
    pub lines: Option<LineIndex>,
    /// What the file loads, embeds, starts and opens (for the page map).
    pub page: PageRefs,
    /// What the project-level rules read of this file.
    pub project: ProjectFacts,
    /// Hash of the file's bytes, when the cache is on.
    pub content_hash: Option<String>,
    /// The key of its cache entry (see `cache::path_key`), when the cache is on.
    pub cache_key: Option<String>,
    /// The file's size and modification time, when the cache is on.
    pub stamp: Option<Stamp>,
    /// The result came from the cache.
    pub cached: bool,
    /// Only some of its findings are reported: `--changed-since` kept those whose
    /// evidence lies in a changed file. A baseline must not prune its other entries.
    pub reported_in_part: bool,
    /// For a file the prefilter left unparsed: the words of later passes' interest its
    /// bytes held, as read then, so that those passes read again only the files that
    /// hold them. `None`: not known (parsed, or from a cache that did not record them).
    pub skipped_words: Option<SkippedWords>,
    /// Markup whose tags were read but whose scripts were not parsed: they hold no
    /// needle (see `Verdict::MarkupOnly`). A later pass parses them if it needs them.
    pub scripts_wait: bool,
    /// For such markup: every string of its scripts' code as the parser would read it,
    /// a superset of what they import (`modules::scan`).
    pub waiting_imports: Vec<String>,
}

/// What the bytes of a file the prefilter left unparsed hold that a later pass looks for.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SkippedWords {
    /// A word that arms a timer or handles a close (`lint::KEEPALIVE_WORDS`): the script
    /// may keep another file's socket alive.
    pub keepalive: bool,
}

impl FileResult {
    /// Whether which pages hold this file can change what the run reports: a project
    /// pass reads its facts with the pages' (sockets and servers, page references,
    /// frames found by id, names that keep sockets alive), or may change its findings,
    /// those it has or those the link may give it (it asks about imported names), or it
    /// is left for the second pass. The second pass parses a module only to follow its
    /// imports to such a file (`crate::modules::leads`): a project pass that reads
    /// another fact must be added here.
    pub fn matters_to_pages(&self) -> bool {
        let project = &self.project;
        self.deferred
            || !self.findings.is_empty()
            || !self.page.is_empty()
            || self.page.sets_sources
            || !self.page.frame_elements.is_empty()
            || !project.sockets.is_empty()
            || !project.servers.is_empty()
            || !project.framed_wildcards.is_empty()
            || !project.reach.is_empty()
            || !project.demands.is_empty()
            || !project.export_demands.is_empty()
    }
}

/// A file's facts that the project-level pass needs, kept after its tree is gone.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct ProjectFacts {
    /// Browser sockets whose endpoint the file shows.
    pub sockets: Vec<(std::ops::Range<usize>, Endpoint)>,
    /// Servers: where, the path they serve, and whether they only relay.
    pub servers: Vec<(std::ops::Range<usize>, Option<String>, bool)>,
    /// `postMessage(…, "*")` calls to a frame found by its `id`: the call's callee (where
    /// postmessage-wildcard-origin reports) and the id, which the page's markup may show
    /// is a sandboxed frame (`crate::project::drop_sandboxed_frame_wildcards`).
    #[serde(default)]
    pub framed_wildcards: Vec<(std::ops::Range<usize>, String)>,
    /// The file's suppression directives, for project-level findings.
    pub directives: Vec<suppress::Directive>,
    /// What the file imports and exports (see `crate::modules`).
    pub module: crate::modules::ModuleFacts,
    /// The imported names its analysis asked about, with what it could use of them.
    #[serde(with = "crate::modules::env::demands_as_pairs")]
    pub demands: crate::modules::env::Demands,
    /// Those asked only to summarise its exports: answered when another file asks
    /// about its exports.
    #[serde(with = "crate::modules::env::demands_as_pairs")]
    pub export_demands: crate::modules::env::Demands,
    /// A hash of the link pass's answers its findings were made with, if any.
    pub linked_with: Option<String>,
    /// The file was parsed, so `module` is all it imports and exports.
    pub analysed: bool,
    /// How other files reach its sockets, and what its timers and close handlers call
    /// by name (see `crate::semantic::socket_reach`).
    #[serde(default)]
    pub reach: crate::semantic::socket_reach::Reach,
}

impl ProjectFacts {
    pub fn is_empty(&self) -> bool {
        self.sockets.is_empty() && self.servers.is_empty()
    }
}

/// A path that could not be linted, with the reason.
#[derive(Debug, Clone)]
pub struct LintError {
    pub path: String,
    pub message: String,
}

/// Everything a run produced, in a deterministic order.
#[derive(Debug, Default)]
pub struct RunReport {
    /// Every linted file, sorted by path.
    pub files: Vec<FileResult>,
    /// Paths that could not be linted: the run is incomplete (exit status 2).
    pub errors: Vec<LintError>,
    /// Things worth saying that do not make the run incomplete.
    pub notices: Vec<LintError>,
    pub files_scanned: usize,
    pub files_parsed: usize,
    /// Files whose results came from the cache.
    pub files_cached: usize,
    /// The folders that were walked, as shown: every file below them was seen.
    pub walked: Vec<String>,
    /// Where the time went (`--stats`).
    pub stats: Stats,
    /// Files the link asked to analyse for their exports that were over a limit (see
    /// `crate::deadline`): what they export is unknown, and is trusted for nothing.
    pub unanalysable: std::collections::BTreeSet<String>,
}

impl RunReport {
    /// Sorts the files by path, each moved once: a [`FileResult`] is large, and a sort
    /// moves what it sorts many times.
    /// Whether the order changed: positions taken before no longer name the same files.
    pub fn sort_files(&mut self) -> bool {
        if self.files.is_sorted_by(|a, b| a.path <= b.path) {
            return false;
        }
        let mut order: Vec<usize> = (0..self.files.len()).collect();
        order.sort_by(|&a, &b| self.files[a].path.cmp(&self.files[b].path));
        let mut places: Vec<Option<FileResult>> = std::mem::take(&mut self.files)
            .into_iter()
            .map(Some)
            .collect();
        self.files = order
            .into_iter()
            .filter_map(|at| places[at].take())
            .collect();
        true
    }

    /// Each file's position in [`Self::files`], by its path.
    pub fn positions_by_path(&self) -> std::collections::BTreeMap<String, usize> {
        self.files
            .iter()
            .enumerate()
            .map(|(at, file)| (file.path.clone(), at))
            .collect()
    }

    pub fn findings(&self) -> impl Iterator<Item = (&FileResult, &Finding)> {
        self.files
            .iter()
            .flat_map(|file| file.findings.iter().map(move |finding| (file, finding)))
    }

    pub fn count(&self, severity: Severity) -> usize {
        self.findings()
            .filter(|(_, finding)| finding.severity == severity)
            .count()
    }
}

/// A file's size and modification time, as its metadata says.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stamp {
    pub size: u64,
    /// Seconds and nanoseconds since the Unix epoch, when the file system tells.
    pub modified: Option<(u64, u32)>,
}

impl Stamp {
    pub fn of(metadata: &std::fs::Metadata) -> Stamp {
        let modified = metadata
            .modified()
            .ok()
            .and_then(|time| time.duration_since(std::time::UNIX_EPOCH).ok())
            .map(|since| (since.as_secs(), since.subsec_nanos()));
        Stamp {
            size: metadata.len(),
            modified,
        }
    }

    /// The same size and modification time, to the nanosecond: the file is taken to be
    /// unchanged without reading it (ESLint's default cache strategy does the same).
    pub fn unchanged_since(&self, cached: &Stamp) -> bool {
        self.modified.is_some() && self == cached
    }
}

/// Where a run spent its time, for `--stats`.
#[derive(Debug, Default, Clone)]
pub struct Stats {
    /// Each stage of the pipeline, in order, with its wall time.
    pub stages: Vec<(&'static str, std::time::Duration)>,
    /// The CPU time of each stage, summed over the threads, beside `stages` where the
    /// system tells.
    pub stage_cpu: Vec<Option<std::time::Duration>>,
    /// Every file the passes handed out, each time it was handed out.
    pub files: Vec<FileTime>,
}

/// The CPU time the process has used so far, on all its threads.
pub fn process_cpu_time() -> Option<std::time::Duration> {
    #[cfg(unix)]
    {
        let mut time = libc::timespec {
            tv_sec: 0,
            tv_nsec: 0,
        };
        // SAFETY: `time` is a valid, writable timespec for the call to fill.
        let status = unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut time) };
        (status == 0).then(|| {
            std::time::Duration::new(
                u64::try_from(time.tv_sec).unwrap_or(0),
                u32::try_from(time.tv_nsec).unwrap_or(0),
            )
        })
    }
    #[cfg(not(unix))]
    {
        None
    }
}

/// One file linted once, by one pass.
#[derive(Debug, Clone)]
pub struct FileTime {
    pub path: String,
    /// The stage that linted it (see [`Stats::stages`]).
    pub stage: &'static str,
    pub time: std::time::Duration,
    pub bytes: u64,
    pub parsed: bool,
}

/// Config files read besides the run's own files (tsconfig, jsconfig, package.json), by
/// path as read, with their stamp before the first read (`None`: not there). A run's
/// findings depend on them, so the cache's memo of a run keeps them. A process that runs
/// several times (tests) keeps every path read: the memo then checks more files, never
/// fewer.
static CONFIG_READS: std::sync::Mutex<std::collections::BTreeMap<String, Option<Stamp>>> =
    std::sync::Mutex::new(std::collections::BTreeMap::new());

/// Notes that `path` is about to be read as a config file.
pub fn note_config_read(path: &std::path::Path) {
    let mut reads = CONFIG_READS
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let key = path.to_string_lossy();
    if !reads.contains_key(key.as_ref()) {
        let stamp = std::fs::metadata(path)
            .ok()
            .map(|metadata| Stamp::of(&metadata));
        reads.insert(key.into_owned(), stamp);
    }
}

/// Every config file noted so far, with its stamp then.
pub fn config_reads() -> Vec<(String, Option<Stamp>)> {
    CONFIG_READS
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .iter()
        .map(|(path, stamp)| (path.clone(), *stamp))
        .collect()
}
