//! A production-sized estate under real terraform: three ACK Pro clusters
//! with 20 node pools each (the default node pool quota), applied at
//! terraform's default `-parallelism=10`, with and without injected faults.
//! Every apply must succeed the first time, the next plan must be empty,
//! refreshing must cost at most two API calls per cluster whatever the
//! number of pools, and nothing may be duplicated or lost.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use acceptance_tests::outage::{interrupt, wait_until};
use acceptance_tests::{hcl, Case, Emulator};
use serde_json::Value as Json;

const CLUSTERS: usize = 3;
const POOLS: usize = 20;

/// The pools' vSwitch: 60 pools of 250 nodes need 15,000 addresses, more
/// than a default vSwitch of the emulator has free (every node takes one).
const NODE_VSWITCH: &str = "vsw-ackscale0000000000001";

/// Adds [`NODE_VSWITCH`] (65,000 free addresses) to the
/// default VPC of the emulator's inventory.
fn big_network(emu: &Emulator) {
    emu.inventory(&serde_json::json!({"vswitches": [{"id": NODE_VSWITCH,
        "vpc_id": hcl::VPC, "zone_id": "cn-hangzhou-b",
        "cidr": "192.168.192.0/18", "available_ips": 65000}]}));
}

/// Three pro clusters, 20 pools each, `size` nodes per pool.
fn estate(size: u32) -> String {
    let mut config = String::new();
    for c in 0..CLUSTERS {
        let cluster = format!("c{c}");
        config += &hcl::cluster(&cluster, &format!("estate-{c}"))
            .str("edition", "pro")
            .to_string();
        config += &hcl::pool(&cluster, &cluster, "pool-${count.index}")
            .set("count", POOLS)
            .set("vswitch_ids", hcl::list(&[NODE_VSWITCH]))
            .set("desired_size", size)
            .to_string();
    }
    config
}

/// Requests served per action, as a delta between two `/_emulator/stats`.
fn delta(before: &Json, after: &Json) -> Vec<(String, u64)> {
    let get = |v: &Json, k: &str| v["requests"][k].as_u64().unwrap_or(0);
    let mut out: Vec<(String, u64)> = after["requests"]
        .as_object()
        .map(|m| {
            m.keys()
                .map(|k| (k.clone(), get(after, k) - get(before, k)))
                .filter(|(_, n)| *n > 0)
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

fn apply_first_time(case: &Case) {
    case.dir
        .run(&["apply", "-no-color", "-auto-approve", "-parallelism=10"])
        .success();
}

#[test]
fn three_pro_clusters_with_twenty_pools_each() {
    let emu = Emulator::start();
    big_network(&emu);
    let Some(case) = Case::new(&emu) else { return };
    case.config(&estate(250));
    // Three rounds: create, resize every pool in place, resize back.
    for (round, size) in [250, 200, 250].into_iter().enumerate() {
        case.config(&estate(size));
        apply_first_time(&case);
        case.dir.assert_empty_plan(false);
        let before = emu.stats();
        case.dir.assert_empty_plan(true);
        let calls = delta(&before, &emu.stats());
        let total: u64 = calls.iter().map(|(_, n)| n).sum();
        assert!(
            total <= 2 * CLUSTERS as u64,
            "round {round}: refreshing {CLUSTERS} clusters with {POOLS} pools each cost {total} calls (at most 2 per cluster): {calls:?}"
        );
        let stats = emu.stats();
        assert_eq!(stats["clusters"], CLUSTERS, "round {round}");
        assert_eq!(
            stats["node_pools"],
            CLUSTERS * POOLS,
            "round {round}: duplicated or lost pools"
        );
    }
    assert_eq!(
        emu.requests("CreateClusterNodePool"),
        (CLUSTERS * POOLS) as u64
    );
    case.destroy();
    emu.assert_empty();
}

#[test]
fn the_same_estate_under_injected_faults() {
    let emu = Emulator::start_with(&["--fail-rate", "0.2", "--seed", "7"]);
    big_network(&emu);
    let Some(case) = Case::new(&emu) else { return };
    case.config(&estate(250));
    apply_first_time(&case);
    case.dir.assert_empty_plan(true);
    let stats = emu.stats();
    assert_eq!(stats["clusters"], CLUSTERS);
    assert_eq!(
        stats["node_pools"],
        CLUSTERS * POOLS,
        "duplicated or lost pools"
    );
    case.config(&estate(100));
    apply_first_time(&case);
    case.dir.assert_empty_plan(true);
    case.destroy();
    emu.assert_empty();
}

/// Ctrl-C while CreateCluster's answer is on its way: the cluster exists,
/// so its ID must reach the state; the next apply finds exactly one cluster.
#[test]
fn an_interrupted_create_is_recorded_not_orphaned() {
    let emu = Emulator::start();
    let Some(case) = Case::new(&emu) else { return };
    case.config(&hcl::cluster("main", "interrupted").to_string());
    emu.faults(&serde_json::json!({"response_delay_ms": 3000, "actions": ["CreateCluster"]}));
    let mut child = case
        .dir
        .command(&["apply", "-no-color", "-auto-approve"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Wait until the create was carried out (its answer is being held).
    wait_until(
        "CreateCluster arrived",
        std::time::Duration::from_secs(60),
        || emu.stats()["clusters"].as_u64() == Some(1),
    );
    interrupt(&child);
    let _ = child.wait().unwrap();
    let state = case.dir.state();
    let recorded = tfplugin_testing::state_resource(&state, "ack_cluster.main")
        .and_then(|v| v["id"].as_str().map(str::to_owned));
    assert!(
        recorded.is_some(),
        "the interrupted create left no ID in the state: {state}"
    );
    emu.faults(&serde_json::json!({"response_delay_ms": 0}));
    case.dir.apply();
    case.dir.assert_empty_plan(true);
    assert_eq!(emu.stats()["clusters"], 1, "exactly one cluster");
    assert_eq!(emu.requests("CreateCluster"), 1);
    case.destroy();
}
