//! Scripts inside HTML, Vue, Svelte and Astro files, found with a real HTML
//! tokenizer (html5gum), each with its byte range in the original file so that
//! findings point into it. HTML pages also say which scripts they load and which
//! documents they embed.

use std::ops::Range;

use html5gum::{DefaultEmitter, Token, Tokenizer};
use serde::{Deserialize, Serialize};

use crate::decode::{self, Decoded};
use crate::source::{FileKind, Language};

/// One piece of script in a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScriptBlock {
    /// Byte range of the code in the file.
    pub range: Range<usize>,
    pub language: Language,
    /// The code as the parser should see it, and where each part of it was written in
    /// the file; `None` when it is the file's own text at `range` (attribute values with
    /// character references, CR or NUL, `javascript:` URLs and `srcdoc` documents are
    /// decoded).
    pub decoded: Option<Decoded>,
}

/// A reference from a page to another file or document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reference {
    /// The URL or path as written.
    pub url: String,
    /// The element or construct: `script`, `iframe`, `frame`, `object`, `Worker`, …
    pub via: String,
    /// Byte range of the reference in the file.
    pub span: Range<usize>,
}

/// A frame element of the markup with an `id`, which scripts find it by.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FrameElement {
    pub id: String,
    /// Its `src` as written.
    pub src: Option<String>,
    /// Its `sandbox` attribute's value (`""` for a bare `sandbox`).
    pub sandbox: Option<String>,
}

impl FrameElement {
    /// A `sandbox` without `allow-same-origin` gives the frame's document an opaque
    /// origin (`"null"`), whatever it loads: no target origin but `"*"` reaches it.
    pub fn opaque_by_attribute(&self) -> bool {
        self.sandbox.as_deref().is_some_and(|tokens| {
            !tokens
                .split_ascii_whitespace()
                .any(|token| token.eq_ignore_ascii_case("allow-same-origin"))
        })
    }
}

/// A markup comment (`<!-- … -->`), which may hold a suppression directive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MarkupComment {
    pub span: Range<usize>,
    pub text: String,
}

/// What a page loads, embeds, starts and opens.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageRefs {
    pub scripts: Vec<Reference>,
    pub frames: Vec<Reference>,
    pub workers: Vec<Reference>,
    pub popups: Vec<Reference>,
    /// Frame elements with an `id` (not part of the page map).
    #[serde(default)]
    pub frame_elements: Vec<FrameElement>,
    /// A script that sets some element's `src` or a frame's location, so may navigate a
    /// frame anywhere (not part of the page map).
    #[serde(default)]
    pub sets_sources: bool,
    /// Markup comments (not part of the page map).
    #[serde(skip, default)]
    pub comments: Vec<MarkupComment>,
    /// Functions the markup calls when the user acts: `connect` in
    /// `<button onclick="connect()">`, Vue's `@click="connect"`, Svelte's
    /// `on:click={connect}` (not part of the page map).
    #[serde(skip, default)]
    pub user_action_calls: Vec<String>,
    /// Functions the markup calls on other events (`<body onload="connect()">`).
    #[serde(skip, default)]
    pub other_handler_calls: Vec<String>,
}

impl PageRefs {
    pub fn is_empty(&self) -> bool {
        self.scripts.is_empty()
            && self.frames.is_empty()
            && self.workers.is_empty()
            && self.popups.is_empty()
    }

    pub fn extend(&mut self, other: PageRefs) {
        self.scripts.extend(other.scripts);
        self.frames.extend(other.frames);
        self.workers.extend(other.workers);
        self.popups.extend(other.popups);
        self.frame_elements.extend(other.frame_elements);
        self.sets_sources |= other.sets_sources;
        self.comments.extend(other.comments);
        self.user_action_calls.extend(other.user_action_calls);
        self.other_handler_calls.extend(other.other_handler_calls);
    }
}

/// The script blocks of a file and, for markup, the page's references.
pub fn split(kind: FileKind, text: &str) -> (Vec<ScriptBlock>, PageRefs) {
    match kind {
        FileKind::Script(language) => (
            vec![ScriptBlock {
                range: 0..text.len(),
                language,
                decoded: None,
            }],
            PageRefs::default(),
        ),
        FileKind::Html | FileKind::Vue | FileKind::Svelte | FileKind::Astro => markup(kind, text),
    }
}

/// Attributes whose URL the browser follows, runs in the page or in a frame of it when
/// it is a `javascript:` URL (links, frames, forms, SVG links).
const URL_ATTRIBUTES: &[&str] = &["href", "src", "action", "formaction", "xlink:href"];

/// What the HTML standard calls a "JavaScript MIME type essence match": every `type`
/// a browser runs as a classic script, matched without regard to ASCII case.
const JAVASCRIPT_TYPES: &[&str] = &[
    "application/ecmascript",
    "application/javascript",
    "application/x-ecmascript",
    "application/x-javascript",
    "text/ecmascript",
    "text/javascript",
    "text/javascript1.0",
    "text/javascript1.1",
    "text/javascript1.2",
    "text/javascript1.3",
    "text/javascript1.4",
    "text/javascript1.5",
    "text/jscript",
    "text/livescript",
    "text/x-ecmascript",
    "text/x-javascript",
];

/// The language a `<script>` tag holds, or `None` for data and templates.
///
/// In HTML the browser decides, from `type` and, without a `type`, from `language`
/// (the standard's "prepare the script element"); `lang` is the human language of the
/// element and changes nothing, though `lang="ts"` is honoured as a hint of TypeScript.
/// Vue, Svelte and Astro compile `<script>` by `lang`, so there an unknown `lang` is not
/// JavaScript.
fn script_language(
    kind: FileKind,
    type_attribute: Option<&str>,
    language_attribute: Option<&str>,
    lang: Option<&str>,
) -> Option<Language> {
    let typescript = match lang.map(str::to_ascii_lowercase).as_deref() {
        Some("ts" | "typescript") => true,
        Some("tsx") => return Some(Language::Tsx),
        Some("js" | "javascript" | "jsx") | None => kind == FileKind::Astro,
        Some(_) if kind == FileKind::Html => false,
        Some(_) => return None,
    };
    let default = if typescript {
        Language::TypeScript
    } else {
        Language::JavaScript
    };
    let type_string = match (type_attribute, language_attribute) {
        (Some(type_attribute), _) => type_attribute.to_string(),
        (None, Some(language)) if !language.is_empty() => format!("text/{language}"),
        (None, _) => String::new(),
    };
    let type_string = type_string
        .trim_matches(|c: char| c.is_ascii_whitespace())
        .to_ascii_lowercase();
    // Firefox ignores a MIME type's parameters (`text/javascript; charset=utf-8`); other
    // browsers do not run such a script, but one that does is enough.
    let essence = type_string
        .split(';')
        .next()
        .unwrap_or_default()
        .trim_matches(|c: char| c.is_ascii_whitespace());
    match essence {
        "" | "module" => Some(default),
        essence if JAVASCRIPT_TYPES.contains(&essence) => Some(default),
        // Loaders that defer scripts rename their type and run them later (Cloudflare's
        // Rocket Loader writes `<hash>-text/javascript`).
        essence if essence.contains("javascript") || essence.contains("ecmascript") => {
            Some(default)
        }
        "text/babel" | "text/jsx" => Some(Language::JavaScript),
        "text/typescript" | "application/typescript" => Some(Language::TypeScript),
        // JSON, import maps, templates, speculation rules: not code.
        _ => None,
    }
}

/// The HTML elements that end SVG or MathML content where they start (the tree builder's
/// "rules for parsing tokens in foreign content").
const BREAKOUT_TAGS: &[&str] = &[
    "b",
    "big",
    "blockquote",
    "body",
    "br",
    "center",
    "code",
    "dd",
    "div",
    "dl",
    "dt",
    "em",
    "embed",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "head",
    "hr",
    "i",
    "img",
    "li",
    "listing",
    "menu",
    "meta",
    "nobr",
    "ol",
    "p",
    "pre",
    "ruby",
    "s",
    "small",
    "span",
    "strong",
    "strike",
    "sub",
    "sup",
    "table",
    "tt",
    "u",
    "ul",
    "var",
];

/// How deep `srcdoc` documents inside `srcdoc` documents are read. Each level is the
/// attribute of the one above, escaped once more, so real pages stop at one or two.
pub const MAX_SRCDOC_DEPTH: usize = 8;

fn markup(kind: FileKind, text: &str) -> (Vec<ScriptBlock>, PageRefs) {
    markup_at_depth(kind, text, 0)
}

/// The scripts of an `<iframe srcdoc>` document, which runs as a frame of the page, with
/// where each was written in the file; and what it loads and embeds (its URLs resolve
/// against the page's).
fn srcdoc(written: &str, start: usize, depth: usize) -> (Vec<ScriptBlock>, PageRefs) {
    if depth >= MAX_SRCDOC_DEPTH {
        return (Vec::new(), PageRefs::default());
    }
    let decoded = decode::html_attribute(written);
    let document = decoded
        .as_ref()
        .map_or(written, |decoded| decoded.text.as_str());
    let to_file = decoded.as_ref().map(|decoded| decoded.map.clone());
    let to_file = || to_file.clone().unwrap_or_default().shifted(start);
    let (inner, mut refs) = markup_at_depth(FileKind::Html, document, depth + 1);
    let blocks = inner
        .into_iter()
        .map(|block| {
            let (text, map) = match block.decoded {
                Some(decoded) => (decoded.text, decoded.map),
                None => (
                    document[block.range.clone()].to_string(),
                    decode::OffsetMap::starting_at(block.range.start),
                ),
            };
            let map = map.then(Some(to_file()));
            ScriptBlock {
                range: map.range(0..text.len()),
                language: block.language,
                decoded: Some(Decoded { text, map }),
            }
        })
        .collect();
    let map = to_file();
    for reference in refs
        .scripts
        .iter_mut()
        .chain(&mut refs.frames)
        .chain(&mut refs.workers)
        .chain(&mut refs.popups)
    {
        reference.span = map.range(reference.span.clone());
    }
    // Its comments are text of an attribute, not comments of the file.
    refs.comments.clear();
    (blocks, refs)
}

fn markup_at_depth(kind: FileKind, text: &str, depth: usize) -> (Vec<ScriptBlock>, PageRefs) {
    let mut blocks = Vec::new();
    let mut refs = PageRefs::default();
    let mut body_start = 0;
    if kind == FileKind::Astro
        && let Some(frontmatter) = astro_frontmatter(text)
    {
        body_start = frontmatter.end;
        blocks.push(ScriptBlock {
            range: frontmatter,
            language: Language::TypeScript,
            decoded: None,
        });
    }
    let mut emitter = DefaultEmitter::<usize>::new_with_span();
    emitter.naively_switch_states(true);
    let body = &text[body_start..];
    // An open `<script>`: where its code starts and what it holds.
    // An open `<script>`: where its code starts, what it holds, and whether it is an SVG
    // or MathML script, whose text is not raw.
    let mut open_script: Option<(usize, Option<Language>, bool)> = None;
    // How many `<svg>` and `<math>` elements are open: their content is foreign.
    let mut foreign_depth = 0usize;
    let mut tokenizer = Tokenizer::new_with_emitter(body, emitter);
    while let Some(token) = tokenizer.next() {
        let Ok(token) = token;
        match token {
            Token::StartTag(tag) => {
                let name = String::from_utf8_lossy(&tag.name).to_ascii_lowercase();
                let attribute = |key: &str| {
                    tag.attributes
                        .get(key.as_bytes())
                        .map(|value| String::from_utf8_lossy(value).into_owned())
                };
                let attribute_span = |key: &str| {
                    tag.attributes.get(key.as_bytes()).map(|value| {
                        value_range(
                            text,
                            (value.span.start + body_start)..(value.span.end + body_start),
                        )
                    })
                };
                for (key, value) in &tag.attributes {
                    let key = String::from_utf8_lossy(key).to_ascii_lowercase();
                    if let Some(event) = handler_event(kind, &key) {
                        let names = called_names(&String::from_utf8_lossy(value));
                        if crate::semantic::user_actions::is_user_event(event) {
                            refs.user_action_calls.extend(names);
                        } else {
                            refs.other_handler_calls.extend(names);
                        }
                    }
                    if kind != FileKind::Html {
                        continue;
                    }
                    let event_handler = key.starts_with("on") && key.len() > 2;
                    if !event_handler && !URL_ATTRIBUTES.contains(&key.as_str()) {
                        continue;
                    }
                    let range = value_range(
                        text,
                        (value.span.start + body_start)..(value.span.end + body_start),
                    );
                    let written = text.get(range.clone()).unwrap_or_default();
                    let decoded = if event_handler {
                        decode::html_attribute(written)
                    } else {
                        match decode::javascript_url(written) {
                            Some(code) => Some(code),
                            None => continue,
                        }
                    };
                    blocks.push(ScriptBlock {
                        decoded: decoded.map(|decoded| Decoded {
                            map: decoded.map.shifted(range.start),
                            text: decoded.text,
                        }),
                        range,
                        language: Language::JavaScript,
                    });
                }
                if kind == FileKind::Html && foreign_depth > 0 {
                    if BREAKOUT_TAGS.contains(&name.as_str()) {
                        foreign_depth = 0;
                    } else if name != "script" {
                        // In SVG and MathML no element's text is raw (`<title>`, `<style>`,
                        // `<title/>`): the tokenizer goes on reading markup.
                        tokenizer.set_state(html5gum::State::Data);
                    }
                }
                if matches!(name.as_str(), "svg" | "math") && !tag.self_closing {
                    foreign_depth += 1;
                }
                if matches!(name.as_str(), "iframe" | "frame")
                    && let Some(id) = attribute("id")
                {
                    refs.frame_elements.push(FrameElement {
                        id: id.trim().to_string(),
                        src: attribute("src"),
                        sandbox: attribute("sandbox"),
                    });
                }
                match name.as_str() {
                    "script" => {
                        let language = script_language(
                            kind,
                            attribute("type").as_deref(),
                            attribute("language").as_deref(),
                            attribute("lang").as_deref(),
                        );
                        // An SVG script names its file with `href` or `xlink:href`.
                        let source = ["src", "href", "xlink:href"]
                            .into_iter()
                            .find_map(|key| Some((attribute(key)?, attribute_span(key)?)));
                        if let Some((url, span)) = source {
                            refs.scripts.push(Reference {
                                url,
                                via: "script".into(),
                                span,
                            });
                        }
                        let foreign = kind == FileKind::Html && foreign_depth > 0;
                        // HTML ignores `/>` on a `<script>` and reads what follows as its code,
                        // up to `</script>`; SVG and MathML close it. Vue, Svelte and Astro
                        // close it too.
                        if tag.self_closing && (foreign || kind != FileKind::Html) {
                            tokenizer.set_state(html5gum::State::Data);
                        } else {
                            open_script = Some((tag.span.end + body_start, language, foreign));
                        }
                    }
                    "iframe" if kind == FileKind::Html => {
                        if let Some(span) = attribute_span("srcdoc") {
                            let written = text.get(span.clone()).unwrap_or_default();
                            let (inner, inner_refs) = srcdoc(written, span.start, depth);
                            blocks.extend(inner);
                            refs.extend(inner_refs);
                        }
                        if let (Some(src), Some(span)) = (attribute("src"), attribute_span("src")) {
                            refs.frames.push(Reference {
                                url: src,
                                via: name.clone(),
                                span,
                            });
                        }
                    }
                    "iframe" | "frame" => {
                        if let (Some(src), Some(span)) = (attribute("src"), attribute_span("src")) {
                            refs.frames.push(Reference {
                                url: src,
                                via: name.clone(),
                                span,
                            });
                        }
                    }
                    "object" => {
                        if let (Some(data), Some(span)) =
                            (attribute("data"), attribute_span("data"))
                        {
                            refs.frames.push(Reference {
                                url: data,
                                via: "object".into(),
                                span,
                            });
                        }
                    }
                    _ => {}
                }
            }
            Token::Comment(comment) => {
                refs.comments.push(MarkupComment {
                    span: (comment.span.start + body_start)..(comment.span.end + body_start),
                    text: String::from_utf8_lossy(&comment.value).into_owned(),
                });
            }
            Token::EndTag(tag) => {
                let name = String::from_utf8_lossy(&tag.name).to_ascii_lowercase();
                if matches!(name.as_str(), "svg" | "math") {
                    foreign_depth = foreign_depth.saturating_sub(1);
                }
                if name == "script"
                    && let Some((start, language, foreign)) = open_script.take()
                {
                    let end = tag.span.start + body_start;
                    let code = text.get(start..end).unwrap_or_default();
                    if let Some(language) = language
                        && !code.trim().is_empty()
                    {
                        let decoded = if foreign {
                            decode::foreign_script(code).map(|decoded| Decoded {
                                map: decoded.map.shifted(start),
                                text: decoded.text,
                            })
                        } else {
                            None
                        };
                        blocks.push(ScriptBlock {
                            range: start..end,
                            language,
                            decoded,
                        });
                    }
                }
            }
            _ => {}
        }
    }
    blocks.sort_by_key(|block| block.range.start);
    (blocks, refs)
}

/// The event an attribute handles: `onclick` in HTML, `@click` and `v-on:click` in Vue,
/// `on:click` in Svelte (modifiers dropped).
fn handler_event(kind: FileKind, key: &str) -> Option<&str> {
    let event = match kind {
        FileKind::Html => key.strip_prefix("on")?,
        FileKind::Vue => key
            .strip_prefix('@')
            .or_else(|| key.strip_prefix("v-on:"))?,
        FileKind::Svelte => key.strip_prefix("on:")?,
        _ => return None,
    };
    event.split(['.', '|']).next()
}

/// The names an event handler attribute calls or names: `connect` in `connect()`,
/// `return disconnect(1000);`, `connect` (Vue) and `{connect}` (Svelte); not members
/// (`app.connect()`) or keywords. Character references are read as written, which at
/// worst misses a name.
fn called_names(code: &str) -> Vec<String> {
    let trimmed = code
        .trim()
        .trim_start_matches('{')
        .trim_end_matches('}')
        .trim();
    let is_name_char = |c: char| c.is_alphanumeric() || c == '_' || c == '$';
    if !trimmed.is_empty() && trimmed.chars().all(is_name_char) {
        return vec![trimmed.to_string()];
    }
    let mut names = Vec::new();
    let mut rest = code;
    let mut before = ' ';
    while let Some(start) = rest.find(is_name_char) {
        let previous = rest[..start].chars().last().unwrap_or(before);
        let tail = &rest[start..];
        let end = tail.find(|c: char| !is_name_char(c)).unwrap_or(tail.len());
        let name = &tail[..end];
        let after = tail[end..].trim_start();
        if previous != '.'
            && after.starts_with('(')
            && !name.starts_with(|c: char| c.is_ascii_digit())
            && !matches!(
                name,
                "if" | "while" | "for" | "switch" | "return" | "function" | "typeof" | "catch"
            )
        {
            names.push(name.to_string());
        }
        before = name.chars().last().unwrap_or(before);
        rest = &tail[end..];
    }
    names
}

/// The text the analysis reads: the file's own, then the decoded code of each block
/// that needed decoding, after a line break, at offsets past the end of the file. The
/// rules quote code from this text (`parent.postMessage`, not `parent.post&#77;essage`),
/// and [`AnalysisText::to_file`] brings every offset back into the file.
pub struct AnalysisText<'a> {
    pub text: std::borrow::Cow<'a, str>,
    file_len: usize,
    /// The decoded regions, ascending: where each starts in `text`, and the block's
    /// offset map into the file.
    regions: Vec<(usize, &'a decode::OffsetMap)>,
    /// Where each block's code starts in `text`.
    bases: Vec<usize>,
}

impl<'a> AnalysisText<'a> {
    pub fn new(file: &'a str, blocks: &'a [ScriptBlock]) -> AnalysisText<'a> {
        let mut text = std::borrow::Cow::Borrowed(file);
        let mut regions = Vec::new();
        let mut bases = Vec::with_capacity(blocks.len());
        for block in blocks {
            let Some(decoded) = &block.decoded else {
                bases.push(block.range.start);
                continue;
            };
            let text = text.to_mut();
            text.push('\n');
            regions.push((text.len(), &decoded.map));
            bases.push(text.len());
            text.push_str(&decoded.text);
        }
        AnalysisText {
            text,
            file_len: file.len(),
            regions,
            bases,
        }
    }

    /// The code of block `index` and where it starts in [`AnalysisText::text`].
    pub fn code(&self, blocks: &[ScriptBlock], index: usize) -> (&str, usize) {
        let base = self.bases[index];
        let len = blocks[index]
            .decoded
            .as_ref()
            .map_or(blocks[index].range.len(), |decoded| decoded.text.len());
        (&self.text[base..base + len], base)
    }

    /// Whether any offset needs bringing back into the file.
    pub fn is_file(&self) -> bool {
        self.regions.is_empty()
    }

    /// A range of [`AnalysisText::text`] as a range of the file.
    pub fn to_file(&self, range: std::ops::Range<usize>) -> std::ops::Range<usize> {
        if range.start <= self.file_len {
            return range.start..range.end.min(self.file_len).max(range.start);
        }
        let at = self
            .regions
            .partition_point(|(start, _)| *start <= range.start);
        let Some((start, map)) = at.checked_sub(1).map(|at| self.regions[at]) else {
            return self.file_len..self.file_len;
        };
        let file = map.range((range.start - start)..(range.end.max(range.start) - start));
        file.start.min(self.file_len)..file.end.min(self.file_len)
    }
}

/// The value inside an attribute's span (`name="value"` → `value`).
fn value_range(text: &str, attribute: Range<usize>) -> Range<usize> {
    let Some(raw) = text.get(attribute.clone()) else {
        return attribute;
    };
    let Some(equals) = raw.find('=') else {
        return attribute.end..attribute.end;
    };
    let after = &raw[equals + 1..];
    let skipped = after.len() - after.trim_start().len();
    let mut start = attribute.start + equals + 1 + skipped;
    let mut end = attribute.end;
    if let Some(quote) = text[start..end]
        .chars()
        .next()
        .filter(|c| *c == '"' || *c == '\'')
    {
        start += 1;
        if text[start..end].ends_with(quote) {
            end -= 1;
        }
    }
    start..end.max(start)
}

/// Astro's `---` fenced frontmatter at the start of the file: the code between the fences.
fn astro_frontmatter(text: &str) -> Option<Range<usize>> {
    let leading = text.len() - text.trim_start().len();
    let rest = &text[leading..];
    let after_fence = rest.strip_prefix("---")?;
    let code_start = leading + 3;
    let close = after_fence.find("\n---")?;
    Some(code_start..code_start + close + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_scripts_and_attributes_keep_their_offsets() {
        let html = "<html><script src=\"/a.js\"></script>\n<script type=\"application/json\">{\"x\":1}</script>\n<script>let a = 1;</script><button onclick=\"go(&quot;x&quot;)\">x</button><iframe src=\"frame.html\"></iframe></html>";
        let (blocks, refs) = split(FileKind::Html, html);
        assert_eq!(blocks.len(), 2);
        assert_eq!(&html[blocks[0].range.clone()], "let a = 1;");
        assert_eq!(blocks[1].decoded.as_deref(), Some("go(\"x\")"));
        assert_eq!(refs.scripts[0].url, "/a.js");
        assert_eq!(refs.frames[0].url, "frame.html");
    }

    #[test]
    fn srcdoc_documents_are_read_to_a_bounded_depth() {
        let nested = |levels: usize| {
            let mut document = "<script>go()</script>".to_string();
            for _ in 0..levels {
                let escaped = document.replace('&', "&amp;").replace('"', "&quot;");
                document = format!("<iframe srcdoc=\"{escaped}\"></iframe>");
            }
            document
        };
        let shallow = nested(MAX_SRCDOC_DEPTH);
        let (blocks, _) = split(FileKind::Html, &shallow);
        assert_eq!(blocks.len(), 1);
        assert_eq!(blocks[0].decoded.as_deref(), Some("go()"));
        assert_eq!(&shallow[blocks[0].range.clone()], "go()");
        let (blocks, _) = split(FileKind::Html, &nested(MAX_SRCDOC_DEPTH + 1));
        assert!(blocks.is_empty());
    }

    #[test]
    fn names_called_from_user_event_attributes() {
        let html = "<button onclick=\"connect()\">C</button><button onClick='return app.stop(); \
                    disconnect (1000)'>D</button><body onload=\"boot()\">";
        let (_, refs) = split(FileKind::Html, html);
        assert_eq!(refs.user_action_calls, ["connect", "disconnect"]);
        assert_eq!(refs.other_handler_calls, ["boot"]);
        let vue = "<template><button @click.prevent=\"connect\">C</button>\
                   <button v-on:click=\"disconnect()\">D</button></template>";
        let (_, refs) = split(FileKind::Vue, vue);
        assert_eq!(refs.user_action_calls, ["connect", "disconnect"]);
        let svelte = "<button on:click|preventDefault={connect}>C</button>\
                      <button on:click=\"{() => disconnect()}\">D</button>";
        let (_, refs) = split(FileKind::Svelte, svelte);
        assert_eq!(refs.user_action_calls, ["connect", "disconnect"]);
    }

    #[test]
    fn vue_svelte_and_astro_blocks() {
        let vue =
            "<template><div/></template>\n<script setup lang=\"ts\">const x: number = 1;</script>";
        let (blocks, _) = split(FileKind::Vue, vue);
        assert_eq!(blocks[0].language, Language::TypeScript);
        assert_eq!(&vue[blocks[0].range.clone()], "const x: number = 1;");
        let astro = "---\nconst title = \"x\";\n---\n<h1>{title}</h1><script>let y = 2;</script>";
        let (blocks, _) = split(FileKind::Astro, astro);
        assert_eq!(&astro[blocks[0].range.clone()], "\nconst title = \"x\";\n");
        assert_eq!(&astro[blocks[1].range.clone()], "let y = 2;");
        assert_eq!(blocks[1].language, Language::TypeScript);
    }
}
