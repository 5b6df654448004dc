//! Inline suppressions: `// crosswire-ignore-next-line <rule-id>[, <rule-id>] -- <reason>`
//! and `// crosswire-ignore-file <rule-id>`. A directive that silences nothing is itself
//! reported as `unused-ignore`.

use std::collections::HashMap;
use std::ops::Range;

use crate::diagnostic::{Diagnostic, Finding, Severity};
use crate::parse::CommentText;
use crate::rules::{self, UNUSED_IGNORE};
use crate::source::LineIndex;

const NEXT_LINE: &str = "crosswire-ignore-next-line";
const FILE: &str = "crosswire-ignore-file";

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Scope {
    /// The 1-based line the directive silences.
    Line(usize),
    File,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Directive {
    /// The comment holding the directive.
    pub span: Range<usize>,
    pub scope: Scope,
    pub rules: Vec<String>,
    /// Which of `rules` silenced a finding.
    pub used: Vec<bool>,
}

/// Finds the directives among a file's comments.
pub fn parse_directives(comments: &[CommentText], lines: &LineIndex) -> Vec<Directive> {
    comments
        .iter()
        .filter_map(|comment| {
            let text = comment.text.trim_start_matches(['*', '!']).trim();
            let (scope, rest) = if let Some(rest) = text.strip_prefix(NEXT_LINE) {
                let last_line = lines.line_of(comment.span.end.saturating_sub(1));
                (Scope::Line(last_line + 1), rest)
            } else if let Some(rest) = text.strip_prefix(FILE) {
                (Scope::File, rest)
            } else {
                return None;
            };
            // `crosswire-ignore-next-lines` is not this directive.
            if rest.starts_with(|c: char| c.is_alphanumeric() || c == '-' || c == '_') {
                return None;
            }
            let names = rest.split_once("--").map_or(rest, |(names, _reason)| names);
            let rules: Vec<String> = names
                .split([',', ' ', '\t', '\n', '\r'])
                .map(|name| name.trim_end_matches("*/").trim())
                .filter(|name| !name.is_empty())
                .map(str::to_string)
                .collect();
            let used = vec![false; rules.len()];
            Some(Directive {
                span: comment.span.clone(),
                scope,
                rules,
                used,
            })
        })
        .collect()
}

/// Drops the findings that directives silence, marking the directives used.
pub fn silence(
    findings: Vec<Finding>,
    directives: &mut [Directive],
    lines: &LineIndex,
) -> Vec<Finding> {
    if directives.is_empty() {
        return findings;
    }
    // Each finding asks only the directives of its line and of the whole file: a file may
    // hold as many directives as findings.
    let mut by_line: HashMap<usize, Vec<usize>> = HashMap::new();
    let mut whole_file = Vec::new();
    for (index, directive) in directives.iter().enumerate() {
        match directive.scope {
            Scope::File => whole_file.push(index),
            Scope::Line(line) => by_line.entry(line).or_default().push(index),
        }
    }
    let mut kept = Vec::with_capacity(findings.len());
    for finding in findings {
        let line = lines.line_of(finding.diagnostic.span.start);
        let mut silenced = false;
        let on_line = by_line.get(&line).map_or(&[][..], Vec::as_slice);
        // Every applying directive marks its entries used, so the order they are asked in
        // does not matter.
        for &index in whole_file.iter().chain(on_line) {
            crate::deadline::tick();
            let directive = &mut directives[index];
            for (position, rule) in directive.rules.iter().enumerate() {
                if rule == finding.rule {
                    directive.used[position] = true;
                    silenced = true;
                }
            }
        }
        if !silenced {
            kept.push(finding);
        }
    }
    kept
}

/// Adds an `unused-ignore` finding for each directive entry that silenced nothing,
/// among the entries `judged` selects (project-level rules are judged after their pass).
pub fn report_unused(
    findings: &mut Vec<Finding>,
    directives: &[Directive],
    severity_of: impl Fn(&str) -> Severity,
    judged: impl Fn(&str) -> bool,
) {
    let unused_severity = severity_of(UNUSED_IGNORE);
    if unused_severity == Severity::Off {
        return;
    }
    for directive in directives {
        let mut report = |message: String| {
            findings.push(Finding {
                rule: UNUSED_IGNORE,
                severity: unused_severity,
                diagnostic: Diagnostic::new(message, directive.span.clone())
                    .with_span_label("this directive silences nothing")
                    .with_help("delete it, or move it to the line before the finding it is for"),
                fingerprint: String::new(),
            })
        };
        if directive.rules.is_empty() {
            if judged("") {
                report(
                    "this crosswire-ignore directive names no rule, so it silences nothing".into(),
                );
            }
            continue;
        }
        for (rule, was_used) in directive.rules.iter().zip(&directive.used) {
            if *was_used || !judged(rule) {
                continue;
            }
            match rules::find(rule) {
                None => report(format!(
                    "`{rule}` is not a crosswire rule, so this directive silences nothing ({})",
                    crate::config::suggest_rule(rule)
                )),
                Some(_) if severity_of(rule) == Severity::Off => {}
                Some(_) => report(match directive.scope {
                    Scope::Line(line) => {
                        format!("no `{rule}` finding on line {line} for this directive to silence")
                    }
                    Scope::File => {
                        format!("no `{rule}` finding in this file for this directive to silence")
                    }
                }),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn comment(text: &str, span: Range<usize>) -> CommentText {
        CommentText {
            span,
            text: text.to_string(),
            is_block: false,
        }
    }

    #[test]
    fn directives_are_parsed_with_reasons_and_lists() {
        let source = "// x\n// y\nz";
        let lines = LineIndex::new(source);
        let directives = parse_directives(
            &[
                comment(" crosswire-ignore-next-line a, b -- because", 0..4),
                comment(" crosswire-ignore-file c", 5..9),
                comment(" crosswire-ignore-next-lines a", 5..9),
                comment(" unrelated", 5..9),
            ],
            &lines,
        );
        assert_eq!(directives.len(), 2);
        assert_eq!(directives[0].scope, Scope::Line(2));
        assert_eq!(directives[0].rules, ["a", "b"]);
        assert_eq!(directives[1].scope, Scope::File);
        assert_eq!(directives[1].rules, ["c"]);
    }
}
