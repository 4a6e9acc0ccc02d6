//! `moved` blocks from aliyun/alicloud's ACK resources, under real
//! terraform: a state file in alicloud's shape (fixtures under
//! `fixtures/alicloud/`) for a cluster and pools that exist in the emulator,
//! a stand-in `aliyun/alicloud` provider binary (the example
//! `terraform-provider-alicloud`: schemas only) so that terraform can load
//! that state, and `moved` blocks to `ack_*` resources. The plan creates,
//! replaces and destroys nothing; after the apply the next plan is empty.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use acceptance_tests::{hcl, skip_requested, values, Case, Emulator, REQUIRED_PROVIDERS, SOURCE};
use serde_json::{json, Value as Json};
use tfplugin_testing::{cargo_artifact, plan_actions, ProviderSource, WorkDir};

const ALICLOUD: &str = "registry.terraform.io/aliyun/alicloud";

/// A Pro cluster with a fixed pool, an autoscaling managed pool and an
/// addon: what the alicloud configuration below becomes.
fn ack_config() -> String {
    let cluster = hcl::cluster("k8s", "moved-k8s")
        .str("edition", "pro")
        .set("maintenance_window", MAINTENANCE)
        .set("tags", "{ env = \"prod\", team = \"platform\" }");
    let workers = hcl::pool("workers", "k8s", "workers")
        .str("system_disk_category", "cloud_essd")
        .set("desired_size", 2)
        .set("labels", "{ team = \"a\", tier = \"web\" }")
        .set(
            "taints",
            "[{ key = \"dedicated\", value = \"gpu\", effect = \"NoSchedule\" }]",
        );
    let auto = hcl::pool("auto", "k8s", "auto")
        .set("instance_types", hcl::list(&["ecs.g7.xlarge", "ecs.g7.2xlarge"]))
        .set("autoscaling", "{ min_size = 1, max_size = 3 }")
        .set("managed", "{ auto_repair = true, auto_upgrade = true, auto_vul_fix = false, max_unavailable = 2 }");
    let addon = hcl::Block::new("ack_addon", "inspector")
        .set("cluster_name", "ack_cluster.k8s.name")
        .str("name", "security-inspector")
        .set("config", "jsonencode({ autoRepair = true })");
    format!("{cluster}{workers}{auto}{addon}")
}

const MAINTENANCE: &str = "{ maintenance_time = \"2024-10-15T12:31:00.000+08:00\", duration = \"3h\", weekly_period = \"Monday,Friday\" }";

const MOVED: &str = r#"
moved {
  from = alicloud_cs_managed_kubernetes.k8s
  to   = ack_cluster.k8s
}

moved {
  from = alicloud_cs_kubernetes_node_pool.workers
  to   = ack_node_pool.workers
}

moved {
  from = alicloud_cs_kubernetes_node_pool.auto
  to   = ack_node_pool.auto
}

moved {
  from = alicloud_cs_kubernetes_addon.inspector
  to   = ack_addon.inspector
}
"#;

/// A directory where terraform runs this provider and the alicloud stand-in.
fn migration_dir(emu: &Emulator) -> WorkDir {
    let mut dir = WorkDir::new(&ProviderSource::DevOverrides(vec![
        (SOURCE.into(), cargo_artifact("terraform-provider-ack")),
        (
            ALICLOUD.into(),
            cargo_artifact("terraform-provider-alicloud"),
        ),
    ]));
    emu.wire(&mut dir);
    dir
}

fn fixture(name: &str, vars: &[(&str, String)]) -> Json {
    let path = format!(
        "{}/tests/fixtures/alicloud/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    let mut text = std::fs::read_to_string(&path).unwrap();
    for (k, v) in vars {
        text = text.replace(&format!("${{{k}}}"), v);
    }
    serde_json::from_str(&text).unwrap()
}

/// A terraform state (format 4) holding alicloud's objects.
fn alicloud_state(objects: &[(&str, &str, Json)]) -> String {
    let resources: Vec<Json> = objects
        .iter()
        .map(|(ty, name, attrs)| {
            json!({
                "mode": "managed",
                "type": ty,
                "name": name,
                "provider": format!("provider[\"{ALICLOUD}\"]"),
                "instances": [{
                    "schema_version": 0,
                    "attributes": attrs,
                    "sensitive_attributes": [],
                    "private": "eyJlMmJmYjczMC1lY2FhLTExZTYtOGY4OC0zNDM2M2JjN2M0YzAiOnsiY3JlYXRlIjo1NDAwMDAwMDAwMDAwfX0="
                }]
            })
        })
        .collect();
    json!({
        "version": 4,
        "terraform_version": "1.11.4",
        "serial": 7,
        "lineage": "5b1f0f7e-5b6e-4a52-9a0e-3c1b7c2d9e11",
        "outputs": {},
        "resources": resources,
        "check_results": null
    })
    .to_string()
}

fn config(body: &str) -> String {
    let required = REQUIRED_PROVIDERS.replace(
        "    ack = {",
        "    alicloud = {\n      source = \"aliyun/alicloud\"\n    }\n    ack = {",
    );
    format!(
        "{}{body}",
        hcl::header().replace(REQUIRED_PROVIDERS, &required)
    )
}

/// The state alicloud would have written for the objects `made` created
/// (fixtures in alicloud's shape, filled with their IDs).
fn alicloud_state_of(made: &Case) -> String {
    let cluster = values(&made.dir, "ack_cluster.k8s");
    let workers = values(&made.dir, "ack_node_pool.workers");
    let auto = values(&made.dir, "ack_node_pool.auto");
    let addon = values(&made.dir, "ack_addon.inspector");
    let s = |v: &Json, k: &str| v[k].as_str().unwrap_or_default().to_owned();
    let cid = s(&cluster, "id");
    let base = vec![
        ("CLUSTER_ID", cid.clone()),
        ("VERSION", s(&cluster, "kubernetes_version")),
        ("SERVICE_CIDR", s(&cluster, "service_cidr")),
        ("SECURITY_GROUP", s(&cluster, "security_group_id")),
        ("RESOURCE_GROUP", s(&cluster, "resource_group_id")),
        ("ADDON_VERSION", s(&addon, "version")),
    ];
    let with_pool = |pool: &Json| {
        let mut v = base.clone();
        v.push(("POOL_ID", s(pool, "node_pool_id")));
        v
    };
    alicloud_state(&[
        (
            "alicloud_cs_managed_kubernetes",
            "k8s",
            fixture("cs_managed_kubernetes.json", &base),
        ),
        (
            "alicloud_cs_kubernetes_node_pool",
            "workers",
            fixture("cs_kubernetes_node_pool_fixed.json", &with_pool(&workers)),
        ),
        (
            "alicloud_cs_kubernetes_node_pool",
            "auto",
            fixture(
                "cs_kubernetes_node_pool_autoscaling.json",
                &with_pool(&auto),
            ),
        ),
        (
            "alicloud_cs_kubernetes_addon",
            "inspector",
            fixture("cs_kubernetes_addon.json", &base),
        ),
    ])
}

#[test]
fn cluster_and_pools_move_from_alicloud_without_replacement() {
    if skip_requested() {
        return;
    }
    let emu = Emulator::start();
    // The objects alicloud managed: made here through this provider, then
    // forgotten, as if alicloud had made them.
    let Some(made) = Case::new(&emu) else { return };
    made.step(&ack_config());
    let workers = values(&made.dir, "ack_node_pool.workers");
    let cid = values(&made.dir, "ack_cluster.k8s")["id"].clone();
    let state = alicloud_state_of(&made);

    let dir = migration_dir(&emu);
    dir.write_file("terraform.tfstate", &state);
    dir.write_config(&config(&format!("{}{MOVED}", ack_config())));
    let plan = dir.plan(&[]);
    for (address, actions) in plan_actions(&plan) {
        assert!(
            actions == ["no-op"] || actions == ["update"],
            "{address} must be neither created, replaced nor destroyed: {actions:?}"
        );
    }
    let moved: Vec<&str> = plan["resource_changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["previous_address"].as_str())
        .collect();
    assert_eq!(
        moved.len(),
        4,
        "terraform moved all four objects through MoveResourceState: {plan}"
    );
    dir.apply_saved();
    dir.assert_empty_plan(false);
    dir.assert_empty_plan(true);
    let now = tfplugin_testing::state_resource(&dir.state(), "ack_node_pool.workers")
        .cloned()
        .unwrap();
    assert_eq!(
        now["cluster_name"], "moved-k8s",
        "cluster_id became the cluster's name"
    );
    assert_eq!(now["id"], workers["id"]);
    assert_eq!(
        tfplugin_testing::state_resource(&dir.state(), "ack_cluster.k8s").unwrap()["id"],
        cid
    );
    let stats = emu.stats();
    assert_eq!(
        stats["clusters"], 1,
        "no cluster created or deleted: {stats}"
    );
    assert_eq!(
        stats["node_pools"], 2,
        "no pool created or deleted: {stats}"
    );
}

#[test]
fn a_dedicated_cluster_is_refused_naming_the_attribute() {
    if skip_requested() {
        return;
    }
    let emu = Emulator::start();
    let dir = migration_dir(&emu);
    let attrs = fixture(
        "cs_kubernetes_dedicated.json",
        &[("CLUSTER_ID", "c0123456789abcdef0123456789abcdef".into())],
    );
    dir.write_file(
        "terraform.tfstate",
        &alicloud_state(&[("alicloud_cs_kubernetes", "old", attrs)]),
    );
    dir.write_config(&config(&format!(
        r#"{}
moved {{
  from = alicloud_cs_kubernetes.old
  to   = ack_cluster.old
}}
"#,
        hcl::cluster("old", "dedicated")
    )));
    let out = dir.run(&["plan", "-no-color"]).failure();
    assert!(out.contains("master_instance_types"), "{out}");
    assert!(out.contains("ACK dedicated cluster"), "{out}");
    assert!(out.contains("Remove the `moved` block"), "{out}");
}

/// The same objects as [`ack_config`], as alicloud's users write them.
fn alicloud_config() -> String {
    let pool = |label: &str| {
        hcl::Block::new("alicloud_cs_kubernetes_node_pool", label)
            .set("cluster_id", "alicloud_cs_managed_kubernetes.k8s.id")
            .set("vswitch_ids", hcl::list(&[hcl::VSWITCH]))
            .str("instance_charge_type", "PostPaid")
            .str("key_name", hcl::KEY_PAIR)
    };
    // `name` for one pool, `node_pool_name` (alicloud's older spelling) for
    // the other.
    let workers = pool("workers")
        .str("name", "workers")
        .set("instance_types", hcl::list(&[hcl::INSTANCE_TYPE]))
        .str("system_disk_category", "cloud_essd")
        .set("node_count", 2)
        .text(ALICLOUD_WORKERS);
    let auto = pool("auto")
        .str("node_pool_name", "auto")
        .set(
            "instance_types",
            hcl::list(&["ecs.g7.xlarge", "ecs.g7.2xlarge"]),
        )
        .text(ALICLOUD_AUTO);
    format!("{ALICLOUD_CLUSTER}{workers}{auto}{ALICLOUD_ADDON}")
}

/// The nested blocks of the fixed pool: labels and a taint.
const ALICLOUD_WORKERS: &str = r#"  labels {
    key   = "team"
    value = "a"
  }
  labels {
    key   = "tier"
    value = "web"
  }
  taints {
    key    = "dedicated"
    value  = "gpu"
    effect = "NoSchedule"
  }"#;

/// The nested blocks of the autoscaling pool.
const ALICLOUD_AUTO: &str = r#"  scaling_config {
    min_size = 1
    max_size = 3
    type     = "cpu"
  }
  management {
    auto_repair     = true
    auto_upgrade    = true
    auto_vul_fix    = false
    max_unavailable = 2
  }"#;

const ALICLOUD_CLUSTER: &str = r#"terraform {
  required_providers {
    alicloud = {
      source = "aliyun/alicloud"
    }
  }
}

# The production cluster.
resource "alicloud_cs_managed_kubernetes" "k8s" {
  name                 = "moved-k8s"
  cluster_spec         = "ack.pro.small"
  vswitch_ids          = ["vsw-ack00000000000000001"]
  pod_cidr             = "172.20.0.0/16"
  new_nat_gateway      = true
  slb_internet_enabled = false

  maintenance_window {
    enable           = true
    maintenance_time = "2024-10-15T12:31:00.000+08:00"
    duration         = "3h"
    weekly_period    = "Monday,Friday"
  }

  tags = {
    env  = "prod"
    team = "platform"
  }
}
"#;

const ALICLOUD_ADDON: &str = r#"
resource "alicloud_cs_kubernetes_addon" "inspector" {
  cluster_id = alicloud_cs_managed_kubernetes.k8s.id
  name       = "security-inspector"
  config     = jsonencode({ autoRepair = true })
}

output "cluster_id" {
  value = alicloud_cs_managed_kubernetes.k8s.id
}
"#;

#[test]
fn migrate_then_apply_moves_everything_without_replacement() {
    if skip_requested() {
        return;
    }
    let emu = Emulator::start();
    let Some(made) = Case::new(&emu) else { return };
    made.step(&ack_config());
    let dir = migration_dir(&emu);
    dir.write_file("terraform.tfstate", &alicloud_state_of(&made));
    dir.write_config(&alicloud_config());

    let out = std::process::Command::new(cargo_artifact("terraform-provider-ack"))
        .arg("migrate")
        .arg(dir.path())
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{report}");
    assert!(
        !report.contains("alicloud_cs_kubernetes_node_pool.workers: system_disk_category"),
        "the node pool's disk, billing, login and vSwitch arguments are translated: {report}"
    );
    assert!(
        !report.contains(": vpc_id:"),
        "vpc_id came from the local state: {report}"
    );
    assert!(dir.path().join("moved_from_alicloud.tf").is_file());

    let plan = dir.plan(&[]);
    for (address, actions) in plan_actions(&plan) {
        assert!(
            actions == ["no-op"] || actions == ["update"],
            "{address} must be neither created, replaced nor destroyed: {actions:?}"
        );
    }
    dir.apply_saved();
    dir.assert_empty_plan(false);
    dir.assert_empty_plan(true);
    let stats = emu.stats();
    assert_eq!(stats["clusters"], 1, "{stats}");
    assert_eq!(stats["node_pools"], 2, "{stats}");
}
