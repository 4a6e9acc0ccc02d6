use ack_api::model::{NodePoolDetail, NodePoolInfo, NodePoolStatus};
use tfplugin::value::serde::Planned;
use tfplugin::{AttributePath, Value};

use super::model::{NodePool, ACCELERATOR_LABEL};
use super::*;

#[test]
fn the_accelerator_label_is_reserved_for_the_provider() {
    assert!(ack_api::rules::label_key(ACCELERATOR_LABEL).is_ok());
    assert!(ack_api::rules::user_label_key(ACCELERATOR_LABEL).is_err());
}

#[test]
fn schema_is_valid_and_described() {
    assert_eq!(
        tfplugin::schema::check_schema(&schema::schema().block),
        Vec::<String>::new()
    );
}

fn planned(json: serde_json::Value) -> Value {
    tfplugin::value::serde::to_value(&json, model::ty()).unwrap()
}

/// What the API reports for pool `p` (`np1`) made from `req`: its scaling
/// group and Kubernetes settings, active with `nodes` nodes.
fn reported(req: &ack_api::model::NodePoolRequest, nodes: u64) -> NodePoolDetail {
    NodePoolDetail {
        nodepool_info: NodePoolInfo {
            nodepool_id: "np1".into(),
            name: "p".into(),
            pool_type: "ess".into(),
            ..Default::default()
        },
        scaling_group: req.scaling_group.clone(),
        kubernetes_config: req.kubernetes_config.clone(),
        status: NodePoolStatus {
            state: "active".into(),
            total_nodes: nodes,
            ..Default::default()
        },
        ..Default::default()
    }
}

#[test]
fn request_and_state_round_trip() {
    let plan = planned(serde_json::json!({
        "cluster_name": "c", "name": "p", "instance_types": ["ecs.g7.xlarge"], "desired_size": 3,
        "accelerator": "gpu", "labels": {"team": "a"},
        "taints": [{"key": "k", "value": null, "effect": "NoSchedule"}],
        "managed": {"auto_repair": true, "auto_upgrade": false, "auto_vul_fix": true, "max_unavailable": 2,
            "surge": 1, "surge_percentage": null, "auto_repair_policy": {"restart_node": true},
            "auto_upgrade_policy": {"auto_upgrade_kubelet": true, "auto_upgrade_os": false, "auto_upgrade_runtime": null},
            "auto_vul_fix_policy": {"restart_node": false, "vul_level": "asap,later"}},
        "vswitch_ids": ["vsw-ack00000000000000001"], "instance_charge_type": "PrePaid", "period": 12,
        "auto_renew": false, "key_pair": "ack-keypair", "login_password_wo_version": 1,
        "security_group_ids": ["sg-ack00000000000000001"], "tags": {"env": "prod"},
        "spot_strategy": "SpotWithPriceLimit", "spot_price_limit": [{"instance_type": "ecs.g7.xlarge", "price_limit": "0.5"}],
        "image_type": "AliyunLinux3", "system_disk_category": "cloud_essd", "system_disk_size": 500,
        "system_disk_performance_level": "PL2", "system_disk_encrypted": true,
        "system_disk_kms_key_id": "key-ack00000000000000001", "deployment_set_id": "ds-1",
        "data_disks": [{"category": "cloud_essd", "size": 100, "performance_level": "PL1", "encrypted": true,
            "kms_key_id": "key-ack00000000000000002", "snapshot_id": null, "mount_target": "/data",
            "auto_format": true, "file_system": "ext4"}]
    }));
    let m = NodePool::read(&plan).unwrap();
    let req = m.request(None).unwrap();
    assert!(req
        .kubernetes_config
        .labels
        .iter()
        .any(|l| l.key == ACCELERATOR_LABEL));
    // ModifyClusterNodePool is partial: autoscaling off is said explicitly.
    assert_eq!(req.auto_scaling.as_ref().map(|a| a.enable), Some(false));
    assert_eq!(req.management.as_ref().map(|m| m.enable), Some(true));
    let detail = NodePoolDetail {
        auto_scaling: req.auto_scaling.clone().unwrap_or_default(),
        management: req.management.clone().unwrap_or_default(),
        ..reported(&req, 3)
    };
    let s = NodePool::from_api("c1", "c", &detail, &m).value().unwrap();
    assert!(ack_api::rules::scaling_group(&req.scaling_group, true).is_empty());
    assert_eq!(req.scaling_group.deploymentset_id.as_deref(), Some("ds-1"));
    for attr in [
        "vswitch_ids",
        "instance_charge_type",
        "period",
        "key_pair",
        "login_password_wo_version",
        "security_group_ids",
        "tags",
        "spot_price_limit",
        "system_disk_kms_key_id",
        "deployment_set_id",
        "data_disks",
        "name",
        "instance_types",
        "desired_size",
        "autoscaling",
        "accelerator",
        "labels",
        "taints",
        "managed",
    ] {
        assert_eq!(s.get(attr), plan.get(attr), "{attr}");
    }
    assert_eq!(s.get("node_count"), Some(&Value::from(3)));
    assert_eq!(s.get("id"), Some(&Value::from("c1:np1")));
    assert_eq!(m.planned_nodes(), Some(3));
}

/// Regression: a size missing from the plan became 0 nodes in the API
/// request (`num` read it as 0); now it is an error at the attribute.
#[test]
fn a_missing_size_is_an_error_not_zero() {
    let plan = planned(serde_json::json!({
        "cluster_name": "c", "name": "p", "instance_types": ["ecs.g7.xlarge"],
        "autoscaling": {"min_size": 1, "max_size": null}
    }));
    let d = NodePool::read(&plan).unwrap().request(None).unwrap_err();
    assert_eq!(
        d.attribute,
        Some(AttributePath::attr("autoscaling").push_attr("max_size"))
    );
    let neither = planned(serde_json::json!({"name": "p"}));
    let d = NodePool::read(&neither).unwrap().request(None).unwrap_err();
    assert_eq!(d.attribute, Some(AttributePath::attr("desired_size")));
}

/// Unknown sizes stay unknown in the plan: no node count is invented.
#[test]
fn unknown_sizes_are_not_counted() {
    let mut plan = planned(serde_json::json!({"name": "p", "desired_size": 3}));
    // Unknowns inside lists and maps do not stop the plan-time checks.
    common::set(
        &mut plan,
        "labels",
        Value::Map([("a".to_owned(), Value::unknown())].into()),
    );
    common::set(
        &mut plan,
        "instance_types",
        Value::List(vec![Value::unknown()]),
    );
    common::set(&mut plan, "autoscaling", Value::unknown());
    let m = model::NodePoolPlan::read(&plan).unwrap();
    assert!(m.autoscaling.is_unknown());
    assert_eq!(m.planned_nodes(), None);
    common::set(&mut plan, "autoscaling", Value::Null);
    common::set(&mut plan, "desired_size", Value::unknown());
    let m = model::NodePoolPlan::read(&plan).unwrap();
    assert_eq!(m.desired_size, Planned::Unknown);
    assert_eq!(m.planned_nodes(), None);
}

/// The planned node count follows a known desired size, and stays unknown
/// when the size is unknown (as before the typed model).
#[test]
fn node_count_is_planned_only_when_known() {
    let mut value = planned(serde_json::json!({"name": "p", "desired_size": 4}));
    common::set(&mut value, "node_count", Value::unknown());
    let m = model::NodePoolPlan::read(&value).unwrap();
    plan::plan_node_count(&m, None, &mut value);
    assert_eq!(value.get("node_count"), Some(&Value::from(4)));
    common::set(&mut value, "desired_size", Value::unknown());
    common::set(&mut value, "node_count", Value::unknown());
    let m = model::NodePoolPlan::read(&value).unwrap();
    plan::plan_node_count(&m, None, &mut value);
    assert!(value.get("node_count").is_some_and(Value::is_unknown));
}

/// Regression (#23): after an interrupted apply the pool was still
/// `scaling` with 0 nodes; the next plan said `node_count 0 -> 2` and kept
/// `state = "scaling"`, and the apply that waited for the pool failed with
/// "inconsistent result: .state was "scaling", now "active"". Both are
/// unknown while the pool settles.
#[test]
fn a_settling_pool_plans_its_state_and_node_count_unknown() {
    let mut value = planned(
        serde_json::json!({"name": "p", "desired_size": 2, "state": "scaling", "node_count": 0}),
    );
    let m = model::NodePoolPlan::read(&value).unwrap();
    let prior = NodePool::read(&value).unwrap();
    plan::plan_node_count(&m, Some(&prior), &mut value);
    assert!(value.get("node_count").is_some_and(Value::is_unknown));
    assert!(value.get("state").is_some_and(Value::is_unknown));
    // Settled, the prior state stands and the count follows the size.
    let mut value = planned(
        serde_json::json!({"name": "p", "desired_size": 2, "state": "active", "node_count": 2}),
    );
    let prior = NodePool::read(&value).unwrap();
    plan::plan_node_count(&m, Some(&prior), &mut value);
    assert_eq!(value.get("node_count"), Some(&Value::from(2)));
    assert_eq!(value.get("state"), Some(&Value::from("active")));
}

/// Regression (#23): `taints = [{ key = "k", value = "", … }]` read back as
/// `value = null` ("inconsistent result … was "" but now null"), and every
/// later apply replaced the pool. Empty and null both read back as written.
#[test]
fn empty_and_null_taint_values_read_back_as_written() {
    for value in [serde_json::json!(""), serde_json::Value::Null] {
        let plan = planned(serde_json::json!({
            "cluster_name": "c", "name": "p", "instance_types": ["ecs.g7.xlarge"], "desired_size": 1,
            "taints": [{"key": "k", "value": value, "effect": "NoSchedule"},
                       {"key": "k2", "value": "v", "effect": "NoExecute"}]
        }));
        let m = NodePool::read(&plan).unwrap();
        let req = m.request(None).unwrap();
        assert_eq!(req.kubernetes_config.taints[0].value, "");
        let detail = reported(&req, 1);
        let s = NodePool::from_api("c1", "c", &detail, &m).value().unwrap();
        assert_eq!(s.get("taints"), plan.get("taints"), "value {value}");
    }
}

/// The password is sent at create and when its version changes, never read
/// back, and never in the request otherwise.
#[test]
fn the_password_is_sent_only_when_its_version_changes() {
    let plan = planned(
        serde_json::json!({"name": "p", "desired_size": 1, "login_password_wo_version": 1}),
    );
    let m = NodePool::read(&plan).unwrap();
    assert_eq!(
        NodePool::password_to_send(Some("Abcdef12"), &m, None),
        Some("Abcdef12")
    );
    assert_eq!(
        NodePool::password_to_send(Some("Abcdef12"), &m, Some(&m)),
        None
    );
    let mut older = m.clone();
    older.login_password_wo_version = None;
    assert_eq!(
        NodePool::password_to_send(Some("Abcdef12"), &m, Some(&older)),
        Some("Abcdef12")
    );
    let detail = NodePoolDetail {
        scaling_group: m.request(Some("Abcdef12")).unwrap().scaling_group,
        ..Default::default()
    };
    let s = NodePool::from_api("c1", "c", &detail, &m);
    assert_eq!(s.login_password_wo, None);
    assert_eq!(s.login_password_wo_version, Some(1));
}

/// Plan-time checks at the attribute: one of key pair and password, a
/// period for subscriptions, disk sizes per category, spot price limits.
#[test]
fn node_settings_are_checked_at_their_attributes() {
    let config = planned(serde_json::json!({
        "name": "p", "desired_size": 1, "instance_types": ["ecs.g7.xlarge"],
        "instance_charge_type": "PrePaid", "system_disk_category": "cloud_essd",
        "system_disk_performance_level": "PL3", "system_disk_size": 100,
        "spot_strategy": "SpotWithPriceLimit",
        "data_disks": [{"category": "cloud", "size": 3000, "encrypted": false, "kms_key_id": "key-ack00000000000000001"}]
    }));
    let d = plan::validate(&config);
    let at: Vec<String> = d
        .iter()
        .filter_map(|d| d.attribute.as_ref().map(ToString::to_string))
        .collect();
    for want in [
        "key_pair",
        "period",
        "system_disk_size",
        "spot_strategy",
        "data_disks[0].size",
        "data_disks[0].kms_key_id",
    ] {
        assert!(at.iter().any(|a| a == want), "{want} in {at:?}");
    }
    let mut ok = planned(
        serde_json::json!({"name": "p", "desired_size": 1, "key_pair": "k", "instance_charge_type": "PostPaid"}),
    );
    assert!(plan::validate(&ok).is_empty());
    common::set(&mut ok, "key_pair", Value::unknown());
    assert!(plan::validate(&ok).is_empty(), "unknown skips the check");
}

/// Regression (alicloud 3820): the same script, spelt differently (CRLF,
/// trailing blanks, Base64), plans no change and reads back as written.
#[test]
fn equal_scripts_never_differ() {
    use super::kube::{encode_script, normalise_script, script_from_api};
    use base64::Engine as _;
    let text = "#!/bin/sh\necho hi\n";
    let b64 = base64::engine::general_purpose::STANDARD.encode(text);
    for spelling in ["#!/bin/sh\r\necho hi  \r\n\n", b64.as_str()] {
        assert_eq!(
            normalise_script(spelling),
            normalise_script(text),
            "{spelling:?}"
        );
        assert_eq!(
            script_from_api(Some(&encode_script(text)), Some(spelling)).as_deref(),
            Some(spelling)
        );
    }
    assert_eq!(
        encode_script(&b64),
        encode_script(text),
        "sent as text once"
    );
    // A different script reads back as the API has it.
    assert_eq!(
        script_from_api(Some(&encode_script("echo other")), Some(text)).as_deref(),
        Some("echo other")
    );
    // Plain text that only looks like Base64 is a script.
    assert_eq!(normalise_script("true"), "true");
}

/// The kubelet configuration goes to the API typed and comes back as
/// written; its rules are checked at the attribute path.
#[test]
fn kubelet_configuration_round_trips_and_is_checked() {
    let plan = planned(serde_json::json!({
        "name": "p", "desired_size": 1, "key_pair": "k", "instance_charge_type": "PostPaid",
        "runtime": "containerd", "cpu_policy": "static", "unschedulable": true, "user_data": "echo hi",
        "kubelet_configuration": {"max_pods": 110, "eviction_hard": {"memory.available": "200Mi"},
            "kube_reserved": {"cpu": "500m"}, "feature_gates": {"InPlacePodVerticalScaling": true},
            "image_gc_high_threshold_percent": 85, "image_gc_low_threshold_percent": 80}
    }));
    let m = NodePool::read(&plan).unwrap();
    let req = m.request(None).unwrap();
    let kc = req
        .node_config
        .clone()
        .unwrap()
        .kubelet_configuration
        .unwrap();
    assert_eq!(
        serde_json::to_value(&kc).unwrap()["evictionHard"]["memory.available"],
        "200Mi"
    );
    assert_eq!(
        serde_json::to_value(&kc).unwrap()["imageGCHighThresholdPercent"],
        85
    );
    let detail = NodePoolDetail {
        kubernetes_config: req.kubernetes_config.clone(),
        node_config: req.node_config.clone().unwrap(),
        scaling_group: req.scaling_group.clone(),
        ..Default::default()
    };
    let s = NodePool::from_api("c1", "c", &detail, &m).value().unwrap();
    for attr in [
        "kubelet_configuration",
        "runtime",
        "cpu_policy",
        "unschedulable",
        "user_data",
    ] {
        assert_eq!(s.get(attr), plan.get(attr), "{attr}");
    }
    let bad = planned(serde_json::json!({
        "name": "p", "desired_size": 1, "key_pair": "k",
        "kubelet_configuration": {"eviction_soft": {"memory.available": "1Gi"}}
    }));
    let d = plan::validate(&bad);
    assert_eq!(
        d.iter().find_map(|d| d.attribute.clone()),
        Some(
            AttributePath::attr("kubelet_configuration")
                .push_attr("eviction_soft")
                .push_key("memory.available")
        )
    );
}

/// Managed pools' policies: surge and its percentage exclude each other,
/// CVE levels are the documented ones, at the attribute path.
#[test]
fn managed_policies_are_checked_at_plan_time() {
    let config = planned(serde_json::json!({
        "name": "p", "desired_size": 1, "key_pair": "k",
        "managed": {"surge": 1, "surge_percentage": 10, "auto_vul_fix_policy": {"vul_level": "soon"}}
    }));
    let at: Vec<String> = plan::validate(&config)
        .iter()
        .filter_map(|d| d.attribute.as_ref().map(ToString::to_string))
        .collect();
    assert!(at.iter().any(|a| a == "managed.surge_percentage"), "{at:?}");
    assert!(
        at.iter()
            .any(|a| a == "managed.auto_vul_fix_policy.vul_level"),
        "{at:?}"
    );
}
