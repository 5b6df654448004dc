//! The two XML reports CI servers read: JUnit (Jenkins, GitLab, Azure Pipelines, CircleCI)
//! and Checkstyle (Jenkins' warnings plugin, reviewdog, Danger), in the shapes ESLint's
//! formatters of those names write.

use std::io::{self, Write};

use super::positions;
use crate::results::RunReport;

/// Text for an XML attribute or element: markup escaped, and characters XML 1.0 cannot
/// carry at all (most control characters) replaced, so no file name or message can
/// break the document or forge an element.
fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            c if (c as u32) < 0x20 || matches!(c, '\u{FFFE}' | '\u{FFFF}') => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

pub fn render_checkstyle(report: &RunReport, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, r#"<?xml version="1.0" encoding="utf-8"?>"#)?;
    writeln!(out, r#"<checkstyle version="4.3">"#)?;
    for file in &report.files {
        writeln!(out, r#"  <file name="{}">"#, xml(&file.path))?;
        for finding in &file.findings {
            let (start, _) = positions(file, &finding.diagnostic.span);
            writeln!(
                out,
                r#"    <error line="{}" column="{}" severity="{}" message="{}" source="crosswire.{}" />"#,
                start.line,
                start.column,
                finding.severity,
                xml(&format!(
                    "{} ({})",
                    finding.diagnostic.message, finding.rule
                )),
                xml(finding.rule),
            )?;
        }
        writeln!(out, "  </file>")?;
    }
    writeln!(out, "</checkstyle>")
}

pub fn render_junit(report: &RunReport, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, r#"<?xml version="1.0" encoding="utf-8"?>"#)?;
    writeln!(out, "<testsuites>")?;
    for file in &report.files {
        let count = file.findings.len();
        writeln!(
            out,
            r#"  <testsuite package="org.crosswire" time="0" tests="{}" errors="{count}" failures="0" name="{}">"#,
            count.max(1),
            xml(&file.path)
        )?;
        let classname = xml(file
            .path
            .rsplit_once('.')
            .map_or(&file.path[..], |(stem, _)| stem));
        if file.findings.is_empty() {
            writeln!(
                out,
                r#"    <testcase time="0" name="{}" classname="{classname}" />"#,
                xml(&file.path)
            )?;
        }
        for finding in &file.findings {
            let (start, _) = positions(file, &finding.diagnostic.span);
            let message = xml(&finding.diagnostic.message);
            writeln!(
                out,
                r#"    <testcase time="0" name="org.crosswire.{}" classname="{classname}"><error message="{message}">line {}, col {}, {} - {message} ({})</error></testcase>"#,
                xml(finding.rule),
                start.line,
                start.column,
                finding.severity,
                xml(finding.rule),
            )?;
        }
        writeln!(out, "  </testsuite>")?;
    }
    writeln!(out, "</testsuites>")
}

#[cfg(test)]
mod tests {
    use super::xml;

    #[test]
    fn text_cannot_break_out_of_the_document() {
        assert_eq!(
            xml("a\"><x y='1'/>&\u{1b}[31m\u{0}"),
            "a&quot;&gt;&lt;x y=&apos;1&apos;/&gt;&amp;\u{FFFD}[31m\u{FFFD}"
        );
    }
}
