//! Server-side validation: the API contract's rules (`ack_api::rules`),
//! answered as the service answers a bad parameter.

use ack_api::model::{MaintenanceWindow, NodePoolRequest, Tag};
use ack_api::rules::{self, Violation};

use crate::error::{ApiError, ApiResult};

/// The first violation, if any, as a 400 with `code`, naming `field`.
fn first(code: &str, field: &str, found: Vec<Violation>) -> ApiResult<()> {
    match found.into_iter().next() {
        None => Ok(()),
        Some(v) => Err(ApiError::bad_request(code, v.located(field))),
    }
}

fn one(code: &str, field: &str, r: Result<(), rules::RuleError>) -> ApiResult<()> {
    r.map_err(|e| ApiError::bad_request(code, format!("{field}: {e}")))
}

/// A cluster or node pool name.
pub(super) fn name(name: &str, what: &str) -> ApiResult<()> {
    one(
        "InvalidParameter.Name",
        &format!("{what} name"),
        rules::name(name),
    )
}

/// Control-plane vSwitches of ModifyCluster (none: unchanged).
pub(super) fn vswitch_ids(ids: &[String]) -> ApiResult<()> {
    if ids.is_empty() {
        return Ok(());
    }
    first(
        "InvalidParameter.VSwitchIds",
        "vswitch_ids",
        rules::vswitch_ids(ids),
    )
}

/// A new cluster's network, as the request states it: a VPC with
/// vSwitches or zones, one network plugin and what it needs, and the
/// address blocks (the inventory is checked in `network::resolve`).
pub(super) fn cluster_network(req: &crate::wire::CreateClusterBody) -> ApiResult<()> {
    use rules::Setting;
    let plugins: Vec<&str> = req
        .addons
        .iter()
        .filter(|a| a.disabled != Some(true))
        .map(|a| a.name.as_str())
        .filter(|n| rules::network_plugin(n).is_some())
        .collect();
    if plugins.len() > 1 {
        return Err(ApiError::invalid(format!(
            "addons: one network component, not {}: {}.",
            plugins.len(),
            plugins.join(", ")
        )));
    }
    fn some(o: Option<&str>) -> Option<&str> {
        o.filter(|s| !s.is_empty())
    }
    let zones = !req.zone_ids.is_empty() || some(req.zone_id.as_deref()).is_some();
    let plan = rules::NetworkPlan {
        vpc: some(req.vpcid.as_deref()).map_or(Setting::Unset, Setting::Set),
        vswitches: if req.vswitch_ids.is_empty() {
            Setting::Unset
        } else {
            Setting::Set(req.vswitch_ids.len())
        },
        zones: if zones {
            Setting::Set(1)
        } else {
            Setting::Unset
        },
        plugin: plugins.first().map_or(Setting::Unset, |p| Setting::Set(*p)),
        pod_cidr: some(req.container_cidr.as_deref()).map_or(Setting::Unset, Setting::Set),
        pod_vswitches: if req.pod_vswitch_ids.is_empty() {
            Setting::Unset
        } else {
            Setting::Set(req.pod_vswitch_ids.len())
        },
        node_cidr_mask: req.node_cidr_mask.map_or(Setting::Unset, Setting::Set),
    };
    let container_cidr = some(req.container_cidr.as_deref());
    let service_cidr = some(req.service_cidr.as_deref());
    if let Some(b) = service_cidr {
        one("InvalidParameter", "service_cidr", rules::service_cidr(b))?;
    }
    if let Some(b) = container_cidr {
        one("InvalidParameter", "container_cidr", rules::pod_cidr(b))?;
    }
    if let (Some(s), Some(c)) = (service_cidr, container_cidr) {
        one(
            "InvalidParameter",
            "service_cidr",
            rules::cidrs_disjoint(s, c),
        )?;
    }
    if let Some(v) = rules::network_plan(&plan, &rules::API_FIELDS)
        .into_iter()
        .next()
    {
        let code = match v.error {
            rules::RuleError::Required { .. } => "MissingParameter",
            _ => "InvalidParameter",
        };
        return Err(ApiError::bad_request(code, v.error.to_string()));
    }
    if !req.vswitch_ids.is_empty() {
        first(
            "InvalidParameter.VSwitchIds",
            "vswitch_ids",
            rules::vswitch_ids(&req.vswitch_ids),
        )?;
    }
    Ok(())
}

pub(super) fn maintenance_window(w: &MaintenanceWindow) -> ApiResult<()> {
    first(
        "InvalidParameter.MaintenanceWindow",
        "maintenance_window",
        rules::maintenance_window(w),
    )
}

/// Tags as sent (the provider's own bookkeeping tags are allowed).
pub(super) fn tags(tags: &[Tag]) -> ApiResult<()> {
    first("InvalidParameter.Tags", "tags", rules::tags(tags))
}

/// Instance types, labels and taints of a node pool.
pub(super) fn node_pool(req: &NodePoolRequest) -> ApiResult<()> {
    first(
        "InvalidParameter.InstanceTypes",
        "scaling_group.instance_types",
        rules::instance_types(&req.scaling_group.instance_types),
    )?;
    first(
        "InvalidParameter.Labels",
        "kubernetes_config.labels",
        rules::labels(&req.kubernetes_config.labels),
    )?;
    first(
        "InvalidParameter.Taints",
        "kubernetes_config.taints",
        rules::taints(&req.kubernetes_config.taints),
    )
}
