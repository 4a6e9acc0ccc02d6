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
  terraform-provider-ack docs [DIR]  write the registry docs to DIR (default: docs)
  terraform-provider-ack docs --check [DIR]
                                     exit 1 when DIR differs from what the generator writes
  terraform-provider-ack --debug     serve in debug mode and print TF_REATTACH_PROVIDERS
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("version" | "--version") => {
            println!("terraform-provider-ack {}", env!("CARGO_PKG_VERSION"));
            ExitCode::SUCCESS
        }
        Some("schema") => {
            let schema = tfplugin::schema_json::providers_schema(&AckProvider::new(), ADDRESS);
            println!(
                "{}",
                serde_json::to_string_pretty(&schema).unwrap_or_default()
            );
            ExitCode::SUCCESS
        }
        Some("docs") => docs(&args[1..]),
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
