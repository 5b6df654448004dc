//! Baselines: record today's findings, then report only new ones. Findings are matched
//! by rule, file and fingerprint (never by line), so unrelated edits keep them matched.

use std::collections::BTreeSet;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::lint::RunReport;

pub const BASELINE_VERSION: u32 = 1;

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    pub version: u32,
    pub findings: Vec<Entry>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub rule: String,
    pub path: String,
    pub fingerprint: String,
    /// For people reading the file; not used for matching.
    pub message: String,
}

impl Baseline {
    pub fn from_report(report: &RunReport) -> Baseline {
        let mut findings: Vec<Entry> = report
            .findings()
            .map(|(file, finding)| Entry {
                rule: finding.rule.to_string(),
                path: file.path.clone(),
                fingerprint: finding.fingerprint.clone(),
                message: finding.diagnostic.message.clone(),
            })
            .collect();
        findings.sort();
        findings.dedup();
        Baseline {
            version: BASELINE_VERSION,
            findings,
        }
    }

    pub fn load(path: &Path) -> Result<Baseline, String> {
        let text = crate::safe_io::read_file(path, crate::safe_io::BASELINE_READ_LIMIT)
            .map_err(|error| format!("cannot read baseline {}: {error}", path.display()))?;
        let baseline: Baseline = serde_json::from_slice(&text)
            .map_err(|error| format!("baseline {} is not valid: {error}", path.display()))?;
        if baseline.version != BASELINE_VERSION {
            return Err(format!(
                "baseline {} has version {}; this crosswire reads version {BASELINE_VERSION}",
                path.display(),
                baseline.version
            ));
        }
        Ok(baseline)
    }

    pub fn save(&self, path: &Path) -> Result<(), String> {
        let json = serde_json::to_string_pretty(self).map_err(|error| error.to_string())?;
        crate::safe_io::write_file(path, format!("{json}\n").as_bytes())
            .map_err(|error| format!("baseline: {error}"))
    }

    /// Drops the report's findings that the baseline holds; returns how many, and the
    /// baseline without the entries that matched nothing (fixed findings).
    pub fn apply(&self, report: &mut RunReport) -> (usize, Baseline) {
        let known: BTreeSet<(&str, &str, &str)> = self
            .findings
            .iter()
            .map(|entry| {
                (
                    entry.rule.as_str(),
                    entry.path.as_str(),
                    entry.fingerprint.as_str(),
                )
            })
            .collect();
        let mut matched: BTreeSet<(String, String, String)> = BTreeSet::new();
        let mut dropped = 0;
        for file in &mut report.files {
            let path = file.path.clone();
            file.findings.retain(|finding| {
                let key = (finding.rule, path.as_str(), finding.fingerprint.as_str());
                if known.contains(&key) {
                    matched.insert((key.0.to_string(), key.1.to_string(), key.2.to_string()));
                    dropped += 1;
                    false
                } else {
                    true
                }
            });
        }
        let pruned = Baseline {
            version: BASELINE_VERSION,
            findings: self
                .findings
                .iter()
                .filter(|entry| {
                    matched.contains(&(
                        entry.rule.clone(),
                        entry.path.clone(),
                        entry.fingerprint.clone(),
                    ))
                })
                .cloned()
                .collect(),
        };
        (dropped, pruned)
    }
}
