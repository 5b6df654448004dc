//! The default human format: miette's graphical report.
//!
//! miette is handed an [`Excerpt`] of the file, not the file: minified bundles have lines
//! of megabytes, and miette prints whole lines and panics on columns past 65,535. The
//! excerpt holds only the lines the finding's labels need, cuts long ones to windows
//! around the columns the labels point at, and makes control characters visible; the line
//! and column numbers it reports stay those of the real file.

use std::collections::BTreeMap;
use std::fmt;
use std::io::{self, Write};
use std::ops::Range;
use std::panic::{AssertUnwindSafe, catch_unwind};

use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents,
    SourceCode, SourceSpan, SpanContents,
};
use unicode_width::UnicodeWidthChar;

use super::escape::{escape_for_terminal, is_unsafe_for_terminal};
use super::{RenderOptions, plural, positions};
use crate::diagnostic::{Finding, Severity};
use crate::results::{FileResult, RunReport};
use crate::source::{LineIndex, floor_char_boundary};

/// Lines up to this many columns are shown whole.
const WHOLE_LINE_COLUMNS: usize = 240;
/// Columns shown on each side of a point a label starts or ends at, on a longer line.
const CONTEXT_COLUMNS: usize = 40;
/// What miette expands a tab to.
const TAB_COLUMNS: usize = 4;
/// Snippets of one finding further apart than this many lines are drawn apart.
const MERGE_GAP_LINES: usize = 50;
/// Marks where a long line was cut.
const ELLIPSIS: &str = "…";

/// A diagnostic with its excerpt, in the shape miette renders. Every text from the file
/// (message, labels, help) is escaped for the terminal.
struct Rendered {
    code: &'static str,
    severity: miette::Severity,
    message: String,
    help: Option<String>,
    labels: Vec<LabeledSpan>,
    excerpt: Option<Excerpt>,
}

impl fmt::Debug for Rendered {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Display for Rendered {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Rendered {}

impl miette::Diagnostic for Rendered {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(self.code))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.help
            .as_ref()
            .map(|help| Box::new(help) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.excerpt
            .as_ref()
            .map(|excerpt| excerpt as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(self.labels.iter().cloned()))
    }
}

/// What to draw: the file, and the labels (the first is the primary one).
struct Drawing<'a> {
    code: &'static str,
    severity: miette::Severity,
    message: &'a str,
    help: Option<&'a str>,
    source: Option<(&'a str, &'a str, &'a LineIndex)>,
    labels: Vec<(Range<usize>, Option<&'a str>)>,
}

fn handler(color: bool, width: usize) -> GraphicalReportHandler {
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    GraphicalReportHandler::new_themed(theme)
        .with_width(width)
        // Wrap between words only: `crosswire-ignore-next-line` or a rule id cut at a
        // hyphen cannot be copied back.
        .with_break_words(false)
        .with_word_splitter(textwrap::WordSplitter::NoHyphenation)
        .with_word_separator(textwrap::WordSeparator::AsciiSpace)
        .with_context_lines(1)
        .tab_width(TAB_COLUMNS)
}

/// miette's drawing, or `None` where it failed or panicked (there is no span it should
/// fail on, but one diagnostic must never cost the others).
fn draw(handler: &GraphicalReportHandler, drawing: &Drawing) -> Option<String> {
    catch_unwind(AssertUnwindSafe(|| {
        let safe = |text: &str| escape_for_terminal(text).into_owned();
        let (excerpt, labels) = match drawing.source {
            Some((path, text, lines)) => {
                let spans: Vec<Range<usize>> = drawing
                    .labels
                    .iter()
                    .map(|(span, _)| span.clone())
                    .collect();
                let (excerpt, mapped) = Excerpt::new(safe(path), text, lines, &spans);
                let labels = drawing
                    .labels
                    .iter()
                    .zip(mapped)
                    .enumerate()
                    .map(|(at, ((_, label), span))| {
                        let label = label.map(safe);
                        if at == 0 {
                            LabeledSpan::new_primary_with_span(label, span)
                        } else {
                            LabeledSpan::new_with_span(label, span)
                        }
                    })
                    .collect();
                (Some(excerpt), labels)
            }
            None => (None, Vec::new()),
        };
        let rendered = Rendered {
            code: drawing.code,
            severity: drawing.severity,
            message: safe(drawing.message),
            help: drawing.help.map(safe),
            labels,
            excerpt,
        };
        let mut buffer = String::new();
        handler.render_report(&mut buffer, &rendered).ok()?;
        Some(buffer)
    }))
    .ok()
    .flatten()
}

/// A config error as the pretty format draws findings (the config comes from the
/// repository, as hostile as any file).
pub fn render_config_error(error: &crate::config::ConfigError, color: bool) -> String {
    let text = error.source.as_ref().map(|source| &**source.inner());
    let lines = text.map(LineIndex::new);
    let name = error.source.as_ref().map(|source| source.name());
    let source = match (name, text, &lines, &error.span) {
        (Some(name), Some(text), Some(lines), Some(_)) => Some((name, text, lines)),
        _ => None,
    };
    let drawing = Drawing {
        code: "crosswire::config",
        severity: miette::Severity::Error,
        message: &error.message,
        help: error.help.as_deref(),
        source,
        labels: error
            .span
            .clone()
            .map(|span| (span, Some("here")))
            .into_iter()
            .collect(),
    };
    let first = draw(&handler(color, 100), &drawing)
        .unwrap_or_else(|| format!("crosswire: error: {}", escape_for_terminal(&error.message)));
    // The file's other errors, each drawn the same way, so one run shows them all.
    std::iter::once(first)
        .chain(
            error
                .more
                .iter()
                .map(|more| render_config_error(more, color)),
        )
        .collect::<Vec<_>>()
        .join("\n")
}

pub fn render(report: &RunReport, options: &RenderOptions, out: &mut dyn Write) -> io::Result<()> {
    let handler = handler(options.color, options.width);
    for file in &report.files {
        let Some(text) = &file.text else {
            // No text to draw from: the findings are still reported.
            for finding in &file.findings {
                writeln!(out, "{}\n", plain_line(file, finding))?;
            }
            continue;
        };
        let built;
        let lines = match &file.lines {
            Some(lines) => lines,
            None => {
                built = LineIndex::new(text);
                &built
            }
        };
        for finding in &file.findings {
            match render_finding(&handler, &file.path, text, lines, finding) {
                Some(buffer) => writeln!(out, "{buffer}")?,
                // One finding miette could not draw must not cost the others: it gets
                // the compact format's line.
                None => writeln!(out, "{}\n", plain_line(file, finding))?,
            }
        }
    }
    let errors = report.count(Severity::Error);
    let warnings = report.count(Severity::Warning);
    let scanned = format!(
        "{} scanned, {} parsed",
        plural(report.files_scanned, "file"),
        report.files_parsed
    );
    if errors + warnings == 0 && !report.errors.is_empty() {
        // Not "no problems": some paths could not be linted (listed on standard error).
        writeln!(
            out,
            "crosswire: no findings in what could be linted ({scanned}); {} could not be linted",
            plural(report.errors.len(), "path")
        )
    } else if errors + warnings == 0 {
        writeln!(out, "crosswire: no problems found ({scanned})")
    } else {
        writeln!(
            out,
            "crosswire: {} and {} ({scanned})",
            plural(errors, "error"),
            plural(warnings, "warning"),
        )
    }
}

fn render_finding(
    handler: &GraphicalReportHandler,
    path: &str,
    text: &str,
    lines: &LineIndex,
    finding: &Finding,
) -> Option<String> {
    let diagnostic = &finding.diagnostic;
    // Labels in other files are told in the help: the excerpt shows one file.
    let elsewhere: Vec<String> = diagnostic
        .labels
        .iter()
        .filter_map(|label| {
            let place = label.elsewhere.as_ref()?;
            Some(format!("{}:{}: {}", place.path, place.line, label.message))
        })
        .collect();
    let help = match (&diagnostic.help, elsewhere.is_empty()) {
        (help, true) => help.clone(),
        (Some(help), false) => Some(format!("{help}; see {}", elsewhere.join("; "))),
        (None, false) => Some(format!("see {}", elsewhere.join("; "))),
    };
    let drawing = Drawing {
        code: finding.rule,
        severity: match finding.severity {
            Severity::Error => miette::Severity::Error,
            _ => miette::Severity::Warning,
        },
        message: &diagnostic.message,
        help: help.as_deref(),
        source: Some((path, text, lines)),
        labels: std::iter::once((diagnostic.span.clone(), diagnostic.span_label.as_deref()))
            .chain(
                diagnostic
                    .labels
                    .iter()
                    .filter(|label| label.elsewhere.is_none())
                    .map(|label| (label.span.clone(), Some(label.message.as_str()))),
            )
            .collect(),
    };
    draw(handler, &drawing)
}

/// `path:line:col: severity rule: message`, as the compact format prints it.
fn plain_line(file: &FileResult, finding: &Finding) -> String {
    let (start, _) = positions(file, &finding.diagnostic.span);
    format!(
        "{}:{}:{}: {} {}: {}",
        escape_for_terminal(&file.path),
        start.line,
        start.column,
        finding.severity,
        finding.rule,
        escape_for_terminal(&finding.diagnostic.message)
    )
}

/// The lines of a file that one finding's labels need, as miette reads them.
struct Excerpt {
    /// The file's name, escaped.
    name: String,
    /// The lines, windowed and made safe, each ended by `\n` but the file's last.
    text: String,
    lines: Vec<ExcerptLine>,
    /// The real 0-based column (in characters) of each excerpt offset a label starts at.
    columns: BTreeMap<usize, usize>,
    /// Lines in the file.
    total_lines: usize,
}

struct ExcerptLine {
    /// 1-based line in the file.
    number: usize,
    /// Where the line starts in the excerpt's text.
    start: usize,
    /// Where it ends, before its `\n`.
    end: usize,
}

impl Excerpt {
    /// The excerpt for labels at `spans` (byte ranges of `text`, which may be out of
    /// range or split a character: they are clamped and widened), and the spans mapped
    /// into the excerpt.
    fn new(
        name: String,
        text: &str,
        index: &LineIndex,
        spans: &[Range<usize>],
    ) -> (Excerpt, Vec<SourceSpan>) {
        let line_count = index.line_count();
        // Offsets inside a line break count as the end of the line's text.
        let clamp = |offset: usize| {
            let offset = floor_char_boundary(text, offset.min(text.len()));
            let line = index.line_of(offset);
            offset.min(index.line_range(text, line).end)
        };
        // The header's column is the one every other format reports for the span.
        let columns: Vec<usize> = spans
            .iter()
            .map(|span| index.position(text, span.start).column - 1)
            .collect();
        let spans: Vec<Range<usize>> = spans
            .iter()
            .map(|span| {
                let start = clamp(span.start);
                let mut end = span.end.max(span.start).min(text.len());
                while !text.is_char_boundary(end) {
                    end += 1;
                }
                start..clamp(end).max(start)
            })
            .collect();
        let mut wanted = std::collections::BTreeSet::new();
        let mut points: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
        for span in &spans {
            points
                .entry(index.line_of(span.start))
                .or_default()
                .push(span.start);
            points
                .entry(index.line_of(span.end))
                .or_default()
                .push(span.end);
        }
        // The empty line after a final line break is no line to miette.
        let last_line = if text.ends_with(['\n', '\r']) {
            line_count - 1
        } else {
            line_count
        };
        for (top, bottom) in snippets(index, last_line, &spans) {
            wanted.extend(top..=bottom);
        }
        wanted.extend(points.keys().copied());
        let mut excerpt = Excerpt {
            name,
            text: String::new(),
            lines: Vec::new(),
            columns: BTreeMap::new(),
            total_lines: line_count,
        };
        let mut mapped_points = BTreeMap::new();
        for number in wanted {
            let range = index.line_range(text, number);
            let line_points = points.get(&number).map_or(&[][..], Vec::as_slice);
            let start = excerpt.text.len();
            window_line(
                text,
                range,
                line_points,
                &mut excerpt.text,
                &mut mapped_points,
            );
            excerpt.lines.push(ExcerptLine {
                number,
                start,
                end: excerpt.text.len(),
            });
            // As in the file, every line but the last ends with a line break: miette
            // draws an empty line only if its break is there.
            if number < line_count {
                excerpt.text.push('\n');
            }
        }
        let mapped: Vec<SourceSpan> = spans
            .iter()
            .zip(columns)
            .map(|(span, column)| {
                let start = mapped_points[&span.start];
                let end = mapped_points[&span.end].max(start);
                excerpt.columns.entry(start).or_insert(column);
                SourceSpan::from(start..end)
            })
            .collect();
        (excerpt, mapped)
    }

    /// What miette's merge test (`line() + line_count() >= next.line()`) reads as the
    /// count: miette's own sources count every line break from the top of the file, which
    /// merges snippets far apart on long files. Capped, snippets merge across at most
    /// [`MERGE_GAP_LINES`] lines.
    fn merge_count(&self, top: usize, bottom: usize) -> usize {
        let number = self.lines[bottom].number;
        let breaks = if number == self.total_lines {
            number - 1
        } else {
            number
        };
        breaks.min(bottom - top + 1 + MERGE_GAP_LINES)
    }

    /// The index of the excerpt line holding `offset`.
    fn line_at(&self, offset: usize) -> usize {
        self.lines
            .partition_point(|line| line.start <= offset)
            .saturating_sub(1)
    }
}

/// The snippets miette draws for labels at `spans` (clamped), as ranges of 1-based
/// lines: each label's lines with one line around, merged as `render_snippets` merges
/// them given [`Excerpt::merge_count`].
fn snippets(index: &LineIndex, last_line: usize, spans: &[Range<usize>]) -> Vec<(usize, usize)> {
    let total = index.line_count();
    let lines_of = |span: &Range<usize>| {
        let first = index.line_of(span.start);
        let last = index.line_of(span.end.saturating_sub(1).max(span.start));
        ((first - 1).max(1), (last + 1).min(last_line).max(last))
    };
    let merge_count = |top: usize, bottom: usize| {
        let breaks = if bottom == total { bottom - 1 } else { bottom };
        breaks.min(bottom - top + 1 + MERGE_GAP_LINES)
    };
    let mut sorted: Vec<&Range<usize>> = spans.iter().collect();
    sorted.sort_by_key(|span| span.start);
    let mut merged: Vec<(Range<usize>, (usize, usize))> = Vec::new();
    for span in sorted {
        let lines = lines_of(span);
        if let Some((left, (top, bottom))) = merged.last_mut()
            && *top - 1 + merge_count(*top, *bottom) >= lines.0 - 1
        {
            *left = left.start..left.end.max(span.end);
            (*top, *bottom) = lines_of(left);
            continue;
        }
        merged.push((span.clone(), lines));
    }
    merged.into_iter().map(|(_, lines)| lines).collect()
}

/// The columns a character takes in miette's output (every unsafe character is shown as
/// one visible character).
fn columns(c: char) -> usize {
    match c {
        '\t' => TAB_COLUMNS,
        c if is_unsafe_for_terminal(c) => 1,
        c => c.width().unwrap_or(0),
    }
}

/// What a character costs of a window: at least one, so that a run of zero-width
/// characters (combining marks) cannot make a window of unbounded length.
fn cost(c: char) -> usize {
    columns(c).max(1)
}

/// A character as shown: control characters become their visible symbol (tabs stay for
/// miette to expand), other unsafe characters the replacement character.
fn shown(c: char) -> char {
    match c {
        '\t' => '\t',
        '\u{0}'..='\u{1f}' => char::from_u32(0x2400 + u32::from(c)).unwrap_or('\u{FFFD}'),
        '\u{7f}' => '\u{2421}',
        c if is_unsafe_for_terminal(c) => '\u{FFFD}',
        c => c,
    }
}

/// Appends the line `range` of `text` to `out`: whole when it is short, else the windows
/// around `points` (byte offsets in `range`) joined by ellipses. Records where each point
/// lands in `out`.
fn window_line(
    text: &str,
    range: Range<usize>,
    points: &[usize],
    out: &mut String,
    mapped: &mut BTreeMap<usize, usize>,
) {
    let line = &text[range.clone()];
    let mut width = 0;
    let short = line.chars().all(|c| {
        width += cost(c);
        width <= WHOLE_LINE_COLUMNS
    });
    let windows: Vec<Range<usize>> = if short {
        std::iter::once(range.clone()).collect()
    } else if points.is_empty() {
        // A context line: its start.
        std::iter::once(range.start..forward(text, range.start, range.end, 2 * CONTEXT_COLUMNS))
            .collect()
    } else {
        // Many labels on one line share the width.
        let mut distinct: Vec<usize> = points.to_vec();
        distinct.sort_unstable();
        distinct.dedup();
        let side = (WHOLE_LINE_COLUMNS / (2 * distinct.len())).clamp(8, CONTEXT_COLUMNS);
        let mut windows: Vec<Range<usize>> = Vec::new();
        for &point in &distinct {
            let window =
                backward(text, range.start, point, side)..forward(text, point, range.end, side);
            match windows.last_mut() {
                // Overlapping or nearly touching windows become one.
                Some(last) if window.start <= last.end + ELLIPSIS.len() * 4 => {
                    last.end = last.end.max(window.end);
                }
                _ => windows.push(window),
            }
        }
        windows
    };
    let mut shown_up_to = range.start;
    for window in windows {
        if window.start > shown_up_to {
            out.push_str(ELLIPSIS);
        }
        for (at, c) in text[window.clone()].char_indices() {
            mapped.entry(window.start + at).or_insert(out.len());
            out.push(shown(c));
        }
        mapped.entry(window.end).or_insert(out.len());
        shown_up_to = window.end;
    }
    if shown_up_to < range.end {
        out.push_str(ELLIPSIS);
    }
    // Points past the line's text (a span ending at its line break) end it.
    for &point in points {
        mapped.entry(point).or_insert(out.len());
    }
}

/// Where a window that ends at `point` starts: `budget` columns back, not before `floor`,
/// and not between a character and the combining marks that follow it.
fn backward(text: &str, floor: usize, point: usize, budget: usize) -> usize {
    let mut start = point;
    let mut spent = 0;
    for (at, c) in text[floor..point].char_indices().rev() {
        spent += cost(c);
        if spent > budget {
            break;
        }
        start = floor + at;
    }
    // A few more characters for the base of a combining mark the cut would orphan.
    for _ in 0..4 {
        let orphaned = text[start..]
            .chars()
            .next()
            .is_some_and(|c| columns(c) == 0);
        if start == floor || !orphaned {
            break;
        }
        start = floor_char_boundary(text, start - 1);
    }
    start
}

/// Where a window that starts at `point` ends: `budget` columns on, not past `ceiling`.
fn forward(text: &str, point: usize, ceiling: usize, budget: usize) -> usize {
    let mut end = point;
    let mut spent = 0;
    for (at, c) in text[point..ceiling].char_indices() {
        spent += cost(c);
        if spent > budget {
            break;
        }
        end = point + at + c.len_utf8();
    }
    end
}

impl SourceCode for Excerpt {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let start = span.offset();
        let end = start + span.len();
        if end > self.text.len() || self.lines.is_empty() {
            return Err(MietteError::OutOfBounds);
        }
        let first = self.line_at(start);
        let last = self.line_at(end.saturating_sub(1).max(start));
        // Context stops at a gap: the excerpt's next line is not the file's next line.
        let mut top = first;
        for _ in 0..context_lines_before {
            if top > 0 && self.lines[top - 1].number + 1 == self.lines[top].number {
                top -= 1;
            }
        }
        let mut bottom = last;
        for _ in 0..context_lines_after {
            if bottom + 1 < self.lines.len()
                && self.lines[bottom].number + 1 == self.lines[bottom + 1].number
            {
                bottom += 1;
            }
        }
        // As miette's own sources do: without lines before, the contents start at the
        // span, and without lines after, they end with it.
        let data_start = if context_lines_before == 0 {
            start
        } else {
            self.lines[top].start
        };
        let data_end = if context_lines_after == 0 {
            end
        } else {
            (self.lines[bottom].end + 1).min(self.text.len())
        };
        let column = if context_lines_before == 0 {
            self.columns.get(&start).copied().unwrap_or(0)
        } else {
            0
        };
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            &self.text.as_bytes()[data_start..data_end],
            SourceSpan::from(data_start..data_end),
            self.lines[top].number - 1,
            column,
            self.merge_count(top, bottom),
        )))
    }
}

#[cfg(test)]
// The tests pass lists of spans; a list of one is still a list.
#[allow(clippy::single_range_in_vec_init)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::diagnostic::{Diagnostic, Label};

    fn report_of(text: &str, spans: &[Range<usize>]) -> RunReport {
        let mut diagnostic = Diagnostic::new("message", spans[0].clone()).with_span_label("here");
        diagnostic.labels = spans[1..]
            .iter()
            .map(|span| Label {
                elsewhere: None,
                span: span.clone(),
                message: "there".into(),
            })
            .collect();
        let file = FileResult {
            path: "f.js".into(),
            parsed: true,
            deferred: false,
            findings: vec![Finding {
                rule: "postmessage-wildcard-origin",
                severity: Severity::Error,
                diagnostic,
                fingerprint: String::new(),
            }],
            text: Some(Arc::from(text)),
            lines: Some(LineIndex::new(text)),
            page: Default::default(),
            project: Default::default(),
            content_hash: None,
            cache_key: None,
            stamp: None,
            cached: false,
            reported_in_part: false,
            skipped_words: None,
            scripts_wait: false,
            waiting_imports: Vec::new(),
        };
        RunReport {
            files_scanned: 1,
            files: vec![file],
            ..RunReport::default()
        }
    }

    fn render_text(text: &str, spans: &[Range<usize>]) -> String {
        let mut out = Vec::new();
        let options = RenderOptions {
            color: false,
            width: 100,
        };
        render(&report_of(text, spans), &options, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    /// Renders and checks what holds for every input: a drawing (not the fallback line),
    /// the real position in the header, no raw control character, no line past a few
    /// hundred columns.
    fn check(text: &str, spans: &[Range<usize>]) -> String {
        let output = render_text(text, spans);
        let index = LineIndex::new(text);
        let start = index.position(text, spans[0].start.min(text.len()));
        assert!(
            output.contains(&format!("[f.js:{}:{}]", start.line, start.column)),
            "header of {:?} at {spans:?}:\n{output}",
            text.chars().take(80).collect::<String>()
        );
        assert!(
            !output
                .chars()
                .any(|c| is_unsafe_for_terminal(c) && c != '\n'),
            "{output}"
        );
        let widest = output
            .lines()
            .map(|line| line.chars().map(columns).sum::<usize>())
            .max()
            .unwrap();
        assert!(widest <= 400, "a line of {widest} columns:\n{output}");
        output
    }

    #[test]
    fn findings_of_a_file_without_its_text_are_still_printed() {
        let mut report = report_of("parent.postMessage(1, \"*\")", &[0..18]);
        report.files[0].text = None;
        let mut out = Vec::new();
        let options = RenderOptions {
            color: false,
            width: 100,
        };
        render(&report, &options, &mut out).unwrap();
        let output = String::from_utf8(out).unwrap();
        assert!(
            output.starts_with("f.js:1:1: error postmessage-wildcard-origin: message"),
            "{output}"
        );
    }

    #[test]
    fn short_lines_are_shown_whole() {
        let text = "let a = 1;\nparent.postMessage(a, \"*\");\nlet b = 2;\n";
        let output = check(text, &[11..29, 33..36]);
        assert!(
            output.contains(" 2 │ parent.postMessage(a, \"*\");"),
            "{output}"
        );
        assert!(!output.contains(ELLIPSIS), "{output}");
    }

    #[test]
    fn long_lines_are_windowed_around_the_span_before_at_and_after() {
        let call = "parent.postMessage(a,\"*\")";
        let filler = "x=y+z;".repeat(20_000);
        for text in [
            format!("{filler}{call}"),
            format!("{call}{filler}"),
            format!("{filler}{call}{filler}"),
            format!("{filler}\n{call}\n{filler}"),
        ] {
            let at = text.find(call).unwrap();
            let output = check(&text, &[at..at + 18]);
            assert!(output.contains(call), "{output}");
        }
    }

    #[test]
    fn a_span_longer_than_the_window_and_labels_far_apart_are_cut_between() {
        let filler = "a".repeat(100_000);
        let text = format!("{filler}[{filler}]{filler}X{filler}");
        let open = 100_000;
        let close = 200_001;
        let x = text.find('X').unwrap();
        let output = check(&text, &[open..close + 1, x..x + 1, 5..6]);
        assert!(output.matches(ELLIPSIS).count() >= 3, "{output}");
        assert!(output.contains("there"), "{output}");
    }

    #[test]
    fn tabs_wide_and_combining_characters_cannot_widen_a_window() {
        for prefix in ["\t", "漢", "🦀", "e\u{301}", "\u{301}", "\u{200b}"] {
            let text = format!("{}parent.postMessage(a,\"*\")", prefix.repeat(30_000));
            let at = text.find("parent").unwrap();
            check(&text, &[at..at + 18]);
        }
    }

    #[test]
    fn control_characters_are_shown_as_symbols() {
        let text = "a\u{1b}[2J\u{7}\u{202E}\u{9b}b; parent.postMessage(1, \"*\")";
        let at = text.find("parent").unwrap();
        let output = check(text, &[at..at + 18]);
        assert!(output.contains("a␛[2J␇\u{FFFD}\u{FFFD}b;"), "{output}");
    }

    #[test]
    fn spans_at_the_end_out_of_range_inside_characters_and_across_lines() {
        let long = "z".repeat(70_000);
        let texts = [
            "parent.postMessage(1, \"*\")".to_string(),
            "a\r\nparent.postMessage(1, \"*\")\r\n".to_string(),
            "a\rb\rc\r".to_string(),
            format!("é{long}é\n{long}é"),
            format!("{long}\n{{\n{long}\n}}\n"),
            String::new(),
        ];
        for text in &texts {
            let len = text.len();
            let mut spans = vec![
                0..len,
                len..len,
                len.saturating_sub(1)..len,
                1..2,
                len / 2..len / 2 + 3,
                len + 5..len + 10,
                Range { start: 3, end: 1 },
            ];
            if let Some(brace) = text.find('{') {
                spans.push(brace..text.rfind('}').unwrap() + 1);
            }
            for span in &spans {
                for label in &spans {
                    let output = render_text(text, &[span.clone(), label.clone()]);
                    assert!(output.contains("f.js"), "{output}");
                    assert!(
                        !output
                            .chars()
                            .any(|c| is_unsafe_for_terminal(c) && c != '\n'),
                        "{output}"
                    );
                }
            }
        }
    }

    #[test]
    fn colour_output_windows_long_lines_too() {
        let text = format!("{}parent.postMessage(1, \"*\")", "\t".repeat(20_000));
        let at = text.find("parent").unwrap();
        let mut out = Vec::new();
        let options = RenderOptions {
            color: true,
            width: 100,
        };
        render(&report_of(&text, &[at..at + 18]), &options, &mut out).unwrap();
        let output = String::from_utf8(out).unwrap();
        assert!(output.contains("f.js:1:20001"), "{output}");
        assert!(output.len() < 4_000, "{output}");
    }

    /// Pieces of hostile text: every kind of line break, tabs, wide, combining and
    /// zero-width characters, controls, bidi overrides, and lines past column 65,535.
    const PIECES: &[&str] = &[
        "a",
        "é",
        "漢",
        "🦀",
        "\t",
        "\n",
        "\r\n",
        "\r",
        "\u{301}",
        "\u{200b}",
        "\u{1b}[2J",
        "\u{202E}",
        "\u{9b}",
        "\u{0}",
        "\u{FEFF}",
        " ",
        "(",
        "}",
    ];

    fn hostile_text() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        let piece = prop_oneof![
            12 => proptest::sample::select(PIECES).prop_map(str::to_string),
            1 => (1usize..4).prop_map(|n| "x".repeat(n * 30_000)),
            1 => (1usize..3).prop_map(|n| "\t".repeat(n * 9_000)),
        ];
        proptest::collection::vec(piece, 0..40).prop_map(|pieces| pieces.concat())
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
        /// Any text, any spans (out of range, reversed, inside characters or line
        /// breaks): drawn by miette (no fallback), with the header every other format
        /// would give, nothing raw for the terminal, and no line past a few hundred columns.
        #[test]
        fn any_span_of_any_text_is_drawn(
            text in hostile_text(),
            spans in proptest::collection::vec((0usize..400_000, 0usize..400_000), 1..4),
        ) {
            let spans: Vec<Range<usize>> = spans
                .into_iter()
                .map(|(start, end)| Range { start: start % (text.len() + 3), end: end % (text.len() + 3) })
                .collect();
            check(&text, &spans);
        }
    }

    #[test]
    fn a_multi_line_span_keeps_the_real_line_numbers() {
        let text = format!("{}\nfunction f() {{\n  x();\n}}\n", "q".repeat(50_000));
        let start = text.find("function").unwrap();
        let end = text.rfind('}').unwrap() + 1;
        let output = check(&text, &[start..end]);
        assert!(output.contains(" 2 │ ╭─▶ function f() {"), "{output}");
        assert!(output.contains(" 4 │ ├─▶ }"), "{output}");
    }
}
