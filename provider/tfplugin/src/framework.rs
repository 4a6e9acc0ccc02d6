//! The provider framework: small required traits with request/response
//! structs, in the spirit of HashiCorp's terraform-plugin-framework.
//!
//! A provider implements [`Provider`] and hands out [`Resource`]s,
//! [`DataSource`]s, [`EphemeralResource`]s and [`Function`]s. The server ([`crate::server`]) turns protocol calls into
//! these methods and takes care of the protocol's rules: decoding values by
//! schema, defaults, unknown computed values, plan modifiers, validators,
//! private state and the shape of every response.

use std::collections::BTreeMap;
use std::sync::Arc;

use async_trait::async_trait;
use serde::de::DeserializeOwned;
use serde::Serialize;
use tokio_util::sync::CancellationToken;

use crate::diag::{Diagnostic, Diagnostics};
use crate::path::AttributePath;
use crate::schema::Schema;
use crate::value::Value;

pub use crate::ephemeral::{
    CloseRequest, EphemeralResource, OpenRequest, OpenResponse, RenewRequest, RenewResponse,
};
pub use crate::function::{CallRequest, Function, FunctionError, Parameter, Signature};
pub use responses::Respond;

mod responses;

/// Provider-private data stored next to a resource's state. Terraform keeps
/// it opaque; we store a JSON object so each key can be read on its own.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Private(BTreeMap<String, serde_json::Value>);

impl Private {
    /// Reads the bytes Terraform stored. Bytes that are not a JSON object
    /// (another provider's format) read as empty.
    pub fn from_bytes(bytes: &[u8]) -> Private {
        if bytes.is_empty() {
            return Private::default();
        }
        serde_json::from_slice(bytes)
            .map(Private)
            .unwrap_or_default()
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        if self.0.is_empty() {
            return Vec::new();
        }
        serde_json::to_vec(&self.0).unwrap_or_default()
    }

    pub fn get<T: DeserializeOwned>(&self, key: &str) -> Option<T> {
        self.0
            .get(key)
            .and_then(|v| serde_json::from_value(v.clone()).ok())
    }

    pub fn set<T: Serialize>(&mut self, key: &str, value: &T) {
        if let Ok(v) = serde_json::to_value(value) {
            self.0.insert(key.to_owned(), v);
        }
    }

    pub fn remove(&mut self, key: &str) {
        self.0.remove(key);
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Per-call context: cancellation when Terraform asks the provider to stop.
#[derive(Clone, Debug, Default)]
pub struct Ctx {
    pub cancel: CancellationToken,
}

impl Ctx {
    pub fn is_cancelled(&self) -> bool {
        self.cancel.is_cancelled()
    }
}

/// The provider itself.
#[async_trait]
pub trait Provider: Send + Sync + 'static {
    /// The provider's type name, the prefix of its resource types (`ack`).
    fn type_name(&self) -> &str;
    /// The schema of the `provider` block.
    fn schema(&self) -> Schema;
    /// Resources the provider manages.
    fn resources(&self) -> Vec<Arc<dyn Resource>>;
    /// Data sources the provider offers.
    fn data_sources(&self) -> Vec<Arc<dyn DataSource>> {
        Vec::new()
    }
    /// Ephemeral resources the provider offers (`ephemeral "TYPE" "NAME"`).
    fn ephemeral_resources(&self) -> Vec<Arc<dyn EphemeralResource>> {
        Vec::new()
    }
    /// Provider-defined functions (`provider::NAME::FUNCTION(…)`). Terraform
    /// calls them without configuring the provider.
    fn functions(&self) -> Vec<Arc<dyn Function>> {
        Vec::new()
    }
    /// Cross-attribute checks on the provider configuration (may hold unknowns).
    async fn validate_config(&self, _config: &Value) -> Diagnostics {
        Diagnostics::new()
    }
    /// Called once per process before any resource operation.
    async fn configure(&self, req: ConfigureRequest) -> Diagnostics;
}

#[derive(Debug)]
pub struct ConfigureRequest {
    pub terraform_version: String,
    /// The `provider` block; may hold unknown values during plan.
    pub config: Value,
}

/// A managed resource type. Methods follow the resource life cycle.
#[async_trait]
pub trait Resource: Send + Sync {
    /// Full type name, e.g. `ack_cluster`.
    fn type_name(&self) -> String;
    fn schema(&self) -> Schema;

    /// Cross-attribute checks on the configuration (may hold unknowns).
    async fn validate(&self, _req: &ValidateRequest) -> Diagnostics {
        Diagnostics::new()
    }

    /// Adjusts the plan after the framework's rules and attribute plan
    /// modifiers ran. On destroy `req.plan` is null: diagnostics added here
    /// stop the destroy at plan time.
    async fn modify_plan(&self, _req: &ModifyPlanRequest, _resp: &mut ModifyPlanResponse) {}

    async fn create(&self, req: CreateRequest) -> ApplyResponse;
    /// Refreshes state; return null state when the remote object is gone.
    async fn read(&self, req: ReadRequest) -> ReadResponse;
    async fn update(&self, req: UpdateRequest) -> ApplyResponse;
    async fn delete(&self, req: DeleteRequest) -> Diagnostics;

    /// Builds a (possibly partial) state from an import ID; `read` runs next.
    async fn import(&self, req: ImportRequest) -> ImportResponse {
        ImportResponse::error(Diagnostic::error(
            "Import not supported",
            format!(
                "{} cannot be imported: {:?} was given.",
                self.type_name(),
                req.id
            ),
        ))
    }

    /// Converts state stored by an older schema version, or of the current
    /// version when it no longer decodes by the current schema. The default
    /// accepts state of the current version that fits only.
    async fn upgrade_state(&self, req: UpgradeStateRequest) -> UpgradeStateResponse {
        UpgradeStateResponse {
            state: Value::Null,
            diagnostics: Diagnostic::error(
                "Unsupported state version",
                format!(
                    "{} has no upgrade for this stored state (schema version {}): it is older than the current schema or does not fit it.",
                    self.type_name(),
                    req.version
                ),
            )
            .into(),
        }
    }

    /// Accepts state moved from another resource type (`moved` blocks).
    /// `None` means moves are not supported.
    async fn move_state(&self, _req: MoveStateRequest) -> Option<MoveStateResponse> {
        None
    }
}

#[derive(Debug)]
pub struct ValidateRequest {
    pub config: Value,
}

#[derive(Debug)]
pub struct ModifyPlanRequest {
    pub ctx: Ctx,
    pub config: Value,
    /// Null on create.
    pub prior_state: Value,
    pub prior_private: Private,
}

impl ModifyPlanRequest {
    pub fn is_create(&self) -> bool {
        self.prior_state.is_null()
    }
}

#[derive(Debug)]
pub struct ModifyPlanResponse {
    /// The planned state; null on destroy.
    pub plan: Value,
    pub requires_replace: Vec<AttributePath>,
    pub private: Private,
    pub diagnostics: Diagnostics,
}

impl ModifyPlanResponse {
    pub fn is_destroy(&self) -> bool {
        self.plan.is_null()
    }
}

#[derive(Debug)]
pub struct CreateRequest {
    pub ctx: Ctx,
    pub config: Value,
    pub plan: Value,
    pub private: Private,
}

#[derive(Debug)]
pub struct UpdateRequest {
    pub ctx: Ctx,
    pub config: Value,
    pub plan: Value,
    pub prior_state: Value,
    pub private: Private,
}

#[derive(Debug)]
pub struct DeleteRequest {
    pub ctx: Ctx,
    pub state: Value,
    pub private: Private,
}

/// Result of create and update. On error, a non-null `state` is saved as
/// partial state (a failed create is tainted).
#[derive(Debug, Default)]
pub struct ApplyResponse {
    pub state: Value,
    pub private: Private,
    pub diagnostics: Diagnostics,
}

#[derive(Debug)]
pub struct ReadRequest {
    pub ctx: Ctx,
    pub state: Value,
    pub private: Private,
}

#[derive(Debug, Default)]
pub struct ReadResponse {
    /// Null: the object is gone and Terraform plans to create it again.
    pub state: Value,
    pub private: Private,
    pub diagnostics: Diagnostics,
}

#[derive(Debug)]
pub struct ImportRequest {
    pub ctx: Ctx,
    pub id: String,
}

#[derive(Debug, Default)]
pub struct ImportResponse {
    pub state: Value,
    pub private: Private,
    pub diagnostics: Diagnostics,
}

#[derive(Debug)]
pub struct UpgradeStateRequest {
    /// Schema version recorded in state.
    pub version: i64,
    /// State JSON in the shape of that version.
    pub raw_json: Vec<u8>,
}

#[derive(Debug, Default)]
pub struct UpgradeStateResponse {
    /// State in the shape of the current schema.
    pub state: Value,
    pub diagnostics: Diagnostics,
}

#[derive(Debug)]
pub struct MoveStateRequest {
    pub source_provider_address: String,
    pub source_type_name: String,
    pub source_schema_version: i64,
    pub source_state_json: Vec<u8>,
    pub source_private: Private,
}

#[derive(Debug, Default)]
pub struct MoveStateResponse {
    pub state: Value,
    pub private: Private,
    pub diagnostics: Diagnostics,
}

/// A data source type.
#[async_trait]
pub trait DataSource: Send + Sync {
    fn type_name(&self) -> String;
    fn schema(&self) -> Schema;
    async fn validate(&self, _req: &ValidateRequest) -> Diagnostics {
        Diagnostics::new()
    }
    async fn read(&self, req: ReadDataRequest) -> ReadDataResponse;
}

#[derive(Debug)]
pub struct ReadDataRequest {
    pub ctx: Ctx,
    pub config: Value,
}

#[derive(Debug, Default)]
pub struct ReadDataResponse {
    pub state: Value,
    pub diagnostics: Diagnostics,
}
