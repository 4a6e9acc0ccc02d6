//! A managed pool's settings (ACK Pro only): automatic repair, upgrades and
//! CVE fixes with their policies, and how many nodes an upgrade may take
//! down or add. To the API's `management` group and back.

use ack_api::model::{
    AutoRepairPolicy, AutoUpgradePolicy, AutoVulFixPolicy, Management, UpgradeConfig,
};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Managed {
    pub auto_repair: Option<bool>,
    pub auto_upgrade: Option<bool>,
    pub auto_vul_fix: Option<bool>,
    pub max_unavailable: Option<i64>,
    pub surge: Option<i64>,
    pub surge_percentage: Option<i64>,
    pub auto_repair_policy: Option<RepairPolicy>,
    pub auto_upgrade_policy: Option<UpgradePolicy>,
    pub auto_vul_fix_policy: Option<VulFixPolicy>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RepairPolicy {
    pub restart_node: Option<bool>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct UpgradePolicy {
    pub auto_upgrade_kubelet: Option<bool>,
    pub auto_upgrade_os: Option<bool>,
    pub auto_upgrade_runtime: Option<bool>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct VulFixPolicy {
    pub restart_node: Option<bool>,
    pub vul_level: Option<String>,
}

same_fields!(RepairPolicy, AutoRepairPolicy { restart_node });
same_fields!(
    UpgradePolicy,
    AutoUpgradePolicy {
        auto_upgrade_kubelet,
        auto_upgrade_os,
        auto_upgrade_runtime
    }
);
same_fields!(
    VulFixPolicy,
    AutoVulFixPolicy {
        restart_node,
        vul_level
    }
);

fn count(n: Option<i64>) -> Option<u64> {
    n.and_then(|n| u64::try_from(n).ok())
}

fn whole(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

impl Managed {
    /// The API's `management` group; turning management off is said
    /// explicitly (`enable: false`), ModifyClusterNodePool being partial.
    pub fn to_api(m: Option<&Managed>) -> Management {
        let Some(m) = m else {
            return Management::default();
        };
        Management {
            enable: true,
            auto_repair: m.auto_repair.unwrap_or(true),
            auto_upgrade: m.auto_upgrade.unwrap_or(true),
            auto_vul_fix: m.auto_vul_fix.unwrap_or(true),
            upgrade_config: UpgradeConfig {
                max_unavailable: count(m.max_unavailable).unwrap_or(1).max(1),
                surge: count(m.surge),
                surge_percentage: count(m.surge_percentage),
            },
            auto_repair_policy: m.auto_repair_policy.as_ref().map(Into::into),
            auto_upgrade_policy: m.auto_upgrade_policy.as_ref().map(Into::into),
            auto_vul_fix_policy: m.auto_vul_fix_policy.as_ref().map(Into::into),
        }
    }

    pub fn from_api(m: &Management) -> Option<Managed> {
        let u = &m.upgrade_config;
        m.enable.then(|| Managed {
            auto_repair: Some(m.auto_repair),
            auto_upgrade: Some(m.auto_upgrade),
            auto_vul_fix: Some(m.auto_vul_fix),
            max_unavailable: Some(whole(u.max_unavailable.max(1))),
            surge: u.surge.map(whole),
            surge_percentage: u.surge_percentage.map(whole),
            auto_repair_policy: m.auto_repair_policy.as_ref().map(Into::into),
            auto_upgrade_policy: m.auto_upgrade_policy.as_ref().map(Into::into),
            auto_vul_fix_policy: m.auto_vul_fix_policy.as_ref().map(Into::into),
        })
    }
}
