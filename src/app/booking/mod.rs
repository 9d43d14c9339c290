//! Booking a verification session: placing, moving and cancelling a seat,
//! and the reminder the day before. Each change is one write transaction:
//! the seat count, the booking row and the outbox mail commit together or
//! not at all.

use chrono::{DateTime, NaiveDateTime, Utc};

use super::fair::{check_not_barred, check_rate, seat_given_up};
use super::waitlist::{FairRules, Offering};
use super::{write_db, AppError, AppResult, Ctx};
use crate::db::audit::{self, Actor, Subject};
use crate::db::bookings::{self, Booking, BookingView, NewBooking};
use crate::db::branches::{self, Branch, Slot};
use crate::db::participants::Participant;
use crate::db::stamp::Stamp;
use crate::db::{participants, DbConnection, DbError};
use crate::domain::booking::BookingStatus;
use crate::domain::calendar::{booking_window_open, BookingWindow};
use crate::domain::Code;
use crate::mail::compose::{self, BookingMailKind, Seat};

mod confirmation;
mod place;
mod reminders;

use confirmation::booked_mail;
pub use place::{place, place_blocking};
pub use reminders::send_reminders;

pub enum Placed {
    Created(BookingView),
    /// The same `Idempotency-Key` was seen before: the earlier booking.
    Replayed(BookingView),
    /// The day is being released by draw: the request waits for it.
    InDraw(crate::db::draws::DrawRequest),
}

/// Marker code for a unique-constraint race inside the transaction; the
/// operation is retried in a fresh transaction, which then sees the
/// winner's row.
const RACE: Code = Code::BookingRace;

fn race_or(e: DbError) -> AppError {
    if e.is_unique_violation() {
        AppError::conflict(RACE)
    } else {
        e.into()
    }
}

fn retry_races<T>(mut op: impl FnMut() -> AppResult<T>) -> AppResult<T> {
    for _ in 0..3 {
        match op() {
            Err(e) if e.code == RACE => continue,
            other => return other,
        }
    }
    Err(AppError::conflict(RACE))
}

/// What a booking change takes from its request: the server's time, the
/// fair-access rules, the public address for links, the actor.
struct Terms {
    now: DateTime<Utc>,
    rules: FairRules,
    public_url: String,
    actor: Actor,
}

impl Terms {
    fn of(ctx: &Ctx) -> Self {
        Self {
            now: ctx.clock.now(),
            rules: FairRules::of(&ctx.settings),
            public_url: ctx.settings.public_url.clone(),
            actor: ctx.actor.clone(),
        }
    }

    fn offering(&self) -> Offering<'_> {
        Offering {
            now: self.now,
            rules: self.rules,
            public_url: &self.public_url,
            actor: &self.actor,
        }
    }
}
/// What a booking request names.
pub struct Placing<'a> {
    pub participant_id: i64,
    pub claim_id: i64,
    pub slot_id: i64,
    pub idempotency_key: Option<&'a str>,
}

/// The booking row for a seat already taken, its audit entry and its
/// confirmation mail.
pub(crate) fn new_booking(
    conn: &mut DbConnection,
    p: &Placing<'_>,
    now: DateTime<Utc>,
    public_url: &str,
    actor: &Actor,
) -> AppResult<BookingView> {
    let v = store_booking(conn, p, now, public_url)?;
    record(
        conn,
        actor,
        "booking_placed",
        &v,
        now.naive_utc(),
        serde_json::json!({}),
    )?;
    Ok(v)
}

/// [`new_booking`] without its audit entry.
fn store_booking(
    conn: &mut DbConnection,
    p: &Placing<'_>,
    now: DateTime<Utc>,
    public_url: &str,
) -> AppResult<BookingView> {
    let code = crate::domain::booking_code::generate();
    let ts = now.naive_utc();
    let booking = bookings::insert(conn, &new_row(p, &code, ts)).map_err(race_or)?;
    let v = view_of(conn, booking)?;
    let who = participant(conn, p.participant_id)?;
    enqueue_mail(conn, BookingMailKind::Booked, &who, &v, public_url, ts)?;
    Ok(v)
}

/// The row of booking `code` placed as `p` asks, at `ts`.
fn new_row<'a>(p: &Placing<'a>, code: &'a str, ts: NaiveDateTime) -> NewBooking<'a> {
    NewBooking {
        code,
        participant_id: p.participant_id,
        claim_id: p.claim_id,
        slot_id: p.slot_id,
        status: BookingStatus::Booked.as_str(),
        idempotency_key: p.idempotency_key,
        created_at: Stamp(ts),
        updated_at: Stamp(ts),
    }
}

/// The audit entry of a booking change.
fn record(
    conn: &mut DbConnection,
    actor: &Actor,
    action: &str,
    v: &BookingView,
    at: NaiveDateTime,
    extra: serde_json::Value,
) -> AppResult<()> {
    entry_of(actor, action, &v.booking, &v.branch.code, at, extra).append(conn)?;
    Ok(())
}

/// [`record`]'s entry, to be written by the statement it rides on.
fn entry_of(
    actor: &Actor,
    action: &str,
    booking: &Booking,
    branch_code: &str,
    at: NaiveDateTime,
    extra: serde_json::Value,
) -> audit::Pending {
    let subject = Subject {
        participant_id: Some(booking.participant_id),
        claim_id: Some(booking.claim_id),
        booking_id: Some(booking.id),
        branch_code: Some(branch_code.to_string()),
        ..Default::default()
    };
    let mut details = serde_json::json!({"code": booking.code, "slot": booking.slot_id});
    if let (Some(d), serde_json::Value::Object(more)) = (details.as_object_mut(), extra) {
        d.extend(more);
    }
    audit::pending(at, actor, action, &subject, details)
}

/// Moves a booking to another session. The old seat is given up only in
/// the transaction that took the new one.
pub async fn reschedule(
    ctx: &Ctx,
    participant_id: i64,
    code: String,
    new_slot_id: i64,
) -> AppResult<BookingView> {
    let t = Terms::of(ctx);
    write_db(&ctx.db, move |conn| {
        let o = t.offering();
        let booking = lock_own_booking(conn, participant_id, &code)?;
        if !booking.status.is_active() {
            return Err(AppError::conflict(Code::BookingNotActive));
        }
        if booking.slot_id == new_slot_id {
            return Err(AppError::conflict(Code::SameSlot).field("slot_id"));
        }
        let (slot, branch) = slot_and_branch(conn, new_slot_id)?;
        ensure_bookable(conn, &slot, &branch, o.now)?;
        check_not_barred(conn, participant_id, new_slot_id, o.now)?;
        check_rate(conn, participant_id, &o)?;
        let Some(slot) = branches::take_seat(conn, &slot)? else {
            return Err(AppError::conflict(Code::SlotFull).field("slot_id"));
        };
        let ts = o.now.naive_utc();
        // Guarded: the booking must still be active in the seat we read.
        let Some(moved) = bookings::move_to_slot(conn, &booking, new_slot_id, ts)? else {
            return Err(AppError::conflict(Code::BookingNotActive));
        };
        branches::release_seat(conn, booking.slot_id)?;
        let v = BookingView {
            booking: moved,
            slot,
            branch,
        };
        let who = participant(conn, participant_id)?;
        enqueue_mail(
            conn,
            BookingMailKind::Rescheduled,
            &who,
            &v,
            o.public_url,
            ts,
        )?;
        let from = serde_json::json!({"from_slot": booking.slot_id});
        record(conn, o.actor, "booking_rescheduled", &v, ts, from)?;
        seat_given_up(conn, booking.slot_id, participant_id, &o)?;
        Ok(v)
    })
    .await
}

/// Cancels a booking and frees its seat at once. Cancelling a cancelled
/// booking is a no-op, so retries are safe.
pub async fn cancel(ctx: &Ctx, participant_id: i64, code: String) -> AppResult<BookingView> {
    let t = Terms::of(ctx);
    write_db(&ctx.db, move |conn| {
        let o = t.offering();
        let booking = lock_own_booking(conn, participant_id, &code)?;
        match booking.status {
            BookingStatus::Cancelled => return view_of(conn, booking),
            s if !s.is_active() => return Err(AppError::conflict(Code::BookingNotActive)),
            _ => {}
        }
        check_rate(conn, participant_id, &o)?;
        let ts = o.now.naive_utc();
        if !bookings::cancel_active(conn, &booking, ts)? {
            return Err(AppError::conflict(Code::BookingNotActive));
        }
        branches::release_seat(conn, booking.slot_id)?;
        let booking = bookings::find_by_code(conn, &code)?
            .ok_or_else(|| AppError::not_found(Code::BookingNotFound))?;
        let v = view_of(conn, booking)?;
        let who = participant(conn, participant_id)?;
        enqueue_mail(conn, BookingMailKind::Cancelled, &who, &v, o.public_url, ts)?;
        record(
            conn,
            o.actor,
            "booking_cancelled",
            &v,
            ts,
            serde_json::json!({}),
        )?;
        // The freed seat goes to the first in the day's waiting line, or
        // cools off.
        seat_given_up(conn, v.booking.slot_id, participant_id, &o)?;
        Ok(v)
    })
    .await
}

/// Refuses a session that has started, whose day is not open for booking
/// yet, or that falls on a holiday.
pub fn ensure_bookable(
    conn: &mut DbConnection,
    slot: &Slot,
    branch: &Branch,
    now: DateTime<Utc>,
) -> AppResult<()> {
    ensure_open(conn, slot, branch, now)?;
    match branches::holiday_on(conn, slot.local_date)? {
        Some(h) => Err(on_holiday(h.name_id)),
        None => Ok(()),
    }
}

/// [`ensure_bookable`] but for the holiday, which the caller read.
fn ensure_open(
    conn: &mut DbConnection,
    slot: &Slot,
    branch: &Branch,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let past = || AppError::unprocessable(Code::SlotClosed).detail("slot_closed_past");
    if let Some(id) = slot.closure_id {
        let reason = crate::db::closures::find(conn, id)?.map(|c| c.reason);
        return Err(AppError::unprocessable(Code::SlotClosed)
            .detail("slot_closed_closure")
            .param("reason", reason.unwrap_or_default()));
    }
    if slot.starts_at <= now.naive_utc() {
        return Err(past());
    }
    let today = now.with_timezone(&branch.tz()).date_naive();
    let horizon = i64::from(branch.booking_horizon_days);
    match booking_window_open(slot.local_date, today, horizon) {
        Ok(()) => Ok(()),
        Err(BookingWindow::Past) => Err(past()),
        Err(BookingWindow::NotYetOpen { opens_on }) => {
            Err(AppError::unprocessable(Code::SlotClosed)
                .detail("slot_closed_not_open")
                .param(
                    "date",
                    crate::i18n::long_date(crate::i18n::Lang::Id, opens_on),
                ))
        }
    }
}

/// The session's day is the holiday `name` (in Indonesian).
fn on_holiday(name: String) -> AppError {
    AppError::unprocessable(Code::SlotClosed)
        .detail("slot_closed_holiday")
        .param("holiday", name)
}

/// The participant's booking `code`, read after locking the participant so
/// that their concurrent changes wait for this transaction.
fn lock_own_booking(
    conn: &mut DbConnection,
    participant_id: i64,
    code: &str,
) -> AppResult<Booking> {
    bookings::lock_participant(conn, participant_id)?;
    bookings::find_by_code(conn, code)?
        .filter(|b| b.participant_id == participant_id)
        .ok_or_else(|| AppError::not_found(Code::BookingNotFound))
}

fn view_of(conn: &mut DbConnection, b: Booking) -> AppResult<BookingView> {
    bookings::view(conn, b)?.ok_or_else(|| AppError::internal("booking without slot"))
}

fn slot_and_branch(conn: &mut DbConnection, slot_id: i64) -> AppResult<(Slot, Branch)> {
    let missing = || AppError::not_found(Code::SlotNotFound).field("slot_id");
    branches::find_slot_at_branch(conn, slot_id)?.ok_or_else(missing)
}

fn enqueue_mail(
    conn: &mut DbConnection,
    kind: BookingMailKind,
    participant: &Participant,
    view: &BookingView,
    public_url: &str,
    now: NaiveDateTime,
) -> AppResult<()> {
    let mail = compose::booking_mail(kind, participant, &Seat::of(view), public_url, now);
    crate::db::outbox::enqueue(conn, &mail)?;
    Ok(())
}

fn participant(conn: &mut DbConnection, id: i64) -> AppResult<Participant> {
    participants::find(conn, id)?.ok_or_else(AppError::unauthenticated)
}
