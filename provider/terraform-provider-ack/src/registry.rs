//! The per-process plan registry (DESIGN §6). Terraform plans a resource
//! after the resources it references, in one provider process: each
//! `ack_cluster` plan records its name's planned edition, and dependents look
//! their `cluster_name` up here before asking the API.
//!
//! Node pools are kept in a [`PoolLedger`] — the same rule `check` uses:
//! keyed by node pool ID where the pool exists (so a rename or a move in the
//! same plan is counted once, where it goes), by cluster and name for a new
//! pool; pools destroyed by the plan are subtracted; a re-plan (Terraform
//! plans again during apply) replaces, never adds.

use std::collections::{BTreeSet, HashMap};
use std::sync::Mutex;

use ack_api::capacity::{PoolLedger, Totals};
use ack_api::edition::Edition;
use ack_api::model::{ClusterDetail, NodePoolDetail};

use crate::claims::{Holder, NameClaims, Taken};

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

/// How the registry knows a node pool.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum PoolKey {
    /// An existing pool, by node pool ID.
    Id(String),
    /// A pool still to be created, by cluster name and pool name.
    New { cluster: String, name: String },
}

#[derive(Debug, Default)]
pub struct Registry {
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    clusters: HashMap<String, PlannedCluster>,
    /// IDs of clusters the plan destroys.
    destroyed_clusters: BTreeSet<String>,
    pools: PoolLedger<PoolKey>,
    /// The addons each cluster planned here is created with (its network
    /// plugin included), by cluster name.
    cluster_addons: HashMap<String, Vec<String>>,
    /// The Kubernetes version each cluster planned here will run after this
    /// apply (`None`: not known at plan time), for its pools' skew check.
    cluster_versions: HashMap<String, Option<String>>,
    /// Cluster names claimed in the region by this plan.
    cluster_names: NameClaims,
    /// Node pool names claimed in each cluster (by cluster name).
    pool_names: HashMap<String, NameClaims>,
    /// Node pools read from Terraform's state by this process: objects a
    /// resource of this configuration holds (possibly tainted, which
    /// Terraform plans as a create of a new object).
    refreshed_pools: BTreeSet<String>,
}

impl Registry {
    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Records (or replaces) a cluster's planned edition.
    pub fn plan_cluster(&self, name: &str, edition: Option<&'static Edition>, id: Option<String>) {
        let mut inner = self.lock();
        if let Some(id) = &id {
            inner.destroyed_clusters.remove(id);
        }
        inner
            .clusters
            .insert(name.to_owned(), PlannedCluster { edition, id });
    }

    /// Records a cluster the plan destroys. The name's plan is forgotten
    /// unless it belongs to another object (a replacement created first).
    pub fn destroy_cluster(&self, name: &str, id: Option<&str>) {
        let mut inner = self.lock();
        let other_object = inner
            .clusters
            .get(name)
            .is_some_and(|p| id.is_some() && p.id.as_deref() != id);
        if !other_object {
            inner.clusters.remove(name);
        }
        if let Some(id) = id {
            inner.destroyed_clusters.insert(id.to_owned());
        }
    }

    /// Claims `name` for a cluster: an existing one (`id`; `replaced` when
    /// this plan replaces it, so its replacement takes the name over) or a
    /// new one. Two clusters of one plan with one name are refused.
    pub fn claim_cluster_name(
        &self,
        name: &str,
        id: Option<&str>,
        replaced: bool,
    ) -> Result<Holder, Taken> {
        let mut inner = self.lock();
        match id {
            Some(id) => inner
                .cluster_names
                .existing(name, id, replaced)
                .map(|()| Holder::Existing(id.to_owned())),
            None => inner.cluster_names.new_object(name),
        }
    }

    /// Claims `name` for a node pool of the cluster named `cluster`, as
    /// [`Registry::claim_cluster_name`] does for clusters.
    pub fn claim_pool_name(
        &self,
        cluster: &str,
        name: &str,
        id: Option<&str>,
        replaced: bool,
    ) -> Result<Holder, Taken> {
        let mut inner = self.lock();
        let claims = inner.pool_names.entry(cluster.to_owned()).or_default();
        match id {
            Some(id) => claims
                .existing(name, id, replaced)
                .map(|()| Holder::Existing(id.to_owned())),
            None => claims.new_object(name),
        }
    }

    /// Records the addons the cluster planned as `name` is created with.
    pub fn plan_cluster_addons(&self, name: &str, addons: Vec<String>) {
        self.lock().cluster_addons.insert(name.to_owned(), addons);
    }

    /// The addons the cluster planned as `name` is created with; empty for
    /// a cluster not planned in this run.
    pub fn cluster_addons(&self, name: &str) -> Vec<String> {
        self.lock()
            .cluster_addons
            .get(name)
            .cloned()
            .unwrap_or_default()
    }

    /// Records the Kubernetes version the cluster planned as `name` will run.
    pub fn plan_cluster_version(&self, name: &str, version: Option<String>) {
        self.lock()
            .cluster_versions
            .insert(name.to_owned(), version);
    }

    /// The Kubernetes version the cluster planned as `name` will run:
    /// `None` for a cluster not planned in this run, `Some(None)` when its
    /// version is not known at plan time.
    pub fn cluster_version(&self, name: &str) -> Option<Option<String>> {
        self.lock().cluster_versions.get(name).cloned()
    }

    /// A node pool of Terraform's state was read (refreshed) as `id`.
    pub fn pool_refreshed(&self, id: &str) {
        self.lock().refreshed_pools.insert(id.to_owned());
    }

    /// Whether the node pool `id` is in Terraform's state (read by this
    /// process), so that a new pool's name may be its replacement's.
    pub fn pool_was_refreshed(&self, id: &str) -> bool {
        self.lock().refreshed_pools.contains(id)
    }

    /// The new cluster planned as `name` was created as `id`.
    pub fn cluster_created(&self, name: &str, id: &str) {
        self.lock().cluster_names.created(name, id);
    }

    pub fn cluster(&self, name: &str) -> Option<PlannedCluster> {
        self.lock().clusters.get(name).cloned()
    }

    /// How many clusters the region will have: those that exist, less the
    /// destroyed, plus the new ones planned here (a new cluster already in
    /// the listing was created earlier in this apply and counts once).
    pub fn cluster_count(&self, existing: &[ClusterDetail]) -> usize {
        let inner = self.lock();
        let alive = existing
            .iter()
            .filter(|c| !inner.destroyed_clusters.contains(&c.cluster_id))
            .count();
        let new = inner
            .clusters
            .iter()
            .filter(|(name, p)| p.id.is_none() && !existing.iter().any(|c| &c.name == *name))
            .count();
        alive + new
    }

    /// Records what exists in the cluster planned as `cluster` (a listing).
    pub fn pools_exist(&self, cluster: &str, pools: &[NodePoolDetail]) {
        self.lock().pools.set_existing(
            cluster,
            pools.iter().map(|p| {
                (
                    PoolKey::Id(p.nodepool_info.nodepool_id.clone()),
                    p.nodepool_info.name.clone(),
                    p.max_nodes(),
                )
            }),
        );
    }

    /// Records (or replaces) a pool's plan: `nodes` is its planned size,
    /// `None` when not known at plan time.
    pub fn plan_pool(&self, key: PoolKey, cluster: &str, name: &str, nodes: Option<u64>) {
        let existing = matches!(key, PoolKey::Id(_));
        self.lock().pools.plan(key, cluster, name, nodes, existing);
    }

    /// Records a pool the plan destroys.
    pub fn destroy_pool(&self, key: PoolKey) {
        self.lock().pools.destroy(key);
    }

    /// A new pool was created as `id`: its plan is now the object's.
    pub fn pool_created(&self, cluster: &str, name: &str, id: &str, nodes: Option<u64>) {
        let mut inner = self.lock();
        inner
            .pool_names
            .entry(cluster.to_owned())
            .or_default()
            .created(name, id);
        inner.pools.forget(&PoolKey::New {
            cluster: cluster.to_owned(),
            name: name.to_owned(),
        });
        inner
            .pools
            .plan(PoolKey::Id(id.to_owned()), cluster, name, nodes, true);
    }

    /// The pool `id` was deleted (also by a client that never planned the
    /// delete, such as Pulumi's bridge): it counts nowhere any more.
    pub fn pool_deleted(&self, cluster: &str, name: &str, id: &str) {
        let mut inner = self.lock();
        inner.pools.forget(&PoolKey::New {
            cluster: cluster.to_owned(),
            name: name.to_owned(),
        });
        inner.pools.destroy(PoolKey::Id(id.to_owned()));
    }

    /// The cluster's pools once the plan is applied.
    pub fn pool_totals(&self, cluster: &str) -> Totals {
        self.lock().pools.totals(cluster)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ack_api::edition::{get, EditionId};
    use ack_api::model::{NodePoolInfo, ScalingGroup};

    fn existing(id: &str, name: &str, nodes: u64) -> NodePoolDetail {
        NodePoolDetail {
            nodepool_info: NodePoolInfo {
                nodepool_id: id.into(),
                name: name.into(),
                ..Default::default()
            },
            scaling_group: ScalingGroup {
                desired_size: Some(nodes),
                ..Default::default()
            },
            ..Default::default()
        }
    }

    fn new(cluster: &str, name: &str) -> PoolKey {
        PoolKey::New {
            cluster: cluster.into(),
            name: name.into(),
        }
    }

    #[test]
    fn replans_replace_and_destroys_subtract() {
        let r = Registry::default();
        r.plan_pool(new("c", "a"), "c", "a", Some(60));
        r.plan_pool(new("c", "b"), "c", "b", Some(30));
        assert_eq!(r.pool_totals("c").nodes, Some(90));
        // Terraform plans `a` again during apply: replaced, not added.
        r.plan_pool(new("c", "a"), "c", "a", Some(50));
        assert_eq!(r.pool_totals("c").nodes, Some(80));
        r.plan_pool(new("c", "u"), "c", "u", None);
        assert_eq!(
            r.pool_totals("c").nodes,
            None,
            "an unknown size makes the total unknown"
        );
        assert_eq!(r.pool_totals("other").nodes, Some(0));
    }

    #[test]
    fn a_sibling_renamed_in_the_same_plan_counts_once() {
        let r = Registry::default();
        r.pools_exist(
            "c",
            &[existing("np1", "old", 40), existing("np2", "gone", 50)],
        );
        r.plan_pool(PoolKey::Id("np1".into()), "c", "new-name", Some(40));
        r.destroy_pool(PoolKey::Id("np2".into()));
        assert_eq!(
            r.pool_totals("c"),
            Totals {
                nodes: Some(40),
                pools: 1
            }
        );
    }

    #[test]
    fn created_then_deleted_without_a_plan_counts_nowhere() {
        let r = Registry::default();
        r.plan_pool(new("c", "a"), "c", "a", Some(60));
        r.pool_created("c", "a", "np1", Some(60));
        r.pools_exist("c", &[existing("np1", "a", 60)]);
        assert_eq!(
            r.pool_totals("c"),
            Totals {
                nodes: Some(60),
                pools: 1
            }
        );
        r.pool_deleted("c", "a", "np1");
        r.pools_exist("c", &[]);
        r.plan_pool(new("c", "b"), "c", "b", Some(60));
        assert_eq!(
            r.pool_totals("c"),
            Totals {
                nodes: Some(60),
                pools: 1
            }
        );
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
        r.destroy_cluster("x", None);
        assert!(r.cluster("x").is_none());
        // A replacement created before the old object is destroyed keeps its plan.
        r.plan_cluster("y", Some(get(EditionId::Pro)), None);
        r.destroy_cluster("y", Some("c-old"));
        assert!(r.cluster("y").is_some());
    }

    #[test]
    fn cluster_count_adds_new_and_subtracts_destroyed() {
        let r = Registry::default();
        let listing = |names: &[(&str, &str)]| -> Vec<ClusterDetail> {
            names
                .iter()
                .map(|(id, name)| ClusterDetail {
                    cluster_id: (*id).into(),
                    name: (*name).into(),
                    ..Default::default()
                })
                .collect()
        };
        let now = listing(&[("c1", "one"), ("c2", "two")]);
        r.plan_cluster("three", None, None);
        r.plan_cluster("one", None, Some("c1".into()));
        r.destroy_cluster("two", Some("c2"));
        assert_eq!(r.cluster_count(&now), 2);
        // After `three` was created in this apply it is in the listing: once.
        let later = listing(&[("c1", "one"), ("c2", "two"), ("c3", "three")]);
        assert_eq!(r.cluster_count(&later), 2);
    }

    #[test]
    fn names_are_claimed_once_per_scope() {
        let r = Registry::default();
        assert!(r.claim_cluster_name("a", None, false).is_ok());
        assert!(r.claim_cluster_name("a", None, false).is_err());
        assert!(r.claim_pool_name("a", "p", None, false).is_ok());
        assert!(
            r.claim_pool_name("b", "p", None, false).is_ok(),
            "another cluster"
        );
        assert!(r.claim_pool_name("a", "p", None, false).is_err());
        // A replaced pool hands its name to its replacement.
        assert!(r.claim_pool_name("a", "q", Some("np1"), true).is_ok());
        assert_eq!(
            r.claim_pool_name("a", "q", None, false),
            Ok(Holder::Replacement("np1".into()))
        );
    }

    #[test]
    fn concurrent_plans() {
        let r = std::sync::Arc::new(Registry::default());
        let handles: Vec<_> = (0..8)
            .map(|i| {
                let r = r.clone();
                std::thread::spawn(move || {
                    for j in 0..100 {
                        r.plan_pool(new("c", &format!("p{i}")), "c", &format!("p{i}"), Some(j));
                    }
                })
            })
            .collect();
        for h in handles {
            h.join().unwrap();
        }
        assert_eq!(r.pool_totals("c").nodes, Some(8 * 99));
    }
}
