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
use super::{CheckError, Finding, Rule, Severity};

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

/// Deepest nesting of brackets (flow collections, arrays, inline tables,
/// Rego expressions) or indentation levels a policy file may have. Real policies nest a few
/// levels; parsers take time and stack that grow with depth, so deeper input
/// is refused before parsing.
pub const MAX_NESTING: usize = 64;

/// Refuses text nested deeper than [`MAX_NESTING`], in one linear pass.
/// Brackets inside quoted strings and comments are not counted.
pub(crate) fn check_nesting(text: &str) -> Result<(), String> {
    let mut depth = 0usize;
    for (n, line) in text.lines().enumerate() {
        let indent = line.len() - line.trim_start_matches([' ', '\t']).len();
        let mut quote: Option<char> = None;
        let mut escaped = false;
        for c in line.chars() {
            match quote {
                Some(q) => {
                    if escaped {
                        escaped = false;
                    } else if c == '\\' && q == '"' {
                        escaped = true;
                    } else if c == q {
                        quote = None;
                    }
                }
                None => match c {
                    '"' | '\'' => quote = Some(c),
                    '#' => break,
                    '[' | '{' | '(' => depth += 1,
                    ']' | '}' | ')' => depth = depth.saturating_sub(1),
                    _ => {}
                },
            }
            if depth > MAX_NESTING {
                return Err(format!(
                    "line {}: nested more than {MAX_NESTING} levels deep; policy files are flat lists of settings and rules",
                    n + 1
                ));
            }
        }
        if indent / 2 > MAX_NESTING {
            return Err(format!(
                "line {}: indented more than {MAX_NESTING} levels deep; policy files are flat lists of settings and rules",
                n + 1
            ));
        }
    }
    Ok(())
}

/// Reads a policy file (TOML, YAML or Rego) of at most [`MAX_POLICY_BYTES`],
/// bounded on what is read, as UTF-8 text.
pub(crate) fn read_policy_text(path: &std::path::Path) -> Result<String, CheckError> {
    let shown = path.display().to_string();
    let bytes = super::read_bounded(path, MAX_POLICY_BYTES).map_err(|e| match e {
        super::ReadError::Io(e) => CheckError::Policy {
            path: shown.clone(),
            message: e.to_string(),
        },
        super::ReadError::TooLarge => CheckError::TooLarge {
            what: "policy file",
            path: shown.clone(),
            limit: MAX_POLICY_BYTES,
            hint: "policy files are short lists of settings and rules; split a large one",
        },
    })?;
    String::from_utf8(bytes).map_err(|_| CheckError::Policy {
        path: shown,
        message: "not UTF-8 text".into(),
    })
}

fn default_severity() -> Severity {
    Severity::Error
}

impl Policy {
    /// Reads a policy file; the format follows the extension (`.toml`, `.yaml`/`.yml`).
    pub fn load(path: &str) -> Result<Policy, CheckError> {
        let text = read_policy_text(std::path::Path::new(path))?;
        Policy::parse(path, &text)
    }

    /// Parses policy text; the format follows the extension of `path`.
    pub fn parse(path: &str, text: &str) -> Result<Policy, CheckError> {
        let err = |message: String| CheckError::Policy {
            path: path.to_owned(),
            message,
        };
        check_nesting(text).map_err(err)?;
        let policy: Policy = if path.ends_with(".yaml") || path.ends_with(".yml") {
            serde_yaml::from_str(text).map_err(|e| err(e.to_string()))?
        } else {
            toml::from_str(text).map_err(|e| err(e.to_string()))?
        };
        for c in &policy.custom {
            let conditions = [
                c.must_equal.is_some(),
                c.must_not_equal.is_some(),
                c.must_be_one_of.is_some(),
                c.must_not_be_one_of.is_some(),
                c.must_be_set.is_some(),
            ];
            if conditions.iter().filter(|x| **x).count() != 1 {
                return Err(err(format!("custom rule {}: give exactly one of must_equal, must_not_equal, must_be_one_of, must_not_be_one_of, must_be_set", c.id)));
            }
        }
        Ok(policy)
    }

    /// Adds another file's settings and rules (later files win on a rule's settings).
    pub fn merge(&mut self, other: Policy) {
        for (id, setting) in other.rules {
            let entry = self.rules.entry(id).or_default();
            if setting.enabled.is_some() {
                entry.enabled = setting.enabled;
            }
            if setting.severity.is_some() {
                entry.severity = setting.severity;
            }
        }
        self.custom.extend(other.custom);
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
                    });
                }
            }
        }
        out
    }
}
