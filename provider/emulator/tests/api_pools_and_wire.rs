//! In-process tests (no socket) of node pools, input rules, signatures, faults, versions and restarts.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use ack_api::model::*;
use ack_api::request::ApiRequest;
use serde_json::json;
use support::{pool, Emu};

#[tokio::test]
async fn node_pool_lifecycle() {
    let emu = Emu::new();
    let id = emu.cluster("np", "ack.standard").await;
    let mut p = pool("workers", 3);
    p.kubernetes_config.labels = vec![Tag {
        key: "team".into(),
        value: "a".into(),
    }];
    p.kubernetes_config.taints = vec![Taint {
        key: "gpu".into(),
        value: "yes".into(),
        effect: "NoSchedule".into(),
    }];
    let created = emu.call(&ApiRequest::create_node_pool(&id, &p)).await.ok();
    let np = created["nodepool_id"].as_str().unwrap().to_owned();
    let (during, d) = emu
        .across_tick(&ApiRequest::describe_node_pool(&id, &np))
        .await;
    assert_eq!(during["status"]["state"], "scaling");
    assert_eq!(
        (
            d["status"]["state"].as_str(),
            d["status"]["total_nodes"].as_u64()
        ),
        (Some("active"), Some(3))
    );
    assert_eq!(
        emu.call(&ApiRequest::describe_cluster(&id)).await.ok()["size"],
        3
    );
    emu.call(&ApiRequest::create_node_pool(&id, &pool("workers", 1)))
        .await
        .err(400, "InvalidParameter.Name");

    // Scale to 5, then autoscaling 2..6.
    emu.call(&ApiRequest::modify_node_pool(&id, &np, &pool("workers", 5)))
        .await
        .ok();
    let d = emu.node_pool(&id, &np).await;
    assert_eq!(d["status"]["state"], "scaling");
    emu.call(&ApiRequest::modify_node_pool(&id, &np, &pool("workers", 6)))
        .await
        .err(400, "ErrorNodePoolState");
    emu.tick();
    let mut auto = pool("workers", 0);
    auto.scaling_group.desired_size = None;
    auto.auto_scaling = Some(AutoScaling {
        enable: true,
        min_instances: 2,
        max_instances: 6,
        scaling_type: "cpu".into(),
    });
    emu.call(&ApiRequest::modify_node_pool(&id, &np, &auto))
        .await
        .ok();
    assert_eq!(emu.node_pool(&id, &np).await["status"]["state"], "removing");
    emu.tick();
    let l = emu.call(&ApiRequest::list_node_pools(&id)).await.ok();
    assert_eq!(l["nodepools"][0]["status"]["total_nodes"], 2);
    assert_eq!(l["nodepools"][0]["auto_scaling"]["max_instances"], 6);

    emu.call(&ApiRequest::delete_node_pool(&id, &np, true))
        .await
        .ok();
    assert_eq!(emu.node_pool(&id, &np).await["status"]["state"], "deleting");
    emu.tick();
    emu.call(&ApiRequest::describe_node_pool(&id, &np))
        .await
        .err(404, "ErrorNodePoolNotFound");
    assert_eq!(emu.stats().await["node_pools"], 0);
}

#[tokio::test]
async fn bad_input_gets_real_errors_and_writes_nothing() {
    let emu = Emu::new();
    let send = |body: &'static [u8]| {
        let mut r = ApiRequest::create_cluster(&CreateClusterRequest::default());
        r.body = Some(body.to_vec());
        r
    };
    emu.call(&send(b"{not json"))
        .await
        .err(400, "InvalidParameter");
    emu.call(&send(br#"{"name": 5, "region_id": "cn-hangzhou"}"#))
        .await
        .err(400, "InvalidParameter");
    // A documented field of the wrong type, a value out of range, a missing
    // required field.
    emu.call(&send(
        br#"{"name": "x", "region_id": "cn-hangzhou", "deletion_protection": "yes", "bogus": 1}"#,
    ))
    .await
    .err(400, "InvalidParameter");
    emu.call(&send(
        br#"{"name": "x", "region_id": "cn-hangzhou", "vpcid": "vpc-ack00000000000000001", "vswitch_ids": ["vsw-ack00000000000000001"], "addons": [{"name": "flannel"}], "container_cidr": "172.20.0.0/16", "node_cidr_mask": 31}"#,
    ))
    .await
    .err(400, "InvalidParameter");
    // What the service refuses of a cluster's network (#17): no VPC, no
    // network plugin, Flannel without a pod block, unknown IDs, a vSwitch of
    // another VPC, a pod block inside the VPC, Terway without pod vSwitches.
    let vpc = r#""vpcid": "vpc-ack00000000000000001", "vswitch_ids": ["vsw-ack00000000000000001"]"#;
    let flannel = r#""addons": [{"name": "flannel"}], "container_cidr": "172.20.0.0/16""#;
    for (body, code, says) in [
        (
            format!(r#"{{"name": "x", "region_id": "cn-hangzhou", {flannel}}}"#),
            "MissingParameter",
            "vpcid",
        ),
        (
            format!(r#"{{"name": "x", "region_id": "cn-hangzhou", {vpc}}}"#),
            "MissingParameter",
            "network",
        ),
        (
            format!(
                r#"{{"name": "x", "region_id": "cn-hangzhou", {vpc}, "addons": [{{"name": "flannel"}}]}}"#
            ),
            "MissingParameter",
            "container_cidr",
        ),
        (
            format!(
                r#"{{"name": "x", "region_id": "cn-hangzhou", {vpc}, "addons": [{{"name": "terway-eniip"}}]}}"#
            ),
            "MissingParameter",
            "pod_vswitch_ids",
        ),
        (
            format!(
                r#"{{"name": "x", "region_id": "cn-hangzhou", "vpcid": "vpc-nope1", "vswitch_ids": ["vsw-ack00000000000000001"], {flannel}}}"#
            ),
            "InvalidVpcId.NotFound",
            "vpc-nope1",
        ),
        (
            format!(
                r#"{{"name": "x", "region_id": "cn-hangzhou", "vpcid": "vpc-ack00000000000000001", "vswitch_ids": ["vsw-nope1"], {flannel}}}"#
            ),
            "InvalidVSwitchId.NotFound",
            "vsw-nope1",
        ),
        (
            format!(
                r#"{{"name": "x", "region_id": "cn-hangzhou", "vpcid": "vpc-ack00000000000000001", "vswitch_ids": ["vsw-ack00000000000000021"], {flannel}}}"#
            ),
            "InvalidParameter.VSwitchIds",
            "belongs to VPC",
        ),
        (
            format!(
                r#"{{"name": "x", "region_id": "cn-hangzhou", {vpc}, "addons": [{{"name": "flannel"}}], "container_cidr": "192.168.128.0/17"}}"#
            ),
            "InvalidParameter",
            "overlaps the VPC",
        ),
        (
            format!(
                r#"{{"name": "x", "region_id": "cn-hangzhou", {vpc}, "addons": [{{"name": "flannel"}}], "container_cidr": "11.0.0.0/16"}}"#
            ),
            "InvalidParameter",
            "not a private block",
        ),
        (
            format!(
                r#"{{"name": "x", "region_id": "cn-hangzhou", {vpc}, {flannel}, "security_group_id": "sg-nope1"}}"#
            ),
            "InvalidSecurityGroupId.NotFound",
            "sg-nope1",
        ),
        (
            format!(
                r#"{{"name": "x", "region_id": "cn-hangzhou", {vpc}, {flannel}, "zone_ids": ["cn-hangzhou-a"]}}"#
            ),
            "InvalidParameter",
            "zone_ids",
        ),
        (
            format!(
                r#"{{"name": "x", "region_id": "cn-hangzhou", {vpc}, "addons": [{{"name": "flannel"}}, {{"name": "terway-eni"}}], "container_cidr": "172.20.0.0/16"}}"#
            ),
            "InvalidParameter",
            "one network component",
        ),
    ] {
        let r = emu
            .call(&send(Box::leak(
                body.clone().into_bytes().into_boxed_slice(),
            )))
            .await
            .err(400, code);
        let message = r.body["message"].as_str().unwrap_or_default();
        assert!(message.contains(says), "{body}: {message}");
    }
    emu.call(&send(br#"{"region_id": "cn-hangzhou"}"#))
        .await
        .err(400, "MissingParameter");
    emu.call(&send(
        br#"{"name": "bad name!", "region_id": "cn-hangzhou"}"#,
    ))
    .await
    .err(400, "InvalidParameter.Name");
    emu.call(&send(
        br#"{"name": "x", "region_id": "cn-hangzhou", "cluster_spec": "ack.gold"}"#,
    ))
    .await
    .err(400, "InvalidParameter");
    emu.call(&send(
        br#"{"name": "x", "region_id": "cn-hangzhou", "service_cidr": "10.0.0.0/99"}"#,
    ))
    .await
    .err(400, "InvalidParameter");
    let mut huge = ApiRequest::create_cluster(&CreateClusterRequest::default());
    huge.body = Some(vec![b' '; 2 << 20]);
    emu.call(&huge).await.err(413, "RequestEntityTooLarge");
    emu.call(&ApiRequest::describe_cluster("../../etc"))
        .await
        .err(404, "ErrorClusterNotFound");
    emu.call(&ApiRequest::describe_cluster(
        "c0000000000000000000000000000000f",
    ))
    .await
    .err(404, "ErrorClusterNotFound");
    emu.call(&ApiRequest::describe_task("T-nope"))
        .await
        .err(404, "ErrorTaskNotFound");
    let mut unknown = ApiRequest::describe_cluster("x");
    unknown.path = "/no/such/api".into();
    emu.call(&unknown).await.err(404, "InvalidAction.NotFound");
    assert_eq!(emu.stats().await["clusters"], 0, "no partial write");
}

#[tokio::test]
async fn signatures_are_verified() {
    let emu = Emu::new();
    let req = ApiRequest::list_clusters();
    let now = support::now_date();
    let sign = |creds: &ack_api::request::Credentials<'_>, date: &str| {
        req.signed_headers(support::HOST, creds, date, &support::nonce())
    };
    let good = sign(&emu.creds(), &now);
    let mut tampered = good.clone();
    for h in &mut tampered {
        if h.0 == "authorization" {
            h.1 = h.1.replace("Signature=", "Signature=0");
        }
    }
    let wrong_secret = ack_api::request::Credentials {
        access_key_id: "emulator",
        access_key_secret: "nope",
        security_token: None,
    };
    let unknown_key = ack_api::request::Credentials {
        access_key_id: "someone",
        access_key_secret: "x",
        security_token: None,
    };
    // Refused: no signature, a tampered one, a wrong secret, an unknown key
    // and a stale date.
    let refused = [
        (vec![], 400, "IncompleteSignature"),
        (tampered, 400, "SignatureDoesNotMatch"),
        (sign(&wrong_secret, &now), 400, "SignatureDoesNotMatch"),
        (sign(&unknown_key, &now), 404, "InvalidAccessKeyId.NotFound"),
        (
            sign(&emu.creds(), "2020-01-01T00:00:00Z"),
            400,
            "InvalidTimeStamp.Expired",
        ),
    ];
    for (headers, status, code) in refused {
        emu.raw("GET", &req.path_and_query(), &headers, vec![])
            .await
            .err(status, code);
    }
    // Good once, then replayed.
    emu.raw("GET", &req.path_and_query(), &good, vec![])
        .await
        .ok();
    emu.raw("GET", &req.path_and_query(), &good, vec![])
        .await
        .err(400, "SignatureNonceUsed");
    // Body swapped after signing.
    let create = ApiRequest::create_cluster(&ack_emulator::inventory::in_default_network(
        CreateClusterRequest {
            name: "a".into(),
            region_id: "cn-hangzhou".into(),
            ..Default::default()
        },
    ));
    let h = create.signed_headers(
        support::HOST,
        &emu.creds(),
        &support::now_date(),
        &support::nonce(),
    );
    emu.raw(
        "POST",
        "/clusters",
        &h,
        br#"{"name":"b","region_id":"cn-hangzhou"}"#.to_vec(),
    )
    .await
    .err(400, "SignatureDoesNotMatch");
    assert_eq!(emu.stats().await["clusters"], 0);
}

#[tokio::test]
async fn faults_look_like_the_real_service() {
    let emu = Emu::new();
    emu.faults(json!({"throttle": 1})).await;
    let r = emu
        .call(&ApiRequest::list_clusters())
        .await
        .err(400, "Throttling.User");
    let hint = r
        .headers
        .get("x-ratelimit-user-api")
        .unwrap()
        .to_str()
        .unwrap();
    assert!(
        hint.starts_with("Limit:") && hint.contains("TimeLeft:"),
        "{hint}"
    );
    emu.faults(json!({"server_error": 1})).await;
    emu.call(&ApiRequest::list_clusters())
        .await
        .err(503, "ServiceUnavailable");
    emu.call(&ApiRequest::list_clusters()).await.ok();

    // Commit, then lose the response: the cluster exists although the caller saw a 503.
    emu.faults(json!({"drop_response": 1, "actions": ["CreateCluster"]}))
        .await;
    emu.create_cluster("lost", "cn-hangzhou")
        .await
        .err(503, "ServiceUnavailable");
    let l = emu
        .call(&ApiRequest::list_clusters().with_query("name", "lost"))
        .await
        .ok();
    assert_eq!(l["page_info"]["total_count"], 1);

    // Bad fault settings are refused.
    emu.raw(
        "POST",
        "/_emulator/faults",
        &[],
        br#"{"throttel": 1}"#.to_vec(),
    )
    .await
    .err(400, "InvalidParameter");

    let stats = emu.stats().await;
    assert_eq!(stats["clusters"], 1);
    assert_eq!(stats["node_pools"], 0);
    assert!(stats["requests"]["DescribeClustersV1"].as_u64().unwrap() >= 3);
    assert_eq!(stats["requests"]["CreateCluster"], 1);
}

#[tokio::test]
async fn versions_metadata() {
    let emu = Emu::new();
    let v = emu.call(&ApiRequest::versions()).await.ok();
    let list = v.as_array().unwrap();
    assert_eq!(list.len(), ack_api::versions::SUPPORTED.len());
    let v130 = list
        .iter()
        .find(|x| x["version"] == "1.30.7-aliyun.1")
        .unwrap();
    assert_eq!(v130["upgradable_versions"], json!(["1.31.1-aliyun.1"]));
}

#[tokio::test]
async fn restart_on_the_same_file_resumes_tasks() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("emu.db");
    let db = db.to_str().unwrap();
    let slow = ack_emulator::Config {
        speed: 600.0,
        ..Default::default()
    };
    let id = {
        let emu = Emu::with(slow.clone(), db);
        emu.create_cluster("durable", "cn-hangzhou").await.ok()["cluster_id"]
            .as_str()
            .unwrap()
            .to_owned()
        // Dropped here without finishing: the create task (1 s at this speed) is still running.
    };
    let emu = Emu::with(slow, db);
    let d = emu.call(&ApiRequest::describe_cluster(&id)).await.ok();
    assert_eq!(d["state"], "initial");
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    emu.tick();
    assert_eq!(
        emu.call(&ApiRequest::describe_cluster(&id)).await.ok()["state"],
        "running"
    );
    assert_eq!(
        ack_emulator::db::schema_version(&emu.state.db()).unwrap(),
        ack_emulator::db::latest_version()
    );
}
