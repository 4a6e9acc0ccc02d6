use super::*;

#[test]
fn schema_is_valid() {
    let schema = super::super::feature::schema::<Addon>();
    assert_eq!(
        tfplugin::schema::check_schema(&schema.block),
        Vec::<String>::new()
    );
}

#[test]
fn config_reads_back_in_the_spelling_written() {
    let written = "{\n  \"b\": 1,\n  \"a\": \"x\"\n}";
    // Same meaning, other spelling: the state keeps what was written.
    assert_eq!(
        config::read_back(r#"{"a":"x","b":1}"#, Some(written)).unwrap(),
        written
    );
    // Server-side defaults for keys not written do not show.
    assert_eq!(
        config::read_back(r#"{"a":"x","b":1,"c":true}"#, Some(written)).unwrap(),
        written
    );
    // A changed key does.
    assert_eq!(
        config::read_back(r#"{"a":"y","b":1}"#, Some(written)).unwrap(),
        r#"{"a":"y","b":1}"#
    );
    // Nothing written (import): the service's, in normal form.
    assert_eq!(
        config::read_back(r#"{ "b":1, "a":2 }"#, None).unwrap(),
        r#"{"a":2,"b":1}"#
    );
    assert!(config::read_back("{nope", Some("{}")).is_err());
}

#[test]
fn import_ids_are_cluster_and_name() {
    let id = "c82e6987e2961451182edacd74faf3d4a";
    let v = Addon::import(&format!("{id}:csi-plugin")).unwrap();
    assert_eq!(v.get("cluster_id").and_then(Value::as_str), Some(id));
    assert_eq!(v.get("name").and_then(Value::as_str), Some("csi-plugin"));
    assert!(Addon::import(id).is_err());
    assert!(Addon::import("nope:csi-plugin").is_err());
}

#[test]
fn pro_only_addons_ask_for_their_feature_at_name() {
    let plan = Value::object([("name", Value::from("security-inspector"))]);
    let asked = Addon::asks(&plan).unwrap();
    assert_eq!(
        asked,
        vec![(Feature::ClusterInspection, AttributePath::attr("name"))]
    );
    let plan = Value::object([("name", Value::unknown())]);
    assert!(Addon::asks(&plan).unwrap().is_empty());
    let plan = Value::object([("name", Value::from("csi-plugin"))]);
    assert!(Addon::asks(&plan).unwrap().is_empty());
}

#[test]
fn destroying_a_platform_addon_warns_that_it_stays() {
    let prior = Value::object([("name", Value::from("flannel"))]);
    let d = plan::check_destroy(&prior).unwrap();
    assert!(format!("{d:?}").contains("cannot be removed"), "{d:?}");
    let prior = Value::object([("name", Value::from("csi-plugin"))]);
    assert!(plan::check_destroy(&prior).is_none());
}
