//! Baselines: record today's findings, then report only new ones. Findings are matched
//! by rule, file and fingerprint (never by line), so unrelated edits keep them matched.

use std::collections::{BTreeSet, HashSet};
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::results::RunReport;

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
    /// baseline without the entries of fixed findings: those that matched nothing
    /// although `coverage` says the run would have found them again.
    pub fn apply(&self, report: &mut RunReport, coverage: &Coverage) -> (usize, Baseline) {
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
                    !coverage.covers(entry)
                        || matched.contains(&(
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

/// What a run would have found again had it still been there: findings of the files it
/// linted whole (not those it skipped, was not given, left out with --changed-since, or
/// could not parse), by the rules it ran and reported (not those turned off, nor
/// warnings under -q). A baseline entry outside it is not known to be fixed.
#[derive(Debug, Default)]
pub struct Coverage {
    files: HashSet<String>,
    rules: HashSet<&'static str>,
}

impl Coverage {
    /// Read before the baseline takes its findings out of the report.
    pub fn of_run(report: &RunReport, reported: impl Fn(&str) -> bool) -> Coverage {
        let files = report
            .files
            .iter()
            .filter(|file| !file.reported_in_part)
            .filter(|file| {
                !file
                    .findings
                    .iter()
                    .any(|finding| finding.rule == crate::rules::PARSE_ERROR)
            })
            .map(|file| file.path.clone())
            .collect();
        let rules = crate::rules::RULES
            .iter()
            .map(|rule| rule.id)
            .filter(|id| reported(id))
            .collect();
        Coverage { files, rules }
    }

    fn covers(&self, entry: &Entry) -> bool {
        self.files.contains(&entry.path) && self.rules.contains(entry.rule.as_str())
    }
}
