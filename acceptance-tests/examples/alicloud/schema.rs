//! The schemas of alicloud's ACK resources as the stand-in serves them:
//! the attributes (with alicloud's names and SDKv2 types: blocks are lists
//! of objects) that state files of those resources hold.

use tfplugin::{Attribute, Block, NestedBlock, Nesting, Schema, Type};

/// An attribute list in a compact form: `name:kind`, kind `s` string,
/// `n` number, `b` bool, `ls` list of strings, `ms` map of strings.
fn attrs(mut block: Block, spec: &[&str]) -> Block {
    for item in spec {
        let (name, kind) = item.split_once(':').unwrap_or((item, "s"));
        let ty = match kind {
            "n" => Type::Number,
            "b" => Type::Bool,
            "ls" => Type::list(Type::String),
            "ms" => Type::map(Type::String),
            _ => Type::String,
        };
        let mut a = Attribute::new(name, ty).description(format!("alicloud's `{name}`."));
        a = if name == "id" {
            a.computed()
        } else {
            a.optional().computed()
        };
        block = block.attribute(a);
    }
    block
}

fn list(name: &str, spec: &[&str]) -> NestedBlock {
    NestedBlock::new(name, Nesting::List, attrs(Block::new(), spec))
}

fn timeouts() -> NestedBlock {
    NestedBlock::new(
        "timeouts",
        Nesting::Single,
        attrs(Block::new(), &["create", "update", "delete"]),
    )
}

const CLUSTER: &[&str] = &[
    "id",
    "name",
    "name_prefix",
    "profile",
    "cluster_spec",
    "version",
    "vpc_id",
    "vswitch_ids:ls",
    "worker_vswitch_ids:ls",
    "zone_ids:ls",
    "pod_vswitch_ids:ls",
    "pod_cidr",
    "service_cidr",
    "node_cidr_mask:n",
    "new_nat_gateway:b",
    "slb_internet_enabled:b",
    "proxy_mode",
    "ip_stack",
    "cluster_domain",
    "security_group_id",
    "is_enterprise_security_group:b",
    "resource_group_id",
    "timezone",
    "deletion_protection:b",
    "custom_san",
    "enable_rrsa:b",
    "tags:ms",
    "control_plane_log_components:ls",
    "control_plane_log_project",
    "control_plane_log_ttl",
    "nat_gateway_id",
    "slb_id",
    "slb_internet",
    "slb_intranet",
    "worker_ram_role_name",
    "load_balancer_spec",
    "encryption_provider_key",
    "connections:ms",
    "skip_set_certificate_authority:b",
    "user_ca",
    "service_account_issuer",
    "api_audiences:ls",
    "master_vswitch_ids:ls",
    "master_instance_types:ls",
];

/// `alicloud_cs_managed_kubernetes` and the deprecated `alicloud_cs_kubernetes`.
pub fn cluster() -> Schema {
    let block = attrs(Block::new(), CLUSTER)
        .block(list(
            "maintenance_window",
            &["enable:b", "maintenance_time", "duration", "weekly_period"],
        ))
        .block(NestedBlock::new(
            "operation_policy",
            Nesting::List,
            Block::new().block(list("cluster_auto_upgrade", &["enabled:b", "channel"])),
        ))
        .block(list("audit_log_config", &["enabled:b", "sls_project_name"]))
        .block(list("addons", &["name", "config", "version", "disabled:b"]))
        .block(list("delete_options", &["resource_type", "delete_mode"]))
        .block(list(
            "rrsa_metadata",
            &[
                "enabled:b",
                "rrsa_oidc_issuer_url",
                "ram_oidc_provider_name",
                "ram_oidc_provider_arn",
            ],
        ))
        .block(timeouts());
    Schema::new(block)
}

const POOL: &[&str] = &[
    "id",
    "cluster_id",
    "node_pool_name",
    "name",
    "node_pool_id",
    "scaling_group_id",
    "type",
    "resource_group_id",
    "desired_size",
    "node_count:n",
    "instance_types:ls",
    "vswitch_ids:ls",
    "instance_charge_type",
    "system_disk_category",
    "system_disk_size:n",
    "image_type",
    "image_id",
    "key_name",
    "security_group_ids:ls",
    "runtime_name",
    "runtime_version",
    "tags:ms",
    "multi_az_policy",
    "scaling_policy",
    "install_cloud_monitor:b",
    "unschedulable:b",
    "cpu_policy",
];

/// `alicloud_cs_kubernetes_node_pool`.
pub fn node_pool() -> Schema {
    let block = attrs(Block::new(), POOL)
        .block(list(
            "scaling_config",
            &[
                "enable:b",
                "min_size:n",
                "max_size:n",
                "type",
                "is_bond_eip:b",
                "eip_bandwidth:n",
                "eip_internet_charge_type",
            ],
        ))
        .block(list("labels", &["key", "value"]))
        .block(list("taints", &["key", "value", "effect"]))
        .block(list(
            "management",
            &[
                "enable:b",
                "auto_repair:b",
                "auto_upgrade:b",
                "auto_vul_fix:b",
                "max_unavailable:n",
                "surge:n",
                "surge_percentage:n",
            ],
        ))
        .block(list(
            "data_disks",
            &[
                "category",
                "size:n",
                "encrypted",
                "performance_level",
                "kms_key_id",
                "device",
                "name",
            ],
        ))
        .block(timeouts());
    Schema::new(block)
}

/// `alicloud_cs_kubernetes_addon`.
pub fn addon() -> Schema {
    let block = attrs(
        Block::new(),
        &[
            "id",
            "cluster_id",
            "name",
            "version",
            "config",
            "cleanup_cloud_resources:b",
            "required:b",
            "next_version",
            "can_upgrade:b",
        ],
    )
    .block(timeouts());
    Schema::new(block)
}
