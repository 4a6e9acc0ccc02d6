//! The retry policy: which failures are tried again, how long to wait
//! between attempts, and how cancellation and the deadline end the waiting.
//!
//! - Throttling is retried for every request (the service refused it before
//!   doing anything); 5xx answers and transport errors only for reads, since
//!   a mutation may have happened — mutations reconcile instead
//!   ([`Client::mutate`]).
//! - A refusal because the object is busy waits and retries for up to
//!   [`ClientConfig::busy_timeout`](crate::ClientConfig::busy_timeout) from
//!   the operation's start, without counting as an attempt.
//! - The waits come from [`backon`]'s exponential backoff with jitter (see
//!   [`Delays`]); a retry-after hint from the service
//!   ([`Error::Api::retry_after`](crate::Error::Api)) makes the next wait at
//!   least that long (never longer than `max_backoff`).
//! - No wait passes the client's deadline: a wait that would fails at once
//!   with the deadline error naming the last answer; cancellation ends a
//!   wait at once.

use std::time::{Duration, Instant};

use backon::{BackoffBuilder, ExponentialBuilder};
use tokio_util::sync::CancellationToken;

use ack_api::model::TaskResponse;
use ack_api::request::ApiRequest;

use crate::{Client, Error, Result};

/// Busy waits grow to at most 64 × `base_backoff` (then stay there).
const BUSY_STEP_DOUBLINGS: u32 = 5;
/// Retries grow to at most 1024 × `base_backoff` (`max_backoff` caps sooner
/// with the defaults).
const RETRY_STEP_DOUBLINGS: u32 = 9;

/// The waits between the attempts of one operation: exponential backoff
/// from backon, starting at `base_backoff` and doubling. backon's jitter
/// adds a random extra of up to the step itself, so with the step capped at
/// half of `max_backoff` every wait lies in `[step, 2 × step)` — "equal
/// jitter": half of it fixed, half random — and never exceeds `max_backoff`.
pub(crate) struct Delays {
    steps: <ExponentialBuilder as BackoffBuilder>::Backoff,
    /// What to wait should the sequence ever end (it does not: no limit on
    /// the number of steps is set; attempts are counted by the callers).
    last: Duration,
}

impl Delays {
    fn new(base: Duration, max: Duration, doublings: u32) -> Delays {
        let cap = (max / 2).min(base.saturating_mul(1 << doublings));
        let steps = ExponentialBuilder::new()
            .with_min_delay(base.min(cap))
            .with_max_delay(cap)
            .with_factor(2.0)
            .with_jitter()
            .without_max_times()
            .build();
        Delays { steps, last: max }
    }

    /// The next wait (at least 1 ms).
    pub(crate) fn next_wait(&mut self) -> Duration {
        self.steps
            .next()
            .unwrap_or(self.last)
            .max(Duration::from_millis(1))
    }
}

/// What Terraform's cancellation does to a request already sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum OnCancel {
    /// Drop the exchange (reads, and mutations that reconcile).
    Abort,
    /// Let it finish (creates: their answer carries the new object's ID).
    FinishExchange,
}

impl Client {
    /// Waits between the attempts of one operation that retries after
    /// throttling, server or transport errors.
    pub(crate) fn delays(&self) -> Delays {
        Delays::new(
            self.cfg.base_backoff,
            self.cfg.max_backoff,
            RETRY_STEP_DOUBLINGS,
        )
    }

    /// Waits between the attempts of one operation on a busy object.
    fn busy_delays(&self) -> Delays {
        Delays::new(
            self.cfg.base_backoff,
            self.cfg.max_backoff,
            BUSY_STEP_DOUBLINGS,
        )
    }

    async fn sleep(cancel: &CancellationToken, d: Duration) -> Result<()> {
        tokio::select! {
            () = tokio::time::sleep(d) => Ok(()),
            () = cancel.cancelled() => Err(Error::Cancelled),
        }
    }

    /// Sleeps `d` unless that passes the deadline: then fails at once with
    /// the deadline error (there is no point waiting to fail).
    pub(crate) async fn pause(
        &self,
        cancel: &CancellationToken,
        d: Duration,
        what: &str,
        last: Option<&Error>,
    ) -> Result<()> {
        if self.remaining().is_some_and(|left| left < d) {
            return Err(self.deadline_error(what, last));
        }
        Self::sleep(cancel, d).await
    }

    /// [`Client::send`] for an operation that started at `since`: the busy
    /// window counts from there, not from this attempt.
    pub(crate) async fn send_since(
        &self,
        req: &ApiRequest,
        cancel: &CancellationToken,
        since: Instant,
        on_cancel: OnCancel,
    ) -> Result<Vec<u8>> {
        let mut attempt = 0;
        let mut delays = self.delays();
        let mut busy_delays = self.busy_delays();
        let what = format!("{} to succeed", req.action);
        let mut last: Option<Error> = None;
        loop {
            if cancel.is_cancelled() {
                return Err(Error::Cancelled);
            }
            if self.remaining() == Some(Duration::ZERO) {
                return Err(self.deadline_error(&what, last.as_ref()));
            }
            let started = Instant::now();
            let result = match on_cancel {
                OnCancel::Abort => tokio::select! {
                    r = self.exchange(req) => r,
                    () = cancel.cancelled() => return Err(Error::Cancelled),
                },
                OnCancel::FinishExchange => self.exchange(req).await,
            };
            let err = match result {
                Ok(b) => {
                    tracing::debug!(
                        action = req.action,
                        elapsed_ms = started.elapsed().as_millis() as u64,
                        "ACK API call"
                    );
                    return Ok(b);
                }
                Err(e) => e,
            };
            if err.is_busy() && since.elapsed() < self.cfg.busy_timeout {
                let wait = busy_delays.next_wait();
                tracing::debug!(action = req.action, error = %err, wait_ms = wait.as_millis() as u64, "object busy; waiting");
                self.pause(cancel, wait, &what, Some(&err)).await?;
                last = Some(err);
                continue;
            }
            attempt += 1;
            let retry = err.is_throttling() || (!req.is_mutation() && err.is_ambiguous());
            if !retry || attempt >= self.cfg.max_attempts {
                return Err(err);
            }
            let mut wait = delays.next_wait();
            if let Error::Api {
                retry_after: Some(hint),
                ..
            } = &err
            {
                wait = wait.max((*hint).min(self.cfg.max_backoff));
            }
            tracing::debug!(action = req.action, attempt, error = %err, wait_ms = wait.as_millis() as u64, "retrying");
            self.pause(cancel, wait, &what, Some(&err)).await?;
            last = Some(err);
        }
    }

    /// Runs a mutation; after an ambiguous failure asks `settled` whether the
    /// change took effect, and retries only if it did not. Busy waits count
    /// from the start of the whole operation.
    pub(crate) async fn mutate<F, Fut>(
        &self,
        req: &ApiRequest,
        cancel: &CancellationToken,
        settled: F,
    ) -> Result<Option<String>>
    where
        F: Fn() -> Fut,
        Fut: std::future::Future<Output = Result<bool>>,
    {
        let since = Instant::now();
        let what = format!("{} to succeed", req.action);
        let mut attempt = 0;
        let mut delays = self.delays();
        loop {
            match self.send_since(req, cancel, since, OnCancel::Abort).await {
                Ok(bytes) => {
                    let task: TaskResponse = serde_json::from_slice(&bytes).unwrap_or_default();
                    return Ok(Some(task.task_id).filter(|t| !t.is_empty()));
                }
                Err(e) if e.is_ambiguous() => {
                    attempt += 1;
                    self.pause(cancel, delays.next_wait(), &what, Some(&e))
                        .await?;
                    if settled().await? {
                        tracing::debug!(
                            action = req.action,
                            "change already applied after an ambiguous failure"
                        );
                        return Ok(None);
                    }
                    if attempt >= self.cfg.max_attempts {
                        return Err(e);
                    }
                }
                Err(e) => return Err(e),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_double_with_equal_jitter_and_never_pass_the_maximum() {
        let base = Duration::from_millis(100);
        let max = Duration::from_secs(10);
        let mut d = Delays::new(base, max, RETRY_STEP_DOUBLINGS);
        let mut step = base;
        for _ in 0..20 {
            let wait = d.next_wait();
            // backon computes in f32: allow a microsecond of rounding.
            let slack = Duration::from_micros(1);
            assert!(
                wait + slack >= step && wait <= step * 2 + slack,
                "{wait:?} for {step:?}"
            );
            assert!(wait <= max, "{wait:?}");
            step = (step * 2).min(max / 2);
        }
    }

    #[test]
    fn busy_waits_stop_growing_at_64_base_steps() {
        let base = Duration::from_millis(5);
        let mut d = Delays::new(base, Duration::from_secs(60), BUSY_STEP_DOUBLINGS);
        let waits: Vec<Duration> = (0..12).map(|_| d.next_wait()).collect();
        let slack = Duration::from_micros(1);
        assert!(waits.iter().all(|w| *w <= base * 64 + slack), "{waits:?}");
        assert!(waits[11] + slack >= base * 32, "{waits:?}");
    }
}
