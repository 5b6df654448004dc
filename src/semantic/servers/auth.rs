//! Whether a server authenticates each connection with a secret a foreign page cannot
//! send: a credential the client passes on purpose (a bearer token in `auth`, the query
//! string, `connectionParams` or the `Authorization` header; a session id the page keeps
//! itself), verified, looked up or compared by the server. Cookies and server sessions
//! are ambient authority: the browser sends them with a hijacking page's handshake too,
//! so a check of them, even a verified JWT kept in a cookie, is no authentication here.
//! Decoding a token (`jwt.decode`) verifies nothing.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use swc_common::Span;
use swc_ecma_ast::*;
use swc_ecma_visit::{Visit, VisitWith};

use super::callee_text;
use crate::semantic::handlers::{Body, with_function};
use crate::semantic::values::{Bindings, literal_string, member_name, prop_name, strip};

/// How far a middleware is followed through constants and wrappers.
const MAX_DEPTH: u32 = 4;

/// How deep into an expression its source is looked for: credentials sit a few members
/// and calls deep (`cookie.parse(socket.handshake.headers.cookie || "")`), and the bound
/// keeps the judging of nested calls linear (each node is looked at by at most this
/// many enclosing calls or comparisons).
const MAX_SOURCE_DEPTH: u32 = 12;

/// Where a value comes from, as far as authentication goes. Ordered: a value made of
/// several takes the last of its parts' (a cookie in it makes it ambient).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Source {
    Unrelated,
    /// What holds the credentials a client sends: `socket.handshake.auth`, the query
    /// string, graphql's `connectionParams`.
    Credentials,
    /// A credential the client sends on purpose.
    Credential,
    /// A cookie or a server session.
    Ambient,
}

/// Whether a field of [`Source::Credentials`] names a credential (`token`, `sessionID`,
/// `apiKey`), not a setting (`room`, `username`).
fn names_credential(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    [
        "token",
        "jwt",
        "session",
        "key",
        "secret",
        "pass",
        "ticket",
        "credential",
        "auth",
        "signature",
    ]
    .iter()
    .any(|word| name.contains(word))
}

/// Whether a passport strategy takes a credential the client sends (`jwt`, `bearer`,
/// `headerapikey`), not a session or a login form.
fn token_strategy(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    ["jwt", "bearer", "token", "apikey", "api-key"]
        .iter()
        .any(|word| name.contains(word))
}

/// Whether a middleware a server is given (not a same-file function) authenticates by a
/// token: `passport.authenticate("jwt", …)`, socketio-jwt's `authorize(…)`, `express-jwt`,
/// through a constant or a wrapper (`wrap(passport.authenticate("jwt"))`).
pub(super) fn token_middleware(bindings: &Bindings, expr: &Expr) -> bool {
    // Constants may name each other many times over: the look is bounded in steps too.
    let mut budget = MIDDLEWARE_STEPS;
    token_middleware_at(bindings, expr, 0, &mut budget)
}

/// How many expressions [`token_middleware`] looks at.
const MIDDLEWARE_STEPS: u32 = 64;

fn token_middleware_at(bindings: &Bindings, expr: &Expr, depth: u32, budget: &mut u32) -> bool {
    crate::stack::ensure_room();
    if depth > MAX_DEPTH || *budget == 0 {
        return false;
    }
    *budget -= 1;
    match strip(expr) {
        Expr::Ident(ident) => {
            if bindings
                .module_of(ident)
                .is_some_and(|module| module.contains("jwt"))
            {
                return true;
            }
            bindings
                .binding_id(ident)
                .and_then(|id| bindings.binding(&id))
                .and_then(|binding| binding.init())
                .is_some_and(|init| token_middleware_at(bindings, init, depth + 1, budget))
        }
        Expr::Call(call) => {
            let Callee::Expr(callee) = &call.callee else {
                return false;
            };
            if let Some(strategy) = authenticate_strategy(callee, &call.args) {
                return token_strategy(strategy);
            }
            let text = callee_text(callee);
            if text.contains("jwt") || text.contains("bearer") {
                return true;
            }
            token_middleware_at(bindings, callee, depth + 1, budget)
                || call
                    .args
                    .iter()
                    .any(|arg| token_middleware_at(bindings, &arg.expr, depth + 1, budget))
        }
        Expr::Member(member) => match strip(&member.obj) {
            // `socketioJwt.authorize`
            Expr::Ident(object) => bindings
                .module_of(object)
                .is_some_and(|module| module.contains("jwt")),
            _ => false,
        },
        _ => false,
    }
}

/// `passport.authenticate("strategy", …)` (or any `….authenticate("…")`): the strategy.
fn authenticate_strategy<'e>(callee: &Expr, args: &'e [ExprOrSpread]) -> Option<&'e str> {
    let name = match strip(callee) {
        Expr::Ident(ident) => &*ident.sym,
        Expr::Member(member) => member_name(&member.prop)?,
        _ => return None,
    };
    if name != "authenticate" {
        return None;
    }
    literal_string(&args.first()?.expr)
}

/// Whether a server function authenticates the connection with a credential the client
/// sends on purpose (see the module's doc).
pub(super) fn authenticates(program: &Program, bindings: &Bindings, function: Span) -> bool {
    let mut finder = Finder::new(program, bindings);
    with_function(program, function, |function_ref| match &function_ref.body {
        Body::Block(stmts) => stmts.visit_with(&mut finder),
        Body::Expr(expr) => expr.visit_with(&mut finder),
    });
    finder.found
}

struct Finder<'b, 'a> {
    program: &'b Program,
    bindings: &'b Bindings<'a>,
    /// What the function's locals hold, when it matters.
    locals: HashMap<Id, Source>,
    /// Locals holding the result of a verification (`authData = authorizeToken(token)`).
    verified: HashSet<Id>,
    found: bool,
}

impl<'b, 'a> Finder<'b, 'a> {
    fn new(program: &'b Program, bindings: &'b Bindings<'a>) -> Self {
        Finder {
            program,
            bindings,
            locals: HashMap::default(),
            verified: HashSet::default(),
            found: false,
        }
    }

    fn source(&self, expr: &Expr) -> Source {
        self.source_at(expr, 0)
    }

    fn source_at(&self, expr: &Expr, depth: u32) -> Source {
        crate::stack::ensure_room();
        if depth > MAX_SOURCE_DEPTH {
            return Source::Unrelated;
        }
        let depth = depth + 1;
        match strip(expr) {
            Expr::Ident(ident) => {
                if &*ident.sym == "connectionParams" {
                    return Source::Credentials;
                }
                self.locals
                    .get(&self.bindings.id(ident))
                    .copied()
                    .unwrap_or(Source::Unrelated)
            }
            Expr::Member(member) => self.member_source(member, depth),
            Expr::OptChain(chain) => match &*chain.base {
                OptChainBase::Member(member) => self.member_source(member, depth),
                OptChainBase::Call(call) => self.call_source(&call.callee, &call.args, depth),
            },
            Expr::Call(call) => match &call.callee {
                Callee::Expr(callee) => self.call_source(callee, &call.args, depth),
                _ => Source::Unrelated,
            },
            Expr::Await(inner) => self.source_at(&inner.arg, depth),
            Expr::Bin(bin) => self
                .source_at(&bin.left, depth)
                .max(self.source_at(&bin.right, depth)),
            Expr::Cond(cond) => self
                .source_at(&cond.cons, depth)
                .max(self.source_at(&cond.alt, depth)),
            Expr::Tpl(tpl) => tpl
                .exprs
                .iter()
                .map(|expr| self.source_at(expr, depth))
                .max()
                .unwrap_or(Source::Unrelated),
            _ => Source::Unrelated,
        }
    }

    fn member_source(&self, member: &MemberExpr, depth: u32) -> Source {
        let Some(name) = member_name(&member.prop) else {
            return self.source_at(&member.obj, depth);
        };
        match name {
            "cookie" | "cookies" | "signedCookies" | "session" => return Source::Ambient,
            "authorization" => return Source::Credential,
            "connectionParams" | "query" | "searchParams" => return Source::Credentials,
            // `socket.handshake.auth`
            "auth"
                if matches!(strip(&member.obj), Expr::Member(inner)
                    if member_name(&inner.prop) == Some("handshake")) =>
            {
                return Source::Credentials;
            }
            _ => {}
        }
        match self.source_at(&member.obj, depth) {
            // A message event's payload (`event.data`) is still what the client sent.
            Source::Credentials if name == "data" => Source::Credentials,
            Source::Credentials if names_credential(name) => Source::Credential,
            Source::Credentials => Source::Unrelated,
            other => other,
        }
    }

    /// A call's result: a header or parameter read by name, or what its arguments and
    /// receiver make it (`cookie.parse(header)` is ambient). Decoding makes nothing.
    fn call_source(&self, callee: &Expr, args: &[ExprOrSpread], depth: u32) -> Source {
        let Expr::Member(method) = strip(callee) else {
            return self.arguments_source(args, depth);
        };
        let method_name = member_name(&method.prop).unwrap_or_default();
        if method_name.to_ascii_lowercase().contains("decode") {
            return Source::Unrelated;
        }
        // `raw.toString()`: ws hands a Buffer; its text is the same message.
        if method_name == "toString" {
            return self.source_at(&method.obj, depth);
        }
        // `headers.get("cookie")`, `req.getHeader("authorization")`, `params.get("token")`.
        if matches!(method_name, "get" | "getHeader" | "header")
            && let Some(name) = args.first().and_then(|arg| literal_string(&arg.expr))
        {
            let name = name.to_ascii_lowercase();
            if name == "cookie" {
                return Source::Ambient;
            }
            if name == "authorization" || name == "sec-websocket-protocol" {
                return Source::Credential;
            }
            if self.source_at(&method.obj, depth) == Source::Credentials {
                return if names_credential(&name) {
                    Source::Credential
                } else {
                    Source::Unrelated
                };
            }
        }
        let receiver = match self.source_at(&method.obj, depth) {
            // A method of what holds credentials is not one of them (`auth.hasOwnProperty(…)`).
            Source::Credentials => Source::Unrelated,
            other => other,
        };
        receiver.max(self.arguments_source(args, depth))
    }

    fn arguments_source(&self, args: &[ExprOrSpread], depth: u32) -> Source {
        args.iter()
            .map(|arg| self.source_at(&arg.expr, depth))
            .max()
            .unwrap_or(Source::Unrelated)
    }

    fn bind(&mut self, pat: &Pat, source: Source) {
        crate::stack::ensure_room();
        match pat {
            Pat::Ident(ident) if source > Source::Unrelated => {
                let id = self.bindings.id(&ident.id);
                self.locals.insert(id, source);
            }
            Pat::Assign(assign) => self.bind(&assign.left, source),
            // `const { token } = socket.handshake.auth`
            Pat::Object(object) => {
                for prop in &object.props {
                    let (key, target): (Option<&str>, Option<&Pat>) = match prop {
                        ObjectPatProp::Assign(assign) => (Some(&assign.key.id.sym), None),
                        ObjectPatProp::KeyValue(pair) => (prop_name(&pair.key), Some(&pair.value)),
                        ObjectPatProp::Rest(_) => continue,
                    };
                    let field = match (source, key) {
                        (Source::Credentials, Some(key)) if names_credential(key) => {
                            Source::Credential
                        }
                        (Source::Credentials, _) => Source::Unrelated,
                        (other, _) => other,
                    };
                    match (prop, target) {
                        (ObjectPatProp::Assign(assign), _) if field > Source::Unrelated => {
                            let id = self.bindings.id(&assign.key.id);
                            self.locals.insert(id, field);
                        }
                        (_, Some(target)) => self.bind(target, field),
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }

    /// A call that authenticates: a token strategy of passport, or a call handed a
    /// credential (`jwt.verify(token)`, `sessions.get(sessionID)`), or a verifying call
    /// handed anything but a cookie or a session.
    fn judge_call(&self, callee: &Expr, args: &[ExprOrSpread]) -> bool {
        if let Some(strategy) = authenticate_strategy(callee, args) {
            return token_strategy(strategy);
        }
        // `passport.authenticate("jwt", …)(req, res, next)`
        if let Expr::Call(_) = strip(callee)
            && token_middleware(self.bindings, callee)
        {
            return true;
        }
        let text = callee_text(callee);
        let last = text.rsplit('.').next().unwrap_or_default();
        // `hocuspocus.handleConnection(client, request)`: the protocol's own auth step.
        if last == "handleconnection" && self.hocuspocus_authenticates(callee) {
            return true;
        }
        // Logging, and handing a value to the client or a room, authenticate nothing.
        let ignored = text.starts_with("console.")
            || text.starts_with("logger.")
            || text.starts_with("this.logger.")
            || [
                "log", "info", "warn", "error", "debug", "trace", "emit", "send", "write", "join",
                "to",
            ]
            .contains(&last);
        if ignored || last.contains("decode") {
            return false;
        }
        match self.arguments_source(args, 0) {
            Source::Ambient => false,
            Source::Credential => true,
            Source::Credentials | Source::Unrelated => {
                let verifies = [
                    "verify",
                    "jwt",
                    "authenticate",
                    "validatetoken",
                    "checktoken",
                ]
                .iter()
                .any(|word| text.contains(word));
                verifies && !args.is_empty()
            }
        }
    }

    /// `token === process.env.TOKEN`: a credential compared with a secret (not with
    /// `undefined`, `null` or `""`, which only tests that it is there).
    fn judge_comparison(&self, bin: &BinExpr) -> bool {
        if !matches!(
            bin.op,
            BinaryOp::EqEqEq | BinaryOp::NotEqEq | BinaryOp::EqEq | BinaryOp::NotEq
        ) {
            return false;
        }
        let presence = |expr: &Expr| match strip(expr) {
            Expr::Lit(Lit::Null(_)) => true,
            Expr::Lit(Lit::Str(text)) => text.value.is_empty(),
            Expr::Ident(ident) => &*ident.sym == "undefined",
            Expr::Unary(unary) => unary.op == UnaryOp::TypeOf || unary.op == UnaryOp::Void,
            _ => false,
        };
        let credential = |expr: &Expr| self.source(expr) == Source::Credential;
        (credential(&bin.left) && !presence(&bin.right) && !presence(&bin.left))
            || (credential(&bin.right) && !presence(&bin.left) && !presence(&bin.right))
    }
}

impl Visit for Finder<'_, '_> {
    crate::guard_nesting!();

    fn visit_var_declarator(&mut self, declarator: &VarDeclarator) {
        declarator.init.visit_with(self);
        if let Some(init) = &declarator.init {
            let source = self.source(init);
            self.bind(&declarator.name, source);
            if self.is_verification(init) {
                let mut names = Vec::new();
                pat_idents(&declarator.name, &mut names);
                for ident in names {
                    let id = self.bindings.id(ident);
                    self.verified.insert(id);
                }
            }
        }
    }

    fn visit_assign_expr(&mut self, assign: &AssignExpr) {
        assign.right.visit_with(self);
        if let AssignTarget::Simple(SimpleAssignTarget::Ident(ident)) = &assign.left {
            let source = self.source(&assign.right);
            let id = self.bindings.id(&ident.id);
            if source > Source::Unrelated {
                self.locals.insert(id.clone(), source);
            }
            if self.is_verification(&assign.right) {
                self.verified.insert(id);
            }
        }
    }

    fn visit_call_expr(&mut self, call: &CallExpr) {
        if let Callee::Expr(callee) = &call.callee
            && self.judge_call(callee, &call.args)
        {
            self.found = true;
        }
        // A handler of a later event (`ws.on("message", …)`) runs after the connection is
        // accepted: what it verifies authenticates only if it refuses first, which
        // [`first_message_authenticates`] judges.
        if let Callee::Expr(callee) = &call.callee
            && let Expr::Member(member) = strip(callee)
            && matches!(
                member_name(&member.prop),
                Some("on" | "once" | "addEventListener")
            )
            && call
                .args
                .first()
                .and_then(|arg| literal_string(&arg.expr))
                .is_some()
        {
            callee.visit_with(self);
            for arg in &call.args {
                if !matches!(strip(&arg.expr), Expr::Fn(_) | Expr::Arrow(_)) {
                    arg.visit_with(self);
                }
            }
            return;
        }
        call.visit_children_with(self);
    }

    fn visit_opt_chain_expr(&mut self, chain: &OptChainExpr) {
        if let OptChainBase::Call(call) = &*chain.base
            && self.judge_call(&call.callee, &call.args)
        {
            self.found = true;
        }
        chain.visit_children_with(self);
    }

    fn visit_bin_expr(&mut self, bin: &BinExpr) {
        if self.judge_comparison(bin) {
            self.found = true;
        }
        bin.visit_children_with(self);
    }
}

/// The names a pattern binds (`user` of `const { user } = …`).
fn pat_idents<'p>(pat: &'p Pat, out: &mut Vec<&'p Ident>) {
    crate::stack::ensure_room();
    match pat {
        Pat::Ident(ident) => out.push(&ident.id),
        Pat::Assign(assign) => pat_idents(&assign.left, out),
        Pat::Object(object) => {
            for prop in &object.props {
                match prop {
                    ObjectPatProp::Assign(assign) => out.push(&assign.key.id),
                    ObjectPatProp::KeyValue(pair) => pat_idents(&pair.value, out),
                    ObjectPatProp::Rest(rest) => pat_idents(&rest.arg, out),
                }
            }
        }
        Pat::Array(array) => {
            for element in array.elems.iter().flatten() {
                pat_idents(element, out);
            }
        }
        _ => {}
    }
}

/// Whether a statement leaves the function: `return`, `throw`, or a block that ends with
/// one (`{ ws.close(1008); return; }`).
fn exits(stmt: &Stmt) -> bool {
    match stmt {
        Stmt::Return(_) | Stmt::Throw(_) => true,
        Stmt::Block(block) => block.stmts.last().is_some_and(exits),
        _ => false,
    }
}

/// What the statements of a message handler come to, read in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Gate {
    /// Only reading and parsing the message so far.
    Pending,
    /// A connection without a valid credential has been refused.
    Refused,
    /// Something else was done first.
    Open,
}

impl Finder<'_, '_> {
    /// A call (perhaps awaited) that authenticates, by [`Self::judge_call`].
    fn is_verification(&self, expr: &Expr) -> bool {
        let expr = match strip(expr) {
            Expr::Await(inner) => strip(&inner.arg),
            other => other,
        };
        match expr {
            Expr::Call(call) => match &call.callee {
                Callee::Expr(callee) => self.judge_call(callee, &call.args),
                _ => false,
            },
            _ => false,
        }
    }

    /// Whether an expression that precedes the gate only reads or parses the message:
    /// no call but `JSON.parse`, `toString` and verifications.
    fn harmless(&self, expr: &Expr) -> bool {
        struct Calls<'f, 'b, 'a> {
            finder: &'f Finder<'b, 'a>,
            harmless: bool,
        }
        impl Visit for Calls<'_, '_, '_> {
            crate::guard_nesting!();
            fn visit_call_expr(&mut self, call: &CallExpr) {
                let allowed = match &call.callee {
                    Callee::Expr(callee) => {
                        let text = callee_text(callee);
                        text == "json.parse"
                            || text.ends_with("tostring")
                            || self.finder.judge_call(callee, &call.args)
                    }
                    _ => false,
                };
                self.harmless &= allowed;
                call.visit_children_with(self);
            }
            fn visit_new_expr(&mut self, _: &NewExpr) {
                self.harmless = false;
            }
            fn visit_opt_call(&mut self, _: &OptCall) {
                self.harmless = false;
            }
            fn visit_assign_expr(&mut self, _: &AssignExpr) {
                self.harmless = false;
            }
            fn visit_update_expr(&mut self, _: &UpdateExpr) {
                self.harmless = false;
            }
        }
        let mut calls = Calls {
            finder: self,
            harmless: true,
        };
        expr.visit_with(&mut calls);
        calls.harmless
    }

    /// Whether a test is true whenever the message's credential fails: `!authData` (a
    /// verification's result), `!isValid(data.token)`, `keys.indexOf(data.key) === -1`,
    /// `data.key !== process.env.KEY`, or a `||` with one of them. A `&&` refuses only
    /// some messages (`data.type === "auth" && !verify(…)`) and is no gate.
    fn refuses_without_credential(&self, test: &Expr) -> bool {
        crate::stack::ensure_room();
        match strip(test) {
            Expr::Bin(bin) if bin.op == BinaryOp::LogicalOr => {
                self.refuses_without_credential(&bin.left)
                    || self.refuses_without_credential(&bin.right)
            }
            Expr::Bin(bin) => {
                let minus_one = |expr: &Expr| match strip(expr) {
                    Expr::Unary(unary) if unary.op == UnaryOp::Minus => {
                        matches!(strip(&unary.arg), Expr::Lit(Lit::Num(n)) if n.value == 1.0)
                    }
                    _ => false,
                };
                let zero =
                    |expr: &Expr| matches!(strip(expr), Expr::Lit(Lit::Num(n)) if n.value == 0.0);
                let credential = |expr: &Expr| self.source(expr) == Source::Credential;
                match bin.op {
                    // `keys.indexOf(data.key) === -1`, `keys.indexOf(data.key) < 0`
                    BinaryOp::EqEqEq | BinaryOp::EqEq => {
                        (minus_one(&bin.right) && credential(&bin.left))
                            || (minus_one(&bin.left) && credential(&bin.right))
                    }
                    BinaryOp::Lt => zero(&bin.right) && credential(&bin.left),
                    BinaryOp::NotEqEq | BinaryOp::NotEq => self.judge_comparison(bin),
                    _ => false,
                }
            }
            Expr::Unary(unary) if unary.op == UnaryOp::Bang => {
                let mut operand = strip(&unary.arg);
                if let Expr::Await(inner) = operand {
                    operand = strip(&inner.arg);
                }
                match operand {
                    Expr::Ident(ident) => self.verified.contains(&self.bindings.id(ident)),
                    // `!authData.user`
                    Expr::Member(member) => matches!(strip(&member.obj),
                        Expr::Ident(ident) if self.verified.contains(&self.bindings.id(ident))),
                    Expr::Call(_) => self.is_verification(operand),
                    _ => false,
                }
            }
            _ => false,
        }
    }

    /// Reads a message handler's statements in order until a connection without a valid
    /// credential is refused or something else is done.
    fn gate(&mut self, stmts: &[Stmt]) -> Gate {
        for stmt in stmts {
            match stmt {
                Stmt::Empty(_) => {}
                Stmt::Decl(Decl::Var(var)) => {
                    let harmless = var.decls.iter().all(|declarator| {
                        declarator
                            .init
                            .as_deref()
                            .is_none_or(|init| self.harmless(init))
                    });
                    if !harmless {
                        return Gate::Open;
                    }
                    var.visit_with(self);
                }
                Stmt::Expr(ExprStmt { expr, .. }) => match strip(expr) {
                    Expr::Assign(assign)
                        if matches!(
                            assign.left,
                            AssignTarget::Simple(SimpleAssignTarget::Ident(_))
                        ) && self.harmless(&assign.right) =>
                    {
                        assign.visit_with(self);
                    }
                    _ => return Gate::Open,
                },
                // The parse step: `try { data = JSON.parse(data) } catch (e) { return ws.close() }`.
                Stmt::Try(try_stmt) => {
                    let refused_on_error = try_stmt
                        .handler
                        .as_ref()
                        .is_some_and(|handler| handler.body.stmts.last().is_some_and(exits));
                    if try_stmt.finalizer.is_some() || !refused_on_error {
                        return Gate::Open;
                    }
                    match self.gate(&try_stmt.block.stmts) {
                        Gate::Pending => {}
                        done => return done,
                    }
                }
                Stmt::If(if_stmt) if if_stmt.alt.is_none() && exits(&if_stmt.cons) => {
                    if self.refuses_without_credential(&if_stmt.test) {
                        return Gate::Refused;
                    }
                    // Another refusal (`if (!data.type) return;`) only refuses more.
                }
                _ => return Gate::Open,
            }
        }
        Gate::Pending
    }

    /// Whether `callee` is `x.handleConnection` of a Hocuspocus server (`@hocuspocus/server`'s
    /// `Server.configure(config)`, `new Server(config)`, `new Hocuspocus(config)`) whose
    /// configuration authenticates each connection: an `onAuthenticate` hook that verifies
    /// the token the provider sends, or an extension from another module whose name says
    /// it authenticates (`new AuthenticationExtension()`), where the hook is out of sight.
    fn hocuspocus_authenticates(&self, callee: &Expr) -> bool {
        let Expr::Member(member) = strip(callee) else {
            return false;
        };
        let Expr::Ident(instance) = strip(&member.obj) else {
            return false;
        };
        let Some(init) = self
            .bindings
            .binding_id(instance)
            .and_then(|id| self.bindings.binding(&id))
            .and_then(|binding| binding.init_expr)
        else {
            return false;
        };
        let (maker, args) = match strip(init) {
            Expr::Call(call) => match &call.callee {
                Callee::Expr(callee) => (&**callee, &call.args[..]),
                _ => return false,
            },
            Expr::New(new) => (&*new.callee, new.args.as_deref().unwrap_or_default()),
            _ => return false,
        };
        let is_hocuspocus =
            super::module_path(self.bindings, maker).is_some_and(|(module, names)| {
                module == "@hocuspocus/server"
                    && matches!(
                        names.as_slice(),
                        ["Server"] | ["Server", "configure"] | ["Hocuspocus"]
                    )
            });
        if !is_hocuspocus {
            return false;
        }
        let Some(Expr::Object(config)) = args.first().map(|arg| strip(&arg.expr)) else {
            return false;
        };
        if let Some(crate::semantic::listeners::RawHandler::Function(hook)) =
            super::object_function(config, "onAuthenticate")
            && hook_authenticates(self.program, self.bindings, hook)
        {
            return true;
        }
        config.props.iter().any(|prop| {
            let PropOrSpread::Prop(prop) = prop else {
                return false;
            };
            let Prop::KeyValue(pair) = &**prop else {
                return false;
            };
            let Some(Expr::Array(extensions)) =
                (prop_name(&pair.key) == Some("extensions")).then(|| strip(&pair.value))
            else {
                return false;
            };
            extensions.elems.iter().flatten().any(|element| {
                let Expr::New(new) = strip(&element.expr) else {
                    return false;
                };
                let Expr::Ident(class) = strip(&new.callee) else {
                    return false;
                };
                let imported = self
                    .bindings
                    .module_of(class)
                    .is_some_and(|module| !module.starts_with("@hocuspocus/"));
                imported && class.sym.to_ascii_lowercase().contains("auth")
            })
        })
    }
}

/// Whether a hook handed the client's credentials as its first parameter (Hocuspocus's
/// `onAuthenticate({ token, requestHeaders })`) verifies them.
fn hook_authenticates(program: &Program, bindings: &Bindings, hook: Span) -> bool {
    let mut finder = Finder::new(program, bindings);
    with_function(program, hook, |function_ref| {
        if let Some(param) = function_ref.params.first() {
            finder.bind(param, Source::Credentials);
        }
        match &function_ref.body {
            Body::Block(stmts) => stmts.visit_with(&mut finder),
            Body::Expr(expr) => expr.visit_with(&mut finder),
        }
    });
    finder.found
}

/// Whether a connection handler authenticates by its first message: it does nothing but
/// register handlers on its socket (its first parameter) and log, and every `message`
/// handler refuses a message without a valid credential (a verification of it fails, or
/// it is not the secret) by returning or throwing before any other handling:
/// `ws.once("message", (data) => { const { token } = JSON.parse(data); if
/// (!authorizeToken(token)) return ws.close(1008); … })`.
pub(super) fn first_message_authenticates(
    program: &Program,
    bindings: &Bindings,
    function: Span,
) -> bool {
    let handlers = with_function(program, function, |function_ref| {
        let Some(Pat::Ident(socket)) = function_ref.params.first() else {
            return None;
        };
        let socket = bindings.id(&socket.id);
        let Body::Block(stmts) = function_ref.body else {
            return None;
        };
        let mut handlers = Vec::new();
        for stmt in stmts {
            let Stmt::Expr(ExprStmt { expr, .. }) = stmt else {
                return None;
            };
            match socket_registration(bindings, &socket, expr) {
                Some((true, handler)) => handlers.push(handler?),
                Some((false, _)) => {}
                None if is_logging(expr) => {}
                None => return None,
            }
        }
        Some(handlers)
    })
    .flatten()
    .unwrap_or_default();
    !handlers.is_empty()
        && handlers.iter().all(|handler| {
            with_function(program, *handler, |function_ref| {
                let mut finder = Finder::new(program, bindings);
                if let Some(Pat::Ident(message)) = function_ref.params.first() {
                    finder
                        .locals
                        .insert(bindings.id(&message.id), Source::Credentials);
                }
                match function_ref.body {
                    Body::Block(stmts) => finder.gate(stmts) == Gate::Refused,
                    Body::Expr(_) => false,
                }
            })
            .unwrap_or(false)
        })
}

/// `socket.on("message", h)`, `socket.once(…)`, `socket.addEventListener(…)`,
/// `socket.onmessage = h` and the same for `close`, `error`, `ping` and `pong`: whether it
/// registers a message handler, and the handler's function when the file has it.
fn socket_registration(
    bindings: &Bindings,
    socket: &Id,
    expr: &Expr,
) -> Option<(bool, Option<Span>)> {
    let is_socket =
        |expr: &Expr| matches!(strip(expr), Expr::Ident(ident) if bindings.id(ident) == *socket);
    let handler_span = |expr: &Expr| match strip(expr) {
        Expr::Fn(function) => Some(function.function.span),
        Expr::Arrow(arrow) => Some(arrow.span),
        other => crate::semantic::handlers::resolve_function(bindings, other, None),
    };
    const QUIET: [&str; 4] = ["close", "error", "ping", "pong"];
    match strip(expr) {
        Expr::Call(call) => {
            let Callee::Expr(callee) = &call.callee else {
                return None;
            };
            let Expr::Member(member) = strip(callee) else {
                return None;
            };
            let method = member_name(&member.prop)?;
            if !matches!(method, "on" | "once" | "addEventListener") || !is_socket(&member.obj) {
                return None;
            }
            let event = literal_string(&call.args.first()?.expr)?;
            let handler = call.args.get(1)?;
            if event == "message" {
                Some((true, handler_span(&handler.expr)))
            } else {
                QUIET.contains(&event).then_some((false, None))
            }
        }
        Expr::Assign(assign) => {
            let AssignTarget::Simple(SimpleAssignTarget::Member(member)) = &assign.left else {
                return None;
            };
            let name = member_name(&member.prop)?;
            if !is_socket(&member.obj) {
                return None;
            }
            match name {
                "onmessage" => Some((true, handler_span(&assign.right))),
                "onclose" | "onerror" => Some((false, None)),
                _ => None,
            }
        }
        _ => None,
    }
}

/// `console.log(…)`, `logger.info(…)`.
fn is_logging(expr: &Expr) -> bool {
    let Expr::Call(call) = strip(expr) else {
        return false;
    };
    let Callee::Expr(callee) = &call.callee else {
        return false;
    };
    let text = callee_text(callee);
    text.starts_with("console.") || text.starts_with("logger.") || text.starts_with("this.logger.")
}
