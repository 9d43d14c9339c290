//! The branch floor over HTTP: kiosk arrivals, the CS console, the display
//! board, supervisor controls and the live event streams.

use actix_web::{web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::app::error::{AppError, AppResult};
use crate::db::branches::{self, Branch};
use crate::db::floor::{self, Ticket};
use crate::db::{participants, run, staff};
use crate::domain::floor::{AgentStatus, Outcome, Priority};
use crate::domain::nik;
use crate::domain::role::Role;
use crate::web::auth::{Authenticated, Identity};
use crate::web::State;

async fn load_branch(state: &State, code: String) -> AppResult<Branch> {
    run(&state.db, move |db| {
        db.read(|c| -> AppResult<_> { Ok(branches::find(c, &code)?) })
    })
    .await?
    .ok_or_else(|| AppError::not_found("branch_not_found"))
}

#[derive(Deserialize, ToSchema)]
pub struct ArrivalRequest {
    /// The participant's NIK (the ticket is tied to the e-KTP).
    pub nik: String,
    /// Set by a greeter (supervisor): elderly, disability or pregnancy.
    pub priority: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct ArrivalBody {
    pub ticket: String,
    /// walk_in or booked.
    pub kind: String,
    /// Place in line (0 once called).
    pub position: Option<u32>,
    pub estimated_wait_minutes: Option<u32>,
    /// waiting, serving, done, no_show.
    pub status: String,
}

/// Issues today's ticket for a NIK (kiosk device or the branch's
/// supervisor): a check-in with a booking here today (from 30 minutes
/// before its session to its end), otherwise a walk-in ticket.
#[utoipa::path(post, path = "/api/v1/branches/{code}/arrivals", params(("code" = String, Path)), request_body = ArrivalRequest,
    responses((status = 201, body = ArrivalBody), (status = 200, body = ArrivalBody, description = "the NIK's ticket of today"),
        (status = 403, body = super::ErrorBody), (status = 409, body = super::ErrorBody), (status = 422, body = super::ErrorBody)),
    security(("bearer" = [])))]
pub async fn arrive(
    state: State,
    req: HttpRequest,
    who: Authenticated,
    path: web::Path<String>,
    body: web::Json<ArrivalRequest>,
) -> AppResult<HttpResponse> {
    let code = path.into_inner();
    let allowed = match &who.0 {
        Identity::Device { branch, kind, .. } => branch == &code && kind == "kiosk",
        Identity::Staff { .. } => {
            who.0.staff_covers_branch(&code)
                && who
                    .0
                    .require_staff(&[Role::Admin, Role::Supervisor])
                    .is_ok()
        }
        Identity::Participant { .. } => false,
    };
    if !allowed {
        return Err(AppError::forbidden());
    }
    let priority = match body
        .priority
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        None => Priority::None,
        Some(p) => {
            if matches!(who.0, Identity::Device { .. }) {
                return Err(AppError::forbidden().detail("priority_by_greeter"));
            }
            Priority::parse(p)
                .ok_or_else(|| AppError::unprocessable("invalid_priority").field("priority"))?
        }
    };
    let a = issue_ticket(&state, &req, &who.0, code, &body.nik, priority).await?;
    let status = if a.repeated {
        actix_web::http::StatusCode::OK
    } else {
        actix_web::http::StatusCode::CREATED
    };
    Ok(HttpResponse::build(status).json(arrival_body(&a)))
}

pub fn arrival_body(a: &floor::Arrival) -> ArrivalBody {
    ArrivalBody {
        ticket: a.ticket.number.clone(),
        kind: a.ticket.kind.clone(),
        position: a.position,
        estimated_wait_minutes: a.estimated_wait_minutes,
        status: a.ticket.status.clone(),
    }
}

pub async fn issue_ticket(
    state: &State,
    req: &HttpRequest,
    who: &Identity,
    code: String,
    raw_nik: &str,
    priority: Priority,
) -> AppResult<floor::Arrival> {
    let today = state.clock.now().date_naive();
    // At the kiosk people copy the NIK as printed, often in groups.
    let typed: String = raw_nik.chars().filter(|c| !c.is_whitespace()).collect();
    let (nik, _) = nik::parse(&typed, today)?;
    let branch = load_branch(state, code).await?;
    let actor = crate::web::extract::actor(Some(who), req);
    let now = state.clock.now();
    run(&state.db, move |db| {
        db.write(|c| floor::arrive(c, &branch, nik.as_str(), now, priority, &actor))
    })
    .await
}

#[derive(Deserialize, ToSchema)]
pub struct StatusRequest {
    /// on_duty, paused or off.
    pub status: String,
}

/// A CS agent goes on duty, pauses or signs off.
#[utoipa::path(put, path = "/api/v1/console/status", request_body = StatusRequest,
    responses((status = 200), (status = 403, body = super::ErrorBody), (status = 409, body = super::ErrorBody), (status = 422, body = super::ErrorBody)),
    security(("bearer" = [])))]
pub async fn set_status(
    state: State,
    req: HttpRequest,
    who: Authenticated,
    body: web::Json<StatusRequest>,
) -> AppResult<HttpResponse> {
    let status = AgentStatus::parse(body.status.trim())
        .ok_or_else(|| AppError::unprocessable("invalid_status").field("status"))?;
    let (staff_id, branch_code) = cs_of(&who.0)?;
    let row = change_status(&state, &req, &who.0, staff_id, branch_code, status).await?;
    Ok(HttpResponse::Ok()
        .json(serde_json::json!({"status": row.status, "seats": row.seats, "active": row.active})))
}

pub async fn change_status(
    state: &State,
    req: &HttpRequest,
    who: &Identity,
    staff_id: i64,
    branch_code: String,
    status: AgentStatus,
) -> AppResult<floor::AgentRow> {
    let branch = load_branch(state, branch_code).await?;
    let actor = crate::web::extract::actor(Some(who), req);
    let now = state.clock.now();
    run(&state.db, move |db| {
        db.write(|c| floor::set_agent_status(c, staff_id, &branch, status, now, &actor))
    })
    .await
}

/// The CS agent and their branch.
pub fn cs_of(who: &Identity) -> AppResult<(i64, String)> {
    match who {
        Identity::Staff {
            id,
            role: Role::Cs,
            branch: Some(b),
            ..
        } => Ok((*id, b.clone())),
        _ => Err(AppError::forbidden().detail("cs_only")),
    }
}

#[derive(Serialize, ToSchema)]
pub struct ConsoleParticipant {
    pub name: Option<String>,
    pub nik_masked: String,
    pub kpj: Option<String>,
    pub age: Option<u32>,
    pub sex: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct ConsoleSession {
    pub id: i64,
    pub ticket: String,
    /// The booth number; null for an online participant.
    pub booth: Option<i32>,
    pub claim_id: Option<i64>,
    pub participant: ConsoleParticipant,
    pub started_at: String,
    pub online: bool,
}

pub async fn sessions_of(state: &State, staff_id: i64) -> AppResult<Vec<ConsoleSession>> {
    let today = state.clock.now().date_naive();
    run(&state.db, move |db| {
        db.read(|c| -> AppResult<_> {
            let mut out = Vec::new();
            for (s, t, booth) in floor::agent_sessions(c, staff_id)? {
                let p = match t.participant_id {
                    Some(pid) => participants::find(c, pid)?,
                    None => None,
                };
                out.push(session_body(&s, &t, booth, p.as_ref(), today));
            }
            Ok(out)
        })
    })
    .await
}

fn session_body(
    s: &floor::FloorSession,
    t: &Ticket,
    booth: Option<i32>,
    p: Option<&participants::Participant>,
    today: chrono::NaiveDate,
) -> ConsoleSession {
    ConsoleSession {
        id: s.id,
        ticket: t.number.clone(),
        booth,
        claim_id: t.claim_id,
        participant: ConsoleParticipant {
            name: p.map(|p| p.full_name.clone()),
            nik_masked: nik::mask_str(&t.nik),
            kpj: p.map(|p| p.kpj.clone()),
            age: p.and_then(|p| today.years_since(p.birth_date)),
            sex: p.map(|p| p.sex.clone()),
        },
        started_at: s.started_at.and_utc().to_rfc3339(),
        online: t.online,
    }
}

/// The agent's active sessions.
#[utoipa::path(get, path = "/api/v1/console/sessions", responses((status = 200, body = [ConsoleSession]), (status = 403, body = super::ErrorBody)), security(("bearer" = [])))]
pub async fn sessions(state: State, who: Authenticated) -> AppResult<HttpResponse> {
    let (staff_id, _) = cs_of(&who.0)?;
    Ok(HttpResponse::Ok().json(sessions_of(&state, staff_id).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct FinishRequest {
    /// verified, rejected, no_show or returned.
    pub outcome: String,
}

/// Ends a session. `verified` needs every document accepted.
#[utoipa::path(post, path = "/api/v1/console/sessions/{id}/finish", params(("id" = i64, Path)), request_body = FinishRequest,
    responses((status = 200), (status = 404, body = super::ErrorBody), (status = 409, body = super::ErrorBody), (status = 422, body = super::ErrorBody)),
    security(("bearer" = [])))]
pub async fn finish(
    state: State,
    req: HttpRequest,
    who: Authenticated,
    path: web::Path<i64>,
    body: web::Json<FinishRequest>,
) -> AppResult<HttpResponse> {
    let outcome = Outcome::parse(body.outcome.trim())
        .filter(|o| *o != Outcome::Transferred)
        .ok_or_else(|| AppError::unprocessable("invalid_outcome").field("outcome"))?;
    let s = end_session(&state, &req, &who.0, path.into_inner(), outcome).await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({"id": s.id, "outcome": s.outcome})))
}

pub async fn end_session(
    state: &State,
    req: &HttpRequest,
    who: &Identity,
    session: i64,
    outcome: Outcome,
) -> AppResult<floor::FloorSession> {
    let (staff_id, _) = cs_of(who)?;
    let actor = crate::web::extract::actor(Some(who), req);
    let now = state.clock.now();
    run(&state.db, move |db| {
        db.write(|c| floor::finish(c, staff_id, session, outcome, now, &actor))
    })
    .await
}

#[derive(Deserialize, ToSchema)]
pub struct TransferRequest {
    /// Staff id of another on-duty agent of the branch.
    pub to_agent: i64,
}

/// Hands a session to another agent of the branch.
#[utoipa::path(post, path = "/api/v1/console/sessions/{id}/transfer", params(("id" = i64, Path)), request_body = TransferRequest,
    responses((status = 200), (status = 404, body = super::ErrorBody), (status = 409, body = super::ErrorBody)), security(("bearer" = [])))]
pub async fn transfer(
    state: State,
    req: HttpRequest,
    who: Authenticated,
    path: web::Path<i64>,
    body: web::Json<TransferRequest>,
) -> AppResult<HttpResponse> {
    let (staff_id, _) = cs_of(&who.0)?;
    let actor = crate::web::extract::actor(Some(&who.0), &req);
    let now = state.clock.now();
    let (session, to) = (path.into_inner(), body.to_agent);
    let s = run(&state.db, move |db| {
        db.write(|c| floor::transfer(c, staff_id, session, to, now, &actor))
    })
    .await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({"id": s.id, "agent": s.agent_id})))
}

#[derive(Serialize, ToSchema)]
pub struct Call {
    pub ticket: String,
    pub booth: Option<i32>,
}

#[derive(Serialize, ToSchema)]
pub struct BoardBody {
    /// Current calls, newest first.
    pub calls: Vec<Call>,
    /// Recently finished calls.
    pub recent: Vec<Call>,
    pub waiting: i64,
    pub estimated_wait_minutes: Option<u32>,
}

pub async fn board_of(state: &State, code: String) -> AppResult<(Branch, BoardBody)> {
    let branch = load_branch(state, code).await?;
    let now = state.clock.now();
    let b = branch.clone();
    let (current, recent, waiting, eta) = run(&state.db, move |db| {
        db.read(|c| -> AppResult<_> {
            let (current, recent, waiting) = floor::board(c, &b, now)?;
            let agents: Vec<_> = floor::agents_of(c, &b.code)?;
            let seats: u32 = agents
                .iter()
                .filter(|a| a.status == "on_duty")
                .map(|a| u32::try_from(a.seats).unwrap_or(0))
                .sum();
            let avg = floor::average_service_minutes(
                c,
                &b.code,
                now.with_timezone(&b.tz()).date_naive(),
            )?;
            let eta = crate::domain::floor::estimated_wait_minutes(
                u32::try_from(waiting).unwrap_or(u32::MAX).saturating_add(1),
                seats,
                crate::domain::floor::service_minutes_or_default(avg),
            );
            Ok((current, recent, waiting, eta))
        })
    })
    .await?;
    let call = |(ticket, booth): (String, Option<i32>)| Call { ticket, booth };
    Ok((
        branch,
        BoardBody {
            calls: current.into_iter().map(call).collect(),
            recent: recent.into_iter().map(call).collect(),
            waiting,
            estimated_wait_minutes: eta,
        },
    ))
}

/// The display board of a branch (public: ticket numbers only).
#[utoipa::path(get, path = "/api/v1/branches/{code}/board", params(("code" = String, Path)), responses((status = 200, body = BoardBody), (status = 404, body = super::ErrorBody)))]
pub async fn board(state: State, path: web::Path<String>) -> AppResult<HttpResponse> {
    let (_, body) = board_of(&state, path.into_inner()).await?;
    Ok(HttpResponse::Ok().json(body))
}

/// Live events of a branch for boards and kiosks (Server-Sent Events).
pub async fn branch_events(state: State, path: web::Path<String>) -> AppResult<HttpResponse> {
    let code = path.into_inner();
    load_branch(&state, code.clone()).await?;
    Ok(crate::web::live::sse(state.live.subscribe(), move |e| {
        e.branch == code
    }))
}

/// Live events for a CS agent's console: their own assignments and
/// finishes, and arrivals at their branch.
pub async fn console_events(state: State, who: Authenticated) -> AppResult<HttpResponse> {
    let (staff_id, branch) = cs_of(&who.0)?;
    Ok(crate::web::live::sse(state.live.subscribe(), move |e| {
        e.branch == branch
            && (e.agent == Some(staff_id) || e.agent.is_none() || e.kind == "document")
    }))
}

#[derive(Deserialize, ToSchema)]
pub struct DeviceRequest {
    /// kiosk or booth.
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
pub async fn issue_device(
    state: State,
    req: HttpRequest,
    who: Authenticated,
    path: web::Path<String>,
    body: web::Json<DeviceRequest>,
) -> AppResult<HttpResponse> {
    let code = path.into_inner();
    let (device, token) = new_device(
        &state,
        &req,
        &who.0,
        code,
        body.kind.trim().to_string(),
        body.booth,
        body.label.clone(),
    )
    .await?;
    Ok(HttpResponse::Created().json(serde_json::json!({"id": device.id, "kind": device.kind, "token": token, "branch": device.branch_code})))
}

pub async fn new_device(
    state: &State,
    req: &HttpRequest,
    who: &Identity,
    code: String,
    kind: String,
    booth: Option<i32>,
    label: Option<String>,
) -> AppResult<(crate::db::devices::Device, String)> {
    who.require_staff(&[Role::Admin, Role::Supervisor])?;
    if !who.staff_covers_branch(&code) {
        return Err(AppError::not_found("branch_not_found"));
    }
    if kind != "kiosk" && kind != "booth" {
        return Err(AppError::unprocessable("invalid_device_kind").field("kind"));
    }
    let Identity::Staff { id: creator, .. } = who else {
        return Err(AppError::forbidden());
    };
    let creator = *creator;
    let branch = load_branch(state, code).await?;
    let actor = crate::web::extract::actor(Some(who), req);
    let now = state.clock.now_naive();
    run(&state.db, move |db| {
        db.write(|c| -> AppResult<_> {
            floor::ensure_booths(c, &branch)?;
            let booth_id = match (kind.as_str(), booth) {
                ("booth", Some(n)) => Some(
                    floor::booths_of(c, &branch.code)?
                        .into_iter()
                        .find(|b| b.number == n)
                        .ok_or_else(|| AppError::unprocessable("unknown_booth").field("booth"))?
                        .id,
                ),
                ("booth", None) => {
                    return Err(AppError::unprocessable("unknown_booth").field("booth"))
                }
                _ => None,
            };
            let label = label.unwrap_or_else(|| match booth {
                Some(n) => format!("Bilik {n}"),
                None => "Kios".into(),
            });
            let issued = crate::db::devices::issue(
                c,
                &branch.code,
                &kind,
                booth_id,
                label.chars().take(60).collect::<String>().as_str(),
                creator,
                now,
            )?;
            crate::db::audit::record(
                c,
                now,
                &actor,
                "device_issued",
                &crate::db::audit::Subject {
                    branch_code: Some(branch.code.clone()),
                    ..Default::default()
                },
                serde_json::json!({"device": issued.0.id, "kind": kind}),
            )?;
            Ok(issued)
        })
    })
    .await
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
pub async fn settings(
    state: State,
    req: HttpRequest,
    who: Authenticated,
    path: web::Path<String>,
    body: web::Json<FloorSettings>,
) -> AppResult<HttpResponse> {
    who.0.require_staff(&[Role::Admin, Role::Supervisor])?;
    let code = path.into_inner();
    if !who.0.staff_covers_branch(&code) {
        return Err(AppError::not_found("branch_not_found"));
    }
    if let Some(s) = body.seats_per_agent {
        if !crate::domain::floor::valid_seats(u32::try_from(s).unwrap_or(0)) {
            return Err(AppError::unprocessable("invalid_seats").field("seats_per_agent"));
        }
    }
    let (seats, cap) = (body.seats_per_agent, body.walk_in_cap);
    let actor = crate::web::extract::actor(Some(&who.0), &req);
    let now_utc = state.clock.now();
    let now = now_utc.naive_utc();
    run(&state.db, move |db| {
        db.write(|c| -> AppResult<()> {
            floor::lock_branch(c, &code)?;
            floor::update_settings(c, &code, seats, cap, now_utc)?;
            crate::db::audit::record(
                c,
                now,
                &actor,
                "floor_settings",
                &crate::db::audit::Subject {
                    branch_code: Some(code.clone()),
                    ..Default::default()
                },
                serde_json::json!({"seats_per_agent": seats, "walk_in_cap": cap}),
            )?;
            Ok(())
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({"status": "ok"})))
}

/// Who the staff member is, for pages.
pub async fn staff_row(state: &State, id: i64) -> AppResult<Option<staff::Staff>> {
    run(&state.db, move |db| {
        db.read(|c| -> AppResult<_> { Ok(staff::find(c, id)?) })
    })
    .await
}

/// The participant's session at their booked branch: join the online queue
/// (within the check-in window) and see their place.
pub async fn join_online(
    state: &State,
    req: &HttpRequest,
    who: &Identity,
    code: String,
) -> AppResult<floor::Arrival> {
    let pid = who.participant_id()?;
    let code = crate::domain::booking_code::normalize(&code)
        .ok_or_else(|| AppError::not_found("booking_not_found"))?;
    let actor = crate::web::extract::actor(Some(who), req);
    let now = state.clock.now();
    run(&state.db, move |db| {
        db.write(|c| -> AppResult<floor::Arrival> {
            let booking = crate::db::bookings::find_by_code(c, &code)?
                .filter(|b| b.participant_id == pid)
                .ok_or_else(|| AppError::not_found("booking_not_found"))?;
            let view = crate::db::bookings::view(c, booking)?
                .ok_or_else(|| AppError::not_found("booking_not_found"))?;
            let p = participants::find(c, pid)?.ok_or_else(AppError::unauthenticated)?;
            floor::arrive_online(c, &view.branch, &p.nik, now, &actor)
        })
    })
    .await
}

/// Joins the online queue for a booked session (its owner, within the
/// check-in window: 30 minutes before the session to its end).
#[utoipa::path(post, path = "/api/v1/bookings/{code}/arrive", params(("code" = String, Path)),
    responses((status = 201, body = ArrivalBody), (status = 200, body = ArrivalBody), (status = 404, body = super::ErrorBody), (status = 409, body = super::ErrorBody)),
    security(("bearer" = [])))]
pub async fn arrive_online(
    state: State,
    req: HttpRequest,
    who: Authenticated,
    path: web::Path<String>,
) -> AppResult<HttpResponse> {
    let a = join_online(&state, &req, &who.0, path.into_inner()).await?;
    let status = if a.repeated {
        actix_web::http::StatusCode::OK
    } else {
        actix_web::http::StatusCode::CREATED
    };
    Ok(HttpResponse::build(status).json(arrival_body(&a)))
}

/// The agent confirms the participant's identity in a session.
#[utoipa::path(post, path = "/api/v1/console/sessions/{id}/identity", params(("id" = i64, Path)),
    responses((status = 200), (status = 404, body = super::ErrorBody)), security(("bearer" = [])))]
pub async fn confirm_identity(
    state: State,
    req: HttpRequest,
    who: Authenticated,
    path: web::Path<i64>,
) -> AppResult<HttpResponse> {
    identity(&state, &req, &who.0, path.into_inner()).await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({"identity": "confirmed"})))
}

pub async fn identity(
    state: &State,
    req: &HttpRequest,
    who: &Identity,
    session: i64,
) -> AppResult<()> {
    let (staff_id, _) = cs_of(who)?;
    let actor = crate::web::extract::actor(Some(who), req);
    let now = state.clock.now();
    run(&state.db, move |db| {
        db.write(|c| floor::confirm_identity(c, staff_id, session, now, &actor))
    })
    .await
}
