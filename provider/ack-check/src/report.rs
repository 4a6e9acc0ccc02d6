//! Report formats: text (with before/after diffs), JSON, SARIF 2.1.0, JUnit,
//! Markdown and GitHub workflow annotations.

mod ci;
mod sarif;

pub use ci::{github, markdown};
pub use sarif::{sarif, FINGERPRINT_KEY};

use std::fmt::Write as _;

use serde_json::Value as Json;

use super::{Finding, Report, Severity};

/// Output formats of `check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
    Sarif,
    Junit,
    Markdown,
    Github,
}

impl Format {
    pub fn parse(s: &str) -> Option<Format> {
        match s {
            "text" => Some(Format::Text),
            "json" => Some(Format::Json),
            "sarif" => Some(Format::Sarif),
            "junit" => Some(Format::Junit),
            "markdown" | "md" => Some(Format::Markdown),
            "github" => Some(Format::Github),
            _ => None,
        }
    }

    /// The names `parse` takes, for messages.
    pub const NAMES: &'static str = "text, json, sarif, junit, markdown or github";
}

pub fn render(r: &Report, f: Format) -> String {
    match f {
        Format::Text => text(r),
        Format::Json => serde_json::to_string_pretty(r).unwrap_or_default() + "\n",
        Format::Sarif => serde_json::to_string_pretty(&sarif(r)).unwrap_or_default() + "\n",
        Format::Junit => junit(r),
        Format::Markdown => markdown(r),
        Format::Github => github(r),
    }
}

/// `s` with every character a terminal or an XML 1.0 document would not
/// show as itself written visibly: control characters (C0 but for none, C1,
/// DEL), the bidirectional overrides that reorder what is shown, and the
/// non-characters U+FFFE/U+FFFF, each as `\u{..}`. Messages and addresses
/// come from the plan and from policies: they must not move the cursor,
/// recolour the terminal, forge report lines or break the JUnit XML.
pub fn visible(s: &str) -> String {
    if !s.chars().any(hidden) {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if hidden(c) {
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    out
}

/// How a suppressed finding was accepted, `waiver: REASON until DATE`,
/// with the reason as `show` writes it.
fn accepted(s: &crate::waiver::Suppression, show: fn(&str) -> String) -> String {
    let until = s
        .expires
        .as_deref()
        .map(|e| format!(" until {e}"))
        .unwrap_or_default();
    let kind = format!("{:?}", s.kind).to_lowercase();
    format!("{kind}: {}{until}", show(&s.reason))
}

fn hidden(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{fffe}' | '\u{ffff}')
}

fn pretty(v: &Option<Json>) -> String {
    v.as_ref()
        .map(|v| serde_json::to_string_pretty(v).unwrap_or_default() + "\n")
        .unwrap_or_default()
}

fn diff(f: &Finding) -> String {
    let (before, after) = (pretty(&f.before), pretty(&f.after));
    if before.is_empty() && after.is_empty() {
        return String::new();
    }
    let d = similar::TextDiff::from_lines(&before, &after);
    let mut out = String::new();
    for change in d.iter_all_changes() {
        let sign = match change.tag() {
            similar::ChangeTag::Delete => "-",
            similar::ChangeTag::Insert => "+",
            similar::ChangeTag::Equal => " ",
        };
        let line = change.as_str().unwrap_or_default();
        let line = line.strip_suffix('\n').unwrap_or(line);
        let _ = writeln!(out, "      {sign} {}", visible(line));
    }
    out
}

fn text(r: &Report) -> String {
    let mut out = String::new();
    let header = |out: &mut String, f: &Finding, label: &str| {
        let at = f
            .attribute
            .as_deref()
            .map(|a| format!(" ({})", visible(a)))
            .unwrap_or_default();
        let place = f
            .location
            .as_ref()
            .map(|l| format!(" at {}:{}", visible(&l.file), l.line))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "{label:<7} {} {}{at}{place}\n    {}",
            visible(&f.rule_id),
            visible(&f.address),
            visible(&f.message)
        );
    };
    for f in r.active() {
        header(&mut out, f, &f.severity.as_str().to_uppercase());
        out.push_str(&diff(f));
    }
    let mut suppressed = 0;
    for f in &r.findings {
        if let Some(s) = &f.suppression {
            suppressed += 1;
            header(&mut out, f, "ACCEPTED");
            let _ = writeln!(out, "    {}", accepted(s, visible));
        }
    }
    let count = |s: Severity| r.active().filter(|f| f.severity == s).count();
    let _ = write!(
        out,
        "{} resource(s) checked against {} rule(s): {} error(s), {} warning(s), {} note(s)",
        r.resources.len(),
        r.rules.len(),
        count(Severity::Error),
        count(Severity::Warning),
        count(Severity::Note)
    );
    if suppressed > 0 {
        let _ = write!(out, ", {suppressed} accepted (waived or in the baseline)");
    }
    out.push('\n');
    out
}

/// Text for an XML 1.0 attribute or element: characters XML 1.0 does not
/// allow (and line breaks, which attribute values would lose) written
/// visibly, then the markup characters escaped.
fn xml(s: &str) -> String {
    xml_markup(&visible(s))
}

fn xml_markup(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&apos;")
}

/// JUnit XML: one test case per rule × resource; a finding fails its case.
/// Findings about no resource of the plan (a Rego policy's message about the
/// plan as a whole) get a case of their own, named by their address.
pub fn junit(r: &Report) -> String {
    let mut cases = String::new();
    let mut failures = 0;
    let mut total = 0;
    let resources: std::collections::HashSet<&str> =
        r.resources.iter().map(String::as_str).collect();
    let mut by_case: std::collections::HashMap<(&str, &str), Vec<&Finding>> =
        std::collections::HashMap::new();
    for f in &r.findings {
        by_case
            .entry((f.rule_id.as_str(), f.address.as_str()))
            .or_default()
            .push(f);
    }
    for rule in &r.rules {
        let mut extra: Vec<&str> = r
            .findings
            .iter()
            .filter(|f| f.rule_id == rule.id && !resources.contains(f.address.as_str()))
            .map(|f| f.address.as_str())
            .collect();
        extra.sort_unstable();
        extra.dedup();
        for addr in r.resources.iter().map(String::as_str).chain(extra) {
            total += 1;
            let _ = write!(
                cases,
                "    <testcase classname=\"{}\" name=\"{}\"",
                xml(&rule.id),
                xml(addr)
            );
            match by_case.get(&(rule.id.as_str(), addr)) {
                None => cases.push_str("/>\n"),
                Some(found) if found.iter().all(|f| f.suppression.is_some()) => {
                    let why: Vec<&str> = found
                        .iter()
                        .filter_map(|f| f.suppression.as_ref().map(|s| s.reason.as_str()))
                        .collect();
                    let _ = writeln!(
                        cases,
                        ">\n      <skipped message=\"accepted: {}\"/>\n    </testcase>",
                        xml(&why.join("; "))
                    );
                }
                Some(found) => {
                    failures += 1;
                    cases.push_str(">\n");
                    for f in found.iter().filter(|f| f.suppression.is_none()) {
                        let _ = writeln!(
                            cases,
                            "      <failure type=\"{}\" message=\"{}\">{}</failure>",
                            f.severity.as_str(),
                            xml(&f.message),
                            // The diff's lines are already visible; its line breaks stay.
                            xml(&f.message) + &xml_markup(&diff(f).replace("      ", "\n"))
                        );
                    }
                    cases.push_str("    </testcase>\n");
                }
            }
        }
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites tests=\"{total}\" failures=\"{failures}\">\n  <testsuite name=\"terraform-provider-ack check\" tests=\"{total}\" failures=\"{failures}\">\n{cases}  </testsuite>\n</testsuites>\n"
    )
}
