//! The walk over a handler's body: conditions and the guards they give, declarations and
//! assignments that name the event's parts, calls, and what counts as acting.

use swc_common::Spanned;
use swc_ecma_ast::*;
use swc_ecma_visit::{Visit, VisitWith};

use super::*;
use crate::diagnostic::Label;
use crate::parse::span_range;
use crate::semantic::values::{member_name, prop_name, strip};

impl Walker<'_, '_> {
    /// A value the walked function returns. In a helper judged for its check, a chain of
    /// tests that checks the origin (`return !allowed.length || allowed.includes(origin)`)
    /// is the helper's verdict, reduced as a whole like a condition. (In a handler, what
    /// the right side of `&&` does is work the left side guards.)
    pub(super) fn visit_returned(&mut self, value: &Expr) {
        if !self.record_data
            && let Expr::Bin(bin) = strip(value)
            && matches!(bin.op, BinaryOp::LogicalAnd | BinaryOp::LogicalOr)
        {
            let cond = self.cond_of(value);
            if cond.has_check() {
                self.in_test(|this| value.visit_with(this));
                return;
            }
        }
        value.visit_with(self);
    }
}

impl Visit for Walker<'_, '_> {
    crate::guard_nesting!(except visit_expr);

    fn visit_stmts(&mut self, stmts: &[Stmt]) {
        let before = self.guards.len();
        for stmt in stmts {
            let checks_before = self.facts.checks.len();
            stmt.visit_with(self);
            let mut after = self.guards_after(stmt);
            // `if (<anything that compares the origin, even inside a helper>) throw …`:
            // the code after it only runs when those comparisons let it.
            if after.is_empty()
                && let Stmt::If(if_stmt) = stmt
                && if_stmt.alt.is_none()
                && always_exits(&if_stmt.cons)
            {
                // A check the sender passes when the code leaves (`if (event.origin ===
                // BLOCKED) return`, `if (denied.includes(event.origin)) return`) only keeps
                // out the origins it names: every other origin goes on. It stays in force
                // after the statement, as what it is, a weak check.
                // Only comparisons written in the test itself: a helper's verdict says
                // nothing of which origins it names.
                let exits_on_pass = self
                    .reduce_registered(&if_stmt.test)
                    .holds(true, &self.facts.checks);
                let test = span_range(if_stmt.test.span());
                // When the test rejects only the origins it names, the code goes on whenever
                // that part fails, whatever the test's other checks say
                // (`event.source !== window.parent && denied.includes(event.origin)`): they
                // give no guard after it, only the weakened check and those the reduction
                // could not see into (a helper's) do.
                let mut reduced = Vec::new();
                self.reduce_registered(&if_stmt.test).checks(&mut reduced);
                let mut weakened = Vec::new();
                for &index in &exits_on_pass {
                    let check = &self.facts.checks[index];
                    if index >= checks_before
                        && !check.self_only
                        && !check.never_rejects
                        && check.helper.is_none()
                        && test.start <= check.span.start
                        && check.span.end <= test.end
                        && self.compares_origin_at(&if_stmt.test, &check.span)
                    {
                        self.facts.checks[index].strength = Strength::weak(
                            "it rejects only the origins it names and lets every other \
                             origin through",
                            Some("https://attacker.example".into()),
                        );
                        weakened.push(index);
                    }
                }
                after.extend((checks_before..self.facts.checks.len()).filter(|&index| {
                    !self.facts.checks[index].self_only
                        && (weakened.is_empty()
                            || !reduced.contains(&index)
                            || weakened.contains(&index))
                }));
            }
            for &index in &after {
                self.facts.checks[index].enforced = true;
            }
            self.guards.extend(after);
        }
        self.guards.truncate(before);
    }

    fn visit_if_stmt(&mut self, if_stmt: &IfStmt) {
        let cond = self.visit_test(&if_stmt.test);
        self.with_guards(cond.holds(true, &self.facts.checks), |this| {
            if_stmt.cons.visit_with(this)
        });
        self.with_guards(cond.holds(false, &self.facts.checks), |this| {
            if_stmt.alt.visit_with(this)
        });
    }

    fn visit_cond_expr(&mut self, cond_expr: &CondExpr) {
        if self.test_depth > 0 {
            return cond_expr.visit_children_with(self);
        }
        let cond = self.visit_test(&cond_expr.test);
        self.with_guards(cond.holds(true, &self.facts.checks), |this| {
            cond_expr.cons.visit_with(this)
        });
        self.with_guards(cond.holds(false, &self.facts.checks), |this| {
            cond_expr.alt.visit_with(this)
        });
    }

    fn visit_bin_expr(&mut self, bin: &BinExpr) {
        match bin.op {
            // Inside a condition the whole test was already reduced to its checks.
            BinaryOp::LogicalAnd | BinaryOp::LogicalOr if self.test_depth == 0 => {
                let cond = self.visit_test(&bin.left);
                let holds = cond.holds(bin.op == BinaryOp::LogicalAnd, &self.facts.checks);
                self.with_guards(holds, |this| bin.right.visit_with(this));
            }
            _ => bin.visit_children_with(self),
        }
    }

    fn visit_switch_stmt(&mut self, switch: &SwitchStmt) {
        let on_origin = self.is_origin(&switch.discriminant);
        self.in_test(|this| switch.discriminant.visit_with(this));
        for case in &switch.cases {
            let guard = match (&case.test, on_origin) {
                (Some(test), true) => {
                    let strength = self.expected_origin_strength(test);
                    vec![self.add_check(span_range(test.span()), strength, true)]
                }
                _ => Vec::new(),
            };
            if let Some(test) = &case.test {
                self.in_test(|this| test.visit_with(this));
            }
            self.with_guards(guard, |this| this.visit_stmts(&case.cons));
        }
    }

    fn visit_while_stmt(&mut self, stmt: &WhileStmt) {
        let cond = self.visit_test(&stmt.test);
        self.with_guards(cond.holds(true, &self.facts.checks), |this| {
            stmt.body.visit_with(this)
        });
    }

    fn visit_return_stmt(&mut self, ret: &ReturnStmt) {
        if self.nested == 0
            && !self
                .guards
                .iter()
                .any(|&index| !self.facts.checks[index].self_only)
            && ret.arg.as_deref().is_some_and(is_true_literal)
        {
            self.accepts_unchecked = true;
        }
        match &ret.arg {
            Some(arg) if self.nested == 0 => self.visit_returned(arg),
            _ => ret.visit_children_with(self),
        }
    }

    fn visit_function(&mut self, function: &Function) {
        self.nested += 1;
        function.visit_children_with(self);
        self.nested -= 1;
    }

    fn visit_arrow_expr(&mut self, arrow: &ArrowExpr) {
        self.nested += 1;
        arrow.visit_children_with(self);
        self.nested -= 1;
    }

    fn visit_throw_stmt(&mut self, throw: &ThrowStmt) {
        // Data quoted in the error that leaves the handler is not acted on.
        self.in_test(|this| throw.arg.visit_with(this));
    }

    fn visit_var_declarator(&mut self, declarator: &VarDeclarator) {
        if let Some(init) = &declarator.init {
            // `const ok = event.origin === X`: a check kept for later.
            let hands_over_event = matches!(strip(init), Expr::Call(call)
                if self.passes_event_or_data(&call.args));
            if let Pat::Ident(name) = &declarator.name
                && !hands_over_event
            {
                // `const i = list.findIndex(x => <check>)`: `i !== -1` checks.
                if let Expr::Call(call) = strip(init)
                    && let Callee::Expr(callee) = &call.callee
                    && let Expr::Member(method) = strip(callee)
                    && matches!(
                        member_name(&method.prop),
                        Some("findIndex" | "findLastIndex")
                    )
                    && let Some(result) = call
                        .args
                        .first()
                        .and_then(|arg| super::checks::callback_result(&arg.expr))
                {
                    let cond = self.cond_of(result);
                    if cond.has_check() {
                        self.in_test(|this| init.visit_with(this));
                        self.roles
                            .insert(self.id(&name.id), Role::FoundIndex(Box::new(cond)));
                        return;
                    }
                }
                let cond = self.cond_of(init);
                if cond.has_check() {
                    self.in_test(|this| init.visit_with(this));
                    self.roles
                        .insert(self.id(&name.id), Role::CheckResult(Box::new(cond)));
                    return;
                }
            }
            // Naming the data (`const message = event.data`, `const { type } = event.data`)
            // is not acting on it: what is done with the names counts.
            if self.is_data(init) {
                self.in_test(|this| init.visit_with(this));
            } else {
                init.visit_with(self);
            }
            match (&declarator.name, strip(init)) {
                (Pat::Object(object), value) if self.is_event(value) => {
                    self.bind_event_fields(object)
                }
                // `const { hostname } = new URL(event.origin)`
                (Pat::Object(object), value) if self.is_origin_url(value) => {
                    self.bind_url_fields(object)
                }
                (Pat::Ident(name), value) => {
                    let id = self.id(&name.id);
                    if self.is_event(value) {
                        self.roles.insert(id, Role::Event { jquery: false });
                    } else if self.event_field(value) == Some("data") {
                        self.roles.insert(id, Role::Data(self.guards.clone()));
                    } else if self.is_origin(value) {
                        self.roles.insert(id, Role::Origin);
                    } else if self.is_source(value) {
                        self.roles.insert(id, Role::Source);
                    } else if self.is_origin_url(value) {
                        self.roles.insert(id, Role::OriginUrl);
                    } else if let Some(field) = self.url_field(value) {
                        // `var eventHostname = eventLocation.hostname;`
                        let field = field.to_string();
                        self.roles.insert(id, Role::UrlField(field));
                    } else if let Some(taint) = self.taint_of(value) {
                        let held = self.held(taint, &name.id);
                        self.roles.insert(id, Role::Tainted(held));
                    } else if let Expr::Bin(bin) = value
                        && bin.op == BinaryOp::LogicalOr
                        && (self.is_event(&bin.left) || self.is_event(&bin.right))
                    {
                        // `const ev = e.originalEvent || e`
                        self.roles.insert(id, Role::Event { jquery: false });
                    }
                }
                (pattern, value) => {
                    if let Some(taint) = self.taint_of(value) {
                        self.taint_pattern(pattern, taint);
                    }
                }
            }
        }
    }

    fn visit_assign_expr(&mut self, assign: &AssignExpr) {
        assign.right.visit_with(self);
        match &assign.left {
            // Assigning a global, or state declared outside the handler (a component's
            // `src`, a module's `current`), changes what the page does.
            AssignTarget::Simple(SimpleAssignTarget::Ident(ident)) => {
                let outside = self.context.bindings.is_global(&ident.id)
                    || self
                        .context
                        .bindings
                        .binding(&self.id(&ident.id))
                        .is_some_and(|binding| {
                            binding.span.end <= self.context.handler.start
                                || binding.span.start >= self.context.handler.end
                        });
                if outside {
                    self.note_effect();
                }
            }
            _ => self.note_effect(),
        }
        match &assign.left {
            AssignTarget::Simple(SimpleAssignTarget::Member(member)) => {
                member.obj.visit_with(self);
                if let MemberProp::Computed(computed) = &member.prop {
                    computed.expr.visit_with(self);
                }
                // `link.href = event.origin`: the element parses the origin like a URL.
                if let Expr::Ident(element) = strip(&member.obj)
                    && member_name(&member.prop) == Some("href")
                    && !self.context.bindings.is_global(element)
                    && self.is_origin(&assign.right)
                {
                    self.roles.insert(self.id(element), Role::OriginUrl);
                    return;
                }
                self.assignment_sink(member, &assign.right, span_range(assign.span));
            }
            AssignTarget::Simple(SimpleAssignTarget::Ident(ident)) => {
                let is_location =
                    self.context.bindings.is_global(&ident.id) && &*ident.id.sym == "location";
                if is_location {
                    self.record_sink(span_range(assign.span), "location", &assign.right);
                } else if let Some(taint) = self.taint_of(&assign.right) {
                    let id = self.id(&ident.id);
                    let mut taint = taint.through(Label {
                        elsewhere: None,
                        span: span_range(ident.id.span),
                        message: format!("`{}` is assigned message data", ident.id.sym),
                    });
                    taint.add_guards(&self.guards);
                    taint.guards = self.reassigned_guards(&id, taint.guards);
                    self.roles.insert(id, Role::Tainted(taint));
                }
            }
            other => other.visit_children_with(self),
        }
    }

    fn visit_expr(&mut self, expr: &Expr) {
        crate::stack::ensure_room();
        crate::deadline::tick();
        match expr {
            Expr::Ident(ident) => {
                if let Some(Role::Data(guards)) = self.roles.get(&self.id(ident)) {
                    let guards = guards.clone();
                    self.record_data_read(span_range(ident.span), &guards);
                } else if let Some(Role::Tainted(taint)) = self.roles.get(&self.id(ident)) {
                    let guards = taint.guards.clone();
                    self.record_data_use(span_range(ident.span), &guards);
                } else if matches!(self.roles.get(&self.id(ident)), Some(Role::Origin))
                    && self.record_data
                {
                    self.facts.origin_reads.push(span_range(ident.span));
                }
            }
            Expr::Member(member) => match self.event_field(expr) {
                Some("data") | Some("ports") => {
                    self.record_data_read(span_range(member.span), &[]);
                }
                Some("origin") => {
                    if self.record_data {
                        self.facts.origin_reads.push(span_range(member.span));
                    }
                }
                _ => expr.visit_children_with(self),
            },
            Expr::Call(call) if self.event_field(expr).is_some() => match self.event_field(expr) {
                Some("data") => self.record_data_read(span_range(call.span), &[]),
                Some("origin") if self.record_data => {
                    self.facts.origin_reads.push(span_range(call.span))
                }
                _ => {}
            },
            Expr::Call(call) => {
                if let Callee::Expr(callee) = &call.callee {
                    // Logging the data is not acting on it, and neither is answering the
                    // sender with fixed values and what it sent itself: it learns nothing.
                    if expression_text_starts_with_dotted(callee, "console")
                        || self.echoes_to_sender(callee, &call.args)
                    {
                        self.quiet_depth += 1;
                        call.visit_children_with(self);
                        self.quiet_depth -= 1;
                        return;
                    }
                    self.note_effect();
                    if self.answers_own_scope(callee, &call.args) {
                        self.facts.answers_like_worker = true;
                    }
                    self.call_sink(callee, &call.args, span_range(call.span));
                    // An origin check outside any condition (`allowed.includes(e.origin);`)
                    // is still a check the code makes, even if nothing acts on it. A
                    // function from elsewhere handed the origin outside a condition
                    // (`event.source.postMessage(reply, event.origin)`) checks nothing.
                    // An imported function is a check only when handed the origin or the
                    // event (`call_check`): asked about only then.
                    if self.test_depth == 0
                        && !self.passes_event_or_data(&call.args)
                        && (self.resolve_function(callee).is_some()
                            || (self.hands_origin_or_event(&call.args)
                                && self.context.bindings.imported_function(callee).is_some())
                            || self.method_check(strip(callee), &call.args).is_some())
                        && let Some((strength, polarity)) = self.check_of(expr)
                    {
                        self.add_check(span_range(call.span), strength, polarity);
                        self.in_test(|this| call.visit_children_with(this));
                        return;
                    }
                    // What a followed callee does with its arguments was recorded inside it.
                    // Calls in conditions were summarised as checks instead.
                    if self.test_depth == 0
                        && self.follow_call(callee, &call.args, span_range(call.span))
                    {
                        self.in_test(|this| call.visit_children_with(this));
                        return;
                    }
                }
                call.visit_children_with(self);
            }
            Expr::TaggedTpl(_) => {
                self.note_effect();
                expr.visit_children_with(self);
            }
            Expr::New(new) => {
                self.note_effect();
                if let Expr::Ident(callee) = strip(&new.callee)
                    && &*callee.sym == "Function"
                    && let Some(last) = new.args.as_ref().and_then(|args| args.last())
                {
                    self.record_sink(span_range(new.span), "new Function", &last.expr);
                }
                new.visit_children_with(self);
            }
            Expr::Bin(bin)
                if self.test_depth == 0
                    && matches!(
                        bin.op,
                        BinaryOp::EqEqEq | BinaryOp::EqEq | BinaryOp::NotEqEq | BinaryOp::NotEq
                    ) =>
            {
                // A comparison outside any condition still counts as a check the code makes.
                if let Some((strength, polarity)) = self.comparison_check(bin) {
                    self.add_check(span_range(bin.span), strength, polarity);
                    self.in_test(|this| bin.visit_children_with(this));
                } else {
                    bin.visit_children_with(self);
                }
            }
            _ => expr.visit_children_with(self),
        }
    }

    fn visit_prop(&mut self, prop: &Prop) {
        match prop {
            Prop::Shorthand(ident)
                if matches!(self.roles.get(&self.id(ident)), Some(Role::Data(_))) =>
            {
                let guards = self.data_guards(&Expr::Ident(ident.clone()));
                self.record_data_read(span_range(ident.span), &guards);
            }
            // `{ code }` where `code` holds message data (a helper's parameter, a local
            // derived from the data): the object carries it on, as `{ code: code }` would.
            Prop::Shorthand(ident) => {
                if let Some(Role::Tainted(taint)) = self.roles.get(&self.id(ident)) {
                    let guards = taint.guards.clone();
                    self.record_data_use(span_range(ident.span), &guards);
                }
            }
            Prop::KeyValue(pair) if prop_name(&pair.key) == Some("__html") => {
                self.record_sink(
                    span_range(pair.value.span()),
                    "dangerouslySetInnerHTML",
                    &pair.value,
                );
                prop.visit_children_with(self);
            }
            _ => prop.visit_children_with(self),
        }
    }

    fn visit_opt_chain_expr(&mut self, chain: &OptChainExpr) {
        match &*chain.base {
            OptChainBase::Member(member) if self.is_event(&member.obj) => {
                match member_name(&member.prop) {
                    Some("data") | Some("ports") => {
                        self.record_data_read(span_range(chain.span), &[])
                    }
                    Some("origin") if self.record_data => {
                        self.facts.origin_reads.push(span_range(chain.span))
                    }
                    _ => {}
                }
            }
            OptChainBase::Call(call) => {
                self.note_effect();
                self.follow_call(&call.callee, &call.args, span_range(chain.span));
                chain.visit_children_with(self);
            }
            _ => chain.visit_children_with(self),
        }
    }
}

impl Walker<'_, '_> {
    /// `event.source.postMessage({ type: "ready", to: event.data.from }, "*")`: a reply to
    /// the sender made only of literals and of the message's own data.
    fn echoes_to_sender(&self, callee: &Expr, args: &[ExprOrSpread]) -> bool {
        let Expr::Member(member) = strip(callee) else {
            return false;
        };
        member_name(&member.prop) == Some("postMessage")
            && self.is_source(&member.obj)
            && args
                .iter()
                .all(|arg| arg.spread.is_none() && self.is_echo(&arg.expr, 0))
    }

    /// Whether a value holds only literals, the message's data and its origin.
    fn is_echo(&self, expr: &Expr, depth: u32) -> bool {
        if depth > 8 {
            return false;
        }
        let expr = strip(expr);
        // A constant: a string the file fixes, or a name written as one
        // (`SHELL_EVENTS.Version1.REQUIRE_CONTEXT`, `MessageType.READY` is not), unless
        // it names a secret of this window (`API_TOKEN`): that is its state, not a type.
        if self.context.bindings.resolve_string(expr).is_some()
            || (names_constant(expr) && !names_secret(expr))
        {
            return true;
        }
        if self.is_origin(expr) || self.is_data(expr) || self.taint_of(expr).is_some() {
            // Data the sender sent, not something derived from this window's state
            // through it (`lookup(event.data.key)`).
            return self.is_plain_data(expr, depth);
        }
        match expr {
            Expr::Lit(_) => true,
            Expr::Tpl(tpl) => tpl.exprs.iter().all(|e| self.is_echo(e, depth + 1)),
            Expr::Array(array) => {
                array.elems.iter().flatten().all(|element| {
                    element.spread.is_none() && self.is_echo(&element.expr, depth + 1)
                })
            }
            Expr::Object(object) => object.props.iter().all(|prop| match prop {
                PropOrSpread::Prop(prop) => match &**prop {
                    // `{ type: EVENTS.TOKEN_EXPIRED }`: a message's type, whatever it says.
                    Prop::KeyValue(pair)
                        if names_message_type(&pair.key) && names_constant(&pair.value) =>
                    {
                        true
                    }
                    Prop::KeyValue(pair) => {
                        !matches!(pair.key, PropName::Computed(_))
                            && self.is_echo(&pair.value, depth + 1)
                    }
                    Prop::Shorthand(ident) => self.is_echo(&Expr::Ident(ident.clone()), depth + 1),
                    _ => false,
                },
                PropOrSpread::Spread(_) => false,
            }),
            // `JSON.stringify({ … })`
            Expr::Call(call) => {
                matches!(&call.callee, Callee::Expr(callee)
                    if expression_is(callee, "JSON.stringify"))
                    && call
                        .args
                        .iter()
                        .all(|arg| arg.spread.is_none() && self.is_echo(&arg.expr, depth + 1))
            }
            Expr::Ident(ident) => {
                // `const { key, value } = event.data.value`, `undefined`
                &*ident.sym == "undefined" && self.context.bindings.is_global(ident)
            }
            _ => false,
        }
    }

    /// A read of the data or a name of it, not a call on it.
    fn is_plain_data(&self, expr: &Expr, depth: u32) -> bool {
        if depth > 16 {
            return false;
        }
        match strip(expr) {
            Expr::Ident(_) => true,
            Expr::Member(member) => {
                !matches!(member.prop, MemberProp::Computed(_))
                    && (self.is_event(&member.obj) || self.is_plain_data(&member.obj, depth + 1))
            }
            Expr::OptChain(chain) => match &*chain.base {
                OptChainBase::Member(member) => {
                    self.is_event(&member.obj) || self.is_plain_data(&member.obj, depth + 1)
                }
                OptChainBase::Call(_) => false,
            },
            _ => false,
        }
    }

    /// `postMessage(result)`, `self.postMessage(result)` or `postMessage(result, [buffer])`:
    /// a post to the global scope itself in a worker's form (a window's takes a target
    /// origin as its second argument).
    fn answers_own_scope(&self, callee: &Expr, args: &[ExprOrSpread]) -> bool {
        let on_own_scope = match strip(callee) {
            Expr::Ident(ident) => {
                &*ident.sym == "postMessage" && self.context.bindings.is_global(ident)
            }
            Expr::Member(member) => {
                member_name(&member.prop) == Some("postMessage")
                    && matches!(strip(&member.obj), Expr::Ident(object)
                        if matches!(&*object.sym, "self" | "globalThis")
                            && self.context.bindings.is_global(object))
            }
            _ => false,
        };
        on_own_scope
            && args.iter().all(|arg| arg.spread.is_none())
            && match args {
                [_] => true,
                [_, transfer] => matches!(strip(&transfer.expr), Expr::Array(_)),
                _ => false,
            }
    }
}

/// The name a value is read by: `NAME` or the last property of `EVENTS.NAME`.
fn last_name(expr: &Expr) -> Option<&str> {
    match strip(expr) {
        Expr::Ident(ident) => Some(&ident.sym),
        Expr::Member(member) => member_name(&member.prop),
        _ => None,
    }
}

/// A name written as a constant, upper case (`REQUIRE_CONTEXT`, `EVENTS.READY`): a
/// message type, not the window's state.
fn names_constant(expr: &Expr) -> bool {
    let Some(name) = last_name(expr) else {
        return false;
    };
    name.bytes().any(|b| b.is_ascii_uppercase())
        && name
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
}

/// A name written as a constant whose words name a secret (`API_TOKEN`, `SECRET`,
/// `config.SESSION_ID`): the window's own credentials, which a reply would disclose.
fn names_secret(expr: &Expr) -> bool {
    let Some(name) = last_name(expr) else {
        return false;
    };
    let words: Vec<&str> = name.split('_').filter(|word| !word.is_empty()).collect();
    words.iter().any(|word| {
        matches!(
            *word,
            "TOKEN"
                | "SECRET"
                | "PASSWORD"
                | "PASSWD"
                | "CREDENTIAL"
                | "CREDENTIALS"
                | "APIKEY"
                | "JWT"
        )
    }) || words.windows(2).any(|pair| {
        matches!(
            pair,
            ["API" | "PRIVATE" | "ACCESS" | "SECRET", "KEY"] | ["SESSION", "ID"]
        )
    })
}

/// A property that says what kind of message an object is (`type`, `action`, `event`).
fn names_message_type(key: &PropName) -> bool {
    matches!(
        crate::semantic::values::prop_name(key),
        Some("type" | "action" | "event" | "kind" | "cmd" | "command" | "method" | "name")
    )
}

/// `true` or `!0`.
fn is_true_literal(expr: &Expr) -> bool {
    match strip(expr) {
        Expr::Lit(Lit::Bool(value)) => value.value,
        Expr::Unary(unary) if unary.op == UnaryOp::Bang => {
            matches!(strip(&unary.arg), Expr::Lit(Lit::Num(n)) if n.value == 0.0)
        }
        _ => false,
    }
}

impl Walker<'_, '_> {
    /// Whether the part of `test` at `span` reads the origin itself: a comparison with
    /// it, or a search of a list or a text for it (`list.includes(event.origin)`,
    /// `event.origin === X`), not a helper's verdict on the event.
    fn compares_origin_at(&self, test: &Expr, span: &std::ops::Range<usize>) -> bool {
        crate::stack::ensure_room();
        let expr = strip(test);
        let here = span_range(expr.span());
        if here.end < span.start || span.end < here.start {
            return false;
        }
        if here == *span {
            return match expr {
                Expr::Bin(bin) => {
                    self.is_origin(&bin.left)
                        || self.is_origin(&bin.right)
                        || self.is_origin_call(&bin.left)
                        || self.is_origin_call(&bin.right)
                }
                Expr::Unary(unary) => self.is_origin_call(&unary.arg),
                other => self.is_origin_call(other),
            };
        }
        match expr {
            Expr::Bin(bin) => {
                self.compares_origin_at(&bin.left, span)
                    || self.compares_origin_at(&bin.right, span)
            }
            Expr::Unary(unary) => self.compares_origin_at(&unary.arg, span),
            _ => false,
        }
    }

    /// `list.includes(event.origin)`, `list.indexOf(event.origin)`, `event.origin.x(…)`.
    fn is_origin_call(&self, expr: &Expr) -> bool {
        let Expr::Call(call) = strip(expr) else {
            return false;
        };
        let Callee::Expr(callee) = &call.callee else {
            return false;
        };
        let Expr::Member(member) = strip(callee) else {
            return false;
        };
        self.is_origin(&member.obj) || call.args.iter().any(|arg| self.is_origin(&arg.expr))
    }
}
