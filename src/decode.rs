//! Text as the browser or the parser reads it, with a way back to the bytes as written.
//!
//! An event-handler attribute's code is the attribute value after HTML decodes its
//! character references and normalises its line breaks and NULs, and a JavaScript
//! identifier or string means what its escapes spell. The parser and the rules read
//! the decoded text; findings and byte searches must still point at the file, so every
//! decoding here keeps an [`OffsetMap`] from decoded offsets to written ones.

use std::ops::{Deref, Range};

/// Where each stretch of decoded text was written. Between replacements the two texts
/// are the same byte for byte.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OffsetMap {
    /// Ascending and apart: each decoded unit (a character reference, an escape, a
    /// CRLF) and the bytes it was written as.
    replacements: Vec<Replacement>,
    /// Added to every offset after the replacements: where the written text starts in
    /// the text it was taken from.
    offset: usize,
    /// When what this map calls written was itself decoded: the map of that decoding.
    outer: Option<Box<OffsetMap>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Replacement {
    decoded: Range<usize>,
    written: Range<usize>,
}

impl OffsetMap {
    /// The map of text taken as it is from `offset` on.
    pub fn starting_at(offset: usize) -> OffsetMap {
        OffsetMap {
            offset,
            ..OffsetMap::default()
        }
    }

    /// This map, then `outer`: for text decoded from text that was itself decoded.
    pub fn then(mut self, outer: Option<OffsetMap>) -> OffsetMap {
        let Some(outer) = outer else {
            return self;
        };
        let mut last = &mut self;
        while last.outer.is_some() {
            last = last.outer.as_mut().expect("checked");
        }
        last.outer = Some(Box::new(outer));
        self
    }

    /// This map, then a shift by `offset`: for text taken from `offset` on.
    pub fn shifted(self, offset: usize) -> OffsetMap {
        self.then(Some(OffsetMap::starting_at(offset)))
    }

    /// Where the decoded byte at `decoded` was written: a unit's bytes all map to
    /// where the unit starts.
    pub fn start(&self, decoded: usize) -> usize {
        let written = self.own_start(decoded) + self.offset;
        self.outer
            .as_ref()
            .map_or(written, |outer| outer.start(written))
    }

    /// Where a decoded range that ends at `decoded` ends in the written text: a range
    /// ending inside a unit takes the whole unit.
    pub fn end(&self, decoded: usize) -> usize {
        let written = self.own_end(decoded) + self.offset;
        self.outer
            .as_ref()
            .map_or(written, |outer| outer.end(written))
    }

    fn own_start(&self, decoded: usize) -> usize {
        let after = self
            .replacements
            .partition_point(|replacement| replacement.decoded.start <= decoded);
        let Some(replacement) = after.checked_sub(1).map(|at| &self.replacements[at]) else {
            return decoded;
        };
        if decoded < replacement.decoded.end {
            return replacement.written.start;
        }
        replacement.written.end + (decoded - replacement.decoded.end)
    }

    fn own_end(&self, decoded: usize) -> usize {
        let after = self
            .replacements
            .partition_point(|replacement| replacement.decoded.start < decoded);
        let Some(replacement) = after.checked_sub(1).map(|at| &self.replacements[at]) else {
            return decoded;
        };
        if decoded <= replacement.decoded.end {
            return replacement.written.end;
        }
        replacement.written.end + (decoded - replacement.decoded.end)
    }

    pub fn range(&self, decoded: Range<usize>) -> Range<usize> {
        let start = self.start(decoded.start);
        start..self.end(decoded.end).max(start)
    }
}

/// Decoded text and where it was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    pub text: String,
    pub map: OffsetMap,
}

impl Deref for Decoded {
    type Target = str;

    fn deref(&self) -> &str {
        &self.text
    }
}

/// Decoded bytes (which need not be UTF-8: byte searches run on files as read) and
/// where they were written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodedBytes {
    pub bytes: Vec<u8>,
    pub map: OffsetMap,
}

/// Builds a decoded copy of `written` as units are replaced, copying what lies between.
struct Builder<'a> {
    written: &'a [u8],
    copied_up_to: usize,
    decoded: DecodedBytes,
    /// Whether offsets are wanted: a search that only asks whether a needle is there
    /// needs none, and a dense file has hundreds of thousands of escapes.
    mapped: bool,
    replaced: bool,
}

impl<'a> Builder<'a> {
    fn new(written: &'a [u8]) -> Self {
        Builder {
            written,
            copied_up_to: 0,
            decoded: DecodedBytes {
                bytes: Vec::new(),
                map: OffsetMap::default(),
            },
            mapped: true,
            replaced: false,
        }
    }

    fn unmapped(written: &'a [u8]) -> Self {
        Builder {
            mapped: false,
            ..Builder::new(written)
        }
    }

    fn replace(&mut self, unit: Range<usize>, with: &[u8]) {
        if self.decoded.bytes.is_empty() {
            self.decoded.bytes.reserve(self.written.len());
        }
        self.decoded
            .bytes
            .extend_from_slice(&self.written[self.copied_up_to..unit.start]);
        let start = self.decoded.bytes.len();
        self.decoded.bytes.extend_from_slice(with);
        if self.mapped {
            self.decoded.map.replacements.push(Replacement {
                decoded: start..self.decoded.bytes.len(),
                written: unit.clone(),
            });
        }
        self.replaced = true;
        self.copied_up_to = unit.end;
    }

    fn finish(mut self) -> Option<DecodedBytes> {
        if !self.replaced {
            return None;
        }
        self.decoded
            .bytes
            .extend_from_slice(&self.written[self.copied_up_to..]);
        Some(self.decoded)
    }
}

/// An attribute value as HTML reads it (the "character reference" states of the
/// tokenizer in an attribute, and the input stream's CR and NUL handling), or `None`
/// when it reads as written.
pub fn html_attribute(written: &str) -> Option<Decoded> {
    let decoded = references(Builder::new(written.as_bytes()), true)?;
    // Units are cut at ASCII bytes and replaced by whole characters.
    let text = String::from_utf8(decoded.bytes)
        .unwrap_or_else(|error| String::from_utf8_lossy(error.as_bytes()).into_owned());
    Some(Decoded {
        text,
        map: decoded.map,
    })
}

/// [`html_attribute`] on bytes, without offsets: what the prefilter searches in a markup
/// file, where an event-handler attribute may spell its code with character references.
pub fn html_references(bytes: &[u8]) -> Option<DecodedBytes> {
    references(Builder::unmapped(bytes), true)
}

/// Character references decoded as in text rather than in an attribute (where a legacy
/// reference followed by `=` or a letter stays as written), without offsets.
pub fn html_text_references(bytes: &[u8]) -> Option<DecodedBytes> {
    references(Builder::unmapped(bytes), false)
}

/// The text of an SVG or MathML `<script>` as the browser reads it: there a script's
/// text is not raw, so character references are decoded (as in text, not in an
/// attribute), except inside `<![CDATA[ … ]]>` sections, whose markers are dropped.
/// `None` when it reads as written.
pub fn foreign_script(written: &str) -> Option<Decoded> {
    const OPEN: &str = "<![CDATA[";
    const CLOSE: &str = "]]>";
    let mut builder = Builder::new(written.as_bytes());
    let mut at = 0;
    while at < written.len() {
        let section = written[at..].find(OPEN).map(|found| at + found);
        let text_end = section.unwrap_or(written.len());
        let text = &written.as_bytes()[at..text_end];
        if let Some(text) = references(Builder::new(text), false) {
            for replacement in text.map.replacements {
                let unit = (at + replacement.written.start)..(at + replacement.written.end);
                builder.replace(unit, &text.bytes[replacement.decoded]);
            }
        }
        let Some(open) = section else { break };
        builder.replace(open..open + OPEN.len(), b"");
        let content = open + OPEN.len();
        match written[content..].find(CLOSE) {
            Some(close) => {
                builder.replace(content + close..content + close + CLOSE.len(), b"");
                at = content + close + CLOSE.len();
            }
            None => break,
        }
    }
    let decoded = builder.finish()?;
    Some(Decoded {
        text: String::from_utf8(decoded.bytes).ok()?,
        map: decoded.map,
    })
}

/// Character references, CR and NUL decoded, in an attribute value or in text.
fn references(mut builder: Builder, in_attribute: bool) -> Option<DecodedBytes> {
    let bytes = builder.written;
    let mut at = 0;
    while let Some(found) = memchr::memchr3(b'&', b'\r', b'\0', &bytes[at..]) {
        let start = at + found;
        at = start + 1;
        match bytes[start] {
            b'\r' => {
                let end = if bytes.get(start + 1) == Some(&b'\n') {
                    start + 2
                } else {
                    start + 1
                };
                builder.replace(start..end, b"\n");
                at = end;
            }
            b'\0' => builder.replace(start..start + 1, "\u{FFFD}".as_bytes()),
            _ => {
                if let Some((end, decoded)) = character_reference(bytes, start, in_attribute) {
                    let mut buffer = [0; 8];
                    let with = match decoded {
                        Reference::Char(c) => &*c.encode_utf8(&mut buffer),
                        Reference::Named(text) => text,
                    };
                    builder.replace(start..end, with.as_bytes());
                    at = end;
                }
            }
        }
    }
    builder.finish()
}

/// The code of a `javascript:` URL in an attribute value, as the browser runs it: the
/// value HTML-decoded, without the C0 controls and spaces around it and the tabs and
/// line breaks inside it (the URL parser drops them), then after the scheme,
/// percent-decoded. `None` when the value is not such a URL.
pub fn javascript_url(written: &str) -> Option<Decoded> {
    const SCHEME: &[u8] = b"javascript:";
    let html = html_attribute(written);
    let value = html
        .as_ref()
        .map_or(written, |decoded| decoded.text.as_str());
    let bytes = value.as_bytes();
    let is_tab_or_newline = |byte: u8| matches!(byte, b'\t' | b'\n' | b'\r');
    let mut at = bytes.iter().take_while(|byte| **byte <= 0x20).count();
    let mut matched = 0;
    while matched < SCHEME.len() {
        let byte = *bytes.get(at)?;
        at += 1;
        if is_tab_or_newline(byte) {
            continue;
        }
        if byte.to_ascii_lowercase() != SCHEME[matched] {
            return None;
        }
        matched += 1;
    }
    let end = bytes.len()
        - bytes[at..]
            .iter()
            .rev()
            .take_while(|byte| **byte <= 0x20)
            .count();
    let mut builder = Builder::new(bytes);
    builder.replace(0..at, b"");
    while at < end {
        if is_tab_or_newline(bytes[at]) {
            builder.replace(at..at + 1, b"");
            at += 1;
            continue;
        }
        // A run of percent-escapes is one unit, so that the bytes it stands for are
        // read as UTF-8 together.
        let run = percent_run(&bytes[at..end]);
        if run.is_empty() {
            at += 1;
            continue;
        }
        let code = String::from_utf8_lossy(&run.bytes).into_owned();
        builder.replace(at..at + run.written, code.as_bytes());
        at += run.written;
    }
    builder.replace(end..bytes.len(), b"");
    let decoded = builder.finish()?;
    Some(Decoded {
        // Whole characters replaced whole units, cut at ASCII bytes.
        text: String::from_utf8(decoded.bytes).ok()?,
        map: decoded.map.then(html.map(|html| html.map)),
    })
}

/// A URL's path with its percent-escapes decoded, as a static server maps it to a file
/// (`a%20b.js` is `a b.js`); bytes that are no UTF-8 become U+FFFD.
pub fn percent_decoded(path: &str) -> std::borrow::Cow<'_, str> {
    if !path.contains('%') {
        return std::borrow::Cow::Borrowed(path);
    }
    let bytes = path.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut at = 0;
    while at < bytes.len() {
        let run = percent_run(&bytes[at..]);
        if run.is_empty() {
            decoded.push(bytes[at]);
            at += 1;
        } else {
            decoded.extend_from_slice(&run.bytes);
            at += run.written;
        }
    }
    std::borrow::Cow::Owned(String::from_utf8_lossy(&decoded).into_owned())
}

/// The percent-escapes (`%4D%65`) at the start of `bytes`: how many bytes they take and
/// the bytes they stand for.
struct PercentRun {
    written: usize,
    bytes: Vec<u8>,
}

impl PercentRun {
    fn is_empty(&self) -> bool {
        self.written == 0
    }
}

fn percent_run(bytes: &[u8]) -> PercentRun {
    let mut run = PercentRun {
        written: 0,
        bytes: Vec::new(),
    };
    while let Some(&[b'%', high, low]) = bytes.get(run.written..run.written + 3) {
        let (Some(high), Some(low)) = ((high as char).to_digit(16), (low as char).to_digit(16))
        else {
            break;
        };
        run.bytes.push((high * 16 + low) as u8);
        run.written += 3;
    }
    run
}

/// What the prefilter searches in a markup file for code in `javascript:` URLs: the
/// bytes without tabs and line breaks, with the percent-escapes that stand for a
/// character of `alphabet` decoded. Like [`javascript_escapes`], for searches only.
pub fn url_characters(bytes: &[u8], alphabet: Alphabet) -> Option<DecodedBytes> {
    let mut builder = Builder::unmapped(bytes);
    let mut at = 0;
    // Markup files are small: a plain loop over the bytes is enough.
    while at < bytes.len() {
        match bytes[at] {
            b'\t' | b'\n' | b'\r' => builder.replace(at..at + 1, b""),
            b'%' => {
                let run = percent_run(&bytes[at..(at + 3).min(bytes.len())]);
                if let Some(&byte) = run.bytes.first()
                    && alphabet.holds(byte as char)
                {
                    builder.replace(at..at + 3, &[byte]);
                    at += 3;
                    continue;
                }
            }
            _ => {}
        }
        at += 1;
    }
    builder.finish()
}

enum Reference {
    Char(char),
    Named(&'static str),
}

/// The character reference at `bytes[start] == b'&'`, in an attribute value or in text:
/// where it ends and what it stands for, or `None` when the `&` is a plain ampersand.
fn character_reference(
    bytes: &[u8],
    start: usize,
    in_attribute: bool,
) -> Option<(usize, Reference)> {
    let rest = &bytes[start + 1..];
    if rest.first() == Some(&b'#') {
        let hex = matches!(rest.get(1), Some(b'x' | b'X'));
        let digits_start = start + 2 + usize::from(hex);
        let digits = bytes[digits_start..]
            .iter()
            .take_while(|byte| {
                if hex {
                    byte.is_ascii_hexdigit()
                } else {
                    byte.is_ascii_digit()
                }
            })
            .count();
        if digits == 0 {
            return None;
        }
        let radix = if hex { 16 } else { 10 };
        // Saturates past the last code point: any larger number reads as U+FFFD.
        let value =
            bytes[digits_start..digits_start + digits]
                .iter()
                .fold(0u32, |value, &digit| {
                    let digit = (digit as char).to_digit(radix).unwrap_or(0);
                    value
                        .saturating_mul(radix)
                        .saturating_add(digit)
                        .min(0x11_0000)
                });
        let mut end = digits_start + digits;
        if bytes.get(end) == Some(&b';') {
            end += 1;
        }
        return Some((end, Reference::Char(numeric_reference(value))));
    }
    if !rest.first().is_some_and(u8::is_ascii_alphanumeric) {
        return None;
    }
    // A name is letters and digits, with a `;` only at its end: only the names that
    // stop where the run of letters and digits stops take the `;`, so each length is
    // looked up once, the longest first.
    let run = rest
        .iter()
        .take(htmlize::ENTITY_MAX_LENGTH)
        .take_while(|byte| byte.is_ascii_alphanumeric())
        .count();
    let with_semicolon = (rest.get(run) == Some(&b';')).then_some(run + 2);
    let (length, characters) = with_semicolon
        .into_iter()
        .chain((1..=run).rev().map(|letters| letters + 1))
        .find_map(|length| {
            htmlize::ENTITIES
                .get(&bytes[start..start + length])
                .map(|characters| (length, *characters))
        })?;
    let end = start + length;
    // In an attribute, `&amp=` and `&ampx` stay as written (legacy references without
    // their semicolon would break URLs' query strings).
    if in_attribute
        && bytes[end - 1] != b';'
        && bytes
            .get(end)
            .is_some_and(|next| *next == b'=' || next.is_ascii_alphanumeric())
    {
        return None;
    }
    let characters = std::str::from_utf8(characters).ok()?;
    Some((end, Reference::Named(characters)))
}

/// The character a numeric reference stands for, as the tokenizer's "numeric character
/// reference end state" says.
fn numeric_reference(value: u32) -> char {
    const WINDOWS_1252: [u32; 32] = [
        0x20AC, 0x81, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
        0x2039, 0x0152, 0x8D, 0x017D, 0x8F, 0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013,
        0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x9D, 0x017E, 0x0178,
    ];
    let value = match value {
        0 => 0xFFFD,
        0x80..=0x9F => WINDOWS_1252[(value - 0x80) as usize],
        other => other,
    };
    char::from_u32(value).unwrap_or('\u{FFFD}')
}

/// The ASCII characters an escape may stand for in a search: those of the needles
/// searched, but for quotes, backquotes and parentheses, which a needle holds as syntax
/// (`"message"`, `Worker(`), and an escape cannot write syntax.
#[derive(Debug, Clone, Copy)]
pub struct Alphabet(u128);

impl Alphabet {
    /// The letters, digits, `$` and `_` of identifiers.
    pub const IDENTIFIER: Alphabet =
        Alphabet::of(&["$_0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"]);

    pub const fn of(needles: &[&str]) -> Alphabet {
        let mut set = 0u128;
        let mut needle = 0;
        while needle < needles.len() {
            let bytes = needles[needle].as_bytes();
            let mut at = 0;
            while at < bytes.len() {
                if bytes[at] < 128 && !matches!(bytes[at], b'"' | b'\'' | b'`' | b'(' | b')') {
                    set |= 1 << bytes[at];
                }
                at += 1;
            }
            needle += 1;
        }
        Alphabet(set)
    }

    fn holds(self, c: char) -> bool {
        (c as u32) < 128 && self.0 & (1 << c as u32) != 0
    }
}

/// `code` with the JavaScript escapes that stand for a character of `alphabet` replaced
/// by that character, or `None` when it has none. For byte searches only: the result
/// is not JavaScript.
///
/// The parser reads `postMessag\u0065`, `"m\x65ssage"`, `"mes\<newline>sage"` and
/// `"\m\e\s\s\a\g\e"` as the words a search looks for. Escapes are decoded wherever
/// they are, in strings, identifiers, templates, regular expressions and comments
/// alike: a search in the decoded copy finds all that the parser reads and at worst a
/// little more. Other escapes are left as written, since no needle holds what they
/// stand for, so files whose only escapes are `\n`, `\"` or `\u00e9`, common in
/// bundles, are not copied.
pub fn javascript_escapes(bytes: &[u8], alphabet: Alphabet) -> Option<DecodedBytes> {
    escapes(Builder::new(bytes), alphabet)
}

/// [`javascript_escapes`] without offsets, for a search that only asks whether a
/// needle is there.
pub fn javascript_escapes_unmapped(bytes: &[u8], alphabet: Alphabet) -> Option<Vec<u8>> {
    escapes(Builder::unmapped(bytes), alphabet).map(|decoded| decoded.bytes)
}

fn escapes(mut builder: Builder, alphabet: Alphabet) -> Option<DecodedBytes> {
    let bytes = builder.written;
    let mut at = 0;
    while let Some(found) = memchr::memchr(b'\\', &bytes[at..]) {
        let start = at + found;
        let Some((end, decoded)) = javascript_escape(bytes, start) else {
            at = start + 1;
            continue;
        };
        at = end;
        match decoded {
            None => builder.replace(start..end, b""),
            Some(c) if alphabet.holds(c) => builder.replace(start..end, &[c as u8]),
            Some(_) => {}
        }
    }
    builder.finish()
}

/// The escape at `bytes[start] == b'\\'`: where it ends and the character it stands
/// for (`None` for a line continuation), or `None` when it is not one the parser reads.
fn javascript_escape(bytes: &[u8], start: usize) -> Option<(usize, Option<char>)> {
    let next = *bytes.get(start + 1)?;
    let hex = |from: usize, count: usize| -> Option<u32> {
        let digits = bytes.get(from..from + count)?;
        digits
            .iter()
            .all(u8::is_ascii_hexdigit)
            .then(|| u32::from_str_radix(std::str::from_utf8(digits).ok()?, 16).ok())?
    };
    let character = |value: u32| char::from_u32(value).unwrap_or('\u{FFFD}');
    match next {
        b'u' if bytes.get(start + 2) == Some(&b'{') => {
            let digits_start = start + 3;
            let digits = bytes[digits_start..]
                .iter()
                .take_while(|byte| byte.is_ascii_hexdigit())
                .count();
            if digits == 0 || bytes.get(digits_start + digits) != Some(&b'}') {
                return None;
            }
            let value =
                bytes[digits_start..digits_start + digits]
                    .iter()
                    .fold(0u32, |value, &digit| {
                        let digit = (digit as char).to_digit(16).unwrap_or(0);
                        value
                            .saturating_mul(16)
                            .saturating_add(digit)
                            .min(0x11_0000)
                    });
            Some((digits_start + digits + 1, Some(character(value))))
        }
        b'u' => Some((start + 6, Some(character(hex(start + 2, 4)?)))),
        b'x' => Some((start + 4, Some(character(hex(start + 2, 2)?)))),
        b'0'..=b'7' => {
            // Legacy octal: up to three digits, at most \377.
            let longest = if next <= b'3' { 3 } else { 2 };
            let digits = bytes[start + 1..]
                .iter()
                .take(longest)
                .take_while(|byte| (b'0'..=b'7').contains(byte))
                .count();
            let value = bytes[start + 1..start + 1 + digits]
                .iter()
                .fold(0u32, |value, digit| value * 8 + u32::from(digit - b'0'));
            Some((start + 1 + digits, Some(character(value))))
        }
        b'\r' if bytes.get(start + 2) == Some(&b'\n') => Some((start + 3, None)),
        b'\r' | b'\n' => Some((start + 2, None)),
        // U+2028 and U+2029 continue a line too.
        0xE2 if bytes.get(start + 2) == Some(&0x80)
            && matches!(bytes.get(start + 3), Some(0xA8 | 0xA9)) =>
        {
            Some((start + 4, None))
        }
        // `\n`, `\t` and the like stand for white space; `\\` for a backslash.
        ascii if ascii.is_ascii() => {
            let stands_for = match ascii {
                b'b' | b'f' | b'n' | b'r' | b't' | b'v' => ' ',
                other => other as char,
            };
            Some((start + 2, Some(stands_for)))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attribute_values_decode_as_html_does() {
        let cases = [
            ("a &lt; b", "a < b"),
            ("&#x27;*&#X27;", "'*'"),
            ("&#39;&#0;&#x110000;&#128;", "'\u{FFFD}\u{FFFD}\u{20AC}"),
            ("&amp &ampx &amp= &amp;x", "& &ampx &amp= &x"),
            // In an attribute, `&not` before a letter stays as written.
            ("&notit; &notin; &not ", "&notit; ∉ ¬ "),
            ("a\r\nb\rc\0", "a\nb\nc\u{FFFD}"),
            ("&# &#x; & &;", "&# &#x; & &;"),
            ("&fjlig;", "fj"),
        ];
        for (written, read) in cases {
            let decoded = html_attribute(written).map_or(written.to_string(), |d| d.text);
            assert_eq!(decoded, read, "{written:?}");
        }
        assert_eq!(html_attribute("plain & simple"), None);
    }

    #[test]
    fn offsets_map_back_to_what_was_written() {
        let written = "x=&quot;a&quot;;\r\ny";
        let decoded = html_attribute(written).unwrap();
        assert_eq!(decoded.text, "x=\"a\";\ny");
        for (index, _) in decoded.text.char_indices() {
            let start = decoded.map.start(index);
            let end = decoded.map.end(index + 1);
            let unit = &written[start..end];
            assert!(
                unit == &decoded.text[index..index + 1]
                    || unit.starts_with('&')
                    || unit.starts_with('\r'),
                "{index}: {unit:?}"
            );
        }
        assert_eq!(decoded.map.range(0..decoded.text.len()), 0..written.len());
        assert_eq!(decoded.map.range(2..5), 2..15);
    }

    #[test]
    fn foreign_scripts_decode_references_outside_cdata() {
        let written = "a(&quot;&notit;&quot;)<![CDATA[ b(\"&amp;\") ]]>c&#40;)";
        let decoded = foreign_script(written).unwrap();
        assert_eq!(decoded.text, "a(\"¬it;\") b(\"&amp;\") c()");
        let b = decoded.text.find('b').unwrap();
        assert_eq!(decoded.map.start(b), written.find('b').unwrap());
        assert_eq!(decoded.map.end(decoded.text.len()), written.len());
        assert_eq!(foreign_script("plain < text"), None);
    }

    #[test]
    fn javascript_urls_decode_as_the_browser_runs_them() {
        let cases = [
            ("javascript:go()", Some("go()")),
            (" \tJaVa\nScRiPt:go(%22a%22) ", Some("go(\"a\")")),
            (
                "java&#x09;script&colon;go(&#37;27%C3%A9%27)",
                Some("go('é')"),
            ),
            ("javascript:a%FFb", Some("a\u{FFFD}b")),
            ("https://example.com/javascript:x", None),
            ("javascrip", None),
        ];
        for (written, code) in cases {
            let decoded = javascript_url(written);
            assert_eq!(decoded.as_deref(), code, "{written:?}");
            if let Some(decoded) = decoded {
                let go = decoded.text.find("go").unwrap_or(0);
                assert!(written[decoded.map.start(go)..].starts_with(&decoded.text[go..go + 1]));
                assert_eq!(
                    decoded.map.end(decoded.text.len()),
                    written.trim_end().len()
                );
            }
        }
        let url = url_characters(b"post%4D\tessage %22", Alphabet::of(&["postMessage"])).unwrap();
        assert_eq!(url.bytes, b"postMessage %22");
    }

    #[test]
    fn javascript_escapes_that_may_spell_a_needle_are_decoded() {
        let cases = [
            (r"postMessag\u0065", "postMessage"),
            (r"postMessag\u{000065}", "postMessage"),
            (r#""m\x65ssage""#, "\"message\""),
            (r"'\155essage'", "'message'"),
            ("'mes\\\nsage' 'a\\\r\nb'", "'message' 'ab'"),
            (r"'\m\e\s\s\a\g\e'", "'message'"),
            (r#"a\nb\"c\u00e9\x41"#, r#"a\nb\"c\u00e9A"#),
        ];
        for (written, read) in cases {
            let decoded = javascript_escapes(written.as_bytes(), Alphabet::IDENTIFIER).unwrap();
            let text = String::from_utf8(decoded.bytes).unwrap();
            assert_eq!(text, read, "{written:?}");
            let at = text.find('e').unwrap_or(0);
            assert!(decoded.map.start(at) <= written.len());
        }
        let none = [
            &br#"a\n\t\"\\ \u00e9 \x22 \/ \."#[..],
            b"no escapes",
            br"\\u0065",
        ];
        for written in none {
            assert_eq!(javascript_escapes(written, Alphabet::IDENTIFIER), None);
        }
        let with_dot = Alphabet::of(&["socket.io", "Worker("]);
        assert!(javascript_escapes(br"'socket\.io'", with_dot).is_some());
        assert!(javascript_escapes(br"/\(/", with_dot).is_none());
    }
}
