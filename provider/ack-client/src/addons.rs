//! Addons of a cluster and cluster inspection: each change is sent, then
//! waited for (the addon active at its new version, or gone) within the
//! caller's timeout; a busy addon or cluster is waited out by the retry
//! runner.

use std::time::{Duration, Instant};

use ack_api::model::{
    AddonDetail, AddonInstance, AddonList, CreateInspectConfig, InspectConfig, InspectReport,
    InspectReportList, InstallAddon, UninstallAddon, UpdateInspectConfig, UpgradeAddon,
};
use ack_api::request::ApiRequest;
use tokio_util::sync::CancellationToken;

use super::{human, Client, Result};

/// Which cluster a catalog question is about: an existing one, or the kind
/// of cluster a plan will create.
#[derive(Debug, Clone, Copy)]
pub enum AddonTarget<'a> {
    Cluster(&'a str),
    Kind {
        cluster_spec: &'a str,
        cluster_version: Option<&'a str>,
    },
}

impl AddonTarget<'_> {
    fn on(self, mut req: ApiRequest, region: &str) -> ApiRequest {
        match self {
            AddonTarget::Cluster(id) => req.with_query("cluster_id", id),
            AddonTarget::Kind {
                cluster_spec,
                cluster_version,
            } => {
                req = req
                    .with_query("cluster_spec", cluster_spec)
                    .with_query("cluster_type", "ManagedKubernetes")
                    .with_query("region_id", region);
                if let Some(v) = cluster_version {
                    req = req.with_query("cluster_version", v);
                }
                req
            }
        }
    }
}

impl Client {
    /// DescribeClusterAddonInstance: the addon as installed; `None` when it
    /// is not.
    pub async fn addon(
        &self,
        cluster_id: &str,
        name: &str,
        cancel: &CancellationToken,
    ) -> Result<Option<AddonInstance>> {
        let req = ApiRequest::describe_addon_instance(cluster_id, name);
        match self.json(&req, cancel).await {
            Ok(a) => Ok(Some(a)),
            Err(e) if e.is_not_found() && e.code() == Some("AddonNotFound") => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// ListAddons: the addons offered for `target`, each at the newest
    /// version it can run.
    pub async fn offered_addons(
        &self,
        target: AddonTarget<'_>,
        cancel: &CancellationToken,
    ) -> Result<AddonList> {
        let req = target.on(ApiRequest::list_addons(), self.region());
        self.json(&req, cancel).await
    }

    /// DescribeAddon at `version` for `target`: refused when `target` cannot
    /// run that version.
    pub async fn describe_addon(
        &self,
        name: &str,
        version: &str,
        target: AddonTarget<'_>,
        cancel: &CancellationToken,
    ) -> Result<AddonDetail> {
        let req = target
            .on(ApiRequest::describe_addon(name), self.region())
            .with_query("version", version);
        self.json(&req, cancel).await
    }

    /// Installs one addon and waits until it is active.
    pub async fn install_addon(
        &self,
        cluster_id: &str,
        addon: &InstallAddon,
        timeout: Duration,
        cancel: &CancellationToken,
    ) -> Result<AddonInstance> {
        let client = self.until(timeout);
        let req = ApiRequest::install_addons(cluster_id, std::slice::from_ref(addon));
        client.send(&req, cancel).await?;
        client.wait_addon(cluster_id, &addon.name, cancel).await
    }

    /// ModifyClusterAddon, then waits until the addon is active again.
    pub async fn configure_addon(
        &self,
        cluster_id: &str,
        name: &str,
        config: &str,
        timeout: Duration,
        cancel: &CancellationToken,
    ) -> Result<AddonInstance> {
        let client = self.until(timeout);
        let body = ack_api::model::AddonConfigRequest {
            config: config.to_owned(),
        };
        client
            .send(&ApiRequest::modify_addon(cluster_id, name, &body), cancel)
            .await?;
        client.wait_addon(cluster_id, name, cancel).await
    }

    /// UpgradeClusterAddons (policy `overwrite`), then waits until the addon
    /// is active again.
    pub async fn upgrade_addon(
        &self,
        cluster_id: &str,
        upgrade: &UpgradeAddon,
        timeout: Duration,
        cancel: &CancellationToken,
    ) -> Result<AddonInstance> {
        let client = self.until(timeout);
        let req = ApiRequest::upgrade_addons(cluster_id, std::slice::from_ref(upgrade));
        client.send(&req, cancel).await?;
        client
            .wait_addon(cluster_id, &upgrade.component_name, cancel)
            .await
    }

    /// UnInstallClusterAddons, then waits until the addon is gone.
    pub async fn uninstall_addon(
        &self,
        cluster_id: &str,
        addon: &UninstallAddon,
        timeout: Duration,
        cancel: &CancellationToken,
    ) -> Result<()> {
        let client = self.until(timeout);
        let req = ApiRequest::uninstall_addons(cluster_id, std::slice::from_ref(addon));
        client.send(&req, cancel).await?;
        let start = Instant::now();
        let mut delay = Duration::from_millis(50);
        while let Some(a) = client.addon(cluster_id, &addon.name, cancel).await? {
            let waiting = format!(
                "addon {} of cluster {cluster_id} to be uninstalled (it is {} after {})",
                addon.name,
                a.state,
                human(start.elapsed())
            );
            client.pause(cancel, delay, &waiting, None).await?;
            delay = (delay * 2).min(Duration::from_secs(5));
        }
        Ok(())
    }

    /// Waits until the addon is active; an addon that disappears is an
    /// error (`AddonNotFound`).
    async fn wait_addon(
        &self,
        cluster_id: &str,
        name: &str,
        cancel: &CancellationToken,
    ) -> Result<AddonInstance> {
        let start = Instant::now();
        let mut delay = Duration::from_millis(50);
        loop {
            let req = ApiRequest::describe_addon_instance(cluster_id, name);
            let a: AddonInstance = self.json(&req, cancel).await?;
            if a.state == "active" {
                return Ok(a);
            }
            let waiting = format!(
                "addon {name} of cluster {cluster_id} to become active (it is {} after {})",
                a.state,
                human(start.elapsed())
            );
            self.pause(cancel, delay, &waiting, None).await?;
            delay = (delay * 2).min(Duration::from_secs(5));
        }
    }

    /// GetClusterInspectConfig; `None` when inspection is not configured.
    pub async fn inspect_config(
        &self,
        cluster_id: &str,
        cancel: &CancellationToken,
    ) -> Result<Option<InspectConfig>> {
        match self
            .json(&ApiRequest::get_inspect_config(cluster_id), cancel)
            .await
        {
            Ok(c) => Ok(Some(c)),
            Err(e) if e.code() == Some("InspectConfigNotFound") => Ok(None),
            Err(e) => Err(e),
        }
    }

    pub async fn create_inspect_config(
        &self,
        cluster_id: &str,
        req: &CreateInspectConfig,
        cancel: &CancellationToken,
    ) -> Result<()> {
        let req = ApiRequest::create_inspect_config(cluster_id, req);
        self.send(&req, cancel).await.map(|_| ())
    }

    pub async fn update_inspect_config(
        &self,
        cluster_id: &str,
        req: &UpdateInspectConfig,
        cancel: &CancellationToken,
    ) -> Result<()> {
        let req = ApiRequest::update_inspect_config(cluster_id, req);
        self.send(&req, cancel).await.map(|_| ())
    }

    pub async fn delete_inspect_config(
        &self,
        cluster_id: &str,
        cancel: &CancellationToken,
    ) -> Result<()> {
        let req = ApiRequest::delete_inspect_config(cluster_id);
        self.send(&req, cancel).await.map(|_| ())
    }

    /// The newest inspection report, if any.
    pub async fn latest_inspect_report(
        &self,
        cluster_id: &str,
        cancel: &CancellationToken,
    ) -> Result<Option<InspectReport>> {
        let req = ApiRequest::list_inspect_reports(cluster_id, 1);
        let list: InspectReportList = self.json(&req, cancel).await?;
        Ok(list.reports.into_iter().next())
    }
}
