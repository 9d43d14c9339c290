//! Claims: a participant's JHT withdrawal with its reason and dates.

use crate::db::FirstRow;
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::schema::claims;
use super::{DbConnection, DbError};
use crate::domain::claim::ClaimStatus;

/// Statuses in which a claim still blocks a new one.
pub const OPEN_STATUSES: [&str; 2] = [
    ClaimStatus::IN_PROGRESS[0].as_str(),
    ClaimStatus::IN_PROGRESS[1].as_str(),
];

crate::stored_row! {
    /// A JHT claim (`NewClaim` to file one; it is stored `open`).
    claims => Claim, NewClaim {
        participant_id: i64,
        reason: String,
        channel: String,
        last_working_day: Option<NaiveDate>,
        termination_date: Option<NaiveDate>,
        contract_end_date: Option<NaiveDate>,
        membership_start_date: Option<NaiveDate>,
        departure_date: Option<NaiveDate>,
        date_of_death: Option<NaiveDate>,
        balance: Option<i64>,
        created_at: NaiveDateTime,
        updated_at: NaiveDateTime,
        heir_is_child: bool,
        heir_is_minor: bool,
    }
    then {
        id: i64,
        #[diesel(deserialize_as = String)]
        status: ClaimStatus,
    }
}

pub fn insert(conn: &mut DbConnection, new: &NewClaim) -> Result<Claim, DbError> {
    Ok(crate::insert_returning!(
        conn,
        claims::table,
        (new, claims::status.eq(ClaimStatus::Open.as_str())),
        Claim
    )?)
}

pub fn find(conn: &mut DbConnection, id: i64) -> Result<Option<Claim>, DbError> {
    Ok(crate::per_backend!(conn, c => claims::table
        .find(id)
        .select(Claim::as_select())
        .first_row(c)
        .optional())?)
}

pub fn open_claim_of(conn: &mut DbConnection, participant: i64) -> Result<Option<Claim>, DbError> {
    Ok(claims::table
        .filter(claims::participant_id.eq(participant))
        .filter(claims::status.eq_any(OPEN_STATUSES))
        .select(Claim::as_select())
        .first_row(conn)
        .optional()?)
}

pub fn latest_of(conn: &mut DbConnection, participant: i64) -> Result<Vec<Claim>, DbError> {
    Ok(claims::table
        .filter(claims::participant_id.eq(participant))
        .select(Claim::as_select())
        .order(claims::id.desc())
        .limit(20)
        .load(conn)?)
}

/// Whether a partial claim (10% or 30%) was ever verified or paid.
pub fn had_partial_claim(conn: &mut DbConnection, participant: i64) -> Result<bool, DbError> {
    let n: i64 = claims::table
        .filter(claims::participant_id.eq(participant))
        .filter(claims::reason.eq_any(["partial_10", "partial_30"]))
        .filter(claims::status.eq_any([ClaimStatus::Verified.as_str(), ClaimStatus::Paid.as_str()]))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

/// Moves an open claim to `verified` or `rejected`; false when it was not
/// open any more.
pub fn decide(
    conn: &mut DbConnection,
    id: i64,
    status: ClaimStatus,
    at: NaiveDateTime,
) -> Result<bool, DbError> {
    let n = diesel::update(
        claims::table
            .filter(claims::id.eq(id))
            .filter(claims::status.eq(ClaimStatus::Open.as_str())),
    )
    .set((
        claims::status.eq(status.as_str()),
        claims::updated_at.eq(at),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// Keeps why a claim was decided (a review reason code and a note).
pub fn record_decision(
    conn: &mut DbConnection,
    id: i64,
    reason: Option<&str>,
    note: Option<&str>,
) -> Result<(), DbError> {
    diesel::update(claims::table.find(id))
        .set((
            claims::decision_reason.eq(reason),
            claims::decision_note.eq(note),
        ))
        .execute(conn)?;
    Ok(())
}
