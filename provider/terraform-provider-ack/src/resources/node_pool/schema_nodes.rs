//! The attributes of `ack_node_pool` that describe its nodes: placement and
//! billing, login, image and disks (the API's `scaling_group`), with the
//! values the API accepts (`ack_api::rules`).

use ack_api::rules::{self, RuleError};
use tfplugin::modifiers::{RequiresReplace, RequiresReplaceIf};
use tfplugin::validators::{Check, IntBetween, OneOf};
use tfplugin::{Attribute, Nesting, Type, Value};

use crate::common::{self, listed};

fn rule(
    description: &'static str,
    f: fn(&str) -> Result<(), RuleError>,
) -> impl tfplugin::validators::Validator {
    Check::new(description, move |v: &Value| match v.as_str() {
        Some(s) => f(s).map_err(|e| e.to_string()),
        None => Ok(()),
    })
}

fn each(
    description: &'static str,
    f: fn(&str) -> Result<(), RuleError>,
) -> impl tfplugin::validators::Validator {
    Check::new(description, move |v: &Value| {
        for s in v
            .as_elements()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
        {
            f(s).map_err(|e| e.to_string())?;
        }
        Ok(())
    })
}

/// The API keeps a value a ModifyClusterNodePool leaves out: removing it
/// from the configuration cannot be done in place, so it replaces the pool.
fn unset_replaces() -> RequiresReplaceIf<fn(&Value, &Value) -> bool> {
    fn removed(prior: &Value, planned: &Value) -> bool {
        let empty = |v: &Value| v.is_null() || v.as_elements().is_some_and(|e| e.is_empty());
        !empty(prior) && empty(planned)
    }
    RequiresReplaceIf::new(
        "Changes in place; removing it replaces the node pool (the API keeps a value an update leaves out).",
        removed as fn(&Value, &Value) -> bool,
    )
}

fn string(name: &str, description: String) -> Attribute {
    Attribute::string(name)
        .optional()
        .description(description)
        .plan_modifier(unset_replaces())
}

fn number(name: &str, description: String, min: i64, max: i64) -> Attribute {
    Attribute::number(name)
        .optional()
        .description(description)
        .validator(IntBetween(min, max))
        .plan_modifier(unset_replaces())
}

fn boolean(name: &str, description: &str) -> Attribute {
    Attribute::bool(name)
        .optional()
        .description(description)
        .plan_modifier(unset_replaces())
}

fn data_disk_attributes() -> Vec<Attribute> {
    vec![
        Attribute::string("category").default_value("cloud_efficiency").description(format!("Disk category: {}. Default `cloud_efficiency`.", listed(&rules::DATA_DISK_CATEGORIES))).validator(OneOf::new(rules::DATA_DISK_CATEGORIES)),
        Attribute::number("size").required().description(format!("Size in GiB, {}-{} (ESSD PL2 from 461, PL3 from 1261; `cloud` up to 2000). Ignored by the service when `snapshot_id` is set.", rules::DATA_DISK_SIZE.0, rules::DATA_DISK_SIZE.1)),
        Attribute::string("performance_level").optional().description(format!("ESSD performance level: {}. Only with `cloud_essd`.", listed(&rules::PERFORMANCE_LEVELS))).validator(OneOf::new(rules::PERFORMANCE_LEVELS)),
        Attribute::bool("encrypted").default_value(false).description("Encrypt the disk. Default `false`."),
        Attribute::string("kms_key_id").optional().description("KMS key that encrypts the disk (with `encrypted = true`); the service's default key when left out.").validator(rule("A KMS key ID such as `key-hzz62f1cb66fa42qo9wsx`.", rules::kms_key_id)),
        Attribute::string("snapshot_id").optional().description("Snapshot the disk is created from, e.g. `s-bp1…`."),
        Attribute::string("mount_target").optional().description("Where the node mounts the disk, e.g. `/var/lib/data`."),
        Attribute::bool("auto_format").optional().description("Format and mount the disk automatically."),
        Attribute::string("file_system").optional().description(format!("File system with `auto_format`: {}.", listed(&rules::FILE_SYSTEMS))).validator(OneOf::new(rules::FILE_SYSTEMS)),
    ]
}

/// Placement, billing, login, image and disk attributes.
pub fn attributes() -> Vec<Attribute> {
    vec![
        Attribute::new("vswitch_ids", Type::list(Type::String)).required().description(format!("vSwitches the nodes are placed in, 1 to {}, all in the cluster's VPC (e.g. `[\"vsw-ack00000000000000001\"]` in the emulator's default network); several zones for availability. Changes in place.", rules::MAX_VSWITCHES)).validator(crate::validation::vswitch_ids()),
        Attribute::string("instance_charge_type").required().description("Billing of the nodes: `PostPaid` (pay-as-you-go) or `PrePaid` (subscription, with `period`). Changes in place.").validator(OneOf::new(rules::CHARGE_TYPES)),
        number("period", format!("Subscription length for `PrePaid` (required there, refused with `PostPaid`): {} months, or 1-4 weeks with `period_unit = \"Week\"`. Changes in place.", rules::MONTH_PERIODS.iter().map(u32::to_string).collect::<Vec<_>>().join(", ")), 1, 60),
        string("period_unit", "Unit of `period`: `Month` (the service's default) or `Week`. Only with `PrePaid`.".into()).validator(OneOf::new(rules::PERIOD_UNITS)),
        boolean("auto_renew", "Renew subscriptions automatically (`PrePaid`); the service's default is `false`."),
        number("auto_renew_period", "Length of each automatic renewal in `period_unit`s: 1, 2, 3, 6, 12, 24, 36, 48 or 60 months, or 1-3 weeks.".into(), 1, 60),
        string("spot_strategy", format!("Spot instances: {}. The service's default is `NoSpot`.", listed(&rules::SPOT_STRATEGIES))).validator(OneOf::new(rules::SPOT_STRATEGIES)),
        Attribute::nested("spot_price_limit", Nesting::List, vec![
            Attribute::string("instance_type").required().description("One of the pool's `instance_types`."),
            Attribute::string("price_limit").required().description("Highest price per hour, as a decimal string, e.g. `\"0.5\"`."),
        ]).optional().description("Highest price per instance type, with `spot_strategy = \"SpotWithPriceLimit\"` (required there). Changes in place; removing it replaces the node pool.").plan_modifier(unset_replaces()),
        number("spot_instance_pools", "Cheapest instance types spot instances are spread over, 1-10.".into(), 1, 10),
        boolean("spot_instance_remedy", "Replace spot instances about to be reclaimed."),
        number("on_demand_base_capacity", "Pay-as-you-go instances the pool keeps before any spot instance, 0-1000.".into(), 0, 1000),
        number("on_demand_percentage_above_base_capacity", "Share of pay-as-you-go instances beyond `on_demand_base_capacity`, 0-100 (percent).".into(), 0, 100),
        boolean("compensate_with_on_demand", "With `multi_az_policy = \"COST_OPTIMIZED\"`: create pay-as-you-go instances when spot instances cannot be had."),
        string("multi_az_policy", format!("How nodes spread over the vSwitches' zones: {}. The service's default is `PRIORITY`.", listed(&rules::MULTI_AZ_POLICIES))).validator(OneOf::new(rules::MULTI_AZ_POLICIES)),
        Attribute::new("security_group_ids", Type::list(Type::String)).optional().description("Security groups of the nodes, of the cluster's VPC; the cluster's group when left out. Changes in place; removing them replaces the node pool.").validator(each("Security group IDs such as `sg-bp1a2b3c4d5e6f7g8h9i0`.", rules::security_group_id)).plan_modifier(unset_replaces()),
        Attribute::string("ram_role_name").optional().description("RAM role of the nodes (a normal service role trusted by ECS); the cluster's worker role when left out. Changing it replaces the node pool.").plan_modifier(RequiresReplace),
        string("deployment_set_id", "Deployment set that spreads the nodes over physical servers (the API's `deploymentset_id`). Changes in place.".into()),
        string("internet_charge_type", format!("Billing of the nodes' public addresses: {}.", listed(&rules::INTERNET_CHARGE_TYPES))).validator(OneOf::new(rules::INTERNET_CHARGE_TYPES)),
        number("internet_max_bandwidth_out", "Outbound public bandwidth of each node in Mbit/s, 1-100; no public address when left out.".into(), 1, 100),
        Attribute::new("tags", common::map_type()).optional().description("ECS tags of the nodes (not Kubernetes labels); keys may not start with `aliyun`, `acs:` or `acklabs:`. Changes in place.").validator(crate::validation::tags()),
        string("resource_group_id", "Resource group of the nodes, e.g. `rg-acfmzabcdefghij`; the account's default group when left out. Changes in place.".into()).validator(rule("A resource group ID such as `rg-acfmzabcdefghij`.", rules::resource_group_id)),
        Attribute::string("key_pair").optional().description("Key pair for logging into the nodes (e.g. `ack-keypair`, the emulator's default). Exactly one of `key_pair` and `login_password_wo`; managed pools need a key pair. Changes in place."),
        Attribute::string("login_password_wo").optional().sensitive().write_only().description("Password for logging into the nodes (Terraform 1.11+; write-only: never stored in the state or plan). 8-30 characters with at least three of upper-case letters, lower-case letters, digits and `()`~!@#$%^&*-_+=|{}[]:;'<>,.?/`. Exactly one of `key_pair` and `login_password_wo`; not for managed pools. Sent at create, and again only when `login_password_wo_version` changes.").validator(rule("8-30 characters, at least three kinds.", rules::login_password)),
        Attribute::number("login_password_wo_version").optional().description("Change it (e.g. 1 → 2) to send a new `login_password_wo` in place: Terraform cannot see a change of a write-only value."),
        string("image_type", format!("Operating system image of the nodes: {}.", listed(&rules::IMAGE_TYPES))).validator(OneOf::new(rules::IMAGE_TYPES)),
        string("image_id", "Custom image of the nodes, e.g. `aliyun_3_x64_20G_alibase_20240819.vhd`. Changes in place.".into()),
        Attribute::string("system_disk_category").default_value("cloud_efficiency").description(format!("System disk category: {}. Default `cloud_efficiency` (the service's). Changes in place.", listed(&rules::SYSTEM_DISK_CATEGORIES))).validator(OneOf::new(rules::SYSTEM_DISK_CATEGORIES)),
        Attribute::number("system_disk_size").default_value(120).description(format!("System disk size in GiB, {}-{} (ESSD PL2 from 461, PL3 from 1261). Default `120`. Changes in place.", rules::SYSTEM_DISK_SIZE.0, rules::SYSTEM_DISK_SIZE.1)).validator(IntBetween(i64::from(rules::SYSTEM_DISK_SIZE.0), i64::from(rules::SYSTEM_DISK_SIZE.1))),
        string("system_disk_performance_level", format!("ESSD performance level of the system disk: {}. Only with `cloud_essd`.", listed(&rules::PERFORMANCE_LEVELS))).validator(OneOf::new(rules::PERFORMANCE_LEVELS)),
        Attribute::bool("system_disk_encrypted").default_value(false).description("Encrypt the system disk. Default `false`. Changes in place."),
        string("system_disk_kms_key_id", "KMS key that encrypts the system disk (with `system_disk_encrypted = true`).".into()).validator(rule("A KMS key ID such as `key-hzz62f1cb66fa42qo9wsx`.", rules::kms_key_id)),
        Attribute::nested("data_disks", Nesting::List, data_disk_attributes()).optional().description("Data disks of each node, at most 16. Changes in place (new nodes get the new disks); removing them all replaces the node pool.").plan_modifier(unset_replaces()),
    ]
}
