//! A window `message` handler that uses the data and never checks the origin.

use super::{
    MESSAGE_TRIGGERS, Rule, RuleContext, analysed_listeners, listener_diagnostic,
    origin_guard_example,
};
use crate::diagnostic::Diagnostic;
use crate::semantic::listeners::ListenerForm;

pub const RULE: Rule = Rule {
    id: "message-missing-origin-check",
    doc_source: include_str!("../../rules/message-missing-origin-check.md"),
    triggers: MESSAGE_TRIGGERS,
    options: &[],
    check: Some(check),
    project: false,
};

fn check(context: &RuleContext, diagnostics: &mut Vec<Diagnostic>) {
    for (listener, handler) in analysed_listeners(context) {
        let Some(first_read) = handler.data_reads.first() else {
            continue;
        };
        // Skipping this window's own posts (`if (e.source === window) return;`) checks
        // no other sender, and leaving on a comparison that is never true
        // (`if (!e.origin === X) return;`) compares no origin. A branch on such a
        // comparison that only warns is an unenforced check, reported as one.
        if handler.checks.iter().any(|check| {
            (!check.self_only || check.enforced) && !(check.never_rejects && check.enforced)
        }) {
            continue;
        }
        // Testing the data and logging, or naming it and doing nothing, acts on nothing.
        if !handler.effects {
            continue;
        }
        // A scheduler (setImmediate shims) posts to its own window and only compares the
        // data with its own tokens to pick a callback: nothing an attacker sends is used.
        if context.facts.posts_to_own_window && handler.uses.is_empty() {
            continue;
        }
        let mut diagnostic = listener_diagnostic(
            context,
            listener,
            "this `message` handler uses the message data without checking its origin, so any \
             site that can reach this window (by framing it, opening it or being opened by it) \
             controls what it does",
            "listens for messages from any origin",
        );
        diagnostic = diagnostic.with_label(first_read.clone(), "uses data from any sender");
        if let Some(origin) = handler.origin_reads.first() {
            diagnostic =
                diagnostic.with_label(origin.clone(), "the origin is read but never compared");
        }
        diagnostic = diagnostic.with_steps(&handler.unchecking_helpers);
        diagnostic = diagnostic.with_help(if listener.form == ListenerForm::Observable {
            format!(
                "filter the stream on the sender's origin before anything takes the data: \
                 `filter(({event}) => {event}.origin === \"https://trusted.example.com\")` \
                 (CWE-346)",
                event = stream_event_name(&handler.event_name)
            )
        } else {
            format!(
                "start the handler with a guard that compares the sender's origin with the \
                 exact origin you expect: `{}` (CWE-346)",
                origin_guard_example(&handler.event_name)
            )
        });
        diagnostics.push(diagnostic);
    }
}

/// The name a stream's first function gives the event, for the `filter` example; a
/// destructured one becomes `event`.
fn stream_event_name(name: &str) -> &str {
    if name.starts_with('{') { "event" } else { name }
}
