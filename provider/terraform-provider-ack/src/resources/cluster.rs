//! `ack_cluster`: a managed Kubernetes cluster, ACK Standard or ACK Pro.
//!
//! Order: schema, plan (modify_plan), create, read, update, delete, import,
//! helpers, tests.

use std::sync::Arc;
use std::time::Duration;

use ack_api::edition::{self, Feature};
use ack_api::model::{
    ClusterDetail, CreateClusterRequest, MaintenanceWindow, ModifyClusterRequest,
};
use ack_api::versions;
use async_trait::async_trait;
use tfplugin::framework::*;
use tfplugin::modifiers::{RequiresReplace, UseStateForUnknown};
use tfplugin::validators::{Check, OneOf};
use tfplugin::{
    Attribute, AttributePath, Block, Diagnostic, Diagnostics, Nesting, Schema, Type, Value,
};

use crate::common::{self, api_diag, at, set, str_attr};
use crate::provider::Shared;
use crate::resources::quota;

pub struct ClusterResource {
    pub shared: Arc<Shared>,
}

const CREATE_TIMEOUT: Duration = Duration::from_secs(30 * 60);
const UPDATE_TIMEOUT: Duration = Duration::from_secs(60 * 60);
const DELETE_TIMEOUT: Duration = Duration::from_secs(30 * 60);

fn computed_known(name: &str, ty: Type, description: &str) -> Attribute {
    Attribute::new(name, ty).computed().description(description)
}

#[async_trait]
impl Resource for ClusterResource {
    fn type_name(&self) -> String {
        "ack_cluster".into()
    }

    fn schema(&self) -> Schema {
        let editions = edition::names();
        Schema::new(
            Block::new()
                .description(
                    "A managed Kubernetes cluster, ACK Standard or ACK Pro. Changing `edition` from `standard` to \
                     `pro` upgrades the cluster in place (MigrateCluster); the way back is refused at plan time.",
                )
                .attribute(
                    Attribute::string("id")
                        .computed()
                        .description("Cluster ID, e.g. `c82e6987e2961451182edacd74faf3d4`. Import with it.")
                        .plan_modifier(UseStateForUnknown),
                )
                .attribute(
                    Attribute::string("name")
                        .required()
                        .description("Cluster name, unique in the region: 1-63 letters, digits, `-` or `_`, starting with a letter or digit. Renaming happens in place.")
                        .validator(crate::validation::name()),
                )
                .attribute(
                    Attribute::string("edition")
                        .default_value("standard")
                        .description(format!(
                            "Cluster edition: `standard` (ACK Standard) or `pro` (ACK Pro). Default `standard`. \
                             `standard` → `pro` is an in-place upgrade; `pro` → `standard` is not possible. Allowed: {}.",
                            editions.iter().map(|e| format!("`{e}`")).collect::<Vec<_>>().join(", ")
                        ))
                        .validator(OneOf::new(editions)),
                )
                .attribute(
                    Attribute::string("kubernetes_version")
                        .optional()
                        .computed()
                        .description(format!(
                            "Kubernetes version, e.g. `{}`. Default: the service's default for new clusters. Upgrades happen in place, one minor version at a time; downgrades and skipped minor versions are refused at plan time. Offered: {}.",
                            versions::DEFAULT,
                            versions::SUPPORTED.map(|v| format!("`{v}`")).join(", ")
                        ))
                        .validator(Check::new("An offered Kubernetes version.", |v: &Value| {
                            let s = v.as_str().unwrap_or_default();
                            if versions::is_supported(s) {
                                Ok(())
                            } else {
                                Err(versions::UpgradeError::Unsupported(s.to_owned()).to_string())
                            }
                        })),
                )
                .attribute(
                    Attribute::new("vswitch_ids", Type::list(Type::String))
                        .optional()
                        .computed()
                        .description("IDs of the vSwitches (`vsw-…`) of the control plane, 1 to 5. Default: chosen by the service. Changing them replaces the cluster.")
                        .plan_modifier(UseStateForUnknown)
                        .plan_modifier(RequiresReplace)
                        .validator(crate::validation::vswitch_ids()),
                )
                .attribute(
                    Attribute::string("service_cidr")
                        .optional()
                        .computed()
                        .description("CIDR block of Kubernetes services, e.g. `172.21.0.0/20`; must not overlap `pod_cidr`. Default: chosen by the service. Changing it replaces the cluster.")
                        .plan_modifier(UseStateForUnknown)
                        .plan_modifier(RequiresReplace)
                        .validator(crate::validation::cidr()),
                )
                .attribute(
                    Attribute::string("pod_cidr")
                        .optional()
                        .computed()
                        .description("CIDR block of pods (`container_cidr` in the API), e.g. `172.20.0.0/16`; must not overlap `service_cidr`. Default: chosen by the service. Changing it replaces the cluster.")
                        .plan_modifier(UseStateForUnknown)
                        .plan_modifier(RequiresReplace)
                        .validator(crate::validation::cidr()),
                )
                .attribute(
                    Attribute::bool("deletion_protection")
                        .default_value(false)
                        .description("Refuse to delete the cluster. While `true`, a planned destroy fails at plan time. Default `false`. Changes in place."),
                )
                .attribute(
                    Attribute::nested(
                        "maintenance_window",
                        Nesting::Single,
                        vec![
                            Attribute::string("maintenance_time").required().description("Start of the window, UTC, e.g. `03:00:00Z`.").validator(crate::validation::maintenance_time()),
                            Attribute::string("duration").required().description("Length of the window, e.g. `3h`.").validator(crate::validation::maintenance_duration()),
                            Attribute::string("weekly_period").required().description("Days of the window, e.g. `Monday,Thursday`.").validator(crate::validation::weekly_period()),
                        ],
                    )
                    .optional()
                    .description("Maintenance window for automatic operations (ACK Pro only; refused at plan time on `standard`). Changes in place."),
                )
                .attribute(
                    Attribute::new("tags", common::map_type())
                        .optional()
                        .description("Tags of the cluster; the `acklabs:` key prefix is reserved for the provider's bookkeeping. Changes in place.")
                        .validator(crate::validation::tags()),
                )
                .attribute(computed_known("sla", Type::String, "API server availability commitment of the edition, e.g. `99.95%`. Known at plan time."))
                .attribute(computed_known("sla_compensation", Type::Bool, "Whether the SLA comes with compensation. Known at plan time."))
                .attribute(computed_known("max_nodes", Type::Number, "Node limit of the edition for this cluster. Known at plan time."))
                .attribute(computed_known("api_server_autoscaling", Type::Bool, "Whether the API server scales with load. Known at plan time."))
                .attribute(computed_known("etcd_disk_encryption", Type::Bool, "Whether etcd disks are encrypted. Known at plan time."))
                .attribute(
                    Attribute::string("state")
                        .computed()
                        .description("Cluster state reported by the service, e.g. `running`.")
                        .plan_modifier(UseStateForUnknown),
                )
                .attribute(
                    Attribute::string("api_server_endpoint")
                        .computed()
                        .description("Public URL of the Kubernetes API server.")
                        .plan_modifier(UseStateForUnknown),
                )
                .attribute(
                    Attribute::string("created_at")
                        .computed()
                        .description("When the cluster was created (RFC 3339).")
                        .plan_modifier(UseStateForUnknown),
                )
                .block(common::timeouts_block("30m", "60m", "30m")),
        )
    }

    async fn validate(&self, req: &ValidateRequest) -> Diagnostics {
        let mut d = Diagnostics::new();
        crate::validation::disjoint_cidrs(&req.config, &mut d);
        d
    }

    async fn modify_plan(&self, req: &ModifyPlanRequest, resp: &mut ModifyPlanResponse) {
        if resp.is_destroy() {
            let name = str_attr(&req.prior_state, "name").unwrap_or_default();
            if let Some(d) = deletion_protected(&req.prior_state) {
                resp.diagnostics.push(d);
            }
            self.shared
                .registry
                .destroy_cluster(name, str_attr(&req.prior_state, "id"));
            return;
        }
        let plan = &mut resp.plan;
        let planned_edition = str_attr(plan, "edition").and_then(edition::by_name);
        if let Some(ed) = planned_edition {
            if !req.is_create() {
                if let Some(prior) =
                    str_attr(&req.prior_state, "edition").and_then(edition::by_name)
                {
                    if let Err(e) = edition::check_change(prior, ed) {
                        resp.diagnostics.push(at(
                            Diagnostic::error("Edition cannot be changed back", e.to_string()),
                            "edition",
                        ));
                    }
                }
            }
            set(plan, "sla", ed.sla);
            set(plan, "sla_compensation", ed.sla_compensation);
            set(plan, "max_nodes", i64::from(ed.max_nodes));
            set(plan, "api_server_autoscaling", ed.api_server_autoscaling);
            set(plan, "etcd_disk_encryption", ed.etcd_disk_encryption);
            if plan.get("maintenance_window").is_some_and(|m| !m.is_null()) {
                if let Err(e) = ed.require(Feature::MaintenanceWindow) {
                    resp.diagnostics.push(at(
                        Diagnostic::error("Maintenance window needs ACK Pro", e.to_string()),
                        "maintenance_window",
                    ));
                }
            }
        }
        if let Some(name) = str_attr(plan, "name") {
            let id = str_attr(&req.prior_state, "id").map(str::to_owned);
            self.shared.registry.plan_cluster(name, planned_edition, id);
            if req.is_create() {
                quota::check_new_cluster(&self.shared, &req.ctx.cancel, &mut resp.diagnostics)
                    .await;
            }
        }
        // Version: known at plan time when derivable; upgrades one minor at a time.
        let configured = req
            .config
            .get("kubernetes_version")
            .cloned()
            .unwrap_or_default();
        if configured.is_null() {
            let v = if req.is_create() {
                Value::from(versions::DEFAULT)
            } else {
                req.prior_state
                    .get("kubernetes_version")
                    .cloned()
                    .unwrap_or_default()
            };
            set(plan, "kubernetes_version", v);
        } else if let (Some(from), Some(to)) = (
            str_attr(&req.prior_state, "kubernetes_version"),
            configured.as_str(),
        ) {
            if let Err(e) = versions::check_upgrade(from, to) {
                resp.diagnostics.push(at(
                    Diagnostic::error("Kubernetes version change not possible", e.to_string()),
                    "kubernetes_version",
                ));
            }
        }
    }

    async fn create(&self, req: CreateRequest) -> ApplyResponse {
        let client = match common::client(&self.shared) {
            Ok(c) => c,
            Err(d) => return ApplyResponse::error(d),
        };
        let plan = &req.plan;
        let ed = str_attr(plan, "edition")
            .and_then(edition::by_name)
            .unwrap_or(edition::get(edition::EditionId::Standard));
        let body = CreateClusterRequest {
            name: str_attr(plan, "name").unwrap_or_default().to_owned(),
            region_id: client.region().to_owned(),
            cluster_type: "ManagedKubernetes".into(),
            profile: Some("Default".into()),
            cluster_spec: Some(ed.cluster_spec.into()),
            kubernetes_version: str_attr(plan, "kubernetes_version").map(str::to_owned),
            vswitch_ids: plan
                .get("vswitch_ids")
                .and_then(common::string_list)
                .unwrap_or_default(),
            container_cidr: str_attr(plan, "pod_cidr").map(str::to_owned),
            service_cidr: str_attr(plan, "service_cidr").map(str::to_owned),
            deletion_protection: plan.get("deletion_protection").and_then(Value::as_bool),
            encryption_provider_key: None,
            vpcid: None,
            maintenance_window: maintenance_window(plan),
            tags: common::tags_to_api(plan.get("tags").unwrap_or(&Value::Null)),
        };
        let cancel = &req.ctx.cancel;
        let over = quota::at_apply(&self.shared, client, None, cancel).await;
        if over.has_errors() {
            return ApplyResponse {
                diagnostics: over,
                ..Default::default()
            };
        }
        let token = uuid::Uuid::new_v4().to_string();
        let timeout = common::timeout(plan, "create", CREATE_TIMEOUT);
        let client = client.until(timeout);
        let id = match client.create_cluster(&body, &token, cancel).await {
            Ok((id, _)) => id,
            Err(e) => return ApplyResponse::error(api_diag("create the cluster", &e)),
        };
        // From here on the cluster exists: always hand its ID back.
        let mut partial = plan.clone();
        set(&mut partial, "id", id.as_str());
        match client.wait_running(&id, timeout, cancel).await {
            Ok(detail) => ApplyResponse::ok(state_from(&detail, plan), req.private),
            Err(e) => {
                fill_unknowns(&mut partial);
                // Interrupted: the cluster is recorded as it is, not tainted
                // (a half-created cluster is finished by the service, and
                // replacing it would throw that work away).
                let diagnostic = if e == ack_client::Error::Cancelled {
                    Diagnostic::warning(
                        "Cluster creation interrupted",
                        format!(
                            "Terraform was interrupted while cluster {id} was being created. The cluster exists \
                             and is recorded in the state; the next plan reads its state from the service."
                        ),
                    )
                } else {
                    api_diag("wait for the new cluster", &e)
                };
                ApplyResponse {
                    state: partial,
                    private: req.private,
                    diagnostics: diagnostic.into(),
                }
            }
        }
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
        let id = str_attr(&req.state, "id").unwrap_or_default().to_owned();
        match client.describe_cluster(&id, &req.ctx.cancel).await {
            Ok(Some(detail)) if detail.state != "deleting" => ReadResponse {
                state: state_from(&detail, &req.state),
                private: req.private,
                diagnostics: Diagnostics::new(),
            },
            Ok(_) => ReadResponse {
                state: Value::Null,
                private: req.private,
                diagnostics: Diagnostics::new(),
            },
            Err(e) => ReadResponse {
                state: req.state,
                private: req.private,
                diagnostics: api_diag("read the cluster", &e).into(),
            },
        }
    }

    async fn update(&self, req: UpdateRequest) -> ApplyResponse {
        let client = match common::client(&self.shared) {
            Ok(c) => c,
            Err(d) => return ApplyResponse::error(d),
        };
        let (plan, prior, cancel) = (&req.plan, &req.prior_state, &req.ctx.cancel);
        let id = str_attr(prior, "id").unwrap_or_default().to_owned();
        let timeout = common::timeout(plan, "update", UPDATE_TIMEOUT);
        let client = client.until(timeout);
        let fail = |what: &str, e: &ack_client::Error| ApplyResponse {
            state: prior.clone(),
            private: req.private.clone(),
            diagnostics: api_diag(what, e).into(),
        };
        let changed = |name: &str| plan.get(name) != prior.get(name);

        // 1. ModifyCluster: name, deletion protection, maintenance window.
        if changed("name") || changed("deletion_protection") || changed("maintenance_window") {
            let body = ModifyClusterRequest {
                cluster_name: changed("name")
                    .then(|| str_attr(plan, "name").unwrap_or_default().to_owned()),
                deletion_protection: plan
                    .get("deletion_protection")
                    .and_then(Value::as_bool)
                    .filter(|_| changed("deletion_protection")),
                maintenance_window: changed("maintenance_window")
                    .then(|| maintenance_window(plan).unwrap_or_default()),
            };
            if let Err(e) = client.modify_cluster(&id, &body, cancel).await {
                return fail("modify the cluster", &e);
            }
            if let Err(e) = client.wait_running(&id, timeout, cancel).await {
                return fail("wait for the cluster update", &e);
            }
        }
        // 2. Tags.
        if changed("tags") {
            let tags = common::tags_to_api(plan.get("tags").unwrap_or(&Value::Null));
            let r = client.set_tags(&id, &tags, cancel).await;
            if let Err(e) = r {
                return fail("update the cluster tags", &e);
            }
            if let Err(e) = client.wait_running(&id, timeout, cancel).await {
                return fail("wait for the tag update", &e);
            }
        }
        // 3. Standard → pro, in place.
        if changed("edition") && str_attr(plan, "edition") == Some("pro") {
            if let Err(e) = client.migrate_to_pro(&id, cancel).await {
                return fail("upgrade the cluster to ACK Pro", &e);
            }
            if let Err(e) = client.wait_running(&id, timeout, cancel).await {
                return fail("wait for the upgrade to ACK Pro", &e);
            }
        }
        // 4. Kubernetes version.
        if changed("kubernetes_version") {
            if let Some(v) = str_attr(plan, "kubernetes_version") {
                if let Err(e) = client.upgrade_cluster(&id, v, cancel).await {
                    return fail("upgrade Kubernetes", &e);
                }
                if let Err(e) = client.wait_running(&id, timeout, cancel).await {
                    return fail("wait for the Kubernetes upgrade", &e);
                }
            }
        }
        match client.describe_cluster(&id, cancel).await {
            Ok(Some(detail)) => ApplyResponse::ok(state_from(&detail, plan), req.private),
            Ok(None) => fail(
                "read the cluster after the update",
                &ack_client::Error::Failed(format!("cluster {id} disappeared")),
            ),
            Err(e) => fail("read the cluster after the update", &e),
        }
    }

    async fn delete(&self, req: DeleteRequest) -> Diagnostics {
        // Clients that delete without planning first (Pulumi's Terraform
        // bridge) get the plan's refusal here, before any API call.
        if let Some(d) = deletion_protected(&req.state) {
            return d.into();
        }
        let client = match common::client(&self.shared) {
            Ok(c) => c,
            Err(d) => return d.into(),
        };
        let id = str_attr(&req.state, "id").unwrap_or_default().to_owned();
        let cancel = &req.ctx.cancel;
        let timeout = common::timeout(&req.state, "delete", DELETE_TIMEOUT);
        let client = client.until(timeout);
        if let Err(e) = client.delete_cluster(&id, cancel).await {
            return api_diag("delete the cluster", &e).into();
        }
        // Clients that delete without planning (Pulumi's bridge) must leave
        // the registry right too.
        self.shared
            .registry
            .destroy_cluster(str_attr(&req.state, "name").unwrap_or_default(), Some(&id));
        match client
            .wait_cluster(&id, "the cluster to be deleted", timeout, cancel, |c| {
                Ok(c.is_none())
            })
            .await
        {
            Ok(_) => Diagnostics::new(),
            Err(e) => api_diag("wait for the cluster deletion", &e).into(),
        }
    }

    async fn import(&self, req: ImportRequest) -> ImportResponse {
        let id = req.id.trim();
        if !(id.len() == 33
            && id.starts_with('c')
            && id[1..].bytes().all(|b| b.is_ascii_hexdigit()))
        {
            return ImportResponse::error(Diagnostic::error(
                "Invalid import ID",
                format!("{id:?} is not a cluster ID. Import ack_cluster with its ID, e.g. `terraform import ack_cluster.main c82e6987e2961451182edacd74faf3d4`."),
            ));
        }
        ImportResponse {
            state: Value::object([("id", Value::from(id))]),
            ..Default::default()
        }
    }
}

// ------------------------------------------------------------------ helpers

fn maintenance_window(v: &Value) -> Option<MaintenanceWindow> {
    let m = v.get("maintenance_window").filter(|m| !m.is_null())?;
    Some(MaintenanceWindow {
        enable: true,
        maintenance_time: str_attr(m, "maintenance_time")
            .unwrap_or_default()
            .to_owned(),
        duration: str_attr(m, "duration").unwrap_or_default().to_owned(),
        weekly_period: str_attr(m, "weekly_period").unwrap_or_default().to_owned(),
    })
}

/// Values the provider could not learn stay null rather than unknown.
fn fill_unknowns(v: &mut Value) {
    let mut found = Vec::new();
    tfplugin::plan::strip_unknowns(v, &AttributePath::root(), &mut found);
}

/// The resource's state from the API's view of the cluster. `prior` gives
/// what the API does not keep (timeouts) and how absent values were written.
pub fn state_from(d: &ClusterDetail, prior: &Value) -> Value {
    let ed = edition::by_cluster_spec(&d.cluster_spec)
        .unwrap_or(edition::get(edition::EditionId::Standard));
    let endpoint = serde_json::from_str::<serde_json::Value>(&d.master_url)
        .ok()
        .and_then(|m| m["api_server_endpoint"].as_str().map(str::to_owned))
        .unwrap_or_default();
    let mw = &d.maintenance_window;
    let maintenance = if mw.enable {
        Value::object([
            (
                "maintenance_time",
                Value::from(mw.maintenance_time.as_str()),
            ),
            ("duration", Value::from(mw.duration.as_str())),
            ("weekly_period", Value::from(mw.weekly_period.as_str())),
        ])
    } else {
        Value::Null
    };
    Value::object([
        ("id", Value::from(d.cluster_id.as_str())),
        ("name", Value::from(d.name.as_str())),
        ("edition", Value::from(ed.name)),
        (
            "kubernetes_version",
            Value::from(d.current_version.as_str()),
        ),
        ("vswitch_ids", common::list_value(&d.vswitch_ids)),
        ("service_cidr", Value::from(d.service_cidr.as_str())),
        ("pod_cidr", Value::from(d.container_cidr.as_str())),
        ("deletion_protection", Value::from(d.deletion_protection)),
        ("maintenance_window", maintenance),
        (
            "tags",
            common::tags_from_api(&d.tags, prior.get("tags").unwrap_or(&Value::Null)),
        ),
        ("sla", Value::from(ed.sla)),
        ("sla_compensation", Value::from(ed.sla_compensation)),
        ("max_nodes", Value::from(i64::from(ed.max_nodes))),
        (
            "api_server_autoscaling",
            Value::from(ed.api_server_autoscaling),
        ),
        ("etcd_disk_encryption", Value::from(ed.etcd_disk_encryption)),
        ("state", Value::from(d.state.as_str())),
        ("api_server_endpoint", Value::from(endpoint)),
        ("created_at", Value::from(d.created.as_str())),
        (
            "timeouts",
            prior.get("timeouts").cloned().unwrap_or_default(),
        ),
    ])
}

/// The refusal to destroy a cluster whose state has deletion protection on:
/// the same diagnostic at plan (destroy planned) and at apply (a delete that
/// was never planned).
fn deletion_protected(state: &Value) -> Option<Diagnostic> {
    if state.get("deletion_protection").and_then(Value::as_bool) != Some(true) {
        return None;
    }
    let name = str_attr(state, "name").unwrap_or_default();
    Some(at(
        Diagnostic::error(
            "Cluster has deletion protection",
            format!(
                "ack_cluster {name:?} has deletion_protection = true, so it cannot be destroyed. Set \
                 deletion_protection = false and apply first, then destroy."
            ),
        ),
        "deletion_protection",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_is_valid_and_described() {
        let r = ClusterResource {
            shared: Arc::default(),
        };
        assert_eq!(
            tfplugin::schema::check_schema(&r.schema().block),
            Vec::<String>::new()
        );
    }

    #[test]
    fn state_hides_bookkeeping_and_derives_the_edition() {
        let d = ClusterDetail {
            cluster_id: "c1".into(),
            name: "x".into(),
            cluster_spec: "ack.pro.small".into(),
            state: "running".into(),
            master_url: r#"{"api_server_endpoint":"https://1.2.3.4:6443"}"#.into(),
            tags: vec![ack_api::model::Tag {
                key: ack_client::CREATE_TOKEN_TAG.into(),
                value: "t".into(),
            }],
            ..Default::default()
        };
        let s = state_from(&d, &Value::Null);
        assert_eq!(str_attr(&s, "edition"), Some("pro"));
        assert_eq!(str_attr(&s, "sla"), Some("99.95%"));
        assert_eq!(s.get("tags"), Some(&Value::Null));
        assert_eq!(
            str_attr(&s, "api_server_endpoint"),
            Some("https://1.2.3.4:6443")
        );
    }
}
