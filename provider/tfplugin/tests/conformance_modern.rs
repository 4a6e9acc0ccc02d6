//! Conformance of provider-defined functions (Terraform 1.8+) and ephemeral
//! resources (Terraform 1.10+) under a real terraform binary, with the
//! example provider `terraform-provider-conformance`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use tfplugin_testing::{contains_bytes, plan_file_contents, state_resource, WorkDir};

#[path = "support/conformance.rs"]
mod harness;

use harness::*;

const FUNCTIONS: &str = r#"
variable "port" {
  type    = string
  default = "8080"
  validation {
    condition     = provider::conformance::parse_port(var.port) >= 1024
    error_message = "Use an unprivileged port (1024 or above)."
  }
}

output "port" {
  value = provider::conformance::parse_port(var.port)
}

output "joined" {
  value = provider::conformance::join("-", "a", "b", "c")
}
"#;

#[test]
fn functions_answer_in_console_outputs_and_validation() {
    let Some(dir) = workdir() else { return };
    dir.write_config(&format!("{}{FUNCTIONS}", header(&dir)));

    let schema = dir.providers_schema();
    let f = &schema["provider_schemas"]["registry.terraform.io/example/conformance"]["functions"];
    assert_eq!(f["parse_port"]["return_type"], "number", "{f}");
    assert_eq!(f["parse_port"]["parameters"][0]["name"], "text");
    assert_eq!(f["join"]["variadic_parameter"]["name"], "parts");

    // terraform console, without any apply.
    let (ok, out) = dir.console(r#"provider::conformance::parse_port("443")"#);
    assert!(ok, "{out}");
    assert!(out.ends_with("443"), "{out}");
    let (ok, out) = dir.console(r#"provider::conformance::join(", ", "x", "y")"#);
    assert!(ok, "{out}");
    assert!(out.ends_with("\"x, y\""), "{out}");

    // A function error names the argument it is about.
    let (ok, out) = dir.console(r#"provider::conformance::parse_port("http")"#);
    assert!(!ok, "{out}");
    let folded = out.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(folded.contains("Invalid function argument"), "{folded}");
    assert!(
        folded.contains(r#"Invalid value for "text" parameter: "http" is not a TCP port"#),
        "{folded}"
    );
    assert!(!folded.contains(".."), "one full stop: {folded}");

    // Outputs, through plan and apply.
    dir.plan(&[]);
    dir.apply_saved();
    let out = dir.run(&["output", "-json"]).success();
    let outputs: serde_json::Value = serde_json::from_slice(&out.output.stdout).unwrap();
    assert_eq!(outputs["port"]["value"], 8080);
    assert_eq!(outputs["joined"]["value"], "a-b-c");

    // Validation blocks: the rule refuses, the function's own error points at the argument.
    let refused = dir.run(&["plan", "-no-color", "-var", "port=80"]).failure();
    assert!(refused.contains("Use an unprivileged port"), "{refused}");
    let bad = dir
        .run(&["plan", "-no-color", "-var", "port=eighty"])
        .failure();
    assert!(
        bad.contains(r#"Invalid value for "text" parameter: "eighty" is not a TCP port"#),
        "{bad}"
    );
}

fn ephemeral_config(dir: &WorkDir, delay_ms: u32) -> String {
    format!(
        r#"{}
ephemeral "conformance_secret" "db" {{
  name           = "db"
  log_dir        = "{log}"
  renew_after_ms = 200
}}
{second}
data "conformance_echo" "slow" {{
  provider = conformance.second
  input    = "x"
  delay_ms = {delay_ms}
}}

resource "conformance_thing" "t" {{
  provider = conformance.second
  name     = "t"
}}
"#,
        header(dir),
        log = dir.path().display(),
        second = second_provider(dir, "db"),
    )
}

/// A second configuration of the provider, with its own store, configured
/// with the value of the ephemeral `conformance_secret.<secret>`.
fn second_provider(dir: &WorkDir, secret: &str) -> String {
    format!(
        r#"
provider "conformance" {{
  alias     = "second"
  store_dir = "{}"
  token     = ephemeral.conformance_secret.{secret}.value
}}
"#,
        dir.path().join("second").display()
    )
}

fn events(dir: &WorkDir) -> Vec<String> {
    std::fs::read_to_string(dir.path().join("events.log"))
        .unwrap_or_default()
        .lines()
        .map(str::to_owned)
        .collect()
}

/// The secret of the last `open`, and what the second provider received.
fn opened_and_received(dir: &WorkDir) -> (String, String) {
    let opened = events(dir)
        .iter()
        .rev()
        .find_map(|l| l.strip_prefix("open db ").map(str::to_owned))
        .expect("the ephemeral resource was opened");
    let received = std::fs::read_to_string(dir.path().join("second/token")).unwrap_or_default();
    (opened, received)
}

#[test]
fn ephemeral_value_configures_a_provider_and_never_reaches_state_or_plan() {
    let Some(dir) = workdir() else { return };
    dir.write_config(&ephemeral_config(&dir, 1500));

    let schema = dir.providers_schema();
    let e = &schema["provider_schemas"]["registry.terraform.io/example/conformance"]
        ["ephemeral_resource_schemas"]["conformance_secret"];
    assert_eq!(e["block"]["attributes"]["value"]["sensitive"], true, "{e}");

    // Plan: opened, renewed while the slow read keeps it in use, closed.
    let plan = dir.plan(&[]);
    let (secret, received) = opened_and_received(&dir);
    assert_eq!(
        received, secret,
        "the ephemeral value configured the second provider"
    );
    let log = events(&dir);
    assert_eq!(
        log.first().map(String::as_str),
        Some(format!("open db {secret}").as_str())
    );
    assert!(
        log.iter().filter(|l| *l == "renew db").count() >= 2,
        "renewed at the time the provider asked for: {log:?}"
    );
    assert_eq!(log.last().map(String::as_str), Some("close db"), "{log:?}");
    assert_eq!(
        log.iter().filter(|l| *l == "close db").count(),
        1,
        "{log:?}"
    );

    // Nothing of it in the saved plan: JSON, human output, raw and unzipped bytes.
    assert!(!plan.to_string().contains(&secret), "show -json planfile");
    let human = dir.run(&["show", "-no-color", "tfplan"]).success().stdout();
    assert!(!human.contains(&secret));
    let bytes = plan_file_contents(&dir.path().join("tfplan"));
    assert!(
        !contains_bytes(&bytes, secret.as_bytes()),
        "plan file bytes"
    );
    assert!(
        contains_bytes(&bytes, b"conformance_thing"),
        "the plan file check does see inside the archive"
    );

    // Apply opens it again (a new value), configures the provider with it, closes it.
    let before = events(&dir).len();
    dir.apply_saved();
    let (secret2, received2) = opened_and_received(&dir);
    assert_ne!(secret2, secret, "apply opens its own value");
    assert_eq!(received2, secret2);
    let applied: Vec<String> = events(&dir)[before..].to_vec();
    assert_eq!(
        applied.last().map(String::as_str),
        Some("close db"),
        "{applied:?}"
    );

    let state_file = std::fs::read(dir.path().join("terraform.tfstate")).unwrap();
    for s in [&secret, &secret2] {
        assert!(!contains_bytes(&state_file, s.as_bytes()), "state file");
    }
    let state = dir.state();
    assert!(state_resource(&state, "conformance_thing.t").is_some());
    assert!(!state.to_string().contains(&secret2));

    // Ephemeral resources never cause a diff.
    dir.assert_empty_plan(false);
}

#[test]
fn ephemeral_resource_with_unknown_arguments_opens_at_apply() {
    let Some(dir) = workdir() else { return };
    let config = format!(
        r#"{}
resource "conformance_thing" "a" {{
  name = "a"
}}

ephemeral "conformance_secret" "late" {{
  name    = conformance_thing.a.id
  log_dir = "{log}"
}}
{second}
resource "conformance_thing" "b" {{
  provider = conformance.second
  name     = "b"
}}
"#,
        header(&dir),
        log = dir.path().display(),
        second = second_provider(&dir, "late"),
    );
    dir.write_config(&config);
    dir.plan(&[]);
    assert!(
        events(&dir).iter().all(|l| !l.starts_with("open")),
        "nothing is opened while its arguments are unknown: {:?}",
        events(&dir)
    );
    dir.apply_saved();
    let log = events(&dir);
    assert!(log.iter().any(|l| l.starts_with("open thing-")), "{log:?}");
    assert_eq!(
        log.last().map(String::as_str),
        Some("close thing-1"),
        "{log:?}"
    );
}
