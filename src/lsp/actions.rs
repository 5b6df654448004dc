//! The edits of the code actions: a `crosswire-ignore-next-line` comment above a finding's
//! line, or a `crosswire-ignore-file` comment at the top of the file (see `suppress.rs`),
//! each in the comment syntax of where it goes: `//` in scripts and script blocks,
//! `<!-- -->` in the markup of HTML, Vue, Svelte and Astro files.

use crate::diagnostic::Finding;
use crate::embedded::{self, ScriptBlock};
use crate::rules::{PARSE_ERROR, UNUSED_IGNORE};
use crate::source::{FileKind, Language};

/// Text to insert at a byte offset of the document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Insert {
    pub at: usize,
    pub text: String,
}

impl Insert {
    /// `text` with this inserted.
    pub fn apply_to(&self, text: &str) -> String {
        format!("{}{}{}", &text[..self.at], self.text, &text[self.at..])
    }
}

pub use crate::diagnostic::apply_edits;

/// Where a new line starting at `at` would be.
enum Place {
    Script,
    Markup,
    /// Inside script that lives in markup but is not a `<script>` body or frontmatter
    /// (an `on*` attribute, a template expression): no comment fits there.
    Neither,
}

fn place(kind: FileKind, text: &str, blocks: &[ScriptBlock], at: usize) -> Place {
    if matches!(kind, FileKind::Script(_)) {
        return Place::Script;
    }
    let Some(block) = blocks
        .iter()
        .find(|block| block.range.start < at && at <= block.range.end)
    else {
        return Place::Markup;
    };
    // A `<script>` body follows its tag's `>`; Astro's frontmatter follows `---`.
    let before = text[..block.range.start].trim_end();
    if block.decoded.is_none() && (before.ends_with('>') || before.ends_with("---")) {
        Place::Script
    } else {
        Place::Neither
    }
}

/// `crosswire-ignore-next-line <rule> -- ` above the line holding `offset`, indented as
/// that line is, in each way it may have to be written, most likely first: the server
/// keeps the first that silences the finding. In a script that may hold JSX, a line inside
/// JSX children needs `{/* … */}`, where `//` would be text. None where no comment can go
/// (a line that starts inside an attribute's or a template expression's script).
pub fn ignore_on_line(kind: FileKind, text: &str, offset: usize, rule: &str) -> Vec<Insert> {
    let line_start = text[..offset.min(text.len())]
        .rfind(['\n', '\r'])
        .map_or(0, |at| at + 1);
    let indent: String = text[line_start..]
        .chars()
        .take_while(|c| *c == ' ' || *c == '\t')
        .collect();
    let (blocks, _) = embedded::split(kind, text);
    let directive = format!("crosswire-ignore-next-line {rule} -- ");
    let comments = match place(kind, text, &blocks, line_start) {
        Place::Script if matches!(kind, FileKind::Script(Language::JavaScript | Language::Tsx)) => {
            vec![format!("// {directive}"), format!("{{/* {directive}*/}}")]
        }
        Place::Script => vec![format!("// {directive}")],
        Place::Markup => vec![format!("<!-- {directive} -->")],
        Place::Neither => Vec::new(),
    };
    comments
        .into_iter()
        .map(|comment| Insert {
            at: line_start,
            text: format!("{indent}{comment}{}", line_break(text)),
        })
        .collect()
}

/// Whether an edit did its work, judged by the findings of the text before and after it:
/// at most `left` findings of `rule` remain, and no new `unused-ignore` or `parse-error`
/// (a comment written where it is not a comment).
pub fn silences(before: &[Finding], after: &[Finding], rule: &str, left: usize) -> bool {
    let count = |findings: &[Finding], id: &str| findings.iter().filter(|f| f.rule == id).count();
    count(after, rule) <= left
        && count(after, UNUSED_IGNORE) <= count(before, UNUSED_IGNORE)
        && count(after, PARSE_ERROR) <= count(before, PARSE_ERROR)
}

/// `crosswire-ignore-file <rule> -- ` at the top of the file: after a `#!` line in
/// scripts, inside the frontmatter of an Astro file that has one (nothing may come
/// before it), else as a markup comment on the first line.
pub fn ignore_in_file(kind: FileKind, text: &str, rule: &str) -> Insert {
    let directive = format!("crosswire-ignore-file {rule} -- ");
    let newline = line_break(text);
    let after_first_line = || {
        text.find('\n')
            .map_or((text.len(), newline), |at| (at + 1, ""))
    };
    let (at, comment) = match kind {
        FileKind::Script(_) if text.starts_with("#!") => {
            let (at, missing) = after_first_line();
            (at, format!("{missing}// {directive}"))
        }
        FileKind::Script(_) => (0, format!("// {directive}")),
        FileKind::Astro if text.starts_with("---") => {
            let (at, missing) = after_first_line();
            (at, format!("{missing}// {directive}"))
        }
        FileKind::Html | FileKind::Vue | FileKind::Svelte | FileKind::Astro => {
            (0, format!("<!-- {directive} -->"))
        }
    };
    Insert {
        at,
        text: format!("{comment}{newline}"),
    }
}

/// The file's own line break, so that an inserted line does not mix them.
fn line_break(text: &str) -> &'static str {
    if text.contains("\r\n") { "\r\n" } else { "\n" }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::lint::Engine;

    const JS: FileKind = FileKind::Script(Language::JavaScript);

    fn apply(text: &str, insert: &Insert) -> String {
        format!(
            "{}{}{}",
            &text[..insert.at],
            insert.text,
            &text[insert.at..]
        )
    }

    fn lint(kind: FileKind, text: &str) -> Vec<Finding> {
        let engine = Engine::new(Config::defaults(".".into()));
        engine
            .lint_bytes("f".into(), text.as_bytes().to_vec(), kind)
            .findings
    }

    fn findings(kind: FileKind, text: &str) -> Vec<&'static str> {
        lint(kind, text)
            .iter()
            .map(|finding| finding.rule)
            .collect()
    }

    /// The first way of writing the line comment that silences the finding, as the server
    /// picks it.
    fn line_comment(kind: FileKind, text: &str) -> Insert {
        let before = lint(kind, text);
        let at = text.find("parent.postMessage").unwrap();
        ignore_on_line(kind, text, at, RULE)
            .into_iter()
            .find(|insert| silences(&before, &lint(kind, &apply(text, insert)), RULE, 0))
            .unwrap_or_else(|| panic!("no comment silences the finding in {text}"))
    }

    const RULE: &str = "postmessage-wildcard-origin";

    /// Each edit silences the finding it is for, and leaves no `unused-ignore`.
    fn silences_in(kind: FileKind, text: &str) {
        assert_eq!(findings(kind, text), [RULE], "{text}");
        let line = line_comment(kind, text);
        let edited = apply(text, &line);
        assert_eq!(findings(kind, &edited), Vec::<&str>::new(), "{edited}");
        let file = ignore_in_file(kind, text, RULE);
        let edited = apply(text, &file);
        assert_eq!(findings(kind, &edited), Vec::<&str>::new(), "{edited}");
    }

    #[test]
    fn ignore_comments_silence_the_finding_in_every_kind_of_file() {
        silences_in(
            JS,
            "function f(data) {\n    parent.postMessage(data, \"*\");\n}\n",
        );
        silences_in(
            JS,
            "#!/usr/bin/env node\nparent.postMessage(data, \"*\");\n",
        );
        silences_in(
            FileKind::Script(Language::Tsx),
            "export function f(data: string) {\r\n  parent.postMessage(data, \"*\");\r\n}\r\n",
        );
        silences_in(
            FileKind::Html,
            "<!DOCTYPE html>\n<script>\n  parent.postMessage(data, \"*\");\n</script>\n",
        );
        silences_in(
            FileKind::Html,
            "<p>x</p>\n<script>parent.postMessage(data, \"*\");</script>\n",
        );
        silences_in(
            FileKind::Vue,
            "<template><p>x</p></template>\n<script setup lang=\"ts\">\nparent.postMessage(data, \"*\");\n</script>\n",
        );
        silences_in(
            FileKind::Svelte,
            "<script>\n  export let data;\n  parent.postMessage(data, \"*\");\n</script>\n<p>x</p>\n",
        );
        silences_in(
            FileKind::Astro,
            "---\nconst x = 1;\n---\n<script>\n  parent.postMessage(data, \"*\");\n</script>\n",
        );
    }

    #[test]
    fn inside_jsx_children_the_line_comment_is_written_as_jsx() {
        let text = "export function App({ data }) {\n  return (\n    <div>\n      <button onClick={() => parent.postMessage(data, \"*\")}>x</button>\n    </div>\n  );\n}\n";
        for kind in [JS, FileKind::Script(Language::Tsx)] {
            silences_in(kind, text);
            assert_eq!(
                line_comment(kind, text).text,
                format!("      {{/* crosswire-ignore-next-line {RULE} -- */}}\n")
            );
        }
        // Outside JSX children, `//`.
        let text = "export const f = () => (\n  <button onClick={() => parent.postMessage(d, \"*\")} />\n);\n";
        assert_eq!(
            line_comment(JS, text).text,
            format!("  // crosswire-ignore-next-line {RULE} -- \n")
        );
    }

    #[test]
    fn edits_apply_in_order_and_bad_ones_are_refused() {
        let edits = vec![(6..8, "Z".to_string()), (0..1, "xy".to_string())];
        assert_eq!(apply_edits("abcdefgh", &edits).unwrap(), "xybcdefZ");
        assert_eq!(apply_edits("abc", &[(2..9, String::new())]), None);
        assert_eq!(apply_edits("é", &[(1..2, String::new())]), None);
        let overlapping = vec![(0..3, String::new()), (2..4, String::new())];
        assert_eq!(apply_edits("abcdef", &overlapping), None);
    }

    #[test]
    fn comments_take_the_syntax_and_indent_of_their_place() {
        let text = "<div>\n  <script>\n    parent.postMessage(d, \"*\");\n  </script>\n</div>";
        let at = text.find("parent").unwrap();
        let insert = &ignore_on_line(FileKind::Html, text, at, RULE)[0];
        assert_eq!(
            insert.text,
            "    // crosswire-ignore-next-line postmessage-wildcard-origin -- \n"
        );
        let at = text.find("<script").unwrap();
        let insert = &ignore_on_line(FileKind::Html, text, at, RULE)[0];
        assert_eq!(
            insert.text,
            "  <!-- crosswire-ignore-next-line postmessage-wildcard-origin --  -->\n"
        );
        // A line starting inside an attribute's script has no place for a comment.
        let text = "<button onclick=\"a();\n  parent.postMessage(d, '*')\">x</button>";
        let at = text.find("parent").unwrap();
        assert_eq!(ignore_on_line(FileKind::Html, text, at, RULE), []);
    }
}
