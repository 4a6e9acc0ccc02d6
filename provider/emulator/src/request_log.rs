//! The log of mutating API requests the emulator served, for tests that
//! hold a client's requests to the API's contract (`GET /_emulator/requests`):
//! which fields each create carried, in the shape the service documents.
//! Bounded (the newest [`CAPACITY`] entries), in memory only, and with every
//! password-like field replaced before it is kept.

use std::collections::VecDeque;
use std::sync::Mutex;

use serde::Serialize;
use serde_json::Value;

/// How many requests the log keeps; older ones are dropped first.
pub const CAPACITY: usize = 4096;

/// What replaces a secret's value in the log.
pub const REDACTED: &str = "<redacted>";

/// One mutating request as received.
#[derive(Debug, Clone, Serialize)]
pub struct LoggedRequest {
    /// `x-acs-action`, e.g. `CreateCluster`.
    pub action: String,
    pub method: String,
    pub path: String,
    /// The HTTP status of the answer.
    pub status: u16,
    /// The JSON body (secrets redacted); `null` when it was not JSON.
    pub body: Value,
}

/// The log itself.
#[derive(Debug, Default)]
pub struct RequestLog(Mutex<VecDeque<LoggedRequest>>);

impl RequestLog {
    /// Keeps `entry`, its body redacted, dropping the oldest beyond
    /// [`CAPACITY`].
    pub fn record(&self, mut entry: LoggedRequest) {
        redact(&mut entry.body);
        let mut log = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if log.len() == CAPACITY {
            log.pop_front();
        }
        log.push_back(entry);
    }

    /// The logged requests for `action` (all when `None`), oldest first.
    pub fn entries(&self, action: Option<&str>) -> Vec<LoggedRequest> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .iter()
            .filter(|e| action.is_none_or(|a| e.action == a))
            .cloned()
            .collect()
    }
}

/// Whether a field name holds a secret (login passwords and the like).
fn secret(key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    k.contains("password") || k.contains("secret") || k.contains("token")
}

/// Replaces the value of every secret field, at any depth.
fn redact(v: &mut Value) {
    match v {
        Value::Object(m) => {
            for (k, x) in m.iter_mut() {
                if secret(k) && !x.is_null() {
                    *x = Value::from(REDACTED);
                } else {
                    redact(x);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(redact),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn entry(action: &str, body: Value) -> LoggedRequest {
        LoggedRequest {
            action: action.into(),
            method: "POST".into(),
            path: "/x".into(),
            status: 200,
            body,
        }
    }

    #[test]
    fn passwords_never_reach_the_log() {
        let log = RequestLog::default();
        log.record(entry(
            "CreateClusterNodePool",
            json!({"scaling_group": {"login_password": "Hunter2!x", "key_pair": null},
                   "nodes": [{"LoginPassword": "Other#1a"}]}),
        ));
        let text = serde_json::to_string(&log.entries(None)).unwrap();
        assert!(
            !text.contains("Hunter2!x") && !text.contains("Other#1a"),
            "{text}"
        );
        assert_eq!(text.matches(REDACTED).count(), 2, "{text}");
        assert!(
            text.contains("\"key_pair\":null"),
            "absent stays absent: {text}"
        );
    }

    #[test]
    fn filters_by_action_and_keeps_the_newest() {
        let log = RequestLog::default();
        for i in 0..CAPACITY + 2 {
            let action = if i % 2 == 0 { "A" } else { "B" };
            log.record(entry(action, json!({ "i": i })));
        }
        let all = log.entries(None);
        assert_eq!(all.len(), CAPACITY);
        assert_eq!(all[0].body["i"], 2, "the two oldest were dropped");
        assert!(log.entries(Some("B")).iter().all(|e| e.action == "B"));
    }
}
