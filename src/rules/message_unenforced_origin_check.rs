//! An origin check whose result does not stop the data from being used.

use super::{
    MESSAGE_TRIGGERS, Rule, RuleContext, analysed_listeners, listener_diagnostic,
    origin_guard_example,
};
use crate::diagnostic::Diagnostic;
use crate::semantic::Guard;

pub const RULE: Rule = Rule {
    id: "message-unenforced-origin-check",
    doc_source: include_str!("../../rules/message-unenforced-origin-check.md"),
    triggers: MESSAGE_TRIGGERS,
    options: &[],
    check: Some(check),
    project: false,
};

fn check(context: &RuleContext, diagnostics: &mut Vec<Diagnostic>) {
    for (listener, handler) in analysed_listeners(context) {
        let Some(first_check) = handler.checks.iter().find(|check| !check.self_only) else {
            continue;
        };
        // Reported when no check stops anything: its failing branch does not leave the
        // handler and it guards no use of the data.
        if handler.checks.iter().any(|check| check.enforced) || !handler.effects {
            continue;
        }
        let Some(unguarded) = handler.uses.iter().find(|use_| use_.guard == Guard::None) else {
            continue;
        };
        let diagnostic = listener_diagnostic(
            context,
            listener,
            "this `message` handler checks the origin but uses the data even when the check \
             fails: the failing branch does not leave the handler",
            "listens for messages",
        )
        .with_label(first_check.span.clone(), "the origin is checked here…")
        .with_steps(first_check.helper.iter())
        .with_label(
            unguarded.span.clone(),
            "…but the data is used here whatever the result",
        )
        .with_help(format!(
            "leave the handler when the check fails, before the data is used: `{}` \
                 (logging is not enough) (CWE-346)",
            origin_guard_example(&handler.event_name)
        ));
        diagnostics.push(diagnostic);
    }
}
