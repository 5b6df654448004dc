//! The module graph of a run and the link pass's lookups: an imported name, followed
//! through re-exports (`export { x } from`, `export *`), to the module that defines
//! it and that definition's summary. Cycles end the search.

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;

use rustc_hash::{FxHashMap, FxHashSet};

use super::env::{Answers, Demands, Imported};
use super::resolve::Resolver;
use super::{Export, ModuleFacts};

/// How many re-exports a lookup follows.
pub const MAX_HOPS: usize = 16;

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

/// Lookups by module path, then by name.
type Lookups = FxHashMap<Arc<str>, FxHashMap<String, Rc<Lookup>>>;

/// What looking a name up in a module found.
struct Lookup {
    /// Its definition, if found.
    found: Option<Imported>,
    /// The modules on the way that have no facts (or partial ones), in the order met.
    missing: Vec<String>,
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
    pub fn answer(&self, from: &str, demands: &Demands) -> Answers {
        let found = demands
            .iter()
            .filter_map(|(key, matters)| {
                let lookup = self.looked_up(from, &key.0, &key.1)?;
                let imported = lookup.found.as_ref()?;
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
    pub fn unanalysed_targets<'d>(
        &self,
        from: &str,
        demands: impl IntoIterator<Item = &'d (String, String)>,
        missing: &mut impl FnMut(&str),
    ) {
        for (specifier, name) in demands {
            if let Some(lookup) = self.looked_up(from, specifier, name) {
                lookup.missing.iter().for_each(|path| missing(path));
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
        let mut missing = Vec::new();
        let found = self.lookup_in(&path, name, &mut FxHashSet::default(), 0, &mut missing);
        let lookup = Rc::new(Lookup { found, missing });
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
        missing: &mut Vec<String>,
    ) -> Option<Imported> {
        crate::deadline::tick();
        if hops > MAX_HOPS || !visited.insert((path.to_string(), name.to_string())) {
            return None;
        }
        if self
            .unanalysable
            .is_some_and(|unanalysable| unanalysable.contains(path))
        {
            return Some(Imported {
                path: path.to_string(),
                summary: super::ExportSummary::unanalysed(),
            });
        }
        let Some(facts) = self.modules.get(path).filter(|facts| !facts.partial) else {
            missing.push(path.to_string());
            return None;
        };
        for export in &facts.exports {
            match export {
                Export::Local {
                    name: exported,
                    summary,
                } if exported == name => {
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
                    return self.lookup_in(&target, imported, visited, hops + 1, missing);
                }
                _ => {}
            }
        }
        // `export *` never re-exports a default.
        if name == "default" {
            return None;
        }
        facts.exports.iter().find_map(|export| match export {
            Export::All { specifier } => {
                let target = self.resolver.resolve(path, specifier)?;
                self.lookup_in(&target, name, visited, hops + 1, missing)
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
    fn a_remembered_lookup_still_lists_the_modules_without_facts_on_its_way() {
        // `index.ts` re-exports from `helpers.ts`, which the run did not parse, and from
        // `partial.ts`, whose summaries were left to the link.
        let barrel = ModuleFacts {
            specifiers: vec!["./helpers".into(), "./partial".into()],
            exports: vec![
                Export::All {
                    specifier: "./helpers".into(),
                },
                Export::From {
                    name: "check".into(),
                    specifier: "./partial".into(),
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
        let files = [
            "src/index.ts",
            "src/helpers.ts",
            "src/partial.ts",
            "src/app.ts",
        ];
        let resolver = Resolver::new(files);
        let graph = Graph::new(
            &resolver,
            [("src/index.ts", &barrel), ("src/partial.ts", &partial)],
        );
        let key = |name: &str| ("./index".to_string(), name.to_string());
        let keys = [key("check"), key("helper")];
        let missing_of = |graph: &Graph| {
            let mut missing = std::collections::BTreeSet::new();
            graph.unanalysed_targets("src/app.ts", &keys, &mut |path: &str| {
                missing.insert(path.to_string());
            });
            missing.into_iter().collect::<Vec<_>>()
        };
        let expected = vec!["src/helpers.ts".to_string(), "src/partial.ts".to_string()];
        // Asked first, then remembered: the same modules either way.
        assert_eq!(missing_of(&graph), expected);
        assert_eq!(missing_of(&graph), expected);
        let fresh = Graph::new(
            &resolver,
            [("src/index.ts", &barrel), ("src/partial.ts", &partial)],
        );
        assert_eq!(fresh.lookup("src/app.ts", "./index", "check"), None);
        assert_eq!(fresh.defining_path("src/app.ts", "./index", "helper"), None);
        assert_eq!(missing_of(&fresh), expected);
    }
}
