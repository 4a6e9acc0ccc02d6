//! Outages and interruptions under real terraform (issue #23): an API that
//! stops answering for a while, an endpoint where nothing listens, a
//! re-apply right after Ctrl-C, and two values that used to come back
//! different from what was written (an edition change together with a
//! maintenance window, empty taint and label values).
//!
//! The emulator runs on a file database on a fixed port, so that it can be
//! killed with SIGKILL and started again where it stopped: to terraform that
//! is an outage of the same service. Every wait polls the emulator or the
//! terraform process; none relies on timing luck.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use acceptance_tests::outage::{
    instance_statuses, interrupt, pool_states, recorded_pools, state_file, wait_for_requests,
    Service,
};
use acceptance_tests::{change, hcl, id, values, Case, Emulator};
use serde_json::Value as Json;
use tfplugin_testing::actions_for;

/// The cluster every test here starts from.
fn cluster() -> String {
    hcl::cluster("main", "outages").into()
}

/// [`cluster`] plus `n` pools `p0…` with default timeouts.
fn pools(n: usize, size: impl Fn(usize) -> usize) -> String {
    let mut config = cluster();
    for i in 0..n {
        let name = format!("p{i}");
        config += &hcl::pool(&name, "main", &name)
            .set("desired_size", size(i))
            .to_string();
    }
    config
}

/// Regression (#23, 1): the API goes away (SIGKILL) for 35 s — longer than
/// the ~30 s retry budget the client used to have — while five pools are
/// being created, then comes back on the same address with the same data.
/// The apply waits the outage out within the pools' (default) create
/// timeout and succeeds: no pool is tainted, none is created again, and the
/// next plan is empty.
#[test]
fn a_short_outage_during_create_never_taints_or_replaces() {
    let svc = Service::new("ack-outage");
    // Speed 60: a cluster takes 10 s, a pool 3 s to become active.
    let mut emu = svc.start("60");
    let Some(case) = Case::new(&emu) else { return };
    case.config(&cluster());
    case.dir.apply();
    let cluster_id = id(&case.dir, "ack_cluster.main");

    let config = pools(5, |i| 1 + i % 2);
    case.config(&config);
    let mut apply = svc.background(&case, &["apply", "-no-color", "-auto-approve"], "apply");
    wait_for_requests(&emu, "CreateClusterNodePool", 5);
    let states = pool_states(&emu, &cluster_id);
    eprintln!("pool states when the API goes away: {states:?}");
    assert!(
        states.iter().any(|s| s != "active"),
        "the outage must begin while pools are still being created: {states:?}"
    );
    let outage = svc.outage(&mut emu, &mut apply, Duration::from_secs(35), "60");
    let back = Instant::now();
    let (code, out) = apply.wait(Duration::from_secs(60));
    eprintln!(
        "apply exited {code} {:?} after the API came back (outage: {:?})",
        back.elapsed(),
        back.duration_since(outage)
    );
    assert_eq!(code, 0, "the apply waits the outage out:\n{out}");

    let state = state_file(&case);
    let statuses = instance_statuses(&state);
    assert!(
        statuses.iter().all(|(_, s)| s != "tainted"),
        "nothing tainted: {statuses:?}"
    );
    let recorded = recorded_pools(&state);
    assert_eq!(recorded.len(), 5, "{recorded:?}");
    for (name, attrs) in &recorded {
        assert_eq!(attrs["state"], "active", "{name}: {attrs}");
    }
    case.dir.assert_empty_plan(true);
    let s = emu.stats();
    assert_eq!(s["node_pools"], 5, "exactly the five pools: {s}");
    assert_eq!(
        emu.requests("CreateClusterNodePool"),
        0,
        "no pool was created again after the outage"
    );
    case.destroy();
    emu.assert_empty();
}

/// Regression (#23, 1): a create against an endpoint where nothing listens
/// fails within its `timeouts.create` (5 s) instead of after ten blind
/// retries (57 s before the fix), and the error names the transport's cause
/// ("connection refused").
#[test]
fn a_create_against_a_closed_port_fails_within_its_timeout_saying_refused() {
    let emu = Emulator::start();
    let Some(mut case) = Case::new(&emu) else {
        return;
    };
    let closed = format!("http://127.0.0.1:{}", acceptance_tests::free_port());
    case.dir.set_env("ACK_ENDPOINT", &closed);
    let config = hcl::cluster("main", "unreachable").text("  timeouts {\n    create = \"5s\"\n  }");
    case.config(&config.to_string());
    // Bounded: past 45 s the apply is interrupted (Ctrl-C, so that
    // terraform stops the provider) and the test fails with what it said.
    let svc = Service::new("ack-closed");
    let mut apply = svc.background(&case, &["apply", "-no-color", "-auto-approve"], "apply");
    let limit = Duration::from_secs(45);
    while apply.started.elapsed() < limit && apply.child.try_wait().unwrap().is_none() {
        std::thread::sleep(Duration::from_millis(50));
    }
    let took = apply.started.elapsed();
    let finished = apply.child.try_wait().unwrap().is_some();
    if !finished {
        interrupt(&apply.child);
    }
    let (code, out) = apply.wait(Duration::from_secs(60));
    eprintln!(
        "terraform exited {:?} after it started",
        apply.started.elapsed()
    );
    let out = out.split_whitespace().collect::<Vec<_>>().join(" ");
    eprintln!("apply against {closed}: exit {code} after {took:?} (finished: {finished})");
    assert!(
        finished,
        "the apply had not ended after {took:?} (the create timeout is 5 s; before the fix it took 57 s); \
         interrupted, its output: {out}"
    );
    assert_ne!(code, 0, "the create must fail: {out}");
    assert!(
        out.to_lowercase().contains("refused"),
        "the cause, connection refused: {out}"
    );
    // Nothing reached a live service; whatever the state holds is destroyed
    // against the emulator, which has nothing.
    case.dir.set_env("ACK_ENDPOINT", emu.endpoint());
    case.destroy();
    assert_eq!(emu.mutations(), 0);
    emu.assert_empty();
}

/// Regression (#23, 2): Ctrl-C while pools are being created records them
/// as they are (still `scaling`); an apply started right after must wait
/// for them instead of failing with "Provider produced inconsistent result"
/// (the plan used to keep `state = "scaling"` and the old node count), and
/// must not create them again.
#[test]
fn reapplying_right_after_an_interrupted_create_waits_for_the_pools() {
    let svc = Service::new("ack-interrupt");
    // The cluster is created fast (1 s at speed 600); the same emulator is
    // then restarted at speed 10, where a pool takes 18 s to become active.
    let mut emu = svc.start("600");
    let Some(case) = Case::new(&emu) else { return };
    case.config(&cluster());
    case.dir.apply();
    let cluster_id = id(&case.dir, "ack_cluster.main");
    svc.restart(&mut emu, "10");

    let config = pools(3, |_| 2);
    case.config(&config);
    let mut apply = svc.background(&case, &["apply", "-no-color", "-auto-approve"], "apply");
    wait_for_requests(&emu, "CreateClusterNodePool", 3);
    let states = pool_states(&emu, &cluster_id);
    assert!(
        states.len() == 3 && states.iter().all(|s| s != "active"),
        "interrupted while the pools are being created: {states:?}"
    );
    interrupt(&apply.child);
    let (code, out) = apply.wait(Duration::from_secs(60));
    eprintln!("interrupted apply exited {code}:\n{out}");

    let recorded = recorded_pools(&state_file(&case));
    eprintln!(
        "recorded after the interrupt: {:?}",
        recorded
            .iter()
            .map(|(n, a)| (n, a["state"].clone(), a["node_count"].clone()))
            .collect::<Vec<_>>()
    );
    assert_eq!(
        recorded.len(),
        3,
        "every created pool is recorded: {recorded:?}"
    );
    let states = pool_states(&emu, &cluster_id);
    eprintln!("pool states when the re-apply starts: {states:?}");
    assert!(
        states.iter().any(|s| s != "active"),
        "the re-apply starts while pools are still settling: {states:?}"
    );

    let run = case.dir.run(&["apply", "-no-color", "-auto-approve"]);
    let text = format!("{}\n{}", run.stdout(), run.stderr());
    assert_eq!(run.code(), 0, "the re-apply succeeds:\n{text}");
    assert!(
        !text.contains("inconsistent"),
        "no inconsistent result:\n{text}"
    );
    for (name, attrs) in recorded_pools(&state_file(&case)) {
        assert_eq!(
            (attrs["state"].as_str(), attrs["node_count"].as_u64()),
            (Some("active"), Some(2)),
            "{name}: {attrs}"
        );
    }
    case.dir.assert_empty_plan(true);
    let s = emu.stats();
    assert_eq!(s["node_pools"], 3, "exactly the three pools: {s}");
    assert_eq!(
        emu.requests("CreateClusterNodePool"),
        3,
        "no pool created twice"
    );

    // Destroy at speed 600 (at speed 10 the cluster alone takes 30 s).
    svc.restart(&mut emu, "600");
    case.destroy();
    emu.assert_empty();
}

/// Regression (#23, 5): `edition = "pro"` and a maintenance window (a Pro
/// feature) added in the same apply update the cluster in place: the
/// migration to Pro runs before ModifyCluster, which the service refuses on
/// a Standard cluster.
#[test]
fn upgrading_to_pro_and_adding_a_maintenance_window_in_one_apply() {
    let emu = Emulator::start();
    let Some(case) = Case::new(&emu) else { return };
    let standard = hcl::cluster("main", "to-pro");
    case.step(&standard.to_string());
    let id = id(&case.dir, "ack_cluster.main");

    let pro = standard
        .str("edition", "pro")
        .set(
            "maintenance_window",
            "{\n    maintenance_time = \"03:00:00Z\"\n    duration         = \"3h\"\n    \
             weekly_period    = \"Monday,Thursday\"\n  }",
        )
        .to_string();
    let plan = case.step(&pro);
    assert_eq!(
        actions_for(&plan, "ack_cluster.main"),
        ["update"],
        "in place, not replaced"
    );
    assert_eq!(change(&plan, "ack_cluster.main")["after"]["edition"], "pro");
    let v = values(&case.dir, "ack_cluster.main");
    assert_eq!(v["id"], id.as_str(), "same cluster");
    assert_eq!(v["edition"], "pro");
    assert_eq!(
        v["maintenance_window"],
        serde_json::json!({"maintenance_time": "03:00:00Z", "duration": "3h", "weekly_period": "Monday,Thursday"})
    );
    assert_eq!(emu.requests("MigrateCluster"), 1);
    assert!(emu.requests("ModifyCluster") >= 1);

    case.import_verify(&emu, &pro, "ack_cluster.main", &id);
    case.destroy();
    emu.assert_empty();
}

/// Regression (#23, 6): a taint with `value = ""`, a taint without a value
/// and a label with an empty value read back exactly as written: the apply
/// is consistent, later plans are empty (no perpetual replacement), and an
/// import reads the same values.
#[test]
fn empty_taint_and_label_values_round_trip() {
    let emu = Emulator::start();
    let Some(case) = Case::new(&emu) else { return };
    let pool = hcl::pool("p", "main", "p")
        .set("desired_size", 1)
        .set("labels", "{ team = \"\", tier = \"web\" }")
        .set(
            "taints",
            "[\n    { key = \"k\", value = \"\", effect = \"NoSchedule\" },\n    \
             { key = \"k2\", effect = \"NoExecute\" },\n  ]",
        );
    let config = format!("{}{pool}", cluster());
    let plan = case.step(&config);
    assert_eq!(actions_for(&plan, "ack_node_pool.p"), ["create"]);
    let v = values(&case.dir, "ack_node_pool.p");
    assert_eq!(
        v["taints"],
        serde_json::json!([
            {"key": "k", "value": "", "effect": "NoSchedule"},
            {"key": "k2", "value": null, "effect": "NoExecute"}
        ]),
        "{v}"
    );
    assert_eq!(v["labels"], serde_json::json!({"team": "", "tier": "web"}));

    let pool_id = id(&case.dir, "ack_node_pool.p");
    assert!(
        pool_id.contains(':'),
        "`<cluster_id>:<node_pool_id>`: {pool_id}"
    );
    // The API keeps an empty taint value as `""` and an absent one alike,
    // so an import (which has no configuration to go by) reads both as
    // null: the first plan after it records `""` in place — never a
    // replacement — and then the plan is empty.
    let other = Case::new(&emu).unwrap();
    other.config(&config);
    let cluster_id = id(&case.dir, "ack_cluster.main");
    other
        .dir
        .run(&["import", "-no-color", "ack_cluster.main", &cluster_id])
        .success();
    other
        .dir
        .run(&["import", "-no-color", "ack_node_pool.p", &pool_id])
        .success();
    let plan = other.dir.plan(&[]);
    assert_eq!(actions_for(&plan, "ack_node_pool.p"), ["update"], "{plan}");
    other.dir.apply_saved();
    other.dir.assert_empty_plan(true);
    case.destroy();
    emu.assert_empty();
}

/// Regression (#23, 1): an outage (SIGKILL, 35 s — past the ~30 s retry
/// budget the client used to have — same address and data)
/// while the cluster's tags and two pools' sizes are being updated, then
/// while everything is destroyed. Both the update and the destroy wait it
/// out within their timeouts and succeed: nothing tainted or replaced,
/// nothing left behind.
#[test]
fn a_short_outage_during_update_and_delete_is_waited_out() {
    let svc = Service::new("ack-outage-update");
    let mut emu = svc.start("600");
    let Some(case) = Case::new(&emu) else { return };
    case.step(&pools(2, |_| 1));
    let ids: Vec<Json> = (0..2)
        .map(|i| values(&case.dir, &format!("ack_node_pool.p{i}"))["node_pool_id"].clone())
        .collect();

    // Update: larger pools (and a slower service, so that the updates are
    // still running when the API goes away).
    svc.restart(&mut emu, "20");
    case.config(&pools(2, |_| 3));
    let plan = case.dir.plan(&[]);
    for i in 0..2 {
        assert_eq!(
            actions_for(&plan, &format!("ack_node_pool.p{i}")),
            ["update"]
        );
    }
    let mut apply = svc.background(&case, &["apply", "-no-color", "tfplan"], "update");
    wait_for_requests(&emu, "ModifyClusterNodePool", 2);
    svc.outage(&mut emu, &mut apply, Duration::from_secs(35), "600");
    let (code, out) = apply.wait(Duration::from_secs(90));
    assert_eq!(code, 0, "the update waits the outage out:\n{out}");
    let statuses = instance_statuses(&state_file(&case));
    assert!(statuses.is_empty(), "nothing tainted: {statuses:?}");
    for (i, id) in ids.iter().enumerate() {
        let v = values(&case.dir, &format!("ack_node_pool.p{i}"));
        assert_eq!(&v["node_pool_id"], id, "the same pool, not a replacement");
        assert_eq!(v["node_count"], 3);
    }
    case.dir.assert_empty_plan(true);

    // Delete: the API goes away while the pools and the cluster are being
    // deleted (a slower service again, so that the deletes are running).
    svc.restart(&mut emu, "20");
    let mut destroy = svc.background(&case, &["destroy", "-no-color", "-auto-approve"], "destroy");
    wait_for_requests(&emu, "DeleteClusterNodepool", 2);
    svc.outage(&mut emu, &mut destroy, Duration::from_secs(35), "600");
    let (code, out) = destroy.wait(Duration::from_secs(120));
    assert_eq!(code, 0, "the destroy waits the outage out:\n{out}");
    emu.assert_empty();
}
