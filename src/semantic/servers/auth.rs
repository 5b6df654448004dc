//! Whether a server authenticates each connection with a secret a foreign page cannot
//! send: a credential the client passes on purpose (a bearer token in `auth`, the query
//! string, `connectionParams` or the `Authorization` header; a session id the page keeps
//! itself), verified, looked up or compared by the server. Cookies and server sessions
//! are ambient authority: the browser sends them with a hijacking page's handshake too,
//! so a check of them, even a verified JWT kept in a cookie, is no authentication here.
//! Decoding a token (`jwt.decode`) verifies nothing.

use rustc_hash::FxHashMap as HashMap;
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
    let mut finder = Finder {
        bindings,
        locals: HashMap::default(),
        found: false,
    };
    with_function(program, function, |function_ref| match &function_ref.body {
        Body::Block(stmts) => stmts.visit_with(&mut finder),
        Body::Expr(expr) => expr.visit_with(&mut finder),
    });
    finder.found
}

struct Finder<'b, 'a> {
    bindings: &'b Bindings<'a>,
    /// What the function's locals hold, when it matters.
    locals: HashMap<Id, Source>,
    found: bool,
}

impl Finder<'_, '_> {
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
        }
    }

    fn visit_assign_expr(&mut self, assign: &AssignExpr) {
        assign.right.visit_with(self);
        if let AssignTarget::Simple(SimpleAssignTarget::Ident(ident)) = &assign.left {
            let source = self.source(&assign.right);
            if source > Source::Unrelated {
                let id = self.bindings.id(&ident.id);
                self.locals.insert(id, source);
            }
        }
    }

    fn visit_call_expr(&mut self, call: &CallExpr) {
        if let Callee::Expr(callee) = &call.callee
            && self.judge_call(callee, &call.args)
        {
            self.found = true;
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
