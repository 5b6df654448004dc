//! Finds the files to lint: walks folders with `walkdir`, honours `.gitignore`,
//! `.ignore` and `.git/info/exclude` with the `ignore` crate's gitignore matcher,
//! and never follows symbolic links.

use std::path::{Path, PathBuf};

use ignore::Match;
use ignore::gitignore::{Gitignore, GitignoreBuilder};
use walkdir::WalkDir;

use crate::config::Config;
use crate::source::FileKind;

/// Folders that are never linted, whatever the ignore files say.
const ALWAYS_SKIPPED: &[&str] = &[".git", "node_modules"];

#[derive(Debug, Default)]
pub struct Discovered {
    /// Files to lint, sorted and without duplicates.
    pub files: Vec<PathBuf>,
    /// Paths that could not be read, with the reason.
    pub errors: Vec<(PathBuf, String)>,
    /// Files named on the command line that crosswire does not read.
    pub unsupported: Vec<PathBuf>,
    /// Files named on the command line that `[files] ignore` leaves out.
    pub ignored: Vec<PathBuf>,
    /// Beside `files` until the end of discovery: what each file is, whatever the spelling
    /// that reached it.
    identities: Vec<PathBuf>,
}

pub struct DiscoverOptions<'a> {
    pub use_ignore_files: bool,
    pub config: &'a Config,
}

pub fn discover(paths: &[PathBuf], options: &DiscoverOptions) -> Discovered {
    let mut found = Discovered::default();
    for path in paths {
        match std::fs::metadata(path) {
            Err(error) => found.errors.push((path.clone(), describe_io_error(&error))),
            Ok(metadata) if metadata.is_dir() => {
                walk_folder(path, options, &mut found, paths.len() > 1)
            }
            // A FIFO or device would block or never end; only regular files are read.
            Ok(metadata) if !metadata.is_file() => found.errors.push((
                path.clone(),
                "not a regular file (a FIFO, socket or device); not read".into(),
            )),
            Ok(_) => {
                // Files named explicitly are linted even when an ignore file lists them
                // (pre-commit passes changed files); `[files] ignore` still applies.
                if options.config.is_ignored(path) {
                    found.ignored.push(path.clone());
                    continue;
                }
                if FileKind::from_path(path).is_some() {
                    found.files.push(path.clone());
                    // Only several paths can name one file twice.
                    if paths.len() > 1 {
                        let identity = std::fs::canonicalize(path).unwrap_or_else(|_| path.clone());
                        found.identities.push(identity);
                    }
                } else {
                    found.unsupported.push(path.clone());
                }
            }
        }
    }
    if paths.len() > 1 {
        found.files = without_duplicates(
            std::mem::take(&mut found.files),
            std::mem::take(&mut found.identities),
        );
    } else {
        found.files.sort();
        found.files.dedup();
    }
    found
}

/// One path per file, when the paths given overlap (`src/a.js ./src/a.js`, `. src`, a
/// folder and a link to it): the one that names the file where it is, or else the first
/// in sorted order.
fn without_duplicates(files: Vec<PathBuf>, identities: Vec<PathBuf>) -> Vec<PathBuf> {
    let names_itself = |path: &Path, identity: &Path| {
        std::path::absolute(path).is_ok_and(|absolute| absolute == identity)
    };
    let mut chosen: std::collections::HashMap<PathBuf, PathBuf> =
        std::collections::HashMap::with_capacity(files.len());
    for (path, identity) in files.into_iter().zip(identities) {
        match chosen.entry(identity) {
            std::collections::hash_map::Entry::Vacant(slot) => {
                slot.insert(path);
            }
            std::collections::hash_map::Entry::Occupied(mut slot) => {
                let new_is_own = names_itself(&path, slot.key());
                let old_is_own = names_itself(slot.get(), slot.key());
                if (new_is_own, std::cmp::Reverse(&path))
                    > (old_is_own, std::cmp::Reverse(slot.get()))
                {
                    slot.insert(path);
                }
            }
        }
    }
    let mut files: Vec<PathBuf> = chosen.into_values().collect();
    files.sort();
    files
}

pub fn describe_io_error(error: &std::io::Error) -> String {
    match error.kind() {
        std::io::ErrorKind::NotFound => "no such file or folder".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => error.to_string(),
    }
}

/// The ignore files of one folder, most decisive first.
struct FolderRules {
    depth: usize,
    matchers: Vec<Gitignore>,
}

fn walk_folder(
    root: &Path,
    options: &DiscoverOptions,
    found: &mut Discovered,
    track_identities: bool,
) {
    let mut stack: Vec<FolderRules> = Vec::new();
    if options.use_ignore_files {
        // Ignore files above the root still apply to it, up to the repository's top.
        for folder in ancestors_within_repository(root) {
            let matchers = folder_matchers(&folder);
            if !matchers.is_empty() {
                // Depth 0: never left while walking below the root.
                stack.push(FolderRules { depth: 0, matchers });
            }
        }
    }
    // Matchers are rooted at absolute folders, so entries are matched by absolute path.
    let absolute_root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let ancestor_levels = stack.len();
    let mut entries = WalkDir::new(root)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter();
    while let Some(entry) = entries.next() {
        let entry = match entry {
            Ok(entry) => entry,
            Err(error) => {
                let path = error.path().unwrap_or(root).to_path_buf();
                let reason = error
                    .io_error()
                    .map(describe_io_error)
                    .unwrap_or_else(|| error.to_string());
                found.errors.push((path, reason));
                continue;
            }
        };
        let depth = entry.depth();
        // Leave the rules of folders this entry is not inside.
        while stack.len() > ancestor_levels && stack.last().is_some_and(|f| f.depth >= depth) {
            stack.pop();
        }
        let path = entry.path();
        let absolute = absolute_root.join(path.strip_prefix(root).unwrap_or(path));
        let file_type = entry.file_type();
        if depth > 0 {
            if file_type.is_symlink() {
                continue;
            }
            let name = entry.file_name().to_string_lossy();
            if file_type.is_dir() && ALWAYS_SKIPPED.contains(&name.as_ref()) {
                entries.skip_current_dir();
                continue;
            }
            let is_dir = file_type.is_dir();
            if options.config.is_ignored(path)
                || (options.use_ignore_files && is_ignored(&stack, &absolute, is_dir))
            {
                if is_dir {
                    entries.skip_current_dir();
                }
                continue;
            }
        }
        if file_type.is_dir() {
            if options.use_ignore_files {
                let matchers = folder_matchers(&absolute);
                if !matchers.is_empty() {
                    stack.push(FolderRules { depth, matchers });
                }
            }
        } else if file_type.is_file() && FileKind::from_path(path).is_some() {
            found.files.push(path.to_path_buf());
            if track_identities {
                found.identities.push(absolute);
            }
        }
    }
}

/// Deeper folders decide first; within a folder `.ignore` beats `.gitignore`,
/// which beats `.git/info/exclude`. A `!pattern` whitelists.
fn is_ignored(stack: &[FolderRules], path: &Path, is_dir: bool) -> bool {
    for folder in stack.iter().rev() {
        for matcher in &folder.matchers {
            match matcher.matched(path, is_dir) {
                Match::Ignore(_) => return true,
                Match::Whitelist(_) => return false,
                Match::None => {}
            }
        }
    }
    false
}

fn folder_matchers(folder: &Path) -> Vec<Gitignore> {
    let mut matchers = Vec::new();
    let mut add = |file: PathBuf| {
        // Bounded like every read of the tree (see `safe_io`): an ignore file planted as
        // a link to something huge must not exhaust memory; one that cannot be read is
        // left out, which lints more, never less.
        if let Ok(bytes) = crate::safe_io::read_file(&file, crate::safe_io::CONFIG_READ_LIMIT) {
            let mut builder = GitignoreBuilder::new(folder);
            for (index, line) in bytes.split(|byte| *byte == b'\n').enumerate() {
                let line = line.strip_suffix(b"\r").unwrap_or(line);
                // Lines that are not UTF-8 or are malformed are skipped, as the ignore
                // crate's own reader and git do; git also skips a BOM.
                if let Ok(line) = std::str::from_utf8(line) {
                    let line = if index == 0 {
                        line.trim_start_matches('\u{feff}')
                    } else {
                        line
                    };
                    let _ = builder.add_line(Some(file.clone()), line);
                }
            }
            if let Ok(matcher) = builder.build()
                && !matcher.is_empty()
            {
                matchers.push(matcher);
            }
        }
    };
    add(folder.join(".ignore"));
    add(folder.join(".gitignore"));
    add(folder.join(".git").join("info").join("exclude"));
    matchers
}

/// The folders above `root` whose ignore files apply to it, from the
/// repository's top down to `root`'s parent; empty outside a repository.
fn ancestors_within_repository(root: &Path) -> Vec<PathBuf> {
    let Ok(absolute) = std::fs::canonicalize(root) else {
        return Vec::new();
    };
    if absolute.join(".git").exists() {
        return Vec::new();
    }
    let mut ancestors = Vec::new();
    for folder in absolute.ancestors().skip(1) {
        ancestors.push(folder.to_path_buf());
        if folder.join(".git").exists() {
            ancestors.reverse();
            return ancestors;
        }
    }
    Vec::new()
}

/// Whether walking a folder would leave `file` (an absolute path) out: it lies in a folder
/// that is always skipped, or an ignore file (`.ignore`, `.gitignore`, `.git/info/exclude`)
/// matches it or a folder above it, read from the top of its repository down (outside a
/// repository, from `top` down when `file` is below it, else from its own folder). For the
/// language server, which lints one file at a time as a walk of the workspace would.
/// `[files] ignore` is the config's to answer (`Config::is_ignored`).
pub fn walk_leaves_out(file: &Path, top: &Path) -> bool {
    let Some(parent) = file.parent() else {
        return false;
    };
    let repository = parent
        .ancestors()
        .find(|folder| folder.join(".git").symlink_metadata().is_ok());
    let top = repository
        .or_else(|| parent.starts_with(top).then_some(top))
        .unwrap_or(parent);
    let mut folders: Vec<&Path> = parent
        .ancestors()
        .take_while(|folder| folder.starts_with(top))
        .collect();
    folders.reverse();
    let mut stack: Vec<FolderRules> = Vec::new();
    for (depth, folder) in folders.into_iter().enumerate() {
        if depth > 0 {
            let name = folder.file_name().unwrap_or_default().to_string_lossy();
            if ALWAYS_SKIPPED.contains(&name.as_ref()) || is_ignored(&stack, folder, true) {
                return true;
            }
        }
        let matchers = folder_matchers(folder);
        if !matchers.is_empty() {
            stack.push(FolderRules { depth, matchers });
        }
    }
    is_ignored(&stack, file, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_file_is_left_out_as_a_walk_would_leave_it_out() {
        let temp = tempfile::tempdir().unwrap();
        let top = std::fs::canonicalize(temp.path()).unwrap();
        let repository = top.join("repo");
        for folder in [
            "repo/.git",
            "repo/src/dist",
            "repo/dist",
            "repo/node_modules/x",
        ] {
            std::fs::create_dir_all(top.join(folder)).unwrap();
        }
        std::fs::write(repository.join(".gitignore"), "dist/\n*.min.js\n").unwrap();
        std::fs::write(repository.join("src/.ignore"), "!keep.min.js\n").unwrap();
        let left_out = |path: &str| walk_leaves_out(&repository.join(path), &top);
        assert!(!left_out("src/app.js"));
        assert!(left_out("dist/app.js"));
        assert!(left_out("src/dist/app.js"));
        assert!(left_out("src/app.min.js"));
        assert!(!left_out("src/keep.min.js"));
        assert!(left_out("node_modules/x/index.js"));
        // Outside a repository, the ignore files from `top` down apply.
        std::fs::create_dir_all(top.join("plain/build")).unwrap();
        std::fs::write(top.join("plain/.gitignore"), "build\n").unwrap();
        let plain = top.join("plain");
        assert!(walk_leaves_out(&plain.join("build/a.js"), &plain));
        assert!(!walk_leaves_out(&plain.join("a.js"), &plain));
    }
}
