//! What the file's bindings hold, and what an expression evaluates to as far
//! as one file can tell: which window a receiver is, whether an origin is `"*"`.

use rustc_hash::FxHashMap as HashMap;
use rustc_hash::FxHashSet as HashSet;
use std::ops::Range;

use swc_atoms::Atom;
use swc_common::{Span, Spanned};
use swc_ecma_ast::*;

use crate::diagnostic::Label;
use crate::parse::span_range;

/// An imported function as the link pass found it: its summary, where it comes from, and
/// how to name it in a message.
pub type ImportedFunction = (
    crate::modules::FunctionSummary,
    crate::modules::env::Imported,
    String,
);

/// How deep value resolution follows bindings before it gives up (cycles, long chains).
const MAX_DEPTH: u32 = 12;

/// How many member reads an imported name is followed through (`lib.checks.verify`: 2).
const MAX_FIELD_DEPTH: usize = 4;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BindingKind {
    Const,
    Let,
    Var,
    Parameter,
    Function,
    Class,
    Import { source: Atom, imported: Atom },
    Other,
}

/// One declared name and what the file assigns to it.
#[derive(Debug, Clone)]
pub struct Binding<'a> {
    pub kind: BindingKind,
    /// Where the name is declared.
    pub span: Range<usize>,
    /// The initializer (or a parameter's default), whatever its size: see [`Self::init`].
    pub init_expr: Option<&'a Expr>,
    /// Later `name = value` assignments, when small enough to follow.
    pub assignments: Vec<&'a Expr>,
    /// An assignment whose value is not known (`+=`, `++`, destructuring, too large).
    pub has_unknown_assignment: bool,
}

impl<'a> Binding<'a> {
    /// The initializer (or a parameter's default), when small enough to follow. Sized
    /// up only when asked: most bindings of a file never are.
    pub fn init(&self) -> Option<&'a Expr> {
        self.init_expr.and_then(super::collect::small)
    }

    /// The values a `const`, `let` or `var` may hold, or `None` when any of them is
    /// unknown.
    fn known_values(&self) -> Option<Vec<&'a Expr>> {
        if self.has_unknown_assignment {
            return None;
        }
        let values: Vec<&Expr> = self
            .init()
            .into_iter()
            .chain(self.assignments.iter().copied())
            .collect();
        (!values.is_empty()).then_some(values)
    }
}

/// Every binding of a file, keyed by swc's resolved identifier. Values point into the
/// file's tree, which outlives them.
#[derive(Debug, Default)]
pub struct Bindings<'a> {
    /// What the walk learned about each binding, in declaration order: found through
    /// the scope tree (plain JavaScript) or `data_elsewhere` (see [`Bindings::binding`]).
    data: Vec<Binding<'a>>,
    /// Where the data of bindings outside the scope tree is: TypeScript's, resolved by
    /// swc, and any the tree does not declare.
    data_elsewhere: HashMap<Id, u32>,
    /// Values assigned to `this.<field>` anywhere in the file.
    pub this_fields: HashMap<Atom, Vec<Option<&'a Expr>>>,
    /// The values class fields are declared with (`private messages$ = fromEvent(…)`), by
    /// class and field.
    pub class_field_values: HashMap<(u32, Atom), &'a Expr>,
    /// Values assigned to `<binding>.<field>` anywhere in the file.
    pub member_assignments: HashMap<(Id, Atom), Vec<Option<&'a Expr>>>,
    /// Which binding each identifier names.
    pub scopes: super::scopes::Scopes,
    /// The function a binding names: `function f`, `const f = () => …`,
    /// `const f = debounce(() => …)`, `var f = exports.f = function …`, or the first
    /// function assigned to it (`f = function …`).
    pub function_of: HashMap<Id, Span>,
    /// What a function declaration of the file returns, when its body is plain
    /// statements ending in its one `return` (`function url() { const s = …; return
    /// `${s}//…`; }`). Read it through [`Self::returned_value`].
    pub returns: HashMap<Id, &'a Expr>,
    /// Same-file classes by their binding (`class C {}`, `const C = class {}`): where
    /// each starts, the key of [`Self::class_methods`].
    pub class_of: HashMap<Id, u32>,
    /// The binding each class (by start) extends, when it names one: `class B extends A`.
    pub class_extends: HashMap<u32, Id>,
    /// Methods and function-valued fields of classes, by class (its span's start) and name.
    pub class_methods: HashMap<(u32, Atom), Span>,
    /// Fields of classes (by class start and name) that TypeScript declares as a `Window`:
    /// `winRef: Window`, `constructor(private winRef: Window)`.
    pub window_fields: HashSet<(u32, Atom)>,
    /// Fields a class declares with a type that is not a window's.
    pub other_typed_fields: HashSet<(u32, Atom)>,
    /// Methods of object literals bound to a name: `const handlers = { onMessage(e) {} }`.
    pub object_methods: HashMap<(Id, Atom), Span>,
    /// Object literals bound to a name, by their span's start: their methods are walked
    /// as a class's (`this.open()` calls the object's method), and `this.<field>` there
    /// is that name's field.
    pub this_objects: HashMap<u32, Id>,
    /// Same-file functions, by span, that forward to `addEventListener`: which
    /// parameters hold the target, the event name and the handler, or what the
    /// function names itself. A call names one through [`Self::function_named`].
    pub listener_wrappers: HashMap<Span, crate::modules::ListenerWrapper>,
    /// `this` at the top level of a script (outside any function or class, in a file
    /// with no `import` or `export`), by its span's start: the global object, as in the
    /// wrapper `(function (window) { … })(this)`.
    pub global_this: HashSet<u32>,
    /// Names destructured from a call's result (`const { verify } = useEmbedMode()`): the
    /// call and the field each name takes. A composable's (a hook's) returned functions.
    pub destructured: HashMap<Id, (&'a Expr, Atom)>,
    /// The parameters of store creators and of their updaters (`set`, `get`, `state`), by
    /// the creator's span start (see `stores`).
    pub stores: HashMap<Id, (u32, super::stores::StoreRole)>,
    /// Store creators, by span start.
    pub store_creators: HashSet<u32>,
}

/// An imported name an expression reads (see [`Bindings::imported_constant`]).
struct ImportedName {
    /// The module specifier as written.
    source: String,
    /// The name the module exports.
    name: String,
    /// The fields read of that export, outermost first (`CONFIG.url`: `url`;
    /// `lib.checks.verify` of a namespace `lib`: `checks` is the name, `verify` the field).
    fields: Vec<String>,
    /// How the code names it (`config.TARGET`).
    shown: String,
}

impl ImportedName {
    /// The name and fields as the link looks them up (see
    /// [`crate::modules::field_path`]).
    fn field_path(&self) -> Option<String> {
        crate::modules::field_path(&self.name, self.fields.iter().map(String::as_str))
    }
}

/// The window-ness of a `postMessage` receiver.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// The sender's own window or global (`window`, `self`, `globalThis`, bare `postMessage`).
    CurrentWindow,
    /// Another browsing context.
    OtherWindow(WindowKind),
    /// A worker, port, channel, service worker or native bridge.
    NotAWindow(&'static str),
    Unknown,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WindowKind {
    Parent,
    Top,
    Opener,
    Frame,
    IframeContent,
    Popup,
    EventSource,
}

impl WindowKind {
    pub fn describe(self) -> &'static str {
        match self {
            WindowKind::Parent => "the parent window",
            WindowKind::Top => "the top-level window",
            WindowKind::Opener => "the window that opened this one",
            WindowKind::Frame => "a child frame",
            WindowKind::IframeContent => "an iframe's window",
            WindowKind::Popup => "a popup opened with window.open",
            WindowKind::EventSource => "the sender of a message event",
        }
    }
}

/// Where a wildcard target origin comes from.
#[derive(Debug, Clone)]
pub struct WildcardOrigin {
    /// The `"*"` literal itself.
    pub literal: Range<usize>,
    /// How the value travelled from the literal to the call, outermost first.
    pub trail: Vec<Label>,
    /// The origin of the page the receiving window was opened or framed with, when this
    /// file tells it statically and every URL it may hold shares it (set once the receiver
    /// is known, see [`Bindings::window_origin`]).
    pub known_origin: Option<String>,
}

/// What a receiver is that defines `postMessage` itself: not a window, whose
/// `postMessage` no script defines.
pub const OWN_POST_MESSAGE: &str = "an object of this file with a postMessage of its own";

/// Whether an object literal has a method `postMessage` (`{ postMessage() {} }`,
/// `{ postMessage: (m) => … }`); a shorthand `{ postMessage }` may be the window's own.
fn defines_post_message(object: &ObjectLit) -> bool {
    object.props.iter().any(|prop| match prop {
        PropOrSpread::Prop(prop) => match &**prop {
            Prop::Method(method) => prop_name(&method.key) == Some("postMessage"),
            Prop::KeyValue(pair) => {
                prop_name(&pair.key) == Some("postMessage")
                    && matches!(strip(&pair.value), Expr::Fn(_) | Expr::Arrow(_))
            }
            _ => false,
        },
        PropOrSpread::Spread(_) => false,
    })
}

/// Whether a condition holds exactly when the page runs under `file:`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileProtocolTest {
    WhenFile,
    WhenNotFile,
}

impl FileProtocolTest {
    fn negate(self) -> Self {
        match self {
            FileProtocolTest::WhenFile => FileProtocolTest::WhenNotFile,
            FileProtocolTest::WhenNotFile => FileProtocolTest::WhenFile,
        }
    }
}

/// The names a binding or assignment pattern binds (`{ a, b: [c] }`), not those read
/// in its defaults or computed keys.
pub struct BoundNames<'o>(pub &'o mut Vec<Ident>);

impl swc_ecma_visit::Visit for BoundNames<'_> {
    crate::guard_nesting!(except visit_expr);

    fn visit_binding_ident(&mut self, ident: &BindingIdent) {
        self.0.push(ident.id.clone());
    }
    fn visit_expr(&mut self, _: &Expr) {}
}

/// Adds the names `pattern` binds to `out`.
pub fn bound_names<P>(pattern: &P, out: &mut Vec<Ident>)
where
    P: for<'o> swc_ecma_visit::VisitWith<BoundNames<'o>>,
{
    pattern.visit_with(&mut BoundNames(out));
}

/// Array methods that run their callback at once, before the call returns
/// (`items.forEach(…)`): the callback runs in its caller's frame.
pub fn calls_back_at_once(method: &str) -> bool {
    matches!(
        method,
        "forEach" | "map" | "filter" | "some" | "every" | "reduce" | "find" | "flatMap"
    )
}

/// Removes parentheses and TypeScript-only wrappers.
pub fn strip(mut expr: &Expr) -> &Expr {
    loop {
        expr = match expr {
            Expr::Paren(inner) => &inner.expr,
            Expr::TsAs(inner) => &inner.expr,
            Expr::TsNonNull(inner) => &inner.expr,
            Expr::TsTypeAssertion(inner) => &inner.expr,
            Expr::TsConstAssertion(inner) => &inner.expr,
            Expr::TsSatisfies(inner) => &inner.expr,
            Expr::TsInstantiation(inner) => &inner.expr,
            // Vue's `markRaw(x)` and `toRaw(x)` give back `x` itself (marked, or unwrapped
            // from its proxy): `this.ws = markRaw(new WebSocket(url))` keeps the socket.
            Expr::Call(call)
                if call.args.len() == 1
                    && call.args[0].spread.is_none()
                    && matches!(&call.callee, Callee::Expr(callee)
                        if matches!(&**callee, Expr::Ident(name) if matches!(&*name.sym, "markRaw" | "toRaw"))) =>
            {
                &call.args[0].expr
            }
            _ => return expr,
        }
    }
}

/// The name of a non-computed or string-literal member property.
pub fn member_name(prop: &MemberProp) -> Option<&str> {
    match prop {
        MemberProp::Ident(name) => Some(&name.sym),
        MemberProp::Computed(computed) => match strip(&computed.expr) {
            Expr::Lit(Lit::Str(text)) => text.value.as_str(),
            _ => None,
        },
        MemberProp::PrivateName(_) => None,
    }
}

/// The name of a member property as an atom, reusing the tree's own when it has one.
pub fn member_atom(prop: &MemberProp) -> Option<Atom> {
    match prop {
        MemberProp::Ident(name) => Some(name.sym.clone()),
        other => member_name(other).map(Atom::from),
    }
}

/// A property's name as an atom: the key's own for an identifier, interned otherwise.
pub fn prop_atom(key: &PropName) -> Option<Atom> {
    match key {
        PropName::Ident(name) => Some(name.sym.clone()),
        other => prop_name(other).map(Atom::from),
    }
}

pub fn prop_name(key: &PropName) -> Option<&str> {
    match key {
        PropName::Ident(name) => Some(&name.sym),
        PropName::Str(text) => text.value.as_str(),
        _ => None,
    }
}

/// A string's value when the expression is a literal string or a template without holes.
pub fn literal_string(expr: &Expr) -> Option<&str> {
    match strip(expr) {
        Expr::Lit(Lit::Str(text)) => text.value.as_str(),
        Expr::Tpl(tpl) if tpl.exprs.is_empty() && tpl.quasis.len() == 1 => tpl.quasis[0]
            .cooked
            .as_ref()
            .and_then(|cooked| cooked.as_str()),
        _ => None,
    }
}

/// The value of a function body made of declarations and expression statements that
/// ends in a `return` with a value: no other statement can return.
pub fn only_return(statements: &[Stmt]) -> Option<&Expr> {
    let (last, before) = statements.split_last()?;
    let Stmt::Return(ReturnStmt {
        arg: Some(value), ..
    }) = last
    else {
        return None;
    };
    before
        .iter()
        .all(|statement| matches!(statement, Stmt::Decl(Decl::Var(_)) | Stmt::Expr(_)))
        .then_some(&**value)
}

/// `require("module")`: the module name.
pub fn required_module(call: &CallExpr) -> Option<&str> {
    let Callee::Expr(callee) = &call.callee else {
        return None;
    };
    match strip(callee) {
        Expr::Ident(ident) if &*ident.sym == "require" => literal_string(&call.args.first()?.expr),
        _ => None,
    }
}

/// A member expression seen through optional chaining (`a?.b`).
pub fn as_member(expr: &Expr) -> Option<&MemberExpr> {
    match strip(expr) {
        Expr::Member(member) => Some(member),
        Expr::OptChain(chain) => match &*chain.base {
            OptChainBase::Member(member) => Some(member),
            OptChainBase::Call(_) => None,
        },
        _ => None,
    }
}

/// A call seen through optional chaining: its callee and arguments.
pub fn as_call(expr: &Expr) -> Option<(&Expr, &[ExprOrSpread])> {
    match strip(expr) {
        Expr::Call(call) => match &call.callee {
            Callee::Expr(callee) => Some((callee, &call.args)),
            _ => None,
        },
        Expr::OptChain(chain) => match &*chain.base {
            OptChainBase::Call(call) => Some((&call.callee, &call.args)),
            OptChainBase::Member(_) => None,
        },
        _ => None,
    }
}

impl<'a> Bindings<'a> {
    pub fn is_global(&self, ident: &Ident) -> bool {
        self.scopes.is_global(ident)
    }

    /// The binding `ident` names (or the global, when none does).
    pub fn id(&self, ident: &Ident) -> Id {
        self.scopes.id(ident)
    }

    /// The binding `ident` names, unless it names a global.
    pub fn binding_id(&self, ident: &Ident) -> Option<Id> {
        self.scopes.binding_id(ident)
    }

    pub fn new(scopes: super::scopes::Scopes) -> Self {
        Bindings {
            scopes,
            ..Bindings::default()
        }
    }

    /// The module a binding comes from: `import … from "m"`, `const x = require("m")`
    /// or `const x = require("m").member`.
    pub fn module_of(&self, ident: &Ident) -> Option<&str> {
        let binding = self.binding(&self.id(ident))?;
        match &binding.kind {
            BindingKind::Import { source, .. } => Some(source),
            _ => match strip(binding.init()?) {
                Expr::Call(call) => required_module(call),
                Expr::Member(member) => match strip(&member.obj) {
                    Expr::Call(call) => required_module(call),
                    _ => None,
                },
                _ => None,
            },
        }
    }

    /// The `id` of the frame whose window `receiver` is, when the page's markup must
    /// say what that frame is: `document.getElementById("x").contentWindow` or
    /// `document.querySelector("#x").contentWindow`, directly or through names that
    /// only ever hold that element or that window.
    pub fn frame_element_id(&self, receiver: &Expr) -> Option<String> {
        self.frame_window_id(receiver, 0)
    }

    fn frame_window_id(&self, expr: &Expr, depth: u32) -> Option<String> {
        if depth > MAX_DEPTH {
            return None;
        }
        if let Some(member) = as_member(expr) {
            return match member_name(&member.prop) {
                Some("contentWindow") => self.element_id(&member.obj, depth + 1),
                _ => None,
            };
        }
        self.through_values(expr, depth, |this, value, depth| {
            this.frame_window_id(value, depth)
        })
    }

    /// `document.getElementById("x")` or `document.querySelector("#x")`: `x`.
    fn element_id(&self, expr: &Expr, depth: u32) -> Option<String> {
        if depth > MAX_DEPTH {
            return None;
        }
        if let Some((callee, args)) = as_call(expr) {
            let member = as_member(callee)?;
            let is_document = match strip(&member.obj) {
                Expr::Ident(ident) => self.is_global(ident) && &*ident.sym == "document",
                other => as_member(other).is_some_and(|inner| {
                    member_name(&inner.prop) == Some("document")
                        && matches!(strip(&inner.obj), Expr::Ident(window)
                            if self.is_global(window) && &*window.sym == "window")
                }),
            };
            let [argument] = args else {
                return None;
            };
            if !is_document || argument.spread.is_some() {
                return None;
            }
            let text = literal_string(&argument.expr)?;
            let id = match member_name(&member.prop)? {
                "getElementById" => text,
                "querySelector" => text.strip_prefix('#').filter(|id| {
                    id.bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
                })?,
                _ => return None,
            };
            return (!id.is_empty()).then(|| id.to_string());
        }
        self.through_values(expr, depth, |this, value, depth| {
            this.element_id(value, depth)
        })
    }

    /// What `find` gives for every value a name holds, when it gives the same for all.
    fn through_values(
        &self,
        expr: &Expr,
        depth: u32,
        find: impl Fn(&Self, &Expr, u32) -> Option<String>,
    ) -> Option<String> {
        let Expr::Ident(ident) = strip(expr) else {
            return None;
        };
        if self.is_global(ident) {
            return None;
        }
        let binding = self.binding_of(ident)?;
        let values = self.known_values(binding)?;
        let mut found: Option<String> = None;
        for value in values {
            let id = find(self, value, depth + 1)?;
            if found.as_ref().is_some_and(|other| *other != id) {
                return None;
            }
            found = Some(id);
        }
        found
    }

    /// The strings a name may hold, when every value it is given is a string literal or a
    /// conditional between them (`var add = window.addEventListener ? "addEventListener"
    /// : "attachEvent"`); `None` when any of them is something else.
    pub fn string_values(&self, ident: &Ident) -> Option<Vec<&'a str>> {
        fn strings<'e>(expr: &'e Expr, out: &mut Vec<&'e str>) -> bool {
            match strip(expr) {
                Expr::Cond(cond) => strings(&cond.cons, out) && strings(&cond.alt, out),
                other => match literal_string(other) {
                    Some(text) => {
                        out.push(text);
                        true
                    }
                    None => false,
                },
            }
        }
        let binding = self.binding(&self.binding_id(ident)?)?;
        let values = self.known_values(binding)?;
        let mut out = Vec::new();
        values
            .into_iter()
            .all(|value| strings(value, &mut out))
            .then_some(out)
    }

    /// The global `expr` names, directly or through names that only ever hold it: the
    /// parameter of a wrapper `(function (self) { … })(self)`, `const root = globalThis`.
    pub fn global_alias(&self, expr: &Expr) -> Option<Atom> {
        let mut expr = strip(expr);
        for _ in 0..MAX_DEPTH {
            let Expr::Ident(ident) = expr else {
                return None;
            };
            if self.is_global(ident) {
                return Some(ident.sym.clone());
            }
            let binding = self.binding_of(ident)?;
            let values = self.known_values(binding)?;
            let [value] = values.as_slice() else {
                return None;
            };
            expr = strip(value);
            // A script's top-level `this`: the page's window, or a worker's global scope.
            if let Expr::This(this) = expr
                && self.global_this.contains(&this.span.lo.0)
            {
                return Some(Atom::from("globalThis"));
            }
        }
        None
    }

    fn binding_of(&self, ident: &Ident) -> Option<&Binding<'_>> {
        self.binding(&self.binding_id(ident)?)
    }

    /// What the walk learned about the binding `id`.
    pub fn binding(&self, id: &Id) -> Option<&Binding<'a>> {
        let index = self.data_index(id)?;
        Some(&self.data[index as usize])
    }

    /// The values a variable's binding may hold, or `None` when any of them is unknown.
    fn known_values(&self, binding: &Binding<'a>) -> Option<Vec<&'a Expr>> {
        if !matches!(
            binding.kind,
            BindingKind::Const | BindingKind::Let | BindingKind::Var
        ) {
            return None;
        }
        binding.known_values()
    }

    /// The values the file assigns to `this.<field>`.
    pub fn this_field_values(&self, field: &str) -> Option<&Vec<Option<&'a Expr>>> {
        self.this_fields.get(&Atom::from(field))
    }

    /// The values the file assigns to `<id>.<field>`.
    pub fn member_values(&self, id: Id, field: &str) -> Option<&Vec<Option<&'a Expr>>> {
        self.member_assignments.get(&(id, Atom::from(field)))
    }

    /// The function the binding `id` names (see [`Self::function_of`]).
    pub fn function_named(&self, id: &Id) -> Option<Span> {
        self.function_of.get(id).copied()
    }

    /// What calling the same-file function `callee` with no arguments returns, when its
    /// body is plain statements ending in its one `return`: a function declaration, or a
    /// `const` bound to an arrow or a function expression.
    pub fn returned_value(&self, callee: &Ident) -> Option<&'a Expr> {
        let id = self.binding_id(callee)?;
        let binding = self.binding(&id)?;
        match binding.kind {
            BindingKind::Function => self.returns.get(&id).copied(),
            BindingKind::Const => match strip(binding.init()?) {
                Expr::Arrow(arrow) => match &*arrow.body {
                    ArrowFunctionBody::Expr(body) => Some(body),
                    ArrowFunctionBody::FunctionBody(block) => only_return(&block.stmts),
                },
                Expr::Fn(function) => only_return(&function.function.body.as_ref()?.stmts),
                _ => None,
            },
            _ => None,
        }
    }

    /// Whether `postMessage` on an object made by `new <callee>(…)` is a method of a
    /// class of this file.
    fn constructs_own_post_message(&self, callee: &Expr) -> bool {
        let Expr::Ident(callee) = strip(callee) else {
            return false;
        };
        self.binding_id(callee)
            .and_then(|id| self.class_of.get(&id).copied())
            .is_some_and(|class| self.class_defines_post_message(class))
    }

    /// Whether the class starting at `class`, or a class of this file it extends,
    /// defines `postMessage`.
    pub fn class_defines_post_message(&self, mut class: u32) -> bool {
        for _ in 0..MAX_DEPTH {
            if self.class_method(class, "postMessage").is_some() {
                return true;
            }
            match self
                .class_extends
                .get(&class)
                .and_then(|parent| self.class_of.get(parent))
            {
                Some(&parent) => class = parent,
                None => return false,
            }
        }
        false
    }

    /// The method or function-valued field `name` of the class starting at `class`.
    pub fn class_method(&self, class: u32, name: &str) -> Option<Span> {
        self.class_methods.get(&(class, Atom::from(name))).copied()
    }

    /// The method `name` of the object literal bound to `id`, or a function assigned to
    /// `<id>.<name>`.
    pub fn object_method(&self, id: Id, name: &str) -> Option<Span> {
        self.object_methods.get(&(id, Atom::from(name))).copied()
    }

    pub fn binding_mut(&mut self, id: &Id) -> Option<&mut Binding<'a>> {
        let index = self.data_index(id)?;
        Some(&mut self.data[index as usize])
    }

    /// Keeps `binding` as the data of `id`, in place of any earlier declaration's.
    pub fn insert_binding(&mut self, id: &Id, binding: Binding<'a>) {
        let index = self.data.len() as u32;
        self.data.push(binding);
        let in_tree = match &mut self.scopes {
            super::scopes::Scopes::Tree(tree) => tree.set_data(&id.0, id.1, index),
            super::scopes::Scopes::Resolved { .. } => false,
        };
        if !in_tree {
            self.data_elsewhere.insert(id.clone(), index);
        }
    }

    fn data_index(&self, id: &Id) -> Option<u32> {
        let in_tree = match &self.scopes {
            super::scopes::Scopes::Tree(tree) => tree.data(&id.0, id.1),
            super::scopes::Scopes::Resolved { .. } => None,
        };
        in_tree.or_else(|| self.data_elsewhere.get(id).copied())
    }

    /// What window, if any, `expr` designates as a `postMessage` receiver.
    pub fn classify_target(&self, expr: &Expr) -> Target {
        self.target_of(expr, 0)
    }

    fn target_of(&self, expr: &Expr, depth: u32) -> Target {
        if depth > MAX_DEPTH {
            return Target::Unknown;
        }
        let expr = strip(expr);
        if let Some(member) = as_member(expr) {
            return self.member_target(member, depth);
        }
        if let Some((callee, _)) = as_call(expr) {
            return self.call_target(callee, depth);
        }
        match expr {
            Expr::Ident(ident) => self.ident_target(ident, depth),
            Expr::This(this) if self.global_this.contains(&this.span.lo.0) => Target::CurrentWindow,
            Expr::This(_) => Target::Unknown,
            // An object of this file's own with a `postMessage` of its own.
            Expr::New(new) if self.constructs_own_post_message(&new.callee) => {
                Target::NotAWindow(OWN_POST_MESSAGE)
            }
            Expr::Object(object) if defines_post_message(object) => {
                Target::NotAWindow(OWN_POST_MESSAGE)
            }
            Expr::New(new) => match strip(&new.callee) {
                Expr::Ident(callee) => match &*callee.sym {
                    "Worker" | "SharedWorker" => Target::NotAWindow("a worker"),
                    "BroadcastChannel" => Target::NotAWindow("a BroadcastChannel"),
                    "MessageChannel" => Target::NotAWindow("a MessageChannel"),
                    _ => Target::Unknown,
                },
                _ => Target::Unknown,
            },
            Expr::Await(inner) => self.target_of(&inner.arg, depth + 1),
            Expr::Assign(assign) => self.target_of(&assign.right, depth + 1),
            Expr::Seq(seq) => seq
                .exprs
                .last()
                .map_or(Target::Unknown, |last| self.target_of(last, depth + 1)),
            Expr::Cond(cond) => union_targets([
                self.target_of(&cond.cons, depth + 1),
                self.target_of(&cond.alt, depth + 1),
            ]),
            Expr::Bin(bin)
                if matches!(
                    bin.op,
                    BinaryOp::LogicalOr | BinaryOp::NullishCoalescing | BinaryOp::LogicalAnd
                ) =>
            {
                let right = self.target_of(&bin.right, depth + 1);
                if bin.op == BinaryOp::LogicalAnd {
                    right
                } else {
                    union_targets([self.target_of(&bin.left, depth + 1), right])
                }
            }
            _ => Target::Unknown,
        }
    }

    fn ident_target(&self, ident: &Ident, depth: u32) -> Target {
        if self.is_global(ident) {
            return match &*ident.sym {
                "window" | "self" | "globalThis" => Target::CurrentWindow,
                "parent" => Target::OtherWindow(WindowKind::Parent),
                "top" => Target::OtherWindow(WindowKind::Top),
                "opener" => Target::OtherWindow(WindowKind::Opener),
                "ReactNativeWebView" => Target::NotAWindow("a React Native WebView bridge"),
                "parentPort" => Target::NotAWindow("a worker_threads port"),
                _ => Target::Unknown,
            };
        }
        let Some(binding) = self.binding_of(ident) else {
            return Target::Unknown;
        };
        // `const stub = { postMessage() {} }`, `api.postMessage = function …`
        if self.object_method(self.id(ident), "postMessage").is_some() {
            return Target::NotAWindow(OWN_POST_MESSAGE);
        }
        if let BindingKind::Import { source, imported } = &binding.kind {
            return match (&**source, &**imported) {
                ("worker_threads" | "node:worker_threads", _) => {
                    Target::NotAWindow("a worker_threads port or worker")
                }
                _ => Target::Unknown,
            };
        }
        match self.known_values(binding) {
            Some(values) => union_targets(
                values
                    .into_iter()
                    .map(|value| self.target_of(value, depth + 1)),
            ),
            None => Target::Unknown,
        }
    }

    fn member_target(&self, member: &MemberExpr, depth: u32) -> Target {
        let name = member_name(&member.prop);
        let object = || self.target_of(&member.obj, depth + 1);
        match name {
            Some("parent") | Some("top") | Some("opener") => match object() {
                Target::CurrentWindow | Target::OtherWindow(_) => Target::OtherWindow(match name {
                    Some("parent") => WindowKind::Parent,
                    Some("top") => WindowKind::Top,
                    _ => WindowKind::Opener,
                }),
                _ => Target::Unknown,
            },
            Some("window") | Some("self") | Some("globalThis") => match object() {
                Target::CurrentWindow => Target::CurrentWindow,
                Target::OtherWindow(kind) => Target::OtherWindow(kind),
                _ => Target::Unknown,
            },
            Some("contentWindow") => Target::OtherWindow(WindowKind::IframeContent),
            Some("source") => Target::OtherWindow(WindowKind::EventSource),
            Some("port") | Some("port1") | Some("port2") => Target::NotAWindow("a MessagePort"),
            Some("controller") | Some("active") | Some("waiting") | Some("installing") => {
                Target::NotAWindow("a service worker")
            }
            Some("ReactNativeWebView") => Target::NotAWindow("a React Native WebView bridge"),
            _ if self.is_native_bridge(member) => Target::NotAWindow("a native message handler"),
            _ if self.is_frames_index(member) => Target::OtherWindow(WindowKind::Frame),
            Some(field) => self.field_target(member, field, depth),
            None => Target::Unknown,
        }
    }

    /// `webkit.messageHandlers.name` and `window.webkit.messageHandlers.name`.
    fn is_native_bridge(&self, member: &MemberExpr) -> bool {
        as_member(&member.obj)
            .is_some_and(|inner| member_name(&inner.prop) == Some("messageHandlers"))
    }

    /// `frames[i]` and `window.frames[i]`.
    fn is_frames_index(&self, member: &MemberExpr) -> bool {
        if !matches!(member.prop, MemberProp::Computed(_)) {
            return false;
        }
        match strip(&member.obj) {
            Expr::Ident(ident) => self.is_global(ident) && &*ident.sym == "frames",
            other => as_member(other).is_some_and(|inner| {
                member_name(&inner.prop) == Some("frames")
                    && self.target_of(&inner.obj, MAX_DEPTH) == Target::CurrentWindow
            }),
        }
    }

    /// `this.popup` or `state.frame`: the values the file assigns to that field.
    fn field_target(&self, member: &MemberExpr, field: &str, depth: u32) -> Target {
        let assigned = match strip(&member.obj) {
            Expr::This(_) => self.this_field_values(field),
            Expr::Ident(object) => match self.binding_id(object) {
                Some(id) => {
                    if let Some(value) = self.object_literal_field(object, field) {
                        return self.target_of(value, depth + 1);
                    }
                    self.member_values(id, field)
                }
                None => None,
            },
            _ => None,
        };
        match assigned {
            Some(values) if values.iter().all(Option::is_some) => union_targets(
                values
                    .iter()
                    .flatten()
                    .map(|value| self.target_of(value, depth + 1)),
            ),
            _ => Target::Unknown,
        }
    }

    fn call_target(&self, callee: &Expr, depth: u32) -> Target {
        match strip(callee) {
            Expr::Ident(ident) if self.is_global(ident) => match &*ident.sym {
                "open" => Target::OtherWindow(WindowKind::Popup),
                "acquireVsCodeApi" => Target::NotAWindow("a VS Code webview API"),
                _ => Target::Unknown,
            },
            other => match as_member(other) {
                Some(member) => match member_name(&member.prop) {
                    Some("open") => match self.target_of(&member.obj, depth + 1) {
                        Target::CurrentWindow | Target::OtherWindow(_) => {
                            Target::OtherWindow(WindowKind::Popup)
                        }
                        _ => Target::Unknown,
                    },
                    Some("connect") | Some("connectNative") => {
                        Target::NotAWindow("an extension messaging port")
                    }
                    Some("get") | Some("matchAll") if self.is_clients(&member.obj) => {
                        Target::NotAWindow("a service worker client")
                    }
                    _ => Target::Unknown,
                },
                None => Target::Unknown,
            },
        }
    }

    fn is_clients(&self, expr: &Expr) -> bool {
        match strip(expr) {
            Expr::Ident(ident) => &*ident.sym == "clients",
            other => as_member(other).is_some_and(|m| member_name(&m.prop) == Some("clients")),
        }
    }

    /// `const CONFIG = { field: value }`: the value of `CONFIG.field`, unless the
    /// file assigns that field elsewhere.
    fn object_literal_field(&self, object: &Ident, field: &str) -> Option<&Expr> {
        let binding = self.binding_of(object)?;
        if binding.kind != BindingKind::Const
            || self.member_values(self.id(object), field).is_some()
        {
            return None;
        }
        match strip(binding.init()?) {
            Expr::Object(object) => object_property(object, field),
            _ => None,
        }
    }

    /// The module and name an imported binding stands for: `import { X } from "m"`,
    /// `import X from "m"` (`default`), `const { X } = require("m")`, and for a namespace
    /// (`import * as ns from "m"`, `const ns = require("m")`) `*`; also through a `const`
    /// that holds one (`const check = X`).
    pub fn import_of(&self, ident: &Ident) -> Option<(String, String)> {
        self.import_at(ident, 0)
    }

    fn import_at(&self, ident: &Ident, depth: u32) -> Option<(String, String)> {
        if depth > MAX_DEPTH {
            return None;
        }
        let binding = self.binding_of(ident)?;
        match &binding.kind {
            BindingKind::Import { source, imported } => {
                Some((source.to_string(), imported.to_string()))
            }
            BindingKind::Const => match strip(binding.init()?) {
                Expr::Call(call) => Some((required_module(call)?.to_string(), "*".into())),
                Expr::Member(member) => match strip(&member.obj) {
                    Expr::Call(call) => Some((
                        required_module(call)?.to_string(),
                        member_name(&member.prop)?.to_string(),
                    )),
                    _ => None,
                },
                Expr::Ident(held) => self.import_at(held, depth + 1),
                _ => None,
            },
            _ => None,
        }
    }

    /// The imported name an expression reads: `X` of `import { X }`, `ns.X` of a
    /// namespace (`import * as ns`, `const ns = require(…)`), or `field` of an imported
    /// object `X.field`; with how to name it in a message.
    /// Whether `expr` names something another module exports (`f`, `ns.f`, `obj.f`),
    /// answered by the link or not.
    pub fn is_imported(&self, expr: &Expr) -> bool {
        self.imported_name(expr).is_some()
    }

    fn imported_name(&self, expr: &Expr) -> Option<ImportedName> {
        // A name or field holding the separator of field paths would read as a path.
        self.imported_name_as_written(expr)
            .filter(|imported| imported.field_path().is_some())
    }

    fn imported_name_as_written(&self, expr: &Expr) -> Option<ImportedName> {
        match strip(expr) {
            Expr::Ident(ident) => {
                let (source, name) = self.import_of(ident)?;
                (name != "*").then(|| ImportedName {
                    source,
                    name,
                    fields: Vec::new(),
                    shown: ident.sym.to_string(),
                })
            }
            other => {
                // `ns.f`, `obj.f`, and deeper: `lib.checks.verify`, where a module passes a
                // namespace or an object on (the link follows the dotted name).
                let mut fields = Vec::new();
                let mut object = other;
                let root = loop {
                    let member = as_member(object)?;
                    if fields.len() == MAX_FIELD_DEPTH {
                        return None;
                    }
                    fields.push(member_name(&member.prop)?.to_string());
                    match strip(&member.obj) {
                        Expr::Ident(root) => break root,
                        inner => object = inner,
                    }
                };
                fields.reverse();
                let (source, name) = self.import_of(root)?;
                let shown = format!("{}.{}", root.sym, fields.join("."));
                // Of a namespace, the first field is the name the module exports.
                let name = if name == "*" { fields.remove(0) } else { name };
                Some(ImportedName {
                    source,
                    name,
                    fields,
                    shown,
                })
            }
        }
    }

    /// An imported constant (`TARGET`, `config.TARGET`, `ns.TARGET`), as the link pass
    /// found it in the module that defines it, with how to name it.
    pub fn imported_constant(
        &self,
        expr: &Expr,
    ) -> Option<(
        crate::modules::ConstValue,
        crate::modules::env::Imported,
        String,
    )> {
        let imported = self.imported_name(expr)?;
        let value_of = |name: &str, fields: &[String]| {
            let found = crate::modules::env::imported_for(
                &imported.source,
                name,
                crate::modules::env::Matters::VALUE,
            )?;
            let mut value = found.summary.value.as_ref()?;
            for field in fields {
                value = value.field(field)?;
            }
            Some((value.clone(), found))
        };
        let whole = value_of(&imported.name, &imported.fields);
        // A field of a namespace another module passes on (`config.TARGET` of
        // `export * as config from`) is a constant of its own there: asked by its dotted
        // name, which the link follows, and read further by value (`config.embed.url`);
        // through namespaces of namespaces, asked by the whole dotted name.
        let member = imported.fields.split_first().and_then(|(first, rest)| {
            let path = crate::modules::field_path(&imported.name, [first.as_str()])?;
            value_of(&path, rest)
        });
        let nested = imported
            .field_path()
            .filter(|_| imported.fields.len() > 1)
            .and_then(|path| value_of(&path, &[]));
        let passed_on = member.or(nested);
        let (value, found) = whole.or(passed_on)?;
        Some((value, found, imported.shown))
    }

    /// An imported function (`check(…)`, `ns.check(…)`, `lib.check(…)` of a
    /// `require`d module), as the link pass found it, with how to name it.
    pub fn imported_function(&self, callee: &Expr) -> Option<ImportedFunction> {
        self.imported_function_for(callee, crate::modules::env::Matters::ANYTHING)
    }

    /// [`Self::imported_function`] for a use that reads only what `matters` names, and
    /// makes of a function without it what it makes of an unknown one.
    pub fn imported_function_for(
        &self,
        callee: &Expr,
        matters: crate::modules::env::Matters,
    ) -> Option<ImportedFunction> {
        let Some(imported) = self.imported_name(callee) else {
            return self.imported_returned_function(callee, matters);
        };
        // A function of an imported object literal is exported as `object.field` (see
        // `crate::semantic::exports`).
        let name = imported.field_path()?;
        let found = crate::modules::env::imported_for(&imported.source, &name, matters)?;
        let function = found.summary.function.clone()?;
        Some((function, found, imported.shown))
    }

    /// A function destructured from what an imported function returns
    /// (`const { verify } = useEmbedMode()`, a composable of another module), as that
    /// module's summary of the returned object tells.
    fn imported_returned_function(
        &self,
        callee: &Expr,
        matters: crate::modules::env::Matters,
    ) -> Option<ImportedFunction> {
        let Expr::Ident(ident) = strip(callee) else {
            return None;
        };
        let (init, field) = self.destructured.get(&self.binding_id(ident)?)?;
        let (maker, _) = as_call(init)?;
        let imported = self.imported_name(maker)?;
        if !imported.fields.is_empty() {
            return None;
        }
        let found = crate::modules::env::imported_for(&imported.source, &imported.name, matters)?;
        let function = found
            .summary
            .function
            .as_ref()?
            .returned
            .iter()
            .find(|(name, _)| name == &**field)
            .map(|(_, function)| function.clone())?;
        let shown = format!("{}().{field}", imported.shown);
        Some((function, found, shown))
    }

    /// The string an expression holds, through `const`s and `const` object fields.
    pub fn resolve_string(&self, expr: &Expr) -> Option<String> {
        self.string_at(expr, 0)
    }

    fn string_at(&self, expr: &Expr, depth: u32) -> Option<String> {
        if depth > MAX_DEPTH {
            return None;
        }
        if let Some(text) = literal_string(expr) {
            return Some(text.to_string());
        }
        if let Some((value, _, _)) = self.imported_constant(expr) {
            return value.as_str().map(str::to_string);
        }
        match strip(expr) {
            Expr::Ident(ident) => {
                let binding = self.binding_of(ident)?;
                if binding.kind != BindingKind::Const {
                    return None;
                }
                self.string_at(binding.init()?, depth + 1)
            }
            other => {
                let member = as_member(other)?;
                let Expr::Ident(object) = strip(&member.obj) else {
                    return None;
                };
                let value = self.object_literal_field(object, member_name(&member.prop)?)?;
                self.string_at(value, depth + 1)
            }
        }
    }

    /// Whether `origin` may evaluate to the wildcard `"*"`, and where that comes from.
    /// A `"*"` chosen only under the `file:` protocol, where no origin exists, does not count.
    pub fn wildcard_origin(&self, origin: &Expr) -> Option<WildcardOrigin> {
        self.wildcard_of(origin, 0)
    }

    /// The target origin of `postMessage(message, options)`: `options.targetOrigin`.
    pub fn options_target_origin<'e>(&'e self, options: &'e Expr) -> Option<&'e Expr> {
        crate::stack::ensure_room();
        match strip(options) {
            Expr::Object(object) => object_property(object, "targetOrigin"),
            Expr::Ident(ident) => {
                let init = self.binding_of(ident)?.init()?;
                if matches!(strip(init), Expr::Object(_)) {
                    self.options_target_origin(init)
                } else {
                    None
                }
            }
            _ => None,
        }
    }

    fn wildcard_of(&self, expr: &Expr, depth: u32) -> Option<WildcardOrigin> {
        if depth > MAX_DEPTH {
            return None;
        }
        let expr = strip(expr);
        if literal_string(expr) == Some("*") {
            return Some(WildcardOrigin {
                literal: span_range(expr.span()),
                trail: Vec::new(),
                known_origin: None,
            });
        }
        if let Some((value, found, shown)) = self.imported_constant(expr) {
            if value.as_str() != Some("*") {
                return None;
            }
            return Some(WildcardOrigin {
                literal: span_range(expr.span()),
                trail: vec![Label::elsewhere(
                    &found.path,
                    found.summary.line,
                    format!("`{shown}` is defined as \"*\" here"),
                )],
                known_origin: None,
            });
        }
        match expr {
            Expr::Ident(ident) => self.ident_wildcard(ident, depth),
            Expr::Bin(bin)
                if matches!(
                    bin.op,
                    BinaryOp::LogicalOr | BinaryOp::NullishCoalescing | BinaryOp::LogicalAnd
                ) =>
            {
                if let Some(found) = self.wildcard_of(&bin.right, depth + 1) {
                    let fallback = match bin.op {
                        BinaryOp::LogicalOr => {
                            "`||` falls back to \"*\" when the left side is empty"
                        }
                        BinaryOp::NullishCoalescing => {
                            "`??` falls back to \"*\" when the left side is missing"
                        }
                        _ => "evaluates to \"*\" when the left side is truthy",
                    };
                    return Some(found.through(span_range(bin.span), fallback));
                }
                if bin.op == BinaryOp::LogicalAnd {
                    None
                } else {
                    self.wildcard_of(&bin.left, depth + 1)
                }
            }
            Expr::Cond(cond) => {
                let test = self.file_protocol_test(&cond.test);
                let cons = (test != Some(FileProtocolTest::WhenFile))
                    .then(|| self.wildcard_of(&cond.cons, depth + 1))
                    .flatten();
                cons.or_else(|| {
                    (test != Some(FileProtocolTest::WhenNotFile))
                        .then(|| self.wildcard_of(&cond.alt, depth + 1))
                        .flatten()
                })
            }
            Expr::Assign(assign) if assign.op == AssignOp::Assign => {
                self.wildcard_of(&assign.right, depth + 1)
            }
            Expr::Seq(seq) => self.wildcard_of(seq.exprs.last()?, depth + 1),
            _ => {
                let member = as_member(expr)?;
                let Expr::Ident(object) = strip(&member.obj) else {
                    return None;
                };
                let field = member_name(&member.prop)?;
                let value = self.object_literal_field(object, field)?;
                let found = self.wildcard_of(value, depth + 1)?;
                Some(found.through(
                    span_range(value.span()),
                    format!("`{}.{field}` is \"*\"", object.sym),
                ))
            }
        }
    }

    fn ident_wildcard(&self, ident: &Ident, depth: u32) -> Option<WildcardOrigin> {
        let binding = self.binding_of(ident)?;
        if binding.kind == BindingKind::Parameter {
            // A default value is used whenever a caller leaves the argument out.
            let default = binding.init()?;
            let found = self.wildcard_of(default, depth + 1)?;
            return Some(found.through(
                binding.span.clone(),
                format!("parameter `{}` defaults to \"*\"", ident.sym),
            ));
        }
        for value in self.known_values(binding).unwrap_or_default() {
            if let Some(found) = self.wildcard_of(value, depth + 1) {
                return Some(
                    found.through(binding.span.clone(), format!("`{}` holds \"*\"", ident.sym)),
                );
            }
        }
        None
    }

    /// Recognises `location.protocol === "file:"` and its negations, directly or through a `const`.
    pub fn file_protocol_test(&self, test: &Expr) -> Option<FileProtocolTest> {
        self.file_test_of(test, 0)
    }

    fn file_test_of(&self, test: &Expr, depth: u32) -> Option<FileProtocolTest> {
        if depth > MAX_DEPTH {
            return None;
        }
        match strip(test) {
            Expr::Unary(unary) if unary.op == UnaryOp::Bang => self
                .file_test_of(&unary.arg, depth + 1)
                .map(FileProtocolTest::negate),
            Expr::Bin(bin) => {
                let equal = match bin.op {
                    BinaryOp::EqEqEq | BinaryOp::EqEq => true,
                    BinaryOp::NotEqEq | BinaryOp::NotEq => false,
                    _ => return None,
                };
                let is_protocol = |e: &Expr| {
                    as_member(e).is_some_and(|m| member_name(&m.prop) == Some("protocol"))
                };
                let is_file = |e: &Expr| literal_string(e) == Some("file:");
                // `process.env.NODE_ENV === "test"`
                let is_node_env = |e: &Expr| {
                    as_member(e).is_some_and(|m| member_name(&m.prop) == Some("NODE_ENV"))
                };
                let is_test = |e: &Expr| literal_string(e) == Some("test");
                if (is_node_env(&bin.left) && is_test(&bin.right))
                    || (is_test(&bin.left) && is_node_env(&bin.right))
                {
                    return Some(if equal {
                        FileProtocolTest::WhenFile
                    } else {
                        FileProtocolTest::WhenNotFile
                    });
                }
                // `origin === "null"`: the recipient's origin is opaque (a sandboxed frame, a
                // `file:` or `data:` page) and cannot be named, so "*" is the only target
                // that reaches it, as on a `file:` page.
                let is_opaque = |e: &Expr| literal_string(e) == Some("null");
                let matches = (is_protocol(&bin.left) && is_file(&bin.right))
                    || (is_file(&bin.left) && is_protocol(&bin.right))
                    || is_opaque(&bin.left)
                    || is_opaque(&bin.right);
                matches.then_some(if equal {
                    FileProtocolTest::WhenFile
                } else {
                    FileProtocolTest::WhenNotFile
                })
            }
            // A flag whose name says the code runs under tests (`isDomTests`, `__TEST__`,
            // `config.isTest`): like a `file:` page, not where the shipped code posts.
            Expr::Ident(ident) if names_tests(&ident.sym) => Some(FileProtocolTest::WhenFile),
            Expr::Member(member) if member_name(&member.prop).is_some_and(names_tests) => {
                Some(FileProtocolTest::WhenFile)
            }
            Expr::Ident(ident) => {
                let binding = self.binding_of(ident)?;
                if binding.kind != BindingKind::Const {
                    return None;
                }
                self.file_test_of(binding.init()?, depth + 1)
            }
            other => {
                let (callee, args) = as_call(other)?;
                let method = as_member(callee)?;
                let prefix = args.first().and_then(|arg| literal_string(&arg.expr))?;
                let on_location_text = as_member(&method.obj).is_some_and(|m| {
                    matches!(member_name(&m.prop), Some("protocol" | "href" | "origin"))
                });
                (member_name(&method.prop) == Some("startsWith")
                    && on_location_text
                    && (prefix == "file:" || prefix == "file"))
                    .then_some(FileProtocolTest::WhenFile)
            }
        }
    }
}

impl<'a> Bindings<'a> {
    /// The origin of the page the window `receiver` holds was opened or framed with: a
    /// `window.open(URL)` (bare `open(URL)`, `window.open(URL).postMessage`), or a frame's
    /// `contentWindow` whose `src` this file assigns (`frame.src = URL`), through bindings
    /// whose values are all known. `None` unless every URL it may hold is a static absolute
    /// `https:` or `http:` URL and all share one origin.
    pub fn window_origin(&self, receiver: &Expr) -> Option<String> {
        let mut urls = Vec::new();
        self.window_urls(receiver, 0, &mut urls)?;
        let mut origins = urls.iter().map(|url| origin_of(url));
        let first = origins.next()??;
        origins
            .all(|origin| origin.as_deref() == Some(first.as_str()))
            .then_some(first)
    }

    fn window_urls(&self, expr: &Expr, depth: u32, urls: &mut Vec<String>) -> Option<()> {
        if depth > MAX_DEPTH {
            return None;
        }
        let expr = strip(expr);
        if let Some((callee, args)) = as_call(expr) {
            let opens = match strip(callee) {
                Expr::Ident(ident) => self.is_global(ident) && &*ident.sym == "open",
                other => as_member(other).is_some_and(|member| {
                    member_name(&member.prop) == Some("open")
                        && self.target_of(&member.obj, depth + 1) == Target::CurrentWindow
                }),
            };
            let first = args
                .first()
                .filter(|first| first.spread.is_none() && opens)?;
            urls.push(self.resolve_string(&first.expr)?);
            return Some(());
        }
        match expr {
            Expr::Ident(ident) if !self.is_global(ident) => {
                let binding = self.binding_of(ident)?;
                for value in self.known_values(binding)? {
                    self.window_urls(value, depth + 1, urls)?;
                }
                Some(())
            }
            Expr::Await(inner) => self.window_urls(&inner.arg, depth + 1, urls),
            Expr::Assign(assign) => self.window_urls(&assign.right, depth + 1, urls),
            other => {
                let member = as_member(other)?;
                if member_name(&member.prop) != Some("contentWindow") {
                    return None;
                }
                let Expr::Ident(frame) = strip(&member.obj) else {
                    return None;
                };
                let id = self.binding_id(frame)?;
                let sources = self.member_values(id, "src")?;
                for source in sources {
                    urls.push(self.resolve_string((*source)?)?);
                }
                Some(())
            }
        }
    }
}

/// The origin of an absolute `https:` or `http:` URL, as browsers serialize it
/// (`https://pay.example.com`: lower case, without a default port, user name or
/// path); `None` for anything else or anything unusual in its host.
pub fn origin_of(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    let default_port: u16 = match scheme.as_str() {
        "https" => 443,
        "http" => 80,
        _ => return None,
    };
    // Browsers end the authority of an http(s) URL at a backslash too.
    let authority = &rest[..rest.find(['/', '\\', '?', '#']).unwrap_or(rest.len())];
    let host_port = authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host);
    let (host, port) = match host_port.rsplit_once(':') {
        Some((host, _)) if !host.ends_with(']') && host.contains(':') => (host_port, ""),
        Some((host, port)) => (host, port),
        None => (host_port, ""),
    };
    let host_ok = !host.is_empty()
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '[' | ']' | ':'));
    // An empty port is the default one; `0443` is 443.
    let port = match port {
        "" => default_port,
        digits if digits.chars().all(|c| c.is_ascii_digit()) => digits.parse().ok()?,
        _ => return None,
    };
    if !host_ok {
        return None;
    }
    let host = host.to_ascii_lowercase();
    Some(if port == default_port {
        format!("{scheme}://{host}")
    } else {
        format!("{scheme}://{host}:{port}")
    })
}

impl WildcardOrigin {
    fn through(mut self, span: Range<usize>, message: impl Into<String>) -> Self {
        self.trail.insert(0, Label::new(span, message));
        self
    }
}

/// The value of the property `field` of an object literal: the last one written, as at
/// run time, unless a spread follows it.
pub fn object_property<'e>(object: &'e ObjectLit, field: &str) -> Option<&'e Expr> {
    // The last property wins, as at run time; a spread after it makes the value unknown.
    let mut found = None;
    for prop in &object.props {
        match prop {
            PropOrSpread::Spread(_) => found = None,
            PropOrSpread::Prop(prop) => match &**prop {
                Prop::KeyValue(pair) if prop_name(&pair.key) == Some(field) => {
                    found = Some(&*pair.value)
                }
                _ => {}
            },
        }
    }
    found
}

/// Whether a name says the code runs under tests: one of its words (split at `_` and at
/// lower-to-upper case changes) is `test`, `tests` or `testing` (`isDomTests`, `__TEST__`,
/// `IN_TESTING`), not a word that only starts so (`isTestnet`, `latest`), and none is a
/// word of A/B testing (`abTest`, `splitTest`, `testGroup`, `TEST_VARIANT`), which runs in
/// production.
fn names_tests(name: &str) -> bool {
    let mut words: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut previous_lower = false;
    for c in name.chars() {
        if c == '_' || c == '$' || c.is_ascii_digit() {
            words.push(std::mem::take(&mut current));
            previous_lower = false;
            continue;
        }
        if c.is_ascii_uppercase() && previous_lower {
            words.push(std::mem::take(&mut current));
        }
        previous_lower = c.is_ascii_lowercase();
        current.push(c.to_ascii_lowercase());
    }
    words.push(current);
    let experiment = words.iter().any(|word| {
        matches!(
            word.as_str(),
            "ab" | "split"
                | "variant"
                | "variants"
                | "group"
                | "bucket"
                | "cohort"
                | "experiment"
                | "experiments"
        )
    });
    !experiment
        && words
            .iter()
            .any(|word| matches!(word.as_str(), "test" | "tests" | "testing"))
}

/// The receiver kind when any of several values may reach it: another window
/// wins, since the message may go there.
fn union_targets(targets: impl IntoIterator<Item = Target>) -> Target {
    let mut result: Option<Target> = None;
    for target in targets {
        result = Some(match (result, target) {
            (None, target) => target,
            (Some(Target::OtherWindow(kind)), _) | (_, Target::OtherWindow(kind)) => {
                Target::OtherWindow(kind)
            }
            (Some(a), b) if a == b => a,
            (Some(Target::NotAWindow(a)), Target::NotAWindow(_)) => Target::NotAWindow(a),
            _ => Target::Unknown,
        });
    }
    result.unwrap_or(Target::Unknown)
}

#[cfg(test)]
mod origin_tests {
    use super::origin_of;

    #[test]
    fn origins_are_serialized_as_browsers_do_and_unusual_urls_have_none() {
        for (url, origin) in [
            (
                "https://pay.example.com/checkout?x=1",
                Some("https://pay.example.com"),
            ),
            (
                "HTTPS://Pay.Example.COM:443/",
                Some("https://pay.example.com"),
            ),
            ("http://localhost:8080", Some("http://localhost:8080")),
            ("http://a.example:80/x", Some("http://a.example")),
            ("https://a.example:0443/", Some("https://a.example")),
            ("https://a.example:/", Some("https://a.example")),
            (
                "https://user:pw@pay.example.com/",
                Some("https://pay.example.com"),
            ),
            (
                "https://evil.example\\@pay.example.com/",
                Some("https://evil.example"),
            ),
            ("https://[::1]:8443/x", Some("https://[::1]:8443")),
            ("/relative/path", None),
            ("//pay.example.com/x", None),
            ("ftp://files.example.com/", None),
            ("https://pay.example.com:99999/", None),
            ("https://pay%2eexample.com/", None),
            ("https:///x", None),
        ] {
            assert_eq!(origin_of(url).as_deref(), origin, "{url}");
        }
    }
}
