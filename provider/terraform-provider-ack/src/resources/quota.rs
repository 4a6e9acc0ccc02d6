//! Quotas at plan time (DescribeUserQuota): clusters of the account and node
//! pools per cluster, counting what exists and what this plan creates,
//! destroys or moves — so a configuration over quota stops before anything
//! is created instead of half-way through the apply.

use ack_api::model::UserQuota;
use tfplugin::{AttributePath, Diagnostic, Diagnostics};
use tokio_util::sync::CancellationToken;

use crate::shared::Shared;

/// The account's quotas, read once per process. When they cannot be read
/// the answer is a warning naming the checks that could not run.
pub async fn quotas(shared: &Shared, cancel: &CancellationToken) -> Result<UserQuota, Diagnostic> {
    let read = shared
        .quota
        .get_or_init(|| async {
            match shared.plan_client() {
                Ok(client) => client.user_quota(cancel).await.map_err(|e| {
                    shared.plan_lookup_failed(&e);
                    e.to_string()
                }),
                Err(why) => Err(why),
            }
        })
        .await;
    read.clone().map_err(|why| {
        Diagnostic::warning(
            "Quota checks skipped",
            format!(
                "The account's quotas (clusters, node pools per cluster) could not be read with DescribeUserQuota: \
                 {why}. The plan was not checked against them; the API still enforces them at apply."
            ),
        )
    })
}

/// Refuses a plan that gives cluster `cluster` more node pools than the quota.
pub fn check_node_pools(q: &UserQuota, cluster: &str, pools: usize, d: &mut Diagnostics) {
    if let Some(max) = q.node_pools_per_cluster() {
        if pools as u64 > max {
            d.push(
                Diagnostic::error(
                    "Node pool quota exceeded",
                    format!(
                        "Cluster {cluster:?} would have {pools} node pools; the account's quota is {max} node pools per \
                         cluster (DescribeUserQuota cluster_nodepool_quota). Remove node pools from the configuration, \
                         or raise the quota in the Quota Center first."
                    ),
                )
                .at(AttributePath::attr("cluster_name")),
            );
        }
    }
}

/// Refuses a plan that gives the account more clusters than the quota.
pub fn check_clusters(q: &UserQuota, clusters: usize, d: &mut Diagnostics) {
    if let Some(max) = q.managed_clusters() {
        if clusters as u64 > max {
            d.push(
                Diagnostic::error(
                    "Cluster quota exceeded",
                    format!(
                        "The region would have {clusters} managed clusters; the quota is {max} (DescribeUserQuota: \
                         the smaller of cluster_quota and amk_cluster_quota). Remove clusters from the configuration, \
                         or raise the quota in the Quota Center first."
                    ),
                )
                .at(AttributePath::attr("name")),
            );
        }
    }
}

/// The cluster-quota check of a plan that creates a cluster: the region's
/// clusters (one shared listing per plan) with this plan's creates and
/// destroys, against the quota.
pub async fn check_new_cluster(shared: &Shared, cancel: &CancellationToken, d: &mut Diagnostics) {
    let q = match quotas(shared, cancel).await {
        Ok(q) => q,
        Err(w) => return d.push(w),
    };
    if q.managed_clusters().is_none() {
        return;
    }
    let listing = match shared.plan_client() {
        Ok(client) => client.clusters(cancel).await.map_err(|e| {
            shared.plan_lookup_failed(&e);
            e.to_string()
        }),
        Err(why) => Err(why),
    };
    match listing {
        Ok(existing) => check_clusters(&q, shared.registry.cluster_count(&existing), d),
        Err(why) => d.push(Diagnostic::warning(
            "Cluster quota check skipped",
            format!(
                "The region's clusters could not be listed: {why}. The plan was not checked against the cluster \
                 quota; the API still enforces it at apply."
            ),
        )),
    }
}

/// The quota checks again at apply, for clients that create without
/// planning (Pulumi's bridge): what exists now plus the object about to be
/// created, with the plan's diagnostics. Skipped (the API still enforces the
/// quota) when the quotas or the listing cannot be read.
pub async fn at_apply(
    shared: &Shared,
    client: &ack_client::Client,
    new_pool_of: Option<(&str, &str)>,
    cancel: &CancellationToken,
) -> Diagnostics {
    let mut d = Diagnostics::new();
    let Ok(q) = quotas(shared, cancel).await else {
        return d;
    };
    match new_pool_of {
        Some((cluster_id, cluster_name)) => {
            if q.node_pools_per_cluster().is_some() {
                if let Ok(pools) = client.node_pools(cluster_id, cancel).await {
                    check_node_pools(&q, cluster_name, pools.len() + 1, &mut d);
                }
            }
        }
        None => {
            if q.managed_clusters().is_some() {
                if let Ok(clusters) = client.clusters(cancel).await {
                    check_clusters(&q, clusters.len() + 1, &mut d);
                }
            }
        }
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn over_quota_is_an_error_at_quota_is_fine() {
        let q = UserQuota {
            cluster_quota: Some(2),
            cluster_nodepool_quota: Some(20),
            ..Default::default()
        };
        let mut d = Diagnostics::new();
        check_node_pools(&q, "c", 20, &mut d);
        check_clusters(&q, 2, &mut d);
        assert!(!d.has_errors());
        check_node_pools(&q, "c", 21, &mut d);
        check_clusters(&q, 3, &mut d);
        assert_eq!(d.into_iter().filter(Diagnostic::is_error).count(), 2);
        // No quota known: nothing to check.
        let mut d = Diagnostics::new();
        check_node_pools(&UserQuota::default(), "c", 1000, &mut d);
        assert!(!d.has_errors());
    }
}
