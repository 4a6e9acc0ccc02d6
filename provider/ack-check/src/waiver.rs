//! Accepted findings: waivers in policy files (`[[waivers]]`: rule, address
//! pattern, reason, `expires`), inline comments on a resource block
//! (`# ack:ignore=RULE reason`, optionally `expires=YYYY-MM-DD` first), and
//! baselines (`--create-baseline FILE` / `--baseline FILE`) keyed by each
//! finding's fingerprint. A suppressed finding stays in every report (SARIF
//! `suppressions`, `baselineState`) but never fails the run; a waiver past
//! its expiry suppresses nothing and is a finding itself (`ACK-WAIVER-001`).

use std::collections::HashSet;

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::source::{Location, SourceMap};
use super::{CheckError, Finding, Rule, Severity};

/// The rule of an expired waiver.
pub const EXPIRED_RULE: &str = "ACK-WAIVER-001";

pub fn expired_rule() -> Rule {
    Rule {
        id: EXPIRED_RULE.into(),
        name: "waiver-expired".into(),
        description: "A waiver (policy file or inline ack:ignore comment) is past its expiry date: fix the finding it accepted or renew the waiver with a new date and reason.".into(),
        severity: Severity::Error,
    }
}

/// A policy file's acceptance of findings.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Waiver {
    /// The rule ID accepted (e.g. `ACK-POL-003`, `main.deny`), or `*` for every rule.
    pub rule: String,
    /// Resource addresses accepted; `*` matches any run of characters (`module.legacy.*`, `ack_cluster.old`).
    pub address: String,
    /// Why the finding is accepted (shown in every report).
    pub reason: String,
    /// Last day the waiver holds, `YYYY-MM-DD` (a quoted string in TOML). After it the finding fails again.
    #[serde(default)]
    pub expires: Option<String>,
    /// The file that defines the waiver (for messages).
    #[serde(skip)]
    pub file: String,
}

impl Waiver {
    /// Checks the fields of a waiver read from `file`.
    pub fn validate(&self, index: usize) -> Result<(), String> {
        let what = format!("waiver {} (rule {:?})", index + 1, self.rule);
        if self.rule.trim().is_empty() || self.address.trim().is_empty() {
            return Err(format!(
                "{what}: give both rule and address (`*` matches everything)"
            ));
        }
        if self.reason.trim().is_empty() {
            return Err(format!(
                "{what}: give a reason, so that the next reader knows why the finding is accepted"
            ));
        }
        if let Some(e) = &self.expires {
            parse_date(e).map_err(|m| format!("{what}: {m}"))?;
        }
        Ok(())
    }
}

fn parse_date(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .map_err(|_| format!("expires {s:?} is not a date; write it as YYYY-MM-DD"))
}

/// How a finding was accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
#[schemars(inline)]
pub enum SuppressionKind {
    /// An `ack:ignore` comment on the resource block.
    Inline,
    /// A `[[waivers]]` entry of a policy file.
    Waiver,
    /// The finding is in the `--baseline` file.
    Baseline,
    /// A conftest `exception` rule of the Rego policies.
    Exception,
}

/// Why a finding does not fail the run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[schemars(inline, deny_unknown_fields)]
pub struct Suppression {
    pub kind: SuppressionKind,
    pub reason: String,
    /// Expiry date of the waiver, if it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
    /// Where the waiver is (an inline comment, or the policy file).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// The stable identity of a finding: rule, address and attribute — not the
/// message or the line, so that editing text or moving a block keeps it.
pub fn fingerprint(f: &Finding) -> String {
    let mut h = Sha256::new();
    h.update(f.rule_id.as_bytes());
    h.update([0]);
    h.update(f.address.as_bytes());
    h.update([0]);
    h.update(f.attribute.as_deref().unwrap_or_default().as_bytes());
    let digest = h.finalize();
    digest[..16].iter().map(|b| format!("{b:02x}")).collect()
}

/// `*` matches any run of characters; everything else matches itself.
pub fn matches(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == text;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !text.starts_with(first) || text.len() < first.len() + last.len() || !text.ends_with(last) {
        return false;
    }
    let mut rest = &text[first.len()..text.len() - last.len()];
    for part in &parts[1..parts.len() - 1] {
        match rest.find(part) {
            Some(i) => rest = &rest[i + part.len()..],
            None => return false,
        }
    }
    true
}

/// The inline `expires=YYYY-MM-DD` token at the start of a reason.
fn split_expiry(reason: &str) -> (Option<&str>, &str) {
    match reason.strip_prefix("expires=") {
        Some(rest) => {
            let (date, reason) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
            (Some(date), reason.trim())
        }
        None => (None, reason),
    }
}

/// Applies inline and policy waivers to `findings` as of `today`, and
/// returns the findings of expired waivers.
pub fn apply(
    findings: &mut [Finding],
    waivers: &[Waiver],
    source: Option<&SourceMap>,
    today: NaiveDate,
) -> Vec<Finding> {
    let mut expired = Vec::new();
    let mut reported: HashSet<(String, String)> = HashSet::new();
    let mut expire = |rule: &str,
                      address: &str,
                      until: &str,
                      at: String,
                      location: Option<Location>| {
        if !reported.insert((rule.to_owned(), at.clone())) {
            return;
        }
        let mut f = Finding {
            rule_id: EXPIRED_RULE.into(),
            severity: Severity::Error,
            address: address.to_owned(),
            message: format!(
                "the waiver of {rule} ({at}) expired on {until}: fix the finding or renew the waiver with a new date and reason"
            ),
            attribute: None,
            before: None,
            after: None,
            location,
            fingerprint: String::new(),
            suppression: None,
        };
        f.fingerprint = fingerprint(&f);
        expired.push(f);
    };
    for f in findings.iter_mut() {
        if f.suppression.is_some() {
            continue;
        }
        let inline = source
            .and_then(|s| s.block(&f.address))
            .into_iter()
            .flat_map(|b| b.waivers.iter())
            .find(|w| w.rule == f.rule_id || w.rule == "*");
        if let Some(w) = inline {
            let (until, reason) = split_expiry(&w.reason);
            let at = format!("{}:{}", w.location.file, w.location.line);
            match until.map(parse_date) {
                Some(Ok(d)) if d < today => {
                    expire(
                        &w.rule,
                        &f.address,
                        until.unwrap_or_default(),
                        at,
                        Some(w.location.clone()),
                    );
                    continue;
                }
                Some(Err(_)) => {
                    expire(
                        &w.rule,
                        &f.address,
                        "an unreadable date (write expires=YYYY-MM-DD)",
                        at,
                        Some(w.location.clone()),
                    );
                    continue;
                }
                _ => {
                    f.suppression = Some(Suppression {
                        kind: SuppressionKind::Inline,
                        reason: if reason.is_empty() {
                            "accepted inline (no reason given)".into()
                        } else {
                            reason.to_owned()
                        },
                        expires: until.map(str::to_owned),
                        source: Some(at),
                    });
                    continue;
                }
            }
        }
        let waiver = waivers
            .iter()
            .find(|w| (w.rule == f.rule_id || w.rule == "*") && matches(&w.address, &f.address));
        if let Some(w) = waiver {
            let until = w.expires.as_deref().and_then(|e| parse_date(e).ok());
            if until.is_some_and(|d| d < today) {
                let at = format!("{} waiver for {}", w.file, w.address);
                expire(
                    &w.rule,
                    &f.address,
                    w.expires.as_deref().unwrap_or_default(),
                    at,
                    None,
                );
            } else {
                f.suppression = Some(Suppression {
                    kind: SuppressionKind::Waiver,
                    reason: w.reason.clone(),
                    expires: w.expires.clone(),
                    source: Some(w.file.clone()),
                });
            }
        }
    }
    expired
}

/// A baseline file: the fingerprints of accepted findings.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    pub version: u32,
    pub findings: Vec<BaselineEntry>,
}

/// One accepted finding (rule and address are for the reader).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BaselineEntry {
    pub fingerprint: String,
    pub rule_id: String,
    pub address: String,
}

impl Baseline {
    /// The findings of a report not otherwise suppressed.
    pub fn of(findings: &[Finding]) -> Baseline {
        let mut findings: Vec<BaselineEntry> = findings
            .iter()
            .filter(|f| f.suppression.is_none())
            .map(|f| BaselineEntry {
                fingerprint: f.fingerprint.clone(),
                rule_id: f.rule_id.clone(),
                address: f.address.clone(),
            })
            .collect();
        findings.sort_by(|a, b| a.fingerprint.cmp(&b.fingerprint));
        findings.dedup_by(|a, b| a.fingerprint == b.fingerprint);
        Baseline {
            version: 1,
            findings,
        }
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default() + "\n"
    }

    /// Reads a baseline written by `--create-baseline`.
    pub fn load(path: &std::path::Path) -> Result<Baseline, CheckError> {
        let shown = path.display().to_string();
        let err = |message: String| CheckError::Baseline {
            path: shown.clone(),
            message,
        };
        let bytes =
            super::read_bounded(path, super::MAX_PLAN_BYTES).map_err(|e| err(e.to_string()))?;
        let b: Baseline = serde_json::from_slice(&bytes).map_err(|e| {
            err(format!(
                "{e}; write a baseline with `check PLAN --create-baseline FILE`"
            ))
        })?;
        if b.version != 1 {
            return Err(err(format!(
                "version {} is not supported (this command writes version 1)",
                b.version
            )));
        }
        Ok(b)
    }

    /// Marks the findings the baseline holds.
    pub fn apply(&self, findings: &mut [Finding]) {
        let known: HashSet<&str> = self
            .findings
            .iter()
            .map(|e| e.fingerprint.as_str())
            .collect();
        for f in findings.iter_mut().filter(|f| f.suppression.is_none()) {
            if known.contains(f.fingerprint.as_str()) {
                f.suppression = Some(Suppression {
                    kind: SuppressionKind::Baseline,
                    reason: "in the baseline".into(),
                    expires: None,
                    source: None,
                });
            }
        }
    }
}
