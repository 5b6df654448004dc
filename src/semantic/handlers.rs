//! What a window `message` handler does with the event: where it reads the data,
//! how it checks the origin, which data uses those checks guard, and where the
//! data ends up. Runs on the handler's function, found by its span in the tree
//! the semantic pass still holds, and follows same-file helpers.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::ops::Range;

use swc_common::{Span, Spanned};
use swc_ecma_ast::*;
use swc_ecma_visit::{Visit, VisitWith};

use super::values::{Bindings, literal_string, member_name, prop_name, strip};
use crate::diagnostic::Label;
use crate::parse::span_range;

/// How far the analysis follows calls into same-file helpers.
const MAX_CALL_DEPTH: u32 = 4;

/// What one handler does with its message event.
#[derive(Debug, Clone, Default)]
pub struct HandlerFacts {
    /// The message event as the handler names it, for help text (`event`, `e`,
    /// `{ data, origin }`, `e.originalEvent` in a jQuery handler).
    pub event_name: String,
    /// Every read of the event's data (`event.data`, a destructured `data`, `event.ports`).
    pub data_reads: Vec<Range<usize>>,
    /// Data reads that act on the data (not only test it), with their guard.
    pub uses: Vec<DataUse>,
    pub origin_reads: Vec<Range<usize>>,
    pub checks: Vec<OriginCheck>,
    pub sinks: Vec<SinkFlow>,
    /// The handler does something besides logging and testing: it calls, creates, or
    /// assigns outside itself. One that does not acts on nothing a sender sends.
    pub effects: bool,
}

#[derive(Debug, Clone)]
pub struct DataUse {
    pub span: Range<usize>,
    pub guard: Guard,
}

/// The best origin check in force where something happens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Guard {
    None,
    /// Guarded only by the check at this index, which an attacker's origin can pass.
    Weak(usize),
    Strong,
}

#[derive(Debug, Clone)]
pub struct OriginCheck {
    pub span: Range<usize>,
    pub strength: Strength,
    /// Whether the checking expression is true when the origin passes.
    passes_when: bool,
    /// Whether the check stops anything: it guards a data use, or its failure leaves
    /// the handler.
    pub enforced: bool,
    /// `event.source === window`: true only for this window's own posts. It keeps
    /// everyone else out only where the code goes on when it holds; code that leaves
    /// when it holds (skipping its own posts) checks no other sender.
    pub self_only: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Strength {
    Strong,
    /// An attacker's origin can pass: why, and an origin that would.
    Weak {
        reason: String,
        passing_origin: Option<String>,
    },
    /// `new URL(origin).hostname === "x"`: strong only together with a protocol check.
    HostnameOnly,
    /// `new URL(origin).protocol === "https:"`: strong only together with a hostname check.
    ProtocolOnly,
}

impl Strength {
    fn weak(reason: impl Into<String>, passing_origin: Option<String>) -> Strength {
        Strength::Weak {
            reason: reason.into(),
            passing_origin,
        }
    }
}

/// Event data reaching an HTML, script or URL sink.
#[derive(Debug, Clone)]
pub struct SinkFlow {
    pub sink: Range<usize>,
    /// What the sink is: `innerHTML`, `eval`, `location.href`, …
    pub sink_name: String,
    /// Where the data enters: the `event.data` read.
    pub source: Range<usize>,
    /// Variables and calls the data passed through, in order.
    pub path: Vec<Label>,
    pub guard: Guard,
}

/// How the handler receives the event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventShape {
    /// A DOM `MessageEvent`.
    Dom,
    /// A jQuery event: the message event is `e.originalEvent`.
    JQuery,
}

/// A function found in the tree: its parameters and body.
pub(super) enum Body<'a> {
    Block(&'a [Stmt]),
    Expr(&'a Expr),
}

pub(super) struct FunctionRef<'a> {
    pub(super) params: Vec<&'a Pat>,
    pub(super) body: Body<'a>,
}

/// Shared state of one handler's analysis.
struct Context<'p> {
    program: &'p Program,
    bindings: &'p Bindings<'p>,
    /// Class of the handler, for `this.method` calls.
    class: Option<u32>,
    /// Functions being analysed, so recursion ends.
    active: HashSet<(u32, u32)>,
    /// Predicate and assertion summaries of helpers, by function span.
    helper_cache: HashMap<(u32, u32, bool), Option<HelperSummary>>,
    /// The handler's own text: names declared outside it are state it can change.
    handler: Range<usize>,
}

#[derive(Debug, Clone)]
struct HelperSummary {
    strength: Strength,
    /// The helper throws when the check fails (`assertOrigin(e)`).
    asserts: bool,
}

/// What a server-side function is handed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ServerParam {
    /// An HTTP request or a socket.io socket (`req.headers.origin`, `socket.handshake.headers.origin`).
    Request,
    /// ws `verifyClient`'s `info` (`info.origin`, `info.req.headers.origin`).
    Info,
    Other,
}

/// The origin checks a server-side function makes on its parameters.
pub fn analyze_server_function(
    program: &Program,
    bindings: &Bindings,
    function: Span,
    params: &[ServerParam],
) -> Option<Vec<OriginCheck>> {
    let mut context = Context {
        program,
        bindings,
        class: None,
        active: HashSet::default(),
        helper_cache: HashMap::default(),
        handler: span_range(function),
    };
    let mut facts = HandlerFacts::default();
    with_function(program, function, |function_ref| {
        let mut walker = Walker::new(&mut context, &mut facts, 0);
        for (pat, role) in function_ref.params.iter().zip(params) {
            match (role, pat) {
                (ServerParam::Request, Pat::Ident(ident)) => {
                    walker.roles.insert(walker.id(&ident.id), Role::Request);
                }
                // `({ extra }) => extra.request.headers.origin`: the fields lead to the request.
                (ServerParam::Request, Pat::Object(object)) => {
                    for prop in &object.props {
                        let ident = match prop {
                            ObjectPatProp::Assign(assign) => &assign.key.id,
                            ObjectPatProp::KeyValue(pair) => match &*pair.value {
                                Pat::Ident(ident) => &ident.id,
                                _ => continue,
                            },
                            ObjectPatProp::Rest(_) => continue,
                        };
                        walker.roles.insert(walker.id(ident), Role::Request);
                    }
                }
                // `verifyClient(info)` or `verifyClient({ origin })`: like a message event.
                (ServerParam::Info, pat) => walker.bind_event_param(pat, EventShape::Dom),
                _ => {}
            }
        }
        walker.walk_body(&function_ref.body);
    })?;
    Some(facts.checks)
}

/// Analyses the handler at `function` (a function or arrow span).
pub fn analyze_handler(
    program: &Program,
    bindings: &Bindings,
    function: Span,
    class: Option<u32>,
    shape: EventShape,
) -> Option<HandlerFacts> {
    let mut context = Context {
        program,
        bindings,
        class,
        active: HashSet::default(),
        helper_cache: HashMap::default(),
        handler: span_range(function),
    };
    let mut facts = HandlerFacts::default();
    let found = with_function(program, function, |function_ref| {
        let Some(first) = function_ref.params.first() else {
            // `function () { … event.data … }` reads the event from the global `event`.
            facts.event_name = "event".into();
            let mut walker = Walker::new(&mut context, &mut facts, 0);
            walker.global_event = true;
            walker.walk_body(&function_ref.body);
            return;
        };
        facts.event_name = pattern_name(first);
        // jQuery's event carries the message event as `originalEvent`.
        if shape == EventShape::JQuery && !facts.event_name.starts_with('{') {
            facts.event_name.push_str(".originalEvent");
        }
        let mut walker = Walker::new(&mut context, &mut facts, 0);
        walker.bind_event_param(first, shape);
        walker.walk_body(&function_ref.body);
    });
    found.map(|()| facts)
}

fn pattern_name(pat: &Pat) -> String {
    crate::stack::ensure_room();
    match pat {
        Pat::Ident(ident) => ident.id.sym.to_string(),
        Pat::Assign(assign) => pattern_name(&assign.left),
        Pat::Object(_) => "{ data, origin }".to_string(),
        _ => "event".to_string(),
    }
}

/// Finds the function or arrow whose span is exactly `target` and hands it to `run`.
pub(super) fn with_function<R>(
    program: &Program,
    target: Span,
    run: impl FnOnce(FunctionRef) -> R,
) -> Option<R> {
    struct Finder<F, R> {
        target: Span,
        run: Option<F>,
        result: Option<R>,
    }
    impl<F: FnOnce(FunctionRef) -> R, R> Finder<F, R> {
        fn contains(&self, span: Span) -> bool {
            self.run.is_some() && span.lo <= self.target.lo && self.target.hi <= span.hi
        }
        fn found(&mut self, function: FunctionRef) {
            if let Some(run) = self.run.take() {
                self.result = Some(run(function));
            }
        }
        /// Visits only the siblings that can hold the target. Siblings lie in source order
        /// and apart, so a binary search skips the others: every handler and helper is
        /// found from the program's root, and a file of 16,000 handlers asked each of its
        /// 16,000 statements 16,000 times.
        fn visit_around<T: Spanned>(&mut self, items: &[T], visit: impl FnMut(&mut Self, &T)) {
            self.visit_around_by(items, Spanned::span, visit);
        }
        /// [`Self::visit_around`] with the span each item covers.
        fn visit_around_by<T>(
            &mut self,
            items: &[T],
            span_of: impl Fn(&T) -> Span,
            mut visit: impl FnMut(&mut Self, &T),
        ) {
            let first = items.partition_point(|item| span_of(item).hi < self.target.lo);
            for item in &items[first..] {
                crate::deadline::tick();
                if self.run.is_none() || span_of(item).lo > self.target.lo {
                    break;
                }
                visit(self, item);
            }
        }
    }
    impl<F: FnOnce(FunctionRef) -> R, R> Visit for Finder<F, R> {
        crate::guard_nesting!(
            visit_pat: Pat,
            visit_ts_type: TsType,
            visit_jsx_element: JSXElement,
            visit_jsx_object: JSXObject,
            visit_ts_entity_name: TsEntityName,
            visit_ts_namespace_body: TsNamespaceBody,
        );

        fn visit_function(&mut self, function: &Function) {
            if !self.contains(function.span) {
                return;
            }
            if function.span == self.target {
                let body = function.body.as_ref().map_or(&[][..], |b| &b.stmts[..]);
                self.found(FunctionRef {
                    params: function.params.iter().map(|p| &p.pat).collect(),
                    body: Body::Block(body),
                });
            } else {
                function.visit_children_with(self);
            }
        }
        fn visit_arrow_expr(&mut self, arrow: &ArrowExpr) {
            if !self.contains(arrow.span) {
                return;
            }
            if arrow.span == self.target {
                let body = match &*arrow.body {
                    ArrowFunctionBody::FunctionBody(block) => Body::Block(&block.stmts),
                    ArrowFunctionBody::Expr(expr) => Body::Expr(expr),
                };
                self.found(FunctionRef {
                    params: arrow.params.iter().collect(),
                    body,
                });
            } else {
                arrow.visit_children_with(self);
            }
        }
        fn visit_stmt(&mut self, stmt: &Stmt) {
            crate::stack::ensure_room();
            if self.contains(stmt.span()) {
                stmt.visit_children_with(self);
            }
        }
        fn visit_expr(&mut self, expr: &Expr) {
            crate::stack::ensure_room();
            if self.contains(expr.span()) {
                expr.visit_children_with(self);
            }
        }
        fn visit_module_item(&mut self, item: &ModuleItem) {
            if self.contains(module_item_span(item)) {
                item.visit_children_with(self);
            }
        }
        fn visit_module_items(&mut self, items: &[ModuleItem]) {
            self.visit_around_by(items, module_item_span, |finder, item| {
                finder.visit_module_item(item)
            });
        }
        fn visit_stmts(&mut self, stmts: &[Stmt]) {
            self.visit_around(stmts, |finder, stmt| finder.visit_stmt(stmt));
        }
        fn visit_exprs(&mut self, exprs: &[Box<Expr>]) {
            self.visit_around(exprs, |finder, expr| finder.visit_expr(expr));
        }
        fn visit_expr_or_spreads(&mut self, arguments: &[ExprOrSpread]) {
            self.visit_around(arguments, |finder, argument| {
                argument.visit_children_with(finder)
            });
        }
        fn visit_prop_or_spreads(&mut self, properties: &[PropOrSpread]) {
            self.visit_around(properties, |finder, property| {
                property.visit_children_with(finder)
            });
        }
        fn visit_class_members(&mut self, members: &[ClassMember]) {
            self.visit_around(members, |finder, member| finder.visit_class_member(member));
        }
        fn visit_var_declarators(&mut self, declarators: &[VarDeclarator]) {
            self.visit_around(declarators, |finder, declarator| {
                declarator.visit_children_with(finder)
            });
        }
        fn visit_class_member(&mut self, member: &ClassMember) {
            if self.contains(member.span()) {
                member.visit_children_with(self);
            }
        }
    }
    let mut finder = Finder {
        target,
        run: Some(run),
        result: None,
    };
    crate::deadline::check();
    super::cold::demand_function(target);
    program.visit_with(&mut finder);
    finder.result
}

/// The source a module item covers: an exported class's decorators come before `export`
/// (`@Module({ … }) export class M {}`), outside the item's own span.
fn module_item_span(item: &ModuleItem) -> Span {
    let span = item.span();
    let class = match item {
        ModuleItem::ModuleDecl(ModuleDecl::ExportDecl(ExportDecl {
            decl: Decl::Class(class),
            ..
        })) => &class.class,
        ModuleItem::ModuleDecl(ModuleDecl::ExportDefaultDecl(ExportDefaultDecl {
            decl: DefaultDecl::Class(class),
            ..
        })) => &class.class,
        _ => return span,
    };
    match class.decorators.first() {
        Some(decorator) if decorator.span.lo < span.lo => span.with_lo(decorator.span.lo),
        _ => span,
    }
}

/// A condition, reduced to what it says about origin checks.
#[derive(Debug, Clone)]
enum Cond {
    /// `checks[index]` passed exactly when the condition is `polarity`.
    Check {
        index: usize,
        polarity: bool,
    },
    Not(Box<Cond>),
    And(Box<Cond>, Box<Cond>),
    Or(Box<Cond>, Box<Cond>),
    /// `x === "*"`: a wildcard escape hatch around a check.
    WildcardTest,
    /// `(function () { …checks…; return true; })()`: truthy when the checks inside passed.
    /// Bound to those checks once the call has been visited.
    Inline(Range<usize>),
    Other,
}

impl Cond {
    /// The checks known to have passed when the condition evaluates to `value`.
    fn holds(&self, value: bool) -> Vec<usize> {
        crate::stack::ensure_room();
        match self {
            Cond::Check { index, polarity } if *polarity == value => vec![*index],
            Cond::Check { .. } | Cond::WildcardTest | Cond::Inline(_) | Cond::Other => Vec::new(),
            Cond::Not(inner) => inner.holds(!value),
            // Both sides true / either side false.
            Cond::And(a, b) if value => [a.holds(true), b.holds(true)].concat(),
            Cond::Or(a, b) if !value => [a.holds(false), b.holds(false)].concat(),
            // One side or the other: only what both guarantee.
            Cond::And(a, b) | Cond::Or(a, b) => {
                let left = a.holds(value);
                let right = b.holds(value);
                if left.is_empty() || right.is_empty() {
                    Vec::new()
                } else {
                    [left, right].concat()
                }
            }
        }
    }

    fn has_check(&self) -> bool {
        crate::stack::ensure_room();
        match self {
            Cond::Check { .. } => true,
            Cond::Not(inner) => inner.has_check(),
            Cond::And(a, b) | Cond::Or(a, b) => a.has_check() || b.has_check(),
            Cond::WildcardTest | Cond::Inline(_) | Cond::Other => false,
        }
    }

    fn checks(&self, out: &mut Vec<usize>) {
        crate::stack::ensure_room();
        match self {
            Cond::Check { index, .. } => out.push(*index),
            Cond::Not(inner) => inner.checks(out),
            Cond::And(a, b) | Cond::Or(a, b) => {
                a.checks(out);
                b.checks(out);
            }
            Cond::WildcardTest | Cond::Inline(_) | Cond::Other => {}
        }
    }

    /// Replaces inline calls by the checks registered inside them.
    fn bind_inline(self, checks: &[OriginCheck]) -> Cond {
        crate::stack::ensure_room();
        match self {
            Cond::Inline(span) => checks
                .iter()
                .enumerate()
                .filter(|(_, check)| span.start <= check.span.start && check.span.end <= span.end)
                // The call being truthy means each check inside passed.
                .map(|(index, _)| Cond::Check {
                    index,
                    polarity: true,
                })
                .reduce(|a, b| Cond::And(Box::new(a), Box::new(b)))
                .unwrap_or(Cond::Other),
            Cond::Not(inner) => Cond::Not(Box::new(inner.bind_inline(checks))),
            Cond::And(a, b) => Cond::And(
                Box::new(a.bind_inline(checks)),
                Box::new(b.bind_inline(checks)),
            ),
            Cond::Or(a, b) => Cond::Or(
                Box::new(a.bind_inline(checks)),
                Box::new(b.bind_inline(checks)),
            ),
            other => other,
        }
    }
}

/// What an identifier inside the handler stands for.
#[derive(Debug, Clone)]
enum Role {
    /// The message event (or jQuery's event when `jquery`).
    Event { jquery: bool },
    /// The event's data, named where these checks had passed.
    Data(Vec<usize>),
    /// The event's origin string.
    Origin,
    /// `new URL(event.origin)`.
    OriginUrl,
    /// The event's source window.
    Source,
    /// A value derived from the data.
    Tainted(Taint),
    /// The result of an origin check (`const ok = event.origin === X`).
    CheckResult(Box<Cond>),
    /// An HTTP upgrade request (or a socket.io socket): its headers hold the origin.
    Request,
}

/// Message data carried by a value: how it got there, and the checks that had passed
/// where it was taken (data assigned only when an exact check passed is guarded by it
/// wherever it is used).
#[derive(Debug, Clone)]
struct Taint {
    trail: Vec<Label>,
    guards: Vec<usize>,
}

impl Taint {
    fn through(mut self, label: Label) -> Taint {
        self.trail.push(label);
        self
    }
}

struct Walker<'c, 'p> {
    context: &'c mut Context<'p>,
    facts: &'c mut HandlerFacts,
    roles: HashMap<Id, Role>,
    /// Checks known to have passed here.
    guards: Vec<usize>,
    /// Inside a condition: data reads here only test the data.
    test_depth: u32,
    /// Inside a logging call: data reads here do not count at all.
    quiet_depth: u32,
    depth: u32,
    /// Whether data reads count (false in helpers analysed only for their checks or sinks).
    record_data: bool,
    /// The handler takes no parameter: the global `event` (`window.event`) is the event.
    global_event: bool,
    /// The comparison being judged is `event.source === window` (see
    /// [`OriginCheck::self_only`]).
    next_check_self_only: bool,
}

impl<'c, 'p> Walker<'c, 'p> {
    /// The binding `ident` names.
    fn id(&self, ident: &Ident) -> Id {
        self.context.bindings.id(ident)
    }

    fn new(context: &'c mut Context<'p>, facts: &'c mut HandlerFacts, depth: u32) -> Self {
        Walker {
            context,
            facts,
            roles: HashMap::default(),
            guards: Vec::new(),
            test_depth: 0,
            quiet_depth: 0,
            depth,
            record_data: true,
            global_event: false,
            next_check_self_only: false,
        }
    }

    fn bind_event_param(&mut self, pat: &Pat, shape: EventShape) {
        crate::stack::ensure_room();
        let jquery = shape == EventShape::JQuery;
        match pat {
            Pat::Ident(ident) => {
                self.roles
                    .insert(self.id(&ident.id), Role::Event { jquery });
            }
            Pat::Assign(assign) => self.bind_event_param(&assign.left, shape),
            Pat::Object(object) if !jquery => self.bind_event_fields(object),
            _ => {}
        }
    }

    /// `({ data, origin, source })` or `const { data, origin } = event`.
    fn bind_event_fields(&mut self, object: &ObjectPat) {
        for prop in &object.props {
            let (key, target): (Option<&str>, Option<&Pat>) = match prop {
                ObjectPatProp::Assign(assign) => (Some(&assign.key.id.sym), None),
                ObjectPatProp::KeyValue(pair) => (prop_name(&pair.key), Some(&pair.value)),
                ObjectPatProp::Rest(_) => continue,
            };
            let role = match key {
                Some("data") | Some("ports") => Role::Data(self.guards.clone()),
                Some("origin") => Role::Origin,
                Some("source") => Role::Source,
                _ => continue,
            };
            match (prop, target) {
                (ObjectPatProp::Assign(assign), _) => {
                    self.roles.insert(self.id(&assign.key.id), role);
                }
                (_, Some(Pat::Ident(ident))) => {
                    self.roles.insert(self.id(&ident.id), role);
                }
                (_, Some(Pat::Object(inner))) if matches!(role, Role::Data(_)) => {
                    // `{ data: { html } }`: fields of the data are tainted.
                    let taint = Taint {
                        trail: Vec::new(),
                        guards: Vec::new(),
                    };
                    self.taint_pattern(&Pat::Object(inner.clone()), taint);
                }
                _ => {}
            }
        }
    }

    fn walk_body(&mut self, body: &Body) {
        match body {
            Body::Block(stmts) => self.visit_stmts(stmts),
            Body::Expr(expr) => expr.visit_with(self),
        }
    }

    fn role(&self, expr: &Expr) -> Option<&Role> {
        match strip(expr) {
            Expr::Ident(ident) => self.roles.get(&self.id(ident)),
            _ => None,
        }
    }

    /// The role of the binding a short member chain starts at (`ctx` of `ctx.extra`).
    fn chain_root_role(&self, expr: &Expr) -> Option<&Role> {
        let mut expr = strip(expr);
        for _ in 0..3 {
            match expr {
                Expr::Member(member) => expr = strip(&member.obj),
                _ => break,
            }
        }
        self.role(expr)
    }

    /// Whether `expr` is the message event itself.
    fn is_event(&self, expr: &Expr) -> bool {
        match strip(expr) {
            Expr::Ident(ident)
                if self.global_event
                    && &*ident.sym == "event"
                    && self.context.bindings.is_global(ident) =>
            {
                true
            }
            Expr::Member(member)
                if self.global_event
                    && member_name(&member.prop) == Some("event")
                    && expression_is(&member.obj, "window") =>
            {
                true
            }
            Expr::Ident(_) => matches!(self.role(expr), Some(Role::Event { jquery: false })),
            Expr::Member(member) if member_name(&member.prop) == Some("originalEvent") => {
                matches!(self.role(&member.obj), Some(Role::Event { jquery: true }))
            }
            // A request's headers carry `origin` like a message event does:
            // `req.headers`, `info.req.headers`, `socket.handshake.headers`,
            // `request.httpRequest.headers` (the `websocket` package) and
            // `ctx.extra.request.headers` (graphql-ws).
            Expr::Member(member) if member_name(&member.prop) == Some("headers") => {
                match strip(&member.obj) {
                    Expr::Ident(_) => matches!(self.role(&member.obj), Some(Role::Request)),
                    Expr::Member(inner) => {
                        matches!(
                            member_name(&inner.prop),
                            Some("req" | "request" | "handshake" | "httpRequest")
                        ) && matches!(
                            self.chain_root_role(&inner.obj),
                            Some(Role::Request | Role::Event { .. })
                        )
                    }
                    _ => false,
                }
            }
            _ => false,
        }
    }

    /// `event.<field>` for a field of the message event; also `getOrigin.call(event)` with
    /// `getOrigin = Object.getOwnPropertyDescriptor(MessageEvent.prototype, "origin").get`,
    /// the spoof-proof way to read it.
    fn event_field(&self, expr: &Expr) -> Option<&'static str> {
        if let Expr::Call(call) = strip(expr)
            && let Callee::Expr(callee) = &call.callee
            && let Expr::Member(method) = strip(callee)
            && member_name(&method.prop) == Some("call")
            && call
                .args
                .first()
                .is_some_and(|arg| self.is_event(&arg.expr))
            && let Expr::Ident(getter) = strip(&method.obj)
        {
            let init = self.context.bindings.binding(&self.id(getter))?.init()?;
            return descriptor_getter_field(init).and_then(event_field_name);
        }
        // `req.headers.get("origin")` (fetch API) and `req.getHeader("origin")` (uWebSockets.js).
        if let Expr::Call(call) = strip(expr)
            && let Callee::Expr(callee) = &call.callee
            && let Expr::Member(method) = strip(callee)
            && matches!(
                member_name(&method.prop),
                Some("get" | "getHeader" | "header")
            )
            && (self.is_event(&method.obj) || matches!(self.role(&method.obj), Some(Role::Request)))
            && let Some(name) = call.args.first().and_then(|arg| literal_string(&arg.expr))
        {
            return event_field_name(&name.to_ascii_lowercase());
        }
        let name = match strip(expr) {
            Expr::Member(member) if self.is_event(&member.obj) => member_name(&member.prop),
            Expr::OptChain(chain) => match &*chain.base {
                OptChainBase::Member(member) if self.is_event(&member.obj) => {
                    member_name(&member.prop)
                }
                _ => None,
            },
            _ => None,
        };
        name.and_then(event_field_name)
    }

    fn is_origin(&self, expr: &Expr) -> bool {
        crate::stack::ensure_room();
        // `event.origin ?? ""`, `req.headers.origin || ""`
        if let Expr::Bin(bin) = strip(expr)
            && matches!(bin.op, BinaryOp::NullishCoalescing | BinaryOp::LogicalOr)
        {
            return self.is_origin(&bin.left);
        }
        if let Some(inner) = normalised_operand(expr) {
            return self.is_origin(inner);
        }
        self.event_field(expr) == Some("origin")
            || matches!(self.role(expr), Some(Role::Origin))
            || self.url_field(expr) == Some("origin")
    }

    fn is_source(&self, expr: &Expr) -> bool {
        self.event_field(expr) == Some("source") || matches!(self.role(expr), Some(Role::Source))
    }

    /// `new URL(event.origin).<field>` or `url.<field>` for such a URL.
    fn url_field<'e>(&self, expr: &'e Expr) -> Option<&'e str> {
        let Expr::Member(member) = strip(expr) else {
            return None;
        };
        if self.is_origin_url(&member.obj) {
            member_name(&member.prop)
        } else {
            None
        }
    }

    fn is_origin_url(&self, expr: &Expr) -> bool {
        match strip(expr) {
            Expr::New(new) => {
                matches!(strip(&new.callee), Expr::Ident(callee) if &*callee.sym == "URL")
                    && new
                        .args
                        .as_ref()
                        .and_then(|args| args.first())
                        .is_some_and(|arg| self.is_origin(&arg.expr))
            }
            _ => matches!(self.role(expr), Some(Role::OriginUrl)),
        }
    }

    /// This window: `window`, `self`, or the event's own `target` / `currentTarget`.
    fn is_own_window(&self, expr: &Expr) -> bool {
        if let Expr::Member(member) = strip(expr)
            && matches!(member_name(&member.prop), Some("target" | "currentTarget"))
            && self.is_event(&member.obj)
        {
            return true;
        }
        self.context.bindings.classify_target(expr) == super::values::Target::CurrentWindow
    }

    /// Whether `data` carries the message data and `token` holds an unguessable value
    /// this file made (`Math.random()`, `crypto.randomUUID()`, `nanoid()`, and strings
    /// built from them).
    fn is_nonce_reply(&self, data: &Expr, token: &Expr) -> bool {
        self.taint_of(data).is_some() && self.is_random_token(token, 0)
    }

    fn is_random_token(&self, expr: &Expr, depth: u32) -> bool {
        if depth > 6 {
            return false;
        }
        match strip(expr) {
            Expr::Ident(ident) => self
                .context
                .bindings
                .binding(&self.id(ident))
                .filter(|binding| binding.assignments.is_empty() && !binding.has_unknown_assignment)
                .and_then(|binding| binding.init())
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
    fn is_host_header(&self, expr: &Expr) -> bool {
        crate::stack::ensure_room();
        match strip(expr) {
            // `let host = req.headers.host;`
            Expr::Ident(ident) => self
                .context
                .bindings
                .binding(&self.id(ident))
                .filter(|binding| binding.assignments.is_empty() && !binding.has_unknown_assignment)
                .and_then(|binding| binding.init())
                .is_some_and(|init| {
                    !matches!(strip(init), Expr::Ident(_)) && self.is_host_header(init)
                }),
            Expr::Member(member) => {
                if let Expr::Call(call) = strip(&member.obj)
                    && let Callee::Expr(callee) = &call.callee
                    && let Expr::Member(split) = strip(callee)
                    && member_name(&split.prop) == Some("split")
                {
                    return self.is_host_header(&split.obj);
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

    /// The guard in force here; the checks that give it are enforced.
    /// The guard of data taken where the checks `taken_under` had passed, used here.
    fn guard_with(&mut self, taken_under: &[usize]) -> Guard {
        let mut passed = self.guards.clone();
        passed.extend_from_slice(taken_under);
        for &index in &passed {
            self.facts.checks[index].enforced = true;
        }
        guard_of(&passed, &self.facts.checks)
    }

    fn record_data_read(&mut self, span: Range<usize>, taken_under: &[usize]) {
        if !self.record_data || self.quiet_depth > 0 {
            return;
        }
        self.facts.data_reads.push(span.clone());
        self.record_data_use(span, taken_under);
    }

    /// Something happens here, unless only to test or to log.
    fn note_effect(&mut self) {
        if self.test_depth == 0 && self.quiet_depth == 0 {
            self.facts.effects = true;
        }
    }

    /// A value read outside any test acts on the data it carries.
    fn record_data_use(&mut self, span: Range<usize>, taken_under: &[usize]) {
        if !self.record_data || self.quiet_depth > 0 || self.test_depth > 0 {
            return;
        }
        let guard = self.guard_with(taken_under);
        self.facts.uses.push(DataUse { span, guard });
    }

    /// The checks that had passed where a `data` name was bound, for a name of the data.
    fn data_guards(&self, expr: &Expr) -> Vec<usize> {
        match self.role(expr) {
            Some(Role::Data(guards)) => guards.clone(),
            _ => Vec::new(),
        }
    }

    /// Checks that had passed for a value assigned again: both the old and the new
    /// value may be there afterwards, so only the checks both were taken under hold.
    fn reassigned_guards(&self, id: &Id, mut guards: Vec<usize>) -> Vec<usize> {
        match self.roles.get(id) {
            Some(Role::Data(old)) => guards.retain(|index| old.contains(index)),
            Some(Role::Tainted(old)) => guards.retain(|index| old.guards.contains(index)),
            _ => {}
        }
        guards
    }

    fn add_check(&mut self, span: Range<usize>, strength: Strength, passes_when: bool) -> usize {
        let self_only = std::mem::take(&mut self.next_check_self_only);
        self.facts.checks.push(OriginCheck {
            span,
            strength,
            passes_when,
            enforced: false,
            self_only,
        });
        self.facts.checks.len() - 1
    }

    /// Reduces a condition to its origin checks, registering each check once.
    fn cond_of(&mut self, test: &Expr) -> Cond {
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
    fn check_of(&mut self, expr: &Expr) -> Option<(Strength, bool)> {
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

    fn comparison_check(&mut self, bin: &BinExpr) -> Option<(Strength, bool)> {
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
                "hostname" | "host" if self.is_host_header(other) => Strength::Strong,
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
    fn index_of_comparison(&mut self, bin: &BinExpr) -> Option<(Strength, bool)> {
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
    fn index_of_strength(&self, call: &CallExpr) -> Option<Strength> {
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

    fn call_check(&mut self, call: &CallExpr) -> Option<(Strength, bool)> {
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
            // A function from elsewhere that is handed the origin in a condition: trust it.
            None if self.resolve_function(callee).is_none() => Some((Strength::Strong, true)),
            None => None,
        }
    }

    /// `origin.startsWith(x)`, `list.includes(origin)`, `re.test(origin)`, `map.has(origin)`…
    fn method_check(&mut self, callee: &Expr, args: &[ExprOrSpread]) -> Option<(Strength, bool)> {
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
    fn lookup_check(&mut self, member: &MemberExpr) -> Option<(Strength, bool)> {
        match &member.prop {
            MemberProp::Computed(computed) if self.is_origin(&computed.expr) => {
                Some((Strength::Strong, true))
            }
            _ => None,
        }
    }

    fn string_value(&self, expr: &Expr) -> Option<String> {
        if let Some(text) = literal_string(expr) {
            return Some(text.to_string());
        }
        match strip(expr) {
            Expr::Ident(ident) => {
                let binding = self.context.bindings.binding(&self.id(ident))?;
                if binding.kind != super::values::BindingKind::Const {
                    return None;
                }
                literal_string(binding.init()?).map(str::to_string)
            }
            _ => None,
        }
    }

    /// The strength of `event.origin === <expected>`.
    fn expected_origin_strength(&self, expected: &Expr) -> Strength {
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
    fn user_controlled_origin(&self, expr: &Expr, depth: u32) -> Option<String> {
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
    fn allowlist_strength(&self, list: &Expr) -> Strength {
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
    fn regex_strength(&self, pattern: &Expr) -> Strength {
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
    fn regex_source(&self, pattern: &Expr, depth: u32) -> Option<String> {
        if depth > 4 {
            return None;
        }
        match strip(pattern) {
            Expr::Lit(Lit::Regex(regex)) => Some(regex.exp.to_string()),
            Expr::Ident(ident) => {
                let binding = self.context.bindings.binding(&self.id(ident))?;
                if binding.kind != super::values::BindingKind::Const {
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

    fn resolve_function(&self, callee: &Expr) -> Option<Span> {
        resolve_function(self.context.bindings, callee, self.context.class)
    }

    /// What a helper handed the origin (or the event) at `position` checks.
    fn helper_summary(
        &mut self,
        callee: &Expr,
        position: usize,
        is_event: bool,
    ) -> Option<HelperSummary> {
        let span = self.resolve_function(callee)?;
        let key = (span.lo.0, span.hi.0, is_event);
        if let Some(summary) = self.context.helper_cache.get(&key) {
            return summary.clone();
        }
        if self.depth >= MAX_CALL_DEPTH || !self.context.active.insert((span.lo.0, span.hi.0)) {
            return None;
        }
        let program = self.context.program;
        let mut facts = HandlerFacts::default();
        let mut throws = false;
        with_function(program, span, |function| {
            let Some(param) = function.params.get(position) else {
                return;
            };
            let mut walker = Walker::new(&mut *self.context, &mut facts, self.depth + 1);
            walker.record_data = false;
            if is_event {
                walker.bind_event_param(param, EventShape::Dom);
            } else if let Pat::Ident(ident) = param {
                walker.roles.insert(walker.id(&ident.id), Role::Origin);
            }
            walker.walk_body(&function.body);
            throws = contains_throw(&function.body);
        });
        self.context.active.remove(&(span.lo.0, span.hi.0));
        let summary = (!facts.checks.is_empty()).then(|| HelperSummary {
            strength: weakest(&facts.checks),
            asserts: throws,
        });
        self.context.helper_cache.insert(key, summary.clone());
        summary
    }

    /// Whether `expr` is the message data itself (`event.data`, a `data` alias).
    fn is_data(&self, expr: &Expr) -> bool {
        self.event_field(expr) == Some("data") || matches!(self.role(expr), Some(Role::Data(_)))
    }

    /// Whether a call hands the helper the event or its data.
    fn passes_event_or_data(&self, args: &[ExprOrSpread]) -> bool {
        args.iter()
            .any(|arg| self.is_event(&arg.expr) || self.is_data(&arg.expr))
    }

    /// Analyses a same-file function called with the event, its origin, its data or
    /// tainted values as if its body ran here, under the current guards. Returns
    /// whether it did (the callee was found and something worth following was passed).
    fn follow_call(
        &mut self,
        callee: &Expr,
        args: &[ExprOrSpread],
        call_span: Range<usize>,
    ) -> bool {
        if self.depth >= MAX_CALL_DEPTH {
            return false;
        }
        let interesting: Vec<(usize, Role)> = args
            .iter()
            .enumerate()
            .filter_map(|(index, arg)| {
                if arg.spread.is_some() {
                    return None;
                }
                if self.is_event(&arg.expr) {
                    Some((index, Role::Event { jquery: false }))
                } else if self.is_data(&arg.expr) {
                    Some((index, Role::Data(self.data_guards(&arg.expr))))
                } else if self.is_origin(&arg.expr) {
                    Some((index, Role::Origin))
                } else {
                    self.taint_of(&arg.expr).map(|taint| {
                        let taint = taint.through(Label {
                            span: call_span.clone(),
                            message: "passed to this call".into(),
                        });
                        (index, Role::Tainted(taint))
                    })
                }
            })
            .collect();
        if interesting.is_empty() {
            return false;
        }
        let Some(span) = self.resolve_function(callee) else {
            return false;
        };
        if !self.context.active.insert((span.lo.0, span.hi.0)) {
            return false;
        }
        let program = self.context.program;
        let guards = self.guards.clone();
        let depth = self.depth + 1;
        let record_data = self.record_data;
        let followed = with_function(program, span, |function| {
            let mut walker = Walker::new(&mut *self.context, &mut *self.facts, depth);
            walker.guards = guards;
            walker.record_data = record_data;
            for (index, role) in interesting {
                match (function.params.get(index), role) {
                    (Some(param), Role::Event { .. }) => {
                        walker.bind_event_param(param, EventShape::Dom)
                    }
                    (Some(Pat::Ident(ident)), role) => {
                        walker.roles.insert(walker.id(&ident.id), role);
                    }
                    // `function apply({ columns }) {…}` handed the data.
                    (Some(param), Role::Tainted(taint)) => walker.taint_pattern(param, taint),
                    (Some(param), Role::Data(guards)) => walker.taint_pattern(
                        param,
                        Taint {
                            trail: Vec::new(),
                            guards,
                        },
                    ),
                    _ => {}
                }
            }
            walker.walk_body(&function.body);
        });
        self.context.active.remove(&(span.lo.0, span.hi.0));
        followed.is_some()
    }

    /// The trail by which `expr` carries message data, if it does.
    fn taint_of(&self, expr: &Expr) -> Option<Taint> {
        crate::stack::ensure_room();
        let expr = strip(expr);
        let read_here = || Taint {
            trail: vec![Label {
                span: span_range(expr.span()),
                message: "the message data comes from any sender".into(),
            }],
            guards: Vec::new(),
        };
        match expr {
            Expr::Ident(ident) => match self.roles.get(&self.id(ident)) {
                Some(Role::Data(guards)) => Some(Taint {
                    trail: vec![Label {
                        span: span_range(ident.span),
                        message: format!("`{}` is the message data", ident.sym),
                    }],
                    guards: guards.clone(),
                }),
                Some(Role::Tainted(taint)) => Some(taint.clone()),
                _ => None,
            },
            Expr::Member(member) => {
                if matches!(self.event_field(expr), Some("data")) {
                    return Some(read_here());
                }
                self.taint_of(&member.obj)
            }
            Expr::OptChain(chain) => match &*chain.base {
                OptChainBase::Member(member) => {
                    if matches!(self.event_field(expr), Some("data")) {
                        return Some(read_here());
                    }
                    self.taint_of(&member.obj)
                }
                OptChainBase::Call(call) => self.taint_of(&call.callee),
            },
            Expr::Call(call) => {
                let Callee::Expr(callee) = &call.callee else {
                    return None;
                };
                match strip(callee) {
                    // `data.trim()`, `data.html.replace(…)`
                    Expr::Member(member) if !is_sanitizer(member) => self
                        .taint_of(&member.obj)
                        .or_else(|| self.tainted_argument(&call.args, callee)),
                    Expr::Member(_) => None,
                    Expr::Ident(ident)
                        if matches!(
                            &*ident.sym,
                            "String" | "decodeURIComponent" | "decodeURI" | "atob" | "unescape"
                        ) =>
                    {
                        self.tainted_argument(&call.args, callee)
                    }
                    _ => None,
                }
            }
            Expr::Tpl(tpl) => tpl.exprs.iter().find_map(|e| self.taint_of(e)),
            Expr::Bin(bin) => match bin.op {
                BinaryOp::Add
                | BinaryOp::LogicalOr
                | BinaryOp::LogicalAnd
                | BinaryOp::NullishCoalescing => self
                    .taint_of(&bin.left)
                    .or_else(|| self.taint_of(&bin.right)),
                _ => None,
            },
            Expr::Cond(cond) => self
                .taint_of(&cond.cons)
                .or_else(|| self.taint_of(&cond.alt)),
            Expr::Await(inner) => self.taint_of(&inner.arg),
            Expr::Seq(seq) => seq.exprs.last().and_then(|last| self.taint_of(last)),
            Expr::Assign(assign) => self.taint_of(&assign.right),
            _ => None,
        }
    }

    /// `JSON.parse(data)` and other pass-through calls.
    fn tainted_argument(&self, args: &[ExprOrSpread], callee: &Expr) -> Option<Taint> {
        let is_passthrough = match strip(callee) {
            Expr::Member(member) => {
                let object = expression_text(&member.obj);
                let method = member_name(&member.prop).unwrap_or_default();
                (object == "JSON" && method == "parse")
                    || matches!(
                        method,
                        "concat" | "join" | "replace" | "slice" | "substring"
                    )
            }
            Expr::Ident(_) => true,
            _ => false,
        };
        if !is_passthrough {
            return None;
        }
        args.iter().find_map(|arg| self.taint_of(&arg.expr))
    }

    fn taint_pattern(&mut self, pat: &Pat, taint: Taint) {
        let mut names = Vec::new();
        collect_binding_idents(pat, &mut names);
        for ident in names {
            let held = self.held(taint.clone(), &ident);
            self.roles.insert(self.id(&ident), Role::Tainted(held));
        }
    }

    /// `taint` stored in `name` here: also guarded by the checks that passed here.
    fn held(&self, taint: Taint, name: &Ident) -> Taint {
        let mut taint = taint.through(Label {
            span: span_range(name.span),
            message: format!("`{}` holds message data", name.sym),
        });
        for &index in &self.guards {
            if !taint.guards.contains(&index) {
                taint.guards.push(index);
            }
        }
        taint
    }

    fn record_sink(&mut self, sink: Range<usize>, sink_name: impl Into<String>, value: &Expr) {
        let Some(taint) = self.taint_of(value) else {
            return;
        };
        let Some((first, rest)) = taint.trail.split_first() else {
            return;
        };
        let guard = self.guard_with(&taint.guards);
        self.facts.sinks.push(SinkFlow {
            sink,
            sink_name: sink_name.into(),
            source: first.span.clone(),
            path: rest.to_vec(),
            guard,
        });
    }

    /// Sinks reached by assigning to a property: `el.innerHTML = data`, `location.href = url`.
    fn assignment_sink(&mut self, target: &MemberExpr, value: &Expr, span: Range<usize>) {
        let Some(property) = member_name(&target.prop) else {
            return;
        };
        let object_text = expression_text(&target.obj);
        let on_location = object_text == "location" || object_text.ends_with(".location");
        let name = match property {
            "innerHTML" | "outerHTML" | "srcdoc" => property.to_string(),
            "href" if on_location => format!("{object_text}.href"),
            "location" => format!("{object_text}.location"),
            "src" | "href" | "action" | "formAction" => format!("`.{property}`"),
            _ => return,
        };
        self.record_sink(span, name, value);
    }

    fn call_sink(&mut self, callee: &Expr, args: &[ExprOrSpread], span: Range<usize>) {
        let first = args.first().map(|arg| &*arg.expr);
        match strip(callee) {
            Expr::Ident(ident) if self.context.bindings.is_global(ident) => {
                let name = &*ident.sym;
                match name {
                    "eval" | "Function" | "setTimeout" | "setInterval" | "setImmediate"
                    | "open" => {
                        if let Some(first) = first {
                            self.record_sink(span, name, first);
                        }
                    }
                    "$" | "jQuery" => {
                        if let Some(first) = first {
                            self.record_sink(span, format!("{name}(html)"), first);
                        }
                    }
                    _ => {}
                }
            }
            Expr::Member(member) => {
                let Some(method) = member_name(&member.prop) else {
                    return;
                };
                let object_text = expression_text(&member.obj);
                let on_location = object_text == "location" || object_text.ends_with(".location");
                let value = match method {
                    "insertAdjacentHTML" | "setHTMLUnsafe" => args.get(1).map(|a| &*a.expr),
                    "write" | "writeln" if object_text.ends_with("document") => first,
                    "assign" | "replace" if on_location => first,
                    "open" if object_text == "window" || object_text == "globalThis" => first,
                    "html" | "append" | "prepend" | "after" | "before" | "replaceWith"
                        if is_jquery_object(&member.obj) =>
                    {
                        first
                    }
                    "setAttribute" => {
                        let attribute = first.and_then(literal_string);
                        match attribute {
                            Some("src" | "href" | "srcdoc" | "action") => {
                                args.get(1).map(|a| &*a.expr)
                            }
                            _ => None,
                        }
                    }
                    "eval" | "setTimeout" | "setInterval"
                        if object_text == "window" || object_text == "globalThis" =>
                    {
                        first
                    }
                    _ => None,
                };
                if let Some(value) = value {
                    self.record_sink(span, format!("{object_text}.{method}"), value);
                }
            }
            _ => {}
        }
    }

    fn with_guards<R>(&mut self, extra: Vec<usize>, visit: impl FnOnce(&mut Self) -> R) -> R {
        let before = self.guards.len();
        self.guards.extend(extra);
        let result = visit(self);
        self.guards.truncate(before);
        result
    }

    fn in_test<R>(&mut self, visit: impl FnOnce(&mut Self) -> R) -> R {
        self.test_depth += 1;
        let result = visit(self);
        self.test_depth -= 1;
        result
    }

    /// Visits a test expression and reduces it to its checks.
    fn visit_test(&mut self, test: &Expr) -> Cond {
        let cond = self.cond_of(test);
        self.in_test(|this| test.visit_with(this));
        cond.bind_inline(&self.facts.checks)
    }

    /// Guards that hold after `stmt` when control continues past it.
    fn guards_after(&mut self, stmt: &Stmt) -> Vec<usize> {
        match stmt {
            Stmt::If(if_stmt) if if_stmt.alt.is_none() && always_exits(&if_stmt.cons) => {
                // Checks were registered when the statement was visited; reduce again
                // without registering, by looking the test up among the checks.
                self.reduce_registered(&if_stmt.test).holds(false)
            }
            Stmt::Expr(expr_stmt) => self.assertion_guards(&expr_stmt.expr),
            _ => Vec::new(),
        }
    }

    /// `assertTrustedOrigin(event.origin);` with a helper that throws on failure.
    fn assertion_guards(&mut self, expr: &Expr) -> Vec<usize> {
        let expr = match strip(expr) {
            Expr::Await(inner) => strip(&inner.arg),
            other => other,
        };
        let Expr::Call(call) = expr else {
            return Vec::new();
        };
        let Callee::Expr(callee) = &call.callee else {
            return Vec::new();
        };
        let Some(position) = call
            .args
            .iter()
            .position(|arg| self.is_origin(&arg.expr) || self.is_event(&arg.expr))
        else {
            return Vec::new();
        };
        let is_event = self.is_event(&call.args[position].expr);
        match self.helper_summary(callee, position, is_event) {
            Some(summary) if summary.asserts => {
                vec![self.add_check(span_range(call.span), summary.strength, true)]
            }
            _ => Vec::new(),
        }
    }

    /// The condition of a test whose checks are already registered (matched by span).
    fn reduce_registered(&self, test: &Expr) -> Cond {
        crate::stack::ensure_room();
        let test = strip(test);
        match test {
            Expr::Unary(unary) if unary.op == UnaryOp::Bang => {
                Cond::Not(Box::new(self.reduce_registered(&unary.arg)))
            }
            Expr::Bin(bin) if matches!(bin.op, BinaryOp::LogicalAnd | BinaryOp::LogicalOr) => {
                let left = self.reduce_registered(&bin.left);
                let right = self.reduce_registered(&bin.right);
                match (&left, &right) {
                    (Cond::WildcardTest, other) | (other, Cond::WildcardTest) => other.clone(),
                    _ if bin.op == BinaryOp::LogicalAnd => {
                        Cond::And(Box::new(left), Box::new(right))
                    }
                    _ => Cond::Or(Box::new(left), Box::new(right)),
                }
            }
            Expr::Ident(ident) => match self.roles.get(&self.id(ident)) {
                Some(Role::CheckResult(cond)) => (**cond).clone(),
                _ => Cond::Other,
            },
            _ => {
                let span = span_range(test.span());
                match self
                    .facts
                    .checks
                    .iter()
                    .rposition(|check| check.span == span)
                {
                    Some(index) => Cond::Check {
                        index,
                        polarity: self.facts.checks[index].passes_when,
                    },
                    None if is_wildcard_test(test) => Cond::WildcardTest,
                    None => Cond::Other,
                }
            }
        }
    }
}

/// The value a normalising call or template returns a copy of: `x.toLowerCase()`,
/// `x.trim()`, `String(x)`, `` `${x}` ``.
fn normalised_operand(expr: &Expr) -> Option<&Expr> {
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

fn flip(op: BinaryOp) -> BinaryOp {
    match op {
        BinaryOp::Gt => BinaryOp::Lt,
        BinaryOp::Lt => BinaryOp::Gt,
        BinaryOp::GtEq => BinaryOp::LtEq,
        BinaryOp::LtEq => BinaryOp::GtEq,
        other => other,
    }
}

/// `x === "*"` or `x !== "*"` for anything but the origin.
fn is_wildcard_test(expr: &Expr) -> bool {
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

/// The guard that a set of passed checks gives.
fn guard_of(passed: &[usize], checks: &[OriginCheck]) -> Guard {
    let mut weak = None;
    let mut hostname = false;
    let mut protocol = false;
    for &index in passed {
        match checks[index].strength {
            Strength::Strong => return Guard::Strong,
            Strength::HostnameOnly => hostname = true,
            Strength::ProtocolOnly => protocol = true,
            Strength::Weak { .. } => {}
        }
        weak.get_or_insert(index);
    }
    if hostname && protocol {
        return Guard::Strong;
    }
    weak.map_or(Guard::None, Guard::Weak)
}

fn weakest(checks: &[OriginCheck]) -> Strength {
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
fn host_of(text: &str) -> String {
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

/// The message event fields the analysis tells apart.
fn event_field_name(name: &str) -> Option<&'static str> {
    match name {
        "data" => Some("data"),
        "origin" => Some("origin"),
        "source" => Some("source"),
        "ports" => Some("ports"),
        _ => None,
    }
}

/// The field of `Object.getOwnPropertyDescriptor(MessageEvent.prototype, "<field>").get`
/// (also as compiled, `(_a = …) === null || _a === void 0 ? void 0 : _a.get`).
fn descriptor_getter_field(init: &Expr) -> Option<&str> {
    struct Finder<'a>(Option<&'a str>);
    impl<'a> Finder<'a> {
        fn find(&mut self, expr: &'a Expr) {
            crate::stack::ensure_room();
            match strip(expr) {
                Expr::Call(call) => {
                    let is_descriptor = matches!(&call.callee, Callee::Expr(callee)
                        if matches!(strip(callee), Expr::Member(m)
                            if member_name(&m.prop) == Some("getOwnPropertyDescriptor")));
                    if is_descriptor && let Some(field) = call.args.get(1) {
                        self.0 = literal_string(&field.expr);
                    }
                }
                Expr::Member(member) => self.find(&member.obj),
                Expr::OptChain(chain) => {
                    if let OptChainBase::Member(member) = &*chain.base {
                        self.find(&member.obj)
                    }
                }
                Expr::Cond(cond) => {
                    self.find(&cond.test);
                    self.find(&cond.alt);
                }
                Expr::Bin(bin) => {
                    self.find(&bin.left);
                    self.find(&bin.right);
                }
                Expr::Assign(assign) => self.find(&assign.right),
                _ => {}
            }
        }
    }
    let mut finder = Finder(None);
    finder.find(init);
    finder.0
}

fn is_sanitizer(member: &MemberExpr) -> bool {
    matches!(
        member_name(&member.prop),
        Some("sanitize" | "escape" | "escapeHTML" | "encode" | "textContent")
    ) || expression_text(&member.obj).contains("DOMPurify")
}

fn is_jquery_object(expr: &Expr) -> bool {
    match strip(expr) {
        Expr::Call(call) => matches!(&call.callee, Callee::Expr(c)
            if matches!(strip(c), Expr::Ident(i) if &*i.sym == "$" || &*i.sym == "jQuery")),
        Expr::Ident(ident) => ident.sym.starts_with('$'),
        Expr::Member(member) => member_name(&member.prop).is_some_and(|n| n.starts_with('$')),
        _ => false,
    }
}

/// Short source-like text of a member chain (`window.location`, `document`).
/// Whether `expr` is the dotted name `dotted` (`Bun.serve`, `Deno`): the same as
/// comparing [`expression_text`], without building the text (this runs on every call).
pub fn expression_is(expr: &Expr, dotted: &str) -> bool {
    crate::stack::ensure_room();
    match strip(expr) {
        Expr::Ident(ident) => &*ident.sym == dotted,
        Expr::This(_) => dotted == "this",
        // The property first: it rules out most expressions without searching `dotted`.
        Expr::Member(member) => member_name(&member.prop).is_some_and(|property| {
            !property.contains('.')
                && dotted
                    .strip_suffix(property)
                    .and_then(|rest| rest.strip_suffix('.'))
                    .is_some_and(|object| expression_is(&member.obj, object))
        }),
        _ => false,
    }
}

pub fn expression_text(expr: &Expr) -> String {
    crate::stack::ensure_room();
    match strip(expr) {
        Expr::Ident(ident) => ident.sym.to_string(),
        Expr::This(_) => "this".into(),
        Expr::Member(member) => match member_name(&member.prop) {
            Some(name) => format!("{}.{name}", expression_text(&member.obj)),
            None => format!("{}[…]", expression_text(&member.obj)),
        },
        Expr::Call(call) => match &call.callee {
            Callee::Expr(callee) => format!("{}()", expression_text(callee)),
            _ => "…".into(),
        },
        Expr::New(new) => format!("new {}()", expression_text(&new.callee)),
        _ => "…".into(),
    }
}

/// Resolves a callee to a same-file function: a declaration, a `const` function,
/// `this.method` in the same class, an object's method, or `f.bind(…)`.
pub fn resolve_function(bindings: &Bindings, callee: &Expr, class: Option<u32>) -> Option<Span> {
    resolve_function_at(bindings, callee, class, 0)
}

fn resolve_function_at(
    bindings: &Bindings,
    callee: &Expr,
    class: Option<u32>,
    depth: u32,
) -> Option<Span> {
    if depth > 6 {
        return None;
    }
    match strip(callee) {
        Expr::Ident(ident) => {
            let id = bindings.id(ident);
            if let Some(span) = bindings.function_named(&id) {
                return Some(span);
            }
            // `window.evaluate = function (…) {…}` then `evaluate(…)`: a global the file
            // defines on the global object.
            if bindings.is_global(ident) {
                return ["window", "self", "globalThis"].iter().find_map(|global| {
                    bindings.object_method((swc_atoms::Atom::from(*global), id.1), &ident.sym)
                });
            }
            let binding = bindings.binding(&id)?;
            resolve_function_at(bindings, binding.init()?, class, depth + 1)
        }
        Expr::Member(member) => {
            let name = member_name(&member.prop)?;
            match strip(&member.obj) {
                Expr::This(_) => bindings.class_method(class?, name),
                Expr::Ident(object) => bindings.object_method(bindings.id(object), name),
                _ => None,
            }
        }
        Expr::Call(call) => {
            let Callee::Expr(inner) = &call.callee else {
                return None;
            };
            match strip(inner) {
                // `this.onMessage.bind(this)`
                Expr::Member(member) if member_name(&member.prop) == Some("bind") => {
                    resolve_function_at(bindings, &member.obj, class, depth + 1)
                }
                // `debounce(handler, 100)`, `useCallback(handler, [])`
                _ => call
                    .args
                    .iter()
                    .find_map(|arg| resolve_function_at(bindings, &arg.expr, class, depth + 1)),
            }
        }
        _ => None,
    }
}

fn always_exits(stmt: &Stmt) -> bool {
    match stmt {
        Stmt::Return(_) | Stmt::Throw(_) | Stmt::Break(_) | Stmt::Continue(_) => true,
        Stmt::Block(block) => block.stmts.iter().any(always_exits_directly),
        _ => false,
    }
}

fn always_exits_directly(stmt: &Stmt) -> bool {
    matches!(
        stmt,
        Stmt::Return(_) | Stmt::Throw(_) | Stmt::Break(_) | Stmt::Continue(_)
    )
}

fn contains_throw(body: &Body) -> bool {
    struct Throws(bool);
    impl Visit for Throws {
        crate::guard_nesting!();

        fn visit_throw_stmt(&mut self, _: &ThrowStmt) {
            self.0 = true;
        }
        fn visit_function(&mut self, _: &Function) {}
        fn visit_arrow_expr(&mut self, _: &ArrowExpr) {}
    }
    let mut throws = Throws(false);
    match body {
        Body::Block(stmts) => stmts.visit_with(&mut throws),
        Body::Expr(expr) => expr.visit_with(&mut throws),
    }
    throws.0
}

fn collect_binding_idents(pat: &Pat, out: &mut Vec<Ident>) {
    struct Names<'a>(&'a mut Vec<Ident>);
    impl Visit for Names<'_> {
        crate::guard_nesting!(except visit_expr);

        fn visit_binding_ident(&mut self, ident: &BindingIdent) {
            self.0.push(ident.id.clone());
        }
        fn visit_expr(&mut self, _: &Expr) {}
    }
    pat.visit_with(&mut Names(out));
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
                after.extend(
                    (checks_before..self.facts.checks.len())
                        .filter(|&index| !self.facts.checks[index].self_only),
                );
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
        self.with_guards(cond.holds(true), |this| if_stmt.cons.visit_with(this));
        self.with_guards(cond.holds(false), |this| if_stmt.alt.visit_with(this));
    }

    fn visit_cond_expr(&mut self, cond_expr: &CondExpr) {
        if self.test_depth > 0 {
            return cond_expr.visit_children_with(self);
        }
        let cond = self.visit_test(&cond_expr.test);
        self.with_guards(cond.holds(true), |this| cond_expr.cons.visit_with(this));
        self.with_guards(cond.holds(false), |this| cond_expr.alt.visit_with(this));
    }

    fn visit_bin_expr(&mut self, bin: &BinExpr) {
        match bin.op {
            // Inside a condition the whole test was already reduced to its checks.
            BinaryOp::LogicalAnd | BinaryOp::LogicalOr if self.test_depth == 0 => {
                let cond = self.visit_test(&bin.left);
                let holds = cond.holds(bin.op == BinaryOp::LogicalAnd);
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
        self.with_guards(cond.holds(true), |this| stmt.body.visit_with(this));
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
                        span: span_range(ident.id.span),
                        message: format!("`{}` is assigned message data", ident.id.sym),
                    });
                    taint.guards.extend(self.guards.iter().copied());
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
                    // Logging the data is not acting on it.
                    if expression_text(callee).starts_with("console.") {
                        self.quiet_depth += 1;
                        call.visit_children_with(self);
                        self.quiet_depth -= 1;
                        return;
                    }
                    self.note_effect();
                    self.call_sink(callee, &call.args, span_range(call.span));
                    // An origin check outside any condition (`allowed.includes(e.origin);`)
                    // is still a check the code makes, even if nothing acts on it. A
                    // function from elsewhere handed the origin outside a condition
                    // (`event.source.postMessage(reply, event.origin)`) checks nothing.
                    if self.test_depth == 0
                        && !self.passes_event_or_data(&call.args)
                        && (self.resolve_function(callee).is_some()
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
