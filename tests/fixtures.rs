//! Runs every fixture under `fixtures/<rule-id>/` and compares the exact set of
//! findings with the file's `// expect: <rule-id>` annotations.

mod common;

use std::collections::BTreeSet;
use std::fmt::Write;

use common::{actual_findings, expected_findings, fixture_files, lint_file};
use crosswire::rules::RULES;

#[test]
fn every_fixture_reports_exactly_its_expectations() {
    let files = fixture_files();
    assert!(!files.is_empty(), "no fixtures found");
    let mut failures = String::new();
    for (_, path) in &files {
        let text = std::fs::read_to_string(path).unwrap();
        let expected = expected_findings(&text);
        let actual = actual_findings(&lint_file(path));
        if expected != actual {
            let missing: Vec<_> = expected.difference(&actual).collect();
            let unexpected: Vec<_> = actual.difference(&expected).collect();
            writeln!(
                failures,
                "{}:\n  missing (line, rule): {missing:?}\n  unexpected (line, rule): {unexpected:?}",
                path.display()
            )
            .unwrap();
        }
    }
    assert!(failures.is_empty(), "fixture mismatches:\n{failures}");
}

#[test]
fn every_fixture_folder_names_a_rule_and_every_rule_has_fixtures() {
    let folders: BTreeSet<String> = fixture_files().into_iter().map(|(rule, _)| rule).collect();
    for folder in &folders {
        assert!(
            RULES.iter().any(|rule| rule.id == folder),
            "fixtures/{folder} does not name a rule"
        );
    }
    for rule in RULES.iter().filter(|rule| rule.check.is_some()) {
        assert!(
            folders.contains(rule.id),
            "rule {} has no fixtures",
            rule.id
        );
    }
}

/// Each analysis rule's fixtures hold enough findings (fifteen for the message rules,
/// twelve for the others, as their issues ask); the quiet cases sit beside them.
#[test]
fn every_rule_has_enough_positive_fixtures() {
    for rule in RULES.iter().filter(|rule| rule.check.is_some()) {
        let positives: usize = fixture_files()
            .iter()
            .filter(|(folder, _)| folder == rule.id)
            .map(|(_, path)| {
                let text = std::fs::read_to_string(path).unwrap();
                expected_findings(&text)
                    .iter()
                    .filter(|(_, id)| id == rule.id)
                    .count()
            })
            .sum();
        let minimum = if rule.id.starts_with("message-") {
            15
        } else {
            12
        };
        assert!(
            positives >= minimum,
            "{} has only {positives} positive fixtures",
            rule.id
        );
    }
}

#[test]
fn expectations_are_read_from_comments() {
    let text = "a\n// expect: x, y\n// expect: z\nfinding();\n{/* expect: w */}\nother();\n";
    let expected = expected_findings(text);
    let want: BTreeSet<(usize, String)> = [(4, "x"), (4, "y"), (4, "z"), (6, "w")]
        .into_iter()
        .map(|(line, rule)| (line, rule.to_string()))
        .collect();
    assert_eq!(expected, want);
}

/// The language server and `--fix` lint a file alone with `Engine::lint_findings`, which
/// leaves out what only the link pass reads (the summaries of the file's exports): every
/// fixture must give exactly the findings of a lint that makes them, fixes, labels and
/// messages included.
#[test]
fn linting_for_findings_only_finds_what_a_full_lint_finds() {
    use crosswire::config::Config;
    use crosswire::lint::Engine;
    use crosswire::source::FileKind;
    let engine = Engine::new(Config::defaults(common::fixtures_root()));
    let mut compared = 0;
    for (_, path) in fixture_files() {
        let bytes = std::fs::read(&path).unwrap();
        let kind = FileKind::from_path(&path).unwrap();
        let shown = path.to_string_lossy().into_owned();
        let full = engine
            .lint_bytes(shown.clone(), bytes.clone(), kind)
            .findings;
        let alone = engine.lint_findings(shown, bytes, kind).unwrap();
        assert_eq!(
            format!("{alone:#?}"),
            format!("{full:#?}"),
            "{}: linting for the findings alone changes them",
            path.display()
        );
        compared += full.len();
    }
    assert!(compared > 100, "only {compared} findings compared");
}
