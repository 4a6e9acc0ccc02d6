//! Logs as hclog JSON lines on stderr, the form Terraform parses from
//! plugins: `{"@level":"debug","@message":"…","@timestamp":"…",…}`.
//!
//! Terraform only filters; the plugin must pick its own level. We read
//! `TF_LOG_PROVIDER`, then `TF_LOG`. Without either, nothing is logged.

use std::fmt::Write as _;
use std::io::Write as _;

use serde_json::{Map, Value as Json};
use tracing::field::{Field, Visit};
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::layer::{Context, Layer};
use tracing_subscriber::registry::LookupSpan;

/// The level asked for by `TF_LOG_PROVIDER` or `TF_LOG`, if any.
pub fn level_from_env() -> Option<Level> {
    let raw = std::env::var("TF_LOG_PROVIDER")
        .ok()
        .filter(|v| !v.is_empty())
        .or_else(|| std::env::var("TF_LOG").ok().filter(|v| !v.is_empty()))?;
    parse_level(&raw)
}

/// Terraform's level names; `JSON` and unrecognised values mean TRACE,
/// `OFF` means nothing.
pub fn parse_level(raw: &str) -> Option<Level> {
    match raw.trim().to_ascii_uppercase().as_str() {
        "OFF" => None,
        "ERROR" => Some(Level::ERROR),
        "WARN" => Some(Level::WARN),
        "INFO" => Some(Level::INFO),
        "DEBUG" => Some(Level::DEBUG),
        _ => Some(Level::TRACE),
    }
}

/// Installs the hclog layer as the global subscriber, at the level from the
/// environment. Safe to call more than once.
pub fn init() {
    use tracing_subscriber::prelude::*;
    let Some(level) = level_from_env() else {
        return;
    };
    // Our own events at the requested level; the transport crates' chatter
    // (HTTP/2 frames, TLS) only when it is a warning or worse.
    let filter = tracing_subscriber::filter::Targets::new()
        .with_default(level)
        .with_target("h2", Level::WARN)
        .with_target("hyper", Level::WARN)
        .with_target("hyper_util", Level::WARN)
        .with_target("tonic", Level::WARN)
        .with_target("tower", Level::WARN)
        .with_target("rustls", Level::WARN);
    let _ = tracing_subscriber::registry()
        .with(HclogLayer::new("provider").with_filter(filter))
        .try_init();
}

/// A `tracing` layer writing hclog JSON lines to stderr.
#[derive(Debug)]
pub struct HclogLayer {
    module: String,
}

impl HclogLayer {
    pub fn new(module: impl Into<String>) -> HclogLayer {
        HclogLayer {
            module: module.into(),
        }
    }
}

/// Go layout `2006-01-02T15:04:05.000000Z07:00`, which Terraform requires.
pub fn timestamp(now: chrono::DateTime<chrono::Utc>) -> String {
    now.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

fn level_name(l: &Level) -> &'static str {
    match *l {
        Level::ERROR => "error",
        Level::WARN => "warn",
        Level::INFO => "info",
        Level::DEBUG => "debug",
        Level::TRACE => "trace",
    }
}

#[derive(Default)]
struct Fields {
    message: String,
    extra: Map<String, Json>,
}

impl Visit for Fields {
    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            self.message = value.to_owned();
        } else {
            self.extra
                .insert(field.name().to_owned(), Json::from(value));
        }
    }
    fn record_i64(&mut self, field: &Field, value: i64) {
        self.extra
            .insert(field.name().to_owned(), Json::from(value));
    }
    fn record_u64(&mut self, field: &Field, value: u64) {
        self.extra
            .insert(field.name().to_owned(), Json::from(value));
    }
    fn record_bool(&mut self, field: &Field, value: bool) {
        self.extra
            .insert(field.name().to_owned(), Json::from(value));
    }
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        let mut s = String::new();
        let _ = write!(s, "{value:?}");
        if field.name() == "message" {
            self.message = s;
        } else {
            self.extra.insert(field.name().to_owned(), Json::from(s));
        }
    }
}

/// Span fields, kept so events inside a span carry them (tf_rpc, tf_type…).
struct SpanFields(Map<String, Json>);

impl<S> Layer<S> for HclogLayer
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    fn on_new_span(
        &self,
        attrs: &tracing::span::Attributes<'_>,
        id: &tracing::span::Id,
        ctx: Context<'_, S>,
    ) {
        let mut f = Fields::default();
        attrs.record(&mut f);
        if let Some(span) = ctx.span(id) {
            span.extensions_mut().insert(SpanFields(f.extra));
        }
    }

    fn on_event(&self, event: &Event<'_>, ctx: Context<'_, S>) {
        let mut f = Fields::default();
        event.record(&mut f);
        let mut line = Map::new();
        line.insert(
            "@level".into(),
            Json::from(level_name(event.metadata().level())),
        );
        line.insert("@message".into(), Json::from(f.message));
        line.insert("@module".into(), Json::from(self.module.as_str()));
        line.insert(
            "@timestamp".into(),
            Json::from(timestamp(chrono::Utc::now())),
        );
        if let Some(scope) = ctx.event_scope(event) {
            for span in scope.from_root() {
                if let Some(sf) = span.extensions().get::<SpanFields>() {
                    for (k, v) in &sf.0 {
                        line.insert(k.clone(), v.clone());
                    }
                }
            }
        }
        line.extend(f.extra);
        let mut text = Json::Object(line).to_string();
        text.push('\n');
        let _ = std::io::stderr().lock().write_all(text.as_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn timestamp_has_go_layout() {
        let t = chrono::Utc.with_ymd_and_hms(2024, 1, 2, 3, 4, 5).unwrap();
        assert_eq!(timestamp(t), "2024-01-02T03:04:05.000000Z");
    }

    #[test]
    fn levels() {
        assert_eq!(parse_level("debug"), Some(Level::DEBUG));
        assert_eq!(parse_level("JSON"), Some(Level::TRACE));
        assert_eq!(parse_level("off"), None);
    }
}
