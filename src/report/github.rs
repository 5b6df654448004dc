//! GitHub Actions workflow commands: `::error file=…,line=…,col=…,title=…::message`.

use std::io::{self, Write};

use super::escape::escape_for_terminal;
use super::positions;
use crate::diagnostic::Severity;
use crate::results::RunReport;

pub fn render(report: &RunReport, out: &mut dyn Write) -> io::Result<()> {
    for (file, finding) in report.findings() {
        let (start, end) = positions(file, &finding.diagnostic.span);
        let command = match finding.severity {
            Severity::Error => "error",
            _ => "warning",
        };
        let mut message = readable(&finding.diagnostic.message);
        if let Some(help) = &finding.diagnostic.help {
            message.push_str("\nhelp: ");
            message.push_str(&readable(help));
        }
        writeln!(
            out,
            "::{command} file={},line={},col={},endLine={},endColumn={},title={}::{}",
            escape_property(&readable(&file.path)),
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
            escape_property(&readable(&error.path)),
            escape_data(&readable(&error.message))
        )?;
    }
    Ok(())
}

/// `text` with control and bidi characters escaped for the log, except line breaks: the
/// workflow-command escaping below writes those as `%0A` and `%0D`, which the runner turns
/// back into the real characters (a file name keeps naming its file).
fn readable(text: &str) -> String {
    text.split_inclusive(['\n', '\r'])
        .map(|part| {
            let body = part.trim_end_matches(['\n', '\r']);
            format!("{}{}", escape_for_terminal(body), &part[body.len()..])
        })
        .collect()
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
        assert_eq!(
            escape_property(&readable("a\n::error\u{1b}[1m\r\n")),
            "a%0A%3A%3Aerror\\u{1b}[1m%0D%0A"
        );
    }
}
