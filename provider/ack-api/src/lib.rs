//! The ACK API contract shared by the provider, the client, the emulator
//! and the `check` command: serde types for the CS 2015-12-15 operations we
//! use, the edition catalog (the one table of tier rules), Kubernetes
//! version rules, the validation rules of values (`rules`), request
//! builders and ACS3-HMAC-SHA256 request signing.
//!
//! No I/O happens here: no HTTP client, no network, no async runtime —
//! sending requests is `ack-client`'s job, serving them `ack-emulator`'s.

pub mod addons;
pub mod capacity;
pub mod edition;
pub mod lifecycle;
pub mod model;
pub mod request;
pub mod rules;
pub mod scheduler;
pub mod sign;
pub mod versions;

/// API version sent in `x-acs-version`.
pub const API_VERSION: &str = "2015-12-15";
