//! Compares the semantic walk's scope resolution with swc's resolver on the plain
//! JavaScript files crosswire's prefilter keeps under the paths given (the corpus of
//! `scripts/bench.sh`, say), and prints where they disagree. `tests/scopes_oracle.rs`
//! does the same on the fixtures.
//!
//! usage: cargo run --release --example scopes_oracle -- [--all] PATH...
//! (`--all`: every JavaScript file, not only those the prefilter keeps)

mod common;

use std::path::PathBuf;

use crosswire::prefilter::Verdict;
use crosswire::semantic::scopes::mismatches_with_swc;
use crosswire::source::{FileKind, Language};

fn main() {
    let all = std::env::args().any(|arg| arg == "--all");
    let roots: Vec<PathBuf> = std::env::args()
        .skip(1)
        .filter(|arg| arg != "--all")
        .map(PathBuf::from)
        .collect();
    let (engine, files) = common::engine_and_files(&roots);
    let (mut checked, mut disagreeing, mut identifiers) = (0, 0, 0);
    for path in &files {
        let Ok(bytes) = std::fs::read(path) else {
            continue;
        };
        let Some(kind @ FileKind::Script(Language::JavaScript)) = FileKind::from_path(path) else {
            continue;
        };
        if !all && engine.prefilter_verdict(&bytes, kind) != Verdict::Parse {
            continue;
        }
        let Ok(text) = String::from_utf8(bytes) else {
            continue;
        };
        let Some(problems) = mismatches_with_swc(&text) else {
            continue;
        };
        checked += 1;
        if !problems.is_empty() {
            disagreeing += 1;
            identifiers += problems.len();
            println!("{}: {} identifiers", path.display(), problems.len());
            for problem in problems.iter().take(5) {
                println!("    {problem}");
            }
        }
    }
    println!(
        "{checked} files compared; {disagreeing} disagree with swc's resolver on {identifiers} identifiers"
    );
}
