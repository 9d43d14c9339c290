//! The outreach worklist's rows: items keyed by (reason, subject), the
//! guarded statements that claim and release them, the attempts made, and
//! the day's figures. Where candidate items come from is `sources`; what
//! becomes an item, and when, is decided in `app::outreach`.

use crate::db::FirstRow;
use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{outreach_attempts, outreach_items, staff};
use super::{DbConnection, DbError};

pub mod sources;

crate::stored_row! {
    /// A reason to reach a participant (`NewItem` to put one on the list).
    outreach_items => Item, NewItem {
        reason: String,
        /// What the reason is about: `booking:ID`, `claim:ID`, `waitlist:ID`.
        subject: String,
        branch_code: String,
        participant_id: i64,
        claim_id: Option<i64>,
        booking_id: Option<i64>,
        /// The checklist items still to upload, comma-separated.
        missing: String,
        /// When it matters: the session's start, the offer's end.
        due_at: Option<NaiveDateTime>,
        created_at: NaiveDateTime,
    }
    then {
        id: i64,
        resolved_at: Option<NaiveDateTime>,
        claimed_by: Option<i64>,
        claimed_at: Option<NaiveDateTime>,
    }
}

crate::stored_row! {
    /// One call or message about an item (`NewAttempt` to record one).
    outreach_attempts => Attempt, NewAttempt {
        item_id: i64,
        staff_id: i64,
        branch_code: String,
        channel: String,
        outcome: String,
        note: Option<String>,
        at: NaiveDateTime,
    }
    then {
        id: i64,
    }
}

/// Serializes refreshes of one branch's list. SQLite's write lock already
/// does; on PostgreSQL a transaction-scoped advisory lock per branch.
pub fn lock_branch(conn: &mut DbConnection, branch: &str) -> Result<(), DbError> {
    if let DbConnection::Pg(c) = conn {
        diesel::sql_query("SELECT pg_advisory_xact_lock(4119, hashtext($1))")
            .bind::<diesel::sql_types::Text, _>(branch)
            .execute(c)?;
    }
    Ok(())
}

pub fn find(conn: &mut DbConnection, id: i64) -> Result<Option<Item>, DbError> {
    Ok(outreach_items::table
        .find(id)
        .select(Item::as_select())
        .first_row(conn)
        .optional()?)
}

/// The unresolved items of a branch, the most urgent first.
pub fn open_of_branch(conn: &mut DbConnection, branch: &str) -> Result<Vec<Item>, DbError> {
    Ok(outreach_items::table
        .filter(outreach_items::branch_code.eq(branch))
        .filter(outreach_items::resolved_at.is_null())
        .order((outreach_items::due_at.asc(), outreach_items::id.asc()))
        .select(Item::as_select())
        .load(conn)?)
}

/// Puts `new` on the list, or brings its (reason, subject) row up to
/// date — reopened if it was resolved. Safe when two refreshes meet: the
/// insert does nothing when the row appeared meanwhile.
pub fn upsert(conn: &mut DbConnection, new: &NewItem) -> Result<(), DbError> {
    let key = outreach_items::table
        .filter(outreach_items::reason.eq(&new.reason))
        .filter(outreach_items::subject.eq(&new.subject));
    let n = diesel::update(key)
        .set((
            outreach_items::branch_code.eq(&new.branch_code),
            outreach_items::claim_id.eq(new.claim_id),
            outreach_items::booking_id.eq(new.booking_id),
            outreach_items::missing.eq(&new.missing),
            outreach_items::due_at.eq(new.due_at),
            outreach_items::resolved_at.eq(None::<NaiveDateTime>),
        ))
        .execute(conn)?;
    if n == 0 {
        crate::per_backend!(conn, c => diesel::insert_into(outreach_items::table)
            .values(new)
            .on_conflict_do_nothing()
            .execute(c))?;
    }
    Ok(())
}

/// Takes the item off the list (its reason no longer holds); a claim on
/// it ends.
pub fn resolve(conn: &mut DbConnection, id: i64, at: NaiveDateTime) -> Result<bool, DbError> {
    let n = diesel::update(
        outreach_items::table
            .filter(outreach_items::id.eq(id))
            .filter(outreach_items::resolved_at.is_null()),
    )
    .set((
        outreach_items::resolved_at.eq(Some(at)),
        outreach_items::claimed_by.eq(None::<i64>),
        outreach_items::claimed_at.eq(None::<NaiveDateTime>),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// Claims an open item for `agent`: true when nobody else holds it (a
/// claim taken before `lapsed_before` no longer counts) — one guarded
/// statement, so of agents claiming at once exactly one wins.
pub fn claim(
    conn: &mut DbConnection,
    id: i64,
    agent: i64,
    now: NaiveDateTime,
    lapsed_before: NaiveDateTime,
) -> Result<bool, DbError> {
    let n = diesel::update(
        outreach_items::table
            .filter(outreach_items::id.eq(id))
            .filter(outreach_items::resolved_at.is_null())
            .filter(
                outreach_items::claimed_by
                    .is_null()
                    .or(outreach_items::claimed_by.eq(agent))
                    .or(outreach_items::claimed_at.lt(lapsed_before)),
            ),
    )
    .set((
        outreach_items::claimed_by.eq(Some(agent)),
        outreach_items::claimed_at.eq(Some(now)),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// Ends `agent`'s claim on the item; false when they did not hold it.
pub fn release(conn: &mut DbConnection, id: i64, agent: i64) -> Result<bool, DbError> {
    let n = diesel::update(
        outreach_items::table
            .filter(outreach_items::id.eq(id))
            .filter(outreach_items::claimed_by.eq(agent)),
    )
    .set((
        outreach_items::claimed_by.eq(None::<i64>),
        outreach_items::claimed_at.eq(None::<NaiveDateTime>),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

pub fn add_attempt(conn: &mut DbConnection, new: &NewAttempt) -> Result<Attempt, DbError> {
    Ok(crate::insert_returning!(
        conn,
        outreach_attempts::table,
        new,
        Attempt
    )?)
}

/// The attempts on items, oldest first.
pub fn attempts_of(conn: &mut DbConnection, items: &[i64]) -> Result<Vec<Attempt>, DbError> {
    Ok(outreach_attempts::table
        .filter(outreach_attempts::item_id.eq_any(items))
        .order(outreach_attempts::id.asc())
        .select(Attempt::as_select())
        .load(conn)?)
}

/// Staff names by id.
pub fn staff_names(conn: &mut DbConnection, ids: &[i64]) -> Result<Vec<(i64, String)>, DbError> {
    Ok(staff::table
        .filter(staff::id.eq_any(ids))
        .select((staff::id, staff::name))
        .load(conn)?)
}

/// A branch's figures over `[from, until)`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Figures {
    /// Items on the list at some time in the period.
    pub items: i64,
    pub attempts: i64,
    /// Items whose participant was reached by an attempt in the period.
    pub reached: i64,
    /// Items whose reason was resolved in the period.
    pub resolved: i64,
    /// Items about a session in the period resolved before it started
    /// (documents uploaded, offer answered).
    pub resolved_before_session: i64,
    /// Bookings of a session in the period whose participant was reached
    /// before it and who then came: the no-shows outreach avoided.
    pub no_shows_avoided: i64,
}

pub fn figures(
    conn: &mut DbConnection,
    branch: &str,
    from: NaiveDateTime,
    until: NaiveDateTime,
    reached: &[&str],
) -> Result<Figures, DbError> {
    let outcomes = reached;
    let items = outreach_items::table
        .filter(outreach_items::branch_code.eq(branch))
        .filter(outreach_items::created_at.lt(until))
        .filter(
            outreach_items::resolved_at
                .is_null()
                .or(outreach_items::resolved_at.ge(from)),
        )
        .count()
        .get_result(conn)?;
    let in_period = || {
        outreach_attempts::table
            .filter(outreach_attempts::branch_code.eq(branch))
            .filter(outreach_attempts::at.ge(from))
            .filter(outreach_attempts::at.lt(until))
    };
    let attempts = in_period().count().get_result(conn)?;
    let reached: Vec<i64> = in_period()
        .filter(outreach_attempts::outcome.eq_any(reached))
        .select(outreach_attempts::item_id)
        .distinct()
        .load(conn)?;
    let resolved = outreach_items::table
        .filter(outreach_items::branch_code.eq(branch))
        .filter(outreach_items::resolved_at.ge(from))
        .filter(outreach_items::resolved_at.lt(until))
        .count()
        .get_result(conn)?;
    let for_sessions = || {
        outreach_items::table
            .filter(outreach_items::branch_code.eq(branch))
            .filter(outreach_items::due_at.ge(from))
            .filter(outreach_items::due_at.lt(until))
    };
    let before: Vec<(Option<NaiveDateTime>, Option<NaiveDateTime>)> = for_sessions()
        .filter(outreach_items::resolved_at.is_not_null())
        .select((outreach_items::resolved_at, outreach_items::due_at))
        .load(conn)?;
    let resolved_before_session = before
        .iter()
        .filter(|(r, d)| matches!((r, d), (Some(r), Some(d)) if r < d))
        .count() as i64;
    let called: Vec<(Option<i64>, Option<NaiveDateTime>, NaiveDateTime)> = for_sessions()
        .filter(outreach_items::booking_id.is_not_null())
        .inner_join(outreach_attempts::table)
        .filter(outreach_attempts::outcome.eq_any(outcomes))
        .select((
            outreach_items::booking_id,
            outreach_items::due_at,
            outreach_attempts::at,
        ))
        .load(conn)?;
    let mut reached_before: Vec<i64> = called
        .into_iter()
        .filter_map(|(b, due, at)| b.filter(|_| due.is_some_and(|d| at < d)))
        .collect();
    reached_before.sort_unstable();
    reached_before.dedup();
    let no_shows_avoided = {
        use super::schema::bookings;
        bookings::table
            .filter(bookings::id.eq_any(&reached_before))
            .filter(bookings::status.eq_any(["checked_in", "done"]))
            .count()
            .get_result(conn)?
    };
    Ok(Figures {
        items,
        attempts,
        reached: reached.len() as i64,
        resolved,
        resolved_before_session,
        no_shows_avoided,
    })
}

/// A booking's code.
pub fn booking_code(conn: &mut DbConnection, booking: i64) -> Result<Option<String>, DbError> {
    use super::schema::bookings;
    Ok(bookings::table
        .find(booking)
        .select(bookings::code)
        .first_row(conn)
        .optional()?)
}
