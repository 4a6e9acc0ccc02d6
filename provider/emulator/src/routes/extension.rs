//! **Not an ACK API.** ACK has no public API for etcd backups; this is the
//! emulator's own extension, under `/x-ack-emulator/…`, so that the
//! `ack_backup_policy` resource has something to manage. Pro clusters only.

use ack_api::edition::Feature;
use ack_api::model::BackupPolicy;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;

use super::clusters::{check_cluster_id, require, running};
use crate::error::{parse_body, ApiError, ApiResult};
use crate::{store, SharedState};

fn validate(p: &BackupPolicy, cluster_region: &str) -> ApiResult<()> {
    if let Some(c) = &p.cold_backup {
        if !(1..=24).contains(&c.interval_hours) || !(1..=365).contains(&c.retention_days) {
            return Err(ApiError::invalid(
                "cold_backup: interval_hours 1-24, retention_days 1-365",
            ));
        }
    }
    if let Some(h) = &p.hot_backup {
        if !(5..=60).contains(&h.interval_minutes) || !(1..=168).contains(&h.retention_hours) {
            return Err(ApiError::invalid(
                "hot_backup: interval_minutes 5-60, retention_hours 1-168",
            ));
        }
    }
    if let Some(g) = &p.geo_replication {
        if let Err(e) = ack_api::rules::region_id(&g.region) {
            return Err(ApiError::invalid(format!("geo_replication.region: {e}")));
        }
        if g.region == cluster_region {
            return Err(ApiError::invalid(format!(
                "geo_replication.region must be another region than the cluster's ({cluster_region})"
            )));
        }
    }
    Ok(())
}

fn not_found(id: &str) -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "ErrorBackupPolicyNotFound",
        format!("cluster {id} has no etcd backup policy"),
    )
}

pub async fn get_policy(
    State(state): State<SharedState>,
    Path(id): Path<String>,
) -> ApiResult<Json<BackupPolicy>> {
    check_cluster_id(&id)?;
    let row = state.tx(|c| store::get_cluster(c, &id))?;
    let policy = row.backup.ok_or_else(|| not_found(&id))?;
    Ok(Json(serde_json::from_str(&policy)?))
}

pub async fn put_policy(
    State(state): State<SharedState>,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult<Json<BackupPolicy>> {
    let policy: BackupPolicy = parse_body(&body)?;
    state.tx(|conn| {
        let mut row = running(conn, &id)?;
        require(&row.doc, Feature::EtcdBackupPolicy)?;
        validate(&policy, &row.doc.region_id)?;
        row.backup = Some(serde_json::to_string(&policy)?);
        store::save_cluster(conn, &row)
    })?;
    Ok(Json(policy))
}

pub async fn delete_policy(
    State(state): State<SharedState>,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    state.tx(|conn| {
        check_cluster_id(&id)?;
        let mut row = store::get_cluster(conn, &id)?;
        if row.backup.is_none() {
            return Err(not_found(&id));
        }
        row.backup = None;
        store::save_cluster(conn, &row)
    })?;
    Ok(StatusCode::OK)
}
