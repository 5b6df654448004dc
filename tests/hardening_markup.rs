//! Code the browser runs is linted however the markup or the script spells it
//! (issue #18, item 13): every JavaScript type of `<script>`, tags and attributes in
//! any case, event-handler attributes with character references, CRLF and NUL (with
//! every position pointing into the file), and identifiers and strings written with
//! escapes, which the parser reads but a raw byte search does not see.

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Output};

use common::write;
use crosswire::config::Config;
use crosswire::lint::Engine;
use crosswire::source::{FileKind, Language};
use proptest::prelude::*;
use serde_json::Value;

fn crosswire(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_crosswire"))
        .args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .output()
        .expect("crosswire runs")
}

/// The findings of a JSON run, each as `(path, rule, start line)`.
fn json_findings(dir: &Path, args: &[&str]) -> Vec<Value> {
    let mut all = vec!["--format", "json"];
    all.extend_from_slice(args);
    let output = crosswire(dir, &all);
    let report: Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|error| {
        panic!(
            "{error}: {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    });
    report["findings"].as_array().unwrap().clone()
}

fn lines_of(findings: &[Value], rule: &str) -> Vec<u64> {
    findings
        .iter()
        .filter(|finding| finding["rule"] == rule)
        .map(|finding| finding["start"]["line"].as_u64().unwrap())
        .collect()
}

const WILDCARD: &str = "postmessage-wildcard-origin";

#[test]
fn every_script_type_a_browser_runs_is_linted_and_data_blocks_are_not() {
    let dir = tempfile::tempdir().unwrap();
    let scripts = [
        // `lang` is the human language of the element: browsers ignore it.
        ("<script lang=\"en\">", true),
        ("<script type=\"text/jscript\">", true),
        ("<script type=\"TEXT/LIVESCRIPT\">", true),
        ("<script type=\"application/x-ecmascript\">", true),
        ("<script type=\"text/javascript1.5\">", true),
        ("<script type=\" text/x-javascript\t\">", true),
        // Firefox ignores the parameters.
        ("<script type=\"text/javascript; charset=utf-8\">", true),
        ("<script type=\"MODULE\">", true),
        ("<script type=\"\">", true),
        ("<script type>", true),
        ("<script language=\"JavaScript1.2\">", true),
        ("<script language=\"\">", true),
        // An empty type wins over the language.
        ("<script type=\"\" language=\"vbscript\">", true),
        ("<SCRIPT TYPE=\"Text/JavaScript\">", true),
        ("<script language=\"vbscript\">", false),
        ("<script type=\"text/x-template\">", false),
        ("<script type=\"importmap\">", false),
    ];
    let mut html = String::from("<!doctype html>\n");
    let mut expected = Vec::new();
    for (line, (tag, runs)) in scripts.iter().enumerate() {
        html.push_str(&format!(
            "{tag}parent.postMessage({line}, \"*\")</script>\n"
        ));
        if *runs {
            expected.push(line as u64 + 2);
        }
    }
    write(dir.path(), "page.html", &html);
    let findings = json_findings(dir.path(), &["page.html"]);
    assert_eq!(lines_of(&findings, WILDCARD), expected, "{html}");
}

#[test]
fn single_file_components_keep_their_lang_conventions() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "Widget.vue",
        "<template><div/></template>\n<script lang=\"ts\">\nconst n: number = 1;\nparent.postMessage(n, \"*\");\n</script>\n<script lang=\"coffee\">\nparent.postMessage 1, \"*\"\n</script>\n",
    );
    let findings = json_findings(dir.path(), &["Widget.vue"]);
    assert_eq!(lines_of(&findings, WILDCARD), vec![4]);
    assert!(
        findings
            .iter()
            .all(|finding| finding["rule"] != "parse-error"),
        "{findings:?}"
    );
}

/// A page that loads and embeds its contexts with upper-case tags and attributes is
/// still a page: `websocket-same-page` sees the frame and the script it loads.
#[test]
fn upper_case_tags_and_attributes_reach_the_page_map_of_a_lint_run() {
    let dir = tempfile::tempdir().unwrap();
    let socket = "const socket = new WebSocket(`wss://${location.host}/sync`);\nsocket.onclose = () => {};\n";
    write(dir.path(), "app.js", socket);
    write(dir.path(), "chat.js", socket);
    write(
        dir.path(),
        "chat.html",
        "<!DOCTYPE HTML>\n<SCRIPT SRC=\"chat.js\"></SCRIPT>\n",
    );
    write(
        dir.path(),
        "index.html",
        "<!DOCTYPE HTML>\n<HTML><BODY>\n<Script Src='app.js'></Script>\n<IFRAME SRC=chat.html></IFRAME>\n</BODY></HTML>\n",
    );
    let findings = json_findings(dir.path(), &["."]);
    let same_page: Vec<&Value> = findings
        .iter()
        .filter(|finding| finding["rule"] == "websocket-same-page")
        .collect();
    assert_eq!(same_page.len(), 1, "{findings:#?}");
    assert_eq!(same_page[0]["path"], "index.html");
    assert_eq!(same_page[0]["start"]["line"], 4);
    // An SVG script loads its file with `href` or `xlink:href`, in any case.
    write(
        dir.path(),
        "index.html",
        "<!DOCTYPE HTML>\n<svg><SCRIPT XLINK:HREF=\"app.js\"/></svg>\n<IFRAME SRC=chat.html></IFRAME>\n",
    );
    let findings = json_findings(dir.path(), &["."]);
    assert_eq!(
        lines_of(&findings, "websocket-same-page"),
        vec![3],
        "{findings:#?}"
    );
}

/// HTML reads `<script/>` as an open script; SVG closes it and reads its scripts'
/// text with character references and CDATA sections.
#[test]
fn self_closing_and_svg_scripts_are_read_as_the_browser_reads_them() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "page.html",
        "<!doctype html>\n<script/>parent.postMessage(2, '*')</script>\n<svg><script/></svg>\n<script>parent.postMessage(4, '*')</script>\n<svg><SCRIPT><![CDATA[ parent.postMessage(5, \"*\") ]]></SCRIPT></svg>\n",
    );
    let findings = json_findings(dir.path(), &["page.html"]);
    assert_eq!(
        lines_of(&findings, WILDCARD),
        vec![2, 4, 5],
        "{findings:#?}"
    );
    // No SVG element's text is raw, so `<title/>` or `<style/>` hides nothing after it;
    // an HTML element ends the SVG, and the script after it is raw HTML script again.
    write(
        dir.path(),
        "icons.html",
        "<svg><title/><style/></svg>\n<script>parent.postMessage(2, '*')</script>\n<svg><p>x</p><script>a = '&apos;'; parent.postMessage(3, '*')</script>\n",
    );
    let findings = json_findings(dir.path(), &["icons.html"]);
    assert_eq!(lines_of(&findings, WILDCARD), vec![2, 3], "{findings:#?}");
    let text = "<svg>\n<script type=\"text/ecmascript\">parent.post&#77;essage(1, &quot;*&quot;)</script></svg>\n";
    write(dir.path(), "icon.html", text);
    let findings = json_findings(dir.path(), &["icon.html"]);
    assert_points_into_the_file(text, &findings, "parent.post&#77;essage", "&quot;*&quot;");
}

/// Each snippet alone in a file must give `rule`: an escape hides nothing.
#[test]
fn escaped_identifiers_and_strings_are_linted() {
    let cases = [
        ("a.js", "parent.postMessag\\u0065(1, \"*\");\n", WILDCARD),
        ("b.js", "parent.postMessag\\u{65}(1, \"*\");\n", WILDCARD),
        (
            "c.js",
            "parent.p\\u{00006F}stMessage(1, \"*\");\n",
            WILDCARD,
        ),
        (
            "d.js",
            "window.onm\\u0065ssage = (e) => { document.body.innerHTML = e.data; };\n",
            "message-data-to-sink",
        ),
        (
            "e.js",
            "window.addEventListener(\"m\\x65ssage\", (e) => { document.body.innerHTML = e.data; });\n",
            "message-data-to-sink",
        ),
        (
            "f.js",
            "window.addEventListener('mess\\\nage', (e) => { document.body.innerHTML = e.data; });\n",
            "message-data-to-sink",
        ),
        (
            "g.js",
            "const s = new W\\u0065bSocket(\"ws://chat.example.com/live\");\n",
            "websocket-insecure-url",
        ),
        // A character reference in an attribute, and an escape inside one.
        (
            "h.html",
            "<button onclick=\"parent.post&#77;essage(1, '*')\">x</button>\n",
            WILDCARD,
        ),
        (
            "i.html",
            "<button onclick=\"parent.postMessag&#92;u0065(1, '*')\">x</button>\n",
            WILDCARD,
        ),
        // The call is escaped in the only function that holds it.
        (
            "j.js",
            "parent.postMessage(0, location.origin);\nfunction send() {\n  parent.postMessag\\u0065(1, \"*\");\n}\n",
            WILDCARD,
        ),
    ];
    for (name, code, rule) in cases {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), name, code);
        let findings = json_findings(dir.path(), &[name]);
        assert!(
            findings.iter().any(|finding| finding["rule"] == rule),
            "{name}: {code:?} gives no {rule}: {findings:#?}"
        );
        if name == "j.js" {
            assert_eq!(lines_of(&findings, WILDCARD), vec![3]);
        }
    }
}

/// The finding of `parent.postMessage(a, <target>)` inside `file`: its start offset
/// and line, and the message, must point at the raw text of the file.
fn assert_points_into_the_file(
    text: &str,
    findings: &[Value],
    callee_as_written: &str,
    target_as_written: &str,
) {
    let wildcard: Vec<&Value> = findings
        .iter()
        .filter(|finding| finding["rule"] == WILDCARD)
        .collect();
    assert_eq!(wildcard.len(), 1, "{text:?}: {findings:#?}");
    let finding = wildcard[0];
    let callee = text.find(callee_as_written).unwrap();
    assert_eq!(
        finding["start"]["offset"].as_u64().unwrap() as usize,
        callee,
        "{text:?}: {finding:#}"
    );
    assert_eq!(
        finding["end"]["offset"].as_u64().unwrap() as usize,
        callee + callee_as_written.len(),
        "{text:?}: {finding:#}"
    );
    // CRLF, CR and LF each end a line.
    let line = text[..callee]
        .replace("\r\n", "\n")
        .matches(['\n', '\r'])
        .count()
        + 1;
    let line_start = text[..callee].rfind(['\n', '\r']).map_or(0, |at| at + 1);
    assert_eq!(finding["start"]["line"].as_u64().unwrap() as usize, line);
    assert_eq!(
        finding["start"]["column"].as_u64().unwrap() as usize,
        text[line_start..callee].chars().count() + 1,
        "{text:?}: {finding:#}"
    );
    assert!(
        finding["message"]
            .as_str()
            .unwrap()
            .starts_with("`parent.postMessage` uses target origin \"*\""),
        "{text:?}: {finding:#}"
    );
    let target = text.find(target_as_written).unwrap();
    let labels = finding["labels"].as_array().unwrap();
    assert!(
        labels.iter().any(|label| {
            label["start"]["offset"].as_u64().unwrap() as usize == target
                && label["end"]["offset"].as_u64().unwrap() as usize
                    == target + target_as_written.len()
        }),
        "{text:?}: no label on {target_as_written:?}: {finding:#}"
    );
}

#[test]
fn event_handler_attributes_are_decoded_and_every_position_points_into_the_file() {
    let cases = [
        (
            "<!doctype html>\n<button onclick=\"a = `;&lt;&lt;&`; parent.postMessage(a, &#x27;*&#x27;)\">x</button>\n",
            "&#x27;*&#x27;",
        ),
        (
            "<button onclick=\"a = &quot;&eacute;&amp;&quot;; parent.postMessage(a, &#39;*&#39;)\">x</button>\n",
            "&#39;*&#39;",
        ),
        // A named reference without its semicolon, and one that is not decoded.
        (
            "<p>x</p><button data-x=\"&ampa\" onclick=\"b = 1 &amp 2; c = '&notit;'; parent.postMessage(b, &quot;*&quot;)\">x</button>\n",
            "&quot;*&quot;",
        ),
        (
            "<!doctype html>\r\n<button\r\n  onclick=\"a = 1;\r\n  parent.postMessage(a, '*')\">x</button>\r\n",
            "'*'",
        ),
        (
            "<button onclick=\"a = '\0\0'; parent.postMessage(a, '*')\">x</button>\n",
            "'*'",
        ),
        (
            "<button onclick='a = \"&NewLine;&Tab;\"\r; parent.postMessage(a, \"*\")'>x</button>\n",
            "\"*\"",
        ),
        (
            "<div>\r\n<SCRIPT>\r\nx = '\0';\r\nparent.postMessage(a, '*')</SCRIPT>\r\n",
            "'*'",
        ),
    ];
    for (text, target) in cases {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "page.html", text);
        let findings = json_findings(dir.path(), &["page.html"]);
        assert_points_into_the_file(text, &findings, "parent.postMessage", target);
        // The pretty output quotes the same code.
        let pretty = crosswire(dir.path(), &["page.html"]);
        let pretty = String::from_utf8_lossy(&pretty.stdout);
        assert!(
            pretty.contains("`parent.postMessage` uses target origin"),
            "{pretty}"
        );
    }
}

#[test]
fn javascript_urls_of_links_frames_and_forms_are_linted_where_they_are_written() {
    let cases = [
        (
            "<a href=\"javascript:parent.postMessage(1, '*')\">x</a>\n",
            "parent.postMessage",
            "'*'",
        ),
        (
            "<p>\n<A HREF=\" JaVa&#x09;Script:parent.post%4Dessage(1, %27*%27)\">x</A>\n",
            "parent.post%4Dessage",
            "%27*%27",
        ),
        (
            "<iframe src='javascript:\r\nparent.postMessage(1,\"*\")'></iframe>\n",
            "parent.postMessage",
            "\"*\"",
        ),
        (
            "<form action=\"javascript:parent.postMessage(1, &quot;*&quot;)\"><button formaction=\"javascript:void 0\">x</button></form>\n",
            "parent.postMessage",
            "&quot;*&quot;",
        ),
        (
            "<svg><a xlink:href=\"javascript:parent.postMessage(1, '*')\"><text>x</text></a></svg>\n",
            "parent.postMessage",
            "'*'",
        ),
    ];
    for (text, callee, target) in cases {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "page.html", text);
        let findings = json_findings(dir.path(), &["page.html"]);
        assert_points_into_the_file(text, &findings, callee, target);
    }
    // Links that are not `javascript:` URLs are not code.
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "links.html",
        "<a href=\"https://example.com/?q=parent.postMessage(1,'*')\">x</a><a href=\"#javascript:x\">y</a>\n",
    );
    assert_eq!(
        json_findings(dir.path(), &["links.html"]),
        Vec::<Value>::new()
    );
}

/// HTML-escapes `document` for a double-quoted attribute.
fn attribute_escaped(document: &str) -> String {
    document.replace('&', "&amp;").replace('"', "&quot;")
}

#[test]
fn srcdoc_documents_are_linted_where_they_are_written() {
    let button = "<button onclick=\"parent.post&#77;essage(1, &quot;*&quot;)\">x</button>";
    let once = format!("<iframe srcdoc=\"{}\"></iframe>", attribute_escaped(button));
    let twice = format!(
        "<!doctype html>\n<iframe srcdoc=\"{}\"></iframe>\n",
        attribute_escaped(&once)
    );
    let cases = [
        (
            "<iframe srcdoc=\"<script>parent.postMessage(1, '*')</script>\"></iframe>\n".to_string(),
            "'*'".to_string(),
        ),
        (
            "<p>\n<IFRAME SRCDOC=\"&lt;script&gt;\nparent.postMessage(1, &quot;*&quot;)&lt;/script&gt;\"></IFRAME>\n".to_string(),
            "&quot;*&quot;".to_string(),
        ),
        (
            twice.clone(),
            attribute_escaped(&attribute_escaped("&quot;*&quot;")),
        ),
    ];
    for (text, target) in &cases {
        let start = text.find("parent.post").unwrap();
        let end = start + text[start..].find("essage").unwrap() + "essage".len();
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "page.html", text);
        // Without the project-level rule, `<iframe` alone does not make a page worth
        // parsing: the prefilter must see the escaped code itself.
        write(
            dir.path(),
            "crosswire.toml",
            "[rules]\nwebsocket-same-page = \"off\"\n",
        );
        let findings = json_findings(dir.path(), &["page.html"]);
        assert_points_into_the_file(text, &findings, &text[start..end], target);
    }
}

/// A function that reassigns a target origin through an escaped name: resolving the
/// origin reads `allowed`, and the escaped assignment counts.
#[test]
fn a_function_that_names_a_binding_with_escapes_is_read() {
    let code = "let allowed = \"https://a.example\";\nfunction configure() { allow\\u0065d = \"*\"; }\nwindow.parent.postMessage(\"ready\", allowed);\n";
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "configure.js", code);
    let findings = json_findings(dir.path(), &["configure.js"]);
    assert_eq!(lines_of(&findings, WILDCARD), vec![3], "{findings:#?}");
}

// ---- Escapes hide nothing: a property over generated programs.

const PIECES: &[&str] = &[
    "window.addEventListener('message', (e) => { render(e.data); });",
    "window.addEventListener('message', function (e) { if (e.origin !== ORIGIN) return; el.innerHTML = e.data; });",
    "window.onmessage = (event) => { if (!event.origin.includes('x.com')) return; eval(event.data); };",
    "$(window).on('message', (e) => go(e.originalEvent.data));",
    "parent.postMessage(msg, '*');",
    "frames[0].postMessage(msg, { targetOrigin: TARGET });",
    "TARGET = cfg.origin || '*';",
    "const ws = new WebSocket('ws://chat.example.com'); ws.send('hi');",
    "function connect() { const s = new WebSocket(URL); s.onclose = () => setTimeout(connect, 1000); }",
    "class Feed { open() { this.ws = new WebSocket(URL); this.ws.onclose = () => this.open(); } }",
    "const wss = new WebSocketServer({ port: 1 }); wss.on('connection', (s, req) => s.send(req.headers.origin));",
    "if (location.protocol === 'file:') { parent.postMessage(m, '*'); }",
    "function isOk(o) { return o === ORIGIN; }",
    "handler = (e) => { document.body.innerHTML = e.data; };",
    "window.addEventListener('message', (e) => handler(e));",
    "popup = window.open('/popup'); popup.postMessage(token, '*');",
    "io('/chat').on('message', (m) => (el.innerHTML = m));",
    "const frame = document.createElement('iframe'); frame.src = '/embed';",
    "function configure() { allowed = '*'; }",
    "let allowed = 'https://a.example'; window.parent.postMessage('ready', allowed);",
];

/// Words that may not be written with escapes (reserved and contextual keywords).
const KEYWORDS: &[&str] = &[
    "function", "if", "return", "const", "let", "new", "class", "this", "import", "export",
    "default", "true", "false", "null", "async", "await", "static", "get", "set", "of",
];

fn program(choices: &[(usize, u8)]) -> String {
    let mut text = String::new();
    let mut open = 0;
    for &(piece, wrap) in choices {
        match wrap % 4 {
            0 => {
                text.push_str("function f() {\n");
                open += 1;
            }
            1 if open > 0 => {
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

/// Where identifier characters and string characters sit in `code` (no comments, no
/// regular expressions, no templates in the pieces): `(offset, in_string)`.
fn escapable_characters(code: &str) -> Vec<(usize, bool)> {
    let bytes = code.as_bytes();
    let mut found = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        let byte = bytes[at];
        if byte == b'\'' {
            let end = at + 1 + code[at + 1..].find('\'').unwrap();
            found.extend((at + 1..end).map(|inside| (inside, true)));
            at = end + 1;
        } else if byte.is_ascii_alphabetic() || byte == b'_' || byte == b'$' {
            let end = at
                + code[at..]
                    .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '$'))
                    .unwrap_or(code.len() - at);
            if !KEYWORDS.contains(&&code[at..end]) {
                found.extend((at..end).map(|inside| (inside, false)));
            }
            at = end;
        } else {
            at += 1;
        }
    }
    found
}

/// `code` with the characters at `offsets` escaped, each in one of the forms the
/// parser reads: `\uXXXX`, `\u{…}` with leading zeros, and in strings also `\xXX`,
/// legacy octal, an identity escape and a line continuation before the character.
fn escaped(code: &str, offsets: &[(usize, bool, u8)]) -> String {
    let mut out = String::new();
    let mut last = 0;
    for &(offset, in_string, form) in offsets {
        out.push_str(&code[last..offset]);
        let c = code.as_bytes()[offset];
        let forms = if in_string { 6 } else { 2 };
        match form % forms {
            0 => out.push_str(&format!("\\u{:04x}", c)),
            1 => out.push_str(&format!("\\u{{{:06X}}}", c)),
            2 => out.push_str(&format!("\\x{:02x}", c)),
            3 => out.push_str(&format!("\\{:o}", c)),
            4 if !b"bfnrtvux0123456789".contains(&c) => {
                out.push('\\');
                out.push(c as char);
            }
            5 => {
                out.push_str("\\\n");
                out.push(c as char);
            }
            _ => out.push(c as char),
        }
        last = offset + 1;
    }
    out.push_str(&code[last..]);
    out
}

/// The findings of `code` alone, as rule → lines (escapes add no line breaks outside
/// strings; a line continuation inside a string shifts what follows, so the lines
/// are counted on the code before escaping).
fn findings_by_rule(engine: &Engine, code: &str) -> BTreeMap<&'static str, usize> {
    let result = engine.lint_bytes(
        "generated.js".to_string(),
        code.as_bytes().to_vec(),
        FileKind::Script(Language::JavaScript),
    );
    let mut counts = BTreeMap::new();
    for finding in result.findings {
        *counts.entry(finding.rule).or_default() += 1;
    }
    counts
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn escaping_characters_of_identifiers_and_strings_changes_no_finding(
        choices in prop::collection::vec((0usize..64, any::<u8>()), 1..10),
        // Which characters to escape and how: about one in three, so that every name
        // of a program has some of its characters escaped in some cases.
        forms in prop::collection::vec(any::<u8>(), 1..64),
    ) {
        let code = program(&choices);
        let offsets: Vec<(usize, bool, u8)> = escapable_characters(&code)
            .into_iter()
            .enumerate()
            .map(|(index, (offset, in_string))| (offset, in_string, forms[index % forms.len()]))
            .filter(|(_, _, form)| form % 3 == 0)
            .map(|(offset, in_string, form)| (offset, in_string, form / 3))
            .collect();
        let escaped_code = escaped(&code, &offsets);
        let engine = Engine::new(Config::defaults(std::env::temp_dir()));
        prop_assert_eq!(
            findings_by_rule(&engine, &code),
            findings_by_rule(&engine, &escaped_code),
            "\n{}\n--- escaped ---\n{}", code, escaped_code
        );
    }
}
