//! The async API client: signs every request, retries throttling and
//! server errors with backoff and jitter (honouring the rate-limit hint),
//! makes creates idempotent, waits on tasks and states, honours
//! cancellation and coalesces concurrent node pool listings.
//!
//! Mutations are retried blindly only after throttling (the service refused
//! them before doing anything). After an ambiguous failure (5xx, lost
//! connection) each operation reconciles: it reads the object back and
//! decides whether its change already happened, so a lost response never
//! creates a second cluster or node pool.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures::future::{BoxFuture, FutureExt, Shared};
use rand::Rng;
use serde::de::DeserializeOwned;
use tokio_util::sync::CancellationToken;

use crate::model::{
    AddonConfigRequest, AddonInstance, BackupPolicy, ClusterDetail, ClusterList,
    CreateClusterRequest, ErrorBody, KmsEncryptionRequest, MigrateClusterRequest,
    ModifyClusterRequest, NodePoolDetail, NodePoolList, NodePoolRequest, Tag, TaskInfo,
    TaskResponse, UpgradeClusterRequest, VersionMetadata,
};
use crate::request::{ApiRequest, Credentials};

/// Tag key under which creates record their idempotency token.
pub const CREATE_TOKEN_TAG: &str = "acklabs:create-token";

/// Errors from the API or on the way to it. Messages never contain secrets.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    #[error("{code}: {message} (HTTP {status}, request {request_id})")]
    Api {
        status: u16,
        code: String,
        message: String,
        request_id: String,
    },
    #[error("could not reach the ACK API at {endpoint}: {message}")]
    Transport { endpoint: String, message: String },
    #[error("the ACK API answered something unreadable: {0}")]
    Decode(String),
    #[error("timed out after {0:?} waiting for {1}")]
    Timeout(Duration, String),
    #[error("cancelled")]
    Cancelled,
    #[error("{0}")]
    Failed(String),
}

impl Error {
    pub fn code(&self) -> Option<&str> {
        match self {
            Error::Api { code, .. } => Some(code),
            _ => None,
        }
    }

    pub fn is_not_found(&self) -> bool {
        matches!(self, Error::Api { status: 404, .. })
            || matches!(
                self.code(),
                Some(
                    "ErrorClusterNotFound" | "ErrorNodePoolNotFound" | "ErrorBackupPolicyNotFound"
                )
            )
    }

    pub fn is_throttling(&self) -> bool {
        self.code()
            .is_some_and(|c| c.starts_with("Throttling") || c == "Rejected.Throttling")
    }

    /// The service may or may not have acted (5xx, connection lost).
    /// The object is busy with another operation; nothing was done.
    pub fn is_busy(&self) -> bool {
        matches!(
            self.code(),
            Some("ErrorClusterState" | "ErrorNodePoolState" | "ErrorAddonState")
        )
    }

    pub fn is_ambiguous(&self) -> bool {
        matches!(
            self,
            Error::Api {
                status: 500..=599,
                ..
            } | Error::Transport { .. }
        )
    }
}

pub type Result<T> = std::result::Result<T, Error>;

/// How to reach and authenticate to the API.
#[derive(Clone)]
pub struct ClientConfig {
    /// Base URL, e.g. `https://cs.cn-hangzhou.aliyuncs.com` or `http://127.0.0.1:8787`.
    pub endpoint: String,
    pub region: String,
    pub access_key_id: String,
    pub access_key_secret: String,
    pub security_token: Option<String>,
    /// Attempts per call before giving up on throttling and server errors.
    pub max_attempts: u32,
    pub base_backoff: Duration,
    pub max_backoff: Duration,
    pub request_timeout: Duration,
    /// How long a call refused because its object is busy (another
    /// operation running on the cluster, node pool or addon) keeps waiting
    /// and retrying. The service refuses such calls before doing anything.
    pub busy_timeout: Duration,
}

impl std::fmt::Debug for ClientConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientConfig")
            .field("endpoint", &self.endpoint)
            .field("region", &self.region)
            .field("access_key_id", &self.access_key_id)
            .finish_non_exhaustive()
    }
}

impl ClientConfig {
    pub fn new(
        endpoint: &str,
        region: &str,
        access_key_id: &str,
        access_key_secret: &str,
    ) -> ClientConfig {
        ClientConfig {
            endpoint: endpoint.trim_end_matches('/').to_owned(),
            region: region.to_owned(),
            access_key_id: access_key_id.to_owned(),
            access_key_secret: access_key_secret.to_owned(),
            security_token: None,
            max_attempts: 10,
            base_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(10),
            request_timeout: Duration::from_secs(60),
            busy_timeout: Duration::from_secs(30 * 60),
        }
    }
}

type PoolsFuture = Shared<BoxFuture<'static, Result<Arc<Vec<NodePoolDetail>>>>>;

/// The ACK API client. Cheap to clone.
#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    cfg: Arc<ClientConfig>,
    host: String,
    pools_in_flight: Arc<Mutex<HashMap<String, PoolsFuture>>>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("cfg", &self.cfg)
            .finish_non_exhaustive()
    }
}

/// Milliseconds to wait from a `Limit:…,Remain:…,TimeLeft:…,Reset:…` hint.
pub fn time_left_ms(hint: &str) -> Option<u64> {
    hint.split(',')
        .find_map(|p| p.trim().strip_prefix("TimeLeft:"))
        .and_then(|v| v.trim().parse().ok())
}

impl Client {
    /// Builds a client. Makes no network call.
    pub fn new(cfg: ClientConfig) -> Result<Client> {
        let host = cfg
            .endpoint
            .split_once("://")
            .map(|(_, rest)| rest.split('/').next().unwrap_or_default().to_owned())
            .unwrap_or_default();
        let http = reqwest::Client::builder()
            .timeout(cfg.request_timeout)
            .tcp_nodelay(true)
            .build()
            .map_err(|e| Error::Transport {
                endpoint: cfg.endpoint.clone(),
                message: e.to_string(),
            })?;
        Ok(Client {
            http,
            cfg: Arc::new(cfg),
            host,
            pools_in_flight: Arc::default(),
        })
    }

    pub fn region(&self) -> &str {
        &self.cfg.region
    }

    fn backoff(&self, attempt: u32) -> Duration {
        let exp = self
            .cfg
            .base_backoff
            .saturating_mul(1u32 << attempt.min(10));
        let capped = exp.min(self.cfg.max_backoff);
        // Full jitter keeps many clients from retrying in lockstep.
        let ms =
            rand::thread_rng().gen_range(capped.as_millis() as u64 / 2..=capped.as_millis() as u64);
        Duration::from_millis(ms.max(1))
    }

    async fn sleep(cancel: &CancellationToken, d: Duration) -> Result<()> {
        tokio::select! {
            () = tokio::time::sleep(d) => Ok(()),
            () = cancel.cancelled() => Err(Error::Cancelled),
        }
    }

    /// One HTTP exchange, signed afresh.
    async fn exchange(&self, req: &ApiRequest) -> Result<Vec<u8>> {
        let creds = Credentials {
            access_key_id: &self.cfg.access_key_id,
            access_key_secret: &self.cfg.access_key_secret,
            security_token: self.cfg.security_token.as_deref(),
        };
        let date = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string();
        let nonce = uuid::Uuid::new_v4().simple().to_string();
        let url = format!("{}{}", self.cfg.endpoint, req.path_and_query());
        let method =
            reqwest::Method::from_bytes(req.method.as_bytes()).unwrap_or(reqwest::Method::GET);
        let mut builder = self.http.request(method, url);
        for (k, v) in req.signed_headers(&self.host, &creds, &date, &nonce) {
            if k != "host" {
                builder = builder.header(k, v);
            }
        }
        if let Some(body) = &req.body {
            builder = builder.body(body.clone());
        }
        let transport = |e: reqwest::Error| Error::Transport {
            endpoint: self.cfg.endpoint.clone(),
            message: e.to_string(),
        };
        let resp = builder.send().await.map_err(transport)?;
        let status = resp.status().as_u16();
        let hint = resp
            .headers()
            .get("x-ratelimit-user-api")
            .or_else(|| resp.headers().get("x-ratelimit-user"))
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let bytes = resp.bytes().await.map_err(transport)?.to_vec();
        if (200..300).contains(&status) {
            return Ok(bytes);
        }
        let body: ErrorBody = serde_json::from_slice(&bytes).unwrap_or(ErrorBody {
            code: format!("HTTP{status}"),
            message: String::from_utf8_lossy(&bytes).chars().take(200).collect(),
            request_id: String::new(),
            status: Some(status),
        });
        let mut message = body.message;
        if let Some(h) = hint {
            message.push_str(&format!(" [rate limit: {h}]"));
        }
        Err(Error::Api {
            status,
            code: body.code,
            message,
            request_id: body.request_id,
        })
    }

    /// Sends `req`, retrying what is safe to retry.
    pub async fn send(&self, req: &ApiRequest, cancel: &CancellationToken) -> Result<Vec<u8>> {
        let mut attempt = 0;
        let first = Instant::now();
        let mut busy_waits = 0;
        loop {
            if cancel.is_cancelled() {
                return Err(Error::Cancelled);
            }
            let started = Instant::now();
            let result = tokio::select! {
                r = self.exchange(req) => r,
                () = cancel.cancelled() => return Err(Error::Cancelled),
            };
            let err = match result {
                Ok(b) => {
                    tracing::debug!(
                        action = req.action,
                        elapsed_ms = started.elapsed().as_millis() as u64,
                        "ACK API call"
                    );
                    return Ok(b);
                }
                Err(e) => e,
            };
            if err.is_busy() && first.elapsed() < self.cfg.busy_timeout {
                busy_waits += 1;
                let wait = self.backoff(busy_waits.min(6));
                tracing::debug!(action = req.action, error = %err, wait_ms = wait.as_millis() as u64, "object busy; waiting");
                Self::sleep(cancel, wait).await?;
                continue;
            }
            attempt += 1;
            let retry = err.is_throttling() || (!req.is_mutation() && err.is_ambiguous());
            if !retry || attempt >= self.cfg.max_attempts {
                return Err(err);
            }
            let mut wait = self.backoff(attempt);
            if let Error::Api { message, .. } = &err {
                if let Some(ms) = message.split("[rate limit: ").nth(1).and_then(time_left_ms) {
                    wait = wait.max(Duration::from_millis(ms).min(self.cfg.max_backoff));
                }
            }
            tracing::debug!(action = req.action, attempt, error = %err, wait_ms = wait.as_millis() as u64, "retrying");
            Self::sleep(cancel, wait).await?;
        }
    }

    async fn json<T: DeserializeOwned>(
        &self,
        req: &ApiRequest,
        cancel: &CancellationToken,
    ) -> Result<T> {
        let bytes = self.send(req, cancel).await?;
        serde_json::from_slice(&bytes).map_err(|e| Error::Decode(format!("{}: {e}", req.action)))
    }

    /// Runs a mutation; after an ambiguous failure asks `settled` whether the
    /// change took effect, and retries only if it did not.
    async fn mutate<F, Fut>(
        &self,
        req: &ApiRequest,
        cancel: &CancellationToken,
        settled: F,
    ) -> Result<Option<String>>
    where
        F: Fn() -> Fut,
        Fut: std::future::Future<Output = Result<bool>>,
    {
        let mut attempt = 0;
        loop {
            match self.send(req, cancel).await {
                Ok(bytes) => {
                    let task: TaskResponse = serde_json::from_slice(&bytes).unwrap_or_default();
                    return Ok(Some(task.task_id).filter(|t| !t.is_empty()));
                }
                Err(e) if e.is_ambiguous() || e.code() == Some("ErrorClusterState") => {
                    attempt += 1;
                    Self::sleep(cancel, self.backoff(attempt)).await?;
                    if settled().await? {
                        tracing::debug!(
                            action = req.action,
                            "change already applied after an ambiguous failure"
                        );
                        return Ok(None);
                    }
                    if attempt >= self.cfg.max_attempts {
                        return Err(e);
                    }
                }
                Err(e) => return Err(e),
            }
        }
    }

    // ------------------------------------------------------------- clusters

    /// Creates a cluster exactly once, even when responses are lost: the
    /// request carries `token` as a tag, and before any retry the client
    /// looks for a cluster with that tag.
    pub async fn create_cluster(
        &self,
        req: &CreateClusterRequest,
        token: &str,
        cancel: &CancellationToken,
    ) -> Result<(String, Option<String>)> {
        let mut req = req.clone();
        req.region_id.clone_from(&self.cfg.region);
        req.tags.retain(|t| t.key != CREATE_TOKEN_TAG);
        req.tags.push(Tag {
            key: CREATE_TOKEN_TAG.into(),
            value: token.into(),
        });
        let api = ApiRequest::create_cluster(&req);
        let mut attempt = 0;
        loop {
            match self.send(&api, cancel).await {
                Ok(bytes) => {
                    let r: TaskResponse =
                        serde_json::from_slice(&bytes).map_err(|e| Error::Decode(e.to_string()))?;
                    let id = r.cluster_id.ok_or_else(|| {
                        Error::Decode("CreateCluster returned no cluster_id".into())
                    })?;
                    return Ok((id, Some(r.task_id)));
                }
                Err(e) if e.is_ambiguous() => {
                    attempt += 1;
                    Self::sleep(cancel, self.backoff(attempt)).await?;
                    if let Some(c) = self.find_cluster_by_token(&req.name, token, cancel).await? {
                        return Ok((c.cluster_id, None));
                    }
                    if attempt >= self.cfg.max_attempts {
                        return Err(e);
                    }
                }
                Err(e) => return Err(e),
            }
        }
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
                    .with_query("page_size", "100"),
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

    /// The cluster named exactly `name` in this region.
    pub async fn find_cluster(
        &self,
        name: &str,
        cancel: &CancellationToken,
    ) -> Result<Option<ClusterDetail>> {
        let req = ApiRequest::list_clusters()
            .with_query("name", name)
            .with_query("region_id", self.cfg.region.clone())
            .with_query("page_size", "100");
        let list: ClusterList = self.json(&req, cancel).await?;
        Ok(list.clusters.into_iter().find(|c| c.name == name))
    }

    pub async fn modify_cluster(
        &self,
        id: &str,
        req: &ModifyClusterRequest,
        cancel: &CancellationToken,
    ) -> Result<Option<String>> {
        let want = req.clone();
        self.mutate(&ApiRequest::modify_cluster(id, req), cancel, || async {
            let c = self.describe_cluster(id, cancel).await?;
            Ok(c.is_some_and(|c| {
                want.cluster_name.as_ref().is_none_or(|n| *n == c.name)
                    && want
                        .deletion_protection
                        .is_none_or(|p| p == c.deletion_protection)
                    && want
                        .maintenance_window
                        .as_ref()
                        .is_none_or(|w| *w == c.maintenance_window)
            }))
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
        self.mutate(&ApiRequest::modify_tags(id, &want), cancel, || async {
            Ok(self
                .describe_cluster(id, cancel)
                .await?
                .is_some_and(|c| c.tags == want))
        })
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
        self.mutate(&ApiRequest::migrate_cluster(id, &req), cancel, || async {
            Ok(self
                .describe_cluster(id, cancel)
                .await?
                .is_some_and(|c| c.state == "migrating" || c.cluster_spec.starts_with("ack.pro.")))
        })
        .await
    }

    pub async fn upgrade_cluster(
        &self,
        id: &str,
        version: &str,
        cancel: &CancellationToken,
    ) -> Result<Option<String>> {
        let req = UpgradeClusterRequest {
            next_version: version.into(),
            master_only: false,
        };
        self.mutate(&ApiRequest::upgrade_cluster(id, &req), cancel, || async {
            Ok(self
                .describe_cluster(id, cancel)
                .await?
                .is_some_and(|c| c.next_version == version || c.current_version == version))
        })
        .await
    }

    pub async fn delete_cluster(
        &self,
        id: &str,
        cancel: &CancellationToken,
    ) -> Result<Option<String>> {
        let r = self
            .mutate(&ApiRequest::delete_cluster(id), cancel, || async {
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

    /// Polls until `done(cluster)` holds (`None` = cluster gone), with backoff.
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
        let start = Instant::now();
        let mut delay = Duration::from_millis(50);
        loop {
            let c = self.describe_cluster(id, cancel).await?;
            if done(c.as_ref())? {
                return Ok(c);
            }
            if start.elapsed() > timeout {
                return Err(Error::Timeout(timeout, what.to_owned()));
            }
            Self::sleep(cancel, delay).await?;
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
                    Some(c)
                        if matches!(c.state.as_str(), "failed" | "delete_failed" | "deleted") =>
                    {
                        Err(Error::Failed(format!("cluster {id} is {}", c.state)))
                    }
                    Some(c) => Ok(c.state == "running"),
                },
            )
            .await?;
        c.ok_or_else(|| Error::Failed(format!("cluster {id} disappeared")))
    }

    // ----------------------------------------------------------- node pools

    /// All node pools of a cluster. Concurrent calls for the same cluster
    /// share one API call (refreshing many pools costs one list).
    pub async fn node_pools(
        &self,
        cluster_id: &str,
        cancel: &CancellationToken,
    ) -> Result<Arc<Vec<NodePoolDetail>>> {
        let fut = {
            let mut map = self
                .pools_in_flight
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            if let Some(f) = map.get(cluster_id) {
                f.clone()
            } else {
                let this = self.clone();
                let id = cluster_id.to_owned();
                let cancel = cancel.clone();
                let f = async move {
                    let r = this
                        .json::<NodePoolList>(&ApiRequest::list_node_pools(&id), &cancel)
                        .await;
                    this.pools_in_flight
                        .lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner)
                        .remove(&id);
                    r.map(|l| Arc::new(l.nodepools))
                }
                .boxed()
                .shared();
                map.insert(cluster_id.to_owned(), f.clone());
                f
            }
        };
        fut.await
    }

    /// One node pool, or `None` when it (or its cluster) is gone.
    pub async fn node_pool(
        &self,
        cluster_id: &str,
        pool_id: &str,
        cancel: &CancellationToken,
    ) -> Result<Option<NodePoolDetail>> {
        match self.node_pools(cluster_id, cancel).await {
            Ok(pools) => Ok(pools
                .iter()
                .find(|p| p.nodepool_info.nodepool_id == pool_id)
                .cloned()),
            Err(e) if e.is_not_found() => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Creates a node pool exactly once (names are unique per cluster, and
    /// the request carries `token` as a scaling-group tag).
    pub async fn create_node_pool(
        &self,
        cluster_id: &str,
        req: &NodePoolRequest,
        token: &str,
        cancel: &CancellationToken,
    ) -> Result<(String, Option<String>)> {
        let mut req = req.clone();
        req.scaling_group.tags.retain(|t| t.key != CREATE_TOKEN_TAG);
        req.scaling_group.tags.push(Tag {
            key: CREATE_TOKEN_TAG.into(),
            value: token.into(),
        });
        let api = ApiRequest::create_node_pool(cluster_id, &req);
        let mut attempt = 0;
        loop {
            let err = match self.send(&api, cancel).await {
                Ok(bytes) => {
                    let r: TaskResponse =
                        serde_json::from_slice(&bytes).map_err(|e| Error::Decode(e.to_string()))?;
                    let id = r.nodepool_id.ok_or_else(|| {
                        Error::Decode("CreateClusterNodePool returned no nodepool_id".into())
                    })?;
                    return Ok((id, Some(r.task_id)));
                }
                Err(e) => e,
            };
            let ours = |p: &NodePoolDetail| {
                p.scaling_group
                    .tags
                    .iter()
                    .any(|t| t.key == CREATE_TOKEN_TAG && t.value == token)
            };
            let ambiguous = err.is_ambiguous() || err.code() == Some("InvalidParameter.Name");
            if !ambiguous {
                return Err(err);
            }
            attempt += 1;
            Self::sleep(cancel, self.backoff(attempt)).await?;
            let pools = self.node_pools(cluster_id, cancel).await?;
            if let Some(p) = pools.iter().find(|p| ours(p)) {
                return Ok((p.nodepool_info.nodepool_id.clone(), None));
            }
            if !err.is_ambiguous() || attempt >= self.cfg.max_attempts {
                return Err(err);
            }
        }
    }

    pub async fn modify_node_pool(
        &self,
        cluster_id: &str,
        pool_id: &str,
        req: &NodePoolRequest,
        cancel: &CancellationToken,
    ) -> Result<Option<String>> {
        let want = req.clone();
        self.mutate(
            &ApiRequest::modify_node_pool(cluster_id, pool_id, req),
            cancel,
            || async {
                let p = self.node_pool(cluster_id, pool_id, cancel).await?;
                Ok(p.is_some_and(|p| {
                    p.status.state != "active"
                        || (p.nodepool_info.name == want.nodepool_info.name
                            && p.scaling_group.desired_size == want.scaling_group.desired_size
                            && p.scaling_group.instance_types == want.scaling_group.instance_types)
                }))
            },
        )
        .await
    }

    pub async fn delete_node_pool(
        &self,
        cluster_id: &str,
        pool_id: &str,
        cancel: &CancellationToken,
    ) -> Result<Option<String>> {
        let r = self
            .mutate(
                &ApiRequest::delete_node_pool(cluster_id, pool_id),
                cancel,
                || async {
                    Ok(self
                        .node_pool(cluster_id, pool_id, cancel)
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

    /// Waits until the pool is `active` (or gone, when `gone` is set).
    pub async fn wait_node_pool(
        &self,
        cluster_id: &str,
        pool_id: &str,
        gone: bool,
        timeout: Duration,
        cancel: &CancellationToken,
    ) -> Result<Option<NodePoolDetail>> {
        let start = Instant::now();
        let mut delay = Duration::from_millis(50);
        loop {
            let p = self.node_pool(cluster_id, pool_id, cancel).await?;
            match (&p, gone) {
                (None, true) => return Ok(None),
                (None, false) => {
                    return Err(Error::Failed(format!("node pool {pool_id} disappeared")))
                }
                (Some(p), false) if p.status.state == "active" => return Ok(Some(p.clone())),
                _ => {}
            }
            if start.elapsed() > timeout {
                return Err(Error::Timeout(timeout, format!("node pool {pool_id}")));
            }
            Self::sleep(cancel, delay).await?;
            delay = (delay * 2).min(Duration::from_secs(5));
        }
    }

    // ------------------------------------------------------------- features

    pub async fn update_kms(
        &self,
        cluster_id: &str,
        req: &KmsEncryptionRequest,
        cancel: &CancellationToken,
    ) -> Result<()> {
        self.send(&ApiRequest::update_kms(cluster_id, req), cancel)
            .await
            .map(|_| ())
    }

    pub async fn set_scheduler(
        &self,
        cluster_id: &str,
        config_json: &str,
        cancel: &CancellationToken,
    ) -> Result<()> {
        let req = AddonConfigRequest {
            config: config_json.to_owned(),
        };
        self.send(
            &ApiRequest::modify_addon(cluster_id, "kube-scheduler", &req),
            cancel,
        )
        .await
        .map(|_| ())
    }

    pub async fn scheduler(
        &self,
        cluster_id: &str,
        cancel: &CancellationToken,
    ) -> Result<AddonInstance> {
        self.json(
            &ApiRequest::addon_instance(cluster_id, "kube-scheduler"),
            cancel,
        )
        .await
    }

    pub async fn backup_policy(
        &self,
        cluster_id: &str,
        cancel: &CancellationToken,
    ) -> Result<Option<BackupPolicy>> {
        match self
            .json(&ApiRequest::describe_backup_policy(cluster_id), cancel)
            .await
        {
            Ok(p) => Ok(Some(p)),
            Err(e) if e.is_not_found() => Ok(None),
            Err(e) => Err(e),
        }
    }

    pub async fn versions(&self, cancel: &CancellationToken) -> Result<Vec<VersionMetadata>> {
        self.json(&ApiRequest::versions(), cancel).await
    }

    /// DescribeClusterUserKubeconfig: a temporary kubeconfig (see
    /// [`ApiRequest::user_kubeconfig`]). The answer holds a private key.
    pub async fn user_kubeconfig(
        &self,
        cluster_id: &str,
        private_ip: bool,
        minutes: Option<u32>,
        cancel: &CancellationToken,
    ) -> Result<crate::model::UserKubeconfig> {
        let req = ApiRequest::user_kubeconfig(cluster_id, private_ip, minutes);
        self.json(&req, cancel).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rate_limit_hint() {
        assert_eq!(
            time_left_ms("Limit:1,Remain:0,TimeLeft:2000,Reset:1234"),
            Some(2000)
        );
        assert_eq!(time_left_ms("garbage"), None);
    }

    #[test]
    fn config_debug_hides_the_secret() {
        let c = ClientConfig::new("http://x", "cn-hangzhou", "id", "super-secret");
        assert!(!format!("{c:?}").contains("super-secret"));
    }
}
