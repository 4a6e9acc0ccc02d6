//! Shared reads with read-your-writes.
//!
//! Many resources read the same listing (the node pools of a cluster, the
//! clusters of the region). `Flights` lets concurrent and nearby readers
//! share one API call, under one rule: a reader joins a listing only when it
//! was **sent after every write that reader depends on**. A logical clock
//! orders the two: a write ticks it when its answer arrives; a listing takes
//! a tick just before it is sent. A reader passes the tick it needs the
//! listing to be newer than ([`After`]).

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use futures::future::{BoxFuture, FutureExt, Shared};

use super::{Client, Result};

/// A point on the client's logical clock: "a listing sent after this".
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct After(pub(crate) u64);

/// The shared listing a write changes.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Changes<'a> {
    /// The region's clusters.
    Clusters,
    /// The node pools of the cluster with this ID.
    PoolsOf(&'a str),
}

impl Client {
    /// Records a write (answered, or ended without an answer), so that
    /// later listings of what it changes are sent after it.
    pub(crate) fn wrote(&self, changes: Changes<'_>) -> After {
        match changes {
            Changes::Clusters => self.clusters.wrote(super::clusters::REGION),
            Changes::PoolsOf(cluster_id) => self.pools.wrote(cluster_id),
        }
    }
}

type Fut<T> = Shared<BoxFuture<'static, Result<Arc<T>>>>;

struct Flight<T> {
    /// Tick taken just before the request was sent.
    sent: u64,
    at: Instant,
    fut: Fut<T>,
}

/// Listings by key (a cluster ID, or `""` for the region), shared under
/// read-your-writes, kept for at most `max_age`.
pub(crate) struct Flights<T> {
    clock: Arc<AtomicU64>,
    max_age: Duration,
    inner: Mutex<Inner<T>>,
}

struct Inner<T> {
    flights: HashMap<String, Flight<T>>,
    /// Tick of the last write this process made to each key.
    writes: HashMap<String, u64>,
}

impl<T: Send + Sync + 'static> Flights<T> {
    pub(crate) fn new(clock: Arc<AtomicU64>, max_age: Duration) -> Flights<T> {
        Flights {
            clock,
            max_age,
            inner: Mutex::new(Inner {
                flights: HashMap::new(),
                writes: HashMap::new(),
            }),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner<T>> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The current tick: a listing joined with it was sent after now.
    pub(crate) fn now(&self) -> After {
        After(self.clock.load(Ordering::SeqCst))
    }

    /// Records a write to `key` (its answer arrived, or the write ended
    /// without one); returns its tick.
    pub(crate) fn wrote(&self, key: &str) -> After {
        let tick = self.clock.fetch_add(1, Ordering::SeqCst) + 1;
        self.lock().writes.insert(key.to_owned(), tick);
        After(tick)
    }

    /// The listing of `key` sent after `after` (joined, or made by `fetch`).
    /// Returns it with the tick it was sent at, for a caller that polls and
    /// wants each answer newer than the last.
    pub(crate) async fn get<F>(&self, key: &str, after: After, fetch: F) -> (Result<Arc<T>>, After)
    where
        F: FnOnce() -> BoxFuture<'static, Result<T>>,
    {
        let (fut, sent) = {
            let mut inner = self.lock();
            let after = after.max(After(inner.writes.get(key).copied().unwrap_or(0)));
            match inner.flights.get(key) {
                Some(f)
                    if f.sent > after.0
                        && f.at.elapsed() <= self.max_age
                        && !matches!(f.fut.peek(), Some(Err(_))) =>
                {
                    (f.fut.clone(), f.sent)
                }
                _ => {
                    let sent = self.clock.fetch_add(1, Ordering::SeqCst) + 1;
                    let fut = fetch().map(|r| r.map(Arc::new)).boxed().shared();
                    inner.flights.insert(
                        key.to_owned(),
                        Flight {
                            sent,
                            at: Instant::now(),
                            fut: fut.clone(),
                        },
                    );
                    (fut, sent)
                }
            }
        };
        (fut.await, After(sent))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;

    fn counter() -> (
        Arc<AtomicUsize>,
        impl Fn() -> BoxFuture<'static, Result<u32>> + Clone,
    ) {
        let calls = Arc::new(AtomicUsize::new(0));
        let c = calls.clone();
        (calls, move || {
            let n = c.fetch_add(1, Ordering::SeqCst) as u32;
            async move { Ok(n) }.boxed()
        })
    }

    #[tokio::test]
    async fn readers_share_until_a_write_then_need_a_newer_listing() {
        let f = Flights::<u32>::new(Arc::default(), Duration::from_secs(60));
        let (calls, fetch) = counter();
        let (a, sent_a) = f.get("c", After::default(), fetch.clone()).await;
        let (b, _) = f.get("c", After::default(), fetch.clone()).await;
        assert_eq!((*a.unwrap(), *b.unwrap()), (0, 0), "shared");
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        // A poller that saw listing `sent_a` needs a newer one.
        let (c, _) = f.get("c", sent_a, fetch.clone()).await;
        assert_eq!(*c.unwrap(), 1);
        // A write makes every later reader of that key wait for a newer listing.
        f.wrote("c");
        let (d, _) = f.get("c", After::default(), fetch.clone()).await;
        assert_eq!(*d.unwrap(), 2);
        // Other keys are not affected.
        let (e, _) = f.get("other", After::default(), fetch.clone()).await;
        assert_eq!(*e.unwrap(), 3);
        let (g, _) = f.get("other", After::default(), fetch).await;
        assert_eq!(*g.unwrap(), 3);
    }

    #[tokio::test]
    async fn failures_are_not_kept() {
        let f = Flights::<u32>::new(Arc::default(), Duration::from_secs(60));
        let (r, _) = f
            .get("c", After::default(), || {
                async { Err(super::super::Error::Cancelled) }.boxed()
            })
            .await;
        assert!(r.is_err());
        let (r, _) = f
            .get("c", After::default(), || async { Ok(7) }.boxed())
            .await;
        assert_eq!(*r.unwrap(), 7);
    }

    #[tokio::test]
    async fn listings_expire() {
        let f = Flights::<u32>::new(Arc::default(), Duration::ZERO);
        let (calls, fetch) = counter();
        let _ = f.get("c", After::default(), fetch.clone()).await;
        tokio::time::sleep(Duration::from_millis(2)).await;
        let _ = f.get("c", After::default(), fetch).await;
        assert_eq!(calls.load(Ordering::SeqCst), 2);
    }
}
