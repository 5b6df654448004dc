//! Checks, on every script crosswire's prefilter keeps under the paths given, that the
//! semantic pass finds the same facts when it passes over cold functions as when it
//! walks everything (see `src/semantic/cold.rs`), and reports how often it needed a
//! second round or a full walk. Run it on a corpus after changing the needles or a
//! recorder of the walk.
//!
//! usage: cargo run --release --example cold_check -- PATH...

mod common;

use std::path::PathBuf;

#[global_allocator]
static GLOBAL: crosswire::alloc::Allocator = crosswire::alloc::Allocator;

fn main() {
    let roots: Vec<PathBuf> = std::env::args().skip(1).map(PathBuf::from).collect();
    let (engine, files) = common::engine_and_files(&roots);
    let mut checked = 0;
    let mut differing = 0;
    let mut in_full = 0;
    let mut by_rounds = [0usize; 4];
    for (path, language, text) in common::kept_scripts(&engine, &files) {
        let name = path.display().to_string();
        // Parsing recurses once per nesting level, as on crosswire's own threads.
        let outcome = std::thread::Builder::new()
            .stack_size(crosswire::stack::WORKER_STACK_BYTES)
            .spawn(move || {
                crosswire::parse::with_globals(|| {
                    let parsed = crosswire::parse::parse_script(&text, 0, language).ok()?;
                    Some(crosswire::semantic::skipping_differs(
                        &parsed, &text, 0, &name,
                    ))
                })
            })
            .expect("the thread starts")
            .join()
            .expect("the analysis does not panic");
        let Some((report, difference)) = outcome else {
            continue;
        };
        checked += 1;
        by_rounds[report.rounds.min(3)] += 1;
        in_full += usize::from(report.walked_in_full);
        if let Some(difference) = difference {
            differing += 1;
            println!("{}: the facts differ\n{difference}\n", path.display());
        }
    }
    println!(
        "{checked} scripts: {differing} with different facts; {} took one round, {} two, \
         {} three; {in_full} were walked in full after them",
        by_rounds[1], by_rounds[2], by_rounds[3]
    );
    if differing > 0 {
        std::process::exit(1);
    }
}
