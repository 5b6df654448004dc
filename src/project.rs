//! Project-level rules: they read every file's facts after the per-file pass and
//! never parse again. `websocket-same-page` relates the page map's contexts (pages
//! with their modules, the frames they embed, the workers they start, the popups they
//! open: `crate::pages`) to the sockets each one opens.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

use crate::diagnostic::{Diagnostic, Finding, Label, Severity};
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
