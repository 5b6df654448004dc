//! The single walk over a file's tree. It records bindings and raw call sites;
//! resolution runs afterwards, when every binding of the file is known.

use rustc_hash::FxHashMap as HashMap;
use std::ops::Range;

use swc_atoms::Atom;
use swc_common::{BytePos, Spanned};
use swc_ecma_ast::*;
use swc_ecma_visit::{Visit, VisitWith};

use super::handlers::expression_is;
use super::listeners::{
    ListenTarget, ListenerForm, RawHandler, RawListener, ScopeSignals, is_worker_file_name,
    resolve_listeners,
};
use super::scopes::{ScopeKind, ScopeTree, Scopes, body_is_strict};
use super::socket_uses::{HolderRef, HolderUse, RawPromise, UseKind};
use super::sockets::{
    CallResult, CloseSite, Holder, ImportedCall, RawSocket, RawSockets, SendSite, SocketEvent,
    TimerSite, declared_field, holder_of, is_minified_path, is_test_path, this_field,
};
use super::user_actions::{is_jquery_shorthand, is_user_event, is_user_event_property};
use super::values::{
    Binding, BindingKind, Bindings, FileProtocolTest, calls_back_at_once, literal_string,
    member_atom, member_name, object_property, prop_atom, prop_name, required_module, strip,
};
use super::{FileFacts, MarkupCalls, PostMessageCall};
use crate::parse::{ParsedScript, span_range};

/// Expressions larger than this many nodes are not followed by resolution.
const SMALL_BUDGET: u32 = 64;

/// Collects the facts of one parsed script, whose text `code` starts at byte `base` of
/// its file. What the walk records points into `parsed.program` (see [`in_tree`]); none
/// of it outlives this call.
///
/// `markup_calls` names the functions the page's markup calls from event handler
/// attributes (`<button onclick="connect()">`), for `super::user_actions`.
pub fn collect(parsed: &ParsedScript, path: &str, markup_calls: MarkupCalls) -> FileFacts {
    walk(parsed, path, markup_calls).finish(&parsed.program)
}

/// The binding each identifier of a plain JavaScript program names, as the walk
/// resolves it: `(position, name, context)` in the order of the tree. Labels are left
/// out. For `tests/scopes_oracle.rs`, which compares them with swc's resolver.
pub fn binding_contexts(parsed: &ParsedScript) -> Vec<(u32, Atom, swc_common::SyntaxContext)> {
    struct Idents<'b> {
        bindings: &'b Bindings<'b>,
        found: Vec<(u32, Atom, swc_common::SyntaxContext)>,
    }
    impl Visit for Idents<'_> {
        crate::guard_nesting!();

        fn visit_ident(&mut self, ident: &Ident) {
            let (name, context) = self.bindings.id(ident);
            self.found.push((ident.span.lo.0, name, context));
        }
        fn visit_labeled_stmt(&mut self, stmt: &LabeledStmt) {
            stmt.body.visit_with(self);
        }
        fn visit_break_stmt(&mut self, _: &BreakStmt) {}
        fn visit_continue_stmt(&mut self, _: &ContinueStmt) {}
    }
    let collector = walk(parsed, "oracle.js", MarkupCalls::default());
    let mut idents = Idents {
        bindings: &collector.bindings,
        found: Vec::new(),
    };
    parsed.program.visit_with(&mut idents);
    idents.found
}

/// The walk itself, with the file's scopes settled after it.
fn walk<'a>(parsed: &'a ParsedScript, path: &str, markup_calls: MarkupCalls) -> Collector<'a> {
    let scopes = match parsed.unresolved {
        Some(unresolved) => Scopes::Resolved { unresolved },
        None => Scopes::Tree(ScopeTree::new(&parsed.program)),
    };
    let mut collector: Collector<'a> = Collector {
        bindings: Bindings::new(scopes),
        declaration_kind: None,
        pending_assignments: HashMap::default(),
        post_messages: Vec::new(),
        file_protocol_guards: 0,
        seen_file_literal: false,
        worker_guards: 0,
        listeners: Vec::new(),
        wrapper_calls: Vec::new(),
        streams: Vec::new(),
        stream_starts: Default::default(),
        stream_holders: Vec::new(),
        wrapper_signatures: Vec::new(),
        signals: ScopeSignals {
            worker_file_name: is_worker_file_name(path),
            test_file: is_test_path(path),
            ..ScopeSignals::default()
        },
        classes: Vec::new(),
        class_names: Vec::new(),
        frames: Vec::new(),
        pending_function_name: None,
        top_level_awaits: 0,
        ready_state_guards: 0,
        holder_hints: HashMap::default(),
        synchronous_callbacks: Default::default(),
        page_references: Vec::new(),
        sets_sources: false,
        dynamic_imports: Vec::new(),
        worker_import_seen: false,
        servers: Default::default(),
        bun_serve_depth: 0,
        server_library_seen: false,
        sockets: RawSockets {
            test_file: is_test_path(path),
            minified_file: is_minified_path(path),
            markup_calls: [
                (markup_calls.on_user_action, true),
                (markup_calls.otherwise, false),
            ]
            .into_iter()
            .flat_map(|(names, on_user_action)| {
                names
                    .iter()
                    .map(move |name| (Atom::from(&**name), on_user_action))
            })
            .collect(),
            ..RawSockets::default()
        },
        named_functions: Vec::new(),
        this_scopes: 0,
        es_module: matches!(&parsed.program, Program::Module(module)
            if module.body.iter().any(|item| matches!(item, ModuleItem::ModuleDecl(_)))),
        store_updaters: rustc_hash::FxHashMap::default(),
        store_actions: rustc_hash::FxHashSet::default(),
    };
    parsed.program.visit_with(&mut collector);
    if let Some(tree) = collector.bindings.scopes.tree_mut() {
        tree.finish();
    }
    collector
}

/// A call of a function that may forward to `addEventListener`: a wrapper of the run,
/// or a library's listener hook (`super::hooks`).
///
/// Kept as written: most files have no such functions, and minified code makes calls
/// everywhere, so the callee is resolved and the arguments sized only once the walk is
/// over.
pub(super) struct WrapperCall<'a> {
    /// A name (`on(…)`) or a method of an object or class of the file (`exports.on(…)`,
    /// `events.on(…)`, `this.listen(…)`).
    pub(super) callee: &'a Expr,
    pub(super) registration: Range<usize>,
    arguments: &'a [ExprOrSpread],
    pub(super) class: Option<u32>,
    pub(super) in_worker_code: bool,
    pub(super) in_function: bool,
    /// Whether the call may use a wrapper of another module: asked of the link only
    /// when an argument could be a handler (most calls hand over no function).
    may_be_imported: ImportedWrapper,
}

impl<'a> WrapperCall<'a> {
    /// The argument at `index`, unless it is absent or spread.
    pub(super) fn argument(&self, index: usize) -> Option<&'a Expr> {
        let arg = self.arguments.get(index)?;
        arg.spread.is_none().then_some(&*arg.expr)
    }
}

/// Whether a call is asked of the link as one of another module's listener wrapper: an
/// unparsed module it names is parsed for the answer, so only calls that hand over a
/// handler are asked.
#[derive(Clone, Copy, PartialEq, Eq)]
enum ImportedWrapper {
    /// It hands over a function as written, or names `"message"` among three arguments.
    Ask,
    /// It hands over a name or an expression: asked once the walk shows that one of them
    /// is a function of the file (`onMessage(handle)`, `onMessage(this.handle)`).
    IfAFunction,
    No,
}

/// `target.addEventListener(event, handler)` in a function whose parameter `handler` is,
/// before the file's bindings are complete: the target and the event name are the
/// function's parameters too (`Ok`), or what it names itself (`Err`).
struct RawWrapperSignature<'a> {
    function: swc_common::Span,
    target: Result<usize, &'a Expr>,
    event: Result<usize, &'a Expr>,
    handler: usize,
}

/// A frame, worker or popup reference, before its URL is resolved.
struct RawReference<'a> {
    kind: ReferenceKind,
    via: &'static str,
    url: RawUrl<'a>,
    span: Range<usize>,
}

#[derive(Clone, Copy)]
enum ReferenceKind {
    Frame,
    Worker,
    Popup,
}

enum RawUrl<'a> {
    /// An expression, read by [`super::socket_urls::page_url`].
    Written(&'a Expr),
    /// Text the syntax fixes (a JSX attribute string, an import's source).
    Fixed(String),
}

/// The function being walked: its name, span, simple parameters and `await`s so far.
struct Frame {
    name: Option<Id>,
    /// The function's own span.
    own: swc_common::Span,
    /// The frame that runs this code: its own span, or its caller's for a callback that
    /// runs synchronously (`items.forEach(…)`); `None` at the top level.
    runs_in: Option<swc_common::Span>,
    params: Vec<Option<Id>>,
    awaits: u32,
}

struct RawPostMessage<'a> {
    span: Range<usize>,
    callee_span: Range<usize>,
    receiver: Option<&'a Expr>,
    receiver_span: Option<Range<usize>>,
    argument_count: usize,
    /// The second argument; `None` when absent or too large to follow.
    second_argument: Option<&'a Expr>,
    only_under_file_protocol: bool,
    /// The enclosing class, for `this.postMessage(…)`.
    class: Option<u32>,
}

struct Collector<'a> {
    bindings: Bindings<'a>,
    declaration_kind: Option<VarDeclKind>,
    /// Assignments seen before their binding's declaration (hoisting).
    pending_assignments: HashMap<Id, Vec<Option<&'a Expr>>>,
    post_messages: Vec<RawPostMessage<'a>>,
    /// How many enclosing conditions restrict the code to the `file:` protocol.
    file_protocol_guards: u32,
    /// Whether the walk has passed a `"file:"` or `"file"` string.
    seen_file_literal: bool,
    /// How many enclosing conditions restrict the code to a worker (`typeof window === "undefined"`).
    worker_guards: u32,
    listeners: Vec<RawListener<'a>>,
    wrapper_calls: Vec<WrapperCall<'a>>,
    /// RxJS stream chains (`fromEvent(window, "message").pipe(…)`), by where they start.
    streams: Vec<super::streams::RawStream<'a>>,
    stream_starts: rustc_hash::FxHashSet<u32>,
    /// Calls whose result a name or field is given: where a stream chain may be kept.
    stream_holders: Vec<(Holder, swc_common::Span)>,
    wrapper_signatures: Vec<RawWrapperSignature<'a>>,
    signals: ScopeSignals,
    /// Enclosing classes, by the start of their span.
    classes: Vec<u32>,
    /// Names of the enclosing named classes.
    class_names: Vec<String>,
    frames: Vec<Frame>,
    top_level_awaits: u32,
    /// How many enclosing conditions test a socket's `readyState`.
    ready_state_guards: u32,
    /// Where the `new` expression starting at a position is stored.
    holder_hints: HashMap<u32, Holder>,
    /// Functions passed to `forEach`, `map` and friends, which call them at once.
    synchronous_callbacks: rustc_hash::FxHashSet<u32>,
    sockets: RawSockets<'a>,
    /// Workers, popups and frames the code starts, opens and embeds, as written: resolved
    /// once the walk is over (a name's value may be assigned after the reference).
    page_references: Vec<RawReference<'a>>,
    /// The file sets some element's `src` (`x.src = …`, `x.setAttribute("src", …)`) or a
    /// frame's location: it may navigate a frame, whatever the URL.
    sets_sources: bool,
    /// `import("./x")` with a literal specifier: modules the file loads on demand, part
    /// of its page (`crate::pages`).
    dynamic_imports: Vec<&'a str>,
    /// Whether the file imports a module as a worker (Vite's `import W from "./w.js?worker"`):
    /// `new W()` starts it.
    worker_import_seen: bool,
    servers: super::servers::RawServers<'a>,
    /// How many `Bun.serve({ … })` calls enclose the code.
    bun_serve_depth: u32,
    /// Whether the file imports or requires a library that makes WebSocket servers: calls
    /// of its names are looked at.
    server_library_seen: bool,
    /// The name the next function is bound to (`function f`, `const f = () => …`).
    pending_function_name: Option<Id>,
    /// Every function given a name, for baseline fingerprints: declared, bound, a method,
    /// or assigned to a field.
    named_functions: Vec<(swc_common::Span, Atom)>,
    /// How many functions and classes enclose the code: at none, `this` is the global
    /// object (in a script, see [`Bindings::global_this`]).
    this_scopes: u32,
    /// The file imports or exports: its top-level `this` is `undefined`.
    es_module: bool,
    /// Updaters given to a store's `set`, by span start, with the store (see `stores`).
    store_updaters: rustc_hash::FxHashMap<u32, u32>,
    /// The `actions` objects of Pinia stores, by span start: walked as a class's methods.
    store_actions: rustc_hash::FxHashSet<u32>,
}

impl<'a> Collector<'a> {
    fn walk_arrow(&mut self, arrow: &'a ArrowExpr) {
        if let Some(tree) = self.bindings.scopes.tree_mut() {
            let strict = matches!(&*arrow.body, ArrowFunctionBody::FunctionBody(body) if body_is_strict(body));
            tree.open(ScopeKind::Function, arrow.span.lo, arrow.span.hi, strict);
            tree.declare_params(&arrow.params);
        }
        for param in &arrow.params {
            self.declare_pattern(param, &BindingKind::Parameter);
        }
        self.note_store(arrow);
        let runs_in = self.frame_for(arrow.span);
        let frame = Frame {
            name: self.pending_function_name.take(),
            own: arrow.span,
            runs_in,
            params: arrow
                .params
                .iter()
                .map(|param| simple_param(&self.bindings, param))
                .collect(),
            awaits: 0,
        };
        self.frames.push(frame);
        // `() => socket` returns it.
        if let ArrowFunctionBody::Expr(body) = &*arrow.body {
            self.note_use(body, UseKind::Returned(arrow.span));
        }
        arrow.visit_children_with(self);
        self.frames.pop();
        self.close_scope();
    }

    /// A store creator `(set, get) => ({ … })` or an updater `set(state => …)` of one (see
    /// `stores`): their parameters name the store, the creator's returned object is its
    /// state and its functions the store's actions.
    fn note_store(&mut self, arrow: &'a ArrowExpr) {
        use super::stores::{StoreRole, creator_params, returned_object};
        if let Some(store) = self.store_updaters.get(&arrow.span.lo.0).copied() {
            if let Some(Pat::Ident(state)) = arrow.params.first()
                && let Some(id) = self.bindings.binding_id(&state.id)
            {
                self.bindings.stores.insert(id, (store, StoreRole::State));
            }
            // `set(state => ({ ...state, ws }))`
            if let Some(object) = returned_object(&arrow.body) {
                self.sockets.store_objects.push((object.span.lo.0, store));
            }
            return;
        }
        let Some((set, get)) = creator_params(&arrow.params) else {
            return;
        };
        let Some(object) = returned_object(&arrow.body) else {
            return;
        };
        let store = arrow.span.lo.0;
        for (ident, role) in [(Some(set), StoreRole::Set), (get, StoreRole::Get)] {
            if let Some(id) = ident.and_then(|ident| self.bindings.binding_id(ident)) {
                self.bindings.stores.insert(id, (store, role));
            }
        }
        self.bindings.store_creators.insert(store);
        self.sockets.store_objects.push((object.span.lo.0, store));
        for prop in &object.props {
            if let Some((name, span)) = object_method(prop) {
                self.bindings.class_methods.insert((store, name), span);
            }
            // `ws: new WebSocket(url)`: the state's key holds it.
            if let PropOrSpread::Prop(prop) = prop
                && let Prop::KeyValue(pair) = &**prop
                && let Some(key) = super::values::prop_atom(&pair.key)
            {
                let value = match strip(&pair.value) {
                    Expr::Cond(cond) => [Some(&*cond.cons), Some(&*cond.alt)],
                    other => [Some(other), None],
                };
                for value in value.into_iter().flatten() {
                    if matches!(strip(value), Expr::New(_)) {
                        self.hint_holder(value, Some(Holder::ThisField(Some(store), key.clone())));
                    }
                }
            }
        }
    }

    /// `set(state => …)`, `set({ ws })` with `set` a store's: the updater's parameter is
    /// the state, the object the new state.
    fn note_store_write(&mut self, callee: &Expr, args: &'a [ExprOrSpread]) {
        use super::stores::{StoreRole, role_of, store_method_of};
        // Pinia's `defineStore(id, { state, actions: { connect() { this.ws = … } } })`:
        // the actions' `this` is the store, whose methods they call (`this.connect()`).
        if let Expr::Ident(name) = strip(callee)
            && &*name.sym == "defineStore"
        {
            for arg in args {
                let Expr::Object(options) = strip(&arg.expr) else {
                    continue;
                };
                for prop in &options.props {
                    if let PropOrSpread::Prop(prop) = prop
                        && let Prop::KeyValue(pair) = &**prop
                        && super::values::prop_name(&pair.key) == Some("actions")
                        && let Expr::Object(actions) = strip(&pair.value)
                    {
                        let start = actions.span.lo.0;
                        for action in &actions.props {
                            if let Some((name, span)) = object_method(action) {
                                self.bindings.class_methods.insert((start, name), span);
                            }
                        }
                        self.store_actions.insert(start);
                    }
                }
            }
            return;
        }
        let store = match strip(callee) {
            Expr::Ident(callee) => match role_of(&self.bindings, callee) {
                Some((store, StoreRole::Set)) => store,
                _ => return,
            },
            // `useStore.setState({ ws })`
            Expr::Member(member) if !self.bindings.stores.is_empty() => {
                match store_method_of(&self.bindings, member, "setState") {
                    Some(store) => store,
                    None => return,
                }
            }
            _ => return,
        };
        match args.first().map(|arg| strip(&arg.expr)) {
            Some(Expr::Arrow(arrow)) => {
                self.store_updaters.insert(arrow.span.lo.0, store);
            }
            Some(Expr::Object(object)) => {
                self.sockets.store_objects.push((object.span.lo.0, store))
            }
            _ => {}
        }
    }

    fn walk_function(&mut self, function: &'a Function, name: Option<Id>) {
        self.open_function_scope(
            function.span,
            function.params.iter().map(|param| &param.pat),
            function.body.as_ref(),
        );
        let runs_in = self.frame_for(function.span);
        let frame = Frame {
            name,
            own: function.span,
            runs_in,
            params: function
                .params
                .iter()
                .map(|param| simple_param(&self.bindings, &param.pat))
                .collect(),
            awaits: 0,
        };
        self.frames.push(frame);
        function.this_param.visit_with(self);
        function.params.visit_with(self);
        function.body.visit_with(self);
        function.type_params.visit_with(self);
        function.return_type.visit_with(self);
        self.frames.pop();
        self.close_scope();
    }

    fn walk_constructor(&mut self, constructor: &'a Constructor) {
        let params = constructor.params.iter().filter_map(|param| match param {
            ParamOrTsParamProp::Param(param) => Some(&param.pat),
            ParamOrTsParamProp::TsParamProp(_) => None,
        });
        self.open_function_scope(constructor.span, params, constructor.body.as_ref());
        constructor.visit_children_with(self);
        self.close_scope();
    }

    fn finish(mut self, program: &'a Program) -> FileFacts {
        for (id, values) in std::mem::take(&mut self.pending_assignments) {
            if let Some(binding) = self.bindings.binding_mut(&id) {
                for value in values {
                    match value {
                        Some(value) => binding.assignments.push(value),
                        None => binding.has_unknown_assignment = true,
                    }
                }
            }
        }
        self.settle_wrapper_signatures();
        // The wrapper a call names, and where it is when in another module.
        let wrapper_of = |call: &WrapperCall<'a>| {
            let mut imported = None;
            let same_file = match call.callee {
                Expr::Ident(ident) => {
                    let callee = self.bindings.binding_id(ident)?;
                    self.bindings.function_of.get(&callee).copied()
                }
                // `exports.on(…)`, `events.on(…)`, `this.listen(…)`: a method the file
                // defines on that object or class.
                member => super::handlers::resolve_function(&self.bindings, member, call.class),
            };
            let wrapper = match same_file {
                Some(function) => *self.bindings.listener_wrappers.get(&function)?,
                // A wrapper of another module, as its summary tells.
                None if call.may_be_imported == ImportedWrapper::No => return None,
                None if call.may_be_imported == ImportedWrapper::IfAFunction
                    && !call.arguments.iter().any(|arg| {
                        super::handlers::resolve_function(&self.bindings, &arg.expr, call.class)
                            .is_some()
                    }) =>
                {
                    return None;
                }
                None => {
                    let (function, found, shown) = self.bindings.imported_function_for(
                        call.callee,
                        crate::modules::env::Matters::LISTENER_WRAPPER,
                    )?;
                    imported = Some(crate::diagnostic::Label::elsewhere(
                        &found.path,
                        found.summary.line,
                        format!("`{shown}` adds the listener here"),
                    ));
                    function.listener_wrapper?
                }
            };
            Some((wrapper, imported))
        };
        let listener_of = |call: &WrapperCall<'a>,
                           wrapper: crate::modules::ListenerWrapper,
                           imported|
         -> Option<RawListener<'a>> {
            let target = match wrapper.target {
                crate::modules::WrapperTarget::Param(index) => {
                    ListenTarget::Expr(small(call.argument(index)?)?)
                }
                crate::modules::WrapperTarget::Window => ListenTarget::Window,
                crate::modules::WrapperTarget::GlobalScope => ListenTarget::GlobalScope,
                crate::modules::WrapperTarget::Other => return None,
            };
            let event = match wrapper.event {
                Some(index) => Some(small(call.argument(index)?)?),
                None => None,
            };
            Some(RawListener {
                registration: call.registration.clone(),
                form: ListenerForm::Wrapper,
                target,
                event,
                handler: Self::raw_handler(Some(call.argument(wrapper.handler)?)),
                class: call.class,
                in_worker_code: call.in_worker_code,
                in_function: false,
                imported,
            })
        };
        // A wrapper of the run first: a hook of the project's own is judged by its code.
        let wrapper_listeners: Vec<RawListener<'a>> = self
            .wrapper_calls
            .iter()
            .filter_map(|call| match wrapper_of(call) {
                Some((wrapper, imported)) => listener_of(call, wrapper, imported),
                None => super::hooks::library_hook_listener(&self.bindings, call),
            })
            .collect();
        self.listeners.extend(wrapper_listeners);
        let stream_listeners =
            super::streams::stream_listeners(&self.bindings, &self.streams, &self.stream_holders);
        self.listeners.extend(stream_listeners);
        let bindings = &self.bindings;
        // An object the file both posts to and listens on is the file's own global: one
        // cannot listen for messages on another origin's window.
        let listened_on: Vec<Id> = self
            .listeners
            .iter()
            // A hook or wrapper call for another event registers nothing of interest.
            .filter(|listener| {
                listener
                    .event
                    .and_then(literal_string)
                    .is_none_or(|event| matches!(event, "message" | "onmessage"))
            })
            .filter_map(|listener| match listener.target {
                ListenTarget::Expr(target) => match strip(target) {
                    Expr::Ident(ident) => bindings.binding_id(ident),
                    _ => None,
                },
                _ => None,
            })
            .collect();
        let post_messages: Vec<PostMessageCall> = self
            .post_messages
            .iter()
            .map(|raw| {
                let mut call = resolve_post_message(bindings, raw);
                let receiver = raw.receiver.map(strip);
                if let Some(Expr::Ident(ident)) = receiver
                    && listened_on.contains(&bindings.id(ident))
                {
                    call.target = super::Target::CurrentWindow;
                }
                call
            })
            .collect();
        let message_listeners =
            resolve_listeners(program, bindings, &self.listeners, &self.signals);
        let posts_to_own_window = post_messages
            .iter()
            .any(|call: &PostMessageCall| call.target == super::Target::CurrentWindow);
        let super::sockets::ResolvedSockets {
            facts: sockets,
            factories,
        } = super::sockets::resolve_sockets(program, bindings, &self.sockets);
        let servers = if self.sockets.test_file {
            Vec::new()
        } else {
            super::servers::resolve_servers(program, bindings, &self.servers)
        };
        let mut page = crate::embedded::PageRefs {
            sets_sources: self.sets_sources,
            ..Default::default()
        };
        for reference in &self.page_references {
            let url = match &reference.url {
                RawUrl::Written(url) => super::socket_urls::page_url(bindings, url),
                RawUrl::Fixed(url) => Some(url.clone()),
            };
            let Some(url) = url else { continue };
            let references = match reference.kind {
                ReferenceKind::Frame => &mut page.frames,
                ReferenceKind::Worker => &mut page.workers,
                ReferenceKind::Popup => &mut page.popups,
            };
            references.push(crate::embedded::Reference {
                url,
                via: reference.via.into(),
                span: reference.span.clone(),
            });
        }
        let function_names = self
            .named_functions
            .iter()
            .map(|(span, name)| (span_range(*span), name.to_string()))
            .collect();
        // What the functions the module exports do with sockets (see `exports`).
        let raw_sockets = &self.sockets;
        let uses = std::cell::OnceCell::new();
        let parameters = std::cell::OnceCell::new();
        let socket_summary = |function: swc_common::Span| {
            let factory = factories
                .iter()
                .find(|(frame, _)| *frame == function)
                .map(|(_, factory)| factory.clone());
            let parameters =
                parameters.get_or_init(|| super::sockets::socket_parameters(bindings, raw_sockets));
            if parameters.is_empty() {
                return (factory, Vec::new());
            }
            let uses =
                uses.get_or_init(|| super::sockets::Uses::new(program, bindings, raw_sockets));
            let params = super::sockets::parameter_lifecycles(
                program,
                bindings,
                raw_sockets,
                uses,
                parameters,
                function,
            );
            (factory, params)
        };
        // A lint whose exports no link reads does not summarise them: no rule reads them.
        let mut module = if crate::modules::env::summarises_exports() {
            crate::modules::env::summarising_exports(|| {
                super::exports::module_facts(program, bindings, &socket_summary)
            })
        } else {
            crate::modules::ModuleFacts::default()
        };
        for specifier in &self.dynamic_imports {
            if !module.specifiers.iter().any(|known| known == specifier) {
                module.specifiers.push(specifier.to_string());
            }
        }
        FileFacts {
            post_messages,
            message_listeners,
            posts_to_own_window,
            sockets,
            page,
            servers,
            function_names,
            module,
            reach: Default::default(),
        }
    }

    /// Opens a scope of the file's scope tree (files swc resolved have none).
    fn open_scope(&mut self, kind: ScopeKind, start: BytePos, end: BytePos, strict: bool) {
        if let Some(tree) = self.bindings.scopes.tree_mut() {
            tree.open(kind, start, end, strict);
        }
    }

    fn close_scope(&mut self) {
        if let Some(tree) = self.bindings.scopes.tree_mut() {
            tree.close();
        }
    }

    /// Opens a function's scope, from its first parameter, and declares the parameters.
    fn open_function_scope<'p>(
        &mut self,
        span: swc_common::Span,
        params: impl IntoIterator<Item = &'p Pat> + Clone,
        body: Option<&FunctionBody>,
    ) {
        let start = params
            .clone()
            .into_iter()
            .next()
            .map(|param| param.span().lo)
            .or(body.map(|body| body.span.lo))
            .unwrap_or(span.lo);
        if let Some(tree) = self.bindings.scopes.tree_mut() {
            tree.open(
                ScopeKind::Function,
                start,
                span.hi,
                body.is_some_and(body_is_strict),
            );
            tree.declare_params(params);
        }
    }

    /// Walks a named function or class expression with its name bound inside it only.
    fn in_name_scope(
        &mut self,
        name: Option<&Ident>,
        span: swc_common::Span,
        strict: bool,
        visit_children: impl FnOnce(&mut Self),
    ) {
        let Some(name) = name else {
            return visit_children(self);
        };
        self.open_scope(ScopeKind::Name, span.lo, span.hi, strict);
        if let Some(tree) = self.bindings.scopes.tree_mut() {
            tree.declare_here(name);
        }
        visit_children(self);
        self.close_scope();
    }

    /// Walks a `for` loop in its own scope. No list hoists the `let` or `const` of its
    /// head (`for (let x …)`): it binds in that scope.
    fn in_loop_scope(
        &mut self,
        span: swc_common::Span,
        head: Option<&VarDecl>,
        visit_children: impl FnOnce(&mut Self),
    ) {
        self.open_scope(ScopeKind::Block, span.lo, span.hi, false);
        if let (Some(decl), Some(tree)) = (head, self.bindings.scopes.tree_mut())
            && decl.kind != VarDeclKind::Var
        {
            for declarator in &decl.decls {
                tree.declare_pattern_here(&declarator.name);
            }
        }
        visit_children(self);
        self.close_scope();
    }

    /// Inside a function whose name says it is a worker's body (`function Rhino3dmWorker()`).
    fn in_worker_named_function(&self) -> bool {
        self.frames.iter().any(|frame| {
            frame
                .name
                .as_ref()
                .is_some_and(|(name, _)| name.to_ascii_lowercase().contains("worker"))
        })
    }

    fn current_class(&self) -> Option<u32> {
        self.classes.last().copied()
    }

    fn raw_handler(expr: Option<&'a Expr>) -> RawHandler<'a> {
        raw_handler(expr)
    }

    fn push_listener(
        &mut self,
        registration: Range<usize>,
        form: ListenerForm,
        target: Option<&'a Expr>,
        event: Option<&'a Expr>,
        handler: Option<&'a Expr>,
    ) {
        // Most registrations name another event; skip them before anything is recorded.
        if let Some(name) = event.and_then(literal_string) {
            let wanted = if form == ListenerForm::AttachEvent {
                "onmessage"
            } else {
                "message"
            };
            if name != wanted {
                return;
            }
        }
        let listen_target = match target.map(small) {
            None => ListenTarget::GlobalScope,
            Some(Some(target)) => ListenTarget::Expr(target),
            Some(None) => return,
        };
        self.listeners.push(RawListener {
            registration,
            form,
            target: listen_target,
            event: event.and_then(small),
            handler: Self::raw_handler(handler),
            class: self.current_class(),
            in_worker_code: self.worker_guards > 0
                || (target.is_none_or(is_global_scope_object) && self.in_worker_named_function()),
            in_function: !self.frames.is_empty(),
            imported: None,
        });
    }

    /// `x.addEventListener(…)`, `addEventListener(…)`, `x.attachEvent(…)`, `$(x).on(…)`,
    /// and calls of same-file functions that may forward to them.
    fn record_listener_call(&mut self, call: &'a CallExpr, callee: &'a Expr) {
        let args = &call.args;
        let arg = |index: usize| args.get(index).map(|arg| &*arg.expr);
        let callee = strip(callee);
        let registration = span_range(callee.span());
        match callee {
            Expr::Ident(ident)
                if matches!(&*ident.sym, "addEventListener" | "importScripts")
                    && self.bindings.is_global(ident) =>
            {
                if &*ident.sym == "addEventListener" {
                    self.push_listener(
                        registration,
                        ListenerForm::AddEventListener,
                        None,
                        arg(0),
                        arg(1),
                    );
                } else if &*ident.sym == "importScripts" {
                    self.signals.imports_scripts = true;
                }
            }
            Expr::Ident(_) => self.record_wrapper_call(callee, registration, args),
            _ => {
                let Some(member) = member_of(callee) else {
                    return;
                };
                match member_name(&member.prop).or_else(|| self.computed_listener_method(member)) {
                    Some("addEventListener") => {
                        self.record_wrapper_signature(&member.obj, args);
                        self.push_listener(
                            registration,
                            ListenerForm::AddEventListener,
                            Some(&member.obj),
                            arg(0),
                            arg(1),
                        );
                    }
                    Some("attachEvent") => self.push_listener(
                        registration,
                        ListenerForm::AttachEvent,
                        Some(&member.obj),
                        arg(0),
                        arg(1),
                    ),
                    Some("on" | "bind" | "one") => {
                        let Some(target) = jquery_target(&member.obj) else {
                            if matches!(strip(&member.obj), Expr::Ident(_) | Expr::This(_)) {
                                self.record_wrapper_call(callee, registration, args);
                            }
                            return;
                        };
                        let handler = args
                            .iter()
                            .skip(1)
                            .map(|a| &*a.expr)
                            .find(|e| !matches!(strip(e), Expr::Lit(_)));
                        self.push_listener(
                            registration,
                            ListenerForm::JQuery,
                            Some(target),
                            arg(0),
                            handler,
                        );
                    }
                    // `exports.on(window, "message", h)`, `this.listen(…)`: a method of the
                    // file's own that may forward to `addEventListener`.
                    _ if matches!(strip(&member.obj), Expr::Ident(_) | Expr::This(_)) => {
                        self.record_wrapper_call(callee, registration, args)
                    }
                    _ => {}
                }
            }
        }
    }

    /// The stream chain a call ends, once: the walk meets a chain's outermost call
    /// first, then each call inside it, which starts where the outermost does.
    fn record_stream_chain(&mut self, call: &'a CallExpr) {
        let Some(mut chain) = super::streams::stream_chain(
            call,
            !self.streams.is_empty(),
            self.current_class(),
            self.worker_guards > 0,
            !self.frames.is_empty(),
        ) else {
            return;
        };
        // The name or field a chain continues, as the walk sees it here.
        chain.holder = chain.named_base().and_then(|name| match strip(name) {
            Expr::Ident(ident) => self.bindings.binding_id(ident).map(Holder::Binding),
            Expr::Member(member) => {
                super::sockets::this_field(&self.bindings, member, self.current_class())
            }
            _ => None,
        });
        if self.stream_starts.insert(chain.base_start()) {
            self.streams.push(chain);
        }
    }

    /// A call of a function that may forward to `addEventListener`, resolved once the walk
    /// is over: one that hands over an argument (a wrapper may name the target and the
    /// event itself: `onMessage(handler)`).
    fn record_wrapper_call(
        &mut self,
        callee: &'a Expr,
        registration: Range<usize>,
        args: &'a [ExprOrSpread],
    ) {
        if args.is_empty() {
            return;
        }
        let mentions_message = args.iter().any(|a| {
            literal_string(&a.expr).is_none_or(|text| text == "message")
                && !matches!(strip(&a.expr), Expr::Fn(_) | Expr::Arrow(_))
        });
        let names_a_function = args.iter().any(|a| {
            matches!(
                strip(&a.expr),
                Expr::Ident(_) | Expr::Member(_) | Expr::Call(_)
            )
        });
        // A handler reads the event through a parameter: `computed(() => …)` is none.
        let hands_a_function = args.iter().any(|a| match strip(&a.expr) {
            Expr::Fn(function) => !function.function.params.is_empty(),
            Expr::Arrow(arrow) => !arrow.params.is_empty(),
            _ => false,
        });
        let call = WrapperCall {
            callee,
            registration,
            arguments: args,
            class: self.current_class(),
            in_worker_code: self.worker_guards > 0,
            in_function: !self.frames.is_empty(),
            may_be_imported: if (args.len() >= 3 && mentions_message) || hands_a_function {
                ImportedWrapper::Ask
            } else if names_a_function {
                ImportedWrapper::IfAFunction
            } else {
                ImportedWrapper::No
            },
        };
        self.wrapper_calls.push(call);
    }

    /// The wrappers the walk met, kept when they listen for `message` on a window: each
    /// part they name themselves must say so (`window`, `"message"`); one the caller
    /// hands over is judged at the call.
    fn settle_wrapper_signatures(&mut self) {
        for signature in std::mem::take(&mut self.wrapper_signatures) {
            use crate::modules::WrapperTarget;
            let target = match signature.target {
                Ok(position) => WrapperTarget::Param(position),
                Err(target) => match self.bindings.global_alias(target).as_deref() {
                    Some("self" | "globalThis") => WrapperTarget::GlobalScope,
                    // `global` is the window in a bundle (Node's has no `addEventListener`).
                    Some("global") => WrapperTarget::Window,
                    _ if matches!(
                        self.bindings.classify_target(target),
                        super::Target::CurrentWindow | super::Target::OtherWindow(_)
                    ) =>
                    {
                        WrapperTarget::Window
                    }
                    _ => WrapperTarget::Other,
                },
            };
            let event = match signature.event {
                Ok(position) => Some(position),
                Err(event) if self.bindings.resolve_string(event).as_deref() == Some("message") => {
                    None
                }
                Err(_) => continue,
            };
            self.bindings
                .listener_wrappers
                .entry(signature.function)
                .or_insert(crate::modules::ListenerWrapper {
                    target,
                    event,
                    handler: signature.handler,
                });
        }
    }

    /// `window[add]("message", h)` where `add` only ever holds `"addEventListener"` or
    /// `"attachEvent"` (old IE's), chosen by feature detection: the registration method
    /// the call names, `addEventListener` when that is among them (the event name then
    /// has no `on`).
    fn computed_listener_method(&self, member: &MemberExpr) -> Option<&'static str> {
        let MemberProp::Computed(computed) = &member.prop else {
            return None;
        };
        let Expr::Ident(name) = strip(&computed.expr) else {
            return None;
        };
        let values = self.bindings.string_values(name)?;
        if !values
            .iter()
            .all(|value| matches!(*value, "addEventListener" | "attachEvent"))
        {
            return None;
        }
        Some(if values.contains(&"addEventListener") {
            "addEventListener"
        } else {
            "attachEvent"
        })
    }

    /// `function on(el, name, fn) { el.addEventListener(name, fn) }`, and
    /// `function onMessage(fn) { useEffect(() => window.addEventListener("message", fn)) }`:
    /// remember which parameters of which enclosing function the registration forwards.
    /// Calls name it by any binding of it.
    fn record_wrapper_signature(&mut self, target: &'a Expr, args: &'a [ExprOrSpread]) {
        let (Some(event), Some(handler)) = (args.first(), args.get(1)) else {
            return;
        };
        if event.spread.is_some() || handler.spread.is_some() {
            return;
        }
        let Expr::Ident(handler) = strip(&handler.expr) else {
            return;
        };
        let handler = self.bindings.id(handler);
        // The function whose parameter the handler is: the innermost, as a callback
        // inside it (`useEffect(() => …)`) registers what its caller was handed.
        let Some((frame, handler)) = self.frames.iter().rev().find_map(|frame| {
            let position = frame
                .params
                .iter()
                .position(|param| param.as_ref() == Some(&handler))?;
            Some((frame, position))
        }) else {
            return;
        };
        let position = |expr: &'a Expr| match strip(expr) {
            Expr::Ident(ident) => frame
                .params
                .iter()
                .position(|param| param.as_ref() == Some(&self.bindings.id(ident)))
                .ok_or(expr),
            _ => Err(expr),
        };
        let signature = RawWrapperSignature {
            function: frame.own,
            target: position(target),
            event: position(&event.expr),
            handler,
        };
        self.wrapper_signatures.push(signature);
    }

    /// `(function (global) { … })(window)`: an immediately invoked function's
    /// parameters hold its arguments, unless the body reassigns them.
    fn bind_iife_parameters(&mut self, call: &'a CallExpr) {
        let Callee::Expr(callee) = &call.callee else {
            return;
        };
        let params: Vec<&Pat> = match strip(callee) {
            Expr::Fn(function) => function.function.params.iter().map(|p| &p.pat).collect(),
            Expr::Arrow(arrow) => arrow.params.iter().collect(),
            _ => return,
        };
        for (param, arg) in params.into_iter().zip(&call.args) {
            let (Pat::Ident(ident), None) = (param, arg.spread) else {
                continue;
            };
            if let Some(binding) = self.bindings.binding_mut(&self.bindings.id(&ident.id))
                && binding.kind == BindingKind::Parameter
                && binding.init().is_none()
            {
                binding.kind = BindingKind::Let;
                binding.init_expr = small(&arg.expr);
            }
        }
    }

    /// Records a class's methods and function-valued fields.
    fn record_class_member(&mut self, member: &'a ClassMember) {
        let Some(class) = self.current_class() else {
            return;
        };
        if let ClassMember::ClassProp(prop) = member
            && let (Some(name), Some(value)) = (prop_atom(&prop.key), prop.value.as_deref())
        {
            if let Expr::Call(call) = strip(value) {
                let holder = super::sockets::this_key(&self.bindings, name.clone(), Some(class));
                self.stream_holders.push((holder, call.span));
            }
            self.bindings
                .class_field_values
                .insert((class, name), value);
        }
        // Fields declared as windows: `winRef: Window`, `constructor(private w: Window)`,
        // also a project's window type (`RubicWindow`, `Window & { ethereum }`). A field
        // declared with another type is none (`constructor(private window: MessagePort)`).
        let typed_fields: Vec<(Atom, &TsTypeAnn)> = match member {
            ClassMember::ClassProp(prop) => prop_atom(&prop.key)
                .zip(prop.type_ann.as_deref())
                .into_iter()
                .collect(),
            ClassMember::Constructor(constructor) => constructor
                .params
                .iter()
                .filter_map(|param| match param {
                    ParamOrTsParamProp::TsParamProp(prop) => match &prop.param {
                        TsParamPropParam::Ident(ident) => {
                            Some((ident.id.sym.clone(), ident.type_ann.as_deref()?))
                        }
                        TsParamPropParam::Assign(_) => None,
                    },
                    ParamOrTsParamProp::Param(_) => None,
                })
                .collect(),
            _ => Vec::new(),
        };
        for (name, annotation) in typed_fields {
            if is_window_type(&annotation.type_ann) {
                self.bindings.window_fields.insert((class, name));
            } else {
                self.bindings.other_typed_fields.insert((class, name));
            }
        }
        let (name, span) = match member {
            ClassMember::Method(method) => match prop_atom(&method.key) {
                Some(name) => (name, method.function.span),
                None => return,
            },
            ClassMember::PrivateMethod(method) => (
                Atom::from(format!("#{}", method.key.name)),
                method.function.span,
            ),
            ClassMember::ClassProp(prop) => {
                match (
                    prop_atom(&prop.key),
                    prop.value.as_deref().and_then(function_span),
                ) {
                    (Some(name), Some(span)) => (name, span),
                    _ => return,
                }
            }
            _ => return,
        };
        self.named_functions.push((span, name.clone()));
        self.bindings.class_methods.insert((class, name), span);
    }

    /// `@HostListener("window:message", ["$event"])` (or `"document:message"`) on a
    /// method: Angular adds the listener to the window (the document) itself.
    fn record_host_listener(&mut self, method: &'a ClassMethod) {
        for decorator in &method.function.decorators {
            let Expr::Call(call) = strip(&decorator.expr) else {
                continue;
            };
            let Callee::Expr(callee) = &call.callee else {
                continue;
            };
            let is_host_listener =
                matches!(strip(callee), Expr::Ident(ident) if &*ident.sym == "HostListener");
            let event = call.args.first().and_then(|a| literal_string(&a.expr));
            if is_host_listener && matches!(event, Some("window:message" | "document:message")) {
                self.listeners.push(RawListener {
                    registration: span_range(decorator.span),
                    form: ListenerForm::HostListener,
                    target: ListenTarget::Window,
                    event: None,
                    handler: RawHandler::Function(method.function.span),
                    class: self.current_class(),
                    in_worker_code: false,
                    in_function: false,
                    imported: None,
                });
            }
        }
    }

    /// Angular's `@Component({ host: { "(window:message)": "onMessage($event)" } })` (or
    /// `@Directive`, or `"(document:message)"`): the method named listens as a
    /// `@HostListener` would. Only a call with `$event` alone hands it the event.
    fn record_host_metadata(&mut self, class: &'a Class) {
        let Some(class_start) = self.current_class() else {
            return;
        };
        for decorator in &class.decorators {
            let Expr::Call(call) = strip(&decorator.expr) else {
                continue;
            };
            let Some(Expr::Object(metadata)) = call.args.first().map(|arg| strip(&arg.expr)) else {
                continue;
            };
            let Some(host) = object_property(metadata, "host") else {
                continue;
            };
            let Expr::Object(host) = strip(host) else {
                continue;
            };
            for prop in &host.props {
                let PropOrSpread::Prop(prop) = prop else {
                    continue;
                };
                let Prop::KeyValue(pair) = &**prop else {
                    continue;
                };
                if !matches!(
                    prop_name(&pair.key),
                    Some("(window:message)" | "(document:message)")
                ) {
                    continue;
                }
                let Some(method) = literal_string(&pair.value)
                    .and_then(|call| call.trim().strip_suffix("($event)"))
                    .map(str::trim)
                else {
                    continue;
                };
                let Some(&span) = self
                    .bindings
                    .class_methods
                    .get(&(class_start, Atom::from(method)))
                else {
                    continue;
                };
                self.listeners.push(RawListener {
                    registration: span_range(pair.key.span()),
                    form: ListenerForm::HostListener,
                    target: ListenTarget::Window,
                    event: None,
                    handler: RawHandler::Function(span),
                    class: Some(class_start),
                    in_worker_code: false,
                    in_function: false,
                    imported: None,
                });
            }
        }
    }

    /// Records a binding; returns it.
    fn declare(&mut self, ident: &Ident, kind: BindingKind, init: Option<&'a Expr>) -> Id {
        let id = self.bindings.id(ident);
        self.bindings.insert_binding(
            &id,
            Binding {
                kind,
                span: span_range(ident.span),
                init_expr: init,
                assignments: Vec::new(),
                has_unknown_assignment: false,
            },
        );
        id
    }

    fn declare_pattern(&mut self, pat: &'a Pat, kind: &BindingKind) {
        crate::stack::ensure_room();
        match pat {
            Pat::Ident(ident) => {
                self.declare(&ident.id, kind.clone(), None);
            }
            Pat::Assign(assign) => {
                if let (Pat::Ident(ident), BindingKind::Parameter) = (&*assign.left, kind) {
                    // The default is what the parameter holds when a caller omits it.
                    self.declare(&ident.id, BindingKind::Parameter, Some(&assign.right));
                } else {
                    self.declare_pattern(&assign.left, kind);
                }
            }
            Pat::Array(array) => {
                for element in array.elems.iter().flatten() {
                    self.declare_pattern(element, &BindingKind::Other);
                }
            }
            Pat::Rest(rest) => self.declare_pattern(&rest.arg, &BindingKind::Other),
            Pat::Object(object) => {
                for prop in &object.props {
                    match prop {
                        ObjectPatProp::KeyValue(pair) => {
                            self.declare_pattern(&pair.value, &BindingKind::Other)
                        }
                        ObjectPatProp::Assign(assign) => {
                            self.declare(&assign.key.id, BindingKind::Other, None);
                        }
                        ObjectPatProp::Rest(rest) => {
                            self.declare_pattern(&rest.arg, &BindingKind::Other)
                        }
                    }
                }
            }
            Pat::Expr(_) | Pat::Invalid(_) => {}
        }
    }

    /// `const { parentPort } = require("worker_threads")`: names imported through `require`.
    fn declare_required(&mut self, object: &ObjectPat, source: &Atom) {
        for prop in &object.props {
            let (local, imported) = match prop {
                ObjectPatProp::Assign(assign) => (&assign.key.id, assign.key.id.sym.clone()),
                ObjectPatProp::KeyValue(pair) => match (&*pair.value, prop_name(&pair.key)) {
                    (Pat::Ident(local), Some(name)) => (&local.id, Atom::from(name)),
                    _ => continue,
                },
                ObjectPatProp::Rest(_) => continue,
            };
            let kind = BindingKind::Import {
                source: source.clone(),
                imported,
            };
            self.declare(local, kind, None);
        }
    }

    fn record_assignment(&mut self, ident: &Ident, value: Option<&'a Expr>) {
        let Some(id) = self.bindings.binding_id(ident) else {
            return;
        };
        match self.bindings.binding_mut(&id) {
            Some(binding) => match value {
                Some(value) => binding.assignments.push(value),
                None => binding.has_unknown_assignment = true,
            },
            None => self.pending_assignments.entry(id).or_default().push(value),
        }
    }

    /// `f = function …` (also `module.exports.f = f = function …`): the first function
    /// assigned to a binding is the one it names, as a declaration's is.
    fn name_assigned_function(&mut self, ident: &Ident, right: &'a Expr) {
        let Some(id) = self.bindings.binding_id(ident) else {
            return;
        };
        let Some(span) = function_span(assigned_value(right)) else {
            return;
        };
        self.named_functions.push((span, id.0.clone()));
        self.bindings.function_of.entry(id.clone()).or_insert(span);
        self.pending_function_name = Some(id);
    }

    fn record_post_message(
        &mut self,
        span: Range<usize>,
        callee: &'a Expr,
        args: &'a [ExprOrSpread],
    ) {
        let callee = strip(callee);
        let receiver = match callee {
            Expr::Ident(ident)
                if &*ident.sym == "postMessage" && self.bindings.is_global(ident) =>
            {
                None
            }
            _ => match member_of(callee) {
                Some(member) if member_name(&member.prop) == Some("postMessage") => {
                    Some(&*member.obj)
                }
                _ => return,
            },
        };
        if args.iter().any(|arg| arg.spread.is_some()) {
            return;
        }
        self.post_messages.push(RawPostMessage {
            span,
            callee_span: span_range(callee.span()),
            receiver: receiver.and_then(small),
            receiver_span: receiver.map(|receiver| span_range(receiver.span())),
            argument_count: args.len(),
            second_argument: args.get(1).and_then(|arg| small(&arg.expr)),
            only_under_file_protocol: self.file_protocol_guards > 0,
            class: self.current_class(),
        });
    }

    /// Visits code that runs only when `test` has the value `when`.
    fn guarded_by(&mut self, test: &Expr, when: bool, visit: impl FnOnce(&mut Self)) {
        let (file, worker) = self.scope_restrictions(test, when);
        let ready = mentions_ready_state(test);
        self.file_protocol_guards += u32::from(file);
        self.worker_guards += u32::from(worker);
        self.ready_state_guards += u32::from(ready);
        visit(self);
        self.file_protocol_guards -= u32::from(file);
        self.worker_guards -= u32::from(worker);
        self.ready_state_guards -= u32::from(ready);
    }

    /// Whether `test` having the value `when` means the page is under `file:`, or
    /// the code runs in a worker.
    fn scope_restrictions(&self, test: &Expr, when: bool) -> (bool, bool) {
        // A test of the protocol compares with a `"file:"` the walk has passed by now.
        let file = self.seen_file_literal
            && match self.bindings.file_protocol_test(test) {
                Some(FileProtocolTest::WhenFile) => when,
                Some(FileProtocolTest::WhenNotFile) => !when,
                None => false,
            };
        let worker = worker_scope_test(test).is_some_and(|in_worker| in_worker == when);
        (file, worker)
    }

    /// `if (location.protocol !== "file:") return;` restricts the statements after it.
    fn restrictions_after(&self, stmt: &Stmt) -> (bool, bool) {
        match stmt {
            Stmt::If(if_stmt) if if_stmt.alt.is_none() && always_exits(&if_stmt.cons) => {
                self.scope_restrictions(&if_stmt.test, false)
            }
            _ => (false, false),
        }
    }

    fn visit_statement_list(
        &mut self,
        stmts: impl Iterator<Item = (&'a dyn VisitWith<Self>, Option<&'a Stmt>)>,
    ) {
        let (mut files, mut workers, mut ready) = (0, 0, 0);
        for (node, stmt) in stmts {
            node.visit_with(self);
            if let Some(stmt) = stmt {
                let (file, worker) = self.restrictions_after(stmt);
                // `if (ws.readyState !== WebSocket.OPEN) return;` guards what follows.
                let ready_state = matches!(stmt, Stmt::If(if_stmt)
                    if if_stmt.alt.is_none()
                        && always_exits(&if_stmt.cons)
                        && mentions_ready_state(&if_stmt.test));
                files += u32::from(file);
                workers += u32::from(worker);
                ready += u32::from(ready_state);
                self.file_protocol_guards += u32::from(file);
                self.worker_guards += u32::from(worker);
                self.ready_state_guards += u32::from(ready_state);
            }
        }
        self.file_protocol_guards -= files;
        self.worker_guards -= workers;
        self.ready_state_guards -= ready;
    }

    /// Whether an expression is a plain name bound to a parameter.
    fn is_parameter(&self, expr: &Expr) -> bool {
        matches!(strip(expr), Expr::Ident(name)
            if self.bindings.binding_id(name)
                .and_then(|id| self.bindings.binding(&id))
                .is_some_and(|binding| matches!(binding.kind, BindingKind::Parameter)))
    }

    fn current_frame_span(&self) -> Option<swc_common::Span> {
        self.frames.last().and_then(|frame| frame.runs_in)
    }

    /// The frame a new function runs in: itself, or its caller for synchronous callbacks.
    fn frame_for(&mut self, span: swc_common::Span) -> Option<swc_common::Span> {
        if self.synchronous_callbacks.remove(&span.lo.0) {
            self.current_frame_span()
        } else {
            Some(span)
        }
    }

    fn awaits_so_far(&self) -> u32 {
        self.frames
            .last()
            .map_or(self.top_level_awaits, |frame| frame.awaits)
    }

    fn enclosing_names(&self) -> Vec<String> {
        self.frames
            .iter()
            .filter_map(|frame| frame.name.as_ref().map(|(name, _)| name.to_string()))
            .chain(self.class_names.iter().cloned())
            .collect()
    }

    fn hint_holder(&mut self, value: &'a Expr, holder: Option<Holder>) {
        // A stream chain kept in a name or field (`this.messages$ = fromEvent(…)`).
        if let (Some(holder), Expr::Call(call)) = (&holder, strip(value)) {
            self.stream_holders.push((holder.clone(), call.span));
        }
        let mut imported = self.imported_call(value, holder.is_some());
        let Some(holder) = holder else {
            return;
        };
        // `const ws = await connect(url)`
        if let Some((callee, call)) = imported.take_if(|_| matches!(strip(value), Expr::Await(_))) {
            let class = self.current_class();
            self.sockets.call_results.push(CallResult {
                holder,
                callee,
                class,
                imported: Some(call),
            });
            return;
        }
        match strip(value) {
            Expr::New(new) => {
                self.holder_hints.insert(new.span.lo.0, holder);
            }
            Expr::Call(call) => {
                if let Callee::Expr(callee) = &call.callee
                    && let Some(callee) = small(callee)
                {
                    // A server library's factory: `const io = require("socket.io")(http)`.
                    if self.server_library_seen || rooted_in_require(callee) {
                        self.holder_hints.insert(call.span.lo.0, holder.clone());
                    }
                    let class = self.current_class();
                    self.sockets.call_results.push(CallResult {
                        holder,
                        callee,
                        class,
                        imported: imported.map(|(_, call)| call),
                    });
                }
            }
            // `this.state = { socket }`: what the object holds is kept there.
            Expr::Object(object) => self.sockets.object_holders.push((object.span.lo.0, holder)),
            // `let old = this.socket`, `this.stream = socket`: the file keeps it under
            // another name too.
            other => self.note_use(other, UseKind::Alias(holder)),
        }
    }

    /// `connect(url)`, `await api.connect(url)` with `connect` or `api` imported: what
    /// another module's function returns, kept under a name, may be a socket (see
    /// `sockets::resolve_sockets`).
    fn imported_call(
        &mut self,
        value: &'a Expr,
        kept: bool,
    ) -> Option<(&'a Expr, ImportedCall<'a>)> {
        if !kept {
            return None;
        }
        let call = match strip(value) {
            Expr::Call(call) => call,
            Expr::Await(awaited) => match strip(&awaited.arg) {
                Expr::Call(call) => call,
                _ => return None,
            },
            _ => return None,
        };
        let Callee::Expr(callee) = &call.callee else {
            return None;
        };
        let root = match strip(callee) {
            Expr::Ident(ident) => ident,
            Expr::Member(member) => match strip(&member.obj) {
                Expr::Ident(object) => object,
                _ => return None,
            },
            _ => return None,
        };
        self.bindings.module_of(root)?;
        let callee = small(callee)?;
        Some((
            callee,
            ImportedCall {
                span: span_range(call.span),
                args: call
                    .args
                    .iter()
                    .map(|arg| arg.spread.is_none().then(|| small(&arg.expr)).flatten())
                    .collect(),
                frame: self.current_frame_span(),
                awaits_before: self.awaits_so_far(),
                enclosing_names: self.enclosing_names(),
            },
        ))
    }

    /// Notes what the code does with a value that may name a socket's holder (see
    /// `socket_uses`). Resolved only in a file with sockets, and only when named like a
    /// socket's holder.
    fn note_use(&mut self, expr: &'a Expr, kind: UseKind<'a>) {
        if let Some(target) = HolderRef::of(expr) {
            let class = self.current_class();
            self.sockets.uses.push(HolderUse {
                target,
                class,
                kind,
            });
        }
    }

    /// Values handed to code the file cannot see: given to constructors, stored on other
    /// objects, objects given handlers by computed names.
    fn note_escapes(&mut self, exprs: impl Iterator<Item = &'a Expr>) {
        for expr in exprs {
            self.note_use(expr, UseKind::Escape);
        }
    }

    /// A call's arguments: each may be a socket passed to a same-file function (whose
    /// parameter then holds it) or to code elsewhere. Logging hands nothing over.
    fn note_arguments(&mut self, callee: &'a Expr, args: &'a [ExprOrSpread]) {
        if let Expr::Member(member) = strip(callee)
            && matches!(strip(&member.obj), Expr::Ident(object)
                if &*object.sym == "console" && self.bindings.is_global(object))
        {
            return;
        }
        // After a spread, positions are unknown.
        let mut positions_known = true;
        for (index, arg) in args.iter().enumerate() {
            positions_known &= arg.spread.is_none();
            let kind = if positions_known {
                UseKind::Argument { callee, index }
            } else {
                UseKind::Escape
            };
            self.note_use(&arg.expr, kind);
        }
    }

    /// `new Promise((resolve, reject) => …)`: socket handlers may settle it.
    fn record_promise(&mut self, new: &'a NewExpr) {
        if !matches!(strip(&new.callee), Expr::Ident(callee)
                if &*callee.sym == "Promise" && self.bindings.is_global(callee))
        {
            return;
        }
        let Some(executor) = new.args.as_ref().and_then(|args| args.first()) else {
            return;
        };
        let (span, params): (_, Vec<&'a Pat>) = match strip(&executor.expr) {
            Expr::Arrow(arrow) => (arrow.span, arrow.params.iter().collect()),
            Expr::Fn(function) => (
                function.function.span,
                function.function.params.iter().map(|p| &p.pat).collect(),
            ),
            _ => return,
        };
        let name = |index: usize| match params.get(index) {
            Some(Pat::Ident(name)) => Some(&name.id),
            _ => None,
        };
        self.sockets.promises.push(RawPromise {
            executor: span,
            resolve: name(0),
            reject: name(1),
        });
    }

    /// `new WebSocket(url)` and socket libraries' constructors.
    fn record_socket_construction(&mut self, new: &'a NewExpr) {
        let callee = strip(&new.callee);
        let text = super::handlers::expression_text(callee);
        let plausible = (text.contains("Socket") && !text.ends_with("Server"))
            || text.ends_with("WS")
            || matches!(
                text.as_str(),
                "Centrifuge" | "Pusher" | "Sockette" | "SockJS"
            );
        if !plausible {
            return;
        }
        let Some(callee_clone) = small(callee) else {
            return;
        };
        let url = new
            .args
            .as_ref()
            .and_then(|args| args.first())
            .and_then(|arg| small(&arg.expr));
        self.sockets.sockets.push(RawSocket {
            span: span_range(new.span),
            callee: callee_clone,
            url,
            holder: self.holder_hints.remove(&new.span.lo.0),
            frame: self.current_frame_span(),
            awaits_before: self.awaits_so_far(),
            enclosing_names: self.enclosing_names(),
            class: self.current_class(),
            library: None,
        });
    }

    /// `io(url)`, `mqtt.connect(url)`, `.withUrl(url)`, `createClient({ url })`: only
    /// their URL matters to crosswire.
    fn record_library_connect(&mut self, call: &'a CallExpr, callee: &'a Expr) {
        let library = match strip(callee) {
            Expr::Ident(ident) => match &*ident.sym {
                "io" => Some("socket.io-client"),
                "createClient" => Some("graphql-ws"),
                _ => None,
            },
            Expr::Member(member) => match member_name(&member.prop) {
                Some("connect") if expression_is(&member.obj, "io") => Some("socket.io-client"),
                Some("connect") if expression_is(&member.obj, "mqtt") => Some("mqtt"),
                Some("withUrl") => Some("@microsoft/signalr"),
                _ => None,
            },
            _ => None,
        };
        let Some(library) = library else { return };
        let Some(first) = call.args.first() else {
            return;
        };
        // `createClient({ url })` takes an options object.
        let url = match strip(&first.expr) {
            Expr::Object(object) => object.props.iter().find_map(|prop| match prop {
                PropOrSpread::Prop(prop) => match &**prop {
                    Prop::KeyValue(pair) if prop_name(&pair.key) == Some("url") => {
                        small(&pair.value)
                    }
                    _ => None,
                },
                PropOrSpread::Spread(_) => None,
            }),
            other => small(other),
        };
        let Some(callee_clone) = small(callee) else {
            return;
        };
        self.sockets.sockets.push(RawSocket {
            span: span_range(call.span),
            callee: callee_clone,
            url,
            holder: None,
            frame: self.current_frame_span(),
            awaits_before: self.awaits_so_far(),
            enclosing_names: self.enclosing_names(),
            class: self.current_class(),
            library: Some(library),
        });
    }

    /// Handlers, sends, closes and timers on anything that may hold a socket.
    fn record_socket_use(
        &mut self,
        span: swc_common::Span,
        args: &'a [ExprOrSpread],
        callee: &Expr,
    ) {
        match strip(callee) {
            Expr::Ident(ident)
                if matches!(&*ident.sym, "setTimeout" | "setInterval" | "clearTimeout")
                    && self.bindings.is_global(ident) =>
            {
                self.record_timer(&ident.sym, args);
            }
            Expr::Member(member) => {
                self.record_user_handler_call(member, args);
                self.record_socket_method(span, args, member);
            }
            _ => {}
        }
    }

    /// `button.addEventListener("click", h)`, jQuery's `.on("click", h)` and `.click(h)`:
    /// handlers of a user's actions (see `user_actions`).
    fn record_user_handler_call(&mut self, member: &MemberExpr, args: &'a [ExprOrSpread]) {
        let Some(method) = member_name(&member.prop) else {
            return;
        };
        let event = || args.first().and_then(|arg| literal_string(&arg.expr));
        // A browser extension's toolbar button, context-menu item or keyboard command:
        // `chrome.action.onClicked.addListener(toggle)`.
        let extension_action = || {
            let Expr::Member(event) = strip(&member.obj) else {
                return false;
            };
            let source = super::handlers::expression_text(&event.obj);
            matches!(member_name(&event.prop), Some("onClicked" | "onCommand"))
                && [
                    "action",
                    "browserAction",
                    "pageAction",
                    "contextMenus",
                    "commands",
                    "menus",
                ]
                .iter()
                .any(|api| source.ends_with(&format!(".{api}")))
        };
        let handler = match method {
            "addListener" if extension_action() => args.first(),
            "addEventListener" if event().is_some_and(is_user_event) => args.get(1),
            // `.on("click", handler)`, `.on("click", ".row", handler)`
            "on" if args.len() >= 2 && event().is_some_and(is_user_event) => args.last(),
            shorthand if is_jquery_shorthand(shorthand) => args.last(),
            _ => None,
        };
        if let Some(handler) = handler {
            let class = self.current_class();
            self.sockets
                .user_handlers
                .push((Self::raw_handler(Some(&handler.expr)), class));
        }
    }

    /// `x.send(…)`, `x.close()`, `x.addEventListener(…)`, `window.setTimeout(…)`.
    fn record_socket_method(
        &mut self,
        span: swc_common::Span,
        args: &'a [ExprOrSpread],
        member: &MemberExpr,
    ) {
        let class = self.current_class();
        let method = member_name(&member.prop);
        if matches!(method, Some("setTimeout" | "setInterval" | "clearTimeout"))
            && matches!(strip(&member.obj), Expr::Ident(object)
                if matches!(&*object.sym, "window" | "globalThis" | "self"))
        {
            self.record_timer(method.unwrap_or_default(), args);
            return;
        }
        let Some(holder) = holder_of(&self.bindings, &member.obj, class) else {
            return;
        };
        match method {
            Some("send") => self.sockets.sends.push(SendSite {
                holder,
                span: span_range(span),
                frame: self.current_frame_span(),
                awaits_before: self.awaits_so_far(),
                ready_state_guarded: self.ready_state_guards > 0,
            }),
            Some("close" | "terminate") => {
                let frame = self.current_frame_span();
                self.sockets.closes.push(CloseSite {
                    holder,
                    frame,
                    span: span_range(span),
                });
            }
            Some("addEventListener") => {
                let Some(first) = args.first() else {
                    return;
                };
                let event = match literal_string(&first.expr) {
                    Some("open") => "open",
                    Some("close") => "close",
                    Some("error") => "error",
                    Some("message") => "message",
                    // `target.addEventListener(type, listener)` in a helper that registers
                    // whatever its caller names: any of them, the close too.
                    None if self.is_parameter(&first.expr) => "any",
                    _ => return,
                };
                self.sockets.events.push(SocketEvent {
                    holder,
                    event,
                    handler: Self::raw_handler(args.get(1).map(|a| &*a.expr)),
                    span: span_range(span),
                    class,
                });
            }
            _ => {}
        }
    }

    /// `new WebSocketServer(options)`, `new Server(http, options)`, `new WebSocket(req, socket,
    /// body)` of faye-websocket (resolved later).
    fn record_server_construction(&mut self, new: &'a NewExpr) {
        let callee = strip(&new.callee);
        let args: &[ExprOrSpread] = new.args.as_deref().unwrap_or_default();
        // `new …Server(…)` may come before the import of its class; other names only when
        // they come from a server library.
        let named_server = matches!(
            super::handlers::expression_text(callee).rsplit('.').next(),
            Some("Server" | "WebSocketServer")
        );
        if named_server || self.is_server_maker(callee) {
            self.record_library_server(new.span, callee, args);
        }
    }

    /// Whether a callee is a server library's maker, as far as the walk knows so far.
    fn is_server_maker(&self, callee: &Expr) -> bool {
        (self.server_library_seen || rooted_in_require(callee))
            && super::servers::library_server(&self.bindings, callee).is_some()
    }

    /// A server made by a library's constructor or factory (its kind is resolved later),
    /// or, for `SubscriptionServer.create(options, wsServer)`, hooks on an existing server.
    fn record_library_server(
        &mut self,
        span: swc_common::Span,
        callee: &'a Expr,
        args: &'a [ExprOrSpread],
    ) {
        use super::servers::{Made, RawServer, ServerKind, library_server};
        let Some(callee) = small(callee) else {
            return;
        };
        if library_server(&self.bindings, callee) == Some(ServerKind::SubscriptionServer)
            && let Some(server) = args.get(1)
            && self.names_server_instance(&server.expr)
        {
            self.record_hook_use(
                args.first(),
                &server.expr,
                super::servers::TRANSPORT_ON_CONNECT,
            );
            return;
        }
        self.servers.servers.push(RawServer {
            span: span_range(span),
            made: Made::Call { callee, args },
            holders: self
                .holder_hints
                .get(&span.lo.0)
                .cloned()
                .into_iter()
                .collect(),
            functions: Vec::new(),
            server_params: Vec::new(),
            frame: self.current_frame_span(),
            path: None,
            guarded: false,
        });
    }

    /// Whether an argument is a server made elsewhere in the file (`wsServer`), not options.
    fn names_server_instance(&self, expr: &Expr) -> bool {
        match strip(expr) {
            Expr::New(_) => true,
            Expr::Ident(ident) => self
                .bindings
                .binding_id(ident)
                .and_then(|id| self.bindings.binding(&id))
                .and_then(|binding| binding.init_expr)
                .is_some_and(|init| matches!(strip(init), Expr::New(_) | Expr::Call(_))),
            _ => false,
        }
    }

    /// `useServer({ onConnect }, wsServer)`: the hook sees each upgrade request of the server.
    fn record_hook_use(
        &mut self,
        options: Option<&'a ExprOrSpread>,
        server: &'a Expr,
        params: &[super::handlers::ServerParam],
    ) {
        use super::servers::{ServerUse, UseEvent, UseTarget};
        let class = self.current_class();
        let target = match strip(server) {
            Expr::New(new) => UseTarget::Construction(span_range(new.span).start),
            other => match holder_of(&self.bindings, other, class) {
                Some(holder) => UseTarget::Holder(holder),
                None => return,
            },
        };
        let hook = options.and_then(|options| {
            super::servers::options_hook(&self.bindings, &options.expr, "onConnect")
        });
        // Options from elsewhere may hold the hook; without one, the server is as it was.
        if let Some(function) = hook {
            self.servers.uses.push(ServerUse {
                target,
                event: UseEvent::Other,
                function,
                params: params.to_vec(),
                class,
            });
        }
    }

    /// Calls that make servers or register where their check belongs.
    fn record_server_call(&mut self, call: &'a CallExpr, callee: &'a Expr) {
        use super::handlers::ServerParam::{Info, Other, Request};
        use super::servers::{Made, RawServer, ServerKind, ServerUse, UseEvent, UseTarget};
        if let Some(module) = required_module(call) {
            self.server_library_seen |= super::servers::may_make_servers(module);
            self.signals.test_file |= super::listeners::is_browser_automation(module);
        }
        // A library's factory: `require("socket.io")(http)`, `socketIo(server)`,
        // `SubscriptionServer.create(…)`, `GraphQLModule.forRoot(…)`. A gateway's decorator
        // is recorded with its class (see `record_gateway`).
        if self.is_server_maker(callee) {
            if super::servers::library_server(&self.bindings, callee)
                != Some(ServerKind::NestGateway)
            {
                self.record_library_server(call.span, callee, &call.args);
            }
            return;
        }
        let class = self.current_class();
        let arg = |index: usize| call.args.get(index).map(|a| &*a.expr);
        // graphql-ws: `useServer({ schema, onConnect }, wsServer)`.
        if self.server_library_seen
            && super::servers::is_graphql_ws_use_server(&self.bindings, callee)
        {
            if let Some(server) = arg(1) {
                self.record_hook_use(
                    call.args.first(),
                    server,
                    super::servers::GRAPHQL_WS_ON_CONNECT,
                );
            }
            return;
        }
        let last_function = || {
            call.args
                .iter()
                .rev()
                .map(|a| &*a.expr)
                .find(|e| function_span(e).is_some() || matches!(strip(e), Expr::Ident(_)))
        };
        let route = arg(0).and_then(literal_string).map(str::to_string);
        let server =
            |this: &mut Self,
             kind,
             functions: Vec<(RawHandler<'a>, Vec<super::handlers::ServerParam>)>| {
                this.servers.servers.push(RawServer {
                    span: span_range(call.span),
                    made: Made::Known(kind),
                    holders: Vec::new(),
                    functions,
                    server_params: Vec::new(),
                    frame: None,
                    path: route.clone(),
                    guarded: false,
                });
            };
        let register = |this: &mut Self, on: &Expr, event, function, params: Vec<_>| {
            if let Some(holder) = holder_of(&this.bindings, on, class) {
                this.servers.uses.push(ServerUse {
                    target: UseTarget::Holder(holder),
                    event,
                    function,
                    params,
                    class,
                });
            }
        };
        let Expr::Member(member) = strip(callee) else {
            return;
        };
        match member_name(&member.prop) {
            // `Deno.upgradeWebSocket(req)`: the check belongs in the function around it.
            Some("upgradeWebSocket") if expression_is(&member.obj, "Deno") => {
                if let Some(frame) = self.current_frame_span() {
                    server(
                        self,
                        ServerKind::Deno,
                        vec![(RawHandler::Function(frame), vec![Request, Request])],
                    );
                }
            }
            // Bun: `server.upgrade(req)` inside `fetch(req, server)`.
            Some("upgrade") if call.args.len() <= 2 && self.in_bun_fetch() => {
                if let Some(frame) = self.current_frame_span() {
                    server(
                        self,
                        ServerKind::Bun,
                        vec![(RawHandler::Function(frame), vec![Request, Other])],
                    );
                }
            }
            Some("handleUpgrade") => {
                if let Some(frame) = self.current_frame_span() {
                    register(
                        self,
                        &member.obj,
                        UseEvent::Other,
                        RawHandler::Function(frame),
                        vec![Request, Other, Other],
                    );
                }
            }
            Some("on") => {
                // The `websocket` package accepts connections in its `request` handler,
                // whose request carries `origin` like a message event.
                let (event, params) = match arg(0).and_then(literal_string) {
                    Some("connection" | "connect" | "headers") => {
                        (UseEvent::Other, vec![Request, Request])
                    }
                    Some("request") => (UseEvent::Request, vec![Info]),
                    _ => return,
                };
                register(self, &member.obj, event, Self::raw_handler(arg(1)), params);
            }
            // `io.use(middleware)`, engine.io's `io.engine.use(middleware)`, and the
            // default namespace's `io.sockets.use(middleware)` (socket.io 1.x–2.x).
            Some("use") => {
                let on = match strip(&member.obj) {
                    Expr::Member(engine)
                        if matches!(member_name(&engine.prop), Some("engine" | "sockets")) =>
                    {
                        &*engine.obj
                    }
                    other => other,
                };
                register(
                    self,
                    on,
                    UseEvent::Other,
                    Self::raw_handler(arg(0)),
                    vec![Request, Other, Other],
                );
            }
            // express-ws `app.ws("/path", (ws, req) => …)` and uWebSockets.js
            // `app.ws("/*", { upgrade, open, message })`.
            Some("ws") if arg(0).and_then(literal_string).is_some() => match arg(1).map(strip) {
                Some(Expr::Object(object)) => {
                    let upgrade = super::servers::object_function(object, "upgrade");
                    let functions = upgrade
                        .map(|h| vec![(h, vec![Other, Request, Other])])
                        .unwrap_or_default();
                    server(self, ServerKind::UWebSockets, functions);
                }
                Some(_) => {
                    let handler = Self::raw_handler(last_function());
                    server(
                        self,
                        ServerKind::ExpressWs,
                        vec![(handler, vec![Other, Request])],
                    );
                }
                None => {}
            },
            // @fastify/websocket: `fastify.get("/path", { websocket: true }, (socket, req) => …)`
            Some("get" | "route")
                if call
                    .args
                    .iter()
                    .any(|a| object_has_true(&a.expr, "websocket")) =>
            {
                let handler = Self::raw_handler(last_function());
                server(
                    self,
                    ServerKind::Fastify,
                    vec![(handler, vec![Other, Request])],
                );
            }
            _ => {}
        }
    }

    /// `@WebSocketGateway(port, options)` on a class: a socket.io server (with Nest's default
    /// adapter) whose `handleConnection(client)` is a connection handler, whose
    /// `afterInit(server)` is handed the server, and whose `@WebSocketServer()` field holds it.
    fn record_gateway(&mut self, class: &'a Class) {
        use super::handlers::ServerParam::Request;
        use super::servers::{Made, RawServer, ServerKind, library_server};
        if !self.server_library_seen {
            return;
        }
        for decorator in &class.decorators {
            let Expr::Call(call) = strip(&decorator.expr) else {
                continue;
            };
            let Callee::Expr(callee) = &call.callee else {
                continue;
            };
            if library_server(&self.bindings, callee) != Some(ServerKind::NestGateway) {
                continue;
            }
            let class_start = Some(class.span.lo.0);
            let mut raw = RawServer {
                span: span_range(decorator.span),
                made: Made::Call {
                    callee,
                    args: &call.args,
                },
                holders: Vec::new(),
                functions: Vec::new(),
                server_params: Vec::new(),
                frame: None,
                path: None,
                guarded: is_guarded(&class.decorators) || every_message_handler_guarded(class),
            };
            for member in &class.body {
                match member {
                    ClassMember::Method(method) => match prop_name(&method.key) {
                        Some("handleConnection") => raw.functions.push((
                            RawHandler::Function(method.function.span),
                            vec![Request, Request],
                        )),
                        Some("afterInit") => raw.server_params.push(method.function.span),
                        _ => {}
                    },
                    ClassMember::ClassProp(prop)
                        if prop.decorators.iter().any(|decorator| {
                            matches!(strip(&decorator.expr), Expr::Call(call)
                                if matches!(&call.callee, Callee::Expr(callee)
                                    if matches!(strip(callee), Expr::Ident(name)
                                        if &*name.sym == "WebSocketServer")))
                        }) =>
                    {
                        if let Some(name) = prop_atom(&prop.key) {
                            raw.holders.push(Holder::ThisField(class_start, name));
                        }
                    }
                    _ => {}
                }
            }
            self.servers.servers.push(raw);
        }
    }

    /// Inside `Bun.serve({ fetch(req, server) { … } })`.
    fn in_bun_fetch(&self) -> bool {
        self.bun_serve_depth > 0
    }

    /// `window.open("/path")`: a popup the page opens.
    fn record_popup(&mut self, call: &'a CallExpr, callee: &Expr) {
        let opens = match strip(callee) {
            Expr::Ident(ident) => &*ident.sym == "open" && self.bindings.is_global(ident),
            Expr::Member(member) => {
                member_name(&member.prop) == Some("open")
                    && matches!(strip(&member.obj), Expr::Ident(object)
                        if matches!(&*object.sym, "window" | "self" | "globalThis"))
            }
            _ => false,
        };
        if opens && let Some(first) = call.args.first() {
            self.page_references.push(RawReference {
                kind: ReferenceKind::Popup,
                via: "window.open",
                url: RawUrl::Written(&first.expr),
                span: span_range(first.expr.span()),
            });
        }
    }

    /// Whether `object` is a frame element: its name says so (`frame`, `chatIframe`), or
    /// it is a constant made by `document.createElement("iframe")`.
    fn names_a_frame(&self, object: &Expr) -> bool {
        if super::handlers::expression_text(object)
            .to_ascii_lowercase()
            .contains("frame")
        {
            return true;
        }
        let Expr::Ident(name) = strip(object) else {
            return false;
        };
        let Some(Expr::Call(call)) = self
            .bindings
            .binding_id(name)
            .and_then(|id| self.bindings.binding(&id))
            .filter(|binding| binding.kind == BindingKind::Const)
            .and_then(|binding| binding.init())
            .map(strip)
        else {
            return false;
        };
        matches!(&call.callee, Callee::Expr(callee) if matches!(strip(callee), Expr::Member(member)
            if member_name(&member.prop) == Some("createElement")))
            && call
                .args
                .first()
                .and_then(|tag| literal_string(&tag.expr))
                .is_some_and(|tag| {
                    tag.eq_ignore_ascii_case("iframe") || tag.eq_ignore_ascii_case("frame")
                })
    }

    /// `frame.setAttribute("src", "/embed.html")`: a frame the page embeds.
    fn record_frame_attribute(&mut self, call: &'a CallExpr, callee: &Expr) {
        if let Expr::Member(member) = strip(callee)
            && member_name(&member.prop) == Some("setAttribute")
            && call.args.first().is_some_and(|name| {
                literal_string(&name.expr).is_some_and(|name| name.eq_ignore_ascii_case("src"))
            })
        {
            self.sets_sources = true;
        }
        if let Expr::Member(member) = strip(callee)
            && member_name(&member.prop) == Some("setAttribute")
            && let [name, url, ..] = call.args.as_slice()
            && literal_string(&name.expr).is_some_and(|name| name.eq_ignore_ascii_case("src"))
            && self.names_a_frame(&member.obj)
        {
            self.page_references.push(RawReference {
                kind: ReferenceKind::Frame,
                via: "setAttribute",
                url: RawUrl::Written(&url.expr),
                span: span_range(url.expr.span()),
            });
        }
    }

    fn record_timer(&mut self, name: &str, args: &'a [ExprOrSpread]) {
        match name {
            "setTimeout" | "setInterval" => self.sockets.timers.push(TimerSite {
                repeating: name == "setInterval",
                callback: Self::raw_handler(args.first().map(|a| &*a.expr)),
                class: self.current_class(),
            }),
            "clearTimeout" => self.sockets.clears_timeouts = true,
            _ => {}
        }
    }
}

fn resolve_post_message(bindings: &Bindings, raw: &RawPostMessage) -> PostMessageCall {
    let target = match &raw.receiver {
        None if raw.receiver_span.is_none() => super::Target::CurrentWindow,
        None => super::Target::Unknown,
        // `this.postMessage(…)` in a class that defines it calls that method.
        Some(receiver)
            if matches!(strip(receiver), Expr::This(_))
                && raw
                    .class
                    .is_some_and(|class| bindings.class_defines_post_message(class)) =>
        {
            super::Target::NotAWindow(super::values::OWN_POST_MESSAGE)
        }
        Some(receiver) => bindings.classify_target(receiver),
    };
    let (origin, origin_in_options) = match raw.second_argument {
        Some(second) => match bindings.options_target_origin(second) {
            Some(origin) => (Some(origin), true),
            None => (Some(second), false),
        },
        None => (None, false),
    };
    let mut wildcard_origin = if raw.only_under_file_protocol {
        None
    } else {
        origin.and_then(|origin| bindings.wildcard_origin(origin))
    };
    let frame_id = match (&wildcard_origin, &target, &raw.receiver) {
        (Some(_), super::Target::OtherWindow(super::WindowKind::IframeContent), Some(receiver)) => {
            bindings.frame_element_id(receiver)
        }
        _ => None,
    };
    // The page the receiving window was opened or framed with, for the fix.
    if let (Some(wildcard), Some(receiver)) = (&mut wildcard_origin, &raw.receiver) {
        wildcard.known_origin = bindings.window_origin(receiver);
    }
    PostMessageCall {
        span: raw.span.clone(),
        callee_span: raw.callee_span.clone(),
        receiver_span: raw.receiver_span.clone(),
        target,
        argument_count: raw.argument_count,
        frame_id,
        wildcard_origin,
        origin_in_options,
    }
}

fn member_of(expr: &Expr) -> Option<&MemberExpr> {
    match expr {
        Expr::Member(member) => Some(member),
        Expr::OptChain(chain) => match &*chain.base {
            OptChainBase::Member(member) => Some(member),
            OptChainBase::Call(_) => None,
        },
        _ => None,
    }
}

fn always_exits(stmt: &Stmt) -> bool {
    match stmt {
        Stmt::Return(_) | Stmt::Throw(_) | Stmt::Break(_) | Stmt::Continue(_) => true,
        Stmt::Block(block) => block.stmts.last().is_some_and(always_exits),
        _ => false,
    }
}

/// An expression when it is small and holds no function or class: resolution follows
/// only such values, so that following a chain of bindings stays cheap.
pub(super) fn small(expr: &Expr) -> Option<&Expr> {
    let mut probe = SizeProbe {
        budget: SMALL_BUDGET,
        fits: true,
    };
    expr.visit_with(&mut probe);
    probe.fits.then_some(expr)
}

/// The same node, borrowed for as long as the tree: the walk only ever hands the
/// collector nodes of `parsed.program`, which `walk` borrows for `'a`, but swc's
/// `Visit` methods cannot say so in their signatures. The collector never visits a
/// node it built itself, so every reference it stores points into that tree.
fn in_tree<'a, T: ?Sized>(node: &T) -> &'a T {
    // SAFETY: see above; the tree is neither moved nor mutated while it is borrowed.
    unsafe { &*(node as *const T) }
}

struct SizeProbe {
    budget: u32,
    fits: bool,
}

impl Visit for SizeProbe {
    crate::guard_nesting!(except visit_expr);

    fn visit_expr(&mut self, expr: &Expr) {
        crate::stack::ensure_room();
        if !self.fits {
            return;
        }
        if self.budget == 0 || matches!(expr, Expr::Fn(_) | Expr::Arrow(_) | Expr::Class(_)) {
            self.fits = false;
            return;
        }
        self.budget -= 1;
        expr.visit_children_with(self);
    }

    fn visit_function(&mut self, _: &Function) {
        self.fits = false;
    }
}

impl<'a> Visit for Collector<'a> {
    crate::guard_nesting!();

    fn visit_var_decl(&mut self, decl: &VarDecl) {
        let outer = self.declaration_kind.replace(decl.kind);
        decl.visit_children_with(self);
        self.declaration_kind = outer;
    }

    /// `useStore.getState()` before the store's creator: its reads were not followed.
    fn visit_member_expr(&mut self, member: &MemberExpr) {
        use super::stores::{state_call, state_method, store_method_of};
        let member = in_tree(member);
        if let Some((object, method)) = state_method(member)
            && store_method_of(&self.bindings, member, method).is_none()
        {
            self.sockets
                .early_store_reads
                .push((object, member.span.lo.0, None));
        }
        if let Some(inner) = state_call(&member.obj)
            && let Some((object, method)) = state_method(inner)
            && store_method_of(&self.bindings, inner, method).is_none()
        {
            self.sockets.early_store_reads.push((
                object,
                inner.span.lo.0,
                super::values::member_atom(&member.prop),
            ));
        }
        member.visit_children_with(self);
    }

    fn visit_var_declarator(&mut self, declarator: &VarDeclarator) {
        let declarator = in_tree(declarator);
        let kind = match self.declaration_kind {
            Some(VarDeclKind::Const) => BindingKind::Const,
            Some(VarDeclKind::Let) => BindingKind::Let,
            _ => BindingKind::Var,
        };
        // `var f = exports.f = function …` binds `f` to the function.
        match (
            &declarator.name,
            declarator.init.as_deref().map(assigned_value),
        ) {
            (Pat::Ident(ident), init) => {
                let id = self.declare(&ident.id, kind, init);
                if let Some(init) = init {
                    self.hint_holder(init, Some(Holder::Binding(id.clone())));
                }
                match init {
                    Some(Expr::Class(class)) => {
                        self.bindings.class_of.insert(id, class.class.span.lo.0);
                    }
                    Some(Expr::Object(object)) => {
                        let start = object.span.lo.0;
                        let mut has_methods = false;
                        for prop in &object.props {
                            if let Some((name, span)) = object_method(prop) {
                                has_methods = true;
                                self.named_functions.push((span, name.clone()));
                                self.bindings
                                    .class_methods
                                    .insert((start, name.clone()), span);
                                self.bindings
                                    .object_methods
                                    .insert((id.clone(), name), span);
                            }
                        }
                        if has_methods {
                            self.bindings.this_objects.insert(start, id.clone());
                        }
                    }
                    Some(init) => {
                        let function = function_span(init).or_else(|| match init {
                            Expr::Call(call) => {
                                call.args.iter().find_map(|arg| function_span(&arg.expr))
                            }
                            _ => None,
                        });
                        if let Some(span) = function {
                            self.named_functions.push((span, id.0.clone()));
                            self.bindings.function_of.insert(id.clone(), span);
                            if function_span(init).is_some() {
                                self.pending_function_name = Some(id);
                            }
                        }
                    }
                    None => {}
                }
            }
            (Pat::Object(object), Some(Expr::Call(call))) if required_module(call).is_some() => {
                let source = Atom::from(required_module(call).unwrap_or_default());
                self.declare_required(object, &source);
            }
            // `const { fromEvent, filter } = CrafterCMSNext.rxjs`: RxJS handed out by a
            // host page, as a global, is RxJS.
            (Pat::Object(object), Some(init)) if super::streams::names_rxjs(init) => {
                self.declare_required(object, &Atom::from("rxjs"));
            }
            (pattern, init) => {
                self.declare_pattern(pattern, &BindingKind::Other);
                // `const { socket } = this`: the name holds what `this.socket` does.
                if let (Pat::Object(object), Some(Expr::This(_))) = (pattern, init) {
                    let class = self.current_class();
                    for prop in &object.props {
                        if let ObjectPatProp::Assign(prop) = prop
                            && prop.value.is_none()
                            && let Some(id) = self.bindings.binding_id(&prop.key.id)
                        {
                            self.sockets.uses.push(HolderUse {
                                target: HolderRef::ThisKey(&prop.key.id),
                                class,
                                kind: UseKind::Alias(Holder::Binding(id)),
                            });
                        }
                    }
                }
                // `const { verify } = useEmbedMode()`: the fields of a call's result.
                if let (Pat::Object(object), Some(init @ Expr::Call(_))) = (pattern, init) {
                    for prop in &object.props {
                        let (field, name) = match prop {
                            ObjectPatProp::Assign(assign) if assign.value.is_none() => {
                                (assign.key.id.sym.clone(), &assign.key.id)
                            }
                            ObjectPatProp::KeyValue(pair) => match (&pair.key, &*pair.value) {
                                (PropName::Ident(key), Pat::Ident(name)) => {
                                    (key.sym.clone(), &name.id)
                                }
                                _ => continue,
                            },
                            _ => continue,
                        };
                        let id = self.bindings.id(name);
                        self.bindings.destructured.insert(id, (init, field));
                    }
                }
            }
        }
        declarator.init.visit_with(self);
        // Computed keys and defaults inside patterns may hold calls too.
        declarator.name.visit_with(self);
    }

    fn visit_fn_decl(&mut self, decl: &FnDecl) {
        let id = self.declare(&decl.ident, BindingKind::Function, None);
        self.named_functions
            .push((decl.function.span, decl.ident.sym.clone()));
        self.bindings
            .function_of
            .insert(id.clone(), decl.function.span);
        let decl = in_tree(decl);
        if let Some(value) = decl
            .function
            .body
            .as_ref()
            .and_then(|body| super::values::only_return(&body.stmts))
        {
            self.bindings.returns.insert(id.clone(), value);
        }
        self.pending_function_name = Some(id);
        decl.function.visit_with(self);
    }

    fn visit_param(&mut self, param: &Param) {
        let param = in_tree(param);
        self.declare_pattern(&param.pat, &BindingKind::Parameter);
        param.visit_children_with(self);
    }

    fn visit_arrow_expr(&mut self, arrow: &ArrowExpr) {
        let arrow = in_tree(arrow);
        self.walk_arrow(arrow);
    }

    fn visit_catch_clause(&mut self, clause: &CatchClause) {
        let clause = in_tree(clause);
        // As in swc, the parameter and the body share one scope.
        self.open_scope(ScopeKind::Catch, clause.span.lo, clause.span.hi, false);
        if let Some(param) = &clause.param {
            if let Some(tree) = self.bindings.scopes.tree_mut() {
                tree.declare_catch_param(param);
            }
            self.declare_pattern(param, &BindingKind::Other);
        }
        clause.param.visit_with(self);
        self.visit_stmts(&clause.body.stmts);
        self.close_scope();
    }
    fn visit_block_stmt(&mut self, block: &BlockStmt) {
        self.open_scope(ScopeKind::Block, block.span.lo, block.span.hi, false);
        block.visit_children_with(self);
        self.close_scope();
    }

    fn visit_for_stmt(&mut self, node: &ForStmt) {
        let head = match &node.init {
            Some(VarDeclOrExpr::VarDecl(decl)) => Some(&**decl),
            _ => None,
        };
        self.in_loop_scope(node.span, head, |this| node.visit_children_with(this));
    }

    fn visit_for_in_stmt(&mut self, node: &ForInStmt) {
        let head = head_declaration(&node.left);
        self.in_loop_scope(node.span, head, |this| node.visit_children_with(this));
    }

    fn visit_for_of_stmt(&mut self, node: &ForOfStmt) {
        let head = head_declaration(&node.left);
        self.in_loop_scope(node.span, head, |this| node.visit_children_with(this));
    }

    fn visit_static_block(&mut self, block: &StaticBlock) {
        // Its `var`s bind in it, as in a function.
        self.open_scope(ScopeKind::Function, block.span.lo, block.span.hi, true);
        self.visit_stmts(&block.body.stmts);
        self.close_scope();
    }

    fn visit_switch_stmt(&mut self, switch: &SwitchStmt) {
        switch.discriminant.visit_with(self);
        let start = switch
            .cases
            .first()
            .map_or(switch.span.hi, |case| case.span.lo);
        self.open_scope(ScopeKind::Block, start, switch.span.hi, false);
        switch.cases.visit_with(self);
        self.close_scope();
    }

    fn visit_fn_expr(&mut self, function: &FnExpr) {
        let span = function.function.span;
        self.in_name_scope(function.ident.as_ref(), span, false, |this| {
            function.visit_children_with(this)
        });
    }

    fn visit_class_expr(&mut self, class: &ClassExpr) {
        let span = class.class.span;
        self.in_name_scope(class.ident.as_ref(), span, true, |this| {
            class.visit_children_with(this)
        });
    }

    fn visit_export_default_decl(&mut self, decl: &ExportDefaultDecl) {
        // A default-exported function or class is a declaration: its name was hoisted.
        match &decl.decl {
            DefaultDecl::Fn(function) => function.function.visit_with(self),
            DefaultDecl::Class(class) => class.class.visit_with(self),
            DefaultDecl::TsInterfaceDecl(_) => decl.visit_children_with(self),
        }
    }

    fn visit_constructor(&mut self, constructor: &Constructor) {
        let constructor = in_tree(constructor);
        self.walk_constructor(constructor);
    }
    fn visit_import_decl(&mut self, import: &ImportDecl) {
        let source = Atom::from(import.src.value.to_string_lossy().as_ref());
        self.server_library_seen |= super::servers::may_make_servers(&source);
        self.signals.test_file |= super::listeners::is_browser_automation(&source);
        self.worker_import_seen |= imported_worker(&source).is_some();
        for specifier in &import.specifiers {
            let (local, imported) = match specifier {
                ImportSpecifier::Named(named) => {
                    let imported = match &named.imported {
                        Some(ModuleExportName::Ident(name)) => name.sym.clone(),
                        Some(ModuleExportName::Str(name)) => {
                            Atom::from(name.value.to_string_lossy().as_ref())
                        }
                        None => named.local.sym.clone(),
                    };
                    (&named.local, imported)
                }
                ImportSpecifier::Default(default) => (&default.local, Atom::from("default")),
                ImportSpecifier::Namespace(namespace) => (&namespace.local, Atom::from("*")),
            };
            let kind = BindingKind::Import {
                source: source.clone(),
                imported,
            };
            self.declare(local, kind, None);
        }
    }

    fn visit_assign_expr(&mut self, assign: &AssignExpr) {
        let assign = in_tree(assign);
        let class = self.current_class();
        match &assign.left {
            AssignTarget::Simple(SimpleAssignTarget::Ident(ident)) => {
                let holder = self.bindings.binding_id(&ident.id).map(Holder::Binding);
                self.hint_holder(&assign.right, holder);
            }
            AssignTarget::Simple(SimpleAssignTarget::Member(member)) => {
                // Any `x.src = …` may point a frame elsewhere, and so does
                // `frame.contentWindow.location = …`.
                if assign.op == AssignOp::Assign
                    && (member_name(&member.prop) == Some("src")
                        || (matches!(member_name(&member.prop), Some("location" | "href"))
                            && super::handlers::expression_text(&member.obj)
                                .contains("contentWindow")))
                {
                    self.sets_sources = true;
                }
                // `frame.src = "/embed.html"`
                let sets_frame_source =
                    member_name(&member.prop) == Some("src") && self.names_a_frame(&member.obj);
                if sets_frame_source && assign.op == AssignOp::Assign {
                    self.page_references.push(RawReference {
                        kind: ReferenceKind::Frame,
                        via: "iframe.src",
                        url: RawUrl::Written(&assign.right),
                        span: span_range(assign.right.span()),
                    });
                }
                let field = this_field(&self.bindings, member, class)
                    // `state.ws = ws` in an immer updater, `get().ws = ws`.
                    .or_else(|| super::stores::store_field(&self.bindings, member))
                    .or_else(|| declared_field(&self.bindings, member));
                match field {
                    // `this.ws = ws`, `socketRef.current = ws`, `hep.ws = new WebSocket(…)`:
                    // whether the file owns the object is decided once resolved.
                    Some(field) => self.hint_holder(&assign.right, Some(field)),
                    // `window.socket = socket`, `store.ws = ws` of an imported store,
                    // `this.pool[id] = ws`, `state.conn.ws = ws`.
                    None if assign.op == AssignOp::Assign => {
                        let mut root = &*member.obj;
                        while let Expr::Member(inner) = strip(root) {
                            root = &inner.obj;
                        }
                        let onto = match strip(root) {
                            Expr::Ident(root) => Some(root),
                            _ => None,
                        };
                        self.note_use(&assign.right, UseKind::StoredOn(onto));
                    }
                    None => {}
                }
                // `socket[name] = handler`: handlers set in ways the file does not show.
                if matches!(member.prop, MemberProp::Computed(_)) {
                    self.note_escapes(std::iter::once(&*member.obj));
                }
                // `button.onclick = connect`
                if assign.op == AssignOp::Assign
                    && member_name(&member.prop).is_some_and(is_user_event_property)
                {
                    let handler = Self::raw_handler(Some(&assign.right));
                    self.sockets.user_handlers.push((handler, class));
                }
                let event = match member_name(&member.prop) {
                    Some("onopen") => Some("open"),
                    Some("onclose") => Some("close"),
                    Some("onerror") => Some("error"),
                    Some("onmessage") => Some("message"),
                    _ => None,
                };
                if let Some(event) = event
                    && let Some(holder) = holder_of(&self.bindings, &member.obj, class)
                {
                    self.sockets.events.push(SocketEvent {
                        holder,
                        event,
                        handler: Self::raw_handler(Some(&assign.right)),
                        span: span_range(member.span),
                        class,
                    });
                }
            }
            _ => {}
        }
        // `a = b.c = value` assigns `value` to both.
        let assigned = assigned_value(&assign.right);
        let value = (assign.op == AssignOp::Assign)
            .then(|| small(assigned))
            .flatten();
        match &assign.left {
            AssignTarget::Simple(SimpleAssignTarget::Ident(ident)) => {
                if &*ident.id.sym == "onmessage" && self.bindings.is_global(&ident.id) {
                    self.push_listener(
                        span_range(ident.id.span),
                        ListenerForm::OnMessage,
                        None,
                        None,
                        Some(&assign.right),
                    );
                }
                self.record_assignment(&ident.id, value);
                if assign.op == AssignOp::Assign {
                    self.name_assigned_function(&ident.id, &assign.right);
                }
            }
            AssignTarget::Simple(SimpleAssignTarget::Member(member)) => {
                if member_name(&member.prop) == Some("onmessage") {
                    self.push_listener(
                        span_range(member.span),
                        ListenerForm::OnMessage,
                        Some(&member.obj),
                        None,
                        Some(&assign.right),
                    );
                }
                if let Some(field) = member_atom(&member.prop) {
                    match strip(&member.obj) {
                        Expr::This(_) => {
                            // `this.onMessage = (e) => …` in a constructor works like a method.
                            if let (Some(class), Some(span)) =
                                (self.current_class(), function_span(assigned))
                            {
                                self.named_functions.push((span, field.clone()));
                                self.bindings
                                    .class_methods
                                    .entry((class, field.clone()))
                                    .or_insert(span);
                            }
                            self.bindings
                                .this_fields
                                .entry(field)
                                .or_default()
                                .push(value)
                        }
                        // `window.evaluate = function () { … }` defines the global `evaluate`.
                        Expr::Ident(object)
                            if self.bindings.is_global(object)
                                && matches!(&*object.sym, "window" | "self" | "globalThis") =>
                        {
                            if let Some(span) = function_span(assigned) {
                                self.named_functions.push((span, field.clone()));
                                self.bindings
                                    .object_methods
                                    .entry((self.bindings.id(object), field.clone()))
                                    .or_insert(span);
                            }
                        }
                        Expr::Ident(object) if let Some(id) = self.bindings.binding_id(object) => {
                            // `api.open = function () { … }` works like an object method.
                            if let Some(span) = function_span(assigned) {
                                self.named_functions.push((span, field.clone()));
                                self.bindings
                                    .object_methods
                                    .entry((id.clone(), field.clone()))
                                    .or_insert(span);
                            }
                            self.bindings
                                .member_assignments
                                .entry((id, field))
                                .or_default()
                                .push(value);
                        }
                        _ => {}
                    }
                }
            }
            AssignTarget::Pat(pattern) => {
                let mut names = Vec::new();
                crate::semantic::values::bound_names(pattern, &mut names);
                for name in names {
                    self.record_assignment(&name, None);
                }
            }
            _ => {}
        }
        assign.visit_children_with(self);
    }

    fn visit_update_expr(&mut self, update: &UpdateExpr) {
        if let Expr::Ident(ident) = strip(&update.arg) {
            self.record_assignment(ident, None);
        }
        update.visit_children_with(self);
    }

    fn visit_await_expr(&mut self, await_expr: &AwaitExpr) {
        await_expr.visit_children_with(self);
        match self.frames.last_mut() {
            Some(frame) => frame.awaits += 1,
            None => self.top_level_awaits += 1,
        }
    }

    fn visit_class_decl(&mut self, decl: &ClassDecl) {
        let id = self.declare(&decl.ident, BindingKind::Class, None);
        self.bindings.class_of.insert(id, decl.class.span.lo.0);
        self.class_names.push(decl.ident.sym.to_string());
        decl.class.visit_with(self);
        self.class_names.pop();
    }

    fn visit_new_expr(&mut self, new: &NewExpr) {
        let new = in_tree(new);
        self.record_socket_construction(new);
        self.record_server_construction(new);
        self.record_promise(new);
        // `new Worker("x.js")`, `new Worker(new URL("./x.js", import.meta.url))`
        if let Expr::Ident(callee) = strip(&new.callee) {
            let via = match &*callee.sym {
                "Worker" => Some("Worker"),
                "SharedWorker" => Some("SharedWorker"),
                _ => None,
            };
            if let Some(via) = via
                && let Some(first) = new.args.as_ref().and_then(|args| args.first())
            {
                self.page_references.push(RawReference {
                    kind: ReferenceKind::Worker,
                    via,
                    url: RawUrl::Written(&first.expr),
                    span: span_range(first.expr.span()),
                });
            }
            // `import W from "./w.js?worker"; new W()` (Vite)
            if via.is_none()
                && self.worker_import_seen
                && let Some(id) = self.bindings.binding_id(callee)
                && let Some(binding) = self.bindings.binding(&id)
                && let BindingKind::Import { source, imported } = &binding.kind
                && &**imported == "default"
                && let Some(via) = imported_worker(source)
            {
                self.page_references.push(RawReference {
                    kind: ReferenceKind::Worker,
                    via,
                    url: RawUrl::Fixed(source.to_string()),
                    span: span_range(new.span),
                });
            }
        }
        if let Some(args) = &new.args {
            self.note_escapes(args.iter().map(|arg| &*arg.expr));
        }
        if matches!(strip(&new.callee), Expr::Ident(ident) if &*ident.sym == "Blob") {
            self.signals.builds_blob = true;
        }
        new.visit_children_with(self);
    }

    fn visit_call_expr(&mut self, call: &CallExpr) {
        let call = in_tree(call);
        crate::deadline::tick();
        if let Callee::Expr(callee) = &call.callee {
            self.record_post_message(span_range(call.span), callee, &call.args);
            self.record_listener_call(call, callee);
            self.record_stream_chain(call);
            self.record_socket_use(call.span, &call.args, callee);
            self.record_library_connect(call, callee);
            self.record_popup(call, callee);
            self.record_frame_attribute(call, callee);
            self.record_server_call(call, callee);
            self.note_store_write(callee, &call.args);
            if let Expr::Member(member) = strip(callee)
                && member_name(&member.prop).is_some_and(calls_back_at_once)
            {
                for arg in &call.args {
                    if let Some(span) = function_span(&arg.expr) {
                        self.synchronous_callbacks.insert(span.lo.0);
                    }
                }
            }
        }
        // `import("./x")`: a module the page loads on demand.
        if matches!(call.callee, Callee::Import(_))
            && let Some(specifier) = call.args.first().and_then(|arg| literal_string(&arg.expr))
        {
            self.dynamic_imports.push(specifier);
        }
        match &call.callee {
            Callee::Expr(callee) => self.note_arguments(callee, &call.args),
            _ => self.note_escapes(call.args.iter().map(|arg| &*arg.expr)),
        }
        let bun_serve = matches!(&call.callee, Callee::Expr(callee)
            if expression_is(callee, "Bun.serve"));
        self.bun_serve_depth += u32::from(bun_serve);
        call.visit_children_with(self);
        self.bun_serve_depth -= u32::from(bun_serve);
        self.bind_iife_parameters(call);
    }

    fn visit_opt_chain_expr(&mut self, chain: &OptChainExpr) {
        let chain = in_tree(chain);
        if let OptChainBase::Call(call) = &*chain.base {
            self.record_post_message(span_range(chain.span), &call.callee, &call.args);
            self.note_arguments(&call.callee, &call.args);
            // `socket?.send(…)`, `socket?.close()`
            if let Expr::OptChain(inner) = strip(&call.callee)
                && let OptChainBase::Member(member) = &*inner.base
            {
                self.record_socket_method(chain.span, &call.args, member);
            }
        }
        chain.visit_children_with(self);
    }

    fn visit_if_stmt(&mut self, if_stmt: &IfStmt) {
        if_stmt.test.visit_with(self);
        self.guarded_by(&if_stmt.test, true, |this| if_stmt.cons.visit_with(this));
        self.guarded_by(&if_stmt.test, false, |this| if_stmt.alt.visit_with(this));
    }

    fn visit_cond_expr(&mut self, cond: &CondExpr) {
        cond.test.visit_with(self);
        self.guarded_by(&cond.test, true, |this| cond.cons.visit_with(this));
        self.guarded_by(&cond.test, false, |this| cond.alt.visit_with(this));
    }

    fn visit_bin_expr(&mut self, bin: &BinExpr) {
        bin.left.visit_with(self);
        match bin.op {
            BinaryOp::LogicalAnd => {
                self.guarded_by(&bin.left, true, |this| bin.right.visit_with(this))
            }
            BinaryOp::LogicalOr => {
                self.guarded_by(&bin.left, false, |this| bin.right.visit_with(this))
            }
            _ => bin.right.visit_with(self),
        }
    }

    fn visit_stmts(&mut self, stmts: &[Stmt]) {
        let stmts = in_tree(stmts);
        if let Some(tree) = self.bindings.scopes.tree_mut() {
            tree.hoist_stmts(stmts);
        }
        self.visit_statement_list(
            stmts
                .iter()
                .map(|stmt| (stmt as &dyn VisitWith<Self>, Some(stmt))),
        );
    }

    fn visit_module_items(&mut self, items: &[ModuleItem]) {
        let items = in_tree(items);
        if let Some(tree) = self.bindings.scopes.tree_mut() {
            tree.hoist_module_items(items);
        }
        self.visit_statement_list(items.iter().map(|item| {
            let stmt = match item {
                ModuleItem::Stmt(stmt) => Some(stmt),
                ModuleItem::ModuleDecl(_) => None,
            };
            (item as &dyn VisitWith<Self>, stmt)
        }));
    }

    fn visit_this_expr(&mut self, this: &ThisExpr) {
        if self.this_scopes == 0 && !self.es_module {
            self.bindings.global_this.insert(this.span.lo.0);
        }
    }

    fn visit_getter_prop(&mut self, getter: &GetterProp) {
        self.this_scopes += 1;
        getter.visit_children_with(self);
        self.this_scopes -= 1;
    }

    fn visit_setter_prop(&mut self, setter: &SetterProp) {
        self.this_scopes += 1;
        setter.visit_children_with(self);
        self.this_scopes -= 1;
    }

    fn visit_function(&mut self, function: &Function) {
        let name = self.pending_function_name.take();
        // A method's decorators come before it in the source, so they are walked
        // before its scope opens.
        function.decorators.visit_with(self);
        let function = in_tree(function);
        self.this_scopes += 1;
        self.walk_function(function, name);
        self.this_scopes -= 1;
    }
    fn visit_class(&mut self, class: &Class) {
        let class = in_tree(class);
        self.this_scopes += 1;
        self.pending_function_name = None;
        self.classes.push(class.span.lo.0);
        if let Some(Expr::Ident(parent)) = class.super_class.as_deref().map(strip)
            && let Some(parent) = self.bindings.binding_id(parent)
        {
            self.bindings.class_extends.insert(class.span.lo.0, parent);
        }
        for member in &class.body {
            self.record_class_member(member);
        }
        self.record_gateway(class);
        // Class bodies are strict. The heritage is walked before the body so that
        // scopes open in source order.
        self.open_scope(ScopeKind::Name, class.span.lo, class.span.hi, true);
        self.record_host_metadata(class);
        class.decorators.visit_with(self);
        class.super_class.visit_with(self);
        class.type_params.visit_with(self);
        class.super_type_params.visit_with(self);
        class.implements.visit_with(self);
        class.body.visit_with(self);
        self.close_scope();
        self.classes.pop();
        self.this_scopes -= 1;
    }

    fn visit_class_method(&mut self, method: &ClassMethod) {
        let method = in_tree(method);
        self.record_host_listener(method);
        method.visit_children_with(self);
    }

    fn visit_unary_expr(&mut self, unary: &UnaryExpr) {
        // `typeof window` is feature detection, not use of the DOM.
        if unary.op == UnaryOp::TypeOf && matches!(strip(&unary.arg), Expr::Ident(_)) {
            return;
        }
        unary.visit_children_with(self);
    }

    fn visit_return_stmt(&mut self, ret: &ReturnStmt) {
        let ret = in_tree(ret);
        if let (Some(value), Some(frame)) = (&ret.arg, self.frames.last()) {
            let function = frame.own;
            self.note_use(value, UseKind::Returned(function));
        }
        ret.visit_children_with(self);
    }

    /// `{ socket }`, `{ ws: socket }`: kept in an object, which the file may keep or hand
    /// off (see `socket_uses`).
    fn visit_object_lit(&mut self, object: &ObjectLit) {
        let object = in_tree(object);
        let class = self.current_class();
        let start = object.span.lo.0;
        for prop in &object.props {
            let PropOrSpread::Prop(prop) = prop else {
                continue;
            };
            match &**prop {
                Prop::KeyValue(pair) => self.note_use(
                    &pair.value,
                    UseKind::InObject {
                        object: start,
                        key: super::values::prop_atom(&pair.key),
                    },
                ),
                Prop::Shorthand(name) => self.sockets.uses.push(HolderUse {
                    target: HolderRef::Name(name),
                    class,
                    kind: UseKind::InObject {
                        object: start,
                        key: Some(name.sym.clone()),
                    },
                }),
                _ => {}
            }
        }
        // The methods of an object literal bound to a name are walked as a class's: their
        // `this` is the object (see `Bindings::this_objects`).
        if self.bindings.this_objects.contains_key(&object.span.lo.0)
            || self.store_actions.contains(&object.span.lo.0)
        {
            for prop in &object.props {
                let method = object_method(prop).is_some();
                if method {
                    self.classes.push(object.span.lo.0);
                }
                prop.visit_with(self);
                if method {
                    self.classes.pop();
                }
            }
            return;
        }
        object.visit_children_with(self);
    }

    fn visit_array_lit(&mut self, array: &ArrayLit) {
        let array = in_tree(array);
        self.note_escapes(array.elems.iter().flatten().map(|element| &*element.expr));
        array.visit_children_with(self);
    }

    /// `<Chat socket={socket} />`, `<Context.Provider value={socket}>`.
    fn visit_jsx_attr(&mut self, attribute: &JSXAttr) {
        let attribute = in_tree(attribute);
        if let Some(JSXAttrValue::JSXExprContainer(container)) = &attribute.value
            && let JSXExpr::Expr(value) = &container.expr
        {
            self.note_escapes(std::iter::once(&**value));
            // `<button onClick={connect}>`
            if matches!(&attribute.name, JSXAttrName::Ident(name)
                    if is_user_event_property(&name.sym))
            {
                let class = self.current_class();
                self.sockets
                    .user_handlers
                    .push((Self::raw_handler(Some(value)), class));
            }
        }
        attribute.visit_children_with(self);
    }

    /// `<iframe src="/embed.html">` and `<iframe src={`/embed.html?id=${id}`}>` in JSX.
    fn visit_jsx_opening_element(&mut self, element: &JSXOpeningElement) {
        let element = in_tree(element);
        // A file that renders JSX is a page's component, never a worker.
        self.signals.uses_dom = true;
        if let JSXElementName::Ident(name) = &element.name
            && matches!(&*name.sym, "iframe" | "frame")
        {
            for attribute in &element.attrs {
                let JSXAttrOrSpread::JSXAttr(attribute) = attribute else {
                    continue;
                };
                if !matches!(&attribute.name, JSXAttrName::Ident(key) if &*key.sym == "src") {
                    continue;
                }
                let (url, span) = match &attribute.value {
                    Some(JSXAttrValue::Str(url)) => (
                        RawUrl::Fixed(url.value.to_string_lossy().into_owned()),
                        url.span,
                    ),
                    Some(JSXAttrValue::JSXExprContainer(JSXExprContainer {
                        expr: JSXExpr::Expr(url),
                        ..
                    })) => (RawUrl::Written(url), url.span()),
                    _ => continue,
                };
                self.page_references.push(RawReference {
                    kind: ReferenceKind::Frame,
                    via: "iframe",
                    url,
                    span: span_range(span),
                });
            }
        }
        element.visit_children_with(self);
    }

    fn visit_str(&mut self, text: &Str) {
        self.seen_file_literal |= is_file_scheme(&text.value);
    }

    fn visit_tpl_element(&mut self, element: &TplElement) {
        self.seen_file_literal |= element.cooked.as_ref().is_some_and(is_file_scheme);
    }

    fn visit_ident(&mut self, ident: &Ident) {
        if !self.signals.uses_dom
            && (&*ident.sym == "document" || &*ident.sym == "window")
            && self.bindings.is_global(ident)
        {
            self.signals.uses_dom = true;
        }
    }
}

/// The declaration in a `for … in` or `for … of` head.
fn head_declaration(head: &ForHead) -> Option<&VarDecl> {
    match head {
        ForHead::VarDecl(decl) => Some(decl),
        _ => None,
    }
}

/// `"file:"` or `"file"`. The length is checked first: bundles hold megabyte strings.
fn is_file_scheme(text: &swc_atoms::Wtf8Atom) -> bool {
    text.len() <= "file:".len() && matches!(text.as_str(), Some("file:" | "file"))
}

/// `self` or `globalThis` as written (their binding is checked later).
fn is_global_scope_object(target: &Expr) -> bool {
    matches!(strip(target), Expr::Ident(ident) if matches!(&*ident.sym, "self" | "globalThis"))
}

/// The name of a plain parameter.
fn simple_param(bindings: &Bindings, pat: &Pat) -> Option<Id> {
    crate::stack::ensure_room();
    match pat {
        Pat::Ident(ident) => Some(bindings.id(&ident.id)),
        Pat::Assign(assign) => simple_param(bindings, &assign.left),
        _ => None,
    }
}

/// A handler as the walk keeps it: an inline function, or a small expression naming one.
pub(super) fn raw_handler(expr: Option<&Expr>) -> RawHandler<'_> {
    let Some(expr) = expr.map(strip) else {
        return RawHandler::Missing;
    };
    if let Some(span) = function_span(expr) {
        return RawHandler::Function(span);
    }
    // `debounce((e) => …, 100)`, `useCallback((e) => …, [])`
    if let Expr::Call(call) = expr
        && let Some(span) = call.args.iter().find_map(|arg| function_span(&arg.expr))
    {
        return RawHandler::Function(span);
    }
    small(expr).map_or(RawHandler::Missing, |expr| {
        RawHandler::Expr(std::borrow::Cow::Borrowed(expr))
    })
}

/// Whether a declared type is a window's: `Window`, a project's `…Window` (not Electron's
/// `BrowserWindow`), `typeof window`, or an intersection or union with one.
fn is_window_type(ty: &TsType) -> bool {
    crate::stack::ensure_room();
    match ty {
        TsType::TsTypeRef(reference) => matches!(&reference.type_name,
            TsEntityName::Ident(name)
                if name.sym.ends_with("Window") && &*name.sym != "BrowserWindow"),
        TsType::TsTypeQuery(query) => matches!(&query.expr_name,
            TsTypeQueryExpr::TsEntityName(TsEntityName::Ident(name)) if &*name.sym == "window"),
        TsType::TsUnionOrIntersectionType(TsUnionOrIntersectionType::TsIntersectionType(both)) => {
            both.types.iter().any(|ty| is_window_type(ty))
        }
        TsType::TsUnionOrIntersectionType(TsUnionOrIntersectionType::TsUnionType(either)) => {
            either.types.iter().any(|ty| is_window_type(ty))
        }
        TsType::TsParenthesizedType(inner) => is_window_type(&inner.type_ann),
        _ => false,
    }
}

/// The span of a function or arrow expression.
fn function_span(expr: &Expr) -> Option<swc_common::Span> {
    match strip(expr) {
        Expr::Fn(function) => Some(function.function.span),
        Expr::Arrow(arrow) => Some(arrow.span),
        _ => None,
    }
}

/// The value an expression evaluates to through chained assignments: `value` in
/// `exports.f = value` and in `a = b.c = value`. Each assignment of a chain asks, so
/// only a few are looked through (a chain of thousands would be quadratic).
fn assigned_value(expr: &Expr) -> &Expr {
    let mut expr = strip(expr);
    for _ in 0..ASSIGNMENT_CHAIN {
        match expr {
            Expr::Assign(assign) if assign.op == AssignOp::Assign => expr = strip(&assign.right),
            _ => break,
        }
    }
    expr
}

/// How many chained assignments [`assigned_value`] looks through.
const ASSIGNMENT_CHAIN: usize = 8;

/// `$(window)` or `jQuery(window)`: the wrapped object.
fn jquery_target(expr: &Expr) -> Option<&Expr> {
    let Expr::Call(call) = strip(expr) else {
        return None;
    };
    let Callee::Expr(callee) = &call.callee else {
        return None;
    };
    match strip(callee) {
        Expr::Ident(ident) if &*ident.sym == "$" || &*ident.sym == "jQuery" => {
            call.args.first().map(|arg| &*arg.expr)
        }
        _ => None,
    }
}

/// Whether a test's truth means the code runs in a worker:
/// `typeof window === "undefined"`, `typeof importScripts === "function"`, …
/// `@UseGuards(…)` among a class's or a method's decorators.
fn is_guarded(decorators: &[Decorator]) -> bool {
    decorators.iter().any(|decorator| {
        matches!(strip(&decorator.expr), Expr::Call(call)
            if matches!(&call.callee, Callee::Expr(callee)
                if matches!(strip(callee), Expr::Ident(name) if &*name.sym == "UseGuards")))
    })
}

/// A gateway whose every `@SubscribeMessage` handler carries `@UseGuards(…)` (and which
/// has one): no message is handled for a connection the guard refused.
fn every_message_handler_guarded(class: &Class) -> bool {
    let handlers: Vec<&ClassMethod> = class
        .body
        .iter()
        .filter_map(|member| match member {
            ClassMember::Method(method)
                if method.function.decorators.iter().any(|decorator| {
                    matches!(strip(&decorator.expr), Expr::Call(call)
                        if matches!(&call.callee, Callee::Expr(callee)
                            if matches!(strip(callee), Expr::Ident(name)
                                if &*name.sym == "SubscribeMessage")))
                }) =>
            {
                Some(method)
            }
            _ => None,
        })
        .collect();
    !handlers.is_empty()
        && handlers
            .iter()
            .all(|method| is_guarded(&method.function.decorators))
}

fn worker_scope_test(test: &Expr) -> Option<bool> {
    crate::stack::ensure_room();
    match strip(test) {
        Expr::Unary(unary) if unary.op == UnaryOp::Bang => {
            worker_scope_test(&unary.arg).map(|w| !w)
        }
        Expr::Bin(bin) => {
            let equal = match bin.op {
                BinaryOp::EqEqEq | BinaryOp::EqEq => true,
                BinaryOp::NotEqEq | BinaryOp::NotEq => false,
                _ => return None,
            };
            let (typeof_of, text) = match (strip(&bin.left), strip(&bin.right)) {
                (Expr::Unary(unary), other) | (other, Expr::Unary(unary))
                    if unary.op == UnaryOp::TypeOf =>
                {
                    (strip(&unary.arg), literal_string(other)?)
                }
                _ => return None,
            };
            let Expr::Ident(name) = typeof_of else {
                return None;
            };
            let in_worker_when_equal = match (&*name.sym, text) {
                ("window" | "document", "undefined") => true,
                ("window" | "document", "object") => false,
                ("importScripts", "function") => true,
                ("importScripts", "undefined") => false,
                ("WorkerGlobalScope", "undefined") => false,
                ("WorkerGlobalScope", "function" | "object") => true,
                _ => return None,
            };
            Some(if equal {
                in_worker_when_equal
            } else {
                !in_worker_when_equal
            })
        }
        // Minified: `if (a = …, !self.document)`.
        Expr::Seq(seq) => seq.exprs.last().and_then(|last| worker_scope_test(last)),
        // `if (!_self.document)` (Prism): the global scope has no document, so a worker.
        // As a truth value `_self.document` is a document only in a window.
        Expr::Member(member)
            if member_name(&member.prop) == Some("document")
                && matches!(strip(&member.obj), Expr::Ident(_) | Expr::This(_)) =>
        {
            Some(false)
        }
        _ => None,
    }
}

/// `name(e) {}`, `name: function (e) {}` or `name: (e) => {}` in an object literal.
fn object_method(prop: &PropOrSpread) -> Option<(Atom, swc_common::Span)> {
    let PropOrSpread::Prop(prop) = prop else {
        return None;
    };
    match &**prop {
        Prop::Method(method) => Some((prop_atom(&method.key)?, method.function.span)),
        Prop::KeyValue(pair) => {
            let span = function_span(&pair.value)?;
            Some((prop_atom(&pair.key)?, span))
        }
        _ => None,
    }
}

/// Whether a test looks at a socket's `readyState`.
fn mentions_ready_state(test: &Expr) -> bool {
    struct Finder(bool);
    impl Visit for Finder {
        crate::guard_nesting!();

        fn visit_ident_name(&mut self, name: &IdentName) {
            if &*name.sym == "readyState" {
                self.0 = true;
            }
        }
    }
    let mut finder = Finder(false);
    test.visit_with(&mut finder);
    finder.0
}

/// Whether an import's source is Vite's worker import (`./w.js?worker`,
/// `./w.js?sharedworker`, `./w.js?worker&inline`), whose default export constructs the
/// worker: `Worker` or `SharedWorker`. (`?worker&url` exports its URL instead.)
fn imported_worker(source: &str) -> Option<&'static str> {
    let (_, query) = source.split_once('?')?;
    let mut via = None;
    for parameter in query.split('&') {
        match parameter {
            "worker" => via = via.or(Some("Worker")),
            "sharedworker" => via = Some("SharedWorker"),
            "url" => return None,
            _ => {}
        }
    }
    via
}

/// Whether a callee's chain starts at a `require(…)` call: `require("socket.io")`,
/// `require("socket.io").listen`.
fn rooted_in_require(callee: &Expr) -> bool {
    let mut expr = strip(callee);
    for _ in 0..4 {
        match expr {
            Expr::Member(member) => expr = strip(&member.obj),
            Expr::Call(call) => return required_module(call).is_some(),
            _ => return false,
        }
    }
    false
}

/// `{ key: true }`
fn object_has_true(expr: &Expr, key: &str) -> bool {
    let Expr::Object(object) = strip(expr) else {
        return false;
    };
    object.props.iter().any(|prop| {
        matches!(prop, PropOrSpread::Prop(prop) if matches!(&**prop,
            Prop::KeyValue(pair) if prop_name(&pair.key) == Some(key)
                && matches!(strip(&pair.value), Expr::Lit(Lit::Bool(b)) if b.value)))
    })
}
