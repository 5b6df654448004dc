//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crosswire::config::Config;
use crosswire::lint::Engine;
use crosswire::results::FileResult;
use crosswire::source::{FileKind, LineIndex};

/// A command's standard output, as text.
pub fn stdout(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// A command's standard error, as text.
pub fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Writes `text` to `relative` below `dir`, making the folders on the way.
pub fn write(dir: &Path, relative: &str, text: impl AsRef<[u8]>) {
    let path = dir.join(relative);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

pub fn fixtures_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

/// Every fixture file below `fixtures/<rule-id>/`, sorted.
pub fn fixture_files() -> Vec<(String, PathBuf)> {
    let mut files = Vec::new();
    for entry in walkdir::WalkDir::new(fixtures_root()).sort_by_file_name() {
        let entry = entry.expect("fixtures are readable");
        if entry.file_type().is_file() && FileKind::from_path(entry.path()).is_some() {
            let relative = entry.path().strip_prefix(fixtures_root()).unwrap();
            let rule = relative.components().next().unwrap();
            // `fixtures/page-map/` is a small project for the page map, and the project-level
            // rule's fixtures are whole projects (tests/project_fixtures.rs).
            if rule.as_os_str() == "page-map" || rule.as_os_str() == "websocket-same-page" {
                continue;
            }
            // `fixtures/<rule>/project-*/` are whole projects too.
            if is_in_project_fixture(relative) {
                continue;
            }
            files.push((
                rule.as_os_str().to_string_lossy().into_owned(),
                entry.path().to_path_buf(),
            ));
        }
    }
    files
}

/// Whether a path under `fixtures/` lies in a `fixtures/<rule>/project-*/` project.
pub fn is_in_project_fixture(relative: &Path) -> bool {
    relative
        .components()
        .nth(1)
        .is_some_and(|part| part.as_os_str().to_string_lossy().starts_with("project-"))
        && relative.components().count() > 2
}

pub fn lint_file(path: &Path) -> FileResult {
    let engine = Engine::new(Config::defaults(fixtures_root()));
    let bytes = std::fs::read(path).unwrap();
    let kind = FileKind::from_path(path).unwrap();
    let shown = path
        .strip_prefix(env!("CARGO_MANIFEST_DIR"))
        .unwrap()
        .to_string_lossy()
        .replace('\\', "/");
    engine.lint_bytes(shown, bytes, kind)
}

/// `(line, rule)` for every `expect: <rule-id>[, <rule-id>]` comment: the finding is
/// expected on the next line that is not itself an expectation.
pub fn expected_findings(text: &str) -> BTreeSet<(usize, String)> {
    let lines: Vec<&str> = text.lines().collect();
    let mut expected = BTreeSet::new();
    for (index, line) in lines.iter().enumerate() {
        let Some(rules) = expectation(line) else {
            continue;
        };
        let target = (index + 1..lines.len())
            .find(|&next| expectation(lines[next]).is_none())
            .map_or(index + 2, |next| next + 1);
        for rule in rules {
            expected.insert((target, rule));
        }
    }
    expected
}

fn expectation(line: &str) -> Option<Vec<String>> {
    let trimmed = line.trim_start();
    let comment = trimmed
        .strip_prefix("//")
        .or_else(|| trimmed.strip_prefix("/*"))
        .or_else(|| trimmed.strip_prefix("{/*"))
        .or_else(|| trimmed.strip_prefix("<!--"))?;
    let rest = comment.trim_start().strip_prefix("expect:")?;
    Some(
        rest.split([',', ' '])
            .map(|rule| {
                rule.trim()
                    .trim_end_matches("-->")
                    .trim_end_matches("*/}")
                    .trim_end_matches("*/")
            })
            .filter(|rule| !rule.is_empty())
            .map(str::to_string)
            .collect(),
    )
}

pub fn actual_findings(result: &FileResult) -> BTreeSet<(usize, String)> {
    let Some(text) = &result.text else {
        return BTreeSet::new();
    };
    let lines = LineIndex::new(text);
    result
        .findings
        .iter()
        .map(|finding| {
            (
                lines.line_of(finding.diagnostic.span.start),
                finding.rule.to_string(),
            )
        })
        .collect()
}
