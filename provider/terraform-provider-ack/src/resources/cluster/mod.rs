//! `ack_cluster`: a managed Kubernetes cluster, ACK Standard or ACK Pro.
//!
//! Files: [`model`] (typed model, API requests, state), [`schema`],
//! [`plan`] (modify_plan); here the life cycle in the order create, read,
//! update, delete, import, then helpers.

pub mod model;
mod plan;
mod schema;
mod settings;
#[cfg(test)]
mod tests;

use std::sync::Arc;
use std::time::Duration;

use ack_client::{Client, Error as ApiError};
use async_trait::async_trait;
use tfplugin::framework::*;
use tfplugin::{Diagnostic, Diagnostics, Schema, Value};
use tokio_util::sync::CancellationToken;

use self::model::{AuditLog, Cluster, ControlPlaneLogs};
use crate::common::{self, api_diag, Op};
use crate::resources::quota;
use crate::shared::Shared;
use ack_api::model::AuditLogUpdate;

pub struct ClusterResource {
    pub shared: Arc<Shared>,
}

const CREATE_TIMEOUT: Duration = Duration::from_secs(30 * 60);
const UPDATE_TIMEOUT: Duration = Duration::from_secs(60 * 60);
const DELETE_TIMEOUT: Duration = Duration::from_secs(30 * 60);

#[async_trait]
impl Resource for ClusterResource {
    fn type_name(&self) -> String {
        "ack_cluster".into()
    }

    fn schema(&self) -> Schema {
        schema::schema().version(crate::upgrade::VERSION)
    }

    async fn upgrade_state(&self, req: UpgradeStateRequest) -> UpgradeStateResponse {
        crate::upgrade::upgrade(&req, "ack_cluster", model::ty())
    }

    async fn move_state(&self, req: MoveStateRequest) -> Option<MoveStateResponse> {
        Some(crate::moved::cluster::accept(req))
    }

    async fn validate(&self, req: &ValidateRequest) -> Diagnostics {
        plan::validate(&req.config)
    }

    async fn modify_plan(&self, req: &ModifyPlanRequest, resp: &mut ModifyPlanResponse) {
        plan::modify_plan(&self.shared, req, resp).await;
    }

    async fn create(&self, req: CreateRequest) -> ApplyResponse {
        self.create_cluster(req)
            .await
            .or_respond(ApplyResponse::default)
    }

    async fn read(&self, req: ReadRequest) -> ReadResponse {
        let refreshed = self.read_cluster(&req).await;
        refreshed.or_respond(|| ReadResponse::unchanged(req))
    }

    async fn update(&self, req: UpdateRequest) -> ApplyResponse {
        let updated = self.update_cluster(&req).await;
        updated.or_respond(|| ApplyResponse::unchanged(req))
    }

    async fn delete(&self, req: DeleteRequest) -> Diagnostics {
        self.delete_cluster(req).await.err().unwrap_or_default()
    }

    async fn import(&self, req: ImportRequest) -> ImportResponse {
        let id = req.id.trim();
        if !ack_api::rules::is_cluster_id(id) {
            return ImportResponse::error(Diagnostic::error(
                "Invalid import ID",
                format!("{id:?} is not a cluster ID. Import ack_cluster with its ID, e.g. `terraform import ack_cluster.main c82e6987e2961451182edacd74faf3d4a`."),
            ));
        }
        ImportResponse::ok(Value::object([("id", Value::from(id))]))
    }
}

impl ClusterResource {
    async fn create_cluster(&self, req: CreateRequest) -> Result<ApplyResponse, Diagnostics> {
        let client = common::client(&self.shared)?;
        let plan = Cluster::read(&req.plan)?;
        let body = plan.create_request(client.region());
        let cancel = &req.ctx.cancel;
        let over = quota::at_apply(&self.shared, client, None, cancel).await;
        if over.has_errors() {
            return Err(over);
        }
        let token = uuid::Uuid::new_v4().to_string();
        let timeout = common::timeout(&plan.timeouts, Op::Create, CREATE_TIMEOUT);
        let client = client.until(timeout);
        let (id, _) = client
            .create_cluster(&body, &token, cancel)
            .await
            .map_err(|e| api_diag("create the cluster", &e))?;
        // From here on the cluster exists: always hand its ID back.
        self.shared.registry.cluster_created(plan.name(), &id);
        match client.wait_running(&id, timeout, cancel).await {
            Ok(detail) => {
                let state = Cluster::from_api(&detail, &plan).value()?;
                Ok(ApplyResponse::ok(state, req.private))
            }
            Err(e) => Ok(unfinished(req.plan, &id, &e, req.private)),
        }
    }

    async fn read_cluster(&self, req: &ReadRequest) -> Result<ReadResponse, Diagnostics> {
        let client = common::client(&self.shared)?;
        let state = Cluster::read(&req.state)?;
        match client.describe_cluster(state.id(), &req.ctx.cancel).await {
            Ok(Some(detail)) if detail.state != "deleting" => {
                let mut now = Cluster::from_api(&detail, &state);
                self.read_beyond_detail(client, &state, &mut now, &req.ctx.cancel)
                    .await?;
                Ok(ReadResponse::found(now.value()?, req.private.clone()))
            }
            Ok(_) => Ok(ReadResponse::gone(req.private.clone())),
            Err(e) => Err(api_diag("read the cluster", &e).into()),
        }
    }

    async fn update_cluster(&self, req: &UpdateRequest) -> Result<ApplyResponse, Diagnostics> {
        let client = common::client(&self.shared)?;
        let plan = Cluster::read(&req.plan)?;
        let prior = Cluster::read(&req.prior_state)?;
        let (id, cancel) = (prior.id(), &req.ctx.cancel);
        let timeout = common::timeout(&plan.timeouts, Op::Update, UPDATE_TIMEOUT);
        let client = client.until(timeout);
        let step = Step {
            client: &client,
            id,
            timeout,
            cancel,
        };
        // 0. A cluster still settling (an interrupted create or update)
        //    finishes first: its plan left the state unknown for this.
        if prior
            .state
            .as_deref()
            .is_some_and(ack_api::lifecycle::cluster_settling)
        {
            client
                .wait_running(id, timeout, cancel)
                .await
                .map_err(|e| api_diag("wait for the cluster to settle", &e))?;
        }
        // 1. Standard → pro, in place, before anything else: the settings
        //    that need ACK Pro (maintenance window) are refused on standard.
        if plan.edition != prior.edition && plan.edition.as_deref() == Some("pro") {
            let r = client.migrate_to_pro(id, cancel).await;
            step.done(
                r,
                "upgrade the cluster to ACK Pro",
                "wait for the upgrade to ACK Pro",
            )
            .await?;
        }
        // 2. ModifyCluster: everything it changes in place (name, deletion
        //    protection, maintenance window, operation policy, vSwitches,
        //    security group, resource group, time zone, public endpoint,
        //    SANs, RRSA), in one call.
        let body = plan.modify_request(&prior);
        if !body.is_empty() {
            let r = client.modify_cluster(id, &body, cancel).await;
            step.done(r, "modify the cluster", "wait for the cluster update")
                .await?;
        }
        // 3. Tags.
        if plan.tags != prior.tags {
            let tags = common::tags_to_api(plan.tags.as_ref());
            let r = client.set_tags(id, &tags, cancel).await;
            step.done(r, "update the cluster tags", "wait for the tag update")
                .await?;
        }
        // 4. Control-plane and audit logs.
        if plan.control_plane_logs != prior.control_plane_logs {
            let log = plan
                .control_plane_logs
                .as_ref()
                .map(ControlPlaneLogs::request)
                .unwrap_or_default();
            let r = client
                .set_control_plane_log(id, &log, timeout, cancel)
                .await;
            r.map_err(|e| api_diag("update the control-plane logs", &e))?;
        }
        if plan.audit_log != prior.audit_log {
            let update = AuditLogUpdate {
                disable: !plan
                    .audit_log
                    .as_ref()
                    .and_then(|a| a.enabled)
                    .unwrap_or(false),
                sls_project_name: plan
                    .audit_log
                    .as_ref()
                    .and_then(|a| a.sls_project_name.clone()),
            };
            let r = client.set_audit_log(id, &update, timeout, cancel).await;
            r.map_err(|e| api_diag("update the audit log", &e))?;
        }
        // 5. Kubernetes version.
        if plan.kubernetes_version != prior.kubernetes_version {
            if let Some(v) = plan.kubernetes_version.known() {
                let r = client.upgrade_cluster(id, v, cancel).await;
                step.done(r, "upgrade Kubernetes", "wait for the Kubernetes upgrade")
                    .await?;
            }
        }
        let what = "read the cluster after the update";
        let detail = client
            .describe_cluster(id, cancel)
            .await
            .map_err(|e| api_diag(what, &e))?
            .ok_or_else(|| {
                api_diag(what, &ApiError::Failed(format!("cluster {id} disappeared")))
            })?;
        let state = Cluster::from_api(&detail, &plan).value()?;
        Ok(ApplyResponse::ok(state, req.private.clone()))
    }

    async fn delete_cluster(&self, req: DeleteRequest) -> Result<(), Diagnostics> {
        let state = Cluster::read(&req.state)?;
        // Clients that delete without planning first (Pulumi's Terraform
        // bridge) get the plan's refusal here, before any API call.
        if let Some(d) = state.deletion_protected() {
            return Err(d.into());
        }
        let client = common::client(&self.shared)?;
        let (id, cancel) = (state.id(), &req.ctx.cancel);
        let timeout = common::timeout(&state.timeouts, Op::Delete, DELETE_TIMEOUT);
        let client = client.until(timeout);
        client
            .delete_cluster_with(id, &state.delete_options(), cancel)
            .await
            .map_err(|e| api_diag("delete the cluster", &e))?;
        // Clients that delete without planning (Pulumi's bridge) must leave
        // the registry right too.
        self.shared.registry.destroy_cluster(state.name(), Some(id));
        client
            .wait_cluster(id, "the cluster to be deleted", timeout, cancel, |c| {
                Ok(c.is_none())
            })
            .await
            .map_err(|e| api_diag("wait for the cluster deletion", &e))?;
        Ok(())
    }
}

// ------------------------------------------------------------------ helpers

impl ClusterResource {
    /// What DescribeClusterDetail does not carry, read only where the state
    /// has it or knows nothing yet (an import), so that a refresh of a
    /// cluster without logs costs no extra call: the logs' settings, and
    /// after an import the Terway variant (the detail tells Flannel apart by
    /// its pod block, not ENI from ENIIP; the installed addons say).
    async fn read_beyond_detail(
        &self,
        client: &Client,
        state: &Cluster,
        now: &mut Cluster,
        cancel: &CancellationToken,
    ) -> Result<(), Diagnostic> {
        let imported = state.name.is_none();
        let id = state.id();
        if imported || state.control_plane_logs.is_some() {
            let log = client
                .control_plane_log(id, cancel)
                .await
                .map_err(|e| api_diag("read the control-plane logs", &e))?;
            now.control_plane_logs =
                ControlPlaneLogs::from_api(&log, id, state.control_plane_logs.as_ref());
        }
        if imported || state.audit_log.is_some() {
            let a = client
                .audit_project(id, cancel)
                .await
                .map_err(|e| api_diag("read the audit log", &e))?;
            now.audit_log = (a.audit_enabled || state.audit_log.is_some())
                .then(|| AuditLog::from_api(&a, id, state.audit_log.as_ref()));
        }
        if imported && now.network_plugin.is_none() {
            for plugin in ack_api::rules::NETWORK_PLUGINS {
                let found = client
                    .addon(id, plugin, cancel)
                    .await
                    .map_err(|e| api_diag("read the cluster's network plugin", &e))?;
                if found.is_some() {
                    now.network_plugin = Some(plugin.to_owned());
                    break;
                }
            }
        }
        Ok(())
    }
}

/// One step of an update: the API call's outcome, then the wait for the
/// cluster to run again.
struct Step<'a> {
    client: &'a Client,
    id: &'a str,
    timeout: Duration,
    cancel: &'a CancellationToken,
}

impl Step<'_> {
    async fn done<T>(
        &self,
        r: Result<T, ApiError>,
        call: &str,
        wait: &str,
    ) -> Result<(), Diagnostic> {
        r.map_err(|e| api_diag(call, &e))?;
        self.client
            .wait_running(self.id, self.timeout, self.cancel)
            .await
            .map_err(|e| api_diag(wait, &e))?;
        Ok(())
    }
}

/// The answer of a create whose cluster exists but is not running yet: its
/// ID, with null for what the provider could not learn. Interrupted, the
/// cluster is recorded as it is, not tainted (a half-created cluster is
/// finished by the service, and replacing it would throw that work away).
fn unfinished(plan: Value, id: &str, e: &ApiError, private: Private) -> ApplyResponse {
    let mut partial = plan;
    common::set(&mut partial, "id", id);
    common::null_unknowns(&mut partial);
    let diagnostic = if *e == ApiError::Cancelled {
        Diagnostic::warning(
            "Cluster creation interrupted",
            format!(
                "Terraform was interrupted while cluster {id} was being created. The cluster exists \
                 and is recorded in the state; the next plan reads its state from the service."
            ),
        )
    } else if e.is_unanswered() {
        // An outage that outlasted the timeout: the cluster is not known to
        // have failed, so it is recorded untainted and read back later.
        Diagnostic::warning(
            "Cluster created, but its state could not be read",
            format!(
                "Cluster {id} was created, then the ACK API stopped answering: {e}. The cluster is recorded \
                 in the state; the next plan reads it back from the service (run `terraform apply` again once \
                 the API answers)."
            ),
        )
    } else {
        api_diag("wait for the new cluster", e)
    };
    ApplyResponse::ok(partial, private).with_error(diagnostic)
}
