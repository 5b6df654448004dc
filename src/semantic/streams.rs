//! RxJS message streams: `fromEvent(window, "message")` registers a listener as
//! `addEventListener` does, and its handler is the chain of operators and subscribers the
//! events go through (`.pipe(filter(…), map(…)).subscribe(…)`, or RxJS 5's
//! `.filter(…).map(…)`), also through a name or field that holds the stream
//! (`this.messages$ = fromEvent(…)` and `this.messages$.subscribe(…)` elsewhere).
//! Each way from the registration to a subscriber, or out of the file's sight, is a
//! listener of its own (`handlers::analyze_stream` judges it).

use std::ops::Range;

use swc_atoms::Atom;
use swc_common::{Span, Spanned};
use swc_ecma_ast::{CallExpr, Callee, Expr, ExprOrSpread, Lit, Prop, PropOrSpread};

use super::collect::{raw_handler, small};
use super::handlers::StageKind;
use super::listeners::{ListenTarget, ListenerForm, RawHandler, RawListener};
use super::sockets::Holder;
use super::values::{Bindings, literal_string, member_name, prop_name, strip};
use crate::parse::span_range;
use rustc_hash::FxHashMap;

/// How many names a stream may pass through between its registration and a subscriber.
const MAX_HOPS: usize = 4;

/// How many ways from one registration are judged: a stream kept in a name that many
/// chains continue, each kept in names continued again, has ways without end.
const MAX_PATHS: usize = 64;

/// How many calls a stream chain may hold, `fromEvent` to `subscribe`.
const MAX_LINKS: usize = 64;

/// A chain of stream operators as written, before the file's bindings are complete.
pub(super) struct RawStream<'a> {
    base: StreamBase<'a>,
    /// The operators, first applied first, up to and including `subscribe`.
    operators: Vec<RawOperator<'a>>,
    /// The chain as written, which a name or field may be given.
    span: Span,
    /// The name or field a chain on a name continues (`messages$` of `messages$.pipe(…)`).
    pub(super) holder: Option<Holder>,
    class: Option<u32>,
    in_worker_code: bool,
    in_function: bool,
}

enum StreamBase<'a> {
    /// `fromEvent(target, event)`, `Observable.fromEvent(…)`: the callee and its arguments.
    FromEvent {
        callee: &'a Expr,
        args: &'a [ExprOrSpread],
    },
    /// A name or a field holding a stream (`messages$.pipe(…)`).
    Named(&'a Expr),
}

struct RawOperator<'a> {
    name: Atom,
    args: &'a [ExprOrSpread],
    span: Range<usize>,
}

/// One operator on the way, as [`RawHandler::Stream`] carries it.
#[derive(Debug, Clone)]
pub struct RawStage<'a> {
    pub kind: StageKind,
    /// The operator's function as written; `None` for `pluck(…)`.
    pub function: Option<RawHandler<'a>>,
    pub span: Range<usize>,
    /// The field `pluck(…)` takes.
    pub field: Option<&'a Expr>,
}

/// What an operator does to the values that reach it, when it is known.
enum Operator {
    Stage(StageKind),
    /// `pluck("data")`, or a field of the data.
    Pluck,
    /// `take(1)`, `debounceTime(100)`, `shareReplay()`: lets the values on as they are.
    Passes,
    /// `subscribe(…)`: the end of the chain.
    Subscribes,
    /// `ignoreElements()`, `mapTo(x)`: nothing of the message goes on.
    Drops,
}

fn operator(name: &str, args: &[ExprOrSpread]) -> Option<Operator> {
    use StageKind::*;
    // `first()`, `distinctUntilChanged()`: without a function they let values on.
    let has_function = !args.is_empty();
    Some(match name {
        "filter"
        | "first"
        | "find"
        | "single"
        | "takeWhile"
        | "last"
        | "skipWhile"
        | "distinctUntilChanged"
        | "distinct"
        | "debounce"
        | "throttle"
        | "audit"
            if !has_function =>
        {
            Operator::Passes
        }
        // `takeWhile(p, true)` also lets on the first value that fails.
        "takeWhile"
            if args.get(1).is_some_and(
                |arg| matches!(strip(&arg.expr), Expr::Lit(Lit::Bool(flag)) if flag.value),
            ) =>
        {
            Operator::Stage(Inspect)
        }
        "filter" | "first" | "find" | "single" | "takeWhile" | "last" => Operator::Stage(Gate),
        "map" => Operator::Stage(Map),
        // `pluck("data")` takes the data; a field of the data (`pluck("html")` after
        // `map(e => e.data)`) is data too. Any other field of the event is not followed.
        "pluck" => Operator::Pluck,
        "tap" | "do" => Operator::Stage(Act),
        "subscribe" | "forEach" => Operator::Subscribes,
        "switchMap" | "mergeMap" | "concatMap" | "exhaustMap" | "flatMap" => {
            Operator::Stage(Flatten)
        }
        "skipWhile" | "distinctUntilChanged" | "distinct" | "debounce" | "throttle" | "audit" => {
            Operator::Stage(Inspect)
        }
        "take" | "takeUntil" | "skip" | "skipUntil" | "debounceTime" | "throttleTime"
        | "auditTime" | "sampleTime" | "delay" | "delayWhen" | "share" | "shareReplay"
        | "publish" | "publishReplay" | "refCount" | "observeOn" | "subscribeOn" | "startWith"
        | "finalize" | "catchError" | "retry" | "retryWhen" | "timeout" | "untilDestroyed"
        | "takeUntilDestroyed" | "defaultIfEmpty" | "asObservable" => Operator::Passes,
        "ignoreElements" | "mapTo" | "switchMapTo" | "mergeMapTo" | "concatMapTo" | "count" => {
            Operator::Drops
        }
        _ => return None,
    })
}

/// Whether a method called on a name may continue a stream (most `x.map(…)` are arrays').
fn continues_stream(name: &str) -> bool {
    matches!(name, "pipe" | "subscribe") || operator(name, &[]).is_some()
}

/// The stream chain `call` ends, when its innermost call is `fromEvent` or it continues
/// a name; `known_streams` says whether the file registered one yet (a name's chain is
/// kept only then).
pub(super) fn stream_chain<'a>(
    call: &'a CallExpr,
    known_streams: bool,
    class: Option<u32>,
    in_worker_code: bool,
    in_function: bool,
) -> Option<RawStream<'a>> {
    let mut links: Vec<(&'a str, &'a CallExpr)> = Vec::new();
    let mut current = call;
    let base = loop {
        let Callee::Expr(callee) = &current.callee else {
            return None;
        };
        match strip(callee) {
            // Also an alias (`const { fromEvent: on } = rxjs`) named with `"message"`.
            Expr::Ident(ident)
                if &*ident.sym == "fromEvent"
                    || (current
                        .args
                        .get(1)
                        .and_then(|arg| literal_string(&arg.expr))
                        == Some("message")) =>
            {
                break StreamBase::FromEvent {
                    callee,
                    args: &current.args,
                };
            }
            Expr::Member(member) => {
                let name = member_name(&member.prop)?;
                if name == "fromEvent" {
                    break StreamBase::FromEvent {
                        callee,
                        args: &current.args,
                    };
                }
                // A chain of hundreds of calls (`$(x).a().b()…`) is no stream; each of
                // its calls would unwind it again.
                if links.len() >= MAX_LINKS {
                    return None;
                }
                links.push((name, current));
                match strip(&member.obj) {
                    Expr::Call(inner) => current = inner,
                    base @ (Expr::Ident(_) | Expr::Member(_))
                        if known_streams || matches!(name, "pipe" | "subscribe") =>
                    {
                        if !continues_stream(name) {
                            return None;
                        }
                        break StreamBase::Named(base);
                    }
                    _ => return None,
                }
            }
            _ => return None,
        }
    };
    let mut operators = Vec::new();
    for (name, link) in links.into_iter().rev() {
        if name == "pipe" {
            for arg in &link.args {
                operators.push(piped_operator(arg));
            }
        } else {
            operators.push(RawOperator {
                name: Atom::from(name),
                args: &link.args,
                span: span_range(link.span),
            });
        }
    }
    if operators.len() > MAX_LINKS {
        return None;
    }
    Some(RawStream {
        base,
        operators,
        span: call.span,
        holder: None,
        class,
        in_worker_code,
        in_function,
    })
}

/// `filter(f)` or `operators.filter(f)` inside `pipe(…)`; anything else is an operator
/// not known here.
fn piped_operator(arg: &ExprOrSpread) -> RawOperator<'_> {
    let span = span_range(arg.expr.span());
    if let Expr::Call(call) = strip(&arg.expr)
        && let Callee::Expr(callee) = &call.callee
    {
        let name = match strip(callee) {
            Expr::Ident(ident) => Some(ident.sym.clone()),
            Expr::Member(member) => member_name(&member.prop).map(Atom::from),
            _ => None,
        };
        if let Some(name) = name {
            return RawOperator {
                name,
                args: &call.args,
                span,
            };
        }
    }
    RawOperator {
        name: Atom::default(),
        args: &[],
        span,
    }
}

impl<'a> RawStream<'a> {
    /// The name or field the chain continues, if it continues one.
    pub(super) fn named_base(&self) -> Option<&'a Expr> {
        match self.base {
            StreamBase::Named(name) => Some(name),
            StreamBase::FromEvent { .. } => None,
        }
    }

    /// Where the chain starts: its `fromEvent` callee, or the name it continues.
    pub(super) fn base_start(&self) -> u32 {
        match self.base {
            StreamBase::FromEvent { callee, .. } => callee.span().lo.0,
            StreamBase::Named(name) => name.span().lo.0,
        }
    }
}

/// The listeners the file's message streams register: one for each way from a
/// `fromEvent` of the RxJS package to a subscriber or out of sight.
pub(super) fn stream_listeners<'a>(
    bindings: &Bindings<'a>,
    streams: &[RawStream<'a>],
    holders: &[(Holder, Span)],
) -> Vec<RawListener<'a>> {
    if streams.is_empty() {
        return Vec::new();
    }
    let children = continuations(streams, holders);
    let mut listeners = Vec::new();
    for (root_index, root) in streams.iter().enumerate() {
        let StreamBase::FromEvent { callee, args } = root.base else {
            continue;
        };
        if !is_rxjs_from_event(bindings, callee) {
            continue;
        }
        let (Some(target), Some(event)) = (args.first(), args.get(1)) else {
            continue;
        };
        if target.spread.is_some() || event.spread.is_some() {
            continue;
        }
        let (Some(target), Some(event)) = (small(&target.expr), small(&event.expr)) else {
            continue;
        };
        let mut paths = Vec::new();
        follow(streams, &children, root_index, Vec::new(), 0, &mut paths);
        for (stages, handed_on) in paths {
            listeners.push(RawListener {
                registration: registration(callee),
                form: ListenerForm::Observable,
                target: ListenTarget::Expr(target),
                event: Some(event),
                handler: RawHandler::Stream { stages, handed_on },
                class: root.class,
                in_worker_code: root.in_worker_code,
                imported: None,
                in_function: root.in_function,
            });
        }
    }
    listeners
}

/// Where a stream registers: the `fromEvent` name (of `rxjs\n.fromEvent(…)`, the line
/// that names it).
fn registration(callee: &Expr) -> Range<usize> {
    match strip(callee) {
        Expr::Member(member) => span_range(member.prop.span()),
        callee => span_range(callee.span()),
    }
}

/// Every way on from `chain`, with the stages before it: to a subscriber (not handed
/// on), to the chains that continue the name it is kept in, or out of sight.
fn follow<'a>(
    streams: &[RawStream<'a>],
    children: &[Vec<usize>],
    chain: usize,
    mut stages: Vec<RawStage<'a>>,
    hops: usize,
    paths: &mut Vec<(Vec<RawStage<'a>>, bool)>,
) {
    if paths.len() >= MAX_PATHS {
        return;
    }
    for op in &streams[chain].operators {
        match operator(&op.name, op.args) {
            Some(Operator::Stage(kind)) => {
                let Some(function) = op.args.first().filter(|arg| arg.spread.is_none()) else {
                    paths.push((stages, true));
                    return;
                };
                stages.push(RawStage {
                    kind,
                    function: Some(raw_handler(Some(&function.expr))),
                    span: op.span.clone(),
                    field: None,
                });
            }
            Some(Operator::Pluck) => stages.push(RawStage {
                kind: StageKind::Map,
                function: None,
                span: op.span.clone(),
                field: op
                    .args
                    .first()
                    .filter(|arg| arg.spread.is_none())
                    .map(|arg| &*arg.expr),
            }),
            Some(Operator::Passes) => {}
            Some(Operator::Subscribes) => {
                if let Some(next) = subscriber(op.args) {
                    stages.push(RawStage {
                        kind: StageKind::Act,
                        function: Some(next),
                        span: op.span.clone(),
                        field: None,
                    });
                }
                paths.push((stages, false));
                return;
            }
            Some(Operator::Drops) => {
                paths.push((stages, false));
                return;
            }
            // An operator not known here: what it hands on is not followed.
            None => {
                paths.push((stages, true));
                return;
            }
        }
    }
    let next = if hops < MAX_HOPS {
        &children[chain][..]
    } else {
        &[]
    };
    if next.is_empty() {
        paths.push((stages, true));
        return;
    }
    for &next in next {
        follow(streams, children, next, stages.clone(), hops + 1, paths);
    }
}

/// For each chain, the chains that continue the stream it makes through a name or a
/// field that holds it (`messages$.subscribe(…)`), found once for the file. Where a name
/// is given a refinement of itself (`m$ = m$.pipe(filter(…))`), what continues the name
/// continues the refinement, not what it refines.
fn continuations(streams: &[RawStream], holders: &[(Holder, Span)]) -> Vec<Vec<usize>> {
    let by_span: FxHashMap<(u32, u32), usize> = streams
        .iter()
        .enumerate()
        .map(|(index, chain)| ((chain.span.lo.0, chain.span.hi.0), index))
        .collect();
    let mut held: FxHashMap<&Holder, Vec<usize>> = FxHashMap::default();
    for (holder, span) in holders {
        if let Some(&chain) = by_span.get(&(span.lo.0, span.hi.0)) {
            let chains = held.entry(holder).or_default();
            if !chains.contains(&chain) && chains.len() < MAX_PATHS {
                chains.push(chain);
            }
        }
    }
    let mut children = vec![Vec::new(); streams.len()];
    for (index, chain) in streams.iter().enumerate() {
        let Some(parents) = chain.holder.as_ref().and_then(|holder| held.get(holder)) else {
            continue;
        };
        let refines = |parent: usize| streams[parent].holder == chain.holder;
        let refined = parents
            .iter()
            .any(|&parent| parent != index && refines(parent));
        for &parent in parents {
            if parent != index && (!refined || refines(parent)) {
                children[parent].push(index);
            }
        }
    }
    children
}

/// The `next` handler of `subscribe(next)` or `subscribe({ next })`.
fn subscriber<'a>(args: &'a [ExprOrSpread]) -> Option<RawHandler<'a>> {
    let first = args.first().filter(|arg| arg.spread.is_none())?;
    let Expr::Object(observer) = strip(&first.expr) else {
        return Some(raw_handler(Some(&first.expr)));
    };
    observer.props.iter().find_map(|prop| match prop {
        PropOrSpread::Prop(prop) => match &**prop {
            Prop::KeyValue(pair) if prop_name(&pair.key) == Some("next") => {
                Some(raw_handler(Some(&pair.value)))
            }
            Prop::Method(method) if prop_name(&method.key) == Some("next") => {
                Some(RawHandler::Function(method.function.span))
            }
            _ => None,
        },
        PropOrSpread::Spread(_) => None,
    })
}

/// Whether `expr` names RxJS as a global or a host page hands it out: `rxjs`, `Rx`,
/// `craftercms.libs.rxjs`.
pub(super) fn names_rxjs(expr: &Expr) -> bool {
    match strip(expr) {
        Expr::Ident(ident) => matches!(&*ident.sym, "rxjs" | "Rx"),
        Expr::Member(member) => matches!(member_name(&member.prop), Some("rxjs" | "Rx")),
        _ => false,
    }
}

/// Whether a module is RxJS: `rxjs` (and its paths), RxJS 4's `rx` and its DOM bindings.
fn is_rxjs_module(source: &str) -> bool {
    source == "rxjs"
        || source.starts_with("rxjs/")
        || matches!(
            source,
            "rx" | "rx-dom" | "rx-lite" | "rx-lite-dom" | "@reactivex/rxjs"
        )
}

/// `fromEvent` of RxJS: imported from it (`import { fromEvent } from "rxjs"`, also
/// destructured from a host page's `rxjs`), RxJS 5's `Observable.fromEvent`, RxJS 4's
/// `Rx.Observable.fromEvent` and `Rx.DOM.fromEvent` (whatever module or global `Rx` comes
/// from), `rxjs.fromEvent`, and a name that holds one of these.
fn is_rxjs_from_event(bindings: &Bindings, callee: &Expr) -> bool {
    is_rxjs_from_event_at(bindings, callee, 0)
}

fn is_rxjs_from_event_at(bindings: &Bindings, callee: &Expr, depth: u32) -> bool {
    if depth > 2 {
        return false;
    }
    match strip(callee) {
        Expr::Ident(ident) => {
            if let Some((source, imported)) = bindings.import_of(ident) {
                return is_rxjs_module(&source) && imported == "fromEvent";
            }
            // `let fromEvent = Observable.fromEvent`.
            bindings
                .binding(&bindings.id(ident))
                .and_then(|binding| binding.init())
                .is_some_and(|init| is_rxjs_from_event_at(bindings, init, depth + 1))
        }
        Expr::Member(member) if member_name(&member.prop) == Some("fromEvent") => {
            is_rxjs_namespace(bindings, &member.obj, depth)
        }
        _ => false,
    }
}

/// What `fromEvent` may be read from: `Observable` (of RxJS, or `Rx.Observable` kept in a
/// name), `Rx.Observable`, `Rx.DOM`, a namespace of RxJS, `rxjs` or `Rx` themselves.
fn is_rxjs_namespace(bindings: &Bindings, object: &Expr, depth: u32) -> bool {
    match strip(object) {
        Expr::Ident(ident) => match bindings.import_of(ident) {
            Some((source, _)) => is_rxjs_module(&source) || names_rxjs(object),
            None => {
                matches!(&*ident.sym, "rxjs" | "Rx" | "Observable")
                    && (bindings.is_global(ident)
                        || bindings
                            .binding(&bindings.id(ident))
                            .and_then(|binding| binding.init())
                            .is_some_and(|init| {
                                depth < 2 && is_rxjs_namespace(bindings, init, depth + 1)
                            }))
            }
        },
        Expr::Member(member) => match member_name(&member.prop) {
            // `Rx.Observable`, and the same of a module that hands RxJS out.
            Some("Observable" | "DOM") => matches!(strip(&member.obj), Expr::Ident(_)),
            Some("rxjs" | "Rx") => true,
            _ => false,
        },
        _ => false,
    }
}
