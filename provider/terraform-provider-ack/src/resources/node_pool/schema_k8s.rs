//! The attributes of `ack_node_pool` for Kubernetes on the nodes: runtime,
//! CPU policy, user data, scheduling, node names and the kubelet.

use ack_api::rules;
use tfplugin::modifiers::RequiresReplace;
use tfplugin::validators::{Check, IntBetween, OneOf};
use tfplugin::{Attribute, Nesting, Type, Value};

use super::kube::SameScript;
use crate::common::{self, listed};

fn script(name: &str, when: &str) -> Attribute {
    Attribute::string(name)
        .optional()
        .computed()
        .description(format!("Script each node runs {when}: the text itself (e.g. `file(\"init.sh\")`) or its Base64 (alicloud's convention), sent Base64-encoded. Compared as it runs, so line ends, trailing blanks or switching between text and Base64 plan no change. Changes in place (new nodes run the new script); removing it replaces the node pool."))
        .plan_modifier(SameScript)
}

fn kubelet() -> Vec<Attribute> {
    let map = |name: &str, d: &str| {
        Attribute::new(name, common::map_type())
            .optional()
            .description(d)
    };
    vec![
        Attribute::string("cpu_manager_policy").optional().description(format!("kubelet `cpuManagerPolicy`: {}.", listed(&rules::CPU_MANAGER_POLICIES))).validator(OneOf::new(rules::CPU_MANAGER_POLICIES)),
        Attribute::string("topology_manager_policy").optional().description(format!("kubelet `topologyManagerPolicy`: {}.", listed(&rules::TOPOLOGY_MANAGER_POLICIES))).validator(OneOf::new(rules::TOPOLOGY_MANAGER_POLICIES)),
        Attribute::number("max_pods").optional().description(format!("Pods per node, {}-{}.", rules::MAX_PODS.0, rules::MAX_PODS.1)).validator(IntBetween(rules::MAX_PODS.0.into(), rules::MAX_PODS.1.into())),
        Attribute::number("pod_pids_limit").optional().description("Process IDs per pod: -1 (no limit) or 1024-4194304."),
        map("eviction_hard", &format!("Hard eviction thresholds: signal ({}) → quantity or percentage, e.g. `{{ \"memory.available\" = \"200Mi\" }}`.", listed(&rules::EVICTION_SIGNALS))),
        map("eviction_soft", "Soft eviction thresholds, like `eviction_hard`; each signal needs a grace period."),
        map("eviction_soft_grace_period", "Grace period of each soft threshold's signal, e.g. `{ \"memory.available\" = \"1m30s\" }`."),
        map("kube_reserved", &format!("Resources reserved for Kubernetes components: {} → quantity, e.g. `{{ cpu = \"500m\", memory = \"1Gi\" }}`.", listed(&rules::RESERVED_RESOURCES))),
        map("system_reserved", "Resources reserved for the operating system, like `kube_reserved`."),
        Attribute::new("feature_gates", Type::map(Type::Bool)).optional().description("kubelet feature gates, e.g. `{ InPlacePodVerticalScaling = true }`."),
        Attribute::number("image_gc_high_threshold_percent").optional().description("Disk usage (percent, 1-100) above which images are garbage-collected.").validator(IntBetween(1, 100)),
        Attribute::number("image_gc_low_threshold_percent").optional().description("Disk usage (percent) image garbage collection frees down to; below the high threshold.").validator(IntBetween(0, 99)),
        Attribute::number("container_log_max_files").optional().description("Log files kept per container, 2-1024.").validator(IntBetween(2, 1024)),
        Attribute::string("container_log_max_size").optional().description("Size at which a container log is rotated, e.g. `10Mi`."),
        Attribute::bool("serialize_image_pulls").optional().description("Pull one image at a time."),
        Attribute::number("registry_pull_qps").optional().description("Image pulls per second.").validator(IntBetween(0, 50)),
        Attribute::number("registry_burst").optional().description("Burst of image pulls.").validator(IntBetween(0, 100)),
        Attribute::new("allowed_unsafe_sysctls", Type::list(Type::String)).optional().description("Unsafe sysctls pods may set, e.g. `[\"net.core.somaxconn\"]`."),
    ]
}

fn rolling_policy() -> Vec<Attribute> {
    let (p_min, p_max) = rules::MAX_PARALLELISM;
    let (b_min, b_max) = rules::BATCH_INTERVAL;
    vec![
        Attribute::number("max_parallelism").optional().description(format!("Nodes upgraded at once, {p_min}-{p_max}; the service's default is {p_max}.")).validator(IntBetween(p_min.into(), p_max.into())),
        Attribute::number("batch_interval").optional().description(format!("Minutes between batches, {b_min}-{b_max}, or 0 for none; with `pause_policy = \"NotPause\"`.")).validator(Check::new(format!("0, or {b_min} to {b_max} minutes."), |v: &Value| match v.as_i64() { Some(n) => rules::batch_interval(n).map_err(|e| e.to_string()), None => Ok(()) })),
        Attribute::string("pause_policy").optional().description(format!("When the upgrade pauses: {}; the service's default is `NotPause`.", listed(&rules::PAUSE_POLICIES))).validator(OneOf::new(rules::PAUSE_POLICIES)),
        Attribute::number("max_failed_nodes").optional().description("Failed nodes tolerated before the upgrade stops; the service's default is 0 (the first failure stops it).").validator(IntBetween(0, 1000)),
    ]
}

pub fn attributes() -> Vec<Attribute> {
    vec![
        Attribute::string("kubernetes_version").optional().computed().description(format!("Kubernetes version of the nodes (the kubelet's), one of {}. Defaults to the cluster's version when the pool is created (a new pool cannot be given another). A change upgrades the nodes in place through UpgradeClusterNodepool, after the cluster's control plane when both change in one apply; a `runtime_version` or `image_id` changed in the same plan is upgraded with it. Refused at plan time when newer than the cluster's `kubernetes_version`, older than the pool's current version, or more than {} minor versions behind the cluster's (Kubernetes' version skew policy).", listed(&ack_api::versions::SUPPORTED), ack_api::versions::MAX_NODE_MINOR_LAG)),
        Attribute::nested("rolling_policy", Nesting::Single, rolling_policy()).optional().description("How a `kubernetes_version` change rolls out to the nodes (UpgradeClusterNodepool's rolling policy); the service's defaults when left out. Sent with each upgrade and kept as configured (the service does not report it): changing it alone sends nothing."),
        Attribute::string("runtime").optional().description(format!("Container runtime: {}; the service's default is `containerd`. Changes in place for new nodes.", listed(&rules::RUNTIMES))).validator(OneOf::new(rules::RUNTIMES)),
        Attribute::string("runtime_version").optional().description("Runtime version, e.g. `1.6.28`; the service picks one when left out. Changes in place for new nodes."),
        Attribute::string("cpu_policy").optional().description(format!("CPU management policy of the nodes: {}; the service's default is `none`. Changes in place.", listed(&rules::CPU_MANAGER_POLICIES))).validator(OneOf::new(rules::CPU_MANAGER_POLICIES)),
        script("user_data", "after it joins the cluster"),
        script("pre_user_data", "before it joins the cluster"),
        Attribute::bool("unschedulable").optional().description("New nodes join cordoned (unschedulable). Changes in place."),
        Attribute::string("node_name_mode").optional().description("Custom node names, `customized,<prefix>,ip,<suffix>` (prefix required, letters, digits, `-` and `.`; at most 64 characters with the IP). Changing it replaces the node pool.").validator(Check::new("`customized,<prefix>,ip,<suffix>`.", |v: &Value| match v.as_str() { Some(s) => rules::node_name_mode(s).map_err(|e| e.to_string()), None => Ok(()) })).plan_modifier(RequiresReplace),
        Attribute::nested("kubelet_configuration", Nesting::Single, kubelet()).optional().description("kubelet settings of the nodes, typed (the keys Kubernetes documents). Sent at create; a change is rolled out in place through ModifyNodePoolNodeConfig (the whole configuration is replaced)."),
        super::node_os::attribute(),
    ]
}
