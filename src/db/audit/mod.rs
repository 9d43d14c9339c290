//! The verification log: every action that matters to a claim's
//! verification or to access is recorded here through [`record`], inside
//! the transaction of the action itself (no action without its entry, no
//! entry without its action). Entries form a hash chain (see
//! `domain::audit::chain` and `canonical`); the database refuses UPDATE
//! and DELETE on the table (migration 5).
//!
//! Appending in order: each entry carries the previous entry's hash and an
//! explicit seq (last + 1), read under the chain's lock. On SQLite the
//! write transaction (`BEGIN IMMEDIATE`) is the lock and the entry is
//! chained in the action's transaction; on PostgreSQL the entry is written
//! in the action's transaction to an inbox and chained right after commit
//! (see [`inbox`]), so audited actions do not queue on one lock through
//! their commits.

use crate::db::FirstRow;
use chrono::NaiveDateTime;
use diesel::prelude::*;

pub mod anomalies;
mod columns;
pub mod inbox;
pub mod read;
pub mod scan;
pub mod stats;
pub mod window;

use super::schema::{audit_inbox, audit_log};
use super::{DbConnection, DbError};
use crate::domain::audit::canonical;
use crate::domain::role::ActorRole;

/// Who acted.
#[derive(Debug, Clone)]
pub struct Actor {
    pub id: Option<i64>,
    pub role: ActorRole,
    pub branch: Option<String>,
    pub ip: Option<String>,
    pub request_id: Option<String>,
}

impl Actor {
    pub fn system() -> Self {
        Self {
            id: None,
            role: ActorRole::System,
            branch: None,
            ip: None,
            request_id: None,
        }
    }
}

/// What the entry is about; unset fields are null.
#[derive(Debug, Clone, Default)]
pub struct Subject {
    pub participant_id: Option<i64>,
    pub claim_id: Option<i64>,
    pub booking_id: Option<i64>,
    pub session_id: Option<i64>,
    pub batch_id: Option<i64>,
    pub branch_code: Option<String>,
}

/// The head of the chain: last seq and hash, if any entry exists.
pub fn head(conn: &mut DbConnection) -> Result<Option<(i64, String)>, DbError> {
    Ok(crate::per_backend!(conn, c => audit_log::table
        .select((audit_log::seq, audit_log::hash))
        .order(audit_log::seq.desc())
        .first_row::<(i64, String), _>(c)
        .optional())?)
}

/// Vacuums the inbox (PostgreSQL; nothing on SQLite, where it stays
/// empty). Every entry is deleted from it once chained, and a chaining
/// round finds the oldest entries by reading past every deleted one not
/// yet vacuumed: autovacuum visits a table at most once a minute, by then
/// ~100,000 dead rows at 2,000 bookings a second, and each round (one per
/// dozen bookings) took longer as they piled up (the `DELETE` of a round
/// of 14 entries: 0.2 ms over a vacuumed inbox, 0.45 ms over 20,000 dead
/// rows, 0.64 ms over 54,000). The chaining job calls this every second;
/// `SKIP_LOCKED` leaves it to another instance already at it. The inbox
/// keeps its emptied pages (migration 27, `vacuum_truncate = false`):
/// cutting them off would lock out every booking's inbox insert once a
/// second. A role that does not own the table gets a warning from
/// PostgreSQL and nothing done.
pub fn tidy_inbox(conn: &mut DbConnection) -> Result<(), DbError> {
    if let DbConnection::Pg(c) = conn {
        diesel::sql_query("VACUUM (SKIP_LOCKED) audit_inbox").execute(c)?;
    }
    Ok(())
}

/// Appends one entry. `details` must hold no secrets; NIK and account
/// numbers go in masked.
pub fn record(
    conn: &mut DbConnection,
    at: NaiveDateTime,
    actor: &Actor,
    action: &str,
    subject: &Subject,
    details: serde_json::Value,
) -> Result<(), DbError> {
    inbox::append(conn, entry(at, actor, action, subject, details))
}

/// An entry made ready before the statement it is to ride on: the seat
/// a booking takes ([`crate::db::placing::book`]).
pub struct Pending(inbox::Entry);

/// [`record`]'s entry, not yet written.
pub fn pending(
    at: NaiveDateTime,
    actor: &Actor,
    action: &str,
    subject: &Subject,
    details: serde_json::Value,
) -> Pending {
    Pending(entry(at, actor, action, subject, details))
}

impl Pending {
    /// Appends it on its own, as [`record`] does.
    pub fn append(self, conn: &mut DbConnection) -> Result<(), DbError> {
        inbox::append(conn, self.0)
    }
}

/// Appends entries of one action by one actor, in the given order, as
/// [`record`] one after the other would, many per statement.
pub fn record_all(
    conn: &mut DbConnection,
    at: NaiveDateTime,
    actor: &Actor,
    action: &str,
    entries: impl IntoIterator<Item = (Subject, serde_json::Value)>,
) -> Result<(), DbError> {
    let entries = entries
        .into_iter()
        .map(|(subject, details)| entry(at, actor, action, &subject, details))
        .collect();
    inbox::append_all(conn, entries)
}

fn entry(
    at: NaiveDateTime,
    actor: &Actor,
    action: &str,
    subject: &Subject,
    details: serde_json::Value,
) -> inbox::Entry {
    inbox::Entry {
        at: canonical::stored_instant(at),
        actor_id: actor.id,
        actor_role: actor.role.as_str().to_string(),
        actor_branch: actor.branch.clone(),
        action: action.to_string(),
        participant_id: subject.participant_id,
        claim_id: subject.claim_id,
        booking_id: subject.booking_id,
        session_id: subject.session_id,
        batch_id: subject.batch_id,
        branch_code: subject.branch_code.clone(),
        details: details.to_string(),
        client_ip: actor.ip.clone(),
        request_id: actor.request_id.clone(),
    }
}

/// The actions that change a participant's booking.
pub const BOOKING_CHANGES: [&str; 3] =
    ["booking_placed", "booking_rescheduled", "booking_cancelled"];

/// When the participant themself placed, moved or cancelled a booking
/// since `since` (the entries of the chain and those still waiting to be
/// chained, so every instance counts the same). Staff changes on their
/// behalf do not count.
pub fn booking_changes_since(
    conn: &mut DbConnection,
    participant_id: i64,
    since: NaiveDateTime,
) -> Result<Vec<NaiveDateTime>, DbError> {
    let since = canonical::stored_instant(since);
    // The actions written in (`Fixed`): a bound list is prepared anew on
    // every run.
    let changes = crate::db::first::Fixed::<crate::db::first::BookingChange>::condition;
    // Both in one statement: one round trip on PostgreSQL.
    Ok(crate::per_backend!(conn, c => audit_log::table
        .filter(audit_log::participant_id.eq(participant_id))
        .filter(audit_log::actor_role.eq(ActorRole::PARTICIPANT.as_str()))
        .filter(changes())
        .filter(audit_log::at.gt(since))
        .select(audit_log::at)
        .union_all(
            audit_inbox::table
                .filter(audit_inbox::participant_id.eq(participant_id))
                .filter(audit_inbox::actor_role.eq(ActorRole::PARTICIPANT.as_str()))
                .filter(changes())
                .filter(audit_inbox::at.gt(since))
                .select(audit_inbox::at),
        )
        .load::<NaiveDateTime>(c))?)
}

/// A sign-in identifier as the log keeps it for a failed attempt: the first
/// character of the local part and of the domain, the rest hidden
/// (`s***@b***`). A mistyped password in the email field stays unreadable.
pub fn mask_identifier(typed: &str) -> String {
    let typed = typed.trim();
    let first = |s: &str| s.chars().next().map(String::from).unwrap_or_default();
    match typed.split_once('@') {
        Some((local, domain)) => format!("{}***@{}***", first(local), first(domain)),
        None if typed.is_empty() => String::new(),
        None => format!("{}***", first(typed)),
    }
}

#[cfg(test)]
mod tests {
    use super::mask_identifier;

    #[test]
    fn identifiers_are_masked() {
        assert_eq!(mask_identifier(" sri@bpjs.example "), "s***@b***");
        assert_eq!(mask_identifier("hunter2"), "h***");
        assert_eq!(mask_identifier(""), "");
        assert_eq!(mask_identifier("é@x"), "é***@x***");
    }
}
