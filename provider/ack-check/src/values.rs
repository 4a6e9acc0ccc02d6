//! ACK-VAL-001: planned values the API would refuse, by the same rules
//! (`ack_api::rules`) the provider applies at `terraform validate` and the
//! emulator applies server side. A plan made by this provider passes them;
//! one made by an older version, or edited by hand, may not.

use ack_api::model::{Tag, Taint};
use ack_api::rules::{self, RuleError, Step, Violation};
use serde_json::Value as Json;

use super::plan::{Change, Plan};
use super::{Finding, Rule, Severity};

pub const INVALID_VALUE: &str = "ACK-VAL-001";

pub fn rule() -> Rule {
    Rule {
        id: INVALID_VALUE.into(),
        name: "value-refused-by-the-api".into(),
        description: "A planned value breaks a rule of the ACK API or of Kubernetes (names, CIDR blocks, \
                      vSwitch and instance type lists, labels, taints, tags, maintenance window, timeouts)."
            .into(),
        severity: Severity::Error,
    }
}

/// Where a violation is, as `attr["key"]`, `attr[1].key` or `attr.field`.
fn place(attr: &str, at: &[Step]) -> String {
    rules::path(attr, at)
}

struct Out<'a> {
    change: &'a Change,
    findings: Vec<Finding>,
}

impl Out<'_> {
    fn push(&mut self, attr: &str, at: &[Step], error: &RuleError) {
        let place = place(attr, at);
        self.findings.push(Finding {
            rule_id: INVALID_VALUE.into(),
            severity: Severity::Error,
            address: self.change.address.clone(),
            message: format!("{place}: {error}."),
            attribute: Some(place),
            before: None,
            after: self
                .change
                .after
                .get(attr)
                .map(|v| Json::Object([(attr.to_owned(), v.clone())].into_iter().collect())),
            location: None,
            fingerprint: String::new(),
            suppression: None,
        });
    }

    fn all(&mut self, attr: &str, found: Vec<Violation>) {
        for v in found {
            self.push(attr, &v.at, &v.error);
        }
    }

    /// A known string attribute through `rule`.
    fn string(&mut self, attr: &str, rule: fn(&str) -> Result<(), RuleError>) {
        if let Some(s) = self.change.after.get(attr).and_then(Json::as_str) {
            if let Err(e) = rule(s) {
                self.push(attr, &[], &e);
            }
        }
    }
}

fn strings(v: Option<&Json>) -> Option<Vec<String>> {
    v?.as_array()?
        .iter()
        .map(|x| x.as_str().map(str::to_owned))
        .collect()
}

fn entries(v: Option<&Json>) -> Vec<Tag> {
    v.and_then(Json::as_object)
        .map(|m| {
            m.iter()
                .filter_map(|(k, v)| {
                    v.as_str().map(|v| Tag {
                        key: k.clone(),
                        value: v.to_owned(),
                    })
                })
                .collect()
        })
        .unwrap_or_default()
}

fn check_change(c: &Change) -> Vec<Finding> {
    let mut out = Out {
        change: c,
        findings: Vec::new(),
    };
    let after = &c.after;
    if let Some(t) = after.get("timeouts").filter(|t| t.is_object()) {
        for op in ["create", "update", "delete"] {
            if let Some(s) = t.get(op).and_then(Json::as_str) {
                if let Err(e) = rules::timeout(s) {
                    out.push("timeouts", &[Step::Field(op)], &e);
                }
            }
        }
    }
    match c.resource_type.as_str() {
        "ack_cluster" => cluster_values(&mut out, after),
        "ack_node_pool" => pool_values(&mut out, after),
        "ack_encryption" => {
            out.string("cluster_name", rules::name_reference);
            out.string("kms_key_id", rules::kms_key_id);
        }
        "ack_backup_policy" | "ack_scheduler_profile" | "ack_addon" => {
            out.string("cluster_name", rules::name_reference)
        }
        "ack_cluster_inspection" => {
            out.string("cluster_name", rules::name_reference);
            out.string("schedule", |s| rules::recurrence(s).map(|_| ()));
        }
        _ => {}
    }
    out.findings
}

fn cluster_values(out: &mut Out<'_>, after: &Json) {
    out.string("name", rules::name);
    out.string("service_cidr", |s| rules::cidr(s).map(|_| ()));
    out.string("pod_cidr", |s| rules::cidr(s).map(|_| ()));
    if let (Some(s), Some(p)) = (
        after.get("service_cidr").and_then(Json::as_str),
        after.get("pod_cidr").and_then(Json::as_str),
    ) {
        if let Err(e) = rules::cidrs_disjoint(s, p) {
            out.push("pod_cidr", &[], &e);
        }
    }
    if let Some(ids) = strings(after.get("vswitch_ids")) {
        out.all("vswitch_ids", rules::vswitch_ids(&ids));
    }
    out.all("tags", rules::user_tags(&entries(after.get("tags"))));
    if let Some(w) = after.get("maintenance_window").filter(|w| w.is_object()) {
        let field = |f: &str| {
            w.get(f)
                .and_then(Json::as_str)
                .unwrap_or_default()
                .to_owned()
        };
        let window = ack_api::model::MaintenanceWindow {
            enable: true,
            maintenance_time: field("maintenance_time"),
            duration: field("duration"),
            weekly_period: field("weekly_period"),
        };
        out.all("maintenance_window", rules::maintenance_window(&window));
    }
}

fn pool_values(out: &mut Out<'_>, after: &Json) {
    out.string("cluster_name", rules::name_reference);
    out.string("name", rules::name);
    if let Some(types) = strings(after.get("instance_types")) {
        out.all("instance_types", rules::instance_types(&types));
    }
    for t in entries(after.get("labels")) {
        let r = rules::user_label_key(&t.key).and_then(|()| rules::label_value(&t.value));
        if let Err(e) = r {
            out.push("labels", &[Step::Key(t.key.clone())], &e);
        }
    }
    if let Some(list) = after.get("taints").and_then(Json::as_array) {
        let text = |t: &Json, f: &str| {
            t.get(f)
                .and_then(Json::as_str)
                .unwrap_or_default()
                .to_owned()
        };
        let taints: Vec<Taint> = list
            .iter()
            .map(|t| Taint {
                key: text(t, "key"),
                value: text(t, "value"),
                effect: text(t, "effect"),
            })
            .collect();
        out.all("taints", rules::taints(&taints));
    }
}

/// Findings for every created or updated resource.
pub fn evaluate(plan: &Plan) -> Vec<Finding> {
    plan.changes
        .iter()
        .filter(|c| c.after.is_object())
        .flat_map(check_change)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn change(t: &str, after: Json) -> Change {
        Change {
            address: format!("{t}.x"),
            resource_type: t.into(),
            actions: vec!["create".into()],
            before: Json::Null,
            after,
            after_unknown: json!({}),
            before_sensitive: Json::Null,
            after_sensitive: Json::Null,
        }
    }

    fn attrs(f: &[Finding]) -> Vec<String> {
        f.iter().filter_map(|x| x.attribute.clone()).collect()
    }

    #[test]
    fn the_issue_values_are_found() {
        let f = check_change(&change(
            "ack_cluster",
            json!({
                "name": "c", "service_cidr": "10.1.2.3/8", "pod_cidr": "172.20.0.0/16",
                "vswitch_ids": ["vsw-a", "vsw-a"], "tags": {"acklabs:create-token": "x"},
                "maintenance_window": {"maintenance_time": "25:99", "duration": "forever", "weekly_period": "Funday"},
                "timeouts": {"create": "3381903080180084463m"}
            }),
        ));
        assert_eq!(
            attrs(&f),
            [
                "timeouts.create",
                "service_cidr",
                "vswitch_ids[1]",
                "tags[\"acklabs:create-token\"]",
                "maintenance_window.maintenance_time",
                "maintenance_window.duration",
                "maintenance_window.weekly_period",
            ]
        );
        let f = check_change(&change(
            "ack_node_pool",
            json!({
                "cluster_name": "", "name": "p", "instance_types": ["ecs.a", "ecs.a"],
                "labels": {"bad key!": "x", "acklabs.io/accelerator": "gpu", "ok": ""},
                "taints": [{"key": "a/b/c", "value": null, "effect": "NoSchedule"}]
            }),
        ));
        assert_eq!(
            attrs(&f),
            [
                "cluster_name",
                "instance_types[1]",
                "labels[\"bad key!\"]",
                "labels[\"acklabs.io/accelerator\"]",
                "taints[0].key",
            ]
        );
    }

    #[test]
    fn good_and_unknown_values_pass() {
        let f = check_change(&change(
            "ack_cluster",
            json!({"name": "c", "service_cidr": null, "pod_cidr": "172.20.0.0/16", "vswitch_ids": null, "tags": null, "maintenance_window": null}),
        ));
        assert!(f.is_empty(), "{f:?}");
    }
}
