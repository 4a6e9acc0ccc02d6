//! `kubernetes_version` of `ack_node_pool`: planned from the cluster (a new
//! pool runs the control plane's version), checked against the cluster's
//! planned version by `ack_api::versions`' skew rule, and changed in place
//! through UpgradeClusterNodepool (with the image and runtime when they
//! change in the same plan).

use ack_api::model::{UpgradeNodePoolRequest, UpgradeRollingPolicy};
use ack_api::versions::{self, SkewError};
use serde::{Deserialize, Serialize};
use tfplugin::framework::ModifyPlanResponse;
use tfplugin::value::serde::Planned;
use tfplugin::{Diagnostic, Value};

use super::model::NodePool;
use crate::common::{at, set};

const ATTR: &str = "kubernetes_version";

/// `rolling_policy`: how an upgrade of the nodes rolls out.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RollingPolicy {
    pub max_parallelism: Option<i64>,
    pub batch_interval: Option<i64>,
    pub pause_policy: Option<String>,
    pub max_failed_nodes: Option<i64>,
}

impl RollingPolicy {
    fn to_api(&self) -> UpgradeRollingPolicy {
        let n = |v: Option<i64>| v.and_then(|v| u32::try_from(v).ok());
        UpgradeRollingPolicy {
            max_parallelism: n(self.max_parallelism),
            batch_interval: n(self.batch_interval),
            pause_policy: self.pause_policy.clone(),
            max_failed_nodes: n(self.max_failed_nodes),
        }
    }
}

/// Plans `kubernetes_version`. `planned` is the plan's value (the
/// configuration's, else the prior state's or unknown), `configured`
/// whether the configuration sets it, `prior` the state's, `control_plane`
/// the version the cluster runs after this apply (`None` when not known at
/// plan time).
pub fn plan_version(
    planned: &Planned<String>,
    configured: bool,
    prior: Option<&NodePool>,
    control_plane: Option<&str>,
    cluster_name: &str,
    resp: &mut ModifyPlanResponse,
) {
    let Some(prior) = prior else {
        let Some(cp) = control_plane else {
            return;
        };
        // A new pool: its nodes run the control plane's version.
        match planned {
            Planned::Known(v) if v != cp => resp.diagnostics.push(at(
                Diagnostic::error(
                    "Node pool version differs from its cluster's",
                    format!(
                        "A new node pool runs its cluster's Kubernetes version: cluster {cluster_name:?} runs {cp} \
                         after this apply, not {v}. Leave `kubernetes_version` out, or set it to {cp:?}."
                    ),
                ),
                ATTR,
            )),
            Planned::Known(_) => {}
            Planned::Null | Planned::Unknown => set(&mut resp.plan, ATTR, Value::from(cp)),
        }
        return;
    };
    let to = match planned {
        Planned::Known(to) => to,
        // Left out of the configuration: the nodes keep their version.
        Planned::Unknown if !configured => {
            if let Some(v) = &prior.kubernetes_version {
                set(&mut resp.plan, ATTR, Value::from(v.as_str()));
            }
            return;
        }
        Planned::Unknown | Planned::Null => return,
    };
    let Some(cp) = control_plane else {
        return;
    };
    let checked = versions::check_pool_plan(prior.kubernetes_version.as_deref(), to, cp);
    if let Err(e) = checked {
        resp.diagnostics
            .push(at(diagnostic(&e, cluster_name), ATTR));
    }
}

/// The plan-time diagnostic of a version the skew rule refuses.
fn diagnostic(e: &SkewError, cluster_name: &str) -> Diagnostic {
    let summary = match e {
        SkewError::NewerThanControlPlane { .. } => "Node pool newer than its control plane",
        SkewError::TooFarBehind { .. } | SkewError::LeftBehind { .. } => {
            "Node pool too far behind its control plane"
        }
        SkewError::Unsupported(_) | SkewError::Downgrade { .. } => {
            "Node pool Kubernetes version change not possible"
        }
    };
    Diagnostic::error(
        summary,
        format!("Cluster {cluster_name:?}: {e}. The pool's nodes are upgraded after the cluster's control plane, in the same apply when both change."),
    )
}

/// UpgradeClusterNodepool's request when `plan` changes the pool's
/// Kubernetes version, with the image and the runtime when they change
/// too; and the pool as ModifyClusterNodePool should then see it (those
/// two left as they were, since the upgrade carries them).
pub fn request(plan: &NodePool, prior: &NodePool) -> Option<(UpgradeNodePoolRequest, NodePool)> {
    let to = plan.kubernetes_version.as_ref()?;
    if prior.kubernetes_version.as_ref() == Some(to) {
        return None;
    }
    let mut rest = plan.clone();
    let mut req = UpgradeNodePoolRequest {
        kubernetes_version: Some(to.clone()),
        rolling_policy: plan.rolling_policy.as_ref().map(RollingPolicy::to_api),
        ..Default::default()
    };
    if plan.image_id != prior.image_id && plan.image_id.is_some() {
        req.image_id.clone_from(&plan.image_id);
        rest.image_id.clone_from(&prior.image_id);
    }
    let runtime = (&plan.runtime, &plan.runtime_version);
    if runtime != (&prior.runtime, &prior.runtime_version) && plan.runtime_version.is_some() {
        req.runtime_type.clone_from(&plan.runtime);
        req.runtime_version.clone_from(&plan.runtime_version);
        rest.runtime.clone_from(&prior.runtime);
        rest.runtime_version.clone_from(&prior.runtime_version);
    }
    Some((req, rest))
}

/// Refuses, at apply, a new pool configured with a version other than the
/// control plane's (for clients that apply without planning, or a cluster
/// upgraded since the plan).
pub fn check_new_pool(
    plan: &NodePool,
    cluster: &ack_api::model::ClusterDetail,
) -> Result<(), Diagnostic> {
    match plan.kubernetes_version.as_deref() {
        Some(v) if !cluster.current_version.is_empty() && v != cluster.current_version => {
            Err(at(
                Diagnostic::error(
                    "Node pool version differs from its cluster's",
                    format!(
                        "A new node pool runs its cluster's Kubernetes version: cluster {:?} runs {}, not {v}. \
                         Leave `kubernetes_version` out, or set it to {:?}.",
                        cluster.name, cluster.current_version, cluster.current_version
                    ),
                ),
                ATTR,
            ))
        }
        _ => Ok(()),
    }
}

/// The diagnostic of a failed UpgradeClusterNodepool, at the attribute.
pub fn diag(e: &ack_client::Error) -> Diagnostic {
    at(
        crate::common::api_diag("upgrade the node pool's Kubernetes version", e),
        ATTR,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pool(version: &str) -> NodePool {
        NodePool {
            kubernetes_version: Some(version.into()),
            image_id: Some("img-1".into()),
            runtime: Some("containerd".into()),
            runtime_version: Some("1.6.36".into()),
            ..Default::default()
        }
    }

    const V130: &str = "1.30.7-aliyun.1";
    const V131: &str = "1.31.1-aliyun.1";
    const V132: &str = "1.32.1-aliyun.1";

    /// Plans with `planned` and returns the planned value and the
    /// diagnostics' summaries with their attribute.
    fn planned(
        planned: Planned<String>,
        configured: bool,
        prior: Option<&str>,
        control_plane: Option<&str>,
    ) -> (Value, Vec<(String, String)>) {
        let mut resp = ModifyPlanResponse {
            plan: Value::object([("kubernetes_version", Value::unknown())]),
            requires_replace: Vec::new(),
            private: Default::default(),
            diagnostics: Default::default(),
        };
        let prior = prior.map(pool);
        plan_version(
            &planned,
            configured,
            prior.as_ref(),
            control_plane,
            "c",
            &mut resp,
        );
        let v = resp.plan.get(ATTR).cloned().unwrap_or(Value::Null);
        let d = resp
            .diagnostics
            .iter()
            .map(|d| (d.summary.clone(), format!("{:?}", d.attribute)))
            .collect();
        (v, d)
    }

    #[test]
    fn a_new_pool_gets_the_control_planes_version() {
        let (v, d) = planned(Planned::Unknown, false, None, Some(V131));
        assert_eq!((v, d.len()), (Value::from(V131), 0));
        let (v, d) = planned(Planned::Unknown, false, None, None);
        assert!(v.is_unknown() && d.is_empty(), "unknown cluster version");
        let (_, d) = planned(Planned::Known(V130.into()), true, None, Some(V131));
        assert_eq!(d[0].0, "Node pool version differs from its cluster's");
        assert!(d[0].1.contains(ATTR), "{d:?}");
    }

    #[test]
    fn an_existing_pool_is_checked_against_the_planned_control_plane() {
        let (_, d) = planned(Planned::Known(V132.into()), true, Some(V131), Some(V131));
        assert_eq!(d[0].0, "Node pool newer than its control plane");
        assert!(d[0].1.contains(ATTR), "{d:?}");
        let (_, d) = planned(Planned::Known(V131.into()), true, Some(V130), Some(V131));
        assert!(d.is_empty(), "{d:?}");
        // Left out: the nodes keep their version.
        let (v, d) = planned(Planned::Unknown, false, Some(V130), Some(V131));
        assert_eq!((v, d.len()), (Value::from(V130), 0));
        let (_, d) = planned(
            Planned::Known("1.28.15-aliyun.1".into()),
            false,
            Some("1.28.15-aliyun.1"),
            Some(V132),
        );
        assert_eq!(d[0].0, "Node pool too far behind its control plane");
    }

    #[test]
    fn a_version_change_carries_the_image_and_runtime_changed_with_it() {
        let prior = pool("1.30.7-aliyun.1");
        assert!(request(&prior, &prior).is_none(), "no change, no upgrade");
        let mut plan = pool("1.31.1-aliyun.1");
        plan.image_id = Some("img-2".into());
        plan.runtime_version = Some("1.6.38".into());
        plan.rolling_policy = Some(RollingPolicy {
            max_parallelism: Some(2),
            ..Default::default()
        });
        let (req, rest) = request(&plan, &prior).unwrap();
        assert_eq!(
            req.rolling_policy.and_then(|p| p.max_parallelism),
            Some(2),
            "the rolling policy goes with the upgrade"
        );
        assert_eq!(req.kubernetes_version.as_deref(), Some("1.31.1-aliyun.1"));
        assert_eq!(req.image_id.as_deref(), Some("img-2"));
        assert_eq!(
            (req.runtime_type.as_deref(), req.runtime_version.as_deref()),
            (Some("containerd"), Some("1.6.38"))
        );
        assert_eq!(
            (rest.image_id, rest.runtime_version),
            (prior.image_id.clone(), prior.runtime_version.clone()),
            "ModifyClusterNodePool leaves them to the upgrade"
        );
        let (req, _) = request(&pool("1.31.1-aliyun.1"), &prior).unwrap();
        assert_eq!((req.image_id, req.runtime_version), (None, None));
    }
}
