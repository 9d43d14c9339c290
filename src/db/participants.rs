//! Participants (peserta): members who register online.

use crate::db::FirstRow;
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::schema::participants;
use super::{DbConnection, DbError};

crate::stored_row! {
    /// A registered participant (`NewParticipant` to register one).
    participants => Participant, NewParticipant {
        nik: String,
        kpj: String,
        full_name: String,
        email: String,
        phone: String,
        password_hash: String,
        birth_date: NaiveDate,
        sex: String,
        #[diesel(deserialize_as = crate::db::stamp::Stamp)]
        created_at: NaiveDateTime,
    }
    then {
        id: i64,
    }
}

pub enum Conflict {
    Nik,
    Email,
}

pub fn insert(
    conn: &mut DbConnection,
    new: &NewParticipant,
) -> Result<Result<Participant, Conflict>, DbError> {
    if nik_taken(conn, &new.nik)? {
        return Ok(Err(Conflict::Nik));
    }
    // Staff and participants sign in through the same API: one email,
    // one account.
    if find_by_email(conn, &new.email)?.is_some()
        || super::staff::find_by_email(conn, &new.email)?.is_some()
    {
        return Ok(Err(Conflict::Email));
    }
    match crate::insert_returning!(conn, participants::table, new, Participant) {
        Ok(p) => Ok(Ok(p)),
        Err(e) => {
            let e = DbError::from(e);
            // A concurrent registration won the race between check and insert.
            if e.is_unique_violation() {
                Ok(Err(Conflict::Nik))
            } else {
                Err(e)
            }
        }
    }
}

pub fn nik_taken(conn: &mut DbConnection, nik: &str) -> Result<bool, DbError> {
    let n: i64 = participants::table
        .filter(participants::nik.eq(nik))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

pub fn find(conn: &mut DbConnection, id: i64) -> Result<Option<Participant>, DbError> {
    Ok(crate::per_backend!(conn, c => participants::table
        .find(id)
        .select(Participant::as_select())
        .first_row(c)
        .optional())?)
}

pub fn find_by_email(conn: &mut DbConnection, email: &str) -> Result<Option<Participant>, DbError> {
    Ok(participants::table
        .filter(participants::email.eq(email))
        .select(Participant::as_select())
        .first_row(conn)
        .optional()?)
}

pub fn find_by_nik(conn: &mut DbConnection, nik: &str) -> Result<Option<Participant>, DbError> {
    Ok(participants::table
        .filter(participants::nik.eq(nik))
        .select(Participant::as_select())
        .first_row(conn)
        .optional()?)
}

/// Replaces the password hash (a password reset, or an account made at
/// the counter taken over by its owner).
pub fn set_password(conn: &mut DbConnection, id: i64, hash: &str) -> Result<(), DbError> {
    diesel::update(participants::table.find(id))
        .set(participants::password_hash.eq(hash))
        .execute(conn)?;
    Ok(())
}
