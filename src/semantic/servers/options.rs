//! A server's options, read once its library is known: where its check may be
//! (`verifyClient`, `allowRequest`, `onConnect`), its `cors`, its path, whether it accepts
//! every connection, and whether the file shows them at all.
//!
//! Where the options are depends on the library, not on the names of the arguments:
//! socket.io's `new Server(srv, options)` takes them second, `new Server(options)` first,
//! and its first argument is otherwise the HTTP server or a port under any name. Only when
//! a lone argument's value is not in the file does its name decide (`options`, `config`):
//! an HTTP server is what socket.io is usually given.

use swc_ecma_ast::*;

use super::ServerKind;
use crate::semantic::collect::raw_handler;
use crate::semantic::handlers::ServerParam::{self, Info, Other, Request};
use crate::semantic::listeners::RawHandler;
use crate::semantic::values::{BindingKind, Bindings, literal_string, prop_name, strip};

/// How many constants an argument is followed through.
const MAX_CONSTANTS: u32 = 8;

#[derive(Debug, Default)]
pub(super) struct ServerOptions<'a> {
    pub functions: Vec<(RawHandler<'a>, Vec<ServerParam>)>,
    /// socket.io's `cors` option is set (it does not check upgrades).
    pub has_cors: bool,
    /// The `path` option.
    pub path: Option<String>,
    /// Options come from code the file does not show.
    pub opaque: bool,
    /// `autoAcceptConnections: true` (the `websocket` package).
    pub accepts_all: bool,
    /// `noServer: true` (`ws`): the server accepts only what code hands to its
    /// `handleUpgrade`.
    pub no_server: bool,
}

/// What an argument of a server's maker is.
enum Argument<'a> {
    /// An object literal the file shows, written there or held by a constant.
    Options(&'a ObjectLit),
    /// A value the file does not show: a parameter, an import, a field, a call's result.
    Unknown(&'a Expr),
    /// A port, a path, a function: not options.
    Other,
}

fn argument<'a>(bindings: &Bindings<'a>, expr: &'a Expr) -> Argument<'a> {
    let mut expr = strip(expr);
    for _ in 0..MAX_CONSTANTS {
        match expr {
            Expr::Object(object) => return Argument::Options(object),
            Expr::Ident(ident) => match constant_value(bindings, ident) {
                Some(value) => expr = strip(value),
                None => return Argument::Unknown(expr),
            },
            Expr::Member(_) | Expr::Call(_) | Expr::New(_) | Expr::Await(_) | Expr::Cond(_) => {
                return Argument::Unknown(expr);
            }
            Expr::Bin(bin)
                if matches!(bin.op, BinaryOp::LogicalOr | BinaryOp::NullishCoalescing) =>
            {
                return Argument::Unknown(expr);
            }
            _ => return Argument::Other,
        }
    }
    Argument::Unknown(expr)
}

/// The one value a variable holds: its initializer, when nothing assigns it later.
fn constant_value<'a>(bindings: &Bindings<'a>, ident: &Ident) -> Option<&'a Expr> {
    let binding = bindings.binding(&bindings.binding_id(ident)?)?;
    let variable = matches!(
        binding.kind,
        BindingKind::Const | BindingKind::Let | BindingKind::Var
    );
    (variable && binding.assignments.is_empty() && !binding.has_unknown_assignment)
        .then_some(binding.init_expr)
        .flatten()
}

/// Whether a value the file does not show is named like options (`options`, `opts`,
/// `ioConfig`, `getSettings()`): the last resort for socket.io's lone argument.
fn named_like_options(expr: &Expr) -> bool {
    let name = match strip(expr) {
        Expr::Ident(ident) => &*ident.sym,
        Expr::Member(member) => match crate::semantic::values::member_name(&member.prop) {
            Some(name) => name,
            None => return false,
        },
        Expr::Call(call) => match &call.callee {
            Callee::Expr(callee) => return named_like_options(callee),
            _ => return false,
        },
        Expr::Await(inner) => return named_like_options(&inner.arg),
        _ => return false,
    };
    let name = name.to_ascii_lowercase();
    ["opt", "config", "conf", "setting"]
        .iter()
        .any(|word| name.contains(word))
}

/// Reads the options of a server made by `kind`'s constructor or factory with `args`;
/// `None` when the call makes no WebSocket server after all (Nest's GraphQL module
/// without subscriptions).
pub(super) fn read<'a>(
    bindings: &Bindings<'a>,
    kind: ServerKind,
    args: &'a [ExprOrSpread],
) -> Option<ServerOptions<'a>> {
    let mut reader = Reader {
        bindings,
        options: ServerOptions::default(),
    };
    if args.iter().any(|arg| arg.spread.is_some()) {
        reader.options.opaque = true;
        return Some(reader.options);
    }
    let arg = |index: usize| args.get(index).map(|arg| &*arg.expr);
    match kind {
        // `new Server(srv, options)`, `new Server(options)`, `new Server(srv)`, and a
        // gateway's `@WebSocketGateway(port, options)` or `@WebSocketGateway(options)`.
        ServerKind::SocketIo | ServerKind::NestGateway => match args {
            [] => {}
            [only] => match argument(bindings, &only.expr) {
                Argument::Options(object) => reader.read_object(object, &[]),
                Argument::Unknown(value) if named_like_options(value) => {
                    reader.options.opaque = true;
                }
                Argument::Unknown(_) | Argument::Other => {}
            },
            [_, options, ..] => reader.read_argument(&options.expr, &[]),
        },
        ServerKind::Ws | ServerKind::Websocket => {
            if let Some(first) = arg(0) {
                reader.read_argument(first, &[]);
            }
        }
        // `SubscriptionServer.create({ schema, onConnect }, { server, path, verifyClient })`
        ServerKind::SubscriptionServer => {
            if let Some(first) = arg(0) {
                reader.read_argument(first, &[("onConnect", TRANSPORT_ON_CONNECT)]);
            }
            if let Some(second) = arg(1) {
                reader.read_argument(second, &[]);
            }
        }
        ServerKind::NestGraphQl => return reader.nest_graphql(arg(0)?),
        _ => {}
    }
    Some(reader.options)
}

/// subscriptions-transport-ws's `onConnect(connectionParams, webSocket, context)`:
/// `context.request` is the upgrade request.
pub(crate) const TRANSPORT_ON_CONNECT: &[ServerParam] = &[Other, Other, Request];
/// graphql-ws's `onConnect(ctx)`: `ctx.extra.request` is the upgrade request.
pub(crate) const GRAPHQL_WS_ON_CONNECT: &[ServerParam] = &[Request];

struct Reader<'r, 'a> {
    bindings: &'r Bindings<'a>,
    options: ServerOptions<'a>,
}

impl<'a> Reader<'_, 'a> {
    fn read_argument(&mut self, expr: &'a Expr, hooks: &[(&str, &[ServerParam])]) {
        match argument(self.bindings, expr) {
            Argument::Options(object) => self.read_object(object, hooks),
            Argument::Unknown(_) => self.options.opaque = true,
            Argument::Other => {}
        }
    }

    /// The options any of the libraries take, and `hooks` (name and parameters) of this one.
    fn read_object(&mut self, object: &'a ObjectLit, hooks: &[(&str, &[ServerParam])]) {
        if has_spread(object) {
            self.options.opaque = true;
        }
        let checks: [(&str, &[ServerParam]); 2] = [
            ("verifyClient", &[Info, Other]),
            ("allowRequest", &[Request, Other]),
        ];
        for (name, params) in checks.iter().chain(hooks) {
            if let Some(handler) = object_function(object, name) {
                self.options.functions.push((handler, params.to_vec()));
            }
        }
        let value = |name: &str| object_value(self.bindings, object, name);
        self.options.has_cors |= value("cors").is_some();
        if let Some(path) = value("path")
            .and_then(|v| v.expr())
            .and_then(literal_string)
        {
            self.options.path = Some(path.to_string());
        }
        self.options.accepts_all |= value("autoAcceptConnections")
            .and_then(|v| v.expr())
            .is_some_and(is_true);
        self.options.no_server |= value("noServer")
            .and_then(|v| v.expr())
            .is_some_and(is_true);
    }

    /// `GraphQLModule.forRoot({ subscriptions: { "graphql-ws": … } })`, or the object
    /// `forRootAsync({ useFactory })` returns: a WebSocket server when subscriptions are on.
    fn nest_graphql(mut self, first: &'a Expr) -> Option<ServerOptions<'a>> {
        let Argument::Options(object) = argument(self.bindings, first) else {
            return None;
        };
        let config = match object_value(self.bindings, object, "useFactory") {
            Some(factory) => returned_object(factory.expr()?)?,
            None => object,
        };
        let Some(subscriptions) = object_value(self.bindings, config, "subscriptions") else {
            // `installSubscriptionHandlers: true` serves subscriptions-transport-ws; options
            // spread in from elsewhere may turn subscriptions on, or not.
            let installs = object_value(self.bindings, config, "installSubscriptionHandlers")
                .and_then(|v| v.expr())
                .is_some_and(is_true);
            return installs.then_some(self.options);
        };
        let transports = match subscriptions.expr().map(|v| argument(self.bindings, v)) {
            Some(Argument::Options(transports)) if !has_spread(transports) => transports,
            Some(Argument::Other) => return None,
            _ => {
                self.options.opaque = true;
                return Some(self.options);
            }
        };
        let mut serves = false;
        for (transport, params) in [
            ("graphql-ws", GRAPHQL_WS_ON_CONNECT),
            ("subscriptions-transport-ws", TRANSPORT_ON_CONNECT),
        ] {
            let Some(value) = object_value(self.bindings, transports, transport) else {
                continue;
            };
            let Some(value) = value.expr() else {
                serves = true;
                self.options.opaque = true;
                continue;
            };
            match argument(self.bindings, value) {
                Argument::Options(settings) => {
                    serves = true;
                    self.read_object(settings, &[("onConnect", params)]);
                }
                Argument::Unknown(_) => {
                    serves = true;
                    self.options.opaque = true;
                }
                // `true`, not `false`.
                Argument::Other => serves |= !is_false(value),
            }
        }
        serves.then_some(self.options)
    }
}

fn has_spread(object: &ObjectLit) -> bool {
    object
        .props
        .iter()
        .any(|prop| matches!(prop, PropOrSpread::Spread(_)))
}

/// The object literal a factory returns: `() => ({ … })` or `() => { …; return { … }; }`.
fn returned_object(factory: &Expr) -> Option<&ObjectLit> {
    let returned = match strip(factory) {
        Expr::Arrow(arrow) => match &*arrow.body {
            ArrowFunctionBody::Expr(expr) => Some(&**expr),
            ArrowFunctionBody::FunctionBody(block) => last_return(&block.stmts),
        },
        Expr::Fn(function) => last_return(&function.function.body.as_ref()?.stmts),
        _ => None,
    }?;
    match strip(returned) {
        Expr::Object(object) => Some(object),
        _ => None,
    }
}

fn last_return(stmts: &[Stmt]) -> Option<&Expr> {
    match stmts.last()? {
        Stmt::Return(ret) => ret.arg.as_deref(),
        _ => None,
    }
}

fn is_true(expr: &Expr) -> bool {
    matches!(strip(expr), Expr::Lit(Lit::Bool(b)) if b.value)
}

fn is_false(expr: &Expr) -> bool {
    matches!(strip(expr), Expr::Lit(Lit::Bool(b)) if !b.value)
}

/// A property of an object literal.
enum Value<'a> {
    /// `{ name: value }`, or `{ name }` naming a constant.
    Expr(&'a Expr),
    /// `{ name }` naming a value the file does not show, or a method `{ name() {} }`.
    Unseen,
}

impl<'a> Value<'a> {
    fn expr(&self) -> Option<&'a Expr> {
        match self {
            Value::Expr(expr) => Some(expr),
            Value::Unseen => None,
        }
    }
}

fn object_value<'a>(
    bindings: &Bindings<'a>,
    object: &'a ObjectLit,
    name: &str,
) -> Option<Value<'a>> {
    object.props.iter().find_map(|prop| {
        let PropOrSpread::Prop(prop) = prop else {
            return None;
        };
        match &**prop {
            Prop::KeyValue(pair) if prop_name(&pair.key) == Some(name) => {
                Some(Value::Expr(&pair.value))
            }
            Prop::Shorthand(ident) if &*ident.sym == name => {
                Some(constant_value(bindings, ident).map_or(Value::Unseen, Value::Expr))
            }
            Prop::Method(method) if prop_name(&method.key) == Some(name) => Some(Value::Unseen),
            _ => None,
        }
    })
}

/// A hook in options written in the call or held by a constant: `onConnect` of
/// `useServer({ schema, onConnect }, wsServer)`.
pub(crate) fn options_hook<'a>(
    bindings: &Bindings<'a>,
    expr: &'a Expr,
    name: &str,
) -> Option<RawHandler<'a>> {
    match argument(bindings, expr) {
        Argument::Options(object) => object_function(object, name),
        Argument::Unknown(_) | Argument::Other => None,
    }
}

/// A function-valued property of an object literal: `{ name(x) {} }`, `{ name: fn }`.
pub(crate) fn object_function<'a>(object: &'a ObjectLit, name: &str) -> Option<RawHandler<'a>> {
    object.props.iter().find_map(|prop| {
        let PropOrSpread::Prop(prop) = prop else {
            return None;
        };
        match &**prop {
            Prop::Method(method) if prop_name(&method.key) == Some(name) => {
                Some(RawHandler::Function(method.function.span))
            }
            Prop::KeyValue(pair) if prop_name(&pair.key) == Some(name) => {
                Some(raw_handler(Some(&pair.value)))
            }
            // What `raw_handler` makes of an identifier, which is neither a function nor large.
            Prop::Shorthand(ident) if &*ident.sym == name => Some(RawHandler::Expr(
                std::borrow::Cow::Owned(Expr::Ident(ident.clone())),
            )),
            _ => None,
        }
    })
}
