//! Signed-in sessions and the sign-in attempt log behind rate limiting.
//! Both live in the database so that every app instance agrees.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{auth_sessions, login_attempts};
use super::{DbConnection, DbError};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = auth_sessions)]
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
    Ok(auth_sessions::table
        .find(id)
        .filter(auth_sessions::revoked_at.is_null())
        .filter(auth_sessions::expires_at.gt(now))
        .select(AuthSession::as_select())
        .first(conn)
        .optional()?)
}

pub fn revoke(conn: &mut DbConnection, id: &str, now: NaiveDateTime) -> Result<(), DbError> {
    diesel::update(auth_sessions::table.find(id))
        .set(auth_sessions::revoked_at.eq(Some(now)))
        .execute(conn)?;
    Ok(())
}

#[derive(Insertable)]
#[diesel(table_name = login_attempts)]
struct NewAttempt<'a> {
    email: &'a str,
    ip: &'a str,
    success: bool,
    at: NaiveDateTime,
}

pub fn record_attempt(
    conn: &mut DbConnection,
    email: &str,
    ip: &str,
    success: bool,
    at: NaiveDateTime,
) -> Result<(), DbError> {
    diesel::insert_into(login_attempts::table)
        .values(NewAttempt {
            email,
            ip,
            success,
            at,
        })
        .execute(conn)?;
    Ok(())
}

/// Failed sign-ins for an account since `since`, counting only those after
/// its last successful sign-in.
pub fn recent_failures_for_email(
    conn: &mut DbConnection,
    email: &str,
    since: NaiveDateTime,
) -> Result<i64, DbError> {
    let last_success: Option<NaiveDateTime> = login_attempts::table
        .filter(login_attempts::email.eq(email))
        .filter(login_attempts::success.eq(true))
        .filter(login_attempts::at.gt(since))
        .select(diesel::dsl::max(login_attempts::at))
        .first(conn)?;
    let from = last_success.map_or(since, |s| s.max(since));
    Ok(login_attempts::table
        .filter(login_attempts::email.eq(email))
        .filter(login_attempts::success.eq(false))
        .filter(login_attempts::at.gt(from))
        .count()
        .get_result(conn)?)
}

pub fn recent_failures_for_ip(
    conn: &mut DbConnection,
    ip: &str,
    since: NaiveDateTime,
) -> Result<i64, DbError> {
    Ok(login_attempts::table
        .filter(login_attempts::ip.eq(ip))
        .filter(login_attempts::success.eq(false))
        .filter(login_attempts::at.gt(since))
        .count()
        .get_result(conn)?)
}
