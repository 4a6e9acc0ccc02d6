//! `ack_scheduler_profile`: the cluster's kube-scheduler configuration,
//! through the scheduler addon (ModifyClusterAddon). Professional features
//! need ACK Pro; `cgpu_edition = "basic"` works on standard. Destroying the
//! resource restores the defaults. A cluster feature: the shape (plan,
//! apply, refresh, import) is [`super::feature`]'s.

use std::time::Duration;

use ack_api::edition::Feature;
use ack_api::model::{SchedulerConfig, ScorePlugin};
use ack_client::Error as ApiError;
use async_trait::async_trait;
use serde::de::IgnoredAny;
use serde::{Deserialize, Serialize};
use tfplugin::validators::{IntBetween, LengthBetween, OneOf};
use tfplugin::{Attribute, AttributePath, Diagnostic, Nesting, Value};

use super::feature::{plan_view, Call, ClusterFeature, ReadError};

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

/// The profile as configured and stored.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    #[serde(flatten)]
    switches: Switches,
    score_plugins: Option<Vec<Plugin>>,
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

impl Settings {
    /// The addon configuration for these settings.
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

    /// The settings of `cfg`; `prior` tells whether an empty plugin list
    /// was written.
    fn from_api(cfg: &SchedulerConfig, prior: &Settings) -> Settings {
        let plugins = cfg.score_plugin_weights.iter().map(|p| Plugin {
            name: p.plugin.clone(),
            weight: p.weight,
        });
        let set = !cfg.score_plugin_weights.is_empty() || prior.score_plugins.is_some();
        Settings {
            switches: Switches {
                gang_scheduling: Some(cfg.gang_scheduling),
                topology_aware_cpu: Some(cfg.topology_aware_cpu),
                topology_aware_gpu: Some(cfg.topology_aware_gpu),
                npu_scheduling: Some(cfg.npu_scheduling),
                cgpu_edition: Some(cfg.cgpu_edition.clone()),
            },
            score_plugins: set.then(|| plugins.collect()),
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

pub struct Scheduler;

#[async_trait]
impl ClusterFeature for Scheduler {
    type Settings = Settings;
    const TYPE_NAME: &'static str = "ack_scheduler_profile";
    const WHAT: &'static str = "the kube-scheduler configuration";
    const TIMEOUT: Duration = Duration::from_secs(10 * 60);

    fn description() -> String {
        "kube-scheduler configuration of a cluster, through the scheduler addon. Gang, topology-aware and NPU scheduling, score plugins and professional cGPU need ACK Pro and are refused at plan time on `standard`; `cgpu_edition = \"basic\"` works on both. Everything changes in place; destroying the resource restores the defaults. The scheduler is an addon the platform owns: this resource is how it is configured, and `ack_addon` refuses `kube-scheduler` so that one configuration has one owner.".into()
    }

    fn attributes() -> Vec<Attribute> {
        let mut attrs: Vec<Attribute> = SWITCH_DOCS
            .iter()
            .map(|(name, what)| {
                Attribute::bool(*name)
                    .default_value(false)
                    .description(format!("{what} ACK Pro only. Default `false`."))
            })
            .collect();
        attrs.push(
            Attribute::string("cgpu_edition")
                .default_value("none")
                .description("GPU sharing (cGPU): `none`, `basic` (both editions) or `professional` (ACK Pro only). Default `none`.")
                .validator(OneOf::new(["none", "basic", "professional"])),
        );
        attrs.push(
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
        );
        attrs
    }

    fn asks(value: &Value) -> Result<Vec<(Feature, AttributePath)>, Diagnostic> {
        let plan: PlanView = plan_view(value, "scheduler profile")?;
        Ok(wanted(&plan.switches, plan.score_plugins.as_ref()))
    }

    async fn read(call: &Call<'_>, prior: &Settings) -> Result<Option<Settings>, ReadError> {
        let addon = call.client.scheduler(call.id(), call.cancel).await?;
        match scheduler_config(&addon.config) {
            Ok(cfg) => Ok(Some(Settings::from_api(&cfg, prior))),
            Err(e) => Err(ReadError::Unreadable(unreadable_config(&e))),
        }
    }

    async fn apply(
        call: &Call<'_>,
        settings: &Settings,
        _prior: Option<&Settings>,
    ) -> Result<Settings, ApiError> {
        let cfg = settings.config();
        let json = serde_json::to_string(&cfg).map_err(|e| ApiError::Failed(e.to_string()))?;
        call.client
            .configure_scheduler(call.id(), &json, call.timeout, call.cancel)
            .await?;
        Ok(Settings::from_api(&cfg, settings))
    }

    /// Destroy: the service's defaults.
    async fn reset(call: &Call<'_, str>, _settings: &Settings) -> Result<(), ApiError> {
        let defaults = SchedulerConfig {
            cgpu_edition: "none".into(),
            ..Default::default()
        };
        let json = serde_json::to_string(&defaults).map_err(|e| ApiError::Failed(e.to_string()))?;
        call.client
            .configure_scheduler(call.id(), &json, call.timeout, call.cancel)
            .await
    }
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
        let schema = super::super::feature::schema::<Scheduler>();
        assert_eq!(
            tfplugin::schema::check_schema(&schema.block),
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
        let settings = Settings::from_api(&cfg, &Settings::default());
        assert_eq!(settings.config(), cfg);
    }

    /// Score plugins whose values are not known yet still ask for ACK Pro.
    #[test]
    fn unknown_plugins_are_wanted() {
        let plan = Value::object([
            ("gang_scheduling", Value::unknown()),
            ("score_plugins", Value::List(vec![Value::unknown()])),
        ]);
        let asked = Scheduler::asks(&plan).unwrap();
        assert_eq!(asked.len(), 1);
        assert_eq!(asked[0].0, Feature::MultipleScoringAlgorithms);
    }
}
