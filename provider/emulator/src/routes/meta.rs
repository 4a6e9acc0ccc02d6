//! DescribeTaskInfo and DescribeKubernetesVersionMetadata.

use ack_api::model::{Runtime, TaskInfo, VersionMetadata};
use ack_api::versions;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use serde_json::json;

use super::ApiQuery;

use crate::error::{ApiError, ApiResult};
use crate::{store, SharedState};

/// `GET /tasks/{task_id}`.
pub async fn task(
    State(state): State<SharedState>,
    Path(task_id): Path<String>,
) -> ApiResult<Json<TaskInfo>> {
    let t = state.tx(|c| store::get_task(c, &task_id))?;
    t.map(|t| Json(t.info)).ok_or_else(|| {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "ErrorTaskNotFound",
            format!("The task {task_id} does not exist."),
        )
    })
}

/// `GET /api/v1/metadata/versions`: the offered versions, their dates and
/// runtimes, and where each can go next. Only `ManagedKubernetes` with the
/// `Default` profile is modelled: other cluster types and profiles get an
/// empty list. `ClusterType` defaults to `ManagedKubernetes`.
pub async fn versions(q: ApiQuery) -> ApiResult<Json<Vec<VersionMetadata>>> {
    if let Some(r) = q.get("Region") {
        if !r.contains('-') {
            return Err(ApiError::bad_request(
                "InvalidParameter.RegionId",
                format!("The region {r:?} is not valid, e.g. cn-hangzhou."),
            ));
        }
    }
    let managed = q
        .get("ClusterType")
        .is_none_or(|t| t.eq_ignore_ascii_case("ManagedKubernetes"));
    let default_profile = q.get("Profile").is_none_or(|p| p == "Default");
    let wanted = q.get("KubernetesVersion");
    let upgradable_only = q.flag("QueryUpgradableVersion").unwrap_or(false);
    let runtime = q.get("runtime");
    if !(managed && default_profile) {
        return Ok(Json(Vec::new()));
    }
    let out = versions::LIFECYCLE
        .iter()
        .filter(|l| wanted.is_none_or(|w| w == l.version))
        .filter(|l| runtime.is_none_or(|r| l.runtimes.iter().any(|(n, _)| *n == r)))
        .map(|l| VersionMetadata {
            version: l.version.to_owned(),
            upgradable_versions: versions::next_versions(l.version)
                .into_iter()
                .map(str::to_owned)
                .collect(),
            creatable: true,
            release_date: l.release_date.to_owned(),
            expiration_date: l.expiration_date.to_owned(),
            runtimes: l
                .runtimes
                .iter()
                .map(|(name, version)| Runtime {
                    name: (*name).to_owned(),
                    version: (*version).to_owned(),
                })
                .collect(),
            capabilities: [("AnyAZ".to_owned(), json!(true))].into_iter().collect(),
            meta_data: [
                ("KubernetesVersion".to_owned(), json!(l.version)),
                ("SubClass".to_owned(), json!("default")),
            ]
            .into_iter()
            .collect(),
        })
        .filter(|m| !upgradable_only || !m.upgradable_versions.is_empty())
        .collect();
    Ok(Json(out))
}
