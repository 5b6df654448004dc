//! A WebSocket server that accepts upgrades from any origin.

use super::{Rule, RuleContext};
use crate::diagnostic::Diagnostic;
use crate::prefilter::Trigger;
use crate::semantic::Strength;
use crate::semantic::servers::ServerKind;

pub const RULE: Rule = Rule {
    id: "websocket-server-no-origin-check",
    doc_source: include_str!("../../rules/websocket-server-no-origin-check.md"),
    triggers: &[
        Trigger::word("WebSocketServer"),
        Trigger::word("'ws'"),
        Trigger::word("\"ws\""),
        Trigger::word("socket.io"),
        Trigger::word("engine.io"),
        Trigger::word("express-ws"),
        Trigger::word("@fastify/websocket"),
        Trigger::word("upgradeWebSocket"),
        Trigger::word("Bun.serve"),
        Trigger::word("handleUpgrade"),
        Trigger::word(".ws("),
        // The `websocket` package, faye-websocket, Nest's gateways and GraphQL
        // subscription servers.
        Trigger::word("\"websocket\""),
        Trigger::word("'websocket'"),
        Trigger::word("faye-websocket"),
        Trigger::word("@nestjs/websockets"),
        Trigger::word("graphql-ws"),
        Trigger::word("subscriptions-transport-ws"),
        Trigger::word("GraphQLModule"),
    ],
    options: &[],
    check: Some(check),
    project: false,
};

fn check(context: &RuleContext, diagnostics: &mut Vec<Diagnostic>) {
    if is_emscripten_runtime(context.text) {
        return;
    }
    for server in &context.facts.servers {
        // `autoAcceptConnections: true` accepts before any check or token can refuse.
        if !server.accepts_all
            && (server.has_strong_check() || (server.check_elsewhere && server.checks.is_empty()))
        {
            continue;
        }
        let weak = server
            .checks
            .iter()
            .find_map(|check| match &check.strength {
                Strength::Weak {
                    reason,
                    passing_origin,
                } => Some((check, reason, passing_origin)),
                _ => None,
            })
            .filter(|_| !server.accepts_all);
        if weak.is_none() && server.authenticated && !server.accepts_all {
            continue;
        }
        let cors_note = if server.kind.is_socket_io() && server.has_cors {
            " (the `cors` option does not help: engine.io only sets response headers with it \
             and still accepts WebSocket upgrades from any origin)"
        } else {
            ""
        };
        let mut diagnostic = match weak {
            Some((check, reason, passing)) => {
                let passes = passing
                    .as_ref()
                    .map(|origin| format!(": a page on `{origin}` would pass"))
                    .unwrap_or_default();
                Diagnostic::new(
                    format!(
                        "this {} server checks the Origin weakly: {reason}{passes}",
                        server.kind.name()
                    ),
                    server.construction.clone(),
                )
                .with_label(check.span.clone(), "weak origin check")
            }
            None if server.accepts_all => Diagnostic::new(
                format!(
                    "this {} server accepts every connection (`autoAcceptConnections: true`), \
                     from any origin: a page on any site can open one with the user's cookies \
                     and act as the user (cross-site WebSocket hijacking)",
                    server.kind.name()
                ),
                server.construction.clone(),
            ),
            None => Diagnostic::new(
                format!(
                    "this {} server accepts WebSocket connections from any origin: a page on any \
                     site can open one with the user's cookies and act as the user (cross-site \
                     WebSocket hijacking){cors_note}",
                    server.kind.name()
                ),
                server.construction.clone(),
            ),
        }
        .with_span_label("accepts upgrades");
        if !server.accepts_all {
            for handler in &server.handlers {
                diagnostic = diagnostic.with_label(
                    super::first_line(context.text, handler),
                    "the origin check belongs here",
                );
            }
        }
        diagnostic = diagnostic.with_help(help(server.kind, server.accepts_all));
        diagnostics.push(diagnostic);
    }
}

fn help(kind: ServerKind, accepts_all: bool) -> &'static str {
    match kind {
        ServerKind::Ws => {
            "reject foreign origins in `verifyClient: ({ origin }) => ALLOWED_ORIGINS.includes(origin)` \
             (or destroy the socket in the upgrade handler), or authenticate every connection \
             with a token a foreign page cannot know (CWE-1385)"
        }
        ServerKind::SocketIo => {
            "pass `allowRequest: (req, callback) => callback(null, \
             ALLOWED_ORIGINS.includes(req.headers.origin))` (CWE-1385)"
        }
        ServerKind::Websocket if accepts_all => {
            "set `autoAcceptConnections: false` and accept in the `request` handler only when \
             `ALLOWED_ORIGINS.includes(request.origin)`, calling `request.reject()` otherwise (CWE-1385)"
        }
        ServerKind::Websocket => {
            "in the `request` handler, call `request.reject()` unless \
             `ALLOWED_ORIGINS.includes(request.origin)`, before `request.accept(…)` (CWE-1385)"
        }
        ServerKind::FayeWebsocket => {
            "destroy the socket in the upgrade handler unless \
             `ALLOWED_ORIGINS.includes(request.headers.origin)`, before `new WebSocket(request, \
             socket, body)` (CWE-1385)"
        }
        ServerKind::NestGateway => {
            "pass `allowRequest: (req, callback) => callback(null, \
             ALLOWED_ORIGINS.includes(req.headers.origin))` in the gateway's options (a custom \
             adapter can add it for every gateway), or disconnect in `handleConnection` unless \
             `ALLOWED_ORIGINS.includes(client.handshake.headers.origin)` (CWE-1385)"
        }
        ServerKind::SubscriptionServer | ServerKind::NestGraphQl => {
            "refuse foreign origins in `onConnect` (`ctx.extra.request.headers.origin` for \
             graphql-ws, `context.request.headers.origin` for subscriptions-transport-ws), or \
             authenticate each socket with a token in `connectionParams` (CWE-1385)"
        }
        _ => {
            "compare the request's `Origin` header with the origins you serve and refuse the \
             upgrade otherwise, or authenticate every connection with a token (CWE-1385)"
        }
    }
}

/// Emscripten's generated runtime emulates BSD sockets (`SOCKFS`) and, under Node only,
/// listens with `ws`: compiled C code's `listen()`, not a web server of the project.
/// Minified builds rename the globals but keep the property `websocket_sock_ops`.
fn is_emscripten_runtime(text: &str) -> bool {
    text.contains("websocket_sock_ops")
        || (text.contains("SOCKFS") && text.contains("ENVIRONMENT_IS_NODE"))
}
