//! What CreateClusterNodePool and ModifyClusterNodePool refuse beyond sizes
//! and names: required fields (`MissingParameter`), the placement, billing,
//! login and disk rules of `ack_api::rules`, and the network objects the
//! pool names, checked against the region's inventory: vSwitches and
//! security groups of the cluster's VPC, key pairs and KMS keys.

use ack_api::model::{ClusterDetail, NodePoolDetail, NodePoolRequest};
use ack_api::rules::{self, RuleError};
use rusqlite::Connection;

use crate::error::{ApiError, ApiResult};
use crate::inventory;

/// A pool changes only while it is `active`.
pub(super) fn active(pool: &NodePoolDetail) -> ApiResult<()> {
    if pool.status.state == "active" {
        return Ok(());
    }
    Err(ApiError::bad_request(
        "ErrorNodePoolState",
        format!(
            "The node pool is {}; the operation is allowed when it is active.",
            pool.status.state
        ),
    ))
}

/// How the service answers a stored password: masked.
pub const MASKED_PASSWORD: &str = "******";

/// The fields CreateClusterNodePool requires (a complete pool after a
/// ModifyClusterNodePool too).
pub(super) fn required(req: &NodePoolRequest) -> ApiResult<()> {
    let sg = &req.scaling_group;
    let missing = [
        ("scaling_group.vswitch_ids", sg.vswitch_ids.is_empty()),
        ("scaling_group.instance_types", sg.instance_types.is_empty()),
        (
            "scaling_group.instance_charge_type",
            sg.instance_charge_type.as_deref().is_none_or(str::is_empty),
        ),
    ];
    if let Some((field, _)) = missing.iter().find(|(_, m)| *m) {
        return Err(ApiError::bad_request(
            "MissingParameter",
            format!("The parameter {field} is required."),
        ));
    }
    Ok(())
}

/// The rules over `scaling_group`; a missing login is `MissingParameter`.
pub(super) fn scaling_group(req: &NodePoolRequest) -> ApiResult<()> {
    let managed = req.management.as_ref().is_some_and(|m| m.enable);
    if let Some(v) = rules::scaling_group(&req.scaling_group, managed)
        .into_iter()
        .next()
    {
        let code = match v.error {
            RuleError::Required { .. } => "MissingParameter",
            _ => "InvalidParameter",
        };
        return Err(ApiError::bad_request(code, v.located("scaling_group")));
    }
    Ok(())
}

/// A kubelet configuration (`field`: where the request has it).
pub(super) fn kubelet(k: &ack_api::model::KubeletConfig, field: &str) -> ApiResult<()> {
    match rules::kubelet(k).into_iter().next() {
        Some(v) => Err(ApiError::invalid(v.located(field))),
        None => Ok(()),
    }
}

/// The nodes' OS settings (`field`: where the request has them), for a
/// cluster at `version`.
pub(super) fn node_os(
    os: &ack_api::model::NodeOsConfig,
    version: &str,
    field: &str,
) -> ApiResult<()> {
    match rules::node_os_config(os, Some(version)).into_iter().next() {
        Some(v) => Err(ApiError::invalid(v.located(field))),
        None => Ok(()),
    }
}

/// `kubernetes_config`'s node settings and `node_config`.
pub(super) fn kubernetes(req: &NodePoolRequest) -> ApiResult<()> {
    let k = &req.kubernetes_config;
    let field = |f: &str, r: Result<(), RuleError>| {
        r.map_err(|e| ApiError::invalid(format!("kubernetes_config.{f}: {e}")))
    };
    if !k.runtime.is_empty() {
        field(
            "runtime",
            rules::one_of("runtime", &k.runtime, &rules::RUNTIMES),
        )?;
    }
    if let Some(p) = &k.cpu_policy {
        field(
            "cpu_policy",
            rules::one_of("CPU policy", p, &rules::CPU_MANAGER_POLICIES),
        )?;
    }
    if let Some(m) = &k.node_name_mode {
        field("node_name_mode", rules::node_name_mode(m))?;
    }
    for (f, script) in [
        ("user_data", &k.user_data),
        ("pre_user_data", &k.pre_user_data),
    ] {
        if let Some(s) = script {
            use base64::Engine as _;
            if base64::engine::general_purpose::STANDARD.decode(s).is_err() {
                return Err(ApiError::invalid(format!(
                    "kubernetes_config.{f}: the script must be Base64-encoded."
                )));
            }
        }
    }
    if let Some(m) = &req.management {
        if let Some(v) = rules::management(m).into_iter().next() {
            return Err(ApiError::invalid(v.located("management")));
        }
    }
    if let Some(kc) = req
        .node_config
        .as_ref()
        .and_then(|n| n.kubelet_configuration.as_ref())
    {
        kubelet(kc, "node_config.kubelet_configuration")?;
    }
    Ok(())
}

/// The network objects the pool names, in the cluster's region and VPC.
pub(super) fn inventory(
    conn: &Connection,
    cluster: &ClusterDetail,
    req: &NodePoolRequest,
) -> ApiResult<()> {
    let inv = inventory::load(conn, &cluster.region_id)?;
    let sg = &req.scaling_group;
    if let Some(v) = rules::vswitch_ids(&sg.vswitch_ids).first() {
        return Err(ApiError::bad_request(
            "InvalidParameter.VSwitchIds",
            v.located("scaling_group.vswitch_ids"),
        ));
    }
    for id in &sg.vswitch_ids {
        inv.vswitch_in(id, &cluster.vpc_id, "scaling_group.vswitch_ids")?;
    }
    for id in &sg.security_group_ids {
        inv.security_group_in(id, &cluster.vpc_id)?;
    }
    if let Some(k) = sg.key_pair.as_deref().filter(|k| !k.is_empty()) {
        inv.key_pair(k)?;
    }
    let disk_keys = sg
        .data_disks
        .iter()
        .filter_map(|d| d.kms_key_id.as_deref())
        .chain(sg.system_disk_kms_key_id.as_deref());
    for key in disk_keys {
        inv.kms_key(key)?;
    }
    Ok(())
}

/// A pool as the service describes it: the password masked.
pub(super) fn masked(mut p: NodePoolDetail) -> NodePoolDetail {
    if p.scaling_group.login_password.is_some() {
        p.scaling_group.login_password = Some(MASKED_PASSWORD.into());
    }
    p
}

/// ModifyClusterNodePool switching the login: a key pair given replaces a
/// stored password and the other way round (`patch` is the raw body).
pub(super) fn switch_login(patch: &serde_json::Value, merged: &mut serde_json::Value) {
    let given = |k: &str| {
        patch
            .pointer(&format!("/scaling_group/{k}"))
            .and_then(serde_json::Value::as_str)
            .is_some_and(|s| !s.is_empty())
    };
    let Some(sg) = merged
        .get_mut("scaling_group")
        .and_then(serde_json::Value::as_object_mut)
    else {
        return;
    };
    if given("key_pair") && !given("login_password") {
        sg.remove("login_password");
    } else if given("login_password") && !given("key_pair") {
        sg.remove("key_pair");
    }
}
