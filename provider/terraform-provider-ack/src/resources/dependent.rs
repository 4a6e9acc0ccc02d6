//! What every resource that hangs off a cluster shares: resolving its
//! `cluster_name` to the cluster's planned edition (this plan first, then the
//! API), planning `cluster_id`, and finding the running cluster at apply.

use std::sync::Arc;
use std::time::Duration;

use ack_api::edition::{self, Edition, Feature};
use ack_api::model::{ClusterDetail, NodePoolDetail};
use ack_client::Client;
use serde::Deserialize;
use tfplugin::framework::{ModifyPlanRequest, ModifyPlanResponse};
use tfplugin::value::serde::from_value;
use tfplugin::{AttributePath, Diagnostic, Diagnostics, Value};

use crate::common::{api_diag, at, set};
use crate::shared::Shared;

/// A dependent's view of its cluster at plan time.
#[derive(Debug, Default)]
pub struct ClusterRef {
    /// The edition the cluster will have after this apply; `None` when unknown.
    pub edition: Option<&'static Edition>,
    /// The cluster's ID: of the cluster found by name, or of an existing
    /// cluster renamed in this plan. `None` for a cluster still to be created.
    pub id: Option<String>,
    /// The cluster as it exists now, when it was looked up.
    pub existing: Option<ClusterDetail>,
    /// Its node pools now (only when asked for): empty for a cluster still
    /// to be created, `None` when they could not be read.
    pub pools: Option<Arc<Vec<NodePoolDetail>>>,
    /// Checks that could not run because the API could not be asked.
    pub warnings: Diagnostics,
}

/// What a dependent needs to know of its cluster.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// Edition and ID.
    Edition,
    /// Edition, ID and the pools that exist now (node limits, quotas).
    Pools,
}

/// Resolves `name` without an API call per resource: a cluster planned in
/// this run comes from the plan registry (its edition may be changing, or it
/// is being renamed); any other from the region's shared listing. Its pools
/// come from the shared listing of the cluster's pools. When the API cannot
/// be asked, the result carries a warning naming what could not be checked.
pub async fn resolve(
    shared: &Shared,
    name: &str,
    need: Need,
    cancel: &tokio_util::sync::CancellationToken,
) -> ClusterRef {
    let planned = shared.registry.cluster(name);
    let mut r = ClusterRef {
        edition: planned.as_ref().and_then(|p| p.edition),
        id: planned.as_ref().and_then(|p| p.id.clone()),
        ..Default::default()
    };
    let client = match shared.plan_client() {
        Ok(c) => c,
        Err(why) => {
            r.warnings.push(skipped(name, &why));
            return r;
        }
    };
    if planned.is_none() {
        match client.find_cluster(name, cancel).await {
            Ok(Some(c)) => {
                r.edition = edition::by_cluster_spec(&c.cluster_spec);
                r.id = Some(c.cluster_id.clone());
                r.existing = Some(c);
            }
            Ok(None) => {}
            Err(e) => {
                shared.plan_lookup_failed(&e);
                r.warnings
                    .push(skipped(name, &format!("looking it up failed: {e}")));
                return r;
            }
        }
    }
    if need == Need::Pools {
        r.pools = match &r.id {
            None => Some(Arc::default()),
            Some(id) => match client.node_pools(id, cancel).await {
                Ok(p) => Some(p),
                Err(e) => {
                    shared.plan_lookup_failed(&e);
                    r.warnings.push(skipped(
                        name,
                        &format!("listing its node pools failed: {e}"),
                    ));
                    None
                }
            },
        };
    }
    r
}

/// The warning for tier, node-limit or quota checks skipped on cluster `name`.
fn skipped(name: &str, why: &str) -> Diagnostic {
    Diagnostic::warning(
        "Plan-time checks of the cluster skipped",
        format!(
            "The tier rules, node limits and quotas of cluster {name:?} could not be checked at plan time: {why}. \
             The ACK API still enforces them at apply; run the plan again to check them before applying."
        ),
    )
}

/// Plans `cluster_id` and replacement: the same cluster (even renamed) keeps
/// the resource; another cluster replaces it.
pub fn plan_cluster_id(
    req: &ModifyPlanRequest,
    resp: &mut ModifyPlanResponse,
    cluster: &ClusterRef,
) {
    let plan = &mut resp.plan;
    if req.is_create() {
        set(
            plan,
            "cluster_id",
            cluster.id.clone().map_or_else(Value::unknown, Value::from),
        );
        return;
    }
    let (prior, planned) = (Link::read(&req.prior_state), Link::read(plan));
    let renamed = prior.cluster_name != planned.cluster_name;
    if renamed && (cluster.id.is_none() || prior.cluster_id != cluster.id) {
        resp.requires_replace
            .push(AttributePath::attr("cluster_name"));
        set(plan, "cluster_id", Value::unknown());
    } else {
        set(
            plan,
            "cluster_id",
            prior.cluster_id.map_or(Value::Null, Value::from),
        );
    }
}

/// What every dependent resource has: its cluster's name and ID. Unknown
/// reads as `None`, as the comparisons above want.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Link {
    cluster_name: Option<String>,
    cluster_id: Option<String>,
}

impl Link {
    /// Both attributes are strings in every dependent's schema, so the
    /// model always reads; anything else reads as neither being set.
    fn read(v: &Value) -> Link {
        from_value(v).unwrap_or_default()
    }
}

/// The common start of a cluster feature's plan (encryption, backup policy,
/// scheduler profile): resolve the cluster, plan `cluster_id`, and use it as
/// the resource's `id`. `None` on destroy or while `cluster_name` is unknown.
pub async fn plan_feature(
    shared: &Shared,
    req: &ModifyPlanRequest,
    resp: &mut ModifyPlanResponse,
) -> Option<ClusterRef> {
    if resp.is_destroy() {
        return None;
    }
    let name = Link::read(&resp.plan).cluster_name?;
    let mut cluster = resolve(shared, &name, Need::Edition, &req.ctx.cancel).await;
    resp.diagnostics
        .extend(std::mem::take(&mut cluster.warnings));
    plan_cluster_id(req, resp, &cluster);
    if resp.plan.get("id").is_some_and(Value::is_unknown) {
        let id = resp.plan.get("cluster_id").cloned().unwrap_or_default();
        set(&mut resp.plan, "id", id);
    }
    Some(cluster)
}

/// Adds a tier-rule diagnostic at `attr` when the planned edition lacks `feature`.
pub fn require(
    resp: &mut ModifyPlanResponse,
    cluster: &ClusterRef,
    feature: Feature,
    attr: AttributePath,
) {
    if let Some(d) = cluster
        .edition
        .and_then(|ed| tier_violation(ed, feature, attr))
    {
        resp.diagnostics.push(d);
    }
}

/// The tier rule's diagnostic when `ed` lacks `feature`: the same text at
/// plan and at apply.
fn tier_violation(
    ed: &'static Edition,
    feature: Feature,
    attr: AttributePath,
) -> Option<Diagnostic> {
    let e = ed.require(feature).err()?;
    let summary = format!("{} needs ACK Pro", capitalise(feature.description()));
    Some(Diagnostic::error(summary, e.to_string()).at(attr))
}

/// The tier rules again at apply, against the cluster as it runs: a client
/// that applies without planning first (Pulumi's Terraform bridge may) gets
/// the plan's diagnostics before any change is sent to the API.
pub fn require_at_apply(
    cluster: &ClusterDetail,
    wanted: &[(Feature, AttributePath)],
) -> Result<(), tfplugin::Diagnostics> {
    let Some(ed) = edition::by_cluster_spec(&cluster.cluster_spec) else {
        return Ok(());
    };
    let mut diags = tfplugin::Diagnostics::new();
    for (feature, attr) in wanted {
        if let Some(d) = tier_violation(ed, *feature, attr.clone()) {
            diags.push(d);
        }
    }
    if diags.is_empty() {
        Ok(())
    } else {
        Err(diags)
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

/// The cluster named `name`, once it is running (after an upgrade in the
/// same apply, for example).
pub async fn running_cluster(
    client: &Client,
    name: &str,
    timeout: Duration,
    cancel: &tokio_util::sync::CancellationToken,
) -> Result<ClusterDetail, Diagnostic> {
    let c = find_cluster(client, name, cancel).await?;
    if c.state == ack_api::lifecycle::CLUSTER_RUNNING {
        return Ok(c);
    }
    client
        .wait_running(&c.cluster_id, timeout, cancel)
        .await
        .map_err(|e| api_diag("wait for the cluster", &e))
}

/// The cluster `cluster_name` names, or an error at `cluster_name` saying
/// it does not exist.
pub async fn find_cluster(
    client: &Client,
    name: &str,
    cancel: &tokio_util::sync::CancellationToken,
) -> Result<ClusterDetail, Diagnostic> {
    client
        .find_cluster(name, cancel)
        .await
        .map_err(|e| api_diag("look up the cluster", &e))?
        .ok_or_else(|| {
            at(
                Diagnostic::error(
                    "Cluster not found",
                    format!("No cluster named {name:?} exists in the provider's region."),
                ),
                "cluster_name",
            )
        })
}

/// The cluster ID of an import ID (cluster IDs are `c` + 32 hex digits).
pub fn import_cluster_id(id: &str, resource: &str) -> Result<String, Diagnostic> {
    let id = id.trim();
    if ack_api::rules::is_cluster_id(id) {
        Ok(id.to_owned())
    } else {
        Err(Diagnostic::error(
            "Invalid import ID",
            format!("{id:?} is not a cluster ID. Import {resource} with the ID of its cluster, e.g. `terraform import {resource}.main c82e6987e2961451182edacd74faf3d4a`."),
        ))
    }
}
