//! Bookings: a participant's seat in a branch session — the rows and the
//! guarded statements that change them. What may be booked, and the mail
//! that goes with it, is decided in `app::booking`, which runs these inside
//! one write transaction.

use crate::db::FirstRow;
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;

use super::branches::{self, Branch, Slot};
use super::participants::Participant;
use super::schema::bookings;
use super::{DbConnection, DbError, TxLock};
use crate::domain::booking::BookingStatus;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = bookings)]
pub struct Booking {
    pub id: i64,
    pub code: String,
    pub participant_id: i64,
    pub claim_id: i64,
    pub slot_id: i64,
    #[diesel(deserialize_as = String)]
    pub status: BookingStatus,
    pub idempotency_key: Option<String>,
    #[diesel(deserialize_as = crate::db::stamp::Stamp)]
    pub created_at: NaiveDateTime,
    #[diesel(deserialize_as = crate::db::stamp::Stamp)]
    pub updated_at: NaiveDateTime,
}

impl Booking {
    /// The row `new` becomes when stored with `id`.
    pub fn stored(id: i64, new: &NewBooking<'_>) -> Result<Booking, DbError> {
        let status = BookingStatus::parse(new.status).map_err(|e| DbError::UnknownState(e.0))?;
        Ok(Booking {
            id,
            code: new.code.to_string(),
            participant_id: new.participant_id,
            claim_id: new.claim_id,
            slot_id: new.slot_id,
            status,
            idempotency_key: new.idempotency_key.map(str::to_string),
            created_at: new.created_at.0,
            updated_at: new.updated_at.0,
        })
    }
}

#[derive(Insertable)]
#[diesel(table_name = bookings, treat_none_as_default_value = false)]
pub struct NewBooking<'a> {
    pub code: &'a str,
    pub participant_id: i64,
    pub claim_id: i64,
    pub slot_id: i64,
    pub status: &'a str,
    pub idempotency_key: Option<&'a str>,
    pub created_at: crate::db::stamp::Stamp,
    pub updated_at: crate::db::stamp::Stamp,
}

/// A booking with what pages and mails need to show it.
#[derive(Debug, Clone)]
pub struct BookingView {
    pub booking: Booking,
    pub slot: Slot,
    pub branch: Branch,
}

/// Serializes one participant's booking changes. SQLite's write lock
/// already serializes every write; on PostgreSQL (READ COMMITTED) two
/// requests of the same participant would otherwise each read the booking
/// before the other's change — a transaction-scoped advisory lock makes
/// the second wait for the first to commit. Different participants never
/// wait for each other.
pub fn lock_participant(conn: &mut DbConnection, participant_id: i64) -> Result<(), DbError> {
    if let DbConnection::Pg(c) = conn {
        let key = participant_key(participant_id);
        crate::db::first::AdvisoryXactLock {
            family: PARTICIPANT_LOCKS,
            key,
        }
        .execute(c)?;
    }
    Ok(())
}

/// [`lock_participant`] as a transaction takes it with its `BEGIN`
/// ([`crate::db::Db::write_locked`]). Two-key form: key 1 names the lock
/// family, key 2 the participant (folded into 32 bits; a collision only
/// makes two participants wait for each other).
pub fn participant_lock(participant_id: i64) -> TxLock {
    TxLock::Pair(PARTICIPANT_LOCKS, participant_key(participant_id))
}

const PARTICIPANT_LOCKS: i32 = 4101;

fn participant_key(participant_id: i64) -> i32 {
    i32::try_from(participant_id.rem_euclid(i64::from(i32::MAX))).unwrap_or(0)
}

pub fn find_by_code(conn: &mut DbConnection, code: &str) -> Result<Option<Booking>, DbError> {
    Ok(bookings::table
        .filter(bookings::code.eq(code))
        .select(Booking::as_select())
        .first_row(conn)
        .optional()?)
}

pub fn view(conn: &mut DbConnection, booking: Booking) -> Result<Option<BookingView>, DbError> {
    let Some((slot, branch)) = branches::find_slot_at_branch(conn, booking.slot_id)? else {
        return Ok(None);
    };
    Ok(Some(BookingView {
        booking,
        slot,
        branch,
    }))
}

pub fn active_of(conn: &mut DbConnection, participant: i64) -> Result<Option<Booking>, DbError> {
    Ok(crate::per_backend!(conn, c => bookings::table
        .filter(bookings::participant_id.eq(participant))
        .filter(super::first::Fixed::<super::first::BookingActive>::condition())
        .select(Booking::as_select())
        .first_row(c)
        .optional())?)
}

pub fn count_active_for_slot(conn: &mut DbConnection, slot: i64) -> Result<i64, DbError> {
    Ok(bookings::table
        .filter(bookings::slot_id.eq(slot))
        .filter(bookings::status.eq(BookingStatus::Booked.as_str()))
        .count()
        .get_result(conn)?)
}

/// The booking a participant made earlier with this idempotency key.
pub fn find_by_idempotency_key(
    conn: &mut DbConnection,
    participant_id: i64,
    key: &str,
) -> Result<Option<Booking>, DbError> {
    Ok(bookings::table
        .filter(bookings::participant_id.eq(participant_id))
        .filter(bookings::idempotency_key.eq(key))
        .select(Booking::as_select())
        .first_row(conn)
        .optional()?)
}

/// Inserts a booking; a unique-constraint race surfaces as
/// `DbError::is_unique_violation`. On SQLite without `RETURNING`, the row
/// built from `new` and the id the insert took (`last_insert_rowid()`):
/// SQLite gathers a `RETURNING` statement's rows in a temporary b-tree
/// opened, filled and closed on every run.
pub fn insert(conn: &mut DbConnection, new: &NewBooking<'_>) -> Result<Booking, DbError> {
    match conn {
        DbConnection::Sqlite(c) => {
            diesel::insert_into(bookings::table)
                .values(new)
                .execute(c)?;
            let id = diesel::select(last_insert_rowid()).get_result::<i64>(c)?;
            Booking::stored(id, new)
        }
        conn => Ok(crate::insert_returning!(
            conn,
            bookings::table,
            new,
            Booking
        )?),
    }
}

diesel::define_sql_function! {
    /// SQLite's rowid of the connection's last insert.
    fn last_insert_rowid() -> diesel::sql_types::BigInt;
}

/// Moves an active booking to another session; `None` when it is no
/// longer active in the seat it was read in (guarded update).
pub fn move_to_slot(
    conn: &mut DbConnection,
    booking: &Booking,
    new_slot_id: i64,
    at: NaiveDateTime,
) -> Result<Option<Booking>, DbError> {
    Ok(crate::per_backend!(conn, c => diesel::update(
        bookings::table
            .filter(bookings::id.eq(booking.id))
            .filter(bookings::status.eq(BookingStatus::Booked.as_str()))
            .filter(bookings::slot_id.eq(booking.slot_id)),
    )
    .set((bookings::slot_id.eq(new_slot_id), bookings::updated_at.eq(at)))
    .returning(Booking::as_returning())
    .get_result(c)
    .optional())?)
}

/// Cancels an active booking; false when it is no longer active in the
/// seat it was read in (guarded update).
pub fn cancel_active(
    conn: &mut DbConnection,
    booking: &Booking,
    at: NaiveDateTime,
) -> Result<bool, DbError> {
    let n = diesel::update(
        bookings::table
            .filter(bookings::id.eq(booking.id))
            .filter(bookings::status.eq(BookingStatus::Booked.as_str()))
            .filter(bookings::slot_id.eq(booking.slot_id)),
    )
    .set((
        bookings::status.eq(BookingStatus::Cancelled.as_str()),
        bookings::updated_at.eq(at),
    ))
    .execute(conn)?;
    Ok(n == 1)
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
        .filter(bookings::status.ne(BookingStatus::Cancelled.as_str()))
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
        .filter(bookings::status.ne(BookingStatus::Cancelled.as_str()))
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
        .filter(bookings::status.eq(BookingStatus::Booked.as_str()))
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

pub fn find(conn: &mut DbConnection, id: i64) -> Result<Option<Booking>, DbError> {
    Ok(bookings::table
        .find(id)
        .select(Booking::as_select())
        .first_row(conn)
        .optional()?)
}
