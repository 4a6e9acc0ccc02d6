//! `ephemeral "conformance_secret"`: a generated secret that exists only
//! while terraform runs. Every open, renew and close is appended to
//! `LOG_DIR/events.log` so the tests can see the life cycle.

use std::io::Write as _;
use std::time::{Duration, SystemTime};

use async_trait::async_trait;
use tfplugin::framework::*;
use tfplugin::{Attribute, Block, Diagnostic, Diagnostics, Schema, Value};

pub struct Secret;

fn log(dir: &str, line: &str) -> Result<(), Diagnostic> {
    let path = std::path::Path::new(dir).join("events.log");
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .and_then(|mut f| writeln!(f, "{line}"))
        .map_err(|e| Diagnostic::error("Could not write the event log", e.to_string()))
}

fn renew_at(private: &Private) -> Option<SystemTime> {
    private
        .get::<u64>("renew_after_ms")
        .map(|ms| SystemTime::now() + Duration::from_millis(ms))
}

#[async_trait]
impl EphemeralResource for Secret {
    fn type_name(&self) -> String {
        "conformance_secret".into()
    }

    fn schema(&self) -> Schema {
        Schema::new(
            Block::new()
                .description("A secret generated for one terraform run.")
                .attribute(
                    Attribute::string("name")
                        .required()
                        .description("Name of the secret."),
                )
                .attribute(
                    Attribute::string("log_dir")
                        .required()
                        .description("Directory of the open/renew/close event log."),
                )
                .attribute(Attribute::number("renew_after_ms").optional().description(
                    "Ask for renewal this many milliseconds after open (and after each renewal).",
                ))
                .attribute(
                    Attribute::string("value")
                        .computed()
                        .sensitive()
                        .description("The secret."),
                ),
        )
    }

    async fn open(&self, req: OpenRequest) -> OpenResponse {
        let name = req
            .config
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let dir = req
            .config
            .get("log_dir")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let nanos = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default();
        let value = format!("secret-{name}-{nanos:x}");
        if let Err(d) = log(dir, &format!("open {name} {value}")) {
            return OpenResponse::error(d);
        }
        let mut private = Private::default();
        private.set("name", &name);
        private.set("log_dir", &dir);
        if let Some(ms) = req.config.get("renew_after_ms").and_then(Value::as_i64) {
            private.set("renew_after_ms", &ms.max(1));
        }
        let mut result = req.config.clone();
        if let Some(v) = result.get_mut("value") {
            *v = Value::from(value);
        }
        OpenResponse {
            renew_at: renew_at(&private),
            result,
            private,
            diagnostics: Diagnostics::new(),
        }
    }

    async fn renew(&self, req: RenewRequest) -> RenewResponse {
        let name: String = req.private.get("name").unwrap_or_default();
        let dir: String = req.private.get("log_dir").unwrap_or_default();
        let diagnostics = log(&dir, &format!("renew {name}"))
            .err()
            .map(Diagnostics::from);
        RenewResponse {
            renew_at: renew_at(&req.private),
            private: req.private,
            diagnostics: diagnostics.unwrap_or_default(),
        }
    }

    async fn close(&self, req: CloseRequest) -> Diagnostics {
        let name: String = req.private.get("name").unwrap_or_default();
        let dir: String = req.private.get("log_dir").unwrap_or_default();
        log(&dir, &format!("close {name}"))
            .err()
            .map(Diagnostics::from)
            .unwrap_or_default()
    }
}
