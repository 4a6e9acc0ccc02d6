//! A managed node pool's maintenance policies (the `management` group of
//! CreateClusterNodePool and ModifyClusterNodePool).

use super::{RuleError, Step, Violation};
use crate::model::Management;

/// CVE levels auto_vul_fix patches.
pub const VUL_LEVELS: [&str; 3] = ["asap", "later", "nntf"];

/// `vul_level`: a comma list of [`VUL_LEVELS`], each at most once.
pub fn vul_level(s: &str) -> Result<(), RuleError> {
    let parts: Vec<&str> = s.split(',').collect();
    let ok = parts.iter().all(|p| VUL_LEVELS.contains(p))
        && parts
            .iter()
            .enumerate()
            .all(|(i, p)| !parts[..i].contains(p));
    if ok {
        Ok(())
    } else {
        Err(RuleError::Format {
            what: "vulnerability levels",
            value: s.to_owned(),
            example: "asap,later",
        })
    }
}

/// Every rule over a `management` group, at its field names.
pub fn management(m: &Management) -> Vec<Violation> {
    let mut v = Vec::new();
    let u = &m.upgrade_config;
    let mut at = |steps: Vec<Step>, r: Result<(), RuleError>| {
        if let Err(e) = r {
            v.push(Violation::new(steps, e));
        }
    };
    if let Some(n) = u.surge {
        at(
            vec![Step::Field("surge")],
            super::between("surge", i64::try_from(n).unwrap_or(i64::MAX), 0, 1000),
        );
    }
    if let Some(n) = u.surge_percentage {
        at(
            vec![Step::Field("surge_percentage")],
            super::between(
                "surge_percentage",
                i64::try_from(n).unwrap_or(i64::MAX),
                0,
                100,
            ),
        );
    }
    if u.surge.is_some_and(|n| n > 0) && u.surge_percentage.is_some_and(|n| n > 0) {
        at(
            vec![Step::Field("surge_percentage")],
            Err(RuleError::Conflict {
                what: "surge_percentage",
                other: "surge",
                why: "an upgrade adds a number of nodes or a share of the pool, not both",
            }),
        );
    }
    if let Some(l) = m
        .auto_vul_fix_policy
        .as_ref()
        .and_then(|p| p.vul_level.as_deref())
    {
        at(
            vec![Step::Field("auto_vul_fix_policy"), Step::Field("vul_level")],
            vul_level(l),
        );
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{AutoVulFixPolicy, UpgradeConfig};

    #[test]
    fn policies_are_checked() {
        assert!(vul_level("asap,later").is_ok());
        assert!(vul_level("asap,asap").is_err());
        assert!(vul_level("soon").is_err());
        let m = Management {
            upgrade_config: UpgradeConfig {
                max_unavailable: 1,
                surge: Some(2),
                surge_percentage: Some(10),
            },
            auto_vul_fix_policy: Some(AutoVulFixPolicy {
                restart_node: None,
                vul_level: Some("urgent".into()),
            }),
            ..Default::default()
        };
        let found: Vec<String> = management(&m)
            .iter()
            .map(|v| v.located("management"))
            .collect();
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(found[0].starts_with("management.surge_percentage"));
        assert!(found[1].starts_with("management.auto_vul_fix_policy.vul_level"));
    }
}
