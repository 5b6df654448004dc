//! What a rule reports, and the finding it becomes once the pipeline stamps it.

use std::fmt;
use std::ops::Range;

use serde::{Deserialize, Serialize};

/// How serious a finding is. `Off` only appears in configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Off,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Off => "off",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    /// Parses the words users write in config and rule docs.
    pub fn parse(word: &str) -> Option<Severity> {
        match word {
            "off" => Some(Severity::Off),
            "warn" | "warning" => Some(Severity::Warning),
            "error" => Some(Severity::Error),
            _ => None,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A secondary location that helps explain a finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Label {
    /// Byte range in the file's text (empty when the label is in another file).
    pub span: Range<usize>,
    pub message: String,
    /// A place in another file: an imported helper or constant where it is defined.
    // Never skipped when empty: the cache's binary format is not self-describing.
    #[serde(default)]
    pub elsewhere: Option<Elsewhere>,
}

/// A place in another file of the run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Elsewhere {
    /// The file, as shown.
    pub path: String,
    /// 1-based.
    pub line: usize,
}

impl Label {
    pub fn new(span: Range<usize>, message: impl Into<String>) -> Label {
        Label {
            span,
            message: message.into(),
            elsewhere: None,
        }
    }

    /// A label at `line` of another file.
    pub fn elsewhere(path: &str, line: usize, message: impl Into<String>) -> Label {
        Label {
            span: 0..0,
            message: message.into(),
            elsewhere: Some(Elsewhere {
                path: path.to_string(),
                line,
            }),
        }
    }
}

/// What a rule produces: it knows nothing of ids, severities or suppressions. Its texts
/// never hold a URL's user name and password: they are taken out as the diagnostic is
/// built (see [`without_credentials`]), whatever the rule quoted.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Diagnostic {
    pub message: String,
    /// Byte range in the file's text that the finding points at.
    pub span: Range<usize>,
    /// Text shown under the primary span.
    pub span_label: Option<String>,
    pub labels: Vec<Label>,
    pub help: Option<String>,
    /// Edits that fix the finding where the fix is unambiguous (the language server offers
    /// them as quick fixes).
    #[serde(default)]
    pub fixes: Vec<Fix>,
}

/// A change of the file's text that fixes a finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fix {
    /// What it does, as a command: "Use `wss://`".
    pub title: String,
    /// Byte ranges of the file's text and their replacements, not overlapping.
    pub edits: Vec<(Range<usize>, String)>,
}

impl Diagnostic {
    pub fn new(message: impl Into<String>, span: Range<usize>) -> Self {
        Diagnostic {
            message: without_credentials(message.into()),
            span,
            span_label: None,
            labels: Vec::new(),
            help: None,
            fixes: Vec::new(),
        }
    }

    pub fn with_span_label(mut self, text: impl Into<String>) -> Self {
        self.span_label = Some(without_credentials(text.into()));
        self
    }

    pub fn with_label(mut self, span: Range<usize>, message: impl Into<String>) -> Self {
        self.labels
            .push(Label::new(span, without_credentials(message.into())));
        self
    }

    /// A label of a fact's trail, which may be in another file.
    pub fn with_step(mut self, step: &Label) -> Self {
        let mut step = step.clone();
        step.message = without_credentials(step.message);
        self.labels.push(step);
        self
    }

    /// Labels of a fact's trail, which may be in other files.
    pub fn with_steps<'a>(self, steps: impl IntoIterator<Item = &'a Label>) -> Self {
        steps.into_iter().fold(self, Diagnostic::with_step)
    }

    pub fn with_fix(mut self, fix: Fix) -> Self {
        self.fixes.push(fix);
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(without_credentials(help.into()));
        self
    }
}

/// `text` with byte ranges replaced; `None` when a range is not in the text, splits a
/// character or overlaps another.
pub fn apply_edits(text: &str, edits: &[(std::ops::Range<usize>, String)]) -> Option<String> {
    let mut sorted: Vec<&(std::ops::Range<usize>, String)> = edits.iter().collect();
    sorted.sort_by_key(|(span, _)| span.start);
    let mut result = String::with_capacity(text.len());
    let mut at = 0;
    for (span, replacement) in sorted {
        if span.start < at || span.end < span.start {
            return None;
        }
        result.push_str(text.get(at..span.start)?);
        text.get(span.clone())?;
        result.push_str(replacement);
        at = span.end;
    }
    result.push_str(text.get(at..)?);
    Some(result)
}

/// `text` with the user name and password of every URL in it taken out:
/// `ws://admin:secret@host/x` becomes `ws://host/x`. A URL's authority runs from its
/// `://` to the first `/`, `?`, `#`, space, quote, parenthesis or angle bracket.
pub fn without_credentials(text: String) -> String {
    if !text.contains('@') || !text.contains("://") {
        return text;
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text.as_str();
    while let Some(at) = rest.find("://") {
        let (before, after) = rest.split_at(at + 3);
        out.push_str(before);
        let end = after
            .find(|c: char| {
                matches!(
                    c,
                    '/' | '?' | '#' | '"' | '\'' | '`' | '(' | ')' | '<' | '>'
                ) || c.is_whitespace()
            })
            .unwrap_or(after.len());
        let authority = &after[..end];
        match authority.rfind('@') {
            Some(sign) => out.push_str(&authority[sign + 1..]),
            None => out.push_str(authority),
        }
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

/// A diagnostic stamped with its rule id and the configured severity.
#[derive(Debug, Clone)]
pub struct Finding {
    pub rule: &'static str,
    pub severity: Severity,
    pub diagnostic: Diagnostic,
    /// Identifies the finding across unrelated edits (baselines, SARIF
    /// `partialFingerprints`); set once the file's findings are known.
    pub fingerprint: String,
}

/// A stable 64-bit FNV-1a hash, in hex (std's hasher may change between releases).
pub fn stable_hash(parts: &[&str]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for byte in part.bytes().chain(std::iter::once(0)) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{hash:016x}")
}

#[cfg(test)]
mod tests {
    use super::{Diagnostic, without_credentials};

    #[test]
    fn credentials_are_taken_out_of_urls() {
        for (text, want) in [
            (
                "to `ws://admin:hunter2@chat.example.com/x`",
                "to `ws://chat.example.com/x`",
            ),
            ("a@b.c and https://u@h?q=1", "a@b.c and https://h?q=1"),
            (
                "\"ws://a:b@[::1]:4000\" then ftp://x@y",
                "\"ws://[::1]:4000\" then ftp://y",
            ),
            (
                "no url here: user@example.com",
                "no url here: user@example.com",
            ),
            ("https://example.com/@user", "https://example.com/@user"),
        ] {
            assert_eq!(without_credentials(text.to_string()), want);
        }
        let diagnostic = Diagnostic::new("`ws://u:p@h`", 0..1)
            .with_span_label("ws://u:p@h")
            .with_label(0..1, "ws://u:p@h")
            .with_help("ws://u:p@h");
        assert_eq!(diagnostic.message, "`ws://h`");
        assert_eq!(diagnostic.span_label.as_deref(), Some("ws://h"));
        assert_eq!(diagnostic.labels[0].message, "ws://h");
        assert_eq!(diagnostic.help.as_deref(), Some("ws://h"));
    }
}
