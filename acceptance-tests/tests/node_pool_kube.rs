//! Kubernetes on a pool's nodes (#18) under real terraform: runtime, CPU
//! policy, scripts that never diff when equal (alicloud issue 3820),
//! unschedulable, node names and the typed kubelet configuration, changed
//! in place through ModifyNodePoolNodeConfig.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use acceptance_tests::{hcl, values, Case, Emulator};
use tfplugin_testing::actions_for;

/// A cluster and one pool `k` with every Kubernetes setting of a pool's
/// nodes; `script` is the `user_data` expression, `kubelet` the lines of
/// `kubelet_configuration`.
fn config(script: &str, kubelet: &str) -> String {
    let pool = hcl::pool("k", "main", "k")
        .set("desired_size", 1)
        .str("runtime", "containerd")
        .str("runtime_version", "1.6.28")
        .str("cpu_policy", "static")
        .set("unschedulable", true)
        .str("node_name_mode", "customized,worker,ip,prod")
        .set("user_data", script)
        .str("pre_user_data", "echo before")
        .set("kubelet_configuration", format!("{{\n{kubelet}\n  }}"));
    format!("{}{pool}", hcl::cluster("main", "kube"))
}

const KUBELET: &str = r#"    max_pods                        = 110
    cpu_manager_policy              = "static"
    eviction_hard                   = { "memory.available" = "200Mi", "nodefs.available" = "10%" }
    eviction_soft                   = { "memory.available" = "500Mi" }
    eviction_soft_grace_period      = { "memory.available" = "1m30s" }
    kube_reserved                   = { cpu = "500m", memory = "1Gi" }
    system_reserved                 = { cpu = "200m" }
    feature_gates                   = { InPlacePodVerticalScaling = true }
    image_gc_high_threshold_percent = 85
    image_gc_low_threshold_percent  = 80
    container_log_max_files         = 5
    container_log_max_size          = "20Mi"
    serialize_image_pulls           = false
    allowed_unsafe_sysctls          = ["net.core.somaxconn"]"#;

#[test]
fn kubernetes_settings_apply_import_and_equal_scripts_never_diff() {
    let emu = Emulator::start();
    let Some(case) = Case::new(&emu) else { return };
    let text = config("\"#!/bin/sh\\necho hi\\n\"", KUBELET);
    case.step(&text);
    let v = values(&case.dir, "ack_node_pool.k");
    assert_eq!(v["kubelet_configuration"]["max_pods"], 110);
    let id = v["id"].as_str().unwrap().to_owned();

    // The same script with CRLF line ends, or as Base64: no change.
    for same in [
        "\"#!/bin/sh\\r\\necho hi  \\r\\n\"",
        "base64encode(\"#!/bin/sh\\necho hi\\n\")",
    ] {
        case.config(&config(same, KUBELET));
        case.dir.assert_empty_plan(true);
    }

    // A kubelet change rolls out in place through ModifyNodePoolNodeConfig,
    // and leaves the rest alone.
    let before = emu.requests("ModifyNodePoolNodeConfig");
    let more = config(
        "\"#!/bin/sh\\necho hi\\n\"",
        &KUBELET.replace("= 110", "= 64"),
    );
    let plan = case.step(&more);
    assert_eq!(actions_for(&plan, "ack_node_pool.k"), ["update"]);
    assert_eq!(emu.requests("ModifyNodePoolNodeConfig"), before + 1);
    let v = values(&case.dir, "ack_node_pool.k");
    assert_eq!(
        (
            v["id"].as_str(),
            v["kubelet_configuration"]["max_pods"].as_i64()
        ),
        (Some(id.as_str()), Some(64))
    );
    assert_eq!(v["cpu_policy"], "static");

    // Another script changes in place; a node name scheme replaces.
    let other = more.replace("echo hi", "echo there");
    let plan = case.step(&other);
    assert_eq!(actions_for(&plan, "ack_node_pool.k"), ["update"]);
    case.config(&other.replace("ip,prod", "ip,test"));
    let plan = case.dir.plan(&[]);
    assert_eq!(actions_for(&plan, "ack_node_pool.k"), ["delete", "create"]);

    case.import_verify(&emu, &other, "ack_node_pool.k", &id);
    case.destroy();
}

#[test]
fn kubelet_rules_fail_at_plan_time_at_the_key() {
    let emu = Emulator::start();
    let Some(case) = Case::new(&emu) else { return };
    case.config(&config(
        "\"echo\"",
        "    eviction_soft = { \"memory.available\" = \"1Gi\" }\n    max_pods = 500",
    ));
    let out = case.dir.run(&["plan", "-no-color"]).failure();
    assert!(
        out.contains("kubelet_configuration.eviction_soft[\"memory.available\"]"),
        "{out}"
    );
    assert!(out.contains("max_pods"), "{out}");
    assert_eq!(emu.mutations(), 0);
}
