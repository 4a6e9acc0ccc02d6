//! The nested settings of `ack_cluster` that map to their own API calls or
//! fields: the operation policy, control-plane and audit logs, create-time
//! addons and delete options.

use ack_api::model as api;
use serde::{Deserialize, Serialize};

/// `operation_policy`: automatic upgrades of the control plane.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct OperationPolicy {
    pub auto_upgrade: Option<bool>,
    pub channel: Option<String>,
}

/// `control_plane_logs`: which control-plane components' logs go to SLS.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ControlPlaneLogs {
    pub components: Option<Vec<String>>,
    pub project: Option<String>,
    pub ttl_days: Option<i64>,
}

/// `audit_log`: the API server's audit log in SLS.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct AuditLog {
    pub enabled: Option<bool>,
    pub sls_project_name: Option<String>,
}

/// The SLS project the service uses for a cluster's logs when none is named.
pub fn default_log_project(cluster_id: &str) -> String {
    format!("k8s-log-{cluster_id}")
}

impl ControlPlaneLogs {
    /// The setting as the API takes it.
    pub fn request(&self) -> api::ControlPlaneLog {
        api::ControlPlaneLog {
            components: self.components.clone().unwrap_or_default(),
            log_project: self.project.clone(),
            log_ttl: Some(self.ttl_days.unwrap_or(30).to_string()),
            aliuid: None,
        }
    }

    /// The attribute from the API's answer (`None`: collection off); the
    /// default project reads back as unset when `prior` left it unset.
    pub fn from_api(
        log: &api::ControlPlaneLog,
        cluster_id: &str,
        prior: Option<&ControlPlaneLogs>,
    ) -> Option<ControlPlaneLogs> {
        if log.components.is_empty() {
            return None;
        }
        let unset_default = |p: &String| {
            *p == default_log_project(cluster_id) && prior.is_none_or(|p| p.project.is_none())
        };
        let project = log
            .log_project
            .clone()
            .filter(|p| !(p.is_empty() || unset_default(p)));
        Some(ControlPlaneLogs {
            components: Some(log.components.clone()),
            project,
            ttl_days: log.log_ttl.as_deref().and_then(|t| t.parse().ok()),
        })
    }
}

impl AuditLog {
    /// The attribute from the API's answer.
    pub fn from_api(a: &api::AuditProject, cluster_id: &str, prior: Option<&AuditLog>) -> AuditLog {
        let unset_default = |p: &String| {
            *p == default_log_project(cluster_id)
                && prior.is_none_or(|p| p.sls_project_name.is_none())
        };
        let project =
            Some(a.sls_project_name.clone()).filter(|p| !(p.is_empty() || unset_default(p)));
        AuditLog {
            enabled: Some(a.audit_enabled),
            sls_project_name: project,
        }
    }
}

/// An addon installed with the cluster.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Addon {
    pub name: Option<String>,
    pub config: Option<String>,
    pub version: Option<String>,
    pub disabled: Option<bool>,
}

/// What happens to a resource the cluster made when it is deleted.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct DeleteOption {
    pub resource_type: Option<String>,
    pub delete_mode: Option<String>,
}
