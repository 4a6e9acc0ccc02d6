//! In-process tests (no socket) of clusters: lifecycle, names and quotas, tier rules, KMS rate limits.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use ack_api::model::*;
use ack_api::request::ApiRequest;
use serde_json::json;
use support::{pool, Emu};

#[tokio::test]
async fn cluster_lifecycle_through_real_states() {
    let emu = Emu::new();
    let req = ack_emulator::inventory::in_default_network(CreateClusterRequest {
        name: "demo".into(),
        region_id: "cn-hangzhou".into(),
        cluster_type: "ManagedKubernetes".into(),
        cluster_spec: Some("ack.standard".into()),
        kubernetes_version: Some("1.30.7-aliyun.1".into()),
        vswitch_ids: vec!["vsw-ack00000000000000001".into()],
        tags: vec![Tag {
            key: "env".into(),
            value: "dev".into(),
        }],
        ..Default::default()
    });
    let created = emu.call(&ApiRequest::create_cluster(&req)).await.ok();
    let id = created["cluster_id"].as_str().unwrap().to_owned();
    let task = created["task_id"].as_str().unwrap().to_owned();
    let d = emu.call(&ApiRequest::describe_cluster(&id)).await.ok();
    assert_eq!(d["state"], "initial");
    let t = emu.call(&ApiRequest::describe_task(&task)).await.ok();
    assert_eq!(t["state"], "running");
    // A change while the cluster is busy gets the real error.
    emu.call(&ApiRequest::modify_cluster(
        &id,
        &ModifyClusterRequest {
            deletion_protection: Some(true),
            ..Default::default()
        },
    ))
    .await
    .err(400, "ErrorClusterState");
    emu.tick();
    assert_eq!(
        emu.call(&ApiRequest::describe_task(&task)).await.ok()["state"],
        "success"
    );
    let d = emu.call(&ApiRequest::describe_cluster(&id)).await.ok();
    assert_eq!(d["state"], "running");
    assert_eq!(d["cluster_spec"], "ack.standard");
    let master: serde_json::Value =
        serde_json::from_str(d["master_url"].as_str().unwrap()).unwrap();
    assert!(master["intranet_api_server_endpoint"]
        .as_str()
        .unwrap()
        .starts_with("https://"));
    assert_eq!(
        master["api_server_endpoint"], "",
        "no public endpoint unless asked for, as the service does"
    );
    let meta: serde_json::Value = serde_json::from_str(d["meta_data"].as_str().unwrap()).unwrap();
    assert_eq!(meta["Capabilities"]["DisableEncryption"], true);

    // Rename, tags.
    let m = ModifyClusterRequest {
        cluster_name: Some("demo2".into()),
        ..Default::default()
    };
    emu.call(&ApiRequest::modify_cluster(&id, &m)).await.ok();
    assert_eq!(
        emu.call(&ApiRequest::describe_cluster(&id)).await.ok()["state"],
        "updating"
    );
    emu.tick();
    emu.call(&ApiRequest::modify_tags(
        &id,
        &vec![Tag {
            key: "env".into(),
            value: "prod".into(),
        }],
    ))
    .await
    .ok();
    emu.tick();
    let d = emu.call(&ApiRequest::describe_cluster(&id)).await.ok();
    assert_eq!(d["name"], "demo2");
    assert_eq!(d["tags"], json!([{"key": "env", "value": "prod"}]));

    // Listing by name.
    let l = emu
        .call(&ApiRequest::list_clusters().with_query("name", "demo2"))
        .await
        .ok();
    assert_eq!(l["page_info"]["total_count"], 1);
    let l = emu
        .call(&ApiRequest::list_clusters().with_query("name", "nope"))
        .await
        .ok();
    assert_eq!(l["clusters"], json!([]));

    // Upgrades: one minor at a time, never down.
    let up = |v: &str| {
        ApiRequest::upgrade_cluster(
            &id,
            &UpgradeClusterRequest {
                next_version: v.into(),
                master_only: false,
            },
        )
    };
    emu.call(&up("1.32.1-aliyun.1"))
        .await
        .err(400, "InvalidParameter.KubernetesVersion");
    emu.call(&up("1.28.15-aliyun.1"))
        .await
        .err(400, "InvalidParameter.KubernetesVersion");
    emu.call(&up("1.31.1-aliyun.1")).await.ok();
    let d = emu.call(&ApiRequest::describe_cluster(&id)).await.ok();
    assert_eq!(
        (d["state"].as_str(), d["next_version"].as_str()),
        (Some("upgrading"), Some("1.31.1-aliyun.1"))
    );
    emu.tick();
    assert_eq!(
        emu.call(&ApiRequest::describe_cluster(&id)).await.ok()["current_version"],
        "1.31.1-aliyun.1"
    );

    // Standard → pro in place; never back.
    emu.call(&ApiRequest::migrate_cluster(
        &id,
        &MigrateClusterRequest::default(),
    ))
    .await
    .ok();
    assert_eq!(
        emu.call(&ApiRequest::describe_cluster(&id)).await.ok()["state"],
        "migrating"
    );
    emu.tick();
    let d = emu.call(&ApiRequest::describe_cluster(&id)).await.ok();
    assert_eq!(
        (d["cluster_spec"].as_str(), d["state"].as_str()),
        (Some("ack.pro.small"), Some("running"))
    );
    let back = MigrateClusterRequest {
        cluster_type: None,
        spec: Some("ack.standard".into()),
    };
    emu.call(&ApiRequest::migrate_cluster(&id, &back))
        .await
        .err(400, "ErrorClusterSpecNotSupported");

    // Deletion protection, then delete.
    let protect = |on: bool| {
        let req = ModifyClusterRequest {
            deletion_protection: Some(on),
            ..Default::default()
        };
        let emu = &emu;
        let id = &id;
        async move {
            emu.call(&ApiRequest::modify_cluster(id, &req)).await.ok();
            emu.tick();
        }
    };
    protect(true).await;
    emu.call(&ApiRequest::delete_cluster(&id))
        .await
        .err(400, "ErrorDeletionProtection");
    protect(false).await;
    emu.call(&ApiRequest::delete_cluster(&id)).await.ok();
    assert_eq!(
        emu.call(&ApiRequest::describe_cluster(&id)).await.ok()["state"],
        "deleting"
    );
    emu.tick();
    emu.call(&ApiRequest::describe_cluster(&id))
        .await
        .err(404, "ErrorClusterNotFound");
    assert_eq!(emu.stats().await["clusters"], 0);
}

#[tokio::test]
async fn names_are_unique_per_region_and_quota_holds() {
    let emu = Emu::with(
        ack_emulator::Config {
            speed: 1e9,
            cluster_quota: 2,
            ..Default::default()
        },
        ":memory:",
    );
    emu.cluster("a", "ack.standard").await;
    emu.create_cluster("a", "cn-hangzhou")
        .await
        .err(400, "ErrorClusterNameAlreadyExist");
    emu.create_cluster("a", "cn-beijing").await.ok();
    emu.cluster("b", "ack.standard").await;
    emu.create_cluster("c", "cn-hangzhou")
        .await
        .err(400, "QuotaExceeded.Cluster");
}

#[tokio::test]
async fn tier_rules_hold_server_side() {
    let emu = Emu::new();
    let std_id = emu.cluster("std", "ack.standard").await;
    let pro_id = emu.cluster("pro", "ack.pro.small").await;

    // KMS and maintenance window at create.
    let kms = ack_emulator::inventory::in_default_network(CreateClusterRequest {
        name: "k".into(),
        region_id: "cn-hangzhou".into(),
        encryption_provider_key: Some("key-ack00000000000000001".into()),
        ..Default::default()
    });
    let r = emu
        .call(&ApiRequest::create_cluster(&kms))
        .await
        .err(400, "ErrorClusterSpecNotSupported");
    assert!(r.body["message"]
        .as_str()
        .unwrap()
        .contains("ack.standard does not support KMS encryption of Kubernetes Secrets"));

    // KMS on an existing cluster.
    let key = KmsEncryptionRequest {
        kms_key_id: Some("key-ack00000000000000001".into()),
        disable_encryption: false,
    };
    emu.call(&ApiRequest::update_kms(&std_id, &key))
        .await
        .err(400, "ErrorClusterSpecNotSupported");
    emu.call(&ApiRequest::update_kms(&pro_id, &key)).await.ok();
    emu.tick();
    let d = emu.call(&ApiRequest::describe_cluster(&pro_id)).await.ok();
    assert!(d["meta_data"]
        .as_str()
        .unwrap()
        .contains("key-ack00000000000000001"));

    // Managed node pools.
    let mut managed = pool("m", 2);
    managed.management = Some(Management {
        enable: true,
        auto_repair: true,
        ..Default::default()
    });
    emu.call(&ApiRequest::create_node_pool(&std_id, &managed))
        .await
        .err(400, "ErrorClusterSpecNotSupported");
    emu.call(&ApiRequest::create_node_pool(&pro_id, &managed))
        .await
        .ok();

    // Node limits: pools of a standard cluster sum to at most 100.
    emu.call(&ApiRequest::create_node_pool(&std_id, &pool("a", 60)))
        .await
        .ok();
    emu.tick();
    let r = emu
        .call(&ApiRequest::create_node_pool(&std_id, &pool("b", 50)))
        .await
        .err(400, "QuotaExceeded.Node");
    assert!(r.body["message"]
        .as_str()
        .unwrap()
        .contains("would be 110, which exceeds the limit of 100 nodes for ack.standard"));
    emu.call(&ApiRequest::create_node_pool(&pro_id, &pool("big", 150)))
        .await
        .ok();

    // Scheduler features.
    let cfg = |c: serde_json::Value| AddonConfigRequest {
        config: c.to_string(),
    };
    emu.call(&ApiRequest::modify_addon(
        &std_id,
        "kube-scheduler",
        &cfg(json!({"gangScheduling": true})),
    ))
    .await
    .err(400, "ErrorClusterSpecNotSupported");
    emu.call(&ApiRequest::modify_addon(
        &std_id,
        "kube-scheduler",
        &cfg(json!({"cgpuEdition": "professional"})),
    ))
    .await
    .err(400, "ErrorClusterSpecNotSupported");
    emu.call(&ApiRequest::modify_addon(
        &std_id,
        "kube-scheduler",
        &cfg(json!({"cgpuEdition": "basic"})),
    ))
    .await
    .ok();
    emu.call(&ApiRequest::modify_addon(&pro_id, "kube-scheduler", &cfg(json!({"gangScheduling": true, "scorePluginWeights": [{"plugin": "NodeAffinity", "weight": 5}]}))))
        .await
        .ok();
    let (during, inst) = emu
        .across_tick(&ApiRequest::addon_instance(&pro_id, "kube-scheduler"))
        .await;
    assert_eq!(during["state"], "updating");
    assert_eq!(inst["state"], "active");
    assert!(inst["config"]
        .as_str()
        .unwrap()
        .contains("\"gangScheduling\":true"));
    emu.call(&ApiRequest::modify_addon(&pro_id, "nope", &cfg(json!({}))))
        .await
        .err(404, "AddonNotFound");

    // Backup policy extension.
    let policy = BackupPolicy {
        cold_backup: Some(ColdBackup {
            interval_hours: 6,
            retention_days: 7,
        }),
        hot_backup: Some(HotBackup {
            interval_minutes: 15,
            retention_hours: 24,
        }),
        geo_replication: Some(GeoReplication {
            region: "cn-shanghai".into(),
        }),
    };
    emu.call(&ApiRequest::put_backup_policy(&std_id, &policy))
        .await
        .err(400, "ErrorClusterSpecNotSupported");
    emu.call(&ApiRequest::put_backup_policy(&pro_id, &policy))
        .await
        .ok();
    assert_eq!(
        emu.call(&ApiRequest::describe_backup_policy(&pro_id))
            .await
            .ok()["cold_backup"]["interval_hours"],
        6
    );
    let same_region = BackupPolicy {
        geo_replication: Some(GeoReplication {
            region: "cn-hangzhou".into(),
        }),
        ..policy.clone()
    };
    emu.call(&ApiRequest::put_backup_policy(&pro_id, &same_region))
        .await
        .err(400, "InvalidParameter");
    emu.call(&ApiRequest::delete_backup_policy(&pro_id))
        .await
        .ok();
    emu.call(&ApiRequest::describe_backup_policy(&pro_id))
        .await
        .err(404, "ErrorBackupPolicyNotFound");
}

#[tokio::test]
async fn kms_key_changes_are_rate_limited() {
    // At speed 200 a cluster takes 3 s to create, a KMS change 0.3 s, and the
    // five-minute window between key changes lasts 1.5 s: wide margins, so a
    // loaded machine does not make this flaky.
    let emu = Emu::with(
        ack_emulator::Config {
            speed: 200.0,
            ..Default::default()
        },
        ":memory:",
    );
    let req = ack_emulator::inventory::in_default_network(CreateClusterRequest {
        name: "p".into(),
        region_id: "cn-hangzhou".into(),
        cluster_spec: Some("ack.pro.small".into()),
        ..Default::default()
    });
    let id = emu.call(&ApiRequest::create_cluster(&req)).await.ok()["cluster_id"]
        .as_str()
        .unwrap()
        .to_owned();
    tokio::time::sleep(std::time::Duration::from_millis(3100)).await;
    emu.tick();
    let key = |k: &str| KmsEncryptionRequest {
        kms_key_id: Some(k.into()),
        disable_encryption: false,
    };
    emu.call(&ApiRequest::update_kms(
        &id,
        &key("key-ack00000000000000001"),
    ))
    .await
    .ok();
    tokio::time::sleep(std::time::Duration::from_millis(350)).await;
    emu.tick();
    emu.call(&ApiRequest::update_kms(
        &id,
        &key("key-ack00000000000000002"),
    ))
    .await
    .err(409, "Conflict.KMSEncryption");
    tokio::time::sleep(std::time::Duration::from_millis(1300)).await;
    emu.call(&ApiRequest::update_kms(
        &id,
        &key("key-ack00000000000000002"),
    ))
    .await
    .ok();
}
