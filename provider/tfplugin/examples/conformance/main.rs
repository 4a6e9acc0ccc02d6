//! `terraform-provider-conformance`: a small provider that exercises every
//! part of the protocol the tests check under real terraform: unknowns,
//! nested blocks and attributes, sets of objects, big numbers, sensitive and
//! write-only values, requires-replace, private state, state upgrades, moved
//! state, destroy planning and import, provider-defined functions and an
//! ephemeral resource whose value can configure a second provider instance
//! (`token`). Objects live as JSON files in the
//! directory given by `store_dir`, so every terraform command (a new
//! process each time) sees the same "remote" objects.

mod functions;
mod secret;
mod store;
mod thing;

use std::sync::{Arc, OnceLock};

use async_trait::async_trait;
use tfplugin::framework::*;
use tfplugin::{Attribute, Block, Diagnostic, Diagnostics, Schema, Type, Value};

pub const ADDRESS: &str = "registry.terraform.io/example/conformance";

pub struct Conformance {
    store: Arc<OnceLock<store::Store>>,
}

#[async_trait]
impl Provider for Conformance {
    fn type_name(&self) -> &str {
        "conformance"
    }

    fn schema(&self) -> Schema {
        Schema::new(
            Block::new()
                .attribute(
                    Attribute::string("store_dir")
                        .required()
                        .description("Directory holding the provider's objects."),
                )
                .attribute(
                    Attribute::string("token")
                        .optional()
                        .sensitive()
                        .description(
                        "A credential; written to `STORE_DIR/token` so tests can see it arrived.",
                    ),
                ),
        )
    }

    fn ephemeral_resources(&self) -> Vec<Arc<dyn EphemeralResource>> {
        vec![Arc::new(secret::Secret)]
    }

    fn functions(&self) -> Vec<Arc<dyn Function>> {
        vec![Arc::new(functions::ParsePort), Arc::new(functions::Join)]
    }

    fn resources(&self) -> Vec<Arc<dyn Resource>> {
        vec![
            Arc::new(thing::Thing {
                store: self.store.clone(),
            }),
            Arc::new(thing::Legacy {
                store: self.store.clone(),
            }),
        ]
    }

    fn data_sources(&self) -> Vec<Arc<dyn DataSource>> {
        vec![Arc::new(Echo)]
    }

    async fn configure(&self, req: ConfigureRequest) -> Diagnostics {
        let Some(dir) = req.config.get("store_dir").and_then(Value::as_str) else {
            return Diagnostic::error(
                "store_dir must be known",
                "Set store_dir to a directory path.",
            )
            .into();
        };
        if let Some(token) = req.config.get("token").and_then(Value::as_str) {
            let _ = std::fs::create_dir_all(dir);
            if let Err(e) = std::fs::write(std::path::Path::new(dir).join("token"), token) {
                return Diagnostic::error("Could not record the token", e.to_string()).into();
            }
        }
        let _ = self.store.set(store::Store::new(dir.into()));
        Diagnostics::new()
    }
}

/// `conformance_echo`: returns its dynamic input unchanged, and n + 1.
struct Echo;

#[async_trait]
impl DataSource for Echo {
    fn type_name(&self) -> String {
        "conformance_echo".into()
    }

    fn schema(&self) -> Schema {
        Schema::new(
            Block::new()
                .attribute(
                    Attribute::new("input", Type::Dynamic)
                        .optional()
                        .description("Any value."),
                )
                .attribute(
                    Attribute::new("output", Type::Dynamic)
                        .computed()
                        .description("The input, echoed."),
                )
                .attribute(
                    Attribute::number("n")
                        .optional()
                        .description("A number of any size."),
                )
                .attribute(
                    Attribute::number("n_plus_one")
                        .computed()
                        .description("n + 1, exactly."),
                )
                .attribute(
                    Attribute::number("delay_ms")
                        .optional()
                        .description("Take this long to read (keeps ephemeral values in use)."),
                ),
        )
    }

    async fn read(&self, req: ReadDataRequest) -> ReadDataResponse {
        if let Some(ms) = req.config.get("delay_ms").and_then(Value::as_i64) {
            tokio::time::sleep(std::time::Duration::from_millis(ms.clamp(0, 60_000) as u64)).await;
        }
        let mut state = req.config.clone();
        let input = req.config.get("input").cloned().unwrap_or_default();
        if let Some(o) = state.get_mut("output") {
            *o = input;
        }
        let plus = match req.config.get("n").and_then(Value::as_number) {
            Some(tfplugin::Number::Finite(d)) => Value::Number(tfplugin::Number::Finite(d + 1)),
            _ => Value::Null,
        };
        if let Some(o) = state.get_mut("n_plus_one") {
            *o = plus;
        }
        ReadDataResponse {
            state,
            diagnostics: Diagnostics::new(),
        }
    }
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    tfplugin::logging::init();
    let debug = std::env::args().any(|a| a == "--debug");
    let provider = Arc::new(Conformance {
        store: Arc::new(OnceLock::new()),
    });
    let opts = tfplugin::server::ServeOptions {
        provider_address: ADDRESS.into(),
        debug,
    };
    match tfplugin::server::serve(provider, opts).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}");
            std::process::ExitCode::FAILURE
        }
    }
}
