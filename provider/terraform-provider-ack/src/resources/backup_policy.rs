//! `ack_backup_policy`: etcd backups of an ACK Pro cluster. A cluster
//! feature: the shape (plan, apply, refresh, import) is [`super::feature`]'s.
//!
//! **ACK has no public API for etcd backups.** This resource manages the
//! emulator's documented extension (`/x-ack-emulator/clusters/{id}/etcd-backup-policy`);
//! against the real service it cannot work, and its docs say so.

use std::time::Duration;

use ack_api::edition::Feature;
use ack_api::model::{BackupPolicy, ColdBackup, GeoReplication, HotBackup};
use ack_api::request::ApiRequest;
use ack_client::Error as ApiError;
use async_trait::async_trait;
use serde::de::IgnoredAny;
use serde::{Deserialize, Serialize};
use tfplugin::validators::IntBetween;
use tfplugin::value::serde::Planned;
use tfplugin::{Attribute, AttributePath, Diagnostic, Diagnostics, Nesting, Value};

use super::feature::{plan_view, Call, ClusterFeature, PlanContext, ReadError};

/// The policy as configured and stored (wholly known): the parts'
/// attributes are required, so a part is complete or absent.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    cold_backup: Option<Cold>,
    hot_backup: Option<Hot>,
    geo_replication: Option<Geo>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct Cold {
    interval_hours: u32,
    retention_days: u32,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct Hot {
    interval_minutes: u32,
    retention_hours: u32,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct Geo {
    region: String,
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

impl Settings {
    /// The policy as the API wants it.
    fn policy(&self) -> BackupPolicy {
        BackupPolicy {
            cold_backup: self.cold_backup.as_ref().map(|c| ColdBackup {
                interval_hours: c.interval_hours,
                retention_days: c.retention_days,
            }),
            hot_backup: self.hot_backup.as_ref().map(|h| HotBackup {
                interval_minutes: h.interval_minutes,
                retention_hours: h.retention_hours,
            }),
            geo_replication: self.geo_replication.as_ref().map(|g| GeoReplication {
                region: g.region.clone(),
            }),
        }
    }

    fn from_api(p: BackupPolicy) -> Settings {
        Settings {
            cold_backup: p.cold_backup.map(|c| Cold {
                interval_hours: c.interval_hours,
                retention_days: c.retention_days,
            }),
            hot_backup: p.hot_backup.map(|h| Hot {
                interval_minutes: h.interval_minutes,
                retention_hours: h.retention_hours,
            }),
            geo_replication: p.geo_replication.map(|g| Geo { region: g.region }),
        }
    }
}

fn num(name: &str, lo: i64, hi: i64, what: &str) -> Attribute {
    Attribute::number(name)
        .required()
        .description(format!("{what}, {lo}-{hi}."))
        .validator(IntBetween(lo, hi))
}

pub struct Backups;

#[async_trait]
impl ClusterFeature for Backups {
    type Settings = Settings;
    const TYPE_NAME: &'static str = "ack_backup_policy";
    const WHAT: &'static str = "the etcd backup policy";
    const TIMEOUT: Duration = Duration::from_secs(10 * 60);

    fn description() -> String {
        "etcd backup policy of an ACK Pro cluster: high-frequency cold and hot backups and geo-disaster \
         recovery (refused at plan time on `standard`). **ACK has no public API for this**: the resource \
         manages an extension endpoint of `ack-emulator` (`/x-ack-emulator/clusters/{id}/etcd-backup-policy`) \
         and does not work against the real service. All arguments change in place."
            .into()
    }

    fn attributes() -> Vec<Attribute> {
        vec![
            Attribute::nested("cold_backup", Nesting::Single, vec![num("interval_hours", 1, 24, "Hours between cold backups"), num("retention_days", 1, 365, "Days cold backups are kept")])
                .optional()
                .description("Cold (snapshot) backups of etcd."),
            Attribute::nested("hot_backup", Nesting::Single, vec![num("interval_minutes", 5, 60, "Minutes between hot backups"), num("retention_hours", 1, 168, "Hours hot backups are kept")])
                .optional()
                .description("Hot (continuous) backups of etcd."),
            Attribute::nested(
                "geo_replication",
                Nesting::Single,
                vec![Attribute::string("region").required().description("Region ID to copy backups to, such as `cn-shanghai`; must differ from the cluster's region.").validator(crate::validation::region())],
            )
            .optional()
            .description("Copy backups to another region for disaster recovery."),
        ]
    }

    fn validate(config: &Value) -> Diagnostics {
        let Ok(parts) = plan_view::<PlanView>(config, "backup policy") else {
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

    fn asks(_: &Value) -> Result<Vec<(Feature, AttributePath)>, Diagnostic> {
        Ok(vec![(
            Feature::EtcdBackupPolicy,
            AttributePath::attr("cluster_name"),
        )])
    }

    /// Geo-replication goes to another region than the cluster's.
    async fn check_plan(ctx: &PlanContext<'_>, plan: &mut Value, diags: &mut Diagnostics) {
        let plan = match plan_view::<PlanView>(&*plan, "backup policy") {
            Ok(p) => p,
            Err(d) => return diags.push(d),
        };
        let region = ctx
            .cluster
            .existing
            .as_ref()
            .map(|c| c.region_id.clone())
            .or_else(|| ctx.shared.config.get().map(|c| c.region.clone()));
        let geo = plan
            .geo_replication
            .known()
            .and_then(|g| g.region.as_deref());
        if let (Some(geo), Some(region)) = (geo, region) {
            if geo == region {
                diags.push(
                    Diagnostic::error(
                        "Geo-replication needs another region",
                        format!(
                            "geo_replication.region is the cluster's own region, {region}; replicate backups to a different region."
                        ),
                    )
                    .at(AttributePath::attr("geo_replication").push_attr("region")),
                );
            }
        }
    }

    async fn read(call: &Call<'_>, _: &Settings) -> Result<Option<Settings>, ReadError> {
        Ok(call
            .client
            .backup_policy(call.id(), call.cancel)
            .await?
            .map(Settings::from_api))
    }

    async fn apply(
        call: &Call<'_>,
        settings: &Settings,
        _prior: Option<&Settings>,
    ) -> Result<Settings, ApiError> {
        let policy = settings.policy();
        let req = ApiRequest::put_backup_policy(call.id(), &policy);
        call.client.send(&req, call.cancel).await?;
        Ok(settings.clone())
    }

    async fn reset(call: &Call<'_, str>, _settings: &Settings) -> Result<(), ApiError> {
        let req = ApiRequest::delete_backup_policy(call.id());
        call.client.send(&req, call.cancel).await.map(|_| ())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_is_valid_and_policy_round_trips() {
        let schema = super::super::feature::schema::<Backups>();
        assert_eq!(
            tfplugin::schema::check_schema(&schema.block),
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
        assert_eq!(Settings::from_api(p.clone()).policy(), p);
    }

    /// Unknown parts count as set: a policy is not empty while a part is unknown.
    #[test]
    fn unknown_parts_are_not_empty() {
        let config = Value::object([
            ("cold_backup", Value::unknown()),
            ("hot_backup", Value::Null),
            ("geo_replication", Value::Null),
        ]);
        assert!(Backups::validate(&config).is_empty());
        let v: PlanView = plan_view(&config, "backup policy").unwrap();
        assert!(v.cold_backup.is_unknown());
    }
}
