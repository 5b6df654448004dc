//! The default human format: miette's graphical report.

use std::fmt;
use std::io::{self, Write};
use std::sync::Arc;

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource};

use super::{RenderOptions, plural};
use crate::diagnostic::{Finding, Severity};
use crate::lint::RunReport;

/// A finding with its file, in the shape miette renders.
struct Rendered<'a> {
    finding: &'a Finding,
    source: NamedSource<Arc<str>>,
}

impl fmt::Debug for Rendered<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.finding.diagnostic.message)
    }
}

impl fmt::Display for Rendered<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.finding.diagnostic.message)
    }
}

impl std::error::Error for Rendered<'_> {}

impl miette::Diagnostic for Rendered<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(self.finding.rule))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.finding.severity {
            Severity::Error => miette::Severity::Error,
            _ => miette::Severity::Warning,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.finding
            .diagnostic
            .help
            .as_ref()
            .map(|help| Box::new(help) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let diagnostic = &self.finding.diagnostic;
        let primary = LabeledSpan::new_primary_with_span(
            diagnostic.span_label.clone(),
            diagnostic.span.clone(),
        );
        let secondary = diagnostic.labels.iter().map(|label| {
            LabeledSpan::new_with_span(Some(label.message.clone()), label.span.clone())
        });
        Some(Box::new(std::iter::once(primary).chain(secondary)))
    }
}

pub fn render(report: &RunReport, options: &RenderOptions, out: &mut dyn Write) -> io::Result<()> {
    let theme = if options.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(options.width)
        .with_context_lines(1);
    for file in &report.files {
        let Some(text) = &file.text else { continue };
        for finding in &file.findings {
            let rendered = Rendered {
                finding,
                source: NamedSource::new(file.path.clone(), Arc::clone(text)),
            };
            let mut buffer = String::new();
            handler
                .render_report(&mut buffer, &rendered)
                .map_err(io::Error::other)?;
            writeln!(out, "{buffer}")?;
        }
    }
    let errors = report.count(Severity::Error);
    let warnings = report.count(Severity::Warning);
    let scanned = format!(
        "{} scanned, {} parsed",
        plural(report.files_scanned, "file"),
        report.files_parsed
    );
    if errors + warnings == 0 {
        writeln!(out, "crosswire: no problems found ({scanned})")
    } else {
        writeln!(
            out,
            "crosswire: {} and {} ({scanned})",
            plural(errors, "error"),
            plural(warnings, "warning"),
        )
    }
}
