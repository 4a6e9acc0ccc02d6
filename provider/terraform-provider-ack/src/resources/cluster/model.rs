//! The typed model of `ack_cluster` and its translations: to the API's
//! requests, and from the API's view of a cluster to the resource's state.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use ack_api::edition::{self, Edition};
use ack_api::model::{self as api, ClusterDetail, CreateClusterRequest};
use serde::de::IgnoredAny;
use serde::{Deserialize, Serialize};
use tfplugin::value::serde::Planned;
use tfplugin::{Diagnostic, Type, Value};

use crate::common::{self, at, Timeouts};

pub use super::settings::{
    default_log_project, Addon, AuditLog, ControlPlaneLogs, DeleteOption, OperationPolicy,
};

/// `ack_cluster` as configured, planned or stored (and, without
/// `timeouts`, `data "ack_cluster"`). The version and the maintenance
/// window tell unknown from null (the plan depends on which); other
/// attributes read unknown as `None`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Cluster {
    pub id: Option<String>,
    pub name: Option<String>,
    pub edition: Option<String>,
    pub kubernetes_version: Planned<String>,
    pub vpc_id: Option<String>,
    pub vswitch_ids: Option<Vec<String>>,
    pub zone_ids: Option<Vec<String>>,
    pub network_plugin: Option<String>,
    pub pod_vswitch_ids: Option<Vec<String>>,
    pub service_cidr: Option<String>,
    pub pod_cidr: Option<String>,
    pub node_cidr_mask: Option<u32>,
    pub proxy_mode: Option<String>,
    pub ip_stack: Option<String>,
    pub cluster_domain: Option<String>,
    pub security_group_id: Option<String>,
    pub is_enterprise_security_group: Option<bool>,
    pub endpoint_public_access: Option<bool>,
    pub snat_entry: Option<bool>,
    pub extra_sans: Option<Vec<String>>,
    pub resource_group_id: Option<String>,
    pub timezone: Option<String>,
    pub deletion_protection: Option<bool>,
    pub maintenance_window: Planned<MaintenanceWindow>,
    pub operation_policy: Option<OperationPolicy>,
    pub rrsa_enabled: Option<bool>,
    pub control_plane_logs: Option<ControlPlaneLogs>,
    pub audit_log: Option<AuditLog>,
    pub addons: Option<Vec<Addon>>,
    pub delete_options: Option<Vec<DeleteOption>>,
    pub tags: Option<BTreeMap<String, String>>,
    pub sla: Option<String>,
    pub sla_compensation: Option<bool>,
    pub max_nodes: Option<u32>,
    pub api_server_autoscaling: Option<bool>,
    pub etcd_disk_encryption: Option<bool>,
    pub state: Option<String>,
    pub api_server_endpoint: Option<String>,
    pub api_server_internal_endpoint: Option<String>,
    pub rrsa_issuer: Option<String>,
    pub rrsa_oidc_provider_arn: Option<String>,
    pub created_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeouts: Option<Timeouts>,
}

/// What plan-time checks read of a configuration or plan, where any value,
/// also inside lists and maps, may be unknown: the attributes the checks
/// need, each unknown-tolerant.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct ClusterPlan {
    pub name: Option<String>,
    pub edition: Option<String>,
    pub kubernetes_version: Planned<String>,
    pub maintenance_window: Planned<IgnoredAny>,
    pub vpc_id: Planned<String>,
    pub vswitch_ids: Planned<Vec<IgnoredAny>>,
    pub zone_ids: Planned<Vec<IgnoredAny>>,
    pub network_plugin: Planned<String>,
    pub pod_cidr: Planned<String>,
    pub pod_vswitch_ids: Planned<Vec<IgnoredAny>>,
    pub node_cidr_mask: Planned<u32>,
    pub service_cidr: Planned<String>,
    pub security_group_id: Planned<String>,
    pub is_enterprise_security_group: Planned<bool>,
    pub operation_policy: Planned<PolicyPlan>,
    pub addons: Planned<Vec<AddonPlan>>,
}

/// `operation_policy` at plan time.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct PolicyPlan {
    pub auto_upgrade: Option<bool>,
}

/// An addon's name at plan time.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct AddonPlan {
    pub name: Option<String>,
}

impl ClusterPlan {
    pub fn read(v: &Value) -> Result<ClusterPlan, Diagnostic> {
        common::model(v, "cluster")
    }

    /// The planned edition; `None` while unknown.
    pub fn edition(&self) -> Option<&'static Edition> {
        self.edition.as_deref().and_then(edition::by_name)
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct MaintenanceWindow {
    pub maintenance_time: Option<String>,
    pub duration: Option<String>,
    pub weekly_period: Option<String>,
}

/// The schema's type, built once.
pub fn ty() -> &'static Type {
    static TY: OnceLock<Type> = OnceLock::new();
    TY.get_or_init(|| super::schema::schema().ty())
}

impl Cluster {
    pub fn read(v: &Value) -> Result<Cluster, Diagnostic> {
        common::model(v, "cluster")
    }

    /// The resource's value (state), or the data source's for its type `ty`.
    pub fn value_of(&self, ty: &Type) -> Result<Value, Diagnostic> {
        common::state(self, ty, "cluster")
    }

    pub fn value(&self) -> Result<Value, Diagnostic> {
        self.value_of(ty())
    }

    pub fn id(&self) -> &str {
        self.id.as_deref().unwrap_or_default()
    }

    pub fn name(&self) -> &str {
        self.name.as_deref().unwrap_or_default()
    }

    /// The planned or stored edition; `None` while unknown.
    pub fn edition(&self) -> Option<&'static Edition> {
        self.edition.as_deref().and_then(edition::by_name)
    }

    /// The maintenance window as the API wants it; `None` when unset.
    pub fn maintenance_window(&self) -> Option<api::MaintenanceWindow> {
        let m = self.maintenance_window.known()?;
        let s = |v: &Option<String>| v.clone().unwrap_or_default();
        Some(api::MaintenanceWindow {
            enable: true,
            maintenance_time: s(&m.maintenance_time),
            duration: s(&m.duration),
            weekly_period: s(&m.weekly_period),
        })
    }

    /// CreateCluster's body for this plan, in `region`: everything the
    /// service requires (a VPC with vSwitches or zones, the network plugin
    /// as an addon and what it needs) and what the plan sets.
    pub fn create_request(&self, region: &str) -> CreateClusterRequest {
        let ed = self
            .edition()
            .unwrap_or(edition::get(edition::EditionId::Standard));
        let plugin = self
            .network_plugin
            .clone()
            .unwrap_or_else(|| "flannel".into());
        let mut addons = vec![api::ClusterAddon {
            name: plugin,
            config: Some(String::new()),
            ..Default::default()
        }];
        addons.extend(self.addons.iter().flatten().map(|a| api::ClusterAddon {
            name: a.name.clone().unwrap_or_default(),
            config: a.config.clone(),
            version: a.version.clone(),
            disabled: a.disabled,
        }));
        let list = |v: &Option<Vec<String>>| v.clone().unwrap_or_default();
        CreateClusterRequest {
            name: self.name().to_owned(),
            region_id: region.to_owned(),
            cluster_type: "ManagedKubernetes".into(),
            profile: Some("Default".into()),
            cluster_spec: Some(ed.cluster_spec.into()),
            kubernetes_version: self.kubernetes_version.known().cloned(),
            vpcid: self.vpc_id.clone(),
            vswitch_ids: list(&self.vswitch_ids),
            zone_ids: list(&self.zone_ids),
            pod_vswitch_ids: list(&self.pod_vswitch_ids),
            container_cidr: self.pod_cidr.clone(),
            service_cidr: self.service_cidr.clone(),
            node_cidr_mask: self.node_cidr_mask,
            proxy_mode: self.proxy_mode.clone(),
            ip_stack: self.ip_stack.clone(),
            cluster_domain: self.cluster_domain.clone(),
            snat_entry: self.snat_entry,
            endpoint_public_access: self.endpoint_public_access,
            security_group_id: self.security_group_id.clone(),
            is_enterprise_security_group: self
                .is_enterprise_security_group
                .filter(|_| self.security_group_id.is_none()),
            extra_sans: list(&self.extra_sans),
            resource_group_id: self.resource_group_id.clone(),
            timezone: self.timezone.clone(),
            deletion_protection: self.deletion_protection,
            encryption_provider_key: None,
            maintenance_window: self.maintenance_window(),
            operation_policy: self.operation_policy(),
            rrsa_config: self
                .rrsa_enabled
                .filter(|on| *on)
                .map(|enabled| api::RrsaConfig { enabled }),
            controlplane_log_components: self
                .control_plane_logs
                .as_ref()
                .and_then(|l| l.components.clone())
                .unwrap_or_default(),
            controlplane_log_project: self
                .control_plane_logs
                .as_ref()
                .and_then(|l| l.project.clone()),
            controlplane_log_ttl: self
                .control_plane_logs
                .as_ref()
                .map(|l| l.ttl_days.unwrap_or(30).to_string()),
            audit_log_config: self.audit_log.as_ref().map(|a| api::AuditLogConfig {
                enabled: a.enabled.unwrap_or(false),
                sls_project_name: a.sls_project_name.clone(),
            }),
            addons,
            tags: common::tags_to_api(self.tags.as_ref()),
        }
    }

    /// The operation policy as the API wants it; `None` when unset.
    pub fn operation_policy(&self) -> Option<api::OperationPolicy> {
        let p = self.operation_policy.as_ref()?;
        Some(api::OperationPolicy {
            cluster_auto_upgrade: Some(api::ClusterAutoUpgrade {
                enabled: p.auto_upgrade.unwrap_or(false),
                channel: p.channel.clone().unwrap_or_default(),
            }),
        })
    }

    /// DeleteCluster's `delete_options` from the state.
    pub fn delete_options(&self) -> Vec<api::DeleteOption> {
        self.delete_options
            .iter()
            .flatten()
            .map(|o| api::DeleteOption {
                resource_type: o.resource_type.clone().unwrap_or_default(),
                delete_mode: o.delete_mode.clone().unwrap_or_default(),
            })
            .collect()
    }

    /// Whether the service upgrades the control plane by itself.
    pub fn auto_upgrades(&self) -> bool {
        self.operation_policy
            .as_ref()
            .and_then(|p| p.auto_upgrade)
            .unwrap_or(false)
    }

    /// ModifyCluster's body for what changed from `prior` to this plan;
    /// empty when nothing ModifyCluster handles changed.
    pub fn modify_request(&self, prior: &Cluster) -> api::ModifyClusterRequest {
        api::ModifyClusterRequest {
            cluster_name: (self.name != prior.name).then(|| self.name().to_owned()),
            deletion_protection: self
                .deletion_protection
                .filter(|_| self.deletion_protection != prior.deletion_protection),
            maintenance_window: (self.maintenance_window != prior.maintenance_window)
                .then(|| self.maintenance_window().unwrap_or_default()),
            operation_policy: (self.operation_policy != prior.operation_policy)
                .then(|| self.operation_policy().unwrap_or_default()),
            vswitch_ids: if self.vswitch_ids != prior.vswitch_ids {
                self.vswitch_ids.clone().unwrap_or_default()
            } else {
                Vec::new()
            },
            security_group_id: self
                .security_group_id
                .clone()
                .filter(|_| self.security_group_id != prior.security_group_id),
            resource_group_id: self
                .resource_group_id
                .clone()
                .filter(|_| self.resource_group_id != prior.resource_group_id),
            timezone: self
                .timezone
                .clone()
                .filter(|_| self.timezone != prior.timezone),
            api_server_eip: self
                .endpoint_public_access
                .filter(|_| self.endpoint_public_access != prior.endpoint_public_access),
            api_server_custom_cert_sans: (self.extra_sans != prior.extra_sans).then(|| {
                api::CertSans {
                    action: "overwrite".into(),
                    subject_alternative_names: self.extra_sans.clone().unwrap_or_default(),
                }
            }),
            enable_rrsa: self
                .rrsa_enabled
                .filter(|_| self.rrsa_enabled != prior.rrsa_enabled),
        }
    }

    /// The refusal to destroy a cluster whose state has deletion protection
    /// on: the same diagnostic at plan (destroy planned) and at apply (a
    /// delete that was never planned).
    pub fn deletion_protected(&self) -> Option<Diagnostic> {
        if self.deletion_protection != Some(true) {
            return None;
        }
        let name = self.name();
        Some(at(
            Diagnostic::error(
                "Cluster has deletion protection",
                format!(
                    "ack_cluster {name:?} has deletion_protection = true, so it cannot be destroyed. Set \
                     deletion_protection = false and apply first, then destroy."
                ),
            ),
            "deletion_protection",
        ))
    }

    /// The resource's state from the API's view of the cluster. `prior`
    /// gives what the API does not report (create-only arguments, deletion
    /// options, timeouts) and how absent values were written.
    pub fn from_api(d: &ClusterDetail, prior: &Cluster) -> Cluster {
        let ed = edition::by_cluster_spec(&d.cluster_spec)
            .unwrap_or(edition::get(edition::EditionId::Standard));
        let urls = serde_json::from_str::<serde_json::Value>(&d.master_url).unwrap_or_default();
        let url = |k: &str| {
            urls[k]
                .as_str()
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
        };
        let public = url("api_server_endpoint");
        let meta = serde_json::from_str::<serde_json::Value>(&d.meta_data).unwrap_or_default();
        let rrsa = &meta["RRSAConfig"];
        let rrsa_on = rrsa["enabled"] == true;
        let text = |v: &serde_json::Value| v.as_str().filter(|s| !s.is_empty()).map(str::to_owned);
        let mw = &d.maintenance_window;
        let maintenance_window = if mw.enable {
            Planned::Known(MaintenanceWindow {
                maintenance_time: Some(mw.maintenance_time.clone()),
                duration: Some(mw.duration.clone()),
                weekly_period: Some(mw.weekly_period.clone()),
            })
        } else {
            Planned::Null
        };
        let operation_policy = match (&d.operation_policy, &prior.operation_policy) {
            (Some(p), _) => p.cluster_auto_upgrade.as_ref().map(|a| OperationPolicy {
                auto_upgrade: Some(a.enabled),
                channel: Some(a.channel.clone()).filter(|c| !c.is_empty()),
            }),
            (None, _) => None,
        };
        let nonempty = |s: &str| Some(s.to_owned()).filter(|s| !s.is_empty());
        // A state with no name is an import's: the create-time arguments
        // come from what the API reports (`parameters`); otherwise from the
        // state, since they cannot change.
        let imported = prior.name.is_none();
        let at_create =
            |kept: &Option<bool>, reported: Option<bool>| kept.or(reported.filter(|_| imported));
        // The detail has no plugin field: Flannel clusters have a pod block;
        // Terway ones (ENI or ENIIP) do not, and `read` asks the addons.
        let network_plugin = prior
            .network_plugin
            .clone()
            .or_else(|| (!d.container_cidr.is_empty()).then(|| "flannel".to_owned()));
        let pod_vswitch_ids = match &prior.pod_vswitch_ids {
            Some(kept) => Some(kept.clone()),
            None if imported => d.pod_vswitch_ids(),
            None => None,
        };
        let flannel = network_plugin.as_deref() == Some("flannel");
        Cluster {
            id: Some(d.cluster_id.clone()),
            name: Some(d.name.clone()),
            edition: Some(ed.name.to_owned()),
            kubernetes_version: Planned::Known(d.current_version.clone()),
            vpc_id: nonempty(&d.vpc_id),
            vswitch_ids: Some(d.vswitch_ids.clone()),
            zone_ids: prior.zone_ids.clone(),
            network_plugin,
            pod_vswitch_ids,
            service_cidr: Some(d.service_cidr.clone()),
            pod_cidr: nonempty(&d.container_cidr),
            node_cidr_mask: d.node_cidr_mask.filter(|_| flannel),
            proxy_mode: nonempty(&d.proxy_mode).or_else(|| Some("ipvs".into())),
            ip_stack: nonempty(&d.ip_stack).or_else(|| Some("ipv4".into())),
            cluster_domain: nonempty(&d.cluster_domain).or_else(|| Some("cluster.local".into())),
            security_group_id: nonempty(&d.security_group_id),
            is_enterprise_security_group: d
                .enterprise_security_group()
                .or(prior.is_enterprise_security_group),
            endpoint_public_access: Some(public.is_some()),
            snat_entry: at_create(&prior.snat_entry, d.snat_entry()),
            extra_sans: (!d.extra_sans.is_empty() || prior.extra_sans.is_some())
                .then(|| d.extra_sans.clone()),
            resource_group_id: nonempty(&d.resource_group_id),
            timezone: nonempty(&d.timezone)
                .or_else(|| prior.timezone.clone().filter(|t| t.is_empty())),
            deletion_protection: Some(d.deletion_protection),
            maintenance_window,
            operation_policy,
            rrsa_enabled: Some(rrsa_on),
            control_plane_logs: prior.control_plane_logs.clone(),
            audit_log: prior.audit_log.clone(),
            addons: prior.addons.clone(),
            delete_options: prior.delete_options.clone(),
            tags: common::tags_from_api(&d.tags, prior.tags.as_ref()),
            sla: Some(ed.sla.to_owned()),
            sla_compensation: Some(ed.sla_compensation),
            max_nodes: Some(ed.max_nodes),
            api_server_autoscaling: Some(ed.api_server_autoscaling),
            etcd_disk_encryption: Some(ed.etcd_disk_encryption),
            state: Some(d.state.clone()),
            api_server_endpoint: Some(public.unwrap_or_default()),
            api_server_internal_endpoint: Some(
                url("intranet_api_server_endpoint").unwrap_or_default(),
            ),
            rrsa_issuer: Some(
                text(&rrsa["issuer"])
                    .filter(|_| rrsa_on)
                    .unwrap_or_default(),
            ),
            rrsa_oidc_provider_arn: Some(
                text(&rrsa["oidc_arn"])
                    .filter(|_| rrsa_on)
                    .unwrap_or_default(),
            ),
            created_at: Some(d.created.clone()),
            timeouts: prior.timeouts.clone(),
        }
    }
}
