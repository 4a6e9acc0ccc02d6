//! The client's errors: what the service answered (code, message, request
//! ID, how long to wait), or what went wrong on the way.

use std::time::Duration;

/// Errors from the API or on the way to it. Messages never contain secrets.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    #[error("{code}: {message} (HTTP {status}, request {request_id})")]
    Api {
        status: u16,
        code: String,
        message: String,
        request_id: String,
        /// How long the service asked us to wait (throttling).
        retry_after: Option<Duration>,
    },
    #[error("could not reach the ACK API at {endpoint}: {message}")]
    Transport { endpoint: String, message: String },
    #[error("the ACK API answered something unreadable: {0}")]
    Decode(String),
    #[error("timed out after {limit} waiting for {1}", limit = human(*.0))]
    Timeout(Duration, String),
    #[error("cancelled")]
    Cancelled,
    #[error("{0}")]
    Failed(String),
}

/// `90s` → `1m30s`, the way users write `timeouts`.
pub fn human(d: Duration) -> String {
    let s = d.as_secs();
    let (h, m, sec) = (s / 3600, s % 3600 / 60, s % 60);
    let mut out = String::new();
    if h > 0 {
        out += &format!("{h}h");
    }
    if m > 0 {
        out += &format!("{m}m");
    }
    if sec > 0 || out.is_empty() {
        if s == 0 && d.subsec_millis() > 0 {
            return format!("{}ms", d.subsec_millis());
        }
        out += &format!("{sec}s");
    }
    out
}

impl Error {
    pub fn code(&self) -> Option<&str> {
        match self {
            Error::Api { code, .. } => Some(code),
            _ => None,
        }
    }

    pub fn is_not_found(&self) -> bool {
        matches!(self, Error::Api { status: 404, .. })
            || matches!(
                self.code(),
                Some(
                    "ErrorClusterNotFound" | "ErrorNodePoolNotFound" | "ErrorBackupPolicyNotFound"
                )
            )
    }

    pub fn is_throttling(&self) -> bool {
        self.code()
            .is_some_and(|c| c.starts_with("Throttling") || c == "Rejected.Throttling")
    }

    /// The object is busy with another operation; nothing was done.
    pub fn is_busy(&self) -> bool {
        matches!(
            self.code(),
            Some("ErrorClusterState" | "ErrorNodePoolState" | "ErrorAddonState")
        )
    }

    /// The service may or may not have acted (5xx, connection lost).
    pub fn is_ambiguous(&self) -> bool {
        matches!(
            self,
            Error::Api {
                status: 500..=599,
                ..
            } | Error::Transport { .. }
        )
    }
}

pub type Result<T> = std::result::Result<T, Error>;
