//! What a failed apply tells the person running Terraform: the real cause
//! (the limit that passed and what the provider was waiting for, or the
//! service's code, message and request ID), never a guess.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use acceptance_tests::{values, Case, Emulator};

const CLUSTER: &str = "resource \"ack_cluster\" \"main\" {\n  name = \"errors\"\n  vpc_id      = \"vpc-ack00000000000000001\"\n  vswitch_ids = [\"vsw-ack00000000000000001\"]\n  pod_cidr    = \"172.20.0.0/16\"\n}\n";

fn pool(timeouts: &str) -> String {
    format!(
        "{CLUSTER}\nresource \"ack_node_pool\" \"p\" {{\n  cluster_name   = ack_cluster.main.name\n  name           = \"p\"\n  \
         instance_types = [\"ecs.g7.xlarge\"]\n  vswitch_ids = [\"vsw-ack00000000000000001\"]\n  instance_charge_type = \"PostPaid\"\n  key_pair = \"ack-keypair\"\n  desired_size   = 2\n{timeouts}}}\n"
    )
}

/// A pool whose state the API does not answer for within `timeouts.create`
/// (every read is slower than the limit): the apply says so — the limit and
/// what it waited for — and records the pool untainted, because nothing
/// says the pool failed (#23: a short outage must never replace healthy
/// pools). The next apply reads it back and converges: one pool, never
/// replaced.
#[test]
fn a_pool_wait_that_times_out_says_so_and_is_recorded() {
    let emu = Emulator::start();
    let Some(case) = Case::new(&emu) else { return };
    case.config(CLUSTER);
    case.dir.apply();
    emu.faults(
        &serde_json::json!({"response_delay_ms": 3000, "actions": ["DescribeClusterNodePools"]}),
    );
    case.config(&pool("  timeouts {\n    create = \"1s\"\n  }\n"));
    let out = case
        .dir
        .run(&["apply", "-no-color", "-auto-approve"])
        .success()
        .stdout();
    let text = out.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(text.contains("timed out after 1s"), "{text}");
    assert!(
        text.contains("DescribeClusterNodePools"),
        "what it waited for: {text}"
    );
    assert!(
        text.contains("next plan reads it back"),
        "what happens next: {text}"
    );
    let state = case.dir.state();
    assert!(
        !state.to_string().contains("tainted"),
        "the pool is not tainted: {state}"
    );
    let recorded = values(&case.dir, "ack_node_pool.p");
    assert!(
        recorded["node_pool_id"]
            .as_str()
            .is_some_and(|s| !s.is_empty()),
        "{recorded}"
    );
    emu.faults(&serde_json::json!({"response_delay_ms": 0}));
    case.config(&pool(""));
    let plan = case.dir.plan(&[]);
    assert!(
        !tfplugin_testing::actions_for(&plan, "ack_node_pool.p").contains(&"delete".to_owned()),
        "never replaced: {plan}"
    );
    case.dir.apply_saved();
    case.dir.assert_empty_plan(true);
    assert_eq!(emu.stats()["node_pools"], 1);
    case.destroy();
}

/// An error from the service reaches the user with its code, message and
/// request ID.
#[test]
fn a_service_error_carries_code_message_and_request_id() {
    let emu = Emulator::start();
    let Some(case) = Case::new(&emu) else { return };
    case.config(CLUSTER);
    case.dir.apply();
    // The next pool create is refused by the service (not throttling or a
    // 5xx, which are retried).
    emu.faults(&serde_json::json!({"server_error": 0}));
    let other = emu.outside(async |c, cancel| {
        let id = c
            .find_cluster("errors", &cancel)
            .await
            .unwrap()
            .unwrap()
            .cluster_id;
        c.delete_cluster(&id, &cancel).await.unwrap();
        id
    });
    case.config(&pool(""));
    let out = case
        .dir
        .run(&["apply", "-no-color", "-auto-approve", "-refresh=false"])
        .failure();
    assert!(out.contains("ErrorCluster"), "the service's code: {out}");
    assert!(out.contains("request "), "the request ID: {out}");
    let _ = other;
}
