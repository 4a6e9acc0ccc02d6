//! The ack-api client against the emulator on a loopback port: retries,
//! idempotent creates under lost responses, waiting, coalesced reads.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use ack_api::model::{CreateClusterRequest, NodePoolInfo, NodePoolRequest, ScalingGroup};
use ack_client::{Client, ClientConfig, Until};
use ack_emulator::{Config, State};
use tokio_util::sync::CancellationToken;

struct Served {
    client: Client,
    addr: std::net::SocketAddr,
    _stop: tokio::sync::oneshot::Sender<()>,
}

async fn serve(config: Config) -> Served {
    let state = State::open(config, ":memory:").unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(ack_emulator::run(state, listener, async {
        let _ = rx.await;
    }));
    let mut cfg = ClientConfig::new(
        &format!("http://{addr}"),
        "cn-hangzhou",
        "emulator",
        "emulator-secret",
    );
    cfg.base_backoff = Duration::from_millis(5);
    cfg.max_backoff = Duration::from_millis(50);
    Served {
        client: Client::new(cfg).unwrap(),
        addr,
        _stop: tx,
    }
}

async fn admin(
    addr: std::net::SocketAddr,
    method: reqwest::Method,
    path: &str,
    body: serde_json::Value,
) -> serde_json::Value {
    let r = reqwest::Client::new()
        .request(method, format!("http://{addr}{path}"))
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    r.json().await.unwrap()
}

fn cluster_req(name: &str) -> CreateClusterRequest {
    ack_emulator::inventory::in_default_network(CreateClusterRequest {
        name: name.into(),
        cluster_type: "ManagedKubernetes".into(),
        ..Default::default()
    })
}

fn pool(name: &str) -> NodePoolRequest {
    ack_emulator::inventory::in_default_pool(NodePoolRequest {
        nodepool_info: NodePoolInfo {
            name: name.into(),
            ..Default::default()
        },
        scaling_group: ScalingGroup {
            instance_types: vec!["ecs.g7.xlarge".into()],
            desired_size: Some(1),
            ..Default::default()
        },
        ..Default::default()
    })
}

#[tokio::test]
async fn create_wait_and_delete() {
    let s = serve(Config {
        speed: 6000.0,
        ..Config::default()
    })
    .await;
    let cancel = CancellationToken::new();
    let (id, task) = s
        .client
        .create_cluster(&cluster_req("one"), "tok-1", &cancel)
        .await
        .unwrap();
    assert!(task.is_some());
    let c = s
        .client
        .wait_running(&id, Duration::from_secs(10), &cancel)
        .await
        .unwrap();
    assert_eq!(c.name, "one");
    assert!(s
        .client
        .find_cluster("one", &cancel)
        .await
        .unwrap()
        .is_some());
    s.client.delete_cluster(&id, &cancel).await.unwrap();
    s.client
        .wait_cluster(&id, "deletion", Duration::from_secs(10), &cancel, |c| {
            Ok(c.is_none())
        })
        .await
        .unwrap();
    assert!(s
        .client
        .describe_cluster(&id, &cancel)
        .await
        .unwrap()
        .is_none());
}

#[tokio::test]
async fn lost_create_responses_never_duplicate() {
    let s = serve(Config {
        speed: 6000.0,
        ..Config::default()
    })
    .await;
    let cancel = CancellationToken::new();
    admin(s.addr, reqwest::Method::POST, "/_emulator/faults", serde_json::json!({"drop_response": 1, "actions": ["CreateCluster", "CreateClusterNodePool"]})).await;
    let (id, task) = s
        .client
        .create_cluster(&cluster_req("once"), "tok-once", &cancel)
        .await
        .unwrap();
    assert!(task.is_none(), "found by its token after the lost response");
    s.client
        .wait_running(&id, Duration::from_secs(10), &cancel)
        .await
        .unwrap();
    admin(
        s.addr,
        reqwest::Method::POST,
        "/_emulator/faults",
        serde_json::json!({"drop_response": 1}),
    )
    .await;
    let (np, _) = s
        .client
        .create_node_pool(&id, &pool("p"), "tok-pool", &cancel)
        .await
        .unwrap();
    s.client
        .wait_node_pool(
            &id,
            &np,
            Until::Active,
            None,
            Duration::from_secs(10),
            &cancel,
        )
        .await
        .unwrap();
    let stats = admin(
        s.addr,
        reqwest::Method::GET,
        "/_emulator/stats",
        serde_json::Value::Null,
    )
    .await;
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
    let (id, _) = s
        .client
        .create_cluster(&cluster_req("flaky"), "tok-flaky", &cancel)
        .await
        .unwrap();
    s.client
        .wait_running(&id, Duration::from_secs(20), &cancel)
        .await
        .unwrap();
    s.client.migrate_to_pro(&id, &cancel).await.unwrap();
    let c = s
        .client
        .wait_running(&id, Duration::from_secs(20), &cancel)
        .await
        .unwrap();
    assert_eq!(c.cluster_spec, "ack.pro.small");
    let (np, _) = s
        .client
        .create_node_pool(&id, &pool("p"), "tok-p", &cancel)
        .await
        .unwrap();
    s.client
        .wait_node_pool(
            &id,
            &np,
            Until::Active,
            None,
            Duration::from_secs(20),
            &cancel,
        )
        .await
        .unwrap();
    s.client
        .delete_node_pool(&id, &np, true, &cancel)
        .await
        .unwrap();
    s.client
        .wait_node_pool(
            &id,
            &np,
            Until::Gone,
            None,
            Duration::from_secs(20),
            &cancel,
        )
        .await
        .unwrap();
    s.client.delete_cluster(&id, &cancel).await.unwrap();
    s.client
        .wait_cluster(&id, "deletion", Duration::from_secs(20), &cancel, |c| {
            Ok(c.is_none())
        })
        .await
        .unwrap();
    let stats = admin(
        s.addr,
        reqwest::Method::GET,
        "/_emulator/stats",
        serde_json::Value::Null,
    )
    .await;
    assert_eq!(stats["clusters"], 0, "{stats}");
    assert_eq!(
        stats["requests"]["CreateCluster"].as_u64().map(|n| n >= 1),
        Some(true)
    );
}

#[tokio::test]
async fn concurrent_pool_reads_share_one_list_call() {
    let s = serve(Config {
        speed: 6000.0,
        ..Config::default()
    })
    .await;
    let cancel = CancellationToken::new();
    let (id, _) = s
        .client
        .create_cluster(&cluster_req("many"), "tok-many", &cancel)
        .await
        .unwrap();
    s.client
        .wait_running(&id, Duration::from_secs(10), &cancel)
        .await
        .unwrap();
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
    admin(
        s.addr,
        reqwest::Method::POST,
        "/_emulator/faults",
        serde_json::json!({"latency_ms": 100}),
    )
    .await;
    let before = admin(
        s.addr,
        reqwest::Method::GET,
        "/_emulator/stats",
        serde_json::Value::Null,
    )
    .await["requests"]["DescribeClusterNodePools"]
        .as_u64()
        .unwrap_or(0);
    let reads = ids.iter().map(|np| s.client.node_pool(&id, np, &cancel));
    let pools = futures::future::join_all(reads).await;
    assert!(pools.iter().all(|p| p.as_ref().unwrap().is_some()));
    let after = admin(
        s.addr,
        reqwest::Method::GET,
        "/_emulator/stats",
        serde_json::Value::Null,
    )
    .await["requests"]["DescribeClusterNodePools"]
        .as_u64()
        .unwrap();
    assert_eq!(after - before, 1, "five concurrent reads, one list call");
}

#[tokio::test]
async fn cancellation_stops_waiting() {
    let s = serve(Config {
        speed: 1.0,
        ..Config::default()
    })
    .await;
    let cancel = CancellationToken::new();
    let (id, _) = s
        .client
        .create_cluster(&cluster_req("slow"), "tok-slow", &cancel)
        .await
        .unwrap();
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
    let s = serve(Config {
        speed: 600.0,
        ..Config::default()
    })
    .await;
    let cancel = CancellationToken::new();
    let (id, _) = s
        .client
        .create_cluster(&cluster_req("busy"), "tok-busy", &cancel)
        .await
        .unwrap();
    s.client
        .wait_running(&id, Duration::from_secs(10), &cancel)
        .await
        .unwrap();
    let req = ack_api::model::ModifyClusterRequest {
        deletion_protection: Some(true),
        ..Default::default()
    };
    s.client.modify_cluster(&id, &req, &cancel).await.unwrap();
    assert_eq!(
        s.client
            .describe_cluster(&id, &cancel)
            .await
            .unwrap()
            .unwrap()
            .state,
        "updating"
    );
    let (np, _) = s
        .client
        .create_node_pool(&id, &pool("while-busy"), "tok-wb", &cancel)
        .await
        .unwrap();
    s.client
        .wait_node_pool(
            &id,
            &np,
            Until::Active,
            None,
            Duration::from_secs(10),
            &cancel,
        )
        .await
        .unwrap();
}
