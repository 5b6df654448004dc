//! The answers to requests about a document: code actions (quick fixes, then ignore
//! comments, each offered once linting the edited text shows that it works) and hover.

use std::collections::HashMap;

use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CodeActionParams, Hover, HoverContents,
    HoverParams, MarkupContent, MarkupKind, TextEdit, WorkspaceEdit,
};

use super::actions::{self, Insert};
use super::convert::{self, Text};
use super::server::{Failure, Server};
use super::settings::ForFile;
use crate::rules::{PARSE_ERROR, UNUSED_IGNORE};

impl Server<'_> {
    /// For each finding that the range touches: its fixes, then "ignore this finding on
    /// this line" and "in this file" (once per rule and line).
    pub(super) fn code_actions(
        &mut self,
        params: CodeActionParams,
    ) -> Result<Vec<CodeActionOrCommand>, Failure> {
        let uri = params.text_document.uri;
        let wanted = params.context.only.as_ref().is_none_or(|only| {
            only.iter()
                .any(|kind| CodeActionKind::QUICKFIX.as_str().starts_with(kind.as_str()))
        });
        if !wanted {
            return Ok(Vec::new());
        }
        self.lint_if_changed(&uri)?;
        let Some(document) = self.documents.get(&uri) else {
            return Ok(Vec::new());
        };
        let (ForFile::Lint(engine), _) = self.settings.for_file(document.path.as_deref()) else {
            return Ok(Vec::new());
        };
        let text = Text {
            text: &document.text,
            lines: &document.lines,
        };
        let (start, end) = (
            text.offset(params.range.start),
            text.offset(params.range.end),
        );
        // An edit is offered only once linting the edited text shows that it works.
        let works = |edited: String, rule: &str, left: usize| {
            let edited = edited.into_bytes();
            engine
                .lint_findings(String::new(), edited, document.kind)
                .is_ok_and(|after| actions::silences(&document.findings, &after, rule, left))
        };
        let edit = |insert: Insert| {
            let at = text.position(insert.at);
            let edit = TextEdit::new(lsp_types::Range::new(at, at), insert.text);
            WorkspaceEdit::new(HashMap::from([(uri.clone(), vec![edit])]))
        };
        let mut actions = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for finding in &document.findings {
            let span = &finding.diagnostic.span;
            let touched = span.start <= end && start <= span.end;
            if !touched || [UNUSED_IGNORE, PARSE_ERROR].contains(&finding.rule) {
                continue;
            }
            let line = document.lines.line_of(span.start);
            if !seen.insert((finding.rule, line)) {
                continue;
            }
            let diagnostic = convert::diagnostic(finding, &text, &uri, &self.cwd);
            let action = |title: String, insert: Insert| {
                CodeActionOrCommand::CodeAction(CodeAction {
                    title,
                    kind: Some(CodeActionKind::QUICKFIX),
                    diagnostics: Some(vec![diagnostic.clone()]),
                    edit: Some(edit(insert)),
                    ..CodeAction::default()
                })
            };
            // Fixes first, preferred: each once linting the fixed text shows this finding
            // gone.
            let total = document
                .findings
                .iter()
                .filter(|other| other.rule == finding.rule)
                .count();
            for fix in &finding.diagnostic.fixes {
                let Some(fixed) = actions::apply_edits(&document.text, &fix.edits) else {
                    continue;
                };
                if !works(fixed, finding.rule, total - 1) {
                    continue;
                }
                let edits = fix
                    .edits
                    .iter()
                    .map(|(span, replacement)| TextEdit::new(text.range(span), replacement.clone()))
                    .collect();
                actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                    title: fix.title.clone(),
                    kind: Some(CodeActionKind::QUICKFIX),
                    diagnostics: Some(vec![diagnostic.clone()]),
                    edit: Some(WorkspaceEdit::new(HashMap::from([(uri.clone(), edits)]))),
                    is_preferred: Some(true),
                    ..CodeAction::default()
                }));
            }
            // The findings of this rule that a comment above this line leaves.
            let elsewhere = document
                .findings
                .iter()
                .filter(|other| other.rule == finding.rule)
                .filter(|other| document.lines.line_of(other.diagnostic.span.start) != line)
                .count();
            let line_comment =
                actions::ignore_on_line(document.kind, &document.text, span.start, finding.rule)
                    .into_iter()
                    .find(|insert| works(insert.apply_to(&document.text), finding.rule, elsewhere));
            if let Some(insert) = line_comment {
                actions.push(action(
                    format!("Ignore {} on this line", finding.rule),
                    insert,
                ));
            }
            let in_file = actions::ignore_in_file(document.kind, &document.text, finding.rule);
            if works(in_file.apply_to(&document.text), finding.rule, 0) {
                actions.push(action(
                    format!("Ignore {} in this file", finding.rule),
                    in_file,
                ));
            }
        }
        Ok(actions)
    }

    /// The documentation of each rule with a finding under the cursor, as `--explain`
    /// prints it.
    pub(super) fn hover(&mut self, params: HoverParams) -> Result<Option<Hover>, Failure> {
        let at = params.text_document_position_params;
        self.lint_if_changed(&at.text_document.uri)?;
        let Some(document) = self.documents.get(&at.text_document.uri) else {
            return Ok(None);
        };
        let text = Text {
            text: &document.text,
            lines: &document.lines,
        };
        let offset = text.offset(at.position);
        let mut rules: Vec<&str> = Vec::new();
        let mut span = offset..offset;
        for finding in &document.findings {
            let found = &finding.diagnostic.span;
            if found.start <= offset && offset <= found.end && !rules.contains(&finding.rule) {
                if rules.is_empty() {
                    span = found.clone();
                }
                rules.push(finding.rule);
            }
        }
        let explanations: Vec<String> = rules
            .iter()
            .filter_map(|rule| crate::rules::find(rule))
            .map(|rule| rule.doc().explanation())
            .collect();
        if explanations.is_empty() {
            return Ok(None);
        }
        Ok(Some(Hover {
            contents: HoverContents::Markup(MarkupContent {
                kind: MarkupKind::Markdown,
                value: explanations.join("\n\n---\n\n"),
            }),
            range: Some(text.range(&span)),
        }))
    }
}
