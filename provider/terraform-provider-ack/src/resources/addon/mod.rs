//! `ack_addon`: one addon of one cluster (storage CSI, logging, ingress
//! controllers, the autoscaler, monitoring, …): install
//! (InstallClusterAddons), configure in place (ModifyClusterAddon), upgrade
//! in place (UpgradeClusterAddons), uninstall (UnInstallClusterAddons with
//! the cleanup option), read back (DescribeClusterAddonInstance). A keyed
//! cluster feature: the shape (plan, apply, refresh, import) is
//! [`super::feature`]'s; the ID and import ID are `<cluster_id>:<name>`.

mod config;
mod plan;

use std::time::Duration;

use ack_api::addons;
use ack_api::edition::Feature;
use ack_api::model::{InstallAddon, UninstallAddon, UpgradeAddon};
use ack_client::Error as ApiError;
use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use tfplugin::modifiers::{RequiresReplace, UseStateForUnknown};
use tfplugin::validators::{Check, LengthBetween};
use tfplugin::{Attribute, AttributePath, Diagnostic, Diagnostics, Value};

use super::feature::{plan_view, Call, ClusterFeature, PlanContext, ReadError};

/// The addon as configured and stored.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    name: Option<String>,
    version: Option<String>,
    /// As written (two spellings of one configuration are one value).
    config: Option<String>,
    cleanup_cloud_resources: Option<bool>,
}

impl Settings {
    fn name(&self) -> &str {
        self.name.as_deref().unwrap_or_default()
    }

    /// The configuration in normal form (`{}` when unset).
    fn normal_config(&self) -> Result<String, ApiError> {
        addons::normalise_config(self.config.as_deref().unwrap_or_default())
            .map_err(|e| ApiError::Failed(format!("config: {e}")))
    }
}

pub struct Addon;

#[async_trait]
impl ClusterFeature for Addon {
    type Settings = Settings;
    const TYPE_NAME: &'static str = "ack_addon";
    const WHAT: &'static str = "the addon";
    const TIMEOUT: Duration = Duration::from_secs(20 * 60);
    const KEYED: bool = true;

    fn description() -> String {
        "One addon (component) of a cluster: storage CSI, logging, ingress controllers, the autoscaler, monitoring, \
         security inspection, … Installing, reconfiguring (`config`, in place through ModifyClusterAddon), upgrading \
         (`version`, in place through UpgradeClusterAddons) and uninstalling each plan as what they are. An addon \
         that needs ACK Pro (as the edition catalog says), an unknown addon, a version the cluster cannot run or a \
         downgrade is refused at plan time. `kube-scheduler` is configured by `ack_scheduler_profile`, not here; \
         addons the platform owns (the network plugin) can be managed but not removed. Import as \
         `<cluster_id>:<addon_name>`."
            .into()
    }

    fn attributes() -> Vec<Attribute> {
        vec![
            Attribute::string("name")
                .required()
                .description("Name of the addon, e.g. `csi-plugin`, `logtail-ds`, `nginx-ingress-controller`, `cluster-autoscaler`, `arms-prometheus`. Changing it replaces the resource.")
                .validator(LengthBetween(1, 128))
                .plan_modifier(RequiresReplace),
            Attribute::string("version")
                .optional()
                .computed()
                .description("Version of the addon. Unset: the newest the cluster supports, known at plan time for an existing cluster (later releases are not installed until you set a version). Raising it upgrades in place; lowering it is refused.")
                .plan_modifier(UseStateForUnknown),
            Attribute::string("config")
                .optional()
                .computed()
                .description("The addon's configuration as a JSON object string, e.g. `jsonencode({ IngressSlbNetworkType = \"intranet\" })`; checked against the addon's config schema at plan time. Key order and whitespace never plan a diff. A change is applied in place. Unset: the addon's defaults.")
                .validator(Check::new("A JSON object.", |v: &Value| {
                    addons::normalise_config(v.as_str().unwrap_or_default()).map(|_| ()).map_err(|e| e.to_string())
                }))
                .plan_modifier(UseStateForUnknown),
            Attribute::bool("cleanup_cloud_resources")
                .optional()
                .description("On destroy, also delete the cloud resources the addon created (load balancers, log projects, …). Default `false`. Changing it sends nothing."),
        ]
    }

    fn key(settings: &Settings) -> Option<String> {
        settings.name.clone()
    }

    fn moved(req: tfplugin::MoveStateRequest) -> Option<tfplugin::MoveStateResponse> {
        Some(crate::moved::addon::accept(req))
    }

    fn import(id: &str) -> Result<Value, Diagnostic> {
        let (cluster, name) = id.trim().split_once(':').unwrap_or((id.trim(), ""));
        let cluster = super::dependent::import_cluster_id(cluster, Self::TYPE_NAME)?;
        if name.is_empty() {
            return Err(Diagnostic::error(
                "Invalid import ID",
                format!("{id:?} is not `<cluster_id>:<addon_name>`, e.g. `terraform import ack_addon.csi c82e6987e2961451182edacd74faf3d4a:csi-plugin`."),
            ));
        }
        Ok(Value::object([
            ("id", Value::from(format!("{cluster}:{name}"))),
            ("cluster_id", Value::from(cluster)),
            ("name", Value::from(name)),
        ]))
    }

    fn asks(value: &Value) -> Result<Vec<(Feature, AttributePath)>, Diagnostic> {
        let view: plan::NameView = plan_view(value, "addon")?;
        Ok(view
            .name
            .as_deref()
            .and_then(addons::get)
            .and_then(|a| a.needs)
            .map(|f| (f, AttributePath::attr("name")))
            .into_iter()
            .collect())
    }

    async fn check_plan(ctx: &PlanContext<'_>, plan: &mut Value, diags: &mut Diagnostics) {
        plan::check(ctx, plan, diags).await;
    }

    fn check_destroy(prior: &Value) -> Option<Diagnostic> {
        plan::check_destroy(prior)
    }

    async fn read(call: &Call<'_>, prior: &Settings) -> Result<Option<Settings>, ReadError> {
        let Some(now) = call
            .client
            .addon(call.id(), prior.name(), call.cancel)
            .await?
        else {
            return Ok(None);
        };
        let config = config::read_back(&now.config, prior.config.as_deref())
            .map_err(|e| ReadError::Unreadable(config::unreadable(prior.name(), &e)))?;
        Ok(Some(Settings {
            name: Some(now.name),
            version: Some(now.version),
            config: Some(config),
            cleanup_cloud_resources: prior.cleanup_cloud_resources,
        }))
    }

    async fn apply(
        call: &Call<'_>,
        settings: &Settings,
        prior: Option<&Settings>,
    ) -> Result<Settings, ApiError> {
        let id = call.id();
        let name = settings.name();
        let config = settings.normal_config()?;
        // On create, an addon already there (installed by the platform, or
        // by a create whose answer was lost) is adopted, then changed.
        let installed = match prior {
            Some(p) => Some((p.version.clone().unwrap_or_default(), p.normal_config()?)),
            None => call.client.addon(id, name, call.cancel).await?.map(|a| {
                (
                    a.version,
                    addons::normalise_config(&a.config).unwrap_or_default(),
                )
            }),
        };
        let now = match installed {
            None => {
                let req = InstallAddon {
                    name: name.to_owned(),
                    version: settings.version.clone().unwrap_or_default(),
                    config: if settings.config.is_some() {
                        config.clone()
                    } else {
                        String::new()
                    },
                };
                call.client
                    .install_addon(id, &req, call.timeout, call.cancel)
                    .await?
            }
            Some((version, was)) => {
                let wanted = settings
                    .version
                    .clone()
                    .filter(|v| !v.is_empty() && *v != version);
                let reconfigure = settings.config.is_some() && was != config;
                if let Some(next) = wanted {
                    let req = UpgradeAddon {
                        component_name: name.to_owned(),
                        next_version: next,
                        version,
                        config: if reconfigure {
                            config.clone()
                        } else {
                            String::new()
                        },
                        policy: "overwrite".into(),
                    };
                    call.client
                        .upgrade_addon(id, &req, call.timeout, call.cancel)
                        .await?
                } else if reconfigure {
                    call.client
                        .configure_addon(id, name, &config, call.timeout, call.cancel)
                        .await?
                } else {
                    match call.client.addon(id, name, call.cancel).await? {
                        Some(a) => a,
                        None => {
                            return Err(ApiError::Failed(format!(
                                "the addon {name} is not installed"
                            )))
                        }
                    }
                }
            }
        };
        let config = match &settings.config {
            Some(c) => c.clone(),
            None => addons::normalise_config(&now.config).unwrap_or_else(|_| now.config.clone()),
        };
        Ok(Settings {
            name: Some(now.name),
            version: Some(now.version),
            config: Some(config),
            cleanup_cloud_resources: settings.cleanup_cloud_resources,
        })
    }

    async fn reset(call: &Call<'_, str>, settings: &Settings) -> Result<(), ApiError> {
        // The platform's own addons stay (the plan warned).
        if addons::get(settings.name()).is_some_and(|a| a.platform_owned) {
            return Ok(());
        }
        let req = UninstallAddon {
            name: settings.name().to_owned(),
            cleanup_cloud_resources: settings.cleanup_cloud_resources.unwrap_or(false),
        };
        call.client
            .uninstall_addon(call.id(), &req, call.timeout, call.cancel)
            .await
    }
}

#[cfg(test)]
mod tests;
