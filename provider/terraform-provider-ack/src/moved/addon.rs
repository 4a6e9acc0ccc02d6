//! `alicloud_cs_kubernetes_addon` → `ack_addon`. Both identify an addon by
//! `<cluster_id>:<name>`; the refresh after the move reads the rest.

use tfplugin::framework::{MoveStateRequest, MoveStateResponse};
use tfplugin::Value;

use super::{respond, MoveError, Source};

const TARGET: &str = "ack_addon";
pub const SOURCES: [&str; 1] = ["alicloud_cs_kubernetes_addon"];

pub fn accept(req: MoveStateRequest) -> MoveStateResponse {
    let mapped = Source::read(&req, &SOURCES, TARGET).and_then(|s| map(&s));
    respond(req, TARGET, mapped)
}

/// The addon's state from alicloud's.
pub fn map(s: &Source) -> Result<Value, MoveError> {
    let cluster = s
        .str("cluster_id")
        .ok_or(MoveError::Missing("cluster_id"))?;
    let name = s.str("name").ok_or(MoveError::Missing("name"))?;
    let text = |k: &str| s.str(k).map_or(Value::Null, Value::from);
    Ok(Value::object([
        ("id", Value::from(format!("{cluster}:{name}"))),
        ("cluster_id", Value::from(cluster)),
        ("name", Value::from(name)),
        ("version", text("version")),
        // alicloud keeps only the keys the configuration set: the same
        // meaning as ours, so the configuration's spelling carries over.
        ("config", text("config")),
        (
            "cleanup_cloud_resources",
            // alicloud's default (`false`) is ours when unset.
            s.bool("cleanup_cloud_resources")
                .filter(|cleanup| *cleanup)
                .map_or(Value::Null, Value::from),
        ),
    ]))
}
