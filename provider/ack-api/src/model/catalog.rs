//! What the service offers, as it reports it: Kubernetes version metadata,
//! the account's quotas (DescribeUserQuota) and the addon catalogue
//! (ListAddons, DescribeAddons). Field names are those of the official SDK's
//! response models.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

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
    pub capabilities: BTreeMap<String, serde_json::Value>,
    /// Free-form metadata (`KubernetesVersion`, `SubClass`, …).
    #[serde(default)]
    pub meta_data: BTreeMap<String, serde_json::Value>,
}

/// A container runtime (`containerd`, `Sandboxed-Container.runv`, …).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Runtime {
    pub name: String,
    #[serde(default)]
    pub version: String,
}

/// `GET /quota` (DescribeUserQuota): the account's quotas in the region.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserQuota {
    /// Clusters of all types (default 50).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster_quota: Option<u64>,
    /// ACK managed clusters, Standard and Pro (default 20).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amk_cluster_quota: Option<u64>,
    /// ACK Serverless clusters (default 20).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ask_cluster_quota: Option<u64>,
    /// Node pools per cluster (default 20).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster_nodepool_quota: Option<u64>,
    /// Nodes per cluster.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node_quota: Option<u64>,
    /// The same quotas as Quota Center items; present items take precedence.
    #[serde(default)]
    pub quotas: BTreeMap<String, QuotaValue>,
}

/// One Quota Center item of [`UserQuota::quotas`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuotaValue {
    /// The value, as a decimal string.
    pub quota: String,
    #[serde(default)]
    pub operation_code: String,
    #[serde(default)]
    pub adjustable: bool,
    #[serde(default)]
    pub unit: String,
}

impl QuotaValue {
    /// The value as a number, when it is one.
    pub fn value(&self) -> Option<u64> {
        self.quota.trim().parse().ok()
    }
}

impl UserQuota {
    /// A quota by its top-level field name (`cluster_nodepool_quota`, …): the
    /// `quotas` item of that name when present (it takes precedence), else
    /// the field.
    pub fn get(&self, name: &str) -> Option<u64> {
        if let Some(v) = self.quotas.get(name).and_then(QuotaValue::value) {
            return Some(v);
        }
        match name {
            "cluster_quota" => self.cluster_quota,
            "amk_cluster_quota" => self.amk_cluster_quota,
            "ask_cluster_quota" => self.ask_cluster_quota,
            "cluster_nodepool_quota" => self.cluster_nodepool_quota,
            "node_quota" => self.node_quota,
            _ => None,
        }
    }

    /// Node pools allowed per cluster.
    pub fn node_pools_per_cluster(&self) -> Option<u64> {
        self.get("cluster_nodepool_quota")
    }

    /// Managed (Standard or Pro) clusters allowed in the region: the smaller
    /// of the managed-cluster quota and the all-types quota.
    pub fn managed_clusters(&self) -> Option<u64> {
        match (self.get("cluster_quota"), self.get("amk_cluster_quota")) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Nodes allowed per cluster.
    pub fn nodes_per_cluster(&self) -> Option<u64> {
        self.get("node_quota")
    }
}

/// `GET /addons` (ListAddons).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddonList {
    #[serde(default)]
    pub addons: Vec<AddonMeta>,
}

/// One addon of ListAddons.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddonMeta {
    pub name: String,
    #[serde(default)]
    pub version: String,
    #[serde(default)]
    pub category: String,
    /// JSON Schema of the addon's `config`, as a string.
    #[serde(default)]
    pub config_schema: String,
    #[serde(default)]
    pub install_by_default: bool,
    #[serde(default)]
    pub managed: bool,
    /// `Install`, `Upgrade`, `Modify`, `Uninstall`.
    #[serde(default)]
    pub supported_actions: Vec<String>,
    #[serde(default)]
    pub architecture: Vec<String>,
}

/// `GET /clusters/components/metadata` (DescribeAddons).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddonCatalog {
    #[serde(rename = "ComponentGroups", default)]
    pub component_groups: Vec<ComponentGroup>,
    #[serde(rename = "StandardComponents", default)]
    pub standard_components: BTreeMap<String, StandardComponent>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ComponentGroup {
    pub group_name: String,
    #[serde(default)]
    pub items: Vec<ComponentItem>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ComponentItem {
    pub name: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StandardComponent {
    pub name: String,
    #[serde(default)]
    pub version: String,
    #[serde(default)]
    pub description: String,
    /// `"true"` or `"false"`, a string in the API.
    #[serde(default)]
    pub required: String,
    #[serde(default)]
    pub disabled: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quota_items_take_precedence() {
        let mut q = UserQuota {
            cluster_quota: Some(50),
            amk_cluster_quota: Some(20),
            cluster_nodepool_quota: Some(20),
            node_quota: Some(100),
            ..Default::default()
        };
        assert_eq!(q.managed_clusters(), Some(20));
        assert_eq!(q.node_pools_per_cluster(), Some(20));
        q.quotas.insert(
            "cluster_nodepool_quota".into(),
            QuotaValue {
                quota: "30".into(),
                ..Default::default()
            },
        );
        assert_eq!(q.node_pools_per_cluster(), Some(30));
        let parsed: UserQuota =
            serde_json::from_str(r#"{"cluster_quota":3,"node_quota":7}"#).unwrap();
        assert_eq!(
            (parsed.managed_clusters(), parsed.nodes_per_cluster()),
            (Some(3), Some(7))
        );
        assert_eq!(parsed.node_pools_per_cluster(), None);
    }
}
