//! Policy files (`--policy FILE`, TOML or YAML): switch rules off, change
//! severities, add simple attribute rules.
//!
//! ```toml
//! [rules.ACK-POL-003]
//! enabled = false
//!
//! [rules.ACK-POL-004]
//! severity = "error"
//!
//! [[custom]]
//! id = "ORG-001"
//! description = "Clusters run a current Kubernetes version"
//! resource_type = "ack_cluster"
//! attribute = "kubernetes_version"
//! must_not_be_one_of = ["1.28.15-aliyun.1"]
//! severity = "error"
//! ```

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::Value as Json;

use super::plan::Plan;
use super::policy_text::{
    check_nesting, edit_distance, format_of, read_policy_text, toml_error, Format,
};
use super::{CheckError, Finding, Rule, Severity};

pub use super::policy_text::MAX_NESTING;

/// A policy file for `check --policy` (TOML or YAML): settings of the
/// built-in rules and custom attribute rules.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    /// Built-in rules by ID (e.g. `ACK-POL-003`): switch them off or change
    /// their severity.
    #[serde(default)]
    pub rules: BTreeMap<String, RuleSetting>,
    /// Custom rules on one attribute of one resource type.
    #[serde(default)]
    pub custom: Vec<CustomRule>,
    /// Accepted findings: rule, address pattern, reason, expiry.
    #[serde(default)]
    pub waivers: Vec<super::waiver::Waiver>,
}

/// How a built-in rule runs.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RuleSetting {
    /// `false` switches the rule off.
    #[serde(default)]
    pub enabled: Option<bool>,
    /// The severity of the rule's findings instead of its own.
    #[serde(default)]
    pub severity: Option<Severity>,
    /// The file that set this (for messages).
    #[serde(skip)]
    pub file: String,
}

/// A requirement on one attribute of one resource type.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CustomRule {
    /// The rule's ID in reports (e.g. `ORG-001`).
    pub id: String,
    /// What the rule requires, for reports.
    pub description: String,
    /// The resource type checked, e.g. `ack_cluster`.
    #[schemars(schema_with = "resource_type_schema")]
    pub resource_type: String,
    /// The top-level attribute checked, e.g. `kubernetes_version`.
    pub attribute: String,
    /// Severity of a finding. Default `error`.
    #[serde(default = "default_severity")]
    pub severity: Severity,
    /// The finding's message instead of the generated one.
    #[serde(default)]
    pub message: Option<String>,
    /// The attribute must have exactly this value.
    #[serde(default)]
    pub must_equal: Option<Json>,
    /// The attribute must not have this value.
    #[serde(default)]
    pub must_not_equal: Option<Json>,
    /// The attribute must have one of these values.
    #[serde(default)]
    pub must_be_one_of: Option<Vec<Json>>,
    /// The attribute must have none of these values.
    #[serde(default)]
    pub must_not_be_one_of: Option<Vec<Json>>,
    /// `true`: the attribute must be set (not null). Give exactly one of the
    /// `must_*` fields.
    #[serde(default)]
    pub must_be_set: Option<bool>,
    /// The file that defines the rule (for messages).
    #[serde(skip)]
    pub file: String,
}

/// `resource_type` is one of the provider's resource types.
fn resource_type_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({
        "description": "The resource type checked, e.g. `ack_cluster`.",
        "type": "string",
        "enum": super::plan::RESOURCE_TYPES,
    })
}

impl Policy {
    /// JSON Schema (draft 2020-12) of a policy file, derived from these types
    /// so that it cannot drift from what `check` reads. YAML and TOML policy
    /// files have the same structure.
    pub fn json_schema() -> Json {
        let generator = schemars::generate::SchemaSettings::draft2020_12()
            .for_deserialize()
            .into_generator();
        generator.into_root_schema_for::<Policy>().to_value()
    }
}

/// Largest policy file read.
pub const MAX_POLICY_BYTES: u64 = 4 * 1024 * 1024;

fn default_severity() -> Severity {
    Severity::Error
}

impl Policy {
    /// Reads a policy file; the format follows the extension (`.toml`, `.yaml`/`.yml`).
    pub fn load(path: &str) -> Result<Policy, CheckError> {
        format_of(path)?;
        let text = read_policy_text(std::path::Path::new(path))?;
        Policy::parse(path, &text)
    }

    /// Parses policy text; the format follows the extension of `path`.
    pub fn parse(path: &str, text: &str) -> Result<Policy, CheckError> {
        let err = |message: String| CheckError::Policy {
            path: path.to_owned(),
            message,
        };
        let format = format_of(path)?;
        check_nesting(text).map_err(err)?;
        let mut policy: Policy = match format {
            Format::Yaml => serde_yaml::from_str(text).map_err(|e| {
                err(format!(
                    "{}. The policy file schema is schemas/check-policy.schema.json",
                    super::report::visible(&e.to_string())
                ))
            })?,
            Format::Toml => toml::from_str(text).map_err(|e| err(toml_error(text, &e)))?,
        };
        let builtin: Vec<String> = super::builtin_rules().into_iter().map(|r| r.id).collect();
        let mut seen = std::collections::HashSet::new();
        for c in &mut policy.custom {
            c.file = path.to_owned();
            let id = super::report::visible(&c.id);
            let rule_err = |what: String| err(format!("custom rule {id:?}: {what}"));
            if c.id.trim().is_empty() || c.id.chars().any(char::is_control) {
                return Err(rule_err("give the rule an ID such as ORG-001".into()));
            }
            if builtin.contains(&c.id) {
                return Err(rule_err(format!(
                    "{id} is a built-in rule; give the custom rule an ID of its own (such as ORG-001), \
                     and change the built-in rule with [rules.{id}]"
                )));
            }
            if !seen.insert(c.id.clone()) {
                return Err(rule_err(
                    "the ID is used by another custom rule of this file; give each rule its own ID"
                        .into(),
                ));
            }
            if !super::plan::RESOURCE_TYPES.contains(&c.resource_type.as_str()) {
                return Err(rule_err(format!(
                    "resource_type {:?} is not a resource type of this provider; use one of {}",
                    super::report::visible(&c.resource_type),
                    super::plan::RESOURCE_TYPES.join(", ")
                )));
            }
            if c.attribute.trim().is_empty() {
                return Err(rule_err(
                    "attribute is empty; name a top-level attribute such as kubernetes_version"
                        .into(),
                ));
            }
            let conditions = [
                c.must_equal.is_some(),
                c.must_not_equal.is_some(),
                c.must_be_one_of.is_some(),
                c.must_not_be_one_of.is_some(),
                c.must_be_set.is_some(),
            ];
            if conditions.iter().filter(|x| **x).count() != 1 {
                return Err(rule_err("give exactly one of must_equal, must_not_equal, must_be_one_of, must_not_be_one_of, must_be_set".into()));
            }
        }
        for setting in policy.rules.values_mut() {
            setting.file = path.to_owned();
        }
        for (i, w) in policy.waivers.iter_mut().enumerate() {
            w.file = path.to_owned();
            w.validate(i).map_err(|m| err(super::report::visible(&m)))?;
        }
        Ok(policy)
    }

    /// Checks that every custom rule names an attribute its resource type
    /// has, by the provider's schema (`known`: resource type → attribute
    /// names; types it does not list are not checked). A misspelt attribute
    /// is always null, so its rule would pass or fail regardless of the plan.
    pub fn check_attributes(
        &self,
        known: &BTreeMap<String, Vec<String>>,
    ) -> Result<(), CheckError> {
        for c in &self.custom {
            let Some(attributes) = known.get(&c.resource_type) else {
                continue;
            };
            if attributes.contains(&c.attribute) {
                continue;
            }
            let closest = attributes
                .iter()
                .map(|a| (edit_distance(a, &c.attribute), a))
                .min()
                .filter(|(d, _)| *d <= 3)
                .map(|(_, a)| format!(" (did you mean {a}?)"))
                .unwrap_or_default();
            return Err(CheckError::Policy {
                path: c.file.clone(),
                message: format!(
                    "custom rule {:?}: {} has no attribute {:?}{closest}; its attributes are {}",
                    super::report::visible(&c.id),
                    c.resource_type,
                    super::report::visible(&c.attribute),
                    attributes.join(", ")
                ),
            });
        }
        Ok(())
    }

    /// Checks the IDs of `[rules.ID]` settings and custom rules against the
    /// rules of the run (built-in and Rego): a setting for no rule, or a
    /// custom rule that takes another rule's ID, is a typo that would
    /// otherwise fail open.
    pub fn check_ids(&self, rules: &[Rule]) -> Result<(), CheckError> {
        for c in &self.custom {
            if rules.iter().any(|r| r.id == c.id) {
                return Err(CheckError::Policy {
                    path: c.file.clone(),
                    message: format!(
                        "custom rule {:?}: the ID is a rule of the Rego policies; give the custom rule an ID of its own",
                        super::report::visible(&c.id)
                    ),
                });
            }
        }
        for (id, setting) in &self.rules {
            let known =
                rules.iter().any(|r| r.id == *id) || self.custom.iter().any(|c| c.id == *id);
            if !known {
                let mut ids: Vec<&str> = rules.iter().map(|r| r.id.as_str()).collect();
                ids.extend(self.custom.iter().map(|c| c.id.as_str()));
                return Err(CheckError::Policy {
                    path: setting.file.clone(),
                    message: format!(
                        "[rules.{}]: no rule has this ID; use one of {}",
                        super::report::visible(id),
                        super::report::visible(&ids.join(", "))
                    ),
                });
            }
        }
        Ok(())
    }

    /// Adds another file's settings and rules (later files win on a rule's
    /// settings); a custom rule ID defined by both files is an error.
    pub fn merge(&mut self, other: Policy) -> Result<(), CheckError> {
        for c in &other.custom {
            if let Some(first) = self.custom.iter().find(|x| x.id == c.id) {
                return Err(CheckError::Policy {
                    path: c.file.clone(),
                    message: format!(
                        "custom rule {:?}: {} defines a rule with this ID too; give each rule its own ID",
                        super::report::visible(&c.id),
                        first.file
                    ),
                });
            }
        }
        for (id, setting) in other.rules {
            let entry = self.rules.entry(id).or_default();
            if setting.enabled.is_some() {
                entry.enabled = setting.enabled;
            }
            if setting.severity.is_some() {
                entry.severity = setting.severity;
            }
            entry.file = setting.file;
        }
        self.custom.extend(other.custom);
        self.waivers.extend(other.waivers);
        Ok(())
    }

    pub fn disabled(&self, id: &str) -> bool {
        self.rules.get(id).and_then(|r| r.enabled) == Some(false)
    }

    pub fn adjust_rules(&self, rules: &mut [Rule]) {
        for r in rules {
            if let Some(s) = self.rules.get(&r.id).and_then(|s| s.severity) {
                r.severity = s;
            }
        }
    }

    pub fn adjust_findings(&self, findings: &mut Vec<Finding>) {
        findings.retain(|f| !self.disabled(&f.rule_id));
        for f in findings {
            if let Some(s) = self.rules.get(&f.rule_id).and_then(|s| s.severity) {
                f.severity = s;
            }
        }
    }

    pub fn custom_rules(&self) -> Vec<Rule> {
        self.custom
            .iter()
            .map(|c| Rule {
                id: c.id.clone(),
                name: c.id.to_lowercase(),
                description: c.description.clone(),
                severity: c.severity,
            })
            .collect()
    }

    /// Findings of the custom rules.
    pub fn custom_findings(&self, plan: &Plan) -> Vec<Finding> {
        let mut out = Vec::new();
        for rule in &self.custom {
            for c in plan
                .of_type(&rule.resource_type)
                .filter(|c| !c.after.is_null())
            {
                if !c.known(&rule.attribute) {
                    continue;
                }
                let v = c.after.get(&rule.attribute).cloned().unwrap_or(Json::Null);
                let ok = if let Some(want) = &rule.must_equal {
                    v == *want
                } else if let Some(bad) = &rule.must_not_equal {
                    v != *bad
                } else if let Some(list) = &rule.must_be_one_of {
                    list.contains(&v)
                } else if let Some(list) = &rule.must_not_be_one_of {
                    !list.contains(&v)
                } else {
                    rule.must_be_set != Some(true) || !v.is_null()
                };
                if !ok {
                    let mut attrs = serde_json::Map::new();
                    attrs.insert(rule.attribute.clone(), v);
                    out.push(Finding {
                        rule_id: rule.id.clone(),
                        severity: rule.severity,
                        address: c.address.clone(),
                        message: rule
                            .message
                            .clone()
                            .unwrap_or_else(|| rule.description.clone()),
                        attribute: Some(rule.attribute.clone()),
                        before: c.before.get(&rule.attribute).map(|b| {
                            Json::Object(
                                [(rule.attribute.clone(), b.clone())].into_iter().collect(),
                            )
                        }),
                        after: Some(Json::Object(attrs)),
                        location: None,
                        fingerprint: String::new(),
                        suppression: None,
                    });
                }
            }
        }
        out
    }
}
