//! Cluster operations: create, describe, list, modify, migrate, upgrade.

use serde::{Deserialize, Serialize};

use super::{PageInfo, Tag};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MaintenanceWindow {
    #[serde(default)]
    pub enable: bool,
    /// Start time, e.g. `03:00:00Z`.
    #[serde(default)]
    pub maintenance_time: String,
    /// Length, e.g. `3h`.
    #[serde(default)]
    pub duration: String,
    /// Days, e.g. `Monday,Thursday`.
    #[serde(default)]
    pub weekly_period: String,
}

/// `operation_policy` of CreateCluster / ModifyCluster / DescribeClusterDetail.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OperationPolicy {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster_auto_upgrade: Option<ClusterAutoUpgrade>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClusterAutoUpgrade {
    #[serde(default)]
    pub enabled: bool,
    /// `patch`, `stable` or `rapid`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub channel: String,
}

/// `POST /clusters` (CreateCluster).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateClusterRequest {
    pub name: String,
    #[serde(default)]
    pub region_id: String,
    #[serde(default)]
    pub cluster_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster_spec: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kubernetes_version: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vpcid: Option<String>,
    #[serde(default)]
    pub vswitch_ids: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub container_cidr: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_cidr: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deletion_protection: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encryption_provider_key: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub maintenance_window: Option<MaintenanceWindow>,
    #[serde(default)]
    pub tags: Vec<Tag>,
}

/// `GET /clusters/{id}` (DescribeClusterDetail), and the items of DescribeClustersV1.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClusterDetail {
    pub cluster_id: String,
    pub name: String,
    #[serde(default)]
    pub cluster_type: String,
    #[serde(default)]
    pub profile: String,
    #[serde(default)]
    pub cluster_spec: String,
    pub state: String,
    #[serde(default)]
    pub region_id: String,
    #[serde(default)]
    pub vpc_id: String,
    #[serde(default)]
    pub vswitch_ids: Vec<String>,
    #[serde(default)]
    pub current_version: String,
    #[serde(default)]
    pub init_version: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub next_version: String,
    #[serde(default)]
    pub container_cidr: String,
    #[serde(default)]
    pub service_cidr: String,
    #[serde(default)]
    pub deletion_protection: bool,
    #[serde(default)]
    pub tags: Vec<Tag>,
    #[serde(default)]
    pub maintenance_window: MaintenanceWindow,
    /// Zone of the first vSwitch (deprecated in the API, still reported).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub zone_id: String,
    /// First vSwitch (deprecated in the API, still reported).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub vswitch_id: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub security_group_id: String,
    /// `vpc`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub network_mode: String,
    /// `ipvs` or `iptables`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub proxy_mode: String,
    /// `ipv4` or `dual`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub ip_stack: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node_cidr_mask: Option<u32>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub cluster_domain: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub timezone: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub resource_group_id: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub worker_ram_role_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operation_policy: Option<OperationPolicy>,
    /// JSON string: `{"api_server_endpoint":…,"intranet_api_server_endpoint":…}`.
    #[serde(default)]
    pub master_url: String,
    /// JSON string with `Capabilities` (KMS key, …).
    #[serde(default)]
    pub meta_data: String,
    #[serde(default)]
    pub size: u64,
    #[serde(default)]
    pub created: String,
    #[serde(default)]
    pub updated: String,
}

/// `GET /api/v1/clusters` (DescribeClustersV1).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClusterList {
    pub clusters: Vec<ClusterDetail>,
    pub page_info: PageInfo,
}

/// `PUT /api/v2/clusters/{id}` (ModifyCluster).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModifyClusterRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deletion_protection: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub maintenance_window: Option<MaintenanceWindow>,
}

/// `POST /clusters/{id}/migrate` (MigrateCluster), standard → pro.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MigrateClusterRequest {
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub cluster_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spec: Option<String>,
}

/// `POST /api/v2/clusters/{id}/upgrade` (UpgradeCluster).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpgradeClusterRequest {
    pub next_version: String,
    #[serde(default)]
    pub master_only: bool,
}
