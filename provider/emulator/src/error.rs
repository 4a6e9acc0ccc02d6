//! Errors in the real ACK body format: `{"code","message","requestId"}`,
//! with the HTTP status the service uses.

use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;

tokio::task_local! {
    /// The ID of the request being served (set by the request middleware).
    pub static REQUEST_ID: String;
}

/// The current request's ID, or a fresh one outside a request.
pub fn request_id() -> String {
    REQUEST_ID
        .try_with(Clone::clone)
        .unwrap_or_else(|_| new_request_id())
}

pub fn new_request_id() -> String {
    uuid::Uuid::new_v4().to_string().to_uppercase()
}

/// An API error as the service answers it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{status} {code}: {message}")]
pub struct ApiError {
    pub status: StatusCode,
    pub code: String,
    pub message: String,
    /// Extra response headers (rate-limit hints).
    pub headers: Vec<(&'static str, String)>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code: code.to_owned(),
            message: message.into(),
            headers: Vec::new(),
        }
    }
    pub fn bad_request(code: &str, message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, code, message)
    }
    pub fn invalid(message: impl Into<String>) -> ApiError {
        ApiError::bad_request("InvalidParameter", message)
    }
    pub fn cluster_not_found(id: &str) -> ApiError {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "ErrorClusterNotFound",
            format!("The cluster {id} does not exist."),
        )
    }
    pub fn nodepool_not_found(id: &str) -> ApiError {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "ErrorNodePoolNotFound",
            format!("The node pool {id} does not exist."),
        )
    }
    pub fn cluster_state(state: &str) -> ApiError {
        ApiError::bad_request(
            "ErrorClusterState",
            format!("The cluster is {state}; the operation is allowed when it is running."),
        )
    }
    /// The edition catalog refused something.
    pub fn edition(message: impl Into<String>) -> ApiError {
        ApiError::bad_request("ErrorClusterSpecNotSupported", message)
    }
    pub fn internal(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "InternalError", message)
    }
    pub fn throttled(time_left_ms: u64) -> ApiError {
        let mut e = ApiError::bad_request(
            "Throttling.User",
            "Request was denied due to user flow control.",
        );
        let reset = chrono::Utc::now().timestamp() + 1;
        e.headers.push((
            "x-ratelimit-user-api",
            format!("Limit:20,Remain:0,TimeLeft:{time_left_ms},Reset:{reset}"),
        ));
        // The official SDKs (tea-openapi) classify an error as throttling,
        // and wait before a retry, only when `x-acs-retry-after` carries a
        // positive number of milliseconds.
        e.headers
            .push(("x-acs-retry-after", time_left_ms.max(1).to_string()));
        e
    }
    pub fn unavailable() -> ApiError {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "ServiceUnavailable",
            "The request has failed due to a temporary failure of the server.",
        )
    }
}

impl From<rusqlite::Error> for ApiError {
    fn from(e: rusqlite::Error) -> ApiError {
        tracing::error!(error = %e, "database error");
        ApiError::internal("the service hit an internal error; retry later")
    }
}

impl From<serde_json::Error> for ApiError {
    fn from(e: serde_json::Error) -> ApiError {
        tracing::error!(error = %e, "stored document unreadable");
        ApiError::internal("the service hit an internal error; retry later")
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let id = request_id();
        let body = ack_api::model::ErrorBody {
            code: self.code,
            message: self.message,
            request_id: id.clone(),
            status: Some(self.status.as_u16()),
        };
        let mut resp = (self.status, Json(body)).into_response();
        for (name, value) in self.headers {
            if let Ok(v) = HeaderValue::from_str(&value) {
                resp.headers_mut().insert(name, v);
            }
        }
        if let Ok(v) = HeaderValue::from_str(&id) {
            resp.headers_mut().insert("x-acs-request-id", v);
        }
        resp
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

/// Parses a JSON request body as the service does: `null` values and empty
/// lists count as absent (the official SDKs send an empty list for every
/// unset list field of a nested model), fields the service does not use are
/// ignored; malformed JSON and wrong types are `InvalidParameter`, a missing
/// required field is `MissingParameter`.
pub fn parse_body<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> ApiResult<T> {
    parse_value(body_value(bytes)?)
}

/// The body as JSON, `{}` when empty, with nulls and empty lists removed.
pub fn body_value(bytes: &[u8]) -> ApiResult<serde_json::Value> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(serde_json::Value::Object(serde_json::Map::new()));
    }
    let mut v: serde_json::Value = serde_json::from_slice(bytes)
        .map_err(|e| ApiError::invalid(format!("The request body is not valid JSON: {e}")))?;
    prune(&mut v);
    Ok(v)
}

/// Removes `null` members and empty-list members of objects, recursively.
pub fn prune(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::Object(m) => {
            m.retain(|_, x| !(x.is_null() || x.as_array().is_some_and(std::vec::Vec::is_empty)));
            m.values_mut().for_each(prune);
        }
        serde_json::Value::Array(a) => a.iter_mut().for_each(prune),
        _ => {}
    }
}

/// Deserializes a pruned body; unused fields are logged, not refused.
pub fn parse_value<T: serde::de::DeserializeOwned>(v: serde_json::Value) -> ApiResult<T> {
    let mut ignored = Vec::new();
    let out: Result<T, _> = serde_ignored::deserialize(v, |path| ignored.push(path.to_string()));
    if !ignored.is_empty() {
        tracing::debug!(fields = ?ignored, "request fields not used by the emulator");
    }
    out.map_err(|e| {
        let text = e.to_string();
        match text
            .strip_prefix("missing field `")
            .and_then(|r| r.split('`').next())
        {
            Some(field) => missing(field),
            None => ApiError::invalid(format!("The request body is not valid: {text}")),
        }
    })
}

/// A required parameter is absent.
pub fn missing(field: &str) -> ApiError {
    ApiError::bad_request(
        "MissingParameter",
        format!("The input parameter \"{field}\" that is mandatory for processing this request is not supplied."),
    )
}
