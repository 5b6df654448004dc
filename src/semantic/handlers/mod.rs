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
pub use crate::modules::Strength;
use crate::parse::span_range;

mod checks;
mod flow;
mod stream;
mod visit;

pub use checks::regex_weakness;
use checks::{is_wildcard_test, normalised_operand};
pub use stream::{StageKind, StreamStage, analyze_stream};

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
    /// Functions of other modules the handler hands the origin to that check nothing:
    /// a label at each, in its own file.
    pub unchecking_helpers: Vec<Label>,
    /// The handler posts to its own global scope as a worker answers its page: a bare
    /// `postMessage(result)` (or `self.postMessage`) with one argument, or with a transfer
    /// list. A window would receive its own answer again; a worker's handler does this.
    pub answers_like_worker: bool,
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
    /// The imported helper that makes the check, in its own file.
    pub helper: Option<Label>,
    /// `event.source === window`: true only for this window's own posts. It keeps
    /// everyone else out only where the code goes on when it holds; code that leaves
    /// when it holds (skipping its own posts) checks no other sender.
    pub self_only: bool,
    /// `!event.origin === expected`: a comparison of a boolean with the origin, never
    /// true. It guards nothing; leaving the handler on it is no check at all, and a
    /// branch on it that only warns is an unenforced check.
    pub never_rejects: bool,
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
    /// The event's data itself, as an RxJS stream hands it on after `map(e => e.data)`.
    Data,
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
    /// Predicate and assertion summaries of helpers, by function span, the parameter
    /// handed the origin or event, and which of the two it is handed.
    helper_cache: HashMap<(u32, u32, usize, bool), Option<HelperSummary>>,
    /// Which parameter each function of the file returns a copy of, by its span (see
    /// [`copied_parameter`]).
    copy_cache: std::cell::RefCell<HashMap<(u32, u32), Option<usize>>>,
    /// The handler's own text: names declared outside it are state it can change.
    handler: Range<usize>,
}

impl<'p> Context<'p> {
    /// The analysis of the function at `function` (a handler, a server function, or an
    /// exported helper) and what it calls.
    fn new(
        program: &'p Program,
        bindings: &'p Bindings<'p>,
        class: Option<u32>,
        function: Span,
    ) -> Self {
        Context {
            program,
            bindings,
            class,
            active: HashSet::default(),
            helper_cache: HashMap::default(),
            copy_cache: Default::default(),
            handler: span_range(function),
        }
    }
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
    let mut context = Context::new(program, bindings, None, function);
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

/// How many parameters of an exported function are summarised.
const SUMMARISED_PARAMS: usize = 4;

/// What an exported function does with each parameter, for the modules that import it
/// (`crate::modules`): the origin check it makes when handed an origin or an event, and
/// the sink a value handed to it reaches. The same analysis a same-file helper gets.
pub fn summarize_function(
    program: &Program,
    bindings: &Bindings,
    function: Span,
) -> crate::modules::FunctionSummary {
    let mut context = Context::new(program, bindings, None, function);
    let mut summary = crate::modules::FunctionSummary::default();
    let params = with_function(program, function, |function_ref| function_ref.params.len())
        .unwrap_or(0)
        .min(SUMMARISED_PARAMS);
    for position in 0..params {
        for is_event in [false, true] {
            let check =
                origin_check_of(&mut context, function, position, is_event, 1).map(|found| {
                    crate::modules::CheckSummary {
                        strength: found.strength,
                        asserts: found.asserts,
                    }
                });
            if is_event {
                summary.event_checks.push(check);
            } else {
                summary.origin_checks.push(check);
            }
        }
        let mut facts = HandlerFacts::default();
        with_function(program, function, |function_ref| {
            let Some(param) = function_ref.params.get(position) else {
                return;
            };
            let mut walker = Walker::new(&mut context, &mut facts, 1);
            walker.taint_pattern(
                param,
                Taint {
                    trail: Vec::new(),
                    guards: Vec::new(),
                },
            );
            walker.walk_body(&function_ref.body);
        });
        summary
            .sinks
            .push(facts.sinks.first().map(|sink| sink.sink_name.clone()));
    }
    summary
}

/// Fields of a returned object summarised, at most.
const SUMMARISED_RETURNED: usize = 16;

/// What the functions of the object the function at `function` returns do
/// (`return { verify, post }`: a composable or a hook), by field, for the modules that
/// destructure its result. Only those with something to say.
pub fn summarize_returned(
    program: &Program,
    bindings: &Bindings,
    function: Span,
) -> Vec<(String, crate::modules::FunctionSummary)> {
    let members: Vec<(String, Span)> = with_function(program, function, |function_ref| {
        let returned = match &function_ref.body {
            Body::Expr(expr) => Some(*expr),
            Body::Block(stmts) => match stmts.last() {
                Some(Stmt::Return(ReturnStmt { arg: Some(arg), .. })) => Some(&**arg),
                _ => None,
            },
        };
        let Some(Expr::Object(object)) = returned.map(strip) else {
            return Vec::new();
        };
        object
            .props
            .iter()
            .filter_map(|prop| match prop {
                PropOrSpread::Prop(prop) => match &**prop {
                    Prop::Shorthand(ident) => Some(ident.sym.to_string()),
                    Prop::KeyValue(pair) => prop_name(&pair.key).map(str::to_string),
                    Prop::Method(method) => prop_name(&method.key).map(str::to_string),
                    _ => None,
                },
                PropOrSpread::Spread(_) => None,
            })
            .take(SUMMARISED_RETURNED)
            .filter_map(|field| {
                let span = object_member_function(bindings, object, &field, None, 0)?;
                (span != function).then_some((field, span))
            })
            .collect()
    })
    .unwrap_or_default();
    members
        .into_iter()
        .map(|(field, span)| (field, summarize_function(program, bindings, span)))
        .filter(|(_, summary)| !summary.is_empty())
        .collect()
}

/// The origin check the function at `function` makes on its parameter at `position`
/// when handed an origin (or, when `is_event`, the whole event), analysed `depth` calls
/// below a handler.
fn origin_check_of(
    context: &mut Context,
    function: Span,
    position: usize,
    is_event: bool,
    depth: u32,
) -> Option<HelperSummary> {
    let mut facts = HandlerFacts::default();
    let mut throws = false;
    let mut accepts_unchecked = false;
    with_function(context.program, function, |function_ref| {
        let Some(param) = function_ref.params.get(position) else {
            return;
        };
        let mut walker = Walker::new(context, &mut facts, depth);
        walker.record_data = false;
        if is_event {
            walker.bind_event_param(param, EventShape::Dom);
        } else if let Pat::Ident(ident) = param {
            walker.roles.insert(walker.id(&ident.id), Role::Origin);
        }
        walker.walk_body(&function_ref.body);
        accepts_unchecked = walker.accepts_unchecked;
        // Another walk of the body, wanted only by a helper that checks.
        throws = !facts.checks.is_empty() && contains_throw(&function_ref.body);
    });
    if facts.checks.is_empty() {
        return None;
    }
    // `if (!expected) return true; return expected === origin;`: while nothing is
    // configured the helper says yes to everyone.
    let strength = if accepts_unchecked {
        Strength::weak(
            "the helper returns true before comparing the origin (while no allowed origin is \
             configured, say), so every origin passes then",
            Some("https://attacker.example".into()),
        )
    } else {
        checks::weakest(&facts.checks)
    };
    Some(HelperSummary {
        strength,
        asserts: throws,
    })
}

/// Analyses the handler at `function` (a function or arrow span).
pub fn analyze_handler(
    program: &Program,
    bindings: &Bindings,
    function: Span,
    class: Option<u32>,
    shape: EventShape,
    bound: usize,
) -> Option<HandlerFacts> {
    let mut context = Context::new(program, bindings, class, function);
    let mut facts = HandlerFacts::default();
    let found = with_function(program, function, |function_ref| {
        // `handle.bind(null, id)`: the event comes after the bound arguments.
        let Some(first) = function_ref.params.get(bound) else {
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

/// The parameter a function only ever returns a copy of: `(value) => Array.isArray(value)
/// ? value.join(",") : value ?? ""`, `function first(h) { return h[0] || h; }`.
fn copied_parameter(function: &FunctionRef) -> Option<usize> {
    let returned = match &function.body {
        Body::Expr(expr) => *expr,
        Body::Block([Stmt::Return(ReturnStmt { arg: Some(arg), .. })]) => &**arg,
        Body::Block(_) => return None,
    };
    function
        .params
        .iter()
        .position(|param| matches!(param, Pat::Ident(ident) if copies(returned, &ident.id.sym, 0)))
}

/// Whether `expr` is `name` or a normalised copy of it (or a literal fallback).
fn copies(expr: &Expr, name: &str, depth: u32) -> bool {
    if depth > 8 {
        return false;
    }
    let copies_or_literal =
        |expr: &Expr| matches!(strip(expr), Expr::Lit(_)) || copies(expr, name, depth + 1);
    match strip(expr) {
        Expr::Ident(ident) => &*ident.sym == name,
        Expr::Bin(bin) if matches!(bin.op, BinaryOp::NullishCoalescing | BinaryOp::LogicalOr) => {
            copies(&bin.left, name, depth + 1) && copies_or_literal(&bin.right)
        }
        Expr::Cond(cond) => {
            copies_or_literal(&cond.cons)
                && copies_or_literal(&cond.alt)
                && (copies(&cond.cons, name, depth + 1) || copies(&cond.alt, name, depth + 1))
        }
        // `value[0]` of a header given as a list (not `value["data"]`).
        Expr::Member(member)
            if matches!(&member.prop, MemberProp::Computed(computed)
                if matches!(strip(&computed.expr), Expr::Lit(Lit::Num(_)))) =>
        {
            copies(&member.obj, name, depth + 1)
        }
        Expr::Call(call) => match &call.callee {
            Callee::Expr(callee) => match strip(callee) {
                Expr::Member(member) if member_name(&member.prop) == Some("join") => {
                    copies(&member.obj, name, depth + 1)
                }
                _ => normalised_operand(expr).is_some_and(|inner| copies(inner, name, depth + 1)),
            },
            _ => false,
        },
        _ => normalised_operand(expr).is_some_and(|inner| copies(inner, name, depth + 1)),
    }
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
    fn holds(&self, value: bool, checks: &[OriginCheck]) -> Vec<usize> {
        crate::stack::ensure_room();
        match self {
            Cond::Check { index, polarity } if *polarity == value => vec![*index],
            Cond::Check { .. } | Cond::WildcardTest | Cond::Inline(_) | Cond::Other => Vec::new(),
            Cond::Not(inner) => inner.holds(!value, checks),
            // Both sides true / either side false.
            Cond::And(a, b) if value => [a.holds(true, checks), b.holds(true, checks)].concat(),
            Cond::Or(a, b) if !value => [a.holds(false, checks), b.holds(false, checks)].concat(),
            // One side or the other: the sender passed the checks of one of them, so only
            // the weaker side's guarantee holds (`origin === A || origin.includes("b")`
            // lets through whatever the substring test lets through).
            Cond::And(a, b) | Cond::Or(a, b) => {
                let left = a.holds(value, checks);
                let right = b.holds(value, checks);
                if left.is_empty() || right.is_empty() {
                    return Vec::new();
                }
                let rank = |passed: &[usize]| match guard_of(passed, checks) {
                    Guard::None => 0,
                    Guard::Weak(_) => 1,
                    Guard::Strong => 2,
                };
                match rank(&left).cmp(&rank(&right)) {
                    std::cmp::Ordering::Less => left,
                    std::cmp::Ordering::Greater => right,
                    std::cmp::Ordering::Equal => [left, right].concat(),
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
    /// A field of such a URL kept in a local (`const host = new URL(e.origin).hostname`).
    UrlField(String),
    /// The event's source window.
    Source,
    /// A value derived from the data.
    Tainted(Taint),
    /// The result of an origin check (`const ok = event.origin === X`).
    CheckResult(Box<Cond>),
    /// The index a search found with a callback that checks the origin
    /// (`const i = frames.findIndex(f => f.contentWindow === e.source)`): `i !== -1` is the
    /// check.
    FoundIndex(Box<Cond>),
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

/// More checks than any real handler nests: past it, a hostile file's thousand nested
/// checks would make every assignment compare lists of a thousand.
const MAX_TAINT_GUARDS: usize = 32;

impl Taint {
    fn through(mut self, label: Label) -> Taint {
        self.trail.push(label);
        self
    }

    /// Adds the checks that pass here to those the data was taken under.
    fn add_guards(&mut self, guards: &[usize]) {
        for &index in guards {
            if self.guards.len() >= MAX_TAINT_GUARDS {
                break;
            }
            if !self.guards.contains(&index) {
                self.guards.push(index);
            }
        }
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
    /// The check being judged is made by a helper of another module, defined here.
    next_check_helper: Option<Label>,
    /// The comparison being judged can never be true (see [`OriginCheck::never_rejects`]).
    next_check_never_rejects: bool,
    /// Functions nested inside the one walked (callbacks): their `return`s are theirs.
    nested: u32,
    /// The function walked returns `true` where no origin check has passed
    /// (`if (!allowed.length) return true;`): as a predicate, it accepts every origin then.
    accepts_unchecked: bool,
}

impl<'c, 'p> Walker<'c, 'p> {
    /// The binding `ident` names.
    fn id(&self, ident: &Ident) -> Id {
        self.context.bindings.id(ident)
    }

    /// The one value a name ever holds: its initializer, when nothing assigns it again.
    fn sole_value(&self, ident: &Ident) -> Option<&'p Expr> {
        self.context
            .bindings
            .binding(&self.id(ident))
            .filter(|binding| binding.assignments.is_empty() && !binding.has_unknown_assignment)
            .and_then(|binding| binding.init())
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
            next_check_helper: None,
            next_check_never_rejects: false,
            nested: 0,
            accepts_unchecked: false,
        }
    }

    fn bind_event_param(&mut self, pat: &Pat, shape: EventShape) {
        crate::stack::ensure_room();
        let jquery = shape == EventShape::JQuery;
        if shape == EventShape::Data {
            match pat {
                Pat::Ident(ident) => {
                    let role = Role::Data(self.guards.clone());
                    self.roles.insert(self.id(&ident.id), role);
                }
                Pat::Assign(assign) => self.bind_event_param(&assign.left, shape),
                _ => self.taint_pattern(
                    pat,
                    Taint {
                        trail: Vec::new(),
                        guards: self.guards.clone(),
                    },
                ),
            }
            return;
        }
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

    /// `const { hostname, protocol } = new URL(event.origin)`: each name holds that field.
    fn bind_url_fields(&mut self, object: &ObjectPat) {
        for prop in &object.props {
            let (field, ident) = match prop {
                ObjectPatProp::Assign(assign) => (Some(&*assign.key.id.sym), &assign.key.id),
                ObjectPatProp::KeyValue(pair) => match &*pair.value {
                    Pat::Ident(ident) => (prop_name(&pair.key), &ident.id),
                    _ => continue,
                },
                ObjectPatProp::Rest(_) => continue,
            };
            let Some(field) = field else { continue };
            let role = if field == "origin" {
                Role::Origin
            } else {
                Role::UrlField(field.to_string())
            };
            self.roles.insert(self.id(ident), role);
        }
    }

    fn walk_body(&mut self, body: &Body) {
        match body {
            Body::Block(stmts) => self.visit_stmts(stmts),
            Body::Expr(expr) => self.visit_returned(expr),
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
        // `parseHeaderValue(req.headers.origin)`: a function of the file that returns a
        // copy of what it is handed.
        if let Expr::Call(call) = strip(expr)
            && let Some(argument) = self.copied_argument(call)
        {
            return self.is_origin(argument);
        }
        self.event_field(expr) == Some("origin")
            || matches!(self.role(expr), Some(Role::Origin))
            || self.url_field(expr) == Some("origin")
    }

    fn is_source(&self, expr: &Expr) -> bool {
        self.event_field(expr) == Some("source") || matches!(self.role(expr), Some(Role::Source))
    }

    /// `new URL(event.origin).<field>` or `url.<field>` for such a URL, or a local that
    /// holds one.
    fn url_field<'e>(&'e self, expr: &'e Expr) -> Option<&'e str> {
        match strip(expr) {
            Expr::Member(member) if self.is_origin_url(&member.obj) => member_name(&member.prop),
            Expr::Ident(_) => match self.role(expr) {
                Some(Role::UrlField(field)) => Some(field),
                _ => None,
            },
            _ => None,
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
        let helper = self.next_check_helper.take();
        let never_rejects = std::mem::take(&mut self.next_check_never_rejects);
        self.facts.checks.push(OriginCheck {
            helper,
            span,
            strength,
            passes_when,
            enforced: false,
            self_only,
            never_rejects,
        });
        self.facts.checks.len() - 1
    }

    fn resolve_function(&self, callee: &Expr) -> Option<Span> {
        resolve_function(self.context.bindings, callee, self.context.class)
    }

    /// The argument a call of a same-file function hands back, normalised, when the
    /// function only returns a copy of one of its parameters.
    fn copied_argument<'e>(&self, call: &'e CallExpr) -> Option<&'e Expr> {
        let Callee::Expr(callee) = &call.callee else {
            return None;
        };
        if !matches!(strip(callee), Expr::Ident(_)) {
            return None;
        }
        let span = self.resolve_function(callee)?;
        let key = (span.lo.0, span.hi.0);
        let cached = self.context.copy_cache.borrow().get(&key).copied();
        let position = match cached {
            Some(position) => position,
            None => {
                let position =
                    with_function(self.context.program, span, |f| copied_parameter(&f)).flatten();
                self.context.copy_cache.borrow_mut().insert(key, position);
                position
            }
        }?;
        let argument = call.args.get(position)?;
        argument.spread.is_none().then_some(&*argument.expr)
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
                self.reduce_registered(&if_stmt.test)
                    .holds(false, &self.facts.checks)
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
        self.next_check_helper = None;
        let guards = match self.helper_summary(callee, position, is_event) {
            Some(summary) if summary.asserts => {
                vec![self.add_check(span_range(call.span), summary.strength, true)]
            }
            _ => Vec::new(),
        };
        self.next_check_helper = None;
        guards
    }

    /// The condition of a test whose checks are already registered (matched by span),
    /// reduced as [`Self::cond_of`] reduced it.
    fn reduce_registered(&self, test: &Expr) -> Cond {
        crate::stack::ensure_room();
        let test = strip(test);
        match test {
            Expr::Unary(unary) if unary.op == UnaryOp::Bang => {
                Cond::Not(Box::new(self.reduce_registered(&unary.arg)))
            }
            Expr::Bin(bin) if matches!(bin.op, BinaryOp::LogicalAnd | BinaryOp::LogicalOr) => {
                let mut operands = Vec::new();
                checks::flatten_chain(test, bin.op, &mut operands);
                let conds: Vec<Cond> = operands
                    .iter()
                    .map(|operand| self.reduce_registered(operand))
                    .collect();
                let gated = self.gated_operands(bin.op, &operands, &conds);
                let mut joined: Option<Cond> = None;
                for (index, cond) in conds.into_iter().enumerate() {
                    if gated.dropped.contains(&index) {
                        continue;
                    }
                    joined = Some(match joined {
                        None => cond,
                        Some(left) => match (&left, &cond) {
                            (Cond::WildcardTest, other) | (other, Cond::WildcardTest)
                                if other.has_check() =>
                            {
                                other.clone()
                            }
                            _ if bin.op == BinaryOp::LogicalAnd => {
                                Cond::And(Box::new(left), Box::new(cond))
                            }
                            _ => Cond::Or(Box::new(left), Box::new(cond)),
                        },
                    });
                }
                joined.unwrap_or(Cond::Other)
            }
            Expr::Bin(bin) if checks::boolean_comparison(bin).is_some() => {
                let (operand, same) = checks::boolean_comparison(bin).unwrap_or((&bin.left, true));
                let inner = self.reduce_registered(operand);
                match inner {
                    inner if !inner.has_check() => Cond::Other,
                    inner if same => inner,
                    inner => Cond::Not(Box::new(inner)),
                }
            }
            Expr::Ident(ident) => match self.roles.get(&self.id(ident)) {
                Some(Role::CheckResult(cond)) => (**cond).clone(),
                _ => Cond::Other,
            },
            Expr::Bin(bin) if self.found_index(bin).is_some() => {
                self.found_index(bin).unwrap_or(Cond::Other)
            }
            _ => {
                if let Some((result, found)) = checks::callback_search(test) {
                    let cond = self.reduce_registered(result);
                    if cond.has_check() {
                        return if found {
                            cond
                        } else {
                            Cond::Not(Box::new(cond))
                        };
                    }
                }
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

/// The guard that a set of passed checks gives.
fn guard_of(passed: &[usize], checks: &[OriginCheck]) -> Guard {
    let mut weak = None;
    let mut hostname = false;
    let mut protocol = false;
    for &index in passed {
        if checks[index].never_rejects {
            continue;
        }
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

/// Whether [`expression_text`] of `expr` is `text`, without building it: the walks ask
/// this of every name and call they meet, and most answers are no.
pub fn expression_text_is(expr: &Expr, text: &str) -> bool {
    crate::stack::ensure_room();
    match strip(expr) {
        Expr::Ident(ident) => &*ident.sym == text,
        Expr::This(_) => text == "this",
        Expr::Member(member) => {
            let rest = match member_name(&member.prop) {
                Some(name) => text
                    .strip_suffix(name)
                    .and_then(|rest| rest.strip_suffix('.')),
                None => text.strip_suffix("[…]"),
            };
            rest.is_some_and(|rest| expression_text_is(&member.obj, rest))
        }
        Expr::Call(call) => match &call.callee {
            Callee::Expr(callee) => text
                .strip_suffix("()")
                .is_some_and(|rest| expression_text_is(callee, rest)),
            _ => text == "…",
        },
        Expr::New(new) => text
            .strip_prefix("new ")
            .and_then(|rest| rest.strip_suffix("()"))
            .is_some_and(|rest| expression_text_is(&new.callee, rest)),
        _ => text == "…",
    }
}

/// Whether [`expression_text`] of `expr` starts with `root` and a dot (`console.` of
/// `console.log`, `console.error.bind`), without building it.
pub fn expression_text_starts_with_dotted(expr: &Expr, root: &str) -> bool {
    crate::stack::ensure_room();
    match strip(expr) {
        Expr::Member(member) => match strip(&member.obj) {
            Expr::Ident(ident) if &*ident.sym == root => member_name(&member.prop).is_some(),
            _ => expression_text_starts_with_dotted(&member.obj, root),
        },
        Expr::Call(call) => match &call.callee {
            Callee::Expr(callee) => expression_text_starts_with_dotted(callee, root),
            _ => false,
        },
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
            // `const { verify } = useEmbedMode()`: the function a same-file composable
            // returns under that field.
            if let Some((init, field)) = bindings.destructured.get(&id)
                && let Some(span) = returned_member(bindings, init, field, class, depth)
            {
                return Some(span);
            }
            let binding = bindings.binding(&id)?;
            resolve_function_at(bindings, sole_value(binding)?, class, depth + 1)
        }
        Expr::Member(member) => {
            let name = member_name(&member.prop)?;
            match strip(&member.obj) {
                Expr::This(_) => bindings.class_method(class?, name),
                Expr::Ident(object) => bindings.object_method(bindings.id(object), name),
                // `get().connect()`, `useStore.getState().connect()`: a store's action.
                _ => crate::semantic::stores::store_action(bindings, member),
            }
        }
        // `storeRef?.getState().connect`: a store's action, read in an optional chain.
        Expr::OptChain(chain) => match &*chain.base {
            OptChainBase::Member(member) => crate::semantic::stores::store_action(bindings, member),
            OptChainBase::Call(_) => None,
        },
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

/// The function a same-file function's returned object holds under `field`, for a name
/// destructured from a call of it (`const { verify } = useEmbedMode()`).
fn returned_member(
    bindings: &Bindings,
    call: &Expr,
    field: &str,
    class: Option<u32>,
    depth: u32,
) -> Option<Span> {
    let Expr::Call(call) = strip(call) else {
        return None;
    };
    let Callee::Expr(maker) = &call.callee else {
        return None;
    };
    let Expr::Ident(maker) = strip(maker) else {
        return None;
    };
    // A function declaration's one `return`, or a `const` arrow's or function
    // expression's (whatever its size: only the returned object is read).
    let returned = bindings.returned_value(maker).or_else(|| {
        let binding = bindings.binding(&bindings.binding_id(maker)?)?;
        if binding.kind != crate::semantic::values::BindingKind::Const {
            return None;
        }
        match strip(binding.init_expr?) {
            Expr::Arrow(arrow) => match &*arrow.body {
                ArrowFunctionBody::Expr(body) => Some(&**body),
                ArrowFunctionBody::FunctionBody(block) => {
                    crate::semantic::values::only_return(&block.stmts)
                }
            },
            Expr::Fn(function) => {
                crate::semantic::values::only_return(&function.function.body.as_ref()?.stmts)
            }
            _ => None,
        }
    });
    let Expr::Object(object) = strip(returned?) else {
        return None;
    };
    object_member_function(bindings, object, field, class, depth + 1)
}

/// The function an object literal holds under `field`: a method, a function, or a name of
/// one (`{ verify }`, `{ verify: check }`).
pub(super) fn object_member_function(
    bindings: &Bindings,
    object: &ObjectLit,
    field: &str,
    class: Option<u32>,
    depth: u32,
) -> Option<Span> {
    let mut found = None;
    for prop in &object.props {
        let PropOrSpread::Prop(prop) = prop else {
            found = None;
            continue;
        };
        match &**prop {
            Prop::Shorthand(ident) if &*ident.sym == field => {
                found = resolve_function_at(bindings, &Expr::Ident(ident.clone()), class, depth);
            }
            Prop::KeyValue(pair) if prop_name(&pair.key) == Some(field) => {
                found = match strip(&pair.value) {
                    Expr::Arrow(arrow) => Some(arrow.span),
                    Expr::Fn(function) => Some(function.function.span),
                    value => resolve_function_at(bindings, value, class, depth),
                };
            }
            Prop::Method(method) if prop_name(&method.key) == Some(field) => {
                found = Some(method.function.span);
            }
            _ => {}
        }
    }
    found
}

/// A binding's initializer, or its only assignment when it is declared without one
/// (`let onMessage; … onMessage = handle.bind(null, id);`).
fn sole_value<'a>(binding: &crate::semantic::values::Binding<'a>) -> Option<&'a Expr> {
    match binding.init() {
        Some(init) => Some(init),
        None if !binding.has_unknown_assignment => match binding.assignments.as_slice() {
            [only] => Some(only),
            _ => None,
        },
        None => None,
    }
}

/// How many leading arguments `f.bind(thisArg, a, b)` fixes, through names, for a
/// handler that `resolve_function` resolves: the event is the parameter after them.
pub fn bound_arguments(bindings: &Bindings, callee: &Expr) -> usize {
    fn walk(bindings: &Bindings, callee: &Expr, depth: u32) -> usize {
        if depth > 6 {
            return 0;
        }
        match strip(callee) {
            Expr::Ident(ident) => {
                let id = bindings.id(ident);
                if bindings.function_named(&id).is_some() {
                    return 0;
                }
                bindings
                    .binding(&id)
                    .and_then(sole_value)
                    .map_or(0, |value| walk(bindings, value, depth + 1))
            }
            Expr::Call(call) => match &call.callee {
                Callee::Expr(inner) => match strip(inner) {
                    Expr::Member(member) if member_name(&member.prop) == Some("bind") => {
                        call.args.len().saturating_sub(1) + walk(bindings, &member.obj, depth + 1)
                    }
                    _ => 0,
                },
                _ => 0,
            },
            _ => 0,
        }
    }
    walk(bindings, callee, 0)
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

#[cfg(test)]
mod text_tests {
    use proptest::prelude::*;
    use swc_ecma_ast::{Expr, Program, Stmt};

    use super::{expression_text, expression_text_is, expression_text_starts_with_dotted};
    use crate::source::Language;

    /// An expression built from the forms [`expression_text`] spells out (names,
    /// `this`, members named and computed, calls, `new`) and those it does not, with
    /// the wrappers `strip` sees through.
    fn expression() -> impl Strategy<Value = String> {
        let leaf = prop_oneof![
            Just("console".to_string()),
            Just("JSON".to_string()),
            Just("Array".to_string()),
            Just("this".to_string()),
            Just("x".to_string()),
            Just("(1)".to_string()),
            Just("`t`".to_string()),
        ];
        leaf.prop_recursive(5, 32, 2, |inner| {
            prop_oneof![
                (
                    inner.clone(),
                    prop_oneof![
                        Just("log"),
                        Just("stringify"),
                        Just("isArray"),
                        Just("console"),
                        Just("a")
                    ]
                )
                    .prop_map(|(object, name)| format!("{object}.{name}")),
                (
                    inner.clone(),
                    prop_oneof![Just("\"log\""), Just("\"a.b\""), Just("0"), Just("x")]
                )
                    .prop_map(|(object, key)| format!("{object}[{key}]")),
                inner.clone().prop_map(|callee| format!("{callee}()")),
                inner.clone().prop_map(|callee| format!("new ({callee})()")),
                inner.clone().prop_map(|value| format!("({value})")),
                inner.clone().prop_map(|value| format!("({value} as any)")),
                inner.clone().prop_map(|value| format!("{value}!")),
                inner.clone().prop_map(|value| format!("markRaw({value})")),
                inner.prop_map(|value| format!("{value}?.a")),
            ]
        })
    }

    /// Parses `source` as an expression statement and hands the expression to `check`.
    fn with_expression(source: &str, check: impl FnOnce(&Expr)) {
        crate::parse::with_globals(|| {
            let parsed =
                crate::parse::parse_script(&format!("({source});"), 0, Language::TypeScript)
                    .unwrap_or_else(|error| panic!("{source:?} does not parse: {error:?}"));
            let statement = match &parsed.program {
                Program::Script(script) => script.body.first(),
                Program::Module(module) => match module.body.first() {
                    Some(swc_ecma_ast::ModuleItem::Stmt(statement)) => Some(statement),
                    _ => None,
                },
            };
            let Some(Stmt::Expr(statement)) = statement else {
                panic!("{source:?} is not one expression statement");
            };
            check(&statement.expr);
        });
    }

    proptest! {
        /// The predicates say what comparing the built text says, for the text itself,
        /// for the texts the walks ask about, and for texts one form off.
        #[test]
        fn predicates_agree_with_the_text(source in expression()) {
            with_expression(&source, |expr| {
                let text = expression_text(expr);
                let mut targets = vec![
                    text.clone(),
                    format!("{text}()"),
                    format!("{text}.log"),
                    "JSON".to_string(),
                    "JSON.stringify".to_string(),
                    "Array.isArray".to_string(),
                    "console".to_string(),
                    "this".to_string(),
                    "…".to_string(),
                    String::new(),
                ];
                if let Some(shorter) = text.rsplit_once('.') {
                    targets.push(shorter.0.to_string());
                }
                for target in &targets {
                    assert_eq!(
                        expression_text_is(expr, target),
                        &text == target,
                        "{source:?} has the text {text:?}; asked about {target:?}"
                    );
                }
                assert_eq!(
                    expression_text_starts_with_dotted(expr, "console"),
                    text.starts_with("console."),
                    "{source:?} has the text {text:?}"
                );
            });
        }
    }
}
