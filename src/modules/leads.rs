//! Which unparsed modules can lead, through what they import, to a file that holds
//! facts: the second pass parses a module the page map reaches only to follow its
//! imports, so one that cannot lead to such a file is left unparsed.
//!
//! The question is answered on a graph that has every edge a parse would give and
//! more: a parsed file's edges are its specifiers, an unparsed file's are every string
//! of its text that resolves ([`super::scan`]). If no path of that graph reaches a file
//! with facts, no path of the real one does, and parsing the module could only add
//! files without facts to a page: the findings are those of parsing it.

use std::collections::{HashMap, HashSet};

/// The graph explored so far and what each explored file leads to.
pub struct Leads {
    /// Files whose facts a page's content can change: parsed before the second pass
    /// (they had a needle) or left for it (`deferred`). Fixed for the run.
    holds_facts: Vec<bool>,
    /// Each explored file's edges; `None` when its text cannot be vouched for (it is
    /// then taken to lead to facts).
    edges: HashMap<usize, Option<Vec<usize>>>,
    /// Explored files that lead to facts, as of the last [`Leads::explore`].
    leading: HashSet<usize>,
}

/// How to read a file's edges.
pub trait Edges: Sync {
    /// The files a parsed file's specifiers resolve to, or `None` for a file not parsed.
    fn parsed(&self, at: usize) -> Option<Vec<usize>>;
    /// The files every string of an unparsed file's text resolves to, or `None` when the
    /// scan cannot vouch for a superset (or the file cannot be read).
    fn scanned(&self, at: usize) -> Option<Vec<usize>>;
}

impl Leads {
    pub fn new(holds_facts: Vec<bool>) -> Leads {
        Leads {
            holds_facts,
            edges: HashMap::new(),
            leading: HashSet::new(),
        }
    }

    /// Explores the graph from `starts`, scanning files in parallel on `pool`, and
    /// brings up to date which explored files lead to facts.
    pub fn explore(&mut self, starts: &[usize], edges: &impl Edges, pool: &rayon::ThreadPool) {
        use rayon::prelude::*;
        let mut layer: Vec<usize> = starts
            .iter()
            .copied()
            .filter(|at| !self.edges.contains_key(at))
            .collect();
        layer.sort_unstable();
        layer.dedup();
        while !layer.is_empty() {
            crate::deadline::tick();
            let holds_facts = &self.holds_facts;
            let found: Vec<(usize, Option<Vec<usize>>)> = pool.install(|| {
                layer
                    .par_iter()
                    .map(|&at| {
                        // A file with facts leads to them whatever it imports.
                        let out = if holds_facts.get(at).copied().unwrap_or(true) {
                            Some(Vec::new())
                        } else {
                            edges.parsed(at).or_else(|| edges.scanned(at))
                        };
                        (at, out)
                    })
                    .collect()
            });
            let mut next = Vec::new();
            for (at, out) in found {
                if let Some(targets) = &out {
                    next.extend(
                        targets
                            .iter()
                            .copied()
                            .filter(|target| !self.edges.contains_key(target)),
                    );
                }
                self.edges.insert(at, out);
            }
            next.sort_unstable();
            next.dedup();
            next.retain(|target| !self.edges.contains_key(target));
            layer = next;
        }
        self.propagate();
    }

    /// Whether `at`, explored, can lead to a file with facts.
    pub fn leads_to_facts(&self, at: usize) -> bool {
        self.leading.contains(&at) || !self.edges.contains_key(&at)
    }

    /// Marks every explored file from which a file with facts, or one not vouched for,
    /// is reachable: backwards from those.
    fn propagate(&mut self) {
        let mut importers: HashMap<usize, Vec<usize>> = HashMap::new();
        let mut queue = Vec::new();
        for (&at, out) in &self.edges {
            match out {
                None => queue.push(at),
                Some(_) if self.holds_facts.get(at).copied().unwrap_or(true) => queue.push(at),
                Some(targets) => {
                    for &target in targets {
                        importers.entry(target).or_default().push(at);
                    }
                }
            }
        }
        self.leading.clear();
        while let Some(at) = queue.pop() {
            if !self.leading.insert(at) {
                continue;
            }
            if let Some(from) = importers.get(&at) {
                queue.extend(
                    from.iter()
                        .copied()
                        .filter(|from| !self.leading.contains(from)),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Graph {
        parsed: HashMap<usize, Vec<usize>>,
        scanned: HashMap<usize, Option<Vec<usize>>>,
    }

    impl Edges for Graph {
        fn parsed(&self, at: usize) -> Option<Vec<usize>> {
            self.parsed.get(&at).cloned()
        }
        fn scanned(&self, at: usize) -> Option<Vec<usize>> {
            self.scanned.get(&at).cloned().flatten()
        }
    }

    #[test]
    fn a_module_leads_to_facts_through_any_chain_of_imports() {
        // 0 → 1 → 2 (facts); 3 → 4 ⇄ 5; 6 cannot be vouched for; 7 → 6.
        let graph = Graph {
            parsed: HashMap::from([(1, vec![2])]),
            scanned: HashMap::from([
                (0, Some(vec![1])),
                (3, Some(vec![4])),
                (4, Some(vec![5])),
                (5, Some(vec![4])),
                (6, None),
                (7, Some(vec![6])),
            ]),
        };
        let mut holds_facts = vec![false; 8];
        holds_facts[2] = true;
        let mut leads = Leads::new(holds_facts);
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap();
        leads.explore(&[0, 3, 7], &graph, &pool);
        assert!(leads.leads_to_facts(0));
        assert!(leads.leads_to_facts(1));
        assert!(!leads.leads_to_facts(3));
        assert!(!leads.leads_to_facts(4));
        assert!(leads.leads_to_facts(7));
        // Not explored: taken to lead to facts.
        assert!(leads.leads_to_facts(9));
    }
}
