//! Version skew between a cluster's control plane and its nodes: the one
//! rule the provider (at plan time), the emulator (at UpgradeClusterNodepool,
//! CreateClusterNodePool and UpgradeCluster) and `check` apply.
//!
//! Kubernetes' version skew policy (kubernetes.io/releases/version-skew-policy):
//! the kubelet must not be newer than kube-apiserver, and may be up to three
//! minor versions older (since 1.28; every version offered here is 1.28 or
//! newer). ACK upgrades a node pool's kubelet to the control plane's version
//! (UpgradeClusterNodepool: "the kubelet version, which should match the
//! control plane version"), after the control plane; nodes never lead it.

use super::{is_supported, Version, SUPPORTED};

/// Minor versions the nodes may lag behind the control plane.
pub const MAX_NODE_MINOR_LAG: u32 = 3;

/// Why a node version does not fit the control plane's.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SkewError {
    #[error("{0:?} is not a Kubernetes version this service offers; offered: {list}", list = SUPPORTED.join(", "))]
    Unsupported(String),
    #[error("nodes cannot run Kubernetes {nodes}, newer than the control plane's {control_plane}: upgrade the cluster's control plane first")]
    NewerThanControlPlane {
        nodes: String,
        control_plane: String,
    },
    #[error("nodes at Kubernetes {nodes} would be {lag} minor versions behind the control plane's {control_plane}; at most {max} are supported: upgrade the nodes to {control_plane} (or a version at most {max} minors older)", max = MAX_NODE_MINOR_LAG)]
    TooFarBehind {
        nodes: String,
        control_plane: String,
        lag: u32,
    },
    #[error("upgrading the control plane to {control_plane} would leave nodes at Kubernetes {nodes} {lag} minor versions behind; at most {max} are supported, and the control plane is upgraded before the nodes: first upgrade the nodes, to a version the control plane runs now, in an apply of its own", max = MAX_NODE_MINOR_LAG)]
    LeftBehind {
        nodes: String,
        control_plane: String,
        lag: u32,
    },
    #[error("the nodes' Kubernetes cannot be downgraded from {from} to {to}")]
    Downgrade { from: String, to: String },
}

/// How many minor versions `nodes` lag behind `control_plane` (0 when not
/// behind); `None` when either is not a version.
pub fn minor_lag(nodes: &str, control_plane: &str) -> Option<u32> {
    let (n, c) = (Version::parse(nodes)?, Version::parse(control_plane)?);
    if c.major > n.major {
        // Another major version: as far behind as can be.
        return Some(u32::MAX);
    }
    Some(c.minor.saturating_sub(n.minor))
}

/// Checks that nodes at `nodes` fit a control plane at `control_plane`: not
/// newer, and at most [`MAX_NODE_MINOR_LAG`] minor versions behind.
/// Versions that do not parse are left to the version catalog's checks.
pub fn check_node_skew(nodes: &str, control_plane: &str) -> Result<(), SkewError> {
    let (Some(n), Some(c)) = (Version::parse(nodes), Version::parse(control_plane)) else {
        return Ok(());
    };
    if n > c {
        return Err(SkewError::NewerThanControlPlane {
            nodes: nodes.to_owned(),
            control_plane: control_plane.to_owned(),
        });
    }
    match minor_lag(nodes, control_plane) {
        Some(lag) if lag > MAX_NODE_MINOR_LAG => Err(SkewError::TooFarBehind {
            nodes: nodes.to_owned(),
            control_plane: control_plane.to_owned(),
            lag,
        }),
        _ => Ok(()),
    }
}

/// Checks a node pool's version change from `from` to `to` with the
/// control plane at `control_plane`: an offered version, never down, and
/// within [`check_node_skew`]. Minor versions may be skipped (the nodes go
/// straight to the version asked for). A pool that keeps its version is
/// checked against the control plane too (one upgraded past it).
pub fn check_pool_upgrade(from: &str, to: &str, control_plane: &str) -> Result<(), SkewError> {
    if from == to {
        return check_node_skew(to, control_plane);
    }
    if !is_supported(to) {
        return Err(SkewError::Unsupported(to.to_owned()));
    }
    if let (Some(f), Some(t)) = (Version::parse(from), Version::parse(to)) {
        if t < f {
            return Err(SkewError::Downgrade {
                from: from.to_owned(),
                to: to.to_owned(),
            });
        }
    }
    check_node_skew(to, control_plane)
}

/// Checks a control plane upgrade to `next` against the versions its node
/// pools run now: the first pool it would leave too far behind.
pub fn check_control_plane_upgrade<'a>(
    next: &str,
    pools: impl IntoIterator<Item = &'a str>,
) -> Result<(), SkewError> {
    pools
        .into_iter()
        .try_for_each(|nodes| match check_node_skew(nodes, next) {
            Err(SkewError::TooFarBehind {
                nodes,
                control_plane,
                lag,
            }) => Err(SkewError::LeftBehind {
                nodes,
                control_plane,
                lag,
            }),
            // A pool newer than the current control plane is not this
            // upgrade's business (it cannot happen through the API).
            _ => Ok(()),
        })
}

/// Checks a planned pool version `to` (the pool now at `from`, `None` for a
/// new pool) against the control plane's planned version: as
/// [`check_pool_upgrade`], and, since the control plane is upgraded before
/// the nodes, the nodes as they are now must not fall too far behind the
/// control plane's new version in between.
pub fn check_pool_plan(from: Option<&str>, to: &str, control_plane: &str) -> Result<(), SkewError> {
    match from {
        None => check_node_skew(to, control_plane),
        Some(from) => {
            check_control_plane_upgrade(control_plane, [from])?;
            check_pool_upgrade(from, to, control_plane)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const V128: &str = "1.28.15-aliyun.1";
    const V130: &str = "1.30.7-aliyun.1";
    const V131: &str = "1.31.1-aliyun.1";
    const V132: &str = "1.32.1-aliyun.1";

    #[test]
    fn nodes_never_newer_than_the_control_plane() {
        assert!(check_node_skew(V131, V131).is_ok());
        assert!(check_node_skew(V130, V131).is_ok());
        assert!(matches!(
            check_node_skew(V132, V131),
            Err(SkewError::NewerThanControlPlane { .. })
        ));
        // A newer patch of the same minor is newer too.
        assert!(check_node_skew("1.31.2-aliyun.1", V131).is_err());
    }

    #[test]
    fn nodes_at_most_three_minors_behind() {
        assert_eq!(minor_lag(V128, V131), Some(3));
        assert!(check_node_skew(V128, V131).is_ok());
        let e = check_node_skew(V128, V132).unwrap_err();
        assert!(matches!(e, SkewError::TooFarBehind { lag: 4, .. }), "{e}");
        assert!(e.to_string().contains("at most 3"), "{e}");
        assert_eq!(minor_lag("1.31.1", "2.0.0"), Some(u32::MAX));
        assert_eq!(minor_lag("latest", V131), None);
        assert!(check_node_skew("latest", V131).is_ok());
    }

    #[test]
    fn pool_upgrades_follow_the_control_plane() {
        assert!(check_pool_upgrade(V130, V131, V131).is_ok());
        // Minors may be skipped: the nodes go straight to the control plane's.
        assert!(check_pool_upgrade(V128, V132, V132).is_ok());
        assert!(check_pool_upgrade(V130, V130, V131).is_ok(), "no change");
        assert!(
            matches!(
                check_pool_upgrade(V128, V128, V132),
                Err(SkewError::TooFarBehind { .. })
            ),
            "a pool the control plane left too far behind"
        );
        assert!(matches!(
            check_pool_upgrade(V130, V132, V131),
            Err(SkewError::NewerThanControlPlane { .. })
        ));
        assert!(matches!(
            check_pool_upgrade(V131, V130, V131),
            Err(SkewError::Downgrade { .. })
        ));
        assert!(matches!(
            check_pool_upgrade(V130, "1.33.0", V131),
            Err(SkewError::Unsupported(_))
        ));
    }

    #[test]
    fn control_plane_upgrades_may_not_leave_pools_too_far_behind() {
        assert!(check_control_plane_upgrade(V131, [V128, V130]).is_ok());
        assert!(matches!(
            check_control_plane_upgrade(V132, [V131, V128]),
            Err(SkewError::LeftBehind { lag: 4, .. })
        ));
        assert!(check_control_plane_upgrade(V132, []).is_ok());
    }

    #[test]
    fn a_plan_upgrades_the_control_plane_before_the_nodes() {
        // 1.28 → 1.32 for both in one apply: the control plane moves first,
        // leaving 1.28 nodes four minors behind.
        let e = check_pool_plan(Some(V128), V132, V132).unwrap_err();
        assert!(matches!(e, SkewError::LeftBehind { lag: 4, .. }), "{e}");
        assert!(e.to_string().contains("in an apply of its own"), "{e}");
        assert!(check_pool_plan(Some(V130), V132, V132).is_ok());
        assert!(check_pool_plan(Some(V131), V131, V132).is_ok());
        assert!(check_pool_plan(None, V131, V131).is_ok());
        assert!(matches!(
            check_pool_plan(None, V132, V131),
            Err(SkewError::NewerThanControlPlane { .. })
        ));
    }
}
