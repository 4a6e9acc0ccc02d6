//! The framework side of each managed-resource RPC, over decoded values: the
//! protocol's rules for upgrading, reading, planning, applying, importing
//! and moving state around the calls into a [`Resource`]. The gRPC adapter
//! decodes requests, calls these and encodes what they return.

use std::future::Future;
use std::sync::Arc;

use tokio_util::sync::CancellationToken;

use super::entry::Entry;
use super::{finish_state, returned_object, run_modifiers};
use crate::diag::{Diagnostic, Diagnostics};
use crate::framework::{
    CreateRequest, Ctx, DeleteRequest, ImportRequest, ModifyPlanRequest, ModifyPlanResponse,
    MoveStateRequest, Private, ReadRequest, Resource, UpdateRequest, UpgradeStateRequest,
};
use crate::value::{json, Value};

/// Runs `fut` unless `stop` is cancelled first (Terraform's StopProvider).
pub(crate) async fn until_stopped<T>(
    stop: &CancellationToken,
    fut: impl Future<Output = T>,
) -> Result<T, Diagnostic> {
    tokio::select! {
        r = fut => Ok(r),
        () = stop.cancelled() => Err(Diagnostic::error(
            "Operation cancelled",
            "Terraform asked the provider to stop before this operation finished.",
        )),
    }
}

/// A resource type with its schema and the schema's value type.
pub(crate) type ResourceEntry = Entry<dyn Resource>;

/// The stored state handed to UpgradeResourceState.
pub(crate) struct RawState {
    /// State JSON in the shape of `version`.
    pub(crate) json: Vec<u8>,
    /// Whether the state came in Terraform 0.11's flatmap form instead.
    pub(crate) flatmap: bool,
}

/// A state with the private data to store beside it and the diagnostics.
pub(crate) struct Outcome {
    pub(crate) state: Value,
    pub(crate) private: Private,
    pub(crate) diagnostics: Diagnostics,
}

/// What ReadResource stores: `private` is `None` when the resource returned
/// none, and the request's private bytes are kept as they came.
pub(crate) struct ReadOutcome {
    pub(crate) state: Value,
    pub(crate) private: Option<Private>,
    pub(crate) diagnostics: Diagnostics,
}

/// The decoded inputs of PlanResourceChange.
pub(crate) struct PlanInputs {
    pub(crate) prior: Value,
    pub(crate) proposed: Value,
    pub(crate) config: Value,
    pub(crate) prior_private: Private,
}

impl ResourceEntry {
    pub(crate) fn new(resource: Arc<dyn Resource>) -> (String, ResourceEntry) {
        Entry::named(resource.type_name(), resource.schema(), resource)
    }

    /// Brings a stored state to the current schema version.
    pub(crate) async fn upgrade(
        &self,
        version: i64,
        raw: RawState,
    ) -> Result<(Value, Diagnostics), Diagnostic> {
        if raw.json.is_empty() && raw.flatmap {
            return Err(Diagnostic::error(
                "State too old to upgrade",
                "This state was written by Terraform 0.11 or earlier (flatmap format). Upgrade it with Terraform 0.12 first.",
            ));
        }
        if version > self.schema.version {
            return Err(Diagnostic::error(
                "Resource instance managed by a newer provider version",
                format!(
                    "The state has schema version {}, but this provider only knows versions up to {}. Use the newer provider version.",
                    version, self.schema.version
                ),
            ));
        }
        // A state of the current version that still fits is taken as it
        // is; an older one, or one that no longer fits, goes to the
        // resource's upgrade (which may read what it can, so that a state
        // that does not fit never blocks a destroy).
        let current = (version == self.schema.version)
            .then(|| json::decode(&raw.json, &self.ty))
            .and_then(Result::ok);
        let (mut state, mut d) = match current {
            Some(v) => (v, Diagnostics::new()),
            None => {
                let r = self
                    .inner
                    .upgrade_state(UpgradeStateRequest {
                        version,
                        raw_json: raw.json,
                    })
                    .await;
                (r.state, r.diagnostics)
            }
        };
        finish_state(&self.schema, &mut state, &mut d, "upgrading state");
        Ok((state, d))
    }

    /// Refreshes a state from the remote object.
    pub(crate) async fn read(
        &self,
        ctx: Ctx,
        stop: &CancellationToken,
        state: Value,
        private: Private,
    ) -> Result<ReadOutcome, Diagnostic> {
        let call = self.inner.read(ReadRequest {
            ctx,
            state,
            private,
        });
        let r = until_stopped(stop, call).await?;
        let mut d = r.diagnostics;
        let mut state = r.state;
        finish_state(&self.schema, &mut state, &mut d, "reading");
        Ok(ReadOutcome {
            state,
            private: (!r.private.is_empty()).then_some(r.private),
            diagnostics: d,
        })
    }

    /// The planning rules in order — defaults, write-only attributes,
    /// computed values that become unknown when something changes, attribute
    /// plan modifiers — then the resource's own ModifyPlan. Replacement
    /// paths are dropped on create (nothing to replace).
    pub(crate) async fn plan(
        &self,
        ctx: Ctx,
        stop: &CancellationToken,
        inputs: PlanInputs,
    ) -> Result<ModifyPlanResponse, Diagnostic> {
        let PlanInputs {
            prior,
            proposed,
            config,
            prior_private,
        } = inputs;
        let mut d = Diagnostics::new();
        let creating = prior.is_null();
        let (plan, replace) = if proposed.is_null() {
            (Value::Null, Vec::new())
        } else {
            self.propose(&config, &prior, proposed, &mut d)
        };
        let mreq = ModifyPlanRequest {
            ctx,
            config,
            prior_state: prior,
            prior_private: prior_private.clone(),
        };
        let mut mresp = ModifyPlanResponse {
            plan,
            requires_replace: replace,
            private: prior_private,
            diagnostics: d,
        };
        until_stopped(stop, self.inner.modify_plan(&mreq, &mut mresp)).await?;
        super::locate(&self.schema.block, &mut mresp.diagnostics);
        if creating {
            mresp.requires_replace.clear();
        }
        Ok(mresp)
    }

    /// The schema's planning rules over a non-null proposed state; returns
    /// the plan and the paths that force replacement.
    fn propose(
        &self,
        config: &Value,
        prior: &Value,
        proposed: Value,
        d: &mut Diagnostics,
    ) -> (Value, Vec<crate::path::AttributePath>) {
        let block = &self.schema.block;
        let creating = prior.is_null();
        let mut plan = proposed;
        super::apply_defaults(block, config, &mut plan);
        super::null_write_only(block, &mut plan);
        if creating || plan != *prior {
            super::mark_computed_unknown(block, config, &mut plan);
        }
        let replace = run_modifiers(block, config, prior, &mut plan, creating, d);
        (plan, replace)
    }

    /// Deletes (null plan), creates (null prior) or updates. A failed delete
    /// keeps the object in state; a create or update that returns no private
    /// data keeps the planned private data.
    pub(crate) async fn apply(
        &self,
        ctx: Ctx,
        prior: Value,
        planned: Value,
        config: Value,
        private: Private,
    ) -> Outcome {
        let (mut state, private, mut d, what) = if planned.is_null() {
            let d = self
                .inner
                .delete(DeleteRequest {
                    ctx,
                    state: prior.clone(),
                    private: private.clone(),
                })
                .await;
            let state = if d.has_errors() { prior } else { Value::Null };
            (state, private, d, "deleting")
        } else {
            let (r, what) = if prior.is_null() {
                let req = CreateRequest {
                    ctx,
                    config,
                    plan: planned,
                    private: private.clone(),
                };
                (self.inner.create(req).await, "creating")
            } else {
                let req = UpdateRequest {
                    ctx,
                    config,
                    plan: planned,
                    prior_state: prior,
                    private: private.clone(),
                };
                (self.inner.update(req).await, "updating")
            };
            let kept = if r.private.is_empty() {
                private
            } else {
                r.private
            };
            (r.state, kept, r.diagnostics, what)
        };
        finish_state(&self.schema, &mut state, &mut d, what);
        super::locate(&self.schema.block, &mut d);
        Outcome {
            state,
            private,
            diagnostics: d,
        }
    }

    /// Imports the object named by `id`; an error or no object fails the
    /// import with the diagnostics gathered so far.
    pub(crate) async fn import(
        &self,
        ctx: Ctx,
        stop: &CancellationToken,
        id: &str,
    ) -> Result<Outcome, Diagnostics> {
        let call = self.inner.import(ImportRequest {
            ctx,
            id: id.to_owned(),
        });
        let r = until_stopped(stop, call).await?;
        let nothing = Diagnostic::error(
            "Import returned no object",
            format!("Nothing was found for import ID {id:?}."),
        );
        let (state, d) =
            returned_object(&self.schema, r.state, r.diagnostics, nothing, "importing")?;
        Ok(Outcome {
            state,
            private: r.private,
            diagnostics: d,
        })
    }

    /// Takes state moved from another resource type, if the resource
    /// accepts it.
    pub(crate) async fn move_state(
        &self,
        target_type_name: &str,
        req: MoveStateRequest,
    ) -> Result<Outcome, Diagnostic> {
        let refused = Diagnostic::error(
            "Move not supported",
            format!(
                "{} cannot take state moved from {} ({}). Remove the `moved` block and import the object instead.",
                target_type_name, req.source_type_name, req.source_provider_address
            ),
        );
        let Some(r) = self.inner.move_state(req).await else {
            return Err(refused);
        };
        let mut d = r.diagnostics;
        let mut state = r.state;
        finish_state(&self.schema, &mut state, &mut d, "moving state");
        Ok(Outcome {
            state,
            private: r.private,
            diagnostics: d,
        })
    }
}
