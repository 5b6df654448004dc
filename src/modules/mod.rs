//! What a module imports and what it exports that rules need, kept after its tree is
//! gone: the facts of the module graph (`graph`, resolution in `resolve`) and the link
//! pass that lets a file's analysis see another module's helpers and constants
//! (`env`).
//!
//! The per-file pass records, for every module, its import specifiers and a summary of
//! each export: a constant's value; a function's origin check, sink and listener
//! forwarding per parameter. While it analyses a file it notes which imported names it
//! asked about (its demands). After every file is analysed, the link pass resolves those
//! names to the exporting modules' summaries, following re-exports; a file whose demands
//! found something is analysed again with the answers in view (see `crate::link`).
//! What an exported function does with an origin, an event or a value takes walks of its
//! own, and few are ever asked about (a sixth on the application corpus), so the first
//! pass leaves those parts pending ([`FunctionSummary::pending`]) and the link has a
//! module linted again for the names a file asks of it ([`env::Exports::Asked`]).

pub mod env;
pub mod graph;
pub mod leads;
pub mod resolve;
pub mod scan;

use serde::{Deserialize, Serialize};

/// One module's imports and exports.
#[derive(Debug, Default, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModuleFacts {
    /// Every module specifier the file imports or re-exports from, in source order
    /// (`import`, `export … from`, `require("…")`, `import x = require("…")`, `import("…")`).
    pub specifiers: Vec<String>,
    pub exports: Vec<Export>,
    /// The exports' summaries were left out: their functions hold more code than a first
    /// pass summarises (see `crate::semantic::exports`; only when every function is
    /// summarised at once, [`env::Exports::Partial`]). The link lints the module again
    /// for them before it answers from it, and only if a file asks.
    #[serde(default)]
    pub partial: bool,
}

impl ModuleFacts {
    /// Marks the module [`Self::partial`] and drops its summaries, all but which of its
    /// exports forward to `addEventListener` (known from the walk itself): the link looks
    /// for their callers before it asks for anything.
    pub fn leave_summaries_to_the_link(&mut self) {
        self.partial = true;
        for export in &mut self.exports {
            if let Export::Local { summary, .. } = export {
                summary.value = None;
                summary.function = summary
                    .function
                    .take()
                    .and_then(|function| function.listener_wrapper)
                    .map(FunctionSummary::forwarding_only);
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        self.specifiers.is_empty() && self.exports.is_empty()
    }

    /// Whether some export's summary is pending (see [`FunctionSummary::pending`]).
    pub fn has_pending(&self) -> bool {
        self.exports
            .iter()
            .any(|export| matches!(export, Export::Local { summary, .. } if summary.is_pending()))
    }

    /// Whether these facts hold the summaries `exports` asks for.
    pub fn summarises(&self, exports: &env::Exports) -> bool {
        let pending = |wanted: &dyn Fn(&str) -> bool| {
            self.exports.iter().any(|export| {
                matches!(export, Export::Local { name, summary }
                    if summary.is_pending() && wanted(name))
            })
        };
        !self.partial
            && match exports {
                env::Exports::Full => !pending(&|_| true),
                env::Exports::Asked(names) => !pending(&|name| names.contains(name)),
                _ => true,
            }
    }
}

/// What joins a name to its fields in the names the link looks up (`api` and `check` of
/// `export const api = { check(o) {…} }`, `checks` and `verify` of a namespace passed on):
/// a character no identifier holds, so that a string key or export name holding a dot
/// (`cfg["a.b"]`, `export { f as "a.b" }`) stays one name. A name holding it is left out.
pub const FIELD_SEPARATOR: char = '\0';

/// The name the link looks up for `fields` of `name` (`name` alone without fields);
/// `None` when a part holds [`FIELD_SEPARATOR`].
pub fn field_path<'n>(name: &str, fields: impl IntoIterator<Item = &'n str>) -> Option<String> {
    let mut path = name.to_string();
    if path.contains(FIELD_SEPARATOR) {
        return None;
    }
    for field in fields {
        if field.contains(FIELD_SEPARATOR) {
            return None;
        }
        path.push(FIELD_SEPARATOR);
        path.push_str(field);
    }
    Some(path)
}

/// Whether `name` is `head` or one of its fields (`head` + separator + …).
pub fn names_or_fields_of(name: &str, head: &str) -> bool {
    name.strip_prefix(head)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with(FIELD_SEPARATOR))
}

/// A lookup name as the code writes it (`api.check`).
pub fn shown_field_path(name: &str) -> String {
    name.replace(FIELD_SEPARATOR, ".")
}

/// One exported name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Export {
    /// `export const X = …`, `export function f`, `export default …`, `exports.x = …`,
    /// `module.exports = { … }`.
    Local {
        name: String,
        summary: ExportSummary,
    },
    /// `export { x as y } from "./m"`, `export * as ns from "./m"` (`imported` is `*`).
    From {
        name: String,
        specifier: String,
        imported: String,
    },
    /// `export * from "./m"`, `module.exports = require("./m")`.
    All { specifier: String },
}

/// What rules may need of an exported value.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ExportSummary {
    /// Where it is defined: 1-based line in the exporting file.
    pub line: usize,
    /// Where it is defined: byte offset in the exporting file (until the line is known).
    #[serde(skip)]
    pub offset: usize,
    pub value: Option<ConstValue>,
    pub function: Option<FunctionSummary>,
}

impl ExportSummary {
    /// Whether its function's walks are still to be made (see [`FunctionSummary::pending`]).
    pub fn is_pending(&self) -> bool {
        self.function
            .as_ref()
            .is_some_and(|function| function.pending)
    }

    /// What is known of any name a module exports that could not be analysed: a
    /// function of which nothing is known (see [`FunctionSummary::unanalysed`]).
    pub fn unanalysed() -> ExportSummary {
        ExportSummary {
            line: 1,
            offset: 0,
            value: None,
            function: Some(FunctionSummary {
                unanalysed: true,
                ..FunctionSummary::default()
            }),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.value.is_none() && self.function.is_none()
    }
}

/// A constant as far as its module shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum ConstValue {
    Str(String),
    /// An array of strings (`["https://a.example", "https://b.example"]`).
    Strings(Vec<String>),
    /// An object of constants (`{ TARGET: "*", URL: "wss://…" }`).
    Object(Vec<(String, ConstValue)>),
    /// A number written as a literal (`RECONNECT_DELAY = 3000`): a timer's delay.
    Num(f64),
}

impl ConstValue {
    pub fn as_str(&self) -> Option<&str> {
        match self {
            ConstValue::Str(text) => Some(text),
            _ => None,
        }
    }

    pub fn field(&self, name: &str) -> Option<&ConstValue> {
        match self {
            ConstValue::Object(fields) => fields
                .iter()
                .find(|(field, _)| field == name)
                .map(|(_, value)| value),
            _ => None,
        }
    }
}

/// What an exported function does with each of its parameters.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FunctionSummary {
    /// By parameter: the origin check it makes on that parameter when handed an origin
    /// (or, in `event_checks`, the whole event).
    pub origin_checks: Vec<Option<CheckSummary>>,
    pub event_checks: Vec<Option<CheckSummary>>,
    /// By parameter: the sink a value handed there reaches (`innerHTML`, `eval`, …).
    pub sinks: Vec<Option<String>>,
    /// It forwards to `addEventListener` (`on(target, type, handler)`,
    /// `onMessage(handler)`): where it takes each part of the registration.
    pub listener_wrapper: Option<ListenerWrapper>,
    /// It returns a WebSocket it makes (`return new WebSocket(url)`): a socket factory.
    #[serde(default)]
    pub socket: Option<SocketFactory>,
    /// By parameter, when some parameter is used as a socket (its handlers set, sent
    /// on, closed): what the function does with a socket handed there (`None`: nothing
    /// a socket rule reads, and it keeps it to itself). Empty when no parameter is used
    /// as a socket: a socket handed there is handed to code the rules cannot see.
    #[serde(default)]
    pub socket_params: Vec<Option<SocketLifecycle>>,
    /// The functions of the object it returns (`return { verify, post }`, a composable or
    /// a hook), by field: what a caller destructures from its result.
    #[serde(default)]
    pub returned: Vec<(String, FunctionSummary)>,
    /// Its module could not be analysed (over a limit): nothing is known of what it
    /// does, so it is trusted for nothing, as a function known to check nothing is not.
    #[serde(default)]
    pub unanalysed: bool,
    /// Only the parts its module's walk knows were made (the listener it forwards to, what
    /// it does with sockets): the origin checks, sinks and returned functions, which take
    /// walks of their own, are made when some file asks for them (see
    /// [`super::env::Exports::Lazy`]). The link has the module linted again for them
    /// before it answers a question that reads them ([`super::env::Matters::reads_walks`]).
    #[serde(default)]
    pub pending: bool,
}

impl FunctionSummary {
    /// Only that the function forwards to `addEventListener` (known from the walk
    /// itself): the rest is left to the link (see [`ModuleFacts::partial`]).
    pub fn forwarding_only(listener_wrapper: ListenerWrapper) -> FunctionSummary {
        FunctionSummary {
            listener_wrapper: Some(listener_wrapper),
            ..FunctionSummary::default()
        }
    }
}

impl FunctionSummary {
    pub fn is_empty(&self) -> bool {
        !self.pending
            && self.origin_checks.iter().all(Option::is_none)
            && self.event_checks.iter().all(Option::is_none)
            && self.sinks.iter().all(Option::is_none)
            && self.listener_wrapper.is_none()
            && self.socket.is_none()
            && self.socket_params.is_empty()
            && self
                .returned
                .iter()
                .all(|(_, function)| function.is_empty())
    }
}

/// A function that registers the handler its caller hands it with `addEventListener`:
/// the parameter that holds each part of the registration, or what it names itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListenerWrapper {
    pub target: WrapperTarget,
    /// `None`: it names the `message` event itself.
    pub event: Option<usize>,
    pub handler: usize,
}

/// What a [`ListenerWrapper`] listens on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum WrapperTarget {
    /// What its caller hands it at this parameter.
    Param(usize),
    /// A window it names (`window.addEventListener(…)`).
    Window,
    /// The global scope it runs in (`self.addEventListener(…)`): the caller's, a
    /// page's window or a worker's scope.
    GlobalScope,
    /// Something else (a worker, a port, an element): no `message` listener of a
    /// window, and known to be none.
    Other,
}

/// A function that makes a WebSocket and returns it to its caller.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SocketFactory {
    /// The parameter whose value is the URL (`new WebSocket(url)` with `url` a
    /// parameter): the caller's argument is the URL the rules read.
    pub url_param: Option<usize>,
    /// It returns the socket only once it is open (an `await` after it is made).
    pub waits_for_open: bool,
    /// What the factory's own module does with the socket.
    pub lifecycle: SocketLifecycle,
}

/// What a module does with a socket it makes or is handed, as far as the socket rules
/// read it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SocketLifecycle {
    /// A repeating timer sends on it, or a liveness timeout closes it.
    pub heartbeat: bool,
    /// Its close path opens a new socket.
    pub reconnect: Option<ReconnectSummary>,
    /// It sets a close or error handler on it.
    pub handles_close: bool,
    /// Its close path settles a promise that outlives the opening.
    pub close_handed_off: bool,
    /// It closes it from its own open or message handling: one exchange.
    pub closes_after_exchange: bool,
    /// It closes it somewhere (for sockets the user opens and closes).
    pub closes: bool,
    /// It hands it on to code the rules cannot see.
    pub escapes: bool,
}

impl SocketLifecycle {
    pub fn uses_socket(&self) -> bool {
        *self != SocketLifecycle::default()
    }
}

/// How a module's close path reopens a socket.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReconnectSummary {
    pub delay: Delay,
    pub capped: bool,
}

/// How long a reconnect waits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Delay {
    /// No timer: the new socket opens at once.
    Immediate,
    /// The same delay every time.
    Fixed,
    /// A delay that grows (exponential or multiplied) or is randomized.
    Backoff,
    /// A delay crosswire cannot classify.
    Unknown,
}

/// An exported helper's origin check.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckSummary {
    pub strength: Strength,
    /// It throws when the check fails (`assertOrigin(origin)`).
    pub asserts: bool,
}

/// How well an origin check keeps other sites out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Strength {
    Strong,
    /// An attacker's origin can pass: why, and an origin that would.
    Weak {
        reason: String,
        passing_origin: Option<String>,
    },
    /// `new URL(origin).hostname === "x"`: strong only together with a protocol check.
    HostnameOnly,
    /// `new URL(origin).protocol === "https:"`: strong only together with a hostname check.
    ProtocolOnly,
}
