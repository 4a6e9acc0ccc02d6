//! The async API client: signs every request, retries throttling and
//! server errors with backoff and jitter (honouring the rate-limit hint),
//! makes creates idempotent, waits on tasks and states, honours
//! cancellation and deadlines, and shares listings between readers under
//! read-your-writes (see [`reads`]).
//!
//! Mutations are retried blindly only after throttling (the service refused
//! them before doing anything). After an ambiguous failure (5xx, lost
//! connection) each operation reconciles: it reads the object back and
//! decides whether its change already happened, so a lost response never
//! creates a second cluster or node pool.
//!
//! Deadlines: [`Client::until`] gives a client whose every call — retries,
//! busy waits and polls included — ends by the deadline, with an error that
//! names the limit and the last answer the service gave.

mod clusters;
mod error;
mod features;
mod pools;
pub mod reads;

use std::sync::atomic::AtomicU64;
use std::sync::Arc;
use std::time::{Duration, Instant};

use rand::Rng;
use serde::de::DeserializeOwned;
use tokio_util::sync::CancellationToken;

use crate::model::{ClusterDetail, ErrorBody, NodePoolDetail, TaskResponse};
use crate::request::{ApiRequest, Credentials};
use reads::Flights;

pub use error::{human, Error, Result};
pub use pools::Until;

/// Tag key under which creates record their idempotency token.
pub const CREATE_TOKEN_TAG: &str = "acklabs:create-token";

/// How long a shared listing may be reused by readers that wrote nothing.
const LISTING_MAX_AGE: Duration = Duration::from_secs(60);

/// How long a create interrupted by cancellation may still spend finding
/// out whether the object was created, so that its ID is never lost.
const ORPHAN_LOOKUP: Duration = Duration::from_secs(30);

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
    /// How long one operation refused because its object is busy (another
    /// operation running on the cluster, node pool or addon) keeps waiting
    /// and retrying, counted from the operation's start. The service refuses
    /// such calls before doing anything. A deadline ([`Client::until`]) cuts
    /// it shorter.
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

/// When the operation a client works for must end.
#[derive(Debug, Clone, Copy)]
struct Deadline {
    at: Instant,
    /// The limit the user set (reported in the error).
    limit: Duration,
}

/// The ACK API client. Cheap to clone; clones share their listings.
#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    cfg: Arc<ClientConfig>,
    host: String,
    /// Node pools by cluster ID.
    pools: Arc<Flights<Vec<NodePoolDetail>>>,
    /// The clusters of the region (key `""`).
    clusters: Arc<Flights<Vec<ClusterDetail>>>,
    deadline: Option<Deadline>,
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
        let clock = Arc::new(AtomicU64::new(0));
        Ok(Client {
            http,
            cfg: Arc::new(cfg),
            host,
            pools: Arc::new(Flights::new(clock.clone(), LISTING_MAX_AGE)),
            clusters: Arc::new(Flights::new(clock, LISTING_MAX_AGE)),
            deadline: None,
        })
    }

    pub fn region(&self) -> &str {
        &self.cfg.region
    }

    /// A client whose calls all end within `limit` from now (or by an
    /// earlier deadline this client already has): retries, busy waits and
    /// polls included. Shares listings with `self`.
    pub fn until(&self, limit: Duration) -> Client {
        let at = Instant::now() + limit;
        let deadline = match self.deadline {
            Some(d) if d.at <= at => d,
            _ => Deadline { at, limit },
        };
        Client {
            deadline: Some(deadline),
            ..self.clone()
        }
    }

    /// Time left before the deadline; `None` without one.
    fn remaining(&self) -> Option<Duration> {
        self.deadline
            .map(|d| d.at.saturating_duration_since(Instant::now()))
    }

    /// The error for a deadline reached while waiting for `what`, carrying
    /// the last answer (the real cause) when there was one.
    fn deadline_error(&self, what: &str, last: Option<&Error>) -> Error {
        let limit = self.deadline.map_or(Duration::ZERO, |d| d.limit);
        let what = match last {
            Some(e) => format!("{what}; the last answer was: {e}"),
            None => what.to_owned(),
        };
        Error::Timeout(limit, what)
    }

    fn backoff(&self, attempt: u32) -> Duration {
        let exp = self
            .cfg
            .base_backoff
            .saturating_mul(1u32 << attempt.min(10));
        let capped = exp.min(self.cfg.max_backoff).as_millis() as u64;
        // Equal jitter: half the step fixed, half random, so retries spread
        // out without ever retrying at once.
        let ms = rand::thread_rng().gen_range(capped / 2..=capped);
        Duration::from_millis(ms.max(1))
    }

    async fn sleep(cancel: &CancellationToken, d: Duration) -> Result<()> {
        tokio::select! {
            () = tokio::time::sleep(d) => Ok(()),
            () = cancel.cancelled() => Err(Error::Cancelled),
        }
    }

    /// Sleeps `d` unless that passes the deadline: then fails at once with
    /// the deadline error (there is no point waiting to fail).
    async fn pause(
        &self,
        cancel: &CancellationToken,
        d: Duration,
        what: &str,
        last: Option<&Error>,
    ) -> Result<()> {
        if self.remaining().is_some_and(|left| left < d) {
            return Err(self.deadline_error(what, last));
        }
        Self::sleep(cancel, d).await
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
        if let Some(left) = self.remaining() {
            builder = builder.timeout(left.min(self.cfg.request_timeout));
        }
        let transport = |e: reqwest::Error| Error::Transport {
            endpoint: self.cfg.endpoint.clone(),
            message: e.to_string(),
        };
        let resp = builder.send().await.map_err(transport)?;
        let status = resp.status().as_u16();
        let header = |name: &str| resp.headers().get(name).and_then(|v| v.to_str().ok());
        // The service's own hint (milliseconds), else the rate-limit window.
        let retry_after = header("x-acs-retry-after")
            .and_then(|v| v.trim().parse::<u64>().ok())
            .or_else(|| {
                header("x-ratelimit-user-api")
                    .or_else(|| header("x-ratelimit-user"))
                    .and_then(time_left_ms)
            })
            .map(Duration::from_millis);
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
        Err(Error::Api {
            status,
            code: body.code,
            message: body.message,
            request_id: body.request_id,
            retry_after,
        })
    }

    /// Sends `req`, retrying what is safe to retry.
    pub async fn send(&self, req: &ApiRequest, cancel: &CancellationToken) -> Result<Vec<u8>> {
        self.send_since(req, cancel, Instant::now(), OnCancel::Abort)
            .await
    }

    /// [`Client::send`] for an operation that started at `since`: the busy
    /// window counts from there, not from this attempt.
    async fn send_since(
        &self,
        req: &ApiRequest,
        cancel: &CancellationToken,
        since: Instant,
        on_cancel: OnCancel,
    ) -> Result<Vec<u8>> {
        let mut attempt = 0;
        let mut busy_waits = 0;
        let what = format!("{} to succeed", req.action);
        let mut last: Option<Error> = None;
        loop {
            if cancel.is_cancelled() {
                return Err(Error::Cancelled);
            }
            if self.remaining() == Some(Duration::ZERO) {
                return Err(self.deadline_error(&what, last.as_ref()));
            }
            let started = Instant::now();
            let result = match on_cancel {
                OnCancel::Abort => tokio::select! {
                    r = self.exchange(req) => r,
                    () = cancel.cancelled() => return Err(Error::Cancelled),
                },
                OnCancel::FinishExchange => self.exchange(req).await,
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
            if err.is_busy() && since.elapsed() < self.cfg.busy_timeout {
                busy_waits += 1;
                let wait = self.backoff(busy_waits.min(6));
                tracing::debug!(action = req.action, error = %err, wait_ms = wait.as_millis() as u64, "object busy; waiting");
                self.pause(cancel, wait, &what, Some(&err)).await?;
                last = Some(err);
                continue;
            }
            attempt += 1;
            let retry = err.is_throttling() || (!req.is_mutation() && err.is_ambiguous());
            if !retry || attempt >= self.cfg.max_attempts {
                return Err(err);
            }
            let mut wait = self.backoff(attempt);
            if let Error::Api {
                retry_after: Some(hint),
                ..
            } = &err
            {
                wait = wait.max((*hint).min(self.cfg.max_backoff));
            }
            tracing::debug!(action = req.action, attempt, error = %err, wait_ms = wait.as_millis() as u64, "retrying");
            self.pause(cancel, wait, &what, Some(&err)).await?;
            last = Some(err);
        }
    }

    async fn json<T: DeserializeOwned>(
        &self,
        req: &ApiRequest,
        cancel: &CancellationToken,
    ) -> Result<T> {
        let bytes = self.send(req, cancel).await?;
        decode(req, &bytes)
    }

    /// Runs a mutation; after an ambiguous failure asks `settled` whether the
    /// change took effect, and retries only if it did not. Busy waits count
    /// from the start of the whole operation.
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
        let since = Instant::now();
        let what = format!("{} to succeed", req.action);
        let mut attempt = 0;
        loop {
            match self.send_since(req, cancel, since, OnCancel::Abort).await {
                Ok(bytes) => {
                    let task: TaskResponse = serde_json::from_slice(&bytes).unwrap_or_default();
                    return Ok(Some(task.task_id).filter(|t| !t.is_empty()));
                }
                Err(e) if e.is_ambiguous() => {
                    attempt += 1;
                    self.pause(cancel, self.backoff(attempt), &what, Some(&e))
                        .await?;
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

    /// Sends a create. A create on the wire is never abandoned: Terraform's
    /// cancellation is honoured between attempts only, when nothing can have
    /// been created, so the answer (and the new object's ID) is not lost.
    async fn send_create(&self, req: &ApiRequest, cancel: &CancellationToken) -> Result<Vec<u8>> {
        self.send_since(req, cancel, Instant::now(), OnCancel::FinishExchange)
            .await
    }

    /// A client for work that must finish even though Terraform cancelled
    /// or the deadline passed: learning whether a create happened, so its ID
    /// is never lost. Bounded by [`ORPHAN_LOOKUP`] alone.
    fn for_cleanup(&self) -> (Client, CancellationToken) {
        let client = Client {
            deadline: Some(Deadline {
                at: Instant::now() + ORPHAN_LOOKUP,
                limit: ORPHAN_LOOKUP,
            }),
            ..self.clone()
        };
        (client, CancellationToken::new())
    }
}

/// What Terraform's cancellation does to a request already sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum OnCancel {
    /// Drop the exchange (reads, and mutations that reconcile).
    Abort,
    /// Let it finish (creates: their answer carries the new object's ID).
    FinishExchange,
}

fn decode<T: DeserializeOwned>(req: &ApiRequest, bytes: &[u8]) -> Result<T> {
    serde_json::from_slice(bytes).map_err(|e| Error::Decode(format!("{}: {e}", req.action)))
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

    #[test]
    fn durations_read_like_timeouts() {
        assert_eq!(human(Duration::from_secs(1800)), "30m");
        assert_eq!(human(Duration::from_secs(5400)), "1h30m");
        assert_eq!(human(Duration::from_secs(4)), "4s");
        assert_eq!(human(Duration::from_millis(250)), "250ms");
    }

    #[tokio::test]
    async fn a_deadline_ends_the_wait_with_the_last_answer() {
        let c = Client::new(ClientConfig::new("http://127.0.0.1:9", "r", "a", "s"))
            .unwrap()
            .until(Duration::from_millis(10));
        let busy = Error::Api {
            status: 400,
            code: "ErrorClusterState".into(),
            message: "the cluster is updating".into(),
            request_id: "R1".into(),
            retry_after: None,
        };
        let e = c
            .pause(
                &CancellationToken::new(),
                Duration::from_secs(5),
                "X",
                Some(&busy),
            )
            .await
            .unwrap_err();
        let text = e.to_string();
        assert!(text.contains("timed out after 10ms"), "{text}");
        assert!(
            text.contains("ErrorClusterState") && text.contains("R1"),
            "{text}"
        );
    }
}
