//! The human view of each fixture, rendered as users see it (no colour, fixed width).

mod common;

use common::{fixture_files, lint_file};
use crosswire::report::{Format, RenderOptions, render};
use crosswire::results::RunReport;

#[test]
fn pretty_output_of_every_fixture() {
    for (rule, path) in fixture_files() {
        let file = lint_file(&path);
        let report = RunReport {
            files_scanned: 1,
            files_parsed: usize::from(file.parsed),
            files: vec![file],
            ..RunReport::default()
        };
        let mut output = Vec::new();
        let options = RenderOptions {
            color: false,
            width: 100,
        };
        render(Format::Pretty, &report, &options, &mut output).unwrap();
        let name = format!(
            "{rule}__{}",
            path.file_name()
                .unwrap()
                .to_string_lossy()
                .replace('.', "_")
        );
        insta::assert_snapshot!(name, String::from_utf8(output).unwrap());
    }
}
