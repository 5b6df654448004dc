//! The project's page map: which files each page loads, embeds, starts as workers
//! and opens as popups, resolved to files of the project where the path allows,
//! and the inverse indexes a project-level rule asks ("which pages embed this?").

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::embedded::Reference;
use crate::lint::{FileResult, RunReport};

pub const PAGE_MAP_VERSION: u32 = 1;

#[derive(Debug, Serialize)]
pub struct PageMap {
    pub version: u32,
    /// Every file with at least one reference, by path.
    pub files: BTreeMap<String, FileLinks>,
    /// Resolved file → the files that load it with `<script src>`.
    pub loaded_by: BTreeMap<String, Vec<String>>,
    /// Resolved file → the files that embed it (`<iframe>`, `<frame>`, `<object>`, JSX, `iframe.src`).
    pub embedded_by: BTreeMap<String, Vec<String>>,
    /// Resolved file → the files that start it as a worker.
    pub started_by: BTreeMap<String, Vec<String>>,
    /// Resolved file → the files that open it with `window.open`.
    pub opened_by: BTreeMap<String, Vec<String>>,
}

#[derive(Debug, Default, Serialize)]
pub struct FileLinks {
    pub scripts: Vec<Link>,
    pub frames: Vec<Link>,
    pub workers: Vec<Link>,
    pub popups: Vec<Link>,
}

#[derive(Debug, Serialize)]
pub struct Link {
    /// As written in the source, without a user name and password.
    pub url: String,
    pub via: String,
    /// 1-based line of the reference.
    pub line: usize,
    /// The project file it names, when it names one.
    pub resolved: Option<String>,
}

/// Builds the map from a run's files (which must have kept their text). `/path`
/// URLs resolve against each of `roots`, the folders the run was given.
pub fn build(report: &RunReport, roots: &[String]) -> PageMap {
    let known: BTreeSet<&str> = report.files.iter().map(|file| file.path.as_str()).collect();
    let mut map = PageMap {
        version: PAGE_MAP_VERSION,
        files: BTreeMap::new(),
        loaded_by: BTreeMap::new(),
        embedded_by: BTreeMap::new(),
        started_by: BTreeMap::new(),
        opened_by: BTreeMap::new(),
    };
    for file in &report.files {
        if file.page.is_empty() {
            continue;
        }
        let links = |references: &[Reference], inverse: &mut BTreeMap<String, Vec<String>>| {
            references
                .iter()
                .map(|reference| {
                    let resolved = resolve(&file.path, &reference.url, &known, roots);
                    if let Some(target) = &resolved {
                        let sources = inverse.entry(target.clone()).or_default();
                        if !sources.contains(&file.path) {
                            sources.push(file.path.clone());
                        }
                    }
                    Link {
                        url: crate::diagnostic::without_credentials(reference.url.clone()),
                        via: reference.via.clone(),
                        line: line_of(file, reference.span.start),
                        resolved,
                    }
                })
                .collect()
        };
        let entry = FileLinks {
            scripts: links(&file.page.scripts, &mut map.loaded_by),
            frames: links(&file.page.frames, &mut map.embedded_by),
            workers: links(&file.page.workers, &mut map.started_by),
            popups: links(&file.page.popups, &mut map.opened_by),
        };
        map.files.insert(file.path.clone(), entry);
    }
    for sources in map
        .loaded_by
        .values_mut()
        .chain(map.embedded_by.values_mut())
        .chain(map.started_by.values_mut())
        .chain(map.opened_by.values_mut())
    {
        sources.sort();
    }
    map
}

fn line_of(file: &FileResult, offset: usize) -> usize {
    match &file.lines {
        Some(lines) => lines.line_of(offset),
        None => 0,
    }
}

/// The project file a URL names, relative to the page (or to a root for `/path`).
pub fn resolve(page: &str, url: &str, known: &BTreeSet<&str>, roots: &[String]) -> Option<String> {
    let url = url.trim();
    let lower = url.to_ascii_lowercase();
    if url.is_empty()
        || url.starts_with("//")
        || lower.contains("://")
        || ["data:", "blob:", "javascript:", "about:", "mailto:"]
            .iter()
            .any(|scheme| lower.starts_with(scheme))
    {
        return None;
    }
    let path = url.split(['?', '#']).next().unwrap_or_default();
    let joined: Vec<String> = match path.strip_prefix('/') {
        Some(absolute) => {
            let mut bases: Vec<String> = roots
                .iter()
                .filter(|root| root.as_str() != ".")
                .map(|root| format!("{}/{absolute}", root.trim_end_matches('/')))
                .collect();
            bases.push(absolute.to_string());
            bases
        }
        None => vec![match page.rsplit_once('/') {
            Some((folder, _)) => format!("{folder}/{path}"),
            None => path.to_string(),
        }],
    };
    joined.iter().find_map(|candidate| lookup(candidate, known))
}

/// A normalized path, or the `index.html` / `.html` page it names, when the run saw it.
fn lookup(joined: &str, known: &BTreeSet<&str>) -> Option<String> {
    // Paths outside the working directory are shown absolute (`/srv/app/index.html`) or
    // climbing (`../app/index.html`): keep the leading `/` and the leading `..`s.
    let absolute = joined.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for part in joined.split('/') {
        match part {
            "" | "." => {}
            ".." if parts.last().is_some_and(|last| *last != "..") => {
                parts.pop();
            }
            ".." if absolute => {}
            other => parts.push(other),
        }
    }
    let normalized = if absolute {
        format!("/{}", parts.join("/"))
    } else {
        parts.join("/")
    };
    let candidates = [
        normalized.clone(),
        format!("{normalized}/index.html"),
        format!("{normalized}.html"),
    ];
    candidates
        .into_iter()
        .find(|candidate| known.contains(candidate.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_outside_the_working_directory_resolve() {
        let known: BTreeSet<&str> = [
            "/srv/app/index.html",
            "/srv/app/chat.html",
            "../app/index.html",
            "../app/chat.html",
            "../../other/w.js",
        ]
        .into_iter()
        .collect();
        let roots = ["/srv/app".to_string()];
        let at = |page: &str, url: &str| resolve(page, url, &known, &roots);
        assert_eq!(
            at("/srv/app/index.html", "chat.html").as_deref(),
            Some("/srv/app/chat.html")
        );
        assert_eq!(
            at("/srv/app/index.html", "/chat.html").as_deref(),
            Some("/srv/app/chat.html")
        );
        assert_eq!(
            at("../app/index.html", "./chat.html").as_deref(),
            Some("../app/chat.html")
        );
        assert_eq!(
            at("../app/index.html", "../../other/w.js").as_deref(),
            Some("../../other/w.js")
        );
        assert_eq!(at("/srv/app/index.html", "../../../etc/passwd"), None);
    }

    #[test]
    fn urls_resolve_relative_to_the_page() {
        let known: BTreeSet<&str> = [
            "site/app.js",
            "site/frames/pay.html",
            "worker.js",
            "docs/index.html",
        ]
        .into_iter()
        .collect();
        let roots = ["site".to_string()];
        let at = |page: &str, url: &str| resolve(page, url, &known, &roots);
        assert_eq!(
            at("site/index.html", "app.js").as_deref(),
            Some("site/app.js")
        );
        assert_eq!(
            at("site/index.html", "./frames/pay.html?x=1").as_deref(),
            Some("site/frames/pay.html")
        );
        assert_eq!(
            at("site/frames/pay.html", "../app.js").as_deref(),
            Some("site/app.js")
        );
        assert_eq!(
            at("site/frames/pay.html", "/app.js").as_deref(),
            Some("site/app.js")
        );
        assert_eq!(
            at("site/index.html", "/worker.js").as_deref(),
            Some("worker.js")
        );
        assert_eq!(
            at("index.html", "/docs/").as_deref(),
            Some("docs/index.html")
        );
        assert_eq!(at("index.html", "https://cdn.example.com/app.js"), None);
        assert_eq!(at("index.html", "missing.js"), None);
    }
}
