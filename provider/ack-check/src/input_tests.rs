//! Malformed values in the plan the rules read are input errors, never
//! read as "nothing to check".

use serde_json::{json, Value as Json};

use super::policy::Policy;
use super::*;

fn plan_with_pool(pool: Json) -> String {
    json!({
        "format_version": "1.2",
        "resource_changes": [
            {"address": "ack_cluster.c", "mode": "managed", "type": "ack_cluster", "name": "c",
             "change": {"actions": ["create"], "after": {"name": "c", "edition": "standard"}}},
            {"address": "ack_node_pool.p", "mode": "managed", "type": "ack_node_pool", "name": "p",
             "change": {"actions": ["create"], "after": pool}}
        ]
    })
    .to_string()
}

/// Raw JSON text for a number, so that `1e30` stays as written.
fn with_number(attr: &str, raw: &str) -> String {
    let pool = match attr {
        "desired_size" => json!({"cluster_name": "c", "desired_size": "@", "autoscaling": null}),
        a => {
            let key = a.trim_start_matches("autoscaling.");
            let mut auto = json!({"min_size": 1, "max_size": 200});
            auto[key] = json!("@");
            json!({"cluster_name": "c", "desired_size": null, "autoscaling": auto})
        }
    };
    plan_with_pool(pool).replace("\"@\"", raw)
}

#[test]
fn malformed_pool_sizes_are_input_errors_naming_the_attribute() {
    for attr in plan::POOL_NUMBERS {
        for raw in [
            "\"6000\"",
            "1e30",
            "-5",
            "150.5",
            "true",
            "[150]",
            "{}",
            "18446744073709551616",
        ] {
            let err = check(&with_number(attr, raw), &Policy::default()).unwrap_err();
            assert!(
                matches!(err, CheckError::NotAPlan(_)),
                "{attr}={raw}: {err}"
            );
            let text = err.to_string();
            assert!(
                text.contains(&format!("(ack_node_pool.p) change.after.{attr} is "))
                    && text.contains("not a whole number of nodes"),
                "{attr}={raw}: {text}"
            );
        }
        // Well-formed sizes still check: 6000 nodes on standard is a finding.
        let r = check(&with_number(attr, "6000"), &Policy::default());
        if attr == "autoscaling.min_size" {
            // min 6000 > max 200 is the API's to refuse; the count is the maximum.
            assert!(r.is_ok());
        } else {
            let r = r.unwrap();
            assert!(
                r.findings.iter().any(|f| f.rule_id == rules::NODE_LIMIT),
                "{attr}: {:?}",
                r.findings
            );
        }
    }
    let err = check(
        &plan_with_pool(json!({"cluster_name": "c", "autoscaling": "big"})),
        &Policy::default(),
    )
    .unwrap_err();
    assert!(
        err.to_string()
            .contains("autoscaling is \"big\", not an object"),
        "{err}"
    );
    // Null and unknown sizes are not malformed.
    assert!(check(
        &plan_with_pool(json!({"cluster_name": "c", "desired_size": null, "autoscaling": null})),
        &Policy::default()
    )
    .is_ok());
}

#[test]
fn malformed_sizes_before_the_change_and_in_the_prior_state_too() {
    let mut root: Json = serde_json::from_str(&plan_with_pool(
        json!({"cluster_name": "c", "desired_size": 1}),
    ))
    .unwrap();
    root["resource_changes"][1]["change"]["before"] =
        json!({"cluster_name": "c", "desired_size": -1});
    let err = check(&root.to_string(), &Policy::default()).unwrap_err();
    assert!(
        err.to_string().contains("change.before.desired_size is -1"),
        "{err}"
    );

    let mut root: Json = serde_json::from_str(&plan_with_pool(
        json!({"cluster_name": "c", "desired_size": 1}),
    ))
    .unwrap();
    root["prior_state"] = json!({"values": {"root_module": {"child_modules": [{"resources": [
        {"address": "module.m.ack_node_pool.old", "type": "ack_node_pool",
         "values": {"cluster_name": "c", "autoscaling": {"min_size": 0, "max_size": "6000"}}}
    ]}]}}});
    let err = check(&root.to_string(), &Policy::default()).unwrap_err();
    assert!(
        err.to_string().contains("prior_state resource module.m.ack_node_pool.old values.autoscaling.max_size is \"6000\""),
        "{err}"
    );
}
