//! The waiting line of a full day, and the first free seats anywhere.

use crate::web::body::{Json, Query};
use actix_web::web::Path;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{created, ok, vocab, Reply};
use crate::app::claims::parse_date;
use crate::app::waitlist::{self, Place};
use crate::domain::schedule::to_local;
use crate::web::extract::{Api, Public};

#[derive(Deserialize, ToSchema)]
pub struct JoinRequest {
    /// Branch code.
    pub branch: String,
    /// YYYY-MM-DD, the branch-local day that is full.
    #[schema(format = Date)]
    pub date: String,
    pub claim_id: i64,
}

#[derive(Serialize, ToSchema)]
pub struct PlaceBody {
    pub id: i64,
    /// 1 for the first waiting; 0 once not waiting.
    pub position: i64,
    #[schema(value_type = vocab::WaitStatus)]
    pub status: String,
    pub branch: String,
    #[schema(format = Date)]
    pub date: String,
    /// The session held for an offer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub slot_id: Option<i64>,
    /// Until when the offer holds, RFC 3339 in the branch's offset.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(format = DateTime)]
    pub expires_at: Option<String>,
}

fn body(p: &Place) -> PlaceBody {
    let e = &p.entry;
    PlaceBody {
        id: e.id,
        position: p.position,
        status: e.status.to_string(),
        branch: e.branch_code.clone(),
        date: e.local_date.to_string(),
        slot_id: e.slot_id,
        expires_at: e.expires_at.map(|t| to_local(p.tz, t).to_rfc3339()),
    }
}

/// Joins the waiting line of a full day at a branch.
#[utoipa::path(post, path = "/api/v1/waitlist", request_body = JoinRequest,
    responses((status = 201, body = PlaceBody), (status = 404, body = super::ErrorBody), (status = 409, body = super::ErrorBody), (status = 422, body = super::ErrorBody)),
    security(("bearer" = [])))]
pub async fn join(api: Api, b: Json<JoinRequest>) -> Reply {
    let pid = api.who.participant_id()?;
    let day = parse_date("date", Some(&b.date))?.ok_or_else(|| {
        crate::app::AppError::unprocessable(crate::domain::Code::InvalidDate).field("date")
    })?;
    let p = waitlist::join(&api.ctx, pid, b.branch.trim().to_string(), day, b.claim_id).await?;
    created(body(&p))
}

/// The participant's place in line.
#[utoipa::path(get, path = "/api/v1/waitlist/{id}", params(("id" = i64, Path)),
    responses((status = 200, body = PlaceBody), (status = 404, body = super::ErrorBody)), security(("bearer" = [])))]
pub async fn get(api: Api, path: Path<i64>) -> Reply {
    let pid = api.who.participant_id()?;
    ok(body(
        &waitlist::get(&api.ctx, pid, path.into_inner()).await?,
    ))
}

/// Accepts the seat held for the participant: their booking.
#[utoipa::path(post, path = "/api/v1/waitlist/{id}/accept", params(("id" = i64, Path)),
    responses((status = 201, body = super::bookings::BookingBody), (status = 404, body = super::ErrorBody), (status = 409, body = super::ErrorBody)),
    security(("bearer" = [])))]
pub async fn accept(api: Api, path: Path<i64>) -> Reply {
    let pid = api.who.participant_id()?;
    let v = waitlist::accept(&api.ctx, pid, path.into_inner()).await?;
    created(super::bookings::body(&v))
}

/// Leaves the line (declines an offer: the seat goes to the next).
#[utoipa::path(delete, path = "/api/v1/waitlist/{id}", params(("id" = i64, Path)),
    responses((status = 200, body = PlaceBody), (status = 404, body = super::ErrorBody)), security(("bearer" = [])))]
pub async fn withdraw(api: Api, path: Path<i64>) -> Reply {
    let pid = api.who.participant_id()?;
    ok(body(
        &waitlist::withdraw(&api.ctx, pid, path.into_inner()).await?,
    ))
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct FirstFreeQuery {
    /// YYYY-MM-DD: no session before this day.
    #[param(format = Date)]
    pub from: Option<String>,
    /// A province, as branches list it.
    pub province: Option<String>,
    /// WIB, WITA, WIT or an IANA zone name.
    pub timezone: Option<String>,
    /// 1–100, default 20.
    pub limit: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct FirstFreeBody {
    pub branch: String,
    pub branch_name: String,
    pub zone: String,
    pub slot_id: i64,
    /// RFC 3339 in the branch's own offset.
    #[schema(format = DateTime)]
    pub starts_at: String,
    pub available: i32,
}

/// The earliest sessions with a free seat across branches.
#[utoipa::path(get, path = "/api/v1/slots/first-free", params(FirstFreeQuery),
    responses((status = 200, body = [FirstFreeBody]), (status = 422, body = super::ErrorBody)))]
pub async fn first_free(public: Public, q: Query<FirstFreeQuery>) -> Reply {
    let from = parse_date("from", q.from.as_deref())?;
    let limit = q.limit.unwrap_or(20);
    if !(1..=100).contains(&limit) {
        return Err(
            crate::app::AppError::unprocessable(crate::domain::Code::InvalidLimit).field("limit"),
        );
    }
    let clean = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(String::from)
    };
    let found = crate::app::branches::first_free(
        &public.ctx,
        from,
        clean(&q.province),
        clean(&q.timezone),
        limit,
    )
    .await?;
    ok(found
        .iter()
        .map(|(s, b)| FirstFreeBody {
            branch: b.code.clone(),
            branch_name: b.name.clone(),
            zone: b.zone_label().into(),
            slot_id: s.id,
            starts_at: to_local(b.tz(), s.starts_at).to_rfc3339(),
            available: s.available(),
        })
        .collect::<Vec<_>>())
}
