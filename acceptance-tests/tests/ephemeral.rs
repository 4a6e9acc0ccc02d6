//! `ephemeral "ack_cluster_kubeconfig"` under a real terraform against the
//! emulator: a cluster created in the same apply hands its temporary
//! kubeconfig to another provider's configuration (the conformance test
//! provider records what it was configured with), and nothing of it reaches
//! the state or a saved plan.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use acceptance_tests::{skip_requested, Emulator, SKIP_ENV, SOURCE};
use base64::Engine as _;
use tfplugin_testing::{
    cargo_artifact, contains_bytes, plan_file_contents, ProviderSource, WorkDir,
};

const CONFORMANCE: &str = "example/conformance";

fn workdir(emu: &Emulator) -> Option<WorkDir> {
    if skip_requested() {
        eprintln!("skipped: {SKIP_ENV}=1");
        return None;
    }
    let mut dir = WorkDir::new(&ProviderSource::DevOverrides(vec![
        (SOURCE.into(), cargo_artifact("terraform-provider-ack")),
        (
            CONFORMANCE.into(),
            cargo_artifact("terraform-provider-conformance"),
        ),
    ]));
    dir.set_env("ACK_ENDPOINT", emu.endpoint());
    dir.set_env("ALIBABA_CLOUD_REGION_ID", "cn-hangzhou");
    dir.set_env("ALIBABA_CLOUD_ACCESS_KEY_ID", "emulator");
    dir.set_env("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "emulator-secret");
    Some(dir)
}

fn config(dir: &WorkDir, lookup: &str) -> String {
    format!(
        r#"terraform {{
  required_providers {{
    ack         = {{ source = "{SOURCE}" }}
    conformance = {{ source = "{CONFORMANCE}" }}
  }}
}}

provider "ack" {{}}

resource "ack_cluster" "main" {{
  name = "kubeconfig-demo"
  endpoint_public_access = true
  vpc_id      = "vpc-ack00000000000000001"
  vswitch_ids = ["vsw-ack00000000000000001"]
  pod_cidr    = "172.20.0.0/16"
}}

ephemeral "ack_cluster_kubeconfig" "main" {{
  {lookup}
  duration_minutes = 30
}}

# Stands in for the kubernetes provider: it records the credential it was configured with.
provider "conformance" {{
  store_dir = "{store}"
  token     = ephemeral.ack_cluster_kubeconfig.main.kubeconfig
}}

resource "conformance_thing" "workload" {{
  name = "uses-the-cluster"
}}
"#,
        store = dir.path().join("store").display(),
    )
}

/// The kubeconfig the consumer was configured with, and its secret parts
/// (raw YAML, base64 fields, decoded PEMs).
fn received(dir: &WorkDir) -> (String, Vec<String>) {
    let yaml = std::fs::read_to_string(dir.path().join("store/token"))
        .expect("the consumer provider was configured with the kubeconfig");
    let doc: serde_json::Value = {
        // Field values are on `key: value` lines; no YAML crate needed.
        let mut m = serde_json::Map::new();
        for line in yaml.lines() {
            if let Some((k, v)) = line.trim().trim_start_matches("- ").split_once(": ") {
                m.insert(k.trim().to_owned(), serde_json::Value::from(v.trim()));
            }
        }
        serde_json::Value::Object(m)
    };
    let mut secrets = vec![yaml.clone()];
    for field in [
        "client-key-data",
        "client-certificate-data",
        "certificate-authority-data",
    ] {
        let b64 = doc[field].as_str().unwrap_or_default().to_owned();
        assert!(!b64.is_empty(), "{field} in the kubeconfig");
        let pem = String::from_utf8(
            base64::engine::general_purpose::STANDARD
                .decode(&b64)
                .unwrap(),
        )
        .unwrap();
        // The PEM body without its header, as it would appear anywhere.
        let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
        secrets.extend([b64, pem, body]);
    }
    (
        doc["server"].as_str().unwrap_or_default().to_owned(),
        secrets,
    )
}

#[track_caller]
fn assert_nowhere(dir: &WorkDir, secrets: &[String]) {
    let state = std::fs::read(dir.path().join("terraform.tfstate")).unwrap_or_default();
    let plan = plan_file_contents(&dir.path().join("tfplan"));
    let plan_json = dir.show_json(&["tfplan"]).to_string();
    for s in secrets {
        assert!(
            !contains_bytes(&state, s.as_bytes()),
            "the state holds part of the kubeconfig"
        );
        assert!(
            !contains_bytes(&plan, s.as_bytes()),
            "the plan file holds part of the kubeconfig"
        );
        assert!(
            !plan_json.contains(s.as_str()),
            "show -json tfplan holds part of the kubeconfig"
        );
    }
}

#[test]
fn kubeconfig_configures_another_provider_and_stays_out_of_state_and_plan() {
    let emu = Emulator::start();
    let Some(dir) = workdir(&emu) else { return };
    dir.write_config(&config(&dir, "cluster_name     = ack_cluster.main.name"));

    // Plan: the cluster does not exist yet, so the kubeconfig is unknown.
    let plan = dir.plan(&[]);
    assert!(
        !dir.path().join("store/token").exists(),
        "nothing to hand over before the cluster exists"
    );
    assert_eq!(
        tfplugin_testing::actions_for(&plan, "conformance_thing.workload"),
        ["create"]
    );
    assert_eq!(emu.requests("DescribeClusterUserKubeconfig"), 0);
    // The plan checker reads plans with ephemeral resources.
    let plan_json = dir.path().join("plan.json");
    std::fs::write(&plan_json, plan.to_string()).unwrap();
    let check = std::process::Command::new(cargo_artifact("terraform-provider-ack"))
        .args(["check", plan_json.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(
        check.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );

    // Apply: cluster created, then its kubeconfig reaches the other provider.
    dir.apply_saved();
    assert_eq!(emu.requests("DescribeClusterUserKubeconfig"), 1);
    let (server, secrets) = received(&dir);
    let detail = acceptance_tests::values(&dir, "ack_cluster.main");
    assert_eq!(server, detail["api_server_endpoint"].as_str().unwrap());
    assert!(
        secrets[2].starts_with("-----BEGIN PRIVATE KEY-----"),
        "a client key"
    );
    // A saved plan of the created cluster opens a fresh kubeconfig; neither holds any of it.
    let replan = dir.plan(&[]);
    assert!(
        tfplugin_testing::plan_actions(&replan)
            .iter()
            .all(|(_, a)| a == &["no-op"]),
        "{replan}"
    );
    let (_, plan_secrets) = received(&dir);
    assert_ne!(
        plan_secrets[0], secrets[0],
        "every run gets its own kubeconfig"
    );
    assert_nowhere(&dir, &secrets);
    assert_nowhere(&dir, &plan_secrets);

    // By ID, through the internal endpoint.
    dir.write_config(&config(
        &dir,
        "cluster_id       = ack_cluster.main.id\n  private_ip       = true",
    ));
    dir.assert_empty_plan(false);
    let (server, _) = received(&dir);
    let urls: serde_json::Value = emu.outside(async |c, cancel| {
        let d = c
            .describe_cluster(detail["id"].as_str().unwrap(), &cancel)
            .await
            .unwrap()
            .unwrap();
        serde_json::from_str(&d.master_url).unwrap()
    });
    assert_eq!(
        server,
        urls["intranet_api_server_endpoint"].as_str().unwrap()
    );

    dir.run(&["destroy", "-auto-approve", "-no-color"])
        .success();
    assert_eq!(emu.stats()["clusters"], 0);
}

#[test]
fn unknown_cluster_and_bad_duration_are_refused_at_the_argument() {
    let emu = Emulator::start();
    let Some(dir) = workdir(&emu) else { return };
    let body = r#"terraform {
  required_providers {
    ack = { source = "acklabs/ack" }
  }
}

provider "ack" {}

ephemeral "ack_cluster_kubeconfig" "x" {
  cluster_name     = "no-such-cluster"
  duration_minutes = DURATION
}
"#;
    dir.write_config(&body.replace("DURATION", "10"));
    let out = dir.run(&["plan", "-no-color"]).failure();
    assert!(out.contains("duration_minutes"), "{out}");
    assert!(out.contains("from 15 to 4320"), "{out}");
    dir.write_config(&body.replace("DURATION", "60"));
    let out = dir.run(&["plan", "-no-color"]).failure();
    assert!(out.contains("Cluster not found"), "{out}");
    assert!(out.contains("cluster_name"), "{out}");
}
