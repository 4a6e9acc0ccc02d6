//! Addons of a cluster: InstallClusterAddons, UnInstallClusterAddons,
//! UpgradeClusterAddons, ModifyClusterAddon (for addons other than the
//! scheduler), DescribeClusterAddonInstance / GetClusterAddonInstance,
//! ListClusterAddonInstances and DescribeClusterAddonsVersion. The catalog
//! (versions, editions, config schemas, platform-owned addons) is
//! `ack_api::addons`; every change runs as a task.

use ack_api::addons::{self, Addon, AddonError};
use ack_api::model::{
    AddonInstance, AddonInstanceList, AddonInstanceSummary, AddonTask, AddonVersionStatus,
    AddonVersions, InstallAddon, SchedulerConfig, UninstallAddon, UpgradeAddon,
};
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use rusqlite::Connection;
use serde_json::json;

use super::clusters::{check_cluster_id, edition_of, running};
use crate::addon_store;
use crate::error::{parse_body, request_id, ApiError, ApiResult};
use crate::store::{self, ClusterRow};
use crate::tasks::{self, durations, kinds};
use crate::SharedState;

/// The network plugin of a cluster created before the emulator recorded
/// create-time addons: such clusters ran Flannel.
const LEGACY_NETWORK_PLUGIN: &str = "flannel";

pub(super) fn not_installed(name: &str) -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "AddonNotFound",
        format!("The addon {name} is not installed in the cluster."),
    )
}

/// An addon request the catalog refuses, with the service's code.
fn refused(e: AddonError) -> ApiError {
    match e {
        AddonError::Tier(t) => ApiError::edition(t.api_message()),
        AddonError::Unknown { .. } => {
            ApiError::bad_request("InvalidParameter.AddonName", e.to_string())
        }
        AddonError::UnknownVersion { .. } | AddonError::ClusterTooOld { .. } => {
            ApiError::bad_request("InvalidParameter.AddonVersion", e.to_string())
        }
        AddonError::PlatformOwned { .. } => {
            ApiError::bad_request("AddonNotSupportUninstall", e.to_string())
        }
        AddonError::DeclaredAtCreate { .. } | AddonError::Config(_) => {
            ApiError::bad_request("InvalidParameter.AddonConfig", e.to_string())
        }
    }
}

fn catalog(name: &str) -> ApiResult<&'static Addon> {
    addons::get(name).ok_or_else(|| refused(AddonError::Unknown { name: name.into() }))
}

/// The addon `name` as installed on `row`'s cluster: a row, or one of the
/// platform's own (always there).
pub(super) fn installed(
    conn: &Connection,
    row: &ClusterRow,
    name: &str,
) -> ApiResult<Option<AddonInstance>> {
    let version = || addons::get(name).and_then(|a| a.newest_for(Some(&row.doc.current_version)));
    match name {
        addons::SCHEDULER => {
            let config = match &row.scheduler {
                Some(c) => c.clone(),
                None => serde_json::to_string(&SchedulerConfig {
                    cgpu_edition: "none".into(),
                    ..Default::default()
                })?,
            };
            Ok(Some(AddonInstance {
                name: name.into(),
                version: version().unwrap_or_default().into(),
                state: row
                    .scheduler_state
                    .clone()
                    .unwrap_or_else(|| "active".into()),
                config,
            }))
        }
        LEGACY_NETWORK_PLUGIN if legacy_network(conn, row)? => Ok(Some(AddonInstance {
            name: name.into(),
            version: version().unwrap_or_default().into(),
            state: "active".into(),
            config: "{}".into(),
        })),
        _ => addon_store::get_addon(conn, &row.doc.cluster_id, name),
    }
}

/// Whether `row`'s cluster predates recorded network plugins (no plugin
/// row), so that it runs the legacy one.
fn legacy_network(conn: &Connection, row: &ClusterRow) -> ApiResult<bool> {
    let rows = addon_store::list_addons(conn, &row.doc.cluster_id)?;
    Ok(!rows
        .iter()
        .any(|a| ack_api::rules::network_plugin(&a.name).is_some()))
}

/// Every addon of `row`'s cluster: the network plugin, the scheduler, then
/// the others by name.
fn all_installed(conn: &Connection, row: &ClusterRow) -> ApiResult<Vec<AddonInstance>> {
    let rows = addon_store::list_addons(conn, &row.doc.cluster_id)?;
    let (network, others): (Vec<_>, Vec<_>) = rows
        .into_iter()
        .partition(|a| ack_api::rules::network_plugin(&a.name).is_some());
    let mut out = network;
    if out.is_empty() {
        out.extend(installed(conn, row, LEGACY_NETWORK_PLUGIN)?);
    }
    out.extend(installed(conn, row, addons::SCHEDULER)?);
    out.extend(others);
    Ok(out)
}

/// CreateCluster's `addons` as the service installs them with the cluster:
/// the network plugin and every addon not `disabled`, at the version asked
/// for or the newest the cluster's version runs.
pub(super) fn install_at_create(
    conn: &Connection,
    cluster_id: &str,
    cluster_version: &str,
    requested: &[crate::wire::AddonBody],
) -> ApiResult<()> {
    for a in requested.iter().filter(|a| a.disabled != Some(true)) {
        let version = a
            .version
            .clone()
            .filter(|v| !v.is_empty())
            .or_else(|| {
                addons::get(&a.name)
                    .and_then(|c| c.newest_for(Some(cluster_version)))
                    .map(str::to_owned)
            })
            .unwrap_or_default();
        let config = match a.config.as_deref().filter(|c| !c.is_empty()) {
            Some(c) => addons::normalise_config(c).map_err(refused)?,
            None => "{}".to_owned(),
        };
        let instance = AddonInstance {
            name: a.name.clone(),
            version,
            state: "active".into(),
            config,
        };
        addon_store::save_addon(conn, cluster_id, &instance)?;
    }
    Ok(())
}

fn check_config(addon: &Addon, config: &str) -> ApiResult<String> {
    addons::validate_config(&addon.config_schema(), config).map_err(refused)?;
    addons::normalise_config(config).map_err(refused)
}

fn busy(a: &AddonInstance) -> ApiResult<()> {
    if a.state == "active" {
        Ok(())
    } else {
        Err(ApiError::bad_request(
            "ErrorAddonState",
            format!(
                "The addon {} is {}; retry when it is active.",
                a.name, a.state
            ),
        ))
    }
}

fn one_each<T>(items: &[T], name: impl Fn(&T) -> &str) -> ApiResult<()> {
    if items.is_empty() {
        return Err(ApiError::invalid("The request names no addon."));
    }
    let mut seen = std::collections::HashSet::new();
    for i in items {
        if !seen.insert(name(i)) {
            return Err(ApiError::invalid(format!(
                "The addon {} is named twice.",
                name(i)
            )));
        }
    }
    Ok(())
}

/// `POST /clusters/{cluster_id}/components/install`.
pub async fn install(
    State(state): State<SharedState>,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult<Json<AddonTask>> {
    let req: Vec<InstallAddon> = parse_body(&body)?;
    one_each(&req, |a| &a.name)?;
    let task_id = state.tx(|conn| {
        let row = running(conn, &id)?;
        let mut rows = Vec::new();
        for a in &req {
            let addon = catalog(&a.name)?;
            addon.check_edition(edition_of(&row.doc)).map_err(refused)?;
            if addon.platform_owned || installed(conn, &row, &a.name)?.is_some() {
                return Err(ApiError::bad_request(
                    "AddonAlreadyInstalled",
                    format!("The addon {} is already installed in the cluster.", a.name),
                ));
            }
            let cluster_version = Some(row.doc.current_version.as_str());
            let version = if a.version.is_empty() {
                addon
                    .newest_for(cluster_version)
                    .ok_or_else(|| {
                        refused(AddonError::ClusterTooOld {
                            name: a.name.clone(),
                            version: addon
                                .versions
                                .last()
                                .map(|v| v.version)
                                .unwrap_or_default()
                                .into(),
                            minimum: addon
                                .versions
                                .last()
                                .map(|v| v.minimum_cluster_version)
                                .unwrap_or_default(),
                            cluster: row.doc.current_version.clone(),
                        })
                    })?
                    .to_owned()
            } else {
                addon
                    .check_version(&a.version, cluster_version)
                    .map_err(refused)?;
                a.version.clone()
            };
            rows.push(AddonInstance {
                name: a.name.clone(),
                version,
                config: check_config(addon, &a.config)?,
                state: "updating".into(),
            });
        }
        for r in &rows {
            addon_store::save_addon(conn, &id, r)?;
        }
        let names: Vec<&str> = rows.iter().map(|r| r.name.as_str()).collect();
        tasks::start(
            &state,
            conn,
            &id,
            None,
            kinds::ADDON_INSTALL,
            durations::ADDON_INSTALL,
            json!({ "names": names }),
        )
    })?;
    Ok(Json(AddonTask {
        cluster_id: id,
        request_id: request_id(),
        task_id,
    }))
}

/// `POST /clusters/{cluster_id}/components/uninstall`.
pub async fn uninstall(
    State(state): State<SharedState>,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult<Json<AddonTask>> {
    let req: Vec<UninstallAddon> = parse_body(&body)?;
    one_each(&req, |a| &a.name)?;
    let task_id = state.tx(|conn| {
        let row = running(conn, &id)?;
        for a in &req {
            catalog(&a.name)?.check_uninstall().map_err(refused)?;
            let mut now = installed(conn, &row, &a.name)?.ok_or_else(|| not_installed(&a.name))?;
            busy(&now)?;
            now.state = "deleting".into();
            addon_store::save_addon(conn, &id, &now)?;
        }
        let names: Vec<&str> = req.iter().map(|a| a.name.as_str()).collect();
        let cleanup: Vec<bool> = req.iter().map(|a| a.cleanup_cloud_resources).collect();
        tasks::start(
            &state,
            conn,
            &id,
            None,
            kinds::ADDON_UNINSTALL,
            durations::ADDON_UNINSTALL,
            json!({ "names": names, "cleanup_cloud_resources": cleanup }),
        )
    })?;
    Ok(Json(AddonTask {
        cluster_id: id,
        request_id: request_id(),
        task_id,
    }))
}

/// `POST /clusters/{cluster_id}/components/upgrade`.
pub async fn upgrade(
    State(state): State<SharedState>,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult<Json<AddonTask>> {
    let req: Vec<UpgradeAddon> = parse_body(&body)?;
    one_each(&req, |a| &a.component_name)?;
    let task_id = state.tx(|conn| {
        let row = running(conn, &id)?;
        let mut targets = serde_json::Map::new();
        for a in &req {
            let addon = catalog(&a.component_name)?;
            let mut now = installed(conn, &row, &a.component_name)?
                .ok_or_else(|| not_installed(&a.component_name))?;
            if addon.platform_owned {
                return Err(ApiError::bad_request(
                    "AddonNotSupportUpgrade",
                    format!(
                        "The platform upgrades {} with the cluster.",
                        a.component_name
                    ),
                ));
            }
            busy(&now)?;
            if !a.version.is_empty() && a.version != now.version {
                return Err(ApiError::bad_request(
                    "InvalidParameter.AddonVersion",
                    format!(
                        "The addon {} is at version {}, not {}.",
                        a.component_name, now.version, a.version
                    ),
                ));
            }
            addon
                .check_version(&a.next_version, Some(&row.doc.current_version))
                .map_err(refused)?;
            if addons::compare_versions(&a.next_version, &now.version)
                != std::cmp::Ordering::Greater
            {
                return Err(ApiError::bad_request(
                    "InvalidParameter.AddonVersion",
                    format!(
                        "The addon {} is at version {}; {} is not newer.",
                        a.component_name, now.version, a.next_version
                    ),
                ));
            }
            if !a.config.is_empty() {
                now.config = check_config(addon, &a.config)?;
            }
            now.state = "upgrading".into();
            addon_store::save_addon(conn, &id, &now)?;
            targets.insert(a.component_name.clone(), json!(a.next_version));
        }
        tasks::start(
            &state,
            conn,
            &id,
            None,
            kinds::ADDON_UPGRADE,
            durations::ADDON_UPGRADE,
            json!({ "versions": targets }),
        )
    })?;
    Ok(Json(AddonTask {
        cluster_id: id,
        request_id: request_id(),
        task_id,
    }))
}

/// ModifyClusterAddon of an addon other than the scheduler.
pub(super) fn modify(state: &SharedState, id: &str, name: &str, config: &str) -> ApiResult<()> {
    state.tx(|conn| {
        let row = running(conn, id)?;
        let addon = addons::get(name).ok_or_else(|| not_installed(name))?;
        let mut now = installed(conn, &row, name)?.ok_or_else(|| not_installed(name))?;
        if addon.platform_owned {
            return Err(ApiError::bad_request(
                "AddonNotSupportModify",
                format!("The addon {name} takes no configuration."),
            ));
        }
        busy(&now)?;
        now.config = check_config(addon, config)?;
        now.state = "updating".into();
        addon_store::save_addon(conn, id, &now)?;
        tasks::start(
            state,
            conn,
            id,
            None,
            kinds::ADDON_CONFIG,
            durations::ADDON_CONFIG,
            json!({ "name": name }),
        )
        .map(|_| ())
    })
}

/// `GET /clusters/{cluster_id}/components/{addon}/instance` and
/// `GET /clusters/{cluster_id}/addon_instances/{addon}`.
pub async fn instance(
    State(state): State<SharedState>,
    Path((id, name)): Path<(String, String)>,
) -> ApiResult<Json<AddonInstance>> {
    check_cluster_id(&id)?;
    let found = state.tx(|conn| {
        let row = store::get_cluster(conn, &id)?;
        installed(conn, &row, &name)
    })?;
    found.map(Json).ok_or_else(|| not_installed(&name))
}

/// `GET /clusters/{cluster_id}/addon_instances`.
pub async fn list(
    State(state): State<SharedState>,
    Path(id): Path<String>,
) -> ApiResult<Json<AddonInstanceList>> {
    check_cluster_id(&id)?;
    let all = state.tx(|conn| {
        let row = store::get_cluster(conn, &id)?;
        all_installed(conn, &row)
    })?;
    Ok(Json(AddonInstanceList {
        addons: all
            .into_iter()
            .map(|a| AddonInstanceSummary {
                name: a.name,
                state: a.state,
                version: a.version,
            })
            .collect(),
    }))
}

/// `GET /clusters/{cluster_id}/components/version`: every installed addon
/// with the newest version the cluster can run.
pub async fn versions(
    State(state): State<SharedState>,
    Path(id): Path<String>,
) -> ApiResult<Json<AddonVersions>> {
    check_cluster_id(&id)?;
    let (row, all) = state.tx(|conn| {
        let row = store::get_cluster(conn, &id)?;
        let all = all_installed(conn, &row)?;
        Ok((row, all))
    })?;
    let mut out = AddonVersions::new();
    for a in all {
        let Some(meta) = addons::get(&a.name) else {
            continue;
        };
        let newest = meta
            .newest_for(Some(&row.doc.current_version))
            .unwrap_or_default();
        let newer = addons::compare_versions(newest, &a.version) == std::cmp::Ordering::Greater;
        out.insert(
            a.name.clone(),
            AddonVersionStatus {
                component_name: a.name,
                version: a.version,
                next_version: if newer { newest.into() } else { String::new() },
                can_upgrade: newer && !meta.platform_owned,
                required: meta.platform_owned,
                exist: true,
                message: String::new(),
            },
        );
    }
    Ok(Json(out))
}
