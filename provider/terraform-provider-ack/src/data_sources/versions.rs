//! `data "ack_kubernetes_versions"`: versions the service offers
//! (DescribeKubernetesVersionMetadata).

use std::sync::Arc;

use async_trait::async_trait;
use tfplugin::framework::{DataSource, ReadDataRequest, ReadDataResponse};
use tfplugin::{Attribute, Block, Diagnostics, Schema, Type, Value};

use crate::common::{self, api_diag};
use crate::provider::Shared;

pub struct VersionsDataSource {
    pub shared: Arc<Shared>,
}

#[async_trait]
impl DataSource for VersionsDataSource {
    fn type_name(&self) -> String {
        "ack_kubernetes_versions".into()
    }

    fn schema(&self) -> Schema {
        Schema::new(
            Block::new()
                .description("Kubernetes versions offered for new clusters, and where each can be upgraded in place.")
                .attribute(Attribute::string("id").computed().description("The provider's region."))
                .attribute(
                    Attribute::new("versions", Type::list(Type::object([("version", Type::String), ("upgradable_versions", Type::list(Type::String))])))
                        .computed()
                        .description("Offered versions, oldest first: `version` and `upgradable_versions` (the next versions an in-place upgrade may go to)."),
                )
                .attribute(Attribute::string("latest").computed().description("The newest offered version.")),
        )
    }

    async fn read(&self, req: ReadDataRequest) -> ReadDataResponse {
        let client = match common::client(&self.shared) {
            Ok(c) => c,
            Err(d) => {
                return ReadDataResponse {
                    state: Value::Null,
                    diagnostics: d.into(),
                }
            }
        };
        match client.versions(&req.ctx.cancel).await {
            Ok(list) => {
                let latest = list.last().map(|v| v.version.clone());
                let versions = list
                    .iter()
                    .map(|v| {
                        Value::object([
                            ("version", Value::from(v.version.as_str())),
                            (
                                "upgradable_versions",
                                common::list_value(&v.upgradable_versions),
                            ),
                        ])
                    })
                    .collect();
                ReadDataResponse {
                    state: Value::object([
                        ("id", Value::from(client.region())),
                        ("versions", Value::List(versions)),
                        ("latest", Value::from(latest)),
                    ]),
                    diagnostics: Diagnostics::new(),
                }
            }
            Err(e) => ReadDataResponse {
                state: Value::Null,
                diagnostics: api_diag("list Kubernetes versions", &e).into(),
            },
        }
    }
}
