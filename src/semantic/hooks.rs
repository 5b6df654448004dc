//! Listener hooks of libraries: `useEventListener(window, "message", h)` of
//! `@vueuse/core` and its kin in React and Solid libraries add a listener as
//! `addEventListener` does, to the target they are given or to the window. Their code is
//! not in the run, so what each does is known here, by module and export.

use swc_ecma_ast::{ArrowFunctionBody, Expr, Lit};

use super::collect::{WrapperCall, raw_handler, small};
use super::listeners::{ListenTarget, ListenerForm, RawListener};
use super::values::{Bindings, member_name, object_property, strip};

/// How a hook takes its target, event name and handler.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Layout {
    /// `(event, handler, target?)` or `(target, event, handler)`, told apart by whether
    /// the first argument is a string: `@vueuse/core`, `usehooks-ts`, `ahooks` (whose
    /// third argument is options with a `target`), `react-use`'s `useEvent`.
    EventOrTarget,
    /// `(event, handler, options?)` on the window: `@mantine/hooks`' `useWindowEvent`.
    Window,
    /// `(target, event, handler)`: `@solid-primitives/event-listener`.
    TargetFirst,
}

/// The names a call of a listener hook is spelled with; anything else is no hook.
pub fn is_hook_name(name: &str) -> bool {
    matches!(
        name,
        "useEventListener"
            | "useWindowEvent"
            | "useEvent"
            | "makeEventListener"
            | "createEventListener"
    )
}

/// The layout of `imported` of the module `source`, when it is a known listener hook.
fn library_hook(source: &str, imported: &str) -> Option<Layout> {
    match (source, imported) {
        ("@vueuse/core" | "usehooks-ts" | "ahooks" | "@uidotdev/usehooks", "useEventListener")
        | ("react-use", "useEvent")
        | ("react-use/lib/useEvent" | "react-use/esm/useEvent", "default") => {
            Some(Layout::EventOrTarget)
        }
        ("@mantine/hooks", "useWindowEvent") => Some(Layout::Window),
        ("@solid-primitives/event-listener", "makeEventListener" | "createEventListener") => {
            Some(Layout::TargetFirst)
        }
        // Another module's `useEventListener` that the run does not show as a wrapper (a
        // package, or one whose handler goes through a ref): it takes the same arguments.
        (_, "useEventListener") => Some(Layout::EventOrTarget),
        _ => None,
    }
}

/// The hook `callee` names: imported from its library (also through a namespace), or
/// `useEventListener` unbound, as Nuxt imports `@vueuse/core`'s for every component.
fn hook_layout(bindings: &Bindings, callee: &Expr) -> Option<Layout> {
    match strip(callee) {
        Expr::Ident(ident) => match bindings.import_of(ident) {
            // `import useEventListener from "./useEventListener"`: a module's own hook, by
            // the name it is imported with, when the run shows it is no wrapper.
            Some((source, imported)) if imported == "default" => library_hook(&source, "default")
                .or_else(|| {
                    library_hook(&source, &ident.sym).filter(|_| &*ident.sym == "useEventListener")
                }),
            Some((source, imported)) => library_hook(&source, &imported),
            None if &*ident.sym == "useEventListener" && bindings.is_global(ident) => {
                Some(Layout::EventOrTarget)
            }
            None => None,
        },
        Expr::Member(member) => {
            let name = member_name(&member.prop).filter(|name| is_hook_name(name))?;
            let Expr::Ident(namespace) = strip(&member.obj) else {
                return None;
            };
            match bindings.import_of(namespace)? {
                (source, all) if all == "*" => library_hook(&source, name),
                _ => None,
            }
        }
        _ => None,
    }
}

/// The listener a call of a library's listener hook registers, if it calls one.
pub(super) fn library_hook_listener<'a>(
    bindings: &Bindings,
    call: &WrapperCall<'a>,
) -> Option<RawListener<'a>> {
    let layout = hook_layout(bindings, call.callee)?;
    let argument = |index: usize| call.argument(index);
    let event_first = match layout {
        Layout::Window => true,
        Layout::TargetFirst => false,
        Layout::EventOrTarget => bindings.resolve_string(argument(0)?).is_some(),
    };
    let (target, event, handler) = if event_first {
        let target = match layout {
            Layout::Window => ListenTarget::Window,
            _ => target_after_handler(argument(2))?,
        };
        (target, argument(0)?, argument(1)?)
    } else {
        let target = ListenTarget::Expr(small(unwrap_getter(argument(0)?))?);
        (target, argument(1)?, argument(2)?)
    };
    Some(RawListener {
        registration: call.registration.clone(),
        form: ListenerForm::LibraryHook,
        target,
        event: Some(small(event)?),
        handler: raw_handler(Some(handler)),
        class: call.class,
        in_worker_code: call.in_worker_code,
        imported: None,
        in_function: call.in_function,
    })
}

/// The target of an event-first hook, from its third argument: none, `undefined`, a
/// capture flag or options without a `target` (`@vueuse/core`) leave the window; options
/// with one name it (`ahooks`); anything else is the target (`usehooks-ts`' element ref,
/// `react-use`'s target).
fn target_after_handler(third: Option<&Expr>) -> Option<ListenTarget<'_>> {
    let Some(third) = third.map(strip) else {
        return Some(ListenTarget::Window);
    };
    match third {
        Expr::Ident(ident) if &*ident.sym == "undefined" => Some(ListenTarget::Window),
        Expr::Lit(Lit::Bool(_)) => Some(ListenTarget::Window),
        Expr::Object(options) => match object_property(options, "target") {
            Some(target) => Some(ListenTarget::Expr(small(unwrap_getter(target))?)),
            None => Some(ListenTarget::Window),
        },
        target => Some(ListenTarget::Expr(small(target)?)),
    }
}

/// `() => window`: a target given as a getter, as `ahooks` and `@vueuse/core` take one.
fn unwrap_getter(target: &Expr) -> &Expr {
    match strip(target) {
        Expr::Arrow(arrow) if arrow.params.is_empty() => match &*arrow.body {
            ArrowFunctionBody::Expr(body) => strip(body),
            ArrowFunctionBody::FunctionBody(_) => target,
        },
        _ => target,
    }
}
