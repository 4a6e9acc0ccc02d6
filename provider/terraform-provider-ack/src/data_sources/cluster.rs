//! `data "ack_cluster"`: an existing cluster, by name or by ID.

use std::sync::Arc;

use async_trait::async_trait;
use tfplugin::framework::{
    DataSource, ReadDataRequest, ReadDataResponse, Resource, ValidateRequest,
};
use tfplugin::{Attribute, Block, Diagnostic, Diagnostics, Schema, Value};

use crate::common::{self, api_diag, str_attr};
use crate::provider::Shared;
use crate::resources::cluster::{state_from, ClusterResource};

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
            if a.name == "id" {
                a.description = "Cluster ID to look up (or set `name`).".into();
            } else if a.name == "name" {
                a.description =
                    "Cluster name to look up in the provider's region (or set `id`).".into();
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
        let id = req.config.get("id").cloned().unwrap_or_default();
        let name = req.config.get("name").cloned().unwrap_or_default();
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
        let client = match common::client(&self.shared) {
            Ok(c) => c,
            Err(d) => {
                return ReadDataResponse {
                    state: Value::Null,
                    diagnostics: d.into(),
                }
            }
        };
        let cancel = &req.ctx.cancel;
        let found = match (str_attr(&req.config, "id"), str_attr(&req.config, "name")) {
            (Some(id), _) => client.describe_cluster(id, cancel).await,
            (None, Some(name)) => client.find_cluster(name, cancel).await,
            (None, None) => Ok(None),
        };
        match found {
            Ok(Some(d)) => {
                let mut state = state_from(&d, &Value::Null);
                if let Value::Object(m) = &mut state {
                    m.remove("timeouts");
                }
                ReadDataResponse {
                    state,
                    diagnostics: Diagnostics::new(),
                }
            }
            Ok(None) => ReadDataResponse {
                state: Value::Null,
                diagnostics: Diagnostic::error(
                    "Cluster not found",
                    "No cluster has this ID or name in the provider's region.",
                )
                .into(),
            },
            Err(e) => ReadDataResponse {
                state: Value::Null,
                diagnostics: api_diag("look up the cluster", &e).into(),
            },
        }
    }
}
