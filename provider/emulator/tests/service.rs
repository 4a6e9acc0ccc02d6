//! The emulator answers requests shaped like the official SDKs' the way the
//! service does: query encoding, lenient bodies, partial updates, documented
//! fields, quotas, catalogues, throttling hints, STS tokens and replays.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use ack_api::request::{ApiRequest, Credentials};
use ack_emulator::Config;
use serde_json::json;
use support::{nonce, now_date, pool, with_body, Emu, HOST};

/// A request with a raw JSON body (as an SDK would serialise it).
#[tokio::test]
async fn query_sent_as_the_sdks_send_it_verifies() {
    let emu = Emu::new();
    emu.cluster("abc", "ack.standard").await;
    // Signed over `name=a%20b`, sent as `name=a+b` (Python's urlencode).
    let req = ApiRequest::list_clusters().with_query("name", "a b");
    let headers = req.signed_headers(HOST, &emu.creds(), &now_date(), &nonce());
    let r = emu
        .raw("GET", "/api/v1/clusters?name=a+b", &headers, vec![])
        .await
        .ok();
    assert_eq!(r["page_info"]["total_count"], 0, "decoded as a space: {r}");
    // Our client's RFC 3986 form works too, and the filter sees the same value.
    let req = ApiRequest::list_clusters().with_query("name", "ab");
    assert_eq!(emu.call(&req).await.ok()["page_info"]["total_count"], 1);
    // A literal `+` is `%2B` on the wire and in the signature.
    let req = ApiRequest::list_clusters().with_query("name", "a+b");
    let headers = req.signed_headers(HOST, &emu.creds(), &now_date(), &nonce());
    emu.raw("GET", "/api/v1/clusters?name=a%2Bb", &headers, vec![])
        .await
        .ok();
}

#[tokio::test]
async fn sdk_shaped_bodies_are_accepted() {
    let emu = Emu::new();
    let pro = emu.cluster("pro", "ack.pro.small").await;
    // The Python SDK sends every unset list of a nested model as `[]`.
    let create = with_body(
        ApiRequest::create_node_pool(&pro, &pool("x", 1)),
        &json!({
            "management": {"auto_repair": true, "enable": true},
            "nodepool_info": {"name": "p1"},
            "scaling_group": {"data_disks": [], "desired_size": 2, "disk_init": [],
                "instance_patterns": [], "instance_types": ["ecs.g7.xlarge"],
                "vswitch_ids": ["vsw-ack00000000000000001"], "instance_charge_type": "PostPaid",
                "key_pair": "ack-keypair",
                "spot_price_limit": [], "tags": [], "system_disk_size": 120, "image_type": null},
            "undocumented": {"x": 1}
        }),
    );
    let np = emu.call(&create).await.ok()["nodepool_id"]
        .as_str()
        .unwrap()
        .to_owned();
    emu.tick();
    let window = with_body(
        ApiRequest::modify_cluster(&pro, &Default::default()),
        &json!({"maintenance_window": {"duration": "3h", "enable": true, "exclusions": [],
            "maintenance_time": "03:00:00Z", "weekly_period": "Monday"},
            "instance_deletion_protection": true, "operation_policy":
            {"cluster_auto_upgrade": {"enabled": true, "channel": "stable"}}}),
    );
    emu.call(&window).await.ok();
    emu.tick();
    let d = emu.call(&ApiRequest::describe_cluster(&pro)).await.ok();
    assert_eq!(d["maintenance_window"]["weekly_period"], "Monday");
    // A partial window keeps the rest.
    let later = with_body(
        ApiRequest::modify_cluster(&pro, &Default::default()),
        &json!({"maintenance_window": {"maintenance_time": "05:00:00Z"}}),
    );
    emu.call(&later).await.ok();
    emu.tick();
    let d = emu.call(&ApiRequest::describe_cluster(&pro)).await.ok();
    assert_eq!(d["maintenance_window"]["weekly_period"], "Monday");
    assert_eq!(d["maintenance_window"]["maintenance_time"], "05:00:00Z");
    assert_eq!(d["maintenance_window"]["enable"], true);
    assert_eq!(
        d["operation_policy"]["cluster_auto_upgrade"]["channel"],
        "stable"
    );
    for field in ["zone_id", "security_group_id", "network_mode", "proxy_mode"] {
        assert!(d[field].as_str().is_some_and(|s| !s.is_empty()), "{field}");
    }

    // A partial ModifyClusterNodePool: only the size.
    let size = with_body(
        ApiRequest::modify_node_pool(&pro, &np, &pool("x", 1)),
        &json!({"scaling_group": {"desired_size": 4, "instance_types": [], "data_disks": []}}),
    );
    emu.call(&size).await.ok();
    emu.tick();
    let p = emu.node_pool(&pro, &np).await;
    assert_eq!(p["nodepool_info"]["name"], "p1");
    assert_eq!(p["scaling_group"]["instance_types"][0], "ecs.g7.xlarge");
    assert_eq!(p["status"]["total_nodes"], 4);
    assert_eq!(p["management"]["enable"], true, "kept");

    // Labels set, then cleared by an explicit empty list.
    let labels = json!({"kubernetes_config": {"labels": [{"key": "team", "value": "a"}]}});
    emu.modify_pool_with(&pro, &np, &labels).await.ok();
    emu.tick();
    let clear = json!({"kubernetes_config": {"labels": []}});
    emu.modify_pool_with(&pro, &np, &clear).await.ok();
    emu.tick();
    let p = emu.node_pool(&pro, &np).await;
    assert_eq!(p["kubernetes_config"]["labels"], json!([]));

    // Autoscaling and management are turned off explicitly (a partial
    // update keeps an absent group), as the provider sends them.
    let mut fixed = pool("p1", 2);
    fixed.auto_scaling = Some(ack_api::model::AutoScaling::default());
    fixed.management = Some(ack_api::model::Management::default());
    emu.call(&ApiRequest::modify_node_pool(&pro, &np, &fixed))
        .await
        .ok();
    emu.tick();
    let p = emu.node_pool(&pro, &np).await;
    assert_eq!(p["management"]["enable"], false);
    assert_eq!(p["status"]["total_nodes"], 2);

    // Wrong types are still refused.
    let bad = with_body(
        ApiRequest::modify_node_pool(&pro, &np, &pool("x", 1)),
        &json!({"scaling_group": {"desired_size": "four"}}),
    );
    emu.call(&bad).await.err(400, "InvalidParameter");
}

#[tokio::test]
async fn documented_fields_of_migrate_upgrade_and_specs() {
    let emu = Emu::new();
    let xl = emu.cluster("xl", "ack.pro.xlarge").await;
    let d = emu.call(&ApiRequest::describe_cluster(&xl)).await.ok();
    assert_eq!(d["cluster_spec"], "ack.pro.xlarge", "kept as sent");

    let std = emu.cluster("std", "ack.standard").await;
    let migrate = with_body(
        ApiRequest::migrate_cluster(&std, &Default::default()),
        &json!({"oss_bucket_name": "b", "oss_bucket_endpoint": "oss-cn-hangzhou.aliyuncs.com"}),
    );
    emu.call(&migrate).await.ok();
    emu.tick();
    let d = emu.call(&ApiRequest::describe_cluster(&std)).await.ok();
    assert_eq!(d["cluster_spec"], "ack.pro.small");

    let upgrade = with_body(
        ApiRequest::upgrade_cluster(&std, &Default::default()),
        &json!({"component_name": "k8s", "version": "1.31.1-aliyun.1",
            "next_version": "1.32.1-aliyun.1", "rolling_policy": {"max_parallelism": 2}}),
    );
    emu.call(&upgrade).await.ok();
    emu.tick();
    let d = emu.call(&ApiRequest::describe_cluster(&std)).await.ok();
    assert_eq!(d["current_version"], "1.32.1-aliyun.1");
    let missing = with_body(
        ApiRequest::upgrade_cluster(&std, &Default::default()),
        &json!({"master_only": true}),
    );
    emu.call(&missing).await.err(400, "MissingParameter");

    // Refusals speak the API's language, not Terraform's.
    let std2 = emu.cluster("std2", "ack.standard").await;
    let r = emu
        .call(&ApiRequest::create_node_pool(&std2, &{
            let mut p = pool("m", 1);
            p.management = Some(ack_api::model::Management {
                enable: true,
                ..Default::default()
            });
            p
        }))
        .await
        .err(400, "ErrorClusterSpecNotSupported");
    let msg = r.body["message"].as_str().unwrap();
    assert!(!msg.contains("edition ="), "{msg}");
}

#[tokio::test]
async fn quotas_are_reported_and_enforced() {
    let emu = Emu::with(
        Config {
            speed: 1e9,
            nodepool_quota: 2,
            node_quota: 10,
            managed_cluster_quota: 2,
            ..Config::default()
        },
        ":memory:",
    );
    let q = emu.call(&ApiRequest::describe_user_quota()).await.ok();
    let q: ack_api::model::UserQuota = serde_json::from_value(q).unwrap();
    assert_eq!(q.node_pools_per_cluster(), Some(2));
    assert_eq!(q.nodes_per_cluster(), Some(10));
    assert_eq!(q.managed_clusters(), Some(2));
    assert_eq!(q.cluster_quota, Some(50));

    let pro = emu.cluster("pro", "ack.pro.small").await;
    emu.call(&ApiRequest::create_node_pool(&pro, &pool("a", 4)))
        .await
        .ok();
    emu.call(&ApiRequest::create_node_pool(&pro, &pool("b", 7)))
        .await
        .err(400, "QuotaExceeded.Node");
    emu.call(&ApiRequest::create_node_pool(&pro, &pool("b", 6)))
        .await
        .ok();
    emu.call(&ApiRequest::create_node_pool(&pro, &pool("c", 0)))
        .await
        .err(400, "QuotaExceeded.NodePool");
    emu.cluster("second", "ack.standard").await;
    emu.create_cluster("third", "cn-hangzhou")
        .await
        .err(400, "QuotaExceeded.Cluster");
}

#[tokio::test]
async fn addons_and_version_metadata() {
    let emu = Emu::new();
    let id = emu.cluster("c", "ack.pro.small").await;
    let l = emu
        .call(&ApiRequest::list_addons().with_query("cluster_id", id.as_str()))
        .await
        .ok();
    let l: ack_api::model::AddonList = serde_json::from_value(l).unwrap();
    let scheduler = l
        .addons
        .iter()
        .find(|a| a.name == "kube-scheduler")
        .unwrap();
    assert!(scheduler.config_schema.contains("gangScheduling"));
    assert!(l.addons.iter().any(|a| a.name == "security-inspector"));
    let c = emu
        .call(&ApiRequest::describe_addons("cn-hangzhou"))
        .await
        .ok();
    assert_eq!(c["ComponentGroups"][0]["group_name"], "network");
    assert_eq!(
        c["StandardComponents"]["kube-scheduler"]["required"],
        "true"
    );
    let mut no_region = ApiRequest::describe_addons("x");
    no_region.query.clear();
    emu.call(&no_region).await.err(400, "MissingParameter");

    let v = emu.call(&ApiRequest::versions()).await.ok();
    let v: Vec<ack_api::model::VersionMetadata> = serde_json::from_value(v).unwrap();
    assert!(v
        .iter()
        .all(|m| !m.release_date.is_empty() && !m.runtimes.is_empty()));
    let other = ApiRequest::versions().with_query("ClusterType", "ExternalKubernetes");
    assert_eq!(emu.call(&other).await.ok(), json!([]));
    let bad = ApiRequest::versions().with_query("Region", "Hangzhou");
    emu.call(&bad).await.err(400, "InvalidParameter.RegionId");
}

#[tokio::test]
async fn throttling_carries_the_sdk_retry_hint() {
    let emu = Emu::new();
    emu.raw(
        "POST",
        "/_emulator/faults",
        &[("content-type".into(), "application/json".into())],
        br#"{"throttle": 1}"#.to_vec(),
    )
    .await
    .ok();
    let r = emu
        .call(&ApiRequest::list_clusters())
        .await
        .err(400, "Throttling.User");
    let after: u64 = r.headers["x-acs-retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(after > 0);
    assert!(r.headers.contains_key("x-ratelimit-user-api"));
}

#[tokio::test]
async fn sts_tokens_are_checked() {
    let creds = |token| Credentials {
        access_key_id: "emulator",
        access_key_secret: "emulator-secret",
        security_token: token,
    };
    let send = |emu: &Emu, token: Option<&'static str>| {
        let req = ApiRequest::list_clusters();
        let h = req.signed_headers(HOST, &creds(token), &now_date(), &nonce());
        let path = req.path_and_query();
        let state = emu.state.clone();
        async move { Emu { state }.raw("GET", &path, &h, vec![]).await }
    };
    let sts = Emu::with(
        Config {
            security_token: Some("sts-token-1".into()),
            ..Config::default()
        },
        ":memory:",
    );
    send(&sts, Some("sts-token-1")).await.ok();
    send(&sts, Some("bogus"))
        .await
        .err(400, "InvalidSecurityToken.MismatchWithAccessKey");
    send(&sts, None)
        .await
        .err(400, "InvalidSecurityToken.Malformed");
    let plain = Emu::new();
    send(&plain, None).await.ok();
    send(&plain, Some("bogus"))
        .await
        .err(400, "InvalidSecurityToken.MismatchWithAccessKey");
}

#[tokio::test]
async fn a_request_dated_ahead_cannot_be_replayed() {
    let emu = Emu::new();
    let req = ApiRequest::list_clusters();
    let ahead = (chrono::Utc::now() + chrono::Duration::minutes(14))
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string();
    let h = req.signed_headers(HOST, &emu.creds(), &ahead, &nonce());
    emu.raw("GET", &req.path_and_query(), &h, vec![]).await.ok();
    emu.raw("GET", &req.path_and_query(), &h, vec![])
        .await
        .err(400, "SignatureNonceUsed");
    // Kept until its own date + 15 min, not receipt + 15 min.
    let expires: i64 = emu
        .state
        .db()
        .query_row("SELECT MAX(expires_ms) FROM nonces", [], |r| r.get(0))
        .unwrap();
    let now = chrono::Utc::now().timestamp_millis();
    assert!(
        expires > now + 28 * 60 * 1000,
        "expires {} min from now",
        (expires - now) / 60_000
    );
}

#[test]
fn durability_sets_sqlite_synchronous() {
    use ack_emulator::db::{self, Durability};
    let dir = std::env::temp_dir().join(format!("ack-emu-dur-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("d.db");
    let path = path.to_str().unwrap();
    let full = db::open(path, Durability::Full).unwrap();
    assert_eq!(db::synchronous(&full).unwrap(), 2);
    drop(full);
    let normal = db::open(path, Durability::Normal).unwrap();
    assert_eq!(db::synchronous(&normal).unwrap(), 1);
    assert_eq!(Config::default().durability, Durability::Full);
    assert!("fast".parse::<Durability>().is_err());
    let _ = std::fs::remove_dir_all(&dir);
}
