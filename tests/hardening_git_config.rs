//! Hostile refs, repositories, baselines and configs (issue 18, items 6, 11, 12 and
//! parts of 14), end to end through the binary.

mod common;

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

use common::{stderr, stdout, write};
use serde_json::Value;

const WILDCARD_POST: &str = "parent.postMessage({ token }, \"*\");\n";
/// Two warnings (no heartbeat, no reconnect) and no error.
const WARNING_SOCKET: &str =
    "const ws = new WebSocket(\"wss://x.example\");\nws.onmessage = (e) => console.log(e.data);\n";

fn crosswire(dir: &Path, args: &[&str]) -> Output {
    crosswire_os(
        dir,
        &args.iter().map(std::ffi::OsStr::new).collect::<Vec<_>>(),
    )
}

fn crosswire_os(dir: &Path, args: &[&std::ffi::OsStr]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_crosswire"))
        .args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .output()
        .expect("crosswire runs")
}

fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
        .args([
            "-c",
            "init.defaultBranch=main",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .current_dir(dir)
        .output()
        .expect("git runs");
    assert!(status.status.success(), "git {args:?}: {}", stderr(&status));
}

/// The paths of the findings of a JSON report.
fn finding_paths(output: &Output) -> Vec<String> {
    let json: Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|_| panic!("JSON on stdout; stderr: {}", stderr(output)));
    json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|finding| finding["path"].as_str().unwrap().to_string())
        .collect()
}

/// A repository with one committed file, `old.js`, holding a finding.
fn repository() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "old.js", WILDCARD_POST);
    git(dir.path(), &["init", "-q"]);
    git(dir.path(), &["add", "."]);
    git(dir.path(), &["commit", "-qm", "start"]);
    dir
}

// Item 6: a ref is never read as an option, and git failures are exit 2.

#[test]
fn a_ref_is_never_read_as_an_option_by_git() {
    let dir = repository();
    write(dir.path(), "new.js", WILDCARD_POST);
    for hostile in [
        "--output=written.txt",
        "--output",
        "-x",
        "--",
        "",
        "HEAD..HEAD",
        "HEAD...HEAD",
        "HEAD:old.js",
        "HEAD^{tree}",
        ":/no commit says this",
        "no-such-ref",
    ] {
        // The `=` form, since clap itself refuses a separate value that starts with `-`.
        let argument = format!("--changed-since={hostile}");
        let output = crosswire(dir.path(), &["--format", "json", &argument]);
        assert_eq!(
            output.status.code(),
            Some(2),
            "{hostile:?}: {}{}",
            stdout(&output),
            stderr(&output)
        );
        assert!(
            stderr(&output).contains("crosswire: error:"),
            "{hostile:?}: {}",
            stderr(&output)
        );
        assert!(
            stdout(&output).is_empty(),
            "{hostile:?}: {}",
            stdout(&output)
        );
        assert!(
            !dir.path().join("written.txt").exists(),
            "{hostile:?} made git write a file"
        );
    }
    // As a separate argument, clap already refuses a value that starts with `-`.
    let output = crosswire(dir.path(), &["--changed-since", "-x"]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
}

#[test]
fn every_way_of_naming_a_commit_works() {
    let dir = repository();
    git(dir.path(), &["tag", "-a", "-m", "annotated", "v1"]);
    write(dir.path(), "new.js", WILDCARD_POST);
    for reference in ["HEAD", "main", "v1", "HEAD@{0}", "@", ":/start", "HEAD~0"] {
        let output = crosswire(
            dir.path(),
            &["--format", "json", "--changed-since", reference],
        );
        assert_eq!(
            finding_paths(&output),
            ["new.js"],
            "{reference}: {}",
            stderr(&output)
        );
        assert_eq!(output.status.code(), Some(1), "{reference}");
    }
}

#[cfg(unix)]
#[test]
fn a_ref_that_is_not_utf8_is_a_git_error_not_a_crash() {
    use std::os::unix::ffi::OsStrExt;
    let dir = repository();
    let output = crosswire_os(
        dir.path(),
        &[
            std::ffi::OsStr::new("--changed-since"),
            std::ffi::OsStr::from_bytes(b"ma\xffin"),
        ],
    );
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(stderr(&output).contains("git"), "{}", stderr(&output));
}

#[test]
fn the_error_says_what_git_said() {
    let dir = repository();
    let output = crosswire(dir.path(), &["--changed-since", "no-such-ref"]);
    assert_eq!(output.status.code(), Some(2));
    let text = stderr(&output);
    assert!(text.contains("no-such-ref"), "{text}");
    assert!(text.contains("fatal"), "git's own words: {text}");

    let outside = tempfile::tempdir().unwrap();
    write(outside.path(), "a.js", WILDCARD_POST);
    let output = crosswire(outside.path(), &["--changed-since", "HEAD"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("not a git repository"),
        "{}",
        stderr(&output)
    );
}

#[cfg(unix)]
#[test]
fn a_planted_repository_config_runs_no_program() {
    use std::os::unix::fs::PermissionsExt;
    let dir = repository();
    let marker = dir.path().join("ran");
    let script = dir.path().join("evil.sh");
    fs::write(
        &script,
        format!("#!/bin/sh\necho \"$0 $*\" >> '{}'\ncat\n", marker.display()),
    )
    .unwrap();
    fs::set_permissions(&script, fs::Permissions::from_mode(0o755)).unwrap();
    let program = script.to_str().unwrap();
    for (key, value) in [
        ("core.fsmonitor", program),
        ("core.hooksPath", dir.path().join("hooks").to_str().unwrap()),
        ("diff.external", program),
        ("diff.evil.textconv", program),
        ("diff.evil.command", program),
        ("filter.evil.clean", program),
        ("filter.evil.smudge", program),
        ("filter.evil.process", program),
        ("core.pager", program),
    ] {
        git(dir.path(), &["config", key, value]);
    }
    for hook in ["post-index-change", "post-checkout", "pre-commit"] {
        write(dir.path(), &format!("hooks/{hook}"), "");
        let hook = dir.path().join("hooks").join(hook);
        fs::copy(&script, &hook).unwrap();
    }
    write(dir.path(), ".gitattributes", "* diff=evil filter=evil\n");
    // A committed file whose content is unchanged but whose stat is not: git would
    // rehash it, through the clean filter, to know whether it changed.
    write(dir.path(), "old.js", WILDCARD_POST);
    write(dir.path(), "new.js", WILDCARD_POST);
    let output = crosswire(dir.path(), &["--format", "json", "--changed-since", "HEAD"]);
    assert!(
        !marker.exists(),
        "git ran a program: {}",
        fs::read_to_string(&marker).unwrap_or_default()
    );
    assert!(
        finding_paths(&output).contains(&"new.js".to_string()),
        "{}",
        stderr(&output)
    );
}

#[cfg(unix)]
#[test]
fn a_filter_driver_that_cannot_be_switched_off_stops_the_run() {
    use std::os::unix::fs::PermissionsExt;
    let dir = repository();
    let marker = dir.path().join("ran");
    let script = dir.path().join("evil.sh");
    fs::write(
        &script,
        format!("#!/bin/sh\necho ran >> '{}'\ncat\n", marker.display()),
    )
    .unwrap();
    fs::set_permissions(&script, fs::Permissions::from_mode(0o755)).unwrap();
    // `-c filter.a=b.clean=` would set `filter.a`, not switch this driver off.
    git(
        dir.path(),
        &["config", "filter.a=b.clean", script.to_str().unwrap()],
    );
    write(dir.path(), ".gitattributes", "* filter=a=b\n");
    write(dir.path(), "old.js", WILDCARD_POST);
    let output = crosswire(dir.path(), &["--changed-since", "HEAD"]);
    assert!(!marker.exists(), "git ran the filter");
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(stderr(&output).contains("filter"), "{}", stderr(&output));
}

// Item 11: no changed file is dropped.

#[test]
fn names_git_would_quote_are_linted() {
    let dir = tempfile::tempdir().unwrap();
    let names = [
        "café.js",
        "tab\there.js",
        "quote\"d.js",
        "line\nbreak.js",
        " space.js",
    ];
    for name in names {
        write(dir.path(), name, "const x = 1;\n");
    }
    git(dir.path(), &["init", "-q"]);
    git(dir.path(), &["add", "."]);
    git(dir.path(), &["commit", "-qm", "start"]);
    // Committed ones changed, and untracked ones with the same kinds of names.
    for name in names {
        write(dir.path(), name, WILDCARD_POST);
        write(dir.path(), &format!("new {name}"), WILDCARD_POST);
    }
    let output = crosswire(dir.path(), &["--format", "json", "--changed-since", "HEAD"]);
    let mut found = finding_paths(&output);
    found.sort();
    let mut expected: Vec<String> = names
        .iter()
        .flat_map(|name| [name.to_string(), format!("new {name}")])
        .collect();
    expected.sort();
    assert_eq!(found, expected, "{}", stderr(&output));
}

#[cfg(unix)]
#[test]
fn names_that_are_not_utf8_are_linted() {
    use std::os::unix::ffi::OsStrExt;
    let dir = repository();
    let name = std::ffi::OsStr::from_bytes(b"caf\xe9.js");
    fs::write(dir.path().join(name), WILDCARD_POST).unwrap();
    let output = crosswire(dir.path(), &["--format", "json", "--changed-since", "HEAD"]);
    assert_eq!(finding_paths(&output).len(), 1, "{}", stderr(&output));
}

/// A repository with committed `top.js` and `sub/inner.js`, both then changed, and an
/// untracked `untracked.js` at the top; the run is from `sub`.
fn repository_with_a_subfolder() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "top.js", "const x = 1;\n");
    write(dir.path(), "sub/inner.js", "const x = 1;\n");
    git(dir.path(), &["init", "-q"]);
    git(dir.path(), &["add", "."]);
    git(dir.path(), &["commit", "-qm", "start"]);
    write(dir.path(), "top.js", WILDCARD_POST);
    write(dir.path(), "sub/inner.js", WILDCARD_POST);
    write(dir.path(), "untracked.js", WILDCARD_POST);
    write(dir.path(), "sub/untracked.js", WILDCARD_POST);
    dir
}

#[test]
fn a_run_from_a_subfolder_over_its_parent_keeps_every_changed_file() {
    let dir = repository_with_a_subfolder();
    let sub = dir.path().join("sub");
    // As a run without --changed-since names them.
    let expected = [
        "../sub/inner.js",
        "../sub/untracked.js",
        "../top.js",
        "../untracked.js",
    ];
    let output = crosswire(&sub, &["--format", "json", "--changed-since", "HEAD", ".."]);
    let mut found = finding_paths(&output);
    found.sort();
    assert_eq!(found, expected, "{}", stderr(&output));

    // Without project-level rules only the changed files are read: the same files.
    write(
        dir.path(),
        "crosswire.toml",
        "[rules]\nwebsocket-same-page = \"off\"\n",
    );
    let output = crosswire(&sub, &["--format", "json", "--changed-since", "HEAD", ".."]);
    let mut found = finding_paths(&output);
    found.sort();
    assert_eq!(found, expected, "{}", stderr(&output));
}

#[test]
fn untracked_files_outside_the_working_directory_are_linted() {
    let dir = repository_with_a_subfolder();
    let sub = dir.path().join("sub");
    let top = dir.path().to_str().unwrap().to_string();
    let output = crosswire(&sub, &["--format", "json", "--changed-since", "HEAD", &top]);
    let found = finding_paths(&output);
    assert!(
        found
            .iter()
            .any(|path| path.ends_with("/untracked.js") && !path.contains("sub/")),
        "{found:?} {}",
        stderr(&output)
    );
    assert_eq!(found.len(), 4, "{found:?}");
}

#[test]
fn a_repository_folder_whose_name_ends_in_white_space() {
    let parent = tempfile::tempdir().unwrap();
    for name in ["repo ", "repo\t", " repo"] {
        let dir = parent.path().join(name);
        fs::create_dir(&dir).unwrap();
        write(&dir, "old.js", "const x = 1;\n");
        git(&dir, &["init", "-q"]);
        git(&dir, &["add", "."]);
        git(&dir, &["commit", "-qm", "start"]);
        write(&dir, "old.js", WILDCARD_POST);
        let output = crosswire(&dir, &["--format", "json", "--changed-since", "HEAD"]);
        assert_eq!(
            finding_paths(&output),
            ["old.js"],
            "{name:?}: {}",
            stderr(&output)
        );
    }
}

#[test]
fn a_shallow_clone_without_the_ref_says_to_fetch_the_history() {
    let origin = tempfile::tempdir().unwrap();
    write(origin.path(), "a.js", "const x = 1;\n");
    git(origin.path(), &["init", "-q"]);
    git(origin.path(), &["add", "."]);
    git(origin.path(), &["commit", "-qm", "one"]);
    write(origin.path(), "a.js", WILDCARD_POST);
    git(origin.path(), &["commit", "-qam", "two"]);
    let clones = tempfile::tempdir().unwrap();
    let url = format!("file://{}", origin.path().display());
    git(
        clones.path(),
        &["clone", "-q", "--depth", "1", &url, "clone"],
    );
    let clone = clones.path().join("clone");
    let output = crosswire(&clone, &["--changed-since", "HEAD~1"]);
    assert_eq!(output.status.code(), Some(2));
    let text = stderr(&output);
    assert!(text.contains("shallow"), "{text}");
    assert!(text.contains("fetch-depth: 0"), "{text}");
}

// Item 12: --baseline-prune drops only what the run could have found again.

/// A project whose baseline holds an error in `a.js` and `b.js` and two warnings in
/// `w.js`.
fn baselined_project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.js", WILDCARD_POST);
    write(dir.path(), "b.js", WILDCARD_POST);
    write(dir.path(), "w.js", WARNING_SOCKET);
    let output = crosswire(dir.path(), &["--write-baseline", "baseline.json"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(baseline_paths(dir.path()), ["a.js", "b.js", "w.js", "w.js"]);
    dir
}

fn baseline_paths(dir: &Path) -> Vec<String> {
    let json: Value =
        serde_json::from_str(&fs::read_to_string(dir.join("baseline.json")).unwrap()).unwrap();
    json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| entry["path"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn pruning_keeps_entries_of_files_the_run_did_not_lint() {
    let dir = baselined_project();
    fs::write(dir.path().join("a.js"), "const fixed = 1;\n").unwrap();
    let output = crosswire(
        dir.path(),
        &["--baseline", "baseline.json", "--baseline-prune", "a.js"],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(baseline_paths(dir.path()), ["b.js", "w.js", "w.js"]);
    assert!(
        stderr(&output).contains("pruned 1 fixed finding from the baseline"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn pruning_with_changed_since_keeps_entries_of_unchanged_files() {
    let dir = baselined_project();
    git(dir.path(), &["init", "-q"]);
    git(dir.path(), &["add", "."]);
    git(dir.path(), &["commit", "-qm", "start"]);
    fs::write(dir.path().join("a.js"), "const fixed = 1;\n").unwrap();
    let output = crosswire(
        dir.path(),
        &[
            "--baseline",
            "baseline.json",
            "--baseline-prune",
            "--changed-since",
            "HEAD",
        ],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(baseline_paths(dir.path()), ["b.js", "w.js", "w.js"]);
}

#[test]
fn pruning_with_quiet_keeps_the_warnings_it_did_not_look_for() {
    let dir = baselined_project();
    let output = crosswire(
        dir.path(),
        &["--baseline", "baseline.json", "--baseline-prune", "-q"],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(baseline_paths(dir.path()), ["a.js", "b.js", "w.js", "w.js"]);
}

#[test]
fn pruning_keeps_entries_of_rules_turned_off_and_of_files_that_no_longer_parse() {
    let dir = baselined_project();
    write(
        dir.path(),
        "crosswire.toml",
        "[rules]\nwebsocket-no-heartbeat = \"off\"\nwebsocket-no-reconnect = \"off\"\n",
    );
    write(dir.path(), "b.js", format!("{WILDCARD_POST}function (\n"));
    let output = crosswire(
        dir.path(),
        &["--baseline", "baseline.json", "--baseline-prune"],
    );
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert_eq!(baseline_paths(dir.path()), ["a.js", "b.js", "w.js", "w.js"]);

    // Once the rules run and the file parses, fixed findings go.
    fs::remove_file(dir.path().join("crosswire.toml")).unwrap();
    write(dir.path(), "b.js", "const fixed = 1;\n");
    write(dir.path(), "w.js", "const fixed = 1;\n");
    let output = crosswire(
        dir.path(),
        &["--baseline", "baseline.json", "--baseline-prune"],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(baseline_paths(dir.path()), ["a.js"]);
    assert!(
        stderr(&output).contains("pruned 3 fixed findings from the baseline"),
        "{}",
        stderr(&output)
    );
    assert!(
        stderr(&output).contains("note: 1 finding is in the baseline and not reported"),
        "{}",
        stderr(&output)
    );
}

// Item 14: configs and paths.

#[test]
fn files_ignore_applies_with_a_relative_config_and_an_absolute_path() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "src/app.js", WILDCARD_POST);
    write(dir.path(), "dist/bundle.js", WILDCARD_POST);
    write(
        dir.path(),
        "conf/crosswire.toml",
        "[files]\nignore = [\"/dist/\"]\n",
    );
    let absolute = dir.path().to_str().unwrap().to_string();
    let absolute_bundle = dir.path().join("dist/bundle.js");
    let absolute_bundle = absolute_bundle.to_str().unwrap();
    // The config's folder is `conf`, so its `/dist/` is `conf/dist`: nothing ignored.
    let output = crosswire(
        dir.path(),
        &["--format", "json", "-c", "conf/crosswire.toml", &absolute],
    );
    assert_eq!(finding_paths(&output).len(), 2, "{}", stderr(&output));

    fs::rename(
        dir.path().join("conf/crosswire.toml"),
        dir.path().join("crosswire.toml"),
    )
    .unwrap();
    for (cwd, config) in [
        (dir.path().to_path_buf(), "crosswire.toml"),
        (dir.path().to_path_buf(), "./crosswire.toml"),
        (dir.path().join("src"), "../crosswire.toml"),
    ] {
        for path in [absolute.as_str(), absolute_bundle] {
            let output = crosswire(&cwd, &["--format", "json", "-c", config, path]);
            let found = finding_paths(&output);
            assert!(
                found.iter().all(|found| !found.contains("dist")),
                "-c {config} {path}: {found:?}"
            );
        }
    }
}

#[cfg(unix)]
#[test]
fn a_file_named_twice_is_reported_once() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "src/a.js", WILDCARD_POST);
    write(dir.path(), "other/b.js", "const x = 1;\n");
    std::os::unix::fs::symlink(dir.path().join("src"), dir.path().join("link")).unwrap();
    for (paths, files) in [
        (&["src/a.js", "./src/a.js"][..], 1),
        (&["src/a.js", "src/../src/a.js"], 1),
        (&["src/a.js", "other/../src/a.js"], 1),
        (&["src", "./src", "src/"], 1),
        (&[".", "src"], 2),
        (&["src", "link"], 1),
        (&["link/a.js", "src/a.js"], 1),
    ] {
        let mut args = vec!["--format", "json"];
        args.extend_from_slice(paths);
        let output = crosswire(dir.path(), &args);
        let found = finding_paths(&output);
        assert_eq!(found.len(), 1, "{paths:?}: {found:?}");
        let json: Value = serde_json::from_slice(&output.stdout).unwrap();
        assert_eq!(json["summary"]["files_scanned"], files, "{paths:?}");
    }
    // The file's own name is preferred to a link's.
    let output = crosswire(dir.path(), &["--format", "json", "link", "src"]);
    assert_eq!(finding_paths(&output), ["src/a.js"]);
}

#[test]
fn the_config_search_stops_at_the_repository_top() {
    let outer = tempfile::tempdir().unwrap();
    write(
        outer.path(),
        "crosswire.toml",
        "[rules]\npostmessage-wildcard-origin = \"off\"\n",
    );
    let repo = outer.path().join("repo");
    write(&repo, "src/a.js", WILDCARD_POST);
    git(&repo, &["init", "-q"]);
    let output = crosswire(&repo.join("src"), &["--format", "json"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert_eq!(finding_paths(&output), ["a.js"]);

    // A config in the repository's top is found from a subfolder, and named.
    write(
        &repo,
        "crosswire.toml",
        "[rules]\npostmessage-wildcard-origin = \"warn\"\n",
    );
    let output = crosswire(&repo.join("src"), &["--format", "json"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("note: using the config ../crosswire.toml"),
        "{}",
        stderr(&output)
    );
    let output = crosswire(&repo.join("src"), &["--format", "json", "-q"]);
    assert!(stderr(&output).is_empty(), "{}", stderr(&output));
    // In the working directory it goes without saying.
    let output = crosswire(&repo, &["--format", "json"]);
    assert!(stderr(&output).is_empty(), "{}", stderr(&output));

    // A worktree or submodule marks its top with a `.git` file.
    let nested = repo.join("nested");
    write(&nested, ".git", "gitdir: ../.git\n");
    write(&nested, "a.js", WILDCARD_POST);
    let output = crosswire(&nested, &["--format", "json"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
}
