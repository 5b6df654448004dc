//! A clear-text `ws://` URL to a host that is not loopback.

use super::{Rule, RuleContext, WEBSOCKET_TRIGGERS};
use crate::diagnostic::Diagnostic;

pub const RULE: Rule = Rule {
    id: "websocket-insecure-url",
    doc_source: include_str!("../../rules/websocket-insecure-url.md"),
    triggers: WEBSOCKET_TRIGGERS,
    options: &[],
    check: Some(check),
    project: false,
};

fn check(context: &RuleContext, diagnostics: &mut Vec<Diagnostic>) {
    for socket in &context.facts.sockets {
        if socket.node_client {
            continue;
        }
        let Some(url) = &socket.insecure_url else {
            continue;
        };
        let secure = if url.scheme == "ws://" {
            "wss://"
        } else {
            "https://"
        };
        let mut diagnostic = Diagnostic::new(
            format!(
                "this socket connects over clear-text `{}` to `{}`: anyone on the network path \
                 can read and change every message, cookies and tokens included",
                url.scheme, url.host
            ),
            socket.construction.clone(),
        )
        .with_span_label("clear-text connection");
        for step in &url.trail {
            diagnostic = diagnostic.with_step(step);
        }
        if let Some(fix) = secure_scheme(context.text, &url.literal, url.scheme, secure) {
            diagnostic = diagnostic.with_fix(fix);
        }
        diagnostic = diagnostic
            .with_label(url.literal.clone(), format!("`{}` here", url.scheme))
            .with_help(format!(
                "use `{secure}`, or follow the page's scheme: \
                 `${{location.protocol === \"https:\" ? \"wss:\" : \"ws:\"}}//${{location.host}}/path` \
                 (CWE-319)"
            ));
        diagnostics.push(diagnostic);
    }
}

/// `ws://` → `wss://` (`http://` → `https://`) where the literal spells the scheme as it
/// is read, right after its opening quote; nothing where it is spelt otherwise (escapes,
/// a scheme split over literals).
fn secure_scheme(
    text: &str,
    literal: &std::ops::Range<usize>,
    scheme: &str,
    secure: &str,
) -> Option<crate::diagnostic::Fix> {
    let written = text.get(literal.clone())?;
    let quote = written.chars().next()?;
    let start = literal.start + quote.len_utf8();
    let spelt = text.get(start..start + scheme.len())?;
    if !matches!(quote, '"' | '\'' | '`') || !spelt.eq_ignore_ascii_case(scheme) {
        return None;
    }
    Some(crate::diagnostic::Fix {
        title: format!("Use `{secure}`"),
        edits: vec![(start..start + scheme.len(), secure.to_string())],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fix_replaces_the_scheme_only_where_it_is_spelt_plainly() {
        let fix = |code: &str| {
            let end = code.find(')').unwrap();
            secure_scheme(code, &(4..end), "ws://", "wss://").map(|fix| {
                let (span, replacement) = &fix.edits[0];
                format!("{}{replacement}{}", &code[..span.start], &code[span.end..])
            })
        };
        assert_eq!(
            fix("new(\"ws://a.example\")").unwrap(),
            "new(\"wss://a.example\")"
        );
        assert_eq!(fix("new(`WS://${h}/x`)").unwrap(), "new(`wss://${h}/x`)");
        assert_eq!(fix("new('\\x77s://a.example')"), None);
        assert_eq!(fix("new(x)"), None);
    }
}
