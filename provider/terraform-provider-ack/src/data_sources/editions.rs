//! `data "ack_editions"`: the edition catalog, from the same table the plan
//! checks, the emulator and `check` use.

use ack_api::edition::{self, Edition, Feature};
use async_trait::async_trait;
use tfplugin::framework::{DataSource, ReadDataRequest, ReadDataResponse};
use tfplugin::{Attribute, Block, Schema, Type, Value};

#[derive(Debug)]
pub struct EditionsDataSource;

/// The object type of one catalog row (also the `provider::ack::edition` result).
pub fn edition_type() -> Type {
    Type::object([
        ("name", Type::String),
        ("display_name", Type::String),
        ("cluster_spec", Type::String),
        ("max_nodes", Type::Number),
        ("legacy_max_nodes", Type::Number),
        ("sla", Type::String),
        ("sla_compensation", Type::Bool),
        ("api_server_autoscaling", Type::Bool),
        ("api_server_availability_monitoring", Type::Bool),
        ("etcd_disk_encryption", Type::Bool),
        ("security_management", Type::String),
        ("control_plane_metrics", Type::Bool),
        ("cgpu_editions", Type::list(Type::String)),
        ("features", Type::list(Type::String)),
        ("upgrade_to", Type::String),
    ])
}

#[async_trait]
impl DataSource for EditionsDataSource {
    fn type_name(&self) -> String {
        "ack_editions".into()
    }

    fn schema(&self) -> Schema {
        Schema::new(
            Block::new()
                .description("The cluster editions (ACK Standard, ACK Pro) and what each offers. Needs no API call.")
                .attribute(Attribute::string("id").computed().description("Always `editions`."))
                .attribute(Attribute::new("editions", Type::list(edition_type())).computed().description(format!(
                    "One object per edition, cheapest first: `name`, `display_name`, `cluster_spec`, `max_nodes`, \
                     `legacy_max_nodes`, `sla`, `sla_compensation`, `api_server_autoscaling`, \
                     `api_server_availability_monitoring`, `etcd_disk_encryption`, `security_management` \
                     (`professional` includes cluster inspection), `control_plane_metrics`, \
                     `cgpu_editions`, `features` (IDs among {}) and `upgrade_to` (null when none).",
                    Feature::ALL.map(|f| format!("`{}`", f.id())).join(", ")
                ))),
        )
    }

    async fn read(&self, _req: ReadDataRequest) -> ReadDataResponse {
        let list = edition::all().into_iter().map(edition_value).collect();
        ReadDataResponse::ok(Value::object([
            ("id", Value::from("editions")),
            ("editions", Value::List(list)),
        ]))
    }
}

/// One catalog row as a value of [`edition_type`].
pub fn edition_value(e: &Edition) -> Value {
    Value::object([
        ("name", Value::from(e.name)),
        ("display_name", Value::from(e.display_name)),
        ("cluster_spec", Value::from(e.cluster_spec)),
        ("max_nodes", Value::from(i64::from(e.max_nodes))),
        (
            "legacy_max_nodes",
            Value::from(i64::from(e.legacy_max_nodes)),
        ),
        ("sla", Value::from(e.sla)),
        ("sla_compensation", Value::from(e.sla_compensation)),
        (
            "api_server_autoscaling",
            Value::from(e.api_server_autoscaling),
        ),
        (
            "api_server_availability_monitoring",
            Value::from(e.api_server_availability_monitoring),
        ),
        ("etcd_disk_encryption", Value::from(e.etcd_disk_encryption)),
        ("security_management", Value::from(e.security_management)),
        (
            "control_plane_metrics",
            Value::from(e.control_plane_metrics()),
        ),
        (
            "cgpu_editions",
            Value::List(e.cgpu_editions.iter().map(|c| Value::from(*c)).collect()),
        ),
        (
            "features",
            Value::List(e.features.iter().map(|f| Value::from(f.id())).collect()),
        ),
        (
            "upgrade_to",
            Value::from(e.upgrade_to.map(|u| edition::get(u).name)),
        ),
    ])
}
