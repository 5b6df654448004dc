//! End-to-end tests of the `crosswire` binary: flags, formats, exit codes,
//! config, suppressions and bad input.

mod common;

use std::fs;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use common::{stderr, stdout, write};
use serde_json::Value;

const WILDCARD_POST: &str = "parent.postMessage({ token }, \"*\");\n";

/// Where `--cache` keeps its key in these tests: never the tester's own cache folder.
fn cache_home() -> std::path::PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("cli-cache-home")
}

fn crosswire(dir: &Path, args: &[&str]) -> Output {
    crosswire_command(dir, args)
        .output()
        .expect("crosswire runs")
}

fn crosswire_command(dir: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_crosswire"));
    command
        .args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .env_remove("FORCE_COLOR")
        .env("XDG_CACHE_HOME", cache_home());
    command
}

fn crosswire_stdin(dir: &Path, args: &[&str], input: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_crosswire"))
        .args(args)
        .current_dir(dir)
        .env("XDG_CACHE_HOME", cache_home())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("crosswire starts");
    child.stdin.take().unwrap().write_all(input).unwrap();
    child.wait_with_output().unwrap()
}

/// A project with one finding in `src/app.js` and a clean `src/ok.ts`.
fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "src/app.js", format!("// app\n{WILDCARD_POST}"));
    write(
        dir.path(),
        "src/ok.ts",
        "parent.postMessage(1, location.origin);\n",
    );
    dir
}

/// A copy of a `fixtures/websocket-same-page/` project in a temporary folder.
fn same_page_project(name: &str) -> tempfile::TempDir {
    let project = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/websocket-same-page")
        .join(name);
    let dir = tempfile::tempdir().unwrap();
    for entry in fs::read_dir(&project).unwrap() {
        let entry = entry.unwrap();
        fs::copy(entry.path(), dir.path().join(entry.file_name())).unwrap();
    }
    dir
}

fn compact_lines(output: &Output) -> Vec<String> {
    stdout(output).lines().map(str::to_string).collect()
}

/// The files a compact run over `root` reports findings in, sorted.
fn files_with_findings(root: &Path, args: &[&str]) -> Vec<String> {
    let mut paths: Vec<String> = compact_lines(&crosswire(root, args))
        .iter()
        .map(|line| line.split(':').next().unwrap().to_string())
        .collect();
    paths.sort();
    paths
}

#[test]
fn pretty_report_shows_the_snippet_rule_and_help_and_exits_1() {
    let dir = project();
    let output = crosswire(dir.path(), &[]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.contains("postmessage-wildcard-origin"), "{text}");
    assert!(text.contains("src/app.js:2:1"), "{text}");
    assert!(
        text.contains("parent.postMessage({ token }, \"*\");"),
        "{text}"
    );
    assert!(
        text.contains("help: pass the receiver's exact origin"),
        "{text}"
    );
    assert!(
        text.contains("1 error and 0 warnings (2 files scanned, 2 parsed)"),
        "{text}"
    );
}

#[test]
fn clean_code_exits_0() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.js", "window.postMessage(1, \"*\");\n");
    let output = crosswire(dir.path(), &["."]);
    assert_eq!(output.status.code(), Some(0));
    assert!(stdout(&output).contains("no problems found"));
}

#[test]
fn compact_format_is_one_line_per_finding() {
    let dir = project();
    let output = crosswire(dir.path(), &["--format", "compact"]);
    assert_eq!(
        compact_lines(&output),
        [
            "src/app.js:2:1: error postmessage-wildcard-origin: `parent.postMessage` uses target \
          origin \"*\": any site loaded in the parent window can read the message"
        ]
    );
}

#[test]
fn json_format_follows_the_documented_schema() {
    let dir = project();
    let output = crosswire(dir.path(), &["--format", "json"]);
    assert_eq!(output.status.code(), Some(1));
    let json: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["version"], 1);
    assert_eq!(json["tool"]["name"], "crosswire");
    let finding = &json["findings"][0];
    assert_eq!(finding["rule"], "postmessage-wildcard-origin");
    assert_eq!(finding["severity"], "error");
    assert_eq!(finding["path"], "src/app.js");
    assert_eq!(finding["start"]["line"], 2);
    assert_eq!(finding["start"]["column"], 1);
    assert_eq!(finding["end"]["column"], 19);
    assert_eq!(finding["start"]["offset"], 7);
    assert!(finding["help"].as_str().unwrap().contains("CWE-345"));
    assert_eq!(
        finding["labels"][0]["message"],
        "\"*\" matches every origin"
    );
    assert_eq!(finding["labels"][0]["start"]["column"], 31);
    assert_eq!(json["summary"]["files_scanned"], 2);
    assert_eq!(json["summary"]["errors"], 1);
    assert_eq!(json["summary"]["warnings"], 0);
    assert_eq!(json["errors"], Value::Array(vec![]));
}

/// The SARIF 2.1.0 schema's validator.
fn sarif_validator() -> jsonschema::Validator {
    let schema_text = fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/sarif-schema-2.1.0.json"),
    )
    .unwrap();
    // The published schema's `run.language` pattern has an unbalanced `]` that
    // jsonschema's meta-validation rejects; the pattern is irrelevant to crosswire's output.
    let schema_text = schema_text.replace(
        r#""^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$""#,
        r#""^[a-zA-Z]{2}(-[a-zA-Z]{2})?$""#,
    );
    let schema: Value = serde_json::from_str(&schema_text).unwrap();
    jsonschema::validator_for(&schema).unwrap()
}

#[test]
fn sarif_results_carry_their_fixes() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "feed.html",
        "<script>\n  const socket = new WebSocket(\"ws://chat.example.com/feed\");\n</script>\n",
    );
    let output = crosswire(dir.path(), &["--format", "sarif"]);
    let sarif: Value = serde_json::from_slice(&output.stdout).unwrap();
    let problems: Vec<String> = sarif_validator()
        .iter_errors(&sarif)
        .map(|error| format!("{} at {}", error, error.instance_path()))
        .collect();
    assert!(problems.is_empty(), "{problems:#?}");
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let insecure = results
        .iter()
        .find(|result| result["ruleId"] == "websocket-insecure-url")
        .unwrap();
    assert_eq!(
        insecure["fixes"],
        serde_json::json!([{
            "description": { "text": "Use `wss://`" },
            "artifactChanges": [{
                "artifactLocation": { "uri": "feed.html" },
                "replacements": [{
                    "deletedRegion": {
                        "startLine": 2, "startColumn": 33, "endLine": 2, "endColumn": 38,
                    },
                    "insertedContent": { "text": "wss://" },
                }],
            }],
        }])
    );
    // Findings without a fix have no `fixes`.
    assert!(
        results
            .iter()
            .filter(|result| result["ruleId"] != "websocket-insecure-url")
            .all(|result| result.get("fixes").is_none())
    );
    // A post to a window the code opened: "*" becomes the origin it opened.
    write(
        dir.path(),
        "feed.html",
        "<script>\n  const w = open('https://pay.example.com/x');\n  w.postMessage(m, '*');\n</script>\n",
    );
    let output = crosswire(dir.path(), &["--format", "sarif"]);
    let sarif: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert!(sarif_validator().iter_errors(&sarif).next().is_none());
    let wildcard = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|result| result["ruleId"] == "postmessage-wildcard-origin")
        .unwrap();
    assert_eq!(
        wildcard["fixes"][0]["description"]["text"],
        "Post to `https://pay.example.com`"
    );
    assert_eq!(
        wildcard["fixes"][0]["artifactChanges"][0]["replacements"][0],
        serde_json::json!({
            "deletedRegion": { "startLine": 3, "startColumn": 20, "endLine": 3, "endColumn": 23 },
            "insertedContent": { "text": "'https://pay.example.com'" },
        })
    );
}

#[test]
fn sarif_output_is_valid_sarif_2_1_0_with_rule_metadata() {
    let dir = project();
    let output = crosswire(dir.path(), &["--format", "sarif"]);
    assert_eq!(output.status.code(), Some(1));
    let sarif: Value = serde_json::from_slice(&output.stdout).unwrap();
    let validator = sarif_validator();
    let problems: Vec<String> = validator
        .iter_errors(&sarif)
        .map(|error| format!("{} at {}", error, error.instance_path()))
        .collect();
    assert!(
        problems.is_empty(),
        "SARIF schema violations: {problems:#?}"
    );
    // The validator really checks (offline, without jsonschema's network features): a
    // document with a wrong version and a result without a message is rejected.
    let mut broken = sarif.clone();
    broken["version"] = Value::from("9.9.9");
    broken["runs"][0]["results"][0]
        .as_object_mut()
        .unwrap()
        .remove("message");
    assert!(validator.iter_errors(&broken).count() >= 2);

    assert_eq!(sarif["version"], "2.1.0");
    let run = &sarif["runs"][0];
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    for rule in rules {
        let uri = rule["helpUri"].as_str().unwrap();
        assert!(
            uri.starts_with("https://")
                && uri.ends_with(&format!("/rules/{}.md", rule["id"].as_str().unwrap())),
            "{uri}"
        );
    }
    let rule = rules
        .iter()
        .find(|rule| rule["id"] == "postmessage-wildcard-origin")
        .unwrap();
    assert!(
        rule["shortDescription"]["text"]
            .as_str()
            .unwrap()
            .contains("postMessage")
    );
    assert!(
        rule["fullDescription"]["text"]
            .as_str()
            .unwrap()
            .starts_with("Flags")
    );
    assert!(
        rule["help"]["markdown"]
            .as_str()
            .unwrap()
            .contains("## How to fix")
    );
    assert_eq!(rule["defaultConfiguration"]["level"], "error");
    let tags = rule["properties"]["tags"].as_array().unwrap();
    assert!(tags.contains(&Value::from("security")));
    assert!(tags.contains(&Value::from("external/cwe/cwe-345")));

    let result = &run["results"][0];
    assert_eq!(result["ruleId"], "postmessage-wildcard-origin");
    assert_eq!(result["level"], "error");
    assert_eq!(
        rules[result["ruleIndex"].as_u64().unwrap() as usize]["id"],
        "postmessage-wildcard-origin"
    );
    let location = &result["locations"][0]["physicalLocation"];
    assert_eq!(location["artifactLocation"]["uri"], "src/app.js");
    assert_eq!(location["region"]["startLine"], 2);
    assert_eq!(location["region"]["startColumn"], 1);
    assert_eq!(location["region"]["endLine"], 2);
    assert_eq!(location["region"]["endColumn"], 19);
    assert_eq!(run["invocations"][0]["executionSuccessful"], true);
}

#[test]
fn github_format_prints_workflow_commands() {
    let dir = project();
    let output = crosswire(dir.path(), &["--format", "github"]);
    let lines = compact_lines(&output);
    assert_eq!(lines.len(), 1);
    assert!(
        lines[0].starts_with(
            "::error file=src/app.js,line=2,col=1,endLine=2,endColumn=19,\
             title=crosswire postmessage-wildcard-origin::`parent.postMessage`"
        ),
        "{}",
        lines[0]
    );
    assert!(lines[0].contains("%0Ahelp: "), "{}", lines[0]);
}

#[test]
fn output_flag_writes_the_report_to_a_file() {
    let dir = project();
    let output = crosswire(dir.path(), &["--format", "compact", "-o", "report.txt"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stdout(&output).is_empty());
    let written = fs::read_to_string(dir.path().join("report.txt")).unwrap();
    assert!(written.starts_with("src/app.js:2:1: error postmessage-wildcard-origin"));
}

#[test]
fn config_sets_severity_and_max_warnings_gates_warnings() {
    let dir = project();
    write(
        dir.path(),
        "crosswire.toml",
        "[rules]\npostmessage-wildcard-origin = \"warn\"\n",
    );
    let output = crosswire(dir.path(), &["--format", "compact"]);
    assert_eq!(output.status.code(), Some(0));
    assert!(stdout(&output).contains(": warning postmessage-wildcard-origin:"));

    let output = crosswire(dir.path(), &["--max-warnings", "0"]);
    assert_eq!(output.status.code(), Some(1));
    let output = crosswire(dir.path(), &["--max-warnings", "1"]);
    assert_eq!(output.status.code(), Some(0));

    let output = crosswire(dir.path(), &["--quiet", "--format", "compact"]);
    assert_eq!(output.status.code(), Some(0));
    assert!(stdout(&output).is_empty(), "{}", stdout(&output));

    // Hidden by -q, warnings still count against --max-warnings, and the run says why it
    // failed.
    let output = crosswire(
        dir.path(),
        &["--quiet", "--format", "compact", "--max-warnings", "0"],
    );
    assert_eq!(output.status.code(), Some(1));
    assert!(stdout(&output).is_empty(), "{}", stdout(&output));
    assert!(
        stderr(&output).contains("crosswire: 1 warning, more than --max-warnings 0"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn config_is_found_in_an_ancestor_and_given_explicitly() {
    let dir = project();
    write(
        dir.path(),
        "crosswire.toml",
        "[rules]\npostmessage-wildcard-origin = \"off\"\n",
    );
    let output = crosswire(&dir.path().join("src"), &["--format", "compact"]);
    assert_eq!(output.status.code(), Some(0));
    assert!(stdout(&output).is_empty());

    write(
        dir.path(),
        "strict.toml",
        "[rules.postmessage-wildcard-origin]\nlevel = \"error\"\n",
    );
    let output = crosswire(
        &dir.path().join("src"),
        &["-c", "../strict.toml", "--format", "compact"],
    );
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(compact_lines(&output).len(), 1);
}

#[test]
fn files_ignore_globs_skip_files_even_when_named() {
    let dir = project();
    write(dir.path(), "dist/bundle.js", WILDCARD_POST);
    write(dir.path(), "src/vendor/lib.min.js", WILDCARD_POST);
    write(
        dir.path(),
        "crosswire.toml",
        "[files]\nignore = [\"dist/\", \"*.min.js\"]\n",
    );
    let output = crosswire(dir.path(), &["--format", "compact"]);
    let lines = compact_lines(&output);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(lines[0].starts_with("src/app.js"));
    let output = crosswire(dir.path(), &["--format", "compact", "dist/bundle.js"]);
    assert!(stdout(&output).is_empty());
}

#[test]
fn config_errors_point_at_the_toml_and_exit_2() {
    let cases = [
        (
            "[rules]\npostmessage-wildcard-orign = \"error\"\n",
            "unknown rule `postmessage-wildcard-orign`",
            "did you mean `postmessage-wildcard-origin`?",
        ),
        (
            "[rules]\npostmessage-wildcard-origin = \"loud\"\n",
            "a rule's level must be \"off\", \"warn\" (or \"warning\") or \"error\"",
            "\"loud\"",
        ),
        (
            "[rules.postmessage-wildcard-origin]\nwrappers = []\n",
            "unknown option `wrappers` for rule `postmessage-wildcard-origin`",
            "takes no options",
        ),
        ("[lint]\nfoo = 1\n", "unknown key `lint`", "[rules]"),
        ("[rules\n", "is not valid TOML", "crosswire.toml"),
        (
            "[files]\nignore = [\"src/[\"]\n",
            "invalid glob `src/[`",
            "\"src/[\"",
        ),
        (
            "[files]\nignore = \"dist\"\n",
            "`ignore` must be an array of glob strings",
            "ignore",
        ),
        (
            "[rules.websocket-no-reconnect]\nwrappers = \"createSocket\"\n",
            "`wrappers` must be an array of strings",
            "\"createSocket\"",
        ),
    ];
    for (config, message, detail) in cases {
        let dir = project();
        write(dir.path(), "crosswire.toml", config);
        let output = crosswire(dir.path(), &[]);
        assert_eq!(output.status.code(), Some(2), "config {config:?}");
        let text = stderr(&output);
        assert!(text.contains(message), "config {config:?}: {text}");
        assert!(text.contains(detail), "config {config:?}: {text}");
        assert!(
            text.contains("crosswire.toml:"),
            "no source location for {config:?}: {text}"
        );
    }
    let dir = project();
    let output = crosswire(dir.path(), &["-c", "missing.toml"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("cannot read config missing.toml"));
}

#[test]
fn list_rules_and_explain_come_from_the_rule_docs() {
    let dir = tempfile::tempdir().unwrap();
    let output = crosswire(dir.path(), &["--list-rules"]);
    assert_eq!(output.status.code(), Some(0));
    let text = stdout(&output);
    for id in [
        "postmessage-wildcard-origin",
        "parse-error",
        "unused-ignore",
    ] {
        assert!(text.contains(id), "{text}");
    }
    let output = crosswire(dir.path(), &["--list-rules", "--format", "json"]);
    assert_eq!(output.status.code(), Some(0));
    let listed: Value = serde_json::from_slice(&output.stdout).unwrap();
    let listed = listed.as_array().unwrap();
    assert!(listed.len() >= 14);
    let wildcard = listed
        .iter()
        .find(|rule| rule["id"] == "postmessage-wildcard-origin")
        .unwrap();
    assert_eq!(wildcard["severity"], "error");
    assert!(
        wildcard["docs"]
            .as_str()
            .unwrap()
            .ends_with("rules/postmessage-wildcard-origin.md")
    );
    let output = crosswire(dir.path(), &["--explain", "postmessage-wildcard-origin"]);
    assert_eq!(output.status.code(), Some(0));
    let text = stdout(&output);
    assert!(text.starts_with("postmessage-wildcard-origin (error):"));
    assert!(text.contains("## Why is this bad?"));
    assert!(text.contains("## When to silence it"));

    let output = crosswire(dir.path(), &["--explain", "postmessage-wildcard"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("did you mean `postmessage-wildcard-origin`?"));
}

#[test]
fn stdin_is_linted_under_the_given_file_name() {
    let dir = tempfile::tempdir().unwrap();
    let tsx = b"const f = (w: Window) => <div onClick={() => w.postMessage(1, '*')} />;\n";
    let output = crosswire_stdin(
        dir.path(),
        &[
            "-",
            "--stdin-filename",
            "src/Button.tsx",
            "--format",
            "compact",
        ],
        tsx,
    );
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(
        stdout(&output).starts_with("src/Button.tsx:1:46: error postmessage-wildcard-origin"),
        "{}",
        stdout(&output)
    );

    let output = crosswire_stdin(dir.path(), &["-", "src"], b"");
    assert_eq!(output.status.code(), Some(2));
    let output = crosswire(dir.path(), &["--stdin-filename", "a.js"]);
    assert_eq!(output.status.code(), Some(2));

    // A name crosswire does not read is an error, not JavaScript.
    let output = crosswire_stdin(
        dir.path(),
        &["-", "--stdin-filename", "notes.txt"],
        b"parent.postMessage(1, '*');\n",
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("does not read files with this extension"));

    // `[files] ignore` covers standard input named as an ignored file, and says so; a
    // named ignored file gets a notice too.
    write(
        dir.path(),
        "crosswire.toml",
        "[files]\nignore = [\"dist/\"]\n",
    );
    let output = crosswire_stdin(
        dir.path(),
        &[
            "-",
            "--stdin-filename",
            "dist/app.js",
            "--format",
            "compact",
        ],
        b"parent.postMessage(1, '*');\n",
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(stdout(&output).is_empty());
    assert!(
        stderr(&output).contains("dist/app.js: ignored by `[files] ignore`"),
        "{}",
        stderr(&output)
    );
    write(dir.path(), "dist/app.js", "parent.postMessage(1, '*');\n");
    let output = crosswire(dir.path(), &["--format", "compact", "dist/app.js"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("dist/app.js: ignored by `[files] ignore`"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn usage_errors_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(
        crosswire(dir.path(), &["--format", "xml"]).status.code(),
        Some(2)
    );
    assert_eq!(
        crosswire(dir.path(), &["--threads", "many"]).status.code(),
        Some(2)
    );
    assert_eq!(crosswire(dir.path(), &["--bogus"]).status.code(), Some(2));
}

/// A pull request can add an ignore file as easily as code: what git tracks is linted
/// whatever `.gitignore`, `.ignore` or `.git/info/exclude` say, as git itself reads them.
/// What the walk skips otherwise still applies.
#[test]
fn tracked_files_are_linted_whatever_the_ignore_files_say() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    git(root, &["init", "-q"]);
    for path in [
        "src/app.js",
        "src/secret.js",
        "generated/bridge.js",
        "vendor/widget.min.js",
        "excluded.js",
        "node_modules/lib/index.js",
        ".yarn/releases/yarn-4.cjs",
        ".yarn/local/origin.js",
        "by-config/skip.js",
    ] {
        write(root, path, WILDCARD_POST);
    }
    git(root, &["add", "-f", "."]);
    // A submodule's files are tracked too (by the submodule).
    let library = tempfile::tempdir().unwrap();
    git(library.path(), &["init", "-q"]);
    write(library.path(), "widget.js", WILDCARD_POST);
    git(library.path(), &["add", "."]);
    git(library.path(), &["commit", "-q", "-m", "widget"]);
    git(
        root,
        &[
            "-c",
            "protocol.file.allow=always",
            "submodule",
            "add",
            "-q",
            library.path().to_str().unwrap(),
            "modules/library",
        ],
    );
    // The ignore files come after the files were tracked; untracked ignored files stay out.
    write(
        root,
        ".gitignore",
        "generated/\n*.min.js\nby-config/\nmodules/\n",
    );
    write(root, "src/.ignore", "secret.js\n");
    write(root, ".git/info/exclude", "excluded.js\n");
    write(root, "generated/untracked.js", WILDCARD_POST);
    write(
        root,
        "crosswire.toml",
        "[files]\nignore = [\"by-config/\"]\n",
    );
    #[cfg(unix)]
    {
        // A tracked link is a link: not followed.
        std::os::unix::fs::symlink(root.join("src/app.js"), root.join("generated/link.js"))
            .unwrap();
        git(root, &["add", "-f", "generated/link.js"]);
    }

    let linted = |args: &[&str]| files_with_findings(root, args);
    assert_eq!(
        linted(&["--format", "compact"]),
        [
            ".yarn/local/origin.js",
            "excluded.js",
            "generated/bridge.js",
            "modules/library/widget.js",
            "src/app.js",
            "src/secret.js",
            "vendor/widget.min.js"
        ]
    );
    // From a folder below the top, and from two overlapping ones (reported once).
    assert_eq!(
        linted(&["--format", "compact", "src"]),
        ["src/app.js", "src/secret.js"]
    );
    assert_eq!(
        linted(&["--format", "compact", "src", "."]).len(),
        7,
        "each file once"
    );
    // When git cannot say what it tracks, the run says so rather than hide it.
    let output = crosswire_command(root, &["--format", "compact"])
        .env("GIT_DIR", root.join("no-such-git-dir"))
        .output()
        .unwrap();
    assert!(
        stderr(&output).contains("git could not say which of them it tracks"),
        "{}",
        stderr(&output)
    );
}

/// A `.gitmodules` that git cannot read fails the listing of submodules' files: the
/// repository's own tracked files are still linted, and the run says what git said.
#[test]
fn a_broken_gitmodules_does_not_hide_tracked_files() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    git(root, &["init", "-q"]);
    write(root, "evil.js", WILDCARD_POST);
    git(root, &["add", "-f", "evil.js"]);
    git(
        root,
        &[
            "update-index",
            "--add",
            "--cacheinfo",
            "160000,1234567890123456789012345678901234567890,zz",
        ],
    );
    write(root, ".gitmodules", "[submodule \"zz\"\n\tpath = zz\n");
    git(root, &["add", ".gitmodules"]);
    write(root, ".gitignore", "evil.js\n");
    let output = crosswire(root, &["--format", "compact"]);
    assert_eq!(
        files_with_findings(root, &["--format", "compact"]),
        ["evil.js"]
    );
    assert!(
        stderr(&output).contains("git warned"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn ignore_files_are_honoured_and_node_modules_yarn_and_git_skipped() {
    let dir = project();
    let root = dir.path();
    fs::create_dir_all(root.join(".git/info")).unwrap();
    write(root, ".git/hooks/x.js", WILDCARD_POST);
    write(root, ".git/info/exclude", "excluded.js\n");
    write(root, ".gitignore", "generated/*\n!generated/keep.js\n");
    write(root, "src/.ignore", "local-only.js\n");
    write(root, "generated/out.js", WILDCARD_POST);
    write(root, "generated/keep.js", WILDCARD_POST);
    write(root, "src/local-only.js", WILDCARD_POST);
    write(root, "excluded.js", WILDCARD_POST);
    write(root, "node_modules/lib/index.js", WILDCARD_POST);
    write(root, ".yarn/releases/yarn-4.cjs", WILDCARD_POST);
    write(
        root,
        "types/globals.d.ts",
        "declare function postMessage(a: any, b: '*'): void;\n",
    );

    let linted = |args: &[&str]| files_with_findings(root, args);
    assert_eq!(
        linted(&["--format", "compact"]),
        ["generated/keep.js", "src/app.js"]
    );
    // Ignore files above the linted folder still apply within the repository.
    assert_eq!(linted(&["--format", "compact", "src"]), ["src/app.js"]);
    // Named files are linted even when ignored (pre-commit passes file lists).
    assert_eq!(
        linted(&[
            "--format",
            "compact",
            "generated/out.js",
            "src/local-only.js"
        ]),
        ["generated/out.js", "src/local-only.js"]
    );
    assert_eq!(
        linted(&["--format", "compact", "--no-ignore"]),
        [
            "excluded.js",
            "generated/keep.js",
            "generated/out.js",
            "src/app.js",
            "src/local-only.js"
        ]
    );
}

#[cfg(unix)]
#[test]
fn symlinks_are_not_followed_and_loops_do_not_hang() {
    let outside = tempfile::tempdir().unwrap();
    write(outside.path(), "secret.js", WILDCARD_POST);
    let dir = project();
    std::os::unix::fs::symlink(outside.path(), dir.path().join("src/outside")).unwrap();
    std::os::unix::fs::symlink(dir.path(), dir.path().join("src/loop")).unwrap();
    std::os::unix::fs::symlink(outside.path().join("secret.js"), dir.path().join("link.js"))
        .unwrap();
    let output = crosswire(dir.path(), &["--format", "compact"]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(compact_lines(&output).len(), 1, "{}", stdout(&output));
}

#[test]
fn a_syntax_error_is_a_finding_and_other_files_are_still_linted() {
    let dir = project();
    write(
        dir.path(),
        "src/broken.js",
        "parent.postMessage(data, \"*\"\nfunction (\n",
    );
    let output = crosswire(dir.path(), &["--format", "compact"]);
    assert_eq!(output.status.code(), Some(1));
    let lines = compact_lines(&output);
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(lines[0].starts_with("src/app.js:2:1: error postmessage-wildcard-origin"));
    assert!(
        lines[1].starts_with("src/broken.js:2:1: error parse-error: cannot parse this file"),
        "{}",
        lines[1]
    );
}

#[test]
fn deeply_nested_code_does_not_overflow_the_stack() {
    let dir = tempfile::tempdir().unwrap();
    // Deep for real code, within the parse room of a test build (past it, see
    // tests/hardening_depth.rs).
    let depth = 1_000;
    let arrays = format!(
        "const a = {}1{};\nparent.postMessage(a, \"*\");\n",
        "[".repeat(depth),
        "]".repeat(depth)
    );
    let parens = format!(
        "const b = {}1{};\nparent.postMessage(b, '*');\n",
        "(".repeat(depth),
        ")".repeat(depth)
    );
    let calls = format!(
        "{}parent.postMessage(1, '*'){};\n",
        "f(() => ".repeat(depth),
        ")".repeat(depth)
    );
    write(dir.path(), "arrays.js", &arrays);
    write(dir.path(), "parens.js", &parens);
    write(dir.path(), "calls.js", &calls);
    let output = crosswire(dir.path(), &["--format", "compact"]);
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{}{}", text, stderr(&output));
    for file in ["arrays.js:2:1", "parens.js:2:1", "calls.js:1:8001"] {
        assert!(
            text.contains(&format!("{file}: error postmessage-wildcard-origin")),
            "{file} missing in {text}"
        );
    }
}

#[test]
fn non_utf8_files_are_reported_and_still_linted() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = b"// caf\xe9\n".to_vec();
    bytes.extend_from_slice(WILDCARD_POST.as_bytes());
    fs::write(dir.path().join("latin1.js"), bytes).unwrap();
    let output = crosswire(dir.path(), &["--format", "compact"]);
    assert_eq!(output.status.code(), Some(1));
    let lines = compact_lines(&output);
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(
        lines[0].starts_with(
            "latin1.js:1:7: error parse-error: this file is not valid UTF-8 (byte 0xE9"
        )
    );
    assert!(lines[1].starts_with("latin1.js:2:1: error postmessage-wildcard-origin"));
}

#[test]
fn a_missing_path_is_an_error_but_other_findings_are_reported() {
    let dir = project();
    let output = crosswire(dir.path(), &["--format", "compact", "src", "nope.js"]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(compact_lines(&output).len(), 1);
    assert!(stderr(&output).contains("crosswire: error: nope.js: no such file or folder"));
    // Nothing found where nothing could be read is not "no problems found".
    let output = crosswire(dir.path(), &["nope.js"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        !stdout(&output).contains("no problems found"),
        "{}",
        stdout(&output)
    );
    assert!(
        stdout(&output).contains("1 path could not be linted"),
        "{}",
        stdout(&output)
    );
}

#[test]
fn unsupported_named_files_are_noted_not_linted() {
    let dir = project();
    write(dir.path(), "README.md", WILDCARD_POST);
    let output = crosswire(dir.path(), &["--format", "compact", "README.md"]);
    assert_eq!(output.status.code(), Some(0));
    assert!(stderr(&output).contains("README.md: not a JavaScript or TypeScript file"));
    let output = crosswire(dir.path(), &["--quiet", "README.md"]);
    assert!(stderr(&output).is_empty());
}

#[test]
fn findings_are_in_the_same_order_whatever_the_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    for index in 0..60 {
        let mut text = String::new();
        for line in 0..(index % 7 + 1) {
            text.push_str(&format!("frames[{line}].postMessage({index}, '*');\n"));
        }
        write(
            dir.path(),
            &format!("dir{}/file{index}.js", index % 5),
            &text,
        );
    }
    let one = crosswire(dir.path(), &["--format", "json", "-j", "1"]);
    let eight = crosswire(dir.path(), &["--format", "json", "-j", "8"]);
    assert_eq!(one.status.code(), Some(1));
    assert_eq!(stdout(&one), stdout(&eight));
    let json: Value = serde_json::from_slice(&one.stdout).unwrap();
    let keys: Vec<(String, u64)> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_string(),
                f["start"]["line"].as_u64().unwrap(),
            )
        })
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
    assert_eq!(keys.len(), (0..60).map(|i| i % 7 + 1).sum::<usize>());
}

#[test]
fn suppressions_silence_findings_and_unused_ones_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "a.js",
        "// crosswire-ignore-next-line postmessage-wildcard-origin -- height only\n\
         parent.postMessage({ height }, '*');\n\
         // crosswire-ignore-next-line postmessage-wildcard-origin\n\
         parent.postMessage({ height }, location.origin);\n\
         // crosswire-ignore-next-line no-such-rule\n\
         top.postMessage(1, '*');\n",
    );
    write(
        dir.path(),
        "b.js",
        "// crosswire-ignore-file postmessage-wildcard-origin\nparent.postMessage(1, '*');\ntop.postMessage(2, '*');\n",
    );
    write(
        dir.path(),
        "c.js",
        "/* crosswire-ignore-file postmessage-wildcard-origin */\nconst x = 1;\n",
    );
    let output = crosswire(dir.path(), &["--format", "compact"]);
    assert_eq!(
        compact_lines(&output),
        [
            "a.js:3:1: warning unused-ignore: no `postmessage-wildcard-origin` finding on line 4 for this directive to silence",
            "a.js:5:1: warning unused-ignore: `no-such-rule` is not a crosswire rule, so this directive silences nothing (run `crosswire --list-rules` to see every rule id)",
            "a.js:6:1: error postmessage-wildcard-origin: `top.postMessage` uses target origin \"*\": any site loaded in the top-level window can read the message",
            "c.js:1:1: warning unused-ignore: no `postmessage-wildcard-origin` finding in this file for this directive to silence",
        ]
    );
    write(
        dir.path(),
        "crosswire.toml",
        "[rules]\nunused-ignore = \"off\"\n",
    );
    let output = crosswire(dir.path(), &["--format", "compact"]);
    assert_eq!(compact_lines(&output).len(), 1);
}

#[test]
fn flow_typed_files_are_parsed() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "flow.js",
        "// @flow\ntype Msg = {| kind: string |};\nfunction send(m: Msg): void { parent.postMessage(m, '*'); }\n",
    );
    let output = crosswire(dir.path(), &["--format", "compact"]);
    let lines = compact_lines(&output);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(
        lines[0].starts_with("flow.js:3:31: error postmessage-wildcard-origin"),
        "{lines:?}"
    );
}

#[test]
fn files_without_trigger_words_are_not_parsed() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "broken.js", "this is not javascript (\n");
    write(dir.path(), "a.js", WILDCARD_POST);
    let output = crosswire(dir.path(), &["--format", "json"]);
    let json: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["summary"]["files_scanned"], 2);
    assert_eq!(json["summary"]["files_parsed"], 1);
    assert_eq!(json["findings"].as_array().unwrap().len(), 1);
}

#[test]
fn words_that_only_look_like_triggers_do_not_make_a_file_parsed() {
    let dir = tempfile::tempdir().unwrap();
    // A CSS class named "message", and an iframe made by a script no page loads.
    write(dir.path(), "toast.js", "el.classList.add(\"message\");\n");
    write(
        dir.path(),
        "embed.js",
        "const f = document.createElement(\"iframe\");\nf.src = \"chat.html\";\n",
    );
    write(
        dir.path(),
        "app.js",
        "const s = new WebSocket(`wss://${location.host}/a`);\n",
    );
    write(
        dir.path(),
        "listen.js",
        "const E = \"message\";\nwindow.addEventListener(E, (e) => go(e.data));\n",
    );
    let output = crosswire(dir.path(), &["--format", "json"]);
    let json: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["summary"]["files_scanned"], 4);
    // app.js for its socket; listen.js for its listener.
    assert_eq!(json["summary"]["files_parsed"], 2, "{}", json["summary"]);
    // Once a page loads the embedding script, it is parsed too (the page itself has
    // no inline script to parse).
    write(
        dir.path(),
        "index.html",
        "<script src=\"app.js\"></script><script src=\"embed.js\"></script>\n",
    );
    let output = crosswire(dir.path(), &["--format", "json"]);
    let json: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["summary"]["files_parsed"], 3, "{}", json["summary"]);
}

#[cfg(unix)]
#[test]
fn fifos_are_never_read() {
    let dir = project();
    let fifo = dir.path().join("src/pipe.js");
    let status = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(status.success());
    // In a walk the FIFO is passed over; named, it is an error, and nothing blocks.
    let output = crosswire(dir.path(), &["--format", "compact"]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(compact_lines(&output).len(), 1);
    let output = crosswire(
        dir.path(),
        &["--format", "compact", "src/pipe.js", "src/app.js"],
    );
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(compact_lines(&output).len(), 1);
    assert!(stderr(&output).contains("src/pipe.js: not a regular file"));
}

#[test]
fn unparsable_flow_files_get_one_parse_error_that_says_so() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "flow.js",
        "/* @flow */\ntype Msg = {| kind: string |};\nconst x: = 1;\nconst y: = 2;\nparent.postMessage(1, '*');\n",
    );
    let output = crosswire(dir.path(), &["--format", "compact"]);
    let lines = compact_lines(&output);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(lines[0].starts_with("flow.js:3:"), "{lines:?}");
    assert!(
        lines[0].contains("error parse-error: cannot parse this file"),
        "{lines:?}"
    );
    assert!(lines[0].contains("the file is marked @flow"), "{lines:?}");
}

#[test]
fn the_wrappers_option_exempts_sockets_made_in_named_functions() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "socket.js",
        "export function createSocket(url) {\n  const ws = new WebSocket(url);\n  ws.onmessage = (e) => console.log(e.data);\n}\n",
    );
    let output = crosswire(dir.path(), &["--format", "compact"]);
    let lines = compact_lines(&output);
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(lines[0].contains("websocket-no-heartbeat"), "{lines:?}");
    assert!(lines[1].contains("websocket-no-reconnect"), "{lines:?}");
    write(
        dir.path(),
        "crosswire.toml",
        "[rules.websocket-no-reconnect]\nwrappers = [\"createSocket\"]\n[rules.websocket-no-heartbeat]\nwrappers = [\"createSocket\"]\n",
    );
    let output = crosswire(dir.path(), &["--format", "compact"]);
    assert_eq!(output.status.code(), Some(0));
    assert!(stdout(&output).is_empty(), "{}", stdout(&output));
}

#[test]
fn findings_in_html_blocks_and_attributes_point_into_the_html_file() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "page.html",
        "<!doctype html>\n<script>\n  let ok = 1;\n</script>\n<script>\n  let broken = ;\n</script>\n<script>\n  // crosswire-ignore-next-line postmessage-wildcard-origin -- resize only\n  parent.postMessage(1, '*');\n    top.postMessage(2, '*');\n</script>\n<a href=\"#\" onclick=\"opener.postMessage(3, '*')\">x</a>\n",
    );
    let output = crosswire(dir.path(), &["--format", "compact"]);
    assert_eq!(
        compact_lines(&output),
        [
            "page.html:6:16: error parse-error: cannot parse this script: Expression expected",
            "page.html:11:5: error postmessage-wildcard-origin: `top.postMessage` uses target origin \"*\": any site loaded in the top-level window can read the message",
            "page.html:13:22: error postmessage-wildcard-origin: `opener.postMessage` uses target origin \"*\": any site loaded in the window that opened this one can read the message",
        ]
    );
    let output = crosswire(dir.path(), &["--format", "sarif"]);
    let sarif: Value = serde_json::from_slice(&output.stdout).unwrap();
    let region = &sarif["runs"][0]["results"][2]["locations"][0]["physicalLocation"]["region"];
    assert_eq!(region["startLine"], 13);
    assert_eq!(region["startColumn"], 22);
}

#[test]
fn vue_svelte_and_astro_files_are_found_in_folders() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "src/A.vue",
        "<script setup lang=\"ts\">\nparent.postMessage(1 as number, '*');\n</script>\n",
    );
    write(
        dir.path(),
        "src/B.svelte",
        "<script>\n  top.postMessage(1, '*');\n</script>\n",
    );
    write(
        dir.path(),
        "src/C.astro",
        "---\nconst x = 1;\n---\n<script>\n  opener.postMessage(x, '*');\n</script>\n",
    );
    let output = crosswire(dir.path(), &["--format", "compact"]);
    let locations: Vec<String> = compact_lines(&output)
        .iter()
        .map(|line| line.split(": ").next().unwrap().to_string())
        .collect();
    assert_eq!(
        locations,
        ["src/A.vue:2:1", "src/B.svelte:2:3", "src/C.astro:5:3"]
    );
}

#[test]
fn the_page_map_resolves_scripts_frames_workers_and_popups() {
    let project = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/page-map");
    let output = crosswire(&project, &["--print-page-map", "."]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let map: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(map["version"], 1);
    let index = &map["files"]["index.html"];
    assert_eq!(index["scripts"][0]["resolved"], "app.js");
    assert_eq!(index["scripts"][0]["line"], 5);
    assert_eq!(index["frames"][0]["resolved"], "frames/pay.html");
    assert_eq!(index["frames"][1]["via"], "object");
    assert_eq!(index["frames"][1]["resolved"], "frames/terms.html");
    assert_eq!(index["frames"][2]["resolved"], Value::Null);
    assert_eq!(
        map["files"]["app.js"]["workers"][0]["resolved"],
        "thumbnail.worker.js"
    );
    assert_eq!(
        map["files"]["app.js"]["popups"][0]["resolved"],
        "popup.html"
    );
    assert_eq!(
        map["loaded_by"]["app.js"],
        serde_json::json!(["index.html", "popup.html"])
    );
    assert_eq!(
        map["loaded_by"]["pay.js"],
        serde_json::json!(["frames/pay.html"])
    );
    assert_eq!(
        map["embedded_by"]["frames/pay.html"],
        serde_json::json!(["Checkout.jsx", "index.html"])
    );
    assert_eq!(
        map["started_by"]["thumbnail.worker.js"],
        serde_json::json!(["app.js"])
    );
    assert_eq!(
        map["opened_by"]["popup.html"],
        serde_json::json!(["app.js"])
    );
    // Each page's modules: what it loads and what that imports, transitively.
    assert_eq!(
        map["pages"]["index.html"],
        serde_json::json!(["Checkout.jsx", "app.js", "ui/mount.js"])
    );
    assert_eq!(
        map["pages"]["frames/pay.html"],
        serde_json::json!(["pay.js"])
    );
    assert_eq!(
        map["workers"]["thumbnail.worker.js"],
        serde_json::json!(["math.js"])
    );
}

#[test]
fn project_findings_in_markup_can_be_silenced_with_html_comments() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "app.js",
        "const s = new WebSocket('wss://live.example.com/sync');\nmanage(s);\n",
    );
    write(
        dir.path(),
        "frame.js",
        "const s = new WebSocket('wss://live.example.com/sync');\nmanage(s);\n",
    );
    write(
        dir.path(),
        "frame.html",
        "<script src=\"frame.js\"></script>\n",
    );
    write(
        dir.path(),
        "index.html",
        "<script src=\"app.js\"></script>\n<iframe src=\"frame.html\"></iframe>\n",
    );
    let output = crosswire(dir.path(), &["--format", "compact"]);
    let lines = compact_lines(&output);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(
        lines[0].starts_with(
            "index.html:2:14: warning websocket-same-page: `index.html` embeds `frame.html`"
        ),
        "{lines:?}"
    );
    write(
        dir.path(),
        "index.html",
        "<script src=\"app.js\"></script>\n<!-- crosswire-ignore-next-line websocket-same-page -- standalone widget -->\n<iframe src=\"frame.html\"></iframe>\n<!-- crosswire-ignore-next-line websocket-same-page -->\n<p>nothing here</p>\n",
    );
    let output = crosswire(dir.path(), &["--format", "compact"]);
    assert_eq!(
        compact_lines(&output),
        [
            "index.html:4:1: warning unused-ignore: no `websocket-same-page` finding on line 5 for this directive to silence"
        ]
    );
}

fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.com")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.com")
        .status()
        .unwrap();
    assert!(status.success(), "git {args:?}");
}

#[test]
fn baselines_report_only_new_findings_and_survive_unrelated_edits() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "a.js",
        "function notify() {\n  parent.postMessage(1, '*');\n}\n",
    );
    let output = crosswire(dir.path(), &["--write-baseline", "baseline.json"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let baseline: Value =
        serde_json::from_str(&fs::read_to_string(dir.path().join("baseline.json")).unwrap())
            .unwrap();
    assert_eq!(baseline["version"], 1);
    assert_eq!(
        baseline["findings"][0]["rule"],
        "postmessage-wildcard-origin"
    );
    assert_eq!(baseline["findings"][0]["path"], "a.js");
    let fingerprint = baseline["findings"][0]["fingerprint"]
        .as_str()
        .unwrap()
        .to_string();

    // Lines move and a new finding appears: only the new one is reported.
    write(
        dir.path(),
        "a.js",
        "// header\n\nfunction notify() {\n  parent.postMessage(1, '*');\n}\nfunction other() {\n  top.postMessage(2, '*');\n}\n",
    );
    let output = crosswire(
        dir.path(),
        &["--baseline", "baseline.json", "--format", "compact"],
    );
    assert_eq!(output.status.code(), Some(1));
    let lines = compact_lines(&output);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(lines[0].starts_with("a.js:7:3"), "{lines:?}");

    // SARIF carries the same fingerprint.
    let output = crosswire(dir.path(), &["--format", "sarif"]);
    let sarif: Value = serde_json::from_slice(&output.stdout).unwrap();
    let fingerprints: Vec<&str> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|result| {
            result["partialFingerprints"]["crosswire/v1"]
                .as_str()
                .unwrap()
        })
        .collect();
    assert!(
        fingerprints.contains(&fingerprint.as_str()),
        "{fingerprints:?}"
    );

    // Fixed findings leave quietly, and --baseline-prune drops them from the file.
    write(dir.path(), "a.js", "function notify() {}\n");
    let output = crosswire(
        dir.path(),
        &["--baseline", "baseline.json", "--baseline-prune"],
    );
    assert_eq!(output.status.code(), Some(0));
    let baseline: Value =
        serde_json::from_str(&fs::read_to_string(dir.path().join("baseline.json")).unwrap())
            .unwrap();
    assert_eq!(baseline["findings"].as_array().unwrap().len(), 0);

    let output = crosswire(dir.path(), &["--baseline", "missing.json"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("cannot read baseline missing.json"));
}

#[test]
fn changed_since_lints_only_changed_files() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "old.js", WILDCARD_POST);
    write(dir.path(), "edited.js", "const x = 1;\n");
    git(dir.path(), &["init", "-q"]);
    git(dir.path(), &["add", "."]);
    git(dir.path(), &["commit", "-qm", "start"]);
    write(dir.path(), "edited.js", WILDCARD_POST);
    write(dir.path(), "new.js", WILDCARD_POST);
    let output = crosswire(
        dir.path(),
        &["--changed-since", "HEAD", "--format", "compact"],
    );
    let files: Vec<String> = compact_lines(&output)
        .iter()
        .map(|line| line.split(':').next().unwrap().to_string())
        .collect();
    assert_eq!(files, ["edited.js", "new.js"], "{}", stderr(&output));
    let output = crosswire(dir.path(), &["--changed-since", "no-such-ref"]);
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn changed_since_reports_every_finding_that_rests_on_a_changed_helper() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "check.js",
        "export function isAllowed(origin) {\n  return origin === \"https://a.example\";\n}\n",
    );
    write(
        dir.path(),
        "main.js",
        "import { isAllowed } from \"./check.js\";\n\
         window.addEventListener(\"message\", (event) => {\n\
         \x20 if (!isAllowed(event.origin)) return;\n\
         \x20 document.body.innerHTML = event.data.html;\n\
         });\n",
    );
    git(dir.path(), &["init", "-q"]);
    git(dir.path(), &["add", "."]);
    git(dir.path(), &["commit", "-qm", "start"]);
    // The pull request changes only the helper, which stops checking: both findings of
    // the handler that trusted it rest on it, and both are reported.
    write(
        dir.path(),
        "check.js",
        "export function isAllowed(origin) {\n  return true;\n}\n",
    );
    let full = compact_lines(&crosswire(dir.path(), &["--format", "compact"]));
    let changed = compact_lines(&crosswire(
        dir.path(),
        &["--changed-since", "HEAD", "--format", "compact"],
    ));
    assert_eq!(changed, full);
    assert!(
        changed
            .iter()
            .any(|line| line.contains("message-data-to-sink")),
        "{changed:?}"
    );
    assert!(
        changed
            .iter()
            .any(|line| line.contains("message-missing-origin-check")),
        "{changed:?}"
    );
}

#[test]
fn changed_since_reports_importers_whose_evidence_changed() {
    let dir = tempfile::tempdir().unwrap();
    let strong =
        "export function isTrusted(origin) {\n  return origin === \"https://a.example\";\n}\n";
    write(dir.path(), "check.js", strong);
    write(
        dir.path(),
        "app.js",
        "import { isTrusted } from \"./check.js\";\n\
         window.addEventListener(\"message\", (event) => {\n\
         \x20 if (!isTrusted(event.origin)) return;\n\
         \x20 document.title = event.data.title;\n\
         });\n\
         parent.postMessage({ token }, \"*\");\n",
    );
    // A finding of an unchanged file whose evidence is unchanged too stays out.
    write(dir.path(), "other.js", WILDCARD_POST);
    git(dir.path(), &["init", "-q"]);
    git(dir.path(), &["add", "."]);
    git(dir.path(), &["commit", "-qm", "start"]);
    let output = crosswire(dir.path(), &["--write-baseline", "baseline.json"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let output = crosswire(
        dir.path(),
        &["--changed-since", "HEAD", "--format", "compact"],
    );
    assert!(
        compact_lines(&output).is_empty(),
        "{:?}",
        compact_lines(&output)
    );
    // The helper weakens: the importer's handler is reported, with the helper as evidence.
    write(
        dir.path(),
        "check.js",
        "export function isTrusted(origin) {\n  return origin.indexOf(\"a.example\") !== -1;\n}\n",
    );
    let output = crosswire(dir.path(), &["--changed-since", "HEAD", "--format", "json"]);
    let json: Value = serde_json::from_slice(&output.stdout).unwrap();
    let findings = json["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1, "{json}");
    assert_eq!(findings[0]["rule"], "message-weak-origin-check");
    assert_eq!(findings[0]["path"], "app.js");
    let labels = findings[0]["labels"].as_array().unwrap();
    assert!(
        labels.iter().any(|label| label["path"] == "check.js"),
        "{labels:?}"
    );
    // app.js is reported only in part: pruning the baseline keeps its other entries.
    let output = crosswire(
        dir.path(),
        &[
            "--changed-since",
            "HEAD",
            "--baseline",
            "baseline.json",
            "--baseline-prune",
        ],
    );
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let baseline: Value =
        serde_json::from_str(&fs::read_to_string(dir.path().join("baseline.json")).unwrap())
            .unwrap();
    let kept: Vec<&str> = baseline["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| entry["path"].as_str().unwrap())
        .collect();
    assert!(kept.contains(&"app.js"), "{baseline}");
}

#[test]
fn a_warm_cache_parses_nothing_and_keeps_project_level_findings() {
    let dir = same_page_project("iframe-chat");
    write(dir.path(), "extra.js", WILDCARD_POST);
    let run = |args: &[&str]| {
        let mut all = vec!["--format", "json"];
        all.extend_from_slice(args);
        let output = crosswire(dir.path(), &all);
        let json: Value = serde_json::from_slice(&output.stdout).unwrap();
        json
    };
    let cold = run(&["--cache"]);
    assert!(dir.path().join(".crosswire-cache/cache").is_file());
    assert!(dir.path().join(".crosswire-cache/.gitignore").is_file());
    assert!(cold["summary"]["files_parsed"].as_u64().unwrap() > 0);
    let warm = run(&["--cache"]);
    assert_eq!(warm["summary"]["files_parsed"], 0, "{}", warm["summary"]);
    assert_eq!(
        warm["summary"]["files_cached"],
        cold["summary"]["files_scanned"]
    );
    assert_eq!(warm["findings"], cold["findings"]);
    let rules: Vec<&str> = warm["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert!(rules.contains(&"websocket-same-page"), "{rules:?}");
    assert!(rules.contains(&"postmessage-wildcard-origin"), "{rules:?}");

    // A changed file is linted again; the others still come from the cache.
    write(dir.path(), "extra.js", "top.postMessage(1, '*');\n");
    let edited = run(&["--cache"]);
    assert_eq!(edited["summary"]["files_parsed"], 1);

    // A config change empties the cache.
    write(
        dir.path(),
        "crosswire.toml",
        "[rules]\nunused-ignore = \"off\"\n",
    );
    let reconfigured = run(&["--cache"]);
    assert_eq!(reconfigured["summary"]["files_cached"], 0);

    // --cache-location moves the file, or the folder when it names one.
    let _ = run(&["--cache", "--cache-location", "elsewhere.cache"]);
    assert!(dir.path().join("elsewhere.cache").is_file());
    let _ = run(&["--cache", "--cache-location", "caches/"]);
    assert!(dir.path().join("caches/cache").is_file());
    assert!(dir.path().join("caches/.gitignore").is_file());
}

#[test]
fn the_cache_folder_keeps_git_status_clean_and_replaces_an_old_cache_file() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "app.js", WILDCARD_POST);
    git(dir.path(), &["init", "-q"]);
    git(dir.path(), &["add", "."]);
    git(dir.path(), &["commit", "-qm", "start"]);
    // The single-file cache of an earlier crosswire where the folder goes.
    write(dir.path(), ".crosswire-cache", "crosswire-cache 1 old\n{}");
    let output = crosswire(dir.path(), &["--cache", "--format", "compact"]);
    assert_eq!(compact_lines(&output).len(), 1, "{}", stderr(&output));
    assert!(!stderr(&output).contains("cache"), "{}", stderr(&output));
    assert!(dir.path().join(".crosswire-cache/cache").is_file());
    let status = std::process::Command::new("git")
        .args(["status", "--porcelain"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&status.stdout), "");
    let output = crosswire(dir.path(), &["--cache", "--format", "json"]);
    let json: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["summary"]["files_cached"], 1, "{json}");
}

#[test]
fn a_cached_script_left_unparsed_is_parsed_once_a_page_loads_it() {
    let dir = same_page_project("loaded-embedder");
    // At first no page loads embed.js: it is left unparsed, and cached that way.
    write(
        dir.path(),
        "index.html",
        "<script src=\"app.js\"></script>\n",
    );
    let run = || {
        let output = crosswire(dir.path(), &["--format", "compact", "--cache"]);
        compact_lines(&output)
    };
    let rules_of = |lines: &[String]| {
        lines
            .iter()
            .filter(|line| line.contains("websocket-same-page"))
            .count()
    };
    assert_eq!(rules_of(&run()), 0);
    assert_eq!(rules_of(&run()), 0);
    // Only the page changes; embed.js, unchanged and cached, must now be parsed.
    write(
        dir.path(),
        "index.html",
        "<script src=\"app.js\"></script>\n<script src=\"embed.js\"></script>\n",
    );
    let lines = run();
    assert_eq!(rules_of(&lines), 1, "{lines:?}");
    assert!(lines[0].starts_with("embed.js:5:"), "{lines:?}");
    assert_eq!(rules_of(&run()), 1);
}

#[test]
fn the_cache_forgets_deleted_files_but_not_files_a_narrower_run_skipped() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.js", WILDCARD_POST);
    write(dir.path(), "b.js", WILDCARD_POST);
    let cached = || {
        let bytes = fs::read(dir.path().join(".crosswire-cache/cache")).unwrap();
        // Paths are kept as their bytes, each after its length (4).
        String::from_utf8_lossy(&bytes).into_owned()
    };
    crosswire(dir.path(), &["--cache"]);
    assert!(cached().contains("\u{4}b.js"));
    // A pre-commit style run over one named file keeps b.js's entry.
    crosswire(dir.path(), &["--cache", "a.js"]);
    assert!(cached().contains("\u{4}b.js"));
    fs::remove_file(dir.path().join("b.js")).unwrap();
    crosswire(dir.path(), &["--cache"]);
    assert!(!cached().contains("\u{4}b.js"), "{}", cached());
    assert!(cached().contains("\u{4}a.js"));
}

#[test]
fn the_cache_trusts_unchanged_metadata_and_rehashes_otherwise() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.js", WILDCARD_POST);
    let summary = || {
        let output = crosswire(dir.path(), &["--format", "json", "--cache"]);
        let json: Value = serde_json::from_slice(&output.stdout).unwrap();
        (
            json["summary"].clone(),
            json["findings"].as_array().unwrap().len(),
        )
    };
    let (cold, findings) = summary();
    assert_eq!((cold["files_parsed"].as_u64(), findings), (Some(1), 1));
    // Same content, new modification time: the hash still matches.
    let file = fs::OpenOptions::new()
        .write(true)
        .open(dir.path().join("a.js"))
        .unwrap();
    file.set_modified(std::time::SystemTime::now() + std::time::Duration::from_secs(5))
        .unwrap();
    let (touched, findings) = summary();
    assert_eq!(touched["files_parsed"], 0, "{touched}");
    assert_eq!(findings, 1);
    // Same size and the same modification time: taken as unchanged, neither hashed nor
    // linted, as ESLint's default cache strategy does. Changed content with a new time
    // is hashed and linted.
    let modified = fs::metadata(dir.path().join("a.js"))
        .unwrap()
        .modified()
        .unwrap();
    let clean = "const x = 'parent.postMessage(d)';".to_string();
    let clean = format!("{clean:<width$}", width = WILDCARD_POST.len() - 1) + "\n";
    assert_eq!(clean.len(), WILDCARD_POST.len());
    write(dir.path(), "a.js", &clean);
    let file = fs::OpenOptions::new()
        .write(true)
        .open(dir.path().join("a.js"))
        .unwrap();
    file.set_modified(modified).unwrap();
    let (trusted, findings) = summary();
    assert_eq!((trusted["files_parsed"].as_u64(), findings), (Some(0), 1));
    file.set_modified(modified + std::time::Duration::from_secs(1))
        .unwrap();
    let (relinted, findings) = summary();
    assert_eq!((relinted["files_parsed"].as_u64(), findings), (Some(1), 0));
}

#[test]
fn hostile_inputs_give_clear_messages_and_keep_other_findings() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "ok.js", WILDCARD_POST);
    // A byte-order mark, CRLF and lone CR line ends: positions stay right.
    fs::write(
        dir.path().join("bom.js"),
        "\u{feff}// x\r\n\r\n  parent.postMessage(1, '*');\r\n",
    )
    .unwrap();
    fs::write(
        dir.path().join("cr.js"),
        "// a\r// b\r    top.postMessage(2, '*');\r",
    )
    .unwrap();
    // A file of NUL bytes that names a trigger word.
    let mut nul = vec![0u8; 4096];
    nul.extend_from_slice(b"postMessage");
    fs::write(dir.path().join("nul.js"), nul).unwrap();
    // A one-line minified bundle over the size limit is skipped with a note.
    let bundle = format!("{}parent.postMessage(1,'*');", "var a=1;".repeat(2_000));
    write(dir.path(), "bundle.min.js", &bundle);
    let output = crosswire(
        dir.path(),
        &["--format", "compact", "--max-file-size", "10000"],
    );
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let lines = compact_lines(&output);
    assert!(lines.contains(&"bom.js:3:3: error postmessage-wildcard-origin: `parent.postMessage` uses target origin \"*\": any site loaded in the parent window can read the message".to_string()), "{lines:?}");
    assert!(
        lines
            .iter()
            .any(|line| line.starts_with("cr.js:3:5: error postmessage-wildcard-origin")),
        "{lines:?}"
    );
    assert!(
        lines
            .iter()
            .any(|line| line.starts_with("ok.js:1:1: error")),
        "{lines:?}"
    );
    assert!(
        lines
            .iter()
            .any(|line| line.starts_with("nul.js:1:1: error parse-error")),
        "{lines:?}"
    );
    assert!(
        !lines.iter().any(|line| line.starts_with("bundle.min.js")),
        "{lines:?}"
    );
    let expected_note = format!(
        "bundle.min.js: skipped: {} bytes is over --max-file-size (10000 bytes)",
        bundle.len()
    );
    assert!(
        stderr(&output).contains(&expected_note),
        "{}",
        stderr(&output)
    );
    // Without the limit the bundle is linted.
    let output = crosswire(dir.path(), &["--format", "compact", "bundle.min.js"]);
    assert!(
        stdout(&output).starts_with("bundle.min.js:1:16001: error"),
        "{}",
        stdout(&output)
    );
}

#[cfg(unix)]
#[test]
fn paths_that_are_not_utf8_are_linted_and_shown() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    let name = std::ffi::OsStr::from_bytes(b"caf\xe9.js");
    fs::write(dir.path().join(name), WILDCARD_POST).unwrap();
    let output = crosswire(dir.path(), &["--format", "compact"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stdout(&output).starts_with("caf\u{fffd}.js:1:1: error postmessage-wildcard-origin"),
        "{}",
        stdout(&output)
    );
}

#[test]
fn a_hundred_thousand_empty_files_are_walked_quickly_and_quietly() {
    let dir = tempfile::tempdir().unwrap();
    for folder in 0..100 {
        let folder_path = dir.path().join(format!("d{folder}"));
        fs::create_dir(&folder_path).unwrap();
        for file in 0..1000 {
            fs::File::create(folder_path.join(format!("f{file}.js"))).unwrap();
        }
    }
    write(dir.path(), "d0/real.js", WILDCARD_POST);
    let output = crosswire(dir.path(), &["--format", "json"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let json: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["summary"]["files_scanned"], 100_001);
    assert_eq!(json["summary"]["files_parsed"], 1);
    assert_eq!(json["findings"].as_array().unwrap().len(), 1);
}

#[test]
fn a_twenty_megabyte_minified_bundle_is_skipped_with_a_note_or_linted_when_allowed() {
    let dir = tempfile::tempdir().unwrap();
    let mut bundle = String::with_capacity(21_000_000);
    while bundle.len() < 20_000_000 {
        bundle.push_str("var a=function(b){return b+1},c=[1,2,3].map(a);");
    }
    bundle.push_str("parent.postMessage(c,'*');");
    write(dir.path(), "vendor.min.js", &bundle);
    write(dir.path(), "app.js", WILDCARD_POST);
    let output = crosswire(dir.path(), &["--format", "compact"]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(compact_lines(&output).len(), 1, "{}", stdout(&output));
    assert!(
        stderr(&output).contains("vendor.min.js: skipped:"),
        "{}",
        stderr(&output)
    );
    let output = crosswire(
        dir.path(),
        &[
            "--format",
            "compact",
            "--max-file-size",
            "30000000",
            "vendor.min.js",
        ],
    );
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(
        stdout(&output).starts_with("vendor.min.js:1:20000"),
        "{}",
        stdout(&output)
    );
}

/// Inputs the fuzzer found crashing (`fuzz/`), each linted like any other file.
#[test]
fn fuzz_regressions_are_linted_without_internal_errors() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/fuzz-regressions");
    for entry in fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let output = crosswire(&dir, &["--format", "compact", path.to_str().unwrap()]);
        assert!(
            matches!(output.status.code(), Some(0 | 1)),
            "{}: {}",
            path.display(),
            stderr(&output)
        );
        assert!(
            !stderr(&output).contains("internal error"),
            "{}",
            stderr(&output)
        );
    }
    let output = crosswire(&dir, &["--format", "compact", "span-start-after-end.ts"]);
    assert!(
        stdout(&output).starts_with("span-start-after-end.ts:22:71: error parse-error"),
        "{}",
        stdout(&output)
    );
    // swc's parser hits an `unreachable!` on `<a:b.c>`: a parse error at the script's
    // start, and no panic message.
    let output = crosswire(&dir, &["--format", "compact", "jsx-namespaced-member.html"]);
    assert!(
        stdout(&output).contains(
            "jsx-namespaced-member.html:11:13: error parse-error: cannot parse this script: \
             the parser gave up on this code"
        ),
        "{}",
        stdout(&output)
    );
    assert!(!stderr(&output).contains("panicked"), "{}", stderr(&output));
}

#[test]
fn a_file_over_the_time_limit_is_skipped_with_a_note_and_the_others_are_linted() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "small.js", WILDCARD_POST);
    // Thousands of calls: the analysis reads the clock often enough to see the limit.
    let slow = "parent.postMessage(data, '*');\n".repeat(20_000);
    write(dir.path(), "slow.js", &slow);
    let output = crosswire(
        dir.path(),
        &["--format", "compact", "--max-file-time", "0.000001"],
    );
    let lines = compact_lines(&output);
    assert!(
        !lines.iter().any(|line| line.starts_with("slow.js")),
        "{lines:?}"
    );
    // A small file reads the clock too rarely to be stopped.
    assert!(
        lines.iter().any(|line| line.starts_with("small.js")),
        "{lines:?}"
    );
    assert!(
        stderr(&output).contains("slow.js: skipped: linting took longer than --max-file-time"),
        "{}",
        stderr(&output)
    );
    // No panic message: running out of time is not a crash.
    assert!(!stderr(&output).contains("panicked"), "{}", stderr(&output));
    // The limit off (0), the file is linted.
    let output = crosswire(dir.path(), &["--format", "compact", "--max-file-time", "0"]);
    let lines = compact_lines(&output);
    assert_eq!(
        lines
            .iter()
            .filter(|line| line.starts_with("slow.js"))
            .count(),
        20_000
    );
}

/// The page map resolves a project linted by an absolute path or a climbing one from
/// another folder as it does from inside (paths outside the working directory keep their
/// leading `/` and `..`s).
#[test]
fn project_rules_do_not_depend_on_the_working_directory() {
    let dir = same_page_project("iframe-chat");
    let rules_of = |output: &Output| -> Vec<String> {
        compact_lines(output)
            .into_iter()
            .filter(|line| line.contains("websocket-same-page"))
            .collect()
    };
    let inside = crosswire(dir.path(), &["--format", "compact"]);
    assert_eq!(rules_of(&inside).len(), 1, "{}", stdout(&inside));
    let elsewhere = tempfile::tempdir().unwrap();
    let absolute = dir.path().to_str().unwrap();
    let outside = crosswire(elsewhere.path(), &["--format", "compact", absolute]);
    assert_eq!(rules_of(&outside).len(), 1, "{}", stdout(&outside));
    // Both temporary folders share a parent: `../<project>` from the other one.
    assert_eq!(dir.path().parent(), elsewhere.path().parent());
    let climbing = format!("../{}", dir.path().file_name().unwrap().to_str().unwrap());
    let relative = crosswire(elsewhere.path(), &["--format", "compact", &climbing]);
    assert_eq!(rules_of(&relative).len(), 1, "{}", stdout(&relative));
}

#[test]
fn imported_definitions_are_labelled_in_their_own_file_and_a_changed_helper_relints_importers() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "src/config.js",
        "export const TARGET = \"*\";\n",
    );
    write(
        dir.path(),
        "src/widget.js",
        "import { TARGET } from \"./config\";\nwindow.parent.postMessage(\"ready\", TARGET);\n",
    );
    let output = crosswire(dir.path(), &["--format", "sarif", "--cache", "."]);
    let sarif: Value = serde_json::from_slice(&output.stdout).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 1, "{results:?}");
    let related = results[0]["relatedLocations"].as_array().unwrap();
    assert!(
        related.iter().any(|location| {
            location["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .is_some_and(|uri| uri.ends_with("src/config.js"))
                && location["physicalLocation"]["region"]["startLine"] == 1
        }),
        "{related:?}"
    );
    // The helper changes; the importer's cached findings must not stand.
    write(
        dir.path(),
        "src/config.js",
        "export const TARGET = \"https://host.example.com\";\n",
    );
    let output = crosswire(dir.path(), &["--format", "compact", "--cache", "."]);
    assert!(
        compact_lines(&output).is_empty(),
        "{:?}",
        compact_lines(&output)
    );
}

#[test]
fn rules_are_set_from_the_command_line_and_the_effective_config_printed() {
    let dir = project();
    write(
        dir.path(),
        "crosswire.toml",
        "[rules]\npostmessage-wildcard-origin = \"warn\"\n[files]\nignore = [\"dist/\"]\n",
    );
    // --rule wins over the config file, and is repeatable.
    let output = crosswire(
        dir.path(),
        &[
            "--format",
            "compact",
            "--rule",
            "postmessage-wildcard-origin=error",
            "--rule",
            "unused-ignore=off",
        ],
    );
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(stdout(&output).contains(": error postmessage-wildcard-origin:"));
    let output = crosswire(
        dir.path(),
        &[
            "--format",
            "compact",
            "--rule",
            "postmessage-wildcard-origin=off",
        ],
    );
    assert_eq!(output.status.code(), Some(0));
    assert!(compact_lines(&output).is_empty());
    for bad in [
        "postmessage-wildcard-orign=off",
        "postmessage-wildcard-origin",
        "postmessage-wildcard-origin=loud",
    ] {
        let output = crosswire(dir.path(), &["--rule", bad]);
        assert_eq!(output.status.code(), Some(2), "{bad}");
        assert!(
            stderr(&output).contains("--rule"),
            "{bad}: {}",
            stderr(&output)
        );
    }
    let output = crosswire(dir.path(), &["--rule", "postmessage-wildcard-orign=off"]);
    assert!(stderr(&output).contains("did you mean `postmessage-wildcard-origin`"));

    let output = crosswire(
        dir.path(),
        &[
            "--print-config",
            "dist/app.js",
            "--rule",
            "websocket-insecure-url=off",
        ],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let json: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["ignored"], true);
    assert!(json["config"].as_str().unwrap().ends_with("crosswire.toml"));
    assert_eq!(
        json["rules"]["postmessage-wildcard-origin"]["level"],
        "warning"
    );
    assert_eq!(json["rules"]["websocket-insecure-url"]["level"], "off");
    assert_eq!(
        json["rules"]["message-missing-origin-check"]["level"],
        "error"
    );
}

#[test]
fn init_writes_a_commented_config_once() {
    let dir = project();
    let output = crosswire(dir.path(), &["--init"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let written = fs::read_to_string(dir.path().join("crosswire.toml")).unwrap();
    assert!(
        written.contains("# postmessage-wildcard-origin = \"error\""),
        "{written}"
    );
    // The written config is valid: a run uses it.
    let output = crosswire(dir.path(), &["--format", "compact"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let output = crosswire(dir.path(), &["--init"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("already exists"));
    assert_eq!(
        fs::read_to_string(dir.path().join("crosswire.toml")).unwrap(),
        written
    );
}

#[test]
fn every_config_error_is_shown_in_one_run_in_file_order() {
    let dir = project();
    write(
        dir.path(),
        "crosswire.toml",
        "[rules]\npostmessage-wildcard-orign = \"warn\"\nwebsocket-insecure-url = \"loud\"\n[files]\nignore = \"dist\"\n",
    );
    fs::create_dir_all(dir.path().join("sub")).unwrap();
    let output = crosswire(&dir.path().join("sub"), &[]);
    assert_eq!(output.status.code(), Some(2));
    let text = stderr(&output);
    let unknown = text
        .find("unknown rule `postmessage-wildcard-orign`")
        .expect(&text);
    let level = text.find("a rule's level must be").expect(&text);
    let ignore = text.find("`ignore` must be an array").expect(&text);
    assert!(unknown < level && level < ignore, "{text}");
    // The config above the working directory is named relative to it.
    assert!(text.contains("../crosswire.toml:"), "{text}");
}

#[test]
fn color_is_chosen_with_the_flag_and_the_environment() {
    let dir = project();
    let escape = |output: &Output| stdout(output).contains('\u{1b}');
    // Not a terminal: no color unless asked.
    let output = crosswire(dir.path(), &[]);
    assert!(!escape(&output));
    let output = crosswire(dir.path(), &["--color", "always"]);
    assert!(escape(&output), "{}", stdout(&output));
    let mut command = crosswire_command(dir.path(), &[]);
    command.env("FORCE_COLOR", "1").env_remove("NO_COLOR");
    assert!(escape(&command.output().unwrap()));
    let mut command = crosswire_command(dir.path(), &[]);
    command.env("FORCE_COLOR", "1").env("NO_COLOR", "1");
    assert!(!escape(&command.output().unwrap()));
    let mut command = crosswire_command(dir.path(), &["--color", "never"]);
    command.env("FORCE_COLOR", "1");
    assert!(!escape(&command.output().unwrap()));
}

#[test]
fn junit_checkstyle_and_gitlab_reports_are_well_formed_whatever_the_names() {
    let dir = project();
    // A file name and code that would break naive XML.
    write(
        dir.path(),
        "src/a&b<\"x\">.js",
        "parent.postMessage('<]]>&', \"*\");\n",
    );
    for format in ["junit", "checkstyle"] {
        let output = crosswire(dir.path(), &["--format", format]);
        assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
        let text = stdout(&output);
        let document = roxmltree::Document::parse(&text)
            .unwrap_or_else(|error| panic!("{format}: {error}\n{text}"));
        let findings = document
            .descendants()
            .filter(|node| node.has_tag_name("error"))
            .count();
        assert_eq!(findings, 2, "{format}: {text}");
        assert!(
            document.descendants().any(|node| node
                .attribute("name")
                .is_some_and(|name| name.contains("a&b<\"x\">.js"))),
            "{format}: {text}"
        );
    }
    let output = crosswire(dir.path(), &["--format", "gitlab"]);
    let issues: Value = serde_json::from_slice(&output.stdout).unwrap();
    let issues = issues.as_array().unwrap();
    assert_eq!(issues.len(), 2);
    for issue in issues {
        assert_eq!(issue["check_name"], "postmessage-wildcard-origin");
        assert_eq!(issue["severity"], "major");
        assert!(issue["location"]["lines"]["begin"].as_u64().unwrap() >= 1);
    }
    let fingerprints: std::collections::HashSet<&str> = issues
        .iter()
        .map(|issue| issue["fingerprint"].as_str().unwrap())
        .collect();
    assert_eq!(fingerprints.len(), 2);
}

#[test]
fn stats_say_where_the_time_went() {
    let dir = project();
    let output = crosswire(dir.path(), &["--stats", "--format", "compact"]);
    assert_eq!(output.status.code(), Some(1));
    let text = stderr(&output);
    assert!(
        text.contains("crosswire: stats: 2 files found, 2 parsed"),
        "{text}"
    );
    for stage in [
        "discover",
        "first pass",
        "link pass",
        "project passes",
        "report",
        "total",
        "slowest files:",
    ] {
        assert!(text.contains(stage), "{stage}: {text}");
    }
    // Each stage's CPU time beside its wall time, where the system tells.
    if cfg!(unix) {
        let total = text
            .lines()
            .find(|line| line.trim_start().starts_with("total"));
        assert!(total.is_some_and(|line| line.ends_with(" CPU")), "{text}");
    }
    // The report itself is unchanged, and without --stats nothing is said.
    assert_eq!(compact_lines(&output).len(), 1);
    let output = crosswire(dir.path(), &["--format", "compact"]);
    assert!(!stderr(&output).contains("stats"));
}

/// A rerun over an unchanged tree reports what the first run did, from the cache's memo
/// of it: the same findings, the same notice of a file too large to lint, and the cache
/// file is left as it was. A changed file, or a changed tsconfig the run read, is linted
/// again.
#[test]
fn an_unchanged_rerun_reports_the_memo_and_leaves_the_cache_alone() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.js", WILDCARD_POST);
    write(
        dir.path(),
        "big.js",
        format!("{}{WILDCARD_POST}", "// padding\n".repeat(200)),
    );
    write(
        dir.path(),
        "main.js",
        "import { TARGET } from 'config';\nparent.postMessage(1, TARGET);\n",
    );
    write(dir.path(), "config.js", "export const TARGET = '*';\n");
    write(
        dir.path(),
        "tsconfig.json",
        "{ \"compilerOptions\": { \"baseUrl\": \".\" } }\n",
    );
    let args = [
        "--cache",
        "--max-file-size",
        "1000",
        "--format",
        "compact",
        "--stats",
    ];
    let cold = crosswire(dir.path(), &args);
    let cache = dir.path().join(".crosswire-cache/cache");
    let written = fs::read(&cache).unwrap();
    let modified = fs::metadata(&cache).unwrap().modified().unwrap();
    let warm = crosswire(dir.path(), &args);
    assert!(stderr(&warm).contains("cache check"), "{}", stderr(&warm));
    assert_eq!(compact_lines(&warm), compact_lines(&cold));
    assert_eq!(compact_lines(&warm).len(), 2, "{:?}", compact_lines(&warm));
    assert!(
        stderr(&warm).contains("big.js: skipped"),
        "{}",
        stderr(&warm)
    );
    assert_eq!(warm.status.code(), cold.status.code());
    assert_eq!(fs::read(&cache).unwrap(), written);
    assert_eq!(fs::metadata(&cache).unwrap().modified().unwrap(), modified);
    // The helper changes: its importer's finding goes.
    write(
        dir.path(),
        "config.js",
        "export const TARGET = 'https://a.example';\n",
    );
    let edited = crosswire(dir.path(), &args);
    assert!(
        !stderr(&edited).contains("cache check"),
        "{}",
        stderr(&edited)
    );
    assert_eq!(
        compact_lines(&edited).len(),
        1,
        "{:?}",
        compact_lines(&edited)
    );
    let again = crosswire(dir.path(), &args);
    assert!(stderr(&again).contains("cache check"), "{}", stderr(&again));
    assert_eq!(compact_lines(&again), compact_lines(&edited));
    // The helper is as it was; then the tsconfig that resolved `config` changes.
    write(dir.path(), "config.js", "export const TARGET = '*';\n");
    assert_eq!(
        compact_lines(&crosswire(dir.path(), &args)),
        compact_lines(&cold)
    );
    write(dir.path(), "tsconfig.json", "{ \"compilerOptions\": {} }\n");
    let reconfigured = crosswire(dir.path(), &args);
    assert!(
        !stderr(&reconfigured).contains("cache check"),
        "{}",
        stderr(&reconfigured)
    );
    assert_eq!(compact_lines(&reconfigured), compact_lines(&edited));
}

/// An extension's `manifest.json` decides which frames are sandboxed: a rerun after it
/// changes is linted again, not answered from the memo of the run before.
#[test]
fn a_changed_extension_manifest_is_not_answered_from_the_memo() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = |pages: &str| {
        format!("{{ \"manifest_version\": 3, \"sandbox\": {{ \"pages\": [{pages}] }} }}\n")
    };
    write(dir.path(), "manifest.json", manifest("\"sandbox.html\""));
    write(dir.path(), "sandbox.html", "<p>renders</p>\n");
    write(
        dir.path(),
        "page.html",
        "<script src=\"page.js\"></script>\n<iframe id=\"f\" src=\"sandbox.html\"></iframe>\n",
    );
    write(
        dir.path(),
        "page.js",
        "document.getElementById('f').contentWindow.postMessage(1, '*');\n",
    );
    let args = ["--cache", "--format", "compact", "--stats"];
    let sandboxed = crosswire(dir.path(), &args);
    assert_eq!(
        compact_lines(&sandboxed).len(),
        0,
        "{:?}",
        compact_lines(&sandboxed)
    );
    let warm = crosswire(dir.path(), &args);
    assert!(stderr(&warm).contains("cache check"), "{}", stderr(&warm));
    write(dir.path(), "manifest.json", manifest(""));
    let unsandboxed = crosswire(dir.path(), &args);
    assert!(
        !stderr(&unsandboxed).contains("cache check"),
        "{}",
        stderr(&unsandboxed)
    );
    assert_eq!(
        compact_lines(&unsandboxed).len(),
        1,
        "{:?}",
        compact_lines(&unsandboxed)
    );
}
