// Temporary measurement (not committed): stack bytes per nesting level.
use swc_common::BytePos;
use swc_ecma_parser::{EsSyntax, Parser, StringInput, Syntax};
fn main() {
    let args: Vec<String> = std::env::args().collect();
    let kind = args[1].clone();
    let n: usize = args[2].parse().unwrap();
    let stack_kb: usize = args[3].parse().unwrap();
    let phase = args[4].clone();
    let src = match kind.as_str() {
        "paren" => format!("x={}1{};", "(".repeat(n), ")".repeat(n)),
        "array" => format!("x={}1{};", "[".repeat(n), "]".repeat(n)),
        "chain" => format!("x=1{};", "+1".repeat(n)),
        "member" => format!("x=a{};", ".b".repeat(n)),
        "not" => format!("x={}1;", "!".repeat(n)),
        "assign" => format!("{}1;", "a=".repeat(n)),
        "cond" => format!("x={}1;", "a?b:".repeat(n)),
        "arrow" => format!("x={}1;", "a=>".repeat(n)),
        "if" => format!("{}x;", "if(a)".repeat(n)),
        "arrtype" => format!("let x: A{};", "[]".repeat(n)),
        "qual" => format!("let x: A{};", ".B".repeat(n)),
        "jsxmember" => format!("x=<a{}/>;", ".b".repeat(n)),
        "tagged" => format!("x=a{};", "``".repeat(n)),
        "nonnull" => format!("x=a{};", "!".repeat(n)),
        "fnexpr" => format!("x={}1{};", "function(){return ".repeat(n), "}".repeat(n)),
        "types" => format!("let x: {}1{};", "A<".repeat(n), ">".repeat(n)),
        "block" => format!("{}{}", "{".repeat(n), "}".repeat(n)),
        "func" => format!("{}{}", "function f(){".repeat(n), "}".repeat(n)),
        "obj" => format!("x={}1{};", "{a:".repeat(n), "}".repeat(n)),
        "call" => format!("x=f{};", "()".repeat(n)),
        "tmpl" => format!("x={}1{};", "`${".repeat(n), "}`".repeat(n)),
        _ => panic!(),
    };
    let syntax =
        if ["nonnull", "types", "arrtype", "qual"].contains(&kind.as_str()) || phase == "resolve" {
            Syntax::Typescript(Default::default())
        } else {
            Syntax::Es(EsSyntax {
                jsx: true,
                ..Default::default()
            })
        };
    let parse = move || {
        let input = StringInput::new(&src, BytePos(1), BytePos(1 + src.len() as u32));
        let mut parser = Parser::new(syntax, input, None);
        parser.parse_program().map_err(|_| ()).unwrap()
    };
    if phase == "parse" {
        let h = std::thread::Builder::new()
            .stack_size(stack_kb * 1024)
            .spawn(move || {
                std::mem::forget(parse());
            })
            .unwrap();
        h.join().unwrap();
    } else if phase == "drop" {
        let program = std::thread::Builder::new()
            .stack_size(4 << 30)
            .spawn(parse)
            .unwrap()
            .join()
            .unwrap();
        let h = std::thread::Builder::new()
            .stack_size(stack_kb * 1024)
            .spawn(move || drop(program))
            .unwrap();
        h.join().unwrap();
    } else if phase == "resolve" {
        use swc_common::{GLOBALS, Globals, Mark};
        use swc_ecma_transforms_base::resolver;
        let program = std::thread::Builder::new()
            .stack_size(4 << 30)
            .spawn(parse)
            .unwrap()
            .join()
            .unwrap();
        let h = std::thread::Builder::new()
            .stack_size(stack_kb * 1024)
            .spawn(move || {
                GLOBALS.set(&Globals::new(), || {
                    let mut program = program;
                    program.mutate(resolver(Mark::new(), Mark::new(), true));
                    std::mem::forget(program);
                })
            })
            .unwrap();
        h.join().unwrap();
    } else if phase == "walk" {
        use swc_ecma_visit::{Visit, VisitWith};
        struct V;
        impl Visit for V {}
        let program = std::thread::Builder::new()
            .stack_size(4 << 30)
            .spawn(parse)
            .unwrap()
            .join()
            .unwrap();
        let h = std::thread::Builder::new()
            .stack_size(stack_kb * 1024)
            .spawn(move || {
                program.visit_with(&mut V);
                std::mem::forget(program);
            })
            .unwrap();
        h.join().unwrap();
    }
    println!("ok");
}
