//! `/_emulator/*`: statistics and fault injection. Not part of ACK; served
//! only to loopback clients unless the emulator runs with `--admin`.

use std::net::SocketAddr;

use axum::body::Bytes;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use crate::error::{parse_body, ApiError, ApiResult};
use crate::faults::FaultSettings;
use crate::{store, SharedState};

pub async fn guard(State(state): State<SharedState>, req: Request, next: Next) -> Response {
    let peer = req.extensions().get::<ConnectInfo<SocketAddr>>();
    if !state.config.admin && !super::is_loopback(peer) {
        return ApiError::new(
            StatusCode::FORBIDDEN,
            "Forbidden.Admin",
            "emulator admin routes are served to loopback clients only; start the emulator with --admin to allow others",
        )
        .into_response();
    }
    next.run(req).await
}

/// `GET /_emulator/stats`: live objects and requests served per action.
pub async fn stats(State(state): State<SharedState>) -> ApiResult<Json<Value>> {
    let (clusters, pools) =
        state.tx(|c| Ok((store::count(c, "clusters")?, store::count(c, "node_pools")?)))?;
    Ok(Json(
        json!({ "clusters": clusters, "node_pools": pools, "requests": state.request_counts() }),
    ))
}

#[derive(serde::Deserialize)]
pub struct ActionQuery {
    action: Option<String>,
}

/// `GET /_emulator/requests?action=A`: the mutating requests served (for
/// action `A`, or all), oldest first, with their JSON bodies; password-like
/// fields are redacted.
pub async fn requests(
    State(state): State<SharedState>,
    axum::extract::Query(q): axum::extract::Query<ActionQuery>,
) -> Json<Value> {
    Json(json!({ "requests": state.request_log.entries(q.action.as_deref()) }))
}

/// `POST /_emulator/faults`: changes fault injection; answers the settings now in force.
pub async fn set_faults(
    State(state): State<SharedState>,
    body: Bytes,
) -> ApiResult<Json<FaultSettings>> {
    // Not pruned: `"stockouts": []` and `"spot_prices": {}` clear.
    let s: FaultSettings = if body.iter().all(u8::is_ascii_whitespace) {
        FaultSettings::default()
    } else {
        serde_json::from_slice(&body)
            .map_err(|e| ApiError::invalid(format!("The fault settings are not valid: {e}")))?
    };
    let mut f = state
        .faults
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    f.apply(&s);
    Ok(Json(f.settings()))
}

pub async fn get_faults(State(state): State<SharedState>) -> Json<FaultSettings> {
    Json(
        state
            .faults
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .settings(),
    )
}

#[derive(serde::Deserialize)]
pub struct RegionQuery {
    #[serde(default = "default_region")]
    region: String,
}

fn default_region() -> String {
    "cn-hangzhou".into()
}

/// `GET /_emulator/inventory?region=R`: the network objects of region `R`
/// (default `cn-hangzhou`).
pub async fn inventory(
    State(state): State<SharedState>,
    axum::extract::Query(q): axum::extract::Query<RegionQuery>,
) -> ApiResult<Json<crate::inventory::Inventory>> {
    Ok(Json(state.tx(|c| crate::inventory::load(c, &q.region))?))
}

/// `POST /_emulator/inventory?region=R`: adds objects to region `R` (an
/// object whose ID is known replaces it); answers the region's inventory.
pub async fn extend_inventory(
    State(state): State<SharedState>,
    axum::extract::Query(q): axum::extract::Query<RegionQuery>,
    body: Bytes,
) -> ApiResult<Json<crate::inventory::Inventory>> {
    let more: crate::inventory::Inventory = parse_body(&body)?;
    let inv = state.tx(|c| {
        let mut inv = crate::inventory::load(c, &q.region)?;
        inv.merge(more);
        crate::inventory::save(c, &q.region, &inv)?;
        Ok(inv)
    })?;
    Ok(Json(inv))
}
