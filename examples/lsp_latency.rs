//! How long `crosswire --lsp` takes to publish diagnostics after a change of a large file:
//! starts the server built beside this example, opens a generated JavaScript file of LINES
//! lines (default 5,000) with handlers, sockets and one finding, then changes one line
//! ROUNDS times (default 30), waiting each time for the diagnostics of that version.
//! Prints the time from sending the change to receiving its diagnostics. The file is saved
//! in the workspace too, so the server's workspace run (the link and project passes, on a
//! thread of its own, 250 ms after changes rest) lints it as well: with PAUSE (ms, default
//! 0) between changes above that delay, each change meets a workspace run under way, as
//! typing with pauses does.
//!
//! `cargo build --release && cargo run --release --example lsp_latency -- [LINES] [ROUNDS]
//! [SERVER] [PAUSE]` (SERVER: the crosswire binary to start, by default the one beside the
//! example; the client's own speed hardly matters, so a debug build of the example can time
//! a release server: `cargo run --example lsp_latency -- 5000 30 target/release/crosswire`).

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{ChildStdin, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

fn send(stdin: &mut ChildStdin, message: Value) {
    let body = message.to_string();
    write!(stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
    stdin.flush().unwrap();
}

fn receive(stdout: &mut BufReader<ChildStdout>) -> Value {
    let mut length = 0;
    loop {
        let mut line = String::new();
        assert!(stdout.read_line(&mut line).unwrap() > 0, "the server ended");
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(value) = line.strip_prefix("Content-Length: ") {
            length = value.parse().unwrap();
        }
    }
    let mut body = vec![0; length];
    stdout.read_exact(&mut body).unwrap();
    serde_json::from_slice(&body).unwrap()
}

/// Waits for the diagnostics of `version`; returns how many there were.
fn diagnostics(stdout: &mut BufReader<ChildStdout>, version: i64) -> usize {
    loop {
        let message = receive(stdout);
        if message["method"] == "textDocument/publishDiagnostics"
            && message["params"]["version"] == version
        {
            return message["params"]["diagnostics"].as_array().unwrap().len();
        }
    }
}

/// A file of about `lines` lines of handlers, senders and sockets, with one finding.
fn source(lines: usize) -> String {
    let mut text = String::from("parent.postMessage({ ready: true }, \"*\");\n");
    let mut index = 0;
    while text.lines().count() < lines {
        text.push_str(&format!(
            "const ORIGIN_{index} = \"https://app{index}.example.com\";\n\
             export function send{index}(frame, data) {{\n\
             \x20 const payload = {{ id: {index}, data, at: Date.now() }};\n\
             \x20 frame.contentWindow.postMessage(payload, ORIGIN_{index});\n\
             }}\n\
             window.addEventListener(\"message\", (event) => {{\n\
             \x20 if (event.origin !== ORIGIN_{index}) return;\n\
             \x20 const item = document.createElement(\"li\");\n\
             \x20 item.textContent = String(event.data.name);\n\
             \x20 document.body.append(item);\n\
             }});\n\
             function connect{index}(attempt = 0) {{\n\
             \x20 const socket = new WebSocket(\"wss://feed{index}.example.com\");\n\
             \x20 socket.onopen = () => socket.send(JSON.stringify({{ hello: {index} }}));\n\
             \x20 socket.onclose = () => setTimeout(() => connect{index}(attempt + 1), 2 ** attempt * 1000);\n\
             \x20 return socket;\n\
             }}\n\n"
        ));
        index += 1;
    }
    text
}

fn main() {
    let mut arguments = std::env::args().skip(1);
    let lines: usize = arguments.next().map_or(5_000, |n| n.parse().unwrap());
    let rounds: i64 = arguments.next().map_or(30, |n| n.parse().unwrap());
    let server = arguments.next().map_or_else(
        || {
            let examples = std::env::current_exe().unwrap();
            examples
                .parent()
                .unwrap()
                .parent()
                .unwrap()
                .join("crosswire")
        },
        std::path::PathBuf::from,
    );
    let pause = Duration::from_millis(arguments.next().map_or(0, |n| n.parse().unwrap()));
    // Started in a scratch folder: a relative path would be taken from there.
    let server = std::fs::canonicalize(&server)
        .unwrap_or_else(|error| panic!("no server at {}: {error}", server.display()));
    let folder = tempfile::tempdir().unwrap();
    std::fs::create_dir(folder.path().join(".git")).unwrap();
    let mut child = Command::new(&server)
        .arg("--lsp")
        .current_dir(folder.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap_or_else(|error| panic!("cannot start {}: {error}", server.display()));
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let root = format!("file://{}", folder.path().display());
    send(
        &mut stdin,
        json!({ "jsonrpc": "2.0", "id": 1, "method": "initialize",
                "params": { "processId": null, "rootUri": root, "capabilities": {} } }),
    );
    receive(&mut stdout);
    send(
        &mut stdin,
        json!({ "jsonrpc": "2.0", "method": "initialized", "params": {} }),
    );
    let uri = format!("{root}/big.js");
    let text = source(lines);
    std::fs::write(folder.path().join("big.js"), &text).unwrap();
    send(
        &mut stdin,
        json!({ "jsonrpc": "2.0", "method": "textDocument/didOpen", "params": { "textDocument": {
            "uri": uri, "languageId": "javascript", "version": 1, "text": text } } }),
    );
    let found = diagnostics(&mut stdout, 1);
    println!(
        "{} lines, {} bytes, {found} diagnostic(s)",
        text.lines().count(),
        text.len()
    );
    let mut times = Vec::new();
    for version in 2..rounds + 2 {
        let changed = text.replacen("ready: true", &format!("ready: {version}"), 1);
        std::thread::sleep(pause);
        let started = Instant::now();
        send(
            &mut stdin,
            json!({ "jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
                "textDocument": { "uri": uri, "version": version },
                "contentChanges": [{ "text": changed }] } }),
        );
        assert_eq!(diagnostics(&mut stdout, version), found);
        times.push(started.elapsed());
    }
    times.sort();
    let millis = |time: Duration| time.as_secs_f64() * 1000.0;
    let median = times[times.len() / 2];
    let worst = times[times.len() - 1];
    println!(
        "change to diagnostics: median {:.1} ms, worst {:.1} ms",
        millis(median),
        millis(worst)
    );
    send(
        &mut stdin,
        json!({ "jsonrpc": "2.0", "id": 2, "method": "shutdown", "params": null }),
    );
    receive(&mut stdout);
    send(
        &mut stdin,
        json!({ "jsonrpc": "2.0", "method": "exit", "params": null }),
    );
    child.wait().unwrap();
}
