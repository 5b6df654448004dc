//! `crosswire --lsp`, driven as an editor drives it: the real binary, JSON-RPC messages
//! with `Content-Length` framing over its standard input and output. Every read has a
//! timeout, so a server that hangs fails the test instead of hanging it.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

const TIMEOUT: Duration = Duration::from_secs(30);
const RULE: &str = "postmessage-wildcard-origin";

struct Client {
    child: Child,
    stdin: ChildStdin,
    messages: Receiver<Value>,
    next_id: i64,
}

impl Client {
    /// Starts the server in `folder` and initializes it with `folder` as the workspace.
    fn start(folder: &Path) -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_crosswire"))
            .arg("--lsp")
            .current_dir(folder)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("crosswire starts");
        let stdin = child.stdin.take().unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let (sender, messages) = channel();
        std::thread::spawn(move || {
            while let Some(message) = read_message(&mut stdout) {
                if sender.send(message).is_err() {
                    break;
                }
            }
        });
        let mut client = Client {
            child,
            stdin,
            messages,
            next_id: 0,
        };
        let capabilities = json!({
            "workspace": { "didChangeWatchedFiles": { "dynamicRegistration": true } },
            "textDocument": { "publishDiagnostics": { "relatedInformation": true } },
        });
        let folder_uri = uri(folder);
        let initialized = client.request(
            "initialize",
            json!({
                "processId": null,
                "rootUri": folder_uri,
                "capabilities": capabilities,
                "workspaceFolders": [{ "uri": folder_uri, "name": "project" }],
            }),
        );
        let server = &initialized["result"];
        assert_eq!(server["serverInfo"]["name"], "crosswire");
        assert_eq!(server["capabilities"]["textDocumentSync"]["change"], 1);
        assert_eq!(server["capabilities"]["hoverProvider"], true);
        assert_eq!(
            server["capabilities"]["codeActionProvider"]["codeActionKinds"],
            json!(["quickfix"])
        );
        client.notify("initialized", json!({}));
        // The server asks to be told of changes to configs and ignore files.
        let registration =
            client.expect(|message| message["method"] == "client/registerCapability");
        let watchers = &registration["params"]["registrations"][0]["registerOptions"]["watchers"];
        assert_eq!(watchers[0]["globPattern"], "**/crosswire.toml");
        let id = registration["id"].clone();
        client.send(json!({ "jsonrpc": "2.0", "id": id, "result": null }));
        client
    }

    fn send(&mut self, message: Value) {
        let body = message.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        self.stdin.flush().unwrap();
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({ "jsonrpc": "2.0", "method": method, "params": params }));
    }

    /// Sends a request and waits for its response.
    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send(json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        self.expect(|message| message["id"] == id && message.get("method").is_none())
    }

    /// The next message, or a failure after the timeout.
    fn next(&mut self) -> Value {
        match self.messages.recv_timeout(TIMEOUT) {
            Ok(message) => message,
            Err(RecvTimeoutError::Timeout) => panic!("no message from the server in {TIMEOUT:?}"),
            Err(RecvTimeoutError::Disconnected) => panic!("the server closed its output"),
        }
    }

    /// The first message that `wanted` accepts; window messages and the like before it
    /// are passed over, but never diagnostics (each publication matters).
    /// The next `files` publishDiagnostics notifications, by document URI.
    fn diagnostics_of_files(&mut self, files: usize) -> std::collections::HashMap<String, Value> {
        let mut seen = std::collections::HashMap::new();
        for _ in 0..files {
            let message =
                self.expect(|message| message["method"] == "textDocument/publishDiagnostics");
            let params = &message["params"];
            seen.insert(
                params["uri"].as_str().unwrap().to_string(),
                params["diagnostics"].clone(),
            );
        }
        seen
    }

    fn expect(&mut self, wanted: impl Fn(&Value) -> bool) -> Value {
        loop {
            let message = self.next();
            if wanted(&message) {
                return message;
            }
            assert_ne!(
                message["method"], "textDocument/publishDiagnostics",
                "unexpected diagnostics: {message:#}"
            );
        }
    }

    /// The next diagnostics published for `uri`.
    fn diagnostics(&mut self, uri: &str) -> Value {
        let message = self.expect(|message| message["method"] == "textDocument/publishDiagnostics");
        assert_eq!(message["params"]["uri"], uri, "{message:#}");
        message["params"].clone()
    }

    fn open(&mut self, uri: &str, language: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": {
                "uri": uri, "languageId": language, "version": 1, "text": text,
            }}),
        );
    }

    fn change(&mut self, uri: &str, version: i64, text: &str) {
        self.notify(
            "textDocument/didChange",
            json!({
                "textDocument": { "uri": uri, "version": version },
                "contentChanges": [{ "text": text }],
            }),
        );
    }

    /// `shutdown` then `exit`: the server must then exit with status 0.
    fn shut_down(mut self) {
        let answer = self.request("shutdown", Value::Null);
        assert_eq!(answer["result"], Value::Null, "{answer:#}");
        self.notify("exit", Value::Null);
        let started = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                assert_eq!(status.code(), Some(0));
                return;
            }
            if started.elapsed() > TIMEOUT {
                self.child.kill().unwrap();
                panic!("the server did not exit after `exit`");
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

/// One message of `Content-Length` framing, or `None` at the end of the output.
fn read_message(input: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if input.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(value) = line.strip_prefix("Content-Length: ") {
            length = Some(value.parse::<usize>().expect("a length"));
        }
    }
    let mut body = vec![0; length.expect("a Content-Length header")];
    input.read_exact(&mut body).ok()?;
    Some(serde_json::from_slice(&body).expect("a JSON message"))
}

fn uri(path: &Path) -> String {
    format!("file://{}", path.display())
}

/// A folder that is the top of a repository, so no config or ignore file above it counts.
fn project() -> (tempfile::TempDir, std::path::PathBuf) {
    let temp = tempfile::tempdir().unwrap();
    let folder = std::fs::canonicalize(temp.path()).unwrap();
    // A repository git can read (where git cannot say what it tracks, an ignored file
    // is linted).
    let initialised = std::process::Command::new("git")
        .args(["init", "-q"])
        .current_dir(&folder)
        .status()
        .unwrap();
    assert!(initialised.success());
    (temp, folder)
}

const FLAGGED: &str = "function send(data) {\n  parent.postMessage(data, \"*\");\n}\n";
const FIXED: &str =
    "function send(data) {\n  parent.postMessage(data, \"https://example.com\");\n}\n";

#[test]
fn diagnostics_code_actions_hover_and_a_fix_over_stdio() {
    let (_temp, folder) = project();
    let mut client = Client::start(&folder);
    let app = uri(&folder.join("app.js"));
    client.open(&app, "javascript", FLAGGED);
    let published = client.diagnostics(&app);
    assert_eq!(published["version"], 1);
    let diagnostics = published["diagnostics"].as_array().unwrap();
    assert_eq!(diagnostics.len(), 1, "{published:#}");
    let diagnostic = &diagnostics[0];
    assert_eq!(diagnostic["code"], RULE);
    assert_eq!(diagnostic["source"], "crosswire");
    assert_eq!(
        diagnostic["severity"], 1,
        "an error, as configured by default"
    );
    let href = diagnostic["codeDescription"]["href"].as_str().unwrap();
    assert!(href.ends_with(&format!("/rules/{RULE}.md")), "{href}");
    // `parent.postMessage` on line 2 (0-based 1).
    let range = diagnostic["range"].clone();
    assert_eq!(range["start"], json!({ "line": 1, "character": 2 }));
    assert_eq!(range["end"], json!({ "line": 1, "character": 20 }));
    // Its label, on `"*"`, as related information.
    assert_eq!(
        diagnostic["relatedInformation"],
        json!([{
            "location": {
                "uri": app,
                "range": {
                    "start": { "line": 1, "character": 27 },
                    "end": { "line": 1, "character": 30 },
                },
            },
            "message": "\"*\" matches every origin",
        }])
    );

    // Code actions at the finding: ignore it on its line, or in the file.
    let actions = client.request(
        "textDocument/codeAction",
        json!({
            "textDocument": { "uri": app },
            "range": range,
            "context": { "diagnostics": [diagnostic] },
        }),
    );
    let actions = actions["result"].as_array().unwrap().clone();
    let titles: Vec<&str> = actions
        .iter()
        .map(|a| a["title"].as_str().unwrap())
        .collect();
    assert_eq!(
        titles,
        [
            format!("Ignore {RULE} on this line"),
            format!("Ignore {RULE} in this file")
        ]
    );
    assert_eq!(actions[0]["kind"], "quickfix");
    assert_eq!(actions[0]["diagnostics"][0]["code"], RULE);
    let edits = &actions[0]["edit"]["changes"][&app];
    assert_eq!(
        edits,
        &json!([{
            "range": { "start": { "line": 1, "character": 0 }, "end": { "line": 1, "character": 0 } },
            "newText": format!("  // crosswire-ignore-next-line {RULE} -- \n"),
        }])
    );
    let edits = &actions[1]["edit"]["changes"][&app];
    assert_eq!(
        edits[0]["range"]["start"],
        json!({ "line": 0, "character": 0 })
    );
    assert_eq!(
        edits[0]["newText"],
        format!("// crosswire-ignore-file {RULE} -- \n")
    );

    // Hover on the finding: the rule's `--explain` text.
    let hover = client.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": app }, "position": { "line": 1, "character": 10 } }),
    );
    let explained = Command::new(env!("CARGO_BIN_EXE_crosswire"))
        .args(["--explain", RULE])
        .output()
        .unwrap();
    let explained = String::from_utf8(explained.stdout).unwrap();
    assert_eq!(hover["result"]["contents"]["kind"], "markdown");
    assert_eq!(hover["result"]["contents"]["value"], explained.trim_end());
    assert_eq!(hover["result"]["range"], range);
    // Away from any finding, nothing.
    let hover = client.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": app }, "position": { "line": 0, "character": 2 } }),
    );
    assert_eq!(hover["result"], Value::Null);

    // Applying the line action's edit silences the finding.
    let ignored = format!(
        "function send(data) {{\n  // crosswire-ignore-next-line {RULE} -- test\n  parent.postMessage(data, \"*\");\n}}\n"
    );
    client.change(&app, 2, &ignored);
    let published = client.diagnostics(&app);
    assert_eq!(published["version"], 2);
    assert_eq!(published["diagnostics"], json!([]));

    // A burst of changes ends with the diagnostics of its last text, the fix; changes that
    // arrive while a lint runs are linted once, at the last of them, so versions between
    // may be passed over, but never published after a later one.
    client.change(&app, 3, FLAGGED);
    client.change(&app, 4, "function send(data) {\n  parent.postMessage(");
    client.change(&app, 5, FIXED);
    let mut last = 2;
    let published = loop {
        let published = client.diagnostics(&app);
        let version = published["version"].as_i64().unwrap();
        assert!(version > last, "{published:#}");
        last = version;
        if version == 5 {
            break published;
        }
    };
    assert_eq!(published["diagnostics"], json!([]));
    // Nothing else was published in between: the next message answers the next request.
    let answer = client.request(
        "textDocument/codeAction",
        json!({
            "textDocument": { "uri": app },
            "range": range,
            "context": { "diagnostics": [] },
        }),
    );
    assert_eq!(answer["result"], json!([]));

    // Closing the document clears its diagnostics.
    client.change(&app, 6, FLAGGED);
    assert_eq!(client.diagnostics(&app)["diagnostics"][0]["code"], RULE);
    client.notify(
        "textDocument/didClose",
        json!({ "textDocument": { "uri": app } }),
    );
    assert_eq!(client.diagnostics(&app)["diagnostics"], json!([]));
    client.shut_down();
}

#[test]
fn markup_unused_ignores_config_reload_and_ignore_files() {
    let (_temp, folder) = project();
    std::fs::create_dir(folder.join("dist")).unwrap();
    std::fs::write(folder.join(".gitignore"), "dist/\n").unwrap();
    let mut client = Client::start(&folder);

    // An HTML page: the finding in its script, and an ignore comment in its markup that
    // silences nothing, a hint tagged unnecessary.
    let page = uri(&folder.join("page.html"));
    let html = format!(
        "<!-- crosswire-ignore-next-line {RULE} -->\n<p>hello</p>\n<script>\n  parent.postMessage(data, \"*\");\n</script>\n"
    );
    client.open(&page, "html", &html);
    let published = client.diagnostics(&page);
    let diagnostics = published["diagnostics"].as_array().unwrap();
    let codes: Vec<&str> = diagnostics
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["unused-ignore", RULE], "{published:#}");
    assert_eq!(diagnostics[0]["severity"], 4);
    assert_eq!(diagnostics[0]["tags"], json!([1]));
    assert_eq!(
        diagnostics[0]["range"]["start"],
        json!({ "line": 0, "character": 0 })
    );
    assert_eq!(
        diagnostics[1]["range"]["start"],
        json!({ "line": 3, "character": 2 })
    );
    // The line action comments in the script's syntax.
    let actions = client.request(
        "textDocument/codeAction",
        json!({
            "textDocument": { "uri": page },
            "range": diagnostics[1]["range"],
            "context": { "diagnostics": [] },
        }),
    );
    assert_eq!(
        actions["result"][0]["edit"]["changes"][&page][0]["newText"],
        format!("  // crosswire-ignore-next-line {RULE} -- \n")
    );
    assert_eq!(
        actions["result"][1]["edit"]["changes"][&page][0]["newText"],
        format!("<!-- crosswire-ignore-file {RULE} --  -->\n")
    );

    // In JSX children a `//` line would be text: the action writes `{/* … */}` there.
    let component = uri(&folder.join("App.tsx"));
    let tsx = "export function App({ data }: { data: string }) {\n  return (\n    <div>\n      <button onClick={() => parent.postMessage(data, \"*\")}>x</button>\n    </div>\n  );\n}\n";
    client.open(&component, "typescriptreact", tsx);
    let published = client.diagnostics(&component);
    let range = published["diagnostics"][0]["range"].clone();
    assert_eq!(range["start"], json!({ "line": 3, "character": 29 }));
    let actions = client.request(
        "textDocument/codeAction",
        json!({
            "textDocument": { "uri": component },
            "range": range,
            "context": { "diagnostics": [], "only": ["quickfix"] },
        }),
    );
    assert_eq!(
        actions["result"][0]["edit"]["changes"][&component][0]["newText"],
        format!("      {{/* crosswire-ignore-next-line {RULE} -- */}}\n")
    );
    client.notify(
        "textDocument/didClose",
        json!({ "textDocument": { "uri": component } }),
    );
    assert_eq!(client.diagnostics(&component)["diagnostics"], json!([]));
    // Asked only for refactorings, there are none.
    let actions = client.request(
        "textDocument/codeAction",
        json!({
            "textDocument": { "uri": page },
            "range": { "start": { "line": 3, "character": 2 }, "end": { "line": 3, "character": 2 } },
            "context": { "diagnostics": [], "only": ["refactor"] },
        }),
    );
    assert_eq!(actions["result"], json!([]));

    // A buffer never saved is linted by its language id; one crosswire does not read is not
    // its document (the next message answers the next request).
    let untitled = "untitled:Untitled-1";
    client.open(untitled, "javascriptreact", FLAGGED);
    assert_eq!(client.diagnostics(untitled)["diagnostics"][0]["code"], RULE);
    client.notify(
        "textDocument/didClose",
        json!({ "textDocument": { "uri": untitled } }),
    );
    assert_eq!(client.diagnostics(untitled)["diagnostics"], json!([]));
    client.open("untitled:Untitled-2", "python", FLAGGED);
    let hover = client.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": "untitled:Untitled-2" }, "position": { "line": 1, "character": 10 } }),
    );
    assert_eq!(hover["result"], Value::Null);

    // A file under a folder .gitignore lists is left out, as a run would leave it.
    let built = uri(&folder.join("dist/app.js"));
    client.open(&built, "javascript", FLAGGED);
    assert_eq!(client.diagnostics(&built)["diagnostics"], json!([]));

    // A config that switches the rule off, then the watched-files notice: every open
    // document is linted again with it.
    std::fs::write(
        folder.join("crosswire.toml"),
        format!("[rules]\n{RULE} = \"warn\"\nunused-ignore = \"off\"\n"),
    )
    .unwrap();
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": uri(&folder.join("crosswire.toml")), "type": 1 }] }),
    );
    let seen = client.diagnostics_of_files(2);
    assert_eq!(seen[&built], json!([]));
    let diagnostics = seen[&page].as_array().unwrap();
    assert_eq!(diagnostics.len(), 1, "{diagnostics:#?}");
    assert_eq!(diagnostics[0]["code"], RULE);
    assert_eq!(
        diagnostics[0]["severity"], 2,
        "a warning, as the config now says"
    );

    // A config that cannot be read: said once, and the defaults lint meanwhile.
    std::fs::write(folder.join("crosswire.toml"), "[rules\n").unwrap();
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": uri(&folder.join("crosswire.toml")), "type": 2 }] }),
    );
    let shown = client.expect(|message| message["method"] == "window/showMessage");
    assert_eq!(shown["params"]["type"], 1);
    assert!(
        shown["params"]["message"]
            .as_str()
            .unwrap()
            .contains("crosswire.toml"),
        "{shown:#}"
    );
    let seen = client.diagnostics_of_files(2);
    let codes: Vec<&str> = seen[&page]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["unused-ignore", RULE]);
    client.shut_down();
}

#[test]
fn options_the_server_does_not_read_are_refused() {
    for option in [
        &["--rule", "unused-ignore=off"][..],
        &["--config", "x.toml"],
        &["src"],
    ] {
        let output = Command::new(env!("CARGO_BIN_EXE_crosswire"))
            .arg("--lsp")
            .args(option)
            .stdin(Stdio::null())
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{option:?}");
        let error = String::from_utf8(output.stderr).unwrap();
        assert!(error.contains("cannot be used with"), "{error}");
        assert!(output.stdout.is_empty());
    }
}

#[test]
fn malformed_messages_are_answered_or_passed_over_and_the_server_goes_on() {
    let (_temp, folder) = project();
    let mut client = Client::start(&folder);
    let app = uri(&folder.join("app.js"));
    client.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": app } }),
    );
    let answer = client.request("textDocument/hover", json!({ "position": "here" }));
    assert_eq!(answer["error"]["code"], -32602, "{answer:#}");
    let answer = client.request("textDocument/definition", json!({}));
    assert_eq!(answer["error"]["code"], -32601, "{answer:#}");
    // Still serving: a document opened now is linted.
    client.open(&app, "javascript", FLAGGED);
    assert_eq!(client.diagnostics(&app)["diagnostics"][0]["code"], RULE);
    client.shut_down();
}

#[test]
fn quick_fixes_make_a_socket_url_secure_in_scripts_and_pages() {
    let (_temp, folder) = project();
    let mut client = Client::start(&folder);
    let insecure = "websocket-insecure-url";
    for (name, language, text, line) in [
        (
            "feed.js",
            "javascript",
            "const socket = new WebSocket(\"ws://chat.example.com/feed\");\n",
            0,
        ),
        (
            "feed.html",
            "html",
            "<p>feed</p>\n<script>\n  const socket = new WebSocket('ws://chat.example.com/feed');\n</script>\n",
            2,
        ),
    ] {
        let document = uri(&folder.join(name));
        client.open(&document, language, text);
        let published = client.diagnostics(&document);
        let finding = published["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .find(|diagnostic| diagnostic["code"] == insecure)
            .unwrap_or_else(|| panic!("no {insecure} in {published:#}"))
            .clone();
        let actions = client.request(
            "textDocument/codeAction",
            json!({
                "textDocument": { "uri": document },
                "range": finding["range"],
                "context": { "diagnostics": [finding] },
            }),
        );
        let fix = actions["result"]
            .as_array()
            .unwrap()
            .iter()
            .find(|action| action["title"] == "Use `wss://`")
            .unwrap_or_else(|| panic!("no fix in {actions:#}"))
            .clone();
        assert_eq!(fix["isPreferred"], true);
        assert_eq!(fix["diagnostics"][0]["code"], insecure);
        let column = text.lines().nth(line).unwrap().find("ws://").unwrap();
        assert_eq!(
            fix["edit"]["changes"][&document],
            json!([{
                "range": {
                    "start": { "line": line, "character": column },
                    "end": { "line": line, "character": column + 5 },
                },
                "newText": "wss://",
            }])
        );
        // The fixed text has no such finding.
        client.change(&document, 2, &text.replace("ws://", "wss://"));
        let published = client.diagnostics(&document);
        let codes: Vec<&Value> = published["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|diagnostic| &diagnostic["code"])
            .collect();
        assert!(!codes.contains(&&json!(insecure)), "{published:#}");
    }
    client.shut_down();
}

#[test]
fn quick_fix_posts_to_the_origin_the_code_opened_and_none_where_it_is_not_known() {
    let (_temp, folder) = project();
    let mut client = Client::start(&folder);
    let document = uri(&folder.join("pay.js"));
    let text = "const pay = window.open(\"https://pay.example.com/checkout\");\n\
                pay.postMessage(order, \"*\");\n\
                const other = window.open(next);\n\
                other.postMessage(order, \"*\");\n";
    client.open(&document, "javascript", text);
    let published = client.diagnostics(&document);
    let findings: Vec<Value> = published["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|diagnostic| diagnostic["code"] == RULE)
        .cloned()
        .collect();
    assert_eq!(findings.len(), 2, "{published:#}");
    let titles_and_edits = |client: &mut Client, finding: &Value| -> Vec<(String, Value)> {
        let actions = client.request(
            "textDocument/codeAction",
            json!({
                "textDocument": { "uri": document },
                "range": finding["range"],
                "context": { "diagnostics": [finding] },
            }),
        );
        actions["result"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|action| action["isPreferred"] == true)
            .map(|action| {
                (
                    action["title"].as_str().unwrap().to_string(),
                    action["edit"]["changes"][&document].clone(),
                )
            })
            .collect()
    };
    let fixes = titles_and_edits(&mut client, &findings[0]);
    let column = text.lines().nth(1).unwrap().find("\"*\"").unwrap();
    assert_eq!(
        fixes,
        [(
            "Post to `https://pay.example.com`".to_string(),
            json!([{
                "range": {
                    "start": { "line": 1, "character": column },
                    "end": { "line": 1, "character": column + 3 },
                },
                "newText": "\"https://pay.example.com\"",
            }])
        )]
    );
    // The second window's URL is not known: no fix, only the ignore actions.
    assert_eq!(titles_and_edits(&mut client, &findings[1]), []);
    client.shut_down();
}

/// Waits for diagnostics published for `uri` that `wanted` accepts, passing over any other
/// message (publications for other files, or for this one before it is right).
fn published_for(client: &mut Client, uri: &str, wanted: impl Fn(&Value) -> bool) -> Value {
    let started = Instant::now();
    loop {
        assert!(started.elapsed() < TIMEOUT, "no such diagnostics for {uri}");
        let message = client.next();
        if message["method"] == "textDocument/publishDiagnostics"
            && message["params"]["uri"] == uri
            && wanted(&message["params"]["diagnostics"])
        {
            return message["params"].clone();
        }
    }
}

fn has_code(diagnostics: &Value, code: &str) -> bool {
    diagnostics
        .as_array()
        .unwrap()
        .iter()
        .any(|diagnostic| diagnostic["code"] == code)
}

/// A change in one document changes another's findings: the worker the page starts opens a
/// socket to the page's own endpoint (websocket-same-page, reported in the page's script),
/// then no longer does. The server runs the workspace with the unsaved text and publishes
/// the other document each time.
#[test]
fn a_change_in_one_file_republishes_the_diagnostics_of_another() {
    let (_temp, folder) = project();
    let same_page = "websocket-same-page";
    let fixture =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/websocket-same-page/worker-feed");
    let main_text = std::fs::read_to_string(fixture.join("main.js")).unwrap();
    let worker_with_socket = std::fs::read_to_string(fixture.join("analytics.worker.js")).unwrap();
    let worker_without = "self.onmessage = (event) => self.postMessage(event.data.length);\n";
    std::fs::write(folder.join("main.js"), &main_text).unwrap();
    std::fs::write(folder.join("analytics.worker.js"), worker_without).unwrap();
    let mut client = Client::start(&folder);
    let main = uri(&folder.join("main.js"));
    let worker = uri(&folder.join("analytics.worker.js"));
    client.open(&main, "javascript", &main_text);
    client.open(&worker, "javascript", worker_without);
    let first = published_for(&mut client, &main, |_| true);
    assert!(!has_code(&first["diagnostics"], same_page), "{first:#}");
    // The worker now opens the page's socket too, unsaved: the page's script is published
    // again with the finding, which points at its `new Worker(…)` line.
    client.change(&worker, 2, &worker_with_socket);
    let found = published_for(&mut client, &main, |diagnostics| {
        has_code(diagnostics, same_page)
    });
    let finding = found["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|diagnostic| diagnostic["code"] == same_page)
        .unwrap();
    let line = main_text
        .lines()
        .position(|line| line.contains("new Worker"))
        .unwrap();
    assert_eq!(finding["range"]["start"]["line"], line, "{finding:#}");
    assert_eq!(found["version"], 1);
    // And back: the finding is cleared.
    client.change(&worker, 3, worker_without);
    published_for(&mut client, &main, |diagnostics| {
        !has_code(diagnostics, same_page)
    });
    // Closing the worker: its file on disk (without the socket) stands for it, no change.
    client.shut_down();
}

/// An imported constant: the importer's finding comes from the link pass, so a change of
/// the constant's module (its unsaved text) adds, then clears, a diagnostic of the importer.
#[test]
fn editing_an_imported_constant_republishes_its_importer() {
    let (_temp, folder) = project();
    let config = "// Where the widget posts to.\nexport const PARENT_ORIGIN = \"https://app.example.com\";\n";
    let widget = "import { PARENT_ORIGIN } from \"./config.js\";\n\
                  export function resized(height) {\n\
                  \x20 window.parent.postMessage({ height }, PARENT_ORIGIN);\n\
                  }\n";
    std::fs::write(folder.join("config.js"), config).unwrap();
    std::fs::write(folder.join("widget.js"), widget).unwrap();
    let mut client = Client::start(&folder);
    let config_uri = uri(&folder.join("config.js"));
    let widget_uri = uri(&folder.join("widget.js"));
    client.open(&widget_uri, "javascript", widget);
    client.open(&config_uri, "javascript", config);
    let first = published_for(&mut client, &widget_uri, |_| true);
    assert!(!has_code(&first["diagnostics"], RULE), "{first:#}");
    // The constant becomes "*": the importer's post is flagged, with a label in config.js.
    client.change(
        &config_uri,
        2,
        &config.replace("https://app.example.com", "*"),
    );
    let flagged = published_for(&mut client, &widget_uri, |diagnostics| {
        has_code(diagnostics, RULE)
    });
    let finding = flagged["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|diagnostic| diagnostic["code"] == RULE)
        .unwrap();
    assert_eq!(finding["range"]["start"]["line"], 2, "{finding:#}");
    let related = finding["relatedInformation"].to_string();
    assert!(related.contains(&config_uri), "{finding:#}");
    // And back.
    client.change(&config_uri, 3, config);
    published_for(&mut client, &widget_uri, |diagnostics| {
        !has_code(diagnostics, RULE)
    });
    client.shut_down();
}

#[test]
fn a_client_that_exits_without_shutdown_gets_status_1() {
    let (_temp, folder) = project();
    let mut client = Client::start(&folder);
    client.notify("exit", Value::Null);
    let started = Instant::now();
    let status = loop {
        if let Some(status) = client.child.try_wait().unwrap() {
            break status;
        }
        assert!(started.elapsed() < TIMEOUT, "the server did not exit");
        std::thread::sleep(Duration::from_millis(10));
    };
    assert_eq!(status.code(), Some(1));
}
