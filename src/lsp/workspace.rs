//! The workspace run: every file of the workspace linted as `crosswire ROOT` lints it, the
//! link pass and the project-level passes included, with the open documents' unsaved texts
//! standing for their files (`Engine::overlay`). Each file's facts and findings are kept
//! between runs in the same store `--cache` keeps on disk (`cache::Cache`, here in memory),
//! so a run after one change reads and hashes every file but lints again only the changed
//! ones and those whose imported answers changed.
//!
//! It gives open documents the findings that need other files (imported helpers,
//! `websocket-same-page`), and a change in one document can change another's: the server
//! publishes again every open document whose diagnostics changed.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::config::Config;
use crate::diagnostic::Finding;
use crate::lint::{Engine, Input};

/// How long after a change the workspace run waits for more: it lints more than the one
/// document, so a burst of keystrokes runs it once (the document's own diagnostics do not
/// wait for it).
pub const WORKSPACE_DELAY: Duration = Duration::from_millis(250);

/// A finished run: the engine back, with what it found.
pub(super) struct Done {
    engine: Engine,
    report: crate::results::RunReport,
    entries: Vec<(String, crate::cache::Entry)>,
    texts: HashMap<PathBuf, Arc<[u8]>>,
}

pub(super) struct Workspace {
    /// The client named a workspace folder.
    enabled: bool,
    root: PathBuf,
    /// Built from the config of the workspace's folder, as `crosswire ROOT` run there
    /// would use; `None` until needed, after a config changes, and while a run has it.
    engine: Option<Engine>,
    /// The config file it was built from.
    config_file: Option<PathBuf>,
    /// A config changed during a run: the engine that run gives back is dropped.
    stale_engine: bool,
    /// When to run it next.
    pub(super) due: Option<Instant>,
    /// A run is under way on its own thread.
    pub(super) running: bool,
    /// Where finished runs arrive.
    pub(super) finished: crossbeam_channel::Receiver<Box<Done>>,
    sender: crossbeam_channel::Sender<Box<Done>>,
    /// The findings of the last run, by absolute path.
    findings: HashMap<PathBuf, Vec<Finding>>,
    /// The texts of the open documents that run linted, by path.
    texts: HashMap<PathBuf, Arc<[u8]>>,
}

impl Workspace {
    /// The workspace of `folder`, run first at once; with no folder, never run.
    pub(super) fn new(folder: Option<PathBuf>) -> Workspace {
        let (sender, finished) = crossbeam_channel::unbounded();
        Workspace {
            enabled: folder.is_some(),
            due: folder.is_some().then(Instant::now),
            root: folder.unwrap_or_default(),
            engine: None,
            config_file: None,
            stale_engine: false,
            running: false,
            finished,
            sender,
            findings: HashMap::new(),
            texts: HashMap::new(),
        }
    }

    /// Something changed: run again once changes rest for [`WORKSPACE_DELAY`].
    pub(super) fn touch(&mut self) {
        if self.enabled {
            self.due = Some(Instant::now() + WORKSPACE_DELAY);
        }
    }

    /// A config changed: the next run reads it again and lints every file.
    pub(super) fn reload(&mut self) {
        self.engine = None;
        self.stale_engine = self.running;
    }

    /// Starts a run, on a thread of its own, with `open` (the open documents' texts, by
    /// path) standing for their files; [`Self::finish`] takes in what it found. It lints on
    /// all but one of the CPUs: the documents being edited keep one.
    pub(super) fn start(&mut self, open: HashMap<PathBuf, Arc<[u8]>>) {
        self.due = None;
        self.running = true;
        if self.engine.is_none() {
            self.config_file = Config::find(&self.root);
        }
        let mut engine = self.engine.take().unwrap_or_else(|| {
            let config = self
                .config_file
                .as_deref()
                .and_then(|path| Config::load(path).ok())
                .unwrap_or_else(|| Config::defaults(self.root.clone()));
            let mut engine = Engine::new(config);
            engine.cache = Some(crate::cache::Cache::default());
            engine
        });
        let root = self.root.clone();
        let sender = self.sender.clone();
        let threads = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .saturating_sub(1)
            .max(1);
        let spawned = std::thread::Builder::new()
            .name("crosswire-workspace".into())
            .spawn(move || {
                engine.overlay = open.clone();
                // No memo is kept between workspace runs: unsaved texts stand for files.
                let (report, update) = engine.run_caching(Input::Paths(vec![root]), threads, true);
                engine.overlay.clear();
                let _ = sender.send(Box::new(Done {
                    engine,
                    report,
                    entries: update.entries,
                    texts: open,
                }));
            });
        if spawned.is_err() {
            self.running = false;
        }
    }

    /// Takes in a finished run.
    pub(super) fn finish(&mut self, done: Box<Done>, cwd: &Path) {
        self.running = false;
        let Done {
            mut engine,
            report,
            entries,
            texts,
        } = *done;
        // Results of unsaved texts are not those of the files: they are not kept.
        let unsaved: std::collections::HashSet<String> = texts
            .keys()
            .map(|path| crate::cache::path_key(path, cwd))
            .collect();
        let mut cache = crate::cache::Cache::default();
        cache.files_mut().extend(
            entries
                .into_iter()
                .filter(|(key, _)| !unsaved.contains(key)),
        );
        engine.cache = Some(cache);
        if !std::mem::take(&mut self.stale_engine) {
            self.engine = Some(engine);
        }
        self.findings = report
            .files
            .into_iter()
            .map(|file| (cwd.join(&file.path), file.findings))
            .collect();
        self.texts = texts;
    }
    /// The findings of the last run for the file at `path`, if that run linted `text` for
    /// it (the document's text then is its text now) with the config that file's nearest
    /// one is (a folder with a config of its own is linted with it, one file at a time).
    pub(super) fn findings_for(&self, path: &Path, text: &str) -> Option<&[Finding]> {
        if self.texts.get(path)?.as_ref() != text.as_bytes()
            || Config::find(path.parent()?) != self.config_file
        {
            return None;
        }
        self.findings.get(path).map(Vec::as_slice)
    }

    /// Whether `path` lies in the workspace's folder.
    pub(super) fn contains(&self, path: &Path) -> bool {
        self.enabled && path.starts_with(&self.root)
    }
}
