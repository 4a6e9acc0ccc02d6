//! Tests of `addons`.
use super::*;
use crate::edition::{self, EditionId};

#[test]
fn normal_form_ignores_order_and_whitespace() {
    let a = normalise_config(r#"{ "b": 1, "a": {"y": true, "x": [ 1, 2 ]} }"#).unwrap();
    let b = normalise_config("{\"a\":{\"x\":[1,2],\"y\":true},\n\"b\":1}").unwrap();
    assert_eq!(a, b);
    assert_eq!(a, r#"{"a":{"x":[1,2],"y":true},"b":1}"#);
    assert_eq!(normalise_config("  ").unwrap(), "{}");
    assert!(normalise_config("[1]").is_err());
    assert!(normalise_config("{nope").is_err());
}

#[test]
fn config_is_checked_against_the_schema() {
    let ingress = get("nginx-ingress-controller").unwrap();
    let schema = ingress.config_schema();
    validate_config(&schema, r#"{"IngressSlbNetworkType":"intranet"}"#).unwrap();
    let e = validate_config(&schema, r#"{"IngressSlbNetworkType":"public","x":1}"#)
        .unwrap_err()
        .to_string();
    assert!(e.contains("allowed: \"internet\", \"intranet\""), "{e}");
    assert!(e.contains("unknown key \"x\""), "{e}");
    let autoscaler = get("cluster-autoscaler").unwrap().config_schema();
    assert!(validate_config(&autoscaler, r#"{"scaleDownEnabled":"yes"}"#).is_err());
}

#[test]
fn versions_tiers_and_ownership() {
    let csi = get("csi-plugin").unwrap();
    assert_eq!(
        csi.newest_for(Some("1.28.15-aliyun.1")),
        Some("v1.31.4-aliyun.1")
    );
    assert_eq!(csi.newest_for(None), Some("v1.33.0-aliyun.1"));
    assert!(matches!(
        csi.check_version("v1.32.1-aliyun.1", Some("1.28.15-aliyun.1")),
        Err(AddonError::ClusterTooOld { .. })
    ));
    assert!(matches!(
        csi.check_version("v9", None),
        Err(AddonError::UnknownVersion { .. })
    ));
    let standard = edition::get(EditionId::Standard);
    let pro = edition::get(EditionId::Pro);
    let inspector = get("security-inspector").unwrap();
    assert!(inspector.check_edition(standard).is_err());
    inspector.check_edition(pro).unwrap();
    csi.check_edition(standard).unwrap();
    assert!(get("flannel").unwrap().check_uninstall().is_err());
    csi.check_uninstall().unwrap();
    assert!(!get("flannel")
        .unwrap()
        .supported_actions()
        .contains(&"Uninstall"));
    assert!(check_not_declared_at_create("csi-plugin", &["csi-plugin"]).is_err());
    check_not_declared_at_create("csi-plugin", &["flannel"]).unwrap();
    assert_eq!(
        compare_versions("v1.9.3-aliyun.1", "v1.11.2-aliyun.1"),
        Ordering::Less
    );
}

#[test]
fn catalog_is_consistent() {
    let mut seen = std::collections::HashSet::new();
    for a in CATALOG {
        assert!(seen.insert(a.name), "{} twice", a.name);
        assert!(!a.versions.is_empty(), "{}", a.name);
        for w in a.versions.windows(2) {
            assert_eq!(
                compare_versions(w[0].version, w[1].version),
                Ordering::Less,
                "{}",
                a.name
            );
        }
    }
    assert!(get(SCHEDULER).is_some_and(|s| s.platform_owned));
}
