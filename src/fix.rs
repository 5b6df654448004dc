//! `crosswire --fix`: the safe fixes of a run's findings, written to the linted files.
//!
//! A fix is what a rule attaches to its diagnostic where the change is unambiguous (the
//! same fixes SARIF lists as `fixes` and the language server offers as quick fixes). Here
//! each file's fixes are applied together, kept only if linting the fixed text shows
//! them working (each fixed finding gone, no rule with more findings than before, no new
//! parse error), and written whole and at once (`safe_io::write_file`: a temporary file
//! renamed over the old one). The tree may be hostile, so nothing is written through a
//! symbolic link: not to a linked file, not below a linked folder under the path that was
//! named, and not to a file whose bytes are no longer those that were linted.

use std::path::{Path, PathBuf};

use crate::diagnostic::{Finding, Fix, apply_edits};
use crate::lint::Engine;
use crate::results::{FileResult, LintError, RunReport};
use crate::source::FileKind;

/// What `--fix` did.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Fixes written.
    pub fixes: usize,
    /// Files written.
    pub files: usize,
    /// Files with fixes that were left as they were, and why.
    pub notices: Vec<LintError>,
}

/// Applies the fixes of the findings of `report` that `wanted` keeps to the files on disk.
/// `roots` are the paths the run was given, `cwd` the folder its paths are shown from.
pub fn apply(
    report: &RunReport,
    engine: &Engine,
    roots: &[PathBuf],
    cwd: &Path,
    wanted: impl Fn(&FileResult, &Finding) -> bool,
) -> Outcome {
    let mut outcome = Outcome::default();
    for file in &report.files {
        let fixable: Vec<(&Finding, &Fix)> = file
            .findings
            .iter()
            .filter(|finding| wanted(file, finding))
            .filter_map(|finding| Some((finding, finding.diagnostic.fixes.first()?)))
            .collect();
        if fixable.is_empty() {
            continue;
        }
        match fix_file(file, &fixable, engine, roots, cwd) {
            Ok(0) => {}
            Ok(count) => {
                outcome.fixes += count;
                outcome.files += 1;
            }
            Err(reason) => outcome.notices.push(LintError {
                path: file.path.clone(),
                message: format!("not fixed: {reason}"),
            }),
        }
    }
    outcome
}

/// Writes the fixes that work to one file; how many were written.
fn fix_file(
    file: &FileResult,
    fixable: &[(&Finding, &Fix)],
    engine: &Engine,
    roots: &[PathBuf],
    cwd: &Path,
) -> Result<usize, String> {
    let path = cwd.join(&file.path);
    let kind = FileKind::from_path(&path).ok_or("crosswire does not read this kind of file")?;
    if let Some(reason) = reached_through_link(&path, roots, cwd) {
        return Err(reason);
    }
    let bytes = crate::safe_io::read_file(&path, engine.max_file_size)
        .map_err(|error| format!("cannot read it again: {error}"))?;
    let text = String::from_utf8(bytes).map_err(|_| "it is not valid UTF-8".to_string())?;
    if file.text.as_deref().is_some_and(|linted| linted != text) {
        return Err("it changed since it was linted".into());
    }
    // One fix per finding, in order; one whose edits overlap an earlier one's waits for
    // the next run.
    let mut chosen: Vec<(&Finding, &Fix)> = Vec::new();
    for &(finding, fix) in fixable {
        let overlaps = chosen.iter().any(|(_, earlier)| {
            earlier.edits.iter().any(|(a, _)| {
                fix.edits.iter().any(|(b, _)| {
                    a.start < b.end.max(b.start + 1) && b.start < a.end.max(a.start + 1)
                })
            })
        });
        if !overlaps {
            chosen.push((finding, fix));
        }
    }
    let before = engine
        .lint_findings(file.path.clone(), text.clone().into_bytes(), kind)
        .map_err(|error| error.message)?;
    let works = |fixes: &[(&Finding, &Fix)]| -> Option<String> {
        let edits: Vec<_> = fixes
            .iter()
            .flat_map(|(_, fix)| fix.edits.iter().cloned())
            .collect();
        let fixed = apply_edits(&text, &edits)?;
        let after = engine
            .lint_findings(file.path.clone(), fixed.clone().into_bytes(), kind)
            .ok()?;
        fixes_work(&before, &after, fixes).then_some(fixed)
    };
    let (count, fixed) = match works(&chosen) {
        Some(fixed) => (chosen.len(), fixed),
        // Together they do not work: each is kept if it works beside those kept so far.
        None => {
            let mut kept: Vec<(&Finding, &Fix)> = Vec::new();
            let mut fixed = None;
            for &candidate in &chosen {
                kept.push(candidate);
                match works(&kept) {
                    Some(text) => fixed = Some(text),
                    None => {
                        kept.pop();
                    }
                }
            }
            match fixed {
                Some(fixed) => (kept.len(), fixed),
                None => return Err("linting the fixed text did not show the fixes working".into()),
            }
        }
    };
    crate::safe_io::write_file(&path, fixed.as_bytes()).map_err(|error| match error {
        crate::safe_io::WriteError::Refused { reason, .. } => reason,
        error => error.to_string(),
    })?;
    Ok(count)
}

/// Whether the findings `after` the fixes show them working: no rule has more findings
/// than `before`, and each rule has fewer by at least the fixes of its findings that
/// linting the file alone finds (a finding that needs the rest of the project is not
/// found by linting one file, so its fix can only be checked not to make things worse).
fn fixes_work(before: &[Finding], after: &[Finding], fixes: &[(&Finding, &Fix)]) -> bool {
    let count = |findings: &[Finding], rule: &str| {
        findings
            .iter()
            .filter(|finding| finding.rule == rule)
            .count()
    };
    let mut rules: Vec<&str> = after.iter().map(|finding| finding.rule).collect();
    rules.extend(fixes.iter().map(|(finding, _)| finding.rule));
    rules.sort_unstable();
    rules.dedup();
    rules.iter().all(|rule| {
        let fixed_here = fixes
            .iter()
            .filter(|(finding, _)| {
                finding.rule == *rule
                    && before.iter().any(|found| {
                        found.rule == finding.rule
                            && found.diagnostic.span == finding.diagnostic.span
                    })
            })
            .count();
        count(after, rule) + fixed_here <= count(before, rule)
    })
}

/// Why `path` may not be written, if it may not: it is a symbolic link, or a folder
/// between the path the run was given and the file is one, or it lies under none of them.
fn reached_through_link(path: &Path, roots: &[PathBuf], cwd: &Path) -> Option<String> {
    let absolute = |path: &Path| std::path::absolute(cwd.join(path)).unwrap_or(cwd.join(path));
    let target = absolute(path);
    let root = roots
        .iter()
        .map(|root| absolute(root))
        .filter(|root| target.starts_with(root))
        .max_by_key(|root| root.components().count());
    let Some(root) = root else {
        return Some("it lies under none of the paths given".into());
    };
    let below = target.strip_prefix(&root).unwrap_or(Path::new(""));
    let mut at = root.clone();
    let mut steps: Vec<PathBuf> = below
        .components()
        .map(|component| {
            at.push(component);
            at.clone()
        })
        .collect();
    if steps.is_empty() {
        steps.push(target.clone());
    }
    for step in steps {
        match std::fs::symlink_metadata(&step) {
            Ok(metadata) if metadata.file_type().is_symlink() => {
                return Some(format!(
                    "{} is a symbolic link; --fix does not write through links",
                    crate::source::display_path(&step, cwd)
                ));
            }
            Ok(_) => {}
            Err(error) => return Some(crate::discover::describe_io_error(&error)),
        }
    }
    None
}
