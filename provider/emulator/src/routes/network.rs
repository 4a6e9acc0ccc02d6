//! A new cluster's network against the region's inventory: the VPC and
//! vSwitches must exist and belong together, the service makes a VPC for a
//! cluster created in zones, pod vSwitches (Terway) share the node
//! vSwitches' zones, the pod and service blocks lie outside the VPC, the
//! security group belongs to the VPC.

use rusqlite::Connection;

use crate::error::{ApiError, ApiResult};
use crate::inventory;
use crate::wire::CreateClusterBody;

/// Where the new cluster's network is, once checked.
pub(super) struct Resolved {
    pub vpc_id: String,
    pub vswitch_ids: Vec<String>,
    /// Zone of the first vSwitch.
    pub zone_id: String,
    pub security_group_id: String,
}

/// Checks the request's network against the inventory of its region, and
/// creates the VPC it asks the service to create.
pub(super) fn resolve(
    conn: &Connection,
    req: &CreateClusterBody,
    short: &str,
) -> ApiResult<Resolved> {
    let region = &req.region_id;
    let mut inv = inventory::load(conn, region)?;
    let zones: Vec<String> = if req.zone_ids.is_empty() {
        req.zone_id.iter().cloned().collect()
    } else {
        req.zone_ids.clone()
    };
    let (vpc_id, vswitch_ids) = match req.vpcid.as_deref().filter(|v| !v.is_empty()) {
        Some(vpc) => {
            inv.vpc(vpc)?;
            for id in &req.vswitch_ids {
                inv.vswitch_in(id, vpc, "vswitch_ids")?;
            }
            (vpc.to_owned(), req.vswitch_ids.clone())
        }
        None => {
            for z in &zones {
                if !z.starts_with(region.as_str()) {
                    return Err(ApiError::bad_request(
                        "InvalidParameter.ZoneId",
                        format!("zone_ids: {z:?} is not a zone of {region}."),
                    ));
                }
            }
            let made = inv.create_vpc(short, &zones);
            inventory::save(conn, region, &inv)?;
            made
        }
    };
    let vpc_cidr = inv.vpc(&vpc_id)?.cidr.clone();
    let node_zones: Vec<String> = vswitch_ids
        .iter()
        .filter_map(|id| inv.vswitch(id).ok().map(|v| v.zone_id.clone()))
        .collect();
    for id in &req.pod_vswitch_ids {
        let v = inv.vswitch_in(id, &vpc_id, "pod_vswitch_ids")?;
        if !node_zones.contains(&v.zone_id) {
            return Err(ApiError::bad_request(
                "InvalidParameter.PodVSwitchIds",
                format!(
                    "pod_vswitch_ids: vSwitch {id} is in zone {}, where the cluster has no node vSwitch; each pod vSwitch must share a zone with a node vSwitch.",
                    v.zone_id
                ),
            ));
        }
    }
    for (field, block) in [
        ("container_cidr", req.container_cidr.as_deref()),
        ("service_cidr", req.service_cidr.as_deref()),
    ] {
        if let Some(b) = block.filter(|b| !b.is_empty()) {
            ack_api::rules::outside_vpc(b, &vpc_cidr)
                .map_err(|e| ApiError::bad_request("InvalidParameter", format!("{field}: {e}")))?;
        }
    }
    let security_group_id = match req.security_group_id.as_deref().filter(|s| !s.is_empty()) {
        Some(sg) => {
            if req.is_enterprise_security_group == Some(true) {
                return Err(ApiError::invalid(
                    "security_group_id and is_enterprise_security_group are mutually exclusive: the service creates an enterprise security group only when no security group is given.",
                ));
            }
            inv.security_group_in(sg, &vpc_id)?;
            sg.to_owned()
        }
        None => format!("sg-{short}"),
    };
    if let Some(key) = req
        .encryption_provider_key
        .as_deref()
        .filter(|k| !k.is_empty())
    {
        inv.kms_key(key)?;
    }
    let zone_id = vswitch_ids
        .first()
        .and_then(|id| inv.vswitch(id).ok().map(|v| v.zone_id.clone()))
        .or_else(|| zones.first().cloned())
        .unwrap_or_default();
    Ok(Resolved {
        vpc_id,
        vswitch_ids,
        zone_id,
        security_group_id,
    })
}
