//! Project-level rules run over whole projects: every folder under
//! `fixtures/websocket-same-page/`, and every `fixtures/<rule>/project-*/` folder, is
//! linted as a project, and its findings (of every rule) are compared with the
//! `expect:` annotations in all of its files.

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use common::expected_findings;
use crosswire::config::Config;
use crosswire::lint::{Engine, Input};

/// Every project fixture: the folders of `fixtures/websocket-same-page/` and every
/// `fixtures/<rule>/project-*/`.
fn projects() -> Vec<std::path::PathBuf> {
    let root = Path::new("fixtures/websocket-same-page");
    let mut projects: Vec<_> = std::fs::read_dir(root)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.is_dir())
        .collect();
    assert!(
        projects.len() >= 8,
        "at least four positive and four negative projects"
    );
    for rule in std::fs::read_dir("fixtures").unwrap() {
        let rule = rule.unwrap().path();
        if !rule.is_dir() || rule == root {
            continue;
        }
        projects.extend(
            std::fs::read_dir(&rule)
                .unwrap()
                .map(|entry| entry.unwrap().path())
                .filter(|path| {
                    path.is_dir()
                        && path
                            .file_name()
                            .is_some_and(|name| name.to_string_lossy().starts_with("project-"))
                }),
        );
    }
    projects.sort();
    projects
}

/// `(path, line, rule)` of every finding of a run over `project`.
fn findings_of(engine: &Engine, project: &Path) -> BTreeSet<(String, usize, String)> {
    let report = engine.run(Input::Paths(vec![project.to_path_buf()]), 1, true);
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    report
        .findings()
        .map(|(file, finding)| {
            let line = file
                .lines
                .as_ref()
                .unwrap()
                .line_of(finding.diagnostic.span.start);
            (file.path.clone(), line, finding.rule.to_string())
        })
        .collect()
}

#[test]
fn every_project_reports_exactly_its_expectations() {
    let projects = projects();
    let mut positives = 0;
    let mut failures = Vec::new();
    for project in &projects {
        let engine = Engine::new(Config::defaults(project.clone()));
        let actual = findings_of(&engine, project);
        let mut expected = BTreeSet::new();
        for entry in walkdir::WalkDir::new(project) {
            let entry = entry.unwrap();
            if !entry.file_type().is_file() {
                continue;
            }
            let text = std::fs::read_to_string(entry.path()).unwrap();
            let shown = entry.path().to_string_lossy().replace('\\', "/");
            for (line, rule) in expected_findings(&text) {
                positives += usize::from(rule == "websocket-same-page");
                expected.insert((shown.clone(), line, rule));
            }
        }
        if actual != expected {
            failures.push(format!(
                "{}:\n  missing: {:?}\n  unexpected: {:?}",
                project.display(),
                expected.difference(&actual).collect::<Vec<_>>(),
                actual.difference(&expected).collect::<Vec<_>>()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(
        positives >= 4,
        "only {positives} websocket-same-page positives"
    );
}

/// The page map's second pass parses modules the prefilter skipped only to follow a
/// page's imports: every project gives the same findings as a run that parses every
/// file, and, without `websocket-same-page`, the same findings of every other rule.
#[test]
fn following_imports_changes_only_websocket_same_page_findings() {
    let mut compared = 0;
    for project in projects() {
        let filtered = findings_of(&Engine::new(Config::defaults(project.clone())), &project);
        let mut everything = Engine::new(Config::defaults(project.clone()));
        everything.read_everything = true;
        let unused = |findings: BTreeSet<(String, usize, String)>| {
            findings
                .into_iter()
                .filter(|(_, _, rule)| rule != "parse-error" && rule != "unused-ignore")
                .collect::<BTreeSet<_>>()
        };
        assert_eq!(
            unused(filtered.clone()),
            unused(findings_of(&everything, &project)),
            "{}: parsing every file finds something else",
            project.display()
        );
        let config = Config::parse(
            "[rules]\nwebsocket-same-page = \"off\"\n",
            "crosswire.toml",
            project.clone(),
        )
        .unwrap();
        let without = findings_of(&Engine::new(config), &project);
        let others: BTreeSet<_> = filtered
            .iter()
            .filter(|(_, _, rule)| rule != "websocket-same-page")
            .cloned()
            .collect();
        assert_eq!(others, without, "{}", project.display());
        compared += filtered.len();
    }
    assert!(compared > 50, "only {compared} findings compared");
}

/// Markup whose scripts hold no needle is read for its tags alone, and its scripts are
/// parsed only when the page map or the link needs them (`Verdict::MarkupOnly`): every
/// project, and every rule's fixture folder linted as one project, gives the findings
/// of parsing every such script in the first pass, and parses no more files. (Their
/// components lead to sockets, so all are parsed in the end: `tests/properties.rs`
/// generates applications where some are not.)
#[test]
fn markup_read_for_its_tags_alone_changes_no_finding() {
    let mut folders = projects();
    for rule in std::fs::read_dir("fixtures").unwrap() {
        let rule = rule.unwrap().path();
        if rule.is_dir() {
            folders.push(rule);
        }
    }
    let mut compared = 0;
    for folder in folders {
        let deferring = Engine::new(Config::defaults(folder.clone()));
        let mut parsing = Engine::new(Config::defaults(folder.clone()));
        parsing.defer_markup_scripts = false;
        let found = findings_of(&deferring, &folder);
        assert_eq!(
            found,
            findings_of(&parsing, &folder),
            "{}: parsing every page's scripts finds something else",
            folder.display()
        );
        let files_parsed = |engine: &Engine| {
            engine
                .run(Input::Paths(vec![folder.clone()]), 1, true)
                .files_parsed
        };
        assert!(
            files_parsed(&deferring) <= files_parsed(&parsing),
            "{}",
            folder.display()
        );
        compared += found.len();
    }
    assert!(compared > 500, "only {compared} findings compared");
}

/// Every file the link pass lints again it walks from the tree the first pass kept:
/// each project gives the same findings as a run that keeps no tree and parses again,
/// and as one whose link answers every question; no file of a project fixture is parsed
/// twice.
#[test]
fn kept_trees_give_the_findings_of_parsing_again() {
    let mut linked_again = 0;
    for project in projects() {
        let mut keeping = Engine::new(Config::defaults(project.clone()));
        keeping.collect_stats = true;
        let mut parsing_again = Engine::new(Config::defaults(project.clone()));
        parsing_again.kept.limit = 0;
        let found = findings_of(&keeping, &project);
        assert_eq!(
            found,
            findings_of(&parsing_again, &project),
            "{}",
            project.display()
        );
        // The link leaves out summaries without what a question could use: the same
        // findings as answering every question with whatever was found.
        let mut answering_everything = Engine::new(Config::defaults(project.clone()));
        answering_everything.link_answers_everything = true;
        assert_eq!(
            found,
            findings_of(&answering_everything, &project),
            "{}: answering every question",
            project.display()
        );
        // Summarising exported functions only when asked: the findings of summarising
        // every one at once, but where helpers hand the origin round a cycle (there the
        // link's last round decided, see docs/speed.md).
        if !project.ends_with("project-cyclic-helpers") {
            let mut summarising_all = Engine::new(Config::defaults(project.clone()));
            summarising_all.lazy_summaries = false;
            assert_eq!(
                found,
                findings_of(&summarising_all, &project),
                "{}: summarising every export at once",
                project.display()
            );
        }
        let report = keeping.run(Input::Paths(vec![project.clone()]), 1, true);
        let mut parses: std::collections::BTreeMap<&str, usize> = Default::default();
        for file in &report.stats.files {
            linked_again += usize::from(file.stage == "link pass");
            *parses.entry(&file.path).or_default() += usize::from(file.parsed);
        }
        let twice: Vec<_> = parses.iter().filter(|(_, count)| **count > 1).collect();
        assert!(
            twice.is_empty(),
            "{}: parsed twice: {twice:?}",
            project.display()
        );
    }
    assert!(
        linked_again >= 10,
        "the link pass linked only {linked_again} files again"
    );
}

/// A module whose exported functions are too large to summarise in its own pass (a
/// bundle's wrapper, a generated client) leaves them to the link, which summarises
/// them when a file asks: the findings are those of a module small enough to summarise.
#[test]
fn exports_too_large_to_summarise_at_once_are_summarised_when_asked() {
    let small = Path::new("fixtures/message-data-to-sink/project-sink-chain");
    // `(file name, line, rule)`: the two projects lie in different folders.
    let by_name = |project: &Path| -> BTreeSet<(String, usize, String)> {
        findings_of(
            &Engine::new(Config::defaults(project.to_path_buf())),
            project,
        )
        .into_iter()
        .map(|(path, line, rule)| (path.rsplit('/').next().unwrap().to_string(), line, rule))
        .collect()
    };
    let expected = by_name(small);
    let large = tempfile::tempdir().unwrap();
    for name in ["main.js", "view.js"] {
        std::fs::copy(small.join(name), large.path().join(name)).unwrap();
    }
    // `write` grows past the bytes a module's own pass summarises, its sink still last.
    let padding: String = (0..6_000)
        .map(|n| format!("  const unused{n} = \"{n:>20}\";\n"))
        .collect();
    assert!(padding.len() > 128 * 1024);
    std::fs::write(
        large.path().join("dom.js"),
        format!("export function write(html) {{\n{padding}  document.body.innerHTML = html;\n}}\n"),
    )
    .unwrap();
    let found = by_name(large.path());
    assert_eq!(found, expected);
    // Summarised by the link, not by dom.js's own pass.
    let mut engine = Engine::new(Config::defaults(large.path().to_path_buf()));
    engine.collect_stats = true;
    let report = engine.run(Input::Paths(vec![large.path().to_path_buf()]), 1, true);
    assert!(
        report
            .stats
            .files
            .iter()
            .any(|file| file.path.ends_with("dom.js") && file.stage == "link pass"),
        "{:?}",
        report.stats.files
    );
    assert!(
        found
            .iter()
            .any(|(file, _, rule)| file == "main.js" && rule == "message-data-to-sink"),
        "{found:?}"
    );
}

/// Findings a project-level pass drops on another file's evidence (a socket another
/// script of the page or an importer keeps alive or reopens) stay dropped when the
/// evidence comes from the cache: a cold and a warm `--cache` run give the findings of
/// a run without it, and the warm one parses nothing.
#[test]
fn cached_facts_drop_the_same_keepalive_findings() {
    let projects: Vec<_> = projects()
        .into_iter()
        .filter(|project| {
            project.parent().is_some_and(|rule| {
                rule.ends_with("websocket-no-heartbeat") || rule.ends_with("websocket-no-reconnect")
            })
        })
        .collect();
    assert!(projects.len() >= 3);
    let home = Path::new(env!("CARGO_TARGET_TMPDIR")).join("project-cache-home");
    for project in projects {
        let dir = tempfile::tempdir().unwrap();
        for entry in walkdir::WalkDir::new(&project) {
            let entry = entry.unwrap();
            let relative = entry.path().strip_prefix(&project).unwrap();
            let target = dir.path().join(relative);
            if entry.file_type().is_dir() {
                std::fs::create_dir_all(&target).unwrap();
            } else {
                std::fs::copy(entry.path(), &target).unwrap();
            }
        }
        let run = |args: &[&str]| -> (BTreeSet<(String, u64, String)>, u64) {
            let output = std::process::Command::new(env!("CARGO_BIN_EXE_crosswire"))
                .args(["--format", "json"])
                .args(args)
                .current_dir(dir.path())
                .env("XDG_CACHE_HOME", &home)
                .output()
                .unwrap();
            let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
            let findings = json["findings"]
                .as_array()
                .unwrap()
                .iter()
                .map(|finding| {
                    (
                        finding["path"].as_str().unwrap().to_string(),
                        finding["start"]["line"].as_u64().unwrap(),
                        finding["rule"].as_str().unwrap().to_string(),
                    )
                })
                .collect();
            (findings, json["summary"]["files_parsed"].as_u64().unwrap())
        };
        let (plain, _) = run(&[]);
        let (cold, _) = run(&["--cache"]);
        let (warm, parsed) = run(&["--cache"]);
        assert_eq!(cold, plain, "{}", project.display());
        assert_eq!(warm, plain, "{}", project.display());
        assert_eq!(parsed, 0, "{}", project.display());
    }
}

/// `(path, line, rule, message)` of every finding of `report`.
fn findings_in(
    report: &crosswire::results::RunReport,
) -> BTreeSet<(String, usize, String, String)> {
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    report
        .findings()
        .map(|(file, finding)| {
            let line = file
                .lines
                .as_ref()
                .unwrap()
                .line_of(finding.diagnostic.span.start);
            (
                file.path.clone(),
                line,
                finding.rule.to_string(),
                finding.diagnostic.message.clone(),
            )
        })
        .collect()
}

/// Copies the files of `from` into `to`.
fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// A run with the cache on, as the command line makes one: the cache it leaves.
fn cached_run(
    project: &Path,
    cache: crosswire::cache::Cache,
) -> (crosswire::results::RunReport, crosswire::cache::Cache) {
    let mut engine = Engine::new(Config::defaults(project.to_path_buf()));
    engine.collect_stats = true;
    engine.cache = Some(cache);
    let (report, update) = engine.run_caching(Input::Paths(vec![project.to_path_buf()]), 2, true);
    let mut cache = engine.cache.take().unwrap();
    if !update.unchanged {
        cache.memo = update.memo;
        cache.files_mut().extend(update.entries);
        let seen: std::collections::HashSet<&str> = report
            .files
            .iter()
            .filter_map(|file| file.cache_key.as_deref())
            .collect();
        cache.prune(&report.walked, &seen);
    }
    (report, cache)
}

/// Gives `path` new bytes and a modification time of its own, so that its stamp changes
/// however coarse the file system's clock.
fn rewrite(path: &Path, bytes: &[u8], seconds: u64) {
    std::fs::write(path, bytes).unwrap();
    std::fs::File::options()
        .write(true)
        .open(path)
        .unwrap()
        .set_modified(std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(seconds))
        .unwrap();
}

/// With the cache on, every project gives the findings of a fresh run: linted cold, again
/// with nothing changed (the memo of the run: nothing linted), and after any one of its
/// files is emptied (an imported helper, constant or wrapper gone: its importers'
/// findings change) and then restored.
#[test]
fn a_cached_rerun_gives_the_findings_of_a_fresh_run() {
    // Every copy lives until the end: the memo checks the config files any run of this
    // process read, and a copy removed early would make every later memo miss.
    let mut copies = Vec::new();
    let mut from_memo = 0;
    let mut edits = 0;
    let mut changed_by_edits = 0;
    let mut seconds = 1_600_000_000;
    for (number, project) in projects().into_iter().enumerate() {
        let copy = tempfile::tempdir().unwrap();
        let root = copy.path().join(format!("p{number}"));
        copy_tree(&project, &root);
        copies.push(copy);
        let fresh = || {
            let engine = Engine::new(Config::defaults(root.clone()));
            findings_in(&engine.run(Input::Paths(vec![root.clone()]), 2, true))
        };
        let expected = fresh();
        let (cold, cache) = cached_run(&root, crosswire::cache::Cache::default());
        assert_eq!(findings_in(&cold), expected, "{}: cold", project.display());
        let (warm, mut cache) = cached_run(&root, cache);
        assert_eq!(findings_in(&warm), expected, "{}: warm", project.display());
        assert_eq!(warm.files_cached, warm.files.len());
        from_memo += usize::from(
            warm.stats
                .stages
                .iter()
                .any(|(stage, _)| *stage == "cache check"),
        );
        let scripts: Vec<std::path::PathBuf> = walkdir::WalkDir::new(&root)
            .into_iter()
            .map(|entry| entry.unwrap().into_path())
            // Config files (tsconfig, package.json) are not edited: the memo checks every
            // config file this process read, and one edited would make every later memo
            // miss, which only costs time but leaves nothing to count.
            .filter(|path| {
                path.is_file() && path.extension().is_none_or(|extension| extension != "json")
            })
            .collect();
        if scripts.len() < 2 {
            continue;
        }
        for script in scripts {
            let original = std::fs::read(&script).unwrap();
            seconds += 10;
            rewrite(&script, b"", seconds);
            let emptied = fresh();
            changed_by_edits += usize::from(emptied != expected);
            let (edited, next) = cached_run(&root, cache);
            assert_eq!(
                findings_in(&edited),
                emptied,
                "{}: {} emptied",
                project.display(),
                script.display()
            );
            let (again, next) = cached_run(&root, next);
            assert_eq!(findings_in(&again), emptied, "{}: rerun", project.display());
            seconds += 10;
            rewrite(&script, &original, seconds);
            let (restored, next) = cached_run(&root, next);
            assert_eq!(
                findings_in(&restored),
                expected,
                "{}: {} restored",
                project.display(),
                script.display()
            );
            cache = next;
            edits += 1;
        }
    }
    assert!(
        from_memo > 20,
        "only {from_memo} warm runs came from the memo"
    );
    assert!(
        edits > 30 && changed_by_edits > 20,
        "{edits} edits, {changed_by_edits} changed findings"
    );
}
