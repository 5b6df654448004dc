//! Judging origin checks: what a condition says about the sender, and how strong each
//! comparison, allowlist, regular expression or helper is.

use swc_common::Spanned;
use swc_ecma_ast::*;
use swc_ecma_visit::{Visit, VisitWith};

use super::*;
use crate::diagnostic::Label;
use crate::parse::span_range;
use crate::semantic::values::{literal_string, member_name, strip};

impl Walker<'_, '_> {
    /// This window: `window`, `self`, or the event's own `target` / `currentTarget`.
    pub(super) fn is_own_window(&self, expr: &Expr) -> bool {
        if let Expr::Member(member) = strip(expr)
            && matches!(member_name(&member.prop), Some("target" | "currentTarget"))
            && self.is_event(&member.obj)
        {
            return true;
        }
        self.context.bindings.classify_target(expr)
            == crate::semantic::values::Target::CurrentWindow
    }

    /// Whether `data` carries the message data and `token` holds an unguessable value
    /// this file made (`Math.random()`, `crypto.randomUUID()`, `nanoid()`, and strings
    /// built from them).
    pub(super) fn is_nonce_reply(&self, data: &Expr, token: &Expr) -> bool {
        self.taint_of(data).is_some() && self.is_random_token(token, 0)
    }

    pub(super) fn is_random_token(&self, expr: &Expr, depth: u32) -> bool {
        if depth > 6 {
            return false;
        }
        match strip(expr) {
            Expr::Ident(ident) => self
                .sole_value(ident)
                .is_some_and(|init| self.is_random_token(init, depth + 1)),
            Expr::Call(call) => {
                let Callee::Expr(callee) = &call.callee else {
                    return false;
                };
                let text = expression_text(callee);
                if matches!(
                    text.as_str(),
                    "Math.random"
                        | "crypto.randomUUID"
                        | "window.crypto.randomUUID"
                        | "self.crypto.randomUUID"
                        | "uuid"
                        | "uuidv4"
                        | "v4"
                        | "nanoid"
                ) {
                    return true;
                }
                // `Math.random().toString(36).slice(2)`
                match strip(callee) {
                    Expr::Member(member) => self.is_random_token(&member.obj, depth + 1),
                    _ => false,
                }
            }
            Expr::Bin(bin) if bin.op == BinaryOp::Add => {
                self.is_random_token(&bin.left, depth + 1)
                    || self.is_random_token(&bin.right, depth + 1)
            }
            Expr::Tpl(tpl) => tpl.exprs.iter().any(|e| self.is_random_token(e, depth + 1)),
            _ => false,
        }
    }

    /// The request's `Host` header (`req.headers.host`, `req.get("host")`), or its
    /// host name (`req.headers.host.split(":")[0]`).
    pub(super) fn is_host_header(&self, expr: &Expr, depth: u32) -> bool {
        if depth > 6 {
            return false;
        }
        match strip(expr) {
            // `let host = req.headers.host;`
            Expr::Ident(ident) => self.sole_value(ident).is_some_and(|init| {
                !matches!(strip(init), Expr::Ident(_)) && self.is_host_header(init, depth + 1)
            }),
            Expr::Member(member) => {
                if let Expr::Call(call) = strip(&member.obj)
                    && let Callee::Expr(callee) = &call.callee
                    && let Expr::Member(split) = strip(callee)
                    && member_name(&split.prop) == Some("split")
                {
                    return self.is_host_header(&split.obj, depth + 1);
                }
                let name = match &member.prop {
                    MemberProp::Computed(computed) => literal_string(&computed.expr),
                    prop => member_name(prop),
                };
                matches!(name, Some("host" | ":authority")) && self.is_event(&member.obj)
            }
            Expr::Call(call) => {
                let Callee::Expr(callee) = &call.callee else {
                    return false;
                };
                let Expr::Member(method) = strip(callee) else {
                    return false;
                };
                matches!(
                    member_name(&method.prop),
                    Some("get" | "getHeader" | "header")
                ) && (self.is_event(&method.obj)
                    || matches!(self.role(&method.obj), Some(Role::Request)))
                    && call
                        .args
                        .first()
                        .and_then(|arg| literal_string(&arg.expr))
                        .is_some_and(|name| name.eq_ignore_ascii_case("host"))
            }
            _ => false,
        }
    }

    /// Reduces a condition to its origin checks, registering each check once.
    pub(super) fn cond_of(&mut self, test: &Expr) -> Cond {
        crate::stack::ensure_room();
        let test = strip(test);
        match test {
            Expr::Unary(unary) if unary.op == UnaryOp::Bang => {
                Cond::Not(Box::new(self.cond_of(&unary.arg)))
            }
            Expr::Bin(bin) if matches!(bin.op, BinaryOp::LogicalAnd | BinaryOp::LogicalOr) => {
                let left = self.cond_of(&bin.left);
                let right = self.cond_of(&bin.right);
                // `allowed === "*" || event.origin === allowed`: the check can be skipped.
                let (wildcard, other) = match (&left, &right) {
                    (Cond::WildcardTest, other) | (other, Cond::WildcardTest) => {
                        (true, other.clone())
                    }
                    _ => (false, Cond::Other),
                };
                if wildcard && other.has_check() {
                    let mut indices = Vec::new();
                    other.checks(&mut indices);
                    for index in indices {
                        self.facts.checks[index].strength = Strength::weak(
                            "the check is skipped when the expected origin is \"*\", so every \
                             origin passes",
                            Some("https://attacker.example".into()),
                        );
                    }
                    return other;
                }
                // `allowed.length > 0 && !allowed.includes(event.origin)`, the test for
                // rejecting a sender: while the list is empty (often its default) nothing is
                // rejected.
                let gated = match (bin.op, &left, &right) {
                    (BinaryOp::LogicalAnd, Cond::Other, rejects @ Cond::Not(_))
                        if rejects.has_check() && skipped_while_empty(&bin.left, &bin.right) =>
                    {
                        Some(rejects.clone())
                    }
                    _ => None,
                };
                if let Some(checked) = gated {
                    let mut indices = Vec::new();
                    checked.checks(&mut indices);
                    for index in indices {
                        self.facts.checks[index].strength = Strength::weak(
                            "the check is skipped while the allow-list is empty, and every \
                             origin passes then",
                            Some("https://attacker.example".into()),
                        );
                    }
                    return checked;
                }
                if bin.op == BinaryOp::LogicalAnd {
                    Cond::And(Box::new(left), Box::new(right))
                } else {
                    Cond::Or(Box::new(left), Box::new(right))
                }
            }
            Expr::Ident(ident) => match self.roles.get(&self.id(ident)) {
                Some(Role::CheckResult(cond)) => (**cond).clone(),
                _ => Cond::Other,
            },
            Expr::Call(call)
                if matches!(&call.callee, Callee::Expr(callee)
                    if matches!(strip(callee), Expr::Fn(_) | Expr::Arrow(_))) =>
            {
                Cond::Inline(span_range(call.span))
            }
            _ => match self.check_of(test) {
                Some((strength, polarity)) => {
                    let index = self.add_check(span_range(test.span()), strength, polarity);
                    Cond::Check { index, polarity }
                }
                None if is_wildcard_test(test) => Cond::WildcardTest,
                None => Cond::Other,
            },
        }
    }

    /// Whether `expr` is an origin check; its strength, and whether it is true when the check passes.
    pub(super) fn check_of(&mut self, expr: &Expr) -> Option<(Strength, bool)> {
        self.next_check_helper = None;
        match strip(expr) {
            Expr::Bin(bin) => self.comparison_check(bin),
            // `~origin.indexOf(x)` is non-zero exactly when `x` is found.
            Expr::Unary(unary) if unary.op == UnaryOp::Tilde => match strip(&unary.arg) {
                Expr::Call(call) => self
                    .index_of_strength(call)
                    .map(|strength| (strength, true)),
                _ => None,
            },
            Expr::Call(call) => self.call_check(call),
            Expr::OptChain(chain) => match &*chain.base {
                OptChainBase::Call(call) => {
                    let callee = strip(&call.callee);
                    self.method_check(callee, &call.args)
                }
                OptChainBase::Member(member) => self.lookup_check(member),
            },
            Expr::Member(member) => self.lookup_check(member),
            _ => None,
        }
    }

    pub(super) fn comparison_check(&mut self, bin: &BinExpr) -> Option<(Strength, bool)> {
        self.next_check_self_only = false;
        let polarity = match bin.op {
            BinaryOp::EqEqEq | BinaryOp::EqEq => true,
            BinaryOp::NotEqEq | BinaryOp::NotEq => false,
            // `allowed.indexOf(event.origin) > -1` and friends.
            BinaryOp::Gt | BinaryOp::GtEq | BinaryOp::Lt | BinaryOp::LtEq => {
                return self.index_of_comparison(bin);
            }
            _ => return None,
        };
        let (subject, other) = if self.is_origin(&bin.left)
            || self.is_source(&bin.left)
            || self.url_field(&bin.left).is_some()
        {
            (&*bin.left, &*bin.right)
        } else if self.is_origin(&bin.right)
            || self.is_source(&bin.right)
            || self.url_field(&bin.right).is_some()
        {
            (&*bin.right, &*bin.left)
        } else if self.is_nonce_reply(&bin.left, &bin.right)
            || self.is_nonce_reply(&bin.right, &bin.left)
        {
            // `e.data.id === requestId` with an id only this window made and sent: a
            // sender that can echo it received the request, so it is the window asked.
            return Some((Strength::Strong, polarity));
        } else {
            // `allowed.indexOf(event.origin) !== -1`
            return self.index_of_comparison(bin);
        };
        // `event.source == null` only asks whether there is a sender to answer.
        if matches!(strip(other), Expr::Lit(Lit::Null(_)))
            || matches!(strip(other), Expr::Ident(name) if &*name.sym == "undefined")
            || matches!(strip(other), Expr::Unary(unary) if unary.op == UnaryOp::Void)
        {
            return None;
        }
        if self.is_source(subject) {
            // `event.source === window` only tells this window's own posts from the rest:
            // every other sender still gets through.
            if self.is_own_window(other) {
                self.next_check_self_only = true;
                return Some((Strength::Strong, polarity));
            }
            // `event.source === iframe.contentWindow`: the right check for sandboxed frames.
            return Some((Strength::Strong, polarity));
        }
        if let Some(field) = self.url_field(subject).filter(|f| *f != "origin") {
            let strength = match field {
                // The whole URL of an origin is the origin and a slash.
                "href" => self.expected_origin_strength(other),
                // The host the browser connected to: only a page served from this
                // host sends a matching Origin.
                "hostname" | "host" if self.is_host_header(other, 0) => Strength::Strong,
                "hostname" | "host" => Strength::HostnameOnly,
                "protocol" => Strength::ProtocolOnly,
                _ => Strength::weak(
                    format!("`.{field}` of the origin URL does not identify the sender"),
                    None,
                ),
            };
            return Some((strength, polarity));
        }
        Some((self.expected_origin_strength(other), polarity))
    }

    /// `list.indexOf(origin) !== -1`, `origin.indexOf("x") > -1`, `=== -1` negated.
    pub(super) fn index_of_comparison(&mut self, bin: &BinExpr) -> Option<(Strength, bool)> {
        let (call, number, call_on_left) = match (strip(&bin.left), strip(&bin.right)) {
            (Expr::Call(call), other) => (call, other, true),
            (other, Expr::Call(call)) => (call, other, false),
            _ => return None,
        };
        let value = match strip(number) {
            Expr::Lit(Lit::Num(n)) => n.value,
            Expr::Unary(u) if u.op == UnaryOp::Minus => match strip(&u.arg) {
                Expr::Lit(Lit::Num(n)) => -n.value,
                _ => return None,
            },
            _ => return None,
        };
        // Normalise to "call OP value" and ask whether it means "found".
        let op = if call_on_left { bin.op } else { flip(bin.op) };
        // `indexOf` gives -1 when absent and an index from 0 when present.
        let found = match op {
            BinaryOp::NotEqEq | BinaryOp::NotEq if value == -1.0 => true,
            BinaryOp::EqEqEq | BinaryOp::EqEq if value == -1.0 => false,
            BinaryOp::Gt if value == -1.0 => true,
            BinaryOp::GtEq if value == 0.0 => true,
            BinaryOp::Lt if value == 0.0 => false,
            BinaryOp::EqEqEq | BinaryOp::EqEq if value == 0.0 => true,
            BinaryOp::NotEqEq | BinaryOp::NotEq if value == 0.0 => false,
            _ => return None,
        };
        let strength = self.index_of_strength(call)?;
        // `origin.indexOf(x) === 0` asks whether the origin starts with `x`.
        if value == 0.0
            && matches!(
                op,
                BinaryOp::EqEqEq | BinaryOp::EqEq | BinaryOp::NotEqEq | BinaryOp::NotEq
            )
            && matches!(strength, Strength::Weak { .. })
            && let Callee::Expr(callee) = &call.callee
            && let Expr::Member(method) = strip(callee)
            && self.is_origin(&method.obj)
        {
            let prefix = call
                .args
                .first()
                .and_then(|arg| self.string_value(&arg.expr))
                .unwrap_or_default();
            return Some((
                Strength::weak(
                    "`origin.indexOf(x) === 0` is a prefix test: any origin that begins with the \
                     expected text passes",
                    Some(format!("{prefix}.attacker.example")),
                ),
                found,
            ));
        }
        Some((strength, found))
    }

    /// The strength of "found" for `origin.indexOf(x)` or `list.indexOf(origin)`.
    pub(super) fn index_of_strength(&self, call: &CallExpr) -> Option<Strength> {
        let Callee::Expr(callee) = &call.callee else {
            return None;
        };
        let Expr::Member(method) = strip(callee) else {
            return None;
        };
        let method_name = member_name(&method.prop)?;
        if !matches!(method_name, "indexOf" | "lastIndexOf" | "search") {
            return None;
        }
        let first = call.args.first().map(|arg| &*arg.expr);
        // `event.data.indexOf(PREFIX) === 0` with a prefix this window made at random.
        if first.is_some_and(|token| self.is_nonce_reply(&method.obj, token)) {
            return Some(Strength::Strong);
        }
        if matches!(self.url_field(&method.obj), Some("hostname" | "host")) {
            let needle = first.and_then(|arg| self.string_value(arg));
            return Some(Strength::weak(
                format!("`{method_name}` on the hostname accepts other domains that contain it"),
                needle.map(|n| format!("https://{n}.attacker.example")),
            ));
        }
        if self.is_origin(&method.obj) {
            let needle = first.and_then(|arg| self.string_value(arg));
            Some(Strength::weak(
                format!("`{method_name}` finds the text anywhere in the origin"),
                needle.map(|n| format!("https://{}.attacker.example", host_of(&n))),
            ))
        } else if first.is_some_and(|arg| self.is_origin(arg)) {
            Some(self.allowlist_strength(&method.obj))
        } else {
            None
        }
    }

    pub(super) fn call_check(&mut self, call: &CallExpr) -> Option<(Strength, bool)> {
        let Callee::Expr(callee) = &call.callee else {
            return None;
        };
        let callee = strip(callee);
        if let Some(found) = self.method_check(callee, &call.args) {
            return Some(found);
        }
        // `String(event.origin)` only normalises the origin.
        if normalised_operand(&Expr::Call(call.clone())).is_some() {
            return None;
        }
        // The request's own methods act on it and check nothing: the `websocket` package's
        // `request.accept(protocol, request.origin)`.
        if let Expr::Member(member) = callee
            && (self.is_event(&member.obj) || matches!(self.role(&member.obj), Some(Role::Request)))
        {
            return None;
        }
        // A helper given the origin or the whole event.
        let gives_origin = call
            .args
            .iter()
            .position(|arg| self.is_origin(&arg.expr) || self.is_event(&arg.expr))?;
        let gives_event = self.is_event(&call.args[gives_origin].expr);
        match self.helper_summary(callee, gives_origin, gives_event) {
            Some(summary) => Some((summary.strength, true)),
            // A function from a package (or a module the run does not hold) that is handed
            // the origin in a condition: trust it.
            None if self.resolve_function(callee).is_none()
                && self.context.bindings.imported_function(callee).is_none() =>
            {
                Some((Strength::Strong, true))
            }
            None => None,
        }
    }

    /// `origin.startsWith(x)`, `list.includes(origin)`, `re.test(origin)`, `map.has(origin)`…
    pub(super) fn method_check(
        &mut self,
        callee: &Expr,
        args: &[ExprOrSpread],
    ) -> Option<(Strength, bool)> {
        let member = match callee {
            Expr::Member(member) => member,
            Expr::OptChain(chain) => match &*chain.base {
                OptChainBase::Member(member) => member,
                OptChainBase::Call(_) => return None,
            },
            _ => return None,
        };
        let method = member_name(&member.prop)?;
        let first = args.first().map(|arg| &*arg.expr);
        // `event.data.startsWith(PREFIX)` with a prefix this window made at random.
        if matches!(method, "startsWith" | "includes")
            && first.is_some_and(|token| self.is_nonce_reply(&member.obj, token))
        {
            return Some((Strength::Strong, true));
        }
        // `new URL(event.origin).hostname.endsWith(".example.com")`
        if matches!(self.url_field(&member.obj), Some("hostname" | "host")) {
            let needle = first.and_then(|arg| self.string_value(arg));
            let strength = match (method, needle) {
                ("endsWith", Some(suffix)) if suffix.starts_with('.') => Strength::HostnameOnly,
                ("endsWith", suffix) => Strength::weak(
                    "`endsWith` without a leading dot accepts other domains that end the same way",
                    suffix.map(|s| format!("https://attacker{s}")),
                ),
                ("includes" | "indexOf" | "startsWith" | "search" | "match", needle) => {
                    Strength::weak(
                        format!("`{method}` on the hostname accepts other domains that contain it"),
                        needle.map(|n| format!("https://{n}.attacker.example")),
                    )
                }
                _ => return None,
            };
            return Some((strength, true));
        }
        if self.is_origin(&member.obj) {
            let needle = first.and_then(|arg| self.string_value(arg));
            let strength = match method {
                "startsWith" => {
                    let prefix = needle.unwrap_or_default();
                    Strength::weak(
                        "`startsWith` accepts any origin that begins with the expected one",
                        Some(format!("{prefix}.attacker.example")),
                    )
                }
                "endsWith" => match needle {
                    Some(suffix) if suffix.starts_with('.') || suffix.contains("://") => {
                        Strength::Strong
                    }
                    suffix => Strength::weak(
                        "`endsWith` without a leading dot accepts other domains that end the same way",
                        suffix.map(|s| format!("https://attacker{}", host_of(&s))),
                    ),
                },
                // As a truth value, `origin.indexOf(x)` is 0 (false) exactly when the
                // origin starts with `x`: `!origin.indexOf(x)` is a prefix test.
                "indexOf" | "search" => {
                    let prefix = needle.unwrap_or_default();
                    return Some((
                        Strength::weak(
                            format!(
                                "`!origin.{method}(…)` is true when the origin starts with the \
                                 expected text, so any origin that begins with it passes"
                            ),
                            Some(format!("{prefix}.attacker.example")),
                        ),
                        false,
                    ));
                }
                "includes" | "contains" => Strength::weak(
                    format!("`{method}` finds the expected text anywhere in the origin"),
                    needle.map(|n| format!("https://{}.attacker.example", host_of(&n))),
                ),
                "match" => match first {
                    Some(pattern) => self.regex_strength(pattern),
                    None => return None,
                },
                "localeCompare" => Strength::Strong,
                _ => return None,
            };
            return Some((strength, true));
        }
        if !first.is_some_and(|arg| self.is_origin(arg)) {
            return None;
        }
        let strength = match method {
            "includes" | "has" | "contains" => self.allowlist_strength(&member.obj),
            "test" | "exec" => self.regex_strength(&member.obj),
            "get" | "hasOwnProperty" => Strength::Strong,
            "startsWith" => {
                let subject = self.string_value(&member.obj);
                Strength::weak(
                    "the reversed test `expected.startsWith(event.origin)` accepts any prefix of \
                     the expected origin",
                    subject.map(|s| s[..s.len().saturating_sub(1).max(1)].to_string()),
                )
            }
            "some" | "find" | "findIndex" | "every" => Strength::Strong,
            _ => return None,
        };
        Some((strength, true))
    }

    /// `handlers[event.origin]` used as a condition.
    pub(super) fn lookup_check(&mut self, member: &MemberExpr) -> Option<(Strength, bool)> {
        match &member.prop {
            MemberProp::Computed(computed) if self.is_origin(&computed.expr) => {
                Some((Strength::Strong, true))
            }
            _ => None,
        }
    }

    pub(super) fn string_value(&self, expr: &Expr) -> Option<String> {
        if let Some(text) = literal_string(expr) {
            return Some(text.to_string());
        }
        match strip(expr) {
            Expr::Ident(ident) => {
                let binding = self.context.bindings.binding(&self.id(ident))?;
                if binding.kind != crate::semantic::values::BindingKind::Const {
                    return None;
                }
                literal_string(binding.init()?).map(str::to_string)
            }
            _ => None,
        }
    }

    /// The strength of `event.origin === <expected>`.
    pub(super) fn expected_origin_strength(&self, expected: &Expr) -> Strength {
        if self.context.bindings.wildcard_origin(expected).is_some() {
            return Strength::weak(
                "the expected origin may be \"*\", which no sender has; code that treats it as \
                 \"any origin\" accepts every sender",
                Some("https://attacker.example".into()),
            );
        }
        if let Some(text) = self.string_value(expected) {
            if text == "null" {
                return Strength::weak(
                    "every sandboxed frame and every `data:` document has the origin \"null\"",
                    Some("null".into()),
                );
            }
            return Strength::Strong;
        }
        if let Some(source) = self.user_controlled_origin(expected, 0) {
            return Strength::weak(
                format!(
                    "the expected origin is computed from {source}, which an attacker controls"
                ),
                Some("https://attacker.example".into()),
            );
        }
        Strength::Strong
    }

    /// `new URL(document.referrer).origin` and similar, through `const`s.
    pub(super) fn user_controlled_origin(&self, expr: &Expr, depth: u32) -> Option<String> {
        if depth > 6 {
            return None;
        }
        match strip(expr) {
            Expr::Ident(ident) => {
                let binding = self.context.bindings.binding(&self.id(ident))?;
                if let Some(Role::Tainted(_)) = self.roles.get(&self.id(ident)) {
                    return Some("the message data".into());
                }
                self.user_controlled_origin(binding.init()?, depth + 1)
            }
            Expr::Member(member) => {
                let text = expression_text(expr);
                for source in [
                    "document.referrer",
                    "location.search",
                    "location.hash",
                    "location.href",
                    "searchParams",
                    "URLSearchParams",
                ] {
                    if text.contains(source) {
                        return Some(format!("`{source}`"));
                    }
                }
                if self.event_field(expr) == Some("data") {
                    return Some("the message data".into());
                }
                self.user_controlled_origin(&member.obj, depth + 1)
            }
            Expr::New(new) => new
                .args
                .as_ref()?
                .first()
                .and_then(|arg| self.user_controlled_origin(&arg.expr, depth + 1)),
            Expr::Call(call) => {
                let text = expression_text(expr);
                if text.contains("searchParams") || text.contains("URLSearchParams") {
                    return Some("the page's query string".into());
                }
                call.args
                    .first()
                    .and_then(|arg| self.user_controlled_origin(&arg.expr, depth + 1))
            }
            _ => None,
        }
    }

    /// The strength of `list.includes(event.origin)`, by what the list holds.
    pub(super) fn allowlist_strength(&self, list: &Expr) -> Strength {
        let resolved = match strip(list) {
            Expr::Ident(ident) => self
                .context
                .bindings
                .binding(&self.id(ident))
                .and_then(|binding| binding.init()),
            other => Some(other),
        };
        match resolved.map(strip) {
            Some(Expr::Array(array)) => {
                for element in array.elems.iter().flatten() {
                    match literal_string(&element.expr) {
                        Some("null") => {
                            return Strength::weak(
                                "the allowlist contains \"null\", the origin of every sandboxed \
                                 frame and `data:` document",
                                Some("null".into()),
                            );
                        }
                        Some("*") => {
                            return Strength::weak(
                                "the allowlist contains \"*\"",
                                Some("https://attacker.example".into()),
                            );
                        }
                        _ => {}
                    }
                }
                Strength::Strong
            }
            Some(other) => match literal_string(other) {
                // `"https://a.example https://b.example".includes(origin)` is a substring test.
                Some(text) => Strength::weak(
                    "the allowed origins are one string, so any substring of it passes",
                    Some(text.split_whitespace().next().map_or_else(
                        || text.to_string(),
                        |first| first[..first.len().saturating_sub(1).max(1)].to_string(),
                    )),
                ),
                None => Strength::Strong,
            },
            None => Strength::Strong,
        }
    }

    /// The strength of a regular expression used to test an origin.
    pub(super) fn regex_strength(&self, pattern: &Expr) -> Strength {
        match self.regex_source(pattern, 0) {
            Some(source) => regex_weakness(&source)
                .map_or(Strength::Strong, |(reason, passing)| {
                    Strength::weak(reason, passing)
                }),
            None => Strength::Strong,
        }
    }

    /// The source of a regular expression: a literal, `new RegExp("…")` or
    /// `RegExp("…")` with a known string, directly or through `const`s.
    pub(super) fn regex_source(&self, pattern: &Expr, depth: u32) -> Option<String> {
        if depth > 4 {
            return None;
        }
        match strip(pattern) {
            Expr::Lit(Lit::Regex(regex)) => Some(regex.exp.to_string()),
            Expr::Ident(ident) => {
                let binding = self.context.bindings.binding(&self.id(ident))?;
                if binding.kind != crate::semantic::values::BindingKind::Const {
                    return None;
                }
                self.regex_source(binding.init()?, depth + 1)
            }
            Expr::New(NewExpr { callee, args, .. }) => {
                let first = args.as_ref()?.first()?;
                (matches!(strip(callee), Expr::Ident(name) if &*name.sym == "RegExp"))
                    .then(|| self.string_value(&first.expr))?
            }
            Expr::Call(call) => {
                let Callee::Expr(callee) = &call.callee else {
                    return None;
                };
                let first = call.args.first()?;
                (matches!(strip(callee), Expr::Ident(name) if &*name.sym == "RegExp"))
                    .then(|| self.string_value(&first.expr))?
            }
            other => literal_string(other).map(str::to_string),
        }
    }

    /// What a helper handed the origin (or the event) at `position` checks.
    pub(super) fn helper_summary(
        &mut self,
        callee: &Expr,
        position: usize,
        is_event: bool,
    ) -> Option<HelperSummary> {
        // A helper of another module: its summary, made by the same analysis.
        if let Some((function, found, shown)) = self.context.bindings.imported_function(callee) {
            let checks = if is_event {
                &function.event_checks
            } else {
                &function.origin_checks
            };
            let Some(check) = checks.get(position).cloned().flatten() else {
                let label = Label::elsewhere(
                    &found.path,
                    found.summary.line,
                    format!(
                        "`{shown}` is handed the {} here but does not check its origin",
                        if is_event { "event" } else { "origin" }
                    ),
                );
                if !self.facts.unchecking_helpers.contains(&label) {
                    self.facts.unchecking_helpers.push(label);
                }
                return None;
            };
            self.next_check_helper = Some(Label::elsewhere(
                &found.path,
                found.summary.line,
                format!("`{shown}` checks the origin here"),
            ));
            return Some(HelperSummary {
                strength: check.strength,
                asserts: check.asserts,
            });
        }
        let span = self.resolve_function(callee)?;
        let key = (span.lo.0, span.hi.0, is_event);
        if let Some(summary) = self.context.helper_cache.get(&key) {
            return summary.clone();
        }
        if self.depth >= MAX_CALL_DEPTH || !self.context.active.insert((span.lo.0, span.hi.0)) {
            return None;
        }
        let summary = origin_check_of(self.context, span, position, is_event, self.depth + 1);
        self.context.active.remove(&(span.lo.0, span.hi.0));
        self.context.helper_cache.insert(key, summary.clone());
        summary
    }
}

/// Whether `gate` tests that a list is non-empty (`list.length > 0`, `list.size`,
/// `!list.length`) and `checked` looks the origin up in that same list.
fn skipped_while_empty(gate: &Expr, checked: &Expr) -> bool {
    fn list_tested(gate: &Expr) -> Option<String> {
        // Only tests that hold when the list has entries: `list.length`, `list.size`,
        // `list.length > 0`, `list.length !== 0`, `list.length >= 1`.
        let length_of = |expr: &Expr| match strip(expr) {
            Expr::Member(member)
                if matches!(member_name(&member.prop), Some("length" | "size")) =>
            {
                Some(expression_text(&member.obj))
            }
            _ => None,
        };
        match strip(gate) {
            Expr::Bin(bin) => {
                let Expr::Lit(Lit::Num(number)) = strip(&bin.right) else {
                    return None;
                };
                let non_empty = match bin.op {
                    BinaryOp::Gt | BinaryOp::NotEq | BinaryOp::NotEqEq => number.value == 0.0,
                    BinaryOp::GtEq => number.value == 1.0,
                    _ => false,
                };
                non_empty.then(|| length_of(&bin.left)).flatten()
            }
            other => length_of(other),
        }
    }
    struct Receiver<'t> {
        list: &'t str,
        found: bool,
    }
    impl Visit for Receiver<'_> {
        crate::guard_nesting!();
        fn visit_member_expr(&mut self, member: &MemberExpr) {
            if expression_text(&member.obj) == self.list {
                self.found = true;
            }
            member.visit_children_with(self);
        }
    }
    let Some(list) = list_tested(gate) else {
        return false;
    };
    let mut receiver = Receiver {
        list: &list,
        found: false,
    };
    checked.visit_with(&mut receiver);
    receiver.found
}

/// The value a normalising call or template returns a copy of: `x.toLowerCase()`,
/// `x.trim()`, `String(x)`, `` `${x}` ``.
pub(super) fn normalised_operand(expr: &Expr) -> Option<&Expr> {
    match strip(expr) {
        Expr::Call(call) => {
            let Callee::Expr(callee) = &call.callee else {
                return None;
            };
            match strip(callee) {
                Expr::Member(member)
                    if matches!(
                        member_name(&member.prop),
                        Some(
                            "toLowerCase"
                                | "toLocaleLowerCase"
                                | "trim"
                                | "trimStart"
                                | "trimEnd"
                                | "toString"
                                | "valueOf"
                                | "normalize"
                        )
                    ) =>
                {
                    Some(&member.obj)
                }
                Expr::Ident(name) if &*name.sym == "String" && call.args.len() == 1 => {
                    Some(&call.args[0].expr)
                }
                _ => None,
            }
        }
        Expr::Tpl(tpl)
            if tpl.exprs.len() == 1 && tpl.quasis.iter().all(|quasi| quasi.raw.is_empty()) =>
        {
            Some(&tpl.exprs[0])
        }
        _ => None,
    }
}

pub(super) fn flip(op: BinaryOp) -> BinaryOp {
    match op {
        BinaryOp::Gt => BinaryOp::Lt,
        BinaryOp::Lt => BinaryOp::Gt,
        BinaryOp::GtEq => BinaryOp::LtEq,
        BinaryOp::LtEq => BinaryOp::GtEq,
        other => other,
    }
}

/// `x === "*"` or `x !== "*"` for anything but the origin.
pub(super) fn is_wildcard_test(expr: &Expr) -> bool {
    match strip(expr) {
        Expr::Bin(bin) => {
            matches!(
                bin.op,
                BinaryOp::EqEqEq | BinaryOp::EqEq | BinaryOp::NotEqEq | BinaryOp::NotEq
            ) && (literal_string(&bin.left) == Some("*") || literal_string(&bin.right) == Some("*"))
        }
        _ => false,
    }
}

pub(super) fn weakest(checks: &[OriginCheck]) -> Strength {
    let mut strength = Strength::Strong;
    for check in checks {
        match &check.strength {
            Strength::Weak { .. } => return check.strength.clone(),
            Strength::HostnameOnly | Strength::ProtocolOnly => strength = check.strength.clone(),
            Strength::Strong => {}
        }
    }
    let hostname = checks.iter().any(|c| c.strength == Strength::HostnameOnly);
    let protocol = checks.iter().any(|c| c.strength == Strength::ProtocolOnly);
    if hostname && protocol {
        Strength::Strong
    } else {
        strength
    }
}

/// The host part of an origin-like string: `https://example.com` → `example.com`.
pub(super) fn host_of(text: &str) -> String {
    let without_scheme = text.split_once("://").map_or(text, |(_, rest)| rest);
    without_scheme.trim_matches(['/', '.']).to_string()
}

/// Why a regular expression used on an origin lets other origins through, and an
/// origin that it accepts when one can be shown.
pub fn regex_weakness(source: &str) -> Option<(String, Option<String>)> {
    let anchored_start = source.starts_with('^');
    // `(?=$|\/)` and friends: end or a slash, and an origin has no slash.
    let end_or_slash = [
        "(?=$|\\/)",
        "(?=\\/|$)",
        "(?:$|\\/)",
        "(?:\\/|$)",
        "($|\\/)",
        "(\\/|$)",
    ]
    .iter()
    .any(|tail| source.ends_with(tail));
    let anchored_end = (source.ends_with('$') && !source.ends_with("\\$")) || end_or_slash;
    let chars: Vec<char> = source.chars().collect();
    // A `.` outside a character class, not escaped and not followed by a quantifier
    // (`.*` is a deliberate wildcard) is meant as a literal dot but matches anything.
    let mut lone_dot = false;
    let mut escaped = false;
    let mut in_class = false;
    // The text the pattern matches, with the lone dots replaced by `x`.
    let mut sample = String::new();
    let mut sample_is_plain = true;
    for (index, &c) in chars.iter().enumerate() {
        if escaped {
            escaped = false;
            sample.push(c);
            continue;
        }
        match c {
            '\\' => escaped = true,
            '[' => {
                in_class = true;
                sample_is_plain = false;
            }
            ']' => in_class = false,
            '.' if !in_class => {
                let quantified = matches!(chars.get(index + 1), Some('*' | '+' | '?' | '{'));
                if quantified {
                    sample_is_plain = false;
                } else {
                    lone_dot = true;
                    sample.push('x');
                }
            }
            '^' | '$' => {}
            '(' | ')' | '?' | '*' | '+' | '|' | '{' | '}' => sample_is_plain = false,
            other if !in_class => sample.push(other),
            _ => {}
        }
    }
    let sample = sample_is_plain.then_some(sample);
    let host = |sample: &str| host_of(sample);
    if !anchored_end {
        return Some((
            "the regular expression is not anchored with `$`, so longer origins match".into(),
            sample.map(|s| format!("https://{}.attacker.example", host(&s))),
        ));
    }
    let starts_with_scheme = source
        .trim_start_matches('^')
        .trim_start_matches('(')
        .starts_with("http");
    if !anchored_start && !starts_with_scheme {
        return Some((
            "the regular expression is not anchored with `^`, so other domains that end the \
             same way match"
                .into(),
            sample.map(|s| format!("https://attacker-{}", host(&s))),
        ));
    }
    if lone_dot {
        return Some((
            "an unescaped `.` in the regular expression matches any character".into(),
            sample.map(|s| format!("https://{}", host(&s))),
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::regex_weakness;

    #[test]
    fn regexes_on_origins() {
        assert_eq!(regex_weakness(r"^https:\/\/app\.example\.com$"), None);
        assert_eq!(regex_weakness(r"^https:\/\/.*\.example\.com$"), None);
        assert_eq!(regex_weakness(r"^https:\/\/([a-z]+\.)?example\.com$"), None);
        assert_eq!(
            regex_weakness(r"^(https?:)?\/\/(player\.)?vimeo\.com(?=$|\/)"),
            None
        );
        let (_, passing) = regex_weakness(r"^https:\/\/www.example\.com$").unwrap();
        assert_eq!(passing.as_deref(), Some("https://wwwxexample.com"));
        let (_, passing) = regex_weakness(r"^https:\/\/example\.com").unwrap();
        assert_eq!(
            passing.as_deref(),
            Some("https://example.com.attacker.example")
        );
        let (_, passing) = regex_weakness(r"example\.com$").unwrap();
        assert_eq!(passing.as_deref(), Some("https://attacker-example.com"));
    }
}
