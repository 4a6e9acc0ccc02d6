//! Cluster features: KMS encryption, the scheduler addon, backup policies,
//! version metadata.

use tokio_util::sync::CancellationToken;

use super::{Client, Result};
use ack_api::model::{
    AddonConfigRequest, AddonInstance, BackupPolicy, KmsEncryptionRequest, UserQuota,
    VersionMetadata,
};
use ack_api::request::ApiRequest;

impl Client {
    pub async fn update_kms(
        &self,
        cluster_id: &str,
        req: &KmsEncryptionRequest,
        cancel: &CancellationToken,
    ) -> Result<()> {
        self.send(&ApiRequest::update_kms(cluster_id, req), cancel)
            .await
            .map(|_| ())
    }

    pub async fn set_scheduler(
        &self,
        cluster_id: &str,
        config_json: &str,
        cancel: &CancellationToken,
    ) -> Result<()> {
        let req = AddonConfigRequest {
            config: config_json.to_owned(),
        };
        self.send(
            &ApiRequest::modify_addon(cluster_id, "kube-scheduler", &req),
            cancel,
        )
        .await
        .map(|_| ())
    }

    pub async fn scheduler(
        &self,
        cluster_id: &str,
        cancel: &CancellationToken,
    ) -> Result<AddonInstance> {
        self.json(
            &ApiRequest::addon_instance(cluster_id, "kube-scheduler"),
            cancel,
        )
        .await
    }

    pub async fn backup_policy(
        &self,
        cluster_id: &str,
        cancel: &CancellationToken,
    ) -> Result<Option<BackupPolicy>> {
        match self
            .json(&ApiRequest::describe_backup_policy(cluster_id), cancel)
            .await
        {
            Ok(p) => Ok(Some(p)),
            Err(e) if e.is_not_found() => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// The account's quotas (DescribeUserQuota).
    pub async fn user_quota(&self, cancel: &CancellationToken) -> Result<UserQuota> {
        self.json(&ApiRequest::describe_user_quota(), cancel).await
    }

    pub async fn versions(&self, cancel: &CancellationToken) -> Result<Vec<VersionMetadata>> {
        self.json(&ApiRequest::versions(), cancel).await
    }

    /// DescribeClusterUserKubeconfig: a temporary kubeconfig (see
    /// [`ApiRequest::user_kubeconfig`]). The answer holds a private key.
    pub async fn user_kubeconfig(
        &self,
        cluster_id: &str,
        private_ip: bool,
        minutes: Option<u32>,
        cancel: &CancellationToken,
    ) -> Result<ack_api::model::UserKubeconfig> {
        let req = ApiRequest::user_kubeconfig(cluster_id, private_ip, minutes);
        self.json(&req, cancel).await
    }
}
