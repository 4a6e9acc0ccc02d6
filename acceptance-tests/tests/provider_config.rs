//! The provider block under real terraform: schema, environment fallbacks,
//! errors that point at the argument, and secrets that never leak.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use acceptance_tests::{workdir, REQUIRED_PROVIDERS};

#[test]
fn terraform_sees_the_provider_schema() {
    let Some(dir) = workdir() else { return };
    dir.write_config(REQUIRED_PROVIDERS);
    let run = dir.run(&["providers", "schema", "-json"]).success();
    let schema: serde_json::Value = serde_json::from_slice(&run.output.stdout).unwrap();
    let p = &schema["provider_schemas"]["registry.terraform.io/acklabs/ack"]["provider"]["block"]
        ["attributes"];
    for name in "endpoint region access_key secret_key security_token insecure".split(' ') {
        assert_eq!(p[name]["optional"], true, "{name}");
        assert!(
            p[name]["description"]
                .as_str()
                .is_some_and(|d| !d.is_empty()),
            "{name} has a description"
        );
    }
    for secret in ["access_key", "secret_key", "security_token"] {
        assert_eq!(p[secret]["sensitive"], true, "{secret} is sensitive");
    }
}

// Terraform configures a provider only when a resource or data source uses
// it; the configuration tests (environment fallbacks, errors on the argument,
// secrets kept out of logs and state) live with the data sources in
// data_sources.rs.

/// Diagnostics of `terraform validate -json`.
fn validate_json(dir: &tfplugin_testing::WorkDir) -> Vec<serde_json::Value> {
    let run = dir.run(&["validate", "-json", "-no-color"]);
    let out: serde_json::Value = serde_json::from_slice(&run.output.stdout)
        .unwrap_or_else(|e| panic!("validate -json: {e}\n{}\n{}", run.stdout(), run.stderr()));
    out["diagnostics"].as_array().cloned().unwrap_or_default()
}

// 192.0.2.0/24 is TEST-NET-1: never routed, so nothing can leak even if a
// request were sent, and the editions data source needs no API call.
const REMOTE: &str = "http://192.0.2.1:8787";

#[test]
fn plain_http_to_another_host_is_refused_on_the_endpoint_argument() {
    let Some(mut dir) = workdir() else { return };
    dir.set_env("ALIBABA_CLOUD_REGION_ID", "cn-hangzhou");
    dir.set_env("ALIBABA_CLOUD_ACCESS_KEY_ID", "id");
    dir.set_env("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "secret");
    let config = |extra: &str| {
        format!(
            "{REQUIRED_PROVIDERS}provider \"ack\" {{\n  endpoint = \"{REMOTE}\"\n{extra}}}\ndata \"ack_editions\" \"e\" {{}}\n"
        )
    };
    dir.write_config(&config(""));
    let diags = validate_json(&dir);
    let refused = diags.iter().find(|d| {
        d["severity"] == "error"
            && d["detail"]
                .as_str()
                .is_some_and(|t| t.contains("insecure = true") && t.contains("192.0.2.1"))
    });
    let refused = refused.unwrap_or_else(|| panic!("no refusal in {diags:#?}"));
    assert!(
        refused["snippet"]["code"]
            .as_str()
            .is_some_and(|c| c.contains("endpoint")),
        "the diagnostic points at the endpoint argument: {refused:#}"
    );

    // With insecure = true the same endpoint is accepted, and configuring
    // the provider still makes no network call.
    dir.write_config(&config("  insecure = true\n"));
    dir.run(&["apply", "-auto-approve", "-no-color"]).success();
}

#[test]
fn plain_http_from_the_environment_needs_ack_insecure() {
    let Some(mut dir) = workdir() else { return };
    dir.set_env("ACK_ENDPOINT", REMOTE);
    dir.set_env("ALIBABA_CLOUD_REGION_ID", "cn-hangzhou");
    dir.set_env("ALIBABA_CLOUD_ACCESS_KEY_ID", "id");
    dir.set_env("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "secret");
    dir.write_config(&format!(
        "{REQUIRED_PROVIDERS}provider \"ack\" {{}}\ndata \"ack_editions\" \"e\" {{}}\n"
    ));
    let out = dir.run(&["plan", "-no-color"]).failure();
    assert!(out.contains("plain http://"), "{out}");
    assert!(out.contains("ACK_INSECURE=true"), "{out}");
    dir.set_env("ACK_INSECURE", "true");
    dir.run(&["apply", "-auto-approve", "-no-color"]).success();
}

#[test]
fn plain_http_to_this_machine_needs_nothing() {
    let Some(mut dir) = workdir() else { return };
    dir.set_env("ALIBABA_CLOUD_REGION_ID", "cn-hangzhou");
    dir.set_env("ALIBABA_CLOUD_ACCESS_KEY_ID", "id");
    dir.set_env("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "secret");
    for endpoint in ["http://127.0.0.1:9", "http://localhost:9", "http://[::1]:9"] {
        dir.write_config(&format!(
            "{REQUIRED_PROVIDERS}provider \"ack\" {{\n  endpoint = \"{endpoint}\"\n}}\ndata \"ack_editions\" \"e\" {{}}\n"
        ));
        dir.run(&["apply", "-auto-approve", "-no-color"]).success();
    }
}
