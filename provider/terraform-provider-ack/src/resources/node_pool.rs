//! `ack_node_pool`: a node pool of a cluster, referenced by `cluster_name`.
//!
//! Order: schema, plan (modify_plan), create, read, update, delete, import,
//! helpers, tests.

use std::sync::Arc;
use std::time::Duration;

use ack_api::edition::Feature;
use ack_api::model::{
    AutoScaling, KubernetesConfig, Management, NodePoolDetail, NodePoolInfo, NodePoolRequest,
    ScalingGroup, Tag, Taint, UpgradeConfig,
};
use ack_client::Until;
use async_trait::async_trait;
use tfplugin::framework::*;
use tfplugin::modifiers::UseStateForUnknown;
use tfplugin::validators::{IntBetween, OneOf};
use tfplugin::{
    Attribute, AttributePath, Block, Diagnostic, Diagnostics, Nesting, Schema, Type, Value,
};

use crate::common::{self, api_diag, at, set, str_attr};
use crate::provider::Shared;
use crate::registry::PoolKey;
use crate::resources::dependent::{self, Need};
use crate::resources::quota;

pub struct NodePoolResource {
    pub shared: Arc<Shared>,
}

const CREATE_TIMEOUT: Duration = Duration::from_secs(30 * 60);
const UPDATE_TIMEOUT: Duration = Duration::from_secs(30 * 60);
const DELETE_TIMEOUT: Duration = Duration::from_secs(30 * 60);

/// Node label carrying `accelerator` (the API has no field for it).
const ACCELERATOR_LABEL: &str = "acklabs.io/accelerator";

#[async_trait]
impl Resource for NodePoolResource {
    fn type_name(&self) -> String {
        "ack_node_pool".into()
    }

    fn schema(&self) -> Schema {
        Schema::new(
            Block::new()
                .description("A node pool of a cluster. Sizes, instance types, labels, taints and managed settings change in place.")
                .attribute(Attribute::string("id").computed().description("`<cluster_id>:<node_pool_id>`; the import ID.").plan_modifier(UseStateForUnknown))
                .attribute(Attribute::string("cluster_name").required().description(
                    "Name of the cluster, usually `ack_cluster.<name>.name`. Known at plan time even for a new cluster, so the pool is checked against the cluster's planned edition. Pointing it at another cluster replaces the pool; renaming the same cluster does not.",
                ).validator(crate::validation::cluster_reference()))
                .attribute(Attribute::string("name").required().description("Node pool name, unique in the cluster: 1-63 letters, digits, `-` or `_`. Renaming happens in place.").validator(crate::validation::name()))
                .attribute(
                    Attribute::new("instance_types", Type::list(Type::String))
                        .required()
                        .description("ECS instance types, 1 to 10, e.g. `[\"ecs.g7.xlarge\"]`. Changes in place.")
                        .validator(crate::validation::instance_types()),
                )
                .attribute(Attribute::number("desired_size").optional().description("Number of nodes, 0-1000, when not autoscaling. Exactly one of `desired_size` and `autoscaling`. Changes in place.").validator(IntBetween(0, 1000)))
                .attribute(
                    Attribute::nested(
                        "autoscaling",
                        Nesting::Single,
                        vec![
                            Attribute::number("min_size").required().description("Fewest nodes, 0-1000.").validator(IntBetween(0, 1000)),
                            Attribute::number("max_size").required().description("Most nodes, 1-2000; counts against the edition's node limit.").validator(IntBetween(1, 2000)),
                        ],
                    )
                    .optional()
                    .description("Let the cluster autoscaler size the pool. Exactly one of `desired_size` and `autoscaling`. Changes in place."),
                )
                .attribute(Attribute::string("accelerator").default_value("none").description("Accelerator of the nodes: `none`, `gpu` or `npu`. Default `none`. Changes in place.").validator(OneOf::new(["none", "gpu", "npu"])))
                .attribute(
                    Attribute::new("labels", common::map_type())
                        .optional()
                        .description("Kubernetes labels of the nodes; keys and values follow Kubernetes' rules, and the `acklabs.io/` prefix is reserved for the provider. Changes in place.")
                        .validator(crate::validation::labels()),
                )
                .attribute(
                    Attribute::nested(
                        "taints",
                        Nesting::List,
                        vec![
                            Attribute::string("key").required().description("Taint key, e.g. `dedicated` or `example.com/gpu`.").validator(crate::validation::taint_key()),
                            Attribute::string("value").optional().description("Taint value, e.g. `gpu`; may be left out.").validator(crate::validation::taint_value()),
                            Attribute::string("effect").required().description("`NoSchedule`, `PreferNoSchedule` or `NoExecute`.").validator(crate::validation::taint_effect()),
                        ],
                    )
                    .optional()
                    .description("Kubernetes taints of the nodes, at most one per key and effect. Changes in place.")
                    .validator(crate::validation::DistinctTaints),
                )
                .attribute(
                    Attribute::nested(
                        "managed",
                        Nesting::Single,
                        vec![
                            Attribute::bool("auto_repair").default_value(true).description("Repair failed nodes automatically. Default `true`."),
                            Attribute::bool("auto_upgrade").default_value(true).description("Upgrade kubelet automatically. Default `true`."),
                            Attribute::bool("auto_vul_fix").default_value(true).description("Patch CVEs automatically. Default `true`."),
                            Attribute::number("max_unavailable").default_value(1).description("Nodes that may be unavailable at once during maintenance, 1-1000. Default `1`.").validator(IntBetween(1, 1000)),
                        ],
                    )
                    .optional()
                    .description("Managed node pool: automatic repair, upgrades and CVE fixes (ACK Pro only; refused at plan time on `standard`). Changes in place."),
                )
                .attribute(Attribute::string("cluster_id").computed().description("ID of the cluster the pool belongs to."))
                .attribute(Attribute::string("node_pool_id").computed().description("Node pool ID.").plan_modifier(UseStateForUnknown))
                .attribute(Attribute::number("node_count").computed().description("Nodes in the pool. Known at plan time for a fixed `desired_size`."))
                .attribute(Attribute::string("state").computed().description("Pool state reported by the service, e.g. `active`.").plan_modifier(UseStateForUnknown))
                .block(common::timeouts_block("30m", "30m", "30m")),
        )
    }

    async fn validate(&self, req: &ValidateRequest) -> Diagnostics {
        let size = req.config.get("desired_size").cloned().unwrap_or_default();
        let auto = req.config.get("autoscaling").cloned().unwrap_or_default();
        let mut d = Diagnostics::new();
        if !size.is_unknown() && !auto.is_unknown() && size.is_null() == auto.is_null() {
            d.push(at(Diagnostic::error("Set exactly one of desired_size and autoscaling", "A node pool has a fixed `desired_size` or an `autoscaling { min_size max_size }` block, not both and not neither."), "desired_size"));
        }
        if let (Some(min), Some(max)) = (
            auto.get("min_size").and_then(Value::as_i64),
            auto.get("max_size").and_then(Value::as_i64),
        ) {
            if min > max {
                d.push(
                    Diagnostic::error(
                        "Invalid autoscaling range",
                        format!("min_size ({min}) is larger than max_size ({max})."),
                    )
                    .at(AttributePath::attr("autoscaling").push_attr("min_size")),
                );
            }
        }
        d
    }

    async fn modify_plan(&self, req: &ModifyPlanRequest, resp: &mut ModifyPlanResponse) {
        let registry = &self.shared.registry;
        let prior_id = str_attr(&req.prior_state, "node_pool_id").map(str::to_owned);
        if resp.is_destroy() {
            if let Some(np) = prior_id {
                registry.destroy_pool(PoolKey::Id(np));
            }
            return;
        }
        let Some(cluster_name) = str_attr(&resp.plan, "cluster_name").map(str::to_owned) else {
            return;
        };
        let pool_name = str_attr(&resp.plan, "name").unwrap_or_default().to_owned();
        let mut cluster =
            dependent::resolve(&self.shared, &cluster_name, Need::Pools, &req.ctx.cancel).await;
        resp.diagnostics
            .extend(std::mem::take(&mut cluster.warnings));
        dependent::plan_cluster_id(req, resp, &cluster);
        for (feature, attr) in wanted(&resp.plan) {
            dependent::require(resp, &cluster, feature, attr);
        }
        // Node limit: this pool's planned size, the cluster's other pools as
        // planned in this run, and those that exist and the plan leaves alone.
        // Keyed by pool ID where the pool exists, so renames and moves count once.
        let key = match prior_id {
            Some(np) => PoolKey::Id(np),
            None => PoolKey::New {
                cluster: cluster_name.clone(),
                name: pool_name.clone(),
            },
        };
        registry.plan_pool(key, &cluster_name, &pool_name, planned_nodes(&resp.plan));
        let Some(pools) = &cluster.pools else {
            return;
        };
        registry.pools_exist(&cluster_name, pools);
        let totals = registry.pool_totals(&cluster_name);
        if let (Some(ed), Some(total)) = (cluster.edition, totals.nodes) {
            if let Err(e) = ed.check_nodes(total) {
                let attr = if resp.plan.get("autoscaling").is_some_and(|a| !a.is_null()) {
                    AttributePath::attr("autoscaling").push_attr("max_size")
                } else {
                    AttributePath::attr("desired_size")
                };
                resp.diagnostics.push(
                    Diagnostic::error(
                        "Node limit of the cluster's edition exceeded",
                        format!(
                            "The node pools of cluster {cluster_name:?} would have {total} nodes. {e}"
                        ),
                    )
                    .at(attr),
                );
            }
        }
        // Only a pool added to the cluster (created or moved) can exceed the quota.
        let joins = str_attr(&req.prior_state, "cluster_name") != Some(cluster_name.as_str());
        if joins {
            match quota::quotas(&self.shared, &req.ctx.cancel).await {
                Ok(q) => {
                    quota::check_node_pools(&q, &cluster_name, totals.pools, &mut resp.diagnostics)
                }
                Err(warning) => resp.diagnostics.push(warning),
            }
        }
        let plan = &mut resp.plan;
        // node_count is known when the size is fixed.
        if plan.get("autoscaling").is_some_and(Value::is_null) {
            if let Some(n) = plan
                .get("desired_size")
                .filter(|v| !v.is_unknown())
                .cloned()
            {
                set(plan, "node_count", n);
            }
        } else if !req.is_create() && plan.get("autoscaling") == req.prior_state.get("autoscaling")
        {
            set(
                plan,
                "node_count",
                req.prior_state
                    .get("node_count")
                    .cloned()
                    .unwrap_or_default(),
            );
        }
    }

    async fn create(&self, req: CreateRequest) -> ApplyResponse {
        let client = match common::client(&self.shared) {
            Ok(c) => c,
            Err(d) => return ApplyResponse::error(d),
        };
        let (plan, cancel) = (&req.plan, &req.ctx.cancel);
        let timeout = common::timeout(plan, "create", CREATE_TIMEOUT);
        let client = client.until(timeout);
        let cluster_name = str_attr(plan, "cluster_name").unwrap_or_default();
        let cluster = match client.find_cluster(cluster_name, cancel).await {
            Ok(Some(c)) => c,
            Ok(None) => {
                return ApplyResponse::error(at(
                    Diagnostic::error(
                        "Cluster not found",
                        format!(
                            "No cluster named {cluster_name:?} exists in the provider's region."
                        ),
                    ),
                    "cluster_name",
                ))
            }
            Err(e) => return ApplyResponse::error(api_diag("look up the cluster", &e)),
        };
        if let Err(diagnostics) = dependent::require_at_apply(&cluster, &wanted(plan)) {
            return ApplyResponse {
                diagnostics,
                ..Default::default()
            };
        }
        let cid = cluster.cluster_id.as_str();
        let over = quota::at_apply(&self.shared, &client, Some((cid, cluster_name)), cancel).await;
        if over.has_errors() {
            return ApplyResponse {
                diagnostics: over,
                ..Default::default()
            };
        }
        let token = uuid::Uuid::new_v4().to_string();
        let (np, task) = match client
            .create_node_pool(cid, &request(plan), &token, cancel)
            .await
        {
            Ok(r) => r,
            Err(e) => return ApplyResponse::error(api_diag("create the node pool", &e)),
        };
        // From here on the pool exists: always hand its ID back.
        match client
            .wait_node_pool(cid, &np, Until::Active, task.as_deref(), timeout, cancel)
            .await
        {
            Ok(Some(p)) => {
                self.shared.registry.pool_created(
                    cluster_name,
                    &p.nodepool_info.name,
                    &np,
                    planned_nodes(plan),
                );
                ApplyResponse::ok(state_from(cid, cluster_name, &p, plan), req.private)
            }
            Ok(None) => unreachable_state(plan, cid, &np, req.private, None),
            Err(e) => unreachable_state(plan, cid, &np, req.private, Some(&e)),
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
        let cancel = &req.ctx.cancel;
        let cid = str_attr(&req.state, "cluster_id")
            .unwrap_or_default()
            .to_owned();
        let np = str_attr(&req.state, "node_pool_id")
            .unwrap_or_default()
            .to_owned();
        let cluster_name = match str_attr(&req.state, "cluster_name") {
            Some(n) => n.to_owned(),
            None => match client.describe_cluster(&cid, cancel).await {
                Ok(Some(c)) => c.name,
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
            },
        };
        match client.node_pool(&cid, &np, cancel).await {
            Ok(Some(p)) if p.status.state != "deleting" => ReadResponse {
                state: state_from(&cid, &cluster_name, &p, &req.state),
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
                diagnostics: api_diag("read the node pool", &e).into(),
            },
        }
    }

    async fn update(&self, req: UpdateRequest) -> ApplyResponse {
        let client = match common::client(&self.shared) {
            Ok(c) => c,
            Err(d) => return ApplyResponse::error(d),
        };
        let (plan, prior, cancel) = (&req.plan, &req.prior_state, &req.ctx.cancel);
        let timeout = common::timeout(plan, "update", UPDATE_TIMEOUT);
        let client = client.until(timeout);
        let cid = str_attr(prior, "cluster_id").unwrap_or_default().to_owned();
        let np = str_attr(prior, "node_pool_id")
            .unwrap_or_default()
            .to_owned();
        let fail = |what: &str, e: &ack_client::Error| ApplyResponse {
            state: prior.clone(),
            private: req.private.clone(),
            diagnostics: api_diag(what, e).into(),
        };
        // Turning on a pro-only feature: the plan's tier rule again, for
        // clients that apply without planning.
        let asked = wanted(plan);
        if !asked.is_empty() && wanted(prior).is_empty() {
            if let Ok(Some(c)) = client.describe_cluster(&cid, cancel).await {
                if let Err(diagnostics) = dependent::require_at_apply(&c, &asked) {
                    return ApplyResponse {
                        state: prior.clone(),
                        private: req.private.clone(),
                        diagnostics,
                    };
                }
            }
        }
        let settings = [
            "name",
            "instance_types",
            "desired_size",
            "autoscaling",
            "accelerator",
            "labels",
            "taints",
            "managed",
        ];
        let mut task = None;
        if settings.iter().any(|a| plan.get(a) != prior.get(a)) {
            match client
                .modify_node_pool(&cid, &np, &request(plan), cancel)
                .await
            {
                Ok(t) => task = t,
                Err(e) => return fail("update the node pool", &e),
            }
        }
        match client
            .wait_node_pool(&cid, &np, Until::Active, task.as_deref(), timeout, cancel)
            .await
        {
            Ok(Some(p)) => ApplyResponse::ok(
                state_from(
                    &cid,
                    str_attr(plan, "cluster_name").unwrap_or_default(),
                    &p,
                    plan,
                ),
                req.private,
            ),
            Ok(None) => fail(
                "read the node pool",
                &ack_client::Error::Failed(format!("node pool {np} disappeared")),
            ),
            Err(e) => fail("wait for the node pool update", &e),
        }
    }

    async fn delete(&self, req: DeleteRequest) -> Diagnostics {
        let client = match common::client(&self.shared) {
            Ok(c) => c,
            Err(d) => return d.into(),
        };
        let cancel = &req.ctx.cancel;
        let timeout = common::timeout(&req.state, "delete", DELETE_TIMEOUT);
        let client = client.until(timeout);
        let cid = str_attr(&req.state, "cluster_id")
            .unwrap_or_default()
            .to_owned();
        let np = str_attr(&req.state, "node_pool_id")
            .unwrap_or_default()
            .to_owned();
        let task = match client.delete_node_pool(&cid, &np, cancel).await {
            Ok(t) => t,
            Err(e) if e.code() == Some("ErrorClusterNotFound") => None,
            Err(e) => return api_diag("delete the node pool", &e).into(),
        };
        // Clients that delete without planning (Pulumi's bridge) must leave
        // the registry right too: the pool no longer counts anywhere.
        self.shared.registry.pool_deleted(
            str_attr(&req.state, "cluster_name").unwrap_or_default(),
            str_attr(&req.state, "name").unwrap_or_default(),
            &np,
        );
        match client
            .wait_node_pool(&cid, &np, Until::Gone, task.as_deref(), timeout, cancel)
            .await
        {
            Ok(_) => Diagnostics::new(),
            Err(e) => api_diag("wait for the node pool deletion", &e).into(),
        }
    }

    async fn import(&self, req: ImportRequest) -> ImportResponse {
        let Some((cid, np)) = req
            .id
            .trim()
            .split_once(':')
            .filter(|(c, n)| !c.is_empty() && !n.is_empty())
        else {
            return ImportResponse::error(Diagnostic::error("Invalid import ID", format!("{:?} is not `<cluster_id>:<node_pool_id>`, e.g. `terraform import ack_node_pool.workers c82e…:np5b…`.", req.id)));
        };
        ImportResponse {
            state: Value::object([
                ("id", Value::from(format!("{cid}:{np}"))),
                ("cluster_id", Value::from(cid)),
                ("node_pool_id", Value::from(np)),
            ]),
            ..Default::default()
        }
    }
}

// ------------------------------------------------------------------ helpers

/// The answer of a create whose pool exists but did not become active: its
/// IDs, so that Terraform records it. Interrupted by Terraform, the pool is
/// recorded as it is (the next plan reads it); failed or timed out, the
/// diagnostic says why and Terraform marks the pool tainted.
fn unreachable_state(
    plan: &Value,
    cluster_id: &str,
    np: &str,
    private: tfplugin::Private,
    error: Option<&ack_client::Error>,
) -> ApplyResponse {
    let mut partial = plan.clone();
    set(&mut partial, "id", format!("{cluster_id}:{np}"));
    set(&mut partial, "cluster_id", cluster_id);
    set(&mut partial, "node_pool_id", np);
    let mut found = Vec::new();
    tfplugin::plan::strip_unknowns(&mut partial, &AttributePath::root(), &mut found);
    let diagnostic = match error {
        Some(ack_client::Error::Cancelled) => Diagnostic::warning(
            "Node pool creation interrupted",
            format!(
                "Terraform was interrupted while node pool {np} was being created. The pool exists and is \
                 recorded in the state; the next plan reads its state from the service."
            ),
        ),
        Some(e) => api_diag("bring the new node pool to active", e),
        None => Diagnostic::error(
            "Node pool disappeared",
            format!("Node pool {np} was created but is gone; it is tainted and the next apply creates it again."),
        ),
    };
    ApplyResponse {
        state: partial,
        private,
        diagnostics: diagnostic.into(),
    }
}

/// Nodes this pool may run: autoscaling maximum, else desired size; `None` when unknown.
fn planned_nodes(plan: &Value) -> Option<u64> {
    let auto = plan.get("autoscaling")?;
    if auto.is_unknown() {
        return None;
    }
    let n = if auto.is_null() {
        plan.get("desired_size")?.as_i64()?
    } else {
        auto.get("max_size")?.as_i64()?
    };
    u64::try_from(n).ok()
}

fn num(v: &Value, name: &str) -> u64 {
    v.get(name)
        .and_then(Value::as_i64)
        .and_then(|n| u64::try_from(n).ok())
        .unwrap_or(0)
}

/// The API request for a planned pool.
fn request(plan: &Value) -> NodePoolRequest {
    let mut labels = common::tags_to_api(plan.get("labels").unwrap_or(&Value::Null));
    if let Some(acc) = str_attr(plan, "accelerator").filter(|a| *a != "none") {
        labels.push(Tag {
            key: ACCELERATOR_LABEL.into(),
            value: acc.into(),
        });
    }
    let taints = plan
        .get("taints")
        .and_then(Value::as_elements)
        .map(|t| {
            t.iter()
                .map(|x| Taint {
                    key: str_attr(x, "key").unwrap_or_default().into(),
                    value: str_attr(x, "value").unwrap_or_default().into(),
                    effect: str_attr(x, "effect").unwrap_or_default().into(),
                })
                .collect()
        })
        .unwrap_or_default();
    let auto = plan.get("autoscaling").filter(|a| !a.is_null());
    let managed = plan.get("managed").filter(|m| !m.is_null());
    NodePoolRequest {
        nodepool_info: NodePoolInfo {
            name: str_attr(plan, "name").unwrap_or_default().into(),
            ..Default::default()
        },
        scaling_group: ScalingGroup {
            instance_types: plan
                .get("instance_types")
                .and_then(common::string_list)
                .unwrap_or_default(),
            desired_size: if auto.is_some() {
                None
            } else {
                Some(num(plan, "desired_size"))
            },
            ..Default::default()
        },
        kubernetes_config: KubernetesConfig {
            labels,
            taints,
            runtime: String::new(),
        },
        // ModifyClusterNodePool is a partial update: turning autoscaling or
        // management off is said explicitly (`enable: false`), never by
        // leaving the group out.
        auto_scaling: Some(auto.map_or_else(AutoScaling::default, |a| AutoScaling {
            enable: true,
            min_instances: num(a, "min_size"),
            max_instances: num(a, "max_size"),
            scaling_type: if str_attr(plan, "accelerator") == Some("gpu") {
                "gpu".into()
            } else {
                "cpu".into()
            },
        })),
        management: Some(managed.map_or_else(Management::default, |m| {
            Management {
                enable: true,
                auto_repair: m
                    .get("auto_repair")
                    .and_then(Value::as_bool)
                    .unwrap_or(true),
                auto_upgrade: m
                    .get("auto_upgrade")
                    .and_then(Value::as_bool)
                    .unwrap_or(true),
                auto_vul_fix: m
                    .get("auto_vul_fix")
                    .and_then(Value::as_bool)
                    .unwrap_or(true),
                upgrade_config: UpgradeConfig {
                    max_unavailable: num(m, "max_unavailable").max(1),
                },
            }
        })),
    }
}

/// The resource's state from the API's view of the pool.
/// The features a planned pool asks for, with the attribute that asks.
fn wanted(plan: &Value) -> Vec<(Feature, AttributePath)> {
    let managed = plan.get("managed").cloned().unwrap_or_default();
    if managed.is_null() || managed.is_unknown() {
        Vec::new()
    } else {
        vec![(Feature::ManagedNodePools, AttributePath::attr("managed"))]
    }
}

fn state_from(cluster_id: &str, cluster_name: &str, p: &NodePoolDetail, prior: &Value) -> Value {
    let accelerator = p
        .kubernetes_config
        .labels
        .iter()
        .find(|l| l.key == ACCELERATOR_LABEL)
        .map_or("none", |l| l.value.as_str());
    let labels: Vec<Tag> = p
        .kubernetes_config
        .labels
        .iter()
        .filter(|l| l.key != ACCELERATOR_LABEL)
        .cloned()
        .collect();
    let taints = if p.kubernetes_config.taints.is_empty()
        && prior.get("taints").is_none_or(Value::is_null)
    {
        Value::Null
    } else {
        Value::List(
            p.kubernetes_config
                .taints
                .iter()
                .map(|t| {
                    let value = if t.value.is_empty() {
                        Value::Null
                    } else {
                        Value::from(t.value.as_str())
                    };
                    Value::object([
                        ("key", Value::from(t.key.as_str())),
                        ("value", value),
                        ("effect", Value::from(t.effect.as_str())),
                    ])
                })
                .collect(),
        )
    };
    let as_num = |n: u64| Value::from(i64::try_from(n).unwrap_or(i64::MAX));
    let (desired, auto) = if p.auto_scaling.enable {
        (
            Value::Null,
            Value::object([
                ("min_size", as_num(p.auto_scaling.min_instances)),
                ("max_size", as_num(p.auto_scaling.max_instances)),
            ]),
        )
    } else {
        (
            as_num(p.scaling_group.desired_size.unwrap_or(p.status.total_nodes)),
            Value::Null,
        )
    };
    let m = &p.management;
    let managed = if m.enable {
        Value::object([
            ("auto_repair", Value::from(m.auto_repair)),
            ("auto_upgrade", Value::from(m.auto_upgrade)),
            ("auto_vul_fix", Value::from(m.auto_vul_fix)),
            (
                "max_unavailable",
                as_num(m.upgrade_config.max_unavailable.max(1)),
            ),
        ])
    } else {
        Value::Null
    };
    let np = &p.nodepool_info.nodepool_id;
    Value::object([
        ("id", Value::from(format!("{cluster_id}:{np}"))),
        ("cluster_name", Value::from(cluster_name)),
        ("name", Value::from(p.nodepool_info.name.as_str())),
        (
            "instance_types",
            common::list_value(&p.scaling_group.instance_types),
        ),
        ("desired_size", desired),
        ("autoscaling", auto),
        ("accelerator", Value::from(accelerator)),
        (
            "labels",
            common::tags_from_api(&labels, prior.get("labels").unwrap_or(&Value::Null)),
        ),
        ("taints", taints),
        ("managed", managed),
        ("cluster_id", Value::from(cluster_id)),
        ("node_pool_id", Value::from(np.as_str())),
        ("node_count", as_num(p.status.total_nodes)),
        ("state", Value::from(p.status.state.as_str())),
        (
            "timeouts",
            prior.get("timeouts").cloned().unwrap_or_default(),
        ),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_accelerator_label_is_reserved_for_the_provider() {
        assert!(ack_api::rules::label_key(ACCELERATOR_LABEL).is_ok());
        assert!(ack_api::rules::user_label_key(ACCELERATOR_LABEL).is_err());
    }

    #[test]
    fn schema_is_valid_and_described() {
        let r = NodePoolResource {
            shared: Arc::default(),
        };
        assert_eq!(
            tfplugin::schema::check_schema(&r.schema().block),
            Vec::<String>::new()
        );
    }

    #[test]
    fn request_and_state_round_trip() {
        let ty = NodePoolResource {
            shared: Arc::default(),
        }
        .schema()
        .ty();
        let plan = tfplugin::value::serde::to_value(
            &serde_json::json!({
                "cluster_name": "c", "name": "p", "instance_types": ["ecs.g7.xlarge"], "desired_size": 3,
                "accelerator": "gpu", "labels": {"team": "a"},
                "taints": [{"key": "k", "value": null, "effect": "NoSchedule"}],
                "managed": {"auto_repair": true, "auto_upgrade": false, "auto_vul_fix": true, "max_unavailable": 2}
            }),
            &ty,
        )
        .unwrap();
        let req = request(&plan);
        assert!(req
            .kubernetes_config
            .labels
            .iter()
            .any(|l| l.key == ACCELERATOR_LABEL));
        // ModifyClusterNodePool is partial: autoscaling off is said explicitly.
        assert_eq!(req.auto_scaling.as_ref().map(|a| a.enable), Some(false));
        assert_eq!(req.management.as_ref().map(|m| m.enable), Some(true));
        let detail = NodePoolDetail {
            nodepool_info: NodePoolInfo {
                nodepool_id: "np1".into(),
                name: "p".into(),
                pool_type: "ess".into(),
            },
            scaling_group: req.scaling_group.clone(),
            kubernetes_config: req.kubernetes_config.clone(),
            auto_scaling: req.auto_scaling.clone().unwrap_or_default(),
            management: req.management.clone().unwrap_or_default(),
            status: ack_api::model::NodePoolStatus {
                state: "active".into(),
                total_nodes: 3,
                ..Default::default()
            },
        };
        let s = state_from("c1", "c", &detail, &plan);
        for attr in [
            "name",
            "instance_types",
            "desired_size",
            "autoscaling",
            "accelerator",
            "labels",
            "taints",
            "managed",
        ] {
            assert_eq!(s.get(attr), plan.get(attr), "{attr}");
        }
        assert_eq!(planned_nodes(&plan), Some(3));
    }
}
