//! `alicloud_cs_kubernetes_node_pool` → `ack_node_pool` and
//! `alicloud_cs_kubernetes_addon` → `ack_addon`: dependents of a cluster,
//! which alicloud refers to by `cluster_id` and this provider by
//! `cluster_name`.

use hcl_edit::Decorate;

use super::translate::{
    cluster_name_of, inner, inner_bool, list, meta, object, object_lines, text, Note, Out, Source,
};

/// `cluster_name = ack_cluster.X.name` from `cluster_id = alicloud_….X.id`.
fn cluster_name(src: &Source<'_>, clusters: &[String], out: &mut Out, notes: &mut Vec<Note>) {
    match src.attr("cluster_id") {
        Some(a) => match cluster_name_of(&a.value, clusters) {
            Some(name) => out.set("cluster_name", name),
            None => {
                src.note(notes, "cluster_id", format!("`{}` is not a reference to a migrated cluster: set `cluster_name` to the cluster's name", text(&a.value)));
                out.set(
                    "cluster_name",
                    "null # set the cluster's name (was cluster_id)",
                );
            }
        },
        None => src.note(notes, "cluster_id", "missing: set `cluster_name`"),
    }
}

/// The `ack_node_pool` block for `src`.
/// alicloud's node pool arguments that `ack_node_pool` takes as they are
/// (`key_name` → `key_pair`, `runtime_name` → `runtime`).
const SAME_OR_RENAMED: [(&str, &str); 25] = [
    ("kubernetes_version", "kubernetes_version"),
    ("vswitch_ids", "vswitch_ids"),
    ("instance_charge_type", "instance_charge_type"),
    ("period", "period"),
    ("period_unit", "period_unit"),
    ("auto_renew", "auto_renew"),
    ("spot_strategy", "spot_strategy"),
    ("multi_az_policy", "multi_az_policy"),
    ("security_group_ids", "security_group_ids"),
    ("ram_role_name", "ram_role_name"),
    ("deployment_set_id", "deployment_set_id"),
    ("internet_charge_type", "internet_charge_type"),
    ("internet_max_bandwidth_out", "internet_max_bandwidth_out"),
    ("resource_group_id", "resource_group_id"),
    ("image_type", "image_type"),
    ("image_id", "image_id"),
    ("system_disk_category", "system_disk_category"),
    ("system_disk_size", "system_disk_size"),
    (
        "system_disk_performance_level",
        "system_disk_performance_level",
    ),
    ("user_data", "user_data"),
    ("cpu_policy", "cpu_policy"),
    ("unschedulable", "unschedulable"),
    ("runtime_version", "runtime_version"),
    ("key_name", "key_pair"),
    ("runtime_name", "runtime"),
];

pub fn translate_pool(
    src: &Source<'_>,
    name: &str,
    clusters: &[String],
    notes: &mut Vec<Note>,
) -> Option<String> {
    if src.attr("type").and_then(|a| a.value.as_str()) == Some("lingjun") {
        src.note(
            notes,
            "type",
            "a Lingjun pool has no counterpart; the block is left as it is",
        );
        return None;
    }
    let mut out = Out::default();
    meta(src, &mut out, notes);
    cluster_name(src, clusters, &mut out, notes);
    if let Some(n) = src.expr("node_pool_name").or_else(|| src.expr("name")) {
        out.set("name", n);
    }
    if let Some(t) = src.expr("instance_types") {
        out.set("instance_types", t);
    }
    // Arguments both providers name alike, then the renamed ones.
    for (from, to) in SAME_OR_RENAMED {
        if let Some(v) = src.expr(from) {
            out.set(to, v);
        }
    }
    if let Some(p) = src.expr("password") {
        // Write-only here: never stored; its version says when to send it.
        out.set("login_password_wo", p);
        out.set("login_password_wo_version", "1");
    }
    let scaling = src
        .blocks("scaling_config")
        .into_iter()
        .find(|b| inner_bool(b, "enable") != Some(false));
    match scaling {
        Some(b) => {
            if let Some(o) = object(b, &[("min_size", "min_size"), ("max_size", "max_size")]) {
                out.set("autoscaling", o);
            }
        }
        None => {
            let size = src.attr("desired_size").or_else(|| src.attr("node_count"));
            if let Some(a) = size {
                let n = match a.value.as_str() {
                    Some(s) => s.to_owned(),
                    None if a.key.as_str() == "desired_size" => {
                        format!("tonumber({})", text(&a.value))
                    }
                    None => text(&a.value),
                };
                out.set("desired_size", n);
            } else {
                src.note(notes, "desired_size", "neither `desired_size` nor `scaling_config`: set `desired_size` (ack_node_pool needs one of it and `autoscaling`)");
            }
        }
    }
    let labels: Vec<(String, String)> = src
        .blocks("labels")
        .into_iter()
        .filter_map(|b| {
            let key = inner(b, "key")?;
            // A key that is not a literal is an expression in parentheses.
            let key = if key.starts_with('"') {
                key
            } else {
                format!("({key})")
            };
            Some((key, inner(b, "value").unwrap_or_else(|| "\"\"".into())))
        })
        .collect();
    if let Some(first) = src.blocks("labels").first() {
        out.comments(first.decor());
    }
    if !labels.is_empty() {
        out.set_nested("labels", &object_lines(&labels));
    }
    let taints: Vec<String> = src
        .blocks("taints")
        .into_iter()
        .filter_map(|b| {
            object(
                b,
                &[("key", "key"), ("value", "value"), ("effect", "effect")],
            )
        })
        .collect();
    if let Some(first) = src.blocks("taints").first() {
        out.comments(first.decor());
    }
    if !taints.is_empty() {
        out.set_nested("taints", &list(&taints));
    }
    if let Some(m) = src
        .blocks("management")
        .into_iter()
        .find(|b| inner_bool(b, "enable") != Some(false))
    {
        let fields = [
            ("auto_repair", "auto_repair"),
            ("auto_upgrade", "auto_upgrade"),
            ("auto_vul_fix", "auto_vul_fix"),
            ("max_unavailable", "max_unavailable"),
        ];
        out.set("managed", object(m, &fields).unwrap_or_else(|| "{}".into()));
    }
    let handled = [
        "password",
        "cluster_id",
        "node_pool_name",
        "name",
        "instance_types",
        "desired_size",
        "node_count",
        "count",
        "for_each",
        "depends_on",
        "provider",
    ];
    for a in &src.attrs {
        let k = a.key.as_str();
        let mapped = SAME_OR_RENAMED.iter().any(|(from, _)| *from == k);
        if !handled.contains(&k) && !mapped {
            src.note(
                notes,
                k,
                "no counterpart in ack_node_pool; the pool keeps what it was created with",
            );
        }
    }
    let blocks = [
        "scaling_config",
        "labels",
        "taints",
        "management",
        "timeouts",
        "lifecycle",
    ];
    for b in &src.blocks {
        if !blocks.contains(&b.ident.as_str()) {
            src.note(
                notes,
                b.ident.as_str(),
                "no counterpart in ack_node_pool; the pool keeps what it was created with",
            );
        }
    }
    Some(out.render("ack_node_pool", name))
}

/// The `ack_addon` block for `src`.
pub fn translate_addon(
    src: &Source<'_>,
    name: &str,
    clusters: &[String],
    notes: &mut Vec<Note>,
) -> Option<String> {
    let mut out = Out::default();
    meta(src, &mut out, notes);
    cluster_name(src, clusters, &mut out, notes);
    for k in ["name", "version", "config", "cleanup_cloud_resources"] {
        if let Some(e) = src.expr(k) {
            out.set(k, e);
        }
    }
    let handled = [
        "password",
        "cluster_id",
        "name",
        "version",
        "config",
        "cleanup_cloud_resources",
        "count",
        "for_each",
        "depends_on",
        "provider",
    ];
    for a in &src.attrs {
        if !handled.contains(&a.key.as_str()) {
            src.note(notes, a.key.as_str(), "no counterpart in ack_addon");
        }
    }
    Some(out.render("ack_addon", name))
}
