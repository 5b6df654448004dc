//! The semantic pass passes over functions whose text holds none of the walk's needles
//! (`src/semantic/cold.rs`) and walks them after all when resolving its records reads
//! what they may change. These tests check that the facts are those of one full walk:
//! on every script fixture, and on snippets where a skipped function does matter.

use std::path::Path;

use crosswire::embedded::split;
use crosswire::semantic::{WalkReport, skipping_differs};
use crosswire::source::{FileKind, Language};

/// Checks a script whose text `code` starts at byte `base` of its file.
fn check_at(name: &str, code: &str, base: usize, language: Language) -> WalkReport {
    let code = code.to_string();
    let name = name.to_string();
    std::thread::Builder::new()
        .stack_size(crosswire::stack::WORKER_STACK_BYTES)
        .spawn(move || {
            crosswire::parse::with_globals(|| {
                let parsed = crosswire::parse::parse_script(&code, base, language)
                    .unwrap_or_else(|error| panic!("{name}: {}", error.message));
                let (report, difference) = skipping_differs(&parsed, &code, base, &name);
                if let Some(difference) = difference {
                    panic!("{name}: skipping cold functions changes the facts\n{difference}");
                }
                report
            })
        })
        .expect("the thread starts")
        .join()
        .expect("the check passes")
}

fn check(name: &str, text: &str) -> WalkReport {
    check_at(name, text, 0, Language::JavaScript)
}

#[test]
fn every_fixture_has_the_facts_of_a_full_walk() {
    let mut checked = 0;
    let mut skipped_some = 0;
    for entry in walkdir::WalkDir::new(Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")) {
        let entry = entry.expect("fixtures are readable");
        let path = entry.path();
        let Some(kind) = FileKind::from_path(path).filter(|_| path.is_file()) else {
            continue;
        };
        let text = std::fs::read_to_string(path).expect("fixtures are UTF-8");
        // Markup files' script blocks too: there a block starts inside the file.
        for block in split(kind, &text).0 {
            let code = block
                .decoded
                .as_deref()
                .unwrap_or(&text[block.range.clone()]);
            let name = format!("{} at {}", path.display(), block.range.start);
            let report = check_at(&name, code, block.range.start, block.language);
            checked += 1;
            skipped_some += usize::from(report.skipped_functions > 0);
        }
    }
    assert!(checked >= 70, "only {checked} scripts checked");
    // Fixtures are small and about messaging, so few have helpers with nothing to do
    // with it; `examples/cold_check.rs` runs the same check on a corpus.
    assert!(
        skipped_some >= 4,
        "only {skipped_some} scripts had a function skipped"
    );
}

/// Snippets in which a function without any needle changes what the pass finds. Each
/// needs a second round (or a full walk), and the facts must still be the full walk's.
#[test]
fn skipped_functions_that_matter_are_walked() {
    let cases: &[(&str, &str)] = &[
        (
            "a handler without needles is analyzed, so it is walked",
            r#"
            window.addEventListener("message", handle);
            function handle(event) {
              const html = event.data.html;
              render(html);
              function render(markup) { document.body.innerHTML = markup; }
            }
            "#,
        ),
        (
            "a receiver reassigned in a function without needles",
            r#"
            let target = window.parent;
            function retarget(other) { target = other; }
            target.postMessage("ready", "*");
            "#,
        ),
        (
            "an origin reassigned in a function without needles",
            r#"
            let allowed = "*";
            function configure(options) { allowed = options.host; }
            window.parent.postMessage("ready", allowed);
            "#,
        ),
        (
            "a field assigned in a method without needles",
            r#"
            const settings = { target: "*" };
            function narrow(host) { settings.target = host; }
            window.parent.postMessage("ready", settings.target);
            "#,
        ),
        (
            "a field of this assigned in a method without needles",
            r#"
            class Bridge {
              attach(frame) { this.peer = frame.contentWindow; }
              detach() { this.peer = null; }
              send(data) { this.peer.postMessage(data, "*"); }
            }
            "#,
        ),
        (
            "a listener wrapper called from a function without needles",
            r#"
            const on = (target, name, handler) => target.addEventListener(name, handler);
            function start(kind) {
              on(window, kind, (e) => { document.title = e.data; });
            }
            start("message");
            "#,
        ),
        (
            "a frame's URL reassigned in a function without needles",
            r#"
            let page = "/embed.html";
            function choose(other) { page = other; }
            frame.src = page + "?from=top";
            "#,
        ),
        (
            "a module imported as a worker, started in a function without needles",
            r#"
            import Sync from "./sync.js?worker";
            function boot() { return new Sync(); }
            boot();
            "#,
        ),
        (
            "a global listener in a file that uses the DOM only in a function without needles",
            r#"
            onmessage = function (e) { eval(e.data); };
            function paint() { document.body.className = "ready"; }
            "#,
        ),
    ];
    for (name, text) in cases {
        let report = check(name, text);
        assert!(
            report.rounds >= 2 || report.walked_in_full,
            "{name}: the first round was enough ({report:?}), so the case tests nothing"
        );
    }
}

#[test]
fn cold_helpers_are_skipped_in_one_round() {
    // The handler does not call them, so nothing reads what they do.
    let text = r#"
        function clamp(value, low, high) { return Math.min(Math.max(value, low), high); }
        const format = (n) => n.toFixed(2);
        window.addEventListener("message", (event) => {
          if (event.origin !== "https://app.example.com") return;
          console.log(event.data.value);
        });
        const percent = (share) => format(clamp(share, 0, 1) * 100);
    "#;
    // (An exported function would be analysed for the module's summary, which reads
    // what it calls: see `cold_exports_are_summarised`.)
    let report = check("cold helpers", text);
    assert_eq!(
        report,
        WalkReport {
            rounds: 1,
            skipped_functions: 3,
            walked_in_full: false,
        }
    );
}

#[test]
fn a_file_with_a_socket_is_walked_in_full() {
    let text = r#"
        const socket = new WebSocket("wss://example.com/feed");
        function later() { socket.close(); }
        setTimeout(later, 1000);
    "#;
    let report = check("socket", text);
    assert!(report.walked_in_full, "{report:?}");
}

/// Each recorder inside a function that holds nothing else of interest: the function's
/// text must hold a needle for the recorder, or the first round misses the fact.
#[test]
fn each_recorder_makes_its_function_hot() {
    let cases: &[(&str, &str)] = &[
        (
            "postMessage",
            r#"function relay(frame, data) { frame.contentWindow.postMessage(data, "*"); }"#,
        ),
        (
            "a message listener",
            r#"function hook(el) { window.addEventListener("message", (e) => { el.innerHTML = e.data; }); }"#,
        ),
        (
            "onmessage",
            r#"function hook(el) { window.onmessage = (e) => { el.innerHTML = e.data; }; }"#,
        ),
        (
            "attachEvent",
            r#"function hook(el) { window.attachEvent("onmessage", function (e) { el.innerHTML = e.data; }); }"#,
        ),
        (
            "jQuery",
            r#"function hook(el) { $(window).on("message", function (e) { el.html(e.originalEvent.data); }); }"#,
        ),
        (
            "a listener method held in a variable",
            r#"var add = window.addEventListener ? "addEventListener" : "attachEvent";
            function hook(el) { window[add]("message", function (e) { el.innerHTML = e.data; }); }"#,
        ),
        (
            "@HostListener",
            r#"function make() { return class Frame { @HostListener("window:message", ["$event"]) onMessage(e) { this.el.innerHTML = e.data; } }; }"#,
        ),
        (
            "a worker",
            r#"function boot() { return [new Worker("/work.js"), new SharedWorker("/shared.js")]; }"#,
        ),
        (
            "a frame's source",
            r#"function embed(frame) { frame.src = "/embed.html"; }"#,
        ),
        (
            "a frame's source by setAttribute",
            r#"function embed(frame) { frame.setAttribute("src", `/embed.html?id=${id}`); }"#,
        ),
        (
            "a frame's source by a computed name",
            r#"function embed(frame) { frame["src"] = "/embed.html"; }"#,
        ),
        (
            "an iframe in JSX",
            r#"function Embed() { return <iframe src="/embed.html" title="embed" />; }"#,
        ),
        (
            "a popup",
            r#"function pop() { return window.open("/popup.html"); }"#,
        ),
        (
            "a socket.io server",
            r#"function serve(http) { require("socket.io")(http).on("connection", (s) => s.emit("hi")); }"#,
        ),
        (
            "a fastify websocket route",
            r#"
            const fastify = require("fastify")();
            function routes(app) { app.get("/live", { websocket: true }, (socket, req) => socket.send("hi")); }
            routes(fastify);
            "#,
        ),
        (
            "a socket",
            r#"function connect(url) { const ws = new WebSocket(url); ws.onmessage = (e) => console.log(e.data); }"#,
        ),
    ];
    for (name, text) in cases {
        let report = check(name, text);
        assert!(
            report.walked_in_full || report.skipped_functions == 0,
            "{name}: a function was skipped ({report:?})"
        );
    }
}

/// What the property below builds programs from. `{H}` stands for a handler, `{B}` for
/// its body, `{S}` for what a nesting form holds, and `{n}` makes names unique to one
/// piece of a program. Each piece is `(text, declarations it needs)`.
mod generated {
    /// Every way the walk records a listener, with the handler `{H}`.
    pub const REGISTRATIONS: &[(&str, &str)] = &[
        ("window.addEventListener(\"message\", {H});", ""),
        ("addEventListener(\"message\", {H});", ""),
        ("self.addEventListener(\"message\", {H}, false);", ""),
        ("document.addEventListener(\"message\", {H});", ""),
        ("window.onmessage = {H};", ""),
        ("onmessage = {H};", ""),
        ("window.attachEvent(\"onmessage\", {H});", ""),
        (
            "window[add{n}](\"message\", {H});",
            "var add{n} = window.addEventListener ? \"addEventListener\" : \"attachEvent\";",
        ),
        ("$(window).on(\"message\", {H});", ""),
        ("jQuery(window).one(\"message\", {H});", ""),
        ("$(window).bind(\"message\", {H});", ""),
        (
            "w{n}.addEventListener(\"message\", {H});",
            "const w{n} = window;",
        ),
        (
            "target{n}.addEventListener(\"message\", {H});",
            "let target{n} = window; function swap{n}(other) { target{n} = other; }",
        ),
        // Calls of same-file wrappers, in each way a wrapper is declared.
        (
            "listen{n}(window, \"message\", {H});",
            "function listen{n}(t, name, fn) { t.addEventListener(name, fn); }",
        ),
        (
            "listen{n}(window, \"message\", {H});",
            "const listen{n} = (t, name, fn) => t.addEventListener(name, fn);",
        ),
        (
            "listen{n}(window, \"message\", {H});",
            "var listen{n} = exports.listen{n} = function (t, name, fn) { t.addEventListener(name, fn); };",
        ),
        (
            "listen{n}(window, \"message\", {H});",
            "var listen{n}; module.exports.listen{n} = listen{n} = function (t, name, fn) { t.addEventListener(name, fn); };",
        ),
        (
            "listen{n}(window, \"message\", {H});",
            "const listen{n} = module.exports = (t, name, fn) => t.addEventListener(name, fn);",
        ),
        (
            "listen{n}(window, \"message\", {H});",
            "let listen{n}; listen{n} = api.listen{n} = function (t, name, fn) { t.addEventListener(name, fn); };",
        ),
        (
            "listen{n}(window, EVENT{n}, {H});",
            "const EVENT{n} = \"message\"; function listen{n}(t, name, fn) { t.addEventListener(name, fn); }",
        ),
    ];

    /// Recorders that take no handler: posts, sockets, servers, pages, and the signals
    /// that tell a worker from a window. Each holds its function's only needle.
    pub const RECORDERS: &[(&str, &str)] = &[
        ("parent.postMessage(data, \"*\");", ""),
        ("postMessage({ ready: true }, \"*\");", ""),
        ("window.postMessage(\"tick\", \"*\");", ""),
        ("top?.postMessage(data, \"*\");", ""),
        (
            "frame.contentWindow.postMessage(data, { targetOrigin: \"*\" });",
            "",
        ),
        (
            "peer{n}.postMessage(\"x\", origin{n});",
            "let peer{n} = window.parent; let origin{n} = \"*\"; \
             function retarget{n}(p) { peer{n} = p; } function reorigin{n}(o) { origin{n} = o; }",
        ),
        (
            "frame.contentWindow.postMessage(\"x\", settings{n}.origin);",
            "const settings{n} = { origin: \"*\" }; function narrow{n}(h) { settings{n}.origin = h; }",
        ),
        (
            "new Fake{n}().postMessage(\"x\", \"*\");",
            "class Fake{n} { postMessage(data, origin) { return [data, origin]; } }",
        ),
        (
            "new Sub{n}().postMessage(\"x\", \"*\");",
            "class Fake{n} { postMessage(data, origin) { return [data, origin]; } } class Sub{n} extends Fake{n} {}",
        ),
        (
            "stub{n}.postMessage(\"x\", \"*\");",
            "const stub{n} = { postMessage(data, origin) { return [data, origin]; } };",
        ),
        (
            "class Echo{n} { postMessage(data, origin) { return [data, origin]; } echo() { this.postMessage(\"x\", \"*\"); } }",
            "",
        ),
        (
            "@HostListener(\"window:message\", [\"$event\"]) on{n}(e) { {B} }",
            "",
        ),
        (
            "@HostListener(\"document:message\", [\"$event\"]) on{n}(e) { {B} }",
            "",
        ),
        (
            "@Component({ host: { \"(window:message)\": \"on{n}($event)\" } }) class Meta{n} { on{n}(e) { {B} } }",
            "",
        ),
        (
            "@Directive({ host: { \"(document:message)\": \"on{n}($event)\" } }) class Meta{n} { on{n} = (e) => { {B} }; }",
            "",
        ),
        (
            "const ws{n} = new WebSocket(\"wss://x.example.com\"); ws{n}.send(\"hi\");",
            "",
        ),
        (
            "ws{n}.send(\"hi\");",
            "const ws{n} = new WebSocket(\"wss://x.example.com\");",
        ),
        ("io(\"/chat\");", ""),
        ("io.connect(\"/chat\");", ""),
        ("mqtt.connect(\"wss://broker.example.com\");", ""),
        (
            "createClient({ url: \"wss://x.example.com/graphql\" });",
            "",
        ),
        (
            "new signalR.HubConnectionBuilder().withUrl(\"/hub\").build();",
            "",
        ),
        ("new SockJS(\"/sock\");", ""),
        ("new Centrifuge(\"wss://x.example.com\");", ""),
        ("new Pusher(\"key\");", ""),
        ("new ReconnectingWebSocket(\"wss://x.example.com\");", ""),
        (
            "new Node{n}WS(\"wss://x.example.com\");",
            "const Node{n}WS = require(\"ws\");",
        ),
        // `var`, which may be declared again by another piece.
        (
            "new WebSocketServer({ port: 8080 });",
            "var { WebSocketServer } = require(\"ws\");",
        ),
        (
            "new ws{n}.Server({ port: 8080 });",
            "const ws{n} = require(\"ws\");",
        ),
        (
            "new Server(httpServer);",
            "var { Server } = require(\"socket.io\");",
        ),
        (
            "new io{n}.Server(httpServer);",
            "const io{n} = require(\"socket.io\");",
        ),
        (
            "require(\"socket.io\")(http).on(\"connection\", (s) => s.emit(\"hi\"));",
            "",
        ),
        (
            "Deno.serve((req) => Deno.upgradeWebSocket(req).response);",
            "",
        ),
        (
            "Bun.serve({ fetch(req, server) { server.upgrade(req); } });",
            "",
        ),
        (
            "http.on(\"upgrade\", (req, sock, head) => wss{n}.handleUpgrade(req, sock, head, done));",
            "const wsLib{n} = require(\"ws\"); const wss{n} = new wsLib{n}.WebSocketServer({ noServer: true });",
        ),
        ("app.ws(\"/live\", (ws) => ws.send(\"hi\"));", ""),
        (
            "app.get(\"/live\", { websocket: true }, (s) => s.send(\"hi\"));",
            "",
        ),
        ("new Worker(\"/work.js\");", ""),
        ("new SharedWorker(\"/shared.js\");", ""),
        ("frame.src = \"/embed.html\";", ""),
        ("frame[\"src\"] = \"/embed.html\";", ""),
        ("frame.setAttribute(\"src\", \"/embed.html\");", ""),
        (
            "frame.src = \"/embed.html?from=\" + page{n};",
            "let page{n} = \"/embed.html\"; function move{n}(p) { page{n} = p; }",
        ),
        ("window.open(\"/popup.html\");", ""),
        ("import(\"./lazy.js\");", ""),
        ("importScripts(\"/lib.js\");", ""),
        ("new Blob([\"onmessage = null\"]);", ""),
        ("if (location.protocol === \"file:\") { ready = true; }", ""),
    ];

    /// A frame in JSX: JavaScript only.
    pub const JSX_RECORDER: (&str, &str) = ("const el{n} = <iframe src=\"/embed.html\" />;", "");

    /// Every way a function becomes a handler: `(expression, declarations)`. `@class`
    /// in the declarations asks for a class holding the registration, and the rest is
    /// one of its members.
    pub const HANDLERS: &[(&str, &str)] = &[
        ("(e) => { {B} }", ""),
        ("function (e) { {B} }", ""),
        ("handle{n}", "function handle{n}(e) { {B} }"),
        ("handle{n}", "const handle{n} = (e) => { {B} };"),
        ("handle{n}.bind(null)", "function handle{n}(e) { {B} }"),
        (
            "handlers{n}.onMessage",
            "const handlers{n} = { onMessage(e) { {B} } };",
        ),
        (
            "handlers{n}.onMessage",
            "const handlers{n} = { onMessage: function (e) { {B} } };",
        ),
        (
            "api{n}.handle",
            "const api{n} = {}; api{n}.handle = function (e) { {B} };",
        ),
        (
            "handleGlobal{n}",
            "window.handleGlobal{n} = function (e) { {B} };",
        ),
        ("debounce((e) => { {B} }, 50)", ""),
        (
            "handle{n}",
            "let handle{n}; handle{n} = function (e) { {B} };",
        ),
        (
            "handle{n}",
            "var handle{n} = exports.handle{n} = function (e) { {B} };",
        ),
        (
            "handle{n}",
            "let handle{n}; function setup{n}() { handle{n} = function (e) { {B} }; } setup{n}();",
        ),
        ("this.onMessage{n}", "@class onMessage{n}(e) { {B} }"),
        (
            "this.onMessage{n}.bind(this)",
            "@class onMessage{n}(e) { {B} }",
        ),
        ("this.onMessage{n}", "@class onMessage{n} = (e) => { {B} };"),
        (
            "this.onMessage{n}",
            "@class constructor() { this.onMessage{n} = (e) => { {B} }; }",
        ),
    ];

    /// What a handler does with the message: `(body, declarations)`.
    pub const BODIES: &[(&str, &str)] = &[
        ("eval(e.data);", ""),
        (
            "render{n}(e.data);",
            "function render{n}(x) { el.innerHTML = x; }",
        ),
        (
            "evaluate{n}(e.data);",
            "window.evaluate{n} = function (x) { eval(x); };",
        ),
        (
            "if (e.origin !== ALLOWED{n}) return; eval(e.data);",
            "let ALLOWED{n} = \"https://a.example.com\"; function configure{n}(o) { ALLOWED{n} = o; }",
        ),
        (
            "if (e.origin !== \"https://a.example.com\") { console.warn(e.origin); } apply{n}(e.data);",
            "function apply{n}(s) { el.innerHTML = s.html; }",
        ),
        ("e.source.postMessage(\"ack\", e.origin);", ""),
        (
            "sink{n}.innerHTML = e.data;",
            "let sink{n} = el; function resink{n}(o) { sink{n} = o; }",
        ),
        ("if (e.data === token) run();", ""),
        ("console.log(e.data);", ""),
    ];

    /// What a recorder may sit in, each holding `{S}`: every kind of function, which may
    /// be cold, and blocks that are not functions.
    pub const NESTINGS: &[&str] = &[
        "function outer{d}() { {S} }",
        "const outer{d} = () => { {S} };",
        "const outer{d} = function () { {S} };",
        "(function () { {S} })();",
        "(() => { {S} })();",
        "class Outer{d} { method() { {S} } }",
        "class Outer{d} { field = () => { {S} }; }",
        "class Outer{d} { constructor() { {S} } }",
        "class Outer{d} { static { {S} } }",
        "const object{d} = { method() { {S} } };",
        "const object{d} = { prop: function () { {S} } };",
        "const object{d} = { get value() { {S} return 1; } };",
        "items.forEach((item) => { {S} });",
        "setTimeout(function () { {S} }, 0);",
        "async function later{d}() { await ready; {S} }",
        "function* steps{d}() { yield 1; {S} }",
        "if (ready) { {S} }",
    ];

    /// Where the program uses the DOM, which decides whether global listeners are a
    /// worker's: nowhere, at the top level, or only in a function without needles.
    pub const DOM_USES: &[&str] = &[
        "",
        "document.title = \"app\";",
        "function paint() { document.body.className = \"ready\"; }",
    ];

    /// One piece of a program: a recorder (a registration with its handler and body, or
    /// another recorder), nested in cold forms, with its declarations beside it (in the
    /// innermost form) or at the top level.
    #[derive(Debug, Clone)]
    pub struct Piece {
        pub recorder: usize,
        pub handler: usize,
        pub body: usize,
        pub nestings: Vec<usize>,
        pub declarations_beside: bool,
    }

    impl Piece {
        /// The piece's text, the `n`th of its program.
        pub fn text(&self, n: usize, jsx: bool) -> String {
            let registrations = REGISTRATIONS.len();
            let (recorder, mut declarations) = if self.recorder < registrations {
                let (registration, declarations) = REGISTRATIONS[self.recorder];
                let (handler, handler_declarations) = HANDLERS[self.handler % HANDLERS.len()];
                (
                    registration.replace("{H}", handler),
                    vec![declarations.to_string(), handler_declarations.to_string()],
                )
            } else {
                let others = RECORDERS.len() + usize::from(jsx);
                let (recorder, declarations) = RECORDERS
                    .get((self.recorder - registrations) % others)
                    .copied()
                    .unwrap_or(JSX_RECORDER);
                (recorder.to_string(), vec![declarations.to_string()])
            };
            let (body, body_declarations) = BODIES[self.body % BODIES.len()];
            declarations.push(body_declarations.to_string());
            // A class around the recorder, for `this.handler` and decorators.
            let mut members = Vec::new();
            declarations.retain(|declaration| match declaration.strip_prefix("@class") {
                Some(member) => {
                    members.push(member.to_string());
                    false
                }
                None => true,
            });
            let nest = |mut text: String, nestings: &[usize]| {
                for (depth, &nesting) in nestings.iter().rev().enumerate() {
                    let form =
                        NESTINGS[nesting % NESTINGS.len()].replace("{d}", &depth.to_string());
                    text = form.replace("{S}", &text);
                }
                text
            };
            let declarations = declarations.join("\n");
            let beside = |text: String| match self.declarations_beside {
                true => format!("{declarations}\n{text}"),
                false => text,
            };
            let mut text = if recorder.starts_with("@HostListener") {
                // A decorated method: its class is what is nested.
                members.push(recorder);
                let class = format!("class Host{{n}} {{ {} }}", members.join("\n"));
                nest(beside(class), &self.nestings)
            } else if !members.is_empty() {
                // `this.handler`: registered in a method of the class that defines it,
                // the class nested in some forms and the registration in the others.
                let (outer, inner) = self.nestings.split_at(self.nestings.len() / 2);
                let start = nest(beside(recorder), inner);
                let class = format!(
                    "class Host{{n}} {{ start() {{ {start} }} {} }}",
                    members.join("\n")
                );
                nest(class, outer)
            } else {
                nest(beside(recorder), &self.nestings)
            };
            if !self.declarations_beside {
                text = format!("{declarations}\n{text}");
            }
            text.replace("{B}", body).replace("{n}", &n.to_string())
        }

        /// How many recorders there are to pick from.
        pub fn recorder_count(jsx: bool) -> usize {
            REGISTRATIONS.len() + RECORDERS.len() + usize::from(jsx)
        }
    }
}

/// Parses `text` and compares the facts of the skipping walk with a full walk's; the
/// report, or why they differ. Runs on the calling thread, which must have the
/// workers' stack.
fn compare(text: &str, language: Language) -> Result<(WalkReport, bool), String> {
    crosswire::parse::with_globals(|| {
        let parsed = crosswire::parse::parse_script(text, 0, language)
            .map_err(|error| format!("does not parse: {}\n{text}", error.message))?;
        let (report, difference) = skipping_differs(&parsed, text, 0, "generated.js");
        if let Some(difference) = difference {
            return Err(format!(
                "skipping cold functions changes the facts of\n{text}\n{difference}"
            ));
        }
        let full = crosswire::semantic::collect_in_full(&parsed, "generated.js");
        let found = !full.post_messages.is_empty()
            || !full.message_listeners.is_empty()
            || !full.sockets.is_empty()
            || !full.servers.is_empty()
            || full.page != Default::default()
            || !full.module.specifiers.is_empty();
        Ok((report, found))
    })
}

/// Runs `check` on a thread with the workers' stack, as crosswire does.
fn on_worker_stack<R: Send + 'static>(check: impl FnOnce() -> R + Send + 'static) -> R {
    std::thread::Builder::new()
        .stack_size(crosswire::stack::WORKER_STACK_BYTES)
        .spawn(check)
        .expect("the thread starts")
        .join()
        .expect("the check does not panic")
}

/// Each recorder and registration form, and each form of handler, alone in each form of
/// function that can be cold, and each registration with each handler: the skipping
/// walk finds what a full walk finds.
#[test]
fn every_recorder_alone_in_every_cold_form_has_the_facts_of_a_full_walk() {
    use generated::*;
    let failures = on_worker_stack(|| {
        let mut failures = Vec::new();
        // Every pair of recorder and nesting, of handler and nesting, and of registration
        // and handler (alone at the top level), the third part rotating.
        let forms = NESTINGS.len() + 1;
        let piece = |recorder: usize, handler: usize, nesting: usize| Piece {
            recorder,
            handler,
            body: (recorder + handler + nesting) % BODIES.len(),
            nestings: (nesting < NESTINGS.len())
                .then_some(nesting)
                .into_iter()
                .collect(),
            declarations_beside: (recorder + nesting).is_multiple_of(2),
        };
        let mut pieces = Vec::new();
        for nesting in 0..forms {
            for recorder in 0..Piece::recorder_count(true) {
                pieces.push(piece(
                    recorder,
                    (recorder + nesting) % HANDLERS.len(),
                    nesting,
                ));
            }
            for handler in 0..HANDLERS.len() {
                pieces.push(piece(
                    (handler + nesting) % REGISTRATIONS.len(),
                    handler,
                    nesting,
                ));
            }
        }
        for recorder in 0..REGISTRATIONS.len() {
            for handler in 0..HANDLERS.len() {
                pieces.push(piece(recorder, handler, NESTINGS.len()));
            }
        }
        let mut silent = Vec::new();
        for (index, piece) in pieces.iter().enumerate() {
            // Alone at the top level with the DOM used, every recorder but the signals
            // records a fact; nested, with the DOM used in each way.
            let dom = if piece.nestings.is_empty() {
                DOM_USES[1]
            } else {
                DOM_USES[index % DOM_USES.len()]
            };
            let text = format!("{dom}\n{}", piece.text(0, true));
            match compare(&text, Language::JavaScript) {
                Ok((_, found)) => {
                    if !found && piece.nestings.is_empty() {
                        silent.push(text);
                    }
                }
                Err(failure) => failures.push(failure),
            }
        }
        (failures, silent, pieces.len())
    });
    let (failures, silent, count) = failures;
    assert!(count > 1500, "only {count} programs");
    assert!(
        failures.is_empty(),
        "{} of {count} programs differ; the first:\n{}",
        failures.len(),
        failures[0]
    );
    // The signals (`importScripts`, `new Blob`, a `"file:"` test) record no fact alone,
    // only change others, and a target that a cold function may set to anything is
    // not known to be a window; every other recorder must be one the full walk knows.
    let unexpected: Vec<&String> = silent
        .iter()
        .filter(|text| {
            !["importScripts", "new Blob", "\"file:\"", "swap0"]
                .iter()
                .any(|signal| text.contains(signal))
        })
        .collect();
    assert!(
        unexpected.is_empty(),
        "recorders that record nothing: {unexpected:#?}"
    );
}

/// The property: programs of several recorders, handlers and bodies, nested in up to
/// three cold forms, with the DOM used nowhere, at the top level or only in a cold
/// function, in JavaScript and TypeScript: the skipping walk finds what a full walk
/// finds.
#[test]
fn generated_programs_have_the_facts_of_a_full_walk() {
    use generated::*;
    use proptest::prelude::*;
    use proptest::test_runner::{Config, TestRunner};
    let piece = |jsx: bool| {
        (
            // Mostly registrations: a socket or a server has its file walked in full.
            prop_oneof![
                4 => 0..REGISTRATIONS.len(),
                1 => REGISTRATIONS.len()..Piece::recorder_count(jsx),
            ],
            0..HANDLERS.len(),
            0..BODIES.len(),
            prop::collection::vec(0..NESTINGS.len(), 0..=3),
            any::<bool>(),
        )
            .prop_map(
                |(recorder, handler, body, nestings, declarations_beside)| Piece {
                    recorder,
                    handler,
                    body,
                    nestings,
                    declarations_beside,
                },
            )
    };
    let program = any::<bool>().prop_flat_map(move |typescript| {
        (
            Just(typescript),
            prop::collection::vec(piece(!typescript), 1..=4),
            0..DOM_USES.len(),
        )
    });
    let outcome = on_worker_stack(move || {
        let mut runner = TestRunner::new(Config {
            cases: 512,
            failure_persistence: None,
            ..Config::default()
        });
        let reports = std::cell::RefCell::new(Vec::new());
        let result = runner.run(&program, |(typescript, pieces, dom)| {
            let mut text = String::from(DOM_USES[dom]);
            for (n, piece) in pieces.iter().enumerate() {
                text.push('\n');
                text.push_str(&piece.text(n, !typescript));
            }
            let language = if typescript {
                Language::TypeScript
            } else {
                Language::JavaScript
            };
            let (report, _) = compare(&text, language).map_err(TestCaseError::fail)?;
            reports.borrow_mut().push(report);
            Ok(())
        });
        (
            result.map_err(|error| error.to_string()),
            reports.into_inner(),
        )
    });
    let (result, reports) = outcome;
    if let Err(error) = result {
        panic!("{error}");
    }
    // The programs exercise the skipping: many pass over functions, some need rounds.
    let skipping = reports.iter().filter(|r| r.skipped_functions > 0).count();
    let rounds = reports.iter().filter(|r| r.rounds >= 2).count();
    assert!(
        skipping * 3 >= reports.len(),
        "{skipping} of {} skipped",
        reports.len()
    );
    assert!(
        rounds * 4 >= reports.len(),
        "{rounds} of {} took rounds",
        reports.len()
    );
}

#[test]
fn cold_exports_are_summarised() {
    // The module's summary of an exported check reads a helper and a list that cold
    // functions assign: the skipping walk must summarise it as a full walk does.
    let text = r#"
        let ALLOWED = [];
        function configure(list) { ALLOWED = list; }
        const normalise = (origin) => origin.toLowerCase();
        export function isTrusted(origin) { return normalise(origin).indexOf(ALLOWED[0]) !== -1; }
        export const render = (html) => { document.body.innerHTML = html; };
        export function listen(target, type, handler) { target.addEventListener(type, handler); }
        export const TARGET = "*";
        window.addEventListener("message", (event) => {
          if (event.origin !== "https://app.example.com") return;
          console.log(event.data.value);
        });
    "#;
    check("cold exports", text);
}

#[test]
fn a_cold_exported_check_is_left_to_the_link() {
    // fixtures/message-weak-origin-check/project-cold-helper: the first walk passes over
    // `isTrusted`, so its summary is left to the link, which walks the module in full
    // when app.js asks (that project's expectations show it is then judged).
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures/message-weak-origin-check/project-cold-helper/src/security.js"),
    )
    .unwrap();
    let report = check("cold helper", &text);
    assert!(report.skipped_functions > 0, "{report:?}");
}
