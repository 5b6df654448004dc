//! The config and engine for each file, found as the command line finds them: the nearest
//! `crosswire.toml` above the file (up to the top of its repository), or the defaults;
//! and whether the file is left out, by `[files] ignore` or by the ignore files a walk of
//! the workspace reads (`.gitignore`, `.ignore`, `.git/info/exclude`).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::config::Config;
use crate::lint::Engine;

/// The engines built so far, one per config file (`None`: the defaults).
pub struct Settings {
    /// The workspace's folder: the defaults' root, and where ignore files are read from
    /// outside a repository.
    root: PathBuf,
    engines: HashMap<Option<PathBuf>, Engine>,
}

/// What to do with one file.
pub enum ForFile<'a> {
    Lint(&'a Engine),
    /// Left out, as a run over the workspace would leave it out.
    LeftOut,
}

impl Settings {
    pub fn new(root: PathBuf) -> Settings {
        Settings {
            root,
            engines: HashMap::new(),
        }
    }

    /// Forgets every config read: each is read again when next needed.
    pub fn reload(&mut self) {
        self.engines.clear();
    }

    /// The engine for a file at `path` (an absolute path; `None` for a buffer never
    /// saved), and the error of its config when that could not be read, in which case the
    /// defaults lint the file until the config is fixed.
    pub fn for_file(&mut self, path: Option<&Path>) -> (ForFile<'_>, Option<String>) {
        let config_path = path.and_then(|path| Config::find(path.parent()?));
        let mut error = None;
        if !self.engines.contains_key(&config_path) {
            let config = match &config_path {
                Some(found) => Config::load(found).unwrap_or_else(|problem| {
                    error = Some(format!(
                        "{}; crosswire uses its default settings until it is fixed",
                        describe(&problem)
                    ));
                    Config::defaults(self.root.clone())
                }),
                None => Config::defaults(self.root.clone()),
            };
            self.engines
                .insert(config_path.clone(), Engine::new(config));
        }
        let engine = &self.engines[&config_path];
        let left_out = path.is_some_and(|path| {
            engine.config.is_ignored(path) || crate::discover::walk_leaves_out(path, &self.root)
        });
        if left_out {
            (ForFile::LeftOut, error)
        } else {
            (ForFile::Lint(engine), error)
        }
    }
}

/// A config error and those after it, on one line each.
fn describe(error: &crate::config::ConfigError) -> String {
    let mut text = error.message.clone();
    if let Some(help) = &error.help {
        text.push_str(&format!(" (help: {help})"));
    }
    for more in &error.more {
        text.push_str("; ");
        text.push_str(&describe(more));
    }
    text
}
