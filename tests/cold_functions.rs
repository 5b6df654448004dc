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
        export const percent = (share) => format(clamp(share, 0, 1) * 100);
    "#;
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
