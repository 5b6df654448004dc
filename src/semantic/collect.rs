//! The single walk over a file's tree. It records bindings and raw call sites;
//! resolution runs afterwards, when every binding of the file is known.

use std::collections::HashMap;
use std::ops::Range;

use swc_atoms::Atom;
use swc_common::Spanned;
use swc_ecma_ast::*;
use swc_ecma_visit::{Visit, VisitWith};

use super::values::{
    Binding, BindingKind, Bindings, FileProtocolTest, literal_string, member_name, prop_name, strip,
};
use super::{FileFacts, PostMessageCall};
use crate::parse::{ParsedScript, span_range};

/// Expressions larger than this many nodes are not kept for resolution.
const CLONE_BUDGET: u32 = 64;

pub fn collect(parsed: &ParsedScript) -> FileFacts {
    let mut collector = Collector {
        bindings: Bindings {
            unresolved: parsed.unresolved,
            ..Bindings::default()
        },
        declaration_kind: None,
        pending_assignments: HashMap::new(),
        post_messages: Vec::new(),
        file_protocol_guards: 0,
    };
    parsed.program.visit_with(&mut collector);
    collector.finish()
}

struct RawPostMessage {
    span: Range<usize>,
    callee_span: Range<usize>,
    receiver: Option<Box<Expr>>,
    receiver_span: Option<Range<usize>>,
    argument_count: usize,
    /// The second argument; `None` when absent or too large to keep.
    second_argument: Option<Box<Expr>>,
    only_under_file_protocol: bool,
}

struct Collector {
    bindings: Bindings,
    declaration_kind: Option<VarDeclKind>,
    /// Assignments seen before their binding's declaration (hoisting).
    pending_assignments: HashMap<Id, Vec<Option<Box<Expr>>>>,
    post_messages: Vec<RawPostMessage>,
    /// How many enclosing conditions restrict the code to the `file:` protocol.
    file_protocol_guards: u32,
}

impl Collector {
    fn finish(mut self) -> FileFacts {
        for (id, values) in std::mem::take(&mut self.pending_assignments) {
            if let Some(binding) = self.bindings.by_id.get_mut(&id) {
                for value in values {
                    match value {
                        Some(value) => binding.assignments.push(value),
                        None => binding.has_unknown_assignment = true,
                    }
                }
            }
        }
        let bindings = &self.bindings;
        let post_messages = self
            .post_messages
            .iter()
            .map(|raw| resolve_post_message(bindings, raw))
            .collect();
        FileFacts { post_messages }
    }

    fn declare(&mut self, ident: &Ident, kind: BindingKind, init: Option<&Expr>) {
        self.bindings.by_id.insert(
            ident.to_id(),
            Binding {
                kind,
                name: ident.sym.clone(),
                span: span_range(ident.span),
                init: init.and_then(small_clone),
                assignments: Vec::new(),
                has_unknown_assignment: false,
            },
        );
    }

    fn declare_pattern(&mut self, pat: &Pat, kind: &BindingKind) {
        match pat {
            Pat::Ident(ident) => self.declare(&ident.id, kind.clone(), None),
            Pat::Assign(assign) => {
                if let (Pat::Ident(ident), BindingKind::Parameter) = (&*assign.left, kind) {
                    // The default is what the parameter holds when a caller omits it.
                    self.declare(&ident.id, BindingKind::Parameter, Some(&assign.right));
                } else {
                    self.declare_pattern(&assign.left, kind);
                }
            }
            Pat::Array(array) => {
                for element in array.elems.iter().flatten() {
                    self.declare_pattern(element, &BindingKind::Other);
                }
            }
            Pat::Rest(rest) => self.declare_pattern(&rest.arg, &BindingKind::Other),
            Pat::Object(object) => {
                for prop in &object.props {
                    match prop {
                        ObjectPatProp::KeyValue(pair) => {
                            self.declare_pattern(&pair.value, &BindingKind::Other)
                        }
                        ObjectPatProp::Assign(assign) => {
                            self.declare(&assign.key.id, BindingKind::Other, None)
                        }
                        ObjectPatProp::Rest(rest) => {
                            self.declare_pattern(&rest.arg, &BindingKind::Other)
                        }
                    }
                }
            }
            Pat::Expr(_) | Pat::Invalid(_) => {}
        }
    }

    /// `const { parentPort } = require("worker_threads")`: names imported through `require`.
    fn declare_required(&mut self, object: &ObjectPat, source: &Atom) {
        for prop in &object.props {
            let (local, imported) = match prop {
                ObjectPatProp::Assign(assign) => (&assign.key.id, assign.key.id.sym.clone()),
                ObjectPatProp::KeyValue(pair) => match (&*pair.value, prop_name(&pair.key)) {
                    (Pat::Ident(local), Some(name)) => (&local.id, Atom::from(name)),
                    _ => continue,
                },
                ObjectPatProp::Rest(_) => continue,
            };
            let kind = BindingKind::Import {
                source: source.clone(),
                imported,
            };
            self.declare(local, kind, None);
        }
    }

    fn record_assignment(&mut self, ident: &Ident, value: Option<Box<Expr>>) {
        if self.bindings.is_global(ident) {
            return;
        }
        let id = ident.to_id();
        match self.bindings.by_id.get_mut(&id) {
            Some(binding) => match value {
                Some(value) => binding.assignments.push(value),
                None => binding.has_unknown_assignment = true,
            },
            None => self.pending_assignments.entry(id).or_default().push(value),
        }
    }

    fn record_post_message(&mut self, span: Range<usize>, callee: &Expr, args: &[ExprOrSpread]) {
        if args.iter().any(|arg| arg.spread.is_some()) {
            return;
        }
        let callee = strip(callee);
        let receiver = match callee {
            Expr::Ident(ident)
                if &*ident.sym == "postMessage" && self.bindings.is_global(ident) =>
            {
                None
            }
            _ => match member_of(callee) {
                Some(member) if member_name(&member.prop) == Some("postMessage") => {
                    Some(&*member.obj)
                }
                _ => return,
            },
        };
        self.post_messages.push(RawPostMessage {
            span,
            callee_span: span_range(callee.span()),
            receiver: receiver.and_then(small_clone),
            receiver_span: receiver.map(|receiver| span_range(receiver.span())),
            argument_count: args.len(),
            second_argument: args.get(1).and_then(|arg| small_clone(&arg.expr)),
            only_under_file_protocol: self.file_protocol_guards > 0,
        });
    }

    fn with_file_guard(&mut self, guarded: bool, visit: impl FnOnce(&mut Self)) {
        if guarded {
            self.file_protocol_guards += 1;
        }
        visit(self);
        if guarded {
            self.file_protocol_guards -= 1;
        }
    }

    /// `if (location.protocol !== "file:") return;` restricts the statements after it.
    fn is_exit_unless_file(&self, stmt: &Stmt) -> bool {
        let Stmt::If(if_stmt) = stmt else {
            return false;
        };
        if_stmt.alt.is_none()
            && always_exits(&if_stmt.cons)
            && self.bindings.file_protocol_test(&if_stmt.test)
                == Some(FileProtocolTest::WhenNotFile)
    }
}

fn resolve_post_message(bindings: &Bindings, raw: &RawPostMessage) -> PostMessageCall {
    let target = match &raw.receiver {
        None if raw.receiver_span.is_none() => super::Target::CurrentWindow,
        None => super::Target::Unknown,
        Some(receiver) => bindings.classify_target(receiver),
    };
    let (origin, origin_in_options) = match raw.second_argument.as_deref() {
        Some(second) => match bindings.options_target_origin(second) {
            Some(origin) => (Some(origin), true),
            None => (Some(second), false),
        },
        None => (None, false),
    };
    let wildcard_origin = if raw.only_under_file_protocol {
        None
    } else {
        origin.and_then(|origin| bindings.wildcard_origin(origin))
    };
    PostMessageCall {
        span: raw.span.clone(),
        callee_span: raw.callee_span.clone(),
        receiver_span: raw.receiver_span.clone(),
        target,
        argument_count: raw.argument_count,
        wildcard_origin,
        origin_in_options,
    }
}

fn member_of(expr: &Expr) -> Option<&MemberExpr> {
    match expr {
        Expr::Member(member) => Some(member),
        Expr::OptChain(chain) => match &*chain.base {
            OptChainBase::Member(member) => Some(member),
            OptChainBase::Call(_) => None,
        },
        _ => None,
    }
}

fn always_exits(stmt: &Stmt) -> bool {
    match stmt {
        Stmt::Return(_) | Stmt::Throw(_) | Stmt::Break(_) | Stmt::Continue(_) => true,
        Stmt::Block(block) => block.stmts.last().is_some_and(always_exits),
        _ => false,
    }
}

/// Clones an expression when it is small and holds no function or class,
/// so that resolution can look at it after the tree is gone.
fn small_clone(expr: &Expr) -> Option<Box<Expr>> {
    let mut probe = SizeProbe {
        budget: CLONE_BUDGET,
        fits: true,
    };
    expr.visit_with(&mut probe);
    probe.fits.then(|| Box::new(expr.clone()))
}

struct SizeProbe {
    budget: u32,
    fits: bool,
}

impl Visit for SizeProbe {
    fn visit_expr(&mut self, expr: &Expr) {
        if !self.fits {
            return;
        }
        if self.budget == 0 || matches!(expr, Expr::Fn(_) | Expr::Arrow(_) | Expr::Class(_)) {
            self.fits = false;
            return;
        }
        self.budget -= 1;
        expr.visit_children_with(self);
    }

    fn visit_function(&mut self, _: &Function) {
        self.fits = false;
    }
}

impl Visit for Collector {
    fn visit_var_decl(&mut self, decl: &VarDecl) {
        let outer = self.declaration_kind.replace(decl.kind);
        decl.visit_children_with(self);
        self.declaration_kind = outer;
    }

    fn visit_var_declarator(&mut self, declarator: &VarDeclarator) {
        let kind = match self.declaration_kind {
            Some(VarDeclKind::Const) => BindingKind::Const,
            Some(VarDeclKind::Let) => BindingKind::Let,
            _ => BindingKind::Var,
        };
        match (&declarator.name, declarator.init.as_deref().map(strip)) {
            (Pat::Ident(ident), init) => self.declare(&ident.id, kind, init),
            (Pat::Object(object), Some(Expr::Call(call))) if required_module(call).is_some() => {
                let source = required_module(call).unwrap_or_default();
                self.declare_required(object, &source);
            }
            (pattern, _) => self.declare_pattern(pattern, &BindingKind::Other),
        }
        declarator.init.visit_with(self);
        // Computed keys and defaults inside patterns may hold calls too.
        declarator.name.visit_with(self);
    }

    fn visit_fn_decl(&mut self, decl: &FnDecl) {
        self.declare(&decl.ident, BindingKind::Function, None);
        decl.visit_children_with(self);
    }

    fn visit_class_decl(&mut self, decl: &ClassDecl) {
        self.declare(&decl.ident, BindingKind::Class, None);
        decl.visit_children_with(self);
    }

    fn visit_param(&mut self, param: &Param) {
        self.declare_pattern(&param.pat, &BindingKind::Parameter);
        param.visit_children_with(self);
    }

    fn visit_arrow_expr(&mut self, arrow: &ArrowExpr) {
        for param in &arrow.params {
            self.declare_pattern(param, &BindingKind::Parameter);
        }
        arrow.visit_children_with(self);
    }

    fn visit_catch_clause(&mut self, clause: &CatchClause) {
        if let Some(param) = &clause.param {
            self.declare_pattern(param, &BindingKind::Other);
        }
        clause.visit_children_with(self);
    }

    fn visit_import_decl(&mut self, import: &ImportDecl) {
        let source = Atom::from(import.src.value.to_string_lossy().as_ref());
        for specifier in &import.specifiers {
            let (local, imported) = match specifier {
                ImportSpecifier::Named(named) => {
                    let imported = match &named.imported {
                        Some(ModuleExportName::Ident(name)) => name.sym.clone(),
                        Some(ModuleExportName::Str(name)) => {
                            Atom::from(name.value.to_string_lossy().as_ref())
                        }
                        None => named.local.sym.clone(),
                    };
                    (&named.local, imported)
                }
                ImportSpecifier::Default(default) => (&default.local, Atom::from("default")),
                ImportSpecifier::Namespace(namespace) => (&namespace.local, Atom::from("*")),
            };
            let kind = BindingKind::Import {
                source: source.clone(),
                imported,
            };
            self.declare(local, kind, None);
        }
    }

    fn visit_assign_expr(&mut self, assign: &AssignExpr) {
        let value = (assign.op == AssignOp::Assign)
            .then(|| small_clone(&assign.right))
            .flatten();
        match &assign.left {
            AssignTarget::Simple(SimpleAssignTarget::Ident(ident)) => {
                self.record_assignment(&ident.id, value);
            }
            AssignTarget::Simple(SimpleAssignTarget::Member(member)) => {
                if let Some(field) = member_name(&member.prop) {
                    let field = Atom::from(field);
                    match strip(&member.obj) {
                        Expr::This(_) => self
                            .bindings
                            .this_fields
                            .entry(field)
                            .or_default()
                            .push(value),
                        Expr::Ident(object) if !self.bindings.is_global(object) => {
                            self.bindings
                                .member_assignments
                                .entry((object.to_id(), field))
                                .or_default()
                                .push(value);
                        }
                        _ => {}
                    }
                }
            }
            AssignTarget::Pat(pattern) => {
                let mut names = Vec::new();
                collect_assigned_names(pattern, &mut names);
                for name in names {
                    self.record_assignment(&name, None);
                }
            }
            _ => {}
        }
        assign.visit_children_with(self);
    }

    fn visit_update_expr(&mut self, update: &UpdateExpr) {
        if let Expr::Ident(ident) = strip(&update.arg) {
            self.record_assignment(ident, None);
        }
        update.visit_children_with(self);
    }

    fn visit_call_expr(&mut self, call: &CallExpr) {
        if let Callee::Expr(callee) = &call.callee {
            self.record_post_message(span_range(call.span), callee, &call.args);
        }
        call.visit_children_with(self);
    }

    fn visit_opt_chain_expr(&mut self, chain: &OptChainExpr) {
        if let OptChainBase::Call(call) = &*chain.base {
            self.record_post_message(span_range(chain.span), &call.callee, &call.args);
        }
        chain.visit_children_with(self);
    }

    fn visit_if_stmt(&mut self, if_stmt: &IfStmt) {
        let test = self.bindings.file_protocol_test(&if_stmt.test);
        if_stmt.test.visit_with(self);
        self.with_file_guard(test == Some(FileProtocolTest::WhenFile), |this| {
            if_stmt.cons.visit_with(this)
        });
        self.with_file_guard(test == Some(FileProtocolTest::WhenNotFile), |this| {
            if_stmt.alt.visit_with(this)
        });
    }

    fn visit_cond_expr(&mut self, cond: &CondExpr) {
        let test = self.bindings.file_protocol_test(&cond.test);
        cond.test.visit_with(self);
        self.with_file_guard(test == Some(FileProtocolTest::WhenFile), |this| {
            cond.cons.visit_with(this)
        });
        self.with_file_guard(test == Some(FileProtocolTest::WhenNotFile), |this| {
            cond.alt.visit_with(this)
        });
    }

    fn visit_bin_expr(&mut self, bin: &BinExpr) {
        let guard = match bin.op {
            BinaryOp::LogicalAnd => Some(FileProtocolTest::WhenFile),
            BinaryOp::LogicalOr => Some(FileProtocolTest::WhenNotFile),
            _ => None,
        };
        let guarded = guard.is_some() && self.bindings.file_protocol_test(&bin.left) == guard;
        bin.left.visit_with(self);
        self.with_file_guard(guarded, |this| bin.right.visit_with(this));
    }

    fn visit_stmts(&mut self, stmts: &[Stmt]) {
        let mut guards = 0;
        for stmt in stmts {
            stmt.visit_with(self);
            if self.is_exit_unless_file(stmt) {
                self.file_protocol_guards += 1;
                guards += 1;
            }
        }
        self.file_protocol_guards -= guards;
    }

    fn visit_module_items(&mut self, items: &[ModuleItem]) {
        let mut guards = 0;
        for item in items {
            item.visit_with(self);
            if let ModuleItem::Stmt(stmt) = item
                && self.is_exit_unless_file(stmt)
            {
                self.file_protocol_guards += 1;
                guards += 1;
            }
        }
        self.file_protocol_guards -= guards;
    }
}

/// `require("module")`: the module name.
fn required_module(call: &CallExpr) -> Option<Atom> {
    let Callee::Expr(callee) = &call.callee else {
        return None;
    };
    match strip(callee) {
        Expr::Ident(ident) if &*ident.sym == "require" => {
            literal_string(&call.args.first()?.expr).map(Atom::from)
        }
        _ => None,
    }
}

fn collect_assigned_names(pattern: &AssignTargetPat, names: &mut Vec<Ident>) {
    struct Names<'a>(&'a mut Vec<Ident>);
    impl Visit for Names<'_> {
        fn visit_binding_ident(&mut self, ident: &BindingIdent) {
            self.0.push(ident.id.clone());
        }
        fn visit_expr(&mut self, _: &Expr) {}
    }
    pattern.visit_with(&mut Names(names));
}
