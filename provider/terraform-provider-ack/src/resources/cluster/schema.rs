//! The schema of `ack_cluster`.

use ack_api::edition;
use ack_api::versions;
use tfplugin::modifiers::{RequiresReplace, UseStateForUnknown};
use tfplugin::validators::{Check, OneOf};
use tfplugin::{Attribute, Block, Nesting, Schema, Type, Value};

use crate::common;

fn computed_known(name: &str, ty: Type, description: &str) -> Attribute {
    Attribute::new(name, ty).computed().description(description)
}

pub fn schema() -> Schema {
    let editions = edition::names();
    Schema::new(
        Block::new()
            .description(
                "A managed Kubernetes cluster, ACK Standard or ACK Pro. Changing `edition` from `standard` to \
                 `pro` upgrades the cluster in place (MigrateCluster); the way back is refused at plan time.",
            )
            .attribute(
                Attribute::string("id")
                    .computed()
                    .description("Cluster ID, e.g. `c82e6987e2961451182edacd74faf3d4a`. Import with it.")
                    .plan_modifier(UseStateForUnknown),
            )
            .attribute(
                Attribute::string("name")
                    .required()
                    .description("Cluster name, unique in the region: 1-63 letters, digits, `-` or `_`, starting with a letter or digit. Renaming happens in place.")
                    .validator(crate::validation::name()),
            )
            .attribute(
                Attribute::string("edition")
                    .default_value("standard")
                    .description(format!(
                        "Cluster edition: `standard` (ACK Standard) or `pro` (ACK Pro). Default `standard`. \
                         `standard` → `pro` is an in-place upgrade; `pro` → `standard` is not possible. Allowed: {}.",
                        editions.iter().map(|e| format!("`{e}`")).collect::<Vec<_>>().join(", ")
                    ))
                    .validator(OneOf::new(editions)),
            )
            .attribute(
                Attribute::string("kubernetes_version")
                    .optional()
                    .computed()
                    .description(format!(
                        "Kubernetes version, e.g. `{}`. Default: the service's default for new clusters. Upgrades happen in place, one minor version at a time; downgrades and skipped minor versions are refused at plan time. Offered: {}.",
                        versions::DEFAULT,
                        versions::SUPPORTED.map(|v| format!("`{v}`")).join(", ")
                    ))
                    .validator(Check::new("An offered Kubernetes version.", |v: &Value| {
                        let s = v.as_str().unwrap_or_default();
                        if versions::is_supported(s) {
                            Ok(())
                        } else {
                            Err(versions::UpgradeError::Unsupported(s.to_owned()).to_string())
                        }
                    })),
            )
            .attribute(
                Attribute::new("vswitch_ids", Type::list(Type::String))
                    .optional()
                    .computed()
                    .description("IDs of the vSwitches (`vsw-…`) of the control plane, 1 to 5. Default: chosen by the service. Changing them replaces the cluster.")
                    .plan_modifier(UseStateForUnknown)
                    .plan_modifier(RequiresReplace)
                    .validator(crate::validation::vswitch_ids()),
            )
            .attribute(
                Attribute::string("service_cidr")
                    .optional()
                    .computed()
                    .description("CIDR block of Kubernetes services, e.g. `172.21.0.0/20`; must not overlap `pod_cidr`. Default: chosen by the service. Changing it replaces the cluster.")
                    .plan_modifier(UseStateForUnknown)
                    .plan_modifier(RequiresReplace)
                    .validator(crate::validation::cidr()),
            )
            .attribute(
                Attribute::string("pod_cidr")
                    .optional()
                    .computed()
                    .description("CIDR block of pods (`container_cidr` in the API), e.g. `172.20.0.0/16`; must not overlap `service_cidr`. Default: chosen by the service. Changing it replaces the cluster.")
                    .plan_modifier(UseStateForUnknown)
                    .plan_modifier(RequiresReplace)
                    .validator(crate::validation::cidr()),
            )
            .attribute(
                Attribute::bool("deletion_protection")
                    .default_value(false)
                    .description("Refuse to delete the cluster. While `true`, a planned destroy fails at plan time. Default `false`. Changes in place."),
            )
            .attribute(
                Attribute::nested(
                    "maintenance_window",
                    Nesting::Single,
                    vec![
                        Attribute::string("maintenance_time").required().description("Start of the window, UTC, e.g. `03:00:00Z`.").validator(crate::validation::maintenance_time()),
                        Attribute::string("duration").required().description("Length of the window, e.g. `3h`.").validator(crate::validation::maintenance_duration()),
                        Attribute::string("weekly_period").required().description("Days of the window, e.g. `Monday,Thursday`.").validator(crate::validation::weekly_period()),
                    ],
                )
                .optional()
                .description("Maintenance window for automatic operations (ACK Pro only; refused at plan time on `standard`). Changes in place."),
            )
            .attribute(
                Attribute::new("tags", common::map_type())
                    .optional()
                    .description("Tags of the cluster; the `acklabs:` key prefix is reserved for the provider's bookkeeping. Changes in place.")
                    .validator(crate::validation::tags()),
            )
            .attribute(computed_known("sla", Type::String, "API server availability commitment of the edition, e.g. `99.95%`. Known at plan time."))
            .attribute(computed_known("sla_compensation", Type::Bool, "Whether the SLA comes with compensation. Known at plan time."))
            .attribute(computed_known("max_nodes", Type::Number, "Node limit of the edition for this cluster. Known at plan time."))
            .attribute(computed_known("api_server_autoscaling", Type::Bool, "Whether the API server scales with load. Known at plan time."))
            .attribute(computed_known("etcd_disk_encryption", Type::Bool, "Whether etcd disks are encrypted. Known at plan time."))
            .attribute(
                Attribute::string("state")
                    .computed()
                    .description("Cluster state reported by the service, e.g. `running`.")
                    .plan_modifier(UseStateForUnknown),
            )
            .attribute(
                Attribute::string("api_server_endpoint")
                    .computed()
                    .description("Public URL of the Kubernetes API server.")
                    .plan_modifier(UseStateForUnknown),
            )
            .attribute(
                Attribute::string("created_at")
                    .computed()
                    .description("When the cluster was created (RFC 3339).")
                    .plan_modifier(UseStateForUnknown),
            )
            .block(common::timeouts_block("30m", "60m", "30m")),
    )
}
