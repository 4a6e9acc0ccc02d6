//! ModifyNodePoolNodeConfig (`PUT /clusters/{id}/nodepools/{np}/node_config`):
//! the pool's kubelet configuration and OS settings, each replaced as a whole
//! when sent, rolled out to its nodes (`updating` → `active`).

use ack_api::model::{NodeConfigRequest, TaskResponse};
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::Json;

use super::clusters::running;
use crate::error::{body_value, parse_value, ApiError, ApiResult};
use crate::store;
use crate::tasks::{self, durations};
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
        super::pool_checks::active(&pool)?;
        // What is sent replaces that part as a whole; what is not stays.
        if let Some(kubelet) = req.kubelet_config {
            pool.node_config.kubelet_configuration = (!kubelet.is_empty()).then_some(kubelet);
        }
        if let Some(os) = req.os_config {
            pool.node_config.node_os_config = (!os.is_empty()).then_some(os);
        }
        pool.status.state = "updating".into();
        let nodes = pool.status.total_nodes;
        let secs = durations::UPDATE_NODEPOOL;
        tasks::save_pool_update(&state, conn, &cluster_id, &pool, secs, nodes)
    })?;
    Ok(super::nodepools::pool_response(Some(&pool_id), task_id))
}
