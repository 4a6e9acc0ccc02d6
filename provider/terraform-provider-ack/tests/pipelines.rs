//! `check` in pipelines, end to end: several reports in one run,
//! `--soft-fail`, stdin, binary plans, baselines, the GitHub Action's run
//! script, the SARIF output against the official SARIF 2.1.0 schema, and the
//! pre-commit hooks under the real `pre-commit`.
//!
//! The last two need Python (`venv`) and, the first time, PyPI and the npm
//! registry: `pre-commit`, `jsonschema` and `check-jsonschema` are installed
//! into a virtualenv cached under the target directory (`pipeline-tools`),
//! and the SARIF schema comes from the npm package `@microsoft/jest-sarif`,
//! which ships the official `sarif-2.1.0-rtm.5.json`. Set
//! `ACK_SKIP_PIPELINE_TOOLS=1` to skip them on purpose.

#![allow(clippy::unwrap_used, clippy::expect_used)]

// The emulator's tests' Python support (std only), shared rather than copied.
#[path = "../../emulator/tests/support/python.rs"]
mod python;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_terraform-provider-ack");

const PLAN: &str = r#"{"format_version":"1.2","terraform_version":"1.11.4","resource_changes":[
 {"address":"ack_cluster.a","mode":"managed","type":"ack_cluster","name":"a","change":{"actions":["create"],"after":{"name":"a","edition":"standard","tags":{"environment":"production"}}}},
 {"address":"module.pools.ack_backup_policy.bp","mode":"managed","type":"ack_backup_policy","name":"bp","change":{"actions":["create"],"after":{"cluster_name":"a"}}}]}"#;

const MAIN_TF: &str = "resource \"ack_cluster\" \"a\" {\n  name    = \"a\"\n  edition = \"standard\"\n}\n\nmodule \"pools\" {\n  source = \"./pools\"\n}\n";

fn workdir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("main.tf"), MAIN_TF).unwrap();
    std::fs::create_dir(dir.path().join("pools")).unwrap();
    std::fs::write(
        dir.path().join("pools/main.tf"),
        "resource \"ack_backup_policy\" \"bp\" {\n  cluster_name = \"a\"\n}\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("plan.json"), PLAN).unwrap();
    dir
}

fn check(dir: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .arg("check")
        .args(args)
        .current_dir(dir)
        .env_remove("TF_PLUGIN_MAGIC_COOKIE")
        .env_remove("GITHUB_STEP_SUMMARY")
        .output()
        .unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// `o` is a run refused as unusable input (exit 2) that says `says`.
#[track_caller]
fn refused(o: &Output, says: &str) {
    assert_eq!(o.status.code(), Some(2));
    let stderr = text(&o.stderr);
    assert!(stderr.contains(says), "{stderr}");
}

#[test]
fn one_run_writes_several_formats() {
    let dir = workdir();
    let o = check(
        dir.path(),
        &[
            "plan.json",
            "--output",
            "sarif=out.sarif",
            "--output",
            "json=out.json",
            "--output",
            "junit=out.xml",
            "--output",
            "markdown=out.md",
            "--output",
            "github=-",
        ],
    );
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    let stdout = text(&o.stdout);
    assert!(
        stdout.contains("::error file=main.tf,line=3,title=ACK-POL-002::"),
        "{stdout}"
    );
    assert!(
        stdout.contains("file=pools/main.tf,line=2,title=ACK-TIER-001"),
        "{stdout}"
    );
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("out.json")).unwrap()).unwrap();
    assert_eq!(json["findings"][0]["location"]["file"], "main.tf");
    let sarif: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("out.sarif")).unwrap()).unwrap();
    assert_eq!(
        sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"],
        3
    );
    assert!(std::fs::read_to_string(dir.path().join("out.xml"))
        .unwrap()
        .contains("<testsuites"));
    assert!(std::fs::read_to_string(dir.path().join("out.md"))
        .unwrap()
        .contains("| `ACK-POL-002` |"));
    let bad = check(dir.path(), &["plan.json", "--output", "sarif"]);
    refused(&bad, "is not FORMAT=PATH");
}

#[test]
fn soft_fail_never_fails_on_findings_but_still_on_bad_input() {
    let dir = workdir();
    assert_eq!(
        check(dir.path(), &["plan.json", "--soft-fail"])
            .status
            .code(),
        Some(0)
    );
    std::fs::write(dir.path().join("broken.json"), "{").unwrap();
    assert_eq!(
        check(dir.path(), &["broken.json", "--soft-fail"])
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn the_plan_can_come_from_stdin() {
    let dir = workdir();
    let mut child = Command::new(BIN)
        .args(["check", "-", "--format", "json"])
        .current_dir(dir.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write as _;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(PLAN.as_bytes())
        .unwrap();
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(
        json["findings"][0]["location"]["line"], 3,
        "the current directory is the source root"
    );
}

#[test]
#[cfg(unix)]
fn a_binary_plan_is_shown_with_terraform() {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = workdir();
    std::fs::write(dir.path().join("tfplan"), b"PK\x03\x04 not really a zip").unwrap();
    let fake = dir.path().join("fake-terraform");
    std::fs::write(
        &fake,
        format!(
            "#!/bin/sh\n[ \"$1 $2\" = \"show -json\" ] || exit 9\ncat '{}'\n",
            dir.path().join("plan.json").display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).unwrap();
    let o = check(
        dir.path(),
        &["tfplan", "--terraform", fake.to_str().unwrap()],
    );
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    assert!(text(&o.stdout).contains("ACK-POL-002"));
    let o = check(
        dir.path(),
        &["tfplan", "--terraform", "/nonexistent/terraform"],
    );
    refused(&o, "is a binary plan file");
}

#[test]
fn a_baseline_lets_only_new_findings_fail() {
    let dir = workdir();
    let o = check(
        dir.path(),
        &["plan.json", "--create-baseline", "baseline.json"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert_eq!(
        check(dir.path(), &["plan.json", "--baseline", "baseline.json"])
            .status
            .code(),
        Some(0)
    );
    std::fs::write(dir.path().join("plan.json"), PLAN.replace("\"name\":\"a\",\"edition\":\"standard\"", "\"name\":\"a\",\"edition\":\"standard\",\"deletion_protection\":false,\"maintenance_window\":null").replace("ack_backup_policy.bp", "ack_backup_policy.other")).unwrap();
    let o = check(dir.path(), &["plan.json", "--baseline", "baseline.json"]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "a new finding fails: {}",
        text(&o.stdout)
    );
    assert!(text(&o.stdout).contains("module.pools.ack_backup_policy.other"));
}

#[test]
fn policy_waivers_and_validate_policy() {
    let dir = workdir();
    std::fs::write(dir.path().join("waivers.toml"), "[[waivers]]\nrule = \"*\"\naddress = \"*\"\nreason = \"migration\"\nexpires = \"2999-01-01\"\n").unwrap();
    assert_eq!(
        check(dir.path(), &["plan.json", "--policy", "waivers.toml"])
            .status
            .code(),
        Some(0)
    );
    std::fs::write(dir.path().join("old.toml"), "[[waivers]]\nrule = \"*\"\naddress = \"*\"\nreason = \"migration\"\nexpires = \"2001-01-01\"\n").unwrap();
    let o = check(dir.path(), &["plan.json", "--policy", "old.toml"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o.stdout).contains("ACK-WAIVER-001"),
        "{}",
        text(&o.stdout)
    );
    let v = Command::new(BIN)
        .args(["validate-policy", "waivers.toml", "main.tf"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    refused(&v, "main.tf");
}

const REQUIREMENTS: &str = "pre-commit==4.3.0\njsonschema==4.25.1\ncheck-jsonschema==0.33.3\n";
/// Set to 1, skips the tests that need Python and npm tools.
const SKIP: &str = "ACK_SKIP_PIPELINE_TOOLS";
const SARIF_PACKAGE: &str = "@microsoft/jest-sarif@1.0.0-beta.0";

fn must(cmd: &mut Command, what: &str) -> Output {
    python::step(cmd, what, SKIP)
}

/// The tools' venv (bin directory) and the SARIF schema, installed once.
fn tools() -> Option<(PathBuf, PathBuf)> {
    if std::env::var(SKIP).as_deref() == Ok("1") {
        eprintln!("{SKIP}=1: skipped");
        return None;
    }
    let dir = python::target_dir(BIN, "pipeline-tools");
    let venv = dir.join("venv");
    let stamp = dir.join("installed.txt");
    let wanted = format!("{REQUIREMENTS}{SARIF_PACKAGE}\n");
    let schema = dir.join("package/lib/schemas/sarif-2.1.0-rtm.5.json");
    if std::fs::read_to_string(&stamp).ok().as_deref() != Some(&*wanted) || !schema.exists() {
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("requirements.txt"), REQUIREMENTS).unwrap();
        python::install(
            "python3",
            &venv,
            &dir.join("requirements.txt"),
            "pre-commit and jsonschema",
            SKIP,
        );
        let packed = must(
            Command::new("npm")
                .args(["pack", "--silent", SARIF_PACKAGE])
                .current_dir(&dir),
            "fetch the SARIF schema package from npm",
        );
        let tgz = text(&packed.stdout).trim().to_owned();
        must(
            Command::new("tar").args(["xzf", &tgz]).current_dir(&dir),
            "unpack the SARIF schema package",
        );
        std::fs::write(&stamp, wanted).unwrap();
    }
    Some((venv.join("bin"), schema))
}

#[test]
fn sarif_validates_against_the_official_schema_and_action_yml_against_githubs() {
    let Some((bin, schema)) = tools() else { return };
    let dir = workdir();
    std::fs::write(dir.path().join("w.toml"), "[[waivers]]\nrule = \"ACK-TIER-001\"\naddress = \"module.*\"\nreason = \"moving to pro\"\n").unwrap();
    let o = check(
        dir.path(),
        &[
            "plan.json",
            "--policy",
            "w.toml",
            "--output",
            "sarif=out.sarif",
            "--category",
            "infra",
        ],
    );
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    let script = "import json, sys, jsonschema\nschema = json.load(open(sys.argv[1]))\ndoc = json.load(open(sys.argv[2]))\njsonschema.validate(doc, schema, cls=jsonschema.Draft7Validator)\nprint('valid')\n";
    must(
        Command::new(bin.join("python"))
            .args(["-c", script])
            .arg(&schema)
            .arg(dir.path().join("out.sarif")),
        "validate the SARIF output against sarif-2.1.0-rtm.5.json",
    );
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    must(
        Command::new(bin.join("check-jsonschema"))
            .args(["--builtin-schema", "vendor.github-actions"])
            .arg(repo.join("action.yml")),
        "validate action.yml against GitHub's action schema",
    );
}

#[test]
fn the_action_run_script_writes_sarif_summary_and_annotations() {
    let dir = workdir();
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let (summary, output) = (
        dir.path().join("summary.md"),
        dir.path().join("github_output"),
    );
    let o = Command::new("bash")
        .arg(repo.join("scripts/action/run.sh"))
        .current_dir(dir.path())
        .env("ACK_BIN", BIN)
        .env("INPUT_PLAN", "plan.json")
        .env("INPUT_DIRECTORY", ".")
        .env("INPUT_POLICY", "")
        .env("INPUT_FAIL_ON", "error")
        .env("INPUT_SOFT_FAIL", "false")
        .env("INPUT_OUTPUT_FILE_PATH", "ack.sarif")
        .env("INPUT_CATEGORY", "infra")
        .env("GITHUB_STEP_SUMMARY", &summary)
        .env("GITHUB_OUTPUT", &output)
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "the script leaves failing to the last step: {}",
        text(&o.stderr)
    );
    assert!(
        text(&o.stdout).contains("::error file=main.tf,line=3"),
        "{}",
        text(&o.stdout)
    );
    assert!(std::fs::read_to_string(&summary)
        .unwrap()
        .contains("### terraform-provider-ack check"));
    let outputs = std::fs::read_to_string(&output).unwrap();
    assert!(
        outputs.contains("exit-code=1") && outputs.contains("sarif-file=ack.sarif"),
        "{outputs}"
    );
    assert!(dir.path().join("ack.sarif").exists());
}

#[test]
fn the_pre_commit_hooks_run_under_real_pre_commit() {
    let Some((bin, _)) = tools() else { return };
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let git = |dir: &Path, args: &[&str]| {
        must(
            Command::new("git")
                .args([
                    "-c",
                    "user.name=t",
                    "-c",
                    "user.email=t@example.com",
                    "-c",
                    "commit.gpgsign=false",
                ])
                .args(args)
                .current_dir(dir),
            &format!("git {args:?}"),
        )
    };
    // The hook repository: this project's hooks file and script.
    let hooks = tempfile::tempdir().unwrap();
    std::fs::copy(
        repo.join(".pre-commit-hooks.yaml"),
        hooks.path().join(".pre-commit-hooks.yaml"),
    )
    .unwrap();
    std::fs::create_dir(hooks.path().join("scripts")).unwrap();
    std::fs::copy(
        repo.join("scripts/pre-commit-check.sh"),
        hooks.path().join("scripts/pre-commit-check.sh"),
    )
    .unwrap();
    git(hooks.path(), &["init", "-q"]);
    git(hooks.path(), &["add", "-A"]);
    git(hooks.path(), &["commit", "-q", "-m", "hooks"]);
    let rev = text(&git(hooks.path(), &["rev-parse", "HEAD"]).stdout)
        .trim()
        .to_owned();
    // A user's repository with a saved plan and a policy file.
    let user = workdir();
    std::fs::rename(
        user.path().join("plan.json"),
        user.path().join("prod.plan.json"),
    )
    .unwrap();
    std::fs::create_dir(user.path().join("policies")).unwrap();
    std::fs::write(
        user.path().join("policies/org.toml"),
        "[rules.ACK-POL-003]\nenabled = false\n",
    )
    .unwrap();
    std::fs::write(
        user.path().join(".pre-commit-config.yaml"),
        format!("repos:\n  - repo: {}\n    rev: {rev}\n    hooks:\n      - id: ack-check-plan\n        args: [--policy, policies/org.toml]\n      - id: ack-validate-policy\n", hooks.path().display()),
    )
    .unwrap();
    git(user.path(), &["init", "-q"]);
    git(user.path(), &["add", "-A"]);
    let home = tempfile::tempdir().unwrap();
    let path = format!(
        "{}:{}:{}",
        Path::new(BIN).parent().unwrap().display(),
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let run = |dir: &Path| {
        Command::new(bin.join("pre-commit"))
            .args(["run", "--all-files", "--color", "never"])
            .current_dir(dir)
            .env("PATH", &path)
            .env("PRE_COMMIT_HOME", home.path())
            .output()
            .unwrap()
    };
    let o = run(user.path());
    let out = text(&o.stdout);
    assert_eq!(
        o.status.code(),
        Some(1),
        "the plan has findings: {out}{}",
        text(&o.stderr)
    );
    assert!(
        out.contains("terraform-provider-ack check (saved plans)") && out.contains("Failed"),
        "{out}"
    );
    assert!(out.contains("ACK-POL-002"), "{out}");
    assert!(
        out.contains("terraform-provider-ack validate-policy") && out.contains("Passed"),
        "{out}"
    );
    // A clean plan and a broken policy file.
    std::fs::write(
        user.path().join("prod.plan.json"),
        r#"{"format_version":"1.2","resource_changes":[]}"#,
    )
    .unwrap();
    std::fs::write(
        user.path().join("policies/org.toml"),
        "[rules.ACK-POL-033]\nenabled = false\n",
    )
    .unwrap();
    git(user.path(), &["add", "-A"]);
    let o = run(user.path());
    let out = text(&o.stdout);
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(out.contains("no built-in rule has this ID"), "{out}");
}
