//! Pulumi's Terraform bridge, met at the protocol: the call sequence the bridge
//! sends for create → diff → update → refresh → delete, replayed over gRPC
//! against the provider binary (served with `--debug`, plaintext, as a
//! reattached provider) and the emulator.
//!
//! Written from pulumi-terraform-bridge release v3.136.0:
//! - `pkg/pf/tfbridge/provider_create.go`: PlanResourceChange with a null prior
//!   state and no prior private state, then ApplyResourceChange with the planned
//!   private state;
//! - `pkg/pf/tfbridge/provider_plan.go`: the proposed new state is computed by the
//!   bridge (`pfutils.ProposedNew`: configuration, with prior values for
//!   computed attributes the configuration leaves null);
//! - `pkg/pf/tfbridge/resource_state.go` (`parseAndUpgradeResourceState`): the
//!   stored state goes through UpgradeResourceState as raw JSON, with the stored
//!   schema version, before every diff (`provider_diff.go`), update
//!   (`provider_update.go`) and refresh (`provider_read.go`), even at the current
//!   version; private state is passed along to plan and read;
//! - `pkg/pf/tfbridge/provider_delete.go`: delete is one ApplyResourceChange with
//!   the stored state (not upgraded), planned state and configuration null, no
//!   PlanResourceChange before it and no private state;
//! - `pkg/tfbridge/tokens/fixups.go` and `pkg/reservedkeys/keys.go`: a computed-only
//!   string `id` becomes the Pulumi ID (anything else is renamed); properties
//!   named `urn` and `pulumi` are renamed; `__meta`, `__defaults` and
//!   `__pulumi_raw_state_delta` are the bridge's own keys; a resource named
//!   `<prefix>_provider` is renamed; `dynamic/info.go` infers the module prefix
//!   from the resource names, which must share it.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod bridge_support;

use acceptance_tests::{hcl, Emulator};
use bridge_support::*;
use serde_json::{json, Value as Json};
use tfplugin::__private::msgpack;
use tfplugin::__private::proto::tfplugin6 as pb;
use tfplugin::Value;

/// An `ack_cluster` configuration on the emulator's default network.
fn cluster_config(name: &str, edition: &str) -> Json {
    json!({"name": name, "vpc_id": hcl::VPC, "vswitch_ids": [hcl::VSWITCH],
           "pod_cidr": "172.20.0.0/16", "edition": edition})
}

/// An `ack_node_pool` configuration with the arguments every pool needs.
fn pool_config(cluster: &str, name: &str, size: u32) -> Json {
    json!({"cluster_name": cluster, "name": name, "instance_types": [hcl::INSTANCE_TYPE],
           "vswitch_ids": [hcl::VSWITCH], "instance_charge_type": "PostPaid",
           "key_pair": hcl::KEY_PAIR, "desired_size": size})
}

/// A call the bridge made without a plan was refused with the plan's own
/// diagnostics, the first of them `summary`.
#[track_caller]
fn assert_refused_as_planned(
    unplanned: &[pb::Diagnostic],
    planned: &[pb::Diagnostic],
    summary: &str,
) {
    assert!(!summaries(unplanned).is_empty(), "refused without a plan");
    assert_eq!(summaries(unplanned), summaries(planned));
    assert_eq!(summaries(unplanned)[0].0, summary);
}

/// The bridge's checks on the schema it receives.
async fn bridge_schema_rules(b: &mut Bridge) {
    let r = b
        .client
        .get_provider_schema(pb::get_provider_schema::Request {})
        .await
        .unwrap()
        .into_inner();
    let reserved = [
        "urn",
        "pulumi",
        "__meta",
        "__defaults",
        "__pulumi_raw_state_delta",
    ];
    assert_eq!(r.resource_schemas.len(), 7);
    for (t, schema) in &r.resource_schemas {
        assert_eq!(t.split('_').next(), Some("ack"), "one resource prefix");
        assert_ne!(
            t, "ack_provider",
            "the bridge renames a resource called Provider"
        );
        let block = schema.block.as_ref().unwrap();
        let id = block.attributes.iter().find(|a| a.name == "id").unwrap();
        assert!(
            id.computed && !id.optional && !id.required,
            "{t}: id computed only"
        );
        assert_eq!(id.r#type, b"\"string\"", "{t}: id is a string");
        for a in &block.attributes {
            assert!(
                !reserved.contains(&a.name.as_str()),
                "{t}.{} is reserved",
                a.name
            );
        }
        for bt in &block.block_types {
            assert!(
                !reserved.contains(&bt.type_name.as_str()),
                "{t}.{}",
                bt.type_name
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_bridge_call_sequence_for_every_resource() {
    let emu = Emulator::start();
    let mut b = Bridge::start(&emu).await;
    bridge_schema_rules(&mut b).await;

    // ack_cluster: standard → pro is an in-place update, as Terraform shows it.
    let cl = "ack_cluster";
    let mut cfg = cluster_config("bridge", "standard");
    cfg["deletion_protection"] = json!(true);
    cfg["service_cidr"] = json!("172.21.0.0/20");
    let created = b.create(cl, &cfg).await;
    assert_eq!(created.state.get("sla").unwrap().as_str(), Some("99.90%"));
    cfg["edition"] = json!("pro");
    let (planned, replace) = b.diff(cl, &created, &cfg).await;
    assert!(!replace, "standard → pro is in place");
    assert_eq!(planned.get("sla").unwrap().as_str(), Some("99.95%"));
    let cluster = b.update(cl, &created, &cfg).await;
    assert_eq!(cluster.state.get("edition").unwrap().as_str(), Some("pro"));
    let refreshed = b.read(cl, &cluster).await;
    assert_eq!(
        refreshed.state, cluster.state,
        "refresh finds what update wrote"
    );
    let (again, replace) = b.diff(cl, &refreshed, &cfg).await;
    assert!(!replace);
    assert_eq!(again, refreshed.state, "no diff after update");

    // Every dependent: create → diff → update → refresh → delete.
    let cases = [
        (
            "ack_node_pool",
            pool_config("bridge", "workers", 1),
            pool_config("bridge", "workers", 2),
        ),
        (
            "ack_encryption",
            json!({"cluster_name": "bridge", "kms_key_id": "key-ack00000000000000001"}),
            json!({"cluster_name": "bridge", "kms_key_id": "key-ack00000000000000002"}),
        ),
        (
            "ack_backup_policy",
            json!({"cluster_name": "bridge", "cold_backup": {"interval_hours": 6, "retention_days": 7}}),
            json!({"cluster_name": "bridge", "cold_backup": {"interval_hours": 12, "retention_days": 7}}),
        ),
        (
            "ack_scheduler_profile",
            json!({"cluster_name": "bridge", "gang_scheduling": true}),
            json!({"cluster_name": "bridge", "gang_scheduling": true, "topology_aware_cpu": true}),
        ),
        (
            "ack_addon",
            json!({"cluster_name": "bridge", "name": "csi-plugin", "version": "v1.30.3-aliyun.1", "config": "{\"FuseType\":\"ossfs\"}"}),
            json!({"cluster_name": "bridge", "name": "csi-plugin", "version": "v1.32.1-aliyun.1", "config": "{\"FuseType\":\"ossfs2\"}"}),
        ),
        (
            "ack_cluster_inspection",
            json!({"cluster_name": "bridge", "schedule": "FREQ=DAILY;BYHOUR=3;BYMINUTE=0"}),
            json!({"cluster_name": "bridge", "schedule": "FREQ=DAILY;BYHOUR=4;BYMINUTE=0", "enabled": false}),
        ),
    ];
    for (t, first, second) in &cases {
        let s = b.create(t, first).await;
        let (_, replace) = b.diff(t, &s, second).await;
        assert!(!replace, "{t}: the change is in place");
        let s = b.update(t, &s, second).await;
        let r = b.read(t, &s).await;
        assert_eq!(r.state, s.state, "{t}: refresh finds what update wrote");
        let (again, replace) = b.diff(t, &r, second).await;
        assert!(!replace && again == r.state, "{t}: no diff after update");
        let gone = b.delete(t, &r).await;
        assert_clean(&gone.diagnostics, &format!("{t}: delete"));
        assert!(null_state(&gone, &b.ty(t)), "{t}: null state after delete");
    }
    assert_eq!(emu.stats()["node_pools"], 0);

    // Tier rules hold for a client that applies without planning: the same
    // diagnostic as the plan's, and nothing sent to the API.
    let std = b
        .create(cl, &cluster_config("bridge-std", "standard"))
        .await;
    let t = "ack_scheduler_profile";
    let gang = b.value(
        t,
        &json!({"cluster_name": "bridge-std", "gang_scheduling": true}),
    );
    let none = Stored {
        state: Value::Null,
        private: Vec::new(),
    };
    let at_plan = b.plan(t, &none, &gang).await;
    let mut planned = proposed_new(
        &b.schemas[t].block.attributes,
        &["timeouts".into()],
        &Value::Null,
        &gang,
    );
    for attr in ["id", "cluster_id"] {
        *planned.get_mut(attr).unwrap() = Value::unknown();
    }
    let addon_calls = emu.requests("ModifyClusterAddon");
    let ty = b.ty(t);
    let at_apply = b
        .apply(t, &Value::Null, dv(&planned, &ty), &gang, Vec::new())
        .await;
    assert_refused_as_planned(
        &at_apply.diagnostics,
        &at_plan.diagnostics,
        "Gang scheduling needs ACK Pro",
    );
    assert_eq!(emu.requests("ModifyClusterAddon"), addon_calls);

    // The same for a node pool turned into a managed one.
    let t = "ack_node_pool";
    let pool_cfg = pool_config("bridge-std", "std-pool", 1);
    let created = b.create(t, &pool_cfg).await;
    let mut managed_cfg = pool_cfg.clone();
    managed_cfg["managed"] = json!({"auto_repair": true});
    let managed = b.value(t, &managed_cfg);
    let at_plan = b.plan(t, &created, &managed).await;
    let mut planned = created.state.clone();
    *planned.get_mut("managed").unwrap() = managed.get("managed").unwrap().clone();
    let ty = b.ty(t);
    let at_apply = b
        .apply(
            t,
            &created.state,
            dv(&planned, &ty),
            &managed,
            created.private.clone(),
        )
        .await;
    assert_refused_as_planned(
        &at_apply.diagnostics,
        &at_plan.diagnostics,
        "Managed node pools needs ACK Pro",
    );
    let kept = msgpack::decode(&at_apply.new_state.unwrap().msgpack, &ty).unwrap();
    assert_eq!(
        kept, created.state,
        "a refused update keeps the prior state"
    );
    let gone = b.delete(t, &created).await;
    assert_clean(&gone.diagnostics, "delete the pool");

    // A pool deleted without a plan leaves the plan registry: the next pool's
    // plan on the same standard cluster counts only pools that exist.
    let big = |name: &str| pool_config("bridge-std", name, 60);
    let first = b.create(t, &big("first")).await;
    let gone = b.delete(t, &first).await;
    assert_clean(&gone.diagnostics, "delete the first pool");
    let second = b.value(t, &big("second"));
    let plan = b.plan(t, &none, &second).await;
    assert_clean(
        &plan.diagnostics,
        "60 nodes fit once the first pool is gone",
    );

    // A protected cluster: the bridge's delete (no plan) is refused with the
    // plan's diagnostic, before any API call, and the state is kept.
    let destroy_plan = b.plan(cl, &refreshed, &Value::Null).await;
    let refused = b.delete(cl, &refreshed).await;
    assert_refused_as_planned(
        &refused.diagnostics,
        &destroy_plan.diagnostics,
        "Cluster has deletion protection",
    );
    assert!(
        !null_state(&refused, &b.ty(cl)),
        "the cluster stays in state"
    );
    assert_eq!(emu.requests("DeleteCluster"), 0);
    assert_eq!(emu.stats()["clusters"], 2);

    // Protection off (in place), then the bridge's delete goes through.
    cfg["deletion_protection"] = json!(false);
    let unprotected = b.update(cl, &refreshed, &cfg).await;
    for s in [&unprotected, &std] {
        let gone = b.delete(cl, s).await;
        assert_clean(&gone.diagnostics, "delete cluster");
        assert!(null_state(&gone, &b.ty(cl)), "null state after delete");
    }
    assert_eq!(emu.stats()["clusters"], 0);
}
