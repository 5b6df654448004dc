//! An RxJS message stream judged as one handler. `fromEvent(window, "message")` hands
//! each event through the stream's operators to its subscribers: a `filter` that compares
//! the origin guards everything after it, a `map` that keeps only the data leaves nothing
//! after it able to check the origin, and every function on the way may use the data. The
//! stages are analysed one by one, as handlers are, and their facts joined in order.

use std::ops::Range;

use swc_common::Span;
use swc_ecma_ast::Program;

use super::{
    Context, EventShape, Guard, HandlerFacts, Strength, analyze_handler, copied_parameter,
    guard_of, origin_check_of, with_function,
};
use crate::semantic::values::Bindings;

/// What an operator does with each value that reaches it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StageKind {
    /// `filter(e => …)`, `first(…)`, `takeWhile(…)`: only what the predicate accepts
    /// goes on, so an origin check it makes holds for every later stage.
    Gate,
    /// `map(e => e.data)`, `pluck("data")`: later stages get a value made from the
    /// event, which no longer carries its origin.
    Map,
    /// `tap(…)`, `subscribe(…)`: acts on the value and lets it on unchanged.
    Act,
    /// `switchMap(e => …)` and its kin: acts on the value; what follows gets the values
    /// of another stream.
    Flatten,
    /// `skipWhile(…)`, `distinctUntilChanged(…)`: reads the value and lets it on; what
    /// it tests guards nothing later.
    Inspect,
}

/// One operator of a stream, as the stream's file resolves it.
#[derive(Debug, Clone)]
pub struct StreamStage {
    pub kind: StageKind,
    /// The operator's function and how many arguments `bind` gave it; `None` for
    /// `pluck("data")`, which takes the data without a function.
    pub function: Option<(Span, usize)>,
    /// Where the operator is written.
    pub span: Range<usize>,
    /// The field `pluck(…)` takes, when known.
    pub field: Option<String>,
}

/// What the stream's stages do with each message event, as one handler's facts: `None`
/// when a stage cannot be followed (a function defined elsewhere, a `map` that keeps
/// the origin), or when the events themselves go on to code not seen here
/// (`handed_on`) with nothing done to them yet, since that code may check the origin.
pub fn analyze_stream(
    program: &Program,
    bindings: &Bindings,
    class: Option<u32>,
    stages: &[StreamStage],
    handed_on: bool,
) -> Option<HandlerFacts> {
    let mut joined = HandlerFacts {
        event_name: "event".into(),
        ..HandlerFacts::default()
    };
    let mut shape = EventShape::Dom;
    let mut named = false;
    // Checks that every value reaching the current stage has passed (indices into
    // `joined.checks`), and where the data was last taken from the event.
    let mut gate: Vec<usize> = Vec::new();
    let mut taken: Option<Range<usize>> = None;
    let mut handed_on = handed_on;
    for stage in stages {
        let gated = guard_of(&gate, &joined.checks);
        let Some((function, bound)) = stage.function else {
            // `pluck("data")`, or a field of the data.
            if shape == EventShape::Dom {
                if stage.field.as_deref() != Some("data") {
                    handed_on = true;
                    break;
                }
                joined.data_reads.push(stage.span.clone());
                taken = Some(stage.span.clone());
            }
            shape = EventShape::Data;
            continue;
        };
        // `map((e) => e as MessageEvent)`: the event goes on as it is.
        if stage.kind == StageKind::Map
            && with_function(program, function, |f| copied_parameter(&f)).flatten() == Some(bound)
        {
            continue;
        }
        let facts = analyze_handler(program, bindings, function, class, shape, bound)?;
        if shape == EventShape::Dom && !named {
            joined.event_name.clone_from(&facts.event_name);
            named = true;
        }
        let offset = joined.checks.len();
        let mut checks = facts.checks;
        if stage.kind == StageKind::Gate && shape == EventShape::Dom {
            let mut context = Context::new(program, bindings, class, function);
            if let Some(summary) = origin_check_of(&mut context, function, bound, true, 0) {
                for (index, check) in checks.iter_mut().enumerate() {
                    if check.self_only || check.never_rejects {
                        continue;
                    }
                    check.enforced = true;
                    // A predicate that accepts everyone while nothing is configured is
                    // as weak as the helper summary says.
                    if check.strength == Strength::Strong && summary.strength != Strength::Strong {
                        check.strength = summary.strength.clone();
                    }
                    gate.push(offset + index);
                }
            }
        }
        joined.checks.extend(checks);
        let shifted = |guard: Guard| stronger(shift(guard, offset), gated);
        joined.data_reads.extend(facts.data_reads.iter().cloned());
        joined
            .origin_reads
            .extend(facts.origin_reads.iter().cloned());
        joined.uses.extend(facts.uses.into_iter().map(|mut use_| {
            use_.guard = shifted(use_.guard);
            use_
        }));
        joined.sinks.extend(facts.sinks.into_iter().map(|mut sink| {
            sink.guard = shifted(sink.guard);
            sink
        }));
        joined.effects |= facts.effects;
        joined.unchecking_helpers.extend(facts.unchecking_helpers);
        joined.answers_like_worker |= facts.answers_like_worker;
        match stage.kind {
            StageKind::Map if shape == EventShape::Dom => {
                // A value that may carry the origin on (`map(e => [e.origin, e.data])`)
                // could still be checked later: what follows is not followed, and what came
                // before stands.
                if !facts.origin_reads.is_empty() {
                    handed_on = false;
                    break;
                }
                // A value made otherwise (`map(() => true)`, `map(e => ({ ...e }))`): what
                // follows gets something not followed here.
                let Some(read) = facts.data_reads.first() else {
                    handed_on = true;
                    break;
                };
                taken = Some(read.clone());
                shape = EventShape::Data;
            }
            StageKind::Flatten => {
                handed_on = false;
                break;
            }
            _ => {}
        }
    }
    if handed_on {
        match taken {
            // The data goes on to code not seen here, and no later code can check where
            // it came from: handing it on is using it.
            Some(read) if shape == EventShape::Data => {
                joined.uses.push(super::DataUse {
                    span: read,
                    guard: guard_of(&gate, &joined.checks),
                });
                joined.effects = true;
            }
            _ if joined.uses.is_empty() && joined.sinks.is_empty() => return None,
            _ => {}
        }
    }
    Some(joined)
}

/// A guard of a stage's own checks, as an index into the joined checks.
fn shift(guard: Guard, offset: usize) -> Guard {
    match guard {
        Guard::Weak(index) => Guard::Weak(index + offset),
        other => other,
    }
}

fn stronger(a: Guard, b: Guard) -> Guard {
    let rank = |guard: Guard| match guard {
        Guard::None => 0,
        Guard::Weak(_) => 1,
        Guard::Strong => 2,
    };
    if rank(b) > rank(a) { b } else { a }
}
