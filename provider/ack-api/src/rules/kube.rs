//! Kubernetes node labels and taints, by Kubernetes' own rules: a key is a
//! qualified name (an optional DNS-1123 subdomain prefix of at most 253
//! characters, `/`, and a name of at most 63 characters), a value is at most
//! 63 characters, and a taint's effect is one of three.

use std::collections::HashSet;

use super::{chars, RuleError, Step, Violation, RESERVED_LABEL_PREFIX};
use crate::model::{Tag, Taint};

/// The taint effects Kubernetes knows.
pub const TAINT_EFFECTS: [&str; 3] = ["NoSchedule", "PreferNoSchedule", "NoExecute"];

const NAME_MAX: usize = 63;
const PREFIX_MAX: usize = 253;

/// `[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?`
fn is_name_part(s: &str) -> bool {
    let alnum = |c: char| c.is_ascii_alphanumeric();
    s.starts_with(alnum)
        && s.ends_with(alnum)
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// A DNS-1123 label: `[a-z0-9]([-a-z0-9]*[a-z0-9])?`
fn is_dns_label(s: &str) -> bool {
    let lower = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit();
    s.starts_with(lower) && s.ends_with(lower) && s.chars().all(|c| lower(c) || c == '-')
}

/// A DNS-1123 subdomain: dot-separated DNS labels, at most 253 characters.
fn is_dns_subdomain(s: &str) -> bool {
    chars(s) <= PREFIX_MAX && s.split('.').all(is_dns_label)
}

/// A Kubernetes qualified name, as label keys and taint keys are.
pub fn qualified_name(what: &'static str, s: &str) -> Result<(), RuleError> {
    let bad = |reason| {
        Err(RuleError::QualifiedName {
            what,
            value: s.to_owned(),
            reason,
        })
    };
    if s.is_empty() {
        return Err(RuleError::Empty { what });
    }
    let (prefix, name) = match s.split_once('/') {
        Some((p, n)) => (Some(p), n),
        None => (None, s),
    };
    if name.contains('/') {
        return bad(
            "a key holds at most one '/', between an optional DNS subdomain prefix and the name",
        );
    }
    if let Some(p) = prefix {
        if p.is_empty() {
            return bad("the prefix before '/' is empty; drop the '/' or put a DNS subdomain such as \"example.com\" before it");
        }
        if !is_dns_subdomain(p) {
            return bad("the prefix before '/' must be a DNS subdomain: lowercase letters, digits, '-' and '.', each part starting and ending with a letter or digit, at most 253 characters");
        }
    }
    if name.is_empty() {
        return bad("the name after '/' is empty");
    }
    if chars(name) > NAME_MAX {
        return bad("the name part is longer than 63 characters");
    }
    if !is_name_part(name) {
        return bad("the name part may only hold letters, digits, '-', '_' and '.', and must start and end with a letter or digit");
    }
    Ok(())
}

/// A label key.
pub fn label_key(k: &str) -> Result<(), RuleError> {
    qualified_name("label key", k)
}

/// The namespaces Kubernetes reserves for its own components: a key whose
/// prefix is one of these domains or a subdomain of one.
pub const KUBERNETES_NAMESPACES: [&str; 2] = ["kubernetes.io", "k8s.io"];

/// The parts of those namespaces a node may label itself with (kubelet's
/// `--node-labels` and the NodeRestriction admission plugin allow them).
pub const NODE_SELF_LABEL_NAMESPACES: [&str; 2] = ["kubelet.kubernetes.io", "node.kubernetes.io"];

/// Whether `prefix` is `domain` or a subdomain of it.
fn in_namespace(prefix: &str, domain: &str) -> bool {
    prefix == domain
        || prefix
            .strip_suffix(domain)
            .is_some_and(|rest| rest.ends_with('.'))
}

/// The reserved namespace of a key's prefix, if it is in one.
fn kubernetes_namespace(key: &str) -> Option<&'static str> {
    let (prefix, _) = key.split_once('/')?;
    KUBERNETES_NAMESPACES
        .into_iter()
        .find(|d| in_namespace(prefix, d))
}

/// A label key a node pool may give its nodes: a label key outside the
/// Kubernetes namespaces (`kubernetes.io`, `k8s.io` and their subdomains,
/// such as `node-role.kubernetes.io/…`), which kubelet refuses to set on
/// its node, except the parts kept for nodes (`kubelet.kubernetes.io/`,
/// `node.kubernetes.io/`).
pub fn node_label_key(k: &str) -> Result<(), RuleError> {
    label_key(k)?;
    let Some(namespace) = kubernetes_namespace(k) else {
        return Ok(());
    };
    let prefix = k.split_once('/').map_or("", |(p, _)| p);
    if NODE_SELF_LABEL_NAMESPACES
        .iter()
        .any(|d| in_namespace(prefix, d))
    {
        return Ok(());
    }
    Err(RuleError::KubernetesNamespace {
        what: "label key",
        value: k.to_owned(),
        namespace,
        allowed: "kubelet refuses to set such labels on its node, except under kubelet.kubernetes.io/ and node.kubernetes.io/",
    })
}

/// A node label key set by a user: a node label key, not under the
/// provider's prefix.
pub fn user_label_key(k: &str) -> Result<(), RuleError> {
    node_label_key(k)?;
    if k.starts_with(RESERVED_LABEL_PREFIX) {
        return Err(RuleError::Reserved {
            what: "label key",
            value: k.to_owned(),
            prefix: RESERVED_LABEL_PREFIX,
        });
    }
    Ok(())
}

fn value_of(what: &'static str, v: &str) -> Result<(), RuleError> {
    if v.is_empty() || (chars(v) <= NAME_MAX && is_name_part(v)) {
        Ok(())
    } else {
        Err(RuleError::LabelValue {
            what,
            value: v.to_owned(),
        })
    }
}

/// A node label value: empty, or up to 63 characters like a name part.
pub fn label_value(v: &str) -> Result<(), RuleError> {
    value_of("label value", v)
}

/// Labels as the API carries them: each key and value, and no key twice.
pub fn labels(labels: &[Tag]) -> Vec<Violation> {
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    for t in labels {
        let at = vec![Step::Key(t.key.clone())];
        let r = node_label_key(&t.key).and_then(|()| label_value(&t.value));
        if let Err(e) = r {
            out.push(Violation::new(at, e));
        } else if !seen.insert(t.key.as_str()) {
            out.push(Violation::new(
                at,
                RuleError::Duplicate {
                    what: "label key",
                    value: t.key.clone(),
                },
            ));
        }
    }
    out
}

/// A taint effect.
pub fn taint_effect(e: &str) -> Result<(), RuleError> {
    if TAINT_EFFECTS.contains(&e) {
        Ok(())
    } else {
        Err(RuleError::TaintEffect(e.to_owned()))
    }
}

/// Taints: each key, value and effect, and no key and effect twice.
pub fn taints(taints: &[Taint]) -> Vec<Violation> {
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    for (i, t) in taints.iter().enumerate() {
        let checks = [
            ("key", qualified_name("taint key", &t.key)),
            ("value", value_of("taint value", &t.value)),
            ("effect", taint_effect(&t.effect)),
        ];
        let mut ok = true;
        for (field, r) in checks {
            if let Err(e) = r {
                ok = false;
                out.push(Violation::new(vec![Step::Index(i), Step::Field(field)], e));
            }
        }
        if ok && !seen.insert((t.key.as_str(), t.effect.as_str())) {
            out.push(Violation::new(
                vec![Step::Index(i)],
                RuleError::DuplicateTaint {
                    key: t.key.clone(),
                    effect: t.effect.clone(),
                },
            ));
        }
    }
    out
}

/// A taint key a node pool may set: a qualified name outside the
/// Kubernetes namespaces (`kubernetes.io`, `k8s.io` and their subdomains),
/// where Kubernetes' own controllers add and remove taints
/// (`node.kubernetes.io/not-ready`, `node.cloudprovider.kubernetes.io/…`).
pub fn taint_key(k: &str) -> Result<(), RuleError> {
    qualified_name("taint key", k)?;
    match kubernetes_namespace(k) {
        None => Ok(()),
        Some(namespace) => Err(RuleError::KubernetesNamespace {
            what: "taint key",
            value: k.to_owned(),
            namespace,
            allowed: "Kubernetes' node controllers add and remove such taints themselves",
        }),
    }
}

/// A taint value: like a label value.
pub fn taint_value(v: &str) -> Result<(), RuleError> {
    value_of("taint value", v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_follow_kubernetes() {
        for good in [
            "team",
            "app.kubernetes.io/name",
            "example.com/a_b-c.d",
            "A9",
            "k8s.io/X",
            &"a".repeat(63),
            &format!("{}/n", "a".repeat(253)),
        ] {
            assert!(label_key(good).is_ok(), "{good}");
        }
        for bad in [
            "",
            "bad key!",
            "a/b/c",
            "/a",
            "a/",
            "-a",
            "a-",
            "Example.com/a",
            "ex_ample.com/a",
            "a..b/c",
            &"a".repeat(64),
            &format!("{}/n", "a".repeat(254)),
            "ä",
        ] {
            assert!(label_key(bad).is_err(), "{bad:?}");
        }
        assert_eq!(label_key(""), Err(RuleError::Empty { what: "label key" }));
    }

    #[test]
    fn values_follow_kubernetes() {
        assert!(label_value("").is_ok());
        assert!(label_value("v1.2_3-x").is_ok());
        assert!(label_value(&"v".repeat(63)).is_ok());
        for bad in ["a b", "-a", "a/b", &"v".repeat(64)] {
            assert!(label_value(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn reserved_label_prefix_is_refused_for_users_only() {
        assert!(label_key("acklabs.io/accelerator").is_ok());
        let e = user_label_key("acklabs.io/accelerator").unwrap_err();
        assert!(e.to_string().contains("reserved"), "{e}");
        assert!(user_label_key("acklabs.io.example/x").is_ok());
    }

    /// Every key in the Kubernetes namespaces, as a class: refused for
    /// node labels (but the node's own prefixes) and for taints.
    #[test]
    fn kubernetes_namespaces_are_reserved_as_a_class() {
        for domain in KUBERNETES_NAMESPACES {
            for prefix in [
                domain.to_owned(),
                format!("node-role.{domain}"),
                format!("a.b.{domain}"),
                format!("topology.{domain}"),
            ] {
                let key = format!("{prefix}/x");
                assert!(node_label_key(&key).is_err(), "{key}");
                assert!(user_label_key(&key).is_err(), "{key}");
                assert!(taint_key(&key).is_err(), "{key}");
                assert!(!labels(&[Tag {
                    key: key.clone(),
                    value: String::new()
                }])
                .is_empty());
            }
        }
        for node_own in [
            "node.kubernetes.io/pool",
            "kubelet.kubernetes.io/x",
            "a.node.kubernetes.io/y",
        ] {
            assert!(node_label_key(node_own).is_ok(), "{node_own}");
        }
        assert!(taint_key("node.kubernetes.io/unreachable").is_err());
        for other in [
            "example.com/x",
            "notkubernetes.io/x",
            "k8s.io.example.com/x",
            "team",
        ] {
            assert!(node_label_key(other).is_ok(), "{other}");
            assert!(taint_key(other).is_ok(), "{other}");
        }
        let e = user_label_key("node-role.kubernetes.io/worker")
            .unwrap_err()
            .to_string();
        assert!(e.contains("kubernetes.io") && e.contains("kubelet"), "{e}");
    }

    #[test]
    fn taint_lists() {
        let t = |k: &str, v: &str, e: &str| Taint {
            key: k.into(),
            value: v.into(),
            effect: e.into(),
        };
        assert!(taints(&[t("a", "", "NoSchedule"), t("a", "", "NoExecute")]).is_empty());
        let v = taints(&[t("a", "", "NoSchedule"), t("a", "x", "NoSchedule")]);
        assert_eq!(v.len(), 1);
        assert_eq!(v[0].at, vec![Step::Index(1)]);
        let v = taints(&[t("a/b/c", "x y", "Sometimes")]);
        assert_eq!(v.len(), 3);
        assert_eq!(v[2].at, vec![Step::Index(0), Step::Field("effect")]);
    }

    #[test]
    fn label_lists() {
        let l = |k: &str, v: &str| Tag {
            key: k.into(),
            value: v.into(),
        };
        assert!(labels(&[l("a", "1"), l("b", "")]).is_empty());
        assert_eq!(labels(&[l("a", "1"), l("a", "2")]).len(), 1);
        assert_eq!(
            labels(&[l("bad key!", "1")])[0].at,
            vec![Step::Key("bad key!".into())]
        );
    }
}
