//! Every example in `examples/` is formatted and applies against the emulator.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;

use acceptance_tests::{Case, Emulator};

fn examples() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../examples")
}

fn read_all(kind: &str, file: &str) -> String {
    let mut dirs: Vec<_> = std::fs::read_dir(examples().join(kind))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    dirs.sort();
    dirs.iter()
        .map(|d| std::fs::read_to_string(d.join(file)).unwrap())
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn examples_are_formatted() {
    let Some(case) = Emulator::start_with(&[]).then_case() else {
        return;
    };
    let path = examples();
    case.dir
        .run(&[
            "fmt",
            "-check",
            "-recursive",
            "-diff",
            path.to_str().unwrap(),
        ])
        .success();
}

#[test]
fn every_example_applies_and_destroys() {
    let emu = Emulator::start();
    let Some(case) = Case::new(&emu) else { return };
    let resources = read_all("resources", "resource.tf");
    case.step(&resources);
    let with_data = format!(
        "{resources}\n{}\n{}\n{}",
        read_all("data-sources", "data-source.tf"),
        read_all("ephemeral-resources", "ephemeral-resource.tf"),
        read_all("functions", "function.tf"),
    );
    case.step(&with_data);
    for id in [
        "ack_cluster.main",
        "ack_node_pool.workers",
        "ack_encryption.secrets",
        "ack_backup_policy.etcd",
        "ack_scheduler_profile.scheduler",
        "ack_addon.ingress",
        "ack_addon.inspector",
        "ack_cluster_inspection.daily",
    ] {
        assert!(
            tfplugin_testing::state_resource(&case.dir.state(), id).is_some(),
            "{id} applied"
        );
    }
    let outputs = case.dir.run(&["output", "-json"]).success();
    let outputs: serde_json::Value = serde_json::from_slice(&outputs.output.stdout).unwrap();
    assert_eq!(outputs["pro_sla"]["value"], "99.95%");
    assert_eq!(
        outputs["upgrade_steps"]["value"],
        serde_json::json!(["1.30.7-aliyun.1", "1.31.1-aliyun.1"])
    );
    let (clusters, pools) = acceptance_tests::contract::assert_creates_complete(&emu);
    assert!(
        clusters >= 1 && pools >= 1,
        "{clusters} clusters, {pools} pools"
    );
    assert!(
        emu.requests("DescribeClusterUserKubeconfig") >= 1,
        "the ephemeral example was opened"
    );
    // The cluster example turns deletion protection on; turn it off to clean up.
    case.step(&with_data.replace("deletion_protection = true", "deletion_protection = false"));
    case.destroy();
    emu.assert_empty();
}

trait ThenCase {
    fn then_case(self) -> Option<Case>;
}

impl ThenCase for Emulator {
    fn then_case(self) -> Option<Case> {
        Case::new(&self)
    }
}
