//! Stack room for code nested to any depth.
//!
//! swc's parser recurses once per level of nesting in the source, crosswire's walks recurse
//! once per level of the tree, and so does dropping a tree. A stack overflow aborts the whole
//! process, so none of them may run out. Measured with `examples/stack_cost.rs` (20,000 to
//! 50,000 levels of each form): in a release build the parser takes up to 3.3 KB per level
//! (arrow functions and parentheses; 2.1 KB for arrays, 0.4 KB for `!`), in a test build up to
//! 28 KB (nested function expressions); dropping a tree or resolving its scopes (swc's
//! resolver, for TypeScript) takes at most 160 B per level, an empty walk 64 B.
//!
//! - The work on one script runs with [`PARSE_ROOM`] bytes of stack for the parser and the
//!   walks. They check the stack as they go (the parser before every token, see
//!   [`tokens::RoomChecked`]; the walks at every node that can nest, see
//!   [`guard_nesting!`]) and stop with a [`TooDeep`] unwind when the room is used up: about
//!   10,000 levels of the costliest nesting, far deeper than real code: the benchmark
//!   corpus (442 scripts, bundles among them) gives the same findings even in a test build,
//!   whose room holds only about 1,700 levels of parentheses.
//! - Beneath that room, enough stack is kept for what checks nothing: dropping a tree, and
//!   swc's resolver. Nesting the parser recurses on is bounded by the parse room, and costs
//!   them a tenth of what it costs the parser ([`RECURSIVE_NESTING_KEEP`]). Chains the parser
//!   builds in a loop (`a.b.c`, `1+1+1`, `f()()`, `x!!!` in TypeScript) are bounded only by
//!   the source: at most one level per byte, at most 97 B of drop per byte measured, so
//!   [`DROP_BYTES_PER_SOURCE_BYTE`] per byte. Partly built trees are dropped there too when
//!   the parser stops.
//! - A pool thread's own stack ([`WORKER_STACK_BYTES`]) holds both for scripts up to about
//!   180 KB; a larger script gets a stack segment of its own ([`stacker::grow`]) for its
//!   work, sized from its length. Memory is only touched as deep as the code really nests.

mod tokens;

pub use tokens::RoomChecked;

use std::cell::Cell;

/// Stack the parser and the walks of one script may use before they stop.
pub const PARSE_ROOM: usize = 32 * 1024 * 1024;

/// Stack kept for dropping a tree (or resolving its scopes), per byte of the script it was
/// parsed from: chains built without recursion are at most a level per byte.
pub const DROP_BYTES_PER_SOURCE_BYTE: usize = 128;

/// Stack kept for dropping (or resolving) the nesting the parser recursed on, which the parse
/// room bounds: those cost a tenth of the parser's stack or less.
pub const RECURSIVE_NESTING_KEEP: usize = PARSE_ROOM / 4;

/// Stack for what runs around the work on a script: the pipeline's own frames, the
/// unwinding machinery, and the reporting of the result.
const SLACK: usize = 1024 * 1024;

/// Each pool thread's stack: the parse room and the drop room of a script of about 180 KB.
pub const WORKER_STACK_BYTES: usize = 64 * 1024 * 1024;

/// The payload of the unwind that stops a parse or walk whose stack room is used up;
/// `at` is the byte offset (swc position) of the token the parser was about to read.
#[derive(Debug)]
pub struct TooDeep {
    pub at: Option<swc_common::BytePos>,
}

thread_local! {
    /// The parse and walks stop when the stack reaches below this address; 0 outside
    /// [`with_room`]. An address, not an amount remaining, so that a check is one compare
    /// with a local's address (stacks grow down on every target crosswire builds for).
    static FLOOR: Cell<usize> = const { Cell::new(0) };
}

/// Runs `f`, the work on a script of `source_bytes` bytes, with [`PARSE_ROOM`] for the
/// parser and walks and, beneath it, room to drop its tree; on a segment of its own when
/// this thread's stack is too small for both.
pub fn with_room<R>(source_bytes: usize, f: impl FnOnce() -> R) -> R {
    let keep = DROP_BYTES_PER_SOURCE_BYTE
        .saturating_mul(source_bytes)
        .saturating_add(RECURSIVE_NESTING_KEEP + SLACK);
    let needed = keep.saturating_add(PARSE_ROOM);
    let run = || {
        let remaining = stacker::remaining_stack().unwrap_or(usize::MAX);
        let room = remaining.saturating_sub(keep).min(PARSE_ROOM);
        let _floor = Floor(FLOOR.replace(stack_address().saturating_sub(room)));
        f()
    };
    match stacker::remaining_stack() {
        Some(remaining) if remaining >= needed => run(),
        _ => stacker::grow(needed, run),
    }
}

/// Restores the floor that was in force before [`with_room`].
struct Floor(usize);

impl Drop for Floor {
    fn drop(&mut self) {
        FLOOR.set(self.0);
    }
}

/// Whether less stack remains than the work on this script may go down to.
#[inline]
fn out_of_room() -> bool {
    stack_address() < FLOOR.get()
}

/// About where the stack is now: the address of a local.
#[inline(always)]
fn stack_address() -> usize {
    let marker = 0u8;
    std::hint::black_box(&marker) as *const u8 as usize
}

/// Stops the walk (a [`TooDeep`] unwind, which the per-script guard in `lint/mod.rs` turns
/// into a finding) when its stack room is used up. Recursive code calls it once per level.
#[inline]
pub fn ensure_room() {
    if out_of_room() {
        std::panic::resume_unwind(Box::new(TooDeep { at: None }));
    }
}

/// [`ensure_room`] for the parser, naming the token it was about to read.
#[inline]
fn checked_token(
    token: swc_ecma_parser::unstable::TokenAndSpan,
) -> swc_ecma_parser::unstable::TokenAndSpan {
    if out_of_room() {
        std::panic::resume_unwind(Box::new(TooDeep {
            at: Some(token.span.lo),
        }));
    }
    token
}

/// Inside an `impl Visit for …`: visits of the nodes through which a tree nests, each
/// checking the stack ([`ensure_room`]) before going down. Name the node kinds the visitor
/// does not handle itself; a visitor that overrides one of them calls [`ensure_room`] there.
#[macro_export]
macro_rules! guard_nesting {
    // Before the arm below, which an empty list would match too.
    () => {
        $crate::guard_nesting!(visit_expr: swc_ecma_ast::Expr);
        $crate::guard_nesting!(except visit_expr);
    };
    // For the visitors that look at every expression themselves.
    (except visit_expr) => {
        $crate::guard_nesting!(
            visit_stmt: swc_ecma_ast::Stmt,
            visit_pat: swc_ecma_ast::Pat,
            visit_ts_type: swc_ecma_ast::TsType,
            visit_jsx_element: swc_ecma_ast::JSXElement,
            visit_jsx_object: swc_ecma_ast::JSXObject,
            visit_ts_entity_name: swc_ecma_ast::TsEntityName,
            visit_ts_namespace_body: swc_ecma_ast::TsNamespaceBody,
        );
    };
    ($($method:ident: $node:ty),+ $(,)?) => {
        $(
            fn $method(&mut self, node: &$node) {
                $crate::stack::ensure_room();
                swc_ecma_visit::VisitWith::visit_children_with(node, self);
            }
        )+
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    fn recurse(levels: usize) -> usize {
        ensure_room();
        let padding = std::hint::black_box([0u8; 512]);
        if levels == 0 {
            padding[0] as usize
        } else {
            recurse(levels - 1) + padding[1] as usize
        }
    }

    #[test]
    fn recursion_past_the_room_unwinds_with_too_deep_and_the_floor_is_restored() {
        let outcome = std::panic::catch_unwind(|| with_room(10, || recurse(10_000_000)));
        let payload = outcome.expect_err("ten million levels do not fit in the room");
        assert!(payload.downcast_ref::<TooDeep>().is_some());
        assert_eq!(FLOOR.get(), 0);
        // Shallow recursion is untouched, whether or not the room needs a segment.
        assert_eq!(with_room(10, || recurse(1_000)), 0);
        assert_eq!(with_room(10_000_000, || recurse(1_000)), 0);
    }

    #[test]
    fn without_a_room_nothing_is_checked() {
        assert_eq!(recurse(10), 0);
    }
}
