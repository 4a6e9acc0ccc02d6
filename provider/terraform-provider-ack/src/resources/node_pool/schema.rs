//! The schema of `ack_node_pool`.

use ack_api::rules::{MAX_AUTOSCALING_SIZE, MAX_DESIRED_SIZE};
use tfplugin::modifiers::UseStateForUnknown;
use tfplugin::validators::{IntBetween, OneOf};
use tfplugin::{Attribute, Block, Nesting, Schema, Type};

use crate::common;

pub fn schema() -> Schema {
    let mut nodes = super::schema_nodes::attributes();
    nodes.extend(super::schema_k8s::attributes());
    Schema::new(
        nodes.into_iter().fold(Block::new(), Block::attribute)
            .description("A node pool of a cluster. Sizes, instance types, labels, taints and managed settings change in place.")
            .attribute(Attribute::string("id").computed().description("`<cluster_id>:<node_pool_id>`; the import ID.").plan_modifier(UseStateForUnknown))
            .attribute(Attribute::string("cluster_name").required().description(
                "Name of the cluster, usually `ack_cluster.<name>.name`. Known at plan time even for a new cluster, so the pool is checked against the cluster's planned edition. Pointing it at another cluster replaces the pool; renaming the same cluster does not.",
            ).validator(crate::validation::cluster_reference()))
            .attribute(Attribute::string("name").required().description("Node pool name, unique in the cluster: 1-63 letters, digits, `-` or `_`. Renaming happens in place.").validator(crate::validation::name()))
            .attribute(
                Attribute::new("instance_types", Type::list(Type::String))
                    .required()
                    .description("ECS instance types, 1 to 10, e.g. `[\"ecs.g7.xlarge\"]`. Changes in place.")
                    .validator(crate::validation::instance_types()),
            )
            .attribute(Attribute::number("desired_size").optional().description(format!("Number of nodes, 0-{MAX_DESIRED_SIZE}, when not autoscaling. Exactly one of `desired_size` and `autoscaling`. Changes in place.")).validator(IntBetween(0, MAX_DESIRED_SIZE as i64)))
            .attribute(
                Attribute::nested(
                    "autoscaling",
                    Nesting::Single,
                    vec![
                        Attribute::number("min_size").required().description(format!("Fewest nodes, 0-{MAX_DESIRED_SIZE}.")).validator(IntBetween(0, MAX_DESIRED_SIZE as i64)),
                        Attribute::number("max_size").required().description(format!("Most nodes, 1-{MAX_AUTOSCALING_SIZE}; counts against the edition's node limit.")).validator(IntBetween(1, MAX_AUTOSCALING_SIZE as i64)),
                    ],
                )
                .optional()
                .description("Let the cluster autoscaler size the pool. Exactly one of `desired_size` and `autoscaling`. Changes in place."),
            )
            .attribute(Attribute::string("accelerator").default_value("none").description("Accelerator of the nodes: `none`, `gpu` or `npu`. Default `none`. Changes in place.").validator(OneOf::new(["none", "gpu", "npu"])))
            .attribute(
                Attribute::new("labels", common::map_type())
                    .optional()
                    .description("Kubernetes labels of the nodes; keys and values follow Kubernetes' rules, and the `acklabs.io/` prefix is reserved for the provider. Changes in place.")
                    .validator(crate::validation::labels()),
            )
            .attribute(
                Attribute::nested(
                    "taints",
                    Nesting::List,
                    vec![
                        Attribute::string("key").required().description("Taint key, e.g. `dedicated` or `example.com/gpu`.").validator(crate::validation::taint_key()),
                        Attribute::string("value").optional().description("Taint value, e.g. `gpu`; may be left out.").validator(crate::validation::taint_value()),
                        Attribute::string("effect").required().description("`NoSchedule`, `PreferNoSchedule` or `NoExecute`.").validator(crate::validation::taint_effect()),
                    ],
                )
                .optional()
                .description("Kubernetes taints of the nodes, at most one per key and effect. Changes in place.")
                .validator(crate::validation::DistinctTaints),
            )
            .attribute(
                Attribute::nested(
                    "managed",
                    Nesting::Single,
                    vec![
                        Attribute::bool("auto_repair").default_value(true).description("Repair failed nodes automatically. Default `true`."),
                        Attribute::bool("auto_upgrade").default_value(true).description("Upgrade kubelet automatically. Default `true`."),
                        Attribute::bool("auto_vul_fix").default_value(true).description("Patch CVEs automatically. Default `true`."),
                        Attribute::number("max_unavailable").default_value(1).description("Nodes that may be unavailable at once during maintenance, 1-1000. Default `1`.").validator(IntBetween(1, 1000)),
                        Attribute::number("surge").optional().description("Extra nodes an upgrade adds while it replaces nodes, 0-1000; not with `surge_percentage`.").validator(IntBetween(0, 1000)),
                        Attribute::number("surge_percentage").optional().description("Extra nodes an upgrade adds, as a percentage of the pool, 0-100; not with `surge`.").validator(IntBetween(0, 100)),
                        Attribute::nested("auto_repair_policy", Nesting::Single, vec![
                            Attribute::bool("restart_node").optional().description("Repairs may restart nodes; the service's default is `false`."),
                        ]).optional().description("How failed nodes are repaired."),
                        Attribute::nested("auto_upgrade_policy", Nesting::Single, vec![
                            Attribute::bool("auto_upgrade_kubelet").optional().description("Upgrade the kubelet; the service's default is `true`."),
                            Attribute::bool("auto_upgrade_os").optional().description("Upgrade the operating system; the service's default is `false`."),
                            Attribute::bool("auto_upgrade_runtime").optional().description("Upgrade the container runtime; the service's default is `false`."),
                        ]).optional().description("What automatic upgrades upgrade."),
                        Attribute::nested("auto_vul_fix_policy", Nesting::Single, vec![
                            Attribute::bool("restart_node").optional().description("CVE fixes may restart nodes; the service's default is `false`."),
                            Attribute::string("vul_level").optional().description("CVE levels fixed: a comma list of `asap`, `later` and `nntf`; the service's default is `asap`.").validator(tfplugin::validators::Check::new("A comma list of `asap`, `later`, `nntf`.", |v: &tfplugin::Value| match v.as_str() { Some(s) => ack_api::rules::vul_level(s).map_err(|e| e.to_string()), None => Ok(()) })),
                        ]).optional().description("Which CVEs are patched automatically."),
                    ],
                )
                .optional()
                .description("Managed node pool: automatic repair, upgrades and CVE fixes (ACK Pro only; refused at plan time on `standard`). Changes in place."),
            )
            .attribute(Attribute::bool("force_delete").default_value(false).description("Destroy removes the pool's nodes even when they cannot be drained (pods whose disruption budget allows no eviction). Default `false`: a destroy waits for the drain and, when it cannot finish within the delete timeout, fails saying why. Used at destroy only; changing it changes nothing remote."))
            .attribute(Attribute::string("cluster_id").computed().description("ID of the cluster the pool belongs to."))
            .attribute(Attribute::string("node_pool_id").computed().description("Node pool ID.").plan_modifier(UseStateForUnknown))
            .attribute(Attribute::number("node_count").computed().description("Nodes in the pool. Known at plan time for a fixed `desired_size`."))
            .attribute(Attribute::string("state").computed().description("Pool state reported by the service, e.g. `active`.").plan_modifier(UseStateForUnknown))
            .block(common::timeouts_block("30m", "30m", "30m")),
    )
}
