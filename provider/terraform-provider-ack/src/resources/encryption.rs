//! `ack_encryption`: KMS encryption of Kubernetes Secrets (UpdateKMSEncryption).
//! ACK Pro only. Destroying the resource disables encryption.
//!
//! Order: schema, plan, create, read, update, delete, import, helpers, tests.

use std::sync::Arc;
use std::time::{Duration, Instant};

use ack_api::edition::Feature;
use ack_api::model::{ClusterDetail, KmsEncryptionRequest};
use ack_client::{Client, Error as ApiError};
use async_trait::async_trait;
use tfplugin::framework::*;
use tfplugin::modifiers::UseStateForUnknown;
use tfplugin::validators::Check;
use tfplugin::{Attribute, AttributePath, Block, Diagnostic, Diagnostics, Schema, Value};
use tokio_util::sync::CancellationToken;

use crate::common::{self, api_diag, str_attr};
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

#[async_trait]
impl Resource for EncryptionResource {
    fn type_name(&self) -> String {
        "ack_encryption".into()
    }

    fn schema(&self) -> Schema {
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
        self.apply(&req.ctx.cancel, &req.plan, req.private).await
    }

    async fn read(&self, req: ReadRequest) -> ReadResponse {
        let client = match common::client(&self.shared) {
            Ok(c) => c,
            Err(d) => {
                return ReadResponse {
                    state: req.state,
                    private: req.private,
                    diagnostics: d.into(),
                }
            }
        };
        let id = str_attr(&req.state, "cluster_id")
            .or(str_attr(&req.state, "id"))
            .unwrap_or_default()
            .to_owned();
        match client.describe_cluster(&id, &req.ctx.cancel).await {
            Ok(Some(c)) => match key_of(&c) {
                Some(key) => ReadResponse {
                    state: state(&c, &key, &req.state),
                    private: req.private,
                    diagnostics: Diagnostics::new(),
                },
                None => ReadResponse {
                    state: Value::Null,
                    private: req.private,
                    diagnostics: Diagnostics::new(),
                },
            },
            Ok(None) => ReadResponse {
                state: Value::Null,
                private: req.private,
                diagnostics: Diagnostics::new(),
            },
            Err(e) => ReadResponse {
                state: req.state,
                private: req.private,
                diagnostics: api_diag("read the cluster", &e).into(),
            },
        }
    }

    async fn update(&self, req: UpdateRequest) -> ApplyResponse {
        // Only `cluster_name` changed (the cluster was renamed): no key change,
        // which the service would rate-limit.
        if req.plan.get("kms_key_id") == req.prior_state.get("kms_key_id") {
            let mut state = req.prior_state.clone();
            for attr in ["cluster_name", "timeouts"] {
                common::set(
                    &mut state,
                    attr,
                    req.plan.get(attr).cloned().unwrap_or_default(),
                );
            }
            return ApplyResponse::ok(state, req.private);
        }
        self.apply(&req.ctx.cancel, &req.plan, req.private).await
    }

    async fn delete(&self, req: DeleteRequest) -> Diagnostics {
        let client = match common::client(&self.shared) {
            Ok(c) => c,
            Err(d) => return d.into(),
        };
        let id = str_attr(&req.state, "cluster_id")
            .unwrap_or_default()
            .to_owned();
        let timeout = common::timeout(&req.state, "delete", TIMEOUT);
        let bounded = client.until(timeout);
        let client = &bounded;
        let body = KmsEncryptionRequest {
            kms_key_id: None,
            disable_encryption: true,
        };
        match change_key(client, &id, &body, timeout, &req.ctx.cancel).await {
            Ok(()) | Err(ApiError::Api { status: 404, .. }) => Diagnostics::new(),
            Err(e) => api_diag("disable Secrets encryption", &e).into(),
        }
    }

    async fn import(&self, req: ImportRequest) -> ImportResponse {
        dependent::import_by_cluster_id(&req.id, "ack_encryption")
    }
}

// ------------------------------------------------------------------ helpers

impl EncryptionResource {
    async fn apply(
        &self,
        cancel: &CancellationToken,
        plan: &Value,
        private: Private,
    ) -> ApplyResponse {
        let client = match common::client(&self.shared) {
            Ok(c) => c,
            Err(d) => return ApplyResponse::error(d),
        };
        let timeout = common::timeout(plan, "create", TIMEOUT);
        let bounded = client.until(timeout);
        let client = &bounded;
        let name = str_attr(plan, "cluster_name").unwrap_or_default();
        let cluster = match dependent::running_cluster(client, name, timeout, cancel).await {
            Ok(c) => c,
            Err(d) => return ApplyResponse::error(d),
        };
        let wanted = [(
            Feature::KmsSecretEncryption,
            AttributePath::attr("kms_key_id"),
        )];
        if let Err(diagnostics) = dependent::require_at_apply(&cluster, &wanted) {
            return ApplyResponse {
                diagnostics,
                ..Default::default()
            };
        }
        let key = str_attr(plan, "kms_key_id").unwrap_or_default().to_owned();
        let body = KmsEncryptionRequest {
            kms_key_id: Some(key.clone()),
            disable_encryption: false,
        };
        if let Err(e) = change_key(client, &cluster.cluster_id, &body, timeout, cancel).await {
            return ApplyResponse::error(api_diag("set the Secrets encryption key", &e));
        }
        match client.describe_cluster(&cluster.cluster_id, cancel).await {
            Ok(Some(c)) => ApplyResponse::ok(state(&c, &key_of(&c).unwrap_or(key), plan), private),
            Ok(None) => ApplyResponse::error(Diagnostic::error(
                "Cluster disappeared",
                format!("Cluster {} is gone.", cluster.cluster_id),
            )),
            Err(e) => ApplyResponse::error(api_diag("read the cluster", &e)),
        }
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

/// The key the cluster's `meta_data` reports, if encryption is on.
fn key_of(c: &ClusterDetail) -> Option<String> {
    let meta: serde_json::Value = serde_json::from_str(&c.meta_data).ok()?;
    let caps = &meta["Capabilities"];
    if caps["DisableEncryption"] == true {
        return None;
    }
    caps["EncryptionKMSKeyId"]
        .as_str()
        .filter(|k| !k.is_empty())
        .map(str::to_owned)
}

fn state(c: &ClusterDetail, key: &str, prior: &Value) -> Value {
    let name = str_attr(prior, "cluster_name").map_or_else(|| c.name.clone(), str::to_owned);
    Value::object([
        ("id", Value::from(c.cluster_id.as_str())),
        ("cluster_name", Value::from(name)),
        ("kms_key_id", Value::from(key)),
        ("cluster_id", Value::from(c.cluster_id.as_str())),
        (
            "timeouts",
            prior.get("timeouts").cloned().unwrap_or_default(),
        ),
    ])
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
        assert_eq!(key_of(&c).as_deref(), Some("key-abc12345"));
    }
}
