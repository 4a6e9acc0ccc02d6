//! DescribeTaskInfo and DescribeKubernetesVersionMetadata.

use ack_api::model::{TaskInfo, VersionMetadata};
use ack_api::versions;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use std::collections::HashMap;

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
            format!("task {task_id} not found"),
        )
    })
}

/// `GET /api/v1/metadata/versions`: the offered versions and where each can go next.
pub async fn versions(Query(q): Query<HashMap<String, String>>) -> Json<Vec<VersionMetadata>> {
    let wanted = q.get("KubernetesVersion").filter(|v| !v.is_empty());
    Json(
        versions::SUPPORTED
            .iter()
            .filter(|v| wanted.is_none_or(|w| w == *v))
            .map(|v| VersionMetadata {
                version: (*v).to_owned(),
                upgradable_versions: versions::next_versions(v)
                    .into_iter()
                    .map(str::to_owned)
                    .collect(),
                creatable: true,
            })
            .collect(),
    )
}
