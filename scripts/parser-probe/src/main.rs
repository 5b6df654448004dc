//! Single-threaded parse and drop timings: swc_ecma_parser 47 (crosswire's parser, with
//! crosswire's syntax choice) against oxc_parser, on the same files held in memory.
//!
//! usage: parser-probe [--rounds N] [--report FILE] NAME=LIST...
//!   LIST is a file of absolute paths, one a line; NAME labels it in the output.
//!
//! Per corpus: read every file into memory, run an untimed check pass (which also warms
//! up both parsers) that records which files each parser accepts, then N timed rounds, the
//! order of the variants alternating from round to round. Each file is parsed and its tree
//! dropped before the next file, as crosswire does; parse and drop are timed separately
//! per file with `Instant` and summed.
//!
//! Variants:
//! - swc:       `Parser::new(syntax_for(lang), StringInput, None).parse_program()`, then
//!   `take_errors()`; drop = dropping the `Program`. For `.js`/`.mjs`/`.cjs`/`.jsx`
//!   files whose parse fails, crosswire retries with swc's Flow syntax; that retry is timed
//!   apart ("swc flow retry") and is not in the swc parse column.
//! - oxc fresh: a new `Allocator` per file; drop = dropping the `ParserReturn` and the
//!   `Allocator` (its arena chunks go back to mimalloc).
//! - oxc reset: one `Allocator` for the whole corpus; drop = dropping the `ParserReturn`
//!   and `Allocator::reset()` (keeps the largest chunk for the next file).

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use swc_common::BytePos;
use crosswire::source::Language;
use swc_ecma_parser::{Parser, StringInput, Syntax};

#[global_allocator]
static GLOBAL: crosswire::alloc::Allocator = crosswire::alloc::Allocator;

/// The one parsing thread gets the stack of crosswire's workers.
const STACK_BYTES: usize = crosswire::stack::WORKER_STACK_BYTES;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Lang {
    /// .js .mjs .cjs .jsx: crosswire's `Language::JavaScript` (JSX on).
    Js,
    /// .ts .mts .cts
    Ts,
    /// .tsx
    Tsx,
}

struct File {
    path: PathBuf,
    text: String,
    lang: Lang,
}

fn lang_of(path: &Path) -> Option<Lang> {
    let name = path.file_name()?.to_string_lossy().to_ascii_lowercase();
    match name.rsplit_once('.')?.1 {
        "js" | "mjs" | "cjs" | "jsx" => Some(Lang::Js),
        "ts" | "mts" | "cts" => Some(Lang::Ts),
        "tsx" => Some(Lang::Tsx),
        _ => None,
    }
}

/// crosswire's syntax for the language.
fn swc_syntax(lang: Lang) -> Syntax {
    crosswire::parse::syntax_for(match lang {
        Lang::Js => Language::JavaScript,
        Lang::Ts => Language::TypeScript,
        Lang::Tsx => Language::Tsx,
    })
}

/// oxc's source type: `SourceType::from_path`, then for JavaScript JSX on and module
/// kind unambiguous (module or script, as swc's `parse_program`).
fn oxc_source_type(file: &File) -> oxc_span::SourceType {
    let base = oxc_span::SourceType::from_path(&file.path).expect("a JS/TS extension");
    match file.lang {
        Lang::Js => base.with_jsx(true).with_unambiguous(true),
        Lang::Ts | Lang::Tsx => base,
    }
}

fn oxc_options(file: &File) -> oxc_parser::ParseOptions {
    oxc_parser::ParseOptions {
        // As crosswire's EsSyntax; swc's TsSyntax has no such switch (and rejects it).
        allow_return_outside_function: file.lang == Lang::Js,
        ..Default::default()
    }
}

// ---------------------------------------------------------------------------------------
// One parse of one file, timed.

#[derive(Clone, Copy, Default)]
struct Times {
    parse: Duration,
    drop: Duration,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Outcome {
    /// Parsed, no error at all.
    Clean,
    /// A tree, with recoverable errors (swc: `take_errors`; oxc: diagnostics, not panicked).
    Recovered,
    /// No tree: swc returned `Err`, oxc `panicked`.
    Failed,
    /// The parser panicked (Rust panic, caught).
    Panicked,
}

impl Outcome {
    fn accepted(self) -> bool {
        matches!(self, Outcome::Clean | Outcome::Recovered)
    }
}

/// swc with `syntax`; returns the outcome and the first error message.
fn swc_once(text: &str, syntax: Syntax, times: &mut Times) -> (Outcome, Option<String>) {
    let start = Instant::now();
    let result = catch_unwind(AssertUnwindSafe(|| {
        let end = BytePos(1 + text.len() as u32);
        let input = StringInput::new(text, BytePos(1), end);
        let mut parser = Parser::new(syntax, input, None);
        let program = parser.parse_program();
        let recovered = parser.take_errors();
        (program, recovered)
    }));
    let parsed = Instant::now();
    times.parse += parsed - start;
    let outcome = match &result {
        Err(_) => (Outcome::Panicked, Some("panic".to_owned())),
        Ok((Err(error), _)) => (Outcome::Failed, Some(error.kind().msg().into_owned())),
        Ok((Ok(_), recovered)) if !recovered.is_empty() => (
            Outcome::Recovered,
            Some(recovered[0].kind().msg().into_owned()),
        ),
        Ok((Ok(_), _)) => (Outcome::Clean, None),
    };
    let before_drop = Instant::now();
    drop(result);
    times.drop += before_drop.elapsed();
    outcome
}

fn oxc_result(ret: &oxc_parser::ParserReturn) -> (Outcome, Option<String>) {
    let first = ret.diagnostics.first().map(|d| d.to_string());
    if ret.panicked {
        (Outcome::Failed, first)
    } else if ret.diagnostics.has_errors() {
        (Outcome::Recovered, first)
    } else {
        (Outcome::Clean, None)
    }
}

/// oxc with a fresh allocator, dropped after.
fn oxc_fresh_once(file: &File, times: &mut Times) -> (Outcome, Option<String>, bool) {
    let start = Instant::now();
    let allocator = oxc_allocator::Allocator::new();
    let result = catch_unwind(AssertUnwindSafe(|| {
        oxc_parser::Parser::new(&allocator, &file.text, oxc_source_type(file))
            .with_options(oxc_options(file))
            .parse()
    }));
    let parsed = Instant::now();
    times.parse += parsed - start;
    let outcome = match &result {
        Err(_) => (Outcome::Panicked, Some("panic".to_owned()), false),
        Ok(ret) => {
            let (outcome, message) = oxc_result(ret);
            (outcome, message, ret.is_flow_language)
        }
    };
    let before_drop = Instant::now();
    drop(result);
    drop(allocator);
    times.drop += before_drop.elapsed();
    outcome
}

/// oxc with a reused allocator, reset after.
fn oxc_reset_once(
    allocator: &mut oxc_allocator::Allocator,
    file: &File,
    times: &mut Times,
) -> Outcome {
    let start = Instant::now();
    let result = catch_unwind(AssertUnwindSafe(|| {
        oxc_parser::Parser::new(allocator, &file.text, oxc_source_type(file))
            .with_options(oxc_options(file))
            .parse()
    }));
    let parsed = Instant::now();
    times.parse += parsed - start;
    let outcome = match &result {
        Err(_) => Outcome::Panicked,
        Ok(ret) => oxc_result(ret).0,
    };
    let before_drop = Instant::now();
    drop(result);
    allocator.reset();
    times.drop += before_drop.elapsed();
    outcome
}

// ---------------------------------------------------------------------------------------
// Rounds.

#[derive(Clone, Copy, PartialEq, Eq)]
enum Variant {
    Swc,
    OxcFresh,
    OxcReset,
}

#[derive(Default, Clone, Copy)]
struct RoundResult {
    times: Times,
    /// swc only: the Flow retries of JavaScript that failed (parse + drop).
    flow_retry: Duration,
    failed: usize,
}

fn run_swc(files: &[File]) -> RoundResult {
    let mut result = RoundResult::default();
    for file in files {
        let (outcome, _) = swc_once(&file.text, swc_syntax(file.lang), &mut result.times);
        if !outcome.accepted() {
            result.failed += 1;
            if file.lang == Lang::Js {
                let mut retry = Times::default();
                swc_once(&file.text, crosswire::parse::flow_syntax(), &mut retry);
                result.flow_retry += retry.parse + retry.drop;
            }
        }
    }
    result
}

fn run_oxc_fresh(files: &[File]) -> RoundResult {
    let mut result = RoundResult::default();
    for file in files {
        let (outcome, _, _) = oxc_fresh_once(file, &mut result.times);
        if !outcome.accepted() {
            result.failed += 1;
        }
    }
    result
}

fn run_oxc_reset(files: &[File]) -> RoundResult {
    let mut result = RoundResult::default();
    let mut allocator = oxc_allocator::Allocator::new();
    for file in files {
        if !oxc_reset_once(&mut allocator, file, &mut result.times).accepted() {
            result.failed += 1;
        }
    }
    let before_drop = Instant::now();
    drop(allocator);
    result.times.drop += before_drop.elapsed();
    result
}

fn run(variant: Variant, files: &[File]) -> RoundResult {
    match variant {
        Variant::Swc => run_swc(files),
        Variant::OxcFresh => run_oxc_fresh(files),
        Variant::OxcReset => run_oxc_reset(files),
    }
}

// ---------------------------------------------------------------------------------------
// The untimed check pass: what each parser accepts.

#[derive(Default)]
struct Check {
    swc_clean: usize,
    swc_recovered: usize,
    swc_failed: usize,
    swc_panicked: usize,
    /// JavaScript that swc rejects with crosswire's syntax and accepts with Flow.
    swc_flow_rescued: usize,
    oxc_clean: usize,
    oxc_recovered: usize,
    oxc_failed: usize,
    oxc_panicked: usize,
    oxc_flow_detected: usize,
    /// swc (crosswire's way, with the Flow retry) accepts, oxc gives no tree (panicked).
    swc_yes_oxc_failed: usize,
    /// ... of which swc needed the Flow retry.
    swc_yes_oxc_failed_flow: usize,
    /// swc accepts, oxc gives a tree but with error diagnostics.
    swc_yes_oxc_recovered: usize,
    swc_yes_oxc_recovered_flow: usize,
    /// oxc accepts cleanly, swc (even with Flow) rejects.
    oxc_yes_swc_no: usize,
    /// Lines for the disagreement log.
    log: Vec<String>,
}

fn check(files: &[File]) -> Check {
    let mut c = Check::default();
    for file in files {
        let mut scratch = Times::default();
        let (swc, swc_message) = swc_once(&file.text, swc_syntax(file.lang), &mut scratch);
        let mut via_flow = false;
        let mut flow_message = None;
        match swc {
            Outcome::Clean => c.swc_clean += 1,
            Outcome::Recovered => c.swc_recovered += 1,
            Outcome::Failed => c.swc_failed += 1,
            Outcome::Panicked => c.swc_panicked += 1,
        }
        if !swc.accepted() && file.lang == Lang::Js {
            let (flow, message) = swc_once(&file.text, crosswire::parse::flow_syntax(), &mut scratch);
            if flow.accepted() {
                via_flow = true;
                c.swc_flow_rescued += 1;
            }
            flow_message = message;
        }
        let swc_accepts = swc.accepted() || via_flow;
        let (oxc, oxc_message, flow_detected) = oxc_fresh_once(file, &mut scratch);
        match oxc {
            Outcome::Clean => c.oxc_clean += 1,
            Outcome::Recovered => c.oxc_recovered += 1,
            Outcome::Failed => c.oxc_failed += 1,
            Outcome::Panicked => c.oxc_panicked += 1,
        }
        if flow_detected {
            c.oxc_flow_detected += 1;
        }
        let oxc_rejects_hard = matches!(oxc, Outcome::Failed | Outcome::Panicked);
        if swc_accepts && oxc_rejects_hard {
            c.swc_yes_oxc_failed += 1;
            if via_flow {
                c.swc_yes_oxc_failed_flow += 1;
            }
        }
        if swc_accepts && oxc == Outcome::Recovered {
            c.swc_yes_oxc_recovered += 1;
            if via_flow {
                c.swc_yes_oxc_recovered_flow += 1;
            }
        }
        if oxc == Outcome::Clean && !swc_accepts {
            c.oxc_yes_swc_no += 1;
        }
        if swc != Outcome::Clean || oxc != Outcome::Clean {
            let one_line = |m: Option<String>| {
                m.map(|m| m.replace('\n', " ").chars().take(160).collect::<String>())
                    .unwrap_or_default()
            };
            c.log.push(format!(
                "{}\n  swc: {:?}{} {}\n  swc flow retry: {}\n  oxc: {:?}{} {}",
                file.path.display(),
                swc,
                if via_flow { " (accepted with Flow)" } else { "" },
                one_line(swc_message),
                one_line(flow_message),
                oxc,
                if flow_detected { " (is_flow_language)" } else { "" },
                one_line(oxc_message),
            ));
        }
    }
    c
}

// ---------------------------------------------------------------------------------------

struct Stat {
    median: f64,
    min: f64,
    max: f64,
}

fn stat(values: &[f64]) -> Stat {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    let n = v.len();
    let median = if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    };
    Stat {
        median,
        min: v[0],
        max: v[n - 1],
    }
}

fn fmt_stat(s: &Stat) -> String {
    format!("{:.3} ({:.3}–{:.3})", s.median, s.min, s.max)
}

fn load(list: &Path) -> Vec<File> {
    let text = std::fs::read_to_string(list).expect("the list reads");
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .map(|line| {
            let path = PathBuf::from(line);
            let lang = lang_of(&path).unwrap_or_else(|| panic!("no language for {line}"));
            let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{line}: {e}"));
            // As crosswire: lossy, so that a stray byte does not drop the file.
            let text = String::from_utf8_lossy(&bytes).into_owned();
            File { path, text, lang }
        })
        .collect()
}

fn main() {
    // crosswire's memory setting (alloc::avoid_transparent_huge_pages).
    crosswire::alloc::avoid_transparent_huge_pages();
    // Parser panics are caught and counted; keep their messages off the terminal.
    std::panic::set_hook(Box::new(|_| {}));

    let mut rounds = 5usize;
    let mut report: Option<PathBuf> = None;
    let mut lists: Vec<(String, PathBuf)> = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--rounds" => rounds = args.next().and_then(|n| n.parse().ok()).expect("--rounds N"),
            "--report" => report = Some(args.next().expect("--report FILE").into()),
            _ => {
                let (name, path) = arg.split_once('=').expect("NAME=LIST");
                lists.push((name.to_owned(), path.into()));
            }
        }
    }

    let worker = std::thread::Builder::new()
        .stack_size(STACK_BYTES)
        .spawn(move || body(rounds, report, lists))
        .expect("the thread starts");
    worker.join().expect("the run finishes");
}

fn body(rounds: usize, report: Option<PathBuf>, lists: Vec<(String, PathBuf)>) {
    let mut table = Vec::new();
    let mut checks = Vec::new();
    let mut logs = String::new();
    for (name, list) in &lists {
        let files = load(list);
        let bytes: usize = files.iter().map(|f| f.text.len()).sum();
        let count = |l: Lang| files.iter().filter(|f| f.lang == l).count();
        eprintln!(
            "== {name}: {} files ({} js, {} ts, {} tsx), {bytes} bytes",
            files.len(),
            count(Lang::Js),
            count(Lang::Ts),
            count(Lang::Tsx)
        );
        let c = check(&files);
        logs.push_str(&format!("### {name}\n"));
        for line in &c.log {
            logs.push_str(line);
            logs.push('\n');
        }
        eprintln!(
            "   check: swc clean {} recovered {} failed {} panicked {} (flow rescued {}); \
             oxc clean {} recovered {} failed {} panicked {} (is_flow_language {}); \
             swc-yes/oxc-failed {} (flow {}), swc-yes/oxc-errors {} (flow {}), oxc-yes/swc-no {}",
            c.swc_clean,
            c.swc_recovered,
            c.swc_failed,
            c.swc_panicked,
            c.swc_flow_rescued,
            c.oxc_clean,
            c.oxc_recovered,
            c.oxc_failed,
            c.oxc_panicked,
            c.oxc_flow_detected,
            c.swc_yes_oxc_failed,
            c.swc_yes_oxc_failed_flow,
            c.swc_yes_oxc_recovered,
            c.swc_yes_oxc_recovered_flow,
            c.oxc_yes_swc_no
        );

        let order = [Variant::Swc, Variant::OxcFresh, Variant::OxcReset];
        let mut results: [Vec<RoundResult>; 3] = Default::default();
        for round in 0..rounds {
            let mut this = order;
            if round % 2 == 1 {
                this.reverse();
            }
            for variant in this {
                let r = run(variant, &files);
                let index = order.iter().position(|&v| v == variant).unwrap();
                eprintln!(
                    "   round {round} {:>9}: parse {:.3} s, drop {:.3} s, flow retry {:.3} s, rejected {}",
                    ["swc", "oxc fresh", "oxc reset"][index],
                    r.times.parse.as_secs_f64(),
                    r.times.drop.as_secs_f64(),
                    r.flow_retry.as_secs_f64(),
                    r.failed
                );
                results[index].push(r);
            }
        }
        let col = |i: usize, f: fn(&RoundResult) -> Duration| {
            stat(&results[i].iter().map(|r| f(r).as_secs_f64()).collect::<Vec<_>>())
        };
        let swc_parse = col(0, |r| r.times.parse);
        let swc_drop = col(0, |r| r.times.drop);
        let swc_retry = col(0, |r| r.flow_retry);
        let fresh_parse = col(1, |r| r.times.parse);
        let fresh_drop = col(1, |r| r.times.drop);
        let reset_parse = col(2, |r| r.times.parse);
        let reset_drop = col(2, |r| r.times.drop);
        let swc_total = col(0, |r| r.times.parse + r.times.drop);
        let fresh_total = col(1, |r| r.times.parse + r.times.drop);
        let reset_total = col(2, |r| r.times.parse + r.times.drop);
        table.push(format!(
            "| {name} | {} | {bytes} | {} | {} | {} | {} | {} | {} | {} | {:.2} | {:.2} | {:.2} | {:.2} |",
            files.len(),
            fmt_stat(&swc_parse),
            fmt_stat(&swc_drop),
            fmt_stat(&swc_retry),
            fmt_stat(&fresh_parse),
            fmt_stat(&fresh_drop),
            fmt_stat(&reset_parse),
            fmt_stat(&reset_drop),
            fresh_parse.median / swc_parse.median,
            reset_parse.median / swc_parse.median,
            fresh_total.median / swc_total.median,
            reset_total.median / swc_total.median,
        ));
        checks.push(format!(
            "| {name} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            c.swc_failed + c.swc_panicked,
            c.swc_recovered,
            c.swc_flow_rescued,
            c.oxc_failed + c.oxc_panicked,
            c.oxc_recovered,
            c.oxc_flow_detected,
            c.swc_yes_oxc_failed,
            c.swc_yes_oxc_failed_flow,
            c.swc_yes_oxc_recovered,
            c.swc_yes_oxc_recovered_flow,
            c.oxc_yes_swc_no,
        ));
    }
    let mut out = String::new();
    out.push_str(&format!(
        "Seconds, single thread, {rounds} rounds: median (min–max). Ratios are of medians.\n\n\
         | corpus | files | bytes | swc parse | swc drop | swc flow retry | oxc parse (fresh alloc) | oxc drop (fresh alloc) | oxc parse (reset alloc) | oxc reset | parse oxc/swc fresh | parse oxc/swc reset | parse+drop oxc/swc fresh | parse+drop oxc/swc reset |\n\
         |---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n"
    ));
    for row in &table {
        out.push_str(row);
        out.push('\n');
    }
    out.push_str(
        "\nAcceptance (untimed check pass). swc rejects = `parse_program` Err with crosswire's syntax (or a panic); \
         swc recovered = Ok with `take_errors` non-empty; flow rescued = JS that swc rejects and accepts with crosswire's Flow retry. \
         oxc rejects = `panicked`; oxc errors = a tree but error diagnostics.\n\n\
         | corpus | swc rejects | swc recovered | swc flow rescued | oxc rejects | oxc errors (not panicked) | oxc is_flow_language | swc accepts, oxc rejects | ..of which via Flow | swc accepts, oxc errors | ..of which via Flow | oxc clean, swc rejects |\n\
         |---|---|---|---|---|---|---|---|---|---|---|---|\n",
    );
    for row in &checks {
        out.push_str(row);
        out.push('\n');
    }
    println!("{out}");
    if let Some(path) = report {
        std::fs::write(&path, &out).expect("the report writes");
        let log_path = path.with_extension("disagreements.txt");
        std::fs::write(&log_path, &logs).expect("the log writes");
        eprintln!("wrote {} and {}", path.display(), log_path.display());
    }
}
