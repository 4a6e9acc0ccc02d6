//! Cluster operations: create, describe, list, modify, migrate, upgrade.

use std::collections::BTreeMap;

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

/// An addon in CreateCluster's `addons` (the network plugin, CSI, logging, …).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClusterAddon {
    pub name: String,
    /// The addon's configuration, a JSON string (empty: its defaults).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// Leave out an addon installed by default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disabled: Option<bool>,
}

/// `rrsa_config` of CreateCluster.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RrsaConfig {
    #[serde(default)]
    pub enabled: bool,
}

/// `audit_log_config` of CreateCluster.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditLogConfig {
    #[serde(default)]
    pub enabled: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sls_project_name: Option<String>,
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
    /// The VPC (required unless `zone_ids` lets the service create one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vpcid: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub vswitch_ids: Vec<String>,
    /// Zones for a VPC the service creates (instead of `vpcid` and `vswitch_ids`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub zone_ids: Vec<String>,
    /// Terway: the vSwitches pods take their addresses from.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pod_vswitch_ids: Vec<String>,
    /// Flannel: the pod CIDR block.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub container_cidr: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_cidr: Option<String>,
    /// Flannel: the prefix length of each node's pod block, 24-28.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node_cidr_mask: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proxy_mode: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip_stack: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster_domain: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub snat_entry: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoint_public_access: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub security_group_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_enterprise_security_group: Option<bool>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extra_sans: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_group_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timezone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deletion_protection: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encryption_provider_key: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub maintenance_window: Option<MaintenanceWindow>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operation_policy: Option<OperationPolicy>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rrsa_config: Option<RrsaConfig>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub controlplane_log_components: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub controlplane_log_project: Option<String>,
    /// Days, as the API takes it: a string.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub controlplane_log_ttl: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audit_log_config: Option<AuditLogConfig>,
    /// The network plugin (required) and other addons to install.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub addons: Vec<ClusterAddon>,
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
    /// Custom SANs of the API server's certificate.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extra_sans: Vec<String>,
    /// JSON string: `{"api_server_endpoint":…,"intranet_api_server_endpoint":…}`;
    /// the public endpoint only while the API server has a public EIP.
    #[serde(default)]
    pub master_url: String,
    /// JSON string with `Capabilities` (KMS key, …).
    #[serde(default)]
    pub meta_data: String,
    /// The cluster's creation parameters as the service keeps them (string
    /// values; see [`params`] for the keys read back).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub parameters: BTreeMap<String, String>,
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

/// One of DeleteCluster's `delete_options`: what becomes of a kind of
/// resource the cluster made.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeleteOption {
    /// `SLB`, `ALB`, `SLS_Data`, `SLS_ControlPlane` or `PrivateZone`.
    pub resource_type: String,
    /// `delete` or `retain`.
    pub delete_mode: String,
}

/// `api_server_custom_cert_sans` of ModifyCluster.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertSans {
    /// `overwrite` or `append`.
    pub action: String,
    #[serde(default)]
    pub subject_alternative_names: Vec<String>,
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
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operation_policy: Option<OperationPolicy>,
    /// Control-plane vSwitches (a full overwrite; restarts the control plane).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub vswitch_ids: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub security_group_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_group_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timezone: Option<String>,
    /// Bind (true) or release (false) the API server's public EIP.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_server_eip: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_server_custom_cert_sans: Option<CertSans>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enable_rrsa: Option<bool>,
}

impl ModifyClusterRequest {
    /// Whether the request changes nothing.
    pub fn is_empty(&self) -> bool {
        *self == ModifyClusterRequest::default()
    }
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

/// `PUT /clusters/{id}/controlplanelog` (UpdateControlPlaneLog) and the
/// answer of `GET` on the same path (CheckControlPlaneLogEnable).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ControlPlaneLog {
    #[serde(default)]
    pub components: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log_project: Option<String>,
    /// Days, 1-3000, as a string (the API's type).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log_ttl: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aliuid: Option<String>,
}

/// `PUT /clusters/{id}/audit_log` (UpdateClusterAuditLogConfig).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditLogUpdate {
    pub disable: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sls_project_name: Option<String>,
}

/// `GET /clusters/{id}/audit` (GetClusterAuditProject).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditProject {
    #[serde(default)]
    pub audit_enabled: bool,
    #[serde(default)]
    pub sls_project_name: String,
}

/// Keys of DescribeClusterDetail's `parameters` that carry create-time
/// arguments the detail has no field for, and how their values are written
/// (booleans as `True`/`False`, lists as JSON arrays).
pub mod params {
    /// Terway's pod vSwitches, a JSON array of IDs.
    pub const POD_VSWITCH_IDS: &str = "PodVswitchIds";
    /// Whether a NAT gateway with SNAT entries was set up for the VPC.
    pub const SNAT_ENTRY: &str = "SNatEntry";
    /// Whether the service created an enterprise security group.
    pub const ENTERPRISE_SECURITY_GROUP: &str = "IsEnterpriseSecurityGroup";

    /// A boolean as the service writes it.
    pub fn flag(v: bool) -> String {
        if v { "True" } else { "False" }.to_owned()
    }

    /// A boolean parameter; `None` when absent or not a boolean.
    pub fn read_flag(v: &str) -> Option<bool> {
        match v.to_ascii_lowercase().as_str() {
            "true" => Some(true),
            "false" => Some(false),
            _ => None,
        }
    }
}

impl ClusterDetail {
    /// Terway's pod vSwitches as created; `None` when not reported.
    pub fn pod_vswitch_ids(&self) -> Option<Vec<String>> {
        let raw = self.parameters.get(params::POD_VSWITCH_IDS)?;
        serde_json::from_str::<Vec<String>>(raw)
            .ok()
            .filter(|l| !l.is_empty())
    }

    /// Whether SNAT was set up at create; `None` when not reported.
    pub fn snat_entry(&self) -> Option<bool> {
        params::read_flag(self.parameters.get(params::SNAT_ENTRY)?)
    }

    /// Whether the service made an enterprise security group; `None` when
    /// not reported.
    pub fn enterprise_security_group(&self) -> Option<bool> {
        params::read_flag(self.parameters.get(params::ENTERPRISE_SECURITY_GROUP)?)
    }
}
