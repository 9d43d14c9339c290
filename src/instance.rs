//! This instance's life, shared by the web layer and the background jobs:
//! whether it is stopping ([`Drain`], begun by SIGTERM in
//! `web::drain::on_signals`; the web layer then refuses new requests and
//! hands live streams over) and how busy it is ([`Load`], counted by
//! `web::load::middleware`: the outbox's drain keeps to one round a tick
//! while requests queue up, see `mail::worker`).

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;

use tokio::sync::Notify;

/// What a background worker needs to know of the instance it runs in.
#[derive(Clone, Default)]
pub struct Instance {
    /// Its shutdown: once it begins no round is started.
    pub stop: Drain,
    /// Its requests in flight: while it is busy a tick is one round.
    pub load: Load,
}

/// Whether this instance is draining, shared by the middleware, the live
/// streams, the signaling sockets and the background workers.
#[derive(Clone, Default)]
pub struct Drain(Arc<Inner>);

#[derive(Default)]
struct Inner {
    on: AtomicBool,
    begun: Notify,
}

impl Drain {
    /// Starts the drain (once; later calls change nothing).
    pub fn begin(&self) {
        if !self.0.on.swap(true, Ordering::SeqCst) {
            self.0.begun.notify_waiters();
        }
    }

    pub fn is_on(&self) -> bool {
        self.0.on.load(Ordering::SeqCst)
    }

    /// Resolves when the drain begins (at once if it has).
    pub async fn begun(&self) {
        let notified = self.0.begun.notified();
        tokio::pin!(notified);
        notified.as_mut().enable();
        if self.is_on() {
            return;
        }
        notified.await;
    }
}

/// At most this many requests in flight and the instance counts as quiet.
pub const QUIET: usize = 2;

/// The requests in flight, shared by the middleware and the workers.
#[derive(Clone, Default)]
pub struct Load(Arc<AtomicUsize>);

impl Load {
    pub fn in_flight(&self) -> usize {
        self.0.load(Ordering::Relaxed)
    }

    /// Whether no more than [`QUIET`] requests are being handled.
    pub fn is_quiet(&self) -> bool {
        self.in_flight() <= QUIET
    }

    /// Counts a request until the guard is dropped (answered, failed, or
    /// abandoned by its client).
    pub fn enter(&self) -> InFlight {
        self.0.fetch_add(1, Ordering::Relaxed);
        InFlight(self.0.clone())
    }
}

/// One request being handled.
pub struct InFlight(Arc<AtomicUsize>);

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[tokio::test]
    async fn begun_resolves_for_waiters_before_and_after() {
        let d = Drain::default();
        assert!(!d.is_on());
        let early = tokio::spawn({
            let d = d.clone();
            async move { d.begun().await }
        });
        tokio::task::yield_now().await;
        d.begin();
        d.begin();
        tokio::time::timeout(Duration::from_secs(1), early)
            .await
            .expect("an early waiter wakes")
            .expect("task");
        tokio::time::timeout(Duration::from_secs(1), d.begun())
            .await
            .expect("a late waiter returns at once");
        assert!(d.is_on());
    }

    #[test]
    fn a_request_counts_until_its_guard_drops() {
        let load = Load::default();
        assert!(load.is_quiet());
        let held: Vec<InFlight> = (0..=QUIET).map(|_| load.enter()).collect();
        assert_eq!(load.in_flight(), QUIET + 1);
        assert!(!load.is_quiet());
        drop(held);
        assert_eq!(load.in_flight(), 0);
        assert!(load.is_quiet());
    }
}
