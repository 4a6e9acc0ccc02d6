//! `ack_node_pool` under real terraform, with the cross-resource plan checks
//! a single pool can make, and a run under injected faults.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use acceptance_tests::{change, hcl, values, Case, Emulator};
use tfplugin_testing::actions_for;

/// A cluster of `edition` with one pool `workers`; `pool` holds the pool's
/// other arguments, one a line.
fn config(edition: &str, pool: &str) -> String {
    let cluster = hcl::cluster("main", "pools").str("edition", edition);
    let workers = hcl::pool("workers", "main", "workers").text(pool);
    format!("{cluster}{workers}")
}

#[test]
fn scaling_autoscaling_and_import() {
    let emu = Emulator::start();
    let Some(case) = Case::new(&emu) else { return };
    let three = config("standard", "  desired_size = 3\n  labels = { team = \"a\" }\n  taints = [{ key = \"dedicated\", value = \"gpu\", effect = \"NoSchedule\" }]");
    let plan = case.step(&three);
    assert_eq!(
        change(&plan, "ack_node_pool.workers")["after"]["node_count"],
        3,
        "known at plan time"
    );
    let v = values(&case.dir, "ack_node_pool.workers");
    assert_eq!(v["state"], "active");
    let id = v["id"].as_str().unwrap().to_owned();

    let five = three.replace("desired_size = 3", "desired_size = 5");
    let plan = case.step(&five);
    assert_eq!(actions_for(&plan, "ack_node_pool.workers"), ["update"]);
    assert_eq!(values(&case.dir, "ack_node_pool.workers")["node_count"], 5);
    assert_eq!(
        values(&case.dir, "ack_node_pool.workers")["id"],
        id.as_str(),
        "scaled in place"
    );

    let auto = three.replace(
        "desired_size = 3",
        "autoscaling = { min_size = 2, max_size = 6 }",
    );
    let plan = case.step(&auto);
    assert_eq!(actions_for(&plan, "ack_node_pool.workers"), ["update"]);
    assert_eq!(values(&case.dir, "ack_node_pool.workers")["node_count"], 2);

    case.import_verify(&emu, &auto, "ack_node_pool.workers", &id);
    case.destroy();
    emu.assert_empty();
}

#[test]
fn managed_pool_and_node_limit_fail_before_anything_is_created() {
    let emu = Emulator::start();
    let Some(case) = Case::new(&emu) else { return };
    case.config(&config("standard", "  desired_size = 2\n  managed = {}"));
    let out = case.dir.run(&["plan", "-no-color"]).failure();
    assert!(out.contains("managed node pools needs ACK Pro"), "{out}");
    case.config(&config("standard", "  desired_size = 150"));
    let out = case.dir.run(&["plan", "-no-color"]).failure();
    assert!(
        out.contains("150 nodes exceed the 100-node limit of ACK Standard"),
        "{out}"
    );
    assert_eq!(
        emu.mutations(),
        0,
        "the emulator received no mutating request"
    );

    // The same on pro plans and applies.
    case.step(&config(
        "pro",
        "  desired_size = 150\n  managed = { max_unavailable = 2 }",
    ));
    assert_eq!(
        values(&case.dir, "ack_node_pool.workers")["managed"]["auto_repair"],
        true
    );
    case.destroy();
    assert_eq!(emu.stats()["clusters"], 0);
}

#[test]
fn converges_under_throttling_and_server_errors() {
    let emu = Emulator::start_with(&["--fail-rate", "0.25", "--seed", "11"]);
    let Some(case) = Case::new(&emu) else { return };
    case.step(&config("standard", "  desired_size = 2"));
    case.step(&config("pro", "  desired_size = 4"));
    case.destroy();
    emu.assert_empty();
    assert!(emu.requests("CreateCluster") >= 1);
}

#[test]
fn lost_create_responses_leave_no_duplicates() {
    let emu = Emulator::start();
    let Some(case) = Case::new(&emu) else { return };
    emu.faults(&serde_json::json!({"drop_response": 2, "actions": ["CreateCluster", "CreateClusterNodePool"]}));
    case.step(&config("standard", "  desired_size = 1"));
    let s = emu.stats();
    assert_eq!(
        (s["clusters"].as_u64(), s["node_pools"].as_u64()),
        (Some(1), Some(1)),
        "{s}"
    );
    case.destroy();
}
