//! Checks a saved plan (`terraform show -json tfplan`) for CI pipelines —
//! what `terraform-provider-ack check PLAN.json` runs: the edition catalog's
//! tier rules and the value rules of `ack-api` over the whole plan, policy
//! files (TOML/YAML) and Rego policies (conftest conventions), with reports
//! as text, JSON, SARIF or JUnit.
//!
//! It knows the ACK API contract (`ack-api`) and Terraform's plan JSON, and
//! nothing of the provider, the plugin protocol or HTTP: it does no I/O
//! beyond reading the policy files it is given. Rules are never copied
//! here: they are `ack-api`'s.
//!
//! The command's exit codes: 0 clean, 1 findings at or above `--fail-on`,
//! 2 unusable input.

pub mod plan;
pub mod policy;
pub mod rego;
pub mod report;
pub mod rules;
pub mod values;

use serde::Serialize;

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rule {
    pub id: String,
    pub name: String,
    pub description: String,
    pub severity: Severity,
}

/// One violation of one rule by one resource.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    pub rule_id: String,
    pub severity: Severity,
    /// Resource address, e.g. `ack_scheduler_profile.sched`.
    pub address: String,
    pub message: String,
    /// Attribute the finding is about, if any.
    pub attribute: Option<String>,
    /// The relevant attributes before and after the change.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub before: Option<serde_json::Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub after: Option<serde_json::Value>,
}

/// The outcome of a check.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub plan_format_version: String,
    pub terraform_version: String,
    pub rules: Vec<Rule>,
    /// Resource addresses the rules looked at.
    pub resources: Vec<String>,
    pub findings: Vec<Finding>,
}

impl Report {
    pub fn worst(&self) -> Option<Severity> {
        self.findings.iter().map(|f| f.severity).max()
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
    let plan = plan::Plan::parse(text)?;
    let mut rules = rules::catalog();
    rules.push(values::rule());
    let mut findings = rules::evaluate(&plan);
    findings.extend(values::evaluate(&plan));
    findings.extend(policy.custom_findings(&plan));
    if !rego.is_empty() {
        let (rego_rules, rego_findings) = rego.evaluate(text, &plan)?;
        rules.extend(rego_rules);
        findings.extend(rego_findings);
    }
    policy.adjust_rules(&mut rules);
    policy.adjust_findings(&mut findings);
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
    })
}

#[cfg(test)]
mod rego_tests;
#[cfg(test)]
mod tests;
