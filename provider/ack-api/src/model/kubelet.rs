//! Node settings of a pool: the kubelet configuration (`KubeletConfig` in
//! the SDK, camelCase on the wire) sent in CreateClusterNodePool's
//! `node_config.kubelet_configuration` and ModifyNodePoolNodeConfig's
//! `kubelet_config`, and reported by DescribeClusterNodePoolDetail.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The documented kubelet settings the provider manages, typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KubeletConfig {
    /// `none` or `static`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cpu_manager_policy: Option<String>,
    /// `none`, `restricted`, `best-effort` or `single-numa-node`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub topology_manager_policy: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_pods: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pod_pids_limit: Option<i64>,
    /// Signal (`memory.available`, …) → quantity or percentage.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub eviction_hard: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub eviction_soft: BTreeMap<String, String>,
    /// Signal → duration.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub eviction_soft_grace_period: BTreeMap<String, String>,
    /// Resource (`cpu`, `memory`, …) → quantity.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub kube_reserved: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub system_reserved: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub feature_gates: BTreeMap<String, bool>,
    #[serde(
        default,
        rename = "imageGCHighThresholdPercent",
        skip_serializing_if = "Option::is_none"
    )]
    pub image_gc_high_threshold_percent: Option<u32>,
    #[serde(
        default,
        rename = "imageGCLowThresholdPercent",
        skip_serializing_if = "Option::is_none"
    )]
    pub image_gc_low_threshold_percent: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub container_log_max_files: Option<u32>,
    /// A quantity such as `10Mi`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub container_log_max_size: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub serialize_image_pulls: Option<bool>,
    #[serde(
        default,
        rename = "registryPullQPS",
        skip_serializing_if = "Option::is_none"
    )]
    pub registry_pull_qps: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registry_burst: Option<u32>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allowed_unsafe_sysctls: Vec<String>,
}

impl KubeletConfig {
    pub fn is_empty(&self) -> bool {
        *self == KubeletConfig::default()
    }
}

/// `node_config` of CreateClusterNodePool and DescribeClusterNodePoolDetail.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NodeConfig {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kubelet_configuration: Option<KubeletConfig>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node_os_config: Option<NodeOsConfig>,
}

/// The nodes' operating system settings: `node_config.node_os_config` of
/// CreateClusterNodePool and the detail, `os_config` of
/// ModifyNodePoolNodeConfig.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NodeOsConfig {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hugepage: Option<Hugepage>,
    /// Kernel parameters (`net.core.somaxconn` → `"32768"`); clusters of
    /// 1.28 or later.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub sysctl: BTreeMap<String, String>,
}

impl NodeOsConfig {
    pub fn is_empty(&self) -> bool {
        *self == NodeOsConfig::default()
    }
}

/// Transparent huge pages (the SDK's `Hugepage`, camelCase on the wire).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Hugepage {
    /// `always`, `madvise` or `never`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transparent_enabled: Option<String>,
    /// `always`, `defer`, `defer+madvise`, `madvise` or `never`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transparent_defrag: Option<String>,
    /// `0` or `1`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub khugepaged_defrag: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub khugepaged_alloc_sleep_millisecs: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub khugepaged_pages_to_scan: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub khugepaged_scan_sleep_millisecs: Option<i64>,
}

/// `PUT /clusters/{id}/nodepools/{np}/node_config`
/// (ModifyNodePoolNodeConfig): the whole kubelet configuration and the OS
/// settings (each replaced as a whole when sent), rolled out
/// to the pool's nodes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NodeConfigRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kubelet_config: Option<KubeletConfig>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub os_config: Option<NodeOsConfig>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rolling_policy: Option<RollingPolicy>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RollingPolicy {
    /// Nodes changed at once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_parallelism: Option<u32>,
}
