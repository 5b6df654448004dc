//! Text from the scanned tree (file names, code quoted in messages) reaches terminals and
//! CI logs. A line break in it could forge a GitHub workflow command, an escape sequence
//! could drive the terminal, and a bidi control could reorder what a reviewer reads
//! (Trojan Source). Everything printed for people or CI passes through here.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::io;

/// Characters a terminal or log viewer acts on instead of showing: C0 (line breaks and
/// tabs included), DEL, C1, the Unicode line and paragraph separators, and the bidi
/// marks, embeddings, overrides and isolates.
pub fn is_unsafe_for_terminal(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061C}'
                | '\u{200E}'
                | '\u{200F}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{202A}'..='\u{202E}'
                | '\u{2066}'..='\u{2069}'
        )
}

/// `text` with every character of [`is_unsafe_for_terminal`] written as a visible escape:
/// `\n`, `\r`, `\t`, or `\u{hex}`. Text without any comes back borrowed.
pub fn escape_for_terminal(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe_for_terminal) {
        return Cow::Borrowed(text);
    }
    let mut escaped = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' => escaped.push_str("\\n"),
            '\r' => escaped.push_str("\\r"),
            '\t' => escaped.push_str("\\t"),
            c if is_unsafe_for_terminal(c) => {
                let _ = write!(escaped, "\\u{{{:x}}}", u32::from(c));
            }
            c => escaped.push(c),
        }
    }
    Cow::Owned(escaped)
}

/// serde_json's pretty formatter, except that DEL, C1 and the bidi controls in strings are
/// written as `\uXXXX` too (serde_json already does so for C0). The JSON means the same
/// strings; printed to a terminal, it cannot act on it.
pub struct TerminalSafeJson<'a>(pub serde_json::ser::PrettyFormatter<'a>);

impl TerminalSafeJson<'_> {
    pub fn new() -> Self {
        TerminalSafeJson(serde_json::ser::PrettyFormatter::new())
    }
}

impl serde_json::ser::Formatter for TerminalSafeJson<'_> {
    fn write_string_fragment<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        let mut rest = fragment;
        while let Some((at, c)) = rest
            .char_indices()
            .find(|&(_, c)| is_unsafe_for_terminal(c))
        {
            writer.write_all(&rest.as_bytes()[..at])?;
            // Every such character is in the Basic Multilingual Plane: one `\uXXXX`.
            write!(writer, "\\u{:04x}", u32::from(c))?;
            rest = &rest[at + c.len_utf8()..];
        }
        writer.write_all(rest.as_bytes())
    }

    // The pretty layout is the inner formatter's.
    fn begin_array<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.begin_array(writer)
    }
    fn end_array<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.end_array(writer)
    }
    fn begin_array_value<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.0.begin_array_value(writer, first)
    }
    fn end_array_value<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.end_array_value(writer)
    }
    fn begin_object<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.begin_object(writer)
    }
    fn end_object<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.end_object(writer)
    }
    fn begin_object_key<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.0.begin_object_key(writer, first)
    }
    fn begin_object_value<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.begin_object_value(writer)
    }
    fn end_object_value<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.0.end_object_value(writer)
    }
}

/// `value` as pretty JSON text through [`TerminalSafeJson`].
pub fn json_text<T: serde::Serialize>(value: &T) -> io::Result<String> {
    let mut out = Vec::new();
    write_json(&mut out, value)?;
    String::from_utf8(out).map_err(io::Error::other)
}

/// Writes `value` as pretty JSON through [`TerminalSafeJson`].
pub fn write_json<T: serde::Serialize>(out: &mut dyn io::Write, value: &T) -> io::Result<()> {
    let mut serializer = serde_json::Serializer::with_formatter(out, TerminalSafeJson::new());
    value.serialize(&mut serializer).map_err(io::Error::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_controls_and_bidi_and_keeps_the_rest() {
        assert_eq!(
            escape_for_terminal("a\n::error::b\u{1b}[2J\u{9b}\u{202E}\u{2066}\u{7f}\té"),
            "a\\n::error::b\\u{1b}[2J\\u{9b}\\u{202e}\\u{2066}\\u{7f}\\té"
        );
        assert!(matches!(
            escape_for_terminal("plain é 漢字"),
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn json_strings_read_back_exactly_with_no_raw_control() {
        let text = "a\u{1b}b\u{85}c\u{202E}d\u{7f}e\u{2029}\"\\é";
        let mut out = Vec::new();
        write_json(&mut out, &serde_json::json!({ "path": text })).unwrap();
        let printed = String::from_utf8(out).unwrap();
        assert!(
            !printed
                .chars()
                .any(|c| is_unsafe_for_terminal(c) && c != '\n')
        );
        let back: serde_json::Value = serde_json::from_str(&printed).unwrap();
        assert_eq!(back["path"], text);
    }
}
