//! A node pool's placement, billing, login and disks as CreateClusterNodePool
//! and ModifyClusterNodePool take them (the SDK's comments state the rules).
//! One set of rules for the provider's plan (at attribute paths, with the
//! attribute names) and the emulator (with the API's field names).

use super::{RuleError, Setting, Step, Violation};
use crate::model::{DataDisk, ScalingGroup};

pub const CHARGE_TYPES: [&str; 2] = ["PostPaid", "PrePaid"];
pub const PERIOD_UNITS: [&str; 2] = ["Month", "Week"];
/// Subscription lengths by unit.
pub const MONTH_PERIODS: [u32; 14] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 24, 36, 48, 60];
pub const WEEK_PERIODS: [u32; 4] = [1, 2, 3, 4];
pub const IMAGE_TYPES: [&str; 10] = [
    "AliyunLinux",
    "AliyunLinuxSecurity",
    "AliyunLinux3",
    "AliyunLinux3Arm64",
    "AliyunLinux3Security",
    "CentOS",
    "Windows",
    "WindowsCore",
    "ContainerOS",
    "AliyunLinux3ContainerOptimized",
];
pub const SYSTEM_DISK_CATEGORIES: [&str; 5] = [
    "cloud_efficiency",
    "cloud_ssd",
    "cloud_essd",
    "cloud_auto",
    "cloud_essd_entry",
];
pub const DATA_DISK_CATEGORIES: [&str; 8] = [
    "cloud",
    "cloud_efficiency",
    "cloud_ssd",
    "cloud_essd",
    "cloud_auto",
    "cloud_essd_entry",
    "elastic_ephemeral_disk_premium",
    "elastic_ephemeral_disk_standard",
];
pub const PERFORMANCE_LEVELS: [&str; 4] = ["PL0", "PL1", "PL2", "PL3"];
pub const SPOT_STRATEGIES: [&str; 3] = ["NoSpot", "SpotWithPriceLimit", "SpotAsPriceGo"];
pub const MULTI_AZ_POLICIES: [&str; 3] = ["PRIORITY", "COST_OPTIMIZED", "BALANCE"];
pub const INTERNET_CHARGE_TYPES: [&str; 2] = ["PayByBandwidth", "PayByTraffic"];
pub const FILE_SYSTEMS: [&str; 2] = ["ext4", "xfs"];
/// Special characters a login password may use.
pub const PASSWORD_SPECIALS: &str = "()`~!@#$%^&*-_+=|{}[]:;'<>,.?/";
/// Sizes in GiB.
pub const SYSTEM_DISK_SIZE: (u32, u32) = (20, 2048);
pub const DATA_DISK_SIZE: (u32, u32) = (40, 32768);

/// `value` must be one of `allowed`.
pub fn one_of(what: &'static str, value: &str, allowed: &[&str]) -> Result<(), RuleError> {
    if allowed.contains(&value) {
        Ok(())
    } else {
        Err(RuleError::NotOneOf {
            what,
            value: value.to_owned(),
            allowed: allowed.join(", "),
        })
    }
}

/// A login password: 8 to 30 characters of at least three kinds among
/// upper-case letters, lower-case letters, digits and special characters
/// ([`PASSWORD_SPECIALS`]). The error never repeats the password.
pub fn login_password(p: &str) -> Result<(), RuleError> {
    let len = p.chars().count();
    let kinds = [
        p.chars().any(|c| c.is_ascii_uppercase()),
        p.chars().any(|c| c.is_ascii_lowercase()),
        p.chars().any(|c| c.is_ascii_digit()),
        p.chars().any(|c| PASSWORD_SPECIALS.contains(c)),
    ];
    let other = p
        .chars()
        .any(|c| !c.is_ascii_alphanumeric() && !PASSWORD_SPECIALS.contains(c));
    let classes = kinds.iter().filter(|k| **k).count();
    if (8..=30).contains(&len) && classes >= 3 && !other {
        Ok(())
    } else {
        Err(RuleError::Password {
            len,
            classes,
            other,
        })
    }
}

/// How a pool's nodes are logged into: exactly one of a key pair and a
/// password, and a managed pool only with a key pair. `names` are
/// (key pair, password) as the reader knows them.
pub fn login(
    key_pair: Setting<()>,
    password: Setting<()>,
    managed: bool,
    names: (&'static str, &'static str),
) -> Result<(), RuleError> {
    let (k, p) = names;
    match (key_pair, password) {
        (Setting::Unset, Setting::Unset) => Err(RuleError::Required {
            what: k,
            why: "the nodes need a key pair or a login password; set one of them",
        }),
        (Setting::Set(()), Setting::Set(())) => Err(RuleError::Conflict {
            what: p,
            other: k,
            why: "nodes log in with a key pair or with a password, not both",
        }),
        (_, Setting::Set(())) if managed => Err(RuleError::NotAllowed {
            what: p,
            why: "a managed node pool supports only a key pair",
        }),
        _ => Ok(()),
    }
}

/// Billing: a subscription (`PrePaid`) needs a period valid for its unit
/// (default `Month`); pay-as-you-go takes no period. `names` are (period,
/// auto_renew_period).
pub fn billing(
    charge_type: &str,
    period: Setting<u32>,
    period_unit: Option<&str>,
    auto_renew_period: Option<u32>,
    names: (&'static str, &'static str),
) -> Result<(), RuleError> {
    one_of("instance charge type", charge_type, &CHARGE_TYPES)?;
    let unit = period_unit.unwrap_or("Month");
    one_of("period unit", unit, &PERIOD_UNITS)?;
    if charge_type == "PostPaid" {
        return match (period, period_unit) {
            (Setting::Unset, None) => Ok(()),
            _ => Err(RuleError::NotAllowed {
                what: names.0,
                why: "a period is for subscriptions (instance_charge_type PrePaid) only",
            }),
        };
    }
    let allowed: &[u32] = if unit == "Week" {
        &WEEK_PERIODS
    } else {
        &MONTH_PERIODS
    };
    let list = |a: &[u32]| a.iter().map(u32::to_string).collect::<Vec<_>>().join(", ");
    match period {
        Setting::Unset => {
            return Err(RuleError::Required {
                what: names.0,
                why: "a subscription (PrePaid) needs its length",
            })
        }
        Setting::Set(n) if !allowed.contains(&n) => {
            return Err(RuleError::NotOneOf {
                what: names.0,
                value: n.to_string(),
                allowed: format!("{} (per {unit})", list(allowed)),
            })
        }
        _ => {}
    }
    let renew: &[u32] = if unit == "Week" {
        &[1, 2, 3]
    } else {
        &[1, 2, 3, 6, 12, 24, 36, 48, 60]
    };
    match auto_renew_period {
        Some(n) if !renew.contains(&n) => Err(RuleError::NotOneOf {
            what: names.1,
            value: n.to_string(),
            allowed: format!("{} (per {unit})", list(renew)),
        }),
        _ => Ok(()),
    }
}

/// A disk's size for its category and performance level: system disks
/// 20–2048 GiB, data disks 40–32768 GiB; ESSD PL2 from 461 GiB and PL3
/// from 1261 GiB; basic disks (`cloud`) up to 2000 GiB.
pub fn disk_size(
    system: bool,
    category: &str,
    level: Option<&str>,
    size: u32,
) -> Result<(), RuleError> {
    let (mut min, mut max) = if system {
        SYSTEM_DISK_SIZE
    } else {
        DATA_DISK_SIZE
    };
    if category == "cloud_essd" {
        match level {
            Some("PL2") => min = min.max(461),
            Some("PL3") => min = min.max(1261),
            _ => {}
        }
    }
    if category == "cloud" {
        max = max.min(2000);
    }
    if (min..=max).contains(&size) {
        Ok(())
    } else {
        Err(RuleError::DiskSize {
            what: if system { "system disk" } else { "data disk" },
            category: format!(
                "{category}{}",
                level.map(|l| format!(" {l}")).unwrap_or_default()
            ),
            size,
            min,
            max,
        })
    }
}

/// A performance level is for ESSDs (`cloud_essd`) only.
pub fn performance_level(category: &str, level: &str) -> Result<(), RuleError> {
    one_of("performance level", level, &PERFORMANCE_LEVELS)?;
    if category == "cloud_essd" {
        Ok(())
    } else {
        Err(RuleError::NotAllowed {
            what: "performance level",
            why: "only ESSDs (cloud_essd) have performance levels",
        })
    }
}

/// A KMS key encrypts a disk only when the disk is encrypted.
pub fn disk_encryption(encrypted: bool, kms_key: Option<&str>) -> Result<(), RuleError> {
    match kms_key {
        Some(k) if !encrypted => Err(RuleError::NotAllowed {
            what: "KMS key",
            why: if k.is_empty() {
                "an empty key"
            } else {
                "the disk is not encrypted; set encrypted = true to use the key"
            },
        }),
        Some(k) => super::kms_key_id(k),
        None => Ok(()),
    }
}

/// Spot settings: price limits go with `SpotWithPriceLimit`, which needs
/// at least one, each for one of the pool's instance types at a positive
/// price.
pub fn spot(
    strategy: &str,
    limits: &[(String, String)],
    instance_types: &[String],
) -> Vec<Violation> {
    let mut v = Vec::new();
    if let Err(e) = one_of("spot strategy", strategy, &SPOT_STRATEGIES) {
        return vec![Violation::whole(e)];
    }
    if strategy == "SpotWithPriceLimit" && limits.is_empty() {
        v.push(Violation::whole(RuleError::Required {
            what: "spot_price_limit",
            why: "SpotWithPriceLimit bids at most the price limit of each instance type",
        }));
    }
    if strategy != "SpotWithPriceLimit" && !limits.is_empty() {
        v.push(Violation::whole(RuleError::NotAllowed {
            what: "spot_price_limit",
            why: "price limits are for the SpotWithPriceLimit strategy",
        }));
    }
    for (i, (ty, price)) in limits.iter().enumerate() {
        if !instance_types.is_empty() && !instance_types.contains(ty) {
            v.push(Violation::new(
                vec![Step::Index(i), Step::Field("instance_type")],
                RuleError::NotOneOf {
                    what: "spot instance type",
                    value: ty.clone(),
                    allowed: format!("the pool's instance types ({})", instance_types.join(", ")),
                },
            ));
        }
        if !price.parse::<f64>().is_ok_and(|p| p > 0.0 && p.is_finite()) {
            v.push(Violation::new(
                vec![Step::Index(i), Step::Field("price_limit")],
                RuleError::Format {
                    what: "price limit",
                    value: price.clone(),
                    example: "0.5",
                },
            ));
        }
    }
    v
}

/// A number from `min` to `max`.
pub fn between(what: &'static str, n: i64, min: i64, max: i64) -> Result<(), RuleError> {
    if (min..=max).contains(&n) {
        Ok(())
    } else {
        Err(RuleError::Range {
            what,
            value: n,
            min,
            max,
        })
    }
}

/// The rules over one data disk, at its fields (`category`, `size`, …).
pub fn data_disk_rules(d: &DataDisk) -> Vec<Violation> {
    let mut v = Vec::new();
    let mut push = |field: &'static str, r: Result<(), RuleError>| {
        if let Err(e) = r {
            v.push(Violation::new(vec![Step::Field(field)], e));
        }
    };
    let category = if d.category.is_empty() {
        "cloud_efficiency"
    } else {
        d.category.as_str()
    };
    push(
        "category",
        one_of("data disk category", category, &DATA_DISK_CATEGORIES),
    );
    if let Some(l) = &d.performance_level {
        push("performance_level", performance_level(category, l));
    }
    if d.snapshot_id.is_none() {
        push(
            "size",
            disk_size(false, category, d.performance_level.as_deref(), d.size),
        );
    }
    let encrypted = d.encrypted.as_deref() == Some("true");
    push(
        "kms_key_id",
        disk_encryption(encrypted, d.kms_key_id.as_deref()),
    );
    if let Some(fs) = &d.file_system {
        push("file_system", one_of("file system", fs, &FILE_SYSTEMS));
    }
    v
}

/// Every rule over a complete `scaling_group` as the API receives it, with
/// the API's field names (the emulator's check; `managed`: the pool is a
/// managed pool). Required fields are the caller's to check.
pub fn scaling_group(sg: &ScalingGroup, managed: bool) -> Vec<Violation> {
    let mut v = Vec::new();
    let mut at = |field: &'static str, r: Result<(), RuleError>| {
        if let Err(e) = r {
            v.push(Violation::new(vec![Step::Field(field)], e));
        }
    };
    let set = |o: bool| if o { Setting::Set(()) } else { Setting::Unset };
    at(
        "key_pair",
        login(
            set(sg.key_pair.as_deref().is_some_and(|k| !k.is_empty())),
            set(sg.login_password.as_deref().is_some_and(|p| !p.is_empty())),
            managed,
            ("key_pair", "login_password"),
        ),
    );
    if let Some(p) = sg.login_password.as_deref().filter(|p| !p.is_empty()) {
        at("login_password", login_password(p));
    }
    if let Some(c) = &sg.instance_charge_type {
        at(
            "period",
            billing(
                c,
                sg.period.map_or(Setting::Unset, Setting::Set),
                sg.period_unit.as_deref(),
                sg.auto_renew_period,
                ("period", "auto_renew_period"),
            ),
        );
    }
    let category = sg
        .system_disk_category
        .as_deref()
        .unwrap_or("cloud_efficiency");
    at(
        "system_disk_category",
        one_of("system disk category", category, &SYSTEM_DISK_CATEGORIES),
    );
    if let Some(l) = &sg.system_disk_performance_level {
        at(
            "system_disk_performance_level",
            performance_level(category, l),
        );
    }
    if let Some(size) = sg.system_disk_size {
        let level = sg.system_disk_performance_level.as_deref();
        at("system_disk_size", disk_size(true, category, level, size));
    }
    at(
        "system_disk_kms_key_id",
        disk_encryption(
            sg.system_disk_encrypted == Some(true),
            sg.system_disk_kms_key_id.as_deref(),
        ),
    );
    if let Some(t) = &sg.image_type {
        at("image_type", one_of("image type", t, &IMAGE_TYPES));
    }
    if let Some(p) = &sg.multi_az_policy {
        at(
            "multi_az_policy",
            one_of("multi-zone policy", p, &MULTI_AZ_POLICIES),
        );
    }
    if let Some(t) = &sg.internet_charge_type {
        at(
            "internet_charge_type",
            one_of("internet charge type", t, &INTERNET_CHARGE_TYPES),
        );
    }
    let ranges = [
        (
            "internet_max_bandwidth_out",
            sg.internet_max_bandwidth_out,
            1,
            100,
        ),
        ("spot_instance_pools", sg.spot_instance_pools, 1, 10),
        (
            "on_demand_base_capacity",
            sg.on_demand_base_capacity,
            0,
            1000,
        ),
        (
            "on_demand_percentage_above_base_capacity",
            sg.on_demand_percentage_above_base_capacity,
            0,
            100,
        ),
    ];
    for (field, n, min, max) in ranges {
        if let Some(n) = n {
            at(field, between(field, i64::from(n), min, max));
        }
    }
    for sgid in &sg.security_group_ids {
        at("security_group_ids", super::security_group_id(sgid));
    }
    if let Some(s) = &sg.spot_strategy {
        let limits: Vec<(String, String)> = sg
            .spot_price_limit
            .iter()
            .map(|l| (l.instance_type.clone(), l.price_limit.clone()))
            .collect();
        for mut x in spot(s, &limits, &sg.instance_types) {
            let field = if x.at.is_empty() {
                "spot_strategy"
            } else {
                "spot_price_limit"
            };
            x.at.insert(0, Step::Field(field));
            v.push(x);
        }
    }
    for (i, d) in sg.data_disks.iter().enumerate() {
        for mut x in data_disk_rules(d) {
            x.at.splice(0..0, [Step::Field("data_disks"), Step::Index(i)]);
            v.push(x);
        }
    }
    if sg.data_disks.len() > 16 {
        v.push(Violation::new(
            vec![Step::Field("data_disks")],
            RuleError::Count {
                what: "data disks",
                got: sg.data_disks.len(),
                min: 0,
                max: 16,
            },
        ));
    }
    v
}

#[cfg(test)]
#[path = "node_pool_tests.rs"]
mod tests;
