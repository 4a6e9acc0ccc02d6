//! Plan-time checks of `ack_addon`: the scheduler belongs to
//! `ack_scheduler_profile`; an addon declared in the cluster's create-time
//! list is managed there; the name must be one the cluster is offered
//! (ListAddons) or the catalog knows; the version one the cluster can run
//! (DescribeAddon), never lower than the installed one, and — unset on a
//! new addon of an existing cluster — the newest offered; the config valid
//! for the addon's schema and, when it means what the state holds, the
//! state's spelling (no diff from formatting).

use ack_api::addons;
use ack_client::AddonTarget;
use serde::Deserialize;
use tfplugin::{AttributePath, Diagnostic, Diagnostics, Value};

use crate::common;
use crate::resources::feature::{plan_view, PlanContext};

/// The addon's name, where it may be unknown.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct NameView {
    pub name: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct View {
    cluster_name: Option<String>,
    name: Option<String>,
    version: Option<String>,
    config: Option<String>,
}

fn error(summary: &str, detail: String, attr: &str) -> Diagnostic {
    Diagnostic::error(summary, detail).at(AttributePath::attr(attr))
}

/// The addons a cluster planned in this run is created with (its
/// `addons` list and network plugin), from the plan registry; for a cluster
/// that exists, none (they are installed, and read as such).
fn declared_at_create(ctx: &PlanContext<'_>, cluster: &str) -> Vec<String> {
    ctx.shared.registry.cluster_addons(cluster)
}

pub async fn check(ctx: &PlanContext<'_>, plan: &mut Value, diags: &mut Diagnostics) {
    let view: View = match plan_view(plan, "addon") {
        Ok(v) => v,
        Err(d) => return diags.push(d),
    };
    let prior: View = plan_view(ctx.prior, "addon").unwrap_or_default();
    let Some(name) = view.name.clone() else {
        return;
    };
    if name == addons::SCHEDULER {
        return diags.push(error(
            "kube-scheduler is ack_scheduler_profile's",
            "The kube-scheduler addon's configuration is managed by `ack_scheduler_profile` (gang, topology-aware and NPU scheduling, cGPU, score plugins); use that resource instead of `ack_addon`.".into(),
            "name",
        ));
    }
    let cluster_name = view.cluster_name.as_deref().unwrap_or_default();
    let declared = declared_at_create(ctx, cluster_name);
    let declared: Vec<&str> = declared.iter().map(String::as_str).collect();
    if let Err(e) = addons::check_not_declared_at_create(&name, &declared) {
        diags.push(error("Addon declared twice", format!("{e}."), "name"));
    }
    // A configuration that means what the state holds keeps the state's spelling.
    if let (Some(now), Some(was)) = (&view.config, &prior.config) {
        let same = addons::normalise_config(now)
            .ok()
            .zip(addons::normalise_config(was).ok())
            .is_some_and(|(a, b)| a == b);
        if same && now != was {
            common::set(plan, "config", Value::from(was.as_str()));
        }
    }
    if let (Some(now), Some(was)) = (&view.version, &prior.version) {
        if addons::compare_versions(now, was).is_lt() {
            diags.push(error(
                "Addon downgrade",
                format!("{name} is at version {was}; addons cannot be downgraded to {now}. Keep `version = \"{was}\"` (or newer), or remove the addon and install the older version."),
                "version",
            ));
        }
    }
    let cluster = ctx.cluster;
    let target = match (&cluster.id, cluster.edition) {
        (Some(id), _) => AddonTarget::Cluster(id),
        (None, Some(ed)) => AddonTarget::Kind {
            cluster_spec: ed.cluster_spec,
            cluster_version: None,
        },
        (None, None) => return,
    };
    let Ok(client) = common::client(ctx.shared) else {
        return;
    };
    let offered = match client.offered_addons(target, ctx.cancel).await {
        Ok(list) => list,
        Err(e) => {
            return diags.push(Diagnostic::warning(
                "Plan-time checks of the addon skipped",
                format!("The addons the cluster is offered could not be listed ({e}); the name, version and configuration of {name} are checked by the API at apply."),
            ))
        }
    };
    let Some(meta) = offered.addons.iter().find(|a| a.name == name) else {
        // An addon the catalog knows may be missing from the list only
        // because the cluster's edition changes in this plan: the tier
        // rules judge that one.
        if addons::get(&name).is_none() {
            let names: Vec<&str> = offered.addons.iter().map(|a| a.name.as_str()).collect();
            diags.push(error(
                "Unknown addon",
                format!(
                    "The cluster is offered no addon named {name:?}. Addons offered: {}.",
                    names.join(", ")
                ),
                "name",
            ));
        }
        return;
    };
    if plan.get("version").is_some_and(Value::is_unknown) && prior.version.is_none() {
        if let AddonTarget::Cluster(_) = target {
            common::set(plan, "version", Value::from(meta.version.as_str()));
        }
    }
    if let Some(v) = view
        .version
        .as_deref()
        .filter(|v| Some(*v) != prior.version.as_deref() && *v != meta.version)
    {
        match client.describe_addon(&name, v, target, ctx.cancel).await {
            Ok(_) => {}
            Err(e) if e.code().is_some_and(|c| c.starts_with("InvalidParameter")) || e.is_not_found() => {
                diags.push(error(
                    "Addon version not available",
                    format!("The cluster cannot run {name} {v}: {}. The newest it can run is {}.", api_message(&e), meta.version),
                    "version",
                ));
            }
            Err(e) => diags.push(Diagnostic::warning(
                "Plan-time check of the addon version skipped",
                format!("Whether the cluster can run {name} {v} could not be asked ({e}); the API checks it at apply."),
            )),
        }
    }
    if let Some(config) = &view.config {
        let schema = serde_json::from_str(&meta.config_schema).unwrap_or(serde_json::Value::Null);
        if schema.is_object() {
            if let Err(e) = addons::validate_config(&schema, config) {
                diags.push(error(
                    "Invalid addon configuration",
                    format!("{name}: {e}."),
                    "config",
                ));
            }
        }
    }
}

/// Destroying an addon the platform owns (the network plugin) uninstalls
/// nothing: the plan says so.
pub fn check_destroy(prior: &Value) -> Option<Diagnostic> {
    let view: NameView = plan_view(prior, "addon").ok()?;
    let name = view.name?;
    addons::get(&name).filter(|a| a.platform_owned).map(|_| {
        Diagnostic::warning(
            "Platform addon stays installed",
            format!("{name} is owned by the platform and cannot be removed: destroying this resource only forgets it; the addon stays installed with the cluster."),
        )
        .at(AttributePath::attr("name"))
    })
}

/// The service's own words of an API error.
fn api_message(e: &ack_client::Error) -> String {
    match e {
        ack_client::Error::Api { message, .. } => message.clone(),
        other => other.to_string(),
    }
}
