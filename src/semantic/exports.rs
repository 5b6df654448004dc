//! What a module imports and exports, read from its top-level statements once the walk
//! has settled its bindings: the facts of the module graph (`crate::modules`).

use swc_common::Span;
use swc_ecma_ast::*;

use super::values::{BindingKind, Bindings, literal_string, member_name, prop_name, strip};
use crate::modules::env::Exports;
use crate::modules::{
    ConstValue, Export, ExportSummary, FunctionSummary, ModuleFacts, SocketFactory, SocketLifecycle,
};

/// When every function is summarised at once ([`Exports::Partial`]), the exported
/// functions a module's own pass summarises, at most: a module of thousands of
/// exports is a bundle's, whose helpers no one imports by name. Past them the summaries
/// are left to the link, which makes them all if a file asks about the module.
const MAX_SUMMARISED_FUNCTIONS: usize = 256;

/// When every function is summarised at once, the bytes of exported functions a module's
/// own pass summarises, at most: past them (a
/// bundle's wrapper exported as one function, a generated client), the summaries are
/// left to the link, which has them made only if a file asks about the
/// module (see [`crate::modules::ModuleFacts::partial`]): a summary walks its function
/// three times per parameter, and nothing may ask for it.
const MAX_SUMMARISED_BYTES: u32 = 128 * 1024;

/// Functions of one exported object literal exported by name, at most.
const MAX_OBJECT_MEMBERS: usize = 64;

/// How deep an exported object of constants is read.
const MAX_OBJECT_DEPTH: u32 = 3;

/// Reads a program's imports and exports, and summarises its exported functions as far
/// as `crate::modules::env::export_mode` says (the handler analysis,
/// `super::handlers::summarize_function`; the rest is left pending).
pub fn module_facts(
    program: &Program,
    bindings: &Bindings,
    sockets: &SocketSummary,
) -> ModuleFacts {
    let mode = crate::modules::env::export_mode();
    let mut reader = Reader {
        program,
        bindings,
        sockets,
        facts: ModuleFacts::default(),
        summarised: 0,
        bytes_left: (mode == Exports::Partial).then_some(MAX_SUMMARISED_BYTES),
        over_budget: false,
        mode,
        pending_span: None,
    };
    let items: Vec<&ModuleItem> = match program {
        Program::Module(module) => module.body.iter().collect(),
        Program::Script(_) => Vec::new(),
    };
    let statements: Vec<&Stmt> = match program {
        Program::Module(module) => module
            .body
            .iter()
            .filter_map(|item| match item {
                ModuleItem::Stmt(statement) => Some(statement),
                ModuleItem::ModuleDecl(_) => None,
            })
            .collect(),
        Program::Script(script) => script.body.iter().collect(),
    };
    for item in items {
        if let ModuleItem::ModuleDecl(declaration) = item {
            reader.declaration(declaration);
        }
    }
    for statement in statements {
        reader.statement(statement);
    }
    if reader.over_budget {
        reader.facts.leave_summaries_to_the_link();
    }
    reader.facts
}

/// What a function of the module does with sockets: the socket it returns (a factory),
/// and what it does with a socket handed to each parameter (`super::sockets`).
pub type SocketSummary<'s> =
    dyn Fn(Span) -> (Option<SocketFactory>, Vec<Option<SocketLifecycle>>) + 's;

struct Reader<'r, 'a> {
    program: &'r Program,
    bindings: &'r Bindings<'a>,
    sockets: &'r SocketSummary<'r>,
    facts: ModuleFacts,
    summarised: usize,
    /// Bytes of functions still to summarise (none: no limit, the link asked for them).
    bytes_left: Option<u32>,
    /// A function was left unsummarised for its size.
    over_budget: bool,
    /// What of the exports to summarise.
    mode: Exports,
    /// The function the last [`Reader::function_summary`] left pending: the export it is
    /// made for ([`Reader::export`]) summarises it if its name was asked for.
    pending_span: Option<Span>,
}

impl Reader<'_, '_> {
    fn specifier(&mut self, specifier: &str) {
        if !self.facts.specifiers.iter().any(|known| known == specifier) {
            self.facts.specifiers.push(specifier.to_string());
        }
    }

    fn export(&mut self, name: String, mut summary: ExportSummary) {
        if let Some(span) = self.pending_span.take()
            && let Exports::Asked(names) = &self.mode
            && names.contains(&name)
            && summary.is_pending()
        {
            summary.function = Some(self.summarised(span));
        }
        self.facts.exports.push(Export::Local { name, summary });
    }

    fn declaration(&mut self, declaration: &ModuleDecl) {
        crate::deadline::tick();
        match declaration {
            ModuleDecl::Import(import) => {
                self.specifier(&import.src.value.to_string_lossy());
            }
            ModuleDecl::ExportDecl(export) => match &export.decl {
                Decl::Fn(function) => {
                    let summary = self.function_summary(function.function.span);
                    self.export(function.ident.sym.to_string(), summary);
                }
                Decl::Var(var) => {
                    for declarator in &var.decls {
                        let Pat::Ident(name) = &declarator.name else {
                            continue;
                        };
                        self.export_binding(name.id.sym.to_string(), &name.id);
                        if let Some(Expr::Object(object)) = declarator.init.as_deref().map(strip) {
                            self.export_fields(object, Some(&name.id.sym));
                        }
                    }
                }
                Decl::Class(class) => {
                    self.export(class.ident.sym.to_string(), ExportSummary::default());
                }
                _ => {}
            },
            ModuleDecl::ExportNamed(named) => {
                let source = named
                    .src
                    .as_ref()
                    .map(|source| source.value.to_string_lossy().to_string());
                if let Some(source) = &source {
                    self.specifier(source);
                }
                for specifier in &named.specifiers {
                    match specifier {
                        ExportSpecifier::Named(named_specifier) => {
                            let Some(local) = export_name(&named_specifier.orig) else {
                                continue;
                            };
                            let Some(exported) = named_specifier
                                .exported
                                .as_ref()
                                .map_or_else(|| Some(local.clone()), export_name)
                            else {
                                continue;
                            };
                            match &source {
                                Some(source) => self.facts.exports.push(Export::From {
                                    name: exported,
                                    specifier: source.clone(),
                                    imported: local,
                                }),
                                None => match &named_specifier.orig {
                                    ModuleExportName::Ident(ident) => {
                                        self.export_binding(exported, ident)
                                    }
                                    ModuleExportName::Str(_) => {
                                        self.export(exported, ExportSummary::default())
                                    }
                                },
                            }
                        }
                        ExportSpecifier::Namespace(namespace) => {
                            if let Some(source) = &source
                                && let Some(name) = export_name(&namespace.name)
                            {
                                self.facts.exports.push(Export::From {
                                    name,
                                    specifier: source.clone(),
                                    imported: "*".into(),
                                });
                            }
                        }
                        ExportSpecifier::Default(default) => {
                            if let Some(source) = &source {
                                self.facts.exports.push(Export::From {
                                    name: default.exported.sym.to_string(),
                                    specifier: source.clone(),
                                    imported: "default".into(),
                                });
                            }
                        }
                    }
                }
            }
            ModuleDecl::ExportAll(all) => {
                let source = all.src.value.to_string_lossy().to_string();
                self.specifier(&source);
                self.facts.exports.push(Export::All { specifier: source });
            }
            ModuleDecl::ExportDefaultDecl(default) => {
                let summary = match &default.decl {
                    DefaultDecl::Fn(function) => self.function_summary(function.function.span),
                    _ => ExportSummary::default(),
                };
                self.export("default".into(), summary);
            }
            ModuleDecl::ExportDefaultExpr(default) => {
                self.export_value("default".into(), &default.expr);
                if let Expr::Object(object) = strip(&default.expr) {
                    self.export_fields(object, Some("default"));
                }
            }
            ModuleDecl::TsImportEquals(import) => {
                if let TsModuleRef::TsExternalModuleRef(reference) = &import.module_ref {
                    self.specifier(&reference.expr.value.to_string_lossy());
                }
            }
            _ => {}
        }
    }

    /// CommonJS at the top level: `require("…")`, `module.exports = …`, `exports.x = …`.
    fn statement(&mut self, statement: &Stmt) {
        match statement {
            Stmt::Decl(Decl::Var(var)) => {
                for declarator in &var.decls {
                    if let Some(init) = &declarator.init {
                        self.requires_in(init);
                    }
                }
            }
            Stmt::Expr(expression) => {
                let Expr::Assign(assign) = strip(&expression.expr) else {
                    self.requires_in(&expression.expr);
                    return;
                };
                if assign.op != AssignOp::Assign {
                    return;
                }
                let AssignTarget::Simple(SimpleAssignTarget::Member(target)) = &assign.left else {
                    return;
                };
                self.requires_in(&assign.right);
                let object = strip(&target.obj);
                let field = member_name(&target.prop);
                let is_module = |expr: &Expr| matches!(strip(expr), Expr::Ident(ident) if &*ident.sym == "module");
                let is_exports = |expr: &Expr| match strip(expr) {
                    Expr::Ident(ident) => &*ident.sym == "exports",
                    Expr::Member(member) => {
                        is_module(&member.obj) && member_name(&member.prop) == Some("exports")
                    }
                    _ => false,
                };
                if is_module(object) && field == Some("exports") {
                    self.module_exports(&assign.right);
                } else if is_exports(object)
                    && let Some(field) = field
                    && let Some(name) = crate::modules::field_path(field, [])
                {
                    self.export_value(name, &assign.right);
                }
            }
            _ => {}
        }
    }

    /// `module.exports = { a, b: f }`, `= function`, `= require("./m")`.
    fn module_exports(&mut self, value: &Expr) {
        match strip(value) {
            Expr::Object(object) => self.export_fields(object, None),
            Expr::Call(call) => {
                if let Some(source) = super::values::required_module(call) {
                    let source = source.to_string();
                    self.specifier(&source);
                    self.facts.exports.push(Export::All { specifier: source });
                }
            }
            // `const m = require("./m"); module.exports = m;`
            Expr::Ident(ident)
                if let Some((source, imported)) = self.bindings.import_of(ident)
                    && imported == "*" =>
            {
                self.facts.exports.push(Export::All { specifier: source });
            }
            other => self.export_value("default".into(), other),
        }
    }

    fn requires_in(&mut self, expr: &Expr) {
        let mut expr = strip(expr);
        // `require("m").member`
        while let Expr::Member(member) = expr {
            expr = strip(&member.obj);
        }
        if let Expr::Call(call) = expr
            && let Some(source) = super::values::required_module(call)
        {
            let source = source.to_string();
            self.specifier(&source);
        }
    }

    /// The fields of an exported object literal, each exported by its name: the
    /// module's own exports for `module.exports = { a, b: f, m() {…} }` (`object_name`
    /// `None`), or, for `export const api = { check(o) {…}, verify }`, its functions as
    /// `api.check`: a call of `api.check` in an importer asks for that name (see
    /// `Bindings::imported_function_for`). A named object's fields are only its functions
    /// and names (which may be functions or imported ones), and at most
    /// [`MAX_OBJECT_MEMBERS`]: an object of data is no object of helpers.
    fn export_fields(&mut self, object: &ObjectLit, object_name: Option<&str>) {
        let name_of = |key: &str| match object_name {
            Some(object_name) => crate::modules::field_path(object_name, [key]),
            None => crate::modules::field_path(key, []),
        };
        let mut exported = 0;
        for prop in &object.props {
            if object_name.is_some() && exported == MAX_OBJECT_MEMBERS {
                break;
            }
            let PropOrSpread::Prop(prop) = prop else {
                continue;
            };
            match &**prop {
                Prop::Shorthand(ident) => {
                    let Some(name) = name_of(&ident.sym) else {
                        continue;
                    };
                    self.export_binding(name, ident);
                }
                Prop::KeyValue(pair) => {
                    let Some(name) = prop_name(&pair.key).and_then(name_of) else {
                        continue;
                    };
                    if object_name.is_some()
                        && !matches!(
                            strip(&pair.value),
                            Expr::Fn(_) | Expr::Arrow(_) | Expr::Ident(_)
                        )
                    {
                        continue;
                    }
                    self.export_value(name, &pair.value);
                }
                Prop::Method(method) => {
                    let Some(name) = prop_name(&method.key).and_then(name_of) else {
                        continue;
                    };
                    let summary = self.function_summary(method.function.span);
                    self.export(name, summary);
                }
                _ => continue,
            }
            exported += 1;
        }
    }

    /// Exports `value` under `name`: a name (see [`Self::export_binding`]), or what the
    /// expression is.
    fn export_value(&mut self, name: String, value: &Expr) {
        if let Expr::Ident(ident) = strip(value) {
            return self.export_binding(name, ident);
        }
        let summary = self.value_summary(value);
        self.export(name, summary);
    }

    /// Exports the binding `ident` under `name`. One imported from another module is
    /// exported from there (`import { f } from "./m"; export { f as g }`, `export
    /// default f`, `export const g = f`), so that a lookup follows it to its definition
    /// as it follows `export { f as g } from "./m"`.
    fn export_binding(&mut self, name: String, ident: &Ident) {
        if let Some((specifier, imported)) = self.bindings.import_of(ident) {
            self.facts.exports.push(Export::From {
                name,
                specifier,
                imported,
            });
            return;
        }
        let summary = self.binding_summary(ident);
        self.export(name, summary);
    }

    /// What an exported expression is: a function, a constant, or a name bound to one.
    fn value_summary(&mut self, value: &Expr) -> ExportSummary {
        match strip(value) {
            Expr::Fn(function) => self.function_summary(function.function.span),
            Expr::Arrow(arrow) => self.function_summary(arrow.span),
            Expr::Ident(ident) => self.binding_summary(ident),
            other => ExportSummary {
                line: 0,
                offset: other_start(other),
                value: self.constant(other, 0),
                function: None,
            },
        }
    }

    /// A local name's summary: the function it names, or the value of a `const`.
    fn binding_summary(&mut self, ident: &Ident) -> ExportSummary {
        let Some(id) = self.bindings.binding_id(ident) else {
            return ExportSummary::default();
        };
        if let Some(span) = self.bindings.function_of.get(&id).copied() {
            return self.function_summary(span);
        }
        let Some(binding) = self.bindings.binding(&id) else {
            return ExportSummary::default();
        };
        let value = match (&binding.kind, binding.init()) {
            (BindingKind::Const, Some(init)) => self.constant(init, 0),
            _ => None,
        };
        ExportSummary {
            line: 0,
            offset: binding.span.start,
            value,
            function: None,
        }
    }

    fn constant(&self, expr: &Expr, depth: u32) -> Option<ConstValue> {
        if depth > MAX_OBJECT_DEPTH {
            return None;
        }
        if let Some(text) = self.bindings.resolve_string(expr) {
            return Some(ConstValue::Str(text));
        }
        match strip(expr) {
            // A delay: `RECONNECT_DELAY = 3000`. Only a literal: `5 * 1000` reads as a
            // growing delay to the same-file analysis, and stays unknown here.
            Expr::Lit(Lit::Num(number)) => Some(ConstValue::Num(number.value)),
            Expr::Array(array) => {
                let strings: Option<Vec<String>> = array
                    .elems
                    .iter()
                    .take(1000)
                    .map(|element| {
                        let element = element.as_ref()?;
                        if element.spread.is_some() {
                            return None;
                        }
                        literal_string(&element.expr)
                            .map(str::to_string)
                            .or_else(|| self.bindings.resolve_string(&element.expr))
                    })
                    .collect();
                strings.map(ConstValue::Strings)
            }
            Expr::Object(object) => {
                let fields: Vec<(String, ConstValue)> = object
                    .props
                    .iter()
                    .take(1000)
                    .filter_map(|prop| match prop {
                        PropOrSpread::Prop(prop) => match &**prop {
                            Prop::KeyValue(pair) => Some((
                                prop_name(&pair.key)?.to_string(),
                                self.constant(&pair.value, depth + 1)?,
                            )),
                            _ => None,
                        },
                        PropOrSpread::Spread(_) => None,
                    })
                    .collect();
                (!fields.is_empty()).then_some(ConstValue::Object(fields))
            }
            _ => None,
        }
    }

    fn function_summary(&mut self, span: Span) -> ExportSummary {
        self.pending_span = None;
        let function = match self.mode {
            Exports::Lazy | Exports::Asked(_) => {
                self.pending_span = Some(span);
                Some(self.walked_parts(
                    span,
                    FunctionSummary {
                        pending: true,
                        ..FunctionSummary::default()
                    },
                ))
            }
            _ => self.summarised_within_budget(span),
        };
        ExportSummary {
            line: 0,
            offset: crate::parse::span_range(span).start,
            value: None,
            function,
        }
    }

    /// A first pass's summary of the function at `span` ([`Exports::Partial`]), or the
    /// link's ([`Exports::Full`]).
    fn summarised_within_budget(&mut self, span: Span) -> Option<FunctionSummary> {
        let size = span.hi.0.saturating_sub(span.lo.0);
        if let Some(left) = self.bytes_left {
            match left.checked_sub(size) {
                Some(left) => self.bytes_left = Some(left),
                None => self.over_budget = true,
            }
        }
        if self.over_budget {
            // Only what the walk itself knows; the rest is the link's to make.
            self.bindings
                .listener_wrappers
                .get(&span)
                .copied()
                .map(FunctionSummary::forwarding_only)
        } else if self.summarised < MAX_SUMMARISED_FUNCTIONS || self.mode == Exports::Full {
            self.summarised += 1;
            // Kept even when empty: an imported function known to check nothing is
            // judged as a same-file one, not trusted as a helper from elsewhere is.
            Some(self.summarised(span))
        } else {
            // Past the count, the module's summaries are left to the link, as past the
            // bytes: a function left unsummarised would read as one that is no helper.
            self.over_budget = true;
            None
        }
    }

    /// The whole summary of the function at `span`.
    fn summarised(&self, span: Span) -> FunctionSummary {
        let summary = crate::modules::env::remembered_summary((span.lo.0, span.hi.0), || {
            let mut summary =
                super::handlers::summarize_function(self.program, self.bindings, span);
            summary.returned =
                super::handlers::summarize_returned(self.program, self.bindings, span);
            summary
        });
        self.walked_parts(span, summary)
    }

    /// `summary` with what the module's own walk knows of the function at `span`: the
    /// listener it forwards to and what it does with sockets.
    fn walked_parts(&self, span: Span, mut summary: FunctionSummary) -> FunctionSummary {
        summary.listener_wrapper = self.bindings.listener_wrappers.get(&span).copied();
        (summary.socket, summary.socket_params) = (self.sockets)(span);
        summary
    }
}

fn other_start(expr: &Expr) -> usize {
    use swc_common::Spanned;
    crate::parse::span_range(expr.span()).start
}

/// An export's name; `None` for a string name holding [`crate::modules::FIELD_SEPARATOR`],
/// which is left out of the module's facts (see [`crate::modules::field_path`]).
fn export_name(name: &ModuleExportName) -> Option<String> {
    match name {
        ModuleExportName::Ident(ident) => Some(ident.sym.to_string()),
        ModuleExportName::Str(text) => {
            crate::modules::field_path(&text.value.to_string_lossy(), [])
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::sync::Arc;

    use crate::modules::env::{Exports, SummaryMemo, with_answers};
    use crate::modules::{Export, FunctionSummary, ModuleFacts};
    use crate::parse::{parse_script, with_globals};
    use crate::source::Language;

    const MODULE: &str = "\
export function check(origin) { return origin === 'https://a.example'; }
export function listen(target, type, handler) { target.addEventListener(type, handler); }
export function connect(url) { const ws = new WebSocket(url); ws.onclose = () => connect(url); return ws; }
export function keep(ws) { ws.onmessage = () => {}; }
export const api = { verify(origin) { return origin === 'https://b.example'; } };
";

    fn facts(exports: Exports) -> ModuleFacts {
        with_globals(|| {
            let parsed = parse_script(MODULE, 0, Language::JavaScript).expect("parses");
            let (facts, _) = with_answers(None, exports, SummaryMemo::default(), || {
                crate::semantic::analyze(&parsed, MODULE, 0, "m.js")
            });
            facts.module
        })
    }

    fn function<'m>(module: &'m ModuleFacts, wanted: &str) -> &'m FunctionSummary {
        module
            .exports
            .iter()
            .find_map(|export| match export {
                Export::Local { name, summary } if name == wanted => summary.function.as_ref(),
                _ => None,
            })
            .unwrap_or_else(|| panic!("no function exported as {wanted}"))
    }

    #[test]
    fn a_first_pass_leaves_the_walks_pending_and_the_link_asks_by_name() {
        let all = facts(Exports::Full);
        let lazy = facts(Exports::Lazy);
        for name in ["check", "listen", "connect", "keep", "api\0verify"] {
            let (made, pending) = (function(&all, name), function(&lazy, name));
            assert!(!made.pending && pending.pending, "{name}");
            // What the file's own walk knows is there at once.
            assert_eq!(made.listener_wrapper, pending.listener_wrapper, "{name}");
            assert_eq!(made.socket, pending.socket, "{name}");
            assert_eq!(made.socket_params, pending.socket_params, "{name}");
            assert!(pending.origin_checks.is_empty() && pending.sinks.is_empty());
        }
        assert!(function(&lazy, "listen").listener_wrapper.is_some());
        assert!(function(&lazy, "connect").socket.is_some());
        assert!(!function(&lazy, "keep").socket_params.is_empty());
        assert!(lazy.has_pending() && !all.has_pending());
        // Asked for two names: those made whole, as summarising everything makes them,
        // and the others still pending.
        let names: BTreeSet<String> = ["check", "api\0verify"].map(String::from).into();
        let asked = facts(Exports::Asked(Arc::new(names.clone())));
        for name in ["check", "api\0verify"] {
            assert_eq!(function(&asked, name), function(&all, name), "{name}");
        }
        assert!(function(&asked, "check").origin_checks[0].is_some());
        assert!(function(&asked, "listen").pending && function(&asked, "connect").pending);
        assert!(asked.summarises(&Exports::Asked(Arc::new(names))));
        assert!(!asked.summarises(&Exports::Full) && all.summarises(&Exports::Full));
    }
}
