//! Kubernetes on the nodes: runtime, CPU policy, node names, user data
//! scripts (normalised, so that the same script never plans a diff —
//! alicloud issue 3820) and the typed kubelet configuration, to the API and
//! back.

use std::collections::BTreeMap;

use ack_api::model::{KubeletConfig, KubernetesConfig, NodePoolDetail};
use base64::Engine as _;
use serde::{Deserialize, Serialize};
use tfplugin::modifiers::{AttributePlanRequest, AttributePlanResponse, PlanModifier};
use tfplugin::Value;

use super::model::NodePool;

/// `kubelet_configuration` as the resource holds it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Kubelet {
    pub cpu_manager_policy: Option<String>,
    pub topology_manager_policy: Option<String>,
    pub max_pods: Option<i64>,
    pub pod_pids_limit: Option<i64>,
    pub eviction_hard: Option<BTreeMap<String, String>>,
    pub eviction_soft: Option<BTreeMap<String, String>>,
    pub eviction_soft_grace_period: Option<BTreeMap<String, String>>,
    pub kube_reserved: Option<BTreeMap<String, String>>,
    pub system_reserved: Option<BTreeMap<String, String>>,
    pub feature_gates: Option<BTreeMap<String, bool>>,
    pub image_gc_high_threshold_percent: Option<i64>,
    pub image_gc_low_threshold_percent: Option<i64>,
    pub container_log_max_files: Option<i64>,
    pub container_log_max_size: Option<String>,
    pub serialize_image_pulls: Option<bool>,
    pub registry_pull_qps: Option<i64>,
    pub registry_burst: Option<i64>,
    pub allowed_unsafe_sysctls: Option<Vec<String>>,
}

fn u(n: Option<i64>) -> Option<u32> {
    n.and_then(|n| u32::try_from(n).ok())
}

fn i(n: Option<u32>) -> Option<i64> {
    n.map(i64::from)
}

/// A map the API leaves out when empty: null unless written (empty).
fn map<V: Clone>(
    api: &BTreeMap<String, V>,
    prior: Option<&BTreeMap<String, V>>,
) -> Option<BTreeMap<String, V>> {
    (!api.is_empty() || prior.is_some()).then(|| api.clone())
}

impl Kubelet {
    pub fn to_api(&self) -> KubeletConfig {
        KubeletConfig {
            cpu_manager_policy: self.cpu_manager_policy.clone(),
            topology_manager_policy: self.topology_manager_policy.clone(),
            max_pods: u(self.max_pods),
            pod_pids_limit: self.pod_pids_limit,
            eviction_hard: self.eviction_hard.clone().unwrap_or_default(),
            eviction_soft: self.eviction_soft.clone().unwrap_or_default(),
            eviction_soft_grace_period: self.eviction_soft_grace_period.clone().unwrap_or_default(),
            kube_reserved: self.kube_reserved.clone().unwrap_or_default(),
            system_reserved: self.system_reserved.clone().unwrap_or_default(),
            feature_gates: self.feature_gates.clone().unwrap_or_default(),
            image_gc_high_threshold_percent: u(self.image_gc_high_threshold_percent),
            image_gc_low_threshold_percent: u(self.image_gc_low_threshold_percent),
            container_log_max_files: u(self.container_log_max_files),
            container_log_max_size: self.container_log_max_size.clone(),
            serialize_image_pulls: self.serialize_image_pulls,
            registry_pull_qps: u(self.registry_pull_qps),
            registry_burst: u(self.registry_burst),
            allowed_unsafe_sysctls: self.allowed_unsafe_sysctls.clone().unwrap_or_default(),
        }
    }

    pub fn from_api(k: &KubeletConfig, prior: Option<&Kubelet>) -> Kubelet {
        let p = prior.cloned().unwrap_or_default();
        Kubelet {
            cpu_manager_policy: k.cpu_manager_policy.clone(),
            topology_manager_policy: k.topology_manager_policy.clone(),
            max_pods: i(k.max_pods),
            pod_pids_limit: k.pod_pids_limit,
            eviction_hard: map(&k.eviction_hard, p.eviction_hard.as_ref()),
            eviction_soft: map(&k.eviction_soft, p.eviction_soft.as_ref()),
            eviction_soft_grace_period: map(
                &k.eviction_soft_grace_period,
                p.eviction_soft_grace_period.as_ref(),
            ),
            kube_reserved: map(&k.kube_reserved, p.kube_reserved.as_ref()),
            system_reserved: map(&k.system_reserved, p.system_reserved.as_ref()),
            feature_gates: map(&k.feature_gates, p.feature_gates.as_ref()),
            image_gc_high_threshold_percent: i(k.image_gc_high_threshold_percent),
            image_gc_low_threshold_percent: i(k.image_gc_low_threshold_percent),
            container_log_max_files: i(k.container_log_max_files),
            container_log_max_size: k.container_log_max_size.clone(),
            serialize_image_pulls: k.serialize_image_pulls,
            registry_pull_qps: i(k.registry_pull_qps),
            registry_burst: i(k.registry_burst),
            allowed_unsafe_sysctls: (!k.allowed_unsafe_sysctls.is_empty()
                || p.allowed_unsafe_sysctls.is_some())
            .then(|| k.allowed_unsafe_sysctls.clone()),
        }
    }
}

/// A user data script as it runs: Base64 given is decoded (alicloud's
/// convention), line ends are `\n`, trailing blanks of lines and trailing
/// empty lines do not count.
pub fn normalise_script(s: &str) -> String {
    let text = decode_if_base64(s).unwrap_or_else(|| s.to_owned());
    let lines: Vec<&str> = text.lines().map(str::trim_end).collect();
    lines.join("\n").trim_end_matches('\n').to_owned()
}

/// `s` decoded, when it is Base64 of a text script (it has a line break or
/// starts with `#!`); a script that merely looks like Base64 stays as is.
fn decode_if_base64(s: &str) -> Option<String> {
    let compact: String = s.split_whitespace().collect();
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(compact)
        .ok()?;
    let text = String::from_utf8(bytes).ok()?;
    (text.contains('\n') || text.starts_with("#!")).then_some(text)
}

/// The script as the API takes it: Base64 of the text as written (decoded
/// first when given as Base64), so that an import reads it back as written.
pub fn encode_script(s: &str) -> String {
    let text = decode_if_base64(s).unwrap_or_else(|| s.to_owned());
    base64::engine::general_purpose::STANDARD.encode(text)
}

/// The API's script read back: the prior value when it runs the same
/// script (whatever its spelling), else the decoded text.
pub fn script_from_api(api: Option<&str>, prior: Option<&str>) -> Option<String> {
    let api = api.filter(|s| !s.is_empty())?;
    let decoded = decode_if_base64(api).or_else(|| {
        let b = base64::engine::general_purpose::STANDARD.decode(api).ok()?;
        String::from_utf8(b).ok()
    })?;
    match prior {
        Some(p) if normalise_script(p) == normalise_script(&decoded) => Some(p.to_owned()),
        _ => Some(decoded),
    }
}

/// Plans no change when the configured script runs the same as the
/// state's: an equal script never plans a diff.
pub struct SameScript;

impl PlanModifier for SameScript {
    fn description(&self) -> String {
        "Compared as the script runs: line ends, trailing blanks and Base64 encoding make no difference; removing it replaces the node pool.".into()
    }
    fn modify(&self, req: &AttributePlanRequest<'_>, resp: &mut AttributePlanResponse) {
        match (req.config.as_str(), req.state.as_str()) {
            (Some(c), Some(s)) if normalise_script(c) == normalise_script(s) => {
                resp.plan = req.state.clone();
            }
            // Optional and computed (so that an equal script keeps the
            // state's spelling): no script configured is no script, and
            // the API keeps a script an update leaves out.
            (None, _) if req.config.is_null() => {
                resp.plan = Value::Null;
                resp.requires_replace = !req.creating && !req.state.is_null();
            }
            _ => {}
        }
    }
}

impl NodePool {
    pub fn kubernetes_config(&self) -> KubernetesConfig {
        KubernetesConfig {
            runtime: self.runtime.clone().unwrap_or_default(),
            runtime_version: self.runtime_version.clone(),
            cpu_policy: self.cpu_policy.clone(),
            unschedulable: self.unschedulable,
            user_data: self.user_data.as_deref().map(encode_script),
            pre_user_data: self.pre_user_data.as_deref().map(encode_script),
            node_name_mode: self.node_name_mode.clone(),
            ..Default::default()
        }
    }

    pub fn kubernetes_from_api(p: &NodePoolDetail, prior: &NodePool) -> NodePool {
        let k = &p.kubernetes_config;
        NodePool {
            runtime: Some(k.runtime.clone()).filter(|r| !r.is_empty()),
            runtime_version: k.runtime_version.clone(),
            cpu_policy: k.cpu_policy.clone(),
            unschedulable: k.unschedulable,
            user_data: script_from_api(k.user_data.as_deref(), prior.user_data.as_deref()),
            pre_user_data: script_from_api(
                k.pre_user_data.as_deref(),
                prior.pre_user_data.as_deref(),
            ),
            node_name_mode: k.node_name_mode.clone(),
            kubelet_configuration: p
                .node_config
                .kubelet_configuration
                .as_ref()
                .map(|c| Kubelet::from_api(c, prior.kubelet_configuration.as_ref())),
            node_os_config: p
                .node_config
                .node_os_config
                .as_ref()
                .map(|c| super::node_os::NodeOs::from_api(c, prior.node_os_config.as_ref())),
            ..NodePool::scaling_from_api(p, prior)
        }
    }
}
