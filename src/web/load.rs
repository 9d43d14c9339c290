//! How busy this instance is: the requests its handlers are working on
//! right now (from the request's arrival to its response's head; a live
//! stream or a video socket counts only until it is opened).
//!
//! The outbox's drain reads it (`mail::worker::drain`): after a
//! rush thousands of confirmations are due at once, and delivering them
//! round after round takes the CPU the rush itself needs. While requests
//! queue up (by Little's law, many in flight means the instance is
//! saturated) the drain keeps to one round a tick; when the instance is
//! quiet it delivers the backlog flat out.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;

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

/// Counts every request while its handler runs.
pub async fn middleware(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let _counted = req.app_data::<super::State>().map(|s| s.load.enter());
    Ok(next.call(req).await?.map_into_boxed_body())
}

#[cfg(test)]
mod tests {
    use super::*;

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
