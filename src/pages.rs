//! The page map followed through imports: which modules make up each page, each worker
//! and each other context of a run.
//!
//! A page is an HTML file, a file that loads scripts with `<script src>`, or a page
//! entry of a framework without an HTML file (Next.js `pages/` and `app/`). Its modules
//! are the page itself, the scripts it loads, the entries its framework adds (Next's
//! `_app`, `app/` layouts, Vite's and Create React App's `src/main.*` or `src/index.*`
//! beside an `index.html`), and every module those import, transitively (static imports,
//! `export … from`, top-level `require`, `import("…")` with a literal): so a component's
//! `<iframe>`, `new Worker` and `window.open`, and its sockets, belong to the page. A
//! worker's modules are its entry and what it imports. Imports resolve with the module
//! resolver (`crate::modules::resolve`); one that names no file of the run, or that
//! carries a query or a loader (`./w.js?worker`, `raw-loader!./x`), is not followed.
//! What the run did not parse shows no imports.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use rayon::prelude::*;

use crate::embedded::Reference;
use crate::modules::resolve::Resolver;
use crate::page_map::{KnownFiles, resolve};
use crate::results::RunReport;

/// How one file relates to another context.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    /// `<iframe>`, `<frame>`, `<object>`, `iframe.src = …`.
    Frame,
    /// `new Worker(…)`, `new SharedWorker(…)`, Vite's `?worker` imports.
    Worker,
    /// `window.open(…)`.
    Popup,
}

/// A file that embeds, starts or opens another file of the run.
#[derive(Debug, Clone, Copy)]
pub struct Relation {
    /// The file that holds the reference (a position in the report).
    pub owner: usize,
    pub kind: Kind,
    /// Which of the owner's references of that kind.
    pub at: usize,
    /// The file it names.
    pub target: usize,
}

impl Relation {
    pub fn reference<'r>(&self, report: &'r RunReport) -> &'r Reference {
        let page = &report.files[self.owner].page;
        match self.kind {
            Kind::Frame => &page.frames[self.at],
            Kind::Worker => &page.workers[self.at],
            Kind::Popup => &page.popups[self.at],
        }
    }
}

/// Why a file belongs to a page without being imported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Entry {
    /// `<script src>`.
    Script,
    /// Vite's `src/main.*` or Create React App's `src/index.*`, beside an `index.html`
    /// at the project's root or in its `public/`.
    IndexHtml,
    /// Next.js: `pages/_app.*`, or an `app/` `layout.*` or `template.*` above the page.
    NextShared,
}

/// The page map of a run followed through imports. Files are positions in the report
/// it was built from.
#[derive(Debug, Default)]
pub struct Pages {
    /// Per file: the scripts it loads and the framework entries that belong to it.
    pub loads: Vec<Vec<(usize, Entry)>>,
    /// Per file: the modules it imports.
    pub imports: Vec<Vec<usize>>,
    pub relations: Vec<Relation>,
    /// The pages: HTML files, files that load scripts, Next.js page files.
    pub pages: BTreeSet<usize>,
    /// Next.js page files (also in `pages`).
    pub next_pages: BTreeSet<usize>,
}

/// What the builds of one run's page map resolved: each file's script URLs and import
/// specifiers with the files they name, and the run's Next.js apps. The second pass
/// builds the map again after each round of parsing, and most files' references have
/// not changed since the last build.
#[derive(Debug, Default)]
struct Resolved {
    files: Vec<Option<FileEdges>>,
    next: Option<NextApps>,
    /// What depends on the paths alone: the `index.html` entries and the Next.js
    /// pages with what they share.
    entries: Option<Vec<(usize, usize)>>,
    next_pages: Option<Vec<(usize, Vec<usize>)>>,
}

#[derive(Debug, Clone)]
struct FileEdges {
    urls: Vec<String>,
    specifiers: Vec<String>,
    /// What `urls` name, in their order.
    scripts: Vec<usize>,
    /// What `specifiers` name, each once.
    imports: Vec<usize>,
}

/// Builds one run's page map as often as its files change: the resolver (with the
/// configs it has read) and what earlier builds resolved are kept.
pub struct PageMapper {
    pub resolver: Resolver,
    /// The run's files by path.
    pub index: PathIndex,
    /// The folders the run was given.
    roots: Vec<String>,
    resolved: Resolved,
}

impl PageMapper {
    /// For the files of `report`, whose paths do not change afterwards.
    pub fn new(report: &RunReport, roots: &[String]) -> PageMapper {
        PageMapper {
            resolver: Resolver::new(report.files.iter().map(|file| file.path.as_str())),
            index: report.positions_by_path(),
            roots: roots.to_vec(),
            resolved: Resolved::default(),
        }
    }

    /// The report's files were put in another order (`RunReport::sort_files`): the
    /// positions earlier builds resolved to name other files now, and are forgotten.
    pub fn reordered(&mut self, report: &RunReport) {
        self.index = report.positions_by_path();
        self.resolved = Resolved {
            next: self.resolved.next.take(),
            ..Resolved::default()
        };
    }

    /// Resolves on `pool`'s threads what earlier builds have not.
    pub fn build(&mut self, report: &RunReport, pool: &rayon::ThreadPool) -> Pages {
        Pages::build_reusing(
            report,
            &self.index,
            &self.roots,
            &self.resolver,
            &mut self.resolved,
            Some(pool),
        )
    }
}

/// The other file of the run that `specifier`, imported by file `at` (at `from`), names,
/// as the page map follows imports: `./w.js?worker` starts a worker, `?url` and `?raw`
/// are text, and a loader (`worker-loader!./w.js`) makes something else of the module,
/// so none of those is followed.
pub fn import_target(
    resolver: &Resolver,
    index: &PathIndex,
    at: usize,
    from: &str,
    specifier: &str,
) -> Option<usize> {
    if specifier.contains(['?', '!', '#']) {
        return None;
    }
    module_target(resolver, index, at, from, specifier)
}

/// The file of the run, other than `at`, that `specifier` names from `from`, as the
/// module graph resolves it (a query or a loader prefix included).
pub fn module_target(
    resolver: &Resolver,
    index: &PathIndex,
    at: usize,
    from: &str,
    specifier: &str,
) -> Option<usize> {
    let path = resolver.resolve(from, specifier)?;
    index.get(&*path).copied().filter(|&target| target != at)
}

/// The run's files by path (positions in the report).
pub type PathIndex = BTreeMap<String, usize>;

/// Extensions of the scripts a framework convention names.
const ENTRY_EXTENSIONS: &[&str] = &["ts", "tsx", "js", "jsx", "mts", "mjs"];

impl Pages {
    /// Builds the map of `report`'s files. `roots` are the folders the run was given
    /// (where `/path` URLs resolve); `resolver` was made over the same files.
    pub fn build(report: &RunReport, roots: &[String], resolver: &Resolver) -> Pages {
        let index = report.positions_by_path();
        Pages::build_reusing(
            report,
            &index,
            roots,
            resolver,
            &mut Resolved::default(),
            None,
        )
    }

    /// [`Pages::build`], taking from `resolved` what an earlier build of the same run
    /// (same files, roots and resolver) resolved for files whose references are
    /// unchanged, and keeping there what this one resolves.
    fn build_reusing(
        report: &RunReport,
        index: &PathIndex,
        roots: &[String],
        resolver: &Resolver,
        resolved: &mut Resolved,
        pool: Option<&rayon::ThreadPool>,
    ) -> Pages {
        let count = report.files.len();
        let known: KnownFiles = index.keys().map(String::as_str).collect();
        if resolved.files.len() != count {
            *resolved = Resolved {
                files: vec![None; count],
                ..Resolved::default()
            };
        }
        let next = &*resolved.next.get_or_insert_with(|| NextApps::find(index));
        let url_target = |from: &str, url: &str| -> Option<usize> {
            resolve(from, url, &known, roots)
                .and_then(|path| index.get(path.as_str()).copied())
                .or_else(|| next.route(from, url, index))
        };
        let urls_of = |at: usize| {
            report.files[at]
                .page
                .scripts
                .iter()
                .map(|script| script.url.as_str())
        };
        let stale: Vec<usize> = (0..count)
            .filter(|&at| match &resolved.files[at] {
                Some(edges) => {
                    edges.specifiers != report.files[at].project.module.specifiers
                        || !edges.urls.iter().map(String::as_str).eq(urls_of(at))
                }
                None => true,
            })
            .collect();
        // Resolution reads the file system (configs, manifests) and is most of a first
        // build: each file's edges are its own, so they are found in parallel.
        let edges_of = |&at: &usize| -> (usize, FileEdges) {
            let file = &report.files[at];
            let specifiers = &file.project.module.specifiers;
            let mut imports: Vec<usize> = Vec::new();
            for specifier in specifiers {
                if let Some(target) = import_target(resolver, index, at, &file.path, specifier)
                    && !imports.contains(&target)
                {
                    imports.push(target);
                }
            }
            let edges = FileEdges {
                urls: urls_of(at).map(str::to_string).collect(),
                specifiers: specifiers.clone(),
                scripts: urls_of(at)
                    .filter_map(|url| url_target(&file.path, url))
                    .collect(),
                imports,
            };
            (at, edges)
        };
        let fresh: Vec<(usize, FileEdges)> = match pool {
            Some(pool) => pool.install(|| stale.par_iter().map(edges_of).collect()),
            None => stale.iter().map(edges_of).collect(),
        };
        for (at, edges) in fresh {
            resolved.files[at] = Some(edges);
        }
        let mut pages = Pages {
            loads: vec![Vec::new(); count],
            imports: vec![Vec::new(); count],
            ..Pages::default()
        };
        for (at, file) in report.files.iter().enumerate() {
            // Every file's edges were resolved above.
            let Some(edges) = &resolved.files[at] else {
                continue;
            };
            pages.loads[at].extend(edges.scripts.iter().map(|&target| (target, Entry::Script)));
            pages.imports[at].clone_from(&edges.imports);
            if !file.page.scripts.is_empty() || is_html(&file.path) {
                pages.pages.insert(at);
            }
        }
        let entries = resolved
            .entries
            .get_or_insert_with(|| index_html_entries(index));
        for &(page, entry) in entries.iter() {
            pages.loads[page].push((entry, Entry::IndexHtml));
            pages.pages.insert(page);
        }
        let next_pages = match &resolved.next_pages {
            Some(next_pages) => next_pages,
            None => resolved.next_pages.insert(next.pages(index)),
        };
        for (page, shared) in next_pages {
            pages.pages.insert(*page);
            pages.next_pages.insert(*page);
            for &shared in shared {
                pages.loads[*page].push((shared, Entry::NextShared));
            }
        }
        for loads in &mut pages.loads {
            loads.sort_unstable();
            loads.dedup_by_key(|(file, _)| *file);
        }
        // A relative URL in a script resolves against the document that runs it: against
        // the script's own folder first, then against each page that includes it.
        let mut including: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
        for &page in &pages.pages {
            for module in pages.modules(page) {
                including.entry(module).or_default().push(page);
            }
        }
        for (at, file) in report.files.iter().enumerate() {
            for (kind, references) in [
                (Kind::Frame, &file.page.frames),
                (Kind::Worker, &file.page.workers),
                (Kind::Popup, &file.page.popups),
            ] {
                for (reference_at, reference) in references.iter().enumerate() {
                    let target = url_target(&file.path, &reference.url).or_else(|| {
                        including
                            .get(&at)?
                            .iter()
                            .find_map(|&page| url_target(&report.files[page].path, &reference.url))
                    });
                    if let Some(target) = target {
                        pages.relations.push(Relation {
                            owner: at,
                            kind,
                            at: reference_at,
                            target,
                        });
                    }
                }
            }
        }
        pages
    }

    /// The modules of the context `root` starts (a page, a worker, a frame): `root`, the
    /// scripts and entries it loads, and what they import, transitively. Cycles end it.
    pub fn modules(&self, root: usize) -> BTreeSet<usize> {
        let mut members = BTreeSet::from([root]);
        let mut queue = vec![root];
        while let Some(file) = queue.pop() {
            crate::deadline::tick();
            let next = self.loads[file]
                .iter()
                .map(|(target, _)| *target)
                .chain(self.imports[file].iter().copied());
            for target in next {
                if members.insert(target) {
                    queue.push(target);
                }
            }
        }
        members
    }

    /// Every file that starts a context: the pages and the files embedded, started or
    /// opened.
    pub fn context_roots(&self) -> BTreeSet<usize> {
        let mut roots = self.pages.clone();
        roots.extend(self.relations.iter().map(|relation| relation.target));
        roots
    }

    /// The files the page map reaches: the modules of every context, and of every file
    /// that embeds, starts or opens one. What the run has not parsed among them shows
    /// no imports yet.
    pub fn reached(&self) -> BTreeSet<usize> {
        let mut roots = self.context_roots();
        roots.extend(self.relations.iter().map(|relation| relation.owner));
        let mut reached = BTreeSet::new();
        for root in roots {
            if !reached.contains(&root) {
                reached.extend(self.modules(root));
            }
        }
        reached
    }

    /// Files that run only in workers: a worker's entry (a file the run starts with
    /// `new Worker` and never loads, embeds or opens as a page), and the modules a
    /// worker imports that no page's modules include and that only workers' modules
    /// import, as far as the parsed files show.
    pub fn worker_only(&self) -> BTreeSet<usize> {
        let mut as_page: BTreeSet<usize> = BTreeSet::new();
        for page in &self.pages {
            as_page.extend(self.modules(*page));
        }
        let mut entries = BTreeSet::new();
        for relation in &self.relations {
            match relation.kind {
                Kind::Worker => {
                    entries.insert(relation.target);
                }
                Kind::Frame | Kind::Popup => as_page.extend(self.modules(relation.target)),
            }
        }
        // Loaded, embedded or opened: a page, whatever else starts it.
        let loaded: BTreeSet<usize> = self
            .loads
            .iter()
            .flatten()
            .map(|(file, _)| *file)
            .chain(
                self.relations
                    .iter()
                    .filter(|relation| relation.kind != Kind::Worker)
                    .map(|relation| relation.target),
            )
            .collect();
        entries.retain(|entry| !loaded.contains(entry) && !self.pages.contains(entry));
        let mut workers: BTreeSet<usize> = BTreeSet::new();
        for entry in &entries {
            workers.extend(
                self.modules(*entry)
                    .into_iter()
                    .filter(|file| entries.contains(file) || !as_page.contains(file)),
            );
        }
        // A module that a file outside the workers imports may run in a window.
        let mut importers: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
        for (importer, imports) in self.imports.iter().enumerate() {
            for module in imports {
                importers.entry(*module).or_default().push(importer);
            }
        }
        loop {
            let outside: Vec<usize> = workers
                .iter()
                .copied()
                .filter(|module| {
                    !entries.contains(module)
                        && importers
                            .get(module)
                            .is_some_and(|by| by.iter().any(|file| !workers.contains(file)))
                })
                .collect();
            if outside.is_empty() {
                break;
            }
            for module in outside {
                workers.remove(&module);
            }
        }
        workers
    }
}

fn is_html(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    lower.ends_with(".html") || lower.ends_with(".htm")
}

/// The folder of a path with its `/`, or `` for the working directory.
fn folder_of(path: &str) -> &str {
    path.rfind('/').map_or("", |slash| &path[..=slash])
}

/// Vite's `src/main.*` (or, failing it, Create React App's `src/index.*`) and the
/// `index.html` at its project's root, or else in the root's `public/`: (page, entry).
fn index_html_entries(index: &PathIndex) -> Vec<(usize, usize)> {
    let mut found = Vec::new();
    for (path, &at) in index {
        let Some(folder) = path
            .strip_suffix("src/main.ts")
            .or_else(|| path.strip_suffix("src/main.tsx"))
            .or_else(|| path.strip_suffix("src/main.js"))
            .or_else(|| path.strip_suffix("src/main.jsx"))
            .or_else(|| path.strip_suffix("src/main.mts"))
            .or_else(|| path.strip_suffix("src/main.mjs"))
            .or_else(|| path.strip_suffix("src/index.ts"))
            .or_else(|| path.strip_suffix("src/index.tsx"))
            .or_else(|| path.strip_suffix("src/index.js"))
            .or_else(|| path.strip_suffix("src/index.jsx"))
            .or_else(|| path.strip_suffix("src/index.mts"))
            .or_else(|| path.strip_suffix("src/index.mjs"))
        else {
            continue;
        };
        if !(folder.is_empty() || folder.ends_with('/')) {
            continue;
        }
        // `src/main.*` first: one entry per project.
        let first = ["main", "index"]
            .iter()
            .flat_map(|stem| {
                ENTRY_EXTENSIONS
                    .iter()
                    .map(move |extension| format!("{folder}src/{stem}.{extension}"))
            })
            .find(|candidate| index.contains_key(candidate.as_str()));
        if first.as_deref() != Some(path.as_str()) {
            continue;
        }
        let page = index
            .get(format!("{folder}index.html").as_str())
            .or_else(|| index.get(format!("{folder}public/index.html").as_str()));
        if let Some(&page) = page {
            found.push((page, at));
        }
    }
    found
}

/// The Next.js projects of a run: folders with a `next.config.*` among the run's files,
/// or a `package.json` that depends on `next`, and a `pages/` or `app/` folder (or
/// `src/pages/`, `src/app/`).
#[derive(Debug, Default)]
struct NextApps {
    /// Router folders with their `/`: (folder, is the App Router).
    routers: Vec<(String, bool)>,
}

const NEXT_CONFIGS: &[&str] = &[
    "next.config.js",
    "next.config.mjs",
    "next.config.cjs",
    "next.config.ts",
    "next.config.mts",
];

/// The largest `package.json` read to tell a Next.js project.
const MANIFEST_LIMIT: u64 = 1024 * 1024;

impl NextApps {
    fn find(index: &PathIndex) -> NextApps {
        // Folders that may hold a router: what comes before `pages/`, `app/`,
        // `src/pages/` or `src/app/` in the run's paths.
        let mut candidates: BTreeSet<(String, String)> = BTreeSet::new();
        for path in index.keys() {
            for router in ["pages/", "app/"] {
                let mut start = 0;
                while let Some(found) = path[start..].find(router) {
                    let at = start + found;
                    start = at + router.len();
                    if at > 0 && !path[..at].ends_with('/') {
                        continue;
                    }
                    let before = &path[..at];
                    let project = before.strip_suffix("src/").unwrap_or(before);
                    if project.is_empty() || project.ends_with('/') {
                        candidates.insert((project.to_string(), format!("{before}{router}")));
                    }
                }
            }
        }
        let mut is_next: BTreeMap<String, bool> = BTreeMap::new();
        let mut routers = Vec::new();
        for (project, router) in candidates {
            let next = *is_next
                .entry(project.clone())
                .or_insert_with(|| is_next_project(&project, index));
            if next {
                let app = router.ends_with("app/");
                routers.push((router, app));
            }
        }
        NextApps { routers }
    }

    /// The page files of each router, with the files every one of them includes:
    /// `pages/_app.*`; the `layout.*` and `template.*` files of the page's folder and
    /// those above it in `app/`.
    fn pages(&self, index: &PathIndex) -> Vec<(usize, Vec<usize>)> {
        let mut pages = Vec::new();
        for (router, app) in &self.routers {
            let files = index
                .range::<str, _>((
                    std::ops::Bound::Included(router.as_str()),
                    std::ops::Bound::Unbounded,
                ))
                .take_while(|(path, _)| path.starts_with(router.as_str()));
            let script = |name: &str| -> Option<String> {
                let (stem, extension) = name.rsplit_once('.')?;
                (ENTRY_EXTENSIONS.contains(&extension) && !stem.ends_with(".d"))
                    .then(|| stem.to_string())
            };
            if *app {
                let files: Vec<(&str, usize)> =
                    files.map(|(path, at)| (path.as_str(), *at)).collect();
                for (path, at) in &files {
                    let name = path.rsplit('/').next().unwrap_or(path);
                    if script(name).as_deref() != Some("page") {
                        continue;
                    }
                    let shared = files
                        .iter()
                        .filter(|(other, _)| {
                            let name = other.rsplit('/').next().unwrap_or(other);
                            matches!(script(name).as_deref(), Some("layout" | "template"))
                                && path.starts_with(folder_of(other))
                        })
                        .map(|(_, at)| *at)
                        .collect();
                    pages.push((*at, shared));
                }
            } else {
                let mut app_files = Vec::new();
                let mut page_files = Vec::new();
                for (path, at) in files {
                    let inside = &path[router.len()..];
                    let Some(stem) = script(inside) else { continue };
                    if inside.starts_with("api/") || stem == "_document" {
                        continue;
                    }
                    if stem == "_app" {
                        app_files.push(*at);
                    } else {
                        page_files.push(*at);
                    }
                }
                for page in page_files {
                    pages.push((page, app_files.clone()));
                }
            }
        }
        pages
    }

    /// The page file a root-relative URL names in a Next.js router of the project that
    /// holds `from`: `/a/b` is `pages/a/b.*`, `pages/a/b/index.*` or `app/a/b/page.*`.
    fn route(&self, from: &str, url: &str, index: &PathIndex) -> Option<usize> {
        if self.routers.is_empty() {
            return None;
        }
        let path = url.trim().split(['?', '#']).next()?.strip_prefix('/')?;
        if path.starts_with('/') || path.contains("${") || path.contains("..") {
            return None;
        }
        let path = path.trim_end_matches('/');
        for (router, app) in &self.routers {
            let project = router
                .strip_suffix(if *app { "app/" } else { "pages/" })
                .unwrap_or(router);
            let project = project.strip_suffix("src/").unwrap_or(project);
            if !from.starts_with(project) {
                continue;
            }
            let stems: Vec<String> = match (app, path.is_empty()) {
                (true, true) => vec![format!("{router}page")],
                (true, false) => vec![format!("{router}{path}/page")],
                (false, true) => vec![format!("{router}index")],
                (false, false) => vec![format!("{router}{path}"), format!("{router}{path}/index")],
            };
            for stem in stems {
                for extension in ENTRY_EXTENSIONS {
                    if let Some(&at) = index.get(format!("{stem}.{extension}").as_str()) {
                        return Some(at);
                    }
                }
            }
        }
        None
    }
}

/// Whether `project` (a folder with its `/`, or ``) is a Next.js project: a
/// `next.config.*` of the run in it, or its `package.json` depends on `next`.
fn is_next_project(project: &str, index: &PathIndex) -> bool {
    if NEXT_CONFIGS
        .iter()
        .any(|config| index.contains_key(format!("{project}{config}").as_str()))
    {
        return true;
    }
    let manifest = Path::new(if project.is_empty() { "." } else { project }).join("package.json");
    crate::results::note_config_read(&manifest);
    let Ok(bytes) = crate::safe_io::read_file(&manifest, MANIFEST_LIMIT) else {
        return false;
    };
    let Ok(json) = serde_json::from_slice::<serde_json::Value>(&bytes) else {
        return false;
    };
    ["dependencies", "devDependencies", "peerDependencies"]
        .iter()
        .any(|field| json.get(field).and_then(|deps| deps.get("next")).is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_html_entries_prefer_main_and_the_root_page() {
        let paths = [
            "vite/index.html",
            "vite/src/main.tsx",
            "vite/src/index.ts",
            "cra/public/index.html",
            "cra/src/index.js",
            "lonely/src/main.js",
            "both/index.html",
            "both/public/index.html",
            "both/src/index.jsx",
            "nested/src/app/src/main.js",
        ];
        let index: PathIndex = paths
            .iter()
            .enumerate()
            .map(|(at, path)| (path.to_string(), at))
            .collect();
        let mut found: Vec<(&str, &str)> = index_html_entries(&index)
            .into_iter()
            .map(|(page, entry)| (paths[page], paths[entry]))
            .collect();
        found.sort();
        assert_eq!(
            found,
            [
                ("both/index.html", "both/src/index.jsx"),
                ("cra/public/index.html", "cra/src/index.js"),
                ("vite/index.html", "vite/src/main.tsx"),
            ]
        );
    }
}
