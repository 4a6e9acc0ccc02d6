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
            format!("cluster {id} not found"),
        )
    }
    pub fn nodepool_not_found(id: &str) -> ApiError {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "ErrorNodePoolNotFound",
            format!("node pool {id} not found"),
        )
    }
    pub fn cluster_state(state: &str) -> ApiError {
        ApiError::bad_request(
            "ErrorClusterState",
            format!("the cluster is {state}; this operation needs it running. Wait for the current operation to finish"),
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

/// Parses a JSON request body strictly: malformed JSON, wrong types and
/// unknown fields are `InvalidParameter`.
pub fn parse_body<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> ApiResult<T> {
    if bytes.is_empty() {
        return serde_json::from_slice(b"{}")
            .map_err(|e| ApiError::invalid(format!("request body required: {e}")));
    }
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let mut unknown = Vec::new();
    let value: T = serde_ignored::deserialize(&mut de, |path| unknown.push(path.to_string()))
        .map_err(|e| ApiError::invalid(format!("request body is not valid: {e}")))?;
    de.end()
        .map_err(|e| ApiError::invalid(format!("request body is not valid: {e}")))?;
    if let Some(field) = unknown.first() {
        return Err(ApiError::invalid(format!(
            "unknown field {field:?} in request body"
        )));
    }
    Ok(value)
}
