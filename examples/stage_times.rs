//! What each stage of linting costs, summed over the scripts crosswire's prefilter keeps
//! under the paths given: swc's parse, dropping the tree, a walk that does nothing (the
//! least any pass over the tree costs), swc's scope resolution (TypeScript and Flow only:
//! the semantic pass resolves plain JavaScript as it walks), and crosswire's semantic
//! pass. Single-threaded, in-process, the best of three runs of each stage per file, so
//! that the stages can be compared with one another on a noisy machine
//! (`scripts/bench.sh` measures whole runs). Script blocks of markup files are left out.
//!
//! usage: cargo run --release --example stage_times -- PATH...

mod common;

use std::path::PathBuf;
use std::time::Instant;

use crosswire::source::Language;
use swc_common::{BytePos, GLOBALS, Globals, Mark};
use swc_ecma_ast::Program;
use swc_ecma_parser::{Parser, StringInput};
use swc_ecma_transforms_base::resolver;
use swc_ecma_visit::{Visit, VisitWith};

#[global_allocator]
static GLOBAL: crosswire::alloc::Allocator = crosswire::alloc::Allocator;

const STAGES: [&str; 5] = [
    "parse",
    "drop",
    "empty walk",
    "TS resolver",
    "semantic pass",
];

struct EmptyWalk;
impl Visit for EmptyWalk {}

fn main() {
    // The same memory settings as crosswire itself.
    crosswire::alloc::avoid_transparent_huge_pages();
    let roots: Vec<PathBuf> = std::env::args().skip(1).map(PathBuf::from).collect();
    let (engine, files) = common::engine_and_files(&roots);
    let mut totals = [0.0; STAGES.len()];
    let mut timed = 0;
    for (path, language, text) in common::kept_scripts(&engine, &files) {
        let Some(times) = stage_times(text, language, path.to_string_lossy().into_owned()) else {
            eprintln!(
                "{}: does not parse as plain JavaScript or TypeScript (Flow?); left out",
                path.display()
            );
            continue;
        };
        timed += 1;
        for (total, time) in totals.iter_mut().zip(times) {
            *total += time;
        }
    }
    println!(
        "{timed} of {} files, best of 3 per stage and file, single-threaded:",
        files.len()
    );
    for (stage, total) in STAGES.iter().zip(totals) {
        println!("  {stage:>13}: {:8.1} ms", total * 1e3);
    }
}

/// The best of three runs of each stage on one script, in seconds.
fn stage_times(text: String, language: Language, path: String) -> Option<[f64; STAGES.len()]> {
    // Parsing recurses once per nesting level, as on crosswire's own threads.
    std::thread::Builder::new()
        .stack_size(crosswire::stack::WORKER_STACK_BYTES)
        .spawn(move || {
            GLOBALS.set(&Globals::new(), || {
                let parse = || -> Option<Program> {
                    let end = BytePos(1 + text.len() as u32);
                    let input = StringInput::new(&text, BytePos(1), end);
                    let syntax = crosswire::parse::syntax_for(language);
                    Parser::new(syntax, input, None).parse_program().ok()
                };
                parse()?;
                let best = |stage: &mut dyn FnMut() -> f64| {
                    (0..3).map(|_| stage()).fold(f64::MAX, f64::min)
                };
                let parse_time = best(&mut || {
                    let start = Instant::now();
                    let program = parse();
                    let elapsed = start.elapsed().as_secs_f64();
                    drop(program);
                    elapsed
                });
                let drop_time = best(&mut || {
                    let program = parse();
                    let start = Instant::now();
                    drop(program);
                    start.elapsed().as_secs_f64()
                });
                let walk_time = best(&mut || {
                    let Some(program) = parse() else { return 0.0 };
                    let start = Instant::now();
                    program.visit_with(&mut EmptyWalk);
                    start.elapsed().as_secs_f64()
                });
                // Plain JavaScript is resolved by the semantic pass itself.
                let resolver_time = best(&mut || {
                    let Some(mut program) = parse().filter(|_| language != Language::JavaScript)
                    else {
                        return 0.0;
                    };
                    let start = Instant::now();
                    program.mutate(resolver(Mark::new(), Mark::new(), true));
                    start.elapsed().as_secs_f64()
                });
                let semantic_time = best(&mut || {
                    let Ok(parsed) = crosswire::parse::parse_script(&text, 0, language) else {
                        return 0.0;
                    };
                    let start = Instant::now();
                    let facts = crosswire::semantic::analyze(&parsed, &text, 0, &path);
                    let elapsed = start.elapsed().as_secs_f64();
                    drop(facts);
                    elapsed
                });
                Some([
                    parse_time,
                    drop_time,
                    walk_time,
                    resolver_time,
                    semantic_time,
                ])
            })
        })
        .ok()?
        .join()
        .ok()?
}
