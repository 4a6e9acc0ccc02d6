//! Checks a saved plan (`terraform show -json tfplan`) for CI pipelines —
//! what `terraform-provider-ack check PLAN.json` runs: the edition catalog's
//! tier rules and the value rules of `ack-api` over the whole plan, policy
//! files (TOML/YAML) and Rego policies (conftest conventions), with reports
//! as text, JSON, SARIF or JUnit.
//!
//! It knows the ACK API contract (`ack-api`) and Terraform's plan JSON, and
//! nothing of the provider, the plugin protocol or HTTP: it does no I/O
//! beyond reading the plan and policy files it is given (each within a
//! bound on what is read) and, when the caller asks for it
//! ([`rego::RegoPolicies::isolate`]), running Rego evaluation in a child
//! process of the caller's program ([`sandbox`]). Rules are never copied
//! here: they are `ack-api`'s. Values the plan marks sensitive never reach a
//! report ([`sensitive`]).
//!
//! The command's exit codes: 0 clean, 1 findings at or above `--fail-on`,
//! 2 unusable input.

mod guards;
pub mod plan;
pub mod policy;
mod policy_text;
pub mod rego;
pub mod report;
pub mod rules;
pub mod sandbox;
pub mod sensitive;
pub mod source;
pub mod tfchecks;
pub mod values;
pub mod waiver;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// How serious a finding is.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, serde::Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
#[schemars(inline)]
pub enum Severity {
    Note,
    Warning,
    Error,
}

impl Severity {
    pub fn parse(s: &str) -> Option<Severity> {
        match s {
            "note" | "info" => Some(Severity::Note),
            "warning" | "warn" => Some(Severity::Warning),
            "error" => Some(Severity::Error),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Note => "note",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// A rule every finding refers to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[schemars(inline, deny_unknown_fields)]
pub struct Rule {
    /// Built-in rules are ACK-TIER-nnn / ACK-POL-nnn; custom rules keep their id; Rego rules are package and rule name, e.g. main.deny.
    pub id: String,
    pub name: String,
    pub description: String,
    pub severity: Severity,
}

/// One violation of one rule by one resource.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(inline, deny_unknown_fields)]
pub struct Finding {
    /// id of the rule in rules.
    pub rule_id: String,
    pub severity: Severity,
    /// Resource address, e.g. ack_cluster.main; `plan` for a Rego finding about no single resource.
    pub address: String,
    pub message: String,
    /// Attribute the finding is about, if any.
    pub attribute: Option<String>,
    /// Relevant attributes before the change.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "attributes_schema")]
    pub before: Option<serde_json::Value>,
    /// Relevant attributes after the change.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "attributes_schema")]
    pub after: Option<serde_json::Value>,
    /// File and line of the resource block or attribute (with a source root).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<source::Location>,
    /// Stable identity (rule, address, attribute): what baselines hold and SARIF's partialFingerprints carry.
    #[serde(default)]
    pub fingerprint: String,
    /// Why the finding does not fail the run: a waiver, an inline ack:ignore comment, the baseline or a conftest exception.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suppression: Option<waiver::Suppression>,
}

/// `before` and `after` hold attributes by name.
fn attributes_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({"type": "object"})
}

/// The outcome of a check: what `check --format json` prints.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Report {
    /// format_version of the checked plan.
    pub plan_format_version: String,
    pub terraform_version: String,
    pub rules: Vec<Rule>,
    /// Addresses of the resources checked.
    pub resources: Vec<String>,
    pub findings: Vec<Finding>,
    /// How the report is rendered; not part of the JSON report.
    #[serde(skip)]
    pub context: RenderContext,
}

/// What formats need beyond the findings.
#[derive(Debug, Clone, Default)]
pub struct RenderContext {
    /// The plan file as given: the SARIF location of findings with no file of their own.
    pub plan_file: Option<String>,
    /// SARIF run category (`automationDetails.id`), e.g. one per root module.
    pub category: Option<String>,
    /// Whether a baseline was applied (SARIF `baselineState` of new findings).
    pub baseline: bool,
}

impl Report {
    /// JSON Schema (draft 2020-12) of the report as serialised, derived from
    /// these types so that it cannot drift from them.
    pub fn json_schema() -> serde_json::Value {
        let generator = schemars::generate::SchemaSettings::draft2020_12()
            .for_serialize()
            .into_generator();
        generator.into_root_schema_for::<Report>().to_value()
    }

    /// The most serious finding that is not suppressed.
    pub fn worst(&self) -> Option<Severity> {
        self.active().map(|f| f.severity).max()
    }

    /// Findings that count: not waived, not in the baseline.
    pub fn active(&self) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(|f| f.suppression.is_none())
    }
}

/// Why a plan file cannot be checked.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CheckError {
    #[error("cannot read {path}: {message}")]
    Read { path: String, message: String },
    #[error("not a Terraform plan in JSON: {0}. Produce one with `terraform show -json tfplan > plan.json`")]
    NotJson(String),
    #[error("{0}")]
    NotAPlan(String),
    #[error("plan format {0:?} is not supported: this command reads format 1.x (Terraform 1.0 and later)")]
    Format(String),
    #[error("policy file {path}: {message}")]
    Policy { path: String, message: String },
    #[error("baseline {path}: {message}")]
    Baseline { path: String, message: String },
    #[error("{what} {path} is larger than {} MiB, the most `check` reads: {hint}", limit >> 20)]
    TooLarge {
        what: &'static str,
        path: String,
        limit: u64,
        hint: &'static str,
    },
}

/// Largest plan read: a plan of 5,000 resources is a few MiB.
pub const MAX_PLAN_BYTES: u64 = 128 * 1024 * 1024;

/// Reads at most `limit` bytes of a file and refuses it when there is more.
/// The bound is on what is read, never on what the file system says about
/// the file: a symlink to `/dev/zero`, a FIFO or a file that grows while it
/// is read all stop at `limit`.
pub fn read_bounded(path: &std::path::Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    use std::io::Read as _;
    let file = std::fs::File::open(path).map_err(ReadError::Io)?;
    let mut bytes = Vec::new();
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(ReadError::Io)?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooLarge);
    }
    Ok(bytes)
}

/// Why [`read_bounded`] read nothing.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("{0}")]
    Io(std::io::Error),
    #[error("larger than the limit")]
    TooLarge,
}

/// Reads a plan file for [`check_with`], at most [`MAX_PLAN_BYTES`].
pub fn read_plan(path: &std::path::Path) -> Result<String, CheckError> {
    let shown = path.display().to_string();
    match read_bounded(path, MAX_PLAN_BYTES) {
        Ok(bytes) => Ok(String::from_utf8_lossy(&bytes).into_owned()),
        Err(ReadError::Io(e)) => Err(CheckError::Read {
            path: shown,
            message: e.to_string(),
        }),
        Err(ReadError::TooLarge) => Err(CheckError::TooLarge {
            what: "plan",
            path: shown,
            limit: MAX_PLAN_BYTES,
            hint: "pass the output of `terraform show -json tfplan`",
        }),
    }
}

/// Every built-in rule: the catalog's tier rules, the default policies and
/// the value rule.
pub fn builtin_rules() -> Vec<Rule> {
    let mut rules = rules::catalog();
    rules.push(values::rule());
    rules.push(tfchecks::rule());
    rules.push(waiver::expired_rule());
    rules
}

/// Checks plan JSON text with the given policy.
pub fn check(text: &str, policy: &policy::Policy) -> Result<Report, CheckError> {
    check_with(text, policy, &rego::RegoPolicies::default())
}

/// Checks plan JSON text with the given policy settings and Rego policies.
pub fn check_with(
    text: &str,
    policy: &policy::Policy,
    rego: &rego::RegoPolicies,
) -> Result<Report, CheckError> {
    check_full(text, policy, rego, &Options::default())
}

/// What a check knows beyond the plan and the policies.
#[derive(Debug, Clone)]
pub struct Options {
    /// The configuration's resource blocks (`--source-root`).
    pub source: Option<source::SourceMap>,
    /// Findings accepted by `--baseline`.
    pub baseline: Option<waiver::Baseline>,
    /// The date waivers expire against.
    pub today: chrono::NaiveDate,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            source: None,
            baseline: None,
            today: chrono::Utc::now().date_naive(),
        }
    }
}

/// Checks plan JSON text with policies, source locations, waivers and a baseline.
pub fn check_full(
    text: &str,
    policy: &policy::Policy,
    rego: &rego::RegoPolicies,
    options: &Options,
) -> Result<Report, CheckError> {
    let plan = plan::Plan::parse(text)?;
    let mut rules = builtin_rules();
    let mut findings = rules::evaluate(&plan);
    findings.extend(values::evaluate(&plan));
    findings.extend(plan.terraform_checks.iter().cloned());
    findings.extend(policy.custom_findings(&plan));
    if !rego.is_empty() {
        let (rego_rules, rego_findings) = rego.evaluate(text, &plan)?;
        rules.extend(rego_rules);
        findings.extend(rego_findings);
    }
    sensitive::redact_findings(&plan, &mut findings);
    policy.check_ids(&rules)?;
    policy.adjust_rules(&mut rules);
    policy.adjust_findings(&mut findings);
    for f in &mut findings {
        f.fingerprint = waiver::fingerprint(f);
        if let Some(source) = &options.source {
            f.location = source.locate(&f.address, f.attribute.as_deref());
        }
    }
    let expired = waiver::apply(
        &mut findings,
        &policy.waivers,
        options.source.as_ref(),
        options.today,
    );
    findings.extend(expired);
    if let Some(baseline) = &options.baseline {
        baseline.apply(&mut findings);
    }
    findings.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then(a.address.cmp(&b.address))
            .then(a.rule_id.cmp(&b.rule_id))
    });
    rules.extend(policy.custom_rules());
    rules.retain(|r| !policy.disabled(&r.id));
    Ok(Report {
        plan_format_version: plan.format_version.clone(),
        terraform_version: plan.terraform_version.clone(),
        rules,
        resources: plan.changes.iter().map(|c| c.address.clone()).collect(),
        findings,
        context: RenderContext {
            baseline: options.baseline.is_some(),
            ..RenderContext::default()
        },
    })
}

#[cfg(test)]
mod input_tests;
#[cfg(test)]
mod limits_tests;
#[cfg(test)]
mod output_tests;
#[cfg(test)]
mod pipeline_tests;
#[cfg(test)]
mod policy_tests;
#[cfg(test)]
mod rego_tests;
#[cfg(test)]
mod sensitive_tests;
#[cfg(test)]
mod tests;
