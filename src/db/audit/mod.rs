//! The verification log: every action that matters to a claim's
//! verification or to access is recorded here through [`record`], inside
//! the transaction of the action itself (no action without its entry, no
//! entry without its action). Entries form a hash chain (see
//! `domain::audit::chain`); the database refuses UPDATE and DELETE on the
//! table (migration 5).
//!
//! Appending in order: each entry carries the previous entry's hash and an
//! explicit seq (last + 1), read after taking the chain lock. On SQLite the
//! write transaction (`BEGIN IMMEDIATE`) is the lock; on PostgreSQL it is
//! `pg_advisory_xact_lock(4200)`, held until the surrounding transaction
//! ends, so every audited transaction serializes on it from the moment it
//! records — accepted: audited actions are human-paced.

use chrono::NaiveDateTime;
use diesel::prelude::*;

pub mod anomalies;
pub mod read;
pub mod stats;

use super::schema::audit_log;
use super::{DbConnection, DbError};
use crate::domain::audit::chain;

/// Who acted.
#[derive(Debug, Clone, Default)]
pub struct Actor {
    pub id: Option<i64>,
    /// participant, cs, supervisor, admin, auditor, hr, kiosk, system.
    pub role: String,
    pub branch: Option<String>,
    pub ip: Option<String>,
    pub request_id: Option<String>,
}

impl Actor {
    pub fn system() -> Self {
        Self {
            role: "system".into(),
            ..Self::default()
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

#[derive(Insertable)]
#[diesel(table_name = audit_log)]
struct NewEntry<'a> {
    seq: i64,
    at: NaiveDateTime,
    actor_id: Option<i64>,
    actor_role: &'a str,
    actor_branch: Option<&'a str>,
    action: &'a str,
    participant_id: Option<i64>,
    claim_id: Option<i64>,
    booking_id: Option<i64>,
    session_id: Option<i64>,
    batch_id: Option<i64>,
    branch_code: Option<&'a str>,
    details: &'a str,
    client_ip: Option<&'a str>,
    request_id: Option<&'a str>,
    prev_hash: &'a str,
    hash: &'a str,
}

/// The advisory lock key that serializes appends on PostgreSQL.
const CHAIN_LOCK: i64 = 4200;

/// The head of the chain: last seq and hash, if any entry exists.
pub fn head(conn: &mut DbConnection) -> Result<Option<(i64, String)>, DbError> {
    Ok(audit_log::table
        .select((audit_log::seq, audit_log::hash))
        .order(audit_log::seq.desc())
        .first::<(i64, String)>(conn)
        .optional()?)
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
    let details = details.to_string();
    let at = chain::stored_instant(at);
    if let DbConnection::Pg(c) = conn {
        diesel::sql_query(format!("SELECT pg_advisory_xact_lock({CHAIN_LOCK})")).execute(c)?;
    }
    let (last_seq, prev_hash) = head(conn)?.unwrap_or((0, String::new()));
    let mut entry = NewEntry {
        seq: last_seq + 1,
        at,
        actor_id: actor.id,
        actor_role: &actor.role,
        actor_branch: actor.branch.as_deref(),
        action,
        participant_id: subject.participant_id,
        claim_id: subject.claim_id,
        booking_id: subject.booking_id,
        session_id: subject.session_id,
        batch_id: subject.batch_id,
        branch_code: subject.branch_code.as_deref(),
        details: &details,
        client_ip: actor.ip.as_deref(),
        request_id: actor.request_id.as_deref(),
        prev_hash: &prev_hash,
        hash: "",
    };
    let hash = chain::entry_hash(&chain::EntryFields {
        seq: entry.seq,
        at: entry.at,
        actor_id: entry.actor_id,
        actor_role: entry.actor_role,
        actor_branch: entry.actor_branch,
        action: entry.action,
        participant_id: entry.participant_id,
        claim_id: entry.claim_id,
        booking_id: entry.booking_id,
        session_id: entry.session_id,
        batch_id: entry.batch_id,
        branch_code: entry.branch_code,
        details: entry.details,
        client_ip: entry.client_ip,
        request_id: entry.request_id,
        prev_hash: entry.prev_hash,
    });
    entry.hash = &hash;
    diesel::insert_into(audit_log::table)
        .values(entry)
        .execute(conn)?;
    Ok(())
}

/// When the participant themself placed, moved or cancelled a booking
/// since `since` (the entries of the chain, so every instance counts the
/// same). Staff changes on their behalf do not count.
pub fn booking_changes_since(
    conn: &mut DbConnection,
    participant_id: i64,
    since: NaiveDateTime,
) -> Result<Vec<NaiveDateTime>, DbError> {
    Ok(audit_log::table
        .filter(audit_log::participant_id.eq(participant_id))
        .filter(audit_log::actor_role.eq("participant"))
        .filter(audit_log::action.eq_any([
            "booking_placed",
            "booking_rescheduled",
            "booking_cancelled",
        ]))
        .filter(audit_log::at.gt(chain::stored_instant(since)))
        .select(audit_log::at)
        .load(conn)?)
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
