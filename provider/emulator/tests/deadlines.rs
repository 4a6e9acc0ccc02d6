//! Every operation ends within its deadline — retries and busy waits
//! included — and the error names the limit and the real cause (the state
//! the object was in, the service's last answer with its request ID).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

mod support;

use ack_api::model::ModifyClusterRequest;
use ack_client::{Client, Error, Until};
use ack_emulator::Config;
use support::served::{client_config, new_cluster, serve, serve_at, Served};
use tokio_util::sync::CancellationToken;

/// A mutation refused because the cluster is busy keeps waiting — but only
/// until the operation's deadline, not 30 minutes per retry — and then
/// reports the service's own answer.
#[tokio::test]
async fn a_busy_wait_ends_at_the_deadline_with_the_services_answer() {
    let cancel = CancellationToken::new();
    // Busy (3 s here) for three times the deadline.
    let (s, id) = upgrading("busy", &cancel).await;
    let client = &s.client;
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
    let s = serve_at(200.0).await;
    let client = &s.client;
    let cancel = CancellationToken::new();
    let id = s.running_cluster("slow-pool", &cancel).await;
    let req = support::pool("big", 50);
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
    let cancel = CancellationToken::new();
    let (s, id) = upgrading("cancel", &cancel).await;
    let client = &s.client;
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

/// An emulator at 200 times the real speed, with the running cluster `name`
/// that an upgrade keeps busy (3 s here); returns both and the cluster's ID.
async fn upgrading(name: &str, cancel: &CancellationToken) -> (Served, String) {
    let s = serve_at(200.0).await;
    let id = s.running_cluster(name, cancel).await;
    let next = ack_api::versions::next_versions(ack_api::versions::DEFAULT)[0];
    s.client.upgrade_cluster(&id, next, cancel).await.unwrap();
    (s, id)
}

/// Regression (#23, 3): a create whose every answer is a server error used
/// to spend a fixed 30 s looking for an orphan after the deadline (a create
/// with `timeouts { create = "20s" }` ended after 30 s). The look-up shares
/// the operation's deadline: the whole create ends within it, with the
/// service's answer in the error.
#[tokio::test]
async fn the_orphan_look_up_ends_within_the_create_deadline() {
    let s = serve(Config {
        speed: 3000.0,
        fail_rate: 1.0,
        ..Config::default()
    })
    .await;
    // The client's default backoff (up to 10 s between attempts), with
    // which the old fixed look-up ran its full 30 s.
    let client = Client::new(client_config(s.addr))
        .unwrap()
        .until(Duration::from_secs(3));
    let req = new_cluster("orphan");
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
