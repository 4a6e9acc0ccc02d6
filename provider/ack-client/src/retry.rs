//! The retry policy: which failures are tried again, how long to wait
//! between attempts, and how cancellation and the deadline end the waiting.
//! [`backon`] runs the attempts; `Policy` is what it asks (`when` to retry,
//! how long to wait: `adjust`).
//!
//! - Throttling and failures to connect are retried for every request (the
//!   service refused it, or never saw it, before doing anything); 5xx
//!   answers and lost answers only for reads, since a mutation may have
//!   happened — mutations reconcile instead ([`Client::mutate`]).
//! - Within a deadline ([`Client::until`]: the resource's timeout) these
//!   are retried until the deadline, so an outage shorter than the timeout
//!   is waited out; without one, `max_attempts` times.
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

use std::sync::{Mutex, MutexGuard, PoisonError};

use backon::{BackoffBuilder, ConstantBuilder, ExponentialBuilder, Retryable};
use tokio_util::sync::CancellationToken;

use ack_api::model::TaskResponse;
use ack_api::request::ApiRequest;

use crate::reads::Changes;
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

/// The retry policy of one operation, as its attempts go.
struct Policy<'c> {
    client: &'c Client,
    /// When the operation started: the busy window counts from here.
    since: Instant,
    /// Mutations are not retried after an ambiguous failure (they reconcile).
    mutation: bool,
    /// Attempts that failed other than on a busy object.
    attempts: u32,
    delays: Delays,
    busy_delays: Delays,
    /// The last answer waited on, for the deadline error.
    last: Option<Error>,
    /// Set when a wait would pass the deadline: the operation ends there.
    deadline_hit: bool,
}

/// The policy, locked (never across an await; never poisoned in practice).
fn lock<'a, 'c>(policy: &'a Mutex<Policy<'c>>) -> MutexGuard<'a, Policy<'c>> {
    policy.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Policy<'_> {
    fn busy(&self, e: &Error) -> bool {
        e.is_busy() && self.since.elapsed() < self.client.cfg.busy_timeout
    }

    /// Whether `e` is tried again. Busy waits do not count as attempts.
    fn retries(&mut self, e: &Error) -> bool {
        if self.busy(e) {
            return true;
        }
        self.attempts += 1;
        let retryable =
            e.is_throttling() || e.is_unreachable() || (!self.mutation && e.is_ambiguous());
        retryable && self.client.may_retry(self.attempts)
    }

    /// The wait before the next attempt — at least the service's retry-after
    /// hint (capped at `max_backoff`) — or `None` when it would pass the
    /// deadline.
    fn wait(&mut self, e: &Error) -> Option<Duration> {
        let wait = if self.busy(e) {
            self.busy_delays.next_wait()
        } else {
            let mut wait = self.delays.next_wait();
            if let Error::Api {
                retry_after: Some(hint),
                ..
            } = e
            {
                wait = wait.max((*hint).min(self.client.cfg.max_backoff));
            }
            wait
        };
        if self.client.remaining().is_some_and(|left| left < wait) {
            self.deadline_hit = true;
            return None;
        }
        Some(wait)
    }
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
    ///
    /// backon runs the attempts; [`Policy`] decides which failures are tried
    /// again (`when`) and how long to wait first (`adjust`), and stops at the
    /// deadline.
    pub(crate) async fn send_since(
        &self,
        req: &ApiRequest,
        cancel: &CancellationToken,
        since: Instant,
        on_cancel: OnCancel,
    ) -> Result<Vec<u8>> {
        let what = format!("{} to succeed", req.action);
        let policy = Mutex::new(Policy {
            client: self,
            since,
            mutation: req.is_mutation(),
            attempts: 0,
            delays: self.delays(),
            busy_delays: self.busy_delays(),
            last: None,
            deadline_hit: false,
        });
        let sleeper = {
            let cancel = cancel.clone();
            move |d: Duration| {
                let cancel = cancel.clone();
                async move {
                    // Cancellation ends a wait at once; the next attempt
                    // then sees it and fails with `Cancelled`.
                    tokio::select! {
                        () = tokio::time::sleep(d) => {}
                        () = cancel.cancelled() => {}
                    }
                }
            }
        };
        let outcome = (|| self.attempt(req, cancel, on_cancel, &what, &policy))
            .retry(
                ConstantBuilder::new()
                    .with_delay(Duration::ZERO)
                    .without_max_times(),
            )
            .sleep(sleeper)
            .when(|e| lock(&policy).retries(e))
            .adjust(|e, _| lock(&policy).wait(e))
            .notify(|e, wait| {
                tracing::debug!(action = req.action, error = %e, wait_ms = wait.as_millis() as u64, "retrying");
                lock(&policy).last = Some(e.clone());
            })
            .await;
        match outcome {
            Err(e) if lock(&policy).deadline_hit => Err(self.deadline_error(&what, Some(&e))),
            other => other,
        }
    }

    /// One attempt: refused at once when cancelled or past the deadline.
    async fn attempt(
        &self,
        req: &ApiRequest,
        cancel: &CancellationToken,
        on_cancel: OnCancel,
        what: &str,
        policy: &Mutex<Policy<'_>>,
    ) -> Result<Vec<u8>> {
        if cancel.is_cancelled() {
            return Err(Error::Cancelled);
        }
        if self.remaining() == Some(Duration::ZERO) {
            let last = lock(policy).last.clone();
            return Err(self.deadline_error(what, last.as_ref()));
        }
        let started = Instant::now();
        let bytes = match on_cancel {
            OnCancel::Abort => tokio::select! {
                r = self.exchange(req) => r,
                () = cancel.cancelled() => return Err(Error::Cancelled),
            },
            OnCancel::FinishExchange => self.exchange(req).await,
        }?;
        tracing::debug!(
            action = req.action,
            elapsed_ms = started.elapsed().as_millis() as u64,
            "ACK API call"
        );
        Ok(bytes)
    }

    /// Runs a mutation; after an ambiguous failure asks `settled` whether the
    /// change took effect, and retries only if it did not. Busy waits count
    /// from the operation's start. The write is recorded however it ends.
    pub(crate) async fn mutate<Fut: std::future::Future<Output = Result<bool>>>(
        &self,
        req: &ApiRequest,
        changes: Changes<'_>,
        cancel: &CancellationToken,
        settled: impl Fn() -> Fut,
    ) -> Result<Option<String>> {
        let since = Instant::now();
        let what = format!("{} to succeed", req.action);
        let mut attempt = 0;
        let mut delays = self.delays();
        let outcome = async {
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
                        if !self.may_retry(attempt) {
                            return Err(e);
                        }
                    }
                    Err(e) => return Err(e),
                }
            }
        }
        .await;
        self.wrote(changes);
        outcome
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client(max_attempts: u32) -> Client {
        let mut cfg = crate::ClientConfig::new("http://127.0.0.1:9", "cn-hangzhou", "id", "secret");
        cfg.max_attempts = max_attempts;
        cfg.base_backoff = Duration::from_millis(10);
        cfg.max_backoff = Duration::from_secs(1);
        cfg.busy_timeout = Duration::from_secs(60);
        Client::new(cfg).unwrap()
    }

    fn policy(client: &Client, mutation: bool) -> Policy<'_> {
        Policy {
            client,
            since: Instant::now(),
            mutation,
            attempts: 0,
            delays: client.delays(),
            busy_delays: client.busy_delays(),
            last: None,
            deadline_hit: false,
        }
    }

    fn api(status: u16, code: &str, retry_after: Option<Duration>) -> Error {
        Error::Api {
            status,
            code: code.into(),
            message: "m".into(),
            request_id: "r".into(),
            retry_after,
        }
    }

    fn transport() -> Error {
        Error::Transport {
            endpoint: "e".into(),
            message: "connection reset".into(),
        }
    }

    #[test]
    fn throttling_is_retried_until_the_attempts_run_out() {
        let c = client(3);
        let mut p = policy(&c, true);
        let throttled = api(429, "Throttling.User", None);
        assert!(p.retries(&throttled));
        assert!(p.retries(&throttled));
        assert!(
            !p.retries(&throttled),
            "the third failure is the last attempt"
        );
    }

    #[test]
    fn ambiguous_failures_are_retried_for_reads_only() {
        let c = client(5);
        for e in [transport(), api(503, "ServiceUnavailable", None)] {
            assert!(policy(&c, false).retries(&e), "read: {e}");
            assert!(
                !policy(&c, true).retries(&e),
                "mutation reconciles instead: {e}"
            );
        }
    }

    #[test]
    fn a_failure_to_connect_is_retried_for_mutations_too() {
        let c = client(5);
        let refused = Error::Unreachable {
            endpoint: "e".into(),
            message: "tcp connect error: Connection refused (os error 111)".into(),
        };
        assert!(policy(&c, true).retries(&refused));
        assert!(policy(&c, false).retries(&refused));
    }

    #[test]
    fn within_a_deadline_attempts_are_not_counted_out() {
        let c = client(2).until(Duration::from_secs(3600));
        let mut p = policy(&c, false);
        for _ in 0..50 {
            assert!(p.retries(&transport()), "the deadline ends the retries");
        }
        let no_deadline = client(2);
        let mut p = policy(&no_deadline, false);
        assert!(p.retries(&transport()));
        assert!(!p.retries(&transport()), "max_attempts without a deadline");
    }

    #[test]
    fn final_answers_are_never_retried() {
        let c = client(5);
        for e in [
            api(400, "InvalidParameter", None),
            api(404, "ErrorClusterNotFound", None),
            Error::Cancelled,
            Error::Timeout(Duration::from_secs(1), "x".into(), None),
            Error::Decode("x".into()),
        ] {
            assert!(!policy(&c, false).retries(&e), "{e}");
        }
    }

    #[test]
    fn busy_waits_do_not_count_as_attempts_until_the_busy_window_ends() {
        let c = client(2);
        let mut p = policy(&c, true);
        let busy = api(400, "ErrorClusterState", None);
        for _ in 0..10 {
            assert!(p.retries(&busy));
        }
        assert_eq!(p.attempts, 0);
        p.since = Instant::now() - Duration::from_secs(61);
        assert!(
            !p.retries(&busy),
            "past the busy window a busy answer is final"
        );
    }

    #[test]
    fn the_services_retry_after_hint_is_the_least_wait_capped_at_max_backoff() {
        let c = client(5);
        let mut p = policy(&c, false);
        let hinted = api(429, "Throttling", Some(Duration::from_millis(700)));
        let w = p.wait(&hinted).unwrap();
        assert!(
            w >= Duration::from_millis(700) && w <= Duration::from_secs(1),
            "{w:?}"
        );
        let huge = api(429, "Throttling", Some(Duration::from_secs(3600)));
        assert_eq!(p.wait(&huge), Some(Duration::from_secs(1)));
    }

    #[test]
    fn a_wait_past_the_deadline_ends_the_operation() {
        let c = client(5).until(Duration::from_millis(5));
        let mut p = policy(&c, false);
        let hinted = api(429, "Throttling", Some(Duration::from_millis(500)));
        assert_eq!(p.wait(&hinted), None);
        assert!(p.deadline_hit);
    }

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
