//! `data "ack_kubernetes_versions"`: versions the service offers
//! (DescribeKubernetesVersionMetadata).

use std::sync::Arc;

use async_trait::async_trait;
use serde::Serialize;
use tfplugin::framework::{DataSource, ReadDataRequest, ReadDataResponse};
use tfplugin::{Attribute, Block, Diagnostic, Schema, Type};

use crate::common::{self, api_diag};
use crate::shared::Shared;

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
        self.list(req).await.unwrap_or_else(ReadDataResponse::error)
    }
}

/// `data "ack_kubernetes_versions"`.
#[derive(Debug, Serialize)]
struct Versions {
    id: String,
    versions: Vec<Version>,
    latest: Option<String>,
}

#[derive(Debug, Serialize)]
struct Version {
    version: String,
    upgradable_versions: Vec<String>,
}

impl VersionsDataSource {
    async fn list(&self, req: ReadDataRequest) -> Result<ReadDataResponse, Diagnostic> {
        let client = common::client(&self.shared)?;
        let list = client
            .versions(&req.ctx.cancel)
            .await
            .map_err(|e| api_diag("list Kubernetes versions", &e))?;
        let model = Versions {
            id: client.region().to_owned(),
            versions: list
                .iter()
                .map(|v| Version {
                    version: v.version.clone(),
                    upgradable_versions: v.upgradable_versions.clone(),
                })
                .collect(),
            latest: list.last().map(|v| v.version.clone()),
        };
        let state = common::state(&model, &self.schema().ty(), "data source")?;
        Ok(ReadDataResponse::ok(state))
    }
}
