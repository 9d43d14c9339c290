//! Booking a session, reading, rescheduling and cancelling it.

use crate::web::body::Json;
use actix_web::web::Path;
use actix_web::{HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{fresh, ok, vocab, Reply};
use crate::app::booking::{self, Placed};
use crate::app::error::{AppError, AppResult};
use crate::db::bookings::{self as store, BookingView};
use crate::db::run;
use crate::domain::booking_code;
use crate::domain::schedule::to_local;
use crate::domain::Code;
use crate::web::auth::Identity;
use crate::web::extract::{Api, SessionInUseCase};

#[derive(Deserialize, ToSchema)]
pub struct CreateBooking {
    pub slot_id: i64,
    pub claim_id: i64,
}

#[derive(Deserialize, ToSchema)]
pub struct RescheduleBooking {
    pub slot_id: i64,
}

#[derive(Serialize, ToSchema)]
pub struct BookingBranch {
    pub code: String,
    pub name: String,
    pub timezone: String,
    pub zone: String,
    pub address: String,
}

#[derive(Serialize, ToSchema)]
pub struct BookingBody {
    pub code: String,
    pub slot_id: i64,
    pub claim_id: i64,
    #[schema(value_type = vocab::BookingStatus)]
    pub status: String,
    /// RFC 3339 in the branch's own offset.
    #[schema(format = DateTime)]
    pub starts_at: String,
    #[schema(format = DateTime)]
    pub ends_at: String,
    pub branch: BookingBranch,
}

pub fn body(v: &BookingView) -> BookingBody {
    let tz = v.branch.tz();
    BookingBody {
        code: v.booking.code.clone(),
        slot_id: v.booking.slot_id,
        claim_id: v.booking.claim_id,
        status: v.booking.status.to_string(),
        starts_at: to_local(tz, v.slot.starts_at).to_rfc3339(),
        ends_at: to_local(tz, v.slot.ends_at).to_rfc3339(),
        branch: BookingBranch {
            code: v.branch.code.clone(),
            name: v.branch.name.clone(),
            timezone: v.branch.timezone.clone(),
            zone: v.branch.zone_label().into(),
            address: v.branch.address.clone(),
        },
    }
}

fn idempotency_key(req: &HttpRequest) -> AppResult<Option<String>> {
    match req.headers().get("idempotency-key") {
        None => Ok(None),
        Some(v) => {
            let k = v
                .to_str()
                .map_err(|_| AppError::bad_request(Code::InvalidIdempotencyKey))?
                .trim();
            if k.is_empty() || k.len() > 100 || !k.bytes().all(|b| b.is_ascii_graphic()) {
                return Err(AppError::bad_request(Code::InvalidIdempotencyKey));
            }
            Ok(Some(k.to_string()))
        }
    }
}

fn code_of(raw: &str) -> AppResult<String> {
    booking_code::normalize(raw).ok_or_else(|| AppError::not_found(Code::BookingNotFound))
}

/// Books a session for the participant's claim. With `Idempotency-Key`, a
/// repeated request returns the first booking (200) instead of a second.
#[utoipa::path(post, path = "/api/v1/bookings", request_body = CreateBooking,
    params(("Idempotency-Key" = Option<String>, Header, description = "makes retries safe")),
    responses((status = 201, body = BookingBody), (status = 200, body = BookingBody, description = "replayed"),
        (status = 404, body = super::ErrorBody), (status = 409, body = super::ErrorBody), (status = 422, body = super::ErrorBody)),
    security(("bearer" = [])))]
pub async fn create(
    req: HttpRequest,
    SessionInUseCase(api): SessionInUseCase,
    b: Json<CreateBooking>,
) -> Reply {
    let pid = api.who.participant_id()?;
    let key = idempotency_key(&req)?;
    let sid = api.who.sid().to_string();
    let placed = booking::place(&api.ctx, pid, sid, b.claim_id, b.slot_id, key).await?;
    Ok(match placed {
        Placed::Created(v) => fresh(true, body(&v)),
        Placed::Replayed(v) => fresh(false, body(&v)),
        Placed::InDraw(r) => HttpResponse::Accepted().json(draw_body(&r)),
    })
}

/// A booking, to its owner and to staff of its branch (admins, auditors: all).
#[utoipa::path(get, path = "/api/v1/bookings/{code}", params(("code" = String, Path)),
    responses((status = 200, body = BookingBody), (status = 404, body = super::ErrorBody)), security(("bearer" = [])))]
pub async fn get(api: Api, path: Path<String>) -> Reply {
    let code = code_of(&path)?;
    let v = run(&api.ctx.db, move |db| {
        db.read(|c| -> AppResult<_> {
            match store::find_by_code(c, &code)? {
                Some(b) => Ok(store::view(c, b)?),
                None => Ok(None),
            }
        })
    })
    .await?
    .ok_or_else(|| AppError::not_found(Code::BookingNotFound))?;
    let visible = match &api.who {
        Identity::Participant { id, .. } => v.booking.participant_id == *id,
        Identity::Staff { .. } => api.who.staff_covers_branch(&v.branch.code),
        Identity::Device { .. } => false,
    };
    if !visible {
        return Err(AppError::not_found(Code::BookingNotFound));
    }
    ok(body(&v))
}

/// Moves the booking to another session; the old seat is kept unless the
/// new one was taken.
#[utoipa::path(post, path = "/api/v1/bookings/{code}/reschedule", params(("code" = String, Path)), request_body = RescheduleBooking,
    responses((status = 200, body = BookingBody), (status = 404, body = super::ErrorBody), (status = 409, body = super::ErrorBody), (status = 422, body = super::ErrorBody)),
    security(("bearer" = [])))]
pub async fn reschedule(api: Api, path: Path<String>, b: Json<RescheduleBooking>) -> Reply {
    let pid = api.who.participant_id()?;
    let code = code_of(&path)?;
    let ctx = &api.ctx;
    let v = booking::reschedule(ctx, pid, code, b.slot_id).await?;
    ok(body(&v))
}

/// Cancels the booking; its seat is free again at once.
#[utoipa::path(delete, path = "/api/v1/bookings/{code}", params(("code" = String, Path)),
    responses((status = 200, description = "{\"status\":\"cancelled\"}"), (status = 404, body = super::ErrorBody), (status = 409, body = super::ErrorBody)),
    security(("bearer" = [])))]
pub async fn cancel(api: Api, path: Path<String>) -> Reply {
    let pid = api.who.participant_id()?;
    let code = code_of(&path)?;
    let ctx = &api.ctx;
    let v = booking::cancel(ctx, pid, code).await?;
    ok(serde_json::json!({"status": "cancelled", "code": v.booking.code}))
}

/// A request in a new day's draw (`202` from `POST /bookings` while the
/// day is being released by draw).
#[derive(serde::Serialize, ToSchema)]
pub struct DrawRequestBody {
    pub id: i64,
    #[schema(value_type = vocab::DrawStatus)]
    pub status: String,
    pub branch: String,
    #[schema(format = Date)]
    pub date: String,
    pub slot_id: i64,
    /// When the draw is held (RFC 3339, UTC).
    #[schema(format = DateTime)]
    pub draw_at: String,
    /// The booking a won request became.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub booking_code: Option<String>,
}

fn draw_body(r: &crate::db::draws::DrawRequest) -> DrawRequestBody {
    DrawRequestBody {
        id: r.id,
        status: r.status.as_str().to_string(),
        branch: r.branch_code.clone(),
        date: r.local_date.to_string(),
        slot_id: r.slot_id,
        draw_at: r.draw_at.and_utc().to_rfc3339(),
        booking_code: None,
    }
}

/// The participant's request in a new day's draw.
#[utoipa::path(get, path = "/api/v1/draw-requests/{id}", params(("id" = i64, Path)),
    responses((status = 200, body = DrawRequestBody), (status = 404, body = super::ErrorBody)), security(("bearer" = [])))]
pub async fn draw_request(api: Api, path: Path<i64>) -> Reply {
    let pid = api.who.participant_id()?;
    let (r, code) = crate::app::draw::request(&api.ctx, pid, path.into_inner()).await?;
    ok(DrawRequestBody {
        booking_code: code,
        ..draw_body(&r)
    })
}

#[derive(serde::Deserialize, ToSchema)]
pub struct ReleaseRequest {
    #[schema(value_type = vocab::ReleaseMode)]
    pub mode: String,
    /// The draw's collection window, 5–720 minutes (default 30).
    pub draw_minutes: Option<i32>,
}

/// How a branch releases newly opened days (its supervisor, or an admin).
#[utoipa::path(put, path = "/api/v1/branches/{code}/release", params(("code" = String, Path)), request_body = ReleaseRequest,
    responses((status = 200), (status = 403, body = super::ErrorBody), (status = 404, body = super::ErrorBody), (status = 422, body = super::ErrorBody)),
    security(("bearer" = [])))]
pub async fn set_release(api: Api, path: Path<String>, body: Json<ReleaseRequest>) -> Reply {
    let b = body.into_inner();
    let branch =
        crate::app::draw::set_release(&api.ctx, path.into_inner(), b.mode, b.draw_minutes).await?;
    ok(
        serde_json::json!({"branch": branch.code, "mode": branch.release_mode, "draw_minutes": branch.draw_minutes}),
    )
}
