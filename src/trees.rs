//! Trees the first pass parsed and kept for the link pass, so that no file is parsed
//! twice: a file whose findings may change with the answers to its imports, or whose
//! exports were left for the link to summarise (see `crate::modules::ModuleFacts::partial`),
//! is walked again from the tree it was parsed into.
//!
//! A tree takes about 15 times its source, so the store holds at most [`KEEP_BYTES`] of
//! source; a file past that is parsed again if the link needs it (`--stats` counts them).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use swc_common::Globals;

use crate::parse::{ParsedScript, SyntaxError};

/// How much source the kept trees may come from: their trees take about 240 MB.
pub const KEEP_BYTES: usize = 16 * 1024 * 1024;

/// One file's trees, as its pass left them.
pub struct KeptTree {
    /// The bytes the trees were parsed from: a walk again reads these, not the file,
    /// which may have changed since.
    pub bytes: Vec<u8>,
    /// swc's marks for the trees (TypeScript's scopes are resolved into them).
    pub globals: Globals,
    /// One per script block of the file, in order: its tree, or why it has none.
    pub scripts: Vec<Result<ParsedScript, SyntaxError>>,
    /// The size of the source, for the stack room its trees need when dropped.
    source_len: usize,
    /// The summaries of its functions the last analysis made, for the next.
    pub summaries: crate::modules::env::SummaryMemo,
}

impl KeptTree {
    pub fn new(
        bytes: Vec<u8>,
        globals: Globals,
        scripts: Vec<Result<ParsedScript, SyntaxError>>,
        summaries: crate::modules::env::SummaryMemo,
    ) -> KeptTree {
        KeptTree {
            source_len: bytes.len(),
            bytes,
            globals,
            scripts,
            summaries,
        }
    }
}

impl Drop for KeptTree {
    fn drop(&mut self) {
        drop_in_room(std::mem::take(&mut self.scripts), self.source_len);
    }
}

/// Drops trees parsed from `source_len` bytes with the stack room their parse had:
/// dropping a deep tree recurses.
pub fn drop_in_room(scripts: Vec<Result<ParsedScript, SyntaxError>>, source_len: usize) {
    if scripts.iter().any(Result::is_ok) {
        crate::stack::with_room(source_len, move || drop(scripts));
    }
}

/// The kept trees of a run, by the file's path as discovered.
pub struct KeptTrees {
    inner: Mutex<Store>,
    /// At most this much source (see [`KEEP_BYTES`]).
    pub limit: usize,
}

impl Default for KeptTrees {
    fn default() -> KeptTrees {
        KeptTrees {
            inner: Mutex::default(),
            limit: KEEP_BYTES,
        }
    }
}

#[derive(Default)]
struct Store {
    trees: HashMap<PathBuf, KeptTree>,
    bytes: usize,
}

impl KeptTrees {
    /// Keeps `tree` for `path` if the store has room, and says whether it did; a tree
    /// it has no room for is dropped (the link parses that file again if it must).
    pub fn keep(&self, path: PathBuf, tree: KeptTree) -> bool {
        let mut store = self.lock();
        let bytes = tree.bytes.len();
        if store.bytes.saturating_add(bytes) > self.limit {
            drop(store);
            drop(tree);
            return false;
        }
        store.bytes += bytes;
        if let Some(old) = store.trees.insert(path, tree) {
            store.bytes -= old.bytes.len();
        }
        true
    }

    /// Takes the tree kept for `path`, if there is one.
    pub fn take(&self, path: &Path) -> Option<KeptTree> {
        let mut store = self.lock();
        let tree = store.trees.remove(path)?;
        store.bytes -= tree.bytes.len();
        Some(tree)
    }

    /// Everything kept, to be dropped (on the pool: a run keeps many trees).
    pub fn take_all(&self) -> Vec<KeptTree> {
        let mut store = self.lock();
        store.bytes = 0;
        store.trees.drain().map(|(_, tree)| tree).collect()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Store> {
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}
