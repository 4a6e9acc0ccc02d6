//! `alicloud_cs_managed_kubernetes` (and a managed `alicloud_cs_kubernetes`)
//! → `ack_cluster`.

use hcl_edit::Decorate;

use super::translate::{inner, inner_bool, list, meta, object, object_lines, Note, Out, Source};

/// Arguments with the same name and meaning.
const SAME: [&str; 14] = [
    "name",
    "zone_ids",
    "pod_vswitch_ids",
    "pod_cidr",
    "service_cidr",
    "node_cidr_mask",
    "proxy_mode",
    "ip_stack",
    "cluster_domain",
    "security_group_id",
    "is_enterprise_security_group",
    "resource_group_id",
    "timezone",
    "deletion_protection",
];

/// Renamed arguments.
const RENAMED: [(&str, &str); 3] = [
    ("version", "kubernetes_version"),
    ("enable_rrsa", "rrsa_enabled"),
    ("tags", "tags"),
];

/// Arguments handled below, or meta-arguments handled by `meta`.
const HANDLED: [&str; 14] = [
    "cluster_spec",
    "vswitch_ids",
    "worker_vswitch_ids",
    "new_nat_gateway",
    "slb_internet_enabled",
    "custom_san",
    "control_plane_log_components",
    "control_plane_log_project",
    "control_plane_log_ttl",
    "profile",
    "count",
    "for_each",
    "depends_on",
    "provider",
];

const NETWORK_PLUGINS: [&str; 3] = ["flannel", "terway-eniip", "terway-eni"];

/// Why some arguments have no counterpart.
fn why_not(name: &str) -> &'static str {
    match name {
        "encryption_provider_key" | "disable_encryption" => {
            "KMS encryption of Secrets is the resource `ack_encryption` (cluster_name, kms_key_id)"
        }
        "kube_config" | "client_cert" | "client_key" | "cluster_ca_cert" => {
            "credentials are the ephemeral resource `ack_cluster_kubeconfig`, never stored in state"
        }
        "name_prefix" => "write the cluster's `name`",
        _ => "no counterpart in ack_cluster; the cluster keeps what it was created with",
    }
}

/// The `ack_cluster` block for `src`, or `None` when it cannot be one.
pub fn translate(
    src: &Source<'_>,
    name: &str,
    state: Option<&serde_json::Value>,
    notes: &mut Vec<Note>,
) -> Option<String> {
    if src.attr("master_instance_types").is_some() || src.attr("master_vswitch_ids").is_some() {
        src.note(notes, "master_instance_types", "an ACK dedicated cluster: this provider manages managed (Standard and Pro) clusters only; the block is left as it is");
        return None;
    }
    if let Some(p) = src.attr("profile").and_then(|a| a.value.as_str()) {
        if p != "Default" {
            src.note(
                notes,
                "profile",
                format!("a {p:?} cluster has no counterpart; the block is left as it is"),
            );
            return None;
        }
    }
    let mut out = Out::default();
    meta(src, &mut out, notes);
    for a in &src.attrs {
        let key = a.key.as_str();
        if SAME.contains(&key) {
            out.comments(a.decor());
            out.set(key, super::translate::text(&a.value));
        } else if let Some((_, to)) = RENAMED.iter().find(|(from, _)| *from == key) {
            out.comments(a.decor());
            out.set(to, super::translate::text(&a.value));
        } else if !HANDLED.contains(&key) {
            src.note(notes, key, why_not(key));
        }
    }
    edition(src, &mut out, notes);
    network(src, state, &mut out, notes);
    // alicloud's defaults are `true`; ours follow the API (`false`).
    out.set(
        "snat_entry",
        src.expr("new_nat_gateway").unwrap_or_else(|| "true".into()),
    );
    out.set(
        "endpoint_public_access",
        src.expr("slb_internet_enabled")
            .unwrap_or_else(|| "true".into()),
    );
    if let Some(a) = src.attr("custom_san") {
        let sans = match a.value.as_str() {
            Some(s) => format!(
                "[{}]",
                s.split(',')
                    .map(|x| format!("\"{}\"", x.trim()))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            None => format!("split(\",\", {})", super::translate::text(&a.value)),
        };
        out.set("extra_sans", sans);
    }
    logs(src, &mut out);
    blocks(src, &mut out, notes);
    Some(out.render("ack_cluster", name))
}

fn edition(src: &Source<'_>, out: &mut Out, notes: &mut Vec<Note>) {
    let Some(a) = src.attr("cluster_spec") else {
        return;
    };
    match a.value.as_str() {
        Some("ack.standard") => out.set("edition", "\"standard\""),
        Some(s) if s.starts_with("ack.pro.") => out.set("edition", "\"pro\""),
        _ => src.note(
            notes,
            "cluster_spec",
            "not a literal `ack.standard` or `ack.pro.*`: set `edition` to `standard` or `pro`",
        ),
    }
}

fn network(
    src: &Source<'_>,
    state: Option<&serde_json::Value>,
    out: &mut Out,
    notes: &mut Vec<Note>,
) {
    let vswitches = src
        .expr("vswitch_ids")
        .or_else(|| src.expr("worker_vswitch_ids"));
    if let Some(v) = &vswitches {
        out.set("vswitch_ids", v.clone());
        // alicloud looks the VPC up from the first vSwitch; ack_cluster
        // takes it, as the API does.
        let stored = state
            .and_then(|s| s["vpc_id"].as_str())
            .filter(|v| !v.is_empty());
        match vpc_of(v).or_else(|| stored.map(|v| format!("\"{v}\""))) {
            Some(vpc) => out.set("vpc_id", vpc),
            None => src.note(
                notes,
                "vpc_id",
                "ack_cluster needs `vpc_id` with `vswitch_ids`: set it to the vSwitches' VPC",
            ),
        }
    }
    let plugin = src.blocks("addons").into_iter().find_map(|b| {
        let n = b.body.get_attribute("name")?.value.as_str()?.to_owned();
        NETWORK_PLUGINS.contains(&n.as_str()).then_some(n)
    });
    let plugin = plugin.or_else(|| {
        src.attr("pod_vswitch_ids")
            .map(|_| "terway-eniip".to_owned())
    });
    if let Some(p) = plugin.filter(|p| p != "flannel") {
        out.set("network_plugin", format!("\"{p}\""));
    }
}

/// `alicloud_vswitch.X.vpc_id` for vSwitches written as `alicloud_vswitch.X.id`.
fn vpc_of(vswitches: &str) -> Option<String> {
    let at = vswitches.find("alicloud_vswitch.")?;
    let rest = &vswitches[at..];
    let end = rest.find(".id")?;
    let vswitch = &rest[..end];
    // `alicloud_vswitch.X.*.id`: the vSwitches of one VPC, made with `count`.
    Some(match vswitch.strip_suffix(".*") {
        Some(all) => format!("{all}[0].vpc_id"),
        None => format!("{vswitch}.vpc_id"),
    })
}

fn logs(src: &Source<'_>, out: &mut Out) {
    let Some(components) = src.expr("control_plane_log_components") else {
        return;
    };
    let mut fields = vec![format!("components = {components}")];
    if let Some(p) = src.expr("control_plane_log_project") {
        fields.push(format!("project = {p}"));
    }
    if let Some(a) = src.attr("control_plane_log_ttl") {
        let ttl = match a.value.as_str() {
            Some(s) => s.to_owned(),
            None => format!("tonumber({})", super::translate::text(&a.value)),
        };
        fields.push(format!("ttl_days = {ttl}"));
    }
    out.set("control_plane_logs", format!("{{ {} }}", fields.join(", ")));
}

fn blocks(src: &Source<'_>, out: &mut Out, notes: &mut Vec<Note>) {
    for b in src.blocks("maintenance_window") {
        if inner_bool(b, "enable") == Some(false) {
            src.note(
                notes,
                "maintenance_window",
                "`enable = false`: ack_cluster has no window then; the block is dropped",
            );
            continue;
        }
        out.comments(b.decor());
        let fields: Vec<(String, String)> = ["maintenance_time", "duration", "weekly_period"]
            .iter()
            .filter_map(|k| inner(b, k).map(|v| ((*k).to_owned(), v)))
            .collect();
        out.set_nested("maintenance_window", &object_lines(&fields));
    }
    for p in src.blocks("operation_policy") {
        for a in p.body.get_blocks("cluster_auto_upgrade") {
            if let Some(o) = object(a, &[("enabled", "auto_upgrade"), ("channel", "channel")]) {
                out.set("operation_policy", o);
            }
        }
    }
    for b in src.blocks("audit_log_config") {
        if let Some(o) = object(
            b,
            &[
                ("enabled", "enabled"),
                ("sls_project_name", "sls_project_name"),
            ],
        ) {
            out.set("audit_log", o);
        }
    }
    let addons: Vec<String> = src
        .blocks("addons")
        .into_iter()
        .filter(|b| {
            let n = b.body.get_attribute("name").and_then(|a| a.value.as_str());
            !n.is_some_and(|n| NETWORK_PLUGINS.contains(&n))
        })
        .filter_map(|b| {
            object(
                b,
                &[
                    ("name", "name"),
                    ("config", "config"),
                    ("version", "version"),
                    ("disabled", "disabled"),
                ],
            )
        })
        .collect();
    if !addons.is_empty() {
        out.set_nested("addons", &list(&addons));
    }
    let deletes: Vec<String> = src
        .blocks("delete_options")
        .into_iter()
        .filter_map(|b| {
            object(
                b,
                &[
                    ("resource_type", "resource_type"),
                    ("delete_mode", "delete_mode"),
                ],
            )
        })
        .collect();
    if !deletes.is_empty() {
        out.set_nested("delete_options", &list(&deletes));
    }
    for b in &src.blocks {
        let known = [
            "maintenance_window",
            "operation_policy",
            "audit_log_config",
            "addons",
            "delete_options",
            "timeouts",
            "lifecycle",
        ];
        if !known.contains(&b.ident.as_str()) {
            src.note(notes, b.ident.as_str(), why_not(b.ident.as_str()));
        }
    }
}
