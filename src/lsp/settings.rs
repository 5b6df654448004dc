//! The config and engine for each file, found as the command line finds them: the nearest
//! `crosswire.toml` above the file (up to the top of its repository), or the defaults;
//! and whether the file is left out, by `[files] ignore` or by the ignore files a walk of
//! the workspace reads (`.gitignore`, `.ignore`, `.git/info/exclude`).
//! Ignore files are read at each lint; a config is read again when its size or
//! modification time changed, or when the client tells of a change (`reload`).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::config::Config;
use crate::lint::Engine;

/// The engines built so far, one per config file (`None`: the defaults).
pub struct Settings {
    /// The workspace's folder: the defaults' root, and where ignore files are read from
    /// outside a repository.
    root: PathBuf,
    /// With the size and modification time of the config each was built from: a config
    /// that changed is read again even when the client does not tell of it.
    engines: HashMap<Option<PathBuf>, (Engine, Option<Stamp>)>,
}

type Stamp = (u64, Option<std::time::SystemTime>);

fn stamp(path: &Path) -> Option<Stamp> {
    let metadata = std::fs::metadata(path).ok()?;
    Some((metadata.len(), metadata.modified().ok()))
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
        let current = config_path.as_deref().and_then(stamp);
        let fresh = self
            .engines
            .get(&config_path)
            .is_some_and(|(_, built_from)| *built_from == current);
        if !fresh {
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
                .insert(config_path.clone(), (Engine::new(config), current));
        }
        let engine = &self.engines[&config_path].0;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Severity;

    const RULE: &str = "postmessage-wildcard-origin";

    fn severity(settings: &mut Settings, file: &Path) -> (Option<Severity>, Option<String>) {
        match settings.for_file(Some(file)) {
            (ForFile::Lint(engine), error) => (Some(engine.config.severity(RULE)), error),
            (ForFile::LeftOut, error) => (None, error),
        }
    }

    #[test]
    fn configs_are_found_read_again_when_they_change_and_leave_files_out() {
        let temp = tempfile::tempdir().unwrap();
        let root = std::fs::canonicalize(temp.path()).unwrap();
        std::fs::create_dir_all(root.join(".git")).unwrap();
        std::fs::create_dir_all(root.join("src/gen")).unwrap();
        let file = root.join("src/app.js");
        let mut settings = Settings::new(root.clone());
        assert_eq!(
            severity(&mut settings, &file),
            (Some(Severity::Error), None)
        );
        // A config appears: the nearest one is used from then on.
        let config = root.join("crosswire.toml");
        std::fs::write(&config, format!("[rules]\n{RULE} = \"warn\"\n")).unwrap();
        assert_eq!(
            severity(&mut settings, &file),
            (Some(Severity::Warning), None)
        );
        // It changes without a word from the client: read again.
        std::fs::write(
            &config,
            format!("[rules]\n{RULE} = \"off\"\n[files]\nignore = [\"gen/\"]\n"),
        )
        .unwrap();
        assert_eq!(severity(&mut settings, &file), (Some(Severity::Off), None));
        assert_eq!(severity(&mut settings, &root.join("src/gen/a.js")).0, None);
        // A broken config is said once, and the defaults lint meanwhile.
        std::fs::write(&config, "[rules\n").unwrap();
        let (level, error) = severity(&mut settings, &file);
        assert_eq!(level, Some(Severity::Error));
        assert!(error.unwrap().contains("default settings"));
        assert_eq!(
            severity(&mut settings, &file),
            (Some(Severity::Error), None)
        );
    }
}
