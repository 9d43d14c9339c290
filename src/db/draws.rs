//! New-day draws: the requests collected while a day opens at a branch in
//! `draw` mode, and the one recorded draw per branch-day (its seed). What
//! a draw does is decided in `app::draw`.

use crate::db::FirstRow;
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::schema::{branches, draw_requests, draws};
use super::{DbConnection, DbError};
use crate::domain::draw::DrawStatus;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = draw_requests)]
pub struct DrawRequest {
    pub id: i64,
    pub branch_code: String,
    pub local_date: NaiveDate,
    pub participant_id: i64,
    pub claim_id: i64,
    pub slot_id: i64,
    #[diesel(deserialize_as = String)]
    pub status: DrawStatus,
    pub booking_id: Option<i64>,
    pub draw_at: NaiveDateTime,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = draw_requests, treat_none_as_default_value = false)]
pub struct NewDrawRequest<'a> {
    pub branch_code: &'a str,
    pub local_date: NaiveDate,
    pub participant_id: i64,
    pub claim_id: i64,
    pub slot_id: i64,
    pub status: &'a str,
    pub draw_at: NaiveDateTime,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// Inserts a request; a second pending one of the participant surfaces as
/// `DbError::is_unique_violation` (index `draw_requests_one_pending`).
pub fn insert_request(
    conn: &mut DbConnection,
    new: &NewDrawRequest<'_>,
) -> Result<DrawRequest, DbError> {
    Ok(crate::insert_returning!(
        conn,
        draw_requests::table,
        new,
        DrawRequest
    )?)
}

pub fn find_request(conn: &mut DbConnection, id: i64) -> Result<Option<DrawRequest>, DbError> {
    Ok(draw_requests::table
        .find(id)
        .select(DrawRequest::as_select())
        .first_row(conn)
        .optional()?)
}

/// The participant's pending request, if any.
pub fn pending_of(
    conn: &mut DbConnection,
    participant: i64,
) -> Result<Option<DrawRequest>, DbError> {
    Ok(draw_requests::table
        .filter(draw_requests::participant_id.eq(participant))
        .filter(draw_requests::status.eq(DrawStatus::Pending.as_str()))
        .select(DrawRequest::as_select())
        .first_row(conn)
        .optional()?)
}

/// Branch-days whose collection window is over with requests pending.
pub fn due(
    conn: &mut DbConnection,
    now: NaiveDateTime,
) -> Result<Vec<(String, NaiveDate)>, DbError> {
    Ok(draw_requests::table
        .filter(draw_requests::status.eq(DrawStatus::Pending.as_str()))
        .filter(draw_requests::draw_at.le(now))
        .select((draw_requests::branch_code, draw_requests::local_date))
        .distinct()
        .order((draw_requests::local_date, draw_requests::branch_code))
        .limit(100)
        .load(conn)?)
}

/// The pending requests of a branch-day.
pub fn pending_for(
    conn: &mut DbConnection,
    branch: &str,
    day: NaiveDate,
) -> Result<Vec<DrawRequest>, DbError> {
    Ok(draw_requests::table
        .filter(draw_requests::branch_code.eq(branch))
        .filter(draw_requests::local_date.eq(day))
        .filter(draw_requests::status.eq(DrawStatus::Pending.as_str()))
        .order(draw_requests::id.asc())
        .select(DrawRequest::as_select())
        .load(conn)?)
}

/// Pending → won (with its booking) or lost; false when no longer pending.
pub fn settle(
    conn: &mut DbConnection,
    id: i64,
    to: DrawStatus,
    booking: Option<i64>,
    at: NaiveDateTime,
) -> Result<bool, DbError> {
    let n = diesel::update(
        draw_requests::table
            .filter(draw_requests::id.eq(id))
            .filter(draw_requests::status.eq(DrawStatus::Pending.as_str())),
    )
    .set((
        draw_requests::status.eq(to.as_str()),
        draw_requests::booking_id.eq(booking),
        draw_requests::updated_at.eq(at),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// Records the draw of a branch-day; false when one was already held
/// (another instance got there first).
pub fn record_draw(
    conn: &mut DbConnection,
    branch: &str,
    day: NaiveDate,
    seed: &str,
    at: NaiveDateTime,
) -> Result<bool, DbError> {
    let row = (
        draws::branch_code.eq(branch),
        draws::local_date.eq(day),
        draws::seed.eq(seed),
        draws::held_at.eq(at),
    );
    let n = crate::per_backend!(conn, c => diesel::insert_into(draws::table)
        .values(row)
        .on_conflict_do_nothing()
        .execute(c))?;
    Ok(n == 1)
}

/// Sets a branch's release mode and draw window.
pub fn set_release(
    conn: &mut DbConnection,
    branch: &str,
    mode: &str,
    minutes: i32,
) -> Result<bool, DbError> {
    let n = diesel::update(branches::table.filter(branches::code.eq(branch)))
        .set((
            branches::release_mode.eq(mode),
            branches::draw_minutes.eq(minutes),
        ))
        .execute(conn)?;
    Ok(n == 1)
}
