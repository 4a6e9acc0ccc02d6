//! Node pool operations. Listings of a cluster's pools are shared between
//! readers under read-your-writes (see [`super::reads`]).

use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::FutureExt;
use tokio_util::sync::CancellationToken;

use super::create::{tag_token, CreateKind};
use super::reads::{After, Changes};
use super::{human, Client, Error, Result, CREATE_TOKEN_TAG};
use ack_api::lifecycle;
use ack_api::model::{NodeConfigRequest, NodePoolDetail, NodePoolList, NodePoolRequest};
use ack_api::request::ApiRequest;

/// What [`Client::wait_node_pool`] waits for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Until {
    /// The pool is `active` (after a create or an update).
    Active,
    /// The pool is gone (after a delete).
    Gone,
}

impl Client {
    /// All node pools of a cluster, from a listing sent after every write
    /// this process made to the cluster's pools. Concurrent and nearby
    /// callers share one listing: refreshing many pools costs one call.
    pub async fn node_pools(
        &self,
        cluster_id: &str,
        cancel: &CancellationToken,
    ) -> Result<Arc<Vec<NodePoolDetail>>> {
        self.node_pools_after(cluster_id, After::default(), cancel)
            .await
            .0
    }

    /// The pools of a cluster from a listing sent after `after` (and after
    /// this process's writes); also returns when that listing was sent.
    async fn node_pools_after(
        &self,
        cluster_id: &str,
        after: After,
        cancel: &CancellationToken,
    ) -> (Result<Arc<Vec<NodePoolDetail>>>, After) {
        let this = self.clone();
        let id = cluster_id.to_owned();
        let cancel = cancel.clone();
        self.pools
            .get(cluster_id, after, move || {
                async move {
                    this.json::<NodePoolList>(&ApiRequest::list_node_pools(&id), &cancel)
                        .await
                        .map(|l| l.nodepools)
                }
                .boxed()
            })
            .await
    }

    /// One node pool, or `None` when it (or its cluster) is gone.
    pub async fn node_pool(
        &self,
        cluster_id: &str,
        pool_id: &str,
        cancel: &CancellationToken,
    ) -> Result<Option<NodePoolDetail>> {
        self.node_pool_after(cluster_id, pool_id, After::default(), cancel)
            .await
            .0
    }

    async fn node_pool_after(
        &self,
        cluster_id: &str,
        pool_id: &str,
        after: After,
        cancel: &CancellationToken,
    ) -> (Result<Option<NodePoolDetail>>, After) {
        let (pools, sent) = self.node_pools_after(cluster_id, after, cancel).await;
        let found = match pools {
            Ok(pools) => Ok(pools
                .iter()
                .find(|p| p.nodepool_info.nodepool_id == pool_id)
                .cloned()),
            Err(e) if e.is_not_found() => Ok(None),
            Err(e) => Err(e),
        };
        (found, sent)
    }

    /// Creates a node pool exactly once (names are unique per cluster, and
    /// the request carries `token` as a scaling-group tag). As with clusters,
    /// a create on the wire is never abandoned, and after an ambiguous
    /// failure or a cancellation the token is looked up before anything else.
    pub async fn create_node_pool(
        &self,
        cluster_id: &str,
        req: &NodePoolRequest,
        token: &str,
        cancel: &CancellationToken,
    ) -> Result<(String, Option<String>)> {
        let mut req = req.clone();
        tag_token(&mut req.scaling_group.tags, token);
        let api = ApiRequest::create_node_pool(cluster_id, &req);
        let kind = CreateKind {
            action: "CreateClusterNodePool",
            id: |r| r.nodepool_id,
            // A name already taken may be our own earlier attempt.
            maybe_ours: Some("InvalidParameter.Name"),
        };
        self.create_once(
            &api,
            kind,
            cancel,
            Changes::PoolsOf(cluster_id),
            |client, never| async move {
                let (pools, _) = client
                    .node_pools_after(cluster_id, client.pools.now(), &never)
                    .await;
                Ok(pools?
                    .iter()
                    .find(|p| {
                        p.scaling_group
                            .tags
                            .iter()
                            .any(|t| t.key == CREATE_TOKEN_TAG && t.value == token)
                    })
                    .map(|p| p.nodepool_info.nodepool_id.clone()))
            },
        )
        .await
    }

    /// Runs a change to one pool. After an ambiguous failure the change
    /// took effect if the pool is no longer `active` (the change is under
    /// way) or is already `done`.
    pub(crate) async fn pool_change(
        &self,
        cluster_id: &str,
        pool_id: &str,
        req: &ApiRequest,
        cancel: &CancellationToken,
        done: impl Fn(&NodePoolDetail) -> bool,
    ) -> Result<Option<String>> {
        let changes = Changes::PoolsOf(cluster_id);
        self.mutate(req, changes, cancel, || async {
            let p = self.node_pool_now(cluster_id, pool_id, cancel).await?;
            Ok(p.is_some_and(|p| p.status.state != "active" || done(&p)))
        })
        .await
    }

    /// A fresh view of one pool, for reconciling after an ambiguous failure.
    pub(crate) async fn node_pool_now(
        &self,
        cluster_id: &str,
        pool_id: &str,
        cancel: &CancellationToken,
    ) -> Result<Option<NodePoolDetail>> {
        self.node_pool_after(cluster_id, pool_id, self.pools.now(), cancel)
            .await
            .0
    }

    pub async fn modify_node_pool(
        &self,
        cluster_id: &str,
        pool_id: &str,
        req: &NodePoolRequest,
        cancel: &CancellationToken,
    ) -> Result<Option<String>> {
        let want = req.clone();
        let api = ApiRequest::modify_node_pool(cluster_id, pool_id, req);
        self.pool_change(cluster_id, pool_id, &api, cancel, |p| {
            p.nodepool_info.name == want.nodepool_info.name
                && p.scaling_group.desired_size == want.scaling_group.desired_size
                && p.scaling_group.instance_types == want.scaling_group.instance_types
        })
        .await
    }

    /// ModifyNodePoolNodeConfig: the pool's whole kubelet configuration.
    pub async fn modify_node_pool_node_config(
        &self,
        cluster_id: &str,
        pool_id: &str,
        req: &NodeConfigRequest,
        cancel: &CancellationToken,
    ) -> Result<Option<String>> {
        let want = req.kubelet_config.clone().filter(|k| !k.is_empty());
        let api = ApiRequest::modify_node_pool_node_config(cluster_id, pool_id, req);
        self.pool_change(cluster_id, pool_id, &api, cancel, |p| {
            p.node_config.kubelet_configuration == want
        })
        .await
    }

    /// DeleteClusterNodepool; `force` removes nodes that cannot be drained.
    pub async fn delete_node_pool(
        &self,
        cluster_id: &str,
        pool_id: &str,
        force: bool,
        cancel: &CancellationToken,
    ) -> Result<Option<String>> {
        let r = self
            .mutate(
                &ApiRequest::delete_node_pool(cluster_id, pool_id, force),
                Changes::PoolsOf(cluster_id),
                cancel,
                || async {
                    Ok(self
                        .node_pool_now(cluster_id, pool_id, cancel)
                        .await?
                        .is_none_or(|p| p.status.state == "deleting"))
                },
            )
            .await;
        match r {
            Err(e) if e.is_not_found() => Ok(None),
            other => other,
        }
    }

    /// Waits until the pool is `active` or gone, for at most `timeout` (and
    /// never past the client's deadline). Every poll reads a listing sent
    /// after the previous one, and after the caller's writes; a pool missing
    /// while waiting for `active` is read once more before it is declared
    /// gone. `task` (the operation's task, when known) explains a failure.
    pub async fn wait_node_pool(
        &self,
        cluster_id: &str,
        pool_id: &str,
        until: Until,
        task: Option<&str>,
        timeout: Duration,
        cancel: &CancellationToken,
    ) -> Result<Option<NodePoolDetail>> {
        let waiter = self.until(timeout);
        let start = Instant::now();
        let mut after = self.pools.now();
        let mut missing = 0;
        let mut delay = Duration::from_millis(50);
        loop {
            let (p, sent) = waiter
                .node_pool_after(cluster_id, pool_id, after, cancel)
                .await;
            after = sent;
            let seen = match (p?, until) {
                (None, Until::Gone) => return Ok(None),
                (None, Until::Active) => {
                    missing += 1;
                    if missing >= 2 {
                        return Err(Error::Failed(format!(
                            "node pool {pool_id} of cluster {cluster_id} disappeared while waiting for it to become active{}",
                            self.task_error(task, cancel).await
                        )));
                    }
                    "missing".to_owned()
                }
                (Some(p), Until::Active)
                    if p.status.state == lifecycle::POOL_ACTIVE && p.status.failed_nodes > 0 =>
                {
                    // A scaling activity that could not create every node:
                    // the pool is active with fewer nodes, and says why.
                    let why = failing_conditions(&p);
                    return Err(Error::Failed(format!(
                        "node pool {pool_id} ({}) has {} of {} nodes: {}{}",
                        p.nodepool_info.name,
                        p.status.total_nodes,
                        p.status.total_nodes + p.status.failed_nodes,
                        if why.is_empty() {
                            "the scaling activity failed".to_owned()
                        } else {
                            why.join(" ")
                        },
                        self.task_error(task, cancel).await
                    )));
                }
                (Some(p), Until::Active) if p.status.state == lifecycle::POOL_ACTIVE => {
                    return Ok(Some(p))
                }
                (Some(p), Until::Active)
                    if lifecycle::POOL_FAILED.contains(&p.status.state.as_str()) =>
                {
                    return Err(Error::Failed(format!(
                        "node pool {pool_id} is {} instead of active{}",
                        p.status.state,
                        self.task_error(task, cancel).await
                    )));
                }
                (Some(p), _) => {
                    let why = failing_conditions(&p);
                    format!(
                        "{} with {} of {} nodes healthy{}",
                        p.status.state,
                        p.status.healthy_nodes,
                        p.status.total_nodes,
                        if why.is_empty() {
                            String::new()
                        } else {
                            format!(": {}", why.join(" "))
                        }
                    )
                }
            };
            let goal = match until {
                Until::Active => "active",
                Until::Gone => "deleted",
            };
            let waiting = format!(
                "node pool {pool_id} to be {goal} (it is {seen} after {})",
                human(start.elapsed())
            );
            waiter.pause(cancel, delay, &waiting, None).await?;
            delay = (delay * 2).min(Duration::from_secs(5));
        }
    }

    /// `: task T failed: CODE: message` for a failed task, else empty.
    async fn task_error(&self, task: Option<&str>, cancel: &CancellationToken) -> String {
        let Some(id) = task else {
            return String::new();
        };
        match self.task(id, cancel).await {
            Ok(t) => match t.error {
                Some(e) => format!("; task {id} {}: {}: {}", t.state, e.code, e.message),
                None => format!("; task {id} is {}", t.state),
            },
            Err(e) => format!("; task {id} could not be read: {e}"),
        }
    }
}

/// The messages of a pool's conditions that do not hold.
fn failing_conditions(p: &NodePoolDetail) -> Vec<&str> {
    p.status
        .conditions
        .iter()
        .filter(|c| c.status == "False")
        .map(|c| c.message.as_str())
        .collect()
}
