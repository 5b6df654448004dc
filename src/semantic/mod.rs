//! The semantic pass: one walk over a file's tree that collects the facts every
//! rule reads. Rules never walk the tree themselves.

mod collect;
pub mod values;

use std::ops::Range;

pub use values::{Target, WildcardOrigin, WindowKind};

use crate::parse::ParsedScript;

/// Everything the rules know about one file (or one script block of it).
#[derive(Debug, Default, Clone)]
pub struct FileFacts {
    pub post_messages: Vec<PostMessageCall>,
}

impl FileFacts {
    pub fn extend(&mut self, other: FileFacts) {
        self.post_messages.extend(other.post_messages);
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

/// Runs the semantic pass over a parsed script.
pub fn analyze(parsed: &ParsedScript) -> FileFacts {
    collect::collect(parsed)
}
