//! The async ACK API client (reqwest + rustls): signs every request,
//! retries throttling and server errors with exponential backoff and jitter
//! (honouring the service's retry-after hint; the `retry` module has the
//! policy), makes creates idempotent, waits on tasks and states, honours
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
//!
//! The API contract — types, request builders, signing, the edition catalog
//! and its rules — is `ack-api`'s; this crate only sends requests. It knows
//! nothing of Terraform or the provider. HTTP types never leave it: callers
//! see [`Error`], whose rate-limit hint is a typed field, never text.

mod addons;
mod clusters;
mod create;
mod error;
mod features;
mod pool_upgrade;
mod pools;
pub mod reads;
mod retry;

use std::sync::atomic::AtomicU64;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::de::DeserializeOwned;
use tokio_util::sync::CancellationToken;

use ack_api::model::{ClusterDetail, ErrorBody, NodePoolDetail};
use ack_api::request::{ApiRequest, Credentials};
use reads::Flights;
use retry::OnCancel;

pub use addons::AddonTarget;
pub use error::{human, Error, Result};
pub use pools::Until;

/// Tag key under which creates record their idempotency token.
pub use ack_api::rules::CREATE_TOKEN_TAG;

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
    /// Attempts per call before giving up on throttling, server errors and
    /// failures to connect, for a client without a deadline; within a
    /// deadline ([`Client::until`]) they are retried until the deadline.
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
            .field("endpoint", &redact_url(&self.endpoint))
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
            .map_err(|e| transport_error(&cfg.endpoint, e))?;
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
        Error::Timeout(limit, what, last.map(|e| Box::new(e.clone())))
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
        let transport = |e: reqwest::Error| transport_error(&self.cfg.endpoint, e);
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

    async fn json<T: DeserializeOwned>(
        &self,
        req: &ApiRequest,
        cancel: &CancellationToken,
    ) -> Result<T> {
        let bytes = self.send(req, cancel).await?;
        decode(req, &bytes)
    }

    /// Sends a create. A create on the wire is never abandoned: Terraform's
    /// cancellation is honoured between attempts only, when nothing can have
    /// been created, so the answer (and the new object's ID) is not lost.
    async fn send_create(&self, req: &ApiRequest, cancel: &CancellationToken) -> Result<Vec<u8>> {
        self.send_since(req, cancel, Instant::now(), OnCancel::FinishExchange)
            .await
    }

    /// A client for work that must finish even though Terraform cancelled:
    /// learning whether a create happened, so its ID is never lost. Bounded
    /// by [`ORPHAN_LOOKUP`], and never past this client's deadline (the
    /// resource's timeout bounds every wait, this one included).
    fn for_cleanup(&self) -> (Client, CancellationToken) {
        let at = Instant::now() + ORPHAN_LOOKUP;
        let deadline = match self.deadline {
            Some(d) if d.at <= at => d,
            _ => Deadline {
                at,
                limit: ORPHAN_LOOKUP,
            },
        };
        let client = Client {
            deadline: Some(deadline),
            ..self.clone()
        };
        (client, CancellationToken::new())
    }

    /// Whether an operation that has failed `attempts` times may try again:
    /// within a deadline, until the deadline (an outage shorter than the
    /// resource's timeout is waited out); without one, `max_attempts` times.
    pub(crate) fn may_retry(&self, attempts: u32) -> bool {
        self.deadline.is_some() || attempts < self.cfg.max_attempts
    }
}

/// A failed exchange in words that carry the real cause (the error's
/// chain: "Connection refused (os error 111)", not only "error sending
/// request"), without the URL (the endpoint is named once, redacted).
fn transport_error(endpoint: &str, e: reqwest::Error) -> Error {
    let unreachable = e.is_connect();
    let timed_out = e.is_timeout();
    let e = e.without_url();
    let mut message = e.to_string();
    let mut source = std::error::Error::source(&e);
    while let Some(cause) = source {
        let text = cause.to_string();
        if !message.contains(&text) {
            message = format!("{message}: {text}");
        }
        source = cause.source();
    }
    if timed_out && !message.contains("timed out") {
        message = format!("{message} (timed out)");
    }
    let endpoint = redact_url(endpoint);
    if unreachable {
        Error::Unreachable { endpoint, message }
    } else {
        Error::Transport { endpoint, message }
    }
}

/// A URL as it may be shown: a user name or password in it becomes `***`.
pub fn redact_url(url: &str) -> String {
    match url.split_once("://") {
        Some((scheme, rest)) => {
            let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
            match rest[..authority_end].rfind('@') {
                Some(at) => format!("{scheme}://***@{}", &rest[at + 1..]),
                None => url.to_owned(),
            }
        }
        None => url.to_owned(),
    }
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
    fn urls_are_shown_without_their_password() {
        assert_eq!(
            redact_url("http://user:pw@127.0.0.1:8787/x?y@z"),
            "http://***@127.0.0.1:8787/x?y@z"
        );
        assert_eq!(redact_url("https://cs.x.com/a@b"), "https://cs.x.com/a@b");
    }

    #[tokio::test]
    async fn a_refused_connection_says_so_and_is_unreachable() {
        // A port nothing listens on: bind one, then close it.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let mut cfg = ClientConfig::new(&format!("http://u:pw@127.0.0.1:{port}"), "r", "a", "s");
        cfg.max_attempts = 1;
        let c = Client::new(cfg).unwrap();
        let e = c
            .send(&ApiRequest::list_clusters(), &CancellationToken::new())
            .await
            .unwrap_err();
        assert!(e.is_unreachable(), "{e:?}");
        let text = e.to_string();
        assert!(text.contains("refused"), "{text}");
        assert!(!text.contains("pw"), "{text}");
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
