//! `ack-emulator`: a local stand-in for the ACK control plane.
//!
//! The real API paths and bodies of CS 2015-12-15 (see README.md for the
//! list), ACS3-HMAC-SHA256 verification, edition rules and quotas enforced
//! server-side from the `ack-api` catalog, asynchronous tasks with the real
//! state names, SQLite persistence that survives `kill -9`, and fault
//! injection. Use [`app`] to get a router and [`run`] to serve it.
//!
//! It knows the API contract (`ack-api`: every rule it enforces is the
//! catalog's, never a copy) and nothing of Terraform, the provider or the
//! client: `ack-client` is only a dev-dependency, for its tests.

pub mod addon_store;
pub mod auth;
pub mod db;
pub mod error;
pub mod faults;
pub mod inventory;
pub mod kubeconfig;
pub mod placement;
pub mod request_log;
pub mod routes;
pub mod store;
pub mod tasks;
pub mod wire;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};

use axum::Router;
use rusqlite::Connection;
use tokio::net::TcpListener;

use crate::error::{ApiError, ApiResult};

/// How the emulator behaves.
#[derive(Clone)]
pub struct Config {
    /// How many times faster than the real service operations complete.
    pub speed: f64,
    pub access_key_id: String,
    pub access_key_secret: String,
    /// Share of requests answered with throttling or a 5xx.
    pub fail_rate: f64,
    pub seed: u64,
    /// Serve `/_emulator/*` to non-loopback clients too.
    pub admin: bool,
    /// Clusters of all types per region (DescribeUserQuota's `cluster_quota`).
    pub cluster_quota: usize,
    /// Managed clusters per region (`amk_cluster_quota`); the smaller of this
    /// and `cluster_quota` is enforced.
    pub managed_cluster_quota: usize,
    /// Serverless clusters per region (`ask_cluster_quota`; reported only,
    /// the emulator has no serverless clusters).
    pub serverless_cluster_quota: usize,
    /// Node pools per cluster (`cluster_nodepool_quota`).
    pub nodepool_quota: usize,
    /// Nodes per cluster (`node_quota`), on top of the edition's limit.
    pub node_quota: usize,
    /// STS: when set, every request must carry exactly this
    /// `x-acs-security-token`; when unset, a request carrying one is refused.
    pub security_token: Option<String>,
    /// How hard SQLite pushes each commit to disk.
    pub durability: db::Durability,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            speed: 60.0,
            access_key_id: "emulator".into(),
            access_key_secret: "emulator-secret".into(),
            fail_rate: 0.0,
            seed: 1,
            admin: false,
            cluster_quota: 50,
            managed_cluster_quota: 20,
            serverless_cluster_quota: 20,
            nodepool_quota: 20,
            node_quota: 5000,
            security_token: None,
            durability: db::Durability::Full,
        }
    }
}

/// Shared state of a running emulator.
pub struct State {
    pub config: Config,
    db: Mutex<Connection>,
    pub faults: Mutex<faults::Faults>,
    requests: Mutex<BTreeMap<String, u64>>,
    /// Mutating requests served, for contract tests (`GET /_emulator/requests`).
    pub request_log: request_log::RequestLog,
    /// Wakes the task runner when a new task is due sooner.
    pub task_wakeup: tokio::sync::Notify,
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The secret and the STS token stay out of logs.
        f.debug_struct("Config")
            .field("speed", &self.speed)
            .field("access_key_id", &self.access_key_id)
            .field("fail_rate", &self.fail_rate)
            .field("seed", &self.seed)
            .field("admin", &self.admin)
            .field("quota", &self.quota())
            .field("sts", &self.security_token.is_some())
            .field("durability", &self.durability)
            .finish_non_exhaustive()
    }
}

impl Config {
    /// The quotas as DescribeUserQuota reports them; the emulator enforces
    /// the same values.
    pub fn quota(&self) -> ack_api::model::UserQuota {
        let n = |v: usize| Some(v as u64);
        ack_api::model::UserQuota {
            cluster_quota: n(self.cluster_quota),
            cluster_nodepool_quota: n(self.nodepool_quota),
            node_quota: n(self.node_quota),
            amk_cluster_quota: n(self.managed_cluster_quota),
            ask_cluster_quota: n(self.serverless_cluster_quota),
        }
    }

    /// The same quotas as DescribeUserQuota's `quotas` items.
    pub fn quota_items(&self) -> ack_api::model::UserQuotaItems {
        use ack_api::model::{QuotaValue, UserQuotaItems};
        let items = [
            ("cluster_quota", "q_cluster_quota", self.cluster_quota),
            (
                "amk_cluster_quota",
                "q_amk_cluster_quota",
                self.managed_cluster_quota,
            ),
            (
                "ask_cluster_quota",
                "q_ask_cluster_quota",
                self.serverless_cluster_quota,
            ),
            (
                "cluster_nodepool_quota",
                "q_cluster_nodepool_quota",
                self.nodepool_quota,
            ),
            ("node_quota", "q_node_quota", self.node_quota),
        ];
        UserQuotaItems {
            quotas: items
                .into_iter()
                .map(|(name, code, value)| {
                    (
                        name.to_owned(),
                        QuotaValue {
                            quota: value.to_string(),
                            operation_code: code.to_owned(),
                            adjustable: true,
                            unit: "count".to_owned(),
                        },
                    )
                })
                .collect(),
        }
    }
}

impl std::fmt::Debug for State {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("State")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

pub type SharedState = Arc<State>;

impl State {
    /// Opens the database at `db_path` (`:memory:` allowed).
    pub fn open(config: Config, db_path: &str) -> rusqlite::Result<SharedState> {
        let conn = db::open(db_path, config.durability)?;
        let faults = faults::Faults::new(config.fail_rate, config.seed);
        Ok(Arc::new(State {
            config,
            db: Mutex::new(conn),
            faults: Mutex::new(faults),
            requests: Mutex::new(BTreeMap::new()),
            request_log: request_log::RequestLog::default(),
            task_wakeup: tokio::sync::Notify::new(),
        }))
    }

    /// The database connection (one writer at a time).
    pub fn db(&self) -> MutexGuard<'_, Connection> {
        self.db
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Runs `f` in one transaction: all of it is committed, or none.
    pub fn tx<T>(&self, f: impl FnOnce(&Connection) -> ApiResult<T>) -> ApiResult<T> {
        let mut conn = self.db();
        let tx = conn.transaction().map_err(ApiError::from)?;
        let out = f(&tx)?;
        tx.commit().map_err(ApiError::from)?;
        Ok(out)
    }

    pub fn count_request(&self, action: &str) {
        let mut m = self
            .requests
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        *m.entry(action.to_owned()).or_default() += 1;
    }

    pub fn request_counts(&self) -> BTreeMap<String, u64> {
        self.requests
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    /// The quotas in force (see [`Config::quota`]).
    pub fn quota(&self) -> ack_api::model::UserQuota {
        self.config.quota()
    }

    /// Milliseconds a real-service duration of `secs` takes here.
    pub fn scaled_ms(&self, secs: f64) -> i64 {
        let speed = if self.config.speed > 0.0 {
            self.config.speed
        } else {
            1.0
        };
        (secs * 1000.0 / speed).round() as i64
    }
}

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// RFC 3339 time as the API prints it.
pub fn now_rfc3339() -> String {
    chrono::Utc::now()
        .format("%Y-%m-%dT%H:%M:%S%:z")
        .to_string()
}

/// The router: every API route, the admin routes and the middleware.
pub fn app(state: SharedState) -> Router {
    routes::router(state)
}

/// Serves on `listener` until `shutdown` resolves; runs the task runner.
pub async fn run(
    state: SharedState,
    listener: TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let router = app(state.clone());
    run_router(state, router, listener, shutdown).await
}

/// [`run`] with a router built from [`app`] by the caller (tests wrap it in
/// layers of their own, e.g. to hold a response at a chosen moment).
pub async fn run_router(
    state: SharedState,
    router: Router,
    listener: TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let runner = tokio::spawn(tasks::runner(state));
    let result = axum::serve(
        listener,
        router.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await;
    runner.abort();
    result
}
