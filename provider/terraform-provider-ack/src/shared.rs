//! What the provider and its resources share in one process: the resolved
//! configuration, the API client, the plan registry and the quotas. In a
//! module of its own so that resources need not import the provider module
//! (which imports every resource).

use std::sync::OnceLock;

use crate::config::ProviderConfig;
use crate::registry::Registry;

/// State shared by the provider and its resources.
#[derive(Debug, Default)]
pub struct Shared {
    /// Set by ConfigureProvider; unset while the block holds unknown values.
    pub config: OnceLock<ProviderConfig>,
    /// The API client, built (without any network call) by ConfigureProvider.
    pub client: OnceLock<ack_client::Client>,
    /// Planned editions and node pool sizes of this process's plan.
    pub registry: Registry,
    /// The account's quotas, read once per process (or why they could not be).
    pub quota: tokio::sync::OnceCell<Result<ack_api::model::UserQuota, String>>,
}
