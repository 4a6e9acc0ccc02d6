//! Node pool operations: create, modify, describe, list.

use serde::{Deserialize, Serialize};

use super::{NodeConfig, Tag};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NodePoolInfo {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub nodepool_id: String,
    pub name: String,
    #[serde(default, rename = "type")]
    pub pool_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_group_id: Option<String>,
}

/// `scaling_group` of CreateClusterNodePool, ModifyClusterNodePool and
/// DescribeClusterNodePoolDetail, with the SDK's field names. Absent fields
/// are left out of requests (a partial update keeps them).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScalingGroup {
    #[serde(default)]
    pub instance_types: Vec<String>,
    /// 1 to 8 vSwitches of the cluster's VPC (required at create).
    #[serde(default)]
    pub vswitch_ids: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub desired_size: Option<u64>,
    /// ECS tags of the nodes.
    #[serde(default)]
    pub tags: Vec<Tag>,
    /// `PostPaid` or `PrePaid` (required at create).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance_charge_type: Option<String>,
    /// PrePaid only: the subscription length in `period_unit`s.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period: Option<u32>,
    /// PrePaid only: `Month` or `Week`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period_unit: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto_renew: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto_renew_period: Option<u32>,
    /// Key pair for node logins; exclusive with `login_password`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_pair: Option<String>,
    /// Write only in effect: the service answers it masked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub login_password: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system_disk_category: Option<String>,
    /// GiB, 20–2048.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system_disk_size: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system_disk_performance_level: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system_disk_encrypted: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system_disk_kms_key_id: Option<String>,
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
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub spot_price_limit: Vec<SpotPriceLimit>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spot_instance_pools: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spot_instance_remedy: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_demand_base_capacity: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_demand_percentage_above_base_capacity: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compensate_with_on_demand: Option<bool>,
    /// `PRIORITY`, `COST_OPTIMIZED` or `BALANCE`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub multi_az_policy: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ram_role_name: Option<String>,
    /// The SDK's spelling (no underscore between "deployment" and "set").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deploymentset_id: Option<String>,
    /// `PayByBandwidth` or `PayByTraffic`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub internet_charge_type: Option<String>,
    /// Mbit/s, 1–100.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub internet_max_bandwidth_out: Option<u32>,
}

/// The highest price a spot instance of one type may cost.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpotPriceLimit {
    pub instance_type: String,
    /// Per hour, as a decimal string (the SDK's type).
    pub price_limit: String,
}

/// A data disk of the pool's nodes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DataDisk {
    #[serde(default)]
    pub category: String,
    /// GiB, 40–32768 (narrower for some categories and levels).
    pub size: u32,
    /// `"true"` or `"false"`: a string in the SDK.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encrypted: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kms_key_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub performance_level: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub snapshot_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mount_target: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto_format: Option<bool>,
    /// `ext4` or `xfs`, with `auto_format`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_system: Option<String>,
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
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub runtime_version: Option<String>,
    /// `none` or `static`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cpu_policy: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unschedulable: Option<bool>,
    /// Base64 of the script run after the node joins.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_data: Option<String>,
    /// Base64 of the script run before the node joins.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pre_user_data: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node_name_mode: Option<String>,
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
    /// Extra nodes added during an upgrade (exclusive with the percentage).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub surge: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub surge_percentage: Option<u64>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AutoRepairPolicy {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restart_node: Option<bool>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AutoUpgradePolicy {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto_upgrade_kubelet: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto_upgrade_os: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto_upgrade_runtime: Option<bool>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AutoVulFixPolicy {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restart_node: Option<bool>,
    /// Comma list of `asap`, `later`, `nntf`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vul_level: Option<String>,
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
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto_repair_policy: Option<AutoRepairPolicy>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto_upgrade_policy: Option<AutoUpgradePolicy>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto_vul_fix_policy: Option<AutoVulFixPolicy>,
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
    /// CreateClusterNodePool only (ModifyNodePoolNodeConfig changes it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node_config: Option<NodeConfig>,
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
    /// Nodes the last scaling activity could not create.
    #[serde(default)]
    pub failed_nodes: u64,
    /// Why, when it failed (`type` `ScalingActivity`, `status` `False`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<PoolCondition>,
}

/// A condition of a pool's status, as DescribeClusterNodePoolDetail reports it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PoolCondition {
    #[serde(rename = "type")]
    pub kind: String,
    pub status: String,
    #[serde(default)]
    pub reason: String,
    #[serde(default)]
    pub message: String,
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
    #[serde(default)]
    pub node_config: NodeConfig,
    pub status: NodePoolStatus,
    /// The nodes' components and their versions (`kubelet`: the nodes'
    /// Kubernetes version; see `kubelet_version`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub node_components: Vec<super::NodeComponent>,
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
