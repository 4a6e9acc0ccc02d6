//! A pool's operating system settings (#18, `node_os_config`) under real
//! terraform: transparent huge pages and kernel parameters sent at create,
//! read back and imported with no diff, changed in place through
//! ModifyNodePoolNodeConfig, and bad values refused at plan with their path.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use acceptance_tests::{hcl, values, Case, Emulator};
use tfplugin_testing::actions_for;

fn config(os: &str) -> String {
    let pool = hcl::pool("os", "main", "os")
        .set("desired_size", 1)
        .set("node_os_config", format!("{{\n{os}\n  }}"));
    format!("{}{pool}", hcl::cluster("main", "os"))
}

const FIRST: &str = r#"    hugepage = { transparent_enabled = "madvise", transparent_defrag = "defer+madvise", khugepaged_defrag = 1 }
    sysctl   = { "vm.max_map_count" = "262144", "net.core.somaxconn" = "32768" }"#;

#[test]
fn os_settings_apply_import_change_in_place_and_are_checked() {
    let emu = Emulator::start();
    let Some(case) = Case::new(&emu) else { return };
    let first = config(FIRST);
    case.step(&first);
    let v = values(&case.dir, "ack_node_pool.os");
    assert_eq!(v["node_os_config"]["sysctl"]["vm.max_map_count"], "262144");
    assert_eq!(v["node_os_config"]["hugepage"]["khugepaged_defrag"], 1);
    let id = v["id"].as_str().unwrap().to_owned();
    case.import_verify(&emu, &first, "ack_node_pool.os", &id);

    // A changed kernel parameter rolls out in place, as one OS-only request.
    let changed = config(&FIRST.replace("\"32768\"", "\"65535\""));
    let plan = case.step(&changed);
    assert_eq!(actions_for(&plan, "ack_node_pool.os"), ["update"]);
    let sent = emu.request_log("ModifyNodePoolNodeConfig");
    assert_eq!(sent.len(), 1, "{sent:?}");
    let body = &sent[0]["body"];
    assert_eq!(body["os_config"]["sysctl"]["net.core.somaxconn"], "65535");
    assert_eq!(
        body["os_config"]["hugepage"]["transparentEnabled"], "madvise",
        "the whole OS setting goes, camelCase as the SDK sends it"
    );
    assert!(
        body["kubelet_config"].is_null(),
        "the kubelet was not touched: {body}"
    );
    assert_eq!(emu.requests("ModifyClusterNodePool"), 0);

    // Bad values stop the plan at their path, before any request.
    let bad = config(
        r#"    hugepage = { transparent_enabled = "sometimes" }
    sysctl   = { "somaxconn" = "1" }"#,
    );
    case.config(&bad);
    let out = case.dir.run(&["plan", "-no-color"]).failure();
    assert!(out.contains("transparent_enabled"), "{out}");
    assert!(out.contains("somaxconn"), "{out}");
    case.config(&changed);
    case.destroy();
}
