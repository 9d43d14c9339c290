//! Waiting lines: the rows and the guarded statements that move a place
//! in line from waiting to offered to booked (or expired, withdrawn). The
//! seat an offer holds is `slots.held` (see `branches::hold_seat`); what
//! happens when is decided in `app::waitlist`.

use crate::db::FirstRow;
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::schema::waitlist;
use super::{DbConnection, DbError};
use crate::domain::waitlist::WaitStatus;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = waitlist)]
pub struct Entry {
    pub id: i64,
    pub participant_id: i64,
    pub claim_id: i64,
    pub branch_code: String,
    pub local_date: NaiveDate,
    #[diesel(deserialize_as = String)]
    pub status: WaitStatus,
    pub slot_id: Option<i64>,
    pub expires_at: Option<NaiveDateTime>,
    pub booking_id: Option<i64>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = waitlist, treat_none_as_default_value = false)]
pub struct NewEntry<'a> {
    pub participant_id: i64,
    pub claim_id: i64,
    pub branch_code: &'a str,
    pub local_date: NaiveDate,
    pub status: &'a str,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// Inserts a place in line; a participant already in a line surfaces as
/// `DbError::is_unique_violation` (index `waitlist_one_active`).
pub fn insert(conn: &mut DbConnection, new: &NewEntry<'_>) -> Result<Entry, DbError> {
    Ok(crate::insert_returning!(conn, waitlist::table, new, Entry)?)
}

pub fn find(conn: &mut DbConnection, id: i64) -> Result<Option<Entry>, DbError> {
    Ok(waitlist::table
        .find(id)
        .select(Entry::as_select())
        .first_row(conn)
        .optional()?)
}

/// The participant's place in any line (at most one).
pub fn active_of(conn: &mut DbConnection, participant: i64) -> Result<Option<Entry>, DbError> {
    Ok(crate::per_backend!(conn, c => waitlist::table
        .filter(waitlist::participant_id.eq(participant))
        .filter(super::first::Fixed::<super::first::WaitlistActive>::condition())
        .select(Entry::as_select())
        .first_row(c)
        .optional())?)
}

/// 1 for the first waiting in the entry's line; 0 when it is not waiting.
pub fn position(conn: &mut DbConnection, e: &Entry) -> Result<i64, DbError> {
    if e.status != WaitStatus::Waiting {
        return Ok(0);
    }
    Ok(waitlist::table
        .filter(waitlist::branch_code.eq(&e.branch_code))
        .filter(waitlist::local_date.eq(e.local_date))
        .filter(waitlist::status.eq(WaitStatus::Waiting.as_str()))
        .filter(waitlist::id.le(e.id))
        .count()
        .get_result(conn)?)
}

/// The first waiting in a branch-day's line, locked for this transaction.
/// On PostgreSQL places another transaction is offering are skipped, so
/// two seats freeing at once go to two different people; SQLite's single
/// writer serializes them anyway.
pub fn first_waiting(
    conn: &mut DbConnection,
    branch: &str,
    day: NaiveDate,
) -> Result<Option<Entry>, DbError> {
    macro_rules! q {
        () => {
            waitlist::table
                .filter(waitlist::branch_code.eq(branch))
                .filter(waitlist::local_date.eq(day))
                .filter(waitlist::status.eq(WaitStatus::Waiting.as_str()))
                .order(waitlist::id.asc())
                .select(Entry::as_select())
        };
    }
    if let DbConnection::Pg(c) = conn {
        return Ok(q!().for_update().skip_locked().first(c).optional()?);
    }
    Ok(q!().first_row(conn).optional()?)
}

/// Waiting → offered, holding `slot` until `expires`; false when the place
/// is no longer waiting.
pub fn mark_offered(
    conn: &mut DbConnection,
    id: i64,
    slot: i64,
    expires: NaiveDateTime,
    at: NaiveDateTime,
) -> Result<bool, DbError> {
    let n = diesel::update(
        waitlist::table
            .filter(waitlist::id.eq(id))
            .filter(waitlist::status.eq(WaitStatus::Waiting.as_str())),
    )
    .set((
        waitlist::status.eq(WaitStatus::Offered.as_str()),
        waitlist::slot_id.eq(Some(slot)),
        waitlist::expires_at.eq(Some(expires)),
        waitlist::updated_at.eq(at),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// Moves a place from `from` to `to` (recording the booking an accepted
/// offer became); false when it is no longer in `from`.
pub fn settle(
    conn: &mut DbConnection,
    id: i64,
    from: WaitStatus,
    to: WaitStatus,
    booking: Option<i64>,
    at: NaiveDateTime,
) -> Result<bool, DbError> {
    let n = diesel::update(
        waitlist::table
            .filter(waitlist::id.eq(id))
            .filter(waitlist::status.eq(from.as_str())),
    )
    .set((
        waitlist::status.eq(to.as_str()),
        waitlist::booking_id.eq(booking),
        waitlist::updated_at.eq(at),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// Offers whose time ran out by `now`.
pub fn expired_offers(conn: &mut DbConnection, now: NaiveDateTime) -> Result<Vec<Entry>, DbError> {
    Ok(waitlist::table
        .filter(waitlist::status.eq(WaitStatus::Offered.as_str()))
        .filter(waitlist::expires_at.le(now))
        .order(waitlist::id.asc())
        .limit(500)
        .select(Entry::as_select())
        .load(conn)?)
}

/// Places holding an offer of `slot`.
pub fn offered_on(conn: &mut DbConnection, slot: i64) -> Result<Vec<Entry>, DbError> {
    Ok(waitlist::table
        .filter(waitlist::status.eq(WaitStatus::Offered.as_str()))
        .filter(waitlist::slot_id.eq(Some(slot)))
        .order(waitlist::id.asc())
        .select(Entry::as_select())
        .load(conn)?)
}
