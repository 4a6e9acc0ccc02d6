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

/// vSwitches and address ranges of a new cluster.
pub(super) fn network(
    vswitch_ids: &[String],
    container_cidr: Option<&str>,
    service_cidr: Option<&str>,
) -> ApiResult<()> {
    if !vswitch_ids.is_empty() {
        first(
            "InvalidParameter.VSwitchIds",
            "vswitch_ids",
            rules::vswitch_ids(vswitch_ids),
        )?;
    }
    let container_cidr = container_cidr.filter(|c| !c.is_empty());
    let service_cidr = service_cidr.filter(|c| !c.is_empty());
    for (field, block) in [
        ("container_cidr", container_cidr),
        ("service_cidr", service_cidr),
    ] {
        if let Some(b) = block {
            one("InvalidParameter", field, rules::cidr(b).map(|_| ()))?;
        }
    }
    if let (Some(s), Some(c)) = (service_cidr, container_cidr) {
        one(
            "InvalidParameter",
            "service_cidr",
            rules::cidrs_disjoint(s, c),
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
