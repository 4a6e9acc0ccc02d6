//! `ack_encryption`: KMS encryption of Kubernetes Secrets (UpdateKMSEncryption).
//! ACK Pro only. Destroying the resource disables encryption. A cluster
//! feature: the shape (plan, apply, refresh, import) is [`super::feature`]'s.

use std::time::Duration;

use ack_api::edition::Feature;
use ack_api::model::{ClusterDetail, KmsEncryptionRequest};
use ack_client::Error as ApiError;
use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use tfplugin::validators::Check;
use tfplugin::{Attribute, AttributePath, Diagnostic, Value};

use super::feature::{Call, ClusterFeature, ReadError};

/// KMS key IDs look like `key-hzz62f1cb66fa42qo9wsx` (the API contract's rule).
pub fn valid_key_id(k: &str) -> bool {
    ack_api::rules::kms_key_id(k).is_ok()
}

/// The settings: the key.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    kms_key_id: Option<String>,
}

pub struct Encryption;

#[async_trait]
impl ClusterFeature for Encryption {
    type Settings = Settings;
    const TYPE_NAME: &'static str = "ack_encryption";
    const WHAT: &'static str = "Secrets encryption";
    const TIMEOUT: Duration = Duration::from_secs(20 * 60);

    fn description() -> String {
        "KMS encryption of Kubernetes Secrets at rest (ACK Pro only; refused at plan time on `standard`). Rotating `kms_key_id` happens in place; the service allows one key change per 5 minutes, and the provider waits that out within the timeout. Destroying the resource disables encryption.".into()
    }

    fn attributes() -> Vec<Attribute> {
        vec![Attribute::string("kms_key_id")
            .required()
            .description("ID of the KMS customer master key (`key-…`, AES-256, ENCRYPT/DECRYPT). Changing it rotates the key in place.")
            .validator(Check::new("A KMS key ID such as `key-hzz62f1cb66fa42qo9wsx`.", |v: &Value| {
                let k = v.as_str().unwrap_or_default();
                if valid_key_id(k) { Ok(()) } else { Err(format!("{k:?} is not a KMS key ID: expected \"key-\" followed by letters, digits or '-' (8-64 characters in all).")) }
            }))]
    }

    fn asks(_: &Value) -> Result<Vec<(Feature, AttributePath)>, Diagnostic> {
        Ok(vec![(
            Feature::KmsSecretEncryption,
            AttributePath::attr("kms_key_id"),
        )])
    }

    async fn read(call: &Call<'_>, _: &Settings) -> Result<Option<Settings>, ReadError> {
        match key_of(call.cluster) {
            Ok(key) => Ok(key.map(|k| Settings { kms_key_id: Some(k) })),
            // Unreadable metadata says nothing about the key: keep the state
            // (reading it as "encryption off" would drop the resource).
            Err(e) => Err(ReadError::Unreadable(Diagnostic::warning(
                "Unreadable cluster metadata",
                format!("Cluster {}'s meta_data is not the JSON this provider expects ({e}); the state keeps the key it had.", call.id()),
            ))),
        }
    }

    async fn apply(
        call: &Call<'_>,
        settings: &Settings,
        _prior: Option<&Settings>,
    ) -> Result<Settings, ApiError> {
        let body = KmsEncryptionRequest {
            kms_key_id: settings.kms_key_id.clone(),
            disable_encryption: false,
        };
        let id = call.id();
        call.client
            .set_kms(id, &body, call.timeout, call.cancel)
            .await?;
        let now = call.client.describe_cluster(id, call.cancel).await?;
        let key = now.as_ref().and_then(|c| key_of(c).ok().flatten());
        Ok(Settings {
            kms_key_id: key.or_else(|| settings.kms_key_id.clone()),
        })
    }

    async fn reset(call: &Call<'_, str>, _settings: &Settings) -> Result<(), ApiError> {
        let body = KmsEncryptionRequest {
            kms_key_id: None,
            disable_encryption: true,
        };
        call.client
            .set_kms(call.id(), &body, call.timeout, call.cancel)
            .await
    }
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
        let schema = super::super::feature::schema::<Encryption>();
        assert_eq!(
            tfplugin::schema::check_schema(&schema.block),
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
