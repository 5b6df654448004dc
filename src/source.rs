//! Source files: which ones crosswire reads, and how byte offsets become lines and columns.

use std::path::Path;

/// How a file's script is parsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Language {
    /// `.js .mjs .cjs .jsx`: ECMAScript with JSX.
    JavaScript,
    /// `.ts .mts .cts`
    TypeScript,
    /// `.tsx`
    Tsx,
}

impl Language {
    /// The language of a path, or `None` for files crosswire does not read
    /// (including `.d.ts` declaration files, which hold no runtime code).
    pub fn from_path(path: &Path) -> Option<Language> {
        // Names that are not UTF-8 are still files to read: only the extension matters.
        let name = path.file_name()?.to_string_lossy();
        let lower = name.to_ascii_lowercase();
        if lower.ends_with(".d.ts") || lower.ends_with(".d.mts") || lower.ends_with(".d.cts") {
            return None;
        }
        let extension = lower.rsplit_once('.')?.1;
        match extension {
            "js" | "mjs" | "cjs" | "jsx" => Some(Language::JavaScript),
            "ts" | "mts" | "cts" => Some(Language::TypeScript),
            "tsx" => Some(Language::Tsx),
            _ => None,
        }
    }
}

/// What kind of file holds the code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// A JavaScript or TypeScript file.
    Script(Language),
    /// `.html`/`.htm`: inline `<script>` blocks and `on*` attributes.
    Html,
    /// `.vue`: `<script>` and `<script setup>`, `lang="ts"` honoured.
    Vue,
    /// `.svelte`: `<script>` and `<script context="module">`.
    Svelte,
    /// `.astro`: the frontmatter and `<script>` tags.
    Astro,
}

impl FileKind {
    /// The kind of a path, or `None` for files crosswire does not read.
    pub fn from_path(path: &Path) -> Option<FileKind> {
        if let Some(language) = Language::from_path(path) {
            return Some(FileKind::Script(language));
        }
        let extension = path.extension()?.to_string_lossy().to_ascii_lowercase();
        match extension.as_str() {
            "html" | "htm" => Some(FileKind::Html),
            "vue" => Some(FileKind::Vue),
            "svelte" => Some(FileKind::Svelte),
            "astro" => Some(FileKind::Astro),
            _ => None,
        }
    }
}

/// Maps byte offsets to 1-based lines and columns. Columns count Unicode
/// scalar values (SARIF's `unicodeCodePoints`); `\n`, `\r\n` and a lone `\r`
/// each end a line.
#[derive(Debug, Clone)]
pub struct LineIndex {
    line_starts: Vec<usize>,
    /// Where the text differs from the file's bytes (see [`decode_lossy`]); empty for
    /// files that are UTF-8.
    repairs: Vec<Repair>,
    /// The text starts with a byte order mark, which editors do not show as a column.
    bom: bool,
    /// On lines longer than [`CHECKPOINT_BYTES`], every so many bytes: the offset and the
    /// characters from the line's start to it. A column is then counted from the nearest,
    /// not from the line's start: a minified line of megabytes with thousands of findings
    /// would otherwise cost its length for each.
    checkpoints: Vec<(usize, usize)>,
}

const CHECKPOINT_BYTES: usize = 64 * 1024;

/// Where lossy decoding wrote U+FFFD for bytes of the file that were not UTF-8.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Repair {
    /// Byte offset of the U+FFFD in the decoded text.
    pub text_at: usize,
    /// Byte offset of the undecodable bytes in the file.
    pub file_at: usize,
    /// How many bytes of the file it stands for.
    pub file_len: usize,
}

/// The file's text with each undecodable sequence replaced by U+FFFD, as
/// `String::from_utf8_lossy` (and browsers' and editors' decoders) do, and where it was
/// replaced, so that offsets can be reported in the file's own bytes.
pub fn decode_lossy(bytes: &[u8]) -> (String, Vec<Repair>) {
    let mut text = String::with_capacity(bytes.len());
    let mut repairs = Vec::new();
    let mut file_at = 0;
    for chunk in bytes.utf8_chunks() {
        text.push_str(chunk.valid());
        file_at += chunk.valid().len();
        let invalid = chunk.invalid();
        if !invalid.is_empty() {
            repairs.push(Repair {
                text_at: text.len(),
                file_at,
                file_len: invalid.len(),
            });
            text.push(char::REPLACEMENT_CHARACTER);
            file_at += invalid.len();
        }
    }
    (text, repairs)
}

/// A 1-based line and column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let bytes = text.as_bytes();
        let mut line_starts = vec![0];
        // memchr scans many bytes at a time; a byte loop cost 6% of linting a big bundle.
        for at in memchr::memchr2_iter(b'\n', b'\r', bytes) {
            // In `\r\n` the line starts after the `\n`.
            if bytes[at] == b'\r' && bytes.get(at + 1) == Some(&b'\n') {
                continue;
            }
            line_starts.push(at + 1);
        }
        let mut checkpoints = Vec::new();
        for (line, &start) in line_starts.iter().enumerate() {
            let end = line_starts.get(line + 1).copied().unwrap_or(text.len());
            let (mut at, mut chars) = (start, 0);
            while end - at > CHECKPOINT_BYTES {
                // Moves on: a character is at most 4 bytes.
                let next = floor_char_boundary(text, at + CHECKPOINT_BYTES);
                chars += text[at..next].chars().count();
                at = next;
                checkpoints.push((at, chars));
            }
        }
        LineIndex {
            line_starts,
            repairs: Vec::new(),
            bom: text.starts_with('\u{FEFF}'),
            checkpoints,
        }
    }

    /// The index of a text that [`decode_lossy`] made with these repairs.
    pub fn with_repairs(mut self, repairs: Vec<Repair>) -> Self {
        self.repairs = repairs;
        self
    }

    /// The file's byte offsets of a range of the decoded text. A bound inside a
    /// replacement character widens to the undecodable bytes it stands for.
    pub fn file_offsets(&self, span: &std::ops::Range<usize>) -> (usize, usize) {
        let map = |offset: usize, round_up: bool| {
            let before = self
                .repairs
                .partition_point(|repair| repair.text_at <= offset);
            let Some(repair) = before.checked_sub(1).map(|at| self.repairs[at]) else {
                return offset;
            };
            let text_end = repair.text_at + char::REPLACEMENT_CHARACTER.len_utf8();
            if offset >= text_end {
                offset - text_end + repair.file_at + repair.file_len
            } else if offset == repair.text_at || !round_up {
                repair.file_at
            } else {
                repair.file_at + repair.file_len
            }
        };
        (map(span.start, false), map(span.end.max(span.start), true))
    }

    /// The position of a byte offset; offsets past the end clamp to the end.
    pub fn position(&self, text: &str, offset: usize) -> Position {
        let offset = floor_char_boundary(text, offset.min(text.len()));
        let line = self.line_starts.partition_point(|&start| start <= offset) - 1;
        let start = self.line_starts[line];
        let nearest = self
            .checkpoints
            .partition_point(|&(at, _)| at <= offset)
            .checked_sub(1)
            .map(|at| self.checkpoints[at])
            .filter(|&(at, _)| at >= start);
        let (from, counted) = nearest.unwrap_or((start, 0));
        let mut column = counted + text[from..offset].chars().count() + 1;
        if line == 0 && self.bom && offset > 0 {
            column -= 1;
        }
        Position {
            line: line + 1,
            column,
        }
    }

    /// The 1-based line of a byte offset.
    pub fn line_of(&self, offset: usize) -> usize {
        self.line_starts.partition_point(|&start| start <= offset)
    }

    /// The byte range of a 1-based line, without its line break.
    pub fn line_range(&self, text: &str, line: usize) -> std::ops::Range<usize> {
        let start = self.line_starts[line - 1];
        let mut end = self.line_starts.get(line).copied().unwrap_or(text.len());
        let bytes = text.as_bytes();
        while end > start && matches!(bytes[end - 1], b'\n' | b'\r') {
            end -= 1;
        }
        start..end
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }
}

pub fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while offset > 0 && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

pub fn ceil_char_boundary(text: &str, mut offset: usize) -> usize {
    offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset += 1;
    }
    offset
}

/// A path as shown with `.` and `..` parts taken out (`a/./b/../c` → `a/c`). Paths
/// outside the working directory are shown absolute (`/srv/app/index.html`) or
/// climbing (`../app/index.html`): the leading `/` and the leading `..`s stay.
pub fn normalize_shown_path(path: &str) -> String {
    let absolute = path.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." if parts.last().is_some_and(|last| *last != "..") => {
                parts.pop();
            }
            ".." if absolute => {}
            other => parts.push(other),
        }
    }
    if absolute {
        format!("/{}", parts.join("/"))
    } else {
        parts.join("/")
    }
}

/// The path as users see it: relative to the working directory when it lies
/// below it, with forward slashes on every platform.
pub fn display_path(path: &Path, cwd: &Path) -> String {
    let relative = path.strip_prefix(cwd).unwrap_or(path);
    let relative = relative.strip_prefix(".").unwrap_or(relative);
    let text = relative.to_string_lossy().replace('\\', "/");
    if text.is_empty() {
        ".".to_string()
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_follow_every_kind_of_line_break() {
        let text = "a\nb\r\nc\rd\u{e9}x";
        let index = LineIndex::new(text);
        assert_eq!(index.line_count(), 4);
        assert_eq!(index.position(text, 0), Position { line: 1, column: 1 });
        assert_eq!(index.position(text, 2), Position { line: 2, column: 1 });
        assert_eq!(index.position(text, 5), Position { line: 3, column: 1 });
        assert_eq!(index.position(text, 7), Position { line: 4, column: 1 });
        // `é` is two bytes but one column.
        assert_eq!(index.position(text, 10), Position { line: 4, column: 3 });
        assert_eq!(index.line_range(text, 2), 2..3);
    }

    #[test]
    fn offsets_map_back_to_the_bytes_of_a_file_that_is_not_utf8() {
        // `\xff` and `\xfe` are one invalid byte each; `\xe2\x82` is a sequence cut short.
        let bytes = b"a\xff\xfeb\xe2\x82c";
        let (text, repairs) = decode_lossy(bytes);
        assert_eq!(text, "a\u{FFFD}\u{FFFD}b\u{FFFD}c");
        let index = LineIndex::new(&text).with_repairs(repairs);
        let b = text.find('b').unwrap();
        let c = text.find('c').unwrap();
        assert_eq!(index.file_offsets(&(b..c + 1)), (3, 7));
        assert_eq!(index.file_offsets(&(0..1)), (0, 1));
        // The first replacement character, and a range ending inside it.
        assert_eq!(index.file_offsets(&(1..4)), (1, 2));
        assert_eq!(index.file_offsets(&(1..2)), (1, 2));
        assert_eq!(index.file_offsets(&(b + 1..b + 4)), (4, 6));
        assert_eq!(&bytes[3..7], b"b\xe2\x82c");
        let (valid, none) = decode_lossy("é".as_bytes());
        assert_eq!((valid.as_str(), none.len()), ("é", 0));
    }

    #[test]
    fn columns_on_long_lines_count_from_checkpoints_alike() {
        let line = "aé漢🦀".repeat(40_000);
        let text = format!("x\n{line}\n{line}");
        let index = LineIndex::new(&text);
        assert!(index.checkpoints.len() > 10);
        for offset in (0..text.len()).step_by(7_919).chain([text.len()]) {
            let offset = floor_char_boundary(&text, offset);
            let line = index.line_of(offset);
            let start = index.line_range(&text, line).start;
            let expected = Position {
                line,
                column: text[start..offset].chars().count() + 1,
            };
            assert_eq!(index.position(&text, offset), expected, "at {offset}");
        }
    }

    #[test]
    fn a_byte_order_mark_is_no_column() {
        let text = "\u{FEFF}ab\nc";
        let index = LineIndex::new(text);
        assert_eq!(index.position(text, 0), Position { line: 1, column: 1 });
        assert_eq!(index.position(text, 3), Position { line: 1, column: 1 });
        assert_eq!(index.position(text, 4), Position { line: 1, column: 2 });
        assert_eq!(index.position(text, 6), Position { line: 2, column: 1 });
    }

    #[test]
    fn declaration_files_are_not_read() {
        assert_eq!(Language::from_path(Path::new("a/b.d.ts")), None);
        assert_eq!(Language::from_path(Path::new("x.tsx")), Some(Language::Tsx));
        assert_eq!(
            Language::from_path(Path::new("x.CJS")),
            Some(Language::JavaScript)
        );
        assert_eq!(Language::from_path(Path::new("README.md")), None);
    }
}
