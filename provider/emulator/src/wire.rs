//! What the service accepts in the cluster operations' bodies: every field
//! the API reference documents for the operation, typed (so a wrong type is
//! refused as the service refuses it). Fields the emulator stores are used by
//! the handlers; the others are accepted with their documented default and
//! have no effect (the README lists which is which). Anything else is ignored.
//! The client's request types in `ack-api` describe what our client sends;
//! these describe what the service takes, a superset.

use ack_api::model::{MaintenanceWindow, OperationPolicy, Tag};
use serde::Deserialize;
use serde_json::Value;

/// `maintenance_window` as the service takes it (`recurrence` and
/// `exclusions` are accepted, not modelled). Absent fields keep their value
/// on ModifyCluster.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct MaintenanceWindowBody {
    #[serde(default)]
    pub enable: Option<bool>,
    #[serde(default)]
    pub maintenance_time: Option<String>,
    #[serde(default)]
    pub duration: Option<String>,
    #[serde(default)]
    pub weekly_period: Option<String>,
    #[serde(default)]
    pub recurrence: Option<String>,
    #[serde(default)]
    pub exclusions: Vec<Value>,
}

impl MaintenanceWindowBody {
    /// Whether the window ends up enabled when applied to `old`.
    pub fn enables(&self, old: &MaintenanceWindow) -> bool {
        self.enable.unwrap_or(old.enable)
    }

    /// The window after applying this body to `old`.
    pub fn apply(&self, old: &MaintenanceWindow) -> MaintenanceWindow {
        let pick = |new: &Option<String>, old: &String| new.clone().unwrap_or_else(|| old.clone());
        MaintenanceWindow {
            enable: self.enables(old),
            maintenance_time: pick(&self.maintenance_time, &old.maintenance_time),
            duration: pick(&self.duration, &old.duration),
            weekly_period: pick(&self.weekly_period, &old.weekly_period),
        }
    }
}

/// An addon in CreateCluster's `addons` (accepted, not installed).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct AddonBody {
    pub name: String,
    #[serde(default)]
    pub config: Option<String>,
    #[serde(default)]
    pub version: Option<String>,
    #[serde(default)]
    pub disabled: Option<bool>,
}

/// `POST /clusters` (CreateCluster).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct CreateClusterBody {
    pub name: String,
    pub region_id: String,
    #[serde(default)]
    pub cluster_type: Option<String>,
    #[serde(default)]
    pub profile: Option<String>,
    #[serde(default)]
    pub cluster_spec: Option<String>,
    #[serde(default)]
    pub kubernetes_version: Option<String>,
    #[serde(default)]
    pub vpcid: Option<String>,
    #[serde(default)]
    pub vswitch_ids: Vec<String>,
    #[serde(default)]
    pub zone_ids: Vec<String>,
    /// Deprecated single-zone form of `zone_ids`.
    #[serde(default)]
    pub zone_id: Option<String>,
    #[serde(default)]
    pub pod_vswitch_ids: Vec<String>,
    #[serde(default)]
    pub container_cidr: Option<String>,
    #[serde(default)]
    pub service_cidr: Option<String>,
    #[serde(default)]
    pub node_cidr_mask: Option<u32>,
    #[serde(default)]
    pub proxy_mode: Option<String>,
    #[serde(default)]
    pub ip_stack: Option<String>,
    #[serde(default)]
    pub snat_entry: Option<bool>,
    #[serde(default)]
    pub endpoint_public_access: Option<bool>,
    #[serde(default)]
    pub security_group_id: Option<String>,
    #[serde(default)]
    pub is_enterprise_security_group: Option<bool>,
    #[serde(default)]
    pub deletion_protection: Option<bool>,
    #[serde(default)]
    pub encryption_provider_key: Option<String>,
    #[serde(default)]
    pub maintenance_window: Option<MaintenanceWindowBody>,
    #[serde(default)]
    pub operation_policy: Option<OperationPolicy>,
    #[serde(default)]
    pub addons: Vec<AddonBody>,
    #[serde(default)]
    pub tags: Vec<Tag>,
    #[serde(default)]
    pub resource_group_id: Option<String>,
    #[serde(default)]
    pub timezone: Option<String>,
    #[serde(default)]
    pub cluster_domain: Option<String>,
    #[serde(default)]
    pub custom_san: Option<String>,
    #[serde(default)]
    pub extra_sans: Vec<String>,
    #[serde(default)]
    pub rrsa_config: Option<ack_api::model::RrsaConfig>,
    #[serde(default)]
    pub audit_log_config: Option<ack_api::model::AuditLogConfig>,
    #[serde(default)]
    pub service_account_issuer: Option<String>,
    #[serde(default)]
    pub api_audiences: Option<String>,
    #[serde(default)]
    pub enable_rrsa: Option<bool>,
    #[serde(default)]
    pub controlplane_log_ttl: Option<String>,
    #[serde(default)]
    pub controlplane_log_project: Option<String>,
    #[serde(default)]
    pub controlplane_log_components: Vec<String>,
    /// Node pools created with the cluster: accepted, not created (create
    /// them with CreateClusterNodePool).
    #[serde(default)]
    pub nodepools: Vec<Value>,
    #[serde(default)]
    pub charge_type: Option<String>,
}

/// `PUT /api/v2/clusters/{id}` (ModifyCluster).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ModifyClusterBody {
    #[serde(default)]
    pub cluster_name: Option<String>,
    #[serde(default)]
    pub deletion_protection: Option<bool>,
    /// Release protection of the cluster's ECS instances: accepted, no effect.
    #[serde(default)]
    pub instance_deletion_protection: Option<bool>,
    #[serde(default)]
    pub maintenance_window: Option<MaintenanceWindowBody>,
    #[serde(default)]
    pub operation_policy: Option<OperationPolicy>,
    #[serde(default)]
    pub resource_group_id: Option<String>,
    /// Control-plane vSwitches (a full overwrite).
    #[serde(default)]
    pub vswitch_ids: Vec<String>,
    #[serde(default)]
    pub security_group_id: Option<String>,
    #[serde(default)]
    pub timezone: Option<String>,
    #[serde(default)]
    pub enable_rrsa: Option<bool>,
    #[serde(default)]
    pub api_server_eip: Option<bool>,
    #[serde(default)]
    pub api_server_eip_id: Option<String>,
    #[serde(default)]
    pub api_server_custom_cert_sans: Option<Value>,
    #[serde(default)]
    pub access_control_list: Vec<String>,
    #[serde(default)]
    pub system_events_logging: Option<Value>,
    #[serde(default)]
    pub control_plane_endpoints_config: Option<Value>,
    #[serde(default)]
    pub ingress_domain_rebinding: Option<bool>,
    #[serde(default)]
    pub ingress_loadbalancer_id: Option<String>,
    #[serde(default)]
    pub cluster_spec: Option<String>,
}

/// `POST /clusters/{id}/migrate` (MigrateCluster). The reference documents
/// the OSS bucket fields; the alicloud provider also sends `type` and `spec`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct MigrateClusterBody {
    #[serde(default)]
    pub oss_bucket_name: Option<String>,
    #[serde(default)]
    pub oss_bucket_endpoint: Option<String>,
    #[serde(default, rename = "type")]
    pub cluster_type: Option<String>,
    #[serde(default)]
    pub spec: Option<String>,
}

/// `rolling_policy` of UpgradeCluster (node upgrades; accepted, no effect).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct RollingPolicy {
    #[serde(default)]
    pub max_parallelism: Option<u32>,
}

/// `POST /api/v2/clusters/{id}/upgrade` (UpgradeCluster).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct UpgradeClusterBody {
    #[serde(default)]
    pub next_version: Option<String>,
    /// Legacy: the version being upgraded from.
    #[serde(default)]
    pub version: Option<String>,
    /// Legacy: `k8s`.
    #[serde(default)]
    pub component_name: Option<String>,
    #[serde(default)]
    pub master_only: Option<bool>,
    #[serde(default)]
    pub rolling_policy: Option<RollingPolicy>,
}
