//! Message data flowing into an HTML, script or URL sink without a strong origin check.

use super::{MESSAGE_TRIGGERS, Rule, RuleContext, analysed_listeners, first_line};
use crate::diagnostic::Diagnostic;
use crate::semantic::Guard;

pub const RULE: Rule = Rule {
    id: "message-data-to-sink",
    doc_source: include_str!("../../rules/message-data-to-sink.md"),
    triggers: MESSAGE_TRIGGERS,
    options: &[],
    check: Some(check),
    project: false,
};

fn check(context: &RuleContext, diagnostics: &mut Vec<Diagnostic>) {
    for (listener, handler) in analysed_listeners(context) {
        for sink in &handler.sinks {
            let state = match sink.guard {
                Guard::Strong => continue,
                Guard::Weak(_) => "whose origin check an attacker can pass",
                Guard::None if handler.checks.is_empty() => "that never checks the origin",
                Guard::None => "whose origin check does not stop it",
            };
            let mut diagnostic = Diagnostic::new(
                format!(
                    "message data reaches `{}` in a handler {state}: any site that can message \
                     this window controls what is written there",
                    sink.sink_name
                ),
                sink.sink.clone(),
            )
            .with_span_label(format!("`{}` receives message data", sink.sink_name))
            .with_label(sink.source.clone(), "message data from any sender");
            for step in &sink.path {
                diagnostic = diagnostic.with_step(step);
            }
            // The helpers it trusted that check nothing: evidence in their own files, so
            // a change to one of them brings this finding into `--changed-since`.
            if sink.guard == Guard::None {
                diagnostic = diagnostic.with_steps(&handler.unchecking_helpers);
            }
            diagnostic =
                diagnostic.with_label(listener.registration.clone(), "listener registered here");
            if let Some(handler_span) = &listener.handler_span {
                diagnostic =
                    diagnostic.with_label(first_line(context.text, handler_span), "handler");
            }
            diagnostic = diagnostic.with_help(
                "check `event.origin` against the exact origin you expect and return early \
                 otherwise; then keep message data out of HTML, script and URL sinks: use \
                 `textContent`, and allowlist URLs (CWE-79, CWE-346)",
            );
            diagnostics.push(diagnostic);
        }
    }
}
