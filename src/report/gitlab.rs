//! GitLab Code Quality: the JSON array a merge request widget reads
//! (https://docs.gitlab.com/ci/testing/code_quality/#code-quality-report-format).

use std::collections::HashMap;
use std::io::{self, Write};

use super::positions;
use crate::diagnostic::Severity;
use crate::results::RunReport;

pub fn render(report: &RunReport, out: &mut dyn Write) -> io::Result<()> {
    // GitLab tells issues apart by fingerprint: two findings with the same baseline
    // fingerprint (the same code twice in a file) get a counter.
    let mut seen: HashMap<String, usize> = HashMap::new();
    let issues: Vec<serde_json::Value> = report
        .findings()
        .map(|(file, finding)| {
            let (start, end) = positions(file, &finding.diagnostic.span);
            let base = format!("{}:{}:{}", finding.rule, file.path, finding.fingerprint);
            let occurrence = seen.entry(base.clone()).or_default();
            *occurrence += 1;
            let fingerprint = crate::cache::content_hash(format!("{base}:{occurrence}").as_bytes());
            serde_json::json!({
                "type": "issue",
                "check_name": finding.rule,
                "description": finding.diagnostic.message,
                "categories": ["Security"],
                "severity": match finding.severity {
                    Severity::Error => "major",
                    _ => "minor",
                },
                "fingerprint": &fingerprint[..32.min(fingerprint.len())],
                "location": {
                    "path": file.path,
                    "lines": { "begin": start.line, "end": end.line },
                },
            })
        })
        .collect();
    let text = super::json_text(&issues)?;
    writeln!(out, "{text}")
}
