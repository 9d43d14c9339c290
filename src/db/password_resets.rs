//! Password-reset requests and staff invitations: the hashed single-use
//! set-password tokens, and the request log the reset throttle counts
//! (both in the database, so every app instance agrees).

use crate::db::FirstRow;
use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::password_resets;
use super::{DbConnection, DbError};

/// A token asked for through "forgot password" (the throttle counts these).
pub const RESET: &str = "reset";
/// A new staff account's first set-password link, sent by an administrator.
pub const INVITATION: &str = "invitation";

crate::stored_row! {
    /// A reset request (`NewReset` to record one). Without an account
    /// (both ids `None`) its token was never mailed and never works.
    password_resets => Reset, NewReset {
        /// What the request was asked by: an email, or a participant's
        /// NIK (the throttle counts requests per identifier).
        identifier: String,
        ip: String,
        participant_id: Option<i64>,
        staff_id: Option<i64>,
        token_hash: String,
        created_at: NaiveDateTime,
        expires_at: NaiveDateTime,
        /// [`RESET`] or [`INVITATION`].
        purpose: String,
    }
    then {
        id: i64,
        used_at: Option<NaiveDateTime>,
    }
}

/// Reset requests (not invitations) within the window before this one:
/// for the typed identifier (email or NIK) and from the address. On
/// PostgreSQL requests for one identifier are serialized by an advisory
/// lock held until the transaction ends (SQLite's write lock already does
/// that), so simultaneous requests count each other.
pub fn recent(
    conn: &mut DbConnection,
    identifier: &str,
    ip: &str,
    since: NaiveDateTime,
) -> Result<(i64, i64), DbError> {
    if let DbConnection::Pg(c) = conn {
        diesel::sql_query("SELECT pg_advisory_xact_lock(hashtext('password_reset:' || $1))")
            .bind::<diesel::sql_types::Text, _>(identifier)
            .execute(c)?;
    }
    let resets = password_resets::table.filter(password_resets::purpose.eq(RESET));
    let account: i64 = resets
        .filter(password_resets::identifier.eq(identifier))
        .filter(password_resets::created_at.gt(since))
        .count()
        .get_result(conn)?;
    let address: i64 = resets
        .filter(password_resets::ip.eq(ip))
        .filter(password_resets::created_at.gt(since))
        .count()
        .get_result(conn)?;
    Ok((account, address))
}

pub fn insert(conn: &mut DbConnection, new: &NewReset) -> Result<(), DbError> {
    diesel::insert_into(password_resets::table)
        .values(new)
        .execute(conn)?;
    Ok(())
}

/// The request a token hash belongs to, used or not (the caller decides).
pub fn by_token(conn: &mut DbConnection, token_hash: &str) -> Result<Option<Reset>, DbError> {
    Ok(password_resets::table
        .filter(password_resets::token_hash.eq(token_hash))
        .select(Reset::as_select())
        .first_row(conn)
        .optional()?)
}

/// Spends the token of request `id` if it is still unused and unexpired at
/// `now`; false when another request spent it first (or it expired).
pub fn consume(conn: &mut DbConnection, id: i64, now: NaiveDateTime) -> Result<bool, DbError> {
    let n = diesel::update(
        password_resets::table
            .filter(password_resets::id.eq(id))
            .filter(password_resets::used_at.is_null())
            .filter(password_resets::expires_at.gt(now)),
    )
    .set(password_resets::used_at.eq(Some(now)))
    .execute(conn)?;
    Ok(n == 1)
}

/// Spends every other unused token of the account: after a reset, older
/// links must not change the password again.
pub fn void_all(
    conn: &mut DbConnection,
    participant_id: Option<i64>,
    staff_id: Option<i64>,
    now: NaiveDateTime,
) -> Result<(), DbError> {
    let unused = password_resets::table.filter(password_resets::used_at.is_null());
    let set = password_resets::used_at.eq(Some(now));
    match (participant_id, staff_id) {
        (Some(p), _) => diesel::update(unused.filter(password_resets::participant_id.eq(p)))
            .set(set)
            .execute(conn)?,
        (None, Some(s)) => diesel::update(unused.filter(password_resets::staff_id.eq(s)))
            .set(set)
            .execute(conn)?,
        (None, None) => 0,
    };
    Ok(())
}
