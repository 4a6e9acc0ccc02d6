//! Terraform's own checks: `check` blocks, preconditions, postconditions and
//! variable validations whose results the plan JSON lists in `checks`.
//! Terraform only warns about a failed `check` block; here every entry whose
//! status is `fail` or `error` is a finding (`ACK-TF-001`), so that it is
//! read in the pipeline.

use serde_json::Value as Json;

use super::{Finding, Rule, Severity};

/// The rule of a failed Terraform check.
pub const RULE: &str = "ACK-TF-001";

pub fn rule() -> Rule {
    Rule {
        id: RULE.into(),
        name: "terraform-check-failed".into(),
        description: "A Terraform check block, precondition, postcondition or variable validation failed or could not be evaluated in the plan (the plan JSON's checks array); Terraform itself only warns about a failed check block.".into(),
        severity: Severity::Error,
    }
}

fn display(v: &Json) -> Option<&str> {
    v.get("address")?.get("to_display")?.as_str()
}

/// One finding per failed instance (or per failed check without instances).
pub fn evaluate(root: &Json) -> Vec<Finding> {
    let mut out = Vec::new();
    for check in root
        .get("checks")
        .and_then(Json::as_array)
        .into_iter()
        .flatten()
    {
        let failed = |v: &Json| {
            matches!(
                v.get("status").and_then(Json::as_str),
                Some("fail" | "error")
            )
        };
        if !failed(check) {
            continue;
        }
        let kind = check
            .get("address")
            .and_then(|a| a.get("kind"))
            .and_then(Json::as_str)
            .unwrap_or("check");
        let name = display(check).unwrap_or("check").to_owned();
        let instances: Vec<&Json> = check
            .get("instances")
            .and_then(Json::as_array)
            .into_iter()
            .flatten()
            .filter(|i| failed(i))
            .collect();
        let mut push = |address: String, status: &str, problems: Vec<String>| {
            let what = match kind {
                "check" => "check block",
                "resource" => "resource condition",
                "output_value" => "output precondition",
                "var" => "variable validation",
                other => other,
            };
            let verb = if status == "error" {
                "could not be evaluated"
            } else {
                "failed"
            };
            let message = if problems.is_empty() {
                format!("Terraform {what} {verb}")
            } else {
                format!("Terraform {what} {verb}: {}", problems.join("; "))
            };
            out.push(Finding {
                rule_id: RULE.into(),
                severity: Severity::Error,
                address,
                message,
                attribute: None,
                before: None,
                after: None,
                location: None,
                fingerprint: String::new(),
                suppression: None,
            });
        };
        if instances.is_empty() {
            let status = check.get("status").and_then(Json::as_str).unwrap_or("fail");
            push(name.clone(), status, Vec::new());
        }
        for i in instances {
            let problems = i
                .get("problems")
                .and_then(Json::as_array)
                .into_iter()
                .flatten()
                .filter_map(|p| p.get("message").and_then(Json::as_str).map(str::to_owned))
                .collect();
            let status = i.get("status").and_then(Json::as_str).unwrap_or("fail");
            push(display(i).unwrap_or(&name).to_owned(), status, problems);
        }
    }
    out
}
