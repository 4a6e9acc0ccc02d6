//! The kubelet configuration of a node pool and the node settings of
//! `kubernetes_config` (runtime, CPU policy, node names), as
//! CreateClusterNodePool and ModifyNodePoolNodeConfig take them: the keys
//! Kubernetes documents, typed, with their ranges.

use super::{RuleError, Step, Violation};
use crate::model::KubeletConfig;

pub const CPU_MANAGER_POLICIES: [&str; 2] = ["none", "static"];
pub const TOPOLOGY_MANAGER_POLICIES: [&str; 4] =
    ["none", "restricted", "best-effort", "single-numa-node"];
pub const EVICTION_SIGNALS: [&str; 6] = [
    "memory.available",
    "nodefs.available",
    "nodefs.inodesFree",
    "imagefs.available",
    "imagefs.inodesFree",
    "pid.available",
];
pub const RESERVED_RESOURCES: [&str; 4] = ["cpu", "memory", "ephemeral-storage", "pid"];
pub const RUNTIMES: [&str; 3] = ["containerd", "Sandboxed-Container.runv", "docker"];
/// Pods per node ACK allows.
pub const MAX_PODS: (u32, u32) = (16, 256);

/// A Kubernetes quantity such as `100Mi`, `1.5Gi`, `500m` or `2`.
pub fn quantity(s: &str) -> Result<(), RuleError> {
    let digits_end = s
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(s.len());
    let (num, unit) = s.split_at(digits_end);
    let units = [
        "", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei", "k", "M", "G", "T", "P", "E", "m",
    ];
    if num.parse::<f64>().is_ok_and(|n| n >= 0.0) && units.contains(&unit) {
        Ok(())
    } else {
        Err(RuleError::Format {
            what: "quantity",
            value: s.to_owned(),
            example: "100Mi",
        })
    }
}

/// An eviction threshold: a quantity or a percentage (`10%`).
fn threshold(s: &str) -> Result<(), RuleError> {
    match s.strip_suffix('%') {
        Some(p) if p.parse::<f64>().is_ok_and(|p| (0.0..=100.0).contains(&p)) => Ok(()),
        Some(_) => Err(RuleError::Format {
            what: "eviction threshold",
            value: s.to_owned(),
            example: "10%",
        }),
        None => quantity(s),
    }
}

fn one_of(what: &'static str, v: &str, allowed: &[&str]) -> Result<(), RuleError> {
    super::one_of(what, v, allowed)
}

/// Every rule over a kubelet configuration, at its camelCase-free field
/// names (`eviction_hard["memory.available"]`, `max_pods`, …).
pub fn kubelet(k: &KubeletConfig) -> Vec<Violation> {
    let mut v = Vec::new();
    let mut at = |steps: Vec<Step>, r: Result<(), RuleError>| {
        if let Err(e) = r {
            v.push(Violation::new(steps, e));
        }
    };
    let f = |name: &'static str| vec![Step::Field(name)];
    let kf = |name: &'static str, key: &str| vec![Step::Field(name), Step::Key(key.to_owned())];
    if let Some(p) = &k.cpu_manager_policy {
        at(
            f("cpu_manager_policy"),
            one_of("CPU manager policy", p, &CPU_MANAGER_POLICIES),
        );
    }
    if let Some(p) = &k.topology_manager_policy {
        at(
            f("topology_manager_policy"),
            one_of("topology manager policy", p, &TOPOLOGY_MANAGER_POLICIES),
        );
    }
    if let Some(n) = k.max_pods {
        let (min, max) = MAX_PODS;
        at(
            f("max_pods"),
            super::between("max_pods", n.into(), min.into(), max.into()),
        );
    }
    if let Some(n) = k.pod_pids_limit {
        if n != -1 {
            at(
                f("pod_pids_limit"),
                super::between("pod_pids_limit", n, 1024, 4_194_304),
            );
        }
    }
    for (field, map) in [
        ("eviction_hard", &k.eviction_hard),
        ("eviction_soft", &k.eviction_soft),
    ] {
        for (signal, value) in map {
            at(
                kf(field, signal),
                one_of("eviction signal", signal, &EVICTION_SIGNALS),
            );
            at(kf(field, signal), threshold(value));
        }
    }
    for (signal, period) in &k.eviction_soft_grace_period {
        at(
            kf("eviction_soft_grace_period", signal),
            one_of("eviction signal", signal, &EVICTION_SIGNALS),
        );
        at(
            kf("eviction_soft_grace_period", signal),
            super::timeout(period).map(|_| ()),
        );
    }
    for signal in k.eviction_soft.keys() {
        if !k.eviction_soft_grace_period.contains_key(signal) {
            at(
                kf("eviction_soft", signal),
                Err(RuleError::Required {
                    what: "eviction_soft_grace_period",
                    why: "each soft eviction threshold needs a grace period for its signal",
                }),
            );
        }
    }
    for (field, map) in [
        ("kube_reserved", &k.kube_reserved),
        ("system_reserved", &k.system_reserved),
    ] {
        for (resource, value) in map {
            at(
                kf(field, resource),
                one_of("reserved resource", resource, &RESERVED_RESOURCES),
            );
            at(kf(field, resource), quantity(value));
        }
    }
    for gate in k.feature_gates.keys() {
        let ok = gate.starts_with(|c: char| c.is_ascii_uppercase())
            && gate.chars().all(|c| c.is_ascii_alphanumeric());
        if !ok {
            at(
                kf("feature_gates", gate),
                Err(RuleError::Format {
                    what: "feature gate",
                    value: gate.clone(),
                    example: "InPlacePodVerticalScaling",
                }),
            );
        }
    }
    let (hi, lo) = (
        k.image_gc_high_threshold_percent,
        k.image_gc_low_threshold_percent,
    );
    if let Some(h) = hi {
        at(
            f("image_gc_high_threshold_percent"),
            super::between("image_gc_high_threshold_percent", h.into(), 1, 100),
        );
    }
    if let (Some(h), Some(l)) = (hi, lo) {
        if l >= h {
            at(
                f("image_gc_low_threshold_percent"),
                super::between(
                    "image_gc_low_threshold_percent",
                    l.into(),
                    0,
                    i64::from(h) - 1,
                ),
            );
        }
    }
    if let Some(n) = k.container_log_max_files {
        at(
            f("container_log_max_files"),
            super::between("container_log_max_files", n.into(), 2, 1024),
        );
    }
    if let Some(s) = &k.container_log_max_size {
        at(f("container_log_max_size"), quantity(s));
    }
    v
}

/// `kubernetes_config.node_name_mode`: `customized,<prefix>,ip,<suffix>`,
/// prefix and suffix of letters, digits, `-` and `.`, the prefix required.
pub fn node_name_mode(s: &str) -> Result<(), RuleError> {
    let parts: Vec<&str> = s.split(',').collect();
    let part_ok = |p: &str, required: bool| {
        (!required || !p.is_empty())
            && p.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.')
            && !p.starts_with(['-', '.'])
            && !p.ends_with(['-', '.'])
    };
    let ok = matches!(parts.as_slice(), ["customized", prefix, "ip", suffix]
        if part_ok(prefix, true) && part_ok(suffix, false) && prefix.len() + suffix.len() + 15 <= 64);
    if ok {
        Ok(())
    } else {
        Err(RuleError::Format {
            what: "node name mode",
            value: s.to_owned(),
            example: "customized,worker,ip,prod",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kubelet_settings_are_checked_with_their_place() {
        let mut k = KubeletConfig {
            max_pods: Some(110),
            cpu_manager_policy: Some("static".into()),
            ..Default::default()
        };
        k.eviction_hard
            .insert("memory.available".into(), "200Mi".into());
        k.eviction_soft
            .insert("nodefs.available".into(), "15%".into());
        k.eviction_soft_grace_period
            .insert("nodefs.available".into(), "1m30s".into());
        k.kube_reserved.insert("cpu".into(), "500m".into());
        k.feature_gates
            .insert("InPlacePodVerticalScaling".into(), true);
        assert_eq!(kubelet(&k), Vec::new());
        k.max_pods = Some(500);
        k.eviction_hard
            .insert("disk.available".into(), "lots".into());
        k.eviction_soft
            .insert("memory.available".into(), "1Gi".into());
        k.image_gc_high_threshold_percent = Some(80);
        k.image_gc_low_threshold_percent = Some(90);
        let found: Vec<String> = kubelet(&k).iter().map(|v| v.located("kubelet")).collect();
        assert_eq!(found.len(), 5, "{found:?}");
        assert!(found[0].starts_with("kubelet.max_pods"));
        assert!(found[1].starts_with("kubelet.eviction_hard[\"disk.available\"]"));
        assert!(found.iter().any(|f| f.contains("needs a grace period")));
        assert!(found.iter().any(|f| f.starts_with("kubelet.image_gc_low")));
    }

    #[test]
    fn quantities_and_node_names() {
        for ok in ["100Mi", "1.5Gi", "500m", "2"] {
            assert!(quantity(ok).is_ok(), "{ok}");
        }
        for bad in ["", "Mi", "1GB", "-1"] {
            assert!(quantity(bad).is_err(), "{bad}");
        }
        assert!(node_name_mode("customized,worker.,ip,prod").is_err());
        assert!(node_name_mode("customized,worker,ip,prod").is_ok());
        assert!(node_name_mode("customized,worker,ip,").is_ok());
        assert!(node_name_mode("customized,,ip,x").is_err());
        assert!(node_name_mode("worker").is_err());
    }
}
