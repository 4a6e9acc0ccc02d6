//! `terraform-provider-ack check` on plans saved by real terraform.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::Command;

use acceptance_tests::{hcl, Case, Emulator};
use tfplugin_testing::cargo_artifact;

/// A Pro cluster that passes every check, protected, with encryption.
fn clean() -> String {
    let cluster = hcl::cluster("main", "checked")
        .str("edition", "pro")
        .str("service_cidr", "172.21.0.0/20")
        .set("deletion_protection", true);
    format!("{cluster}{}", hcl::encryption("main"))
}

fn check(case: &Case, format: &str) -> (i32, String) {
    check_with(case, format, &[])
}

fn check_with(case: &Case, format: &str, extra: &[&str]) -> (i32, String) {
    let json = case.dir.show_json(&["tfplan"]);
    let path = case.dir.path().join("plan.json");
    std::fs::write(&path, json.to_string()).unwrap();
    let out = Command::new(cargo_artifact("terraform-provider-ack"))
        .args(["check", path.to_str().unwrap(), "--format", format])
        .args(extra)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[test]
fn flags_a_cluster_replacement_and_passes_a_clean_plan() {
    let emu = Emulator::start();
    let Some(case) = Case::new(&emu) else { return };
    case.config(&clean());
    case.dir.plan(&[]);
    let (code, out) = check(&case, "text");
    assert_eq!(code, 0, "a clean plan passes:\n{out}");
    case.dir.apply_saved();

    case.config(&clean().replace("172.21.0.0/20", "172.22.0.0/20"));
    case.dir.plan(&[]);
    let (code, sarif) = check(&case, "sarif");
    assert_eq!(code, 1, "{sarif}");
    let sarif: serde_json::Value = serde_json::from_str(&sarif).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert!(results.iter().any(|r| r["ruleId"] == "ACK-POL-001"
        && r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] == "ack_cluster.main"));
    let (code, junit) = check(&case, "junit");
    assert_eq!(code, 1);
    assert!(
        junit.contains("<testcase classname=\"ACK-POL-001\" name=\"ack_cluster.main\">"),
        "{junit}"
    );
    let (_, text) = check(&case, "text");
    assert!(
        text.contains("+   \"service_cidr\": \"172.22.0.0/20\""),
        "{text}"
    );

    case.config(&clean().replace("deletion_protection = true", "deletion_protection = false"));
    case.dir.apply();
    case.destroy();
}

/// A production-tagged Standard cluster (no SLA compensation) with a
/// fixed pool.
fn production() -> String {
    let cluster = hcl::cluster("main", "rego-checked")
        .str("service_cidr", "172.21.0.0/20")
        .set("tags", "{\n    environment = \"production\"\n  }");
    let pool = hcl::pool("fixed", "main", "fixed").set("desired_size", 2);
    format!("{cluster}{pool}")
}

/// The conftest-style policy directory under examples/ runs unchanged on a
/// plan saved by terraform, and its findings reach SARIF and JUnit.
#[test]
fn rego_policy_directory_findings_in_sarif_and_junit() {
    let emu = Emulator::start();
    let Some(case) = Case::new(&emu) else { return };
    case.config(&production());
    case.dir.plan(&[]);
    let policies =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/policies/rego");
    let policy = ["--policy", policies.to_str().unwrap()];
    let (code, sarif) = check_with(&case, "sarif", &policy);
    assert_eq!(code, 1, "{sarif}");
    let sarif: serde_json::Value = serde_json::from_str(&sarif).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let at = |rule: &str, address: &str| {
        results.iter().any(|r| {
            r["ruleId"] == rule
                && r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] == address
        })
    };
    assert!(at("main.deny", "ack_cluster.main"), "{results:#?}");
    assert!(at("main.warn", "ack_node_pool.fixed"), "{results:#?}");
    let (code, junit) = check_with(&case, "junit", &policy);
    assert_eq!(code, 1);
    assert!(
        junit.contains("<testcase classname=\"main.deny\" name=\"ack_cluster.main\">")
            && junit.contains("SLA compensation"),
        "{junit}"
    );
    assert!(junit.contains("<testcase classname=\"main.warn\" name=\"ack_node_pool.fixed\">"));

    // A namespace the directory does not declare is unusable input.
    let (code, _) = check_with(&case, "text", &[policy[0], policy[1], "--namespace", "org"]);
    assert_eq!(code, 2);
}

#[test]
fn unusable_input_exits_2() {
    let dir = tempfile_dir();
    let path = dir.join("bad.json");
    std::fs::write(&path, "{\"format_version\": \"1.2\", \"resource_chan").unwrap();
    let out = Command::new(cargo_artifact("terraform-provider-ack"))
        .args(["check", path.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("terraform show -json"));
    let out = Command::new(cargo_artifact("terraform-provider-ack"))
        .args(["check", "/nonexistent/plan.json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

fn tempfile_dir() -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("ack-check-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}
