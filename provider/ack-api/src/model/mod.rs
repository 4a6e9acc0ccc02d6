//! Request and response bodies of the CS 2015-12-15 operations we use
//! (snake_case JSON, as on the wire), plus the emulator's documented
//! extension for etcd backup policies. Unknown fields are ignored when
//! reading responses, so newer API fields never break a client.

use serde::{Deserialize, Serialize};

mod catalog;
pub use catalog::*;

/// Error body of every failed call (ROA style).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    #[serde(alias = "Code")]
    pub code: String,
    #[serde(alias = "Message")]
    pub message: String,
    #[serde(
        rename = "requestId",
        alias = "RequestId",
        alias = "request_id",
        default
    )]
    pub request_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tag {
    pub key: String,
    #[serde(default)]
    pub value: String,
}

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

/// What mutations answer: the object, the request and the task to wait for.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskResponse {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nodepool_id: Option<String>,
    #[serde(default)]
    pub request_id: String,
    #[serde(default)]
    pub task_id: String,
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

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageInfo {
    pub page_number: u32,
    pub page_size: u32,
    pub total_count: u64,
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

/// `POST /clusters/{id}/tags` (ModifyClusterTags) sends a bare array of tags.
pub type ModifyTagsRequest = Vec<Tag>;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskError {
    pub code: String,
    pub message: String,
}

/// `GET /tasks/{id}` (DescribeTaskInfo).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskInfo {
    pub task_id: String,
    #[serde(default)]
    pub cluster_id: String,
    #[serde(default)]
    pub task_type: String,
    /// `running`, `success` or `failed`.
    pub state: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<TaskError>,
    #[serde(default)]
    pub created: String,
    #[serde(default)]
    pub updated: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NodePoolInfo {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub nodepool_id: String,
    pub name: String,
    #[serde(default, rename = "type")]
    pub pool_type: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScalingGroup {
    #[serde(default)]
    pub instance_types: Vec<String>,
    #[serde(default)]
    pub vswitch_ids: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub desired_size: Option<u64>,
    #[serde(default)]
    pub tags: Vec<Tag>,
    /// `PostPaid` or `PrePaid`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance_charge_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system_disk_category: Option<String>,
    /// GiB, 20–2048.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system_disk_size: Option<u32>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub data_disks: Vec<DataDisk>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_id: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub security_group_ids: Vec<String>,
    /// `NoSpot`, `SpotWithPriceLimit` or `SpotAsPriceGo`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spot_strategy: Option<String>,
    /// `PRIORITY`, `COST_OPTIMIZED` or `BALANCE`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub multi_az_policy: Option<String>,
}

/// A data disk of the pool's nodes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DataDisk {
    #[serde(default)]
    pub category: String,
    /// GiB, 40–32767.
    pub size: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encrypted: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub performance_level: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Taint {
    pub key: String,
    #[serde(default)]
    pub value: String,
    pub effect: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct KubernetesConfig {
    #[serde(default)]
    pub labels: Vec<Tag>,
    #[serde(default)]
    pub taints: Vec<Taint>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub runtime: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AutoScaling {
    #[serde(default)]
    pub enable: bool,
    #[serde(default)]
    pub min_instances: u64,
    #[serde(default)]
    pub max_instances: u64,
    /// `cpu`, `gpu`, `gpushare` or `spot`.
    #[serde(default, rename = "type", skip_serializing_if = "String::is_empty")]
    pub scaling_type: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpgradeConfig {
    #[serde(default)]
    pub max_unavailable: u64,
}

/// Managed node pool settings (pro only).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Management {
    #[serde(default)]
    pub enable: bool,
    #[serde(default)]
    pub auto_repair: bool,
    #[serde(default)]
    pub auto_upgrade: bool,
    #[serde(default)]
    pub auto_vul_fix: bool,
    #[serde(default)]
    pub upgrade_config: UpgradeConfig,
}

/// `POST /clusters/{id}/nodepools` (CreateClusterNodePool) and
/// `PUT /clusters/{id}/nodepools/{np}` (ModifyClusterNodePool).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NodePoolRequest {
    pub nodepool_info: NodePoolInfo,
    #[serde(default)]
    pub scaling_group: ScalingGroup,
    #[serde(default)]
    pub kubernetes_config: KubernetesConfig,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto_scaling: Option<AutoScaling>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub management: Option<Management>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NodePoolStatus {
    /// `active`, `scaling`, `removing`, `deleting` or `updating`.
    pub state: String,
    #[serde(default)]
    pub total_nodes: u64,
    #[serde(default)]
    pub healthy_nodes: u64,
    #[serde(default)]
    pub initial_nodes: u64,
    #[serde(default)]
    pub removing_nodes: u64,
}

/// `GET /clusters/{id}/nodepools/{np}` (DescribeClusterNodePoolDetail), and
/// the items of DescribeClusterNodePools.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NodePoolDetail {
    pub nodepool_info: NodePoolInfo,
    #[serde(default)]
    pub scaling_group: ScalingGroup,
    #[serde(default)]
    pub kubernetes_config: KubernetesConfig,
    #[serde(default)]
    pub auto_scaling: AutoScaling,
    #[serde(default)]
    pub management: Management,
    pub status: NodePoolStatus,
}

impl NodePoolDetail {
    /// Nodes the pool may run, as node limits count them: an autoscaling
    /// pool its maximum, a fixed pool its desired size (else what it runs).
    pub fn max_nodes(&self) -> u64 {
        if self.auto_scaling.enable {
            self.auto_scaling.max_instances
        } else {
            self.scaling_group
                .desired_size
                .unwrap_or(self.status.total_nodes)
        }
    }
}

/// `GET /clusters/{id}/nodepools` (DescribeClusterNodePools).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NodePoolList {
    pub nodepools: Vec<NodePoolDetail>,
}

/// `PUT /clusters/{id}/kms` (UpdateKMSEncryption).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct KmsEncryptionRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kms_key_id: Option<String>,
    #[serde(default)]
    pub disable_encryption: bool,
}

/// `POST /clusters/{id}/components/{name}/config` (ModifyClusterAddon): the
/// addon configuration as a JSON **string**.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddonConfigRequest {
    pub config: String,
}

/// `GET /clusters/{id}/addon_instances/{name}` (GetClusterAddonInstance).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddonInstance {
    pub name: String,
    pub version: String,
    /// `active`, `updating`, `upgrading` or `deleting`.
    pub state: String,
    /// JSON string.
    pub config: String,
}

/// The kube-scheduler addon configuration we manage (inside `config`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SchedulerConfig {
    #[serde(default)]
    pub gang_scheduling: bool,
    #[serde(default)]
    pub topology_aware_cpu: bool,
    #[serde(default)]
    pub topology_aware_gpu: bool,
    #[serde(default)]
    pub npu_scheduling: bool,
    /// `none`, `basic` or `professional`.
    #[serde(default = "cgpu_none")]
    pub cgpu_edition: String,
    #[serde(default)]
    pub score_plugin_weights: Vec<ScorePlugin>,
}

fn cgpu_none() -> String {
    "none".to_owned()
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScorePlugin {
    pub plugin: String,
    pub weight: u32,
}

/// **Emulator extension, not an ACK API.** ACK has no public API for etcd
/// backups; the emulator serves this at
/// `/x-ack-emulator/clusters/{id}/etcd-backup-policy`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackupPolicy {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cold_backup: Option<ColdBackup>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hot_backup: Option<HotBackup>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub geo_replication: Option<GeoReplication>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColdBackup {
    pub interval_hours: u32,
    pub retention_days: u32,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HotBackup {
    pub interval_minutes: u32,
    pub retention_hours: u32,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GeoReplication {
    pub region: String,
}

/// `GET /quota` (DescribeUserQuota): the account's quotas. Fields the
/// service leaves out are `None`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserQuota {
    /// Clusters of the account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster_quota: Option<u64>,
    /// Node pools per cluster.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster_nodepool_quota: Option<u64>,
    /// Nodes per cluster.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node_quota: Option<u64>,
    /// ACK managed clusters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amk_cluster_quota: Option<u64>,
    /// ACK Serverless clusters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ask_cluster_quota: Option<u64>,
}

/// `GET /api/v1/metadata/versions` (DescribeKubernetesVersionMetadata) items.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VersionMetadata {
    pub version: String,
    #[serde(default)]
    pub upgradable_versions: Vec<String>,
    #[serde(default)]
    pub creatable: bool,
    /// RFC 3339 date the version was released.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub release_date: String,
    /// RFC 3339 date support ends.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub expiration_date: String,
    /// Container runtimes offered with this version.
    #[serde(default)]
    pub runtimes: Vec<Runtime>,
    /// Feature flags of the version (free-form in the API).
    #[serde(default)]
    pub capabilities: std::collections::BTreeMap<String, serde_json::Value>,
    /// Free-form metadata (`KubernetesVersion`, `SubClass`, …).
    #[serde(default)]
    pub meta_data: std::collections::BTreeMap<String, serde_json::Value>,
}

/// Shortest and longest lifetime of a temporary kubeconfig, in minutes
/// (DescribeClusterUserKubeconfig `TemporaryDurationMinutes`).
pub const KUBECONFIG_MINUTES: std::ops::RangeInclusive<u32> = 15..=4320;

/// `GET /k8s/{ClusterId}/user_config` (DescribeClusterUserKubeconfig).
/// `config` holds a client key: never log it.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserKubeconfig {
    /// The kubeconfig YAML.
    pub config: String,
    /// When its client certificate expires (RFC 3339, UTC); empty for
    /// long-lived kubeconfigs.
    #[serde(default)]
    pub expiration: String,
}

impl std::fmt::Debug for UserKubeconfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UserKubeconfig")
            .field("expiration", &self.expiration)
            .finish_non_exhaustive()
    }
}
