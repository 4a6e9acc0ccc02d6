//! Cluster features: KMS secret encryption, addons (the scheduler profile), etcd backup policies.

use serde::{Deserialize, Serialize};

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
