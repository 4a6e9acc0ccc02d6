//! `ack-emulator`: a local stand-in for the ACK control plane.
//!
//! The real API paths and bodies of CS 2015-12-15 (see README.md for the
//! list), ACS3-HMAC-SHA256 verification, edition rules and quotas enforced
//! server-side from the `ack-api` catalog, asynchronous tasks with the real
//! state names, SQLite persistence that survives `kill -9`, and fault
//! injection. Use [`app`] to get a router and [`run`] to serve it.

pub mod auth;
pub mod db;
pub mod error;
pub mod faults;
pub mod kubeconfig;
pub mod routes;
pub mod store;
pub mod tasks;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};

use axum::Router;
use rusqlite::Connection;
use tokio::net::TcpListener;

use crate::error::{ApiError, ApiResult};

/// How the emulator behaves.
#[derive(Debug, Clone)]
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
    /// Maximum clusters per region (DescribeUserQuota's `cluster_quota`).
    pub cluster_quota: usize,
    /// Maximum node pools per cluster.
    pub nodepool_quota: usize,
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
            nodepool_quota: 20,
        }
    }
}

/// Shared state of a running emulator.
pub struct State {
    pub config: Config,
    db: Mutex<Connection>,
    pub faults: Mutex<faults::Faults>,
    requests: Mutex<BTreeMap<String, u64>>,
    /// Wakes the task runner when a new task is due sooner.
    pub task_wakeup: tokio::sync::Notify,
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
        let conn = db::open(db_path)?;
        let faults = faults::Faults::new(config.fail_rate, config.seed);
        Ok(Arc::new(State {
            config,
            db: Mutex::new(conn),
            faults: Mutex::new(faults),
            requests: Mutex::new(BTreeMap::new()),
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
