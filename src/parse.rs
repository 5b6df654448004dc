//! Parsing with swc, and scope resolution so that every identifier names one binding.

use std::ops::Range;

use swc_common::Spanned;
use swc_common::comments::{CommentKind, SingleThreadedComments};
use swc_common::{BytePos, GLOBALS, Globals, Mark, SyntaxContext};
use swc_ecma_ast::{EsVersion, Program};
use swc_ecma_parser::{EsSyntax, FlowSyntax, Lexer, Parser, StringInput, Syntax, TsSyntax};
use swc_ecma_transforms_base::resolver;

use crate::source::Language;

/// swc reserves `BytePos(0)` for "no position", so offsets are shifted by one.
const POS_BASE: u32 = 1;

pub fn byte_offset(pos: BytePos) -> usize {
    pos.0.saturating_sub(POS_BASE) as usize
}

pub fn span_range(span: swc_common::Span) -> Range<usize> {
    byte_offset(span.lo)..byte_offset(span.hi)
}

/// A comment with its byte range in the file.
#[derive(Debug, Clone)]
pub struct CommentText {
    pub span: Range<usize>,
    pub text: String,
    pub is_block: bool,
}

/// A program and the comments found in it.
pub struct ParsedScript {
    pub program: Program,
    pub comments: Vec<CommentText>,
    /// For TypeScript and Flow, which swc's resolver has resolved: the context of
    /// unresolved identifiers (globals such as `window`). Plain JavaScript is left
    /// unresolved here; the semantic pass works out its scopes as it walks.
    pub unresolved: Option<SyntaxContext>,
}

#[derive(Debug, Clone)]
pub struct SyntaxError {
    pub span: Range<usize>,
    pub message: String,
    /// The code is not wrong but nested past the stack room ([`TOO_DEEP`]).
    pub too_deep: bool,
}

impl SyntaxError {
    fn new(span: Range<usize>, message: String) -> SyntaxError {
        SyntaxError {
            span,
            message,
            too_deep: false,
        }
    }

    /// Code nested past the stack room, from `at` on.
    pub fn too_deep(at: usize) -> SyntaxError {
        SyntaxError {
            span: at..at,
            message: TOO_DEEP.into(),
            too_deep: true,
        }
    }
}

/// What the parse error of code nested deeper than the stack room allows says (after
/// "this file is"): about 10,000 levels in a release build, fewer in a test build.
pub const TOO_DEEP: &str = "nested more deeply than crosswire can follow (thousands of \
     levels), so it was not linted";

thread_local! {
    static IN_PARSER: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Whether this thread is inside swc's parser. The parser has `unreachable!`s that
/// some invalid input reaches (found by fuzzing: `<a:b.c>` in JSX); such a panic is
/// reported as a parse error of the file, so panic hooks should stay quiet for it.
pub fn in_parser() -> bool {
    IN_PARSER.get()
}

/// Installs a panic hook that stays quiet for the parser's panics (see [`in_parser`])
/// and defers to the hook in place for every other panic.
pub fn quiet_parser_panics() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if !in_parser() {
            previous(info);
        }
    }));
}

/// The message a panic carried, if it was a string.
pub fn panic_reason(payload: &(dyn std::any::Any + Send)) -> &str {
    payload
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| payload.downcast_ref::<&str>().copied())
        .unwrap_or("no reason given")
}

/// Runs `f` with swc's per-thread hygiene state, which scope resolution needs.
pub fn with_globals<T>(f: impl FnOnce() -> T) -> T {
    GLOBALS.set(&Globals::new(), f)
}

/// Parses `text`, which starts at byte `base` of its file; TypeScript and Flow also get
/// swc's scope resolution.
/// Must run inside [`with_globals`].
pub fn parse_script(
    text: &str,
    base: usize,
    language: Language,
) -> Result<ParsedScript, SyntaxError> {
    let first = parse_with(text, base, syntax_for(language));
    let (program, comments, typescript) = match first {
        Ok((program, comments)) => (program, comments, language != Language::JavaScript),
        Err(error) if language == Language::JavaScript => {
            // Plain `.js` files may carry Flow annotations, with or without a pragma.
            match parse_with(text, base, flow_syntax()) {
                Ok((program, comments)) => (program, comments, true),
                Err(flow_error) if has_flow_pragma(text) => {
                    return Err(SyntaxError::new(
                        flow_error.span,
                        format!(
                            "{} (the file is marked @flow: if this is valid Flow, it uses Flow \
                             syntax that crosswire's parser does not support)",
                            flow_error.message
                        ),
                    ));
                }
                Err(_) => return Err(error),
            }
        }
        Err(error) => return Err(error),
    };
    let mut program = program;
    let unresolved = typescript.then(|| {
        // Types, namespaces and enums need swc's resolver.
        let unresolved_mark = Mark::new();
        let top_level_mark = Mark::new();
        program.mutate(resolver(unresolved_mark, top_level_mark, true));
        SyntaxContext::empty().apply_mark(unresolved_mark)
    });
    Ok(ParsedScript {
        program,
        comments,
        unresolved,
    })
}

/// The swc syntax a language is parsed with.
pub fn syntax_for(language: Language) -> Syntax {
    match language {
        Language::JavaScript => Syntax::Es(EsSyntax {
            jsx: true,
            decorators: true,
            import_attributes: true,
            allow_return_outside_function: true,
            explicit_resource_management: true,
            ..Default::default()
        }),
        Language::TypeScript => Syntax::Typescript(TsSyntax {
            tsx: false,
            decorators: true,
            ..Default::default()
        }),
        Language::Tsx => Syntax::Typescript(TsSyntax {
            tsx: true,
            decorators: true,
            ..Default::default()
        }),
    }
}

/// The syntax of the retry for a `.js` file that does not parse: Flow's.
pub fn flow_syntax() -> Syntax {
    Syntax::Flow(FlowSyntax {
        jsx: true,
        all: true,
        enums: true,
        decorators: true,
        components: true,
        pattern_matching: true,
        ..Default::default()
    })
}

fn has_flow_pragma(text: &str) -> bool {
    let head = &text[..crate::source::floor_char_boundary(text, text.len().min(4096))];
    head.contains("@flow")
}

fn parse_with(
    text: &str,
    base: usize,
    syntax: Syntax,
) -> Result<(Program, Vec<CommentText>), SyntaxError> {
    let start = BytePos(base as u32 + POS_BASE);
    let end = BytePos((base + text.len()) as u32 + POS_BASE);
    let comments = SingleThreadedComments::default();
    // Comments matter only for directives; storing every comment of a bundle costs
    // memory and time for nothing.
    let has_directives = memchr::memmem::find(text.as_bytes(), b"crosswire-ignore").is_some();
    let input = StringInput::new(text, start, end);
    let lexer = Lexer::new(
        syntax,
        EsVersion::default(),
        input,
        has_directives.then_some(&comments),
    );
    let mut parser = Parser::new_from(crate::stack::RoomChecked(lexer));
    IN_PARSER.set(true);
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| parser.parse_program()));
    IN_PARSER.set(false);
    let program = match outcome {
        Ok(result) => result.map_err(|error| {
            SyntaxError::new(span_range(error.span()), error.kind().msg().into_owned())
        })?,
        Err(panic) if panic.is::<crate::stack::TooDeep>() => {
            let at = panic
                .downcast_ref::<crate::stack::TooDeep>()
                .and_then(|too_deep| too_deep.at)
                .map_or(base, byte_offset);
            return Err(SyntaxError::too_deep(at));
        }
        Err(panic) => {
            let reason = panic_reason(panic.as_ref());
            return Err(SyntaxError::new(
                base..base,
                format!(
                    "the parser gave up on this code (swc: {reason}); it is most likely invalid"
                ),
            ));
        }
    };
    // Recoverable errors are early errors that browsers would also report;
    // the tree is still sound, so the file is linted as parsed.
    let _ = parser.take_errors();
    Ok((program, collect_comments(comments)))
}

fn collect_comments(comments: SingleThreadedComments) -> Vec<CommentText> {
    let (leading, trailing) = comments.take_all();
    let mut all: Vec<CommentText> = leading
        .take()
        .into_values()
        .chain(trailing.take().into_values())
        .flatten()
        .map(|comment| CommentText {
            span: span_range(comment.span),
            text: comment.text.to_string(),
            is_block: comment.kind == CommentKind::Block,
        })
        .collect();
    all.sort_by_key(|comment| comment.span.start);
    all.dedup_by_key(|comment| comment.span.start);
    all
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The vendored parser nests `else if` chains in one pass at the end (see
    /// vendor/swc_ecma_parser/CROSSWIRE-PATCH.md): every `if` of a chain spans from its
    /// keyword to the chain's end, as swc's own chain walk made it.
    #[test]
    fn else_if_chains_keep_swc_spans() {
        use swc_ecma_ast::{ModuleItem, Stmt};
        for code in [
            "if(a)x;else if(b)y;else if(c)z;else w;",
            "if(a)x;else if(b)y;else if(c)z;",
            "if(a)x;else if(b){y}else w;",
        ] {
            let parsed =
                with_globals(|| parse_script(code, 0, Language::JavaScript)).expect("parses");
            let mut statement = match &parsed.program {
                Program::Script(script) => script.body.first(),
                Program::Module(module) => match module.body.first() {
                    Some(ModuleItem::Stmt(statement)) => Some(statement),
                    _ => None,
                },
            };
            let mut keywords = code.match_indices("if").map(|(at, _)| at);
            while let Some(Stmt::If(stmt)) = statement {
                let expected = keywords.next().expect("an if per statement")..code.len();
                assert_eq!(span_range(stmt.span), expected, "{code}");
                statement = stmt.alt.as_deref();
            }
            assert_eq!(keywords.next(), None, "{code}");
        }
    }

    #[test]
    fn a_parser_panic_is_a_syntax_error_at_the_start_of_the_code() {
        let error = with_globals(|| parse_script("x = <a:b.c/>;", 40, Language::JavaScript))
            .err()
            .expect("not valid JSX");
        assert_eq!(error.span, 40..40);
        assert!(
            error.message.starts_with("the parser gave up"),
            "{}",
            error.message
        );
        assert!(!in_parser());
    }
}
