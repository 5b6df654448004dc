//! Which functions run only as a user's action: registered for a click, a submit or a
//! key press (`addEventListener("click", …)`, `onclick = …`, JSX `onClick={…}`, jQuery
//! `.on("click", …)` and `.click(…)`), or named functions that only such functions call.
//!
//! A socket opened in such a function and closed in another is a connection the user
//! manages by hand (a WebSocket tester's Connect and Disconnect buttons): see
//! `rules/websocket-no-reconnect.md`.

use std::ops::Range;

use rustc_hash::{FxHashMap, FxHashSet};
use swc_atoms::Atom;
use swc_common::{Span, Spanned};
use swc_ecma_ast::*;
use swc_ecma_visit::{Visit, VisitWith};

use super::listeners::RawHandler;
use super::values::{Bindings, calls_back_at_once, member_atom, member_name, strip};
use crate::parse::span_range;

/// How many rounds of callers are followed from a function (each round is one walk of
/// the file).
const MAX_ROUNDS: usize = 3;

/// Events a user causes by acting on the page.
const USER_EVENTS: &[&str] = &[
    "click",
    "dblclick",
    "auxclick",
    "submit",
    "change",
    "input",
    "keydown",
    "keyup",
    "keypress",
    "mousedown",
    "mouseup",
    "pointerdown",
    "pointerup",
    "touchstart",
    "touchend",
];

/// Whether an event name (`"click"`, jQuery's `"click touchend"`) is a user's action.
pub fn is_user_event(name: &str) -> bool {
    name.split_whitespace()
        .any(|word| USER_EVENTS.contains(&word.split('.').next().unwrap_or(word)))
}

/// Whether a property (`onclick`) or JSX attribute (`onClick`) names a handler of a user
/// event.
pub fn is_user_event_property(name: &str) -> bool {
    let Some(event) = name.strip_prefix("on") else {
        return false;
    };
    let event = event.to_ascii_lowercase();
    // React's names: `onDoubleClick`.
    event == "doubleclick" || USER_EVENTS.contains(&event.as_str())
}

/// jQuery's shorthand registrations: `$(button).click(handler)`.
pub fn is_jquery_shorthand(method: &str) -> bool {
    matches!(
        method,
        "click" | "dblclick" | "submit" | "change" | "keydown" | "keyup" | "keypress"
    )
}

/// How the code refers to a function at one place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reference {
    /// Registers it for a user event.
    Registration,
    /// Calls it from the function with this span (`None`: the top level).
    Call(Option<Span>),
    /// Anything else: exported, stored, passed on, registered for another event.
    Other,
}

/// The file's user-event registrations and what has been worked out from them.
pub struct UserActions<'r, 'a> {
    program: &'r Program,
    bindings: &'r Bindings<'a>,
    /// Functions registered inline (`addEventListener("click", () => …)`).
    registered: FxHashSet<(u32, u32)>,
    /// Where a registration names its handler (`onclick = closeEcho`), by start.
    registration_sites: Vec<Range<usize>>,
    /// How the page's markup calls named functions from event handler attributes.
    called_from_markup: FxHashMap<(u32, u32), Vec<Reference>>,
    /// The names of each named function: bindings, class methods, object methods.
    names: FxHashMap<(u32, u32), Vec<Name>>,
    decided: FxHashMap<(u32, u32), bool>,
}

/// A name a function goes by.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Name {
    Binding(Id),
    /// A method or function-valued field of the class starting at the position.
    ClassMethod(u32, Atom),
    /// A method of the object literal bound to the name.
    ObjectMethod(Id, Atom),
}

impl Name {
    fn atom(&self) -> &Atom {
        match self {
            Name::Binding(id) => &id.0,
            Name::ClassMethod(_, name) | Name::ObjectMethod(_, name) => name,
        }
    }
}

fn key(span: Span) -> (u32, u32) {
    (span.lo.0, span.hi.0)
}

impl<'r, 'a> UserActions<'r, 'a> {
    pub fn new(
        program: &'r Program,
        bindings: &'r Bindings<'a>,
        handlers: &'r [(RawHandler<'a>, Option<u32>)],
        markup_calls: &[(Atom, bool)],
    ) -> Self {
        let mut registered = FxHashSet::default();
        let mut registration_sites = Vec::new();
        for (handler, _) in handlers {
            match handler {
                RawHandler::Function(span) => {
                    registered.insert(key(*span));
                }
                RawHandler::Expr(expr) => registration_sites.push(span_range(expr.span())),
                RawHandler::Stream { .. } | RawHandler::Missing => {}
            }
        }
        registration_sites.sort_by_key(|site| site.start);
        let mut names: FxHashMap<(u32, u32), Vec<Name>> = FxHashMap::default();
        let mut markup: FxHashMap<&Atom, Vec<Reference>> = FxHashMap::default();
        for (name, on_user_action) in markup_calls {
            let reference = if *on_user_action {
                Reference::Registration
            } else {
                Reference::Other
            };
            let references = markup.entry(name).or_default();
            if !references.contains(&reference) {
                references.push(reference);
            }
        }
        let mut called_from_markup: FxHashMap<(u32, u32), Vec<Reference>> = FxHashMap::default();
        for (id, span) in &bindings.function_of {
            names
                .entry(key(*span))
                .or_default()
                .push(Name::Binding(id.clone()));
            // `<button onclick="connect()">` calls the page's `connect`; `<body
            // onload="connect()">` calls it without the user.
            if let Some(references) = markup.get(&id.0) {
                called_from_markup
                    .entry(key(*span))
                    .or_default()
                    .extend(references.iter().copied());
            }
        }
        for ((class, name), span) in &bindings.class_methods {
            // An object literal's methods are named as the object's, below.
            if bindings.this_objects.contains_key(class) {
                continue;
            }
            names
                .entry(key(*span))
                .or_default()
                .push(Name::ClassMethod(*class, name.clone()));
        }
        for ((object, name), span) in &bindings.object_methods {
            names
                .entry(key(*span))
                .or_default()
                .push(Name::ObjectMethod(object.clone(), name.clone()));
        }
        UserActions {
            program,
            bindings,
            registered,
            registration_sites,
            called_from_markup,
            names,
            decided: FxHashMap::default(),
        }
    }

    /// Whether the function runs only as a user's action, after [`Self::decide`].
    pub fn runs_on_user_action(&self, function: Span) -> bool {
        self.decided.get(&key(function)).copied().unwrap_or(false)
    }

    /// Works out, for each function, whether it runs only as a user's action: it is
    /// registered for a user event and the file names it nowhere else, or every place the
    /// file names it is such a registration or a call from a function that does. A function
    /// the file never names, or names anywhere else (exported, called at the top level or
    /// on page load, stored), may run without the user.
    pub fn decide(&mut self, functions: impl IntoIterator<Item = Span>) {
        // Each round walks the file once for the references of all its functions; their
        // callers are the next round's.
        let mut callers: FxHashMap<(u32, u32), Vec<Option<Span>>> = FxHashMap::default();
        let mut round: Vec<Span> = functions
            .into_iter()
            .filter(|function| !self.decided.contains_key(&key(*function)))
            .collect();
        let mut undecided: Vec<Span> = Vec::new();
        for _ in 0..MAX_ROUNDS {
            round.sort_by_key(|span| key(*span));
            round.dedup();
            let mut named = Vec::new();
            for function in round.drain(..) {
                if callers.contains_key(&key(function)) || self.decided.contains_key(&key(function))
                {
                    continue;
                }
                if self.names.contains_key(&key(function)) {
                    named.push(function);
                } else {
                    // Anonymous: runs when the event it is registered for fires.
                    let registered = self.registered.contains(&key(function));
                    self.decided.insert(key(function), registered);
                }
            }
            if named.is_empty() {
                break;
            }
            let mut found = self.references(&named);
            for function in named {
                if let Some(markup) = self.called_from_markup.get(&key(function)) {
                    found
                        .entry(key(function))
                        .or_default()
                        .extend(markup.iter().copied());
                }
                let references = found.get(&key(function)).map_or(&[][..], Vec::as_slice);
                let mut calls = Vec::new();
                let mut only_user = !references.is_empty();
                for reference in references {
                    match reference {
                        Reference::Registration => {}
                        Reference::Call(Some(caller)) if *caller == function => {}
                        Reference::Call(Some(caller)) => calls.push(Some(*caller)),
                        Reference::Call(None) | Reference::Other => only_user = false,
                    }
                }
                if !only_user {
                    self.decided.insert(key(function), false);
                    continue;
                }
                round.extend(calls.iter().flatten().copied());
                callers.insert(key(function), calls);
                undecided.push(function);
            }
        }
        // Callers left when the rounds run out: an anonymous one runs on what it is
        // registered for; a named one may run without the user.
        for function in round {
            let registered = !self.names.contains_key(&key(function))
                && self.registered.contains(&key(function));
            self.decided.entry(key(function)).or_insert(registered);
        }
        // Then the greatest answer that holds: a function runs only on user actions when
        // all its callers do (recursion does not make it run otherwise). Start from "yes"
        // and take it back from each function with a caller that may run otherwise, and
        // from the functions it calls in turn.
        let mut answer: FxHashMap<(u32, u32), bool> = undecided
            .iter()
            .map(|function| (key(*function), true))
            .collect();
        let mut called_by: FxHashMap<(u32, u32), Vec<(u32, u32)>> = FxHashMap::default();
        let mut queue = Vec::new();
        for function in &undecided {
            for caller in callers[&key(*function)].iter().flatten() {
                crate::deadline::tick();
                if answer.contains_key(&key(*caller)) {
                    called_by
                        .entry(key(*caller))
                        .or_default()
                        .push(key(*function));
                } else if !self.decided.get(&key(*caller)).copied().unwrap_or(false) {
                    queue.push(key(*function));
                }
            }
        }
        while let Some(function) = queue.pop() {
            crate::deadline::tick();
            if answer.insert(function, false) == Some(true)
                && let Some(callees) = called_by.get(&function)
            {
                queue.extend(callees.iter().copied());
            }
        }
        self.decided.extend(answer);
    }

    /// Every place the file names the given functions, found in one walk.
    fn references(&self, functions: &[Span]) -> FxHashMap<(u32, u32), Vec<Reference>> {
        let mut wanted: FxHashMap<Atom, Vec<(Name, Span)>> = FxHashMap::default();
        for function in functions {
            for name in &self.names[&key(*function)] {
                wanted
                    .entry(name.atom().clone())
                    .or_default()
                    .push((name.clone(), *function));
            }
        }
        let mut walker = References {
            actions: self,
            wanted,
            frames: Vec::new(),
            classes: Vec::new(),
            synchronous: FxHashSet::default(),
            callee: None,
            found: FxHashMap::default(),
        };
        self.program.visit_with(&mut walker);
        walker.found
    }

    fn in_registration(&self, span: Span) -> bool {
        let span = span_range(span);
        let after = self
            .registration_sites
            .partition_point(|site| site.start <= span.start);
        // Sites are small expressions and rarely nest: a few before are enough.
        self.registration_sites[..after]
            .iter()
            .rev()
            .take(8)
            .any(|site| span.end <= site.end)
    }
}

/// The walk that finds where functions are named.
struct References<'u, 'r, 'a> {
    actions: &'u UserActions<'r, 'a>,
    wanted: FxHashMap<Atom, Vec<(Name, Span)>>,
    /// The function each enclosing function runs in: its own span, or its caller's for a
    /// callback that runs at once (`items.forEach(…)`).
    frames: Vec<Span>,
    classes: Vec<u32>,
    synchronous: FxHashSet<u32>,
    /// The callee of the call being entered, by span.
    callee: Option<Span>,
    found: FxHashMap<(u32, u32), Vec<Reference>>,
}

impl References<'_, '_, '_> {
    fn note(&mut self, function: Span, span: Span) {
        let reference = if self.actions.in_registration(span) {
            Reference::Registration
        } else if self.callee == Some(span) {
            Reference::Call(self.frames.last().copied())
        } else {
            Reference::Other
        };
        self.push(function, reference);
    }

    fn push(&mut self, function: Span, reference: Reference) {
        // A function naming itself (recursion, or `this.ws.close()` in a method called
        // `close`) says nothing about who starts it.
        if self.frames.last() == Some(&function) && reference != Reference::Registration {
            return;
        }
        self.found.entry(key(function)).or_default().push(reference);
    }

    fn enter(&mut self, span: Span, visit: impl FnOnce(&mut Self)) {
        let frame = if self.synchronous.remove(&span.lo.0) {
            self.frames.last().copied().unwrap_or(span)
        } else {
            span
        };
        self.frames.push(frame);
        visit(self);
        self.frames.pop();
    }
}

impl Visit for References<'_, '_, '_> {
    crate::guard_nesting!();

    fn visit_ident(&mut self, ident: &Ident) {
        crate::deadline::tick();
        let Some(candidates) = self.wanted.get(&ident.sym) else {
            return;
        };
        let Some(id) = self.actions.bindings.binding_id(ident) else {
            return;
        };
        let matches: Vec<Span> = candidates
            .iter()
            .filter_map(|(name, function)| match name {
                Name::Binding(wanted) if *wanted == id => Some(*function),
                _ => None,
            })
            .collect();
        for function in matches {
            // The declaration itself is no reference.
            if self
                .actions
                .bindings
                .binding(&id)
                .is_some_and(|binding| binding.span == span_range(ident.span))
            {
                continue;
            }
            self.note(function, ident.span);
        }
    }

    fn visit_member_expr(&mut self, member: &MemberExpr) {
        if let Some(name) = member_atom(&member.prop)
            && let Some(candidates) = self.wanted.get(&name)
        {
            crate::deadline::tick();
            let object = strip(&member.obj);
            let class = self.classes.last().copied();
            let object_id = match object {
                Expr::Ident(object) => self.actions.bindings.binding_id(object),
                _ => None,
            };
            let mut references = Vec::new();
            for (wanted, function) in candidates {
                let matched = match (wanted, object) {
                    (Name::ClassMethod(owner, _), Expr::This(_)) => Some(*owner) == class,
                    // `this.connect()` inside an object literal's methods.
                    (Name::ObjectMethod(..), Expr::This(_)) => class.is_none(),
                    (Name::ObjectMethod(owner, _), _) => object_id.as_ref() == Some(owner),
                    _ => false,
                };
                if matched {
                    references.push((*function, None));
                } else if !matches!(wanted, Name::Binding(_)) && !matches!(object, Expr::This(_)) {
                    // `client.connect()` on something else may be this method, called
                    // from where the walk cannot tie it to.
                    references.push((*function, Some(Reference::Other)));
                }
            }
            for (function, reference) in references {
                match reference {
                    None => self.note(function, member.span),
                    Some(reference) => self.push(function, reference),
                }
            }
        }
        member.obj.visit_with(self);
        if let MemberProp::Computed(computed) = &member.prop {
            computed.visit_with(self);
        }
    }

    fn visit_call_expr(&mut self, call: &CallExpr) {
        crate::deadline::tick();
        if let Callee::Expr(callee) = &call.callee {
            if let Expr::Member(member) = strip(callee)
                && member_name(&member.prop).is_some_and(calls_back_at_once)
            {
                for arg in &call.args {
                    match strip(&arg.expr) {
                        Expr::Fn(function) => {
                            self.synchronous.insert(function.function.span.lo.0);
                        }
                        Expr::Arrow(arrow) => {
                            self.synchronous.insert(arrow.span.lo.0);
                        }
                        _ => {}
                    }
                }
            }
            let outer = self.callee.replace(strip(callee).span());
            callee.visit_with(self);
            self.callee = outer;
        }
        let outer = self.callee.take();
        call.args.visit_with(self);
        self.callee = outer;
    }

    fn visit_function(&mut self, function: &Function) {
        let outer = self.callee.take();
        self.enter(function.span, |this| function.visit_children_with(this));
        self.callee = outer;
    }

    fn visit_arrow_expr(&mut self, arrow: &ArrowExpr) {
        let outer = self.callee.take();
        self.enter(arrow.span, |this| arrow.visit_children_with(this));
        self.callee = outer;
    }

    fn visit_class(&mut self, class: &Class) {
        self.classes.push(class.span.lo.0);
        class.visit_children_with(self);
        self.classes.pop();
    }

    /// `export function connect() {}`: code elsewhere may call it.
    fn visit_export_decl(&mut self, export: &ExportDecl) {
        let exported: Vec<&Ident> = match &export.decl {
            Decl::Fn(function) => vec![&function.ident],
            Decl::Var(declaration) => declaration
                .decls
                .iter()
                .filter_map(|declarator| match &declarator.name {
                    Pat::Ident(name) => Some(&name.id),
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        };
        for ident in exported {
            let Some(id) = self.actions.bindings.binding_id(ident) else {
                continue;
            };
            let functions: Vec<Span> = self
                .wanted
                .get(&ident.sym)
                .into_iter()
                .flatten()
                .filter_map(|(name, function)| {
                    (*name == Name::Binding(id.clone())).then_some(*function)
                })
                .collect();
            for function in functions {
                self.found
                    .entry(key(function))
                    .or_default()
                    .push(Reference::Other);
            }
        }
        export.visit_children_with(self);
    }

    fn visit_export_default_decl(&mut self, export: &ExportDefaultDecl) {
        if let DefaultDecl::Fn(function) = &export.decl {
            let span = function.function.span;
            self.found
                .entry(key(span))
                .or_default()
                .push(Reference::Other);
        }
        export.visit_children_with(self);
    }
}
