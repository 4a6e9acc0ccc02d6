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
    /// The request may have reached the service; no answer came back
    /// (connection lost, request timed out).
    #[error("no answer from the ACK API at {endpoint}: {message}")]
    Transport { endpoint: String, message: String },
    /// No connection could be made (refused, no route, name not resolved):
    /// nothing reached the service, so any request may be sent again.
    #[error("could not connect to the ACK API at {endpoint}: {message}")]
    Unreachable { endpoint: String, message: String },
    #[error("the ACK API answered something unreadable: {0}")]
    Decode(String),
    /// The deadline passed: the limit, what was awaited (with the last
    /// answer in words), and that last answer itself when there was one.
    #[error("timed out after {limit} waiting for {1}", limit = human(*.0))]
    Timeout(Duration, String, Option<Box<Error>>),
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
                    "ErrorClusterNotFound"
                        | "ErrorNodePoolNotFound"
                        | "ErrorBackupPolicyNotFound"
                        | "AddonNotFound"
                        | "InspectConfigNotFound"
                )
            )
    }

    pub fn is_throttling(&self) -> bool {
        self.code()
            .is_some_and(|c| c.starts_with("Throttling") || c == "Rejected.Throttling")
    }

    /// The object is busy with another operation, or changed too recently
    /// (a KMS key may change once per few minutes); nothing was done, and
    /// the same request succeeds later.
    pub fn is_busy(&self) -> bool {
        matches!(
            self.code(),
            Some(
                "ErrorClusterState"
                    | "ErrorNodePoolState"
                    | "ErrorAddonState"
                    | "Conflict.KMSEncryption"
            )
        )
    }

    /// Nothing reached the service: safe to send again, whatever it was.
    pub fn is_unreachable(&self) -> bool {
        matches!(self, Error::Unreachable { .. })
    }

    /// The service gave no answer at all — no connection, or none came
    /// back — also when that is why a deadline passed. The state of the
    /// object is then unknown, not failed: read it back later.
    pub fn is_unanswered(&self) -> bool {
        match self {
            Error::Unreachable { .. } | Error::Transport { .. } => true,
            Error::Timeout(_, _, Some(last)) => last.is_unanswered(),
            _ => false,
        }
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
