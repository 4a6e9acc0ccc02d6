//! Plan-time checks that need the API: never silent when the API cannot be
//! asked, and quotas refused before anything is created.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use acceptance_tests::{Case, Emulator};

const POOL_OF_OTHER_CLUSTER: &str = r#"
resource "ack_node_pool" "p" {
  cluster_name   = "managed-elsewhere"
  name           = "p"
  instance_types = ["ecs.g7.xlarge"]
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
            "resource \"ack_cluster\" \"c{c}\" {{\n  name    = \"n{c}\"\n  edition = \"pro\"\n}}\n\
             resource \"ack_node_pool\" \"c{c}\" {{\n  count          = 20\n  cluster_name   = ack_cluster.c{c}.name\n  \
             name           = \"pool-${{count.index}}\"\n  instance_types = [\"ecs.g7.xlarge\"]\n  desired_size   = 10\n}}\n"
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
