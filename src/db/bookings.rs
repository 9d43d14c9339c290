//! Bookings: a participant's seat in a branch session. Every change is one
//! write transaction: the seat count, the booking row and the outbox mail
//! commit together or not at all.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;

use super::branches::{self, Branch, Slot};
use super::participants::Participant;
use super::schema::bookings;
use super::{claims, participants, Db, DbConnection, DbError};
use crate::domain::calendar::{booking_window_open, BookingWindow};
use crate::error::AppError;
use crate::mail::compose::{self, BookingMailKind};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = bookings)]
pub struct Booking {
    pub id: i64,
    pub code: String,
    pub participant_id: i64,
    pub claim_id: i64,
    pub slot_id: i64,
    pub status: String,
    pub idempotency_key: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = bookings)]
struct NewBooking<'a> {
    code: &'a str,
    participant_id: i64,
    claim_id: i64,
    slot_id: i64,
    status: &'a str,
    idempotency_key: Option<&'a str>,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

/// A booking with what pages and mails need to show it.
#[derive(Debug, Clone)]
pub struct BookingView {
    pub booking: Booking,
    pub slot: Slot,
    pub branch: Branch,
}

pub enum Placed {
    Created(BookingView),
    /// The same `Idempotency-Key` was seen before: the earlier booking.
    Replayed(BookingView),
}

/// What the mail needs besides the booking itself.
pub struct MailContext<'a> {
    pub public_url: &'a str,
}

/// Marker code for a unique-constraint race inside the transaction; the
/// operation is retried once in a fresh transaction, which then sees the
/// winner's row.
const RACE: &str = "booking_race";

fn race_or(e: DbError) -> AppError {
    if e.is_unique_violation() {
        AppError::conflict(RACE)
    } else {
        e.into()
    }
}

fn retry_races<T>(mut op: impl FnMut() -> Result<T, AppError>) -> Result<T, AppError> {
    for _ in 0..3 {
        match op() {
            Err(e) if e.code == RACE => continue,
            other => return other,
        }
    }
    Err(AppError::conflict(RACE))
}

/// Serializes one participant's booking changes. SQLite's write lock
/// already serializes every write; on PostgreSQL (READ COMMITTED) two
/// requests of the same participant would otherwise each read the booking
/// before the other's change — a transaction-scoped advisory lock makes
/// the second wait for the first to commit. Different participants never
/// wait for each other.
fn lock_participant(conn: &mut DbConnection, participant_id: i64) -> Result<(), DbError> {
    if let DbConnection::Pg(c) = conn {
        // Two-key form: key 1 names the lock family, key 2 the participant
        // (folded into 32 bits; a collision only makes two participants
        // wait for each other).
        let key = i32::try_from(participant_id.rem_euclid(i64::from(i32::MAX))).unwrap_or(0);
        diesel::sql_query("SELECT pg_advisory_xact_lock(4101, $1)")
            .bind::<diesel::sql_types::Integer, _>(key)
            .execute(c)?;
    }
    Ok(())
}

pub fn find_by_code(conn: &mut DbConnection, code: &str) -> Result<Option<Booking>, DbError> {
    Ok(bookings::table
        .filter(bookings::code.eq(code))
        .select(Booking::as_select())
        .first(conn)
        .optional()?)
}

pub fn view(conn: &mut DbConnection, booking: Booking) -> Result<Option<BookingView>, DbError> {
    let Some(slot) = branches::find_slot(conn, booking.slot_id)? else {
        return Ok(None);
    };
    let Some(branch) = branches::find(conn, &slot.branch_code)? else {
        return Ok(None);
    };
    Ok(Some(BookingView {
        booking,
        slot,
        branch,
    }))
}

pub fn active_of(conn: &mut DbConnection, participant: i64) -> Result<Option<Booking>, DbError> {
    Ok(bookings::table
        .filter(bookings::participant_id.eq(participant))
        .filter(bookings::status.eq("booked"))
        .select(Booking::as_select())
        .first(conn)
        .optional()?)
}

pub fn count_active_for_slot(conn: &mut DbConnection, slot: i64) -> Result<i64, DbError> {
    Ok(bookings::table
        .filter(bookings::slot_id.eq(slot))
        .filter(bookings::status.eq("booked"))
        .count()
        .get_result(conn)?)
}

/// Refuses a session that has started, whose day is not open for booking
/// yet, or that falls on a holiday.
pub fn ensure_bookable(
    conn: &mut DbConnection,
    slot: &Slot,
    branch: &Branch,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    if slot.starts_at <= now.naive_utc() {
        return Err(AppError::unprocessable("slot_closed").detail("slot_closed_past"));
    }
    let today = now.with_timezone(&branch.tz()).date_naive();
    match booking_window_open(
        slot.local_date,
        today,
        i64::from(branch.booking_horizon_days),
    ) {
        Ok(()) => {}
        Err(BookingWindow::Past) => {
            return Err(AppError::unprocessable("slot_closed").detail("slot_closed_past"));
        }
        Err(BookingWindow::NotYetOpen { opens_on }) => {
            return Err(AppError::unprocessable("slot_closed")
                .detail("slot_closed_not_open")
                .param(
                    "date",
                    crate::i18n::long_date(crate::i18n::Lang::Id, opens_on),
                ));
        }
    }
    if let Some(h) = branches::holiday_on(conn, slot.local_date)? {
        return Err(AppError::unprocessable("slot_closed")
            .detail("slot_closed_holiday")
            .param("holiday", h.name_id));
    }
    Ok(())
}

fn load_slot_and_branch(conn: &mut DbConnection, slot_id: i64) -> Result<(Slot, Branch), AppError> {
    let slot = branches::find_slot(conn, slot_id)?
        .ok_or_else(|| AppError::not_found("slot_not_found").field("slot_id"))?;
    let branch = branches::find(conn, &slot.branch_code)?
        .ok_or_else(|| AppError::not_found("slot_not_found").field("slot_id"))?;
    Ok((slot, branch))
}

fn enqueue_mail(
    conn: &mut DbConnection,
    kind: BookingMailKind,
    participant: &Participant,
    view: &BookingView,
    ctx: &MailContext<'_>,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    let mail = compose::booking_mail(kind, participant, view, ctx.public_url, now);
    super::outbox::enqueue(conn, &mail)?;
    Ok(())
}

fn participant(conn: &mut DbConnection, id: i64) -> Result<Participant, AppError> {
    participants::find(conn, id)?.ok_or_else(AppError::unauthenticated)
}

/// Books `slot_id` for the participant's claim.
pub fn place(
    db: &Db,
    participant_id: i64,
    claim_id: i64,
    slot_id: i64,
    idempotency_key: Option<&str>,
    now: DateTime<Utc>,
    ctx: &MailContext<'_>,
) -> Result<Placed, AppError> {
    retry_races(|| {
        db.write(|conn| {
            place_tx(
                conn,
                participant_id,
                claim_id,
                slot_id,
                idempotency_key,
                now,
                ctx,
            )
        })
    })
}

fn place_tx(
    conn: &mut DbConnection,
    participant_id: i64,
    claim_id: i64,
    slot_id: i64,
    idempotency_key: Option<&str>,
    now: DateTime<Utc>,
    ctx: &MailContext<'_>,
) -> Result<Placed, AppError> {
    lock_participant(conn, participant_id)?;
    if let Some(key) = idempotency_key {
        let earlier = bookings::table
            .filter(bookings::participant_id.eq(participant_id))
            .filter(bookings::idempotency_key.eq(key))
            .select(Booking::as_select())
            .first(conn)
            .optional()?;
        if let Some(b) = earlier {
            let v = view(conn, b)?.ok_or_else(|| AppError::internal("booking without slot"))?;
            return Ok(Placed::Replayed(v));
        }
    }
    let claim = claims::find(conn, claim_id)?
        .filter(|c| c.participant_id == participant_id)
        .ok_or_else(|| AppError::not_found("claim_not_yours").field("claim_id"))?;
    if claim.status != "open" {
        return Err(AppError::conflict("claim_not_open").field("claim_id"));
    }
    if active_of(conn, participant_id)?.is_some() {
        return Err(AppError::conflict("already_booked"));
    }
    let (slot, branch) = load_slot_and_branch(conn, slot_id)?;
    ensure_bookable(conn, &slot, &branch, now)?;
    if !branches::take_seat(conn, slot_id)? {
        return Err(AppError::conflict("slot_full").field("slot_id"));
    }
    let code = crate::domain::booking_code::generate();
    let ts = now.naive_utc();
    let new = NewBooking {
        code: &code,
        participant_id,
        claim_id,
        slot_id,
        status: "booked",
        idempotency_key,
        created_at: ts,
        updated_at: ts,
    };
    let booking = crate::per_backend!(conn, c => diesel::insert_into(bookings::table)
        .values(&new)
        .returning(Booking::as_returning())
        .get_result(c))
    .map_err(|e| race_or(e.into()))?;
    let slot = branches::find_slot(conn, slot_id)?.unwrap_or(slot);
    let v = BookingView {
        booking,
        slot,
        branch,
    };
    let p = participant(conn, participant_id)?;
    enqueue_mail(conn, BookingMailKind::Booked, &p, &v, ctx, ts)?;
    Ok(Placed::Created(v))
}

/// Moves a booking to another session. The old seat is given up only in
/// the transaction that took the new one.
pub fn reschedule(
    db: &Db,
    participant_id: i64,
    code: &str,
    new_slot_id: i64,
    now: DateTime<Utc>,
    ctx: &MailContext<'_>,
) -> Result<BookingView, AppError> {
    db.write(|conn| {
        lock_participant(conn, participant_id)?;
        let booking = find_by_code(conn, code)?
            .filter(|b| b.participant_id == participant_id)
            .ok_or_else(|| AppError::not_found("booking_not_found"))?;
        if booking.status != "booked" {
            return Err(AppError::conflict("booking_not_active"));
        }
        if booking.slot_id == new_slot_id {
            return Err(AppError::conflict("same_slot").field("slot_id"));
        }
        let (slot, branch) = load_slot_and_branch(conn, new_slot_id)?;
        ensure_bookable(conn, &slot, &branch, now)?;
        if !branches::take_seat(conn, new_slot_id)? {
            return Err(AppError::conflict("slot_full").field("slot_id"));
        }
        let ts = now.naive_utc();
        // Guarded: the booking must still be active in the seat we read.
        let moved = crate::per_backend!(conn, c => diesel::update(
            bookings::table
                .filter(bookings::id.eq(booking.id))
                .filter(bookings::status.eq("booked"))
                .filter(bookings::slot_id.eq(booking.slot_id)),
        )
        .set((bookings::slot_id.eq(new_slot_id), bookings::updated_at.eq(ts)))
        .returning(Booking::as_returning())
        .get_result(c)
        .optional())?;
        let Some(booking_after) = moved else {
            return Err(AppError::conflict("booking_not_active"));
        };
        branches::release_seat(conn, booking.slot_id)?;
        let booking = booking_after;
        let slot = branches::find_slot(conn, new_slot_id)?.unwrap_or(slot);
        let v = BookingView {
            booking,
            slot,
            branch,
        };
        let p = participant(conn, participant_id)?;
        enqueue_mail(conn, BookingMailKind::Rescheduled, &p, &v, ctx, ts)?;
        Ok(v)
    })
}

/// Cancels a booking and frees its seat at once. Cancelling a cancelled
/// booking is a no-op, so retries are safe.
pub fn cancel(
    db: &Db,
    participant_id: i64,
    code: &str,
    now: DateTime<Utc>,
    ctx: &MailContext<'_>,
) -> Result<BookingView, AppError> {
    db.write(|conn| {
        lock_participant(conn, participant_id)?;
        let booking = find_by_code(conn, code)?
            .filter(|b| b.participant_id == participant_id)
            .ok_or_else(|| AppError::not_found("booking_not_found"))?;
        if booking.status == "cancelled" {
            return view(conn, booking)?.ok_or_else(|| AppError::internal("booking without slot"));
        }
        if booking.status != "booked" {
            return Err(AppError::conflict("booking_not_active"));
        }
        let ts = now.naive_utc();
        let n = diesel::update(
            bookings::table
                .filter(bookings::id.eq(booking.id))
                .filter(bookings::status.eq("booked"))
                .filter(bookings::slot_id.eq(booking.slot_id)),
        )
        .set((
            bookings::status.eq("cancelled"),
            bookings::updated_at.eq(ts),
        ))
        .execute(conn)?;
        if n != 1 {
            return Err(AppError::conflict("booking_not_active"));
        }
        branches::release_seat(conn, booking.slot_id)?;
        let booking =
            find_by_code(conn, code)?.ok_or_else(|| AppError::not_found("booking_not_found"))?;
        let v = view(conn, booking)?.ok_or_else(|| AppError::internal("booking without slot"))?;
        let p = participant(conn, participant_id)?;
        enqueue_mail(conn, BookingMailKind::Cancelled, &p, &v, ctx, ts)?;
        Ok(v)
    })
}

/// Bookings of a session, for staff.
pub fn for_slot(
    conn: &mut DbConnection,
    slot: i64,
) -> Result<Vec<(Booking, Participant)>, DbError> {
    use super::schema::participants as p;
    Ok(bookings::table
        .inner_join(p::table)
        .filter(bookings::slot_id.eq(slot))
        .filter(bookings::status.ne("cancelled"))
        .select((Booking::as_select(), Participant::as_select()))
        .order(bookings::created_at.asc())
        .load(conn)?)
}

/// Branches whose staff handle a claim: where it has a booking that was
/// not cancelled, or a floor ticket (walk-ins).
pub fn branches_of_claim(conn: &mut DbConnection, claim: i64) -> Result<Vec<String>, DbError> {
    use super::schema::{slots, tickets};
    let mut out: Vec<String> = bookings::table
        .inner_join(slots::table)
        .filter(bookings::claim_id.eq(claim))
        .filter(bookings::status.ne("cancelled"))
        .select(slots::branch_code)
        .distinct()
        .load(conn)?;
    let floor: Vec<String> = tickets::table
        .filter(tickets::claim_id.eq(Some(claim)))
        .select(tickets::branch_code)
        .distinct()
        .load(conn)?;
    for b in floor {
        if !out.contains(&b) {
            out.push(b);
        }
    }
    Ok(out)
}

/// Local time, the day before a session, from which its reminder goes out.
pub const REMINDER_LOCAL_HOUR: u32 = 8;

/// Active bookings whose session is tomorrow in their branch's time zone,
/// once it is [`REMINDER_LOCAL_HOUR`] there, and that have not had their
/// reminder check yet. Bookings made after that moment are left out: their
/// confirmation already asks for the documents.
pub fn due_reminders(
    conn: &mut DbConnection,
    now: DateTime<Utc>,
) -> Result<Vec<(Booking, Slot, Branch)>, DbError> {
    use super::schema::{branches as b, slots};
    // Every Indonesian zone's "tomorrow" lies within these UTC dates.
    let today = now.date_naive();
    let candidates: Vec<(Booking, Slot, Branch)> = bookings::table
        .inner_join(slots::table.inner_join(b::table))
        .filter(bookings::status.eq("booked"))
        .filter(bookings::reminder_sent_at.is_null())
        .filter(slots::local_date.ge(today))
        .filter(slots::local_date.le(today + chrono::Duration::days(2)))
        .select((Booking::as_select(), Slot::as_select(), Branch::as_select()))
        .load(conn)?;
    Ok(candidates
        .into_iter()
        .filter(|(booking, slot, branch)| {
            use chrono::TimeZone;
            let local_today = now.with_timezone(&branch.tz()).date_naive();
            let Some(send_from) = local_today
                .and_hms_opt(REMINDER_LOCAL_HOUR, 0, 0)
                .and_then(|t| branch.tz().from_local_datetime(&t).single())
                .map(|t| t.naive_utc())
            else {
                return false;
            };
            slot.local_date == local_today + chrono::Duration::days(1)
                && now.naive_utc() >= send_from
                && booking.created_at < send_from
        })
        .collect())
}

/// Marks the reminder check done; false when another worker did it first.
pub fn claim_reminder(
    conn: &mut DbConnection,
    booking: i64,
    at: NaiveDateTime,
) -> Result<bool, DbError> {
    let n = diesel::update(
        bookings::table
            .filter(bookings::id.eq(booking))
            .filter(bookings::reminder_sent_at.is_null()),
    )
    .set(bookings::reminder_sent_at.eq(Some(at)))
    .execute(conn)?;
    Ok(n == 1)
}

/// The day before a session: a participant whose documents are incomplete
/// gets a mail naming what is missing. Returns how many were sent.
pub fn send_reminders(db: &Db, now: DateTime<Utc>, public_url: &str) -> Result<usize, AppError> {
    let due = db.read(|c| -> Result<_, AppError> { Ok(due_reminders(c, now)?) })?;
    let mut sent = 0;
    for (booking, slot, branch) in due {
        sent += db.write(|c| -> Result<usize, AppError> {
            if !claim_reminder(c, booking.id, now.naive_utc())? {
                return Ok(0);
            }
            let Some(claim) = claims::find(c, booking.claim_id)? else {
                return Ok(0);
            };
            let dossier = super::documents::dossier(c, claim)?;
            if dossier.ready {
                return Ok(0);
            }
            let missing: Vec<(String, String)> =
                crate::domain::documents::missing_items(&dossier.checklist)
                    .into_iter()
                    .map(|e| (e.label_id.to_string(), e.label_en.to_string()))
                    .collect();
            let p = participant(c, booking.participant_id)?;
            let view = BookingView {
                booking: booking.clone(),
                slot: slot.clone(),
                branch: branch.clone(),
            };
            let mail = compose::reminder_mail(&p, &view, &missing, public_url, now.naive_utc());
            super::outbox::enqueue(c, &mail)?;
            Ok(1)
        })?;
    }
    Ok(sent)
}
