//! The shapes that break linters rather than parsers: code nested to any depth in any form,
//! lines of any length, many functions with findings, many directives. A structured
//! generator builds them, so that inputs of megabytes are reached at once; the pipeline
//! and every reporter must neither crash nor hang on them.
#![no_main]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use crosswire::config::Config;
use crosswire::lint::Engine;
use crosswire::results::RunReport;
use crosswire::report::{Format, RenderOptions, render};
use crosswire::source::FileKind;
use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;

const NAMES: &[&str] = &["f.js", "f.jsx", "f.ts", "f.tsx", "f.html", "f.vue", "f.svelte"];

/// Ways code nests: opened `count` times, then closed if `close`.
const NESTINGS: &[(&str, &str)] = &[
    ("[", "]"),
    ("(", ")"),
    ("{a:", "}"),
    ("{", "}"),
    ("function(){return ", "}"),
    ("a=>", ""),
    ("!", ""),
    ("a=", ""),
    ("a?b:", ""),
    ("`${", "}`"),
    ("if(a)", ""),
    ("else if(a)x;", ""),
    ("+1", ""),
    (".b", ""),
    ("()", ""),
    ("``", ""),
    ("<a>", "</a>"),
    ("!", ""),
    ("A<", ">"),
    ("[]", ""),
    ("<div>", "</div>"),
    ("/*", "*/"),
    ("'", "'"),
];

/// Pieces of code with findings, handlers and directives, repeated.
const PIECES: &[&str] = &[
    "parent.postMessage(data, \"*\");",
    "function h(b){b.postMessage(c,\"*\")};",
    "window.addEventListener(\"message\", e => { document.body.innerHTML = e.data; });",
    "const ws = new WebSocket(\"ws://example.com\"); ws.send(1);",
    "// crosswire-ignore-next-line postmessage-wildcard-origin -- ok\n",
    "<script>parent.postMessage(1,'*')</script>",
    "<iframe src=\"/x.html\" onload=\"this.contentWindow.postMessage(1,'*')\"></iframe>",
    "\t",
    "\n",
    "é",
    "\u{202e}",
];

#[derive(Debug, Arbitrary)]
enum Part {
    Nest { form: u8, count: u32, close: bool, middle: u8 },
    Repeat { piece: u8, count: u16 },
    Pad { byte: u8, count: u32 },
    Raw(Vec<u8>),
}

#[derive(Debug, Arbitrary)]
struct Shape {
    name: u8,
    parts: Vec<Part>,
}

const MAX_BYTES: usize = 4 * 1024 * 1024;

impl Shape {
    fn build(&self) -> Vec<u8> {
        let mut out = Vec::new();
        for part in &self.parts {
            if out.len() > MAX_BYTES {
                break;
            }
            let room = MAX_BYTES - out.len();
            match part {
                Part::Nest { form, count, close, middle } => {
                    let (open, shut) = NESTINGS[*form as usize % NESTINGS.len()];
                    let count = (*count as usize % 400_000).min(room / open.len().max(1) / 2);
                    out.extend(open.repeat(count).bytes());
                    out.extend(PIECES[*middle as usize % PIECES.len()].bytes());
                    if *close {
                        out.extend(shut.repeat(count).bytes());
                    }
                }
                Part::Repeat { piece, count } => {
                    let piece = PIECES[*piece as usize % PIECES.len()];
                    let count = (*count as usize).min(room / piece.len().max(1));
                    out.extend(piece.repeat(count).bytes());
                }
                Part::Pad { byte, count } => {
                    let count = (*count as usize % 200_000).min(room);
                    out.extend(std::iter::repeat_n(*byte, count));
                }
                Part::Raw(bytes) => out.extend(bytes.iter().take(room)),
            }
        }
        out
    }
}

fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| {
        let mut engine = Engine::new(Config::defaults(PathBuf::from(".")));
        engine.read_everything = true;
        engine
    })
}

fuzz_target!(|shape: Shape| {
    static QUIET: std::sync::Once = std::sync::Once::new();
    QUIET.call_once(crosswire::parse::quiet_parser_panics);
    let name = NAMES[shape.name as usize % NAMES.len()];
    let body = shape.build();
    // To see what an artifact builds: SHAPES_DUMP=file cargo fuzz run shapes ARTIFACT
    if let Some(path) = std::env::var_os("SHAPES_DUMP") {
        std::fs::write(path, &body).expect("the dump is written");
    }
    // A stack on which crosswire never switches to a segment of its own
    // (`stack::with_room`) for inputs up to 4 MB: AddressSanitizer does not follow such a
    // switch and reports stale poison there as a stack-buffer-overflow (seen on a 2.6 MB
    // input that the release build lints cleanly). The segments are tested without ASan.
    std::thread::Builder::new()
        .stack_size(1 << 30)
        .spawn(move || {
            let kind = FileKind::from_path(Path::new(name)).expect("a kind crosswire reads");
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
            let options = RenderOptions { color: false, width: 100 };
            for format in [Format::Pretty, Format::Compact, Format::Json, Format::Sarif, Format::Github] {
                render(format, &report, &options, &mut Vec::new()).expect("rendering to memory");
            }
        })
        .expect("thread starts")
        .join()
        .expect("the pipeline does not panic");
});
