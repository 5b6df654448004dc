//! The command line: `crosswire [OPTIONS] [PATH]...`.

use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;

use clap::Parser;

use crate::config::{Config, suggest_rule};
use crate::diagnostic::Severity;
use crate::lint::{Engine, Input};
use crate::report::{Format, RenderOptions, escape_for_terminal, render};
use crate::results::RunReport;
use crate::rules::{self, RULES};

/// Standard error may be closed, and `std`'s `eprintln!` panics then: every line for
/// it goes through `safe_io` instead, including those added later.
macro_rules! eprintln {
    ($($arguments:tt)*) => {
        crate::safe_io::eprint_line(format_args!($($arguments)*))
    };
}

/// Exit statuses, fixed because CI scripts depend on them.
pub const EXIT_CLEAN: i32 = 0;
pub const EXIT_FINDINGS: i32 = 1;
pub const EXIT_TROUBLE: i32 = 2;

/// Finds misuse of postMessage and WebSockets in JavaScript and TypeScript.
#[derive(Debug, Parser)]
#[command(name = "crosswire", version, about, max_term_width = 100)]
pub struct Args {
    /// Files or folders to lint; `-` reads standard input. Default: `.`
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Pretty)]
    pub format: Format,

    /// Write the report to FILE instead of standard output
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Use this config file instead of the nearest crosswire.toml
    #[arg(short, long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// List every rule with its default severity and summary, then exit
    #[arg(long)]
    pub list_rules: bool,

    /// Print the documentation of RULE, then exit
    #[arg(long, value_name = "RULE")]
    pub explain: Option<String>,

    /// Exit with status 1 when more than N warnings are reported
    #[arg(long, value_name = "N")]
    pub max_warnings: Option<usize>,

    /// Number of threads (default and most: the number of CPUs)
    #[arg(short = 'j', long, value_name = "N")]
    pub threads: Option<usize>,

    /// Report errors only (warnings still count for --max-warnings), and print no notes on standard error
    #[arg(short, long)]
    pub quiet: bool,

    /// The file name to report for standard input (`-`); its extension picks the language
    #[arg(long, value_name = "NAME")]
    pub stdin_filename: Option<String>,

    /// Do not read .gitignore, .ignore or .git/info/exclude
    #[arg(long)]
    pub no_ignore: bool,

    /// Record today's findings in FILE (then exit 0); later runs with --baseline report
    /// only new findings
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,

    /// Report only findings that are not in the baseline FILE
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,

    /// With --baseline: rewrite FILE without the entries whose findings are fixed
    #[arg(long, requires = "baseline")]
    pub baseline_prune: bool,

    /// Reuse results of unchanged files from the cache (and update it)
    #[arg(long)]
    pub cache: bool,

    /// Where --cache keeps its data: a folder (an existing one, or a path ending in `/`), or else a file (default: the folder .crosswire-cache/)
    #[arg(long, value_name = "PATH", requires = "cache")]
    pub cache_location: Option<PathBuf>,

    /// Skip (with a notice) files, and standard input, larger than this many bytes [default: 10485760]
    #[arg(long, value_name = "BYTES")]
    pub max_file_size: Option<u64>,

    /// Skip (with a notice) a file whose linting takes longer than this many seconds; 0: no limit [default: 300]
    #[arg(long, value_name = "SECONDS", value_parser = parse_seconds)]
    pub max_file_time: Option<std::time::Duration>,

    /// Report only findings in files changed since the git REF (committed, staged, unstaged or untracked), or whose evidence lies in one
    #[arg(long, value_name = "REF")]
    pub changed_since: Option<std::ffi::OsString>,

    /// Set a rule's level over the config file: `--rule postmessage-wildcard-origin=off` (repeatable)
    #[arg(long = "rule", value_name = "ID=LEVEL")]
    pub rules: Vec<String>,

    /// Print the effective config for FILE as JSON (the config file used, each rule's level and options, whether FILE is ignored), then exit
    #[arg(long, value_name = "FILE")]
    pub print_config: Option<PathBuf>,

    /// Write a commented crosswire.toml into the working directory (never over an existing one), then exit
    #[arg(long)]
    pub init: bool,

    /// When to color the pretty output: auto (a terminal, unless NO_COLOR is set; FORCE_COLOR forces it), always or never
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    /// Print on standard error what the run did: files found, parsed (and bytes), from the cache, per-stage time, files linted again and the slowest files
    #[arg(long)]
    pub stats: bool,

    /// Run a language server over standard input and output, for editors: findings as
    /// you type, ignore comments as code actions, rule docs on hover
    #[arg(long, conflicts_with_all = ["paths", "explain", "list_rules", "init", "print_config", "print_page_map", "config", "rules", "baseline", "write_baseline", "changed_since", "fix"])]
    pub lsp: bool,

    /// Apply the safe fixes (those SARIF lists as `fixes` and the language server offers as
    /// quick fixes) to the linted files, then report the findings that remain
    #[arg(long, conflicts_with_all = ["print_page_map", "write_baseline", "explain", "list_rules", "init", "print_config"])]
    pub fix: bool,

    /// Print the page map as JSON (which scripts each page loads, which documents it
    /// embeds, which workers and popups it starts) instead of linting
    #[arg(long)]
    pub print_page_map: bool,
}

/// `--color`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

impl ColorChoice {
    /// Whether to color output going to a terminal (`is_terminal`): `auto` follows
    /// NO_COLOR and FORCE_COLOR (https://no-color.org, https://force-color.org), as
    /// ESLint and ruff do.
    fn colors(self, is_terminal: bool) -> bool {
        let set = |name: &str| std::env::var_os(name).is_some_and(|value| !value.is_empty());
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto if set("NO_COLOR") => false,
            ColorChoice::Auto if set("FORCE_COLOR") => {
                std::env::var("FORCE_COLOR").map_or(true, |value| value != "0")
            }
            ColorChoice::Auto => is_terminal,
        }
    }
}

/// Runs crosswire with the process's arguments and returns the exit status.
pub fn run() -> i32 {
    let args = Args::parse();
    match execute(args) {
        Ok(status) => status,
        Err(message) => {
            eprintln!("crosswire: error: {}", escape_for_terminal(&message));
            EXIT_TROUBLE
        }
    }
}

fn execute(args: Args) -> Result<i32, String> {
    if args.lsp {
        return Ok(crate::lsp::run());
    }
    if let Some(id) = &args.explain {
        return explain(id);
    }
    if args.list_rules {
        if args.format == Format::Json {
            list_rules_json(&args)?;
        } else {
            list_rules()?;
        }
        return Ok(EXIT_CLEAN);
    }
    let cwd = std::env::current_dir().map_err(|error| format!("no working directory: {error}"))?;
    if args.init {
        return init(&cwd);
    }
    let config_path = args.config.clone().or_else(|| {
        let found = Config::find(&cwd)?;
        // A config from a folder above says so, since it decides what is reported.
        if !args.quiet
            && let Some(folder) = found.parent()
            && folder != cwd
        {
            let levels = cwd
                .components()
                .count()
                .saturating_sub(folder.components().count());
            let shown = format!(
                "{}{}",
                "../".repeat(levels),
                crate::config::CONFIG_FILE_NAME
            );
            eprintln!("crosswire: note: using the config {shown}");
        }
        Some(found)
    });
    let config = match config_path {
        Some(path) => match Config::load(&path) {
            Ok(config) => config,
            Err(error) => {
                let color = args.color.colors(io::stderr().is_terminal());
                eprintln!("{}", crate::report::render_config_error(&error, color));
                return Ok(EXIT_TROUBLE);
            }
        },
        None => Config::defaults(cwd.clone()),
    };
    let mut config = config;
    for setting in &args.rules {
        let (id, level) = setting
            .split_once('=')
            .ok_or_else(|| format!("--rule takes ID=LEVEL, not `{setting}`"))?;
        let severity = Severity::parse(level.trim()).ok_or_else(|| {
            format!("--rule {setting}: the level must be off, warn (or warning) or error")
        })?;
        config
            .set_severity(id.trim(), severity)
            .map_err(|error| format!("--rule {setting}: {error}"))?;
    }
    if let Some(file) = &args.print_config {
        let json = crate::report::json_text(&config.effective_for(file))
            .map_err(|error| error.to_string())?;
        write_text(&args, &json)?;
        return Ok(EXIT_CLEAN);
    }
    let input = read_input(&args)?;
    if let Input::Stdin { name, .. } = &input
        && args.stdin_filename.is_some()
    {
        if crate::source::FileKind::from_path(std::path::Path::new(name)).is_none() {
            return Err(format!(
                "--stdin-filename {}: crosswire does not read files with this extension",
                escape_for_terminal(name)
            ));
        }
        // Standard input named as an ignored file is left out, as the file would be.
        if config.is_ignored(std::path::Path::new(name)) {
            if !args.quiet {
                eprintln!(
                    "crosswire: note: {}: ignored by `[files] ignore` in the config; standard \
                     input not linted",
                    escape_for_terminal(name)
                );
            }
            write_report(&args, &RunReport::default())?;
            return Ok(EXIT_CLEAN);
        }
    }
    let changed = match &args.changed_since {
        Some(reference) => Some(crate::git::changed_files(reference, &cwd)?),
        None => None,
    };
    // The changed files as the run names them, spelled as walking the paths spells them.
    let changed_selection = match (&changed, &input) {
        (Some(changed), Input::Paths(paths)) => changed.under(paths),
        _ => Vec::new(),
    };
    // The whole selection is linted even so: project-level rules and imported helpers
    // make other files' findings depend on the changed ones.
    let threads = args
        .threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let (cache_path, cache_folder) = crate::cache::location(args.cache_location.as_deref());
    let cache_key = crate::cache::key(&config.describe());
    let mut engine = Engine::new(config);
    if let Some(limit) = args.max_file_time {
        engine.max_file_time = (!limit.is_zero()).then_some(limit);
    }
    if let Some(limit) = args.max_file_size {
        engine.max_file_size = limit;
    }
    // The page map reads every file, past the prefilter; cached results may not have.
    let use_cache = args.cache && !args.print_page_map;
    let mut cache_errors = Vec::new();
    let cache_secret = if use_cache {
        load_cache(&args, &cache_path, &cache_key, &mut engine)
    } else {
        None
    };
    let empty_selection = matches!(&input, Input::Paths(paths) if paths.is_empty());
    engine.read_everything = args.print_page_map;
    engine.collect_stats = args.stats;
    engine.keep_threads = true;
    // The changed files as the run shows them.
    let shown: std::collections::HashSet<String> = changed_selection
        .iter()
        .map(|file| crate::source::display_path(file, &cwd))
        .collect();
    let fix_paths = match &input {
        Input::Paths(paths) if args.fix && !empty_selection => Some(paths.clone()),
        _ => None,
    };
    let (mut report, mut cache_update) = if empty_selection {
        (RunReport::default(), Default::default())
    } else {
        engine.run_caching(input, threads, !args.no_ignore)
    };
    let mut fixed = None;
    if let Some(paths) = fix_paths {
        let reported = |file: &crate::results::FileResult, finding: &crate::diagnostic::Finding| {
            changed.is_none() || shown.contains(&file.path) || evidence_in(finding, &shown)
        };
        let outcome = crate::fix::apply(&report, &engine, &paths, &cwd, reported);
        // What remains is what a run over the fixed files finds.
        if outcome.fixes > 0 {
            (report, cache_update) =
                engine.run_caching(Input::Paths(paths), threads, !args.no_ignore);
        }
        report.notices.extend(outcome.notices.iter().cloned());
        fixed = Some(outcome);
    }
    let cache_secret = finish_loading_cache(
        &args,
        &cache_path,
        &mut engine,
        cache_secret,
        &mut cache_errors,
    );
    report.errors.extend(cache_errors);
    // Nothing changed since the cache's memo of this run: it is left as it is.
    if let Some(secret) = cache_secret.filter(|_| !empty_selection && !cache_update.unchanged) {
        let mut cache = engine.cache.take().unwrap_or_default();
        cache.key = cache_key;
        cache.memo = cache_update.memo;
        cache.files_mut().extend(cache_update.entries);
        let seen: std::collections::HashSet<&str> = report
            .files
            .iter()
            .filter_map(|file| file.cache_key.as_deref())
            .collect();
        cache.prune(&report.walked, &seen);
        let saved = match &cache_folder {
            Some(folder) => crate::cache::prepare_folder(folder),
            None => Ok(()),
        }
        .and_then(|()| cache.save(&cache_path, &secret));
        match saved {
            Ok(()) => {}
            // Something planted where the cache goes: the run must say so in its status.
            Err(crate::safe_io::WriteError::Refused { path, reason }) => {
                report.errors.push(crate::results::LintError {
                    path: path.display().to_string(),
                    message: format!("the cache is not written: {reason}"),
                });
            }
            // The cache only saves time; failing to keep it is worth a warning.
            Err(error) => eprintln!(
                "crosswire: warning: cache: {}",
                escape_for_terminal(&error.to_string())
            ),
        }
    }
    if changed.is_some() {
        // A finding counts when its file changed or when its evidence lies in a changed
        // file (an imported helper, constant or wrapper, labelled there).
        for file in &mut report.files {
            if !shown.contains(&file.path) {
                file.reported_in_part = true;
                file.findings.retain(|finding| evidence_in(finding, &shown));
            }
        }
        report
            .files
            .retain(|file| shown.contains(&file.path) || !file.findings.is_empty());
    }
    if args.print_page_map {
        let map = crate::page_map::build(&report, &report.walked);
        let json = crate::report::json_text(&map).map_err(|error| error.to_string())?;
        write_text(&args, &json)?;
        return Ok(status_without_findings(&report));
    }
    if let Some(path) = &args.write_baseline {
        let baseline = crate::baseline::Baseline::from_report(&report);
        baseline.save(path)?;
        if !args.quiet {
            eprintln!(
                "crosswire: wrote {} to the baseline {}",
                count_of(baseline.findings.len(), "finding"),
                escape_for_terminal(&path.to_string_lossy())
            );
        }
        return Ok(status_without_findings(&report));
    }
    if let Some(path) = &args.baseline {
        let baseline = crate::baseline::Baseline::load(path)?;
        let coverage = crate::baseline::Coverage::of_run(&report, |rule| {
            engine.config.severity(rule) != Severity::Off
        });
        let (known, pruned) = baseline.apply(&mut report, &coverage);
        if args.baseline_prune && pruned.findings.len() != baseline.findings.len() {
            pruned.save(path)?;
            if !args.quiet {
                eprintln!(
                    "crosswire: pruned {} from the baseline {}",
                    count_of(
                        baseline.findings.len() - pruned.findings.len(),
                        "fixed finding"
                    ),
                    escape_for_terminal(&path.to_string_lossy())
                );
            }
        }
        if !args.quiet && known > 0 {
            let verb = if known == 1 { "is" } else { "are" };
            eprintln!(
                "crosswire: note: {} {verb} in the baseline and not reported",
                count_of(known, "finding")
            );
        }
    }
    // `-q` hides warnings, but they still count against `--max-warnings`, as in ESLint.
    let warnings = report.count(Severity::Warning);
    if args.quiet {
        for file in &mut report.files {
            file.findings
                .retain(|finding| finding.severity == Severity::Error);
        }
    }
    let reporting = std::time::Instant::now();
    let reporting_cpu = crate::results::process_cpu_time();
    write_report(&args, &report)?;
    if args.stats {
        report.stats.stages.push(("report", reporting.elapsed()));
        report.stats.stage_cpu.push(
            crate::results::process_cpu_time()
                .zip(reporting_cpu)
                .map(|(now, then)| now.saturating_sub(then)),
        );
        print_stats(&report);
    }
    if let Some(limit) = args.max_warnings.filter(|&limit| warnings > limit) {
        eprintln!(
            "crosswire: {}, more than --max-warnings {limit}",
            count_of(warnings, "warning")
        );
    }
    if let Some(outcome) = fixed.filter(|_| !args.quiet) {
        eprintln!(
            "crosswire: --fix: applied {} in {}",
            if outcome.fixes == 1 {
                "1 fix".to_string()
            } else {
                format!("{} fixes", outcome.fixes)
            },
            count_of(outcome.files, "file")
        );
    }
    for notice in &report.notices {
        if !args.quiet {
            eprintln!(
                "crosswire: note: {}: {}",
                escape_for_terminal(&notice.path),
                escape_for_terminal(&notice.message)
            );
        }
    }
    print_errors(&report);
    let status = exit_status(&report, warnings, args.max_warnings);
    // The process exits next, which frees at once what dropping these frees piece by
    // piece: the report's files, the engine's kept trees and its threads (each of which
    // would return its allocator's pages before stopping).
    std::mem::forget(report);
    std::mem::forget(engine);
    Ok(status)
}

/// Whether a finding's evidence lies in one of the files `shown` (an imported helper,
/// constant or wrapper, labelled there).
fn evidence_in(
    finding: &crate::diagnostic::Finding,
    shown: &std::collections::HashSet<String>,
) -> bool {
    finding.diagnostic.labels.iter().any(|label| {
        label
            .elsewhere
            .as_ref()
            .is_some_and(|elsewhere| shown.contains(&elsewhere.path))
    })
}

/// `--stats`, on standard error.
fn print_stats(report: &RunReport) {
    let stats = &report.stats;
    let mut first_parses: std::collections::HashSet<&str> = std::collections::HashSet::new();
    let mut bytes_parsed = 0u64;
    let mut parsed_again = 0usize;
    for file in stats.files.iter().filter(|file| file.parsed) {
        if first_parses.insert(&file.path) {
            bytes_parsed += file.bytes;
        } else {
            parsed_again += 1;
        }
    }
    let millis = |time: std::time::Duration| format!("{:.1} ms", time.as_secs_f64() * 1000.0);
    eprintln!(
        "crosswire: stats: {} found, {} parsed ({}), {} from the cache",
        count_of(report.files_scanned, "file"),
        first_parses.len(),
        if bytes_parsed >= 1_000_000 {
            format!("{:.1} MB", bytes_parsed as f64 / 1_000_000.0)
        } else {
            format!("{:.1} kB", bytes_parsed as f64 / 1000.0)
        },
        report.files_cached
    );
    let total: std::time::Duration = stats.stages.iter().map(|(_, time)| *time).sum();
    // Beside the wall time, the CPU time of all threads: how busy a stage kept them.
    let cpu = |at: usize| match stats.stage_cpu.get(at).copied().flatten() {
        Some(time) => format!("{:>10} CPU", millis(time)),
        None => " ".repeat(14),
    };
    for (at, (stage, time)) in stats.stages.iter().enumerate() {
        let linted = stats
            .files
            .iter()
            .filter(|file| file.stage == *stage)
            .count();
        let parsed = stats
            .files
            .iter()
            .filter(|file| file.stage == *stage && file.parsed)
            .count();
        // Summed over the threads: where a pass's work went, parsing or walking again.
        let busy = |parsed: bool| -> std::time::Duration {
            stats
                .files
                .iter()
                .filter(|file| file.stage == *stage && file.parsed == parsed)
                .map(|file| file.time)
                .sum()
        };
        let detail = match *stage {
            "link pass" if linted > parsed => format!(
                " ({linted} files handed out, {parsed} parsed in {}; {} walked again in {})",
                millis(busy(true)),
                linted - parsed,
                millis(busy(false))
            ),
            "first pass" | "second pass" | "link pass" if linted > 0 => {
                format!(" ({linted} files handed out, {parsed} parsed)")
            }
            _ => String::new(),
        };
        eprintln!("  {stage:<15} {:>10} {}{detail}", millis(*time), cpu(at));
    }
    let total_cpu: Option<std::time::Duration> = stats.stage_cpu.iter().copied().sum();
    eprintln!(
        "  {:<15} {:>10} {}",
        "total",
        millis(total),
        total_cpu.map_or_else(String::new, |time| format!("{:>10} CPU", millis(time)))
    );
    if parsed_again > 0 {
        eprintln!("  parsed more than once: {parsed_again} (files the link pass linted again)");
    }
    let mut slowest: Vec<&crate::results::FileTime> = stats.files.iter().collect();
    slowest.sort_by_key(|file| std::cmp::Reverse(file.time));
    if !slowest.is_empty() {
        eprintln!("  slowest files:");
    }
    for file in slowest.iter().take(5) {
        eprintln!(
            "    {:>10}  {:>9} bytes  {:<12} {}",
            millis(file.time),
            file.bytes,
            file.stage,
            escape_for_terminal(&file.path)
        );
    }
}

/// `1 finding`, `2 findings`.
fn count_of(count: usize, noun: &str) -> String {
    if count == 1 {
        format!("1 {noun}")
    } else {
        format!("{count} {noun}s")
    }
}

/// Starts reading this user's cache at `path` into `engine` (on a thread of its own, beside
/// the walk; see [`finish_loading_cache`]), and gives the secret to save it with; `None`
/// when the key cannot be trusted (said unless `-q`).
fn load_cache(
    args: &Args,
    path: &std::path::Path,
    key: &str,
    engine: &mut Engine,
) -> Option<crate::cache::Secret> {
    let mut linted: Vec<PathBuf> = vec![PathBuf::from(".")];
    linted.extend(
        args.paths
            .iter()
            .filter(|path| path.as_os_str() != "-")
            .cloned(),
    );
    let secret = match crate::cache::Secret::load(&linted) {
        Ok(secret) => secret,
        Err(reason) => {
            if !args.quiet {
                eprintln!("crosswire: note: --cache: {reason}; the cache is not used");
            }
            return None;
        }
    };
    engine.cache_loading = Some(crate::cache::Loading::start(
        path.to_path_buf(),
        key.to_string(),
        secret.clone(),
    ));
    Some(secret)
}

/// The cache the run read, into `engine.cache`, once the run is over: a note on why an
/// earlier one was set aside, or an error and no secret (nothing is saved) if it cannot be
/// used.
fn finish_loading_cache(
    args: &Args,
    path: &std::path::Path,
    engine: &mut Engine,
    secret: Option<crate::cache::Secret>,
    errors: &mut Vec<crate::results::LintError>,
) -> Option<crate::cache::Secret> {
    let Some(loading) = engine.cache_loading.take() else {
        return secret;
    };
    match loading.finish() {
        Ok(loaded) => {
            if let Some(note) = loaded.note.filter(|_| !args.quiet) {
                eprintln!("crosswire: note: {note}");
            }
            engine.cache = Some(loaded.cache);
            secret
        }
        Err(reason) => {
            errors.push(crate::results::LintError {
                path: path.display().to_string(),
                message: format!("the cache cannot be used: {reason}"),
            });
            None
        }
    }
}

/// Paths that could not be linted, on standard error.
fn print_errors(report: &RunReport) {
    for error in &report.errors {
        eprintln!(
            "crosswire: error: {}: {}",
            escape_for_terminal(&error.path),
            escape_for_terminal(&error.message)
        );
    }
}

/// For runs whose output is not the findings (the page map, a new baseline): only
/// paths that could not be linted fail them.
fn status_without_findings(report: &RunReport) -> i32 {
    print_errors(report);
    if report.errors.is_empty() {
        EXIT_CLEAN
    } else {
        EXIT_TROUBLE
    }
}

/// `warnings`: how many the run found, shown or not (`-q`).
fn exit_status(report: &RunReport, warnings: usize, max_warnings: Option<usize>) -> i32 {
    if !report.errors.is_empty() {
        return EXIT_TROUBLE;
    }
    let too_many_warnings = max_warnings.is_some_and(|limit| warnings > limit);
    if report.count(Severity::Error) > 0 || too_many_warnings {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    }
}

fn read_input(args: &Args) -> Result<Input, String> {
    let reads_stdin = args.paths.iter().any(|path| path.as_os_str() == "-");
    if reads_stdin {
        if args.paths.len() > 1 {
            return Err("`-` (standard input) cannot be combined with other paths".into());
        }
        if args.fix {
            return Err("--fix writes the linted files; it does not read standard input".into());
        }
        // One byte past the limit tells the engine to skip it, as it would a file.
        let limit = args
            .max_file_size
            .unwrap_or(crate::lint::DEFAULT_MAX_FILE_SIZE);
        let bytes = crate::safe_io::read_stdin(limit)
            .map_err(|error| format!("cannot read standard input: {error}"))?;
        let name = args
            .stdin_filename
            .clone()
            .unwrap_or_else(|| "<stdin>.js".to_string());
        return Ok(Input::Stdin { name, bytes });
    }
    if args.stdin_filename.is_some() {
        return Err("--stdin-filename needs `-` as the path to read standard input".into());
    }
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    Ok(Input::Paths(paths))
}

/// Writes to `-o FILE` (replaced whole, see `safe_io`) or standard output.
fn write_output(
    args: &Args,
    fill: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<(), String> {
    match &args.output {
        Some(path) => {
            crate::safe_io::write_file_with(path, fill).map_err(|error| error.to_string())
        }
        None => crate::safe_io::write_stdout(fill)
            .map_err(|error| format!("cannot write the output: {error}")),
    }
}

fn write_report(args: &Args, report: &RunReport) -> Result<(), String> {
    let to_terminal = args.output.is_none() && io::stdout().is_terminal();
    // On a terminal, its width (within reason; `COLUMNS` if it cannot be asked); in a
    // file or a pipe, 100 columns, so that logs read the same everywhere.
    let width = to_terminal
        .then(|| {
            terminal_size::terminal_size()
                .map(|(width, _)| usize::from(width.0))
                .or_else(|| std::env::var("COLUMNS").ok()?.parse().ok())
        })
        .flatten()
        .unwrap_or(100)
        .clamp(40, 400);
    let options = RenderOptions {
        color: args.color.colors(to_terminal),
        width,
    };
    write_output(args, |out| render(args.format, report, &options, out))
}

fn write_text(args: &Args, text: &str) -> Result<(), String> {
    write_output(args, |out| writeln!(out, "{text}"))
}

fn explain(id: &str) -> Result<i32, String> {
    match rules::find(id) {
        Some(rule) => {
            let text = rule.doc().explanation();
            crate::safe_io::write_stdout(|out| writeln!(out, "{text}"))
                .map_err(|error| format!("cannot write the output: {error}"))?;
            Ok(EXIT_CLEAN)
        }
        None => Err(format!("unknown rule `{id}`: {}", suggest_rule(id))),
    }
}

fn list_rules() -> Result<(), String> {
    let width = RULES.iter().map(|rule| rule.id.len()).max().unwrap_or(0);
    crate::safe_io::write_stdout(|out| {
        writeln!(out, "{:width$}  {:8}  SUMMARY", "RULE", "SEVERITY")?;
        for rule in RULES {
            let doc = rule.doc();
            writeln!(
                out,
                "{:width$}  {:8}  {}",
                doc.id,
                doc.severity.as_str(),
                doc.summary
            )?;
        }
        Ok(())
    })
    .map_err(|error| format!("cannot write the output: {error}"))
}

/// `--init`: a commented `crosswire.toml` in `cwd`, never over an existing one.
fn init(cwd: &std::path::Path) -> Result<i32, String> {
    let path = cwd.join(crate::config::CONFIG_FILE_NAME);
    if std::fs::symlink_metadata(&path).is_ok() {
        return Err(format!(
            "{} already exists; --init writes a new one only",
            crate::config::CONFIG_FILE_NAME
        ));
    }
    crate::safe_io::write_file(&path, crate::config::starter_config().as_bytes())
        .map_err(|error| error.to_string())?;
    eprintln!(
        "crosswire: wrote {}; edit it, then run `crosswire .`",
        crate::config::CONFIG_FILE_NAME
    );
    Ok(EXIT_CLEAN)
}

/// `--list-rules --format json`: every rule with its metadata, for tools.
fn list_rules_json(args: &Args) -> Result<(), String> {
    let rules: Vec<serde_json::Value> = RULES
        .iter()
        .map(|rule| {
            let doc = rule.doc();
            serde_json::json!({
                "id": doc.id,
                "severity": doc.severity.as_str(),
                "summary": doc.summary,
                "tags": doc.tags,
                "cwe": doc.cwe,
                "options": rule.options,
                "project": rule.project,
                "docs": crate::rules::doc_url(&doc.id),
            })
        })
        .collect();
    let json = crate::report::json_text(&rules).map_err(|error| error.to_string())?;
    write_text(args, &json)
}

/// A number of seconds, whole or not, for `--max-file-time`.
fn parse_seconds(text: &str) -> Result<std::time::Duration, String> {
    let seconds: f64 = text
        .parse()
        .map_err(|_| format!("`{text}` is not a number of seconds"))?;
    std::time::Duration::try_from_secs_f64(seconds)
        .map_err(|_| format!("`{text}` is not a number of seconds from 0 up"))
}
