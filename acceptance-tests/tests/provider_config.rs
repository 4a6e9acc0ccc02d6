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
    for name in [
        "endpoint",
        "region",
        "access_key",
        "secret_key",
        "security_token",
    ] {
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
