//! The schema of `ack_cluster`.

use ack_api::edition;
use ack_api::rules::{self, RuleError};
use ack_api::versions;
use tfplugin::modifiers::{CreateOnly, KeepPriorState, RequiresReplace, UseStateForUnknown};
use tfplugin::validators::{Check, IntBetween, OneOf};
use tfplugin::{Attribute, Block, Nesting, Schema, Type, Value};

use crate::common;

/// A string checked by one of the API contract's rules.
fn rule(
    description: &'static str,
    f: fn(&str) -> Result<(), RuleError>,
) -> impl tfplugin::validators::Validator {
    Check::new(description, move |v: &Value| {
        f(v.as_str().unwrap_or_default()).map_err(|e| e.to_string())
    })
}

/// A list of strings, each checked by one of the API contract's rules.
fn list_rule(
    description: &'static str,
    f: fn(&str) -> Result<(), RuleError>,
) -> impl tfplugin::validators::Validator {
    Check::new(description, move |v: &Value| {
        for item in v.as_elements().into_iter().flatten() {
            if let Some(s) = item.as_str() {
                f(s).map_err(|e| e.to_string())?;
            }
        }
        Ok(())
    })
}

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
                        "Kubernetes version, e.g. `{}`. Default: the service's default for new clusters. Upgrades happen in place, one minor version at a time; downgrades and skipped minor versions are refused at plan time. An upgrade changes the control plane only: node pools follow through their own `kubernetes_version` (upgraded after the cluster in the same apply), and an upgrade that would leave a pool more than {} minor versions behind is refused. Offered: {}.",
                        versions::DEFAULT,
                        versions::MAX_NODE_MINOR_LAG,
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
                Attribute::string("vpc_id")
                    .optional()
                    .computed()
                    .description("ID of the VPC (`vpc-…`) the cluster goes into, with `vswitch_ids`. Set these two, or `zone_ids` for a VPC the service creates. Changing it replaces the cluster.")
                    .plan_modifier(UseStateForUnknown)
                    .plan_modifier(RequiresReplace)
                    .validator(rule("A VPC ID such as `vpc-bp1a2b3c4d5e6f7g8h9i0`.", rules::vpc_id)),
            )
            .attribute(
                Attribute::new("vswitch_ids", Type::list(Type::String))
                    .optional()
                    .computed()
                    .description("IDs of the vSwitches (`vsw-…`) of the control plane, 1 to 5, in `vpc_id`. With `zone_ids`, the service's. Changes in place (ModifyCluster; the control plane restarts).")
                    .plan_modifier(UseStateForUnknown)
                    .validator(crate::validation::vswitch_ids()),
            )
            .attribute(
                Attribute::new("zone_ids", Type::list(Type::String))
                    .optional()
                    .description("Zones (e.g. `cn-hangzhou-i`) in which the service creates a VPC and vSwitches for the cluster, instead of `vpc_id` and `vswitch_ids`. Changing them replaces the cluster.")
                    .plan_modifier(CreateOnly)
                    .validator(list_rule("Zone IDs such as `cn-hangzhou-i`.", rules::zone_id)),
            )
            .attribute(
                Attribute::string("network_plugin")
                    .default_value("flannel")
                    .description("Network plugin, installed as the cluster's network addon: `flannel` (pods get addresses from `pod_cidr`), `terway-eniip` or `terway-eni` (pods get VPC addresses from `pod_vswitch_ids`). Default `flannel`. Changing it replaces the cluster.")
                    .plan_modifier(CreateOnly)
                    .validator(OneOf::new(rules::NETWORK_PLUGINS)),
            )
            .attribute(
                Attribute::new("pod_vswitch_ids", Type::list(Type::String))
                    .optional()
                    .description("Terway: vSwitches pods take their addresses from, each in a zone of the cluster's vSwitches. Required with Terway, refused with Flannel. Changing them replaces the cluster.")
                    .plan_modifier(CreateOnly)
                    .validator(crate::validation::vswitch_ids()),
            )
            .attribute(
                Attribute::string("service_cidr")
                    .optional()
                    .computed()
                    .description("CIDR block of Kubernetes services, e.g. `172.21.0.0/20`: a private block with a /16 to /24 prefix, outside the VPC and `pod_cidr`. Default: chosen by the service. Changing it replaces the cluster.")
                    .plan_modifier(UseStateForUnknown)
                    .plan_modifier(RequiresReplace)
                    .validator(rule("A private CIDR block with a /16 to /24 prefix, such as `172.21.0.0/20`.", rules::service_cidr)),
            )
            .attribute(
                Attribute::string("pod_cidr")
                    .optional()
                    .description("Flannel: CIDR block of pods (`container_cidr` in the API), e.g. `172.20.0.0/16`: a private block outside the VPC and `service_cidr`. Required with Flannel, refused with Terway. Changing it replaces the cluster.")
                    .plan_modifier(RequiresReplace)
                    .validator(rule("A private CIDR block such as `172.20.0.0/16`.", rules::pod_cidr)),
            )
            .attribute(
                Attribute::number("node_cidr_mask")
                    .optional()
                    .computed()
                    .description("Flannel: prefix length of each node's share of `pod_cidr`, 24-28 (the number of pods per node). Default `26`; none with Terway. Changing it replaces the cluster.")
                    .plan_modifier(KeepPriorState)
                    .plan_modifier(RequiresReplace)
                    .validator(IntBetween(24, 28)),
            )
            .attribute(
                Attribute::string("proxy_mode")
                    .default_value("ipvs")
                    .description("kube-proxy mode: `ipvs` or `iptables`. Default `ipvs`. Changing it replaces the cluster.")
                    .plan_modifier(RequiresReplace)
                    .validator(OneOf::new(["ipvs", "iptables"])),
            )
            .attribute(
                Attribute::string("ip_stack")
                    .default_value("ipv4")
                    .description("IP stack: `ipv4` or `dual`. Default `ipv4`. Changing it replaces the cluster.")
                    .plan_modifier(RequiresReplace)
                    .validator(OneOf::new(["ipv4", "dual"])),
            )
            .attribute(
                Attribute::string("cluster_domain")
                    .default_value("cluster.local")
                    .description("The cluster's local DNS domain. Default `cluster.local`. Changing it replaces the cluster.")
                    .plan_modifier(RequiresReplace)
                    .validator(rule("A DNS domain such as `cluster.local`.", rules::cluster_domain)),
            )
            .attribute(
                Attribute::string("security_group_id")
                    .optional()
                    .computed()
                    .description("Security group (`sg-…`) of the VPC for the cluster's nodes and control plane. Default: one the service creates (see `is_enterprise_security_group`). Changes in place.")
                    .plan_modifier(UseStateForUnknown)
                    .validator(rule("A security group ID such as `sg-bp1a2b3c4d5e6f7g8h9i0`.", rules::security_group_id)),
            )
            .attribute(
                Attribute::bool("is_enterprise_security_group")
                    .optional()
                    .computed()
                    .description("Without `security_group_id`: whether the security group the service creates is an enterprise one (the service's default, `true`; recommended with Terway). Refused together with `security_group_id`; left out, the service's choice is recorded. Changing a set value replaces the cluster.")
                    .plan_modifier(UseStateForUnknown)
                    .plan_modifier(CreateOnly),
            )
            .attribute(
                Attribute::bool("endpoint_public_access")
                    .default_value(false)
                    .description("Expose the API server on the Internet through an EIP (`api_server_endpoint`). Default `false`, as the API: the API server is reachable only inside the VPC (`api_server_internal_endpoint`). Changes in place.")
            )
            .attribute(
                Attribute::bool("snat_entry")
                    .default_value(false)
                    .description("Create a NAT gateway and SNAT rules so that nodes and pods reach the Internet. Default `false`, as the API. Set at create only: changing it replaces the cluster.")
                    .plan_modifier(CreateOnly),
            )
            .attribute(
                Attribute::new("extra_sans", Type::list(Type::String))
                    .optional()
                    .description("Extra Subject Alternative Names (IP addresses or DNS names) of the API server's certificate. Changes in place.")
                    .validator(list_rule("IP addresses or DNS names.", rules::extra_san)),
            )
            .attribute(
                Attribute::string("resource_group_id")
                    .optional()
                    .computed()
                    .description("Resource group (`rg-…`) of the cluster. Default: the account's default group. Changes in place.")
                    .plan_modifier(UseStateForUnknown)
                    .validator(rule("A resource group ID such as `rg-acfmzabcdefghij`.", rules::resource_group_id)),
            )
            .attribute(
                Attribute::string("timezone")
                    .optional()
                    .computed()
                    .description("Time zone of the control plane, e.g. `Asia/Shanghai`. Default: the service's. Changes in place.")
                    .plan_modifier(UseStateForUnknown)
                    .validator(rule("A time zone such as `Asia/Shanghai`.", rules::timezone)),
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
                Attribute::nested(
                    "operation_policy",
                    Nesting::Single,
                    vec![
                        Attribute::bool("auto_upgrade").required().description("Let the service upgrade the control plane by itself. While on, a `kubernetes_version` the service moved past is not a diff."),
                        Attribute::string("channel").optional().description("How far automatic upgrades go: `patch`, `stable` or `rapid`.").validator(OneOf::new(["patch", "stable", "rapid"])),
                    ],
                )
                .optional()
                .description("Automatic operations of the cluster. Changes in place."),
            )
            .attribute(
                Attribute::bool("rrsa_enabled")
                    .default_value(false)
                    .description("RAM Roles for Service Accounts (OIDC): pods assume RAM roles through service account tokens. Default `false`. Changes in place; `rrsa_issuer` and `rrsa_oidc_provider_arn` then say how to trust the cluster."),
            )
            .attribute(
                Attribute::nested(
                    "control_plane_logs",
                    Nesting::Single,
                    vec![
                        Attribute::new("components", Type::list(Type::String)).required().description(format!(
                            "Control-plane components whose logs are collected: {}.",
                            rules::CONTROL_PLANE_LOG_COMPONENTS.map(|c| format!("`{c}`")).join(", ")
                        )).validator(list_rule("Control-plane log components such as `apiserver`.", rules::control_plane_log_component)),
                        Attribute::string("project").optional().description("SLS project the logs go to. Default: `k8s-log-<cluster ID>`, created by the service."),
                        Attribute::number("ttl_days").default_value(30).description("Days the logs are kept, 1-3000. Default `30`.").validator(IntBetween(1, 3000)),
                    ],
                )
                .optional()
                .description("Collect control-plane component logs in Simple Log Service. Changes in place (UpdateControlPlaneLog); removing it stops the collection."),
            )
            .attribute(
                Attribute::nested(
                    "audit_log",
                    Nesting::Single,
                    vec![
                        Attribute::bool("enabled").required().description("Record the API server's audit log."),
                        Attribute::string("sls_project_name").optional().description("SLS project of the audit log. Default: `k8s-log-<cluster ID>`."),
                    ],
                )
                .optional()
                .description("The API server's audit log in Simple Log Service. Changes in place (UpdateClusterAuditLogConfig)."),
            )
            .attribute(
                Attribute::nested(
                    "addons",
                    Nesting::List,
                    vec![
                        Attribute::string("name").required().description("Addon name, e.g. `csi-plugin`, `loongcollector` or `nginx-ingress-controller`. The network plugin is `network_plugin`'s, not an entry here."),
                        Attribute::string("config").optional().description("Its configuration, a JSON string."),
                        Attribute::string("version").optional().description("Its version; default the newest the cluster supports."),
                        Attribute::bool("disabled").optional().description("Leave out an addon the service installs by default."),
                    ],
                )
                .optional()
                .plan_modifier(CreateOnly)
                .description("Addons installed with the cluster (CreateCluster's `addons`, beside the network plugin). Set at create only: changing the list replaces the cluster; manage addons of a running cluster with `ack_addon`."),
            )
            .attribute(
                Attribute::nested(
                    "delete_options",
                    Nesting::List,
                    vec![
                        Attribute::string("resource_type").required().description("`SLB`, `ALB`, `SLS_Data`, `SLS_ControlPlane` or `PrivateZone`.").validator(OneOf::new(["SLB", "ALB", "SLS_Data", "SLS_ControlPlane", "PrivateZone"])),
                        Attribute::string("delete_mode").required().description("`delete` or `retain`.").validator(OneOf::new(["delete", "retain"])),
                    ],
                )
                .optional()
                .description("What happens, when the cluster is destroyed, to the resources it created (load balancers, log projects, DNS zones). Used at destroy only; changing it changes nothing else (apply it before the destroy)."),
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
                    .description("Public (Internet) URL of the Kubernetes API server; empty while `endpoint_public_access` is `false`."),
            )
            .attribute(
                Attribute::string("api_server_internal_endpoint")
                    .computed()
                    .description("URL of the Kubernetes API server inside the VPC.")
                    .plan_modifier(UseStateForUnknown),
            )
            .attribute(
                Attribute::string("rrsa_issuer")
                    .computed()
                    .description("OIDC issuer URL of the cluster's service account tokens while `rrsa_enabled`; empty otherwise."),
            )
            .attribute(
                Attribute::string("rrsa_oidc_provider_arn")
                    .computed()
                    .description("ARN of the RAM OIDC provider for RRSA while `rrsa_enabled`; empty otherwise."),
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
