//! The route table and the request pipeline: request ID, per-action counts,
//! injected faults, signature verification, then the handler.

mod addons;
mod admin;
mod catalog;
mod cluster_create;
mod clusters;
mod extension;
mod features;
mod inspect;
mod logs;
mod meta;
mod network;
mod nodepools;
mod pool_checks;
mod pool_node_config;
mod pool_upgrade;
mod rules;

use std::collections::HashMap;
use std::net::SocketAddr;

use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::Router;

use crate::error::{self, ApiError};
use crate::faults::Before;
use crate::{auth, SharedState};

/// Largest request body accepted.
pub const MAX_BODY: usize = 1 << 20;

pub fn router(state: SharedState) -> Router {
    let api = Router::new()
        .route("/clusters", post(cluster_create::create))
        .route(
            "/clusters/{cluster_id}",
            get(clusters::describe).delete(clusters::delete),
        )
        .route("/api/v1/clusters", get(clusters::list))
        .route(
            "/api/v2/clusters/{cluster_id}",
            axum::routing::put(clusters::modify),
        )
        .route("/clusters/{cluster_id}/migrate", post(clusters::migrate))
        .route(
            "/clusters/{cluster_id}/controlplanelog",
            get(logs::control_plane).put(logs::update_control_plane),
        )
        .route("/clusters/{cluster_id}/audit_log", put(logs::update_audit))
        .route("/clusters/{cluster_id}/audit", get(logs::audit))
        .route(
            "/api/v2/clusters/{cluster_id}/upgrade",
            post(clusters::upgrade),
        )
        .route("/clusters/{cluster_id}/tags", post(clusters::tags))
        .route(
            "/k8s/{cluster_id}/user_config",
            get(crate::kubeconfig::describe),
        )
        .route("/tasks/{task_id}", get(meta::task))
        .route("/api/v1/metadata/versions", get(meta::versions))
        .route("/quota", get(catalog::user_quota))
        .route("/addons", get(catalog::list_addons))
        .route(
            "/clusters/components/metadata",
            get(catalog::describe_addons),
        )
        .route(
            "/clusters/{cluster_id}/nodepools",
            post(nodepools::create).get(nodepools::list),
        )
        .route(
            "/clusters/{cluster_id}/nodepools/{nodepool_id}",
            get(nodepools::describe)
                .put(nodepools::modify)
                .delete(nodepools::delete),
        )
        .route(
            "/clusters/{cluster_id}/nodepools/{nodepool_id}/node_config",
            axum::routing::put(pool_node_config::modify),
        )
        .route(
            "/clusters/{cluster_id}/nodepools/{nodepool_id}/upgrade",
            post(pool_upgrade::upgrade),
        )
        .route(
            "/clusters/{cluster_id}/kms",
            axum::routing::put(features::kms),
        )
        .route(
            "/clusters/{cluster_id}/components/{component}/config",
            post(features::addon_config),
        )
        .route(
            "/clusters/{cluster_id}/addon_instances/{component}",
            get(addons::instance),
        )
        .route("/clusters/{cluster_id}/addon_instances", get(addons::list))
        .route(
            "/clusters/{cluster_id}/components/{component}/instance",
            get(addons::instance),
        )
        .route(
            "/clusters/{cluster_id}/components/install",
            post(addons::install),
        )
        .route(
            "/clusters/{cluster_id}/components/uninstall",
            post(addons::uninstall),
        )
        .route(
            "/clusters/{cluster_id}/components/upgrade",
            post(addons::upgrade),
        )
        .route(
            "/clusters/{cluster_id}/components/version",
            get(addons::versions),
        )
        .route("/addons/{addon}", get(catalog::describe_addon))
        .route(
            "/clusters/{cluster_id}/inspectConfig",
            get(inspect::get_config)
                .post(inspect::create_config)
                .put(inspect::update_config)
                .delete(inspect::delete_config),
        )
        .route(
            "/clusters/{cluster_id}/inspectReports",
            get(inspect::list_reports).post(inspect::run),
        )
        .route(
            "/x-ack-emulator/clusters/{cluster_id}/etcd-backup-policy",
            get(extension::get_policy)
                .put(extension::put_policy)
                .delete(extension::delete_policy),
        )
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(state.clone(), pipeline));
    let admin = Router::new()
        .route("/_emulator/stats", get(admin::stats))
        .route("/_emulator/requests", get(admin::requests))
        .route(
            "/_emulator/faults",
            post(admin::set_faults).get(admin::get_faults),
        )
        .route(
            "/_emulator/inventory",
            get(admin::inventory).post(admin::extend_inventory),
        )
        .layer(middleware::from_fn_with_state(state.clone(), admin::guard));
    admin.merge(api).with_state(state)
}

async fn not_found() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "InvalidAction.NotFound",
        "Specified api is not found, please check your url and method.",
    )
}

/// The request pipeline for API routes.
async fn pipeline(State(state): State<SharedState>, req: Request, next: Next) -> Response {
    let id = error::new_request_id();
    error::REQUEST_ID
        .scope(id.clone(), async move {
            let mut resp = serve(state, req, next).await;
            if let Ok(v) = HeaderValue::from_str(&id) {
                resp.headers_mut().insert("x-acs-request-id", v);
            }
            resp
        })
        .await
}

async fn serve(state: SharedState, req: Request, next: Next) -> Response {
    let action = req
        .headers()
        .get("x-acs-action")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("Unknown")
        .to_owned();
    state.count_request(&action);
    let (latency, before) = {
        let mut f = state
            .faults
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        (f.latency_ms, f.before(&action))
    };
    if latency > 0 {
        tokio::time::sleep(std::time::Duration::from_millis(latency)).await;
    }
    match before {
        Before::Throttle => return ApiError::throttled(1000).into_response(),
        Before::ServerError => return ApiError::unavailable().into_response(),
        Before::None => {}
    }
    let (parts, body) = req.into_parts();
    let bytes: Bytes = match axum::body::to_bytes(body, MAX_BODY).await {
        Ok(b) => b,
        Err(_) => {
            return ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "RequestEntityTooLarge",
                format!("the request body exceeds {MAX_BODY} bytes"),
            )
            .into_response()
        }
    };
    if let Err(e) = auth::verify(
        &state,
        parts.method.as_str(),
        parts.uri.path(),
        parts.uri.query(),
        &parts.headers,
        &bytes,
    ) {
        return e.into_response();
    }
    let mutating = parts.method != Method::GET;
    let logged = mutating.then(|| (parts.method.to_string(), parts.uri.path().to_owned()));
    let body = if mutating {
        serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null)
    } else {
        serde_json::Value::Null
    };
    let resp = next
        .run(Request::from_parts(parts, Body::from(bytes)))
        .await;
    if let Some((method, path)) = logged {
        state.request_log.record(crate::request_log::LoggedRequest {
            action: action.clone(),
            method,
            path,
            status: resp.status().as_u16(),
            body,
        });
    }
    let hold = state
        .faults
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .response_delay(&action);
    if !hold.is_zero() {
        tokio::time::sleep(hold).await;
    }
    if mutating && resp.status().is_success() {
        let drop = state
            .faults
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .drop_after_commit(&action);
        if drop {
            tracing::info!(
                action,
                "fault injection: change committed, response dropped"
            );
            return ApiError::unavailable().into_response();
        }
    }
    resp
}

/// The query parameters, decoded by the same function the signature check
/// uses (`+` is a space, as the official SDKs send it). A repeated key keeps
/// its last value.
pub struct ApiQuery(pub HashMap<String, String>);

impl<S: Send + Sync> FromRequestParts<S> for ApiQuery {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let raw = parts.uri.query().unwrap_or_default();
        Ok(ApiQuery(
            ack_api::sign::parse_query(raw).into_iter().collect(),
        ))
    }
}

impl ApiQuery {
    /// A non-empty value.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0
            .get(key)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }

    /// A boolean as the SDKs send it (`true`, or Python's `True`).
    pub fn flag(&self, key: &str) -> Option<bool> {
        self.get(key).map(|v| v.eq_ignore_ascii_case("true"))
    }
}

/// Whether the peer is on this machine. In-process calls (no socket) are.
fn is_loopback(peer: Option<&ConnectInfo<SocketAddr>>) -> bool {
    peer.is_none_or(|ConnectInfo(addr)| addr.ip().is_loopback())
}
