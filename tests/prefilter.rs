//! The prefilter may only skip work, never findings: every fixture gives the same
//! findings whether crosswire parses it because of its triggers or parses it anyway.
//! A trigger narrowed too far shows up here as a finding that only the full parse finds.

mod common;

use crosswire::config::Config;
use crosswire::lint::Engine;
use crosswire::rules::{PARSE_ERROR, UNUSED_IGNORE};
use crosswire::source::FileKind;

#[test]
fn every_fixture_finding_survives_the_prefilter() {
    let filtered = Engine::new(Config::defaults(common::fixtures_root()));
    let mut everything = Engine::new(Config::defaults(common::fixtures_root()));
    everything.read_everything = true;
    let mut compared = 0;
    for (_, path) in common::fixture_files() {
        let bytes = std::fs::read(&path).unwrap();
        let kind = FileKind::from_path(&path).unwrap();
        let shown = path.to_string_lossy().into_owned();
        let findings = |engine: &Engine| -> Vec<(&'static str, std::ops::Range<usize>)> {
            engine
                .lint_bytes(shown.clone(), bytes.clone(), kind)
                .findings
                .into_iter()
                // Unparsed files cannot have syntax errors or stale directives reported.
                .filter(|finding| finding.rule != PARSE_ERROR && finding.rule != UNUSED_IGNORE)
                .map(|finding| (finding.rule, finding.diagnostic.span))
                .collect()
        };
        let full = findings(&everything);
        assert_eq!(
            findings(&filtered),
            full,
            "{}: the prefilter hides findings",
            path.display()
        );
        compared += full.len();
    }
    assert!(compared > 100, "only {compared} findings compared");
}
