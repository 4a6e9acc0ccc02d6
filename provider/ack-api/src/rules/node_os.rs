//! The nodes' operating system settings of a pool (`node_os_config`):
//! transparent huge pages with the values the kernel takes, and kernel
//! parameters, which the service applies on clusters of 1.28 or later.

use super::{RuleError, Step, Violation};
use crate::model::NodeOsConfig;
use crate::versions::Version;

/// `/sys/kernel/mm/transparent_hugepage/enabled`.
pub const THP_ENABLED: [&str; 3] = ["always", "madvise", "never"];
/// `/sys/kernel/mm/transparent_hugepage/defrag`.
pub const THP_DEFRAG: [&str; 5] = ["always", "defer", "defer+madvise", "madvise", "never"];
/// The first Kubernetes version whose nodes take `sysctl`.
pub const SYSCTL_SINCE: (u32, u32) = (1, 28);

/// A kernel parameter name: dotted words, e.g. `net.core.somaxconn` or
/// `net.ipv4.tcp_rmem`.
pub fn sysctl_name(name: &str) -> Result<(), RuleError> {
    let word = |w: &str| {
        !w.is_empty()
            && w.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    };
    let parts: Vec<&str> = name.split('.').collect();
    if parts.len() >= 2 && parts.iter().all(|w| word(w)) {
        Ok(())
    } else {
        Err(RuleError::Format {
            what: "kernel parameter",
            value: name.to_owned(),
            example: "net.core.somaxconn",
        })
    }
}

/// Every rule over `os`, at its field names (`hugepage.transparent_enabled`,
/// `sysctl["vm.max_map_count"]`). `cluster_version`, when known, is the
/// version the pool's nodes run.
pub fn node_os_config(os: &NodeOsConfig, cluster_version: Option<&str>) -> Vec<Violation> {
    let mut v = Vec::new();
    let mut at = |steps: Vec<Step>, r: Result<(), RuleError>| {
        if let Err(e) = r {
            v.push(Violation::new(steps, e));
        }
    };
    let hp = |name: &'static str| vec![Step::Field("hugepage"), Step::Field(name)];
    if let Some(h) = &os.hugepage {
        if let Some(e) = &h.transparent_enabled {
            at(
                hp("transparent_enabled"),
                super::one_of("transparent huge pages setting", e, &THP_ENABLED),
            );
        }
        if let Some(d) = &h.transparent_defrag {
            at(
                hp("transparent_defrag"),
                super::one_of("transparent huge pages defrag setting", d, &THP_DEFRAG),
            );
        }
        if let Some(n) = h.khugepaged_defrag {
            at(
                hp("khugepaged_defrag"),
                super::between("khugepaged_defrag", n, 0, 1),
            );
        }
        for (name, value, min) in [
            (
                "khugepaged_alloc_sleep_millisecs",
                h.khugepaged_alloc_sleep_millisecs,
                0,
            ),
            ("khugepaged_pages_to_scan", h.khugepaged_pages_to_scan, 1),
            (
                "khugepaged_scan_sleep_millisecs",
                h.khugepaged_scan_sleep_millisecs,
                0,
            ),
        ] {
            if let Some(n) = value {
                at(hp(name), super::between(name, n, min, i64::from(u32::MAX)));
            }
        }
    }
    for (name, value) in &os.sysctl {
        let here = vec![Step::Field("sysctl"), Step::Key(name.clone())];
        at(here.clone(), sysctl_name(name));
        if value.trim().is_empty() {
            at(
                here,
                Err(RuleError::Empty {
                    what: "kernel parameter value",
                }),
            );
        }
    }
    let too_old = cluster_version
        .and_then(Version::parse)
        .is_some_and(|ver| ver.minor_key() < SYSCTL_SINCE);
    if !os.sysctl.is_empty() && too_old {
        at(
            vec![Step::Field("sysctl")],
            Err(RuleError::Conflict {
                what: "sysctl",
                other: "a cluster older than 1.28",
                why: "the service sets kernel parameters on nodes of Kubernetes 1.28 or later; upgrade the cluster first",
            }),
        );
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Hugepage;

    fn fields(v: &[Violation]) -> Vec<String> {
        v.iter()
            .map(|x| {
                let full = x.located("node_os_config");
                full.split(':').next().unwrap_or_default().to_owned()
            })
            .collect()
    }

    #[test]
    fn huge_pages_take_the_kernels_values() {
        let mut os = NodeOsConfig {
            hugepage: Some(Hugepage {
                transparent_enabled: Some("madvise".into()),
                transparent_defrag: Some("defer+madvise".into()),
                khugepaged_defrag: Some(1),
                khugepaged_pages_to_scan: Some(4096),
                ..Default::default()
            }),
            ..Default::default()
        };
        assert!(node_os_config(&os, Some("1.31.1-aliyun.1")).is_empty());
        os.hugepage = Some(Hugepage {
            transparent_enabled: Some("sometimes".into()),
            khugepaged_defrag: Some(2),
            khugepaged_pages_to_scan: Some(0),
            ..Default::default()
        });
        let v = node_os_config(&os, None);
        assert_eq!(v.len(), 3, "{:?}", fields(&v));
    }

    #[test]
    fn kernel_parameters_need_names_values_and_1_28() {
        let mut os = NodeOsConfig::default();
        os.sysctl
            .insert("net.core.somaxconn".into(), "32768".into());
        assert!(node_os_config(&os, Some("1.28.9-aliyun.1")).is_empty());
        assert!(
            node_os_config(&os, None).is_empty(),
            "unknown version: no verdict"
        );
        let old = node_os_config(&os, Some("1.27.3-aliyun.1"));
        assert_eq!(fields(&old), ["node_os_config.sysctl"]);
        os.sysctl.insert("somaxconn".into(), " ".into());
        assert_eq!(node_os_config(&os, Some("1.31.1-aliyun.1")).len(), 2);
    }
}
