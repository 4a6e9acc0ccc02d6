//! Provider-defined functions under a real terraform: answers from the
//! edition catalog in `terraform console`, in outputs and in variable
//! validation, with no provider configuration, no credentials and no API.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use acceptance_tests::{hcl, workdir, REQUIRED_PROVIDERS};

/// Output with terraform's box drawing and line wrapping folded away.
fn fold(s: &str) -> String {
    s.replace(['│', '╷', '╵'], " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// A module that asks the provider's catalog: the documented example of
/// `supports` (its edition variable, `batch_cluster_edition`, refuses an
/// edition without gang scheduling), and more below.
fn module() -> String {
    format!("{}{MORE}", hcl::example("functions/supports/function.tf"))
}

const MORE: &str = r#"
variable "target_version" {
  type    = string
  default = "1.32.1-aliyun.1"
  validation {
    condition     = length(provider::ack::upgrade_path("1.30.7-aliyun.1", var.target_version)) <= 2
    error_message = "Upgrade at most two minor versions per change window."
  }
}

output "sla" {
  value = provider::ack::edition(var.batch_cluster_edition).sla
}

output "max_nodes" {
  value = provider::ack::edition(var.batch_cluster_edition).max_nodes
}

output "path" {
  value = provider::ack::upgrade_path("1.28.15-aliyun.1", var.target_version)
}
"#;

#[test]
fn functions_answer_in_console_without_configuration() {
    let Some(dir) = workdir() else { return };
    // No provider block, no environment: functions need neither.
    dir.write_config(REQUIRED_PROVIDERS);
    for (expr, want) in [
        (r#"provider::ack::edition("pro").sla"#, r#""99.95%""#),
        (r#"provider::ack::edition("standard").max_nodes"#, "100"),
        (
            r#"provider::ack::edition("standard").sla_compensation"#,
            "false",
        ),
        (
            r#"provider::ack::supports("standard", "gang_scheduling")"#,
            "false",
        ),
        (
            r#"provider::ack::supports("pro", "kms_secret_encryption")"#,
            "true",
        ),
        // The whole seed comparison: inspection and control-plane metrics too.
        (
            r#"provider::ack::supports("standard", "cluster_inspection")"#,
            "false",
        ),
        (
            r#"provider::ack::supports("pro", "control_plane_metrics")"#,
            "true",
        ),
        (
            r#"provider::ack::edition("pro").control_plane_metrics"#,
            "true",
        ),
        (
            r#"provider::ack::edition("standard").security_management"#,
            r#""basic""#,
        ),
        (
            r#"jsonencode(provider::ack::upgrade_path("1.28.15-aliyun.1", "1.32.1-aliyun.1"))"#,
            r#""[\"1.30.7-aliyun.1\",\"1.31.1-aliyun.1\",\"1.32.1-aliyun.1\"]""#,
        ),
    ] {
        let (ok, out) = dir.console(expr);
        assert!(ok, "{expr}: {out}");
        assert!(out.ends_with(want), "{expr}: got {out}, want {want}");
    }

    let (ok, out) =
        dir.console(r#"provider::ack::upgrade_path("1.31.1-aliyun.1", "1.28.15-aliyun.1")"#);
    assert!(!ok);
    let out = fold(&out);
    assert!(
        out.contains(r#"Invalid value for "to" parameter: Kubernetes cannot be downgraded from 1.31.1-aliyun.1 to 1.28.15-aliyun.1"#),
        "{out}"
    );
    let (ok, out) = dir.console(r#"provider::ack::supports("pro", "gang")"#);
    assert!(!ok);
    let out = fold(&out);
    assert!(
        out.contains(r#"Invalid value for "feature" parameter: "gang" is not a feature"#),
        "{out}"
    );
    assert!(
        out.contains(r#""gang_scheduling""#),
        "lists the accepted IDs: {out}"
    );
    let (ok, out) = dir.console(r#"provider::ack::edition("enterprise")"#);
    assert!(!ok);
    assert!(
        fold(&out).contains(r#"Invalid value for "name" parameter: "enterprise" is not an ACK edition; use one of "standard", "pro""#),
        "{out}"
    );
}

#[test]
fn functions_in_outputs_and_variable_validation() {
    let Some(dir) = workdir() else { return };
    dir.write_config(&format!("{REQUIRED_PROVIDERS}{}", module()));

    dir.plan(&[]);
    dir.apply_saved();
    let run = dir.run(&["output", "-json"]).success();
    let out: serde_json::Value = serde_json::from_slice(&run.output.stdout).unwrap();
    assert_eq!(out["sla"]["value"], "99.95%");
    assert_eq!(out["max_nodes"]["value"], 5000);
    assert_eq!(
        out["path"]["value"],
        serde_json::json!(["1.30.7-aliyun.1", "1.31.1-aliyun.1", "1.32.1-aliyun.1"])
    );

    // The module refuses an edition without the feature, by the provider's own table.
    let refused = dir
        .run(&[
            "plan",
            "-no-color",
            "-var",
            "batch_cluster_edition=standard",
        ])
        .failure();
    assert!(refused.contains("Invalid value for variable"), "{refused}");
    assert!(
        fold(&refused).contains("need an edition with gang scheduling"),
        "{refused}"
    );

    // An impossible upgrade fails in the validation block with the reason, at the argument.
    let down = dir
        .run(&[
            "plan",
            "-no-color",
            "-var",
            "target_version=1.28.15-aliyun.1",
        ])
        .failure();
    assert!(
        down.contains(r#"Invalid value for "to" parameter: Kubernetes cannot be downgraded"#),
        "{down}"
    );
    let unknown = dir
        .run(&["plan", "-no-color", "-var", "target_version=1.40.0"])
        .failure();
    assert!(
        unknown.contains(r#""1.40.0" is not a Kubernetes version this service offers"#),
        "{unknown}"
    );
}
