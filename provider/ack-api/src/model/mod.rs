//! Request and response bodies of the CS 2015-12-15 operations we use
//! (snake_case JSON, as on the wire), plus the emulator's documented
//! extension for etcd backup policies. Unknown fields are ignored when
//! reading responses, so newer API fields never break a client.

use serde::{Deserialize, Serialize};

mod addons;
mod catalog;
mod cluster;
mod features;
mod kubelet;
mod node_pool;
mod pool_upgrade;

pub use addons::*;
pub use catalog::*;
pub use cluster::*;
pub use features::*;
pub use kubelet::*;
pub use node_pool::*;
pub use pool_upgrade::*;

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

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageInfo {
    pub page_number: u32,
    pub page_size: u32,
    pub total_count: u64,
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
