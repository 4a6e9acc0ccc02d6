//! Plan-time rules of `ack_cluster`: edition changes, values derived from
//! the edition (known at plan time), edition-gated settings, quotas,
//! version upgrades and deletion protection.

use ack_api::edition::{self, Feature};
use ack_api::lifecycle;
use ack_api::versions;
use tfplugin::framework::{ModifyPlanRequest, ModifyPlanResponse};
use tfplugin::value::serde::Planned;
use tfplugin::{Diagnostic, Value};

use super::model::{Cluster, ClusterPlan};
use crate::claims::{Holder, NameClaims};
use crate::common::{at, set};
use crate::resources::quota;
use crate::shared::Shared;

pub async fn modify_plan(shared: &Shared, req: &ModifyPlanRequest, resp: &mut ModifyPlanResponse) {
    let prior = (!req.prior_state.is_null()).then(|| Cluster::read(&req.prior_state));
    let plan = (!resp.plan.is_null()).then(|| ClusterPlan::read(&resp.plan));
    let config = (!req.config.is_null()).then(|| ClusterPlan::read(&req.config));
    let (prior, plan, config) = match (prior.transpose(), plan.transpose(), config.transpose()) {
        (Ok(prior), Ok(plan), Ok(config)) => (prior, plan, config),
        (Err(d), _, _) | (_, Err(d), _) | (_, _, Err(d)) => return resp.diagnostics.push(d),
    };
    let Some(plan) = plan else {
        if let Some(prior) = prior {
            if let Some(d) = prior.deletion_protected() {
                resp.diagnostics.push(d);
            }
            shared
                .registry
                .destroy_cluster(prior.name(), prior.id.as_deref());
        }
        return;
    };
    // A cluster still settling (an interrupted create or update) is about
    // to change its state and endpoint: unknown, and the apply waits.
    if prior
        .as_ref()
        .and_then(|p| p.state.as_deref())
        .is_some_and(lifecycle::cluster_settling)
    {
        set(&mut resp.plan, "state", Value::unknown());
        set(&mut resp.plan, "api_server_endpoint", Value::unknown());
    }
    let planned_edition = plan.edition();
    if let Some(ed) = planned_edition {
        if let Some(from) = prior.as_ref().and_then(Cluster::edition) {
            if let Err(e) = edition::check_change(from, ed) {
                resp.diagnostics.push(at(
                    Diagnostic::error("Edition cannot be changed back", e.to_string()),
                    "edition",
                ));
            }
        }
        let v = &mut resp.plan;
        set(v, "sla", ed.sla);
        set(v, "sla_compensation", ed.sla_compensation);
        set(v, "max_nodes", i64::from(ed.max_nodes));
        set(v, "api_server_autoscaling", ed.api_server_autoscaling);
        set(v, "etcd_disk_encryption", ed.etcd_disk_encryption);
        if !plan.maintenance_window.is_null() {
            if let Err(e) = ed.require(Feature::MaintenanceWindow) {
                resp.diagnostics.push(at(
                    Diagnostic::error("Maintenance window needs ACK Pro", e.to_string()),
                    "maintenance_window",
                ));
            }
        }
    }
    if let Some(name) = &plan.name {
        let id = prior.as_ref().and_then(|p| p.id.clone());
        shared
            .registry
            .plan_cluster(name, planned_edition, id.clone());
        let renamed = prior.as_ref().is_some_and(|p| p.name() != name);
        let replaced = !resp.requires_replace.is_empty();
        match shared
            .registry
            .claim_cluster_name(name, id.as_deref(), replaced)
        {
            Err(taken) => resp
                .diagnostics
                .push(taken.diagnostic("cluster", name, "the region")),
            Ok(holder) if renamed || !matches!(holder, Holder::Existing(_)) => {
                name_free_in_region(shared, name, &holder, req, resp).await;
            }
            Ok(_) => {}
        }
        if prior.is_none() {
            quota::check_new_cluster(shared, &req.ctx.cancel, &mut resp.diagnostics).await;
        }
    }
    let configured = config.map(|c| c.kubernetes_version).unwrap_or_default();
    plan_version(&configured, prior.as_ref(), resp);
}

/// The version is known at plan time when derivable (the default for a new
/// cluster, the current one otherwise); upgrades go one minor at a time.
fn plan_version(
    configured: &Planned<String>,
    prior: Option<&Cluster>,
    resp: &mut ModifyPlanResponse,
) {
    let current = prior.map(|p| &p.kubernetes_version);
    match configured {
        Planned::Null => {
            let v = match current {
                None => Value::from(versions::DEFAULT),
                Some(v) => v.known().map_or(Value::Null, |v| Value::from(v.as_str())),
            };
            set(&mut resp.plan, "kubernetes_version", v);
        }
        Planned::Known(to) => {
            if let Some(from) = current.and_then(Planned::known) {
                if let Err(e) = versions::check_upgrade(from, to) {
                    resp.diagnostics.push(at(
                        Diagnostic::error("Kubernetes version change not possible", e.to_string()),
                        "kubernetes_version",
                    ));
                }
            }
        }
        Planned::Unknown => {}
    }
}

/// A new or renamed cluster's name must not be one an existing cluster of
/// the region has (the one this plan replaces aside): from the region's
/// shared listing, the one the quota check reads too.
async fn name_free_in_region(
    shared: &Shared,
    name: &str,
    holder: &Holder,
    req: &ModifyPlanRequest,
    resp: &mut ModifyPlanResponse,
) {
    let listing = match crate::common::client(shared) {
        Ok(client) => client
            .clusters(&req.ctx.cancel)
            .await
            .map_err(|e| e.to_string()),
        Err(_) => Err("the provider configuration is not known yet".into()),
    };
    match listing {
        Ok(existing) => {
            let ids = existing
                .iter()
                .map(|c| (c.cluster_id.as_str(), c.name.as_str()));
            if let Err(taken) = NameClaims::check_existing(name, holder, ids) {
                resp.diagnostics
                    .push(taken.diagnostic("cluster", name, "the region"));
            }
        }
        Err(why) => resp.diagnostics.push(Diagnostic::warning(
            "Cluster name check skipped",
            format!(
                "The region's clusters could not be listed: {why}. The plan was not checked for a cluster that \
                 already has the name {name:?}; the API still refuses a duplicate at apply."
            ),
        )),
    }
}
