//! `check` and `validate-policy`: the command line around `ack-check` —
//! where the plan comes from (a file, stdin, or a binary plan file through
//! `terraform show -json`), the source root, waivers and baselines, and the
//! reports written in one run. Exit codes: 0 clean (or `--soft-fail`), 1
//! findings at or above `--fail-on`, 2 unusable input.

use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use ack_check::{self as check, policy::Policy, rego, report, waiver, Severity};
use clap::Args;

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The plan: `terraform show -json tfplan` output, `-` for stdin, or a
    /// binary plan file (`terraform plan -out tfplan`), which is shown with
    /// `terraform show -json` in the source root.
    plan: PathBuf,
    /// Report format printed on stdout.
    #[arg(long, value_name = "FORMAT", default_value = "text", value_parser = parse_format)]
    format: report::Format,
    /// Also write a report to a file: FORMAT=PATH, where FORMAT is text,
    /// json, sarif, junit, markdown or github, and PATH `-` is stdout
    /// (instead of --format). Repeatable.
    #[arg(long, value_name = "FORMAT=PATH", value_parser = parse_output)]
    output: Vec<(report::Format, PathBuf)>,
    /// A TOML/YAML policy file, a .rego file or a directory of .rego files
    /// (conftest conventions: package main, rules deny/violation/warn). Repeatable.
    #[arg(long, value_name = "PATH")]
    policy: Vec<PathBuf>,
    /// A JSON or YAML file merged into Rego's `data` (conftest's --data). Repeatable.
    #[arg(long, value_name = "FILE")]
    data: Vec<PathBuf>,
    /// The lowest severity that makes the exit code 1.
    #[arg(long, value_name = "error|warning|note", default_value = "error", value_parser = parse_severity)]
    fail_on: Severity,
    /// Findings never fail the run (exit 0); unusable input still exits 2.
    #[arg(long)]
    soft_fail: bool,
    /// Rego package to evaluate (default `main`). Repeatable.
    #[arg(long, value_name = "NAME")]
    namespace: Vec<String>,
    /// Evaluate every Rego package instead of the named namespaces.
    #[arg(long)]
    all_namespaces: bool,
    /// The Terraform configuration, for the file and line of each finding and
    /// inline `# ack:ignore=RULE reason` comments. Default: the plan file's
    /// directory (the current directory for stdin) when it holds .tf files.
    #[arg(long, value_name = "DIR")]
    source_root: Option<PathBuf>,
    /// Accept the findings listed in this file (written by --create-baseline):
    /// only new findings fail.
    #[arg(long, value_name = "FILE", conflicts_with = "create_baseline")]
    baseline: Option<PathBuf>,
    /// Write the current findings to FILE as a baseline, and exit 0.
    #[arg(long, value_name = "FILE")]
    create_baseline: Option<PathBuf>,
    /// SARIF run category (code scanning keeps one set of results per
    /// category, e.g. one per root module).
    #[arg(long, value_name = "NAME")]
    category: Option<String>,
    /// The terraform program used to show a binary plan file.
    #[arg(
        long,
        value_name = "PATH",
        env = "ACK_TERRAFORM",
        default_value = "terraform"
    )]
    terraform: PathBuf,
}

fn parse_format(s: &str) -> Result<report::Format, String> {
    report::Format::parse(s)
        .ok_or_else(|| format!("unknown format {s:?}: use {}", report::Format::NAMES))
}

fn parse_output(s: &str) -> Result<(report::Format, PathBuf), String> {
    let (format, path) = s
        .split_once('=')
        .ok_or_else(|| format!("{s:?} is not FORMAT=PATH, e.g. sarif=ack.sarif"))?;
    if path.is_empty() {
        return Err(format!(
            "{s:?} names no file: write FORMAT=PATH, e.g. sarif=ack.sarif"
        ));
    }
    Ok((parse_format(format)?, PathBuf::from(path)))
}

pub fn parse_severity(s: &str) -> Result<Severity, String> {
    Severity::parse(s).ok_or_else(|| format!("unknown severity {s:?}: use error, warning or note"))
}

/// One line on stderr, exit 2.
fn unusable(e: impl std::fmt::Display) -> ExitCode {
    eprintln!("check: {}", report::visible(&e.to_string()));
    ExitCode::from(2)
}

pub fn run(args: CheckArgs) -> ExitCode {
    let mut policy = Policy::default();
    let mut rego = rego::RegoPolicies::new();
    rego.set_all_namespaces(args.all_namespaces);
    match std::env::current_exe() {
        Ok(program) => rego.isolate(check::sandbox::Isolation {
            program,
            args: vec!["__check-worker".into()],
        }),
        Err(e) => {
            return unusable(format!(
                "cannot find this program to evaluate Rego policies in a child process: {e}"
            ))
        }
    }
    let loaded = args
        .namespace
        .iter()
        .try_for_each(|ns| rego.add_namespace(ns))
        .and_then(|()| load_policies(&args.policy, &mut policy, &mut rego))
        .and_then(|()| args.data.iter().try_for_each(|d| rego.add_data_file(d)))
        .and_then(|()| policy.check_attributes(&super::resource_attributes()));
    if let Err(e) = loaded {
        return unusable(e);
    }
    let source_root = args
        .source_root
        .clone()
        .or_else(|| default_source_root(&args.plan));
    let text = match read_plan(&args.plan, &args.terraform, source_root.as_deref()) {
        Ok(text) => text,
        Err(e) => return unusable(e),
    };
    let mut options = check::Options::default();
    if let Some(root) = &source_root {
        if !root.is_dir() {
            return unusable(format!(
                "--source-root {}: not a directory; give the directory of the root module",
                root.display()
            ));
        }
        let map = check::source::SourceMap::load(root);
        for w in &map.warnings {
            eprintln!("check: warning: {}", report::visible(w));
        }
        options.source = Some(map);
    }
    if let Some(path) = &args.baseline {
        match waiver::Baseline::load(path) {
            Ok(b) => options.baseline = Some(b),
            Err(e) => return unusable(e),
        }
    }
    let mut r = match check::check_full(&text, &policy, &rego, &options) {
        Ok(r) => r,
        Err(e) => return unusable(e),
    };
    r.context.category = args.category.clone();
    r.context.plan_file =
        (args.plan != Path::new("-")).then(|| args.plan.to_string_lossy().into_owned());
    if let Some(path) = &args.create_baseline {
        let baseline = waiver::Baseline::of(&r.findings);
        if let Err(e) = std::fs::write(path, baseline.to_json()) {
            return unusable(format!("cannot write the baseline {}: {e}", path.display()));
        }
        eprintln!(
            "check: wrote {} finding(s) to the baseline {}",
            baseline.findings.len(),
            path.display()
        );
    }
    if !args.output.iter().any(|(_, p)| p == Path::new("-")) {
        print!("{}", report::render(&r, args.format));
    }
    for (format, path) in &args.output {
        let rendered = report::render(&r, *format);
        if path == Path::new("-") {
            print!("{rendered}");
        } else if let Err(e) = write_report(path, &rendered) {
            return unusable(format!("cannot write the report {}: {e}", path.display()));
        }
    }
    let failing = r.worst().is_some_and(|w| w >= args.fail_on);
    if failing && !args.soft_fail && args.create_baseline.is_none() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// Writes a report; a GitHub job summary file is appended to, as GitHub
/// expects of every step that writes one.
fn write_report(path: &Path, text: &str) -> std::io::Result<()> {
    let summary = std::env::var_os("GITHUB_STEP_SUMMARY").is_some_and(|s| Path::new(&s) == path);
    if summary {
        use std::io::Write as _;
        let mut f = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)?;
        f.write_all(text.as_bytes())
    } else {
        std::fs::write(path, text)
    }
}

fn load_policies(
    paths: &[PathBuf],
    policy: &mut Policy,
    rego: &mut rego::RegoPolicies,
) -> Result<(), check::CheckError> {
    paths.iter().try_for_each(|path| {
        if path.is_dir() || rego::is_rego(path) {
            rego.add_path(path)
        } else {
            Policy::load(&path.to_string_lossy()).and_then(|p| policy.merge(p))
        }
    })
}

/// The plan's directory (the current one for stdin) when it holds `.tf` files.
fn default_source_root(plan: &Path) -> Option<PathBuf> {
    let dir = if plan == Path::new("-") {
        PathBuf::from(".")
    } else {
        match plan.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        }
    };
    let has_tf = std::fs::read_dir(&dir)
        .ok()?
        .filter_map(Result::ok)
        .any(|e| e.path().extension().is_some_and(|x| x == "tf"));
    has_tf.then_some(dir)
}

/// Why a plan could not be read.
#[derive(Debug, thiserror::Error)]
enum PlanError {
    #[error(transparent)]
    Check(#[from] check::CheckError),
    #[error("cannot read the plan from stdin: {0}")]
    Stdin(std::io::Error),
    #[error("{plan} is a binary plan file and `{terraform} show -json` could not run: {message}. Install Terraform (or pass --terraform PATH), or pass the output of `terraform show -json tfplan`")]
    NoTerraform {
        plan: String,
        terraform: String,
        message: String,
    },
    #[error("`terraform show -json {plan}` failed in {dir}: {message}. Run check where `terraform init` ran for this plan (--source-root DIR), or pass the output of `terraform show -json tfplan`")]
    Show {
        plan: String,
        dir: String,
        message: String,
    },
}

/// The plan as JSON text, from a file, stdin, or a binary plan file.
fn read_plan(plan: &Path, terraform: &Path, root: Option<&Path>) -> Result<String, PlanError> {
    if plan == Path::new("-") {
        let mut bytes = Vec::new();
        std::io::stdin()
            .lock()
            .take(check::MAX_PLAN_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(PlanError::Stdin)?;
        if bytes.len() as u64 > check::MAX_PLAN_BYTES {
            return Err(check::CheckError::TooLarge {
                what: "plan",
                path: "on stdin".into(),
                limit: check::MAX_PLAN_BYTES,
                hint: "pass the output of `terraform show -json tfplan`",
            }
            .into());
        }
        return Ok(String::from_utf8_lossy(&bytes).into_owned());
    }
    let text = check::read_plan(plan)?;
    if !text.starts_with("PK\u{3}\u{4}") {
        return Ok(text);
    }
    show_binary_plan(plan, terraform, root)
}

/// `terraform show -json PLAN`, run in the source root (where `terraform
/// init` ran) or else in the plan's directory.
fn show_binary_plan(
    plan: &Path,
    terraform: &Path,
    root: Option<&Path>,
) -> Result<String, PlanError> {
    let absolute = std::fs::canonicalize(plan).unwrap_or_else(|_| plan.to_path_buf());
    let dir = root
        .map(Path::to_path_buf)
        .or_else(|| absolute.parent().map(Path::to_path_buf))
        .unwrap_or_else(|| PathBuf::from("."));
    let shown = plan.display().to_string();
    let out = std::process::Command::new(terraform)
        .args(["show", "-json", "-no-color"])
        .arg(&absolute)
        .current_dir(&dir)
        .stdin(std::process::Stdio::null())
        .output()
        .map_err(|e| PlanError::NoTerraform {
            plan: shown.clone(),
            terraform: terraform.display().to_string(),
            message: e.to_string(),
        })?;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        let message: Vec<&str> = err
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
        return Err(PlanError::Show {
            plan: shown,
            dir: dir.display().to_string(),
            message: message.join(" "),
        });
    }
    if out.stdout.len() as u64 > check::MAX_PLAN_BYTES {
        return Err(check::CheckError::TooLarge {
            what: "plan",
            path: shown,
            limit: check::MAX_PLAN_BYTES,
            hint: "split the configuration",
        }
        .into());
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// `validate-policy FILE...`: reads each policy file (TOML, YAML, Rego, or a
/// directory of Rego) as `check --policy` would, and reports every problem.
pub fn validate_policies(paths: &[PathBuf]) -> ExitCode {
    let mut bad = 0;
    for path in paths {
        let mut policy = Policy::default();
        let mut rego = rego::RegoPolicies::new();
        let result = load_policies(std::slice::from_ref(path), &mut policy, &mut rego)
            .and_then(|()| policy.check_attributes(&super::resource_attributes()))
            .and_then(|()| {
                let known: Vec<_> = check::builtin_rules();
                let settings_only = Policy {
                    custom: Vec::new(),
                    ..policy.clone()
                };
                // Settings may name Rego rules of other files: only built-in IDs are checked here.
                if rego.is_empty() {
                    let ids: std::collections::BTreeSet<&str> =
                        known.iter().map(|r| r.id.as_str()).collect();
                    match settings_only.rules.keys().find(|id| {
                        !ids.contains(id.as_str())
                            && !policy.custom.iter().any(|c| &c.id == *id)
                            && id.starts_with("ACK-")
                    }) {
                        Some(id) => Err(check::CheckError::Policy {
                            path: path.display().to_string(),
                            message: format!("[rules.{id}]: no built-in rule has this ID"),
                        }),
                        None => Ok(()),
                    }
                } else {
                    Ok(())
                }
            });
        if let Err(e) = result {
            bad += 1;
            eprintln!("validate-policy: {}", report::visible(&e.to_string()));
        }
    }
    if bad > 0 {
        eprintln!("validate-policy: {bad} of {} file(s) refused", paths.len());
        return ExitCode::from(2);
    }
    println!("{} policy file(s) valid", paths.len());
    ExitCode::SUCCESS
}
