//! Policy files with typos are refused, naming the file, the rule and what
//! to do, instead of failing open.

use std::collections::BTreeMap;

use super::policy::Policy;
use super::rego::RegoPolicies;
use super::*;

const PLAN: &str = r#"{"format_version":"1.2","resource_changes":[]}"#;

fn custom(id: &str, resource_type: &str, attribute: &str) -> String {
    format!(
        "[[custom]]\nid = \"{id}\"\ndescription = \"d\"\nresource_type = \"{resource_type}\"\nattribute = \"{attribute}\"\nmust_be_set = true\n"
    )
}

fn refused(path: &str, text: &str, says: &[&str]) {
    let err = Policy::parse(path, text).unwrap_err().to_string();
    for s in says.iter().chain([&path]) {
        assert!(err.contains(s), "{path}: {s:?} not in {err}");
    }
    assert!(!err.contains('\n'), "one line: {err}");
}

#[test]
fn unknown_resource_types_ids_tables_and_keys_are_refused() {
    refused(
        "p.toml",
        &custom("ORG-001", "ack_clustr", "name"),
        &[
            "custom rule \"ORG-001\"",
            "\"ack_clustr\" is not a resource type",
            "ack_cluster, ack_node_pool, ack_encryption, ack_backup_policy, ack_scheduler_profile, ack_addon, ack_cluster_inspection",
        ],
    );
    for builtin in ["ACK-POL-001", "ACK-TIER-002", "ACK-VAL-001"] {
        refused(
            "p.toml",
            &custom(builtin, "ack_cluster", "name"),
            &["is a built-in rule", &format!("[rules.{builtin}]")],
        );
    }
    let twice =
        custom("ORG-001", "ack_cluster", "name") + &custom("ORG-001", "ack_node_pool", "name");
    refused("p.toml", &twice, &["used by another custom rule"]);
    refused(
        "p.toml",
        &custom("", "ack_cluster", "name"),
        &["give the rule an ID"],
    );
    refused(
        "p.toml",
        &custom("X", "ack_cluster", ""),
        &["attribute is empty"],
    );
    refused(
        "p.toml",
        "[rule.ACK-POL-003]\nenabled = false\n",
        &["line 1, column 2", "unknown field `rule`"],
    );
    refused(
        "p.toml",
        "[rules.ACK-POL-003]\nenabld = false\n",
        &["line 2, column 1", "unknown field `enabld`"],
    );
    refused(
        "p.yaml",
        "rules:\n  ACK-POL-003:\n    enabld: false\n",
        &["unknown field `enabld`"],
    );
    refused(
        "p.yml",
        "custom:\n  - id: X\n    colour: red\n",
        &["unknown field `colour`"],
    );
}

#[test]
fn policy_files_of_unknown_kinds_are_refused_before_reading() {
    for path in ["p.json", "p.TOML", "policy", "p.toml.bak", "/dev/zero"] {
        let err = Policy::load(path).unwrap_err().to_string();
        assert!(err.contains(".toml, .yaml or .yml"), "{path}: {err}");
        assert!(err.contains(".rego"), "{path}: {err}");
        assert!(Policy::parse(path, "").is_err(), "{path}");
    }
}

#[test]
fn settings_for_no_rule_and_duplicate_ids_across_files_are_refused() {
    let e = Policy::parse("a.toml", "[rules.ACK-POL-999]\nenabled = false\n").unwrap();
    let err = check(PLAN, &e).unwrap_err().to_string();
    assert!(
        err.contains("a.toml") && err.contains("[rules.ACK-POL-999]: no rule has this ID"),
        "{err}"
    );
    assert!(err.contains("ACK-POL-004"), "lists the IDs: {err}");

    // Settings of custom rules and of Rego rules are known IDs.
    let mut p = Policy::parse(
        "a.toml",
        &(custom("ORG-001", "ack_cluster", "name")
            + "[rules.ORG-001]\nseverity = \"warning\"\n[rules.\"main.warn\"]\nenabled = false\n"),
    )
    .unwrap();
    let mut rego = RegoPolicies::new();
    rego.add_source(
        "p.rego",
        "package main\n\nwarn contains \"w\" if { true }\n",
    )
    .unwrap();
    let r = check_with(PLAN, &p, &rego).unwrap();
    assert!(r.findings.is_empty(), "{:?}", r.findings);
    assert!(
        check(PLAN, &p).is_err(),
        "main.warn names no rule without the Rego policy"
    );

    let again = Policy::parse("b.toml", &custom("ORG-001", "ack_node_pool", "name")).unwrap();
    let err = p.merge(again).unwrap_err().to_string();
    assert!(
        err.contains("b.toml") && err.contains("a.toml defines a rule with this ID too"),
        "{err}"
    );

    // A custom rule may not take a Rego rule's ID either.
    let p = Policy::parse("c.toml", &custom("main.warn", "ack_cluster", "name")).unwrap();
    let err = check_with(PLAN, &p, &rego).unwrap_err().to_string();
    assert!(
        err.contains("c.toml") && err.contains("a rule of the Rego policies"),
        "{err}"
    );
}

#[test]
fn custom_rules_name_attributes_the_resource_has() {
    let known: BTreeMap<String, Vec<String>> = [(
        "ack_cluster".to_owned(),
        vec!["name".to_owned(), "kubernetes_version".to_owned()],
    )]
    .into_iter()
    .collect();
    let p = Policy::parse(
        "p.toml",
        &custom("ORG-001", "ack_cluster", "kubernetes_verison"),
    )
    .unwrap();
    let err = p.check_attributes(&known).unwrap_err().to_string();
    assert!(err.contains("p.toml") && err.contains("ack_cluster has no attribute \"kubernetes_verison\" (did you mean kubernetes_version?)"), "{err}");
    let p = Policy::parse(
        "p.toml",
        &custom("ORG-001", "ack_cluster", "kubernetes_version"),
    )
    .unwrap();
    p.check_attributes(&known).unwrap();
}

#[test]
fn the_policy_schema_lists_the_resource_types() {
    let schema = Policy::json_schema();
    let types = &schema["$defs"]["CustomRule"]["properties"]["resource_type"]["enum"];
    assert_eq!(types, &serde_json::json!(plan::RESOURCE_TYPES));
}
