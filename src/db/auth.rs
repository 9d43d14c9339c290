//! Signed-in sessions and the sign-in attempt log behind rate limiting.
//! Both live in the database so that every app instance agrees.

use crate::db::FirstRow;
use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{auth_sessions, login_attempts};
use super::{DbConnection, DbError};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = auth_sessions, treat_none_as_default_value = false)]
pub struct AuthSession {
    pub id: String,
    pub participant_id: Option<i64>,
    pub staff_id: Option<i64>,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub revoked_at: Option<NaiveDateTime>,
}

pub fn create(conn: &mut DbConnection, s: &AuthSession) -> Result<(), DbError> {
    diesel::insert_into(auth_sessions::table)
        .values(s)
        .execute(conn)?;
    Ok(())
}

/// The session if it exists, is not revoked and has not expired.
pub fn active(
    conn: &mut DbConnection,
    id: &str,
    now: NaiveDateTime,
) -> Result<Option<AuthSession>, DbError> {
    Ok(crate::per_backend!(conn, c => auth_sessions::table
        .find(id)
        .filter(auth_sessions::revoked_at.is_null())
        .filter(auth_sessions::expires_at.gt(now))
        .select(AuthSession::as_select())
        .first_row(c)
        .optional())?)
}

pub fn revoke(conn: &mut DbConnection, id: &str, now: NaiveDateTime) -> Result<(), DbError> {
    diesel::update(auth_sessions::table.find(id))
        .set(auth_sessions::revoked_at.eq(Some(now)))
        .execute(conn)?;
    Ok(())
}

/// Ends every open session of an account (a participant's or a staff
/// member's): the tokens naming them stop working at once.
pub fn revoke_all(
    conn: &mut DbConnection,
    participant_id: Option<i64>,
    staff_id: Option<i64>,
    now: NaiveDateTime,
) -> Result<usize, DbError> {
    let open = auth_sessions::table.filter(auth_sessions::revoked_at.is_null());
    let set = auth_sessions::revoked_at.eq(Some(now));
    Ok(match (participant_id, staff_id) {
        (Some(p), _) => diesel::update(open.filter(auth_sessions::participant_id.eq(p)))
            .set(set)
            .execute(conn)?,
        (None, Some(s)) => diesel::update(open.filter(auth_sessions::staff_id.eq(s)))
            .set(set)
            .execute(conn)?,
        (None, None) => 0,
    })
}

#[derive(Insertable)]
#[diesel(table_name = login_attempts, treat_none_as_default_value = false)]
struct NewAttempt<'a> {
    email: &'a str,
    ip: &'a str,
    success: bool,
    at: NaiveDateTime,
}

/// Records a sign-in attempt as failed until proven otherwise; returns its
/// id, which orders it among simultaneous attempts. On PostgreSQL attempts
/// for one account are serialized by an advisory lock held until the
/// transaction ends (SQLite's write lock already does that).
pub fn begin_attempt(
    conn: &mut DbConnection,
    email: &str,
    ip: &str,
    at: NaiveDateTime,
) -> Result<i64, DbError> {
    if let DbConnection::Pg(c) = conn {
        diesel::sql_query("SELECT pg_advisory_xact_lock(hashtext($1))")
            .bind::<diesel::sql_types::Text, _>(email)
            .execute(c)?;
    }
    let row = NewAttempt {
        email,
        ip,
        success: false,
        at,
    };
    Ok(
        crate::per_backend!(conn, c => diesel::insert_into(login_attempts::table)
        .values(&row)
        .returning(login_attempts::id)
        .get_result(c))?,
    )
}

pub fn mark_success(conn: &mut DbConnection, id: i64) -> Result<(), DbError> {
    diesel::update(login_attempts::table.find(id))
        .set(login_attempts::success.eq(true))
        .execute(conn)?;
    Ok(())
}

pub fn forget_attempt(conn: &mut DbConnection, id: i64) -> Result<(), DbError> {
    diesel::delete(login_attempts::table.find(id)).execute(conn)?;
    Ok(())
}

/// Failed attempts before attempt `id` within the window: for the account
/// (only those after its last successful sign-in) and for the address.
pub fn failures_before(
    conn: &mut DbConnection,
    id: i64,
    email: &str,
    ip: &str,
    since: NaiveDateTime,
) -> Result<(i64, i64), DbError> {
    let last_success: Option<i64> = login_attempts::table
        .filter(login_attempts::email.eq(email))
        .filter(login_attempts::success.eq(true))
        .filter(login_attempts::id.lt(id))
        .select(diesel::dsl::max(login_attempts::id))
        .first_row(conn)?;
    let account: i64 = login_attempts::table
        .filter(login_attempts::email.eq(email))
        .filter(login_attempts::success.eq(false))
        .filter(login_attempts::at.gt(since))
        .filter(login_attempts::id.lt(id))
        .filter(login_attempts::id.gt(last_success.unwrap_or(0)))
        .count()
        .get_result(conn)?;
    let address: i64 = login_attempts::table
        .filter(login_attempts::ip.eq(ip))
        .filter(login_attempts::success.eq(false))
        .filter(login_attempts::at.gt(since))
        .filter(login_attempts::id.lt(id))
        .count()
        .get_result(conn)?;
    Ok((account, address))
}

/// Records that someone proved the account another way (a password
/// reset through its mailbox): like a successful sign-in, it ends the
/// account's sign-in lock-out (the failures before it no longer count).
pub fn note_proof(
    conn: &mut DbConnection,
    email: &str,
    ip: &str,
    at: NaiveDateTime,
) -> Result<(), DbError> {
    let row = NewAttempt {
        email,
        ip,
        success: true,
        at,
    };
    diesel::insert_into(login_attempts::table)
        .values(&row)
        .execute(conn)?;
    Ok(())
}
