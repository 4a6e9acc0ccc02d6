//! How a node pool's nodes are upgraded in batches (UpgradeClusterNodepool's
//! `rolling_policy`).

use super::{between, one_of, RuleError};
use crate::model::UpgradeRollingPolicy;

/// `pause_policy` values.
pub const PAUSE_POLICIES: [&str; 3] = ["FirstBatch", "EveryBatch", "NotPause"];
/// Nodes upgraded at once.
pub const MAX_PARALLELISM: (u32, u32) = (1, 10);
/// Minutes between batches (or 0: none).
pub const BATCH_INTERVAL: (u32, u32) = (5, 120);

/// Minutes between batches: 0 (none), or 5 to 120.
pub fn batch_interval(minutes: i64) -> Result<(), RuleError> {
    if minutes == 0 {
        return Ok(());
    }
    let (min, max) = BATCH_INTERVAL;
    between(
        "batch interval (minutes, or 0)",
        minutes,
        min.into(),
        max.into(),
    )
}

/// The whole rolling policy.
pub fn rolling_policy(p: &UpgradeRollingPolicy) -> Result<(), RuleError> {
    if let Some(m) = p.max_parallelism {
        let (min, max) = MAX_PARALLELISM;
        between("max parallelism", m.into(), min.into(), max.into())?;
    }
    if let Some(b) = p.batch_interval {
        batch_interval(b.into())?;
    }
    if let Some(pp) = &p.pause_policy {
        one_of("pause policy", pp, &PAUSE_POLICIES)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rolling_policies() {
        let p = |m: Option<u32>, b: Option<u32>, pp: Option<&str>| UpgradeRollingPolicy {
            max_parallelism: m,
            batch_interval: b,
            pause_policy: pp.map(str::to_owned),
            max_failed_nodes: None,
        };
        assert!(rolling_policy(&p(Some(10), Some(0), Some("NotPause"))).is_ok());
        assert!(rolling_policy(&p(Some(1), Some(5), Some("FirstBatch"))).is_ok());
        assert!(rolling_policy(&p(Some(11), None, None)).is_err());
        assert!(rolling_policy(&p(Some(0), None, None)).is_err());
        assert!(rolling_policy(&p(None, Some(3), None)).is_err());
        assert!(rolling_policy(&p(None, Some(121), None)).is_err());
        assert!(rolling_policy(&p(None, None, Some("Never"))).is_err());
    }
}
