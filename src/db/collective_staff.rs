//! Collective claims as staff and HR see them around a batch: the mass
//! termination letter of a batch, the staff's list of batches, and a
//! company's HR representatives.

use crate::db::FirstRow;
use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::collective::Batch;
use super::schema::{collective_batches, collective_letters, companies, staff};
use super::staff::Staff;
use super::{DbConnection, DbError};

crate::stored_row! {
    /// A mass termination letter (PDF, JPEG or PNG) stored with its batch (`NewLetter` to store one).
    collective_letters => Letter, NewLetter {
        batch_id: i64,
        content_type: String,
        size: i64,
        sha256: String,
        original_name: String,
        uploaded_by: i64,
        created_at: NaiveDateTime,
    }
    then {
        id: i64,
    }
}

pub fn add_letter(conn: &mut DbConnection, new: &NewLetter) -> Result<Letter, DbError> {
    Ok(crate::insert_returning!(
        conn,
        collective_letters::table,
        new,
        Letter
    )?)
}

/// The batch's current letter: the latest upload.
pub fn current_letter(conn: &mut DbConnection, batch: i64) -> Result<Option<Letter>, DbError> {
    Ok(collective_letters::table
        .filter(collective_letters::batch_id.eq(batch))
        .order(collective_letters::id.desc())
        .select(Letter::as_select())
        .first_row(conn)
        .optional()?)
}

/// The latest batches with their company's name, newest first: of the
/// companies served by `branch`, or of every company when `None`.
pub fn batches_for(
    conn: &mut DbConnection,
    branch: Option<&str>,
    unassigned: bool,
    limit: i64,
) -> Result<Vec<(Batch, String)>, DbError> {
    let mut q = collective_batches::table
        .inner_join(companies::table)
        .select((Batch::as_select(), companies::name))
        .order(collective_batches::id.desc())
        .limit(limit)
        .into_boxed();
    match (branch, unassigned) {
        (None, _) => {}
        (Some(code), false) => q = q.filter(companies::branch_code.eq(code.to_string())),
        (Some(code), true) => {
            q = q.filter(
                companies::branch_code
                    .eq(code.to_string())
                    .or(companies::branch_code.is_null()),
            );
        }
    }
    Ok(q.load(conn)?)
}

/// The company's HR accounts, oldest first.
pub fn representatives_of(conn: &mut DbConnection, npp: &str) -> Result<Vec<Staff>, DbError> {
    Ok(staff::table
        .filter(staff::role.eq("hr"))
        .filter(staff::company_npp.eq(npp))
        .order(staff::id.asc())
        .select(Staff::as_select())
        .load(conn)?)
}
