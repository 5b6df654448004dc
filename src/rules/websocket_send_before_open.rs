//! `send` on a socket that may still be connecting.

use super::{Rule, RuleContext, WEBSOCKET_TRIGGERS, browser_sockets};
use crate::diagnostic::Diagnostic;

pub const RULE: Rule = Rule {
    id: "websocket-send-before-open",
    doc_source: include_str!("../../rules/websocket-send-before-open.md"),
    triggers: WEBSOCKET_TRIGGERS,
    options: &[],
    check: Some(check),
    project: false,
};

fn check(context: &RuleContext, diagnostics: &mut Vec<Diagnostic>) {
    for socket in browser_sockets(context) {
        for send in &socket.early_sends {
            diagnostics.push(
                Diagnostic::new(
                    "`send` runs right after the socket is created, while it is still \
                     CONNECTING: the browser throws `InvalidStateError` and the message is lost",
                    send.clone(),
                )
                .with_span_label("sent before the socket is open")
                .with_label(socket.construction.clone(), "the socket is created here")
                .with_steps(&socket.elsewhere)
                .with_help(
                    "send from the `open` handler (`ws.onopen = () => ws.send(hello)`), or queue \
                     messages until `open` and send only when `ws.readyState === WebSocket.OPEN`",
                ),
            );
        }
    }
}
