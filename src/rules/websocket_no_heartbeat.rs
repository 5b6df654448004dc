//! A long-lived socket with no keep-alive and no liveness timeout.

use super::{KEEPALIVE_TRIGGERS, Rule, RuleContext, browser_sockets, managed_by_wrapper};
use crate::diagnostic::Diagnostic;

pub const RULE: Rule = Rule {
    id: "websocket-no-heartbeat",
    doc_source: include_str!("../../rules/websocket-no-heartbeat.md"),
    triggers: KEEPALIVE_TRIGGERS,
    options: &["wrappers"],
    check: Some(check),
    project: false,
};

fn check(context: &RuleContext, diagnostics: &mut Vec<Diagnostic>) {
    for socket in browser_sockets(context) {
        if !socket.long_lived
            || socket.heartbeat
            || socket.escapes
            // Opened and closed by the user, who reconnects by hand.
            || socket.manual
            || managed_by_wrapper(context, socket)
        {
            continue;
        }
        diagnostics.push(
            Diagnostic::new(
                "this WebSocket has no heartbeat: proxies and load balancers close idle \
                 connections, and a half-open socket looks alive while nothing arrives",
                socket.construction.clone(),
            )
            .with_span_label("long-lived socket without keep-alive")
            .with_steps(&socket.elsewhere)
            .with_help(
                "send a ping on an interval and close the socket when no message (or pong) \
                 arrives in time: `setInterval(() => ws.send('ping'), 25000)` plus a timeout \
                 reset in `onmessage` that calls `ws.close()` so the reconnect logic runs",
            ),
        );
    }
}
