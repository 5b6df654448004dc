//! The module graph of a run and the link pass's lookups: an imported name, followed
//! through re-exports (`export { x } from`, `export *`), to the module that defines
//! it and that definition's summary. Cycles end the search.

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;

use rustc_hash::{FxHashMap, FxHashSet};

use super::env::{Answers, Demands, Imported, Matters};
use super::resolve::Resolver;
use super::{Export, ModuleFacts};

/// How many re-exports a lookup follows.
pub const MAX_HOPS: usize = 16;

/// How many modules one lookup visits, at most (an `export *` mesh fans out at every
/// hop): past that, the name is a function of which nothing is known, as one of a
/// module over crosswire's limits is, never a package's trusted helper.
const MAX_LOOKUP_STEPS: usize = 4096;

/// The modules of a run, by path as shown.
pub struct Graph<'f> {
    modules: FxHashMap<&'f str, &'f ModuleFacts>,
    /// Made once per run over every file of it (modules not parsed resolve too, to no
    /// facts): the files do not change while the link pass parses more of them.
    pub resolver: &'f Resolver,
    /// What each lookup of a name in a module found, by module path and name: the
    /// modules' facts do not change while the graph lives, and the link pass looks the
    /// same names up for each question it asks of them.
    found: RefCell<Lookups>,
    /// Modules of the run that could not be analysed for their exports (over a limit):
    /// every name looked up there is a function of which nothing is known.
    unanalysable: Option<&'f std::collections::BTreeSet<String>>,
}

/// What a lookup met on its way.
#[derive(Default)]
struct Trail {
    /// See [`Lookup::missing`].
    missing: Vec<String>,
    /// The name the definition found is exported by in its module.
    defined_as: Option<String>,
    /// Modules visited so far (see [`MAX_LOOKUP_STEPS`]).
    steps: usize,
}

/// Lookups by module path, then by name.
type Lookups = FxHashMap<Arc<str>, FxHashMap<String, Rc<Lookup>>>;

/// What looking a name up in a module found.
struct Lookup {
    /// Its definition, if found.
    found: Option<Imported>,
    /// The modules on the way that have no facts (or partial ones), in the order met.
    missing: Vec<String>,
    /// The definition's module and name, when its summary is pending
    /// ([`super::FunctionSummary::pending`]).
    pending: Option<(String, String)>,
}

impl<'f> Graph<'f> {
    pub fn new(
        resolver: &'f Resolver,
        modules: impl IntoIterator<Item = (&'f str, &'f ModuleFacts)>,
    ) -> Graph<'f> {
        Graph {
            modules: modules.into_iter().collect(),
            resolver,
            found: RefCell::default(),
            unanalysable: None,
        }
    }

    /// The graph, with the modules at `paths` known to be unanalysable (see
    /// [`ExportSummary::unanalysed`](super::ExportSummary::unanalysed)).
    pub fn with_unanalysable(mut self, paths: &'f std::collections::BTreeSet<String>) -> Graph<'f> {
        self.unanalysable = Some(paths);
        self
    }

    /// The answers to a file's demands: the summaries of the names it imports.
    /// A summary without what the file's questions could use is left out: it would
    /// change nothing (see [`super::env::Matters`]).
    /// A pending summary does not answer a question that reads its walks: the name is
    /// then what it is before its module is linted for it, as a name of a module not yet
    /// parsed is (the link has the module linted for it before it answers from it).
    pub fn answer(&self, from: &str, demands: &Demands) -> Answers {
        let found = demands
            .iter()
            .filter_map(|(key, matters)| {
                let lookup = self.looked_up(from, &key.0, &key.1)?;
                let imported = lookup.found.as_ref()?;
                if imported.summary.is_pending() && matters.reads_walks() {
                    return None;
                }
                (!imported.summary.is_empty() && matters.in_summary(&imported.summary))
                    .then(|| (key.clone(), imported.clone()))
            })
            .collect();
        Answers { found }
    }

    /// The files that looking up `from`'s demands reaches and the run did not analyse
    /// (they held nothing a rule looks for) or analysed without their summaries
    /// ([`ModuleFacts::partial`]), re-exporting modules' sources included: the link needs
    /// their summaries. Each is handed to `missing`, repeats included.
    ///
    /// A demand that reads a function's walks ([`Matters::reads_walks`]) and finds its
    /// summary pending hands over its module and the name it is exported by there.
    pub fn unanalysed_targets<'d>(
        &self,
        from: &str,
        demands: impl IntoIterator<Item = (&'d (String, String), &'d Matters)>,
        missing: &mut impl FnMut(&str, Option<&str>),
    ) {
        for ((specifier, name), matters) in demands {
            if let Some(lookup) = self.looked_up(from, specifier, name) {
                lookup.missing.iter().for_each(|path| missing(path, None));
                if let Some((path, name)) = &lookup.pending
                    && matters.reads_walks()
                {
                    missing(path, Some(name));
                }
            }
        }
    }

    /// The definition of `name` exported by the module `specifier` names from `from`.
    pub fn lookup(&self, from: &str, specifier: &str, name: &str) -> Option<Imported> {
        self.looked_up(from, specifier, name)?.found.clone()
    }

    /// The module that defines `name` exported by the module `specifier` names from
    /// `from`, as shown.
    pub fn defining_path(&self, from: &str, specifier: &str, name: &str) -> Option<String> {
        let lookup = self.looked_up(from, specifier, name)?;
        Some(lookup.found.as_ref()?.path.clone())
    }

    /// [`Self::lookup`] with the modules it met that have no facts, remembered.
    fn looked_up(&self, from: &str, specifier: &str, name: &str) -> Option<Rc<Lookup>> {
        let path = self.resolver.resolve(from, specifier)?;
        if let Some(found) = self
            .found
            .borrow()
            .get(&*path)
            .and_then(|names| names.get(name))
        {
            return Some(found.clone());
        }
        let mut trail = Trail::default();
        let found = self.lookup_in(&path, name, &mut FxHashSet::default(), 0, &mut trail);
        let pending = found
            .as_ref()
            .filter(|found| found.summary.is_pending())
            .and_then(|found| Some((found.path.clone(), trail.defined_as?)));
        let lookup = Rc::new(Lookup {
            found,
            missing: trail.missing,
            pending,
        });
        self.found
            .borrow_mut()
            .entry(path)
            .or_default()
            .insert(name.to_string(), lookup.clone());
        Some(lookup)
    }

    /// [`Self::lookup`] from the module at `path`; modules on the way that have no
    /// facts (or partial ones) go to `missing`.
    fn lookup_in(
        &self,
        path: &str,
        name: &str,
        visited: &mut FxHashSet<(String, String)>,
        hops: usize,
        trail: &mut Trail,
    ) -> Option<Imported> {
        crate::deadline::tick();
        if hops > MAX_HOPS || !visited.insert((path.to_string(), name.to_string())) {
            return None;
        }
        trail.steps += 1;
        if trail.steps > MAX_LOOKUP_STEPS
            || self
                .unanalysable
                .is_some_and(|unanalysable| unanalysable.contains(path))
        {
            return Some(Imported {
                path: path.to_string(),
                summary: super::ExportSummary::unanalysed(),
            });
        }
        let Some(facts) = self.modules.get(path).filter(|facts| !facts.partial) else {
            trail.missing.push(path.to_string());
            return None;
        };
        for export in &facts.exports {
            match export {
                Export::Local {
                    name: exported,
                    summary,
                } if exported == name => {
                    trail.defined_as = Some(name.to_string());
                    return Some(Imported {
                        path: path.to_string(),
                        summary: summary.clone(),
                    });
                }
                Export::From {
                    name: exported,
                    specifier,
                    imported,
                } if exported == name => {
                    let target = self.resolver.resolve(path, specifier)?;
                    return self.lookup_in(&target, imported, visited, hops + 1, trail);
                }
                _ => {}
            }
        }
        // A field of an exported namespace or object (`checks.verify`): the module may
        // pass the namespace or object on under the field's first name
        // (`export * as checks from`, `export { api as checks } from`, an imported
        // namespace exported again), where the rest is the name to look up.
        if let Some((head, rest)) = name.split_once(super::FIELD_SEPARATOR) {
            for export in &facts.exports {
                match export {
                    Export::From {
                        name: exported,
                        specifier,
                        imported,
                    } if exported == head => {
                        let target = self.resolver.resolve(path, specifier)?;
                        // Only names the modules hold are looked up: a name passed on
                        // under a dotted name of its own would grow at every hop.
                        let name = match imported.as_str() {
                            "*" => rest.to_string(),
                            imported if !imported.contains(super::FIELD_SEPARATOR) => {
                                format!("{imported}{}{rest}", super::FIELD_SEPARATOR)
                            }
                            _ => return None,
                        };
                        return self.lookup_in(&target, &name, visited, hops + 1, trail);
                    }
                    // The module's own `head` hides any an `export *` passes on.
                    Export::Local { name: exported, .. }
                        if super::names_or_fields_of(exported, head) =>
                    {
                        return None;
                    }
                    _ => {}
                }
            }
        }
        // `export *` never re-exports a default, nor its fields.
        if super::names_or_fields_of(name, "default") {
            return None;
        }
        facts.exports.iter().find_map(|export| match export {
            Export::All { specifier } => {
                let target = self.resolver.resolve(path, specifier)?;
                self.lookup_in(&target, name, visited, hops + 1, trail)
            }
            _ => None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::modules::{ConstValue, ExportSummary};

    fn constant(name: &str, value: &str) -> Export {
        Export::Local {
            name: name.into(),
            summary: ExportSummary {
                line: 1,
                offset: 0,
                value: Some(ConstValue::Str(value.into())),
                function: None,
            },
        }
    }

    #[test]
    fn lookups_follow_re_exports_and_stop_at_cycles() {
        let config = ModuleFacts {
            specifiers: vec![],
            exports: vec![constant("TARGET", "*")],
            partial: false,
        };
        let barrel = ModuleFacts {
            specifiers: vec!["./config".into(), "./cycle".into()],
            exports: vec![
                Export::All {
                    specifier: "./cycle".into(),
                },
                Export::From {
                    name: "ORIGIN".into(),
                    specifier: "./config".into(),
                    imported: "TARGET".into(),
                },
                Export::All {
                    specifier: "./config".into(),
                },
            ],
            partial: false,
        };
        let cycle = ModuleFacts {
            specifiers: vec!["./index".into()],
            exports: vec![Export::All {
                specifier: "./index".into(),
            }],
            partial: false,
        };
        let files = [
            "src/config.ts",
            "src/index.ts",
            "src/cycle.ts",
            "src/app.ts",
        ];
        let resolver = Resolver::new(files);
        let graph = Graph::new(
            &resolver,
            [
                ("src/config.ts", &config),
                ("src/index.ts", &barrel),
                ("src/cycle.ts", &cycle),
            ],
        );
        let value = |specifier: &str, name: &str| {
            graph
                .lookup("src/app.ts", specifier, name)
                .and_then(|found| found.summary.value)
        };
        assert_eq!(
            value("./index", "TARGET"),
            Some(ConstValue::Str("*".into()))
        );
        assert_eq!(
            value("./index", "ORIGIN"),
            Some(ConstValue::Str("*".into()))
        );
        assert_eq!(value("./index", "MISSING"), None);
        assert_eq!(
            value("./cycle", "TARGET"),
            Some(ConstValue::Str("*".into()))
        );
        assert_eq!(value("./index", "default"), None);
    }

    #[test]
    fn dotted_names_follow_namespaces_and_objects_passed_on() {
        let config = ModuleFacts {
            specifiers: vec![],
            exports: vec![constant("TARGET", "*"), constant("api\0check", "checks")],
            partial: false,
        };
        // `export * as config from "./config"`, `export { api as security } from
        // "./config"`, and a namespace of itself (`export * as again from "./index"`).
        let barrel = ModuleFacts {
            specifiers: vec!["./config".into(), "./index".into()],
            exports: vec![
                Export::From {
                    name: "config".into(),
                    specifier: "./config".into(),
                    imported: "*".into(),
                },
                Export::From {
                    name: "security".into(),
                    specifier: "./config".into(),
                    imported: "api".into(),
                },
                Export::From {
                    name: "again".into(),
                    specifier: "./index".into(),
                    imported: "*".into(),
                },
                constant("security\0local", "own"),
                // A string export name holding a dot is a name of its own.
                constant("config.TARGET", "string name"),
            ],
            partial: false,
        };
        let outer = ModuleFacts {
            specifiers: vec!["./index".into()],
            exports: vec![Export::All {
                specifier: "./index".into(),
            }],
            partial: false,
        };
        // Its own `config` hides the one `export *` passes on.
        let shadow = ModuleFacts {
            specifiers: vec!["./index".into()],
            exports: vec![
                constant("config", "mine"),
                Export::All {
                    specifier: "./index".into(),
                },
            ],
            partial: false,
        };
        let files = [
            "src/config.ts",
            "src/index.ts",
            "src/outer.ts",
            "src/shadow.ts",
            "src/app.ts",
        ];
        let resolver = Resolver::new(files);
        let graph = Graph::new(
            &resolver,
            [
                ("src/config.ts", &config),
                ("src/index.ts", &barrel),
                ("src/outer.ts", &outer),
                ("src/shadow.ts", &shadow),
            ],
        );
        let value = |specifier: &str, name: &str| {
            graph
                .lookup("src/app.ts", specifier, &name.replace('.', "\0"))
                .and_then(|found| found.summary.value)
        };
        let text = |value: &str| Some(ConstValue::Str(value.into()));
        let exact = graph
            .lookup("src/app.ts", "./index", "config.TARGET")
            .and_then(|found| found.summary.value);
        assert_eq!(exact, text("string name"));
        assert_eq!(value("./index", "config.TARGET"), text("*"));
        assert_eq!(value("./index", "security.check"), text("checks"));
        // A module's own export of the dotted name comes first.
        assert_eq!(value("./index", "security.local"), text("own"));
        assert_eq!(value("./outer", "config.TARGET"), text("*"));
        assert_eq!(value("./index", "again.again.config.TARGET"), text("*"));
        assert_eq!(value("./index", "config.MISSING"), None);
        assert_eq!(value("./index", "config"), None);
        assert_eq!(value("./shadow", "config.TARGET"), None);
        assert_eq!(value("./shadow", "again.config.TARGET"), text("*"));
        // `export *` passes on no default, nor a default's fields.
        assert_eq!(value("./outer", "default.check"), None);
        // A namespace of itself, however deep, ends at the hop limit.
        let deep = vec!["again"; MAX_HOPS + 1].join(".") + ".config.TARGET";
        assert_eq!(value("./index", &deep), None);
    }

    #[test]
    fn lookups_stay_bounded_in_meshes_and_never_grow_names() {
        // Ten modules pass `x` on as the field `i` of `x` of the hub that `export *`s them
        // all (no module's facts say so, but a graph must not trust them): the name would
        // grow at every hop (`x.i.i.q`, …).
        let hub = ModuleFacts {
            specifiers: (0..10).map(|i| format!("./a{i}")).collect(),
            exports: (0..10)
                .map(|i| Export::All {
                    specifier: format!("./a{i}"),
                })
                .collect(),
            partial: false,
        };
        let passing: Vec<ModuleFacts> = (0..10)
            .map(|_| ModuleFacts {
                specifiers: vec!["./hub".into()],
                exports: vec![Export::From {
                    name: "x".into(),
                    specifier: "./hub".into(),
                    imported: "x\0i".into(),
                }],
                partial: false,
            })
            .collect();
        // And a barrel that `export *`s more modules than a lookup visits.
        let wide = ModuleFacts {
            specifiers: vec![],
            exports: (0..MAX_LOOKUP_STEPS + 10)
                .map(|i| Export::All {
                    specifier: format!("./m{i}"),
                })
                .collect(),
            partial: false,
        };
        let empty = ModuleFacts::default();
        let mut paths: Vec<String> = vec![
            "src/hub.ts".into(),
            "src/wide.ts".into(),
            "src/app.ts".into(),
        ];
        paths.extend((0..10).map(|i| format!("src/a{i}.ts")));
        paths.extend((0..MAX_LOOKUP_STEPS + 10).map(|i| format!("src/m{i}.ts")));
        let resolver = Resolver::new(paths.iter().map(String::as_str));
        let mut modules: Vec<(&str, &ModuleFacts)> =
            vec![("src/hub.ts", &hub), ("src/wide.ts", &wide)];
        for (i, facts) in passing.iter().enumerate() {
            modules.push((&paths[3 + i], facts));
        }
        for path in &paths[13..] {
            modules.push((path, &empty));
        }
        let graph = Graph::new(&resolver, modules);
        assert_eq!(graph.lookup("src/app.ts", "./hub", "x\0q"), None);
        let found = graph.lookup("src/app.ts", "./wide", "check").unwrap();
        assert_eq!(found.summary, ExportSummary::unanalysed());
    }

    #[test]
    fn a_remembered_lookup_still_lists_the_modules_without_facts_on_its_way() {
        // `index.ts` re-exports from `helpers.ts`, which the run did not parse, from
        // `partial.ts`, whose summaries were left to the link, and `verify` from
        // `lazy.ts`, whose function's summary is pending (exported there as `check`).
        let barrel = ModuleFacts {
            specifiers: vec!["./helpers".into(), "./partial".into(), "./lazy".into()],
            exports: vec![
                Export::All {
                    specifier: "./helpers".into(),
                },
                Export::From {
                    name: "check".into(),
                    specifier: "./partial".into(),
                    imported: "check".into(),
                },
                Export::From {
                    name: "verify".into(),
                    specifier: "./lazy".into(),
                    imported: "check".into(),
                },
            ],
            partial: false,
        };
        let partial = ModuleFacts {
            specifiers: vec![],
            exports: vec![constant("check", "*")],
            partial: true,
        };
        let pending = crate::modules::FunctionSummary {
            pending: true,
            ..Default::default()
        };
        let lazy = ModuleFacts {
            specifiers: vec![],
            exports: vec![Export::Local {
                name: "check".into(),
                summary: ExportSummary {
                    function: Some(pending),
                    ..ExportSummary::default()
                },
            }],
            partial: false,
        };
        let files = [
            "src/index.ts",
            "src/helpers.ts",
            "src/partial.ts",
            "src/lazy.ts",
            "src/app.ts",
        ];
        let resolver = Resolver::new(files);
        let modules = [
            ("src/index.ts", &barrel),
            ("src/partial.ts", &partial),
            ("src/lazy.ts", &lazy),
        ];
        let graph = Graph::new(&resolver, modules);
        let key = |name: &str| ("./index".to_string(), name.to_string());
        let demands: Demands = [
            (key("check"), Matters::ANYTHING),
            (key("helper"), Matters::ANYTHING),
            (key("verify"), Matters::SINKS),
        ]
        .into_iter()
        .collect();
        let missing_of = |graph: &Graph, demands: &Demands| {
            let mut missing = std::collections::BTreeSet::new();
            graph.unanalysed_targets("src/app.ts", demands, &mut |path, name| {
                missing.insert((path.to_string(), name.map(str::to_string)));
            });
            missing.into_iter().collect::<Vec<_>>()
        };
        let expected = vec![
            ("src/helpers.ts".to_string(), None),
            ("src/lazy.ts".to_string(), Some("check".to_string())),
            ("src/partial.ts".to_string(), None),
        ];
        // Asked first, then remembered: the same modules either way.
        assert_eq!(missing_of(&graph, &demands), expected);
        assert_eq!(missing_of(&graph, &demands), expected);
        let fresh = Graph::new(&resolver, modules);
        assert_eq!(fresh.lookup("src/app.ts", "./index", "check"), None);
        assert_eq!(fresh.defining_path("src/app.ts", "./index", "helper"), None);
        assert_eq!(missing_of(&fresh, &demands), expected);
        // A question that reads none of the walks is answered from a pending summary.
        let sockets: Demands = [(key("verify"), Matters::SOCKET_PARAMS)]
            .into_iter()
            .collect();
        assert_eq!(missing_of(&fresh, &sockets), vec![]);
        // One that reads them is not answered until the module is linted for it.
        let answers = fresh.answer("src/app.ts", &demands);
        assert!(!answers.found.contains_key(&key("verify")));
        let answers = fresh.answer("src/app.ts", &sockets);
        assert!(
            answers.found.is_empty(),
            "a pending summary has no socket parts here"
        );
    }
}
