//! The semantic pass alone on one script, parsed once and analyzed N times: the best
//! time, for comparing two builds on a noisy machine (run both, interleaved, a few
//! times each; see README's Development section). Profile it with `perf record` to
//! see the pass without the parse around it.
//!
//! usage: cargo run --release --example semantic_loop -- FILE [N]

use crosswire::source::{FileKind, Language};

#[global_allocator]
static GLOBAL: crosswire::alloc::Allocator = crosswire::alloc::Allocator;

fn main() {
    crosswire::alloc::avoid_transparent_huge_pages();
    let mut args = std::env::args().skip(1);
    let path = args.next().expect("usage: semantic_loop FILE [N]");
    let runs: usize = args
        .next()
        .map_or(10, |n| n.parse().expect("N is a number"));
    let language = match FileKind::from_path(std::path::Path::new(&path)) {
        Some(FileKind::Script(language)) => language,
        _ => Language::JavaScript,
    };
    let text = std::fs::read_to_string(&path).expect("the file reads as UTF-8");
    // Parsing recurses once per nesting level, as on crosswire's own threads.
    std::thread::Builder::new()
        .stack_size(crosswire::stack::WORKER_STACK_BYTES)
        .spawn(move || {
            crosswire::parse::with_globals(|| {
                let parsed = crosswire::parse::parse_script(&text, 0, language)
                    .unwrap_or_else(|error| panic!("{path}: {}", error.message));
                let best = (0..runs)
                    .map(|_| {
                        let start = std::time::Instant::now();
                        let facts = crosswire::semantic::analyze(&parsed, &text, 0, &path);
                        let elapsed = start.elapsed();
                        drop(facts);
                        elapsed
                    })
                    .min()
                    .unwrap_or_default();
                println!("best {:.1} ms", best.as_secs_f64() * 1e3);
            })
        })
        .expect("the thread starts")
        .join()
        .expect("the analysis does not panic");
}
