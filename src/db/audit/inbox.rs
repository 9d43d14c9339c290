//! Chain after commit, on PostgreSQL (migration 19). Holding one global
//! lock from an action's entry through its commit serialized every audited
//! transaction on PostgreSQL, one WAL flush after another. Instead an action
//! writes its entry to `audit_inbox` in its own transaction, with no shared
//! lock; once that transaction has committed, [`chain_pending`] (run by
//! `Db::write` before the request answers) takes the chain lock and moves
//! every committed inbox entry into the chain, many in one short
//! transaction. So an answered action's entry is already chained; an
//! instance killed between the two commits leaves it in the inbox, where
//! the next chaining round (any instance's, a job runs one every second, and
//! `antre audit verify` runs one first) picks it up. Inbox rows are never
//! updated (a trigger refuses it), only moved.
//!
//! SQLite has one writer, which already orders every write: there the entry
//! is chained in the action's transaction and the inbox stays empty.

use std::cell::Cell;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::super::schema::{audit_inbox, audit_log};
use super::super::{write_tx, DbConnection, DbError};
use super::read::Entry as Chained;
use crate::domain::audit::chain;

/// The advisory lock key that serializes chaining on PostgreSQL.
const CHAIN_LOCK: i64 = 4200;
/// Entries moved per chaining transaction.
const BATCH: i64 = 1000;
/// Entries per INSERT: far below both backends' bound-parameter limits.
const STATEMENT_ROWS: usize = 1000;

thread_local! {
    /// Set when this thread wrote an inbox entry that `Db::write` has not
    /// chained yet. Writes run on one thread from start to commit.
    static UNCHAINED: Cell<bool> = const { Cell::new(false) };
}

/// Whether this thread wrote inbox entries since the last call (and
/// forgets it).
pub fn take_unchained() -> bool {
    UNCHAINED.with(|u| u.replace(false))
}

/// One entry as the action records it: everything but its place in the
/// chain.
#[derive(Debug, Clone, Queryable, Insertable)]
#[diesel(table_name = audit_inbox)]
pub(super) struct Entry {
    pub at: NaiveDateTime,
    pub actor_id: Option<i64>,
    pub actor_role: String,
    pub actor_branch: Option<String>,
    pub action: String,
    pub participant_id: Option<i64>,
    pub claim_id: Option<i64>,
    pub booking_id: Option<i64>,
    pub session_id: Option<i64>,
    pub batch_id: Option<i64>,
    pub branch_code: Option<String>,
    pub details: String,
    pub client_ip: Option<String>,
    pub request_id: Option<String>,
}

impl Entry {
    /// This entry as number `seq` of the chain, after `prev_hash`.
    pub(super) fn chained(self, seq: i64, prev_hash: String) -> Chained {
        let mut row = Chained {
            seq,
            at: self.at,
            actor_id: self.actor_id,
            actor_role: self.actor_role,
            actor_branch: self.actor_branch,
            action: self.action,
            participant_id: self.participant_id,
            claim_id: self.claim_id,
            booking_id: self.booking_id,
            session_id: self.session_id,
            batch_id: self.batch_id,
            branch_code: self.branch_code,
            details: self.details,
            client_ip: self.client_ip,
            request_id: self.request_id,
            prev_hash,
            hash: String::new(),
        };
        row.hash = chain::entry_hash(&row.fields());
        row
    }
}

/// Appends `entry`: on PostgreSQL to the inbox (chained after commit), on
/// SQLite straight to the chain.
pub(super) fn append(conn: &mut DbConnection, entry: Entry) -> Result<(), DbError> {
    if let DbConnection::Pg(c) = conn {
        diesel::insert_into(audit_inbox::table)
            .values(&entry)
            .execute(c)?;
        UNCHAINED.with(|u| u.set(true));
        return Ok(());
    }
    let (seq, prev) = super::head(conn)?.unwrap_or((0, String::new()));
    let row = entry.chained(seq + 1, prev);
    crate::per_backend!(conn, c => diesel::insert_into(audit_log::table)
        .values(&row)
        .execute(c))?;
    Ok(())
}

/// Appends `entries` in order, as [`append`] one by one would, many per
/// statement.
pub(super) fn append_all(conn: &mut DbConnection, entries: Vec<Entry>) -> Result<(), DbError> {
    if entries.is_empty() {
        return Ok(());
    }
    if let DbConnection::Pg(c) = conn {
        // 14 values a row.
        for chunk in entries.chunks(STATEMENT_ROWS) {
            diesel::insert_into(audit_inbox::table)
                .values(chunk)
                .execute(c)?;
        }
        UNCHAINED.with(|u| u.set(true));
        return Ok(());
    }
    let (mut seq, mut prev) = super::head(conn)?.unwrap_or((0, String::new()));
    let mut rows = Vec::with_capacity(entries.len());
    for entry in entries {
        seq += 1;
        let row = entry.chained(seq, std::mem::take(&mut prev));
        prev.clone_from(&row.hash);
        rows.push(row);
    }
    insert_chained(conn, &rows)
}

/// Inserts chained entries, many per statement (17 values a row).
fn insert_chained(conn: &mut DbConnection, rows: &[Chained]) -> Result<(), DbError> {
    for chunk in rows.chunks(STATEMENT_ROWS) {
        crate::per_backend!(&mut *conn, c => diesel::insert_into(audit_log::table)
            .values(chunk)
            .execute(c))?;
    }
    Ok(())
}

/// Moves every committed inbox entry into the chain, oldest first, in
/// transactions of its own; returns how many. PostgreSQL (on SQLite the
/// writer's transaction is the lock: run [`chain_batch`] through
/// `Db::write`).
pub fn chain_pending(conn: &mut DbConnection) -> Result<usize, DbError> {
    if !matches!(conn, DbConnection::Pg(_)) {
        return Ok(0);
    }
    let mut moved = 0;
    loop {
        let n = write_tx(conn, chain_batch)?;
        moved += n;
        if n < BATCH as usize {
            return Ok(moved);
        }
    }
}

/// Moves up to [`BATCH`] inbox entries into the chain, inside the caller's
/// write transaction; returns how many.
pub fn chain_batch(conn: &mut DbConnection) -> Result<usize, DbError> {
    if let DbConnection::Pg(c) = conn {
        diesel::sql_query(format!("SELECT pg_advisory_xact_lock({CHAIN_LOCK})")).execute(c)?;
    }
    let waiting: Vec<(i64, Entry)> = audit_inbox::table
        .order(audit_inbox::id)
        .limit(BATCH)
        .select((
            audit_inbox::id,
            (
                audit_inbox::at,
                audit_inbox::actor_id,
                audit_inbox::actor_role,
                audit_inbox::actor_branch,
                audit_inbox::action,
                audit_inbox::participant_id,
                audit_inbox::claim_id,
                audit_inbox::booking_id,
                audit_inbox::session_id,
                audit_inbox::batch_id,
                audit_inbox::branch_code,
                audit_inbox::details,
                audit_inbox::client_ip,
                audit_inbox::request_id,
            ),
        ))
        .load(conn)?;
    if waiting.is_empty() {
        return Ok(0);
    }
    let (mut seq, mut prev) = super::head(conn)?.unwrap_or((0, String::new()));
    let ids: Vec<i64> = waiting.iter().map(|(id, _)| *id).collect();
    let mut rows = Vec::with_capacity(waiting.len());
    for (_, entry) in waiting {
        seq += 1;
        let row = entry.chained(seq, std::mem::take(&mut prev));
        prev.clone_from(&row.hash);
        rows.push(row);
    }
    insert_chained(conn, &rows)?;
    diesel::delete(audit_inbox::table.filter(audit_inbox::id.eq_any(&ids))).execute(conn)?;
    Ok(rows.len())
}
