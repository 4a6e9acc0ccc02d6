//! Test support: an in-process emulator and a signing caller.

#![allow(dead_code)]

pub mod process;
pub mod python;
pub mod served;

use std::sync::atomic::{AtomicU64, Ordering};

use ack_api::request::{ApiRequest, Credentials};
use ack_emulator::{Config, SharedState, State};
use axum::body::Body;
use axum::http::{Request, StatusCode};
use serde_json::Value;
use tower::ServiceExt;

pub const HOST: &str = "cs.cn-hangzhou.aliyuncs.com";

pub struct Emu {
    pub state: SharedState,
}

static NONCE: AtomicU64 = AtomicU64::new(1);

pub fn nonce() -> String {
    format!(
        "{:032x}",
        NONCE.fetch_add(1, Ordering::SeqCst) + u64::from(std::process::id()) * 1_000_000
    )
}

pub fn now_date() -> String {
    chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: Value,
}

impl Reply {
    pub fn code(&self) -> &str {
        self.body["code"].as_str().unwrap_or_default()
    }
    #[track_caller]
    pub fn ok(self) -> Value {
        assert!(
            self.status.is_success(),
            "expected success, got {} {}",
            self.status,
            self.body
        );
        self.body
    }
    #[track_caller]
    pub fn err(self, status: u16, code: &str) -> Reply {
        assert_eq!(self.status.as_u16(), status, "{}", self.body);
        assert_eq!(self.code(), code, "{}", self.body);
        assert!(
            self.body["requestId"]
                .as_str()
                .is_some_and(|s| !s.is_empty()),
            "error bodies carry a requestId"
        );
        self
    }
}

impl Emu {
    /// A fresh in-memory emulator where tasks finish at once (on `tick`).
    pub fn new() -> Emu {
        Emu::with(
            Config {
                speed: 1e9,
                ..Config::default()
            },
            ":memory:",
        )
    }

    pub fn with(config: Config, db: &str) -> Emu {
        Emu {
            state: State::open(config, db).unwrap(),
        }
    }

    pub fn creds(&self) -> Credentials<'_> {
        Credentials {
            access_key_id: &self.state.config.access_key_id,
            access_key_secret: &self.state.config.access_key_secret,
            security_token: None,
        }
    }

    /// Sends a request with the given headers and body.
    pub async fn raw(
        &self,
        method: &str,
        uri: &str,
        headers: &[(String, String)],
        body: Vec<u8>,
    ) -> Reply {
        let mut b = Request::builder().method(method).uri(uri);
        for (k, v) in headers {
            b = b.header(k.as_str(), v.as_str());
        }
        let resp = ack_emulator::app(self.state.clone())
            .oneshot(b.body(Body::from(body)).unwrap())
            .await
            .unwrap();
        let status = resp.status();
        let headers = resp.headers().clone();
        let bytes = axum::body::to_bytes(resp.into_body(), usize::MAX)
            .await
            .unwrap();
        let body = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes).unwrap_or(Value::Null)
        };
        Reply {
            status,
            headers,
            body,
        }
    }

    /// Signs and sends an API request.
    pub async fn call(&self, req: &ApiRequest) -> Reply {
        let headers = req.signed_headers(HOST, &self.creds(), &now_date(), &nonce());
        self.raw(
            req.method,
            &req.path_and_query(),
            &headers,
            req.body.clone().unwrap_or_default(),
        )
        .await
    }

    /// Completes every due task.
    pub fn tick(&self) {
        ack_emulator::tasks::tick(&self.state).unwrap();
    }

    /// The answers to `req` before and after a tick: what an operation in
    /// progress shows, then what it shows once done.
    pub async fn across_tick(&self, req: &ApiRequest) -> (Value, Value) {
        let during = self.call(req).await.ok();
        self.tick();
        (during, self.call(req).await.ok())
    }

    /// Sends a create of a bare cluster `name` in `region`'s default network.
    pub async fn create_cluster(&self, name: &str, region: &str) -> Reply {
        let req =
            ack_emulator::inventory::in_default_network(ack_api::model::CreateClusterRequest {
                name: name.into(),
                region_id: region.into(),
                ..Default::default()
            });
        self.call(&ApiRequest::create_cluster(&req)).await
    }

    /// Describes the node pool `np` of the cluster `id`.
    pub async fn node_pool(&self, id: &str, np: &str) -> Value {
        self.call(&ApiRequest::describe_node_pool(id, np))
            .await
            .ok()
    }

    /// Creates a node pool of the cluster `id` with `body` as the request's
    /// JSON body.
    pub async fn create_pool_with(&self, id: &str, body: &Value) -> Reply {
        let req = ApiRequest::create_node_pool(id, &pool("x", 1));
        self.call(&with_body(req, body)).await
    }

    /// Modifies the node pool `np` of the cluster `id` with `body` as the
    /// request's JSON body.
    pub async fn modify_pool_with(&self, id: &str, np: &str, body: &Value) -> Reply {
        let req = ApiRequest::modify_node_pool(id, np, &pool("x", 1));
        self.call(&with_body(req, body)).await
    }

    /// Sets the emulator's faults through its admin endpoint.
    pub async fn faults(&self, faults: Value) {
        let body = faults.to_string().into_bytes();
        self.raw("POST", "/_emulator/faults", &[], body).await.ok();
    }

    pub async fn stats(&self) -> Value {
        self.raw("GET", "/_emulator/stats", &[], vec![]).await.ok()
    }

    /// Creates a running cluster of `spec` and returns its ID.
    pub async fn cluster(&self, name: &str, spec: &str) -> String {
        let req =
            ack_emulator::inventory::in_default_network(ack_api::model::CreateClusterRequest {
                name: name.into(),
                region_id: "cn-hangzhou".into(),
                cluster_type: "ManagedKubernetes".into(),
                cluster_spec: Some(spec.into()),
                endpoint_public_access: Some(true),
                ..Default::default()
            });
        let body = self.call(&ApiRequest::create_cluster(&req)).await.ok();
        self.tick();
        body["cluster_id"].as_str().unwrap().to_owned()
    }
}

/// `r` with `body` as its JSON body instead of the one it was built with.
pub fn with_body(mut r: ApiRequest, body: &Value) -> ApiRequest {
    r.body = Some(body.to_string().into_bytes());
    r
}

pub fn pool(name: &str, size: u64) -> ack_api::model::NodePoolRequest {
    ack_emulator::inventory::in_default_pool(ack_api::model::NodePoolRequest {
        nodepool_info: ack_api::model::NodePoolInfo {
            name: name.into(),
            ..Default::default()
        },
        scaling_group: ack_api::model::ScalingGroup {
            instance_types: vec!["ecs.g7.xlarge".into()],
            desired_size: Some(size),
            ..Default::default()
        },
        ..Default::default()
    })
}
