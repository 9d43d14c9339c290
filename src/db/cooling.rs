//! Seats cooling off after a cancel (issue "fair access"): the rows that
//! keep a given-up seat held until its release, and that bar whoever gave
//! it up from booking the same session again meanwhile. What happens when
//! is decided in `app::waitlist`.

use crate::db::FirstRow;
use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::seat_cooling;
use super::{DbConnection, DbError};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = seat_cooling)]
pub struct Cooling {
    pub id: i64,
    pub slot_id: i64,
    pub participant_id: i64,
    pub holds_seat: bool,
    pub release_at: NaiveDateTime,
    pub created_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = seat_cooling, treat_none_as_default_value = false)]
pub struct NewCooling {
    pub slot_id: i64,
    pub participant_id: i64,
    pub holds_seat: bool,
    pub release_at: NaiveDateTime,
    pub created_at: NaiveDateTime,
}

pub fn insert(conn: &mut DbConnection, new: &NewCooling) -> Result<(), DbError> {
    diesel::insert_into(seat_cooling::table)
        .values(new)
        .execute(conn)?;
    Ok(())
}

/// When the participant may book `slot_id` again, if they gave up a seat
/// of it that is still cooling at `now`.
pub fn barred_until(
    conn: &mut DbConnection,
    participant_id: i64,
    slot_id: i64,
    now: NaiveDateTime,
) -> Result<Option<NaiveDateTime>, DbError> {
    Ok(seat_cooling::table
        .filter(seat_cooling::participant_id.eq(participant_id))
        .filter(seat_cooling::slot_id.eq(slot_id))
        .filter(seat_cooling::release_at.gt(now))
        .select(diesel::dsl::max(seat_cooling::release_at))
        .first_row::<Option<NaiveDateTime>, _>(conn)?)
}

/// Rows whose delay is over, oldest first (at most `limit`).
pub fn due(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    limit: i64,
) -> Result<Vec<Cooling>, DbError> {
    Ok(seat_cooling::table
        .filter(seat_cooling::release_at.le(now))
        .order((seat_cooling::release_at, seat_cooling::id))
        .limit(limit)
        .select(Cooling::as_select())
        .load(conn)?)
}

/// Deletes a row; false when another instance released it first.
pub fn take(conn: &mut DbConnection, id: i64) -> Result<bool, DbError> {
    let n = diesel::delete(seat_cooling::table.filter(seat_cooling::id.eq(id))).execute(conn)?;
    Ok(n == 1)
}
