//! The edits of the code actions: a `crosswire-ignore-next-line` comment above a finding's
//! line, or a `crosswire-ignore-file` comment at the top of the file (see `suppress.rs`),
//! each in the comment syntax of where it goes: `//` in scripts and script blocks,
//! `<!-- -->` in the markup of HTML, Vue, Svelte and Astro files.

use crate::embedded::{self, ScriptBlock};
use crate::source::FileKind;

/// Text to insert at a byte offset of the document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Insert {
    pub at: usize,
    pub text: String,
}

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
/// that line is; `None` where no comment can go (a line that starts inside an attribute's
/// or a template expression's script).
pub fn ignore_on_line(kind: FileKind, text: &str, offset: usize, rule: &str) -> Option<Insert> {
    let line_start = text[..offset.min(text.len())]
        .rfind(['\n', '\r'])
        .map_or(0, |at| at + 1);
    let indent: String = text[line_start..]
        .chars()
        .take_while(|c| *c == ' ' || *c == '\t')
        .collect();
    let (blocks, _) = embedded::split(kind, text);
    let directive = format!("crosswire-ignore-next-line {rule} -- ");
    let comment = match place(kind, text, &blocks, line_start) {
        Place::Script => format!("// {directive}"),
        Place::Markup => format!("<!-- {directive} -->"),
        Place::Neither => return None,
    };
    Some(Insert {
        at: line_start,
        text: format!("{indent}{comment}{}", line_break(text)),
    })
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
    use crate::source::Language;

    const JS: FileKind = FileKind::Script(Language::JavaScript);

    fn apply(text: &str, insert: &Insert) -> String {
        format!(
            "{}{}{}",
            &text[..insert.at],
            insert.text,
            &text[insert.at..]
        )
    }

    fn findings(kind: FileKind, text: &str) -> Vec<&'static str> {
        let engine = Engine::new(Config::defaults(".".into()));
        let result = engine.lint_bytes("f".into(), text.as_bytes().to_vec(), kind);
        result.findings.iter().map(|finding| finding.rule).collect()
    }

    const RULE: &str = "postmessage-wildcard-origin";

    /// Each edit silences the finding it is for, and leaves no `unused-ignore`.
    fn silences(kind: FileKind, text: &str) {
        assert_eq!(findings(kind, text), [RULE], "{text}");
        let at = text.find("parent.postMessage").unwrap();
        let line = ignore_on_line(kind, text, at, RULE).unwrap();
        let edited = apply(text, &line);
        assert_eq!(findings(kind, &edited), Vec::<&str>::new(), "{edited}");
        let file = ignore_in_file(kind, text, RULE);
        let edited = apply(text, &file);
        assert_eq!(findings(kind, &edited), Vec::<&str>::new(), "{edited}");
    }

    #[test]
    fn ignore_comments_silence_the_finding_in_every_kind_of_file() {
        silences(
            JS,
            "function f(data) {\n    parent.postMessage(data, \"*\");\n}\n",
        );
        silences(
            JS,
            "#!/usr/bin/env node\nparent.postMessage(data, \"*\");\n",
        );
        silences(
            FileKind::Script(Language::Tsx),
            "export function f(data: string) {\r\n  parent.postMessage(data, \"*\");\r\n}\r\n",
        );
        silences(
            FileKind::Html,
            "<!DOCTYPE html>\n<script>\n  parent.postMessage(data, \"*\");\n</script>\n",
        );
        silences(
            FileKind::Html,
            "<p>x</p>\n<script>parent.postMessage(data, \"*\");</script>\n",
        );
        silences(
            FileKind::Vue,
            "<template><p>x</p></template>\n<script setup lang=\"ts\">\nparent.postMessage(data, \"*\");\n</script>\n",
        );
        silences(
            FileKind::Svelte,
            "<script>\n  export let data;\n  parent.postMessage(data, \"*\");\n</script>\n<p>x</p>\n",
        );
        silences(
            FileKind::Astro,
            "---\nconst x = 1;\n---\n<script>\n  parent.postMessage(data, \"*\");\n</script>\n",
        );
    }

    #[test]
    fn comments_take_the_syntax_and_indent_of_their_place() {
        let text = "<div>\n  <script>\n    parent.postMessage(d, \"*\");\n  </script>\n</div>";
        let at = text.find("parent").unwrap();
        let insert = ignore_on_line(FileKind::Html, text, at, RULE).unwrap();
        assert_eq!(
            insert.text,
            "    // crosswire-ignore-next-line postmessage-wildcard-origin -- \n"
        );
        let at = text.find("<script").unwrap();
        let insert = ignore_on_line(FileKind::Html, text, at, RULE).unwrap();
        assert_eq!(
            insert.text,
            "  <!-- crosswire-ignore-next-line postmessage-wildcard-origin --  -->\n"
        );
        // A line starting inside an attribute's script has no place for a comment.
        let text = "<button onclick=\"a();\n  parent.postMessage(d, '*')\">x</button>";
        let at = text.find("parent").unwrap();
        assert_eq!(ignore_on_line(FileKind::Html, text, at, RULE), None);
    }
}
