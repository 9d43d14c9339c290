//! Email verification links (migration 21): hashed single-use tokens, one
//! row per link mailed. An address is verified while a spent row for the
//! participant's current email exists.

use crate::db::FirstRow;
use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{email_verifications, participants};
use super::{DbConnection, DbError};

crate::stored_row! {
    /// A mailed link (`NewVerification` to mail one).
    email_verifications => Verification, NewVerification {
        participant_id: i64,
        email: String,
        token_hash: String,
        created_at: NaiveDateTime,
        expires_at: NaiveDateTime,
    }
    then {
        id: i64,
        used_at: Option<NaiveDateTime>,
    }
}

pub fn insert(conn: &mut DbConnection, new: &NewVerification) -> Result<(), DbError> {
    diesel::insert_into(email_verifications::table)
        .values(new)
        .execute(conn)?;
    Ok(())
}

/// The link a token hash belongs to, used or not.
pub fn by_token(
    conn: &mut DbConnection,
    token_hash: &str,
) -> Result<Option<Verification>, DbError> {
    Ok(email_verifications::table
        .filter(email_verifications::token_hash.eq(token_hash))
        .select(Verification::as_select())
        .first_row(conn)
        .optional()?)
}

/// Spends link `id` if still unused and unexpired at `now`.
pub fn consume(conn: &mut DbConnection, id: i64, now: NaiveDateTime) -> Result<bool, DbError> {
    let n = diesel::update(
        email_verifications::table
            .filter(email_verifications::id.eq(id))
            .filter(email_verifications::used_at.is_null())
            .filter(email_verifications::expires_at.gt(now)),
    )
    .set(email_verifications::used_at.eq(Some(now)))
    .execute(conn)?;
    Ok(n == 1)
}

/// Links mailed to the participant since `since` (the resend throttle).
pub fn sent_since(
    conn: &mut DbConnection,
    participant_id: i64,
    since: NaiveDateTime,
) -> Result<i64, DbError> {
    Ok(email_verifications::table
        .filter(email_verifications::participant_id.eq(participant_id))
        .filter(email_verifications::created_at.gt(since))
        .count()
        .get_result(conn)?)
}

/// Whether `email` was verified by the participant.
pub fn is_verified(
    conn: &mut DbConnection,
    participant_id: i64,
    email: &str,
) -> Result<bool, DbError> {
    let n: i64 = email_verifications::table
        .filter(email_verifications::participant_id.eq(participant_id))
        .filter(email_verifications::email.eq(email))
        .filter(email_verifications::used_at.is_not_null())
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

/// Of `ids`, the participants whose current email is verified (for staff
/// lists).
pub fn verified_among(conn: &mut DbConnection, ids: &[i64]) -> Result<Vec<i64>, DbError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(participants::table
        .inner_join(
            email_verifications::table.on(email_verifications::participant_id
                .eq(participants::id)
                .and(email_verifications::email.eq(participants::email))
                .and(email_verifications::used_at.is_not_null())),
        )
        .filter(participants::id.eq_any(ids))
        .select(participants::id)
        .distinct()
        .load(conn)?)
}

/// Makes `email` the participant's address (a change, once verified).
pub fn set_email(conn: &mut DbConnection, participant_id: i64, email: &str) -> Result<(), DbError> {
    diesel::update(participants::table.find(participant_id))
        .set(participants::email.eq(email))
        .execute(conn)?;
    Ok(())
}

/// Replaces the participant's phone number.
pub fn set_phone(conn: &mut DbConnection, participant_id: i64, phone: &str) -> Result<(), DbError> {
    diesel::update(participants::table.find(participant_id))
        .set(participants::phone.eq(phone))
        .execute(conn)?;
    Ok(())
}
