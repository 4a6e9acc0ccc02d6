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
        stderr(&bad_format).contains("use text, json, sarif, junit, markdown or github"),
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

/// Exit 2 with one line on stderr that says `says`: no panic, no backtrace.
fn refused(o: &Output, says: &str) {
    let err = stderr(o);
    assert_eq!(o.status.code(), Some(2), "{err}{}", stdout(o));
    assert!(err.contains(says), "{err}");
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err}");
    assert!(
        !err.contains("panicked") && !err.contains("backtrace"),
        "{err}"
    );
}

#[test]
#[cfg(unix)]
fn input_that_never_ends_is_refused_by_what_is_read() {
    let dir = tempfile::tempdir().expect("temp dir");
    let plan = dir.path().join("plan.json");
    std::fs::write(&plan, r#"{"format_version":"1.2","resource_changes":[]}"#).expect("write");
    let plan = plan.to_str().expect("utf-8");
    refused(&run(&["check", "/dev/zero"]), "larger than 128 MiB");
    for name in ["zero.toml", "zero.yml", "zero.rego"] {
        let link = dir.path().join(name);
        std::os::unix::fs::symlink("/dev/zero", &link).expect("symlink");
        let o = run(&["check", plan, "--policy", link.to_str().expect("utf-8")]);
        refused(&o, "larger than 4 MiB");
        assert!(stderr(&o).contains(name), "{}", stderr(&o));
    }
}

#[test]
fn rego_that_asks_for_too_much_memory_is_stopped_in_its_own_process() {
    let dir = tempfile::tempdir().expect("temp dir");
    let plan = dir.path().join("plan.json");
    std::fs::write(&plan, r#"{"format_version":"1.2","resource_changes":[]}"#).expect("write");
    let doubling: String = (0..8)
        .map(|i| {
            let (from, to) = (char::from(b'a' + i), char::from(b'b' + i));
            format!(
                "  {to} := concat(\"\", [{}])\n",
                vec![from.to_string(); 16].join(", ")
            )
        })
        .collect();
    let memory = "needed more than 1024 MiB of memory";
    for (name, body, says) in [
        ("range", "count(numbers.range(1, 200000000)) > 0\n".to_owned(), "numbers.range would make 200000000 elements"),
        ("product", "xs := [[a, b] | some a in numbers.range(1, 1000000); some b in numbers.range(1, 1000000)]\n  count(xs) > 0\n".to_owned(), memory),
        ("concat", format!("a := \"{}\"\n{doubling}  count(i) > 0\n", "x".repeat(64)), memory),
        ("sprintf", "count(sprintf(\"%2000000000d\", [1])) > 0\n".to_owned(), memory),
    ] {
        let file = dir.path().join(format!("{name}.rego"));
        std::fs::write(&file, format!("package main\n\ndeny contains \"x\" if {{\n  {body}}}\n")).expect("write");
        let o = run(&["check", plan.to_str().expect("utf-8"), "--policy", file.to_str().expect("utf-8")]);
        refused(&o, says);
    }
}

#[test]
fn malformed_pool_sizes_exit_2() {
    let dir = tempfile::tempdir().expect("temp dir");
    let plan = dir.path().join("plan.json");
    for size in ["\"6000\"", "1e30", "-5", "150.5"] {
        std::fs::write(
            &plan,
            format!(
                r#"{{"format_version":"1.2","resource_changes":[
                  {{"address":"ack_cluster.a","mode":"managed","type":"ack_cluster","name":"a","change":{{"actions":["create"],"after":{{"name":"a","edition":"standard"}}}}}},
                  {{"address":"ack_node_pool.p","mode":"managed","type":"ack_node_pool","name":"p","change":{{"actions":["create"],"after":{{"cluster_name":"a","desired_size":{size}}}}}}}]}}"#
            ),
        )
        .expect("write");
        let o = run(&["check", plan.to_str().expect("utf-8")]);
        refused(&o, "change.after.desired_size is");
    }
}

#[test]
fn check_knows_the_providers_resource_types() {
    let o = run(&["schema"]);
    let schema: serde_json::Value = serde_json::from_slice(&o.stdout).expect("schema JSON");
    let types: Vec<&str> = schema["provider_schemas"]["registry.terraform.io/acklabs/ack"]
        ["resource_schemas"]
        .as_object()
        .expect("resource schemas")
        .keys()
        .map(String::as_str)
        .collect();
    let mut known = ack_check::plan::RESOURCE_TYPES.to_vec();
    let mut types = types;
    known.sort_unstable();
    types.sort_unstable();
    assert_eq!(types, known);
}

#[test]
fn policy_typos_exit_2_naming_file_rule_and_fix() {
    let dir = tempfile::tempdir().expect("temp dir");
    let plan = dir.path().join("plan.json");
    std::fs::write(&plan, r#"{"format_version":"1.2","resource_changes":[]}"#).expect("write");
    let rule = |id: &str, kind: &str, attr: &str| {
        format!("[[custom]]\nid = \"{id}\"\ndescription = \"d\"\nresource_type = \"{kind}\"\nattribute = \"{attr}\"\nmust_be_set = true\n")
    };
    for (name, text, says) in [
        (
            "type.toml",
            rule("ORG-001", "ack_clustr", "name"),
            "\"ack_clustr\" is not a resource type of this provider; use one of",
        ),
        (
            "builtin.toml",
            rule("ACK-POL-003", "ack_cluster", "name"),
            "ACK-POL-003 is a built-in rule",
        ),
        (
            "attr.toml",
            rule("ORG-001", "ack_node_pool", "desired_sise"),
            "ack_node_pool has no attribute \"desired_sise\" (did you mean desired_size?)",
        ),
        (
            "table.toml",
            "[rules.ACK-POL-033]\nenabled = false\n".into(),
            "[rules.ACK-POL-033]: no rule has this ID",
        ),
        (
            "key.yaml",
            "rules:\n  ACK-POL-003:\n    enable: false\n".into(),
            "unknown field `enable`",
        ),
        ("policy.json", "{}".into(), "name it .toml, .yaml or .yml"),
    ] {
        let file = dir.path().join(name);
        std::fs::write(&file, text).expect("write");
        let o = run(&[
            "check",
            plan.to_str().expect("utf-8"),
            "--policy",
            file.to_str().expect("utf-8"),
        ]);
        refused(&o, says);
        assert!(stderr(&o).contains(name), "{}", stderr(&o));
    }
}

#[test]
fn errors_show_control_characters_visibly() {
    let o = run(&["check", "/nonexistent/\u{1b}[2Jplan\n.json"]);
    refused(&o, "/nonexistent/\\u{1b}[2Jplan\\u{a}.json");
    assert!(
        !o.stderr.iter().any(|b| *b < 0x20 && *b != b'\n'),
        "{}",
        stderr(&o)
    );
}

#[test]
fn sensitive_tags_never_reach_the_output() {
    let dir = tempfile::tempdir().expect("temp dir");
    let plan = dir.path().join("plan.json");
    std::fs::write(
        &plan,
        r#"{"format_version":"1.2","resource_changes":[
          {"address":"ack_cluster.a","mode":"managed","type":"ack_cluster","name":"a","change":{"actions":["create"],
           "after":{"name":"a","edition":"standard","tags":{"env":"production","owner":"s3cr3t-owner-token"}},
           "after_sensitive":{"tags":{"owner":true}}}}]}"#,
    )
    .expect("write");
    for format in ["text", "json", "sarif", "junit"] {
        let o = run(&["check", plan.to_str().expect("utf-8"), "--format", format]);
        assert_eq!(o.status.code(), Some(1), "{format}: {}", stderr(&o));
        assert!(!stdout(&o).contains("s3cr3t"), "{format}: {}", stdout(&o));
        // SARIF carries no attribute values, so there is nothing to redact.
        assert!(
            format == "sarif" || stdout(&o).contains("(sensitive value)"),
            "{format}: {}",
            stdout(&o)
        );
    }
}
