//! The module graph of a run and the link pass's lookups: an imported name, followed
//! through re-exports (`export { x } from`, `export *`), to the module that defines
//! it and that definition's summary. Cycles end the search.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};

use rustc_hash::FxHashMap;

use super::env::{Answers, Demands, Imported};
use super::resolve::Resolver;
use super::{Export, ModuleFacts};

/// How many re-exports a lookup follows.
const MAX_HOPS: usize = 16;

/// The modules of a run, by path as shown.
pub struct Graph<'f> {
    modules: BTreeMap<&'f str, &'f ModuleFacts>,
    /// Made once per run over every file of it (modules not parsed resolve too, to no
    /// facts): the files do not change while the link pass parses more of them.
    pub resolver: &'f Resolver,
    /// What each lookup of a name in a module found: the modules' facts do not change
    /// while the graph lives, and the link pass looks the same names up for each
    /// question it asks of them.
    found: RefCell<FxHashMap<(String, String), Option<Imported>>>,
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
        }
    }

    /// The answers to a file's demands: the summaries of the names it imports.
    /// A summary without what the file's questions could use is left out: it would
    /// change nothing (see [`super::env::Matters`]).
    pub fn answer(&self, from: &str, demands: &Demands) -> Answers {
        let found = demands
            .iter()
            .filter_map(|(key, matters)| {
                let imported = self.lookup(from, &key.0, &key.1)?;
                (!imported.summary.is_empty() && matters.in_summary(&imported.summary))
                    .then(|| (key.clone(), imported))
            })
            .collect();
        Answers { found }
    }

    /// The files that looking up `from`'s demands reaches and the run did not analyse
    /// (they held nothing a rule looks for) or analysed without their summaries
    /// ([`ModuleFacts::partial`]), re-exporting modules' sources included: the link needs
    /// their summaries.
    pub fn unanalysed_targets(&self, from: &str, demands: &Demands) -> Vec<String> {
        let mut missing = Vec::new();
        for (specifier, name) in demands.keys() {
            if let Some(path) = self.resolver.resolve(from, specifier) {
                self.lookup_in(&path, name, &mut BTreeSet::new(), 0, &mut missing);
            }
        }
        missing.sort();
        missing.dedup();
        missing
    }

    /// The definition of `name` exported by the module `specifier` names from `from`.
    pub fn lookup(&self, from: &str, specifier: &str, name: &str) -> Option<Imported> {
        let path = self.resolver.resolve(from, specifier)?;
        let key = (path, name.to_string());
        if let Some(found) = self.found.borrow().get(&key) {
            return found.clone();
        }
        let found = self.lookup_in(&key.0, name, &mut BTreeSet::new(), 0, &mut Vec::new());
        self.found.borrow_mut().insert(key, found.clone());
        found
    }

    /// [`Self::lookup`] from the module at `path`; modules on the way that have no
    /// facts go to `missing`.
    fn lookup_in(
        &self,
        path: &str,
        name: &str,
        visited: &mut BTreeSet<(String, String)>,
        hops: usize,
        missing: &mut Vec<String>,
    ) -> Option<Imported> {
        crate::deadline::tick();
        if hops > MAX_HOPS || !visited.insert((path.to_string(), name.to_string())) {
            return None;
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
}
