//! The fingerprints of the keys every instance must share (the JWT secret,
//! the audit signing key): the first instance records each one, the others
//! compare theirs with it.

use crate::db::FirstRow;
use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::key_fingerprints;
use super::{DbConnection, DbError};

#[derive(Insertable)]
#[diesel(table_name = key_fingerprints, treat_none_as_default_value = false)]
struct NewFingerprint<'a> {
    name: &'a str,
    fingerprint: &'a str,
    recorded_at: NaiveDateTime,
}

/// Records `fingerprint` for the key `name` unless one is already there,
/// and returns the one the database holds afterwards: the caller's when it
/// was the first, else the first instance's. Two instances starting
/// together both insert-if-absent, and both read back the same winner.
pub fn record_or_read(
    conn: &mut DbConnection,
    name: &str,
    fingerprint: &str,
    now: NaiveDateTime,
) -> Result<String, DbError> {
    let row = NewFingerprint {
        name,
        fingerprint,
        recorded_at: now,
    };
    crate::per_backend!(conn, c => diesel::insert_into(key_fingerprints::table)
        .values(&row)
        .on_conflict_do_nothing()
        .execute(c))?;
    Ok(key_fingerprints::table
        .find(name)
        .select(key_fingerprints::fingerprint)
        .first_row(conn)?)
}
