//! `ack_scheduler_profile`: the cluster's kube-scheduler configuration,
//! through the scheduler addon (ModifyClusterAddon). Professional features
//! need ACK Pro; `cgpu_edition = "basic"` works on standard. Destroying the
//! resource restores the defaults.
//!
//! Order: schema, plan, create, read, update, delete, import, helpers, tests.

use std::sync::Arc;
use std::time::{Duration, Instant};

use ack_api::edition::Feature;
use ack_api::model::{SchedulerConfig, ScorePlugin};
use ack_client::{Client, Error as ApiError};
use async_trait::async_trait;
use tfplugin::framework::*;
use tfplugin::modifiers::UseStateForUnknown;
use tfplugin::validators::{IntBetween, LengthBetween, OneOf};
use tfplugin::{Attribute, AttributePath, Block, Diagnostics, Nesting, Schema, Value};
use tokio_util::sync::CancellationToken;

use crate::common::{self, api_diag, str_attr};
use crate::provider::Shared;
use crate::resources::dependent;

pub struct SchedulerProfileResource {
    pub shared: Arc<Shared>,
}

const TIMEOUT: Duration = Duration::from_secs(10 * 60);

/// Boolean switches and the feature each needs.
const SWITCHES: [(&str, Feature, &str); 4] = [
    (
        "gang_scheduling",
        Feature::GangScheduling,
        "Gang scheduling: all pods of a group start together or not at all.",
    ),
    (
        "topology_aware_cpu",
        Feature::TopologyAwareCpu,
        "Topology-aware CPU scheduling (CPU pinning by NUMA topology).",
    ),
    (
        "topology_aware_gpu",
        Feature::TopologyAwareGpu,
        "Topology-aware GPU scheduling.",
    ),
    ("npu_scheduling", Feature::NpuScheduling, "NPU scheduling."),
];

#[async_trait]
impl Resource for SchedulerProfileResource {
    fn type_name(&self) -> String {
        "ack_scheduler_profile".into()
    }

    fn schema(&self) -> Schema {
        let mut block = Block::new()
            .description("kube-scheduler configuration of a cluster, through the scheduler addon. Gang, topology-aware and NPU scheduling, score plugins and professional cGPU need ACK Pro and are refused at plan time on `standard`; `cgpu_edition = \"basic\"` works on both. Everything changes in place; destroying the resource restores the defaults.")
            .attribute(Attribute::string("id").computed().description("The cluster ID; the import ID.").plan_modifier(UseStateForUnknown))
            .attribute(Attribute::string("cluster_name").required().description("Name of the cluster, usually `ack_cluster.<name>.name`. Pointing it at another cluster replaces the resource.").validator(crate::validation::cluster_reference()));
        for (name, _, what) in SWITCHES {
            block = block.attribute(
                Attribute::bool(name)
                    .default_value(false)
                    .description(format!("{what} ACK Pro only. Default `false`.")),
            );
        }
        Schema::new(
            block
                .attribute(
                    Attribute::string("cgpu_edition")
                        .default_value("none")
                        .description("GPU sharing (cGPU): `none`, `basic` (both editions) or `professional` (ACK Pro only). Default `none`.")
                        .validator(OneOf::new(["none", "basic", "professional"])),
                )
                .attribute(
                    Attribute::nested(
                        "score_plugins",
                        Nesting::List,
                        vec![
                            Attribute::string("name").required().description("Scheduler score plugin, e.g. `NodeResourcesBalancedAllocation`.").validator(LengthBetween(1, 128)),
                            Attribute::number("weight").required().description("Weight, 1-100000.").validator(IntBetween(1, 100_000)),
                        ],
                    )
                    .optional()
                    .description("Custom score plugin weights (multiple scoring algorithms; ACK Pro only)."),
                )
                .attribute(Attribute::string("cluster_id").computed().description("ID of the cluster."))
                .block(common::timeouts_block("10m", "10m", "10m")),
        )
    }

    async fn modify_plan(&self, req: &ModifyPlanRequest, resp: &mut ModifyPlanResponse) {
        let Some(cluster) = dependent::plan_feature(&self.shared, req, resp).await else {
            return;
        };
        for (feature, attr) in wanted(&resp.plan) {
            dependent::require(resp, &cluster, feature, attr);
        }
    }

    async fn create(&self, req: CreateRequest) -> ApplyResponse {
        self.apply(&req.ctx.cancel, &req.plan, req.private).await
    }

    async fn read(&self, req: ReadRequest) -> ReadResponse {
        let client = match common::client(&self.shared) {
            Ok(c) => c,
            Err(d) => {
                return ReadResponse {
                    state: req.state,
                    private: req.private,
                    diagnostics: d.into(),
                }
            }
        };
        let id = str_attr(&req.state, "cluster_id")
            .or(str_attr(&req.state, "id"))
            .unwrap_or_default()
            .to_owned();
        let cancel = &req.ctx.cancel;
        let cluster = match client.describe_cluster(&id, cancel).await {
            Ok(Some(c)) => c,
            Ok(None) => {
                return ReadResponse {
                    state: Value::Null,
                    private: req.private,
                    diagnostics: Diagnostics::new(),
                }
            }
            Err(e) => {
                return ReadResponse {
                    state: req.state,
                    private: req.private,
                    diagnostics: api_diag("read the cluster", &e).into(),
                }
            }
        };
        match client.scheduler(&id, cancel).await {
            Ok(inst) => {
                let cfg: SchedulerConfig = serde_json::from_str(&inst.config).unwrap_or_default();
                let name = str_attr(&req.state, "cluster_name")
                    .map_or(cluster.name.clone(), str::to_owned);
                ReadResponse {
                    state: state(&id, &name, &cfg, &req.state),
                    private: req.private,
                    diagnostics: Diagnostics::new(),
                }
            }
            Err(e) if e.is_not_found() => ReadResponse {
                state: Value::Null,
                private: req.private,
                diagnostics: Diagnostics::new(),
            },
            Err(e) => ReadResponse {
                state: req.state,
                private: req.private,
                diagnostics: api_diag("read the scheduler configuration", &e).into(),
            },
        }
    }

    async fn update(&self, req: UpdateRequest) -> ApplyResponse {
        self.apply(&req.ctx.cancel, &req.plan, req.private).await
    }

    async fn delete(&self, req: DeleteRequest) -> Diagnostics {
        let client = match common::client(&self.shared) {
            Ok(c) => c,
            Err(d) => return d.into(),
        };
        let id = str_attr(&req.state, "cluster_id").unwrap_or_default();
        let timeout = common::timeout(&req.state, "delete", TIMEOUT);
        let bounded = client.until(timeout);
        let client = &bounded;
        let defaults = SchedulerConfig {
            cgpu_edition: "none".into(),
            ..Default::default()
        };
        match configure(client, id, &defaults, timeout, &req.ctx.cancel).await {
            Ok(()) => Diagnostics::new(),
            Err(e) if e.is_not_found() => Diagnostics::new(),
            Err(e) => api_diag("restore the default scheduler configuration", &e).into(),
        }
    }

    async fn import(&self, req: ImportRequest) -> ImportResponse {
        dependent::import_by_cluster_id(&req.id, "ack_scheduler_profile")
    }
}

// ------------------------------------------------------------------ helpers

impl SchedulerProfileResource {
    async fn apply(
        &self,
        cancel: &CancellationToken,
        plan: &Value,
        private: Private,
    ) -> ApplyResponse {
        let client = match common::client(&self.shared) {
            Ok(c) => c,
            Err(d) => return ApplyResponse::error(d),
        };
        let timeout = common::timeout(plan, "create", TIMEOUT);
        let bounded = client.until(timeout);
        let client = &bounded;
        let name = str_attr(plan, "cluster_name").unwrap_or_default();
        let cluster = match dependent::running_cluster(client, name, timeout, cancel).await {
            Ok(c) => c,
            Err(d) => return ApplyResponse::error(d),
        };
        if let Err(diagnostics) = dependent::require_at_apply(&cluster, &wanted(plan)) {
            return ApplyResponse {
                diagnostics,
                ..Default::default()
            };
        }
        let cfg = config(plan);
        match configure(client, &cluster.cluster_id, &cfg, timeout, cancel).await {
            Ok(()) => ApplyResponse::ok(state(&cluster.cluster_id, name, &cfg, plan), private),
            Err(e) => ApplyResponse::error(api_diag("configure kube-scheduler", &e)),
        }
    }
}

/// The features a planned profile asks for, with the attribute that asks.
fn wanted(plan: &Value) -> Vec<(Feature, AttributePath)> {
    let mut out: Vec<(Feature, AttributePath)> = SWITCHES
        .iter()
        .filter(|(attr, _, _)| plan.get(attr).and_then(Value::as_bool) == Some(true))
        .map(|(attr, feature, _)| (*feature, AttributePath::attr(*attr)))
        .collect();
    if str_attr(plan, "cgpu_edition") == Some("professional") {
        out.push((
            Feature::ProfessionalCgpu,
            AttributePath::attr("cgpu_edition"),
        ));
    }
    if plan
        .get("score_plugins")
        .and_then(Value::as_elements)
        .is_some_and(|p| !p.is_empty())
    {
        out.push((
            Feature::MultipleScoringAlgorithms,
            AttributePath::attr("score_plugins"),
        ));
    }
    out
}

/// ModifyClusterAddon (retried while the addon or cluster is busy), then
/// wait until the addon is active again.
async fn configure(
    client: &Client,
    id: &str,
    cfg: &SchedulerConfig,
    timeout: Duration,
    cancel: &CancellationToken,
) -> Result<(), ApiError> {
    let json = serde_json::to_string(cfg).map_err(|e| ApiError::Failed(e.to_string()))?;
    let start = Instant::now();
    let mut delay = Duration::from_millis(50);
    let pause = |delay: Duration| async move {
        tokio::select! {
            () = tokio::time::sleep(delay) => Ok(()),
            () = cancel.cancelled() => Err(ApiError::Cancelled),
        }
    };
    loop {
        match client.set_scheduler(id, &json, cancel).await {
            Ok(()) => break,
            Err(e)
                if matches!(e.code(), Some("ErrorAddonState" | "ErrorClusterState"))
                    && start.elapsed() < timeout =>
            {
                pause(delay).await?;
                delay = (delay * 2).min(Duration::from_secs(5));
            }
            Err(e) => return Err(e),
        }
    }
    delay = Duration::from_millis(50);
    while client.scheduler(id, cancel).await?.state != "active" {
        if start.elapsed() > timeout {
            return Err(ApiError::Timeout(
                timeout,
                "the scheduler addon to apply the configuration".into(),
            ));
        }
        pause(delay).await?;
        delay = (delay * 2).min(Duration::from_secs(5));
    }
    Ok(())
}

fn config(plan: &Value) -> SchedulerConfig {
    let flag = |n: &str| plan.get(n).and_then(Value::as_bool).unwrap_or(false);
    SchedulerConfig {
        gang_scheduling: flag("gang_scheduling"),
        topology_aware_cpu: flag("topology_aware_cpu"),
        topology_aware_gpu: flag("topology_aware_gpu"),
        npu_scheduling: flag("npu_scheduling"),
        cgpu_edition: str_attr(plan, "cgpu_edition").unwrap_or("none").into(),
        score_plugin_weights: plan
            .get("score_plugins")
            .and_then(Value::as_elements)
            .map(|ps| {
                ps.iter()
                    .map(|p| ScorePlugin {
                        plugin: str_attr(p, "name").unwrap_or_default().into(),
                        weight: p
                            .get("weight")
                            .and_then(Value::as_i64)
                            .and_then(|w| u32::try_from(w).ok())
                            .unwrap_or(1),
                    })
                    .collect()
            })
            .unwrap_or_default(),
    }
}

fn state(cluster_id: &str, cluster_name: &str, cfg: &SchedulerConfig, prior: &Value) -> Value {
    let plugins = if cfg.score_plugin_weights.is_empty()
        && prior.get("score_plugins").is_none_or(Value::is_null)
    {
        Value::Null
    } else {
        Value::List(
            cfg.score_plugin_weights
                .iter()
                .map(|p| {
                    Value::object([
                        ("name", Value::from(p.plugin.as_str())),
                        ("weight", Value::from(i64::from(p.weight))),
                    ])
                })
                .collect(),
        )
    };
    Value::object([
        ("id", Value::from(cluster_id)),
        ("cluster_name", Value::from(cluster_name)),
        ("gang_scheduling", Value::from(cfg.gang_scheduling)),
        ("topology_aware_cpu", Value::from(cfg.topology_aware_cpu)),
        ("topology_aware_gpu", Value::from(cfg.topology_aware_gpu)),
        ("npu_scheduling", Value::from(cfg.npu_scheduling)),
        ("cgpu_edition", Value::from(cfg.cgpu_edition.as_str())),
        ("score_plugins", plugins),
        ("cluster_id", Value::from(cluster_id)),
        (
            "timeouts",
            prior.get("timeouts").cloned().unwrap_or_default(),
        ),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_is_valid_and_config_round_trips() {
        let r = SchedulerProfileResource {
            shared: Arc::default(),
        };
        assert_eq!(
            tfplugin::schema::check_schema(&r.schema().block),
            Vec::<String>::new()
        );
        let cfg = SchedulerConfig {
            gang_scheduling: true,
            cgpu_edition: "basic".into(),
            score_plugin_weights: vec![ScorePlugin {
                plugin: "NodeAffinity".into(),
                weight: 3,
            }],
            ..Default::default()
        };
        assert_eq!(config(&state("c", "n", &cfg, &Value::Null)), cfg);
    }
}
