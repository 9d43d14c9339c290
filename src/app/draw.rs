//! Fair release of a new day (issue "fair access"). At a branch in `draw`
//! mode, a booking for a day that has just opened (its first
//! `draw_minutes`, see `domain::draw`) becomes a request; when the window
//! ends, the worker holds the day's draw once (the `draws` row is the
//! lock across instances): the order is drawn from a fresh seed, each
//! request in that order gets its chosen session or the day's next free
//! one, and the rest join the day's waiting line. Seed, order and outcome
//! are in the audit chain, so the allocation can be recomputed.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use serde_json::json;

use super::booking::{ensure_bookable, new_booking, Placing};
use super::waitlist::Offering;
use super::{AppError, AppResult, Ctx};
use crate::db::audit::{self, Actor, Subject};
use crate::db::branches::{self, Branch, Slot};
use crate::db::draws::{self, DrawRequest, NewDrawRequest};
use crate::db::waitlist as line;
use crate::db::{bookings, Db, DbConnection};
use crate::domain::draw::{draw_order, draw_window, in_draw, DrawStatus, ReleaseMode};
use crate::domain::Code;

/// When `slot`'s day is in its draw window at `branch`, records the
/// request (one pending per participant) instead of taking a seat.
pub fn request_if_drawing(
    c: &mut DbConnection,
    p: &Placing<'_>,
    slot: &Slot,
    branch: &Branch,
    o: &Offering<'_>,
) -> AppResult<Option<DrawRequest>> {
    if !matches!(
        ReleaseMode::parse(&branch.release_mode),
        Ok(ReleaseMode::Draw)
    ) {
        return Ok(None);
    }
    let tz = branch.tz();
    let horizon = i64::from(branch.booking_horizon_days);
    let now_local = o.now.with_timezone(&tz).naive_local();
    if !in_draw(slot.local_date, now_local, horizon, branch.draw_minutes) {
        return Ok(None);
    }
    let (_, end) = draw_window(slot.local_date, horizon, branch.draw_minutes);
    let draw_at = tz
        .from_local_datetime(&end)
        .single()
        .map_or(o.now.naive_utc(), |d| d.naive_utc());
    if let Some(r) = draws::pending_of(c, p.participant_id)? {
        return Err(AppError::conflict(Code::AlreadyInDraw).param("date", r.local_date.to_string()));
    }
    let ts = o.now.naive_utc();
    let r = draws::insert_request(
        c,
        &NewDrawRequest {
            branch_code: &branch.code,
            local_date: slot.local_date,
            participant_id: p.participant_id,
            claim_id: p.claim_id,
            slot_id: slot.id,
            status: DrawStatus::Pending.as_str(),
            draw_at,
            created_at: ts,
            updated_at: ts,
        },
    )
    .map_err(|e| {
        if e.is_unique_violation() {
            AppError::conflict(Code::AlreadyInDraw)
        } else {
            e.into()
        }
    })?;
    let subject = Subject {
        participant_id: Some(p.participant_id),
        claim_id: Some(p.claim_id),
        branch_code: Some(branch.code.clone()),
        ..Default::default()
    };
    let detail =
        json!({"request": r.id, "slot": slot.id, "draw_at": draw_at.and_utc().to_rfc3339()});
    audit::record(c, ts, o.actor, "draw_requested", &subject, detail)?;
    Ok(Some(r))
}

/// A participant's request in a draw, with the code of the booking it
/// became when it won.
pub async fn request(
    ctx: &Ctx,
    participant_id: i64,
    id: i64,
) -> AppResult<(DrawRequest, Option<String>)> {
    super::read_db(&ctx.db, move |c| -> AppResult<_> {
        let r = draws::find_request(c, id)?
            .filter(|r| r.participant_id == participant_id)
            .ok_or_else(|| AppError::not_found(Code::DrawRequestNotFound))?;
        let code = match r.booking_id {
            Some(b) => bookings::find(c, b)?.map(|b| b.code),
            None => None,
        };
        Ok((r, code))
    })
    .await
}

/// Holds every draw whose window is over (each once, in its own
/// transaction). Returns how many draws this instance held.
pub fn hold_due(db: &Db, o: &Offering<'_>) -> AppResult<usize> {
    let due = db.read(|c| draws::due(c, o.now.naive_utc()))?;
    let mut n = 0;
    for (branch, day) in due {
        n += db.write(|c| hold(c, &branch, day, o))?;
    }
    Ok(n)
}

/// One branch-day's draw: 1 when held here, 0 when another instance did.
fn hold(c: &mut DbConnection, code: &str, day: NaiveDate, o: &Offering<'_>) -> AppResult<usize> {
    let ts = o.now.naive_utc();
    let requests = draws::pending_for(c, code, day)?;
    let seed: u64 = rand::random();
    if requests.is_empty() || !draws::record_draw(c, code, day, &seed.to_string(), ts)? {
        return Ok(0);
    }
    let branch =
        branches::find(c, code)?.ok_or_else(|| AppError::internal("draw without branch"))?;
    let ids: Vec<i64> = requests.iter().map(|r| r.id).collect();
    let order = draw_order(&ids, seed);
    let mut slots = branches::slots_on(c, code, day)?;
    slots.sort_by_key(|s| s.starts_at);
    let (mut won, mut lost) = (Vec::new(), Vec::new());
    for id in &order {
        let Some(r) = requests.iter().find(|r| r.id == *id) else {
            continue;
        };
        match serve(c, r, &branch, &slots, o)? {
            Some(booking) => {
                draws::settle(c, r.id, DrawStatus::Won, Some(booking), ts)?;
                won.push(r.id);
            }
            None => {
                draws::settle(c, r.id, DrawStatus::Lost, None, ts)?;
                to_line(c, r, o)?;
                lost.push(r.id);
            }
        }
    }
    let subject = Subject {
        branch_code: Some(code.to_string()),
        ..Default::default()
    };
    let detail = json!({
        "date": day.to_string(),
        "seed": seed.to_string(),
        "algorithm": "ids ascending, shuffled by ChaCha8 seeded with seed (rand_chacha 0.9, SliceRandom::shuffle)",
        "order": order,
        "won": won,
        "lost": lost,
    });
    audit::record(c, ts, o.actor, "draw_held", &subject, detail)?;
    Ok(1)
}

/// Books `r`'s chosen session, else the day's next free one: the booking
/// id, or `None` when the day has no seat left (or they booked meanwhile).
fn serve(
    c: &mut DbConnection,
    r: &DrawRequest,
    branch: &Branch,
    slots: &[Slot],
    o: &Offering<'_>,
) -> AppResult<Option<i64>> {
    if bookings::active_of(c, r.participant_id)?.is_some() {
        return Ok(None);
    }
    let chosen = slots.iter().filter(|s| s.id == r.slot_id);
    let others = slots.iter().filter(|s| s.id != r.slot_id);
    for s in chosen.chain(others) {
        if ensure_bookable(c, s, branch, o.now).is_err() || branches::take_seat(c, s)?.is_none() {
            continue;
        }
        let p = Placing {
            participant_id: r.participant_id,
            claim_id: r.claim_id,
            slot_id: s.id,
            idempotency_key: None,
        };
        let v = new_booking(c, &p, o.now, o.public_url, o.actor)?;
        if let Some(e) = line::active_of(c, r.participant_id)? {
            super::waitlist::leave(c, &e, o)?;
        }
        return Ok(Some(v.booking.id));
    }
    Ok(None)
}

/// A request the seats did not reach joins the day's waiting line (unless
/// its holder has a booking or a place in a line already).
fn to_line(c: &mut DbConnection, r: &DrawRequest, o: &Offering<'_>) -> AppResult<()> {
    if bookings::active_of(c, r.participant_id)?.is_some()
        || line::active_of(c, r.participant_id)?.is_some()
    {
        return Ok(());
    }
    let ts = o.now.naive_utc();
    let e = super::waitlist::line_up(
        c,
        r.participant_id,
        r.claim_id,
        &r.branch_code,
        r.local_date,
        ts,
        o.actor,
    )?;
    let position = line::position(c, &e)?;
    let who = crate::db::participants::find(c, r.participant_id)?
        .ok_or_else(|| AppError::internal("draw request without participant"))?;
    let mail = crate::mail::waitlist::draw_lost_mail(
        &who,
        e.id,
        position,
        &r.branch_code,
        r.local_date,
        o.public_url,
        ts,
    );
    crate::db::outbox::enqueue(c, &mail)?;
    Ok(())
}

/// Sets a branch's release mode (its supervisor, or an admin), audited
/// with the old and new values.
pub async fn set_release(
    ctx: &Ctx,
    code: String,
    mode: String,
    minutes: Option<i32>,
) -> AppResult<Branch> {
    use crate::domain::role::Role;
    super::dossier::require_staff(&ctx.actor, &[Role::Admin, Role::Supervisor])?;
    let mode = ReleaseMode::parse(mode.trim())
        .map_err(|_| AppError::unprocessable(Code::InvalidReleaseMode).field("mode"))?;
    let minutes = minutes.unwrap_or(crate::domain::draw::DEFAULT_DRAW_MINUTES);
    if !crate::domain::draw::DRAW_MINUTES_RANGE.contains(&minutes) {
        return Err(AppError::unprocessable(Code::InvalidDrawMinutes).field("draw_minutes"));
    }
    let (actor, now): (Actor, DateTime<Utc>) = (ctx.actor.clone(), ctx.clock.now());
    super::write_db(&ctx.db, move |c| -> AppResult<Branch> {
        let old = branches::find(c, &code)?
            .filter(|b| {
                actor.role.is(Role::Admin) || actor.branch.as_deref() == Some(b.code.as_str())
            })
            .ok_or_else(|| AppError::not_found(Code::BranchNotFound))?;
        draws::set_release(c, &code, mode.as_str(), minutes)?;
        let subject = Subject {
            branch_code: Some(code.clone()),
            ..Default::default()
        };
        let detail = json!({
            "from": {"mode": old.release_mode, "draw_minutes": old.draw_minutes},
            "to": {"mode": mode.as_str(), "draw_minutes": minutes},
        });
        audit::record(
            c,
            now.naive_utc(),
            &actor,
            "release_mode_set",
            &subject,
            detail,
        )?;
        branches::find(c, &code)?.ok_or_else(|| AppError::not_found(Code::BranchNotFound))
    })
    .await
}
