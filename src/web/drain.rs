//! Graceful shutdown, for rolling restarts behind a load balancer.
//!
//! SIGTERM (or SIGINT) starts the drain: `/ready` answers 503 `draining`,
//! every new request is answered `503 draining` with `Retry-After: 1` and
//! `Connection: close` before any handler runs (so nothing was done and a
//! balancer may retry it on another instance, as nginx does with
//! `proxy_next_upstream … http_503 non_idempotent`), live streams end and
//! video signaling sockets close with 1012 "service restart" so browsers
//! reconnect elsewhere. Requests already running finish. After the drain
//! period (`ANTRE_DRAIN_SECONDS`) the listener closes and the process exits
//! once in-flight requests are done (at most 5 s more). A second signal
//! stops at once.

use std::time::Duration;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServerHandle, ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;

use crate::app::error::AppError;
use crate::domain::Code;
use crate::instance::Drain;

/// Refuses new requests while draining; `/health` and `/ready` still
/// answer (the latter with 503).
pub async fn middleware(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let draining = req
        .app_data::<super::State>()
        .is_some_and(|s| s.instance.stop.is_on());
    if !draining || matches!(req.path(), "/health" | "/ready") {
        return Ok(next.call(req).await?.map_into_boxed_body());
    }
    let (http, _) = req.into_parts();
    let lang = super::lang::of_request(&http);
    let body = AppError::unavailable(Code::Draining, "draining").body(lang);
    let res = actix_web::HttpResponse::ServiceUnavailable()
        .insert_header(("retry-after", "1"))
        .force_close()
        .json(body);
    Ok(ServiceResponse::new(http, res))
}

/// Waits for SIGTERM or SIGINT, drains for `period`, then stops the server
/// gracefully; a second signal meanwhile stops it at once.
pub async fn on_signals(drain: Drain, server: ServerHandle, period: Duration) {
    let Ok(mut term) =
        actix_web::rt::signal::unix::signal(actix_web::rt::signal::unix::SignalKind::terminate())
    else {
        tracing::warn!("cannot listen for SIGTERM: no graceful shutdown");
        return;
    };
    let signal = async {
        tokio::select! {
            _ = term.recv() => "SIGTERM",
            _ = actix_web::rt::signal::ctrl_c() => "SIGINT",
        }
    };
    let first = signal.await;
    println!(
        "Antre: {first}, draining for {} ms, then stopping",
        period.as_millis()
    );
    drain.begin();
    let again = async {
        tokio::select! {
            _ = term.recv() => {},
            _ = actix_web::rt::signal::ctrl_c() => {},
        }
    };
    tokio::select! {
        _ = actix_web::rt::time::sleep(period) => server.stop(true).await,
        _ = again => {
            println!("Antre: second signal, stopping now");
            server.stop(false).await;
        }
    }
}
