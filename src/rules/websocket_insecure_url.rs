//! A clear-text `ws://` URL to a host that is not loopback.

use super::{Rule, RuleContext, WEBSOCKET_TRIGGERS};
use crate::diagnostic::Diagnostic;

pub const RULE: Rule = Rule {
    id: "websocket-insecure-url",
    doc_source: include_str!("../../rules/websocket-insecure-url.md"),
    triggers: WEBSOCKET_TRIGGERS,
    options: &[],
    check: Some(check),
    project: false,
};

fn check(context: &RuleContext, diagnostics: &mut Vec<Diagnostic>) {
    for socket in &context.facts.sockets {
        if socket.node_client {
            continue;
        }
        let Some(url) = &socket.insecure_url else {
            continue;
        };
        let secure = if url.scheme == "ws://" {
            "wss://"
        } else {
            "https://"
        };
        let mut diagnostic = Diagnostic::new(
            format!(
                "this socket connects over clear-text `{}` to `{}`: anyone on the network path \
                 can read and change every message, cookies and tokens included",
                url.scheme, url.host
            ),
            socket.construction.clone(),
        )
        .with_span_label("clear-text connection");
        for step in &url.trail {
            diagnostic = diagnostic.with_step(step);
        }
        diagnostic = diagnostic
            .with_label(url.literal.clone(), format!("`{}` here", url.scheme))
            .with_help(format!(
                "use `{secure}`, or follow the page's scheme: \
                 `${{location.protocol === \"https:\" ? \"wss:\" : \"ws:\"}}//${{location.host}}/path` \
                 (CWE-319)"
            ));
        diagnostics.push(diagnostic);
    }
}
