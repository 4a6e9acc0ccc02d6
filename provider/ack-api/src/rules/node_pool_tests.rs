use super::*;
use crate::model::SpotPriceLimit;

fn pool() -> ScalingGroup {
    ScalingGroup {
        instance_types: vec!["ecs.g7.xlarge".into()],
        vswitch_ids: vec!["vsw-ack00000000000000001".into()],
        instance_charge_type: Some("PostPaid".into()),
        key_pair: Some("ack-keypair".into()),
        ..Default::default()
    }
}

fn fields(sg: &ScalingGroup, managed: bool) -> Vec<String> {
    scaling_group(sg, managed)
        .iter()
        .map(|v| v.located("scaling_group"))
        .collect()
}

#[test]
fn a_complete_pool_passes() {
    assert_eq!(fields(&pool(), true), Vec::<String>::new());
}

#[test]
fn passwords_follow_the_apis_complexity_rule_and_are_never_repeated() {
    for good in [
        "Abcdef12",
        "abc-def-12",
        "ABC_DEF_gh",
        "Passw0rd!Passw0rd!Passw0rd!123",
    ] {
        assert!(login_password(good).is_ok(), "{good}");
    }
    for bad in [
        "Abc12",
        "abcdefgh12",
        "ABCDEFGH",
        "Abcdef12 x",
        "Ab1-567890123456789012345678901",
    ] {
        let e = login_password(bad).unwrap_err().to_string();
        assert!(!e.contains(bad), "{e}");
    }
}

#[test]
fn exactly_one_login_and_managed_pools_only_with_a_key_pair() {
    let mut sg = pool();
    sg.key_pair = None;
    assert!(fields(&sg, false)[0].starts_with("scaling_group.key_pair: key_pair is required"));
    sg.login_password = Some("Abcdef12".into());
    assert!(fields(&sg, false).is_empty());
    assert!(fields(&sg, true)[0].contains("managed node pool supports only a key pair"));
    sg.key_pair = Some("ack-keypair".into());
    assert!(fields(&sg, false)[0].contains("not both"));
}

#[test]
fn subscriptions_need_a_period_valid_for_the_unit() {
    let names = ("period", "auto_renew_period");
    assert!(billing("PrePaid", Setting::Unset, None, None, names).is_err());
    assert!(billing("PrePaid", Setting::Set(12), None, None, names).is_ok());
    assert!(billing("PrePaid", Setting::Set(12), Some("Week"), None, names).is_err());
    assert!(billing("PrePaid", Setting::Set(4), Some("Week"), Some(3), names).is_ok());
    assert!(billing("PrePaid", Setting::Set(1), None, Some(5), names).is_err());
    assert!(billing("PrePaid", Setting::Unknown, None, None, names).is_ok());
    assert!(billing("PostPaid", Setting::Set(1), None, None, names).is_err());
    assert!(billing("Spot", Setting::Unset, None, None, names).is_err());
}

#[test]
fn disk_sizes_follow_the_category_and_level() {
    assert!(disk_size(true, "cloud_efficiency", None, 20).is_ok());
    assert!(disk_size(true, "cloud_efficiency", None, 19).is_err());
    assert!(disk_size(true, "cloud_essd", None, 2049).is_err());
    assert!(disk_size(false, "cloud_essd", Some("PL2"), 460).is_err());
    assert!(disk_size(false, "cloud_essd", Some("PL2"), 461).is_ok());
    assert!(disk_size(false, "cloud_essd", Some("PL3"), 1260).is_err());
    assert!(disk_size(false, "cloud", None, 2001).is_err());
    assert!(disk_size(false, "cloud_ssd", None, 32768).is_ok());
    assert!(performance_level("cloud_ssd", "PL1").is_err());
    let mut sg = pool();
    sg.data_disks = vec![DataDisk {
        category: "cloud_essd".into(),
        size: 100,
        performance_level: Some("PL3".into()),
        kms_key_id: Some("key-ack00000000000000001".into()),
        ..Default::default()
    }];
    let f = fields(&sg, false);
    assert!(f[0].starts_with("scaling_group.data_disks[0].size: data disk of 100 GiB is out of range for cloud_essd PL3: 1261"), "{f:?}");
    assert!(
        f[1].starts_with("scaling_group.data_disks[0].kms_key_id"),
        "{f:?}"
    );
}

#[test]
fn spot_price_limits_go_with_their_strategy_and_types() {
    let mut sg = pool();
    sg.spot_strategy = Some("SpotWithPriceLimit".into());
    assert!(fields(&sg, false)[0]
        .starts_with("scaling_group.spot_strategy: spot_price_limit is required"));
    sg.spot_price_limit = vec![SpotPriceLimit {
        instance_type: "ecs.g6.large".into(),
        price_limit: "-1".into(),
    }];
    let f = fields(&sg, false);
    assert!(
        f[0].starts_with("scaling_group.spot_price_limit[0].instance_type"),
        "{f:?}"
    );
    assert!(
        f[1].starts_with("scaling_group.spot_price_limit[0].price_limit"),
        "{f:?}"
    );
    sg.spot_strategy = Some("SpotAsPriceGo".into());
    assert!(fields(&sg, false)[0].contains("price limits are for the SpotWithPriceLimit"));
}

#[test]
fn enums_and_ranges_are_checked() {
    let mut sg = pool();
    sg.image_type = Some("Ubuntu".into());
    sg.internet_max_bandwidth_out = Some(101);
    sg.on_demand_percentage_above_base_capacity = Some(100);
    let f = fields(&sg, false);
    assert_eq!(f.len(), 2, "{f:?}");
    assert!(f[0].starts_with("scaling_group.image_type"));
    assert!(f[1].starts_with("scaling_group.internet_max_bandwidth_out"));
}
