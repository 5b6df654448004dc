//! `crosswire.toml`: rule severities, rule options and ignored files.

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use miette::{LabeledSpan, NamedSource};
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::diagnostic::Severity;
use crate::rules::{RULES, Rule};

pub const CONFIG_FILE_NAME: &str = "crosswire.toml";

/// The effective configuration: every rule's severity and options, and what to skip.
#[derive(Debug, Clone)]
pub struct Config {
    /// The file it was read from, if any.
    pub source: Option<PathBuf>,
    /// Ignore globs are relative to this folder: the config file's, or the working directory.
    pub root: PathBuf,
    /// Indexed like [`RULES`].
    severities: Vec<Severity>,
    options: Vec<toml::Table>,
    ignore: GlobSet,
}

/// A config that cannot be used, with the place in the file that is wrong.
#[derive(Debug)]
pub struct ConfigError {
    pub message: String,
    pub help: Option<String>,
    pub source: Option<Box<NamedSource<Arc<str>>>>,
    pub span: Option<Range<usize>>,
    /// The file's other errors, in file order: all of them are shown in one run.
    pub more: Vec<ConfigError>,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ConfigError {}

impl miette::Diagnostic for ConfigError {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new("crosswire::config"))
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|help| Box::new(help) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source
            .as_ref()
            .map(|source| &**source as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let span = self.span.clone()?;
        Some(Box::new(std::iter::once(
            LabeledSpan::new_primary_with_span(Some("here".to_string()), span),
        )))
    }
}

impl Config {
    /// Every rule at its documented severity, nothing ignored.
    pub fn defaults(root: PathBuf) -> Config {
        Config {
            source: None,
            root,
            severities: RULES.iter().map(Rule::default_severity).collect(),
            options: RULES.iter().map(|_| toml::Table::new()).collect(),
            ignore: GlobSet::empty(),
        }
    }

    /// The nearest `crosswire.toml` in `start` or one of its ancestors, up to the top
    /// of the repository `start` is in (the folder holding `.git`, a folder or a
    /// worktree's file): a config above it belongs to someone else's tree, and taking it
    /// would let it switch rules off unseen.
    pub fn find(start: &Path) -> Option<PathBuf> {
        for folder in start.ancestors() {
            let candidate = folder.join(CONFIG_FILE_NAME);
            if candidate.is_file() {
                return Some(candidate);
            }
            if folder.join(".git").symlink_metadata().is_ok() {
                return None;
            }
        }
        None
    }

    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        // Shown relative to the working directory, as linted files are.
        let shown = std::env::current_dir()
            .map(|cwd| shown_from(path, &cwd))
            .unwrap_or_else(|_| path.display().to_string());
        let unreadable = |reason: String| ConfigError {
            message: format!("cannot read config {shown}: {reason}"),
            help: None,
            source: None,
            span: None,
            more: Vec::new(),
        };
        let bytes = crate::safe_io::read_file(path, crate::safe_io::CONFIG_READ_LIMIT)
            .map_err(|error| unreadable(error.to_string()))?;
        let text = String::from_utf8(bytes)
            .map_err(|_| unreadable("it is not valid UTF-8".to_string()))?;
        let root = path
            .parent()
            .map(Path::to_path_buf)
            .filter(|parent| !parent.as_os_str().is_empty())
            .unwrap_or_else(|| PathBuf::from("."));
        let mut config = Config::parse(&text, &shown, root)?;
        config.source = Some(path.to_path_buf());
        Ok(config)
    }

    /// Parses config text; `name` is used in error messages.
    pub fn parse(text: &str, name: &str, root: PathBuf) -> Result<Config, ConfigError> {
        let named = NamedSource::new(name, Arc::<str>::from(text)).with_language("TOML");
        let error_at =
            |span: Option<Range<usize>>, message: String, help: Option<String>| ConfigError {
                message,
                help,
                source: Some(Box::new(named.clone())),
                span,
                more: Vec::new(),
            };
        let document = DeTable::parse(text).map_err(|error| {
            error_at(
                error.span(),
                format!("{name} is not valid TOML: {}", error.message()),
                None,
            )
        })?;
        let mut config = Config::defaults(root);
        let mut errors = Vec::new();
        for (key, value) in document.get_ref() {
            let read = match &**key.get_ref() {
                "rules" => config.read_rules(value, &error_at, &mut errors),
                "files" => config.read_files(value, &error_at, &mut errors),
                other => Err(error_at(
                    Some(key.span()),
                    format!("unknown key `{other}` in {name}"),
                    Some("the top-level tables are `[rules]` and `[files]`".into()),
                )),
            };
            if let Err(error) = read {
                errors.push(error);
            }
        }
        errors.sort_by_key(|error| error.span.as_ref().map_or(0, |span| span.start));
        let mut errors = errors.into_iter();
        match errors.next() {
            Some(mut first) => {
                first.more = errors.collect();
                Err(first)
            }
            None => Ok(config),
        }
    }

    /// Reads `[rules]`; an error that leaves the rest readable goes to `errors`.
    fn read_rules(
        &mut self,
        value: &Spanned<DeValue>,
        error_at: &impl Fn(Option<Range<usize>>, String, Option<String>) -> ConfigError,
        errors: &mut Vec<ConfigError>,
    ) -> Result<(), ConfigError> {
        let DeValue::Table(rules) = value.get_ref() else {
            return Err(error_at(
                Some(value.span()),
                "`rules` must be a table".into(),
                Some("write `[rules]` followed by `rule-id = \"error\"` lines".into()),
            ));
        };
        for (key, setting) in rules {
            let id = &**key.get_ref();
            let Some(index) = RULES.iter().position(|rule| rule.id == id) else {
                errors.push(error_at(
                    Some(key.span()),
                    format!("unknown rule `{id}`"),
                    Some(suggest_rule(id)),
                ));
                continue;
            };
            let rule = &RULES[index];
            match setting.get_ref() {
                DeValue::String(level) => match parse_level(level, setting.span(), error_at) {
                    Ok(severity) => self.severities[index] = severity,
                    Err(error) => errors.push(error),
                },
                DeValue::Table(table) => {
                    let mut options = toml::Table::new();
                    for (option, option_value) in table {
                        let option_name = &**option.get_ref();
                        if option_name == "level" {
                            let DeValue::String(level) = option_value.get_ref() else {
                                errors.push(level_error(option_value.span(), error_at));
                                continue;
                            };
                            match parse_level(level, option_value.span(), error_at) {
                                Ok(severity) => self.severities[index] = severity,
                                Err(error) => errors.push(error),
                            }
                        } else if rule.options.contains(&option_name) {
                            // Every option today is a list of names.
                            let is_list_of_strings = matches!(option_value.get_ref(),
                                DeValue::Array(items) if items
                                    .iter()
                                    .all(|item| matches!(item.get_ref(), DeValue::String(_))));
                            if !is_list_of_strings {
                                errors.push(error_at(
                                    Some(option_value.span()),
                                    format!("`{option_name}` must be an array of strings"),
                                    Some(format!("e.g. `{option_name} = [\"createSocket\"]`")),
                                ));
                                continue;
                            }
                            options.insert(option_name.to_string(), to_value(option_value));
                        } else {
                            let accepted = if rule.options.is_empty() {
                                format!("`{id}` takes no options besides `level`")
                            } else {
                                format!(
                                    "`{id}` takes `level` and {}",
                                    rule.options
                                        .iter()
                                        .map(|o| format!("`{o}`"))
                                        .collect::<Vec<_>>()
                                        .join(", ")
                                )
                            };
                            errors.push(error_at(
                                Some(option.span()),
                                format!("unknown option `{option_name}` for rule `{id}`"),
                                Some(accepted),
                            ));
                        }
                    }
                    self.options[index] = options;
                }
                _ => errors.push(level_error(setting.span(), error_at)),
            }
        }
        Ok(())
    }

    /// Reads `[files]`; an error that leaves the rest readable goes to `errors`.
    fn read_files(
        &mut self,
        value: &Spanned<DeValue>,
        error_at: &impl Fn(Option<Range<usize>>, String, Option<String>) -> ConfigError,
        errors: &mut Vec<ConfigError>,
    ) -> Result<(), ConfigError> {
        let DeValue::Table(files) = value.get_ref() else {
            return Err(error_at(
                Some(value.span()),
                "`files` must be a table".into(),
                Some("write `[files]` followed by `ignore = [\"dist/**\"]`".into()),
            ));
        };
        let mut globs = GlobSetBuilder::new();
        for (key, entry) in files {
            if &**key.get_ref() != "ignore" {
                errors.push(error_at(
                    Some(key.span()),
                    format!("unknown key `{}` in `[files]`", key.get_ref()),
                    Some("`[files]` takes `ignore = [globs]`".into()),
                ));
                continue;
            }
            let DeValue::Array(patterns) = entry.get_ref() else {
                errors.push(error_at(
                    Some(entry.span()),
                    "`ignore` must be an array of glob strings".into(),
                    Some("e.g. `ignore = [\"dist/**\", \"*.min.js\"]`".into()),
                ));
                continue;
            };
            for pattern in patterns {
                let DeValue::String(text) = pattern.get_ref() else {
                    errors.push(error_at(
                        Some(pattern.span()),
                        "each `ignore` entry must be a glob string".into(),
                        None,
                    ));
                    continue;
                };
                match GlobBuilder::new(&normalize_glob(text))
                    .literal_separator(true)
                    .build()
                {
                    Ok(glob) => {
                        globs.add(glob);
                    }
                    Err(error) => errors.push(error_at(
                        Some(pattern.span()),
                        format!("invalid glob `{text}`: {}", error.kind()),
                        None,
                    )),
                }
            }
        }
        self.ignore = globs.build().map_err(|error| {
            error_at(Some(value.span()), format!("invalid globs: {error}"), None)
        })?;
        Ok(())
    }

    pub fn severity(&self, rule_id: &str) -> Severity {
        RULES
            .iter()
            .position(|rule| rule.id == rule_id)
            .map_or(Severity::Off, |index| self.severities[index])
    }

    pub fn options(&self, rule_id: &str) -> &toml::Table {
        let index = RULES
            .iter()
            .position(|rule| rule.id == rule_id)
            .expect("options are asked for registered rules");
        &self.options[index]
    }

    /// Sets a rule's severity, as `--rule <id>=<level>` does over the config file.
    pub fn set_severity(&mut self, rule_id: &str, severity: Severity) -> Result<(), String> {
        let index = RULES
            .iter()
            .position(|rule| rule.id == rule_id)
            .ok_or_else(|| format!("unknown rule `{rule_id}` ({})", suggest_rule(rule_id)))?;
        self.severities[index] = severity;
        Ok(())
    }

    /// The effective settings for `file`, as `--print-config` shows them (JSON, as
    /// ESLint's `--print-config` prints).
    pub fn effective_for(&self, file: &Path) -> serde_json::Value {
        let rules: serde_json::Map<String, serde_json::Value> = RULES
            .iter()
            .enumerate()
            .map(|(index, rule)| {
                let mut entry = serde_json::Map::new();
                entry.insert("level".into(), self.severities[index].as_str().into());
                for (key, value) in &self.options[index] {
                    if key != "level" {
                        entry.insert(
                            key.clone(),
                            serde_json::to_value(value).unwrap_or(serde_json::Value::Null),
                        );
                    }
                }
                (rule.id.to_string(), entry.into())
            })
            .collect();
        serde_json::json!({
            "file": file.display().to_string(),
            "config": self.source.as_ref().map(|source| source.display().to_string()),
            "ignored": self.is_ignored(file),
            "rules": rules,
        })
    }

    /// Whether `[files] ignore` matches a path (file or folder).
    pub fn is_ignored(&self, path: &Path) -> bool {
        if self.ignore.is_empty() {
            return false;
        }
        let relative = relative_to(path, &self.root);
        self.ignore.is_match(relative)
    }

    /// A fingerprint of the effective settings, for caches.
    pub fn describe(&self) -> String {
        format!("{:?}{:?}", self.severities, self.options)
    }
}

/// `path` relative to `root` when both can be compared, else as given. Either may be
/// relative to the working directory or absolute (`-c crosswire.toml /abs/project`).
fn relative_to(path: &Path, root: &Path) -> PathBuf {
    let clean = |p: &Path| -> PathBuf {
        p.components()
            .filter(|c| !matches!(c, std::path::Component::CurDir))
            .collect()
    };
    let path = clean(path);
    let root = clean(root);
    // An empty root (the config in `.`) is a prefix of every path, absolute ones too.
    if path.is_absolute() == root.is_absolute()
        && let Ok(relative) = path.strip_prefix(&root)
    {
        return relative.to_path_buf();
    }
    // Made absolute without touching the file system; `..` is left for canonicalize,
    // since a linked folder makes `a/link/..` something other than `a`.
    let lexically_absolute = |p: &Path| {
        let p = if p.as_os_str().is_empty() {
            Path::new(".")
        } else {
            p
        };
        std::path::absolute(p)
            .ok()
            .map(|p| clean(&p))
            .filter(|p| !p.components().any(|c| c == std::path::Component::ParentDir))
    };
    if let (Some(path_abs), Some(root_abs)) = (lexically_absolute(&path), lexically_absolute(&root))
        && let Ok(relative) = path_abs.strip_prefix(&root_abs)
    {
        return relative.to_path_buf();
    }
    match (std::fs::canonicalize(&path), std::fs::canonicalize(&root)) {
        (Ok(path_abs), Ok(root_abs)) => path_abs
            .strip_prefix(&root_abs)
            .map(Path::to_path_buf)
            .unwrap_or(path),
        _ => path,
    }
}

/// `path` as seen from `cwd`: relative, with `../` for a config in a folder above (where
/// `Config::find` looks), absolute when they share no folder but the root.
fn shown_from(path: &Path, cwd: &Path) -> String {
    if path.is_relative() {
        return crate::source::display_path(path, Path::new(""));
    }
    for (levels, folder) in cwd.ancestors().enumerate() {
        if folder.parent().is_none() {
            break;
        }
        if let Ok(below) = path.strip_prefix(folder) {
            return format!(
                "{}{}",
                "../".repeat(levels),
                below.to_string_lossy().replace('\\', "/")
            );
        }
    }
    path.display().to_string()
}

/// A commented `crosswire.toml` with every rule at its default level, for `--init`.
pub fn starter_config() -> String {
    let mut text = String::from(
        "# crosswire.toml: what crosswire reports in this project.\n\
         # Every key is optional; delete what you do not change. See the README's\n\
         # \"Configuration\" section, and `crosswire --explain <rule-id>` for a rule.\n\n\
         [rules]\n\
         # \"off\", \"warn\" (or \"warning\") or \"error\". The defaults:\n",
    );
    for rule in RULES {
        let doc = rule.doc();
        let level = match doc.severity {
            Severity::Warning => "warn",
            other => other.as_str(),
        };
        text.push_str(&format!("# {} = \"{level}\"  # {}\n", doc.id, doc.summary));
    }
    text.push_str(
        "\n# A rule with options takes a table; `level` sets its severity there.\n\
         # [rules.websocket-no-reconnect]\n\
         # level = \"warn\"\n\
         # wrappers = [\"createSocket\"]  # sockets made here are managed by your wrapper\n\n\
         [files]\n\
         # Globs relative to this file's folder, read as .gitignore reads them.\n\
         ignore = [\"dist/\", \"build/\", \"*.min.js\"]\n",
    );
    text
}

/// Gitignore-like conveniences: a glob without `/` matches at any depth, and a
/// trailing `/` means everything below that folder.
fn normalize_glob(pattern: &str) -> String {
    let pattern = pattern.strip_prefix("./").unwrap_or(pattern);
    // As in `.gitignore`, a trailing `/` does not anchor: `dist/` is any `dist` folder.
    let (pattern, folder) = match pattern.strip_suffix('/') {
        Some(folder) => (folder, true),
        None => (pattern, false),
    };
    let anchored = match pattern.strip_prefix('/') {
        Some(anchored) => anchored.to_string(),
        None if pattern.contains('/') => pattern.to_string(),
        None => format!("**/{pattern}"),
    };
    if folder {
        format!("{anchored}/**")
    } else {
        anchored
    }
}

fn parse_level(
    level: &str,
    span: Range<usize>,
    error_at: &impl Fn(Option<Range<usize>>, String, Option<String>) -> ConfigError,
) -> Result<Severity, ConfigError> {
    match level {
        "off" => Ok(Severity::Off),
        // "warning" is the word the output uses.
        "warn" | "warning" => Ok(Severity::Warning),
        "error" => Ok(Severity::Error),
        _ => Err(level_error(span, error_at)),
    }
}

fn level_error(
    span: Range<usize>,
    error_at: &impl Fn(Option<Range<usize>>, String, Option<String>) -> ConfigError,
) -> ConfigError {
    error_at(
        Some(span),
        "a rule's level must be \"off\", \"warn\" (or \"warning\") or \"error\"".into(),
        Some("write `rule-id = \"warn\"`, or `level = \"warn\"` inside `[rules.rule-id]`".into()),
    )
}

pub fn suggest_rule(id: &str) -> String {
    let closest = RULES
        .iter()
        .map(|rule| {
            // A prefix (`postmessage-wildcard`) is as good as a near miss.
            let distance = if !id.is_empty() && rule.id.starts_with(id) {
                0
            } else {
                strsim::levenshtein(id, rule.id)
            };
            (distance, rule.id)
        })
        .min();
    match closest {
        Some((distance, name)) if distance <= 4.max(id.len() / 5) => {
            format!("did you mean `{name}`?")
        }
        _ => "run `crosswire --list-rules` to see every rule id".into(),
    }
}

fn to_value(value: &Spanned<DeValue>) -> toml::Value {
    match value.get_ref() {
        DeValue::String(text) => toml::Value::String(text.to_string()),
        DeValue::Integer(integer) => integer
            .to_string()
            .parse::<i64>()
            .map(toml::Value::Integer)
            .unwrap_or_else(|_| toml::Value::String(integer.to_string())),
        DeValue::Float(float) => float
            .to_string()
            .parse::<f64>()
            .map(toml::Value::Float)
            .unwrap_or_else(|_| toml::Value::String(float.to_string())),
        DeValue::Boolean(flag) => toml::Value::Boolean(*flag),
        DeValue::Datetime(datetime) => toml::Value::Datetime(*datetime),
        DeValue::Array(items) => toml::Value::Array(items.iter().map(to_value).collect()),
        DeValue::Table(table) => toml::Value::Table(
            table
                .iter()
                .map(|(key, value)| (key.get_ref().to_string(), to_value(value)))
                .collect(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_paths_are_shown_from_the_working_directory() {
        let cwd = Path::new("/work/app/src");
        assert_eq!(
            shown_from(Path::new("/work/app/src/crosswire.toml"), cwd),
            "crosswire.toml"
        );
        assert_eq!(
            shown_from(Path::new("/work/app/crosswire.toml"), cwd),
            "../crosswire.toml"
        );
        assert_eq!(
            shown_from(Path::new("/etc/crosswire.toml"), cwd),
            "/etc/crosswire.toml"
        );
        assert_eq!(
            shown_from(Path::new("./conf/crosswire.toml"), cwd),
            "conf/crosswire.toml"
        );
    }

    #[test]
    fn globs_behave_like_gitignore_patterns() {
        assert_eq!(normalize_glob("*.min.js"), "**/*.min.js");
        assert_eq!(normalize_glob("dist/"), "**/dist/**");
        assert_eq!(normalize_glob("/dist/"), "dist/**");
        assert_eq!(normalize_glob("packages/*/dist/"), "packages/*/dist/**");
        assert_eq!(normalize_glob("/build/**"), "build/**");
        assert_eq!(normalize_glob("./src/gen/*.js"), "src/gen/*.js");
    }

    #[test]
    fn rule_levels_and_ignores_are_read() {
        let config = Config::parse(
            "[rules]\npostmessage-wildcard-origin = \"warn\"\nwebsocket-insecure-url = \"warning\"\n[files]\nignore = [\"dist/\", \"*.min.js\"]\n",
            "crosswire.toml",
            PathBuf::from("/project"),
        )
        .unwrap();
        assert_eq!(
            config.severity("postmessage-wildcard-origin"),
            Severity::Warning
        );
        assert_eq!(config.severity("websocket-insecure-url"), Severity::Warning);
        assert!(config.is_ignored(Path::new("/project/dist/app.js")));
        // `dist/` is any `dist` folder, as in `.gitignore`.
        assert!(config.is_ignored(Path::new("/project/packages/ui/dist/app.js")));
        assert!(config.is_ignored(Path::new("/project/src/vendor/x.min.js")));
        assert!(!config.is_ignored(Path::new("/project/src/app.js")));
    }

    #[test]
    fn errors_point_at_the_offending_text() {
        let text = "[rules]\npostmessage-wildcard-orign = \"warn\"\n";
        let error = Config::parse(text, "crosswire.toml", PathBuf::from(".")).unwrap_err();
        assert_eq!(error.message, "unknown rule `postmessage-wildcard-orign`");
        assert_eq!(&text[error.span.unwrap()], "postmessage-wildcard-orign");
        assert_eq!(
            error.help.as_deref(),
            Some("did you mean `postmessage-wildcard-origin`?")
        );

        let text = "[rules.postmessage-wildcard-origin]\nlevel = \"loud\"\n";
        let error = Config::parse(text, "crosswire.toml", PathBuf::from(".")).unwrap_err();
        assert_eq!(&text[error.span.unwrap()], "\"loud\"");
    }
}
