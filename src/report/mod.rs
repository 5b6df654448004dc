//! Reporters: every format is rendered from the same findings.

mod compact;
mod escape;
mod github;
mod gitlab;
mod json;
mod pretty;
mod sarif;
mod xml;

use std::io::{self, Write};

use clap::ValueEnum;

use crate::results::{FileResult, RunReport};
use crate::source::Position;

pub use escape::{escape_for_terminal, json_text};
pub use pretty::render_config_error;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// miette's graphical report with the source snippet (default)
    Pretty,
    /// One line per finding: `path:line:col: severity rule-id: message`
    Compact,
    /// crosswire's versioned JSON schema (see README)
    Json,
    /// SARIF 2.1.0, for code scanning
    Sarif,
    /// GitHub Actions workflow commands (annotations)
    Github,
    /// GitLab Code Quality JSON, for merge request widgets
    Gitlab,
    /// JUnit XML, for CI test reports
    Junit,
    /// Checkstyle XML
    Checkstyle,
}

pub struct RenderOptions {
    pub color: bool,
    /// Text width for the pretty format.
    pub width: usize,
}

pub fn render(
    format: Format,
    report: &RunReport,
    options: &RenderOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        Format::Pretty => pretty::render(report, options, out),
        Format::Compact => compact::render(report, out),
        Format::Json => json::render(report, out),
        Format::Sarif => sarif::render(report, out),
        Format::Github => github::render(report, out),
        Format::Gitlab => gitlab::render(report, out),
        Format::Junit => xml::render_junit(report, out),
        Format::Checkstyle => xml::render_checkstyle(report, out),
    }
}

/// The 1-based start and end of a byte range in a linted file.
fn positions(file: &FileResult, span: &std::ops::Range<usize>) -> (Position, Position) {
    match (&file.text, &file.lines) {
        (Some(text), Some(lines)) => (
            lines.position(text, span.start),
            // An end inside a character (a replaced undecodable byte) includes it.
            lines.position(
                text,
                crate::source::ceil_char_boundary(text, span.end.max(span.start)),
            ),
        ),
        _ => {
            let origin = Position { line: 1, column: 1 };
            (origin, origin)
        }
    }
}

/// "3 errors and 1 warning" style counts.
fn plural(count: usize, word: &str) -> String {
    if count == 1 {
        format!("1 {word}")
    } else {
        format!("{count} {word}s")
    }
}
