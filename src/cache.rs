//! `--cache`: per-file results keyed by content hash, so a second run over an unchanged
//! tree parses nothing. A different crosswire version or effective config starts over.
//! Entries keep each file's facts as well as its findings, so project-level rules stay
//! correct with a warm cache.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::diagnostic::{Diagnostic, Finding, Severity};
use crate::embedded::PageRefs;
use crate::lint::{FileResult, ProjectFacts};
use crate::rules;

pub const DEFAULT_CACHE_LOCATION: &str = ".crosswire-cache";

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Cache {
    /// crosswire's version and the effective config; a mismatch empties the cache.
    pub key: String,
    pub files: HashMap<String, Entry>,
}

/// A file's size and modification time, as its metadata says.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stamp {
    pub size: u64,
    /// Seconds and nanoseconds since the Unix epoch, when the file system tells.
    pub modified: Option<(u64, u32)>,
}

impl Stamp {
    pub fn of(metadata: &std::fs::Metadata) -> Stamp {
        let modified = metadata
            .modified()
            .ok()
            .and_then(|time| time.duration_since(std::time::UNIX_EPOCH).ok())
            .map(|since| (since.as_secs(), since.subsec_nanos()));
        Stamp {
            size: metadata.len(),
            modified,
        }
    }

    /// The same size and modification time, to the nanosecond: the file is taken to be
    /// unchanged without reading it (ESLint's default cache strategy does the same).
    pub fn unchanged_since(&self, cached: &Stamp) -> bool {
        self.modified.is_some() && self == cached
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Entry {
    /// Hash of the file's bytes.
    pub hash: String,
    /// Size and modification time when the hash was taken.
    #[serde(default)]
    pub stamp: Stamp,
    pub parsed: bool,
    /// Left unparsed until a page loads it (see `FileResult::deferred`).
    #[serde(default)]
    pub deferred: bool,
    pub findings: Vec<CachedFinding>,
    pub page: PageRefs,
    pub project: ProjectFacts,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CachedFinding {
    pub rule: String,
    pub severity: Severity,
    pub diagnostic: Diagnostic,
    pub fingerprint: String,
}

impl Cache {
    /// The cache at `path` if it was written for `key`; an empty one otherwise
    /// (missing, unreadable, corrupt or stale files are not errors).
    pub fn load(path: &Path, key: &str) -> Cache {
        let loaded = std::fs::read(path)
            .ok()
            .and_then(|bytes| serde_json::from_slice::<Cache>(&bytes).ok());
        match loaded {
            Some(cache) if cache.key == key => cache,
            _ => Cache {
                key: key.to_string(),
                files: HashMap::new(),
            },
        }
    }

    /// Forgets files below the folders `walked` that the walk did not see: deleted,
    /// renamed or now ignored. Entries elsewhere (a run over a few named files) stay.
    pub fn prune(&mut self, walked: &[String], seen: &HashSet<&str>) {
        let below = |path: &str| {
            walked.iter().any(|folder| {
                folder == "."
                    || path
                        .strip_prefix(folder.trim_end_matches('/'))
                        .is_some_and(|rest| rest.starts_with('/'))
            })
        };
        self.files
            .retain(|path, _| seen.contains(path.as_str()) || !below(path));
    }

    pub fn save(&self, path: &Path) -> Result<(), String> {
        let json = serde_json::to_vec(self).map_err(|error| error.to_string())?;
        std::fs::write(path, json)
            .map_err(|error| format!("cannot write the cache {}: {error}", path.display()))
    }
}

/// The cache key: the version and the effective rule settings.
pub fn key(config_description: &str) -> String {
    crate::diagnostic::stable_hash(&[env!("CARGO_PKG_VERSION"), config_description])
}

/// A hash of a file's bytes.
pub fn content_hash(bytes: &[u8]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in bytes {
        hash ^= u64::from(*byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{hash:016x}-{}", bytes.len())
}

impl Entry {
    /// Findings or project facts point into the file's text, so a result rebuilt from
    /// this entry needs it.
    pub fn needs_text(&self) -> bool {
        !self.findings.is_empty() || !self.page.is_empty() || !self.project.is_empty()
    }

    pub fn from_result(result: &FileResult, hash: String) -> Entry {
        Entry {
            hash,
            stamp: result.stamp.unwrap_or_default(),
            parsed: result.parsed,
            deferred: result.deferred,
            findings: result
                .findings
                .iter()
                .map(|finding| CachedFinding {
                    rule: finding.rule.to_string(),
                    severity: finding.severity,
                    diagnostic: finding.diagnostic.clone(),
                    fingerprint: finding.fingerprint.clone(),
                })
                .collect(),
            page: result.page.clone(),
            project: result.project.clone(),
        }
    }

    pub fn findings(&self) -> Vec<Finding> {
        self.findings
            .iter()
            .filter_map(|cached| {
                Some(Finding {
                    rule: rules::find(&cached.rule)?.id,
                    severity: cached.severity,
                    diagnostic: cached.diagnostic.clone(),
                    fingerprint: cached.fingerprint.clone(),
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry() -> Entry {
        Entry {
            hash: String::new(),
            stamp: Stamp::default(),
            parsed: false,
            deferred: false,
            findings: Vec::new(),
            page: PageRefs::default(),
            project: ProjectFacts::default(),
        }
    }

    #[test]
    fn pruning_forgets_unseen_files_below_walked_folders_only() {
        let mut cache = Cache::default();
        for path in [
            "src/kept.js",
            "src/gone.js",
            "src2/other.js",
            "lib/named.js",
        ] {
            cache.files.insert(path.to_string(), entry());
        }
        let seen: HashSet<&str> = ["src/kept.js"].into_iter().collect();
        cache.prune(&["src".to_string()], &seen);
        let mut left: Vec<&str> = cache.files.keys().map(String::as_str).collect();
        left.sort_unstable();
        // `src2/` is not below `src`; `lib/` was not walked.
        assert_eq!(left, ["lib/named.js", "src/kept.js", "src2/other.js"]);
        cache.prune(&[".".to_string()], &seen);
        assert_eq!(cache.files.len(), 1);
    }
}
