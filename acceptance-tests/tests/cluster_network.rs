//! `ack_cluster` with the arguments a production cluster needs (#17): the
//! network (Terway or Flannel, in a VPC or in zones), endpoints, security
//! group, SANs, RRSA, automatic upgrades, control-plane and audit logs,
//! create-time addons and delete options — plan → apply → empty plans,
//! import with no diff, each change in place or replacing exactly as the API
//! allows.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use acceptance_tests::{values, Case, Emulator};
use tfplugin_testing::actions_for;

/// Every argument, with `(key)` placeholders for what later steps change.
fn every_argument(changes: &[(&str, &str)]) -> String {
    let mut hcl = r#"
resource "ack_cluster" "main" {
  name               = "every-argument"
  edition            = "pro"
  kubernetes_version = "1.31.1-aliyun.1"
  vpc_id             = "vpc-ack00000000000000001"
  vswitch_ids        = (vswitches)
  network_plugin     = "terway-eniip"
  pod_vswitch_ids    = ["vsw-ack00000000000000011", "vsw-ack00000000000000012"]
  service_cidr       = "172.21.0.0/20"
  proxy_mode         = (proxy)
  ip_stack           = "ipv4"
  cluster_domain     = "cluster.local"
  security_group_id  = (sg)
  endpoint_public_access = (public)
  snat_entry         = true
  extra_sans         = (sans)
  resource_group_id  = "rg-acfmzabcdefghij"
  timezone           = (tz)
  rrsa_enabled       = (rrsa)
  deletion_protection = false
  operation_policy = {
    auto_upgrade = true
    channel      = (channel)
  }
  maintenance_window = {
    maintenance_time = "03:00:00Z"
    duration         = "3h"
    weekly_period    = "Monday,Thursday"
  }
  control_plane_logs = {
    components = (components)
    ttl_days   = 7
  }
  audit_log = {
    enabled = (audit)
  }
  addons         = [{ name = "csi-plugin" }, { name = "csi-provisioner" }]
  delete_options = [{ resource_type = "SLS_Data", delete_mode = "retain" }]
  tags           = { env = "test" }
}
"#
    .to_owned();
    let defaults = [
        (
            "(vswitches)",
            r#"["vsw-ack00000000000000001", "vsw-ack00000000000000002"]"#,
        ),
        ("(proxy)", r#""ipvs""#),
        ("(sg)", r#""sg-ack00000000000000002""#),
        ("(public)", "true"),
        ("(sans)", r#"["k8s.example.com"]"#),
        ("(tz)", r#""Asia/Shanghai""#),
        ("(rrsa)", "true"),
        ("(channel)", r#""patch""#),
        ("(components)", r#"["apiserver", "kcm"]"#),
        ("(audit)", "true"),
    ];
    for (key, default) in defaults {
        let value = changes
            .iter()
            .find(|(k, _)| *k == key)
            .map_or(default, |(_, v)| *v);
        hcl = hcl.replace(key, value);
    }
    hcl
}

#[test]
fn a_cluster_with_every_argument_round_trips_and_changes_as_the_api_allows() {
    let emu = Emulator::start();
    let Some(case) = Case::new(&emu) else { return };
    let first = every_argument(&[]);
    let plan = case.step(&first);
    assert_eq!(actions_for(&plan, "ack_cluster.main"), ["create"]);
    let v = values(&case.dir, "ack_cluster.main");
    assert!(v["api_server_endpoint"]
        .as_str()
        .unwrap()
        .starts_with("https://"));
    assert!(v["api_server_internal_endpoint"]
        .as_str()
        .unwrap()
        .starts_with("https://"));
    assert!(v["rrsa_issuer"]
        .as_str()
        .unwrap()
        .contains(v["id"].as_str().unwrap()));
    assert!(v["rrsa_oidc_provider_arn"]
        .as_str()
        .unwrap()
        .starts_with("acs:ram::"));
    assert_eq!(
        v["node_cidr_mask"],
        serde_json::Value::Null,
        "Terway has no node mask"
    );
    assert_eq!(v["pod_cidr"], serde_json::Value::Null);
    let id = v["id"].as_str().unwrap().to_owned();
    case.import_verify(&emu, &first, "ack_cluster.main", &id);

    // Everything ModifyCluster, UpdateControlPlaneLog and
    // UpdateClusterAuditLogConfig take changes in place, in one apply.
    let in_place = every_argument(&[
        (
            "(vswitches)",
            r#"["vsw-ack00000000000000001", "vsw-ack00000000000000002", "vsw-ack00000000000000003"]"#,
        ),
        ("(sg)", r#""sg-ack00000000000000001""#),
        ("(public)", "false"),
        ("(sans)", r#"["k8s.example.com", "10.0.0.10"]"#),
        ("(tz)", r#""Europe/Berlin""#),
        ("(rrsa)", "false"),
        ("(channel)", r#""stable""#),
        ("(components)", r#"["apiserver", "kcm", "scheduler"]"#),
        ("(audit)", "false"),
    ]);
    let plan = case.step(&in_place);
    assert_eq!(actions_for(&plan, "ack_cluster.main"), ["update"], "{plan}");
    let v = values(&case.dir, "ack_cluster.main");
    assert_eq!(v["id"], id.as_str(), "the same cluster");
    assert_eq!(v["api_server_endpoint"], "");
    assert_eq!(v["rrsa_issuer"], "");
    assert_eq!(v["timezone"], "Europe/Berlin");
    assert_eq!(v["audit_log"]["enabled"], false);

    // What the API cannot change replaces the cluster, and the plan says so.
    let replace = in_place.replace(
        r#"proxy_mode         = "ipvs""#,
        r#"proxy_mode         = "iptables""#,
    );
    case.config(&replace);
    let plan = case.dir.plan(&[]);
    assert_eq!(actions_for(&plan, "ack_cluster.main"), ["delete", "create"]);
    case.destroy();
    assert_eq!(emu.stats()["clusters"], 0);
}

/// Zones instead of a VPC: the service creates the VPC and its vSwitches,
/// which the state reports.
#[test]
fn a_cluster_in_zones_gets_a_vpc_from_the_service() {
    let emu = Emulator::start();
    let Some(case) = Case::new(&emu) else { return };
    let hcl = r#"
resource "ack_cluster" "zones" {
  name     = "in-zones"
  zone_ids = ["cn-hangzhou-a", "cn-hangzhou-b"]
  pod_cidr = "172.20.0.0/16"
}
"#;
    case.step(hcl);
    let v = values(&case.dir, "ack_cluster.zones");
    assert!(v["vpc_id"].as_str().unwrap().starts_with("vpc-"), "{v}");
    assert_eq!(v["vswitch_ids"].as_array().unwrap().len(), 2, "{v}");
    assert_eq!(v["node_cidr_mask"], 26, "Flannel's default");
    case.destroy();
}
