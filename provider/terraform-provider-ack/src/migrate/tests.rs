//! `migrate` on configurations in alicloud's own documented style.

use std::path::PathBuf;

use super::*;

/// Runs of spaces folded to one, as `=` alignment varies.
fn fold(s: &str) -> String {
    s.split('\n')
        .map(|l| {
            l.split(' ')
                .filter(|w| !w.is_empty())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn run(files: &[(&str, &str)]) -> (Vec<String>, Report) {
    let mut bodies: Vec<(PathBuf, String, Body)> = files
        .iter()
        .map(|(name, text)| {
            let body = hcl_edit::parser::parse_body(text).unwrap();
            (PathBuf::from(name), (*text).to_owned(), body)
        })
        .collect();
    let report = migrate_bodies(&mut bodies, &State::new()).unwrap();
    let out = bodies.iter().map(|(_, _, b)| b.to_string()).collect();
    (out, report)
}

const CLUSTER: &str = r#"terraform {
  required_providers {
    alicloud = {
      source = "aliyun/alicloud"
    }
  }
}

# According to the vswitch cidr blocks to launch several vswitches
resource "alicloud_vswitch" "vswitches" {
  count      = length(var.vswitch_cidrs)
  vpc_id     = alicloud_vpc.vpc.id
  cidr_block = element(var.vswitch_cidrs, count.index)
}

# The cluster. Comments stay.
resource "alicloud_cs_managed_kubernetes" "k8s" {
  name         = "prod"
  cluster_spec = "ack.pro.small"
  # version can not be defined in variables.tf.
  version                        = "1.31.1-aliyun.1"
  vswitch_ids                    = split(",", join(",", alicloud_vswitch.vswitches.*.id))
  new_nat_gateway                = true
  proxy_mode                     = var.proxy_mode
  service_cidr                   = var.service_cidr
  pod_cidr                       = "172.20.0.0/16"
  skip_set_certificate_authority = true
  encryption_provider_key        = data.alicloud_kms_keys.default.keys[0].key_id
  custom_san                     = "a.example.com,b.example.com"
  control_plane_log_components   = ["apiserver", "kcm"]
  control_plane_log_ttl          = "30"

  maintenance_window {
    enable           = true
    maintenance_time = "2024-10-15T12:31:00.000+08:00"
    duration         = "3h"
    weekly_period    = "Monday,Friday"
  }

  operation_policy {
    cluster_auto_upgrade {
      enabled = true
      channel = "stable"
    }
  }

  addons {
    name = "flannel"
  }
  addons {
    name = "logtail-ds"
    config = jsonencode({
      IngressDashboardEnabled = "true"
    })
  }

  tags = {
    env = "prod" # production
  }
}

output "cluster_id" {
  # used by the CI
  value = alicloud_cs_managed_kubernetes.k8s.id
}

output "version" {
  value = alicloud_cs_managed_kubernetes.k8s.version
}
"#;

const POOLS: &str = r#"resource "alicloud_cs_kubernetes_node_pool" "default" {
  node_pool_name       = var.name
  cluster_id           = alicloud_cs_managed_kubernetes.k8s.id
  vswitch_ids          = [alicloud_vswitch.default.id]
  instance_types       = ["ecs.g7.xlarge"]
  system_disk_category = "cloud_efficiency"
  system_disk_size     = 40
  desired_size         = "2"
  // define with multi-labels by defining with labels blocks
  labels {
    key   = "test1"
    value = "nodepool"
  }
  taints {
    key    = "tf"
    effect = "NoSchedule"
    value  = "example"
  }
}

resource "alicloud_cs_kubernetes_node_pool" "auto" {
  name           = "auto"
  cluster_id     = alicloud_cs_managed_kubernetes.k8s.id
  instance_types = ["ecs.g7.xlarge"]
  scaling_config {
    min_size = 1
    max_size = 10
    type     = "cpu"
  }
  management {
    auto_repair     = true
    auto_upgrade    = true
    max_unavailable = 1
  }
}

resource "alicloud_cs_kubernetes_addon" "ingress" {
  cluster_id = alicloud_cs_managed_kubernetes.k8s.id
  name       = "nginx-ingress-controller"
  config     = jsonencode({ IngressSlbNetworkType = "intranet" })
}

resource "alicloud_cs_kubernetes_node_pool" "elsewhere" {
  cluster_id     = "c0123456789abcdef0123456789abcdef"
  node_pool_name = "elsewhere"
  instance_types = ["ecs.g7.xlarge"]
  node_count     = 3
}
"#;

#[test]
fn a_documented_cluster_becomes_ack_cluster_with_comments_and_references_kept() {
    let (out, report) = run(&[("main.tf", CLUSTER)]);
    let main = &out[0];
    assert!(
        main.contains("# The cluster. Comments stay.\nresource \"ack_cluster\" \"k8s\" {"),
        "{main}"
    );
    assert!(
        main.contains("# According to the vswitch cidr blocks"),
        "untouched blocks keep comments"
    );
    assert!(
        main.contains("  count      = length(var.vswitch_cidrs)\n"),
        "and formatting"
    );
    for want in [
        "edition = \"pro\"",
        "kubernetes_version = \"1.31.1-aliyun.1\"",
        "vpc_id = alicloud_vswitch.vswitches[0].vpc_id",
        "snat_entry = true",
        "endpoint_public_access = true",
        "extra_sans = [\"a.example.com\", \"b.example.com\"]",
        "control_plane_logs = { components = [\"apiserver\", \"kcm\"], ttl_days = 30 }",
        "maintenance_time = \"2024-10-15T12:31:00.000+08:00\"",
        "operation_policy = { auto_upgrade = true, channel = \"stable\" }",
        "name = \"logtail-ds\"",
        "value = ack_cluster.k8s.id",
        "value = ack_cluster.k8s.kubernetes_version",
        "source = \"acklabs/ack\"",
        "# used by the CI",
    ] {
        assert!(fold(main).contains(want), "missing {want:?} in:\n{main}");
    }
    assert!(
        !main.contains("flannel"),
        "flannel is the default network plugin"
    );
    assert!(!main.contains("enable "), "a window that is set is enabled");
    assert!(hcl_edit::parser::parse_body(main).is_ok());
    assert_eq!(
        report.moved,
        [(
            "alicloud_cs_managed_kubernetes.k8s".to_owned(),
            "ack_cluster.k8s".to_owned()
        )]
    );
    let noted: Vec<&str> = report.notes.iter().map(|n| n.what.as_str()).collect();
    assert!(noted.contains(&"encryption_provider_key"), "{noted:?}");
    assert!(
        noted.contains(&"skip_set_certificate_authority"),
        "{noted:?}"
    );
}

#[test]
fn pools_and_addons_refer_to_the_cluster_by_name() {
    let (out, report) = run(&[("main.tf", CLUSTER), ("pools.tf", POOLS)]);
    let pools = &out[1];
    for want in [
        "resource \"ack_node_pool\" \"default\" {",
        "cluster_name = ack_cluster.k8s.name",
        "desired_size = 2",
        "\"test1\" = \"nodepool\"",
        "{ key = \"tf\", value = \"example\", effect = \"NoSchedule\" }",
        "autoscaling = { min_size = 1, max_size = 10 }",
        "managed = { auto_repair = true, auto_upgrade = true, max_unavailable = 1 }",
        "resource \"ack_addon\" \"ingress\" {",
        "desired_size = 3",
        "// define with multi-labels",
    ] {
        assert!(fold(pools).contains(want), "missing {want:?} in:\n{pools}");
    }
    assert!(hcl_edit::parser::parse_body(pools).is_ok());
    assert_eq!(report.moved.len(), 5);
    let about = |what: &str| {
        report
            .notes
            .iter()
            .find(|n| n.what == what)
            .map(|n| n.address.as_str())
    };
    assert_eq!(
        about("system_disk_category"),
        None,
        "translated as it is (#18 gave ack_node_pool its disks)"
    );
    assert!(fold(pools).contains("system_disk_category"), "{pools}");
    assert_eq!(
        about("cluster_id"),
        Some("alicloud_cs_kubernetes_node_pool.elsewhere")
    );
    let moved = moved_blocks(&report.moved);
    assert!(
        moved.contains("from = alicloud_cs_kubernetes_node_pool.auto\n  to   = ack_node_pool.auto")
    );
    assert!(hcl_edit::parser::parse_body(&moved).is_ok());
}

#[test]
fn a_dedicated_cluster_is_left_as_it_is_and_listed() {
    let dedicated = "resource \"alicloud_cs_kubernetes\" \"old\" {\n  master_instance_types = [\"ecs.g7.xlarge\"]\n}\n";
    let (out, report) = run(&[("main.tf", dedicated)]);
    assert_eq!(out[0], dedicated);
    assert!(report.moved.is_empty());
    assert_eq!(report.notes[0].what, "master_instance_types");
    assert!(report.files.is_empty());
}
