//! SARIF 2.1.0 in the shape GitHub code scanning reads: every result has a
//! `physicalLocation` (the `.tf` file and line with a source root, else the
//! plan file), `partialFingerprints` from rule, address and attribute, the
//! rules carry `help` (text and markdown), and the run its category.

use serde_json::{json, Value as Json};

use super::super::waiver::SuppressionKind;
use super::super::{Finding, Report, Rule, Severity};

/// Key of the fingerprint in `partialFingerprints`.
pub const FINGERPRINT_KEY: &str = "ackFinding/v1";

const HELP_URI: &str =
    "https://registry.terraform.io/providers/acklabs/ack/latest/docs/guides/pipelines";

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}

/// GitHub's `security-severity` (0–10) for a severity.
fn security_severity(s: Severity) -> &'static str {
    match s {
        Severity::Error => "7.0",
        Severity::Warning => "4.0",
        Severity::Note => "1.0",
    }
}

fn help(rule: &Rule) -> (String, String) {
    let accept = format!(
        "To accept a finding, add a waiver to a policy file ([[waivers]] rule = \"{id}\", address, reason, expires) or a comment on the resource block: # ack:ignore={id} reason.",
        id = rule.id
    );
    let text = format!("{}\n\n{accept}", rule.description);
    let markdown = format!(
        "**{}** ({})\n\n{}\n\nTo accept a finding, add a waiver to a policy file:\n\n```toml\n[[waivers]]\nrule = \"{}\"\naddress = \"ack_cluster.example\"\nreason = \"why it is accepted\"\nexpires = \"2030-01-01\"\n```\n\nor a comment on the resource block: `# ack:ignore={} reason`. See the [pipelines guide]({HELP_URI}).",
        rule.id, rule.name, rule.description, rule.id, rule.id
    );
    (text, markdown)
}

fn rule_json(rule: &Rule) -> Json {
    let (text, markdown) = help(rule);
    let mut tags = vec!["terraform", "iac", "ack"];
    if rule.id.starts_with("ACK-TIER") {
        tags.push("tier-rule");
    } else if rule.id.starts_with("ACK-") {
        tags.push("policy");
    } else {
        tags.push("custom");
    }
    json!({
        "id": rule.id,
        "name": rule.name,
        "shortDescription": { "text": rule.description },
        "fullDescription": { "text": rule.description },
        "defaultConfiguration": { "level": level(rule.severity) },
        "help": { "text": text, "markdown": markdown },
        "helpUri": HELP_URI,
        "properties": {
            "tags": tags,
            "precision": "very-high",
            "problem.severity": match rule.severity { Severity::Error => "error", Severity::Warning => "warning", Severity::Note => "recommendation" },
            "security-severity": security_severity(rule.severity),
        },
    })
}

/// The artifact of a path: relative paths are resolved against
/// `%SRCROOT%` (the checkout, where the command ran), absolute ones are
/// file URIs.
fn artifact(path: &str) -> Json {
    if path.starts_with('/') {
        json!({ "uri": format!("file://{}", uri_path(path)) })
    } else {
        json!({ "uri": uri_path(path), "uriBaseId": "%SRCROOT%" })
    }
}

/// Percent-encodes what a URI path may not hold as itself.
fn uri_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~!$&'()*+,;=:@".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn location(f: &Finding, plan_file: Option<&str>) -> Json {
    let mut loc = json!({
        "logicalLocations": [{ "fullyQualifiedName": f.address, "kind": "resource" }],
    });
    match (&f.location, plan_file) {
        (Some(l), _) => {
            loc["physicalLocation"] = json!({
                "artifactLocation": artifact(&l.file),
                "region": { "startLine": l.line },
            });
        }
        (None, Some(plan)) => {
            loc["physicalLocation"] = json!({
                "artifactLocation": artifact(plan),
                "region": { "startLine": 1 },
            });
        }
        (None, None) => {}
    }
    if let Some(a) = &f.attribute {
        loc["properties"] = json!({ "attribute": a });
    }
    loc
}

fn result(r: &Report, f: &Finding) -> Json {
    let mut res = json!({
        "ruleId": f.rule_id,
        "level": level(f.severity),
        "message": { "text": format!("{}: {}", f.address, f.message) },
        "locations": [location(f, r.context.plan_file.as_deref())],
        "partialFingerprints": { FINGERPRINT_KEY: f.fingerprint },
    });
    if let Some(i) = r.rules.iter().position(|x| x.id == f.rule_id) {
        res["ruleIndex"] = json!(i);
    }
    if let Some(s) = &f.suppression {
        if s.kind == SuppressionKind::Baseline {
            res["baselineState"] = json!("unchanged");
        } else {
            let mut justification = s.reason.clone();
            if let Some(e) = &s.expires {
                justification.push_str(&format!(" (until {e})"));
            }
            res["suppressions"] = json!([{
                "kind": if matches!(s.kind, SuppressionKind::Inline | SuppressionKind::Exception) { "inSource" } else { "external" },
                "status": "accepted",
                "justification": justification,
            }]);
        }
    } else if r.context.baseline {
        res["baselineState"] = json!("new");
    }
    res
}

/// SARIF 2.1.0: one run, the rules as driver metadata, each finding with its
/// file and line, the resource address as a logical location.
pub fn sarif(r: &Report) -> Json {
    let rules: Vec<Json> = r.rules.iter().map(rule_json).collect();
    let results: Vec<Json> = r.findings.iter().map(|f| result(r, f)).collect();
    let category = r
        .context
        .category
        .clone()
        .unwrap_or_else(|| "terraform-provider-ack".into());
    let mut run = json!({
        "tool": { "driver": {
            "name": "terraform-provider-ack check",
            "version": env!("CARGO_PKG_VERSION"),
            "semanticVersion": env!("CARGO_PKG_VERSION"),
            "informationUri": "https://registry.terraform.io/providers/acklabs/ack",
            "rules": rules,
        }},
        "automationDetails": { "id": format!("{category}/") },
        "columnKind": "unicodeCodePoints",
        "results": results,
    });
    if let Ok(dir) = std::env::current_dir() {
        let mut uri = format!("file://{}", uri_path(&dir.to_string_lossy()));
        if !uri.ends_with('/') {
            uri.push('/');
        }
        run["originalUriBaseIds"] = json!({ "%SRCROOT%": { "uri": uri } });
    }
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [run],
    })
}
