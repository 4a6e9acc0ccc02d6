//! Cluster operations.

use std::time::{Duration, Instant};

use futures::FutureExt;
use tokio_util::sync::CancellationToken;

use super::create::{tag_token, CreateKind};
use super::reads::{After, Changes};
use super::{Client, Error, Result, CREATE_TOKEN_TAG};
use ack_api::lifecycle;
use ack_api::model::{
    ClusterDetail, ClusterList, CreateClusterRequest, MigrateClusterRequest, ModifyClusterRequest,
    Tag, TaskInfo, UpgradeClusterRequest,
};
use ack_api::request::ApiRequest;

/// Key of the region's cluster listing in the shared reads.
pub(crate) const REGION: &str = "";

/// Clusters per page of DescribeClustersV1 (the service's maximum).
const PAGE_SIZE: u32 = 100;

impl Client {
    /// Creates a cluster exactly once, even when responses are lost or
    /// Terraform cancels: the request carries `token` as a tag; the request
    /// is never abandoned once sent, and after an ambiguous failure the
    /// client looks for a cluster with that tag (also after cancellation,
    /// for a bounded time) before anything else.
    pub async fn create_cluster(
        &self,
        req: &CreateClusterRequest,
        token: &str,
        cancel: &CancellationToken,
    ) -> Result<(String, Option<String>)> {
        let mut req = req.clone();
        req.region_id.clone_from(&self.cfg.region);
        tag_token(&mut req.tags, token);
        let api = ApiRequest::create_cluster(&req);
        let kind = CreateKind {
            action: "CreateCluster",
            id: |r| r.cluster_id,
            maybe_ours: None,
        };
        let name = req.name.as_str();
        self.create_once(
            &api,
            kind,
            cancel,
            Changes::Clusters,
            |client, never| async move {
                let found = client.find_cluster_by_token(name, token, &never).await?;
                Ok(found.map(|c| c.cluster_id))
            },
        )
        .await
    }

    async fn find_cluster_by_token(
        &self,
        name: &str,
        token: &str,
        cancel: &CancellationToken,
    ) -> Result<Option<ClusterDetail>> {
        let list: ClusterList = self
            .json(
                &ApiRequest::list_clusters()
                    .with_query("name", name)
                    .with_query("page_size", PAGE_SIZE.to_string()),
                cancel,
            )
            .await?;
        Ok(list.clusters.into_iter().find(|c| {
            c.tags
                .iter()
                .any(|t| t.key == CREATE_TOKEN_TAG && t.value == token)
        }))
    }

    /// The cluster, or `None` when it does not exist.
    pub async fn describe_cluster(
        &self,
        id: &str,
        cancel: &CancellationToken,
    ) -> Result<Option<ClusterDetail>> {
        match self.json(&ApiRequest::describe_cluster(id), cancel).await {
            Ok(c) => Ok(Some(c)),
            Err(e) if e.is_not_found() => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Every cluster of the region, read once and shared: by concurrent
    /// callers, and by later ones until this process changes a cluster (or
    /// the listing is a minute old). Planning many resources costs one call.
    pub async fn clusters(
        &self,
        cancel: &CancellationToken,
    ) -> Result<std::sync::Arc<Vec<ClusterDetail>>> {
        let this = self.clone();
        let cancel = cancel.clone();
        let (r, _) = self
            .clusters
            .get(REGION, After::default(), move || {
                async move { this.all_clusters(&cancel).await }.boxed()
            })
            .await;
        r
    }

    async fn all_clusters(&self, cancel: &CancellationToken) -> Result<Vec<ClusterDetail>> {
        let mut out = Vec::new();
        for page in 1u32.. {
            let req = ApiRequest::list_clusters()
                .with_query("region_id", self.cfg.region.clone())
                .with_query("page_size", PAGE_SIZE.to_string())
                .with_query("page_number", page.to_string());
            let list: ClusterList = self.json(&req, cancel).await?;
            let n = list.clusters.len();
            out.extend(list.clusters);
            if n < PAGE_SIZE as usize || out.len() as u64 >= list.page_info.total_count {
                break;
            }
        }
        Ok(out)
    }

    /// The cluster named exactly `name` in this region (from the shared
    /// listing of the region's clusters).
    pub async fn find_cluster(
        &self,
        name: &str,
        cancel: &CancellationToken,
    ) -> Result<Option<ClusterDetail>> {
        Ok(self
            .clusters(cancel)
            .await?
            .iter()
            .find(|c| c.name == name)
            .cloned())
    }

    /// Runs a change to cluster `id`; after an ambiguous failure the change
    /// took effect if the cluster is already `done`.
    async fn cluster_change(
        &self,
        id: &str,
        req: &ApiRequest,
        cancel: &CancellationToken,
        done: impl Fn(&ClusterDetail) -> bool,
    ) -> Result<Option<String>> {
        self.mutate(req, Changes::Clusters, cancel, || async {
            Ok(self
                .describe_cluster(id, cancel)
                .await?
                .is_some_and(|c| done(&c)))
        })
        .await
    }

    pub async fn modify_cluster(
        &self,
        id: &str,
        req: &ModifyClusterRequest,
        cancel: &CancellationToken,
    ) -> Result<Option<String>> {
        let want = req.clone();
        let api = ApiRequest::modify_cluster(id, req);
        self.cluster_change(id, &api, cancel, |c| {
            want.cluster_name.as_ref().is_none_or(|n| *n == c.name)
                && want
                    .deletion_protection
                    .is_none_or(|p| p == c.deletion_protection)
                && want
                    .maintenance_window
                    .as_ref()
                    .is_none_or(|w| *w == c.maintenance_window)
        })
        .await
    }

    pub async fn set_tags(
        &self,
        id: &str,
        tags: &[Tag],
        cancel: &CancellationToken,
    ) -> Result<Option<String>> {
        let want = tags.to_vec();
        let api = ApiRequest::modify_tags(id, &want);
        self.cluster_change(id, &api, cancel, |c| c.tags == want)
            .await
    }

    pub async fn migrate_to_pro(
        &self,
        id: &str,
        cancel: &CancellationToken,
    ) -> Result<Option<String>> {
        let req = MigrateClusterRequest {
            cluster_type: Some("ManagedKubernetes".into()),
            spec: Some("ack.pro.small".into()),
        };
        let api = ApiRequest::migrate_cluster(id, &req);
        self.cluster_change(id, &api, cancel, |c| {
            c.state == "migrating" || c.cluster_spec.starts_with("ack.pro.")
        })
        .await
    }

    pub async fn upgrade_cluster(
        &self,
        id: &str,
        version: &str,
        cancel: &CancellationToken,
    ) -> Result<Option<String>> {
        // The control plane only: node pools follow through
        // UpgradeClusterNodepool (their own `kubernetes_version`).
        let req = UpgradeClusterRequest {
            next_version: version.into(),
            master_only: true,
        };
        let api = ApiRequest::upgrade_cluster(id, &req);
        self.cluster_change(id, &api, cancel, |c| {
            c.next_version == version || c.current_version == version
        })
        .await
    }

    pub async fn delete_cluster(
        &self,
        id: &str,
        cancel: &CancellationToken,
    ) -> Result<Option<String>> {
        self.delete_cluster_with(id, &[], cancel).await
    }

    /// DeleteCluster with what to do of the resources the cluster made.
    pub async fn delete_cluster_with(
        &self,
        id: &str,
        options: &[ack_api::model::DeleteOption],
        cancel: &CancellationToken,
    ) -> Result<Option<String>> {
        let req = ApiRequest::delete_cluster_with(id, options);
        let r = self
            .mutate(&req, Changes::Clusters, cancel, || async {
                Ok(self
                    .describe_cluster(id, cancel)
                    .await?
                    .is_none_or(|c| c.state == "deleting"))
            })
            .await;
        match r {
            Err(e) if e.is_not_found() => Ok(None),
            other => other,
        }
    }

    pub async fn task(&self, id: &str, cancel: &CancellationToken) -> Result<TaskInfo> {
        self.json(&ApiRequest::describe_task(id), cancel).await
    }

    /// Polls until `done(cluster)` holds (`None` = cluster gone), with
    /// backoff, for at most `timeout` (and never past the client's deadline).
    pub async fn wait_cluster<F>(
        &self,
        id: &str,
        what: &str,
        timeout: Duration,
        cancel: &CancellationToken,
        done: F,
    ) -> Result<Option<ClusterDetail>>
    where
        F: Fn(Option<&ClusterDetail>) -> Result<bool>,
    {
        let waiter = self.until(timeout);
        let start = Instant::now();
        let mut delay = Duration::from_millis(50);
        loop {
            let c = waiter.describe_cluster(id, cancel).await?;
            if done(c.as_ref())? {
                return Ok(c);
            }
            let state = c.as_ref().map_or("gone", |c| c.state.as_str());
            let waiting = format!(
                "{what} (cluster {id} is {state} after {})",
                super::human(start.elapsed())
            );
            waiter.pause(cancel, delay, &waiting, None).await?;
            delay = (delay * 2).min(Duration::from_secs(5));
        }
    }

    /// Waits until the cluster is `running` again after a change.
    pub async fn wait_running(
        &self,
        id: &str,
        timeout: Duration,
        cancel: &CancellationToken,
    ) -> Result<ClusterDetail> {
        let c = self
            .wait_cluster(
                id,
                "the cluster to be running",
                timeout,
                cancel,
                |c| match c {
                    None => Err(Error::Failed(format!("cluster {id} disappeared"))),
                    Some(c) if lifecycle::CLUSTER_FAILED.contains(&c.state.as_str()) => {
                        Err(Error::Failed(format!("cluster {id} is {}", c.state)))
                    }
                    Some(c) => Ok(c.state == lifecycle::CLUSTER_RUNNING),
                },
            )
            .await?;
        c.ok_or_else(|| Error::Failed(format!("cluster {id} disappeared")))
    }
}
