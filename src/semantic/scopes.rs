//! Which binding each identifier of a plain JavaScript file names, worked out during the
//! collector's walk instead of by a separate pass of swc's resolver over the whole tree
//! (that pass cost about a fifth of a run on the benchmark corpus; every pass over a
//! tree is bound by memory).
//!
//! The scopes follow swc's resolver, so that an identifier names the same binding
//! either way (`tests/scopes_oracle.rs` checks this on the fixtures and corner cases,
//! `examples/scopes_oracle.rs` on a corpus): a function's parameters and body share a
//! scope; blocks, `for` heads, `switch` bodies, `catch` clauses (parameter and body),
//! class bodies, class static blocks and the names of class and function expressions
//! have their own. Each statement list hoists its declarations when the walk enters it:
//! a function's list (or the top level's) its `var`s, wherever they nest, and every
//! list its own `let`, `const`, classes and functions; outside strict mode a function
//! declared in a nested block goes to the enclosing list as well. The walk asks about
//! identifiers as it goes, and rules ask afterwards: both look a name up from the
//! innermost scope around its position, so a function body's declarations are visible
//! from its first statement on, not in its parameters' defaults.
//!
//! A binding is identified like swc's, by name and [`SyntaxContext`]: here the context
//! is the declaring scope's number plus one, and globals have the empty context.
//! TypeScript and Flow files still go through swc's resolver, whose contexts
//! [`Scopes::Resolved`] reads as they are.
//!
//! Known differences from swc, neither of which reaches a finding: outside strict mode,
//! `{ let g; { function g() {} } }` binds the inner `g` to the `let` (swc: to the
//! enclosing list; the spec: to its block), and the declaring identifier of a top-level
//! `var undefined` (or `NaN`, `Infinity`) in a script reads as the global.

use std::collections::hash_map::Entry;

use rustc_hash::{FxHashMap, FxHashSet};
use swc_atoms::Atom;
use swc_common::{BytePos, Spanned, SyntaxContext};
use swc_ecma_ast::*;
use swc_ecma_visit::{Visit, VisitWith};

/// How the identifiers of a file are resolved.
pub enum Scopes {
    /// swc's resolver ran over the tree: each identifier carries its context.
    Resolved { unresolved: SyntaxContext },
    /// The collector builds the scope tree as it walks.
    Tree(ScopeTree),
}

impl std::fmt::Debug for Scopes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Scopes::Resolved { .. } => f.write_str("Scopes::Resolved"),
            Scopes::Tree(tree) => write!(f, "Scopes::Tree({} scopes)", tree.scopes.len()),
        }
    }
}

impl Default for Scopes {
    fn default() -> Self {
        Scopes::Resolved {
            unresolved: SyntaxContext::empty(),
        }
    }
}

impl Scopes {
    /// The binding `ident` names.
    pub fn id(&self, ident: &Ident) -> Id {
        match self {
            Scopes::Resolved { .. } => ident.to_id(),
            Scopes::Tree(tree) => (ident.sym.clone(), tree.context_of(ident)),
        }
    }

    /// Whether `ident` names no binding of the file (a global such as `window`).
    pub fn is_global(&self, ident: &Ident) -> bool {
        self.binding_id(ident).is_none()
    }

    /// The binding `ident` names, unless it names a global: one resolution for both.
    pub fn binding_id(&self, ident: &Ident) -> Option<Id> {
        let (global, context) = match self {
            Scopes::Resolved { unresolved } => (ident.ctxt == *unresolved, ident.ctxt),
            Scopes::Tree(tree) => {
                let context = tree.context_of(ident);
                (context == SyntaxContext::empty(), context)
            }
        };
        (!global).then(|| (ident.sym.clone(), context))
    }

    /// The start and end of the scope that declares the bindings of `context`, where
    /// the tree knows it.
    pub fn declaring_scope(&self, context: SyntaxContext) -> Option<(u32, u32)> {
        match self {
            Scopes::Tree(tree) => {
                let scope = tree
                    .scopes
                    .get((context.as_u32() as usize).checked_sub(1)?)?;
                Some((scope.start, scope.end))
            }
            Scopes::Resolved { .. } => None,
        }
    }

    pub fn tree_mut(&mut self) -> Option<&mut ScopeTree> {
        match self {
            Scopes::Tree(tree) => Some(tree),
            Scopes::Resolved { .. } => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScopeKind {
    /// A function (parameters and body), the top level, a class static block: the
    /// scope its `var`s bind in.
    Function,
    /// A `catch` clause, parameter and body.
    Catch,
    /// A class body, or the name of a class or function expression.
    Name,
    /// A block, `for` head or `switch` body.
    Block,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DeclKind {
    Lexical,
    Param,
    Other,
}

struct Declared {
    name: Atom,
    kind: DeclKind,
    /// Where the name starts to be visible: a function body's declarations are not
    /// seen by its parameters' defaults (`(a = x) => { const x = a; }`).
    from: u32,
    /// Where the collector keeps what it learns about the binding (see
    /// [`ScopeTree::set_data`]), or [`NO_DATA`].
    data: u32,
}

const NO_DATA: u32 = u32::MAX;

struct Scope {
    start: u32,
    end: u32,
    parent: u32,
    kind: ScopeKind,
    strict: bool,
}

/// Scope 0 is the file's top level.
pub struct ScopeTree {
    scopes: Vec<Scope>,
    /// The scopes being walked, innermost last.
    open: Vec<u32>,
    /// Where the last scope closed inside the current one ends: positions from there
    /// to the current scope's end are in no scope recorded so far but the current one.
    closed_end: u32,
    /// Declared names by scope and the name's hash; the atom guards against collisions.
    declared: FxHashMap<(u32, u64), Declared>,
    /// Names whose hash collided with another name's in the same scope.
    collisions: Vec<(u32, Declared)>,
    /// Declaring identifiers bound by the hoisting of an enclosing list, by position,
    /// where a nested list also sees them: a `var` in a `catch` body, a function in a
    /// nested block. The outermost list binds them.
    bound: FxHashSet<u32>,
    is_module: bool,
    /// Scopes were opened out of source order, so lookups by position sort first.
    by_start: Option<Vec<u32>>,
}

const TOP: u32 = 0;

impl ScopeTree {
    pub fn new(program: &Program) -> ScopeTree {
        let (is_module, strict) = match program {
            Program::Module(_) => (true, true),
            Program::Script(script) => (false, starts_with_use_strict(&script.body)),
        };
        ScopeTree {
            scopes: vec![Scope {
                start: 0,
                end: u32::MAX,
                parent: TOP,
                kind: ScopeKind::Function,
                strict,
            }],
            open: vec![TOP],
            closed_end: 0,
            declared: FxHashMap::default(),
            collisions: Vec::new(),
            bound: FxHashSet::default(),
            is_module,
            by_start: None,
        }
    }

    fn current(&self) -> u32 {
        *self.open.last().unwrap_or(&TOP)
    }

    pub fn strict(&self) -> bool {
        self.scopes[self.current() as usize].strict
    }

    /// Opens a scope over `start..end`; `strict` is whether its code is strict mode
    /// beyond what it inherits.
    pub fn open(&mut self, kind: ScopeKind, start: BytePos, end: BytePos, strict: bool) {
        let parent = self.current();
        let strict = strict || self.scopes[parent as usize].strict;
        let index = self.scopes.len() as u32;
        if self.by_start.is_none() && self.scopes.last().is_some_and(|last| last.start > start.0) {
            self.by_start = Some(Vec::new());
        }
        self.scopes.push(Scope {
            start: start.0,
            end: end.0,
            parent,
            kind,
            strict,
        });
        self.open.push(index);
        self.closed_end = start.0;
    }

    pub fn close(&mut self) {
        if let Some(closed) = self.open.pop() {
            self.closed_end = self.scopes[closed as usize].end;
        }
    }

    /// Declares `ident` in the current scope.
    pub fn declare_here(&mut self, ident: &Ident) {
        self.declare(self.current(), ident, DeclKind::Other, 0);
    }

    /// Declares what `pat` binds in the current scope (`let` in a `for` head).
    pub fn declare_pattern_here(&mut self, pat: &Pat) {
        let scope = self.current();
        for_each_binding(pat, &mut |ident| {
            self.declare(scope, ident, DeclKind::Lexical, 0)
        });
    }

    /// Declares a `catch` parameter, unless its body's hoisting already bound it.
    pub fn declare_catch_param(&mut self, pat: &Pat) {
        let scope = self.current();
        for_each_binding(pat, &mut |ident| {
            self.declare_once(scope, ident, DeclKind::Other, 0)
        });
    }

    /// Declares the parameters of the scope just opened.
    pub fn declare_params<'p>(&mut self, params: impl IntoIterator<Item = &'p Pat>) {
        let scope = self.current();
        for param in params {
            for_each_binding(param, &mut |ident| {
                self.declare(scope, ident, DeclKind::Param, 0)
            });
        }
    }

    fn declare_once(&mut self, scope: u32, ident: &Ident, kind: DeclKind, from: u32) {
        if self.bound.insert(ident.span.lo.0) {
            self.declare(scope, ident, kind, from);
        }
    }

    fn declare(&mut self, scope: u32, ident: &Ident, kind: DeclKind, from: u32) {
        let key = (scope, hash_of(&ident.sym));
        let declared = Declared {
            name: ident.sym.clone(),
            kind,
            from,
            data: NO_DATA,
        };
        match self.declared.entry(key) {
            Entry::Vacant(slot) => {
                slot.insert(declared);
            }
            // A redeclaration keeps where the name became visible.
            Entry::Occupied(slot) if slot.get().name == ident.sym => slot.into_mut().kind = kind,
            Entry::Occupied(_) => match self
                .collisions
                .iter_mut()
                .find(|(at, existing)| *at == scope && existing.name == ident.sym)
            {
                Some((_, existing)) => existing.kind = kind,
                None => self.collisions.push((scope, declared)),
            },
        }
    }

    fn declared_in(&self, scope: u32, name: &Atom) -> Option<DeclKind> {
        self.declared_with_hash(scope, name, hash_of(name))
            .map(|declared| declared.kind)
    }

    fn declared_with_hash(&self, scope: u32, name: &Atom, hash: u64) -> Option<&Declared> {
        match self.declared.get(&(scope, hash)) {
            Some(declared) if declared.name == *name => Some(declared),
            Some(_) => self
                .collisions
                .iter()
                .find(|(at, declared)| *at == scope && declared.name == *name)
                .map(|(_, declared)| declared),
            None => None,
        }
    }

    fn declared_mut(&mut self, scope: u32, name: &Atom) -> Option<&mut Declared> {
        match self.declared.get_mut(&(scope, hash_of(name))) {
            Some(declared) if declared.name == *name => Some(declared),
            Some(_) => self
                .collisions
                .iter_mut()
                .find(|(at, declared)| *at == scope && declared.name == *name)
                .map(|(_, declared)| declared),
            None => None,
        }
    }

    /// Records that the data of the binding `(name, context)` is at `data` in the
    /// collector's list: the entry the declaration was just resolved to is in cache,
    /// where a table of its own would cost every declaration a second random access.
    /// False when no scope of the tree declares the binding.
    pub fn set_data(&mut self, name: &Atom, context: SyntaxContext, data: u32) -> bool {
        let Some(scope) = context.as_u32().checked_sub(1) else {
            return false;
        };
        match self.declared_mut(scope, name) {
            Some(declared) => {
                declared.data = data;
                true
            }
            None => false,
        }
    }

    /// Where the data of the binding `(name, context)` is, if it was recorded.
    pub fn data(&self, name: &Atom, context: SyntaxContext) -> Option<u32> {
        let scope = context.as_u32().checked_sub(1)?;
        self.declared_with_hash(scope, name, hash_of(name))
            .map(|declared| declared.data)
            .filter(|&data| data != NO_DATA)
    }

    /// Hoists the declarations of a statement list into the current scope.
    pub fn hoist_stmts(&mut self, stmts: &[Stmt]) {
        let mut hoister = Hoister::new(self);
        hoister.from = stmts.first().map_or(0, |stmt| stmt.span().lo.0);
        hoister.visit_stmts(stmts);
    }

    pub fn hoist_module_items(&mut self, items: &[ModuleItem]) {
        let mut hoister = Hoister::new(self);
        items.visit_with(&mut hoister);
    }

    /// The context of the binding `ident` names.
    fn context_of(&self, ident: &Ident) -> SyntaxContext {
        let hash = hash_of(&ident.sym);
        let mut scope = self.scope_at(ident.span.lo.0);
        loop {
            if self
                .declared_with_hash(scope, &ident.sym, hash)
                .is_some_and(|declared| ident.span.lo.0 >= declared.from)
            {
                if scope == TOP
                    && !self.is_module
                    && matches!(&*ident.sym, "undefined" | "NaN" | "Infinity")
                {
                    // Not configurable on the global object: a top-level declaration
                    // of a script does not shadow them.
                    return SyntaxContext::empty();
                }
                return SyntaxContext::from_u32(scope + 1);
            }
            if scope == TOP {
                return SyntaxContext::empty();
            }
            // A name used n scopes deep looks through n scopes: counted, so that deep
            // nesting spends the file's budget rather than stalling it.
            crate::deadline::tick();
            scope = self.scopes[scope as usize].parent;
        }
    }

    /// Whether `name` is declared between the current scope and its function.
    fn declared_within_function(&self, name: &Atom) -> bool {
        let mut scope = self.current();
        loop {
            if self.declared_in(scope, name).is_some() {
                return true;
            }
            let at = &self.scopes[scope as usize];
            if at.kind != ScopeKind::Block || scope == TOP {
                return false;
            }
            scope = at.parent;
        }
    }

    /// The innermost scope around `pos`.
    fn scope_at(&self, pos: u32) -> u32 {
        if let Some(&current) = self.open.last() {
            // During the walk, most identifiers asked about are where the walk is.
            if pos >= self.closed_end && self.contains(current, pos) {
                return current;
            }
            if self.by_start.is_some() {
                // Scopes opened out of source order: not sorted until the walk ends.
                return self.enclosing(current, pos);
            }
        }
        let last = match &self.by_start {
            Some(order) => {
                let index =
                    order.partition_point(|&scope| self.scopes[scope as usize].start <= pos);
                order[index.saturating_sub(1)]
            }
            None => {
                let index = self.scopes.partition_point(|scope| scope.start <= pos);
                index.saturating_sub(1) as u32
            }
        };
        self.enclosing(last, pos)
    }

    fn enclosing(&self, mut scope: u32, pos: u32) -> u32 {
        while scope != TOP && !self.contains(scope, pos) {
            scope = self.scopes[scope as usize].parent;
        }
        scope
    }

    fn contains(&self, scope: u32, pos: u32) -> bool {
        let at = &self.scopes[scope as usize];
        at.start <= pos && pos < at.end
    }

    /// Ends the walk: scopes opened out of source order get an index by start.
    pub fn finish(&mut self) {
        if self.by_start.is_some() {
            let depth = |mut scope: u32| {
                let mut depth = 0;
                while scope != TOP {
                    scope = self.scopes[scope as usize].parent;
                    depth += 1;
                }
                depth
            };
            let mut order: Vec<u32> = (0..self.scopes.len() as u32).collect();
            order.sort_by_key(|&scope| (self.scopes[scope as usize].start, depth(scope)));
            self.by_start = Some(order);
        }
        self.open.clear();
    }
}

fn hash_of(name: &Atom) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = rustc_hash::FxHasher::default();
    name.hash(&mut hasher);
    hasher.finish()
}

fn starts_with_use_strict(stmts: &[Stmt]) -> bool {
    stmts.first().is_some_and(|stmt| stmt.is_use_strict())
}

/// Whether a function body opts into strict mode.
pub fn body_is_strict(body: &FunctionBody) -> bool {
    starts_with_use_strict(&body.stmts)
}

/// Calls `f` with each identifier a pattern binds.
fn for_each_binding(pat: &Pat, f: &mut impl FnMut(&Ident)) {
    crate::stack::ensure_room();
    match pat {
        Pat::Ident(ident) => f(&ident.id),
        Pat::Array(array) => {
            for element in array.elems.iter().flatten() {
                for_each_binding(element, f);
            }
        }
        Pat::Rest(rest) => for_each_binding(&rest.arg, f),
        Pat::Object(object) => {
            for prop in &object.props {
                match prop {
                    ObjectPatProp::KeyValue(pair) => for_each_binding(&pair.value, f),
                    ObjectPatProp::Assign(assign) => f(&assign.key.id),
                    ObjectPatProp::Rest(rest) => for_each_binding(&rest.arg, f),
                }
            }
        }
        Pat::Assign(assign) => for_each_binding(&assign.left, f),
        Pat::Invalid(_) | Pat::Expr(_) => {}
    }
}

/// swc's hoister for JavaScript: statements only, never expressions or nested functions.
struct Hoister<'t> {
    tree: &'t mut ScopeTree,
    scope: u32,
    /// Where the list starts: its declarations are visible from there.
    from: u32,
    /// The kind of the list's scope: only a function's list binds its `var`s (a
    /// `catch` body's, those of the parameter's name); a block's were bound already.
    list: ScopeKind,
    strict: bool,
    kind: DeclKind,
    in_block: bool,
    in_catch_body: bool,
    in_catch_param: bool,
    catch_params: Vec<Atom>,
    excluded_from_catch: Vec<Atom>,
}

impl<'t> Hoister<'t> {
    fn new(tree: &'t mut ScopeTree) -> Hoister<'t> {
        let scope = tree.current();
        Hoister {
            from: 0,
            scope,
            list: tree.scopes[scope as usize].kind,
            strict: tree.strict(),
            tree,
            kind: DeclKind::Other,
            in_block: false,
            in_catch_body: false,
            in_catch_param: false,
            catch_params: Vec::new(),
            excluded_from_catch: Vec::new(),
        }
    }

    fn add(&mut self, ident: &Ident) {
        let is_catch_param = self.catch_params.contains(&ident.sym);
        if self.in_catch_body {
            // `var e` in `catch (e)` is the parameter, unless nothing outside declares `e`.
            if is_catch_param && self.tree.declared_within_function(&ident.sym) {
                return;
            }
            self.excluded_from_catch.push(ident.sym.clone());
        } else if is_catch_param && !self.excluded_from_catch.contains(&ident.sym) {
            return;
        }
        // A `catch` body's own hoisting sees its `var`s again.
        let seen_again = self.in_catch_body || self.in_catch_param || self.list == ScopeKind::Catch;
        self.bind(ident, self.kind, seen_again);
    }

    /// Binds in the list's scope; what a nested list sees again is bound once.
    fn bind(&mut self, ident: &Ident, kind: DeclKind, seen_again: bool) {
        if seen_again {
            self.tree.declare_once(self.scope, ident, kind, self.from);
        } else {
            self.tree.declare(self.scope, ident, kind, self.from);
        }
    }

    fn with_kind(&mut self, kind: DeclKind, f: impl FnOnce(&mut Self)) {
        let outer = std::mem::replace(&mut self.kind, kind);
        f(self);
        self.kind = outer;
    }
}

impl Visit for Hoister<'_> {
    crate::guard_nesting!(
        visit_stmt: Stmt,
        visit_ts_type: TsType,
        visit_jsx_element: JSXElement,
        visit_jsx_object: JSXObject,
        visit_ts_entity_name: TsEntityName,
        visit_ts_namespace_body: TsNamespaceBody,
    );

    fn visit_expr(&mut self, _: &Expr) {}
    fn visit_arrow_expr(&mut self, _: &ArrowExpr) {}
    fn visit_function(&mut self, _: &Function) {}
    fn visit_constructor(&mut self, _: &Constructor) {}
    fn visit_param(&mut self, _: &Param) {}
    fn visit_assign_target(&mut self, _: &AssignTarget) {}
    fn visit_tagged_tpl(&mut self, _: &TaggedTpl) {}
    fn visit_tpl(&mut self, _: &Tpl) {}

    fn visit_pat(&mut self, pat: &Pat) {
        crate::stack::ensure_room();
        match pat {
            Pat::Ident(ident) => self.add(&ident.id),
            _ => pat.visit_children_with(self),
        }
    }

    fn visit_assign_pat_prop(&mut self, prop: &AssignPatProp) {
        prop.visit_children_with(self);
        self.add(&prop.key.id);
    }

    fn visit_block_stmt(&mut self, block: &BlockStmt) {
        let outer = std::mem::replace(&mut self.in_block, true);
        block.visit_children_with(self);
        self.in_block = outer;
    }

    fn visit_catch_clause(&mut self, clause: &CatchClause) {
        let outer_excluded = std::mem::take(&mut self.excluded_from_catch);
        let outer_in_catch_body = self.in_catch_body;
        let outer_params = self.catch_params.len();
        if let Some(param) = &clause.param {
            for_each_binding(param, &mut |ident| {
                self.catch_params.push(ident.sym.clone())
            });
        }
        self.in_catch_body = true;
        clause.body.visit_with(self);
        self.in_catch_body = false;
        // A parameter bound here (its name is a hoisted `var` of the body) is seen
        // again when the walk reaches the clause.
        self.in_catch_param = true;
        clause.param.visit_with(self);
        self.in_catch_param = false;
        self.catch_params.truncate(outer_params);
        self.in_catch_body = outer_in_catch_body;
        self.excluded_from_catch = outer_excluded;
    }

    fn visit_class_decl(&mut self, decl: &ClassDecl) {
        if !self.in_block {
            self.tree
                .declare(self.scope, &decl.ident, DeclKind::Lexical, self.from);
        }
    }

    fn visit_export_default_decl(&mut self, decl: &ExportDefaultDecl) {
        match &decl.decl {
            DefaultDecl::Fn(function) => {
                if let Some(ident) = &function.ident {
                    self.tree
                        .declare(self.scope, ident, DeclKind::Other, self.from);
                }
            }
            DefaultDecl::Class(class) => {
                if let Some(ident) = &class.ident {
                    self.tree
                        .declare(self.scope, ident, DeclKind::Lexical, self.from);
                }
            }
            DefaultDecl::TsInterfaceDecl(_) => {}
        }
    }

    fn visit_fn_decl(&mut self, decl: &FnDecl) {
        if self.catch_params.contains(&decl.ident.sym) {
            return;
        }
        if self.in_block {
            // Block-scoped in strict mode; otherwise hoisted, unless a `let` or a
            // parameter of the list's scope already has the name.
            if self.strict
                || matches!(
                    self.tree.declared_in(self.scope, &decl.ident.sym),
                    Some(DeclKind::Lexical | DeclKind::Param)
                )
            {
                return;
            }
        }
        // The hoisting of the nested block sees it again.
        let seen_again = self.in_block || self.in_catch_body || self.list != ScopeKind::Function;
        self.bind(&decl.ident, DeclKind::Other, seen_again);
    }

    fn visit_import_default_specifier(&mut self, specifier: &ImportDefaultSpecifier) {
        self.tree
            .declare(self.scope, &specifier.local, DeclKind::Lexical, self.from);
    }

    fn visit_import_named_specifier(&mut self, specifier: &ImportNamedSpecifier) {
        self.tree
            .declare(self.scope, &specifier.local, DeclKind::Lexical, self.from);
    }

    fn visit_import_star_as_specifier(&mut self, specifier: &ImportStarAsSpecifier) {
        self.tree
            .declare(self.scope, &specifier.local, DeclKind::Lexical, self.from);
    }

    fn visit_switch_stmt(&mut self, switch: &SwitchStmt) {
        let outer = std::mem::replace(&mut self.in_block, true);
        switch.cases.visit_with(self);
        self.in_block = outer;
    }

    fn visit_using_decl(&mut self, decl: &UsingDecl) {
        if !self.in_block {
            self.with_kind(DeclKind::Lexical, |this| decl.visit_children_with(this));
        }
    }

    fn visit_var_decl(&mut self, decl: &VarDecl) {
        if self.in_block && decl.kind != VarDeclKind::Var {
            return;
        }
        if decl.kind == VarDeclKind::Var && self.list == ScopeKind::Block {
            return;
        }
        let kind = match decl.kind {
            VarDeclKind::Var => DeclKind::Other,
            VarDeclKind::Let | VarDeclKind::Const => DeclKind::Lexical,
        };
        self.with_kind(kind, |this| decl.visit_children_with(this));
    }

    fn visit_var_declarator(&mut self, declarator: &VarDeclarator) {
        declarator.name.visit_with(self);
    }

    fn visit_var_decl_or_expr(&mut self, node: &VarDeclOrExpr) {
        match node {
            VarDeclOrExpr::VarDecl(decl) if decl.kind != VarDeclKind::Var => {}
            _ => node.visit_children_with(self),
        }
    }

    fn visit_for_head(&mut self, head: &ForHead) {
        match head {
            ForHead::VarDecl(decl) if decl.kind != VarDeclKind::Var => {}
            ForHead::Pat(_) => {}
            _ => head.visit_children_with(self),
        }
    }

    fn visit_stmts(&mut self, stmts: &[Stmt]) {
        // Each block's list hoists its nested blocks again (as swc's hoister does), so
        // blocks nested n deep cost n² steps: they count against the file's budget.
        for _ in stmts {
            crate::deadline::tick();
        }
        // Declarations first: a `var` after a `catch` that names the same binding must
        // be known when the `catch` body is hoisted (as swc does).
        for stmt in stmts {
            if matches!(stmt, Stmt::Decl(Decl::Var(_) | Decl::Fn(_))) {
                stmt.visit_with(self);
            }
        }
        for stmt in stmts {
            if !matches!(stmt, Stmt::Decl(Decl::Var(_) | Decl::Fn(_))) {
                stmt.visit_with(self);
            }
        }
    }
}

/// Where the walk's scopes and swc's resolver disagree on `text`, plain JavaScript:
/// each message names an identifier that shares a binding with another under one
/// resolution and not under the other. `None` when `text` does not parse as plain
/// JavaScript. Used by `tests/scopes_oracle.rs` and `examples/scopes_oracle.rs`.
pub fn mismatches_with_swc(text: &str) -> Option<Vec<String>> {
    use crate::parse::{parse_script, with_globals};
    use crate::source::Language;
    use swc_common::Mark;
    use swc_ecma_transforms_base::resolver;

    with_globals(|| {
        let ours = parse_script(text, 0, Language::JavaScript).ok()?;
        if ours.unresolved.is_some() {
            return None;
        }
        let walked = super::binding_contexts(&ours);
        let mut theirs = parse_script(text, 0, Language::JavaScript).ok()?;
        let unresolved_mark = Mark::new();
        theirs
            .program
            .mutate(resolver(unresolved_mark, Mark::new(), false));
        let unresolved = SyntaxContext::empty().apply_mark(unresolved_mark);
        struct Contexts(Vec<(u32, SyntaxContext)>);
        impl Visit for Contexts {
            crate::guard_nesting!();

            fn visit_ident(&mut self, ident: &Ident) {
                self.0.push((ident.span.lo.0, ident.ctxt));
            }
            fn visit_labeled_stmt(&mut self, stmt: &LabeledStmt) {
                stmt.body.visit_with(self);
            }
            fn visit_break_stmt(&mut self, _: &BreakStmt) {}
            fn visit_continue_stmt(&mut self, _: &ContinueStmt) {}
        }
        let mut resolved = Contexts(Vec::new());
        theirs.program.visit_with(&mut resolved);
        let mut problems = Vec::new();
        if walked.len() != resolved.0.len() {
            problems.push(format!(
                "{} identifiers walked, {} resolved",
                walked.len(),
                resolved.0.len()
            ));
            return Some(problems);
        }
        // The two resolutions must partition the identifiers alike.
        let mut ours_to_theirs: FxHashMap<(Atom, SyntaxContext), SyntaxContext> =
            FxHashMap::default();
        let mut theirs_to_ours: FxHashMap<(Atom, SyntaxContext), SyntaxContext> =
            FxHashMap::default();
        let line_of = |pos: u32| {
            text[..(pos as usize).saturating_sub(1).min(text.len())]
                .matches('\n')
                .count()
                + 1
        };
        for ((pos, name, our), (_, their)) in walked.iter().zip(&resolved.0) {
            if *their == SyntaxContext::empty() {
                // swc leaves some identifiers alone (`export { x } from "y"`).
                continue;
            }
            let our_global = *our == SyntaxContext::empty();
            let their_global = *their == unresolved;
            let agrees = our_global == their_global
                && *ours_to_theirs.entry((name.clone(), *our)).or_insert(*their) == *their
                && *theirs_to_ours.entry((name.clone(), *their)).or_insert(*our) == *our;
            if !agrees {
                problems.push(format!(
                    "`{name}` at line {} (byte {}): {} here, {} for swc",
                    line_of(*pos),
                    pos.saturating_sub(1),
                    if our_global { "global" } else { "local" },
                    if their_global { "global" } else { "local" },
                ));
            }
        }
        Some(problems)
    })
}
