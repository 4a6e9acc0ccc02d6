//! ACK-VER-001: a node pool's planned Kubernetes version against its
//! cluster's, by the provider's and the service's own rule
//! (`ack_api::versions::check_pool_upgrade`): not newer than the control
//! plane, never down, at most `MAX_NODE_MINOR_LAG` minors behind.

use ack_api::versions;
use serde_json::Value as Json;

use super::{finding, Finding, Plan};

pub const NODE_VERSION_SKEW: &str = "ACK-VER-001";

/// A string value the plan knows.
fn known_str<'a>(v: &'a Json, c: &super::Change, attr: &str) -> Option<&'a str> {
    c.known(attr).then(|| v.get(attr)?.as_str())?
}

pub(super) fn node_versions(plan: &Plan, out: &mut Vec<Finding>) {
    for pool in plan.of_type("ack_node_pool").filter(|c| !c.after.is_null()) {
        let Some(cluster) = plan.cluster_of(pool).filter(|c| !c.after.is_null()) else {
            continue;
        };
        let (Some(to), Some(cp)) = (
            known_str(&pool.after, pool, "kubernetes_version"),
            known_str(&cluster.after, cluster, "kubernetes_version"),
        ) else {
            continue;
        };
        let from = pool.before.get("kubernetes_version").and_then(Json::as_str);
        let checked = versions::check_pool_plan(from, to, cp);
        if let Err(e) = checked {
            let name = cluster
                .after
                .get("name")
                .and_then(Json::as_str)
                .unwrap_or_default();
            out.push(finding(
                NODE_VERSION_SKEW,
                pool,
                Some("kubernetes_version"),
                format!("Cluster {name:?}: {e}"),
                &["kubernetes_version", "cluster_name"],
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::policy::Policy;

    fn plan(cluster: &str, before: Option<&str>, after: &str) -> String {
        let pool_before = before.map_or(
            json!(null),
            |b| json!({"cluster_name": "c", "kubernetes_version": b}),
        );
        let action = if before.is_some() { "update" } else { "create" };
        json!({
            "format_version": "1.2", "terraform_version": "1.11.4",
            "resource_changes": [
                {"address": "ack_cluster.main", "mode": "managed", "type": "ack_cluster", "name": "main",
                 "change": {"actions": ["update"], "before": {"name": "c", "edition": "pro", "kubernetes_version": "1.30.7-aliyun.1"},
                            "after": {"name": "c", "edition": "pro", "deletion_protection": true, "kubernetes_version": cluster}, "after_unknown": {}}},
                {"address": "ack_node_pool.p", "mode": "managed", "type": "ack_node_pool", "name": "p",
                 "change": {"actions": [action], "before": pool_before,
                            "after": {"cluster_name": "c", "kubernetes_version": after}, "after_unknown": {}}}
            ],
            "configuration": {"root_module": {"resources": [
                {"address": "ack_node_pool.p", "expressions": {"cluster_name": {"references": ["ack_cluster.main.name", "ack_cluster.main"]}}}
            ]}}
        })
        .to_string()
    }

    fn skew(text: &str) -> Vec<String> {
        crate::check(text, &Policy::default())
            .unwrap()
            .findings
            .into_iter()
            .filter(|f| f.rule_id == super::NODE_VERSION_SKEW)
            .map(|f| f.message)
            .collect()
    }

    #[test]
    fn pools_follow_their_cluster() {
        let v131 = "1.31.1-aliyun.1";
        assert!(skew(&plan(v131, Some("1.30.7-aliyun.1"), v131)).is_empty());
        let newer = skew(&plan("1.30.7-aliyun.1", Some("1.30.7-aliyun.1"), v131));
        assert!(
            newer[0].contains("newer than the control plane"),
            "{newer:?}"
        );
        let behind = skew(&plan(
            "1.32.1-aliyun.1",
            Some("1.28.15-aliyun.1"),
            "1.28.15-aliyun.1",
        ));
        assert!(behind[0].contains("at most 3"), "{behind:?}");
        // Both to 1.32 in one apply: the control plane goes first.
        let both = skew(&plan(
            "1.32.1-aliyun.1",
            Some("1.28.15-aliyun.1"),
            "1.32.1-aliyun.1",
        ));
        assert!(both[0].contains("in an apply of its own"), "{both:?}");
        let down = skew(&plan(v131, Some(v131), "1.30.7-aliyun.1"));
        assert!(down[0].contains("cannot be downgraded"), "{down:?}");
    }
}
