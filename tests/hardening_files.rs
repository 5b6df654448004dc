//! End-to-end tests of crosswire against hostile files, pipes and caches (issue 18,
//! items 5, 7, 8, 10 and 14): closed pipes, planted links and special files where
//! crosswire writes or reads, forged caches, and reads without bounds.

#![cfg(unix)]

mod common;

use common::{stderr, stdout, write};
use std::ffi::OsStr;
use std::fs;
use std::io::Write;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{PermissionsExt, symlink};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

const WILDCARD_POST: &str = "parent.postMessage({ token }, \"*\");\n";
/// As long as `WILDCARD_POST`, and clean.
const EXACT_POST: &str = "parent.postMessage({ token }, \"/\");\n";
const RULE: &str = "postmessage-wildcard-origin";

/// The longest any run here may take: crosswire hangs past it.
const PATIENCE: Duration = Duration::from_secs(60);

/// crosswire in `dir`, with its private cache folder in `cache_home` (never the
/// tester's own).
fn command(dir: &Path, cache_home: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_crosswire"));
    command
        .args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .env("XDG_CACHE_HOME", cache_home)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    command
}

/// Waits for `child`, killing it past [`PATIENCE`]: a hang fails the test instead of
/// the whole suite.
fn finish(mut child: Child) -> Output {
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > PATIENCE {
            child.kill().unwrap();
            let output = child.wait_with_output().unwrap();
            panic!(
                "crosswire hung for {PATIENCE:?}; stderr: {}",
                stderr(&output)
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

fn run(mut command: Command) -> Output {
    finish(command.spawn().expect("crosswire starts"))
}

/// A project and a private cache folder outside it.
struct Fixture {
    tree: tempfile::TempDir,
    cache_home: tempfile::TempDir,
}

impl Fixture {
    fn new() -> Fixture {
        let tree = tempfile::tempdir().unwrap();
        write(
            tree.path(),
            "src/app.js",
            format!("// app\n{WILDCARD_POST}"),
        );
        Fixture {
            tree,
            cache_home: tempfile::tempdir().unwrap(),
        }
    }

    fn path(&self) -> &Path {
        self.tree.path()
    }

    fn command(&self, args: &[&str]) -> Command {
        command(self.path(), self.cache_home.path(), args)
    }

    fn run(&self, args: &[&str]) -> Output {
        run(self.command(args))
    }
}

/// The write end of a pipe whose read end is already closed: every write fails with
/// EPIPE, deterministically.
fn closed_pipe() -> Stdio {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    Stdio::from(writer)
}

fn assert_no_panic(output: &Output) {
    let text = stderr(output);
    assert!(!text.contains("panicked"), "{text}");
    assert_ne!(output.status.code(), Some(101), "{text}");
}

// Item 5: closed pipes.

#[test]
fn list_rules_and_explain_into_a_closed_pipe_exit_0_without_a_panic() {
    let fixture = Fixture::new();
    for args in [&["--list-rules"][..], &["--explain", RULE], &["--help"]] {
        for _ in 0..3 {
            let mut command = fixture.command(args);
            command.stdout(closed_pipe());
            let output = run(command);
            assert_no_panic(&output);
            assert_eq!(
                output.status.code(),
                Some(0),
                "{args:?}: {}",
                stderr(&output)
            );
        }
    }
}

#[test]
fn a_report_into_a_closed_pipe_keeps_the_status_of_its_findings() {
    let fixture = Fixture::new();
    for format in ["pretty", "compact", "json", "sarif", "github"] {
        let mut command = fixture.command(&["--format", format]);
        command.stdout(closed_pipe());
        let output = run(command);
        assert_no_panic(&output);
        assert_eq!(
            output.status.code(),
            Some(1),
            "{format}: {}",
            stderr(&output)
        );
    }
    let mut command = fixture.command(&["--print-page-map"]);
    command.stdout(closed_pipe());
    let output = run(command);
    assert_no_panic(&output);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
}

#[test]
fn a_closed_standard_error_changes_no_exit_status() {
    let fixture = Fixture::new();
    write(fixture.path(), "notes.txt", "not a script");
    let cases: [(&[&str], i32); 5] = [
        // A finding and a note (the file that is not a script).
        (&["src", "notes.txt"], 1),
        // An error for one path.
        (&["missing.js"], 2),
        // An error of the whole run.
        (&["--explain", "no-such-rule"], 2),
        // A config that cannot be used: miette's report on standard error.
        (&["-c", "missing.toml"], 2),
        // A note after writing the baseline.
        (&["--write-baseline", "baseline.json"], 0),
    ];
    for (args, status) in cases {
        let mut command = fixture.command(args);
        command.stderr(closed_pipe());
        let output = run(command);
        assert_eq!(output.status.code(), Some(status), "{args:?}");
    }
}

#[test]
fn a_full_standard_output_is_an_error_not_a_panic() {
    let fixture = Fixture::new();
    for args in [
        &["--list-rules"][..],
        &["--explain", RULE],
        &["--format", "json"],
    ] {
        let mut command = fixture.command(args);
        command.stdout(fs::File::create("/dev/full").unwrap());
        let output = run(command);
        assert_no_panic(&output);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(
            stderr(&output).contains("cannot write"),
            "{}",
            stderr(&output)
        );
    }
}

// Item 7: writes through planted links and onto special files.

/// Every flag that makes crosswire write a file, with `NAME` standing for the file.
fn writing_runs() -> Vec<Vec<&'static str>> {
    vec![
        vec!["--format", "sarif", "-o", "NAME", "src"],
        vec!["--print-page-map", "-o", "NAME", "src"],
        vec!["--write-baseline", "NAME", "src"],
        vec!["--cache", "--cache-location", "NAME", "src"],
    ]
}

fn with_name<'a>(args: &[&'a str], name: &'a str) -> Vec<&'a str> {
    args.iter()
        .map(|arg| if *arg == "NAME" { name } else { arg })
        .collect()
}

#[test]
fn no_write_follows_a_planted_link() {
    for args in writing_runs() {
        let fixture = Fixture::new();
        let outside = tempfile::tempdir().unwrap();
        let victim = outside.path().join("victim.sh");
        fs::write(&victim, "precious\n").unwrap();
        symlink(&victim, fixture.path().join("planted")).unwrap();
        // A link to a folder on the way is as bad as a link at the end.
        symlink(outside.path(), fixture.path().join("out")).unwrap();
        let absolute = fixture.path().join("out/victim.sh");
        for name in ["planted", "out/victim.sh", absolute.to_str().unwrap()] {
            let output = fixture.run(&with_name(&args, name));
            assert_eq!(output.status.code(), Some(2), "{args:?} {name}");
            assert!(
                stderr(&output).contains("symbolic link"),
                "{args:?} {name}: {}",
                stderr(&output)
            );
            assert!(
                fs::read_to_string(&victim).unwrap() == "precious\n",
                "{args:?} {name}: written through the link"
            );
        }
        assert!(
            fs::symlink_metadata(fixture.path().join("planted"))
                .unwrap()
                .file_type()
                .is_symlink()
        );
    }
}

#[test]
fn a_baseline_prune_does_not_write_through_a_planted_link() {
    let fixture = Fixture::new();
    let outside = tempfile::tempdir().unwrap();
    let victim = outside.path().join("baseline.json");
    // An entry of a file the run lints that nothing matches (a fixed finding), so that
    // pruning rewrites the baseline.
    let baseline = r#"{"version":1,"findings":[{"rule":"postmessage-wildcard-origin","path":"src/app.js","fingerprint":"x","message":"m"}]}"#;
    fs::write(&victim, baseline).unwrap();
    symlink(&victim, fixture.path().join("baseline.json")).unwrap();
    let output = fixture.run(&["--baseline", "baseline.json", "--baseline-prune", "src"]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("symbolic link"),
        "{}",
        stderr(&output)
    );
    assert_eq!(fs::read_to_string(&victim).unwrap(), baseline);
}

#[test]
fn no_write_goes_to_a_fifo_a_device_or_a_folder() {
    for args in writing_runs() {
        let fixture = Fixture::new();
        let fifo = fixture.path().join("fifo");
        assert!(
            Command::new("mkfifo")
                .arg(&fifo)
                .status()
                .unwrap()
                .success()
        );
        fs::create_dir(fixture.path().join("folder")).unwrap();
        for (name, what) in [
            ("fifo", "FIFO"),
            ("/dev/null", "device"),
            ("folder", "folder"),
        ] {
            let output = fixture.run(&with_name(&args, name));
            // An existing folder is where the cache keeps its files.
            if args.contains(&"--cache") && name == "folder" {
                assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
                assert!(fixture.path().join("folder/cache").is_file());
                continue;
            }
            assert_eq!(output.status.code(), Some(2), "{args:?} {name}");
            assert!(
                stderr(&output).contains(what),
                "{args:?} {name}: {}",
                stderr(&output)
            );
        }
    }
}

#[test]
fn a_report_replaces_a_hard_link_instead_of_writing_into_its_other_name() {
    let fixture = Fixture::new();
    let outside = tempfile::tempdir().unwrap();
    let victim = outside.path().join("victim.sh");
    fs::write(&victim, "precious\n").unwrap();
    if fs::hard_link(&victim, fixture.path().join("crosswire.sarif")).is_err() {
        return; // Another file system: no hard link to test.
    }
    let output = fixture.run(&["--format", "sarif", "-o", "crosswire.sarif", "src"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(
        fs::read_to_string(&victim).unwrap() == "precious\n",
        "the report was written into the file's other name"
    );
    let report = fs::read_to_string(fixture.path().join("crosswire.sarif")).unwrap();
    assert!(report.contains(RULE), "{report}");
}

#[test]
fn written_files_keep_the_mode_of_the_file_they_replace() {
    let fixture = Fixture::new();
    let output = fixture.run(&["--write-baseline", "baseline.json", "src"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let path = fixture.path().join("baseline.json");
    // A new file gets the usual mode (not the 0600 of a temporary file).
    let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode & 0o044, 0o044, "{mode:o}");
    fs::set_permissions(&path, fs::Permissions::from_mode(0o640)).unwrap();
    let output = fixture.run(&["--write-baseline", "baseline.json", "src"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o640);
}

// Item 8: cache poisoning.

fn compact_findings(output: &Output) -> usize {
    stdout(output)
        .lines()
        .filter(|line| line.contains(RULE))
        .count()
}

/// Sets the findings of every entry of the cache file at `path`, and of its memo of the
/// last run, to none, keeping whatever comes before the payload (as an attacker who
/// cannot sign it would).
fn empty_cached_findings(path: &Path) {
    let bytes = fs::read(path).unwrap();
    let start = bytes.iter().position(|byte| *byte == b'\n').unwrap() + 1;
    let header = bytes[..start].to_vec();
    let mut cache = crosswire::cache::Cache::decode(bytes, start).unwrap();
    assert!(!cache.files().is_empty());
    for entry in cache.files_mut().values_mut() {
        entry.findings.clear();
    }
    let memo = cache.memo.as_mut().unwrap();
    assert!(!memo.findings.is_empty());
    memo.findings.clear();
    let mut forged = header;
    forged.extend(cache.encode());
    fs::write(path, forged).unwrap();
}

#[test]
fn a_tampered_cache_hides_no_finding() {
    let fixture = Fixture::new();
    let args = ["--cache", "--format", "compact", "src"];
    let output = fixture.run(&args);
    assert_eq!(compact_findings(&output), 1, "{}", stderr(&output));
    empty_cached_findings(&fixture.path().join(".crosswire-cache/cache"));
    let output = fixture.run(&args);
    assert_eq!(compact_findings(&output), 1, "{}", stderr(&output));
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("not written by this user's crosswire"),
        "{}",
        stderr(&output)
    );
    // Rewritten: the next run trusts it again, quietly.
    let output = fixture.run(&args);
    assert_eq!(compact_findings(&output), 1, "{}", stderr(&output));
    assert!(!stderr(&output).contains("cache"), "{}", stderr(&output));
    // -q says nothing about the cache either.
    empty_cached_findings(&fixture.path().join(".crosswire-cache/cache"));
    let output = fixture.run(&["-q", "--cache", "--format", "compact", "src"]);
    assert_eq!(compact_findings(&output), 1);
    assert_eq!(stderr(&output), "");
}

#[test]
fn a_cache_written_with_another_users_key_is_not_trusted() {
    let fixture = Fixture::new();
    let app = fixture.path().join("src/app.js");
    let stamp = std::time::SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
    // The attacker's run, over a clean file of the same size and time.
    fs::write(&app, format!("// app\n{EXACT_POST}")).unwrap();
    fs::File::options()
        .write(true)
        .open(&app)
        .unwrap()
        .set_modified(stamp)
        .unwrap();
    let attacker = tempfile::tempdir().unwrap();
    let args = ["--cache", "--format", "compact", "src"];
    let output = run(command(fixture.path(), attacker.path(), &args));
    assert_eq!(compact_findings(&output), 0, "{}", stderr(&output));
    // The victim's file has the finding.
    fs::write(&app, format!("// app\n{WILDCARD_POST}")).unwrap();
    fs::File::options()
        .write(true)
        .open(&app)
        .unwrap()
        .set_modified(stamp)
        .unwrap();
    let output = fixture.run(&args);
    assert_eq!(compact_findings(&output), 1, "{}", stderr(&output));
}

#[test]
fn a_cache_key_inside_the_linted_tree_is_not_used() {
    let fixture = Fixture::new();
    let inside = fixture.path().join(".cache");
    let args = ["--cache", "--format", "compact", "."];
    let output = run(command(fixture.path(), &inside, &args));
    assert_eq!(compact_findings(&output), 1, "{}", stderr(&output));
    assert!(
        stderr(&output).contains("inside the linted tree"),
        "{}",
        stderr(&output)
    );
    assert!(!fixture.path().join(".crosswire-cache").exists());
    assert!(!inside.join("crosswire").exists());
}

#[test]
fn without_a_private_cache_folder_the_cache_is_not_used() {
    let fixture = Fixture::new();
    let mut command = fixture.command(&["--cache", "--format", "compact", "src"]);
    command.env_remove("XDG_CACHE_HOME").env_remove("HOME");
    let output = run(command);
    assert_eq!(compact_findings(&output), 1, "{}", stderr(&output));
    assert!(
        stderr(&output).contains("the cache is not used"),
        "{}",
        stderr(&output)
    );
    assert!(!fixture.path().join(".crosswire-cache").exists());
    // A relative XDG_CACHE_HOME is to be ignored (XDG base directory specification).
    let mut command = fixture.command(&["--cache", "--format", "compact", "src"]);
    command.env("XDG_CACHE_HOME", "cache").env_remove("HOME");
    let output = run(command);
    assert!(
        stderr(&output).contains("the cache is not used"),
        "{}",
        stderr(&output)
    );
    assert!(!fixture.path().join("cache").exists());
}

#[test]
fn a_key_that_others_can_read_or_write_is_not_trusted() {
    let fixture = Fixture::new();
    let args = ["--cache", "--format", "compact", "src"];
    let output = fixture.run(&args);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let folder = fixture.cache_home.path().join("crosswire");
    let key = fs::read_dir(&folder)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    assert_eq!(
        fs::metadata(&folder).unwrap().permissions().mode() & 0o777,
        0o700
    );
    assert_eq!(
        fs::metadata(&key).unwrap().permissions().mode() & 0o777,
        0o600
    );
    fs::set_permissions(&key, fs::Permissions::from_mode(0o644)).unwrap();
    let output = fixture.run(&args);
    assert_eq!(compact_findings(&output), 1, "{}", stderr(&output));
    assert!(
        stderr(&output).contains("the cache is not used"),
        "{}",
        stderr(&output)
    );
}

// Item 10: reads without bounds.

#[test]
fn standard_input_is_read_up_to_max_file_size_only() {
    let fixture = Fixture::new();
    let mut command = fixture.command(&["--max-file-size", "1000", "--format", "compact", "-"]);
    command.stdin(Stdio::piped());
    let mut child = command.spawn().unwrap();
    let mut input = child.stdin.take().unwrap();
    // More than the limit, and the pipe stays open: crosswire must not wait for its end.
    input
        .write_all(WILDCARD_POST.repeat(200).as_bytes())
        .unwrap();
    let output = finish(child);
    drop(input);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("over --max-file-size (1000 bytes)"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn standard_input_at_the_limit_is_linted() {
    let fixture = Fixture::new();
    let size = WILDCARD_POST.len().to_string();
    let mut command = fixture.command(&["--max-file-size", &size, "--format", "compact", "-"]);
    command.stdin(Stdio::piped());
    let mut child = command.spawn().unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(WILDCARD_POST.as_bytes())
        .unwrap();
    let output = finish(child);
    assert_eq!(compact_findings(&output), 1, "{}", stderr(&output));
}

#[test]
fn a_fifo_as_config_baseline_or_cache_is_refused_without_hanging() {
    let fixture = Fixture::new();
    let fifo = fixture.path().join("fifo");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    for args in [
        &["-c", "fifo", "src"][..],
        &["--baseline", "fifo", "src"],
        &["--cache", "--cache-location", "fifo", "src"],
    ] {
        let output = fixture.run(args);
        assert_eq!(
            output.status.code(),
            Some(2),
            "{args:?}: {}",
            stderr(&output)
        );
        assert!(
            stderr(&output).contains("FIFO"),
            "{args:?}: {}",
            stderr(&output)
        );
    }
}

#[test]
fn a_device_as_config_baseline_or_cache_is_refused() {
    let fixture = Fixture::new();
    for args in [
        &["-c", "/dev/zero", "src"][..],
        &["--baseline", "/dev/zero", "src"],
        &["--cache", "--cache-location", "/dev/zero", "src"],
    ] {
        let output = fixture.run(args);
        assert_eq!(
            output.status.code(),
            Some(2),
            "{args:?}: {}",
            stderr(&output)
        );
        assert!(
            stderr(&output).contains("device"),
            "{args:?}: {}",
            stderr(&output)
        );
    }
}

#[test]
fn a_fifo_named_as_a_file_to_lint_does_not_hang() {
    let fixture = Fixture::new();
    let fifo = fixture.path().join("pipe.js");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let output = fixture.run(&["--format", "compact", "pipe.js", "src"]);
    assert_eq!(compact_findings(&output), 1, "{}", stderr(&output));
    assert_ne!(output.status.code(), Some(101), "{}", stderr(&output));
}

// Item 14: cache entries keyed by the exact path.

#[test]
fn names_that_decode_to_the_same_text_keep_their_own_cache_entries() {
    let fixture = Fixture::new();
    let folder = fixture.path().join("names");
    fs::create_dir(&folder).unwrap();
    let stamp = std::time::SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
    let mut names: Vec<PathBuf> = Vec::new();
    // Two invalid UTF-8 names that both read as `a\u{fffd}.js`, and a backslash
    // that reads as a folder separator.
    for (name, text) in [
        (&b"a\xff.js"[..], WILDCARD_POST),
        (b"a\xfe.js", EXACT_POST),
        (b"b\\c.js", WILDCARD_POST),
    ] {
        let path = folder.join(OsStr::from_bytes(name));
        fs::write(&path, text).unwrap();
        names.push(path);
    }
    fs::create_dir(folder.join("b")).unwrap();
    let nested = folder.join("b/c.js");
    fs::write(&nested, EXACT_POST).unwrap();
    names.push(nested);
    for path in &names {
        fs::File::options()
            .write(true)
            .open(path)
            .unwrap()
            .set_modified(stamp)
            .unwrap();
    }
    let args = ["--cache", "--format", "compact", "names"];
    let cold = fixture.run(&args);
    assert_eq!(compact_findings(&cold), 2, "{}", stderr(&cold));
    let warm = fixture.run(&args);
    assert_eq!(stdout(&warm), stdout(&cold), "{}", stderr(&warm));
}

#[test]
fn an_ignore_file_linked_to_something_huge_is_left_out() {
    let fixture = Fixture::new();
    let outside = tempfile::tempdir().unwrap();
    // Sparse: a gigabyte that takes no room on disk.
    let huge = outside.path().join("huge");
    fs::File::create(&huge).unwrap().set_len(1 << 30).unwrap();
    symlink(&huge, fixture.path().join("src/.gitignore")).unwrap();
    write(fixture.path(), ".gitignore", "ignored/\n");
    write(fixture.path(), "ignored/x.js", WILDCARD_POST);
    let output = fixture.run(&["--format", "compact", "."]);
    assert_eq!(compact_findings(&output), 1, "{}", stdout(&output));
    assert!(
        stdout(&output).contains("src/app.js"),
        "{}",
        stdout(&output)
    );
}

// A module over a limit hides nothing it is asked about.

/// A helper module too large to analyse, and a handler that trusts it: the helper is
/// not taken as a check, with or without the cache, whether the first pass skipped it
/// or the link did.
#[test]
fn a_helper_over_a_limit_is_not_trusted_as_a_check() {
    let tree = tempfile::tempdir().unwrap();
    let cache_home = tempfile::tempdir().unwrap();
    write(
        tree.path(),
        "lib.js",
        format!(
            "export function isTrusted(origin) {{ return origin === \"https://app.example\"; }}\n// {}\n",
            "x".repeat(400)
        ),
    );
    write(
        tree.path(),
        "main.js",
        "import { isTrusted } from \"./lib.js\";\n\
         window.addEventListener(\"message\", (event) => {\n\
           if (!isTrusted(event.origin)) return;\n\
           document.body.innerHTML = event.data;\n\
         });\n",
    );
    // Within the limits the helper checks the origin: quiet.
    let output = run(command(
        tree.path(),
        cache_home.path(),
        &["--format", "compact", "."],
    ));
    assert_no_panic(&output);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    for args in [
        &["--format", "compact", "--max-file-size", "300", "."][..],
        &[
            "--format",
            "compact",
            "--max-file-size",
            "300",
            "--cache",
            ".",
        ],
        &[
            "--format",
            "compact",
            "--max-file-size",
            "300",
            "--cache",
            ".",
        ],
    ] {
        let output = run(command(tree.path(), cache_home.path(), args));
        assert_no_panic(&output);
        assert_eq!(
            output.status.code(),
            Some(1),
            "{args:?}: {}",
            stderr(&output)
        );
        assert!(
            stdout(&output).contains("main.js:2:1: error message-missing-origin-check"),
            "{args:?}: {}",
            stdout(&output)
        );
        assert!(
            stderr(&output).contains("lib.js: skipped"),
            "{args:?}: {}",
            stderr(&output)
        );
    }
}
