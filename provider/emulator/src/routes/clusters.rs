//! Cluster operations: CreateCluster, DescribeClusterDetail,
//! DescribeClustersV1, ModifyCluster, DeleteCluster, MigrateCluster,
//! UpgradeCluster, ModifyClusterTags.

use ack_api::edition::{self, EditionId, Feature};
use ack_api::model::{ClusterDetail, ClusterList, ModifyTagsRequest, PageInfo, TaskResponse};
use ack_api::versions;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use rusqlite::Connection;
use serde_json::json;

use super::ApiQuery;
use crate::error::{missing, parse_body, request_id, ApiError, ApiResult};
use crate::store::{self, ClusterRow};
use crate::tasks::{self, durations, kinds};
use crate::wire::{MigrateClusterBody, ModifyClusterBody, UpgradeClusterBody};
use crate::SharedState;

pub(super) fn check_name(name: &str, what: &str) -> ApiResult<()> {
    super::rules::name(name, what)
}

/// Cluster IDs are `c` + 32 hex digits.
pub(super) fn check_cluster_id(id: &str) -> ApiResult<()> {
    if ack_api::rules::is_cluster_id(id) {
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
        .map_err(|e| ApiError::edition(e.api_message()))
}

/// vSwitch IDs: 1-5 of the form `vsw-…` (none: the service picks one).
pub(super) fn check_vswitches(ids: &[String]) -> ApiResult<()> {
    super::rules::vswitch_ids(ids)
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

pub(super) fn name_taken(
    conn: &Connection,
    region: &str,
    name: &str,
    except: &str,
) -> ApiResult<bool> {
    Ok(store::list_clusters(conn)?
        .iter()
        .any(|c| c.region_id == region && c.name == name && c.cluster_id != except))
}

pub(super) fn task_response(cluster_id: &str, task_id: String) -> Json<TaskResponse> {
    Json(TaskResponse {
        cluster_id: Some(cluster_id.to_owned()),
        nodepool_id: None,
        request_id: request_id(),
        task_id,
    })
}

/// `meta_data` as the service reports it: a JSON string with `Capabilities`.
/// The cluster's `meta_data` (a JSON string) for a new cluster.
pub(super) fn meta_data(kms_key: Option<&str>, rrsa: bool) -> String {
    let mut meta = json!({});
    set_kms(&mut meta, kms_key);
    meta["RRSAConfig"] = json!({ "enabled": rrsa });
    meta.to_string()
}

fn parsed_meta(doc: &ClusterDetail) -> serde_json::Value {
    serde_json::from_str(&doc.meta_data).unwrap_or_else(|_| json!({}))
}

fn set_kms(meta: &mut serde_json::Value, kms_key: Option<&str>) {
    meta["Capabilities"] = json!({
        "EncryptionKMSKeyId": kms_key.unwrap_or_default(),
        "DisableEncryption": kms_key.is_none(),
    });
}

/// Sets the KMS key in a cluster's `meta_data`, keeping the rest.
pub(super) fn set_meta_kms(doc: &mut ClusterDetail, kms_key: Option<&str>) {
    let mut meta = parsed_meta(doc);
    set_kms(&mut meta, kms_key);
    doc.meta_data = meta.to_string();
}

/// Turns RRSA (OIDC) on or off in a cluster's `meta_data`: on, the issuer
/// and the OIDC provider's name and ARN, as the service reports them.
pub(super) fn set_meta_rrsa(doc: &mut ClusterDetail, enabled: bool) {
    let mut meta = parsed_meta(doc);
    let (id, region) = (&doc.cluster_id, &doc.region_id);
    meta["RRSAConfig"] = if enabled {
        json!({
            "enabled": true,
            "issuer": format!("https://oidc-ack-{region}.oss-{region}.aliyuncs.com/{id}"),
            "oidc_name": format!("ack-rrsa-{id}"),
            "oidc_arn": format!("acs:ram::1234567890123456:oidc-provider/ack-rrsa-{id}"),
        })
    } else {
        json!({ "enabled": false })
    };
    doc.meta_data = meta.to_string();
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
pub async fn list(State(state): State<SharedState>, q: ApiQuery) -> ApiResult<Json<ClusterList>> {
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
    let filter = |key: &str| q.get(key);
    let matched: Vec<ClusterDetail> = all
        .into_iter()
        .filter(|c| filter("region_id").is_none_or(|r| r == c.region_id))
        .filter(|c| filter("name").is_none_or(|n| c.name.contains(n)))
        .filter(|c| filter("cluster_id").is_none_or(|i| i == c.cluster_id))
        .filter(|c| filter("cluster_spec").is_none_or(|s| s == c.cluster_spec))
        .filter(|c| filter("cluster_type").is_none_or(|t| t == c.cluster_type))
        .filter(|c| filter("profile").is_none_or(|p| p == c.profile))
        .collect();
    let total = matched.len() as u64;
    let start = ((page_number - 1) * page_size) as usize;
    let clusters = matched
        .into_iter()
        .skip(start)
        .take(page_size as usize)
        // The SDK's list items have no node_cidr_mask, extra_sans or
        // parameters (DescribeClusterDetail has).
        .map(|c| ClusterDetail {
            node_cidr_mask: None,
            extra_sans: Vec::new(),
            parameters: Default::default(),
            ..c
        })
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

/// `PUT /api/v2/clusters/{cluster_id}`: a partial update; absent fields keep their value.
pub async fn modify(
    State(state): State<SharedState>,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult<Json<TaskResponse>> {
    let req: ModifyClusterBody = parse_body(&body)?;
    if let Some(n) = &req.cluster_name {
        check_name(n, "cluster")?;
    }
    check_vswitches(&req.vswitch_ids)?;
    if let Some(s) = req.cluster_spec.as_deref().filter(|s| !s.is_empty()) {
        if edition::by_cluster_spec(s).is_none() {
            return Err(ApiError::invalid(format!(
                "The cluster_spec {s:?} is not valid; valid values: {}.",
                edition::cluster_specs().join(", ")
            )));
        }
    }
    let task_id = state.tx(|conn| {
        let mut row = running(conn, &id)?;
        if let Some(s) = req.cluster_spec.as_deref().filter(|s| !s.is_empty()) {
            if s != row.doc.cluster_spec {
                return Err(ApiError::bad_request(
                    "ErrorClusterSpecNotSupported",
                    "ModifyCluster does not change cluster_spec; migrate an ack.standard cluster to ACK Pro with MigrateCluster.",
                ));
            }
        }
        if let Some(n) = &req.cluster_name {
            if name_taken(conn, &row.doc.region_id, n, &id)? {
                return Err(ApiError::bad_request(
                    "ErrorClusterNameAlreadyExist",
                    format!(
                        "The cluster name {n} already exists in {}.",
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
            let window = w.apply(&row.doc.maintenance_window);
            super::rules::maintenance_window(&window)?;
            if window.enable {
                require(&row.doc, Feature::MaintenanceWindow)?;
            }
            row.doc.maintenance_window = window;
        }
        if let Some(p) = &req.operation_policy {
            row.doc.operation_policy = Some(p.clone());
        }
        if let Some(r) = req.resource_group_id.as_ref().filter(|r| !r.is_empty()) {
            row.doc.resource_group_id.clone_from(r);
        }
        let inv = crate::inventory::load(conn, &row.doc.region_id)?;
        if !req.vswitch_ids.is_empty() {
            for v in &req.vswitch_ids {
                inv.vswitch_in(v, &row.doc.vpc_id, "vswitch_ids")?;
            }
            row.doc.vswitch_ids.clone_from(&req.vswitch_ids);
            row.doc.vswitch_id.clone_from(&req.vswitch_ids[0]);
        }
        if let Some(sg) = req.security_group_id.as_ref().filter(|s| !s.is_empty()) {
            inv.security_group_in(sg, &row.doc.vpc_id)?;
            row.doc.security_group_id.clone_from(sg);
        }
        if let Some(tz) = req.timezone.as_ref().filter(|t| !t.is_empty()) {
            ack_api::rules::timezone(tz)
                .map_err(|e| ApiError::invalid(format!("timezone: {e}")))?;
            row.doc.timezone.clone_from(tz);
        }
        if let Some(public) = req.api_server_eip {
            row.doc.master_url = super::cluster_create::master_url(&id, public);
        }
        if let Some(sans) = &req.api_server_custom_cert_sans {
            let sans: ack_api::model::CertSans = serde_json::from_value(sans.clone())
                .map_err(|e| ApiError::invalid(format!("api_server_custom_cert_sans: {e}")))?;
            for san in &sans.subject_alternative_names {
                ack_api::rules::extra_san(san).map_err(|e| {
                    ApiError::invalid(format!("api_server_custom_cert_sans: {e}"))
                })?;
            }
            match sans.action.as_str() {
                "overwrite" => row.doc.extra_sans = sans.subject_alternative_names,
                "append" => row.doc.extra_sans.extend(sans.subject_alternative_names),
                other => {
                    return Err(ApiError::invalid(format!(
                        "api_server_custom_cert_sans.action {other:?}: valid values: overwrite, append."
                    )))
                }
            }
        }
        if let Some(rrsa) = req.enable_rrsa {
            set_meta_rrsa(&mut row.doc, rrsa);
        }
        tasks::update_cluster(&state, conn, &mut row, durations::MODIFY_CLUSTER)
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
        tasks::update_cluster(&state, conn, &mut row, durations::TAGS)
    })?;
    Ok(task_response(&id, task_id))
}

/// `DELETE /clusters/{cluster_id}`.
#[derive(serde::Deserialize)]
pub struct DeleteQuery {
    /// JSON array of `{resource_type, delete_mode}`.
    #[serde(default)]
    delete_options: Option<String>,
}

pub async fn delete(
    State(state): State<SharedState>,
    Path(id): Path<String>,
    axum::extract::Query(q): axum::extract::Query<DeleteQuery>,
) -> ApiResult<Json<TaskResponse>> {
    if let Some(options) = &q.delete_options {
        let options: Vec<ack_api::model::DeleteOption> = serde_json::from_str(options)
            .map_err(|e| ApiError::invalid(format!("delete_options: {e}")))?;
        for o in &options {
            let types = ["SLB", "ALB", "SLS_Data", "SLS_ControlPlane", "PrivateZone"];
            if !types.contains(&o.resource_type.as_str())
                || !matches!(o.delete_mode.as_str(), "delete" | "retain")
            {
                return Err(ApiError::invalid(format!(
                    "delete_options: resource_type {:?} with delete_mode {:?}; valid types: {}; modes: delete, retain.",
                    o.resource_type,
                    o.delete_mode,
                    types.join(", ")
                )));
            }
        }
    }
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
                "Deletion protection is enabled for the cluster; disable it with ModifyCluster (deletion_protection: false) before deleting the cluster.",
            ));
        }
        row.doc.state = "deleting".into();
        tasks::save_and_start(&state, conn, &row, kinds::CLUSTER_DELETE, durations::DELETE_CLUSTER)
    })?;
    Ok(task_response(&id, task_id))
}

/// `POST /clusters/{cluster_id}/migrate`: ACK Standard → ACK Pro, in place, irreversible.
pub async fn migrate(
    State(state): State<SharedState>,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult<Json<TaskResponse>> {
    let req: MigrateClusterBody = parse_body(&body)?;
    // The OSS bucket fields are accepted; the emulator keeps no backups.
    let _ = (
        &req.oss_bucket_name,
        &req.oss_bucket_endpoint,
        &req.cluster_type,
    );
    let spec = req
        .spec
        .clone()
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| edition::get(EditionId::Pro).cluster_spec.to_owned());
    let target = edition::by_cluster_spec(&spec).ok_or_else(|| {
        ApiError::invalid(format!(
            "The spec {spec:?} is not valid; valid values: {}.",
            edition::cluster_specs().join(", ")
        ))
    })?;
    let task_id = state.tx(|conn| {
        let mut row = running(conn, &id)?;
        let from = edition_of(&row.doc);
        if from.id == target.id {
            return Err(ApiError::bad_request(
                "ErrorClusterSpecNotSupported",
                format!(
                    "The cluster is already an {} cluster ({}); only ack.standard clusters can be migrated.",
                    from.display_name, row.doc.cluster_spec
                ),
            ));
        }
        edition::check_change(from, target).map_err(|e| ApiError::edition(e.api_message()))?;
        tasks::cluster_task(
            &state,
            conn,
            &mut row,
            "migrating",
            kinds::CLUSTER_MIGRATE,
            durations::MIGRATE_CLUSTER,
            json!({ "spec": spec }),
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
    let req: UpgradeClusterBody = parse_body(&body)?;
    if let Some(c) = req
        .component_name
        .as_deref()
        .filter(|c| !c.is_empty() && *c != "k8s")
    {
        return Err(ApiError::invalid(format!(
            "The component_name {c:?} is not valid; UpgradeCluster upgrades k8s."
        )));
    }
    if req
        .rolling_policy
        .as_ref()
        .and_then(|r| r.max_parallelism)
        .is_some_and(|m| m == 0)
    {
        return Err(ApiError::invalid(
            "The parameter rolling_policy.max_parallelism must be at least 1.",
        ));
    }
    let next_version = req
        .next_version
        .clone()
        .filter(|v| !v.is_empty())
        .ok_or_else(|| missing("next_version"))?;
    let task_id = state.tx(|conn| {
        let mut row = running(conn, &id)?;
        if let Some(v) = req.version.as_deref().filter(|v| !v.is_empty()) {
            if v != row.doc.current_version {
                return Err(ApiError::invalid(format!(
                    "The parameter version is invalid: the cluster runs {}, not {v}.",
                    row.doc.current_version
                )));
            }
        }
        versions::check_upgrade(&row.doc.current_version, &next_version).map_err(|e| {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "InvalidParameter.KubernetesVersion",
                e.to_string(),
            )
        })?;
        // `master_only: false` (the default) upgrades the pools' nodes too,
        // after the control plane; an upgrade of the control plane alone may
        // not leave a pool too far behind.
        let master_only = req.master_only.unwrap_or(false);
        if master_only {
            let pools = store::list_pools(conn, &id)?;
            let control_plane = row.doc.current_version.clone();
            let nodes: Vec<String> = pools
                .iter()
                .map(|p| super::pool_upgrade::nodes_version(p, &control_plane))
                .collect();
            versions::check_control_plane_upgrade(&next_version, nodes.iter().map(String::as_str))
                .map_err(|e| super::pool_upgrade::skew_error(&e))?;
        }
        if row.doc.current_version == next_version {
            return Err(ApiError::invalid(format!(
                "The cluster already runs Kubernetes {next_version}."
            )));
        }
        row.doc.next_version.clone_from(&next_version);
        tasks::cluster_task(
            &state,
            conn,
            &mut row,
            "upgrading",
            kinds::CLUSTER_UPGRADE,
            durations::UPGRADE_CLUSTER,
            json!({ "next_version": next_version, "master_only": master_only }),
        )
    })?;
    Ok(task_response(&id, task_id))
}
