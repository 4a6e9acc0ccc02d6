//! `ack_addon` under real terraform: install, reconfigure, upgrade and
//! remove each plan as what they are and apply through the API; config
//! formatting never plans a diff; the catalog's refusals at plan time.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use acceptance_tests::{change, values, Case, Emulator};
use tfplugin_testing::actions_for;

fn cluster(edition: &str) -> String {
    format!("resource \"ack_cluster\" \"main\" {{\n  name    = \"addons\"\n  vpc_id      = \"vpc-ack00000000000000001\"\n  vswitch_ids = [\"vsw-ack00000000000000001\"]\n  pod_cidr    = \"172.20.0.0/16\"\n  edition = \"{edition}\"\n}}\n")
}

fn addon(label: &str, body: &str) -> String {
    format!("resource \"ack_addon\" \"{label}\" {{\n  cluster_name = ack_cluster.main.name\n{body}\n}}\n")
}

#[test]
fn addon_full_cycle_install_configure_upgrade_remove() {
    let emu = Emulator::start();
    let Some(case) = Case::new(&emu) else { return };
    let base = cluster("standard");
    case.step(&base);
    // Install, with the config written by hand (order and whitespace are
    // the user's), and one with no version: the newest, known at plan time.
    let csi = |config: &str, version: &str| {
        addon(
            "csi",
            &format!("  name    = \"csi-plugin\"\n  version = \"{version}\"\n  config  = {config}"),
        )
    };
    let hand = "<<-EOT\n    {  \"FuseType\" :  \"ossfs\"  }\n  EOT";
    let logs = addon("logs", "  name = \"logtail-ds\"");
    let body = format!("{base}{}{logs}", csi(hand, "v1.30.3-aliyun.1"));
    let plan = case.step(&body);
    assert_eq!(actions_for(&plan, "ack_addon.csi"), ["create"]);
    assert_eq!(
        change(&plan, "ack_addon.logs")["after"]["version"],
        "v1.8.3.0-aliyun",
        "the newest version is known at plan time"
    );
    let id = values(&case.dir, "ack_addon.csi")["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(id.ends_with(":csi-plugin"), "{id}");
    assert_eq!(emu.requests("InstallClusterAddons"), 2);
    // The same configuration spelled differently: no diff.
    case.config(&format!(
        "{base}{}{logs}",
        csi("jsonencode({ FuseType = \"ossfs\" })", "v1.30.3-aliyun.1")
    ));
    case.dir.assert_empty_plan(false);
    case.dir.assert_empty_plan(true);
    // A config edit is an in-place update through ModifyClusterAddon.
    let configured = format!(
        "{base}{}{logs}",
        csi("jsonencode({ FuseType = \"ossfs2\" })", "v1.30.3-aliyun.1")
    );
    let plan = case.step(&configured);
    assert_eq!(actions_for(&plan, "ack_addon.csi"), ["update"]);
    assert_eq!(emu.requests("ModifyClusterAddon"), 1);
    assert_eq!(emu.requests("UpgradeClusterAddons"), 0);
    // A version change is an in-place upgrade through UpgradeClusterAddons.
    let upgraded = configured.replace("v1.30.3-aliyun.1", "v1.32.1-aliyun.1");
    let plan = case.step(&upgraded);
    assert_eq!(actions_for(&plan, "ack_addon.csi"), ["update"]);
    assert_eq!(emu.requests("UpgradeClusterAddons"), 1);
    assert_eq!(
        values(&case.dir, "ack_addon.csi")["version"],
        "v1.32.1-aliyun.1"
    );
    case.import_verify(&emu, &upgraded, "ack_addon.csi", &id);
    // A downgrade is refused at plan time, at `version`.
    case.config(&upgraded.replace("v1.32.1-aliyun.1", "v1.31.4-aliyun.1"));
    let out = case.dir.run(&["plan", "-no-color"]).failure();
    assert!(
        out.contains("cannot be downgraded") && out.contains("version"),
        "{out}"
    );
    // Removing it uninstalls it (with the cleanup option).
    let plan = case.step(&format!("{base}{logs}"));
    assert_eq!(actions_for(&plan, "ack_addon.csi"), ["delete"]);
    assert_eq!(emu.requests("UnInstallClusterAddons"), 1);
    let cluster_id = id.split(':').next().unwrap().to_owned();
    let gone =
        emu.outside(async |c, cancel| c.addon(&cluster_id, "csi-plugin", &cancel).await.unwrap());
    assert!(gone.is_none());
    case.destroy();
    assert_eq!(emu.stats()["clusters"], 0);
}

#[test]
fn addon_refusals_at_plan_time() {
    let emu = Emulator::start();
    let Some(case) = Case::new(&emu) else { return };
    let base = cluster("standard");
    case.step(&base);
    let cases = [
        (
            addon("a", "  name = \"security-inspector\""),
            "needs ACK Pro",
            "name",
        ),
        (
            addon("a", "  name = \"ack-control-plane-metrics\""),
            "needs ACK Pro",
            "name",
        ),
        (
            addon("a", "  name = \"no-such-addon\""),
            "Unknown addon",
            "name",
        ),
        (
            addon(
                "a",
                "  name    = \"csi-plugin\"\n  version = \"v1.33.0-aliyun.1\"",
            ),
            "cannot run csi-plugin v1.33.0-aliyun.1",
            "version",
        ),
        (
            addon(
                "a",
                "  name   = \"logtail-ds\"\n  config = jsonencode({ nope = 1 })",
            ),
            "Invalid addon configuration",
            "config",
        ),
        (
            addon("a", "  name   = \"logtail-ds\"\n  config = \"[1]\""),
            "JSON object",
            "config",
        ),
        (
            addon("a", "  name = \"kube-scheduler\""),
            "ack_scheduler_profile",
            "name",
        ),
    ];
    for (extra, message, attribute) in &cases {
        case.config(&format!("{base}{extra}"));
        let out = case.dir.run(&["plan", "-no-color"]).failure();
        assert!(out.contains(message), "expected {message:?}:\n{out}");
        assert!(
            out.contains(&format!("{attribute} =")),
            "points at {attribute}:\n{out}"
        );
    }
    // A Pro-only addon on a new standard cluster: refused in the same plan.
    let fresh = format!(
        "{}{}",
        cluster("standard").replace("\"addons\"", "\"fresh\""),
        addon("a", "  name = \"security-inspector\"")
    );
    case.config(&fresh);
    let out = case.dir.run(&["plan", "-no-color"]).failure();
    assert!(out.contains("needs ACK Pro"), "{out}");
    // Upgrading the cluster to pro in the same apply makes it fine.
    case.config(&format!(
        "{}{}",
        cluster("pro"),
        addon("a", "  name = \"security-inspector\"")
    ));
    case.dir.run(&["plan", "-no-color"]).success();
    // An addon the new cluster's create-time `addons` list already has.
    let declared = format!(
        "{}{}",
        cluster("standard")
            .replace("\"addons\"", "\"declared\"")
            .replace(
                "edition = \"standard\"",
                "edition = \"standard\"\n  addons  = [{ name = \"csi-plugin\" }]"
            ),
        addon("a", "  name = \"csi-plugin\"")
    );
    case.config(&declared);
    let out = case.dir.run(&["plan", "-no-color"]).failure();
    assert!(out.contains("Addon declared twice"), "{out}");
    assert_eq!(
        emu.requests("InstallClusterAddons"),
        0,
        "nothing was installed"
    );
    case.config(&base);
    case.destroy();
}

#[test]
fn platform_addon_is_adopted_and_never_removed() {
    let emu = Emulator::start();
    let Some(case) = Case::new(&emu) else { return };
    let base = cluster("standard");
    case.step(&base);
    let body = format!("{base}{}", addon("net", "  name = \"flannel\""));
    let plan = case.step(&body);
    assert_eq!(actions_for(&plan, "ack_addon.net"), ["create"]);
    assert_eq!(
        emu.requests("InstallClusterAddons"),
        0,
        "adopted, not installed"
    );
    let id = values(&case.dir, "ack_addon.net")["id"]
        .as_str()
        .unwrap()
        .to_owned();
    case.import_verify(&emu, &body, "ack_addon.net", &id);
    // Removing the resource says the addon stays, and uninstalls nothing.
    case.config(&base);
    let out = case.dir.run(&["plan", "-no-color"]).success();
    let text = out
        .stdout()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(text.contains("cannot be removed"), "{text}");
    case.dir.apply();
    assert_eq!(emu.requests("UnInstallClusterAddons"), 0);
    case.destroy();
}
