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

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use acceptance_tests::Emulator;
use serde_json::{json, Value as Json};
use terraform_provider_ack::provider::AckProvider;
use tfplugin::__private::msgpack;
use tfplugin::__private::proto::tfplugin6 as pb;
use tfplugin::framework::Provider as _;
use tfplugin::schema::{AttributeType, Nesting};
use tfplugin::value::json as tfjson;
use tfplugin::{Attribute, AttributePath, Schema, Type, Value};
use tfplugin_testing::cargo_artifact;
use tonic::transport::{Channel, Endpoint};

type Client = pb::provider_client::ProviderClient<Channel>;

/// The provider binary in debug mode, dialled like a reattached provider.
struct Bridge {
    child: Child,
    client: Client,
    schemas: BTreeMap<String, Schema>,
}

impl Drop for Bridge {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// What a resource holds between calls, as the bridge stores it.
#[derive(Clone, Debug)]
struct Stored {
    state: Value,
    private: Vec<u8>,
}

fn dv(v: &Value, ty: &Type) -> Option<pb::DynamicValue> {
    Some(pb::DynamicValue {
        msgpack: msgpack::encode(v, ty).unwrap(),
        json: vec![],
    })
}

fn errors(d: &[pb::Diagnostic]) -> Vec<&pb::Diagnostic> {
    d.iter()
        .filter(|x| x.severity == pb::diagnostic::Severity::Error as i32)
        .collect()
}

#[track_caller]
fn assert_clean(d: &[pb::Diagnostic], what: &str) {
    assert!(errors(d).is_empty(), "{what}: {d:#?}");
}

/// `pfutils.ProposedNew`: the configuration, with the prior value for every
/// computed attribute the configuration leaves null (recursing into single
/// nested attributes); blocks come from the configuration.
fn proposed_new(attrs: &[Attribute], blocks: &[String], prior: &Value, config: &Value) -> Value {
    if config.is_null() {
        return Value::Null;
    }
    let mut out = BTreeMap::new();
    for a in attrs {
        let c = config.get(&a.name).cloned().unwrap_or_default();
        let p = prior.get(&a.name).cloned().unwrap_or_default();
        let v = match &a.kind {
            _ if c.is_null() && a.computed => p,
            AttributeType::Nested {
                nesting: Nesting::Single,
                attributes,
            } if !p.is_null() => proposed_new(attributes, &[], &p, &c),
            _ => c,
        };
        out.insert(a.name.clone(), v);
    }
    for b in blocks {
        out.insert(b.clone(), config.get(b).cloned().unwrap_or_default());
    }
    Value::Object(out)
}

async fn connect(network: &str, addr: &str) -> Channel {
    if network == "unix" {
        let path = addr.to_owned();
        Endpoint::try_from("http://localhost")
            .unwrap()
            .connect_with_connector(tower::service_fn(move |_: tonic::transport::Uri| {
                let path = path.clone();
                async move {
                    Ok::<_, std::io::Error>(hyper_util::rt::TokioIo::new(
                        tokio::net::UnixStream::connect(path).await?,
                    ))
                }
            }))
            .await
            .unwrap()
    } else {
        Endpoint::from_shared(format!("http://{addr}"))
            .unwrap()
            .connect()
            .await
            .unwrap()
    }
}

impl Bridge {
    /// Starts `terraform-provider-ack --debug` and connects to the address in
    /// the reattach JSON it prints (what PULUMI_BRIDGE_REATTACH_PROVIDERS takes).
    async fn start(emu: &Emulator) -> Bridge {
        let mut child = Command::new(cargo_artifact("terraform-provider-ack"))
            .arg("--debug")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start terraform-provider-ack --debug");
        let mut reader = BufReader::new(child.stdout.take().unwrap());
        let reattach = loop {
            let mut line = String::new();
            assert!(reader.read_line(&mut line).unwrap() > 0, "no reattach line");
            if let Some(rest) = line.trim().strip_prefix("TF_REATTACH_PROVIDERS='") {
                break serde_json::from_str::<Json>(rest.trim_end_matches('\'')).unwrap();
            }
        };
        let entry = &reattach["registry.terraform.io/acklabs/ack"];
        assert_eq!(entry["Protocol"], "grpc");
        assert_eq!(entry["ProtocolVersion"], 6);
        let channel = connect(
            entry["Addr"]["Network"].as_str().unwrap(),
            entry["Addr"]["String"].as_str().unwrap(),
        )
        .await;
        let mut client = Client::new(channel)
            .max_decoding_message_size(usize::MAX)
            .max_encoding_message_size(usize::MAX);
        let provider = AckProvider::new();
        let schemas = provider
            .resources()
            .iter()
            .map(|r| (r.type_name(), r.schema()))
            .collect();
        let cfg_ty = provider.schema().ty();
        let config = tfjson::from_json(
            &json!({"endpoint": emu.endpoint(), "region": "cn-hangzhou",
                    "access_key": "emulator", "secret_key": "emulator-secret"}),
            &cfg_ty,
            &AttributePath::root(),
        )
        .unwrap();
        let r = client
            .configure_provider(pb::configure_provider::Request {
                terraform_version: "pulumi-terraform-bridge".into(),
                config: dv(&config, &cfg_ty),
                client_capabilities: None,
            })
            .await
            .unwrap()
            .into_inner();
        assert_clean(&r.diagnostics, "ConfigureProvider");
        Bridge {
            child,
            client,
            schemas,
        }
    }

    fn ty(&self, t: &str) -> Type {
        self.schemas[t].ty()
    }

    fn value(&self, t: &str, j: &Json) -> Value {
        tfjson::from_json(j, &self.ty(t), &AttributePath::root()).unwrap()
    }

    /// UpgradeResourceState with the state as raw JSON, as stored.
    async fn upgrade(&mut self, t: &str, s: &Stored) -> Stored {
        let raw = tfjson::encode(&s.state, &self.ty(t)).unwrap();
        let r = self
            .client
            .upgrade_resource_state(pb::upgrade_resource_state::Request {
                type_name: t.into(),
                version: self.schemas[t].version,
                raw_state: Some(pb::RawState {
                    json: raw,
                    flatmap: Default::default(),
                }),
            })
            .await
            .unwrap()
            .into_inner();
        assert_clean(&r.diagnostics, "UpgradeResourceState");
        let state = msgpack::decode(&r.upgraded_state.unwrap().msgpack, &self.ty(t)).unwrap();
        Stored {
            state,
            private: s.private.clone(),
        }
    }

    async fn plan(
        &mut self,
        t: &str,
        prior: &Stored,
        config: &Value,
    ) -> pb::plan_resource_change::Response {
        let schema = &self.schemas[t];
        let blocks: Vec<String> = schema
            .block
            .blocks
            .iter()
            .map(|b| b.type_name.clone())
            .collect();
        let proposed = proposed_new(&schema.block.attributes, &blocks, &prior.state, config);
        let ty = self.ty(t);
        self.client
            .plan_resource_change(pb::plan_resource_change::Request {
                type_name: t.into(),
                prior_state: dv(&prior.state, &ty),
                proposed_new_state: dv(&proposed, &ty),
                config: dv(config, &ty),
                prior_private: prior.private.clone(),
                provider_meta: None,
                client_capabilities: None,
            })
            .await
            .unwrap()
            .into_inner()
    }

    async fn apply(
        &mut self,
        t: &str,
        prior: &Value,
        planned: Option<pb::DynamicValue>,
        config: &Value,
        planned_private: Vec<u8>,
    ) -> pb::apply_resource_change::Response {
        let ty = self.ty(t);
        self.client
            .apply_resource_change(pb::apply_resource_change::Request {
                type_name: t.into(),
                prior_state: dv(prior, &ty),
                planned_state: planned,
                config: dv(config, &ty),
                planned_private,
                provider_meta: None,
            })
            .await
            .unwrap()
            .into_inner()
    }

    /// Check (ValidateResourceConfig), then create: plan from a null prior
    /// state, apply with the planned private state.
    async fn create(&mut self, t: &str, config: &Json) -> Stored {
        let config = self.value(t, config);
        let ty = self.ty(t);
        let v = self
            .client
            .validate_resource_config(pb::validate_resource_config::Request {
                type_name: t.into(),
                config: dv(&config, &ty),
                client_capabilities: None,
            })
            .await
            .unwrap()
            .into_inner();
        assert_clean(&v.diagnostics, &format!("{t}: ValidateResourceConfig"));
        let none = Stored {
            state: Value::Null,
            private: Vec::new(),
        };
        let plan = self.plan(t, &none, &config).await;
        assert_clean(&plan.diagnostics, &format!("{t}: plan create"));
        let r = self
            .apply(
                t,
                &Value::Null,
                plan.planned_state,
                &config,
                plan.planned_private,
            )
            .await;
        assert_clean(&r.diagnostics, &format!("{t}: create"));
        let state = msgpack::decode(&r.new_state.unwrap().msgpack, &ty).unwrap();
        assert!(state
            .get("id")
            .and_then(Value::as_str)
            .is_some_and(|s| !s.is_empty()));
        Stored {
            state,
            private: r.private,
        }
    }

    /// Diff: upgrade, then plan; returns the planned state and whether the
    /// provider asks for a replacement.
    async fn diff(&mut self, t: &str, s: &Stored, config: &Json) -> (Value, bool) {
        let up = self.upgrade(t, s).await;
        let config = self.value(t, config);
        let plan = self.plan(t, &up, &config).await;
        assert_clean(&plan.diagnostics, &format!("{t}: diff"));
        let planned = msgpack::decode(&plan.planned_state.unwrap().msgpack, &self.ty(t)).unwrap();
        (planned, !plan.requires_replace.is_empty())
    }

    /// Update: upgrade, plan, apply.
    async fn update(&mut self, t: &str, s: &Stored, config: &Json) -> Stored {
        let up = self.upgrade(t, s).await;
        let config = self.value(t, config);
        let plan = self.plan(t, &up, &config).await;
        assert_clean(&plan.diagnostics, &format!("{t}: plan update"));
        assert!(plan.requires_replace.is_empty(), "{t}: in place");
        let r = self
            .apply(
                t,
                &up.state,
                plan.planned_state,
                &config,
                plan.planned_private,
            )
            .await;
        assert_clean(&r.diagnostics, &format!("{t}: update"));
        Stored {
            state: msgpack::decode(&r.new_state.unwrap().msgpack, &self.ty(t)).unwrap(),
            private: r.private,
        }
    }

    /// Refresh: upgrade, then ReadResource with the private state.
    async fn read(&mut self, t: &str, s: &Stored) -> Stored {
        let up = self.upgrade(t, s).await;
        let ty = self.ty(t);
        let r = self
            .client
            .read_resource(pb::read_resource::Request {
                type_name: t.into(),
                current_state: dv(&up.state, &ty),
                private: up.private.clone(),
                provider_meta: None,
                client_capabilities: None,
            })
            .await
            .unwrap()
            .into_inner();
        assert_clean(&r.diagnostics, &format!("{t}: read"));
        Stored {
            state: msgpack::decode(&r.new_state.unwrap().msgpack, &ty).unwrap(),
            private: r.private,
        }
    }

    /// Delete as the bridge does it: ApplyResourceChange, planned state and
    /// configuration null, no plan, no private state.
    async fn delete(&mut self, t: &str, s: &Stored) -> pb::apply_resource_change::Response {
        let null = dv(&Value::Null, &self.ty(t));
        self.apply(t, &s.state, null, &Value::Null, Vec::new())
            .await
    }
}

fn null_state(r: &pb::apply_resource_change::Response, ty: &Type) -> bool {
    r.new_state
        .as_ref()
        .is_none_or(|v| msgpack::decode(&v.msgpack, ty).unwrap().is_null())
}

fn summaries(d: &[pb::Diagnostic]) -> Vec<(String, String, String)> {
    errors(d)
        .iter()
        .map(|x| {
            (
                x.summary.clone(),
                x.detail.clone(),
                format!("{:?}", x.attribute),
            )
        })
        .collect()
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
    assert_eq!(r.resource_schemas.len(), 5);
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
    let mut cfg = json!({"name": "bridge", "edition": "standard", "deletion_protection": true,
                         "service_cidr": "172.21.0.0/20"});
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
            json!({"cluster_name": "bridge", "name": "workers", "instance_types": ["ecs.g7.xlarge"], "desired_size": 1}),
            json!({"cluster_name": "bridge", "name": "workers", "instance_types": ["ecs.g7.xlarge"], "desired_size": 2}),
        ),
        (
            "ack_encryption",
            json!({"cluster_name": "bridge", "kms_key_id": "key-bridge0001"}),
            json!({"cluster_name": "bridge", "kms_key_id": "key-bridge0002"}),
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
        .create(cl, &json!({"name": "bridge-std", "edition": "standard"}))
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
    assert!(
        !summaries(&at_apply.diagnostics).is_empty(),
        "refused at apply"
    );
    assert_eq!(
        summaries(&at_apply.diagnostics),
        summaries(&at_plan.diagnostics)
    );
    assert_eq!(
        summaries(&at_apply.diagnostics)[0].0,
        "Gang scheduling needs ACK Pro"
    );
    assert_eq!(emu.requests("ModifyClusterAddon"), addon_calls);

    // The same for a node pool turned into a managed one.
    let t = "ack_node_pool";
    let pool_cfg = json!({"cluster_name": "bridge-std", "name": "std-pool",
                          "instance_types": ["ecs.g7.xlarge"], "desired_size": 1});
    let pool = b.create(t, &pool_cfg).await;
    let mut managed_cfg = pool_cfg.clone();
    managed_cfg["managed"] = json!({"auto_repair": true});
    let managed = b.value(t, &managed_cfg);
    let at_plan = b.plan(t, &pool, &managed).await;
    let mut planned = pool.state.clone();
    *planned.get_mut("managed").unwrap() = managed.get("managed").unwrap().clone();
    let ty = b.ty(t);
    let at_apply = b
        .apply(
            t,
            &pool.state,
            dv(&planned, &ty),
            &managed,
            pool.private.clone(),
        )
        .await;
    assert_eq!(
        summaries(&at_apply.diagnostics),
        summaries(&at_plan.diagnostics)
    );
    assert_eq!(
        summaries(&at_apply.diagnostics)[0].0,
        "Managed node pools needs ACK Pro"
    );
    let kept = msgpack::decode(&at_apply.new_state.unwrap().msgpack, &ty).unwrap();
    assert_eq!(kept, pool.state, "a refused update keeps the prior state");
    let gone = b.delete(t, &pool).await;
    assert_clean(&gone.diagnostics, "delete the pool");

    // A pool deleted without a plan leaves the plan registry: the next pool's
    // plan on the same standard cluster counts only pools that exist.
    let big = |name: &str| {
        json!({"cluster_name": "bridge-std", "name": name,
               "instance_types": ["ecs.g7.xlarge"], "desired_size": 60})
    };
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
    assert_eq!(
        summaries(&refused.diagnostics),
        summaries(&destroy_plan.diagnostics)
    );
    assert_eq!(
        summaries(&refused.diagnostics)[0].0,
        "Cluster has deletion protection"
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
