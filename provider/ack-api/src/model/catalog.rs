//! What the service offers, as it reports it: container runtimes of the
//! Kubernetes versions, the account's quota items (DescribeUserQuota) and
//! the addon catalogue (ListAddons, DescribeAddons). Field names are those
//! of the official SDK's response models.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::UserQuota;

/// A container runtime (`containerd`, `Sandboxed-Container.runv`, …).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Runtime {
    pub name: String,
    #[serde(default)]
    pub version: String,
}

/// The `quotas` member of DescribeUserQuota: the same quotas as Quota
/// Center items, keyed by the name of the [`UserQuota`] field they stand
/// for; an item present takes precedence over the field. Read from the same
/// body as [`UserQuota`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserQuotaItems {
    #[serde(default)]
    pub quotas: BTreeMap<String, QuotaValue>,
}

impl UserQuotaItems {
    /// `q` with every numeric item of `quotas` applied over its field.
    pub fn apply(&self, q: &UserQuota) -> UserQuota {
        let item = |name: &str, field: Option<u64>| {
            self.quotas.get(name).and_then(QuotaValue::value).or(field)
        };
        UserQuota {
            cluster_quota: item("cluster_quota", q.cluster_quota),
            cluster_nodepool_quota: item("cluster_nodepool_quota", q.cluster_nodepool_quota),
            node_quota: item("node_quota", q.node_quota),
            amk_cluster_quota: item("amk_cluster_quota", q.amk_cluster_quota),
            ask_cluster_quota: item("ask_cluster_quota", q.ask_cluster_quota),
        }
    }
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
    /// Node pools allowed per cluster.
    pub fn node_pools_per_cluster(&self) -> Option<u64> {
        self.cluster_nodepool_quota
    }

    /// Managed (Standard or Pro) clusters allowed in the region: the smaller
    /// of the managed-cluster quota and the all-types quota. This is the
    /// limit CreateCluster of a managed cluster meets.
    pub fn managed_clusters(&self) -> Option<u64> {
        match (self.cluster_quota, self.amk_cluster_quota) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Nodes allowed per cluster.
    pub fn nodes_per_cluster(&self) -> Option<u64> {
        self.node_quota
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
        let body = r#"{"cluster_quota":50,"amk_cluster_quota":20,"cluster_nodepool_quota":20,
            "node_quota":100,"quotas":{"cluster_nodepool_quota":{"quota":"30","operation_code":"q",
            "adjustable":true,"unit":"count"}}}"#;
        let q: UserQuota = serde_json::from_str(body).unwrap();
        assert_eq!(q.managed_clusters(), Some(20));
        assert_eq!(q.node_pools_per_cluster(), Some(20));
        let items: UserQuotaItems = serde_json::from_str(body).unwrap();
        assert_eq!(items.apply(&q).node_pools_per_cluster(), Some(30));
        let parsed: UserQuota =
            serde_json::from_str(r#"{"cluster_quota":3,"node_quota":7}"#).unwrap();
        assert_eq!(
            (parsed.managed_clusters(), parsed.nodes_per_cluster()),
            (Some(3), Some(7))
        );
        assert_eq!(parsed.node_pools_per_cluster(), None);
    }
}
