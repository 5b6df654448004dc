//! State stores that keep a socket as a key of their state: a zustand store or slice
//! creator `(set, get) => ({ … })` (bare, or wrapped in `immer`, `persist`, `devtools`),
//! which writes with `set({ ws })` or `set(state => ({ ...state, ws }))` (`state.ws = ws`
//! under immer) and reads with `get().ws`, `useStore.getState().ws`, or the `state` its
//! updaters receive.
//!
//! A key of a store's state is a holder as a `this` field is: `Holder::ThisField` keyed by
//! the creator's span start, whose returned methods are that "class"'s methods
//! (`get().connect()` calls one). What the file shows of the store is what it does with
//! the socket; like an exported variable's, the store's state is read elsewhere, not
//! taken over.

use swc_ecma_ast::*;

use super::sockets::Holder;
use super::values::{Bindings, as_call, as_member, member_atom, member_name, strip};

/// What a creator's parameter, or an updater's, names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoreRole {
    /// `set`: writes the state.
    Set,
    /// `get`: reads the state.
    Get,
    /// `state` in `set(state => …)`: the state itself.
    State,
}

/// The object literal a store creator's body gives back: `=> ({ … })` or a last
/// `return { … }`.
pub fn returned_object(body: &ArrowFunctionBody) -> Option<&ObjectLit> {
    match body {
        ArrowFunctionBody::Expr(expr) => match strip(expr) {
            Expr::Object(object) => Some(object),
            _ => None,
        },
        ArrowFunctionBody::FunctionBody(block) => match block.stmts.last()? {
            Stmt::Return(ReturnStmt { arg: Some(arg), .. }) => match strip(arg.as_ref()) {
                Expr::Object(object) => Some(object),
                _ => None,
            },
            _ => None,
        },
    }
}

/// Whether an arrow's parameters are a store creator's: `(set)`, `(set, get)` or
/// `(set, get, api)`, plain names.
pub fn creator_params(params: &[Pat]) -> Option<(&Ident, Option<&Ident>)> {
    fn name(pat: &Pat) -> Option<&Ident> {
        match pat {
            Pat::Ident(ident) => Some(&ident.id),
            _ => None,
        }
    }
    let set = name(params.first()?)?;
    if &*set.sym != "set" || params.len() > 3 {
        return None;
    }
    let get = match params.get(1) {
        Some(pat) => {
            let get = name(pat)?;
            if &*get.sym != "get" {
                return None;
            }
            Some(get)
        }
        None => None,
    };
    Some((set, get))
}

/// The store whose role a name has.
pub fn role_of(bindings: &Bindings, ident: &Ident) -> Option<(u32, StoreRole)> {
    if bindings.stores.is_empty() {
        return None;
    }
    bindings.stores.get(&bindings.binding_id(ident)?).copied()
}

/// The store whose state an expression reads: `get()`, `useStore.getState()` (a name
/// bound to `create(…)` of a creator), `storeRef.getState()` (a name bound only to
/// objects whose `getState` is a creator's `get`), or an updater's `state`.
fn state_of(bindings: &Bindings, expr: &Expr) -> Option<u32> {
    state_at(bindings, expr, 0)
}

fn state_at(bindings: &Bindings, expr: &Expr, depth: u32) -> Option<u32> {
    if bindings.stores.is_empty() || depth > 2 {
        return None;
    }
    let expr = strip(expr);
    if let Some((callee, args)) = as_call(expr) {
        return state_of_call(bindings, callee, args);
    }
    match expr {
        Expr::Ident(ident) => match role_of(bindings, ident) {
            Some((store, StoreRole::State)) => Some(store),
            Some(_) => None,
            // `const s = useStore.getState()`: a name for the state read then.
            None => {
                let binding = bindings.binding(&bindings.binding_id(ident)?)?;
                if binding.kind != super::values::BindingKind::Const {
                    return None;
                }
                state_at(bindings, binding.init()?, depth + 1)
            }
        },
        _ => None,
    }
}

fn state_of_call(bindings: &Bindings, callee: &Expr, args: &[ExprOrSpread]) -> Option<u32> {
    if !args.is_empty() {
        return None;
    }
    if let Expr::Ident(ident) = strip(callee) {
        return match role_of(bindings, ident)? {
            (store, StoreRole::Get) => Some(store),
            _ => None,
        };
    }
    store_method_of(bindings, as_member(callee)?, "getState")
}

/// `<name>.getState`, `<name>.setState` (`method`): the store the name is bound to.
pub fn store_method_of(bindings: &Bindings, member: &MemberExpr, method: &str) -> Option<u32> {
    if member_name(&member.prop) != Some(method) {
        return None;
    }
    let Expr::Ident(object) = strip(&member.obj) else {
        return None;
    };
    store_bound_to(bindings, object, method)
}

/// The store a name is bound to, through which `method` (`getState`, `setState`) reaches
/// it.
pub fn store_bound_to(bindings: &Bindings, object: &Ident, method: &str) -> Option<u32> {
    let role = if method == "setState" {
        StoreRole::Set
    } else {
        StoreRole::Get
    };
    let binding = bindings.binding(&bindings.binding_id(object)?)?;
    if binding.has_unknown_assignment {
        return None;
    }
    let mut found = None;
    // The initializer whatever its size: a store's creator is its whole state.
    for value in binding
        .init_expr
        .into_iter()
        .chain(binding.assignments.iter().copied())
    {
        let store = match strip(value) {
            // `storeRef = { getState: get, setState: set }`
            Expr::Object(object) => object.props.iter().find_map(|prop| match prop {
                PropOrSpread::Prop(prop) => match &**prop {
                    Prop::KeyValue(pair) if super::values::prop_name(&pair.key) == Some(method) => {
                        match strip(&pair.value) {
                            Expr::Ident(ident) => match role_of(bindings, ident)? {
                                (store, found) if found == role => Some(store),
                                _ => None,
                            },
                            _ => None,
                        }
                    }
                    _ => None,
                },
                PropOrSpread::Spread(_) => None,
            })?,
            // `const useStore = create()(persist(immer((set, get) => …)))`
            Expr::Call(call) => creator_in(bindings, call, 0)?,
            // `let storeRef = null` until the creator runs.
            Expr::Lit(Lit::Null(_)) => continue,
            Expr::Ident(ident) if &*ident.sym == "undefined" => continue,
            _ => return None,
        };
        if found.is_some_and(|known| known != store) {
            return None;
        }
        found = Some(store);
    }
    found
}

/// The store creator a call wraps, through `create<T>()(…)` and middleware calls.
fn creator_in(bindings: &Bindings, call: &CallExpr, depth: u32) -> Option<u32> {
    if depth > 4 {
        return None;
    }
    for arg in &call.args {
        match strip(&arg.expr) {
            Expr::Arrow(arrow) if bindings.store_creators.contains(&arrow.span.lo.0) => {
                return Some(arrow.span.lo.0);
            }
            Expr::Call(inner) => {
                if let Some(store) = creator_in(bindings, inner, depth + 1) {
                    return Some(store);
                }
            }
            _ => {}
        }
    }
    // `create<T>()(creator)`: the creator is an argument of the outer call.
    match &call.callee {
        Callee::Expr(callee) => match strip(callee) {
            Expr::Call(inner) => creator_in(bindings, inner, depth + 1),
            _ => None,
        },
        _ => None,
    }
}

/// `get().connect`, `useStore.getState().connect`: the store's action of that name.
pub fn store_action(bindings: &Bindings, member: &MemberExpr) -> Option<swc_common::Span> {
    let store = state_of(bindings, &member.obj)?;
    bindings.class_method(store, member_name(&member.prop)?)
}

/// `get().ws`, `state.ws`, `useStore.getState().ws`: a key of a store's state.
pub fn store_field(bindings: &Bindings, member: &MemberExpr) -> Option<Holder> {
    let store = state_of(bindings, &member.obj)?;
    Some(Holder::ThisField(Some(store), member_atom(&member.prop)?))
}

/// `<name>.getState` or `<name>.setState`: the name and the method.
pub fn state_method(member: &MemberExpr) -> Option<(&Ident, &'static str)> {
    let method = match member_name(&member.prop)? {
        "getState" => "getState",
        "setState" => "setState",
        _ => return None,
    };
    match strip(&member.obj) {
        Expr::Ident(object) => Some((object, method)),
        _ => None,
    }
}

/// `<name>.getState()`, `<name>?.getState()`: the `getState` member.
pub fn state_call(expr: &Expr) -> Option<&MemberExpr> {
    let (callee, _) = as_call(expr)?;
    let member = as_member(callee)?;
    state_method(member).map(|_| member)
}
