//! crosswire's JSON format, version 1. The schema is documented in README.md;
//! fields are only ever added within a version.

use std::io::{self, Write};

use serde::Serialize;

use super::positions;
use crate::diagnostic::Severity;
use crate::results::{FileResult, RunReport};
use crate::source::Position;

pub const JSON_FORMAT_VERSION: u32 = 1;

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    tool: Tool,
    findings: Vec<JsonFinding<'a>>,
    errors: Vec<JsonError<'a>>,
    summary: Summary,
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    rule: &'a str,
    severity: Severity,
    message: &'a str,
    path: &'a str,
    start: JsonPosition,
    end: JsonPosition,
    help: Option<&'a str>,
    labels: Vec<JsonLabel<'a>>,
}

#[derive(Serialize)]
struct JsonLabel<'a> {
    message: &'a str,
    start: JsonPosition,
    end: JsonPosition,
    /// Set when the label is in another file (an imported helper or constant): that
    /// file, and `start`/`end` give only its line.
    #[serde(skip_serializing_if = "Option::is_none")]
    path: Option<&'a str>,
}

#[derive(Serialize)]
struct JsonPosition {
    line: usize,
    column: usize,
    offset: usize,
}

#[derive(Serialize)]
struct JsonError<'a> {
    path: &'a str,
    message: &'a str,
}

#[derive(Serialize)]
struct Summary {
    files_scanned: usize,
    files_parsed: usize,
    files_cached: usize,
    errors: usize,
    warnings: usize,
}

fn range(file: &FileResult, span: &std::ops::Range<usize>) -> (JsonPosition, JsonPosition) {
    let (start, end) = positions(file, span);
    let at = |position: Position, offset: usize| JsonPosition {
        line: position.line,
        column: position.column,
        offset,
    };
    // Offsets count the file's bytes, also where it is not UTF-8.
    let (start_offset, end_offset) = match &file.lines {
        Some(lines) => lines.file_offsets(span),
        None => (span.start, span.end),
    };
    (at(start, start_offset), at(end, end_offset))
}

pub fn render(report: &RunReport, out: &mut dyn Write) -> io::Result<()> {
    let findings = report
        .findings()
        .map(|(file, finding)| {
            let diagnostic = &finding.diagnostic;
            let (start, end) = range(file, &diagnostic.span);
            JsonFinding {
                rule: finding.rule,
                severity: finding.severity,
                message: &diagnostic.message,
                path: &file.path,
                start,
                end,
                help: diagnostic.help.as_deref(),
                labels: diagnostic
                    .labels
                    .iter()
                    .map(|label| match &label.elsewhere {
                        Some(elsewhere) => {
                            let at = || JsonPosition {
                                line: elsewhere.line,
                                column: 1,
                                offset: 0,
                            };
                            JsonLabel {
                                message: &label.message,
                                start: at(),
                                end: at(),
                                path: Some(&elsewhere.path),
                            }
                        }
                        None => {
                            let (start, end) = range(file, &label.span);
                            JsonLabel {
                                message: &label.message,
                                start,
                                end,
                                path: None,
                            }
                        }
                    })
                    .collect(),
            }
        })
        .collect();
    let document = Document {
        version: JSON_FORMAT_VERSION,
        tool: Tool {
            name: "crosswire",
            version: env!("CARGO_PKG_VERSION"),
        },
        findings,
        errors: report
            .errors
            .iter()
            .map(|error| JsonError {
                path: &error.path,
                message: &error.message,
            })
            .collect(),
        summary: Summary {
            files_scanned: report.files_scanned,
            files_parsed: report.files_parsed,
            files_cached: report.files_cached,
            errors: report.count(Severity::Error),
            warnings: report.count(Severity::Warning),
        },
    };
    super::escape::write_json(&mut *out, &document)?;
    writeln!(out)
}
