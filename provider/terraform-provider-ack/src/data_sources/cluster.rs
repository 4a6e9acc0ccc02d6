//! `data "ack_cluster"`: an existing cluster, by name or by ID.

use std::sync::Arc;

use async_trait::async_trait;
use serde::Deserialize;
use tfplugin::framework::{
    DataSource, ReadDataRequest, ReadDataResponse, Resource, ValidateRequest,
};
use tfplugin::value::serde::Planned;
use tfplugin::{Attribute, Block, Diagnostic, Diagnostics, Schema, Value};

use crate::common::{self, api_diag};
use crate::resources::cluster::model::Cluster;
use crate::resources::cluster::ClusterResource;
use crate::shared::Shared;

pub struct ClusterDataSource {
    pub shared: Arc<Shared>,
}

#[async_trait]
impl DataSource for ClusterDataSource {
    fn type_name(&self) -> String {
        "ack_cluster".into()
    }

    /// The resource's attributes, all computed, with `id` and `name` as the lookup keys.
    fn schema(&self) -> Schema {
        let resource = ClusterResource {
            shared: self.shared.clone(),
        }
        .schema();
        let mut block = Block::new()
            .description("Looks up an existing cluster by `name` or by `id` (exactly one).");
        for mut a in resource.block.attributes {
            a.plan_modifiers.clear();
            a.validators.clear();
            a.default = None;
            a.required = false;
            a.optional = a.name == "id" || a.name == "name";
            a.computed = true;
            // Look-up keys are checked at validate: an empty or malformed
            // one never reaches the API.
            if a.name == "id" {
                a.description = "Cluster ID to look up (or set `name`).".into();
                a = a.validator(crate::validation::cluster_id());
            } else if a.name == "name" {
                a.description =
                    "Cluster name to look up in the provider's region (or set `id`).".into();
                a = a.validator(crate::validation::cluster_reference());
            }
            if let Some((nesting, nested)) = a.nested_attributes() {
                let nested: Vec<Attribute> = nested
                    .iter()
                    .cloned()
                    .map(|mut n| {
                        n.required = false;
                        n.optional = false;
                        n.computed = true;
                        n
                    })
                    .collect();
                a = Attribute::nested(a.name.clone(), nesting, nested)
                    .computed()
                    .description(a.description.clone());
            }
            block = block.attribute(a);
        }
        Schema::new(block)
    }

    async fn validate(&self, req: &ValidateRequest) -> Diagnostics {
        let Ok(LookUp { id, name }) = LookUp::read(&req.config) else {
            return Diagnostics::new();
        };
        if id.is_null() == name.is_null() && !id.is_unknown() && !name.is_unknown() {
            return Diagnostic::error(
                "Set exactly one of id and name",
                "data \"ack_cluster\" looks a cluster up by `id` or by `name`.",
            )
            .into();
        }
        Diagnostics::new()
    }

    async fn read(&self, req: ReadDataRequest) -> ReadDataResponse {
        self.find(req).await.unwrap_or_else(ReadDataResponse::error)
    }
}

impl ClusterDataSource {
    async fn find(&self, req: ReadDataRequest) -> Result<ReadDataResponse, Diagnostic> {
        let client = common::client(&self.shared)?;
        let config = LookUp::read(&req.config)?;
        let cancel = &req.ctx.cancel;
        let found = match (config.id.known(), config.name.known()) {
            (Some(id), _) => client.describe_cluster(id, cancel).await,
            (None, Some(name)) => client.find_cluster(name, cancel).await,
            (None, None) => Ok(None),
        };
        let d = found
            .map_err(|e| api_diag("look up the cluster", &e))?
            .ok_or_else(|| {
                Diagnostic::error(
                    "Cluster not found",
                    "No cluster has this ID or name in the provider's region.",
                )
            })?;
        // The resource's state without `timeouts`, in the data source's type.
        let state = Cluster::from_api(&d, &Cluster::default()).value_of(&self.schema().ty())?;
        Ok(ReadDataResponse::ok(state))
    }
}

/// The look-up keys of the configuration.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct LookUp {
    id: Planned<String>,
    name: Planned<String>,
}

impl LookUp {
    fn read(config: &Value) -> Result<LookUp, Diagnostic> {
        common::model(config, "data source")
    }
}
