//! Inline suppressions, each with an optional reason after `--`:
//! - `// crosswire-ignore-next-line <rule-id>[, <rule-id>]`: the next line;
//! - `// crosswire-ignore-line <rule-id>`: the line the comment is on (after the code);
//! - `// crosswire-ignore-start <rule-id>` … `// crosswire-ignore-end`: the lines between,
//!   both included (to the end of the file when no end follows);
//! - `// crosswire-ignore-file <rule-id>`: the whole file.
//!
//! A directive that silences nothing is itself reported as `unused-ignore`, and so is a
//! comment that looks like a directive but is not one (`crosswire-disable-next-line`, a
//! misspelling), which would otherwise silence nothing without a word.

use std::collections::HashMap;
use std::ops::Range;

use crate::diagnostic::{Diagnostic, Finding, Severity};
use crate::parse::CommentText;
use crate::rules::{self, UNUSED_IGNORE};
use crate::source::LineIndex;

const NEXT_LINE: &str = "crosswire-ignore-next-line";
const SAME_LINE: &str = "crosswire-ignore-line";
const START: &str = "crosswire-ignore-start";
const END: &str = "crosswire-ignore-end";
const FILE: &str = "crosswire-ignore-file";

/// Every directive, longest first so that a prefix never shadows a longer name.
const DIRECTIVES: [&str; 5] = [NEXT_LINE, START, SAME_LINE, FILE, END];

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Scope {
    /// The 1-based line the directive silences.
    Line(usize),
    /// 1-based lines, both included (`usize::MAX`: to the end of the file).
    Lines(usize, usize),
    File,
    /// A comment that looks like a directive but is not one: reported, silences nothing.
    NotADirective {
        written: String,
        why: String,
    },
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

/// Finds the directives among a file's comments (in source order).
pub fn parse_directives(comments: &[CommentText], lines: &LineIndex) -> Vec<Directive> {
    let mut directives: Vec<Directive> = Vec::new();
    // Ranges started and not yet ended, innermost last.
    let mut open: Vec<usize> = Vec::new();
    for comment in comments {
        let text = comment.text.trim_start_matches(['*', '!']).trim();
        if !text.starts_with("crosswire-") {
            continue;
        }
        let written: &str = text
            .split(|c: char| !(c.is_alphanumeric() || c == '-' || c == '_'))
            .next()
            .unwrap_or_default();
        let rest = &text[written.len()..];
        let first_line = lines.line_of(comment.span.start);
        let last_line = lines.line_of(comment.span.end.saturating_sub(1));
        let not_a_directive = |why: String| Directive {
            span: comment.span.clone(),
            scope: Scope::NotADirective {
                written: written.to_string(),
                why,
            },
            rules: Vec::new(),
            used: Vec::new(),
        };
        let scope = match written {
            NEXT_LINE => Scope::Line(last_line + 1),
            SAME_LINE => Scope::Line(first_line),
            FILE => Scope::File,
            START => Scope::Lines(first_line, usize::MAX),
            END => {
                match open.pop() {
                    Some(index) => {
                        if let Scope::Lines(_, end) = &mut directives[index].scope {
                            *end = last_line;
                        }
                    }
                    None => directives.push(not_a_directive(format!(
                        "`{END}` ends no `{START}` before it"
                    ))),
                }
                continue;
            }
            // Only what reads like an attempt at a directive: a comment that merely
            // starts with the tool's name (`crosswire-friendly`) is prose.
            _ if !looks_like_a_directive(written) => continue,
            _ => {
                let closest = DIRECTIVES
                    .iter()
                    .map(|known| (strsim::levenshtein(written, known), *known))
                    .min()
                    .map(|(_, known)| known)
                    .unwrap_or(NEXT_LINE);
                directives.push(not_a_directive(format!(
                    "`{written}` is not a crosswire directive (did you mean `{closest}`?)"
                )));
                continue;
            }
        };
        let names = rest.split_once("--").map_or(rest, |(names, _reason)| names);
        let rules: Vec<String> = names
            .split([',', ' ', '\t', '\n', '\r'])
            .map(|name| name.trim_end_matches("*/").trim())
            .filter(|name| !name.is_empty())
            .map(str::to_string)
            .collect();
        if matches!(scope, Scope::Lines(..)) {
            open.push(directives.len());
        }
        let used = vec![false; rules.len()];
        directives.push(Directive {
            span: comment.span.clone(),
            scope,
            rules,
            used,
        });
    }
    directives
}

/// Whether a `crosswire-…` word was meant as a directive: a near miss of one, or a word
/// other linters use for theirs (`crosswire-disable-next-line`).
fn looks_like_a_directive(written: &str) -> bool {
    const WORDS: [&str; 6] = ["ignore", "disable", "enable", "suppress", "nolint", "noqa"];
    let rest = written.trim_start_matches("crosswire-");
    WORDS.iter().any(|word| rest.contains(word))
        || DIRECTIVES
            .iter()
            .any(|known| strsim::levenshtein(written, known) <= 3)
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
    let mut ranges = Vec::new();
    for (index, directive) in directives.iter().enumerate() {
        match directive.scope {
            Scope::File => whole_file.push(index),
            Scope::Line(line) => by_line.entry(line).or_default().push(index),
            Scope::Lines(..) => ranges.push(index),
            Scope::NotADirective { .. } => {}
        }
    }
    let mut kept = Vec::with_capacity(findings.len());
    for finding in findings {
        let line = lines.line_of(finding.diagnostic.span.start);
        let mut silenced = false;
        let on_line = by_line.get(&line).map_or(&[][..], Vec::as_slice);
        let in_range = ranges.iter().copied().filter(|&index| {
            matches!(directives[index].scope, Scope::Lines(start, end) if (start..=end).contains(&line))
        });
        let applying: Vec<usize> = whole_file
            .iter()
            .chain(on_line)
            .copied()
            .chain(in_range)
            .collect();
        // Every applying directive marks its entries used, so the order they are asked in
        // does not matter.
        for index in applying {
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
        if let Scope::NotADirective { why, .. } = &directive.scope {
            if judged("") {
                findings.push(Finding {
                    rule: UNUSED_IGNORE,
                    severity: unused_severity,
                    diagnostic: Diagnostic::new(
                        format!("{why}, so this comment silences nothing"),
                        directive.span.clone(),
                    )
                    .with_span_label("not a crosswire directive")
                    .with_help(format!(
                        "write one of `{NEXT_LINE}`, `{SAME_LINE}`, `{START}` … `{END}` or \
                         `{FILE}`, then the rule ids and `-- reason`"
                    )),
                    fingerprint: String::new(),
                });
            }
            continue;
        }
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
                    Scope::Lines(start, usize::MAX) => format!(
                        "no `{rule}` finding from line {start} to the end of the file for this \
                         directive to silence"
                    ),
                    Scope::Lines(start, end) => format!(
                        "no `{rule}` finding on lines {start} to {end} for this directive to \
                         silence"
                    ),
                    Scope::File | Scope::NotADirective { .. } => {
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
        assert_eq!(directives.len(), 3);
        assert_eq!(directives[0].scope, Scope::Line(2));
        assert_eq!(directives[0].rules, ["a", "b"]);
        assert_eq!(directives[1].scope, Scope::File);
        assert_eq!(directives[1].rules, ["c"]);
        // Not this directive, and said so.
        assert!(matches!(
            &directives[2].scope,
            Scope::NotADirective { written, .. } if written == "crosswire-ignore-next-lines"
        ));
    }

    #[test]
    fn same_line_and_ranges_cover_their_lines() {
        let source = "a // x\n// s\nb\nc\n// e\nd\n// s2\ne\n";
        let lines = LineIndex::new(source);
        let at = |needle: &str| {
            let start = source.find(needle).unwrap();
            start..start + needle.len()
        };
        let directives = parse_directives(
            &[
                comment(" crosswire-ignore-end", 0..0),
                comment(" crosswire-ignore-line a -- why", at("// x")),
                comment(" crosswire-ignore-start b -- why", at("// s\n")),
                comment(" crosswire-ignore-end", at("// e")),
                comment(" crosswire-ignore-start c", at("// s2")),
                comment(" crosswire-disable-next-line a", at("// s2")),
                comment(" crosswire-friendly prose", at("// s2")),
            ],
            &lines,
        );
        // An end with no start before it is reported.
        assert!(matches!(
            &directives[0].scope,
            Scope::NotADirective { why, .. } if why.contains("ends no")
        ));
        assert_eq!(directives[1].scope, Scope::Line(1));
        assert_eq!(directives[2].scope, Scope::Lines(2, 5));
        // Never ended: to the end of the file.
        assert_eq!(directives[3].scope, Scope::Lines(7, usize::MAX));
        // The disable directive is reported; prose is not.
        assert_eq!(directives.len(), 5, "{directives:?}");
        assert!(matches!(
            &directives[4].scope,
            Scope::NotADirective { why, .. } if why.contains("did you mean `crosswire-ignore-next-line`")
        ));
    }
}
