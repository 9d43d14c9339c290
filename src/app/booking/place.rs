//! Placing a booking: the transaction begun holding the participant's
//! lock, the request's checks on facts read in one statement, then the
//! booking row with its mail, and last the seat with the audit entry (on
//! PostgreSQL each pair one statement: five round trips from `BEGIN` to
//! `COMMIT`).

use chrono::{DateTime, Utc};
use serde_json::json;

use super::{
    ensure_open, entry_of, on_holiday, participant, retry_races, slot_and_branch, store_booking,
    view_of, Known, Placed, Placing, Terms,
};
use crate::app::fair::{check_rate_counted, refuse_barred};
use crate::app::waitlist::{FairRules, Offering};
use crate::app::{AppError, AppResult, Ctx};
use crate::db::audit::Actor;
use crate::db::{bookings, branches, claims, placing, run, DbConnection};
use crate::domain::claim::ClaimStatus;
use crate::domain::fair::CHANGE_WINDOW_MINUTES;
use crate::domain::Code;

/// Books `slot_id` for the participant's claim. With an idempotency key, a
/// repeated request returns the first booking instead of a second.
pub async fn place(
    ctx: &Ctx,
    participant_id: i64,
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
        let o = t.offering();
        let lock = Some(bookings::participant_lock(participant_id));
        retry_races(|| db.write_locked(lock, |conn| place_tx(conn, &p, &o)))
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
    retry_races(|| db.write_locked(lock, |conn| place_tx(conn, p, &o)))
}

/// One attempt at placing `p` in its own write transaction, begun
/// holding the participant's lock ([`bookings::participant_lock`]).
fn place_tx(conn: &mut DbConnection, p: &Placing<'_>, o: &Offering<'_>) -> AppResult<Placed> {
    let now = o.now;
    if let Some(key) = p.idempotency_key {
        if let Some(b) = bookings::find_by_idempotency_key(conn, p.participant_id, key)? {
            return Ok(Placed::Replayed(view_of(conn, b)?));
        }
    }
    // Every check's facts in one statement; the rules decide in order.
    let since = now.naive_utc() - chrono::Duration::minutes(CHANGE_WINDOW_MINUTES);
    let (pid, cid, sid) = (p.participant_id, p.claim_id, p.slot_id);
    let Some(f) = placing::read(conn, pid, cid, sid, now.naive_utc(), since)? else {
        return Err(refusal(conn, p));
    };
    claim_open(f.claim_status.as_deref())?;
    if f.holds_booking {
        return Err(AppError::conflict(Code::AlreadyBooked));
    }
    ensure_open(conn, &f.slot, &f.branch, now)?;
    if let Some(name) = f.holiday {
        return Err(on_holiday(name));
    }
    refuse_barred(f.barred_until, now)?;
    check_rate_counted(conn, p.participant_id, o, f.recent_changes)?;
    if let Some(r) = crate::app::draw::request_if_drawing(conn, p, &f.slot, &f.branch, o)? {
        return Ok(Placed::InDraw(r));
    }
    let known = Known {
        slot: f.slot,
        branch: f.branch,
        who: f.participant,
    };
    let mut v = store_booking(conn, p, now, o.public_url, Some(known))?;
    // A seat found elsewhere ends a place in a waiting line (an offer
    // held for them goes to the next).
    if f.waiting {
        if let Some(e) = crate::db::waitlist::active_of(conn, p.participant_id)? {
            crate::app::waitlist::leave(conn, &e, o)?;
        }
    }
    // The seat last, with the audit entry: on PostgreSQL the session's row
    // stays locked from this update to the commit, and every booking of
    // the session waits for that lock. A full session rolls the whole
    // transaction back.
    let placed = entry_of(o.actor, "booking_placed", &v, now.naive_utc(), json!({}));
    let Some(slot) = branches::take_seat_recording(conn, &v.slot, placed)? else {
        return Err(AppError::conflict(Code::SlotFull).field("slot_id"));
    };
    v.slot = slot;
    Ok(Placed::Created(v))
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
