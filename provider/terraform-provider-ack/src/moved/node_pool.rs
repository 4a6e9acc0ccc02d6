//! `alicloud_cs_kubernetes_node_pool` → `ack_node_pool`.
//!
//! alicloud refers to the cluster by `cluster_id`; `ack_node_pool` by
//! `cluster_name`, which the refresh after the move reads from the cluster
//! (the state keeps the ID in `cluster_id`).

use std::collections::BTreeMap;

use tfplugin::framework::{MoveStateRequest, MoveStateResponse};
use tfplugin::value::serde::Planned;
use tfplugin::Value;

use super::{field, respond, MoveError, Source};
use crate::resources::node_pool::model::{Autoscaling, Managed, NodePool, Taint};

const TARGET: &str = "ack_node_pool";
pub const SOURCES: [&str; 1] = ["alicloud_cs_kubernetes_node_pool"];

pub fn accept(req: MoveStateRequest) -> MoveStateResponse {
    let mapped = Source::read(&req, &SOURCES, TARGET).and_then(|s| map(&s));
    respond(req, TARGET, mapped)
}

/// The pool's state from alicloud's.
pub fn map(s: &Source) -> Result<Value, MoveError> {
    let id = s.str("id").ok_or(MoveError::Missing("id"))?;
    let (id_cluster, id_pool) = id.split_once(':').unwrap_or(("", ""));
    let cluster_id = s
        .str("cluster_id")
        .or_else(|| Some(id_cluster.to_owned()).filter(|c| !c.is_empty()))
        .ok_or(MoveError::Missing("cluster_id"))?;
    let pool_id = s
        .str("node_pool_id")
        .or_else(|| Some(id_pool.to_owned()).filter(|p| !p.is_empty()))
        .ok_or(MoveError::Missing("node_pool_id"))?;
    if s.str("type").as_deref() == Some("lingjun") {
        return Err(MoveError::Refused {
            attribute: "type",
            why: "a Lingjun node pool has no counterpart in ack_node_pool".into(),
            what_to_do: "Remove the `moved` block and keep the pool in aliyun/alicloud.".into(),
        });
    }
    let scaling = s
        .block("scaling_config")
        .filter(|c| field(c, "enable").and_then(super::boolean).unwrap_or(true));
    let (desired_size, autoscaling) = match scaling {
        Some(c) => (
            Planned::Null,
            Planned::Known(Autoscaling {
                min_size: field(c, "min_size").and_then(super::int),
                max_size: field(c, "max_size").and_then(super::int),
            }),
        ),
        None => (
            s.int("desired_size")
                .or_else(|| s.int("node_count"))
                .map_or(Planned::Null, Planned::Known),
            Planned::Null,
        ),
    };
    let labels: BTreeMap<String, String> = s
        .blocks("labels")
        .into_iter()
        .filter_map(|l| {
            let key = field(l, "key").and_then(super::text)?;
            let value = field(l, "value").and_then(super::text).unwrap_or_default();
            Some((key, value))
        })
        .collect();
    let taints: Vec<Taint> = s
        .blocks("taints")
        .into_iter()
        .filter_map(|t| {
            Some(Taint {
                key: Some(field(t, "key").and_then(super::text)?),
                value: field(t, "value").and_then(super::text),
                effect: field(t, "effect").and_then(super::text),
            })
        })
        .collect();
    let managed = s
        .block("management")
        .filter(|m| field(m, "enable").and_then(super::boolean).unwrap_or(false))
        .map(|m| Managed {
            auto_repair: field(m, "auto_repair").and_then(super::boolean),
            auto_upgrade: field(m, "auto_upgrade").and_then(super::boolean),
            auto_vul_fix: field(m, "auto_vul_fix").and_then(super::boolean),
            max_unavailable: field(m, "max_unavailable").and_then(super::int),
            ..Default::default()
        });
    let pool = NodePool {
        id: Some(format!("{cluster_id}:{pool_id}")),
        name: s.str("node_pool_name").or_else(|| s.str("name")),
        instance_types: s.strings("instance_types"),
        // The nodes' version (alicloud's `kubernetes_version`); the refresh
        // reads the kubelet's anyway.
        kubernetes_version: s.str("kubernetes_version"),
        desired_size,
        autoscaling,
        labels: (!labels.is_empty()).then_some(labels),
        taints: (!taints.is_empty()).then_some(taints),
        managed,
        cluster_id: Some(cluster_id),
        node_pool_id: Some(pool_id),
        ..Default::default()
    };
    pool.value().map_err(|d| MoveError::Json(d.detail))
}
