use serde_json::json;
use tfplugin::Value;

use super::{cluster, node_pool, MoveError, Source};

fn get<'a>(v: &'a Value, k: &str) -> &'a Value {
    v.get(k).unwrap_or(&Value::Null)
}

#[test]
fn a_managed_cluster_maps_edition_network_window_and_tags() {
    let s = Source::from_json(
        "alicloud_cs_managed_kubernetes",
        json!({
            "id": "c1", "name": "k8s", "cluster_spec": "ack.pro.small", "version": "1.31.1-aliyun.1",
            "worker_vswitch_ids": ["vsw-1"], "pod_cidr": "172.20.0.0/16", "service_cidr": "172.21.0.0/20",
            "node_cidr_mask": "26", "slb_internet_enabled": true, "new_nat_gateway": true,
            "custom_san": "a.example.com, b.example.com", "tags": {"env": "prod"},
            "maintenance_window": [{"enable": true, "maintenance_time": "2024-10-15T12:31:00.000+08:00", "duration": "3h", "weekly_period": "Monday"}],
            "operation_policy": [{"cluster_auto_upgrade": [{"enabled": true, "channel": "stable"}]}],
            "control_plane_log_components": ["apiserver"], "control_plane_log_ttl": "30",
        }),
    );
    let v = cluster::map(&s).unwrap();
    assert_eq!(get(&v, "edition").as_str(), Some("pro"));
    assert_eq!(get(&v, "sla").as_str(), Some("99.95%"));
    assert_eq!(
        get(&v, "kubernetes_version").as_str(),
        Some("1.31.1-aliyun.1")
    );
    assert_eq!(
        get(&v, "vswitch_ids"),
        &Value::List(vec![Value::from("vsw-1")])
    );
    assert_eq!(get(&v, "endpoint_public_access"), &Value::Bool(true));
    assert_eq!(
        get(&v, "snat_entry"),
        &Value::Null,
        "create-only: from the configuration"
    );
    let mw = get(&v, "maintenance_window");
    assert_eq!(get(mw, "weekly_period").as_str(), Some("Monday"));
    assert_eq!(
        get(get(&v, "operation_policy"), "channel").as_str(),
        Some("stable")
    );
    assert_eq!(
        get(get(&v, "control_plane_logs"), "ttl_days").as_i64(),
        Some(30)
    );
    assert!(matches!(get(&v, "extra_sans"), Value::List(l) if l.len() == 2));
}

#[test]
fn a_disabled_window_is_none() {
    let s = Source::from_json(
        "alicloud_cs_managed_kubernetes",
        json!({"id": "c1", "cluster_spec": "ack.standard", "maintenance_window": [{"enable": false, "maintenance_time": "", "duration": "", "weekly_period": ""}]}),
    );
    let v = cluster::map(&s).unwrap();
    assert_eq!(get(&v, "maintenance_window"), &Value::Null);
    assert_eq!(get(&v, "edition").as_str(), Some("standard"));
}

#[test]
fn dedicated_serverless_and_edge_clusters_are_refused_at_their_attribute() {
    let refused = |ty: &str, j: serde_json::Value| match cluster::map(&Source::from_json(ty, j)) {
        Err(MoveError::Refused { attribute, .. }) => attribute,
        other => panic!("not refused: {other:?}"),
    };
    assert_eq!(
        refused(
            "alicloud_cs_kubernetes",
            json!({"id": "c1", "master_instance_types": ["ecs.g7.xlarge"]})
        ),
        "master_instance_types"
    );
    assert_eq!(
        refused(
            "alicloud_cs_managed_kubernetes",
            json!({"id": "c1", "profile": "Edge"})
        ),
        "profile"
    );
    assert_eq!(
        refused("alicloud_cs_serverless_kubernetes", json!({"id": "c1"})),
        "resource type"
    );
    let managed = Source::from_json(
        "alicloud_cs_kubernetes",
        json!({"id": "c1", "cluster_spec": "ack.standard"}),
    );
    assert!(
        cluster::map(&managed).is_ok(),
        "a managed cluster under the old type moves"
    );
}

#[test]
fn a_pool_maps_scaling_labels_taints_and_management() {
    let s = Source::from_json(
        "alicloud_cs_kubernetes_node_pool",
        json!({
            "id": "c1:np1", "cluster_id": "c1", "node_pool_name": "auto", "instance_types": ["ecs.g7.xlarge"],
            "desired_size": "", "scaling_config": [{"enable": true, "min_size": 1, "max_size": 3}],
            "labels": [{"key": "team", "value": "a"}],
            "taints": [{"key": "dedicated", "value": "gpu", "effect": "NoSchedule"}],
            "management": [{"enable": true, "auto_repair": true, "auto_upgrade": false, "auto_vul_fix": true, "max_unavailable": 2}],
        }),
    );
    let v = node_pool::map(&s).unwrap();
    assert_eq!(get(&v, "id").as_str(), Some("c1:np1"));
    assert_eq!(get(&v, "node_pool_id").as_str(), Some("np1"));
    assert_eq!(
        get(&v, "cluster_name"),
        &Value::Null,
        "read from the cluster at refresh"
    );
    assert_eq!(get(get(&v, "autoscaling"), "max_size").as_i64(), Some(3));
    assert_eq!(get(&v, "desired_size"), &Value::Null);
    assert!(matches!(get(&v, "labels"), Value::Map(m) if m.get("team") == Some(&Value::from("a"))));
    assert_eq!(get(get(&v, "managed"), "max_unavailable").as_i64(), Some(2));
}

#[test]
fn an_old_pool_state_reads_its_ids_from_the_id_and_its_size_from_node_count() {
    let s = Source::from_json(
        "alicloud_cs_kubernetes_node_pool",
        json!({"id": "c1:np1", "name": "workers", "node_count": 2, "scaling_config": [], "management": [{"enable": false}]}),
    );
    let v = node_pool::map(&s).unwrap();
    assert_eq!(get(&v, "cluster_id").as_str(), Some("c1"));
    assert_eq!(get(&v, "name").as_str(), Some("workers"));
    assert_eq!(get(&v, "desired_size").as_i64(), Some(2));
    assert_eq!(get(&v, "managed"), &Value::Null);
}

fn request(provider: &str, ty: &str, version: i64) -> tfplugin::MoveStateRequest {
    tfplugin::MoveStateRequest {
        source_provider_address: provider.into(),
        source_type_name: ty.into(),
        source_schema_version: version,
        source_state_json: br#"{"id":"c1","cluster_spec":"ack.standard"}"#.to_vec(),
        source_private: Default::default(),
    }
}

#[test]
fn other_providers_types_and_newer_versions_are_refused() {
    const ALI: &str = "registry.terraform.io/aliyun/alicloud";
    let ok = cluster::accept(request(ALI, "alicloud_cs_managed_kubernetes", 0));
    assert!(ok.diagnostics.is_empty(), "{:?}", ok.diagnostics);
    assert_eq!(get(&ok.state, "edition").as_str(), Some("standard"));
    let cases = [
        (
            request("registry.terraform.io/hashicorp/aws", "aws_eks_cluster", 0),
            "Move not supported",
        ),
        (request(ALI, "alicloud_instance", 0), "Move not supported"),
        (
            request(ALI, "alicloud_cs_managed_kubernetes", 1),
            "Unknown alicloud state version",
        ),
    ];
    for (req, summary) in cases {
        let r = cluster::accept(req);
        assert!(r.diagnostics.has_errors());
        assert!(
            r.diagnostics.iter().any(|d| d.summary == summary),
            "{:?}",
            r.diagnostics
        );
        assert!(r.state.is_null());
    }
    let pool = node_pool::accept(request(ALI, "alicloud_cs_managed_kubernetes", 0));
    assert!(
        pool.diagnostics.has_errors(),
        "a cluster's state is no node pool"
    );
}
