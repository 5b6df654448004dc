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

#[test]
fn every_project_reports_exactly_its_expectations() {
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
    let mut positives = 0;
    let mut failures = Vec::new();
    for project in &projects {
        let engine = Engine::new(Config::defaults(project.clone()));
        let report = engine.run(Input::Paths(vec![project.clone()]), 1, true);
        assert!(report.errors.is_empty(), "{:?}", report.errors);
        let actual: BTreeSet<(String, usize, String)> = report
            .findings()
            .map(|(file, finding)| {
                let line = file
                    .lines
                    .as_ref()
                    .unwrap()
                    .line_of(finding.diagnostic.span.start);
                (file.path.clone(), line, finding.rule.to_string())
            })
            .collect();
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
