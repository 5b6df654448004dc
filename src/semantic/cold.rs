//! Functions the walk may pass over.
//!
//! Most of a bundle that the prefilter keeps has nothing to do with messaging: a file is
//! kept for one `postMessage` and was walked whole. Every fact the walk records starts at
//! a piece of syntax whose text holds one of [`NEEDLES`], so a function whose text holds
//! none of them (a "cold" function) records no fact itself. It can still change what
//! resolving the facts reads: a variable or a field it assigns, a DOM global it uses, a
//! listener wrapper it calls, or its own body when it is a handler or a helper that a
//! handler calls. So the walk passes over cold functions, and resolution records what
//! it reads ([`Demands`]). A cold function that may have changed any of it (its text
//! mentions a name read, inside the scope of that name's binding, or overlaps a
//! function analyzed) is walked in the next round; the collector stops when a round
//! asks for nothing new (see `collect`). Sockets and servers read records from all over
//! a file, so a file with any is walked in full.
//!
//! Both searches, for the needles and for the names read, run on what the parser reads:
//! where a script spells their characters with escapes (`postMessag\u0065`,
//! `h\u0061ndler`), on a copy with the escapes decoded (`crate::decode`), whose matches
//! are placed back where they were written.
//!
//! `tests/cold_functions.rs` compares the facts with those of a full walk on every
//! fixture, on cases where a cold function matters, and on generated programs: every
//! recorder and way of registering a handler, alone in each form of function that can be
//! cold and nested in several (a recorder added to the walk belongs in its lists);
//! `examples/cold_check.rs` does the same on a corpus.

use std::cell::RefCell;
use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, MatchKind, packed};
use rustc_hash::FxHashMap;
use swc_atoms::Atom;
use swc_common::Span;
use swc_ecma_ast::{Param, ParamOrTsParamProp, Pat};

use crate::parse::byte_offset;

/// What each recorder of the walk needs to see in the text of the function it fires in.
/// A needle of a call ends with its parenthesis, so a call written with a space before it
/// (`io (url)`) in an otherwise cold function is missed. Needles are as narrow as their
/// recorders allow (every function that holds one is walked), and start with three bytes
/// that are rare in code where they can: the search runs on every byte that is parsed,
/// and rare prefixes keep it fast. What resolution reads (bindings, fields, handlers,
/// `window`) needs no needle: it is a demand.
pub const NEEDLES: &[&str] = &[
    // `postMessage(…)`, `onmessage`, `@HostListener("window:message")` and
    // `@HostListener("document:message")`. A `"message"` string needs none: the
    // listener APIs below have their own, and calls of listener wrappers are demands.
    "tMessage",
    "nmessage",
    "w:message",
    "t:message",
    // Listeners: `addEventListener(…)`, `attachEvent(…)`, jQuery's `$(x).on(…)`.
    "dEventListener",
    "chEvent",
    ".on(",
    ".one(",
    ".bind(",
    // `window[add]("message", h)`, the method's name held in a variable.
    "](\"message\"",
    "]('message'",
    // Sockets: constructors named `…Socket…`, `…WS` and the libraries' classes, and
    // library connects: `io(…)`, `io.connect(…)`, `mqtt.connect(…)`, `createClient(…)`,
    // `.withUrl(…)`.
    "Socket",
    "WS(",
    "Centrifuge",
    "Pusher",
    "SockJS",
    "io(",
    "nnect(",
    "mqtt",
    "createClient",
    "withUrl",
    // Servers: `new …Server(…)`, `require("socket.io")(…)`, `upgradeWebSocket`,
    // Bun's `server.upgrade(req)`, `handleUpgrade`, `app.ws(…)`, fastify's
    // `{ websocket: true }`.
    "Server",
    "socket.io",
    "pgrade",
    ".ws(",
    "websocket",
    // Signals that tell a worker from a window: `importScripts(…)`, `new Blob(…)`.
    "importScripts",
    "Blob",
    // A `"file:"` or `"file"` string, after which the walk reads protocol tests.
    "\"file",
    "'file",
    "`file",
    "}file",
    // Pages: `new Worker(…)`, `new SharedWorker(…)`, `frame.src = …` (or `["src"]`),
    // `<iframe src=…>` in JSX, `window.open(…)`.
    "Worker(",
    ".src",
    "\"src\"",
    "'src'",
    "<iframe",
    "<frame",
    "open(",
    ".open",
    // Modules loaded on demand, `import("./x")`, which belong to the page.
    "import(",
];

/// What an escape in a script may stand for and matter to the search for [`NEEDLES`].
const NEEDLE_ALPHABET: crate::decode::Alphabet = crate::decode::Alphabet::of(NEEDLES);

/// The search for the needles: aho-corasick's SIMD searcher, Teddy, in its "fat" form,
/// which tells more patterns apart per step than the form the crate picks itself and
/// scans code twice as fast (3 to 4 GB/s); the automaton on machines without AVX2.
enum Scanner {
    Teddy(packed::Searcher),
    Automaton(AhoCorasick),
}

static SCANNER: LazyLock<Scanner> = LazyLock::new(|| teddy().unwrap_or_else(automaton));

fn teddy() -> Option<Scanner> {
    let mut config = packed::Config::new();
    config
        .match_kind(packed::MatchKind::LeftmostFirst)
        .only_teddy_fat(Some(true));
    config.builder().extend(NEEDLES).build().map(Scanner::Teddy)
}

fn automaton() -> Scanner {
    Scanner::Automaton(
        AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostFirst)
            .build(NEEDLES)
            .expect("the needles compile"),
    )
}

impl Scanner {
    /// Where the needles start in `code`, which starts at byte `base` of its file, in order.
    fn starts(&self, code: &[u8], base: usize) -> Vec<u32> {
        let at = |start: usize| (base + start) as u32;
        match self {
            Scanner::Teddy(searcher) => searcher.find_iter(code).map(|m| at(m.start())).collect(),
            Scanner::Automaton(automaton) => {
                automaton.find_iter(code).map(|m| at(m.start())).collect()
            }
        }
    }

    /// [`Scanner::starts`] in what the parser reads: with escapes decoded
    /// (`postMessag\u0065`), each match placed where its first character was written.
    fn starts_as_read(&self, code: &str, base: usize) -> Vec<u32> {
        match crate::decode::javascript_escapes(code.as_bytes(), NEEDLE_ALPHABET) {
            None => self.starts(code.as_bytes(), base),
            Some(decoded) => self
                .starts(&decoded.bytes, 0)
                .into_iter()
                .map(|start| (base + decoded.map.start(start as usize)) as u32)
                .collect(),
        }
    }
}

/// Where in a script the needles start, in file offsets, ascending.
pub struct HotSpots {
    starts: Vec<u32>,
}

impl HotSpots {
    /// Finds the needles in `code`, which starts at byte `base` of its file.
    pub fn find(code: &str, base: usize) -> HotSpots {
        // A match hides a needle that starts inside it ("io.open"). That is harmless: a
        // function cannot start inside a match, so a function that holds the hidden
        // needle holds the start of the match too.
        HotSpots {
            starts: SCANNER.starts_as_read(code, base),
        }
    }

    /// Whether a needle starts inside `span`.
    pub fn within(&self, span: Span) -> bool {
        let (start, end) = (byte_offset(span.lo) as u32, byte_offset(span.hi) as u32);
        let first_after = self.starts.partition_point(|&at| at < start);
        self.starts.get(first_after).is_some_and(|&at| at < end)
    }
}

/// What resolving a first walk's records read: the functions it analyzed and the
/// names whose recorded values it used. A function the walk passed over may have
/// changed those values (`handler = …`, `this.target = …`), so such functions are
/// walked after all ([`Demands::functions_to_walk`]).
#[derive(Debug, Default)]
pub struct Demands {
    /// Functions analyzed (handlers, helpers they call), by span.
    functions: Vec<Span>,
    /// Bindings whose values were read, with the span of their declaring scope
    /// (`None`: anywhere in the file).
    bindings: Vec<(Atom, ScopeRange)>,
    /// Fields whose values were read: `this.<field>`, `<binding>.<field>`.
    fields: Vec<Atom>,
}

thread_local! {
    /// The demands of the resolution running on this thread, while one is recorded.
    static DEMANDS: RefCell<Option<Demands>> = const { RefCell::new(None) };
}

/// Runs `resolve` while recording what it reads.
pub fn recording_demands<R>(resolve: impl FnOnce() -> R) -> (R, Demands) {
    DEMANDS.with_borrow_mut(|demands| *demands = Some(Demands::default()));
    let result = resolve();
    let demands = DEMANDS.with_borrow_mut(Option::take).unwrap_or_default();
    (result, demands)
}

/// Runs `resolve` recording what it reads apart from the resolution around it, whose
/// own record goes on afterwards untouched.
pub fn isolated<R>(resolve: impl FnOnce() -> R) -> (R, Demands) {
    let outer = DEMANDS.with_borrow_mut(|demands| demands.replace(Demands::default()));
    // Restored even when the analysis unwinds (a deadline, a stack guard).
    struct Restore(Option<Option<Demands>>);
    impl Drop for Restore {
        fn drop(&mut self) {
            if let Some(outer) = self.0.take() {
                DEMANDS.with_borrow_mut(|demands| *demands = outer);
            }
        }
    }
    let mut restore = Restore(Some(outer));
    let result = resolve();
    let outer = restore.0.take().expect("restored once");
    let inner = DEMANDS.with_borrow_mut(|demands| std::mem::replace(demands, outer));
    (result, inner.unwrap_or_default())
}

fn record(note: impl FnOnce(&mut Demands)) {
    DEMANDS.with_borrow_mut(|demands| {
        if let Some(demands) = demands {
            note(demands);
        }
    });
}

/// The analysis of the function at `span` is starting.
pub fn demand_function(span: Span) {
    record(|demands| demands.functions.push(span));
}

/// The values of the binding `name`, declared in the scope at `scope`, are being read.
pub fn demand_binding(name: &Atom, scope: ScopeRange) {
    record(|demands| demands.bindings.push((name.clone(), scope)));
}

/// Whether the global `name` is used is being read.
pub fn demand_global(name: &str) {
    demand_binding(&Atom::from(name), None);
}

/// The values of `<anything>.<field>` are being read.
pub fn demand_field(field: &str) {
    record(|demands| demands.fields.push(Atom::from(field)));
}

/// A function a first walk passed over, by span, and its parameters (inside, a
/// parameter hides any outer binding of its name).
pub struct Skipped<'a> {
    pub span: Span,
    pub params: Params<'a>,
}

/// The parameters of a skipped function, as written: their names are needed only
/// when a name read is mentioned in it, which is rare.
#[derive(Clone, Copy)]
pub enum Params<'a> {
    Function(&'a [Param]),
    Arrow(&'a [Pat]),
    Constructor(&'a [ParamOrTsParamProp]),
}

impl Params<'_> {
    /// Whether a simple parameter (`a`, `a = 1`, `...a`) is named `name`.
    fn bind(self, name: &str) -> bool {
        let binds = |param: &Pat| {
            let inner = match param {
                Pat::Assign(assign) => &*assign.left,
                Pat::Rest(rest) => &*rest.arg,
                other => other,
            };
            matches!(inner, Pat::Ident(ident) if &*ident.id.sym == name)
        };
        match self {
            Params::Function(params) => params.iter().any(|param| binds(&param.pat)),
            Params::Arrow(params) => params.iter().any(binds),
            Params::Constructor(params) => params.iter().any(|param| match param {
                ParamOrTsParamProp::Param(param) => binds(&param.pat),
                ParamOrTsParamProp::TsParamProp(_) => false,
            }),
        }
    }
}

impl Demands {
    /// The names read, each once.
    fn words_read(&self) -> Vec<Word<'_>> {
        let mut words: Vec<Word> = Vec::new();
        let mut index: FxHashMap<&str, usize> = FxHashMap::default();
        for (name, scope) in &self.bindings {
            let word = Word::entry(&mut words, &mut index, name);
            if !word.binding_scopes.contains(scope) {
                word.binding_scopes.push(*scope);
            }
        }
        for field in &self.fields {
            Word::entry(&mut words, &mut index, field).as_field = true;
        }
        words
    }

    /// Which of the skipped functions (ascending, none inside another) the demands
    /// need walked: those that overlap an analyzed function, and those that mention a
    /// read binding inside its scope (unless a parameter hides it) or a read field.
    /// `code` starts at byte `base` of the file.
    pub fn functions_to_walk(&self, skipped: &[Skipped], code: &str, base: usize) -> Vec<u32> {
        let mut needed: Vec<u32> = Vec::new();
        for function in &self.functions {
            let first = skipped.partition_point(|s| s.span.hi <= function.lo);
            needed.extend(
                skipped[first..]
                    .iter()
                    .take_while(|s| s.span.lo < function.hi)
                    .map(|s| s.span.lo.0),
            );
        }
        let words = self.words_read();
        if !words.is_empty() && !skipped.is_empty() {
            let automaton =
                AhoCorasick::new(words.iter().map(|word| word.text)).expect("identifiers compile");
            let stretches = Stretches::of(&words);
            for function in skipped
                .iter()
                .filter(|function| stretches.meet(function.span))
            {
                let start = byte_offset(function.span.lo).saturating_sub(base);
                let end = byte_offset(function.span.hi).saturating_sub(base);
                let mentions = match code.get(start..end) {
                    // Searched as the parser reads it: `h\u0061ndler = …` assigns `handler`.
                    Some(text) => {
                        let decoded = crate::decode::javascript_escapes(
                            text.as_bytes(),
                            crate::decode::Alphabet::IDENTIFIER,
                        );
                        let (text, map) = match &decoded {
                            Some(decoded) => (&decoded.bytes[..], Some(&decoded.map)),
                            None => (text.as_bytes(), None),
                        };
                        automaton.find_overlapping_iter(text).any(|found| {
                            let word = &words[found.pattern().as_usize()];
                            let written = map.map_or(found.start(), |map| map.start(found.start()));
                            let at = function.span.lo.0 + written as u32;
                            word.mentioned(text, found.start(), found.end(), at, function)
                        })
                    }
                    None => true,
                };
                if mentions {
                    needed.push(function.span.lo.0);
                }
            }
        }
        needed.sort_unstable();
        needed.dedup();
        needed
    }
}

/// The stretches of the file where a read name can be mentioned: the scopes of the
/// bindings read, unless a field or a global was read, which can be mentioned anywhere.
enum Stretches {
    Anywhere,
    /// Ascending, none inside another, as `(start, end)` positions.
    Within(Vec<(u32, u32)>),
}

impl Stretches {
    fn of(words: &[Word]) -> Stretches {
        let mut scopes = Vec::new();
        for word in words {
            if word.as_field {
                return Stretches::Anywhere;
            }
            for scope in &word.binding_scopes {
                match scope {
                    Some(scope) => scopes.push(*scope),
                    None => return Stretches::Anywhere,
                }
            }
        }
        // Scopes nest or are apart: keep the outermost.
        scopes.sort_unstable_by_key(|&(start, end)| (start, std::cmp::Reverse(end)));
        let mut outermost: Vec<(u32, u32)> = Vec::with_capacity(scopes.len());
        for scope in scopes {
            if outermost.last().is_none_or(|last| last.1 <= scope.0) {
                outermost.push(scope);
            }
        }
        Stretches::Within(outermost)
    }

    /// Whether a function at `span` overlaps one of the stretches.
    fn meet(&self, span: Span) -> bool {
        match self {
            Stretches::Anywhere => true,
            Stretches::Within(scopes) => {
                let first_ending_after = scopes.partition_point(|&(_, end)| end <= span.lo.0);
                scopes
                    .get(first_ending_after)
                    .is_some_and(|&(start, _)| start < span.hi.0)
            }
        }
    }
}

/// A name whose values were read, as a binding (in the scopes given) or as a field.
struct Word<'d> {
    text: &'d str,
    as_field: bool,
    binding_scopes: Vec<ScopeRange>,
}

/// Where a scope starts and ends; `None` for the whole file.
type ScopeRange = Option<(u32, u32)>;

impl<'d> Word<'d> {
    /// The word `text` among `words`, added if new; `index` finds words by text.
    fn entry<'w>(
        words: &'w mut Vec<Word<'d>>,
        index: &mut FxHashMap<&'d str, usize>,
        text: &'d str,
    ) -> &'w mut Word<'d> {
        let at = *index.entry(text).or_insert_with(|| {
            words.push(Word {
                text,
                as_field: false,
                binding_scopes: Vec::new(),
            });
            words.len() - 1
        });
        &mut words[at]
    }

    /// Whether the word found at `start..end` of the text of `function`, at position `at`
    /// of the file, may be a mention of what was read.
    fn mentioned(
        &self,
        text: &[u8],
        start: usize,
        end: usize,
        at: u32,
        function: &Skipped,
    ) -> bool {
        let before = start.checked_sub(1).map(|at| text[at]);
        if before.is_some_and(continues_identifier)
            || text.get(end).copied().is_some_and(continues_identifier)
        {
            return false;
        }
        // `.name` is a field, `...name` a binding.
        let as_binding = before != Some(b'.') || (start >= 2 && text[start - 2] == b'.');
        self.as_field
            || (as_binding
                && !function.params.bind(self.text)
                && self
                    .binding_scopes
                    .iter()
                    .any(|scope| scope.is_none_or(|(lo, hi)| lo <= at && at < hi)))
    }
}

/// An ASCII byte that continues an identifier. Non-ASCII bytes do not count: a word
/// next to one is taken as mentioned, which at worst walks a function for nothing.
fn continues_identifier(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'_' || byte == b'$'
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn teddy_finds_what_the_automaton_finds() {
        let Some(teddy) = teddy() else {
            return; // No AVX2 here: the automaton is what runs.
        };
        let code = r#"
            const socket = new WebSocket("wss://x"); io("/chat"); $(window).on("message", f);
            window.open("/popup"); frame.src = "/embed"; new Worker("w.js"); new Blob([""]);
            if (location.protocol === "file:") { parent.postMessage(data, "*"); }
            el.attachEvent("onmessage", g); mqtt.connect(url); app.ws("/live", h);
        "#;
        let found = teddy.starts(code.as_bytes(), 0);
        assert_eq!(found, automaton().starts(code.as_bytes(), 0));
        assert!(found.len() >= 14, "{found:?}");
    }
}
