//! Node pool Kubernetes upgrades: UpgradeClusterNodepool's request, and the
//! node components DescribeClusterNodePoolDetail reports (the `kubelet`
//! component's version is the nodes' Kubernetes version).

use serde::{Deserialize, Serialize};

/// The node component whose version is the nodes' Kubernetes version.
pub const KUBELET: &str = "kubelet";

/// `POST /clusters/{id}/nodepools/{np}/upgrade` (UpgradeClusterNodepool).
/// Every field is optional: the service upgrades what is given (the
/// Kubernetes version, the OS image, the container runtime) on all the
/// pool's nodes unless `node_names` narrows them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpgradeNodePoolRequest {
    /// The nodes' Kubernetes version: one the control plane runs or older.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kubernetes_version: Option<String>,
    /// The nodes' OS image.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_id: Option<String>,
    /// `containerd` (the runtime's name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub runtime_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub runtime_version: Option<String>,
    /// Upgrade by replacing the nodes' system disks (default false: in place).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub use_replace: Option<bool>,
    /// The nodes to upgrade; all the pool's nodes when empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub node_names: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rolling_policy: Option<UpgradeRollingPolicy>,
    /// Skip warning-level pre-checks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ignore_warning_check: Option<bool>,
}

/// How the nodes of a pool are upgraded in batches.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpgradeRollingPolicy {
    /// Minutes between batches, 5–120, or 0 for none (with `NotPause` only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub batch_interval: Option<u32>,
    /// Failed nodes tolerated before the upgrade stops (default 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_failed_nodes: Option<u32>,
    /// Nodes upgraded at once, 1–10 (default 10).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_parallelism: Option<u32>,
    /// `FirstBatch`, `EveryBatch` or `NotPause`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pause_policy: Option<String>,
}

/// One component of a pool's nodes, as DescribeClusterNodePoolDetail
/// reports it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NodeComponent {
    pub name: String,
    #[serde(default)]
    pub version: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config: Option<serde_json::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config_revision: Option<String>,
}

impl super::NodePoolDetail {
    /// The nodes' Kubernetes version: the `kubelet` component's.
    pub fn kubelet_version(&self) -> Option<&str> {
        self.node_components
            .iter()
            .find(|c| c.name == KUBELET)
            .map(|c| c.version.as_str())
            .filter(|v| !v.is_empty())
    }

    /// Sets the `kubelet` component's version (adding the component).
    pub fn set_kubelet_version(&mut self, version: &str) {
        match self.node_components.iter_mut().find(|c| c.name == KUBELET) {
            Some(c) => version.clone_into(&mut c.version),
            None => self.node_components.push(NodeComponent {
                name: KUBELET.into(),
                version: version.to_owned(),
                ..Default::default()
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_has_the_sdk_names_and_leaves_out_what_is_unset() {
        let r = UpgradeNodePoolRequest {
            kubernetes_version: Some("1.31.1-aliyun.1".into()),
            rolling_policy: Some(UpgradeRollingPolicy {
                max_parallelism: Some(2),
                pause_policy: Some("NotPause".into()),
                ..Default::default()
            }),
            ..Default::default()
        };
        assert_eq!(
            serde_json::to_value(&r).unwrap(),
            serde_json::json!({
                "kubernetes_version": "1.31.1-aliyun.1",
                "rolling_policy": {"max_parallelism": 2, "pause_policy": "NotPause"}
            })
        );
    }

    #[test]
    fn kubelet_version_reads_the_kubelet_component() {
        let mut p: crate::model::NodePoolDetail = serde_json::from_value(serde_json::json!({
            "nodepool_info": {"name": "a"},
            "status": {"state": "active"},
            "node_components": [{"name": "containerd", "version": "1.6.38"}]
        }))
        .unwrap();
        assert_eq!(p.kubelet_version(), None);
        p.set_kubelet_version("1.30.7-aliyun.1");
        p.set_kubelet_version("1.31.1-aliyun.1");
        assert_eq!(p.kubelet_version(), Some("1.31.1-aliyun.1"));
        assert_eq!(p.node_components.len(), 2);
    }
}
