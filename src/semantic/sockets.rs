//! WebSocket clients and their lifecycle: where each socket is made and kept, what
//! its handlers do when it closes, whether something keeps it alive, where it is
//! used before it opens, and which URL it connects to.

use rustc_hash::FxHashSet as HashSet;
use std::ops::Range;

use swc_atoms::Atom;
use swc_common::{Span, Spanned};
use swc_ecma_ast::*;
use swc_ecma_visit::{Visit, VisitWith};

use super::handlers::{Body, expression_text, resolve_function, with_function};
use super::listeners::RawHandler;
pub use super::socket_urls::{Endpoint, InsecureUrl};
use super::socket_urls::{endpoint_of, insecure_url};
pub use super::socket_uses::Uses;
use super::socket_uses::{HolderUse, RawPromise, Reach};
use super::user_actions::UserActions;
use super::values::{BindingKind, Bindings, member_atom, member_name, required_module, strip};
use crate::diagnostic::Label;
use crate::modules::{ReconnectSummary, SocketFactory, SocketLifecycle};
use crate::parse::span_range;

/// How far the lifecycle analysis follows calls from a handler.
const MAX_REACH_DEPTH: u32 = 6;

/// Where the code keeps a socket.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Holder {
    Binding(Id),
    /// `this.<field>` inside a class, or inside the methods of an object literal bound to
    /// a name (by the class's or the object's span start).
    ThisField(Option<u32>, Atom),
    /// `<object>.<field>` of an object bound to a name the file declares (not an import
    /// or a parameter): `ws.value` of a Vue ref, `socketRef.current`, `hep.ws`. Whether
    /// the file owns the object is decided when the socket is followed (`socket_uses`).
    Field(Id, Atom),
}

/// How a socket was constructed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SocketKind {
    /// A browser `WebSocket`.
    Browser,
    /// A socket from a library that reconnects (and often keeps alive) by itself.
    Library(&'static str),
}

/// A construction as the walk saw it.
#[derive(Debug, Clone)]
pub struct RawSocket<'a> {
    pub span: Range<usize>,
    pub callee: &'a Expr,
    pub url: Option<&'a Expr>,
    pub holder: Option<Holder>,
    /// The function the construction is in (`None` at the top level).
    pub frame: Option<Span>,
    /// `await`s seen in that function before the construction.
    pub awaits_before: u32,
    /// Names of the enclosing functions, methods and classes (for `wrappers`).
    pub enclosing_names: Vec<String>,
    pub class: Option<u32>,
    /// `io(url)` and other library connect calls: only their URL is checked.
    pub library: Option<&'static str>,
}

/// `holder = someFunction(…)`.
#[derive(Debug, Clone)]
pub struct CallResult<'a> {
    pub holder: Holder,
    pub callee: &'a Expr,
    pub class: Option<u32>,
    /// When the callee is imported (`connect(url)` with `connect` from another module),
    /// which may be a socket factory: where the call is.
    pub imported: Option<ImportedCall<'a>>,
}

/// A call of an imported function whose result is kept, as a construction would be.
#[derive(Debug, Clone)]
pub struct ImportedCall<'a> {
    pub span: Range<usize>,
    pub args: Vec<Option<&'a Expr>>,
    pub frame: Option<Span>,
    pub awaits_before: u32,
    pub enclosing_names: Vec<String>,
}

/// `socket.onclose = h`, `socket.addEventListener("close", h)`.
#[derive(Debug, Clone)]
pub struct SocketEvent<'a> {
    pub holder: Holder,
    pub event: &'static str,
    pub handler: RawHandler<'a>,
    pub span: Range<usize>,
    pub class: Option<u32>,
}

/// `socket.send(…)`.
#[derive(Debug, Clone)]
pub struct SendSite {
    pub holder: Holder,
    pub span: Range<usize>,
    pub frame: Option<Span>,
    pub awaits_before: u32,
    /// Inside (or after an early exit on) a test of `readyState`.
    pub ready_state_guarded: bool,
}

/// `socket.close()`, `socket.terminate()`.
#[derive(Debug, Clone)]
pub struct CloseSite {
    pub holder: Holder,
    /// The enclosing function (`None` at the top level).
    pub frame: Option<Span>,
    pub span: Range<usize>,
}

/// `setInterval(cb, delay)` / `setTimeout(cb, delay)`.
#[derive(Debug, Clone)]
pub struct TimerSite<'a> {
    pub repeating: bool,
    pub callback: RawHandler<'a>,
    pub class: Option<u32>,
}

/// What the walk recorded about sockets.
#[derive(Debug, Default)]
pub struct RawSockets<'a> {
    pub sockets: Vec<RawSocket<'a>>,
    pub events: Vec<SocketEvent<'a>>,
    pub sends: Vec<SendSite>,
    /// Holders closed somewhere in the file.
    pub closes: Vec<CloseSite>,
    pub timers: Vec<TimerSite<'a>>,
    /// The file calls `clearTimeout`, as liveness timers that are reset do.
    pub clears_timeouts: bool,
    pub test_file: bool,
    /// A minified build (`*.min.js`): a bundled library's sockets, whose keep-alive and
    /// reconnect live in the library's protocol code, not in the project's.
    pub minified_file: bool,
    /// `holder = someFunction(…)`: where call results are kept, to find the sockets
    /// that factories return.
    pub call_results: Vec<CallResult<'a>>,
    /// Uses of what may name a holder: passed, kept elsewhere, returned, handed off (see
    /// `socket_uses`); with the enclosing class. Kept as written and turned into holders
    /// only in a file that has sockets: every call of a file has arguments.
    pub uses: Vec<HolderUse<'a>>,
    /// Object literals kept under a holder when made (`this.state = { socket }`), by the
    /// literal's span start: a socket put in one stays in the file while the holder does.
    pub object_holders: Vec<(u32, Holder)>,
    /// Object literals that are a store's state (`set({ ws })`, a creator's returned
    /// object), by span start, with the store (see `stores`).
    pub store_objects: Vec<(u32, u32)>,
    /// `useStore.getState()` and `useStore.setState` read before the walk saw the store's
    /// creator (so not followed then): the name, the `getState` member's span start and
    /// the key read (`useStore.getState().ws`), if one. What those reads do is unknown.
    pub early_store_reads: Vec<(&'a Ident, u32, Option<Atom>)>,
    /// `new Promise((resolve, reject) => …)`, whose settling functions socket handlers
    /// may call.
    pub promises: Vec<RawPromise<'a>>,
    /// Handlers registered for a user's actions (clicks, submits, key presses), with the
    /// enclosing class.
    pub user_handlers: Vec<(RawHandler<'a>, Option<u32>)>,
    /// Functions the page's markup calls from event handler attributes, and whether on a
    /// user's action (`onclick="connect()"`) or another event (`onload="connect()"`).
    pub markup_calls: Vec<(Atom, bool)>,
}

/// The rules' view of one socket.
#[derive(Debug, Clone)]
pub struct SocketFact {
    /// The `new WebSocket(…)` (or library call).
    pub construction: Range<usize>,
    pub kind: SocketKind,
    /// A `WebSocket` from `ws`, `isomorphic-ws` or another Node package.
    pub node_client: bool,
    /// Opened to stay open: not closed after one exchange, not in a test file.
    pub long_lived: bool,
    /// The close path rejects a promise, so the code awaiting it decides about retrying;
    /// or a listener is registered for an event named only at run time, which may be the
    /// close handler.
    pub close_handed_off: bool,
    /// Opened and closed by the user: made only in functions that run as a user's
    /// action, and closed in another such function (a tester's Connect and Disconnect).
    pub manual: bool,
    /// The socket is handed to code outside what the file shows (another object, a
    /// caller), which may manage its lifecycle.
    pub escapes: bool,
    /// Names of the functions and classes the socket is made in (for `wrappers`).
    pub enclosing_names: Vec<String>,
    /// The close (or error) handlers, for labels.
    pub close_handlers: Vec<Range<usize>>,
    pub reconnect: Option<Reconnect>,
    pub heartbeat: bool,
    /// `send` calls that run before the socket can be open.
    pub early_sends: Vec<Range<usize>>,
    pub insecure_url: Option<InsecureUrl>,
    /// Where it connects, as far as the file tells.
    pub endpoint: Option<Endpoint>,
    /// Labels in other files: the factory that made it, the helpers it is handed to.
    pub elsewhere: Vec<Label>,
}

#[derive(Debug, Clone)]
pub struct Reconnect {
    /// The call that opens the new socket.
    pub call: Range<usize>,
    pub delay: Delay,
    /// The delay expression, when there is one.
    pub delay_span: Option<Range<usize>>,
    /// Retrying stops after some number of attempts.
    pub capped: bool,
    /// Labels in other files: a delay constant, a helper that reconnects.
    pub elsewhere: Vec<Label>,
    /// What opens the new socket, to tell whether it reconnects again in turn.
    pub reopens: Reopens,
}

/// What a reconnect opens the new socket with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reopens {
    /// A construction of the file's, at this span.
    Construction(Range<usize>),
    /// A call of the function that made the socket.
    Maker,
    /// Code elsewhere, or a reload of the page.
    Other,
}

pub use crate::modules::Delay;

/// Whether a path names a minified build: `jquery.min.js`, `mqtt.min.mjs`, `app-min.js`.
pub fn is_minified_path(path: &str) -> bool {
    let name = path
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or(path)
        .to_ascii_lowercase();
    [".min.", "-min."]
        .iter()
        .any(|marker| name.contains(marker))
}

/// Whether a path is a test file (`test/`, `__tests__/`, `*.test.*`, `*.spec.*`, `*.tst.*`,
/// `*-test.*`, `*_spec.*`).
pub fn is_test_path(path: &str) -> bool {
    let path = path.replace('\\', "/").to_ascii_lowercase();
    let name = path.rsplit('/').next().unwrap_or(&path);
    path.starts_with("test/")
        || path.starts_with("tests/")
        || path.contains("/test/")
        || path.contains("/tests/")
        || path.contains("__tests__/")
        || name.contains(".test.")
        || name.contains(".spec.")
        || name.contains(".tst.")
        || [".", "-", "_"].iter().any(|separator| {
            ["test.", "spec."]
                .iter()
                .any(|kind| name.contains(&format!("{separator}{kind}")))
        })
}

/// The browser `WebSocket` constructor, a Node client's, or neither.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Constructor {
    Browser,
    Node,
    Library(&'static str),
    Other,
}

/// Classifies the callee of `new X(…)`.
pub fn constructor_of(bindings: &Bindings, callee: &Expr) -> Constructor {
    constructor_at(bindings, callee, 0)
}

fn constructor_at(bindings: &Bindings, callee: &Expr, depth: u32) -> Constructor {
    if depth > 6 {
        return Constructor::Other;
    }
    match strip(callee) {
        Expr::Ident(ident) if bindings.is_global(ident) => match &*ident.sym {
            "WebSocket" | "MozWebSocket" => Constructor::Browser,
            name => library_constructor(name).map_or(Constructor::Other, Constructor::Library),
        },
        Expr::Ident(ident) => {
            let Some(binding) = bindings.binding(&bindings.id(ident)) else {
                return Constructor::Other;
            };
            if let BindingKind::Import { source, imported } = &binding.kind {
                return match &**source {
                    "ws" | "isomorphic-ws" | "websocket" | "undici" | "node:undici" => {
                        Constructor::Node
                    }
                    "reconnecting-websocket" => Constructor::Library("reconnecting-websocket"),
                    "partysocket" | "partysocket/ws" => Constructor::Library("partysocket"),
                    "sockette" => Constructor::Library("sockette"),
                    "sockjs-client" => Constructor::Library("sockjs-client"),
                    "phoenix" if &**imported == "Socket" => Constructor::Library("phoenix"),
                    "centrifuge" => Constructor::Library("centrifuge"),
                    "subscriptions-transport-ws" => {
                        Constructor::Library("subscriptions-transport-ws")
                    }
                    "pusher-js" => Constructor::Library("pusher-js"),
                    "ably" => Constructor::Library("ably"),
                    _ => Constructor::Other,
                };
            }
            match binding.init() {
                // `const WS = window.WebSocket || window.MozWebSocket`
                Some(init) => match strip(init) {
                    Expr::Bin(bin) => match constructor_at(bindings, &bin.left, depth + 1) {
                        Constructor::Other => constructor_at(bindings, &bin.right, depth + 1),
                        found => found,
                    },
                    // `const WebSocket = require("ws")`
                    Expr::Call(call) if required_module(call).is_some() => {
                        match required_module(call) {
                            Some("ws" | "isomorphic-ws" | "websocket") => Constructor::Node,
                            _ => Constructor::Other,
                        }
                    }
                    other => constructor_at(bindings, other, depth + 1),
                },
                None => Constructor::Other,
            }
        }
        Expr::Member(member) => {
            let is_global_object = matches!(strip(&member.obj), Expr::Ident(object)
                if bindings.is_global(object)
                    && matches!(&*object.sym, "window" | "globalThis" | "self" | "global"));
            match member_name(&member.prop) {
                Some("WebSocket" | "MozWebSocket") if is_global_object => Constructor::Browser,
                _ => Constructor::Other,
            }
        }
        _ => Constructor::Other,
    }
}

fn library_constructor(name: &str) -> Option<&'static str> {
    Some(match name {
        "ReconnectingWebSocket" => "reconnecting-websocket",
        "SockJS" => "sockjs-client",
        "Sockette" => "sockette",
        "PartySocket" => "partysocket",
        "Centrifuge" => "centrifuge",
        "SubscriptionClient" => "subscriptions-transport-ws",
        "Pusher" => "pusher-js",
        _ => return None,
    })
}

/// What resolving a file's sockets found: the facts the rules read, and what the
/// summaries of the functions it exports need.
#[derive(Debug, Default)]
pub struct ResolvedSockets {
    pub facts: Vec<SocketFact>,
    /// Functions that make a socket and return it to callers elsewhere, by span.
    pub factories: Vec<(Span, SocketFactory)>,
}

/// Turns what the walk recorded into socket facts.
pub fn resolve_sockets<'r, 'a>(
    program: &'r Program,
    bindings: &'r Bindings<'a>,
    raw: &'r RawSockets<'a>,
) -> ResolvedSockets {
    let imported_calls = raw
        .call_results
        .iter()
        .any(|result| result.imported.is_some());
    if raw.sockets.is_empty() && !imported_calls {
        return ResolvedSockets::default();
    }
    // Built when the first socket gets that far: in many files no recorded socket is one
    // (a bundle's `io(…)` is often its own function).
    let uses_cell = std::cell::OnceCell::new();
    let mut factories = Vec::new();
    let mut resolved: Vec<(SocketFact, Option<ManualCandidate>)> = raw
        .sockets
        .iter()
        .filter_map(|socket| {
            let (fact, candidate, factory) =
                resolve_socket(program, bindings, raw, &uses_cell, socket, None)?;
            factories.extend(factory);
            Some((fact, candidate))
        })
        .collect();
    // Sockets other modules' factories return (`const ws = connect(url)`).
    if imported_calls {
        let uses = uses_cell.get_or_init(|| Uses::new(program, bindings, raw));
        for (at, result) in raw.call_results.iter().enumerate() {
            let Some(call) = &result.imported else {
                continue;
            };
            if uses.calls_own_function(at) || !used_as_socket(raw, uses, &result.holder) {
                continue;
            }
            let Some((function, found, shown)) = bindings
                .imported_function_for(result.callee, crate::modules::env::Matters::SOCKET_FACTORY)
            else {
                continue;
            };
            let Some(factory) = function.socket else {
                continue;
            };
            let socket = RawSocket {
                span: call.span.clone(),
                callee: result.callee,
                url: factory
                    .url_param
                    .and_then(|index| call.args.get(index).copied().flatten()),
                holder: Some(result.holder.clone()),
                frame: call.frame,
                awaits_before: call.awaits_before,
                enclosing_names: std::iter::once(shown.clone())
                    .chain(call.enclosing_names.iter().cloned())
                    .collect(),
                class: result.class,
                library: None,
            };
            let made = MadeElsewhere {
                factory: &factory,
                label: Label::elsewhere(
                    &found.path,
                    found.summary.line,
                    format!("`{shown}` makes the WebSocket here"),
                ),
                shown: &shown,
            };
            if let Some((fact, candidate, _)) =
                resolve_socket(program, bindings, raw, &uses_cell, &socket, Some(&made))
            {
                resolved.push((fact, candidate));
            }
        }
    }
    // Whether sockets the rules would report are opened and closed by the user: decided
    // for all of them at once, in a few walks of the file.
    let candidates = || {
        resolved
            .iter()
            .filter_map(|(_, candidate)| candidate.as_ref())
    };
    if candidates().next().is_some() {
        let mut actions =
            UserActions::new(program, bindings, &raw.user_handlers, &raw.markup_calls);
        actions.decide(
            candidates()
                .flat_map(|candidate| {
                    std::iter::once(candidate.opened_in).chain(candidate.closed_in.iter().copied())
                })
                .collect::<Vec<_>>(),
        );
        for (fact, candidate) in &mut resolved {
            if let Some(candidate) = candidate {
                fact.manual = actions.runs_on_user_action(candidate.opened_in)
                    && candidate
                        .closed_in
                        .iter()
                        .any(|function| actions.runs_on_user_action(*function));
            }
        }
    }
    ResolvedSockets {
        facts: resolved.into_iter().map(|(fact, _)| fact).collect(),
        factories,
    }
}

/// A socket another module's factory made, as the importing file sees it.
struct MadeElsewhere<'m> {
    factory: &'m SocketFactory,
    /// At the factory in its own file.
    label: Label,
    shown: &'m str,
}

/// Whether the file uses what a holder names as a socket: sets its handlers, sends on
/// it or closes it, under that name or another it keeps it under, or hands it to
/// another module's function that does.
fn used_as_socket(raw: &RawSockets, uses: &Uses, holder: &Holder) -> bool {
    let Reach {
        holders, imported, ..
    } = uses.follow(vec![holder.clone()]);
    !imported.is_empty()
        || raw
            .events
            .iter()
            .any(|event| holders.contains(&event.holder))
        || raw.sends.iter().any(|send| holders.contains(&send.holder))
        || raw
            .closes
            .iter()
            .any(|close| holders.contains(&close.holder))
}

/// What code the file shows does with a socket from the names it starts under.
struct Lifecycle {
    reach: Reach,
    /// The close and error handlers registered, for labels.
    close_handlers: Vec<Range<usize>>,
    /// Some handler is code the file does not have.
    handlers_unknown: bool,
    /// The functions it is closed in.
    closed_in: Vec<Option<Span>>,
    closed_after_exchange: bool,
    reconnect: Option<Reconnect>,
    close_handed_off: bool,
    heartbeat: bool,
}

/// Follows a socket from `start` through the file: its handlers, what its close path
/// does, whether something keeps it alive. `frame` is the function that made it, whose
/// calls open a new one; so do calls of `factory` (another module's, that made it).
fn follow_lifecycle<'r, 'a>(
    program: &'r Program,
    bindings: &'r Bindings<'a>,
    raw: &'r RawSockets<'a>,
    uses: &'r Uses<'r, 'a>,
    start: Vec<Holder>,
    frame: Option<Span>,
    factory: Option<&'r Expr>,
) -> Lifecycle {
    let reach = uses.follow(start);
    let holders = &reach.holders;
    // Asked once per site of the file for each socket: counted, so that a file with tens of
    // thousands of sockets in one name spends its work budget instead of minutes.
    let holds = |holder: &Holder| {
        crate::deadline::tick();
        holders.contains(holder)
    };
    // `old.onclose = null` takes a handler away.
    let events: Vec<&SocketEvent> = raw
        .events
        .iter()
        .filter(|event| holds(&event.holder) && !removes_handler(&event.handler))
        .collect();
    let close_events: Vec<&&SocketEvent> = events
        .iter()
        .filter(|event| event.event == "close" || event.event == "error")
        .collect();
    // A promise settled when the socket opens (`ws.onopen = resolve`) is settled for good:
    // settling it again on a later close or error does nothing.
    let open_settled: Vec<usize> = events
        .iter()
        .filter(|event| event.event == "open")
        .flat_map(|event| {
            let settled = match &event.handler {
                RawHandler::Expr(expr) => uses.promise_settled_by(expr),
                _ => None,
            };
            match settled {
                Some(promise) => vec![promise],
                None => handler_span(bindings, &event.handler, event.class)
                    .map(|span| uses.promises_settled_in(span))
                    .unwrap_or_default(),
            }
        })
        .collect();
    // A promise that the socket's close (or message) settles, and its opening does not,
    // lives as long as the socket: the code awaiting it decides what comes next.
    let settles_later = events.iter().any(|event| {
        event.event != "open"
            && matches!(&event.handler, RawHandler::Expr(expr)
                if uses.promise_settled_by(expr)
                    .is_some_and(|promise| !open_settled.contains(&promise)))
    });
    // A handler set from a parameter (`onClose(fn) { this.ws.onclose = fn }`) belongs to
    // code elsewhere, which then manages the socket.
    let handlers_unknown = events.iter().any(|event| {
        event.event != "any"
            && !matches!(event.handler, RawHandler::Missing)
            && handler_span(bindings, &event.handler, event.class).is_none()
            && !matches!(&event.handler, RawHandler::Expr(expr)
                if uses.promise_settled_by(expr).is_some())
    });
    // A socket kept on an object (`this.ws = new WebSocket(url)` in a wrapper class) that
    // the file neither listens to nor sends on: the code that uses it, and manages it, is
    // elsewhere (`wrapper.ws.onclose = …` in the pages that make the wrapper).
    let used_elsewhere = events.is_empty()
        && holders
            .iter()
            .any(|holder| matches!(holder, Holder::ThisField(..) | Holder::Field(..)))
        && !raw.sends.iter().any(|send| holds(&send.holder));
    let handlers_unknown = handlers_unknown || used_elsewhere;
    // A socket the code closes from its own open or message handling (or a function
    // those call) serves one exchange; closing on error is error handling.
    let mut handler_functions: Vec<Span> = Vec::new();
    for event in events
        .iter()
        .filter(|event| event.event == "open" || event.event == "message")
    {
        if let Some(span) = handler_span(bindings, &event.handler, event.class) {
            handler_functions.push(span);
            called_functions(
                program,
                bindings,
                span,
                event.class,
                &mut handler_functions,
                0,
            );
        }
    }
    // Where the socket is closed: the functions, one look at each close of the file.
    let closed_in: Vec<Option<Span>> = raw
        .closes
        .iter()
        .filter(|close| holds(&close.holder))
        .map(|close| close.frame)
        .collect();
    let closed_after_exchange = closed_in.iter().flatten().any(|frame| {
        handler_functions
            .iter()
            .any(|handler| handler.lo <= frame.lo && frame.hi <= handler.hi)
    });
    let mut search = ReachSearch {
        program,
        bindings,
        frame,
        factory,
        uses,
        open_settled: &open_settled,
        visited: HashSet::default(),
        handed_off: settles_later,
    };
    let found = close_events.iter().find_map(|event| {
        let span = handler_span(bindings, &event.handler, event.class)?;
        let reconnect = search.reconnect_from(span, event.class, 0, &Chain::default())?;
        Some((reconnect, span))
    });
    // A reconnect loops only if the socket it opens gets the reconnecting handler in
    // turn (or a close handler the file cannot follow, such as the old socket's,
    // `ws.onclose = old.onclose`), from the function that opens it or one that function
    // calls. Handlers set once, outside it, see a single reconnect: retrying stops there.
    let reconnect = found.map(|(mut reconnect, reconnecting)| {
        let opened_in = match &reconnect.reopens {
            Reopens::Maker => frame.map(|frame| (frame, None)),
            Reopens::Construction(span) => raw
                .sockets
                .iter()
                .find(|socket| &socket.span == span)
                .and_then(|socket| Some((socket.frame?, socket.holder.clone()))),
            Reopens::Other => None,
        };
        if let Some((function, own_holder)) = opened_in {
            let class = close_events.first().and_then(|event| event.class);
            let mut functions = vec![function];
            called_functions(program, bindings, function, class, &mut functions, 0);
            let functions: Vec<Range<usize>> = functions.into_iter().map(span_range).collect();
            let handled_again = raw.events.iter().any(|event| {
                (event.event == "close" || event.event == "error")
                    && !removes_handler(&event.handler)
                    && (own_holder.as_ref() == Some(&event.holder) || holds(&event.holder))
                    && functions.iter().any(|function| {
                        function.start <= event.span.start && event.span.end <= function.end
                    })
                    && match handler_span(bindings, &event.handler, event.class) {
                        Some(handler) => handler == reconnecting,
                        None => event.event == "close",
                    }
            });
            reconnect.capped |= !handled_again;
        }
        reconnect
    });
    // A liveness timeout: the message handler re-arms a timer on every message.
    let rearmed_on_message = events
        .iter()
        .filter(|event| event.event == "message")
        .filter_map(|event| {
            Some((
                handler_span(bindings, &event.handler, event.class)?,
                event.class,
            ))
        })
        .any(|(span, class)| {
            arms_timeout(program, bindings, span, class, &mut HashSet::default(), 0)
        });
    let heartbeat = rearmed_on_message || {
        let heartbeats = uses
            .heartbeats
            .get_or_init(|| heartbeat_holders(program, bindings, raw));
        holders.iter().any(|holder| heartbeats.contains(holder))
    };
    Lifecycle {
        close_handlers: close_events
            .iter()
            .map(|event| event.span.clone())
            .collect(),
        handlers_unknown,
        closed_in,
        closed_after_exchange,
        reconnect,
        // A listener registered for an event the file names only at run time
        // (`addEventListener(socket, "close", this.onClose)` through a helper that does
        // `target.addEventListener(type, listener)`) may be the close handler, and what it
        // does on close is not known here.
        close_handed_off: search.handed_off || events.iter().any(|event| event.event == "any"),
        heartbeat,
        reach,
    }
}

impl Lifecycle {
    /// What the file's code does with the socket, for another module's view of it.
    fn summary(&self, escapes: bool) -> SocketLifecycle {
        SocketLifecycle {
            heartbeat: self.heartbeat,
            reconnect: self.reconnect.as_ref().map(|reconnect| ReconnectSummary {
                delay: reconnect.delay,
                capped: reconnect.capped,
            }),
            handles_close: !self.close_handlers.is_empty(),
            close_handed_off: self.close_handed_off,
            closes_after_exchange: self.closed_after_exchange,
            closes: !self.closed_in.is_empty(),
            escapes: escapes || self.handlers_unknown,
        }
    }

    /// Adds what other modules' code does with the socket: `made` its factory, and the
    /// imported helpers the socket is handed to.
    fn merge_elsewhere(
        &mut self,
        made: Option<(&SocketLifecycle, Range<usize>, &Label, &str)>,
        elsewhere: &mut Vec<Label>,
    ) {
        let imported: Vec<(SocketLifecycle, Range<usize>, Label, String)> = self
            .reach
            .imported
            .iter()
            .map(|known| {
                (
                    known.lifecycle.clone(),
                    known.callee.clone(),
                    known.label.clone(),
                    known.shown.clone(),
                )
            })
            .collect();
        let made = made.map(|(lifecycle, call, label, shown)| {
            (lifecycle.clone(), call, label.clone(), shown.to_string())
        });
        for (lifecycle, call, label, shown) in made.into_iter().chain(imported) {
            self.heartbeat |= lifecycle.heartbeat;
            self.close_handed_off |= lifecycle.close_handed_off;
            self.closed_after_exchange |= lifecycle.closes_after_exchange;
            self.handlers_unknown |= lifecycle.escapes;
            if self.reconnect.is_none()
                && let Some(reconnect) = &lifecycle.reconnect
            {
                self.reconnect = Some(Reconnect {
                    call: call.clone(),
                    delay: reconnect.delay,
                    delay_span: None,
                    capped: reconnect.capped,
                    elsewhere: vec![Label::elsewhere(
                        label
                            .elsewhere
                            .as_ref()
                            .map_or("", |place| place.path.as_str()),
                        label.elsewhere.as_ref().map_or(0, |place| place.line),
                        format!("`{shown}` reopens the socket when it closes"),
                    )],
                    reopens: Reopens::Other,
                });
            }
            if lifecycle.handles_close && self.close_handlers.is_empty() {
                self.close_handlers.push(call);
            }
            if !elsewhere.contains(&label) {
                elsewhere.push(label);
            }
        }
    }
}

/// One socket resolved: its fact, whether the user may open and close it, and the
/// function that returns it to callers elsewhere (a factory).
type Resolved = (
    SocketFact,
    Option<ManualCandidate>,
    Option<(Span, SocketFactory)>,
);

/// A socket that may be opened and closed by the user: the function it is made in, and
/// the other functions that close it.
struct ManualCandidate {
    opened_in: Span,
    closed_in: Vec<Span>,
}

fn resolve_socket<'r, 'a>(
    program: &'r Program,
    bindings: &'r Bindings<'a>,
    raw: &'r RawSockets<'a>,
    uses: &'r std::cell::OnceCell<Uses<'r, 'a>>,
    socket: &RawSocket<'a>,
    made: Option<&MadeElsewhere>,
) -> Option<Resolved> {
    let (kind, node_client) = match (made, socket.library) {
        (Some(_), _) => (SocketKind::Browser, false),
        (None, Some(library)) if names_library_function(bindings, socket.callee, library) => {
            (SocketKind::Library(library), false)
        }
        (None, Some(_)) => return None,
        (None, None) => match constructor_of(bindings, socket.callee) {
            Constructor::Browser => (SocketKind::Browser, false),
            Constructor::Node => (SocketKind::Browser, true),
            Constructor::Library(library) => (SocketKind::Library(library), false),
            Constructor::Other => return None,
        },
    };
    let scheme_is_http_ok = matches!(kind, SocketKind::Browser);
    let mut insecure_url = socket
        .url
        .and_then(|url| insecure_url(bindings, url, !scheme_is_http_ok));
    let uses = uses.get_or_init(|| Uses::new(program, bindings, raw));
    // A socket made in a factory (`return new WebSocket(url)`) is whatever the callers
    // keep its result in; then every name the file keeps it under (see `socket_uses`).
    let mut start: Vec<Holder> = socket.holder.iter().cloned().collect();
    if made.is_none()
        && let Some(factory) = socket.frame
    {
        start.extend(uses.kept_results_of(factory).cloned());
    }
    let mut lifecycle = follow_lifecycle(
        program,
        bindings,
        raw,
        uses,
        start.clone(),
        socket.frame,
        made.map(|_| socket.callee),
    );
    let mut elsewhere = Vec::new();
    lifecycle.merge_elsewhere(
        made.map(|made| {
            (
                &made.factory.lifecycle,
                socket.span.clone(),
                &made.label,
                made.shown,
            )
        }),
        &mut elsewhere,
    );
    if let (Some(url), Some(made)) = (&mut insecure_url, made) {
        url.trail.push(Label::elsewhere(
            made.label
                .elsewhere
                .as_ref()
                .map_or("", |place| place.path.as_str()),
            made.label.elsewhere.as_ref().map_or(0, |place| place.line),
            format!("`{}` opens a WebSocket to its argument here", made.shown),
        ));
    }
    let holder = lifecycle.reach.holders.first();
    // A send belongs to the last socket its holder got before it: once the same holder is
    // given a new socket in the same function, later sends are that socket's. (Every later
    // send was every earlier socket's too: n sockets in one `var` made n² findings.)
    let replaced_at = raw
        .sockets
        .iter()
        .filter(|other| {
            crate::deadline::tick();
            other.frame == socket.frame
                && other.span.start >= socket.span.end
                && other.holder.is_some()
                && other.holder == socket.holder
        })
        .map(|other| other.span.start)
        .min()
        .unwrap_or(usize::MAX);
    // Closed by the run that opens it, in the function that made it (not in a handler or
    // callback defined there), after it is made: a socket for one exchange, however
    // that exchange goes (`const s = new WebSocket(u); s.onmessage = show; s.send(q);
    // s.close();`).
    let closed_in_same_run = raw.closes.iter().any(|close| {
        start.contains(&close.holder)
            && close.frame == socket.frame
            && close.span.start >= socket.span.end
            && close.span.start < replaced_at
    });
    let long_lived = !raw.test_file
        && !raw.minified_file
        && !lifecycle.closed_after_exchange
        && !closed_in_same_run
        && holder.is_some();
    // Only under the names it was made in: `const old = this.socket` before it names the
    // socket before.
    let early_sends = if made.is_some_and(|made| made.factory.waits_for_open) {
        Vec::new()
    } else {
        raw.sends
            .iter()
            .filter(|send| {
                start.contains(&send.holder)
                    && send.frame == socket.frame
                    && send.span.start >= socket.span.end
                    && send.span.start < replaced_at
                    && send.awaits_before == socket.awaits_before
                    && !send.ready_state_guarded
            })
            .map(|send| send.span.clone())
            .collect()
    };
    let escapes = lifecycle.reach.escapes || lifecycle.handlers_unknown;
    // A socket made here and returned to callers elsewhere: what they are told of it.
    let factory = (made.is_none()
        && kind == SocketKind::Browser
        && !node_client
        && !lifecycle.reach.escapes_otherwise)
        .then(|| {
            socket
                .frame
                .filter(|frame| lifecycle.reach.returned_out.contains(frame))
        })
        .flatten()
        .map(|frame| {
            let factory = SocketFactory {
                url_param: socket
                    .url
                    .and_then(|url| parameter_index(program, bindings, frame, url)),
                waits_for_open: awaits_after(program, frame, socket.span.end),
                lifecycle: lifecycle.summary(false),
            };
            (frame, factory)
        });
    // Closed in a function other than the one that opens it (which may close the socket
    // before to open the next).
    let manual_candidate =
        (long_lived && !escapes && (lifecycle.reconnect.is_none() || !lifecycle.heartbeat))
            .then_some(socket.frame)
            .flatten()
            .and_then(|opened_in| {
                let closed_in: Vec<Span> = lifecycle
                    .closed_in
                    .iter()
                    .flatten()
                    .copied()
                    .filter(|frame| *frame != opened_in)
                    .collect();
                (!closed_in.is_empty()).then_some(ManualCandidate {
                    opened_in,
                    closed_in,
                })
            });
    let fact = SocketFact {
        construction: socket.span.clone(),
        kind,
        node_client,
        long_lived,
        close_handed_off: lifecycle.close_handed_off,
        manual: false,
        escapes,
        enclosing_names: socket.enclosing_names.clone(),
        close_handlers: lifecycle.close_handlers,
        reconnect: lifecycle.reconnect,
        heartbeat: lifecycle.heartbeat,
        early_sends,
        insecure_url,
        endpoint: socket.url.and_then(|url| endpoint_of(bindings, url)),
        elsewhere,
    };
    Some((fact, manual_candidate, factory))
}

/// Where the file's parameters are declared that it uses as sockets (sends on them,
/// closes them, handles their close, messages or opening): only functions that declare one are asked what
/// they do with a socket ([`parameter_lifecycles`]).
pub fn socket_parameters(bindings: &Bindings, raw: &RawSockets) -> Vec<Range<usize>> {
    // Sent on, closed, or given a close, message or open handler: one that only gets an
    // error handler is not asked about.
    let mut found: Vec<Range<usize>> = raw
        .events
        .iter()
        .filter(|event| event.event != "error")
        .map(|event| &event.holder)
        .chain(raw.sends.iter().map(|send| &send.holder))
        .chain(raw.closes.iter().map(|close| &close.holder))
        .filter_map(|holder| match holder {
            Holder::Binding(id) => bindings.binding(id),
            _ => None,
        })
        .filter(|binding| binding.kind == BindingKind::Parameter)
        .map(|binding| binding.span.clone())
        .collect();
    found.sort_by_key(|span| (span.start, span.end));
    found.dedup();
    found
}

/// What each parameter of a function does with a socket handed there, when it uses
/// some parameter as a socket (see `crate::modules::FunctionSummary::socket_params`).
/// `parameters` are those of the file used as sockets ([`socket_parameters`]).
pub fn parameter_lifecycles<'r, 'a>(
    program: &'r Program,
    bindings: &'r Bindings<'a>,
    raw: &'r RawSockets<'a>,
    uses: &'r Uses<'r, 'a>,
    parameters: &[Range<usize>],
    function: Span,
) -> Vec<Option<SocketLifecycle>> {
    let range = span_range(function);
    let first = parameters.partition_point(|span| span.start < range.start);
    if parameters
        .get(first)
        .is_none_or(|span| span.end > range.end)
    {
        return Vec::new();
    }
    let params: Vec<Option<Id>> = with_function(program, function, |function_ref| {
        function_ref
            .params
            .iter()
            .map(|param| match param {
                Pat::Ident(name) => bindings.binding_id(&name.id),
                Pat::Assign(assign) => match &*assign.left {
                    Pat::Ident(name) => bindings.binding_id(&name.id),
                    _ => None,
                },
                _ => None,
            })
            .collect()
    })
    .unwrap_or_default();
    let lifecycles: Vec<Option<SocketLifecycle>> = params
        .into_iter()
        .map(|param| {
            let holder = Holder::Binding(param?);
            if !used_as_socket(raw, uses, &holder) {
                return None;
            }
            let mut lifecycle =
                follow_lifecycle(program, bindings, raw, uses, vec![holder], None, None);
            // What the helpers it hands the socket to do counts here as there.
            lifecycle.merge_elsewhere(None, &mut Vec::new());
            // Returned to the caller, it stays the caller's; used as a socket, even if
            // only read, it stays the caller's too.
            Some(lifecycle.summary(lifecycle.reach.escapes_otherwise))
        })
        .collect();
    if lifecycles.iter().all(Option::is_none) {
        return Vec::new();
    }
    lifecycles
}

/// The position of the parameter of `function` that `url` names.
fn parameter_index(
    program: &Program,
    bindings: &Bindings,
    function: Span,
    url: &Expr,
) -> Option<usize> {
    let Expr::Ident(url) = strip(url) else {
        return None;
    };
    let id = bindings.binding_id(url)?;
    with_function(program, function, |function_ref| {
        function_ref.params.iter().position(|param| {
            let param = match param {
                Pat::Assign(assign) => &*assign.left,
                other => other,
            };
            matches!(param, Pat::Ident(name) if bindings.binding_id(&name.id).as_ref() == Some(&id))
        })
    })
    .flatten()
}

/// Whether `function` awaits something after `offset` (an open promise before it
/// returns the socket).
fn awaits_after(program: &Program, function: Span, offset: usize) -> bool {
    struct Awaits {
        after: usize,
        found: bool,
    }
    impl Visit for Awaits {
        crate::guard_nesting!();

        fn visit_await_expr(&mut self, awaited: &AwaitExpr) {
            self.found |= span_range(awaited.span).start >= self.after;
            awaited.visit_children_with(self);
        }
        // Functions inside run later, or not at all.
        fn visit_function(&mut self, _: &Function) {}
        fn visit_arrow_expr(&mut self, _: &ArrowExpr) {}
    }
    let mut awaits = Awaits {
        after: offset,
        found: false,
    };
    with_function(program, function, |function_ref| match &function_ref.body {
        Body::Block(stmts) => stmts.visit_with(&mut awaits),
        Body::Expr(expr) => expr.visit_with(&mut awaits),
    });
    awaits.found
}

/// `socket.onclose = null` (or `undefined`): no handler.
fn removes_handler(handler: &RawHandler) -> bool {
    matches!(handler, RawHandler::Expr(expr) if match strip(expr) {
        Expr::Lit(Lit::Null(_)) => true,
        Expr::Ident(ident) => &*ident.sym == "undefined",
        _ => false,
    })
}

fn handler_span(bindings: &Bindings, handler: &RawHandler, class: Option<u32>) -> Option<Span> {
    super::listeners::resolve_handler(bindings, handler, class).0
}

/// Adds the same-file functions a function calls (two levels deep) to `out`.
fn called_functions(
    program: &Program,
    bindings: &Bindings,
    function: Span,
    class: Option<u32>,
    out: &mut Vec<Span>,
    depth: u32,
) {
    if depth > 1 {
        return;
    }
    struct Calls<'b> {
        bindings: &'b Bindings<'b>,
        class: Option<u32>,
        found: Vec<Span>,
    }
    impl Visit for Calls<'_> {
        crate::guard_nesting!();

        fn visit_call_expr(&mut self, call: &CallExpr) {
            if let Callee::Expr(callee) = &call.callee
                && let Some(span) = resolve_function(self.bindings, callee, self.class)
            {
                self.found.push(span);
            }
            call.visit_children_with(self);
        }
    }
    let mut calls = Calls {
        bindings,
        class,
        found: Vec::new(),
    };
    with_function(program, function, |function_ref| match &function_ref.body {
        Body::Block(stmts) => stmts.visit_with(&mut calls),
        Body::Expr(expr) => expr.visit_with(&mut calls),
    });
    for span in calls.found {
        if !out.contains(&span) {
            out.push(span);
            called_functions(program, bindings, span, class, out, depth + 1);
        }
    }
}

/// The conditions and timers between a close handler and a reconnect.
#[derive(Debug, Clone, Default)]
struct Chain {
    /// The delay of the innermost `setTimeout` on the way, if any, and where an
    /// imported delay constant is defined.
    delay: Option<(Delay, Range<usize>, Option<Label>)>,
    /// A test on an attempt counter guards the way.
    capped: bool,
}

/// Follows the code reachable from a close handler, looking for a new socket.
struct ReachSearch<'p, 's> {
    program: &'p Program,
    bindings: &'p Bindings<'p>,
    /// The function that made the socket: calling it opens a new one.
    frame: Option<Span>,
    /// Another module's factory that made it: calling it opens a new one.
    factory: Option<&'s Expr>,
    uses: &'s Uses<'p, 'p>,
    /// The promises the socket's opening settles (see `resolve_socket`).
    open_settled: &'s [usize],
    visited: HashSet<(u32, u32)>,
    /// The close path rejects a promise: whoever awaits it decides about retrying.
    handed_off: bool,
}

impl ReachSearch<'_, '_> {
    fn reconnect_from(
        &mut self,
        function: Span,
        class: Option<u32>,
        depth: u32,
        chain: &Chain,
    ) -> Option<Reconnect> {
        if depth > MAX_REACH_DEPTH || !self.visited.insert((function.lo.0, function.hi.0)) {
            return None;
        }
        let program = self.program;
        let mut found = None;
        with_function(program, function, |function_ref| {
            let mut walker = ReachWalker {
                search: self,
                class,
                depth,
                chain: chain.clone(),
                found: None,
            };
            match &function_ref.body {
                Body::Block(stmts) => walker.visit_stmts(stmts),
                Body::Expr(expr) => expr.visit_with(&mut walker),
            }
            found = walker.found;
        });
        found
    }

    /// Whether a call opens a new socket, and how: it calls the function that
    /// constructed this one (directly, as `this.method`), or another module's factory.
    fn reopening(&self, callee: &Expr, class: Option<u32>) -> Option<Reopens> {
        if let Some(factory) = self.factory
            && expression_text(callee) == expression_text(factory)
            && self.bindings.imported_function(callee).is_some()
        {
            return Some(Reopens::Other);
        }
        let frame = self.frame?;
        (resolve_function(self.bindings, callee, class) == Some(frame)).then_some(Reopens::Maker)
    }
}

struct ReachWalker<'r, 'p, 's> {
    search: &'r mut ReachSearch<'p, 's>,
    class: Option<u32>,
    depth: u32,
    chain: Chain,
    found: Option<Reconnect>,
}

impl ReachWalker<'_, '_, '_> {
    fn report(&mut self, call: Range<usize>, reopens: Reopens) {
        if self.found.is_some() {
            return;
        }
        let (delay, delay_span, elsewhere) = match &self.chain.delay {
            Some((delay, span, label)) => {
                (*delay, Some(span.clone()), label.iter().cloned().collect())
            }
            None => (Delay::Immediate, None, Vec::new()),
        };
        self.found = Some(Reconnect {
            call,
            delay,
            delay_span,
            capped: self.chain.capped,
            elsewhere,
            reopens,
        });
    }

    fn follow(&mut self, function: Span, chain: Chain) {
        if self.found.is_some() {
            return;
        }
        let class = self.class;
        let depth = self.depth + 1;
        if let Some(found) = self.search.reconnect_from(function, class, depth, &chain) {
            self.found = Some(found);
        }
    }
}

impl ReachWalker<'_, '_, '_> {
    /// A socket handed in from another module (no frame here made it): a close handler
    /// that schedules a call into the module that made it (`setTimeout(() =>
    /// session.start(), delay)`) is taken to reopen it there, as the module's own call
    /// of its maker would be.
    fn reopens_elsewhere(&self, callee: &Expr) -> bool {
        self.search.frame.is_none()
            && self.chain.delay.is_some()
            && self.search.bindings.is_imported(callee)
    }
}

impl Visit for ReachWalker<'_, '_, '_> {
    crate::guard_nesting!();

    /// `storeRef?.getState().connect(true)`: an optional call opens a new socket as a
    /// call does.
    fn visit_opt_chain_expr(&mut self, chain: &OptChainExpr) {
        if let OptChainBase::Call(call) = &*chain.base
            && let Some(reopens) = self.search.reopening(&call.callee, self.class)
        {
            self.report(span_range(chain.span), reopens);
            return;
        }
        chain.visit_children_with(self);
    }

    fn visit_new_expr(&mut self, new: &NewExpr) {
        if constructor_of(self.search.bindings, &new.callee) == Constructor::Browser {
            self.report(
                span_range(new.span),
                Reopens::Construction(span_range(new.span)),
            );
        }
        new.visit_children_with(self);
    }

    fn visit_if_stmt(&mut self, if_stmt: &IfStmt) {
        let capped = is_attempt_test(self.search.bindings, &if_stmt.test);
        let outer = self.chain.capped;
        self.chain.capped |= capped;
        if_stmt.visit_children_with(self);
        self.chain.capped = outer;
    }

    fn visit_stmts(&mut self, stmts: &[Stmt]) {
        let outer = self.chain.capped;
        let outer_delay = self.chain.delay.clone();
        for stmt in stmts {
            stmt.visit_with(self);
            // `if (this.attempts >= MAX) return;` caps everything after it.
            if let Stmt::If(if_stmt) = stmt
                && is_attempt_test(self.search.bindings, &if_stmt.test)
            {
                self.chain.capped = true;
            }
            // `await sleep(2000);` delays everything after it, as a timer would.
            if self.chain.delay.is_none()
                && let Some(pause) = awaited_pause(stmt)
            {
                self.chain.delay = Some((
                    classify_delay(self.search.bindings, pause),
                    span_range(pause.span()),
                    imported_delay(self.search.bindings, pause),
                ));
            }
        }
        self.chain.capped = outer;
        self.chain.delay = outer_delay;
    }

    fn visit_call_expr(&mut self, call: &CallExpr) {
        let Callee::Expr(callee) = &call.callee else {
            return call.visit_children_with(self);
        };
        let callee = strip(callee);
        let name = match callee {
            Expr::Ident(ident) => Some(ident.sym.to_string()),
            Expr::Member(member) => member_name(&member.prop).map(str::to_string),
            _ => None,
        };
        // `location.reload()`: the reloaded page opens a new socket. It is no retry loop
        // of this page's (a page that cannot load stops), so its timing is not judged.
        // (`location.replace(location.href)` and `location.assign(location.href)` reload.)
        if let Expr::Member(member) = callee
            && expression_text(&member.obj).ends_with("location")
            && (name.as_deref() == Some("reload")
                || (matches!(name.as_deref(), Some("replace" | "assign"))
                    && call
                        .args
                        .first()
                        .is_some_and(|arg| expression_text(&arg.expr).ends_with("location.href"))))
        {
            let saved = self.chain.capped;
            self.chain.capped = true;
            self.report(span_range(call.span), Reopens::Other);
            self.chain.capped = saved;
            return;
        }
        if matches!(
            name.as_deref(),
            Some("setTimeout" | "setInterval" | "requestAnimationFrame")
        ) {
            let delay = call.args.get(1).map(|arg| {
                (
                    classify_delay(self.search.bindings, &arg.expr),
                    span_range(arg.expr.span()),
                    imported_delay(self.search.bindings, &arg.expr),
                )
            });
            let chain = Chain {
                delay: Some(delay.unwrap_or((Delay::Immediate, span_range(call.span), None))),
                capped: self.chain.capped,
            };
            if let Some(callback) = call.args.first() {
                // `setTimeout(connect, delay)`: the timer itself reopens the socket.
                if let Some(reopens) =
                    self.search
                        .reopening(&callback.expr, self.class)
                        .or_else(|| {
                            (self.search.frame.is_none()
                                && self.search.bindings.is_imported(&callback.expr))
                            .then_some(Reopens::Other)
                        })
                {
                    let saved = std::mem::replace(&mut self.chain, chain);
                    self.report(span_range(call.span), reopens);
                    self.chain = saved;
                    return;
                }
                let span = function_span(&callback.expr)
                    .or_else(|| resolve_function(self.search.bindings, &callback.expr, self.class));
                if let Some(span) = span {
                    let saved = std::mem::replace(&mut self.chain, chain.clone());
                    // An inline callback is visited in place, with the timer's delay.
                    if function_span(&callback.expr).is_some() {
                        callback.expr.visit_with(self);
                    } else {
                        self.follow(span, chain);
                    }
                    self.chain = saved;
                }
            }
            return;
        }
        if let Some(reopens) = self
            .search
            .reopening(callee, self.class)
            .or_else(|| self.reopens_elsewhere(callee).then_some(Reopens::Other))
        {
            self.report(span_range(call.span), reopens);
            return;
        }
        // Settling a promise hands the close to whoever awaits it, unless the socket's
        // opening settled it already.
        match self.search.uses.promise_settled_by(callee) {
            Some(promise) => {
                self.search.handed_off |= !self.search.open_settled.contains(&promise);
            }
            None => {
                self.search.handed_off |= name
                    .as_deref()
                    .is_some_and(|name| name.to_ascii_lowercase().contains("reject"))
                    || emits_to_listeners(callee);
            }
        }
        if let Some(span) = resolve_function(self.search.bindings, callee, self.class) {
            self.follow(span, self.chain.clone());
        }
        call.visit_children_with(self);
    }
}

/// `this.emit(…)`, `this.$emit(…)`, `this.dispatchEvent(…)`, `this.events.emit(…)`: an
/// object that wraps the socket tells its own listeners, code the file need not show.
/// From the close path, the close is theirs to handle (a socket wrapper's users
/// reconnect it), as a rejected promise's awaiters do.
fn emits_to_listeners(callee: &Expr) -> bool {
    let Expr::Member(member) = callee else {
        return false;
    };
    if !matches!(
        member_name(&member.prop),
        Some("emit" | "$emit" | "dispatchEvent")
    ) {
        return false;
    }
    match strip(&member.obj) {
        Expr::This(_) => true,
        Expr::Member(inner) => matches!(strip(&inner.obj), Expr::This(_)),
        _ => false,
    }
}

fn function_span(expr: &Expr) -> Option<Span> {
    match strip(expr) {
        Expr::Fn(function) => Some(function.function.span),
        Expr::Arrow(arrow) => Some(arrow.span),
        _ => None,
    }
}

/// `attempts < MAX_RETRIES`, `this.retries >= 5`, `retryCount > limit`, `reopenTimes < 5`.
/// A comparison with no bound (`attempts >= maxAttempts` with `maxAttempts = Infinity`)
/// caps nothing.
fn is_attempt_test(bindings: &Bindings, test: &Expr) -> bool {
    struct Finder<'b, 'a>(bool, &'b Bindings<'a>);
    impl Visit for Finder<'_, '_> {
        crate::guard_nesting!();

        fn visit_bin_expr(&mut self, bin: &BinExpr) {
            let unbounded = is_infinite(self.1, &bin.left) || is_infinite(self.1, &bin.right);
            if !unbounded
                && matches!(
                    bin.op,
                    BinaryOp::Lt
                        | BinaryOp::LtEq
                        | BinaryOp::Gt
                        | BinaryOp::GtEq
                        | BinaryOp::EqEqEq
                        | BinaryOp::EqEq
                )
            {
                let text = format!(
                    "{} {}",
                    expression_text(&bin.left),
                    expression_text(&bin.right)
                )
                .to_ascii_lowercase();
                if [
                    "attempt",
                    "retr",
                    "tries",
                    "count",
                    "max",
                    "times",
                    "reconnects",
                    "fail",
                ]
                .iter()
                .any(|word| text.contains(word))
                {
                    self.0 = true;
                }
            }
            bin.visit_children_with(self);
        }
    }
    let mut finder = Finder(false, bindings);
    test.visit_with(&mut finder);
    finder.0
}

/// `Infinity`, `Number.POSITIVE_INFINITY`, or a name bound only to one.
fn is_infinite(bindings: &Bindings, expr: &Expr) -> bool {
    let infinite = |expr: &Expr| match strip(expr) {
        Expr::Ident(ident) => &*ident.sym == "Infinity" && bindings.is_global(ident),
        Expr::Member(_) => super::handlers::expression_is(expr, "Number.POSITIVE_INFINITY"),
        _ => false,
    };
    if infinite(expr) {
        return true;
    }
    let Expr::Ident(ident) = strip(expr) else {
        return false;
    };
    bindings
        .binding_id(ident)
        .and_then(|id| bindings.binding(&id))
        .is_some_and(|binding| {
            binding.kind == BindingKind::Const && binding.init().is_some_and(infinite)
        })
}

/// Classifies a timer delay: growing or random is backoff, a number is fixed.
/// The pause of a statement that awaits one: `await sleep(ms)` (or `delay`, `wait`,
/// `pause`, `timeout`, as a function or a method) and `await new Promise((resolve) =>
/// setTimeout(resolve, ms))`.
fn awaited_pause(stmt: &Stmt) -> Option<&Expr> {
    let Stmt::Expr(ExprStmt { expr, .. }) = stmt else {
        return None;
    };
    let Expr::Await(awaited) = strip(expr) else {
        return None;
    };
    match strip(&awaited.arg) {
        Expr::Call(call) => {
            let Callee::Expr(callee) = &call.callee else {
                return None;
            };
            let name = match strip(callee) {
                Expr::Ident(ident) => &*ident.sym,
                Expr::Member(member) => member_name(&member.prop)?,
                _ => return None,
            };
            matches!(name, "sleep" | "delay" | "wait" | "pause" | "timeout")
                .then(|| call.args.first().map(|arg| &*arg.expr))
                .flatten()
        }
        Expr::New(new) => {
            let Expr::Ident(promise) = strip(&new.callee) else {
                return None;
            };
            if &*promise.sym != "Promise" {
                return None;
            }
            let executor = &new.args.as_ref()?.first()?.expr;
            let body = match strip(executor) {
                Expr::Arrow(arrow) => match &*arrow.body {
                    ArrowFunctionBody::Expr(expr) => expr,
                    ArrowFunctionBody::FunctionBody(block) => match block.stmts.as_slice() {
                        [Stmt::Expr(ExprStmt { expr, .. })] => expr,
                        _ => return None,
                    },
                },
                _ => return None,
            };
            let Expr::Call(timer) = strip(body) else {
                return None;
            };
            let Callee::Expr(callee) = &timer.callee else {
                return None;
            };
            matches!(strip(callee), Expr::Ident(name) if &*name.sym == "setTimeout")
                .then(|| timer.args.get(1).map(|arg| &*arg.expr))
                .flatten()
        }
        _ => None,
    }
}

fn classify_delay(bindings: &Bindings, delay: &Expr) -> Delay {
    classify_delay_at(bindings, delay, 0)
}

fn classify_delay_at(bindings: &Bindings, delay: &Expr, depth: u32) -> Delay {
    if depth > 6 {
        return Delay::Unknown;
    }
    if mentions_backoff(delay) {
        return Delay::Backoff;
    }
    // `RECONNECT_DELAY` (or `config.RECONNECT_DELAY`) defined as a number in another
    // module.
    if let Some((value, _, _)) = bindings.imported_constant(delay) {
        return match value {
            crate::modules::ConstValue::Num(_) => Delay::Fixed,
            _ => Delay::Unknown,
        };
    }
    match strip(delay) {
        Expr::Lit(Lit::Num(_)) => Delay::Fixed,
        Expr::Ident(ident) => match bindings.binding(&bindings.id(ident)) {
            Some(binding) if binding.kind == BindingKind::Const => {
                binding.init().map_or(Delay::Unknown, |init| {
                    classify_delay_at(bindings, init, depth + 1)
                })
            }
            Some(binding) if binding.has_unknown_assignment || !binding.assignments.is_empty() => {
                // `delay *= 2` or `delay = Math.min(delay * 2, max)` somewhere.
                if binding.has_unknown_assignment
                    || binding
                        .assignments
                        .iter()
                        .any(|value| mentions_backoff(value))
                {
                    Delay::Backoff
                } else {
                    Delay::Fixed
                }
            }
            Some(binding) => binding.init().map_or(Delay::Unknown, |init| {
                classify_delay_at(bindings, init, depth + 1)
            }),
            None => Delay::Unknown,
        },
        Expr::Member(member) => match (strip(&member.obj), member_name(&member.prop)) {
            // `this.reconnectDelay`: grows when the file multiplies it.
            (Expr::This(_), Some(field)) => match bindings.this_field_values(field) {
                Some(values)
                    if values
                        .iter()
                        .any(|value| value.as_deref().is_none_or(mentions_backoff)) =>
                {
                    Delay::Backoff
                }
                Some(_) => Delay::Fixed,
                None => Delay::Unknown,
            },
            _ => Delay::Unknown,
        },
        _ => Delay::Unknown,
    }
}

/// Where a delay defined as a number in another module is defined.
fn imported_delay(bindings: &Bindings, delay: &Expr) -> Option<Label> {
    let (value, found, shown) = bindings.imported_constant(delay)?;
    let crate::modules::ConstValue::Num(number) = value else {
        return None;
    };
    Some(Label::elsewhere(
        &found.path,
        found.summary.line,
        format!("`{shown}` is defined as {number} here"),
    ))
}

/// Whether an expression grows or randomizes: `*`, `**`, `<<`, `Math.pow`, `Math.random`.
fn mentions_backoff(expr: &Expr) -> bool {
    struct Finder(bool);
    impl Visit for Finder {
        crate::guard_nesting!();

        fn visit_bin_expr(&mut self, bin: &BinExpr) {
            if matches!(bin.op, BinaryOp::Mul | BinaryOp::Exp | BinaryOp::LShift) {
                self.0 = true;
            }
            bin.visit_children_with(self);
        }
        fn visit_member_expr(&mut self, member: &MemberExpr) {
            if matches!(member_name(&member.prop), Some("pow" | "random" | "exp")) {
                self.0 = true;
            }
            member.visit_children_with(self);
        }
        fn visit_ident(&mut self, ident: &Ident) {
            let name = ident.sym.to_ascii_lowercase();
            if name.contains("backoff") || name.contains("jitter") {
                self.0 = true;
            }
        }
    }
    let mut finder = Finder(false);
    expr.visit_with(&mut finder);
    finder.0
}

/// The holders a timer keeps alive: those a repeating timer sends on, and those a timer
/// closes (a liveness timeout the message handler resets) in a file that clears timeouts.
/// Which functions a timer reaches does not depend on the socket asked about, so the
/// timers are followed once for every socket of the file.
fn heartbeat_holders(program: &Program, bindings: &Bindings, raw: &RawSockets) -> HashSet<Holder> {
    let mut heartbeats = HashSet::default();
    for timer in &raw.timers {
        let Some(span) = handler_span(bindings, &timer.callback, timer.class) else {
            continue;
        };
        let mut effects = TimerEffects::default();
        let mut seen = HashSet::default();
        timer_effects(
            program,
            bindings,
            span,
            timer.class,
            &mut effects,
            &mut seen,
            0,
        );
        if timer.repeating {
            heartbeats.extend(effects.sends);
        }
        if raw.clears_timeouts {
            heartbeats.extend(effects.closes);
        }
    }
    heartbeats
}

/// Whether code reachable from a function (re)arms a `setTimeout`.
fn arms_timeout(
    program: &Program,
    bindings: &Bindings,
    function: Span,
    class: Option<u32>,
    seen: &mut HashSet<(u32, u32)>,
    depth: u32,
) -> bool {
    if depth > 2 || !seen.insert((function.lo.0, function.hi.0)) {
        return false;
    }
    struct Timers<'b> {
        bindings: &'b Bindings<'b>,
        class: Option<u32>,
        arms: bool,
        sets: bool,
        clears: bool,
        calls: Vec<Span>,
    }
    impl Visit for Timers<'_> {
        crate::guard_nesting!();

        fn visit_call_expr(&mut self, call: &CallExpr) {
            if let Callee::Expr(callee) = &call.callee {
                let callee = strip(callee);
                let name = match callee {
                    Expr::Ident(ident) => Some(&*ident.sym),
                    Expr::Member(member) => member_name(&member.prop),
                    _ => None,
                };
                match name {
                    // A liveness timer is reset on every message (`clearTimeout(t); t =
                    // setTimeout(…)`) or ends the connection when it fires; a timer that
                    // hides a toast three seconds later is neither.
                    Some("setTimeout") => {
                        self.sets = true;
                        if call
                            .args
                            .first()
                            .is_some_and(|callback| ends_connection(&callback.expr))
                        {
                            self.arms = true;
                        }
                    }
                    Some("clearTimeout") => self.clears = true,
                    _ => {}
                }
                if let Some(span) = resolve_function(self.bindings, callee, self.class) {
                    self.calls.push(span);
                }
            }
            call.visit_children_with(self);
        }
    }
    /// Whether a timer callback closes, drops or reopens the connection (by name).
    fn ends_connection(callback: &Expr) -> bool {
        struct Names(bool);
        impl Visit for Names {
            crate::guard_nesting!();
            fn visit_callee(&mut self, callee: &Callee) {
                if let Callee::Expr(expr) = callee {
                    let name = match strip(expr) {
                        Expr::Ident(ident) => Some(ident.sym.as_str().to_ascii_lowercase()),
                        Expr::Member(member) => {
                            member_name(&member.prop).map(str::to_ascii_lowercase)
                        }
                        _ => None,
                    };
                    if name.is_some_and(|name| {
                        [
                            "close",
                            "terminate",
                            "connect",
                            "dead",
                            "stale",
                            "timeout",
                            "reset",
                        ]
                        .iter()
                        .any(|word| name.contains(word))
                    }) {
                        self.0 = true;
                    }
                }
                callee.visit_children_with(self);
            }
        }
        let mut names = Names(false);
        callback.visit_with(&mut names);
        names.0
    }
    let mut timers = Timers {
        bindings,
        class,
        arms: false,
        sets: false,
        clears: false,
        calls: Vec::new(),
    };
    with_function(program, function, |function_ref| match &function_ref.body {
        Body::Block(stmts) => stmts.visit_with(&mut timers),
        Body::Expr(expr) => expr.visit_with(&mut timers),
    });
    timers.arms
        || (timers.sets && timers.clears)
        || timers
            .calls
            .into_iter()
            .any(|call| arms_timeout(program, bindings, call, class, seen, depth + 1))
}

/// The holders code reachable from a timer callback sends on, and those it closes.
#[derive(Default)]
struct TimerEffects {
    sends: HashSet<Holder>,
    closes: HashSet<Holder>,
}

/// Adds to `effects` what code reachable from a timer callback sends on, or closes.
fn timer_effects(
    program: &Program,
    bindings: &Bindings,
    function: Span,
    class: Option<u32>,
    effects: &mut TimerEffects,
    seen: &mut HashSet<(u32, u32)>,
    depth: u32,
) {
    if depth > 3 || !seen.insert((function.lo.0, function.hi.0)) {
        return;
    }
    struct Effects<'b> {
        bindings: &'b Bindings<'b>,
        class: Option<u32>,
        effects: &'b mut TimerEffects,
        calls: Vec<Span>,
        /// Functions written as arguments of calls of the file's functions: the callee,
        /// the position and the argument.
        callbacks: Vec<(Span, usize, Span)>,
    }
    impl Effects<'_> {
        fn method(&mut self, object: &Expr, prop: &MemberProp) {
            let set = match member_name(prop) {
                Some("send") => &mut self.effects.sends,
                Some("close" | "terminate" | "reconnect") => &mut self.effects.closes,
                _ => return,
            };
            if let Some(holder) = holder_of(self.bindings, object, self.class) {
                set.insert(holder);
            }
        }
    }
    impl Visit for Effects<'_> {
        crate::guard_nesting!();

        fn visit_call_expr(&mut self, call: &CallExpr) {
            if let Callee::Expr(callee) = &call.callee {
                let callee = strip(callee);
                if let Expr::Member(member) = callee {
                    self.method(&member.obj, &member.prop);
                }
                if let Some(span) = resolve_function(self.bindings, callee, self.class) {
                    self.calls.push(span);
                    // `whenOpen(socket, () => socket.send(msg))`: a function handed to a
                    // same-file helper that calls it back runs on the timer too.
                    for (index, arg) in call.args.iter().enumerate() {
                        if let Some(callback) = function_span(&arg.expr) {
                            self.callbacks.push((span, index, callback));
                        }
                    }
                }
            }
            call.visit_children_with(self);
        }
        fn visit_opt_chain_expr(&mut self, chain: &OptChainExpr) {
            if let OptChainBase::Call(call) = &*chain.base
                && let Expr::OptChain(inner) = strip(&call.callee)
                && let OptChainBase::Member(member) = &*inner.base
            {
                self.method(&member.obj, &member.prop);
            }
            chain.visit_children_with(self);
        }
        // Handlers defined inside the callback run later, not on the timer.
        fn visit_function(&mut self, _: &Function) {}
        fn visit_arrow_expr(&mut self, _: &ArrowExpr) {}
    }
    let mut visitor = Effects {
        bindings,
        class,
        effects,
        calls: Vec::new(),
        callbacks: Vec::new(),
    };
    with_function(program, function, |function_ref| match &function_ref.body {
        Body::Block(stmts) => stmts.visit_with(&mut visitor),
        Body::Expr(expr) => expr.visit_with(&mut visitor),
    });
    let Effects {
        effects,
        calls,
        callbacks,
        ..
    } = visitor;
    let called_back = callbacks
        .into_iter()
        .filter(|(callee, index, _)| calls_parameter(program, bindings, *callee, *index))
        .map(|(_, _, callback)| callback);
    let calls: Vec<Span> = calls.into_iter().chain(called_back).collect();
    for call in calls {
        timer_effects(program, bindings, call, class, effects, seen, depth + 1);
    }
}

/// Whether `function` calls its parameter at `index` (`callback()`), itself or from a
/// function it defines (a timer's callback, a retry): a function handed there runs.
fn calls_parameter(program: &Program, bindings: &Bindings, function: Span, index: usize) -> bool {
    struct Calls<'b> {
        bindings: &'b Bindings<'b>,
        parameter: Id,
        found: bool,
    }
    impl Visit for Calls<'_> {
        crate::guard_nesting!();

        fn visit_call_expr(&mut self, call: &CallExpr) {
            if let Callee::Expr(callee) = &call.callee
                && let Expr::Ident(name) = strip(callee)
                && self.bindings.binding_id(name).as_ref() == Some(&self.parameter)
            {
                self.found = true;
            }
            call.visit_children_with(self);
        }
    }
    with_function(program, function, |function_ref| {
        let parameter = match function_ref.params.get(index)? {
            Pat::Ident(name) => bindings.binding_id(&name.id)?,
            Pat::Assign(assign) => match &*assign.left {
                Pat::Ident(name) => bindings.binding_id(&name.id)?,
                _ => return None,
            },
            _ => return None,
        };
        let mut calls = Calls {
            bindings,
            parameter,
            found: false,
        };
        match &function_ref.body {
            Body::Block(stmts) => stmts.visit_with(&mut calls),
            Body::Expr(expr) => expr.visit_with(&mut calls),
        }
        Some(calls.found)
    })
    .flatten()
    .unwrap_or(false)
}

/// Whether a library's connect call (`io(url)`, `createClient(…)`, `mqtt.connect(url)`)
/// names the library's function: the page's global, or one imported or required from
/// the library's module. Minified bundles have local functions called `io`.
fn names_library_function(bindings: &Bindings, callee: &Expr, module: &str) -> bool {
    // `builder.withUrl(url)` is a method of whatever builder the code made.
    let name = match strip(callee) {
        Expr::Ident(ident) => ident,
        Expr::Member(member) if member_name(&member.prop) == Some("connect") => {
            match strip(&member.obj) {
                Expr::Ident(object) => object,
                _ => return true,
            }
        }
        _ => return true,
    };
    if bindings.is_global(name) {
        return true;
    }
    bindings.module_of(name).is_some_and(|source| {
        source
            .strip_prefix(module)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
    })
}

/// The holder an expression names: a local binding, `this.<field>` or a field of an
/// object the file declares.
pub fn holder_of(bindings: &Bindings, expr: &Expr, class: Option<u32>) -> Option<Holder> {
    match strip(expr) {
        Expr::Ident(ident) => bindings.binding_id(ident).map(Holder::Binding),
        Expr::Member(member) => this_field(bindings, member, class)
            .or_else(|| super::stores::store_field(bindings, member))
            .or_else(|| declared_field(bindings, member)),
        Expr::OptChain(chain) => match &*chain.base {
            OptChainBase::Member(member) => super::stores::store_field(bindings, member),
            OptChainBase::Call(_) => None,
        },
        _ => None,
    }
}

/// `<object>.<field>` as a holder, when the object is a name the file declares: not an
/// import, a parameter or a global (stores there hand the value off, see `socket_uses`).
pub fn declared_field(bindings: &Bindings, member: &MemberExpr) -> Option<Holder> {
    let Expr::Ident(object) = strip(&member.obj) else {
        return None;
    };
    let id = bindings.binding_id(object)?;
    match bindings.binding(&id)?.kind {
        BindingKind::Const | BindingKind::Let | BindingKind::Var => {
            Some(Holder::Field(id, member_atom(&member.prop)?))
        }
        _ => None,
    }
}

/// The holder of `this.<field>` in a class (see [`this_field`]).
pub fn this_key(bindings: &Bindings, field: Atom, class: Option<u32>) -> Holder {
    match class.and_then(|class| bindings.this_objects.get(&class)) {
        Some(object) => Holder::Field(object.clone(), field),
        None => Holder::ThisField(class, field),
    }
}

/// `this.<field>` as a holder. In the methods of an object literal bound to a name
/// (`var chat = { open() { this.ws = … } }`) it is that name's field, as `chat.ws` is.
pub fn this_field(bindings: &Bindings, member: &MemberExpr, class: Option<u32>) -> Option<Holder> {
    match strip(&member.obj) {
        Expr::This(_) => Some(this_key(bindings, member_atom(&member.prop)?, class)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::is_test_path;

    #[test]
    fn test_paths() {
        assert!(is_test_path("test/socket.js"));
        assert!(is_test_path("src/__tests__/chat.tsx"));
        assert!(is_test_path("src/chat.spec.ts"));
        assert!(!is_test_path("src/latest/chat.ts"));
        assert!(is_test_path("src/frame-error-capture-test.js"));
        assert!(is_test_path("lib/bridge_spec.js"));
        assert!(!is_test_path("src/contest.js"));
        assert!(!is_test_path("src/attest-frame.js"));
    }
}
