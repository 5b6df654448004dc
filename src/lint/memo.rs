//! A rerun with the cache: the memo of the last complete run stands when nothing it read
//! has changed, and each unchanged file's entry stands in for linting it.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use super::{Engine, unparsed};
use crate::diagnostic::Finding;
use crate::results::{FileResult, LintError, RunReport, Stamp};
use crate::source::{LineIndex, display_path};

impl Engine {
    /// The results of the memo's run, if it was given the same (`run`) and every file of
    /// this run is one of its files with the same stamp, and so is every config file it
    /// read: its findings, each file's text read only if it has some. `None` when
    /// anything differs or cannot be read.
    pub(super) fn memo_results(
        &self,
        memo: &crate::cache::Memo,
        run: &str,
        discovered: &[PathBuf],
        stamps: &[Stamp],
        cwd: &Path,
        pool: &rayon::ThreadPool,
    ) -> Option<(Vec<FileResult>, Vec<LintError>)> {
        if memo.run != run
            || memo.files.len() + memo.skipped.len() != discovered.len()
            || stamps.len() != discovered.len()
        {
            return None;
        }
        let configs_unchanged = pool.install(|| {
            memo.config_reads.par_iter().all(|(path, then)| {
                let now = std::fs::metadata(path)
                    .ok()
                    .map(|metadata| Stamp::of(&metadata));
                match (now, then) {
                    (None, None) => true,
                    (Some(now), Some(then)) => now.unchanged_since(then),
                    _ => false,
                }
            })
        });
        if !configs_unchanged {
            return None;
        }
        // The memo's files, then those it skipped as too large.
        let index: std::collections::HashMap<&str, usize> = memo
            .files
            .iter()
            .map(|(key, _)| key.as_str())
            .chain(memo.skipped.iter().map(|skipped| skipped.key.as_str()))
            .enumerate()
            .map(|(at, key)| (key, at))
            .collect();
        if index.len() != discovered.len() {
            return None;
        }
        let findings: std::collections::HashMap<usize, &Vec<crate::cache::CachedFinding>> = memo
            .findings
            .iter()
            .map(|(at, findings)| (*at, findings))
            .collect();
        // Each discovered file: its key, its place among the memo's files, and whether its
        // stamp is the same; only one a finding points into is read.
        // In the report's order, so that the results, which are large, need no sorting.
        let mut shown: Vec<(String, &PathBuf, Stamp)> = pool.install(|| {
            discovered
                .par_iter()
                .zip(stamps)
                .map(|(path, &stamp)| (display_path(path, cwd), path, stamp))
                .collect()
        });
        shown.sort_by(|a, b| a.0.cmp(&b.0));
        let results: Option<Vec<(usize, Result<FileResult, LintError>)>> = pool.install(|| {
            shown
                .into_par_iter()
                .map(|(shown, path, now)| {
                    let key = crate::cache::path_key(path, cwd);
                    let &at = index.get(key.as_str())?;
                    let then = match memo.files.get(at) {
                        Some((_, then)) => then,
                        None => &memo.skipped.get(at - memo.files.len())?.stamp,
                    };
                    if !now.unchanged_since(then) {
                        return None;
                    }
                    if at >= memo.files.len() {
                        let skipped = &memo.skipped[at - memo.files.len()];
                        return Some((
                            at,
                            Err(LintError {
                                path: shown,
                                message: skipped.notice.clone(),
                            }),
                        ));
                    }
                    let mut result = match findings.get(&at).filter(|found| !found.is_empty()) {
                        Some(found) => {
                            let findings: Option<Vec<Finding>> = found
                                .iter()
                                .map(crate::cache::CachedFinding::finding)
                                .collect();
                            let bytes = crate::safe_io::read_file(path, self.max_file_size).ok()?;
                            if bytes.len() as u64 != then.size {
                                return None;
                            }
                            let (text, repairs) = crate::source::decode_lossy(&bytes);
                            let lines = LineIndex::new(&text).with_repairs(repairs);
                            FileResult {
                                findings: findings?,
                                text: Some(Arc::from(text)),
                                lines: Some(lines),
                                ..unparsed(shown)
                            }
                        }
                        None => unparsed(shown),
                    };
                    result.cache_key = Some(key);
                    result.stamp = Some(now);
                    result.cached = true;
                    Some((at, Ok(result)))
                })
                .collect()
        });
        let results = results?;
        // Every file of the memo is one of this run's, once.
        let mut seen = vec![false; discovered.len()];
        for (at, _) in &results {
            if std::mem::replace(&mut seen[*at], true) {
                return None;
            }
        }
        let mut files = Vec::with_capacity(memo.files.len());
        let mut notices = Vec::new();
        for (at, result) in results {
            match result {
                Ok(file) => files.push(file),
                Err(notice) => notices.push((at, notice)),
            }
        }
        // In the order the memo's run said them, which is the order it found the files.
        notices.sort_by_key(|(at, _)| *at);
        Some((
            files,
            notices.into_iter().map(|(_, notice)| notice).collect(),
        ))
    }
}

/// The memo of a complete run (see `crate::cache`): its files with their stamps as the
/// first pass saw them, the config files it read, and its findings. `None` if some file's
/// stamp is unknown.
pub(super) fn memo_of(
    report: &RunReport,
    run: String,
    first_stamps: &std::collections::HashMap<String, Stamp>,
    skipped: Vec<crate::cache::SkippedFile>,
) -> Option<crate::cache::Memo> {
    let mut files = Vec::with_capacity(report.files.len());
    let mut findings = Vec::new();
    for (at, file) in report.files.iter().enumerate() {
        let key = file.cache_key.clone()?;
        let stamp = *first_stamps.get(&key)?;
        stamp.modified?;
        files.push((key, stamp));
        if !file.findings.is_empty() {
            findings.push((
                at,
                file.findings
                    .iter()
                    .map(crate::cache::CachedFinding::of)
                    .collect(),
            ));
        }
    }
    Some(crate::cache::Memo {
        run,
        files,
        config_reads: crate::results::config_reads(),
        findings,
        skipped,
    })
}

/// A file's result rebuilt from the cache: nothing is parsed, and, as for a linted
/// file, the text is kept only when findings or project facts point into it.
pub(super) fn cached_result(
    path: String,
    bytes: Vec<u8>,
    entry: &crate::cache::Entry,
    hash: String,
) -> FileResult {
    let decoded = entry
        .needs_text()
        .then(|| crate::source::decode_lossy(&bytes));
    let lines = decoded
        .as_ref()
        .map(|(text, repairs)| LineIndex::new(text).with_repairs(repairs.clone()));
    FileResult {
        path,
        parsed: false,
        deferred: entry.deferred,
        findings: entry.findings(),
        lines,
        text: decoded.map(|(text, _)| Arc::from(text)),
        page: entry.page.clone(),
        project: entry.project.clone(),
        content_hash: Some(hash),
        cache_key: None,
        stamp: None,
        cached: true,
        reported_in_part: false,
        skipped_words: entry.skipped_words,
        scripts_wait: entry.scripts_wait,
        waiting_imports: entry.waiting_imports.clone(),
    }
}
