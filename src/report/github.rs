//! GitHub Actions workflow commands: `::error file=…,line=…,col=…,title=…::message`.

use std::io::{self, Write};

use super::positions;
use crate::diagnostic::Severity;
use crate::lint::RunReport;

pub fn render(report: &RunReport, out: &mut dyn Write) -> io::Result<()> {
    for (file, finding) in report.findings() {
        let (start, end) = positions(file, &finding.diagnostic.span);
        let command = match finding.severity {
            Severity::Error => "error",
            _ => "warning",
        };
        let mut message = finding.diagnostic.message.clone();
        if let Some(help) = &finding.diagnostic.help {
            message.push_str("\nhelp: ");
            message.push_str(help);
        }
        writeln!(
            out,
            "::{command} file={},line={},col={},endLine={},endColumn={},title={}::{}",
            escape_property(&file.path),
            start.line,
            start.column,
            end.line,
            end.column,
            escape_property(&format!("crosswire {}", finding.rule)),
            escape_data(&message),
        )?;
    }
    for error in &report.errors {
        writeln!(
            out,
            "::error file={},title=crosswire::{}",
            escape_property(&error.path),
            escape_data(&error.message)
        )?;
    }
    Ok(())
}

/// Escaping as the Actions runner's `toolkit/core` `command.ts` does.
fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_like_the_actions_toolkit() {
        assert_eq!(escape_data("50%\nnext"), "50%25%0Anext");
        assert_eq!(escape_property("a:b,c"), "a%3Ab%2Cc");
    }
}
