//! The ephemeral resource RPCs: ValidateEphemeralResourceConfig,
//! OpenEphemeralResource, RenewEphemeralResource, CloseEphemeralResource.

use std::collections::HashMap;
use std::sync::Arc;

use super::convert;
use super::provider::{diags, unknown_type};
use crate::diag::{Diagnostic, Diagnostics};
use crate::ephemeral::{CloseRequest, EphemeralResource, OpenRequest, RenewRequest};
use crate::framework::{Ctx, Private};
use crate::plan;
use crate::proto::tfplugin6 as pb;

type Entry = plan::Entry<dyn EphemeralResource>;

/// The provider's ephemeral resource types, by name.
pub(super) struct Ephemerals {
    map: HashMap<String, Entry>,
}

fn timestamp(t: Option<std::time::SystemTime>) -> Option<prost_types::Timestamp> {
    t.map(prost_types::Timestamp::from)
}

fn private_bytes(p: &Private) -> Option<Vec<u8>> {
    (!p.is_empty()).then(|| p.to_bytes())
}

impl Ephemerals {
    pub(super) fn new(list: Vec<Arc<dyn EphemeralResource>>) -> Ephemerals {
        let map = list
            .into_iter()
            .map(|r| plan::Entry::named(r.type_name(), r.schema(), r))
            .collect();
        Ephemerals { map }
    }

    pub(super) fn schemas(&self) -> HashMap<String, pb::Schema> {
        self.map
            .iter()
            .map(|(k, e)| (k.clone(), convert::schema(&e.schema)))
            .collect()
    }

    pub(super) fn names(&self) -> Vec<String> {
        self.map.keys().cloned().collect()
    }

    fn get(&self, name: &str) -> Result<&Entry, Diagnostic> {
        self.map
            .get(name)
            .ok_or_else(|| unknown_type("ephemeral resource", name))
    }

    pub(super) async fn validate(
        &self,
        req: pb::validate_ephemeral_resource_config::Request,
    ) -> pb::validate_ephemeral_resource_config::Response {
        let d = async {
            let e = match self.get(&req.type_name) {
                Ok(e) => e,
                Err(err) => return err.into(),
            };
            let config = match convert::decode(req.config.as_ref(), &e.ty, "configuration") {
                Ok(c) => c,
                Err(err) => return err.into(),
            };
            e.validate(config).await
        }
        .await;
        pb::validate_ephemeral_resource_config::Response {
            diagnostics: diags(d),
        }
    }

    pub(super) async fn open(
        &self,
        ctx: Ctx,
        req: pb::open_ephemeral_resource::Request,
    ) -> pb::open_ephemeral_resource::Response {
        let fail = |d: Diagnostics| pb::open_ephemeral_resource::Response {
            diagnostics: diags(d),
            ..Default::default()
        };
        let e = match self.get(&req.type_name) {
            Ok(e) => e,
            Err(err) => return fail(err.into()),
        };
        let config = match convert::decode(req.config.as_ref(), &e.ty, "configuration") {
            Ok(c) => c,
            Err(err) => return fail(err.into()),
        };
        if !config.is_wholly_known() {
            // Arguments depend on objects not created yet: every result is
            // unknown until apply, and nothing is acquired now.
            let mut result = config.clone();
            plan::mark_computed_unknown(&e.schema.block, &config, &mut result);
            return match convert::encode(&result, &e.ty, "result") {
                Ok(v) => pb::open_ephemeral_resource::Response {
                    result: Some(v),
                    ..Default::default()
                },
                Err(err) => fail(err.into()),
            };
        }
        let r = e.inner.open(OpenRequest { ctx, config }).await;
        if r.diagnostics.has_errors() {
            return fail(r.diagnostics);
        }
        if r.result.is_null() {
            return fail(
                Diagnostic::error(
                    "Ephemeral resource returned nothing",
                    "This is a bug in the provider; please report it.",
                )
                .into(),
            );
        }
        match convert::encode(&r.result, &e.ty, "result") {
            Ok(v) => pb::open_ephemeral_resource::Response {
                diagnostics: diags(r.diagnostics),
                renew_at: timestamp(r.renew_at),
                result: Some(v),
                private: private_bytes(&r.private),
                deferred: None,
            },
            Err(err) => fail(err.into()),
        }
    }

    pub(super) async fn renew(
        &self,
        ctx: Ctx,
        req: pb::renew_ephemeral_resource::Request,
    ) -> pb::renew_ephemeral_resource::Response {
        let e = match self.get(&req.type_name) {
            Ok(e) => e,
            Err(err) => {
                return pb::renew_ephemeral_resource::Response {
                    diagnostics: diags(err),
                    ..Default::default()
                }
            }
        };
        let private = Private::from_bytes(req.private.as_deref().unwrap_or_default());
        let r = e.inner.renew(RenewRequest { ctx, private }).await;
        pb::renew_ephemeral_resource::Response {
            diagnostics: diags(r.diagnostics),
            renew_at: timestamp(r.renew_at),
            private: private_bytes(&r.private),
        }
    }

    pub(super) async fn close(
        &self,
        ctx: Ctx,
        req: pb::close_ephemeral_resource::Request,
    ) -> pb::close_ephemeral_resource::Response {
        let d = match self.get(&req.type_name) {
            Ok(e) => {
                let private = Private::from_bytes(req.private.as_deref().unwrap_or_default());
                e.inner.close(CloseRequest { ctx, private }).await
            }
            Err(err) => err.into(),
        };
        pb::close_ephemeral_resource::Response {
            diagnostics: diags(d),
        }
    }
}
