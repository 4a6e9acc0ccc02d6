//! Which stored states reach a resource's `upgrade_state`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use async_trait::async_trait;

use super::resource::{RawState, ResourceEntry};
use crate::framework::*;
use crate::{Attribute, Block, Diagnostics, Schema, Value};

/// A resource at schema version 1 whose upgrade keeps only `id`.
struct Lenient {
    upgrades: bool,
}

#[async_trait]
impl Resource for Lenient {
    fn type_name(&self) -> String {
        "t_lenient".into()
    }
    fn schema(&self) -> Schema {
        Schema::new(
            Block::new()
                .attribute(Attribute::string("id").computed().description("ID."))
                .attribute(Attribute::number("size").optional().description("Size.")),
        )
        .version(1)
    }
    async fn create(&self, _req: CreateRequest) -> ApplyResponse {
        ApplyResponse::default()
    }
    async fn read(&self, req: ReadRequest) -> ReadResponse {
        ReadResponse::unchanged(req)
    }
    async fn update(&self, _req: UpdateRequest) -> ApplyResponse {
        ApplyResponse::default()
    }
    async fn delete(&self, _req: DeleteRequest) -> Diagnostics {
        Diagnostics::new()
    }
    async fn upgrade_state(&self, req: UpgradeStateRequest) -> UpgradeStateResponse {
        if !self.upgrades {
            return UpgradeStateResponse {
                state: Value::Null,
                diagnostics: Diagnostics::new(),
            };
        }
        let j: serde_json::Value = serde_json::from_slice(&req.raw_json).unwrap();
        UpgradeStateResponse {
            state: Value::object([
                ("id", Value::from(j["id"].as_str().unwrap_or_default())),
                ("size", Value::Null),
            ]),
            diagnostics: Diagnostics::new(),
        }
    }
}

fn raw(json: &str) -> RawState {
    RawState {
        json: json.as_bytes().to_vec(),
        flatmap: false,
    }
}

async fn upgrade(upgrades: bool, version: i64, json: &str) -> Value {
    let (_, entry) = ResourceEntry::new(Arc::new(Lenient { upgrades }));
    entry.upgrade(version, raw(json)).await.unwrap().0
}

#[tokio::test]
async fn a_fitting_state_of_the_current_version_is_taken_as_it_is() {
    let v = upgrade(false, 1, r#"{"id":"a","size":3}"#).await;
    assert_eq!(v.get("size").and_then(Value::as_i64), Some(3));
}

#[tokio::test]
async fn a_current_state_that_does_not_fit_goes_to_the_resource() {
    let v = upgrade(true, 1, r#"{"id":"a","size":"big","gone":1}"#).await;
    assert_eq!(v.get("id").and_then(Value::as_str), Some("a"));
    assert_eq!(v.get("size"), Some(&Value::Null));
}

#[tokio::test]
async fn an_older_state_goes_to_the_resource() {
    let v = upgrade(true, 0, r#"{"id":"a","size":3}"#).await;
    assert_eq!(
        v.get("size"),
        Some(&Value::Null),
        "the resource's upgrade ran"
    );
}
