//! `ack_backup_policy`: etcd backups of an ACK Pro cluster.
//!
//! **ACK has no public API for etcd backups.** This resource manages the
//! emulator's documented extension (`/x-ack-emulator/clusters/{id}/etcd-backup-policy`);
//! against the real service it cannot work, and its docs say so.
//!
//! Order: schema, plan, create, read, update, delete, import, helpers, tests.

use std::sync::Arc;

use ack_api::edition::Feature;
use ack_api::model::{BackupPolicy, ColdBackup, GeoReplication, HotBackup};
use ack_api::request::ApiRequest;
use async_trait::async_trait;
use tfplugin::framework::*;
use tfplugin::modifiers::UseStateForUnknown;
use tfplugin::validators::IntBetween;
use tfplugin::{Attribute, AttributePath, Block, Diagnostic, Diagnostics, Nesting, Schema, Value};

use crate::common::{self, api_diag, str_attr};
use crate::provider::Shared;
use crate::resources::dependent;

pub struct BackupPolicyResource {
    pub shared: Arc<Shared>,
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
                        vec![Attribute::string("region").required().description("Region to copy backups to; must differ from the cluster's region.")],
                    )
                    .optional()
                    .description("Copy backups to another region for disaster recovery."),
                )
                .attribute(Attribute::string("cluster_id").computed().description("ID of the cluster.")),
        )
    }

    async fn validate(&self, req: &ValidateRequest) -> Diagnostics {
        let empty = ["cold_backup", "hot_backup", "geo_replication"]
            .iter()
            .all(|a| req.config.get(a).is_some_and(Value::is_null));
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
        let region = cluster
            .existing
            .as_ref()
            .map(|c| c.region_id.clone())
            .or_else(|| self.shared.config.get().map(|c| c.region.clone()));
        let geo = resp
            .plan
            .get("geo_replication")
            .and_then(|g| g.get("region"))
            .and_then(Value::as_str);
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
        self.put(&req.ctx, &req.plan, req.private).await
    }

    async fn read(&self, req: ReadRequest) -> ReadResponse {
        let client = match common::client(&self.shared) {
            Ok(c) => c,
            Err(d) => {
                return ReadResponse {
                    state: req.state,
                    private: req.private,
                    diagnostics: d.into(),
                }
            }
        };
        let id = str_attr(&req.state, "cluster_id")
            .or(str_attr(&req.state, "id"))
            .unwrap_or_default()
            .to_owned();
        let cancel = &req.ctx.cancel;
        let cluster = match client.describe_cluster(&id, cancel).await {
            Ok(Some(c)) => c,
            Ok(None) => {
                return ReadResponse {
                    state: Value::Null,
                    private: req.private,
                    diagnostics: Diagnostics::new(),
                }
            }
            Err(e) => {
                return ReadResponse {
                    state: req.state,
                    private: req.private,
                    diagnostics: api_diag("read the cluster", &e).into(),
                }
            }
        };
        match client.backup_policy(&id, cancel).await {
            Ok(Some(p)) => {
                let name = str_attr(&req.state, "cluster_name")
                    .map_or(cluster.name.clone(), str::to_owned);
                ReadResponse {
                    state: state(&id, &name, &p),
                    private: req.private,
                    diagnostics: Diagnostics::new(),
                }
            }
            Ok(None) => ReadResponse {
                state: Value::Null,
                private: req.private,
                diagnostics: Diagnostics::new(),
            },
            Err(e) => ReadResponse {
                state: req.state,
                private: req.private,
                diagnostics: api_diag("read the backup policy", &e).into(),
            },
        }
    }

    async fn update(&self, req: UpdateRequest) -> ApplyResponse {
        self.put(&req.ctx, &req.plan, req.private).await
    }

    async fn delete(&self, req: DeleteRequest) -> Diagnostics {
        let client = match common::client(&self.shared) {
            Ok(c) => c,
            Err(d) => return d.into(),
        };
        let id = str_attr(&req.state, "cluster_id").unwrap_or_default();
        match client
            .send(&ApiRequest::delete_backup_policy(id), &req.ctx.cancel)
            .await
        {
            Ok(_) => Diagnostics::new(),
            Err(e) if e.is_not_found() => Diagnostics::new(),
            Err(e) => api_diag("delete the backup policy", &e).into(),
        }
    }

    async fn import(&self, req: ImportRequest) -> ImportResponse {
        dependent::import_by_cluster_id(&req.id, "ack_backup_policy")
    }
}

// ------------------------------------------------------------------ helpers

impl BackupPolicyResource {
    async fn put(&self, ctx: &Ctx, plan: &Value, private: Private) -> ApplyResponse {
        let client = match common::client(&self.shared) {
            Ok(c) => c,
            Err(d) => return ApplyResponse::error(d),
        };
        let name = str_attr(plan, "cluster_name").unwrap_or_default();
        let cluster = match dependent::running_cluster(
            client,
            name,
            std::time::Duration::from_secs(1800),
            &ctx.cancel,
        )
        .await
        {
            Ok(c) => c,
            Err(d) => return ApplyResponse::error(d),
        };
        let wanted = [(
            Feature::EtcdBackupPolicy,
            AttributePath::attr("cluster_name"),
        )];
        if let Err(diagnostics) = dependent::require_at_apply(&cluster, &wanted) {
            return ApplyResponse {
                diagnostics,
                ..Default::default()
            };
        }
        let policy = policy(plan);
        match client
            .send(
                &ApiRequest::put_backup_policy(&cluster.cluster_id, &policy),
                &ctx.cancel,
            )
            .await
        {
            Ok(_) => ApplyResponse::ok(state(&cluster.cluster_id, name, &policy), private),
            Err(e) => ApplyResponse::error(api_diag("set the backup policy", &e)),
        }
    }
}

fn n(v: &Value, name: &str) -> u32 {
    v.get(name)
        .and_then(Value::as_i64)
        .and_then(|x| u32::try_from(x).ok())
        .unwrap_or(0)
}

fn policy(plan: &Value) -> BackupPolicy {
    let part = |name: &str| plan.get(name).filter(|v| !v.is_null());
    BackupPolicy {
        cold_backup: part("cold_backup").map(|c| ColdBackup {
            interval_hours: n(c, "interval_hours"),
            retention_days: n(c, "retention_days"),
        }),
        hot_backup: part("hot_backup").map(|h| HotBackup {
            interval_minutes: n(h, "interval_minutes"),
            retention_hours: n(h, "retention_hours"),
        }),
        geo_replication: part("geo_replication").map(|g| GeoReplication {
            region: str_attr(g, "region").unwrap_or_default().into(),
        }),
    }
}

fn state(cluster_id: &str, cluster_name: &str, p: &BackupPolicy) -> Value {
    let num = |x: u32| Value::from(i64::from(x));
    Value::object([
        ("id", Value::from(cluster_id)),
        ("cluster_name", Value::from(cluster_name)),
        (
            "cold_backup",
            p.cold_backup.as_ref().map_or(Value::Null, |c| {
                Value::object([
                    ("interval_hours", num(c.interval_hours)),
                    ("retention_days", num(c.retention_days)),
                ])
            }),
        ),
        (
            "hot_backup",
            p.hot_backup.as_ref().map_or(Value::Null, |h| {
                Value::object([
                    ("interval_minutes", num(h.interval_minutes)),
                    ("retention_hours", num(h.retention_hours)),
                ])
            }),
        ),
        (
            "geo_replication",
            p.geo_replication.as_ref().map_or(Value::Null, |g| {
                Value::object([("region", Value::from(g.region.as_str()))])
            }),
        ),
        ("cluster_id", Value::from(cluster_id)),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_is_valid_and_policy_round_trips() {
        let r = BackupPolicyResource {
            shared: Arc::default(),
        };
        assert_eq!(
            tfplugin::schema::check_schema(&r.schema().block),
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
        assert_eq!(policy(&state("c", "n", &p)), p);
    }
}
