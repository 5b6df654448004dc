//! Scripts inside HTML, Vue, Svelte and Astro files, found with a real HTML
//! tokenizer (html5gum), each with its byte range in the original file so that
//! findings point into it. HTML pages also say which scripts they load and which
//! documents they embed.

use std::ops::Range;

use html5gum::{DefaultEmitter, Token, Tokenizer};
use serde::{Deserialize, Serialize};

use crate::source::{FileKind, Language};

/// One piece of script in a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScriptBlock {
    /// Byte range of the code in the file.
    pub range: Range<usize>,
    pub language: Language,
    /// The code as the parser should see it; `None` when it is the file's own text
    /// at `range` (attribute values with character references are decoded).
    pub decoded: Option<String>,
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
    /// Markup comments (not part of the page map).
    #[serde(skip, default)]
    pub comments: Vec<MarkupComment>,
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
        self.comments.extend(other.comments);
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

/// The language a `<script>` tag holds, or `None` for data and templates.
fn script_language(
    kind: FileKind,
    type_attribute: Option<&str>,
    lang: Option<&str>,
) -> Option<Language> {
    let typescript = match lang.map(str::to_ascii_lowercase).as_deref() {
        Some("ts" | "typescript") => true,
        Some("tsx") => return Some(Language::Tsx),
        Some("js" | "javascript" | "jsx") | None => kind == FileKind::Astro,
        Some(_) => return None,
    };
    let default = if typescript {
        Language::TypeScript
    } else {
        Language::JavaScript
    };
    match type_attribute
        .map(|t| t.trim().to_ascii_lowercase())
        .as_deref()
    {
        None | Some("") | Some("module") => Some(default),
        Some(t) if t.contains("javascript") || t.contains("ecmascript") => Some(default),
        Some("text/babel" | "text/jsx") => Some(Language::JavaScript),
        Some("text/typescript" | "application/typescript") => Some(Language::TypeScript),
        // JSON, import maps, templates, speculation rules: not code.
        Some(_) => None,
    }
}

fn markup(kind: FileKind, text: &str) -> (Vec<ScriptBlock>, PageRefs) {
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
    let mut open_script: Option<(usize, Option<Language>)> = None;
    for token in Tokenizer::new_with_emitter(body, emitter).flatten() {
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
                    if key.starts_with("on") && key.len() > 2 && kind == FileKind::Html {
                        let range = value_range(
                            text,
                            (value.span.start + body_start)..(value.span.end + body_start),
                        );
                        let decoded = String::from_utf8_lossy(value).into_owned();
                        let raw = text.get(range.clone()).unwrap_or_default();
                        blocks.push(ScriptBlock {
                            range,
                            language: Language::JavaScript,
                            decoded: (raw != decoded).then_some(decoded),
                        });
                    }
                }
                match name.as_str() {
                    "script" => {
                        let language = script_language(
                            kind,
                            attribute("type").as_deref(),
                            attribute("lang").as_deref(),
                        );
                        if let (Some(src), Some(span)) = (attribute("src"), attribute_span("src")) {
                            refs.scripts.push(Reference {
                                url: src,
                                via: "script".into(),
                                span,
                            });
                        }
                        if !tag.self_closing {
                            open_script = Some((tag.span.end + body_start, language));
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
                if name == "script"
                    && let Some((start, language)) = open_script.take()
                {
                    let end = tag.span.start + body_start;
                    let code = text.get(start..end).unwrap_or_default();
                    if let Some(language) = language
                        && !code.trim().is_empty()
                    {
                        blocks.push(ScriptBlock {
                            range: start..end,
                            language,
                            decoded: None,
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
