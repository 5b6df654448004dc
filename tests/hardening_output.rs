//! Hostile input against the outputs (issue 18, items 1, 9 and part of 14): long lines in
//! the pretty output, file names and code that try to forge CI commands or drive the
//! terminal, SARIF URIs, and offsets of files that are not UTF-8.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use common::{stderr, stdout, write};
use serde_json::Value;

const WILDCARD_POST: &str = "parent.postMessage(1, \"*\");\n";

fn crosswire(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_crosswire"))
        .args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .output()
        .expect("crosswire runs")
}

fn json(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout).expect("the output is JSON")
}

/// Characters that must never reach a terminal or a CI log raw: C0 but the line feed
/// that ends lines, DEL, C1, and the bidi controls that reorder text (Trojan Source).
fn is_dangerous(c: char) -> bool {
    (c.is_control() && c != '\n')
        || matches!(
            c,
            '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{2028}' | '\u{2029}'
        )
        || ('\u{202A}'..='\u{202E}').contains(&c)
        || ('\u{2066}'..='\u{2069}').contains(&c)
}

fn assert_terminal_safe(what: &str, text: &str) {
    if let Some(c) = text.chars().find(|&c| is_dangerous(c)) {
        panic!("{what} holds the raw character {c:?}:\n{text}");
    }
}

/// A line a GitHub runner would read as a workflow command (it trims leading spaces).
fn forged_commands<'a>(text: &'a str, allowed_prefix: &str) -> Vec<&'a str> {
    text.lines()
        .filter(|line| {
            let line = line.trim_start();
            line.starts_with("::")
                && (allowed_prefix.is_empty() || !line.starts_with(allowed_prefix))
        })
        .collect()
}

// ---- Item 1: the pretty output on long lines ----

/// The display width of the widest line (every character one column: an upper bound
/// for what the window lets through, since wide characters are budgeted as two).
fn widest_line(text: &str) -> usize {
    text.lines()
        .map(|line| line.chars().count())
        .max()
        .unwrap_or(0)
}

#[test]
fn pretty_output_survives_a_finding_past_column_65535_and_keeps_the_other_files() {
    let dir = tempfile::tempdir().unwrap();
    // Tabs are shown four columns wide: 17,000 of them put the call past column 65,535.
    write(
        dir.path(),
        "a-tabs.js",
        format!("{}parent.postMessage(1,\"*\")\n", "\t".repeat(17_000)),
    );
    write(
        dir.path(),
        "b-minified.js",
        format!("{}parent.postMessage(1,\"*\")", "x;".repeat(40_000)),
    );
    write(dir.path(), "c-plain.js", WILDCARD_POST);
    let output = crosswire(dir.path(), &["a-tabs.js", "b-minified.js", "c-plain.js"]);
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{text}{}", stderr(&output));
    // The header keeps the real line and column (as the compact format counts them).
    assert!(text.contains("[a-tabs.js:1:17001]"), "{text}");
    assert!(text.contains("[b-minified.js:1:80001]"), "{text}");
    assert!(text.contains("[c-plain.js:1:1]"), "{text}");
    assert!(text.contains("3 errors"), "{text}");
    assert!(
        widest_line(&text) <= 400,
        "a line of {} columns",
        widest_line(&text)
    );
    assert!(text.len() < 10_000, "{} bytes of output", text.len());
}

#[test]
fn pretty_output_of_a_big_minified_file_prints_windows_not_whole_lines() {
    let dir = tempfile::tempdir().unwrap();
    let filler = "var a=b(c,d);".repeat(1_200);
    write(
        dir.path(),
        "bundle.min.js",
        format!(
            "{filler}parent.postMessage(1,\"*\");{filler}window.top.postMessage(2,\"*\");{filler}\n{filler}"
        ),
    );
    let output = crosswire(dir.path(), &["bundle.min.js"]);
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{text}");
    assert_eq!(
        text.matches("postmessage-wildcard-origin").count(),
        2,
        "{text}"
    );
    assert!(
        widest_line(&text) <= 400,
        "a line of {} columns",
        widest_line(&text)
    );
    assert!(text.len() < 8_000, "{} bytes of output", text.len());
    // The window still shows the code it points at.
    assert!(text.contains("parent.postMessage(1,\"*\")"), "{text}");
}

#[test]
fn a_config_error_on_a_long_line_with_control_characters_is_drawn_safely() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.js", WILDCARD_POST);
    write(
        dir.path(),
        "crosswire.toml",
        format!(
            "# {}\n[rules]\n{}\"\u{1b}]0;x\u{7}\u{202E}\" = \"error\"\n",
            "\t".repeat(17_000),
            " ".repeat(70_000)
        ),
    );
    let output = crosswire(dir.path(), &["a.js"]);
    let text = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{text}");
    assert_terminal_safe("stderr", &text);
    assert!(text.contains("crosswire.toml:3:"), "{text}");
    assert!(
        widest_line(&text) <= 400,
        "a line of {} columns",
        widest_line(&text)
    );
}

// ---- Item 9: names and code that try to forge commands or drive the terminal ----

/// A file name with a line break and a workflow command, one with an escape sequence,
/// one with a right-to-left override; each holds a finding.
fn hostile_names(dir: &Path) -> Vec<&'static str> {
    let names = vec![
        "forged\n::error file=x.js,line=1::owned.js",
        "esc\u{1b}[31mred\u{1b}]0;title\u{7}.js",
        "rtl\u{202E}sj.txt.js",
        "c1\u{9b}31m.js",
    ];
    for name in &names {
        write(dir, name, WILDCARD_POST);
    }
    names
}

#[test]
fn pretty_and_compact_outputs_escape_file_names() {
    let dir = tempfile::tempdir().unwrap();
    hostile_names(dir.path());
    for format in ["pretty", "compact"] {
        let output = crosswire(dir.path(), &["--format", format, "."]);
        let text = stdout(&output);
        assert_eq!(output.status.code(), Some(1), "{format}: {text}");
        assert_terminal_safe(format, &text);
        assert!(forged_commands(&text, "").is_empty(), "{format}: {text}");
        // Escaped, not dropped: the names are still recognisable.
        assert!(
            text.contains("forged\\n::error file=x.js"),
            "{format}: {text}"
        );
        assert!(text.contains("rtl\\u{202e}sj.txt.js"), "{format}: {text}");
    }
}

#[test]
fn github_output_escapes_names_and_messages_so_nothing_starts_a_command() {
    let dir = tempfile::tempdir().unwrap();
    hostile_names(dir.path());
    // Code quoted in messages: a target origin spanning lines with a command in it.
    write(
        dir.path(),
        "quoted.js",
        "parent.postMessage(1, `*\n::error file=y.js::quoted%0A`);\nparent.postMessage(2, \"*\");\n",
    );
    let output = crosswire(dir.path(), &["--format", "github", "."]);
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{text}");
    assert_terminal_safe("github", &text);
    let lines: Vec<&str> = text.lines().collect();
    assert!(!lines.is_empty());
    for line in &lines {
        assert!(
            line.starts_with("::error file=") || line.starts_with("::warning file="),
            "a line that is not one of crosswire's commands: {line:?}\n{text}"
        );
        // Exactly one `::` separates the properties from the message; a `::` inside a
        // property would end it early.
        let properties = line.split_once(' ').unwrap().1;
        let (properties, _message) = properties.split_once("::").unwrap();
        for property in properties.split(',') {
            let (key, value) = property.split_once('=').expect("key=value");
            assert!(
                ["file", "line", "col", "endLine", "endColumn", "title"].contains(&key),
                "{key} in {line}"
            );
            assert!(!value.contains([':', ',', '\r', '\n']), "{value} in {line}");
        }
    }
    assert!(
        text.contains("file=forged%0A%3A%3Aerror file=x.js%2Cline=1%3A%3Aowned.js,"),
        "{text}"
    );
}

#[test]
fn notes_and_errors_on_standard_error_escape_paths() {
    let dir = tempfile::tempdir().unwrap();
    let big = "big\n::error file=x.js::skipped\u{1b}[2J.js";
    write(
        dir.path(),
        big,
        format!("{WILDCARD_POST}// {}\n", "x".repeat(200)),
    );
    let missing = "missing\n::error::gone\u{202E}.js";
    let baseline = "base\n::warning::line\u{1b}[1m.json";
    let linted = crosswire(dir.path(), &["--max-file-size", "100", ".", missing]);
    let baseline_written = crosswire(dir.path(), &["--write-baseline", baseline, "."]);
    let text = stderr(&linted) + &stderr(&baseline_written);
    assert_terminal_safe("stderr", &text);
    assert!(forged_commands(&text, "").is_empty(), "{text}");
    assert!(
        text.contains("big\\n::error file=x.js::skipped\\u{1b}[2J.js"),
        "{text}"
    );
    assert!(
        text.contains("missing\\n::error::gone\\u{202e}.js"),
        "{text}"
    );
    assert!(
        text.contains("base\\n::warning::line\\u{1b}[1m.json"),
        "{text}"
    );
}

#[test]
fn messages_that_quote_code_are_escaped_in_pretty_and_compact_outputs() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "quoted.js",
        "frames[\"a\u{1b}[2J\u{202E}\\\n::error::x\u{9b}\"].postMessage(1, \"*\");\n",
    );
    for format in ["pretty", "compact"] {
        let output = crosswire(dir.path(), &["--format", format, "quoted.js"]);
        let text = stdout(&output);
        assert_terminal_safe(format, &text);
        assert!(forged_commands(&text, "").is_empty(), "{format}: {text}");
        assert!(text.contains("a\\u{1b}[2J\\u{202e}"), "{format}: {text}");
    }
}

#[test]
fn json_output_keeps_names_and_messages_exact_and_escapes_what_a_terminal_would_run() {
    let dir = tempfile::tempdir().unwrap();
    let mut names = hostile_names(dir.path());
    names.sort();
    let output = crosswire(dir.path(), &["--format", "json", "."]);
    let raw = stdout(&output);
    // Printed to a terminal, the JSON text itself holds no raw control character.
    assert_terminal_safe("json", &raw);
    let document = json(&output);
    let mut paths: Vec<&str> = document["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|finding| finding["path"].as_str().unwrap())
        .collect();
    paths.sort();
    assert_eq!(paths, names);
}

#[test]
fn sarif_artifact_uris_are_percent_encoded_references_without_a_scheme() {
    let dir = tempfile::tempdir().unwrap();
    let names = [
        "%41.js",
        "ab:c.js",
        "sub/x:y.js",
        "a b#c?d.js",
        "caf\u{e9}.js",
        "[brackets]@!$&'()*+,;=.js",
    ];
    for name in names {
        write(dir.path(), name, WILDCARD_POST);
    }
    let output = crosswire(dir.path(), &["--format", "sarif", "."]);
    let raw = stdout(&output);
    assert_terminal_safe("sarif", &raw);
    let document = json(&output);
    let mut decoded = Vec::new();
    for result in document["runs"][0]["results"].as_array().unwrap() {
        let uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .unwrap();
        // RFC 3986 relative-ref: pchar and "/" only, and a first segment without ":"
        // (which would make it a scheme).
        assert!(
            uri.chars()
                .all(|c| c.is_ascii_alphanumeric() || "-._~!$&'()*+,;=:@/%".contains(c)),
            "{uri}"
        );
        let first_segment = uri.split('/').next().unwrap();
        assert!(!first_segment.contains(':'), "{uri} reads as a scheme");
        decoded.push(percent_decode(uri));
    }
    decoded.sort();
    let mut expected: Vec<String> = names.iter().map(|name| name.to_string()).collect();
    expected.sort();
    assert_eq!(decoded, expected);
}

fn percent_decode(uri: &str) -> String {
    let bytes = uri.as_bytes();
    let mut out = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        if bytes[at] == b'%' {
            let hex = std::str::from_utf8(&bytes[at + 1..at + 3]).unwrap();
            out.push(u8::from_str_radix(hex, 16).expect("two hex digits after %"));
            at += 3;
        } else {
            out.push(bytes[at]);
            at += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

// ---- Item 14: offsets of a file that is not UTF-8 ----

#[test]
fn json_offsets_of_a_file_that_is_not_utf8_count_the_files_own_bytes() {
    let dir = tempfile::tempdir().unwrap();
    // Two invalid bytes (each decoded to the 3-byte U+FFFD) and a 2-byte sequence cut short.
    let mut bytes = b"/*\xff\xfe\xc3*/ ".to_vec();
    let call_at = bytes.len();
    bytes.extend_from_slice(WILDCARD_POST.as_bytes());
    write(dir.path(), "latin1.js", &bytes);
    let output = crosswire(dir.path(), &["--format", "json", "latin1.js"]);
    let document = json(&output);
    let findings = document["findings"].as_array().unwrap();
    let wildcard = findings
        .iter()
        .find(|finding| finding["rule"] == "postmessage-wildcard-origin")
        .expect("the wildcard finding");
    assert_eq!(wildcard["start"]["offset"], call_at, "{wildcard}");
    assert_eq!(
        &bytes[wildcard["end"]["offset"].as_u64().unwrap() as usize - 1..][..1],
        b"e",
        "the end offset is just past `parent.postMessage` in the file: {wildcard}"
    );
    // Columns count one per undecodable sequence, as editors show them.
    assert_eq!(wildcard["start"]["column"], 9, "{wildcard}");
    let invalid = findings
        .iter()
        .find(|finding| finding["rule"] == "parse-error")
        .expect("the not-UTF-8 finding");
    assert_eq!(invalid["start"]["offset"], 2, "{invalid}");
    assert_eq!(invalid["end"]["offset"], 3, "{invalid}");
    // Results rebuilt from the cache map offsets back the same way.
    let cached_run = || {
        let args = [
            "--format",
            "json",
            "--cache",
            "--cache-location",
            "cache",
            "latin1.js",
        ];
        json(&crosswire(dir.path(), &args))
    };
    let cold = cached_run();
    let warm = cached_run();
    assert_eq!(warm["summary"]["files_cached"], 1, "{warm}");
    assert_eq!(cold["findings"], document["findings"]);
    assert_eq!(warm["findings"], document["findings"]);
}

#[test]
fn a_byte_order_mark_is_no_column_in_any_format() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "bom.js", format!("\u{FEFF}{WILDCARD_POST}"));
    let compact = stdout(&crosswire(dir.path(), &["--format", "compact", "bom.js"]));
    assert!(compact.starts_with("bom.js:1:1: "), "{compact}");
    let pretty = stdout(&crosswire(dir.path(), &["bom.js"]));
    assert!(pretty.contains("[bom.js:1:1]"), "{pretty}");
    let document = json(&crosswire(dir.path(), &["--format", "json", "bom.js"]));
    let start = &document["findings"][0]["start"];
    assert_eq!(
        (&start["column"], &start["offset"]),
        (&Value::from(1), &Value::from(3))
    );
}

#[test]
fn the_page_map_escapes_what_a_terminal_would_run() {
    let dir = tempfile::tempdir().unwrap();
    let names = hostile_names(dir.path());
    write(
        dir.path(),
        "index.html",
        "<script src=\"c1\u{9b}31m.js\"></script><iframe src=\"rtl\u{202E}sj.txt.js\"></iframe>\n",
    );
    let output = crosswire(dir.path(), &["--print-page-map", "."]);
    let raw = stdout(&output);
    assert_terminal_safe("page map", &raw);
    assert!(raw.contains("c1\\u009b31m.js"), "{raw}");
    assert!(names.len() > 1);
}
