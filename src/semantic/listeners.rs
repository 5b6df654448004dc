//! Window `message` listeners: every way code registers one, which of them listen
//! on a window (not a worker, port or channel), and what their handlers do.

use std::ops::Range;

use swc_common::Span;
use swc_ecma_ast::{Expr, Program};

use super::handlers::{
    EventShape, HandlerFacts, StageKind, StreamStage, analyze_handler, analyze_stream,
    bound_arguments, resolve_function,
};
use super::streams::RawStage;
use super::values::{Bindings, Target, member_name, strip};
use swc_atoms::Atom;

/// How a listener was registered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListenerForm {
    /// `target.addEventListener("message", handler)` or a bare `addEventListener`.
    AddEventListener,
    /// `target.onmessage = handler` or a bare `onmessage = handler`.
    OnMessage,
    /// `target.attachEvent("onmessage", handler)`
    AttachEvent,
    /// `$(window).on("message", handler)`: the handler gets a jQuery event.
    JQuery,
    /// Angular `@HostListener("window:message", ["$event"])` or
    /// `@HostListener("document:message", ["$event"])`, or the same as `host` metadata
    /// (`host: { "(window:message)": "onMessage($event)" }`): on the window (the
    /// document) by name, never a worker's global scope.
    HostListener,
    /// A function of the run that forwards to `addEventListener`.
    Wrapper,
    /// A listener hook of a library (`useEventListener(window, "message", h)` of
    /// `@vueuse/core`), which adds the listener to the target it is given, or to the
    /// window.
    LibraryHook,
    /// An RxJS stream of the window's messages (`fromEvent(window, "message")`), whose
    /// operators and subscriber are the handler.
    Observable,
}

/// What a registration listens on.
#[derive(Debug, Clone, Copy)]
pub enum ListenTarget<'a> {
    /// The global scope: a bare `addEventListener`, a worker's or a page's.
    GlobalScope,
    /// A window the registration names without an expression of this file: the
    /// `window:` of a `HostListener`, a wrapper of another module that names `window`
    /// itself, a library hook's default target.
    Window,
    Expr(&'a Expr),
}

/// The handler as written at the registration.
#[derive(Debug, Clone)]
pub enum RawHandler<'a> {
    /// An inline function or arrow (possibly inside `debounce(…)`), by span.
    Function(Span),
    /// An expression naming the handler (`onMessage`, `this.handle.bind(this)`).
    Expr(std::borrow::Cow<'a, Expr>),
    /// The operators and the subscriber of a stream, in order, and whether the events
    /// (or their data) then go on out of sight.
    Stream {
        stages: Vec<super::streams::RawStage<'a>>,
        handed_on: bool,
    },
    Missing,
}

/// A registration as the walk saw it, before the file's bindings are complete.
#[derive(Debug, Clone)]
pub struct RawListener<'a> {
    /// The registering callee or assignment target (`window.addEventListener`).
    pub registration: Range<usize>,
    pub form: ListenerForm,
    pub target: ListenTarget<'a>,
    /// The event name expression, when not already known to be `"message"`.
    pub event: Option<&'a Expr>,
    pub handler: RawHandler<'a>,
    /// The enclosing class, for `this.method` handlers.
    pub class: Option<u32>,
    /// Inside code that only runs in a worker (`if (typeof window === "undefined")`,
    /// or a function named like `Rhino3dmWorker` that is stringified into a worker).
    pub in_worker_code: bool,
    /// The wrapper of another module that registers it, in its own file.
    pub imported: Option<crate::diagnostic::Label>,
    /// Inside a function (not at the top level of the file).
    pub in_function: bool,
}

/// A listener for window messages and what its handler does.
#[derive(Debug, Clone)]
pub struct MessageListener {
    pub registration: Range<usize>,
    pub form: ListenerForm,
    /// The handler function, when it was found in this file.
    pub handler_span: Option<Range<usize>>,
    /// What the handler does; `None` when it is defined elsewhere.
    pub handler: Option<HandlerFacts>,
    /// What of other modules makes it a `message` listener (a wrapper, the event
    /// name), in their own files.
    pub imported: Vec<crate::diagnostic::Label>,
}

/// What the walk learned about the file's global scope.
#[derive(Debug, Default, Clone)]
pub struct ScopeSignals {
    /// `importScripts(…)` is called.
    pub imports_scripts: bool,
    /// `window` or `document` is used as a global (other than in `typeof`).
    pub uses_dom: bool,
    /// The file posts to its own window (`window.postMessage(…)`), as schedulers do.
    pub posts_to_own_window: bool,
    /// The file's name says it is a worker (`*.worker.js`, `sw.js`, …).
    pub worker_file_name: bool,
    /// The file builds a `Blob`, as inline workers made from a function's source do.
    pub builds_blob: bool,
    /// The file is a test (`*.test.js`, `__tests__/`…): its listeners run in a test
    /// harness, not in a page an attacker can reach.
    pub test_file: bool,
}

/// Whether a file name marks a worker or service worker script: a name part
/// (between `.`, `-` and `_`) that is `worker`, `sw` or `serviceworker`, or that
/// contains `webworker` (`css.worker-4f2a.js`, `sw.js`, `editorWebWorkerMain.js`).
pub fn is_worker_file_name(path: &str) -> bool {
    let name = path
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or(path)
        .to_ascii_lowercase();
    let parts: Vec<&str> = name.split(['.', '-', '_']).collect();
    parts.iter().enumerate().any(|(index, part)| {
        matches!(*part, "worker" | "sw" | "serviceworker" | "sharedworker")
            || part.contains("webworker")
            || (*part == "service" && parts.get(index + 1) == Some(&"worker"))
    })
}

/// Whether a module drives a browser from Node (Playwright, Puppeteer, WebDriver): a
/// script that imports one is a test or an automation harness, and the listeners it has
/// the page run (`page.evaluate(() => addEventListener("message", …))`) run in a page it
/// loaded itself.
pub fn is_browser_automation(module: &str) -> bool {
    let module = module.strip_prefix("node:").unwrap_or(module);
    matches!(
        module,
        "playwright"
            | "playwright-core"
            | "@playwright/test"
            | "puppeteer"
            | "puppeteer-core"
            | "selenium-webdriver"
            | "webdriverio"
    ) || module.starts_with("playwright/")
        || module.starts_with("puppeteer/")
}

/// Resolves raw registrations into window message listeners and analyses their handlers.
pub fn resolve_listeners(
    program: &Program,
    bindings: &Bindings,
    raw: &[RawListener],
    signals: &ScopeSignals,
) -> Vec<MessageListener> {
    let is_global_scope = |listener: &RawListener| match listener.target {
        ListenTarget::GlobalScope => true,
        ListenTarget::Window => false,
        ListenTarget::Expr(target) => is_self(bindings, target),
    };
    let on_global_scope = raw.iter().any(is_global_scope);
    // A worker script: by name, by `importScripts`, or by using the global scope's
    // message events without any DOM.
    let mut worker_file = signals.worker_file_name || signals.imports_scripts;
    if !worker_file && on_global_scope && !signals.uses_dom {
        worker_file = true;
    }
    if worker_file || signals.test_file {
        return Vec::new();
    }
    raw.iter()
        .filter(|listener| !listener.in_worker_code)
        // `function worker() { onmessage = … }` turned into a Blob worker.
        .filter(|listener| {
            !(signals.builds_blob && listener.in_function && is_global_scope(listener))
        })
        .filter(|listener| is_message_event(bindings, listener))
        .filter(|listener| listens_on_window(bindings, listener))
        .filter_map(|listener| {
            let (function, handler) = match &listener.handler {
                RawHandler::Stream { stages, handed_on } => {
                    stream_handler(program, bindings, listener.class, stages, *handed_on)
                }
                raw => {
                    let (function, bound) = resolve_handler(bindings, raw, listener.class);
                    let shape = if listener.form == ListenerForm::JQuery {
                        EventShape::JQuery
                    } else {
                        EventShape::Dom
                    };
                    let handler = function.and_then(|span| {
                        analyze_handler(program, bindings, span, listener.class, shape, bound)
                    });
                    (function, handler)
                }
            };
            let event_name = listener
                .event
                .and_then(|event| bindings.imported_constant(event))
                .map(|(_, found, shown)| {
                    crate::diagnostic::Label::elsewhere(
                        &found.path,
                        found.summary.line,
                        format!("`{shown}` names the `message` event here"),
                    )
                });
            // A handler on the global scope that answers as a worker does (a worker's
            // code pasted into a page script) is a worker's.
            if handler
                .as_ref()
                .is_some_and(|handler| handler.answers_like_worker)
                && is_global_scope(listener)
            {
                return None;
            }
            Some(MessageListener {
                registration: listener.registration.clone(),
                form: listener.form,
                handler_span: function.map(crate::parse::span_range),
                handler,
                imported: listener
                    .imported
                    .iter()
                    .cloned()
                    .chain(event_name)
                    .collect(),
            })
        })
        .collect()
}

/// The function a registration names and how many arguments `bind` gave it.
pub(super) fn resolve_handler(
    bindings: &Bindings,
    handler: &RawHandler,
    class: Option<u32>,
) -> (Option<Span>, usize) {
    match handler {
        RawHandler::Function(span) => (Some(*span), 0),
        RawHandler::Expr(expr) => (
            resolve_function(bindings, expr, class),
            bound_arguments(bindings, expr),
        ),
        RawHandler::Stream { .. } | RawHandler::Missing => (None, 0),
    }
}

/// A stream's stages judged as one handler, and its subscriber's function (the handler
/// a finding points at). A stage whose function is not found here leaves it unjudged.
fn stream_handler(
    program: &Program,
    bindings: &Bindings,
    class: Option<u32>,
    raw: &[RawStage],
    handed_on: bool,
) -> (Option<Span>, Option<HandlerFacts>) {
    let mut stages = Vec::with_capacity(raw.len());
    let mut handed_on = handed_on;
    for stage in raw {
        let function = match &stage.function {
            Some(function) => match resolve_handler(bindings, function, class) {
                (Some(span), bound) => Some((span, bound)),
                // A function of another module (`filter(isTrusted)`, `subscribe(subject)`):
                // what reaches it goes on out of sight.
                (None, _) => {
                    handed_on = true;
                    break;
                }
            },
            None => None,
        };
        stages.push(StreamStage {
            kind: stage.kind,
            function,
            span: stage.span.clone(),
            field: stage.field.and_then(|field| bindings.resolve_string(field)),
        });
    }
    let subscriber = stages
        .last()
        .filter(|stage| stage.kind == StageKind::Act && !handed_on)
        .and_then(|stage| stage.function)
        .map(|(span, _)| span);
    (
        subscriber,
        analyze_stream(program, bindings, class, &stages, handed_on),
    )
}

fn is_self(bindings: &Bindings, target: &Expr) -> bool {
    matches!(
        bindings.global_alias(target).as_deref(),
        Some("self" | "globalThis")
    )
}

fn is_message_event(bindings: &Bindings, listener: &RawListener) -> bool {
    let Some(event) = &listener.event else {
        return true;
    };
    let expected = match listener.form {
        ListenerForm::AttachEvent => "onmessage",
        _ => "message",
    };
    bindings.resolve_string(event).as_deref() == Some(expected)
}

fn listens_on_window(bindings: &Bindings, listener: &RawListener) -> bool {
    let ListenTarget::Expr(target) = listener.target else {
        return true;
    };
    match bindings.classify_target(target) {
        Target::CurrentWindow | Target::OtherWindow(_) => true,
        Target::NotAWindow(_) => false,
        // React Native WebView delivers page messages on `document`. A field the class
        // declares as a `Window` (`this.winRef`) is one, and so is a field named `window`
        // that the file never assigns (a window injected by Angular, often declared by a
        // base class in another file). A document's `defaultView` is its window.
        Target::Unknown => match strip(target) {
            Expr::Ident(ident) => bindings.is_global(ident) && &*ident.sym == "document",
            Expr::Member(member) => match (strip(&member.obj), member_name(&member.prop)) {
                (_, Some("defaultView")) => true,
                (Expr::This(_), Some("window")) => {
                    bindings.this_field_values("window").is_none()
                        && listener.class.is_none_or(|class| {
                            let key = (class, Atom::from("window"));
                            !bindings.class_field_values.contains_key(&key)
                                && !bindings.other_typed_fields.contains(&key)
                        })
                }
                (Expr::This(_), Some(field)) => listener.class.is_some_and(|class| {
                    bindings.window_fields.contains(&(class, Atom::from(field)))
                }),
                _ => false,
            },
            _ => false,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::is_worker_file_name;

    #[test]
    fn worker_file_names() {
        for name in [
            "src/resize.worker.js",
            "assets/css.worker-WHRSVGl1.js",
            "sw.js",
            "public/service-worker.ts",
            "serviceWorker.js",
            "editorWebWorkerMain-a5x7.js",
            "worker.mjs",
            "img_worker.ts",
        ] {
            assert!(is_worker_file_name(name), "{name}");
        }
        for name in [
            "editorWorkerHost-CznI.js",
            "workers.js",
            "swap.js",
            "app.js",
            "networker.js",
        ] {
            assert!(!is_worker_file_name(name), "{name}");
        }
    }
}
