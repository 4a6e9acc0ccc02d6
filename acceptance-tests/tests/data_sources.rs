//! Data sources, and the provider configuration they exercise (Terraform
//! configures a provider only when something uses it).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use acceptance_tests::{workdir, Case, Emulator, REQUIRED_PROVIDERS};

#[test]
fn editions_versions_and_cluster_lookup() {
    let emu = Emulator::start();
    let Some(case) = Case::new(&emu) else { return };
    case.step(
        r#"
resource "ack_cluster" "main" {
  name = "lookup"
  vpc_id      = "vpc-ack00000000000000001"
  vswitch_ids = ["vsw-ack00000000000000001"]
  pod_cidr    = "172.20.0.0/16"
}

data "ack_editions" "all" {}
data "ack_kubernetes_versions" "all" {}

data "ack_cluster" "by_name" {
  name = ack_cluster.main.name
}

data "ack_cluster" "by_id" {
  id = ack_cluster.main.id
}

output "pro_max_nodes" {
  value = [for e in data.ack_editions.all.editions : e.max_nodes if e.name == "pro"][0]
}
output "latest" {
  value = data.ack_kubernetes_versions.all.latest
}
output "found_id" {
  value = data.ack_cluster.by_name.id == ack_cluster.main.id && data.ack_cluster.by_id.name == "lookup"
}
"#,
    );
    let outputs = &case.dir.state()["values"]["outputs"];
    assert_eq!(outputs["pro_max_nodes"]["value"], 5000);
    assert_eq!(outputs["latest"]["value"], "1.32.1-aliyun.1");
    assert_eq!(outputs["found_id"]["value"], true);
    // Neither or both lookup keys: refused at validation, on the data source.
    case.config("data \"ack_cluster\" \"x\" {}\n");
    let out = case.dir.run(&["validate", "-no-color"]).failure();
    assert!(out.contains("Set exactly one of id and name"), "{out}");
    case.config("");
    case.destroy();
}

#[test]
fn bad_arguments_are_reported_on_the_argument() {
    let Some(dir) = workdir() else { return };
    dir.write_config(&format!(
        "{REQUIRED_PROVIDERS}provider \"ack\" {{\n  region = \"Hangzhou\"\n  endpoint = \"ftp://x\"\n}}\ndata \"ack_kubernetes_versions\" \"v\" {{}}\n"
    ));
    let out = dir.run(&["validate", "-no-color"]).failure();
    assert!(out.contains("\"Hangzhou\" is not a region ID"), "{out}");
    assert!(out.contains("is not an http:// or https:// URL"), "{out}");
}

#[test]
fn missing_credentials_say_what_to_set() {
    let Some(dir) = workdir() else { return };
    dir.write_config(&format!(
        "{REQUIRED_PROVIDERS}provider \"ack\" {{\n  region = \"cn-hangzhou\"\n}}\ndata \"ack_kubernetes_versions\" \"v\" {{}}\n"
    ));
    let out = dir.run(&["plan", "-no-color"]).failure();
    assert!(out.contains("ALIBABA_CLOUD_ACCESS_KEY_ID"), "{out}");
    assert!(out.contains("access_key"), "{out}");
}

#[test]
fn secrets_never_reach_logs_or_state() {
    let emu = Emulator::start_with(&["--access-key-secret", "very-secret-value-6f1d"]);
    let Some(mut dir) = workdir() else { return };
    dir.write_config(&format!(
        "{REQUIRED_PROVIDERS}provider \"ack\" {{\n  region = \"cn-hangzhou\"\n  endpoint = \"{}\"\n  access_key = \"emulator\"\n  secret_key = \"very-secret-value-6f1d\"\n}}\ndata \"ack_kubernetes_versions\" \"v\" {{}}\n",
        emu.endpoint()
    ));
    dir.set_env("TF_LOG", "TRACE");
    let run = dir.run(&["apply", "-auto-approve", "-no-color"]).success();
    let stderr = run.stderr();
    let provider_lines: Vec<&str> = stderr
        .lines()
        .filter(|l| l.contains("provider.terraform-provider-ack"))
        .collect();
    assert!(
        provider_lines
            .iter()
            .any(|l| l.contains("Provider configured")),
        "configured and logged"
    );
    for l in &provider_lines {
        assert!(
            !l.contains("very-secret-value-6f1d"),
            "secret in a provider log line: {l}"
        );
    }
    let state = std::fs::read_to_string(dir.path().join("terraform.tfstate")).unwrap();
    assert!(!state.contains("very-secret-value-6f1d"));
}

#[test]
fn configuration_makes_no_network_call() {
    let Some(mut dir) = workdir() else { return };
    // Nothing listens on port 9; editions need no API call, so plan succeeds.
    dir.set_env("ACK_ENDPOINT", "http://127.0.0.1:9");
    dir.set_env("ALIBABA_CLOUD_REGION_ID", "cn-hangzhou");
    dir.set_env("ALIBABA_CLOUD_ACCESS_KEY_ID", "id");
    dir.set_env("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "secret");
    dir.write_config(&format!(
        "{REQUIRED_PROVIDERS}provider \"ack\" {{}}\ndata \"ack_editions\" \"e\" {{}}\n"
    ));
    dir.run(&["apply", "-auto-approve", "-no-color"]).success();
}

#[test]
fn sts_credentials_reach_the_api() {
    let emu = Emulator::start_with(&["--security-token", "sts-token-7f2c"]);
    let Some(dir) = workdir() else { return };
    let config = |token: &str| {
        format!(
            "{REQUIRED_PROVIDERS}provider \"ack\" {{\n  region = \"cn-hangzhou\"\n  endpoint = \"{}\"\n  access_key = \"emulator\"\n  secret_key = \"emulator-secret\"\n  security_token = \"{token}\"\n}}\ndata \"ack_kubernetes_versions\" \"v\" {{}}\n",
            emu.endpoint()
        )
    };
    dir.write_config(&config("sts-token-7f2c"));
    dir.run(&["plan", "-no-color"]).success();
    dir.write_config(&config("expired-token"));
    let out = dir.run(&["plan", "-no-color"]).failure();
    assert!(
        out.contains("InvalidSecurityToken.MismatchWithAccessKey"),
        "{out}"
    );
    assert!(out.contains("refresh the temporary credentials"), "{out}");
    assert!(
        !out.contains("sts-token-7f2c"),
        "the token stays out of errors"
    );
}

/// Regression (#23): obviously bad look-ups (`name = ""`, an `id` that is a
/// path, an empty `cluster_name` on the kubeconfig) reached the API. They
/// are refused at validate, naming the argument, and nothing is sent.
#[test]
fn bad_lookups_are_refused_before_any_request() {
    let emu = Emulator::start();
    let Some(case) = Case::new(&emu) else { return };
    case.config(
        "data \"ack_cluster\" \"by_name\" {\n  name = \"\"\n}\n\
         data \"ack_cluster\" \"by_id\" {\n  id = \"../../etc/passwd?x=1#\"\n}\n\
         ephemeral \"ack_cluster_kubeconfig\" \"k\" {\n  cluster_name = \"\"\n}\n",
    );
    let out = case.dir.run(&["validate", "-no-color"]).failure();
    let text = out.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(text.contains("Invalid value for name"), "{text}");
    assert!(text.contains("Invalid value for id"), "{text}");
    assert!(text.contains("Invalid value for cluster_name"), "{text}");
    let out = case.dir.run(&["plan", "-no-color"]).failure();
    assert!(out.contains("cluster ID"), "{out}");
    let served: u64 = emu.stats()["requests"]
        .as_object()
        .map(|m| m.values().filter_map(serde_json::Value::as_u64).sum())
        .unwrap_or(0);
    assert_eq!(served, 0, "nothing reached the API");
}
