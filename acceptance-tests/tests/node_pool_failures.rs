//! Node creation failing the way ECS fails it (#18): an instance type out
//! of stock in a zone, a vSwitch without free addresses. The apply ends in
//! an error naming the pool, zone and instance type; the state lets the
//! next apply converge once capacity is back — no duplicate pool, no pool
//! lost, a partial scale-out reported.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use acceptance_tests::{hcl, values, Case, Emulator};
use serde_json::json;
use tfplugin_testing::actions_for;

/// Pool `p` of `size` nodes.
fn pool(size: u32) -> hcl::Block {
    hcl::pool("p", "main", "p").set("desired_size", size)
}

/// A cluster and `pool`.
fn with(pool: hcl::Block) -> String {
    format!("{}{pool}", hcl::cluster("main", "failures"))
}

fn config(size: u32) -> String {
    with(pool(size))
}

fn pools(emu: &Emulator) -> u64 {
    emu.stats()["node_pools"].as_u64().unwrap()
}

#[test]
fn a_stock_out_fails_the_create_clearly_and_the_next_apply_converges() {
    let emu = Emulator::start();
    let Some(case) = Case::new(&emu) else { return };
    emu.faults(
        &json!({"stockouts": [{"zone_id": "cn-hangzhou-a", "instance_type": "ecs.g7.xlarge"}]}),
    );
    case.config(&config(2));
    let out = case
        .dir
        .run(&["apply", "-auto-approve", "-no-color"])
        .failure();
    for says in [
        "OperationDenied.NoStock",
        "ecs.g7.xlarge is out of stock in zone cn-hangzhou-a",
        "(p)",
        "0 of 2 nodes",
    ] {
        assert!(out.contains(says), "{says}: {out}");
    }
    assert_eq!(pools(&emu), 1, "the pool is recorded, not lost");
    // Still out of stock: the replacement fails the same way, one pool.
    let out = case
        .dir
        .run(&["apply", "-auto-approve", "-no-color"])
        .failure();
    assert!(out.contains("out of stock"), "{out}");
    assert_eq!(pools(&emu), 1, "no duplicate pool");
    // Back in stock: the next apply converges.
    emu.faults(&json!({"stockouts": []}));
    case.dir
        .run(&["apply", "-auto-approve", "-no-color"])
        .success();
    assert_eq!(pools(&emu), 1);
    assert_eq!(values(&case.dir, "ack_node_pool.p")["node_count"], 2);
    case.dir.assert_empty_plan(true);
    case.destroy();
}

#[test]
fn a_vswitch_out_of_addresses_reports_a_partial_scale_out_and_converges() {
    let emu = Emulator::start();
    let Some(case) = Case::new(&emu) else { return };
    case.step(&config(1));
    let vsw = |ips: u64| {
        json!({"vswitches": [{"id": "vsw-ack00000000000000001", "vpc_id": "vpc-ack00000000000000001",
            "zone_id": "cn-hangzhou-a", "cidr": "192.168.0.0/19", "available_ips": ips}]})
    };
    emu.inventory(&vsw(1));
    case.config(&config(3));
    let out = case
        .dir
        .run(&["apply", "-auto-approve", "-no-color"])
        .failure();
    for says in [
        "InvalidVSwitchId.IpNotEnough",
        "vsw-ack00000000000000001",
        "cn-hangzhou-a",
        "2 of 3 nodes",
    ] {
        assert!(out.contains(says), "{says}: {out}");
    }
    // The plan tells the truth: 2 nodes, the third asked for again.
    let plan = case.dir.plan(&[]);
    assert_eq!(actions_for(&plan, "ack_node_pool.p"), ["update"]);
    emu.inventory(&vsw(100));
    case.dir.apply_saved();
    assert_eq!(values(&case.dir, "ack_node_pool.p")["node_count"], 3);
    case.dir.assert_empty_plan(true);
    assert_eq!(pools(&emu), 1);
    case.destroy();
}

/// A pool whose nodes cannot be drained: destroy ends within its delete
/// timeout, says why and offers `force_delete`, which then removes it.
#[test]
fn a_stuck_destroy_ends_in_time_with_the_reason_and_force_delete_removes_it() {
    let emu = Emulator::start();
    let Some(case) = Case::new(&emu) else { return };
    let timeouts = "  timeouts {\n    delete = \"3s\"\n  }";
    let with_timeout = with(pool(2).text(timeouts));
    case.step(&with_timeout);
    emu.faults(&json!({"stuck_pools": ["p"]}));
    let started = std::time::Instant::now();
    let out = case
        .dir
        .run(&[
            "destroy",
            "-auto-approve",
            "-no-color",
            "-target=ack_node_pool.p",
        ])
        .failure();
    assert!(started.elapsed() < std::time::Duration::from_secs(60));
    for says in ["cannot be drained", "force_delete = true", "3s"] {
        assert!(out.contains(says), "{says}: {out}");
    }
    assert_eq!(pools(&emu), 1, "still there, still in the state");
    let forced = with(pool(2).set("force_delete", true).text(timeouts));
    let before = emu.mutations();
    case.config(&forced);
    case.dir
        .run(&[
            "apply",
            "-auto-approve",
            "-no-color",
            "-target=ack_node_pool.p",
        ])
        .success();
    assert_eq!(
        emu.mutations(),
        before,
        "force_delete changes nothing remote"
    );
    case.destroy();
    assert_eq!(pools(&emu), 0);
}
