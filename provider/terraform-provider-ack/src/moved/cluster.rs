//! `alicloud_cs_managed_kubernetes` (and a managed `alicloud_cs_kubernetes`)
//! → `ack_cluster`.

use ack_api::edition;
use tfplugin::framework::{MoveStateRequest, MoveStateResponse};
use tfplugin::value::serde::Planned;
use tfplugin::Value;

use super::{field, respond, MoveError, Source};
use crate::resources::cluster::model::{
    AuditLog, Cluster, ControlPlaneLogs, MaintenanceWindow, OperationPolicy,
};

const TARGET: &str = "ack_cluster";
/// The alicloud types whose state `ack_cluster` takes (serverless is named
/// only to refuse it with a reason).
pub const SOURCES: [&str; 3] = [
    "alicloud_cs_managed_kubernetes",
    "alicloud_cs_kubernetes",
    "alicloud_cs_serverless_kubernetes",
];

pub fn accept(req: MoveStateRequest) -> MoveStateResponse {
    let mapped = Source::read(&req, &SOURCES, TARGET).and_then(|s| map(&s));
    respond(req, TARGET, mapped)
}

/// The cluster's state from alicloud's.
pub fn map(s: &Source) -> Result<Value, MoveError> {
    refuse_unmanaged(s)?;
    let id = s.str("id").ok_or(MoveError::Missing("id"))?;
    let spec = s.str("cluster_spec").unwrap_or_default();
    let ed = edition::by_cluster_spec(&spec).ok_or_else(|| MoveError::Refused {
        attribute: "cluster_spec",
        why: format!("{spec:?} is not a managed edition this provider knows"),
        what_to_do: "Remove the `moved` block and keep the cluster in aliyun/alicloud.".into(),
    })?;
    let window = s.block("maintenance_window").and_then(|w| {
        let on = field(w, "enable").and_then(super::boolean).unwrap_or(true);
        let t = |k| field(w, k).and_then(super::text);
        let mw = MaintenanceWindow {
            maintenance_time: t("maintenance_time"),
            duration: t("duration"),
            weekly_period: t("weekly_period"),
        };
        (on && mw.maintenance_time.is_some()).then_some(mw)
    });
    let policy = s
        .block("operation_policy")
        .and_then(|p| {
            super::blocks(field(p, "cluster_auto_upgrade"))
                .into_iter()
                .next()
        })
        .map(|a| OperationPolicy {
            auto_upgrade: field(a, "enabled").and_then(super::boolean),
            channel: field(a, "channel").and_then(super::text),
        });
    let logs = s
        .strings("control_plane_log_components")
        .map(|components| ControlPlaneLogs {
            components: Some(components),
            project: s.str("control_plane_log_project"),
            ttl_days: s.int("control_plane_log_ttl"),
        });
    let audit = s.block("audit_log_config").map(|a| AuditLog {
        enabled: field(a, "enabled").and_then(super::boolean),
        sls_project_name: field(a, "sls_project_name").and_then(super::text),
    });
    let vswitches = s
        .strings("vswitch_ids")
        .or_else(|| s.strings("worker_vswitch_ids"));
    let extra_sans = s.str("custom_san").map(|sans| {
        sans.split(',')
            .map(|x| x.trim().to_owned())
            .filter(|x| !x.is_empty())
            .collect()
    });
    let cluster = Cluster {
        id: Some(id),
        name: s.str("name"),
        edition: Some(ed.name.to_owned()),
        kubernetes_version: s.str("version").map_or(Planned::Null, Planned::Known),
        vpc_id: s.str("vpc_id"),
        vswitch_ids: vswitches,
        service_cidr: s.str("service_cidr"),
        pod_cidr: s.str("pod_cidr"),
        node_cidr_mask: s.int("node_cidr_mask").and_then(|n| u32::try_from(n).ok()),
        proxy_mode: s.str("proxy_mode"),
        ip_stack: s.str("ip_stack"),
        cluster_domain: s.str("cluster_domain"),
        security_group_id: s.str("security_group_id"),
        endpoint_public_access: s.bool("slb_internet_enabled"),
        extra_sans,
        resource_group_id: s.str("resource_group_id"),
        timezone: s.str("timezone"),
        deletion_protection: s.bool("deletion_protection"),
        maintenance_window: window.map_or(Planned::Null, Planned::Known),
        operation_policy: policy,
        rrsa_enabled: s.bool("enable_rrsa"),
        control_plane_logs: logs,
        audit_log: audit,
        tags: s.map("tags"),
        sla: Some(ed.sla.to_owned()),
        sla_compensation: Some(ed.sla_compensation),
        max_nodes: Some(ed.max_nodes),
        api_server_autoscaling: Some(ed.api_server_autoscaling),
        etcd_disk_encryption: Some(ed.etcd_disk_encryption),
        ..Default::default()
    };
    cluster.value().map_err(|d| MoveError::Json(d.detail))
}

/// Dedicated (self-managed control plane) and serverless clusters have no
/// counterpart here.
fn refuse_unmanaged(s: &Source) -> Result<(), MoveError> {
    if s.type_name == "alicloud_cs_serverless_kubernetes" {
        return Err(MoveError::Refused {
            attribute: "resource type",
            why: "an ACK Serverless cluster has no node pools or managed control plane edition this provider manages".into(),
            what_to_do: "Remove the `moved` block and keep the cluster in aliyun/alicloud.".into(),
        });
    }
    let dedicated =
        s.strings("master_instance_types").is_some() || s.strings("master_vswitch_ids").is_some();
    if dedicated {
        return Err(MoveError::Refused {
            attribute: "master_instance_types",
            why: "this is an ACK dedicated cluster (its control plane runs on your own instances); this provider manages ACK Standard and ACK Pro managed clusters only".into(),
            what_to_do: "Remove the `moved` block and keep the cluster in aliyun/alicloud, or migrate it to a managed cluster first (ACK's console offers the migration) and import that.".into(),
        });
    }
    match s.str("profile").as_deref() {
        None | Some("Default") => Ok(()),
        Some(p) => Err(MoveError::Refused {
            attribute: "profile",
            why: format!("the cluster's profile is {p:?}; this provider manages `Default` (ACK Standard and ACK Pro) clusters only"),
            what_to_do: "Remove the `moved` block and keep the cluster in aliyun/alicloud.".into(),
        }),
    }
}
