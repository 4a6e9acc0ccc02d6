//! ACS3-HMAC-SHA256 verification of incoming requests, with the real error
//! codes for unsigned, badly signed, stale and replayed requests.

use ack_api::sign;
use axum::http::{HeaderMap, StatusCode};

use crate::error::{ApiError, ApiResult};
use crate::{now_ms, State};

/// How far `x-acs-date` may be from now.
pub const MAX_SKEW_MS: i64 = 15 * 60 * 1000;

/// Headers a signature must cover.
const REQUIRED_SIGNED: [&str; 6] = [
    "host",
    "x-acs-action",
    "x-acs-content-sha256",
    "x-acs-date",
    "x-acs-signature-nonce",
    "x-acs-version",
];

fn header<'a>(h: &'a HeaderMap, name: &str) -> Option<&'a str> {
    h.get(name).and_then(|v| v.to_str().ok())
}

/// Splits and decodes a raw query string (the one decoder, shared with the
/// handlers' query extractor).
pub fn parse_query(raw: Option<&str>) -> Vec<(String, String)> {
    sign::parse_query(raw.unwrap_or_default())
}

/// Checks `x-acs-security-token` against the configured STS token.
fn check_token(state: &State, headers: &HeaderMap, signed: &[String]) -> ApiResult<()> {
    let sent = header(headers, "x-acs-security-token");
    if sent.is_some() && !signed.iter().any(|h| h == "x-acs-security-token") {
        return Err(ApiError::bad_request(
            "IncompleteSignature",
            "The signature must cover the x-acs-security-token header.",
        ));
    }
    match (state.config.security_token.as_deref(), sent) {
        (None, None) => Ok(()),
        (Some(want), Some(got)) if sign::secrets_match(want, got) => Ok(()),
        (Some(_), None) => Err(ApiError::bad_request(
            "InvalidSecurityToken.Malformed",
            "Specified SecurityToken is malformed: the access key is temporary (STS) and needs its x-acs-security-token.",
        )),
        _ => Err(ApiError::bad_request(
            "InvalidSecurityToken.MismatchWithAccessKey",
            "Specified SecurityToken mismatch with the AccessKey.",
        )),
    }
}

/// Checks the request's signature; returns the access key ID on success.
pub fn verify(
    state: &State,
    method: &str,
    path: &str,
    raw_query: Option<&str>,
    headers: &HeaderMap,
    body: &[u8],
) -> ApiResult<()> {
    let incomplete = |m: &str| ApiError::bad_request("IncompleteSignature", m.to_owned());
    let auth_value = header(headers, "authorization").ok_or_else(|| {
        incomplete("the request is not signed: the Authorization header is missing")
    })?;
    let auth = sign::parse_authorization(auth_value).map_err(|e| incomplete(&e.to_string()))?;
    if auth.access_key_id != state.config.access_key_id {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "InvalidAccessKeyId.NotFound",
            "Specified access key is not found.",
        ));
    }
    for required in REQUIRED_SIGNED {
        if !auth.signed_headers.iter().any(|h| h == required) {
            return Err(incomplete(&format!(
                "the signature must cover the {required} header"
            )));
        }
    }
    check_version(headers)?;
    let when = request_date(headers)?;
    let signed = check_signature(state, &auth, method, path, raw_query, headers, body)?;
    check_token(state, headers, &signed)?;
    consume_nonce(state, headers, when)
}

fn check_version(headers: &HeaderMap) -> ApiResult<()> {
    if header(headers, "x-acs-version") != Some(ack_api::API_VERSION) {
        return Err(ApiError::bad_request(
            "InvalidVersion",
            format!(
                "Specified parameter Version is not valid; this service speaks {}.",
                ack_api::API_VERSION
            ),
        ));
    }
    Ok(())
}

/// The request's `x-acs-date` in milliseconds, refused when malformed or
/// more than the allowed skew away from now.
fn request_date(headers: &HeaderMap) -> ApiResult<i64> {
    let date = header(headers, "x-acs-date").unwrap_or_default();
    let when = chrono::NaiveDateTime::parse_from_str(date, "%Y-%m-%dT%H:%M:%SZ")
        .map_err(|_| {
            ApiError::bad_request(
                "InvalidTimeStamp.Format",
                "x-acs-date must look like 2024-01-01T00:00:00Z",
            )
        })?
        .and_utc()
        .timestamp_millis();
    let now = now_ms();
    if (now - when).abs() > MAX_SKEW_MS {
        return Err(ApiError::bad_request(
            "InvalidTimeStamp.Expired",
            "Specified time stamp or date value is expired: x-acs-date must be within 15 minutes of the server's time.",
        ));
    }
    Ok(when)
}

/// Recomputes the signature over the canonical request and compares it
/// with the one sent; returns the signed header names, sorted.
fn check_signature(
    state: &State,
    auth: &sign::Authorization,
    method: &str,
    path: &str,
    raw_query: Option<&str>,
    headers: &HeaderMap,
    body: &[u8],
) -> ApiResult<Vec<String>> {
    let hash = sign::sha256_hex(body);
    if header(headers, "x-acs-content-sha256") != Some(hash.as_str()) {
        return Err(ApiError::bad_request(
            "SignatureDoesNotMatch",
            "x-acs-content-sha256 does not match the SHA-256 of the request body.",
        ));
    }
    let pairs: Vec<(String, String)> = headers
        .iter()
        .filter_map(|(n, v)| {
            v.to_str()
                .ok()
                .map(|v| (n.as_str().to_owned(), v.to_owned()))
        })
        .collect();
    let mut signed = auth.signed_headers.clone();
    signed.sort();
    let query = parse_query(raw_query);
    let canonical = sign::canonical_request(&sign::Parts {
        method,
        path,
        query: &query,
        headers: &pairs,
        signed: &signed,
        payload_hash: &hash,
    });
    if !sign::verify_signature(&state.config.access_key_secret, &canonical, &auth.signature) {
        return Err(ApiError::bad_request(
            "SignatureDoesNotMatch",
            "Specified signature is not matched with our calculation.",
        ));
    }
    Ok(signed)
}

/// Remembers the nonce; a nonce seen before is a replay.
fn consume_nonce(state: &State, headers: &HeaderMap, when: i64) -> ApiResult<()> {
    let now = now_ms();
    // The nonce is checked last, so a bad request does not burn it. It is
    // kept as long as the request could be accepted: until the later of its
    // own date and now, plus the allowed skew.
    let nonce = header(headers, "x-acs-signature-nonce").unwrap_or_default();
    if nonce.is_empty() {
        return Err(ApiError::bad_request(
            "IncompleteSignature",
            "x-acs-signature-nonce is empty".to_owned(),
        ));
    }
    let expires = when.max(now) + MAX_SKEW_MS;
    let fresh = crate::db::remember_nonce(&state.db(), nonce, now, expires)?;
    if !fresh {
        return Err(ApiError::bad_request(
            "SignatureNonceUsed",
            "Specified signature nonce was used already: every request needs a new x-acs-signature-nonce.",
        ));
    }
    Ok(())
}
