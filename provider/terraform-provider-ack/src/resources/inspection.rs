//! `ack_cluster_inspection`: cluster inspection, the professional edition
//! of security management (ACK Pro only; refused at plan time on
//! `standard`): whether the cluster is inspected, on which daily schedule
//! (an RFC 5545 rule the API accepts), which check items are skipped, and
//! the latest report's summary. CreateClusterInspectConfig,
//! UpdateClusterInspectConfig, GetClusterInspectConfig,
//! DeleteClusterInspectConfig, ListClusterInspectReports. A cluster
//! feature: the shape (plan, apply, refresh, import) is [`super::feature`]'s.

use std::time::Duration;

use ack_api::edition::Feature;
use ack_api::model::{CreateInspectConfig, InspectReport, UpdateInspectConfig};
use ack_client::Error as ApiError;
use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use tfplugin::validators::{Check, LengthBetween};
use tfplugin::{Attribute, AttributePath, Diagnostic, Diagnostics, Nesting, Value};

use super::feature::{Call, ClusterFeature, PlanContext, ReadError};

/// The configuration as configured and stored.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    enabled: Option<bool>,
    schedule: Option<String>,
    disabled_check_items: Option<Vec<String>>,
    latest_report: Option<Report>,
}

/// The latest report's summary.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Report {
    report_id: Option<String>,
    status: Option<String>,
    start_time: Option<String>,
    end_time: Option<String>,
    normal_count: Option<u64>,
    advice_count: Option<u64>,
    warn_count: Option<u64>,
    error_count: Option<u64>,
}

impl Report {
    fn of(r: InspectReport) -> Report {
        Report {
            report_id: Some(r.report_id),
            status: Some(r.status),
            start_time: Some(r.start_time),
            end_time: Some(r.end_time),
            normal_count: Some(r.summary.normal_count),
            advice_count: Some(r.summary.advice_count),
            warn_count: Some(r.summary.warn_count),
            error_count: Some(r.summary.error_count),
        }
    }
}

/// Two spellings of one schedule (`BYMINUTE=0;…` and `…;BYMINUTE=00`) are
/// one schedule.
fn same_schedule(a: &str, b: &str) -> bool {
    match (ack_api::rules::recurrence(a), ack_api::rules::recurrence(b)) {
        (Ok(x), Ok(y)) => x == y,
        _ => a == b,
    }
}

impl Settings {
    fn enabled(&self) -> bool {
        self.enabled.unwrap_or(true)
    }

    fn items(&self) -> Vec<String> {
        self.disabled_check_items.clone().unwrap_or_default()
    }

    /// What the service has, in `prior`'s spelling where it means the same.
    fn from_api(
        c: ack_api::model::InspectConfig,
        prior: &Settings,
        report: Option<InspectReport>,
    ) -> Settings {
        let schedule = match &prior.schedule {
            Some(p) if same_schedule(p, &c.recurrence) => p.clone(),
            _ => c.recurrence,
        };
        let items = c.disabled_check_items;
        Settings {
            enabled: Some(c.enabled),
            schedule: Some(schedule),
            disabled_check_items: (prior.disabled_check_items.is_some() || !items.is_empty())
                .then_some(items),
            latest_report: report.map(Report::of),
        }
    }
}

pub struct Inspection;

const REPORT_FIELDS: [(&str, &str); 8] = [
    ("report_id", "ID of the report."),
    (
        "status",
        "Status of the report (`completed`, `running`, `failed`).",
    ),
    ("start_time", "When the inspection started (RFC 3339)."),
    ("end_time", "When the inspection finished (RFC 3339)."),
    ("normal_count", "Check items found normal."),
    ("advice_count", "Check items with advice."),
    ("warn_count", "Check items with a warning."),
    ("error_count", "Check items with an error."),
];

#[async_trait]
impl ClusterFeature for Inspection {
    type Settings = Settings;
    const TYPE_NAME: &'static str = "ack_cluster_inspection";
    const WHAT: &'static str = "cluster inspection";
    const TIMEOUT: Duration = Duration::from_secs(10 * 60);

    fn description() -> String {
        "Cluster inspection — the professional edition of security management: the cluster is inspected on a daily schedule and problems are reported (and, with the `security-inspector` addon, repaired). ACK Pro only; refused at plan time on `standard` (the basic edition has no inspection). Everything changes in place; destroying the resource deletes the inspection configuration (reports stay). `latest_report` summarises the newest report.".into()
    }

    fn attributes() -> Vec<Attribute> {
        let report: Vec<Attribute> = REPORT_FIELDS
            .iter()
            .map(|(name, what)| {
                let a = if name.ends_with("_count") {
                    Attribute::number(*name)
                } else {
                    Attribute::string(*name)
                };
                a.computed().description(*what)
            })
            .collect();
        vec![
            Attribute::bool("enabled")
                .default_value(true)
                .description("Whether the cluster is inspected on the schedule. Default `true`."),
            Attribute::string("schedule")
                .required()
                .description("When to inspect, as an RFC 5545 recurrence rule the API accepts: `FREQ=DAILY` with `BYHOUR` (0-23) and `BYMINUTE` (0-59), nothing else (no `COUNT`/`UNTIL`), e.g. `FREQ=DAILY;BYHOUR=3;BYMINUTE=0`. Checked at plan time.")
                .validator(Check::new("An RFC 5545 daily rule such as `FREQ=DAILY;BYHOUR=3;BYMINUTE=0`.", |v: &Value| {
                    ack_api::rules::recurrence(v.as_str().unwrap_or_default()).map(|_| ()).map_err(|e| e.to_string())
                })),
            Attribute::new("disabled_check_items", tfplugin::Type::list(tfplugin::Type::String))
                .optional()
                .description("Check items the inspection skips, each at most once, e.g. `[\"NodeDiskPressure\"]`.")
                .validator(LengthBetween(0, 64))
                .validator(Check::new("Each check item at most once.", |v: &Value| {
                    let items: Vec<&str> = v.as_elements().unwrap_or_default().iter().filter_map(Value::as_str).collect();
                    let mut seen = std::collections::HashSet::new();
                    match items.iter().find(|i| i.is_empty() || !seen.insert(**i)) {
                        Some(i) => Err(format!("check item {i:?} is empty or listed twice")),
                        None => Ok(()),
                    }
                })),
            Attribute::nested("latest_report", Nesting::Single, report)
                .computed()
                .description("Summary of the newest inspection report (null before the first inspection): its ID, status, times and how many check items were normal, advice, warning or error."),
        ]
    }

    fn asks(_: &Value) -> Result<Vec<(Feature, AttributePath)>, Diagnostic> {
        Ok(vec![(
            Feature::ClusterInspection,
            AttributePath::attr("enabled"),
        )])
    }

    /// A schedule that means what the state holds keeps the state's spelling.
    async fn check_plan(ctx: &PlanContext<'_>, plan: &mut Value, _diags: &mut Diagnostics) {
        let now = plan.get("schedule").and_then(Value::as_str);
        let was = ctx.prior.get("schedule").and_then(Value::as_str);
        if let (Some(now), Some(was)) = (now, was) {
            if now != was && same_schedule(now, was) {
                let was = was.to_owned();
                crate::common::set(plan, "schedule", Value::from(was));
            }
        }
        // Nothing to change: the latest report stays what it is.
        let unchanged = ["enabled", "schedule", "disabled_check_items"]
            .iter()
            .all(|k| plan.get(k) == ctx.prior.get(k));
        if unchanged && !ctx.prior.is_null() {
            let report = ctx
                .prior
                .get("latest_report")
                .cloned()
                .unwrap_or(Value::Null);
            crate::common::set(plan, "latest_report", report);
        }
    }

    async fn read(call: &Call<'_>, prior: &Settings) -> Result<Option<Settings>, ReadError> {
        let Some(config) = call.client.inspect_config(call.id(), call.cancel).await? else {
            return Ok(None);
        };
        let report = call
            .client
            .latest_inspect_report(call.id(), call.cancel)
            .await?;
        Ok(Some(Settings::from_api(config, prior, report)))
    }

    async fn apply(
        call: &Call<'_>,
        settings: &Settings,
        _prior: Option<&Settings>,
    ) -> Result<Settings, ApiError> {
        let id = call.id();
        let schedule = settings.schedule.clone().unwrap_or_default();
        // A configuration already there (a create whose answer was lost) is updated.
        match call.client.inspect_config(id, call.cancel).await? {
            None => {
                let req = CreateInspectConfig {
                    enabled: settings.enabled(),
                    recurrence: schedule,
                    disabled_check_items: settings.items(),
                };
                call.client
                    .create_inspect_config(id, &req, call.cancel)
                    .await?;
            }
            Some(_) => {
                let req = UpdateInspectConfig {
                    enabled: Some(settings.enabled()),
                    schedule_time: Some(schedule),
                    disabled_check_items: Some(settings.items()),
                };
                call.client
                    .update_inspect_config(id, &req, call.cancel)
                    .await?;
            }
        }
        let now = call
            .client
            .inspect_config(id, call.cancel)
            .await?
            .unwrap_or_default();
        let report = call.client.latest_inspect_report(id, call.cancel).await?;
        Ok(Settings::from_api(now, settings, report))
    }

    async fn reset(call: &Call<'_, str>, _settings: &Settings) -> Result<(), ApiError> {
        call.client
            .delete_inspect_config(call.id(), call.cancel)
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_is_valid_and_schedules_compare_by_meaning() {
        let schema = super::super::feature::schema::<Inspection>();
        assert_eq!(
            tfplugin::schema::check_schema(&schema.block),
            Vec::<String>::new()
        );
        assert!(same_schedule(
            "FREQ=DAILY;BYHOUR=3;BYMINUTE=0",
            "BYMINUTE=00;BYHOUR=03;FREQ=DAILY"
        ));
        assert!(!same_schedule(
            "FREQ=DAILY;BYHOUR=3;BYMINUTE=0",
            "FREQ=DAILY;BYHOUR=4;BYMINUTE=0"
        ));
        let prior = Settings {
            schedule: Some("FREQ=DAILY;BYHOUR=3;BYMINUTE=0".into()),
            ..Default::default()
        };
        let api = ack_api::model::InspectConfig {
            enabled: true,
            recurrence: "BYHOUR=3;BYMINUTE=0;FREQ=DAILY".into(),
            disabled_check_items: vec![],
        };
        let s = Settings::from_api(api, &prior, None);
        assert_eq!(s.schedule, prior.schedule);
        assert_eq!(s.disabled_check_items, None);
    }
}
