//! The `tfplugin6.Provider` gRPC service: decodes requests by schema, applies
//! the protocol's planning rules and calls the framework traits.

use std::collections::HashMap;
use std::future::Future;
use std::sync::Arc;

use tokio_util::sync::CancellationToken;
use tonic::{Request, Response, Status};
use tracing::Instrument;

use super::convert;
use super::ephemeral::Ephemerals;
use super::functions::Functions;
use crate::diag::{Diagnostic, Diagnostics};
use crate::framework::{
    ConfigureRequest, CreateRequest, Ctx, DataSource, DeleteRequest, ImportRequest,
    ModifyPlanRequest, ModifyPlanResponse, MoveStateRequest, Private, Provider, ReadDataRequest,
    ReadRequest, Resource, UpdateRequest, UpgradeStateRequest, ValidateRequest,
};
use crate::path::AttributePath;
use crate::plan;
use crate::proto::tfplugin6 as pb;
use crate::schema::Schema;
use crate::types::Type;
use crate::value::{json, Value};

struct ResourceEntry {
    resource: Arc<dyn Resource>,
    schema: Schema,
    ty: Type,
}

struct DataSourceEntry {
    data_source: Arc<dyn DataSource>,
    schema: Schema,
    ty: Type,
}

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
            .map(|r| {
                let schema = r.schema();
                let ty = schema.ty();
                (
                    r.type_name(),
                    ResourceEntry {
                        resource: r,
                        schema,
                        ty,
                    },
                )
            })
            .collect();
        let data_sources: HashMap<String, DataSourceEntry> = provider
            .data_sources()
            .into_iter()
            .map(|d| {
                let schema = d.schema();
                let ty = schema.ty();
                (
                    d.type_name(),
                    DataSourceEntry {
                        data_source: d,
                        schema,
                        ty,
                    },
                )
            })
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

    /// The token cancelled by StopProvider.
    pub fn stop_token(&self) -> CancellationToken {
        self.inner.stop.clone()
    }

    /// The GetProviderSchema answer (built once).
    pub fn schema_response(&self) -> &pb::get_provider_schema::Response {
        &self.inner.schema_response
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
        tokio::select! {
            r = fut => Ok(r),
            () = self.inner.stop.cancelled() => Err(Diagnostic::error(
                "Operation cancelled",
                "Terraform asked the provider to stop before this operation finished.",
            )),
        }
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

/// Cleans a state a provider returned: write-only attributes become null,
/// leftover unknowns become null with an error naming them.
fn finish_state(schema: &Schema, state: &mut Value, diagnostics: &mut Diagnostics, what: &str) {
    if state.is_null() {
        return;
    }
    plan::null_write_only(&schema.block, state);
    let mut unknown = Vec::new();
    plan::strip_unknowns(state, &AttributePath::root(), &mut unknown);
    for p in unknown {
        diagnostics.push(
            Diagnostic::error(
                format!("Provider left a value unknown after {what}"),
                "Every value must be known once an operation finishes. This is a bug in the provider; please report it.",
            )
            .at(p),
        );
    }
}

fn rpc_span(rpc: &'static str, type_name: &str) -> tracing::Span {
    tracing::debug_span!("rpc", tf_rpc = rpc, tf_type = type_name)
}

#[tonic::async_trait]
impl pb::provider_server::Provider for ProviderService {
    async fn get_metadata(
        &self,
        _request: Request<pb::get_metadata::Request>,
    ) -> Result<Response<pb::get_metadata::Response>, Status> {
        let inner = &self.inner;
        Ok(Response::new(pb::get_metadata::Response {
            server_capabilities: Some(capabilities()),
            diagnostics: Vec::new(),
            data_sources: inner
                .data_sources
                .keys()
                .map(|k| pb::get_metadata::DataSourceMetadata {
                    type_name: k.clone(),
                })
                .collect(),
            resources: inner
                .resources
                .keys()
                .map(|k| pb::get_metadata::ResourceMetadata {
                    type_name: k.clone(),
                })
                .collect(),
            functions: inner
                .functions
                .names()
                .into_iter()
                .map(|name| pb::get_metadata::FunctionMetadata { name })
                .collect(),
            ephemeral_resources: inner
                .ephemerals
                .names()
                .into_iter()
                .map(|type_name| pb::get_metadata::EphemeralMetadata { type_name })
                .collect(),
        }))
    }

    async fn get_provider_schema(
        &self,
        _request: Request<pb::get_provider_schema::Request>,
    ) -> Result<Response<pb::get_provider_schema::Response>, Status> {
        tracing::debug!(tf_rpc = "GetProviderSchema", "Served provider schema");
        Ok(Response::new(self.inner.schema_response.clone()))
    }

    async fn validate_provider_config(
        &self,
        request: Request<pb::validate_provider_config::Request>,
    ) -> Result<Response<pb::validate_provider_config::Response>, Status> {
        let req = request.into_inner();
        let inner = &self.inner;
        let mut d = Diagnostics::new();
        match convert::decode(
            req.config.as_ref(),
            &inner.provider_ty,
            "provider configuration",
        ) {
            Ok(config) => {
                plan::validate(&inner.provider_schema.block, &config, &mut d);
                d.extend(inner.provider.validate_config(&config).await);
            }
            Err(e) => d.push(e),
        }
        Ok(Response::new(pb::validate_provider_config::Response {
            diagnostics: diags(d),
        }))
    }

    async fn validate_resource_config(
        &self,
        request: Request<pb::validate_resource_config::Request>,
    ) -> Result<Response<pb::validate_resource_config::Response>, Status> {
        let req = request.into_inner();
        let span = rpc_span("ValidateResourceConfig", &req.type_name);
        let d = async {
            let e = match self.resource(&req.type_name) {
                Ok(e) => e,
                Err(err) => return err.into(),
            };
            let config = match convert::decode(req.config.as_ref(), &e.ty, "configuration") {
                Ok(c) => c,
                Err(err) => return err.into(),
            };
            let mut d = Diagnostics::new();
            plan::validate(&e.schema.block, &config, &mut d);
            d.extend(e.resource.validate(&ValidateRequest { config }).await);
            d
        }
        .instrument(span)
        .await;
        Ok(Response::new(pb::validate_resource_config::Response {
            diagnostics: diags(d),
        }))
    }

    async fn validate_data_resource_config(
        &self,
        request: Request<pb::validate_data_resource_config::Request>,
    ) -> Result<Response<pb::validate_data_resource_config::Response>, Status> {
        let req = request.into_inner();
        let d = async {
            let e = match self.data_source(&req.type_name) {
                Ok(e) => e,
                Err(err) => return err.into(),
            };
            let config = match convert::decode(req.config.as_ref(), &e.ty, "configuration") {
                Ok(c) => c,
                Err(err) => return err.into(),
            };
            let mut d = Diagnostics::new();
            plan::validate(&e.schema.block, &config, &mut d);
            d.extend(e.data_source.validate(&ValidateRequest { config }).await);
            d
        }
        .instrument(rpc_span("ValidateDataResourceConfig", &req.type_name))
        .await;
        Ok(Response::new(pb::validate_data_resource_config::Response {
            diagnostics: diags(d),
        }))
    }

    async fn upgrade_resource_state(
        &self,
        request: Request<pb::upgrade_resource_state::Request>,
    ) -> Result<Response<pb::upgrade_resource_state::Response>, Status> {
        let req = request.into_inner();
        let span = rpc_span("UpgradeResourceState", &req.type_name);
        let resp = async {
            let fail = |d: Diagnostic| pb::upgrade_resource_state::Response {
                upgraded_state: None,
                diagnostics: diags(d),
            };
            let e = match self.resource(&req.type_name) {
                Ok(e) => e,
                Err(err) => return fail(err),
            };
            let raw = req.raw_state.unwrap_or_default();
            if raw.json.is_empty() && !raw.flatmap.is_empty() {
                return fail(Diagnostic::error(
                    "State too old to upgrade",
                    "This state was written by Terraform 0.11 or earlier (flatmap format). Upgrade it with Terraform 0.12 first.",
                ));
            }
            if req.version > e.schema.version {
                return fail(Diagnostic::error(
                    "Resource instance managed by a newer provider version",
                    format!(
                        "The state has schema version {}, but this provider only knows versions up to {}. Use the newer provider version.",
                        req.version, e.schema.version
                    ),
                ));
            }
            let (mut state, mut d) = if req.version == e.schema.version {
                match json::decode(&raw.json, &e.ty) {
                    Ok(v) => (v, Diagnostics::new()),
                    Err(err) => {
                        return fail(Diagnostic::error(
                            "Could not read the stored state",
                            format!("The state does not match the current schema: {err}."),
                        ))
                    }
                }
            } else {
                let r = e
                    .resource
                    .upgrade_state(UpgradeStateRequest { version: req.version, raw_json: raw.json })
                    .await;
                (r.state, r.diagnostics)
            };
            finish_state(&e.schema, &mut state, &mut d, "upgrading state");
            match convert::encode(&state, &e.ty, "upgraded state") {
                Ok(v) => pb::upgrade_resource_state::Response { upgraded_state: Some(v), diagnostics: diags(d) },
                Err(err) => fail(err),
            }
        }
        .instrument(span)
        .await;
        Ok(Response::new(resp))
    }

    async fn configure_provider(
        &self,
        request: Request<pb::configure_provider::Request>,
    ) -> Result<Response<pb::configure_provider::Response>, Status> {
        let req = request.into_inner();
        let inner = &self.inner;
        let d = match convert::decode(
            req.config.as_ref(),
            &inner.provider_ty,
            "provider configuration",
        ) {
            Ok(config) => {
                inner
                    .provider
                    .configure(ConfigureRequest {
                        terraform_version: req.terraform_version,
                        config,
                    })
                    .await
            }
            Err(e) => e.into(),
        };
        Ok(Response::new(pb::configure_provider::Response {
            diagnostics: diags(d),
        }))
    }

    async fn read_resource(
        &self,
        request: Request<pb::read_resource::Request>,
    ) -> Result<Response<pb::read_resource::Response>, Status> {
        let req = request.into_inner();
        let span = rpc_span("ReadResource", &req.type_name);
        let resp = async {
            let fail = |d: Diagnostic, state: Option<pb::DynamicValue>, private: Vec<u8>| {
                pb::read_resource::Response {
                    new_state: state,
                    diagnostics: diags(d),
                    private,
                    deferred: None,
                }
            };
            let e = match self.resource(&req.type_name) {
                Ok(e) => e,
                Err(err) => return fail(err, req.current_state, req.private),
            };
            let state = match convert::decode(req.current_state.as_ref(), &e.ty, "state") {
                Ok(v) => v,
                Err(err) => return fail(err, req.current_state, req.private),
            };
            let private = Private::from_bytes(&req.private);
            let call = e.resource.read(ReadRequest {
                ctx: self.ctx(),
                state,
                private,
            });
            let r = match self.until_stopped(call).await {
                Ok(r) => r,
                Err(err) => return fail(err, req.current_state, req.private),
            };
            let mut d = r.diagnostics;
            let mut new_state = r.state;
            finish_state(&e.schema, &mut new_state, &mut d, "reading");
            let private = if r.private.is_empty() {
                req.private.clone()
            } else {
                r.private.to_bytes()
            };
            match convert::encode(&new_state, &e.ty, "state") {
                Ok(v) => pb::read_resource::Response {
                    new_state: Some(v),
                    diagnostics: diags(d),
                    private,
                    deferred: None,
                },
                Err(err) => fail(err, req.current_state, req.private),
            }
        }
        .instrument(span)
        .await;
        Ok(Response::new(resp))
    }

    async fn plan_resource_change(
        &self,
        request: Request<pb::plan_resource_change::Request>,
    ) -> Result<Response<pb::plan_resource_change::Response>, Status> {
        let req = request.into_inner();
        let span = rpc_span("PlanResourceChange", &req.type_name);
        let resp = async {
            let fail = |d: Diagnostics| pb::plan_resource_change::Response {
                planned_state: None,
                requires_replace: Vec::new(),
                planned_private: Vec::new(),
                diagnostics: diags(d),
                legacy_type_system: false,
                deferred: None,
            };
            let e = match self.resource(&req.type_name) {
                Ok(e) => e,
                Err(err) => return fail(err.into()),
            };
            let decoded = (|| {
                Ok::<_, Diagnostic>((
                    convert::decode(req.prior_state.as_ref(), &e.ty, "prior state")?,
                    convert::decode(req.proposed_new_state.as_ref(), &e.ty, "proposed state")?,
                    convert::decode(req.config.as_ref(), &e.ty, "configuration")?,
                ))
            })();
            let (prior, proposed, config) = match decoded {
                Ok(v) => v,
                Err(err) => return fail(err.into()),
            };
            let prior_private = Private::from_bytes(&req.prior_private);
            let mut d = Diagnostics::new();
            let block = &e.schema.block;
            let creating = prior.is_null();
            let (plan, replace) = if proposed.is_null() {
                (Value::Null, Vec::new())
            } else {
                let mut plan = proposed;
                plan::apply_defaults(block, &config, &mut plan);
                plan::null_write_only(block, &mut plan);
                if creating || plan != prior {
                    plan::mark_computed_unknown(block, &config, &mut plan);
                }
                let replace =
                    plan::run_modifiers(block, &config, &prior, &mut plan, creating, &mut d);
                (plan, replace)
            };
            let mreq = ModifyPlanRequest {
                ctx: self.ctx(),
                config,
                prior_state: prior,
                prior_private: prior_private.clone(),
            };
            let mut mresp = ModifyPlanResponse {
                plan,
                requires_replace: replace,
                private: prior_private,
                diagnostics: d,
            };
            if let Err(err) = self
                .until_stopped(e.resource.modify_plan(&mreq, &mut mresp))
                .await
            {
                return fail(err.into());
            }
            let planned = match convert::encode(&mresp.plan, &e.ty, "plan") {
                Ok(v) => v,
                Err(err) => return fail(err.into()),
            };
            let requires_replace = if creating {
                Vec::new()
            } else {
                mresp.requires_replace.iter().map(convert::path).collect()
            };
            pb::plan_resource_change::Response {
                planned_state: Some(planned),
                requires_replace,
                planned_private: mresp.private.to_bytes(),
                diagnostics: diags(mresp.diagnostics),
                legacy_type_system: false,
                deferred: None,
            }
        }
        .instrument(span)
        .await;
        Ok(Response::new(resp))
    }

    async fn apply_resource_change(
        &self,
        request: Request<pb::apply_resource_change::Request>,
    ) -> Result<Response<pb::apply_resource_change::Response>, Status> {
        let req = request.into_inner();
        let span = rpc_span("ApplyResourceChange", &req.type_name);
        let resp = async {
            let fail = |d: Diagnostic, state: Option<pb::DynamicValue>| {
                pb::apply_resource_change::Response {
                    new_state: state,
                    private: req.planned_private.clone(),
                    diagnostics: diags(d),
                    legacy_type_system: false,
                }
            };
            let e = match self.resource(&req.type_name) {
                Ok(e) => e,
                Err(err) => return fail(err, req.prior_state.clone()),
            };
            let decoded = (|| {
                Ok::<_, Diagnostic>((
                    convert::decode(req.prior_state.as_ref(), &e.ty, "prior state")?,
                    convert::decode(req.planned_state.as_ref(), &e.ty, "planned state")?,
                    convert::decode(req.config.as_ref(), &e.ty, "configuration")?,
                ))
            })();
            let (prior, planned, config) = match decoded {
                Ok(v) => v,
                Err(err) => return fail(err, req.prior_state.clone()),
            };
            let private = Private::from_bytes(&req.planned_private);
            let ctx = self.ctx();
            let (mut state, new_private, mut d, what) = if planned.is_null() {
                let d = e
                    .resource
                    .delete(DeleteRequest {
                        ctx,
                        state: prior.clone(),
                        private: private.clone(),
                    })
                    .await;
                // A failed delete keeps the object in state.
                let state = if d.has_errors() { prior } else { Value::Null };
                (state, private, d, "deleting")
            } else if prior.is_null() {
                let r = e
                    .resource
                    .create(CreateRequest {
                        ctx,
                        config,
                        plan: planned,
                        private: private.clone(),
                    })
                    .await;
                (
                    r.state,
                    if r.private.is_empty() {
                        private
                    } else {
                        r.private
                    },
                    r.diagnostics,
                    "creating",
                )
            } else {
                let r = e
                    .resource
                    .update(UpdateRequest {
                        ctx,
                        config,
                        plan: planned,
                        prior_state: prior,
                        private: private.clone(),
                    })
                    .await;
                (
                    r.state,
                    if r.private.is_empty() {
                        private
                    } else {
                        r.private
                    },
                    r.diagnostics,
                    "updating",
                )
            };
            finish_state(&e.schema, &mut state, &mut d, what);
            match convert::encode(&state, &e.ty, "new state") {
                Ok(v) => pb::apply_resource_change::Response {
                    new_state: Some(v),
                    private: new_private.to_bytes(),
                    diagnostics: diags(d),
                    legacy_type_system: false,
                },
                Err(err) => fail(err, req.prior_state.clone()),
            }
        }
        .instrument(span)
        .await;
        Ok(Response::new(resp))
    }

    async fn import_resource_state(
        &self,
        request: Request<pb::import_resource_state::Request>,
    ) -> Result<Response<pb::import_resource_state::Response>, Status> {
        let req = request.into_inner();
        let span = rpc_span("ImportResourceState", &req.type_name);
        let resp = async {
            let fail = |d: Diagnostics| pb::import_resource_state::Response {
                imported_resources: Vec::new(),
                diagnostics: diags(d),
                deferred: None,
            };
            let e = match self.resource(&req.type_name) {
                Ok(e) => e,
                Err(err) => return fail(err.into()),
            };
            let call = e.resource.import(ImportRequest {
                ctx: self.ctx(),
                id: req.id.clone(),
            });
            let r = match self.until_stopped(call).await {
                Ok(r) => r,
                Err(err) => return fail(err.into()),
            };
            let mut d = r.diagnostics;
            if d.has_errors() {
                return fail(d);
            }
            let mut state = r.state;
            if state.is_null() {
                d.error(
                    "Import returned no object",
                    format!("Nothing was found for import ID {:?}.", req.id),
                );
                return fail(d);
            }
            finish_state(&e.schema, &mut state, &mut d, "importing");
            match convert::encode(&state, &e.ty, "imported state") {
                Ok(v) => pb::import_resource_state::Response {
                    imported_resources: vec![pb::import_resource_state::ImportedResource {
                        type_name: req.type_name.clone(),
                        state: Some(v),
                        private: r.private.to_bytes(),
                    }],
                    diagnostics: diags(d),
                    deferred: None,
                },
                Err(err) => fail(err.into()),
            }
        }
        .instrument(span)
        .await;
        Ok(Response::new(resp))
    }

    async fn move_resource_state(
        &self,
        request: Request<pb::move_resource_state::Request>,
    ) -> Result<Response<pb::move_resource_state::Response>, Status> {
        let req = request.into_inner();
        let span = rpc_span("MoveResourceState", &req.target_type_name);
        let resp = async {
            let fail = |d: Diagnostic| pb::move_resource_state::Response {
                target_state: None,
                diagnostics: diags(d),
                target_private: Vec::new(),
            };
            let e = match self.resource(&req.target_type_name) {
                Ok(e) => e,
                Err(err) => return fail(err),
            };
            let mreq = MoveStateRequest {
                source_provider_address: req.source_provider_address.clone(),
                source_type_name: req.source_type_name.clone(),
                source_schema_version: req.source_schema_version,
                source_state_json: req.source_state.map(|s| s.json).unwrap_or_default(),
                source_private: Private::from_bytes(&req.source_private),
            };
            let Some(r) = e.resource.move_state(mreq).await else {
                return fail(Diagnostic::error(
                    "Move not supported",
                    format!(
                        "{} cannot take state moved from {} ({}). Remove the `moved` block and import the object instead.",
                        req.target_type_name, req.source_type_name, req.source_provider_address
                    ),
                ));
            };
            let mut d = r.diagnostics;
            let mut state = r.state;
            finish_state(&e.schema, &mut state, &mut d, "moving state");
            match convert::encode(&state, &e.ty, "moved state") {
                Ok(v) => pb::move_resource_state::Response {
                    target_state: Some(v),
                    diagnostics: diags(d),
                    target_private: r.private.to_bytes(),
                },
                Err(err) => fail(err),
            }
        }
        .instrument(span)
        .await;
        Ok(Response::new(resp))
    }

    async fn read_data_source(
        &self,
        request: Request<pb::read_data_source::Request>,
    ) -> Result<Response<pb::read_data_source::Response>, Status> {
        let req = request.into_inner();
        let span = rpc_span("ReadDataSource", &req.type_name);
        let resp = async {
            let fail = |d: Diagnostics| pb::read_data_source::Response {
                state: None,
                diagnostics: diags(d),
                deferred: None,
            };
            let e = match self.data_source(&req.type_name) {
                Ok(e) => e,
                Err(err) => return fail(err.into()),
            };
            let config = match convert::decode(req.config.as_ref(), &e.ty, "configuration") {
                Ok(c) => c,
                Err(err) => return fail(err.into()),
            };
            let call = e.data_source.read(ReadDataRequest {
                ctx: self.ctx(),
                config,
            });
            let r = match self.until_stopped(call).await {
                Ok(r) => r,
                Err(err) => return fail(err.into()),
            };
            let mut d = r.diagnostics;
            if d.has_errors() {
                return fail(d);
            }
            let mut state = r.state;
            if state.is_null() {
                d.error(
                    "Data source returned nothing",
                    "This is a bug in the provider; please report it.",
                );
                return fail(d);
            }
            finish_state(&e.schema, &mut state, &mut d, "reading");
            match convert::encode(&state, &e.ty, "data source state") {
                Ok(v) => pb::read_data_source::Response {
                    state: Some(v),
                    diagnostics: diags(d),
                    deferred: None,
                },
                Err(err) => fail(err.into()),
            }
        }
        .instrument(span)
        .await;
        Ok(Response::new(resp))
    }

    async fn validate_ephemeral_resource_config(
        &self,
        request: Request<pb::validate_ephemeral_resource_config::Request>,
    ) -> Result<Response<pb::validate_ephemeral_resource_config::Response>, Status> {
        let req = request.into_inner();
        let span = rpc_span("ValidateEphemeralResourceConfig", &req.type_name);
        let resp = self.inner.ephemerals.validate(req).instrument(span).await;
        Ok(Response::new(resp))
    }

    async fn open_ephemeral_resource(
        &self,
        request: Request<pb::open_ephemeral_resource::Request>,
    ) -> Result<Response<pb::open_ephemeral_resource::Response>, Status> {
        let req = request.into_inner();
        let span = rpc_span("OpenEphemeralResource", &req.type_name);
        let call = self.inner.ephemerals.open(self.ctx(), req);
        let resp = match self.until_stopped(call).instrument(span).await {
            Ok(r) => r,
            Err(err) => pb::open_ephemeral_resource::Response {
                diagnostics: diags(err),
                ..Default::default()
            },
        };
        Ok(Response::new(resp))
    }

    async fn renew_ephemeral_resource(
        &self,
        request: Request<pb::renew_ephemeral_resource::Request>,
    ) -> Result<Response<pb::renew_ephemeral_resource::Response>, Status> {
        let req = request.into_inner();
        let span = rpc_span("RenewEphemeralResource", &req.type_name);
        let resp = self
            .inner
            .ephemerals
            .renew(self.ctx(), req)
            .instrument(span)
            .await;
        Ok(Response::new(resp))
    }

    async fn close_ephemeral_resource(
        &self,
        request: Request<pb::close_ephemeral_resource::Request>,
    ) -> Result<Response<pb::close_ephemeral_resource::Response>, Status> {
        let req = request.into_inner();
        let span = rpc_span("CloseEphemeralResource", &req.type_name);
        let resp = self
            .inner
            .ephemerals
            .close(self.ctx(), req)
            .instrument(span)
            .await;
        Ok(Response::new(resp))
    }

    async fn get_functions(
        &self,
        _request: Request<pb::get_functions::Request>,
    ) -> Result<Response<pb::get_functions::Response>, Status> {
        Ok(Response::new(pb::get_functions::Response {
            functions: self.inner.schema_response.functions.clone(),
            diagnostics: Vec::new(),
        }))
    }

    async fn call_function(
        &self,
        request: Request<pb::call_function::Request>,
    ) -> Result<Response<pb::call_function::Response>, Status> {
        let req = request.into_inner();
        let span = tracing::debug_span!("rpc", tf_rpc = "CallFunction", tf_function = %req.name);
        let resp = self.inner.functions.call(req).instrument(span).await;
        Ok(Response::new(resp))
    }

    async fn stop_provider(
        &self,
        _request: Request<pb::stop_provider::Request>,
    ) -> Result<Response<pb::stop_provider::Response>, Status> {
        tracing::info!(
            tf_rpc = "StopProvider",
            "Terraform asked the provider to stop; cancelling in-flight work"
        );
        self.inner.stop.cancel();
        Ok(Response::new(pb::stop_provider::Response {
            error: String::new(),
        }))
    }
}
