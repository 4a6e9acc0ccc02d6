//! CreateCluster: validation of the documented fields, defaults as the
//! service applies them, quotas, and the new cluster's document.

use ack_api::edition::{self, Feature};
use ack_api::model::{ClusterDetail, MaintenanceWindow, TaskResponse};
use ack_api::versions;
use axum::body::Bytes;
use axum::extract::State;
use axum::Json;
use serde_json::json;

use super::clusters::{check_name, meta_data, name_taken, task_response};
use crate::error::{parse_body, ApiError, ApiResult};
use crate::store;
use crate::tasks::{self, durations, kinds};
use crate::wire::CreateClusterBody;
use crate::{now_rfc3339, SharedState};

/// The API server's endpoints: the internal one always, the public one
/// while the API server has a public EIP (off by default, as the service).
pub(super) fn master_url(id: &str, public: bool) -> String {
    let n = u8::from_str_radix(&id[id.len() - 2..], 16).unwrap_or(1);
    let internal = format!("https://192.168.0.{}:6443", n.max(2));
    if public {
        json!({
            "api_server_endpoint": format!("https://47.96.{}.{}:6443", n / 2, n),
            "intranet_api_server_endpoint": internal,
        })
    } else {
        json!({ "api_server_endpoint": "", "intranet_api_server_endpoint": internal })
    }
    .to_string()
}

fn one_of(field: &str, value: Option<&str>, allowed: &[&str], default: &str) -> ApiResult<String> {
    match value {
        None | Some("") => Ok(default.to_owned()),
        Some(v) if allowed.contains(&v) => Ok(v.to_owned()),
        Some(v) => Err(ApiError::invalid(format!(
            "The parameter {field} is invalid: {v:?}; valid values: {}.",
            allowed.join(", ")
        ))),
    }
}

/// Checks the body and builds the new cluster's document.
/// What a create request settles, checked against the service's rules.
struct Checked {
    profile: String,
    spec: String,
    version: String,
    proxy_mode: String,
    ip_stack: String,
    kms: Option<String>,
    window: MaintenanceWindow,
}

/// Every rule a create request must pass, in the service's order.
fn check_create(req: &CreateClusterBody) -> ApiResult<Checked> {
    check_name(&req.name, "cluster")?;
    if !req.region_id.contains('-') {
        return Err(ApiError::bad_request(
            "InvalidParameter.RegionId",
            format!(
                "The region {:?} is not valid, e.g. cn-hangzhou.",
                req.region_id
            ),
        ));
    }
    one_of(
        "cluster_type",
        req.cluster_type.as_deref(),
        &["ManagedKubernetes"],
        "ManagedKubernetes",
    )?;
    let profile = one_of("profile", req.profile.as_deref(), &["Default"], "Default")?;
    let (spec, ed, version) = spec_and_version(req)?;
    super::rules::cluster_network(req)?;
    super::rules::tags(&req.tags)?;
    if let Some(m) = req.node_cidr_mask {
        if !(24..=28).contains(&m) {
            return Err(ApiError::invalid(format!(
                "The parameter node_cidr_mask is invalid: {m}; valid values are 24 to 28."
            )));
        }
    }
    let proxy_mode = one_of(
        "proxy_mode",
        req.proxy_mode.as_deref(),
        &["ipvs", "iptables"],
        "ipvs",
    )?;
    let ip_stack = one_of(
        "ip_stack",
        req.ip_stack.as_deref(),
        &["ipv4", "dual"],
        "ipv4",
    )?;
    let kms = req
        .encryption_provider_key
        .clone()
        .filter(|k| !k.is_empty());
    let tier = |f| {
        ed.require(f)
            .map_err(|e| ApiError::edition(e.api_message()))
    };
    if kms.is_some() {
        tier(Feature::KmsSecretEncryption)?;
    }
    let window = req
        .maintenance_window
        .as_ref()
        .map(|w| w.apply(&MaintenanceWindow::default()))
        .unwrap_or_default();
    if req.maintenance_window.is_some() {
        super::rules::maintenance_window(&window)?;
    }
    if window.enable {
        tier(Feature::MaintenanceWindow)?;
    }
    Ok(Checked {
        profile,
        spec,
        version,
        proxy_mode,
        ip_stack,
        kms,
        window,
    })
}

/// The cluster spec (edition) and Kubernetes version asked for, with the
/// defaults the service applies.
fn spec_and_version(
    req: &CreateClusterBody,
) -> ApiResult<(String, &'static edition::Edition, String)> {
    let spec = match req.cluster_spec.as_deref() {
        None | Some("") => "ack.standard".to_owned(),
        Some(s) => s.to_owned(),
    };
    let ed = edition::by_cluster_spec(&spec).ok_or_else(|| {
        ApiError::invalid(format!(
            "The cluster_spec {spec:?} is not valid; valid values: {}.",
            edition::cluster_specs().join(", ")
        ))
    })?;
    let version = req
        .kubernetes_version
        .clone()
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| versions::DEFAULT.to_owned());
    if !versions::is_supported(&version) {
        return Err(ApiError::bad_request(
            "InvalidParameter.KubernetesVersion",
            versions::UpgradeError::Unsupported(version).to_string(),
        ));
    }
    Ok((spec, ed, version))
}

/// The new cluster as stored, from a checked request.
fn cluster_detail(
    req: &CreateClusterBody,
    id: &str,
    c: Checked,
    net: super::network::Resolved,
) -> ClusterDetail {
    let short = &id[1..13];
    let now = now_rfc3339();
    let flannel = req
        .addons
        .iter()
        .any(|a| a.disabled != Some(true) && a.name == "flannel");
    ClusterDetail {
        cluster_id: id.to_owned(),
        name: req.name.clone(),
        cluster_type: "ManagedKubernetes".into(),
        profile: c.profile,
        cluster_spec: c.spec,
        state: "initial".into(),
        region_id: req.region_id.clone(),
        vpc_id: net.vpc_id,
        vswitch_id: net.vswitch_ids.first().cloned().unwrap_or_default(),
        vswitch_ids: net.vswitch_ids,
        zone_id: net.zone_id,
        security_group_id: net.security_group_id,
        network_mode: "vpc".into(),
        proxy_mode: c.proxy_mode,
        ip_stack: c.ip_stack,
        node_cidr_mask: flannel.then(|| req.node_cidr_mask.unwrap_or(26)),
        cluster_domain: req
            .cluster_domain
            .clone()
            .filter(|d| !d.is_empty())
            .unwrap_or_else(|| "cluster.local".into()),
        timezone: req.timezone.clone().unwrap_or_default(),
        resource_group_id: req
            .resource_group_id
            .clone()
            .filter(|r| !r.is_empty())
            .unwrap_or_else(|| "rg-default".into()),
        worker_ram_role_name: format!("KubernetesWorkerRole-{short}"),
        operation_policy: req.operation_policy.clone(),
        extra_sans: req.extra_sans.clone(),
        current_version: c.version.clone(),
        init_version: c.version,
        next_version: String::new(),
        // Terway pods take VPC addresses: no pod block.
        container_cidr: req
            .container_cidr
            .clone()
            .filter(|_| flannel)
            .unwrap_or_default(),
        service_cidr: req
            .service_cidr
            .clone()
            .filter(|c| !c.is_empty())
            // The API's documented default (CreateClusterRequest.service_cidr).
            .unwrap_or_else(|| "172.19.0.0/20".into()),
        deletion_protection: req.deletion_protection.unwrap_or(false),
        tags: req.tags.clone(),
        maintenance_window: c.window,
        master_url: master_url(id, req.endpoint_public_access.unwrap_or(false)),
        meta_data: meta_data(c.kms.as_deref(), false),
        parameters: creation_parameters(req),
        size: 0,
        created: now.clone(),
        updated: now,
    }
}

/// The create-time arguments the service reports back in `parameters`.
fn creation_parameters(req: &CreateClusterBody) -> std::collections::BTreeMap<String, String> {
    use ack_api::model::params;
    let mut p = std::collections::BTreeMap::new();
    if !req.pod_vswitch_ids.is_empty() {
        p.insert(
            params::POD_VSWITCH_IDS.to_owned(),
            json!(req.pod_vswitch_ids).to_string(),
        );
    }
    p.insert(
        params::SNAT_ENTRY.to_owned(),
        params::flag(req.snat_entry.unwrap_or(false)),
    );
    // An existing security group is an ordinary one; without one, the
    // service makes an enterprise group unless told otherwise.
    let own_group = req
        .security_group_id
        .as_deref()
        .is_some_and(|g| !g.is_empty());
    let enterprise = !own_group && req.is_enterprise_security_group.unwrap_or(true);
    p.insert(
        params::ENTERPRISE_SECURITY_GROUP.to_owned(),
        params::flag(enterprise),
    );
    p
}

/// `POST /clusters`.
pub async fn create(
    State(state): State<SharedState>,
    body: Bytes,
) -> ApiResult<Json<TaskResponse>> {
    let req: CreateClusterBody = parse_body(&body)?;
    let id = format!("c{}", uuid::Uuid::new_v4().simple());
    let checked = check_create(&req)?;
    let quota = state.quota().managed_clusters().unwrap_or(u64::MAX);
    let task_id = state.tx(|conn| {
        let net = super::network::resolve(conn, &req, &id[1..13])?;
        let mut detail = cluster_detail(&req, &id, checked, net);
        let rrsa = req.rrsa_config.as_ref().is_some_and(|r| r.enabled)
            || req.enable_rrsa == Some(true);
        super::clusters::set_meta_rrsa(&mut detail, rrsa);
        if !req.controlplane_log_components.is_empty() {
            let log = super::logs::checked(
                &id,
                ack_api::model::ControlPlaneLog {
                    components: req.controlplane_log_components.clone(),
                    log_project: req.controlplane_log_project.clone(),
                    log_ttl: req.controlplane_log_ttl.clone(),
                    aliuid: None,
                },
            )?;
            super::logs::save_control_plane(conn, &id, Some(&log))?;
        }
        if let Some(audit) = req.audit_log_config.as_ref().filter(|a| a.enabled) {
            let project = super::logs::audit_project(&id, audit.sls_project_name.as_deref());
            super::logs::save_audit(conn, &id, Some(&project))?;
        }
        if name_taken(conn, &req.region_id, &req.name, "")? {
            return Err(ApiError::bad_request(
                "ErrorClusterNameAlreadyExist",
                format!(
                    "The cluster name {} already exists in {}.",
                    req.name, req.region_id
                ),
            ));
        }
        let in_region = store::list_clusters(conn)?
            .iter()
            .filter(|c| c.region_id == req.region_id)
            .count() as u64;
        if in_region >= quota {
            return Err(ApiError::bad_request(
                "QuotaExceeded.Cluster",
                format!(
                    "The quota of managed clusters in {} is {quota} and has been used up; request a higher quota in Quota Center.",
                    req.region_id
                ),
            ));
        }
        store::insert_cluster(conn, &detail)?;
        super::addons::install_at_create(conn, &id, &detail.current_version, &req.addons)?;
        crate::kubeconfig::create_ca(conn, &id)?;
        tasks::start(
            &state,
            conn,
            &id,
            None,
            kinds::CLUSTER_CREATE,
            durations::CREATE_CLUSTER,
            json!({}),
        )
    })?;
    Ok(task_response(&id, task_id))
}
