//! A long-lived browser WebSocket whose close path never opens a new one.

use super::{KEEPALIVE_TRIGGERS, Rule, RuleContext, browser_sockets, managed_by_wrapper};
use crate::diagnostic::Diagnostic;

pub const RULE: Rule = Rule {
    id: "websocket-no-reconnect",
    doc_source: include_str!("../../rules/websocket-no-reconnect.md"),
    triggers: KEEPALIVE_TRIGGERS,
    options: &["wrappers"],
    check: Some(check),
    project: false,
};

fn check(context: &RuleContext, diagnostics: &mut Vec<Diagnostic>) {
    for socket in browser_sockets(context) {
        if !socket.long_lived
            || socket.reconnect.is_some()
            // Handed to code elsewhere, which may reconnect it.
            || socket.escapes
            || socket.close_handed_off
            // Opened and closed by the user, who reconnects by hand.
            || socket.manual
            || managed_by_wrapper(context, socket)
        {
            continue;
        }
        let mut diagnostic = Diagnostic::new(
            "this WebSocket is never reopened: when the network drops or the server restarts, \
             the connection stays dead until the page reloads",
            socket.construction.clone(),
        )
        .with_span_label("long-lived socket")
        .with_steps(&socket.elsewhere);
        if socket.close_handlers.is_empty() {
            diagnostic = diagnostic.with_help(
                "handle `close` and open a new socket after a delay that grows with each attempt, \
                 with jitter: `ws.onclose = () => setTimeout(connect, Math.min(30000, 1000 * 2 ** \
                 attempt++) * (0.5 + Math.random()))`, or use a client that reconnects \
                 (reconnecting-websocket, partysocket, socket.io-client)",
            );
        } else {
            for handler in &socket.close_handlers {
                diagnostic =
                    diagnostic.with_label(handler.clone(), "this handler does not reconnect");
            }
            diagnostic = diagnostic.with_help(
                "from the close handler, open a new socket after a growing, jittered delay: \
                 `setTimeout(connect, Math.min(30000, 1000 * 2 ** attempt++) * (0.5 + \
                 Math.random()))`",
            );
        }
        diagnostics.push(diagnostic);
    }
}
