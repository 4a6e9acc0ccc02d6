//! `ack_node_pool.kubernetes_version` under real terraform (#18): a pool
//! upgrades its nodes after the control plane, in one apply; the version
//! skew rule refuses at plan time a pool newer than its cluster.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use acceptance_tests::{change, values, Case, Emulator};
use tfplugin_testing::actions_for;

const V130: &str = "1.30.7-aliyun.1";
const V131: &str = "1.31.1-aliyun.1";
const V132: &str = "1.32.1-aliyun.1";

fn config(cluster: &str, pool: &str) -> String {
    format!(
        r#"
resource "ack_cluster" "main" {{
  name               = "upgrades"
  vpc_id             = "vpc-ack00000000000000001"
  vswitch_ids        = ["vsw-ack00000000000000001"]
  pod_cidr           = "172.20.0.0/16"
  edition            = "pro"
  kubernetes_version = "{cluster}"
}}

resource "ack_node_pool" "workers" {{
  cluster_name         = ack_cluster.main.name
  name                 = "workers"
  instance_types       = ["ecs.g7.xlarge"]
  vswitch_ids          = ["vsw-ack00000000000000001"]
  instance_charge_type = "PostPaid"
  key_pair             = "ack-keypair"
  desired_size         = 2
{pool}
}}
"#
    )
}

#[test]
fn a_pool_upgrades_its_nodes_after_the_control_plane() {
    let emu = Emulator::start();
    let Some(case) = Case::new(&emu) else { return };
    // A new pool runs the cluster's version, known at plan time.
    let plan = case.step(&config(V130, ""));
    assert_eq!(
        change(&plan, "ack_node_pool.workers")["after"]["kubernetes_version"],
        V130
    );
    let v = values(&case.dir, "ack_node_pool.workers");
    assert_eq!(v["kubernetes_version"], V130);
    let id = v["id"].as_str().unwrap().to_owned();

    // Cluster and pool in one apply: the pool references the cluster, so
    // its nodes are upgraded after the control plane (the service refuses
    // nodes newer than the control plane, so the order is checked too);
    // the runtime changed with the version goes with the upgrade.
    let both = config(
        V131,
        &format!("  kubernetes_version = \"{V131}\"\n  runtime_version    = \"1.6.38\"\n  rolling_policy     = {{ max_parallelism = 2, pause_policy = \"NotPause\", batch_interval = 0 }}"),
    );
    let plan = case.step(&both);
    assert_eq!(actions_for(&plan, "ack_cluster.main"), ["update"]);
    assert_eq!(actions_for(&plan, "ack_node_pool.workers"), ["update"]);
    let v = values(&case.dir, "ack_node_pool.workers");
    assert_eq!(
        (
            v["kubernetes_version"].as_str(),
            v["runtime_version"].as_str()
        ),
        (Some(V131), Some("1.6.38"))
    );
    assert_eq!(v["id"], id.as_str(), "upgraded in place");
    assert_eq!(
        (
            emu.requests("UpgradeCluster"),
            emu.requests("UpgradeClusterNodepool"),
            emu.requests("ModifyClusterNodePool"),
        ),
        (1, 1, 0),
        "one upgrade each, the runtime with the nodes' upgrade"
    );

    case.import_verify(&emu, &both, "ack_node_pool.workers", &id);

    // Nodes newer than the control plane: refused at plan time, at the
    // attribute.
    case.config(&config(
        V131,
        &format!("  kubernetes_version = \"{V132}\"\n  runtime_version    = \"1.6.38\""),
    ));
    let out = case.dir.run(&["plan", "-no-color"]).failure();
    assert!(
        out.contains("Node pool newer than its control plane"),
        "{out}"
    );
    assert!(
        out.contains(&format!("kubernetes_version = \"{V132}\"")),
        "the attribute's line: {out}"
    );
    // Down is refused as well.
    case.config(&config(
        V131,
        &format!("  kubernetes_version = \"{V130}\"\n  runtime_version    = \"1.6.38\""),
    ));
    let out = case.dir.run(&["plan", "-no-color"]).failure();
    assert!(out.contains("cannot be downgraded"), "{out}");
    // A rolling policy the service refuses is refused by `terraform validate`.
    case.config(&both.replace("max_parallelism = 2", "max_parallelism = 11"));
    let out = case.dir.run(&["plan", "-no-color"]).failure();
    assert!(out.contains("max_parallelism"), "{out}");
    assert_eq!(emu.requests("UpgradeClusterNodepool"), 1, "nothing sent");

    case.config(&both);
    case.destroy();
    let s = emu.stats();
    assert_eq!(
        (s["clusters"].as_u64(), s["node_pools"].as_u64()),
        (Some(0), Some(0))
    );
}

#[test]
fn a_new_pool_cannot_be_given_another_version_than_its_cluster() {
    let emu = Emulator::start();
    let Some(case) = Case::new(&emu) else { return };
    case.config(&config(V131, &format!("  kubernetes_version = \"{V130}\"")));
    let out = case.dir.run(&["plan", "-no-color"]).failure();
    assert!(
        out.contains("A new node pool runs its cluster's Kubernetes version"),
        "{out}"
    );
    assert_eq!(emu.mutations(), 0);
}

#[test]
fn a_control_plane_upgrade_may_not_leave_a_pool_too_far_behind() {
    const V128: &str = "1.28.15-aliyun.1";
    let emu = Emulator::start();
    let Some(case) = Case::new(&emu) else { return };
    case.step(&config(V128, ""));
    case.step(&config(V130, ""));
    case.step(&config(V131, ""));
    // 1.28 nodes under a 1.32 control plane are four minors behind.
    case.config(&config(V132, ""));
    let out = case.dir.run(&["plan", "-no-color"]).failure();
    assert!(
        out.contains("Node pool too far behind its control plane"),
        "{out}"
    );
    assert!(out.contains("at most 3"), "{out}");
    // Both to 1.32 in one apply: the control plane goes first, so the 1.28
    // nodes would still fall behind; refused at the pool's attribute.
    let both = config(V132, &format!("  kubernetes_version = \"{V132}\""));
    case.config(&both);
    let out = case.dir.run(&["plan", "-no-color"]).failure();
    assert!(out.contains("in an apply of its own"), "{out}");
    assert!(
        out.contains(&format!("kubernetes_version = \"{V132}\"")),
        "{out}"
    );
    // The pool first (skipping minors, straight to the control plane's),
    // then both.
    case.step(&config(V131, &format!("  kubernetes_version = \"{V131}\"")));
    case.step(&both);
    assert_eq!(
        values(&case.dir, "ack_node_pool.workers")["kubernetes_version"],
        V132
    );
    assert_eq!(emu.requests("UpgradeClusterNodepool"), 2);
    case.destroy();
}
