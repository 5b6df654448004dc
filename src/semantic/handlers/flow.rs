//! Following the message data: through values, same-file helpers and into HTML, script
//! and URL sinks.

use std::ops::Range;

use swc_common::Spanned;
use swc_ecma_ast::*;

use super::*;
use crate::diagnostic::Label;
use crate::parse::span_range;
use crate::semantic::values::{literal_string, member_name, strip};

impl Walker<'_, '_> {
    /// Analyses a same-file function called with the event, its origin, its data or
    /// tainted values as if its body ran here, under the current guards. Returns
    /// whether it did (the callee was found and something worth following was passed).
    pub(super) fn follow_call(
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
                            elsewhere: None,
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
        // A helper of another module: the sinks its summary names. Its arguments are
        // used here, as they are by any function the analysis cannot follow.
        if let Some((function, found, shown)) = self
            .context
            .bindings
            .imported_function_for(callee, crate::modules::env::Matters::SINKS)
        {
            for (index, _) in &interesting {
                let Some(Some(sink)) = function.sinks.get(*index) else {
                    continue;
                };
                let before = self.facts.sinks.len();
                self.record_sink(call_span.clone(), sink.clone(), &args[*index].expr);
                if let Some(flow) = self.facts.sinks.get_mut(before) {
                    flow.path.push(Label {
                        elsewhere: None,
                        span: call_span.clone(),
                        message: format!("passed to `{shown}`, which writes it to {sink}"),
                    });
                    flow.path.push(Label::elsewhere(
                        &found.path,
                        found.summary.line,
                        format!("`{shown}` writes its argument to {sink} here"),
                    ));
                }
            }
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
    pub(super) fn taint_of(&self, expr: &Expr) -> Option<Taint> {
        crate::stack::ensure_room();
        let expr = strip(expr);
        let read_here = || Taint {
            trail: vec![Label {
                elsewhere: None,
                span: span_range(expr.span()),
                message: "the message data comes from any sender".into(),
            }],
            guards: Vec::new(),
        };
        match expr {
            Expr::Ident(ident) => match self.roles.get(&self.id(ident)) {
                Some(Role::Data(guards)) => Some(Taint {
                    trail: vec![Label {
                        elsewhere: None,
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
    pub(super) fn tainted_argument(&self, args: &[ExprOrSpread], callee: &Expr) -> Option<Taint> {
        let is_passthrough = match strip(callee) {
            Expr::Member(member) => {
                let method = member_name(&member.prop).unwrap_or_default();
                (method == "parse" && expression_is(&member.obj, "JSON"))
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

    pub(super) fn taint_pattern(&mut self, pat: &Pat, taint: Taint) {
        let mut names = Vec::new();
        crate::semantic::values::bound_names(pat, &mut names);
        for ident in names {
            let held = self.held(taint.clone(), &ident);
            self.roles.insert(self.id(&ident), Role::Tainted(held));
        }
    }

    /// `taint` stored in `name` here: also guarded by the checks that passed here.
    pub(super) fn held(&self, taint: Taint, name: &Ident) -> Taint {
        let mut taint = taint.through(Label {
            elsewhere: None,
            span: span_range(name.span),
            message: format!("`{}` holds message data", name.sym),
        });
        taint.add_guards(&self.guards);
        taint
    }

    pub(super) fn record_sink(
        &mut self,
        sink: Range<usize>,
        sink_name: impl Into<String>,
        value: &Expr,
    ) {
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
    pub(super) fn assignment_sink(
        &mut self,
        target: &MemberExpr,
        value: &Expr,
        span: Range<usize>,
    ) {
        let Some(property) = member_name(&target.prop) else {
            return;
        };
        // Built only for the properties that need it: most assignments are no sink.
        let object_text = LazyText::of(&target.obj);
        let name = match property {
            "innerHTML" | "outerHTML" | "srcdoc" => property.to_string(),
            "href" if object_text.on_location() => format!("{}.href", object_text.get()),
            "location" => format!("{}.location", object_text.get()),
            "src" | "href" | "action" | "formAction" => format!("`.{property}`"),
            _ => return,
        };
        self.record_sink(span, name, value);
    }

    pub(super) fn call_sink(&mut self, callee: &Expr, args: &[ExprOrSpread], span: Range<usize>) {
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
                // Built only for the methods that need it: most calls are no sink.
                let object_text = LazyText::of(&member.obj);
                let value = match method {
                    "insertAdjacentHTML" | "setHTMLUnsafe" => args.get(1).map(|a| &*a.expr),
                    "write" | "writeln" if object_text.get().ends_with("document") => first,
                    "assign" | "replace" if object_text.on_location() => first,
                    "open" if object_text.is_window() => first,
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
                    "eval" | "setTimeout" | "setInterval" if object_text.is_window() => first,
                    _ => None,
                };
                if let Some(value) = value {
                    self.record_sink(span, format!("{}.{method}", object_text.get()), value);
                }
            }
            _ => {}
        }
    }
}

/// [`expression_text`] of an expression, built the first time it is asked for.
struct LazyText<'e> {
    expr: &'e Expr,
    text: std::cell::OnceCell<String>,
}

impl<'e> LazyText<'e> {
    fn of(expr: &'e Expr) -> LazyText<'e> {
        LazyText {
            expr,
            text: std::cell::OnceCell::new(),
        }
    }

    fn get(&self) -> &str {
        self.text.get_or_init(|| expression_text(self.expr))
    }

    /// `location` or `<anything>.location`.
    fn on_location(&self) -> bool {
        let text = self.get();
        text == "location" || text.ends_with(".location")
    }

    /// `window` or `globalThis`.
    fn is_window(&self) -> bool {
        matches!(self.get(), "window" | "globalThis")
    }
}

pub(super) fn is_sanitizer(member: &MemberExpr) -> bool {
    matches!(
        member_name(&member.prop),
        Some("sanitize" | "escape" | "escapeHTML" | "encode" | "textContent")
    ) || expression_text(&member.obj).contains("DOMPurify")
}

pub(super) fn is_jquery_object(expr: &Expr) -> bool {
    match strip(expr) {
        Expr::Call(call) => matches!(&call.callee, Callee::Expr(c)
            if matches!(strip(c), Expr::Ident(i) if &*i.sym == "$" || &*i.sym == "jQuery")),
        Expr::Ident(ident) => ident.sym.starts_with('$'),
        Expr::Member(member) => member_name(&member.prop).is_some_and(|n| n.starts_with('$')),
        _ => false,
    }
}
