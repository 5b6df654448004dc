//! WebSocket servers and where they check the `Origin` of the upgrade request:
//! `ws` (`verifyClient`, connection and upgrade handlers), socket.io / engine.io
//! (`allowRequest`, middleware), express-ws, @fastify/websocket, uWebSockets.js,
//! `Deno.upgradeWebSocket` and `Bun.serve`.

use std::ops::Range;

use swc_common::Span;
use swc_ecma_ast::*;
use swc_ecma_visit::{Visit, VisitWith};

use super::handlers::{
    Body, OriginCheck, ServerParam, Strength, analyze_server_function, expression_text,
    resolve_function, with_function,
};
use super::listeners::RawHandler;
use super::sockets::Holder;
use super::values::{Bindings, member_name, strip};
use crate::parse::span_range;

/// The server libraries crosswire knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ServerKind {
    Ws,
    SocketIo,
    ExpressWs,
    Fastify,
    UWebSockets,
    Deno,
    Bun,
}

impl ServerKind {
    pub fn name(self) -> &'static str {
        match self {
            ServerKind::Ws => "ws",
            ServerKind::SocketIo => "socket.io",
            ServerKind::ExpressWs => "express-ws",
            ServerKind::Fastify => "@fastify/websocket",
            ServerKind::UWebSockets => "uWebSockets.js",
            ServerKind::Deno => "Deno.upgradeWebSocket",
            ServerKind::Bun => "Bun.serve",
        }
    }
}

/// A server as the walk saw it.
#[derive(Debug, Clone)]
pub struct RawServer<'a> {
    pub span: Range<usize>,
    /// `None` when the construction's callee must be resolved (`new Server(…)`).
    pub kind: Option<ServerKind>,
    pub callee: Option<&'a Expr>,
    pub holder: Option<Holder>,
    /// Functions where the check belongs, with what their parameters are.
    pub functions: Vec<(RawHandler<'a>, Vec<ServerParam>)>,
    /// socket.io's `cors` option is set (it does not check upgrades).
    pub has_cors: bool,
    /// The path it serves (`path` option, express-ws route), when known.
    pub path: Option<String>,
    /// Its options come from elsewhere (a variable, a parameter, a spread), so a
    /// `verifyClient` or `allowRequest` may be in them.
    pub options_opaque: bool,
}

/// `server.on("connection", h)`, `io.use(h)`, `server.handleUpgrade(…)` in a function.
#[derive(Debug, Clone)]
pub struct ServerUse<'a> {
    pub holder: Holder,
    pub function: RawHandler<'a>,
    pub params: Vec<ServerParam>,
    pub class: Option<u32>,
}

#[derive(Debug, Default)]
pub struct RawServers<'a> {
    pub servers: Vec<RawServer<'a>>,
    pub uses: Vec<ServerUse<'a>>,
}

/// The rules' view of one server.
#[derive(Debug, Clone)]
pub struct ServerFact {
    pub construction: Range<usize>,
    pub kind: ServerKind,
    /// The handlers where a check belongs, for labels.
    pub handlers: Vec<Range<usize>>,
    pub checks: Vec<OriginCheck>,
    /// Connections are authenticated by a secret a foreign page cannot know.
    pub authenticated: bool,
    pub has_cors: bool,
    /// The path it serves, when known.
    pub path: Option<String>,
    /// Its message handling only forwards each message to the other clients.
    pub relay_only: bool,
    /// Its options come from code the file does not show.
    pub options_opaque: bool,
}

impl ServerFact {
    /// Whether some check an attacker cannot pass guards the upgrade.
    pub fn has_strong_check(&self) -> bool {
        let has = |wanted: &Strength| self.checks.iter().any(|c| &c.strength == wanted);
        has(&Strength::Strong) || (has(&Strength::HostnameOnly) && has(&Strength::ProtocolOnly))
    }
}

/// The server kind a `new X(…)` callee names, through imports and `require`.
pub fn server_constructor(bindings: &Bindings, callee: &Expr) -> Option<ServerKind> {
    let from = |name: &str| match name {
        "ws" => Some(ServerKind::Ws),
        "socket.io" | "engine.io" => Some(ServerKind::SocketIo),
        _ => None,
    };
    match strip(callee) {
        // `new WebSocketServer(…)`, `new Server(…)` imported from ws or socket.io.
        Expr::Ident(ident) => from(bindings.module_of(ident)?),
        // `new WebSocket.Server(…)`, `new io.Server(…)`.
        Expr::Member(member) => {
            let Expr::Ident(object) = strip(&member.obj) else {
                return None;
            };
            match member_name(&member.prop) {
                Some("Server" | "WebSocketServer") => from(bindings.module_of(object)?),
                _ => None,
            }
        }
        _ => None,
    }
}

pub fn resolve_servers(
    program: &Program,
    bindings: &Bindings,
    raw: &RawServers,
) -> Vec<ServerFact> {
    raw.servers
        .iter()
        .filter_map(|server| {
            let kind = match server.kind {
                Some(kind) => kind,
                None => server_constructor(bindings, server.callee?)?,
            };
            let mut functions: Vec<(Span, Vec<ServerParam>)> = Vec::new();
            let mut add = |handler: &RawHandler, params: &[ServerParam], class: Option<u32>| {
                let span = match handler {
                    RawHandler::Function(span) => Some(*span),
                    RawHandler::Expr(expr) => resolve_function(bindings, expr, class),
                    RawHandler::Missing => None,
                };
                if let Some(span) = span {
                    functions.push((span, params.to_vec()));
                }
            };
            for (handler, params) in &server.functions {
                add(handler, params, None);
            }
            for server_use in &raw.uses {
                if server.holder.as_ref() == Some(&server_use.holder) {
                    add(&server_use.function, &server_use.params, server_use.class);
                }
            }
            let mut checks = Vec::new();
            let mut authenticated = false;
            let mut relay_only = false;
            for (span, params) in &functions {
                checks.extend(
                    analyze_server_function(program, bindings, *span, params).unwrap_or_default(),
                );
                authenticated |= authenticates(program, *span);
                relay_only |= only_relays(program, *span);
            }
            Some(ServerFact {
                construction: server.span.clone(),
                kind,
                handlers: functions
                    .iter()
                    .map(|(span, _)| span_range(*span))
                    .collect(),
                checks,
                authenticated,
                has_cors: server.has_cors,
                path: server.path.clone(),
                relay_only,
                options_opaque: server.options_opaque,
            })
        })
        .collect()
}

/// Whether a function authenticates the connection with a secret: the `Authorization`
/// header, the subprotocol, or a token passed to a verifying call.
fn authenticates(program: &Program, function: Span) -> bool {
    struct Finder {
        found: bool,
    }
    impl Visit for Finder {
        crate::guard_nesting!();

        fn visit_str(&mut self, text: &Str) {
            let value = text.value.to_string_lossy().to_ascii_lowercase();
            if value == "authorization" || value == "sec-websocket-protocol" {
                self.found = true;
            }
        }
        fn visit_ident_name(&mut self, name: &IdentName) {
            if &*name.sym == "authorization" {
                self.found = true;
            }
        }
        fn visit_call_expr(&mut self, call: &CallExpr) {
            if let Callee::Expr(callee) = &call.callee {
                let callee_text = expression_text(callee).to_ascii_lowercase();
                let verifies = [
                    "verify",
                    "jwt",
                    "authenticate",
                    "validatetoken",
                    "checktoken",
                ]
                .iter()
                .any(|word| callee_text.contains(word));
                let with_token = call.args.iter().any(|arg| {
                    let text = expression_text(&arg.expr).to_ascii_lowercase();
                    text.contains("token")
                        || text.contains("protocol")
                        || text.contains("authorization")
                });
                if verifies && (with_token || !call.args.is_empty()) {
                    self.found = true;
                }
            }
            call.visit_children_with(self);
        }
    }
    let mut finder = Finder { found: false };
    with_function(program, function, |function_ref| match &function_ref.body {
        Body::Block(stmts) => stmts.visit_with(&mut finder),
        Body::Expr(expr) => expr.visit_with(&mut finder),
    });
    finder.found
}

/// Whether a connection handler's message handling only forwards each message to the
/// other clients (`clients.forEach(c => c.send(data))`, `socket.broadcast.emit(…)`),
/// with no storing, transforming or routing by user or room.
fn only_relays(program: &Program, function: Span) -> bool {
    struct Calls {
        names: Vec<String>,
        mentions_clients: bool,
    }
    impl Visit for Calls {
        crate::guard_nesting!();

        fn visit_call_expr(&mut self, call: &CallExpr) {
            if let Callee::Expr(callee) = &call.callee {
                let text = expression_text(callee);
                if text.contains("clients") || text.contains("broadcast") {
                    self.mentions_clients = true;
                }
                let name = text
                    .rsplit('.')
                    .next()
                    .unwrap_or_default()
                    .trim_end_matches("()");
                self.names.push(name.to_string());
            }
            call.visit_children_with(self);
        }
        fn visit_ident(&mut self, ident: &Ident) {
            if &*ident.sym == "clients" {
                self.mentions_clients = true;
            }
        }
    }
    let mut calls = Calls {
        names: Vec::new(),
        mentions_clients: false,
    };
    with_function(program, function, |function_ref| match &function_ref.body {
        Body::Block(stmts) => stmts.visit_with(&mut calls),
        Body::Expr(expr) => expr.visit_with(&mut calls),
    });
    let forwarding = [
        "on",
        "forEach",
        "send",
        "emit",
        "broadcast",
        "has",
        "filter",
        "values",
        "for",
    ];
    calls.mentions_clients
        && !calls.names.is_empty()
        && calls
            .names
            .iter()
            .all(|name| forwarding.contains(&name.as_str()))
}
