//! `postMessage(message, "*")` to another window.

use super::{Rule, RuleContext};
use crate::diagnostic::Diagnostic;
use crate::prefilter::Trigger;
use crate::semantic::{Target, WindowKind};

pub const RULE: Rule = Rule {
    id: "postmessage-wildcard-origin",
    doc_source: include_str!("../../rules/postmessage-wildcard-origin.md"),
    // Pages with frames too: a page's markup may show that the frame a script posts to
    // is sandboxed (`crate::project::drop_sandboxed_frame_wildcards`).
    triggers: &[
        Trigger::word("postMessage"),
        Trigger::in_markup("<iframe"),
        Trigger::in_markup("<frame"),
    ],
    options: &[],
    check: Some(check),
    project: false,
};

fn check(context: &RuleContext, diagnostics: &mut Vec<Diagnostic>) {
    for call in &context.facts.post_messages {
        let Some(wildcard) = &call.wildcard_origin else {
            continue;
        };
        let (receiver, fix) = match &call.target {
            Target::CurrentWindow | Target::NotAWindow(_) => continue,
            Target::OtherWindow(kind) => (kind.describe(), fix_for(*kind)),
            // Only Window.postMessage takes a target origin, so the receiver is a window.
            Target::Unknown => ("another window", GENERIC_FIX),
        };
        let callee = snippet(context.text, call.callee_span.clone());
        let mut diagnostic = Diagnostic::new(
            format!(
                "`{callee}` uses target origin \"*\": any site loaded in {receiver} can read \
                 the message"
            ),
            call.callee_span.clone(),
        )
        .with_span_label("posts to any origin");
        let literal_label = if wildcard.trail.is_empty() {
            if call.origin_in_options {
                "`targetOrigin: \"*\"` matches every origin"
            } else {
                "\"*\" matches every origin"
            }
        } else {
            "the \"*\" comes from here"
        };
        for step in &wildcard.trail {
            diagnostic = diagnostic.with_step(step);
        }
        // A step that already points at the literal says where the "*" is.
        if !wildcard
            .trail
            .iter()
            .any(|step| step.span == wildcard.literal)
        {
            diagnostic = diagnostic.with_label(wildcard.literal.clone(), literal_label);
        }
        if let Some(fix) = exact_origin(context, call, wildcard) {
            diagnostic = diagnostic.with_fix(fix);
        }
        diagnostic = diagnostic.with_help(format!(
            "pass the receiver's exact origin instead of \"*\": {fix} \
                 (CWE-345, CWE-201: the message can be read by an unintended origin)"
        ));
        diagnostics.push(diagnostic);
    }
}

/// `"*"` → the origin the receiving window was opened or framed with, where the file tells
/// it (see `Bindings::window_origin`) and the `"*"` is a plain string literal written in
/// this call: one that comes from a constant or an options object declared elsewhere may
/// serve other calls too.
fn exact_origin(
    context: &RuleContext,
    call: &crate::semantic::PostMessageCall,
    wildcard: &crate::semantic::WildcardOrigin,
) -> Option<crate::diagnostic::Fix> {
    let text = context.text;
    // A frame found by its id: the one frame of this file's markup with that id, whose
    // `src` is a static absolute URL (and the origin of any `src` the code assigns).
    let in_markup = match &call.frame_id {
        Some(id) => {
            let mut frames = context
                .facts
                .page
                .frame_elements
                .iter()
                .filter(|frame| &frame.id == id);
            match (frames.next(), frames.next()) {
                (Some(frame), None) => {
                    Some(crate::semantic::values::origin_of(frame.src.as_deref()?)?)
                }
                _ => None,
            }
        }
        None => None,
    };
    let origin = match (wildcard.known_origin.as_deref(), in_markup.as_deref()) {
        (Some(assigned), Some(written)) if assigned != written => return None,
        (Some(origin), _) | (None, Some(origin)) => origin,
        (None, None) => return None,
    };
    let literal = &wildcard.literal;
    if !wildcard.trail.is_empty() || literal.start < call.span.start || call.span.end < literal.end
    {
        return None;
    }
    let quote = match text.get(literal.clone())? {
        "\"*\"" => '"',
        "'*'" => '\'',
        "`*`" => '`',
        _ => return None,
    };
    Some(crate::diagnostic::Fix {
        title: format!("Post to `{origin}`"),
        edits: vec![(literal.clone(), format!("{quote}{origin}{quote}"))],
    })
}

const GENERIC_FIX: &str = "the origin of the page you expect in that window, e.g. \
    `new URL(iframe.src).origin` for a frame or a configured constant such as \
    `\"https://app.example.com\"`";

fn fix_for(kind: WindowKind) -> &'static str {
    match kind {
        WindowKind::IframeContent | WindowKind::Frame => {
            "for a frame you embedded, `new URL(iframe.src).origin`"
        }
        WindowKind::Popup => "for a window you opened, `new URL(url).origin` of the URL you opened",
        WindowKind::EventSource => {
            "to reply to a message, `event.origin` after checking it against your allowlist"
        }
        WindowKind::Parent | WindowKind::Top | WindowKind::Opener => {
            "the embedding page's origin, e.g. a configured constant such as \
             `\"https://app.example.com\"` (or `event.origin` of a message you checked)"
        }
    }
}

/// Source text for a message, kept to one short line.
fn snippet(text: &str, span: std::ops::Range<usize>) -> String {
    let raw = text.get(span).unwrap_or("postMessage");
    let flat: String = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() > 60 {
        let tail: String = flat
            .chars()
            .rev()
            .take(48)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        format!("…{tail}")
    } else {
        flat
    }
}
