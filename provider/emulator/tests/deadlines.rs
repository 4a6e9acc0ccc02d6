//! Every operation ends within its deadline — retries and busy waits
//! included — and the error names the limit and the real cause (the state
//! the object was in, the service's last answer with its request ID).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use ack_api::model::{
    CreateClusterRequest, ModifyClusterRequest, NodePoolInfo, NodePoolRequest, ScalingGroup,
};
use ack_client::{Client, ClientConfig, Error, Until};
use ack_emulator::{Config, State};
use tokio_util::sync::CancellationToken;

async fn serve(speed: f64) -> (Client, tokio::sync::oneshot::Sender<()>) {
    let state = State::open(
        Config {
            speed,
            ..Config::default()
        },
        ":memory:",
    )
    .unwrap();
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
    (Client::new(cfg).unwrap(), tx)
}

async fn running_cluster(client: &Client, name: &str, cancel: &CancellationToken) -> String {
    let req = ack_emulator::inventory::in_default_network(CreateClusterRequest {
        name: name.into(),
        cluster_type: "ManagedKubernetes".into(),
        ..Default::default()
    });
    let (id, _) = client.create_cluster(&req, name, cancel).await.unwrap();
    client
        .wait_running(&id, Duration::from_secs(30), cancel)
        .await
        .unwrap();
    id
}

/// A mutation refused because the cluster is busy keeps waiting — but only
/// until the operation's deadline, not 30 minutes per retry — and then
/// reports the service's own answer.
#[tokio::test]
async fn a_busy_wait_ends_at_the_deadline_with_the_services_answer() {
    let (client, _stop) = serve(200.0).await;
    let cancel = CancellationToken::new();
    let id = running_cluster(&client, "busy", &cancel).await;
    // An upgrade keeps the cluster busy (3 s here) for three times the deadline.
    client
        .upgrade_cluster(&id, next_version(), &cancel)
        .await
        .unwrap();
    // The deadline also bounds each exchange: it must leave room for the
    // service's first answer even on a loaded machine (with 300 ms, a first
    // exchange slower than that ended as a transport timeout, and the error
    // rightly named that, not the busy answer this test looks for).
    let bounded = client.until(Duration::from_secs(1));
    let started = Instant::now();
    let err = bounded
        .modify_cluster(
            &id,
            &ModifyClusterRequest {
                deletion_protection: Some(false),
                ..Default::default()
            },
            &cancel,
        )
        .await
        .unwrap_err();
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    let text = err.to_string();
    assert!(matches!(err, Error::Timeout(..)), "{text}");
    assert!(text.contains("timed out after 1s"), "{text}");
    assert!(text.contains("ErrorClusterState"), "the real cause: {text}");
    assert!(text.contains("request "), "with the request ID: {text}");
}

/// A pool that is not active in time: the error says which pool, the limit,
/// and the state it was in.
#[tokio::test]
async fn a_node_pool_wait_reports_the_state_it_saw() {
    let (client, _stop) = serve(200.0).await;
    let cancel = CancellationToken::new();
    let id = running_cluster(&client, "slow-pool", &cancel).await;
    let req = ack_emulator::inventory::in_default_pool(NodePoolRequest {
        nodepool_info: NodePoolInfo {
            name: "big".into(),
            ..Default::default()
        },
        scaling_group: ScalingGroup {
            instance_types: vec!["ecs.g7.xlarge".into()],
            desired_size: Some(50),
            ..Default::default()
        },
        ..Default::default()
    });
    let (np, task) = client
        .create_node_pool(&id, &req, "tok", &cancel)
        .await
        .unwrap();
    let err = client
        .wait_node_pool(
            &id,
            &np,
            Until::Active,
            task.as_deref(),
            Duration::from_millis(100),
            &cancel,
        )
        .await
        .unwrap_err();
    let text = err.to_string();
    assert!(matches!(err, Error::Timeout(..)), "{text}");
    assert!(text.contains("timed out after 100ms"), "{text}");
    assert!(text.contains(&np), "{text}");
    assert!(text.contains("it is "), "the state it saw: {text}");
}

/// Cancellation (Terraform's StopProvider) ends a wait at once.
#[tokio::test]
async fn cancellation_ends_a_deadline_wait_at_once() {
    let (client, _stop) = serve(200.0).await;
    let cancel = CancellationToken::new();
    let id = running_cluster(&client, "cancel", &cancel).await;
    client
        .upgrade_cluster(&id, next_version(), &cancel)
        .await
        .unwrap();
    let c2 = cancel.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(100)).await;
        c2.cancel();
    });
    let started = Instant::now();
    let err = client
        .until(Duration::from_secs(60))
        .wait_running(&id, Duration::from_secs(60), &cancel)
        .await;
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(err.unwrap_err(), Error::Cancelled);
}

fn next_version() -> &'static str {
    ack_api::versions::next_versions(ack_api::versions::DEFAULT)[0]
}

/// Regression (#23, 3): a create whose every answer is a server error used
/// to spend a fixed 30 s looking for an orphan after the deadline (a create
/// with `timeouts { create = "20s" }` ended after 30 s). The look-up shares
/// the operation's deadline: the whole create ends within it, with the
/// service's answer in the error.
#[tokio::test]
async fn the_orphan_look_up_ends_within_the_create_deadline() {
    let state = State::open(
        Config {
            speed: 3000.0,
            fail_rate: 1.0,
            ..Config::default()
        },
        ":memory:",
    )
    .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(ack_emulator::run(state, listener, std::future::pending()));
    // The client's default backoff (up to 10 s between attempts), with
    // which the old fixed look-up ran its full 30 s.
    let cfg = ClientConfig::new(
        &format!("http://{addr}"),
        "cn-hangzhou",
        "emulator",
        "emulator-secret",
    );
    let client = Client::new(cfg).unwrap().until(Duration::from_secs(3));
    let req = ack_emulator::inventory::in_default_network(CreateClusterRequest {
        name: "orphan".into(),
        cluster_type: "ManagedKubernetes".into(),
        ..Default::default()
    });
    let started = Instant::now();
    let err = client
        .create_cluster(&req, "token-1", &CancellationToken::new())
        .await
        .unwrap_err();
    let took = started.elapsed();
    // The deadline plus room for one exchange in flight on a loaded machine;
    // far below the old fixed 30 s.
    assert!(took < Duration::from_secs(10), "took {took:?}: {err}");
    let text = err.to_string();
    assert!(
        text.contains("Throttling")
            || text.contains("ServiceUnavailable")
            || text.contains("timed out"),
        "the service's answer or the limit: {text}"
    );
}
