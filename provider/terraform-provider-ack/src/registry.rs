//! The per-process plan registry (DESIGN §6). Terraform plans a resource
//! after the resources it references, in one provider process: each
//! `ack_cluster` plan records its name's planned edition, and dependents look
//! their `cluster_name` up here before asking the API. Node pools record
//! their planned sizes per cluster, keyed by pool name, so that re-plans
//! replace rather than add.

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

use ack_api::edition::Edition;

/// What a cluster's plan says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedCluster {
    /// `None` while the edition is not known at plan time: checks that need
    /// it are skipped (the API still enforces them at apply).
    pub edition: Option<&'static Edition>,
    /// ID of an existing cluster (an update), so that dependents follow a
    /// rename planned in the same run; `None` for a new cluster.
    pub id: Option<String>,
}

#[derive(Debug, Default)]
pub struct Registry {
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    clusters: HashMap<String, PlannedCluster>,
    /// cluster name → pool name → planned nodes (None: not known at plan).
    pools: HashMap<String, BTreeMap<String, Option<u64>>>,
}

impl Registry {
    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Records (or replaces) a cluster's planned edition.
    pub fn plan_cluster(&self, name: &str, edition: Option<&'static Edition>, id: Option<String>) {
        self.lock()
            .clusters
            .insert(name.to_owned(), PlannedCluster { edition, id });
    }

    /// Forgets a cluster planned for destruction.
    pub fn forget_cluster(&self, name: &str) {
        self.lock().clusters.remove(name);
    }

    pub fn cluster(&self, name: &str) -> Option<PlannedCluster> {
        self.lock().clusters.get(name).cloned()
    }

    /// Records (or replaces) a pool's planned size; returns the planned total
    /// of the cluster's pools, `None` when some size is unknown.
    pub fn plan_pool(&self, cluster: &str, pool: &str, nodes: Option<u64>) -> Option<u64> {
        let mut inner = self.lock();
        let pools = inner.pools.entry(cluster.to_owned()).or_default();
        pools.insert(pool.to_owned(), nodes);
        pools.values().try_fold(0u64, |acc, n| n.map(|n| acc + n))
    }

    /// Pool names planned for a cluster.
    pub fn pool_names(&self, cluster: &str) -> Vec<String> {
        self.lock()
            .pools
            .get(cluster)
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default()
    }

    /// Forgets a pool (destroyed, renamed or moved to another cluster).
    pub fn forget_pool(&self, cluster: &str, pool: &str) {
        if let Some(p) = self.lock().pools.get_mut(cluster) {
            p.remove(pool);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ack_api::edition::{get, EditionId};

    #[test]
    fn replans_replace_and_removals_forget() {
        let r = Registry::default();
        assert_eq!(r.plan_pool("c", "a", Some(60)), Some(60));
        assert_eq!(r.plan_pool("c", "b", Some(30)), Some(90));
        // Terraform plans `a` again during apply: replaced, not added.
        assert_eq!(r.plan_pool("c", "a", Some(50)), Some(80));
        r.forget_pool("c", "b");
        assert_eq!(r.plan_pool("c", "a", Some(50)), Some(50));
        assert_eq!(
            r.plan_pool("c", "u", None),
            None,
            "an unknown size makes the total unknown"
        );
        assert_eq!(r.plan_pool("other", "a", Some(1)), Some(1));
    }

    #[test]
    fn clusters_by_name() {
        let r = Registry::default();
        assert!(r.cluster("x").is_none());
        r.plan_cluster("x", Some(get(EditionId::Standard)), None);
        r.plan_cluster("x", Some(get(EditionId::Pro)), None);
        assert_eq!(
            r.cluster("x").and_then(|c| c.edition).map(|e| e.id),
            Some(EditionId::Pro)
        );
        r.plan_cluster("x", None, None);
        assert_eq!(
            r.cluster("x").map(|c| c.edition),
            Some(None),
            "known to be planned, edition unknown"
        );
        r.forget_cluster("x");
        assert!(r.cluster("x").is_none());
    }

    #[test]
    fn concurrent_plans() {
        let r = std::sync::Arc::new(Registry::default());
        let handles: Vec<_> = (0..8)
            .map(|i| {
                let r = r.clone();
                std::thread::spawn(move || {
                    for j in 0..100 {
                        r.plan_pool("c", &format!("p{i}"), Some(j));
                    }
                })
            })
            .collect();
        for h in handles {
            h.join().unwrap();
        }
        assert_eq!(r.plan_pool("c", "p0", Some(99)), Some(8 * 99));
    }
}
