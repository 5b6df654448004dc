use std::io::{self, Write};

use super::positions;
use crate::lint::RunReport;

pub fn render(report: &RunReport, out: &mut dyn Write) -> io::Result<()> {
    for (file, finding) in report.findings() {
        let (start, _) = positions(file, &finding.diagnostic.span);
        let message = finding.diagnostic.message.replace(['\n', '\r'], " ");
        writeln!(
            out,
            "{}:{}:{}: {} {}: {}",
            file.path, start.line, start.column, finding.severity, finding.rule, message
        )?;
    }
    Ok(())
}
