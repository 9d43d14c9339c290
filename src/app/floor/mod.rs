//! The branch floor's use cases: tickets at the kiosk and online, the
//! display board, floor settings and who may do what on a branch's floor.
//! The JSON API and the pages call the same functions here, so both give
//! the same refusals. The CS console lives in [`console`], kiosk and booth
//! computers in [`devices`].

pub mod console;
pub mod devices;
pub mod walkin;

use super::{read_db, write_db, AppError, AppResult, Ctx};
use crate::db::audit::{self, Actor, Subject};
use crate::db::bookings::{self, BookingView};
use crate::db::branches::Branch;
use crate::db::floor::{self, Arrival, FloorError, Ticket, TicketLive};
use crate::db::{participants, DbConnection};
use crate::domain::floor::{
    self as rules, AgentStatus, BoardBody, Call, CheckIn, DeviceKind, Priority,
};
use crate::domain::nik;
use crate::domain::role::{ActorRole, Role};
use crate::domain::Code;

impl From<FloorError> for AppError {
    fn from(e: FloorError) -> Self {
        match e {
            FloorError::Db(e) => e.into(),
            FloorError::NotFound(code) => AppError::not_found(code),
            FloorError::Conflict(code) => AppError::conflict(code),
            FloorError::Vanished(what) => AppError::internal(what),
        }
    }
}

/// Admins and auditors cover every branch; supervisors and CS their own.
fn covers(actor: &Actor, branch: &str) -> bool {
    let role = actor.role.person();
    let own = actor.branch.as_deref() == Some(branch);
    matches!(role, Some(Role::Admin | Role::Auditor))
        || (own && matches!(role, Some(Role::Supervisor | Role::Cs)))
}

/// An admin, or the branch's own supervisor.
pub fn may_manage(actor: &Actor, branch: &str) -> bool {
    covers(actor, branch)
        && super::dossier::require_staff(actor, &[Role::Admin, Role::Supervisor]).is_ok()
}

/// Refuses anyone but an admin or supervisor; a branch they do not cover
/// is `branch_not_found`.
fn manager_of(actor: &Actor, branch: &str) -> AppResult<()> {
    super::dossier::require_staff(actor, &[Role::Admin, Role::Supervisor])?;
    if covers(actor, branch) {
        Ok(())
    } else {
        Err(AppError::not_found(Code::BranchNotFound))
    }
}

/// A kiosk or booth computer (their actor role is the device kind).
fn is_device(actor: &Actor) -> bool {
    actor.role.device().is_some()
}

/// The participant acting.
fn participant_of(actor: &Actor) -> AppResult<i64> {
    match actor.id {
        Some(id) if actor.role == ActorRole::PARTICIPANT => Ok(id),
        _ => Err(AppError::forbidden().detail("participants_only")),
    }
}

/// Changes a branch's floor settings (its supervisor, or an admin): seats
/// per agent (1–6) and the walk-in cap (negative: none).
pub async fn settings(
    ctx: &Ctx,
    code: String,
    seats: Option<i32>,
    cap: Option<i32>,
) -> AppResult<()> {
    manager_of(&ctx.actor, &code)?;
    // An unknown branch is 404 (not a setting saved for nothing).
    let code = super::branches::find(ctx, code).await?.code;
    if let Some(s) = seats {
        if !rules::valid_seats(u32::try_from(s).unwrap_or(0)) {
            return Err(AppError::unprocessable(Code::InvalidSeats).field("seats_per_agent"));
        }
    }
    let actor = ctx.actor.clone();
    let now = ctx.clock.now();
    write_db(&ctx.db, move |c| -> AppResult<()> {
        floor::lock_branch(c, &code)?;
        floor::update_settings(c, &code, seats, cap, now)?;
        let subject = branch_subject(&code);
        let detail = serde_json::json!({"seats_per_agent": seats, "walk_in_cap": cap});
        audit::record(
            c,
            now.naive_utc(),
            &actor,
            "floor_settings",
            &subject,
            detail,
        )?;
        Ok(())
    })
    .await
}

fn branch_subject(code: &str) -> Subject {
    Subject {
        branch_code: Some(code.to_string()),
        ..Default::default()
    }
}

/// Issues today's ticket for a NIK (a kiosk of the branch, or its
/// supervisor, who may also set a priority): a check-in with a booking
/// here today, otherwise a walk-in ticket.
pub async fn arrive(
    ctx: &Ctx,
    code: String,
    raw_nik: &str,
    priority: Option<&str>,
) -> AppResult<Arrival> {
    let allowed = if is_device(&ctx.actor) {
        ctx.actor.role.device() == Some(DeviceKind::Kiosk)
            && ctx.actor.branch.as_deref() == Some(code.as_str())
    } else {
        may_manage(&ctx.actor, &code)
    };
    if !allowed {
        return Err(AppError::forbidden());
    }
    let priority = match priority.map(str::trim).filter(|p| !p.is_empty()) {
        None => Priority::None,
        Some(_) if is_device(&ctx.actor) => {
            return Err(AppError::forbidden().detail("priority_by_greeter"))
        }
        Some(p) => Priority::parse(p)
            .ok_or_else(|| AppError::unprocessable(Code::InvalidPriority).field("priority"))?,
    };
    // An unknown branch is 404 before anything about the request body.
    let branch = super::branches::find(ctx, code).await?;
    let today = ctx.clock.now().date_naive();
    // At the kiosk people copy the NIK as printed, often in groups.
    let typed: String = raw_nik.chars().filter(|c| !c.is_whitespace()).collect();
    let (nik, _) = nik::parse(&typed, today)?;
    let (actor, now) = (ctx.actor.clone(), ctx.clock.now());
    write_db(&ctx.db, move |c| {
        floor::arrive(c, &branch, nik.as_str(), now, priority, &actor)
    })
    .await
}

/// The participant's own booking by its code, or `booking_not_found`.
fn own_booking(c: &mut DbConnection, pid: i64, code: &str) -> AppResult<BookingView> {
    let booking = bookings::find_by_code(c, code)?
        .filter(|b| b.participant_id == pid)
        .ok_or_else(|| AppError::not_found(Code::BookingNotFound))?;
    bookings::view(c, booking)?.ok_or_else(|| AppError::not_found(Code::BookingNotFound))
}

fn booking_code(code: &str) -> AppResult<String> {
    crate::domain::booking_code::normalize(code)
        .ok_or_else(|| AppError::not_found(Code::BookingNotFound))
}

/// A participant joins the online queue for their booked session (within
/// the check-in window: 30 minutes before the session to its end).
pub async fn join_online(ctx: &Ctx, code: String) -> AppResult<Arrival> {
    let pid = participant_of(&ctx.actor)?;
    let code = booking_code(&code)?;
    let (actor, now) = (ctx.actor.clone(), ctx.clock.now());
    write_db(&ctx.db, move |c| -> AppResult<Arrival> {
        let view = own_booking(c, pid, &code)?;
        let p = participants::find(c, pid)?.ok_or_else(AppError::unauthenticated)?;
        Ok(floor::arrive_online(c, &view.branch, &p.nik, now, &actor)?)
    })
    .await
}

/// Today's ticket of a booking's participant with its place and wait.
pub type TicketWait = (Ticket, Option<floor::WaitNow>);

/// The participant's online session page: their booking, today's ticket
/// with its wait, and where the check-in window stands.
pub async fn online_session(
    ctx: &Ctx,
    code: String,
) -> AppResult<(BookingView, Option<TicketWait>, CheckIn)> {
    let pid = participant_of(&ctx.actor)?;
    let code = booking_code(&code)?;
    let now = ctx.clock.now();
    let (view, ticket) = read_db(&ctx.db, move |c| -> AppResult<_> {
        let v = own_booking(c, pid, &code)?;
        let day = now.with_timezone(&v.branch.tz()).date_naive();
        let p = participants::find(c, pid)?.ok_or_else(AppError::unauthenticated)?;
        let t = floor::ticket_of(c, &v.branch.code, day, floor::TicketKey::Nik(&p.nik))?;
        let est = match &t {
            Some(t) => Some(floor::wait_estimate(c, &v.branch, t, now.naive_utc())?),
            None => None,
        };
        Ok((v, t.map(|t| (t, est))))
    })
    .await?;
    let window = rules::check_in_window(view.slot.starts_at, view.slot.ends_at, now.naive_utc());
    Ok((view, ticket, window))
}

/// The live status of ticket `number` of `day` at branch `code`.
pub async fn ticket_live(
    ctx: &Ctx,
    code: String,
    day: chrono::NaiveDate,
    number: String,
) -> AppResult<(Branch, TicketLive)> {
    let branch = super::branches::find(ctx, code).await?;
    let number = number.trim().to_uppercase();
    let now = ctx.clock.now();
    let b = branch.clone();
    let live = read_db(&ctx.db, move |c| -> AppResult<_> {
        let ticket = floor::ticket_of(c, &b.code, day, floor::TicketKey::Number(&number))?
            .ok_or_else(|| AppError::not_found(Code::TicketNotFound))?;
        let wait = floor::wait_estimate(c, &b, &ticket, now.naive_utc())?;
        let (current, _, _) = floor::board(c, &b, now)?;
        let last_called = floor::last_called(c, &b.code, day)?;
        let booth = current
            .into_iter()
            .find(|(n, _)| *n == ticket.number)
            .and_then(|(_, booth)| booth);
        Ok(TicketLive {
            ticket,
            position: wait.position,
            estimated_wait_minutes: wait.minutes,
            wait_range: wait.range,
            last_called,
            booth,
        })
    })
    .await?;
    Ok((branch, live))
}

/// The display board of a branch: current and recent calls, the number
/// waiting and the wait a new arrival can expect.
pub async fn board(ctx: &Ctx, code: String) -> AppResult<(Branch, BoardBody)> {
    let branch = super::branches::find(ctx, code).await?;
    let now = ctx.clock.now();
    let b = branch.clone();
    let (current, recent, waiting, eta, (range, last_called)) =
        read_db(&ctx.db, move |c| -> AppResult<_> {
            let (current, recent, waiting) = floor::board(c, &b, now)?;
            let ahead = u32::try_from(waiting).unwrap_or(u32::MAX);
            let range = floor::range_for(c, &b.code, ahead, now.naive_utc())?;
            let seats: u32 = floor::agents_of(c, &b.code)?
                .iter()
                .filter(|a| a.status == AgentStatus::OnDuty)
                .map(|a| u32::try_from(a.seats).unwrap_or(0))
                .sum();
            let day = now.with_timezone(&b.tz()).date_naive();
            let avg = floor::average_service_minutes(c, &b.code, day)?;
            let eta = rules::estimated_wait_minutes(
                u32::try_from(waiting).unwrap_or(u32::MAX).saturating_add(1),
                seats,
                rules::service_minutes_or_default(avg),
            );
            let last_called = floor::last_called(c, &b.code, day)?;
            Ok((current, recent, waiting, eta, (range, last_called)))
        })
        .await?;
    let call = |(ticket, booth): (String, Option<i32>)| Call { ticket, booth };
    let body = BoardBody {
        calls: current.into_iter().map(call).collect(),
        recent: recent.into_iter().map(call).collect(),
        waiting,
        estimated_wait_minutes: eta,
        estimated_wait_range: range,
        last_called,
    };
    Ok((branch, body))
}

/// A supervisor sets (or clears) a waiting ticket's priority.
pub async fn set_priority(ctx: &Ctx, ticket_id: i64, raw: &str) -> AppResult<()> {
    super::dossier::require_staff(&ctx.actor, &[Role::Admin, Role::Supervisor])?;
    let priority =
        Priority::parse(raw).ok_or_else(|| AppError::unprocessable(Code::InvalidPriority))?;
    let (actor, now) = (ctx.actor.clone(), ctx.clock.now());
    write_db(&ctx.db, move |c| -> AppResult<()> {
        let t = floor::ticket(c, ticket_id)?
            .filter(|t| covers(&actor, &t.branch_code))
            .ok_or_else(|| AppError::not_found(Code::TicketNotFound))?;
        Ok(floor::set_priority(c, &t, priority, now, &actor)?)
    })
    .await
}
