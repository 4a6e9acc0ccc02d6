//! What the account may have and what the service offers: DescribeUserQuota,
//! ListAddons and DescribeAddons (for the addons the emulator models).

use ack_api::edition;
use ack_api::model::{
    AddonCatalog, AddonList, AddonMeta, ComponentGroup, ComponentItem, StandardComponent,
    UserQuota, UserQuotaItems,
};
use axum::extract::State;
use axum::Json;
use serde_json::json;

use super::clusters::check_cluster_id;
use super::features::{SCHEDULER, SCHEDULER_VERSION};
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

/// `GET /addons`: the addons offered for a cluster or a kind of cluster.
pub async fn list_addons(
    State(state): State<SharedState>,
    q: ApiQuery,
) -> ApiResult<Json<AddonList>> {
    check_spec(&q, "cluster_spec")?;
    if let Some(id) = q.get("cluster_id") {
        check_cluster_id(id)?;
        state.tx(|c| store::get_cluster(c, id))?;
    }
    if !managed_only(&q, "cluster_type") || q.get("profile").is_some_and(|p| p != "Default") {
        return Ok(Json(AddonList::default()));
    }
    Ok(Json(AddonList {
        addons: vec![AddonMeta {
            name: SCHEDULER.into(),
            version: SCHEDULER_VERSION.into(),
            category: "core".into(),
            config_schema: scheduler_schema(),
            install_by_default: true,
            managed: true,
            supported_actions: vec!["Modify".into(), "Upgrade".into()],
            architecture: vec!["amd64".into(), "arm64".into()],
        }],
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
    Ok(Json(AddonCatalog {
        component_groups: vec![ComponentGroup {
            group_name: "core".into(),
            items: vec![ComponentItem {
                name: SCHEDULER.into(),
            }],
        }],
        standard_components: [(
            SCHEDULER.to_owned(),
            StandardComponent {
                name: SCHEDULER.into(),
                version: SCHEDULER_VERSION.into(),
                description: "The Kubernetes scheduler of the managed control plane.".into(),
                required: "true".into(),
                disabled: false,
            },
        )]
        .into_iter()
        .collect(),
    }))
}
