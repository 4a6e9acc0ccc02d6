//! The fields the API documents as required in the create requests, checked
//! on the bodies the emulator logged (`GET /_emulator/requests`). The source
//! is the official SDK's model comments (`alibabacloud-cs20151215` 7.2.3,
//! `CreateClusterRequest` and `CreateClusterNodePoolRequest`): name and
//! region, a VPC with vSwitches (or zones for a VPC the service creates), a
//! network component in `addons` with its address source (Flannel's
//! `container_cidr`, Terway's `pod_vswitch_ids`); a pool's name, vSwitches,
//! instance types, billing, a login, and a period for PrePaid.

use serde_json::Value as Json;

use crate::Emulator;

fn text(v: &Json) -> bool {
    v.as_str().is_some_and(|s| !s.trim().is_empty())
}

fn list(v: &Json) -> bool {
    v.as_array().is_some_and(|l| !l.is_empty())
}

/// What a CreateCluster body lacks of the documented required fields.
pub fn cluster_create_misses(b: &Json) -> Vec<&'static str> {
    let mut missing = Vec::new();
    if !text(&b["name"]) {
        missing.push("name");
    }
    if !text(&b["region_id"]) {
        missing.push("region_id");
    }
    let own_vpc = text(&b["vpcid"]) && list(&b["vswitch_ids"]);
    if !own_vpc && !list(&b["zone_ids"]) && !text(&b["zone_id"]) {
        missing.push("vpcid + vswitch_ids, or zone_ids");
    }
    let plugin = b["addons"].as_array().and_then(|addons| {
        addons.iter().find_map(|a| {
            let name = a["name"].as_str()?;
            let on = a["disabled"] != Json::Bool(true);
            (on && ack_api::rules::network_plugin(name).is_some()).then_some(name)
        })
    });
    match plugin {
        None => missing.push("addons: a network plugin"),
        Some("flannel") if !text(&b["container_cidr"]) => missing.push("container_cidr"),
        Some(p) if p.starts_with("terway") && !list(&b["pod_vswitch_ids"]) => {
            missing.push("pod_vswitch_ids")
        }
        Some(_) => {}
    }
    missing
}

/// What a CreateClusterNodePool body lacks of the documented required fields.
pub fn pool_create_misses(b: &Json) -> Vec<&'static str> {
    let mut missing = Vec::new();
    let sg = &b["scaling_group"];
    if !text(&b["nodepool_info"]["name"]) {
        missing.push("nodepool_info.name");
    }
    if !list(&sg["vswitch_ids"]) {
        missing.push("scaling_group.vswitch_ids");
    }
    if !list(&sg["instance_types"]) {
        missing.push("scaling_group.instance_types");
    }
    if !text(&sg["instance_charge_type"]) {
        missing.push("scaling_group.instance_charge_type");
    }
    if !text(&sg["key_pair"]) && !text(&sg["login_password"]) {
        missing.push("scaling_group.key_pair or login_password");
    }
    if sg["instance_charge_type"] == "PrePaid"
        && !(sg["period"].as_u64().is_some_and(|p| p > 0) && text(&sg["period_unit"]))
    {
        missing.push("scaling_group.period + period_unit (PrePaid)");
    }
    missing
}

/// Checks every create `emu` served carries the documented required fields
/// (a create the service answered "busy" and the client repeated is logged
/// each time). Returns how many clusters and pools were created; panics
/// with the offending body otherwise.
#[track_caller]
pub fn assert_creates_complete(emu: &Emulator) -> (usize, usize) {
    let check = |action: &str, misses: fn(&Json) -> Vec<&'static str>| {
        let logged = emu.request_log(action);
        for r in &logged {
            let missing = misses(&r["body"]);
            assert!(
                missing.is_empty(),
                "{action} lacks {missing:?}, which the API requires: {}",
                r["body"]
            );
        }
        logged
            .iter()
            .filter(|r| r["status"].as_u64().is_some_and(|s| s < 300))
            .count()
    };
    (
        check("CreateCluster", cluster_create_misses),
        check("CreateClusterNodePool", pool_create_misses),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn incomplete_creates_are_named() {
        let bare = json!({"name": "a", "region_id": "cn-hangzhou"});
        assert_eq!(
            cluster_create_misses(&bare),
            [
                "vpcid + vswitch_ids, or zone_ids",
                "addons: a network plugin"
            ]
        );
        let terway = json!({"name": "a", "region_id": "r", "zone_ids": ["r-a"],
                            "addons": [{"name": "terway-eniip"}]});
        assert_eq!(cluster_create_misses(&terway), ["pod_vswitch_ids"]);
        let flannel = json!({"name": "a", "region_id": "r", "vpcid": "vpc-1",
                             "vswitch_ids": ["vsw-1"], "addons": [{"name": "flannel"}],
                             "container_cidr": "172.20.0.0/16"});
        assert!(cluster_create_misses(&flannel).is_empty());
        let pool = json!({"nodepool_info": {"name": "p"},
                          "scaling_group": {"vswitch_ids": ["vsw-1"], "instance_types": ["ecs.g7.large"],
                                            "instance_charge_type": "PrePaid", "login_password": "<redacted>"}});
        assert_eq!(
            pool_create_misses(&pool),
            ["scaling_group.period + period_unit (PrePaid)"]
        );
    }
}
