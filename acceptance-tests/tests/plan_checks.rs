//! Plan-time checks that need the API: never silent when the API cannot be
//! asked, and quotas refused before anything is created.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use acceptance_tests::{Case, Emulator};

const POOL_OF_OTHER_CLUSTER: &str = r#"
resource "ack_node_pool" "p" {
  cluster_name   = "managed-elsewhere"
  name           = "p"
  instance_types = ["ecs.g7.xlarge"]
  vswitch_ids          = ["vsw-ack00000000000000001"]
  instance_charge_type = "PostPaid"
  key_pair             = "ack-keypair"
  managed        = {}
  desired_size   = 1
}
"#;

/// A dependent of a cluster not in the plan needs the API; when the API
/// refuses, the plan says which checks were skipped instead of passing
/// silently.
#[test]
fn a_check_that_cannot_ask_the_api_is_a_warning() {
    let emu = Emulator::start();
    let Some(mut case) = Case::new(&emu) else {
        return;
    };
    case.dir
        .set_env("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "not-the-secret");
    case.config(POOL_OF_OTHER_CLUSTER);
    let out = case.dir.run(&["plan", "-no-color"]).success().stdout();
    let text = out.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        text.contains("Plan-time checks of the cluster skipped"),
        "{text}"
    );
    assert!(text.contains("managed-elsewhere"), "{text}");
    assert!(
        text.contains("SignatureDoesNotMatch") || text.contains("InvalidAccessKeyId"),
        "the warning carries the API's own answer: {text}"
    );
    assert_eq!(emu.mutations(), 0);
}

/// Plans cost no API call per resource: 3 new clusters with 20 pools each
/// are planned with a constant number of calls.
#[test]
fn planning_new_clusters_costs_no_call_per_resource() {
    let emu = Emulator::start();
    let Some(case) = Case::new(&emu) else { return };
    let mut hcl = String::new();
    for c in 0..3 {
        hcl += &format!(
            "resource \"ack_cluster\" \"c{c}\" {{\n  name    = \"n{c}\"\n  vpc_id      = \"vpc-ack00000000000000001\"\n  vswitch_ids = [\"vsw-ack00000000000000001\"]\n  pod_cidr    = \"172.20.0.0/16\"\n  edition = \"pro\"\n}}\n\
             resource \"ack_node_pool\" \"c{c}\" {{\n  count          = 20\n  cluster_name   = ack_cluster.c{c}.name\n  \
             name           = \"pool-${{count.index}}\"\n  instance_types = [\"ecs.g7.xlarge\"]\n  vswitch_ids = [\"vsw-ack00000000000000001\"]\n  instance_charge_type = \"PostPaid\"\n  key_pair = \"ack-keypair\"\n  desired_size   = 10\n}}\n"
        );
    }
    case.config(&hcl);
    case.dir.plan(&[]);
    let requests = emu.stats()["requests"].clone();
    let total: u64 = requests
        .as_object()
        .map(|m| m.values().filter_map(|v| v.as_u64()).sum())
        .unwrap_or(0);
    // One listing of the region's clusters and one read of the quotas.
    assert!(
        total <= 2,
        "planning 63 new resources cost {total} calls: {requests}"
    );
}

fn pools(n: usize) -> String {
    format!(
        "resource \"ack_cluster\" \"main\" {{\n  name    = \"quota\"\n  vpc_id      = \"vpc-ack00000000000000001\"\n  vswitch_ids = [\"vsw-ack00000000000000001\"]\n  pod_cidr    = \"172.20.0.0/16\"\n  edition = \"pro\"\n}}\n\
         resource \"ack_node_pool\" \"p\" {{\n  count          = {n}\n  cluster_name   = ack_cluster.main.name\n  \
         name           = \"p-${{count.index}}\"\n  instance_types = [\"ecs.g7.xlarge\"]\n  vswitch_ids = [\"vsw-ack00000000000000001\"]\n  instance_charge_type = \"PostPaid\"\n  key_pair = \"ack-keypair\"\n  desired_size   = 1\n}}\n"
    )
}

/// More node pools than the account's per-cluster quota: refused at plan,
/// before anything is created; at the quota it plans.
#[test]
fn node_pools_over_quota_are_refused_at_plan() {
    let emu = Emulator::start_with(&["--quota-node-pools-per-cluster", "3"]);
    let Some(case) = Case::new(&emu) else { return };
    case.config(&pools(4));
    let out = case.dir.run(&["plan", "-no-color"]).failure();
    assert!(out.contains("Node pool quota exceeded"), "{out}");
    assert!(out.contains("4 node pools"), "{out}");
    assert!(
        out.contains("cluster_name"),
        "points at the attribute: {out}"
    );
    assert_eq!(emu.mutations(), 0, "nothing was created");
    case.config(&pools(3));
    case.dir.run(&["plan", "-no-color"]).success();
}

/// More clusters than the quota, counting those that exist: refused at plan.
#[test]
fn clusters_over_quota_are_refused_at_plan() {
    let emu = Emulator::start_with(&["--quota-clusters", "2"]);
    let Some(case) = Case::new(&emu) else { return };
    emu.outside(async |c, cancel| {
        let req =
            ack_emulator::inventory::in_default_network(ack_api::model::CreateClusterRequest {
                name: "made-elsewhere".into(),
                cluster_type: "ManagedKubernetes".into(),
                ..Default::default()
            });
        c.create_cluster(&req, "t", &cancel).await.unwrap();
    });
    let two = "resource \"ack_cluster\" \"a\" {\n  name = \"a\"\n  vpc_id      = \"vpc-ack00000000000000001\"\n  vswitch_ids = [\"vsw-ack00000000000000001\"]\n  pod_cidr    = \"172.20.0.0/16\"\n}\nresource \"ack_cluster\" \"b\" {\n  name = \"b\"\n  vpc_id      = \"vpc-ack00000000000000001\"\n  vswitch_ids = [\"vsw-ack00000000000000001\"]\n  pod_cidr    = \"172.20.0.0/16\"\n}\n";
    case.config(two);
    let out = case.dir.run(&["plan", "-no-color"]).failure();
    assert!(out.contains("Cluster quota exceeded"), "{out}");
    assert!(out.contains("3 managed clusters"), "{out}");
    assert_eq!(
        emu.requests("CreateCluster"),
        1,
        "only the one made elsewhere"
    );
    case.config("resource \"ack_cluster\" \"a\" {\n  name = \"a\"\n  vpc_id      = \"vpc-ack00000000000000001\"\n  vswitch_ids = [\"vsw-ack00000000000000001\"]\n  pod_cidr    = \"172.20.0.0/16\"\n}\n");
    case.dir.run(&["plan", "-no-color"]).success();
}

/// The errors of a failed plan, as `summary: detail` lines, with the
/// address each is about.
fn plan_errors(case: &Case) -> Vec<(String, String)> {
    let run = case
        .dir
        .run(&["plan", "-json", "-no-color", "-input=false"]);
    assert_eq!(run.code(), 1, "plan fails: {}", run.stdout());
    run.stdout()
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|m| m["type"] == "diagnostic" && m["diagnostic"]["severity"] == "error")
        .map(|m| {
            let d = &m["diagnostic"];
            (
                d["address"].as_str().unwrap_or_default().to_owned(),
                format!("{}: {}", d["summary"], d["detail"]),
            )
        })
        .collect()
}

/// Regression (#23): two `ack_cluster` with one name, two pools with one
/// name in one cluster, and a cluster named like one that exists each
/// planned cleanly and failed half-way through the apply. All are refused
/// at plan time, at `name`, and nothing is created.
#[test]
fn duplicate_names_are_refused_at_plan() {
    let emu = Emulator::start();
    let Some(case) = Case::new(&emu) else { return };
    // An existing cluster, made outside this configuration.
    case.config("resource \"ack_cluster\" \"old\" {\n  name = \"taken\"\n  vpc_id      = \"vpc-ack00000000000000001\"\n  vswitch_ids = [\"vsw-ack00000000000000001\"]\n  pod_cidr    = \"172.20.0.0/16\"\n}\n");
    case.dir.apply();
    let other = Case::new(&emu).unwrap();
    let pool = |id: &str, name: &str| {
        format!(
            "resource \"ack_node_pool\" \"{id}\" {{\n  cluster_name   = ack_cluster.d.name\n  name           = \"{name}\"\n  \
             instance_types = [\"ecs.g7.xlarge\"]\n  vswitch_ids = [\"vsw-ack00000000000000001\"]\n  instance_charge_type = \"PostPaid\"\n  key_pair = \"ack-keypair\"\n  desired_size   = 1\n}}\n"
        )
    };
    other.config(&format!(
        "resource \"ack_cluster\" \"a\" {{\n  name = \"same\"\n  vpc_id      = \"vpc-ack00000000000000001\"\n  vswitch_ids = [\"vsw-ack00000000000000001\"]\n  pod_cidr    = \"172.20.0.0/16\"\n}}\n\
         resource \"ack_cluster\" \"b\" {{\n  name = \"same\"\n  vpc_id      = \"vpc-ack00000000000000001\"\n  vswitch_ids = [\"vsw-ack00000000000000001\"]\n  pod_cidr    = \"172.20.0.0/16\"\n}}\n\
         resource \"ack_cluster\" \"c\" {{\n  name = \"taken\"\n  vpc_id      = \"vpc-ack00000000000000001\"\n  vswitch_ids = [\"vsw-ack00000000000000001\"]\n  pod_cidr    = \"172.20.0.0/16\"\n}}\n\
         resource \"ack_cluster\" \"d\" {{\n  name = \"fine\"\n  vpc_id      = \"vpc-ack00000000000000001\"\n  vswitch_ids = [\"vsw-ack00000000000000001\"]\n  pod_cidr    = \"172.20.0.0/16\"\n}}\n{}{}",
        pool("p1", "workers"),
        pool("p2", "workers")
    ));
    let before = emu.mutations();
    let errors = plan_errors(&other);
    let taken = |address: &str| {
        errors
            .iter()
            .any(|(a, text)| a == address && text.contains("already taken"))
    };
    assert!(
        taken("ack_cluster.a") || taken("ack_cluster.b"),
        "{errors:#?}"
    );
    assert!(taken("ack_cluster.c"), "{errors:#?}");
    assert!(
        errors
            .iter()
            .any(|(_, t)| t.contains("already exists") && t.contains("terraform import")),
        "says what to do: {errors:#?}"
    );
    assert!(
        taken("ack_node_pool.p1") || taken("ack_node_pool.p2"),
        "{errors:#?}"
    );
    assert_eq!(emu.mutations(), before, "a refused plan changes nothing");
    // A replacement keeps its name: no false duplicate.
    case.config(
        "resource \"ack_cluster\" \"old\" {\n  name         = \"taken\"\n  vpc_id      = \"vpc-ack00000000000000001\"\n  vswitch_ids = [\"vsw-ack00000000000000001\"]\n  pod_cidr    = \"172.20.0.0/16\"\n  service_cidr = \"172.30.0.0/20\"\n}\n",
    );
    let plan = case.dir.plan(&[]);
    assert_eq!(
        tfplugin_testing::actions_for(&plan, "ack_cluster.old"),
        ["delete", "create"]
    );
    case.destroy();
}
