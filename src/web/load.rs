//! How busy this instance is ([`crate::instance::Load`]): the requests its
//! handlers are working on right now, counted here (from the request's
//! arrival to its response's head; a live stream or a video socket counts
//! only until it is opened).
//!
//! The outbox's drain reads it (`mail::worker::drain`): after a
//! rush thousands of confirmations are due at once, and delivering them
//! round after round takes the CPU the rush itself needs. While requests
//! queue up (by Little's law, many in flight means the instance is
//! saturated) the drain keeps to one round a tick; when the instance is
//! quiet it delivers the backlog flat out.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;

/// Counts every request while its handler runs.
pub async fn middleware(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let _counted = req
        .app_data::<super::State>()
        .map(|s| s.instance.load.enter());
    Ok(next.call(req).await?.map_into_boxed_body())
}
