//! Placing a booking: the transaction begun holding the participant's
//! lock, the request's checks on facts read in one statement, then the
//! booking row with its mail and its audit entry, and last the seat (on
//! PostgreSQL all four one statement: four round trips from `BEGIN` to
//! `COMMIT`).

use chrono::{DateTime, Utc};
use serde_json::json;

use super::{
    booked_mail, ensure_open, entry_of, new_row, on_holiday, participant, race_or, retry_races,
    slot_and_branch, view_of, Placed, Placing, Terms,
};
use crate::app::fair::{check_rate_counted, refuse_barred};
use crate::app::waitlist::{FairRules, Offering};
use crate::app::{AppError, AppResult, Ctx};
use crate::db::audit::Actor;
use crate::db::bookings::{Booking, BookingView};
use crate::db::{bookings, claims, placing, run, DbConnection};
use crate::domain::claim::ClaimStatus;
use crate::domain::fair::CHANGE_WINDOW_MINUTES;
use crate::domain::Code;

/// Books `slot_id` for the participant's claim, signed in with session
/// `sid`: a revoked or expired session is refused (401) by the
/// transaction's first statement, so the caller need not read it first.
/// With an idempotency key, a repeated request returns the first booking
/// instead of a second.
pub async fn place(
    ctx: &Ctx,
    participant_id: i64,
    sid: String,
    claim_id: i64,
    slot_id: i64,
    idempotency_key: Option<String>,
) -> AppResult<Placed> {
    let t = Terms::of(ctx);
    run(&ctx.db, move |db| {
        let p = Placing {
            participant_id,
            claim_id,
            slot_id,
            idempotency_key: idempotency_key.as_deref(),
        };
        let s = Some(sid.as_str());
        let o = t.offering();
        let lock = Some(bookings::participant_lock(participant_id));
        retry_races(|| db.write_locked(lock, |conn| place_tx(conn, &p, s, &o)))
    })
    .await
}

/// [`place`] on the calling thread as the system, for callers that already
/// run off the async executor (the benchmark harness).
pub fn place_blocking(
    db: &crate::db::Db,
    p: &Placing<'_>,
    now: DateTime<Utc>,
    public_url: &str,
) -> AppResult<Placed> {
    let actor = Actor::system();
    let o = Offering {
        now,
        rules: FairRules::DIRECT,
        public_url,
        actor: &actor,
    };
    let lock = Some(bookings::participant_lock(p.participant_id));
    retry_races(|| db.write_locked(lock, |conn| place_tx(conn, p, None, &o)))
}

/// One attempt at placing `p` in its own write transaction, begun
/// holding the participant's lock ([`bookings::participant_lock`]), for
/// the participant signed in with session `sid` (`None`: the system).
fn place_tx(
    conn: &mut DbConnection,
    p: &Placing<'_>,
    sid: Option<&str>,
    o: &Offering<'_>,
) -> AppResult<Placed> {
    let now = o.now;
    if let Some(key) = p.idempotency_key {
        signed_in(conn, p, sid, o)?;
        if let Some(b) = bookings::find_by_idempotency_key(conn, p.participant_id, key)? {
            return Ok(Placed::Replayed(view_of(conn, b)?));
        }
    }
    // Every check's facts in one statement; the rules decide in order.
    let since = now.naive_utc() - chrono::Duration::minutes(CHANGE_WINDOW_MINUTES);
    let asked = placing::Asked {
        participant_id: p.participant_id,
        claim_id: p.claim_id,
        slot_id: p.slot_id,
        session: sid,
    };
    let Some(f) = placing::read(conn, &asked, now.naive_utc(), since)? else {
        signed_in(conn, p, sid, o)?;
        return Err(refusal(conn, p));
    };
    if !f.signed_in {
        return Err(AppError::unauthenticated());
    }
    claim_open(f.claim_status.as_deref())?;
    if f.holds_booking {
        return Err(AppError::conflict(Code::AlreadyBooked));
    }
    ensure_open(conn, &f.slot, &f.branch, now)?;
    if let Some(name) = f.holiday {
        return Err(on_holiday(name));
    }
    refuse_barred(f.barred_until, now)?;
    check_rate_counted(conn, p.participant_id, o, f.recent_changes())?;
    if let Some(r) = crate::app::draw::request_if_drawing(conn, p, &f.slot, &f.branch, o)? {
        return Ok(Placed::InDraw(r));
    }
    // A seat found elsewhere ends a place in a waiting line (an offer
    // held for them goes to the next).
    if f.waiting {
        if let Some(e) = crate::db::waitlist::active_of(conn, p.participant_id)? {
            crate::app::waitlist::leave(conn, &e, o)?;
        }
    }
    let code = crate::domain::booking_code::generate();
    let ts = now.naive_utc();
    let mail = booked_mail(
        &f.participant,
        &code,
        (&f.slot, &f.branch),
        o.public_url,
        ts,
    );
    let branch = f.branch;
    let entry = |b: &Booking| entry_of(o.actor, "booking_placed", b, &branch.code, ts, json!({}));
    // The seat last: on PostgreSQL the session's row stays locked from
    // this statement to the commit, and every booking of the session
    // waits for that lock. A full session rolls the whole transaction back.
    let new = new_row(p, &code, ts);
    let booked = placing::book(conn, &new, f.booking_id, &mail, entry, &f.slot);
    let Some((booking, slot)) = booked.map_err(race_or)? else {
        return Err(AppError::conflict(Code::SlotFull).field("slot_id"));
    };
    Ok(Placed::Created(BookingView {
        booking,
        slot,
        branch,
    }))
}

/// The session `sid` is active and the participant's (401 otherwise);
/// `None` (the system placing) passes.
fn signed_in(
    conn: &mut DbConnection,
    p: &Placing<'_>,
    sid: Option<&str>,
    o: &Offering<'_>,
) -> AppResult<()> {
    let Some(sid) = sid else {
        return Ok(());
    };
    match crate::db::auth::active(conn, sid, o.now.naive_utc())? {
        Some(s) if s.participant_id == Some(p.participant_id) => Ok(()),
        _ => Err(AppError::unauthenticated()),
    }
}

/// The claim named is the participant's (`status` read only then) and
/// open.
fn claim_open(status: Option<&str>) -> AppResult<()> {
    match status {
        None => Err(AppError::not_found(Code::ClaimNotYours).field("claim_id")),
        Some(s) if s != ClaimStatus::Open.as_str() => {
            Err(AppError::conflict(Code::ClaimNotOpen).field("claim_id"))
        }
        Some(_) => Ok(()),
    }
}

/// Why a request whose facts read no row is refused: the claim's checks
/// come first as always, then the missing session (or participant).
fn refusal(conn: &mut DbConnection, p: &Placing<'_>) -> AppError {
    why_refused(conn, p).unwrap_or_else(|e| e)
}

fn why_refused(conn: &mut DbConnection, p: &Placing<'_>) -> Result<AppError, AppError> {
    let claim = claims::find(conn, p.claim_id)?.filter(|c| c.participant_id == p.participant_id);
    claim_open(claim.as_ref().map(|c| c.status.as_str()))?;
    if bookings::active_of(conn, p.participant_id)?.is_some() {
        return Ok(AppError::conflict(Code::AlreadyBooked));
    }
    slot_and_branch(conn, p.slot_id)?;
    participant(conn, p.participant_id)?;
    // Both exist after all (created since the facts were read).
    Ok(AppError::not_found(Code::SlotNotFound).field("slot_id"))
}
