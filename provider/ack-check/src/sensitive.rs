//! Values Terraform marked sensitive never reach a report.
//!
//! The plan JSON keeps sensitive values in clear, and says which they are:
//! `before_sensitive` / `after_sensitive` of a change and `sensitive_values`
//! of a state resource mirror the value with `true` at sensitive leaves (or
//! `true` for a whole attribute), and a root module variable declared
//! `sensitive = true` has its value under `variables`. Findings show values
//! in their before/after attributes (redacted by those masks) and may echo
//! them in messages — built-in, policy-file and Rego messages alike — so
//! every sensitive string of the plan is also replaced wherever a finding's
//! text contains it.

use serde_json::Value as Json;

use super::plan::Plan;
use super::Finding;

/// What a sensitive value is shown as.
pub const REDACTED: &str = "(sensitive value)";

/// Shortest sensitive string replaced inside messages: shorter ones (`a`,
/// `1`) would blank out ordinary words. Attribute values are redacted by
/// the masks whatever their length.
pub const MIN_SCRUBBED_LEN: usize = 3;

/// Sensitive strings of the plan, longest first (so that a secret that
/// contains another is replaced whole).
pub(crate) fn collect(root: &Json) -> Vec<String> {
    let mut out = Vec::new();
    for c in root
        .get("resource_changes")
        .and_then(Json::as_array)
        .into_iter()
        .flatten()
    {
        let change = c.get("change").unwrap_or(&Json::Null);
        for (v, m) in [("before", "before_sensitive"), ("after", "after_sensitive")] {
            leaves(
                change.get(v).unwrap_or(&Json::Null),
                change.get(m).unwrap_or(&Json::Null),
                &mut out,
                0,
            );
        }
    }
    for state in [
        root.get("prior_state").and_then(|s| s.get("values")),
        root.get("planned_values"),
    ] {
        state_leaves(state.and_then(|v| v.get("root_module")), &mut out);
    }
    let declared = root
        .get("configuration")
        .and_then(|c| c.get("root_module"))
        .and_then(|m| m.get("variables"))
        .and_then(Json::as_object);
    for (name, v) in root
        .get("variables")
        .and_then(Json::as_object)
        .into_iter()
        .flatten()
    {
        let sensitive = declared
            .and_then(|d| d.get(name))
            .and_then(|d| d.get("sensitive"))
            == Some(&Json::Bool(true));
        if sensitive {
            leaves(
                v.get("value").unwrap_or(&Json::Null),
                &Json::Bool(true),
                &mut out,
                0,
            );
        }
    }
    out.retain(|s| !s.is_empty());
    out.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
    out.dedup();
    out
}

fn state_leaves(module: Option<&Json>, out: &mut Vec<String>) {
    for r in crate::plan::state_resources(module) {
        leaves(
            r.get("values").unwrap_or(&Json::Null),
            r.get("sensitive_values").unwrap_or(&Json::Null),
            out,
            0,
        );
    }
}

/// Strings of `value` where `mask` says sensitive.
fn leaves(value: &Json, mask: &Json, out: &mut Vec<String>, depth: usize) {
    if depth > 128 {
        return;
    }
    match (value, mask) {
        (_, Json::Bool(true)) => all_strings(value, out, depth),
        (Json::Object(v), Json::Object(m)) => {
            for (k, x) in v {
                if let Some(mk) = m.get(k) {
                    leaves(x, mk, out, depth + 1);
                }
            }
        }
        (Json::Array(v), Json::Array(m)) => {
            for (x, mk) in v.iter().zip(m) {
                leaves(x, mk, out, depth + 1);
            }
        }
        _ => {}
    }
}

fn all_strings(value: &Json, out: &mut Vec<String>, depth: usize) {
    if depth > 128 {
        return;
    }
    match value {
        Json::String(s) => out.push(s.clone()),
        Json::Number(n) => out.push(n.to_string()),
        Json::Array(a) => a.iter().for_each(|x| all_strings(x, out, depth + 1)),
        Json::Object(o) => o.values().for_each(|x| all_strings(x, out, depth + 1)),
        _ => {}
    }
}

/// `value` with the leaves `mask` marks replaced by [`REDACTED`].
pub(crate) fn redact(value: &mut Json, mask: &Json) {
    match (value, mask) {
        (v, Json::Bool(true)) if !v.is_null() => *v = Json::String(REDACTED.into()),
        (Json::Object(v), Json::Object(m)) => {
            for (k, x) in v.iter_mut() {
                if let Some(mk) = m.get(k) {
                    redact(x, mk);
                }
            }
        }
        (Json::Array(v), Json::Array(m)) => {
            for (x, mk) in v.iter_mut().zip(m) {
                redact(x, mk);
            }
        }
        _ => {}
    }
}

/// `text` with every sensitive string of the plan replaced.
pub(crate) fn scrub(text: &str, secrets: &[String]) -> String {
    let mut text = text.to_owned();
    for s in secrets
        .iter()
        .filter(|s| s.chars().count() >= MIN_SCRUBBED_LEN)
    {
        if text.contains(s.as_str()) {
            text = text.replace(s.as_str(), REDACTED);
        }
    }
    text
}

fn scrub_json(value: &mut Json, secrets: &[String]) {
    match value {
        Json::String(s) => {
            let scrubbed = scrub(s, secrets);
            if scrubbed != *s {
                *s = scrubbed;
            }
        }
        Json::Number(n) if secrets.iter().any(|s| *s == n.to_string()) => {
            *value = Json::String(REDACTED.into());
        }
        Json::Array(a) => a.iter_mut().for_each(|x| scrub_json(x, secrets)),
        Json::Object(o) => o.values_mut().for_each(|x| scrub_json(x, secrets)),
        _ => {}
    }
}

/// Redacts every finding: before/after by the change's masks, then every
/// text by the plan's sensitive strings.
pub(crate) fn redact_findings(plan: &Plan, findings: &mut [Finding]) {
    if plan.secrets.is_empty() {
        return;
    }
    for f in findings {
        if let Some(c) = plan.change(&f.address) {
            if let Some(b) = f.before.as_mut() {
                redact(b, &c.before_sensitive);
            }
            if let Some(a) = f.after.as_mut() {
                redact(a, &c.after_sensitive);
            }
        }
        for v in [f.before.as_mut(), f.after.as_mut()].into_iter().flatten() {
            scrub_json(v, &plan.secrets);
        }
        f.message = scrub(&f.message, &plan.secrets);
        if let Some(a) = f.attribute.as_mut() {
            *a = scrub(a, &plan.secrets);
        }
    }
}
