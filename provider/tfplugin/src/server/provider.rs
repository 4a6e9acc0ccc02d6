//! The `tfplugin6.Provider` gRPC service: decodes requests by schema, calls
//! the framework side of each RPC ([`crate::plan`]) and encodes the answers.

use std::collections::HashMap;
use std::future::Future;
use std::sync::Arc;

use tokio_util::sync::CancellationToken;

use super::convert;
use super::ephemeral::Ephemerals;
use super::functions::Functions;
use crate::diag::{Diagnostic, Diagnostics};
use crate::framework::{Ctx, Provider};
use crate::plan::{self, DataSourceEntry, ResourceEntry};
use crate::proto::tfplugin6 as pb;
use crate::schema::Schema;
use crate::types::Type;

mod rpc;
#[cfg(test)]
mod tests;

/// Serves a [`Provider`] over tfplugin6.
#[derive(Clone)]
pub struct ProviderService {
    inner: Arc<Inner>,
}

struct Inner {
    provider: Arc<dyn Provider>,
    provider_schema: Schema,
    provider_ty: Type,
    resources: HashMap<String, ResourceEntry>,
    data_sources: HashMap<String, DataSourceEntry>,
    ephemerals: Ephemerals,
    functions: Functions,
    schema_response: pb::get_provider_schema::Response,
    stop: CancellationToken,
}

/// Capabilities we announce: destroy plans, cached schemas, cross-type moves.
fn capabilities() -> pb::ServerCapabilities {
    pb::ServerCapabilities {
        plan_destroy: true,
        get_provider_schema_optional: true,
        move_resource_state: true,
        generate_resource_config: false,
    }
}

impl ProviderService {
    pub fn new(provider: Arc<dyn Provider>) -> ProviderService {
        let provider_schema = provider.schema();
        let provider_ty = provider_schema.ty();
        let resources: HashMap<String, ResourceEntry> = provider
            .resources()
            .into_iter()
            .map(ResourceEntry::new)
            .collect();
        let data_sources: HashMap<String, DataSourceEntry> = provider
            .data_sources()
            .into_iter()
            .map(DataSourceEntry::new)
            .collect();
        let ephemerals = Ephemerals::new(provider.ephemeral_resources());
        let functions = Functions::new(provider.functions());
        let schema_response = pb::get_provider_schema::Response {
            provider: Some(convert::schema(&provider_schema)),
            resource_schemas: resources
                .iter()
                .map(|(k, e)| (k.clone(), convert::schema(&e.schema)))
                .collect(),
            data_source_schemas: data_sources
                .iter()
                .map(|(k, e)| (k.clone(), convert::schema(&e.schema)))
                .collect(),
            diagnostics: Vec::new(),
            provider_meta: None,
            server_capabilities: Some(capabilities()),
            functions: functions.declarations(),
            ephemeral_resource_schemas: ephemerals.schemas(),
        };
        ProviderService {
            inner: Arc::new(Inner {
                provider,
                provider_schema,
                provider_ty,
                resources,
                data_sources,
                ephemerals,
                functions,
                schema_response,
                stop: CancellationToken::new(),
            }),
        }
    }

    fn ctx(&self) -> Ctx {
        Ctx {
            cancel: self.inner.stop.child_token(),
        }
    }

    fn resource(&self, name: &str) -> Result<&ResourceEntry, Diagnostic> {
        self.inner
            .resources
            .get(name)
            .ok_or_else(|| unknown_type("resource", name))
    }

    fn data_source(&self, name: &str) -> Result<&DataSourceEntry, Diagnostic> {
        self.inner
            .data_sources
            .get(name)
            .ok_or_else(|| unknown_type("data source", name))
    }

    /// Runs `fut` unless Terraform asks us to stop first.
    async fn until_stopped<T>(&self, fut: impl Future<Output = T>) -> Result<T, Diagnostic> {
        plan::until_stopped(&self.inner.stop, fut).await
    }
}

pub(super) fn unknown_type(kind: &str, name: &str) -> Diagnostic {
    Diagnostic::error(
        format!("Unknown {kind} type"),
        format!("This provider has no {kind} type {name:?}. Check the type name and the provider version."),
    )
}

pub(super) fn diags(d: impl Into<Diagnostics>) -> Vec<pb::Diagnostic> {
    convert::diagnostics(d.into())
}

fn rpc_span(rpc: &'static str, type_name: &str) -> tracing::Span {
    tracing::debug_span!("rpc", tf_rpc = rpc, tf_type = type_name)
}
