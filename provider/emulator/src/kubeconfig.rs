//! DescribeClusterUserKubeconfig (`GET /k8s/{ClusterId}/user_config`).
//!
//! Every cluster gets its own certificate authority when it is created,
//! kept in the `cluster_cas` table (removed with the cluster). A kubeconfig
//! is real YAML: the cluster's public or internal API server endpoint, the
//! cluster CA, and a fresh client certificate and key signed by that CA,
//! valid until the `expiration` the response reports.

use std::collections::HashMap;

use ack_api::model::{ClusterDetail, UserKubeconfig, KUBECONFIG_MINUTES};
use axum::extract::{Path, Query, State};
use axum::Json;
use base64::Engine as _;
use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    Issuer, KeyPair, KeyUsagePurpose,
};
use rusqlite::{params, Connection, OptionalExtension as _};

use crate::error::{ApiError, ApiResult};
use crate::{store, SharedState};

/// Lifetime of a kubeconfig requested without `TemporaryDurationMinutes`
/// (the service's long-lived default: three years).
pub const DEFAULT_MINUTES: i64 = 3 * 365 * 24 * 60;

/// The user kubeconfigs are issued to (the real service uses the account ID).
const USER: &str = "ack-emulator-user";

/// Cluster states in which the API server answers.
const SERVING_STATES: [&str; 4] = ["running", "updating", "upgrading", "migrating"];

/// Creates the CA table if needed. Idempotent; runs at every open.
pub fn migrate(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS cluster_cas (
            cluster_id TEXT PRIMARY KEY REFERENCES clusters(id) ON DELETE CASCADE,
            cert_pem TEXT NOT NULL,
            key_pem TEXT NOT NULL
        );",
    )
}

fn crypto(e: rcgen::Error) -> ApiError {
    tracing::error!(error = %e, "certificate generation failed");
    ApiError::internal("the service hit an internal error; retry later")
}

/// The CA's parameters; rebuilt the same way to sign with a stored key.
fn ca_params(cluster_id: &str) -> CertificateParams {
    let mut p = CertificateParams::default();
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, format!("kubernetes-{cluster_id}"));
    dn.push(DnType::OrganizationName, "ack-emulator");
    p.distinguished_name = dn;
    p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    p.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    p.not_before = time::OffsetDateTime::UNIX_EPOCH + time::Duration::days(365 * 50);
    p.not_after = time::OffsetDateTime::UNIX_EPOCH + time::Duration::days(365 * 80);
    p
}

/// Generates and stores the CA of a new cluster (the hook CreateCluster calls).
pub fn create_ca(conn: &Connection, cluster_id: &str) -> ApiResult<()> {
    let key = KeyPair::generate().map_err(crypto)?;
    let cert = ca_params(cluster_id).self_signed(&key).map_err(crypto)?;
    conn.execute(
        "INSERT OR IGNORE INTO cluster_cas (cluster_id, cert_pem, key_pem) VALUES (?1, ?2, ?3)",
        params![cluster_id, cert.pem(), key.serialize_pem()],
    )?;
    Ok(())
}

/// The cluster's CA certificate (PEM) and key; clusters created before CAs
/// existed get theirs now.
fn ca(conn: &Connection, cluster_id: &str) -> ApiResult<(String, KeyPair)> {
    let load = |conn: &Connection| {
        conn.query_row(
            "SELECT cert_pem, key_pem FROM cluster_cas WHERE cluster_id = ?1",
            params![cluster_id],
            |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)),
        )
        .optional()
    };
    let (cert, key) = match load(conn)? {
        Some(row) => row,
        None => {
            create_ca(conn, cluster_id)?;
            load(conn)?.ok_or_else(|| ApiError::internal("the cluster CA is missing"))?
        }
    };
    Ok((cert, KeyPair::from_pem(&key).map_err(crypto)?))
}

fn endpoint(c: &ClusterDetail, private: bool) -> ApiResult<String> {
    let urls: serde_json::Value = serde_json::from_str(&c.master_url)?;
    let key = if private {
        "intranet_api_server_endpoint"
    } else {
        "api_server_endpoint"
    };
    urls[key]
        .as_str()
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .ok_or_else(|| {
            ApiError::bad_request(
                "ErrorApiServerEndpointNotPublic",
                "The cluster's API server has no public endpoint (endpoint_public_access is off): ask for the internal endpoint with PrivateIpAddress=true, or bind a public EIP with ModifyCluster (api_server_eip).",
            )
        })
}

fn parse_query(q: &HashMap<String, String>) -> ApiResult<(bool, i64)> {
    let private = match q.get("PrivateIpAddress").map(String::as_str) {
        // As the service parses booleans (Go's strconv.ParseBool): the
        // official Python SDK sends Python's `True`/`False`.
        None | Some("" | "0" | "f" | "F" | "false" | "False" | "FALSE") => false,
        Some("1" | "t" | "T" | "true" | "True" | "TRUE") => true,
        Some(other) => {
            return Err(ApiError::invalid(format!(
                "PrivateIpAddress must be true or false, got {other:?}"
            )))
        }
    };
    let minutes = match q.get("TemporaryDurationMinutes").filter(|v| !v.is_empty()) {
        None => DEFAULT_MINUTES,
        Some(v) => {
            let m: i64 = v.parse().map_err(|_| {
                ApiError::invalid(format!(
                    "TemporaryDurationMinutes must be a whole number of minutes, got {v:?}"
                ))
            })?;
            let (lo, hi) = (
                i64::from(*KUBECONFIG_MINUTES.start()),
                i64::from(*KUBECONFIG_MINUTES.end()),
            );
            if !(lo..=hi).contains(&m) {
                return Err(ApiError::bad_request(
                    "InvalidParameter.TemporaryDurationMinutes",
                    format!("TemporaryDurationMinutes must be between {lo} and {hi}, got {m}"),
                ));
            }
            m
        }
    };
    Ok((private, minutes))
}

fn b64(s: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(s.as_bytes())
}

/// `GET /k8s/{ClusterId}/user_config`.
pub async fn describe(
    State(state): State<SharedState>,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> ApiResult<Json<UserKubeconfig>> {
    let (private, minutes) = parse_query(&q)?;
    let user = USER;
    let (cluster, ca_pem, ca_key) = state.tx(|conn| {
        let row = store::get_cluster(conn, &id)?;
        if !SERVING_STATES.contains(&row.doc.state.as_str()) {
            return Err(ApiError::cluster_state(&row.doc.state));
        }
        let (cert, key) = ca(conn, &id)?;
        Ok((row.doc, cert, key))
    })?;
    let server = endpoint(&cluster, private)?;

    let now = time::OffsetDateTime::now_utc();
    let expires = now + time::Duration::minutes(minutes);
    let mut params = CertificateParams::default();
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CommonName, user);
    dn.push(DnType::OrganizationName, "system:users");
    params.distinguished_name = dn;
    params.key_usages = vec![
        KeyUsagePurpose::DigitalSignature,
        KeyUsagePurpose::KeyEncipherment,
    ];
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
    params.not_before = now - time::Duration::minutes(1);
    params.not_after = expires;
    let client_key = KeyPair::generate().map_err(crypto)?;
    let issuer = Issuer::new(ca_params(&id), &ca_key);
    let client_cert = params.signed_by(&client_key, &issuer).map_err(crypto)?;

    let context = format!("{user}-{id}");
    let config = format!(
        "apiVersion: v1\n\
         kind: Config\n\
         clusters:\n\
         - name: kubernetes\n  cluster:\n    server: {server}\n    certificate-authority-data: {ca}\n\
         contexts:\n\
         - name: {context}\n  context:\n    cluster: kubernetes\n    user: \"{user}\"\n\
         current-context: {context}\n\
         preferences: {{}}\n\
         users:\n\
         - name: \"{user}\"\n  user:\n    client-certificate-data: {cert}\n    client-key-data: {key}\n",
        ca = b64(&ca_pem),
        cert = b64(&client_cert.pem()),
        key = b64(&client_key.serialize_pem()),
    );
    let expiration = chrono::DateTime::<chrono::Utc>::from_timestamp(expires.unix_timestamp(), 0)
        .map(|t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string())
        .unwrap_or_default();
    Ok(Json(UserKubeconfig { config, expiration }))
}
