//! The states the service reports for clusters and node pools, and what
//! they mean to a client: settled (nothing in progress), failed (no wait
//! can succeed), or settling (an operation is still running, so computed
//! values such as the node count are about to change).

/// A cluster with nothing in progress.
pub const CLUSTER_RUNNING: &str = "running";
/// A node pool with nothing in progress.
pub const POOL_ACTIVE: &str = "active";

/// Cluster states from which no wait for `running` can succeed.
pub const CLUSTER_FAILED: &[&str] = &["failed", "delete_failed", "deleted"];
/// Node pool states from which no wait for `active` can succeed.
pub const POOL_FAILED: &[&str] = &["failed", "error", "deleting", "removing_failed"];

/// Whether a cluster in `state` is still changing (created, updated,
/// migrated, upgraded): neither running nor failed.
pub fn cluster_settling(state: &str) -> bool {
    state != CLUSTER_RUNNING && !CLUSTER_FAILED.contains(&state)
}

/// Whether a node pool in `state` is still changing (created, scaled,
/// updated): neither active nor failed.
pub fn pool_settling(state: &str) -> bool {
    state != POOL_ACTIVE && !POOL_FAILED.contains(&state)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settling_is_neither_settled_nor_failed() {
        for s in [
            "initial",
            "scaling",
            "updating",
            "removing",
            "upgrading",
            "migrating",
        ] {
            assert!(pool_settling(s) || cluster_settling(s), "{s}");
        }
        assert!(!pool_settling("active") && !pool_settling("failed"));
        assert!(!cluster_settling("running") && !cluster_settling("failed"));
        assert!(cluster_settling("initial") && pool_settling("scaling"));
    }
}
