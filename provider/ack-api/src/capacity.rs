//! How many nodes and node pools a cluster will have once a plan is applied:
//! the one rule behind the provider's plan registry and `check`.
//!
//! A [`PoolLedger`] holds, per cluster, the pools that exist now and the
//! pools a plan wants. A planned pool is keyed by the object it updates (a
//! node pool ID in the provider, a resource address in `check`) or by a key
//! of its own when it is new. The totals count every planned pool once, at
//! its planned size, in the cluster it is planned for; an existing pool only
//! when the plan neither updates, moves nor destroys it; and a new pool whose
//! name already exists in its cluster once (Terraform plans a resource again
//! during apply, after its siblings were created).

use std::collections::{BTreeMap, BTreeSet};

/// One existing pool.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Existing {
    cluster: String,
    name: String,
    nodes: u64,
}

/// One planned pool.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Planned {
    cluster: String,
    name: String,
    /// `None`: not known at plan time.
    nodes: Option<u64>,
    /// Whether this key names an existing object (an update or a move)
    /// rather than a pool still to be created.
    existing_object: bool,
}

/// Pools per cluster: what exists and what is planned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PoolLedger<K: Ord> {
    existing: BTreeMap<K, Existing>,
    planned: BTreeMap<K, Planned>,
    destroyed: BTreeSet<K>,
}

impl<K: Ord> Default for PoolLedger<K> {
    fn default() -> Self {
        PoolLedger {
            existing: BTreeMap::new(),
            planned: BTreeMap::new(),
            destroyed: BTreeSet::new(),
        }
    }
}

/// A cluster's pools once the plan is applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Totals {
    /// Nodes (autoscaling pools count their maximum); `None` when a planned
    /// size is not known yet.
    pub nodes: Option<u64>,
    /// Node pools.
    pub pools: usize,
}

impl<K: Ord + Clone> PoolLedger<K> {
    pub fn new() -> Self {
        Self::default()
    }

    /// Replaces what is known to exist in `cluster` (a fresh listing).
    pub fn set_existing(
        &mut self,
        cluster: &str,
        pools: impl IntoIterator<Item = (K, String, u64)>,
    ) {
        self.existing.retain(|_, e| e.cluster != cluster);
        for (key, name, nodes) in pools {
            self.existing.insert(
                key,
                Existing {
                    cluster: cluster.to_owned(),
                    name,
                    nodes,
                },
            );
        }
    }

    /// Records (or replaces: a re-plan, a rename, a move) the plan of the
    /// pool `key`. `existing_object` says whether `key` names an object that
    /// exists already.
    pub fn plan(
        &mut self,
        key: K,
        cluster: &str,
        name: &str,
        nodes: Option<u64>,
        existing_object: bool,
    ) {
        self.destroyed.remove(&key);
        self.planned.insert(
            key,
            Planned {
                cluster: cluster.to_owned(),
                name: name.to_owned(),
                nodes,
                existing_object,
            },
        );
    }

    /// Records that the pool `key` is destroyed by the plan.
    pub fn destroy(&mut self, key: K) {
        self.planned.remove(&key);
        self.destroyed.insert(key);
    }

    /// Forgets the plan of `key` (it is neither planned nor destroyed).
    pub fn forget(&mut self, key: &K) {
        self.planned.remove(key);
        self.destroyed.remove(key);
    }

    /// The totals of `cluster` after the plan.
    pub fn totals(&self, cluster: &str) -> Totals {
        let planned: Vec<&Planned> = self
            .planned
            .values()
            .filter(|p| p.cluster == cluster)
            .collect();
        // New pools by name: an existing pool of that name was created by
        // this apply and is counted at its planned size.
        let new_names: BTreeSet<&str> = planned
            .iter()
            .filter(|p| !p.existing_object)
            .map(|p| p.name.as_str())
            .collect();
        let untouched = self.existing.iter().filter(|(key, e)| {
            e.cluster == cluster
                && !self.planned.contains_key(*key)
                && !self.destroyed.contains(*key)
                && !new_names.contains(e.name.as_str())
        });
        let mut nodes = Some(0u64);
        let mut pools = 0usize;
        for (_, e) in untouched {
            nodes = nodes.map(|n| n.saturating_add(e.nodes));
            pools += 1;
        }
        for p in planned {
            nodes = nodes.zip(p.nodes).map(|(a, b)| a.saturating_add(b));
            pools += 1;
        }
        Totals { nodes, pools }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    type L = PoolLedger<String>;

    #[test]
    fn existing_pools_count_until_the_plan_touches_them() {
        let mut l = L::new();
        l.set_existing(
            "c",
            [
                ("np1".into(), "a".into(), 10),
                ("np2".into(), "b".into(), 20),
            ],
        );
        assert_eq!(
            l.totals("c"),
            Totals {
                nodes: Some(30),
                pools: 2
            }
        );
        // Renamed and resized in the same plan: counted once, at the new size.
        l.plan("np1".into(), "c", "a2", Some(5), true);
        assert_eq!(
            l.totals("c"),
            Totals {
                nodes: Some(25),
                pools: 2
            }
        );
        // Destroyed: subtracted.
        l.destroy("np2".into());
        assert_eq!(
            l.totals("c"),
            Totals {
                nodes: Some(5),
                pools: 1
            }
        );
        // Moved to another cluster: counted there only.
        l.plan("np1".into(), "d", "a2", Some(5), true);
        assert_eq!(
            l.totals("c"),
            Totals {
                nodes: Some(0),
                pools: 0
            }
        );
        assert_eq!(
            l.totals("d"),
            Totals {
                nodes: Some(5),
                pools: 1
            }
        );
    }

    #[test]
    fn a_new_pool_created_earlier_in_the_apply_counts_once() {
        let mut l = L::new();
        l.plan("new:c/a".into(), "c", "a", Some(7), false);
        l.set_existing("c", [("np9".into(), "a".into(), 7)]);
        assert_eq!(
            l.totals("c"),
            Totals {
                nodes: Some(7),
                pools: 1
            }
        );
    }

    #[test]
    fn unknown_sizes_make_the_total_unknown() {
        let mut l = L::new();
        l.plan("x".into(), "c", "x", None, false);
        assert_eq!(
            l.totals("c"),
            Totals {
                nodes: None,
                pools: 1
            }
        );
    }

    /// Events a plan can send, over a small space of pools and clusters.
    #[derive(Debug, Clone)]
    enum Event {
        Plan {
            pool: u8,
            cluster: u8,
            nodes: Option<u8>,
        },
        Destroy {
            pool: u8,
        },
        Forget {
            pool: u8,
        },
    }

    fn event() -> impl Strategy<Value = Event> {
        prop_oneof![
            (0..6u8, 0..3u8, proptest::option::weighted(0.9, 0..50u8)).prop_map(
                |(pool, cluster, nodes)| Event::Plan {
                    pool,
                    cluster,
                    nodes
                }
            ),
            (0..6u8).prop_map(|pool| Event::Destroy { pool }),
            (0..6u8).prop_map(|pool| Event::Forget { pool }),
        ]
    }

    proptest! {
        /// Whatever the order of plan events (re-plans, renames, moves,
        /// destroys), the totals equal a direct count of the final picture:
        /// the last word on each pool wins.
        #[test]
        fn totals_match_the_last_word_on_each_pool(
            existing in proptest::collection::vec((0..3u8, 0..50u8), 0..6),
            events in proptest::collection::vec(event(), 0..40),
        ) {
            let mut l = L::new();
            for c in 0..3u8 {
                l.set_existing(
                    &format!("c{c}"),
                    existing.iter().enumerate().filter(|(_, (ec, _))| *ec == c)
                        .map(|(i, (_, n))| (format!("p{i}"), format!("name{i}"), u64::from(*n))),
                );
            }
            // The model: the final fate of every pool.
            #[derive(Clone, Copy, PartialEq)]
            enum Fate { Untouched, Planned(u8, Option<u8>), Destroyed }
            let mut fate = [Fate::Untouched; 6];
            for e in &events {
                match *e {
                    Event::Plan { pool, cluster, nodes } => {
                        l.plan(format!("p{pool}"), &format!("c{cluster}"), &format!("name{pool}"),
                            nodes.map(u64::from), (pool as usize) < existing.len());
                        fate[pool as usize] = Fate::Planned(cluster, nodes);
                    }
                    Event::Destroy { pool } => {
                        l.destroy(format!("p{pool}"));
                        fate[pool as usize] = Fate::Destroyed;
                    }
                    Event::Forget { pool } => {
                        l.forget(&format!("p{pool}"));
                        fate[pool as usize] = Fate::Untouched;
                    }
                }
            }
            for c in 0..3u8 {
                let mut nodes = Some(0u64);
                let mut pools = 0;
                for (i, f) in fate.iter().enumerate() {
                    match *f {
                        Fate::Untouched => {
                            if let Some((ec, n)) = existing.get(i) {
                                if *ec == c { nodes = nodes.map(|x| x + u64::from(*n)); pools += 1; }
                            }
                        }
                        Fate::Planned(pc, n) if pc == c => {
                            nodes = nodes.zip(n).map(|(a, b)| a + u64::from(b));
                            pools += 1;
                        }
                        _ => {}
                    }
                }
                prop_assert_eq!(l.totals(&format!("c{c}")), Totals { nodes, pools });
            }
        }
    }
}
