//! What the provider and its resources share in one process: the resolved
//! configuration, the API client, the plan registry and the quotas. In a
//! module of its own so that resources need not import the provider module
//! (which imports every resource).

use std::sync::{Mutex, OnceLock, PoisonError};
use std::time::Duration;

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
    /// Set when a plan-time look-up found the API unreachable: later
    /// look-ups of this run skip at once (their checks become warnings)
    /// instead of each waiting out the same outage.
    unreachable: Mutex<Option<String>>,
}

/// How long one plan-time look-up may wait for the API, retries included.
pub const PLAN_LOOKUP_BUDGET: Duration = Duration::from_secs(10);

impl Shared {
    /// The client for plan-time look-ups, bounded by [`PLAN_LOOKUP_BUDGET`];
    /// or why there is none (the configuration is not known yet, or the API
    /// was unreachable earlier in this run).
    pub fn plan_client(&self) -> Result<ack_client::Client, String> {
        if let Some(why) = self
            .unreachable
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
        {
            return Err(format!(
                "the ACK API could not be reached earlier in this run ({why})"
            ));
        }
        match self.client.get() {
            Some(c) => Ok(c.until(PLAN_LOOKUP_BUDGET)),
            None => Err("the provider configuration is not known yet".into()),
        }
    }

    /// Records a plan-time look-up's failure: when the API gave no answer,
    /// later look-ups of this run skip at once.
    pub fn plan_lookup_failed(&self, e: &ack_client::Error) {
        if e.is_unanswered() {
            *self
                .unreachable
                .lock()
                .unwrap_or_else(PoisonError::into_inner) = Some(e.to_string());
        }
    }
}
