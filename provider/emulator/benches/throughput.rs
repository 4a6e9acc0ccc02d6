//! In-process throughput of DescribeClusterDetail and CreateClusterNodePool:
//! the whole pipeline (signature verification, faults, SQLite transaction,
//! JSON), without a socket.

#![allow(clippy::unwrap_used)]

use std::sync::atomic::{AtomicU64, Ordering};

use ack_api::model::{CreateClusterRequest, NodePoolInfo, NodePoolRequest, ScalingGroup};
use ack_api::request::{ApiRequest, Credentials};
use ack_emulator::{Config, SharedState, State};
use axum::body::Body;
use axum::http::Request;
use criterion::{criterion_group, criterion_main, Criterion};
use tower::ServiceExt;

static NONCE: AtomicU64 = AtomicU64::new(0);
static CLUSTERS: AtomicU64 = AtomicU64::new(0);

async fn call(state: &SharedState, req: &ApiRequest) -> serde_json::Value {
    let creds = Credentials {
        access_key_id: "emulator",
        access_key_secret: "emulator-secret",
        security_token: None,
    };
    let date = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let nonce = format!("{:032x}", NONCE.fetch_add(1, Ordering::Relaxed));
    let mut b = Request::builder()
        .method(req.method)
        .uri(req.path_and_query());
    for (k, v) in req.signed_headers("cs.cn-hangzhou.aliyuncs.com", &creds, &date, &nonce) {
        b = b.header(k, v);
    }
    let resp = ack_emulator::app(state.clone())
        .oneshot(
            b.body(Body::from(req.body.clone().unwrap_or_default()))
                .unwrap(),
        )
        .await
        .unwrap();
    assert!(resp.status().is_success());
    serde_json::from_slice(
        &axum::body::to_bytes(resp.into_body(), usize::MAX)
            .await
            .unwrap(),
    )
    .unwrap_or_default()
}

fn throughput(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("bench.db");
    let config = Config {
        speed: 1e9,
        cluster_quota: 40,
        managed_cluster_quota: 40,
        // The figures in the README were measured with NORMAL durability.
        durability: ack_emulator::db::Durability::Normal,
        ..Config::default()
    };
    let state = State::open(config, db.to_str().unwrap()).unwrap();
    let id = rt.block_on(async {
        let req = ack_emulator::inventory::in_default_network(CreateClusterRequest {
            name: "bench".into(),
            region_id: "cn-hangzhou".into(),
            cluster_spec: Some("ack.pro.small".into()),
            ..Default::default()
        });
        let r = call(&state, &ApiRequest::create_cluster(&req)).await;
        ack_emulator::tasks::tick(&state).unwrap();
        r["cluster_id"].as_str().unwrap().to_owned()
    });
    let describe = ApiRequest::describe_cluster(&id);
    c.bench_function("DescribeClusterDetail", |b| {
        b.to_async(&rt).iter(|| call(&state, &describe))
    });
    // Realistic clusters hold a handful of pools: start a new cluster every
    // 15 pools, outside the timed part.
    c.bench_function("CreateClusterNodePool", |b| {
        b.to_async(&rt).iter_custom(|iters| {
            let state = state.clone();
            async move {
                let mut total = std::time::Duration::ZERO;
                let mut cluster = String::new();
                for i in 0..iters {
                    if i % 15 == 0 {
                        let n = CLUSTERS.fetch_add(1, Ordering::Relaxed);
                        let req =
                            ack_emulator::inventory::in_default_network(CreateClusterRequest {
                                name: format!("b{n}"),
                                region_id: format!("cn-r{}", n / 40),
                                cluster_spec: Some("ack.pro.small".into()),
                                ..Default::default()
                            });
                        cluster = call(&state, &ApiRequest::create_cluster(&req)).await
                            ["cluster_id"]
                            .as_str()
                            .unwrap()
                            .to_owned();
                        ack_emulator::tasks::tick(&state).unwrap();
                    }
                    let pool = ack_emulator::inventory::in_default_pool(NodePoolRequest {
                        nodepool_info: NodePoolInfo {
                            name: format!("p{i}"),
                            ..Default::default()
                        },
                        scaling_group: ScalingGroup {
                            instance_types: vec!["ecs.g7.xlarge".into()],
                            desired_size: Some(3),
                            ..Default::default()
                        },
                        ..Default::default()
                    });
                    let req = ApiRequest::create_node_pool(&cluster, &pool);
                    let start = std::time::Instant::now();
                    call(&state, &req).await;
                    total += start.elapsed();
                }
                total
            }
        })
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30);
    targets = throughput
}
criterion_main!(benches);
