//! The typed model of `ack_node_pool` and its translations: to the API's
//! request, and from the API's view of a pool to the resource's state.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use ack_api::model::{
    self as api, AutoScaling, KubernetesConfig, NodePoolDetail, NodePoolInfo, NodePoolRequest,
    ScalingGroup, Tag,
};
use serde::de::IgnoredAny;
use serde::{Deserialize, Serialize};
use tfplugin::value::serde::Planned;
use tfplugin::{AttributePath, Diagnostic, Type, Value};

use crate::common::{self, Timeouts};

/// Node label carrying `accelerator` (the API has no field for it).
pub const ACCELERATOR_LABEL: &str = "acklabs.io/accelerator";

/// `ack_node_pool` as applied and stored (wholly known). Sizes tell unknown
/// from null (the plan's node count depends on which).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct NodePool {
    pub id: Option<String>,
    pub cluster_name: Option<String>,
    pub name: Option<String>,
    pub instance_types: Option<Vec<String>>,
    pub desired_size: Planned<i64>,
    pub autoscaling: Planned<Autoscaling>,
    pub accelerator: Option<String>,
    pub labels: Option<BTreeMap<String, String>>,
    pub taints: Option<Vec<Taint>>,
    pub managed: Option<Managed>,
    pub vswitch_ids: Option<Vec<String>>,
    pub instance_charge_type: Option<String>,
    pub period: Option<i64>,
    pub period_unit: Option<String>,
    pub auto_renew: Option<bool>,
    pub auto_renew_period: Option<i64>,
    pub spot_strategy: Option<String>,
    pub spot_price_limit: Option<Vec<SpotPrice>>,
    pub spot_instance_pools: Option<i64>,
    pub spot_instance_remedy: Option<bool>,
    pub on_demand_base_capacity: Option<i64>,
    pub on_demand_percentage_above_base_capacity: Option<i64>,
    pub compensate_with_on_demand: Option<bool>,
    pub multi_az_policy: Option<String>,
    pub security_group_ids: Option<Vec<String>>,
    pub ram_role_name: Option<String>,
    pub deployment_set_id: Option<String>,
    pub internet_charge_type: Option<String>,
    pub internet_max_bandwidth_out: Option<i64>,
    pub tags: Option<BTreeMap<String, String>>,
    pub resource_group_id: Option<String>,
    pub key_pair: Option<String>,
    /// Write-only: known in the configuration only, null in plans and states.
    pub login_password_wo: Option<String>,
    pub login_password_wo_version: Option<i64>,
    pub image_type: Option<String>,
    pub image_id: Option<String>,
    pub system_disk_category: Option<String>,
    pub system_disk_size: Option<i64>,
    pub system_disk_performance_level: Option<String>,
    pub system_disk_encrypted: Option<bool>,
    pub system_disk_kms_key_id: Option<String>,
    pub data_disks: Option<Vec<Disk>>,
    pub runtime: Option<String>,
    pub runtime_version: Option<String>,
    pub cpu_policy: Option<String>,
    pub user_data: Option<String>,
    pub pre_user_data: Option<String>,
    pub unschedulable: Option<bool>,
    pub node_name_mode: Option<String>,
    pub kubelet_configuration: Option<super::kube::Kubelet>,
    pub node_os_config: Option<super::node_os::NodeOs>,
    pub kubernetes_version: Option<String>,
    pub rolling_policy: Option<super::upgrade::RollingPolicy>,
    pub force_delete: Option<bool>,
    pub cluster_id: Option<String>,
    pub node_pool_id: Option<String>,
    pub node_count: Option<u64>,
    pub state: Option<String>,
    pub timeouts: Option<Timeouts>,
}

/// What plan-time checks read of a configuration or plan, where any value,
/// also inside lists and maps, may be unknown: the attributes the checks
/// need, each unknown-tolerant.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct NodePoolPlan {
    pub cluster_name: Option<String>,
    pub name: Option<String>,
    pub desired_size: Planned<i64>,
    pub autoscaling: Planned<Autoscaling>,
    pub managed: Option<IgnoredAny>,
    pub kubernetes_version: Planned<String>,
}

impl NodePoolPlan {
    pub fn read(v: &Value) -> Result<NodePoolPlan, Diagnostic> {
        common::model(v, "node pool")
    }

    pub fn planned_nodes(&self) -> Option<u64> {
        planned_nodes(&self.desired_size, &self.autoscaling)
    }
}

/// Nodes a pool may run: autoscaling maximum, else desired size; `None`
/// when unknown.
fn planned_nodes(desired: &Planned<i64>, auto: &Planned<Autoscaling>) -> Option<u64> {
    let n = match auto {
        Planned::Unknown => return None,
        Planned::Null => *desired.known()?,
        Planned::Known(a) => a.max_size?,
    };
    u64::try_from(n).ok()
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Autoscaling {
    pub min_size: Option<i64>,
    pub max_size: Option<i64>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Taint {
    pub key: Option<String>,
    pub value: Option<String>,
    pub effect: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SpotPrice {
    pub instance_type: Option<String>,
    pub price_limit: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Disk {
    pub category: Option<String>,
    pub size: Option<i64>,
    pub performance_level: Option<String>,
    pub encrypted: Option<bool>,
    pub kms_key_id: Option<String>,
    pub snapshot_id: Option<String>,
    pub mount_target: Option<String>,
    pub auto_format: Option<bool>,
    pub file_system: Option<String>,
}

pub use super::managed::Managed;

/// The schema's type, built once.
pub fn ty() -> &'static Type {
    static TY: OnceLock<Type> = OnceLock::new();
    TY.get_or_init(|| super::schema::schema().ty())
}

impl NodePool {
    pub fn read(v: &Value) -> Result<NodePool, Diagnostic> {
        common::model(v, "node pool")
    }

    /// The resource's value (state or planned state).
    pub fn value(&self) -> Result<Value, Diagnostic> {
        common::state(self, ty(), "node pool")
    }

    pub fn cluster_name(&self) -> &str {
        self.cluster_name.as_deref().unwrap_or_default()
    }

    pub fn cluster_id(&self) -> &str {
        self.cluster_id.as_deref().unwrap_or_default()
    }

    pub fn node_pool_id(&self) -> &str {
        self.node_pool_id.as_deref().unwrap_or_default()
    }

    pub fn planned_nodes(&self) -> Option<u64> {
        planned_nodes(&self.desired_size, &self.autoscaling)
    }

    /// The settings ModifyClusterNodePool changes, to compare plan and state.
    pub fn settings(&self) -> impl PartialEq + '_ {
        (
            &self.name,
            &self.instance_types,
            &self.desired_size,
            &self.autoscaling,
            &self.accelerator,
            &self.labels,
            &self.taints,
            &self.managed,
            self.scaling_group(None),
            &self.login_password_wo_version,
            self.kubernetes_config(),
        )
    }

    /// The API request for a planned pool, with the login password when it
    /// is to be sent (from the configuration: it is write-only). Sizes are whole numbers the
    /// validators checked; one that is not is an error at its attribute,
    /// never a silent 0.
    pub fn request(&self, password: Option<&str>) -> Result<NodePoolRequest, Diagnostic> {
        let mut labels = common::tags_to_api(self.labels.as_ref());
        let accelerator = self.accelerator.as_deref().unwrap_or("none");
        if accelerator != "none" {
            labels.push(Tag {
                key: ACCELERATOR_LABEL.into(),
                value: accelerator.into(),
            });
        }
        let taints = self.taints.iter().flatten().map(|t| api::Taint {
            key: t.key.clone().unwrap_or_default(),
            value: t.value.clone().unwrap_or_default(),
            effect: t.effect.clone().unwrap_or_default(),
        });
        let auto = self.autoscaling.known();
        let desired_size = match auto {
            Some(_) => None,
            None => Some(size(self.desired_size.known(), "desired_size")?),
        };
        // ModifyClusterNodePool is a partial update: turning autoscaling or
        // management off is said explicitly (`enable: false`), never by
        // leaving the group out.
        let auto_scaling = match auto {
            None => AutoScaling::default(),
            Some(a) => AutoScaling {
                enable: true,
                min_instances: size(a.min_size.as_ref(), "autoscaling.min_size")?,
                max_instances: size(a.max_size.as_ref(), "autoscaling.max_size")?,
                scaling_type: if accelerator == "gpu" { "gpu" } else { "cpu" }.into(),
            },
        };
        let management = Managed::to_api(self.managed.as_ref());
        Ok(NodePoolRequest {
            nodepool_info: NodePoolInfo {
                name: self.name.clone().unwrap_or_default(),
                resource_group_id: self.resource_group_id.clone(),
                ..Default::default()
            },
            scaling_group: ScalingGroup {
                instance_types: self.instance_types.clone().unwrap_or_default(),
                desired_size,
                ..self.scaling_group(password)
            },
            kubernetes_config: KubernetesConfig {
                labels,
                taints: taints.collect(),
                ..self.kubernetes_config()
            },
            auto_scaling: Some(auto_scaling),
            management: Some(management),
            node_config: (self.kubelet_configuration.is_some() || self.node_os_config.is_some())
                .then(|| ack_api::model::NodeConfig {
                    kubelet_configuration: self.kubelet_configuration.as_ref().map(|k| k.to_api()),
                    node_os_config: self.node_os_config.as_ref().map(|o| o.to_api()),
                }),
        })
    }

    /// The resource's state from the API's view of the pool. `prior` gives
    /// what the API does not keep (timeouts) and how absent values were written.
    pub fn from_api(
        cluster_id: &str,
        cluster_name: &str,
        p: &NodePoolDetail,
        prior: &NodePool,
    ) -> NodePool {
        let k8s = &p.kubernetes_config;
        let accelerator = k8s
            .labels
            .iter()
            .find(|l| l.key == ACCELERATOR_LABEL)
            .map_or("none", |l| l.value.as_str());
        let labels: Vec<Tag> = k8s
            .labels
            .iter()
            .filter(|l| l.key != ACCELERATOR_LABEL)
            .cloned()
            .collect();
        let taints = (!k8s.taints.is_empty() || prior.taints.is_some()).then(|| {
            k8s.taints
                .iter()
                .map(|t| Taint {
                    key: Some(t.key.clone()),
                    value: empty_as_written(&t.value, prior.taint_value(&t.key, &t.effect)),
                    effect: Some(t.effect.clone()),
                })
                .collect()
        });
        let whole = |n: u64| i64::try_from(n).unwrap_or(i64::MAX);
        let (desired_size, autoscaling) = if p.auto_scaling.enable {
            let a = Autoscaling {
                min_size: Some(whole(p.auto_scaling.min_instances)),
                max_size: Some(whole(p.auto_scaling.max_instances)),
            };
            (Planned::Null, Planned::Known(a))
        } else {
            // A scale-out that could not create every node (stock-out, no
            // free addresses): the pool has what it has, so that the next
            // plan asks for the rest again instead of hiding it.
            let n = match p.scaling_group.desired_size {
                Some(_) if p.status.failed_nodes > 0 => p.status.total_nodes,
                Some(d) => d,
                None => p.status.total_nodes,
            };
            (Planned::Known(whole(n)), Planned::Null)
        };
        let managed = Managed::from_api(&p.management);
        let np = &p.nodepool_info.nodepool_id;
        NodePool {
            id: Some(format!("{cluster_id}:{np}")),
            cluster_name: Some(cluster_name.to_owned()),
            name: Some(p.nodepool_info.name.clone()),
            instance_types: Some(p.scaling_group.instance_types.clone()),
            desired_size,
            autoscaling,
            accelerator: Some(accelerator.to_owned()),
            labels: common::tags_from_api(&labels, prior.labels.as_ref()),
            taints,
            managed,
            cluster_id: Some(cluster_id.to_owned()),
            node_pool_id: Some(np.clone()),
            node_count: Some(p.status.total_nodes),
            state: Some(p.status.state.clone()),
            timeouts: prior.timeouts.clone(),
            force_delete: prior.force_delete.or(Some(false)),
            kubernetes_version: p.kubelet_version().map(str::to_owned),
            // How upgrades roll out: the configuration's (never reported).
            rolling_policy: prior.rolling_policy.clone(),
            ..NodePool::kubernetes_from_api(p, prior)
        }
    }
}

/// An optional string the API keeps as `""` for both empty and absent:
/// written back the way the configuration wrote it (`prior`), so that
/// `value = ""` and a left-out value both read back as they were.
fn empty_as_written(api: &str, prior: Option<&Option<String>>) -> Option<String> {
    match (api.is_empty(), prior) {
        (false, _) => Some(api.to_owned()),
        (true, Some(Some(p))) if p.is_empty() => Some(String::new()),
        (true, _) => None,
    }
}

impl NodePool {
    /// The value the prior state gave the taint with this key and effect.
    fn taint_value(&self, key: &str, effect: &str) -> Option<&Option<String>> {
        self.taints.iter().flatten().find_map(|t| {
            (t.key.as_deref() == Some(key) && t.effect.as_deref() == Some(effect))
                .then_some(&t.value)
        })
    }
}

/// A pool size for the API; missing or negative is an error at `attr`
/// (`block.attr` for a nested one).
fn size(n: Option<&i64>, attr: &str) -> Result<u64, Diagnostic> {
    n.and_then(|n| u64::try_from(*n).ok()).ok_or_else(|| {
        let path = match attr.split_once('.') {
            Some((block, a)) => AttributePath::attr(block).push_attr(a),
            None => AttributePath::attr(attr),
        };
        Diagnostic::error(
            "Invalid node pool size",
            format!(
                "`{attr}` must be a whole number of nodes, 0 or more; the plan has {}.",
                n.map_or_else(|| "none".to_owned(), i64::to_string)
            ),
        )
        .at(path)
    })
}
