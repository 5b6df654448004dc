//! The project's page map: which files each page loads, embeds, starts as workers
//! and opens as popups, resolved to files of the project where the path allows,
//! and the inverse indexes a project-level rule asks ("which pages embed this?").

use std::collections::BTreeMap;

use rustc_hash::{FxHashMap, FxHashSet};
use serde::Serialize;

use crate::embedded::Reference;
use crate::results::{FileResult, RunReport};
use crate::source::normalize_shown_path;

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
    /// Each page (an HTML file, a file that loads scripts, a Next.js page file) → its
    /// modules: the scripts and framework entries it loads and everything they import,
    /// transitively (see `crate::pages`).
    pub pages: BTreeMap<String, Vec<String>>,
    /// Each file started as a worker → the modules it imports, transitively.
    pub workers: BTreeMap<String, Vec<String>>,
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
    let known: KnownFiles = report.files.iter().map(|file| file.path.as_str()).collect();
    let mut map = PageMap {
        version: PAGE_MAP_VERSION,
        files: BTreeMap::new(),
        loaded_by: BTreeMap::new(),
        embedded_by: BTreeMap::new(),
        started_by: BTreeMap::new(),
        opened_by: BTreeMap::new(),
        pages: BTreeMap::new(),
        workers: BTreeMap::new(),
    };
    let resolver =
        crate::modules::resolve::Resolver::new(report.files.iter().map(|file| file.path.as_str()));
    let pages = crate::pages::Pages::build(report, roots, &resolver);
    let modules_of = |root: usize| -> Vec<String> {
        let mut modules: Vec<String> = pages
            .modules(root)
            .into_iter()
            .filter(|&file| file != root)
            .map(|file| report.files[file].path.clone())
            .collect();
        modules.sort();
        modules
    };
    for &page in &pages.pages {
        map.pages
            .insert(report.files[page].path.clone(), modules_of(page));
    }
    for relation in &pages.relations {
        if relation.kind == crate::pages::Kind::Worker {
            map.workers.insert(
                report.files[relation.target].path.clone(),
                modules_of(relation.target),
            );
        }
    }
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

/// The files of a run, which references resolve to: by path, and (built when first
/// needed) by file name, for the unique path suffix a root-relative URL may name.
#[derive(Debug, Default)]
pub struct KnownFiles<'a> {
    // Hashed, not ordered: an application's paths share long prefixes, and the map is
    // made again for each build of the page map.
    paths: FxHashSet<&'a str>,
    by_name: std::sync::OnceLock<FxHashMap<&'a str, Vec<&'a str>>>,
}

impl<'a> FromIterator<&'a str> for KnownFiles<'a> {
    fn from_iter<I: IntoIterator<Item = &'a str>>(paths: I) -> Self {
        KnownFiles {
            paths: paths.into_iter().collect(),
            by_name: std::sync::OnceLock::new(),
        }
    }
}

impl<'a> KnownFiles<'a> {
    pub fn contains(&self, path: &str) -> bool {
        self.paths.contains(path)
    }

    /// The files whose path ends in `/suffix` (or is `suffix`).
    fn ending_in(&self, suffix: &str) -> impl Iterator<Item = &'a str> {
        let by_name = self.by_name.get_or_init(|| {
            let mut by_name: FxHashMap<&str, Vec<&str>> = FxHashMap::default();
            for path in &self.paths {
                let name = path.rsplit('/').next().unwrap_or(path);
                by_name.entry(name).or_default().push(path);
            }
            by_name
        });
        let name = suffix.rsplit('/').next().unwrap_or(suffix);
        by_name
            .get(name)
            .into_iter()
            .flatten()
            .copied()
            .filter(move |path| {
                path.strip_suffix(suffix)
                    .is_some_and(|before| before.is_empty() || before.ends_with('/'))
            })
    }
}

/// Folders whose files a web server or a bundler serves at the site's root (Vite's,
/// Next's and Astro's `public/`, SvelteKit's `static/`), next to the page's sources.
const PUBLIC_FOLDERS: &[&str] = &["public", "static"];

/// The project file a URL names, relative to the page (or, for `/path`, to a root).
///
/// A `/path` is looked for under each of `roots`, then in the working directory, then
/// in a `public/` or `static/` folder in the page's folder or one above it, nearest
/// first; when none of them has it, it names the one file of the run whose path ends in
/// `/path`, if exactly one does. The query and the fragment are dropped; a path with a
/// hole the file does not fix (`${name}`, as `crate::semantic::socket_urls::page_url`
/// writes it) names no file.
pub fn resolve(page: &str, url: &str, known: &KnownFiles, roots: &[String]) -> Option<String> {
    let url = url.trim();
    let lower = url.to_ascii_lowercase();
    if url.is_empty()
        || url.starts_with("//")
        || url.starts_with('\\')
        || url.starts_with("/\\")
        || lower.contains("://")
        || ["data:", "blob:", "javascript:", "about:", "mailto:"]
            .iter()
            .any(|scheme| lower.starts_with(scheme))
    {
        return None;
    }
    let path = url.split(['?', '#']).next().unwrap_or_default();
    if path.contains("${") {
        return None;
    }
    let path = crate::decode::percent_decoded(path);
    let path = path.as_ref();
    if !path.starts_with('/') {
        let joined = match page.rsplit_once('/') {
            Some((folder, _)) => format!("{folder}/{path}"),
            None => path.to_string(),
        };
        return lookup(&joined, known);
    }
    // A browser never climbs above the site's root: `/../x` is `/x`.
    let absolute = normalize_shown_path(path);
    let absolute = absolute.trim_start_matches('/');
    roots
        .iter()
        .filter(|root| root.as_str() != ".")
        .map(|root| format!("{}/{absolute}", root.trim_end_matches('/')))
        .chain(std::iter::once(absolute.to_string()))
        .find_map(|candidate| lookup(&candidate, known))
        .or_else(|| in_public_folder(page, absolute, known))
        .or_else(|| unique_suffix(absolute, known))
}

/// The file a root-relative path (normalized, without its `/`) names in a public folder
/// in the page's folder or one above it, nearest first. Looked up by the path's end, so
/// a deep page costs no more than a shallow one.
fn in_public_folder(page: &str, absolute: &str, known: &KnownFiles) -> Option<String> {
    if absolute.is_empty() {
        return None;
    }
    let page = normalize_shown_path(page);
    // The page's folder with its `/` (`src/`, `/srv/app/`), or `` for the working directory.
    let folder = page.rfind('/').map_or("", |slash| &page[..=slash]);
    // Above the working directory, folders are named by climbing: `../app/` holds
    // `../app/src/`, and `../` does not.
    let leading_climbs = |path: &str| {
        let mut rest = path;
        let mut count = 0;
        while let Some(after) = rest.strip_prefix("../") {
            rest = after;
            count += 1;
        }
        count
    };
    // Nearest first; at one distance, `public/` before `static/`, the path before its
    // `index.html` and `.html` pages.
    let mut best: Option<(usize, &str)> = None;
    for suffix in PUBLIC_FOLDERS
        .iter()
        .flat_map(|public| variants(absolute).map(|variant| format!("{public}/{variant}")))
    {
        for path in known.ending_in(&suffix) {
            // What holds the public folder: ``, or a folder with its `/`.
            let holder = &path[..path.len() - suffix.len()];
            let is_ancestor = folder.starts_with(holder)
                && holder.starts_with('/') == folder.starts_with('/')
                && leading_climbs(holder) == leading_climbs(folder);
            let nearer = best.is_none_or(|(length, _)| holder.len() > length);
            if is_ancestor && nearer {
                best = Some((holder.len(), path));
            }
        }
    }
    best.map(|(_, path)| path.to_string())
}

/// The one file of the run whose path ends in `/path` (normalized) (or in `/path/index.html` or
/// `/path.html`), when exactly one does.
fn unique_suffix(absolute: &str, known: &KnownFiles) -> Option<String> {
    if absolute.is_empty() {
        return None;
    }
    let mut found: Option<&str> = None;
    for suffix in variants(absolute) {
        for path in known.ending_in(&suffix) {
            if found.is_some_and(|earlier| earlier != path) {
                return None;
            }
            found = Some(path);
        }
    }
    found.map(str::to_string)
}

/// A path, and the `index.html` and `.html` pages it may name.
fn variants(normalized: &str) -> [String; 3] {
    [
        normalized.to_string(),
        format!("{normalized}/index.html"),
        format!("{normalized}.html"),
    ]
}

/// A normalized path, or the `index.html` / `.html` page it names, when the run saw it.
fn lookup(joined: &str, known: &KnownFiles) -> Option<String> {
    variants(&normalize_shown_path(joined))
        .into_iter()
        .find(|candidate| known.contains(candidate))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_outside_the_working_directory_resolve() {
        let known: KnownFiles = [
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
    fn percent_escapes_name_the_file_a_server_serves() {
        let known: KnownFiles = ["site/index.html", "site/a b.js", "site/é.js", "site/x%y.js"]
            .into_iter()
            .collect();
        let at = |url: &str| resolve("site/index.html", url, &known, &[]);
        assert_eq!(at("a%20b.js").as_deref(), Some("site/a b.js"));
        assert_eq!(at("/site/a%20b.js").as_deref(), Some("site/a b.js"));
        assert_eq!(at("%C3%A9.js").as_deref(), Some("site/é.js"));
        assert_eq!(at("a b.js").as_deref(), Some("site/a b.js"));
        // `%y.` is no escape: the name stands as written.
        assert_eq!(at("x%y.js").as_deref(), Some("site/x%y.js"));
        assert_eq!(at("a%2520b.js"), None);
    }

    #[test]
    fn urls_resolve_relative_to_the_page() {
        let known: KnownFiles = [
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

    #[test]
    fn holes_in_the_path_name_no_file_and_the_query_and_fragment_are_dropped() {
        let known: KnownFiles = ["preview.html", "frames/a.html", "widget.html"]
            .into_iter()
            .collect();
        let at = |url: &str| resolve("index.html", url, &known, &[]);
        assert_eq!(
            at("/preview.html?doc=${id}").as_deref(),
            Some("preview.html")
        );
        assert_eq!(at("/preview.html#${x}").as_deref(), Some("preview.html"));
        assert_eq!(at("widget.html?x=${id}").as_deref(), Some("widget.html"));
        assert_eq!(at("./frames/${name}.html"), None);
        assert_eq!(at("/preview${ext}"), None);
        assert_eq!(at("/preview.html${query}"), None);
        assert_eq!(at("${base}/preview.html"), None);
    }

    #[test]
    fn root_relative_urls_resolve_under_public_folders_nearest_first() {
        let known: KnownFiles = [
            "src/App.jsx",
            "public/preview.html",
            "static/board.html",
            "web/src/pages/Home.jsx",
            "web/public/preview.html",
            "/srv/app/public/chat.html",
            "../site/static/chat.html",
        ]
        .into_iter()
        .collect();
        let roots = [".".to_string()];
        let at = |page: &str, url: &str| resolve(page, url, &known, &roots);
        assert_eq!(
            at("src/App.jsx", "/preview.html?id=1").as_deref(),
            Some("public/preview.html")
        );
        assert_eq!(
            at("src/App.jsx", "/board").as_deref(),
            Some("static/board.html")
        );
        assert_eq!(
            at("web/src/pages/Home.jsx", "/preview.html").as_deref(),
            Some("web/public/preview.html")
        );
        assert_eq!(
            at("/srv/app/src/App.jsx", "/chat.html").as_deref(),
            Some("/srv/app/public/chat.html")
        );
        assert_eq!(
            at("../site/src/lib/App.svelte", "/chat.html").as_deref(),
            Some("../site/static/chat.html")
        );
        // A public folder beside the page's folder, or above the working directory's
        // parent, is not one of its ancestors'.
        let public = |page: &str, url: &str| in_public_folder(page, url, &known);
        assert_eq!(public("../../x/App.jsx", "chat.html"), None);
        assert_eq!(public("/srv/other/App.jsx", "chat.html"), None);
        assert_eq!(public("/App.jsx", "preview.html"), None);
        assert_eq!(
            public("src/a/../App.jsx", "preview.html").as_deref(),
            Some("public/preview.html")
        );
        // Only a root-relative URL is served from a public folder.
        assert_eq!(at("src/App.jsx", "preview.html"), None);
        assert_eq!(at("src/App.jsx", "./board.html"), None);
    }

    #[test]
    fn a_unique_path_suffix_resolves_and_an_ambiguous_one_does_not() {
        let known: KnownFiles = [
            "apps/site/widgets/chat.html",
            "apps/a/embed.html",
            "apps/b/embed.html",
            "apps/site/docs/index.html",
            "apps/site/mywidgets/poll.html",
        ]
        .into_iter()
        .collect();
        let at = |page: &str, url: &str| resolve(page, url, &known, &[]);
        assert_eq!(
            at("src/main.js", "/widgets/chat.html").as_deref(),
            Some("apps/site/widgets/chat.html")
        );
        assert_eq!(
            at("src/main.js", "/docs/").as_deref(),
            Some("apps/site/docs/index.html")
        );
        assert_eq!(at("src/main.js", "/embed.html"), None);
        // Whole parts of the path only, and never for a relative URL or the site's root.
        assert_eq!(at("src/main.js", "/gets/chat.html"), None);
        assert_eq!(
            at("src/main.js", "/poll.html").as_deref(),
            Some("apps/site/mywidgets/poll.html")
        );
        assert_eq!(at("src/main.js", "/idgets/poll.html"), None);
        assert_eq!(at("src/main.js", "widgets/chat.html"), None);
        assert_eq!(at("src/main.js", "/"), None);
        assert_eq!(at("src/main.js", "/../../"), None);
    }

    #[test]
    fn hostile_urls_resolve_to_nothing_without_panicking() {
        let known: KnownFiles = ["a.html", "public/a.html", "x/a\0.html"]
            .into_iter()
            .collect();
        let roots = ["/".to_string(), String::new(), "..".to_string()];
        let deep_page = "d/".repeat(20_000) + "page.js";
        let climbing = "/".to_string() + &"../".repeat(50_000) + "a.html";
        let urls = [
            climbing.as_str(),
            "\\evil.example.com/a.html",
            "/\\evil.example.com/a.html",
            "/a\0.html",
            "\0",
            "/${",
            "?#",
            "/ä/ö/ü.html",
            "/a.html\u{0}?x",
        ];
        for page in ["", "/", "..", "../..", "a", deep_page.as_str(), "/\0/x.js"] {
            for url in urls {
                let _ = resolve(page, url, &known, &roots);
            }
        }
        assert_eq!(
            resolve("index.html", &climbing, &known, &[]).as_deref(),
            Some("a.html")
        );
        assert_eq!(
            resolve("index.html", "\\evil.example.com/a.html", &known, &[]),
            None
        );
    }
}
