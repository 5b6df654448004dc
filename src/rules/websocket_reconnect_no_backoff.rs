//! Reconnecting at once or after a fixed delay, forever.

use super::{Rule, RuleContext, WEBSOCKET_TRIGGERS, browser_sockets};
use crate::diagnostic::Diagnostic;
use crate::semantic::sockets::Delay;

pub const RULE: Rule = Rule {
    id: "websocket-reconnect-no-backoff",
    doc_source: include_str!("../../rules/websocket-reconnect-no-backoff.md"),
    triggers: WEBSOCKET_TRIGGERS,
    options: &[],
    check: Some(check),
    project: false,
};

fn check(context: &RuleContext, diagnostics: &mut Vec<Diagnostic>) {
    for socket in browser_sockets(context) {
        let Some(reconnect) = &socket.reconnect else {
            continue;
        };
        if reconnect.capped || !matches!(reconnect.delay, Delay::Immediate | Delay::Fixed) {
            continue;
        }
        let how = if reconnect.delay == Delay::Immediate {
            "at once"
        } else {
            "after the same delay every time"
        };
        let mut diagnostic = Diagnostic::new(
            format!(
                "this socket reconnects {how} and never gives up: when the server restarts, every \
                 client retries in lockstep and the herd keeps it down"
            ),
            reconnect.call.clone(),
        )
        .with_span_label("reconnects here")
        .with_label(socket.construction.clone(), "the socket");
        if let Some(delay) = &reconnect.delay_span {
            diagnostic = diagnostic.with_label(delay.clone(), "fixed delay, no jitter");
        }
        diagnostic = diagnostic
            .with_steps(&reconnect.elsewhere)
            .with_steps(&socket.elsewhere);
        diagnostic = diagnostic.with_help(
            "grow the delay with each attempt, cap it, and add jitter: \
             `const delay = Math.min(30000, 1000 * 2 ** attempt) * (0.5 + Math.random())`; \
             reset `attempt` on open, and stop after a maximum number of attempts",
        );
        diagnostics.push(diagnostic);
    }
}
