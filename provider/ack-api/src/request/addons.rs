//! Requests of addons and cluster inspection.

use super::{json, seg, ApiRequest};
use crate::model::{
    CreateInspectConfig, InstallAddon, UninstallAddon, UpdateInspectConfig, UpgradeAddon,
};

impl ApiRequest {
    /// InstallClusterAddons (body: a top-level array).
    pub fn install_addons(cluster: &str, addons: &[InstallAddon]) -> ApiRequest {
        ApiRequest {
            body: json(&addons),
            ..ApiRequest::new(
                "InstallClusterAddons",
                "POST",
                format!("/clusters/{}/components/install", seg(cluster)),
            )
        }
    }
    /// UnInstallClusterAddons (body: the `addons` array, top-level).
    pub fn uninstall_addons(cluster: &str, addons: &[UninstallAddon]) -> ApiRequest {
        ApiRequest {
            body: json(&addons),
            ..ApiRequest::new(
                "UnInstallClusterAddons",
                "POST",
                format!("/clusters/{}/components/uninstall", seg(cluster)),
            )
        }
    }
    /// UpgradeClusterAddons (body: a top-level array).
    pub fn upgrade_addons(cluster: &str, addons: &[UpgradeAddon]) -> ApiRequest {
        ApiRequest {
            body: json(&addons),
            ..ApiRequest::new(
                "UpgradeClusterAddons",
                "POST",
                format!("/clusters/{}/components/upgrade", seg(cluster)),
            )
        }
    }
    /// DescribeClusterAddonInstance: one installed addon (answers
    /// [`crate::model::AddonInstance`]; `AddonNotFound` when not installed).
    pub fn describe_addon_instance(cluster: &str, addon: &str) -> ApiRequest {
        ApiRequest::new(
            "DescribeClusterAddonInstance",
            "GET",
            format!(
                "/clusters/{}/components/{}/instance",
                seg(cluster),
                seg(addon)
            ),
        )
    }
    /// ListClusterAddonInstances.
    pub fn list_addon_instances(cluster: &str) -> ApiRequest {
        ApiRequest::new(
            "ListClusterAddonInstances",
            "GET",
            format!("/clusters/{}/addon_instances", seg(cluster)),
        )
    }
    /// DescribeClusterAddonsVersion: installed addons with their next version.
    pub fn addons_version(cluster: &str) -> ApiRequest {
        ApiRequest::new(
            "DescribeClusterAddonsVersion",
            "GET",
            format!("/clusters/{}/components/version", seg(cluster)),
        )
    }
    /// DescribeAddon: one addon of the catalogue for a cluster (filter with
    /// `cluster_id`, or `cluster_spec` + `cluster_version`, and `version`).
    pub fn describe_addon(addon: &str) -> ApiRequest {
        ApiRequest::new("DescribeAddon", "GET", format!("/addons/{}", seg(addon)))
    }
    pub fn create_inspect_config(cluster: &str, req: &CreateInspectConfig) -> ApiRequest {
        ApiRequest {
            body: json(req),
            ..ApiRequest::new(
                "CreateClusterInspectConfig",
                "POST",
                format!("/clusters/{}/inspectConfig", seg(cluster)),
            )
        }
    }
    pub fn update_inspect_config(cluster: &str, req: &UpdateInspectConfig) -> ApiRequest {
        ApiRequest {
            body: json(req),
            ..ApiRequest::new(
                "UpdateClusterInspectConfig",
                "PUT",
                format!("/clusters/{}/inspectConfig", seg(cluster)),
            )
        }
    }
    pub fn get_inspect_config(cluster: &str) -> ApiRequest {
        ApiRequest::new(
            "GetClusterInspectConfig",
            "GET",
            format!("/clusters/{}/inspectConfig", seg(cluster)),
        )
    }
    pub fn delete_inspect_config(cluster: &str) -> ApiRequest {
        ApiRequest::new(
            "DeleteClusterInspectConfig",
            "DELETE",
            format!("/clusters/{}/inspectConfig", seg(cluster)),
        )
    }
    /// ListClusterInspectReports, newest first, `max_results` per page.
    pub fn list_inspect_reports(cluster: &str, max_results: u32) -> ApiRequest {
        ApiRequest::new(
            "ListClusterInspectReports",
            "GET",
            format!("/clusters/{}/inspectReports", seg(cluster)),
        )
        .with_query("maxResults", max_results.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addon_bodies_are_top_level_arrays() {
        let r = ApiRequest::uninstall_addons(
            "c1",
            &[UninstallAddon {
                name: "csi-plugin".into(),
                cleanup_cloud_resources: true,
            }],
        );
        assert_eq!(r.path, "/clusters/c1/components/uninstall");
        let body = String::from_utf8(r.body.unwrap_or_default()).unwrap();
        assert_eq!(
            body,
            r#"[{"name":"csi-plugin","cleanup_cloud_resources":true}]"#
        );
        let r = ApiRequest::update_inspect_config(
            "c1",
            &UpdateInspectConfig {
                schedule_time: Some("FREQ=DAILY;BYHOUR=1;BYMINUTE=0".into()),
                ..Default::default()
            },
        );
        assert_eq!(r.method, "PUT");
        let body = String::from_utf8(r.body.unwrap_or_default()).unwrap();
        assert_eq!(body, r#"{"scheduleTime":"FREQ=DAILY;BYHOUR=1;BYMINUTE=0"}"#);
        assert_eq!(
            ApiRequest::list_inspect_reports("c1", 1).path_and_query(),
            "/clusters/c1/inspectReports?maxResults=1"
        );
    }
}
