//! `ack_encryption`: KMS encryption of Kubernetes Secrets (UpdateKMSEncryption).
//! ACK Pro only. Destroying the resource disables encryption.
//!
//! Order: model, schema, plan, create, read, update, delete, import,
//! helpers, tests.

use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use ack_api::edition::Feature;
use ack_api::model::{ClusterDetail, KmsEncryptionRequest};
use ack_client::{Client, Error as ApiError};
use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use tfplugin::framework::*;
use tfplugin::modifiers::UseStateForUnknown;
use tfplugin::validators::Check;
use tfplugin::{Attribute, AttributePath, Block, Diagnostic, Diagnostics, Schema, Type, Value};
use tokio_util::sync::CancellationToken;

use crate::common::{self, api_diag, Op, Timeouts};
use crate::provider::Shared;
use crate::resources::dependent;

pub struct EncryptionResource {
    pub shared: Arc<Shared>,
}

const TIMEOUT: Duration = Duration::from_secs(20 * 60);

/// KMS key IDs look like `key-hzz62f1cb66fa42qo9wsx` (the API contract's rule).
pub fn valid_key_id(k: &str) -> bool {
    ack_api::rules::kms_key_id(k).is_ok()
}

/// `ack_encryption` as planned and stored.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
struct Model {
    id: Option<String>,
    cluster_name: Option<String>,
    kms_key_id: Option<String>,
    cluster_id: Option<String>,
    timeouts: Option<Timeouts>,
}

impl Model {
    fn read(v: &Value) -> Result<Model, Diagnostic> {
        common::model(v, "encryption")
    }

    fn value(&self) -> Result<Value, Diagnostic> {
        static TY: OnceLock<Type> = OnceLock::new();
        let ty = TY.get_or_init(|| schema().ty());
        common::state(self, ty, "encryption")
    }

    /// The state for cluster `c` with `key`; `prior` gives the cluster's
    /// name as configured and the timeouts.
    fn from_api(c: &ClusterDetail, key: &str, prior: &Model) -> Model {
        Model {
            id: Some(c.cluster_id.clone()),
            cluster_name: Some(prior.cluster_name.clone().unwrap_or_else(|| c.name.clone())),
            kms_key_id: Some(key.to_owned()),
            cluster_id: Some(c.cluster_id.clone()),
            timeouts: prior.timeouts.clone(),
        }
    }
}

fn schema() -> Schema {
    Schema::new(
        Block::new()
            .description("KMS encryption of Kubernetes Secrets at rest (ACK Pro only; refused at plan time on `standard`). Rotating `kms_key_id` happens in place; the service allows one key change per 5 minutes, and the provider waits that out. Destroying the resource disables encryption.")
            .attribute(Attribute::string("id").computed().description("The cluster ID; the import ID.").plan_modifier(UseStateForUnknown))
            .attribute(Attribute::string("cluster_name").required().description("Name of the cluster, usually `ack_cluster.<name>.name`. Pointing it at another cluster replaces the resource.").validator(crate::validation::cluster_reference()))
            .attribute(
                Attribute::string("kms_key_id")
                    .required()
                    .description("ID of the KMS customer master key (`key-…`, AES-256, ENCRYPT/DECRYPT). Changing it rotates the key in place.")
                    .validator(Check::new("A KMS key ID such as `key-hzz62f1cb66fa42qo9wsx`.", |v: &Value| {
                        let k = v.as_str().unwrap_or_default();
                        if valid_key_id(k) { Ok(()) } else { Err(format!("{k:?} is not a KMS key ID: expected \"key-\" followed by letters, digits or '-' (8-64 characters in all).")) }
                    })),
            )
            .attribute(Attribute::string("cluster_id").computed().description("ID of the cluster."))
            .block(common::timeouts_block("20m", "20m", "20m")),
    )
}

#[async_trait]
impl Resource for EncryptionResource {
    fn type_name(&self) -> String {
        "ack_encryption".into()
    }

    fn schema(&self) -> Schema {
        schema()
    }

    async fn modify_plan(&self, req: &ModifyPlanRequest, resp: &mut ModifyPlanResponse) {
        let Some(cluster) = dependent::plan_feature(&self.shared, req, resp).await else {
            return;
        };
        dependent::require(
            resp,
            &cluster,
            Feature::KmsSecretEncryption,
            AttributePath::attr("kms_key_id"),
        );
    }

    async fn create(&self, req: CreateRequest) -> ApplyResponse {
        self.apply(&req.ctx.cancel, &req.plan, req.private)
            .await
            .or_respond(ApplyResponse::default)
    }

    async fn read(&self, req: ReadRequest) -> ReadResponse {
        let refreshed = self.read_key(&req).await;
        refreshed.or_respond(|| ReadResponse::unchanged(req))
    }

    async fn update(&self, req: UpdateRequest) -> ApplyResponse {
        let (plan, prior) = match (Model::read(&req.plan), Model::read(&req.prior_state)) {
            (Ok(plan), Ok(prior)) => (plan, prior),
            (Err(d), _) | (_, Err(d)) => return ApplyResponse::unchanged(req).with_error(d),
        };
        // Only `cluster_name` changed (the cluster was renamed): no key change,
        // which the service would rate-limit.
        if plan.kms_key_id == prior.kms_key_id {
            let state = Model {
                cluster_name: plan.cluster_name,
                timeouts: plan.timeouts,
                ..prior
            };
            return match state.value() {
                Ok(v) => ApplyResponse::ok(v, req.private),
                Err(d) => ApplyResponse::unchanged(req).with_error(d),
            };
        }
        self.apply(&req.ctx.cancel, &req.plan, req.private)
            .await
            .or_respond(ApplyResponse::default)
    }

    async fn delete(&self, req: DeleteRequest) -> Diagnostics {
        self.disable(req).await.err().unwrap_or_default()
    }

    async fn import(&self, req: ImportRequest) -> ImportResponse {
        dependent::import_by_cluster_id(&req.id, "ack_encryption")
    }
}

impl EncryptionResource {
    async fn read_key(&self, req: &ReadRequest) -> Result<ReadResponse, Diagnostics> {
        let client = common::client(&self.shared)?;
        let state = Model::read(&req.state)?;
        let (_, found) = dependent::refresh_cluster(
            client,
            state.cluster_id.as_ref(),
            state.id.as_ref(),
            &req.ctx.cancel,
        )
        .await?;
        let Some(c) = found else {
            return Ok(ReadResponse::gone(req.private.clone()));
        };
        match key_of(&c) {
            Ok(Some(key)) => {
                let now = Model::from_api(&c, &key, &state).value()?;
                Ok(ReadResponse::found(now, req.private.clone()))
            }
            Ok(None) => Ok(ReadResponse::gone(req.private.clone())),
            // Unreadable metadata says nothing about the key: keep the state
            // (reading it as "encryption off" would drop the resource).
            Err(e) => Ok(
                ReadResponse::found(req.state.clone(), req.private.clone()).with_error(
                    Diagnostic::warning(
                        "Unreadable cluster metadata",
                        format!("Cluster {}'s meta_data is not the JSON this provider expects ({e}); the state keeps the key it had.", c.cluster_id),
                    ),
                ),
            ),
        }
    }

    /// Destroy: encryption off.
    async fn disable(&self, req: DeleteRequest) -> Result<(), Diagnostics> {
        let client = common::client(&self.shared)?;
        let state = Model::read(&req.state)?;
        let id = state.cluster_id.as_deref().unwrap_or_default();
        let timeout = common::timeout(&state.timeouts, Op::Delete, TIMEOUT);
        let client = client.until(timeout);
        let body = KmsEncryptionRequest {
            kms_key_id: None,
            disable_encryption: true,
        };
        match change_key(&client, id, &body, timeout, &req.ctx.cancel).await {
            Ok(()) | Err(ApiError::Api { status: 404, .. }) => Ok(()),
            Err(e) => Err(api_diag("disable Secrets encryption", &e).into()),
        }
    }

    // ------------------------------------------------------------- helpers

    /// Create and update: set the key.
    async fn apply(
        &self,
        cancel: &CancellationToken,
        plan: &Value,
        private: Private,
    ) -> Result<ApplyResponse, Diagnostics> {
        let client = common::client(&self.shared)?;
        let plan = Model::read(plan)?;
        // Create and update alike use the `create` timeout.
        let timeout = common::timeout(&plan.timeouts, Op::Create, TIMEOUT);
        let client = client.until(timeout);
        let name = plan.cluster_name.as_deref().unwrap_or_default();
        let cluster = dependent::running_cluster(&client, name, timeout, cancel).await?;
        let wanted = [(
            Feature::KmsSecretEncryption,
            AttributePath::attr("kms_key_id"),
        )];
        dependent::require_at_apply(&cluster, &wanted)?;
        let key = plan.kms_key_id.clone().unwrap_or_default();
        let body = KmsEncryptionRequest {
            kms_key_id: Some(key.clone()),
            disable_encryption: false,
        };
        let id = &cluster.cluster_id;
        change_key(&client, id, &body, timeout, cancel)
            .await
            .map_err(|e| api_diag("set the Secrets encryption key", &e))?;
        let c = client
            .describe_cluster(id, cancel)
            .await
            .map_err(|e| api_diag("read the cluster", &e))?
            .ok_or_else(|| {
                Diagnostic::error("Cluster disappeared", format!("Cluster {id} is gone."))
            })?;
        let now = key_of(&c).ok().flatten().unwrap_or(key);
        let state = Model::from_api(&c, &now, &plan).value()?;
        Ok(ApplyResponse::ok(state, private))
    }
}

/// UpdateKMSEncryption, waiting out the service's one-change-per-5-minutes
/// limit (HTTP 409) within `timeout`, then waiting for the cluster.
async fn change_key(
    client: &Client,
    id: &str,
    body: &KmsEncryptionRequest,
    timeout: Duration,
    cancel: &CancellationToken,
) -> Result<(), ApiError> {
    let start = Instant::now();
    let mut delay = Duration::from_millis(50);
    loop {
        match client.update_kms(id, body, cancel).await {
            Ok(()) => break,
            Err(ApiError::Api {
                status: 409,
                message,
                ..
            }) if start.elapsed() + delay < timeout => {
                tracing::info!(cluster = id, %message, "KMS key changed recently; waiting for the service's rate limit");
                tokio::select! {
                    () = tokio::time::sleep(delay) => {},
                    () = cancel.cancelled() => return Err(ApiError::Cancelled),
                }
                delay = (delay * 2).min(Duration::from_secs(30));
            }
            Err(ApiError::Api { code, .. })
                if code == "ErrorClusterState" && start.elapsed() < timeout =>
            {
                client
                    .wait_running(id, timeout.saturating_sub(start.elapsed()), cancel)
                    .await?;
            }
            Err(e) => return Err(e),
        }
    }
    client
        .wait_running(id, timeout.saturating_sub(start.elapsed()), cancel)
        .await
        .map(|_| ())
}

/// The key the cluster's `meta_data` reports, `None` when encryption is off
/// (empty metadata included); an error when the metadata cannot be read.
fn key_of(c: &ClusterDetail) -> Result<Option<String>, serde_json::Error> {
    if c.meta_data.trim().is_empty() {
        return Ok(None);
    }
    let meta: serde_json::Value = serde_json::from_str(&c.meta_data)?;
    let caps = &meta["Capabilities"];
    if caps["DisableEncryption"] == true {
        return Ok(None);
    }
    Ok(caps["EncryptionKMSKeyId"]
        .as_str()
        .filter(|k| !k.is_empty())
        .map(str::to_owned))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_and_keys() {
        let r = EncryptionResource {
            shared: Arc::default(),
        };
        assert_eq!(
            tfplugin::schema::check_schema(&r.schema().block),
            Vec::<String>::new()
        );
        assert!(valid_key_id("key-hzz62f1cb66fa42qo9wsx"));
        assert!(!valid_key_id("arn:acs:kms"));
        let c = ClusterDetail { meta_data: r#"{"Capabilities":{"EncryptionKMSKeyId":"key-abc12345","DisableEncryption":false}}"#.into(), ..Default::default() };
        assert_eq!(key_of(&c).unwrap().as_deref(), Some("key-abc12345"));
        let off = ClusterDetail::default();
        assert_eq!(key_of(&off).unwrap(), None);
        let garbage = ClusterDetail {
            meta_data: "{not json".into(),
            ..Default::default()
        };
        assert!(
            key_of(&garbage).is_err(),
            "unreadable metadata is not 'encryption off'"
        );
    }
}
