//! Plan-time checks of `ack_node_pool`: the configuration on its own
//! (validate) and against its cluster's planned edition, node limit and
//! quotas (modify_plan).

use ack_api::edition::Feature;
use ack_api::lifecycle;
use tfplugin::framework::{ModifyPlanRequest, ModifyPlanResponse};
use tfplugin::value::serde::Planned;
use tfplugin::{AttributePath, Diagnostic, Diagnostics, Value};

use super::model::{NodePool, NodePoolPlan};
use crate::claims::{Holder, NameClaims};
use crate::common::{at, set};
use crate::registry::PoolKey;
use crate::resources::dependent::{self, Need};
use crate::resources::quota;
use crate::shared::Shared;

pub fn validate(config: &Value) -> Diagnostics {
    let mut d = Diagnostics::new();
    // A value the model cannot read is reported by the attribute's validator.
    let Ok(m) = NodePoolPlan::read(config) else {
        return d;
    };
    let (size, auto) = (&m.desired_size, &m.autoscaling);
    if !size.is_unknown() && !auto.is_unknown() && size.is_null() == auto.is_null() {
        d.push(at(Diagnostic::error("Set exactly one of desired_size and autoscaling", "A node pool has a fixed `desired_size` or an `autoscaling { min_size max_size }` block, not both and not neither."), "desired_size"));
    }
    if let Some((Some(min), Some(max))) = auto.known().map(|a| (a.min_size, a.max_size)) {
        if min > max {
            d.push(
                Diagnostic::error(
                    "Invalid autoscaling range",
                    format!("min_size ({min}) is larger than max_size ({max})."),
                )
                .at(AttributePath::attr("autoscaling").push_attr("min_size")),
            );
        }
    }
    super::plan_nodes::validate(config, &mut d);
    d
}

/// The features a pool asks for, with the attribute that asks: the
/// `managed` block, when set.
pub fn wanted<T>(managed: Option<&T>) -> Vec<(Feature, AttributePath)> {
    match managed {
        Some(_) => vec![(Feature::ManagedNodePools, AttributePath::attr("managed"))],
        None => Vec::new(),
    }
}

pub async fn modify_plan(shared: &Shared, req: &ModifyPlanRequest, resp: &mut ModifyPlanResponse) {
    let registry = &shared.registry;
    let prior = (!req.prior_state.is_null()).then(|| NodePool::read(&req.prior_state));
    let plan = (!resp.plan.is_null()).then(|| NodePoolPlan::read(&resp.plan));
    let (prior, plan) = match (prior.transpose(), plan.transpose()) {
        (Ok(prior), Ok(plan)) => (prior, plan),
        (Err(d), _) | (_, Err(d)) => return resp.diagnostics.push(d),
    };
    let prior_id = prior.as_ref().and_then(|p| p.node_pool_id.clone());
    let Some(plan) = plan else {
        if let Some(np) = prior_id {
            registry.destroy_pool(PoolKey::Id(np));
        }
        return;
    };
    let Some(cluster_name) = plan.cluster_name.clone() else {
        return;
    };
    let pool_name = plan.name.clone().unwrap_or_default();
    let mut cluster = dependent::resolve(shared, &cluster_name, Need::Pools, &req.ctx.cancel).await;
    resp.diagnostics
        .extend(std::mem::take(&mut cluster.warnings));
    dependent::plan_cluster_id(req, resp, &cluster);
    for (feature, attr) in wanted(plan.managed.as_ref()) {
        dependent::require(resp, &cluster, feature, attr);
    }
    // The control plane's version after this apply: as planned in this
    // run, else as the cluster runs now.
    let control_plane = match registry.cluster_version(&cluster_name) {
        Some(planned) => planned,
        None => cluster
            .existing
            .as_ref()
            .map(|c| c.current_version.clone())
            .filter(|v| !v.is_empty()),
    };
    let configured = req
        .config
        .get("kubernetes_version")
        .is_some_and(|v| !v.is_null());
    super::upgrade::plan_version(
        &plan.kubernetes_version,
        configured,
        prior.as_ref(),
        control_plane.as_deref(),
        &cluster_name,
        resp,
    );
    // Node limit: this pool's planned size, the cluster's other pools as
    // planned in this run, and those that exist and the plan leaves alone.
    // Keyed by pool ID where the pool exists, so renames and moves count once.
    let key = match prior_id.clone() {
        Some(np) => PoolKey::Id(np),
        None => PoolKey::New {
            cluster: cluster_name.clone(),
            name: pool_name.clone(),
        },
    };
    registry.plan_pool(key, &cluster_name, &pool_name, plan.planned_nodes());
    plan_node_count(&plan, prior.as_ref(), &mut resp.plan);
    if !pool_name.is_empty() {
        claim_name(
            shared,
            &cluster,
            &cluster_name,
            &pool_name,
            prior.as_ref(),
            resp,
        );
    }
    let Some(pools) = &cluster.pools else {
        return;
    };
    registry.pools_exist(&cluster_name, pools);
    let totals = registry.pool_totals(&cluster_name);
    if let (Some(ed), Some(total)) = (cluster.edition, totals.nodes) {
        if let Err(e) = ed.check_nodes(total) {
            let attr = if plan.autoscaling.is_null() {
                AttributePath::attr("desired_size")
            } else {
                AttributePath::attr("autoscaling").push_attr("max_size")
            };
            resp.diagnostics.push(
                Diagnostic::error(
                    "Node limit of the cluster's edition exceeded",
                    format!(
                        "The node pools of cluster {cluster_name:?} would have {total} nodes. {e}"
                    ),
                )
                .at(attr),
            );
        }
    }
    // Only a pool added to the cluster (created or moved) can exceed the quota.
    if prior.as_ref().and_then(|p| p.cluster_name.as_ref()) != Some(&cluster_name) {
        match quota::quotas(shared, &req.ctx.cancel).await {
            Ok(q) => {
                quota::check_node_pools(&q, &cluster_name, totals.pools, &mut resp.diagnostics)
            }
            Err(warning) => resp.diagnostics.push(warning),
        }
    }
}

/// `node_count` is known at plan time when the size is fixed, and stays as
/// it is while autoscaling does not change (`prior`: `None` on create).
/// While the pool is still settling (created, scaled or updated by an
/// apply that was interrupted, say), its state and node count are about to
/// change: both are unknown, and the apply waits for the pool to settle.
pub(super) fn plan_node_count(plan: &NodePoolPlan, prior: Option<&NodePool>, value: &mut Value) {
    let settling = prior
        .and_then(|p| p.state.as_deref())
        .is_some_and(lifecycle::pool_settling);
    if settling {
        set(value, "state", Value::unknown());
        set(value, "node_count", Value::unknown());
        return;
    }
    match (&plan.autoscaling, &plan.desired_size) {
        (Planned::Null, Planned::Known(n)) => set(value, "node_count", *n),
        (Planned::Null, Planned::Null) => set(value, "node_count", Value::Null),
        (Planned::Null, Planned::Unknown) => {}
        (auto, _) => {
            if let Some(prior) = prior.filter(|p| p.autoscaling == *auto) {
                let n = prior.node_count.map(tfplugin::Number::from);
                set(value, "node_count", n.map_or(Value::Null, Value::from));
            }
        }
    }
}

/// Pool names are unique in a cluster: refuses a second pool of this plan
/// with the name, and a new or renamed pool whose name an existing pool of
/// the cluster has (the pool this plan replaces aside).
fn claim_name(
    shared: &Shared,
    cluster: &dependent::ClusterRef,
    cluster_name: &str,
    name: &str,
    prior: Option<&NodePool>,
    resp: &mut ModifyPlanResponse,
) {
    let scope = format!("cluster {cluster_name:?}");
    let id = prior.and_then(|p| p.node_pool_id.as_deref());
    let replaced = !resp.requires_replace.is_empty();
    let renamed = prior.is_some_and(|p| p.name.as_deref() != Some(name));
    let holder = match shared
        .registry
        .claim_pool_name(cluster_name, name, id, replaced)
    {
        Ok(holder) => holder,
        Err(taken) => {
            return resp
                .diagnostics
                .push(taken.diagnostic("node pool", name, &scope))
        }
    };
    if !renamed && matches!(holder, Holder::Existing(_)) {
        return;
    }
    if let Some(pools) = &cluster.pools {
        // A pool of Terraform's state is held by a resource of this
        // configuration: a new pool with its name is that resource's
        // replacement (a tainted pool is planned as a create), or a second
        // resource, which the plan's own claims refuse.
        let registry = &shared.registry;
        let ids = pools
            .iter()
            .filter(|p| {
                !(matches!(holder, Holder::New)
                    && registry.pool_was_refreshed(&p.nodepool_info.nodepool_id))
            })
            .map(|p| {
                (
                    p.nodepool_info.nodepool_id.as_str(),
                    p.nodepool_info.name.as_str(),
                )
            });
        if let Err(taken) = NameClaims::check_existing(name, &holder, ids) {
            resp.diagnostics
                .push(taken.diagnostic("node pool", name, &scope));
        }
    }
}
