//! Where a socket goes once it is made: the other names the file keeps it under, and
//! whether it reaches code the file cannot see.
//!
//! A socket stays in the file while it is kept in the file's variables, `this` fields and
//! own objects (`let old = this.socket`, `this.ws = socket`, `socketRef.current = ws`),
//! in an object literal the file keeps so (`this.state = { socket }`, `const conn = { ws
//! }`), passed to the file's own functions (their parameter then names it too), returned
//! to callers in the file that keep it, logged, or settles a promise. It is handed off
//! when it reaches a function or constructor the file does not define (imported, global,
//! a library's, a parameter), a property of a global, an import or a structure under
//! `this` (`window.socket`, a store, `this.pool[id]`), an object literal the file does
//! not keep (an argument, a return value), an array literal, a JSX attribute, or callers
//! the file does not have; code there may reopen it.

use std::cell::RefCell;

use rustc_hash::FxHashMap;
use swc_atoms::Atom;
use swc_common::Span;
use swc_ecma_ast::*;
use swc_ecma_visit::{Visit, VisitWith};

use super::handlers::{Body, resolve_function, with_function};
use super::sockets::{Holder, RawSockets, declared_field, this_field, this_key};
use super::values::{BindingKind, Bindings, member_atom, strip};

/// How many names one socket may be followed under.
const MAX_HOLDERS: usize = 64;

/// How deep `shared` follows objects stored in other objects.
const MAX_SHARED_DEPTH: u32 = 4;

/// What may name a holder, as written: a name, `this.<field>` or `<name>.<field>`.
#[derive(Debug, Clone, Copy)]
pub enum HolderRef<'a> {
    Name(&'a Ident),
    ThisField(&'a MemberExpr),
    Field(&'a MemberExpr),
    /// `socket` in `const { socket } = this`: `this.socket`.
    ThisKey(&'a Ident),
    /// `<call>.<field>`: a key of a store's state when the call reads one (`get().ws`).
    Store(&'a MemberExpr),
}

impl<'a> HolderRef<'a> {
    pub fn of(expr: &'a Expr) -> Option<HolderRef<'a>> {
        match strip(expr) {
            Expr::Ident(ident) => Some(HolderRef::Name(ident)),
            Expr::Member(member) if matches!(strip(&member.obj), Expr::This(_)) => {
                Some(HolderRef::ThisField(member))
            }
            Expr::Member(member) if matches!(strip(&member.obj), Expr::Ident(_)) => {
                Some(HolderRef::Field(member))
            }
            Expr::Member(member) if matches!(strip(&member.obj), Expr::Call(_)) => {
                Some(HolderRef::Store(member))
            }
            _ => None,
        }
    }

    fn name(&self) -> Option<Atom> {
        match self {
            HolderRef::Name(ident) => Some(ident.sym.clone()),
            HolderRef::ThisField(member) | HolderRef::Field(member) | HolderRef::Store(member) => {
                member_atom(&member.prop)
            }
            HolderRef::ThisKey(key) => Some(key.sym.clone()),
        }
    }

    fn holder(&self, bindings: &Bindings, class: Option<u32>) -> Option<Holder> {
        match self {
            HolderRef::Name(ident) => bindings.binding_id(ident).map(Holder::Binding),
            HolderRef::ThisField(member) => this_field(bindings, member, class),
            HolderRef::Field(member) => super::stores::store_field(bindings, member)
                .or_else(|| declared_field(bindings, member)),
            HolderRef::Store(member) => super::stores::store_field(bindings, member),
            HolderRef::ThisKey(key) => Some(this_key(bindings, key.sym.clone(), class)),
        }
    }
}

/// What the code does with the value a holder names.
#[derive(Debug, Clone)]
pub enum UseKind<'a> {
    /// Passes it as argument `index` of a call: to a same-file function, whose parameter
    /// then holds it, or to code elsewhere.
    Argument { callee: &'a Expr, index: usize },
    /// Keeps it in another holder.
    Alias(Holder),
    /// Returns it from the function: the callers that keep the result hold it.
    Returned(Span),
    /// Stores it on a property of an object other than `this` (`root.field = socket`,
    /// `root.a[b] = socket`), by the name the path starts from (`None`: `this` or an
    /// expression): handed off when that is a global, an import or not a name; the
    /// file's own objects (`socketRef.current = ws`) keep it in the file.
    StoredOn(Option<&'a Ident>),
    /// Puts it in an object literal (`{ socket }`, `{ ws: socket }`), under a key when the
    /// key is a plain name: kept in the file when the file keeps the object (`this.state =
    /// { socket }`, `const conn = { ws }`), handed off otherwise (an argument, a return).
    InObject { object: u32, key: Option<Atom> },
    /// Hands it to code the file cannot see.
    Escape,
}

/// One use of a value that may be a socket, with the class it is in.
#[derive(Debug, Clone)]
pub struct HolderUse<'a> {
    pub target: HolderRef<'a>,
    pub class: Option<u32>,
    pub kind: UseKind<'a>,
}

/// `new Promise((resolve, reject) => …)`: the executor and the names of its settling
/// functions.
#[derive(Debug, Clone)]
pub struct RawPromise<'a> {
    pub executor: Span,
    pub resolve: Option<&'a Ident>,
    pub reject: Option<&'a Ident>,
}

/// The names a socket is kept under, and whether it reaches code the file cannot see.
#[derive(Debug)]
pub struct Reach {
    pub holders: Vec<Holder>,
    pub escapes: bool,
    /// The functions that return it to callers the file does not have (a factory's).
    pub returned_out: Vec<Span>,
    /// Handed to a function of another module whose summary says what it does with a
    /// socket (`keepAlive(socket)` with `keepAlive` imported).
    pub imported: Vec<ImportedUse>,
    /// It reaches code the file cannot see other than the callers it is returned to.
    pub escapes_otherwise: bool,
}

/// A socket handed to another module's function, and what that function does with it.
#[derive(Debug, Clone)]
pub struct ImportedUse {
    pub lifecycle: crate::modules::SocketLifecycle,
    /// The callee, as the file names it.
    pub callee: std::ops::Range<usize>,
    pub shown: String,
    /// The function in its own file.
    pub label: crate::diagnostic::Label,
}

/// The file's uses of holders, indexed for following sockets; built once per file.
pub struct Uses<'r, 'a> {
    program: &'r Program,
    bindings: &'r Bindings<'a>,
    raw: &'r RawSockets<'a>,
    /// Uses by the name they give (a variable's or a field's), so that a holder is
    /// compared with the uses named like it only: a file's calls have hundreds of
    /// thousands of arguments, and resolving each is a scope lookup.
    by_name: FxHashMap<Atom, Vec<&'r HolderUse<'a>>>,
    /// The function each kept call result comes from (`raw.call_results`).
    call_targets: Vec<Option<Span>>,
    /// The parameter at an index of a same-file function, as worked out so far.
    parameters: RefCell<FxHashMap<(u32, u32, usize), Option<Id>>>,
    /// The settling functions of the file's promises: the promise's index in
    /// `raw.promises`.
    settlers: FxHashMap<Id, usize>,
    /// Whether the object a name is bound to is seen by code elsewhere, as worked out so
    /// far (see `shared`).
    shared: RefCell<FxHashMap<Id, bool>>,
    /// How many `shared` questions are open, each asked while answering the one before.
    shared_depth: std::cell::Cell<u32>,
    /// The holders the file's timers keep alive (see `sockets::heartbeat_holders`), worked
    /// out once for all its sockets: asking each socket of each timer took a file of 200
    /// sockets and 200 timers most of its time.
    pub(super) heartbeats: std::cell::OnceCell<rustc_hash::FxHashSet<Holder>>,
    /// Keys of stores (`None`: every key) read before the walk knew the store, whose uses
    /// there are unknown (see `RawSockets::early_store_reads`).
    opaque_stores: rustc_hash::FxHashSet<(u32, Option<Atom>)>,
}

impl<'r, 'a> Uses<'r, 'a> {
    pub fn new(program: &'r Program, bindings: &'r Bindings<'a>, raw: &'r RawSockets<'a>) -> Self {
        let mut by_name: FxHashMap<Atom, Vec<&HolderUse>> = FxHashMap::default();
        for holder_use in &raw.uses {
            if let Some(name) = holder_use.target.name() {
                by_name.entry(name).or_default().push(holder_use);
            }
        }
        let call_targets = raw
            .call_results
            .iter()
            .map(|result| resolve_function(bindings, result.callee, result.class))
            .collect();
        let mut settlers = FxHashMap::default();
        for (index, promise) in raw.promises.iter().enumerate() {
            for name in [promise.resolve, promise.reject].into_iter().flatten() {
                if let Some(id) = bindings.binding_id(name) {
                    settlers.insert(id, index);
                }
            }
        }
        let mut opaque_stores = rustc_hash::FxHashSet::default();
        // `useStore.getState().ws` is recorded twice, keyed and not: the key says more.
        let keyed: rustc_hash::FxHashSet<u32> = raw
            .early_store_reads
            .iter()
            .filter(|(_, _, key)| key.is_some())
            .map(|(_, start, _)| *start)
            .collect();
        for (object, start, key) in &raw.early_store_reads {
            if key.is_none() && keyed.contains(start) {
                continue;
            }
            for method in ["getState", "setState"] {
                if let Some(store) = super::stores::store_bound_to(bindings, object, method) {
                    opaque_stores.insert((store, key.clone()));
                }
            }
        }
        Uses {
            opaque_stores,
            program,
            bindings,
            raw,
            by_name,
            call_targets,
            parameters: RefCell::default(),
            settlers,
            shared: RefCell::default(),
            shared_depth: std::cell::Cell::new(0),
            heartbeats: std::cell::OnceCell::new(),
        }
    }

    /// Whether a kept call result names a function of the file.
    pub fn calls_own_function(&self, result: usize) -> bool {
        self.call_targets.get(result).is_some_and(Option::is_some)
    }

    /// The holders of the callers that keep what `function` returns.
    pub fn kept_results_of(&self, function: Span) -> impl Iterator<Item = &Holder> {
        self.raw
            .call_results
            .iter()
            .zip(&self.call_targets)
            .filter(move |(_, target)| **target == Some(function))
            .map(|(result, _)| &result.holder)
    }

    /// Follows a socket from the holders it starts in to every name the file keeps it
    /// under, noting whether it reaches code the file cannot see.
    pub fn follow(&self, start: Vec<Holder>) -> Reach {
        self.follow_from(start, true)
    }

    /// `follow`, where a value returned to callers that do not keep it is handed off or,
    /// for an object that holds a socket (`shared`), not.
    fn follow_from(&self, start: Vec<Holder>, returns_hand_off: bool) -> Reach {
        let mut holders = start;
        let mut escapes = false;
        let mut returned_out = Vec::new();
        let mut imported = Vec::new();
        let mut next = 0;
        while next < holders.len() {
            let holder = holders[next].clone();
            next += 1;
            let name = match &holder {
                Holder::Binding(id) => &id.0,
                Holder::ThisField(_, field) | Holder::Field(_, field) => field,
            };
            // A field of an object other code sees is theirs to replace.
            if let Holder::Field(object, _) = &holder {
                escapes |= self.shared(object);
            }
            if let Holder::ThisField(Some(store), key) = &holder
                && !self.opaque_stores.is_empty()
            {
                escapes |= self.opaque_stores.contains(&(*store, None))
                    || self.opaque_stores.contains(&(*store, Some(key.clone())));
            }
            let mut found = Vec::new();
            for holder_use in self.by_name.get(name).into_iter().flatten() {
                crate::deadline::tick();
                if holder_use
                    .target
                    .holder(self.bindings, holder_use.class)
                    .as_ref()
                    != Some(&holder)
                {
                    continue;
                }
                match &holder_use.kind {
                    UseKind::Escape => escapes = true,
                    UseKind::Alias(other) => found.push(other.clone()),
                    UseKind::Argument { callee, index } => {
                        match self.parameter(callee, *index, holder_use.class) {
                            Some(id) => found.push(Holder::Binding(id)),
                            None if returns_hand_off => match self.imported_use(callee, *index) {
                                Some(known) => {
                                    escapes |= known.lifecycle.escapes;
                                    imported.push(known);
                                }
                                None => escapes = true,
                            },
                            None => escapes = true,
                        }
                    }
                    UseKind::StoredOn(root) => escapes |= self.hands_off_through(*root),
                    UseKind::InObject { object, key } => match self.store_of_object(*object) {
                        // `set({ ws })`: a key of the store's state holds it.
                        Some(store) => {
                            if let Some(key) = key {
                                found.push(Holder::ThisField(Some(store), key.clone()));
                            }
                        }
                        None => match self.object_holder(*object) {
                            Some(kept) => {
                                // `const conn = { ws }`: `conn.ws` names it too.
                                if let (Holder::Binding(id), Some(key)) = (kept, key) {
                                    found.push(Holder::Field(id.clone(), key.clone()));
                                }
                                escapes |= self.holder_shared(kept);
                            }
                            None => escapes = true,
                        },
                    },
                    UseKind::Returned(function) => {
                        let before = found.len();
                        found.extend(self.kept_results_of(*function).cloned());
                        if returns_hand_off && found.len() == before {
                            returned_out.push(*function);
                        }
                    }
                }
            }
            for other in found {
                if holders.len() >= MAX_HOLDERS {
                    // Too many names to follow: whatever the others do is unknown.
                    escapes = true;
                    break;
                }
                if !holders.contains(&other) {
                    holders.push(other);
                }
            }
        }
        Reach {
            holders,
            escapes: escapes || !returned_out.is_empty(),
            returned_out,
            imported,
            escapes_otherwise: escapes,
        }
    }

    /// What another module's function does with a socket handed to it as argument
    /// `index`, as its summary tells (`None`: the function is unknown, or uses no
    /// parameter as a socket).
    fn imported_use(&self, callee: &Expr, index: usize) -> Option<ImportedUse> {
        use swc_common::Spanned;
        let (function, found, shown) = self
            .bindings
            .imported_function_for(callee, crate::modules::env::Matters::SOCKET_PARAMS)?;
        let lifecycle = function
            .socket_params
            .get(index)?
            .clone()
            .unwrap_or_default();
        let label = crate::diagnostic::Label::elsewhere(
            &found.path,
            found.summary.line,
            format!("`{shown}` is handed the socket here"),
        );
        Some(ImportedUse {
            lifecycle,
            callee: crate::parse::span_range(callee.span()),
            shown,
            label,
        })
    }

    /// Whether storing on a property of what `root` names hands the value off: `window`,
    /// an imported store, `this.pool[id]`, `getStore().socket`.
    fn hands_off_through(&self, root: Option<&Ident>) -> bool {
        let Some(root) = root else {
            return true;
        };
        let Some(id) = self.bindings.binding_id(root) else {
            return true;
        };
        self.bindings.module_of(root).is_some()
            || self
                .bindings
                .binding(&id)
                .is_none_or(|binding| matches!(binding.kind, BindingKind::Parameter))
            || self.shared(&id)
    }

    /// Whether the object a name is bound to is seen by code the file cannot see, which
    /// may then replace what its fields hold: an object the file did not make itself
    /// (`const store = useStore()`, `var app = app || {}`), or one it hands off as it
    /// would a socket (passed to another module's function, stored on a global, put in a
    /// structure). Exporting it, like exporting a socket, or returning it (a hook's ref)
    /// lets other code use what it holds, not take over its lifecycle.
    fn shared(&self, object: &Id) -> bool {
        if let Some(known) = self.shared.borrow().get(object) {
            return *known;
        }
        // Objects kept in objects kept in objects…: past a few, take the last as shared.
        if self.shared_depth.get() >= MAX_SHARED_DEPTH {
            return true;
        }
        // Not shared while being worked out: an object that reaches itself adds nothing.
        self.shared.borrow_mut().insert(object.clone(), false);
        self.shared_depth.set(self.shared_depth.get() + 1);
        let shared = !self.made_here(object)
            || self
                .follow_from(vec![Holder::Binding(object.clone())], false)
                .escapes;
        self.shared_depth.set(self.shared_depth.get() - 1);
        self.shared.borrow_mut().insert(object.clone(), shared);
        shared
    }

    /// The holder an object literal is kept in when made (`const conn = { … }`,
    /// `this.state = { … }`), by the literal's span start.
    fn object_holder(&self, object: u32) -> Option<&Holder> {
        self.raw
            .object_holders
            .iter()
            .find(|(start, _)| *start == object)
            .map(|(_, holder)| holder)
    }

    /// The store whose state an object literal is (`set({ ws })`), by its span start.
    fn store_of_object(&self, object: u32) -> Option<u32> {
        self.raw
            .store_objects
            .iter()
            .find(|(start, _)| *start == object)
            .map(|(_, store)| *store)
    }

    /// Whether what a holder keeps is seen by code the file cannot see (see `shared`): a
    /// name's object as `shared` says, a `this` field's when the field's value is handed
    /// off.
    fn holder_shared(&self, holder: &Holder) -> bool {
        match holder {
            Holder::Binding(id) => self.shared(id),
            other => {
                if self.shared_depth.get() >= MAX_SHARED_DEPTH {
                    return true;
                }
                self.shared_depth.set(self.shared_depth.get() + 1);
                let shared = self.follow_from(vec![other.clone()], false).escapes;
                self.shared_depth.set(self.shared_depth.get() - 1);
                shared
            }
        }
    }

    /// Whether a name is bound to a new object the file makes: an object literal, a Vue
    /// `ref()`/`reactive()` or a React `useRef()`/`createRef()`.
    fn made_here(&self, object: &Id) -> bool {
        let Some(init) = self
            .bindings
            .binding(object)
            .and_then(|binding| binding.init_expr)
        else {
            return false;
        };
        match strip(init) {
            Expr::Object(_) => true,
            Expr::Call(call) => {
                let Callee::Expr(callee) = &call.callee else {
                    return false;
                };
                let name = match strip(callee) {
                    Expr::Ident(ident) => Some(&*ident.sym),
                    Expr::Member(member) => super::values::member_name(&member.prop),
                    _ => None,
                };
                matches!(
                    name,
                    Some(
                        "ref"
                            | "shallowRef"
                            | "reactive"
                            | "shallowReactive"
                            | "useRef"
                            | "createRef"
                    )
                )
            }
            _ => false,
        }
    }

    /// The parameter at `index` of the same-file function a call names, when it is a
    /// plain name (with or without a default).
    fn parameter(&self, callee: &Expr, index: usize, class: Option<u32>) -> Option<Id> {
        let function = match strip(callee) {
            Expr::Fn(function) => function.function.span,
            Expr::Arrow(arrow) => arrow.span,
            other => resolve_function(self.bindings, other, class)?,
        };
        let key = (function.lo.0, function.hi.0, index);
        if let Some(known) = self.parameters.borrow().get(&key) {
            return known.clone();
        }
        let found = with_function(self.program, function, |function_ref| {
            // `declare function keepAlive(socket: WebSocket): void` is code elsewhere (an
            // empty function would do nothing with it either way).
            if matches!(function_ref.body, Body::Block([])) {
                return None;
            }
            let pattern = match function_ref.params.get(index)? {
                Pat::Assign(assign) => &*assign.left,
                other => other,
            };
            match pattern {
                Pat::Ident(name) => self.bindings.binding_id(&name.id),
                _ => None,
            }
        })
        .flatten();
        self.parameters.borrow_mut().insert(key, found.clone());
        found
    }

    /// The promise whose `resolve` or `reject` an expression names.
    pub fn promise_settled_by(&self, expr: &Expr) -> Option<usize> {
        match strip(expr) {
            Expr::Ident(ident) => self
                .settlers
                .get(&self.bindings.binding_id(ident)?)
                .copied(),
            _ => None,
        }
    }

    /// The promises a function settles: it calls their `resolve` or `reject`.
    pub fn promises_settled_in(&self, function: Span) -> Vec<usize> {
        if self.settlers.is_empty() {
            return Vec::new();
        }
        struct Settles<'u, 'r, 'a> {
            uses: &'u Uses<'r, 'a>,
            found: Vec<usize>,
        }
        impl Visit for Settles<'_, '_, '_> {
            crate::guard_nesting!();

            fn visit_call_expr(&mut self, call: &CallExpr) {
                if let Callee::Expr(callee) = &call.callee
                    && let Some(promise) = self.uses.promise_settled_by(callee)
                {
                    self.found.push(promise);
                }
                call.visit_children_with(self);
            }
        }
        let mut settles = Settles {
            uses: self,
            found: Vec::new(),
        };
        with_function(self.program, function, |function_ref| {
            match &function_ref.body {
                Body::Block(stmts) => stmts.visit_with(&mut settles),
                Body::Expr(expr) => expr.visit_with(&mut settles),
            }
        });
        settles.found
    }
}
