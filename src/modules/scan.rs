//! Every string a script's text could hold, read without parsing it: a superset of the
//! module specifiers a parse would find (`import`, `export … from`, `require("…")`,
//! `import("…")`, `import x = require("…")`, whose specifiers are all string literals or
//! templates without substitutions).
//!
//! A quote is a *boundary* unless an odd run of backslashes precedes it: inside a
//! literal such a quote is escaped, and outside one no literal can open there (a
//! backslash outside literals, regular expressions, templates and comments only starts
//! an identifier's `\u` escape, and none of those end in a backslash). So a literal's
//! opening and closing quotes are boundaries with no boundary of its kind between them,
//! and the text between every two neighbouring boundaries of one kind, decoded, holds
//! every literal's value, whether each boundary opens a string, closes one, or sits in a
//! comment, a regular expression or JSX text. The candidates are at most three times the
//! text, and the scan never gives up on a script.

/// The strings of `text` that may be module specifiers: every specifier a parse of
/// `text` as a script finds is among them. In markup, whose code HTML may decode first
/// (an event-handler attribute, an `<iframe srcdoc>` document and what it nests, an SVG
/// script), also every string of each decoding. `None` for markup with a NUL, which
/// HTML replaces before the code is parsed, or with a `javascript:` URL and a `%`.
pub fn specifier_candidates(text: &[u8], markup: bool) -> Option<Vec<String>> {
    if !markup {
        return Some(strings_of(text));
    }
    // A `javascript:` URL's code is percent-decoded before it runs.
    const JAVASCRIPT_URL: &[u8] = b"javascript:";
    let percent_decoded = memchr::memchr(b'%', text).is_some()
        && text
            .windows(JAVASCRIPT_URL.len())
            .any(|window| window.eq_ignore_ascii_case(JAVASCRIPT_URL));
    if memchr::memchr(0, text).is_some() || percent_decoded {
        return None;
    }
    let mut candidates = strings_of(text);
    let mut level: Option<Vec<u8>> = None;
    for _ in 0..=crate::embedded::MAX_SRCDOC_DEPTH {
        let current = level.as_deref().unwrap_or(text);
        if let Some(as_text) = crate::decode::html_text_references(current) {
            candidates.extend(strings_of(&as_text.bytes));
        }
        let Some(as_attribute) = crate::decode::html_references(current) else {
            break;
        };
        candidates.extend(strings_of(&as_attribute.bytes));
        level = Some(as_attribute.bytes);
    }
    candidates.sort_unstable();
    candidates.dedup();
    Some(candidates)
}

/// Every string between two neighbouring quote boundaries of one kind, decoded: the
/// candidates of a script's code as the parser reads it.
pub fn strings_of(text: &[u8]) -> Vec<String> {
    let mut candidates = Vec::new();
    for quote in [b'"', b'\'', b'`'] {
        let boundaries: Vec<usize> = memchr::memchr_iter(quote, text)
            .filter(|&at| {
                text[..at]
                    .iter()
                    .rev()
                    .take_while(|&&byte| byte == b'\\')
                    .count()
                    % 2
                    == 0
            })
            .collect();
        for pair in boundaries.windows(2) {
            let raw = &text[pair[0] + 1..pair[1]];
            if raw.is_empty() {
                continue;
            }
            let decoded = if memchr::memchr(b'\\', raw).is_some() {
                // An invalid escape: no string literal spans this candidate.
                let Some(decoded) = decode(raw) else {
                    continue;
                };
                decoded
            } else {
                String::from_utf8_lossy(raw).into_owned()
            };
            // A template's text reads its line ends as `\n`, `\r\n` included.
            if quote == b'`' && decoded.contains('\r') {
                candidates.push(decoded.replace("\r\n", "\n").replace('\r', "\n"));
            }
            candidates.push(decoded);
        }
    }
    candidates.sort_unstable();
    candidates.dedup();
    candidates
}

/// The value of a string literal's text, escapes decoded as JavaScript does; `None` when
/// an escape is invalid in a string literal (the candidate is then no literal at all).
fn decode(raw: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(raw);
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    let hex = |chars: &mut std::iter::Peekable<std::str::Chars>, count: usize| -> Option<u32> {
        let mut value = 0u32;
        for _ in 0..count {
            value = value * 16 + chars.next()?.to_digit(16)?;
        }
        Some(value)
    };
    while let Some(char) = chars.next() {
        if char != '\\' {
            out.push(char);
            continue;
        }
        let escaped = chars.next()?;
        match escaped {
            'n' => out.push('\n'),
            'r' => out.push('\r'),
            't' => out.push('\t'),
            'b' => out.push('\u{8}'),
            'f' => out.push('\u{c}'),
            'v' => out.push('\u{b}'),
            // Line continuations add nothing.
            '\n' | '\u{2028}' | '\u{2029}' => {}
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
            }
            'x' => out.push(char::from(hex(&mut chars, 2)? as u8)),
            'u' => {
                let value = if chars.peek() == Some(&'{') {
                    chars.next();
                    let mut value = 0u32;
                    let mut digits = 0;
                    loop {
                        let next = chars.next()?;
                        if next == '}' {
                            break;
                        }
                        value = value.checked_mul(16)?.checked_add(next.to_digit(16)?)?;
                        digits += 1;
                    }
                    if digits == 0 {
                        return None;
                    }
                    value
                } else {
                    hex(&mut chars, 4)?
                };
                // A lone surrogate has no `char`: swc's lossy reading makes it U+FFFD.
                out.push(char::from_u32(value).unwrap_or(char::REPLACEMENT_CHARACTER));
            }
            // Legacy octal: up to three digits, at most 0o377.
            '0'..='7' => {
                let mut value = escaped.to_digit(8)?;
                let most = if escaped <= '3' { 2 } else { 1 };
                for _ in 0..most {
                    match chars.peek().and_then(|next| next.to_digit(8)) {
                        Some(digit) => {
                            value = value * 8 + digit;
                            chars.next();
                        }
                        None => break,
                    }
                }
                out.push(char::from(value as u8));
            }
            other => out.push(other),
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn has(text: &str, specifier: &str) -> bool {
        holds(text, specifier, false)
    }

    fn markup_has(text: &str, specifier: &str) -> bool {
        holds(text, specifier, true)
    }

    fn holds(text: &str, specifier: &str, markup: bool) -> bool {
        specifier_candidates(text.as_bytes(), markup)
            .unwrap()
            .iter()
            .any(|candidate| candidate == specifier)
    }

    #[test]
    fn every_literal_is_a_candidate_whatever_precedes_it() {
        assert!(has("import a from './a.js'", "./a.js"));
        assert!(has("// don't\nimport a from \"./a\"", "./a"));
        assert!(has("const r = /'/; require('./b')", "./b"));
        assert!(has("<p>it's</p>; import('./c')", "./c"));
        assert!(has("import(`./d`)", "./d"));
        assert!(has(r"import x from './a\'b'", "./a'b"));
        assert!(has(
            r#"import x from "./a\\"; require('./c\\\'d')"#,
            "./a\\"
        ));
        assert!(has(
            r#"import x from "./a\\"; require('./c\\\'d')"#,
            "./c\\'d"
        ));
    }

    #[test]
    fn markup_is_scanned_as_html_decodes_it() {
        // An event handler's attribute is decoded before its code runs.
        assert!(markup_has("<a onclick=\"import(&quot;./x&quot;)\">", "./x"));
        assert!(markup_has(
            "<button onclick=\"a && import('./&#x79;.js')\">",
            "./y.js"
        ));
        // A legacy reference before `=` stays as written in an attribute, not in text.
        assert!(markup_has(
            "<svg><script>import('./a&amp=b')</script></svg>",
            "./a&=b"
        ));
        assert!(markup_has(
            "<svg><script>import('./a&amp=b')</script></svg>",
            "./a&amp=b"
        ));
        // An `<iframe srcdoc>` nests a document, decoded once more at each level.
        assert!(markup_has(
            "<iframe srcdoc=\"<script>import(&amp;quot;./z&amp;quot;)</script>\">",
            "./z"
        ));
        assert!(specifier_candidates(b"<p>\0</p>", true).is_none());
        assert!(specifier_candidates(b"<a href=\"javascript:import('%2e/x')\">", true).is_none());
    }

    #[test]
    fn escapes_are_decoded() {
        assert!(has(r#"require("./a\/b")"#, "./a/b"));
        assert!(has(r#"require("./\x61")"#, "./a"));
        assert!(has(r#"require("./\u0061\u{62}")"#, "./ab"));
        assert!(has(r#"require("./\141")"#, "./a"));
        assert!(has("require(\"./a\\\nb\")", "./ab"));
        // Not a literal: a regular expression between two literals.
        assert!(has(r#"f("x") && /\xZZ/.test(y) && require("./c")"#, "./c"));
    }
}
