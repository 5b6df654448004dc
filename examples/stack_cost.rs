//! The stack one level of nesting costs, for `src/stack/mod.rs`'s budget.
//!
//! usage: stack_cost FORM LEVELS STACK_KB PHASE
//!
//! Builds code of FORM nested LEVELS deep (the forms are listed in `code`), then runs PHASE
//! (`parse`, `drop`, `resolve` or `walk`) on a thread with STACK_KB of stack; it prints `ok`,
//! or the process dies of a stack overflow. Searching STACK_KB for the smallest that passes
//! gives the bytes per level, e.g.:
//!
//! ```sh
//! for kb in 8000 16000 32000; do target/release/examples/stack_cost arrow 20000 $kb parse; done
//! ```
use swc_common::{BytePos, GLOBALS, Globals, Mark};
use swc_ecma_ast::Program;
use swc_ecma_parser::{EsSyntax, Parser, StringInput, Syntax};
use swc_ecma_transforms_base::resolver;
use swc_ecma_visit::{Visit, VisitWith};

fn code(form: &str, n: usize) -> (String, bool) {
    let nest = |open: &str, middle: &str, close: &str| {
        format!("{}{middle}{}", open.repeat(n), close.repeat(n))
    };
    let code = match form {
        "paren" => format!("x={};", nest("(", "1", ")")),
        "array" => format!("x={};", nest("[", "1", "]")),
        "object" => format!("x={};", nest("{a:", "1", "}")),
        "block" => nest("{", "", "}"),
        "function" => nest("function f(){", "", "}"),
        "fnexpr" => format!("x={};", nest("function(){return ", "1", "}")),
        "template" => format!("x={};", nest("`${", "1", "}`")),
        "not" => format!("x={}1;", "!".repeat(n)),
        "assign" => format!("{}1;", "a=".repeat(n)),
        "cond" => format!("x={}1;", "a?b:".repeat(n)),
        "arrow" => format!("x={}1;", "a=>".repeat(n)),
        "if" => format!("{}x;", "if(a)".repeat(n)),
        "sum" => format!("x=1{};", "+1".repeat(n)),
        "member" => format!("x=a{};", ".b".repeat(n)),
        "call" => format!("x=f{};", "()".repeat(n)),
        "tagged" => format!("x=f{};", "``".repeat(n)),
        "jsxmember" => format!("x=<a{}/>;", ".b".repeat(n)),
        "nonnull" => return (format!("x=a{};", "!".repeat(n)), true),
        "types" => return (format!("let x: {};", nest("A<", "1", ">")), true),
        "arraytype" => return (format!("let x: A{};", "[]".repeat(n)), true),
        "qualified" => return (format!("let x: A{};", ".B".repeat(n)), true),
        _ => panic!("unknown form {form}"),
    };
    (code, false)
}

fn parse(code: &str, typescript: bool) -> Program {
    let syntax = if typescript {
        Syntax::Typescript(Default::default())
    } else {
        Syntax::Es(EsSyntax {
            jsx: true,
            ..Default::default()
        })
    };
    let input = StringInput::new(code, BytePos(1), BytePos(1 + code.len() as u32));
    Parser::new(syntax, input, None)
        .parse_program()
        .unwrap_or_else(|_| panic!("the code parses"))
}

/// Runs `f` on a thread with `kb` KiB of stack.
fn on_stack<T: Send + 'static>(kb: usize, f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(kb * 1024)
        .spawn(f)
        .expect("the thread starts")
        .join()
        .expect("the phase completes")
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, form, levels, kb, phase] = args.as_slice() else {
        panic!("usage: stack_cost FORM LEVELS STACK_KB PHASE");
    };
    let phase = phase.clone();
    let (code, typescript) = code(form, levels.parse().expect("a number of levels"));
    let kb: usize = kb.parse().expect("a number of KiB");
    if phase == "parse" {
        on_stack(kb, move || std::mem::forget(parse(&code, typescript)));
    } else {
        // Parsed on a stack large enough for any form, then the phase on the one measured.
        let resolve = phase == "resolve";
        let program = on_stack(4 << 20, move || parse(&code, typescript || resolve));
        match phase.as_str() {
            "drop" => on_stack(kb, move || drop(program)),
            "resolve" => on_stack(kb, move || {
                GLOBALS.set(&Globals::new(), || {
                    let mut program = program;
                    program.mutate(resolver(Mark::new(), Mark::new(), true));
                    std::mem::forget(program);
                })
            }),
            "walk" => on_stack(kb, move || {
                struct Empty;
                impl Visit for Empty {}
                program.visit_with(&mut Empty);
                std::mem::forget(program);
            }),
            _ => panic!("unknown phase {phase}"),
        }
    }
    println!("ok");
}
