//! The order files are linted in: largest first, so that a big bundle started last
//! does not keep one thread busy after the others are done, and under a budget of
//! bytes in flight, so that two big bundles are not parsed at once (a syntax tree is
//! many times the size of its source, and peak memory is what CI machines run out of);
//! small items do not wait for the budget, so the other threads keep working.

use std::collections::BTreeSet;
use std::sync::{Condvar, Mutex, MutexGuard};

/// How much may be worked on at once.
#[derive(Debug, Clone, Copy)]
pub struct Budget {
    /// Bytes (of all items in flight) that no item may start beyond, unless nothing runs.
    pub bytes: u64,
    /// Items up to this size start even when the budget is spent: their share of memory
    /// is small, and they keep the other threads busy beside an item that takes it all.
    pub small_item: u64,
}

/// Work items by size, handed out to any number of threads.
pub struct SizeQueue<'a> {
    sizes: &'a [u64],
    budget: Budget,
    state: Mutex<State>,
    released: Condvar,
}

struct State {
    /// Items not handed out yet, by (size, index).
    waiting: BTreeSet<(u64, usize)>,
    in_flight: u64,
    running: usize,
}

/// An item being worked on; dropping it returns its bytes to the budget.
pub struct Ticket<'q, 'a> {
    queue: &'q SizeQueue<'a>,
    index: usize,
}

impl<'a> SizeQueue<'a> {
    pub fn new(sizes: &'a [u64], budget: Budget) -> SizeQueue<'a> {
        SizeQueue {
            sizes,
            budget,
            state: Mutex::new(State {
                waiting: sizes
                    .iter()
                    .enumerate()
                    .map(|(index, size)| (*size, index))
                    .collect(),
                in_flight: 0,
                running: 0,
            }),
            released: Condvar::new(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The largest item that fits in what is left of the budget (small items always
    /// fit), waiting for running items to finish if none does; an item larger than the
    /// whole budget runs beside small items only. `None` once every item is handed out.
    pub fn next(&self) -> Option<Ticket<'_, 'a>> {
        let mut state = self.lock();
        loop {
            let room = self
                .budget
                .bytes
                .saturating_sub(state.in_flight)
                .max(self.budget.small_item);
            let pick = if state.running == 0 {
                state.waiting.last().copied()
            } else {
                state
                    .waiting
                    .range(..=(room, usize::MAX))
                    .next_back()
                    .copied()
            };
            match pick {
                Some(item) => {
                    state.waiting.remove(&item);
                    state.in_flight += item.0;
                    state.running += 1;
                    return Some(Ticket {
                        queue: self,
                        index: item.1,
                    });
                }
                None if state.waiting.is_empty() => return None,
                // Something is running (or `pick` would be the largest item): wait for it.
                None => {
                    state = self
                        .released
                        .wait(state)
                        .unwrap_or_else(|poisoned| poisoned.into_inner());
                }
            }
        }
    }
}

impl Ticket<'_, '_> {
    pub fn index(&self) -> usize {
        self.index
    }
}

impl Drop for Ticket<'_, '_> {
    fn drop(&mut self) {
        let mut state = self.queue.lock();
        state.in_flight -= self.queue.sizes[self.index];
        state.running -= 1;
        drop(state);
        self.queue.released.notify_all();
    }
}

/// `work(index)` for every item, on all of `pool`'s threads, largest item first and
/// within `budget`; the results come back in the order of `sizes`.
pub fn map_largest_first<T: Send>(
    pool: &rayon::ThreadPool,
    sizes: &[u64],
    budget: Budget,
    work: impl Fn(usize) -> T + Sync,
) -> Vec<T> {
    let queue = SizeQueue::new(sizes, budget);
    let results: Vec<Mutex<Option<T>>> = sizes.iter().map(|_| Mutex::new(None)).collect();
    pool.scope(|scope| {
        for _ in 0..pool.current_num_threads() {
            scope.spawn(|_| {
                while let Some(ticket) = queue.next() {
                    let result = work(ticket.index());
                    *results[ticket.index()]
                        .lock()
                        .unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(result);
                }
            });
        }
    });
    results
        .into_iter()
        .map(|slot| {
            slot.into_inner()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .expect("every item is handed out once")
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn budget(bytes: u64) -> Budget {
        Budget {
            bytes,
            small_item: 0,
        }
    }

    #[test]
    fn hands_out_largest_first_then_everything_once() {
        let sizes = [5, 50, 1, 20];
        let queue = SizeQueue::new(&sizes, budget(1000));
        let mut order = Vec::new();
        while let Some(ticket) = queue.next() {
            order.push(ticket.index());
        }
        assert_eq!(order, vec![1, 3, 0, 2]);
    }

    #[test]
    fn keeps_big_items_apart_but_fills_the_room_left() {
        let sizes = [90, 80, 5, 5];
        let queue = SizeQueue::new(&sizes, budget(100));
        let first = queue.next().expect("an item");
        assert_eq!(first.index(), 0);
        // 80 does not fit beside 90; a small one does.
        let second = queue.next().expect("an item");
        assert_eq!(sizes[second.index()], 5);
        drop(first);
        let third = queue.next().expect("an item");
        assert_eq!(third.index(), 1);
    }

    #[test]
    fn an_item_over_the_budget_runs_alone() {
        let sizes = [500, 10];
        let queue = SizeQueue::new(&sizes, budget(100));
        let big = queue.next().expect("an item");
        assert_eq!(big.index(), 0);
        drop(big);
        assert_eq!(queue.next().expect("an item").index(), 1);
    }

    #[test]
    fn small_items_run_beside_an_item_that_takes_the_whole_budget() {
        let sizes = [500, 60, 8, 9];
        let queue = SizeQueue::new(
            &sizes,
            Budget {
                bytes: 100,
                small_item: 10,
            },
        );
        let big = queue.next().expect("an item");
        assert_eq!(big.index(), 0);
        // 60 waits for the bundle; the small ones do not.
        let beside = queue.next().expect("an item");
        assert_eq!(beside.index(), 3);
        let also = queue.next().expect("an item");
        assert_eq!(also.index(), 2);
        drop((big, beside, also));
        assert_eq!(queue.next().expect("an item").index(), 1);
    }

    #[test]
    fn map_largest_first_keeps_the_input_order() {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(3)
            .build()
            .unwrap();
        let sizes: Vec<u64> = (0..500).map(|i| (i * 7919) % 300).collect();
        let doubled = map_largest_first(&pool, &sizes, budget(400), |index| sizes[index] * 2);
        assert_eq!(
            doubled,
            sizes.iter().map(|size| size * 2).collect::<Vec<_>>()
        );
    }

    #[test]
    fn threads_share_the_queue_without_losing_items() {
        let sizes: Vec<u64> = (0..2000).map(|i| (i * 7919) % 300).collect();
        let queue = SizeQueue::new(&sizes, budget(400));
        let done = Mutex::new(vec![false; sizes.len()]);
        std::thread::scope(|scope| {
            for _ in 0..4 {
                scope.spawn(|| {
                    while let Some(ticket) = queue.next() {
                        let mut done = done.lock().unwrap();
                        assert!(!done[ticket.index()], "handed out twice");
                        done[ticket.index()] = true;
                    }
                });
            }
        });
        assert!(done.into_inner().unwrap().iter().all(|&d| d));
    }
}
