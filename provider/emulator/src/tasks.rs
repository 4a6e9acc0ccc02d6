//! Asynchronous operations. A mutation moves its object to a transitional
//! state and records a task with a due time (the real service's duration
//! divided by `--speed`); the runner completes due tasks in transactions.
//! Tasks live in SQLite, so after a restart they simply become due again.

use std::time::Duration;

use ack_api::model::{NodePoolDetail, PoolCondition, TaskInfo};
use rusqlite::Connection;
use serde_json::{json, Value};

use crate::error::ApiResult;
use crate::faults::Capacity;
use crate::placement;
use crate::store::{self, TaskRow};
use crate::{now_ms, now_rfc3339, SharedState, State};

/// Durations of the real service, in seconds.
pub mod durations {
    pub const CREATE_CLUSTER: f64 = 600.0;
    pub const DELETE_CLUSTER: f64 = 300.0;
    pub const MODIFY_CLUSTER: f64 = 30.0;
    pub const MIGRATE_CLUSTER: f64 = 300.0;
    pub const UPGRADE_CLUSTER: f64 = 600.0;
    pub const TAGS: f64 = 10.0;
    pub const KMS: f64 = 60.0;
    /// UpdateKMSEncryption refuses a second change within this window.
    pub const KMS_COOLDOWN: f64 = 300.0;
    pub const CREATE_NODEPOOL: f64 = 180.0;
    pub const SCALE_NODEPOOL: f64 = 120.0;
    pub const UPDATE_NODEPOOL: f64 = 60.0;
    pub const UPGRADE_NODEPOOL: f64 = 300.0;
    pub const DELETE_NODEPOOL: f64 = 120.0;
    pub const ADDON_CONFIG: f64 = 30.0;
    pub const ADDON_INSTALL: f64 = 60.0;
    pub const ADDON_UPGRADE: f64 = 60.0;
    pub const ADDON_UNINSTALL: f64 = 30.0;
}

/// Task types (what completing them does).
pub mod kinds {
    pub const CLUSTER_CREATE: &str = "cluster_create";
    pub const CLUSTER_UPDATE: &str = "cluster_update";
    pub const CLUSTER_MIGRATE: &str = "cluster_migrate";
    pub const CLUSTER_UPGRADE: &str = "cluster_upgrade";
    pub const CLUSTER_DELETE: &str = "cluster_delete";
    pub const NODEPOOL_CREATE: &str = "nodepool_create";
    pub const NODEPOOL_UPDATE: &str = "nodepool_update";
    pub const NODEPOOL_UPGRADE: &str = "nodepool_upgrade";
    pub const NODEPOOL_DELETE: &str = "nodepool_delete";
    pub const ADDON_CONFIG: &str = "addon_config";
    pub const ADDON_INSTALL: &str = "addon_install";
    pub const ADDON_UPGRADE: &str = "addon_upgrade";
    pub const ADDON_UNINSTALL: &str = "addon_uninstall";
}

/// Saves a cluster as `updating` and starts the task that brings it back
/// to `running` after `secs` (ModifyCluster, tags, KMS).
pub fn update_cluster(
    state: &State,
    conn: &Connection,
    row: &mut store::ClusterRow,
    secs: f64,
) -> ApiResult<String> {
    cluster_task(
        state,
        conn,
        row,
        "updating",
        kinds::CLUSTER_UPDATE,
        secs,
        json!({}),
    )
}

/// Moves a cluster to the transitional state `to` and starts the task (of
/// `kind`, lasting `secs` of the real service) that ends it.
pub fn cluster_task(
    state: &State,
    conn: &Connection,
    row: &mut store::ClusterRow,
    to: &str,
    kind: &str,
    secs: f64,
    payload: Value,
) -> ApiResult<String> {
    row.doc.state = to.into();
    store::save_cluster(conn, row)?;
    let id = row.doc.cluster_id.clone();
    start(state, conn, &id, None, kind, secs, payload)
}

/// Saves a pool in the transitional state an update moved it to, and
/// starts the update task (`secs` long) that completes it with `nodes`
/// nodes.
pub fn save_pool_update(
    state: &State,
    conn: &Connection,
    cluster_id: &str,
    pool: &NodePoolDetail,
    secs: f64,
    nodes: u64,
) -> ApiResult<String> {
    store::save_pool(conn, cluster_id, pool)?;
    let pool_id = Some(pool.nodepool_info.nodepool_id.as_str());
    let payload = json!({ "nodes": nodes });
    start(
        state,
        conn,
        cluster_id,
        pool_id,
        kinds::NODEPOOL_UPDATE,
        secs,
        payload,
    )
}

/// Saves a cluster in the transitional state a mutation moved it to, and
/// starts the cluster task of `kind` (no payload) that completes it.
pub fn save_and_start(
    state: &State,
    conn: &Connection,
    row: &store::ClusterRow,
    kind: &str,
    secs: f64,
) -> ApiResult<String> {
    store::save_cluster(conn, row)?;
    start(
        state,
        conn,
        &row.doc.cluster_id,
        None,
        kind,
        secs,
        json!({}),
    )
}

/// Records a new running task, due `secs` (real-service seconds) from now.
pub fn start(
    state: &State,
    conn: &Connection,
    cluster_id: &str,
    nodepool_id: Option<&str>,
    kind: &str,
    secs: f64,
    payload: Value,
) -> ApiResult<String> {
    let id = format!("T-{}", &uuid::Uuid::new_v4().simple().to_string()[..24]);
    let now = now_rfc3339();
    store::insert_task(
        conn,
        &TaskRow {
            info: TaskInfo {
                task_id: id.clone(),
                cluster_id: cluster_id.to_owned(),
                task_type: kind.to_owned(),
                state: "running".into(),
                error: None,
                created: now.clone(),
                updated: now,
            },
            nodepool_id: nodepool_id.map(str::to_owned),
            due_ms: now_ms() + state.scaled_ms(secs),
            payload,
        },
    )?;
    state.task_wakeup.notify_one();
    Ok(id)
}

fn region_of(conn: &Connection, cluster_id: &str) -> ApiResult<String> {
    Ok(store::find_cluster(conn, cluster_id)?
        .map(|r| r.doc.region_id)
        .unwrap_or_default())
}

/// Completes one due task.
fn complete(conn: &Connection, t: &TaskRow, capacity: &Capacity) -> ApiResult<()> {
    let cid = &t.info.cluster_id;
    let now = now_rfc3339();
    let mut failure = None;
    match t.info.task_type.as_str() {
        kinds::CLUSTER_DELETE => store::delete_cluster(conn, cid)?,
        kinds::NODEPOOL_DELETE => {
            if let Some(np) = &t.nodepool_id {
                if let Ok(pool) = store::get_pool(conn, cid, np) {
                    let region = region_of(conn, cid)?;
                    placement::release(conn, &region, &pool, pool.status.total_nodes)?;
                }
                store::delete_pool(conn, np)?;
            }
        }
        kinds::NODEPOOL_CREATE | kinds::NODEPOOL_UPDATE | kinds::NODEPOOL_UPGRADE => {
            if let Some(np) = &t.nodepool_id {
                if let Ok(mut pool) = store::get_pool(conn, cid, np) {
                    if let Some(v) = t.payload.get("kubernetes_version").and_then(Value::as_str) {
                        pool.set_kubelet_version(v);
                    }
                    let target = t
                        .payload
                        .get("nodes")
                        .and_then(Value::as_u64)
                        .unwrap_or(pool.status.total_nodes);
                    let current = pool.status.total_nodes;
                    let mut nodes = target;
                    pool.status.failed_nodes = 0;
                    pool.status.conditions.clear();
                    if target < current {
                        let region = region_of(conn, cid)?;
                        placement::release(conn, &region, &pool, current - target)?;
                    }
                    if target > current {
                        let region = region_of(conn, cid)?;
                        let p = placement::place(conn, &region, &pool, target - current, capacity)?;
                        nodes = current + p.placed;
                        if let Some((code, message)) = p.failure {
                            pool.status.failed_nodes = target - nodes;
                            pool.status.conditions.push(PoolCondition {
                                kind: "ScalingActivity".into(),
                                status: "False".into(),
                                reason: code.clone(),
                                message: message.clone(),
                            });
                            failure = Some(json!({"code": code, "message": message}));
                        }
                    }
                    pool.status.state = "active".into();
                    pool.status.total_nodes = nodes;
                    pool.status.healthy_nodes = nodes;
                    pool.status.initial_nodes = 0;
                    pool.status.removing_nodes = 0;
                    store::save_pool(conn, cid, &pool)?;
                }
            }
        }
        kinds::ADDON_INSTALL | kinds::ADDON_UPGRADE | kinds::ADDON_UNINSTALL => {
            finish_addons(conn, t)?;
        }
        kinds::ADDON_CONFIG if t.payload.get("name").is_some() => finish_addons(conn, t)?,
        _ => {}
    }
    if let Some(mut row) = store::find_cluster(conn, cid)? {
        match t.info.task_type.as_str() {
            kinds::CLUSTER_CREATE | kinds::CLUSTER_UPDATE => row.doc.state = "running".into(),
            kinds::CLUSTER_MIGRATE => {
                row.doc.state = "running".into();
                if let Some(spec) = t.payload.get("spec").and_then(Value::as_str) {
                    row.doc.cluster_spec = spec.to_owned();
                }
            }
            kinds::CLUSTER_UPGRADE => {
                row.doc.state = "running".into();
                if let Some(v) = t.payload.get("next_version").and_then(Value::as_str) {
                    row.doc.current_version = v.to_owned();
                    // Without `master_only`, the workers follow.
                    if t.payload.get("master_only") == Some(&Value::Bool(false)) {
                        for mut pool in store::list_pools(conn, cid)? {
                            pool.set_kubelet_version(v);
                            store::save_pool(conn, cid, &pool)?;
                        }
                    }
                }
                row.doc.next_version.clear();
            }
            kinds::ADDON_CONFIG if t.payload.get("name").is_none() => {
                row.scheduler_state = Some("active".into());
            }
            _ => {}
        }
        row.doc.size = store::list_pools(conn, cid)?
            .iter()
            .map(|p| p.status.total_nodes)
            .sum();
        row.doc.updated.clone_from(&now);
        store::save_cluster(conn, &row)?;
    }
    match failure {
        Some(error) => store::finish_task(
            conn,
            &t.info.task_id,
            "failed",
            &now,
            &json!({ "error": error }),
        ),
        None => store::finish_task(conn, &t.info.task_id, "success", &now, &json!({})),
    }
}

/// Completes an addon task: installed, configured or upgraded addons are
/// active (at their new version), uninstalled ones gone.
fn finish_addons(conn: &Connection, t: &TaskRow) -> ApiResult<()> {
    let cid = &t.info.cluster_id;
    let p = &t.payload;
    let mut names: Vec<String> = p
        .get("names")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|n| n.as_str().map(str::to_owned))
        .collect();
    names.extend(p.get("name").and_then(Value::as_str).map(str::to_owned));
    let versions = p.get("versions").and_then(Value::as_object);
    names.extend(versions.into_iter().flat_map(|v| v.keys().cloned()));
    for name in names {
        if t.info.task_type == kinds::ADDON_UNINSTALL {
            crate::addon_store::delete_addon(conn, cid, &name)?;
            continue;
        }
        if let Some(mut a) = crate::addon_store::get_addon(conn, cid, &name)? {
            if let Some(v) = versions.and_then(|v| v.get(&name)).and_then(Value::as_str) {
                v.clone_into(&mut a.version);
            }
            a.state = "active".into();
            crate::addon_store::save_addon(conn, cid, &a)?;
        }
    }
    Ok(())
}

/// Completes every due task; returns how many.
pub fn tick(state: &State) -> ApiResult<usize> {
    let capacity = state
        .faults
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .capacity
        .clone();
    state.tx(|conn| {
        let due = store::due_tasks(conn, now_ms())?;
        for t in &due {
            complete(conn, t, &capacity)?;
        }
        Ok(due.len())
    })
}

/// Runs forever: completes tasks as they fall due.
pub async fn runner(state: SharedState) {
    loop {
        if let Err(e) = tick(&state) {
            tracing::error!(error = %e, "task runner");
        }
        let wait = match state.tx(store::next_due) {
            Ok(Some(due)) => {
                Duration::from_millis(u64::try_from((due - now_ms()).max(1)).unwrap_or(1))
            }
            _ => Duration::from_secs(1),
        };
        tokio::select! {
            () = tokio::time::sleep(wait.min(Duration::from_secs(1))) => {},
            () = state.task_wakeup.notified() => {},
        }
    }
}
