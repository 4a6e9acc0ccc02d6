//! Node pool operations: CreateClusterNodePool, DescribeClusterNodePools,
//! DescribeClusterNodePoolDetail, ModifyClusterNodePool, DeleteClusterNodepool.

use ack_api::edition::Feature;
use ack_api::model::{NodePoolDetail, NodePoolList, NodePoolRequest, NodePoolStatus, TaskResponse};
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::Json;
use rusqlite::Connection;
use serde_json::{json, Value};

use super::clusters::{check_cluster_id, check_name, edition_of, require, running};
use super::ApiQuery;
use crate::error::{body_value, parse_value, prune, request_id, ApiError, ApiResult};
use crate::store;
use crate::tasks::{self, durations, kinds};
use crate::SharedState;

/// Nodes a pool may run: its maximum when autoscaling, else its desired size.
fn planned_nodes(p: &NodePoolRequest) -> u64 {
    match &p.auto_scaling {
        Some(a) if a.enable => a.max_instances,
        _ => p.scaling_group.desired_size.unwrap_or(0),
    }
}

fn detail_nodes(p: &NodePoolDetail) -> u64 {
    if p.auto_scaling.enable {
        p.auto_scaling.max_instances
    } else {
        p.scaling_group.desired_size.unwrap_or(0)
    }
}

/// Nodes the pool should run once settled.
fn target_nodes(p: &NodePoolRequest) -> u64 {
    match &p.auto_scaling {
        Some(a) if a.enable => a.min_instances,
        _ => p.scaling_group.desired_size.unwrap_or(0),
    }
}

fn validate(req: &NodePoolRequest) -> ApiResult<()> {
    check_name(&req.nodepool_info.name, "node pool")?;
    super::pool_checks::required(req)?;
    super::rules::node_pool(req)?;
    if let Some(a) = req.auto_scaling.as_ref().filter(|a| a.enable) {
        if a.min_instances > a.max_instances
            || a.max_instances > ack_api::rules::MAX_AUTOSCALING_SIZE
        {
            return Err(ApiError::invalid(format!(
                "The parameter auto_scaling is invalid: min_instances ({}) must not exceed max_instances ({}), which is at most {}.",
                a.min_instances, a.max_instances, ack_api::rules::MAX_AUTOSCALING_SIZE
            )));
        }
    } else if req
        .scaling_group
        .desired_size
        .is_some_and(|d| d > ack_api::rules::MAX_DESIRED_SIZE)
    {
        return Err(ApiError::invalid(format!(
            "The parameter scaling_group.desired_size is invalid: at most {}.",
            ack_api::rules::MAX_DESIRED_SIZE
        )));
    }
    super::pool_checks::scaling_group(req)?;
    super::pool_checks::kubernetes(req)?;
    Ok(())
}

/// Checks a pool (new or changed) against the cluster's edition, the node
/// quota and the other pools.
fn check_limits(
    conn: &Connection,
    cluster_id: &str,
    pool_id: &str,
    req: &NodePoolRequest,
    node_quota: u64,
) -> ApiResult<()> {
    let row = store::get_cluster(conn, cluster_id)?;
    super::pool_checks::inventory(conn, &row.doc, req)?;
    if let Some(os) = req
        .node_config
        .as_ref()
        .and_then(|n| n.node_os_config.as_ref())
    {
        super::pool_checks::node_os(os, &row.doc.current_version, "node_config.node_os_config")?;
    }
    if req.management.as_ref().is_some_and(|m| m.enable) {
        require(&row.doc, Feature::ManagedNodePools)?;
    }
    let pools = store::list_pools(conn, cluster_id)?;
    if pools.iter().any(|p| {
        p.nodepool_info.name == req.nodepool_info.name && p.nodepool_info.nodepool_id != pool_id
    }) {
        return Err(ApiError::bad_request(
            "InvalidParameter.Name",
            format!("nodepool name {} is already exist", req.nodepool_info.name),
        ));
    }
    let others: u64 = pools
        .iter()
        .filter(|p| p.nodepool_info.nodepool_id != pool_id)
        .map(detail_nodes)
        .sum();
    let total = others + planned_nodes(req);
    edition_of(&row.doc)
        .check_nodes(total)
        .map_err(|e| ApiError::bad_request("QuotaExceeded.Node", e.api_message()))?;
    if total > node_quota {
        return Err(ApiError::bad_request(
            "QuotaExceeded.Node",
            format!("The number of nodes in the cluster would be {total}, which exceeds the node quota of {node_quota} per cluster; request a higher quota in Quota Center."),
        ));
    }
    Ok(())
}

/// The stored pool as a request body, the base a partial update applies to.
fn as_request(p: &NodePoolDetail) -> ApiResult<Value> {
    Ok(json!({
        "nodepool_info": p.nodepool_info,
        "scaling_group": p.scaling_group,
        "kubernetes_config": p.kubernetes_config,
        "auto_scaling": p.auto_scaling,
        "management": p.management,
        "node_config": p.node_config,
    }))
}

/// Applies `patch` onto `base`: objects merge member by member, anything
/// else replaces.
fn merge(base: &mut Value, patch: Value) {
    match (base, patch) {
        (Value::Object(b), Value::Object(p)) => {
            for (k, v) in p {
                match b.get_mut(&k) {
                    Some(slot) => merge(slot, v),
                    None => {
                        b.insert(k, v);
                    }
                }
            }
        }
        (slot, v) => *slot = v,
    }
}

/// ModifyClusterNodePool's body applied to the stored pool. Absent fields,
/// nulls and empty lists keep the stored value, except
/// `kubernetes_config.labels` and `.taints` and `scaling_group.tags`: an
/// explicit empty list clears them (the alicloud provider clears labels and taints that way, PRs #5045,
/// #5059 and #8630 of aliyun/terraform-provider-alicloud).
fn patched(old: &NodePoolDetail, bytes: &[u8]) -> ApiResult<NodePoolRequest> {
    let raw = body_value_raw(bytes)?;
    let cleared = |key: &str| {
        raw.pointer(key)
            .and_then(Value::as_array)
            .is_some_and(Vec::is_empty)
    };
    let (clear_labels, clear_taints) = (
        cleared("/kubernetes_config/labels"),
        cleared("/kubernetes_config/taints"),
    );
    let clear_tags = cleared("/scaling_group/tags");
    let mut patch = raw;
    prune(&mut patch);
    let mut merged = as_request(old)?;
    let login = patch.clone();
    merge(&mut merged, patch);
    super::pool_checks::switch_login(&login, &mut merged);
    if clear_labels {
        merged["kubernetes_config"]["labels"] = json!([]);
    }
    if clear_taints {
        merged["kubernetes_config"]["taints"] = json!([]);
    }
    if clear_tags {
        merged["scaling_group"]["tags"] = json!([]);
    }
    parse_value(merged)
}

fn body_value_raw(bytes: &[u8]) -> ApiResult<Value> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(json!({}));
    }
    let v: Value = serde_json::from_slice(bytes)
        .map_err(|e| ApiError::invalid(format!("The request body is not valid JSON: {e}")))?;
    if !v.is_object() {
        return Err(ApiError::invalid("The request body must be a JSON object."));
    }
    Ok(v)
}

/// Node pool responses as the SDK models them: no `cluster_id`, and no
/// `nodepool_id` either for DeleteClusterNodepool (`pool_id` None).
pub(super) fn pool_response(pool_id: Option<&str>, task_id: String) -> Json<TaskResponse> {
    Json(TaskResponse {
        cluster_id: None,
        nodepool_id: pool_id.map(str::to_owned),
        request_id: request_id(),
        task_id,
    })
}

fn detail_from(req: &NodePoolRequest, id: &str, state: &str, nodes: u64) -> NodePoolDetail {
    let mut info = req.nodepool_info.clone();
    info.nodepool_id = id.to_owned();
    if info.pool_type.is_empty() {
        info.pool_type = "ess".into();
    }
    NodePoolDetail {
        nodepool_info: info,
        scaling_group: req.scaling_group.clone(),
        kubernetes_config: req.kubernetes_config.clone(),
        auto_scaling: req.auto_scaling.clone().unwrap_or_default(),
        management: req.management.clone().unwrap_or_default(),
        node_config: req.node_config.clone().unwrap_or_default(),
        status: NodePoolStatus {
            state: state.into(),
            total_nodes: nodes,
            healthy_nodes: nodes,
            ..Default::default()
        },
        node_components: Vec::new(),
    }
}

/// `POST /clusters/{cluster_id}/nodepools`.
pub async fn create(
    State(state): State<SharedState>,
    Path(cluster_id): Path<String>,
    body: Bytes,
) -> ApiResult<Json<TaskResponse>> {
    let req: NodePoolRequest = parse_value(body_value(&body)?)?;
    validate(&req)?;
    let id = format!("np{}", uuid::Uuid::new_v4().simple());
    let quota = state.quota();
    let pool_quota = quota.node_pools_per_cluster().unwrap_or(u64::MAX);
    let node_quota = quota.nodes_per_cluster().unwrap_or(u64::MAX);
    let task_id = state.tx(|conn| {
        running(conn, &cluster_id)?;
        if store::list_pools(conn, &cluster_id)?.len() as u64 >= pool_quota {
            return Err(ApiError::bad_request(
                "QuotaExceeded.NodePool",
                format!(
                    "The quota of {pool_quota} node pools per cluster has been used up; request a higher quota in Quota Center."
                ),
            ));
        }
        check_limits(conn, &cluster_id, &id, &req, node_quota)?;
        let mut detail = detail_from(&req, &id, "scaling", 0);
        // New nodes run the control plane's version.
        let control_plane = store::get_cluster(conn, &cluster_id)?.doc.current_version;
        detail.set_kubelet_version(&control_plane);
        detail.status.initial_nodes = target_nodes(&req);
        store::save_pool(conn, &cluster_id, &detail)?;
        tasks::start(
            &state,
            conn,
            &cluster_id,
            Some(&id),
            kinds::NODEPOOL_CREATE,
            durations::CREATE_NODEPOOL,
            json!({ "nodes": target_nodes(&req) }),
        )
    })?;
    Ok(pool_response(Some(&id), task_id))
}

/// `GET /clusters/{cluster_id}/nodepools`.
pub async fn list(
    State(state): State<SharedState>,
    Path(cluster_id): Path<String>,
    q: ApiQuery,
) -> ApiResult<Json<NodePoolList>> {
    check_cluster_id(&cluster_id)?;
    let (control_plane, pools) = state.tx(|conn| {
        let c = store::get_cluster(conn, &cluster_id)?;
        Ok((c.doc.current_version, store::list_pools(conn, &cluster_id)?))
    })?;
    let name = q.get("NodepoolName");
    let nodepools = pools
        .into_iter()
        .filter(|p| name.is_none_or(|n| p.nodepool_info.name == n))
        .map(|p| described(p, &control_plane))
        .collect();
    Ok(Json(NodePoolList { nodepools }))
}

/// `GET /clusters/{cluster_id}/nodepools/{nodepool_id}`.
pub async fn describe(
    State(state): State<SharedState>,
    Path((cluster_id, pool_id)): Path<(String, String)>,
) -> ApiResult<Json<NodePoolDetail>> {
    check_cluster_id(&cluster_id)?;
    let (control_plane, pool) = state.tx(|conn| {
        let c = store::get_cluster(conn, &cluster_id)?;
        Ok((
            c.doc.current_version,
            store::get_pool(conn, &cluster_id, &pool_id)?,
        ))
    })?;
    Ok(Json(described(pool, &control_plane)))
}

/// A pool as the service describes it: the password masked, and the
/// kubelet's version (the control plane's for a pool stored before the
/// emulator recorded it).
fn described(mut p: NodePoolDetail, control_plane: &str) -> NodePoolDetail {
    if p.kubelet_version().is_none() {
        p.set_kubelet_version(control_plane);
    }
    super::pool_checks::masked(p)
}

/// `PUT /clusters/{cluster_id}/nodepools/{nodepool_id}`: a partial update
/// of the pool's settings (see [`patched`]).
pub async fn modify(
    State(state): State<SharedState>,
    Path((cluster_id, pool_id)): Path<(String, String)>,
    body: Bytes,
) -> ApiResult<Json<TaskResponse>> {
    body_value_raw(&body)?;
    let node_quota = state.quota().nodes_per_cluster().unwrap_or(u64::MAX);
    let task_id = state.tx(|conn| {
        running(conn, &cluster_id)?;
        let old = store::get_pool(conn, &cluster_id, &pool_id)?;
        let req = patched(&old, &body)?;
        validate(&req)?;
        super::pool_checks::active(&old)?;
        check_limits(conn, &cluster_id, &pool_id, &req, node_quota)?;
        let target = target_nodes(&req);
        let (pool_state, secs) = if target == old.status.total_nodes {
            ("updating", durations::UPDATE_NODEPOOL)
        } else if target > old.status.total_nodes {
            ("scaling", durations::SCALE_NODEPOOL)
        } else {
            ("removing", durations::SCALE_NODEPOOL)
        };
        let mut detail = detail_from(&req, &pool_id, pool_state, old.status.total_nodes);
        // ModifyClusterNodePool leaves the nodes' versions alone.
        detail.node_components = old.node_components;
        tasks::save_pool_update(&state, conn, &cluster_id, &detail, secs, target)
    })?;
    Ok(pool_response(Some(&pool_id), task_id))
}

/// `DELETE /clusters/{cluster_id}/nodepools/{nodepool_id}`: `deleting` →
/// gone. A pool whose nodes cannot be drained (the `stuck_pools` fault)
/// stays `deleting` and says why, until a delete with `force=true`
/// removes its nodes anyway.
pub async fn delete(
    State(state): State<SharedState>,
    Path((cluster_id, pool_id)): Path<(String, String)>,
    q: ApiQuery,
) -> ApiResult<Json<TaskResponse>> {
    let force = q.get("force").is_some_and(|f| f == "true");
    let stuck_pools = state
        .faults
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .capacity
        .stuck_pools
        .clone();
    let task_id = state.tx(|conn| {
        running(conn, &cluster_id)?;
        let mut pool = store::get_pool(conn, &cluster_id, &pool_id)?;
        let draining = pool.status.conditions.iter().any(|c| c.kind == "Draining");
        if pool.status.state == "deleting" && !(force && draining) {
            return Err(ApiError::bad_request(
                "ErrorNodePoolState",
                "The node pool is already being deleted.",
            ));
        }
        pool.status.state = "deleting".into();
        let stuck = !force
            && pool.status.total_nodes > 0
            && stuck_pools.contains(&pool.nodepool_info.name);
        if stuck {
            pool.status.conditions = vec![ack_api::model::PoolCondition {
                kind: "Draining".into(),
                status: "False".into(),
                reason: "NodeDrainFailed".into(),
                message: format!(
                    "Node pool {pool_id} ({}): {} nodes cannot be drained (pods whose PodDisruptionBudget allows no disruption); delete with force=true to remove them anyway.",
                    pool.nodepool_info.name, pool.status.total_nodes
                ),
            }];
        }
        store::save_pool(conn, &cluster_id, &pool)?;
        let secs = if stuck { 1e12 } else { durations::DELETE_NODEPOOL };
        tasks::start(
            &state,
            conn,
            &cluster_id,
            Some(&pool_id),
            kinds::NODEPOOL_DELETE,
            secs,
            json!({}),
        )
    })?;
    Ok(pool_response(None, task_id))
}
