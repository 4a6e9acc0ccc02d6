//! Source locations, waivers, baselines, Terraform checks, Rego wrappings,
//! conftest exceptions and data files, and the CI formats.

use serde_json::json;

use super::source::{config_address, SourceMap};
use super::waiver::{matches, Baseline, SuppressionKind};
use super::*;

const PLAN: &str = r#"{"format_version":"1.2","resource_changes":[
 {"address":"ack_cluster.a","mode":"managed","type":"ack_cluster","name":"a","change":{"actions":["create"],"after":{"name":"a","edition":"standard","tags":{"environment":"production"}}}},
 {"address":"ack_cluster.b","mode":"managed","type":"ack_cluster","name":"b","change":{"actions":["create"],"after":{"name":"b","edition":"pro","deletion_protection":false}}},
 {"address":"module.pools[\"x\"].ack_backup_policy.bp","mode":"managed","type":"ack_backup_policy","name":"bp","change":{"actions":["create"],"after":{"cluster_name":"a"}}}],
 "checks":[{"address":{"kind":"check","name":"health","to_display":"check.health"},"status":"fail","instances":[{"address":{"to_display":"check.health"},"status":"fail","problems":[{"message":"endpoint not healthy"}]}]},
           {"address":{"kind":"check","name":"ok","to_display":"check.ok"},"status":"pass","instances":[]}]}"#;

fn config() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("main.tf"),
        "resource \"ack_cluster\" \"a\" {\n  name    = \"a\"\n  edition = \"standard\"\n}\n\n# ack:ignore=ACK-POL-003 legacy cluster\nresource \"ack_cluster\" \"b\" {\n  name = \"b\"\n  deletion_protection = false # ack:ignore=ACK-POL-004 expires=2000-01-01 old\n}\n\nmodule \"pools\" {\n  source = \"./modules/pools\"\n}\n\ncheck \"health\" {\n}\n",
    )
    .unwrap();
    std::fs::create_dir_all(dir.path().join("modules/pools")).unwrap();
    std::fs::write(
        dir.path().join("modules/pools/pools.tf"),
        "\n\nresource \"ack_backup_policy\" \"bp\" {\n  cluster_name = \"a\"\n}\n",
    )
    .unwrap();
    dir
}

fn options(dir: &std::path::Path) -> Options {
    Options {
        source: Some(SourceMap::load(dir)),
        baseline: None,
        today: chrono::NaiveDate::from_ymd_opt(2026, 6, 1).unwrap(),
    }
}

fn base(dir: &std::path::Path) -> String {
    let cwd = std::env::current_dir().unwrap();
    let d = std::fs::canonicalize(dir).unwrap();
    match d.strip_prefix(std::fs::canonicalize(cwd).unwrap()) {
        Ok(rel) => rel.to_string_lossy().into_owned() + "/",
        Err(_) => d.to_string_lossy().into_owned() + "/",
    }
}

/// The report on `plan` under `policy` (no Rego policies) and `opts`.
fn run(plan: &str, policy: &policy::Policy, opts: &Options) -> Report {
    check_full(plan, policy, &rego::RegoPolicies::default(), opts).unwrap()
}

/// The report on `PLAN` with source locations from the configuration in
/// `dir`.
fn located(dir: &std::path::Path) -> Report {
    run(PLAN, &policy::Policy::default(), &options(dir))
}

/// The first finding of `rule`.
fn finding<'a>(r: &'a Report, rule: &str) -> &'a Finding {
    r.findings.iter().find(|f| f.rule_id == rule).unwrap()
}

#[test]
fn findings_point_at_the_block_or_attribute_through_module_calls() {
    let dir = config();
    let r = located(dir.path());
    let b = base(dir.path());
    let at = |rule: &str| {
        r.findings
            .iter()
            .find(|f| f.rule_id == rule)
            .and_then(|f| f.location.clone())
            .map(|l| (l.file, l.line))
    };
    assert_eq!(
        at("ACK-POL-002"),
        Some((format!("{b}main.tf"), 3)),
        "attribute line"
    );
    assert_eq!(
        at("ACK-TIER-001"),
        Some((format!("{b}modules/pools/pools.tf"), 4)),
        "module block attribute"
    );
    assert_eq!(
        at("ACK-TF-001"),
        Some((format!("{b}main.tf"), 16)),
        "check block"
    );
    assert_eq!(
        config_address("module.a[\"x]\"].ack_x.y[0]"),
        "module.a.ack_x.y"
    );
}

#[test]
fn inline_waivers_suppress_and_expired_ones_are_findings() {
    let dir = config();
    let r = located(dir.path());
    let pol3 = finding(&r, "ACK-POL-003");
    let s = pol3.suppression.as_ref().unwrap();
    assert_eq!(
        (s.kind, s.reason.as_str()),
        (SuppressionKind::Inline, "legacy cluster")
    );
    let pol4 = finding(&r, "ACK-POL-004");
    assert!(
        pol4.suppression.is_none(),
        "an expired waiver suppresses nothing"
    );
    let expired = finding(&r, waiver::EXPIRED_RULE);
    assert!(
        expired.message.contains("expired on 2000-01-01"),
        "{}",
        expired.message
    );
    assert_eq!(expired.location.as_ref().unwrap().line, 9);
}

#[test]
fn policy_waivers_match_patterns_until_they_expire() {
    let waivers = |expires: &str| {
        policy::Policy::parse(
            "w.toml",
            &format!("[[waivers]]\nrule = \"ACK-TIER-*\"\naddress = \"module.pools*\"\nreason = \"moving to pro\"\nexpires = \"{expires}\"\n"),
        )
        .unwrap()
    };
    let opts = Options {
        today: chrono::NaiveDate::from_ymd_opt(2026, 6, 1).unwrap(),
        ..Options::default()
    };
    let r = run(PLAN, &waivers("2026-06-01"), &opts);
    let tier = finding(&r, "ACK-TIER-001");
    // rule patterns are exact IDs or `*`: ACK-TIER-* is not a pattern of rules.
    assert!(tier.suppression.is_none());
    let p = policy::Policy::parse("w.toml", "[[waivers]]\nrule = \"ACK-TIER-001\"\naddress = \"module.pools*\"\nreason = \"moving to pro\"\nexpires = \"2026-06-01\"\n").unwrap();
    let r = run(PLAN, &p, &opts);
    let tier = finding(&r, "ACK-TIER-001");
    assert_eq!(
        tier.suppression.as_ref().unwrap().kind,
        SuppressionKind::Waiver
    );
    let later = Options {
        today: chrono::NaiveDate::from_ymd_opt(2026, 6, 2).unwrap(),
        ..Options::default()
    };
    let r = run(PLAN, &p, &later);
    assert!(r.findings.iter().any(|f| f.rule_id == waiver::EXPIRED_RULE));
    assert!(finding(&r, "ACK-TIER-001").suppression.is_none());
    for bad in ["expires = \"next year\"", "reason = \"\""] {
        let text = format!(
            "[[waivers]]\nrule = \"X\"\naddress = \"*\"\n{}\n",
            if bad.starts_with("reason") {
                bad.to_owned()
            } else {
                format!("reason = \"r\"\n{bad}")
            }
        );
        assert!(policy::Policy::parse("w.toml", &text).is_err(), "{bad}");
    }
    assert!(matches("module.*.ack_*.x", "module.a.ack_cluster.x"));
    assert!(!matches("ack_cluster.a", "ack_cluster.ab"));
}

#[test]
fn a_baseline_accepts_known_findings_only() {
    let r = check(PLAN, &policy::Policy::default()).unwrap();
    let baseline = Baseline::of(&r.findings);
    assert!(!baseline.findings.is_empty());
    let text = baseline.to_json();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("b.json");
    std::fs::write(&path, &text).unwrap();
    let loaded = Baseline::load(&path).unwrap();
    let opts = Options {
        baseline: Some(loaded),
        ..Options::default()
    };
    let r2 = run(PLAN, &policy::Policy::default(), &opts);
    assert_eq!(r2.worst(), None, "every finding is in the baseline");
    let more = PLAN.replace(
        "\"edition\":\"pro\",\"deletion_protection\":false",
        "\"edition\":\"standard\",\"tags\":{\"environment\":\"production\"}",
    );
    let r3 = run(&more, &policy::Policy::default(), &opts);
    let new: Vec<_> = r3
        .active()
        .map(|f| (f.rule_id.as_str(), f.address.as_str()))
        .collect();
    assert_eq!(new, vec![("ACK-POL-002", "ack_cluster.b")]);
    let sarif = report::sarif(&r3);
    let states: Vec<_> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["baselineState"].as_str().unwrap())
        .collect();
    assert!(states.contains(&"new") && states.contains(&"unchanged"));
    std::fs::write(&path, "{\"version\": 7, \"findings\": []}").unwrap();
    assert!(Baseline::load(&path)
        .unwrap_err()
        .to_string()
        .contains("version 7"));
}

#[test]
fn failed_terraform_checks_are_findings() {
    let r = check(PLAN, &policy::Policy::default()).unwrap();
    let checks: Vec<_> = r
        .findings
        .iter()
        .filter(|f| f.rule_id == tfchecks::RULE)
        .collect();
    assert_eq!(checks.len(), 1);
    assert_eq!(checks[0].address, "check.health");
    assert!(checks[0].message.contains("endpoint not healthy"));
}

#[test]
fn the_same_rego_policy_runs_under_three_input_wrappings() {
    let body = |path: &str| {
        format!("package main\n\ndeny contains msg if {{\n  some rc in {path}.resource_changes\n  rc.type == \"ack_cluster\"\n  rc.change.after.edition != \"pro\"\n  msg := sprintf(\"%s: not pro\", [rc.address])\n}}\n")
    };
    let mut seen = Vec::new();
    for path in ["input", "input.plan", "input.terraform"] {
        let mut rego = rego::RegoPolicies::new();
        rego.add_source("p.rego", &body(path)).unwrap();
        let r = check_with(PLAN, &policy::Policy::default(), &rego).unwrap();
        let found: Vec<_> = r
            .findings
            .iter()
            .filter(|f| f.rule_id == "main.deny")
            .map(|f| f.address.clone())
            .collect();
        seen.push(found);
    }
    assert_eq!(seen[0], vec!["ack_cluster.a".to_owned()]);
    assert!(seen.iter().all(|s| *s == seen[0]), "{seen:?}");
}

#[test]
fn conftest_exceptions_and_data_files_work() {
    let mut rego = rego::RegoPolicies::new();
    rego.add_data("owners.json", json!({"allowed_editions": ["pro"]}))
        .unwrap();
    rego.add_source(
        "p.rego",
        "package main\n\ndeny_edition contains msg if {\n  some rc in input.resource_changes\n  rc.type == \"ack_cluster\"\n  not rc.change.after.edition in data.allowed_editions\n  msg := sprintf(\"%s: edition\", [rc.address])\n}\n\nwarn_x contains \"x\" if { true }\n\nexception contains rules if {\n  rules := [\"x\"]\n}\n",
    )
    .unwrap();
    let r = check_with(PLAN, &policy::Policy::default(), &rego).unwrap();
    let edition: Vec<_> = r
        .findings
        .iter()
        .filter(|f| f.rule_id == "main.deny_edition")
        .collect();
    assert_eq!(edition.len(), 1);
    assert!(edition[0].suppression.is_none());
    let x = finding(&r, "main.warn_x");
    assert_eq!(
        x.suppression.as_ref().unwrap().kind,
        SuppressionKind::Exception
    );
    assert!(rego.add_data("bad.json", json!([1])).is_err());
    assert!(rego.add_data("ack.json", json!({"ack": 1})).is_err());
}

#[test]
fn sarif_has_what_code_scanning_needs() {
    let dir = config();
    let mut r = located(dir.path());
    r.context.plan_file = Some("plan.json".into());
    r.context.category = Some("infra/prod".into());
    let s = report::sarif(&r);
    let run = &s["runs"][0];
    assert_eq!(run["automationDetails"]["id"], "infra/prod/");
    for rule in run["tool"]["driver"]["rules"].as_array().unwrap() {
        assert!(rule["help"]["text"].is_string() && rule["help"]["markdown"].is_string());
    }
    for res in run["results"].as_array().unwrap() {
        let phys = &res["locations"][0]["physicalLocation"];
        assert!(phys["artifactLocation"]["uri"].is_string(), "{res}");
        assert!(phys["region"]["startLine"].as_u64().unwrap() >= 1);
        assert_eq!(
            res["partialFingerprints"][report::FINGERPRINT_KEY]
                .as_str()
                .unwrap()
                .len(),
            32
        );
    }
    let suppressed = run["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ruleId"] == "ACK-POL-003")
        .unwrap();
    assert_eq!(suppressed["suppressions"][0]["kind"], "inSource");
    // Fingerprints do not depend on the line or the message.
    let r2 = check(PLAN, &policy::Policy::default()).unwrap();
    let fp = |r: &Report| finding(r, "ACK-POL-002").fingerprint.clone();
    assert_eq!(fp(&r), fp(&r2));
}

#[test]
fn markdown_and_github_annotations() {
    let dir = config();
    let r = located(dir.path());
    let md = report::markdown(&r);
    assert!(
        md.contains("| severity | rule | resource | where | message |"),
        "{md}"
    );
    assert!(md.contains("suppressed finding(s)"), "{md}");
    let gh = report::github(&r);
    let b = base(dir.path());
    assert!(
        gh.contains(&format!(
            "::error file={},line=3,title=ACK-POL-002::ack_cluster.a: ",
            b.replace(':', "%3A").trim_end_matches('/').to_owned() + "/main.tf"
        )),
        "{gh}"
    );
    assert!(
        !gh.contains("ACK-POL-003"),
        "suppressed findings are not annotated: {gh}"
    );
    assert!(gh.lines().all(|l| l.starts_with("::")), "{gh}");
}
