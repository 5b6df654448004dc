//! How other files reach a file's sockets, and what a file's timers and close handlers
//! call by name: the facts the project pass (`crate::project::keepalive_elsewhere`)
//! reads to judge a socket another script or module keeps alive or reopens.
//!
//! A socket escapes its file through a name: a top-level binding of a classic script
//! (every classic script of the page shares it), a function of the file that sends on
//! it or makes it again, or such a name the module exports. Another file keeps it alive
//! when a repeating timer there sends on that binding (`ws.send(…)`, `ws.ping()`) or
//! calls such a function, and reopens it when its timers or close handlers call the
//! function that makes it. Names only: the project pass relates them through the page
//! map (classic scripts of one page) and the imports that resolve to the file.

use std::ops::Range;

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use serde::{Deserialize, Serialize};
use swc_ecma_ast::*;
use swc_ecma_visit::{Visit, VisitWith};

use super::sockets::{SocketFact, SocketKind};
use super::values::{member_name, required_module, strip};
use crate::parse::span_range;

/// Sorted offsets of the analysed text: a walk enters only nodes around one of them.
#[derive(Clone, Copy)]
struct Needles<'n>(&'n [usize]);

impl Needles<'_> {
    fn around(self, span: swc_common::Span) -> bool {
        let range = span_range(span);
        let first = self.0.partition_point(|&at| at < range.start);
        self.0.get(first).is_some_and(|&at| at < range.end)
    }
}

/// Statements, expressions and module items with no needle inside are not entered (with
/// the nesting guard of `crate::guard_nesting!`, whose other methods the visitor takes).
macro_rules! prune_without_needles {
    () => {
        fn visit_stmt(&mut self, stmt: &Stmt) {
            crate::stack::ensure_room();
            if self.needles.around(swc_common::Spanned::span(stmt)) {
                stmt.visit_children_with(self);
            }
        }
        fn visit_expr(&mut self, expr: &Expr) {
            crate::stack::ensure_room();
            if self.needles.around(swc_common::Spanned::span(expr)) {
                expr.visit_children_with(self);
            }
        }
        fn visit_module_item(&mut self, item: &ModuleItem) {
            if self.needles.around(swc_common::Spanned::span(item)) {
                item.visit_children_with(self);
            }
        }
    };
}
/// How far calls are followed into the file's own top-level functions.
const MAX_DEPTH: u32 = 3;

/// The facts of one file (see the module's documentation).
#[derive(Debug, Default, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reach {
    /// Long-lived browser sockets the file alone does not keep alive or reopen, with
    /// the names other files reach them by.
    #[serde(default)]
    pub exposed: Vec<Exposed>,
    /// What the file's repeating timers call (`setInterval`), directly or through the
    /// file's own top-level functions.
    #[serde(default)]
    pub timer_uses: Vec<NameUse>,
    /// What the file's close handlers call, directly, from timers they arm, or through
    /// the file's own top-level functions.
    #[serde(default)]
    pub close_uses: Vec<NameUse>,
}

impl Reach {
    pub fn is_empty(&self) -> bool {
        self.exposed.is_empty() && self.timer_uses.is_empty() && self.close_uses.is_empty()
    }
}

/// A socket and the top-level names it escapes through.
#[derive(Debug, Default, Clone, PartialEq, Serialize, Deserialize)]
pub struct Exposed {
    /// The construction, as the socket's fact gives it.
    pub construction: Range<usize>,
    /// Top-level bindings (or `window.<name>` properties) that hold it.
    pub holders: Vec<String>,
    /// Top-level functions that send on it.
    pub senders: Vec<String>,
    /// Top-level functions that make it.
    pub openers: Vec<String>,
}

/// A call by name: `name(…)` or `name.member(…)`. `source` is the module specifier when
/// the name is imported (`name` is then the exported name: `default` for a default
/// import, the member for a namespace's `ns.name(…)`); otherwise the name is a global.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct NameUse {
    pub source: Option<String>,
    pub name: String,
    pub member: Option<String>,
}

/// A function body to walk.
#[derive(Clone, Copy)]
enum FnBody<'a> {
    Block(&'a FunctionBody),
    Expr(&'a Expr),
}

impl<'a> FnBody<'a> {
    fn of_expr(expr: &'a Expr) -> Option<(FnBody<'a>, Range<usize>)> {
        match strip(expr) {
            Expr::Fn(function) => Some((
                FnBody::Block(function.function.body.as_ref()?),
                span_range(function.function.span),
            )),
            Expr::Arrow(arrow) => Some((
                match &*arrow.body {
                    ArrowFunctionBody::FunctionBody(block) => FnBody::Block(block),
                    ArrowFunctionBody::Expr(expr) => FnBody::Expr(expr),
                },
                span_range(arrow.span),
            )),
            _ => None,
        }
    }

    fn visit<V: Visit>(self, visitor: &mut V) {
        match self {
            FnBody::Block(block) => block.visit_with(visitor),
            FnBody::Expr(expr) => expr.visit_with(visitor),
        }
    }
}

/// The names a function declares for itself: its parameters and what its body
/// declares outside the functions it defines (block-scoped ones too: a name declared
/// anywhere in the function is taken as the function's own).
fn locals<'p>(params: impl IntoIterator<Item = &'p Pat>, body: FnBody) -> Vec<String> {
    struct Locals(Vec<Ident>);
    impl Visit for Locals {
        crate::guard_nesting!();

        fn visit_var_declarator(&mut self, declarator: &VarDeclarator) {
            super::values::bound_names(&declarator.name, &mut self.0);
            declarator.init.visit_with(self);
        }
        fn visit_fn_decl(&mut self, function: &FnDecl) {
            self.0.push(function.ident.clone());
        }
        fn visit_class_decl(&mut self, class: &ClassDecl) {
            self.0.push(class.ident.clone());
        }
        fn visit_function(&mut self, _: &Function) {}
        fn visit_arrow_expr(&mut self, _: &ArrowExpr) {}
    }
    let mut found = Locals(Vec::new());
    for param in params {
        super::values::bound_names(param, &mut found.0);
    }
    body.visit(&mut found);
    found
        .0
        .into_iter()
        .map(|ident| ident.sym.to_string())
        .collect()
}

/// The parameters and body of a function or arrow written as an expression.
fn function_parts(expr: &Expr) -> Option<(Vec<&Pat>, FnBody<'_>)> {
    let (body, _) = FnBody::of_expr(expr)?;
    let params = match strip(expr) {
        Expr::Fn(function) => function
            .function
            .params
            .iter()
            .map(|param| &param.pat)
            .collect(),
        Expr::Arrow(arrow) => arrow.params.iter().collect(),
        _ => Vec::new(),
    };
    Some((params, body))
}

/// The names the functions around a node declare (see [`locals`]), innermost last.
#[derive(Default)]
struct Scopes(Vec<Vec<String>>);

impl Scopes {
    fn shadows(&self, name: &str) -> bool {
        self.0
            .iter()
            .any(|names| names.iter().any(|local| local == name))
    }

    fn flattened(&self) -> HashSet<String> {
        self.0.iter().flatten().cloned().collect()
    }
}

/// Keeps [`Scopes`] while a visitor with a `scopes` field walks functions.
macro_rules! track_scopes {
    () => {
        fn visit_function(&mut self, function: &Function) {
            let names = match &function.body {
                Some(body) => locals(
                    function.params.iter().map(|param| &param.pat),
                    FnBody::Block(body),
                ),
                None => Vec::new(),
            };
            self.scopes.0.push(names);
            function.visit_children_with(self);
            self.scopes.0.pop();
        }
        fn visit_arrow_expr(&mut self, arrow: &ArrowExpr) {
            let body = match &*arrow.body {
                ArrowFunctionBody::FunctionBody(block) => FnBody::Block(block),
                ArrowFunctionBody::Expr(expr) => FnBody::Expr(expr),
            };
            self.scopes.0.push(locals(arrow.params.iter(), body));
            arrow.visit_children_with(self);
            self.scopes.0.pop();
        }
    };
}

/// The file's top level: its functions, bindings and imports.
#[derive(Default)]
struct TopLevel<'a> {
    module: bool,
    functions: HashMap<String, (FnBody<'a>, Range<usize>)>,
    /// The names each of those functions declares for itself (see [`locals`]).
    own_names: HashMap<String, Vec<String>>,
    names: HashSet<String>,
    /// Local name → (specifier, exported name; `*` for a namespace).
    imports: HashMap<String, (String, String)>,
}

impl<'a> TopLevel<'a> {
    fn new(program: &'a Program) -> TopLevel<'a> {
        let mut top = TopLevel::default();
        let statements: Vec<&'a Stmt> = match program {
            Program::Script(script) => script.body.iter().collect(),
            Program::Module(module) => module
                .body
                .iter()
                .filter_map(|item| match item {
                    ModuleItem::Stmt(stmt) => Some(stmt),
                    ModuleItem::ModuleDecl(decl) => {
                        top.module = true;
                        match decl {
                            ModuleDecl::Import(import) => top.import(import),
                            ModuleDecl::ExportDecl(export) => top.decl(&export.decl),
                            _ => {}
                        }
                        None
                    }
                })
                .collect(),
        };
        for stmt in statements {
            if let Stmt::Decl(decl) = stmt {
                top.decl(decl);
            }
        }
        top
    }

    fn import(&mut self, import: &ImportDecl) {
        let source = import.src.value.to_string_lossy().into_owned();
        for specifier in &import.specifiers {
            let (local, imported) = match specifier {
                ImportSpecifier::Named(named) => (
                    named.local.sym.to_string(),
                    match &named.imported {
                        Some(ModuleExportName::Ident(ident)) => ident.sym.to_string(),
                        Some(ModuleExportName::Str(name)) => {
                            name.value.to_string_lossy().into_owned()
                        }
                        None => named.local.sym.to_string(),
                    },
                ),
                ImportSpecifier::Default(default) => {
                    (default.local.sym.to_string(), "default".to_string())
                }
                ImportSpecifier::Namespace(namespace) => {
                    (namespace.local.sym.to_string(), "*".to_string())
                }
            };
            self.imports.insert(local, (source.clone(), imported));
        }
    }

    fn decl(&mut self, decl: &'a Decl) {
        match decl {
            Decl::Fn(function) => {
                let name = function.ident.sym.to_string();
                if let Some(body) = &function.function.body {
                    self.functions.insert(
                        name.clone(),
                        (FnBody::Block(body), span_range(function.function.span)),
                    );
                    self.own_names.insert(
                        name.clone(),
                        locals(
                            function.function.params.iter().map(|param| &param.pat),
                            FnBody::Block(body),
                        ),
                    );
                }
                self.names.insert(name);
            }
            Decl::Class(class) => {
                self.names.insert(class.ident.sym.to_string());
            }
            Decl::Var(var) => {
                for declarator in &var.decls {
                    match &declarator.name {
                        Pat::Ident(name) => {
                            let name = name.id.sym.to_string();
                            if let Some(init) = &declarator.init {
                                if let Some(function) = FnBody::of_expr(init) {
                                    self.functions.insert(name.clone(), function);
                                }
                                if let Some((params, body)) = function_parts(init) {
                                    self.own_names.insert(name.clone(), locals(params, body));
                                }
                                if let Expr::Call(call) = strip(init)
                                    && let Some(source) = required_module(call)
                                {
                                    self.imports
                                        .insert(name.clone(), (source.to_string(), "*".into()));
                                }
                            }
                            self.names.insert(name);
                        }
                        // `const { a, b: c } = require("./m")`.
                        Pat::Object(object) => {
                            let source = match declarator.init.as_deref().map(strip) {
                                Some(Expr::Call(call)) => required_module(call),
                                _ => None,
                            };
                            for prop in &object.props {
                                let (local, imported) = match prop {
                                    ObjectPatProp::Assign(assign) => {
                                        (assign.key.sym.to_string(), assign.key.sym.to_string())
                                    }
                                    ObjectPatProp::KeyValue(pair) => {
                                        match (&pair.key, &*pair.value) {
                                            (PropName::Ident(key), Pat::Ident(value)) => {
                                                (value.id.sym.to_string(), key.sym.to_string())
                                            }
                                            _ => continue,
                                        }
                                    }
                                    ObjectPatProp::Rest(_) => continue,
                                };
                                if let Some(source) = source {
                                    self.imports
                                        .insert(local.clone(), (source.to_string(), imported));
                                }
                                self.names.insert(local);
                            }
                        }
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }

    /// The use `name(…)` or `name.member(…)` makes, as other files can relate it.
    fn use_of(&self, name: &str, member: Option<&str>) -> Option<NameUse> {
        if let Some((source, imported)) = self.imports.get(name) {
            return Some(if imported == "*" {
                NameUse {
                    source: Some(source.clone()),
                    name: member?.to_string(),
                    member: None,
                }
            } else {
                NameUse {
                    source: Some(source.clone()),
                    name: imported.clone(),
                    member: member.map(str::to_string),
                }
            });
        }
        // A module's own top-level names are its own.
        if self.module && self.names.contains(name) {
            return None;
        }
        Some(NameUse {
            source: None,
            name: name.to_string(),
            member: member.map(str::to_string),
        })
    }
}

/// The facts of one parsed script; `code` is its text, which starts at byte `base` of
/// the analysed text, and `sockets` its socket facts.
pub fn collect(program: &Program, code: &str, base: usize, sockets: &[SocketFact]) -> Reach {
    let candidates: Vec<&SocketFact> = sockets
        .iter()
        .filter(|socket| {
            socket.kind == SocketKind::Browser
                && !socket.node_client
                && socket.long_lived
                && !socket.manual
                && (!socket.heartbeat || socket.reconnect.is_none())
        })
        .collect();
    // Where the registrations may be: the walks below enter only the statements and
    // expressions around these offsets.
    let offsets = |needles: &[&str]| -> Vec<usize> {
        let mut found: Vec<usize> = needles
            .iter()
            .flat_map(|needle| {
                memchr::memmem::find_iter(code.as_bytes(), needle.as_bytes()).map(|at| base + at)
            })
            .collect();
        found.sort_unstable();
        found
    };
    let timer_offsets = offsets(&["setInterval"]);
    let close_offsets = offsets(&["onclose", "'close'", "\"close\""]);
    let (timers, closes) = (!timer_offsets.is_empty(), !close_offsets.is_empty());
    if candidates.is_empty() && !timers && !closes {
        return Reach::default();
    }
    let top = TopLevel::new(program);
    let mut reach = Reach {
        exposed: exposed(
            program,
            &top,
            candidates
                .iter()
                .map(|socket| socket.construction.clone())
                .collect(),
        ),
        ..Reach::default()
    };
    if timers || closes {
        let mut needles = [timer_offsets, close_offsets].concat();
        needles.sort_unstable();
        let mut finder = Registrations {
            needles: Needles(&needles),
            scopes: Scopes::default(),
            timers,
            closes,
            timer_uses: Uses::new(&top),
            close_uses: Uses::new(&top),
        };
        program.visit_with(&mut finder);
        reach.timer_uses = finder.timer_uses.finish();
        reach.close_uses = finder.close_uses.finish();
    }
    reach
}

/// The names each construction escapes through, for those that escape: one walk for
/// all of them.
fn exposed(program: &Program, top: &TopLevel, constructions: Vec<Range<usize>>) -> Vec<Exposed> {
    if constructions.is_empty() {
        return Vec::new();
    }
    struct Holders<'t> {
        needles: Needles<'t>,
        scopes: Scopes,
        top_names: &'t HashSet<String>,
        found: HashMap<Range<usize>, Vec<String>>,
    }
    impl Holders<'_> {
        fn note(&mut self, value: &Expr, name: &str) {
            let value = match strip(value) {
                Expr::Await(inner) => strip(&inner.arg),
                other => other,
            };
            if let Expr::New(new) = value
                && let Some(names) = self.found.get_mut(&span_range(new.span))
            {
                names.push(name.to_string());
            }
        }
    }
    impl Visit for Holders<'_> {
        crate::guard_nesting!(
            visit_pat: Pat,
            visit_ts_type: TsType,
            visit_jsx_element: JSXElement,
            visit_jsx_object: JSXObject,
            visit_ts_entity_name: TsEntityName,
            visit_ts_namespace_body: TsNamespaceBody,
        );
        prune_without_needles!();
        track_scopes!();

        fn visit_var_declarator(&mut self, declarator: &VarDeclarator) {
            if let (Pat::Ident(name), Some(init)) = (&declarator.name, &declarator.init)
                && self.top_names.contains(&*name.id.sym)
                && !self.scopes.shadows(&name.id.sym)
            {
                self.note(init, &name.id.sym);
            }
            declarator.visit_children_with(self);
        }
        fn visit_assign_expr(&mut self, assign: &AssignExpr) {
            match &assign.left {
                AssignTarget::Simple(SimpleAssignTarget::Ident(name))
                    if self.top_names.contains(&*name.id.sym)
                        && !self.scopes.shadows(&name.id.sym) =>
                {
                    self.note(&assign.right, &name.id.sym);
                }
                // `window.ws = new WebSocket(…)`: a global of the page.
                AssignTarget::Simple(SimpleAssignTarget::Member(member))
                    if matches!(strip(&member.obj), Expr::Ident(object)
                        if matches!(&*object.sym, "window" | "self" | "globalThis")) =>
                {
                    if let Some(name) = member_name(&member.prop) {
                        self.note(&assign.right, name);
                    }
                }
                _ => {}
            }
            assign.visit_children_with(self);
        }
    }
    let mut starts: Vec<usize> = constructions.iter().map(|span| span.start).collect();
    starts.sort_unstable();
    let mut holders = Holders {
        needles: Needles(&starts),
        scopes: Scopes::default(),
        top_names: &top.names,
        found: constructions
            .iter()
            .map(|construction| (construction.clone(), Vec::new()))
            .collect(),
    };
    program.visit_with(&mut holders);
    let mut found = holders.found;
    constructions
        .into_iter()
        .filter_map(|construction| {
            let mut holders = found.remove(&construction).unwrap_or_default();
            holders.sort();
            holders.dedup();
            let mut openers: Vec<String> = top
                .functions
                .iter()
                .filter(|(_, (_, span))| {
                    span.start <= construction.start && construction.end <= span.end
                })
                .map(|(name, _)| name.clone())
                .collect();
            openers.sort();
            // Top-level functions that send on a holder, directly.
            let mut senders: Vec<String> = if holders.is_empty() {
                Vec::new()
            } else {
                top.functions
                    .iter()
                    .filter(|(name, (body, _))| {
                        // A function that makes the socket and sends on it from the
                        // handlers it gives the new one (a login on open) opens a socket
                        // again when called: only its own sends keep one alive.
                        let mut sends = SendsOn {
                            holders: &holders,
                            found: false,
                            direct_only: openers.contains(name),
                        };
                        body.visit(&mut sends);
                        sends.found
                    })
                    .map(|(name, _)| name.clone())
                    .collect()
            };
            senders.sort();
            (!(holders.is_empty() && openers.is_empty() && senders.is_empty())).then_some(Exposed {
                construction,
                holders,
                senders,
                openers,
            })
        })
        .collect()
}

/// Whether a body calls `<holder>.send(…)` (with `direct_only`, outside the functions it
/// defines).
struct SendsOn<'h> {
    holders: &'h [String],
    found: bool,
    direct_only: bool,
}

impl Visit for SendsOn<'_> {
    crate::guard_nesting!();

    fn visit_function(&mut self, function: &Function) {
        if !self.direct_only {
            function.visit_children_with(self);
        }
    }

    fn visit_arrow_expr(&mut self, arrow: &ArrowExpr) {
        if !self.direct_only {
            arrow.visit_children_with(self);
        }
    }

    fn visit_call_expr(&mut self, call: &CallExpr) {
        if let Callee::Expr(callee) = &call.callee
            && let Expr::Member(member) = strip(callee)
            && member_name(&member.prop) == Some("send")
            && let Expr::Ident(object) = strip(&member.obj)
            && self.holders.iter().any(|holder| *holder == *object.sym)
        {
            self.found = true;
        }
        call.visit_children_with(self);
    }
}

/// The calls by name of the bodies walked, following the file's own top-level
/// functions.
struct Uses<'t, 'a> {
    top: &'t TopLevel<'a>,
    /// Names the code walked declares for itself or finds in the functions around it:
    /// not the globals and imports other files know.
    shadowed: HashSet<String>,
    found: HashSet<NameUse>,
    walked: HashSet<String>,
    depth: u32,
}

impl<'t, 'a> Uses<'t, 'a> {
    fn new(top: &'t TopLevel<'a>) -> Self {
        Uses {
            top,
            shadowed: HashSet::default(),
            found: HashSet::default(),
            walked: HashSet::default(),
            depth: 0,
        }
    }

    /// Walks a callback: a function written there, or one of the file's functions.
    /// `around` holds the names the functions around the callback declare.
    fn walk_callback(&mut self, callback: &Expr, around: HashSet<String>) {
        self.shadowed = around;
        if let Some((params, body)) = function_parts(callback) {
            self.shadowed.extend(locals(params, body));
            body.visit(self);
        } else if let Expr::Ident(name) = strip(callback) {
            self.record(&name.sym, None);
        }
    }

    fn record(&mut self, name: &str, member: Option<&str>) {
        if self.shadowed.contains(name) {
            return;
        }
        if let Some(found) = self.top.use_of(name, member) {
            self.found.insert(found);
        }
        if member.is_none()
            && !self.top.imports.contains_key(name)
            && let Some(body) = self.top.functions.get(name).map(|(body, _)| *body)
            && self.depth < MAX_DEPTH
            && self.walked.insert(name.to_string())
        {
            // A top-level function sees only its own names and the top level's.
            let own: HashSet<String> = self
                .top
                .own_names
                .get(name)
                .into_iter()
                .flatten()
                .cloned()
                .collect();
            let around = std::mem::replace(&mut self.shadowed, own);
            self.depth += 1;
            body.visit(self);
            self.depth -= 1;
            self.shadowed = around;
        }
    }

    fn finish(self) -> Vec<NameUse> {
        let mut found: Vec<NameUse> = self.found.into_iter().collect();
        found.sort();
        found
    }
}

impl Visit for Uses<'_, '_> {
    crate::guard_nesting!();

    fn visit_call_expr(&mut self, call: &CallExpr) {
        if let Callee::Expr(callee) = &call.callee {
            match strip(callee) {
                Expr::Ident(name) => self.record(&name.sym.clone(), None),
                Expr::Member(member) => {
                    if let (Expr::Ident(object), Some(name)) =
                        (strip(&member.obj), member_name(&member.prop))
                    {
                        self.record(&object.sym.clone(), Some(name));
                    }
                }
                _ => {}
            }
            // `setTimeout(connect, 1000)`: the function handed to a timer runs too.
            if is_timer(callee)
                && let Some(first) = call.args.first()
                && let Expr::Ident(name) = strip(&first.expr)
            {
                self.record(&name.sym.clone(), None);
            }
        }
        call.visit_children_with(self);
    }
}

/// `setTimeout`, `setInterval`, or either on `window`, `self`, `globalThis`.
fn is_timer(callee: &Expr) -> bool {
    timer_name(callee).is_some()
}

fn timer_name(callee: &Expr) -> Option<&str> {
    let name = match strip(callee) {
        Expr::Ident(name) => &*name.sym,
        Expr::Member(member) => {
            let Expr::Ident(object) = strip(&member.obj) else {
                return None;
            };
            if !matches!(&*object.sym, "window" | "self" | "globalThis") {
                return None;
            }
            member_name(&member.prop)?
        }
        _ => return None,
    };
    matches!(name, "setTimeout" | "setInterval").then_some(name)
}

/// Finds the repeating timers and close handlers of the file and walks them.
struct Registrations<'t, 'a> {
    needles: Needles<'t>,
    scopes: Scopes,
    timers: bool,
    closes: bool,
    timer_uses: Uses<'t, 'a>,
    close_uses: Uses<'t, 'a>,
}

impl Visit for Registrations<'_, '_> {
    crate::guard_nesting!(
        visit_pat: Pat,
        visit_ts_type: TsType,
        visit_jsx_element: JSXElement,
        visit_jsx_object: JSXObject,
        visit_ts_entity_name: TsEntityName,
        visit_ts_namespace_body: TsNamespaceBody,
    );
    prune_without_needles!();
    track_scopes!();

    fn visit_call_expr(&mut self, call: &CallExpr) {
        if let Callee::Expr(callee) = &call.callee {
            if self.timers
                && timer_name(callee) == Some("setInterval")
                && let Some(first) = call.args.first()
            {
                self.timer_uses
                    .walk_callback(&first.expr, self.scopes.flattened());
            }
            if self.closes
                && let Expr::Member(member) = strip(callee)
                && member_name(&member.prop) == Some("addEventListener")
                && let [event, handler, ..] = call.args.as_slice()
                && matches!(strip(&event.expr), Expr::Lit(Lit::Str(name)) if name.value == *"close")
            {
                self.close_uses
                    .walk_callback(&handler.expr, self.scopes.flattened());
            }
        }
        call.visit_children_with(self);
    }

    fn visit_assign_expr(&mut self, assign: &AssignExpr) {
        if self.closes
            && let AssignTarget::Simple(SimpleAssignTarget::Member(member)) = &assign.left
            && member_name(&member.prop) == Some("onclose")
        {
            self.close_uses
                .walk_callback(&assign.right, self.scopes.flattened());
        }
        assign.visit_children_with(self);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn uses(code: &str) -> Reach {
        let parsed = crate::parse::parse_script(code, 0, crate::source::Language::JavaScript)
            .expect("parses");
        collect(&parsed.program, code, 0, &[])
    }

    fn shown(uses: &[NameUse]) -> Vec<String> {
        uses.iter()
            .map(|found| {
                format!(
                    "{}{}{}",
                    found
                        .source
                        .as_ref()
                        .map_or(String::new(), |source| format!("{source}:")),
                    found.name,
                    found
                        .member
                        .as_ref()
                        .map_or(String::new(), |member| format!(".{member}"))
                )
            })
            .collect()
    }

    #[test]
    fn sockets_escape_through_top_level_names() {
        let code = "let ws;\n\
             function heartbeat() {\n\
               if (!ws || ws.readyState !== 1) ws = new WebSocket('wss://a.example/');\n\
               else ws.send('{}');\n\
             }\n\
             function log() { console.log(ws); }\n\
             (function () { var local = new WebSocket('wss://b.example/'); window.shared = local; })();\n\
             window.direct = new WebSocket('wss://c.example/');\n";
        let parsed = crate::parse::parse_script(code, 0, crate::source::Language::JavaScript)
            .expect("parses");
        let constructions: Vec<Range<usize>> = [
            "new WebSocket('wss://a",
            "new WebSocket('wss://b",
            "new WebSocket('wss://c",
        ]
        .iter()
        .map(|start| {
            let at = code.find(start).unwrap();
            at..at + code[at..].find(')').unwrap() + 1
        })
        .collect();
        let top = TopLevel::new(&parsed.program);
        let found = exposed(&parsed.program, &top, constructions);
        let names: Vec<(Vec<String>, Vec<String>, Vec<String>)> = found
            .into_iter()
            .map(|exposed| (exposed.holders, exposed.senders, exposed.openers))
            .collect();
        let strings = |names: &[&str]| names.iter().map(|name| name.to_string()).collect();
        assert_eq!(
            names,
            [
                (
                    strings(&["ws"]),
                    strings(&["heartbeat"]),
                    strings(&["heartbeat"])
                ),
                // A local kept under another global name is not followed.
                (strings(&["direct"]), Vec::new(), Vec::new()),
            ]
        );
    }

    #[test]
    fn timers_and_close_handlers_call_names() {
        let reach = uses(
            "import { RequestServer } from './socket';\n\
             import * as api from './api';\n\
             function PingEvent() { RequestServer('ping').then(show); }\n\
             setInterval(PingEvent, 30000);\n\
             window.setInterval(function () { wsDsync.sendWS(); api.ping(); }, 225);\n\
             ws.onclose = () => setTimeout(connect, 3000);\n",
        );
        assert_eq!(
            shown(&reach.timer_uses),
            // The module's own `PingEvent` is followed, not recorded; `show` is only
            // handed on.
            ["wsDsync.sendWS", "./api:ping", "./socket:RequestServer"]
        );
        assert_eq!(shown(&reach.close_uses), ["connect", "setTimeout"]);
    }
}
