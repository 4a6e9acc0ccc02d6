//! What the account may have and what the service offers: DescribeUserQuota,
//! ListAddons, DescribeAddon and DescribeAddons, from the addon catalog
//! (`ack_api::addons`).

use ack_api::addons::{self, Addon};
use ack_api::edition;
use ack_api::model::{
    AddonCatalog, AddonDetail, AddonList, AddonMeta, ComponentGroup, ComponentItem, NewerVersion,
    StandardComponent, UserQuota, UserQuotaItems,
};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use serde_json::json;

use super::clusters::check_cluster_id;
use super::features::SCHEDULER;
use super::ApiQuery;
use crate::error::{missing, ApiError, ApiResult};
use crate::{store, SharedState};

/// DescribeUserQuota's body: the quota fields and the same as `quotas` items.
#[derive(serde::Serialize)]
pub struct QuotaBody {
    #[serde(flatten)]
    fields: UserQuota,
    #[serde(flatten)]
    items: UserQuotaItems,
}

/// `GET /quota`: the quotas the emulator was started with (and enforces).
pub async fn user_quota(State(state): State<SharedState>) -> Json<QuotaBody> {
    Json(QuotaBody {
        fields: state.quota(),
        items: state.config.quota_items(),
    })
}

fn scheduler_schema() -> String {
    let flag = json!({"type": "boolean", "default": false});
    json!({
        "$schema": "http://json-schema.org/draft-07/schema#",
        "type": "object",
        "properties": {
            "gangScheduling": flag,
            "topologyAwareCpu": flag,
            "topologyAwareGpu": flag,
            "npuScheduling": flag,
            "cgpuEdition": {"type": "string", "enum": ["none", "basic", "professional"], "default": "none"},
            "scorePluginWeights": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "plugin": {"type": "string"},
                        "weight": {"type": "integer", "minimum": 1, "maximum": 100_000}
                    },
                    "required": ["plugin", "weight"]
                }
            }
        }
    })
    .to_string()
}

fn check_spec(q: &ApiQuery, key: &str) -> ApiResult<()> {
    if let Some(s) = q.get(key) {
        if edition::by_cluster_spec(s).is_none() {
            return Err(ApiError::invalid(format!(
                "The {key} {s:?} is not valid; valid values: {}.",
                edition::cluster_specs().join(", ")
            )));
        }
    }
    Ok(())
}

fn managed_only(q: &ApiQuery, key: &str) -> bool {
    q.get(key)
        .is_none_or(|t| t.eq_ignore_ascii_case("ManagedKubernetes"))
}

/// The edition and Kubernetes version of the cluster the query is about
/// (`cluster_id`, or `cluster_spec` and `cluster_version`; none: any).
fn target(
    state: &SharedState,
    q: &ApiQuery,
) -> ApiResult<(Option<&'static edition::Edition>, Option<String>)> {
    check_spec(q, "cluster_spec")?;
    if let Some(id) = q.get("cluster_id") {
        check_cluster_id(id)?;
        let row = state.tx(|c| store::get_cluster(c, id))?;
        return Ok((
            Some(super::clusters::edition_of(&row.doc)),
            Some(row.doc.current_version),
        ));
    }
    let ed = q.get("cluster_spec").and_then(edition::by_cluster_spec);
    Ok((ed, q.get("cluster_version").map(str::to_owned)))
}

fn schema_of(a: &Addon) -> String {
    if a.name == SCHEDULER {
        scheduler_schema()
    } else {
        a.config_schema().to_string()
    }
}

fn meta(a: &Addon, version: &str) -> AddonMeta {
    AddonMeta {
        name: a.name.into(),
        version: version.into(),
        category: a.category.into(),
        config_schema: schema_of(a),
        install_by_default: a.install_by_default,
        managed: a.platform_owned,
        supported_actions: a
            .supported_actions()
            .iter()
            .map(|s| (*s).to_owned())
            .collect(),
        architecture: vec!["amd64".into(), "arm64".into()],
    }
}

/// `GET /addons`: the addons offered for a cluster or a kind of cluster —
/// those its edition may run, each at the newest version its Kubernetes
/// version can run.
pub async fn list_addons(
    State(state): State<SharedState>,
    q: ApiQuery,
) -> ApiResult<Json<AddonList>> {
    let (ed, cluster_version) = target(&state, &q)?;
    if !managed_only(&q, "cluster_type") || q.get("profile").is_some_and(|p| p != "Default") {
        return Ok(Json(AddonList::default()));
    }
    let addons = addons::CATALOG
        .iter()
        .filter(|a| ed.is_none_or(|e| a.check_edition(e).is_ok()))
        .filter_map(|a| {
            let v = a.newest_for(cluster_version.as_deref())?;
            Some(meta(a, v))
        })
        .collect();
    Ok(Json(AddonList { addons }))
}

/// `GET /addons/{addon}`: one addon for a cluster (or kind of cluster), at
/// `version` (default: the newest it can run), with the newer releases.
pub async fn describe_addon(
    State(state): State<SharedState>,
    Path(name): Path<String>,
    q: ApiQuery,
) -> ApiResult<Json<AddonDetail>> {
    let (ed, cluster_version) = target(&state, &q)?;
    let not_found = || {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "AddonNotFound",
            format!("The addon {name} is not offered for this cluster."),
        )
    };
    let a = addons::get(&name).ok_or_else(not_found)?;
    if let Some(e) = ed {
        a.check_edition(e)
            .map_err(|e| ApiError::edition(e.to_string()))?;
    }
    let cv = cluster_version.as_deref();
    let version = match q.get("version") {
        Some(v) => {
            a.check_version(v, cv).map_err(|e| {
                ApiError::bad_request("InvalidParameter.AddonVersion", e.to_string())
            })?;
            v.to_owned()
        }
        None => a.newest_for(cv).ok_or_else(not_found)?.to_owned(),
    };
    let m = meta(a, &version);
    let newer_versions = a
        .versions
        .iter()
        .filter(|r| addons::compare_versions(r.version, &version).is_gt())
        .map(|r| NewerVersion {
            version: r.version.into(),
            upgradable: a.check_version(r.version, cv).is_ok(),
            minimum_cluster_version: r.minimum_cluster_version.into(),
        })
        .collect();
    Ok(Json(AddonDetail {
        meta: m,
        newer_versions,
    }))
}

/// `GET /clusters/components/metadata`: the addon catalogue by group.
pub async fn describe_addons(q: ApiQuery) -> ApiResult<Json<AddonCatalog>> {
    let region = q.get("region").ok_or_else(|| missing("region"))?;
    if !region.contains('-') {
        return Err(ApiError::bad_request(
            "InvalidParameter.RegionId",
            format!("The region {region:?} is not valid, e.g. cn-hangzhou."),
        ));
    }
    check_spec(&q, "cluster_spec")?;
    if !managed_only(&q, "cluster_type") || q.get("cluster_profile").is_some_and(|p| p != "Default")
    {
        return Ok(Json(AddonCatalog::default()));
    }
    let ed = q.get("cluster_spec").and_then(edition::by_cluster_spec);
    let offered: Vec<&Addon> = addons::CATALOG
        .iter()
        .filter(|a| ed.is_none_or(|e| a.check_edition(e).is_ok()))
        .collect();
    let mut groups: Vec<ComponentGroup> = Vec::new();
    for a in &offered {
        match groups.iter_mut().find(|g| g.group_name == a.category) {
            Some(g) => g.items.push(ComponentItem {
                name: a.name.into(),
            }),
            None => groups.push(ComponentGroup {
                group_name: a.category.into(),
                items: vec![ComponentItem {
                    name: a.name.into(),
                }],
            }),
        }
    }
    Ok(Json(AddonCatalog {
        component_groups: groups,
        standard_components: offered
            .iter()
            .map(|a| {
                (
                    a.name.to_owned(),
                    StandardComponent {
                        name: a.name.into(),
                        version: a.newest_for(None).unwrap_or_default().into(),
                        description: a.description.into(),
                        required: a.platform_owned.to_string(),
                        disabled: !a.install_by_default,
                    },
                )
            })
            .collect(),
    }))
}
