//! `--cache`: per-file results keyed by content hash, so a second run over an unchanged
//! tree parses nothing. A different crosswire version or effective config starts over.
//! Entries keep each file's facts as well as its findings, so project-level rules stay
//! correct with a warm cache.
//!
//! # Trust
//!
//! The cache file sits in the linted tree by default, and a pull request can carry one:
//! an entry that says "no findings" for a file's content would hide that file's findings.
//! So a cache is used only if this user's crosswire wrote it:
//! - The cache file is `crosswire-cache 3 <MAC>\n<payload>`, the MAC being BLAKE3 keyed with
//!   a 32-byte secret over the payload. A file whose MAC does not match is ignored (with a
//!   note unless `-q`) and rewritten. BLAKE3's keyed mode is a MAC, and the comparison of
//!   `blake3::Hash` values takes constant time. Only an authenticated payload is decoded.
//! - The secret is `cache-key` in the user's private cache folder, `$XDG_CACHE_HOME/crosswire`
//!   or else `$HOME/.cache/crosswire` (only absolute values count, as the XDG base directory
//!   specification says). The folder is created with mode 0700 and the key with 0600,
//!   atomically (a temporary file linked into place, so two runs agree on one key). Either
//!   is refused if another user owns it or others may write it (the key: read it), and the
//!   key if it is a link.
//! - A key inside the working directory or a linted path could have been planted by the
//!   tree itself (a CI job whose `HOME` is the checkout; git writes files 0600 under
//!   umask 077), so it is refused.
//! - Without a usable key (no `HOME`, a refused folder or key) the cache is not used at all,
//!   neither read nor written, with a note unless `-q`: the run is only slower.
//! - Content hashes are BLAKE3 too, so no one can make two contents share an entry, and
//!   the key of the version and config is one as well.
//! - Entries are keyed by the exact bytes of the file's path ([`path_key`]), so two names
//!   that read the same once decoded (`a\xff.js`, `a\xfe.js`) keep their own entries.
//!
//! What this does not cover: code that runs as the same user before crosswire (a build
//! step of the pull request) can read the key, as it can read anything else of the user's.
//!
//! # Format
//!
//! The payload is [postcard](https://docs.rs/postcard) (a compact binary serde format with a
//! stable, documented wire format): first the [`Head`] (the key of the version and config,
//! and the [`Memo`] of the last run), then every file's [`Entry`]. The entries are decoded
//! only when a run needs them ([`Cache::files`]): a rerun over a tree that did not change
//! needs only the memo. Postcard is not self-describing, so no type kept here may skip a
//! field when serializing (`skip_serializing_if`); `tests` round-trip every kind of fact.
//!
//! # The memo of a run
//!
//! The findings of a run are a function of its files' bytes, the config files it read
//! besides them (tsconfig, jsconfig, package.json: see [`crate::results::note_config_read`]),
//! the paths and options it was given and crosswire's version and config. The [`Memo`]
//! keeps the findings of the last complete run with the size and modification time of every
//! one of those files; a run given the same paths and options that finds the same files
//! with the same stamps (the trust the per-file entries already put in an unchanged stamp)
//! reports those findings without linting anything, and leaves the cache as it is.

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::diagnostic::{Diagnostic, Finding, Severity};
use crate::embedded::PageRefs;
pub use crate::results::Stamp;
use crate::results::{FileResult, ProjectFacts};
use crate::rules;

pub const DEFAULT_CACHE_LOCATION: &str = ".crosswire-cache";

/// The file a cache folder keeps its data in.
const FOLDER_CACHE_FILE: &str = "cache";

/// Where the cache lives, from `--cache-location`: the cache file, and the folder that
/// holds it when crosswire owns one. A folder (the default `.crosswire-cache/`, an
/// existing folder, or a path ending in `/`) holds the file `cache` and a `.gitignore`
/// of `*`, so `git status` stays clean, as ruff's `.ruff_cache` does; any other path is
/// the cache file itself.
pub fn location(given: Option<&Path>) -> (PathBuf, Option<PathBuf>) {
    let folder = match given {
        None => PathBuf::from(DEFAULT_CACHE_LOCATION),
        Some(path)
            if path.as_os_str().as_encoded_bytes().ends_with(b"/")
                || std::fs::symlink_metadata(path).is_ok_and(|metadata| metadata.is_dir()) =>
        {
            path.to_path_buf()
        }
        Some(path) => return (path.to_path_buf(), None),
    };
    (folder.join(FOLDER_CACHE_FILE), Some(folder))
}

/// Makes the cache folder and its `.gitignore`, through nothing linked (see
/// `safe_io::write_file`). A regular file in the folder's place is the single-file cache
/// of an earlier crosswire: it is replaced.
pub fn prepare_folder(folder: &Path) -> Result<(), crate::safe_io::WriteError> {
    let io_error = |error: std::io::Error| crate::safe_io::WriteError::Io {
        path: folder.to_path_buf(),
        error,
    };
    match std::fs::symlink_metadata(folder) {
        Ok(metadata) if metadata.is_file() => {
            std::fs::remove_file(folder).map_err(io_error)?;
            std::fs::create_dir(folder).map_err(io_error)?;
        }
        Ok(_) => {}
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            std::fs::create_dir_all(folder).map_err(io_error)?;
        }
        Err(error) => return Err(io_error(error)),
    }
    let ignore = folder.join(".gitignore");
    if std::fs::symlink_metadata(&ignore).is_err() {
        crate::safe_io::write_file(
            &ignore,
            b"# Written by crosswire: the cache is not for git.\n*\n",
        )?;
    }
    Ok(())
}

/// The start of a cache file of this format, before its MAC.
const MAGIC: &[u8] = b"crosswire-cache 3 ";
const KEY_FILE_NAME: &str = "cache-key";
const KEY_BYTES: usize = 32;

/// The secret that authenticates caches written by this user's crosswire.
#[derive(Clone)]
pub struct Secret([u8; KEY_BYTES]);

/// The folder of this user's secret: `$XDG_CACHE_HOME/crosswire`, else
/// `$HOME/.cache/crosswire`; relative values do not count.
fn private_folder() -> Result<PathBuf, String> {
    let absolute = |variable: &str| {
        std::env::var_os(variable)
            .map(PathBuf::from)
            .filter(|path| path.is_absolute())
    };
    if let Some(folder) = absolute("XDG_CACHE_HOME") {
        return Ok(folder.join("crosswire"));
    }
    if let Some(home) = absolute("HOME") {
        return Ok(home.join(".cache").join("crosswire"));
    }
    Err("neither XDG_CACHE_HOME nor HOME names a folder for crosswire's key".into())
}

/// `path` with links resolved, also when its last parts do not exist yet.
fn resolved(path: &Path) -> PathBuf {
    let mut missing: Vec<&std::ffi::OsStr> = Vec::new();
    let mut existing = path;
    loop {
        if let Ok(canonical) = std::fs::canonicalize(existing) {
            return missing
                .iter()
                .rev()
                .fold(canonical, |path, part| path.join(part));
        }
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                missing.push(name);
                existing = parent;
            }
            _ => return path.to_path_buf(),
        }
    }
}

impl Secret {
    /// This user's secret, created on first use. `linted` are the working directory and
    /// the paths being linted: a secret inside them is refused.
    pub fn load(linted: &[PathBuf]) -> Result<Secret, String> {
        let folder = private_folder()?;
        let real_folder = resolved(&folder);
        if let Some(tree) = linted
            .iter()
            .map(|path| resolved(path))
            .find(|tree| real_folder.starts_with(tree))
        {
            return Err(format!(
                "the key folder {} is inside the linted tree {}",
                folder.display(),
                tree.display()
            ));
        }
        create_private_folder(&folder)?;
        let path = folder.join(KEY_FILE_NAME);
        let bytes = match read_key(&path) {
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                let mut fresh = [0u8; KEY_BYTES];
                getrandom::fill(&mut fresh)
                    .map_err(|error| format!("no random numbers for a key: {error}"))?;
                crate::safe_io::create_private_file(&path, &fresh).map_err(|error| {
                    format!("cannot create the key {}: {error}", path.display())
                })?;
                // Another run may have created it first: theirs is the key.
                read_key(&path).map_err(|error| error.to_string())?
            }
            result => result.map_err(|error| error.to_string())?,
        };
        let key = <[u8; KEY_BYTES]>::try_from(bytes.as_slice())
            .map_err(|_| format!("the key {} is not {KEY_BYTES} bytes long", path.display()))?;
        Ok(Secret(key))
    }

    fn mac(&self, payload: &[u8]) -> blake3::Hash {
        blake3::keyed_hash(&self.0, payload)
    }

    /// A secret of these bytes (tests; a real one comes from [`Secret::load`]).
    pub fn from_bytes(bytes: [u8; KEY_BYTES]) -> Secret {
        Secret(bytes)
    }
}

/// The key's bytes; only a missing key is a [`std::io::ErrorKind::NotFound`].
fn read_key(path: &Path) -> Result<Vec<u8>, std::io::Error> {
    match std::fs::symlink_metadata(path) {
        Err(error) => Err(error),
        Ok(_) => read_private(path).map_err(std::io::Error::other),
    }
}

#[cfg(unix)]
fn read_private(path: &Path) -> Result<Vec<u8>, String> {
    crate::safe_io::read_private_file(path, KEY_BYTES as u64)
}

#[cfg(not(unix))]
fn read_private(path: &Path) -> Result<Vec<u8>, String> {
    crate::safe_io::read_file(path, KEY_BYTES as u64)
        .map_err(|error| format!("cannot read {}: {error}", path.display()))
}

/// Creates `folder` (mode 0700) if need be, and refuses it unless it is this user's own
/// folder that no one else may write.
fn create_private_folder(folder: &Path) -> Result<(), String> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder
        .create(folder)
        .map_err(|error| format!("cannot create {}: {error}", folder.display()))?;
    let metadata = std::fs::symlink_metadata(folder)
        .map_err(|error| format!("cannot read {}: {error}", folder.display()))?;
    if !metadata.is_dir() {
        return Err(format!("{} is not a folder", folder.display()));
    }
    #[cfg(unix)]
    crate::safe_io::check_private(folder, &metadata, 0o022)?;
    Ok(())
}

/// A cache that could be read, and what to say about it.
pub struct Loaded {
    pub cache: Cache,
    /// Why what was there was not used, when that is worth a note.
    pub note: Option<String>,
}

/// A cache read on a thread of its own, so that reading and authenticating it overlaps
/// the walk of the tree; a run waits for it where it first needs it.
pub struct Loading {
    thread: std::sync::Mutex<Option<std::thread::JoinHandle<Result<Loaded, String>>>>,
    outcome: std::sync::OnceLock<Result<Loaded, String>>,
}

impl Loading {
    /// Starts reading the cache at `path` (see [`Cache::load`]); reads it here and now
    /// if no thread can be started.
    pub fn start(path: PathBuf, key: String, secret: Secret) -> Loading {
        let outcome = std::sync::OnceLock::new();
        let thread = std::thread::Builder::new()
            .name("crosswire-cache".into())
            .spawn({
                let (path, key, secret) = (path.clone(), key.clone(), secret.clone());
                move || Cache::load(&path, &key, &secret)
            });
        let thread = match thread {
            Ok(thread) => Some(thread),
            Err(_) => {
                let _ = outcome.set(Cache::load(&path, &key, &secret));
                None
            }
        };
        Loading {
            thread: std::sync::Mutex::new(thread),
            outcome,
        }
    }

    fn outcome(&self) -> &Result<Loaded, String> {
        self.outcome.get_or_init(|| {
            let thread = self
                .thread
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .take();
            match thread.map(std::thread::JoinHandle::join) {
                Some(Ok(outcome)) => outcome,
                Some(Err(_)) | None => Err("reading it failed".into()),
            }
        })
    }

    /// The cache, once read; `None` if it could not be used.
    pub fn cache(&self) -> Option<&Cache> {
        self.outcome().as_ref().ok().map(|loaded| &loaded.cache)
    }

    /// What reading gave: the cache and a note, or why it cannot be used.
    pub fn finish(self) -> Result<Loaded, String> {
        self.outcome();
        self.outcome
            .into_inner()
            .unwrap_or_else(|| Err("reading it failed".into()))
    }
}

/// The per-file entries, decoded when first asked for.
#[derive(Debug, Default)]
struct LazyFiles {
    decoded: std::sync::OnceLock<HashMap<String, Entry>>,
    /// The authenticated payload, and where its entries start.
    encoded: Vec<u8>,
    at: usize,
}

#[derive(Debug, Default)]
pub struct Cache {
    /// crosswire's version and the effective config; a mismatch empties the cache.
    pub key: String,
    /// The last complete run (see the module's doc).
    pub memo: Option<Memo>,
    files: LazyFiles,
}

/// What a cache file holds before its entries.
#[derive(Debug, Serialize, Deserialize)]
struct Head {
    key: String,
    memo: Option<Memo>,
}

/// The last complete run: what it was asked, every file it read with its stamp, and the
/// findings it reported.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Memo {
    /// A hash of what the run was given: see [`run_key`].
    pub run: String,
    /// The key ([`path_key`]) of every file of the run, with its stamp when the run first
    /// saw it (a file that changes while it is linted is not taken as unchanged since).
    pub files: Vec<(String, Stamp)>,
    /// The config files the run read besides its own (by path as read), with their stamps
    /// before the read; `None`: it was not there.
    pub config_reads: Vec<(String, Option<Stamp>)>,
    /// The findings the run reported, by position in `files`.
    pub findings: Vec<(usize, Vec<CachedFinding>)>,
    /// Files of the run it did not lint, their size being over `--max-file-size`.
    pub skipped: Vec<SkippedFile>,
}

/// A file a run left out for its size, and what it said of it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SkippedFile {
    pub key: String,
    pub stamp: Stamp,
    pub notice: String,
}

/// A hash of what a run is given besides its files: the working directory, the paths, the
/// config and every option that can change a finding.
pub fn run_key(parts: &[&[u8]]) -> String {
    let mut hasher = blake3::Hasher::new();
    hasher.update(env!("CARGO_PKG_VERSION").as_bytes());
    for part in parts {
        hasher.update(&(part.len() as u64).to_le_bytes());
        hasher.update(part);
    }
    hasher.finalize().to_hex().to_string()
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Entry {
    /// Hash of the file's bytes.
    pub hash: String,
    /// Size and modification time when the hash was taken.
    pub stamp: Stamp,
    pub parsed: bool,
    /// Left unparsed until a page loads it (see `FileResult::deferred`).
    pub deferred: bool,
    pub findings: Vec<CachedFinding>,
    pub page: PageRefs,
    pub project: ProjectFacts,
    /// What its bytes hold that later passes look for, when it was left unparsed.
    pub skipped_words: Option<crate::results::SkippedWords>,
    /// Markup read for its tags alone (see `FileResult::scripts_wait`).
    #[serde(default)]
    pub scripts_wait: bool,
    #[serde(default)]
    pub waiting_imports: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CachedFinding {
    pub rule: String,
    pub severity: Severity,
    pub diagnostic: Diagnostic,
    pub fingerprint: String,
}

impl CachedFinding {
    pub fn of(finding: &Finding) -> CachedFinding {
        CachedFinding {
            rule: finding.rule.to_string(),
            severity: finding.severity,
            diagnostic: finding.diagnostic.clone(),
            fingerprint: finding.fingerprint.clone(),
        }
    }

    /// The finding, if its rule is one of this crosswire's.
    pub fn finding(&self) -> Option<Finding> {
        Some(Finding {
            rule: rules::find(&self.rule)?.id,
            severity: self.severity,
            diagnostic: self.diagnostic.clone(),
            fingerprint: self.fingerprint.clone(),
        })
    }
}

impl Cache {
    /// An empty cache for `key`.
    pub fn new(key: &str) -> Cache {
        Cache {
            key: key.to_string(),
            ..Cache::default()
        }
    }

    /// Every file's entry, by [`path_key`]: decoded on first use. Entries that do not
    /// decode (which only this user's crosswire of this version could have written) are
    /// none.
    pub fn files(&self) -> &HashMap<String, Entry> {
        self.files.decoded.get_or_init(|| {
            self.files
                .encoded
                .get(self.files.at..)
                .filter(|bytes| !bytes.is_empty())
                .and_then(|bytes| postcard::from_bytes(bytes).ok())
                .unwrap_or_default()
        })
    }

    pub fn files_mut(&mut self) -> &mut HashMap<String, Entry> {
        self.files();
        self.files.encoded = Vec::new();
        self.files
            .decoded
            .get_mut()
            .expect("the entries were just decoded")
    }

    /// The cache at `path` if this user's crosswire wrote it for `key`; an empty one
    /// otherwise (a missing, stale, corrupt or forged file is not an error). A path that
    /// is not a regular file (a FIFO, a device, a folder) is.
    pub fn load(path: &Path, key: &str, secret: &Secret) -> Result<Loaded, String> {
        let empty = |note: Option<String>| Loaded {
            cache: Cache::new(key),
            note,
        };
        let bytes = match crate::safe_io::read_file(path, crate::safe_io::CACHE_READ_LIMIT) {
            Ok(bytes) => bytes,
            // `NotADirectory`: the single-file cache of an earlier crosswire where the
            // folder goes (replaced when the cache is saved).
            Err(crate::safe_io::ReadError::Io(error))
                if matches!(
                    error.kind(),
                    std::io::ErrorKind::NotFound | std::io::ErrorKind::NotADirectory
                ) =>
            {
                return Ok(empty(None));
            }
            Err(error @ crate::safe_io::ReadError::NotRegular(_)) => {
                return Err(format!("cannot use the cache {}: {error}", path.display()));
            }
            Err(error) => {
                return Ok(empty(Some(format!(
                    "the cache {} is ignored and rewritten: {error}",
                    path.display()
                ))));
            }
        };
        let Some(start) = authenticated(&bytes, secret) else {
            return Ok(empty(Some(format!(
                "the cache {} was not written by this user's crosswire (or was changed \
                 since); it is ignored and rewritten",
                path.display()
            ))));
        };
        match Cache::decode(bytes, start) {
            Some(cache) if cache.key == key => Ok(Loaded { cache, note: None }),
            _ => Ok(empty(None)),
        }
    }

    /// The cache whose payload starts at `start` of `bytes`, unauthenticated: only
    /// [`Cache::load`] (after the MAC) and tests call it. The entries are decoded when
    /// first asked for.
    pub fn decode(bytes: Vec<u8>, start: usize) -> Option<Cache> {
        let (head, rest) = postcard::take_from_bytes::<Head>(bytes.get(start..)?).ok()?;
        let at = bytes.len() - rest.len();
        Some(Cache {
            key: head.key,
            memo: head.memo,
            files: LazyFiles {
                decoded: std::sync::OnceLock::new(),
                encoded: bytes,
                at,
            },
        })
    }

    /// Forgets files below the folders `walked` that the walk did not see (`seen` holds
    /// [`path_key`]s): deleted,
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
        self.files_mut().retain(|path, _| {
            seen.contains(path.as_str()) || !below(path.trim_start_matches(ESCAPED_PATH))
        });
    }

    /// The payload of the cache file: the head, then the entries.
    pub fn encode(&self) -> Vec<u8> {
        let head = Head {
            key: self.key.clone(),
            memo: self.memo.clone(),
        };
        let mut payload = postcard::to_stdvec(&head).expect("a cache serializes");
        match self.files.decoded.get() {
            Some(files) => payload.extend(postcard::to_stdvec(files).expect("a cache serializes")),
            // Never decoded: the entries as they were read.
            None => payload
                .extend_from_slice(self.files.encoded.get(self.files.at..).unwrap_or_default()),
        }
        payload
    }

    /// Writes the cache with its MAC.
    pub fn save(&self, path: &Path, secret: &Secret) -> Result<(), crate::safe_io::WriteError> {
        let payload = self.encode();
        let mac = secret.mac(&payload);
        crate::safe_io::write_file_with(path, |out| {
            out.write_all(MAGIC)?;
            out.write_all(mac.to_hex().as_bytes())?;
            out.write_all(b"\n")?;
            out.write_all(&payload)
        })
    }
}

/// Where the payload of a cache file whose MAC `secret` confirms starts.
fn authenticated(bytes: &[u8], secret: &Secret) -> Option<usize> {
    let rest = bytes.strip_prefix(MAGIC)?;
    let newline = rest.iter().position(|byte| *byte == b'\n')?;
    let mac = blake3::Hash::from_hex(&rest[..newline]).ok()?;
    let start = MAGIC.len() + newline + 1;
    // `blake3::Hash`'s equality takes constant time.
    (secret.mac(&bytes[start..]) == mac).then_some(start)
}

/// The cache key: the version and the effective rule settings.
pub fn key(config_description: &str) -> String {
    let mut hasher = blake3::Hasher::new();
    hasher.update(env!("CARGO_PKG_VERSION").as_bytes());
    hasher.update(b"\0");
    // The shape of an entry's facts: entries of another shape are not read.
    hasher
        .update(b"module-graph-7-directives-3-frames-1-reach-2-auth-1-walk-1-stores-1-markup-1-wrappers-2-streams-1\0");
    hasher.update(config_description.as_bytes());
    hasher.finalize().to_hex().to_string()
}

/// A hash of a file's bytes that no one can make two contents share.
pub fn content_hash(bytes: &[u8]) -> String {
    blake3::hash(bytes).to_hex().to_string()
}

/// Starts the key of a path that is not plain UTF-8 text; no path holds a NUL.
const ESCAPED_PATH: char = '\0';

/// The key of a file's entry: its path relative to `cwd`, exactly. A path that is
/// valid UTF-8 (with no `\\`, which Windows reads as a separator and Unix does not) is its
/// own key, the same as it is shown; any other gets [`ESCAPED_PATH`] and its bytes, `%`
/// and invalid bytes written `%XX`. Either way, two different paths never share a key.
pub fn path_key(path: &Path, cwd: &Path) -> String {
    let relative = path.strip_prefix(cwd).unwrap_or(path);
    let relative = relative.strip_prefix(".").unwrap_or(relative);
    let bytes = relative.as_os_str().as_encoded_bytes();
    if bytes.is_empty() {
        return ".".to_string();
    }
    match std::str::from_utf8(bytes) {
        Ok(text) if cfg!(windows) => text.replace('\\', "/"),
        Ok(text) if !text.contains('\\') => text.to_string(),
        _ => {
            let mut key = String::from(ESCAPED_PATH);
            for chunk in bytes.utf8_chunks() {
                for character in chunk.valid().chars() {
                    if character == '%' {
                        key.push_str("%25");
                    } else {
                        key.push(character);
                    }
                }
                for byte in chunk.invalid() {
                    let _ = write!(key, "%{byte:02X}");
                }
            }
            key
        }
    }
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
            findings: result.findings.iter().map(CachedFinding::of).collect(),
            page: result.page.clone(),
            project: result.project.clone(),
            skipped_words: result.skipped_words,
            scripts_wait: result.scripts_wait,
            waiting_imports: result.waiting_imports.clone(),
        }
    }

    pub fn findings(&self) -> Vec<Finding> {
        self.findings
            .iter()
            .filter_map(CachedFinding::finding)
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
            skipped_words: None,
            scripts_wait: false,
            waiting_imports: Vec::new(),
        }
    }

    /// Entries with every kind of fact and finding: findings with labels in other files
    /// and fixes, page references, sockets, servers, directives, exports with constants
    /// and functions, demands.
    fn rich_entries() -> Vec<(String, Entry)> {
        use crate::source::{FileKind, Language};
        let engine = crate::lint::Engine::new(crate::config::Config::defaults(".".into()));
        let files: [(&str, &str, FileKind); 3] = [
            (
                "page.html",
                "<!-- crosswire-ignore-next-line postmessage-wildcard-origin -->\n\
                 <iframe id=\"f\" sandbox=\"allow-scripts\" src=\"child.html\"></iframe><script src=\"app.js\"></script>\n\
                 <script>top.postMessage(1, '*'); new Worker('w.js');</script>\n",
                FileKind::Html,
            ),
            (
                "app.js",
                "import { ORIGIN, check } from './config.js';\n\
                 export const TARGETS = { A: 'https://a.example', B: ['x', 'y'], N: 3 };\n\
                 export function send(w, m) { w.postMessage(m, '*'); }\n\
                 document.getElementById('f').contentWindow.postMessage(1, '*');\n\
                 const ws = new WebSocket('ws://example.com/feed');\n\
                 ws.onmessage = (e) => { document.body.innerHTML = e.data; };\n\
                 window.addEventListener('message', (e) => { if (check(e.origin)) eval(e.data); });\n\
                 // crosswire-ignore-next-line websocket-insecure-url\n\
                 new WebSocket(`ws://${location.host}/x`);\n",
                FileKind::Script(Language::JavaScript),
            ),
            (
                "server.ts",
                "import { WebSocketServer } from 'ws';\n\
                 const wss = new WebSocketServer({ port: 8080, path: '/feed' });\n\
                 wss.on('connection', (socket) => socket.on('message', (d) => socket.send(d)));\n",
                FileKind::Script(Language::TypeScript),
            ),
        ];
        files
            .into_iter()
            .map(|(path, text, kind)| {
                let result = engine.lint_bytes(path.into(), text.as_bytes().to_vec(), kind);
                let mut entry = Entry::from_result(&result, content_hash(text.as_bytes()));
                // What only the file's own pass reads is not kept.
                entry.page.comments.clear();
                entry.page.user_action_calls.clear();
                entry.page.other_handler_calls.clear();
                // The offset is only used before the line is known, and is not kept.
                for export in &mut entry.project.module.exports {
                    if let crate::modules::Export::Local { summary, .. } = export {
                        summary.offset = 0;
                    }
                }
                entry.stamp = Stamp {
                    size: text.len() as u64,
                    modified: Some((1_700_000_000, 123)),
                };
                (path.to_string(), entry)
            })
            .collect::<Vec<_>>()
    }

    /// The sandboxed frame's facts, which the binary format must carry too.
    #[test]
    fn rich_entries_hold_frame_facts() {
        let entries = rich_entries();
        assert!(
            entries
                .iter()
                .any(|(_, e)| !e.page.frame_elements.is_empty())
        );
        assert!(
            entries
                .iter()
                .any(|(_, e)| !e.project.framed_wildcards.is_empty())
        );
    }

    fn rich_cache() -> Cache {
        let mut cache = Cache::new("k");
        let entries = rich_entries();
        let mut findings = Vec::new();
        for (at, (_, entry)) in entries.iter().enumerate() {
            findings.push((at, entry.findings.clone()));
        }
        // A finding with everything a diagnostic can hold.
        let mut diagnostic = Diagnostic::new("message", 3..9)
            .with_span_label("here")
            .with_help("help");
        diagnostic
            .labels
            .push(crate::diagnostic::Label::new(1..2, "near"));
        diagnostic
            .labels
            .push(crate::diagnostic::Label::elsewhere("lib.js", 4, "there"));
        diagnostic.fixes.push(crate::diagnostic::Fix {
            title: "Use `wss://`".into(),
            edits: vec![(3..5, "wss".into())],
        });
        findings.push((
            0,
            vec![CachedFinding {
                rule: "websocket-insecure-url".into(),
                severity: Severity::Error,
                diagnostic,
                fingerprint: "f".into(),
            }],
        ));
        cache.memo = Some(Memo {
            run: "run".into(),
            files: entries
                .iter()
                .map(|(path, entry)| (path.clone(), entry.stamp))
                .collect(),
            config_reads: vec![
                ("tsconfig.json".into(), None),
                ("package.json".into(), Some(Stamp::default())),
            ],
            findings,
            skipped: vec![SkippedFile {
                key: "big.js".into(),
                stamp: Stamp::default(),
                notice: "skipped: too large".into(),
            }],
        });
        cache.files_mut().extend(entries);
        cache
    }

    #[test]
    fn every_kind_of_fact_survives_the_binary_format() {
        let cache = rich_cache();
        let files = cache.files();
        assert!(files.values().any(|entry| !entry.findings.is_empty()));
        assert!(files.values().any(|entry| !entry.page.is_empty()));
        assert!(
            files
                .values()
                .any(|entry| !entry.project.sockets.is_empty())
        );
        assert!(
            files
                .values()
                .any(|entry| !entry.project.servers.is_empty())
        );
        assert!(
            files
                .values()
                .any(|entry| !entry.project.directives.is_empty())
        );
        assert!(
            files
                .values()
                .any(|entry| !entry.project.module.exports.is_empty())
        );
        assert!(
            files
                .values()
                .any(|entry| !entry.project.demands.is_empty())
        );
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cache");
        let secret = Secret([7; KEY_BYTES]);
        cache.save(&path, &secret).unwrap();
        let loaded = Cache::load(&path, "k", &secret).unwrap();
        assert_eq!(loaded.note, None);
        assert_eq!(
            format!("{:?}", loaded.cache.memo),
            format!("{:?}", cache.memo)
        );
        let sorted = |cache: &Cache| {
            let mut entries: Vec<String> = cache
                .files()
                .iter()
                .map(|(path, entry)| format!("{path}: {entry:?}"))
                .collect();
            entries.sort();
            entries
        };
        assert_eq!(sorted(&loaded.cache), sorted(&cache));
        // Saved again without its entries ever decoded: the same bytes.
        loaded.cache.save(&path, &secret).unwrap();
        let again = std::fs::read(&path).unwrap();
        let reloaded = Cache::load(&path, "k", &secret).unwrap();
        assert_eq!(sorted(&reloaded.cache), sorted(&cache));
        cache.save(&path, &secret).unwrap();
        assert_eq!(std::fs::read(&path).unwrap().len(), again.len());
    }

    /// A cache cut short anywhere, with any byte changed, or sealed with another key, is
    /// an empty cache and a note: never a panic, never an entry.
    #[test]
    fn a_truncated_corrupt_or_forged_cache_is_ignored() {
        let cache = rich_cache();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cache");
        let secret = Secret([7; KEY_BYTES]);
        cache.save(&path, &secret).unwrap();
        let good = std::fs::read(&path).unwrap();
        let ignored = |bytes: &[u8]| {
            std::fs::write(&path, bytes).unwrap();
            let loaded = Cache::load(&path, "k", &secret).unwrap();
            loaded.cache.memo.is_none() && loaded.cache.files().is_empty()
        };
        let step = (good.len() / 97).max(1);
        for cut in (0..good.len()).step_by(step) {
            assert!(ignored(&good[..cut]), "cut at {cut}");
        }
        for at in (0..good.len()).step_by(step) {
            let mut changed = good.clone();
            changed[at] ^= 0x41;
            assert!(ignored(&changed), "byte {at} changed");
        }
        // Sealed with another key, or with none.
        cache.save(&path, &Secret([8; KEY_BYTES])).unwrap();
        assert!(ignored(&std::fs::read(&path).unwrap()));
        let payload = cache.encode();
        assert!(ignored(&payload));
        // The JSON cache of crosswire 2, MAC and all, is not read as this format.
        let mut old = b"crosswire-cache 2 ".to_vec();
        old.extend(secret.mac(b"{}").to_hex().as_bytes());
        old.extend(b"\n{}");
        assert!(ignored(&old));
    }

    /// A payload that authenticates but does not decode (which only a bug could write):
    /// lengths that claim gigabytes, garbage, a head without entries. Nothing is used and
    /// nothing panics or allocates what the lengths claim.
    #[test]
    fn an_authenticated_payload_that_does_not_decode_is_no_cache() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cache");
        let secret = Secret([7; KEY_BYTES]);
        let seal = |payload: &[u8]| {
            let mut bytes = MAGIC.to_vec();
            bytes.extend(secret.mac(payload).to_hex().as_bytes());
            bytes.push(b'\n');
            bytes.extend_from_slice(payload);
            std::fs::write(&path, bytes).unwrap();
            Cache::load(&path, "k", &secret).unwrap()
        };
        let head = postcard::to_stdvec(&Head {
            key: "k".into(),
            memo: None,
        })
        .unwrap();
        let huge_length = [0xff, 0xff, 0xff, 0xff, 0x0f];
        for entries in [
            &[][..],
            &huge_length[..],
            &[0x01, 0xff, 0xff, 0xff, 0xff, 0x0f][..],
            &[0x03, 0x00, 0x01, 0x02][..],
        ] {
            let mut payload = head.clone();
            payload.extend_from_slice(entries);
            let loaded = seal(&payload);
            assert!(loaded.cache.files().is_empty());
        }
        for payload in [&huge_length[..], b"\x01k\x01\xff\xff\xff\xff\x0f", b""] {
            let loaded = seal(payload);
            assert!(loaded.cache.memo.is_none() && loaded.cache.files().is_empty());
        }
        // Another key: nothing of it is used.
        let mut payload = postcard::to_stdvec(&Head {
            key: "other".into(),
            memo: Some(Memo::default()),
        })
        .unwrap();
        payload
            .extend(postcard::to_stdvec(&HashMap::from([("a.js".to_string(), entry())])).unwrap());
        let loaded = seal(&payload);
        assert!(loaded.cache.memo.is_none() && loaded.cache.files().is_empty());
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
            cache.files_mut().insert(path.to_string(), entry());
        }
        let seen: HashSet<&str> = ["src/kept.js"].into_iter().collect();
        cache.prune(&["src".to_string()], &seen);
        let mut left: Vec<&str> = cache.files().keys().map(String::as_str).collect();
        left.sort_unstable();
        // `src2/` is not below `src`; `lib/` was not walked.
        assert_eq!(left, ["lib/named.js", "src/kept.js", "src2/other.js"]);
        cache.prune(&[".".to_string()], &seen);
        assert_eq!(cache.files().len(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn path_keys_are_the_shown_path_for_text_and_never_shared() {
        use std::ffi::OsStr;
        use std::os::unix::ffi::OsStrExt;
        let cwd = Path::new("/work");
        let key = |bytes: &[u8]| path_key(&cwd.join(OsStr::from_bytes(bytes)), cwd);
        assert_eq!(key(b"src/app.js"), "src/app.js");
        assert_eq!(path_key(Path::new("./src/app.js"), cwd), "src/app.js");
        let names: [&[u8]; 7] = [
            b"a\xff.js",
            b"a\xfe.js",
            b"a%FF.js",
            b"a\\%FF.js",
            b"a\\%25FF.js",
            b"b\\c.js",
            b"b/c.js",
        ];
        let keys: HashSet<String> = names.iter().map(|name| key(name)).collect();
        assert_eq!(keys.len(), names.len(), "{keys:?}");
    }

    #[test]
    fn only_a_cache_sealed_with_the_same_secret_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cache");
        let mut cache = Cache::new("k");
        cache.files_mut().insert("a.js".to_string(), entry());
        cache.save(&path, &Secret([1; KEY_BYTES])).unwrap();
        let loaded = Cache::load(&path, "k", &Secret([1; KEY_BYTES])).unwrap();
        assert_eq!((loaded.cache.files().len(), loaded.note), (1, None));
        let loaded = Cache::load(&path, "k", &Secret([2; KEY_BYTES])).unwrap();
        assert!(loaded.cache.files().is_empty());
        assert!(loaded.note.is_some());
        // Another version or config: empty, quietly.
        let loaded = Cache::load(&path, "k2", &Secret([1; KEY_BYTES])).unwrap();
        assert_eq!((loaded.cache.files().len(), loaded.note), (0, None));
    }
}
