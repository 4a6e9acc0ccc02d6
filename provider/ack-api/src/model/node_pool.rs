//! Node pool operations: create, modify, describe, list.

use serde::{Deserialize, Serialize};

use super::Tag;

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
