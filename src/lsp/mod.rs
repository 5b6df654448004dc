//! `crosswire --lsp`: a Language Server Protocol server over standard input and output.
//!
//! Built on `lsp-server` and `lsp-types`, rust-analyzer's crates: synchronous, no async
//! runtime, a few small dependencies. The server lints each open document's unsaved text
//! with the engine, one file at a time (`Engine::lint_findings`: its findings, without the
//! summaries of its exports that only a link pass reads), with the config and ignore files
//! the command line would use for that file.
//!
//! - `server.rs`: the open documents, the message loop (linting a change once no other message waits) and
//!   the notifications;
//! - `answers.rs`: the requests: code actions and hover;
//! - `convert.rs`: positions, URIs and findings as the protocol spells them;
//! - `settings.rs`: the config and engine for a file, and whether it is left out;
//! - `actions.rs`: the ignore comments the code actions insert;
//! - `workspace.rs`: the workspace run, for findings that need other files (the link
//!   pass, project-level rules), and the documents it changes.
//!
//! It imports nothing of the command line: `cli.rs` only calls [`run`].

mod actions;
mod answers;
mod convert;
mod server;
mod settings;
mod workspace;

use lsp_server::Connection;

/// Serves one client on standard input and output until it exits; the exit status is 0
/// after `shutdown` then `exit`, 1 otherwise (as the protocol asks).
pub fn run() -> i32 {
    let (connection, io_threads) = Connection::stdio();
    let outcome = server::serve(&connection);
    // The writer thread ends once every sender is gone.
    drop(connection);
    let joined = io_threads.join();
    match (outcome, joined) {
        (Ok(()), Ok(())) => 0,
        (Err(problem), _) => {
            crate::safe_io::eprint_line(format_args!("crosswire: language server: {problem}"));
            1
        }
        (Ok(()), Err(problem)) => {
            crate::safe_io::eprint_line(format_args!("crosswire: language server: {problem}"));
            1
        }
    }
}
