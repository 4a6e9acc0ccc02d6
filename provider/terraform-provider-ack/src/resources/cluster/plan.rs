//! Plan-time rules of `ack_cluster`: edition changes, values derived from
//! the edition (known at plan time), edition-gated settings, quotas,
//! version upgrades and deletion protection.

use ack_api::edition::{self, Feature};
use ack_api::lifecycle;
use ack_api::rules::{self, NetworkPlan, Setting};
use ack_api::versions;
use tfplugin::framework::{ModifyPlanRequest, ModifyPlanResponse};
use tfplugin::value::serde::Planned;
use tfplugin::{AttributePath, Diagnostic, Diagnostics, Value};

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
        // The cluster's create-time addons, for `ack_addon`'s plan to refuse
        // declaring one twice (the network plugin is the platform's:
        // `ack_addon` adopts it).
        let addons: Vec<String> = plan
            .addons
            .known()
            .into_iter()
            .flatten()
            .filter_map(|a| a.name.clone())
            .collect();
        shared.registry.plan_cluster_addons(name, addons);
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
    let auto_upgrade = config
        .as_ref()
        .and_then(|c| c.operation_policy.known())
        .and_then(|p| p.auto_upgrade)
        .unwrap_or(false);
    let configured = config.map(|c| c.kubernetes_version).unwrap_or_default();
    plan_version(&configured, prior.as_ref(), auto_upgrade, resp);
    // The version the cluster runs after this apply, for its pools' plans.
    if let Some(name) = &plan.name {
        let planned = resp.plan.get("kubernetes_version");
        let version = planned.and_then(Value::as_str).map(str::to_owned);
        shared.registry.plan_cluster_version(name, version);
    }
}

/// The checks of a configuration on its own (`terraform validate`): the
/// network plan by the API contract's rules, the service and pod blocks
/// apart, one kind of security group, and addons that are not the network
/// plugin (that is `network_plugin`'s).
pub fn validate(config: &Value) -> Diagnostics {
    let mut d = Diagnostics::new();
    crate::validation::disjoint_cidrs(config, &mut d);
    let Ok(c) = ClusterPlan::read(config) else {
        return d;
    };
    fn setting<T, U>(p: &Planned<T>, f: impl FnOnce(&T) -> U) -> Setting<U> {
        match p {
            Planned::Null => Setting::Unset,
            Planned::Unknown => Setting::Unknown,
            Planned::Known(v) => Setting::Set(f(v)),
        }
    }
    fn text(p: &Planned<String>) -> Setting<&str> {
        match p {
            Planned::Null => Setting::Unset,
            Planned::Unknown => Setting::Unknown,
            Planned::Known(v) => Setting::Set(v.as_str()),
        }
    }
    let plugin = match &c.network_plugin {
        // The attribute's default.
        Planned::Null => Setting::Set("flannel"),
        other => text(other),
    };
    let plan = NetworkPlan {
        vpc: text(&c.vpc_id),
        vswitches: setting(&c.vswitch_ids, Vec::len),
        zones: setting(&c.zone_ids, Vec::len),
        plugin,
        pod_cidr: text(&c.pod_cidr),
        pod_vswitches: setting(&c.pod_vswitch_ids, Vec::len),
        node_cidr_mask: setting(&c.node_cidr_mask, |m| *m),
    };
    for v in rules::network_plan(&plan, &rules::ATTRIBUTES) {
        // A required attribute that is not there cannot be pointed at:
        // point at the network plugin that requires it, when it is set.
        let configured = config.get(v.field).is_some_and(|x| !x.is_null());
        let at = if configured || c.network_plugin.is_null() {
            v.field
        } else {
            "network_plugin"
        };
        d.push(
            Diagnostic::error(
                format!("Invalid network for the cluster at {at}"),
                format!("{}.", v.error),
            )
            .at(AttributePath::attr(at)),
        );
    }
    if c.security_group_id.known().is_some()
        && c.is_enterprise_security_group.known() == Some(&true)
    {
        d.push(at(
            Diagnostic::error(
                "Invalid value for is_enterprise_security_group",
                "`is_enterprise_security_group` chooses the kind of security group the service creates, so it cannot go with `security_group_id`. Remove one of them.",
            ),
            "is_enterprise_security_group",
        ));
    }
    if let Some(addons) = c.addons.known() {
        let mut seen = std::collections::HashSet::new();
        for (i, name) in addons
            .iter()
            .enumerate()
            .filter_map(|(i, a)| Some((i, a.name.as_deref()?)))
        {
            let path = AttributePath::attr("addons")
                .push_index(i)
                .push_attr("name");
            if rules::network_plugin(name).is_some() {
                d.push(Diagnostic::error(
                    format!("Invalid value for addons[{i}].name: a network plugin"),
                    format!("{name:?} is a network plugin: set `network_plugin = \"{name}\"` instead of listing it in `addons`."),
                ).at(path));
            } else if !seen.insert(name) {
                d.push(
                    Diagnostic::error(
                        "Addon listed twice",
                        format!("{name:?} appears more than once in `addons`."),
                    )
                    .at(path),
                );
            }
        }
    }
    d
}

/// The version is known at plan time when derivable (the default for a new
/// cluster, the current one otherwise); upgrades go one minor at a time.
fn plan_version(
    configured: &Planned<String>,
    prior: Option<&Cluster>,
    auto_upgrade: bool,
    resp: &mut ModifyPlanResponse,
) {
    let current = prior.map(|p| &p.kubernetes_version);
    // With automatic upgrades on, the service moves the version forward by
    // itself: a configured version it has moved past is not a diff.
    if let (true, Planned::Known(to), Some(from)) =
        (auto_upgrade, configured, current.and_then(Planned::known))
    {
        if versions::compare(to, from).is_some_and(|o| o.is_lt()) {
            set(
                &mut resp.plan,
                "kubernetes_version",
                Value::from(from.as_str()),
            );
            return;
        }
    }
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
    let listing = match shared.plan_client() {
        Ok(client) => client.clusters(&req.ctx.cancel).await.map_err(|e| {
            shared.plan_lookup_failed(&e);
            e.to_string()
        }),
        Err(why) => Err(why),
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
