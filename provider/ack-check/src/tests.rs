use proptest::prelude::*;
use serde_json::{json, Value as Json};

use super::policy::Policy;
use super::report::{render, Format};
use super::*;

fn change(address: &str, actions: &[&str], before: Json, after: Json) -> Json {
    let t = address.split('.').next().unwrap();
    json!({
        "address": address, "mode": "managed", "type": t, "name": address.split('.').nth(1).unwrap(),
        "change": { "actions": actions, "before": before, "after": after, "after_unknown": {} }
    })
}

fn plan(changes: Vec<Json>, refs: &[(&str, &str)]) -> String {
    let resources: Vec<Json> = refs
        .iter()
        .map(|(dep, cluster)| {
            json!({ "address": dep, "expressions": { "cluster_name": { "references": [format!("{cluster}.name"), cluster] } } })
        })
        .collect();
    json!({
        "format_version": "1.2", "terraform_version": "1.11.4",
        "resource_changes": changes,
        "configuration": { "root_module": { "resources": resources } }
    })
    .to_string()
}

fn create(address: &str, after: Json) -> Json {
    change(address, &["create"], Json::Null, after)
}

/// A plan that creates `ack_cluster.main` of `edition` and `dependents` that
/// name it.
fn on_new_cluster(edition: &str, dependents: &[(&str, Json)]) -> String {
    let mut changes = vec![create("ack_cluster.main", cluster(edition))];
    changes.extend(dependents.iter().map(|(a, after)| create(a, after.clone())));
    let refs: Vec<(&str, &str)> = dependents
        .iter()
        .map(|(a, _)| (*a, "ack_cluster.main"))
        .collect();
    plan(changes, &refs)
}

/// `ack_cluster.main`, a standard cluster the plan leaves as it is.
fn existing_standard_cluster() -> Json {
    change(
        "ack_cluster.main",
        &["no-op"],
        cluster("standard"),
        cluster("standard"),
    )
}

fn cluster(edition: &str) -> Json {
    json!({ "name": "c", "edition": edition, "deletion_protection": true, "tags": null })
}

fn ids(r: &Report) -> Vec<(&str, &str)> {
    r.findings
        .iter()
        .map(|f| (f.rule_id.as_str(), f.address.as_str()))
        .collect()
}

#[test]
fn pro_feature_on_a_new_standard_cluster() {
    let p = on_new_cluster(
        "standard",
        &[(
            "ack_scheduler_profile.s",
            json!({"cluster_name": "c", "gang_scheduling": true, "cgpu_edition": "basic"}),
        )],
    );
    let r = check(&p, &Policy::default()).unwrap();
    assert_eq!(ids(&r), [(rules::PRO_FEATURE, "ack_scheduler_profile.s")]);
    assert_eq!(r.findings[0].attribute.as_deref(), Some("gang_scheduling"));
    let text = render(&r, Format::Text);
    assert!(text.contains("gang scheduling needs ACK Pro"), "{text}");
    assert!(
        text.contains("+   \"gang_scheduling\": true"),
        "shows the change: {text}"
    );
}

#[test]
fn pro_only_addons_and_inspection_on_a_standard_cluster() {
    let p = on_new_cluster(
        "standard",
        &[
            (
                "ack_addon.inspector",
                json!({"cluster_name": "c", "name": "security-inspector"}),
            ),
            (
                "ack_addon.csi",
                json!({"cluster_name": "c", "name": "csi-plugin"}),
            ),
            (
                "ack_cluster_inspection.i",
                json!({"cluster_name": "c", "enabled": true, "schedule": "FREQ=WEEKLY;BYHOUR=1;BYMINUTE=0"}),
            ),
        ],
    );
    let r = check(&p, &Policy::default()).unwrap();
    let found = ids(&r);
    assert!(
        found.contains(&(rules::PRO_FEATURE, "ack_addon.inspector")),
        "{found:?}"
    );
    assert!(
        found.contains(&(rules::PRO_FEATURE, "ack_cluster_inspection.i")),
        "{found:?}"
    );
    assert!(
        !found.iter().any(|(_, a)| *a == "ack_addon.csi"),
        "{found:?}"
    );
    let schedule = r
        .findings
        .iter()
        .find(|f| f.attribute.as_deref() == Some("schedule"));
    assert!(schedule.is_some(), "{:?}", r.findings);
}

#[test]
fn the_same_on_pro_with_encryption_is_clean() {
    let p = on_new_cluster(
        "pro",
        &[
            (
                "ack_scheduler_profile.s",
                json!({"cluster_name": "c", "gang_scheduling": true}),
            ),
            (
                "ack_encryption.e",
                json!({"cluster_name": "c", "kms_key_id": "key-abc12345"}),
            ),
        ],
    );
    let r = check(&p, &Policy::default()).unwrap();
    assert!(r.findings.is_empty(), "{:?}", r.findings);
    assert!(render(&r, Format::Junit).contains("failures=\"0\""));
}

#[test]
fn replacement_in_sarif_and_junit() {
    let before = json!({"name": "c", "edition": "pro", "service_cidr": "172.21.0.0/20", "deletion_protection": true});
    let after = json!({"name": "c", "edition": "pro", "service_cidr": "172.22.0.0/20", "deletion_protection": true});
    let p = plan(
        vec![
            change("ack_cluster.main", &["delete", "create"], before, after),
            change(
                "ack_encryption.e",
                &["no-op"],
                json!({"cluster_name": "c"}),
                json!({"cluster_name": "c"}),
            ),
        ],
        &[("ack_encryption.e", "ack_cluster.main")],
    );
    let r = check(&p, &Policy::default()).unwrap();
    assert_eq!(ids(&r), [(rules::CLUSTER_REPLACED, "ack_cluster.main")]);
    let sarif: Json = serde_json::from_str(&render(&r, Format::Sarif)).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    let result = &sarif["runs"][0]["results"][0];
    assert_eq!(result["ruleId"], rules::CLUSTER_REPLACED);
    assert_eq!(
        result["locations"][0]["logicalLocations"][0]["fullyQualifiedName"],
        "ack_cluster.main"
    );
    let idx = result["ruleIndex"].as_u64().unwrap() as usize;
    assert_eq!(
        sarif["runs"][0]["tool"]["driver"]["rules"][idx]["id"],
        rules::CLUSTER_REPLACED
    );
    let junit = render(&r, Format::Junit);
    assert!(
        junit.contains(&format!(
            "classname=\"{}\" name=\"ack_cluster.main\">",
            rules::CLUSTER_REPLACED
        )),
        "{junit}"
    );
    assert!(junit.contains("failures=\"1\""));
    assert!(
        junit.contains(&format!("tests=\"{}\"", r.rules.len() * 2)),
        "one case per rule × resource"
    );
    let text = render(&r, Format::Text);
    assert!(
        text.contains("-   \"service_cidr\": \"172.21.0.0/20\"")
            && text.contains("+   \"service_cidr\": \"172.22.0.0/20\""),
        "{text}"
    );
}

#[test]
fn node_limits_count_pools_outside_the_configuration() {
    let mut root: Json = serde_json::from_str(&plan(
        vec![
            existing_standard_cluster(),
            create(
                "ack_node_pool.a",
                json!({"cluster_name": "c", "desired_size": 60, "autoscaling": null}),
            ),
        ],
        &[("ack_node_pool.a", "ack_cluster.main")],
    ))
    .unwrap();
    let r = check(&root.to_string(), &Policy::default()).unwrap();
    assert!(r.findings.is_empty());
    root["prior_state"] = json!({"values": {"root_module": {"resources": [
        {"address": "ack_node_pool.elsewhere", "type": "ack_node_pool", "values": {"cluster_name": "c", "desired_size": 50, "autoscaling": null}}
    ]}}});
    let r = check(&root.to_string(), &Policy::default()).unwrap();
    assert_eq!(ids(&r), [(rules::NODE_LIMIT, "ack_node_pool.a")]);
    assert!(r.findings[0].message.contains("110 nodes"));
}

/// The same counting as the provider's plan registry: a pool destroyed in
/// the plan is subtracted, a pool updated in place counts once at its new
/// size (regression: the registry and `check` used to disagree).
#[test]
fn node_limits_subtract_destroyed_pools_and_count_updates_once() {
    let pool = |n: u64| json!({"cluster_name": "c", "desired_size": n, "autoscaling": null});
    let mut root: Json = serde_json::from_str(&plan(
        vec![
            existing_standard_cluster(),
            change("ack_node_pool.old", &["delete"], pool(60), Json::Null),
            change("ack_node_pool.grown", &["update"], pool(10), pool(40)),
            create("ack_node_pool.new", pool(60)),
        ],
        &[
            ("ack_node_pool.grown", "ack_cluster.main"),
            ("ack_node_pool.new", "ack_cluster.main"),
        ],
    ))
    .unwrap();
    root["prior_state"] = json!({"values": {"root_module": {"resources": [
        {"address": "ack_node_pool.old", "type": "ack_node_pool", "values": pool(60)},
        {"address": "ack_node_pool.grown", "type": "ack_node_pool", "values": pool(10)}
    ]}}});
    // 40 + 60 = 100: at the standard limit, not over it.
    let r = check(&root.to_string(), &Policy::default()).unwrap();
    assert_eq!(ids(&r), Vec::<(&str, &str)>::new(), "{:?}", r.findings);
}

#[test]
fn unknown_editions_skip_and_policies_apply() {
    let mut c = create(
        "ack_cluster.main",
        json!({"name": "c", "deletion_protection": false, "tags": {"env": "production"}}),
    );
    c["change"]["after_unknown"] = json!({"edition": true});
    let p = plan(
        vec![c, create("ack_encryption.e", json!({"cluster_name": "c"}))],
        &[("ack_encryption.e", "ack_cluster.main")],
    );
    assert!(
        check(&p, &Policy::default()).unwrap().findings.is_empty(),
        "no false error on unknown values"
    );

    let p = plan(
        vec![create(
            "ack_cluster.main",
            json!({"name": "c", "edition": "pro", "deletion_protection": false, "kubernetes_version": "1.28.15-aliyun.1"}),
        )],
        &[],
    );
    let r = check(&p, &Policy::default()).unwrap();
    assert_eq!(
        ids(&r),
        [
            (rules::PRO_UNPROTECTED, "ack_cluster.main"),
            (rules::PRO_UNENCRYPTED, "ack_cluster.main")
        ]
    );
    let policy: Policy = toml::from_str(
        r#"
[rules.ACK-POL-003]
enabled = false
[rules.ACK-POL-004]
severity = "error"
[[custom]]
id = "ORG-001"
description = "Clusters run a current Kubernetes version"
resource_type = "ack_cluster"
attribute = "kubernetes_version"
must_not_be_one_of = ["1.28.15-aliyun.1"]
"#,
    )
    .unwrap();
    let r = check(&p, &policy).unwrap();
    assert_eq!(
        ids(&r),
        [
            ("ACK-POL-004", "ack_cluster.main"),
            ("ORG-001", "ack_cluster.main")
        ]
    );
    assert!(r.findings.iter().all(|f| f.severity == Severity::Error));
    assert!(!r.rules.iter().any(|x| x.id == "ACK-POL-003"));
    let yaml: Policy =
        serde_yaml::from_str("rules:\n  ACK-POL-004:\n    enabled: false\n").unwrap();
    assert!(yaml.disabled("ACK-POL-004"));

    let p = plan(
        vec![create(
            "ack_cluster.main",
            json!({"name": "c", "edition": "standard", "tags": {"env": "production"}}),
        )],
        &[],
    );
    assert_eq!(
        ids(&check(&p, &Policy::default()).unwrap()),
        [(rules::PRODUCTION_NOT_PRO, "ack_cluster.main")]
    );
}

#[test]
fn unusable_input_is_an_error_not_a_panic() {
    let p = Policy::default();
    assert!(matches!(check("", &p), Err(CheckError::NotJson(_))));
    assert!(matches!(check("[1,2]", &p), Err(CheckError::NotAPlan(_))));
    assert!(matches!(
        check(r#"{"format_version":"0.1","resource_changes":[]}"#, &p),
        Err(CheckError::Format(_))
    ));
    assert!(matches!(
        check(r#"{"format_version":"1.0","values":{}}"#, &p),
        Err(CheckError::NotAPlan(_))
    ));
    let good = plan(vec![create("ack_cluster.main", cluster("standard"))], &[]);
    for cut in [1, good.len() / 2, good.len() - 1] {
        assert!(check(&good[..cut], &p).is_err());
    }
    assert!(matches!(
        check(
            r#"{"format_version":"1.2","resource_changes":[{"change":7},{"type":5},null]}"#,
            &p
        ),
        Err(CheckError::NotAPlan(_))
    ));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn hostile_plans_never_panic(s in ".{0,400}") {
        let _ = check(&s, &Policy::default());
    }

    #[test]
    fn hostile_structures_never_panic(v in any_json()) {
        let mut root = json!({"format_version": "1.2"});
        root["resource_changes"] = v.clone();
        root["configuration"] = json!({"root_module": v.clone()});
        root["prior_state"] = json!({"values": {"root_module": v}});
        let _ = check(&root.to_string(), &Policy::default());
    }
}

fn any_json() -> impl Strategy<Value = Json> {
    let leaf = prop_oneof![
        Just(Json::Null),
        any::<bool>().prop_map(Json::from),
        any::<i64>().prop_map(Json::from),
        "[a-z_.]{0,12}".prop_map(Json::from),
        Just(json!("ack_cluster.main")),
        Just(json!("create")),
    ];
    leaf.prop_recursive(4, 48, 5, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Json::from),
            prop::collection::btree_map(
                prop_oneof![
                    Just("address".to_owned()),
                    Just("type".to_owned()),
                    Just("change".to_owned()),
                    Just("actions".to_owned()),
                    Just("after".to_owned()),
                    Just("resources".to_owned()),
                    Just("expressions".to_owned()),
                    Just("cluster_name".to_owned()),
                    "[a-z]{1,6}"
                ],
                inner,
                0..5
            )
            .prop_map(|m| Json::Object(m.into_iter().collect())),
        ]
    })
}
