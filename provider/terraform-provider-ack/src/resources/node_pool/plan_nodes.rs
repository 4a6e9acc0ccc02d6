//! Plan-time checks of the nodes' login, billing, spot settings and disks,
//! with the API contract's rules (`ack_api::rules`, which the emulator runs
//! too), at the attribute that is wrong. Unknown values skip their check.

use ack_api::rules::{self, RuleError, Setting};
use serde::Deserialize;
use tfplugin::value::serde::Planned;
use tfplugin::{AttributePath, Diagnostics, Value};

use super::model::{Disk, SpotPrice};
use crate::validation::{path_of, refusal};

/// What the checks read of a configuration: values that may be unknown.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct NodesConfig {
    instance_types: Option<Vec<String>>,
    managed: Planned<super::managed::Managed>,
    key_pair: Planned<String>,
    login_password_wo: Planned<String>,
    instance_charge_type: Option<String>,
    period: Planned<i64>,
    period_unit: Option<String>,
    auto_renew_period: Option<i64>,
    spot_strategy: Option<String>,
    spot_price_limit: Planned<Vec<SpotPrice>>,
    system_disk_category: Option<String>,
    system_disk_size: Option<i64>,
    system_disk_performance_level: Option<String>,
    system_disk_encrypted: Option<bool>,
    system_disk_kms_key_id: Option<String>,
    data_disks: Option<Vec<Disk>>,
    kubelet_configuration: Option<super::kube::Kubelet>,
    node_os_config: Option<super::node_os::NodeOs>,
}

fn setting<T>(p: &Planned<T>) -> Setting<()> {
    match p {
        Planned::Null => Setting::Unset,
        Planned::Unknown => Setting::Unknown,
        Planned::Known(_) => Setting::Set(()),
    }
}

pub fn validate(config: &Value, d: &mut Diagnostics) {
    let Ok(c) = tfplugin::value::serde::from_value::<NodesConfig>(config) else {
        return;
    };
    let mut at = |attr: &str, r: Result<(), RuleError>| {
        if let Err(e) = r {
            d.push(refusal(&AttributePath::attr(attr), e));
        }
    };
    let managed = matches!(c.managed, Planned::Known(_));
    let login = rules::login(
        setting(&c.key_pair),
        setting(&c.login_password_wo),
        managed,
        ("key_pair", "login_password_wo"),
    );
    let login_attr = match &login {
        Err(RuleError::Required { .. }) => "key_pair",
        _ => "login_password_wo",
    };
    at(login_attr, login);
    if let Some(charge) = &c.instance_charge_type {
        let period = match c.period {
            Planned::Null => Setting::Unset,
            Planned::Unknown => Setting::Unknown,
            Planned::Known(n) => Setting::Set(u32::try_from(n).unwrap_or(u32::MAX)),
        };
        let renew = c.auto_renew_period.and_then(|n| u32::try_from(n).ok());
        let r = rules::billing(
            charge,
            period,
            c.period_unit.as_deref(),
            renew,
            ("period", "auto_renew_period"),
        );
        let attr = match &r {
            Err(RuleError::NotOneOf {
                what: "auto_renew_period",
                ..
            }) => "auto_renew_period",
            _ => "period",
        };
        at(attr, r);
    }
    let category = c
        .system_disk_category
        .as_deref()
        .unwrap_or("cloud_efficiency");
    let level = c.system_disk_performance_level.as_deref();
    if let Some(l) = level {
        at(
            "system_disk_performance_level",
            rules::performance_level(category, l),
        );
    }
    if let Some(size) = c.system_disk_size.and_then(|n| u32::try_from(n).ok()) {
        at(
            "system_disk_size",
            rules::disk_size(true, category, level, size),
        );
    }
    at(
        "system_disk_kms_key_id",
        rules::disk_encryption(
            c.system_disk_encrypted == Some(true),
            c.system_disk_kms_key_id.as_deref(),
        ),
    );
    if let (Some(strategy), false) = (&c.spot_strategy, c.spot_price_limit.is_unknown()) {
        let types = c.instance_types.clone().unwrap_or_default();
        let pairs = spot_pairs(&c.spot_price_limit);
        for v in rules::spot(strategy, &pairs, &types) {
            let attr = if v.at.is_empty() {
                "spot_strategy"
            } else {
                "spot_price_limit"
            };
            d.push(refusal(
                &path_of(&AttributePath::attr(attr), &v.at),
                &v.error,
            ));
        }
    }
    kubelet(&c, d);
    if let Planned::Known(m) = &c.managed {
        let api = super::managed::Managed::to_api(Some(m));
        for v in rules::management(&api) {
            d.push(refusal(
                &path_of(&AttributePath::attr("managed"), &v.at),
                &v.error,
            ));
        }
    }
    for (i, disk) in c.data_disks.iter().flatten().enumerate() {
        let api = ack_api::model::DataDisk {
            category: disk
                .category
                .clone()
                .unwrap_or_else(|| "cloud_efficiency".into()),
            size: disk
                .size
                .and_then(|n| u32::try_from(n).ok())
                .unwrap_or(rules::DATA_DISK_SIZE.0),
            encrypted: disk.encrypted.map(|e| e.to_string()),
            kms_key_id: disk.kms_key_id.clone(),
            performance_level: disk.performance_level.clone(),
            snapshot_id: disk.snapshot_id.clone(),
            file_system: disk.file_system.clone(),
            ..Default::default()
        };
        let base = AttributePath::attr("data_disks").push_index(i);
        for v in rules::data_disk_rules(&api) {
            d.push(refusal(&path_of(&base, &v.at), &v.error));
        }
    }
}

/// The kubelet rules at `kubelet_configuration.<field>[<key>]`, and the OS
/// settings' at `node_os_config.<field>…` (the cluster's version is checked
/// where the plan knows it, and by the service).
fn kubelet(c: &NodesConfig, d: &mut Diagnostics) {
    if let Some(k) = &c.kubelet_configuration {
        let base = AttributePath::attr("kubelet_configuration");
        for v in rules::kubelet(&k.to_api()) {
            d.push(refusal(&path_of(&base, &v.at), &v.error));
        }
    }
    if let Some(os) = &c.node_os_config {
        let base = AttributePath::attr("node_os_config");
        for v in rules::node_os_config(&os.to_api(), None) {
            d.push(refusal(&path_of(&base, &v.at), &v.error));
        }
    }
}

fn spot_pairs(limits: &Planned<Vec<SpotPrice>>) -> Vec<(String, String)> {
    let Planned::Known(l) = limits else {
        return Vec::new();
    };
    l.iter()
        .filter_map(|s| Some((s.instance_type.clone()?, s.price_limit.clone()?)))
        .collect()
}
