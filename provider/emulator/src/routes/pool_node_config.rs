//! ModifyNodePoolNodeConfig (`PUT /clusters/{id}/nodepools/{np}/node_config`):
//! the pool's kubelet configuration and OS settings, each replaced as a whole
//! when sent, rolled out to its nodes (`updating` → `active`).

use ack_api::model::{NodeConfigRequest, TaskResponse};
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::Json;
use serde_json::json;

use super::clusters::running;
use crate::error::{body_value, parse_value, request_id, ApiError, ApiResult};
use crate::store;
use crate::tasks::{self, durations, kinds};
use crate::SharedState;

pub async fn modify(
    State(state): State<SharedState>,
    Path((cluster_id, pool_id)): Path<(String, String)>,
    body: Bytes,
) -> ApiResult<Json<TaskResponse>> {
    let req: NodeConfigRequest = parse_value(body_value(&body)?)?;
    if req.kubelet_config.is_none() && req.os_config.is_none() {
        return Err(ApiError::bad_request(
            "MissingParameter",
            "One of kubelet_config, containerd_config and os_config is required.",
        ));
    }
    if let Some(kubelet) = &req.kubelet_config {
        super::pool_checks::kubelet(kubelet, "kubelet_config")?;
    }
    let task_id = state.tx(|conn| {
        let cluster = running(conn, &cluster_id)?;
        if let Some(os) = &req.os_config {
            super::pool_checks::node_os(os, &cluster.doc.current_version, "os_config")?;
        }
        let mut pool = store::get_pool(conn, &cluster_id, &pool_id)?;
        if pool.status.state != "active" {
            return Err(ApiError::bad_request(
                "ErrorNodePoolState",
                format!(
                    "The node pool is {}; the operation is allowed when it is active.",
                    pool.status.state
                ),
            ));
        }
        // What is sent replaces that part as a whole; what is not stays.
        if let Some(kubelet) = req.kubelet_config {
            pool.node_config.kubelet_configuration = (!kubelet.is_empty()).then_some(kubelet);
        }
        if let Some(os) = req.os_config {
            pool.node_config.node_os_config = (!os.is_empty()).then_some(os);
        }
        pool.status.state = "updating".into();
        let nodes = pool.status.total_nodes;
        store::save_pool(conn, &cluster_id, &pool)?;
        tasks::start(
            &state,
            conn,
            &cluster_id,
            Some(&pool_id),
            kinds::NODEPOOL_UPDATE,
            durations::UPDATE_NODEPOOL,
            json!({ "nodes": nodes }),
        )
    })?;
    Ok(Json(TaskResponse {
        cluster_id: None,
        nodepool_id: Some(pool_id),
        request_id: request_id(),
        task_id,
    }))
}
