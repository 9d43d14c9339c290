//! The waiting line of a full branch-day (issue "fair access"). A
//! participant joins when the day has no free seat; when a seat of that
//! day frees (a cancel, a reschedule away, more capacity, an offer running
//! out or declined), it is held for the first in line — in the very
//! transaction that freed it — and offered by mail until
//! `domain::waitlist::offer_expiry`. Accepting books the held seat; expiry
//! or declining moves it on. Every step is in the audit chain.

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::json;

use super::booking::{new_booking, Placing};
pub use super::fair::FairRules;
use super::{write_db, AppError, AppResult, Ctx};
use crate::db::audit::{self, Actor, Subject};
use crate::db::bookings::{self, BookingView};
use crate::db::branches;
use crate::db::waitlist::{self as line, Entry, NewEntry};
use crate::db::{claims, participants, DbConnection};
use crate::domain::claim::ClaimStatus;
use crate::domain::waitlist::{offer_expiry, WaitStatus};
use crate::domain::Code;

/// A place in line with its position (0 when not waiting).
pub struct Place {
    pub entry: Entry,
    pub position: i64,
    /// The branch's zone, for times shown.
    pub tz: chrono_tz::Tz,
}

/// What offering needs besides the connection.
pub struct Offering<'a> {
    pub now: DateTime<Utc>,
    pub rules: FairRules,
    pub public_url: &'a str,
    pub actor: &'a Actor,
}

fn subject(e: &Entry) -> Subject {
    Subject {
        participant_id: Some(e.participant_id),
        claim_id: Some(e.claim_id),
        branch_code: Some(e.branch_code.clone()),
        ..Default::default()
    }
}

fn place(c: &mut DbConnection, entry: Entry) -> AppResult<Place> {
    let position = line::position(c, &entry)?;
    let tz = branches::find(c, &entry.branch_code)?.map_or(chrono_tz::Asia::Jakarta, |b| b.tz());
    Ok(Place {
        entry,
        position,
        tz,
    })
}

/// Joins the line of `branch` on `day` for the participant's open claim.
pub async fn join(
    ctx: &Ctx,
    participant_id: i64,
    branch: String,
    day: NaiveDate,
    claim_id: i64,
) -> AppResult<Place> {
    let (now, actor) = (ctx.clock.now(), ctx.actor.clone());
    write_db(&ctx.db, move |c| -> AppResult<Place> {
        bookings::lock_participant(c, participant_id)?;
        let b = branches::find(c, &branch)?
            .ok_or_else(|| AppError::not_found(Code::BranchNotFound).field("branch"))?;
        let claim = claims::find(c, claim_id)?
            .filter(|x| x.participant_id == participant_id)
            .ok_or_else(|| AppError::not_found(Code::ClaimNotYours).field("claim_id"))?;
        if claim.status != ClaimStatus::Open {
            return Err(AppError::conflict(Code::ClaimNotOpen).field("claim_id"));
        }
        if bookings::active_of(c, participant_id)?.is_some() {
            return Err(AppError::conflict(Code::AlreadyBooked));
        }
        if line::active_of(c, participant_id)?.is_some() {
            return Err(AppError::conflict(Code::AlreadyWaiting));
        }
        // Only a day that can be booked and has no seat left has a line.
        let open: Vec<_> = branches::slots_on(c, &b.code, day)?
            .into_iter()
            .filter(|s| super::booking::ensure_bookable(c, s, &b, now).is_ok())
            .collect();
        if open.is_empty() {
            return Err(AppError::unprocessable(Code::SlotClosed).field("date"));
        }
        if open.iter().any(|s| s.available() > 0) {
            return Err(AppError::unprocessable(Code::SeatsAvailable).field("date"));
        }
        let entry = line_up(
            c,
            participant_id,
            claim_id,
            &b.code,
            day,
            now.naive_utc(),
            &actor,
        )?;
        let p = place(c, entry)?;
        Ok(p)
    })
    .await
}

/// Puts the participant at the end of `branch`'s line for `day`, with its
/// `waitlist_joined` entry; `409 already_waiting` when they are in a line.
pub fn line_up(
    c: &mut DbConnection,
    participant_id: i64,
    claim_id: i64,
    branch: &str,
    day: NaiveDate,
    ts: chrono::NaiveDateTime,
    actor: &Actor,
) -> AppResult<Entry> {
    let entry = line::insert(
        c,
        &NewEntry {
            participant_id,
            claim_id,
            branch_code: branch,
            local_date: day,
            status: WaitStatus::Waiting.as_str(),
            created_at: ts,
            updated_at: ts,
        },
    )
    .map_err(|e| {
        if e.is_unique_violation() {
            AppError::conflict(Code::AlreadyWaiting)
        } else {
            e.into()
        }
    })?;
    let position = line::position(c, &entry)?;
    let detail = json!({"entry": entry.id, "date": day.to_string(), "position": position});
    audit::record(c, ts, actor, "waitlist_joined", &subject(&entry), detail)?;
    Ok(entry)
}

/// The participant's own place in line.
pub async fn get(ctx: &Ctx, participant_id: i64, id: i64) -> AppResult<Place> {
    super::read_db(&ctx.db, move |c| -> AppResult<Place> {
        let entry = own(c, participant_id, id)?;
        place(c, entry)
    })
    .await
}

fn own(c: &mut DbConnection, participant_id: i64, id: i64) -> AppResult<Entry> {
    line::find(c, id)?
        .filter(|e| e.participant_id == participant_id)
        .ok_or_else(|| AppError::not_found(Code::WaitlistNotFound))
}

/// Accepts a held seat: it becomes the participant's booking, with the
/// same rules and mail as a booking, in one transaction.
pub async fn accept(ctx: &Ctx, participant_id: i64, id: i64) -> AppResult<BookingView> {
    let (now, actor) = (ctx.clock.now(), ctx.actor.clone());
    let url = ctx.settings.public_url.clone();
    write_db(&ctx.db, move |c| -> AppResult<BookingView> {
        bookings::lock_participant(c, participant_id)?;
        let e = own(c, participant_id, id)?;
        let (Some(slot), Some(expires)) = (e.slot_id, e.expires_at) else {
            return Err(AppError::conflict(Code::OfferNotActive));
        };
        if e.status != WaitStatus::Offered || expires <= now.naive_utc() {
            return Err(AppError::conflict(Code::OfferNotActive));
        }
        if bookings::active_of(c, participant_id)?.is_some() {
            return Err(AppError::conflict(Code::AlreadyBooked));
        }
        let open = claims::find(c, e.claim_id)?.is_some_and(|x| x.status == ClaimStatus::Open);
        if !open {
            return Err(AppError::conflict(Code::ClaimNotOpen));
        }
        if !branches::book_held_seat(c, slot)? {
            return Err(AppError::conflict(Code::OfferNotActive));
        }
        let placing = Placing {
            participant_id,
            claim_id: e.claim_id,
            slot_id: slot,
            idempotency_key: None,
        };
        let v = new_booking(c, &placing, now, &url, &actor)?;
        let ts = now.naive_utc();
        if !line::settle(
            c,
            e.id,
            WaitStatus::Offered,
            WaitStatus::Booked,
            Some(v.booking.id),
            ts,
        )? {
            return Err(AppError::conflict(Code::OfferNotActive));
        }
        let detail = json!({"entry": e.id, "slot": slot, "booking": v.booking.code});
        audit::record(c, ts, &actor, "waitlist_accepted", &subject(&e), detail)?;
        Ok(v)
    })
    .await
}

/// Leaves the line (declining an offer: the seat goes to the next).
/// Leaving twice changes nothing.
pub async fn withdraw(ctx: &Ctx, participant_id: i64, id: i64) -> AppResult<Place> {
    let now = ctx.clock.now();
    let (actor, url, rules) = (
        ctx.actor.clone(),
        ctx.settings.public_url.clone(),
        FairRules::of(&ctx.settings),
    );
    write_db(&ctx.db, move |c| -> AppResult<Place> {
        bookings::lock_participant(c, participant_id)?;
        let e = own(c, participant_id, id)?;
        let o = Offering {
            now,
            rules,
            public_url: &url,
            actor: &actor,
        };
        leave(c, &e, &o)?;
        let e = own(c, participant_id, id)?;
        place(c, e)
    })
    .await
}

/// Takes `e` out of its line (withdrawn), handing a held seat on.
pub fn leave(c: &mut DbConnection, e: &Entry, o: &Offering<'_>) -> AppResult<()> {
    if !e.status.is_active() {
        return Ok(());
    }
    let ts = o.now.naive_utc();
    if !line::settle(c, e.id, e.status, WaitStatus::Withdrawn, None, ts)? {
        return Ok(());
    }
    audit::record(
        c,
        ts,
        o.actor,
        "waitlist_withdrawn",
        &subject(e),
        json!({"entry": e.id}),
    )?;
    if let (WaitStatus::Offered, Some(slot)) = (e.status, e.slot_id) {
        branches::unhold_seat(c, slot)?;
        offer_freed(c, slot, o)?;
    }
    Ok(())
}

/// A seat of `slot_id` is free: hold it for the first in its day's line
/// and mail them the offer. False when nobody waits, the session is too
/// close for an offer, or no seat is free after all.
pub fn offer_freed(c: &mut DbConnection, slot_id: i64, o: &Offering<'_>) -> AppResult<bool> {
    let Some(slot) = branches::find_slot(c, slot_id)? else {
        return Ok(false);
    };
    let hold = chrono::Duration::minutes(o.rules.hold_minutes);
    let ts = o.now.naive_utc();
    let Some(expires) = offer_expiry(ts, slot.starts_at, hold) else {
        return Ok(false);
    };
    let Some(e) = line::first_waiting(c, &slot.branch_code, slot.local_date)? else {
        return Ok(false);
    };
    if !branches::hold_seat(c, slot_id)? {
        return Ok(false);
    }
    if !line::mark_offered(c, e.id, slot_id, expires, ts)? {
        branches::unhold_seat(c, slot_id)?;
        return Ok(false);
    }
    let detail =
        json!({"entry": e.id, "slot": slot_id, "expires_at": expires.and_utc().to_rfc3339()});
    audit::record(c, ts, o.actor, "waitlist_offered", &subject(&e), detail)?;
    let branch = branches::find(c, &slot.branch_code)?
        .ok_or_else(|| AppError::internal("slot without branch"))?;
    let who = participants::find(c, e.participant_id)?
        .ok_or_else(|| AppError::internal("waitlist entry without participant"))?;
    let mut mail =
        crate::mail::waitlist::offer_mail(&who, e.id, &slot, &branch, expires, o.public_url, ts);
    if !crate::db::email_verifications::is_verified(c, who.id, &who.email)? {
        mail = crate::mail::layout::with_unverified_note(mail, o.public_url);
    }
    crate::db::outbox::enqueue(c, &mail)?;
    let gateway = crate::app::messages::Gateway::new(o.rules.messages, o.public_url);
    crate::app::messages::send(c, &gateway, &who, |lang| {
        let url = o.public_url;
        crate::mail::messages::offer_message(lang, e.id, &slot, &branch, expires, url, ts)
    })?;
    Ok(true)
}

/// Offers nobody answered in time: each expires and its seat goes to the
/// next in line (or back to everyone). Returns how many expired.
pub fn expire_offers(
    db: &crate::db::Db,
    now: DateTime<Utc>,
    rules: FairRules,
    public_url: &str,
) -> AppResult<usize> {
    let due = db.read(|c| line::expired_offers(c, now.naive_utc()))?;
    let actor = Actor::system();
    let o = Offering {
        now,
        rules,
        public_url,
        actor: &actor,
    };
    let mut n = 0;
    for e in due {
        n += db.write(|c| -> AppResult<usize> {
            let ts = now.naive_utc();
            if !line::settle(c, e.id, WaitStatus::Offered, WaitStatus::Expired, None, ts)? {
                return Ok(0);
            }
            audit::record(
                c,
                ts,
                &actor,
                "waitlist_expired",
                &subject(&e),
                json!({"entry": e.id}),
            )?;
            if let Some(slot) = e.slot_id {
                branches::unhold_seat(c, slot)?;
                offer_freed(c, slot, &o)?;
            }
            Ok(1)
        })?;
    }
    Ok(n)
}
