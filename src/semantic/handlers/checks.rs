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
                ) || names_random_id(callee)
                {
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
                let mut operands = Vec::new();
                flatten_chain(test, bin.op, &mut operands);
                let conds: Vec<Cond> = operands
                    .iter()
                    .map(|operand| self.cond_of(operand))
                    .collect();
                let gated = self.gated_operands(bin.op, &operands, &conds);
                for &index in &gated.weakened {
                    self.facts.checks[index].strength = Strength::weak(
                        "the check is skipped while the allow-list is empty (or the expected \
                         origin is unset), and every origin passes then",
                        Some("https://attacker.example".into()),
                    );
                }
                let mut joined: Option<Cond> = None;
                for (index, cond) in conds.into_iter().enumerate() {
                    if gated.dropped.contains(&index) {
                        continue;
                    }
                    joined = Some(match joined {
                        None => cond,
                        Some(left) => self.join(bin.op, left, cond),
                    });
                }
                joined.unwrap_or(Cond::Other)
            }
            // `check === false`, `true !== check`: the check's truth, compared with a boolean.
            Expr::Bin(bin) if boolean_comparison(bin).is_some() => {
                let (operand, same) = boolean_comparison(bin).unwrap_or((&bin.left, true));
                let inner = self.cond_of(operand);
                if !inner.has_check() {
                    return Cond::Other;
                }
                if same {
                    inner
                } else {
                    Cond::Not(Box::new(inner))
                }
            }
            Expr::Ident(ident) => match self.roles.get(&self.id(ident)) {
                Some(Role::CheckResult(cond)) => (**cond).clone(),
                _ => Cond::Other,
            },
            // `const i = list.findIndex(x => <check>); if (i === -1) return;`
            Expr::Bin(bin) if self.found_index(bin).is_some() => {
                self.found_index(bin).unwrap_or(Cond::Other)
            }
            Expr::Call(call)
                if matches!(&call.callee, Callee::Expr(callee)
                    if matches!(strip(callee), Expr::Fn(_) | Expr::Arrow(_))) =>
            {
                Cond::Inline(span_range(call.span))
            }
            _ => {
                // `list.some(x => <check>)`, `list.find(…)`, `list.findIndex(…) !== -1`:
                // true when the check passed for an entry.
                if let Some(cond) = self.callback_cond(test) {
                    return cond;
                }
                match self.check_of(test) {
                    Some((strength, polarity)) => {
                        let index = self.add_check(span_range(test.span()), strength, polarity);
                        Cond::Check { index, polarity }
                    }
                    None if is_wildcard_test(test) => Cond::WildcardTest,
                    None => Cond::Other,
                }
            }
        }
    }

    /// The condition `i !== -1` (or `=== -1`) gives for an index found by a search whose
    /// callback checks the origin.
    pub(super) fn found_index(&self, bin: &BinExpr) -> Option<Cond> {
        let (index, found) = index_found(bin)?;
        let Expr::Ident(ident) = strip(index) else {
            return None;
        };
        match self.roles.get(&self.id(ident)) {
            Some(Role::FoundIndex(cond)) if found => Some((**cond).clone()),
            Some(Role::FoundIndex(cond)) => Some(Cond::Not(cond.clone())),
            _ => None,
        }
    }

    /// Two conditions joined by `&&` or `||`. `allowed === "*" || event.origin === allowed`:
    /// the check can be skipped, so every origin passes.
    fn join(&mut self, op: BinaryOp, left: Cond, right: Cond) -> Cond {
        let other = match (&left, &right) {
            (Cond::WildcardTest, other) | (other, Cond::WildcardTest) if other.has_check() => {
                other.clone()
            }
            _ if op == BinaryOp::LogicalAnd => return Cond::And(Box::new(left), Box::new(right)),
            _ => return Cond::Or(Box::new(left), Box::new(right)),
        };
        let mut indices = Vec::new();
        other.checks(&mut indices);
        for index in indices {
            self.facts.checks[index].strength = Strength::weak(
                "the check is skipped when the expected origin is \"*\", so every origin passes",
                Some("https://attacker.example".into()),
            );
        }
        other
    }

    /// The condition of a search of a list with a callback that checks the origin:
    /// `list.some(x => <check>)` and `list.find(…)` are truthy when the check passed for
    /// an entry, `list.findIndex(…)` compared with `-1` likewise. Registers the checks only
    /// when the callback makes one.
    fn callback_cond(&mut self, test: &Expr) -> Option<Cond> {
        let (result, found) = callback_search(test)?;
        let cond = self.cond_of(result);
        if !cond.has_check() {
            return None;
        }
        Some(if found {
            cond
        } else {
            Cond::Not(Box::new(cond))
        })
    }

    /// The operands of a chain of `&&` (or `||`) that only say whether an allow-list is
    /// consulted, and the checks they make weak. `allowed.length > 0 &&
    /// !allowed.includes(origin)` (the test for rejecting a sender) rejects nothing while
    /// the list is empty, often its default; so does `expected && origin !== expected`
    /// while nothing is expected, and `!allowed.length || allowed.includes(origin)`
    /// (the test for accepting one) accepts everyone then. Such tests are dropped from
    /// the condition and the checks they gate are weak, unless the list is a constant
    /// that always has entries. A gate in front of a check that fails closed (the list
    /// empty rejects everyone) is kept: it is not a way around the check.
    pub(super) fn gated_operands(&self, op: BinaryOp, operands: &[&Expr], conds: &[Cond]) -> Gated {
        let mut gated = Gated::default();
        let checks = &self.facts.checks;
        for (gate_index, operand) in operands.iter().enumerate() {
            let subject = if op == BinaryOp::LogicalAnd {
                non_empty_test(operand)
            } else {
                empty_test(operand)
            };
            let Some(subject) = subject else { continue };
            if self.is_origin(subject)
                || self.is_event(subject)
                || self.is_source(subject)
                || self.is_data(subject)
            {
                continue;
            }
            let list = expression_text(subject);
            if list.contains('…') {
                continue;
            }
            // The checks the gate lets be skipped: rejecting ones in `&&`, accepting ones
            // in `||`, on the same list.
            let mut skipped = Vec::new();
            for (index, (other, cond)) in operands.iter().zip(conds).enumerate() {
                if index == gate_index || !mentions(other, &list) {
                    continue;
                }
                // In `&&`, an operand that is false when its check passes (rejecting); in
                // `||`, one that is true when it passes (accepting).
                if !cond.holds(op == BinaryOp::LogicalOr, checks).is_empty() {
                    cond.checks(&mut skipped);
                }
            }
            if skipped.is_empty() {
                continue;
            }
            gated.dropped.push(gate_index);
            if !self.always_has_entries(subject) {
                for index in skipped {
                    if !gated.weakened.contains(&index) {
                        gated.weakened.push(index);
                    }
                }
            }
        }
        gated
    }

    /// A `const` array or string with entries: a test that it is non-empty is moot.
    fn always_has_entries(&self, expr: &Expr) -> bool {
        let Expr::Ident(ident) = strip(expr) else {
            return false;
        };
        let Some(binding) = self.context.bindings.binding(&self.id(ident)) else {
            return false;
        };
        if binding.kind != crate::semantic::values::BindingKind::Const {
            return false;
        }
        match binding.init().map(strip) {
            Some(Expr::Array(array)) => !array.elems.is_empty(),
            Some(other) => literal_string(other).is_some_and(|text| !text.is_empty()),
            None => false,
        }
    }

    /// Whether `expr` is an origin check; its strength, and whether it is true when the check passes.
    pub(super) fn check_of(&mut self, expr: &Expr) -> Option<(Strength, bool)> {
        self.next_check_helper = None;
        self.next_check_never_rejects = false;
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
        self.next_check_never_rejects = false;
        let polarity = match bin.op {
            BinaryOp::EqEqEq | BinaryOp::EqEq => true,
            BinaryOp::NotEqEq | BinaryOp::NotEq => false,
            // `allowed.indexOf(event.origin) > -1` and friends.
            BinaryOp::Gt | BinaryOp::GtEq | BinaryOp::Lt | BinaryOp::LtEq => {
                return self.index_of_comparison(bin);
            }
            _ => return None,
        };
        // `!event.origin === expected` compares a boolean with the expected origin: it is
        // never true, so as the test for a foreign sender it rejects nobody.
        let negated_origin = |expr: &Expr| {
            matches!(strip(expr), Expr::Unary(unary)
                if unary.op == UnaryOp::Bang && self.is_origin(&unary.arg))
        };
        if polarity && (negated_origin(&bin.left) || negated_origin(&bin.right)) {
            self.next_check_never_rejects = true;
            return Some((
                Strength::weak(
                    "`!event.origin === expected` compares a boolean with the expected origin, \
                     so it is never true and rejects no origin",
                    Some("https://attacker.example".into()),
                ),
                false,
            ));
        }
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
                .and_then(|arg| self.string_value(&arg.expr));
            return Some((
                prefix_strength(
                    prefix.as_deref(),
                    "`origin.indexOf(x) === 0` is a prefix test: any origin that begins with the \
                     expected text passes",
                ),
                found,
            ));
        }
        // `trustedUrl.indexOf(event.origin) === 0`: the reversed prefix test on a string
        // (a list's first entry is never what `=== 0` asks about).
        if value == 0.0
            && matches!(
                op,
                BinaryOp::EqEqEq | BinaryOp::EqEq | BinaryOp::NotEqEq | BinaryOp::NotEq
            )
            && let Callee::Expr(callee) = &call.callee
            && let Expr::Member(method) = strip(callee)
            && member_name(&method.prop) == Some("indexOf")
            && call
                .args
                .first()
                .is_some_and(|arg| self.is_origin(&arg.expr))
            && !self.is_list(&method.obj)
        {
            return Some((self.reversed_prefix(&method.obj), found));
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
        if normalised_call_operand(call).is_some() {
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
        let gives_origin = self.origin_or_event_at(&call.args)?;
        let gives_event = self.is_event(&call.args[gives_origin].expr);
        match self.helper_summary(callee, gives_origin, gives_event) {
            Some(summary) => Some((summary.strength, true)),
            // A function from a package (or a module the run does not hold) that is handed
            // the origin in a condition: trust it.
            None if self.resolve_function(callee).is_none()
                && self.context.bindings.imported_function(callee).is_none()
                && !is_builtin(self.context.bindings, callee) =>
            {
                Some((Strength::Strong, true))
            }
            None => None,
        }
    }

    /// Where `args` hand over the origin or the whole event, if they do.
    fn origin_or_event_at(&self, args: &[ExprOrSpread]) -> Option<usize> {
        args.iter()
            .position(|arg| self.is_origin(&arg.expr) || self.is_event(&arg.expr))
    }

    /// Whether `args` hand over the origin or the whole event.
    pub(super) fn hands_origin_or_event(&self, args: &[ExprOrSpread]) -> bool {
        self.origin_or_event_at(args).is_some()
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
                "startsWith" => prefix_strength(
                    needle.as_deref(),
                    "`startsWith` accepts any origin that begins with the expected one",
                ),
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
                    return Some((
                        prefix_strength(
                            needle.as_deref(),
                            &format!(
                                "`!origin.{method}(…)` is true when the origin starts with the \
                                 expected text, so any origin that begins with it passes"
                            ),
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
        // `/(^|\.)example\.com$/.test(new URL(event.origin).hostname)`
        if matches!(method, "test" | "exec")
            && first.is_some_and(|arg| matches!(self.url_field(arg), Some("hostname" | "host")))
        {
            let strength = match self.regex_source(&member.obj, 0) {
                Some(source) => hostname_regex_strength(&source),
                None => Strength::HostnameOnly,
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
            "startsWith" => self.reversed_prefix(&member.obj),
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

    /// `expected.startsWith(event.origin)`: any prefix of the expected URL passes,
    /// such as the same host name under a shorter top-level domain.
    pub(super) fn reversed_prefix(&self, expected: &Expr) -> Strength {
        let passing = self.string_value(expected).map(|url| {
            // The origin part of the URL, one character short.
            let origin = match url.split_once("://") {
                Some((scheme, rest)) => {
                    format!("{scheme}://{}", rest.split('/').next().unwrap_or(rest))
                }
                None => url.clone(),
            };
            let mut shorter = origin.clone();
            shorter.pop();
            shorter
        });
        Strength::weak(
            "the reversed test `expected.startsWith(event.origin)` accepts any origin that is a \
             prefix of the expected URL (the same name under a shorter domain, or a cut-off \
             host)",
            passing,
        )
    }

    /// Whether `expr` is known to be an array (a literal, or a name only ever given one).
    pub(super) fn is_list(&self, expr: &Expr) -> bool {
        match strip(expr) {
            Expr::Array(_) => true,
            Expr::Ident(ident) => self
                .context
                .bindings
                .binding(&self.id(ident))
                .and_then(|binding| binding.init())
                .is_some_and(|init| matches!(strip(init), Expr::Array(_))),
            _ => false,
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
                let handed = if is_event { "event" } else { "origin" };
                let message = if function.unanalysed {
                    format!(
                        "`{shown}` is handed the {handed} here, but its module was over \
                         crosswire's limits and was not analysed, so it is not taken as a check"
                    )
                } else {
                    format!("`{shown}` is handed the {handed} here but does not check its origin")
                };
                let label = Label::elsewhere(&found.path, found.summary.line, message);
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
        let key = (span.lo.0, span.hi.0, position, is_event);
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

/// The operands a gate removes and the checks it makes weak (see
/// [`Walker::gated_operands`]).
#[derive(Default)]
pub(super) struct Gated {
    pub(super) dropped: Vec<usize>,
    pub(super) weakened: Vec<usize>,
}

/// The operands of `a && b && c` (or `||`), in order, through nesting of the same operator.
pub(super) fn flatten_chain<'e>(expr: &'e Expr, op: BinaryOp, out: &mut Vec<&'e Expr>) {
    crate::stack::ensure_room();
    match strip(expr) {
        Expr::Bin(bin) if bin.op == op && out.len() < 64 => {
            flatten_chain(&bin.left, op, out);
            flatten_chain(&bin.right, op, out);
        }
        other => out.push(other),
    }
}

/// `x === false`, `true !== x`: the operand, and whether the comparison is true exactly
/// when it is.
pub(super) fn boolean_comparison(bin: &BinExpr) -> Option<(&Expr, bool)> {
    let equal = match bin.op {
        BinaryOp::EqEqEq | BinaryOp::EqEq => true,
        BinaryOp::NotEqEq | BinaryOp::NotEq => false,
        _ => return None,
    };
    let (operand, value) = match (strip(&bin.left), strip(&bin.right)) {
        (other, Expr::Lit(Lit::Bool(value))) | (Expr::Lit(Lit::Bool(value)), other) => {
            (other, value.value)
        }
        _ => return None,
    };
    Some((operand, equal == value))
}

/// `list.some(cb)`, `list.find(cb)` or `list.findIndex(cb) !== -1`: what the callback
/// returns, and whether the test is true when the callback was true for an entry.
pub(super) fn callback_search(test: &Expr) -> Option<(&Expr, bool)> {
    let (call, found) = match strip(test) {
        Expr::Call(call) => (call, true),
        Expr::Bin(bin) => match index_found(bin)? {
            (Expr::Call(call), found) => (call, found),
            _ => return None,
        },
        _ => return None,
    };
    let Callee::Expr(callee) = &call.callee else {
        return None;
    };
    let method = match strip(callee) {
        Expr::Member(member) => member_name(&member.prop)?,
        _ => return None,
    };
    let searches = match strip(test) {
        Expr::Call(_) => matches!(method, "some" | "find" | "findLast"),
        _ => matches!(method, "findIndex" | "findLastIndex"),
    };
    if !searches {
        return None;
    }
    Some((callback_result(&call.args.first()?.expr)?, found))
}

/// `i !== -1`, `i > -1`, `i >= 0` (found) or `i === -1`, `i < 0` (not found) for an index
/// `i`: the index, and whether the test says it was found.
pub(super) fn index_found(bin: &BinExpr) -> Option<(&Expr, bool)> {
    let (index, number, op) = match (strip(&bin.left), strip(&bin.right)) {
        (index, number @ (Expr::Lit(_) | Expr::Unary(_))) => (index, number, bin.op),
        (number @ (Expr::Lit(_) | Expr::Unary(_)), index) => (index, number, flip(bin.op)),
        _ => return None,
    };
    let minus_one = matches!(strip(number), Expr::Unary(u) if u.op == UnaryOp::Minus
        && matches!(strip(&u.arg), Expr::Lit(Lit::Num(n)) if n.value == 1.0));
    let zero = matches!(strip(number), Expr::Lit(Lit::Num(n)) if n.value == 0.0);
    let found = match op {
        BinaryOp::NotEqEq | BinaryOp::NotEq | BinaryOp::Gt if minus_one => true,
        BinaryOp::EqEqEq | BinaryOp::EqEq if minus_one => false,
        BinaryOp::GtEq if zero => true,
        BinaryOp::Lt if zero => false,
        _ => return None,
    };
    Some((index, found))
}

/// What a callback returns: an arrow's expression, or a body's only `return`.
pub(super) fn callback_result(callback: &Expr) -> Option<&Expr> {
    let stmts = match strip(callback) {
        Expr::Arrow(arrow) => match &*arrow.body {
            ArrowFunctionBody::Expr(expr) => return Some(expr),
            ArrowFunctionBody::FunctionBody(block) => &block.stmts,
        },
        Expr::Fn(function) => &function.function.body.as_ref()?.stmts,
        _ => return None,
    };
    match stmts.as_slice() {
        [Stmt::Return(ReturnStmt { arg: Some(arg), .. })] => Some(&**arg),
        _ => None,
    }
}

/// The list (or expected value) a test says is there and has entries: `list.length`,
/// `list.length > 0`, `list.size !== 0`, `list`, `!!list`, `Array.isArray(list)`,
/// `list != null`.
fn non_empty_test(expr: &Expr) -> Option<&Expr> {
    match strip(expr) {
        Expr::Unary(unary) if unary.op == UnaryOp::Bang => empty_test(&unary.arg),
        Expr::Bin(bin) => {
            let (subject, number) = match (strip(&bin.left), strip(&bin.right)) {
                (subject, Expr::Lit(Lit::Num(number))) => (subject, number.value),
                _ => return not_null(bin, false),
            };
            let non_empty = match bin.op {
                BinaryOp::Gt | BinaryOp::NotEq | BinaryOp::NotEqEq => number == 0.0,
                BinaryOp::GtEq => number == 1.0,
                _ => false,
            };
            if non_empty { length_of(subject) } else { None }
        }
        Expr::Call(call) => {
            let Callee::Expr(callee) = &call.callee else {
                return None;
            };
            expression_is(callee, "Array.isArray")
                .then(|| call.args.first().map(|arg| &*arg.expr))
                .flatten()
        }
        other @ (Expr::Ident(_) | Expr::Member(_)) => Some(length_of(other).unwrap_or(other)),
        _ => None,
    }
}

/// The list (or expected value) a test says is missing or empty: `!list.length`,
/// `list.length === 0`, `list.length < 1`, `!list`, `list == null`.
fn empty_test(expr: &Expr) -> Option<&Expr> {
    match strip(expr) {
        Expr::Unary(unary) if unary.op == UnaryOp::Bang => non_empty_test(&unary.arg),
        Expr::Bin(bin) => {
            let (subject, number) = match (strip(&bin.left), strip(&bin.right)) {
                (subject, Expr::Lit(Lit::Num(number))) => (subject, number.value),
                _ => return not_null(bin, true),
            };
            let empty = match bin.op {
                BinaryOp::EqEqEq | BinaryOp::EqEq => number == 0.0,
                BinaryOp::Lt => number == 1.0,
                BinaryOp::LtEq => number == 0.0,
                _ => false,
            };
            if empty { length_of(subject) } else { None }
        }
        _ => None,
    }
}

/// `x != null` (or, when `is_null`, `x == null`), also with `undefined`.
fn not_null(bin: &BinExpr, is_null: bool) -> Option<&Expr> {
    let wanted = if is_null {
        matches!(bin.op, BinaryOp::EqEqEq | BinaryOp::EqEq)
    } else {
        matches!(bin.op, BinaryOp::NotEqEq | BinaryOp::NotEq)
    };
    let nothing = |expr: &Expr| {
        matches!(strip(expr), Expr::Lit(Lit::Null(_)))
            || matches!(strip(expr), Expr::Ident(name) if &*name.sym == "undefined")
    };
    if !wanted {
        return None;
    }
    match (strip(&bin.left), strip(&bin.right)) {
        (subject @ (Expr::Ident(_) | Expr::Member(_)), other) if nothing(other) => Some(subject),
        (other, subject @ (Expr::Ident(_) | Expr::Member(_))) if nothing(other) => Some(subject),
        _ => None,
    }
}

/// `list` of `list.length` or `list.size`.
fn length_of(expr: &Expr) -> Option<&Expr> {
    match strip(expr) {
        Expr::Member(member) if matches!(member_name(&member.prop), Some("length" | "size")) => {
            Some(&member.obj)
        }
        _ => None,
    }
}

/// Whether `expr` mentions the value whose text is `list` (`allowed`, `this.allowed`).
fn mentions(expr: &Expr, list: &str) -> bool {
    struct Finder<'t> {
        list: &'t str,
        found: bool,
    }
    impl Visit for Finder<'_> {
        crate::guard_nesting!(except visit_expr);
        fn visit_expr(&mut self, expr: &Expr) {
            crate::stack::ensure_room();
            if self.found {
                return;
            }
            if matches!(expr, Expr::Ident(_) | Expr::Member(_))
                && expression_text_is(expr, self.list)
            {
                self.found = true;
                return;
            }
            expr.visit_children_with(self);
        }
    }
    let mut finder = Finder { list, found: false };
    expr.visit_with(&mut finder);
    finder.found
}

/// The strength of a prefix test on the origin (`origin.startsWith(prefix)`, and its
/// `indexOf` forms). A serialized origin is `scheme://host[:port]` and nothing after: a
/// prefix that holds a path can never match, so nothing passes; any other prefix is
/// continued by a longer host name or port.
fn prefix_strength(prefix: Option<&str>, reason: &str) -> Strength {
    let Some(prefix) = prefix else {
        return Strength::weak(reason, None);
    };
    let after_scheme = prefix.split_once("://").map_or(prefix, |(_, rest)| rest);
    if after_scheme.contains('/') {
        return Strength::Strong;
    }
    let passing = match after_scheme.rsplit_once(':') {
        // `http://localhost:` passes every port, `http://localhost:517` longer ports.
        Some((_, "")) => format!("{prefix}8080"),
        Some((_, port)) if port.bytes().all(|b| b.is_ascii_digit()) => format!("{prefix}0"),
        _ => format!("{prefix}.attacker.example"),
    };
    Strength::weak(reason, Some(passing))
}

/// [`normalised_operand`] of a call: `origin.toLowerCase()`, `String(origin)`.
/// A function named as one that makes a random id: `generateUUID()`, `createGuid()`,
/// `uuid()`, `uuidv4()`, `nanoid()`, `uuid.v4()`, `Guid.create()`. Not the name-based or
/// fixed ones (`uuidv5(name, ns)`, `Guid.empty()`), nor ones that read or test an id
/// (`uuid.parse(s)`, `getDeviceUuid()`, `getGuideStep()`).
fn names_random_id(callee: &Expr) -> bool {
    let (name, object) = match strip(callee) {
        Expr::Ident(ident) => (&*ident.sym, None),
        Expr::Member(member) => match member_name(&member.prop) {
            Some(name) => (name, Some(&member.obj)),
            None => return false,
        },
        _ => return false,
    };
    let words = |name: &str| -> Vec<String> {
        let mut words: Vec<String> = Vec::new();
        let mut previous_lower = false;
        for c in name.chars() {
            if c == '_' || c == '-' || c == '$' {
                previous_lower = false;
                words.push(String::new());
                continue;
            }
            if c.is_ascii_uppercase() && previous_lower || words.is_empty() {
                words.push(String::new());
            }
            previous_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
            if let Some(word) = words.last_mut() {
                word.push(c.to_ascii_lowercase());
            }
        }
        words.retain(|word| !word.is_empty());
        words
    };
    let is_id = |word: &str| matches!(word, "uuid" | "uuidv4" | "guid" | "nanoid");
    let makes = |word: &str| {
        matches!(
            word,
            "generate" | "gen" | "create" | "new" | "make" | "random" | "v4" | "uuidv4"
        )
    };
    let method = words(name);
    match object.map(|object| strip(object)) {
        // `uuid.v4()`, `Guid.create()`, `nanoid.nanoid()`.
        Some(Expr::Ident(object)) if words(&object.sym).iter().any(|word| is_id(word)) => {
            method.iter().any(|word| makes(word) || is_id(word))
                && !method
                    .iter()
                    .any(|word| matches!(word.as_str(), "v1" | "v3" | "v5"))
        }
        // `generateUUID()`, `Utils.createGuid()`, `uuid()`, `nanoid()`.
        _ => {
            method.iter().any(|word| is_id(word))
                && (method.len() == 1 || method.iter().any(|word| makes(word)))
        }
    }
}

/// A function of the language or the console that checks nothing when handed the event or
/// the origin (`Boolean(event)`, `Array.isArray(origin)`, `JSON.stringify(event)`). Those
/// that can compare (`Object.is`, `Object.hasOwn`, `Reflect.has`) are not among them.
fn is_builtin(bindings: &Bindings, callee: &Expr) -> bool {
    let global = |expr: &Expr, name: &str| {
        matches!(strip(expr), Expr::Ident(ident)
            if bindings.is_global(ident) && &*ident.sym == name)
    };
    match strip(callee) {
        Expr::Member(member) => {
            let Some(method) = member_name(&member.prop) else {
                return false;
            };
            let object = &member.obj;
            (global(object, "Array") && matches!(method, "isArray" | "from" | "of"))
                || global(object, "JSON")
                || global(object, "console")
                || global(object, "Math")
                || (global(object, "Object")
                    && matches!(
                        method,
                        "keys" | "values" | "entries" | "assign" | "freeze" | "getPrototypeOf"
                    ))
                || (global(object, "Number") && matches!(method, "isNaN" | "isFinite" | "parseInt"))
                || (global(object, "Promise") && matches!(method, "resolve" | "reject"))
        }
        callee => [
            "Boolean",
            "String",
            "Number",
            "Array",
            "Symbol",
            "isNaN",
            "isFinite",
            "parseInt",
            "parseFloat",
            "encodeURIComponent",
            "decodeURIComponent",
            "encodeURI",
            "decodeURI",
            "escape",
            "unescape",
            "structuredClone",
            "alert",
        ]
        .iter()
        .any(|name| global(callee, name)),
    }
}

pub(super) fn normalised_call_operand(call: &CallExpr) -> Option<&Expr> {
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

/// The value a normalising call or template returns a copy of: `x.toLowerCase()`,
/// `x.trim()`, `String(x)`, `` `${x}` ``.
pub(super) fn normalised_operand(expr: &Expr) -> Option<&Expr> {
    match strip(expr) {
        Expr::Call(call) => normalised_call_operand(call),
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

/// The strength of a regular expression tested on an origin's hostname: one that
/// matches only the names it spells, or their subdomains after a dot boundary
/// (`(^|\.)example\.com$`, `\.example\.com$`), compares the hostname only (any scheme
/// and port pass); one that an attacker's domain can match is weak.
fn hostname_regex_strength(source: &str) -> Strength {
    let alternatives = top_level_alternatives(source);
    if alternatives.len() > 1 {
        return alternatives
            .into_iter()
            .map(hostname_regex_strength)
            .find(|strength| matches!(strength, Strength::Weak { .. }))
            .unwrap_or(Strength::HostnameOnly);
    }
    let boundary = ["(^|\\.)", "(?:^|\\.)", "^(.*\\.)?", "^(?:.*\\.)?", "\\."]
        .iter()
        .find_map(|prefix| source.strip_prefix(prefix));
    let judged = match boundary {
        Some(rest) => format!("^{rest}"),
        None => source.to_string(),
    };
    match regex_weakness(&judged) {
        None => Strength::HostnameOnly,
        Some((reason, passing)) => Strength::weak(reason.replace("origin", "hostname"), passing),
    }
}

/// The alternatives of a regular expression's top level (`a|b` outside groups and
/// classes).
fn top_level_alternatives(source: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut depth, mut escaped, mut in_class, mut start) = (0usize, false, false, 0);
    for (index, c) in source.char_indices() {
        if escaped {
            escaped = false;
            continue;
        }
        match c {
            '\\' => escaped = true,
            '[' => in_class = true,
            ']' => in_class = false,
            '(' if !in_class => depth += 1,
            ')' if !in_class => depth = depth.saturating_sub(1),
            '|' if !in_class && depth == 0 => {
                parts.push(&source[start..index]);
                start = index + 1;
            }
            _ => {}
        }
    }
    parts.push(&source[start..]);
    parts
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
