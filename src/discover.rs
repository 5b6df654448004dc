//! Finds the files to lint: walks folders in parallel, honours `.gitignore`,
//! `.ignore` and `.git/info/exclude` with the `ignore` crate's gitignore matcher,
//! and never follows symbolic links.

use std::path::{Path, PathBuf};

use ignore::Match;
use ignore::gitignore::{Gitignore, GitignoreBuilder};

use crate::config::Config;
use crate::results::Stamp;
use crate::source::FileKind;

/// Folders that are never linted, whatever the ignore files say: git's, and installed
/// packages, which are no code of the project.
const ALWAYS_SKIPPED: &[&str] = &[".git", "node_modules"];

/// The folders of `.yarn` that hold Yarn's own code (`releases`, `plugins`), the packages
/// it installs (`cache`, `unplugged`) and editor shims (`sdks`): never linted either.
const YARN_OWN: &[&str] = &["releases", "plugins", "cache", "unplugged", "sdks"];

#[derive(Debug, Default)]
pub struct Discovered {
    /// Files to lint, sorted and without duplicates.
    pub files: Vec<PathBuf>,
    /// Each file's size and modification time when it was found, beside `files`.
    pub stamps: Vec<Stamp>,
    /// Paths that could not be read, with the reason.
    pub errors: Vec<(PathBuf, String)>,
    /// Files named on the command line that crosswire does not read.
    pub unsupported: Vec<PathBuf>,
    /// Files named on the command line that `[files] ignore` leaves out.
    pub ignored: Vec<PathBuf>,
    /// What is worth saying about a walk, by the folder walked.
    pub notices: Vec<(PathBuf, String)>,
}

/// A file found, until discovery sorts them.
#[derive(Debug)]
struct FoundFile {
    path: PathBuf,
    stamp: Stamp,
    /// What the file is, whatever the spelling that reached it; only when several paths
    /// were given, which can name one file twice.
    identity: Option<PathBuf>,
}

pub struct DiscoverOptions<'a> {
    pub use_ignore_files: bool,
    pub config: &'a Config,
}

/// The files `paths` name or hold. Folders are walked on the current `rayon` pool.
pub fn discover(paths: &[PathBuf], options: &DiscoverOptions) -> Discovered {
    let mut found = Discovered::default();
    let mut files: Vec<FoundFile> = Vec::new();
    for path in paths {
        match std::fs::metadata(path) {
            Err(error) => found.errors.push((path.clone(), describe_io_error(&error))),
            Ok(metadata) if metadata.is_dir() => walk_folder(
                path,
                options,
                &mut files,
                &mut found.errors,
                &mut found.notices,
                paths.len() > 1,
            ),
            // A FIFO or device would block or never end; only regular files are read.
            Ok(metadata) if !metadata.is_file() => found.errors.push((
                path.clone(),
                "not a regular file (a FIFO, socket or device); not read".into(),
            )),
            Ok(metadata) => {
                // Files named explicitly are linted even when an ignore file lists them
                // (pre-commit passes changed files); `[files] ignore` still applies.
                if options.config.is_ignored(path) {
                    found.ignored.push(path.clone());
                    continue;
                }
                if FileKind::from_path(path).is_some() {
                    files.push(FoundFile {
                        path: path.clone(),
                        stamp: Stamp::of(&metadata),
                        identity: (paths.len() > 1)
                            .then(|| std::fs::canonicalize(path).unwrap_or_else(|_| path.clone())),
                    });
                } else {
                    found.unsupported.push(path.clone());
                }
            }
        }
    }
    if paths.len() > 1 {
        files = without_duplicates(files);
    } else {
        // One folder's files share its spelling up to the names the walk joined to it,
        // so byte order with `/` first is `Path` order, without splitting components.
        files.sort_by_cached_key(|file| walk_order_key(&file.path));
        files.dedup_by(|a, b| a.path == b.path);
    }
    (found.files, found.stamps) = files
        .into_iter()
        .map(|file| (file.path, file.stamp))
        .unzip();
    found
}

/// A key whose byte order is `Path` order, for paths that differ only in names joined
/// with single separators: a separator (`/`, and `\` on Windows) becomes the one byte no
/// name holds, which sorts first.
fn walk_order_key(path: &Path) -> Vec<u8> {
    let mut key = path.as_os_str().as_encoded_bytes().to_vec();
    for byte in &mut key {
        if byte.is_ascii() && std::path::is_separator(char::from(*byte)) {
            *byte = 0;
        }
    }
    key
}

/// One path per file, when the paths given overlap (`src/a.js ./src/a.js`, `. src`, a
/// folder and a link to it): the one that names the file where it is, or else the first
/// in sorted order.
fn without_duplicates(files: Vec<FoundFile>) -> Vec<FoundFile> {
    let names_itself = |path: &Path, identity: &Path| {
        std::path::absolute(path).is_ok_and(|absolute| absolute == identity)
    };
    let mut chosen: std::collections::HashMap<PathBuf, FoundFile> =
        std::collections::HashMap::with_capacity(files.len());
    for mut file in files {
        let identity = file.identity.take().unwrap_or_else(|| file.path.clone());
        match chosen.entry(identity) {
            std::collections::hash_map::Entry::Vacant(slot) => {
                slot.insert(file);
            }
            std::collections::hash_map::Entry::Occupied(mut slot) => {
                let new_is_own = names_itself(&file.path, slot.key());
                let old_is_own = names_itself(&slot.get().path, slot.key());
                if (new_is_own, std::cmp::Reverse(&file.path))
                    > (old_is_own, std::cmp::Reverse(&slot.get().path))
                {
                    slot.insert(file);
                }
            }
        }
    }
    let mut files: Vec<FoundFile> = chosen.into_values().collect();
    files.sort_by(|a, b| a.path.cmp(&b.path));
    files
}

pub fn describe_io_error(error: &std::io::Error) -> String {
    match error.kind() {
        std::io::ErrorKind::NotFound => "no such file or folder".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => error.to_string(),
    }
}

/// The ignore rules in force in a folder: its own, then its parent's, up to the
/// repository's top. Shared by the folders below, which the walk visits in parallel.
struct RulesChain {
    matchers: Vec<Gitignore>,
    parent: Option<std::sync::Arc<RulesChain>>,
}

/// Taken apart link by link: a chain as deep as the tree's folders must not be dropped
/// by recursion.
impl Drop for RulesChain {
    fn drop(&mut self) {
        let mut parent = self.parent.take();
        while let Some(link) = parent {
            parent = match std::sync::Arc::try_unwrap(link) {
                Ok(mut alone) => alone.parent.take(),
                Err(_) => None,
            };
        }
    }
}

impl RulesChain {
    /// Deeper folders decide first; within a folder `.ignore` beats `.gitignore`, which
    /// beats `.git/info/exclude`. A `!pattern` whitelists.
    fn ignores(chain: &Option<std::sync::Arc<RulesChain>>, path: &Path, is_dir: bool) -> bool {
        let mut folder = chain.as_deref();
        while let Some(rules) = folder {
            for matcher in &rules.matchers {
                match matcher.matched(path, is_dir) {
                    Match::Ignore(_) => return true,
                    Match::Whitelist(_) => return false,
                    Match::None => {}
                }
            }
            folder = rules.parent.as_deref();
        }
        false
    }

    fn with(
        chain: &Option<std::sync::Arc<RulesChain>>,
        matchers: Vec<Gitignore>,
    ) -> Option<std::sync::Arc<RulesChain>> {
        if matchers.is_empty() {
            return chain.clone();
        }
        Some(std::sync::Arc::new(RulesChain {
            matchers,
            parent: chain.clone(),
        }))
    }
}

/// What one folder of the walk found; gathered once per folder, not per file.
#[derive(Default)]
struct FolderFinds {
    files: Vec<FoundFile>,
    errors: Vec<(PathBuf, String)>,
    /// Files and folders that only an ignore file left out, as the walk spells them:
    /// what git tracks among them is linted all the same ([`tracked_but_ignored`]).
    left_by_ignore_files: Vec<PathBuf>,
}

/// Walks the folder `root` on the current thread pool, a task per folder. Each folder is
/// listed once, and its listing says which ignore files it has, so a folder without any
/// costs no failed `open`s (three per folder before, most of a cached run's system time);
/// entries' kinds come from the listing, and each file is `stat`ed once, by the listing's
/// handle. The files come out in any order: discovery sorts them.
fn walk_folder(
    root: &Path,
    options: &DiscoverOptions,
    files: &mut Vec<FoundFile>,
    errors: &mut Vec<(PathBuf, String)>,
    notices: &mut Vec<(PathBuf, String)>,
    track_identities: bool,
) {
    let mut chain: Option<std::sync::Arc<RulesChain>> = None;
    if options.use_ignore_files {
        // Ignore files above the root still apply to it, up to the repository's top.
        for folder in ancestors_within_repository(root) {
            chain = RulesChain::with(&chain, folder_matchers(&folder));
        }
    }
    // Matchers are rooted at absolute folders, so entries are matched by absolute path.
    let absolute_root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let finds = std::sync::Mutex::new(FolderFinds::default());
    let walk = FolderWalk {
        options,
        track_identities,
        finds: &finds,
    };
    rayon::in_place_scope(|scope| {
        walk.folder(scope, root.to_path_buf(), absolute_root, chain);
    });
    let mut finds = finds
        .into_inner()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    finds.errors.sort();
    files.extend(finds.files);
    errors.extend(finds.errors);
    if !finds.left_by_ignore_files.is_empty() {
        match tracked_but_ignored(root, &finds.left_by_ignore_files, options, track_identities) {
            Ok((tracked, warning)) => {
                files.extend(tracked);
                if let Some(warning) = warning {
                    notices.push((
                        root.to_path_buf(),
                        format!(
                            "git warned while listing the tracked files among those ignore \
                             files left out, so some may not be linted: {warning}"
                        ),
                    ));
                }
            }
            Err(reason) => notices.push((
                root.to_path_buf(),
                format!(
                    "ignore files left {} files or folders out, and git could not say which \
                     of them it tracks, so none was linted: {reason}",
                    finds.left_by_ignore_files.len()
                ),
            )),
        }
    }
}

/// The files git tracks among `left_out` (files and folders below `root` that only an
/// ignore file left out of the walk): ignore files are for files git does not track, as
/// git reads them, and a `.gitignore` line must not hide a tracked file (a pull request
/// can add one). What else the walk skips still applies: `.git`, `node_modules` and
/// Yarn's folders, `[files] ignore`, symbolic links, kinds crosswire does not read.
/// Outside a repository nothing is added; when git cannot say, the reason is returned,
/// and what git warned of although it answered comes back beside the files.
fn tracked_but_ignored(
    root: &Path,
    left_out: &[PathBuf],
    options: &DiscoverOptions,
    track_identities: bool,
) -> Result<(Vec<FoundFile>, Option<String>), String> {
    let Some(top) = repository_top(root) else {
        return Ok((Vec::new(), None));
    };
    let crate::git::Tracked {
        files: tracked,
        warning,
    } = crate::git::tracked_files(root, &top, None)?;
    let left_out: std::collections::HashSet<&Path> =
        left_out.iter().map(PathBuf::as_path).collect();
    let absolute_root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let mut found = Vec::new();
    for path in tracked {
        let Ok(inside) = path.strip_prefix(root) else {
            continue;
        };
        // In memory first: only a file below what an ignore file left out, of a kind
        // crosswire reads, is looked at on disk.
        if FileKind::from_path(&path).is_none()
            || !path
                .ancestors()
                .take_while(|folder| *folder != root)
                .any(|folder| left_out.contains(folder))
        {
            continue;
        }
        // The folders between the root and the file, then the file: none a link, a
        // folder the walk never enters, or what `[files] ignore` leaves out.
        let mut walked = root.to_path_buf();
        let mut walkable = true;
        let parts: Vec<_> = inside.components().collect();
        for (index, part) in parts.iter().enumerate() {
            let parent_name = walked.file_name().map(std::ffi::OsStr::to_os_string);
            walked.push(part);
            let is_file = index + 1 == parts.len();
            let Ok(metadata) = walked.symlink_metadata() else {
                walkable = false;
                break;
            };
            if metadata.file_type().is_symlink()
                || is_file != metadata.is_file()
                || (!is_file && always_skipped(parent_name.as_deref(), part.as_os_str()))
                || options.config.is_ignored(&walked)
            {
                walkable = false;
                break;
            }
        }
        if !walkable {
            continue;
        }
        let stamp = path
            .symlink_metadata()
            .map_or_else(|_| Stamp::default(), |metadata| Stamp::of(&metadata));
        found.push(FoundFile {
            identity: track_identities.then(|| absolute_root.join(inside)),
            path,
            stamp,
        });
    }
    Ok((found, warning))
}

/// The top folder of the repository `root` lies in, if any.
fn repository_top(root: &Path) -> Option<PathBuf> {
    let absolute = std::fs::canonicalize(root).ok()?;
    absolute
        .ancestors()
        .find(|folder| folder.join(".git").symlink_metadata().is_ok())
        .map(Path::to_path_buf)
}

/// Whether the walk never enters the folder `name` inside the folder `parent`: `.git`,
/// `node_modules`, and the folders of Yarn's own code and packages in `.yarn` (not
/// `.yarn` itself, where a project may keep code of its own).
fn always_skipped(parent: Option<&std::ffi::OsStr>, name: &std::ffi::OsStr) -> bool {
    ALWAYS_SKIPPED.iter().any(|skipped| name == *skipped)
        || (parent.is_some_and(|parent| parent == ".yarn")
            && YARN_OWN.iter().any(|own| name == *own))
}

struct FolderWalk<'w, 'o> {
    options: &'w DiscoverOptions<'o>,
    track_identities: bool,
    finds: &'w std::sync::Mutex<FolderFinds>,
}

impl<'w, 'o> FolderWalk<'w, 'o> {
    /// Lists `folder` (at `absolute`, under the rules of the folders above it), keeps
    /// its files and hands each folder inside it to a task of its own.
    fn folder<'s>(
        &'s self,
        scope: &rayon::Scope<'s>,
        folder: PathBuf,
        absolute: PathBuf,
        above: Option<std::sync::Arc<RulesChain>>,
    ) {
        let mut finds = FolderFinds::default();
        let mut entries: Vec<(std::fs::DirEntry, std::fs::FileType, std::ffi::OsString)> =
            Vec::new();
        match std::fs::read_dir(&folder) {
            Err(error) => finds
                .errors
                .push((folder.clone(), describe_io_error(&error))),
            Ok(listing) => {
                for entry in listing {
                    match entry.and_then(|entry| {
                        let file_type = entry.file_type()?;
                        let name = entry.file_name();
                        Ok((entry, file_type, name))
                    }) {
                        Ok(named) => entries.push(named),
                        Err(error) => finds
                            .errors
                            .push((folder.clone(), describe_io_error(&error))),
                    }
                }
            }
        }
        let rules = if self.options.use_ignore_files {
            // In any case: on a file system that ignores it, `.GitIgnore` is what opening
            // `.gitignore` reads, as git reads it; elsewhere the open finds nothing.
            let matchers = listed_folder_matchers(&absolute, |name| {
                entries.iter().any(|(_, _, entry)| {
                    entry
                        .as_encoded_bytes()
                        .eq_ignore_ascii_case(name.as_bytes())
                })
            });
            RulesChain::with(&above, matchers)
        } else {
            None
        };
        for (entry, file_type, name) in entries {
            if file_type.is_symlink() {
                continue;
            }
            let is_dir = file_type.is_dir();
            if is_dir && always_skipped(absolute.file_name(), &name) {
                continue;
            }
            let path = folder.join(&name);
            let entry_absolute = absolute.join(&name);
            if self.options.config.is_ignored(&path) {
                continue;
            }
            if self.options.use_ignore_files && RulesChain::ignores(&rules, &entry_absolute, is_dir)
            {
                if is_dir || FileKind::from_path(&path).is_some() {
                    finds.left_by_ignore_files.push(path);
                }
                continue;
            }
            if is_dir {
                let rules = rules.clone();
                scope.spawn(move |scope| self.folder(scope, path, entry_absolute, rules));
            } else if file_type.is_file() && FileKind::from_path(&path).is_some() {
                // A `stat` by the listing's own handle and the name: no path to walk
                // again. Every run needs sizes to schedule and stamps for the cache.
                // Not on Windows, where a listing's sizes and times lag behind the file.
                #[cfg(not(windows))]
                let metadata = entry.metadata();
                #[cfg(windows)]
                let metadata = std::fs::metadata(&path);
                let stamp =
                    metadata.map_or_else(|_| Stamp::default(), |metadata| Stamp::of(&metadata));
                finds.files.push(FoundFile {
                    path,
                    stamp,
                    identity: self.track_identities.then_some(entry_absolute),
                });
            }
        }
        if finds.files.is_empty()
            && finds.errors.is_empty()
            && finds.left_by_ignore_files.is_empty()
        {
            return;
        }
        let mut all = self
            .finds
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        all.files.append(&mut finds.files);
        all.errors.append(&mut finds.errors);
        all.left_by_ignore_files
            .append(&mut finds.left_by_ignore_files);
    }
}

/// The ignore files of a folder, most decisive first: the name a listing of the folder
/// shows when it has one, and the file then read.
const IGNORE_FILES: [(&str, &[&str]); 3] = [
    (".ignore", &[".ignore"]),
    (".gitignore", &[".gitignore"]),
    (".git", &[".git", "info", "exclude"]),
];

fn folder_matchers(folder: &Path) -> Vec<Gitignore> {
    listed_folder_matchers(folder, |_| true)
}

/// The rules of the ignore files of `folder` whose name its listing shows (`listed`).
fn listed_folder_matchers(folder: &Path, listed: impl Fn(&str) -> bool) -> Vec<Gitignore> {
    IGNORE_FILES
        .iter()
        .filter(|(name, _)| listed(name))
        .filter_map(|(_, file)| {
            let file = file
                .iter()
                .fold(folder.to_path_buf(), |path, part| path.join(part));
            ignore_file_matcher(folder, file)
        })
        .collect()
}

/// The rules of the ignore file `file`, rooted at `folder`; none if it cannot be read or
/// says nothing.
fn ignore_file_matcher(folder: &Path, file: PathBuf) -> Option<Gitignore> {
    // Bounded like every read of the tree (see `safe_io`): an ignore file planted as a
    // link to something huge must not exhaust memory; one that cannot be read is left
    // out, which lints more, never less.
    let bytes = crate::safe_io::read_file(&file, crate::safe_io::CONFIG_READ_LIMIT).ok()?;
    let mut builder = GitignoreBuilder::new(folder);
    for (index, line) in bytes.split(|byte| *byte == b'\n').enumerate() {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        // Lines that are not UTF-8 or are malformed are skipped, as the ignore crate's
        // own reader and git do; git also skips a BOM.
        if let Ok(line) = std::str::from_utf8(line) {
            let line = if index == 0 {
                line.trim_start_matches('\u{feff}')
            } else {
                line
            };
            let _ = builder.add_line(Some(file.clone()), line);
        }
    }
    builder.build().ok().filter(|matcher| !matcher.is_empty())
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
/// `[files] ignore` is the config's to answer (`Config::is_ignored`). A file that git
/// tracks is not left out by an ignore file (see [`tracked_but_ignored`]).
pub fn walk_leaves_out(file: &Path, top: &Path) -> bool {
    match ignore_files_leave_out(file, top) {
        None => true,
        Some(false) => false,
        Some(true) => {
            let (Some(parent), Some(name)) = (file.parent(), file.file_name()) else {
                return true;
            };
            let tracked = repository_top(parent).is_some_and(|top| {
                // When git cannot say, the file is linted: more, never less.
                crate::git::tracked_files(parent, &top, Some(Path::new(name)))
                    .map_or(true, |tracked| !tracked.files.is_empty())
            });
            !tracked
        }
    }
}

/// Whether an ignore file leaves `file` out ([`walk_leaves_out`]); `None` when it lies
/// in a folder the walk never enters (`.git`, `node_modules`).
fn ignore_files_leave_out(file: &Path, top: &Path) -> Option<bool> {
    let Some(parent) = file.parent() else {
        return Some(false);
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
    // Every folder is looked at: one the walk never enters wins over an ignored one
    // above it, as it does in the walk of tracked files.
    let mut rules = None;
    let mut ignored_folder = false;
    for (depth, folder) in folders.into_iter().enumerate() {
        if depth > 0 {
            let parent = folder.parent().and_then(Path::file_name);
            if always_skipped(parent, folder.file_name().unwrap_or_default()) {
                return None;
            }
            ignored_folder = ignored_folder || RulesChain::ignores(&rules, folder, true);
        }
        if !ignored_folder {
            rules = RulesChain::with(&rules, folder_matchers(folder));
        }
    }
    Some(ignored_folder || RulesChain::ignores(&rules, file, false))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs git in `folder`; the test stops if it fails.
    fn git(folder: &Path, args: &[&str]) {
        let status = std::process::Command::new("git")
            .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
            .args(args)
            .current_dir(folder)
            .output()
            .unwrap()
            .status;
        assert!(status.success(), "git {args:?}");
    }

    #[test]
    fn one_file_is_left_out_as_a_walk_would_leave_it_out() {
        let temp = tempfile::tempdir().unwrap();
        let top = std::fs::canonicalize(temp.path()).unwrap();
        let repository = top.join("repo");
        for folder in ["repo/src/dist", "repo/dist", "repo/node_modules/x"] {
            std::fs::create_dir_all(top.join(folder)).unwrap();
        }
        // A repository git can read: where it cannot say what it tracks, a file is linted.
        git(&repository, &["init", "-q"]);
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

    #[test]
    fn a_tracked_file_is_not_left_out_by_an_ignore_file() {
        let temp = tempfile::tempdir().unwrap();
        let repository = std::fs::canonicalize(temp.path()).unwrap();
        git(&repository, &["init", "-q"]);
        for path in [
            "dist/tracked.js",
            "dist/untracked.js",
            "node_modules/x/i.js",
        ] {
            let path = repository.join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "postMessage(1, '*');\n").unwrap();
        }
        git(
            &repository,
            &["add", "-f", "dist/tracked.js", "node_modules/x/i.js"],
        );
        std::fs::write(repository.join(".gitignore"), "dist/\n").unwrap();
        let left_out = |path: &str| walk_leaves_out(&repository.join(path), &repository);
        assert!(!left_out("dist/tracked.js"));
        assert!(left_out("dist/untracked.js"));
        assert!(left_out("node_modules/x/i.js"));
    }
}

/// The walk compared with the one it replaced: `walkdir`, one folder after another, each
/// folder's ignore files probed by name, on generated trees.
#[cfg(test)]
mod walk_equivalence {
    use super::*;
    use proptest::prelude::*;

    /// The walk before 2026-12-06, as it was.
    fn reference_walk(root: &Path, options: &DiscoverOptions) -> Vec<PathBuf> {
        struct FolderRules {
            depth: usize,
            matchers: Vec<Gitignore>,
        }
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
        let mut files = Vec::new();
        let mut stack: Vec<FolderRules> = Vec::new();
        if options.use_ignore_files {
            for folder in ancestors_within_repository(root) {
                let matchers = folder_matchers(&folder);
                if !matchers.is_empty() {
                    stack.push(FolderRules { depth: 0, matchers });
                }
            }
        }
        let absolute_root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
        let ancestor_levels = stack.len();
        let mut entries = walkdir::WalkDir::new(root)
            .follow_links(false)
            .sort_by_file_name()
            .into_iter();
        while let Some(entry) = entries.next() {
            let Ok(entry) = entry else { continue };
            let depth = entry.depth();
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
                let parent = path.parent().and_then(Path::file_name);
                if file_type.is_dir() && always_skipped(parent, entry.file_name()) {
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
                files.push(path.to_path_buf());
            }
        }
        files.sort();
        files
    }

    const NAMES: &[&str] = &[
        "a.js",
        "b.ts",
        "keep.min.js",
        "c.txt",
        "d-e.vue",
        "src",
        "dist",
        "x.y",
        "x",
        "node_modules",
        ".git",
        "sub",
        "page.html",
    ];
    const PATTERNS: &[&str] = &[
        "dist",
        "dist/",
        "*.js",
        "!keep.min.js",
        "/a.js",
        "sub/",
        "**/b.ts",
        "# note",
        "!*.ts",
        "x.y",
        "*.min.js",
        "!dist",
        "src/*.vue",
        "",
        "\\#x",
        "x/",
    ];

    const CONFIG_GLOBS: &[&str] = &["dist/**", "**/*.ts", "tree/x/**", "**/sub/**", "*.js"];

    /// One entry of a generated tree: a folder path of name indices, then what is there.
    #[derive(Debug, Clone)]
    enum Planted {
        File(Vec<usize>, usize),
        Ignore(Vec<usize>, u8, Vec<usize>),
        Link(Vec<usize>, usize),
    }

    fn planted() -> impl Strategy<Value = Planted> {
        let folder = proptest::collection::vec(0..NAMES.len(), 0..4);
        prop_oneof![
            6 => (folder.clone(), 0..NAMES.len()).prop_map(|(f, n)| Planted::File(f, n)),
            3 => (folder.clone(), 0u8..3, proptest::collection::vec(0..PATTERNS.len(), 1..4))
                .prop_map(|(f, k, p)| Planted::Ignore(f, k, p)),
            1 => (folder, 0..NAMES.len()).prop_map(|(f, n)| Planted::Link(f, n)),
        ]
    }

    fn plant(root: &Path, planted: &[Planted]) {
        let folder_of = |names: &[usize]| {
            names
                .iter()
                .fold(root.to_path_buf(), |path, &name| path.join(NAMES[name]))
        };
        for entry in planted {
            // Names taken by files earlier in the list are not folders: such entries are
            // left out, as the file system would refuse them.
            match entry {
                Planted::File(folder, name) => {
                    let folder = folder_of(folder);
                    if std::fs::create_dir_all(&folder).is_ok() {
                        let _ = std::fs::write(folder.join(NAMES[*name]), "postMessage(x)");
                    }
                }
                Planted::Ignore(folder, kind, patterns) => {
                    let folder = folder_of(folder);
                    let file = match kind {
                        0 => folder.join(".gitignore"),
                        1 => folder.join(".ignore"),
                        _ => folder.join(".git").join("info").join("exclude"),
                    };
                    let text: Vec<&str> = patterns.iter().map(|at| PATTERNS[*at]).collect();
                    if file
                        .parent()
                        .is_some_and(|parent| std::fs::create_dir_all(parent).is_ok())
                    {
                        let _ = std::fs::write(file, text.join("\n"));
                    }
                }
                Planted::Link(folder, name) => {
                    let folder = folder_of(folder);
                    if std::fs::create_dir_all(&folder).is_ok() {
                        #[cfg(unix)]
                        let _ = std::os::unix::fs::symlink(root, folder.join(NAMES[*name]));
                    }
                }
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]
        #[test]
        fn the_parallel_walk_finds_what_the_sequential_one_found(
            planted in proptest::collection::vec(planted(), 1..30),
            use_ignore_files in any::<bool>(),
            repository_above in proptest::option::of(
                proptest::collection::vec(0..PATTERNS.len(), 1..4)
            ),
            config_ignores in proptest::collection::vec(0..CONFIG_GLOBS.len(), 0..3),
        ) {
            let temp = tempfile::tempdir().unwrap();
            let root = temp.path().join("tree");
            std::fs::create_dir_all(&root).unwrap();
            // The tree inside a repository whose top's ignore file applies to it.
            if let Some(patterns) = &repository_above {
                std::fs::create_dir_all(temp.path().join(".git")).unwrap();
                let text: Vec<&str> = patterns.iter().map(|at| PATTERNS[*at]).collect();
                std::fs::write(temp.path().join(".gitignore"), text.join("\n")).unwrap();
            }
            plant(&root, &planted);
            // `[files] ignore` of a config at the tree's root.
            let globs: Vec<String> =
                config_ignores.iter().map(|at| format!("{:?}", CONFIG_GLOBS[*at])).collect();
            let config_file = temp.path().join("crosswire.toml");
            std::fs::write(&config_file, format!("[files]\nignore = [{}]\n", globs.join(", ")))
                .unwrap();
            let config = Config::load(&config_file).unwrap();
            let options = DiscoverOptions { use_ignore_files, config: &config };
            let pool = rayon::ThreadPoolBuilder::new().num_threads(3).build().unwrap();
            let found = pool.install(|| discover(std::slice::from_ref(&root), &options));
            prop_assert_eq!(found.files.len(), found.stamps.len());
            prop_assert_eq!(found.files, reference_walk(&root, &options));
            // Each stamp is the file's.
            for (path, stamp) in found_stamps(&root, &options, &pool) {
                prop_assert_eq!(stamp, Stamp::of(&std::fs::metadata(&path).unwrap()));
            }
            // A folder and one inside it: each file once, with its own stamp. (Not a link
            // to a folder: what that names twice is left to `without_duplicates`.)
            let inner = root.join(NAMES[5]);
            if inner.symlink_metadata().is_ok_and(|metadata| metadata.is_dir()) {
                let both = [root.clone(), inner.clone()];
                let found = pool.install(|| discover(&both, &options));
                let mut expected = reference_walk(&root, &options);
                expected.extend(reference_walk(&inner, &options));
                expected.sort();
                expected.dedup();
                prop_assert_eq!(&found.files, &expected);
                for (path, stamp) in found.files.iter().zip(&found.stamps) {
                    prop_assert_eq!(*stamp, Stamp::of(&std::fs::metadata(path).unwrap()));
                }
            }
        }
    }

    fn found_stamps(
        root: &Path,
        options: &DiscoverOptions,
        pool: &rayon::ThreadPool,
    ) -> Vec<(PathBuf, Stamp)> {
        let found = pool.install(|| discover(&[root.to_path_buf()], options));
        found.files.into_iter().zip(found.stamps).collect()
    }
}
