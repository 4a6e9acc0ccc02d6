//! `ack_scheduler_profile`: the cluster's kube-scheduler configuration,
//! through the scheduler addon (ModifyClusterAddon). Professional features
//! need ACK Pro; `cgpu_edition = "basic"` works on standard. Destroying the
//! resource restores the defaults.
//!
//! Order: model, schema, plan, create, read, update, delete, import,
//! helpers, tests.

use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use ack_api::edition::Feature;
use ack_api::model::{SchedulerConfig, ScorePlugin};
use ack_client::{Client, Error as ApiError};
use async_trait::async_trait;
use serde::de::IgnoredAny;
use serde::{Deserialize, Serialize};
use tfplugin::framework::*;
use tfplugin::modifiers::UseStateForUnknown;
use tfplugin::validators::{IntBetween, LengthBetween, OneOf};
use tfplugin::{
    Attribute, AttributePath, Block, Diagnostic, Diagnostics, Nesting, Schema, Type, Value,
};
use tokio_util::sync::CancellationToken;

use crate::common::{self, api_diag, Op, Timeouts};
use crate::provider::Shared;
use crate::resources::dependent;

pub struct SchedulerProfileResource {
    pub shared: Arc<Shared>,
}

const TIMEOUT: Duration = Duration::from_secs(10 * 60);

/// What each boolean switch does, for its description; the feature each
/// needs is the catalog's ([`ack_api::scheduler::SWITCHES`]), in this order.
const SWITCH_DOCS: [(&str, &str); 4] = [
    (
        "gang_scheduling",
        "Gang scheduling: all pods of a group start together or not at all.",
    ),
    (
        "topology_aware_cpu",
        "Topology-aware CPU scheduling (CPU pinning by NUMA topology).",
    ),
    ("topology_aware_gpu", "Topology-aware GPU scheduling."),
    ("npu_scheduling", "NPU scheduling."),
];

/// `ack_scheduler_profile` as applied and stored (wholly known).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
struct Model {
    id: Option<String>,
    cluster_name: Option<String>,
    #[serde(flatten)]
    switches: Switches,
    score_plugins: Option<Vec<Plugin>>,
    cluster_id: Option<String>,
    timeouts: Option<Timeouts>,
}

/// The feature switches; also what the plan-time checks read of a plan,
/// where any of them may be unknown (`None`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
struct Switches {
    gang_scheduling: Option<bool>,
    topology_aware_cpu: Option<bool>,
    topology_aware_gpu: Option<bool>,
    npu_scheduling: Option<bool>,
    cgpu_edition: Option<String>,
}

/// The plan-time view: the switches, and whether score plugins are set
/// (their values may be unknown).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct PlanView {
    #[serde(flatten)]
    switches: Switches,
    score_plugins: Option<Vec<IgnoredAny>>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct Plugin {
    name: String,
    weight: u32,
}

impl Model {
    fn read(v: &Value) -> Result<Model, Diagnostic> {
        common::model(v, "scheduler profile")
    }

    fn value(&self) -> Result<Value, Diagnostic> {
        static TY: OnceLock<Type> = OnceLock::new();
        let ty = TY.get_or_init(|| schema().ty());
        common::state(self, ty, "scheduler profile")
    }

    /// The addon configuration for this plan.
    fn config(&self) -> SchedulerConfig {
        let s = &self.switches;
        let on = |b: Option<bool>| b.unwrap_or(false);
        SchedulerConfig {
            gang_scheduling: on(s.gang_scheduling),
            topology_aware_cpu: on(s.topology_aware_cpu),
            topology_aware_gpu: on(s.topology_aware_gpu),
            npu_scheduling: on(s.npu_scheduling),
            cgpu_edition: s.cgpu_edition.clone().unwrap_or_else(|| "none".into()),
            score_plugin_weights: self
                .score_plugins
                .iter()
                .flatten()
                .map(|p| ScorePlugin {
                    plugin: p.name.clone(),
                    weight: p.weight,
                })
                .collect(),
        }
    }

    /// The state for `cfg`; `prior` gives the timeouts and whether an empty
    /// plugin list was written.
    fn from_api(
        cluster_id: &str,
        cluster_name: &str,
        cfg: &SchedulerConfig,
        prior: &Model,
    ) -> Model {
        let plugins = cfg.score_plugin_weights.iter().map(|p| Plugin {
            name: p.plugin.clone(),
            weight: p.weight,
        });
        let set = !cfg.score_plugin_weights.is_empty() || prior.score_plugins.is_some();
        Model {
            id: Some(cluster_id.to_owned()),
            cluster_name: Some(cluster_name.to_owned()),
            switches: Switches {
                gang_scheduling: Some(cfg.gang_scheduling),
                topology_aware_cpu: Some(cfg.topology_aware_cpu),
                topology_aware_gpu: Some(cfg.topology_aware_gpu),
                npu_scheduling: Some(cfg.npu_scheduling),
                cgpu_edition: Some(cfg.cgpu_edition.clone()),
            },
            score_plugins: set.then(|| plugins.collect()),
            cluster_id: Some(cluster_id.to_owned()),
            timeouts: prior.timeouts.clone(),
        }
    }
}

/// The features a profile asks for, with the attribute that asks;
/// `plugins`: whether score plugins are set.
fn wanted<T>(s: &Switches, plugins: Option<&Vec<T>>) -> Vec<(Feature, AttributePath)> {
    let on = [
        s.gang_scheduling,
        s.topology_aware_cpu,
        s.topology_aware_gpu,
        s.npu_scheduling,
    ];
    let ask = ack_api::scheduler::Ask {
        switches: on.map(|o| o == Some(true)),
        cgpu_edition: s.cgpu_edition.as_deref(),
        score_plugins: plugins.is_some_and(|p| !p.is_empty()),
    };
    ask.features()
        .into_iter()
        .map(|(f, attr)| (f, AttributePath::attr(attr)))
        .collect()
}

/// The addon's configuration as the service stores it: empty means the
/// service's defaults (`cgpuEdition` `none`, everything off); anything else
/// must be the JSON the addon takes.
fn scheduler_config(config: &str) -> Result<SchedulerConfig, serde_json::Error> {
    let config = if config.trim().is_empty() {
        "{}"
    } else {
        config
    };
    serde_json::from_str(config)
}

/// An addon configuration that cannot be read: the refresh keeps what the
/// state says and warns, so that the next apply can overwrite it.
fn unreadable_config(e: &serde_json::Error) -> Diagnostic {
    Diagnostic::warning(
        "Unreadable scheduler configuration",
        format!(
            "The cluster's kube-scheduler addon configuration is not the JSON this provider expects ({e}); the state keeps the profile it had. Apply the configuration to overwrite the addon's, or check the addon in the console."
        ),
    )
}

fn schema() -> Schema {
    let mut block = Block::new()
        .description("kube-scheduler configuration of a cluster, through the scheduler addon. Gang, topology-aware and NPU scheduling, score plugins and professional cGPU need ACK Pro and are refused at plan time on `standard`; `cgpu_edition = \"basic\"` works on both. Everything changes in place; destroying the resource restores the defaults.")
        .attribute(Attribute::string("id").computed().description("The cluster ID; the import ID.").plan_modifier(UseStateForUnknown))
        .attribute(Attribute::string("cluster_name").required().description("Name of the cluster, usually `ack_cluster.<name>.name`. Pointing it at another cluster replaces the resource.").validator(crate::validation::cluster_reference()));
    for (name, what) in SWITCH_DOCS {
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
                .description("Custom score plugin weights (multiple scoring algorithms; ACK Pro only), each plugin at most once.")
                .validator(crate::validation::DistinctScorePlugins),
            )
            .attribute(Attribute::string("cluster_id").computed().description("ID of the cluster."))
            .block(common::timeouts_block("10m", "10m", "10m")),
    )
}

#[async_trait]
impl Resource for SchedulerProfileResource {
    fn type_name(&self) -> String {
        "ack_scheduler_profile".into()
    }

    fn schema(&self) -> Schema {
        schema()
    }

    async fn modify_plan(&self, req: &ModifyPlanRequest, resp: &mut ModifyPlanResponse) {
        let Some(cluster) = dependent::plan_feature(&self.shared, req, resp).await else {
            return;
        };
        let plan = match common::model::<PlanView>(&resp.plan, "scheduler profile") {
            Ok(p) => p,
            Err(d) => return resp.diagnostics.push(d),
        };
        for (feature, attr) in wanted(&plan.switches, plan.score_plugins.as_ref()) {
            dependent::require(resp, &cluster, feature, attr);
        }
    }

    async fn create(&self, req: CreateRequest) -> ApplyResponse {
        self.apply(&req.ctx.cancel, &req.plan, req.private)
            .await
            .or_respond(ApplyResponse::default)
    }

    async fn read(&self, req: ReadRequest) -> ReadResponse {
        let refreshed = self.read_profile(&req).await;
        refreshed.or_respond(|| ReadResponse::unchanged(req))
    }

    async fn update(&self, req: UpdateRequest) -> ApplyResponse {
        self.apply(&req.ctx.cancel, &req.plan, req.private)
            .await
            .or_respond(ApplyResponse::default)
    }

    async fn delete(&self, req: DeleteRequest) -> Diagnostics {
        self.delete_profile(req).await.err().unwrap_or_default()
    }

    async fn import(&self, req: ImportRequest) -> ImportResponse {
        dependent::import_by_cluster_id(&req.id, "ack_scheduler_profile")
    }
}

impl SchedulerProfileResource {
    async fn read_profile(&self, req: &ReadRequest) -> Result<ReadResponse, Diagnostics> {
        let client = common::client(&self.shared)?;
        let state = Model::read(&req.state)?;
        let cancel = &req.ctx.cancel;
        let (id, cluster) = dependent::refresh_cluster(
            client,
            state.cluster_id.as_ref(),
            state.id.as_ref(),
            cancel,
        )
        .await?;
        let Some(cluster) = cluster else {
            return Ok(ReadResponse::gone(req.private.clone()));
        };
        let id = id.as_str();
        match client.scheduler(id, cancel).await {
            Ok(inst) => {
                let cfg = match scheduler_config(&inst.config) {
                    Ok(cfg) => cfg,
                    Err(e) => {
                        return Ok(ReadResponse::found(req.state.clone(), req.private.clone())
                            .with_error(unreadable_config(&e)))
                    }
                };
                let name = state.cluster_name.as_ref().unwrap_or(&cluster.name);
                let now = Model::from_api(id, name, &cfg, &state).value()?;
                Ok(ReadResponse::found(now, req.private.clone()))
            }
            Err(e) if e.is_not_found() => Ok(ReadResponse::gone(req.private.clone())),
            Err(e) => Err(api_diag("read the scheduler configuration", &e).into()),
        }
    }

    async fn delete_profile(&self, req: DeleteRequest) -> Result<(), Diagnostics> {
        let client = common::client(&self.shared)?;
        let state = Model::read(&req.state)?;
        let id = state.cluster_id.as_deref().unwrap_or_default();
        let timeout = common::timeout(&state.timeouts, Op::Delete, TIMEOUT);
        let client = client.until(timeout);
        let defaults = SchedulerConfig {
            cgpu_edition: "none".into(),
            ..Default::default()
        };
        match configure(&client, id, &defaults, timeout, &req.ctx.cancel).await {
            Ok(()) => Ok(()),
            Err(e) if e.is_not_found() => Ok(()),
            Err(e) => Err(api_diag("restore the default scheduler configuration", &e).into()),
        }
    }

    // ------------------------------------------------------------- helpers

    /// Create and update: the whole configuration.
    async fn apply(
        &self,
        cancel: &CancellationToken,
        plan: &Value,
        private: Private,
    ) -> Result<ApplyResponse, Diagnostics> {
        let client = common::client(&self.shared)?;
        let plan = Model::read(plan)?;
        // Create and update alike use the `create` timeout.
        let timeout = common::timeout(&plan.timeouts, Op::Create, TIMEOUT);
        let client = client.until(timeout);
        let name = plan.cluster_name.as_deref().unwrap_or_default();
        let cluster = dependent::running_cluster(&client, name, timeout, cancel).await?;
        let asked = wanted(&plan.switches, plan.score_plugins.as_ref());
        dependent::require_at_apply(&cluster, &asked)?;
        let cfg = plan.config();
        let id = &cluster.cluster_id;
        configure(&client, id, &cfg, timeout, cancel)
            .await
            .map_err(|e| api_diag("configure kube-scheduler", &e))?;
        let state = Model::from_api(id, name, &cfg, &plan).value()?;
        Ok(ApplyResponse::ok(state, private))
    }
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
                None,
            ));
        }
        pause(delay).await?;
        delay = (delay * 2).min(Duration::from_secs(5));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_addon_configuration_is_the_services_defaults() {
        let defaults = scheduler_config(" ").unwrap();
        assert_eq!(defaults.cgpu_edition, "none");
        assert!(!defaults.gang_scheduling);
        assert!(
            scheduler_config(r#"{"gangScheduling":true}"#)
                .unwrap()
                .gang_scheduling
        );
        let e = scheduler_config("{not json").unwrap_err();
        let d = unreadable_config(&e);
        assert!(
            format!("{d:?}").contains("Unreadable scheduler configuration"),
            "{d:?}"
        );
    }

    #[test]
    fn switch_docs_follow_the_catalog_table() {
        let names = ack_api::scheduler::SWITCHES.map(|(name, _)| name);
        assert_eq!(SWITCH_DOCS.map(|(name, _)| name), names);
    }

    #[test]
    fn schema_is_valid_and_config_round_trips() {
        assert_eq!(
            tfplugin::schema::check_schema(&schema().block),
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
        let state = Model::from_api("c", "n", &cfg, &Model::default())
            .value()
            .unwrap();
        assert_eq!(Model::read(&state).unwrap().config(), cfg);
    }

    /// Score plugins whose values are not known yet still ask for ACK Pro.
    #[test]
    fn unknown_plugins_are_wanted() {
        let plan = Value::object([
            ("gang_scheduling", Value::unknown()),
            ("score_plugins", Value::List(vec![Value::unknown()])),
        ]);
        let v: PlanView = common::model(&plan, "scheduler profile").unwrap();
        let asked = wanted(&v.switches, v.score_plugins.as_ref());
        assert_eq!(asked.len(), 1);
        assert_eq!(asked[0].0, Feature::MultipleScoringAlgorithms);
    }
}
