//! Properties over generated programs built from the constructs the rules look at
//! (listeners, handlers, checks, sockets, servers, nested in functions, classes and
//! conditionals): crosswire never panics, and its findings do not depend on the thread
//! count or on whether a file is linted alone or within a tree.

use std::collections::BTreeSet;
use std::path::PathBuf;

use crosswire::config::Config;
use crosswire::lint::{Engine, Input};
use crosswire::results::RunReport;
use crosswire::source::{FileKind, Language};
use proptest::prelude::*;

const PIECES: &[&str] = &[
    "window.addEventListener('message', (e) => { render(e.data); });",
    "window.addEventListener('message', function (e) { if (e.origin !== ORIGIN) return; el.innerHTML = e.data; });",
    "window.onmessage = (event) => { if (!event.origin.includes('x.com')) return; eval(event.data); };",
    "$(window).on('message', (e) => go(e.originalEvent.data));",
    "parent.postMessage(msg, '*');",
    "frames[0].postMessage(msg, { targetOrigin: TARGET });",
    "const TARGET = cfg.origin || '*';",
    "const ws = new WebSocket('ws://chat.example.com'); ws.send('hi');",
    "function connect() { const s = new WebSocket(URL); s.onclose = () => setTimeout(connect, 1000); }",
    "class Feed { open() { this.ws = new WebSocket(URL); this.ws.onclose = () => this.open(); } }",
    "const wss = new WebSocketServer({ port: 1 }); wss.on('connection', (s, req) => s.send(req.headers.origin));",
    "if (location.protocol === 'file:') { parent.postMessage(m, '*'); }",
    "function isOk(o) { return o === ORIGIN; }",
    "new Worker(new URL('./w.js', import.meta.url));",
    "// crosswire-ignore-next-line postmessage-wildcard-origin",
    "setInterval(() => ws.send('ping'), 1000);",
    "export default function handler(e) { return handler(e); }",
];

fn program(choices: &[(usize, u8)]) -> String {
    let mut text = String::new();
    let mut open = 0;
    for &(piece, wrap) in choices {
        match wrap % 5 {
            0 => {
                text.push_str("function f() {\n");
                open += 1;
            }
            1 => {
                text.push_str("if (ready) {\n");
                open += 1;
            }
            2 if open > 0 => {
                text.push_str("}\n");
                open -= 1;
            }
            _ => {}
        }
        text.push_str(PIECES[piece % PIECES.len()]);
        text.push('\n');
    }
    text.push_str(&"}\n".repeat(open));
    text
}

fn findings(report: &RunReport) -> BTreeSet<(String, usize, String)> {
    report
        .findings()
        .map(|(file, finding)| {
            (
                file.path.clone(),
                finding.diagnostic.span.start,
                finding.rule.to_string(),
            )
        })
        .collect()
}

/// Each finding whole: where, the rule, its message, labels and help.
fn whole_findings(report: &RunReport) -> BTreeSet<(String, String)> {
    report
        .findings()
        .map(|(file, finding)| {
            (
                file.path.clone(),
                format!("{} {:?}", finding.rule, finding.diagnostic),
            )
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn findings_are_the_same_whatever_the_threads_and_the_neighbours(
        files in prop::collection::vec(prop::collection::vec((0usize..64, any::<u8>()), 1..12), 1..5)
    ) {
        let dir = tempfile::tempdir().unwrap();
        let mut paths = Vec::new();
        for (index, choices) in files.iter().enumerate() {
            let path = dir.path().join(format!("f{index}.js"));
            std::fs::write(&path, program(choices)).unwrap();
            paths.push(path);
        }
        let engine = Engine::new(Config::defaults(dir.path().to_path_buf()));
        let one = engine.run(Input::Paths(vec![dir.path().to_path_buf()]), 1, true);
        let eight = engine.run(Input::Paths(vec![dir.path().to_path_buf()]), 8, true);
        prop_assert!(one.errors.is_empty(), "{:?}", one.errors);
        prop_assert_eq!(findings(&one), findings(&eight));
        // Per-file rules give each file the same findings alone as within the tree.
        for path in &paths {
            let alone = engine.lint_bytes(
                "alone.js".to_string(),
                std::fs::read(path).unwrap(),
                FileKind::Script(Language::JavaScript),
            );
            let shown = crosswire::source::display_path(path, &std::env::current_dir().unwrap());
            let within: BTreeSet<(usize, String)> = findings(&one)
                .into_iter()
                .filter(|(file, _, rule)| *file == shown && rule != "websocket-same-page")
                .map(|(_, offset, rule)| (offset, rule))
                .collect();
            let alone: BTreeSet<(usize, String)> = alone
                .findings
                .iter()
                .map(|finding| (finding.diagnostic.span.start, finding.rule.to_string()))
                .collect();
            prop_assert_eq!(&alone, &within, "{}", path.display());
        }
        let _: PathBuf = dir.path().to_path_buf();
    }
}

/// What one module of a generated project may export.
const EXPORTS: &[&str] = &[
    "export function isTrusted(o) { return o === 'https://a.example'; }",
    "export function isWeak(o) { return o.includes('a.example'); }",
    "export const TARGET = '*';",
    "export const MESSAGE = 'message';",
    "export function render(html) { document.body.innerHTML = html; }",
    "export function listen(target, type, handler) { target.addEventListener(type, handler); }",
    "export function openSocket(url) { return new WebSocket(url); }",
    "export const URL_BASE = 'ws://chat.example.com';",
    "export const DELAY = 1000;",
    "export function noop(x) { return x; }",
    "export function log(x) { console.log(x); }",
    "export * from './m0.js';",
    "export { render as show } from './m1.js';",
    "module.exports.check = function (o) { return o.indexOf('a.example') !== -1; };",
];

/// What a module may do with what the others export.
const USES: &[&str] = &[
    "import { isTrusted, isWeak, render, show } from './m0.js';",
    "import { TARGET, MESSAGE, listen, openSocket, URL_BASE, DELAY } from './m1.js';",
    "import * as helpers from './m2.js';",
    "const { check } = require('./m2.js');",
    "window.addEventListener('message', (e) => { if (!isTrusted(e.origin)) return; render(e.data); });",
    "window.addEventListener('message', (e) => { if (!isWeak(e.origin)) return; show(e.data); });",
    "window.addEventListener('message', (e) => { if (!check(e.origin)) return; helpers.render(e.data); });",
    "listen(window, MESSAGE, (e) => render(e.data));",
    "parent.postMessage(msg, TARGET);",
    "const s = openSocket(URL_BASE + '/feed'); s.send('hi');",
    "function connect() { const w = new WebSocket(URL_BASE); w.onclose = () => setTimeout(connect, DELAY); }",
    "function cold() { return helpers.isWeak(location.origin); }",
    "import { noop, log, MESSAGE as EVENT } from './m0.js';",
    "window.addEventListener('message', (e) => { noop(e.origin); render(e.data); });",
    "window.addEventListener('message', (e) => { isTrusted(e.origin); render(e.data); });",
    "window.addEventListener('message', (e) => { log(e.data); noop(e.data); });",
    "window.addEventListener(EVENT, (e) => { if (noop(e.origin)) show(e.data); });",
    "listen(window, 'resize', (e) => render(e.data));",
    "export function relay(e) { render(e.data); }",
    "export function gate(o) { return isTrusted(o); }",
];

fn module(choices: &[(usize, u8)]) -> String {
    let mut text = String::new();
    for &(piece, wrap) in choices {
        let line = if wrap % 2 == 0 {
            EXPORTS[piece % EXPORTS.len()]
        } else {
            USES[piece % USES.len()]
        };
        // Some pieces inside a function of their own.
        if wrap % 7 == 3 && !line.starts_with("import") && !line.starts_with("export") {
            text.push_str("function later() {\n");
            text.push_str(line);
            text.push_str("\n}\n");
        } else {
            text.push_str(line);
            text.push('\n');
        }
    }
    text
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// The link pass walks kept trees instead of parsing again, and answers only the
    /// questions a summary has something for: the same findings as parsing again and as
    /// answering everything, on generated projects whose modules import one another.
    #[test]
    fn kept_trees_give_the_findings_of_parsing_again(
        files in prop::collection::vec(prop::collection::vec((0usize..64, any::<u8>()), 1..10), 2..5)
    ) {
        let dir = tempfile::tempdir().unwrap();
        for (index, choices) in files.iter().enumerate() {
            std::fs::write(dir.path().join(format!("m{index}.js")), module(choices)).unwrap();
        }
        let keeping = Engine::new(Config::defaults(dir.path().to_path_buf()));
        let mut parsing_again = Engine::new(Config::defaults(dir.path().to_path_buf()));
        parsing_again.kept.limit = 0;
        let input = || Input::Paths(vec![dir.path().to_path_buf()]);
        let kept = keeping.run(input(), 2, true);
        let parsed = parsing_again.run(input(), 2, true);
        prop_assert!(kept.errors.is_empty(), "{:?}", kept.errors);
        prop_assert_eq!(findings(&kept), findings(&parsed));
        // Answers without what a question could use are left out: the same findings
        // as answering every question with whatever was found.
        let mut answering_everything = Engine::new(Config::defaults(dir.path().to_path_buf()));
        answering_everything.link_answers_everything = true;
        prop_assert_eq!(findings(&kept), findings(&answering_everything.run(input(), 2, true)));
        // Exported functions summarised only for the names asked, with their trees kept
        // or parsed again: the findings, whole, of summarising every one at once.
        let mut summarising_all = Engine::new(Config::defaults(dir.path().to_path_buf()));
        summarising_all.lazy_summaries = false;
        let all = whole_findings(&summarising_all.run(input(), 2, true));
        prop_assert_eq!(&whole_findings(&kept), &all);
        prop_assert_eq!(&whole_findings(&parsed), &all);
    }
}

/// The origin check module `I` exports as `checkI`: its own, or one resting on module
/// `K`'s (`checkK`), so that its summary changes when the link answers for `checkK`.
const CHAINED_CHECKS: &[&str] = &[
    "export function checkI(o) { return o === 'https://a.example'; }",
    "export function checkI(o) { return o.includes('a.example'); }",
    "export function checkI(o) { return checkK(o); }",
    "export function checkI(o) { if (!o) return true; return checkK(o); }",
    "export const checkI = (o) => checkK(o) && o.length > 0;",
    "export function checkI(o) { return !!o; }",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// The link analyses a module again when an answer changed, and takes from the last
    /// analysis the summaries whose making read no changed answer
    /// (`modules::env::remembered_summary`): the same findings as parsing every module
    /// again (which remembers nothing), on chains of origin checks resting on one another.
    #[test]
    fn summaries_remembered_across_analyses_are_those_made_again(
        modules in prop::collection::vec((0usize..6, 0usize..4, 0usize..4, any::<bool>()), 2..5)
    ) {
        let dir = tempfile::tempdir().unwrap();
        let count = modules.len();
        for (index, &(check, rests_on, used, handles)) in modules.iter().enumerate() {
            let rests_on = rests_on % count;
            let used = used % count;
            let mut text = String::new();
            for other in [rests_on, used] {
                if other != index {
                    text.push_str(&format!("import {{ check{other} }} from './m{other}.js';\n"));
                }
            }
            text.push_str(
                &CHAINED_CHECKS[check]
                    .replace('I', &index.to_string())
                    .replace('K', &rests_on.to_string()),
            );
            text.push('\n');
            if handles {
                text.push_str(&format!(
                    "window.addEventListener('message', (e) => {{ if (!check{used}(e.origin)) return; document.body.innerHTML = e.data; }});\n"
                ));
            }
            std::fs::write(dir.path().join(format!("m{index}.js")), text).unwrap();
        }
        let remembering = Engine::new(Config::defaults(dir.path().to_path_buf()));
        let mut parsing_again = Engine::new(Config::defaults(dir.path().to_path_buf()));
        parsing_again.kept.limit = 0;
        let input = || Input::Paths(vec![dir.path().to_path_buf()]);
        let remembered = remembering.run(input(), 2, true);
        prop_assert!(remembered.errors.is_empty(), "{:?}", remembered.errors);
        prop_assert_eq!(findings(&remembered), findings(&parsing_again.run(input(), 2, true)));
        // Summarised only when asked: what summarising every function at once finds,
        // where that converges. Checks resting on one another in a cycle compare nothing
        // but each other; summarised at once, each is first made with the others unknown
        // (trusted as a package's), and the link's rounds can flip them between checking
        // and not until the last round, whose parity decides. Summarised when asked, a
        // cycle settles on "checks nothing".
        let rests_on = |index: usize| {
            let (check, rests_on, _, _) = modules[index];
            CHAINED_CHECKS[check].contains('K').then_some(rests_on % count)
        };
        let cyclic = (0..count).any(|start| {
            let mut at = Some(start);
            (0..count).any(|_| {
                at = at.and_then(rests_on);
                at == Some(start)
            })
        });
        if !cyclic {
            let mut summarising_all = Engine::new(Config::defaults(dir.path().to_path_buf()));
            summarising_all.lazy_summaries = false;
            prop_assert_eq!(
                whole_findings(&remembered),
                whole_findings(&summarising_all.run(input(), 2, true))
            );
        }
    }
}

/// Pieces of script that hold module specifiers, and text that looks like strings but is
/// not (comments, regular expressions, JSX text, templates with substitutions).
const SPECIFIER_PIECES: &[&str] = &[
    "import a from 'S';",
    "import { b } from \"S\";",
    "export * from 'S';",
    "export { c } from \"S\";",
    "const d = require('S');",
    "const e = await import(`S`);",
    "import 'S';",
    "import f = require('S');",
    "import type { T } from \"S\";",
    "// it's a comment with a \" quote\n",
    "/* don't `stop` */\n",
    "const r = /['\"`]\\x41/;\n",
    "const t = `a ${x} 'b' \"c\"`;\n",
    "const j = <p>it's \"here\"</p>;\n",
    "const s = 'a\\'b' + \"c\\\"d\";\n",
    "x = y / 2 / 'z';\n",
    "const u = /\\'[\"]\\\"/g;\n",
    "// a \\' b \\\" c\n",
    "const k = <p>\\'x\\\"</p>;\n",
    "const v = `\\` ' \\${y}`;\n",
    "const w = '\\\\' + \"\\\\\\\\\";\n",
];

/// Specifier texts: plain paths, escapes, quotes and line ends inside.
const SPECIFIER_TEXTS: &[&str] = &[
    "./a.js",
    "../b",
    "@scope/pkg",
    "./\\x63.js",
    "./\\u0064\\u{65}",
    "./f\\'g",
    "./h\\\"i",
    "./j\\`k",
    "./l\\\\m",
    "./n\\\no",
    "./\\101",
    "./p q",
    "./\\uD800r",
    "./s\\\\",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    /// The scan of a script's text (`modules::scan`) finds every specifier a parse finds,
    /// or gives up: the second pass leaves a module unparsed on its word.
    #[test]
    fn the_specifier_scan_finds_every_specifier_a_parse_finds(
        choices in proptest::collection::vec((0..SPECIFIER_PIECES.len(), 0..SPECIFIER_TEXTS.len()), 1..12),
        tsx in any::<bool>(),
    ) {
        let text: String = choices
            .iter()
            .map(|&(piece, specifier)| {
                let piece = SPECIFIER_PIECES[piece];
                let specifier = SPECIFIER_TEXTS[specifier];
                // A quote of the piece's own kind inside is escaped by the text itself.
                piece.replace('S', specifier)
            })
            .collect();
        let language = if tsx { Language::Tsx } else { Language::JavaScript };
        let Some(specifiers) = crosswire::parse::with_globals(|| {
            let parsed = crosswire::parse::parse_script(&text, 0, language).ok()?;
            Some(crosswire::semantic::analyze(&parsed, &text, 0, "m.js").module.specifiers)
        }) else {
            return Ok(());
        };
        let candidates = crosswire::modules::scan::specifier_candidates(text.as_bytes(), false);
        prop_assert!(candidates.is_some(), "a script's scan never gives up");
        let candidates = candidates.unwrap();
        for specifier in &specifiers {
            prop_assert!(
                candidates.contains(specifier),
                "{specifier:?} of {text:?} not among {candidates:?}"
            );
        }
    }
}

/// Lines of an application's modules: imports in every form, decoy strings that name a
/// module without importing it, and the facts a page's content changes (sockets,
/// workers, frames, listeners). `K` is another module's number.
const APP_LINES: &[&str] = &[
    "import './mK.js';",
    "import { x } from \"./mK\";",
    "export * from './mK.js';",
    "const lazy = () => import('./mK.js');",
    "const required = require('./mK.js');",
    "const decoy = './mK.js';",
    "// import './mK.js';",
    "const label = `./mK`;",
    "export const x = 1;",
    "const socket = new WebSocket('wss://app.example/bus');",
    "const worker = new Worker(new URL('./w.js', import.meta.url));",
    "const frame = document.createElement('iframe'); frame.src = '/frame.html';",
    "window.addEventListener('message', (e) => { document.body.innerHTML = e.data; });",
    "const escaped = 'it\\'s ./mK.js';",
    "import { sink } from './mK.js'; window.addEventListener('message', (e) => sink(e.data));",
    "export function sink(html) { document.body.innerHTML = html; }",
    "export const live = new WebSocket('wss://app.example/bus');",
    "import { live } from './mK.js'; setInterval(() => live.send('ping'), 9000);",
    "import { live } from './mK.js'; live.onclose = () => reopen();",
    "document.addEventListener('click', () => go());",
];

const APP_MODULES: usize = 6;

fn app_module(choices: &[(usize, u8)]) -> String {
    choices
        .iter()
        .map(|&(line, other)| {
            let other = (other as usize % APP_MODULES).to_string();
            format!(
                "{}\n",
                APP_LINES[line % APP_LINES.len()].replace('K', &other)
            )
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// The second pass leaves unparsed the modules that cannot lead to a file with facts
    /// (`modules::leads`), and between full builds of the page map follows the imports of
    /// the modules it parsed: the same findings as parsing every module a page reaches,
    /// and as rebuilding the map after every round, on
    /// generated applications whose pages load modules that import one another.
    #[test]
    fn modules_left_unparsed_change_no_finding(
        modules in prop::collection::vec(prop::collection::vec((0usize..64, any::<u8>()), 0..6), APP_MODULES),
        worker in prop::collection::vec((0usize..64, any::<u8>()), 0..4),
        vue in any::<bool>(),
        (starts_worker, frames, worker_imports) in (any::<bool>(), any::<bool>(), 0usize..APP_MODULES + 1),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let write = |name: &str, text: &str| std::fs::write(dir.path().join(name), text).unwrap();
        write("index.html", "<script type=\"module\" src=\"/m0.js\"></script>\n");
        write("frame.html", "<script type=\"module\" src=\"/m1.js\"></script>\n");
        // The worker imports a module of the pages, or none.
        let worker_import = match worker_imports {
            APP_MODULES => String::new(),
            imported => format!("import './m{imported}.js';\n"),
        };
        write("w.js", &format!("{worker_import}{}", app_module(&worker)));
        for (index, choices) in modules.iter().enumerate() {
            let mut text = app_module(choices);
            if index == 0 && starts_worker {
                text.insert_str(0, &format!("{}\n", APP_LINES[10]));
            }
            if index == 0 && frames {
                text.insert_str(0, &format!("{}\n", APP_LINES[11]));
            }
            if vue && index == 2 {
                write("m2.vue", &format!("<template><p/></template>\n<script>\n{text}</script>\n"));
                write("m2.js", "import './m2.vue';\n");
            } else {
                write(&format!("m{index}.js"), &text);
            }
        }
        let input = || Input::Paths(vec![dir.path().to_path_buf()]);
        let pruning = Engine::new(Config::defaults(dir.path().to_path_buf()));
        let mut parsing_all = Engine::new(Config::defaults(dir.path().to_path_buf()));
        parsing_all.prune_loaded_scripts = false;
        let pruned = pruning.run(input(), 2, true);
        let all = parsing_all.run(input(), 2, true);
        prop_assert!(pruned.errors.is_empty(), "{:?}", pruned.errors);
        prop_assert_eq!(findings(&pruned), findings(&all));
        prop_assert!(pruned.files_parsed <= all.files_parsed);
        // Following what the parsed modules import between full builds of the map: the
        // files parsed and the findings of building it after every round.
        let mut rebuilding = Engine::new(Config::defaults(dir.path().to_path_buf()));
        rebuilding.follow_second_pass_imports = false;
        let rebuilt = rebuilding.run(input(), 2, true);
        prop_assert_eq!(whole_findings(&pruned), whole_findings(&rebuilt));
        prop_assert_eq!(pruned.files_parsed, rebuilt.files_parsed);
    }
}

/// A report of generated application modules (`m0.js` … and two pages), every file
/// parsed.
fn parsed_app(dir: &std::path::Path, modules: &[Vec<(usize, u8)>]) -> RunReport {
    std::fs::write(
        dir.join("index.html"),
        "<script type=\"module\" src=\"/m0.js\"></script>\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("frame.html"),
        "<script src=\"m1.js\"></script><script src=\"./m2.js\"></script>\n",
    )
    .unwrap();
    for (index, choices) in modules.iter().enumerate() {
        std::fs::write(dir.join(format!("m{index}.js")), app_module(choices)).unwrap();
    }
    let mut engine = Engine::new(Config::defaults(dir.to_path_buf()));
    engine.read_everything = true;
    engine.run(Input::Paths(vec![dir.to_path_buf()]), 1, true)
}

fn page_map_shape(pages: &crosswire::pages::Pages) -> String {
    let mut loads = pages.loads.clone();
    for load in &mut loads {
        load.sort();
    }
    let relations: Vec<_> = pages
        .relations
        .iter()
        .map(|relation| (relation.owner, relation.kind, relation.at, relation.target))
        .collect();
    format!(
        "{loads:?} {:?} {relations:?} {:?} {:?}",
        pages.imports, pages.pages, pages.next_pages
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// A page map built again after some files' results changed (`PageMapper`, which
    /// keeps what earlier builds resolved) is the map built from nothing.
    #[test]
    fn a_page_map_built_again_is_the_map_built_afresh(
        before in prop::collection::vec(prop::collection::vec((0usize..64, any::<u8>()), 0..6), APP_MODULES),
        after in prop::collection::vec(prop::collection::vec((0usize..64, any::<u8>()), 0..6), APP_MODULES),
        changed in prop::collection::vec(any::<bool>(), APP_MODULES + 2),
    ) {
        let first = tempfile::tempdir().unwrap();
        let second = tempfile::tempdir().unwrap();
        let mut report = parsed_app(first.path(), &before);
        let other = parsed_app(second.path(), &after);
        let roots = report.walked.clone();
        let mut mapper = crosswire::pages::PageMapper::new(&report, &roots);
        // Resolved on two threads, compared with a build on this one.
        let pool = rayon::ThreadPoolBuilder::new().num_threads(2).build().unwrap();
        let _ = mapper.build(&report, &pool);
        prop_assert_eq!(report.files.len(), other.files.len());
        for (at, (file, mut replacement)) in report.files.iter_mut().zip(other.files).enumerate() {
            if changed[at] {
                replacement.path.clone_from(&file.path);
                *file = replacement;
            }
        }
        let fresh = crosswire::pages::Pages::build(&report, &roots, &mapper.resolver);
        prop_assert_eq!(page_map_shape(&mapper.build(&report, &pool)), page_map_shape(&fresh));
    }
}

/// Lines of components' scripts and of the modules they import: listener wrappers and
/// socket factories of another module (named, default, through an imported event name),
/// imports of modules and components, and code that holds nothing. `K` is another
/// file's number.
const COMPONENT_LINES: &[&str] = &[
    "import { on } from './mK.js'; on(window, 'message', (e) => { document.body.innerHTML = e.data; });",
    "import listen from './mK.js'; listen(window, 'message', (e) => { document.body.innerHTML = e.data; });",
    "import { on, MESSAGE } from './mK.js'; on(window, MESSAGE, (e) => { document.body.innerHTML = e.data; });",
    "import { on } from './mK.js'; on(window, 'resize', () => go());",
    "import { connect } from './mK.js'; const s = connect('ws://app.example/x'); s.send('hi');",
    "import { open } from './mK.js'; const t = open(); t.onmessage = (e) => { document.body.innerHTML = e.data; };",
    "import './cK.vue';",
    "import C from './cK.svelte';",
    "import { label } from './mK.js'; const shown = label + '!';",
    "const count = 1;",
];

const MODULE_LINES: &[&str] = &[
    "export function on(target, type, handler) { target.addEventListener(type, handler); }",
    "export default function (target, type, handler) { target.addEventListener(type, handler); }",
    "export const MESSAGE = 'message';",
    "export { on, MESSAGE } from './mK.js';",
    "export function connect(url) { return new WebSocket(url); }",
    "import { connect } from './mK.js'; export function open() { return connect('ws://app.example/y'); }",
    "export const label = 'x';",
    "import './cK.vue';",
    "export const live = new WebSocket('wss://app.example/bus');",
];

const COMPONENTS: usize = 3;
const WRAPPER_MODULES: usize = 4;

fn lines_of(table: &[&str], choices: &[(usize, u8)]) -> String {
    choices
        .iter()
        .map(|&(line, other)| {
            let line = table[line % table.len()];
            let module = (other as usize % WRAPPER_MODULES).to_string();
            let component = (other as usize % COMPONENTS).to_string();
            let line = if line.contains("'./cK") {
                line.replace('K', &component)
            } else {
                line.replace('K', &module)
            };
            format!("{line}\n")
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Markup whose scripts hold no needle is read for its tags alone, and its scripts
    /// are parsed only when the page map or the link may need them
    /// (`Engine::defer_markup_scripts`): the findings of parsing every page's and
    /// component's scripts in the first pass, on generated applications whose
    /// components call wrappers and factories of other modules, with no more files
    /// parsed.
    #[test]
    fn markup_scripts_left_waiting_change_no_finding(
        components in prop::collection::vec(prop::collection::vec((0usize..64, any::<u8>()), 0..4), COMPONENTS),
        modules in prop::collection::vec(prop::collection::vec((0usize..64, any::<u8>()), 0..3), WRAPPER_MODULES),
        inline in prop::collection::vec((0usize..64, any::<u8>()), 0..3),
        svelte in any::<bool>(),
        page_loads_component in any::<bool>(),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let write = |name: &str, text: &str| std::fs::write(dir.path().join(name), text).unwrap();
        let loaded = if page_loads_component { "<script type=\"module\" src=\"/c0.js\"></script>\n" } else { "" };
        write(
            "index.html",
            &format!("{loaded}<script type=\"module\">\n{}</script>\n", lines_of(COMPONENT_LINES, &inline)),
        );
        write("c0.js", "import './c0.vue';\n");
        for (index, choices) in modules.iter().enumerate() {
            write(&format!("m{index}.js"), &lines_of(MODULE_LINES, choices));
        }
        for (index, choices) in components.iter().enumerate() {
            let script = lines_of(COMPONENT_LINES, choices);
            write(&format!("c{index}.vue"), &format!("<template><p/></template>\n<script setup>\n{script}</script>\n"));
            if svelte {
                write(&format!("c{index}.svelte"), &format!("<script>\n{script}</script>\n<p>&amp;&&</p>\n"));
            }
        }
        let input = || Input::Paths(vec![dir.path().to_path_buf()]);
        let deferring = Engine::new(Config::defaults(dir.path().to_path_buf()));
        let mut parsing = Engine::new(Config::defaults(dir.path().to_path_buf()));
        parsing.defer_markup_scripts = false;
        let deferred = deferring.run(input(), 2, true);
        let parsed = parsing.run(input(), 2, true);
        prop_assert!(deferred.errors.is_empty(), "{:?}", deferred.errors);
        prop_assert_eq!(whole_findings(&deferred), whole_findings(&parsed));
        prop_assert!(deferred.files_parsed <= parsed.files_parsed);
    }
}
