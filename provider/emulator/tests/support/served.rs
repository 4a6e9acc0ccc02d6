//! The emulator served on a loopback port (port 0), with an ack-client
//! pointed at it and plain HTTP calls to its admin endpoints.

use std::net::SocketAddr;
use std::time::Duration;

use ack_api::model::CreateClusterRequest;
use ack_client::{Client, ClientConfig, Until};
use ack_emulator::{Config, SharedState, State};
use serde_json::Value;
use tokio_util::sync::CancellationToken;

/// How long the helpers wait for a state; far more than the emulator needs.
pub const WAIT: Duration = Duration::from_secs(30);

/// A running emulator and a client of it; the server stops when this is
/// dropped.
pub struct Served {
    pub client: Client,
    pub addr: SocketAddr,
    _stop: tokio::sync::oneshot::Sender<()>,
}

/// A fresh in-memory emulator of `config` on a loopback port.
pub async fn serve(config: Config) -> Served {
    let state = State::open(config, ":memory:").unwrap();
    let router = ack_emulator::app(state.clone());
    serve_router(state, router).await
}

/// An emulator at the given speed, otherwise as configured by default.
pub async fn serve_at(speed: f64) -> Served {
    serve(Config {
        speed,
        ..Config::default()
    })
    .await
}

/// Serves `router` (the emulator's app, perhaps wrapped in layers) over
/// `state` on a loopback port.
pub async fn serve_router(state: SharedState, router: axum::Router) -> Served {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(ack_emulator::run_router(state, router, listener, async {
        let _ = rx.await;
    }));
    let mut cfg = client_config(addr);
    cfg.base_backoff = Duration::from_millis(5);
    cfg.max_backoff = Duration::from_millis(50);
    Served {
        client: Client::new(cfg).unwrap(),
        addr,
        _stop: tx,
    }
}

/// The client configuration for an emulator at `addr` with its default
/// credentials and the client's default backoff.
pub fn client_config(addr: SocketAddr) -> ClientConfig {
    ClientConfig::new(
        &format!("http://{addr}"),
        "cn-hangzhou",
        "emulator",
        "emulator-secret",
    )
}

impl Served {
    /// One call to an admin endpoint; returns its JSON answer.
    pub async fn admin(&self, method: reqwest::Method, path: &str, body: Value) -> Value {
        let r = reqwest::Client::new()
            .request(method, format!("http://{}{path}", self.addr))
            .body(body.to_string())
            .send()
            .await
            .unwrap();
        r.json().await.unwrap()
    }

    /// Sets the emulator's faults.
    pub async fn faults(&self, faults: Value) -> Value {
        self.admin(reqwest::Method::POST, "/_emulator/faults", faults)
            .await
    }

    /// Creates the cluster `name` with the token `tok-<name>`; returns its
    /// ID and the create's task, if the answer named one.
    pub async fn create_cluster(
        &self,
        name: &str,
        cancel: &CancellationToken,
    ) -> (String, Option<String>) {
        let token = format!("tok-{name}");
        self.client
            .create_cluster(&new_cluster(name), &token, cancel)
            .await
            .unwrap()
    }

    /// Creates the cluster `name` (token `tok-<name>`) and waits until it
    /// runs; returns its ID.
    pub async fn running_cluster(&self, name: &str, cancel: &CancellationToken) -> String {
        let (id, _) = self.create_cluster(name, cancel).await;
        self.client.wait_running(&id, WAIT, cancel).await.unwrap();
        id
    }

    /// Waits until the pool `np` of cluster `id` is active or gone.
    pub async fn wait_pool(&self, id: &str, np: &str, until: Until, cancel: &CancellationToken) {
        self.client
            .wait_node_pool(id, np, until, None, WAIT, cancel)
            .await
            .unwrap();
    }

    /// Waits until the cluster `id` is gone.
    pub async fn wait_cluster_gone(&self, id: &str, cancel: &CancellationToken) {
        self.client
            .wait_cluster(id, "deletion", WAIT, cancel, |c| Ok(c.is_none()))
            .await
            .unwrap();
    }

    /// The emulator's counters.
    pub async fn stats(&self) -> Value {
        self.admin(reqwest::Method::GET, "/_emulator/stats", Value::Null)
            .await
    }
}

/// A managed cluster named `name` in the default network.
pub fn new_cluster(name: &str) -> CreateClusterRequest {
    ack_emulator::inventory::in_default_network(CreateClusterRequest {
        name: name.into(),
        cluster_type: "ManagedKubernetes".into(),
        ..Default::default()
    })
}
