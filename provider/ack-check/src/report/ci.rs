//! Formats for CI front ends: Markdown (pull-request comments, GitHub job
//! summaries) and GitHub workflow commands (annotations on the file and
//! line of each finding).

use std::fmt::Write as _;

use super::super::{Finding, Report, Severity};
use super::{accepted, visible};

fn cell(s: &str) -> String {
    visible(s)
        .replace('|', "\\|")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn place(f: &Finding) -> String {
    f.location
        .as_ref()
        .map(|l| format!("`{}:{}`", cell(&l.file), l.line))
        .unwrap_or_default()
}

/// A Markdown summary: counts, then a table of the findings that count,
/// then the suppressed ones folded away.
pub fn markdown(r: &Report) -> String {
    let mut out = String::from("### terraform-provider-ack check\n\n");
    let count = |s: Severity| r.active().filter(|f| f.severity == s).count();
    let suppressed = r.findings.len() - r.active().count();
    let (errors, warnings, notes) = (
        count(Severity::Error),
        count(Severity::Warning),
        count(Severity::Note),
    );
    let verdict = if errors + warnings + notes == 0 {
        ":white_check_mark: no findings"
    } else if errors > 0 {
        ":x: findings"
    } else {
        ":warning: findings"
    };
    let _ = writeln!(
        out,
        "{verdict}: {} resource(s) checked against {} rule(s): **{errors}** error(s), **{warnings}** warning(s), **{notes}** note(s), {suppressed} suppressed\n",
        r.resources.len(),
        r.rules.len()
    );
    let row = |out: &mut String, f: &Finding, extra: &str| {
        let _ = writeln!(
            out,
            "| {} | `{}` | `{}` | {} | {}{extra} |",
            f.severity.as_str(),
            cell(&f.rule_id),
            cell(&f.address),
            place(f),
            cell(&f.message)
        );
    };
    if r.active().next().is_some() {
        out.push_str("| severity | rule | resource | where | message |\n|---|---|---|---|---|\n");
        for f in r.active() {
            row(&mut out, f, "");
        }
        out.push('\n');
    }
    if suppressed > 0 {
        let _ = writeln!(
            out,
            "<details><summary>{suppressed} suppressed finding(s)</summary>\n\n| severity | rule | resource | where | message |\n|---|---|---|---|---|"
        );
        for f in r.findings.iter() {
            if let Some(s) = &f.suppression {
                let why = format!(" — *{}*", accepted(s, cell));
                row(&mut out, f, &why);
            }
        }
        out.push_str("\n</details>\n");
    }
    out
}

/// Escapes the data of a workflow command.
fn data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property of a workflow command.
fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}

/// GitHub workflow commands: one `::error`/`::warning`/`::notice` line per
/// finding that counts, with file and line when the finding has them.
pub fn github(r: &Report) -> String {
    let mut out = String::new();
    for f in r.active() {
        let command = match f.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "notice",
        };
        let mut props = vec![format!("title={}", property(&visible(&f.rule_id)))];
        if let Some(l) = &f.location {
            props.insert(0, format!("file={},line={}", property(&l.file), l.line));
        }
        let _ = writeln!(
            out,
            "::{command} {}::{}",
            props.join(","),
            data(&visible(&format!("{}: {}", f.address, f.message)))
        );
    }
    out
}
