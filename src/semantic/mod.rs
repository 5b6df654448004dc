//! The semantic pass: one walk over a file's tree that collects the facts every
//! rule reads. Rules never walk the tree themselves.

mod collect;
pub mod exports;

pub use collect::binding_contexts;
pub mod handlers;
mod hooks;
pub mod listeners;
pub mod scopes;
pub mod servers;
pub mod socket_reach;
pub mod socket_urls;
pub mod socket_uses;
pub mod sockets;
pub mod stores;
mod streams;
pub mod user_actions;
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
    /// What the file imports and exports (for the module graph).
    pub module: crate::modules::ModuleFacts,
    /// The names its sockets escape through, and what its timers and close handlers
    /// call by name (for the project pass).
    pub reach: socket_reach::Reach,
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
        self.module.specifiers.extend(other.module.specifiers);
        self.module.exports.extend(other.module.exports);
        self.module.partial |= other.module.partial;
        self.reach.exposed.extend(other.reach.exposed);
        self.reach.timer_uses.extend(other.reach.timer_uses);
        self.reach.close_uses.extend(other.reach.close_uses);
    }

    /// The innermost named function around each byte offset, for findings' fingerprints.
    pub fn function_index(&self) -> FunctionIndex<'_> {
        FunctionIndex::new(&self.function_names)
    }
}

/// Answers "which named function is innermost around this offset" in logarithmic time
/// (a file with tens of thousands of functions and findings asked it once per finding,
/// over every function). Functions' spans nest or are apart, as a tree's do; among equal
/// spans the first named wins.
pub struct FunctionIndex<'a> {
    /// By start, outer before inner, and among equal spans the first named last.
    functions: Vec<&'a (Range<usize>, String)>,
    /// For each function, the position in `functions` of the innermost one around it.
    parent: Vec<Option<usize>>,
}

impl<'a> FunctionIndex<'a> {
    pub fn new(function_names: &'a [(Range<usize>, String)]) -> FunctionIndex<'a> {
        let mut order: Vec<usize> = (0..function_names.len()).collect();
        order.sort_by(|&a, &b| {
            let (a_span, b_span) = (&function_names[a].0, &function_names[b].0);
            (
                a_span.start,
                std::cmp::Reverse(a_span.end),
                std::cmp::Reverse(a),
            )
                .cmp(&(
                    b_span.start,
                    std::cmp::Reverse(b_span.end),
                    std::cmp::Reverse(b),
                ))
        });
        let functions: Vec<&(Range<usize>, String)> =
            order.iter().map(|&index| &function_names[index]).collect();
        let mut parent = Vec::with_capacity(functions.len());
        let mut open: Vec<usize> = Vec::new();
        for (position, (span, _)) in functions.iter().map(|entry| (&entry.0, ())).enumerate() {
            while let Some(&top) = open.last() {
                let outer = &functions[top].0;
                if outer.start <= span.start && span.end <= outer.end {
                    break;
                }
                open.pop();
            }
            parent.push(open.last().copied());
            open.push(position);
        }
        FunctionIndex { functions, parent }
    }

    /// The name of the innermost named function around a byte offset.
    pub fn enclosing(&self, offset: usize) -> Option<&'a str> {
        let after = self
            .functions
            .partition_point(|(span, _)| span.start <= offset);
        let mut candidate = after.checked_sub(1);
        while let Some(position) = candidate {
            crate::deadline::tick();
            let (span, name) = self.functions[position];
            if offset < span.end {
                return Some(name.as_str());
            }
            candidate = self.parent[position];
        }
        None
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
    /// For `"*"` sent to a frame found by its `id` (`document.getElementById("x")
    /// .contentWindow`): that id, which the page's markup may show is a sandboxed frame
    /// (see `crate::project::sandboxed_frames`).
    pub frame_id: Option<String>,
}

/// Runs the semantic pass over a parsed script whose text `code` starts at byte `base`
/// of its file; `path` is the file's name as shown.
pub fn analyze(parsed: &ParsedScript, code: &str, base: usize, path: &str) -> FileFacts {
    analyze_in_page(parsed, code, base, path, MarkupCalls::default())
}

/// The functions a page's markup calls from event handler attributes.
#[derive(Debug, Clone, Copy, Default)]
pub struct MarkupCalls<'p> {
    /// On a user's action: `<button onclick="connect()">`, `@click="connect"`.
    pub on_user_action: &'p [String],
    /// On other events: `<body onload="connect()">`.
    pub otherwise: &'p [String],
}

/// [`analyze`] for a script of a page whose markup calls functions from event handler
/// attributes.
pub fn analyze_in_page(
    parsed: &ParsedScript,
    code: &str,
    base: usize,
    path: &str,
    markup_calls: MarkupCalls,
) -> FileFacts {
    let mut facts = collect::collect(parsed, path, markup_calls);
    facts.reach = socket_reach::collect(&parsed.program, code, base, &facts.sockets);
    facts
}

#[cfg(test)]
mod function_index_tests {
    use super::*;
    use proptest::prelude::*;

    /// Spans that nest or lie apart, as functions in a tree do, some of them equal.
    fn nested_spans() -> impl Strategy<Value = Vec<(Range<usize>, String)>> {
        proptest::collection::vec((0usize..40, 0usize..40, 0usize..6), 0..40).prop_map(|raw| {
            let mut spans: Vec<(Range<usize>, String)> = Vec::new();
            for (index, (a, b, parent_pick)) in raw.into_iter().enumerate() {
                let (start, end) = (a.min(b), a.max(b) + 1);
                // Keep the span only if it nests in or lies apart from every kept one.
                let fits = spans.iter().all(|(other, _)| {
                    end <= other.start
                        || other.end <= start
                        || (other.start <= start && end <= other.end)
                        || (start <= other.start && other.end <= end)
                });
                if fits {
                    spans.push((start..end, format!("f{index}")));
                    if parent_pick == 0 {
                        spans.push((start..end, format!("twin{index}")));
                    }
                }
            }
            spans
        })
    }

    proptest! {
        #[test]
        fn the_index_answers_as_a_search_of_every_function_does(spans in nested_spans()) {
            let index = FunctionIndex::new(&spans);
            for offset in 0..45 {
                let naive = spans
                    .iter()
                    .filter(|(span, _)| span.start <= offset && offset < span.end)
                    .min_by_key(|(span, _)| span.end - span.start)
                    .map(|(_, name)| name.as_str());
                prop_assert_eq!(index.enclosing(offset), naive, "offset {}", offset);
            }
        }
    }
}
