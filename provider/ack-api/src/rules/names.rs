//! Names of clusters and node pools, and the ID lists of a cluster or pool.

use std::collections::HashSet;

use super::{chars, RuleError, Step, Violation};

/// Most vSwitches a cluster's control plane takes.
pub const MAX_VSWITCHES: usize = 5;
/// Most instance types a node pool takes.
pub const MAX_INSTANCE_TYPES: usize = 10;

/// Whether `id` has the form of a cluster ID: `c` and 32 hex digits.
pub fn is_cluster_id(id: &str) -> bool {
    id.len() == 33 && id.starts_with('c') && id[1..].bytes().all(|b| b.is_ascii_hexdigit())
}

/// A region ID such as `cn-hangzhou` or `ap-southeast-1`: a lowercase
/// country or area code of two or more letters, then one or more parts of
/// lowercase letters and digits, each after a `-`.
pub fn region_id(r: &str) -> Result<(), RuleError> {
    let mut parts = r.split('-');
    let first_ok = parts
        .next()
        .is_some_and(|p| p.len() >= 2 && p.bytes().all(|b| b.is_ascii_lowercase()));
    let rest: Vec<&str> = parts.collect();
    let ok = first_ok
        && !rest.is_empty()
        && rest.iter().all(|p| {
            !p.is_empty()
                && p.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        });
    match (r.is_empty(), ok) {
        (true, _) => Err(RuleError::Empty { what: "region ID" }),
        (false, true) => Ok(()),
        (false, false) => Err(RuleError::Format {
            what: "region ID",
            value: r.to_owned(),
            example: "cn-shanghai",
        }),
    }
}

/// Cluster and node pool names: 1-63 letters, digits, `-` and `_`,
/// starting with a letter or digit.
pub fn name(s: &str) -> Result<(), RuleError> {
    if s.is_empty() {
        return Err(RuleError::Empty { what: "name" });
    }
    let ok = chars(s) <= 63
        && s.starts_with(|c: char| c.is_ascii_alphanumeric())
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if ok {
        Ok(())
    } else {
        Err(RuleError::Name(s.to_owned()))
    }
}

/// A reference to an existing cluster by name. Clusters made outside this
/// provider may have names the service allows but [`name`] does not (letters
/// of any script), so this is the service's own rule: 1-63 letters, digits,
/// `-` and `_`, not starting with `-` or `_`.
pub fn name_reference(s: &str) -> Result<(), RuleError> {
    if s.is_empty() {
        return Err(RuleError::Empty {
            what: "cluster name",
        });
    }
    let ok = chars(s) <= 63
        && s.starts_with(char::is_alphanumeric)
        && s.chars()
            .all(|c| c.is_alphanumeric() || c == '-' || c == '_');
    if ok {
        Ok(())
    } else {
        Err(RuleError::NameReference(s.to_owned()))
    }
}

/// A KMS key ID: `key-` then letters, digits or `-`, 8-64 characters in all,
/// e.g. `key-hzz62f1cb66fa42qo9wsx`.
pub fn kms_key_id(k: &str) -> Result<(), RuleError> {
    let ok = k.starts_with("key-")
        && (8..=64).contains(&k.len())
        && k.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
    if ok {
        Ok(())
    } else {
        Err(RuleError::Format {
            what: "KMS key ID",
            value: k.to_owned(),
            example: "key-hzz62f1cb66fa42qo9wsx",
        })
    }
}

/// An ID or type: `prefix` then at least one letter, digit, `-`, `_` or `.`.
fn prefixed(s: &str, prefix: &str) -> bool {
    s.strip_prefix(prefix).is_some_and(|rest| {
        !rest.is_empty()
            && chars(s) <= 128
            && rest
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    })
}

fn id_list<S: AsRef<str>>(
    items: &[S],
    what: &'static str,
    max: usize,
    prefix: &str,
    example: &'static str,
) -> Vec<Violation> {
    let mut out = Vec::new();
    if items.is_empty() || items.len() > max {
        out.push(Violation::whole(RuleError::Count {
            what,
            got: items.len(),
            min: 1,
            max,
        }));
    }
    let mut seen = HashSet::new();
    for (i, s) in items.iter().map(AsRef::as_ref).enumerate() {
        if !prefixed(s, prefix) {
            out.push(Violation::new(
                vec![Step::Index(i)],
                RuleError::Format {
                    what,
                    value: s.to_owned(),
                    example,
                },
            ));
        } else if !seen.insert(s) {
            out.push(Violation::new(
                vec![Step::Index(i)],
                RuleError::Duplicate {
                    what,
                    value: s.to_owned(),
                },
            ));
        }
    }
    out
}

/// vSwitch IDs of a cluster: 1-5 distinct `vsw-…` IDs.
pub fn vswitch_ids<S: AsRef<str>>(ids: &[S]) -> Vec<Violation> {
    id_list(ids, "vswitch ID", MAX_VSWITCHES, "vsw-", "vsw-bp1a2b3c4d")
}

/// Instance types of a node pool: 1-10 distinct `ecs.…` types.
pub fn instance_types<S: AsRef<str>>(types: &[S]) -> Vec<Violation> {
    id_list(
        types,
        "instance type",
        MAX_INSTANCE_TYPES,
        "ecs.",
        "ecs.g7.xlarge",
    )
}

/// Score plugins of a scheduler profile: each plugin named once (a second
/// weight for one plugin would silently replace the first).
pub fn score_plugin_names<S: AsRef<str>>(names: &[S]) -> Vec<Violation> {
    let mut seen = HashSet::new();
    names
        .iter()
        .map(AsRef::as_ref)
        .enumerate()
        .filter(|(_, n)| !seen.insert(*n))
        .map(|(i, n)| {
            Violation::new(
                vec![Step::Index(i), Step::Field("name")],
                RuleError::Duplicate {
                    what: "score plugin",
                    value: n.to_owned(),
                },
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn score_plugins_are_named_once() {
        assert!(score_plugin_names(&["a", "b"]).is_empty());
        let v = score_plugin_names(&["a", "b", "a"]);
        assert_eq!(v.len(), 1);
        assert_eq!(v[0].at, vec![Step::Index(2), Step::Field("name")]);
    }

    #[test]
    fn region_ids() {
        for good in ["cn-hangzhou", "ap-southeast-1", "us-west-1", "eu-central-1"] {
            assert!(region_id(good).is_ok(), "{good}");
        }
        for bad in [
            "",
            "cn",
            "CN-hangzhou",
            "cn-",
            "-cn",
            "cn_hangzhou",
            "c-x",
            "cn-hang zhou",
            "cn--x",
        ] {
            assert!(region_id(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn cluster_ids() {
        assert!(is_cluster_id("c82e6987e2961451182edacd74faf3d4a"));
        assert!(
            !is_cluster_id("c82e6987e2961451182edacd74faf3d4"),
            "32 characters"
        );
        assert!(!is_cluster_id("x82e6987e2961451182edacd74faf3d4a"));
        assert!(!is_cluster_id("c82e6987e2961451182edacd74faf3d4g"));
        assert!(
            !is_cluster_id("cé2e6987e2961451182edacd74faf3d"),
            "multi-byte"
        );
        assert!(!is_cluster_id(""));
    }

    #[test]
    fn names() {
        assert!(name("prod-1_a").is_ok());
        assert!(name(&"a".repeat(63)).is_ok());
        assert!(name(&"a".repeat(64)).is_err());
        assert_eq!(name(""), Err(RuleError::Empty { what: "name" }));
        for bad in ["-a", "_a", "a b", "ä", "a.b", "a/b"] {
            assert!(name(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn references_allow_what_the_service_allows() {
        assert!(name_reference("prod-1").is_ok());
        assert!(name_reference("生产集群-1").is_ok());
        for bad in ["", "-a", "my cluster", "a/b", &"a".repeat(64)] {
            assert!(name_reference(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn kms_keys() {
        assert!(kms_key_id("key-hzz62f1cb66fa42qo9wsx").is_ok());
        for bad in [
            "arn:acs:kms",
            "key-",
            "key-a b",
            "key-1",
            &format!("key-{}", "a".repeat(61)),
        ] {
            assert!(kms_key_id(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn vswitches() {
        assert!(vswitch_ids(&["vsw-a", "vsw-b"]).is_empty());
        let v = vswitch_ids(&["vsw-a", "vsw-a"]);
        assert_eq!(v.len(), 1);
        assert_eq!(v[0].at, vec![Step::Index(1)]);
        assert!(matches!(v[0].error, RuleError::Duplicate { .. }));
        assert!(!vswitch_ids::<&str>(&[]).is_empty());
        assert!(!vswitch_ids(&["vsw-"]).is_empty());
        assert!(!vswitch_ids(&["vsw-1"; 6]).is_empty());
        assert!(!vswitch_ids(&["sw-1"]).is_empty());
    }

    #[test]
    fn instance_type_lists() {
        assert!(instance_types(&["ecs.g7.xlarge", "ecs.g7.2xlarge"]).is_empty());
        let v = instance_types(&["ecs.g7.xlarge", "ecs.g7.xlarge"]);
        assert!(v[0].to_string().contains("more than once"), "{}", v[0]);
        assert!(!instance_types(&["g7.xlarge"]).is_empty());
        assert!(!instance_types(&["ecs.g7 xlarge"]).is_empty());
    }
}
