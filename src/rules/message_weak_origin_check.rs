//! An origin check that an attacker's origin can pass.

use super::{
    MESSAGE_TRIGGERS, Rule, RuleContext, analysed_listeners, listener_diagnostic,
    origin_guard_example,
};
use crate::diagnostic::Diagnostic;
use crate::semantic::{Guard, Strength};

pub const RULE: Rule = Rule {
    id: "message-weak-origin-check",
    doc_source: include_str!("../../rules/message-weak-origin-check.md"),
    triggers: MESSAGE_TRIGGERS,
    options: &[],
    check: Some(check),
    project: false,
};

fn check(context: &RuleContext, diagnostics: &mut Vec<Diagnostic>) {
    for (listener, handler) in analysed_listeners(context) {
        // A weak check matters where something relies on it alone; one that sits beside a
        // strong check guarding the same code (`origin` and `source` both compared) does not.
        let relied_on = handler
            .uses
            .iter()
            .map(|use_| use_.guard)
            .chain(handler.sinks.iter().map(|sink| sink.guard))
            .any(|guard| matches!(guard, Guard::Weak(_)));
        let nothing_guarded = handler.uses.is_empty() && handler.sinks.is_empty();
        let has_strong = handler
            .checks
            .iter()
            .any(|c| c.strength == Strength::Strong);
        if !relied_on && (!nothing_guarded || has_strong) {
            continue;
        }
        let has = |wanted: &Strength| handler.checks.iter().any(|c| &c.strength == wanted);
        let hostname_alone = has(&Strength::HostnameOnly) && !has(&Strength::ProtocolOnly);
        // `!e.origin === X` compares no origin: message-missing-origin-check (or, when it
        // only warns, message-unenforced-origin-check) reports it.
        for check in handler.checks.iter().filter(|check| !check.never_rejects) {
            let (reason, passing) = match &check.strength {
                Strength::Weak {
                    reason,
                    passing_origin,
                } => (reason.clone(), passing_origin.clone()),
                Strength::HostnameOnly if hostname_alone => (
                    "only the hostname is compared, so plain `http://` and any port pass".into(),
                    None,
                ),
                _ => continue,
            };
            let passes = passing
                .map(|origin| format!(": a message from `{origin}` would pass"))
                .unwrap_or_default();
            let diagnostic = listener_diagnostic(
                context,
                listener,
                format!("this `message` handler checks the origin weakly: {reason}{passes}"),
                "listens for messages",
            )
            .with_label(check.span.clone(), "weak origin check")
            .with_steps(check.helper.iter())
            .with_help(format!(
                "compare the whole origin for equality with the origins you trust: `{}`, \
                     or `ALLOWED_ORIGINS.includes(origin)` with full origins (CWE-346, CWE-20)",
                origin_guard_example(&handler.event_name)
            ));
            diagnostics.push(diagnostic);
        }
    }
}
