//! The floor `scripts/bench.sh` compares crosswire with: swc parsing exactly the files (and
//! markup script blocks) crosswire's prefilter keeps, on the same threads in the same
//! order, and nothing else: no scopes, no facts, no rules, no report.
//!
//! usage: cargo run --release --example parse_only -- [-j N] [--list FILE] PATH...
//!
//! `--list FILE` writes the path of each script file it parses (not markup), one a line:
//! the input of `scripts/parser-probe`, which times another parser on the same files.

mod common;

use std::path::PathBuf;

use crosswire::prefilter::Verdict;
use crosswire::schedule::map_largest_first;
use crosswire::source::FileKind;
use swc_common::BytePos;
use swc_ecma_parser::{Parser, StringInput};

#[global_allocator]
static GLOBAL: crosswire::alloc::Allocator = crosswire::alloc::Allocator;

fn main() {
    // The same memory settings as crosswire itself.
    crosswire::alloc::avoid_transparent_huge_pages();
    let mut threads = 2;
    let mut roots = Vec::new();
    let mut list = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        if arg == "-j" {
            threads = args.next().and_then(|n| n.parse().ok()).expect("-j N");
        } else if arg == "--list" {
            list = Some(PathBuf::from(args.next().expect("--list FILE")));
        } else if arg.starts_with('-') {
            eprintln!(
                "parse_only: unknown option {arg}\nusage: parse_only [-j N] [--list FILE] PATH..."
            );
            std::process::exit(2);
        } else {
            roots.push(PathBuf::from(arg));
        }
    }
    let (engine, files) = common::engine_and_files(&roots);
    let sizes: Vec<u64> = files
        .iter()
        .map(|path| std::fs::metadata(path).map_or(0, |metadata| metadata.len()))
        .collect();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .stack_size(crosswire::stack::WORKER_STACK_BYTES)
        .build()
        .expect("the thread pool starts");
    let parsed = map_largest_first(&pool, &sizes, crosswire::lint::BUDGET, |index| {
        let path = &files[index];
        let Ok(bytes) = std::fs::read(path) else {
            return false;
        };
        let kind = FileKind::from_path(path).expect("discovered files have a kind");
        if engine.prefilter_verdict(&bytes, kind) != Verdict::Parse {
            return false;
        }
        let text = String::from_utf8_lossy(&bytes);
        let (blocks, _) = crosswire::embedded::split(kind, &text);
        for block in blocks {
            let code = block
                .decoded
                .as_deref()
                .unwrap_or(&text[block.range.clone()]);
            let end = BytePos(1 + code.len() as u32);
            let input = StringInput::new(code, BytePos(1), end);
            let syntax = crosswire::parse::syntax_for(block.language);
            drop(Parser::new(syntax, input, None).parse_program());
        }
        true
    });
    if let Some(list) = list {
        let scripts: String = files
            .iter()
            .zip(&parsed)
            .filter(|(path, parsed)| {
                **parsed && matches!(FileKind::from_path(path), Some(FileKind::Script(_)))
            })
            .map(|(path, _)| format!("{}\n", path.display()))
            .collect();
        std::fs::write(&list, scripts).expect("the list is written");
    }
    println!(
        "scanned {} files, parsed {}",
        files.len(),
        parsed.iter().filter(|&&parsed| parsed).count()
    );
}
