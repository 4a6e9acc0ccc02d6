//! The ack-api client against the emulator on a loopback port: retries,
//! idempotent creates under lost responses, waiting, coalesced reads.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::time::Duration;

use ack_client::Until;
use ack_emulator::Config;
use serde_json::json;
use support::served::{serve, serve_at, WAIT};
use tokio_util::sync::CancellationToken;

fn pool(name: &str) -> ack_api::model::NodePoolRequest {
    support::pool(name, 1)
}

#[tokio::test]
async fn create_wait_and_delete() {
    let s = serve_at(6000.0).await;
    let cancel = CancellationToken::new();
    let (id, task) = s.create_cluster("one", &cancel).await;
    assert!(task.is_some());
    let c = s.client.wait_running(&id, WAIT, &cancel).await.unwrap();
    assert_eq!(c.name, "one");
    let found = s.client.find_cluster("one", &cancel).await.unwrap();
    assert!(found.is_some());
    s.client.delete_cluster(&id, &cancel).await.unwrap();
    s.wait_cluster_gone(&id, &cancel).await;
    let gone = s.client.describe_cluster(&id, &cancel).await.unwrap();
    assert!(gone.is_none());
}

#[tokio::test]
async fn lost_create_responses_never_duplicate() {
    let s = serve_at(6000.0).await;
    let cancel = CancellationToken::new();
    s.faults(json!({"drop_response": 1, "actions": ["CreateCluster", "CreateClusterNodePool"]}))
        .await;
    let (id, task) = s.create_cluster("once", &cancel).await;
    assert!(task.is_none(), "found by its token after the lost response");
    s.client.wait_running(&id, WAIT, &cancel).await.unwrap();
    s.faults(json!({"drop_response": 1})).await;
    let (np, _) = s
        .client
        .create_node_pool(&id, &pool("p"), "tok-pool", &cancel)
        .await
        .unwrap();
    s.wait_pool(&id, &np, Until::Active, &cancel).await;
    let stats = s.stats().await;
    assert_eq!(
        (stats["clusters"].as_u64(), stats["node_pools"].as_u64()),
        (Some(1), Some(1)),
        "{stats}"
    );
}

#[tokio::test]
async fn converges_under_random_throttling_and_5xx() {
    let s = serve(Config {
        speed: 6000.0,
        fail_rate: 0.3,
        seed: 7,
        ..Config::default()
    })
    .await;
    let cancel = CancellationToken::new();
    let id = s.running_cluster("flaky", &cancel).await;
    s.client.migrate_to_pro(&id, &cancel).await.unwrap();
    let c = s.client.wait_running(&id, WAIT, &cancel).await.unwrap();
    assert_eq!(c.cluster_spec, "ack.pro.small");
    let (np, _) = s
        .client
        .create_node_pool(&id, &pool("p"), "tok-p", &cancel)
        .await
        .unwrap();
    s.wait_pool(&id, &np, Until::Active, &cancel).await;
    s.client
        .delete_node_pool(&id, &np, true, &cancel)
        .await
        .unwrap();
    s.wait_pool(&id, &np, Until::Gone, &cancel).await;
    s.client.delete_cluster(&id, &cancel).await.unwrap();
    s.wait_cluster_gone(&id, &cancel).await;
    let stats = s.stats().await;
    assert_eq!(stats["clusters"], 0, "{stats}");
    assert_eq!(
        stats["requests"]["CreateCluster"].as_u64().map(|n| n >= 1),
        Some(true)
    );
}

#[tokio::test]
async fn concurrent_pool_reads_share_one_list_call() {
    let s = serve_at(6000.0).await;
    let cancel = CancellationToken::new();
    let id = s.running_cluster("many", &cancel).await;
    let mut ids = Vec::new();
    for i in 0..5 {
        let (np, _) = s
            .client
            .create_node_pool(&id, &pool(&format!("p{i}")), &format!("t{i}"), &cancel)
            .await
            .unwrap();
        ids.push(np);
    }
    // Slow responses make the overlap certain.
    s.faults(json!({"latency_ms": 100})).await;
    let list_calls =
        |stats: serde_json::Value| stats["requests"]["DescribeClusterNodePools"].as_u64();
    let before = list_calls(s.stats().await).unwrap_or(0);
    let reads = ids.iter().map(|np| s.client.node_pool(&id, np, &cancel));
    let pools = futures::future::join_all(reads).await;
    assert!(pools.iter().all(|p| p.as_ref().unwrap().is_some()));
    let after = list_calls(s.stats().await).unwrap();
    assert_eq!(after - before, 1, "five concurrent reads, one list call");
}

#[tokio::test]
async fn cancellation_stops_waiting() {
    let s = serve_at(1.0).await;
    let cancel = CancellationToken::new();
    let (id, _) = s.create_cluster("slow", &cancel).await;
    let c2 = cancel.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(200)).await;
        c2.cancel();
    });
    let r = s
        .client
        .wait_running(&id, Duration::from_secs(600), &cancel)
        .await;
    assert_eq!(r.unwrap_err(), ack_client::Error::Cancelled);
}

/// Regression: dependents created in parallel (encryption, backup policy,
/// node pool) made each other fail with ErrorClusterState.
#[tokio::test]
async fn calls_on_a_busy_cluster_wait_for_it() {
    let s = serve_at(600.0).await;
    let cancel = CancellationToken::new();
    let id = s.running_cluster("busy", &cancel).await;
    let req = ack_api::model::ModifyClusterRequest {
        deletion_protection: Some(true),
        ..Default::default()
    };
    s.client.modify_cluster(&id, &req, &cancel).await.unwrap();
    let now = s.client.describe_cluster(&id, &cancel).await.unwrap();
    assert_eq!(now.unwrap().state, "updating");
    let (np, _) = s
        .client
        .create_node_pool(&id, &pool("while-busy"), "tok-wb", &cancel)
        .await
        .unwrap();
    s.wait_pool(&id, &np, Until::Active, &cancel).await;
}
