//! `check` on a 5,000-resource plan: the built-in rules alone, and with Rego
//! policies (the example directory plus a policy iterating every resource).
//!
//! `cargo bench -p ack-check --bench check`

#![allow(clippy::unwrap_used, clippy::expect_used)]

use ack_check::{check_with, policy::Policy, rego::RegoPolicies};
use criterion::{criterion_group, criterion_main, Criterion};
use serde_json::{json, Value as Json};

/// 50 clusters, each with an encryption, a scheduler profile and 98 node
/// pools: 5,000 resource changes, tied by `cluster_name` references.
pub fn plan() -> String {
    let mut changes = Vec::new();
    let mut config = Vec::new();
    let mut add = |address: String, t: &str, after: Json, config: &mut Vec<Json>| {
        let name = address.split('.').nth(1).unwrap().to_owned();
        if t != "ack_cluster" {
            let cluster = after["cluster_name"].as_str().unwrap().to_owned();
            config.push(json!({"address": address, "expressions": {"cluster_name": {"references": [format!("ack_cluster.{cluster}.name"), format!("ack_cluster.{cluster}")]}}}));
        }
        changes.push(json!({
            "address": address, "mode": "managed", "type": t, "name": name,
            "change": {"actions": ["create"], "before": null, "after": after, "after_unknown": {"id": true}}
        }));
    };
    for c in 0..50 {
        let cluster = format!("c{c}");
        let edition = if c % 5 == 0 { "standard" } else { "pro" };
        let env = if c % 2 == 0 { "production" } else { "staging" };
        add(
            format!("ack_cluster.{cluster}"),
            "ack_cluster",
            json!({"name": cluster, "edition": edition, "deletion_protection": c % 3 != 0,
                   "tags": {"environment": env}, "service_cidr": "172.21.0.0/20", "maintenance_window": null}),
            &mut config,
        );
        add(
            format!("ack_encryption.{cluster}"),
            "ack_encryption",
            json!({"cluster_name": cluster, "kms_key_id": "key-0001"}),
            &mut config,
        );
        add(
            format!("ack_scheduler_profile.{cluster}"),
            "ack_scheduler_profile",
            json!({"cluster_name": cluster, "gang_scheduling": true, "cgpu_edition": "basic", "score_plugins": []}),
            &mut config,
        );
        for p in 0..97 {
            let autoscaling = if p % 2 == 0 {
                json!({"min_size": 1, "max_size": 3})
            } else {
                Json::Null
            };
            add(
                format!("ack_node_pool.{cluster}p{p}"),
                "ack_node_pool",
                json!({"cluster_name": cluster, "name": format!("p{p}"), "instance_types": ["ecs.g7.xlarge"],
                       "desired_size": if autoscaling.is_null() { json!(2) } else { Json::Null },
                       "autoscaling": autoscaling, "labels": {"team": "a"}, "managed": null}),
                &mut config,
            );
        }
    }
    assert_eq!(changes.len(), 5000);
    json!({
        "format_version": "1.2", "terraform_version": "1.11.4",
        "resource_changes": changes,
        "configuration": {"root_module": {"resources": config}},
    })
    .to_string()
}

const LABELS: &str = r#"
package main

import rego.v1

warn_unlabelled contains msg if {
	some rc in input.resource_changes
	rc.type == "ack_node_pool"
	not rc.change.after.labels.team
	msg := sprintf("%s: node pools carry a team label", [rc.address])
}

# Clusters by name, computed once per evaluation: the lookup below is then
# linear in the plan, where a nested `some` over resource_changes would be
# quadratic.
clusters := {c.change.after.name: c |
	some c in input.resource_changes
	c.type == "ack_cluster"
}

deny_standard_gang contains msg if {
	some rc in input.resource_changes
	rc.type == "ack_scheduler_profile"
	rc.change.after.gang_scheduling
	cluster := clusters[rc.change.after.cluster_name]
	not "gang_scheduling" in data.ack.editions[cluster.change.after.edition].features
	msg := sprintf("%s: gang scheduling on %s", [rc.address, cluster.change.after.edition])
}
"#;

fn bench(c: &mut Criterion) {
    let text = plan();
    let policy = Policy::default();
    let none = RegoPolicies::new();
    let mut rego = RegoPolicies::new();
    rego.add_path(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/policies/rego"),
    )
    .unwrap();
    rego.add_source("labels.rego", LABELS).unwrap();
    let report = check_with(&text, &policy, &rego).unwrap();
    assert_eq!(report.resources.len(), 5000);
    assert!(report.findings.iter().any(|f| f.rule_id == "main.deny"));

    let mut group = c.benchmark_group("check 5000 resources");
    group.sample_size(10);
    group.bench_function("built-in rules", |b| {
        b.iter(|| check_with(&text, &policy, &none).unwrap())
    });
    group.bench_function("built-in rules + 3 Rego files", |b| {
        b.iter(|| check_with(&text, &policy, &rego).unwrap())
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
