//! Addons and cluster inspection through the API: install, configure,
//! upgrade and uninstall as tasks; the catalog's tier, version, schema and
//! ownership rules with the service's codes; inspection on Pro only.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use ack_api::model::*;
use ack_api::request::ApiRequest;
use support::Emu;

fn install(name: &str, version: &str, config: &str) -> InstallAddon {
    InstallAddon {
        name: name.into(),
        version: version.into(),
        config: config.into(),
    }
}

#[tokio::test]
async fn addon_lifecycle_runs_as_tasks() {
    let emu = Emu::new();
    let id = emu.cluster("a", "ack.standard").await;
    let installed = emu
        .call(&ApiRequest::install_addons(
            &id,
            &[install(
                "csi-plugin",
                "v1.30.3-aliyun.1",
                r#"{ "FuseType": "ossfs" }"#,
            )],
        ))
        .await
        .ok();
    assert!(installed["task_id"].as_str().is_some_and(|t| !t.is_empty()));
    let (during, now) = emu
        .across_tick(&ApiRequest::describe_addon_instance(&id, "csi-plugin"))
        .await;
    assert_eq!(during["state"], "updating");
    assert_eq!(now["state"], "active");
    assert_eq!(now["config"], r#"{"FuseType":"ossfs"}"#);
    // Installed twice: refused.
    emu.call(&ApiRequest::install_addons(
        &id,
        &[install("csi-plugin", "", "")],
    ))
    .await
    .err(400, "AddonAlreadyInstalled");
    // Configure.
    let cfg = AddonConfigRequest {
        config: r#"{"FuseType":"ossfs2"}"#.into(),
    };
    emu.call(&ApiRequest::modify_addon(&id, "csi-plugin", &cfg))
        .await
        .ok();
    emu.call(&ApiRequest::modify_addon(&id, "csi-plugin", &cfg))
        .await
        .err(400, "ErrorAddonState");
    emu.tick();
    let bad = AddonConfigRequest {
        config: r#"{"FuseType":"nfs"}"#.into(),
    };
    emu.call(&ApiRequest::modify_addon(&id, "csi-plugin", &bad))
        .await
        .err(400, "InvalidParameter.AddonConfig");
    // Versions: the cluster's newest is offered.
    let versions = emu.call(&ApiRequest::addons_version(&id)).await.ok();
    assert_eq!(versions["csi-plugin"]["next_version"], "v1.32.1-aliyun.1");
    assert_eq!(versions["flannel"]["required"], true);
    // Upgrade: too new for the cluster, not newer, then fine.
    let up = |next: &str| UpgradeAddon {
        component_name: "csi-plugin".into(),
        next_version: next.into(),
        version: "v1.30.3-aliyun.1".into(),
        policy: "overwrite".into(),
        ..Default::default()
    };
    emu.call(&ApiRequest::upgrade_addons(&id, &[up("v1.30.3-aliyun.1")]))
        .await
        .err(400, "InvalidParameter.AddonVersion");
    emu.call(&ApiRequest::upgrade_addons(&id, &[up("v1.33.0-aliyun.1")]))
        .await
        .err(400, "InvalidParameter.AddonVersion");
    emu.call(&ApiRequest::upgrade_addons(&id, &[up("v1.32.1-aliyun.1")]))
        .await
        .ok();
    emu.tick();
    let now = emu
        .call(&ApiRequest::addon_instance(&id, "csi-plugin"))
        .await
        .ok();
    assert_eq!(now["version"], "v1.32.1-aliyun.1");
    assert_eq!(now["config"], r#"{"FuseType":"ossfs2"}"#);
    let list = emu.call(&ApiRequest::list_addon_instances(&id)).await.ok();
    let names: Vec<&str> = list["addons"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|a| a["name"].as_str())
        .collect();
    assert_eq!(names, ["flannel", "kube-scheduler", "csi-plugin"]);
    // Uninstall: the platform's own refused, others gone after the task.
    let gone = |name: &str| UninstallAddon {
        name: name.into(),
        cleanup_cloud_resources: true,
    };
    emu.call(&ApiRequest::uninstall_addons(&id, &[gone("flannel")]))
        .await
        .err(400, "AddonNotSupportUninstall");
    emu.call(&ApiRequest::uninstall_addons(&id, &[gone("csi-plugin")]))
        .await
        .ok();
    emu.tick();
    emu.call(&ApiRequest::describe_addon_instance(&id, "csi-plugin"))
        .await
        .err(404, "AddonNotFound");
    emu.call(&ApiRequest::uninstall_addons(&id, &[gone("csi-plugin")]))
        .await
        .err(404, "AddonNotFound");
}

#[tokio::test]
async fn catalog_rules_refuse_with_the_services_codes() {
    let emu = Emu::new();
    let std = emu.cluster("s", "ack.standard").await;
    let pro = emu.cluster("p", "ack.pro.small").await;
    // Each install in turn: the cluster, the addon, and the refusal's code
    // (none: installed).
    let cases = [
        (
            &std,
            install("security-inspector", "", ""),
            Some("ErrorClusterSpecNotSupported"),
        ),
        (&pro, install("security-inspector", "", ""), None),
        (
            &std,
            install("nope", "", ""),
            Some("InvalidParameter.AddonName"),
        ),
        (
            &std,
            install("logtail-ds", "v0.1", ""),
            Some("InvalidParameter.AddonVersion"),
        ),
        (
            &std,
            install("logtail-ds", "", r#"{"x":1}"#),
            Some("InvalidParameter.AddonConfig"),
        ),
    ];
    for (cluster, addon, refused) in cases {
        let reply = emu
            .call(&ApiRequest::install_addons(cluster, &[addon]))
            .await;
        match refused {
            Some(code) => {
                reply.err(400, code);
            }
            None => {
                reply.ok();
            }
        }
    }
    // ListAddons offers a standard cluster no Pro-only addon.
    let offered = emu
        .call(&ApiRequest::list_addons().with_query("cluster_id", &std))
        .await
        .ok();
    let names: Vec<&str> = offered["addons"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|a| a["name"].as_str())
        .collect();
    assert!(names.contains(&"csi-plugin") && !names.contains(&"security-inspector"));
    let described = emu
        .call(&ApiRequest::describe_addon("csi-plugin").with_query("cluster_id", &std))
        .await
        .ok();
    assert_eq!(described["version"], "v1.32.1-aliyun.1");
    assert_eq!(described["newer_versions"][0]["upgradable"], false);
    emu.call(
        &ApiRequest::describe_addon("csi-plugin")
            .with_query("cluster_id", &std)
            .with_query("version", "v1.33.0-aliyun.1"),
    )
    .await
    .err(400, "InvalidParameter.AddonVersion");
}

#[tokio::test]
async fn inspection_is_pro_only_and_reports() {
    let emu = Emu::new();
    let std = emu.cluster("s", "ack.standard").await;
    let pro = emu.cluster("p", "ack.pro.small").await;
    let create = |rule: &str| CreateInspectConfig {
        enabled: true,
        recurrence: rule.into(),
        disabled_check_items: vec!["NodeDiskPressure".into()],
    };
    let daily = "FREQ=DAILY;BYHOUR=3;BYMINUTE=0";
    emu.call(&ApiRequest::create_inspect_config(&std, &create(daily)))
        .await
        .err(400, "ErrorClusterSpecNotSupported");
    emu.call(&ApiRequest::create_inspect_config(
        &pro,
        &create("FREQ=WEEKLY;BYHOUR=3;BYMINUTE=0"),
    ))
    .await
    .err(400, "InvalidParameter.Recurrence");
    emu.call(&ApiRequest::get_inspect_config(&pro))
        .await
        .err(404, "InspectConfigNotFound");
    emu.call(&ApiRequest::create_inspect_config(&pro, &create(daily)))
        .await
        .ok();
    emu.call(&ApiRequest::create_inspect_config(&pro, &create(daily)))
        .await
        .err(409, "InspectConfigAlreadyExists");
    let update = UpdateInspectConfig {
        schedule_time: Some("FREQ=DAILY;BYHOUR=4;BYMINUTE=30".into()),
        disabled_check_items: Some(vec![]),
        ..Default::default()
    };
    emu.call(&ApiRequest::update_inspect_config(&pro, &update))
        .await
        .ok();
    let got = emu.call(&ApiRequest::get_inspect_config(&pro)).await.ok();
    assert_eq!(got["recurrence"], "FREQ=DAILY;BYHOUR=4;BYMINUTE=30");
    assert_eq!(got["enabled"], true);
    assert_eq!(got["disabledCheckItems"], serde_json::json!([]));
    let reports = emu
        .call(&ApiRequest::list_inspect_reports(&pro, 1))
        .await
        .ok();
    assert_eq!(reports["reports"][0]["status"], "completed");
    assert_eq!(reports["reports"][0]["summary"]["normalCount"], 6);
    emu.call(&ApiRequest::delete_inspect_config(&pro))
        .await
        .ok();
    emu.call(&ApiRequest::delete_inspect_config(&pro))
        .await
        .err(404, "InspectConfigNotFound");
}
