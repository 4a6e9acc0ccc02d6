//! UpgradeClusterNodepool (`POST /clusters/{id}/nodepools/{np}/upgrade`):
//! the pool's Kubernetes version, OS image and container runtime, rolled
//! out to its nodes (`upgrading` → `active`). The nodes' version follows
//! the control plane under `ack_api::versions::check_pool_upgrade`.

use ack_api::model::{NodePoolDetail, UpgradeNodePoolRequest};
use ack_api::versions::{self, SkewError};
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::Json;
use serde_json::json;

use super::clusters::running;
use crate::error::{body_value, parse_value, request_id, ApiError, ApiResult};
use crate::store;
use crate::tasks::{self, durations, kinds};
use crate::SharedState;

/// The error code of a version the control plane's cannot take.
pub const SKEW_CODE: &str = "ErrorNodePoolVersionSkew";

/// The service's answer to a version that breaks the skew rule.
pub(super) fn skew_error(e: &SkewError) -> ApiError {
    match e {
        SkewError::Unsupported(_) | SkewError::Downgrade { .. } => {
            ApiError::bad_request("InvalidParameter.KubernetesVersion", e.to_string())
        }
        SkewError::NewerThanControlPlane { .. }
        | SkewError::TooFarBehind { .. }
        | SkewError::LeftBehind { .. } => ApiError::bad_request(SKEW_CODE, e.to_string()),
    }
}

/// The nodes' Kubernetes version: the kubelet's, else (a pool stored before
/// the emulator recorded it) the control plane's.
pub(super) fn nodes_version(pool: &NodePoolDetail, control_plane: &str) -> String {
    pool.kubelet_version().unwrap_or(control_plane).to_owned()
}

fn check_request(req: &UpgradeNodePoolRequest) -> ApiResult<()> {
    let given = |v: &Option<String>| v.as_deref().is_some_and(|s| !s.is_empty());
    if !given(&req.kubernetes_version) && !given(&req.image_id) && !given(&req.runtime_version) {
        return Err(ApiError::bad_request(
            "MissingParameter",
            "One of kubernetes_version, image_id and runtime_version is required.",
        ));
    }
    if let Some(t) = req.runtime_type.as_deref().filter(|t| !t.is_empty()) {
        ack_api::rules::one_of("runtime", t, &ack_api::rules::RUNTIMES)
            .map_err(|e| ApiError::invalid(format!("runtime_type: {e}")))?;
    }
    if let Some(p) = &req.rolling_policy {
        ack_api::rules::rolling_policy(p).map_err(|e| {
            ApiError::invalid(format!("The parameter rolling_policy is invalid: {e}."))
        })?;
    }
    Ok(())
}

pub async fn upgrade(
    State(state): State<SharedState>,
    Path((cluster_id, pool_id)): Path<(String, String)>,
    body: Bytes,
) -> ApiResult<Json<serde_json::Value>> {
    let req: UpgradeNodePoolRequest = parse_value(body_value(&body)?)?;
    check_request(&req)?;
    let task_id = state.tx(|conn| {
        let row = running(conn, &cluster_id)?;
        let mut pool = store::get_pool(conn, &cluster_id, &pool_id)?;
        if pool.status.state != ack_api::lifecycle::POOL_ACTIVE {
            return Err(ApiError::bad_request(
                "ErrorNodePoolState",
                format!(
                    "The node pool is {}; the operation is allowed when it is active.",
                    pool.status.state
                ),
            ));
        }
        let control_plane = row.doc.current_version.as_str();
        let from = nodes_version(&pool, control_plane);
        let to = req
            .kubernetes_version
            .clone()
            .filter(|v| !v.is_empty())
            .unwrap_or_else(|| from.clone());
        versions::check_pool_upgrade(&from, &to, control_plane).map_err(|e| skew_error(&e))?;
        // The version is the kubelet's once the task is done; the image and
        // runtime are the pool's settings from now on.
        if let Some(image) = req.image_id.clone().filter(|i| !i.is_empty()) {
            pool.scaling_group.image_id = Some(image);
        }
        if let Some(t) = req.runtime_type.clone().filter(|t| !t.is_empty()) {
            pool.kubernetes_config.runtime = t;
        }
        if let Some(v) = req.runtime_version.clone().filter(|v| !v.is_empty()) {
            pool.kubernetes_config.runtime_version = Some(v);
        }
        pool.status.state = "upgrading".into();
        let nodes = pool.status.total_nodes;
        store::save_pool(conn, &cluster_id, &pool)?;
        tasks::start(
            &state,
            conn,
            &cluster_id,
            Some(&pool_id),
            kinds::NODEPOOL_UPGRADE,
            durations::UPGRADE_NODEPOOL,
            json!({ "nodes": nodes, "kubernetes_version": to }),
        )
    })?;
    // The SDK's UpgradeClusterNodepoolResponseBody: `RequestId` and `task_id`.
    Ok(Json(
        json!({ "RequestId": request_id(), "task_id": task_id }),
    ))
}
