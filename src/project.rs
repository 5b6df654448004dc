//! Project-level rules: they read every file's facts after the per-file pass and
//! never parse again. `websocket-same-page` relates the page map's contexts (pages
//! with their modules, the frames they embed, the workers they start, the popups they
//! open: `crate::pages`) to the sockets each one opens.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;
use std::path::Path;

use crate::diagnostic::{Diagnostic, Finding, Label, Severity};
use crate::page_map::{KnownFiles, resolve};
use crate::pages::{Kind, Pages};
use crate::results::RunReport;
use crate::rules::WEBSOCKET_SAME_PAGE;
use crate::semantic::sockets::Endpoint;
use crate::suppress;

/// Scripts the run starts as workers (`new Worker(…)`, `new SharedWorker(…)`) and
/// never loads, embeds or opens as a page, and the modules only they import (see
/// [`Pages::worker_only`]): their `message` events come from the pages that started
/// them, never from another site, so the message-handler rules do not apply there,
/// whatever the script's text looks like.
pub fn drop_worker_message_findings(report: &mut RunReport, pages: &Pages) {
    for at in pages.worker_only() {
        report.files[at]
            .findings
            .retain(|finding| !crate::rules::MESSAGE_HANDLER_RULES.contains(&finding.rule));
    }
}

/// `postMessage(message, "*")` to a frame the page's markup shows is sandboxed: the
/// frame's document has the opaque origin `"null"`, which no target origin but `"*"`
/// matches, so postmessage-wildcard-origin's fix does not exist there. The call must
/// find the frame by its `id` (`document.getElementById("x").contentWindow`, see
/// [`crate::results::ProjectFacts::framed_wildcards`]), and in every page whose modules
/// include the file, every frame element with that id must be sandboxed: by a `sandbox`
/// attribute without `allow-same-origin`, or by loading a page that its browser
/// extension's `manifest.json` lists under `"sandbox": { "pages": […] }` (then no
/// script of the page may point a frame elsewhere). A file no page loads keeps its
/// finding.
pub fn drop_sandboxed_frame_wildcards(report: &mut RunReport, pages: &Pages, roots: &[String]) {
    let wanted: Vec<usize> = (0..report.files.len())
        .filter(|&at| {
            let file = &report.files[at];
            !file.project.framed_wildcards.is_empty()
                && file.findings.iter().any(|f| f.rule == WILDCARD_RULE)
        })
        .collect();
    if wanted.is_empty() {
        return;
    }
    let known: KnownFiles = report.files.iter().map(|file| file.path.as_str()).collect();
    let mut manifests = Manifests::default();
    let mut pages_of: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    let mut modules_of: BTreeMap<usize, BTreeSet<usize>> = BTreeMap::new();
    for &page in &pages.pages {
        let modules = pages.modules(page);
        for &at in &wanted {
            if modules.contains(&at) {
                pages_of.entry(at).or_default().push(page);
            }
        }
        modules_of.insert(page, modules);
    }
    // Whether every frame element with `id` in the page is sandboxed (and there is one).
    let mut sandboxed = |page: usize, id: &str| -> bool {
        let modules = &modules_of[&page];
        let mut found = false;
        for &module in modules {
            let file = &report.files[module];
            for frame in file
                .page
                .frame_elements
                .iter()
                .filter(|frame| frame.id == id)
            {
                found = true;
                if frame.opaque_by_attribute() {
                    continue;
                }
                let listed = frame
                    .src
                    .as_deref()
                    .and_then(|src| resolve(&file.path, src, &known, roots))
                    .is_some_and(|target| manifests.lists_as_sandboxed(&target));
                // A script of the page that points a frame elsewhere may navigate this one
                // away from the sandboxed page.
                let navigated = modules
                    .iter()
                    .any(|&other| report.files[other].page.sets_sources);
                if !listed || navigated {
                    return false;
                }
            }
        }
        found
    };
    let mut dropped: Vec<(usize, Vec<std::ops::Range<usize>>)> = Vec::new();
    for &at in &wanted {
        let Some(containing) = pages_of.get(&at) else {
            continue;
        };
        let spans: Vec<std::ops::Range<usize>> = report.files[at]
            .project
            .framed_wildcards
            .iter()
            .filter(|(_, id)| containing.iter().all(|&page| sandboxed(page, id)))
            .map(|(span, _)| span.clone())
            .collect();
        if !spans.is_empty() {
            dropped.push((at, spans));
        }
    }
    for (at, spans) in dropped {
        report.files[at].findings.retain(|finding| {
            finding.rule != WILDCARD_RULE || !spans.contains(&finding.diagnostic.span)
        });
    }
}

const WILDCARD_RULE: &str = "postmessage-wildcard-origin";

/// Browser extension manifests (`manifest.json` with a `manifest_version`) found on disk
/// above a file, and the pages each lists as sandboxed.
#[derive(Default)]
struct Manifests {
    /// Folder (`""` for the working directory, else with its `/`) → the sandboxed pages
    /// its manifest lists, as paths like the run's, or `None` without a manifest.
    by_folder: BTreeMap<String, Option<Vec<String>>>,
}

impl Manifests {
    /// Whether the nearest extension manifest above `path` lists it as a sandboxed page.
    fn lists_as_sandboxed(&mut self, path: &str) -> bool {
        let mut folder = path;
        while let Some(slash) = folder.rfind('/') {
            folder = &path[..slash + 1];
            if let Some(listed) = self.read(folder) {
                return listed.iter().any(|page| page == path);
            }
            folder = &folder[..folder.len() - 1];
        }
        !path.starts_with('/')
            && self
                .read("")
                .is_some_and(|listed| listed.iter().any(|page| page == path))
    }

    fn read(&mut self, folder: &str) -> Option<&Vec<String>> {
        self.by_folder
            .entry(folder.to_string())
            .or_insert_with(|| {
                let at =
                    Path::new(if folder.is_empty() { "." } else { folder }).join("manifest.json");
                crate::results::note_config_read(&at);
                let bytes = crate::safe_io::read_file(&at, MANIFEST_LIMIT).ok()?;
                let json: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
                json.get("manifest_version")?;
                let pages = json
                    .get("sandbox")
                    .and_then(|sandbox| sandbox.get("pages"))
                    .and_then(|pages| pages.as_array())
                    .map(|pages| {
                        pages
                            .iter()
                            .filter_map(|page| page.as_str())
                            .map(|page| {
                                let page =
                                    page.trim().trim_start_matches("./").trim_start_matches('/');
                                format!("{folder}{page}")
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                Some(pages)
            })
            .as_ref()
    }
}

/// The most of a manifest read.
const MANIFEST_LIMIT: u64 = 1 << 20;

/// Flags pairs of related contexts that both open sockets to the same endpoint, when
/// the project's server for that endpoint (if it has one) only relays between clients.
/// A context is a page, a frame, a worker or a popup with its modules (see
/// [`Pages::modules`]): the owner of a relationship is judged within each page whose
/// modules include it (or alone, with its own modules, when no page does), the target
/// with its own modules.
pub fn same_page(report: &mut RunReport, severity: Severity, pages: &Pages) {
    // Each context's modules, and the contexts each file is a module of.
    let mut modules: BTreeMap<usize, BTreeSet<usize>> = BTreeMap::new();
    let mut contexts_of: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for root in pages.context_roots() {
        let members = pages.modules(root);
        for member in &members {
            contexts_of.entry(*member).or_default().push(root);
        }
        modules.insert(root, members);
    }
    let sockets_of = |files: &BTreeSet<usize>| -> Vec<(usize, Range<usize>, Endpoint)> {
        files
            .iter()
            .flat_map(|&file| {
                report.files[file]
                    .project
                    .sockets
                    .iter()
                    .map(move |(span, endpoint)| (file, span.clone(), endpoint.clone()))
            })
            .collect()
    };
    // Servers by the path they serve: do they only relay?
    let mut servers: BTreeMap<String, Vec<bool>> = BTreeMap::new();
    for file in &report.files {
        for (_, path, relay_only) in &file.project.servers {
            if let Some(path) = path {
                servers.entry(path.clone()).or_default().push(*relay_only);
            }
        }
    }
    let mut new_findings: Vec<(usize, Finding)> = Vec::new();
    let mut reported: BTreeSet<(usize, usize, Endpoint)> = BTreeSet::new();
    for relation in &pages.relations {
        let Some(target_modules) = modules.get(&relation.target) else {
            continue;
        };
        let target_sockets = sockets_of(target_modules);
        if target_sockets.is_empty() {
            continue;
        }
        // The owner's contexts: the pages (and other contexts) whose modules include it,
        // but not the one it embeds, starts or opens.
        let mut owner_contexts: Vec<BTreeSet<usize>> = contexts_of
            .get(&relation.owner)
            .into_iter()
            .flatten()
            .filter(|&&root| root != relation.target)
            .map(|root| modules[root].clone())
            .collect();
        if owner_contexts.is_empty() {
            owner_contexts.push(pages.modules(relation.owner));
        }
        let mut pairs = Vec::new();
        for context in &owner_contexts {
            for (owner_file, owner_span, endpoint) in sockets_of(context) {
                // A socket in a module both contexts share shows no second socket: which
                // of them opens it is not known.
                if let Some((target_file, target_span, _)) = target_sockets
                    .iter()
                    .find(|(file, _, other)| *other == endpoint && *file != owner_file)
                {
                    pairs.push((
                        owner_file,
                        owner_span,
                        endpoint,
                        *target_file,
                        target_span.clone(),
                    ));
                }
            }
        }
        // Sockets of the owner's own file first, then in the order of the files.
        pairs.sort_by_key(|(owner_file, owner_span, ..)| {
            (*owner_file != relation.owner, *owner_file, owner_span.start)
        });
        let reference = relation.reference(report);
        let kind = match relation.kind {
            Kind::Frame => "embeds",
            Kind::Worker => "starts the worker",
            Kind::Popup => "opens",
        };
        for (owner_file, owner_span, endpoint, target_file, target_span) in pairs {
            // A server of the project that does more than relay is a real multi-user server.
            if servers
                .get(&endpoint.path)
                .is_some_and(|relays| relays.iter().any(|relay_only| !relay_only))
            {
                continue;
            }
            if !reported.insert((relation.owner, relation.target, endpoint.clone())) {
                continue;
            }
            let line_of = |file: usize, span: &Range<usize>| {
                report.files[file]
                    .lines
                    .as_ref()
                    .map_or(0, |lines| lines.line_of(span.start))
            };
            let target_path = &report.files[target_file].path;
            let target_line = line_of(target_file, &target_span);
            // The owner's socket, when a module of its page opens it.
            let owner_socket = if owner_file == relation.owner {
                String::new()
            } else {
                format!(
                    "{}:{} and ",
                    report.files[owner_file].path,
                    line_of(owner_file, &owner_span)
                )
            };
            let relay = if servers.contains_key(&endpoint.path) {
                "; the project's server for it only relays messages between its clients"
            } else {
                ""
            };
            let mut diagnostic = Diagnostic::new(
                format!(
                    "`{}` {} `{}`, and both open a WebSocket to `{}{}` ({owner_socket}{target_path}:{target_line}){relay}: \
                     contexts of the same page can talk directly with postMessage, a \
                     MessageChannel or a BroadcastChannel",
                    report.files[relation.owner].path,
                    kind,
                    report.files[relation.target].path,
                    if endpoint.host == "location" { "" } else { &endpoint.host },
                    endpoint.path,
                ),
                reference.span.clone(),
            )
            .with_span_label(format!("{kind} `{}`", reference.url))
            .with_help(
                "keep one socket to the server in the top-level page and fan its messages out to \
                 frames and workers with postMessage (or a MessageChannel / BroadcastChannel)",
            );
            if owner_file == relation.owner {
                diagnostic = diagnostic.with_label(owner_span, "this socket");
            } else {
                diagnostic = diagnostic.with_step(&Label::elsewhere(
                    &report.files[owner_file].path,
                    line_of(owner_file, &owner_span),
                    "the socket of this page, in a module it includes",
                ));
            }
            new_findings.push((
                relation.owner,
                Finding {
                    rule: WEBSOCKET_SAME_PAGE,
                    severity,
                    diagnostic,
                    fingerprint: String::new(),
                },
            ));
        }
    }
    for (position, finding) in new_findings {
        let file = &mut report.files[position];
        let Some(lines) = &file.lines else { continue };
        let kept = suppress::silence(vec![finding], &mut file.project.directives, lines);
        file.findings.extend(kept);
    }
}

/// The rules whose findings [`keepalive_elsewhere`] judges again.
pub const KEEPALIVE_RULES: [&str; 2] = ["websocket-no-heartbeat", "websocket-no-reconnect"];

/// Files with a finding of [`KEEPALIVE_RULES`] on a socket that escapes through a name
/// (see `crate::semantic::socket_reach`): the files whose code may keep it alive or
/// reopen it, are the other scripts of the pages that load a classic script, and the
/// modules that import a module.
pub fn escaping_findings(report: &RunReport) -> Vec<usize> {
    report
        .files
        .iter()
        .enumerate()
        .filter(|(_, file)| {
            file.project.reach.exposed.iter().any(|exposed| {
                file.findings.iter().any(|finding| {
                    KEEPALIVE_RULES.contains(&finding.rule)
                        && finding.diagnostic.span.start == exposed.construction.start
                })
            })
        })
        .map(|(at, _)| at)
        .collect()
}

/// Whether a file is a classic script (or a page with inline scripts): its top-level
/// names are the page's globals.
fn is_classic(report: &RunReport, at: usize) -> bool {
    let module = &report.files[at].project.module;
    module.specifiers.is_empty() && module.exports.is_empty()
}

/// The files that may use `at`'s sockets by name: with, for modules, the exported
/// names and whether a use's specifier leads to `at`.
pub fn reaching_files(report: &RunReport, pages: &Pages, at: usize) -> BTreeSet<usize> {
    let mut found = BTreeSet::new();
    if is_classic(report, at) {
        for &page in &pages.pages {
            let modules = pages.modules(page);
            if modules.contains(&at) {
                found.extend(modules);
            }
        }
        // The file's own code counts only as part of a page: another inline script of
        // the page, or the page's code beside a script it loads. Alone, the file was
        // judged by its own analysis.
        if !pages.pages.contains(&at) {
            found.remove(&at);
        }
    } else {
        for (importer, imports) in pages.imports.iter().enumerate() {
            if imports.contains(&at) {
                found.insert(importer);
            }
        }
    }
    found
}

/// The names a module exports under its own local name.
fn exported_names(report: &RunReport, at: usize) -> BTreeSet<&str> {
    report.files[at]
        .project
        .module
        .exports
        .iter()
        .filter_map(|export| match export {
            crate::modules::Export::Local { name, .. } => Some(name.as_str()),
            _ => None,
        })
        .collect()
}

/// Methods of a socket that do not send: calling them from a timer keeps nothing alive.
const NOT_SENDING: &[&str] = &[
    "close",
    "terminate",
    "addEventListener",
    "removeEventListener",
    "dispatchEvent",
];

/// Drops the findings of [`KEEPALIVE_RULES`] on sockets that another file keeps alive or
/// reopens by name: a classic script's global (or function that sends on it, or makes
/// it) that another script of the same page pings from a repeating timer or calls again
/// from a timer or a close handler, or the same names a module exports and an importer
/// uses so. Names are related only where the page map or an import resolving to the
/// file relates them.
pub fn keepalive_elsewhere(
    report: &mut RunReport,
    pages: &Pages,
    resolver: &crate::modules::resolve::Resolver,
) {
    let mut drops: Vec<(usize, &'static str, usize)> = Vec::new();
    for at in escaping_findings(report) {
        let file = &report.files[at];
        let classic = is_classic(report, at);
        let exported = exported_names(report, at);
        let reaching = reaching_files(report, pages, at);
        let known = |name: &str| classic || exported.contains(name);
        for exposed in &file.project.reach.exposed {
            let holders: Vec<&str> = exposed
                .holders
                .iter()
                .map(String::as_str)
                .filter(|name| known(name))
                .collect();
            let senders: Vec<&str> = exposed
                .senders
                .iter()
                .map(String::as_str)
                .filter(|name| known(name))
                .collect();
            let openers: Vec<&str> = exposed
                .openers
                .iter()
                .map(String::as_str)
                .filter(|name| known(name))
                .collect();
            // A use that names this file's global (classic) or this module's export.
            let relates = |user: usize, source: &Option<String>| match source {
                None => classic,
                Some(specifier) => {
                    !classic
                        && resolver
                            .resolve(&report.files[user].path, specifier)
                            .is_some_and(|path| *path == *file.path)
                }
            };
            let mut heartbeat = false;
            let mut reconnect = false;
            for &user in &reaching {
                let reach = &report.files[user].project.reach;
                for used in &reach.timer_uses {
                    if !relates(user, &used.source) {
                        continue;
                    }
                    match &used.member {
                        None => {
                            heartbeat |= senders.contains(&used.name.as_str());
                            reconnect |= openers.contains(&used.name.as_str());
                        }
                        Some(member) => {
                            heartbeat |= holders.contains(&used.name.as_str())
                                && !NOT_SENDING.contains(&member.as_str());
                        }
                    }
                }
                for used in &reach.close_uses {
                    if relates(user, &used.source) && used.member.is_none() {
                        reconnect |= openers.contains(&used.name.as_str());
                    }
                }
            }
            for (rule, done) in [
                (KEEPALIVE_RULES[0], heartbeat),
                (KEEPALIVE_RULES[1], reconnect),
            ] {
                if done {
                    drops.push((at, rule, exposed.construction.start));
                }
            }
        }
    }
    for (at, rule, start) in drops {
        report.files[at]
            .findings
            .retain(|finding| !(finding.rule == rule && finding.diagnostic.span.start == start));
    }
}
