//! Participants (peserta): members who register online.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::schema::participants;
use super::{DbConnection, DbError};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = participants)]
pub struct Participant {
    pub id: i64,
    pub nik: String,
    pub kpj: String,
    pub full_name: String,
    pub email: String,
    pub phone: String,
    pub password_hash: String,
    pub birth_date: NaiveDate,
    pub sex: String,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = participants)]
pub struct NewParticipant {
    pub nik: String,
    pub kpj: String,
    pub full_name: String,
    pub email: String,
    pub phone: String,
    pub password_hash: String,
    pub birth_date: NaiveDate,
    pub sex: String,
    pub created_at: NaiveDateTime,
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
    match crate::per_backend!(conn, c => diesel::insert_into(participants::table)
        .values(new)
        .returning(Participant::as_returning())
        .get_result(c))
    {
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
    Ok(participants::table
        .find(id)
        .select(Participant::as_select())
        .first(conn)
        .optional()?)
}

pub fn find_by_email(conn: &mut DbConnection, email: &str) -> Result<Option<Participant>, DbError> {
    Ok(participants::table
        .filter(participants::email.eq(email))
        .select(Participant::as_select())
        .first(conn)
        .optional()?)
}
