//! Cluster inspection (professional security management, ACK Pro only):
//! CreateClusterInspectConfig, UpdateClusterInspectConfig,
//! GetClusterInspectConfig, DeleteClusterInspectConfig,
//! ListClusterInspectReports and RunClusterInspect. The schedule rule is
//! `ack_api::rules::recurrence`; enabling inspection runs one at once.

use ack_api::edition::Feature;
use ack_api::model::{
    CreateInspectConfig, InspectConfig, InspectReport, InspectReportList, InspectSummary,
    UpdateInspectConfig,
};
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use rusqlite::Connection;
use serde_json::{json, Value};

use super::clusters::{check_cluster_id, require, running};
use super::ApiQuery;
use crate::addon_store;
use crate::error::{parse_body, request_id, ApiError, ApiResult};
use crate::{now_rfc3339, store, SharedState};

/// Check items of an inspection; `disabled_check_items` names some of them.
pub const CHECK_ITEMS: [&str; 8] = [
    "ApiServerAvailability",
    "EtcdHealth",
    "NodeReady",
    "NodeDiskPressure",
    "CoreDnsReplicas",
    "CertificateExpiry",
    "SecurityGroupRules",
    "KubeletVersionSkew",
];

fn not_configured(id: &str) -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "InspectConfigNotFound",
        format!("The cluster {id} has no inspection configuration."),
    )
}

fn check_schedule(rule: &str) -> ApiResult<()> {
    ack_api::rules::recurrence(rule)
        .map(|_| ())
        .map_err(|e| ApiError::bad_request("InvalidParameter.Recurrence", e.to_string()))
}

fn check_items(items: &[String]) -> ApiResult<()> {
    let mut seen = std::collections::HashSet::new();
    for i in items {
        if !CHECK_ITEMS.contains(&i.as_str()) {
            return Err(ApiError::bad_request(
                "InvalidParameter.DisabledCheckItems",
                format!(
                    "{i:?} is not a check item; check items: {}.",
                    CHECK_ITEMS.join(", ")
                ),
            ));
        }
        if !seen.insert(i) {
            return Err(ApiError::bad_request(
                "InvalidParameter.DisabledCheckItems",
                format!("{i:?} is listed twice."),
            ));
        }
    }
    Ok(())
}

/// A finished inspection of the cluster with `config`'s check items.
fn inspect(conn: &Connection, id: &str, config: &InspectConfig) -> ApiResult<String> {
    let now = now_rfc3339();
    let checked = CHECK_ITEMS.len() - config.disabled_check_items.len();
    let advice = u64::from(
        !config
            .disabled_check_items
            .iter()
            .any(|i| i == "CertificateExpiry"),
    );
    let report = InspectReport {
        report_id: format!("ir-{}", &uuid::Uuid::new_v4().simple().to_string()[..20]),
        start_time: now.clone(),
        end_time: now,
        status: "completed".into(),
        summary: InspectSummary {
            code: "Success".into(),
            normal_count: checked as u64 - advice,
            advice_count: advice,
            warn_count: 0,
            error_count: 0,
        },
    };
    addon_store::insert_report(conn, id, &report)?;
    Ok(report.report_id)
}

/// `POST /clusters/{cluster_id}/inspectConfig`.
pub async fn create_config(
    State(state): State<SharedState>,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult<Json<Value>> {
    let req: CreateInspectConfig = parse_body(&body)?;
    check_schedule(&req.recurrence)?;
    check_items(&req.disabled_check_items)?;
    state.tx(|conn| {
        let row = running(conn, &id)?;
        require(&row.doc, Feature::ClusterInspection)?;
        if addon_store::get_inspect_config(conn, &id)?.is_some() {
            return Err(ApiError::new(
                StatusCode::CONFLICT,
                "InspectConfigAlreadyExists",
                format!(
                    "The cluster {id} already has an inspection configuration; update it instead."
                ),
            ));
        }
        let config = InspectConfig {
            enabled: req.enabled,
            recurrence: req.recurrence.clone(),
            disabled_check_items: req.disabled_check_items.clone(),
        };
        addon_store::save_inspect_config(conn, &id, &config)?;
        if config.enabled {
            inspect(conn, &id, &config)?;
        }
        Ok(())
    })?;
    Ok(Json(json!({ "requestId": request_id() })))
}

/// `PUT /clusters/{cluster_id}/inspectConfig`.
pub async fn update_config(
    State(state): State<SharedState>,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult<Json<Value>> {
    // Not pruned: an explicit empty `disabledCheckItems` (top level, where
    // the SDK sends only what the caller set) clears the list.
    let req: UpdateInspectConfig = if body.iter().all(u8::is_ascii_whitespace) {
        UpdateInspectConfig::default()
    } else {
        serde_json::from_slice(&body)
            .map_err(|e| ApiError::invalid(format!("The request body is not valid: {e}")))?
    };
    if let Some(rule) = &req.schedule_time {
        check_schedule(rule)?;
    }
    if let Some(items) = &req.disabled_check_items {
        check_items(items)?;
    }
    state.tx(|conn| {
        let row = running(conn, &id)?;
        require(&row.doc, Feature::ClusterInspection)?;
        let mut config =
            addon_store::get_inspect_config(conn, &id)?.ok_or_else(|| not_configured(&id))?;
        let was = config.enabled;
        if let Some(e) = req.enabled {
            config.enabled = e;
        }
        if let Some(rule) = &req.schedule_time {
            config.recurrence.clone_from(rule);
        }
        if let Some(items) = &req.disabled_check_items {
            config.disabled_check_items.clone_from(items);
        }
        addon_store::save_inspect_config(conn, &id, &config)?;
        if config.enabled && !was {
            inspect(conn, &id, &config)?;
        }
        Ok(())
    })?;
    Ok(Json(json!({ "requestId": request_id() })))
}

/// `GET /clusters/{cluster_id}/inspectConfig`.
pub async fn get_config(
    State(state): State<SharedState>,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    check_cluster_id(&id)?;
    let config = state.tx(|conn| {
        store::get_cluster(conn, &id)?;
        addon_store::get_inspect_config(conn, &id)
    })?;
    let config = config.ok_or_else(|| not_configured(&id))?;
    let mut body = serde_json::to_value(config)?;
    body["requestId"] = json!(request_id());
    Ok(Json(body))
}

/// `DELETE /clusters/{cluster_id}/inspectConfig`.
pub async fn delete_config(
    State(state): State<SharedState>,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    check_cluster_id(&id)?;
    state.tx(|conn| {
        store::get_cluster(conn, &id)?;
        addon_store::get_inspect_config(conn, &id)?.ok_or_else(|| not_configured(&id))?;
        addon_store::delete_inspect_config(conn, &id)
    })?;
    Ok(Json(json!({ "requestId": request_id() })))
}

/// `GET /clusters/{cluster_id}/inspectReports?maxResults=&nextToken=`:
/// newest first; `nextToken` is where the next page starts.
pub async fn list_reports(
    State(state): State<SharedState>,
    Path(id): Path<String>,
    q: ApiQuery,
) -> ApiResult<Json<InspectReportList>> {
    check_cluster_id(&id)?;
    let max = match q.get("maxResults") {
        None => 20,
        Some(m) => match m.parse::<usize>() {
            Ok(n) if (1..=50).contains(&n) => n,
            _ => {
                return Err(ApiError::invalid(format!(
                    "maxResults {m:?} is not a number from 1 to 50."
                )))
            }
        },
    };
    let start = match q.get("nextToken") {
        None => 0,
        Some(t) => t.parse::<usize>().map_err(|_| {
            ApiError::invalid(format!("nextToken {t:?} is not a token this API gave."))
        })?,
    };
    let all = state.tx(|conn| {
        store::get_cluster(conn, &id)?;
        addon_store::list_reports(conn, &id)
    })?;
    let end = (start + max).min(all.len());
    let reports = all.get(start..end).map(<[_]>::to_vec).unwrap_or_default();
    Ok(Json(InspectReportList {
        reports,
        next_token: if end < all.len() {
            end.to_string()
        } else {
            String::new()
        },
    }))
}

/// `POST /clusters/{cluster_id}/inspectReports` (RunClusterInspect).
pub async fn run(
    State(state): State<SharedState>,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    let report = state.tx(|conn| {
        let row = running(conn, &id)?;
        require(&row.doc, Feature::ClusterInspection)?;
        let config = addon_store::get_inspect_config(conn, &id)?.unwrap_or_default();
        inspect(conn, &id, &config)
    })?;
    Ok(Json(
        json!({ "requestId": request_id(), "reportId": report, "taskId": "" }),
    ))
}
