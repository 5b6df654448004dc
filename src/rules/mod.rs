//! The rule registry. A rule is three files: its doc `rules/<id>.md`, its source
//! file here, and its fixtures under `fixtures/<id>/`.

mod message_data_to_sink;
mod message_missing_origin_check;
mod message_unenforced_origin_check;
mod message_weak_origin_check;
mod postmessage_wildcard_origin;
mod websocket_insecure_url;
mod websocket_no_heartbeat;
mod websocket_no_reconnect;
mod websocket_reconnect_no_backoff;
mod websocket_send_before_open;
mod websocket_server_no_origin_check;

use std::sync::OnceLock;

use serde::Deserialize;

use crate::diagnostic::{Diagnostic, Severity};
use crate::prefilter::Trigger;
use crate::semantic::sockets::{SocketFact, SocketKind};
use crate::semantic::{FileFacts, HandlerFacts, MessageListener};

/// What a rule sees of one file.
pub struct RuleContext<'a> {
    pub facts: &'a FileFacts,
    /// The whole file's text; fact spans index into it.
    pub text: &'a str,
    /// The rule's options from `[rules.<id>]` in the config.
    pub options: &'a toml::Table,
}

pub type CheckFn = fn(&RuleContext, &mut Vec<Diagnostic>);

pub struct Rule {
    pub id: &'static str,
    /// `rules/<id>.md`: front matter and docs.
    pub doc_source: &'static str,
    /// What a file must contain to be worth parsing for this rule (`src/prefilter.rs`).
    pub triggers: &'static [Trigger],
    /// Option keys the rule accepts in `[rules.<id>]`.
    pub options: &'static [&'static str],
    /// `None` for findings the pipeline itself produces.
    pub check: Option<CheckFn>,
    /// Checked once over every file's facts, after the per-file pass (`src/project.rs`).
    pub project: bool,
}

pub const PARSE_ERROR: &str = "parse-error";
pub const WEBSOCKET_SAME_PAGE: &str = "websocket-same-page";

/// The rules about what a window's `message` handler does.
pub const MESSAGE_HANDLER_RULES: &[&str] = &[
    message_missing_origin_check::RULE.id,
    message_weak_origin_check::RULE.id,
    message_unenforced_origin_check::RULE.id,
    message_data_to_sink::RULE.id,
];
pub const UNUSED_IGNORE: &str = "unused-ignore";

/// Every rule crosswire knows, in the order the docs list them.
pub static RULES: &[Rule] = &[
    postmessage_wildcard_origin::RULE,
    message_missing_origin_check::RULE,
    message_weak_origin_check::RULE,
    message_unenforced_origin_check::RULE,
    message_data_to_sink::RULE,
    websocket_no_reconnect::RULE,
    websocket_reconnect_no_backoff::RULE,
    websocket_no_heartbeat::RULE,
    websocket_send_before_open::RULE,
    websocket_insecure_url::RULE,
    websocket_server_no_origin_check::RULE,
    Rule {
        id: WEBSOCKET_SAME_PAGE,
        doc_source: include_str!("../../rules/websocket-same-page.md"),
        // Pages, and the scripts they load that start, open or embed other contexts.
        // A script no page loads belongs to no context the rule can relate.
        triggers: &[
            Trigger::word("WebSocket"),
            Trigger::in_markup("<iframe"),
            Trigger::in_markup("<frame"),
            Trigger::in_markup("<script"),
            Trigger::in_loaded_script("Worker("),
            // Vite's worker imports: `import W from "./w.js?worker"; new W()`.
            Trigger::in_loaded_script("?worker"),
            Trigger::in_loaded_script("?sharedworker"),
            Trigger::in_loaded_script("window.open"),
            Trigger::in_loaded_script("self.open"),
            Trigger::in_loaded_script("globalThis.open"),
            Trigger::in_loaded_script("iframe"),
        ],
        options: &[],
        check: None,
        project: true,
    },
    Rule {
        id: PARSE_ERROR,
        doc_source: include_str!("../../rules/parse-error.md"),
        triggers: &[],
        options: &[],
        check: None,
        project: false,
    },
    Rule {
        id: UNUSED_IGNORE,
        doc_source: include_str!("../../rules/unused-ignore.md"),
        // Directives are read only from parsed files; this makes a file with a
        // stale directive worth parsing.
        triggers: &[Trigger::word("crosswire-ignore")],
        options: &[],
        check: None,
        project: false,
    },
];

/// Where the repository lives (Cargo.toml's `repository`).
const REPOSITORY: &str = match option_env!("CARGO_PKG_REPOSITORY") {
    Some(repository) if !repository.is_empty() => repository,
    _ => "https://github.com/crosswire-dev/crosswire",
};

/// The web address of a rule's documentation, at this version's tag: SARIF's `helpUri`
/// and, in editors, the link of a diagnostic's code.
pub fn doc_url(rule_id: &str) -> String {
    format!(
        "{REPOSITORY}/blob/v{}/rules/{rule_id}.md",
        env!("CARGO_PKG_VERSION")
    )
}

pub fn find(id: &str) -> Option<&'static Rule> {
    RULES.iter().find(|rule| rule.id == id)
}

/// A rule's front matter and documentation.
#[derive(Debug, Clone)]
pub struct RuleDoc {
    pub id: String,
    pub severity: Severity,
    pub summary: String,
    pub tags: Vec<String>,
    pub cwe: Vec<String>,
    /// The Markdown after the front matter.
    pub body: String,
}

impl RuleDoc {
    /// What `--explain` prints, and the language server shows on hover: the id, default
    /// severity and summary, then the documentation.
    pub fn explanation(&self) -> String {
        format!(
            "{} ({}): {}\n\n{}",
            self.id,
            self.severity,
            self.summary,
            self.body.trim_end()
        )
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FrontMatter {
    id: String,
    severity: String,
    summary: String,
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default)]
    cwe: Vec<String>,
}

impl Rule {
    pub fn doc(&self) -> &'static RuleDoc {
        let index = RULES
            .iter()
            .position(|rule| rule.id == self.id)
            .expect("rule is registered");
        &all_docs()[index]
    }

    pub fn default_severity(&self) -> Severity {
        self.doc().severity
    }
}

/// The parsed docs of every rule, in registry order. Docs are compiled in, so a
/// malformed one is a build defect that the test suite catches.
pub fn all_docs() -> &'static [RuleDoc] {
    static DOCS: OnceLock<Vec<RuleDoc>> = OnceLock::new();
    DOCS.get_or_init(|| {
        RULES
            .iter()
            .map(|rule| {
                parse_doc(rule.doc_source)
                    .unwrap_or_else(|error| panic!("rules/{}.md: {error}", rule.id))
            })
            .collect()
    })
}

/// Splits `+++`-fenced TOML front matter from the Markdown body.
pub fn parse_doc(source: &str) -> Result<RuleDoc, String> {
    let rest = source
        .strip_prefix("+++\n")
        .ok_or("the doc must start with a `+++` front matter fence")?;
    let (front, body) = rest
        .split_once("\n+++\n")
        .ok_or("the front matter has no closing `+++` fence")?;
    let front: FrontMatter = toml::from_str(front).map_err(|error| error.to_string())?;
    let severity = Severity::parse(&front.severity)
        .filter(|severity| *severity != Severity::Off)
        .ok_or_else(|| format!("severity must be error or warning, not {}", front.severity))?;
    Ok(RuleDoc {
        id: front.id,
        severity,
        summary: front.summary,
        tags: front.tags,
        cwe: front.cwe,
        body: body.trim_start().to_string(),
    })
}

/// The README's rule table, generated from the docs.
pub fn markdown_table() -> String {
    let mut table = String::from("| Rule | Default | What it finds |\n|---|---|---|\n");
    for doc in all_docs() {
        table.push_str(&format!(
            "| [`{id}`](rules/{id}.md) | {severity} | {summary} |\n",
            id = doc.id,
            severity = doc.severity,
            summary = doc.summary.replace('|', "\\|"),
        ));
    }
    table
}

/// The first line of a span (at most to its end): a label for a whole function
/// that does not underline its entire body.
pub fn first_line(text: &str, span: &std::ops::Range<usize>) -> std::ops::Range<usize> {
    let start = span.start.min(text.len());
    let end = span.end.min(text.len());
    let line_end = text[start..end]
        .find(['\n', '\r'])
        .map_or(end, |offset| start + offset);
    start..line_end.max(start)
}

/// The calls that register a listener by event name: `addEventListener` (also inside
/// a same-file wrapper), jQuery's `$(…).on` and the libraries' listener hooks
/// (`crate::semantic::hooks`). A `"message"` string without one of them is a CSS
/// class, a `case` label or a property name.
const LISTENER_APIS: &[&str] = &[
    "addEventListener",
    "$(",
    "jQuery(",
    "useEventListener",
    "useWindowEvent",
    "useEvent",
    "makeEventListener",
    "createEventListener",
    "fromEvent",
];

/// The triggers shared by the rules about `message` handlers.
pub const MESSAGE_TRIGGERS: &[Trigger] = &[
    Trigger::with("\"message\"", LISTENER_APIS),
    Trigger::with("'message'", LISTENER_APIS),
    Trigger::with("`message`", LISTENER_APIS),
    // `onmessage = …`, and `attachEvent("onmessage", …)`.
    Trigger::word("onmessage"),
    // Angular's `@HostListener("window:message")` and `@HostListener("document:message")`.
    Trigger::word("window:message"),
    Trigger::word("document:message"),
];

/// An early-return guard written with the handler's own event name.
pub fn origin_guard_example(event_name: &str) -> String {
    let origin = if event_name.starts_with('{') {
        "origin".to_string()
    } else {
        format!("{event_name}.origin")
    };
    format!("if ({origin} !== \"https://trusted.example.com\") return;")
}

/// The triggers of the WebSocket client rules.
pub const WEBSOCKET_TRIGGERS: &[Trigger] = &[
    Trigger::word("WebSocket"),
    Trigger::word("SockJS"),
    Trigger::word("Sockette"),
    Trigger::word("PartySocket"),
    Trigger::word("Centrifuge"),
    // Library connect calls matter where the library is imported (`io(` alone also
    // matches `ratio(`, `createClient` every Redis client).
    Trigger::word("socket.io"),
    Trigger::word("mqtt"),
    Trigger::word("withUrl"),
    Trigger::word("graphql-ws"),
    Trigger::word("SubscriptionClient"),
];

/// The triggers of `websocket-no-heartbeat` and `websocket-no-reconnect`: those of the
/// WebSocket client rules, and a page's scripts, whose inline code and page map may keep
/// alive or reopen a socket of a script the page loads (`crate::project::keepalive_elsewhere`).
pub const KEEPALIVE_TRIGGERS: &[Trigger] = &[
    Trigger::word("WebSocket"),
    Trigger::word("SockJS"),
    Trigger::word("Sockette"),
    Trigger::word("PartySocket"),
    Trigger::word("Centrifuge"),
    Trigger::word("socket.io"),
    Trigger::word("mqtt"),
    Trigger::word("withUrl"),
    Trigger::word("graphql-ws"),
    Trigger::word("SubscriptionClient"),
    Trigger::in_markup("<script"),
];

/// Whether a socket is made inside a function or class that the config's
/// `wrappers` option names as managing reconnects and keep-alives.
pub fn managed_by_wrapper(
    context: &RuleContext,
    socket: &crate::semantic::sockets::SocketFact,
) -> bool {
    let Some(toml::Value::Array(wrappers)) = context.options.get("wrappers") else {
        return false;
    };
    wrappers.iter().any(|wrapper| {
        wrapper
            .as_str()
            .is_some_and(|name| socket.enclosing_names.iter().any(|n| n == name))
    })
}

/// Window message listeners whose handler crosswire found and analysed.
pub fn analysed_listeners<'a>(
    context: &'a RuleContext,
) -> impl Iterator<Item = (&'a MessageListener, &'a HandlerFacts)> {
    // One handler registered twice is one handler, judged once: at its first registration
    // from outside itself (a handler that registers itself again after each message is
    // registered where the page first does it).
    let listeners = &context.facts.message_listeners;
    let inside_itself = |listener: &MessageListener| {
        listener.handler_span.as_ref().is_some_and(|handler| {
            handler.start <= listener.registration.start && listener.registration.end <= handler.end
        })
    };
    let registered_from_outside: std::collections::HashSet<(usize, usize)> = listeners
        .iter()
        .filter(|listener| !inside_itself(listener))
        .filter_map(|listener| listener.handler_span.as_ref())
        .map(|span| (span.start, span.end))
        .collect();
    let mut seen = std::collections::HashSet::new();
    listeners
        .iter()
        .filter(move |listener| {
            let Some(span) = &listener.handler_span else {
                return true;
            };
            let key = (span.start, span.end);
            !(inside_itself(listener) && registered_from_outside.contains(&key)) && seen.insert(key)
        })
        .filter_map(|listener| Some((listener, listener.handler.as_ref()?)))
}

/// A finding at a listener's registration, labelled with its handler.
pub fn listener_diagnostic(
    context: &RuleContext,
    listener: &MessageListener,
    message: impl Into<String>,
    span_label: &str,
) -> Diagnostic {
    let diagnostic = Diagnostic::new(message, listener.registration.clone())
        .with_span_label(span_label)
        .with_steps(&listener.imported);
    match &listener.handler_span {
        Some(handler) => diagnostic.with_label(first_line(context.text, handler), "handler"),
        None => diagnostic,
    }
}

/// Browser `WebSocket`s (not library sockets, not Node clients).
pub fn browser_sockets<'a>(context: &'a RuleContext) -> impl Iterator<Item = &'a SocketFact> {
    context
        .facts
        .sockets
        .iter()
        .filter(|socket| socket.kind == SocketKind::Browser && !socket.node_client)
}
