//! The open documents and the message loop. A changed document is linted as soon as no
//! other message waits: a change alone is linted at once, and a burst of changes that
//! arrive while a lint runs is linted once, at its last text; a request about a document
//! (hover, code actions) lints it first if it changed. The workspace run (`workspace.rs`)
//! follows once the changes have rested for [`WORKSPACE_DELAY`].

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Instant;

use crossbeam_channel::TryRecvError;
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::{
    DidChangeTextDocument, DidChangeWatchedFiles, DidCloseTextDocument, DidOpenTextDocument,
    Notification as _, PublishDiagnostics, ShowMessage,
};
use lsp_types::request::{CodeActionRequest, HoverRequest, RegisterCapability, Request as _};
use lsp_types::{
    CodeActionKind, CodeActionOptions, CodeActionProviderCapability,
    DidChangeWatchedFilesRegistrationOptions, FileSystemWatcher, GlobPattern,
    HoverProviderCapability, InitializeParams, MessageType, PublishDiagnosticsParams, Registration,
    RegistrationParams, ServerCapabilities, ServerInfo, ShowMessageParams,
    TextDocumentSyncCapability, TextDocumentSyncKind, TextDocumentSyncOptions, Uri,
};

use super::convert::{self, Text};
use super::settings::{ForFile, Settings};
use crate::diagnostic::Finding;
use crate::source::{FileKind, Language, LineIndex};

use super::workspace::Workspace;

/// The files whose change may change what is reported: configs and ignore files.
const WATCHED: [&str; 3] = ["crosswire.toml", ".gitignore", ".ignore"];

pub(super) type Failure = Box<dyn std::error::Error + Send + Sync>;

pub(super) struct Document {
    pub(super) text: String,
    pub(super) version: i32,
    pub(super) path: Option<PathBuf>,
    pub(super) kind: FileKind,
    /// When it is due to be linted, if its text changed since.
    pub(super) due: Option<Instant>,
    /// The findings of its current text (once linted), and its lines.
    pub(super) findings: Vec<Finding>,
    pub(super) lines: LineIndex,
    /// The diagnostics last published for it.
    published: Option<Vec<lsp_types::Diagnostic>>,
}

pub(super) struct Server<'a> {
    pub(super) connection: &'a Connection,
    pub(super) documents: HashMap<Uri, Document>,
    pub(super) settings: Settings,
    /// The folder the paths of other files' labels are shown from.
    pub(super) cwd: PathBuf,
    pub(super) next_request: i32,
    /// The whole workspace, for findings that need other files.
    workspace: Workspace,
}

fn capabilities() -> ServerCapabilities {
    ServerCapabilities {
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::FULL),
                ..TextDocumentSyncOptions::default()
            },
        )),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
            ..CodeActionOptions::default()
        })),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        ..ServerCapabilities::default()
    }
}

/// Initializes the connection and serves it until `shutdown` and `exit`.
pub fn serve(connection: &Connection) -> Result<(), Failure> {
    let (id, params) = connection.initialize_start()?;
    let params: InitializeParams = serde_json::from_value(params)?;
    let result = serde_json::json!({
        "capabilities": capabilities(),
        "serverInfo": ServerInfo {
            name: "crosswire".to_string(),
            version: Some(env!("CARGO_PKG_VERSION").to_string()),
        },
    });
    connection.initialize_finish(id, result)?;
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("/"));
    #[allow(deprecated)] // `root_uri`: older clients send only it.
    let folder = params
        .workspace_folders
        .as_ref()
        .and_then(|folders| folders.first())
        .map(|folder| &folder.uri)
        .or(params.root_uri.as_ref())
        .and_then(convert::path_of);
    // Without a workspace folder (a file opened on its own), nothing is run over a folder
    // the user did not name: documents are linted one at a time.
    let workspace = Workspace::new(folder.clone());
    let root = folder.unwrap_or_else(|| cwd.clone());
    let mut server = Server {
        connection,
        documents: HashMap::new(),
        settings: Settings::new(root),
        cwd,
        next_request: 0,
        workspace,
    };
    let watches = params
        .capabilities
        .workspace
        .as_ref()
        .and_then(|workspace| workspace.did_change_watched_files)
        .and_then(|watched| watched.dynamic_registration)
        .unwrap_or(false);
    if watches {
        server.watch_settings()?;
    }
    server.serve()
}

impl Server<'_> {
    fn serve(&mut self) -> Result<(), Failure> {
        loop {
            // Every message already here comes first, so a burst of changes lints once.
            let message = match self.connection.receiver.try_recv() {
                Ok(message) => message,
                Err(TryRecvError::Disconnected) => break,
                Err(TryRecvError::Empty) => {
                    // Nothing waits: what changed is linted now.
                    if self
                        .documents
                        .values()
                        .any(|document| document.due.is_some())
                    {
                        self.lint_due(Instant::now())?;
                        continue;
                    }
                    let now = Instant::now();
                    let wait = match self.workspace.due {
                        Some(due) if !self.workspace.running => {
                            if due <= now {
                                self.start_workspace();
                                continue;
                            }
                            Some(due - now)
                        }
                        _ => None,
                    };
                    let messages = &self.connection.receiver;
                    let finished = self.workspace.finished.clone();
                    let event = match wait {
                        Some(wait) => crossbeam_channel::select! {
                            recv(messages) -> message => Event::Message(message.ok()),
                            recv(finished) -> done => Event::Finished(done.ok()),
                            default(wait) => Event::Due,
                        },
                        None => crossbeam_channel::select! {
                            recv(messages) -> message => Event::Message(message.ok()),
                            recv(finished) -> done => Event::Finished(done.ok()),
                        },
                    };
                    match event {
                        Event::Message(Some(message)) => message,
                        Event::Message(None) => break,
                        Event::Finished(done) => {
                            if let Some(done) = done {
                                self.finish_workspace(done)?;
                            }
                            continue;
                        }
                        Event::Due => continue,
                    }
                }
            };
            match message {
                Message::Request(request) => {
                    if self.connection.handle_shutdown(&request)? {
                        return Ok(());
                    }
                    self.request(request)?;
                }
                Message::Notification(notification) if notification.method == "exit" => {
                    return Err("`exit` came before `shutdown`".into());
                }
                // A notification that does not parse is said and passed over: the
                // protocol has no way to answer it.
                Message::Notification(notification) => {
                    let method = notification.method.clone();
                    if let Err(problem) = self.notification(notification) {
                        crate::safe_io::eprint_line(format_args!(
                            "crosswire: language server: {method}: {problem}"
                        ));
                    }
                }
                // Answers to `client/registerCapability`: nothing to do either way.
                Message::Response(_) => {}
            }
        }
        Err("the client closed the connection without `shutdown` and `exit`".into())
    }

    fn send(&self, message: impl Into<Message>) -> Result<(), Failure> {
        self.connection.sender.send(message.into())?;
        Ok(())
    }

    /// Asks the client to tell of changes to configs and ignore files.
    fn watch_settings(&mut self) -> Result<(), Failure> {
        let watchers = WATCHED
            .iter()
            .map(|name| FileSystemWatcher {
                glob_pattern: GlobPattern::String(format!("**/{name}")),
                kind: None,
            })
            .collect();
        let registration = Registration {
            id: "crosswire-settings".to_string(),
            method: DidChangeWatchedFiles::METHOD.to_string(),
            register_options: Some(serde_json::to_value(
                DidChangeWatchedFilesRegistrationOptions { watchers },
            )?),
        };
        self.next_request += 1;
        let request = Request::new(
            RequestId::from(format!("crosswire-{}", self.next_request)),
            RegisterCapability::METHOD.to_string(),
            RegistrationParams {
                registrations: vec![registration],
            },
        );
        self.send(request)
    }

    fn notification(&mut self, notification: Notification) -> Result<(), Failure> {
        match notification.method.as_str() {
            DidOpenTextDocument::METHOD => {
                let params: lsp_types::DidOpenTextDocumentParams =
                    serde_json::from_value(notification.params)?;
                let document = params.text_document;
                let path = convert::path_of(&document.uri);
                let kind = path
                    .as_deref()
                    .and_then(FileKind::from_path)
                    .or_else(|| kind_of_language(&document.language_id));
                // Files crosswire does not read are not its documents.
                let Some(kind) = kind else { return Ok(()) };
                self.documents.insert(
                    document.uri,
                    Document {
                        lines: LineIndex::new(&document.text),
                        text: document.text,
                        version: document.version,
                        path,
                        kind,
                        due: Some(Instant::now()),
                        findings: Vec::new(),
                        published: None,
                    },
                );
                self.workspace.touch();
            }
            DidChangeTextDocument::METHOD => {
                let params: lsp_types::DidChangeTextDocumentParams =
                    serde_json::from_value(notification.params)?;
                let Some(document) = self.documents.get_mut(&params.text_document.uri) else {
                    return Ok(());
                };
                // Full sync: the last change holds the whole text.
                if let Some(change) = params.content_changes.into_iter().last() {
                    document.text = change.text;
                    document.version = params.text_document.version;
                    document.due = Some(Instant::now());
                    self.workspace.touch();
                }
            }
            DidCloseTextDocument::METHOD => {
                let params: lsp_types::DidCloseTextDocumentParams =
                    serde_json::from_value(notification.params)?;
                if self.documents.remove(&params.text_document.uri).is_some() {
                    self.publish(params.text_document.uri, Vec::new(), None)?;
                    // Its file on disk stands for it again.
                    self.workspace.touch();
                }
            }
            DidChangeWatchedFiles::METHOD => {
                let params: lsp_types::DidChangeWatchedFilesParams =
                    serde_json::from_value(notification.params)?;
                let settings_changed = params.changes.iter().any(|change| {
                    convert::path_of(&change.uri)
                        .and_then(|path| Some(path.file_name()?.to_string_lossy().into_owned()))
                        .is_some_and(|name| WATCHED.contains(&name.as_str()))
                });
                if settings_changed {
                    self.settings.reload();
                    self.workspace.reload();
                    let now = Instant::now();
                    for document in self.documents.values_mut() {
                        document.due = Some(now);
                    }
                }
                // Files changed on disk (saved, created, deleted, or changed by another
                // program): the workspace is run again.
                self.workspace.touch();
            }
            _ => {}
        }
        Ok(())
    }

    /// Answers a request; parameters that do not parse are an `InvalidParams` error, not
    /// the end of the server.
    fn request(&mut self, request: Request) -> Result<(), Failure> {
        fn parse<P: serde::de::DeserializeOwned>(params: serde_json::Value) -> Result<P, String> {
            serde_json::from_value(params).map_err(|error| error.to_string())
        }
        let answer = match request.method.as_str() {
            CodeActionRequest::METHOD => match parse(request.params) {
                Ok(params) => Ok(serde_json::to_value(self.code_actions(params)?)?),
                Err(error) => Err((ErrorCode::InvalidParams, error)),
            },
            HoverRequest::METHOD => match parse(request.params) {
                Ok(params) => Ok(serde_json::to_value(self.hover(params)?)?),
                Err(error) => Err((ErrorCode::InvalidParams, error)),
            },
            _ => Err((
                ErrorCode::MethodNotFound,
                format!("crosswire does not answer `{}`", request.method),
            )),
        };
        self.send(match answer {
            Ok(result) => Response::new_ok(request.id, result),
            Err((code, message)) => Response::new_err(request.id, code as i32, message),
        })
    }

    /// Lints every document due by `now`.
    fn lint_due(&mut self, now: Instant) -> Result<(), Failure> {
        let due: Vec<Uri> = self
            .documents
            .iter()
            .filter(|(_, document)| document.due.is_some_and(|due| due <= now))
            .map(|(uri, _)| uri.clone())
            .collect();
        for uri in due {
            self.lint(&uri)?;
        }
        Ok(())
    }

    /// Lints a document now if its text changed since it was last linted.
    pub(super) fn lint_if_changed(&mut self, uri: &Uri) -> Result<(), Failure> {
        if self
            .documents
            .get(uri)
            .is_some_and(|document| document.due.is_some())
        {
            self.lint(uri)?;
        }
        Ok(())
    }

    fn lint(&mut self, uri: &Uri) -> Result<(), Failure> {
        let Some(document) = self.documents.get_mut(uri) else {
            return Ok(());
        };
        document.due = None;
        document.lines = LineIndex::new(&document.text);
        let (what, config_error) = self.settings.for_file(document.path.as_deref());
        let mut messages: Vec<(MessageType, String)> = config_error
            .into_iter()
            .map(|error| (MessageType::ERROR, error))
            .collect();
        document.findings = match what {
            ForFile::LeftOut => Vec::new(),
            ForFile::Lint(engine) => {
                let shown = match &document.path {
                    Some(path) => crate::source::display_path(path, &self.cwd),
                    None => uri.as_str().to_string(),
                };
                let bytes = document.text.clone().into_bytes();
                match engine.lint_findings(shown, bytes, document.kind) {
                    Ok(findings) => findings,
                    Err(error) => {
                        let message = format!("{}: {}", error.path, error.message);
                        messages.push((MessageType::WARNING, message));
                        Vec::new()
                    }
                }
            }
        };
        let diagnostics = diagnostics_of(document, &self.workspace, uri, &self.cwd);
        document.published = Some(diagnostics.clone());
        let version = document.version;
        for (typ, message) in messages {
            self.send(Notification::new(
                ShowMessage::METHOD.to_string(),
                ShowMessageParams {
                    typ,
                    message: format!("crosswire: {message}"),
                },
            ))?;
        }
        self.publish(uri.clone(), diagnostics, Some(version))
    }

    /// Starts a workspace run with the open documents' texts.
    fn start_workspace(&mut self) {
        let open: HashMap<PathBuf, std::sync::Arc<[u8]>> = self
            .documents
            .values()
            .filter_map(|document| {
                let path = document.path.clone()?;
                self.workspace
                    .contains(&path)
                    .then(|| (path, std::sync::Arc::from(document.text.as_bytes())))
            })
            .collect();
        self.workspace.start(open);
    }

    /// Takes in a finished workspace run, and publishes again each open document whose
    /// diagnostics it changed.
    fn finish_workspace(&mut self, done: Box<super::workspace::Done>) -> Result<(), Failure> {
        self.workspace.finish(done, &self.cwd);
        let mut changed = Vec::new();
        for (uri, document) in &mut self.documents {
            if document.due.is_some() {
                continue;
            }
            let diagnostics = diagnostics_of(document, &self.workspace, uri, &self.cwd);
            if document.published.as_ref() != Some(&diagnostics) {
                document.published = Some(diagnostics.clone());
                changed.push((uri.clone(), diagnostics, document.version));
            }
        }
        for (uri, diagnostics, version) in changed {
            self.publish(uri, diagnostics, Some(version))?;
        }
        Ok(())
    }

    fn publish(
        &self,
        uri: Uri,
        diagnostics: Vec<lsp_types::Diagnostic>,
        version: Option<i32>,
    ) -> Result<(), Failure> {
        self.send(Notification::new(
            PublishDiagnostics::METHOD.to_string(),
            PublishDiagnosticsParams {
                uri,
                diagnostics,
                version,
            },
        ))
    }
}

/// What the loop waits for.
enum Event {
    /// A message from the client, or `None` once it is gone.
    Message(Option<Message>),
    Finished(Option<Box<super::workspace::Done>>),
    /// The workspace run is due.
    Due,
}

/// A document's diagnostics: the workspace run's findings when it linted the document's
/// text as it is now (they include what needs other files), else its own.
fn diagnostics_of(
    document: &Document,
    workspace: &Workspace,
    uri: &Uri,
    cwd: &std::path::Path,
) -> Vec<lsp_types::Diagnostic> {
    let text = Text {
        text: &document.text,
        lines: &document.lines,
    };
    let findings = document
        .path
        .as_deref()
        .and_then(|path| workspace.findings_for(path, &document.text))
        .unwrap_or(&document.findings);
    findings
        .iter()
        .map(|finding| convert::diagnostic(finding, &text, uri, cwd))
        .collect()
}

/// The kind of a buffer never saved, from the client's language id.
fn kind_of_language(language_id: &str) -> Option<FileKind> {
    Some(match language_id {
        "javascript" | "javascriptreact" => FileKind::Script(Language::JavaScript),
        "typescript" => FileKind::Script(Language::TypeScript),
        "typescriptreact" => FileKind::Script(Language::Tsx),
        "html" => FileKind::Html,
        "vue" => FileKind::Vue,
        "svelte" => FileKind::Svelte,
        "astro" => FileKind::Astro,
        _ => return None,
    })
}
