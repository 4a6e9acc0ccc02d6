//! Control-plane logs (UpdateControlPlaneLog, CheckControlPlaneLogEnable)
//! and the API server audit log (UpdateClusterAuditLogConfig,
//! GetClusterAuditProject): set at CreateCluster or later, each change an
//! asynchronous cluster update as on the service.

use ack_api::model::{AuditLogUpdate, AuditProject, ControlPlaneLog, TaskResponse};
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::Json;
use rusqlite::{params, Connection, OptionalExtension};

use super::clusters::{check_cluster_id, running, task_response};
use crate::error::{parse_body, ApiError, ApiResult};
use crate::tasks::{self, durations};
use crate::{store, SharedState};

/// The default SLS project of a cluster's logs.
fn default_project(cluster_id: &str) -> String {
    format!("k8s-log-{cluster_id}")
}

/// Checks a control-plane log setting and fills the service's defaults.
pub(super) fn checked(cluster_id: &str, mut log: ControlPlaneLog) -> ApiResult<ControlPlaneLog> {
    for c in &log.components {
        ack_api::rules::control_plane_log_component(c)
            .map_err(|e| ApiError::invalid(format!("components: {e}")))?;
    }
    let ttl = log
        .log_ttl
        .as_deref()
        .filter(|t| !t.is_empty())
        .unwrap_or("30");
    match ttl.parse::<u32>() {
        Ok(days) if (1..=3000).contains(&days) => log.log_ttl = Some(days.to_string()),
        _ => {
            return Err(ApiError::invalid(format!(
                "log_ttl {ttl:?}: a number of days from 1 to 3000."
            )))
        }
    }
    if log.log_project.as_deref().is_none_or(str::is_empty) {
        log.log_project = Some(default_project(cluster_id));
    }
    Ok(log)
}

fn load(conn: &Connection, cluster_id: &str, column: &str) -> ApiResult<Option<String>> {
    let sql = format!("SELECT {column} FROM cluster_logs WHERE cluster_id = ?1");
    Ok(conn
        .query_row(&sql, params![cluster_id], |r| r.get::<_, Option<String>>(0))
        .optional()?
        .flatten())
}

/// Stores a cluster's control-plane log setting (`None`: off).
pub(super) fn save_control_plane(
    conn: &Connection,
    cluster_id: &str,
    log: Option<&ControlPlaneLog>,
) -> ApiResult<()> {
    let doc = log.map(serde_json::to_string).transpose()?;
    conn.execute(
        "INSERT INTO cluster_logs (cluster_id, controlplane) VALUES (?1, ?2)
         ON CONFLICT(cluster_id) DO UPDATE SET controlplane = excluded.controlplane",
        params![cluster_id, doc],
    )?;
    Ok(())
}

/// Stores a cluster's audit log project (`None`: off).
pub(super) fn save_audit(
    conn: &Connection,
    cluster_id: &str,
    project: Option<&str>,
) -> ApiResult<()> {
    conn.execute(
        "INSERT INTO cluster_logs (cluster_id, audit) VALUES (?1, ?2)
         ON CONFLICT(cluster_id) DO UPDATE SET audit = excluded.audit",
        params![cluster_id, project],
    )?;
    Ok(())
}

/// The audit log's project at create, default `k8s-log-{id}`.
pub(super) fn audit_project(cluster_id: &str, name: Option<&str>) -> String {
    name.filter(|n| !n.is_empty())
        .map_or_else(|| default_project(cluster_id), str::to_owned)
}

/// `PUT /clusters/{id}/controlplanelog`.
pub async fn update_control_plane(
    State(state): State<SharedState>,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult<Json<TaskResponse>> {
    let req: ControlPlaneLog = parse_body(&body)?;
    let log = checked(&id, req)?;
    let task_id = state.tx(|conn| {
        let mut row = running(conn, &id)?;
        let on = !log.components.is_empty();
        save_control_plane(conn, &id, on.then_some(&log))?;
        tasks::update_cluster(&state, conn, &mut row, durations::MODIFY_CLUSTER)
    })?;
    Ok(task_response(&id, task_id))
}

/// `GET /clusters/{id}/controlplanelog`: the components whose logs are
/// collected (none: off).
pub async fn control_plane(
    State(state): State<SharedState>,
    Path(id): Path<String>,
) -> ApiResult<Json<ControlPlaneLog>> {
    check_cluster_id(&id)?;
    let log = state.tx(|conn| {
        store::get_cluster(conn, &id)?;
        load(conn, &id, "controlplane")
    })?;
    let log = match log {
        Some(doc) => serde_json::from_str(&doc)?,
        None => ControlPlaneLog {
            components: Vec::new(),
            log_project: Some(String::new()),
            log_ttl: Some(String::new()),
            aliuid: Some(String::new()),
        },
    };
    Ok(Json(log))
}

/// `PUT /clusters/{id}/audit_log`.
pub async fn update_audit(
    State(state): State<SharedState>,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult<Json<TaskResponse>> {
    let req: AuditLogUpdate = parse_body(&body)?;
    let task_id = state.tx(|conn| {
        let mut row = running(conn, &id)?;
        let project = (!req.disable).then(|| audit_project(&id, req.sls_project_name.as_deref()));
        save_audit(conn, &id, project.as_deref())?;
        tasks::update_cluster(&state, conn, &mut row, durations::MODIFY_CLUSTER)
    })?;
    Ok(task_response(&id, task_id))
}

/// `GET /clusters/{id}/audit`.
pub async fn audit(
    State(state): State<SharedState>,
    Path(id): Path<String>,
) -> ApiResult<Json<AuditProject>> {
    check_cluster_id(&id)?;
    let project = state.tx(|conn| {
        store::get_cluster(conn, &id)?;
        load(conn, &id, "audit")
    })?;
    Ok(Json(AuditProject {
        audit_enabled: project.is_some(),
        sls_project_name: project.unwrap_or_default(),
    }))
}
