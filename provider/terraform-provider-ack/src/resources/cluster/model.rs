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
    pub vswitch_ids: Option<Vec<String>>,
    pub service_cidr: Option<String>,
    pub pod_cidr: Option<String>,
    pub deletion_protection: Option<bool>,
    pub maintenance_window: Planned<MaintenanceWindow>,
    pub tags: Option<BTreeMap<String, String>>,
    pub sla: Option<String>,
    pub sla_compensation: Option<bool>,
    pub max_nodes: Option<u32>,
    pub api_server_autoscaling: Option<bool>,
    pub etcd_disk_encryption: Option<bool>,
    pub state: Option<String>,
    pub api_server_endpoint: Option<String>,
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

    /// CreateCluster's body for this plan, in `region`.
    pub fn create_request(&self, region: &str) -> CreateClusterRequest {
        let ed = self
            .edition()
            .unwrap_or(edition::get(edition::EditionId::Standard));
        CreateClusterRequest {
            name: self.name().to_owned(),
            region_id: region.to_owned(),
            cluster_type: "ManagedKubernetes".into(),
            profile: Some("Default".into()),
            cluster_spec: Some(ed.cluster_spec.into()),
            kubernetes_version: self.kubernetes_version.known().cloned(),
            vswitch_ids: self.vswitch_ids.clone().unwrap_or_default(),
            container_cidr: self.pod_cidr.clone(),
            service_cidr: self.service_cidr.clone(),
            deletion_protection: self.deletion_protection,
            encryption_provider_key: None,
            vpcid: None,
            maintenance_window: self.maintenance_window(),
            tags: common::tags_to_api(self.tags.as_ref()),
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
    /// gives what the API does not keep (timeouts) and how absent values
    /// were written.
    pub fn from_api(d: &ClusterDetail, prior: &Cluster) -> Cluster {
        let ed = edition::by_cluster_spec(&d.cluster_spec)
            .unwrap_or(edition::get(edition::EditionId::Standard));
        let endpoint = serde_json::from_str::<serde_json::Value>(&d.master_url)
            .ok()
            .and_then(|m| m["api_server_endpoint"].as_str().map(str::to_owned))
            .unwrap_or_default();
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
        Cluster {
            id: Some(d.cluster_id.clone()),
            name: Some(d.name.clone()),
            edition: Some(ed.name.to_owned()),
            kubernetes_version: Planned::Known(d.current_version.clone()),
            vswitch_ids: Some(d.vswitch_ids.clone()),
            service_cidr: Some(d.service_cidr.clone()),
            pod_cidr: Some(d.container_cidr.clone()),
            deletion_protection: Some(d.deletion_protection),
            maintenance_window,
            tags: common::tags_from_api(&d.tags, prior.tags.as_ref()),
            sla: Some(ed.sla.to_owned()),
            sla_compensation: Some(ed.sla_compensation),
            max_nodes: Some(ed.max_nodes),
            api_server_autoscaling: Some(ed.api_server_autoscaling),
            etcd_disk_encryption: Some(ed.etcd_disk_encryption),
            state: Some(d.state.clone()),
            api_server_endpoint: Some(endpoint),
            created_at: Some(d.created.clone()),
            timeouts: prior.timeouts.clone(),
        }
    }
}
