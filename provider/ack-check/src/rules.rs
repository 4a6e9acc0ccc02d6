//! The built-in rules: tier rules from the edition catalog over the whole
//! plan, and default organisation policies.

use std::collections::BTreeMap;

use ack_api::capacity::PoolLedger;
use ack_api::edition::{self, Edition, Feature};
use serde_json::Value as Json;

use super::plan::{pool_nodes, Change, Plan};
use super::{Finding, Rule, Severity};

mod skew;
pub use skew::NODE_VERSION_SKEW;

pub const PRO_FEATURE: &str = "ACK-TIER-001";
pub const NODE_LIMIT: &str = "ACK-TIER-002";
pub const DOWNGRADE: &str = "ACK-TIER-003";
pub const CLUSTER_REPLACED: &str = "ACK-POL-001";
pub const PRODUCTION_NOT_PRO: &str = "ACK-POL-002";
pub const PRO_UNPROTECTED: &str = "ACK-POL-003";
pub const PRO_UNENCRYPTED: &str = "ACK-POL-004";

/// Every built-in rule with its default severity.
pub fn catalog() -> Vec<Rule> {
    let r = |id: &str, name: &str, description: &str, severity| Rule {
        id: id.into(),
        name: name.into(),
        description: description.into(),
        severity,
    };
    vec![
        r(PRO_FEATURE, "pro-feature-on-standard", "A feature that needs ACK Pro is configured for a cluster whose planned edition is standard.", Severity::Error),
        r(NODE_LIMIT, "node-limit", "The node pools of a cluster (autoscaling pools count their maximum) exceed the node limit of its planned edition.", Severity::Error),
        r(DOWNGRADE, "edition-downgrade", "A cluster is changed from pro back to standard, which the service cannot do.", Severity::Error),
        r(CLUSTER_REPLACED, "cluster-replaced-or-destroyed", "The plan destroys a cluster, or replaces it (destroy and create again).", Severity::Error),
        r(PRODUCTION_NOT_PRO, "production-cluster-not-pro", "A cluster tagged as production is not ACK Pro.", Severity::Error),
        r(PRO_UNPROTECTED, "pro-cluster-without-deletion-protection", "A pro cluster has deletion protection off.", Severity::Warning),
        r(PRO_UNENCRYPTED, "pro-cluster-without-secrets-encryption", "A pro cluster has no ack_encryption (KMS encryption of Secrets) in the plan.", Severity::Warning),
        r(NODE_VERSION_SKEW, "node-version-skew", "A node pool's planned Kubernetes version is newer than its cluster's, lower than the pool's current one, or more than 3 minor versions behind the cluster's.", Severity::Error),
    ]
}

fn severity_of(id: &str) -> Severity {
    catalog()
        .into_iter()
        .find(|r| r.id == id)
        .map_or(Severity::Error, |r| r.severity)
}

fn finding(
    id: &str,
    c: &Change,
    attribute: Option<&str>,
    message: String,
    attrs: &[&str],
) -> Finding {
    let pick = |v: &Json| -> Option<Json> {
        if v.is_null() {
            return None;
        }
        Some(Json::Object(
            attrs
                .iter()
                .map(|a| ((*a).to_owned(), v.get(*a).cloned().unwrap_or(Json::Null)))
                .collect(),
        ))
    };
    Finding {
        rule_id: id.into(),
        severity: severity_of(id),
        address: c.address.clone(),
        message,
        attribute: attribute.map(str::to_owned),
        before: pick(&c.before),
        after: pick(&c.after),
        location: None,
        fingerprint: String::new(),
        suppression: None,
    }
}

/// The edition a cluster change plans; `None` when unknown.
fn planned_edition(c: &Change) -> Option<&'static Edition> {
    if !c.known("edition") {
        return None;
    }
    c.value()
        .get("edition")
        .and_then(Json::as_str)
        .and_then(edition::by_name)
}

fn is_true(v: &Json, a: &str) -> bool {
    v.get(a) == Some(&Json::Bool(true))
}

/// Features a dependent asks for, with the attribute that asks.
fn wanted(c: &Change) -> Vec<(Feature, &'static str)> {
    let v = &c.after;
    let mut out = Vec::new();
    match c.resource_type.as_str() {
        "ack_scheduler_profile" => {
            let switch = |(attr, _): &(&str, Feature)| is_true(v, attr);
            let ask = ack_api::scheduler::Ask {
                switches: ack_api::scheduler::SWITCHES.map(|s| switch(&s)),
                cgpu_edition: v.get("cgpu_edition").and_then(Json::as_str),
                score_plugins: v
                    .get("score_plugins")
                    .and_then(Json::as_array)
                    .is_some_and(|p| !p.is_empty()),
            };
            out.extend(ask.features());
        }
        "ack_encryption" => out.push((Feature::KmsSecretEncryption, "kms_key_id")),
        "ack_backup_policy" => out.push((Feature::EtcdBackupPolicy, "cluster_name")),
        "ack_cluster_inspection" => out.push((Feature::ClusterInspection, "enabled")),
        "ack_addon" => out.extend(
            v.get("name")
                .and_then(Json::as_str)
                .and_then(ack_api::addons::get)
                .and_then(|a| a.needs)
                .map(|f| (f, "name")),
        ),
        "ack_node_pool" if v.get("managed").is_some_and(|m| !m.is_null()) => {
            out.push((Feature::ManagedNodePools, "managed"))
        }
        "ack_cluster" if v.get("maintenance_window").is_some_and(|m| !m.is_null()) => {
            out.push((Feature::MaintenanceWindow, "maintenance_window"));
        }
        _ => {}
    }
    out
}

fn tagged_production(v: &Json) -> bool {
    v.get("tags").and_then(Json::as_object).is_some_and(|t| {
        t.iter().any(|(k, v)| {
            k.eq_ignore_ascii_case("production")
                || v.as_str()
                    .is_some_and(|s| s.eq_ignore_ascii_case("production"))
        })
    })
}

/// Evaluates every built-in rule.
pub fn evaluate(plan: &Plan) -> Vec<Finding> {
    let mut out = Vec::new();
    tier_rules(plan, &mut out);
    node_limits(plan, &mut out);
    cluster_rules(plan, &mut out);
    skew::node_versions(plan, &mut out);
    out
}

fn alive(c: &&Change) -> bool {
    !c.after.is_null()
}

/// Tier rules on every resource, against its cluster's planned edition.
fn tier_rules(plan: &Plan, out: &mut Vec<Finding>) {
    for c in plan.changes.iter().filter(alive) {
        let cluster = if c.resource_type == "ack_cluster" {
            Some(c)
        } else {
            plan.cluster_of(c)
        };
        let Some(ed) = cluster.and_then(planned_edition) else {
            continue;
        };
        for (feature, attr) in wanted(c) {
            if let Err(e) = ed.require(feature) {
                out.push(finding(
                    PRO_FEATURE,
                    c,
                    Some(attr),
                    e.to_string(),
                    &[attr, "cluster_name"],
                ));
            }
        }
    }
}

/// Node limits per cluster, counted by the same ledger as the provider's
/// plan registry: pools keyed by address, prior pools the plan leaves alone
/// included, destroyed pools subtracted, moves counted where they go.
fn node_limits(plan: &Plan, out: &mut Vec<Finding>) {
    let mut ledger: PoolLedger<String> = PoolLedger::new();
    let mut prior_by_cluster: BTreeMap<&str, Vec<(String, String, u64)>> = BTreeMap::new();
    for (a, c, n) in &plan.prior_pools {
        prior_by_cluster
            .entry(c.as_str())
            .or_default()
            .push((a.clone(), a.clone(), *n));
    }
    let prior: std::collections::HashSet<&str> = plan
        .prior_pools
        .iter()
        .map(|(a, _, _)| a.as_str())
        .collect();
    for (cluster, pools) in prior_by_cluster {
        ledger.set_existing(cluster, pools);
    }
    let cluster_name = |c: &Change| -> String {
        c.value()
            .get("name")
            .and_then(Json::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    let mut planned: BTreeMap<String, (&Change, Vec<&Change>)> = BTreeMap::new();
    for pool in plan.of_type("ack_node_pool") {
        if pool.after.is_null() {
            ledger.destroy(pool.address.clone());
            continue;
        }
        let Some(cluster) = plan.cluster_of(pool) else {
            continue;
        };
        let size = if pool.known("desired_size") && pool.known("autoscaling") {
            pool_nodes(&pool.after)
        } else {
            None
        };
        let name = cluster_name(cluster);
        ledger.plan(
            pool.address.clone(),
            &name,
            &pool.address,
            size,
            prior.contains(pool.address.as_str()),
        );
        planned
            .entry(name)
            .or_insert((cluster, Vec::new()))
            .1
            .push(pool);
    }
    for (name, (cluster, pools)) in planned {
        let (Some(total), Some(ed)) = (ledger.totals(&name).nodes, planned_edition(cluster)) else {
            continue;
        };
        if let Err(e) = ed.check_nodes(total) {
            for p in pools {
                let attr = if p.after.get("autoscaling").is_some_and(|a| !a.is_null()) {
                    "autoscaling"
                } else {
                    "desired_size"
                };
                out.push(finding(
                    NODE_LIMIT,
                    p,
                    Some(attr),
                    format!("Cluster {name:?}: {e}"),
                    &["desired_size", "autoscaling", "cluster_name"],
                ));
            }
        }
    }
}

/// Rules on clusters themselves: downgrades, replacements, production tags,
/// deletion protection and encryption of pro clusters.
fn cluster_rules(plan: &Plan, out: &mut Vec<Finding>) {
    let encrypted: std::collections::HashSet<&str> = plan
        .of_type("ack_encryption")
        .filter(alive)
        .filter_map(|e| plan.cluster_of(e).map(|x| x.address.as_str()))
        .collect();
    for c in plan.of_type("ack_cluster") {
        let before = c
            .before
            .get("edition")
            .and_then(Json::as_str)
            .and_then(edition::by_name);
        let after = planned_edition(c);
        if let (Some(b), Some(a), false) = (before, after, c.after.is_null()) {
            if let Err(e) = edition::check_change(b, a) {
                out.push(finding(
                    DOWNGRADE,
                    c,
                    Some("edition"),
                    e.to_string(),
                    &["edition"],
                ));
            }
        }
        if c.deletes() {
            let what = if c.creates() { "replaces" } else { "destroys" };
            let name = c
                .before
                .get("name")
                .and_then(Json::as_str)
                .unwrap_or_default();
            out.push(finding(
                CLUSTER_REPLACED,
                c,
                None,
                format!("The plan {what} cluster {name:?}; its workloads go with it."),
                &["name", "edition", "service_cidr", "pod_cidr", "vswitch_ids"],
            ));
        }
        if c.after.is_null() {
            continue;
        }
        let pro = after.is_some_and(|e| e.id == edition::EditionId::Pro);
        if tagged_production(&c.after) && after.is_some_and(|e| e.id != edition::EditionId::Pro) {
            out.push(finding(PRODUCTION_NOT_PRO, c, Some("edition"), "The cluster is tagged as production but is not ACK Pro (99.95% SLA with compensation). Set edition = \"pro\".".into(), &["edition", "tags"]));
        }
        if pro && c.after.get("deletion_protection") == Some(&Json::Bool(false)) {
            out.push(finding(
                PRO_UNPROTECTED,
                c,
                Some("deletion_protection"),
                "Deletion protection is off on this pro cluster. Set deletion_protection = true."
                    .into(),
                &["deletion_protection"],
            ));
        }
        if pro && !encrypted.contains(c.address.as_str()) {
            out.push(finding(PRO_UNENCRYPTED, c, None, "No ack_encryption for this pro cluster: Kubernetes Secrets are not encrypted with a KMS key.".into(), &["edition"]));
        }
    }
}
