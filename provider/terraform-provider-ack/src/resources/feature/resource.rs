//! The resource of a [`ClusterFeature`]: its schema (the shape's attributes
//! around the feature's own) and the life cycle the shape gives every feature.

use crate::common::{self, api_diag, Op, Timeouts};
use crate::resources::dependent::{self};
use crate::shared::Shared;
use ack_api::model::ClusterDetail;
use ack_client::Error as ApiError;
use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use std::fmt::Debug;
use std::marker::PhantomData;
use std::sync::Arc;
use tfplugin::framework::*;
use tfplugin::modifiers::UseStateForUnknown;
use tfplugin::{Attribute, Block, Diagnostic, Diagnostics, Schema, Type, Value};
use tokio_util::sync::CancellationToken;

use super::{Call, ClusterFeature, PlanContext, ReadError};

/// A feature resource as configured, planned and stored.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct FeatureState<S> {
    pub id: Option<String>,
    pub cluster_name: Option<String>,
    pub cluster_id: Option<String>,
    pub timeouts: Option<Timeouts>,
    #[serde(flatten)]
    pub settings: S,
}

impl<S> FeatureState<S> {
    fn name(&self) -> &str {
        self.cluster_name.as_deref().unwrap_or_default()
    }

    fn cluster_id(&self) -> &str {
        self.cluster_id
            .as_deref()
            .or(self.id.as_deref())
            .unwrap_or_default()
    }
}

/// The resource of a [`ClusterFeature`].
pub struct FeatureResource<F> {
    shared: Arc<Shared>,
    ty: Type,
    feature: PhantomData<F>,
}

impl<F: ClusterFeature> FeatureResource<F> {
    pub fn new(shared: Arc<Shared>) -> FeatureResource<F> {
        FeatureResource {
            shared,
            ty: schema::<F>().ty(),
            feature: PhantomData,
        }
    }

    fn model(v: &Value) -> Result<FeatureState<F::Settings>, Diagnostic> {
        common::model(v, F::WHAT)
    }

    fn value(&self, m: &FeatureState<F::Settings>) -> Result<Value, Diagnostic> {
        common::state(m, &self.ty, F::WHAT)
    }

    /// The stored state for `settings` on `cluster`; `plan` gives the
    /// cluster's name as configured and the timeouts.
    fn stored(
        cluster: &ClusterDetail,
        settings: F::Settings,
        plan: &FeatureState<F::Settings>,
    ) -> FeatureState<F::Settings> {
        FeatureState {
            id: Some(resource_id::<F>(&cluster.cluster_id, &settings)),
            cluster_name: Some(
                plan.cluster_name
                    .clone()
                    .unwrap_or_else(|| cluster.name.clone()),
            ),
            cluster_id: Some(cluster.cluster_id.clone()),
            timeouts: plan.timeouts.clone(),
            settings,
        }
    }
}

/// The schema: the shape's attributes around the feature's own.
pub fn schema<F: ClusterFeature>() -> Schema {
    let t = ack_client::human(F::TIMEOUT);
    let mut block = Block::new()
        .description(F::description())
        .attribute(
            Attribute::string("id")
                .computed()
                .description("The cluster ID; the import ID.")
                .plan_modifier(UseStateForUnknown),
        )
        .attribute(
            Attribute::string("cluster_name")
                .required()
                .description("Name of the cluster, usually `ack_cluster.<name>.name`. Pointing it at another cluster replaces the resource; renaming the same cluster does not.")
                .validator(crate::validation::cluster_reference()),
        );
    for a in F::attributes() {
        block = block.attribute(a);
    }
    Schema::new(
        block
            .attribute(
                Attribute::string("cluster_id")
                    .computed()
                    .description("ID of the cluster."),
            )
            .block(common::timeouts_block(&t, &t, &t)),
    )
}

#[async_trait]
impl<F: ClusterFeature> Resource for FeatureResource<F> {
    fn type_name(&self) -> String {
        F::TYPE_NAME.into()
    }

    fn schema(&self) -> Schema {
        schema::<F>().version(crate::upgrade::VERSION)
    }

    async fn upgrade_state(&self, req: UpgradeStateRequest) -> UpgradeStateResponse {
        crate::upgrade::upgrade(&req, F::TYPE_NAME, &schema::<F>().ty())
    }

    async fn move_state(&self, req: MoveStateRequest) -> Option<MoveStateResponse> {
        F::moved(req)
    }

    async fn validate(&self, req: &ValidateRequest) -> Diagnostics {
        F::validate(&req.config)
    }

    async fn modify_plan(&self, req: &ModifyPlanRequest, resp: &mut ModifyPlanResponse) {
        if resp.is_destroy() {
            if let Some(d) = F::check_destroy(&req.prior_state) {
                resp.diagnostics.push(d);
            }
        }
        let Some(cluster) = dependent::plan_feature(&self.shared, req, resp).await else {
            return;
        };
        self.plan_keyed_id(resp);
        match F::asks(&resp.plan) {
            Ok(asked) => {
                for (feature, attr) in asked {
                    dependent::require(resp, &cluster, feature, attr);
                }
            }
            Err(d) => return resp.diagnostics.push(d),
        }
        let ctx = PlanContext {
            shared: &self.shared,
            cluster: &cluster,
            prior: &req.prior_state,
            cancel: &req.ctx.cancel,
        };
        F::check_plan(&ctx, &mut resp.plan, &mut resp.diagnostics).await;
    }

    async fn create(&self, req: CreateRequest) -> ApplyResponse {
        let created = self
            .apply(&req.ctx.cancel, &req.plan, None, Op::Create, req.private)
            .await;
        created.or_respond(ApplyResponse::default)
    }

    async fn read(&self, req: ReadRequest) -> ReadResponse {
        let refreshed = self.refresh(&req).await;
        refreshed.or_respond(|| ReadResponse::unchanged(req))
    }

    async fn update(&self, req: UpdateRequest) -> ApplyResponse {
        let updated = self
            .apply(
                &req.ctx.cancel,
                &req.plan,
                Some(&req.prior_state),
                Op::Update,
                req.private.clone(),
            )
            .await;
        updated.or_respond(|| ApplyResponse::unchanged(req))
    }

    async fn delete(&self, req: DeleteRequest) -> Diagnostics {
        self.reset(req).await.err().unwrap_or_default()
    }

    async fn import(&self, req: ImportRequest) -> ImportResponse {
        match F::import(&req.id) {
            Ok(v) => ImportResponse::ok(v),
            Err(d) => ImportResponse::error(d),
        }
    }
}

/// The resource's ID: the cluster's, or `<cluster_id>:<key>` for a keyed
/// feature.
fn resource_id<F: ClusterFeature>(cluster_id: &str, settings: &F::Settings) -> String {
    match F::key(settings) {
        Some(key) => format!("{cluster_id}:{key}"),
        None => cluster_id.to_owned(),
    }
}

impl<F: ClusterFeature> FeatureResource<F> {
    /// A keyed feature's planned ID: `<cluster_id>:<key>` when both are
    /// known, unknown otherwise (the shape planned the cluster's ID).
    fn plan_keyed_id(&self, resp: &mut ModifyPlanResponse) {
        if !F::KEYED {
            return;
        }
        let Ok(plan) = Self::model(&resp.plan) else {
            return;
        };
        let cluster_id = resp
            .plan
            .get("cluster_id")
            .and_then(Value::as_str)
            .map(str::to_owned);
        let id = match (cluster_id, F::key(&plan.settings)) {
            (Some(c), Some(_)) => Value::from(resource_id::<F>(&c, &plan.settings)),
            _ => Value::unknown(),
        };
        common::set(&mut resp.plan, "id", id);
    }

    /// Create (`prior` `None`) and update: apply the planned settings.
    async fn apply(
        &self,
        cancel: &CancellationToken,
        planned: &Value,
        prior: Option<&Value>,
        op: Op,
        private: Private,
    ) -> Result<ApplyResponse, Diagnostics> {
        let plan = Self::model(planned)?;
        if let Some(prior) = prior {
            let prior = Self::model(prior)?;
            // Only `cluster_name` (a rename) or `timeouts` changed: nothing
            // to send (and a KMS key change would be rate-limited).
            if prior.settings == plan.settings {
                let state = FeatureState {
                    cluster_name: plan.cluster_name,
                    timeouts: plan.timeouts,
                    ..prior
                };
                return Ok(ApplyResponse::ok(self.value(&state)?, private));
            }
        }
        let client = common::client(&self.shared)?;
        let timeout = common::timeout(&plan.timeouts, op, F::TIMEOUT);
        let client = client.until(timeout);
        let cluster = dependent::running_cluster(&client, plan.name(), timeout, cancel).await?;
        dependent::require_at_apply(&cluster, &F::asks(planned)?)?;
        let prior = match prior {
            Some(p) => Some(Self::model(p)?.settings),
            None => None,
        };
        let call = Call {
            client: &client,
            cluster: &cluster,
            timeout,
            cancel,
        };
        match F::apply(&call, &plan.settings, prior.as_ref()).await {
            Ok(now) => {
                let state = Self::stored(&cluster, now, &plan);
                Ok(ApplyResponse::ok(self.value(&state)?, private))
            }
            // Whether the change took effect is not known: on create the
            // resource is recorded (untainted) for the next plan to read
            // back, never lost nor replaced.
            Err(e) if op == Op::Create && (e == ApiError::Cancelled || e.is_unanswered()) => {
                let state = Self::stored(&cluster, plan.settings.clone(), &plan);
                let warning = Diagnostic::warning(
                    format!("{} may not be applied yet", capitalised(F::WHAT)),
                    format!(
                        "Setting {} on cluster {} did not finish: {e}. The resource is recorded in the state; the \
                         next plan reads the cluster's settings back and plans what is still missing.",
                        F::WHAT,
                        cluster.cluster_id
                    ),
                );
                Ok(ApplyResponse::ok(self.value(&state)?, private).with_error(warning))
            }
            Err(e) => Err(api_diag(&format!("set {}", F::WHAT), &e).into()),
        }
    }

    async fn refresh(&self, req: &ReadRequest) -> Result<ReadResponse, Diagnostics> {
        let client = common::client(&self.shared)?;
        let state = Self::model(&req.state)?;
        let cancel = &req.ctx.cancel;
        let id = state.cluster_id().to_owned();
        let cluster = client
            .describe_cluster(&id, cancel)
            .await
            .map_err(|e| api_diag("read the cluster", &e))?;
        let Some(cluster) = cluster else {
            return Ok(ReadResponse::gone(req.private.clone()));
        };
        let call = Call {
            client,
            cluster: &cluster,
            timeout: F::TIMEOUT,
            cancel,
        };
        match F::read(&call, &state.settings).await {
            Ok(Some(now)) => {
                let now = Self::stored(&cluster, now, &state);
                Ok(ReadResponse::found(self.value(&now)?, req.private.clone()))
            }
            Ok(None) => Ok(ReadResponse::gone(req.private.clone())),
            Err(ReadError::Unreadable(warning)) => {
                Ok(ReadResponse::found(req.state.clone(), req.private.clone()).with_error(warning))
            }
            Err(ReadError::Api(e)) if e.is_not_found() => {
                Ok(ReadResponse::gone(req.private.clone()))
            }
            Err(ReadError::Api(e)) => Err(api_diag(&format!("read {}", F::WHAT), &e).into()),
        }
    }

    /// Destroy: the feature off; already gone (with its cluster) is fine.
    async fn reset(&self, req: DeleteRequest) -> Result<(), Diagnostics> {
        let client = common::client(&self.shared)?;
        let state = Self::model(&req.state)?;
        let timeout = common::timeout(&state.timeouts, Op::Delete, F::TIMEOUT);
        let client = client.until(timeout);
        let call = Call {
            client: &client,
            cluster: state.cluster_id(),
            timeout,
            cancel: &req.ctx.cancel,
        };
        match F::reset(&call, &state.settings).await {
            Ok(()) => Ok(()),
            Err(e) if e.is_not_found() => Ok(()),
            Err(e) => Err(api_diag(&format!("turn off {}", F::WHAT), &e).into()),
        }
    }
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

/// Reads what plan-time checks need of a configuration or plan, where any
/// value may be unknown.
pub fn plan_view<T: for<'de> Deserialize<'de>>(v: &Value, what: &str) -> Result<T, Diagnostic> {
    common::model(v, what)
}
