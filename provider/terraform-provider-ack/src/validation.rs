//! Attribute validators built on the API contract's rules (`ack_api::rules`):
//! the rules live there once, shared with the emulator; this module only
//! reads configuration values and turns refusals into diagnostics that name
//! the attribute — down to the map key, list element or nested field.
//!
//! Values Terraform does not know yet are skipped: the check runs again
//! when they are known, and the API enforces the same rules.

use ack_api::model::Taint;
use ack_api::rules::{self, RuleError, Step, Violation};
use tfplugin::validators::Validator;
use tfplugin::{AttributePath, Diagnostic, Diagnostics, Value};

/// The diagnostic for a refused value at `path`, named in full in the
/// summary (`taints[0].key`, `labels["a b"]`): Terraform can point only at
/// the enclosing attribute or element of a nested value.
pub fn refusal(path: &AttributePath, message: impl std::fmt::Display) -> Diagnostic {
    Diagnostic::error(
        format!("Invalid value for {path}"),
        format!("{message}. Change the value in the configuration."),
    )
    .at(path.clone())
}

/// `path` extended by the steps of a violation.
pub fn path_of(path: &AttributePath, at: &[Step]) -> AttributePath {
    at.iter().fold(path.clone(), |p, step| match step {
        Step::Key(k) => p.push_key(k),
        Step::Index(i) => p.push_index(*i),
        Step::Field(f) => p.push_attr(*f),
    })
}

fn report(path: &AttributePath, violations: Vec<Violation>, diags: &mut Diagnostics) {
    for v in violations {
        diags.push(refusal(&path_of(path, &v.at), &v.error));
    }
}

/// A rule over one string.
pub struct Rule {
    description: &'static str,
    check: fn(&str) -> Result<(), RuleError>,
}

impl Validator for Rule {
    fn description(&self) -> String {
        self.description.to_owned()
    }
    fn validate(&self, path: &AttributePath, value: &Value, diags: &mut Diagnostics) {
        if let Some(s) = value.as_str() {
            if let Err(e) = (self.check)(s) {
                diags.push(refusal(path, e));
            }
        }
    }
}

/// A cluster or node pool name, also where another resource refers to one.
pub fn name() -> Rule {
    Rule {
        description: "1-63 letters, digits, `-` and `_`, starting with a letter or digit.",
        check: rules::name,
    }
}

/// `cluster_name` of a dependent resource: the name of a cluster, which may
/// have been made outside this provider.
pub fn cluster_reference() -> Rule {
    Rule {
        description:
            "The name of a cluster: 1-63 letters, digits, `-` or `_`, not starting with `-` or `_`.",
        check: rules::name_reference,
    }
}

/// A cluster ID, where a look-up takes one.
pub fn cluster_id() -> Rule {
    Rule {
        description: "A cluster ID: `c` followed by 32 lowercase letters and digits, e.g. `c82e6987e2961451182edacd74faf3d4a`.",
        check: |s| {
            if rules::is_cluster_id(s) {
                Ok(())
            } else {
                Err(RuleError::Format {
                    what: "cluster ID",
                    value: s.to_owned(),
                    example: "c82e6987e2961451182edacd74faf3d4a",
                })
            }
        },
    }
}

/// An IPv4 CIDR block with no host bits set.
pub fn cidr() -> Rule {
    Rule {
        description: "An IPv4 CIDR block with a /8 to /30 prefix and no host bits set, such as `172.20.0.0/16`.",
        check: |s| rules::cidr(s).map(|_| ()),
    }
}

/// An operation timeout.
pub fn timeout() -> Rule {
    Rule {
        description:
            "Whole numbers with units `h`, `m` and `s`; more than zero and at most `168h`.",
        check: |s| rules::timeout(s).map(|_| ()),
    }
}

pub fn maintenance_time() -> Rule {
    Rule {
        description: "`HH:MM:SSZ` in UTC, e.g. `03:00:00Z`.",
        check: rules::maintenance_time,
    }
}

pub fn maintenance_duration() -> Rule {
    Rule {
        description: "Whole hours from `1h` to `24h`.",
        check: rules::maintenance_duration,
    }
}

pub fn weekly_period() -> Rule {
    Rule {
        description: "Day names separated by commas, each at most once, e.g. `Monday,Thursday`.",
        check: rules::weekly_period,
    }
}

/// A region ID.
pub fn region() -> Rule {
    Rule {
        description: "A region ID such as `cn-shanghai` or `ap-southeast-1`.",
        check: rules::region_id,
    }
}

pub fn taint_key() -> Rule {
    Rule {
        description: "A Kubernetes qualified name: an optional DNS subdomain prefix and `/`, then 1-63 letters, digits, `-`, `_` or `.`, starting and ending with a letter or digit; not in the `kubernetes.io` or `k8s.io` namespaces, whose taints Kubernetes' controllers manage.",
        check: rules::taint_key,
    }
}

pub fn taint_value() -> Rule {
    Rule {
        description:
            "Up to 63 letters, digits, `-`, `_` or `.`, starting and ending with a letter or digit.",
        check: rules::taint_value,
    }
}

pub fn taint_effect() -> Rule {
    Rule {
        description: "`NoSchedule`, `PreferNoSchedule` or `NoExecute`.",
        check: rules::taint_effect,
    }
}

/// A `map(string)` of tags or labels: every key, and every known value.
pub struct MapRule {
    description: &'static str,
    key: fn(&str) -> Result<(), RuleError>,
    value: fn(&str) -> Result<(), RuleError>,
}

impl Validator for MapRule {
    fn description(&self) -> String {
        self.description.to_owned()
    }
    fn validate(&self, path: &AttributePath, value: &Value, diags: &mut Diagnostics) {
        for (k, v) in value.as_entries().into_iter().flatten() {
            let r = (self.key)(k).and_then(|()| v.as_str().map_or(Ok(()), self.value));
            if let Err(e) = r {
                diags.push(refusal(&path.push_key(k), e));
            }
        }
    }
}

/// Cluster tags a user sets.
pub fn tags() -> MapRule {
    MapRule {
        description: "Keys 1-128 characters, not starting with `aliyun`, `acs:` or the provider's reserved `acklabs:`; values up to 128 characters.",
        key: rules::user_tag_key,
        value: rules::tag_value,
    }
}

/// Node labels a user sets.
pub fn labels() -> MapRule {
    MapRule {
        description: "Kubernetes label keys (optional DNS subdomain prefix and `/`, then a name of 1-63 letters, digits, `-`, `_` or `.`; the `acklabs.io/` prefix is reserved, and so are the `kubernetes.io` and `k8s.io` namespaces, which kubelet refuses to set, but for `kubelet.kubernetes.io/` and `node.kubernetes.io/`) and values (up to 63 such characters, or empty).",
        key: rules::user_label_key,
        value: rules::label_value,
    }
}

/// A `list(string)` checked as a whole once every element is known.
pub struct ListRule {
    description: &'static str,
    check: fn(&[String]) -> Vec<Violation>,
}

impl Validator for ListRule {
    fn description(&self) -> String {
        self.description.to_owned()
    }
    fn validate(&self, path: &AttributePath, value: &Value, diags: &mut Diagnostics) {
        if !value.is_wholly_known() {
            return;
        }
        let items: Vec<String> = value
            .as_elements()
            .into_iter()
            .flatten()
            .map(|v| v.as_str().unwrap_or_default().to_owned())
            .collect();
        report(path, (self.check)(&items), diags);
    }
}

pub fn vswitch_ids() -> ListRule {
    ListRule {
        description: "1 to 5 distinct vSwitch IDs such as `vsw-bp1a2b3c4d`.",
        check: |ids| rules::vswitch_ids(ids),
    }
}

pub fn instance_types() -> ListRule {
    ListRule {
        description: "1 to 10 distinct ECS instance types such as `ecs.g7.xlarge`.",
        check: |types| rules::instance_types(types),
    }
}

/// The `score_plugins` list: each plugin named once.
pub struct DistinctScorePlugins;

impl Validator for DistinctScorePlugins {
    fn description(&self) -> String {
        "Each plugin at most once.".into()
    }
    fn validate(&self, path: &AttributePath, value: &Value, diags: &mut Diagnostics) {
        // Elements whose name is known, with their place in the list.
        let (places, names): (Vec<usize>, Vec<&str>) = value
            .as_elements()
            .into_iter()
            .flatten()
            .enumerate()
            .filter_map(|(i, p)| Some((i, p.get("name")?.as_str()?)))
            .unzip();
        let dups = rules::score_plugin_names(&names)
            .into_iter()
            .map(|mut v| {
                if let Some(Step::Index(i)) = v.at.first_mut() {
                    *i = places.get(*i).copied().unwrap_or(*i);
                }
                v
            })
            .collect();
        report(path, dups, diags);
    }
}

/// The `taints` list: no key and effect twice. Each field is checked by its
/// own validator; this one reports only what spans elements.
pub struct DistinctTaints;

impl Validator for DistinctTaints {
    fn description(&self) -> String {
        "At most one taint per key and effect.".into()
    }
    fn validate(&self, path: &AttributePath, value: &Value, diags: &mut Diagnostics) {
        // Elements whose key and effect are known, with their place in the list.
        let (places, known): (Vec<usize>, Vec<Taint>) = value
            .as_elements()
            .into_iter()
            .flatten()
            .enumerate()
            .filter_map(|(i, t)| {
                let key = t.get("key")?.as_str()?;
                let effect = t.get("effect")?.as_str()?;
                (rules::taint_key(key).is_ok() && rules::taint_effect(effect).is_ok()).then(|| {
                    let taint = Taint {
                        key: key.into(),
                        value: String::new(),
                        effect: effect.into(),
                    };
                    (i, taint)
                })
            })
            .unzip();
        let dups = rules::taints(&known)
            .into_iter()
            .filter(|v| matches!(v.error, RuleError::DuplicateTaint { .. }))
            .map(|mut v| {
                if let Some(Step::Index(i)) = v.at.first_mut() {
                    *i = places.get(*i).copied().unwrap_or(*i);
                }
                v
            })
            .collect();
        report(path, dups, diags);
    }
}

/// The service and pod blocks of a cluster must not overlap; reported on
/// `pod_cidr`.
pub fn disjoint_cidrs(config: &Value, diags: &mut Diagnostics) {
    let get = |n: &str| config.get(n).and_then(Value::as_str);
    if let (Some(service), Some(pod)) = (get("service_cidr"), get("pod_cidr")) {
        if let Err(e) = rules::cidrs_disjoint(service, pod) {
            diags.push(refusal(&AttributePath::attr("pod_cidr"), e));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(v: &dyn Validator, value: Value) -> Vec<(String, String)> {
        let mut d = Diagnostics::new();
        v.validate(&AttributePath::attr("a"), &value, &mut d);
        d.iter()
            .map(|x| {
                (
                    x.attribute
                        .as_ref()
                        .map(ToString::to_string)
                        .unwrap_or_default(),
                    x.detail.clone(),
                )
            })
            .collect()
    }

    fn map(pairs: &[(&str, Value)]) -> Value {
        Value::Map(
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), v.clone()))
                .collect(),
        )
    }

    #[test]
    fn map_errors_point_at_the_key() {
        let got = run(
            &labels(),
            map(&[("bad key!", Value::from("x")), ("ok", Value::unknown())]),
        );
        assert_eq!(got.len(), 1);
        assert!(got[0].0.contains("bad key!"), "{got:?}");
        let got = run(&tags(), map(&[("acklabs:create-token", Value::from("x"))]));
        assert!(got[0].1.contains("reserved"), "{got:?}");
        let got = run(
            &labels(),
            map(&[("acklabs.io/accelerator", Value::from("gpu"))]),
        );
        assert!(got[0].1.contains("reserved"), "{got:?}");
        assert!(run(&labels(), map(&[("team", Value::from(""))])).is_empty());
    }

    #[test]
    fn lists_wait_for_known_elements() {
        let dup = Value::List(vec![Value::from("vsw-a"), Value::from("vsw-a")]);
        let got = run(&vswitch_ids(), dup);
        assert_eq!(got.len(), 1);
        assert!(got[0].0.ends_with("[1]"), "{got:?}");
        let partly = Value::List(vec![Value::from("vsw-a"), Value::unknown()]);
        assert!(run(&vswitch_ids(), partly).is_empty());
    }

    #[test]
    fn duplicate_taints_point_at_the_second() {
        let t = |k: &str, e: &str| {
            Value::object([
                ("key", Value::from(k)),
                ("value", Value::Null),
                ("effect", Value::from(e)),
            ])
        };
        let list = Value::List(vec![
            t("a", "NoSchedule"),
            t("bad key!", "NoSchedule"),
            t("a", "NoSchedule"),
        ]);
        let got = run(&DistinctTaints, list);
        assert_eq!(got.len(), 1, "{got:?}");
        assert!(got[0].0.ends_with("[2]"), "{got:?}");
    }

    #[test]
    fn every_cluster_reference_is_checked() {
        use tfplugin::framework::Provider;
        for r in crate::provider::AckProvider::new().resources() {
            let schema = r.schema();
            if let Some(a) = schema
                .block
                .attributes
                .iter()
                .find(|a| a.name == "cluster_name")
            {
                assert!(
                    !a.validators.is_empty(),
                    "{}.cluster_name has no validator",
                    r.type_name()
                );
            }
        }
    }

    #[test]
    fn huge_timeouts_are_refused_without_panic() {
        let got = run(&timeout(), Value::from("3381903080180084463m"));
        assert_eq!(got.len(), 1);
        assert!(got[0].1.contains("168h"), "{got:?}");
    }
}
