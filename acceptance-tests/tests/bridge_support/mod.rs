//! The bridge's side of the protocol for `bridge.rs`: the provider binary in
//! debug mode dialled like a reattached provider, and the calls the bridge
//! makes, each as the bridge's source makes it (see `bridge.rs`).

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

pub type Client = pb::provider_client::ProviderClient<Channel>;

/// The provider binary in debug mode, dialled like a reattached provider.
pub struct Bridge {
    pub child: Child,
    pub client: Client,
    pub schemas: BTreeMap<String, Schema>,
}

impl Drop for Bridge {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// What a resource holds between calls, as the bridge stores it.
#[derive(Clone, Debug)]
pub struct Stored {
    pub state: Value,
    pub private: Vec<u8>,
}

pub fn dv(v: &Value, ty: &Type) -> Option<pb::DynamicValue> {
    Some(pb::DynamicValue {
        msgpack: msgpack::encode(v, ty).unwrap(),
        json: vec![],
    })
}

pub fn errors(d: &[pb::Diagnostic]) -> Vec<&pb::Diagnostic> {
    d.iter()
        .filter(|x| x.severity == pb::diagnostic::Severity::Error as i32)
        .collect()
}

#[track_caller]
pub fn assert_clean(d: &[pb::Diagnostic], what: &str) {
    assert!(errors(d).is_empty(), "{what}: {d:#?}");
}

/// `pfutils.ProposedNew`: the configuration, with the prior value for every
/// computed attribute the configuration leaves null (recursing into single
/// nested attributes); blocks come from the configuration.
pub fn proposed_new(
    attrs: &[Attribute],
    blocks: &[String],
    prior: &Value,
    config: &Value,
) -> Value {
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

pub async fn connect(network: &str, addr: &str) -> Channel {
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
    pub async fn start(emu: &Emulator) -> Bridge {
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

    pub fn ty(&self, t: &str) -> Type {
        self.schemas[t].ty()
    }

    pub fn value(&self, t: &str, j: &Json) -> Value {
        tfjson::from_json(j, &self.ty(t), &AttributePath::root()).unwrap()
    }

    /// UpgradeResourceState with the state as raw JSON, as stored.
    pub async fn upgrade(&mut self, t: &str, s: &Stored) -> Stored {
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

    pub async fn plan(
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

    pub async fn apply(
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
    pub async fn create(&mut self, t: &str, config: &Json) -> Stored {
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
    pub async fn diff(&mut self, t: &str, s: &Stored, config: &Json) -> (Value, bool) {
        let up = self.upgrade(t, s).await;
        let config = self.value(t, config);
        let plan = self.plan(t, &up, &config).await;
        assert_clean(&plan.diagnostics, &format!("{t}: diff"));
        let planned = msgpack::decode(&plan.planned_state.unwrap().msgpack, &self.ty(t)).unwrap();
        (planned, !plan.requires_replace.is_empty())
    }

    /// Update: upgrade, plan, apply.
    pub async fn update(&mut self, t: &str, s: &Stored, config: &Json) -> Stored {
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
    pub async fn read(&mut self, t: &str, s: &Stored) -> Stored {
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
    pub async fn delete(&mut self, t: &str, s: &Stored) -> pb::apply_resource_change::Response {
        let null = dv(&Value::Null, &self.ty(t));
        self.apply(t, &s.state, null, &Value::Null, Vec::new())
            .await
    }
}

pub fn null_state(r: &pb::apply_resource_change::Response, ty: &Type) -> bool {
    r.new_state
        .as_ref()
        .is_none_or(|v| msgpack::decode(&v.msgpack, ty).unwrap().is_null())
}

pub fn summaries(d: &[pb::Diagnostic]) -> Vec<(String, String, String)> {
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
