use ack_api::model::ClusterDetail;
use tfplugin::value::serde::Planned;
use tfplugin::Value;

use super::model::{ty, Cluster, ClusterPlan};
use super::*;

#[test]
fn schema_is_valid_and_described() {
    assert_eq!(
        tfplugin::schema::check_schema(&schema::schema().block),
        Vec::<String>::new()
    );
}

#[test]
fn state_hides_bookkeeping_and_derives_the_edition() {
    let d = ClusterDetail {
        cluster_id: "c1".into(),
        name: "x".into(),
        cluster_spec: "ack.pro.small".into(),
        state: "running".into(),
        master_url: r#"{"api_server_endpoint":"https://1.2.3.4:6443"}"#.into(),
        tags: vec![ack_api::model::Tag {
            key: ack_client::CREATE_TOKEN_TAG.into(),
            value: "t".into(),
        }],
        ..Default::default()
    };
    let s = Cluster::from_api(&d, &Cluster::default()).value().unwrap();
    assert_eq!(s.get("edition"), Some(&Value::from("pro")));
    assert_eq!(s.get("sla"), Some(&Value::from("99.95%")));
    assert_eq!(s.get("max_nodes"), Some(&Value::from(5000)));
    assert_eq!(s.get("tags"), Some(&Value::Null));
    assert_eq!(s.get("timeouts"), Some(&Value::Null));
    assert_eq!(
        s.get("api_server_endpoint"),
        Some(&Value::from("https://1.2.3.4:6443"))
    );
    assert_eq!(
        Cluster::read(&s).unwrap(),
        Cluster::from_api(&d, &Cluster::default())
    );
}

/// A plan with unknowns anywhere (inside tags, a window that is not known
/// yet) reads for the plan-time checks, and unknown stays apart from null.
#[test]
fn plans_with_unknowns_read() {
    let mut plan = tfplugin::value::serde::to_value(
        &serde_json::json!({"name": "x", "edition": "standard"}),
        ty(),
    )
    .unwrap();
    common::set(
        &mut plan,
        "tags",
        Value::Map([("env".to_owned(), Value::unknown())].into()),
    );
    common::set(&mut plan, "maintenance_window", Value::unknown());
    let p = ClusterPlan::read(&plan).unwrap();
    assert!(p.maintenance_window.is_unknown());
    assert_eq!(p.kubernetes_version, Planned::Null);
    assert_eq!(p.edition().map(|e| e.name), Some("standard"));
}
