//! The whole per-file pipeline on arbitrary bytes: prefilter, parse, facts, every rule,
//! every reporter, for every file kind crosswire reads, and the config parser.
//! The first byte picks the kind; the rest is the file.
#![no_main]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use crosswire::config::Config;
use crosswire::lint::Engine;
use crosswire::results::RunReport;
use crosswire::report::{Format, RenderOptions, render};
use crosswire::source::FileKind;
use libfuzzer_sys::fuzz_target;

const NAMES: &[&str] = &[
    "f.js", "f.jsx", "f.ts", "f.tsx", "f.html", "f.vue", "f.svelte", "f.astro", "crosswire.toml",
];

fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| {
        let mut engine = Engine::new(Config::defaults(PathBuf::from(".")));
        // Parse everything, not only files with trigger words.
        engine.read_everything = true;
        engine
    })
}

fuzz_target!(|data: &[u8]| {
    // libfuzzer's hook aborts on every panic, even one crosswire catches on purpose: the
    // parser's, which crosswire reports as a parse error (see `parse::in_parser`).
    static QUIET: std::sync::Once = std::sync::Once::new();
    QUIET.call_once(crosswire::parse::quiet_parser_panics);
    let Some((&selector, body)) = data.split_first() else {
        return;
    };
    let name = NAMES[selector as usize % NAMES.len()];
    let body = body.to_vec();
    // A stack on which crosswire never switches to a segment of its own
    // (`stack::with_room`) for inputs up to 4 MB: AddressSanitizer does not follow such a
    // switch and reports stale poison there as a stack-buffer-overflow (seen on a 2.6 MB
    // input that the release build lints cleanly). The segments are tested without ASan.
    std::thread::Builder::new()
        .stack_size(1 << 30)
        .spawn(move || {
            if name.ends_with(".toml") {
                let _ = Config::parse(&String::from_utf8_lossy(&body), name, PathBuf::from("."));
                return;
            }
            let kind = FileKind::from_path(Path::new(name)).expect("a kind crosswire reads");
            // The engine parses everything (for coverage); the prefilter still runs.
            let _ = engine().prefilter_verdict(&body, kind);
            // A file past its work budget unwinds with `deadline::TimedOut`, which the run
            // turns into a skip with a note (`Engine::lint_guarded`): not a crash.
            let file = match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                engine().lint_bytes(name.to_string(), body, kind)
            })) {
                Ok(file) => file,
                Err(panic) if panic.is::<crosswire::deadline::TimedOut>() => return,
                Err(panic) => std::panic::resume_unwind(panic),
            };
            let report = RunReport {
                files_scanned: 1,
                files: vec![file],
                ..RunReport::default()
            };
            let options = RenderOptions {
                color: false,
                width: 100,
            };
            for format in [Format::Pretty, Format::Compact, Format::Json, Format::Sarif, Format::Github] {
                render(format, &report, &options, &mut Vec::new()).expect("rendering to memory");
            }
        })
        .expect("thread starts")
        .join()
        .expect("the pipeline does not panic");
});
