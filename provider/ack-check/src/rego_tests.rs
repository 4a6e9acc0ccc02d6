//! Rego policies in `check`, and the hardening of plan and policy input.

use serde_json::{json, Value as Json};

use super::policy::Policy;
use super::rego::{RegoPolicies, PLAN_ADDRESS};
use super::report::{render, Format};
use super::*;

fn change(address: &str, after: Json) -> Json {
    let (t, n) = address.split_once('.').unwrap();
    json!({
        "address": address, "mode": "managed", "type": t, "name": n,
        "change": { "actions": ["create"], "before": null, "after": after, "after_unknown": {} }
    })
}

fn plan(changes: Vec<Json>) -> String {
    json!({ "format_version": "1.2", "terraform_version": "1.11.4", "resource_changes": changes })
        .to_string()
}

fn two_clusters() -> String {
    plan(vec![
        change(
            "ack_cluster.prod",
            json!({"name": "prod", "edition": "standard", "deletion_protection": true, "tags": {"env": "prod"}}),
        ),
        change(
            "ack_cluster.dev",
            json!({"name": "dev", "edition": "standard", "deletion_protection": true, "tags": {"env": "dev"}}),
        ),
    ])
}

/// conftest style, Rego v0 (`deny[msg] { … }`), reading the catalog.
const V0: &str = r#"
package main

deny[msg] {
  rc := input.resource_changes[_]
  rc.type == "ack_cluster"
  rc.change.after.tags.env == "prod"
  not data.ack.editions[rc.change.after.edition].sla_compensation
  msg := sprintf("%s: production clusters need an edition with SLA compensation", [rc.address])
}

warn[msg] {
  rc := input.resource_changes[_]
  rc.type == "ack_cluster"
  msg := sprintf("%s is planned", [rc.address])
}
"#;

/// Rego v1 (`contains … if`), objects with `msg`, a suffixed rule name.
const V1: &str = r#"
package main

violation_small contains {"msg": "the plan creates fewer than three clusters"} if {
  count([rc | rc := input.resource_changes[_]; rc.type == "ack_cluster"]) < 3
}

deny_protection contains {"msg": "deletion protection off", "address": rc.address} if {
  some rc in input.resource_changes
  rc.change.after.deletion_protection == false
}
"#;

fn rego(sources: &[(&str, &str)]) -> RegoPolicies {
    let mut r = RegoPolicies::new();
    for (name, text) in sources {
        r.add_source(name, text).unwrap();
    }
    r
}

fn found(r: &Report) -> Vec<(&str, &str, Severity)> {
    r.findings
        .iter()
        .filter(|f| !f.rule_id.starts_with("ACK-"))
        .map(|f| (f.rule_id.as_str(), f.address.as_str(), f.severity))
        .collect()
}

#[test]
fn conftest_v0_policy_reads_plan_and_catalog() {
    let r = check_with(
        &two_clusters(),
        &Policy::default(),
        &rego(&[("v0.rego", V0)]),
    )
    .unwrap();
    assert_eq!(
        found(&r),
        [
            ("main.deny", "ack_cluster.prod", Severity::Error),
            ("main.warn", "ack_cluster.dev", Severity::Warning),
            ("main.warn", "ack_cluster.prod", Severity::Warning),
        ]
    );
    assert!(r
        .rules
        .iter()
        .any(|x| x.id == "main.deny" && x.severity == Severity::Error));
    assert!(r
        .rules
        .iter()
        .any(|x| x.id == "main.warn" && x.severity == Severity::Warning));

    // Pro has SLA compensation in the catalog, so the production rule passes.
    let pro = two_clusters().replacen("\"standard\"", "\"pro\"", 1);
    let r = check_with(&pro, &Policy::default(), &rego(&[("v0.rego", V0)])).unwrap();
    assert!(
        !found(&r).iter().any(|f| f.0 == "main.deny"),
        "{:?}",
        found(&r)
    );
}

#[test]
fn v1_policy_objects_and_suffixed_rules_reach_every_format() {
    let mut p = two_clusters();
    p = p.replacen(
        "\"deletion_protection\":true",
        "\"deletion_protection\":false",
        1,
    );
    let r = check_with(&p, &Policy::default(), &rego(&[("v1.rego", V1)])).unwrap();
    assert_eq!(
        found(&r),
        [
            ("main.deny_protection", "ack_cluster.prod", Severity::Error),
            ("main.violation_small", PLAN_ADDRESS, Severity::Error),
        ]
    );
    let sarif: Json = serde_json::from_str(&render(&r, Format::Sarif)).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert!(results.iter().any(|x| x["ruleId"] == "main.violation_small"
        && x["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] == PLAN_ADDRESS));
    let rules = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    assert!(rules.iter().any(|x| x["id"] == "main.deny_protection"));
    let junit = render(&r, Format::Junit);
    assert!(
        junit.contains("<testcase classname=\"main.violation_small\" name=\"plan\">"),
        "{junit}"
    );
    assert!(
        junit.contains("<testcase classname=\"main.deny_protection\" name=\"ack_cluster.prod\">")
    );
    assert!(
        junit.contains("<testcase classname=\"main.deny_protection\" name=\"ack_cluster.dev\"/>")
    );
    let text = render(&r, Format::Text);
    assert!(
        text.contains("ERROR   main.deny_protection ack_cluster.prod"),
        "{text}"
    );
    let json: Json = serde_json::from_str(&render(&r, Format::Json)).unwrap();
    assert_eq!(json["findings"][0]["rule_id"], "main.deny_protection");
}

#[test]
fn namespaces_settings_and_bad_policies() {
    let other = "package org.ack\n\ndeny contains \"always\" if { true }\n";
    let mut r = rego(&[("org.rego", other)]);
    let err = check_with(&two_clusters(), &Policy::default(), &r).unwrap_err();
    assert!(
        err.to_string().contains("no policy in namespace main"),
        "{err}"
    );
    assert!(err.to_string().contains("org.ack"), "{err}");
    r.add_namespace("org.ack").unwrap();
    let rep = check_with(&two_clusters(), &Policy::default(), &r).unwrap();
    assert_eq!(
        found(&rep),
        [("org.ack.deny", PLAN_ADDRESS, Severity::Error)]
    );

    let mut all = rego(&[("org.rego", other), ("v0.rego", V0)]);
    all.set_all_namespaces(true);
    let rep = check_with(&two_clusters(), &Policy::default(), &all).unwrap();
    assert_eq!(found(&rep).len(), 4);

    // TOML settings apply to Rego rules by their ID.
    let settings = Policy::parse(
        "p.toml",
        "[rules.\"main.warn\"]\nseverity = \"error\"\n[rules.\"main.deny\"]\nenabled = false\n",
    )
    .unwrap();
    let rep = check_with(&two_clusters(), &settings, &rego(&[("v0.rego", V0)])).unwrap();
    assert!(found(&rep)
        .iter()
        .all(|f| f.0 == "main.warn" && f.2 == Severity::Error));
    assert!(!rep.rules.iter().any(|x| x.id == "main.deny"));

    let mut bad = RegoPolicies::new();
    let err = bad
        .add_source("bad.rego", "package main\n\ndeny[msg { nope")
        .unwrap_err();
    assert!(
        err.to_string()
            .starts_with("policy file bad.rego: not valid Rego"),
        "{err}"
    );
    assert!(bad.add_namespace("main; x").is_err());
    assert!(bad.add_namespace("data.main").is_ok());
}

#[test]
fn policy_directory_loads_every_rego_file() {
    let dir = std::env::temp_dir().join(format!("ack-rego-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("sub")).unwrap();
    std::fs::write(dir.join("a.rego"), V0).unwrap();
    std::fs::write(dir.join("sub/b.rego"), V1).unwrap();
    std::fs::write(dir.join("README.md"), "not a policy").unwrap();
    let mut r = RegoPolicies::new();
    r.add_path(&dir).unwrap();
    let rep = check_with(&two_clusters(), &Policy::default(), &r).unwrap();
    let ids: Vec<&str> = found(&rep).iter().map(|f| f.0).collect();
    assert!(
        ids.contains(&"main.deny") && ids.contains(&"main.violation_small"),
        "{ids:?}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
    let empty = std::env::temp_dir().join(format!("ack-rego-empty-{}", std::process::id()));
    std::fs::create_dir_all(&empty).unwrap();
    assert!(RegoPolicies::new().add_path(&empty).is_err());
    std::fs::remove_dir_all(&empty).unwrap();
}

#[test]
fn malformed_resource_changes_are_an_input_error_naming_the_entry() {
    let p = Policy::default();
    let err = check(
        r#"{"format_version":"1.2","resource_changes":[1,"x",null]}"#,
        &p,
    )
    .unwrap_err();
    assert!(matches!(err, CheckError::NotAPlan(_)));
    assert!(err.to_string().contains("resource_changes[0]"), "{err}");
    let err = check(
        r#"{"format_version":"1.2","resource_changes":[{"address":"ack_cluster.a","type":"ack_cluster","change":{"actions":["create"]}},{"address":"ack_cluster.b","type":"ack_cluster"}]}"#,
        &p,
    )
    .unwrap_err();
    assert!(
        err.to_string()
            .contains("resource_changes[1] (ack_cluster.b) has no change object"),
        "{err}"
    );
    // Data sources are skipped, not refused.
    assert!(check(
        r#"{"format_version":"1.2","resource_changes":[{"mode":"data","address":"data.ack_editions.all"}]}"#,
        &p
    )
    .is_ok());
}

#[test]
fn deeply_nested_policy_files_are_refused_before_parsing() {
    for (name, text) in [
        (
            "deep.yaml",
            format!("rules: {}{}", "[".repeat(100_000), "]".repeat(100_000)),
        ),
        (
            "deep.toml",
            format!("x = {}1{}", "[".repeat(100_000), "]".repeat(100_000)),
        ),
        (
            "deep.yml",
            (0..200)
                .map(|i| format!("{}k{i}:\n", "  ".repeat(i)))
                .collect(),
        ),
    ] {
        let err = Policy::parse(name, &text).unwrap_err().to_string();
        assert!(err.contains("more than 64 levels deep"), "{name}: {err}");
    }
    // Brackets in strings and comments do not count.
    let quoted = format!(
        "# {}\n[[custom]]\nid = \"X\"\ndescription = \"{}\"\nresource_type = \"ack_cluster\"\nattribute = \"name\"\nmust_be_set = true\n",
        "[".repeat(100),
        "[".repeat(100)
    );
    Policy::parse("ok.toml", &quoted).unwrap();
}

#[test]
fn large_plans_resolve_clusters_through_the_index() {
    // 200 clusters with 100 pools each: every pool finds its cluster by name,
    // and the standard clusters' totals (100 × 2 nodes) exceed 100 nodes.
    let mut changes = Vec::new();
    for c in 0..200 {
        let edition = if c % 2 == 0 { "pro" } else { "standard" };
        changes.push(change(
            &format!("ack_cluster.c{c}"),
            json!({"name": format!("c{c}"), "edition": edition, "deletion_protection": true}),
        ));
        for p in 0..100 {
            changes.push(change(
                &format!("ack_node_pool.c{c}p{p}"),
                json!({"cluster_name": format!("c{c}"), "desired_size": 2, "autoscaling": null}),
            ));
        }
    }
    let r = check(&plan(changes), &Policy::default()).unwrap();
    let limit = r
        .findings
        .iter()
        .filter(|f| f.rule_id == rules::NODE_LIMIT)
        .count();
    assert_eq!(limit, 100 * 100, "every pool of every standard cluster");
    assert_eq!(r.resources.len(), 200 * 101);
}

#[test]
fn the_example_policy_directory_loads_and_fires() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/policies/rego");
    let mut r = RegoPolicies::new();
    r.add_path(&dir).unwrap();
    let p = plan(vec![
        change(
            "ack_cluster.main",
            json!({"name": "main", "edition": "standard", "deletion_protection": true, "tags": {"environment": "production"}}),
        ),
        change(
            "ack_node_pool.big",
            json!({"cluster_name": "main", "desired_size": 80, "autoscaling": null}),
        ),
    ]);
    let rep = check_with(&p, &Policy::default(), &r).unwrap();
    assert_eq!(
        found(&rep),
        [
            ("main.deny", "ack_cluster.main", Severity::Error),
            ("main.violation", "ack_node_pool.big", Severity::Error),
            ("main.warn", "ack_node_pool.big", Severity::Warning),
        ]
    );
    assert!(rep
        .findings
        .iter()
        .any(|f| f.message.contains("ACK Standard (SLA 99.90%) has none")));
}

#[test]
fn hostile_rego_is_refused_not_a_crash() {
    let deep = format!(
        "package main\n\ndeny contains x if {{\n  x := {}1{}\n}}\n",
        "[\n".repeat(5_000),
        "]\n".repeat(5_000)
    );
    let long = format!("package main\n\n# {}\n", "x".repeat(2_000_000));
    for (name, text) in [("deep.rego", deep), ("long.rego", long)] {
        let err = RegoPolicies::new().add_source(name, &text).unwrap_err();
        assert!(err.to_string().contains(name), "{err}");
    }
}
