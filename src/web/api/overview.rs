//! The head office overview over HTTP (admin, auditor): every branch's
//! live figures, and a live stream that says when any floor changed.

use crate::web::body::Query;
use actix_web::HttpRequest;
use serde::Deserialize;
use utoipa::IntoParams;

use super::{ok, Reply};
use crate::app::overview::{self as app, Overview};
use crate::web::extract::Api;
use crate::web::live;

#[derive(Deserialize, IntoParams)]
pub struct OverviewQuery {
    /// Flag a branch whose longest wait reaches this many minutes (1–600,
    /// default 60).
    pub threshold_minutes: Option<String>,
}

/// Every branch now: open sessions, waiting, on-duty agents, served today,
/// booking quota left for the next 7 days, the longest wait and an alert
/// (`wait_over_threshold`, `nobody_on_duty`).
#[utoipa::path(get, path = "/api/v1/overview/branches", params(OverviewQuery),
    responses((status = 200, body = Overview), (status = 401, body = super::ErrorBody),
        (status = 403, body = super::ErrorBody), (status = 422, body = super::ErrorBody)),
    security(("bearer" = [])))]
pub async fn branches(api: Api, q: Query<OverviewQuery>) -> Reply {
    ok(app::overview(&api.ctx, q.threshold_minutes.as_deref()).await?)
}

/// Live events of every branch's floor (Server-Sent Events), for the
/// overview page to refresh itself; from any instance (the events are
/// rows in the shared database).
pub async fn events(req: HttpRequest, api: Api) -> Reply {
    app::require_head_office(&api.ctx)?;
    let since = live::last_event_id(&req);
    Ok(live::sse(&api.state, since, |_| true))
}
