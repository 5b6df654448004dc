//! Where a socket connects: whether its URL is clear text to a host off this machine,
//! and the endpoint (host and path) as far as the file tells; and, read the same way,
//! the URL a page reference (a frame, a worker, a popup) names.
//!
//! A URL is read as a row of parts: text the file fixes (literals, and same-file
//! constants followed into template literals and concatenations) and holes it does not
//! (a parameter, `location.host`, a scheme chosen at run time). The scheme counts only
//! when fixed text spells it before any hole: `"ws://" + location.host` is clear text,
//! `(https ? "wss://" : "ws://") + location.host` follows the page.

use std::ops::Range;

use swc_atoms::Atom;
use swc_common::Spanned;
use swc_ecma_ast::*;

use super::handlers::expression_text;
use super::values::{BindingKind, Bindings, literal_string, strip};
use crate::diagnostic::Label;
use crate::parse::span_range;

/// How deep URL parts follow bindings (a chain of constants, or a cycle).
const MAX_DEPTH: u32 = 8;

/// How many expressions one URL's parts may come from: constants built from constants
/// double at each step.
const MAX_PIECES: u32 = 128;

/// A socket endpoint: the host (or `location` for the page's own) and the path.
#[derive(
    Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub struct Endpoint {
    pub host: String,
    pub path: String,
}

#[derive(Debug, Clone)]
pub struct InsecureUrl {
    /// The literal where `ws://` starts.
    pub literal: Range<usize>,
    /// The host as far as the file tells (`chat.example.com`, `` `${host}` ``), without
    /// any user name or password.
    pub host: String,
    pub scheme: &'static str,
    /// How the value travelled from the literal to the constructor.
    pub trail: Vec<Label>,
}

/// One part of a URL.
#[derive(Debug)]
enum Part {
    /// Text the file fixes, and the literal it is written in.
    Text(String, Range<usize>),
    /// A value the file does not fix, as written (`location.host`).
    Hole(String),
}

/// A URL as parts, with the same-file bindings followed to find them.
#[derive(Debug, Default)]
struct UrlParts {
    parts: Vec<Part>,
    /// Each binding followed: the parts its value gave, where it is declared, its name.
    followed: Vec<(Range<usize>, Range<usize>, Atom)>,
    /// Expressions left to look at (see [`MAX_PIECES`]).
    budget: u32,
    /// Parts that are constants of other modules: the part, and where it is defined.
    imported: Vec<(usize, Label)>,
}

impl UrlParts {
    fn of(bindings: &Bindings, url: &Expr) -> UrlParts {
        let mut parts = UrlParts {
            budget: MAX_PIECES,
            ..UrlParts::default()
        };
        parts.add(bindings, url, 0);
        parts
    }

    fn add(&mut self, bindings: &Bindings, expr: &Expr, depth: u32) {
        crate::deadline::tick();
        let expr = strip(expr);
        if self.budget == 0 || depth > MAX_DEPTH {
            self.parts.push(Part::Hole("…".into()));
            return;
        }
        self.budget -= 1;
        if let Some(text) = literal_string(expr) {
            self.parts
                .push(Part::Text(text.to_string(), span_range(expr.span())));
            return;
        }
        // A constant of another module: its text, told where it is defined.
        if let Some((value, found, shown)) = bindings.imported_constant(expr)
            && let Some(text) = value.as_str()
        {
            let at = self.parts.len();
            self.parts
                .push(Part::Text(text.to_string(), span_range(expr.span())));
            self.imported.push((
                at,
                Label::elsewhere(
                    &found.path,
                    found.summary.line,
                    format!("`{shown}` is defined as a clear-text URL here"),
                ),
            ));
            return;
        }
        match expr {
            Expr::Lit(Lit::Num(number)) => {
                self.parts.push(Part::Text(
                    number.value.to_string(),
                    span_range(number.span),
                ));
            }
            Expr::Tpl(tpl) => {
                for (index, quasi) in tpl.quasis.iter().enumerate() {
                    match quasi.cooked.as_ref().and_then(|cooked| cooked.as_str()) {
                        Some("") => {}
                        Some(text) => self
                            .parts
                            .push(Part::Text(text.to_string(), span_range(quasi.span))),
                        None => self.parts.push(Part::Hole("…".into())),
                    }
                    if let Some(hole) = tpl.exprs.get(index) {
                        self.add(bindings, hole, depth + 1);
                    }
                }
            }
            Expr::Bin(bin) if bin.op == BinaryOp::Add => {
                self.add(bindings, &bin.left, depth + 1);
                self.add(bindings, &bin.right, depth + 1);
            }
            Expr::Ident(ident) => {
                let id = bindings.id(ident);
                let value = bindings.binding(&id).and_then(|binding| {
                    let fixed = matches!(
                        binding.kind,
                        BindingKind::Const | BindingKind::Let | BindingKind::Var
                    ) && !binding.has_unknown_assignment
                        && binding.assignments.is_empty();
                    Some((binding.init().filter(|_| fixed)?, binding.span.clone()))
                });
                match value {
                    Some((init, declared)) => {
                        let start = self.parts.len();
                        self.add(bindings, init, depth + 1);
                        self.followed
                            .push((start..self.parts.len(), declared, ident.sym.clone()));
                    }
                    None => self.parts.push(Part::Hole(ident.sym.to_string())),
                }
            }
            other => self.parts.push(Part::Hole(expression_text(other))),
        }
    }
}

/// A `ws://` URL (or `http://` for libraries that take one) to a host that is not
/// loopback or reserved.
pub fn insecure_url(bindings: &Bindings, url: &Expr, http_counts: bool) -> Option<InsecureUrl> {
    let url = UrlParts::of(bindings, url);
    // The text fixed before the first hole must spell the scheme.
    let mut leading = String::new();
    let mut first_text = None;
    for (index, part) in url.parts.iter().enumerate() {
        let Part::Text(text, span) = part else { break };
        if first_text.is_none() && !text.is_empty() {
            first_text = Some((index, span.clone()));
        }
        leading.push_str(text);
        if leading.len() >= "http://".len() {
            break;
        }
    }
    let leading = leading.to_ascii_lowercase();
    // The scheme and its colon: `ws:` is the `ws` scheme whatever follows it. Browsers
    // read `ws:host/path` and `ws:/host` as `ws://host/path` (the slashes of a special
    // scheme's authority may be missing, or more than two).
    let (scheme, colon) = if leading.starts_with("ws:") {
        ("ws://", "ws:".len())
    } else if http_counts && leading.starts_with("http:") {
        ("http://", "http:".len())
    } else {
        return None;
    };
    let slashes = leading[colon..]
        .bytes()
        .take_while(|byte| matches!(byte, b'/' | b'\\'))
        .count();
    let (first_part, literal) = first_text?;
    // The authority: what follows the scheme, up to the path, query or fragment.
    let mut skip = colon + slashes;
    // The part the scheme ends in, and whether more text follows it there.
    let mut scheme_ends = (first_part, false);
    let mut authority = String::new();
    for (index, part) in url.parts.iter().enumerate().skip(first_part) {
        match part {
            Part::Text(text, _) => {
                // The scheme is ASCII: the bytes skipped are whole characters.
                let taken = skip.min(text.len());
                skip -= taken;
                if taken > 0 {
                    scheme_ends = (index, taken < text.len());
                }
                let rest = &text[taken..];
                if let Some(end) = rest.find(['/', '?', '#']) {
                    authority.push_str(&rest[..end]);
                    break;
                }
                authority.push_str(rest);
            }
            Part::Hole(text) => {
                // `"ws://" + HOST + path`: after a whole host name (or another hole), a
                // hole is the rest of the URL; after `:`, `@`, `.` or `-` (or at the
                // start) it is in the host.
                if authority
                    .chars()
                    .last()
                    .is_some_and(|last| last.is_ascii_alphanumeric() || matches!(last, ']' | '}'))
                {
                    break;
                }
                authority.push_str("${");
                authority.push_str(text);
                authority.push('}');
            }
        }
    }
    let host = without_userinfo(&authority);
    if host.is_empty() || is_local_host(host) {
        return None;
    }
    // Outermost binding first: the constant the constructor names, then what it names.
    let mut followed: Vec<&(Range<usize>, Range<usize>, Atom)> = url
        .followed
        .iter()
        .filter(|(parts, _, _)| parts.contains(&first_part))
        .collect();
    followed.sort_by_key(|(parts, _, _)| std::cmp::Reverse(parts.len()));
    let trail = followed
        .into_iter()
        .map(|(parts, declared, name)| Label {
            elsewhere: None,
            span: declared.clone(),
            message: if parts.end > scheme_ends.0 + 1 || scheme_ends.1 {
                format!("`{name}` holds a clear-text URL")
            } else {
                format!("`{name}` holds the clear-text scheme")
            },
        })
        .chain(
            url.imported
                .iter()
                .filter(|(part, _)| *part == first_part)
                .map(|(_, label)| label.clone()),
        )
        .collect();
    Some(InsecureUrl {
        literal,
        host: host.to_string(),
        scheme,
        trail,
    })
}

/// An authority (`user:password@host:port`) without its user name and password.
pub fn without_userinfo(authority: &str) -> &str {
    authority
        .rfind('@')
        .map_or(authority, |at| &authority[at + 1..])
}

/// Loopback hosts and names that never resolve on a network.
pub fn is_local_host(host: &str) -> bool {
    let host = without_userinfo(host).to_ascii_lowercase();
    let name = if let Some(inner) = host.strip_prefix('[') {
        inner.split(']').next().unwrap_or_default().to_string()
    } else {
        host.split(':').next().unwrap_or_default().to_string()
    };
    name == "localhost"
        || name.ends_with(".localhost")
        || name.starts_with("127.")
        || name == "::1"
        || name == "0.0.0.0"
        || name.ends_with(".test")
        || name.ends_with(".invalid")
        || name.ends_with(".example")
}

/// The endpoint of a socket URL: a literal `wss://host/path`, or a URL built from
/// `location` (`${scheme}//${location.host}/path`, `new URL("/path", location.href)`).
pub fn endpoint_of(bindings: &Bindings, url: &Expr) -> Option<Endpoint> {
    endpoint_at(bindings, url, 0)
}

/// The page's own host (built from `location`) and the path that follows it.
fn on_the_page_host(path: &str) -> Endpoint {
    Endpoint {
        host: "location".into(),
        path: path
            .split(['?', '#'])
            .next()
            .unwrap_or_default()
            .to_string(),
    }
}

fn endpoint_at(bindings: &Bindings, url: &Expr, depth: u32) -> Option<Endpoint> {
    if depth > 6 {
        return None;
    }
    // A constant of another module is read as parts, as a literal is.
    if bindings.imported_constant(url).is_some() {
        return endpoint_of_parts(&UrlParts::of(bindings, url).parts);
    }
    match strip(url) {
        Expr::Ident(ident) => {
            let binding = bindings.binding(&bindings.id(ident))?;
            if !binding.assignments.is_empty() || binding.has_unknown_assignment {
                return None;
            }
            endpoint_at(bindings, binding.init()?, depth + 1)
        }
        // `new WebSocket(socketUrl())`: what a same-file function of no arguments returns.
        Expr::Call(call) if call.args.is_empty() => {
            let Callee::Expr(callee) = &call.callee else {
                return None;
            };
            let Expr::Ident(callee) = strip(callee) else {
                return None;
            };
            endpoint_at(bindings, bindings.returned_value(callee)?, depth + 1)
        }
        Expr::New(new) if matches!(strip(&new.callee), Expr::Ident(name) if &*name.sym == "URL") => {
            let args = new.args.as_ref()?;
            let path = literal_string(&args.first()?.expr)?;
            let base = expression_text(&args.get(1)?.expr);
            (path.starts_with('/') && base.contains("location")).then(|| Endpoint {
                host: "location".into(),
                path: path.to_string(),
            })
        }
        // Literals, template literals and concatenations, read as parts alike.
        _ => endpoint_of_parts(&UrlParts::of(bindings, url).parts),
    }
}

/// The endpoint of a URL's parts: fixed text up to the query (`wss://host/path`), or
/// the page's host built from `location` and the fixed path after it
/// (`` `${scheme}//${location.host}/path` ``, `"wss://" + location.host + "/path"`,
/// `location.origin.replace("http", "ws") + "/path"`). The query and the fragment are
/// dropped, whatever they hold; a hole anywhere else leaves the endpoint unknown.
fn endpoint_of_parts(parts: &[Part]) -> Option<Endpoint> {
    // The parts before the query or fragment.
    let mut before: Vec<(&str, bool)> = Vec::new();
    for part in parts {
        match part {
            Part::Text(text, _) => match text.find(['?', '#']) {
                Some(end) => {
                    before.push((&text[..end], false));
                    break;
                }
                None => before.push((text, false)),
            },
            Part::Hole(text) => before.push((text, true)),
        }
    }
    let Some(last_hole) = before.iter().rposition(|(_, hole)| *hole) else {
        let text: String = before.iter().map(|(text, _)| *text).collect();
        let rest = text.split_once("://").map(|(_, rest)| rest)?;
        let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
        return Some(Endpoint {
            host: without_userinfo(host).to_ascii_lowercase(),
            path: format!("/{path}"),
        });
    };
    // The page's host: `location.host`, `location.hostname + ":" + location.port`,
    // `location.origin` (or a string made from it), never its path.
    let host = before[last_hole].0;
    let names_the_page_host = host.contains("location")
        && !["pathname", "href", "search", "hash"]
            .iter()
            .any(|part| host.contains(part));
    let path: String = before[last_hole + 1..]
        .iter()
        .map(|(text, _)| *text)
        .collect();
    (names_the_page_host && path.starts_with('/')).then(|| on_the_page_host(&path))
}

/// The URL a page reference names (a frame's source, a popup's or a worker's script), as
/// far as the file fixes it: the parts of a literal, template literal or concatenation,
/// with same-file constants followed, and each hole written `${…}` (`/preview.html?doc=${id}`),
/// which `crate::page_map::resolve` takes for a path it cannot name when the hole is
/// before the query or fragment. `new URL("./x.html", import.meta.url)` is its path; so is
/// a root-relative `new URL("/x.html", location.href)`. `None` when the URL does not
/// start with fixed text.
pub fn page_url(bindings: &Bindings, url: &Expr) -> Option<String> {
    let mut url = strip(url);
    // `new URL(…).href`, `new URL(…).toString()`
    if let Expr::Member(member) = url
        && super::values::member_name(&member.prop) == Some("href")
        && matches!(strip(&member.obj), Expr::New(_))
    {
        url = strip(&member.obj);
    } else if let Expr::Call(call) = url
        && call.args.is_empty()
        && let Callee::Expr(callee) = &call.callee
        && let Expr::Member(member) = strip(callee)
        && super::values::member_name(&member.prop) == Some("toString")
        && matches!(strip(&member.obj), Expr::New(_))
    {
        url = strip(&member.obj);
    }
    if let Expr::New(new) = url
        && matches!(strip(&new.callee), Expr::Ident(name) if &*name.sym == "URL")
    {
        let args = new.args.as_ref()?;
        let path = page_url(bindings, &args.first()?.expr)?;
        let base = strip(&args.get(1)?.expr);
        let module = matches!(base, Expr::Member(member)
            if matches!(strip(&member.obj), Expr::MetaProp(meta) if meta.kind == MetaPropKind::ImportMeta)
                && super::values::member_name(&member.prop) == Some("url"));
        let root_relative = path.starts_with('/') && !path.starts_with("//");
        return (module || (root_relative && is_page_location(&expression_text(base))))
            .then_some(path);
    }
    let url = UrlParts::of(bindings, url);
    let first = url
        .parts
        .iter()
        .find(|part| !matches!(part, Part::Text(text, _) if text.is_empty()));
    if !matches!(first, Some(Part::Text(..))) {
        return None;
    }
    let mut written = String::new();
    for part in &url.parts {
        match part {
            Part::Text(text, _) => written.push_str(text),
            Part::Hole(text) => {
                written.push_str("${");
                written.push_str(if text.len() <= 48 { text } else { "…" });
                written.push('}');
            }
        }
        if written.len() > MAX_PAGE_URL {
            // Longer than any path: what follows is unknown.
            let mut end = MAX_PAGE_URL;
            while !written.is_char_boundary(end) {
                end -= 1;
            }
            written.truncate(end);
            written.push_str("${…}");
            break;
        }
    }
    Some(written)
}

/// `location`, `location.href`, `location.origin` (of `window`, `self`, `globalThis` or
/// `document`), `document.baseURI`: a base on the page's own origin.
fn is_page_location(text: &str) -> bool {
    let location = ["window.", "self.", "globalThis.", "document."]
        .iter()
        .find_map(|global| text.strip_prefix(global))
        .unwrap_or(text);
    matches!(location, "location" | "location.href" | "location.origin")
        || text == "document.baseURI"
}

/// How long a page reference's URL is kept.
const MAX_PAGE_URL: usize = 4096;

#[cfg(test)]
mod tests {
    use super::{is_local_host, without_userinfo};

    #[test]
    fn local_hosts() {
        for host in [
            "localhost:8080",
            "api.localhost",
            "127.0.0.1",
            "[::1]:3000",
            "chat.test",
            "user:pass@localhost",
            "admin@[::1]:4000",
        ] {
            assert!(is_local_host(host), "{host}");
        }
        for host in [
            "192.168.1.20",
            "chat.local",
            "chat.example.com",
            "10.0.0.1",
            "chat.app.io",
            "localhost@chat.example.com",
        ] {
            assert!(!is_local_host(host), "{host}");
        }
    }

    #[test]
    fn userinfo_is_dropped() {
        assert_eq!(without_userinfo("user:pass@host:80"), "host:80");
        assert_eq!(without_userinfo("a@b@host"), "host");
        assert_eq!(without_userinfo("host"), "host");
    }

    use super::Endpoint;
    use crate::embedded::PageRefs;
    use crate::parse::{parse_script, with_globals};
    use crate::source::Language;

    /// The endpoints of the sockets a script opens, in order.
    fn endpoints(code: &str) -> Vec<Option<Endpoint>> {
        with_globals(|| {
            let parsed = parse_script(code, 0, Language::JavaScript).expect("parses");
            crate::semantic::analyze(&parsed, code, 0, "app.js")
                .sockets
                .into_iter()
                .map(|socket| socket.endpoint)
                .collect()
        })
    }

    fn page(code: &str) -> PageRefs {
        with_globals(|| {
            let parsed = parse_script(code, 0, Language::JavaScript).expect("parses");
            crate::semantic::analyze(&parsed, code, 0, "src/app.js").page
        })
    }

    fn urls(references: &[crate::embedded::Reference]) -> Vec<(&str, &str)> {
        references
            .iter()
            .map(|reference| (reference.url.as_str(), reference.via.as_str()))
            .collect()
    }

    #[test]
    fn concatenations_give_the_endpoint_of_the_same_template_literal() {
        let on_the_page = Some(Endpoint {
            host: "location".into(),
            path: "/bus".into(),
        });
        let forms = [
            r#"new WebSocket(`${location.protocol === "https:" ? "wss:" : "ws:"}//${location.host}/bus`)"#,
            r#"new WebSocket(`wss://${location.host}/bus`)"#,
            r#"new WebSocket("wss://" + location.host + "/bus")"#,
            r#"new WebSocket(location.protocol.replace("http", "ws") + "//" + location.host + "/bus")"#,
            r#"new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/bus")"#,
            r#"new WebSocket(location.origin.replace(/^http/, "ws") + "/bus")"#,
            r#"new WebSocket("wss://" + location.hostname + ":" + location.port + "/bus")"#,
            r#"const base = "wss://" + location.host; new WebSocket(base + "/bus")"#,
            r#"const base = `wss://${location.host}`; new WebSocket(`${base}/bus`)"#,
            r#"const host = window.location.host; new WebSocket("wss://" + host + "/bus?token=" + token)"#,
            r#"new WebSocket(`wss://${location.host}/bus?token=${token}#${x}`)"#,
        ];
        for form in forms {
            assert_eq!(endpoints(form), vec![on_the_page.clone()], "{form}");
        }
        let fixed = Some(Endpoint {
            host: "chat.example.com".into(),
            path: "/rooms".into(),
        });
        let forms = [
            r#"new WebSocket("wss://chat.example.com/rooms")"#,
            r#"new WebSocket("wss://" + "Chat.example.com" + "/rooms")"#,
            r#"const HOST = "chat.example.com"; new WebSocket(`wss://${HOST}/rooms`)"#,
            r#"const HOST = "chat.example.com"; new WebSocket("wss://" + HOST + "/rooms")"#,
            r#"new WebSocket("wss://chat.example.com/rooms?user=" + user)"#,
            r#"new WebSocket(`wss://chat.example.com/rooms?user=${user}`)"#,
        ];
        for form in forms {
            assert_eq!(endpoints(form), vec![fixed.clone()], "{form}");
        }
    }

    #[test]
    fn a_hole_in_the_host_or_the_path_leaves_the_endpoint_unknown() {
        for form in [
            r#"new WebSocket("wss://chat.example.com/" + room)"#,
            r#"new WebSocket(`wss://chat.example.com/${room}`)"#,
            r#"new WebSocket(`wss://${host}/bus`)"#,
            r#"new WebSocket("wss://" + host + "/bus")"#,
            r#"new WebSocket(`${location.protocol}//${host}/bus`)"#,
            r#"new WebSocket("wss://" + location.host + location.pathname + "/bus")"#,
            r#"new WebSocket(location.href.replace("http", "ws") + "/bus")"#,
            r#"new WebSocket("wss://" + location.host + "/bus/" + room)"#,
            r#"new WebSocket("ws://" + location.hostname + ":8080/bus")"#,
            r#"new WebSocket(url)"#,
        ] {
            assert_eq!(endpoints(form), vec![None], "{form}");
        }
    }

    #[test]
    fn page_references_keep_their_fixed_text_and_mark_their_holes() {
        let refs = page(
            r#"
            const url = `/preview.html?doc=${id}`;
            frame.src = url;
            iframe.src = "/widget.html?x=" + id;
            iframe.setAttribute("src", `./frames/${name}.html`);
            iframe.setAttribute("SRC", "/a.html");
            img.setAttribute("src", "/b.png");
            iframe.src = src;
            window.open(new URL("./pop.html", import.meta.url));
            window.open(new URL("/root.html", location.href).href);
            window.open(new URL("./page.html", location.href));
            window.open(new URL("/cdn.html", "https://cdn.example.com"));
            window.open(`/p.html#${x}`);
            new Worker(new URL(`./w.js?v=${v}`, import.meta.url), { type: "module" });
            new SharedWorker("/shared.js");
            "#,
        );
        assert_eq!(
            urls(&refs.frames),
            vec![
                ("/preview.html?doc=${id}", "iframe.src"),
                ("/widget.html?x=${id}", "iframe.src"),
                ("./frames/${name}.html", "setAttribute"),
                ("/a.html", "setAttribute"),
            ]
        );
        assert_eq!(
            urls(&refs.popups),
            vec![
                ("./pop.html", "window.open"),
                ("/root.html", "window.open"),
                ("/p.html#${x}", "window.open"),
            ]
        );
        assert_eq!(
            urls(&refs.workers),
            vec![("./w.js?v=${v}", "Worker"), ("/shared.js", "SharedWorker")]
        );
    }

    #[test]
    fn a_name_assigned_elsewhere_is_a_hole() {
        let refs = page(
            r#"
            let url = "/a.html";
            function later() { url = "/b.html"; }
            frame.src = url;
            let fixed = "/c.html";
            frame.src = fixed + "?x=" + later();
            "#,
        );
        assert_eq!(
            urls(&refs.frames),
            vec![("/c.html?x=${later()}", "iframe.src")]
        );
    }

    #[test]
    fn vite_worker_imports_start_workers() {
        let refs = page(
            r#"
            import ChatWorker from "./chat.js?worker";
            import Shared from "./shared.js?sharedworker";
            import Inline from "./inline.js?worker&inline";
            import workerUrl from "./url.js?worker&url";
            import { Named } from "./named.js?worker";
            import Plain from "./plain.js";
            function start() { return [new ChatWorker(), new Shared(), new Inline({ name: "x" })]; }
            new Plain(); new Named(); new workerUrl();
            "#,
        );
        assert_eq!(
            urls(&refs.workers),
            vec![
                ("./chat.js?worker", "Worker"),
                ("./shared.js?sharedworker", "SharedWorker"),
                ("./inline.js?worker&inline", "Worker"),
            ]
        );
    }

    #[test]
    fn jsx_frames_read_their_expressions() {
        let refs = page(
            r#"
            const App = ({ id, name, x }) => <div>
              <iframe src={`/preview.html#${x}`} />
              <iframe src={"/widget.html?x=" + id} />
              <iframe src={`./frames/${name}.html`} />
              <iframe src="/plain.html" />
              <iframe src={name} />
            </div>;
            "#,
        );
        assert_eq!(
            urls(&refs.frames),
            vec![
                ("/preview.html#${x}", "iframe"),
                ("/widget.html?x=${id}", "iframe"),
                ("./frames/${name}.html", "iframe"),
                ("/plain.html", "iframe"),
            ]
        );
    }

    #[test]
    fn hostile_page_urls_are_bounded() {
        let huge = "a".repeat(100_000);
        let code = format!(
            "frame.src = \"/{huge}\" + \"{huge}\" + `?${{x}}`; window.open(\"/x\\u0000.html\" + y);"
        );
        let refs = page(&code);
        assert_eq!(refs.frames.len(), 1);
        assert!(refs.frames[0].url.len() <= super::MAX_PAGE_URL + 8);
        assert!(refs.frames[0].url.ends_with("${…}"));
        assert_eq!(urls(&refs.popups), vec![("/x\0.html${y}", "window.open")]);
    }
}
