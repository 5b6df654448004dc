//! The semantic pass: one walk over a file's tree that collects the facts every
//! rule reads. Rules never walk the tree themselves.

pub mod cold;
mod collect;

pub use collect::{WalkReport, binding_contexts, collect_in_full};
pub mod handlers;
pub mod listeners;
pub mod scopes;
pub mod servers;
pub mod sockets;
pub mod values;

use std::ops::Range;

pub use handlers::{DataUse, Guard, HandlerFacts, OriginCheck, SinkFlow, Strength};
pub use listeners::{ListenerForm, MessageListener};
pub use values::{Target, WildcardOrigin, WindowKind};

use crate::parse::ParsedScript;

/// Everything the rules know about one file (or one script block of it).
#[derive(Debug, Default, Clone)]
pub struct FileFacts {
    pub post_messages: Vec<PostMessageCall>,
    /// Listeners for window messages (never workers, ports or channels).
    pub message_listeners: Vec<MessageListener>,
    /// The file posts to its own window, so some of its listeners hear itself.
    pub posts_to_own_window: bool,
    /// WebSocket clients and socket-library connections.
    pub sockets: Vec<sockets::SocketFact>,
    /// What the code loads, embeds, starts and opens (for the page map).
    pub page: crate::embedded::PageRefs,
    /// WebSocket servers and their origin checks.
    pub servers: Vec<servers::ServerFact>,
    /// Named functions and methods with their spans, for baseline fingerprints.
    pub function_names: Vec<(Range<usize>, String)>,
}

impl FileFacts {
    /// Adds the facts of another script block of the same file.
    pub fn extend(&mut self, other: FileFacts) {
        self.post_messages.extend(other.post_messages);
        self.message_listeners.extend(other.message_listeners);
        self.posts_to_own_window |= other.posts_to_own_window;
        self.sockets.extend(other.sockets);
        self.page.extend(other.page);
        self.servers.extend(other.servers);
        self.function_names.extend(other.function_names);
    }

    /// The name of the innermost named function around a byte offset.
    pub fn enclosing_function(&self, offset: usize) -> Option<&str> {
        self.function_names
            .iter()
            .filter(|(span, _)| span.start <= offset && offset < span.end)
            .min_by_key(|(span, _)| span.end - span.start)
            .map(|(_, name)| name.as_str())
    }
}

/// A call `receiver.postMessage(...)` or a bare `postMessage(...)`.
#[derive(Debug, Clone)]
pub struct PostMessageCall {
    /// The whole call.
    pub span: Range<usize>,
    /// `receiver.postMessage`, or `postMessage` when bare.
    pub callee_span: Range<usize>,
    /// The receiver expression, when there is one.
    pub receiver_span: Option<Range<usize>>,
    pub target: Target,
    pub argument_count: usize,
    /// The second argument, or the `targetOrigin` of an options object, when it may be `"*"`.
    pub wildcard_origin: Option<WildcardOrigin>,
    /// Whether the origin was given as `{ targetOrigin }` in an options object.
    pub origin_in_options: bool,
}

/// Runs the semantic pass over a parsed script whose text `code` starts at byte `base`
/// of its file; `path` is the file's name as shown.
pub fn analyze(parsed: &ParsedScript, code: &str, base: usize, path: &str) -> FileFacts {
    collect::collect(parsed, code, base, path).0
}

/// How the facts of [`analyze`], which passes over cold functions, differ from those of
/// one full walk, if they do: the check of `tests/cold_functions.rs` and
/// `examples/cold_check.rs`. Function names (for baseline fingerprints) may only lack
/// functions that nothing found is in.
pub fn skipping_differs(
    parsed: &ParsedScript,
    code: &str,
    base: usize,
    path: &str,
) -> (WalkReport, Option<String>) {
    let (mut skipping, report) = collect::collect(parsed, code, base, path);
    let mut full = collect_in_full(parsed, path);
    let names_of_skipping = std::mem::take(&mut skipping.function_names);
    let names_of_full = std::mem::take(&mut full.function_names);
    let (skipping, full) = (format!("{skipping:#?}"), format!("{full:#?}"));
    if skipping != full {
        let first = skipping
            .lines()
            .zip(full.lines())
            .position(|(a, b)| a != b)
            .unwrap_or(0);
        let context = |text: &str| {
            text.lines()
                .skip(first.saturating_sub(8))
                .take(16)
                .collect::<Vec<_>>()
                .join("\n")
        };
        return (
            report,
            Some(format!(
                "skipping:\n{}\nfull walk:\n{}",
                context(&skipping),
                context(&full)
            )),
        );
    }
    let missing: Vec<&(Range<usize>, String)> = names_of_skipping
        .iter()
        .filter(|name| !names_of_full.contains(name))
        .collect();
    if !missing.is_empty() {
        return (
            report,
            Some(format!("function names not in the full walk: {missing:?}")),
        );
    }
    (report, None)
}

/// [`analyze`], with how the pass walked the file (for tests and `examples/cold_check.rs`).
pub fn analyze_reporting(
    parsed: &ParsedScript,
    code: &str,
    base: usize,
    path: &str,
) -> (FileFacts, WalkReport) {
    collect::collect(parsed, code, base, path)
}
