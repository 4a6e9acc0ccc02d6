//! CreateClusterNodePool and ModifyClusterNodePool refuse what the service
//! refuses (#18): required fields, the placement, billing, login and disk
//! rules, and network objects that are not in the cluster's VPC or the
//! region's inventory; the password is never answered back.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use ack_api::request::ApiRequest;
use serde_json::{json, Value};
use support::{pool, with_body, Emu};

fn base() -> Value {
    json!({
        "nodepool_info": {"name": "p1"},
        "scaling_group": {
            "instance_types": ["ecs.g7.xlarge"], "desired_size": 1,
            "vswitch_ids": ["vsw-ack00000000000000001"], "instance_charge_type": "PostPaid",
            "key_pair": "ack-keypair"
        }
    })
}

fn with(edit: impl Fn(&mut serde_json::Map<String, Value>)) -> Value {
    let mut b = base();
    if let Some(sg) = b["scaling_group"].as_object_mut() {
        edit(sg);
    }
    b
}

#[tokio::test]
async fn incomplete_or_invalid_pools_are_refused_with_the_services_codes() {
    let emu = Emu::new();
    let id = emu.cluster("c", "ack.pro.small").await;
    let create = |b: &Value| with_body(ApiRequest::create_node_pool(&id, &pool("x", 1)), b);
    let cases: Vec<(Value, &str, &str)> = vec![
        (
            with(|s| {
                s.remove("vswitch_ids");
            }),
            "MissingParameter",
            "scaling_group.vswitch_ids",
        ),
        (
            with(|s| {
                s.remove("instance_charge_type");
            }),
            "MissingParameter",
            "instance_charge_type",
        ),
        (
            with(|s| {
                s.remove("key_pair");
            }),
            "MissingParameter",
            "a key pair or a login password",
        ),
        (
            with(|s| {
                s.insert("login_password".into(), json!("Abcdef12"));
            }),
            "InvalidParameter",
            "not both",
        ),
        (
            with(|s| {
                s.remove("key_pair");
                s.insert("login_password".into(), json!("abcdefgh"));
            }),
            "InvalidParameter",
            "login password is not valid",
        ),
        (
            with(|s| {
                s.insert("vswitch_ids".into(), json!(["vsw-ack00000000000000021"]));
            }),
            "InvalidParameter.VSwitchIds",
            "not to the cluster's VPC",
        ),
        (
            with(|s| {
                s.insert("vswitch_ids".into(), json!(["vsw-nope0000000000000000"]));
            }),
            "InvalidVSwitchId.NotFound",
            "does not exist",
        ),
        (
            with(|s| {
                s.insert(
                    "security_group_ids".into(),
                    json!(["sg-nope000000000000000"]),
                );
            }),
            "InvalidSecurityGroupId.NotFound",
            "does not exist",
        ),
        (
            with(|s| {
                s.insert("key_pair".into(), json!("nobody"));
            }),
            "InvalidKeyPair.NotFound",
            "nobody",
        ),
        (
            with(|s| {
                s.insert("system_disk_encrypted".into(), json!(true));
                s.insert(
                    "system_disk_kms_key_id".into(),
                    json!("key-unknown0000000000"),
                );
            }),
            "Forbidden.KeyNotFound",
            "key-unknown",
        ),
        (
            with(|s| {
                s.insert(
                    "data_disks".into(),
                    json!([{"category": "cloud_essd", "size": 100, "performance_level": "PL2"}]),
                );
            }),
            "InvalidParameter",
            "data_disks[0].size",
        ),
        (
            with(|s| {
                s.insert("system_disk_size".into(), json!(10));
            }),
            "InvalidParameter",
            "system_disk_size",
        ),
        (
            with(|s| {
                s.insert("instance_charge_type".into(), json!("PrePaid"));
            }),
            "MissingParameter",
            "period",
        ),
        (
            with(|s| {
                s.insert("instance_charge_type".into(), json!("PrePaid"));
                s.insert("period".into(), json!(5));
                s.insert("period_unit".into(), json!("Week"));
            }),
            "InvalidParameter",
            "period",
        ),
        (
            with(|s| {
                s.insert("spot_strategy".into(), json!("SpotWithPriceLimit"));
            }),
            "MissingParameter",
            "spot_price_limit",
        ),
    ];
    for (body, code, says) in cases {
        let r = emu.call(&create(&body)).await.err(400, code);
        assert!(
            r.body["message"].as_str().unwrap().contains(says),
            "{body}: {}",
            r.body
        );
    }
    // A managed pool logs in with a key pair only.
    let mut managed = with(|s| {
        s.remove("key_pair");
        s.insert("login_password".into(), json!("Abcdef12"));
    });
    managed["management"] = json!({"enable": true});
    emu.call(&create(&managed))
        .await
        .err(400, "InvalidParameter");
    assert_eq!(emu.stats().await["node_pools"], 0, "nothing was written");
}

#[tokio::test]
async fn the_password_is_masked_and_a_modify_keeps_what_it_does_not_send() {
    let emu = Emu::new();
    let id = emu.cluster("c", "ack.standard").await;
    let body = with(|s| {
        s.remove("key_pair");
        s.insert("login_password".into(), json!("Abcdef12!"));
        s.insert(
            "security_group_ids".into(),
            json!(["sg-ack00000000000000001"]),
        );
        s.insert("system_disk_encrypted".into(), json!(true));
        s.insert(
            "system_disk_kms_key_id".into(),
            json!("key-ack00000000000000001"),
        );
    });
    let r = emu.create_pool_with(&id, &body).await.ok();
    let np = r["nodepool_id"].as_str().unwrap().to_owned();
    emu.tick();
    let d = emu.node_pool(&id, &np).await;
    assert_eq!(d["scaling_group"]["login_password"], "******");
    assert!(!d.to_string().contains("Abcdef12!"));
    let l = emu.call(&ApiRequest::list_node_pools(&id)).await.ok();
    assert!(!l.to_string().contains("Abcdef12!"));
    // A partial modify keeps the security groups and the disk key; a key
    // pair given replaces the password.
    let m = json!({"scaling_group": {"desired_size": 2, "key_pair": "ack-keypair"}});
    emu.modify_pool_with(&id, &np, &m).await.ok();
    emu.tick();
    let d = emu.node_pool(&id, &np).await;
    let sg = &d["scaling_group"];
    assert_eq!(sg["key_pair"], "ack-keypair");
    assert!(sg["login_password"].is_null(), "{sg}");
    assert_eq!(sg["security_group_ids"], json!(["sg-ack00000000000000001"]));
    assert_eq!(sg["system_disk_kms_key_id"], "key-ack00000000000000001");
    // A modify that breaks a rule is refused as a create would be.
    let bad = json!({"scaling_group": {"vswitch_ids": ["vsw-ack00000000000000021"]}});
    emu.modify_pool_with(&id, &np, &bad)
        .await
        .err(400, "InvalidParameter.VSwitchIds");
}

#[tokio::test]
async fn kubelet_settings_are_checked_stored_and_replaced_by_modify_node_pool_node_config() {
    use ack_api::model::{KubeletConfig, NodeConfigRequest};
    let emu = Emu::new();
    let id = emu.cluster("c", "ack.standard").await;
    let mut body = base();
    body["node_config"] = json!({"kubelet_configuration": {"maxPods": 110, "evictionHard": {"memory.available": "200Mi"}}});
    body["kubernetes_config"] =
        json!({"runtime": "containerd", "cpu_policy": "static", "user_data": "ZWNobyBoaQ=="});
    let r = emu.create_pool_with(&id, &body).await.ok();
    let np = r["nodepool_id"].as_str().unwrap().to_owned();
    emu.tick();
    let d = emu.node_pool(&id, &np).await;
    assert_eq!(d["node_config"]["kubelet_configuration"]["maxPods"], 110);
    assert_eq!(d["kubernetes_config"]["cpu_policy"], "static");
    // A ModifyClusterNodePool keeps the kubelet configuration.
    let m = json!({"scaling_group": {"desired_size": 2}});
    emu.modify_pool_with(&id, &np, &m).await.ok();
    emu.tick();
    let kubelet = KubeletConfig {
        max_pods: Some(64),
        ..Default::default()
    };
    let req = NodeConfigRequest {
        kubelet_config: Some(kubelet),
        ..Default::default()
    };
    emu.call(&ApiRequest::modify_node_pool_node_config(&id, &np, &req))
        .await
        .ok();
    let (during, d) = emu
        .across_tick(&ApiRequest::describe_node_pool(&id, &np))
        .await;
    assert_eq!(during["status"]["state"], "updating");
    let k = &d["node_config"]["kubelet_configuration"];
    assert_eq!(
        (k["maxPods"].as_u64(), k["evictionHard"].is_null()),
        (Some(64), true),
        "replaced as a whole"
    );
    // Refused: out-of-range values, unknown signals, a script not Base64.
    let bad = NodeConfigRequest {
        kubelet_config: Some(KubeletConfig {
            max_pods: Some(999),
            ..Default::default()
        }),
        os_config: None,
        rolling_policy: None,
    };
    emu.call(&ApiRequest::modify_node_pool_node_config(&id, &np, &bad))
        .await
        .err(400, "InvalidParameter");
    let mut b = base();
    b["nodepool_info"]["name"] = json!("p2");
    b["kubernetes_config"] = json!({"user_data": "not base64!"});
    emu.create_pool_with(&id, &b)
        .await
        .err(400, "InvalidParameter");
}

/// Node creation fails as ECS fails it: the task fails with ECS's code,
/// DescribeClusterNodePoolDetail shows what was created and why not more.
#[tokio::test]
async fn stock_outs_and_spot_prices_fail_the_scaling_activity_and_stuck_deletions_wait_for_force() {
    use ack_emulator::faults::FaultSettings;
    let emu = Emu::new();
    let id = emu.cluster("c", "ack.standard").await;
    let set = |s: FaultSettings| {
        emu.state.faults.lock().unwrap().apply(&s);
    };
    set(serde_json::from_value(json!({
        "stockouts": [{"zone_id": "cn-hangzhou-a", "instance_type": "ecs.g7.xlarge"}],
        "spot_prices": {"ecs.g7.xlarge": 0.8}
    }))
    .unwrap());
    // Two vSwitches: zone a is out of stock, zone b has room.
    let mut body = with(|s| {
        s.insert(
            "vswitch_ids".into(),
            json!(["vsw-ack00000000000000001", "vsw-ack00000000000000002"]),
        );
    });
    body["scaling_group"]["desired_size"] = json!(2);
    let r = emu.create_pool_with(&id, &body).await.ok();
    let np = r["nodepool_id"].as_str().unwrap().to_owned();
    emu.tick();
    let d = emu.node_pool(&id, &np).await;
    assert_eq!(
        (
            d["status"]["total_nodes"].as_u64(),
            d["status"]["failed_nodes"].as_u64()
        ),
        (Some(2), Some(0)),
        "placed in zone b"
    );
    // Spot below the market price, in zone b only: nothing can be created.
    let mut spot = with(|s| {
        s.insert("vswitch_ids".into(), json!(["vsw-ack00000000000000002"]));
        s.insert("spot_strategy".into(), json!("SpotWithPriceLimit"));
        s.insert(
            "spot_price_limit".into(),
            json!([{"instance_type": "ecs.g7.xlarge", "price_limit": "0.5"}]),
        );
    });
    spot["nodepool_info"]["name"] = json!("spot");
    let r = emu.create_pool_with(&id, &spot).await.ok();
    let (np2, task) = (
        r["nodepool_id"].as_str().unwrap().to_owned(),
        r["task_id"].as_str().unwrap().to_owned(),
    );
    emu.tick();
    let d = emu.node_pool(&id, &np2).await;
    assert_eq!(d["status"]["state"], "active");
    assert_eq!(
        (
            d["status"]["total_nodes"].as_u64(),
            d["status"]["failed_nodes"].as_u64()
        ),
        (Some(0), Some(1))
    );
    let c = &d["status"]["conditions"][0];
    assert_eq!(c["reason"], "InvalidSpotPriceLimit.LowerThanPublicPrice");
    assert!(c["message"].as_str().unwrap().contains("(spot)"), "{c}");
    let t = emu.call(&ApiRequest::describe_task(&task)).await.ok();
    assert_eq!(
        (t["state"].as_str(), t["error"]["code"].as_str()),
        (
            Some("failed"),
            Some("InvalidSpotPriceLimit.LowerThanPublicPrice")
        )
    );
    // A stuck deletion stays `deleting` until forced.
    set(serde_json::from_value(json!({"stuck_pools": ["p1"], "stockouts": []})).unwrap());
    emu.call(&ApiRequest::delete_node_pool(&id, &np, false))
        .await
        .ok();
    emu.tick();
    let d = emu.node_pool(&id, &np).await;
    assert_eq!(d["status"]["conditions"][0]["type"], "Draining");
    emu.call(&ApiRequest::delete_node_pool(&id, &np, false))
        .await
        .err(400, "ErrorNodePoolState");
    emu.call(&ApiRequest::delete_node_pool(&id, &np, true))
        .await
        .ok();
    emu.tick();
    emu.call(&ApiRequest::describe_node_pool(&id, &np))
        .await
        .err(404, "ErrorNodePoolNotFound");
    // The deleted pool's addresses are free again, in the vSwitch they
    // were taken from (zone b: zone a was out of stock).
    let inv = emu
        .state
        .tx(|c| ack_emulator::inventory::load(c, "cn-hangzhou"))
        .unwrap();
    let free = |id: &str| {
        inv.vswitches
            .iter()
            .find(|v| v.id == id)
            .map(|v| v.available_ips)
    };
    assert_eq!(
        free("vsw-ack00000000000000002"),
        Some(4000),
        "{:?}",
        inv.vswitches
    );
}
