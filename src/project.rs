//! Project-level rules: they read every file's facts after the per-file pass and
//! never parse again. `websocket-same-page` relates the page map's contexts (pages
//! and the scripts they load, the frames they embed, the workers they start, the
//! popups they open) to the sockets each one opens.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

use crate::diagnostic::{Diagnostic, Finding, Severity};
use crate::embedded::Reference;
use crate::page_map::{KnownFiles, resolve};
use crate::results::RunReport;
use crate::rules::WEBSOCKET_SAME_PAGE;
use crate::semantic::sockets::Endpoint;
use crate::suppress;

/// A relationship from one file to another context.
struct Relation<'a> {
    /// The file that embeds, starts or opens.
    owner: usize,
    reference: &'a Reference,
    kind: &'static str,
    /// The file it names.
    target: usize,
}

/// The files of the run that a page loads with `<script src>`.
pub fn loaded_scripts(report: &RunReport, roots: &[String]) -> BTreeSet<String> {
    let known: KnownFiles = report.files.iter().map(|file| file.path.as_str()).collect();
    report
        .files
        .iter()
        .flat_map(|file| {
            file.page
                .scripts
                .iter()
                .filter_map(|script| resolve(&file.path, &script.url, &known, roots))
        })
        .collect()
}

/// Scripts the run starts as workers (`new Worker(…)`, `new SharedWorker(…)`) and
/// never loads, embeds or opens as a page: their `message` events come from the pages
/// that started them, never from another site, so the message-handler rules do not
/// apply there, whatever the script's text looks like.
pub fn drop_worker_message_findings(report: &mut RunReport, roots: &[String]) {
    let known: KnownFiles = report.files.iter().map(|file| file.path.as_str()).collect();
    let mut started = BTreeSet::new();
    let mut as_page = BTreeSet::new();
    for file in &report.files {
        let resolved = |references: &[Reference]| -> Vec<String> {
            references
                .iter()
                .filter_map(|reference| resolve(&file.path, &reference.url, &known, roots))
                .collect()
        };
        started.extend(resolved(&file.page.workers));
        for references in [&file.page.scripts, &file.page.frames, &file.page.popups] {
            as_page.extend(resolved(references));
        }
    }
    for file in &mut report.files {
        if started.contains(&file.path) && !as_page.contains(&file.path) {
            file.findings
                .retain(|finding| !crate::rules::MESSAGE_HANDLER_RULES.contains(&finding.rule));
        }
    }
}

/// Flags pairs of related contexts that both open sockets to the same endpoint, when
/// the project's server for that endpoint (if it has one) only relays between clients.
pub fn same_page(report: &mut RunReport, severity: Severity, roots: &[String]) {
    let index: BTreeMap<&str, usize> = report
        .files
        .iter()
        .enumerate()
        .map(|(position, file)| (file.path.as_str(), position))
        .collect();
    let known: KnownFiles = index.keys().copied().collect();
    let lookup = |page: &str, url: &str| -> Option<usize> {
        resolve(page, url, &known, roots).and_then(|path| index.get(path.as_str()).copied())
    };
    // Scripts each file loads, and the pages that load each script.
    let mut loads: Vec<Vec<usize>> = vec![Vec::new(); report.files.len()];
    let mut loaded_by: Vec<Vec<usize>> = vec![Vec::new(); report.files.len()];
    let mut relations = Vec::new();
    for (position, file) in report.files.iter().enumerate() {
        for script in &file.page.scripts {
            if let Some(target) = lookup(&file.path, &script.url) {
                loads[position].push(target);
                loaded_by[target].push(position);
            }
        }
        for (references, kind) in [
            (&file.page.frames, "embeds"),
            (&file.page.workers, "starts the worker"),
            (&file.page.popups, "opens"),
        ] {
            for reference in references {
                if let Some(target) = lookup(&file.path, &reference.url) {
                    relations.push(Relation {
                        owner: position,
                        reference,
                        kind,
                        target,
                    });
                }
            }
        }
    }
    // A context: a file and the scripts it loads.
    let members = |file: usize| -> Vec<usize> {
        let mut all = vec![file];
        all.extend(&loads[file]);
        all
    };
    let sockets_of = |files: &[usize]| -> Vec<(usize, Range<usize>, Endpoint)> {
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
    for relation in &relations {
        // The owner's side: the owner and the pages that load it, with their scripts.
        let mut owner_side: Vec<usize> = Vec::new();
        for page in std::iter::once(relation.owner).chain(loaded_by[relation.owner].iter().copied())
        {
            owner_side.extend(members(page));
        }
        let target_side = members(relation.target);
        let owner_sockets = sockets_of(&owner_side);
        let target_sockets = sockets_of(&target_side);
        for (owner_file, owner_span, endpoint) in &owner_sockets {
            let Some((target_file, target_span, _)) = target_sockets
                .iter()
                .find(|(file, _, other)| other == endpoint && file != owner_file)
            else {
                continue;
            };
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
            let target_path = &report.files[*target_file].path;
            let target_line = report.files[*target_file]
                .lines
                .as_ref()
                .map_or(0, |lines| lines.line_of(target_span.start));
            let relay = if servers.contains_key(&endpoint.path) {
                "; the project's server for it only relays messages between its clients"
            } else {
                ""
            };
            let mut diagnostic = Diagnostic::new(
                format!(
                    "`{}` {} `{}`, and both open a WebSocket to `{}{}` ({target_path}:{target_line}){relay}: \
                     contexts of the same page can talk directly with postMessage, a \
                     MessageChannel or a BroadcastChannel",
                    report.files[relation.owner].path,
                    relation.kind,
                    report.files[relation.target].path,
                    if endpoint.host == "location" { "" } else { &endpoint.host },
                    endpoint.path,
                ),
                relation.reference.span.clone(),
            )
            .with_span_label(format!("{} `{}`", relation.kind, relation.reference.url))
            .with_help(
                "keep one socket to the server in the top-level page and fan its messages out to \
                 frames and workers with postMessage (or a MessageChannel / BroadcastChannel)",
            );
            if *owner_file == relation.owner {
                diagnostic = diagnostic.with_label(owner_span.clone(), "this socket");
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
