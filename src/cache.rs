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
//! - The cache file is `crosswire-cache 2 <MAC>\n<JSON>`, the MAC being BLAKE3 keyed with a
//!   32-byte secret over the JSON. A file whose MAC does not match is ignored (with a note
//!   unless `-q`) and rewritten. BLAKE3's keyed mode is a MAC, and the comparison of
//!   `blake3::Hash` values takes constant time.
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
const MAGIC: &[u8] = b"crosswire-cache 2 ";
const KEY_FILE_NAME: &str = "cache-key";
const KEY_BYTES: usize = 32;

/// The secret that authenticates caches written by this user's crosswire.
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

    fn mac(&self, json: &[u8]) -> blake3::Hash {
        blake3::keyed_hash(&self.0, json)
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

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Cache {
    /// crosswire's version and the effective config; a mismatch empties the cache.
    pub key: String,
    pub files: HashMap<String, Entry>,
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
    /// The cache at `path` if this user's crosswire wrote it for `key`; an empty one
    /// otherwise (a missing, stale, corrupt or forged file is not an error). A path that
    /// is not a regular file (a FIFO, a device, a folder) is.
    pub fn load(path: &Path, key: &str, secret: &Secret) -> Result<Loaded, String> {
        let empty = |note: Option<String>| Loaded {
            cache: Cache {
                key: key.to_string(),
                files: HashMap::new(),
            },
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
        let Some(json) = authenticated(&bytes, secret) else {
            return Ok(empty(Some(format!(
                "the cache {} was not written by this user's crosswire (or was changed \
                 since); it is ignored and rewritten",
                path.display()
            ))));
        };
        match serde_json::from_slice::<Cache>(json) {
            Ok(cache) if cache.key == key => Ok(Loaded { cache, note: None }),
            _ => Ok(empty(None)),
        }
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
        self.files.retain(|path, _| {
            seen.contains(path.as_str()) || !below(path.trim_start_matches(ESCAPED_PATH))
        });
    }

    /// Writes the cache with its MAC.
    pub fn save(&self, path: &Path, secret: &Secret) -> Result<(), crate::safe_io::WriteError> {
        let json = serde_json::to_vec(self).expect("a cache serializes");
        let mac = secret.mac(&json);
        crate::safe_io::write_file_with(path, |out| {
            out.write_all(MAGIC)?;
            out.write_all(mac.to_hex().as_bytes())?;
            out.write_all(b"\n")?;
            out.write_all(&json)
        })
    }
}

/// The JSON of a cache file whose MAC `secret` confirms.
fn authenticated<'a>(bytes: &'a [u8], secret: &Secret) -> Option<&'a [u8]> {
    let rest = bytes.strip_prefix(MAGIC)?;
    let newline = rest.iter().position(|byte| *byte == b'\n')?;
    let mac = blake3::Hash::from_hex(&rest[..newline]).ok()?;
    let json = &rest[newline + 1..];
    // `blake3::Hash`'s equality takes constant time.
    (secret.mac(json) == mac).then_some(json)
}

/// The cache key: the version and the effective rule settings.
pub fn key(config_description: &str) -> String {
    let mut hasher = blake3::Hasher::new();
    hasher.update(env!("CARGO_PKG_VERSION").as_bytes());
    hasher.update(b"\0");
    // The shape of an entry's facts: entries of another shape are not read.
    hasher.update(b"module-graph-4-directives-3-frames-1-reach-1\0");
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
        let mut cache = Cache {
            key: "k".to_string(),
            files: HashMap::new(),
        };
        cache.files.insert("a.js".to_string(), entry());
        cache.save(&path, &Secret([1; KEY_BYTES])).unwrap();
        let loaded = Cache::load(&path, "k", &Secret([1; KEY_BYTES])).unwrap();
        assert_eq!((loaded.cache.files.len(), loaded.note), (1, None));
        let loaded = Cache::load(&path, "k", &Secret([2; KEY_BYTES])).unwrap();
        assert!(loaded.cache.files.is_empty());
        assert!(loaded.note.is_some());
        // The JSON of an older crosswire, with no MAC at all.
        std::fs::write(&path, serde_json::to_vec(&cache).unwrap()).unwrap();
        let loaded = Cache::load(&path, "k", &Secret([1; KEY_BYTES])).unwrap();
        assert!(loaded.cache.files.is_empty());
    }
}
