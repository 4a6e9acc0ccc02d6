//! `terraform-provider-ack`: under Terraform it serves the plugin protocol;
//! run by hand it offers `version` and `schema`.

use std::process::ExitCode;
use std::sync::Arc;

use terraform_provider_ack::provider::{AckProvider, ADDRESS};

const USAGE: &str = "\
terraform-provider-ack: Terraform provider for ACK Pro and ACK Standard clusters

Terraform starts this binary itself. By hand:
  terraform-provider-ack version     print the version
  terraform-provider-ack schema      print the provider schema as JSON (like `terraform providers schema -json`)
  terraform-provider-ack schema --out DIR | --check DIR
                                     write (or compare) the provider schema, a JSON Schema per resource
                                     and data source configuration, and the check report's JSON Schema
  terraform-provider-ack docs [DIR]  write the registry docs to DIR (default: docs)
  terraform-provider-ack docs --check [DIR]
                                     exit 1 when DIR differs from what the generator writes
  terraform-provider-ack check PLAN.json [--format text|json|sarif|junit] [--policy PATH]... [--fail-on error|warning|note]
                                     [--namespace NAME]... [--all-namespaces]
                                     check a saved plan (`terraform show -json tfplan`) against the tier
                                     rules and policies; exit 0 clean, 1 findings, 2 unusable input.
                                     --policy takes TOML/YAML policy files, .rego files and directories of
                                     .rego files (conftest conventions: package main, deny/violation/warn)
  terraform-provider-ack --debug     serve in debug mode and print TF_REATTACH_PROVIDERS
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("version" | "--version") => {
            println!("terraform-provider-ack {}", env!("CARGO_PKG_VERSION"));
            ExitCode::SUCCESS
        }
        Some("schema") => schema(&args[1..]),
        Some("docs") => docs(&args[1..]),
        Some("check") => check(&args[1..]),
        Some("help" | "--help" | "-h") => {
            print!("{USAGE}");
            ExitCode::SUCCESS
        }
        None | Some("--debug") => serve(args.first().is_some_and(|a| a == "--debug")),
        Some(other) => {
            eprintln!("unknown command {other:?}\n\n{USAGE}");
            ExitCode::from(2)
        }
    }
}

fn serve(debug: bool) -> ExitCode {
    if !debug {
        if let Err(e) = tfplugin::server::check_environment() {
            eprintln!("{e}\n\n{USAGE}");
            return ExitCode::FAILURE;
        }
    }
    tfplugin::logging::init();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("could not start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let opts = tfplugin::server::ServeOptions {
        provider_address: ADDRESS.into(),
        debug,
    };
    match runtime.block_on(tfplugin::server::serve(Arc::new(AckProvider::new()), opts)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!("{e}");
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}

fn docs(args: &[String]) -> ExitCode {
    let check = args.iter().any(|a| a == "--check");
    let dir = args
        .iter()
        .find(|a| !a.starts_with("--"))
        .map_or("docs", String::as_str);
    let dir = std::path::Path::new(dir);
    if check {
        let drift = terraform_provider_ack::docs::drift(dir);
        if drift.is_empty() {
            println!("docs are up to date");
            return ExitCode::SUCCESS;
        }
        eprintln!(
            "these pages differ from the generator's output: {}\nrun `cargo run -p terraform-provider-ack -- docs` and commit the result",
            drift.join(", ")
        );
        return ExitCode::FAILURE;
    }
    match terraform_provider_ack::docs::write(dir) {
        Ok(()) => {
            println!("wrote {}", dir.display());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("could not write {}: {e}", dir.display());
            ExitCode::FAILURE
        }
    }
}

fn check(args: &[String]) -> ExitCode {
    use ack_check::{self as check, policy::Policy, rego, report, Severity};
    let mut plan_path = None;
    let mut format = report::Format::Text;
    let mut policy = Policy::default();
    let mut rego = rego::RegoPolicies::new();
    let mut fail_on = Severity::Error;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut value = |flag: &str| {
            it.next()
                .cloned()
                .ok_or_else(|| format!("{flag} needs a value"))
        };
        let r: Result<(), String> = match a.as_str() {
            "--format" => value("--format").and_then(|v| {
                report::Format::parse(&v)
                    .map(|f| format = f)
                    .ok_or_else(|| format!("unknown format {v:?}: use text, json, sarif or junit"))
            }),
            "--policy" => value("--policy").and_then(|v| {
                let path = std::path::Path::new(&v);
                if path.is_dir() || rego::is_rego(path) {
                    rego.add_path(path).map_err(|e| e.to_string())
                } else {
                    Policy::load(&v)
                        .map(|p| policy.merge(p))
                        .map_err(|e| e.to_string())
                }
            }),
            "--namespace" => {
                value("--namespace").and_then(|v| rego.add_namespace(&v).map_err(|e| e.to_string()))
            }
            "--all-namespaces" => {
                rego.set_all_namespaces(true);
                Ok(())
            }
            "--fail-on" => value("--fail-on").and_then(|v| {
                Severity::parse(&v)
                    .map(|s| fail_on = s)
                    .ok_or_else(|| format!("unknown severity {v:?}: use error, warning or note"))
            }),
            p if !p.starts_with("--") && plan_path.is_none() => {
                plan_path = Some(p.to_owned());
                Ok(())
            }
            other => Err(format!("unexpected argument {other:?}")),
        };
        if let Err(e) = r {
            eprintln!("check: {e}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    }
    let Some(path) = plan_path else {
        eprintln!("check: give the plan file: terraform show -json tfplan > plan.json && terraform-provider-ack check plan.json");
        return ExitCode::from(2);
    };
    let text = match std::fs::read(&path) {
        Ok(b) => String::from_utf8_lossy(&b).into_owned(),
        Err(e) => {
            eprintln!(
                "check: {}",
                check::CheckError::Read {
                    path,
                    message: e.to_string()
                }
            );
            return ExitCode::from(2);
        }
    };
    match check::check_with(&text, &policy, &rego) {
        Ok(r) => {
            print!("{}", report::render(&r, format));
            if r.worst().is_some_and(|w| w >= fail_on) {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            }
        }
        Err(e) => {
            eprintln!("check: {e}");
            ExitCode::from(2)
        }
    }
}

fn schema(args: &[String]) -> ExitCode {
    use terraform_provider_ack::schemas;
    match args.first().map(String::as_str) {
        None => {
            let schema = tfplugin::schema_json::providers_schema(&AckProvider::new(), ADDRESS);
            println!(
                "{}",
                serde_json::to_string_pretty(&schema).unwrap_or_default()
            );
            ExitCode::SUCCESS
        }
        Some("--out") => {
            let dir = std::path::Path::new(args.get(1).map_or("schemas", String::as_str));
            match schemas::write(dir) {
                Ok(()) => {
                    println!("wrote {}", dir.display());
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("could not write {}: {e}", dir.display());
                    ExitCode::FAILURE
                }
            }
        }
        Some("--check") => {
            let dir = std::path::Path::new(args.get(1).map_or("schemas", String::as_str));
            let drift = schemas::drift(dir);
            if drift.is_empty() {
                println!("schemas are up to date");
                ExitCode::SUCCESS
            } else {
                eprintln!(
                    "these files differ from the generator's output: {}\nrun `cargo run -p terraform-provider-ack -- schema --out schemas` and commit the result",
                    drift.join(", ")
                );
                ExitCode::FAILURE
            }
        }
        Some(other) => {
            eprintln!("schema: unexpected argument {other:?}\n\n{USAGE}");
            ExitCode::from(2)
        }
    }
}
