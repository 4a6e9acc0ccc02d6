//! `terraform-provider-ack`: under Terraform it serves the plugin protocol;
//! run by hand it offers `version`, `schema`, `docs` and `check`.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use ack_check as check;
use clap::{Parser, Subcommand};
use terraform_provider_ack::provider::{AckProvider, ADDRESS};

mod check_cli;

/// Terraform provider for ACK Pro and ACK Standard clusters.
///
/// Terraform starts this binary itself (plugin protocol 6, with no command);
/// the commands below are for people and pipelines.
#[derive(Debug, Parser)]
#[command(name = "terraform-provider-ack", version, about, long_about)]
struct Cli {
    /// Serve in debug mode and print TF_REATTACH_PROVIDERS for Terraform.
    #[arg(long)]
    debug: bool,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Print the version.
    Version,
    /// Print the provider schema as JSON (like `terraform providers schema -json`),
    /// or write/compare the generated schema files.
    Schema {
        /// Write the provider schema, a JSON Schema per resource and data
        /// source configuration, and the check report's JSON Schema to DIR.
        #[arg(long, value_name = "DIR", num_args = 0..=1, default_missing_value = "schemas", conflicts_with = "check")]
        out: Option<PathBuf>,
        /// Exit 1 when DIR differs from what the generator writes.
        #[arg(long, value_name = "DIR", num_args = 0..=1, default_missing_value = "schemas")]
        check: Option<PathBuf>,
    },
    /// Write the registry docs (index, resources, data sources, functions, guides).
    Docs {
        /// Exit 1 when DIR differs from what the generator writes, instead of writing.
        #[arg(long)]
        check: bool,
        /// The docs directory.
        #[arg(default_value = "docs")]
        dir: PathBuf,
    },
    /// Rewrite a directory's aliyun/alicloud ACK resources (clusters, node
    /// pools, addons) as ack_* resources with `moved` blocks, keeping the
    /// rest of the files as written; lists what it could not translate.
    /// Exit 0 done (read the list of what was not translated), 2 unusable input.
    Migrate {
        /// The directory holding the `.tf` files.
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// Report what would change; write nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Check a saved plan (`terraform show -json tfplan > plan.json`) against the
    /// tier rules and policies; exit 0 clean, 1 findings, 2 unusable input.
    Check(check_cli::CheckArgs),
    /// Read policy files (TOML, YAML, Rego or directories of Rego) as `check
    /// --policy` would and report every problem; exit 0 valid, 2 not.
    ValidatePolicy {
        /// Policy files or directories.
        #[arg(required = true, value_name = "PATH")]
        paths: Vec<PathBuf>,
    },
    /// Evaluates Rego policies for `check` in a child process under a memory
    /// limit (internal: `check` starts it).
    #[command(name = "__check-worker", hide = true)]
    CheckWorker {
        /// Bytes of address space the process may use.
        memory: u64,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        None => serve(cli.debug),
        Some(Command::Version) => {
            println!("terraform-provider-ack {}", env!("CARGO_PKG_VERSION"));
            ExitCode::SUCCESS
        }
        Some(Command::Schema { out, check }) => schema(out, check),
        Some(Command::Docs { check, dir }) => docs(check, &dir),
        Some(Command::Migrate { dir, dry_run }) => migrate(&dir, !dry_run),
        Some(Command::Check(args)) => check_cli::run(args),
        Some(Command::ValidatePolicy { paths }) => check_cli::validate_policies(&paths),
        Some(Command::CheckWorker { memory }) => check_worker(memory),
    }
}

/// The child of `check` that evaluates Rego: it lowers its own memory limit,
/// so that an allocation a policy asks for fails here and not in `check`.
fn check_worker(memory: u64) -> ExitCode {
    #[cfg(unix)]
    {
        use rustix::process::{setrlimit, Resource, Rlimit};
        let limit = Rlimit {
            current: Some(memory),
            maximum: Some(memory),
        };
        if let Err(e) = setrlimit(Resource::As, limit) {
            eprintln!("cannot limit the memory of the Rego evaluation: {e}");
            return ExitCode::from(2);
        }
    }
    #[cfg(not(unix))]
    let _ = memory;
    match check::sandbox::serve(std::io::stdin().lock(), std::io::stdout().lock()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::from(2)
        }
    }
}

fn serve(debug: bool) -> ExitCode {
    if !debug {
        if let Err(e) = tfplugin::server::check_environment() {
            eprintln!(
                "{e}\n\nRun `terraform-provider-ack --help` for the commands offered by hand."
            );
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

fn docs(check: bool, dir: &std::path::Path) -> ExitCode {
    if check {
        let drift = terraform_provider_ack::docs::drift(dir);
        return report_drift("docs", &drift, "docs");
    }
    report_written(dir, terraform_provider_ack::docs::write(dir))
}

/// The answer of `docs --check` and `schema --check`.
fn report_drift(what: &str, drift: &[String], regenerate: &str) -> ExitCode {
    if drift.is_empty() {
        println!("{what} are up to date");
        return ExitCode::SUCCESS;
    }
    eprintln!(
        "these files differ from the generator's output: {}\nrun `cargo run -p terraform-provider-ack -- {regenerate}` and commit the result",
        drift.join(", ")
    );
    ExitCode::FAILURE
}

/// The answer of `docs` and `schema --out`.
fn report_written(dir: &std::path::Path, written: std::io::Result<()>) -> ExitCode {
    match written {
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

/// Attribute and block names of every resource type, by the provider's
/// schema: what a custom policy rule may name.
pub(crate) fn resource_attributes() -> std::collections::BTreeMap<String, Vec<String>> {
    let schema = tfplugin::schema_json::providers_schema(&AckProvider::new(), ADDRESS);
    let names = |v: &serde_json::Value| -> Vec<String> {
        v.as_object()
            .map(|o| o.keys().cloned().collect())
            .unwrap_or_default()
    };
    schema["provider_schemas"]
        .as_object()
        .into_iter()
        .flat_map(|p| p.values())
        .filter_map(|p| p["resource_schemas"].as_object())
        .flatten()
        .map(|(kind, s)| {
            let mut attrs = names(&s["block"]["attributes"]);
            attrs.extend(names(&s["block"]["block_types"]));
            (kind.clone(), attrs)
        })
        .collect()
}

fn schema(out: Option<PathBuf>, check: Option<PathBuf>) -> ExitCode {
    use terraform_provider_ack::schemas;
    if let Some(dir) = out {
        return report_written(&dir, schemas::write(&dir));
    }
    if let Some(dir) = check {
        return report_drift("schemas", &schemas::drift(&dir), "schema --out schemas");
    }
    let schema = tfplugin::schema_json::providers_schema(&AckProvider::new(), ADDRESS);
    println!(
        "{}",
        serde_json::to_string_pretty(&schema).unwrap_or_default()
    );
    ExitCode::SUCCESS
}

fn migrate(dir: &std::path::Path, write: bool) -> ExitCode {
    match terraform_provider_ack::migrate::migrate_dir(dir, write) {
        Ok(report) => {
            print!("{}", report.text());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("migrate: {e}");
            ExitCode::from(2)
        }
    }
}
