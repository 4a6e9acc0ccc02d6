//! The shape of a resource that configures one feature of a cluster
//! (Secrets encryption, the etcd backup policy, the scheduler profile, …):
//! one per cluster, found by `cluster_name`, identified by the cluster's ID.
//!
//! A feature is a [`ClusterFeature`]: its settings (a typed model), their
//! attributes, which catalog features they ask for, and three calls to the
//! API — read, apply, reset. [`FeatureResource`] does the rest the same way
//! for every feature:
//!
//! - **plan**: resolve the cluster (the plan registry first, then the shared
//!   listing), plan `cluster_id` and `id` (another cluster replaces, a rename
//!   of the same one does not), refuse what the cluster's planned edition
//!   lacks, at the attribute that asks;
//! - **create / update**: find the running cluster, check the tier rules
//!   again (for clients that apply without a plan), apply within the
//!   resource's `timeouts` (the client's deadline bounds every retry and
//!   wait); an update that changes only `cluster_name` or `timeouts` sends
//!   nothing; an interrupted create, or one whose answer never came, is
//!   recorded untainted for the next plan to read back;
//! - **read**: the cluster gone or the feature off removes the resource;
//!   settings the provider cannot read keep the state, with a warning;
//! - **delete**: reset the feature; already gone is fine;
//! - **import**: by the cluster's ID.
//!
//! A feature of which a cluster has several (addons) has a key
//! ([`ClusterFeature::key`]): its ID is `<cluster_id>:<key>`, and it imports
//! by that ID ([`ClusterFeature::import`]).

use std::fmt::Debug;
use std::time::Duration;

use ack_api::edition::Feature;
use ack_api::model::ClusterDetail;
use ack_client::{Client, Error as ApiError};
use async_trait::async_trait;
use serde::de::DeserializeOwned;
use serde::Serialize;
use tfplugin::framework::*;
use tfplugin::{Attribute, AttributePath, Diagnostic, Diagnostics, Value};
use tokio_util::sync::CancellationToken;

use crate::resources::dependent::{self, ClusterRef};
use crate::shared::Shared;

/// Why a feature's settings could not be read.
#[derive(Debug)]
pub enum ReadError {
    /// The service answered with something the provider cannot read: the
    /// state keeps what it had, with this warning.
    Unreadable(Diagnostic),
    /// The call failed.
    Api(ApiError),
}

impl From<ApiError> for ReadError {
    fn from(e: ApiError) -> ReadError {
        ReadError::Api(e)
    }
}

/// What a feature's calls to the API are given. `cluster` is the cluster as
/// described on read and apply; a reset has its ID only (`C` = `str`), as
/// the cluster may be gone.
pub struct Call<'a, C: ?Sized = ClusterDetail> {
    /// The client; on apply and reset its deadline is the resource's timeout.
    pub client: &'a Client,
    pub cluster: &'a C,
    /// The operation's timeout (apply, reset); on read, which has no
    /// deadline, the feature's default.
    pub timeout: Duration,
    pub cancel: &'a CancellationToken,
}

impl Call<'_> {
    /// The cluster's ID.
    pub fn id(&self) -> &str {
        &self.cluster.cluster_id
    }
}

impl Call<'_, str> {
    /// The cluster's ID.
    pub fn id(&self) -> &str {
        self.cluster
    }
}

/// What plan-time checks of a feature may look at besides the plan.
pub struct PlanContext<'a> {
    pub shared: &'a Shared,
    pub cluster: &'a ClusterRef,
    /// The prior state (null on create).
    pub prior: &'a Value,
    pub cancel: &'a CancellationToken,
}

/// One feature of a cluster, managed as a resource.
#[async_trait]
pub trait ClusterFeature: Send + Sync + 'static {
    /// The feature's settings, as configured and stored. `id`,
    /// `cluster_name`, `cluster_id` and `timeouts` belong to the shape.
    type Settings: Serialize + DeserializeOwned + Clone + Debug + Default + PartialEq + Send + Sync;

    /// The resource type, e.g. `ack_encryption`.
    const TYPE_NAME: &'static str;
    /// The feature in messages, e.g. "Secrets encryption".
    const WHAT: &'static str;
    /// Default of each of `timeouts.create`, `update` and `delete`.
    const TIMEOUT: Duration;

    /// The resource's description.
    fn description() -> String;
    /// The settings' attributes.
    fn attributes() -> Vec<Attribute>;
    /// Checks of a configuration on its own, beyond the attributes' validators.
    fn validate(_config: &Value) -> Diagnostics {
        Diagnostics::new()
    }
    /// The catalog features a configuration, plan or state asks for, with
    /// the attribute that asks; values may be unknown (then not asked).
    fn asks(value: &Value) -> Result<Vec<(Feature, AttributePath)>, Diagnostic>;
    /// Plan-time checks against the cluster, beyond the tier rules; may
    /// plan computed values it can know (an addon's version).
    async fn check_plan(_ctx: &PlanContext<'_>, _plan: &mut Value, _diags: &mut Diagnostics) {}
    /// Plan-time refusal of a destroy (an addon the platform owns).
    fn check_destroy(_prior: &Value) -> Option<Diagnostic> {
        None
    }
    /// The feature's key within its cluster, for a feature of which a
    /// cluster has several (an addon's name): the resource's ID is then
    /// `<cluster_id>:<key>`. `None` (the default): one per cluster, the ID
    /// is the cluster's.
    fn key(_settings: &Self::Settings) -> Option<String> {
        None
    }
    /// State moved from another provider's resource (`moved` blocks);
    /// `None` (the default): moves are refused.
    fn moved(_req: MoveStateRequest) -> Option<MoveStateResponse> {
        None
    }
    /// Whether the feature has a [`key`](Self::key).
    const KEYED: bool = false;
    /// The partial state an import ID stands for (`id` and `cluster_id`,
    /// and the key's attribute for keyed features); `read` completes it.
    fn import(id: &str) -> Result<Value, Diagnostic> {
        dependent::import_cluster_id(id, Self::TYPE_NAME).map(|id| {
            Value::object([
                ("id", Value::from(id.as_str())),
                ("cluster_id", Value::from(id)),
            ])
        })
    }

    /// The settings the cluster has; `Ok(None)` when the feature is off.
    /// `prior` tells how absent values were written.
    async fn read(
        call: &Call<'_>,
        prior: &Self::Settings,
    ) -> Result<Option<Self::Settings>, ReadError>;
    /// Applies `settings` (over `prior`, `None` on create) and waits until
    /// the cluster has them, within `call.timeout`; returns them as the
    /// service now has them.
    async fn apply(
        call: &Call<'_>,
        settings: &Self::Settings,
        prior: Option<&Self::Settings>,
    ) -> Result<Self::Settings, ApiError>;
    /// Turns the feature off (destroy), within `call.timeout`; `settings`
    /// are the stored ones.
    async fn reset(call: &Call<'_, str>, settings: &Self::Settings) -> Result<(), ApiError>;
}

mod resource;

pub use resource::{plan_view, schema, FeatureResource, FeatureState};
