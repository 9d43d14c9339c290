//! The branch floor over HTTP: kiosk arrivals, the CS console, the display
//! board, supervisor controls and the live event streams.

use crate::web::body::Json;
use actix_web::web::Path;
use actix_web::{HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::claims::CreateClaimRequest;
use super::{created, fresh, ok, vocab, Reply};
use crate::app::floor::walkin::{self, WalkIn as WalkInRegisterRequest};
use crate::app::floor::{self as app, console, devices};
use crate::db::floor::Arrival;
use crate::domain::floor::{BoardBody, ConsoleSession, WaitRange};
use crate::web::extract::{Api, Public};
use crate::web::live;

#[derive(Deserialize, ToSchema)]
pub struct ArrivalRequest {
    /// The participant's NIK (the ticket is tied to the e-KTP).
    pub nik: String,
    /// Set by a greeter (supervisor).
    #[schema(value_type = Option<vocab::Priority>)]
    pub priority: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct ArrivalBody {
    pub ticket: String,
    #[schema(value_type = vocab::TicketKind)]
    pub kind: String,
    /// Place in line (0 once called).
    pub position: Option<u32>,
    pub estimated_wait_minutes: Option<u32>,
    /// The wait shown on the ticket, as a range (issue 17); none once
    /// called or while nobody is on duty.
    pub estimated_wait_range: Option<WaitRange>,
    #[schema(value_type = vocab::TicketStatus)]
    pub status: String,
}

/// Issues today's ticket for a NIK (kiosk device or the branch's
/// supervisor): a check-in with a booking here today (from 30 minutes
/// before its session to its end), otherwise a walk-in ticket.
#[utoipa::path(post, path = "/api/v1/branches/{code}/arrivals", params(("code" = String, Path)), request_body = ArrivalRequest,
    responses((status = 201, body = ArrivalBody), (status = 200, body = ArrivalBody, description = "the NIK's ticket of today"),
        (status = 403, body = super::ErrorBody), (status = 409, body = super::ErrorBody), (status = 422, body = super::ErrorBody)),
    security(("bearer" = [])))]
pub async fn arrive(api: Api, path: Path<String>, body: Json<ArrivalRequest>) -> Reply {
    let a = app::arrive(
        &api.ctx,
        path.into_inner(),
        &body.nik,
        body.priority.as_deref(),
    )
    .await?;
    Ok(arrival_response(&a))
}

/// 201 with a new ticket, 200 with the NIK's ticket of today.
fn arrival_response(a: &Arrival) -> HttpResponse {
    fresh(!a.repeated, arrival_body(a))
}

pub fn arrival_body(a: &Arrival) -> ArrivalBody {
    ArrivalBody {
        ticket: a.ticket.number.clone(),
        kind: a.ticket.kind.clone(),
        position: a.position,
        estimated_wait_minutes: a.estimated_wait_minutes,
        estimated_wait_range: a.wait_range,
        status: a.ticket.status.to_string(),
    }
}

#[derive(Deserialize, ToSchema)]
pub struct StatusRequest {
    #[schema(value_type = vocab::AgentStatus)]
    pub status: String,
}

/// A CS agent goes on duty, pauses or signs off.
#[utoipa::path(put, path = "/api/v1/console/status", request_body = StatusRequest,
    responses((status = 200), (status = 403, body = super::ErrorBody), (status = 409, body = super::ErrorBody), (status = 422, body = super::ErrorBody)),
    security(("bearer" = [])))]
pub async fn set_status(api: Api, body: Json<StatusRequest>) -> Reply {
    let row = console::own_status(&api.ctx, &body.status).await?;
    ok(serde_json::json!({"status": row.status, "seats": row.seats, "active": row.active}))
}

/// The agent's active sessions.
#[utoipa::path(get, path = "/api/v1/console/sessions", responses((status = 200, body = [ConsoleSession]), (status = 403, body = super::ErrorBody)), security(("bearer" = [])))]
pub async fn sessions(api: Api) -> Reply {
    let sessions: Vec<ConsoleSession> = console::sessions(&api.ctx).await?;
    ok(sessions)
}

#[derive(Deserialize, ToSchema)]
pub struct FinishRequest {
    #[schema(value_type = vocab::FinishOutcome)]
    pub outcome: String,
}

/// Ends a session. `verified` needs every document accepted.
#[utoipa::path(post, path = "/api/v1/console/sessions/{id}/finish", params(("id" = i64, Path)), request_body = FinishRequest,
    responses((status = 200), (status = 404, body = super::ErrorBody), (status = 409, body = super::ErrorBody), (status = 422, body = super::ErrorBody)),
    security(("bearer" = [])))]
pub async fn finish(api: Api, path: Path<i64>, body: Json<FinishRequest>) -> Reply {
    let outcome = console::parse_outcome(&body.outcome)?;
    let s = console::finish(&api.ctx, path.into_inner(), outcome).await?;
    ok(serde_json::json!({"id": s.id, "outcome": s.outcome}))
}

/// Registers a walk-in with no online account: the session's ticket NIK,
/// with the KPJ and name (and optional email and phone) the agent typed.
#[utoipa::path(post, path = "/api/v1/console/sessions/{id}/register", params(("id" = i64, Path)), request_body = WalkInRegisterRequest,
    responses((status = 201), (status = 404, body = super::ErrorBody), (status = 409, body = super::ErrorBody), (status = 422, body = super::ErrorBody)),
    security(("bearer" = [])))]
pub async fn register_walk_in(
    api: Api,
    path: Path<i64>,
    body: Json<WalkInRegisterRequest>,
) -> Reply {
    let p = walkin::register(&api.ctx, path.into_inner(), body.into_inner()).await?;
    created(serde_json::json!({"participant_id": p.id}))
}

/// Opens the claim of the session's participant, with the same rules and
/// refusals as `POST /api/v1/claims`.
#[utoipa::path(post, path = "/api/v1/console/sessions/{id}/claims", params(("id" = i64, Path)), request_body = CreateClaimRequest,
    responses((status = 201, body = super::claims::CreatedClaim), (status = 404, body = super::ErrorBody), (status = 409, body = super::ErrorBody), (status = 422, body = super::ErrorBody)),
    security(("bearer" = [])))]
pub async fn open_walk_in_claim(
    api: Api,
    path: Path<i64>,
    body: Json<CreateClaimRequest>,
) -> Reply {
    let claim = walkin::open_claim(&api.ctx, path.into_inner(), body.into_inner()).await?;
    created(super::claims::CreatedClaim::from(&claim))
}

#[derive(Deserialize, ToSchema)]
pub struct TransferRequest {
    /// Staff id of another on-duty agent of the branch.
    pub to_agent: i64,
}

/// Hands a session to another agent of the branch.
#[utoipa::path(post, path = "/api/v1/console/sessions/{id}/transfer", params(("id" = i64, Path)), request_body = TransferRequest,
    responses((status = 200), (status = 404, body = super::ErrorBody), (status = 409, body = super::ErrorBody)), security(("bearer" = [])))]
pub async fn transfer(api: Api, path: Path<i64>, body: Json<TransferRequest>) -> Reply {
    let s = console::transfer(&api.ctx, path.into_inner(), body.to_agent).await?;
    ok(serde_json::json!({"id": s.id, "agent": s.agent_id}))
}

/// The display board of a branch (public: ticket numbers only).
#[utoipa::path(get, path = "/api/v1/branches/{code}/board", params(("code" = String, Path)), responses((status = 200, body = BoardBody), (status = 404, body = super::ErrorBody)))]
pub async fn board(public: Public, path: Path<String>) -> Reply {
    let (_, body): (_, BoardBody) = app::board(&public.ctx, path.into_inner()).await?;
    ok(body)
}

/// Live events of a branch for boards and kiosks (Server-Sent Events).
pub async fn branch_events(req: HttpRequest, public: Public, path: Path<String>) -> Reply {
    let code = path.into_inner();
    crate::app::branches::find(&public.ctx, code.clone()).await?;
    let since = live::last_event_id(&req);
    Ok(live::sse(&public.state, since, move |e| e.branch == code))
}

/// Live events for a CS agent's console: their own assignments and
/// finishes, and arrivals at their branch.
pub async fn console_events(req: HttpRequest, api: Api) -> Reply {
    let (staff_id, branch) = console::cs_of(&api.ctx.actor)?;
    let since = live::last_event_id(&req);
    Ok(live::sse(&api.state, since, move |e| {
        e.branch == branch
            && (e.agent == Some(staff_id) || e.agent.is_none() || e.kind == "document")
    }))
}

#[derive(Deserialize, ToSchema)]
pub struct DeviceRequest {
    /// kiosk or booth.
    #[schema(value_type = vocab::DeviceKind)]
    pub kind: String,
    /// For a booth computer: its booth number.
    pub booth: Option<i32>,
    pub label: Option<String>,
}

/// Issues a device credential for a kiosk or booth computer of the branch
/// (its supervisor, or an admin). The token is shown once.
#[utoipa::path(post, path = "/api/v1/branches/{code}/devices", params(("code" = String, Path)), request_body = DeviceRequest,
    responses((status = 201), (status = 403, body = super::ErrorBody), (status = 404, body = super::ErrorBody), (status = 422, body = super::ErrorBody)),
    security(("bearer" = [])))]
pub async fn issue_device(api: Api, path: Path<String>, body: Json<DeviceRequest>) -> Reply {
    let body = body.into_inner();
    let r = devices::DeviceRequest {
        kind: body.kind.trim().to_string(),
        booth: body.booth,
        label: body.label,
        ends_session: None,
    };
    let (device, token) = devices::issue(&api.ctx, path.into_inner(), r).await?;
    Ok(HttpResponse::Created().json(serde_json::json!({"id": device.id, "kind": device.kind, "token": token, "branch": device.branch_code})))
}

#[derive(Deserialize, ToSchema)]
pub struct FloorSettings {
    /// Seats per agent, 1–6.
    pub seats_per_agent: Option<i32>,
    /// Walk-in tickets per day; a negative number removes the cap.
    pub walk_in_cap: Option<i32>,
}

/// Changes a branch's floor settings (its supervisor, or an admin).
#[utoipa::path(put, path = "/api/v1/branches/{code}/floor", params(("code" = String, Path)), request_body = FloorSettings,
    responses((status = 200), (status = 403, body = super::ErrorBody), (status = 422, body = super::ErrorBody)), security(("bearer" = [])))]
pub async fn settings(api: Api, path: Path<String>, body: Json<FloorSettings>) -> Reply {
    let (seats, cap) = (body.seats_per_agent, body.walk_in_cap);
    app::settings(&api.ctx, path.into_inner(), seats, cap).await?;
    ok(serde_json::json!({"status": "ok"}))
}

/// Joins the online queue for a booked session (its owner, within the
/// check-in window: 30 minutes before the session to its end).
#[utoipa::path(post, path = "/api/v1/bookings/{code}/arrive", params(("code" = String, Path)),
    responses((status = 201, body = ArrivalBody), (status = 200, body = ArrivalBody), (status = 404, body = super::ErrorBody), (status = 409, body = super::ErrorBody)),
    security(("bearer" = [])))]
pub async fn arrive_online(api: Api, path: Path<String>) -> Reply {
    let a = app::join_online(&api.ctx, path.into_inner()).await?;
    Ok(arrival_response(&a))
}

/// The agent confirms the participant's identity in a session.
#[utoipa::path(post, path = "/api/v1/console/sessions/{id}/identity", params(("id" = i64, Path)),
    responses((status = 200), (status = 404, body = super::ErrorBody)), security(("bearer" = [])))]
pub async fn confirm_identity(api: Api, path: Path<i64>) -> Reply {
    console::confirm_identity(&api.ctx, path.into_inner()).await?;
    ok(serde_json::json!({"identity": "confirmed"}))
}
