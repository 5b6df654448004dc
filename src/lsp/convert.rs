//! Positions, URIs and findings as the protocol spells them. Positions count UTF-16 code
//! units, the encoding every client supports; crosswire's spans are byte offsets.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use lsp_types::{
    CodeDescription, DiagnosticRelatedInformation, DiagnosticSeverity, DiagnosticTag, Location,
    NumberOrString, Position, Range, Uri,
};
use percent_encoding::{AsciiSet, CONTROLS, percent_decode_str, utf8_percent_encode};

use crate::diagnostic::{Finding, Severity};
use crate::rules::{UNUSED_IGNORE, doc_url};
use crate::source::{LineIndex, ceil_char_boundary, floor_char_boundary};

/// A document's text with its lines, for converting offsets both ways.
pub struct Text<'a> {
    pub text: &'a str,
    pub lines: &'a LineIndex,
}

impl Text<'_> {
    /// The protocol position of a byte offset (clamped to the text).
    pub fn position(&self, offset: usize) -> Position {
        let offset = floor_char_boundary(self.text, offset.min(self.text.len()));
        let line = self.lines.line_of(offset);
        let start = self.lines.line_range(self.text, line).start.min(offset);
        let character = self.text[start..offset].encode_utf16().count();
        Position::new(line as u32 - 1, character as u32)
    }

    pub fn range(&self, span: &std::ops::Range<usize>) -> Range {
        Range::new(
            self.position(span.start),
            self.position(span.end.max(span.start)),
        )
    }

    /// The byte offset of a protocol position; past the end of a line, the line's end,
    /// and past the last line, the end of the text.
    pub fn offset(&self, position: Position) -> usize {
        let line = position.line as usize + 1;
        if line > self.lines.line_count() {
            return self.text.len();
        }
        let range = self.lines.line_range(self.text, line);
        let mut units = 0;
        for (at, character) in self.text[range.clone()].char_indices() {
            if units >= position.character as usize {
                return ceil_char_boundary(self.text, range.start + at);
            }
            units += character.len_utf16();
        }
        range.end
    }
}

/// The path of a `file:` URI, or `None` for other schemes (unsaved buffers).
pub fn path_of(uri: &Uri) -> Option<PathBuf> {
    let rest = uri.as_str().strip_prefix("file://")?;
    // `file:///path` (empty authority) or `file://localhost/path`.
    let path = &rest[rest.find('/')?..];
    let path = path.split(['?', '#']).next().unwrap_or(path);
    let decoded = percent_decode_str(path).decode_utf8().ok()?;
    // `file:///C:/x` names `C:/x` on Windows.
    let decoded = match decoded.as_bytes() {
        [b'/', drive, b':', ..] if cfg!(windows) && drive.is_ascii_alphabetic() => &decoded[1..],
        _ => &decoded,
    };
    Some(PathBuf::from(decoded))
}

/// What a path segment of a URI must escape.
const SEGMENT: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'[')
    .add(b'\\')
    .add(b']')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}');

/// The `file:` URI of an absolute path.
pub fn uri_of(path: &Path) -> Option<Uri> {
    let text = path.to_str()?.replace('\\', "/");
    let text = if text.starts_with('/') {
        text
    } else {
        format!("/{text}")
    };
    let encoded: String = utf8_percent_encode(&text, SEGMENT).collect();
    Uri::from_str(&format!("file://{encoded}")).ok()
}

/// A finding as a protocol diagnostic. `uri` is the document's; labels in other files
/// are resolved against `cwd`, the folder their paths are shown from.
pub fn diagnostic(finding: &Finding, text: &Text, uri: &Uri, cwd: &Path) -> lsp_types::Diagnostic {
    let found = &finding.diagnostic;
    let mut message = found.message.clone();
    if let Some(help) = &found.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    let unused = finding.rule == UNUSED_IGNORE;
    let severity = match finding.severity {
        _ if unused => DiagnosticSeverity::HINT,
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning | Severity::Off => DiagnosticSeverity::WARNING,
    };
    let related: Vec<DiagnosticRelatedInformation> = found
        .labels
        .iter()
        .filter_map(|label| {
            let location = match &label.elsewhere {
                Some(elsewhere) => {
                    let line = elsewhere.line.saturating_sub(1) as u32;
                    Location::new(
                        uri_of(&cwd.join(&elsewhere.path))?,
                        Range::new(Position::new(line, 0), Position::new(line, 0)),
                    )
                }
                None => Location::new(uri.clone(), text.range(&label.span)),
            };
            Some(DiagnosticRelatedInformation {
                location,
                message: label.message.clone(),
            })
        })
        .collect();
    lsp_types::Diagnostic {
        range: text.range(&found.span),
        severity: Some(severity),
        code: Some(NumberOrString::String(finding.rule.to_string())),
        code_description: Uri::from_str(&doc_url(finding.rule))
            .ok()
            .map(|href| CodeDescription { href }),
        source: Some("crosswire".to_string()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        tags: unused.then(|| vec![DiagnosticTag::UNNECESSARY]),
        data: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_utf16_units_both_ways() {
        let text = "a\r\nx = \"🦀é\"; y\nlast";
        let lines = LineIndex::new(text);
        let text = Text {
            text,
            lines: &lines,
        };
        let y = text.text.find('y').unwrap();
        // `x = "` is 5 units, the crab 2, `é` 1, `"; ` 3.
        assert_eq!(text.position(y), Position::new(1, 11));
        assert_eq!(text.offset(Position::new(1, 11)), y);
        assert_eq!(text.offset(Position::new(0, 0)), 0);
        // Past a line's end: the end of the line, before its break.
        assert_eq!(text.offset(Position::new(0, 40)), 1);
        assert_eq!(text.offset(Position::new(9, 0)), text.text.len());
        assert_eq!(text.position(text.text.len()), Position::new(2, 4));
    }

    #[test]
    fn labels_become_related_information_in_this_file_and_others() {
        use crate::diagnostic::{Diagnostic, Label};
        let source = "import { post } from './post.js';\npost(data);\n";
        let lines = LineIndex::new(source);
        let text = Text {
            text: source,
            lines: &lines,
        };
        let call = source.find("post(data)").unwrap();
        let finding = Finding {
            rule: "postmessage-wildcard-origin",
            severity: Severity::Warning,
            diagnostic: Diagnostic::new("posts to any origin", call..call + 10)
                .with_label(9..13, "imported here")
                .with_step(&Label::elsewhere("src/post.js", 3, "sends with \"*\""))
                .with_help("name the origin"),
            fingerprint: String::new(),
        };
        let uri = Uri::from_str("file:///p/src/app.js").unwrap();
        let diagnostic = diagnostic(&finding, &text, &uri, Path::new("/p"));
        assert_eq!(diagnostic.severity, Some(DiagnosticSeverity::WARNING));
        assert_eq!(
            diagnostic.message,
            "posts to any origin\nhelp: name the origin"
        );
        assert_eq!(
            diagnostic.range,
            Range::new(Position::new(1, 0), Position::new(1, 10))
        );
        let related = diagnostic.related_information.unwrap();
        assert_eq!(related.len(), 2);
        assert_eq!(related[0].location.uri, uri);
        assert_eq!(
            related[0].location.range,
            Range::new(Position::new(0, 9), Position::new(0, 13))
        );
        assert_eq!(related[0].message, "imported here");
        assert_eq!(related[1].location.uri.as_str(), "file:///p/src/post.js");
        assert_eq!(related[1].location.range.start, Position::new(2, 0));
        assert_eq!(diagnostic.tags, None);
    }

    #[test]
    fn file_uris_and_paths_round_trip() {
        let path = Path::new("/srv/my app/#1/é.js");
        let uri = uri_of(path).unwrap();
        assert_eq!(uri.as_str(), "file:///srv/my%20app/%231/%C3%A9.js");
        assert_eq!(path_of(&uri).unwrap(), path);
        let vscode = Uri::from_str("file:///srv/my%20app/a.vue").unwrap();
        assert_eq!(path_of(&vscode).unwrap(), Path::new("/srv/my app/a.vue"));
        assert_eq!(
            path_of(&Uri::from_str("untitled:Untitled-1").unwrap()),
            None
        );
    }
}
