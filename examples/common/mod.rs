//! What the examples share with a crosswire run: its engine with the default config, and
//! the files it would lint under the given paths.

use std::path::PathBuf;

use crosswire::config::Config;
use crosswire::discover::{DiscoverOptions, discover};
use crosswire::lint::Engine;

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
