//! `ack_backup_policy`: etcd backups of an ACK Pro cluster.
//!
//! **ACK has no public API for etcd backups.** This resource manages the
//! emulator's documented extension (`/x-ack-emulator/clusters/{id}/etcd-backup-policy`);
//! against the real service it cannot work, and its docs say so.
//!
//! Order: model, schema, plan, create, read, update, delete, import,
//! helpers, tests.

use std::sync::{Arc, OnceLock};

use ack_api::edition::Feature;
use ack_api::model::{BackupPolicy, ColdBackup, GeoReplication, HotBackup};
use ack_api::request::ApiRequest;
use async_trait::async_trait;
use serde::de::IgnoredAny;
use serde::{Deserialize, Serialize};
use tfplugin::framework::*;
use tfplugin::modifiers::UseStateForUnknown;
use tfplugin::validators::IntBetween;
use tfplugin::value::serde::Planned;
use tfplugin::{
    Attribute, AttributePath, Block, Diagnostic, Diagnostics, Nesting, Schema, Type, Value,
};

use crate::common::{self, api_diag};
use crate::provider::Shared;
use crate::resources::dependent;

pub struct BackupPolicyResource {
    pub shared: Arc<Shared>,
}

/// `ack_backup_policy` as applied and stored (wholly known): the parts'
/// attributes are required, so a part is complete or absent.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
struct Model {
    id: Option<String>,
    cluster_name: Option<String>,
    cold_backup: Option<ColdBackup>,
    hot_backup: Option<HotBackup>,
    geo_replication: Option<GeoReplication>,
    cluster_id: Option<String>,
}

/// What the plan-time checks read of a configuration or plan, where any
/// value may be unknown.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct PlanView {
    cold_backup: Planned<IgnoredAny>,
    hot_backup: Planned<IgnoredAny>,
    geo_replication: Planned<GeoView>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct GeoView {
    region: Option<String>,
}

impl Model {
    fn read(v: &Value) -> Result<Model, Diagnostic> {
        common::model(v, "backup policy")
    }

    fn value(&self) -> Result<Value, Diagnostic> {
        static TY: OnceLock<Type> = OnceLock::new();
        let ty = TY.get_or_init(|| schema().ty());
        common::state(self, ty, "backup policy")
    }

    /// The policy as the API wants it.
    fn policy(&self) -> BackupPolicy {
        BackupPolicy {
            cold_backup: self.cold_backup.clone(),
            hot_backup: self.hot_backup.clone(),
            geo_replication: self.geo_replication.clone(),
        }
    }

    fn from_api(cluster_id: &str, cluster_name: &str, p: BackupPolicy) -> Model {
        Model {
            id: Some(cluster_id.to_owned()),
            cluster_name: Some(cluster_name.to_owned()),
            cold_backup: p.cold_backup,
            hot_backup: p.hot_backup,
            geo_replication: p.geo_replication,
            cluster_id: Some(cluster_id.to_owned()),
        }
    }
}

fn schema() -> Schema {
    Schema::new(
        Block::new()
            .description(
                "etcd backup policy of an ACK Pro cluster: high-frequency cold and hot backups and geo-disaster \
                 recovery (refused at plan time on `standard`). **ACK has no public API for this**: the resource \
                 manages an extension endpoint of `ack-emulator` (`/x-ack-emulator/clusters/{id}/etcd-backup-policy`) \
                 and does not work against the real service. All arguments change in place.",
            )
            .attribute(Attribute::string("id").computed().description("The cluster ID; the import ID.").plan_modifier(UseStateForUnknown))
            .attribute(Attribute::string("cluster_name").required().description("Name of the cluster, usually `ack_cluster.<name>.name`. Pointing it at another cluster replaces the resource.").validator(crate::validation::cluster_reference()))
            .attribute(
                Attribute::nested("cold_backup", Nesting::Single, vec![num("interval_hours", 1, 24, "Hours between cold backups"), num("retention_days", 1, 365, "Days cold backups are kept")])
                    .optional()
                    .description("Cold (snapshot) backups of etcd."),
            )
            .attribute(
                Attribute::nested("hot_backup", Nesting::Single, vec![num("interval_minutes", 5, 60, "Minutes between hot backups"), num("retention_hours", 1, 168, "Hours hot backups are kept")])
                    .optional()
                    .description("Hot (continuous) backups of etcd."),
            )
            .attribute(
                Attribute::nested(
                    "geo_replication",
                    Nesting::Single,
                    vec![Attribute::string("region").required().description("Region ID to copy backups to, such as `cn-shanghai`; must differ from the cluster's region.").validator(crate::validation::region())],
                )
                .optional()
                .description("Copy backups to another region for disaster recovery."),
            )
            .attribute(Attribute::string("cluster_id").computed().description("ID of the cluster.")),
    )
}

fn num(name: &str, lo: i64, hi: i64, what: &str) -> Attribute {
    Attribute::number(name)
        .required()
        .description(format!("{what}, {lo}-{hi}."))
        .validator(IntBetween(lo, hi))
}

#[async_trait]
impl Resource for BackupPolicyResource {
    fn type_name(&self) -> String {
        "ack_backup_policy".into()
    }

    fn schema(&self) -> Schema {
        schema()
    }

    async fn validate(&self, req: &ValidateRequest) -> Diagnostics {
        let Ok(parts) = common::model::<PlanView>(&req.config, "backup policy") else {
            return Diagnostics::new();
        };
        let empty = parts.cold_backup.is_null()
            && parts.hot_backup.is_null()
            && parts.geo_replication.is_null();
        if empty {
            return Diagnostic::error(
                "Empty backup policy",
                "Set at least one of cold_backup, hot_backup and geo_replication.",
            )
            .into();
        }
        Diagnostics::new()
    }

    async fn modify_plan(&self, req: &ModifyPlanRequest, resp: &mut ModifyPlanResponse) {
        let Some(cluster) = dependent::plan_feature(&self.shared, req, resp).await else {
            return;
        };
        dependent::require(
            resp,
            &cluster,
            Feature::EtcdBackupPolicy,
            AttributePath::attr("cluster_name"),
        );
        let plan = match common::model::<PlanView>(&resp.plan, "backup policy") {
            Ok(p) => p,
            Err(d) => return resp.diagnostics.push(d),
        };
        let region = cluster
            .existing
            .as_ref()
            .map(|c| c.region_id.clone())
            .or_else(|| self.shared.config.get().map(|c| c.region.clone()));
        let geo = plan
            .geo_replication
            .known()
            .and_then(|g| g.region.as_deref());
        if let (Some(geo), Some(region)) = (geo, region) {
            if geo == region {
                resp.diagnostics.push(
                    Diagnostic::error(
                        "Geo-replication needs another region",
                        format!(
                            "The cluster is in {region}; replicate backups to a different region."
                        ),
                    )
                    .at(AttributePath::attr("geo_replication").push_attr("region")),
                );
            }
        }
    }

    async fn create(&self, req: CreateRequest) -> ApplyResponse {
        self.put(&req.ctx, &req.plan, req.private)
            .await
            .or_respond(ApplyResponse::default)
    }

    async fn read(&self, req: ReadRequest) -> ReadResponse {
        let refreshed = self.read_policy(&req).await;
        refreshed.or_respond(|| ReadResponse::unchanged(req))
    }

    async fn update(&self, req: UpdateRequest) -> ApplyResponse {
        self.put(&req.ctx, &req.plan, req.private)
            .await
            .or_respond(ApplyResponse::default)
    }

    async fn delete(&self, req: DeleteRequest) -> Diagnostics {
        self.delete_policy(req).await.err().unwrap_or_default()
    }

    async fn import(&self, req: ImportRequest) -> ImportResponse {
        dependent::import_by_cluster_id(&req.id, "ack_backup_policy")
    }
}

impl BackupPolicyResource {
    async fn read_policy(&self, req: &ReadRequest) -> Result<ReadResponse, Diagnostics> {
        let client = common::client(&self.shared)?;
        let state = Model::read(&req.state)?;
        let cancel = &req.ctx.cancel;
        let (id, cluster) = dependent::refresh_cluster(
            client,
            state.cluster_id.as_ref(),
            state.id.as_ref(),
            cancel,
        )
        .await?;
        let Some(cluster) = cluster else {
            return Ok(ReadResponse::gone(req.private.clone()));
        };
        let id = id.as_str();
        match client.backup_policy(id, cancel).await {
            Ok(Some(p)) => {
                let name = state.cluster_name.as_ref().unwrap_or(&cluster.name);
                let now = Model::from_api(id, name, p).value()?;
                Ok(ReadResponse::found(now, req.private.clone()))
            }
            Ok(None) => Ok(ReadResponse::gone(req.private.clone())),
            Err(e) => Err(api_diag("read the backup policy", &e).into()),
        }
    }

    async fn delete_policy(&self, req: DeleteRequest) -> Result<(), Diagnostics> {
        let client = common::client(&self.shared)?;
        let state = Model::read(&req.state)?;
        let id = state.cluster_id.as_deref().unwrap_or_default();
        match client
            .send(&ApiRequest::delete_backup_policy(id), &req.ctx.cancel)
            .await
        {
            Ok(_) => Ok(()),
            Err(e) if e.is_not_found() => Ok(()),
            Err(e) => Err(api_diag("delete the backup policy", &e).into()),
        }
    }

    // ------------------------------------------------------------- helpers

    /// Create and update: PUT the whole policy.
    async fn put(
        &self,
        ctx: &Ctx,
        plan: &Value,
        private: Private,
    ) -> Result<ApplyResponse, Diagnostics> {
        let client = common::client(&self.shared)?;
        let plan = Model::read(plan)?;
        let name = plan.cluster_name.as_deref().unwrap_or_default();
        let wait = std::time::Duration::from_secs(1800);
        let cluster = dependent::running_cluster(client, name, wait, &ctx.cancel).await?;
        let wanted = [(
            Feature::EtcdBackupPolicy,
            AttributePath::attr("cluster_name"),
        )];
        dependent::require_at_apply(&cluster, &wanted)?;
        let policy = plan.policy();
        let cid = &cluster.cluster_id;
        client
            .send(&ApiRequest::put_backup_policy(cid, &policy), &ctx.cancel)
            .await
            .map_err(|e| api_diag("set the backup policy", &e))?;
        let state = Model::from_api(cid, name, policy).value()?;
        Ok(ApplyResponse::ok(state, private))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_is_valid_and_policy_round_trips() {
        assert_eq!(
            tfplugin::schema::check_schema(&schema().block),
            Vec::<String>::new()
        );
        let p = BackupPolicy {
            cold_backup: Some(ColdBackup {
                interval_hours: 6,
                retention_days: 7,
            }),
            hot_backup: None,
            geo_replication: Some(GeoReplication {
                region: "cn-shanghai".into(),
            }),
        };
        let state = Model::from_api("c", "n", p.clone()).value().unwrap();
        assert_eq!(state.get("hot_backup"), Some(&Value::Null));
        assert_eq!(Model::read(&state).unwrap().policy(), p);
    }

    /// Regression: a part's number missing from the plan was sent as 0
    /// (`n` read it so); now reading the plan fails at that attribute.
    #[test]
    fn a_missing_interval_is_an_error_not_zero() {
        let plan = Value::object([
            ("cluster_name", Value::from("c")),
            (
                "cold_backup",
                Value::object([
                    ("interval_hours", Value::Null),
                    ("retention_days", Value::from(7)),
                ]),
            ),
        ]);
        assert!(Model::read(&plan).is_err());
    }

    /// Unknown parts count as set: a policy is not empty while a part is unknown.
    #[test]
    fn unknown_parts_are_not_empty() {
        let config = Value::object([
            ("cold_backup", Value::unknown()),
            ("hot_backup", Value::Null),
            ("geo_replication", Value::Null),
        ]);
        let v: PlanView = common::model(&config, "backup policy").unwrap();
        assert!(v.cold_backup.is_unknown());
    }
}
