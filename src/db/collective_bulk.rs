//! The writes of a collective submit, many rows per statement: a batch of
//! 10,000 workers is a few dozen statements, not tens of thousands of
//! round trips (PostgreSQL pays one per statement).

use std::collections::HashMap;

use diesel::prelude::*;
use diesel::sql_types::BigInt;

use super::claims::NewClaim;
use super::participants::NewParticipant;
use super::schema::{claims, participants};
use super::{DbConnection, DbError};
use crate::domain::claim::ClaimStatus;

/// Rows per statement: with at most 16 values a row, far below SQLite's
/// 32,766 and PostgreSQL's 65,535 bound parameters.
const ROWS: usize = 1_000;

/// Inserts participants; their ids by NIK. A unique violation (a NIK or
/// email registered meanwhile) fails the whole insert.
pub fn insert_participants(
    conn: &mut DbConnection,
    new: &[NewParticipant],
) -> Result<HashMap<String, i64>, DbError> {
    let mut ids = HashMap::with_capacity(new.len());
    for chunk in new.chunks(ROWS) {
        crate::per_backend!(&mut *conn, c => diesel::insert_into(participants::table)
            .values(chunk)
            .execute(c))?;
        let niks: Vec<&str> = chunk.iter().map(|p| p.nik.as_str()).collect();
        let found: Vec<(String, i64)> = participants::table
            .filter(participants::nik.eq_any(&niks))
            .select((participants::nik, participants::id))
            .load(conn)?;
        ids.extend(found);
    }
    Ok(ids)
}

/// Files claims (stored `open`), at most one per participant; their ids by
/// participant. A unique violation (a claim of one of them opened
/// meanwhile) fails the whole insert.
pub fn insert_claims(
    conn: &mut DbConnection,
    new: &[NewClaim],
) -> Result<HashMap<i64, i64>, DbError> {
    let open = ClaimStatus::Open.as_str();
    let mut ids = HashMap::with_capacity(new.len());
    for chunk in new.chunks(ROWS) {
        let values: Vec<_> = chunk.iter().map(|c| (c, claims::status.eq(open))).collect();
        crate::per_backend!(&mut *conn, c => diesel::insert_into(claims::table)
            .values(values)
            .execute(c))?;
        // One open claim per participant (index claims_one_open): ours.
        let owners: Vec<i64> = chunk.iter().map(|c| c.participant_id).collect();
        let found: Vec<(i64, i64)> = claims::table
            .filter(claims::participant_id.eq_any(&owners))
            .filter(claims::status.eq(open))
            .select((claims::participant_id, claims::id))
            .load(conn)?;
        ids.extend(found);
    }
    Ok(ids)
}

/// Sets the claim of each batch row: `(row id, claim id)` pairs.
pub fn set_row_claims(conn: &mut DbConnection, pairs: &[(i64, i64)]) -> Result<(), DbError> {
    let pg = matches!(conn, DbConnection::Pg(_));
    for chunk in pairs.chunks(ROWS) {
        let values: Vec<String> = (0..chunk.len())
            .map(|i| match pg {
                true => format!("(${}::bigint, ${}::bigint)", 2 * i + 1, 2 * i + 2),
                false => "(?, ?)".to_string(),
            })
            .collect();
        let sql = format!(
            "WITH v(row_id, claim) AS (VALUES {}) \
             UPDATE collective_rows SET claim_id = v.claim FROM v \
             WHERE collective_rows.id = v.row_id",
            values.join(", ")
        );
        crate::per_backend!(&mut *conn, c => {
            let mut q = diesel::sql_query(sql.as_str()).into_boxed();
            for (row, claim) in chunk {
                q = q.bind::<BigInt, _>(*row).bind::<BigInt, _>(*claim);
            }
            q.execute(c)
        })?;
    }
    Ok(())
}
