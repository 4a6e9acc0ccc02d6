//! UpgradeClusterNodepool (#18): a pool's nodes follow the control plane
//! under the version skew rule (`ack_api::versions::check_pool_upgrade`),
//! `upgrading` → `active`, with the kubelet's version in
//! DescribeClusterNodePoolDetail's `node_components`; UpgradeCluster may
//! not leave a pool too far behind.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use ack_api::model::{UpgradeClusterRequest, UpgradeNodePoolRequest, UpgradeRollingPolicy};
use ack_api::request::ApiRequest;
use support::{pool, Emu};

const V128: &str = "1.28.15-aliyun.1";
const V130: &str = "1.30.7-aliyun.1";
const V131: &str = "1.31.1-aliyun.1";
const V132: &str = "1.32.1-aliyun.1";

async fn cluster_at(emu: &Emu, version: &str) -> String {
    let req = ack_emulator::inventory::in_default_network(ack_api::model::CreateClusterRequest {
        name: format!("c{}", version.replace('.', "-")),
        region_id: "cn-hangzhou".into(),
        cluster_type: "ManagedKubernetes".into(),
        cluster_spec: Some("ack.pro.small".into()),
        kubernetes_version: Some(version.into()),
        ..Default::default()
    });
    let body = emu.call(&ApiRequest::create_cluster(&req)).await.ok();
    emu.tick();
    body["cluster_id"].as_str().unwrap().to_owned()
}

async fn new_pool(emu: &Emu, cid: &str, name: &str) -> String {
    let r = emu
        .call(&ApiRequest::create_node_pool(cid, &pool(name, 2)))
        .await
        .ok();
    emu.tick();
    r["nodepool_id"].as_str().unwrap().to_owned()
}

async fn kubelet(emu: &Emu, cid: &str, np: &str) -> (String, String) {
    let p = emu
        .call(&ApiRequest::describe_node_pool(cid, np))
        .await
        .ok();
    let v = p["node_components"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "kubelet")
        .unwrap()["version"]
        .as_str()
        .unwrap()
        .to_owned();
    (v, p["status"]["state"].as_str().unwrap().to_owned())
}

fn to(version: &str) -> UpgradeNodePoolRequest {
    UpgradeNodePoolRequest {
        kubernetes_version: Some(version.into()),
        ..Default::default()
    }
}

async fn upgrade_cluster(emu: &Emu, cid: &str, version: &str) -> support::Reply {
    let req = UpgradeClusterRequest {
        next_version: version.into(),
        master_only: true,
    };
    emu.call(&ApiRequest::upgrade_cluster(cid, &req)).await
}

#[tokio::test]
async fn pools_follow_the_control_plane() {
    let emu = Emu::new();
    let cid = cluster_at(&emu, V130).await;
    let np = new_pool(&emu, &cid, "workers").await;
    assert_eq!(
        kubelet(&emu, &cid, &np).await,
        (V130.into(), "active".into())
    );

    // Nodes newer than the control plane: refused, nothing changes.
    let r = emu
        .call(&ApiRequest::upgrade_node_pool(&cid, &np, &to(V131)))
        .await
        .err(400, "ErrorNodePoolVersionSkew");
    assert!(r.body["message"]
        .as_str()
        .unwrap()
        .contains("newer than the control plane"));

    upgrade_cluster(&emu, &cid, V131).await.ok();
    emu.tick();
    let req = UpgradeNodePoolRequest {
        runtime_type: Some("containerd".into()),
        runtime_version: Some("1.6.38".into()),
        rolling_policy: Some(UpgradeRollingPolicy {
            max_parallelism: Some(2),
            ..Default::default()
        }),
        ..to(V131)
    };
    let r = emu
        .call(&ApiRequest::upgrade_node_pool(&cid, &np, &req))
        .await
        .ok();
    assert!(r["task_id"].as_str().unwrap().starts_with("T-"));
    assert_eq!(
        kubelet(&emu, &cid, &np).await,
        (V130.into(), "upgrading".into())
    );
    // Busy: one operation at a time.
    emu.call(&ApiRequest::upgrade_node_pool(&cid, &np, &to(V131)))
        .await
        .err(400, "ErrorNodePoolState");
    emu.tick();
    assert_eq!(
        kubelet(&emu, &cid, &np).await,
        (V131.into(), "active".into())
    );
    let p = emu
        .call(&ApiRequest::describe_node_pool(&cid, &np))
        .await
        .ok();
    assert_eq!(p["kubernetes_config"]["runtime_version"], "1.6.38");
    // A pool created now runs the control plane's version.
    let np2 = new_pool(&emu, &cid, "later").await;
    assert_eq!(kubelet(&emu, &cid, &np2).await.0, V131);
    // ModifyClusterNodePool keeps the version.
    let mut body = pool("later", 3);
    body.scaling_group.desired_size = Some(3);
    emu.call(&ApiRequest::modify_node_pool(&cid, &np2, &body))
        .await
        .ok();
    emu.tick();
    assert_eq!(
        kubelet(&emu, &cid, &np2).await,
        (V131.into(), "active".into())
    );
}

#[tokio::test]
async fn unknown_versions_downgrades_and_empty_requests_are_refused() {
    let emu = Emu::new();
    let cid = cluster_at(&emu, V131).await;
    let np = new_pool(&emu, &cid, "workers").await;
    emu.call(&ApiRequest::upgrade_node_pool(&cid, &np, &to("1.31.99")))
        .await
        .err(400, "InvalidParameter.KubernetesVersion");
    emu.call(&ApiRequest::upgrade_node_pool(&cid, &np, &to(V130)))
        .await
        .err(400, "InvalidParameter.KubernetesVersion");
    emu.call(&ApiRequest::upgrade_node_pool(
        &cid,
        &np,
        &UpgradeNodePoolRequest::default(),
    ))
    .await
    .err(400, "MissingParameter");
    let bad = UpgradeNodePoolRequest {
        rolling_policy: Some(UpgradeRollingPolicy {
            max_parallelism: Some(11),
            ..Default::default()
        }),
        ..to(V131)
    };
    emu.call(&ApiRequest::upgrade_node_pool(&cid, &np, &bad))
        .await
        .err(400, "InvalidParameter");
    emu.call(&ApiRequest::upgrade_node_pool(
        &cid,
        "np-missing",
        &to(V131),
    ))
    .await
    .err(404, "ErrorNodePoolNotFound");
}

#[tokio::test]
async fn the_control_plane_may_not_leave_a_pool_too_far_behind() {
    let emu = Emu::new();
    let cid = cluster_at(&emu, V128).await;
    let np = new_pool(&emu, &cid, "workers").await;
    for v in [V130, V131] {
        upgrade_cluster(&emu, &cid, v).await.ok();
        emu.tick();
    }
    // 1.28 nodes under a 1.32 control plane: four minors behind.
    let r = upgrade_cluster(&emu, &cid, V132)
        .await
        .err(400, "ErrorNodePoolVersionSkew");
    assert!(r.body["message"].as_str().unwrap().contains("at most 3"));
    emu.call(&ApiRequest::upgrade_node_pool(&cid, &np, &to(V131)))
        .await
        .ok();
    emu.tick();
    upgrade_cluster(&emu, &cid, V132).await.ok();
    emu.tick();
}

#[tokio::test]
async fn an_upgrade_not_master_only_takes_the_workers_along() {
    let emu = Emu::new();
    let cid = cluster_at(&emu, V130).await;
    let np = new_pool(&emu, &cid, "workers").await;
    let req = UpgradeClusterRequest {
        next_version: V131.into(),
        master_only: false,
    };
    emu.call(&ApiRequest::upgrade_cluster(&cid, &req))
        .await
        .ok();
    emu.tick();
    assert_eq!(
        kubelet(&emu, &cid, &np).await,
        (V131.into(), "active".into())
    );
}
