use std::io::{self, Write};

use super::escape::escape_for_terminal;
use super::positions;
use crate::results::RunReport;

pub fn render(report: &RunReport, out: &mut dyn Write) -> io::Result<()> {
    for (file, finding) in report.findings() {
        let (start, _) = positions(file, &finding.diagnostic.span);
        writeln!(
            out,
            "{}:{}:{}: {} {}: {}",
            escape_for_terminal(&file.path),
            start.line,
            start.column,
            finding.severity,
            finding.rule,
            escape_for_terminal(&finding.diagnostic.message)
        )?;
    }
    Ok(())
}
