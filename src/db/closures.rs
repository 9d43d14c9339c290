//! Branch closures: the record of a closed branch-day (or part of it) and
//! the sessions it closed. What closing does to bookings and waiting
//! lines is decided in `app::closures`.

use crate::db::FirstRow;
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::branches::Slot;
use super::schema::{closures, slots};
use super::{DbConnection, DbError};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = closures)]
pub struct Closure {
    pub id: i64,
    pub branch_code: String,
    pub local_date: NaiveDate,
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
    pub reason: String,
    pub closed_by: Option<i64>,
    pub created_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = closures, treat_none_as_default_value = false)]
pub struct NewClosure<'a> {
    pub branch_code: &'a str,
    pub local_date: NaiveDate,
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
    pub reason: &'a str,
    pub closed_by: Option<i64>,
    pub created_at: NaiveDateTime,
}

pub fn insert(conn: &mut DbConnection, new: &NewClosure<'_>) -> Result<Closure, DbError> {
    Ok(crate::insert_returning!(
        conn,
        closures::table,
        new,
        Closure
    )?)
}

/// Closes the open sessions of the closure's branch-day that start inside
/// it and after `now`, returning them (locked by the update).
pub fn close_sessions(
    conn: &mut DbConnection,
    c: &Closure,
    now: NaiveDateTime,
) -> Result<Vec<Slot>, DbError> {
    let target = slots::table
        .filter(slots::branch_code.eq(&c.branch_code))
        .filter(slots::local_date.eq(c.local_date))
        .filter(slots::closure_id.is_null())
        .filter(slots::starts_at.ge(c.starts_at))
        .filter(slots::starts_at.lt(c.ends_at))
        .filter(slots::starts_at.gt(now));
    diesel::update(target)
        .set(slots::closure_id.eq(Some(c.id)))
        .execute(conn)?;
    Ok(slots::table
        .filter(slots::closure_id.eq(Some(c.id)))
        .order(slots::starts_at.asc())
        .select(Slot::as_select())
        .load(conn)?)
}

/// The closures of a branch-day, oldest first.
pub fn on_day(
    conn: &mut DbConnection,
    branch: &str,
    day: NaiveDate,
) -> Result<Vec<Closure>, DbError> {
    Ok(closures::table
        .filter(closures::branch_code.eq(branch))
        .filter(closures::local_date.eq(day))
        .order(closures::id.asc())
        .select(Closure::as_select())
        .load(conn)?)
}

pub fn find(conn: &mut DbConnection, id: i64) -> Result<Option<Closure>, DbError> {
    Ok(closures::table
        .find(id)
        .select(Closure::as_select())
        .first_row(conn)
        .optional()?)
}
