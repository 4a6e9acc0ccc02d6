//! Addons of a cluster (InstallClusterAddons, UnInstallClusterAddons,
//! UpgradeClusterAddons, DescribeClusterAddonInstance,
//! ListClusterAddonInstances, DescribeClusterAddonsVersion, DescribeAddon)
//! and cluster inspection (CreateClusterInspectConfig,
//! UpdateClusterInspectConfig, GetClusterInspectConfig,
//! DeleteClusterInspectConfig, ListClusterInspectReports). Field names are
//! those of the official SDK's models.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// One element of InstallClusterAddons' body (a top-level JSON array).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstallAddon {
    pub name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub version: String,
    /// JSON string; empty for the addon's defaults.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub config: String,
}

/// One element of UnInstallClusterAddons' body (a top-level JSON array).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UninstallAddon {
    pub name: String,
    /// Also delete the cloud resources the addon created (load balancers,
    /// log projects, …).
    #[serde(default)]
    pub cleanup_cloud_resources: bool,
}

/// One element of UpgradeClusterAddons' body (a top-level JSON array).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpgradeAddon {
    pub component_name: String,
    pub next_version: String,
    /// The version installed now.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub version: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub config: String,
    /// `overwrite` or `canary`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub policy: String,
}

/// The answer of InstallClusterAddons, UnInstallClusterAddons and
/// UpgradeClusterAddons.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddonTask {
    #[serde(default)]
    pub cluster_id: String,
    #[serde(default)]
    pub request_id: String,
    #[serde(default)]
    pub task_id: String,
}

/// One element of ListClusterAddonInstances' `addons`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddonInstanceSummary {
    pub name: String,
    #[serde(default)]
    pub state: String,
    #[serde(default)]
    pub version: String,
}

/// `GET /clusters/{id}/addon_instances` (ListClusterAddonInstances).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddonInstanceList {
    #[serde(default)]
    pub addons: Vec<AddonInstanceSummary>,
}

/// One addon of DescribeClusterAddonsVersion (a map by addon name).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddonVersionStatus {
    pub component_name: String,
    #[serde(default)]
    pub version: String,
    #[serde(default)]
    pub next_version: String,
    #[serde(default)]
    pub can_upgrade: bool,
    #[serde(default)]
    pub required: bool,
    #[serde(default)]
    pub exist: bool,
    #[serde(default)]
    pub message: String,
}

/// `GET /clusters/{id}/components/version` (DescribeClusterAddonsVersion).
pub type AddonVersions = BTreeMap<String, AddonVersionStatus>;

/// A newer release in DescribeAddon's `newer_versions`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewerVersion {
    pub version: String,
    #[serde(default)]
    pub upgradable: bool,
    #[serde(default)]
    pub minimum_cluster_version: String,
}

/// `GET /addons/{name}` (DescribeAddon): ListAddons' fields for one addon,
/// and the versions the cluster could upgrade it to.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddonDetail {
    #[serde(flatten)]
    pub meta: super::AddonMeta,
    #[serde(default)]
    pub newer_versions: Vec<NewerVersion>,
}

/// `POST /clusters/{id}/inspectConfig` (CreateClusterInspectConfig).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateInspectConfig {
    pub enabled: bool,
    /// RFC 5545 recurrence rule (`FREQ=DAILY;BYHOUR=…;BYMINUTE=…`).
    pub recurrence: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub disabled_check_items: Vec<String>,
}

/// `PUT /clusters/{id}/inspectConfig` (UpdateClusterInspectConfig): the
/// recurrence rule is `scheduleTime` here.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdateInspectConfig {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schedule_time: Option<String>,
    /// `Some(empty)` clears the list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disabled_check_items: Option<Vec<String>>,
}

/// `GET /clusters/{id}/inspectConfig` (GetClusterInspectConfig).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InspectConfig {
    #[serde(default)]
    pub enabled: bool,
    #[serde(default)]
    pub recurrence: String,
    #[serde(default)]
    pub disabled_check_items: Vec<String>,
}

/// Counts of one inspection report's check results.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InspectSummary {
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub normal_count: u64,
    #[serde(default)]
    pub advice_count: u64,
    #[serde(default)]
    pub warn_count: u64,
    #[serde(default)]
    pub error_count: u64,
}

/// One report of ListClusterInspectReports.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InspectReport {
    pub report_id: String,
    #[serde(default)]
    pub start_time: String,
    #[serde(default)]
    pub end_time: String,
    /// `completed`, `running`, `failed`.
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub summary: InspectSummary,
}

/// `GET /clusters/{id}/inspectReports` (ListClusterInspectReports), newest first.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InspectReportList {
    #[serde(default)]
    pub reports: Vec<InspectReport>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub next_token: String,
}
