//! The `tfplugin6.Provider` RPCs: each decodes its request, calls the
//! framework side ([`crate::plan`]) and encodes the answer; a failure
//! answers with the request's own state where the protocol wants it kept.

use tonic::{Request, Response, Status};
use tracing::Instrument;

use super::{capabilities, diags, rpc_span, ProviderService};
use crate::diag::{Diagnostic, Diagnostics};
use crate::framework::{ConfigureRequest, MoveStateRequest, Private};
use crate::plan::{self, PlanInputs, RawState};
use crate::proto::tfplugin6 as pb;
use crate::server::convert;

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
            let e = self.resource(&req.type_name)?;
            let config = convert::decode(req.config.as_ref(), &e.ty, "configuration")?;
            Ok::<_, Diagnostic>(e.validate(config).await)
        }
        .instrument(span)
        .await
        .unwrap_or_else(Diagnostics::from);
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
            let e = self.data_source(&req.type_name)?;
            let config = convert::decode(req.config.as_ref(), &e.ty, "configuration")?;
            Ok::<_, Diagnostic>(e.validate(config).await)
        }
        .instrument(rpc_span("ValidateDataResourceConfig", &req.type_name))
        .await
        .unwrap_or_else(Diagnostics::from);
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
            let e = self.resource(&req.type_name)?;
            let raw = req.raw_state.unwrap_or_default();
            let raw = RawState {
                flatmap: !raw.flatmap.is_empty(),
                json: raw.json,
            };
            let (state, d) = e.upgrade(req.version, raw).await?;
            let v = convert::encode(&state, &e.ty, "upgraded state")?;
            Ok(pb::upgrade_resource_state::Response {
                upgraded_state: Some(v),
                diagnostics: diags(d),
            })
        }
        .instrument(span)
        .await
        .unwrap_or_else(|d: Diagnostic| pb::upgrade_resource_state::Response {
            upgraded_state: None,
            diagnostics: diags(d),
        });
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
            let e = self.resource(&req.type_name)?;
            let state = convert::decode(req.current_state.as_ref(), &e.ty, "state")?;
            let private = Private::from_bytes(&req.private);
            let r = e.read(self.ctx(), &self.inner.stop, state, private).await?;
            let v = convert::encode(&r.state, &e.ty, "state")?;
            Ok(pb::read_resource::Response {
                new_state: Some(v),
                diagnostics: diags(r.diagnostics),
                private: r
                    .private
                    .map_or_else(|| req.private.clone(), |p| p.to_bytes()),
                deferred: None,
            })
        }
        .instrument(span)
        .await;
        // On failure the state and private data are handed back unchanged.
        let resp = resp.unwrap_or_else(|d: Diagnostic| pb::read_resource::Response {
            new_state: req.current_state,
            diagnostics: diags(d),
            private: req.private,
            deferred: None,
        });
        Ok(Response::new(resp))
    }

    async fn plan_resource_change(
        &self,
        request: Request<pb::plan_resource_change::Request>,
    ) -> Result<Response<pb::plan_resource_change::Response>, Status> {
        let req = request.into_inner();
        let span = rpc_span("PlanResourceChange", &req.type_name);
        let resp = async {
            let e = self.resource(&req.type_name)?;
            let inputs = PlanInputs {
                prior: convert::decode(req.prior_state.as_ref(), &e.ty, "prior state")?,
                proposed: convert::decode(
                    req.proposed_new_state.as_ref(),
                    &e.ty,
                    "proposed state",
                )?,
                config: convert::decode(req.config.as_ref(), &e.ty, "configuration")?,
                prior_private: Private::from_bytes(&req.prior_private),
            };
            let planned = e.plan(self.ctx(), &self.inner.stop, inputs).await?;
            let v = convert::encode(&planned.plan, &e.ty, "plan")?;
            Ok(pb::plan_resource_change::Response {
                planned_state: Some(v),
                requires_replace: planned.requires_replace.iter().map(convert::path).collect(),
                planned_private: planned.private.to_bytes(),
                diagnostics: diags(planned.diagnostics),
                legacy_type_system: false,
                deferred: None,
            })
        }
        .instrument(span)
        .await
        .unwrap_or_else(|d: Diagnostic| pb::plan_resource_change::Response {
            planned_state: None,
            requires_replace: Vec::new(),
            planned_private: Vec::new(),
            diagnostics: diags(d),
            legacy_type_system: false,
            deferred: None,
        });
        Ok(Response::new(resp))
    }

    async fn apply_resource_change(
        &self,
        request: Request<pb::apply_resource_change::Request>,
    ) -> Result<Response<pb::apply_resource_change::Response>, Status> {
        let req = request.into_inner();
        let span = rpc_span("ApplyResourceChange", &req.type_name);
        let resp = async {
            let e = self.resource(&req.type_name)?;
            let prior = convert::decode(req.prior_state.as_ref(), &e.ty, "prior state")?;
            let planned = convert::decode(req.planned_state.as_ref(), &e.ty, "planned state")?;
            let config = convert::decode(req.config.as_ref(), &e.ty, "configuration")?;
            let private = Private::from_bytes(&req.planned_private);
            let r = e.apply(self.ctx(), prior, planned, config, private).await;
            // A state that cannot be encoded is a provider bug; the
            // resource's own diagnostics (what the apply did) go with it.
            let v = convert::encode(&r.state, &e.ty, "new state").map_err(|d| {
                let mut all = r.diagnostics.clone();
                all.push(d);
                all
            })?;
            Ok(pb::apply_resource_change::Response {
                new_state: Some(v),
                private: r.private.to_bytes(),
                diagnostics: diags(r.diagnostics),
                legacy_type_system: false,
            })
        }
        .instrument(span)
        .await;
        // On failure the prior state and planned private data are kept.
        let resp = resp.unwrap_or_else(|d: Diagnostics| pb::apply_resource_change::Response {
            new_state: req.prior_state,
            private: req.planned_private,
            diagnostics: diags(d),
            legacy_type_system: false,
        });
        Ok(Response::new(resp))
    }

    async fn import_resource_state(
        &self,
        request: Request<pb::import_resource_state::Request>,
    ) -> Result<Response<pb::import_resource_state::Response>, Status> {
        let req = request.into_inner();
        let span = rpc_span("ImportResourceState", &req.type_name);
        let resp = async {
            let e = self.resource(&req.type_name)?;
            let r = e.import(self.ctx(), &self.inner.stop, &req.id).await?;
            let v = convert::encode(&r.state, &e.ty, "imported state")?;
            Ok(pb::import_resource_state::Response {
                imported_resources: vec![pb::import_resource_state::ImportedResource {
                    type_name: req.type_name.clone(),
                    state: Some(v),
                    private: r.private.to_bytes(),
                }],
                diagnostics: diags(r.diagnostics),
                deferred: None,
            })
        }
        .instrument(span)
        .await
        .unwrap_or_else(|d: Diagnostics| pb::import_resource_state::Response {
            imported_resources: Vec::new(),
            diagnostics: diags(d),
            deferred: None,
        });
        Ok(Response::new(resp))
    }

    async fn move_resource_state(
        &self,
        request: Request<pb::move_resource_state::Request>,
    ) -> Result<Response<pb::move_resource_state::Response>, Status> {
        let req = request.into_inner();
        let span = rpc_span("MoveResourceState", &req.target_type_name);
        let resp = async {
            let e = self.resource(&req.target_type_name)?;
            let mreq = MoveStateRequest {
                source_provider_address: req.source_provider_address,
                source_type_name: req.source_type_name,
                source_schema_version: req.source_schema_version,
                source_state_json: req.source_state.map(|s| s.json).unwrap_or_default(),
                source_private: Private::from_bytes(&req.source_private),
            };
            let r = e.move_state(&req.target_type_name, mreq).await?;
            let v = convert::encode(&r.state, &e.ty, "moved state")?;
            Ok(pb::move_resource_state::Response {
                target_state: Some(v),
                diagnostics: diags(r.diagnostics),
                target_private: r.private.to_bytes(),
            })
        }
        .instrument(span)
        .await
        .unwrap_or_else(|d: Diagnostic| pb::move_resource_state::Response {
            target_state: None,
            diagnostics: diags(d),
            target_private: Vec::new(),
        });
        Ok(Response::new(resp))
    }

    async fn read_data_source(
        &self,
        request: Request<pb::read_data_source::Request>,
    ) -> Result<Response<pb::read_data_source::Response>, Status> {
        let req = request.into_inner();
        let span = rpc_span("ReadDataSource", &req.type_name);
        let resp = async {
            let e = self.data_source(&req.type_name)?;
            let config = convert::decode(req.config.as_ref(), &e.ty, "configuration")?;
            let (state, d) = e.read(self.ctx(), &self.inner.stop, config).await?;
            let v = convert::encode(&state, &e.ty, "data source state")?;
            Ok(pb::read_data_source::Response {
                state: Some(v),
                diagnostics: diags(d),
                deferred: None,
            })
        }
        .instrument(span)
        .await
        .unwrap_or_else(|d: Diagnostics| pb::read_data_source::Response {
            state: None,
            diagnostics: diags(d),
            deferred: None,
        });
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
