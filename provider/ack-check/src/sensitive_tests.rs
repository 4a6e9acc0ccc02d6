//! Values Terraform marks sensitive never appear in any report format.

use serde_json::{json, Value as Json};

use super::policy::Policy;
use super::rego::RegoPolicies;
use super::report::{render, Format};
use super::sensitive::REDACTED;
use super::*;

const SECRET: &str = "s3cr3t-Token-9f8e";
const VARIABLE: &str = "hunter2-from-a-variable";

/// A standard cluster tagged production whose `owner` tag comes from a
/// sensitive variable, a pool label and an invalid reserved tag holding
/// secrets, and the variable's value in `variables`.
fn plan() -> String {
    let tags = json!({"env": "production", "owner": SECRET, "acklabs:create-token": SECRET});
    json!({
        "format_version": "1.2",
        "variables": {"owner": {"value": SECRET}, "token": {"value": VARIABLE}, "region": {"value": "cn-hangzhou"}},
        "configuration": {"root_module": {"variables": {
            "owner": {"sensitive": true}, "token": {"sensitive": true}, "region": {}
        }}},
        "resource_changes": [
            {"address": "ack_cluster.main", "mode": "managed", "type": "ack_cluster", "name": "main",
             "change": {"actions": ["delete", "create"],
                "before": {"name": "c", "edition": "standard", "tags": tags, "service_cidr": "172.21.0.0/20"},
                "before_sensitive": {"tags": {"owner": true, "acklabs:create-token": true}},
                "after": {"name": "c", "edition": "standard", "deletion_protection": true, "tags": tags,
                          "kubernetes_version": VARIABLE},
                "after_sensitive": {"tags": {"owner": true, "acklabs:create-token": true}, "kubernetes_version": true},
                "after_unknown": {}}},
            {"address": "ack_node_pool.p", "mode": "managed", "type": "ack_node_pool", "name": "p",
             "change": {"actions": ["create"], "before": null,
                "after": {"cluster_name": "c", "desired_size": 2, "labels": {"bad key!": SECRET}},
                "after_sensitive": {"labels": true}, "after_unknown": {}}}
        ]
    })
    .to_string()
}

fn report() -> Report {
    let policy = Policy::parse(
        "p.toml",
        "[[custom]]\nid = \"ORG-001\"\ndescription = \"d\"\nresource_type = \"ack_cluster\"\nattribute = \"kubernetes_version\"\nmust_equal = \"1.31\"\n\n[[custom]]\nid = \"ORG-002\"\ndescription = \"d\"\nresource_type = \"ack_cluster\"\nattribute = \"tags\"\nmust_be_one_of = []\n",
    )
    .unwrap();
    let mut rego = RegoPolicies::new();
    rego.add_source(
        "p.rego",
        "package main\n\ndeny contains msg if {\n  some r in input.resource_changes\n  r.type == \"ack_cluster\"\n  msg := sprintf(\"%s: owner %s, version %s, token %s\", [r.address, r.change.after.tags.owner, r.change.after.kubernetes_version, input.variables.token.value])\n}\n",
    )
    .unwrap();
    check_with(&plan(), &policy, &rego).unwrap()
}

#[test]
fn sensitive_values_are_redacted_in_every_format() {
    let r = report();
    let rules: Vec<&str> = r.findings.iter().map(|f| f.rule_id.as_str()).collect();
    for expected in [
        "ACK-POL-001",
        "ACK-POL-002",
        "ACK-VAL-001",
        "ORG-001",
        "ORG-002",
        "main.deny",
    ] {
        assert!(rules.contains(&expected), "{expected} fires: {rules:?}");
    }
    for format in [Format::Text, Format::Json, Format::Sarif, Format::Junit] {
        let out = render(&r, format);
        for secret in [SECRET, VARIABLE] {
            assert!(!out.contains(secret), "{format:?} shows {secret}: {out}");
        }
        assert!(out.contains(REDACTED), "{format:?}: {out}");
    }
    // What is not sensitive is still shown.
    let text = render(&r, Format::Text);
    assert!(text.contains("\"env\": \"production\""), "{text}");
    let rego = r
        .findings
        .iter()
        .find(|f| f.rule_id == "main.deny")
        .unwrap();
    assert_eq!(
        rego.message,
        format!("ack_cluster.main: owner {REDACTED}, version {REDACTED}, token {REDACTED}")
    );
    let tags = &r
        .findings
        .iter()
        .find(|f| f.rule_id == "ACK-POL-002")
        .unwrap()
        .after;
    assert_eq!(
        tags.as_ref().unwrap()["tags"],
        json!({"env": "production", "owner": REDACTED, "acklabs:create-token": REDACTED})
    );
}

#[test]
fn a_wholly_sensitive_attribute_and_malformed_sensitive_sizes_are_redacted() {
    let mut v = json!({"tags": {"a": "x", "b": ["y", 1]}, "name": "n"});
    sensitive::redact(&mut v, &json!({"tags": true}));
    assert_eq!(v, json!({"tags": REDACTED, "name": "n"}));

    let mut root: Json = serde_json::from_str(&plan()).unwrap();
    root["resource_changes"][1]["change"]["after"]["desired_size"] = json!(SECRET);
    root["resource_changes"][1]["change"]["after_sensitive"] = json!({"desired_size": true});
    let err = check(&root.to_string(), &Policy::default())
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("desired_size is \"(sensitive value)\""),
        "{err}"
    );
    assert!(!err.contains(SECRET), "{err}");
}
