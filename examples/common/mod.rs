//! What the examples share with a crosswire run: its engine with the default config, and
//! the files it would lint under the given paths.

use std::path::PathBuf;

use crosswire::config::Config;
use crosswire::discover::{DiscoverOptions, discover};
use crosswire::lint::Engine;
use crosswire::prefilter::Verdict;
use crosswire::source::{FileKind, Language};

/// The engine a run with no config file uses, and the files it finds under `roots`.
pub fn engine_and_files(roots: &[PathBuf]) -> (Engine, Vec<PathBuf>) {
    let cwd = std::env::current_dir().expect("a working directory");
    let engine = Engine::new(Config::defaults(cwd));
    let found = discover(
        roots,
        &DiscoverOptions {
            use_ignore_files: true,
            config: &engine.config,
        },
    );
    (engine, found.files)
}

/// The scripts among `files` (not markup files) that the prefilter keeps, read as text.
// Not every example that shares this module reads scripts one by one.
#[allow(dead_code)]
pub fn kept_scripts<'f>(
    engine: &'f Engine,
    files: &'f [PathBuf],
) -> impl Iterator<Item = (&'f PathBuf, Language, String)> + 'f {
    files.iter().filter_map(move |path| {
        let bytes = std::fs::read(path).ok()?;
        let Some(kind @ FileKind::Script(language)) = FileKind::from_path(path) else {
            return None;
        };
        if engine.prefilter_verdict(&bytes, kind) != Verdict::Parse {
            return None;
        }
        Some((path, language, String::from_utf8_lossy(&bytes).into_owned()))
    })
}
