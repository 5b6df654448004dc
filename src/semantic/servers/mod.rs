//! WebSocket servers and where they check the `Origin` of the upgrade request:
//! `ws` (`verifyClient`, connection and upgrade handlers), socket.io / engine.io
//! (`allowRequest`, middleware), the `websocket` package (the `request` handler),
//! faye-websocket (the upgrade handler), @nestjs/websockets gateways, GraphQL
//! subscription servers (graphql-ws, subscriptions-transport-ws, Nest's GraphQL module),
//! express-ws, @fastify/websocket, uWebSockets.js, `Deno.upgradeWebSocket` and `Bun.serve`.
//!
//! A server made by a library's constructor or factory is known by where the callee comes
//! from (an import or `require` of the library), never by its name or its arguments'
//! ([`library_server`]); its options are read once that is known ([`options`]).

mod auth;
mod options;

pub(super) use options::{
    GRAPHQL_WS_ON_CONNECT, TRANSPORT_ON_CONNECT, object_function, options_hook,
};

use rustc_hash::FxHashMap as HashMap;
use std::ops::Range;

use swc_common::Span;
use swc_ecma_ast::*;

use super::handlers::{
    OriginCheck, ServerParam, Strength, analyze_server_function, resolve_function, with_function,
};
use super::listeners::RawHandler;
use super::sockets::Holder;
use super::values::{BindingKind, Bindings, member_name, required_module, strip};
use crate::parse::span_range;

/// The server libraries crosswire knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ServerKind {
    Ws,
    SocketIo,
    /// The `websocket` package (WebSocket-Node).
    Websocket,
    FayeWebsocket,
    NestGateway,
    /// subscriptions-transport-ws's `SubscriptionServer` (Apollo's former transport).
    SubscriptionServer,
    /// Nest's `GraphQLModule` with subscriptions.
    NestGraphQl,
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
            ServerKind::Websocket => "websocket (WebSocket-Node)",
            ServerKind::FayeWebsocket => "faye-websocket",
            ServerKind::NestGateway => "@nestjs/websockets gateway",
            ServerKind::SubscriptionServer => "subscriptions-transport-ws",
            ServerKind::NestGraphQl => "@nestjs/graphql subscriptions",
            ServerKind::ExpressWs => "express-ws",
            ServerKind::Fastify => "@fastify/websocket",
            ServerKind::UWebSockets => "uWebSockets.js",
            ServerKind::Deno => "Deno.upgradeWebSocket",
            ServerKind::Bun => "Bun.serve",
        }
    }

    /// Whether the server is socket.io underneath, whose `cors` option does not check upgrades.
    pub fn is_socket_io(self) -> bool {
        matches!(self, ServerKind::SocketIo | ServerKind::NestGateway)
    }
}

/// How a server the walk saw is made.
#[derive(Debug, Clone)]
pub enum Made<'a> {
    /// By a call or `new` whose callee may name a library's constructor or factory
    /// (resolved once the file's bindings are known); the arguments hold its options.
    Call {
        callee: &'a Expr,
        args: &'a [ExprOrSpread],
    },
    /// In a form that names the library itself (a route of express-ws, `Deno.upgradeWebSocket`).
    Known(ServerKind),
}

/// A server as the walk saw it.
#[derive(Debug, Clone)]
pub struct RawServer<'a> {
    pub span: Range<usize>,
    pub made: Made<'a>,
    /// The bindings or fields that hold it, for the handlers registered on them.
    pub holders: Vec<Holder>,
    /// Functions where the check belongs, with what their parameters are.
    pub functions: Vec<(RawHandler<'a>, Vec<ServerParam>)>,
    /// Functions whose first parameter is the server (a Nest gateway's `afterInit(server)`):
    /// what they register on it counts.
    pub server_params: Vec<Span>,
    /// The function the construction runs in (faye-websocket's check belongs there).
    pub frame: Option<Span>,
    /// The path it serves when the walk knows it (express-ws routes).
    pub path: Option<String>,
    /// A Nest gateway whose class, or every message handler, carries `@UseGuards(…)`:
    /// Nest's way to authenticate a socket, in a guard crosswire does not follow.
    pub guarded: bool,
}

/// What a handler is registered for, where it matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UseEvent {
    /// The `websocket` package's `request`, where connections are accepted.
    Request,
    Other,
}

/// What a use is registered on.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum UseTarget {
    Holder(Holder),
    /// The server made by the construction that starts at this offset.
    Construction(usize),
}

/// `server.on("connection", h)`, `io.use(h)`, `server.handleUpgrade(…)` in a function,
/// `useServer({ onConnect }, server)`.
#[derive(Debug, Clone)]
pub struct ServerUse<'a> {
    pub target: UseTarget,
    pub event: UseEvent,
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
    /// Where it accepts connections may be in code the file does not show: options built
    /// elsewhere (which may hold a `verifyClient` or `allowRequest`), or a `websocket`
    /// server without a `request` handler in the file.
    pub check_elsewhere: bool,
    /// It accepts every connection before any code can look (`autoAcceptConnections: true`).
    pub accepts_all: bool,
}

impl ServerFact {
    /// Whether some check an attacker cannot pass guards the upgrade.
    pub fn has_strong_check(&self) -> bool {
        let has = |wanted: &Strength| self.checks.iter().any(|c| &c.strength == wanted);
        has(&Strength::Strong) || (has(&Strength::HostnameOnly) && has(&Strength::ProtocolOnly))
    }
}

/// Libraries whose constructors or factories may be bound to any name: in a file that
/// imports one, calls of the names it binds are looked at.
pub fn is_server_module(module: &str) -> bool {
    matches!(
        module,
        "ws" | "socket.io" | "engine.io" | "websocket" | "faye-websocket"
    )
}

/// Libraries a server's maker may come from: [`is_server_module`]'s and those of the forms
/// whose callee names itself (`@WebSocketGateway`, `SubscriptionServer.create`,
/// `GraphQLModule.forRoot`, graphql-ws's `useServer`).
pub fn may_make_servers(module: &str) -> bool {
    is_server_module(module)
        || matches!(
            module,
            "@nestjs/websockets" | "subscriptions-transport-ws" | "@nestjs/graphql"
        )
        || module.starts_with("graphql-ws")
}

/// Where a callee comes from: the module and the names after it (`require("ws").Server`
/// is `("ws", ["Server"])`, `io` of `import io from "socket.io"` is `("socket.io", [])`).
pub fn module_path<'b>(
    bindings: &'b Bindings,
    callee: &'b Expr,
) -> Option<(&'b str, Vec<&'b str>)> {
    let mut names = Vec::new();
    let mut expr = strip(callee);
    // A chain is at most a few names long; a longer one names no library's maker.
    for _ in 0..4 {
        match expr {
            Expr::Member(member) => {
                names.push(member_name(&member.prop)?);
                expr = strip(&member.obj);
            }
            Expr::Call(call) => {
                let module = required_module(call)?;
                names.reverse();
                return Some((module, names));
            }
            Expr::Ident(ident) => {
                let binding = bindings.binding(&bindings.id(ident))?;
                let module = match &binding.kind {
                    BindingKind::Import { source, imported } => {
                        if !matches!(&**imported, "default" | "*") {
                            names.push(imported);
                        }
                        &**source
                    }
                    // `const x = require("m")` or `const x = require("m").member`.
                    _ => match strip(binding.init()?) {
                        Expr::Call(call) => required_module(call)?,
                        Expr::Member(member) => match strip(&member.obj) {
                            Expr::Call(call) => {
                                let module = required_module(call)?;
                                names.push(member_name(&member.prop)?);
                                module
                            }
                            _ => return None,
                        },
                        _ => return None,
                    },
                };
                names.reverse();
                return Some((module, names));
            }
            _ => return None,
        }
    }
    None
}

/// The server a call or `new` of `callee` makes, by where the callee comes from.
pub fn library_server(bindings: &Bindings, callee: &Expr) -> Option<ServerKind> {
    let (module, names) = module_path(bindings, callee)?;
    let kind = match (module, names.as_slice()) {
        ("ws", ["Server" | "WebSocketServer"]) => ServerKind::Ws,
        // The factory (`require("socket.io")(http)`), its old `listen`, and the class.
        ("socket.io" | "engine.io", [] | ["Server" | "listen" | "attach"]) => ServerKind::SocketIo,
        ("websocket", ["server"]) => ServerKind::Websocket,
        // The module is the server-side socket class; `.Client` and `.EventSource` are not.
        ("faye-websocket", []) => ServerKind::FayeWebsocket,
        ("@nestjs/websockets", ["WebSocketGateway"]) => ServerKind::NestGateway,
        (
            "subscriptions-transport-ws",
            ["SubscriptionServer"] | ["SubscriptionServer", "create"],
        ) => ServerKind::SubscriptionServer,
        ("@nestjs/graphql", ["GraphQLModule", "forRoot" | "forRootAsync"]) => {
            ServerKind::NestGraphQl
        }
        _ => return None,
    };
    Some(kind)
}

/// Whether `callee` is graphql-ws's `useServer`, which serves GraphQL on a ws server.
pub fn is_graphql_ws_use_server(bindings: &Bindings, callee: &Expr) -> bool {
    module_path(bindings, callee).is_some_and(|(module, names)| {
        module.starts_with("graphql-ws") && names.as_slice() == ["useServer"]
    })
}

pub fn resolve_servers(
    program: &Program,
    bindings: &Bindings,
    raw: &RawServers,
) -> Vec<ServerFact> {
    // The uses by what they are registered on, so that each server looks only at its own.
    let mut uses: HashMap<&UseTarget, Vec<&ServerUse>> = HashMap::default();
    for server_use in &raw.uses {
        uses.entry(&server_use.target).or_default().push(server_use);
    }
    raw.servers
        .iter()
        .filter_map(|server| resolve_server(program, bindings, &uses, server))
        .collect()
}

fn resolve_server(
    program: &Program,
    bindings: &Bindings,
    uses: &HashMap<&UseTarget, Vec<&ServerUse>>,
    server: &RawServer,
) -> Option<ServerFact> {
    let (kind, read) = match &server.made {
        Made::Known(kind) => (*kind, options::ServerOptions::default()),
        Made::Call { callee, args } => {
            let kind = library_server(bindings, callee)?;
            (kind, options::read(bindings, kind, args)?)
        }
    };
    let mut raw_functions: Vec<(&RawHandler, &[ServerParam], Option<u32>)> = Vec::new();
    for (handler, params) in server.functions.iter().chain(&read.functions) {
        raw_functions.push((handler, params, None));
    }
    // faye-websocket: the socket is made in the upgrade handler, whose request it is given.
    let frame = (kind == ServerKind::FayeWebsocket)
        .then_some(server.frame)
        .flatten();
    if kind == ServerKind::FayeWebsocket && frame.is_none() {
        return None;
    }
    let frame_handler = frame.map(RawHandler::Function);
    let frame_params = [
        ServerParam::Request,
        ServerParam::Request,
        ServerParam::Other,
    ];
    if let Some(handler) = &frame_handler {
        raw_functions.push((handler, &frame_params, None));
    }
    let mut holders: Vec<Holder> = server.holders.clone();
    for span in &server.server_params {
        if let Some(holder) = first_param_holder(program, bindings, *span)
            && !holders.contains(&holder)
        {
            holders.push(holder);
        }
    }
    let mut accepts_requests = false;
    let targets = holders
        .into_iter()
        .map(UseTarget::Holder)
        .chain(std::iter::once(UseTarget::Construction(server.span.start)));
    for target in targets {
        for server_use in uses.get(&target).into_iter().flatten() {
            accepts_requests |= server_use.event == UseEvent::Request;
            raw_functions.push((&server_use.function, &server_use.params, server_use.class));
        }
    }
    // A `ws` server made with `noServer: true` accepts only the upgrades some code hands
    // to its `handleUpgrade`, in an HTTP `upgrade` handler, where the Origin check belongs.
    // When its file calls `handleUpgrade` nowhere and the server leaves the file (exported,
    // returned, handed to a call), that handler is in code the file does not show.
    let handed_off = raw_functions.is_empty()
        && kind == ServerKind::Ws
        && read.no_server
        && leaves_file(program, bindings, server);
    let mut functions: Vec<(Span, &[ServerParam])> = Vec::new();
    let mut authenticated = server.guarded;
    for (handler, params, class) in raw_functions {
        let span = match handler {
            RawHandler::Function(span) => Some(*span),
            RawHandler::Expr(expr) => {
                let span = resolve_function(bindings, expr, class);
                // A middleware made by a library: `passport.authenticate("jwt")`.
                if span.is_none() {
                    authenticated |= auth::token_middleware(bindings, expr);
                }
                span
            }
            RawHandler::Stream { .. } | RawHandler::Missing => None,
        };
        if let Some(span) = span {
            functions.push((span, params));
        }
    }
    let mut checks = Vec::new();
    let mut relay_only = false;
    for (span, params) in &functions {
        checks
            .extend(analyze_server_function(program, bindings, *span, params).unwrap_or_default());
        authenticated |= auth::authenticates(program, bindings, *span)
            || auth::first_message_authenticates(program, bindings, *span);
        relay_only |= only_relays(program, *span);
    }
    // The `websocket` package accepts a connection only in a `request` handler (unless it
    // accepts all): without one in the file, the acceptance is elsewhere.
    let check_elsewhere = read.opaque
        || handed_off
        || (kind == ServerKind::Websocket && !read.accepts_all && !accepts_requests);
    Some(ServerFact {
        construction: server.span.clone(),
        kind,
        handlers: functions
            .iter()
            .map(|(span, _)| span_range(*span))
            .collect(),
        checks,
        authenticated,
        has_cors: read.has_cors,
        path: server.path.clone().or(read.path),
        relay_only,
        check_elsewhere,
        accepts_all: read.accepts_all,
    })
}

/// Whether the server leaves its file: exported (`export const wss = …`, `export { io }`,
/// `export default io`, `module.exports.x = wss`), returned, or handed to a call or `new`
/// (`new GameServer(wss)`, `attach(new Server(port))`), other than a logging call.
fn leaves_file(program: &Program, bindings: &Bindings, server: &RawServer) -> bool {
    use swc_ecma_visit::{Visit, VisitWith};
    struct Finder<'b> {
        bindings: &'b Bindings<'b>,
        held_in: Vec<swc_ecma_ast::Id>,
        construction: Range<usize>,
        found: bool,
    }
    impl Finder<'_> {
        /// Whether `expr` is the server: its construction or a name that holds it.
        fn is_server(&self, expr: &Expr) -> bool {
            match strip(expr) {
                Expr::Ident(ident) => self
                    .bindings
                    .binding_id(ident)
                    .is_some_and(|id| self.held_in.contains(&id)),
                other => {
                    let span = span_range(swc_common::Spanned::span(other));
                    span.start == self.construction.start
                }
            }
        }
    }
    impl Visit for Finder<'_> {
        crate::guard_nesting!();

        fn visit_call_expr(&mut self, call: &CallExpr) {
            let logging = matches!(&call.callee, Callee::Expr(callee)
                if callee_text(callee).starts_with("console."));
            if !logging && call.args.iter().any(|arg| self.is_server(&arg.expr)) {
                self.found = true;
                return;
            }
            call.visit_children_with(self);
        }
        fn visit_new_expr(&mut self, new: &NewExpr) {
            if new
                .args
                .iter()
                .flatten()
                .any(|arg| self.is_server(&arg.expr))
            {
                self.found = true;
                return;
            }
            new.visit_children_with(self);
        }
        fn visit_return_stmt(&mut self, ret: &ReturnStmt) {
            if ret.arg.as_deref().is_some_and(|arg| self.is_server(arg)) {
                self.found = true;
                return;
            }
            ret.visit_children_with(self);
        }
        fn visit_export_decl(&mut self, export: &ExportDecl) {
            if let Decl::Var(var) = &export.decl
                && var.decls.iter().any(|decl| {
                    decl.init
                        .as_deref()
                        .is_some_and(|init| self.is_server(init))
                })
            {
                self.found = true;
                return;
            }
            export.visit_children_with(self);
        }
        fn visit_export_default_expr(&mut self, export: &ExportDefaultExpr) {
            self.found |= self.is_server(&export.expr);
        }
        fn visit_export_named_specifier(&mut self, specifier: &ExportNamedSpecifier) {
            if let ModuleExportName::Ident(ident) = &specifier.orig {
                self.found |= self.is_server(&Expr::Ident(ident.clone()));
            }
        }
        // `module.exports = wss`, `module.exports.wss = wss`, `exports.wss = wss`.
        fn visit_assign_expr(&mut self, assign: &AssignExpr) {
            if let AssignTarget::Simple(SimpleAssignTarget::Member(member)) = &assign.left {
                let text = callee_text(&Expr::Member(member.clone()));
                if (text.starts_with("module.exports") || text.starts_with("exports."))
                    && self.is_server(&assign.right)
                {
                    self.found = true;
                    return;
                }
            }
            assign.visit_children_with(self);
        }
    }
    let mut finder = Finder {
        bindings,
        held_in: server
            .holders
            .iter()
            .filter_map(|holder| match holder {
                Holder::Binding(id) => Some(id.clone()),
                _ => None,
            })
            .collect(),
        construction: server.span.clone(),
        found: false,
    };
    program.visit_with(&mut finder);
    finder.found
}

/// The binding of a function's first parameter, as a holder.
fn first_param_holder(program: &Program, bindings: &Bindings, function: Span) -> Option<Holder> {
    with_function(program, function, |function_ref| {
        let Some(Pat::Ident(ident)) = function_ref.params.first() else {
            return None;
        };
        bindings.binding_id(&ident.id).map(Holder::Binding)
    })
    .flatten()
}

/// Whether a connection handler's message handling only forwards each message to the
/// other clients (`clients.forEach(c => c.send(data))`, `socket.broadcast.emit(…)`),
/// with no storing, transforming or routing by user or room.
fn only_relays(program: &Program, function: Span) -> bool {
    use super::handlers::Body;
    use swc_ecma_visit::{Visit, VisitWith};
    struct Calls {
        names: Vec<String>,
        mentions_clients: bool,
    }
    impl Visit for Calls {
        crate::guard_nesting!();

        fn visit_call_expr(&mut self, call: &CallExpr) {
            if let Callee::Expr(callee) = &call.callee {
                let text = callee_text(callee);
                if text.contains("broadcast") || names_connections(&text) {
                    self.mentions_clients = true;
                }
                let name = text.rsplit('.').next().unwrap_or_default();
                self.names.push(name.to_string());
            }
            call.visit_children_with(self);
        }
        fn visit_ident(&mut self, ident: &Ident) {
            if names_connections(&ident.sym.to_ascii_lowercase()) {
                self.mentions_clients = true;
            }
        }
        // `for (const client of wss.clients)`
        fn visit_member_expr(&mut self, member: &MemberExpr) {
            if member_name(&member.prop)
                .is_some_and(|name| names_connections(&name.to_ascii_lowercase()))
            {
                self.mentions_clients = true;
            }
            member.visit_children_with(self);
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
    // Lowercase, as `callee_text` gives them.
    let forwarding = [
        "on",
        "foreach",
        "send",
        "emit",
        "broadcast",
        "has",
        "filter",
        "values",
        "for",
        // `client.send(data.toString())`: ws hands a Buffer; text is the same message.
        "tostring",
        // Keeping the set of connections (`peers.add(ws)`, `peers.delete(ws)`) and
        // turning a foreign origin away (`ws.close()`) route nothing.
        "add",
        "delete",
        "push",
        "splice",
        "close",
    ];
    calls.mentions_clients
        && !calls.names.is_empty()
        && calls
            .names
            .iter()
            .all(|name| forwarding.contains(&name.as_str()))
}

/// Whether a (lowercase) name is a collection of the server's connections: `clients`,
/// `peers`, `sockets`, `connections`.
fn names_connections(name: &str) -> bool {
    ["clients", "peers", "sockets", "connections"]
        .iter()
        .any(|word| name.contains(word))
}

/// The last few names of a callee, lowercase (`jwt.verify`, `this.jwt.verifyasync`): what
/// the judging of calls reads, built in a bounded number of steps however long the chain.
pub(super) fn callee_text(callee: &Expr) -> String {
    let mut names: Vec<&str> = Vec::new();
    let mut expr = strip(callee);
    for _ in 0..6 {
        if names.len() == 3 {
            break;
        }
        match expr {
            Expr::Member(member) => {
                names.push(member_name(&member.prop).unwrap_or("[]"));
                expr = strip(&member.obj);
            }
            Expr::Call(call) => match &call.callee {
                Callee::Expr(inner) => expr = strip(inner),
                _ => break,
            },
            Expr::Ident(ident) => {
                names.push(&ident.sym);
                break;
            }
            Expr::This(_) => {
                names.push("this");
                break;
            }
            _ => break,
        }
    }
    names.reverse();
    names.join(".").to_ascii_lowercase()
}
