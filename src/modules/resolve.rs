//! Module resolution among the files of a run: relative specifiers with extension and
//! `index` probing, tsconfig/jsconfig `baseUrl` and `paths` (with `extends`), and the
//! workspace packages of npm, yarn and pnpm monorepos (`package.json` `name`,
//! `exports`, `module`, `main`). A specifier that names no file of the run (a package
//! from node_modules, a file left out) does not resolve: nothing is guessed.
//!
//! Config files are read from the folders above the run's files, each at most once,
//! at most [`CONFIG_LIMIT`] bytes, and only as data: a hostile tsconfig can at worst
//! make an import resolve to another file of the run.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::{Arc, Mutex, OnceLock};

use rustc_hash::{FxHashMap, FxHashSet};
use serde_json::Value;

use crate::source::normalize_shown_path;

/// Extensions tried, in order, after a specifier without one.
pub const EXTENSIONS: &[&str] = &[
    "ts", "tsx", "mts", "cts", "js", "jsx", "mjs", "cjs", "vue", "svelte", "astro",
];

/// TypeScript's output extensions, each with the source extensions it stands for.
const OUTPUT_EXTENSIONS: &[(&str, &[&str])] = &[
    (".js", &["ts", "tsx"]),
    (".jsx", &["tsx"]),
    (".mjs", &["mts"]),
    (".cjs", &["cts"]),
];

/// The largest tsconfig, jsconfig or package.json read.
const CONFIG_LIMIT: u64 = 1024 * 1024;

/// How many `extends` a tsconfig may chain.
const MAX_EXTENDS: usize = 8;

/// How many folders up a file's config is looked for.
const MAX_ASCENT: usize = 32;

/// Resolves specifiers to files of the run (paths as shown).
pub struct Resolver {
    known: FxHashSet<String>,
    /// The last path segment of every path [`Resolver::probe`] can find a file from
    /// ([`probe_keys`]): most strings a scan hands in name no file, and this tells so
    /// without trying each extension.
    probe_keys: FxHashSet<String>,
    /// Tries every path, as if [`Resolver::probe_keys`] held every key (what its test
    /// compares it with).
    probe_every_path: bool,
    /// The configs read, shared by the resolvers of one run ([`Resolver::knowing_more`]).
    configs: Arc<ConfigReads>,
    /// Workspace packages by name: their folder and manifest.
    packages: OnceLock<BTreeMap<String, (String, Arc<Value>)>>,
    /// What each specifier resolved to, by importing folder and specifier: a resolution
    /// reads only those and what the resolver holds, which does not change, and the
    /// link pass asks the same questions round after round. Split by folder so that
    /// threads resolving at once seldom wait for one another.
    resolved: [Mutex<Resolutions>; RESOLUTION_SHARDS],
}

/// What a run's resolvers read of its tsconfigs, jsconfigs and manifests: they depend
/// on the folder alone, not on which files a resolver knows.
#[derive(Default)]
struct ConfigReads {
    /// A folder's effective tsconfig/jsconfig paths, by folder, with how many folders
    /// above it the config is.
    paths: Mutex<FxHashMap<String, Option<FoundConfig>>>,
    /// A folder's `package.json`, by folder.
    manifests: Mutex<FxHashMap<String, Option<Arc<Value>>>>,
}

/// A folder's config, and how many folders above it.
type FoundConfig = (Arc<PathsConfig>, usize);

/// How many parts the memo of resolutions is split into.
const RESOLUTION_SHARDS: usize = 16;

/// Files by importing folder, then by specifier (`None`: no file of the run).
type Resolutions = FxHashMap<String, FxHashMap<String, Option<Arc<str>>>>;

/// `compilerOptions.baseUrl` and `paths`, resolved to folders.
#[derive(Debug, Default, Clone)]
struct PathsConfig {
    base_url: Option<String>,
    /// Pattern (with at most one `*`) → targets, relative to `paths_base`.
    paths: Vec<(String, Vec<String>)>,
    paths_base: String,
}

impl Resolver {
    pub fn new<'p>(known: impl IntoIterator<Item = &'p str>) -> Resolver {
        Resolver::knowing(
            known.into_iter().map(normalize_shown_path).collect(),
            Arc::default(),
        )
    }

    fn knowing(known: FxHashSet<String>, configs: Arc<ConfigReads>) -> Resolver {
        Resolver {
            probe_keys: probe_keys(&known),
            probe_every_path: false,
            known,
            configs,
            packages: OnceLock::new(),
            resolved: std::array::from_fn(|_| Mutex::new(FxHashMap::default())),
        }
    }

    /// A resolver that knows `more` files too and shares the configs this one has read,
    /// or `None` when this one knows them all already.
    pub fn knowing_more<'p>(&self, more: impl IntoIterator<Item = &'p str>) -> Option<Resolver> {
        let more: Vec<String> = more
            .into_iter()
            .map(normalize_shown_path)
            .filter(|path| !self.known.contains(path))
            .collect();
        if more.is_empty() {
            return None;
        }
        let mut known = self.known.clone();
        known.extend(more);
        Some(Resolver::knowing(known, Arc::clone(&self.configs)))
    }

    /// The file of the run that `specifier`, imported by `from`, names, as the memo holds
    /// it: the link pass and the page map ask again and again.
    pub fn resolve(&self, from: &str, specifier: &str) -> Option<Arc<str>> {
        let folder = parent(from);
        let shard = &self.resolved[shard_of(folder)];
        if let Some(found) = shard
            .lock()
            .ok()
            .and_then(|resolved| resolved.get(folder)?.get(specifier).cloned())
        {
            return found;
        }
        let found: Option<Arc<str>> = self.resolve_from_folder(folder, specifier).map(Arc::from);
        if let Ok(mut resolved) = shard.lock() {
            match resolved.get_mut(folder) {
                Some(of_folder) => {
                    of_folder.insert(specifier.to_string(), found.clone());
                }
                None => {
                    resolved.insert(
                        folder.to_string(),
                        FxHashMap::from_iter([(specifier.to_string(), found.clone())]),
                    );
                }
            }
        }
        found
    }

    fn resolve_from_folder(&self, folder: &str, specifier: &str) -> Option<String> {
        if specifier.is_empty() || specifier.len() > 4096 || specifier.contains('\0') {
            return None;
        }
        // Loader prefixes and queries (`./w.js?worker`, `raw-loader!./x`) name the file after them.
        let specifier = specifier.rsplit('!').next().unwrap_or(specifier);
        let specifier = specifier.split(['?', '#']).next().unwrap_or_default();
        if specifier.starts_with("./") || specifier.starts_with("../") || specifier == "." {
            return self.probe(&join(folder, specifier));
        }
        if specifier.starts_with('/') || specifier.contains("://") || specifier.starts_with("node:")
        {
            return None;
        }
        if let Some(config) = self.paths_config(folder)
            && let Some(found) = config.resolve(specifier, self)
        {
            return Some(found);
        }
        self.workspace_package(specifier)
    }

    /// A path as written, with an extension, or a folder's `index`.
    fn probe(&self, path: &str) -> Option<String> {
        let path = normalize_shown_path(path);
        if !self.probe_keys.contains(probe_key(&path)) && !self.probe_every_path {
            return None;
        }
        if self.known.contains(&path) {
            return Some(path);
        }
        // TypeScript's ESM imports name the output: `./x.js` is `./x.ts`.
        for (output, sources) in OUTPUT_EXTENSIONS {
            if let Some(stem) = path.strip_suffix(output) {
                for source in *sources {
                    let candidate = format!("{stem}.{source}");
                    if self.known.contains(&candidate) {
                        return Some(candidate);
                    }
                }
            }
        }
        let stem = path.trim_end_matches('/');
        for extension in EXTENSIONS {
            let candidate = format!("{stem}.{extension}");
            if self.known.contains(&candidate) {
                return Some(candidate);
            }
        }
        for extension in EXTENSIONS {
            let candidate = if stem.is_empty() {
                format!("index.{extension}")
            } else {
                format!("{stem}/index.{extension}")
            };
            if self.known.contains(&candidate) {
                return Some(candidate);
            }
        }
        None
    }

    /// The tsconfig or jsconfig that applies to files of `folder`: the nearest one.
    fn paths_config(&self, folder: &str) -> Option<Arc<PathsConfig>> {
        let configs = &self.configs.paths;
        if let Some(found) = configs.lock().ok()?.get(folder) {
            return found.as_ref().map(|(config, _)| Arc::clone(config));
        }
        // Each folder's entry is what a climb from it alone finds (the config and how many
        // folders up), so that what one climb meets of another's does not reach further
        // than `MAX_ASCENT` folders above its own start: the answer does not depend on
        // which folders were asked about before.
        let mut found = None;
        let mut current = folder.to_string();
        for level in 0..MAX_ASCENT {
            if let Some(cached) = configs.lock().ok()?.get(&current).cloned() {
                found = cached
                    .map(|(config, above)| (config, level + above))
                    .filter(|&(_, above)| above < MAX_ASCENT);
                break;
            }
            let config = ["tsconfig.json", "jsconfig.json"]
                .iter()
                .find_map(|name| read_paths_config(&join(&current, name), 0));
            if let Some(config) = config {
                found = Some((Arc::new(config), level));
                break;
            }
            if current.is_empty() || current == "/" || current == "." {
                break;
            }
            current = parent(&current).to_string();
        }
        configs
            .lock()
            .ok()?
            .insert(folder.to_string(), found.clone());
        found.map(|(config, _)| config)
    }

    /// The `package.json` of `folder`, read once for all the run's resolvers.
    fn manifest(&self, folder: &str) -> Option<Arc<Value>> {
        let manifests = &self.configs.manifests;
        if let Some(found) = manifests.lock().ok()?.get(folder) {
            return found.clone();
        }
        let found = read_json(&join(folder, "package.json")).map(Arc::new);
        manifests
            .lock()
            .ok()?
            .insert(folder.to_string(), found.clone());
        found
    }

    /// `@scope/name` or `@scope/name/sub/path` among the workspace's packages.
    fn workspace_package(&self, specifier: &str) -> Option<String> {
        let packages = self.packages.get_or_init(|| self.find_packages());
        let mut parts = specifier.splitn(3, '/');
        let first = parts.next()?;
        let (name, rest) = if first.starts_with('@') {
            let second = parts.next()?;
            (&specifier[..first.len() + 1 + second.len()], parts.next())
        } else {
            let rest = specifier.split_once('/').map(|(_, rest)| rest);
            (first, rest)
        };
        let (folder, manifest) = packages.get(name)?;
        let subpath = match rest {
            Some(rest) => format!("./{rest}"),
            None => ".".to_string(),
        };
        if let Some(exports) = manifest.get("exports")
            && let Some(target) = export_target(exports, &subpath)
            && let Some(found) = self.probe(&join(folder, &target))
        {
            return Some(found);
        }
        if rest.is_none() {
            for field in ["source", "module", "main"] {
                if let Some(entry) = manifest.get(field).and_then(Value::as_str)
                    && let Some(found) = self.probe(&join(folder, entry))
                {
                    return Some(found);
                }
            }
        }
        self.probe(&join(folder, &subpath))
    }

    /// The packages whose `package.json` sits in a folder above a file of the run.
    fn find_packages(&self) -> BTreeMap<String, (String, Arc<Value>)> {
        let mut folders = BTreeSet::new();
        // In order: a climb stops at a folder seen before or after MAX_ASCENT folders, so
        // which folders are found must not depend on the order of a hash set.
        let mut known: Vec<&String> = self.known.iter().collect();
        known.sort_unstable();
        for path in known {
            let mut folder = parent(path);
            for _ in 0..MAX_ASCENT {
                if folder.split('/').any(|part| part == "node_modules") || !folders.insert(folder) {
                    break;
                }
                if folder.is_empty() || folder == "/" {
                    break;
                }
                folder = parent(folder);
            }
        }
        let mut packages = BTreeMap::new();
        for folder in folders {
            let Some(manifest) = self.manifest(folder) else {
                continue;
            };
            if let Some(name) = manifest.get("name").and_then(Value::as_str) {
                // Two packages of one name: the first folder in order, as the shortest path.
                packages
                    .entry(name.to_string())
                    .or_insert_with(|| (folder.to_string(), Arc::clone(&manifest)));
            }
        }
        packages
    }
}

impl PathsConfig {
    fn resolve(&self, specifier: &str, resolver: &Resolver) -> Option<String> {
        // The longest matching prefix wins, as in TypeScript.
        let mut best: Option<(usize, &str, &Vec<String>)> = None;
        for (pattern, targets) in &self.paths {
            let captured = match pattern.split_once('*') {
                Some((prefix, suffix)) => {
                    if specifier.len() >= prefix.len() + suffix.len()
                        && specifier.starts_with(prefix)
                        && specifier.ends_with(suffix)
                    {
                        Some((
                            prefix.len(),
                            &specifier[prefix.len()..specifier.len() - suffix.len()],
                        ))
                    } else {
                        None
                    }
                }
                None => (pattern == specifier).then_some((usize::MAX, "")),
            };
            if let Some((length, capture)) = captured
                && best.is_none_or(|(best_length, _, _)| length > best_length)
            {
                best = Some((length, capture, targets));
            }
        }
        if let Some((_, capture, targets)) = best {
            for target in targets {
                let target = target.replacen('*', capture, 1);
                if let Some(found) = resolver.probe(&join(&self.paths_base, &target)) {
                    return Some(found);
                }
            }
        }
        let base = self.base_url.as_ref()?;
        resolver.probe(&join(base, specifier))
    }
}

/// The paths config of the tsconfig at `path`, merged over the ones it extends.
fn read_paths_config(path: &str, depth: usize) -> Option<PathsConfig> {
    if depth > MAX_EXTENDS {
        return None;
    }
    let config = read_json(path)?;
    let folder = parent(path);
    let mut merged = PathsConfig {
        paths_base: folder.to_string(),
        ..PathsConfig::default()
    };
    // `extends`: a relative file (or, since TypeScript 5, a list); packages stay opaque.
    let extends: Vec<&str> = match config.get("extends") {
        Some(Value::String(one)) => vec![one.as_str()],
        Some(Value::Array(many)) => many.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    for parent_config in extends {
        if !(parent_config.starts_with("./") || parent_config.starts_with("../")) {
            continue;
        }
        let mut parent_path = join(folder, parent_config);
        if !parent_path.ends_with(".json") {
            parent_path.push_str(".json");
        }
        if let Some(inherited) = read_paths_config(&parent_path, depth + 1) {
            if inherited.base_url.is_some() {
                merged.base_url = inherited.base_url;
            }
            if !inherited.paths.is_empty() {
                merged.paths = inherited.paths;
                merged.paths_base = inherited.paths_base;
            }
        }
    }
    let options = config.get("compilerOptions");
    if let Some(base) = options
        .and_then(|options| options.get("baseUrl"))
        .and_then(Value::as_str)
    {
        let base = normalize_shown_path(&join(folder, base));
        merged.base_url = Some(base.clone());
        merged.paths_base = base;
    }
    if let Some(Value::Object(paths)) = options.and_then(|options| options.get("paths")) {
        merged.paths = paths
            .iter()
            .take(1000)
            .map(|(pattern, targets)| {
                let targets = match targets {
                    Value::Array(targets) => targets
                        .iter()
                        .filter_map(Value::as_str)
                        .take(100)
                        .map(str::to_string)
                        .collect(),
                    Value::String(one) => vec![one.clone()],
                    _ => Vec::new(),
                };
                (pattern.clone(), targets)
            })
            .collect();
        if merged.base_url.is_none() {
            merged.paths_base = folder.to_string();
        }
    }
    Some(merged)
}

/// The target of `subpath` (`.` or `./x`) in a package's `exports`.
fn export_target(exports: &Value, subpath: &str) -> Option<String> {
    fn condition(value: &Value, depth: usize) -> Option<String> {
        if depth > 8 {
            return None;
        }
        match value {
            Value::String(target) => Some(target.clone()),
            Value::Array(options) => options.iter().find_map(|v| condition(v, depth + 1)),
            Value::Object(conditions) => [
                "source", "browser", "import", "module", "default", "require",
            ]
            .iter()
            .find_map(|key| conditions.get(*key))
            .and_then(|v| condition(v, depth + 1)),
            _ => None,
        }
    }
    match exports {
        Value::Object(map) if map.keys().any(|key| key.starts_with('.')) => {
            if let Some(value) = map.get(subpath) {
                return condition(value, 0);
            }
            // `"./*": "./src/*.js"`
            map.iter().find_map(|(pattern, value)| {
                let (prefix, suffix) = pattern.split_once('*')?;
                let captured = subpath.strip_prefix(prefix)?.strip_suffix(suffix)?;
                Some(condition(value, 0)?.replacen('*', captured, 1))
            })
        }
        other if subpath == "." => condition(other, 0),
        _ => None,
    }
}

/// A JSON file (comments and trailing commas allowed, as in tsconfig), or `None`.
fn read_json(path: &str) -> Option<Value> {
    let path = Path::new(if path.is_empty() { "." } else { path });
    // The run's findings depend on it: the cache's memo of the run checks it.
    crate::results::note_config_read(path);
    let bytes = crate::safe_io::read_file(path, CONFIG_LIMIT).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    serde_json::from_str(&text)
        .ok()
        .or_else(|| serde_json::from_str(&strip_jsonc(&text)).ok())
}

/// JSON with `//` and `/* */` comments and trailing commas made plain.
fn strip_jsonc(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut index = 0;
    let mut in_string = false;
    while index < bytes.len() {
        let byte = bytes[index];
        if in_string {
            out.push(byte as char);
            if byte == b'\\' && index + 1 < bytes.len() {
                out.push(bytes[index + 1] as char);
                index += 2;
                continue;
            }
            in_string = byte != b'"';
            index += 1;
            continue;
        }
        match byte {
            b'"' => {
                in_string = true;
                out.push('"');
                index += 1;
            }
            b'/' if bytes.get(index + 1) == Some(&b'/') => {
                while index < bytes.len() && bytes[index] != b'\n' {
                    index += 1;
                }
            }
            b'/' if bytes.get(index + 1) == Some(&b'*') => {
                index += 2;
                while index + 1 < bytes.len() && !(bytes[index] == b'*' && bytes[index + 1] == b'/')
                {
                    index += 1;
                }
                index += 2;
            }
            b',' => {
                let next = bytes[index + 1..]
                    .iter()
                    .find(|byte| !byte.is_ascii_whitespace());
                if !matches!(next, Some(b'}' | b']')) {
                    out.push(',');
                }
                index += 1;
            }
            _ => {
                // Multi-byte characters are copied whole.
                let width = utf8_width(byte);
                out.push_str(&text[index..(index + width).min(text.len())]);
                index += width;
            }
        }
    }
    out
}

fn utf8_width(first: u8) -> usize {
    match first {
        0x00..=0x7F => 1,
        0xC0..=0xDF => 2,
        0xE0..=0xEF => 3,
        _ => 4,
    }
}

/// Which part of the memo of resolutions holds `folder`'s.
fn shard_of(folder: &str) -> usize {
    use std::hash::BuildHasher;
    // The high bits: a multiplicative hash mixes those best.
    (rustc_hash::FxBuildHasher.hash_one(folder) >> 60) as usize % RESOLUTION_SHARDS
}

/// What [`Resolver::probe`] looks up in [`Resolver::probe_keys`]: the last segment of
/// the normalized path it probes.
fn probe_key(path: &str) -> &str {
    let path = path.trim_end_matches('/');
    path.rsplit('/').next().unwrap_or(path)
}

/// The keys of every normalized path from which [`Resolver::probe`] finds a file of
/// `known`. Each file it finds is the path itself, the path with an extension added,
/// with TypeScript's output extension swapped for a source one (`x.js` for `x.ts`), or
/// the path's `index` file, and the last segment of each of those is the path's key
/// with an extension added, swapped or, for the index, the folder's name: so the keys
/// are each known file's last segment, without its extension, with the output
/// extension for its source one, and the name of the folder of each index file.
fn probe_keys(known: &FxHashSet<String>) -> FxHashSet<String> {
    let mut keys = FxHashSet::default();
    for path in known {
        let (folder, name) = path.rsplit_once('/').unwrap_or(("", path));
        keys.insert(name.to_string());
        for extension in EXTENSIONS {
            if let Some(stem) = name
                .strip_suffix(extension)
                .and_then(|rest| rest.strip_suffix('.'))
            {
                keys.insert(stem.to_string());
                if stem == "index" {
                    keys.insert(probe_key(folder).to_string());
                }
            }
        }
        for (output, sources) in OUTPUT_EXTENSIONS {
            for source in *sources {
                if let Some(stem) = name
                    .strip_suffix(source)
                    .and_then(|rest| rest.strip_suffix('.'))
                {
                    keys.insert(format!("{stem}{output}"));
                }
            }
        }
    }
    keys
}

/// The folder of a path as shown (`""` for a file of the working directory).
fn parent(path: &str) -> &str {
    match path.rsplit_once('/') {
        Some(("", _)) => "/",
        Some((folder, _)) => folder,
        None => "",
    }
}

fn join(folder: &str, path: &str) -> String {
    if folder.is_empty() || folder == "." {
        path.to_string()
    } else if folder.ends_with('/') {
        format!("{folder}{path}")
    } else {
        format!("{folder}/{path}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_specifiers_probe_extensions_and_index() {
        let resolver = Resolver::new([
            "src/app.js",
            "src/lib/events.ts",
            "src/lib/index.js",
            "src/util.tsx",
            "../other/x.js",
        ]);
        let at = |from: &str, specifier: &str| resolver.resolve(from, specifier);
        assert_eq!(
            at("src/app.js", "./lib/events").as_deref(),
            Some("src/lib/events.ts")
        );
        assert_eq!(
            at("src/app.js", "./lib/events.js").as_deref(),
            Some("src/lib/events.ts")
        );
        assert_eq!(
            at("src/app.js", "./lib").as_deref(),
            Some("src/lib/index.js")
        );
        assert_eq!(
            at("src/lib/events.ts", "../util").as_deref(),
            Some("src/util.tsx")
        );
        assert_eq!(
            at("src/app.js", "./util?raw").as_deref(),
            Some("src/util.tsx")
        );
        assert_eq!(
            at("src/app.js", "../../other/x").as_deref(),
            Some("../other/x.js")
        );
        assert_eq!(at("src/app.js", "react"), None);
        assert_eq!(at("src/app.js", "./missing"), None);
        assert_eq!(at("src/app.js", "https://cdn.example.com/x.js"), None);
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(512))]

        /// The keys only say no where probing every extension and index finds nothing.
        #[test]
        fn probe_keys_turn_away_only_paths_that_name_no_file(
            known in proptest::collection::vec(path_strategy(), 1..12),
            probed in proptest::collection::vec(path_strategy(), 1..24),
        ) {
            let filtered = Resolver::new(known.iter().map(String::as_str));
            let mut every = Resolver::new(known.iter().map(String::as_str));
            every.probe_every_path = true;
            for path in &probed {
                proptest::prop_assert_eq!(filtered.probe(path), every.probe(path), "{}", path);
            }
        }
    }

    /// Paths of segments that meet the probe's forms: extensions it adds or swaps,
    /// `index`, `.` and `..`, doubled and trailing slashes, absolute paths.
    fn path_strategy() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        let segment = prop::sample::select(vec![
            "a",
            "b",
            "index",
            "",
            ".",
            "..",
            "a.js",
            "a.ts",
            "a.tsx",
            "a.jsx",
            "b.mjs",
            "b.mts",
            "c.cjs",
            "c.cts",
            "d.vue",
            "index.js",
            "index.ts",
            "index.svelte",
            "x.d.ts",
            "a.js.ts",
            ".ts",
            "e.astro",
            "f.json",
            ".js",
            ".jsx",
            ".mjs",
            ".cjs",
            "..ts",
            "...ts",
            "index.tsx",
            "index.mts",
            "index.d.ts",
            "a.m.ts",
        ]);
        (
            prop::bool::ANY,
            prop::collection::vec(segment, 1..5),
            prop::bool::ANY,
        )
            .prop_map(|(absolute, segments, trailing)| {
                let mut path = segments.join("/");
                if absolute {
                    path.insert(0, '/');
                }
                if trailing {
                    path.push('/');
                }
                path
            })
    }

    /// A tsconfig is looked for at most `MAX_ASCENT` folders up from the importing file,
    /// whichever folders were asked about before and whichever resolver of the run asks.
    #[test]
    fn how_far_up_a_config_is_found_does_not_depend_on_earlier_climbs() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().to_str().unwrap().to_string();
        std::fs::write(
            format!("{root}/tsconfig.json"),
            r#"{"compilerOptions": {"paths": {"@x/*": ["lib/*"]}}}"#,
        )
        .unwrap();
        std::fs::create_dir_all(format!("{root}/lib")).unwrap();
        std::fs::write(format!("{root}/lib/h.ts"), "export const h = 1;").unwrap();
        let near: String = (0..10).map(|at| format!("/a{at}")).collect();
        let far: String = (0..30).map(|at| format!("/b{at}")).collect();
        let near_folder = format!("{root}{near}");
        std::fs::create_dir_all(format!("{near_folder}{far}")).unwrap();
        let near_file = format!("{near_folder}/m.ts");
        let far_file = format!("{near_folder}{far}/deep.ts");
        let helper = format!("{root}/lib/h.ts");
        let skipped = format!("{root}/big.ts");
        let known = [near_file.as_str(), far_file.as_str(), helper.as_str()];
        let found = Some(Arc::<str>::from(helper.as_str()));
        // Asked alone, the far file is 40 folders below the config: not found.
        let alone = Resolver::new(known);
        assert_eq!(alone.resolve(&far_file, "@x/h"), None);
        // Asked after the near file, whose climb found it 10 folders up.
        let mapper = Resolver::new(known);
        assert_eq!(mapper.resolve(&near_file, "@x/h"), found);
        let link = mapper.knowing_more(known.into_iter().chain([skipped.as_str()]));
        assert_eq!(link.unwrap().resolve(&far_file, "@x/h"), None);
        assert_eq!(mapper.resolve(&far_file, "@x/h"), None);
        // And the other way round.
        let reversed = Resolver::new(known);
        assert_eq!(reversed.resolve(&far_file, "@x/h"), None);
        assert_eq!(reversed.resolve(&near_file, "@x/h"), found);
    }

    #[test]
    fn jsonc_is_read_as_tsconfig_writes_it() {
        let text = "{\n // c\n \"a\": \"x//y\", /* b */ \"b\": [1, 2,],\n}";
        let value: Value = serde_json::from_str(&strip_jsonc(text)).unwrap();
        assert_eq!(value["a"], "x//y");
        assert_eq!(value["b"][1], 2);
    }

    #[test]
    fn exports_maps_pick_a_browser_or_import_condition() {
        let exports: Value = serde_json::json!({
            ".": { "types": "./d.ts", "import": "./src/index.ts", "require": "./cjs.js" },
            "./utils/*": "./src/utils/*.ts"
        });
        assert_eq!(
            export_target(&exports, ".").as_deref(),
            Some("./src/index.ts")
        );
        assert_eq!(
            export_target(&exports, "./utils/origin").as_deref(),
            Some("./src/utils/origin.ts")
        );
        assert_eq!(
            export_target(&Value::String("./m.js".into()), ".").as_deref(),
            Some("./m.js")
        );
    }
}
