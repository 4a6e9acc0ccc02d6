//! Read-your-writes of the client's shared listings, proven deterministically:
//! the emulator is wrapped in a layer that holds the first node pool listing
//! *after* the server computed it, so that listing is certainly older than a
//! create made while it is held. A caller that waits for its new pool must
//! not be handed that listing (issue: 20 pools created in one apply failed
//! with "node pool … disappeared" when a wait joined an older listing).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

mod support;

use ack_client::Until;
use ack_emulator::{Config, State};
use axum::extract::Request;
use axum::middleware::{self, Next};
use tokio::sync::{oneshot, Notify};
use tokio_util::sync::CancellationToken;

/// Holds the first node pool listing once computed: reports that it was
/// computed, then waits for `release`.
#[derive(Clone)]
struct Gate {
    armed: Arc<AtomicBool>,
    computed: Arc<Mutex<Option<oneshot::Sender<()>>>>,
    release: Arc<Notify>,
}

async fn hold_first_listing(gate: Gate, req: Request, next: Next) -> axum::response::Response {
    let listing =
        req.method() == axum::http::Method::GET && req.uri().path().ends_with("/nodepools");
    let resp = next.run(req).await;
    if listing && gate.armed.swap(false, Ordering::SeqCst) {
        if let Some(tx) = gate.computed.lock().unwrap().take() {
            let _ = tx.send(());
        }
        gate.release.notified().await;
    }
    resp
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wait_after_a_create_never_joins_an_older_listing() {
    let state = State::open(
        Config {
            speed: 100_000.0,
            ..Config::default()
        },
        ":memory:",
    )
    .unwrap();
    let (computed_tx, computed_rx) = oneshot::channel();
    let gate = Gate {
        armed: Arc::new(AtomicBool::new(false)),
        computed: Arc::new(Mutex::new(Some(computed_tx))),
        release: Arc::new(Notify::new()),
    };
    let layer_gate = gate.clone();
    let router = ack_emulator::app(state.clone()).layer(middleware::from_fn(move |req, next| {
        hold_first_listing(layer_gate.clone(), req, next)
    }));
    let served = support::served::serve_router(state, router).await;
    let client = served.client.clone();
    let cancel = CancellationToken::new();
    let cid = served.running_cluster("ryw", &cancel).await;

    // A refresh lists the pools; the server answers (no pool yet) and the
    // answer is held on its way back.
    gate.armed.store(true, Ordering::SeqCst);
    let early = {
        let (client, cid, cancel) = (client.clone(), cid.clone(), cancel.clone());
        tokio::spawn(async move { client.node_pools(&cid, &cancel).await })
    };
    computed_rx.await.unwrap();

    // Meanwhile a pool is created, and its create waits for it.
    let req = support::pool("p1", 1);
    let (np, task) = client
        .create_node_pool(&cid, &req, "token-2", &cancel)
        .await
        .unwrap();
    let waited = tokio::time::timeout(
        Duration::from_secs(20),
        client.wait_node_pool(
            &cid,
            &np,
            Until::Active,
            task.as_deref(),
            Duration::from_secs(20),
            &cancel,
        ),
    )
    .await
    .expect("the wait joined the held (older) listing instead of reading anew")
    .unwrap();
    assert_eq!(
        waited.map(|p| p.nodepool_info.nodepool_id),
        Some(np.clone())
    );

    // The held listing was indeed older than the create.
    gate.release.notify_one();
    let early = early.await.unwrap().unwrap();
    assert!(early.iter().all(|p| p.nodepool_info.nodepool_id != np));

    // And a plain read after the create sees the pool too (this process's
    // writes are always visible to its later readers).
    let now = client.node_pools(&cid, &cancel).await.unwrap();
    assert!(now.iter().any(|p| p.nodepool_info.nodepool_id == np));
}
