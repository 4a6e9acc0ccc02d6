//! Cluster features: KMS encryption, the scheduler addon, backup policies,
//! version metadata.

use std::time::{Duration, Instant};

use tokio_util::sync::CancellationToken;

use super::{human, Client, Result};
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

    /// Sets (or, with `disable_encryption`, turns off) the Secrets
    /// encryption key and waits for the cluster to run again, within
    /// `timeout`. The service allows one key change per few minutes and
    /// refuses others as a conflict; the retry runner waits that out like
    /// any busy answer.
    pub async fn set_kms(
        &self,
        cluster_id: &str,
        req: &KmsEncryptionRequest,
        timeout: Duration,
        cancel: &CancellationToken,
    ) -> Result<()> {
        let client = self.until(timeout);
        client.update_kms(cluster_id, req, cancel).await?;
        client.wait_running(cluster_id, timeout, cancel).await?;
        Ok(())
    }

    /// Sets the kube-scheduler addon's configuration and waits until the
    /// addon is active with it, within `timeout`. A busy addon or cluster
    /// is waited out by the retry runner.
    pub async fn configure_scheduler(
        &self,
        cluster_id: &str,
        config_json: &str,
        timeout: Duration,
        cancel: &CancellationToken,
    ) -> Result<()> {
        let client = self.until(timeout);
        client
            .set_scheduler(cluster_id, config_json, cancel)
            .await?;
        let start = Instant::now();
        let mut delay = Duration::from_millis(50);
        loop {
            let addon = client.scheduler(cluster_id, cancel).await?;
            if addon.state == "active" {
                return Ok(());
            }
            let waiting = format!(
                "the kube-scheduler addon of cluster {cluster_id} to apply its configuration (it is {} after {})",
                addon.state,
                human(start.elapsed())
            );
            client.pause(cancel, delay, &waiting, None).await?;
            delay = (delay * 2).min(Duration::from_secs(5));
        }
    }

    /// UpdateControlPlaneLog (no components: collection off), then waits
    /// for the cluster to run again, within `timeout`.
    pub async fn set_control_plane_log(
        &self,
        cluster_id: &str,
        log: &ack_api::model::ControlPlaneLog,
        timeout: Duration,
        cancel: &CancellationToken,
    ) -> Result<()> {
        let client = self.until(timeout);
        let req = ApiRequest::update_control_plane_log(cluster_id, log);
        client.send(&req, cancel).await?;
        client.wait_running(cluster_id, timeout, cancel).await?;
        Ok(())
    }

    /// CheckControlPlaneLogEnable.
    pub async fn control_plane_log(
        &self,
        cluster_id: &str,
        cancel: &CancellationToken,
    ) -> Result<ack_api::model::ControlPlaneLog> {
        self.json(&ApiRequest::control_plane_log(cluster_id), cancel)
            .await
    }

    /// UpdateClusterAuditLogConfig, then waits for the cluster to run
    /// again, within `timeout`.
    pub async fn set_audit_log(
        &self,
        cluster_id: &str,
        update: &ack_api::model::AuditLogUpdate,
        timeout: Duration,
        cancel: &CancellationToken,
    ) -> Result<()> {
        let client = self.until(timeout);
        let req = ApiRequest::update_audit_log(cluster_id, update);
        client.send(&req, cancel).await?;
        client.wait_running(cluster_id, timeout, cancel).await?;
        Ok(())
    }

    /// GetClusterAuditProject.
    pub async fn audit_project(
        &self,
        cluster_id: &str,
        cancel: &CancellationToken,
    ) -> Result<ack_api::model::AuditProject> {
        self.json(&ApiRequest::audit_project(cluster_id), cancel)
            .await
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
