//! Kubernetes versions the service offers, and the upgrade rule: in place,
//! one minor version at a time, never down.

use std::cmp::Ordering;

mod skew;
pub use skew::*;

/// Versions offered, oldest first (ACK's `-aliyun.N` suffix included).
pub const SUPPORTED: [&str; 4] = [
    "1.28.15-aliyun.1",
    "1.30.7-aliyun.1",
    "1.31.1-aliyun.1",
    "1.32.1-aliyun.1",
];

/// The version new clusters get when none is given.
pub const DEFAULT: &str = "1.31.1-aliyun.1";

/// Release and end-of-support dates of an offered version, and the
/// container runtimes it comes with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Lifecycle {
    pub version: &'static str,
    /// RFC 3339.
    pub release_date: &'static str,
    /// RFC 3339.
    pub expiration_date: &'static str,
    /// `(name, version)` pairs.
    pub runtimes: &'static [(&'static str, &'static str)],
}

const RUNTIMES_OLD: &[(&str, &str)] = &[
    ("containerd", "1.6.36"),
    ("Sandboxed-Container.runv", "2.5.0"),
];
const RUNTIMES_NEW: &[(&str, &str)] = &[
    ("containerd", "1.6.38"),
    ("Sandboxed-Container.runv", "2.6.0"),
];

/// One entry per [`SUPPORTED`] version, same order.
pub const LIFECYCLE: [Lifecycle; 4] = [
    Lifecycle {
        version: "1.28.15-aliyun.1",
        release_date: "2024-11-20T00:00:00+08:00",
        expiration_date: "2026-12-31T00:00:00+08:00",
        runtimes: RUNTIMES_OLD,
    },
    Lifecycle {
        version: "1.30.7-aliyun.1",
        release_date: "2024-12-20T00:00:00+08:00",
        expiration_date: "2027-06-30T00:00:00+08:00",
        runtimes: RUNTIMES_OLD,
    },
    Lifecycle {
        version: "1.31.1-aliyun.1",
        release_date: "2025-01-08T00:00:00+08:00",
        expiration_date: "2027-09-30T00:00:00+08:00",
        runtimes: RUNTIMES_NEW,
    },
    Lifecycle {
        version: "1.32.1-aliyun.1",
        release_date: "2025-03-31T00:00:00+08:00",
        expiration_date: "2027-12-31T00:00:00+08:00",
        runtimes: RUNTIMES_NEW,
    },
];

/// The lifecycle entry of an offered version.
pub fn lifecycle(v: &str) -> Option<&'static Lifecycle> {
    LIFECYCLE.iter().find(|l| l.version == v)
}

/// A parsed `MAJOR.MINOR.PATCH[-suffix]` version.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Version {
    pub major: u32,
    pub minor: u32,
    pub patch: u32,
    pub suffix: String,
}

impl Version {
    pub fn parse(s: &str) -> Option<Version> {
        let (core, suffix) = s.split_once('-').unwrap_or((s, ""));
        let mut it = core.split('.');
        let v = Version {
            major: it.next()?.parse().ok()?,
            minor: it.next()?.parse().ok()?,
            patch: it.next()?.parse().ok()?,
            suffix: suffix.to_owned(),
        };
        it.next().is_none().then_some(v)
    }

    pub fn minor_key(&self) -> (u32, u32) {
        (self.major, self.minor)
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.major, self.minor, self.patch, &self.suffix).cmp(&(
            other.major,
            other.minor,
            other.patch,
            &other.suffix,
        ))
    }
}

/// How two version strings order; `None` when either is not a version.
pub fn compare(a: &str, b: &str) -> Option<Ordering> {
    Some(Version::parse(a)?.cmp(&Version::parse(b)?))
}

pub fn is_supported(v: &str) -> bool {
    SUPPORTED.contains(&v)
}

/// Why a version change is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UpgradeError {
    #[error("{0:?} is not a Kubernetes version this service offers; offered: {list}", list = SUPPORTED.join(", "))]
    Unsupported(String),
    #[error(
        "Kubernetes cannot be downgraded from {from} to {to}: keep {from}, or create a new cluster"
    )]
    Downgrade { from: String, to: String },
    #[error("Kubernetes upgrades go one minor version at a time: from {from}, upgrade to {next} first, then to {to}")]
    SkipsMinor {
        from: String,
        to: String,
        next: String,
    },
}

/// The offered versions an upgrade from `from` may go to next (same or next minor, newer).
pub fn next_versions(from: &str) -> Vec<&'static str> {
    let Some(f) = Version::parse(from) else {
        return Vec::new();
    };
    // The next offered minor, whatever its number (offered minors may have gaps).
    let next_minor = SUPPORTED
        .iter()
        .filter_map(|s| Version::parse(s))
        .map(|v| v.minor_key())
        .filter(|k| *k > f.minor_key())
        .min();
    SUPPORTED
        .iter()
        .copied()
        .filter(|s| {
            Version::parse(s).is_some_and(|v| {
                v > f && (v.minor_key() == f.minor_key() || Some(v.minor_key()) == next_minor)
            })
        })
        .collect()
}

/// Checks an in-place change from `from` to `to`.
pub fn check_upgrade(from: &str, to: &str) -> Result<(), UpgradeError> {
    if from == to {
        return Ok(());
    }
    if !is_supported(to) {
        return Err(UpgradeError::Unsupported(to.to_owned()));
    }
    let (Some(f), Some(t)) = (Version::parse(from), Version::parse(to)) else {
        return Err(UpgradeError::Unsupported(to.to_owned()));
    };
    if t < f {
        return Err(UpgradeError::Downgrade {
            from: from.to_owned(),
            to: to.to_owned(),
        });
    }
    let next = next_versions(from);
    if next.contains(&to) {
        Ok(())
    } else {
        let step = next
            .iter()
            .rev()
            .find(|v| Version::parse(v).is_some_and(|v| v.minor_key() != f.minor_key()))
            .or(next.last());
        Err(UpgradeError::SkipsMinor {
            from: from.to_owned(),
            to: to.to_owned(),
            next: step.map_or_else(|| "an intermediate version".to_owned(), |s| (*s).to_owned()),
        })
    }
}

/// The versions an in-place upgrade from `from` to `to` steps through, in
/// order, ending with `to`: one minor version at a time, taking the newest
/// offered patch of each intermediate minor. Empty when `from == to`. Every
/// step passes [`check_upgrade`].
pub fn upgrade_path(from: &str, to: &str) -> Result<Vec<&'static str>, UpgradeError> {
    if from == to {
        return Ok(Vec::new());
    }
    let Some(target) = SUPPORTED.iter().copied().find(|v| *v == to) else {
        return Err(UpgradeError::Unsupported(to.to_owned()));
    };
    let (Some(f), Some(t)) = (Version::parse(from), Version::parse(to)) else {
        return Err(UpgradeError::Unsupported(from.to_owned()));
    };
    if t < f {
        return Err(UpgradeError::Downgrade {
            from: from.to_owned(),
            to: to.to_owned(),
        });
    }
    let mut path = Vec::new();
    let mut current = from.to_owned();
    // Each step moves to a newer offered version, so this ends within SUPPORTED.len() steps.
    for _ in 0..=SUPPORTED.len() {
        if check_upgrade(&current, target).is_ok() {
            path.push(target);
            return Ok(path);
        }
        let cur = Version::parse(&current).map(|v| v.minor_key());
        let step = next_versions(&current)
            .into_iter()
            .filter(|v| Version::parse(v).map(|x| x.minor_key()) != cur)
            .max_by(|a, b| Version::parse(a).cmp(&Version::parse(b)));
        match step {
            Some(s) => {
                path.push(s);
                current = s.to_owned();
            }
            None => break,
        }
    }
    // Not reachable with an offered target newer than `from`; answer with the rule.
    check_upgrade(&current, target).map(|()| path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_offered_version_has_a_lifecycle() {
        for v in SUPPORTED {
            let l = lifecycle(v).unwrap();
            assert!(l.release_date < l.expiration_date && !l.runtimes.is_empty());
        }
        assert_eq!(LIFECYCLE.len(), SUPPORTED.len());
    }

    #[test]
    fn one_minor_at_a_time() {
        assert!(check_upgrade("1.30.7-aliyun.1", "1.31.1-aliyun.1").is_ok());
        // 1.28 → 1.30 is the next offered minor (1.29 is not offered).
        assert!(check_upgrade("1.28.15-aliyun.1", "1.30.7-aliyun.1").is_ok());
        let e = check_upgrade("1.28.15-aliyun.1", "1.31.1-aliyun.1").unwrap_err();
        assert!(
            matches!(e, UpgradeError::SkipsMinor { ref next, .. } if next == "1.30.7-aliyun.1"),
            "{e}"
        );
        assert!(matches!(
            check_upgrade("1.31.1-aliyun.1", "1.30.7-aliyun.1"),
            Err(UpgradeError::Downgrade { .. })
        ));
        assert!(matches!(
            check_upgrade("1.31.1-aliyun.1", "9.9.9"),
            Err(UpgradeError::Unsupported(_))
        ));
        assert!(check_upgrade("1.31.1-aliyun.1", "1.31.1-aliyun.1").is_ok());
    }

    #[test]
    fn upgrade_paths_step_one_minor_at_a_time() {
        assert_eq!(
            upgrade_path("1.28.15-aliyun.1", "1.32.1-aliyun.1").unwrap(),
            ["1.30.7-aliyun.1", "1.31.1-aliyun.1", "1.32.1-aliyun.1"]
        );
        assert_eq!(
            upgrade_path("1.30.7-aliyun.1", "1.31.1-aliyun.1").unwrap(),
            ["1.31.1-aliyun.1"]
        );
        assert!(upgrade_path("1.31.1-aliyun.1", "1.31.1-aliyun.1")
            .unwrap()
            .is_empty());
        // A version no longer offered can still be the starting point.
        assert_eq!(
            upgrade_path("1.29.3-aliyun.1", "1.31.1-aliyun.1").unwrap(),
            ["1.30.7-aliyun.1", "1.31.1-aliyun.1"]
        );
        assert!(matches!(
            upgrade_path("1.32.1-aliyun.1", "1.28.15-aliyun.1"),
            Err(UpgradeError::Downgrade { .. })
        ));
        assert!(matches!(
            upgrade_path("1.28.15-aliyun.1", "1.33.0"),
            Err(UpgradeError::Unsupported(v)) if v == "1.33.0"
        ));
        assert!(matches!(
            upgrade_path("latest", "1.31.1-aliyun.1"),
            Err(UpgradeError::Unsupported(v)) if v == "latest"
        ));
        for (i, from) in SUPPORTED.iter().enumerate() {
            for to in &SUPPORTED[i..] {
                let mut cur = (*from).to_owned();
                for step in upgrade_path(from, to).unwrap() {
                    check_upgrade(&cur, step).unwrap();
                    cur = step.to_owned();
                }
                assert_eq!(cur, *to);
            }
        }
    }
}
