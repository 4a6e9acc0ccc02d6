//! UpgradeClusterNodepool: a node pool's Kubernetes version (with its OS
//! image and container runtime when asked), sent once under the retry
//! policy and waited for like every pool operation.

use std::time::Duration;

use tokio_util::sync::CancellationToken;

use super::{Client, Error, Result, Until};
use ack_api::model::{NodePoolDetail, UpgradeNodePoolRequest};
use ack_api::request::ApiRequest;

impl Client {
    /// Upgrades the pool's nodes and waits, for at most `timeout`, until the
    /// pool is active again; answers the pool as it then is. A send whose
    /// answer was lost counts as sent once the pool is upgrading or already
    /// runs the version asked for. The upgrade failing, or the pool settling
    /// at another version, is an error that says which.
    pub async fn upgrade_node_pool(
        &self,
        cluster_id: &str,
        pool_id: &str,
        req: &UpgradeNodePoolRequest,
        timeout: Duration,
        cancel: &CancellationToken,
    ) -> Result<NodePoolDetail> {
        let want = req.kubernetes_version.clone();
        let task = self
            .pool_change(
                cluster_id,
                pool_id,
                &ApiRequest::upgrade_node_pool(cluster_id, pool_id, req),
                cancel,
                |p| want.is_some() && p.kubelet_version() == want.as_deref(),
            )
            .await?;
        let pool = self
            .wait_node_pool(
                cluster_id,
                pool_id,
                Until::Active,
                task.as_deref(),
                timeout,
                cancel,
            )
            .await?
            .ok_or_else(|| Error::Failed(format!("node pool {pool_id} disappeared")))?;
        match (&want, pool.kubelet_version()) {
            (Some(w), Some(now)) if w != now => Err(Error::Failed(format!(
                "node pool {pool_id} is active again but its nodes run Kubernetes {now}, not {w}"
            ))),
            _ => Ok(pool),
        }
    }
}
