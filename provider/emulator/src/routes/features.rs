//! Pro features on existing clusters: UpdateKMSEncryption and the
//! kube-scheduler addon configuration (ModifyClusterAddon; other addons'
//! configurations are `addons`').

use ack_api::edition::Feature;
use ack_api::model::{AddonConfigRequest, KmsEncryptionRequest, SchedulerConfig};
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;

use super::clusters::{edition_of, require, running, set_meta_kms};
use crate::error::{parse_body, ApiError, ApiResult};
use crate::tasks::{self, durations, kinds};
use crate::{now_ms, SharedState};

/// The scheduler addon (its configuration is the scheduler profile's).
pub const SCHEDULER: &str = ack_api::addons::SCHEDULER;

/// `PUT /clusters/{cluster_id}/kms`: sets, rotates or disables the key.
pub async fn kms(
    State(state): State<SharedState>,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult<StatusCode> {
    let req: KmsEncryptionRequest = parse_body(&body)?;
    let key = req.kms_key_id.clone().filter(|k| !k.is_empty());
    if !req.disable_encryption && key.is_none() {
        return Err(ApiError::bad_request(
            "MissingParameter.KmsKeyId",
            "The input parameter \"kms_key_id\" that is mandatory for processing this request is not supplied (or set disable_encryption to true).",
        ));
    }
    if let Some(k) = &key {
        if let Err(e) = ack_api::rules::kms_key_id(k) {
            return Err(ApiError::bad_request(
                "InvalidParameter.KmsKeyId",
                e.to_string(),
            ));
        }
    }
    let cooldown = state.scaled_ms(durations::KMS_COOLDOWN);
    state.tx(|conn| {
        let mut row = running(conn, &id)?;
        if !req.disable_encryption {
            require(&row.doc, Feature::KmsSecretEncryption)?;
        }
        if let Some(k) = key.as_deref().filter(|_| !req.disable_encryption) {
            crate::inventory::load(conn, &row.doc.region_id)?.kms_key(k)?;
        }
        let now = now_ms();
        if let Some(last) = row.kms_changed_ms {
            if now - last < cooldown {
                return Err(ApiError::new(
                    StatusCode::CONFLICT,
                    "Conflict.KMSEncryption",
                    format!(
                        "The encryption configuration was changed {} s ago; another change is allowed {} s after the last one.",
                        (now - last) / 1000,
                        cooldown / 1000
                    ),
                ));
            }
        }
        set_meta_kms(&mut row.doc, if req.disable_encryption { None } else { key.as_deref() });
        row.kms_changed_ms = Some(now);
        tasks::update_cluster(&state, conn, &mut row, durations::KMS)
    })?;
    Ok(StatusCode::OK)
}

fn check_scheduler(ed: &'static ack_api::edition::Edition, cfg: &SchedulerConfig) -> ApiResult<()> {
    for (f, _) in ack_api::scheduler::Ask::of_config(cfg).features() {
        ed.require(f)
            .map_err(|e| ApiError::edition(e.api_message()))?;
    }
    if !matches!(cfg.cgpu_edition.as_str(), "none" | "basic" | "professional") {
        return Err(ApiError::invalid(format!(
            "The addon config is invalid: cgpuEdition {:?}; valid values: none, basic, professional.",
            cfg.cgpu_edition
        )));
    }
    for p in &cfg.score_plugin_weights {
        if p.plugin.is_empty() || !(1..=100_000).contains(&p.weight) {
            return Err(ApiError::invalid(
                "The addon config is invalid: each scorePluginWeights item needs a plugin name and a weight from 1 to 100000.",
            ));
        }
    }
    let names: Vec<&str> = cfg
        .score_plugin_weights
        .iter()
        .map(|p| p.plugin.as_str())
        .collect();
    if let Some(v) = ack_api::rules::score_plugin_names(&names).first() {
        return Err(ApiError::invalid(format!(
            "The addon config is invalid: {}",
            v.located("scorePluginWeights")
        )));
    }
    Ok(())
}

/// `POST /clusters/{cluster_id}/components/{component}/config`.
pub async fn addon_config(
    State(state): State<SharedState>,
    Path((id, component)): Path<(String, String)>,
    body: Bytes,
) -> ApiResult<StatusCode> {
    let req: AddonConfigRequest = parse_body(&body)?;
    if component != SCHEDULER {
        super::addons::modify(&state, &id, &component, &req.config)?;
        return Ok(StatusCode::OK);
    }
    let cfg: SchedulerConfig = parse_body(req.config.as_bytes())?;
    state.tx(|conn| {
        let mut row = running(conn, &id)?;
        check_scheduler(edition_of(&row.doc), &cfg)?;
        if row
            .scheduler_state
            .as_deref()
            .is_some_and(|s| s != "active")
        {
            return Err(ApiError::bad_request(
                "ErrorAddonState",
                "The addon is being updated; retry when it is active.",
            ));
        }
        row.scheduler = Some(serde_json::to_string(&cfg)?);
        row.scheduler_state = Some("updating".into());
        tasks::save_and_start(
            &state,
            conn,
            &row,
            kinds::ADDON_CONFIG,
            durations::ADDON_CONFIG,
        )
    })?;
    Ok(StatusCode::OK)
}
