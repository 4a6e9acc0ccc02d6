//! `ack_node_pool`: a node pool of a cluster, referenced by `cluster_name`.
//!
//! Files: [`model`] (typed model, API request, state), [`schema`], [`plan`]
//! (validate, modify_plan); here the life cycle in the order create, read,
//! update, delete, import, then helpers.

/// `From` in both directions between a setting as configured and the API's
/// struct of the same fields (the managed policies, huge pages).
macro_rules! same_fields {
    ($model:ident, $api:ident { $($field:ident),+ }) => {
        impl From<&$api> for $model {
            fn from(p: &$api) -> $model {
                $model { $($field: p.$field.clone()),+ }
            }
        }
        impl From<&$model> for $api {
            fn from(p: &$model) -> $api {
                $api { $($field: p.$field.clone()),+ }
            }
        }
    };
}

mod kube;
mod managed;
pub mod model;
mod node_os;
mod plan;
mod plan_nodes;
mod scaling;
mod schema;
mod schema_k8s;
mod schema_nodes;
#[cfg(test)]
mod tests;
mod upgrade;

use std::sync::Arc;
use std::time::Duration;

use ack_client::{Error as ApiError, Until};
use async_trait::async_trait;
use tfplugin::framework::*;
use tfplugin::{Diagnostic, Diagnostics, Schema, Value};

use self::model::NodePool;
use crate::common::{self, api_diag, Op};
use crate::resources::dependent;
use crate::resources::quota;
use crate::shared::Shared;

pub struct NodePoolResource {
    pub shared: Arc<Shared>,
}

const CREATE_TIMEOUT: Duration = Duration::from_secs(30 * 60);
const UPDATE_TIMEOUT: Duration = Duration::from_secs(30 * 60);
const DELETE_TIMEOUT: Duration = Duration::from_secs(30 * 60);

#[async_trait]
impl Resource for NodePoolResource {
    fn type_name(&self) -> String {
        "ack_node_pool".into()
    }

    fn schema(&self) -> Schema {
        schema::schema().version(crate::upgrade::VERSION)
    }

    async fn upgrade_state(&self, req: UpgradeStateRequest) -> UpgradeStateResponse {
        crate::upgrade::upgrade(&req, "ack_node_pool", model::ty())
    }

    async fn move_state(&self, req: MoveStateRequest) -> Option<MoveStateResponse> {
        Some(crate::moved::node_pool::accept(req))
    }

    async fn validate(&self, req: &ValidateRequest) -> Diagnostics {
        plan::validate(&req.config)
    }

    async fn modify_plan(&self, req: &ModifyPlanRequest, resp: &mut ModifyPlanResponse) {
        plan::modify_plan(&self.shared, req, resp).await;
    }

    async fn create(&self, req: CreateRequest) -> ApplyResponse {
        self.create_pool(req)
            .await
            .or_respond(ApplyResponse::default)
    }

    async fn read(&self, req: ReadRequest) -> ReadResponse {
        let refreshed = self.read_pool(&req).await;
        refreshed.or_respond(|| ReadResponse::unchanged(req))
    }

    async fn update(&self, req: UpdateRequest) -> ApplyResponse {
        let updated = self.update_pool(&req).await;
        updated.or_respond(|| ApplyResponse::unchanged(req))
    }

    async fn delete(&self, req: DeleteRequest) -> Diagnostics {
        self.delete_pool(req).await.err().unwrap_or_default()
    }

    async fn import(&self, req: ImportRequest) -> ImportResponse {
        let Some((cid, np)) = req
            .id
            .trim()
            .split_once(':')
            .filter(|(c, n)| !c.is_empty() && !n.is_empty())
        else {
            return ImportResponse::error(Diagnostic::error("Invalid import ID", format!("{:?} is not `<cluster_id>:<node_pool_id>`, e.g. `terraform import ack_node_pool.workers c82e…:np5b…`.", req.id)));
        };
        ImportResponse::ok(Value::object([
            ("id", Value::from(format!("{cid}:{np}"))),
            ("cluster_id", Value::from(cid)),
            ("node_pool_id", Value::from(np)),
        ]))
    }
}

impl NodePoolResource {
    async fn create_pool(&self, req: CreateRequest) -> Result<ApplyResponse, Diagnostics> {
        let client = common::client(&self.shared)?;
        let plan = NodePool::read(&req.plan)?;
        let cancel = &req.ctx.cancel;
        let timeout = common::timeout(&plan.timeouts, Op::Create, CREATE_TIMEOUT);
        let client = client.until(timeout);
        let cluster_name = plan.cluster_name();
        let cluster = dependent::find_cluster(&client, cluster_name, cancel).await?;
        dependent::require_at_apply(&cluster, &plan::wanted(plan.managed.as_ref()))?;
        upgrade::check_new_pool(&plan, &cluster)?;
        let cid = cluster.cluster_id.as_str();
        let over = quota::at_apply(&self.shared, &client, Some((cid, cluster_name)), cancel).await;
        if over.has_errors() {
            return Err(over);
        }
        let token = uuid::Uuid::new_v4().to_string();
        let password = req.config.get("login_password_wo").and_then(Value::as_str);
        let body = plan.request(NodePool::password_to_send(password, &plan, None))?;
        let (np, task) = client
            .create_node_pool(cid, &body, &token, cancel)
            .await
            .map_err(|e| api_diag("create the node pool", &e))?;
        // From here on the pool exists: always hand its ID back.
        let name = plan.name.as_deref().unwrap_or_default();
        self.shared
            .registry
            .pool_created(cluster_name, name, &np, plan.planned_nodes());
        let waited = client
            .wait_node_pool(cid, &np, Until::Active, task.as_deref(), timeout, cancel)
            .await;
        let p = match waited {
            Ok(Some(p)) => p,
            Ok(None) => return Ok(unreachable_state(&req.plan, cid, &np, req.private, None)),
            Err(e) => {
                return Ok(unreachable_state(
                    &req.plan,
                    cid,
                    &np,
                    req.private,
                    Some(&e),
                ))
            }
        };
        let state = NodePool::from_api(cid, cluster_name, &p, &plan).value()?;
        Ok(ApplyResponse::ok(state, req.private))
    }

    async fn read_pool(&self, req: &ReadRequest) -> Result<ReadResponse, Diagnostics> {
        let client = common::client(&self.shared)?;
        let state = NodePool::read(&req.state)?;
        let cancel = &req.ctx.cancel;
        let (cid, np) = (state.cluster_id(), state.node_pool_id());
        let cluster_name = match &state.cluster_name {
            Some(n) => n.clone(),
            None => match client.describe_cluster(cid, cancel).await {
                Ok(Some(c)) => c.name,
                Ok(None) => return Ok(ReadResponse::gone(req.private.clone())),
                Err(e) => return Err(api_diag("read the cluster", &e).into()),
            },
        };
        match client.node_pool(cid, np, cancel).await {
            // A pool being deleted is gone, unless its deletion is stuck
            // (nodes that cannot be drained): it stays, so that
            // `force_delete` can be set on it and the destroy run again.
            Ok(Some(p)) if p.status.state != "deleting" || stuck_deleting(&p) => {
                self.shared.registry.pool_refreshed(np);
                let now = NodePool::from_api(cid, &cluster_name, &p, &state).value()?;
                Ok(ReadResponse::found(now, req.private.clone()))
            }
            Ok(_) => Ok(ReadResponse::gone(req.private.clone())),
            Err(e) => Err(api_diag("read the node pool", &e).into()),
        }
    }

    async fn update_pool(&self, req: &UpdateRequest) -> Result<ApplyResponse, Diagnostics> {
        let client = common::client(&self.shared)?;
        let plan = NodePool::read(&req.plan)?;
        let prior = NodePool::read(&req.prior_state)?;
        let cancel = &req.ctx.cancel;
        let timeout = common::timeout(&plan.timeouts, Op::Update, UPDATE_TIMEOUT);
        let client = client.until(timeout);
        let (cid, np) = (prior.cluster_id(), prior.node_pool_id());
        // Turning on a pro-only feature: the plan's tier rule again, for
        // clients that apply without planning.
        let asked = plan::wanted(plan.managed.as_ref());
        if !asked.is_empty() && prior.managed.is_none() {
            if let Ok(Some(c)) = client.describe_cluster(cid, cancel).await {
                dependent::require_at_apply(&c, &asked)?;
            }
        }
        let mut task = None;
        // A Kubernetes upgrade carries the image and runtime changed with it;
        // ModifyClusterNodePool sends the rest.
        let (upgrade, settings) = match upgrade::request(&plan, &prior) {
            Some((u, rest)) => (Some(u), rest),
            None => (None, plan.clone()),
        };
        if settings.settings() != prior.settings() {
            let password = req.config.get("login_password_wo").and_then(Value::as_str);
            let password = NodePool::password_to_send(password, &settings, Some(&prior));
            let mut body = settings.request(password)?;
            // ModifyClusterNodePool has no node_config: the kubelet goes
            // through ModifyNodePoolNodeConfig below.
            body.node_config = None;
            task = client
                .modify_node_pool(cid, np, &body, cancel)
                .await
                .map_err(|e| api_diag("update the node pool", &e))?;
        }
        let kubelet_changed = plan.kubelet_configuration != prior.kubelet_configuration;
        let os_changed = plan.node_os_config != prior.node_os_config;
        if kubelet_changed || os_changed {
            if task.is_some() {
                client
                    .wait_node_pool(cid, np, Until::Active, task.as_deref(), timeout, cancel)
                    .await
                    .map_err(|e| api_diag("wait for the node pool update", &e))?;
            }
            // Each part is replaced as a whole: only the changed ones go.
            let kubelet = plan.kubelet_configuration.as_ref().map(|k| k.to_api());
            let os = plan.node_os_config.as_ref().map(|o| o.to_api());
            let body = ack_api::model::NodeConfigRequest {
                kubelet_config: kubelet_changed.then(|| kubelet.unwrap_or_default()),
                os_config: os_changed.then(|| os.unwrap_or_default()),
                rolling_policy: None,
            };
            task = client
                .modify_node_pool_node_config(cid, np, &body, cancel)
                .await
                .map_err(|e| api_diag("update the nodes' kubelet and OS configuration", &e))?;
        }
        let p = match (upgrade, task) {
            // The nodes' upgrade last, once the settings are in place.
            (Some(u), task) => {
                if task.is_some() {
                    client
                        .wait_node_pool(cid, np, Until::Active, task.as_deref(), timeout, cancel)
                        .await
                        .map_err(|e| api_diag("wait for the node pool update", &e))?;
                }
                let upgraded = client.upgrade_node_pool(cid, np, &u, timeout, cancel).await;
                Some(upgraded.map_err(|e| upgrade::diag(&e))?)
            }
            // Nothing sent to a pool whose deletion is stuck (only
            // `force_delete` or `timeouts` changed): the pool as it is.
            (None, None) if prior.state.as_deref() == Some("deleting") => client
                .node_pool(cid, np, cancel)
                .await
                .map_err(|e| api_diag("read the node pool", &e))?,
            (None, task) => client
                .wait_node_pool(cid, np, Until::Active, task.as_deref(), timeout, cancel)
                .await
                .map_err(|e| api_diag("wait for the node pool update", &e))?,
        };
        let p = p.ok_or_else(|| {
            let e = ApiError::Failed(format!("node pool {np} disappeared"));
            api_diag("read the node pool", &e)
        })?;
        let state = NodePool::from_api(cid, plan.cluster_name(), &p, &plan).value()?;
        Ok(ApplyResponse::ok(state, req.private.clone()))
    }

    async fn delete_pool(&self, req: DeleteRequest) -> Result<(), Diagnostics> {
        let client = common::client(&self.shared)?;
        let state = NodePool::read(&req.state)?;
        let cancel = &req.ctx.cancel;
        let timeout = common::timeout(&state.timeouts, Op::Delete, DELETE_TIMEOUT);
        let client = client.until(timeout);
        let (cid, np) = (state.cluster_id(), state.node_pool_id());
        let force = state.force_delete == Some(true);
        let task = match client.delete_node_pool(cid, np, force, cancel).await {
            Ok(t) => t,
            Err(e) if e.code() == Some("ErrorClusterNotFound") => None,
            // Being deleted already (an earlier destroy that timed out):
            // wait for it again.
            Err(e) if e.code() == Some("ErrorNodePoolState") => None,
            Err(e) => return Err(api_diag("delete the node pool", &e).into()),
        };
        // Clients that delete without planning (Pulumi's bridge) must leave
        // the registry right too: the pool no longer counts anywhere.
        let name = state.name.as_deref().unwrap_or_default();
        self.shared
            .registry
            .pool_deleted(state.cluster_name(), name, np);
        client
            .wait_node_pool(cid, np, Until::Gone, task.as_deref(), timeout, cancel)
            .await
            .map_err(|e| {
                let mut d = api_diag("wait for the node pool deletion", &e);
                if !force {
                    d.detail.push_str(
                        " If the pool's nodes cannot be drained, set `force_delete = true` on the pool, apply, \
                         and destroy again: the nodes are then removed without draining.",
                    );
                }
                d
            })?;
        Ok(())
    }
}

// ------------------------------------------------------------------ helpers

/// A deletion that cannot finish: the pool's nodes cannot be drained.
fn stuck_deleting(p: &ack_api::model::NodePoolDetail) -> bool {
    p.status.state == "deleting"
        && p.status
            .conditions
            .iter()
            .any(|c| c.kind == "Draining" && c.status == "False")
}

/// The answer of a create whose pool exists but did not become active: its
/// IDs, so that Terraform records it. Interrupted by Terraform, the pool is
/// recorded as it is (the next plan reads it), and so it is when the API
/// stopped answering; failed or timed out while the service reported its
/// progress, the diagnostic says why and Terraform marks the pool tainted.
fn unreachable_state(
    plan: &Value,
    cluster_id: &str,
    np: &str,
    private: Private,
    error: Option<&ApiError>,
) -> ApplyResponse {
    let mut partial = plan.clone();
    common::set(&mut partial, "id", format!("{cluster_id}:{np}"));
    common::set(&mut partial, "cluster_id", cluster_id);
    common::set(&mut partial, "node_pool_id", np);
    common::null_unknowns(&mut partial);
    let diagnostic = match error {
        Some(ApiError::Cancelled) => Diagnostic::warning(
            "Node pool creation interrupted",
            format!(
                "Terraform was interrupted while node pool {np} was being created. The pool exists and is \
                 recorded in the state; the next plan reads its state from the service."
            ),
        ),
        // No answer from the service (an outage that outlasted the
        // timeout): the pool is not known to have failed, so it is recorded
        // untainted and read back by the next plan, never replaced.
        Some(e) if e.is_unanswered() => Diagnostic::warning(
            "Node pool created, but its state could not be read",
            format!(
                "Node pool {np} was created, then the ACK API stopped answering: {e}. The pool is recorded in \
                 the state; the next plan reads it back from the service (run `terraform apply` again once the \
                 API answers)."
            ),
        ),
        Some(e) => api_diag("bring the new node pool to active", e),
        None => Diagnostic::error(
            "Node pool disappeared",
            format!("Node pool {np} was created but is gone; it is tainted and the next apply creates it again."),
        ),
    };
    ApplyResponse::ok(partial, private).with_error(diagnostic)
}
