//! Claims: a participant's JHT withdrawal with its reason and dates.

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

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = claims)]
pub struct Claim {
    pub id: i64,
    pub participant_id: i64,
    pub reason: String,
    #[diesel(deserialize_as = String)]
    pub status: ClaimStatus,
    pub channel: String,
    pub last_working_day: Option<NaiveDate>,
    pub termination_date: Option<NaiveDate>,
    pub contract_end_date: Option<NaiveDate>,
    pub membership_start_date: Option<NaiveDate>,
    pub departure_date: Option<NaiveDate>,
    pub date_of_death: Option<NaiveDate>,
    pub balance: Option<i64>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub heir_is_child: bool,
    pub heir_is_minor: bool,
}

/// A new claim; it is stored `open`.
#[derive(Debug, Insertable)]
#[diesel(table_name = claims)]
pub struct NewClaim {
    pub participant_id: i64,
    pub reason: String,
    pub channel: String,
    pub last_working_day: Option<NaiveDate>,
    pub termination_date: Option<NaiveDate>,
    pub contract_end_date: Option<NaiveDate>,
    pub membership_start_date: Option<NaiveDate>,
    pub departure_date: Option<NaiveDate>,
    pub date_of_death: Option<NaiveDate>,
    pub balance: Option<i64>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub heir_is_child: bool,
    pub heir_is_minor: bool,
}

pub fn insert(conn: &mut DbConnection, new: &NewClaim) -> Result<Claim, DbError> {
    Ok(
        crate::per_backend!(conn, c => diesel::insert_into(claims::table)
        .values((new, claims::status.eq(ClaimStatus::Open.as_str())))
        .returning(Claim::as_returning())
        .get_result(c))?,
    )
}

pub fn find(conn: &mut DbConnection, id: i64) -> Result<Option<Claim>, DbError> {
    Ok(claims::table
        .find(id)
        .select(Claim::as_select())
        .first(conn)
        .optional()?)
}

pub fn open_claim_of(conn: &mut DbConnection, participant: i64) -> Result<Option<Claim>, DbError> {
    Ok(claims::table
        .filter(claims::participant_id.eq(participant))
        .filter(claims::status.eq_any(OPEN_STATUSES))
        .select(Claim::as_select())
        .first(conn)
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
