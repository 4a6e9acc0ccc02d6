//! The binary's command line, run by hand: help per command, clap's errors,
//! and the exit codes pipelines rely on (0 clean, 1 findings, 2 unusable).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::{Command, Output};

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_terraform-provider-ack"))
        .args(args)
        .env_remove("TF_PLUGIN_MAGIC_COOKIE")
        .output()
        .expect("the binary runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn every_command_has_help() {
    for cmd in [
        &["--help"][..],
        &["check", "--help"],
        &["schema", "--help"],
        &["docs", "--help"],
    ] {
        let o = run(cmd);
        assert!(o.status.success(), "{cmd:?}: {}", stderr(&o));
        assert!(
            stdout(&o).contains("Usage: terraform-provider-ack"),
            "{cmd:?}: {}",
            stdout(&o)
        );
    }
    let check = stdout(&run(&["check", "--help"]));
    for flag in [
        "--format",
        "--policy",
        "--fail-on",
        "--namespace",
        "--all-namespaces",
    ] {
        assert!(check.contains(flag), "check --help names {flag}: {check}");
    }
}

#[test]
fn version_prints_the_crate_version() {
    let o = run(&["--version"]);
    assert!(o.status.success());
    assert_eq!(
        stdout(&o).trim(),
        format!("terraform-provider-ack {}", env!("CARGO_PKG_VERSION"))
    );
    assert_eq!(stdout(&run(&["version"])), stdout(&o));
}

#[test]
fn unusable_input_exits_2_with_the_reason() {
    let missing_plan = run(&["check"]);
    assert_eq!(missing_plan.status.code(), Some(2));
    assert!(
        stderr(&missing_plan).contains("<PLAN>"),
        "{}",
        stderr(&missing_plan)
    );

    let bad_format = run(&["check", "plan.json", "--format", "yaml"]);
    assert_eq!(bad_format.status.code(), Some(2));
    assert!(
        stderr(&bad_format).contains("use text, json, sarif or junit"),
        "{}",
        stderr(&bad_format)
    );

    let unreadable = run(&["check", "/nonexistent/plan.json"]);
    assert_eq!(unreadable.status.code(), Some(2));
    assert!(
        stderr(&unreadable).contains("/nonexistent/plan.json"),
        "{}",
        stderr(&unreadable)
    );

    let unknown = run(&["bogus"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(
        stderr(&unknown).contains("unrecognized subcommand 'bogus'"),
        "{}",
        stderr(&unknown)
    );
}

#[test]
fn a_clean_plan_exits_0_and_findings_exit_1() {
    let dir = tempfile::tempdir().expect("temp dir");
    let plan = dir.path().join("plan.json");
    let standard_with_backups = r#"{"format_version":"1.2","resource_changes":[
      {"address":"ack_cluster.a","mode":"managed","type":"ack_cluster","name":"a","change":{"actions":["create"],"after":{"name":"a","edition":"standard"}}},
      {"address":"ack_backup_policy.a","mode":"managed","type":"ack_backup_policy","name":"a","change":{"actions":["create"],"after":{"cluster_name":"a"}}}]}"#;
    std::fs::write(&plan, r#"{"format_version":"1.2","resource_changes":[]}"#).expect("write");
    let clean = run(&["check", plan.to_str().expect("utf-8")]);
    assert_eq!(
        clean.status.code(),
        Some(0),
        "{}{}",
        stdout(&clean),
        stderr(&clean)
    );

    std::fs::write(&plan, standard_with_backups).expect("write");
    let findings = run(&["check", plan.to_str().expect("utf-8"), "--format", "json"]);
    assert_eq!(
        findings.status.code(),
        Some(1),
        "{}{}",
        stdout(&findings),
        stderr(&findings)
    );
    assert!(
        stdout(&findings).trim_start().starts_with('{'),
        "{}",
        stdout(&findings)
    );
}
