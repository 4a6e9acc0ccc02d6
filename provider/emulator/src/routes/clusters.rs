//! Cluster operations: CreateCluster, DescribeClusterDetail,
//! DescribeClustersV1, ModifyCluster, DeleteCluster, MigrateCluster,
//! UpgradeCluster, ModifyClusterTags.

use std::collections::HashMap;

use ack_api::edition::{self, EditionId, Feature};
use ack_api::model::{
    ClusterDetail, ClusterList, CreateClusterRequest, MigrateClusterRequest, ModifyClusterRequest,
    ModifyTagsRequest, PageInfo, TaskResponse, UpgradeClusterRequest,
};
use ack_api::versions;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use rusqlite::Connection;
use serde_json::json;

use crate::error::{parse_body, request_id, ApiError, ApiResult};
use crate::store::{self, ClusterRow};
use crate::tasks::{self, durations, kinds};
use crate::{now_rfc3339, SharedState};

pub(super) fn check_name(name: &str, what: &str) -> ApiResult<()> {
    super::rules::name(name, what)
}

/// Cluster IDs are `c` + 32 hex digits.
pub(super) fn check_cluster_id(id: &str) -> ApiResult<()> {
    let ok =
        id.len() == 33 && id.starts_with('c') && id[1..].bytes().all(|b| b.is_ascii_hexdigit());
    if ok {
        Ok(())
    } else {
        Err(ApiError::cluster_not_found(id))
    }
}

/// The edition of a stored cluster.
pub(super) fn edition_of(c: &ClusterDetail) -> &'static edition::Edition {
    edition::by_cluster_spec(&c.cluster_spec).unwrap_or(edition::get(EditionId::Standard))
}

pub(super) fn require(c: &ClusterDetail, f: Feature) -> ApiResult<()> {
    edition_of(c)
        .require(f)
        .map_err(|e| ApiError::edition(e.to_string()))
}

/// A running cluster, ready for a change.
pub(super) fn running(conn: &Connection, id: &str) -> ApiResult<ClusterRow> {
    check_cluster_id(id)?;
    let row = store::get_cluster(conn, id)?;
    if row.doc.state != "running" {
        return Err(ApiError::cluster_state(&row.doc.state));
    }
    Ok(row)
}

fn name_taken(conn: &Connection, region: &str, name: &str, except: &str) -> ApiResult<bool> {
    Ok(store::list_clusters(conn)?
        .iter()
        .any(|c| c.region_id == region && c.name == name && c.cluster_id != except))
}

fn task_response(cluster_id: &str, task_id: String) -> Json<TaskResponse> {
    Json(TaskResponse {
        cluster_id: Some(cluster_id.to_owned()),
        nodepool_id: None,
        request_id: request_id(),
        task_id,
    })
}

fn master_url(id: &str) -> String {
    let n = u8::from_str_radix(&id[id.len() - 2..], 16).unwrap_or(1);
    json!({
        "api_server_endpoint": format!("https://47.96.{}.{}:6443", n / 2, n),
        "intranet_api_server_endpoint": format!("https://192.168.0.{}:6443", n.max(2)),
    })
    .to_string()
}

/// `meta_data` as the service reports it: a JSON string with `Capabilities`.
pub(super) fn meta_data(kms_key: Option<&str>) -> String {
    json!({
        "Capabilities": {
            "EncryptionKMSKeyId": kms_key.unwrap_or_default(),
            "DisableEncryption": kms_key.is_none(),
        }
    })
    .to_string()
}

/// `POST /clusters`.
pub async fn create(
    State(state): State<SharedState>,
    body: Bytes,
) -> ApiResult<Json<TaskResponse>> {
    let req: CreateClusterRequest = parse_body(&body)?;
    check_name(&req.name, "cluster")?;
    if req.region_id.is_empty() || !req.region_id.contains('-') {
        return Err(ApiError::bad_request(
            "InvalidParameter.RegionId",
            "region_id is required, e.g. cn-hangzhou",
        ));
    }
    if !req.cluster_type.is_empty() && req.cluster_type != "ManagedKubernetes" {
        return Err(ApiError::invalid(format!(
            "cluster_type {:?} is not supported here; use ManagedKubernetes",
            req.cluster_type
        )));
    }
    let spec = req.cluster_spec.clone().unwrap_or_default();
    let ed = edition::by_cluster_spec(&spec).ok_or_else(|| {
        ApiError::invalid(format!(
            "cluster_spec {spec:?} is not valid; use ack.standard or ack.pro.small"
        ))
    })?;
    let version = req
        .kubernetes_version
        .clone()
        .unwrap_or_else(|| versions::DEFAULT.to_owned());
    if !versions::is_supported(&version) {
        return Err(ApiError::bad_request(
            "InvalidParameter.KubernetesVersion",
            versions::UpgradeError::Unsupported(version).to_string(),
        ));
    }
    super::rules::create_cluster(&req)?;
    let kms = req
        .encryption_provider_key
        .clone()
        .filter(|k| !k.is_empty());
    if kms.is_some() {
        ed.require(Feature::KmsSecretEncryption)
            .map_err(|e| ApiError::edition(e.to_string()))?;
    }
    if req.maintenance_window.as_ref().is_some_and(|m| m.enable) {
        ed.require(Feature::MaintenanceWindow)
            .map_err(|e| ApiError::edition(e.to_string()))?;
    }
    let id = format!("c{}", uuid::Uuid::new_v4().simple());
    let now = now_rfc3339();
    let detail = ClusterDetail {
        cluster_id: id.clone(),
        name: req.name.clone(),
        cluster_type: "ManagedKubernetes".into(),
        profile: req.profile.clone().unwrap_or_else(|| "Default".into()),
        cluster_spec: ed.cluster_spec.into(),
        state: "initial".into(),
        region_id: req.region_id.clone(),
        vpc_id: format!("vpc-{}", &id[1..13]),
        vswitch_ids: if req.vswitch_ids.is_empty() {
            vec![format!("vsw-{}", &id[1..13])]
        } else {
            req.vswitch_ids.clone()
        },
        current_version: version.clone(),
        init_version: version,
        next_version: String::new(),
        container_cidr: req
            .container_cidr
            .clone()
            .unwrap_or_else(|| "172.20.0.0/16".into()),
        service_cidr: req
            .service_cidr
            .clone()
            .unwrap_or_else(|| "172.21.0.0/20".into()),
        deletion_protection: req.deletion_protection.unwrap_or(false),
        tags: req.tags.clone(),
        maintenance_window: req.maintenance_window.clone().unwrap_or_default(),
        master_url: master_url(&id),
        meta_data: meta_data(kms.as_deref()),
        size: 0,
        created: now.clone(),
        updated: now,
    };
    let quota = state.config.cluster_quota;
    let task_id = state.tx(|conn| {
        if name_taken(conn, &req.region_id, &req.name, "")? {
            return Err(ApiError::bad_request(
                "ErrorClusterNameAlreadyExist",
                format!(
                    "a cluster named {:?} already exists in {}",
                    req.name, req.region_id
                ),
            ));
        }
        let in_region = store::list_clusters(conn)?
            .iter()
            .filter(|c| c.region_id == req.region_id)
            .count();
        if in_region >= quota {
            return Err(ApiError::bad_request(
                "QuotaExceeded.Cluster",
                format!("the cluster quota of {quota} per region is used up"),
            ));
        }
        store::insert_cluster(conn, &detail)?;
        crate::kubeconfig::create_ca(conn, &id)?;
        tasks::start(
            &state,
            conn,
            &id,
            None,
            kinds::CLUSTER_CREATE,
            durations::CREATE_CLUSTER,
            json!({}),
        )
    })?;
    Ok(task_response(&id, task_id))
}

/// `GET /clusters/{cluster_id}`.
pub async fn describe(
    State(state): State<SharedState>,
    Path(id): Path<String>,
) -> ApiResult<Json<ClusterDetail>> {
    check_cluster_id(&id)?;
    let row = state.tx(|c| store::get_cluster(c, &id))?;
    Ok(Json(row.doc))
}

/// `GET /api/v1/clusters`.
pub async fn list(
    State(state): State<SharedState>,
    Query(q): Query<HashMap<String, String>>,
) -> ApiResult<Json<ClusterList>> {
    let page_number: u32 = q
        .get("page_number")
        .and_then(|v| v.parse().ok())
        .filter(|n| *n >= 1)
        .unwrap_or(1);
    let page_size: u32 = q
        .get("page_size")
        .and_then(|v| v.parse().ok())
        .unwrap_or(10)
        .clamp(1, 100);
    let all = state.tx(store::list_clusters)?;
    let filter = |key: &str| q.get(key).filter(|v| !v.is_empty());
    let matched: Vec<ClusterDetail> = all
        .into_iter()
        .filter(|c| filter("region_id").is_none_or(|r| *r == c.region_id))
        .filter(|c| filter("name").is_none_or(|n| c.name.contains(n.as_str())))
        .filter(|c| filter("cluster_id").is_none_or(|i| *i == c.cluster_id))
        .filter(|c| filter("cluster_spec").is_none_or(|s| *s == c.cluster_spec))
        .filter(|c| filter("cluster_type").is_none_or(|t| *t == c.cluster_type))
        .collect();
    let total = matched.len() as u64;
    let start = ((page_number - 1) * page_size) as usize;
    let clusters = matched
        .into_iter()
        .skip(start)
        .take(page_size as usize)
        .collect();
    Ok(Json(ClusterList {
        clusters,
        page_info: PageInfo {
            page_number,
            page_size,
            total_count: total,
        },
    }))
}

/// `PUT /api/v2/clusters/{cluster_id}`.
pub async fn modify(
    State(state): State<SharedState>,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult<Json<TaskResponse>> {
    let req: ModifyClusterRequest = parse_body(&body)?;
    if let Some(n) = &req.cluster_name {
        check_name(n, "cluster")?;
    }
    let task_id = state.tx(|conn| {
        let mut row = running(conn, &id)?;
        if let Some(n) = &req.cluster_name {
            if name_taken(conn, &row.doc.region_id, n, &id)? {
                return Err(ApiError::bad_request(
                    "ErrorClusterNameAlreadyExist",
                    format!(
                        "a cluster named {n:?} already exists in {}",
                        row.doc.region_id
                    ),
                ));
            }
            row.doc.name.clone_from(n);
        }
        if let Some(p) = req.deletion_protection {
            row.doc.deletion_protection = p;
        }
        if let Some(w) = &req.maintenance_window {
            super::rules::maintenance_window(w)?;
            if w.enable {
                require(&row.doc, Feature::MaintenanceWindow)?;
            }
            row.doc.maintenance_window = w.clone();
        }
        row.doc.state = "updating".into();
        store::save_cluster(conn, &row)?;
        tasks::start(
            &state,
            conn,
            &id,
            None,
            kinds::CLUSTER_UPDATE,
            durations::MODIFY_CLUSTER,
            json!({}),
        )
    })?;
    Ok(task_response(&id, task_id))
}

/// `POST /clusters/{cluster_id}/tags`: the body is the full set of tags.
pub async fn tags(
    State(state): State<SharedState>,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult<Json<TaskResponse>> {
    let req: ModifyTagsRequest = parse_body(&body)?;
    super::rules::tags(&req)?;
    let task_id = state.tx(|conn| {
        let mut row = running(conn, &id)?;
        row.doc.tags = req.clone();
        row.doc.state = "updating".into();
        store::save_cluster(conn, &row)?;
        tasks::start(
            &state,
            conn,
            &id,
            None,
            kinds::CLUSTER_UPDATE,
            durations::TAGS,
            json!({}),
        )
    })?;
    Ok(task_response(&id, task_id))
}

/// `DELETE /clusters/{cluster_id}`.
pub async fn delete(
    State(state): State<SharedState>,
    Path(id): Path<String>,
) -> ApiResult<Json<TaskResponse>> {
    let task_id = state.tx(|conn| {
        check_cluster_id(&id)?;
        let mut row = store::get_cluster(conn, &id)?;
        if row.doc.state == "deleting" {
            return Err(ApiError::cluster_state("deleting"));
        }
        if !matches!(
            row.doc.state.as_str(),
            "running" | "failed" | "delete_failed"
        ) {
            return Err(ApiError::cluster_state(&row.doc.state));
        }
        if row.doc.deletion_protection {
            return Err(ApiError::bad_request(
                "ErrorDeletionProtection",
                "deletion protection is on for this cluster; turn it off with ModifyCluster first",
            ));
        }
        row.doc.state = "deleting".into();
        store::save_cluster(conn, &row)?;
        tasks::start(
            &state,
            conn,
            &id,
            None,
            kinds::CLUSTER_DELETE,
            durations::DELETE_CLUSTER,
            json!({}),
        )
    })?;
    Ok(task_response(&id, task_id))
}

/// `POST /clusters/{cluster_id}/migrate`: ACK Standard → ACK Pro, in place, irreversible.
pub async fn migrate(
    State(state): State<SharedState>,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult<Json<TaskResponse>> {
    let req: MigrateClusterRequest = parse_body(&body)?;
    let target = match req.spec.as_deref() {
        None | Some("") => edition::get(EditionId::Pro),
        Some(s) => edition::by_cluster_spec(s)
            .ok_or_else(|| ApiError::invalid(format!("spec {s:?} is not valid")))?,
    };
    let task_id = state.tx(|conn| {
        let mut row = running(conn, &id)?;
        let from = edition_of(&row.doc);
        if from.id == target.id {
            return Err(ApiError::bad_request(
                "ErrorClusterSpecNotSupported",
                format!("the cluster is already {}", from.display_name),
            ));
        }
        edition::check_change(from, target).map_err(|e| ApiError::edition(e.to_string()))?;
        row.doc.state = "migrating".into();
        store::save_cluster(conn, &row)?;
        tasks::start(
            &state,
            conn,
            &id,
            None,
            kinds::CLUSTER_MIGRATE,
            durations::MIGRATE_CLUSTER,
            json!({ "spec": target.cluster_spec }),
        )
    })?;
    Ok(task_response(&id, task_id))
}

/// `POST /api/v2/clusters/{cluster_id}/upgrade`: one minor version at a time.
pub async fn upgrade(
    State(state): State<SharedState>,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult<Json<TaskResponse>> {
    let req: UpgradeClusterRequest = parse_body(&body)?;
    let task_id = state.tx(|conn| {
        let mut row = running(conn, &id)?;
        versions::check_upgrade(&row.doc.current_version, &req.next_version).map_err(|e| {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "InvalidParameter.KubernetesVersion",
                e.to_string(),
            )
        })?;
        if row.doc.current_version == req.next_version {
            return Err(ApiError::invalid(format!(
                "the cluster already runs {}",
                req.next_version
            )));
        }
        row.doc.state = "upgrading".into();
        row.doc.next_version.clone_from(&req.next_version);
        store::save_cluster(conn, &row)?;
        tasks::start(
            &state,
            conn,
            &id,
            None,
            kinds::CLUSTER_UPGRADE,
            durations::UPGRADE_CLUSTER,
            json!({ "next_version": req.next_version }),
        )
    })?;
    Ok(task_response(&id, task_id))
}
